/* test-report.c: the report's numbers are the evaluation's numbers
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "cls-demo.h"
#include "cls-report.h"
#include "cls-report-figures.h"
#include "cls-test-util.h"

static char *tmpdir;
static char *demo;

static ClsFraction
frac (const char *s)
{
  ClsFraction f;
  g_assert_true (cls_fraction_parse (s, &f, NULL));
  return f;
}

static ClsReport *
make_report (guint64 seed)
{
  const char *datasets[] = { demo, NULL };
  ClsReportOptions options;
  g_autoptr(GError) error = NULL;
  ClsReport *report;

  cls_report_options_init (&options);
  options.eval.n_splits = 30;
  options.eval.seed = seed;
  options.calibration.alpha = frac ("0.25");
  report = cls_report_new (datasets, &options, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  cls_report_options_clear (&options);
  return report;
}

/* Every cell equals an evaluation run directly on the same summaries. */
static void
test_cells_equal_evaluate (void)
{
  g_autoptr(ClsReport) report = make_report (3);
  g_autoptr(ClsDataset) ds = cls_dataset_open (demo, NULL);
  const char * const *models = cls_dataset_get_models (ds);

  g_assert_cmpuint (cls_report_get_n_cells (report), ==, 3 * 5);

  for (guint m = 0; models[m] != NULL; m++)
    {
      g_autoptr(ClsCaseSet) set = cls_dataset_load_model (ds, models[m], NULL, NULL, NULL, NULL, NULL);
      const char *eps[] = { "0.1", "0.2", "0.3", "0.4", "0.5" };

      for (guint e = 0; e < G_N_ELEMENTS (eps); e++)
        {
          ClsCalibrationParams params;
          ClsEvaluationParams eval;
          g_autoptr(ClsEvaluation) ev = NULL;
          const ClsReportCell *cell = cls_report_find_cell (report, demo, models[m], frac (eps[e]));
          ClsStat fnr, ecr, t_hat;

          g_assert_nonnull (cell);
          cls_calibration_params_init (&params);
          params.epsilon = frac (eps[e]);
          params.alpha = frac ("0.25");
          cls_evaluation_params_init (&eval);
          eval.n_splits = 30;
          eval.seed = 3;
          ev = cls_evaluate ((ClsCaseSummary **) set->summaries->pdata, set->summaries->len, &params, &eval, NULL);

          fnr = cls_evaluation_get_stat (ev, CLS_SPLIT_FIELD (fnr_calibrated));
          ecr = cls_evaluation_get_stat (ev, CLS_SPLIT_FIELD (ecr_calibrated));
          t_hat = cls_evaluation_get_stat (ev, CLS_SPLIT_FIELD (t_hat));
          g_assert_cmpfloat (cell->fnr_calibrated.mean, ==, fnr.mean);
          g_assert_cmpfloat (cell->fnr_calibrated.std, ==, fnr.std);
          g_assert_cmpfloat (cell->ecr_calibrated.mean, ==, ecr.mean);
          g_assert_cmpfloat (cell->t_hat.mean, ==, t_hat.mean);
          g_assert_cmpfloat (cell->theory_ecr, ==, cls_evaluation_get_theory_ecr (ev));
          g_assert_cmpuint (cell->rank, ==, cls_evaluation_get_rank (ev));
        }
    }
}

static void
test_tables (void)
{
  g_autoptr(ClsReport) a = make_report (5);
  g_autoptr(ClsReport) b = make_report (5);
  g_autoptr(ClsReport) c = make_report (6);
  g_autofree char *dir = g_build_filename (tmpdir, "tables", NULL);
  const char *tables[] = { "table1", "table2", "extras" };

  for (guint t = 0; t < G_N_ELEMENTS (tables); t++)
    {
      g_autofree char *csv_a = cls_report_table_csv (a, tables[t]);
      g_autofree char *csv_b = cls_report_table_csv (b, tables[t]);
      g_autofree char *csv_c = cls_report_table_csv (c, tables[t]);
      g_autofree char *md = cls_report_table_markdown (a, tables[t]);
      g_auto(GStrv) lines = g_strsplit (csv_a, "\n", -1);

      /* the same seed gives byte-identical tables; another seed does not */
      g_assert_cmpstr (csv_a, ==, csv_b);
      g_assert_cmpstr (csv_a, !=, csv_c);
      /* a header and one row per model and epsilon (and the final newline) */
      g_assert_cmpuint (g_strv_length (lines), ==, 1 + 15 + 1);
      g_assert_true (g_str_has_prefix (lines[0], "dataset,model,epsilon,alpha"));
      g_assert_nonnull (strstr (md, "| ε | model |"));
      g_assert_nonnull (strstr (md, "underconfident"));
    }
  g_assert_null (cls_report_table_csv (a, "table9"));

  g_assert_cmpint (g_mkdir (dir, 0755), ==, 0);
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *path = g_build_filename (dir, "table1.csv", NULL);
    g_autofree char *json_path = g_build_filename (dir, "report.json", NULL);

    g_assert_true (cls_report_write_tables (a, dir, &error));
    g_assert_no_error (error);
    g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
    g_assert_true (g_file_test (json_path, G_FILE_TEST_IS_REGULAR));
  }
}

