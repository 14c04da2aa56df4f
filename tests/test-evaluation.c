/* test-evaluation.c: splits, per-split metrics and the guarantee by simulation
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

#include "cls-error.h"
#include "cls-evaluation.h"
#include "cls-test-util.h"

static ClsFraction
frac (const char *s)
{
  ClsFraction f;
  g_assert_true (cls_fraction_parse (s, &f, NULL));
  return f;
}

typedef struct {
  GPtrArray *summaries;
  GPtrArray *probs;    /* double arrays, kept for brute force */
  GPtrArray *lesions;
  GArray    *sizes;
} Pool;

static void
pool_clear (Pool *pool)
{
  g_ptr_array_unref (pool->summaries);
  g_ptr_array_unref (pool->probs);
  g_ptr_array_unref (pool->lesions);
  g_array_unref (pool->sizes);
}

/* Cases with continuous (float32) probabilities: no ties between cuts. */
static Pool
make_pool (GRand   *rand,
           guint    n_cases,
           gboolean with_empty)
{
  Pool pool;

  pool.summaries = g_ptr_array_new_with_free_func ((GDestroyNotify) cls_case_summary_unref);
  pool.probs = g_ptr_array_new_with_free_func (g_free);
  pool.lesions = g_ptr_array_new_with_free_func (g_free);
  pool.sizes = g_array_new (FALSE, FALSE, sizeof (gsize));

  for (guint i = 0; i < n_cases; i++)
    {
      gsize n = g_rand_int_range (rand, 40, 200);
      gsize g = with_empty && i % 7 == 3 ? 0 : (gsize) g_rand_int_range (rand, 1, 30);
      double *p = g_new (double, n);
      guint8 *l = g_new0 (guint8, n);
      double shift = g_rand_double (rand) * 0.5;
      g_autofree char *id = g_strdup_printf ("case_%04u", i);

      for (gsize v = 0; v < n; v++)
        {
          double u = g_rand_double (rand);

          l[v] = v < g;
          p[v] = (float) (l[v] ? MIN (1.0, u * 0.7 + shift) : u * 0.6);
        }

      g_ptr_array_add (pool.summaries, cls_test_summary_new (id, p, l, n));
      g_ptr_array_add (pool.probs, p);
      g_ptr_array_add (pool.lesions, l);
      g_array_append_val (pool.sizes, n);
    }

  return pool;
}

/* Each split's ĉ equals a calibration of its calibration part, and its test
 * metrics equal a voxel-by-voxel count on its test part. */
