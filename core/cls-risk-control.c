/* cls-risk-control.c
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gmp.h>
#include <gsl/gsl_cdf.h>

#include "cls-risk-control.h"
#include "cls-double-bits.h"

/* Near-ties closer than this are decided with exact rationals. */
#define TIE_TOLERANCE 1e-9

static guint64
count_below (const ClsLossProfile *p,
             double                cut)
{
  guint64 lo = 0, hi = p->n_values;

  /* values are sorted from largest: count the ones >= cut, the rest are below */
  while (lo < hi)
    {
      guint64 mid = lo + (hi - lo) / 2;

      if (p->values[mid] >= cut)
        lo = mid + 1;
      else
        hi = mid;
    }
  return p->n_values - lo;
}

/**
 * cls_loss_profile_loss:
 * @profile: a case's loss profile
 * @cut: a probability cut
 *
 * Returns: the case's loss #{v < @cut} / m (0 for an empty profile)
 */
double
cls_loss_profile_loss (const ClsLossProfile *profile,
                       double                cut)
{
  if (profile->n_values == 0)
    return 0.0;
  return (double) count_below (profile, cut) / (double) profile->n_values;
}

/* Σ_i L_i(cut), fast */
static long double
sum_losses (const ClsLossProfile *profiles,
            guint                 n,
            double                cut)
{
  long double sum = 0;

  for (guint i = 0; i < n; i++)
    if (profiles[i].n_values > 0)
      sum += (long double) count_below (&profiles[i], cut) / profiles[i].n_values;
  return sum;
}

/* Compares Σ_i L_i(cut) with target = num / den exactly. */
static int
compare_sum_exact (const ClsLossProfile *profiles,
                   guint                 n,
                   double                cut,
                   gint64                num,
                   guint64               den)
{
  mpq_t sum, term, target;
  int result;

  mpq_inits (sum, term, target, NULL);
  for (guint i = 0; i < n; i++)
    if (profiles[i].n_values > 0)
      {
        mpz_set_ui (mpq_numref (term), count_below (&profiles[i], cut));
        mpz_set_ui (mpq_denref (term), profiles[i].n_values);
        mpq_canonicalize (term);
        mpq_add (sum, sum, term);
      }
  mpz_set_si (mpq_numref (target), num);
  mpz_set_ui (mpq_denref (target), den);
  mpq_canonicalize (target);
  result = mpq_cmp (sum, target);
  mpq_clears (sum, term, target, NULL);

  return result;
}

/* Whether Σ_i L_i(cut) <= num / den, exactly. */
static gboolean
sum_within (const ClsLossProfile *profiles,
            guint                 n,
            double                cut,
            gint64                num,
            guint64               den)
{
  long double fast = sum_losses (profiles, n, cut);
  long double target = (long double) num / den;

  if (fabsl (fast - target) > TIE_TOLERANCE * (1 + n))
    return fast < target;
  return compare_sum_exact (profiles, n, cut, num, den) <= 0;
}

/**
 * cls_crc_cut:
 * @profiles: (array length=n): the calibration cases, their values in [0, 1]
 * @n: how many
 * @epsilon: the tolerated expected loss
 * @out: (out caller-allocates): the result
 *
 * The largest cut c with Σ_i L_i(c) <= epsilon (n + 1) - 1, that is
 * (n/(n+1)) R̂(c) + 1/(n+1) <= epsilon with the loss bound B = 1.
 *
 * L_i(c) counts the values below c, so Σ L_i is non-decreasing in c and
 * constant on each interval (v, v'] between neighbouring profile values:
 * the largest feasible c is a profile value, or 1. Instead of sorting
 * every value of every case (millions, on each slider move), a binary
 * search over the doubles of [0, 1] themselves, ordered as their bit
 * patterns, finds the largest feasible double in 64 steps; it is that
 * profile value, since the next double up lies in an infeasible interval.
 * Each step is exact (sum_within() settles near-ties with rationals), so
 * the search is exact too. Infeasible when epsilon (n + 1) < 1.
 */
void
cls_crc_cut (const ClsLossProfile *profiles,
             guint                 n,
             ClsFraction           epsilon,
             ClsRiskControl       *out)
{
  /* target = epsilon (n + 1) - 1 = (num (n + 1) - den) / den */
  gint64 tnum = (gint64) (epsilon.num * (guint64) (n + 1)) - (gint64) epsilon.den;
  guint64 tden = epsilon.den;
  guint64 lo, hi;

  memset (out, 0, sizeof *out);

  if (tnum < 0)
    {
      out->cut = 0.0;
      out->feasible = FALSE;
      out->risk = 0.0;
      out->bound = 1.0 / (n + 1);
      return;
    }

  /* c = 0 keeps every voxel: loss 0, feasible since tnum >= 0 */
  lo = cls_double_to_bits (0.0);
  hi = cls_double_to_bits (1.0);
  while (lo < hi)
    {
      guint64 mid = lo + (hi - lo + 1) / 2;

      if (sum_within (profiles, n, cls_bits_to_double (mid), tnum, tden))
        lo = mid;
      else
        hi = mid - 1;
    }

  out->cut = cls_bits_to_double (lo);
  out->feasible = TRUE;
  out->risk = (double) (sum_losses (profiles, n, out->cut) / n);
  out->bound = (n * out->risk + 1.0) / (n + 1.0);
}

