/* test-summary-file.c: summary files read back bit for bit, damage is caught,
 * and a folder of them calibrates exactly like the volumes
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>
#include <libdeflate.h>

#include "cls-atomic-file.h"
#include "cls-calibration.h"
#include "cls-dataset.h"
#include "cls-error.h"
#include "cls-evaluation.h"
#include "cls-summary-file.h"
#include "cls-test-util.h"

/* Helpers
 * ------- */

static void
assert_same_summary (const ClsCaseSummary *a,
                     const ClsCaseSummary *b)
{
  const ClsCountIndex *ca = cls_case_summary_get_counts (a);
  const ClsCountIndex *cb = cls_case_summary_get_counts (b);
  guint64 g = cls_case_summary_get_n_lesion (a);

  g_assert_cmpstr (cls_case_summary_get_case_id (a), ==, cls_case_summary_get_case_id (b));
  g_assert_cmpstr (cls_case_summary_get_model (a), ==, cls_case_summary_get_model (b));
  g_assert_cmpuint (cls_case_summary_get_n_voxels (a), ==, cls_case_summary_get_n_voxels (b));
  g_assert_cmpuint (g, ==, cls_case_summary_get_n_lesion (b));
  g_assert_cmpmem (cls_case_summary_get_lesion_probs (a), g * sizeof (double),
                   cls_case_summary_get_lesion_probs (b), g * sizeof (double));
  g_assert_cmpint (cls_case_summary_is_float32 (a), ==, cls_case_summary_is_float32 (b));
  g_assert_cmpuint (cls_count_index_get_n_distinct (ca), ==, cls_count_index_get_n_distinct (cb));
  for (gsize i = 0; i < cls_count_index_get_n_distinct (ca); i++)
    {
      double va = cls_count_index_get_value (ca, i), vb = cls_count_index_get_value (cb, i);

      g_assert_cmpmem (&va, sizeof va, &vb, sizeof vb);
      g_assert_cmpuint (cls_count_index_get_count (ca, i), ==, cls_count_index_get_count (cb, i));
    }
}

static GBytes *
encode (const ClsCaseSummary *s)
{
  ClsSummaryOptions options;

  cls_summary_options_init (&options);
  return cls_summary_file_encode (s, &options, NULL, NULL);
}

static void
put (const char *path,
     GBytes     *bytes)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, g_bytes_get_data (bytes, NULL), (gssize) g_bytes_get_size (bytes), &error);
  g_assert_no_error (error);
}

/* Recomputes the checksum after a deliberate change, so that the change
 * itself is what the reader meets. */
static void
fix_crc (guint8 *data,
         gsize   len)
{
  guint32 crc = GUINT32_TO_LE ((guint32) libdeflate_crc32 (0, data, len - 4));
  memcpy (data + len - 4, &crc, 4);
}

/* A file whose header is @header (the rest kept, lengths and checksum fixed). */
static guint8 *
with_header (GBytes     *bytes,
             const char *header,
             gsize      *len)
{
  const guint8 *d = g_bytes_get_data (bytes, NULL);
  guint32 old_h, new_h = (guint32) strlen (header);
  guint64 p;
  guint8 *out;

  memcpy (&old_h, d + 16, 4);
  old_h = GUINT32_FROM_LE (old_h);
  memcpy (&p, d + 24, 8);
  p = GUINT64_FROM_LE (p);

  *len = 32 + new_h + p + 4;
  out = g_malloc (*len);
  memcpy (out, d, 32);
  *(guint32 *) (gpointer) (out + 16) = GUINT32_TO_LE (new_h);
  memcpy (out + 32, header, new_h);
  memcpy (out + 32 + new_h, d + 32 + old_h, p);
  fix_crc (out, *len);
  return out;
}

static char *
header_of (GBytes *bytes)
{
  const guint8 *d = g_bytes_get_data (bytes, NULL);
  guint32 h;

  memcpy (&h, d + 16, 4);
  return g_strndup ((const char *) d + 32, GUINT32_FROM_LE (h));
}

static char *
replace (const char *text,
         const char *from,
         const char *to)
{
  g_auto(GStrv) parts = g_strsplit (text, from, 2);

  g_assert_nonnull (parts[1]);
  return g_strconcat (parts[0], to, parts[1], NULL);
}