static void
test_split_matches_calibration (void)
{
  GRand *rand = g_rand_new_with_seed (cls_test_seed ());
  Pool pool = make_pool (rand, 37, TRUE);
  g_autoptr(ClsEvaluation) ev = NULL;
  g_autoptr(ClsSplits) splits = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree guint *used = NULL;
  ClsCalibrationParams params;
  ClsEvaluationParams eval;
  guint n_used = 0;

  cls_calibration_params_init (&params);
  params.epsilon = frac ("0.15");
  params.alpha = frac ("0.2");
  cls_evaluation_params_init (&eval);
  eval.n_splits = 25;
  eval.cal_fraction = frac ("0.6");
  eval.seed = 7;

  ev = cls_evaluate ((ClsCaseSummary **) pool.summaries->pdata, pool.summaries->len,
                     &params, &eval, &error);
  g_assert_no_error (error);

  /* the pool after skipping empty masks, in order */
  used = g_new (guint, pool.summaries->len);
  for (guint i = 0; i < pool.summaries->len; i++)
    if (cls_case_summary_get_n_lesion (pool.summaries->pdata[i]) > 0)
      used[n_used++] = i;

  g_assert_cmpuint (cls_evaluation_get_n (ev), ==, n_used);
  g_assert_cmpuint (cls_evaluation_get_n_skipped (ev), ==, pool.summaries->len - n_used);
  g_assert_cmpuint (cls_evaluation_get_n_cal (ev), ==, (n_used * 6) / 10);

  splits = cls_splits_new (n_used, eval.n_splits, eval.cal_fraction, eval.seed, &error);
  g_assert_no_error (error);

  for (guint s = 0; s < eval.n_splits; s++)
    {
      const guint32 *perm = cls_splits_get_split (splits, s);
      const ClsSplitResult *sr = cls_evaluation_get_split (ev, s);
      guint n_cal = cls_splits_get_n_cal (splits);
      g_autofree ClsCaseSummary **cal_cases = g_new (ClsCaseSummary *, n_cal);
      g_autoptr(ClsCalibration) cal = NULL;
      double covered = 0, fnr = 0, pc = 0, covered_fixed = 0;
      guint n_test = n_used - n_cal;

      for (guint i = 0; i < n_cal; i++)
        cal_cases[i] = pool.summaries->pdata[used[perm[i]]];
      cal = cls_calibration_new (cal_cases, n_cal, &params, &error);
      g_assert_no_error (error);
      g_assert_cmpfloat (sr->cut, ==, cls_calibration_get_cut (cal));
      g_assert_cmpfloat (sr->t_hat, ==, cls_calibration_get_t_hat (cal));

      for (guint i = n_cal; i < n_used; i++)
        {
          guint c = used[perm[i]];
          const double *p = pool.probs->pdata[c];
          const guint8 *l = pool.lesions->pdata[c];
          gsize n = g_array_index (pool.sizes, gsize, c);
          guint64 g = 0, miss = 0, pos = 0, miss_fixed = 0;

          for (gsize v = 0; v < n; v++)
            {
              g += l[v];
              miss += l[v] && !(p[v] >= sr->cut);
              miss_fixed += l[v] && !(p[v] >= 0.5);
              pos += p[v] >= sr->cut;
            }
          covered += miss * 100 <= 15 * g;
          covered_fixed += miss_fixed * 100 <= 15 * g;
          fnr += (double) miss / g;
          pc += (double) pos / n;
        }

      g_assert_cmpfloat_with_epsilon (sr->ecr_calibrated, covered / n_test, 1e-12);
      g_assert_cmpfloat_with_epsilon (sr->ecr_fixed, covered_fixed / n_test, 1e-12);
      g_assert_cmpfloat_with_epsilon (sr->fnr_calibrated, fnr / n_test, 1e-12);
      g_assert_cmpfloat_with_epsilon (sr->pc_calibrated, pc / n_test, 1e-12);
    }

  pool_clear (&pool);
  g_rand_free (rand);
}

/* For any fixed pool with distinct cuts, a uniformly random split makes the
 * calibration cases and one test case exchangeable, so the expected ECR over
 * splits is exactly k / (n_cal + 1). The mean over 2000 splits must be within
 * four standard errors of it. */
static void
check_guarantee (guint n_cases, const char *alpha, const char *fraction)
{
  GRand *rand = g_rand_new_with_seed (cls_test_seed () + n_cases);
  Pool pool = make_pool (rand, n_cases, FALSE);
  g_autoptr(ClsEvaluation) ev = NULL;
  g_autoptr(GError) error = NULL;
  ClsCalibrationParams params;
  ClsEvaluationParams eval;
  ClsStat ecr;
  double theory, se;

  cls_calibration_params_init (&params);
  params.epsilon = frac ("0.2");
  params.alpha = frac (alpha);
  cls_evaluation_params_init (&eval);
  eval.n_splits = 2000;
  eval.cal_fraction = frac (fraction);
  eval.seed = 2024;

  ev = cls_evaluate ((ClsCaseSummary **) pool.summaries->pdata, n_cases, &params, &eval, &error);
  g_assert_no_error (error);
  g_assert_true (cls_evaluation_is_feasible (ev));

  ecr = cls_evaluation_get_stat (ev, CLS_SPLIT_FIELD (ecr_calibrated));
  theory = cls_evaluation_get_theory_ecr (ev);
  se = ecr.std / sqrt (eval.n_splits);

  g_test_message ("n=%u alpha=%s: mean ECR %.4f, theory %.4f, se %.4f", n_cases, alpha,
                  ecr.mean, theory, se);
  g_assert_cmpfloat (se, >, 0);
  g_assert_cmpfloat (fabs (ecr.mean - theory), <=, 4 * se);
  /* and the guarantee itself */
  g_assert_cmpfloat (theory, >=, 1.0 - cls_fraction_to_double (params.alpha));

  pool_clear (&pool);
  g_rand_free (rand);
}

