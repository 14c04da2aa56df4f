/* test-methods.c: crc, ltt and the pac guarantee through cls_calibration_new
 * against brute force, their evaluation split by split, and their
 * guarantees by simulation
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

#include "cls-calibration.h"
#include "cls-error.h"
#include "cls-evaluation.h"
#include "cls-lesion-loss.h"
#include "cls-report-methods.h"
#include "cls-risk-control.h"
#include "cls-splits.h"
#include "cls-test-util.h"

static ClsFraction
frac (const char *s)
{
  ClsFraction f;
  g_assert_true (cls_fraction_parse (s, &f, NULL));
  return f;
}

static const float tie_values[] = { 0.0f, 0.1f, 0.3f, 0.3f, 0.5f, 0.7f, 0.7f, 0.9f, 1.0f, 0.2f, 0.6f };

/* A case as arrays: @g lesion voxels first, then background. */
typedef struct {
  gsize   n;
  gsize   g;
  double *p;
  guint8 *l;
} Case;

static Case
random_case (GRand    *rand,
             gboolean  ties,
             gboolean  allow_empty)
{
  Case c;

  c.n = g_rand_int_range (rand, 10, 60);
  c.g = g_rand_int_range (rand, allow_empty ? 0 : 1, 11);
  c.p = g_new (double, c.n);
  c.l = g_new0 (guint8, c.n);
  for (gsize i = 0; i < c.n; i++)
    {
      c.l[i] = i < c.g;
      c.p[i] = ties ? tie_values[g_rand_int_range (rand, 0, G_N_ELEMENTS (tie_values))]
                    : (float) g_rand_double (rand);
    }
  return c;
}

static void
case_clear (Case *c)
{
  g_free (c->p);
  g_free (c->l);
}

static guint64
brute_miss (const Case *c,
            double      cut)
{
  guint64 m = 0;

  for (gsize i = 0; i < c->g; i++)
    m += !(c->p[i] >= cut);
  return m;
}

/* The largest cut in {lesion values} ∪ {1} with Σ_i miss_i(c) / G_i <=
 * epsilon (n + 1) - 1, on rationals; -1 when none. Empty cases lose 0. */
static double
brute_crc (const Case  *cases,
           guint        n,
           ClsFraction  eps)
{
  double best = -1;
  mpq_t sum, term, target;

  mpq_inits (sum, term, target, NULL);
  mpz_set_ui (mpq_numref (target), eps.num);
  mpz_mul_ui (mpq_numref (target), mpq_numref (target), n + 1);
  mpz_sub_ui (mpq_numref (target), mpq_numref (target), eps.den);
  mpz_set_ui (mpq_denref (target), eps.den);
  mpq_canonicalize (target);

  for (guint j = 0; j <= n; j++)
    for (gsize v = 0; v < (j < n ? cases[j].g : 1); v++)
      {
        double c = j < n ? cases[j].p[v] : 1.0;

        mpq_set_ui (sum, 0, 1);
        for (guint i = 0; i < n; i++)
          if (cases[i].g > 0)
            {
              mpq_set_ui (term, brute_miss (&cases[i], c), cases[i].g);
              mpq_canonicalize (term);
              mpq_add (sum, sum, term);
            }
        if (mpq_cmp (sum, target) <= 0 && c > best)
          best = c;
      }
  mpq_clears (sum, term, target, NULL);
  return best;
}

static GPtrArray *
summaries_of (const Case *cases,
              guint       n)
{
  GPtrArray *s = g_ptr_array_new_with_free_func ((GDestroyNotify) cls_case_summary_unref);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *id = g_strdup_printf ("c%u", i);
      g_ptr_array_add (s, cls_test_summary_new (id, cases[i].p, cases[i].l, cases[i].n));
    }
  return s;
}

