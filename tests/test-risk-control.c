/* test-risk-control.c: CRC, LTT and training-conditional CLS
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_cdf.h>

#include "cls-calibration.h"
#include "cls-risk-control.h"
#include "cls-test-util.h"

static ClsFraction
frac (const char *s)
{
  ClsFraction f;
  g_assert_true (cls_fraction_parse (s, &f, NULL));
  return f;
}

static int
cmp_desc (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x < y) - (x > y);
}

typedef struct {
  guint           n;
  ClsLossProfile *profiles;
  GPtrArray      *storage;
} Pool;

static void
pool_clear (Pool *p)
{
  g_free (p->profiles);
  g_ptr_array_unref (p->storage);
}

/* Profiles with 1 to 6 values from a small set: ties everywhere, values
 * such as 0.3 beside 0.3 stored in float32, and every
 * denominator divides 60, so the brute force can use integers. */
static Pool
small_pool (GRand *rand,
            guint  n)
{
  static const double values[] = { 0.0, 0.1, 0.25, 0.3, 0.5, 0.7, 0.75, 0.9, 1.0,
                                   (double) 0.3f, (double) 0.1f, (double) 0.7f };
  Pool p = { n, g_new0 (ClsLossProfile, n), g_ptr_array_new_with_free_func (g_free) };

  for (guint i = 0; i < n; i++)
    {
      guint m = g_rand_int_range (rand, 1, 7);
      double *v = g_new (double, m);

      for (guint j = 0; j < m; j++)
        v[j] = values[g_rand_int_range (rand, 0, G_N_ELEMENTS (values))];
      qsort (v, m, sizeof (double), cmp_desc);
      p.profiles[i].values = v;
      p.profiles[i].n_values = m;
      g_ptr_array_add (p.storage, v);
    }
  return p;
}

/* Largest candidate c with 60 · Σ L_i(c) <= 60 (eps (n+1) - 1), in integers. */
static double
brute_crc (const Pool *p,
           ClsFraction eps)
{
  double best = -1;
  gint64 rhs_num = (gint64) (eps.num * (p->n + 1)) - (gint64) eps.den;  /* / den */

  if (rhs_num < 0)
    return -1;

  for (guint i = 0; i <= p->n; i++)
    for (guint64 j = 0; j < (i < p->n ? p->profiles[i].n_values : 1); j++)
      {
        double c = i < p->n ? p->profiles[i].values[j] : 1.0;
        gint64 lhs = 0;  /* 60 · Σ L_i(c) */

        for (guint k = 0; k < p->n; k++)
          {
            guint64 below = 0;

            for (guint64 m = 0; m < p->profiles[k].n_values; m++)
              below += p->profiles[k].values[m] < c;
            lhs += (gint64) (below * (60 / p->profiles[k].n_values));
          }
        /* lhs / 60 <= rhs_num / den  <=>  lhs · den <= rhs_num · 60 */
        if ((__int128) lhs * eps.den <= (__int128) rhs_num * 60 && c > best)
          best = c;
      }
  return best;
}

static void
test_crc_brute_force (void)
{
  GRand *rand = g_rand_new_with_seed (cls_test_seed ());
  const char *eps[] = { "0.1", "0.2", "0.3", "0.05", "0.5", "0.25" };

  for (int trial = 0; trial < 300; trial++)
    {
      Pool p = small_pool (rand, g_rand_int_range (rand, 1, 25));
      ClsFraction e = frac (eps[trial % G_N_ELEMENTS (eps)]);
      ClsRiskControl r;
      double expected = brute_crc (&p, e);

      cls_crc_cut (p.profiles, p.n, e, &r);
      if (expected < 0)
        g_assert_false (r.feasible);
      else
        {
          g_assert_true (r.feasible);
          g_assert_cmpfloat (r.cut, ==, expected);
        }
      pool_clear (&p);
    }
  g_rand_free (rand);
}

/* Exact ties between the risk and epsilon: sum of losses exactly at the
 * target, reached through fractions no binary number represents. */
static void
test_crc_exact_tie (void)
{
  /* three cases lose a third each at c = 0.6, a fourth never loses */
  double a[3] = { 0.9, 0.6, 0.4 };
  ClsLossProfile profiles[4] = { { a, 3 }, { a, 3 }, { a, 3 }, { NULL, 0 } };
  ClsRiskControl r;

  cls_crc_cut (profiles, 4, frac ("0.4"), &r);  /* target 0.4 · 5 - 1 = 1 */
  /* at c = 0.6 each case loses 1/3 (0.4 < 0.6): Σ = 1 <= 1 exactly; at 0.9, Σ = 2 */
  g_assert_true (r.feasible);
  g_assert_cmpfloat (r.cut, ==, 0.6);
}

/* CLS is CRC with the binary loss 1{L_i > epsilon}: one value c_i each. */
static void
test_crc_equals_cls (void)
{
  GRand *rand = g_rand_new_with_seed (cls_test_seed () + 1);
  const char *alphas[] = { "0.1", "0.2", "0.05", "0.3", "0.25" };

  for (int trial = 0; trial < 200; trial++)
    {
      guint n = g_rand_int_range (rand, 1, 80);
      g_autofree double *c = g_new (double, n);
      g_autofree double *copy = g_new (double, n);
      g_autofree ClsLossProfile *profiles = g_new (ClsLossProfile, n);
      ClsFraction alpha = frac (alphas[trial % G_N_ELEMENTS (alphas)]);
      guint64 k = cls_fraction_conformal_rank (alpha, n);
      ClsRiskControl r;

      for (guint i = 0; i < n; i++)
        {
          c[i] = trial % 2 ? g_rand_int_range (rand, 0, 5) / 4.0 : (float) g_rand_double (rand);
          copy[i] = c[i];
          profiles[i].values = &c[i];
          profiles[i].n_values = 1;
        }

      cls_crc_cut (profiles, n, alpha, &r);
      if (k > n)
        g_assert_false (r.feasible);
      else
        {
          g_assert_true (r.feasible);
          g_assert_cmpfloat (r.cut, ==, cls_select_kth_largest (copy, n, k));
        }
    }
  g_rand_free (rand);
}