static void
test_guarantee (void)
{
  check_guarantee (60, "0.2", "0.5");
  check_guarantee (41, "0.1", "0.5");
  check_guarantee (100, "0.05", "0.7");
}

static void
test_reproducible (void)
{
  GRand *rand = g_rand_new_with_seed (cls_test_seed () + 5);
  Pool pool = make_pool (rand, 30, FALSE);
  ClsCalibrationParams params;
  ClsEvaluationParams eval;
  g_autoptr(ClsEvaluation) a = NULL;
  g_autoptr(ClsEvaluation) b = NULL;
  g_autoptr(ClsEvaluation) c = NULL;
  g_autoptr(ClsSplits) s1 = NULL;
  gboolean differ = FALSE;

  cls_calibration_params_init (&params);
  cls_evaluation_params_init (&eval);
  eval.n_splits = 50;

  a = cls_evaluate ((ClsCaseSummary **) pool.summaries->pdata, 30, &params, &eval, NULL);
  b = cls_evaluate ((ClsCaseSummary **) pool.summaries->pdata, 30, &params, &eval, NULL);
  eval.seed = 2;
  c = cls_evaluate ((ClsCaseSummary **) pool.summaries->pdata, 30, &params, &eval, NULL);

  for (guint s = 0; s < 50; s++)
    {
      g_assert_cmpmem (cls_evaluation_get_split (a, s), sizeof (ClsSplitResult),
                       cls_evaluation_get_split (b, s), sizeof (ClsSplitResult));
      differ |= cls_evaluation_get_split (a, s)->cut != cls_evaluation_get_split (c, s)->cut;
    }
  g_assert_true (differ);

  /* MT19937 with seed 1: the first split of 10 is fixed forever. If this
   * changes, every published number changes with it. */
  s1 = cls_splits_new (10, 1, frac ("0.5"), 1, NULL);
  {
    const guint32 *perm = cls_splits_get_split (s1, 0);
    g_autoptr(GString) text = g_string_new (NULL);

    for (guint i = 0; i < 10; i++)
      g_string_append_printf (text, "%u ", perm[i]);
    g_assert_cmpstr (text->str, ==, "3 9 2 1 7 0 6 5 8 4 ");
    /* a permutation */
    for (guint i = 0; i < 10; i++)
      {
        gboolean found = FALSE;
        for (guint j = 0; j < 10; j++)
          found |= perm[j] == i;
        g_assert_true (found);
      }
  }

  pool_clear (&pool);
  g_rand_free (rand);
}

static void
test_too_few (void)
{
  GRand *rand = g_rand_new_with_seed (cls_test_seed () + 6);
  Pool pool = make_pool (rand, 1, FALSE);
  ClsCalibrationParams params;
  ClsEvaluationParams eval;
  g_autoptr(GError) error = NULL;
  g_autoptr(ClsEvaluation) ev = NULL;

  cls_calibration_params_init (&params);
  cls_evaluation_params_init (&eval);
  ev = cls_evaluate ((ClsCaseSummary **) pool.summaries->pdata, 1, &params, &eval, &error);
  g_assert_null (ev);
  g_assert_error (error, CLS_ERROR, CLS_ERROR_NO_CASES);

  pool_clear (&pool);
  g_rand_free (rand);
}

/* With too few calibration cases for alpha the result says so and masks
 * everything: ECR 1, PC 1. */