/* Round trips
 * ----------- */

static void
test_round_trip (void)
{
  GRand *rand = g_rand_new_with_seed (cls_test_seed ());

  for (int trial = 0; trial < 60; trial++)
    {
      gsize n = (gsize) g_rand_int_range (rand, 1, 3000);
      g_autofree double *v = g_new (double, n);
      g_autofree guint8 *l = g_new (guint8, n);
      g_autoptr(ClsCaseSummary) s = NULL;
      g_autoptr(ClsCaseSummary) back = NULL;
      g_autoptr(ClsSummaryFileHeader) h = NULL;
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GError) error = NULL;
      int kind = trial % 4;

      for (gsize i = 0; i < n; i++)
        {
          double u = g_rand_double (rand);

          v[i] = kind == 0 ? (float) u                       /* float32 */
               : kind == 1 ? u                               /* doubles */
               : kind == 2 ? (g_rand_int_range (rand, 0, 3) == 0 ? 0.0 : (float) (u * 0.01))
               : g_rand_int_range (rand, 0, 5) / 4.0;        /* few values, ties, exact 0 and 1 */
          l[i] = trial % 7 == 3 ? 0 : g_rand_int_range (rand, 0, 4) == 0;
        }
      s = cls_test_summary_new ("case_one", v, l, n);
      bytes = encode (s);
      back = cls_summary_file_decode ("x.clss", g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                      &h, &error);
      g_assert_no_error (error);
      assert_same_summary (s, back);
      g_assert_cmpstr (h->case_id, ==, "case_one");
      g_assert_cmpstr (h->model, ==, "test");
      g_assert_cmpuint (h->version, ==, CLS_SUMMARY_FILE_VERSION);
      g_assert_cmpuint (h->n_lesion, ==, cls_case_summary_get_n_lesion (s));
    }

  g_rand_free (rand);
}

/* Counts above 2^32 and options come back too. */
static void
test_round_trip_large_counts_and_options (void)
{
  double values[] = { 0.0, 0.25, 0.5, 1.0 };
  guint64 counts[] = { G_GUINT64_CONSTANT (6000000000), 3, G_GUINT64_CONSTANT (5000000000), 2 };
  double lesion[] = { 1.0, 0.5, 0.5, 0.0 };
  guint64 total = counts[0] + counts[1] + counts[2] + counts[3];
  g_autoptr(ClsCaseSummary) s = cls_case_summary_new ("big", "model-x", total, lesion, 4,
                                                      cls_count_index_new_from_runs (values, counts, 4));
  g_autoptr(ClsSummaryFileHeader) h = NULL;
  g_autoptr(ClsCaseSummary) back = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  ClsSummaryOptions options;
  ClsSummarySource prob = { (char *) "/data/p.nii.gz", 123, 456, 0xdeadbeef, 789, TRUE };

  cls_summary_options_init (&options);
  options.label_value = 2.5;
  options.label_value_set = TRUE;
  options.channel = 3;
  options.logits = TRUE;

  bytes = cls_summary_file_encode (s, &options, &prob, NULL);
  back = cls_summary_file_decode ("x.clss", g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &h, &error);
  g_assert_no_error (error);
  assert_same_summary (s, back);
  g_assert_true (cls_summary_options_equal (&h->options, &options));
  g_assert_cmpstr (h->prob.path, ==, "/data/p.nii.gz");
  g_assert_cmpuint (h->prob.size, ==, 123);
  g_assert_cmpint (h->prob.mtime, ==, 456);
  g_assert_true (h->prob.is_gzip);
  g_assert_cmpuint (h->prob.gzip_crc32, ==, 0xdeadbeef);
  g_assert_cmpuint (h->prob.gzip_size, ==, 789);
  g_assert_null (h->label.path);
}

/* Damage
 * ------ */

static void
assert_format_error (const GError *error,
                     const char   *path)
{
  g_assert_nonnull (error);
  g_assert_true (error->domain == CLS_ERROR);
  g_assert_true (error->code == CLS_ERROR_FORMAT || error->code == CLS_ERROR_IO ||
                 error->code == CLS_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, path));
}

