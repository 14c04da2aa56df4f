/* cls-report-figures.c
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <inttypes.h>

#include <string.h>

#include <glib/gi18n-lib.h>

#include "cls-atomic-file.h"
#include "cls-json-writer.h"
#include "cls-plot-panels.h"
#include "cls-report-figures.h"
#include "cls-sweep.h"

typedef struct {
  char *file;     /* base name without extension */
  char *title;
  char *caption;
} Figure;

static void
figure_free (Figure *f)
{
  g_free (f->file);
  g_free (f->title);
  g_free (f->caption);
  g_free (f);
}

/* A file-name-safe version of a model or dataset name. */
static char *
safe_name (const char *name)
{
  GString *s = g_string_new (NULL);

  for (const char *p = name; *p; p++)
    g_string_append_c (s, g_ascii_isalnum (*p) || *p == '-' || *p == '_' || *p == '.' ? *p : '_');
  return g_string_free (s, FALSE);
}

static gboolean
save_all_formats (const ClsPlot  *plot,
                  const char     *outdir,
                  const char     *base,
                  gboolean        pdf,
                  GError        **error)
{
  const char *exts[] = { "svg", "png", "pdf" };
  ClsPlotStyle style;

  cls_plot_style_init_light (&style);
  for (guint i = 0; i < G_N_ELEMENTS (exts); i++)
    {
      g_autofree char *name = NULL;
      g_autofree char *path = NULL;

      if (i == 2 && !pdf)
        break;
      name = g_strdup_printf ("%s.%s", base, exts[i]);
      path = g_build_filename (outdir, name, NULL);
      if (!cls_plot_save (plot, path, &style, CLS_REPORT_FIGURE_WIDTH, CLS_REPORT_FIGURE_HEIGHT, error))
        return FALSE;
    }
  return TRUE;
}

/* Where the figures go, and how far along they are. */
typedef struct {
  GPtrArray       *figures;    /* Figure*, for the index */
  const char      *outdir;
  gboolean         pdf;
  ClsProgressFunc  progress;
  gpointer         user_data;
  guint64          done;
  guint64          total;
} FigureWriter;

/* Saves @plot as @file in every format and lists it; takes @file, @title
 * and @caption. */
static gboolean
write_figure (FigureWriter   *w,
              const ClsPlot  *plot,
              char           *file,
              char           *title,
              char           *caption,
              GError        **error)
{
  Figure *f = g_new0 (Figure, 1);

  f->file = file;
  f->title = title;
  f->caption = caption;
  g_ptr_array_add (w->figures, f);
  if (!save_all_formats (plot, w->outdir, f->file, w->pdf, error))
    return FALSE;
  if (w->progress != NULL)
    w->progress (++w->done, w->total, f->file, w->user_data);
  return TRUE;
}

static void
html_escape_append (GString    *out,
                    const char *text)
{
  g_autofree char *escaped = g_markup_escape_text (text, -1);
  g_string_append (out, escaped);
}

