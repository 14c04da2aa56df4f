/* cls-report-methods.c
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "cls-report.h"
#include "cls-report-methods.h"

struct _ClsMethodComparison
{
  ClsCalibrationParams base;         /* holds a reference on its weights */
  ClsEvaluationParams  eval;
  GCancellable        *cancellable;
  GArray              *rows;         /* ClsMethodRow */
};

/* What a row changes of the report's parameters. */
typedef struct {
  const char  *label;
  ClsMethod    method;
  ClsGuarantee guarantee;
  ClsLoss      loss;
  ClsStrata    strata;
  gboolean     weighted;
} Variant;

static const Variant variants[] = {
  { "exact", CLS_METHOD_EXACT, CLS_GUARANTEE_MARGINAL, CLS_LOSS_VOXEL, CLS_STRATA_NONE, FALSE },
  { "bisect", CLS_METHOD_BISECT, CLS_GUARANTEE_MARGINAL, CLS_LOSS_VOXEL, CLS_STRATA_NONE, FALSE },
  { "exact, PAC", CLS_METHOD_EXACT, CLS_GUARANTEE_PAC, CLS_LOSS_VOXEL, CLS_STRATA_NONE, FALSE },
  { "crc", CLS_METHOD_CRC, CLS_GUARANTEE_MARGINAL, CLS_LOSS_VOXEL, CLS_STRATA_NONE, FALSE },
  { "ltt", CLS_METHOD_LTT, CLS_GUARANTEE_MARGINAL, CLS_LOSS_VOXEL, CLS_STRATA_NONE, FALSE },
  { "exact, lesion loss", CLS_METHOD_EXACT, CLS_GUARANTEE_MARGINAL, CLS_LOSS_LESION, CLS_STRATA_NONE, FALSE },
  { "crc, lesion loss", CLS_METHOD_CRC, CLS_GUARANTEE_MARGINAL, CLS_LOSS_LESION, CLS_STRATA_NONE, FALSE },
  { "exact, size strata", CLS_METHOD_EXACT, CLS_GUARANTEE_MARGINAL, CLS_LOSS_VOXEL, CLS_STRATA_SIZE, FALSE },
  { "exact, weighted", CLS_METHOD_EXACT, CLS_GUARANTEE_MARGINAL, CLS_LOSS_VOXEL, CLS_STRATA_NONE, TRUE },
};

static void
row_clear (ClsMethodRow *row)
{
  g_free (row->dataset);
  g_free (row->model);
  g_free (row->label);
  g_free (row->note);
}

/**
 * cls_method_comparison_new:
 * @base: epsilon, alpha, empty masks, normalisation, lesion coverage, and
 *   (when they are to be compared too) delta, strata and weights
 * @eval: the splits every row shares
 * @cancellable: (nullable): to stop early
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): an empty comparison; add models
 *   with cls_method_comparison_add_model()
 */
ClsMethodComparison *
cls_method_comparison_new (const ClsCalibrationParams  *base,
                           const ClsEvaluationParams   *eval,
                           GCancellable                *cancellable,
                           GError                     **error)
{
  ClsMethodComparison *self;
  ClsCalibrationParams check = *base;

  check.method = CLS_METHOD_EXACT;
  check.guarantee = CLS_GUARANTEE_MARGINAL;
  check.delta = (ClsFraction) { 0, 0 };
  check.loss = CLS_LOSS_VOXEL;
  check.strata = CLS_STRATA_NONE;
  check.weights = NULL;
  if (!cls_calibration_params_check (&check, error))
    return NULL;

  self = g_new0 (ClsMethodComparison, 1);
  self->base = *base;
  if (!cls_calibration_params_has_delta (base))
    self->base.delta = CLS_DEFAULT_DELTA;
  if (base->weights != NULL)
    cls_weights_ref (base->weights);
  self->eval = *eval;
  self->eval.lesion_measures = TRUE;
  self->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
  self->rows = g_array_new (FALSE, TRUE, sizeof (ClsMethodRow));
  g_array_set_clear_func (self->rows, (GDestroyNotify) row_clear);
  return self;
}