static void
test_crc_brute_force (void)
{
  GRand *rand = g_rand_new_with_seed (cls_test_seed ());
  const char *eps[] = { "0.1", "0.2", "0.3", "0.05", "0.5", "0.25", "0.04" };

  for (int trial = 0; trial < 200; trial++)
    {
      guint n = g_rand_int_range (rand, 1, 25);
      g_autofree Case *cases = g_new (Case, n);
      g_autoptr(GPtrArray) summaries = NULL;
      g_autoptr(ClsCalibration) cal = NULL;
      g_autoptr(GError) error = NULL;
      ClsCalibrationParams params;
      guint used = 0;
      double expected;

      cls_calibration_params_init (&params);
      params.method = CLS_METHOD_CRC;
      params.epsilon = frac (eps[trial % G_N_ELEMENTS (eps)]);
      params.empty_policy = trial % 2 ? CLS_EMPTY_INCLUDE : CLS_EMPTY_SKIP;
      for (guint i = 0; i < n; i++)
        cases[i] = random_case (rand, trial % 3 != 0, TRUE);
      summaries = summaries_of (cases, n);

      /* the cases that take part */
      {
        g_autofree Case *part = g_new (Case, n);

        for (guint i = 0; i < n; i++)
          if (cases[i].g > 0 || params.empty_policy == CLS_EMPTY_INCLUDE)
            part[used++] = cases[i];
        expected = brute_crc (part, used, params.epsilon);
      }

      cal = cls_calibration_new ((ClsCaseSummary **) summaries->pdata, n, &params, &error);
      if (used == 0)
        g_assert_error (error, CLS_ERROR, CLS_ERROR_NO_CASES);
      else
        {
          g_assert_no_error (error);
          g_assert_cmpint (cls_calibration_is_feasible (cal), ==, expected >= 0);
          if (expected >= 0)
            {
              g_assert_cmpfloat (cls_calibration_get_cut (cal), ==, expected);
              g_assert_cmpfloat (cls_calibration_get_t_hat (cal), ==, 1.0 - expected);
              g_assert_cmpuint (cls_calibration_get_rank (cal), ==, 0);
            }
          else
            g_assert_cmpfloat (cls_calibration_get_cut (cal), ==, 0.0);
        }
      for (guint i = 0; i < n; i++)
        case_clear (&cases[i]);
    }
  g_rand_free (rand);
}

/* CLS is CRC with the binary loss 1{L_i > epsilon}: on real summaries, the
 * profiles {c_i} of cls_calibration_new()'s critical cuts, with CRC at
 * epsilon = alpha, give back its ĉ. */
static void
test_crc_binary_is_cls (void)
{
  GRand *rand = g_rand_new_with_seed (cls_test_seed () + 1);
  const char *alphas[] = { "0.1", "0.2", "0.05", "0.3", "0.25" };

  for (int trial = 0; trial < 150; trial++)
    {
      guint n = g_rand_int_range (rand, 1, 50);
      g_autofree Case *cases = g_new (Case, n);
      g_autoptr(GPtrArray) summaries = NULL;
      g_autoptr(ClsCalibration) cal = NULL;
      g_autofree ClsLossProfile *profiles = g_new (ClsLossProfile, n);
      g_autofree double *c = g_new (double, n);
      ClsCalibrationParams params;
      ClsRiskControl crc;

      for (guint i = 0; i < n; i++)
        cases[i] = random_case (rand, trial % 2 == 0, FALSE);
      summaries = summaries_of (cases, n);
      cls_calibration_params_init (&params);
      params.alpha = frac (alphas[trial % G_N_ELEMENTS (alphas)]);
      params.epsilon = frac (trial % 3 ? "0.2" : "0.1");
      cal = cls_calibration_new ((ClsCaseSummary **) summaries->pdata, n, &params, NULL);
      g_assert_nonnull (cal);

      for (guint i = 0; i < n; i++)
        {
          c[i] = cls_calibration_get_case (cal, i)->score.cut;
          profiles[i] = (ClsLossProfile) { &c[i], 1 };
        }
      cls_crc_cut (profiles, n, params.alpha, &crc);
      g_assert_cmpint (crc.feasible, ==, cls_calibration_is_feasible (cal));
      if (crc.feasible)
        g_assert_cmpfloat (crc.cut, ==, cls_calibration_get_cut (cal));
      for (guint i = 0; i < n; i++)
        case_clear (&cases[i]);
    }
  g_rand_free (rand);
}

/* pac: the rank is the smallest k with BetaCDF(1 - alpha; k, n + 1 - k) <=
 * delta (a linear scan), and ĉ the k-th largest critical cut. */
