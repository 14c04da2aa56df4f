/* test-cli.c: the `cls` command line, end to end
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs the real binary on a small synthetic dataset and checks its output
 * against the core library computing the same thing, its exit codes
 * (0 success, 1 bad input, 2 bad usage) and its masks voxel by voxel.
 */
#include "config.h"

#include <locale.h>
#include <math.h>
#include <string.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "cls-calibration.h"
#include "cls-dataset.h"
#include "cls-demo.h"
#include "cls-evaluation.h"
#include "cls-test-util.h"
#include "cls-volume.h"

static char *tmpdir;
static char *dataset;

/* Runs `cls` with the NULL-terminated arguments, @env_extra added to the
 * environment; it must start. */
static ClsTestRun
run_cls_env (const char * const *env_extra,
             const char         *first,
             ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  ClsTestRun r;
  va_list ap;

  va_start (ap, first);
  for (const char *a = first; a != NULL; a = va_arg (ap, const char *))
    g_ptr_array_add (args, (gpointer) a);
  va_end (ap);
  g_ptr_array_add (args, NULL);

  r = cls_test_run_cls (env_extra, NULL, NULL, (const char * const *) args->pdata);
  g_assert_cmpint (r.status, >=, 0);
  return r;
}

#define run_cls(...) run_cls_env (NULL, __VA_ARGS__)

static JsonObject *
parse_object (const char *text,
              JsonParser *parser)
{
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  return json_node_get_object (json_parser_get_root (parser));
}

