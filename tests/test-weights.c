/* test-weights.c: weights files, the weighted quantile against a
 * brute-force weighted CDF, equal weights as plain CLS, and weighted
 * calibration under covariate shift by simulation
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gmp.h>

#include "cls-calibration.h"
#include "cls-error.h"
#include "cls-weights.h"
#include "cls-test-util.h"

static ClsWeights *
parse (const char  *text,
       GError     **error)
{
  return cls_weights_parse ("w.csv", text, strlen (text), error);
}

static void
test_parse (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ClsWeights) w = parse ("case,weight\na,1.5\n\"b\", 0.25\r\n\nc,2e-1\n", &error);
  guint64 units;

  g_assert_no_error (error);
  g_assert_cmpuint (cls_weights_get_n (w), ==, 3);
  g_assert_true (cls_weights_lookup (w, "a", &units));
  g_assert_cmpfloat (cls_weights_units_to_double (w, units), ==, 1.5);
  g_assert_true (cls_weights_lookup (w, "b", &units));
  g_assert_cmpfloat (cls_weights_units_to_double (w, units), ==, 0.25);
  g_assert_true (cls_weights_lookup (w, "c", &units));
  g_assert_cmpuint (units, ==, 20);  /* units of 1/100 */
  g_assert_false (cls_weights_lookup (w, "d", NULL));
  g_assert_cmpstr (cls_weights_get_path (w), ==, "w.csv");

  /* other columns, in another order */
  g_clear_pointer (&w, cls_weights_unref);
  w = parse ("site,weight,case\nx,3,a\n", &error);
  g_assert_no_error (error);
  g_assert_true (cls_weights_lookup (w, "a", &units));
  g_assert_cmpfloat (cls_weights_units_to_double (w, units), ==, 3.0);
}

static void
test_parse_errors (void)
{
  struct { const char *text; const char *expect; } bad[] = {
    { "a,1\n", "case" },                              /* no header */
    { "case,weight\na,0\n", "positive" },
    { "case,weight\na,-1\n", "line 2" },
    { "case,weight\na,nan\n", "line 2" },
    { "case,weight\na,inf\n", "line 2" },
    { "case,weight\na,1\na,2\n", "more than one" },
    { "case,weight\na\n", "line 2" },
    { "case,weight\n,1\n", "empty" },
    { "case,weight\n", "no weights" },
    { "", "no weights" },
    { "case,weight\na,1\nb,0.1234567890123456789\n", "line 3" },
  };

  for (guint k = 0; k < G_N_ELEMENTS (bad); k++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(ClsWeights) w = parse (bad[k].text, &error);

      g_assert_null (w);
      g_assert_error (error, CLS_ERROR, CLS_ERROR_FORMAT);
      g_assert_nonnull (strstr (error->message, "w.csv"));
      if (strstr (error->message, bad[k].expect) == NULL)
        g_error ("“%s”: %s", bad[k].text, error->message);
    }

  {
    g_autoptr(GError) error = NULL;
    g_autoptr(ClsWeights) w = cls_weights_read ("/nonexistent/w.csv", &error);

    g_assert_null (w);
    g_assert_error (error, CLS_ERROR, CLS_ERROR_IO);
  }
}

/* Brute force: the largest key κ among the keys with
 * Σ_{key_i >= κ} w_i / (W + w_test) >= 1 - alpha, on rationals. */
static gboolean
brute_weighted (const double  *keys,
                const double  *w,
                guint          n,
                double         w_test,
                ClsFraction    alpha,
                double        *out)
{
  gboolean found = FALSE;
  mpq_t total, sum, x, lhs, rhs, one_minus;

  mpq_inits (total, sum, x, lhs, rhs, one_minus, NULL);
  for (guint i = 0; i < n; i++)
    {
      mpq_set_d (x, w[i]);
      mpq_add (total, total, x);
    }
  mpq_set_d (x, w_test);
  mpq_add (total, total, x);
  mpz_set_ui (mpq_numref (one_minus), alpha.den - alpha.num);
  mpz_set_ui (mpq_denref (one_minus), alpha.den);
  mpq_canonicalize (one_minus);
  mpq_mul (rhs, total, one_minus);

  for (guint j = 0; j < n; j++)
    {
      mpq_set_ui (sum, 0, 1);
      for (guint i = 0; i < n; i++)
        if (keys[i] >= keys[j])
          {
            mpq_set_d (x, w[i]);
            mpq_add (sum, sum, x);
          }
      if (mpq_cmp (sum, rhs) >= 0 && (!found || keys[j] > *out))
        {
          found = TRUE;
          *out = keys[j];
        }
    }
  mpq_clears (total, sum, x, lhs, rhs, one_minus, NULL);
  return found;
}