static void
test_pac_brute_force (void)
{
  GRand *rand = g_rand_new_with_seed (cls_test_seed () + 2);

  for (int trial = 0; trial < 80; trial++)
    {
      guint n = g_rand_int_range (rand, 1, 80);
      g_autofree Case *cases = g_new (Case, n);
      g_autoptr(GPtrArray) summaries = NULL;
      g_autoptr(ClsCalibration) marginal = NULL;
      g_autoptr(ClsCalibration) pac = NULL;
      g_autofree double *c = g_new (double, n);
      ClsCalibrationParams params;
      guint64 k = 1;

      for (guint i = 0; i < n; i++)
        cases[i] = random_case (rand, trial % 2 == 0, FALSE);
      summaries = summaries_of (cases, n);
      cls_calibration_params_init (&params);
      params.alpha = frac (trial % 2 ? "0.2" : "0.1");
      marginal = cls_calibration_new ((ClsCaseSummary **) summaries->pdata, n, &params, NULL);
      params.guarantee = CLS_GUARANTEE_PAC;
      params.delta = frac (trial % 3 ? "0.1" : "0.05");
      pac = cls_calibration_new ((ClsCaseSummary **) summaries->pdata, n, &params, NULL);
      g_assert_nonnull (marginal);
      g_assert_nonnull (pac);

      while (k <= n && !(gsl_cdf_beta_P (1.0 - cls_fraction_to_double (params.alpha), (double) k,
                                         (double) (n + 1 - k)) <= cls_fraction_to_double (params.delta)))
        k++;
      g_assert_cmpuint (cls_calibration_get_rank (pac), ==, k);
      g_assert_cmpuint (cls_calibration_get_rank (pac), >=, cls_calibration_get_rank (marginal));
      g_assert_cmpint (cls_calibration_is_feasible (pac), ==, k <= n);
      if (k <= n)
        {
          for (guint i = 0; i < n; i++)
            c[i] = cls_calibration_get_case (marginal, i)->score.cut;
          g_assert_cmpfloat (cls_calibration_get_cut (pac), ==, cls_select_kth_largest (c, n, k));
        }
      else
        {
          /* the smallest feasible n, by the same scan */
          guint64 m = cls_calibration_get_min_n (pac);

          g_assert_cmpuint (m, >, n);
          g_assert_cmpuint (cls_pac_rank (params.alpha, params.delta, m), <=, m);
          g_assert_cmpuint (cls_pac_rank (params.alpha, params.delta, m - 1), >, m - 1);
        }
      for (guint i = 0; i < n; i++)
        case_clear (&cases[i]);
    }
  g_rand_free (rand);
}

/* ltt: from the conservative end c = 0 up the grid g / 16384, the last cut
 * before the first whose Hoeffding–Bentkus p-value exceeds delta. */
static void
test_ltt_brute_force (void)
{
  GRand *rand = g_rand_new_with_seed (cls_test_seed () + 3);

  for (int trial = 0; trial < 12; trial++)
    {
      guint n = g_rand_int_range (rand, 5, 60);
      g_autofree Case *cases = g_new (Case, n);
      g_autoptr(GPtrArray) summaries = NULL;
      g_autoptr(ClsCalibration) cal = NULL;
      ClsCalibrationParams params;
      gint last = -1;

      for (guint i = 0; i < n; i++)
        cases[i] = random_case (rand, FALSE, FALSE);
      summaries = summaries_of (cases, n);
      cls_calibration_params_init (&params);
      params.method = CLS_METHOD_LTT;
      params.epsilon = frac (trial % 2 ? "0.3" : "0.5");
      params.delta = frac ("0.1");
      cal = cls_calibration_new ((ClsCaseSummary **) summaries->pdata, n, &params, NULL);
      g_assert_nonnull (cal);

      for (gint g = 0; g <= CLS_LTT_GRID; g++)
        {
          double cut = (double) g / CLS_LTT_GRID, risk = 0;

          for (guint i = 0; i < n; i++)
            risk += (double) brute_miss (&cases[i], cut) / cases[i].g;
          if (!(cls_hb_pvalue (risk / n, n, cls_fraction_to_double (params.epsilon)) <= 0.1))
            break;
          last = g;
        }
      g_assert_cmpint (cls_calibration_is_feasible (cal), ==, last >= 0);
      if (last >= 0)
        g_assert_cmpfloat (cls_calibration_get_cut (cal), ==, (double) last / CLS_LTT_GRID);
      for (guint i = 0; i < n; i++)
        case_clear (&cases[i]);
    }
  g_rand_free (rand);
}