void
cls_method_comparison_free (ClsMethodComparison *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->base.weights, cls_weights_unref);
  g_clear_object (&self->cancellable);
  g_array_unref (self->rows);
  g_free (self);
}

static ClsStat
stat_of (const ClsEvaluation *ev,
         gsize                offset)
{
  return cls_evaluation_get_stat (ev, offset);
}

static const ClsStat no_stat = { NAN, NAN };

static void
fill_row (ClsMethodRow        *row,
          const ClsEvaluation *ev,
          gboolean             fixed)
{
  gboolean lesions = cls_evaluation_has_lesion_measures (ev);

  row->feasible = fixed || cls_evaluation_is_feasible (ev);
  row->n_infeasible = fixed ? 0 : cls_evaluation_get_n_infeasible (ev);
  row->lesions = lesions;
  row->t_hat = fixed ? (ClsStat) { 1.0 - CLS_FIXED_CUT, 0.0 } : stat_of (ev, CLS_SPLIT_FIELD (t_hat));
#define PICK(name) stat_of (ev, fixed ? CLS_SPLIT_FIELD (name##_fixed) : CLS_SPLIT_FIELD (name##_calibrated))
  row->ecr = PICK (ecr);
  row->fnr = PICK (fnr);
  row->pc = PICK (pc);
  row->missed = PICK (missed);
  row->lesion_missed = lesions ? PICK (lesion_missed) : no_stat;
  row->lesion_fnr = lesions ? PICK (lesion_fnr) : no_stat;
#undef PICK
}

static char *
label_of (const Variant              *v,
          const ClsCalibrationParams *params)
{
  if (v->guarantee == CLS_GUARANTEE_PAC || v->method == CLS_METHOD_LTT)
    {
      g_autofree char *delta = cls_fraction_to_string (params->delta);
      return g_strdup_printf ("%s, δ = %s", v->label, delta);
    }
  return g_strdup (v->label);
}

/**
 * cls_method_comparison_add_model:
 * @self: a comparison
 * @dataset: the dataset, for the rows
 * @model: the model, for the rows
 * @cases: (array length=n_cases): its cases
 * @n_cases: how many
 * @error: return location for a #GError
 *
 * Evaluates every method on the model's cases, on the same splits. A
 * method that fails on these cases (a stratum with too few cases) gets a
 * row with the reason and no numbers.
 *
 * Returns: %FALSE when even the exact method cannot be evaluated, or when
 *   cancelled
 */
gboolean
cls_method_comparison_add_model (ClsMethodComparison     *self,
                                 const char              *dataset,
                                 const char              *model,
                                 ClsCaseSummary * const  *cases,
                                 guint                    n_cases,
                                 GError                 **error)
{
  g_autoptr(ClsEvaluator) evaluator = cls_evaluator_new (cases, n_cases);
  gboolean lesions = cls_case_summaries_have_components (cases, n_cases);
  gboolean first = TRUE;

  for (guint v = 0; v < G_N_ELEMENTS (variants); v++)
    {
      const Variant *var = &variants[v];
      ClsCalibrationParams params = self->base;
      g_autoptr(ClsEvaluation) ev = NULL;
      g_autoptr(GError) local_error = NULL;
      ClsMethodRow row = { 0 };

      if ((var->loss == CLS_LOSS_LESION && !lesions) ||
          (var->strata != CLS_STRATA_NONE && self->base.strata == CLS_STRATA_NONE) ||
          (var->weighted && self->base.weights == NULL))
        continue;
      if (g_cancellable_set_error_if_cancelled (self->cancellable, error))
        return FALSE;

      params.method = var->method;
      params.guarantee = var->guarantee;
      params.loss = var->loss;
      params.strata = var->strata;
      params.weights = var->weighted ? self->base.weights : NULL;
      if (var->guarantee != CLS_GUARANTEE_PAC && var->method != CLS_METHOD_LTT)
        params.delta = (ClsFraction) { 0, 0 };

      ev = cls_evaluator_run (evaluator, &params, &self->eval, &local_error);
      if (ev == NULL && first)
        {
          g_propagate_prefixed_error (error, g_steal_pointer (&local_error), "%s, %s: ", dataset, model);
          return FALSE;
        }

      /* the fixed threshold's row, from the first evaluation */
      if (first)
        {
          ClsMethodRow fixed = { 0 };

          fixed.dataset = g_strdup (dataset);
          fixed.model = g_strdup (model);
          fixed.label = g_strdup ("t = 0.5");
          fixed.params = params;
          fixed.params.weights = NULL;
          fixed.fixed = TRUE;
          fill_row (&fixed, ev, TRUE);
          g_array_append_val (self->rows, fixed);
          first = FALSE;
        }

      row.dataset = g_strdup (dataset);
      row.model = g_strdup (model);
      row.label = label_of (var, &params);
      row.params = params;
      row.params.weights = NULL;
      row.weighted = var->weighted;
      if (ev != NULL)
        fill_row (&row, ev, FALSE);
      else
        {
          row.note = g_strdup (local_error->message);
          row.t_hat = row.ecr = row.fnr = row.pc = row.missed = row.lesion_missed = row.lesion_fnr = no_stat;
        }
      g_array_append_val (self->rows, row);
    }

  return TRUE;
}

