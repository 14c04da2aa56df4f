/* test-count-index.c: "how many voxels have p >= c" against counting
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>

#include "cls-count-index.h"
#include "cls-test-util.h"

static guint64
brute (const double *v, gsize n, double cut)
{
  guint64 k = 0;
  for (gsize i = 0; i < n; i++)
    k += v[i] >= cut;
  return k;
}

static void
check (const double *v, gsize n, GRand *rand)
{
  g_autoptr(ClsCountIndexBuilder) b = cls_count_index_builder_new ();
  g_autoptr(ClsCountIndex) index = NULL;
  guint64 total = 0;

  /* in uneven chunks, as the volume reader feeds it */
  for (gsize first = 0; first < n;)
    {
      gsize r = g_rand_int_range (rand, 1, 50);
      gsize m = MIN (n - first, r);
      cls_count_index_builder_add (b, v + first, m);
      first += m;
    }
  index = cls_count_index_builder_finish (b);

  g_assert_cmpuint (cls_count_index_get_total (index), ==, n);
  for (gsize i = 0; i < cls_count_index_get_n_distinct (index); i++)
    {
      total += cls_count_index_get_count (index, i);
      if (i > 0)
        g_assert_cmpfloat (cls_count_index_get_value (index, i - 1), <, cls_count_index_get_value (index, i));
    }
  g_assert_cmpuint (total, ==, n);

  /* at every stored value, just above and below it, and at the ends */
  for (gsize i = 0; i < n; i++)
    {
      double c = v[i];
      g_assert_cmpuint (cls_count_index_count_at_least (index, NULL, c), ==, brute (v, n, c));
      g_assert_cmpuint (cls_count_index_count_at_least (index, NULL, nextafter (c, 2)), ==,
                        brute (v, n, nextafter (c, 2)));
      g_assert_cmpuint (cls_count_index_count_at_least (index, NULL, nextafter (c, -1)), ==,
                        brute (v, n, nextafter (c, -1)));
    }
  g_assert_cmpuint (cls_count_index_count_at_least (index, NULL, 0.0), ==, n);
  g_assert_cmpuint (cls_count_index_count_at_least (index, NULL, 1.5), ==, 0);
  g_assert_cmpuint (cls_count_index_count_at_least (index, NULL, 0.5), ==, brute (v, n, 0.5));
}

static void
test_float32_with_ties (void)
{
  GRand *rand = g_rand_new_with_seed (cls_test_seed ());

  for (int trial = 0; trial < 50; trial++)
    {
      gsize n = g_rand_int_range (rand, 1, 3000);
      g_autofree double *v = g_new (double, n);

      for (gsize i = 0; i < n; i++)
        {
          switch (g_rand_int_range (rand, 0, 4))
            {
            case 0: v[i] = 0.0; break;
            case 1: v[i] = (float) (g_rand_int_range (rand, 0, 11) / 10.0); break;  /* 0.3f and friends */
            default: v[i] = (float) g_rand_double (rand); break;
            }
        }
      check (v, n, rand);
    }

  g_rand_free (rand);
}

/* Values that are not float32 switch the builder to 8-byte keys. */
static void
test_doubles (void)
{
  GRand *rand = g_rand_new_with_seed (cls_test_seed () + 1);

  for (int trial = 0; trial < 30; trial++)
    {
      gsize n = g_rand_int_range (rand, 1, 2000);
      g_autofree double *v = g_new (double, n);

      for (gsize i = 0; i < n; i++)
        v[i] = i % 3 == 0 ? (float) g_rand_double (rand)
             : i % 3 == 1 ? g_rand_double (rand)
             : 0.0;
      check (v, n, rand);
    }

  g_rand_free (rand);
}

static void
test_tiny_and_denormal (void)
{
  GRand *rand = g_rand_new_with_seed (cls_test_seed () + 2);
  double v[] = { 1e-45, 1.4e-45, 1e-300, 5e-324, 1e-38, 1.0, 1.0, 0.0, -0.0, 0.5, 0.49999997 };

  check (v, G_N_ELEMENTS (v), rand);
  g_rand_free (rand);
}

