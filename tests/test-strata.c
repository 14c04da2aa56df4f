/* test-strata.c: Mondrian calibration by predicted lesion size: each
 * stratum's threshold equals a calibration of its cases alone; too few
 * cases are refused, naming the stratum
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "cls-calibration.h"
#include "cls-error.h"
#include "cls-evaluation.h"
#include "cls-strata.h"
#include "cls-test-util.h"

#define DX 12
#define DY 12
#define DZ 6
#define NV (DX * DY * DZ)

static const gint64 dims[3] = { DX, DY, DZ };
static const double spacing[3] = { 1.0, 1.0, 1.0 };

/* A case whose model marks @predicted voxels with p >= 0.5. */
static ClsCaseSummary *
case_predicting (GRand      *rand,
                 const char *id,
                 guint       predicted)
{
  double p[NV];
  guint8 l[NV];

  for (guint i = 0; i < NV; i++)
    {
      p[i] = i < predicted ? (float) (0.5 + 0.5 * g_rand_double (rand)) : (float) (0.49 * g_rand_double (rand));
      l[i] = g_rand_int_range (rand, 0, 3) == 0 || i == 0;
    }
  return cls_test_summary_new_from_grid (id, dims, spacing, p, l);
}

static guint
expected_stratum (guint predicted)
{
  double d = cbrt (6.0 * predicted / G_PI);

  return d < 5.0 ? 0 : d <= 10.0 ? 1 : 2;
}