static GBytes *
small_file (void)
{
  double v[64];
  guint8 l[64];

  for (int i = 0; i < 64; i++)
    {
      v[i] = (float) (i % 9) / 8.0;
      l[i] = i % 3 == 0;
    }
  {
    g_autoptr(ClsCaseSummary) s = cls_test_summary_new ("c", v, l, 64);
    return encode (s);
  }
}

/* Every byte, changed: caught (the checksum sees every single-byte error). */
static void
test_corrupt_byte (void)
{
  g_autoptr(GBytes) bytes = small_file ();
  gsize len = g_bytes_get_size (bytes);
  g_autofree guint8 *copy = g_memdup2 (g_bytes_get_data (bytes, NULL), len);

  for (gsize i = 0; i < len; i++)
    for (int flip = 1; flip < 256; flip <<= 3)
      {
        g_autoptr(GError) error = NULL;
        g_autoptr(ClsCaseSummary) s = NULL;

        copy[i] ^= (guint8) flip;
        s = cls_summary_file_decode ("damaged.clss", copy, len, NULL, &error);
        copy[i] ^= (guint8) flip;
        g_assert_null (s);
        assert_format_error (error, "damaged.clss");
      }
}

static void
test_truncated_and_appended (void)
{
  g_autoptr(GBytes) bytes = small_file ();
  gsize len = g_bytes_get_size (bytes);
  g_autofree guint8 *longer = g_malloc0 (len + 3);

  for (gsize cut = 0; cut < len; cut++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(ClsCaseSummary) s = cls_summary_file_decode ("short.clss", g_bytes_get_data (bytes, NULL),
                                                             cut, NULL, &error);
      g_assert_null (s);
      assert_format_error (error, "short.clss");
    }

  memcpy (longer, g_bytes_get_data (bytes, NULL), len);
  for (gsize extra = 1; extra <= 3; extra++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(ClsCaseSummary) s = cls_summary_file_decode ("long.clss", longer, len + extra, NULL, &error);
      g_assert_null (s);
      assert_format_error (error, "long.clss");
      g_assert_nonnull (strstr (error->message, "appended"));
    }
}

/* Files that are well formed on the outside (lengths, checksum) but lie
 * inside: refused without allocating what they ask for. */
static void
test_hostile_headers (void)
{
  g_autoptr(GBytes) bytes = small_file ();
  g_autofree char *header = header_of (bytes);
  struct {
    const char *from;
    const char *to;
    const char *expect;
  } lies[] = {
    { "\"payload_bytes\": ", "\"payload_bytes\": 40000000000", "expand" },
    { "\"n_lesion\": ", "\"n_lesion\": 9000000000000", "fit" },
    { "\"n_distinct\": ", "\"n_distinct\": 900000000000", "fit" },
    { "\"n_voxels\": ", "\"n_voxels\": 1", NULL },
    { "\"version\": 2", "\"version\": \"2\"", NULL },
    { "\"version\": 2", "\"version\": 1", NULL },
    { "\"case\": \"c\"", "\"case\": 7", NULL },
    { "\"case\": \"c\"", "\"case\": \"\"", NULL },
    { "\"format\": \"cls-summary\"", "\"format\": \"other\"", NULL },
    { "\"channel\": -1", "\"channel\": -5", NULL },
    { "\"logits\": false", "\"logits\": 0", NULL },
    { "{", "[", NULL },
  };

  for (guint k = 0; k < G_N_ELEMENTS (lies); k++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(ClsCaseSummary) s = NULL;
      g_autofree char *lie = NULL;
      g_autofree guint8 *data = NULL;
      gsize len;

      /* numbers: put the lie in front of the true digits' place */
      if (g_str_has_suffix (lies[k].from, ": "))
        {
          g_auto(GStrv) parts = g_strsplit (header, lies[k].from, 2);
          const char *rest = parts[1];

          g_assert_nonnull (rest);
          while (g_ascii_isdigit (*rest))
            rest++;
          lie = g_strconcat (parts[0], lies[k].to, rest, NULL);
        }
      else
        lie = replace (header, lies[k].from, lies[k].to);

      data = with_header (bytes, lie, &len);
      s = cls_summary_file_decode ("lie.clss", data, len, NULL, &error);
      g_assert_null (s);
      assert_format_error (error, "lie.clss");
      if (lies[k].expect != NULL)
        g_assert_nonnull (strstr (error->message, lies[k].expect));
    }
}

