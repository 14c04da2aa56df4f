/* test-calibration.c: critical cuts, rank and t̂ against brute force
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The brute force follows the definitions literally, on the voxel arrays:
 * L_i(c) = #{lesion voxels with p < c} / G_i, compared with epsilon as an
 * exact decimal (miss · den <= num · G), the critical cut is the largest
 * candidate cut with L_i <= epsilon, and t̂ takes the k-th largest cut with
 * k the smallest integer >= (1 - alpha)(n + 1).
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>

#include "cls-calibration.h"
#include "cls-error.h"
#include "cls-test-util.h"

typedef struct {
  gsize   n;
  double *p;
  guint8 *lesion;
} Case;

static void
case_free (Case *c)
{
  g_free (c->p);
  g_free (c->lesion);
}

static ClsFraction
frac (const char *s)
{
  ClsFraction f;
  g_assert_true (cls_fraction_parse (s, &f, NULL));
  return f;
}

/* Candidate probability values: few of them, so ties are everywhere, and the
 * float32 values whose complements are inexact. */
static const float tie_values[] = { 0.0f, 0.1f, 0.3f, 0.3f, 0.5f, 0.7f, 0.7f, 0.9f, 1.0f, 0.2f, 0.6f };

static Case
random_case (GRand    *rand,
             gboolean  ties,
             gsize     max_lesion,
             gboolean  allow_empty)
{
  Case c;
  gsize g;

  c.n = g_rand_int_range (rand, 20, 300);
  c.p = g_new (double, c.n);
  c.lesion = g_new0 (guint8, c.n);

  g = allow_empty ? g_rand_int_range (rand, 0, max_lesion + 1)
                  : g_rand_int_range (rand, 1, max_lesion + 1);
  g = MIN (g, c.n);

  for (gsize i = 0; i < c.n; i++)
    {
      if (ties)
        c.p[i] = tie_values[g_rand_int_range (rand, 0, G_N_ELEMENTS (tie_values))];
      else
        c.p[i] = (float) g_rand_double (rand);  /* float32 values, as maps store them */
      c.lesion[i] = i < g;
    }

  return c;
}

static guint64
brute_miss (const Case *c,
            double      cut)
{
  guint64 miss = 0;

  for (gsize i = 0; i < c->n; i++)
    if (c->lesion[i] && !(c->p[i] >= cut))
      miss++;
  return miss;
}

static guint64
brute_g (const Case *c)
{
  guint64 g = 0;

  for (gsize i = 0; i < c->n; i++)
    g += c->lesion[i];
  return g;
}

static guint64
brute_count (const Case *c,
             double      cut)
{
  guint64 k = 0;

  for (gsize i = 0; i < c->n; i++)
    k += c->p[i] >= cut;
  return k;
}

static gboolean
loss_ok (ClsFraction eps,
         guint64     miss,
         guint64     g)
{
  return (unsigned __int128) miss * eps.den <= (unsigned __int128) eps.num * g;
}

/* Largest cut c in {lesion values} ∪ {1} with L(c) <= eps. */
static double
brute_cut (const Case  *c,
           ClsFraction  eps)
{
  guint64 g = brute_g (c);
  double best = -1;

  if (g == 0)
    return 1.0;

  if (loss_ok (eps, brute_miss (c, 1.0), g))
    return 1.0;

  for (gsize i = 0; i < c->n; i++)
    if (c->lesion[i] && c->p[i] > best && loss_ok (eps, brute_miss (c, c->p[i]), g))
      best = c->p[i];

  g_assert_cmpfloat (best, >=, 0);
  return best;
}

static guint64
brute_rank (ClsFraction alpha,
            guint64     n)
{
  guint64 k = 0;

  while (k * alpha.den < (alpha.den - alpha.num) * (n + 1))
    k++;
  return k;
}

static int
cmp_desc (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x < y) - (x > y);
}

