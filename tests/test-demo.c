/* test-demo.c: the synthetic demo dataset
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>
#include <gio/gio.h>

#include "cls-demo.h"
#include "cls-error.h"
#include "cls-volume.h"
#include "cls-test-util.h"

/* A small dataset that is quick to make. */
static const ClsDemoOptions small_options = {
  .n_cases = 4,
  .seed = 7,
  .dims = { 48, 48, 24 },
};

static char *
case_file (const char *dir,
           const char *folder,
           guint       index)
{
  g_autofree char *name = g_strdup_printf ("case_%04u.nii.gz", index);

  return g_build_filename (dir, folder, name, NULL);
}

static char *
prob_file (const char *dir,
           const char *model,
           guint       index)
{
  g_autofree char *folder = g_build_filename ("probs", model, NULL);

  return case_file (dir, folder, index);
}

/* Every file of a dataset, relative to its folder. */
static GPtrArray *
dataset_files (guint n_cases)
{
  GPtrArray *files = g_ptr_array_new_with_free_func (g_free);
  const char * const *models = cls_demo_get_models ();

  g_ptr_array_add (files, g_strdup ("README.txt"));
  g_ptr_array_add (files, g_strdup (".cls-demo"));
  for (guint c = 0; c < n_cases; c++)
    {
      g_ptr_array_add (files, case_file ("", "images", c));
      g_ptr_array_add (files, case_file ("", "labels", c));
      for (guint m = 0; models[m] != NULL; m++)
        g_ptr_array_add (files, prob_file ("", models[m], c));
    }
  return files;
}