static void
test_newer_version (void)
{
  g_autoptr(GBytes) bytes = small_file ();
  gsize len = g_bytes_get_size (bytes);
  g_autofree guint8 *copy = g_memdup2 (g_bytes_get_data (bytes, NULL), len);
  g_autoptr(GError) error = NULL;
  g_autoptr(ClsCaseSummary) s = NULL;

  copy[8] = CLS_SUMMARY_FILE_VERSION + 1;
  fix_crc (copy, len);
  s = cls_summary_file_decode ("new.clss", copy, len, NULL, &error);
  g_assert_null (s);
  g_assert_error (error, CLS_ERROR, CLS_ERROR_FORMAT);
  g_assert_nonnull (strstr (error->message, "version 3"));
}

/* Volumes, datasets, folders of summaries
 * --------------------------------------- */

static const gint64 dims[3] = { 9, 7, 5 };
#define N_VOX (9 * 7 * 5)

static void
write_volume (const char  *path,
              ClsDatatype  type,
              const double *values)
{
  double affine[4][4] = { { 1, 0, 0, 0 }, { 0, 1, 0, 0 }, { 0, 0, 2, 0 }, { 0, 0, 0, 1 } };
  g_autoptr(ClsVolume) v = cls_volume_new (dims, 1, type, affine);
  g_autoptr(GError) error = NULL;
  gpointer data = cls_volume_get_data (v);

  for (int i = 0; i < N_VOX; i++)
    switch (type)
      {
      case CLS_DATATYPE_FLOAT32: ((float *) data)[i] = (float) values[i]; break;
      case CLS_DATATYPE_FLOAT64: ((double *) data)[i] = values[i]; break;
      case CLS_DATATYPE_UINT8: ((guint8 *) data)[i] = (guint8) values[i]; break;
      case CLS_DATATYPE_INT16: ((gint16 *) data)[i] = (gint16) values[i]; break;
      default: g_assert_not_reached ();
      }
  cls_volume_write (v, path, &error);
  g_assert_no_error (error);
}

/* A dataset of @n cases and two models; model "wide" stores float64 maps
 * and int16 labels hold the same values (the slow path), "narrow" float32
 * maps with uint8 labels (read in place). */
static char *
make_dataset (GRand *rand,
              guint  n)
{
  g_autofree char *dir = cls_test_make_tmpdir ();
  char *root = g_build_filename (dir, "ds", NULL);
  const char *sub[] = { "labels", "probs/narrow", "probs/wide" };

  for (guint k = 0; k < G_N_ELEMENTS (sub); k++)
    {
      g_autofree char *p = g_build_filename (root, sub[k], NULL);
      g_assert_cmpint (g_mkdir_with_parents (p, 0755), ==, 0);
    }

  for (guint c = 0; c < n; c++)
    {
      double p[N_VOX], l[N_VOX];
      g_autofree char *name = g_strdup_printf ("case_%02u.nii.gz", c);
      g_autofree char *lp = g_build_filename (root, "labels", name, NULL);
      g_autofree char *np = g_build_filename (root, "probs", "narrow", name, NULL);
      g_autofree char *wp = g_build_filename (root, "probs", "wide", name, NULL);

      for (int i = 0; i < N_VOX; i++)
        {
          double u = g_rand_double (rand);

          l[i] = c % 6 == 5 ? 0 : g_rand_int_range (rand, 0, 5) == 0;
          /* zeros in blocks (the fast path skips them), ties, float32 values */
          p[i] = (i / 16) % 3 == 0 ? 0.0 : (float) (l[i] ? 0.3 + 0.7 * u : 0.6 * u * u);
          if (i % 17 == 0)
            p[i] = 0.5;
        }
      write_volume (lp, c % 2 ? CLS_DATATYPE_UINT8 : CLS_DATATYPE_INT16, l);
      write_volume (np, CLS_DATATYPE_FLOAT32, p);
      write_volume (wp, CLS_DATATYPE_FLOAT64, p);
    }

  return root;
}

