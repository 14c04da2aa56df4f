/* cls-bench-data.c: synthetic summaries and datasets for the benchmarks
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The summaries look like real CT cases of 512 x 512 x 300 voxels: lesion
 * sizes log-uniform between 10 and 20,000 voxels (one case in twenty has no
 * lesion), probabilities from a float16 logit through a float32 sigmoid (as
 * mixed-precision inference makes them), a few thousand distinct values per
 * map, most voxels exactly 0.
 */
#include "config.h"

#include <inttypes.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>

#include "cls-bench-data.h"
#include "cls-demo.h"

int
cls_bench_compare_double (const void *a,
                          const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

/* Every probability a float32 sigmoid of a finite float16 logit can give,
 * ascending and distinct, without 0. */
static GArray *
float16_probabilities (void)
{
  GArray *table = g_array_new (FALSE, FALSE, sizeof (double));
  guint out = 0;

  for (guint h = 0; h < 0x10000; h++)
    {
      float x = cls_demo_half_to_float ((guint16) h);
      float p;

      if (!isfinite (x))
        continue;
      p = 1.0f / (1.0f + expf (-x));
      if (p > 0.0f && p <= 1.0f)
        {
          double d = p;
          g_array_append_val (table, d);
        }
    }

  qsort (table->data, table->len, sizeof (double), cls_bench_compare_double);
  for (guint i = 0; i < table->len; i++)
    if (out == 0 || g_array_index (table, double, i) != g_array_index (table, double, out - 1))
      g_array_index (table, double, out++) = g_array_index (table, double, i);
  g_array_set_size (table, out);

  return table;
}

static ClsCaseSummary *
synthetic_case (GRand        *rand,
                guint         index,
                const double *table,
                guint         n_table)
{
  const guint64 n_voxels = (guint64) CLS_BENCH_CT_DIM_X * CLS_BENCH_CT_DIM_Y * CLS_BENCH_CT_DIM_Z;
  g_autofree char *id = g_strdup_printf ("case_%06u", index);
  g_autofree guint *pick = NULL;
  g_autofree double *values = NULL;
  g_autofree guint64 *counts = NULL;
  g_autofree double *lesion = NULL;
  guint nd = (guint) g_rand_int_range (rand, 2000, 5001);
  guint64 g = 0, used = 0;
  double spread = g_rand_double_range (rand, 0.02, 0.4);
  guint n = 0;

  if (g_rand_int_range (rand, 0, 20) != 0)
    g = (guint64) llround (exp (g_rand_double_range (rand, log (10.0), log (20000.0))));

  /* The map's distinct values: a random subset of the float16 grid. */
  pick = g_new (guint, nd);
  for (guint i = 0; i < nd; i++)
    pick[i] = (guint) g_rand_int_range (rand, 0, (gint32) n_table);
  values = g_new (double, nd + 1);
  counts = g_new0 (guint64, nd + 1);
  values[n++] = 0.0;
  {
    g_autofree double *sorted = g_new (double, nd);

    for (guint i = 0; i < nd; i++)
      sorted[i] = table[pick[i]];
    qsort (sorted, nd, sizeof (double), cls_bench_compare_double);
    for (guint i = 0; i < nd; i++)
      if (sorted[i] != values[n - 1])
        values[n++] = sorted[i];
  }

  /* Lesion voxels take the case's larger values, more or less spread. */
  lesion = g_new (double, MAX (g, 1));
  for (guint64 v = 0; v < g; v++)
    {
      double z = fabs (sqrt (-2.0 * log (g_rand_double_range (rand, 1e-12, 1.0))) *
                       cos (2 * G_PI * g_rand_double (rand)));
      guint64 back = (guint64) MIN ((double) (n - 2), floor (z * spread * (n - 1)));
      guint k = (guint) (n - 1 - back);

      lesion[v] = values[k];
      counts[k]++;
    }

  for (guint k = 1; k < n; k++)
    {
      counts[k] += (guint64) g_rand_int_range (rand, 1, 400);
      used += counts[k];
    }
  counts[0] = n_voxels - used;

  return cls_case_summary_new (id, "synthetic", n_voxels, lesion, g,
                               cls_count_index_new_from_runs (values, counts, n));
}

typedef struct {
  const double    *table;
  guint            n_table;
  guint64          seed;
  guint            n_cases;
  gint             next;
  ClsCaseSummary **out;
} SyntheticJob;

static gpointer
synthetic_worker (gpointer data)
{
  SyntheticJob *job = data;
  gint i;

  while ((i = g_atomic_int_add (&job->next, 1)) < (gint) job->n_cases)
    {
      /* Case i draws from its own generator: the same case whatever the
       * number of threads or cases. */
      GRand *rand = g_rand_new_with_seed ((guint32) (job->seed * 1000003u + (guint) i));

      job->out[i] = synthetic_case (rand, (guint) i, job->table, job->n_table);
      g_rand_free (rand);
    }
  return NULL;
}

/**
 * cls_bench_synthetic_summaries:
 * @n_cases: how many
 * @seed: the generator seed; the same seed gives the same cases
 *
 * Returns: (transfer full) (element-type ClsCaseSummary): the cases
 */
GPtrArray *
cls_bench_synthetic_summaries (guint   n_cases,
                               guint64 seed)
{
  g_autoptr(GArray) table = float16_probabilities ();
  g_autoptr(GPtrArray) threads = g_ptr_array_new ();
  GPtrArray *cases = g_ptr_array_new_full (n_cases, (GDestroyNotify) cls_case_summary_unref);
  SyntheticJob job = { (const double *) (gpointer) table->data, table->len, seed, n_cases, 0, NULL };

  g_ptr_array_set_size (cases, (gint) n_cases);
  job.out = (ClsCaseSummary **) cases->pdata;

  for (guint t = 1; t < g_get_num_processors (); t++)
    g_ptr_array_add (threads, g_thread_new ("bench-synthetic", synthetic_worker, &job));
  synthetic_worker (&job);
  for (guint t = 0; t < threads->len; t++)
    g_thread_join (threads->pdata[t]);

  return cases;
}

/**
 * cls_bench_ensure_demo:
 * @cache_dir: where generated datasets are kept between runs
 * @n_cases: how many cases
 * @dims: the volume size
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the folder of a demo dataset with
 *   these cases and dims, written now unless it is already there
 */
char *
cls_bench_ensure_demo (const char   *cache_dir,
                       guint         n_cases,
                       const gint64  dims[3],
                       GError      **error)
{
  ClsDemoOptions options = { 0 };
  g_autofree char *name = g_strdup_printf ("demo-%" PRId64 "x%" PRId64 "x%"
                                           PRId64 "-%u", dims[0], dims[1], dims[2], n_cases);
  g_autofree char *dir = g_build_filename (cache_dir, name, NULL);

  options.n_cases = n_cases;
  memcpy (options.dims, dims, sizeof options.dims);

  if (cls_demo_is_complete (dir, &options))
    return g_steal_pointer (&dir);

  g_mkdir_with_parents (cache_dir, 0755);
  g_printerr ("Writing the demo dataset %s (once; it is kept for later runs)…\n", dir);
  if (!cls_demo_write (dir, &options, NULL, NULL, NULL, error))
    return NULL;

  return g_steal_pointer (&dir);
}

/**
 * cls_bench_write_manifest:
 * @dataset: a demo dataset folder
 * @model: the model
 * @n_cases: how many of its cases
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): a CSV manifest of the first @n_cases
 *   cases of @model, written inside @dataset as a hidden file
 */
char *
cls_bench_write_manifest (const char  *dataset,
                          const char  *model,
                          guint        n_cases,
                          GError     **error)
{
  g_autofree char *name = g_strdup_printf (".cls-bench-%s-%u.csv", model, n_cases);
  g_autofree char *path = g_build_filename (dataset, name, NULL);
  g_autofree char *labels = g_build_filename (dataset, "labels", NULL);
  g_autoptr(GString) csv = g_string_new ("case,label,model,prob\n");
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDir) dir = g_dir_open (labels, 0, error);
  const char *entry;

  if (dir == NULL)
    return NULL;
  while ((entry = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (entry, ".nii.gz"))
      g_ptr_array_add (ids, g_strndup (entry, strlen (entry) - strlen (".nii.gz")));
  g_ptr_array_sort (ids, compare_names);

  for (guint i = 0; i < MIN (n_cases, ids->len); i++)
    {
      const char *id = ids->pdata[i];
      g_string_append_printf (csv, "%s,labels/%s.nii.gz,%s,probs/%s/%s.nii.gz\n",
                              id, id, model, model, id);
    }

  if (!g_file_set_contents (path, csv->str, (gssize) csv->len, error))
    return NULL;
  return g_steal_pointer (&path);
}