static void
check_against_brute_force (Case        *cases,
                           guint        n_cases,
                           const char  *eps_text,
                           const char  *alpha_text,
                           ClsEmptyPolicy policy)
{
  g_autoptr(GPtrArray) summaries = g_ptr_array_new_with_free_func ((GDestroyNotify) cls_case_summary_unref);
  g_autoptr(ClsCalibration) cal = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree double *cuts = g_new (double, n_cases);
  ClsCalibrationParams params;
  guint n = 0;
  guint64 k;
  double expected_cut;

  cls_calibration_params_init (&params);
  params.epsilon = frac (eps_text);
  params.alpha = frac (alpha_text);
  params.empty_policy = policy;

  for (guint i = 0; i < n_cases; i++)
    {
      g_autofree char *id = g_strdup_printf ("case_%04u", i);
      g_ptr_array_add (summaries, cls_test_summary_new (id, cases[i].p, cases[i].lesion, cases[i].n));
    }

  cal = cls_calibration_new ((ClsCaseSummary **) summaries->pdata, n_cases, &params, &error);

  for (guint i = 0; i < n_cases; i++)
    if (brute_g (&cases[i]) > 0 || policy == CLS_EMPTY_INCLUDE)
      cuts[n++] = brute_cut (&cases[i], params.epsilon);

  if (n == 0)
    {
      g_assert_error (error, CLS_ERROR, CLS_ERROR_NO_CASES);
      return;
    }
  g_assert_no_error (error);

  k = brute_rank (params.alpha, n);
  g_assert_cmpuint (cls_calibration_get_n (cal), ==, n);
  g_assert_cmpuint (cls_calibration_get_n_skipped (cal), ==, n_cases - n);
  g_assert_cmpuint (cls_calibration_get_rank (cal), ==, k);
  g_assert_cmpint (cls_calibration_is_feasible (cal), ==, k <= n);

  qsort (cuts, n, sizeof (double), cmp_desc);
  expected_cut = k <= n ? cuts[k - 1] : 0.0;
  g_assert_cmpfloat (cls_calibration_get_cut (cal), ==, expected_cut);
  g_assert_cmpfloat (cls_calibration_get_t_hat (cal), ==, k <= n ? 1.0 - expected_cut : 1.0);

  for (guint i = 0; i < n_cases; i++)
    {
      const ClsCaseResult *r = cls_calibration_get_case (cal, i);
      guint64 g = brute_g (&cases[i]);

      g_assert_cmpint (r->skipped, ==, g == 0 && policy == CLS_EMPTY_SKIP);
      if (!r->skipped)
        {
          g_assert_cmpfloat (r->score.cut, ==, brute_cut (&cases[i], params.epsilon));
          g_assert_cmpfloat (r->score.t, ==, 1.0 - r->score.cut);
        }

      /* The case's mask at ĉ, counted voxel by voxel. */
      g_assert_cmpfloat (r->pc_calibrated, ==,
                         (double) brute_count (&cases[i], expected_cut) / cases[i].n);
      g_assert_cmpfloat (r->pc_fixed, ==, (double) brute_count (&cases[i], 0.5) / cases[i].n);
      if (g > 0)
        {
          guint64 miss = brute_miss (&cases[i], expected_cut);

          g_assert_cmpfloat (r->fnr_calibrated, ==, (double) miss / g);
          g_assert_cmpfloat (r->fnr_fixed, ==, (double) brute_miss (&cases[i], 0.5) / g);
          g_assert_cmpint (r->covered, ==, loss_ok (params.epsilon, miss, g));
          /* coverage is exactly "c_i >= ĉ" */
          g_assert_cmpint (r->covered, ==, brute_cut (&cases[i], params.epsilon) >= expected_cut);
        }
    }

  if (k <= n)
    g_assert_cmpuint (cls_calibration_get_n_covered (cal), >=, k);
}