typedef struct {
  const char *outdir;
} Out;

static gboolean
write_one (ClsDataset      *dataset,
           guint            i,
           const char      *model,
           ClsCaseSummary  *summary,
           gpointer         user_data,
           GError         **error)
{
  const Out *out = user_data;
  g_autofree char *name = g_strconcat (cls_dataset_get_case_id (dataset, i), CLS_SUMMARY_FILE_SUFFIX, NULL);
  g_autofree char *folder = g_build_filename (out->outdir, model, NULL);
  g_autofree char *path = g_build_filename (folder, name, NULL);

  g_mkdir_with_parents (folder, 0755);
  return cls_summary_file_write (path, summary, NULL, cls_dataset_get_prob_path (dataset, model, i),
                                 cls_dataset_get_label_path (dataset, i), error);
}

static char *
summarize_to (const char *dataset_path,
              const char *name,
              guint       first,
              guint       end)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ClsDataset) ds = cls_dataset_open (dataset_path, &error);
  g_autofree char *parent = g_path_get_dirname (dataset_path);
  char *outdir = g_build_filename (parent, name, NULL);
  const char *models[] = { "narrow", "wide", NULL };
  Out out = { outdir };
  g_autoptr(GPtrArray) failures = NULL;

  g_assert_no_error (error);
  failures = cls_dataset_summarize (ds, models, NULL, first, end, write_one, &out, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (failures->len, ==, 0);
  return outdir;
}

static void
assert_same_results (GPtrArray *a,
                     GPtrArray *b)
{
  ClsCalibrationParams params;
  ClsEvaluationParams eval;

  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    assert_same_summary (a->pdata[i], b->pdata[i]);

  cls_calibration_params_init (&params);
  cls_evaluation_params_init (&eval);
  eval.n_splits = 30;
  for (int method = 0; method < 2; method++)
    {
      g_autoptr(ClsCalibration) ca = NULL;
      g_autoptr(ClsCalibration) cb = NULL;
      g_autoptr(ClsEvaluation) ea = NULL;
      g_autoptr(ClsEvaluation) eb = NULL;

      params.method = method ? CLS_METHOD_BISECT : CLS_METHOD_EXACT;
      params.alpha = (ClsFraction) { 3, 10 };
      ca = cls_calibration_new ((ClsCaseSummary **) a->pdata, a->len, &params, NULL);
      cb = cls_calibration_new ((ClsCaseSummary **) b->pdata, b->len, &params, NULL);
      g_assert_nonnull (ca);
      g_assert_true (cls_calibration_get_cut (ca) == cls_calibration_get_cut (cb));
      g_assert_cmpuint (cls_calibration_get_n_covered (ca), ==, cls_calibration_get_n_covered (cb));
      for (guint i = 0; i < a->len; i++)
        g_assert_cmpmem (&cls_calibration_get_case (ca, i)->score, sizeof (ClsCaseScore),
                         &cls_calibration_get_case (cb, i)->score, sizeof (ClsCaseScore));

      ea = cls_evaluate ((ClsCaseSummary **) a->pdata, a->len, &params, &eval, NULL);
      eb = cls_evaluate ((ClsCaseSummary **) b->pdata, b->len, &params, &eval, NULL);
      g_assert_nonnull (ea);
      for (guint s = 0; s < eval.n_splits; s++)
        g_assert_cmpmem (cls_evaluation_get_split (ea, s), sizeof (ClsSplitResult),
                         cls_evaluation_get_split (eb, s), sizeof (ClsSplitResult));
    }
}

/* Written in two batches (as two array tasks would), the summaries folder
 * loads to the very summaries the volumes give, and calibrates and
 * evaluates identically; a float64 map with an int16 label gives what a
 * float32 map with a uint8 label gives. */