static void
test_infeasible (void)
{
  GRand *rand = g_rand_new_with_seed (cls_test_seed () + 7);
  Pool pool = make_pool (rand, 12, FALSE);
  ClsCalibrationParams params;
  ClsEvaluationParams eval;
  g_autoptr(ClsEvaluation) ev = NULL;

  cls_calibration_params_init (&params);
  params.alpha = frac ("0.1");  /* needs n_cal >= 9; 12 · 0.5 = 6 */
  cls_evaluation_params_init (&eval);
  eval.n_splits = 10;
  ev = cls_evaluate ((ClsCaseSummary **) pool.summaries->pdata, 12, &params, &eval, NULL);
  g_assert_nonnull (ev);
  g_assert_false (cls_evaluation_is_feasible (ev));
  g_assert_cmpfloat (cls_evaluation_get_stat (ev, CLS_SPLIT_FIELD (ecr_calibrated)).mean, ==, 1.0);
  g_assert_cmpfloat (cls_evaluation_get_stat (ev, CLS_SPLIT_FIELD (pc_calibrated)).mean, ==, 1.0);
  g_assert_cmpfloat (cls_evaluation_get_stat (ev, CLS_SPLIT_FIELD (t_hat)).mean, ==, 1.0);
  g_assert_cmpfloat (cls_evaluation_get_theory_ecr (ev), ==, 1.0);

  pool_clear (&pool);
  g_rand_free (rand);
}

/* The beta-binomial quantiles against a direct simulation of fresh
 * calibration and test sets (uniform scores: only ranks matter). */
static void
test_theory_band (void)
{
  GRand *rand = g_rand_new_with_seed (cls_test_seed () + 8);
  guint64 n_cal = 20, n_test = 15, k = 17;
  guint trials = 20000, below_lo = 0, above_hi = 0;
  double lo = cls_theory_ecr_quantile (k, n_cal, n_test, 0.05);
  double hi = cls_theory_ecr_quantile (k, n_cal, n_test, 0.95);

  g_assert_cmpfloat (lo, <, hi);
  g_assert_cmpfloat (cls_theory_ecr_mean (k, n_cal), ==, 17.0 / 21.0);
  /* Rank 0 (nothing need be covered) and rank n_cal + 1 (infeasible): the
   * degenerate ends, without calling into GSL with a zero shape. */
  g_assert_cmpfloat (cls_theory_ecr_quantile (0, n_cal, n_test, 0.05), ==, 0.0);
  g_assert_cmpfloat (cls_theory_ecr_quantile (0, n_cal, n_test, 0.95), ==, 0.0);
  g_assert_cmpfloat (cls_theory_ecr_quantile (n_cal + 1, n_cal, n_test, 0.05), ==, 1.0);

  for (guint t = 0; t < trials; t++)
    {
      double cal[20], cut;
      guint covered = 0;

      for (guint i = 0; i < n_cal; i++)
        cal[i] = g_rand_double (rand);
      cut = cls_select_kth_largest (cal, n_cal, k);
      /* a test score (cut of the test case) covered when >= ĉ */
      for (guint j = 0; j < n_test; j++)
        covered += g_rand_double (rand) >= cut;
      below_lo += (double) covered / n_test < lo;
      above_hi += (double) covered / n_test > hi;
    }

  /* P(X < q05) <= 5% and P(X > q95) <= 5% by the quantile's definition */
  g_assert_cmpfloat ((double) below_lo / trials, <=, 0.05 + 0.01);
  g_assert_cmpfloat ((double) above_hi / trials, <=, 0.05 + 0.01);
  /* and the band is not trivially wide */
  g_assert_cmpfloat ((double) (below_lo + above_hi) / trials, >=, 0.02);

  g_rand_free (rand);
}

/* The straightforward definition, on the raw values of each case: per
 * split the k-th largest calibration key, then per test case the lesion
 * voxels and all voxels at or above the cut, counted one by one. Cuts,
 * ECR and missed lesions must be equal bit for bit; the means of FNR, PC
 * and FPR add the same terms in another order, so they may differ by
 * rounding: they are compared with the exact sums (binary128 holds every
 * sum of these terms) within a few units in the last place. */