static void
test_combinations (void)
{
  struct {
    ClsMethod method;
    ClsGuarantee guarantee;
    const char *delta;
    ClsLoss loss;
    const char *expect;
  } bad[] = {
    { CLS_METHOD_LTT, CLS_GUARANTEE_MARGINAL, NULL, CLS_LOSS_VOXEL, "needs --delta" },
    { CLS_METHOD_EXACT, CLS_GUARANTEE_PAC, NULL, CLS_LOSS_VOXEL, "needs --delta" },
    { CLS_METHOD_CRC, CLS_GUARANTEE_PAC, "0.1", CLS_LOSS_VOXEL, "exact and bisect" },
    { CLS_METHOD_LTT, CLS_GUARANTEE_PAC, "0.1", CLS_LOSS_VOXEL, "exact and bisect" },
    { CLS_METHOD_EXACT, CLS_GUARANTEE_MARGINAL, "0.1", CLS_LOSS_VOXEL, "only by" },
    { CLS_METHOD_CRC, CLS_GUARANTEE_MARGINAL, "0.1", CLS_LOSS_VOXEL, "only by" },
    { CLS_METHOD_BISECT, CLS_GUARANTEE_MARGINAL, NULL, CLS_LOSS_LESION, "voxel loss only" },
    { CLS_METHOD_LTT, CLS_GUARANTEE_MARGINAL, "1", CLS_LOSS_VOXEL, "delta" },
  };

  for (guint k = 0; k < G_N_ELEMENTS (bad); k++)
    {
      g_autoptr(GError) error = NULL;
      ClsCalibrationParams params;

      cls_calibration_params_init (&params);
      params.method = bad[k].method;
      params.guarantee = bad[k].guarantee;
      if (bad[k].delta != NULL)
        params.delta = frac (bad[k].delta);
      params.loss = bad[k].loss;
      g_assert_false (cls_calibration_params_check (&params, &error));
      g_assert_error (error, CLS_ERROR, CLS_ERROR_INVALID_ARGUMENT);
      g_assert_nonnull (strstr (error->message, bad[k].expect));
    }

  {
    g_autoptr(GError) error = NULL;
    ClsCalibrationParams params;

    cls_calibration_params_init (&params);
    params.loss = CLS_LOSS_LESION;
    params.lesion_coverage = frac ("1.5");
    g_assert_false (cls_calibration_params_check (&params, &error));
    g_clear_error (&error);
    params.lesion_coverage = frac ("0");
    g_assert_false (cls_calibration_params_check (&params, &error));
    g_clear_error (&error);
    params.lesion_coverage = frac ("1");
    params.method = CLS_METHOD_LTT;
    params.delta = frac ("0.05");
    g_assert_true (cls_calibration_params_check (&params, &error));
  }
}

/* Evaluation, split by split
 * -------------------------- */

#define GX 8
#define GY 8
#define GZ 4
#define GN (GX * GY * GZ)

/* A case with lesions: a few boxes of ground truth, probabilities that
 * tie, and a predicted size that varies (for the strata). */
static ClsCaseSummary *
grid_case (GRand      *rand,
           const char *id)
{
  static const gint64 dims[3] = { GX, GY, GZ };
  static const double spacing[3] = { 1.5, 1.5, 2.0 };
  double p[GN];
  guint8 l[GN] = { 0 };
  guint predicted = g_rand_int_range (rand, 0, 3) == 0 ? g_rand_int_range (rand, 0, 8)
                                                        : g_rand_int_range (rand, 10, GN);

  for (guint b = g_rand_int_range (rand, 0, 4); b > 0; b--)
    {
      guint x0 = g_rand_int_range (rand, 0, GX), y0 = g_rand_int_range (rand, 0, GY), z0 = g_rand_int_range (rand, 0, GZ);

      for (guint z = z0; z < MIN (z0 + 2, GZ); z++)
        for (guint y = y0; y < MIN (y0 + 3, GY); y++)
          for (guint x = x0; x < MIN (x0 + 3, GX); x++)
            l[x + GX * (y + GY * z)] = 1;
    }
  for (guint i = 0; i < GN; i++)
    p[i] = i < predicted ? 0.5 + 0.5 * tie_values[g_rand_int_range (rand, 0, G_N_ELEMENTS (tie_values))]
                         : 0.49 * tie_values[g_rand_int_range (rand, 0, G_N_ELEMENTS (tie_values))];
  return cls_test_summary_new_from_grid (id, dims, spacing, p, l);
}

static gboolean
covered_at (const ClsCaseSummary       *s,
            const ClsCalibrationParams *params,
            double                      cut)
{
  ClsCaseScore score;

  if (cls_case_summary_get_n_lesion (s) == 0)
    return TRUE;
  g_assert_true (cls_case_score (s, params, &score));
  if (params->method == CLS_METHOD_BISECT)
    return cls_case_covered (s, NULL, score.allowed, cut);
  return score.cut >= cut;
}

/* Each split of cls_evaluate() against cls_calibration_new() on its
 * calibration part, and the test cases measured one by one. */