static void
html_stat (GString       *out,
           const ClsStat *s)
{
  char a[G_ASCII_DTOSTR_BUF_SIZE], b[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append_printf (out, "<td>%s ± %s</td>",
                          g_ascii_formatd (a, sizeof a, "%.3f", s->mean),
                          g_ascii_formatd (b, sizeof b, "%.3f", s->std));
}

static void
html_table (GString         *out,
            const ClsReport *report,
            const char      *dataset,
            const char      *title,
            const char      *headers[],
            const gsize      offsets[],
            guint            n_columns)
{
  g_string_append_printf (out, "<h3>%s</h3>\n<table>\n<tr><th>ε</th><th>model</th>", title);
  for (guint c = 0; c < n_columns; c++)
    g_string_append_printf (out, "<th>%s</th>", headers[c]);
  g_string_append (out, "</tr>\n");

  for (guint i = 0; i < cls_report_get_n_cells (report); i++)
    {
      const ClsReportCell *cell = cls_report_get_cell (report, i);
      g_autofree char *eps = NULL;

      if (g_strcmp0 (cell->dataset, dataset) != 0)
        continue;
      eps = cls_fraction_to_string (cell->epsilon);
      g_string_append_printf (out, "<tr><td>%s</td><td>", eps);
      html_escape_append (out, cell->model);
      if (!cell->feasible)
        g_string_append (out, " (not feasible)");
      g_string_append (out, "</td>");
      for (guint c = 0; c < n_columns; c++)
        html_stat (out, (const ClsStat *) ((const guint8 *) cell + offsets[c]));
      g_string_append (out, "</tr>\n");
    }
  g_string_append (out, "</table>\n");
}

static char *
build_index (const ClsReport            *report,
             const ClsCalibrationParams *figure_params,
             GPtrArray                  *figures)
{
  const ClsReportOptions *o = cls_report_get_options (report);
  const char * const *datasets = cls_report_get_datasets (report);
  g_autofree char *alpha = cls_fraction_to_string (o->calibration.alpha);
  g_autofree char *feps = cls_fraction_to_string (figure_params->epsilon);
  g_autofree char *fraction = cls_fraction_to_string (o->eval.cal_fraction);
  GString *out = g_string_new (NULL);
  const char *t1_headers[] = { "FNR at t = 0.5", "FNR at t̂" };
  const gsize t1_offsets[] = { G_STRUCT_OFFSET (ClsReportCell, fnr_fixed), G_STRUCT_OFFSET (ClsReportCell, fnr_calibrated) };
  const char *t2_headers[] = { "ECR at t = 0.5", "ECR at t̂", };
  const gsize t2_offsets[] = { G_STRUCT_OFFSET (ClsReportCell, ecr_fixed), G_STRUCT_OFFSET (ClsReportCell, ecr_calibrated) };
  const char *ex_headers[] = { "t̂", "missed entirely at 0.5", "missed entirely at t̂",
                               "FPR at 0.5", "FPR at t̂", "PC at 0.5", "PC at t̂" };
  const gsize ex_offsets[] = {
    G_STRUCT_OFFSET (ClsReportCell, t_hat),
    G_STRUCT_OFFSET (ClsReportCell, missed_fixed), G_STRUCT_OFFSET (ClsReportCell, missed_calibrated),
    G_STRUCT_OFFSET (ClsReportCell, fpr_fixed), G_STRUCT_OFFSET (ClsReportCell, fpr_calibrated),
    G_STRUCT_OFFSET (ClsReportCell, pc_fixed), G_STRUCT_OFFSET (ClsReportCell, pc_calibrated),
  };

  g_string_append (out,
    "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
    "<title>CLS report</title>\n<style>\n"
    "body { font-family: sans-serif; max-width: 1000px; margin: 2em auto; padding: 0 1em; color: #222; }\n"
    "table { border-collapse: collapse; margin: 0.5em 0 1.5em; }\n"
    "th, td { border: 1px solid #ccc; padding: 0.3em 0.6em; text-align: right; }\n"
    "th { background: #f3f3f3; } td:nth-child(2) { text-align: left; }\n"
    "figure { margin: 1em 0 2em; } figure img { max-width: 100%; border: 1px solid #eee; }\n"
    "figcaption { color: #555; }\n</style>\n</head>\n<body>\n");
  g_string_append (out, "<h1>Conformal lesion segmentation report</h1>\n");
  g_string_append_printf (out,
    "<p>α = %s, %u random calibration/test splits (MT19937, seed %" PRIu64 "), "
    "calibration fraction %s, method %s, empty masks: %s. Values are mean ± standard deviation over "
    "splits. Tables: <a href=\"table1.csv\">table1.csv</a>, <a href=\"table2.csv\">table2.csv</a>, "
    "<a href=\"extras.csv\">extras.csv</a>, <a href=\"report.json\">report.json</a>.</p>\n",
    alpha, o->eval.n_splits, o->eval.seed, fraction, cls_method_to_string (o->calibration.method),
    cls_empty_policy_to_string (o->calibration.empty_policy));

  for (guint d = 0; datasets[d] != NULL; d++)
    {
      g_string_append (out, "<h2>");
      html_escape_append (out, datasets[d]);
      g_string_append (out, "</h2>\n");
      html_table (out, report, datasets[d], "Table 1: test FNR", t1_headers, t1_offsets, 2);
      html_table (out, report, datasets[d], "Table 2: ECR (share of test cases with FNR ≤ ε)",
                  t2_headers, t2_offsets, 2);
      html_table (out, report, datasets[d], "What the paper leaves out", ex_headers, ex_offsets, 7);
      {
        const ClsMethodComparison *methods = cls_report_get_methods (report);
        g_autofree char *meps = cls_fraction_to_string (cls_method_comparison_get_base (methods)->epsilon);
        g_autofree char *table = cls_method_comparison_to_html (methods, datasets[d]);
        ClsFraction q = cls_method_comparison_get_base (methods)->lesion_coverage;
        g_autofree char *coverage = cls_fraction_to_string (q.den != 0 ? q : CLS_DEFAULT_LESION_COVERAGE);

        g_string_append_printf (out,
          "<h3>Methods side by side (ε = %s, α = %s, the same splits)</h3>\n"
          "<p>ECR counts the test cases whose loss is at most ε, for each row's loss; CRC and LTT "
          "control the expected loss instead (see docs/beyond.md). Lesions are the 26-connected "
          "components of the ground truth; one counts as found when a share %s of its voxels is in "
          "the mask. Also as <a href=\"methods.csv\">methods.csv</a>.</p>\n%s",
          meps, alpha, coverage, table);
      }
    }

  g_string_append_printf (out, "<h2>Figures (ε = %s)</h2>\n", feps);
  for (guint i = 0; i < figures->len; i++)
    {
      const Figure *f = figures->pdata[i];

      g_string_append (out, "<figure>\n<img src=\"");
      html_escape_append (out, f->file);
      g_string_append (out, ".svg\" alt=\"");
      html_escape_append (out, f->title);
      g_string_append (out, "\">\n<figcaption><b>");
      html_escape_append (out, f->title);
      g_string_append (out, ".</b> ");
      html_escape_append (out, f->caption);
      g_string_append (out, " (<a href=\"");
      html_escape_append (out, f->file);
      g_string_append (out, ".png\">PNG</a>)</figcaption>\n</figure>\n");
    }

  g_string_append (out, "</body>\n</html>\n");
  return g_string_free (out, FALSE);
}

/**
 * cls_report_write_figures:
 * @report: a report
 * @figure_params: epsilon and alpha of the figures (and method, policy)
 * @outdir: an existing folder
 * @pdf: also write PDF files
 * @progress: (nullable) (scope call): one step per figure
 * @user_data: for @progress
 * @cancellable: (nullable): to stop early
 * @error: return location for a #GError
 *
 * Per dataset and model: Figure 4 (ECR vs α, with 1 − α and the theory
 * band), Figure 5 (per-case FNR at 0.5 and at t̂), Figure 7 (ECR vs the
 * calibration fraction); per dataset: Figure 6 (PC vs α, every model). As
 * SVG and PNG (and PDF), then index.html. Every file is written atomically.
 *
 * Returns: %TRUE on success
 */
gboolean
cls_report_write_figures (const ClsReport            *report,
                          const ClsCalibrationParams *figure_params,
                          const char                 *outdir,
                          gboolean                    pdf,
                          ClsProgressFunc             progress,
                          gpointer                    user_data,
                          GCancellable               *cancellable,
                          GError                    **error)
{
  const ClsReportOptions *o = cls_report_get_options (report);
  const char * const *datasets = cls_report_get_datasets (report);
  g_autoptr(GPtrArray) figures = g_ptr_array_new_with_free_func ((GDestroyNotify) figure_free);
  guint n_datasets = g_strv_length ((char **) datasets);
  const double *alphas, *fractions;
  guint n_alphas, n_fractions;
  FigureWriter writer = { figures, outdir, pdf, progress, user_data, 0, 0 };
  g_autofree char *index = NULL;
  g_autofree char *index_path = NULL;
  ClsCalibrationParams params = *figure_params;

  params.method = o->calibration.method;
  params.empty_policy = o->calibration.empty_policy;
  params.normalize = o->calibration.normalize;

  /* The figures sweep alpha and the calibration fraction, which are the
   * paper's: they show its method (the methods table compares the rest). */
  if (!cls_calibration_params_is_plain (&params))
    {
      params.method = params.method == CLS_METHOD_BISECT ? CLS_METHOD_BISECT : CLS_METHOD_EXACT;
      params.loss = CLS_LOSS_VOXEL;
      params.strata = CLS_STRATA_NONE;
      params.weights = NULL;
      if (params.guarantee != CLS_GUARANTEE_PAC)
        params.delta = (ClsFraction) { 0, 0 };
    }

  alphas = cls_sweep_default_alphas (&n_alphas);
  fractions = cls_sweep_default_fractions (&n_fractions);

  for (guint d = 0; d < n_datasets; d++)
    writer.total += 3 * cls_report_get_case_sets (report, d)->len + 1;

  for (guint d = 0; d < n_datasets; d++)
    {
      GPtrArray *sets = cls_report_get_case_sets (report, d);
      g_autoptr(GPtrArray) alpha_sweeps = g_ptr_array_new_with_free_func ((GDestroyNotify) cls_sweep_free);
      g_autoptr(GPtrArray) models = g_ptr_array_new ();
      g_autofree char *dataset_base = g_path_get_basename (datasets[d]);
      g_autofree char *prefix = n_datasets > 1 ? g_strdup_printf ("%s-", dataset_base) : g_strdup ("");
      g_autofree char *safe_prefix = safe_name (prefix);

      for (guint m = 0; m < sets->len; m++)
        {
          ClsCaseSet *set = sets->pdata[m];
          g_autoptr(ClsEvaluator) evaluator = NULL;
          g_autoptr(ClsCalibration) cal = NULL;
          g_autoptr(ClsSweep) fsweep = NULL;
          g_autoptr(ClsPlot) plot = NULL;
          g_autofree char *model = safe_name (set->model);
          ClsSweep *asweep;

          evaluator = cls_evaluator_new ((ClsCaseSummary **) set->summaries->pdata, set->summaries->len);

          /* Figure 4 */
          asweep = cls_sweep_alpha (evaluator, &params, &o->eval, alphas, n_alphas, NULL, NULL, cancellable, error);
          if (asweep == NULL)
            return FALSE;
          g_ptr_array_add (alpha_sweeps, asweep);
          g_ptr_array_add (models, set->model);
          plot = cls_plot_panel_ecr_alpha (asweep, set->model);
          if (!write_figure (&writer, plot,
                             g_strdup_printf ("%sfig4-ecr-vs-alpha-%s", safe_prefix, model),
                             g_strdup_printf ("Figure 4: ECR vs α, %s%s", prefix, set->model),
                             g_strdup ("Share of test cases with FNR ≤ ε at the calibrated threshold, mean over splits, "
                                       "with the 1 − α line and the 5–95% band of the theory (beta-binomial)."), error))
            return FALSE;
          g_clear_pointer (&plot, cls_plot_unref);

          /* Figure 5 */
          cal = cls_calibration_new ((ClsCaseSummary **) set->summaries->pdata, set->summaries->len, &params, error);
          if (cal == NULL)
            {
              g_prefix_error (error, "%s, %s: ", datasets[d], set->model);
              return FALSE;
            }
          plot = cls_plot_panel_fnr_for_calibration (cal);
          if (!write_figure (&writer, plot,
                             g_strdup_printf ("%sfig5-fnr-distribution-%s", safe_prefix, model),
                             g_strdup_printf ("Figure 5: per-case FNR at 0.5 and at t̂, %s%s", prefix, set->model),
                             g_strdup ("Distribution of the per-case false negative rate at the fixed threshold 0.5 "
                                       "and at t̂ calibrated on all cases, with ε marked."), error))
            return FALSE;
          g_clear_pointer (&plot, cls_plot_unref);

          /* Figure 7 */
          fsweep = cls_sweep_cal_fraction (evaluator, &params, &o->eval, fractions, n_fractions,
                                           NULL, NULL, cancellable, error);
          if (fsweep == NULL)
            return FALSE;
          plot = cls_plot_panel_ecr_fraction (fsweep, set->model);
          if (!write_figure (&writer, plot,
                             g_strdup_printf ("%sfig7-ecr-vs-fraction-%s", safe_prefix, model),
                             g_strdup_printf ("Figure 7: ECR vs calibration fraction, %s%s", prefix, set->model),
                             g_strdup ("Share of test cases with FNR ≤ ε as the share of cases used for calibration "
                                       "grows, with the 1 − α line."), error))
            return FALSE;
        }

      /* Figure 6 */
      {
        g_autoptr(ClsPlot) plot = cls_plot_panel_pc_alpha ((ClsSweep * const *) alpha_sweeps->pdata,
                                                           (const char * const *) models->pdata, models->len);

        if (!write_figure (&writer, plot,
                           g_strdup_printf ("%sfig6-pc-vs-alpha", safe_prefix),
                           g_strdup_printf ("Figure 6: PC vs α%s%s", n_datasets > 1 ? ", " : "",
                                            n_datasets > 1 ? dataset_base : ""),
                           g_strdup ("Prediction compactness (share of all voxels in the calibrated mask), "
                                     "mean over splits, one line per model."), error))
          return FALSE;
      }
    }

  index = build_index (report, &params, figures);
  index_path = g_build_filename (outdir, "index.html", NULL);
  return cls_atomic_write (index_path, index, strlen (index), error);
}
