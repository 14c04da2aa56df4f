/* test-components.c: lesions (26-connected components) against a flood
 * fill, in summaries made from volumes, and in summary files of both
 * versions
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <libdeflate.h>

#include "cls-components.h"
#include "cls-error.h"
#include "cls-summary-file.h"
#include "cls-test-util.h"

static void
test_label_brute_force (void)
{
  GRand *rand = g_rand_new_with_seed (cls_test_seed ());

  for (int trial = 0; trial < 400; trial++)
    {
      gint64 dims[3] = { g_rand_int_range (rand, 1, 14), g_rand_int_range (rand, 1, 14),
                         g_rand_int_range (rand, 1, 10) };
      gint64 n = dims[0] * dims[1] * dims[2];
      double density = g_rand_double_range (rand, 0.02, 0.6);
      g_autofree guint8 *mask = g_new0 (guint8, n);
      g_autofree gint32 *expected = g_new (gint32, n);
      g_autofree guint64 *positions = g_new (guint64, n);
      g_autofree guint32 *labels = g_new (guint32, n);
      gsize m = 0;
      guint32 n_expected, n_got;

      /* Sparse voxels mostly touch diagonally, dense ones by faces. */
      for (gint64 i = 0; i < n; i++)
        mask[i] = g_rand_double (rand) < density;
      if (trial % 10 == 0)
        {
          /* a diagonal line of corner-touching voxels: one lesion */
          memset (mask, 0, n);
          for (gint64 k = 0; k < MIN (dims[0], MIN (dims[1], dims[2])); k++)
            mask[k + dims[0] * (k + dims[1] * k)] = 1;
        }

      for (gint64 i = 0; i < n; i++)
        if (mask[i])
          positions[m++] = (guint64) i;

      n_expected = cls_test_flood_fill (mask, dims, expected);
      n_got = cls_components_label (positions, m, dims, labels);
      g_assert_cmpuint (n_got, ==, n_expected);
      for (gsize k = 0; k < m; k++)
        g_assert_cmpint ((gint32) labels[k], ==, expected[positions[k]]);
      if (trial % 10 == 0 && m > 0)
        g_assert_cmpuint (n_got, ==, 1);
    }
  g_rand_free (rand);
}

/* Two voxels touching only by a corner, or only by an edge, are one lesion;
 * two voxels one apart are two, also across rows and slices. */
static void
test_label_neighbours (void)
{
  const gint64 dims[3] = { 5, 5, 5 };
  struct { int a[3], b[3]; guint32 expect; } cases[] = {
    { { 1, 1, 1 }, { 2, 2, 2 }, 1 },
    { { 2, 2, 2 }, { 1, 3, 1 }, 1 },
    { { 2, 2, 2 }, { 3, 1, 1 }, 1 },
    { { 1, 1, 1 }, { 2, 2, 1 }, 1 },
    { { 1, 1, 1 }, { 3, 1, 1 }, 2 },
    { { 1, 1, 1 }, { 1, 3, 1 }, 2 },
    { { 1, 1, 1 }, { 1, 1, 3 }, 2 },
    { { 4, 0, 0 }, { 0, 1, 0 }, 2 },  /* the ends of neighbouring rows are not neighbours */
    { { 4, 4, 0 }, { 0, 0, 1 }, 2 },
  };

  for (guint k = 0; k < G_N_ELEMENTS (cases); k++)
    {
      guint64 a = cases[k].a[0] + 5 * (cases[k].a[1] + 5 * cases[k].a[2]);
      guint64 b = cases[k].b[0] + 5 * (cases[k].b[1] + 5 * cases[k].b[2]);
      guint64 pos[2] = { MIN (a, b), MAX (a, b) };
      guint32 labels[2];

      g_assert_cmpuint (cls_components_label (pos, 2, dims, labels), ==, cases[k].expect);
      g_assert_cmpuint (labels[0], ==, 0);
      g_assert_cmpuint (labels[1], ==, cases[k].expect - 1);
    }
}

