/* cls-report.c
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <inttypes.h>

#include <string.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "cls-atomic-file.h"
#include "cls-error.h"
#include "cls-json-writer.h"
#include "cls-report.h"
#include "cls-report-methods.h"

struct _ClsReport
{
  ClsReportOptions options;
  GStrv            datasets;
  GStrv            models;     /* union over datasets, sorted */
  GArray          *cells;      /* ClsReportCell */
  GPtrArray       *case_sets;  /* per dataset: GPtrArray of ClsCaseSet */
  GPtrArray       *warnings;
  ClsMethodComparison *methods;
};

void
cls_report_options_init (ClsReportOptions *options)
{
  static const char *defaults[] = { "0.1", "0.2", "0.3", "0.4", "0.5" };

  memset (options, 0, sizeof *options);
  options->epsilons = g_array_new (FALSE, FALSE, sizeof (ClsFraction));
  for (guint i = 0; i < G_N_ELEMENTS (defaults); i++)
    {
      ClsFraction f;

      cls_fraction_parse (defaults[i], &f, NULL);
      g_array_append_val (options->epsilons, f);
    }
  cls_calibration_params_init (&options->calibration);
  cls_evaluation_params_init (&options->eval);
  cls_load_options_init (&options->load);
  options->figure_epsilon = (ClsFraction) { 2, 10 };
}

void
cls_report_options_clear (ClsReportOptions *options)
{
  g_clear_pointer (&options->models, g_strfreev);
  g_clear_pointer (&options->epsilons, g_array_unref);
}

static void
cell_clear (ClsReportCell *cell)
{
  g_free (cell->dataset);
  g_free (cell->model);
}

void
cls_report_free (ClsReport *self)
{
  if (self == NULL)
    return;

  cls_report_options_clear (&self->options);
  g_strfreev (self->datasets);
  g_strfreev (self->models);
  g_array_unref (self->cells);
  g_ptr_array_unref (self->case_sets);
  g_ptr_array_unref (self->warnings);
  cls_method_comparison_free (self->methods);
  g_free (self);
}

static void
fill_cell (ClsReportCell       *cell,
           const ClsEvaluation *ev)
{
  cell->n = cls_evaluation_get_n (ev);
  cell->n_skipped = cls_evaluation_get_n_skipped (ev);
  cell->n_cal = cls_evaluation_get_n_cal (ev);
  cell->n_test = cls_evaluation_get_n_test (ev);
  cell->rank = cls_evaluation_get_rank (ev);
  cell->feasible = cls_evaluation_is_feasible (ev);
  cell->theory_ecr = cls_evaluation_get_theory_ecr (ev);
#define STAT(field) cell->field = cls_evaluation_get_stat (ev, CLS_SPLIT_FIELD (field))
  STAT (t_hat);
  STAT (ecr_fixed);
  STAT (ecr_calibrated);
  STAT (fnr_fixed);
  STAT (fnr_calibrated);
  STAT (pc_fixed);
  STAT (pc_calibrated);
  STAT (missed_fixed);
  STAT (missed_calibrated);
  STAT (fpr_fixed);
  STAT (fpr_calibrated);
#undef STAT
}

typedef struct {
  ClsProgressFunc progress;
  gpointer        user_data;
  guint64         offset;
  guint64         total;
} ProgressRelay;

static void
relay_progress (guint64     done,
                guint64     total,
                const char *message,
                gpointer    user_data)
{
  ProgressRelay *relay = user_data;

  if (relay->progress != NULL)
    relay->progress (relay->offset + done, relay->total, message, relay->user_data);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(char * const *) a, *(char * const *) b);
}

/**
 * cls_report_new:
 * @datasets: (array zero-terminated=1): dataset folders, manifests or
 *   summary folders
 * @options: models, epsilons, alpha, splits
 * @progress: (nullable) (scope call): progress over loading and evaluating
 * @user_data: for @progress
 * @cancellable: (nullable): to stop early
 * @error: return location for a #GError
 *
 * Loads every dataset and evaluates every (dataset, model, epsilon).
 *
 * Returns: (transfer full) (nullable): the report
 */