static void
check_splits (GPtrArray                  *pool,
              const ClsCalibrationParams *params)
{
  g_autoptr(GPtrArray) usable = g_ptr_array_new ();
  g_autoptr(ClsEvaluation) ev = NULL;
  g_autoptr(ClsSplits) splits = NULL;
  g_autoptr(GError) error = NULL;
  ClsEvaluationParams eval;
  ClsCaseScore score;

  for (guint i = 0; i < pool->len; i++)
    if (cls_case_score (pool->pdata[i], params, &score))
      g_ptr_array_add (usable, pool->pdata[i]);

  cls_evaluation_params_init (&eval);
  eval.n_splits = 6;
  eval.lesion_measures = TRUE;
  ev = cls_evaluate ((ClsCaseSummary **) pool->pdata, pool->len, params, &eval, &error);
  g_assert_no_error (error);
  g_assert_true (cls_evaluation_has_lesion_measures (ev));
  splits = cls_splits_new (usable->len, eval.n_splits, eval.cal_fraction, eval.seed, &error);
  g_assert_no_error (error);

  for (guint s = 0; s < eval.n_splits; s++)
    {
      const guint32 *perm = cls_splits_get_split (splits, s);
      guint n_cal = cls_splits_get_n_cal (splits), n_test = usable->len - n_cal;
      g_autofree ClsCaseSummary **cal_part = g_new (ClsCaseSummary *, n_cal);
      g_autoptr(ClsCalibration) cal = NULL;
      const ClsSplitResult *sr = cls_evaluation_get_split (ev, s);
      double ecr = 0, fnr = 0, pc = 0, cut_sum = 0, lesion_fnr = 0;
      double missed[CLS_N_SIZE_BANDS] = { 0 }, lesions[CLS_N_SIZE_BANDS] = { 0 };

      for (guint i = 0; i < n_cal; i++)
        cal_part[i] = usable->pdata[perm[i]];
      cal = cls_calibration_new (cal_part, n_cal, params, &error);
      g_assert_no_error (error);

      for (guint t = n_cal; t < usable->len; t++)
        {
          ClsCaseSummary *c = usable->pdata[perm[t]];
          const ClsComponents *comp = cls_case_summary_get_components (c);
          double cut;

          g_assert_true (cls_calibration_cut_for_case (cal, c, &cut, NULL));
          cut_sum += cut;
          ecr += covered_at (c, params, cut);
          fnr += cls_case_summary_get_n_lesion (c) > 0 ? cls_case_fnr (c, NULL, cut) : 0.0;
          pc += cls_case_pc (c, NULL, cut);
          if (comp != NULL && cls_components_get_n (comp) > 0)
            {
              guint32 j_missed = 0;

              for (guint32 j = 0; j < cls_components_get_n (comp); j++)
                {
                  gboolean miss = cls_components_detection_cut (comp, j, params->lesion_coverage, NULL) < cut;

                  lesions[cls_components_get_band (comp, j)]++;
                  missed[cls_components_get_band (comp, j)] += miss;
                  j_missed += miss;
                }
              lesion_fnr += (double) j_missed / cls_components_get_n (comp);
            }
        }

      g_assert_cmpfloat_with_epsilon (sr->cut, cut_sum / n_test, 1e-12);
      g_assert_cmpfloat_with_epsilon (sr->ecr_calibrated, ecr / n_test, 1e-12);
      g_assert_cmpfloat_with_epsilon (sr->fnr_calibrated, fnr / n_test, 1e-12);
      g_assert_cmpfloat_with_epsilon (sr->pc_calibrated, pc / n_test, 1e-12);
      g_assert_cmpfloat_with_epsilon (sr->lesion_fnr_calibrated, lesion_fnr / n_test, 1e-12);
      g_assert_cmpfloat (sr->lesions_small, ==, lesions[CLS_SIZE_SMALL]);
      g_assert_cmpfloat (sr->lesions_medium, ==, lesions[CLS_SIZE_MEDIUM]);
      g_assert_cmpfloat (sr->lesions_large, ==, lesions[CLS_SIZE_LARGE]);
      g_assert_cmpfloat (sr->missed_small_calibrated, ==, missed[CLS_SIZE_SMALL]);
      g_assert_cmpfloat (sr->missed_medium_calibrated, ==, missed[CLS_SIZE_MEDIUM]);
      g_assert_cmpfloat (sr->missed_large_calibrated, ==, missed[CLS_SIZE_LARGE]);
    }
}