typedef struct {
  GArray *lesion;   /* double */
  GArray *values;   /* double, ascending, distinct */
  GArray *counts;   /* guint64 */
} RawCase;

static void
raw_case_clear (gpointer data)
{
  RawCase *c = data;

  g_array_unref (c->lesion);
  g_array_unref (c->values);
  g_array_unref (c->counts);
}

#ifdef __SIZEOF_FLOAT128__
typedef __float128 ExactSum;
#else
typedef long double ExactSum;
#endif

static guint64
raw_found (const RawCase *c, const ClsValueMap *map, double cut)
{
  guint64 k = 0;
  for (guint i = 0; i < c->lesion->len; i++)
    k += cls_value_map_apply (map, g_array_index (c->lesion, double, i)) >= cut;
  return k;
}

static guint64
raw_pos (const RawCase *c, const ClsValueMap *map, double cut)
{
  guint64 k = 0;
  for (guint i = 0; i < c->values->len; i++)
    if (cls_value_map_apply (map, g_array_index (c->values, double, i)) >= cut)
      k += g_array_index (c->counts, guint64, i);
  return k;
}

/* A pool with ties across and within cases, some empty lesions, and float32
 * or double values. */
static GPtrArray *
make_raw_pool (GRand    *rand,
               guint     n_cases,
               gboolean  wide,
               GArray   *raw)
{
  GPtrArray *pool = g_ptr_array_new_with_free_func ((GDestroyNotify) cls_case_summary_unref);

  g_array_set_clear_func (raw, raw_case_clear);
  for (guint i = 0; i < n_cases; i++)
    {
      RawCase c;
      guint nd = (guint) g_rand_int_range (rand, 1, 40);
      guint g = i % 11 == 5 ? 0 : (guint) g_rand_int_range (rand, 1, 60);
      guint64 zeros = (guint64) g_rand_int_range (rand, 0, 3) * (guint64) g_rand_int_range (rand, 0, 5000);
      g_autofree char *id = g_strdup_printf ("case_%05u", i);
      double prev = 0.0;

      c.lesion = g_array_new (FALSE, FALSE, sizeof (double));
      c.values = g_array_new (FALSE, FALSE, sizeof (double));
      c.counts = g_array_new (FALSE, FALSE, sizeof (guint64));

      if (zeros > 0)
        {
          double z = 0.0;
          g_array_append_val (c.values, z);
          g_array_append_val (c.counts, zeros);
        }
      for (guint d = 0; d < nd; d++)
        {
          /* a coarse grid (ties between cases) or a continuous value */
          double v = g_rand_boolean (rand) ? g_rand_int_range (rand, 1, 33) / 32.0
                                           : g_rand_double_range (rand, 0.001, 1.0);
          guint64 count = (guint64) g_rand_int_range (rand, 1, 300);

          if (!wide)
            v = (float) v;
          if (v <= prev)
            continue;
          prev = v;
          g_array_append_val (c.values, v);
          g_array_append_val (c.counts, count);
        }
      for (guint l = 0; l < g && c.values->len > 0; l++)
        {
          guint k = (guint) g_rand_int_range (rand, 0, (gint32) c.values->len);

          /* lesions lean to the larger values */
          k = MAX (k, (guint) g_rand_int_range (rand, 0, (gint32) c.values->len));
          g_array_append_val (c.lesion, g_array_index (c.values, double, k));
          g_array_index (c.counts, guint64, k)++;
        }

      {
        guint64 total = 0;

        for (guint d = 0; d < c.counts->len; d++)
          total += g_array_index (c.counts, guint64, d);
        g_ptr_array_add (pool, cls_case_summary_new (id, "test", MAX (total, 1),
                                                     (const double *) (gpointer) c.lesion->data,
                                                     c.lesion->len,
                                                     cls_count_index_new_from_runs ((const double *) (gpointer) c.values->data,
                                                                                    (const guint64 *) (gpointer) c.counts->data,
                                                                                    c.values->len)));
      }
      g_array_append_val (raw, c);
    }

  return pool;
}