static void
generate (const char           *dir,
          const ClsDemoOptions *options)
{
  g_autoptr(GError) error = NULL;
  gboolean ok = cls_demo_write (dir, options, NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_true (ok);
}

static GBytes *
read_bytes (const char *dir,
            const char *rel)
{
  g_autofree char *path = g_build_filename (dir, rel, NULL);
  g_autoptr(GError) error = NULL;
  char *data = NULL;
  gsize len = 0;

  g_file_get_contents (path, &data, &len, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (data, len);
}

/* Number of files that differ between two datasets. */
static guint
count_different (const char *a,
                 const char *b,
                 guint       n_cases)
{
  g_autoptr(GPtrArray) files = dataset_files (n_cases);
  guint different = 0;

  for (guint f = 0; f < files->len; f++)
    {
      g_autoptr(GBytes) x = read_bytes (a, g_ptr_array_index (files, f));
      g_autoptr(GBytes) y = read_bytes (b, g_ptr_array_index (files, f));

      if (!g_bytes_equal (x, y))
        different++;
    }
  return different;
}

static ClsVolume *
load (const char *path)
{
  g_autoptr(GError) error = NULL;
  ClsVolume *vol = cls_volume_read (path, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (vol);
  return vol;
}

static double *
load_doubles (const char *path,
              ClsVolume **out_volume)
{
  g_autoptr(ClsVolume) vol = load (path);
  guint64 n = cls_volume_get_n_voxels (vol);
  double *values = g_new (double, n);

  cls_volume_read_doubles (vol, 0, 0, n, values);
  if (out_volume != NULL)
    *out_volume = g_steal_pointer (&vol);
  return values;
}

/* ------------------------------------------------------------------------ */

static void
test_models (void)
{
  const char * const *models = cls_demo_get_models ();

  g_assert_nonnull (models);
  g_assert_cmpstr (models[0], ==, "underconfident");
  g_assert_cmpstr (models[1], ==, "sharp");
  g_assert_cmpstr (models[2], ==, "noisy");
  g_assert_null (models[3]);

  for (guint m = 0; models[m] != NULL; m++)
    g_assert_nonnull (cls_demo_get_model_description (models[m]));
  g_assert_null (cls_demo_get_model_description ("nonsense"));
}

static float
make_float (guint32 bits)
{
  float f;

  memcpy (&f, &bits, sizeof f);
  return f;
}

static void
test_float16 (void)
{
  const struct {
    float   value;
    guint16 half;
  } cases[] = {
    { 0.0f, 0x0000 },
    { -0.0f, 0x8000 },
    { 1.0f, 0x3c00 },
    { -2.0f, 0xc000 },
    { 0.5f, 0x3800 },
    { 65504.0f, 0x7bff },
    { 65519.0f, 0x7bff },             /* below the halfway point to 2^16 */
    { 65520.0f, 0x7c00 },             /* halfway, ties to even: infinity */
    { -1e10f, 0xfc00 },
    { 1.0f + 0x1p-11f, 0x3c00 },      /* tie, to even (down) */
    { 1.0f + 3 * 0x1p-11f, 0x3c02 },  /* tie, to even (up) */
    { 1.0f + 0x1p-11f + 0x1p-20f, 0x3c01 },
    { 1.0f + 0x1p-12f, 0x3c00 },
    { 0x1p-14f, 0x0400 },             /* smallest normal */
    { 0x1p-24f, 0x0001 },             /* smallest subnormal */
    { 0x1p-25f, 0x0000 },             /* tie with 0: to even */
    { 0x1.8p-25f, 0x0001 },
    { 3 * 0x1p-25f, 0x0002 },         /* 1.5 units: tie, to even */
    { 5 * 0x1p-25f, 0x0002 },         /* 2.5 units: tie, to even */
    { 0x1p-14f - 0x1p-25f, 0x0400 },  /* 1023.5 units: tie, up into the normals */
    { 1e-30f, 0x0000 },
    { -1e-30f, 0x8000 },
    { 3.14159265f, 0x4248 },
  };
  guint16 h;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      h = cls_demo_float_to_half (cases[i].value);
      if (h != cases[i].half)
        g_error ("float16 of %a: got 0x%04x, expected 0x%04x", cases[i].value, h, cases[i].half);
    }

  g_assert_cmphex (cls_demo_float_to_half (INFINITY), ==, 0x7c00);
  g_assert_cmphex (cls_demo_float_to_half (-INFINITY), ==, 0xfc00);
  h = cls_demo_float_to_half (NAN);
  g_assert_cmphex (h & 0x7c00, ==, 0x7c00);
  g_assert_cmphex (h & 0x03ff, !=, 0);

  /* Every float16 converts to float and back unchanged. */
  for (guint32 b = 0; b < 65536; b++)
    {
      float f = cls_demo_half_to_float ((guint16) b);

      if (isnan (f))
        continue;
      g_assert_cmphex (cls_demo_float_to_half (f), ==, b);
    }

  /* Random floats: the result is one of the two neighbours and the nearest. */
  {
    g_autoptr(GRand) rand = g_rand_new_with_seed ((guint32) cls_test_seed ());

    for (guint i = 0; i < 200000; i++)
      {
        /* Exponents from 2^-27 to 2^16, either sign. */
        guint32 bits = ((guint32) g_rand_int_range (rand, 100, 143) << 23)
                     | (g_rand_int (rand) & 0x007fffffu)
                     | (g_rand_boolean (rand) ? 0x80000000u : 0u);
        float f = make_float (bits);
        float r;
        double err, other_err;
        guint16 up, down;

        h = cls_demo_float_to_half (f);
        r = cls_demo_half_to_float (h);
        if (isinf (r))
          {
            g_assert_cmpfloat (fabsf (f), >=, 65520.0f);
            continue;
          }
        err = fabs ((double) r - (double) f);
        up = (guint16) (h + 1);
        down = (guint16) (h - 1);
        other_err = fabs ((double) cls_demo_half_to_float (up) - (double) f);
        if ((h & 0x7fff) != 0x7bff)
          g_assert_cmpfloat (err, <=, other_err);
        if ((h & 0x7fff) != 0)
          g_assert_cmpfloat (err, <=, fabs ((double) cls_demo_half_to_float (down) - (double) f));
#ifdef __FLT16_MAX__
        {
          _Float16 ref = (_Float16) f;
          guint16 ref_bits;

          memcpy (&ref_bits, &ref, sizeof ref_bits);
          g_assert_cmphex (h, ==, ref_bits);
        }
#endif
      }
  }
}

static void
test_deterministic (void)
{
  g_autofree char *root = cls_test_make_tmpdir ();
  g_autofree char *a = g_build_filename (root, "a", NULL);
  g_autofree char *b = g_build_filename (root, "b", NULL);
  g_autofree char *one = g_build_filename (root, "one-thread", NULL);
  g_autofree char *other = g_build_filename (root, "other-seed", NULL);
  ClsDemoOptions options = small_options;
  g_autoptr(GPtrArray) files = dataset_files (options.n_cases);

  options.n_threads = 3;
  generate (a, &options);
  generate (b, &options);
  g_assert_cmpuint (count_different (a, b, options.n_cases), ==, 0);

  options.n_threads = 1;
  generate (one, &options);
  g_assert_cmpuint (count_different (a, one, options.n_cases), ==, 0);

  /* Another seed changes every case (README and marker say the seed too). */
  options.seed = 8;
  generate (other, &options);
  g_assert_cmpuint (count_different (a, other, options.n_cases), ==, files->len);

  cls_test_rm_rf (root);
}

static void
test_prefix_stable (void)
{
  g_autofree char *root = cls_test_make_tmpdir ();
  g_autofree char *a = g_build_filename (root, "a", NULL);
  g_autofree char *b = g_build_filename (root, "b", NULL);
  ClsDemoOptions options = small_options;
  const char * const *models = cls_demo_get_models ();

  options.n_cases = 2;
  generate (a, &options);
  options.n_cases = 3;
  generate (b, &options);

  /* case_0001 does not depend on how many cases there are. */
  for (guint m = 0; models[m] != NULL; m++)
    {
      g_autofree char *rel = prob_file ("", models[m], 1);
      g_autoptr(GBytes) x = read_bytes (a, rel);
      g_autoptr(GBytes) y = read_bytes (b, rel);

      g_assert_true (g_bytes_equal (x, y));
    }

  cls_test_rm_rf (root);
}

static gboolean
contains (const char *haystack,
          const char *needle)
{
  return strstr (haystack, needle) != NULL;
}

static void
test_layout (void)
{
  g_autofree char *root = cls_test_make_tmpdir ();
  g_autofree char *dir = g_build_filename (root, "demo", NULL);
  g_autofree char *readme_path = g_build_filename (dir, "README.txt", NULL);
  g_autofree char *readme = NULL;
  g_autoptr(GPtrArray) files = NULL;
  const ClsDemoOptions *options = &small_options;
  const char * const *models = cls_demo_get_models ();
  guint64 ties = 0, lesion_total = 0;

  generate (dir, options);
  g_assert_true (cls_demo_is_complete (dir, options));

  files = dataset_files (options->n_cases);
  for (guint f = 0; f < files->len; f++)
    {
      g_autofree char *path = g_build_filename (dir, g_ptr_array_index (files, f), NULL);

      g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
    }

  /* Nothing more than the layout promises. */
  {
    g_autofree char *extra = case_file (dir, "images", options->n_cases);
    guint n_model_dirs = 0;
    g_autofree char *probs = g_build_filename (dir, "probs", NULL);
    g_autoptr(GDir) d = g_dir_open (probs, 0, NULL);

    g_assert_false (g_file_test (extra, G_FILE_TEST_EXISTS));
    while (g_dir_read_name (d) != NULL)
      n_model_dirs++;
    g_assert_cmpuint (n_model_dirs, ==, g_strv_length ((char **) models));
  }

  g_assert_true (g_file_get_contents (readme_path, &readme, NULL, NULL));
  g_assert_true (contains (readme, "SYNTHETIC"));
  g_assert_true (contains (readme, "Seed:       7\n"));
  for (guint m = 0; models[m] != NULL; m++)
    g_assert_true (contains (readme, models[m]));

  for (guint c = 0; c < options->n_cases; c++)
    {
      g_autofree char *image_path = case_file (dir, "images", c);
      g_autofree char *label_path = case_file (dir, "labels", c);
      g_autoptr(ClsVolume) image = NULL;
      g_autoptr(ClsVolume) label = NULL;
      g_autofree double *hu = load_doubles (image_path, &image);
      g_autofree double *lab = load_doubles (label_path, &label);
      guint64 n = cls_volume_get_n_voxels (image);
      gint64 dims[3];
      double affine[4][4];
      char axcodes[4];
      double hu_min = G_MAXDOUBLE, hu_max = -G_MAXDOUBLE;

      cls_volume_get_dims (image, dims);
      for (int a = 0; a < 3; a++)
        g_assert_cmpint (dims[a], ==, options->dims[a]);
      g_assert_cmpint (cls_volume_get_datatype (image), ==, CLS_DATATYPE_INT16);
      g_assert_cmpint (cls_volume_get_datatype (label), ==, CLS_DATATYPE_UINT8);
      g_assert_true (cls_volume_same_grid (image, label, 1e-4));

      /* LPS storage with a non-zero origin; the phantom keeps its size. */
      cls_volume_get_orientation (image, axcodes);
      g_assert_cmpstr (axcodes, ==, "LPS");
      cls_volume_get_affine (image, affine);
      g_assert_cmpfloat_with_epsilon (affine[0][0], -0.8 * 96 / 48, 1e-5);
      g_assert_cmpfloat_with_epsilon (affine[1][1], -0.8 * 96 / 48, 1e-5);
      g_assert_cmpfloat_with_epsilon (affine[2][2], 2.5 * 48 / 24, 1e-5);
      g_assert_cmpfloat (fabs (affine[2][3]), >, 1.0);

      for (guint64 v = 0; v < n; v++)
        {
          hu_min = MIN (hu_min, hu[v]);
          hu_max = MAX (hu_max, hu[v]);
          g_assert_true (lab[v] == 0.0 || lab[v] == 1.0);
        }
      g_assert_cmpfloat (hu_min, >=, -1024.0);
      g_assert_cmpfloat (hu_max, <=, 3071.0);
      g_assert_cmpfloat (hu_min, <, -900.0);   /* air */
      g_assert_cmpfloat (hu_max, >, 100.0);    /* bone */

      for (guint m = 0; models[m] != NULL; m++)
        {
          g_autofree char *path = prob_file (dir, models[m], c);
          g_autoptr(ClsVolume) prob = NULL;
          g_autofree double *p = load_doubles (path, &prob);
          g_autoptr(GHashTable) seen = g_hash_table_new (g_double_hash, g_double_equal);
          g_autofree double *lesion_p = g_new (double, n);
          guint64 n_lesion = 0, n_zero = 0;

          g_assert_cmpint (cls_volume_get_datatype (prob), ==, CLS_DATATYPE_FLOAT32);
          g_assert_true (cls_volume_same_grid (image, prob, 1e-4));

          for (guint64 v = 0; v < n; v++)
            {
              g_assert_false (isnan (p[v]));
              g_assert_cmpfloat (p[v], >=, 0.0);
              g_assert_cmpfloat (p[v], <=, 1.0);
              if (p[v] == 0.0)
                n_zero++;
              /* Inside the body (clearly not air) every model says something. */
              if (hu[v] > -200.0)
                g_assert_cmpfloat (p[v], >, 0.0);
              if (lab[v] == 1.0)
                lesion_p[n_lesion++] = p[v];
            }
          g_assert_cmpuint (n_zero, >, 0);         /* air is exactly 0 */
          g_assert_cmpfloat (p[0], ==, 0.0);       /* a corner is air */
          g_assert_cmpfloat (p[n - 1], ==, 0.0);

          for (guint64 v = 0; v < n_lesion; v++)
            g_hash_table_add (seen, &lesion_p[v]);
          if (n_lesion >= 20)
            g_assert_cmpuint (g_hash_table_size (seen), >, 1);   /* a spread */
          ties += n_lesion - g_hash_table_size (seen);
          lesion_total += n_lesion;
        }
    }

  g_assert_cmpuint (lesion_total, >, 0);
  g_assert_cmpuint (ties, >, 0);

  cls_test_rm_rf (root);
}

/* 6-connected components of a label; returns their sizes and, through
 * @component, the component index of each voxel (-1 outside). */
static GArray *
components (const double *label,
            const gint64  dims[3],
            gint32       *component)
{
  GArray *sizes = g_array_new (FALSE, FALSE, sizeof (guint64));
  gint64 n = dims[0] * dims[1] * dims[2];
  g_autofree gint64 *stack = g_new (gint64, n);

  for (gint64 v = 0; v < n; v++)
    component[v] = -1;

  for (gint64 v = 0; v < n; v++)
    {
      gint64 top = 0;
      guint64 size = 0;
      gint32 id;

      if (label[v] != 1.0 || component[v] >= 0)
        continue;

      id = (gint32) sizes->len;
      component[v] = id;
      stack[top++] = v;
      while (top > 0)
        {
          gint64 u = stack[--top];
          gint64 x = u % dims[0], y = (u / dims[0]) % dims[1], z = u / (dims[0] * dims[1]);
          gint64 nb[6][3] = {
            { x - 1, y, z }, { x + 1, y, z }, { x, y - 1, z },
            { x, y + 1, z }, { x, y, z - 1 }, { x, y, z + 1 },
          };

          size++;
          for (int q = 0; q < 6; q++)
            {
              gint64 w;

              if (nb[q][0] < 0 || nb[q][0] >= dims[0] || nb[q][1] < 0 || nb[q][1] >= dims[1] ||
                  nb[q][2] < 0 || nb[q][2] >= dims[2])
                continue;
              w = nb[q][0] + dims[0] * (nb[q][1] + dims[1] * nb[q][2]);
              if (label[w] == 1.0 && component[w] < 0)
                {
                  component[w] = id;
                  stack[top++] = w;
                }
            }
        }
      g_array_append_val (sizes, size);
    }

  return sizes;
}

static void
test_default_set (void)
{
  g_autofree char *root = cls_test_make_tmpdir ();
  g_autofree char *dir = g_build_filename (root, "demo", NULL);
  const char * const *models = cls_demo_get_models ();
  guint n_models = g_strv_length ((char **) models);
  g_autoptr(GTimer) timer = g_timer_new ();
  double fnr_sum[3] = { 0, }, fp_sum[3] = { 0, };
  guint n_nonempty = 0, n_empty = 0, sharp_missed_small = 0, n_components = 0;
  guint64 smallest = G_MAXUINT64, largest = 0;
  double sum_i = 0.0, n_lesion_voxels = 0.0;

  g_assert_cmpuint (n_models, ==, 3);

  generate (dir, NULL);
  g_test_message ("default set (%d cases, %d x %d x %d) generated in %.2f s on %d processors",
                  CLS_DEMO_DEFAULT_CASES, CLS_DEMO_DEFAULT_DIM_X, CLS_DEMO_DEFAULT_DIM_Y,
                  CLS_DEMO_DEFAULT_DIM_Z, g_timer_elapsed (timer, NULL), g_get_num_processors ());

  for (guint c = 0; c < CLS_DEMO_DEFAULT_CASES; c++)
    {
      g_autofree char *label_path = case_file (dir, "labels", c);
      g_autoptr(ClsVolume) label = NULL;
      g_autofree double *lab = load_doubles (label_path, &label);
      guint64 n = cls_volume_get_n_voxels (label);
      g_autofree gint32 *component = g_new (gint32, n);
      g_autoptr(GArray) sizes = NULL;
      gint64 dims[3];
      guint64 g = 0;

      cls_volume_get_dims (label, dims);
      sizes = components (lab, dims, component);
      for (guint64 v = 0; v < n; v++)
        if (lab[v] == 1.0)
          {
            g++;
            sum_i += (double) (v % (guint64) dims[0]);
          }
      n_lesion_voxels += (double) g;

      for (guint s = 0; s < sizes->len; s++)
        {
          guint64 size = g_array_index (sizes, guint64, s);

          smallest = MIN (smallest, size);
          largest = MAX (largest, size);
        }
      n_components += sizes->len;

      if (g == 0)
        n_empty++;
      else
        n_nonempty++;

      for (guint m = 0; m < n_models; m++)
        {
          g_autofree char *path = prob_file (dir, models[m], c);
          g_autofree double *p = load_doubles (path, NULL);
          guint64 missed = 0, fp = 0;
          g_autofree guint64 *hit = g_new0 (guint64, MAX (sizes->len, 1));

          for (guint64 v = 0; v < n; v++)
            {
              if (lab[v] == 1.0)
                {
                  if (p[v] < 0.5)
                    missed++;
                  else
                    hit[component[v]]++;
                }
              else if (p[v] >= 0.5)
                fp++;
            }
          if (g > 0)
            fnr_sum[m] += (double) missed / (double) g;
          if (g_test_verbose ())
            g_test_message ("case_%04u %-15s lesion voxels %6" G_GUINT64_FORMAT " in %u, FNR %.3f, FP %" G_GUINT64_FORMAT,
                            c, models[m], g, sizes->len, g > 0 ? (double) missed / (double) g : 0.0, fp);
          fp_sum[m] += (double) fp;

          if (strcmp (models[m], "sharp") == 0)
            for (guint s = 0; s < sizes->len; s++)
              if (hit[s] == 0 && g_array_index (sizes, guint64, s) < 50)
                sharp_missed_small++;
        }
    }

  for (guint m = 0; m < n_models; m++)
    g_test_message ("%-15s mean FNR at 0.5 = %.3f, false-positive voxels per case = %.1f",
                    models[m], fnr_sum[m] / n_nonempty, fp_sum[m] / CLS_DEMO_DEFAULT_CASES);
  g_test_message ("%u empty cases; %u lesions (components) of %" G_GUINT64_FORMAT
                  " to %" G_GUINT64_FORMAT " voxels; sharp missed %u small lesions entirely",
                  n_empty, n_components, smallest, largest, sharp_missed_small);

  /* underconfident, sharp, noisy */
  g_assert_cmpfloat (fnr_sum[0] / n_nonempty, >=, 0.35);
  g_assert_cmpfloat (fnr_sum[0] / n_nonempty, <=, 0.65);
  g_assert_cmpfloat (fnr_sum[1] / n_nonempty, <, 0.2);
  g_assert_cmpfloat (fnr_sum[2] / n_nonempty, >, fnr_sum[1] / n_nonempty);
  g_assert_cmpfloat (fp_sum[2], >, fp_sum[1]);
  g_assert_cmpuint (sharp_missed_small, >, 0);

  g_assert_cmpuint (n_empty, >, 0);
  g_assert_cmpuint (n_empty, <=, CLS_DEMO_DEFAULT_CASES / 10);
  g_assert_cmpuint (smallest, <, 50);
  g_assert_cmpuint (largest, >, 1000);

  /* The organ, and so every lesion, is on the patient's right: low i in LPS. */
  g_assert_cmpfloat (sum_i / n_lesion_voxels, <, 0.5 * (CLS_DEMO_DEFAULT_DIM_X - 1));

  cls_test_rm_rf (root);
}

typedef struct {
  guint64       last_done;
  guint64       total;
  guint         calls;
  gint          inside;
  GCancellable *cancel_after_first;
} ProgressLog;

static void
log_progress (guint64     done,
              guint64     total,
              const char *message,
              gpointer    user_data)
{
  ProgressLog *log = user_data;

  /* Never two at once. */
  g_assert_cmpint (g_atomic_int_add (&log->inside, 1), ==, 0);
  g_assert_cmpuint (done, >=, log->last_done);
  g_assert_cmpuint (done, <=, total);
  log->last_done = done;
  log->total = total;
  log->calls++;
  if (log->cancel_after_first != NULL && done >= 1)
    g_cancellable_cancel (log->cancel_after_first);
  g_atomic_int_add (&log->inside, -1);
}

static void
test_progress (void)
{
  g_autofree char *root = cls_test_make_tmpdir ();
  g_autofree char *dir = g_build_filename (root, "demo", NULL);
  g_autoptr(GError) error = NULL;
  ClsDemoOptions options = small_options;
  ProgressLog log = { 0, };

  options.n_cases = 6;
  options.n_threads = 3;
  g_assert_true (cls_demo_write (dir, &options, log_progress, &log, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (log.last_done, ==, 6);
  g_assert_cmpuint (log.total, ==, 6);
  g_assert_cmpuint (log.calls, >=, 6);

  cls_test_rm_rf (root);
}

static gboolean
same_inode (const char *path,
            ino_t       ino)
{
  GStatBuf st;

  return g_stat (path, &st) == 0 && st.st_ino == ino;
}

static ino_t
inode_of (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return st.st_ino;
}

static void
test_lazy (void)
{
  g_autofree char *root = cls_test_make_tmpdir ();
  g_autofree char *dir = g_build_filename (root, "demo", NULL);
  g_autofree char *image = case_file (dir, "images", 0);
  g_autofree char *readme = g_build_filename (dir, "README.txt", NULL);
  g_autofree char *copy = g_build_filename (root, "copy", NULL);
  g_autoptr(GError) error = NULL;
  ClsDemoOptions options = small_options;
  ProgressLog log = { 0, };
  g_autoptr(GBytes) image_bytes = NULL;
  ino_t image_ino, readme_ino;

  options.n_cases = 2;
  generate (dir, &options);
  image_ino = inode_of (image);
  readme_ino = inode_of (readme);
  image_bytes = read_bytes (dir, "images/case_0000.nii.gz");

  /* Same options: nothing is rewritten (an atomic rewrite changes inodes). */
  g_assert_true (cls_demo_write (dir, &options, log_progress, &log, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (same_inode (image, image_ino));
  g_assert_true (same_inode (readme, readme_ino));
  g_assert_cmpuint (log.last_done, ==, 2);

  /* The thread count is not an option of the data. */
  options.n_threads = 1;
  g_assert_true (cls_demo_is_complete (dir, &options));

  /* Other options: the demo folder is regenerated in place. */
  options.seed = 99;
  g_assert_false (cls_demo_is_complete (dir, &options));
  generate (dir, &options);
  g_assert_true (cls_demo_is_complete (dir, &options));
  {
    g_autoptr(GBytes) now = read_bytes (dir, "images/case_0000.nii.gz");

    g_assert_false (g_bytes_equal (now, image_bytes));
  }
  generate (copy, &options);
  g_assert_cmpuint (count_different (dir, copy, options.n_cases), ==, 0);

  /* Fewer cases: the extra case files of the old set go. */
  options.n_cases = 1;
  generate (dir, &options);
  g_assert_true (g_file_test (image, G_FILE_TEST_EXISTS));
  {
    g_autofree char *gone = case_file (dir, "labels", 1);

    g_assert_false (g_file_test (gone, G_FILE_TEST_EXISTS));
  }

  cls_test_rm_rf (root);
}

static void
set_marker_state (const char *dir,
                  const char *from,
                  const char *to)
{
  g_autofree char *marker = g_build_filename (dir, ".cls-demo", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GString) s = NULL;
  g_autoptr(GError) error = NULL;

  g_file_get_contents (marker, &text, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (contains (text, from));
  s = g_string_new (text);
  g_string_replace (s, from, to, 1);
  g_file_set_contents (marker, s->str, -1, &error);
  g_assert_no_error (error);
}

static void
test_partial (void)
{
  g_autofree char *root = cls_test_make_tmpdir ();
  g_autofree char *dir = g_build_filename (root, "demo", NULL);
  g_autofree char *fresh = g_build_filename (root, "fresh", NULL);
  g_autofree char *label = case_file (dir, "labels", 1);
  g_autofree char *temp = g_build_filename (dir, "images", ".case_0001.nii.gz.AbC123", NULL);
  g_autofree char *readme = g_build_filename (dir, "README.txt", NULL);
  ClsDemoOptions options = small_options;

  options.n_cases = 3;
  generate (dir, &options);

  /* A run that died: marker in progress, a case missing, a temporary file. */
  set_marker_state (dir, "state=complete", "state=in-progress");
  g_assert_false (cls_demo_is_complete (dir, &options));
  g_assert_cmpint (g_unlink (label), ==, 0);
  g_assert_cmpint (g_unlink (readme), ==, 0);
  g_assert_true (g_file_set_contents (temp, "partial", -1, NULL));

  generate (dir, &options);
  g_assert_true (cls_demo_is_complete (dir, &options));
  g_assert_false (g_file_test (temp, G_FILE_TEST_EXISTS));
  generate (fresh, &options);
  g_assert_cmpuint (count_different (dir, fresh, options.n_cases), ==, 0);

  /* A complete marker but a file gone (deleted by hand): regenerated too. */
  g_assert_cmpint (g_unlink (label), ==, 0);
  g_assert_false (cls_demo_is_complete (dir, &options));
  generate (dir, &options);
  g_assert_true (g_file_test (label, G_FILE_TEST_IS_REGULAR));

  cls_test_rm_rf (root);
}

static void
test_foreign (void)
{
  g_autofree char *root = cls_test_make_tmpdir ();
  g_autofree char *dir = g_build_filename (root, "mine", NULL);
  g_autofree char *notes = g_build_filename (dir, "notes.txt", NULL);
  g_autofree char *demo = g_build_filename (root, "demo", NULL);
  g_autofree char *own = g_build_filename (demo, "images", "my-scan.nii.gz", NULL);
  g_autofree char *image = case_file (demo, "images", 0);
  g_autofree char *file = g_build_filename (root, "a-file", NULL);
  g_autofree char *empty = g_build_filename (root, "empty", NULL);
  g_autoptr(GError) error = NULL;
  ClsDemoOptions options = small_options;

  options.n_cases = 1;

  /* A user's folder. */
  g_assert_cmpint (g_mkdir (dir, 0755), ==, 0);
  g_assert_true (g_file_set_contents (notes, "mine", -1, NULL));
  g_assert_false (cls_demo_write (dir, &options, NULL, NULL, NULL, &error));
  g_assert_error (error, CLS_ERROR, CLS_ERROR_DATASET);
  g_assert_true (contains (error->message, dir));
  g_clear_error (&error);
  g_assert_true (g_file_test (notes, G_FILE_TEST_IS_REGULAR));

  /* A demo folder with a user's file in it is not cleaned, whatever the marker says. */
  generate (demo, &options);
  g_assert_true (g_file_set_contents (own, "mine", -1, NULL));
  options.seed = 1234;
  g_assert_false (cls_demo_write (demo, &options, NULL, NULL, NULL, &error));
  g_assert_error (error, CLS_ERROR, CLS_ERROR_DATASET);
  g_assert_true (contains (error->message, "my-scan.nii.gz"));
  g_clear_error (&error);
  g_assert_true (g_file_test (own, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_test (image, G_FILE_TEST_IS_REGULAR));
  set_marker_state (demo, "state=complete", "state=in-progress");
  g_assert_false (cls_demo_write (demo, &options, NULL, NULL, NULL, &error));
  g_assert_error (error, CLS_ERROR, CLS_ERROR_DATASET);
  g_clear_error (&error);
  g_assert_true (g_file_test (own, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_test (image, G_FILE_TEST_IS_REGULAR));

  /* Not a folder at all. */
  g_assert_true (g_file_set_contents (file, "x", -1, NULL));
  g_assert_false (cls_demo_write (file, &options, NULL, NULL, NULL, &error));
  g_assert_error (error, CLS_ERROR, CLS_ERROR_IO);
  g_clear_error (&error);

  /* An existing empty folder is fine. */
  g_assert_cmpint (g_mkdir (empty, 0755), ==, 0);
  generate (empty, &options);

  cls_test_rm_rf (root);
}

static void
test_cancel (void)
{
  g_autofree char *root = cls_test_make_tmpdir ();
  g_autofree char *dir = g_build_filename (root, "demo", NULL);
  g_autofree char *marker = g_build_filename (dir, ".cls-demo", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  ClsDemoOptions options = small_options;
  ProgressLog log = { 0, };

  options.n_cases = 8;
  options.n_threads = 2;
  log.cancel_after_first = cancellable;
  g_assert_false (cls_demo_write (dir, &options, log_progress, &log, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_cmpuint (log.last_done, <, 8);
  g_assert_false (cls_demo_is_complete (dir, &options));
  g_assert_true (g_file_get_contents (marker, &text, NULL, NULL));
  g_assert_true (contains (text, "state=in-progress"));

  /* Already cancelled: nothing happens. */
  g_assert_false (cls_demo_write (dir, &options, NULL, NULL, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  /* The next run cleans and finishes. */
  generate (dir, &options);
  g_assert_true (cls_demo_is_complete (dir, &options));

  cls_test_rm_rf (root);
}

static void
test_invalid (void)
{
  g_autofree char *root = cls_test_make_tmpdir ();
  g_autofree char *dir = g_build_filename (root, "demo", NULL);
  g_autoptr(GError) error = NULL;
  ClsDemoOptions options = small_options;

  options.n_cases = CLS_DEMO_MAX_CASES + 1;
  g_assert_false (cls_demo_write (dir, &options, NULL, NULL, NULL, &error));
  g_assert_error (error, CLS_ERROR, CLS_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  options = small_options;
  options.dims[1] = 4;
  g_assert_false (cls_demo_write (dir, &options, NULL, NULL, NULL, &error));
  g_assert_error (error, CLS_ERROR, CLS_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  g_assert_false (g_file_test (dir, G_FILE_TEST_EXISTS));
  cls_test_rm_rf (root);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/demo/models", test_models);
  g_test_add_func ("/demo/float16", test_float16);
  g_test_add_func ("/demo/deterministic", test_deterministic);
  g_test_add_func ("/demo/prefix-stable", test_prefix_stable);
  g_test_add_func ("/demo/layout", test_layout);
  g_test_add_func ("/demo/default-set", test_default_set);
  g_test_add_func ("/demo/progress", test_progress);
  g_test_add_func ("/demo/lazy", test_lazy);
  g_test_add_func ("/demo/partial", test_partial);
  g_test_add_func ("/demo/foreign", test_foreign);
  g_test_add_func ("/demo/cancel", test_cancel);
  g_test_add_func ("/demo/invalid", test_invalid);

  return g_test_run ();
}