static void
test_evaluation_split_by_split (void)
{
  GRand *rand = g_rand_new_with_seed (cls_test_seed () + 4);
  g_autoptr(GPtrArray) pool = g_ptr_array_new_with_free_func ((GDestroyNotify) cls_case_summary_unref);
  g_autoptr(ClsWeights) w = cls_weights_new ();
  ClsCalibrationParams params;

  for (guint i = 0; i < 90; i++)
    {
      g_autofree char *id = g_strdup_printf ("c%u", i);

      g_ptr_array_add (pool, grid_case (rand, id));
      g_assert_true (cls_weights_add (w, id, (ClsFraction) { (guint64) g_rand_int_range (rand, 1, 40), 10 }, NULL));
    }

  /* the paper's method on its fast path, with lesion measures */
  cls_calibration_params_init (&params);
  check_splits (pool, &params);
  params.guarantee = CLS_GUARANTEE_PAC;
  params.delta = frac ("0.1");
  check_splits (pool, &params);

  cls_calibration_params_init (&params);
  params.method = CLS_METHOD_CRC;
  check_splits (pool, &params);
  params.loss = CLS_LOSS_LESION;
  params.lesion_coverage = frac ("0.3");
  check_splits (pool, &params);
  params.method = CLS_METHOD_LTT;
  params.delta = frac ("0.2");
  params.epsilon = frac ("0.4");
  check_splits (pool, &params);

  cls_calibration_params_init (&params);
  params.loss = CLS_LOSS_LESION;
  params.empty_policy = CLS_EMPTY_INCLUDE;
  check_splits (pool, &params);

  cls_calibration_params_init (&params);
  params.alpha = frac ("0.3");
  params.strata = CLS_STRATA_SIZE;
  check_splits (pool, &params);

  cls_calibration_params_init (&params);
  params.weights = w;
  check_splits (pool, &params);
  params.method = CLS_METHOD_BISECT;
  check_splits (pool, &params);

  g_rand_free (rand);
}

/* The report's methods side by side: each row is the evaluation of its
 * method on the same splits. */
