/* test-cli-methods.c: `cls` with the methods beyond the paper, end to end
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * --method crc|ltt, --guarantee pac --delta, --loss lesion, --strata size
 * and --weights on calibrate and evaluate: their JSON fields against the
 * core computing the same thing, their refusals and exit codes (1 bad
 * input, 2 bad usage), and summary files of version 1 with the lesion loss.
 */
#include "config.h"

#include <locale.h>
#include <string.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libdeflate.h>

#include "cls-calibration.h"
#include "cls-dataset.h"
#include "cls-demo.h"
#include "cls-evaluation.h"
#include "cls-summary-file.h"
#include "cls-test-util.h"

static char *tmpdir;
static char *dataset;

/* Runs `cls` with the arguments of the NULL-terminated @args; it must start. */
static ClsTestRun
run_cls (const char * const *args)
{
  ClsTestRun r = cls_test_run_cls (NULL, NULL, NULL, args);

  g_assert_cmpint (r.status, >=, 0);
  return r;
}

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

static ClsCalibration *
core_calibration (const ClsCalibrationParams *params)
{
  g_autoptr(ClsCaseSet) set = load_model ("sharp");
  g_autoptr(GError) error = NULL;
  ClsCalibration *cal = cls_calibration_new ((ClsCaseSummary **) set->summaries->pdata, set->summaries->len,
                                             params, &error);

  g_assert_no_error (error);
  return cal;
}

static void
test_calibrate_crc (void)
{
  const char *args[] = { "calibrate", dataset, "-m", "sharp", "--method", "crc", "--json", "-q", NULL };
  ClsTestRun r = run_cls (args);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(ClsCalibration) cal = NULL;
  ClsCalibrationParams params;
  JsonObject *doc;

  g_assert_cmpint (r.status, ==, 0);
  doc = parse_object (r.out, parser);
  g_assert_cmpstr (json_object_get_string_member (doc, "method"), ==, "crc");
  g_assert_cmpstr (json_object_get_string_member (doc, "guarantee"), ==, "marginal");
  g_assert_true (json_object_get_null_member (doc, "delta"));
  g_assert_cmpstr (json_object_get_string_member (doc, "loss"), ==, "voxel");
  g_assert_true (json_object_get_null_member (doc, "rank"));

  cls_calibration_params_init (&params);
  params.method = CLS_METHOD_CRC;
  cal = core_calibration (&params);
  g_assert_cmpfloat ((float) json_object_get_double_member (doc, "probability_cut"), ==,
                     (float) cls_calibration_get_cut (cal));
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (doc, "risk"),
                                  cls_calibration_get_stratum (cal, 0)->risk, 1e-12);
  g_assert_cmpfloat (json_object_get_double_member (doc, "risk_bound"), <=, 0.2);
  g_assert_true (json_object_has_member (doc, "lesions_by_size"));
  cls_test_run_clear (&r);
}