static void
test_predicted_size (void)
{
  GRand *rand = g_rand_new_with_seed (cls_test_seed ());
  const guint counts[] = { 0, 1, 65, 66, 523, 524, 800 };  /* bands turn at 65.4 and 523.6 voxels */

  for (guint k = 0; k < G_N_ELEMENTS (counts); k++)
    {
      g_autoptr(ClsCaseSummary) s = case_predicting (rand, "c", counts[k]);
      g_autoptr(GError) error = NULL;
      guint stratum;

      g_assert_cmpfloat_with_epsilon (cls_case_predicted_diameter (s), cbrt (6.0 * counts[k] / G_PI), 1e-12);
      g_assert_true (cls_case_stratum (s, CLS_STRATA_SIZE, &stratum, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (stratum, ==, expected_stratum (counts[k]));
      g_assert_true (cls_case_stratum (s, CLS_STRATA_NONE, &stratum, &error));
      g_assert_cmpuint (stratum, ==, 0);
    }

  /* without a voxel size (arrays, or summary files of version 1) */
  {
    double p[3] = { 0.9, 0.1, 0.6 };
    guint8 l[3] = { 1, 0, 0 };
    g_autoptr(ClsCaseSummary) s = cls_test_summary_new ("bare", p, l, 3);
    g_autoptr(GError) error = NULL;
    guint stratum;

    g_assert_false (cls_case_stratum (s, CLS_STRATA_SIZE, &stratum, &error));
    g_assert_error (error, CLS_ERROR, CLS_ERROR_INVALID_ARGUMENT);
    g_assert_nonnull (strstr (error->message, "bare"));
  }
  g_rand_free (rand);
}

static void
test_strata_equal_separate (void)
{
  GRand *rand = g_rand_new_with_seed (cls_test_seed () + 1);
  const ClsMethod methods[] = { CLS_METHOD_EXACT, CLS_METHOD_CRC, CLS_METHOD_EXACT, CLS_METHOD_BISECT };

  for (int trial = 0; trial < 12; trial++)
    {
      g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func ((GDestroyNotify) cls_case_summary_unref);
      GPtrArray *by[CLS_MAX_STRATA];
      g_autoptr(ClsCalibration) cal = NULL;
      g_autoptr(GError) error = NULL;
      ClsCalibrationParams params;
      double smallest = 2;

      cls_calibration_params_init (&params);
      params.method = methods[trial % G_N_ELEMENTS (methods)];
      params.alpha = (ClsFraction) { 2, 10 };
      params.epsilon = (ClsFraction) { (guint64) g_rand_int_range (rand, 1, 5), 10 };
      if (trial % 4 == 2)
        {
          params.loss = CLS_LOSS_LESION;
          params.lesion_coverage = (ClsFraction) { 3, 10 };
        }

      for (guint s = 0; s < CLS_MAX_STRATA; s++)
        by[s] = g_ptr_array_new ();
      for (guint i = 0; i < 45; i++)
        {
          g_autofree char *id = g_strdup_printf ("c%u", i);
          /* the last band gets no case in every third trial */
          guint band = trial % 3 == 0 ? i % 2 : i % 3;
          guint predicted = band == 0 ? g_rand_int_range (rand, 0, 60)
                          : band == 1 ? g_rand_int_range (rand, 70, 500) : g_rand_int_range (rand, 530, 860);
          ClsCaseSummary *s = case_predicting (rand, id, predicted);

          g_ptr_array_add (all, s);
          g_ptr_array_add (by[expected_stratum (predicted)], s);
        }

      params.strata = CLS_STRATA_SIZE;
      cal = cls_calibration_new ((ClsCaseSummary **) all->pdata, all->len, &params, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (cls_calibration_get_n_strata (cal), ==, 3);

      params.strata = CLS_STRATA_NONE;
      for (guint s = 0; s < CLS_MAX_STRATA; s++)
        {
          const ClsStratumResult *st = cls_calibration_get_stratum (cal, s);
          g_autoptr(ClsCalibration) alone = NULL;

          g_assert_cmpuint (st->n, ==, by[s]->len);
          if (by[s]->len == 0)
            {
              g_assert_false (st->feasible);
              continue;
            }
          alone = cls_calibration_new ((ClsCaseSummary **) by[s]->pdata, by[s]->len, &params, &error);
          g_assert_no_error (error);
          g_assert_cmpint (st->feasible, ==, cls_calibration_is_feasible (alone));
          g_assert_cmpfloat (st->cut, ==, cls_calibration_get_cut (alone));
          g_assert_cmpfloat (st->t_hat, ==, cls_calibration_get_t_hat (alone));
          g_assert_cmpuint (st->rank, ==, cls_calibration_get_rank (alone));
          g_assert_cmpuint (st->n_covered, ==, cls_calibration_get_n_covered (alone));
          smallest = MIN (smallest, st->cut);
        }
      g_assert_cmpfloat (cls_calibration_get_cut (cal), ==, smallest);
      for (guint s = 0; s < CLS_MAX_STRATA; s++)
        g_ptr_array_unref (by[s]);

      /* every case gets its stratum's cut */
      for (guint i = 0; i < all->len; i++)
        {
          const ClsCaseResult *r = cls_calibration_get_case (cal, i);
          double cut;

          g_assert_true (cls_calibration_cut_for_case (cal, r->summary, &cut, NULL));
          g_assert_cmpfloat (r->cut, ==, cls_calibration_get_stratum (cal, r->stratum)->cut);
          g_assert_cmpfloat (cut, ==, r->cut);
        }
    }
  g_rand_free (rand);
}

/* A stratum with some cases but fewer than alpha needs is refused, by name
 * and count, in calibration and in evaluation. */
static void
test_too_few_refused (void)
{
  GRand *rand = g_rand_new_with_seed (cls_test_seed () + 2);
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func ((GDestroyNotify) cls_case_summary_unref);
  g_autoptr(ClsCalibration) cal = NULL;
  g_autoptr(ClsEvaluation) ev = NULL;
  g_autoptr(GError) error = NULL;
  ClsCalibrationParams params;
  ClsEvaluationParams eval;

  /* 20 small, 3 large: alpha = 0.2 needs 4 per stratum */
  for (guint i = 0; i < 23; i++)
    {
      g_autofree char *id = g_strdup_printf ("c%u", i);
      g_ptr_array_add (all, case_predicting (rand, id, i < 20 ? 10 : 700));
    }

  cls_calibration_params_init (&params);
  params.strata = CLS_STRATA_SIZE;
  cal = cls_calibration_new ((ClsCaseSummary **) all->pdata, all->len, &params, &error);
  g_assert_null (cal);
  g_assert_error (error, CLS_ERROR, CLS_ERROR_NO_CASES);
  g_assert_nonnull (strstr (error->message, "> 10 mm"));
  g_assert_nonnull (strstr (error->message, "n = 3"));
  g_assert_nonnull (strstr (error->message, "at least 4"));

  /* with alpha = 0.25, three are enough */
  g_clear_error (&error);
  params.alpha = (ClsFraction) { 25, 100 };
  cal = cls_calibration_new ((ClsCaseSummary **) all->pdata, all->len, &params, &error);
  g_assert_no_error (error);
  g_assert_true (cls_calibration_is_feasible (cal));

  /* evaluation: a split whose calibration part holds at most one large case */
  params.alpha = (ClsFraction) { 2, 10 };
  cls_evaluation_params_init (&eval);
  eval.n_splits = 10;
  ev = cls_evaluate ((ClsCaseSummary **) all->pdata, all->len, &params, &eval, &error);
  g_assert_null (ev);
  g_assert_error (error, CLS_ERROR, CLS_ERROR_NO_CASES);
  g_assert_nonnull (strstr (error->message, "split "));
  g_assert_nonnull (strstr (error->message, "> 10 mm"));
  g_rand_free (rand);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/strata/predicted-size", test_predicted_size);
  g_test_add_func ("/strata/equal-separate-calibrations", test_strata_equal_separate);
  g_test_add_func ("/strata/too-few-refused", test_too_few_refused);

  return g_test_run ();
}