/* A sum of n non-negative terms, in any order, is within (n - 1)·2^-53
 * of the exact sum relatively (first order); then one division. */
static void
check_close (double got,
             double exact,
             guint  n)
{
  g_assert_cmpfloat (fabs (got - exact), <=, (n + 1) * 0x1p-53 * fabs (exact));
}

static void
check_against_straightforward (GPtrArray                  *pool,
                               GArray                     *raw,
                               const ClsCalibrationParams *params,
                               const ClsEvaluationParams  *eval)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ClsEvaluation) ev = cls_evaluate ((ClsCaseSummary **) pool->pdata, pool->len, params, eval, &error);
  g_autoptr(ClsSplits) splits = NULL;
  g_autofree guint *used = g_new (guint, pool->len);
  g_autofree double *keys = g_new (double, pool->len);
  g_autofree guint64 *allowed = g_new (guint64, pool->len);
  g_autofree double *buffer = g_new (double, pool->len);
  guint n = 0, n_cal, n_test;
  guint64 k;

  for (guint i = 0; i < pool->len; i++)
    {
      ClsCaseScore score;

      if (!cls_case_score (pool->pdata[i], params, &score))
        continue;
      keys[n] = params->method == CLS_METHOD_BISECT ? -score.t : score.cut;
      allowed[n] = score.allowed;
      used[n++] = i;
    }

  if (n < 2)
    {
      g_assert_null (ev);
      g_assert_error (error, CLS_ERROR, CLS_ERROR_NO_CASES);
      return;
    }
  g_assert_no_error (error);

  splits = cls_splits_new (n, eval->n_splits, eval->cal_fraction, eval->seed, &error);
  g_assert_no_error (error);
  n_cal = cls_splits_get_n_cal (splits);
  n_test = n - n_cal;
  k = cls_fraction_conformal_rank (params->alpha, n_cal);
  g_assert_cmpuint (cls_evaluation_get_n (ev), ==, n);
  g_assert_cmpuint (cls_evaluation_get_rank (ev), ==, k);

  for (guint s = 0; s < eval->n_splits; s++)
    {
      const guint32 *perm = cls_splits_get_split (splits, s);
      const ClsSplitResult *sr = cls_evaluation_get_split (ev, s);
      double cut = 0.0, t_hat = 1.0;
      guint64 covered[2] = { 0, 0 }, missed[2] = { 0, 0 };
      ExactSum fnr[2] = { 0, 0 }, pc[2] = { 0, 0 }, fpr[2] = { 0, 0 };

      if (k <= n_cal)
        {
          double key;

          for (guint i = 0; i < n_cal; i++)
            buffer[i] = keys[perm[i]];
          key = cls_select_kth_largest (buffer, n_cal, k);
          t_hat = params->method == CLS_METHOD_BISECT ? -key : 1.0 - key;
          cut = params->method == CLS_METHOD_BISECT ? 1.0 - t_hat : key;
        }
      g_assert_true (sr->cut == cut);
      g_assert_true (sr->t_hat == t_hat);

      for (guint i = n_cal; i < n; i++)
        {
          guint c = used[perm[i]];
          const ClsCaseSummary *sum = pool->pdata[c];
          const RawCase *rc = &g_array_index (raw, RawCase, c);
          guint64 g = rc->lesion->len, nv = cls_case_summary_get_n_voxels (sum);
          ClsValueMap map;

          cls_case_summary_get_value_map (sum, params->normalize, &map);
          for (int which = 0; which < 2; which++)
            {
              double at = which == 0 ? 0.5 : cut;
              guint64 found = raw_found (rc, &map, at), pos = raw_pos (rc, &map, at);

              if (g > 0)
                {
                  covered[which] += g - found <= allowed[perm[i]];
                  fnr[which] += (double) (g - found) / (double) g;
                  missed[which] += found == 0;
                }
              else
                covered[which]++;
              pc[which] += (double) pos / (double) nv;
              if (nv > g)
                fpr[which] += (double) (pos - found) / (double) (nv - g);
            }
        }

      g_assert_true (sr->ecr_fixed == (double) covered[0] / n_test);
      g_assert_true (sr->ecr_calibrated == (double) covered[1] / n_test);
      g_assert_true (sr->missed_fixed == (double) missed[0] / n_test);
      g_assert_true (sr->missed_calibrated == (double) missed[1] / n_test);
      check_close (sr->fnr_fixed, (double) fnr[0] / n_test, n_test);
      check_close (sr->fnr_calibrated, (double) fnr[1] / n_test, n_test);
      check_close (sr->pc_fixed, (double) pc[0] / n_test, n_test);
      check_close (sr->pc_calibrated, (double) pc[1] / n_test, n_test);
      check_close (sr->fpr_fixed, (double) fpr[0] / n_test, n_test);
      check_close (sr->fpr_calibrated, (double) fpr[1] / n_test, n_test);
    }
}