static void
test_calibrate_pac_and_lesion (void)
{
  const char *pac[] = { "calibrate", dataset, "-m", "sharp", "--guarantee", "pac", "--delta", "0.1", "--json",
                        "-q", NULL };
  const char *lesion[] = { "calibrate", dataset, "-m", "sharp", "--loss", "lesion", "--lesion-coverage", "0.3",
                           "--json", "-q", NULL };
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(ClsCalibration) cal = NULL;
  ClsCalibrationParams params;
  JsonObject *doc;
  ClsTestRun r = run_cls (pac);

  g_assert_cmpint (r.status, ==, 0);
  doc = parse_object (r.out, parser);
  cls_calibration_params_init (&params);
  params.guarantee = CLS_GUARANTEE_PAC;
  params.delta = frac ("0.1");
  cal = core_calibration (&params);
  g_assert_cmpstr (json_object_get_string_member (doc, "guarantee"), ==, "pac");
  g_assert_cmpfloat (json_object_get_double_member (doc, "delta"), ==, 0.1);
  g_assert_cmpint (json_object_get_int_member (doc, "rank"), ==, (gint64) cls_calibration_get_rank (cal));
  cls_test_run_clear (&r);

  r = run_cls (lesion);
  g_assert_cmpint (r.status, ==, 0);
  doc = parse_object (r.out, parser);
  g_clear_pointer (&cal, cls_calibration_free);
  cls_calibration_params_init (&params);
  params.loss = CLS_LOSS_LESION;
  params.lesion_coverage = frac ("0.3");
  cal = core_calibration (&params);
  g_assert_cmpstr (json_object_get_string_member (doc, "loss"), ==, "lesion");
  g_assert_cmpfloat (json_object_get_double_member (doc, "lesion_coverage"), ==, 0.3);
  g_assert_cmpfloat ((float) json_object_get_double_member (doc, "probability_cut"), ==,
                     (float) cls_calibration_get_cut (cal));
  {
    JsonArray *cases = json_object_get_array_member (doc, "cases");
    JsonObject *first = json_array_get_object_element (cases, 0);

    g_assert_cmpint (json_object_get_int_member (first, "lesions"), ==,
                     cls_calibration_get_case (cal, 0)->n_lesions);
  }
  cls_test_run_clear (&r);
}

static void
test_weights (void)
{
  g_autofree char *path = g_build_filename (tmpdir, "w.csv", NULL);
  g_autofree char *partial = g_build_filename (tmpdir, "partial.csv", NULL);
  g_autoptr(GString) text = g_string_new ("case,weight\n");
  g_autoptr(ClsCaseSet) set = load_model ("sharp");
  g_autoptr(JsonParser) parser = json_parser_new ();
  const char *ok[] = { "calibrate", dataset, "-m", "sharp", "--weights", path, "--json", "-q", NULL };
  const char *missing[] = { "calibrate", dataset, "-m", "sharp", "--weights", partial, "-q", NULL };
  const char *crc[] = { "calibrate", dataset, "-m", "sharp", "--weights", path, "--method", "crc", "-q", NULL };
  const char *eval[] = { "evaluate", dataset, "-m", "sharp", "--weights", path, "--splits", "5", "--json", "-q", NULL };
  JsonObject *doc;
  ClsTestRun r;

  for (guint i = 0; i < set->summaries->len; i++)
    g_string_append_printf (text, "%s,%s\n", cls_case_summary_get_case_id (set->summaries->pdata[i]),
                            i % 2 ? "1" : "3");
  g_assert_true (g_file_set_contents (path, text->str, -1, NULL));
  g_assert_true (g_file_set_contents (partial, "case,weight\ncase_0000,1\n", -1, NULL));

  r = run_cls (ok);
  g_assert_cmpint (r.status, ==, 0);
  doc = parse_object (r.out, parser);
  g_assert_cmpstr (json_object_get_string_member (doc, "weights"), ==, path);
  g_assert_cmpfloat (json_object_get_double_member (doc, "n_eff"), <, set->summaries->len);
  g_assert_cmpfloat (json_object_get_double_member (doc, "test_weight_default"), ==, 3.0);
  cls_test_run_clear (&r);

  r = run_cls (missing);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "has no weight in"));
  g_assert_nonnull (strstr (r.err, partial));
  cls_test_run_clear (&r);

  r = run_cls (crc);
  g_assert_cmpint (r.status, ==, 2);
  g_assert_nonnull (strstr (r.err, "--weights"));
  cls_test_run_clear (&r);

  r = run_cls (eval);
  g_assert_cmpint (r.status, ==, 0);
  doc = parse_object (r.out, parser);
  g_assert_true (json_object_has_member (doc, "n_eff"));
  g_assert_true (json_object_get_null_member (doc, "theory"));
  cls_test_run_clear (&r);
}