ClsReport *
cls_report_new (const char * const     *datasets,
                const ClsReportOptions *options,
                ClsProgressFunc         progress,
                gpointer                user_data,
                GCancellable           *cancellable,
                GError                **error)
{
  g_autoptr(ClsReport) self = g_new0 (ClsReport, 1);
  g_autoptr(GPtrArray) all_models = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) opened = g_ptr_array_new_with_free_func ((GDestroyNotify) cls_dataset_unref);
  ProgressRelay relay = { progress, user_data, 0, 0 };
  guint n_datasets = g_strv_length ((char **) datasets);

  if (n_datasets == 0)
    {
      g_set_error (error, CLS_ERROR, CLS_ERROR_INVALID_ARGUMENT, _("no dataset given"));
      return NULL;
    }
  if (options->epsilons == NULL || options->epsilons->len == 0)
    {
      g_set_error (error, CLS_ERROR, CLS_ERROR_INVALID_ARGUMENT, _("no epsilon given"));
      return NULL;
    }

  self->options = *options;
  self->options.models = g_strdupv (options->models);
  self->options.epsilons = g_array_copy (options->epsilons);
  self->datasets = g_strdupv ((char **) datasets);
  self->cells = g_array_new (FALSE, TRUE, sizeof (ClsReportCell));
  g_array_set_clear_func (self->cells, (GDestroyNotify) cell_clear);
  self->case_sets = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  self->warnings = g_ptr_array_new_with_free_func (g_free);
  {
    ClsCalibrationParams base = options->calibration;

    base.epsilon = options->figure_epsilon.den != 0 ? options->figure_epsilon : (ClsFraction) { 2, 10 };
    self->methods = cls_method_comparison_new (&base, &options->eval, cancellable, error);
    if (self->methods == NULL)
      return NULL;
  }

  /* Open everything first: a wrong path or model fails before any work. */
  for (guint d = 0; d < n_datasets; d++)
    {
      ClsDataset *ds = cls_dataset_open (datasets[d], error);

      if (ds == NULL)
        return NULL;
      g_ptr_array_add (opened, ds);
      relay.total += cls_dataset_get_n_cases (ds);

      for (guint i = 0; i < cls_dataset_get_warnings (ds)->len; i++)
        g_ptr_array_add (self->warnings, g_strdup (cls_dataset_get_warnings (ds)->pdata[i]));

      if (options->models != NULL)
        {
          for (guint m = 0; options->models[m] != NULL; m++)
            if (!cls_dataset_has_model (ds, options->models[m]))
              {
                g_autofree char *known = g_strjoinv (", ", (char **) cls_dataset_get_models (ds));

                g_set_error (error, CLS_ERROR, CLS_ERROR_DATASET,
                             _("%s: no model “%s” (it has: %s)"), datasets[d], options->models[m], known);
                return NULL;
              }
        }
    }

  for (guint d = 0; d < n_datasets; d++)
    {
      ClsDataset *ds = opened->pdata[d];
      const char * const *models = options->models != NULL ? (const char * const *) options->models
                                                           : cls_dataset_get_models (ds);
      GPtrArray *sets = cls_dataset_load (ds, models, &options->load, relay_progress, &relay,
                                          cancellable, error);

      if (sets == NULL)
        return NULL;
      relay.offset += cls_dataset_get_n_cases (ds);
      g_ptr_array_add (self->case_sets, sets);

      for (guint m = 0; m < sets->len; m++)
        {
          ClsCaseSet *set = sets->pdata[m];
          g_autoptr(ClsEvaluator) evaluator = NULL;

          if (!g_ptr_array_find_with_equal_func (all_models, set->model, g_str_equal, NULL))
            g_ptr_array_add (all_models, g_strdup (set->model));

          for (guint i = 0; i < set->failures->len; i++)
            g_ptr_array_add (self->warnings,
                             g_strdup_printf (_("case left out: %s"),
                                              ((ClsCaseFailure *) set->failures->pdata[i])->message));

          evaluator = cls_evaluator_new ((ClsCaseSummary **) set->summaries->pdata, set->summaries->len);

          for (guint e = 0; e < options->epsilons->len; e++)
            {
              ClsCalibrationParams params = options->calibration;
              g_autoptr(ClsEvaluation) ev = NULL;
              ClsReportCell cell = { 0 };

              if (g_cancellable_set_error_if_cancelled (cancellable, error))
                return NULL;

              params.epsilon = g_array_index (options->epsilons, ClsFraction, e);
              ev = cls_evaluator_run (evaluator, &params, &options->eval, error);
              if (ev == NULL)
                {
                  g_prefix_error (error, "%s, %s: ", datasets[d], set->model);
                  return NULL;
                }

              cell.dataset = g_strdup (datasets[d]);
              cell.model = g_strdup (set->model);
              cell.epsilon = params.epsilon;
              cell.n_failed = set->failures->len;
              fill_cell (&cell, ev);
              g_array_append_val (self->cells, cell);
            }

          if (!cls_method_comparison_add_model (self->methods, datasets[d], set->model,
                                                (ClsCaseSummary **) set->summaries->pdata,
                                                set->summaries->len, error))
            return NULL;
        }
    }

  g_ptr_array_sort (all_models, compare_strings);
  g_ptr_array_add (all_models, NULL);
  self->models = (GStrv) g_ptr_array_free (g_steal_pointer (&all_models), FALSE);

  return g_steal_pointer (&self);
}