static double
kl_bernoulli (double a,
              double b)
{
  double r = 0;

  if (a > 0)
    r += a * log (a / b);
  if (a < 1)
    r += (1 - a) * log ((1 - a) / (1 - b));
  return r;
}

/**
 * cls_hb_pvalue:
 * @risk: the mean calibration loss R̂ (losses in [0, 1])
 * @n: calibration cases
 * @epsilon: the null's risk level (H0: R > epsilon)
 *
 * The Hoeffding–Bentkus p-value of Bates et al. (2021):
 * min(exp(-n h(min(R̂, ε), ε)), e · P(Binomial(n, ε) <= ceil(n R̂))).
 *
 * Returns: the p-value
 */
double
cls_hb_pvalue (double risk,
               guint  n,
               double epsilon)
{
  double hoeffding = exp (-(double) n * kl_bernoulli (MIN (risk, epsilon), epsilon));
  double k = ceil (n * risk - 1e-12);
  double bentkus = M_E * gsl_cdf_binomial_P ((unsigned) CLAMP (k, 0, n), epsilon, n);

  return MIN (1.0, MIN (hoeffding, bentkus));
}

/**
 * cls_ltt_cut:
 * @profiles: (array length=n): the calibration cases
 * @n: how many
 * @epsilon: the risk level
 * @delta: the error level
 * @out: (out caller-allocates): the result
 *
 * Tests H0(c): E[L(c)] > epsilon on the fixed grid c = g / 16384, from the
 * conservative end c = 0 upwards, rejecting while the Hoeffding–Bentkus
 * p-value is <= delta; returns the last rejected cut. The loss and the
 * p-value grow with c, so the sequence stops at the first failure and a
 * binary search finds it.
 */
void
cls_ltt_cut (const ClsLossProfile *profiles,
             guint                 n,
             ClsFraction           epsilon,
             ClsFraction           delta,
             ClsRiskControl       *out)
{
  double eps = cls_fraction_to_double (epsilon);
  double d = cls_fraction_to_double (delta);
  gint lo = -1, hi = CLS_LTT_GRID;  /* lo: last known rejected; hi: first known kept */

  memset (out, 0, sizeof *out);

  while (hi - lo > 1)
    {
      gint mid = lo + (hi - lo) / 2;
      double cut = (double) mid / CLS_LTT_GRID;
      double risk = (double) (sum_losses (profiles, n, cut) / MAX (n, 1));

      if (n > 0 && cls_hb_pvalue (risk, n, eps) <= d)
        lo = mid;
      else
        hi = mid;
    }

  if (lo < 0)
    {
      out->cut = 0.0;
      out->feasible = FALSE;
      out->risk = 0.0;
      out->bound = n > 0 ? cls_hb_pvalue (0.0, n, eps) : 1.0;
      return;
    }

  out->cut = (double) lo / CLS_LTT_GRID;
  out->feasible = TRUE;
  out->risk = (double) (sum_losses (profiles, n, out->cut) / n);
  out->bound = cls_hb_pvalue (out->risk, n, eps);
}

/**
 * cls_pac_rank:
 * @alpha: miscoverage level
 * @delta: probability over calibration sets that the coverage falls short
 * @n: calibration cases
 *
 * Coverage given the calibration set is Beta(k, n + 1 - k) (Vovk 2012);
 * the smallest k with BetaCDF(1 - alpha; k, n + 1 - k) <= delta.
 *
 * Returns: k, or n + 1 when no k <= n suffices
 */
guint64
cls_pac_rank (ClsFraction alpha,
              ClsFraction delta,
              guint64     n)
{
  double x = 1.0 - cls_fraction_to_double (alpha);
  double d = cls_fraction_to_double (delta);
  guint64 lo = 1, hi = n + 1;

  /* BetaCDF(x; k, n + 1 - k) falls as k grows: binary search */
  while (lo < hi)
    {
      guint64 mid = lo + (hi - lo) / 2;

      if (gsl_cdf_beta_P (x, (double) mid, (double) (n + 1 - mid)) <= d)
        hi = mid;
      else
        lo = mid + 1;
    }
  return lo;
}