static void
test_quantile_brute_force (void)
{
  GRand *rand = g_rand_new_with_seed (cls_test_seed ());
  const char *alphas[] = { "0.1", "0.2", "0.05", "0.3", "0.25", "0.5" };
  /* weights whose sums are exact in binary, so mpq_set_d is their value */
  const char *weights[] = { "0.25", "0.5", "1", "2", "4", "0.125", "3", "1.5" };

  for (int trial = 0; trial < 400; trial++)
    {
      guint n = g_rand_int_range (rand, 1, 30);
      g_autoptr(ClsWeights) ws = cls_weights_new ();
      g_autofree double *keys = g_new (double, n);
      g_autofree double *w = g_new (double, n);
      g_autofree guint64 *units = g_new (guint64, n);
      g_autoptr(ClsWeightedQuantile) q = NULL;
      ClsFraction alpha;
      double expected = 0, got = 0, w_test;
      guint64 test_units;
      gboolean feasible;

      g_assert_true (cls_fraction_parse (alphas[trial % G_N_ELEMENTS (alphas)], &alpha, NULL));
      for (guint i = 0; i < n; i++)
        {
          g_autofree char *id = g_strdup_printf ("c%u", i);
          const char *text = weights[g_rand_int_range (rand, 0, G_N_ELEMENTS (weights))];
          ClsFraction f;

          g_assert_true (cls_fraction_parse (text, &f, NULL));
          g_assert_true (cls_weights_add (ws, id, f, NULL));
          w[i] = g_ascii_strtod (text, NULL);
          keys[i] = g_rand_int_range (rand, 0, 6) / 5.0;  /* ties */
        }
      g_assert_true (cls_weights_add (ws, "test", (ClsFraction) { (guint64) g_rand_int_range (rand, 1, 9), 4 }, NULL));
      for (guint i = 0; i < n; i++)
        {
          g_autofree char *id = g_strdup_printf ("c%u", i);
          g_assert_true (cls_weights_lookup (ws, id, &units[i]));
        }
      g_assert_true (cls_weights_lookup (ws, "test", &test_units));
      w_test = cls_weights_units_to_double (ws, test_units);

      q = cls_weighted_quantile_new (keys, units, n);
      feasible = cls_weighted_quantile_key (q, alpha, test_units, &got);
      g_assert_cmpint (feasible, ==, brute_weighted (keys, w, n, w_test, alpha, &expected));
      if (feasible)
        g_assert_cmpfloat (got, ==, expected);
    }
  g_rand_free (rand);
}

static void
test_n_eff (void)
{
  guint64 equal[5] = { 3, 3, 3, 3, 3 };
  guint64 skewed[4] = { 1, 1, 1, 9 };

  g_assert_cmpfloat_with_epsilon (cls_weights_n_eff (equal, 5), 5.0, 1e-12);
  /* (12)^2 / (1 + 1 + 1 + 81) */
  g_assert_cmpfloat_with_epsilon (cls_weights_n_eff (skewed, 4), 144.0 / 84.0, 1e-12);
}

static ClsCaseSummary *
random_case (GRand      *rand,
             const char *id,
             double      hardness)
{
  gsize n = g_rand_int_range (rand, 20, 80);
  g_autofree double *p = g_new (double, n);
  g_autofree guint8 *l = g_new0 (guint8, n);
  gsize g = g_rand_int_range (rand, 1, 15);

  for (gsize i = 0; i < n; i++)
    {
      l[i] = i < g;
      p[i] = (float) pow (g_rand_double (rand), l[i] ? hardness : 4.0);
    }
  return cls_test_summary_new (id, p, l, n);
}