/* The under-confident model misses about half of each lesion at 0.5; the
 * calibration brings the mean test FNR down to about epsilon or below. */
static void
test_paper_shape (void)
{
  g_autoptr(ClsReport) report = make_report (1);
  const ClsReportCell *cell = cls_report_find_cell (report, demo, "underconfident", frac ("0.2"));

  g_assert_nonnull (cell);
  g_assert_cmpfloat (cell->fnr_fixed.mean, >, 0.3);
  g_assert_cmpfloat (cell->fnr_calibrated.mean, <, cell->fnr_fixed.mean);
  g_assert_cmpfloat (cell->ecr_calibrated.mean, >, cell->ecr_fixed.mean);
}

static gboolean
file_starts_with (const char *path,
                  const char *magic,
                  gsize       len)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &contents, &length, NULL))
    return FALSE;
  return length >= len && memcmp (contents, magic, len) == 0;
}

/* Figures 4 to 7 as SVG, PNG and PDF, and an index.html that shows them. */
static void
test_figures (void)
{
  g_autoptr(ClsReport) report = make_report (2);
  g_autofree char *dir = g_build_filename (tmpdir, "figures", NULL);
  g_autofree char *index_path = g_build_filename (dir, "index.html", NULL);
  g_autofree char *index = NULL;
  g_autoptr(GError) error = NULL;
  ClsCalibrationParams params;
  const char *models[] = { "noisy", "sharp", "underconfident" };
  const char *kinds[] = { "fig4-ecr-vs-alpha-", "fig5-fnr-distribution-", "fig7-ecr-vs-fraction-" };

  cls_calibration_params_init (&params);
  params.alpha = frac ("0.25");
  g_assert_cmpint (g_mkdir (dir, 0755), ==, 0);
  g_assert_true (cls_report_write_tables (report, dir, &error));
  g_assert_true (cls_report_write_figures (report, &params, dir, TRUE, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (index_path, &index, NULL, NULL));

  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    for (guint m = 0; m < G_N_ELEMENTS (models); m++)
      {
        g_autofree char *base = g_strconcat (kinds[k], models[m], NULL);
        g_autofree char *svg = g_strdup_printf ("%s/%s.svg", dir, base);
        g_autofree char *png = g_strdup_printf ("%s/%s.png", dir, base);
        g_autofree char *pdf = g_strdup_printf ("%s/%s.pdf", dir, base);
        g_autofree char *ref = g_strdup_printf ("src=\"%s.svg\"", base);

        g_assert_true (file_starts_with (png, "\x89PNG", 4));
        g_assert_true (file_starts_with (pdf, "%PDF", 4));
        g_assert_true (file_starts_with (svg, "<?xml", 5));
        g_assert_nonnull (strstr (index, ref));
      }
  g_assert_nonnull (strstr (index, "src=\"fig6-pc-vs-alpha.svg\""));
  g_assert_nonnull (strstr (index, "Table 1"));
  g_assert_nonnull (strstr (index, "table1.csv"));
  g_assert_nonnull (strstr (index, "underconfident"));
}

int
main (int argc, char *argv[])
{
  ClsDemoOptions options = { .n_cases = 24, .seed = 11, .dims = { 32, 32, 16 } };
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  tmpdir = cls_test_make_tmpdir ();
  demo = g_build_filename (tmpdir, "demo", NULL);
  if (!cls_demo_write (demo, &options, NULL, NULL, NULL, &error))
    g_error ("%s", error->message);

  g_test_add_func ("/report/cells-equal-evaluate", test_cells_equal_evaluate);
  g_test_add_func ("/report/tables", test_tables);
  g_test_add_func ("/report/paper-shape", test_paper_shape);
  g_test_add_func ("/report/figures", test_figures);

  status = g_test_run ();
  cls_test_rm_rf (tmpdir);
  return status;
}