static void
test_size_bands (void)
{
  double affine[4][4] = { { 0.8, 0, 0, 0 }, { 0, 0, 0.8, 0 }, { 0, -2.5, 0, 0 }, { 0, 0, 0, 1 } };

  g_assert_cmpfloat_with_epsilon (cls_voxel_volume_of_affine (affine), 1.6, 1e-12);
  /* a ball of diameter d has volume π d³ / 6 */
  g_assert_cmpfloat_with_epsilon (cls_equivalent_diameter (G_PI * 1000.0 / 6.0), 10.0, 1e-12);
  g_assert_cmpint (cls_size_band_of_diameter (4.999), ==, CLS_SIZE_SMALL);
  g_assert_cmpint (cls_size_band_of_diameter (5.0), ==, CLS_SIZE_MEDIUM);
  g_assert_cmpint (cls_size_band_of_diameter (10.0), ==, CLS_SIZE_MEDIUM);
  g_assert_cmpint (cls_size_band_of_diameter (10.001), ==, CLS_SIZE_LARGE);
  g_assert_cmpstr (cls_size_band_to_string (CLS_SIZE_MEDIUM), ==, "5to10mm");
}

/* Summaries from volumes
 * ---------------------- */

static const float values[] = { 0.1f, 0.3f, 0.3f, 0.5f, 0.7f, 0.9f, 1.0f, 0.2f, 0.6f, 0.0f };

typedef struct {
  gint64  dims[3];
  gint64  n;
  double *p;
  guint8 *l;
} Grid;

static void
grid_clear (Grid *g)
{
  g_free (g->p);
  g_free (g->l);
}

static Grid
random_grid (GRand *rand)
{
  Grid g = { { g_rand_int_range (rand, 3, 12), g_rand_int_range (rand, 3, 12), g_rand_int_range (rand, 2, 8) } };

  g.n = g.dims[0] * g.dims[1] * g.dims[2];
  g.p = g_new (double, g.n);
  g.l = g_new0 (guint8, g.n);
  for (gint64 i = 0; i < g.n; i++)
    {
      g.l[i] = g_rand_int_range (rand, 0, 4) == 0;
      g.p[i] = values[g_rand_int_range (rand, 0, G_N_ELEMENTS (values))];
    }
  return g;
}

static ClsCaseSummary *
summary_from_grid (const Grid *g,
                   ClsDatatype prob_type)
{
  double affine[4][4] = { { 0.8, 0, 0, 0 }, { 0, 0.8, 0, 0 }, { 0, 0, 2.5, 0 }, { 0, 0, 0, 1 } };
  g_autoptr(ClsVolume) prob = cls_volume_new (g->dims, 1, prob_type, affine);
  g_autoptr(ClsVolume) label = cls_volume_new (g->dims, 1, CLS_DATATYPE_UINT8, affine);
  g_autoptr(GError) error = NULL;
  ClsCaseSummary *s;

  for (gint64 i = 0; i < g->n; i++)
    {
      if (prob_type == CLS_DATATYPE_FLOAT32)
        ((float *) cls_volume_get_data (prob))[i] = (float) g->p[i];
      else
        ((double *) cls_volume_get_data (prob))[i] = g->p[i];
      ((guint8 *) cls_volume_get_data (label))[i] = g->l[i];
    }
  s = cls_case_summary_new_from_volumes ("c", "m", prob, label, NULL, &error);
  g_assert_no_error (error);
  return s;
}

static int
cmp_desc (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x < y) - (x > y);
}

/* Each lesion's size and sorted probabilities against the flood fill. */
static void
assert_components_of (const ClsComponents *c,
                      const Grid          *g)
{
  g_autofree gint32 *label = g_new (gint32, g->n);
  guint32 n = cls_test_flood_fill (g->l, g->dims, label);

  g_assert_nonnull (c);
  g_assert_cmpuint (cls_components_get_n (c), ==, n);
  g_assert_cmpfloat_with_epsilon (cls_components_get_voxel_volume (c), 1.6, 1e-12);
  for (guint32 j = 0; j < n; j++)
    {
      g_autoptr(GArray) v = g_array_new (FALSE, FALSE, sizeof (double));

      for (gint64 i = 0; i < g->n; i++)
        if (label[i] == (gint32) j)
          g_array_append_val (v, g->p[i]);
      qsort (v->data, v->len, sizeof (double), cmp_desc);
      g_assert_cmpuint (cls_components_get_size (c, j), ==, v->len);
      for (guint r = 0; r < v->len; r++)
        g_assert_cmpfloat (cls_components_get_value (c, j, r + 1), ==, g_array_index (v, double, r));
      g_assert_cmpfloat_with_epsilon (cls_components_get_diameter (c, j),
                                      cbrt (6.0 * v->len * 1.6 / G_PI), 1e-12);
    }
}