static void
test_from_runs_and_map (void)
{
  double values[] = { 0.0, 0.25, 0.5, 1.0 };
  guint64 counts[] = { 10, 3, 2, 1 };
  g_autoptr(ClsCountIndex) index = cls_count_index_new_from_runs (values, counts, 4);
  ClsValueMap map = { .offset = 0.0, .scale = 0.5, .active = TRUE };

  g_assert_cmpuint (cls_count_index_get_total (index), ==, 16);
  g_assert_cmpuint (cls_count_index_count_at_least (index, NULL, 0.25), ==, 6);
  g_assert_cmpuint (cls_count_index_count_at_least (index, NULL, 0.3), ==, 3);
  /* mapped values are 0, 0.5, 1, 2 */
  g_assert_cmpuint (cls_count_index_count_at_least (index, &map, 0.5), ==, 6);
  g_assert_cmpuint (cls_count_index_count_at_least (index, &map, 1.5), ==, 1);
}

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

/* More distinct values than the builder's hash table takes (2^20): the
 * rest go through the sorted list, and the index is still exact. Some
 * values repeat, some are not float32. */
static void
test_many_distinct (void)
{
  GRand *rand = g_rand_new_with_seed (cls_test_seed () + 3);
  gsize n = 1500000;
  g_autofree double *v = g_new (double, n);
  g_autofree double *sorted = NULL;
  g_autoptr(ClsCountIndexBuilder) b = cls_count_index_builder_new ();
  g_autoptr(ClsCountIndex) index = NULL;
  gsize distinct = 0;

  for (gsize i = 0; i < n; i++)
    {
      if (i % 10 == 0 && i > 0)
        v[i] = v[g_rand_int_range (rand, 0, (gint32) i)];  /* a repeat */
      else if (i % 1000 == 7)
        v[i] = g_rand_double (rand);                       /* a double */
      else if (i % 97 == 0)
        v[i] = 0.0;
      else
        v[i] = (float) g_rand_double (rand);
    }
  for (gsize first = 0; first < n; first += 65536)
    cls_count_index_builder_add (b, v + first, MIN (65536, n - first));
  index = cls_count_index_builder_finish (b);

  sorted = g_memdup2 (v, n * sizeof (double));
  qsort (sorted, n, sizeof (double), compare_doubles);
  for (gsize i = 0; i < n; i++)
    distinct += i == 0 || sorted[i] != sorted[i - 1];

  g_assert_cmpuint (distinct, >, 1u << 20);
  g_assert_cmpuint (cls_count_index_get_n_distinct (index), ==, distinct);
  g_assert_cmpuint (cls_count_index_get_total (index), ==, n);
  g_assert_false (cls_count_index_is_float32 (index));

  for (int q = 0; q < 2000; q++)
    {
      double c = q % 2 ? v[g_rand_int_range (rand, 0, (gint32) n)] : g_rand_double (rand);
      gsize lo = 0, hi = n;

      /* how many sorted values are >= c */
      while (lo < hi)
        {
          gsize mid = lo + (hi - lo) / 2;
          if (sorted[mid] >= c)
            hi = mid;
          else
            lo = mid + 1;
        }
      g_assert_cmpuint (cls_count_index_count_at_least (index, NULL, c), ==, n - lo);
    }

  g_rand_free (rand);
}

/* Searching from a remembered start gives what a fresh search gives, as
 * the cut wanders up and down. */
static void
test_search_near (void)
{
  GRand *rand = g_rand_new_with_seed (cls_test_seed () + 4);
  gsize n = 5000;
  g_autofree double *v = g_new (double, n);
  g_autoptr(ClsCountIndexBuilder) b = cls_count_index_builder_new ();
  g_autoptr(ClsCountIndex) index = NULL;
  double c = 0.5;

  for (gsize i = 0; i < n; i++)
    v[i] = (float) (g_rand_int_range (rand, 0, 400) / 399.0);
  cls_count_index_builder_add (b, v, n);
  index = cls_count_index_builder_finish (b);

  for (int step = 0; step < 5000; step++)
    {
      c = CLAMP (c + (g_rand_double (rand) - 0.5) * (step % 50 == 0 ? 1.0 : 0.01), -0.1, 1.1);
      g_assert_cmpuint (cls_count_index_count_at_least (index, NULL, c), ==, brute (v, n, c));
    }

  g_rand_free (rand);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/count-index/float32-with-ties", test_float32_with_ties);
  g_test_add_func ("/count-index/doubles", test_doubles);
  g_test_add_func ("/count-index/tiny-and-denormal", test_tiny_and_denormal);
  g_test_add_func ("/count-index/from-runs-and-map", test_from_runs_and_map);
  g_test_add_func ("/count-index/many-distinct", test_many_distinct);
  g_test_add_func ("/count-index/search-near", test_search_near);

  return g_test_run ();
}