static void
test_usage_errors (void)
{
  struct { const char *args[12]; int status; const char *expect; } cases[] = {
    { { "calibrate", dataset, "-m", "sharp", "--method", "ltt", NULL }, 2, "--delta" },
    { { "calibrate", dataset, "-m", "sharp", "--method", "median", NULL }, 2, "exact, bisect, crc or ltt" },
    { { "calibrate", dataset, "-m", "sharp", "--guarantee", "pac", NULL }, 2, "--delta" },
    { { "calibrate", dataset, "-m", "sharp", "--delta", "0.1", NULL }, 2, "--delta" },
    { { "calibrate", dataset, "-m", "sharp", "--method", "crc", "--guarantee", "pac", "--delta", "0.1", NULL }, 2, "pac" },
    { { "evaluate", dataset, "-m", "sharp", "--loss", "voxels", NULL }, 2, "voxel or lesion" },
    { { "evaluate", dataset, "-m", "sharp", "--strata", "site", NULL }, 2, "none or size" },
    { { "calibrate", dataset, "-m", "sharp", "--loss", "lesion", "--lesion-coverage", "2", NULL }, 2, "coverage" },
    { { "calibrate", dataset, "-m", "sharp", "--loss", "lesion", "--method", "bisect", NULL }, 2, "bisection" },
    { { "calibrate", dataset, "-m", "sharp", "--weights", "/nonexistent.csv", NULL }, 1, "nonexistent" },
  };

  for (guint k = 0; k < G_N_ELEMENTS (cases); k++)
    {
      ClsTestRun r = run_cls (cases[k].args);

      g_assert_cmpint (r.status, ==, cases[k].status);
      if (strstr (r.err, cases[k].expect) == NULL)
        g_error ("case %u: “%s” not in: %s", k, cases[k].expect, r.err);
      cls_test_run_clear (&r);
    }
}

/* Strata refuse a stratum with too few cases, naming it; evaluate's JSON
 * has the new fields. */
static void
test_strata_and_evaluate (void)
{
  const char *strata[] = { "evaluate", dataset, "-m", "sharp", "--strata", "size", "--alpha", "0.05", "-q", NULL };
  const char *eval[] = { "evaluate", dataset, "-m", "sharp", "--method", "ltt", "--delta", "0.2", "--splits", "5",
                         "--json", "-q", NULL };
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *doc;
  ClsTestRun r = run_cls (strata);

  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "stratum"));
  g_assert_nonnull (strstr (r.err, "n = "));
  cls_test_run_clear (&r);

  r = run_cls (eval);
  g_assert_cmpint (r.status, ==, 0);
  doc = parse_object (r.out, parser);
  g_assert_cmpstr (json_object_get_string_member (doc, "method"), ==, "ltt");
  g_assert_cmpfloat (json_object_get_double_member (doc, "delta"), ==, 0.2);
  g_assert_cmpstr (json_object_get_string_member (doc, "loss"), ==, "voxel");
  g_assert_true (json_object_has_member (doc, "lesion_fnr_calibrated"));
  g_assert_true (json_object_has_member (doc, "lesions_by_size"));
  g_assert_true (json_object_has_member (doc, "infeasible_splits"));
  cls_test_run_clear (&r);
}

/* A summaries folder whose files are version 1 (no lesions): the voxel loss
 * works, the lesion loss names the file. */