static ClsCaseSet *
load_model (const char *model)
{
  g_autoptr(ClsDataset) ds = cls_dataset_open (dataset, NULL);
  g_autoptr(GError) error = NULL;
  ClsCaseSet *set;

  g_assert_nonnull (ds);
  set = cls_dataset_load_model (ds, model, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  return set;
}

static ClsFraction
frac (const char *s)
{
  ClsFraction f;
  g_assert_true (cls_fraction_parse (s, &f, NULL));
  return f;
}

static void
test_calibrate_json_matches_core (void)
{
  const char *models[] = { "underconfident", "sharp", "noisy" };

  for (guint m = 0; m < G_N_ELEMENTS (models); m++)
    {
      ClsTestRun r = run_cls ("calibrate", dataset, "--model", models[m], "--epsilon", "0.1",
                       "--alpha", "0.2", "--json", NULL);
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(ClsCaseSet) set = load_model (models[m]);
      g_autoptr(ClsCalibration) cal = NULL;
      ClsCalibrationParams params;
      JsonObject *doc;
      JsonArray *cases;

      g_assert_cmpint (r.status, ==, 0);
      doc = parse_object (r.out, parser);

      cls_calibration_params_init (&params);
      params.epsilon = frac ("0.1");
      params.alpha = frac ("0.2");
      cal = cls_calibration_new ((ClsCaseSummary **) set->summaries->pdata, set->summaries->len, &params, NULL);

      g_assert_cmpstr (json_object_get_string_member (doc, "model"), ==, models[m]);
      g_assert_cmpfloat (json_object_get_double_member (doc, "epsilon"), ==, 0.1);
      g_assert_cmpstr (json_object_get_string_member (doc, "method"), ==, "exact");
      g_assert_cmpint (json_object_get_int_member (doc, "n"), ==, cls_calibration_get_n (cal));
      g_assert_cmpint (json_object_get_int_member (doc, "skipped_empty"), ==, cls_calibration_get_n_skipped (cal));
      g_assert_cmpint (json_object_get_int_member (doc, "rank"), ==, cls_calibration_get_rank (cal));
      g_assert_true (json_object_get_boolean_member (doc, "feasible"));
      g_assert_true (json_object_get_boolean_member (doc, "float32"));
      /* the cut reads back as the exact float32 probability */
      g_assert_cmpfloat ((float) json_object_get_double_member (doc, "probability_cut"), ==,
                         (float) cls_calibration_get_cut (cal));
      g_assert_cmpfloat (json_object_get_double_member (doc, "t_hat"), ==, cls_calibration_get_t_hat (cal));

      cases = json_object_get_array_member (doc, "cases");
      g_assert_cmpuint (json_array_get_length (cases), ==, cls_calibration_get_n_cases (cal));
      for (guint i = 0; i < json_array_get_length (cases); i++)
        {
          JsonObject *c = json_array_get_object_element (cases, i);
          const ClsCaseResult *res = cls_calibration_get_case (cal, i);

          g_assert_cmpstr (json_object_get_string_member (c, "case"), ==, cls_case_summary_get_case_id (res->summary));
          g_assert_cmpint (json_object_get_int_member (c, "voxels"), ==, cls_case_summary_get_n_voxels (res->summary));
          g_assert_cmpint (json_object_get_int_member (c, "lesion_voxels"), ==, cls_case_summary_get_n_lesion (res->summary));
          if (res->skipped)
            {
              g_assert_true (json_object_get_boolean_member (c, "skipped"));
              continue;
            }
          g_assert_cmpfloat ((float) json_object_get_double_member (c, "probability_cut"), ==, (float) res->score.cut);
          g_assert_cmpfloat (json_object_get_double_member (c, "t_i"), ==, res->score.t);
          g_assert_cmpfloat (json_object_get_double_member (c, "fnr_fixed"), ==, res->fnr_fixed);
          g_assert_cmpfloat (json_object_get_double_member (c, "fnr_calibrated"), ==, res->fnr_calibrated);
          g_assert_cmpfloat (json_object_get_double_member (c, "pc_calibrated"), ==, res->pc_calibrated);
          g_assert_cmpint (json_object_get_boolean_member (c, "covered"), ==, res->covered);
        }

      /* the human table names the model and the rank */
      cls_test_run_clear (&r);
      r = run_cls ("calibrate", dataset, "--model", models[m], "--epsilon", "0.1", "--alpha", "0.2", "-q", NULL);
      g_assert_cmpint (r.status, ==, 0);
      g_assert_nonnull (strstr (r.out, models[m]));
      g_assert_nonnull (strstr (r.out, "Rank k ="));
      cls_test_run_clear (&r);
    }
}

static void
test_evaluate_json_matches_core (void)
{
  ClsTestRun r = run_cls ("evaluate", dataset, "--model", "sharp", "--epsilon", "0.2", "--alpha", "0.25",
                   "--splits", "40", "--cal-fraction", "0.6", "--seed", "9", "--json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(ClsCaseSet) set = load_model ("sharp");
  g_autoptr(ClsEvaluation) ev = NULL;
  ClsCalibrationParams params;
  ClsEvaluationParams eval;
  JsonObject *doc;
  const char *fields[] = { "t_hat", "ecr_fixed", "ecr_calibrated", "fnr_fixed", "fnr_calibrated",
                           "pc_fixed", "pc_calibrated" };
  gsize offsets[] = { CLS_SPLIT_FIELD (t_hat), CLS_SPLIT_FIELD (ecr_fixed), CLS_SPLIT_FIELD (ecr_calibrated),
                      CLS_SPLIT_FIELD (fnr_fixed), CLS_SPLIT_FIELD (fnr_calibrated),
                      CLS_SPLIT_FIELD (pc_fixed), CLS_SPLIT_FIELD (pc_calibrated) };

  g_assert_cmpint (r.status, ==, 0);
  doc = parse_object (r.out, parser);

  cls_calibration_params_init (&params);
  params.epsilon = frac ("0.2");
  params.alpha = frac ("0.25");
  cls_evaluation_params_init (&eval);
  eval.n_splits = 40;
  eval.cal_fraction = frac ("0.6");
  eval.seed = 9;
  ev = cls_evaluate ((ClsCaseSummary **) set->summaries->pdata, set->summaries->len, &params, &eval, NULL);
  g_assert_nonnull (ev);

  g_assert_cmpint (json_object_get_int_member (doc, "splits"), ==, 40);
  g_assert_cmpint (json_object_get_int_member (doc, "seed"), ==, 9);
  g_assert_cmpint (json_object_get_int_member (doc, "n"), ==, cls_evaluation_get_n (ev));
  g_assert_cmpint (json_object_get_int_member (doc, "n_cal"), ==, cls_evaluation_get_n_cal (ev));
  g_assert_cmpint (json_object_get_int_member (doc, "n_test"), ==, cls_evaluation_get_n_test (ev));
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      JsonObject *s = json_object_get_object_member (doc, fields[i]);
      ClsStat stat = cls_evaluation_get_stat (ev, offsets[i]);

      g_assert_cmpfloat (json_object_get_double_member (s, "mean"), ==, stat.mean);
      g_assert_cmpfloat (json_object_get_double_member (s, "std"), ==, stat.std);
    }
  g_assert_cmpfloat (json_object_get_double_member (json_object_get_object_member (doc, "theory"), "ecr_mean"),
                     ==, cls_evaluation_get_theory_ecr (ev));
  cls_test_run_clear (&r);

  /* same seed, same document, byte for byte */
  {
    ClsTestRun a = run_cls ("evaluate", dataset, "--model", "sharp", "--splits", "20", "--json", NULL);
    ClsTestRun b = run_cls ("evaluate", dataset, "--model", "sharp", "--splits", "20", "--json", NULL);
    g_assert_cmpstr (a.out, ==, b.out);
    cls_test_run_clear (&a);
    cls_test_run_clear (&b);
  }
}

/* A comma-decimal locale must not change a single byte of the JSON. */
static void
test_comma_locale (void)
{
  const char *fr[] = { "LC_ALL", "fr_FR.UTF-8", NULL };
  ClsTestRun c, f;

  if (setlocale (LC_ALL, "fr_FR.UTF-8") == NULL)
    {
      g_test_skip ("fr_FR.UTF-8 is not installed (CI installs it)");
      return;
    }
  setlocale (LC_ALL, "C.UTF-8");

  c = run_cls ("evaluate", dataset, "--model", "noisy", "--splits", "10", "--json", NULL);
  f = run_cls_env (fr, "evaluate", dataset, "--model", "noisy", "--splits", "10", "--json", NULL);
  g_assert_cmpint (f.status, ==, 0);
  g_assert_cmpstr (c.out, ==, f.out);
  cls_test_run_clear (&c);
  cls_test_run_clear (&f);

  c = run_cls ("calibrate", dataset, "--model", "noisy", "--json", NULL);
  f = run_cls_env (fr, "calibrate", dataset, "--model", "noisy", "--json", "--epsilon", "0.2", NULL);
  g_assert_cmpstr (c.out, ==, f.out);
  cls_test_run_clear (&c);
  cls_test_run_clear (&f);

  /* The tables people read use the decimal point too (the language of the
   * messages may differ, the numbers may not): no "0,35" beside "0.2". */
  c = run_cls ("calibrate", dataset, "--model", "noisy", "--loss", "lesion", "-q", NULL);
  f = run_cls_env (fr, "calibrate", dataset, "--model", "noisy", "--loss", "lesion", "-q", NULL);
  g_assert_cmpint (f.status, ==, 0);
  g_assert_cmpstr (c.out, ==, f.out);
  cls_test_run_clear (&c);
  cls_test_run_clear (&f);
}

/* Every line of the per-case table has its columns where the heading has
 * them, counted in characters a terminal shows (t̂ and ≤ are several bytes,
 * the hat takes no column). */
static void
test_table_columns (void)
{
  ClsTestRun r = run_cls ("calibrate", dataset, "--model", "sharp", "--loss", "lesion", "-q", NULL);
  g_auto(GStrv) lines = NULL;
  glong width = -1;
  guint rows = 0;

  g_assert_cmpint (r.status, ==, 0);
  lines = g_strsplit (r.out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      glong columns = 0;

      if (g_str_has_prefix (lines[i], "case ") && width < 0)
        ;
      else if (width < 0 || !g_str_has_prefix (lines[i], "case_"))
        continue;
      for (const char *c = lines[i]; *c != '\0'; c = g_utf8_next_char (c))
        columns += !g_unichar_iszerowidth (g_utf8_get_char (c));
      if (width < 0)
        width = columns;
      else
        {
          g_assert_cmpint (columns, ==, width);
          rows++;
        }
    }
  g_assert_cmpint (width, >, 0);
  g_assert_cmpuint (rows, >, 10);
  cls_test_run_clear (&r);
}

static void
check_mask (const char *prob_path,
            const char *mask_path,
            double      cut)
{
  g_autoptr(ClsVolume) prob = cls_volume_read (prob_path, NULL, NULL);
  g_autoptr(ClsVolume) mask = cls_volume_read (mask_path, NULL, NULL);
  guint64 n;
  g_autofree double *p = NULL;
  g_autofree double *m = NULL;
  double ap[4][4], am[4][4];

  g_assert_nonnull (prob);
  g_assert_nonnull (mask);
  g_assert_cmpint (cls_volume_get_datatype (mask), ==, CLS_DATATYPE_UINT8);
  g_assert_true (cls_volume_same_grid (prob, mask, 1e-5));
  cls_volume_get_affine (prob, ap);
  cls_volume_get_affine (mask, am);
  for (int i = 0; i < 4; i++)
    for (int j = 0; j < 4; j++)
      g_assert_cmpfloat_with_epsilon (ap[i][j], am[i][j], 1e-5);

  n = cls_volume_get_n_voxels (prob);
  p = g_new (double, n);
  m = g_new (double, n);
  cls_volume_read_doubles (prob, 0, 0, n, p);
  cls_volume_read_doubles (mask, 0, 0, n, m);
  for (guint64 i = 0; i < n; i++)
    g_assert_cmpint ((int) m[i], ==, p[i] >= cut);
}

static void
test_apply (void)
{
  g_autofree char *cal_path = g_build_filename (tmpdir, "cal.json", NULL);
  g_autofree char *mask_path = g_build_filename (tmpdir, "mask.nii.gz", NULL);
  g_autofree char *prob_path = g_build_filename (dataset, "probs", "underconfident", "case_0003.nii.gz", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(ClsCaseSet) set = load_model ("underconfident");
  g_autoptr(ClsCalibration) cal = NULL;
  ClsCalibrationParams params;
  ClsTestRun r;
  JsonObject *doc;

  /* with a calibration file: exactly {p >= its probability_cut} */
  r = run_cls ("calibrate", dataset, "--model", "underconfident", "--json", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_true (g_file_set_contents (cal_path, r.out, -1, NULL));
  doc = parse_object (r.out, parser);
  cls_test_run_clear (&r);

  cls_calibration_params_init (&params);
  cal = cls_calibration_new ((ClsCaseSummary **) set->summaries->pdata, set->summaries->len, &params, NULL);
  g_assert_cmpfloat ((float) json_object_get_double_member (doc, "probability_cut"), ==,
                     (float) cls_calibration_get_cut (cal));

  r = run_cls ("apply", prob_path, "--calibration", cal_path, "-o", mask_path, NULL);
  g_assert_cmpint (r.status, ==, 0);
  cls_test_run_clear (&r);
  check_mask (prob_path, mask_path, cls_calibration_get_cut (cal));

  /* with --t-hat T: exactly {p >= 1 - T} for the decimal T */
  r = run_cls ("apply", prob_path, "--t-hat", "0.7", "-o", mask_path, NULL);
  g_assert_cmpint (r.status, ==, 0);
  cls_test_run_clear (&r);
  check_mask (prob_path, mask_path, nextafter (0.3, 1.0));  /* smallest double >= 3/10 */

  /* never over its input */
  r = run_cls ("apply", prob_path, "--t-hat", "0.5", "-o", prob_path, NULL);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "refusing"));
  cls_test_run_clear (&r);
}

static void
test_exit_codes (void)
{
  g_autofree char *missing = g_build_filename (tmpdir, "no-such-dataset", NULL);
  g_autofree char *bogus = g_build_filename (tmpdir, "bogus.nii", NULL);
  ClsTestRun r;

  g_assert_true (g_file_set_contents (bogus, "not a nifti file at all", -1, NULL));

  r = run_cls ("calibrate", missing, NULL);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, missing));
  cls_test_run_clear (&r);

  r = run_cls ("calibrate", dataset, "--model", "nope", NULL);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "nope"));
  cls_test_run_clear (&r);

  r = run_cls ("calibrate", dataset, NULL);  /* several models */
  g_assert_cmpint (r.status, ==, 2);
  g_assert_nonnull (strstr (r.err, "--model"));
  cls_test_run_clear (&r);

  r = run_cls ("calibrate", dataset, "--model", "sharp", "--epsilon", "1.5", NULL);
  g_assert_cmpint (r.status, ==, 2);
  cls_test_run_clear (&r);

  r = run_cls ("calibrate", dataset, "--model", "sharp", "--alpha", "0,1", NULL);
  g_assert_cmpint (r.status, ==, 2);
  cls_test_run_clear (&r);

  r = run_cls ("calibrate", dataset, "--model", "sharp", "--method", "magic", NULL);
  g_assert_cmpint (r.status, ==, 2);
  cls_test_run_clear (&r);

  r = run_cls ("calibrate", "--no-such-option", NULL);
  g_assert_cmpint (r.status, ==, 2);
  cls_test_run_clear (&r);

  r = run_cls ("frobnicate", NULL);
  g_assert_cmpint (r.status, ==, 2);
  cls_test_run_clear (&r);

  r = run_cls ("info", bogus, NULL);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, bogus));
  cls_test_run_clear (&r);

  r = run_cls ("evaluate", dataset, "--model", "sharp", "--cal-fraction", "1", NULL);
  g_assert_cmpint (r.status, ==, 2);
  cls_test_run_clear (&r);

  /* --help on every subcommand */
  {
    const char *commands[] = { "demo", "info", "calibrate", "evaluate", "apply" };

    for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
      {
        r = run_cls (commands[i], "--help", NULL);
        g_assert_cmpint (r.status, ==, 0);
        g_assert_nonnull (strstr (r.out, "Usage:"));
        cls_test_run_clear (&r);
      }
    r = run_cls ("--help", NULL);
    g_assert_cmpint (r.status, ==, 0);
    cls_test_run_clear (&r);
    r = run_cls ("--version", NULL);
    g_assert_cmpint (r.status, ==, 0);
    g_assert_nonnull (strstr (r.out, PACKAGE_VERSION));
    cls_test_run_clear (&r);
  }
}