guint
cls_method_comparison_get_n_rows (const ClsMethodComparison *self)
{
  return self->rows->len;
}

const ClsMethodRow *
cls_method_comparison_get_row (const ClsMethodComparison *self,
                               guint                      i)
{
  g_return_val_if_fail (i < self->rows->len, NULL);
  return &g_array_index (self->rows, ClsMethodRow, i);
}

/**
 * cls_method_comparison_get_base:
 * @self: a comparison
 *
 * Returns: the parameters every row shares (epsilon, alpha, …)
 */
const ClsCalibrationParams *
cls_method_comparison_get_base (const ClsMethodComparison *self)
{
  return &self->base;
}

/* Tables
 * ------ */

typedef struct {
  const char *name;    /* in CSV and JSON */
  const char *title;   /* in Markdown and HTML */
  gsize       offset;  /* of a ClsStat in ClsMethodRow */
} Column;

#define COL(field, title) { #field, title, G_STRUCT_OFFSET (ClsMethodRow, field) }

static const Column columns[] = {
  COL (t_hat, "t̂"),
  COL (ecr, "ECR"),
  COL (fnr, "FNR"),
  COL (pc, "PC"),
  COL (missed, "cases missed entirely"),
  COL (lesion_missed, "lesions with no voxel found"),
  COL (lesion_fnr, "lesion-level FNR"),
};

static const ClsStat *
row_stat (const ClsMethodRow *row,
          const Column       *column)
{
  return (const ClsStat *) ((const guint8 *) row + column->offset);
}

static void
csv_number (GString *out,
            double   v)
{
  g_autofree char *text = isfinite (v) ? cls_format_double (v) : g_strdup ("");
  g_string_append (out, text);
}

/**
 * cls_method_comparison_to_csv:
 * @self: a comparison
 *
 * Returns: (transfer full): one row per dataset, model and method, with the
 *   mean and standard deviation over splits of each measure
 */
char *
cls_method_comparison_to_csv (const ClsMethodComparison *self)
{
  GString *out = g_string_new ("dataset,model,method,guarantee,delta,loss,strata,weighted,epsilon,alpha,"
                               "feasible,infeasible_splits");
  g_autofree char *eps = cls_fraction_to_string (self->base.epsilon);
  g_autofree char *alpha = cls_fraction_to_string (self->base.alpha);

  for (guint c = 0; c < G_N_ELEMENTS (columns); c++)
    g_string_append_printf (out, ",%s_mean,%s_std", columns[c].name, columns[c].name);
  g_string_append (out, ",note\n");

  for (guint i = 0; i < self->rows->len; i++)
    {
      const ClsMethodRow *r = &g_array_index (self->rows, ClsMethodRow, i);
      g_autofree char *delta = cls_calibration_params_has_delta (&r->params)
                               ? cls_fraction_to_string (r->params.delta) : g_strdup ("");

      cls_report_csv_field (out, r->dataset);
      g_string_append_c (out, ',');
      cls_report_csv_field (out, r->model);
      g_string_append_c (out, ',');
      cls_report_csv_field (out, r->fixed ? "fixed" : cls_method_to_string (r->params.method));
      g_string_append_printf (out, ",%s,%s,%s,%s,%s,%s,%s,%s,%u",
                              r->fixed ? "" : cls_guarantee_to_string (r->params.guarantee), delta,
                              cls_loss_to_string (r->params.loss), cls_strata_to_string (r->params.strata),
                              r->weighted ? "true" : "false", eps, alpha, r->feasible ? "true" : "false",
                              r->n_infeasible);
      for (guint c = 0; c < G_N_ELEMENTS (columns); c++)
        {
          const ClsStat *s = row_stat (r, &columns[c]);

          g_string_append_c (out, ',');
          csv_number (out, s->mean);
          g_string_append_c (out, ',');
          csv_number (out, s->std);
        }
      g_string_append_c (out, ',');
      cls_report_csv_field (out, r->note);
      g_string_append_c (out, '\n');
    }

  return g_string_free (out, FALSE);
}