static void
test_version1_summaries (void)
{
  g_autofree char *out = g_build_filename (tmpdir, "sums", NULL);
  const char *summarize[] = { "summarize", dataset, "-o", out, "-m", "sharp", "-q", NULL };
  const char *voxel[] = { "calibrate", out, "-q", NULL };
  const char *lesion[] = { "calibrate", out, "--loss", "lesion", "-q", NULL };
  g_autoptr(GDir) dir = NULL;
  g_autofree char *folder = g_build_filename (out, "sharp", NULL);
  const char *name;
  ClsTestRun r = run_cls (summarize);

  g_assert_cmpint (r.status, ==, 0);
  cls_test_run_clear (&r);

  /* make every file version 1: header version 1 and no lesions */
  dir = g_dir_open (folder, 0, NULL);
  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (folder, name, NULL);
      g_autoptr(ClsCaseSummary) s = cls_summary_file_read (path, NULL, NULL);
      g_autoptr(ClsCaseSummary) bare = NULL;
      g_autoptr(GBytes) bytes = NULL;
      g_autofree guint8 *data = NULL;
      g_autofree double *values = NULL;
      g_autofree guint64 *runs = NULL;
      const ClsCountIndex *counts;
      gboolean wide;
      gconstpointer lesion_data;
      gsize width, nd, len;
      guint32 crc;
      char *at;

      g_assert_nonnull (s);
      lesion_data = cls_case_summary_get_lesion_data (s, &wide);
      width = wide ? sizeof (double) : sizeof (float);
      counts = cls_case_summary_get_counts (s);
      nd = cls_count_index_get_n_distinct (counts);
      values = g_new (double, MAX (nd, 1));
      runs = g_new (guint64, MAX (nd, 1));
      for (gsize v = 0; v < nd; v++)
        {
          values[v] = cls_count_index_get_value (counts, v);
          runs[v] = cls_count_index_get_count (counts, v);
        }
      bare = cls_case_summary_new_sorted (cls_case_summary_get_case_id (s), cls_case_summary_get_model (s),
                                          cls_case_summary_get_n_voxels (s),
                                          g_memdup2 (lesion_data, MAX (cls_case_summary_get_n_lesion (s), 1) * width),
                                          wide, cls_case_summary_get_n_lesion (s),
                                          cls_count_index_new_from_runs (values, runs, nd));

      /* as the previous release wrote it: version 1 in the frame and the header */
      bytes = cls_summary_file_encode (bare, NULL, NULL, NULL);
      data = g_memdup2 (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
      len = g_bytes_get_size (bytes);
      at = strstr ((char *) data + 32, "\"version\": 2");
      g_assert_nonnull (at);
      at[strlen ("\"version\": ")] = '1';
      data[8] = 1;
      crc = GUINT32_TO_LE ((guint32) libdeflate_crc32 (0, data, len - 4));
      memcpy (data + len - 4, &crc, 4);
      g_assert_true (g_file_set_contents (path, (const char *) data, (gssize) len, NULL));
    }

  r = run_cls (voxel);
  g_assert_cmpint (r.status, ==, 0);
  cls_test_run_clear (&r);
  r = run_cls (lesion);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "version 1"));
  g_assert_nonnull (strstr (r.err, ".clss"));
  cls_test_run_clear (&r);
}

int
main (int argc, char *argv[])
{
  ClsDemoOptions options = { .n_cases = 30, .seed = 11, .dims = { 32, 32, 16 } };
  g_autoptr(GError) error = NULL;
  int status;

  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);

  tmpdir = cls_test_make_tmpdir ();
  dataset = g_build_filename (tmpdir, "demo", NULL);
  if (!cls_demo_write (dataset, &options, NULL, NULL, NULL, &error))
    g_error ("could not write the demo set: %s", error->message);

  g_test_add_func ("/cli-methods/calibrate-crc", test_calibrate_crc);
  g_test_add_func ("/cli-methods/calibrate-pac-and-lesion", test_calibrate_pac_and_lesion);
  g_test_add_func ("/cli-methods/weights", test_weights);
  g_test_add_func ("/cli-methods/usage-errors", test_usage_errors);
  g_test_add_func ("/cli-methods/strata-and-evaluate", test_strata_and_evaluate);
  g_test_add_func ("/cli-methods/version-1-summaries", test_version1_summaries);

  status = g_test_run ();
  cls_test_rm_rf (tmpdir);
  g_free (tmpdir);
  g_free (dataset);
  return status;
}