static void
test_pac_rank (void)
{
  /* the example: n = 50, alpha = 0.2, delta = 0.1 gives 45 instead of 41 */
  g_assert_cmpuint (cls_pac_rank (frac ("0.2"), frac ("0.1"), 50), ==, 45);
  g_assert_cmpuint (cls_fraction_conformal_rank (frac ("0.2"), 50), ==, 41);
  /* too few cases: no k works */
  g_assert_cmpuint (cls_pac_rank (frac ("0.1"), frac ("0.05"), 10), ==, 11);
  /* against a linear scan */
  for (guint64 n = 1; n < 200; n += 7)
    {
      guint64 k = 1;

      while (k <= n && !(gsl_cdf_beta_P (0.9, (double) k, (double) (n + 1 - k)) <= 0.1))
        k++;
      g_assert_cmpuint (cls_pac_rank (frac ("0.1"), frac ("0.1"), n), ==, k);
    }
}

/* The guarantees by simulation, with losses whose true risk is known: a
 * case is one value v ~ U(0, 1) and loses 1 when v < c, so R(c) = c. */
static void
test_guarantees_by_simulation (void)
{
  GRand *rand = g_rand_new_with_seed (cls_test_seed () + 2);
  const guint n = 40, trials = 4000;
  ClsFraction eps = frac ("0.2"), alpha = frac ("0.2"), delta = frac ("0.1");
  guint pac_ok = 0, ltt_ok = 0;
  double crc_risk = 0, crc_sq = 0;
  g_autofree double *v = g_new (double, n);
  g_autofree double *copy = g_new (double, n);
  g_autofree ClsLossProfile *profiles = g_new (ClsLossProfile, n);
  guint64 k_pac = cls_pac_rank (alpha, delta, n);

  for (guint t = 0; t < trials; t++)
    {
      ClsRiskControl crc, ltt;
      double cut;

      for (guint i = 0; i < n; i++)
        {
          v[i] = copy[i] = g_rand_double (rand);
          profiles[i].values = &v[i];
          profiles[i].n_values = 1;
        }

      cls_crc_cut (profiles, n, eps, &crc);
      crc_risk += crc.cut;  /* true risk R(c) = c */
      crc_sq += crc.cut * crc.cut;

      cls_ltt_cut (profiles, n, eps, delta, &ltt);
      ltt_ok += ltt.cut <= 0.2;

      /* PAC CLS: coverage of a new case is P(v >= ĉ) = 1 - ĉ */
      g_assert_cmpuint (k_pac, <=, n);
      cut = cls_select_kth_largest (copy, n, k_pac);
      pac_ok += 1.0 - cut >= 0.8;
    }

  {
    double mean = crc_risk / trials;
    double se = sqrt ((crc_sq / trials - mean * mean) / trials);

    g_test_message ("CRC mean risk %.4f (se %.4f), LTT ok %.3f, PAC ok %.3f",
                    mean, se, (double) ltt_ok / trials, (double) pac_ok / trials);
    /* E[R(ĉ)] <= epsilon */
    g_assert_cmpfloat (mean, <=, 0.2 + 3 * se);
    /* and it is not trivially conservative */
    g_assert_cmpfloat (mean, >=, 0.15);
  }
  /* P(coverage >= 1 - alpha) >= 1 - delta, and LTT's P(R <= eps) >= 1 - delta */
  g_assert_cmpfloat ((double) pac_ok / trials, >=, 0.9 - 0.015);
  g_assert_cmpfloat ((double) ltt_ok / trials, >=, 0.9 - 0.015);

  g_rand_free (rand);
}

static void
test_hb_pvalue (void)
{
  /* a risk far below epsilon with many cases is significant, at epsilon it is not */
  g_assert_cmpfloat (cls_hb_pvalue (0.05, 500, 0.2), <, 1e-6);
  g_assert_cmpfloat (cls_hb_pvalue (0.2, 500, 0.2), >, 0.5);
  /* monotone in the risk */
  for (double r = 0; r < 0.3; r += 0.01)
    g_assert_cmpfloat (cls_hb_pvalue (r, 100, 0.2), <=, cls_hb_pvalue (r + 0.01, 100, 0.2) + 1e-15);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/risk-control/crc-brute-force", test_crc_brute_force);
  g_test_add_func ("/risk-control/crc-exact-tie", test_crc_exact_tie);
  g_test_add_func ("/risk-control/crc-equals-cls", test_crc_equals_cls);
  g_test_add_func ("/risk-control/pac-rank", test_pac_rank);
  g_test_add_func ("/risk-control/hb-pvalue", test_hb_pvalue);
  g_test_add_func ("/risk-control/guarantees-by-simulation", test_guarantees_by_simulation);

  return g_test_run ();
}