/* Too few cases for alpha: reported, never clamped. */
static void
test_infeasible (void)
{
  ClsTestRun r = run_cls ("calibrate", dataset, "--model", "sharp", "--alpha", "0.01", "--json", "-q", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *doc;

  g_assert_cmpint (r.status, ==, 0);
  doc = parse_object (r.out, parser);
  g_assert_false (json_object_get_boolean_member (doc, "feasible"));
  g_assert_cmpint (json_object_get_int_member (doc, "rank"), >, json_object_get_int_member (doc, "n"));
  g_assert_cmpint (json_object_get_int_member (doc, "min_n_feasible"), ==, 99);
  g_assert_cmpfloat (json_object_get_double_member (doc, "t_hat"), ==, 1.0);
  g_assert_cmpfloat (json_object_get_double_member (doc, "probability_cut"), ==, 0.0);
  g_assert_nonnull (strstr (r.err, "not feasible"));
  cls_test_run_clear (&r);
}

static void
test_bad_case_reported (void)
{
  g_autofree char *copy = g_build_filename (tmpdir, "damaged", NULL);
  g_autofree char *label = NULL;
  g_autofree char *cmd = g_strdup_printf ("cp -r '%s' '%s'", dataset, copy);
  ClsTestRun r;

  g_assert_cmpint (system (cmd), ==, 0);
  label = g_build_filename (copy, "labels", "case_0002.nii.gz", NULL);
  g_assert_true (g_file_set_contents (label, "garbage", -1, NULL));

  /* reported, the others go on */
  r = run_cls ("calibrate", copy, "--model", "sharp", "--json", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.err, "case_0002"));
  g_assert_nonnull (strstr (r.err, label));
  g_assert_null (strstr (r.out, "\"case_0002\""));
  cls_test_run_clear (&r);

  /* unless asked to stop */
  r = run_cls ("calibrate", copy, "--model", "sharp", "--strict", NULL);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, label));
  cls_test_run_clear (&r);
}