static void
format_stat (GString       *out,
             const ClsStat *s)
{
  char a[G_ASCII_DTOSTR_BUF_SIZE], b[G_ASCII_DTOSTR_BUF_SIZE];

  if (!isfinite (s->mean))
    {
      g_string_append (out, "–");
      return;
    }
  g_string_append_printf (out, "%s ± %s", g_ascii_formatd (a, sizeof a, "%.3f", s->mean),
                          g_ascii_formatd (b, sizeof b, "%.3f", s->std));
}

static GPtrArray *
datasets_of (const ClsMethodComparison *self)
{
  GPtrArray *datasets = g_ptr_array_new ();

  for (guint i = 0; i < self->rows->len; i++)
    {
      const ClsMethodRow *r = &g_array_index (self->rows, ClsMethodRow, i);

      if (!g_ptr_array_find_with_equal_func (datasets, r->dataset, g_str_equal, NULL))
        g_ptr_array_add (datasets, r->dataset);
    }
  return datasets;
}

/* A row's method and notes as one cell. */
static char *
method_cell (const ClsMethodRow *r)
{
  GString *s = g_string_new (r->label);

  if (!r->feasible && r->note == NULL)
    g_string_append_printf (s, " (not feasible in %u splits)", r->n_infeasible);
  if (r->note != NULL)
    g_string_append_printf (s, " (%s)", r->note);
  return g_string_free (s, FALSE);
}

/**
 * cls_method_comparison_to_markdown:
 * @self: a comparison
 *
 * Returns: (transfer full): per dataset, a table of every model and method
 */
char *
cls_method_comparison_to_markdown (const ClsMethodComparison *self)
{
  g_autoptr(GPtrArray) datasets = datasets_of (self);
  g_autofree char *eps = cls_fraction_to_string (self->base.epsilon);
  g_autofree char *alpha = cls_fraction_to_string (self->base.alpha);
  GString *out = g_string_new (NULL);

  for (guint d = 0; d < datasets->len; d++)
    {
      g_string_append_printf (out, "%s### %s (ε = %s, α = %s, %u splits)\n\n| model | method | loss |",
                              d ? "\n" : "", (const char *) datasets->pdata[d], eps, alpha, self->eval.n_splits);
      for (guint c = 0; c < G_N_ELEMENTS (columns); c++)
        g_string_append_printf (out, " %s |", columns[c].title);
      g_string_append (out, "\n|---|---|---|");
      for (guint c = 0; c < G_N_ELEMENTS (columns); c++)
        g_string_append (out, "---|");
      g_string_append_c (out, '\n');

      for (guint i = 0; i < self->rows->len; i++)
        {
          const ClsMethodRow *r = &g_array_index (self->rows, ClsMethodRow, i);
          g_autofree char *method = NULL;

          if (g_strcmp0 (r->dataset, datasets->pdata[d]) != 0)
            continue;
          method = method_cell (r);
          g_string_append_printf (out, "| %s | %s | %s |", r->model, method, cls_loss_to_string (r->params.loss));
          for (guint c = 0; c < G_N_ELEMENTS (columns); c++)
            {
              g_string_append_c (out, ' ');
              format_stat (out, row_stat (r, &columns[c]));
              g_string_append (out, " |");
            }
          g_string_append_c (out, '\n');
        }
    }
  return g_string_free (out, FALSE);
}