static void
test_random_continuous (void)
{
  GRand *rand = g_rand_new_with_seed (cls_test_seed ());
  const char *eps[] = { "0.1", "0.2", "0.3", "0.05", "0.5", "0" };
  const char *alphas[] = { "0.1", "0.2", "0.05", "0.3" };

  for (int trial = 0; trial < 60; trial++)
    {
      guint n_cases = g_rand_int_range (rand, 1, 40);
      g_autofree Case *cases = g_new (Case, n_cases);

      for (guint i = 0; i < n_cases; i++)
        cases[i] = random_case (rand, FALSE, 60, FALSE);
      check_against_brute_force (cases, n_cases, eps[trial % G_N_ELEMENTS (eps)],
                                 alphas[trial % G_N_ELEMENTS (alphas)], CLS_EMPTY_SKIP);
      for (guint i = 0; i < n_cases; i++)
        case_free (&cases[i]);
    }

  g_rand_free (rand);
}

/* Few distinct values: ties within and across cases, 1 to 10 lesion voxels,
 * empty masks under both policies. */
static void
test_random_ties (void)
{
  GRand *rand = g_rand_new_with_seed (cls_test_seed () + 1);
  const char *eps[] = { "0.1", "0.2", "0.3", "0.25", "0.5", "0.7" };
  const char *alphas[] = { "0.1", "0.2", "0.25", "0.5" };

  for (int trial = 0; trial < 200; trial++)
    {
      guint n_cases = g_rand_int_range (rand, 1, 30);
      g_autofree Case *cases = g_new (Case, n_cases);

      for (guint i = 0; i < n_cases; i++)
        cases[i] = random_case (rand, TRUE, 10, TRUE);
      check_against_brute_force (cases, n_cases, eps[trial % G_N_ELEMENTS (eps)],
                                 alphas[(trial / 3) % G_N_ELEMENTS (alphas)],
                                 trial % 2 ? CLS_EMPTY_SKIP : CLS_EMPTY_INCLUDE);
      for (guint i = 0; i < n_cases; i++)
        case_free (&cases[i]);
    }

  g_rand_free (rand);
}

/* 0.3 in float32 is 0.300000011920928955078125; its complement in float32
 * is not 0.7f. The cut must be the stored value itself. */
static void
test_float32_values (void)
{
  double p[10];
  guint8 lesion[10];
  g_autoptr(ClsCaseSummary) s = NULL;
  ClsCalibrationParams params;
  ClsCaseScore score;

  for (int i = 0; i < 10; i++)
    {
      p[i] = i < 3 ? (double) 0.3f : (double) 0.7f;
      lesion[i] = 1;
    }
  s = cls_test_summary_new ("f32", p, lesion, 10);

  cls_calibration_params_init (&params);
  params.epsilon = frac ("0.2");  /* may miss 2: needs 8, the 8th largest is 0.3f */
  g_assert_true (cls_case_score (s, &params, &score));
  g_assert_cmpfloat (score.cut, ==, (double) 0.3f);
  g_assert_cmpuint (score.allowed, ==, 2);
  g_assert_cmpuint (cls_case_summary_lesion_at_least (s, NULL, score.cut), ==, 10);
  g_assert_cmpfloat (cls_case_fnr (s, NULL, score.cut), ==, 0.0);
  {
    /* why cuts are kept as probabilities: a complement taken twice in
     * float32 turns a small probability into another number entirely */
    volatile float tiny = 1e-9f;
    g_assert_cmpfloat ((double) (1.0f - (1.0f - tiny)), !=, (double) tiny);
  }

  params.epsilon = frac ("0.3");  /* may miss 3 exactly (0.3 · 10 = 3): needs 7 */
  g_assert_true (cls_case_score (s, &params, &score));
  g_assert_cmpuint (score.allowed, ==, 3);
  g_assert_cmpfloat (score.cut, ==, (double) 0.7f);
  g_assert_cmpfloat (cls_case_fnr (s, NULL, score.cut), ==, 0.3);
}