guint
cls_report_get_n_cells (const ClsReport *self)
{
  return self->cells->len;
}

const ClsReportCell *
cls_report_get_cell (const ClsReport *self,
                     guint            i)
{
  g_return_val_if_fail (i < self->cells->len, NULL);
  return &g_array_index (self->cells, ClsReportCell, i);
}

const ClsReportCell *
cls_report_find_cell (const ClsReport *self,
                      const char      *dataset,
                      const char      *model,
                      ClsFraction      epsilon)
{
  for (guint i = 0; i < self->cells->len; i++)
    {
      const ClsReportCell *c = &g_array_index (self->cells, ClsReportCell, i);

      if (g_strcmp0 (c->dataset, dataset) == 0 && g_strcmp0 (c->model, model) == 0 &&
          cls_fraction_compare (c->epsilon, epsilon) == 0)
        return c;
    }
  return NULL;
}

/**
 * cls_report_get_datasets:
 * @self: a report
 *
 * Returns: (transfer none) (array zero-terminated=1): the datasets
 */
const char * const *
cls_report_get_datasets (const ClsReport *self)
{
  return (const char * const *) self->datasets;
}

/**
 * cls_report_get_models:
 * @self: a report
 *
 * Returns: (transfer none) (array zero-terminated=1): every model, sorted
 */
const char * const *
cls_report_get_models (const ClsReport *self)
{
  return (const char * const *) self->models;
}

/**
 * cls_report_get_case_sets:
 * @self: a report
 * @dataset: index into cls_report_get_datasets()
 *
 * Returns: (transfer none) (element-type ClsCaseSet): the loaded models
 */
GPtrArray *
cls_report_get_case_sets (const ClsReport *self,
                          guint            dataset)
{
  g_return_val_if_fail (dataset < self->case_sets->len, NULL);
  return self->case_sets->pdata[dataset];
}

/**
 * cls_report_get_warnings:
 * @self: a report
 *
 * Returns: (transfer none) (element-type utf8): stray files, cases left out
 */
GPtrArray *
cls_report_get_warnings (const ClsReport *self)
{
  return self->warnings;
}

const ClsReportOptions *
cls_report_get_options (const ClsReport *self)
{
  return &self->options;
}

/**
 * cls_report_get_methods:
 * @self: a report
 *
 * Returns: (transfer none): every method side by side, per dataset and
 *   model, at the figure's epsilon
 */
const ClsMethodComparison *
cls_report_get_methods (const ClsReport *self)
{
  return self->methods;
}

/* Tables */

typedef struct {
  const char *name;
  gsize       offset;  /* of a ClsStat in ClsReportCell */
} Column;

#define COL(name) { #name, G_STRUCT_OFFSET (ClsReportCell, name) }

static const Column table1_columns[] = { COL (fnr_fixed), COL (fnr_calibrated) };
static const Column table2_columns[] = { COL (ecr_fixed), COL (ecr_calibrated) };
static const Column extras_columns[] = {
  COL (t_hat), COL (missed_fixed), COL (missed_calibrated), COL (fpr_fixed),
  COL (fpr_calibrated), COL (pc_fixed), COL (pc_calibrated),
};