static void
test_folder_matches_volumes (void)
{
  GRand *rand = g_rand_new_with_seed (cls_test_seed () + 1);
  g_autofree char *root = make_dataset (rand, 14);
  g_autofree char *out = NULL;
  g_autofree char *out2 = NULL;
  g_autoptr(ClsDataset) ds = NULL;
  g_autoptr(ClsDataset) sums = NULL;
  g_autoptr(GPtrArray) from_volumes = NULL;
  g_autoptr(GPtrArray) from_files = NULL;
  g_autoptr(GError) error = NULL;
  const char *models[] = { "narrow", "wide", NULL };
  g_autofree char *parent = g_path_get_dirname (root);

  out = summarize_to (root, "sums", 0, 6);
  out2 = summarize_to (root, "sums", 6, 1000);

  ds = cls_dataset_open (root, &error);
  g_assert_no_error (error);
  from_volumes = cls_dataset_load (ds, models, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  sums = cls_dataset_open (out, &error);
  g_assert_no_error (error);
  g_assert_true (cls_dataset_is_summaries (sums));
  g_assert_cmpuint (cls_dataset_get_n_cases (sums), ==, 14);
  g_assert_cmpstrv (cls_dataset_get_models (sums), models);
  g_assert_nonnull (cls_dataset_get_summary_options (sums));
  /* the sources are named, and they are here */
  g_assert_true (cls_path_is_same_file (cls_dataset_get_label_path (sums, 3), cls_dataset_get_label_path (ds, 3)));
  g_assert_true (cls_path_is_same_file (cls_dataset_get_prob_path (sums, "wide", 3),
                                        cls_dataset_get_prob_path (ds, "wide", 3)));

  from_files = cls_dataset_load (sums, models, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  for (guint m = 0; m < 2; m++)
    {
      ClsCaseSet *a = from_volumes->pdata[m];
      ClsCaseSet *b = from_files->pdata[m];

      g_assert_cmpuint (a->failures->len, ==, 0);
      g_assert_cmpuint (b->failures->len, ==, 0);
      assert_same_results (a->summaries, b->summaries);
    }

  /* the two storage types give the same summaries (but the model's name) */
  {
    ClsCaseSet *narrow = from_volumes->pdata[0];
    ClsCaseSet *wide = from_volumes->pdata[1];

    for (guint i = 0; i < narrow->summaries->len; i++)
      {
        const ClsCaseSummary *x = narrow->summaries->pdata[i];
        const ClsCaseSummary *y = wide->summaries->pdata[i];
        guint64 g = cls_case_summary_get_n_lesion (x);

        g_assert_cmpuint (g, ==, cls_case_summary_get_n_lesion (y));
        g_assert_cmpmem (cls_case_summary_get_lesion_probs (x), g * sizeof (double),
                         cls_case_summary_get_lesion_probs (y), g * sizeof (double));
        g_assert_cmpuint (cls_count_index_get_n_distinct (cls_case_summary_get_counts (x)), ==,
                          cls_count_index_get_n_distinct (cls_case_summary_get_counts (y)));
      }
  }

  cls_test_rm_rf (parent);
  g_rand_free (rand);
}

static const ClsCaseFailure *
failure_of (ClsCaseSet *set,
            const char *case_id)
{
  for (guint i = 0; i < set->failures->len; i++)
    {
      const ClsCaseFailure *f = set->failures->pdata[i];
      if (strcmp (f->case_id, case_id) == 0)
        return f;
    }
  return NULL;
}

static void
copy_file (const char *from,
           const char *to)
{
  g_autofree char *data = NULL;
  gsize len;

  g_assert_true (g_file_get_contents (from, &data, &len, NULL));
  g_assert_true (g_file_set_contents (to, data, (gssize) len, NULL));
}

/* A corrupt file, a case twice, a file in the wrong model's folder, files
 * made with other options, options asked for that the files were not made
 * with: each is a failure that names the file; the rest loads. */
static void
test_folder_mismatches (void)
{
  GRand *rand = g_rand_new_with_seed (cls_test_seed () + 2);
  g_autofree char *root = make_dataset (rand, 8);
  g_autofree char *parent = g_path_get_dirname (root);
  g_autofree char *out = summarize_to (root, "sums", 0, 8);
  g_autofree char *corrupt = g_build_filename (out, "narrow", "case_01.clss", NULL);
  g_autofree char *twice = g_build_filename (out, "case_02-copy.clss", NULL);
  g_autofree char *wrong = g_build_filename (out, "narrow", "case_03.clss", NULL);
  g_autofree char *other = g_build_filename (out, "narrow", "case_04.clss", NULL);
  g_autoptr(ClsDataset) sums = NULL;
  g_autoptr(GPtrArray) sets = NULL;
  g_autoptr(GError) error = NULL;
  const char *models[] = { "narrow", NULL };
  ClsCaseSet *set;

  /* a flipped byte in the payload */
  {
    g_autofree guint8 *data = NULL;
    gsize len;

    g_assert_true (g_file_get_contents (corrupt, (char **) &data, &len, NULL));
    data[len - 10] ^= 0x40;
    g_assert_true (g_file_set_contents (corrupt, (const char *) data, (gssize) len, NULL));
  }
  /* case 2 of narrow once more, under another name */
  {
    g_autofree char *from = g_build_filename (out, "narrow", "case_02.clss", NULL);
    copy_file (from, twice);
  }
  /* the wide model's summary in narrow's folder */
  {
    g_autofree char *from = g_build_filename (out, "wide", "case_03.clss", NULL);
    copy_file (from, wrong);
  }
  /* made with --label-value 1 (not the default way of saying it) */
  {
    g_autoptr(ClsCaseSummary) s = cls_summary_file_read (other, NULL, &error);
    ClsSummaryOptions options;

    g_assert_no_error (error);
    cls_summary_options_init (&options);
    options.label_value_set = TRUE;
    g_assert_true (cls_summary_file_write (other, s, &options, NULL, NULL, &error));
  }

  sums = cls_dataset_open (out, &error);
  g_assert_no_error (error);
  sets = cls_dataset_load (sums, models, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  set = sets->pdata[0];

  g_assert_cmpuint (set->summaries->len, ==, 4);
  g_assert_nonnull (strstr (failure_of (set, "case_01")->message, corrupt));
  g_assert_nonnull (strstr (failure_of (set, "case_01")->message, "checksum"));
  g_assert_nonnull (strstr (failure_of (set, "case_02")->message, twice));
  g_assert_nonnull (strstr (failure_of (set, "case_02")->message, "two summary files"));
  g_assert_nonnull (strstr (failure_of (set, "case_03")->message, wrong));
  g_assert_nonnull (strstr (failure_of (set, "case_04")->message, other));
  g_assert_nonnull (strstr (failure_of (set, "case_04")->message, "--label-value 1"));
  g_clear_pointer (&sets, g_ptr_array_unref);

  /* options asked for that the summaries were not made with */
  {
    ClsLoadOptions load;

    cls_load_options_init (&load);
    load.summary.logits = TRUE;
    sets = cls_dataset_load (sums, models, &load, NULL, NULL, NULL, &error);
    g_assert_no_error (error);
    set = sets->pdata[0];
    g_assert_cmpuint (set->summaries->len, ==, 0);
    g_assert_nonnull (strstr (failure_of (set, "case_00")->message, "--logits"));

    load.strict = TRUE;
    g_clear_pointer (&sets, g_ptr_array_unref);
    sets = cls_dataset_load (sums, models, &load, NULL, NULL, NULL, &error);
    g_assert_null (sets);
    g_assert_error (error, CLS_ERROR, CLS_ERROR_DATASET);
  }

  cls_test_rm_rf (parent);
  g_rand_free (rand);
}

/* Bad probabilities and odd label values: the same message from a float32
 * map read in place as from a float64 map read through doubles. */
static void
test_fast_path_messages (void)
{
  g_autofree char *dir = cls_test_make_tmpdir ();
  double p[N_VOX], l[N_VOX];
  const double bad[] = { NAN, -0.25, 1.5, INFINITY, -0.0 };

  for (guint k = 0; k < G_N_ELEMENTS (bad) + 1; k++)
    {
      g_autofree char *lp = g_build_filename (dir, "l.nii", NULL);
      g_autofree char *fp = g_build_filename (dir, "f.nii", NULL);
      g_autofree char *dp = g_build_filename (dir, "d.nii", NULL);
      g_autoptr(ClsVolume) lv = NULL;
      g_autoptr(ClsVolume) fv = NULL;
      g_autoptr(ClsVolume) dv = NULL;
      g_autoptr(GError) e1 = NULL;
      g_autoptr(GError) e2 = NULL;
      g_autoptr(ClsCaseSummary) s1 = NULL;
      g_autoptr(ClsCaseSummary) s2 = NULL;

      for (int i = 0; i < N_VOX; i++)
        {
          p[i] = (float) ((i % 5) / 5.0);
          l[i] = i % 7 == 0;
        }
      if (k < G_N_ELEMENTS (bad))
        p[40] = p[41] = bad[k];
      else
        l[3] = 2, l[9] = 7;  /* odd label values */
      write_volume (lp, CLS_DATATYPE_UINT8, l);
      write_volume (fp, CLS_DATATYPE_FLOAT32, p);
      write_volume (dp, CLS_DATATYPE_FLOAT64, p);
      lv = cls_volume_read (lp, NULL, NULL);
      fv = cls_volume_read (fp, NULL, NULL);
      dv = cls_volume_read (dp, NULL, NULL);
      s1 = cls_case_summary_new_from_volumes ("c", "m", fv, lv, NULL, &e1);
      s2 = cls_case_summary_new_from_volumes ("c", "m", dv, lv, NULL, &e2);

      if (bad[k < G_N_ELEMENTS (bad) ? k : 0] == 0.0 && k < G_N_ELEMENTS (bad))
        {
          /* -0.0 is a probability, 0 */
          g_assert_no_error (e1);
          g_assert_no_error (e2);
          assert_same_summary (s1, s2);
          continue;
        }
      g_assert_nonnull (e1);
      g_assert_nonnull (e2);
      g_assert_cmpint (e1->code, ==, e2->code);
      {
        /* the messages differ only in the map's name, if they name it */
        g_autofree char *m1 = strstr (e1->message, fp) ? replace (e1->message, fp, "MAP") : g_strdup (e1->message);
        g_autofree char *m2 = strstr (e2->message, dp) ? replace (e2->message, dp, "MAP") : g_strdup (e2->message);
        g_assert_cmpstr (m1, ==, m2);
      }
    }

  cls_test_rm_rf (dir);
}

/* Files on disk: written atomically, read back, a missing one named. */
static void
test_write_read_file (void)
{
  g_autofree char *dir = cls_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "a.clss", NULL);
  g_autofree char *missing = g_build_filename (dir, "none.clss", NULL);
  g_autofree char *src = g_build_filename (dir, "src.bin", NULL);
  g_autoptr(GBytes) bytes = small_file ();
  g_autoptr(ClsCaseSummary) s = NULL;
  g_autoptr(ClsCaseSummary) back = NULL;
  g_autoptr(ClsSummaryFileHeader) h = NULL;
  g_autoptr(GError) error = NULL;

  put (src, bytes);
  s = cls_summary_file_decode ("x", g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), NULL, &error);
  g_assert_no_error (error);
  g_assert_true (cls_summary_file_write (path, s, NULL, src, NULL, &error));
  back = cls_summary_file_read (path, &h, &error);
  g_assert_no_error (error);
  assert_same_summary (s, back);
  g_assert_true (cls_summary_source_matches (&h->prob, src));
  g_clear_pointer (&h, cls_summary_file_header_free);
  h = cls_summary_file_read_header (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (h->case_id, ==, "c");

  g_assert_null (cls_summary_file_read (missing, NULL, &error));
  g_assert_error (error, CLS_ERROR, CLS_ERROR_IO);
  g_assert_nonnull (strstr (error->message, missing));

  cls_test_rm_rf (dir);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/summary-file/round-trip", test_round_trip);
  g_test_add_func ("/summary-file/round-trip-large-counts-and-options", test_round_trip_large_counts_and_options);
  g_test_add_func ("/summary-file/corrupt-byte", test_corrupt_byte);
  g_test_add_func ("/summary-file/truncated-and-appended", test_truncated_and_appended);
  g_test_add_func ("/summary-file/hostile-headers", test_hostile_headers);
  g_test_add_func ("/summary-file/newer-version", test_newer_version);
  g_test_add_func ("/summary-file/write-read-file", test_write_read_file);
  g_test_add_func ("/summary-file/folder-matches-volumes", test_folder_matches_volumes);
  g_test_add_func ("/summary-file/folder-mismatches", test_folder_mismatches);
  g_test_add_func ("/summary-file/fast-path-messages", test_fast_path_messages);

  return g_test_run ();
}