/* Every combination of method, normalisation, empty-mask policy, pool size
 * (the largest runs on several threads), splits and alpha (some infeasible),
 * against the straightforward definition. */
static void
test_matches_straightforward (void)
{
  GRand *rand = g_rand_new_with_seed (cls_test_seed () + 9);
  const guint sizes[] = { 2, 3, 37, 400, 9000 };
  const char *alphas[] = { "0.2", "0.05", "0.5" };

  for (guint z = 0; z < G_N_ELEMENTS (sizes); z++)
    for (int wide = 0; wide < 2; wide++)
      {
        g_autoptr(GArray) raw = g_array_new (FALSE, FALSE, sizeof (RawCase));
        g_autoptr(GPtrArray) pool = make_raw_pool (rand, sizes[z], wide, raw);

        for (int method = 0; method < 2; method++)
          for (int norm = 0; norm < 2; norm++)
            for (int policy = 0; policy < 2; policy++)
              {
                ClsCalibrationParams params;
                ClsEvaluationParams eval;

                if (sizes[z] == 9000 && (method == 1 || policy == 1))
                  continue;  /* the slow brute force; one combination is enough at this size */

                cls_calibration_params_init (&params);
                params.method = method ? CLS_METHOD_BISECT : CLS_METHOD_EXACT;
                params.normalize = norm ? CLS_NORMALIZE_MINMAX : CLS_NORMALIZE_NONE;
                params.empty_policy = policy ? CLS_EMPTY_INCLUDE : CLS_EMPTY_SKIP;
                params.epsilon = frac (g_rand_boolean (rand) ? "0.1" : "0.25");
                params.alpha = frac (alphas[g_rand_int_range (rand, 0, G_N_ELEMENTS (alphas))]);
                cls_evaluation_params_init (&eval);
                eval.n_splits = sizes[z] == 9000 ? 20 : (guint) g_rand_int_range (rand, 1, 130);
                eval.cal_fraction = frac (g_rand_boolean (rand) ? "0.5" : "0.8");
                eval.seed = g_rand_int (rand);

                check_against_straightforward (pool, raw, &params, &eval);
              }
      }

  g_rand_free (rand);
}

