/* test-count-index.c: "how many voxels have p >= c" against counting
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

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

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/count-index/float32-with-ties", test_float32_with_ties);
  g_test_add_func ("/count-index/doubles", test_doubles);
  g_test_add_func ("/count-index/tiny-and-denormal", test_tiny_and_denormal);
  g_test_add_func ("/count-index/from-runs-and-map", test_from_runs_and_map);

  return g_test_run ();
}