/* Equal weights (any common value) give exactly the unweighted threshold;
 * a case missing from the weights is an error that names it. */
static void
test_equal_weights_are_cls (void)
{
  GRand *rand = g_rand_new_with_seed (cls_test_seed () + 1);
  const char *alphas[] = { "0.1", "0.2", "0.05", "0.3", "0.15" };

  for (int trial = 0; trial < 80; trial++)
    {
      guint n = g_rand_int_range (rand, 1, 60);
      g_autoptr(GPtrArray) cases = g_ptr_array_new_with_free_func ((GDestroyNotify) cls_case_summary_unref);
      g_autoptr(ClsWeights) w = cls_weights_new ();
      g_autoptr(ClsCalibration) plain = NULL;
      g_autoptr(ClsCalibration) weighted = NULL;
      g_autoptr(GError) error = NULL;
      ClsCalibrationParams params;
      ClsFraction common = { (guint64) g_rand_int_range (rand, 1, 2000), 1000 };

      for (guint i = 0; i < n; i++)
        {
          g_autofree char *id = g_strdup_printf ("c%u", i);

          g_ptr_array_add (cases, random_case (rand, id, 0.5 + 2 * g_rand_double (rand)));
          g_assert_true (cls_weights_add (w, id, common, NULL));
        }

      cls_calibration_params_init (&params);
      g_assert_true (cls_fraction_parse (alphas[trial % G_N_ELEMENTS (alphas)], &params.alpha, NULL));
      params.method = trial % 3 == 0 ? CLS_METHOD_BISECT : CLS_METHOD_EXACT;
      plain = cls_calibration_new ((ClsCaseSummary **) cases->pdata, n, &params, &error);
      g_assert_no_error (error);
      params.weights = w;
      weighted = cls_calibration_new ((ClsCaseSummary **) cases->pdata, n, &params, &error);
      g_assert_no_error (error);

      g_assert_cmpint (cls_calibration_is_feasible (weighted), ==, cls_calibration_is_feasible (plain));
      g_assert_cmpfloat (cls_calibration_get_cut (weighted), ==, cls_calibration_get_cut (plain));
      g_assert_cmpfloat (cls_calibration_get_t_hat (weighted), ==, cls_calibration_get_t_hat (plain));
      g_assert_cmpuint (cls_calibration_get_n_covered (weighted), ==, cls_calibration_get_n_covered (plain));
      g_assert_cmpfloat_with_epsilon (cls_calibration_get_stratum (weighted, 0)->n_eff, n, 1e-9);
    }

  {
    g_autoptr(GPtrArray) cases = g_ptr_array_new_with_free_func ((GDestroyNotify) cls_case_summary_unref);
    g_autoptr(ClsWeights) w = NULL;
    g_autoptr(ClsCalibration) cal = NULL;
    g_autoptr(GError) error = NULL;
    ClsCalibrationParams params;

    w = parse ("case,weight\na,1\n", &error);
    g_assert_no_error (error);
    g_ptr_array_add (cases, random_case (rand, "a", 1.0));
    g_ptr_array_add (cases, random_case (rand, "b", 1.0));
    cls_calibration_params_init (&params);
    params.weights = w;
    cal = cls_calibration_new ((ClsCaseSummary **) cases->pdata, 2, &params, &error);
    g_assert_null (cal);
    g_assert_error (error, CLS_ERROR, CLS_ERROR_INVALID_ARGUMENT);
    g_assert_nonnull (strstr (error->message, "case b"));
    g_assert_nonnull (strstr (error->message, "w.csv"));

    /* weights go with exact and bisect, marginal only */
    g_clear_error (&error);
    params.method = CLS_METHOD_CRC;
    g_assert_false (cls_calibration_params_check (&params, &error));
    g_clear_error (&error);
    params.method = CLS_METHOD_EXACT;
    params.guarantee = CLS_GUARANTEE_PAC;
    params.delta = (ClsFraction) { 1, 10 };
    g_assert_false (cls_calibration_params_check (&params, &error));
  }
  g_rand_free (rand);
}