/* An evaluator kept across runs (splits cached) gives what a fresh one gives. */
static void
test_runs_reuse_splits (void)
{
  GRand *rand = g_rand_new_with_seed (cls_test_seed () + 10);
  g_autoptr(GArray) raw = g_array_new (FALSE, FALSE, sizeof (RawCase));
  g_autoptr(GPtrArray) pool = make_raw_pool (rand, 300, FALSE, raw);
  g_autoptr(ClsEvaluator) evaluator = cls_evaluator_new ((ClsCaseSummary **) pool->pdata, pool->len);
  ClsEvaluationParams eval;

  cls_evaluation_params_init (&eval);
  for (guint r = 0; r < 12; r++)
    {
      ClsCalibrationParams params;
      g_autoptr(ClsEvaluation) a = NULL;
      g_autoptr(ClsEvaluation) b = NULL;

      cls_calibration_params_init (&params);
      params.epsilon = (ClsFraction) { 5 + r * 3, 100 };
      params.alpha = (ClsFraction) { 1 + r % 3, 10 };
      params.empty_policy = r % 2 ? CLS_EMPTY_INCLUDE : CLS_EMPTY_SKIP;  /* a different n */
      eval.seed = 1 + r / 4;
      a = cls_evaluator_run (evaluator, &params, &eval, NULL);
      b = cls_evaluate ((ClsCaseSummary **) pool->pdata, pool->len, &params, &eval, NULL);
      g_assert_nonnull (a);
      for (guint s = 0; s < eval.n_splits; s++)
        g_assert_cmpmem (cls_evaluation_get_split (a, s), sizeof (ClsSplitResult),
                         cls_evaluation_get_split (b, s), sizeof (ClsSplitResult));
    }

  g_rand_free (rand);
}

/* The app's plot sweeps make evaluators on worker threads while the window
 * keeps and drops its own references to the same summaries: each reference
 * taken must be counted exactly once, whichever thread takes it. */
static gpointer
churn_evaluators (gpointer data)
{
  GPtrArray *pool = data;

  for (guint r = 0; r < 400; r++)
    {
      g_autoptr(ClsEvaluator) evaluator = cls_evaluator_new ((ClsCaseSummary **) pool->pdata,
                                                             pool->len);
      g_assert_nonnull (evaluator);
    }
  return NULL;
}

static void
test_evaluators_on_threads (void)
{
  GRand *rand = g_rand_new_with_seed (cls_test_seed () + 11);
  g_autoptr(GArray) raw = g_array_new (FALSE, FALSE, sizeof (RawCase));
  g_autoptr(GPtrArray) pool = make_raw_pool (rand, 64, FALSE, raw);
  g_autoptr(GPtrArray) mine = g_ptr_array_new_with_free_func ((GDestroyNotify) cls_case_summary_unref);
  g_autofree char *first_id = g_strdup (cls_case_summary_get_case_id (g_ptr_array_index (pool, 0)));
  GThread *threads[4];

  for (guint t = 0; t < G_N_ELEMENTS (threads); t++)
    threads[t] = g_thread_new ("churn", churn_evaluators, pool);
  for (guint r = 0; r < 400; r++)
    {
      for (guint i = 0; i < pool->len; i++)
        g_ptr_array_add (mine, cls_case_summary_ref (g_ptr_array_index (pool, i)));
      g_ptr_array_set_size (mine, 0);
    }
  for (guint t = 0; t < G_N_ELEMENTS (threads); t++)
    g_thread_join (threads[t]);

  /* A lost increment would have freed them already (a use after free under
   * the sanitizers, garbage here); a lost decrement leaks them (LeakSanitizer
   * in CI). */
  g_assert_cmpstr (cls_case_summary_get_case_id (g_ptr_array_index (pool, 0)), ==, first_id);
  g_rand_free (rand);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/evaluation/split-matches-calibration", test_split_matches_calibration);
  g_test_add_func ("/evaluation/guarantee", test_guarantee);
  g_test_add_func ("/evaluation/reproducible", test_reproducible);
  g_test_add_func ("/evaluation/too-few", test_too_few);
  g_test_add_func ("/evaluation/infeasible", test_infeasible);
  g_test_add_func ("/evaluation/theory-band", test_theory_band);
  g_test_add_func ("/evaluation/matches-straightforward", test_matches_straightforward);
  g_test_add_func ("/evaluation/runs-reuse-splits", test_runs_reuse_splits);
  g_test_add_func ("/evaluation/evaluators-on-threads", test_evaluators_on_threads);

  return g_test_run ();
}