/* epsilon · G an integer that binary floating point lands just below. */
static void
test_integral_epsilon_g (void)
{
  g_autofree double *p = g_new (double, 100);
  g_autofree guint8 *lesion = g_new (guint8, 100);
  g_autoptr(ClsCaseSummary) s = NULL;
  ClsCalibrationParams params;
  ClsCaseScore score;

  for (int i = 0; i < 100; i++)
    {
      p[i] = (i + 1) / 128.0;  /* distinct, exact */
      lesion[i] = 1;
    }
  s = cls_test_summary_new ("g100", p, lesion, 100);

  cls_calibration_params_init (&params);
  params.epsilon = frac ("0.29");  /* 0.29 * 100 = 28.999999999999996 in doubles */
  g_assert_true (cls_case_score (s, &params, &score));
  g_assert_cmpuint (score.allowed, ==, 29);
  g_assert_cmpfloat (score.cut, ==, 30 / 128.0);  /* the 71st largest */
  g_assert_cmpuint (100 - cls_case_summary_lesion_at_least (s, NULL, score.cut), ==, 29);
}

/* n at the edge: alpha = 0.1 needs n >= 9. */
static void
test_infeasible_edge (void)
{
  double p[4] = { 0.9, 0.8, 0.1, 0.0 };
  guint8 lesion[4] = { 1, 1, 0, 0 };
  g_autoptr(GPtrArray) cases = g_ptr_array_new_with_free_func ((GDestroyNotify) cls_case_summary_unref);
  ClsCalibrationParams params;

  cls_calibration_params_init (&params);
  params.alpha = frac ("0.1");

  for (int n = 1; n <= 10; n++)
    {
      g_autoptr(ClsCalibration) cal = NULL;
      g_autoptr(GError) error = NULL;

      p[0] = 0.5 + n / 100.0;
      g_ptr_array_add (cases, cls_test_summary_new ("c", p, lesion, 4));
      cal = cls_calibration_new ((ClsCaseSummary **) cases->pdata, cases->len, &params, &error);
      g_assert_no_error (error);

      g_assert_cmpuint (cls_calibration_get_min_n (cal), ==, 9);
      if (n < 9)
        {
          g_assert_false (cls_calibration_is_feasible (cal));
          g_assert_cmpuint (cls_calibration_get_rank (cal), ==, (guint64) n + 1);
          g_assert_cmpfloat (cls_calibration_get_t_hat (cal), ==, 1.0);
          g_assert_cmpfloat (cls_calibration_get_cut (cal), ==, 0.0);
          /* everything is in the mask */
          g_assert_cmpfloat (cls_calibration_get_case (cal, 0)->pc_calibrated, ==, 1.0);
        }
      else
        {
          g_assert_true (cls_calibration_is_feasible (cal));
          g_assert_cmpuint (cls_calibration_get_rank (cal), <=, (guint64) n);
        }
    }
}

/* The authors' bisection, run on the voxel arrays as their code does. */
static double
brute_bisect (const Case *c,
              double      eps)
{
  double lo = 0, hi = 1;
  guint64 g = brute_g (c);

  for (int it = 0; it < 200; it++)
    {
      double mid = (lo + hi) / 2;
      guint64 tp = 0;
      double loss;

      for (gsize i = 0; i < c->n; i++)
        tp += c->lesion[i] && c->p[i] > 1.0 - mid;
      loss = 1.0 - (double) tp / g;
      if (fabs (loss - eps) < 1e-4)
        return mid;
      else if (loss > eps)
        lo = mid;
      else
        hi = mid;
    }
  return (lo + hi) / 2;
}