static void
test_info (void)
{
  g_autofree char *prob_path = g_build_filename (dataset, "probs", "sharp", "case_0001.nii.gz", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  ClsTestRun r = run_cls ("info", prob_path, "--json", NULL);
  JsonObject *doc;

  g_assert_cmpint (r.status, ==, 0);
  doc = parse_object (r.out, parser);
  g_assert_cmpstr (json_object_get_string_member (doc, "datatype"), ==, "float32");
  g_assert_cmpint (json_array_get_length (json_object_get_array_member (doc, "dims")), ==, 3);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (doc, "values"), "outside_0_1"), ==, 0);
  cls_test_run_clear (&r);
}

int
main (int argc, char *argv[])
{
  ClsDemoOptions options = { .n_cases = 14, .seed = 7, .dims = { 32, 32, 16 } };
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  tmpdir = cls_test_make_tmpdir ();
  dataset = g_build_filename (tmpdir, "demo", NULL);
  if (!cls_demo_write (dataset, &options, NULL, NULL, NULL, &error))
    g_error ("could not write the demo set: %s", error->message);

  g_test_add_func ("/cli/calibrate-json", test_calibrate_json_matches_core);
  g_test_add_func ("/cli/evaluate-json", test_evaluate_json_matches_core);
  g_test_add_func ("/cli/comma-locale", test_comma_locale);
  g_test_add_func ("/cli/table-columns", test_table_columns);
  g_test_add_func ("/cli/apply", test_apply);
  g_test_add_func ("/cli/exit-codes", test_exit_codes);
  g_test_add_func ("/cli/infeasible", test_infeasible);
  g_test_add_func ("/cli/bad-case-reported", test_bad_case_reported);
  g_test_add_func ("/cli/info", test_info);

  status = g_test_run ();

  cls_test_rm_rf (tmpdir);
  g_free (tmpdir);
  g_free (dataset);
  return status;
}