static void
test_summary_components (void)
{
  GRand *rand = g_rand_new_with_seed (cls_test_seed () + 1);

  for (int trial = 0; trial < 60; trial++)
    {
      Grid g = random_grid (rand);
      g_autoptr(ClsCaseSummary) s = summary_from_grid (&g, trial % 2 ? CLS_DATATYPE_FLOAT32 : CLS_DATATYPE_FLOAT64);

      assert_components_of (cls_case_summary_get_components (s), &g);
      g_assert_cmpfloat_with_epsilon (cls_case_summary_get_voxel_volume (s), 1.6, 1e-12);
      grid_clear (&g);
    }
  g_rand_free (rand);
}

/* Summary files
 * ------------- */

static void
test_file_round_trip (void)
{
  GRand *rand = g_rand_new_with_seed (cls_test_seed () + 2);

  for (int trial = 0; trial < 40; trial++)
    {
      Grid g = random_grid (rand);
      g_autoptr(ClsCaseSummary) s = summary_from_grid (&g, trial % 2 ? CLS_DATATYPE_FLOAT32 : CLS_DATATYPE_FLOAT64);
      g_autoptr(GBytes) bytes = cls_summary_file_encode (s, NULL, NULL, NULL);
      g_autoptr(ClsSummaryFileHeader) h = NULL;
      g_autoptr(ClsCaseSummary) back = NULL;
      g_autoptr(GError) error = NULL;

      back = cls_summary_file_decode ("c.clss", g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                      &h, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (h->version, ==, 2);
      g_assert_true (h->has_components);
      g_assert_cmpuint (h->n_components, ==, cls_components_get_n (cls_case_summary_get_components (s)));
      assert_components_of (cls_case_summary_get_components (back), &g);
      grid_clear (&g);
    }
  g_rand_free (rand);
}

static void
put_varint (GByteArray *out,
            guint64     v)
{
  do
    {
      guint8 b = (v & 0x7f) | (v > 0x7f ? 0x80 : 0);

      g_byte_array_append (out, &b, 1);
      v >>= 7;
    }
  while (v != 0);
}

static guint32
float_bits (float f)
{
  guint32 b;
  memcpy (&b, &f, 4);
  return b;
}

/* A version 1 file, as the previous release wrote it: three voxels
 * (0.25, 0.75 lesion, 0.75), no lesions stored. */
static GBytes *
version1_file (void)
{
  g_autoptr(GByteArray) payload = g_byte_array_new ();
  g_autofree char *text = NULL;
  GByteArray *out = g_byte_array_new ();
  guint8 fixed[32] = { 0x89, 'C', 'L', 'S', 'S', '\r', '\n', 0x1a, 1 };
  guint32 crc, hlen;
  guint64 plen;

  put_varint (payload, float_bits (0.75f));                             /* the lesion voxel */
  put_varint (payload, float_bits (0.25f));                             /* distinct values */
  put_varint (payload, float_bits (0.75f) - float_bits (0.25f));
  put_varint (payload, 1);                                              /* their counts */
  put_varint (payload, 2);
  text = g_strdup_printf ("{\"format\": \"cls-summary\", \"version\": 1, \"case\": \"old\", \"model\": \"m\", "
                          "\"n_voxels\": 3, \"n_lesion\": 1, \"n_distinct\": 2, \"lesion_float32\": true, "
                          "\"values_float32\": true, \"payload_bytes\": %u, \"options\": {\"label_value\": null, "
                          "\"channel\": -1, \"logits\": false}, \"sources\": {\"prob\": null, \"label\": null}, "
                          "\"created_by\": \"cls-studio 0.1.0\"}", payload->len);

  hlen = GUINT32_TO_LE ((guint32) strlen (text));
  plen = GUINT64_TO_LE ((guint64) payload->len);
  memcpy (fixed + 16, &hlen, 4);
  memcpy (fixed + 24, &plen, 8);
  g_byte_array_append (out, fixed, 32);
  g_byte_array_append (out, (const guint8 *) text, (guint) strlen (text));
  g_byte_array_append (out, payload->data, payload->len);
  crc = GUINT32_TO_LE ((guint32) libdeflate_crc32 (0, out->data, out->len));
  g_byte_array_append (out, (const guint8 *) &crc, 4);
  return g_byte_array_free_to_bytes (out);
}

static void
test_file_version1 (void)
{
  g_autoptr(GBytes) bytes = version1_file ();
  g_autoptr(ClsSummaryFileHeader) h = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ClsCaseSummary) s = NULL;

  s = cls_summary_file_decode ("old.clss", g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &h, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (h->version, ==, 1);
  g_assert_false (h->has_components);
  g_assert_cmpuint (cls_case_summary_get_n_lesion (s), ==, 1);
  g_assert_cmpfloat (cls_case_summary_get_lesion_probs (s)[0], ==, 0.75);
  g_assert_null (cls_case_summary_get_components (s));
  g_assert_cmpfloat (cls_case_summary_get_voxel_volume (s), ==, 0.0);
}

/* Version 2 files whose lesions lie: refused, naming the file. */
static void
test_file_bad_components (void)
{
  GRand *rand = g_rand_new_with_seed (cls_test_seed () + 3);
  Grid g = random_grid (rand);
  g_autoptr(ClsCaseSummary) s = summary_from_grid (&g, CLS_DATATYPE_FLOAT32);
  g_autoptr(GBytes) bytes = cls_summary_file_encode (s, NULL, NULL, NULL);
  const guint8 *d = g_bytes_get_data (bytes, NULL);
  guint32 hlen;
  g_autofree char *header = NULL;
  const char *lies[] = { "\"lesion_components\": 0", "\"lesion_components\": 100000",
                         "\"voxel_volume_mm3\": -1", "\"lesion_components\": \"2\"" };
  guint32 n = cls_components_get_n (cls_case_summary_get_components (s));
  g_autofree char *truth = g_strdup_printf ("\"lesion_components\": %u", n);

  memcpy (&hlen, d + 16, 4);
  header = g_strndup ((const char *) d + 32, GUINT32_FROM_LE (hlen));
  g_assert_nonnull (strstr (header, truth));

  for (guint k = 0; k < G_N_ELEMENTS (lies); k++)
    {
      g_auto(GStrv) parts = NULL;
      g_autofree char *lie = NULL;
      g_autoptr(GByteArray) out = g_byte_array_new ();
      g_autoptr(GError) error = NULL;
      g_autoptr(ClsCaseSummary) back = NULL;
      guint64 plen;
      guint32 new_h, crc;
      const char *rest;

      if (g_str_has_prefix (lies[k], "\"voxel"))
        {
          parts = g_strsplit (header, "\"voxel_volume_mm3\": ", 2);
          rest = parts[1];
          while (*rest && *rest != ',' && *rest != '\n' && *rest != '}')
            rest++;
        }
      else
        {
          parts = g_strsplit (header, truth, 2);
          rest = parts[1];
        }
      g_assert_nonnull (parts[1]);
      lie = g_strconcat (parts[0], lies[k], rest, NULL);

      memcpy (&plen, d + 24, 8);
      plen = GUINT64_FROM_LE (plen);
      new_h = GUINT32_TO_LE ((guint32) strlen (lie));
      g_byte_array_append (out, d, 32);
      memcpy (out->data + 16, &new_h, 4);
      g_byte_array_append (out, (const guint8 *) lie, (guint) strlen (lie));
      g_byte_array_append (out, d + 32 + GUINT32_FROM_LE (hlen), (guint) plen);
      crc = GUINT32_TO_LE ((guint32) libdeflate_crc32 (0, out->data, out->len));
      g_byte_array_append (out, (const guint8 *) &crc, 4);

      back = cls_summary_file_decode ("lie.clss", out->data, out->len, NULL, &error);
      g_assert_null (back);
      g_assert_error (error, CLS_ERROR, CLS_ERROR_FORMAT);
      g_assert_nonnull (strstr (error->message, "lie.clss"));
    }

  grid_clear (&g);
  g_rand_free (rand);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/components/label-brute-force", test_label_brute_force);
  g_test_add_func ("/components/label-neighbours", test_label_neighbours);
  g_test_add_func ("/components/size-bands", test_size_bands);
  g_test_add_func ("/components/summary", test_summary_components);
  g_test_add_func ("/components/file-round-trip", test_file_round_trip);
  g_test_add_func ("/components/file-version-1", test_file_version1);
  g_test_add_func ("/components/file-bad-components", test_file_bad_components);

  return g_test_run ();
}