static void
test_bisect (void)
{
  GRand *rand = g_rand_new_with_seed (cls_test_seed () + 2);
  gboolean saw_difference = FALSE;

  for (int trial = 0; trial < 100; trial++)
    {
      Case c = random_case (rand, trial % 2, 40, FALSE);
      g_autoptr(ClsCaseSummary) s = cls_test_summary_new ("b", c.p, c.lesion, c.n);
      ClsCalibrationParams params;
      ClsCaseScore exact, bisect;

      cls_calibration_params_init (&params);
      params.epsilon = frac (trial % 3 ? "0.1" : "0.25");
      g_assert_true (cls_case_score (s, &params, &exact));
      params.method = CLS_METHOD_BISECT;
      g_assert_true (cls_case_score (s, &params, &bisect));

      g_assert_cmpfloat (bisect.t, ==, brute_bisect (&c, cls_fraction_to_double (params.epsilon)));
      saw_difference |= bisect.t != exact.t;
      case_free (&c);
    }

  /* The two methods are not the same thing (that is the point of offering both). */
  g_assert_true (saw_difference);
  g_rand_free (rand);
}

static void
test_minmax (void)
{
  double p[6] = { 0.2, 0.3, 0.4, 0.25, 0.22, 0.6 };
  guint8 lesion[6] = { 1, 1, 1, 0, 0, 0 };
  g_autoptr(ClsCaseSummary) s = cls_test_summary_new ("mm", p, lesion, 6);
  ClsCalibrationParams params;
  ClsCaseScore score;
  ClsValueMap map;

  cls_calibration_params_init (&params);
  params.epsilon = frac ("0.4");  /* may miss 1 of 3: needs 2, the 2nd largest (0.3) */
  params.normalize = CLS_NORMALIZE_MINMAX;
  g_assert_true (cls_case_score (s, &params, &score));
  g_assert_cmpfloat (score.cut, ==, (0.3 - 0.2) / (0.6 - 0.2));

  cls_case_summary_get_value_map (s, CLS_NORMALIZE_MINMAX, &map);
  /* voxels with normalised p >= cut: 0.3, 0.4, 0.6 */
  g_assert_cmpuint (cls_case_summary_voxels_at_least (s, &map, score.cut), ==, 3);
  /* 0.5 after normalisation means p >= 0.4 here */
  g_assert_cmpuint (cls_case_summary_voxels_at_least (s, &map, 0.5), ==, 2);
}

static void
test_select (void)
{
  GRand *rand = g_rand_new_with_seed (cls_test_seed () + 3);

  for (int trial = 0; trial < 500; trial++)
    {
      gsize n = g_rand_int_range (rand, 1, 60);
      g_autofree double *v = g_new (double, n);
      g_autofree double *sorted = g_new (double, n);
      gsize k = g_rand_int_range (rand, 1, n + 1);

      for (gsize i = 0; i < n; i++)
        v[i] = sorted[i] = g_rand_int_range (rand, 0, trial % 2 ? 4 : 1000) / 7.0;
      qsort (sorted, n, sizeof (double), cmp_desc);
      g_assert_cmpfloat (cls_select_kth_largest (v, n, k), ==, sorted[k - 1]);
    }

  g_rand_free (rand);
}

static void
test_params_check (void)
{
  ClsCalibrationParams params;
  g_autoptr(GError) error = NULL;

  cls_calibration_params_init (&params);
  params.alpha = frac ("0");
  g_assert_false (cls_calibration_params_check (&params, &error));
  g_assert_error (error, CLS_ERROR, CLS_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  cls_calibration_params_init (&params);
  params.epsilon = frac ("1");
  g_assert_false (cls_calibration_params_check (&params, &error));
  g_assert_error (error, CLS_ERROR, CLS_ERROR_INVALID_ARGUMENT);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/calibration/random-continuous", test_random_continuous);
  g_test_add_func ("/calibration/random-ties", test_random_ties);
  g_test_add_func ("/calibration/float32-values", test_float32_values);
  g_test_add_func ("/calibration/integral-epsilon-g", test_integral_epsilon_g);
  g_test_add_func ("/calibration/infeasible-edge", test_infeasible_edge);
  g_test_add_func ("/calibration/bisect", test_bisect);
  g_test_add_func ("/calibration/minmax", test_minmax);
  g_test_add_func ("/calibration/select", test_select);
  g_test_add_func ("/calibration/params-check", test_params_check);

  return g_test_run ();
}