/* Covariate shift by simulation: cases from site B are harder, and the
 * test cases come from B four times as often as the calibration cases do.
 * With weights w = P_test / P_cal (4 for B, 1/4 for A) the coverage of a
 * test case drawn from the test distribution stays >= 1 - alpha. */
static void
test_covariate_shift (void)
{
  GRand *rand = g_rand_new_with_seed (cls_test_seed () + 2);
  const guint n = 40, trials = 1500, pop = 600;
  g_autoptr(GPtrArray) site_a = g_ptr_array_new_with_free_func ((GDestroyNotify) cls_case_summary_unref);
  g_autoptr(GPtrArray) site_b = g_ptr_array_new_with_free_func ((GDestroyNotify) cls_case_summary_unref);
  g_autoptr(ClsWeights) w = cls_weights_new ();
  guint covered_weighted = 0, covered_plain = 0;

  for (guint i = 0; i < pop; i++)
    {
      g_autofree char *a = g_strdup_printf ("a%u", i);
      g_autofree char *b = g_strdup_printf ("b%u", i);

      g_ptr_array_add (site_a, random_case (rand, a, 0.4));
      g_ptr_array_add (site_b, random_case (rand, b, 2.5));
      g_assert_true (cls_weights_add (w, a, (ClsFraction) { 25, 100 }, NULL));
      g_assert_true (cls_weights_add (w, b, (ClsFraction) { 4, 1 }, NULL));
    }

  for (guint t = 0; t < trials; t++)
    {
      g_autofree ClsCaseSummary **cal = g_new (ClsCaseSummary *, n);
      g_autoptr(ClsCalibration) weighted = NULL;
      g_autoptr(ClsCalibration) plain = NULL;
      ClsCalibrationParams params;
      ClsCaseScore score;
      ClsCaseSummary *test;
      double cut;

      /* calibration: B with probability 0.2; test: B with probability 0.8 */
      for (guint i = 0; i < n; i++)
        cal[i] = (g_rand_double (rand) < 0.2 ? site_b : site_a)->pdata[g_rand_int_range (rand, 0, pop)];
      test = (g_rand_double (rand) < 0.8 ? site_b : site_a)->pdata[g_rand_int_range (rand, 0, pop)];

      cls_calibration_params_init (&params);
      plain = cls_calibration_new (cal, n, &params, NULL);
      params.weights = w;
      weighted = cls_calibration_new (cal, n, &params, NULL);
      g_assert_nonnull (plain);
      g_assert_nonnull (weighted);

      g_assert_true (cls_case_score (test, &params, &score));
      g_assert_true (cls_calibration_cut_for_case (weighted, test, &cut, NULL));
      covered_weighted += score.cut >= cut;
      covered_plain += score.cut >= cls_calibration_get_cut (plain);
    }

  {
    double weighted = (double) covered_weighted / trials, plain = (double) covered_plain / trials;
    double se = sqrt (0.8 * 0.2 / trials);

    g_test_message ("coverage under shift: weighted %.3f, unweighted %.3f (target 0.8, se %.3f)",
                    weighted, plain, se);
    g_assert_cmpfloat (weighted, >=, 0.8 - 3 * se);
    /* the shift is real: without weights the coverage falls short */
    g_assert_cmpfloat (plain, <, 0.8 - 3 * se);
  }
  g_rand_free (rand);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/weights/parse", test_parse);
  g_test_add_func ("/weights/parse-errors", test_parse_errors);
  g_test_add_func ("/weights/quantile-brute-force", test_quantile_brute_force);
  g_test_add_func ("/weights/n-eff", test_n_eff);
  g_test_add_func ("/weights/equal-weights-are-cls", test_equal_weights_are_cls);
  g_test_add_func ("/weights/covariate-shift", test_covariate_shift);

  return g_test_run ();
}