static gboolean
table_columns (const char    *table,
               const Column **columns,
               guint         *n_columns)
{
  if (g_strcmp0 (table, "table1") == 0)
    {
      *columns = table1_columns;
      *n_columns = G_N_ELEMENTS (table1_columns);
    }
  else if (g_strcmp0 (table, "table2") == 0)
    {
      *columns = table2_columns;
      *n_columns = G_N_ELEMENTS (table2_columns);
    }
  else if (g_strcmp0 (table, "extras") == 0)
    {
      *columns = extras_columns;
      *n_columns = G_N_ELEMENTS (extras_columns);
    }
  else
    return FALSE;
  return TRUE;
}

static const ClsStat *
cell_stat (const ClsReportCell *cell,
           const Column        *column)
{
  return (const ClsStat *) ((const guint8 *) cell + column->offset);
}

/**
 * cls_report_csv_field:
 * @out: a CSV line being built
 * @text: (nullable): a field
 *
 * Appends @text, quoted when it holds a comma, a quote or a line break.
 */
void
cls_report_csv_field (GString    *out,
                      const char *text)
{
  if (text == NULL)
    return;
  if (strpbrk (text, ",\"\n\r") == NULL)
    {
      g_string_append (out, text);
      return;
    }
  g_string_append_c (out, '"');
  for (const char *p = text; *p; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

static void
csv_number (GString *out,
            double   v)
{
  g_autofree char *text = cls_format_double (v);
  g_string_append (out, text);
}

/**
 * cls_report_table_csv:
 * @self: a report
 * @table: "table1", "table2" or "extras"
 *
 * One row per (dataset, model, epsilon), mean and std of each measure.
 *
 * Returns: (transfer full) (nullable): the CSV text
 */
char *
cls_report_table_csv (const ClsReport *self,
                      const char      *table)
{
  const Column *columns;
  guint n_columns;
  GString *out;
  g_autofree char *alpha = cls_fraction_to_string (self->options.calibration.alpha);

  if (!table_columns (table, &columns, &n_columns))
    return NULL;

  out = g_string_new ("dataset,model,epsilon,alpha,n,n_cal,n_test,rank,feasible,theory_ecr");
  for (guint c = 0; c < n_columns; c++)
    g_string_append_printf (out, ",%s_mean,%s_std", columns[c].name, columns[c].name);
  g_string_append_c (out, '\n');

  for (guint i = 0; i < self->cells->len; i++)
    {
      const ClsReportCell *cell = &g_array_index (self->cells, ClsReportCell, i);
      g_autofree char *eps = cls_fraction_to_string (cell->epsilon);

      cls_report_csv_field (out, cell->dataset);
      g_string_append_c (out, ',');
      cls_report_csv_field (out, cell->model);
      g_string_append_printf (out, ",%s,%s,%u,%u,%u,%" PRIu64 ",%s,",
                              eps, alpha, cell->n, cell->n_cal, cell->n_test, cell->rank,
                              cell->feasible ? "true" : "false");
      csv_number (out, cell->theory_ecr);
      for (guint c = 0; c < n_columns; c++)
        {
          const ClsStat *s = cell_stat (cell, &columns[c]);

          g_string_append_c (out, ',');
          csv_number (out, s->mean);
          g_string_append_c (out, ',');
          csv_number (out, s->std);
        }
      g_string_append_c (out, '\n');
    }

  return g_string_free (out, FALSE);
}

static void
md_stat (GString       *out,
         const ClsStat *s)
{
  char a[G_ASCII_DTOSTR_BUF_SIZE], b[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append_printf (out, "%s ± %s",
                          g_ascii_formatd (a, sizeof a, "%.3f", s->mean),
                          g_ascii_formatd (b, sizeof b, "%.3f", s->std));
}

static const char *
column_title (const char *name)
{
  static const struct { const char *name, *title; } titles[] = {
    { "fnr_fixed", "FNR at t = 0.5" }, { "fnr_calibrated", "FNR at t̂" },
    { "ecr_fixed", "ECR at t = 0.5" }, { "ecr_calibrated", "ECR at t̂" },
    { "t_hat", "t̂" },
    { "missed_fixed", "missed entirely at 0.5" }, { "missed_calibrated", "missed entirely at t̂" },
    { "fpr_fixed", "FPR at 0.5" }, { "fpr_calibrated", "FPR at t̂" },
    { "pc_fixed", "PC at 0.5" }, { "pc_calibrated", "PC at t̂" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (titles); i++)
    if (strcmp (titles[i].name, name) == 0)
      return titles[i].title;
  return name;
}

/**
 * cls_report_table_markdown:
 * @self: a report
 * @table: "table1", "table2" or "extras"
 *
 * As in the paper: one section per dataset, a row per epsilon, and per
 * model the table's measures as mean ± std.
 *
 * Returns: (transfer full) (nullable): the Markdown text
 */
char *
cls_report_table_markdown (const ClsReport *self,
                           const char      *table)
{
  const Column *columns;
  guint n_columns;
  GString *out;
  g_autofree char *alpha = cls_fraction_to_string (self->options.calibration.alpha);

  if (!table_columns (table, &columns, &n_columns))
    return NULL;

  out = g_string_new (NULL);
  for (guint d = 0; self->datasets[d] != NULL; d++)
    {
      g_string_append_printf (out, "%s### %s (α = %s, %u splits)\n\n", d ? "\n" : "",
                              self->datasets[d], alpha, self->options.eval.n_splits);
      g_string_append (out, "| ε | model |");
      for (guint c = 0; c < n_columns; c++)
        g_string_append_printf (out, " %s |", column_title (columns[c].name));
      g_string_append (out, "\n|---|---|");
      for (guint c = 0; c < n_columns; c++)
        g_string_append (out, "---|");
      g_string_append_c (out, '\n');

      for (guint i = 0; i < self->cells->len; i++)
        {
          const ClsReportCell *cell = &g_array_index (self->cells, ClsReportCell, i);
          g_autofree char *eps = NULL;

          if (g_strcmp0 (cell->dataset, self->datasets[d]) != 0)
            continue;
          eps = cls_fraction_to_string (cell->epsilon);
          g_string_append_printf (out, "| %s | %s%s |", eps, cell->model,
                                  cell->feasible ? "" : " (not feasible)");
          for (guint c = 0; c < n_columns; c++)
            {
              g_string_append_c (out, ' ');
              md_stat (out, cell_stat (cell, &columns[c]));
              g_string_append (out, " |");
            }
          g_string_append_c (out, '\n');
        }
    }

  return g_string_free (out, FALSE);
}

static void
json_stat (ClsJsonWriter *w,
           const char    *name,
           const ClsStat *s)
{
  cls_json_writer_member (w, name);
  cls_json_writer_begin_object (w);
  cls_json_writer_member (w, "mean");
  cls_json_writer_double (w, s->mean);
  cls_json_writer_member (w, "std");
  cls_json_writer_double (w, s->std);
  cls_json_writer_end_object (w);
}

/**
 * cls_report_to_json:
 * @self: a report
 *
 * Returns: (transfer full): every cell with every measure, and the options
 */
char *
cls_report_to_json (const ClsReport *self)
{
  g_autoptr(ClsJsonWriter) w = cls_json_writer_new (TRUE);
  const ClsReportOptions *o = &self->options;
  g_autofree char *alpha = cls_fraction_to_string (o->calibration.alpha);
  g_autofree char *fraction = cls_fraction_to_string (o->eval.cal_fraction);

  cls_json_writer_begin_object (w);
  cls_json_writer_member (w, "alpha");
  cls_json_writer_raw_number (w, alpha);
  cls_json_writer_member (w, "method");
  cls_json_writer_string (w, cls_method_to_string (o->calibration.method));
  cls_json_writer_member (w, "normalize");
  cls_json_writer_string (w, cls_normalize_to_string (o->calibration.normalize));
  cls_json_writer_member (w, "empty_masks");
  cls_json_writer_string (w, cls_empty_policy_to_string (o->calibration.empty_policy));
  cls_json_writer_member (w, "splits");
  cls_json_writer_uint (w, o->eval.n_splits);
  cls_json_writer_member (w, "cal_fraction");
  cls_json_writer_raw_number (w, fraction);
  cls_json_writer_member (w, "seed");
  cls_json_writer_uint (w, o->eval.seed);
  cls_json_writer_member (w, "generator");
  cls_json_writer_string (w, "mt19937");

  cls_json_writer_member (w, "results");
  cls_json_writer_begin_array (w);
  for (guint i = 0; i < self->cells->len; i++)
    {
      const ClsReportCell *c = &g_array_index (self->cells, ClsReportCell, i);
      g_autofree char *eps = cls_fraction_to_string (c->epsilon);

      cls_json_writer_begin_object (w);
      cls_json_writer_member (w, "dataset");
      cls_json_writer_string (w, c->dataset);
      cls_json_writer_member (w, "model");
      cls_json_writer_string (w, c->model);
      cls_json_writer_member (w, "epsilon");
      cls_json_writer_raw_number (w, eps);
      cls_json_writer_member (w, "n");
      cls_json_writer_uint (w, c->n);
      cls_json_writer_member (w, "skipped_empty");
      cls_json_writer_uint (w, c->n_skipped);
      cls_json_writer_member (w, "failed");
      cls_json_writer_uint (w, c->n_failed);
      cls_json_writer_member (w, "n_cal");
      cls_json_writer_uint (w, c->n_cal);
      cls_json_writer_member (w, "n_test");
      cls_json_writer_uint (w, c->n_test);
      cls_json_writer_member (w, "rank");
      cls_json_writer_uint (w, c->rank);
      cls_json_writer_member (w, "feasible");
      cls_json_writer_boolean (w, c->feasible);
      cls_json_writer_member (w, "theory_ecr");
      cls_json_writer_double (w, c->theory_ecr);
      json_stat (w, "t_hat", &c->t_hat);
      json_stat (w, "ecr_fixed", &c->ecr_fixed);
      json_stat (w, "ecr_calibrated", &c->ecr_calibrated);
      json_stat (w, "fnr_fixed", &c->fnr_fixed);
      json_stat (w, "fnr_calibrated", &c->fnr_calibrated);
      json_stat (w, "pc_fixed", &c->pc_fixed);
      json_stat (w, "pc_calibrated", &c->pc_calibrated);
      json_stat (w, "missed_fixed", &c->missed_fixed);
      json_stat (w, "missed_calibrated", &c->missed_calibrated);
      json_stat (w, "fpr_fixed", &c->fpr_fixed);
      json_stat (w, "fpr_calibrated", &c->fpr_calibrated);
      cls_json_writer_end_object (w);
    }
  cls_json_writer_end_array (w);

  {
    g_autofree char *feps = cls_fraction_to_string (cls_method_comparison_get_base (self->methods)->epsilon);

    cls_json_writer_member (w, "methods_epsilon");
    cls_json_writer_raw_number (w, feps);
    cls_json_writer_member (w, "methods");
    cls_method_comparison_write_json (self->methods, w);
  }
  cls_json_writer_end_object (w);

  return cls_json_writer_finish (w);
}

static gboolean
write_text (const char  *outdir,
            const char  *name,
            const char  *text,
            GError     **error)
{
  g_autofree char *path = g_build_filename (outdir, name, NULL);

  return cls_atomic_write (path, text, strlen (text), error);
}

/**
 * cls_report_write_tables:
 * @self: a report
 * @outdir: an existing folder
 * @error: return location for a #GError
 *
 * Writes table1, table2 and extras as .csv and .md, the methods side by
 * side as methods.csv and methods.md, and report.json, each atomically.
 *
 * Returns: %TRUE on success
 */
gboolean
cls_report_write_tables (const ClsReport  *self,
                         const char       *outdir,
                         GError          **error)
{
  static const char *tables[] = { "table1", "table2", "extras" };
  g_autofree char *json = cls_report_to_json (self);

  for (guint t = 0; t < G_N_ELEMENTS (tables); t++)
    {
      g_autofree char *csv = cls_report_table_csv (self, tables[t]);
      g_autofree char *md = cls_report_table_markdown (self, tables[t]);
      g_autofree char *csv_name = g_strconcat (tables[t], ".csv", NULL);
      g_autofree char *md_name = g_strconcat (tables[t], ".md", NULL);

      if (!write_text (outdir, csv_name, csv, error) || !write_text (outdir, md_name, md, error))
        return FALSE;
    }

  {
    g_autofree char *csv = cls_method_comparison_to_csv (self->methods);
    g_autofree char *md = cls_method_comparison_to_markdown (self->methods);

    if (!write_text (outdir, "methods.csv", csv, error) || !write_text (outdir, "methods.md", md, error))
      return FALSE;
  }

  return write_text (outdir, "report.json", json, error);
}