static void
test_comparison_rows (void)
{
  GRand *rand = g_rand_new_with_seed (cls_test_seed () + 7);
  g_autoptr(GPtrArray) pool = g_ptr_array_new_with_free_func ((GDestroyNotify) cls_case_summary_unref);
  g_autoptr(ClsMethodComparison) cmp = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *csv = NULL;
  g_autofree char *md = NULL;
  g_auto(GStrv) lines = NULL;
  ClsCalibrationParams base;
  ClsEvaluationParams eval;
  guint rows = 0;

  for (guint i = 0; i < 60; i++)
    {
      g_autofree char *id = g_strdup_printf ("c%u", i);
      g_ptr_array_add (pool, grid_case (rand, id));
    }
  cls_calibration_params_init (&base);
  base.alpha = frac ("0.25");
  cls_evaluation_params_init (&eval);
  eval.n_splits = 12;
  cmp = cls_method_comparison_new (&base, &eval, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (cls_method_comparison_add_model (cmp, "ds", "m", (ClsCaseSummary **) pool->pdata, pool->len, &error));
  g_assert_no_error (error);

  /* fixed, exact, bisect, PAC, crc, ltt, and the lesion loss twice */
  g_assert_cmpuint (cls_method_comparison_get_n_rows (cmp), ==, 8);
  for (guint i = 0; i < cls_method_comparison_get_n_rows (cmp); i++)
    {
      const ClsMethodRow *row = cls_method_comparison_get_row (cmp, i);
      g_autoptr(ClsEvaluation) ev = NULL;
      ClsEvaluationParams e = eval;
      ClsStat ecr, fnr, t_hat;

      e.lesion_measures = TRUE;
      ev = cls_evaluate ((ClsCaseSummary **) pool->pdata, pool->len, &row->params, &e, &error);
      g_assert_no_error (error);
      ecr = cls_evaluation_get_stat (ev, row->fixed ? CLS_SPLIT_FIELD (ecr_fixed) : CLS_SPLIT_FIELD (ecr_calibrated));
      fnr = cls_evaluation_get_stat (ev, row->fixed ? CLS_SPLIT_FIELD (fnr_fixed) : CLS_SPLIT_FIELD (fnr_calibrated));
      t_hat = cls_evaluation_get_stat (ev, CLS_SPLIT_FIELD (t_hat));
      g_assert_cmpfloat (row->ecr.mean, ==, ecr.mean);
      g_assert_cmpfloat (row->fnr.mean, ==, fnr.mean);
      g_assert_cmpfloat (row->t_hat.mean, ==, row->fixed ? 0.5 : t_hat.mean);
      g_assert_true (row->lesions);
    }

  csv = cls_method_comparison_to_csv (cmp);
  lines = g_strsplit (csv, "\n", -1);
  for (guint i = 1; lines[i] != NULL; i++)
    rows += *lines[i] != '\0';
  g_assert_cmpuint (rows, ==, 8);
  g_assert_true (g_str_has_prefix (lines[0], "dataset,model,method,guarantee,delta,loss,"));
  md = cls_method_comparison_to_markdown (cmp);
  g_assert_nonnull (strstr (md, "| m | crc, lesion loss | lesion |"));
  g_assert_nonnull (strstr (md, "| m | ltt, δ = 0.1 | voxel |"));
  g_rand_free (rand);
}

/* Guarantees by simulation
 * ------------------------
 *
 * A population of cases is the true distribution: calibration sets and
 * test cases are drawn from it with replacement, so a cut's true risk is
 * the population's mean loss and its coverage the population's share of
 * cases with L <= epsilon, both exactly. */

typedef struct {
  guint            n;
  ClsCaseSummary **cases;
  double          *cuts;  /* critical cuts at epsilon, sorted from largest */
} Population;

static Population
population_new (GRand       *rand,
                guint        n,
                ClsFraction  eps)
{
  Population pop = { n, g_new (ClsCaseSummary *, n), g_new (double, n) };
  ClsCalibrationParams params;

  cls_calibration_params_init (&params);
  params.epsilon = eps;
  for (guint i = 0; i < n; i++)
    {
      gsize g = g_rand_int_range (rand, 5, 41);
      double a = exp (g_rand_double_range (rand, log (0.15), log (4.0)));  /* how hard the case is */
      g_autofree double *p = g_new (double, g + 8);
      g_autofree guint8 *l = g_new0 (guint8, g + 8);
      g_autofree char *id = g_strdup_printf ("p%u", i);
      ClsCaseScore score;

      for (gsize v = 0; v < g + 8; v++)
        {
          l[v] = v < g;
          p[v] = (float) (l[v] ? pow (g_rand_double (rand), a) : 0.3 * g_rand_double (rand));
        }
      pop.cases[i] = cls_test_summary_new (id, p, l, g + 8);
      g_assert_true (cls_case_score (pop.cases[i], &params, &score));
      pop.cuts[i] = score.cut;
    }
  cls_sort_probabilities (pop.cuts, n, TRUE, TRUE);
  return pop;
}

static void
population_free (Population *pop)
{
  for (guint i = 0; i < pop->n; i++)
    cls_case_summary_unref (pop->cases[i]);
  g_free (pop->cases);
  g_free (pop->cuts);
}

static double
population_risk (const Population *pop,
                 double            cut)
{
  double sum = 0;

  for (guint i = 0; i < pop->n; i++)
    sum += cls_case_fnr (pop->cases[i], NULL, cut);
  return sum / pop->n;
}

static double
population_coverage (const Population *pop,
                     double            cut)
{
  guint covered = 0;

  while (covered < pop->n && pop->cuts[covered] >= cut)
    covered++;
  return (double) covered / pop->n;
}

static void
test_guarantees_by_simulation (void)
{
  GRand *rand = g_rand_new_with_seed (cls_test_seed () + 5);
  const guint n = 40, trials = 2000;
  ClsFraction eps = frac ("0.2");
  Population pop = population_new (rand, 1500, eps);
  g_autofree ClsCaseSummary **draw = g_new (ClsCaseSummary *, n);
  double crc_sum = 0, crc_sq = 0, exact_cov = 0;
  guint pac_ok = 0, ltt_ok = 0;

  for (guint t = 0; t < trials; t++)
    {
      ClsCalibrationParams params;
      g_autoptr(ClsCalibration) crc = NULL;
      g_autoptr(ClsCalibration) pac = NULL;
      g_autoptr(ClsCalibration) ltt = NULL;
      g_autoptr(ClsCalibration) exact = NULL;
      double r;

      for (guint i = 0; i < n; i++)
        draw[i] = pop.cases[g_rand_int_range (rand, 0, pop.n)];

      cls_calibration_params_init (&params);
      params.epsilon = eps;
      exact = cls_calibration_new (draw, n, &params, NULL);
      exact_cov += population_coverage (&pop, cls_calibration_get_cut (exact));

      params.method = CLS_METHOD_CRC;
      crc = cls_calibration_new (draw, n, &params, NULL);
      r = population_risk (&pop, cls_calibration_get_cut (crc));
      crc_sum += r;
      crc_sq += r * r;

      params.method = CLS_METHOD_LTT;
      params.delta = frac ("0.1");
      ltt = cls_calibration_new (draw, n, &params, NULL);
      ltt_ok += population_risk (&pop, cls_calibration_get_cut (ltt)) <= 0.2;

      params.method = CLS_METHOD_EXACT;
      params.guarantee = CLS_GUARANTEE_PAC;
      pac = cls_calibration_new (draw, n, &params, NULL);
      pac_ok += population_coverage (&pop, cls_calibration_get_cut (pac)) >= 0.8;
    }

  {
    double mean = crc_sum / trials, se = sqrt ((crc_sq / trials - mean * mean) / trials);
    double pac_share = (double) pac_ok / trials, ltt_share = (double) ltt_ok / trials;
    double share_se = sqrt (0.1 * 0.9 / trials);

    g_test_message ("over %u calibration sets of %u: CRC mean risk %.4f (se %.4f, target 0.2); "
                    "PAC coverage >= 0.8 in %.3f; LTT risk <= 0.2 in %.3f (targets 0.9); "
                    "marginal coverage %.3f (target 0.8)",
                    trials, n, mean, se, pac_share, ltt_share, exact_cov / trials);
    /* E[L_test] <= epsilon, and not trivially */
    g_assert_cmpfloat (mean, <=, 0.2 + 3 * se);
    g_assert_cmpfloat (mean, >=, 0.15);
    /* P(coverage >= 1 - alpha) >= 1 - delta; P(R <= epsilon) >= 1 - delta */
    g_assert_cmpfloat (pac_share, >=, 0.9 - 3 * share_se);
    g_assert_cmpfloat (ltt_share, >=, 0.9 - 3 * share_se);
    g_assert_cmpfloat (exact_cov / trials, >=, 0.8 - 0.01);
  }

  population_free (&pop);
  g_rand_free (rand);
}

/* CRC with the lesion loss: E[lesion-level FNR] <= epsilon. */
static void
test_lesion_crc_by_simulation (void)
{
  GRand *rand = g_rand_new_with_seed (cls_test_seed () + 6);
  const guint n = 30, trials = 1000, pop_n = 400;
  g_autoptr(GPtrArray) pop = g_ptr_array_new_with_free_func ((GDestroyNotify) cls_case_summary_unref);
  g_autoptr(GPtrArray) cuts = g_ptr_array_new_with_free_func ((GDestroyNotify) cls_lesion_cuts_free);
  g_autofree ClsCaseSummary **draw = g_new (ClsCaseSummary *, n);
  ClsFraction q = frac ("0.5");
  double sum = 0, sq = 0;

  while (pop->len < pop_n)
    {
      g_autofree char *id = g_strdup_printf ("p%u", pop->len);
      ClsCaseSummary *c = grid_case (rand, id);

      if (cls_case_summary_get_n_lesion (c) == 0)
        {
          cls_case_summary_unref (c);
          continue;
        }
      g_ptr_array_add (pop, c);
      g_ptr_array_add (cuts, cls_lesion_cuts_new (cls_case_summary_get_components (c), q, NULL));
    }

  for (guint t = 0; t < trials; t++)
    {
      g_autoptr(ClsCalibration) crc = NULL;
      ClsCalibrationParams params;
      double risk = 0;

      for (guint i = 0; i < n; i++)
        draw[i] = pop->pdata[g_rand_int_range (rand, 0, pop_n)];
      cls_calibration_params_init (&params);
      params.method = CLS_METHOD_CRC;
      params.loss = CLS_LOSS_LESION;
      params.lesion_coverage = q;
      crc = cls_calibration_new (draw, n, &params, NULL);
      g_assert_nonnull (crc);
      for (guint i = 0; i < pop_n; i++)
        {
          const ClsLesionCuts *lc = cuts->pdata[i];
          risk += (double) cls_lesion_cuts_missed (lc, cls_calibration_get_cut (crc)) / lc->n;
        }
      risk /= pop_n;
      sum += risk;
      sq += risk * risk;
    }

  {
    double mean = sum / trials, se = sqrt ((sq / trials - mean * mean) / trials);

    g_test_message ("CRC, lesion loss: mean lesion-level FNR %.4f (se %.4f, target 0.2)", mean, se);
    g_assert_cmpfloat (mean, <=, 0.2 + 3 * se);
    g_assert_cmpfloat (mean, >=, 0.05);
  }
  g_rand_free (rand);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/methods/crc-brute-force", test_crc_brute_force);
  g_test_add_func ("/methods/crc-binary-is-cls", test_crc_binary_is_cls);
  g_test_add_func ("/methods/pac-brute-force", test_pac_brute_force);
  g_test_add_func ("/methods/ltt-brute-force", test_ltt_brute_force);
  g_test_add_func ("/methods/combinations", test_combinations);
  g_test_add_func ("/methods/evaluation-split-by-split", test_evaluation_split_by_split);
  g_test_add_func ("/methods/comparison-rows", test_comparison_rows);
  g_test_add_func ("/methods/guarantees-by-simulation", test_guarantees_by_simulation);
  g_test_add_func ("/methods/lesion-crc-by-simulation", test_lesion_crc_by_simulation);

  return g_test_run ();
}