/**
 * cls_method_comparison_to_html:
 * @self: a comparison
 * @dataset: one of its datasets
 *
 * Returns: (transfer full): an HTML table of the dataset's rows
 */
char *
cls_method_comparison_to_html (const ClsMethodComparison *self,
                               const char                *dataset)
{
  GString *out = g_string_new ("<table>\n<tr><th>model</th><th>method</th><th>loss</th>");

  for (guint c = 0; c < G_N_ELEMENTS (columns); c++)
    g_string_append_printf (out, "<th>%s</th>", columns[c].title);
  g_string_append (out, "</tr>\n");

  for (guint i = 0; i < self->rows->len; i++)
    {
      const ClsMethodRow *r = &g_array_index (self->rows, ClsMethodRow, i);
      g_autofree char *model = NULL;
      g_autofree char *method = NULL;
      g_autofree char *method_text = NULL;

      if (g_strcmp0 (r->dataset, dataset) != 0)
        continue;
      model = g_markup_escape_text (r->model, -1);
      method_text = method_cell (r);
      method = g_markup_escape_text (method_text, -1);
      g_string_append_printf (out, "<tr><td>%s</td><td>%s</td><td>%s</td>", model, method,
                              cls_loss_to_string (r->params.loss));
      for (guint c = 0; c < G_N_ELEMENTS (columns); c++)
        {
          g_string_append (out, "<td>");
          format_stat (out, row_stat (r, &columns[c]));
          g_string_append (out, "</td>");
        }
      g_string_append (out, "</tr>\n");
    }
  g_string_append (out, "</table>\n");
  return g_string_free (out, FALSE);
}

/**
 * cls_method_comparison_write_json:
 * @self: a comparison
 * @writer: where to write one array of rows
 */
void
cls_method_comparison_write_json (const ClsMethodComparison *self,
                                  ClsJsonWriter             *w)
{
  cls_json_writer_begin_array (w);
  for (guint i = 0; i < self->rows->len; i++)
    {
      const ClsMethodRow *r = &g_array_index (self->rows, ClsMethodRow, i);

      cls_json_writer_begin_object (w);
      cls_json_writer_member (w, "dataset");
      cls_json_writer_string (w, r->dataset);
      cls_json_writer_member (w, "model");
      cls_json_writer_string (w, r->model);
      cls_json_writer_member (w, "label");
      cls_json_writer_string (w, r->label);
      cls_json_writer_member (w, "method");
      cls_json_writer_string (w, r->fixed ? "fixed" : cls_method_to_string (r->params.method));
      cls_json_writer_member (w, "guarantee");
      cls_json_writer_string (w, cls_guarantee_to_string (r->params.guarantee));
      cls_json_writer_member (w, "delta");
      if (cls_calibration_params_has_delta (&r->params))
        {
          g_autofree char *delta = cls_fraction_to_string (r->params.delta);
          cls_json_writer_raw_number (w, delta);
        }
      else
        cls_json_writer_null (w);
      cls_json_writer_member (w, "loss");
      cls_json_writer_string (w, cls_loss_to_string (r->params.loss));
      cls_json_writer_member (w, "strata");
      cls_json_writer_string (w, cls_strata_to_string (r->params.strata));
      cls_json_writer_member (w, "weighted");
      cls_json_writer_boolean (w, r->weighted);
      cls_json_writer_member (w, "feasible");
      cls_json_writer_boolean (w, r->feasible);
      cls_json_writer_member (w, "infeasible_splits");
      cls_json_writer_uint (w, r->n_infeasible);
      for (guint c = 0; c < G_N_ELEMENTS (columns); c++)
        {
          const ClsStat *s = row_stat (r, &columns[c]);

          cls_json_writer_member (w, columns[c].name);
          cls_json_writer_begin_object (w);
          cls_json_writer_member (w, "mean");
          cls_json_writer_double (w, s->mean);
          cls_json_writer_member (w, "std");
          cls_json_writer_double (w, s->std);
          cls_json_writer_end_object (w);
        }
      cls_json_writer_member (w, "note");
      cls_json_writer_string (w, r->note);
      cls_json_writer_end_object (w);
    }
  cls_json_writer_end_array (w);
}
