/* cls-sweep.c
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "cls-error.h"
#include "cls-sweep.h"

/**
 * cls_sweep_new:
 * @kind: what the grid varies
 * @n_points: how many points
 *
 * A sweep with zeroed points and default parameters, to be filled in.
 *
 * Returns: (transfer full): the sweep
 */
ClsSweep *
cls_sweep_new (ClsSweepKind kind,
               guint        n_points)
{
  ClsSweep *self = g_new0 (ClsSweep, 1);

  self->kind = kind;
  cls_calibration_params_init (&self->params);
  cls_evaluation_params_init (&self->eval);
  self->n_points = n_points;
  self->points = g_new0 (ClsSweepPoint, MAX (n_points, 1));

  return self;
}

void
cls_sweep_free (ClsSweep *self)
{
  if (self == NULL)
    return;
  g_free (self->points);
  g_free (self);
}

/**
 * cls_sweep_default_alphas:
 * @n: (out): how many
 *
 * Returns: (array length=n) (transfer none): α = 0.05, 0.10, …, 0.50
 */
const double *
cls_sweep_default_alphas (guint *n)
{
  static const double alphas[] = { 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5 };

  *n = G_N_ELEMENTS (alphas);
  return alphas;
}

/**
 * cls_sweep_default_fractions:
 * @n: (out): how many
 *
 * Returns: (array length=n) (transfer none): fractions 0.1, 0.2, …, 0.9
 */
const double *
cls_sweep_default_fractions (guint *n)
{
  static const double fractions[] = { 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9 };

  *n = G_N_ELEMENTS (fractions);
  return fractions;
}

static void
fill_point (ClsSweepPoint       *pt,
            double               x,
            const ClsEvaluation *ev)
{
  pt->x = x;
  pt->n_cal = cls_evaluation_get_n_cal (ev);
  pt->n_test = cls_evaluation_get_n_test (ev);
  pt->rank = cls_evaluation_get_rank (ev);
  pt->feasible = cls_evaluation_is_feasible (ev);
  pt->ecr_calibrated = cls_evaluation_get_stat (ev, CLS_SPLIT_FIELD (ecr_calibrated));
  pt->ecr_fixed = cls_evaluation_get_stat (ev, CLS_SPLIT_FIELD (ecr_fixed));
  pt->fnr_calibrated = cls_evaluation_get_stat (ev, CLS_SPLIT_FIELD (fnr_calibrated));
  pt->fnr_fixed = cls_evaluation_get_stat (ev, CLS_SPLIT_FIELD (fnr_fixed));
  pt->pc_calibrated = cls_evaluation_get_stat (ev, CLS_SPLIT_FIELD (pc_calibrated));
  pt->pc_fixed = cls_evaluation_get_stat (ev, CLS_SPLIT_FIELD (pc_fixed));
  pt->t_hat = cls_evaluation_get_stat (ev, CLS_SPLIT_FIELD (t_hat));
  pt->theory_mean = cls_theory_ecr_mean (pt->rank, pt->n_cal);
  pt->theory_lo = cls_theory_ecr_quantile (pt->rank, pt->n_cal, pt->n_test, CLS_SWEEP_BAND_LO);
  pt->theory_hi = cls_theory_ecr_quantile (pt->rank, pt->n_cal, pt->n_test, CLS_SWEEP_BAND_HI);
}

static ClsSweep *
sweep_run (ClsSweepKind                kind,
           ClsEvaluator               *evaluator,
           const ClsCalibrationParams *params,
           const ClsEvaluationParams  *eval,
           const double               *grid,
           guint                       n,
           ClsProgressFunc             progress,
           gpointer                    user_data,
           GCancellable               *cancellable,
           GError                    **error)
{
  g_autoptr(ClsSweep) sweep = NULL;
  const char *name = kind == CLS_SWEEP_ALPHA ? "α" : _("calibration fraction");

  g_return_val_if_fail (evaluator != NULL && params != NULL && eval != NULL, NULL);
  g_return_val_if_fail (grid != NULL || n == 0, NULL);

  sweep = cls_sweep_new (kind, n);
  sweep->params = *params;
  sweep->eval = *eval;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ClsEvaluation) ev = NULL;
      g_autofree char *value = NULL;
      ClsCalibrationParams p = *params;
      ClsEvaluationParams e = *eval;
      ClsFraction f;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;

      if (!cls_fraction_from_double (grid[i], &f))
        {
          g_set_error (error, CLS_ERROR, CLS_ERROR_INVALID_ARGUMENT,
                       /* Translators: "α" or "calibration fraction", then a number */
                       _("%s %g is not a valid value"), name, grid[i]);
          return NULL;
        }
      value = cls_fraction_to_string (f);

      if (progress != NULL)
        {
          g_autofree char *message = g_strdup_printf ("%s = %s", name, value);
          progress (i, n, message, user_data);
        }

      if (kind == CLS_SWEEP_ALPHA)
        p.alpha = f;
      else
        e.cal_fraction = f;

      ev = cls_evaluator_run (evaluator, &p, &e, error);
      if (ev == NULL)
        {
          g_prefix_error (error, "%s = %s: ", name, value);
          return NULL;
        }

      fill_point (&sweep->points[i], grid[i], ev);
    }

  if (progress != NULL)
    progress (n, n, NULL, user_data);

  return g_steal_pointer (&sweep);
}

/**
 * cls_sweep_alpha:
 * @evaluator: the model's evaluator; used by this call alone until it returns
 * @params: epsilon, method, policy, normalisation (its α is replaced)
 * @eval: splits, calibration fraction, seed
 * @alphas: (array length=n): the grid of α, e.g. cls_sweep_default_alphas()
 * @n: how many
 * @progress: (nullable) (scope call): called before each point and at the end
 * @user_data: closure data of @progress
 * @cancellable: (nullable): stops the sweep between points
 * @error: return location for a #GError
 *
 * Evaluates every α on the same splits: mean and spread of ECR, FNR, PC and
 * t̂, and the theory's mean and 5–95% band of ECR for each α's rank. α
 * values are read as the shortest decimal that gives the double (0.1 is
 * 1/10), so the ranks are exact.
 *
 * Returns: (transfer full) (nullable): the sweep
 */
ClsSweep *
cls_sweep_alpha (ClsEvaluator               *evaluator,
                 const ClsCalibrationParams *params,
                 const ClsEvaluationParams  *eval,
                 const double               *alphas,
                 guint                       n,
                 ClsProgressFunc             progress,
                 gpointer                    user_data,
                 GCancellable               *cancellable,
                 GError                    **error)
{
  return sweep_run (CLS_SWEEP_ALPHA, evaluator, params, eval, alphas, n,
                    progress, user_data, cancellable, error);
}

/**
 * cls_sweep_cal_fraction:
 * @evaluator: the model's evaluator; used by this call alone until it returns
 * @params: epsilon, α, method, policy, normalisation
 * @eval: splits and seed (its calibration fraction is replaced)
 * @fractions: (array length=n): the grid, e.g. cls_sweep_default_fractions()
 * @n: how many
 * @progress: (nullable) (scope call): called before each point and at the end
 * @user_data: closure data of @progress
 * @cancellable: (nullable): stops the sweep between points
 * @error: return location for a #GError
 *
 * Evaluates every calibration fraction: as cls_sweep_alpha(), with fresh
 * splits per fraction (same seed).
 *
 * Returns: (transfer full) (nullable): the sweep
 */
ClsSweep *
cls_sweep_cal_fraction (ClsEvaluator               *evaluator,
                        const ClsCalibrationParams *params,
                        const ClsEvaluationParams  *eval,
                        const double               *fractions,
                        guint                       n,
                        ClsProgressFunc             progress,
                        gpointer                    user_data,
                        GCancellable               *cancellable,
                        GError                    **error)
{
  return sweep_run (CLS_SWEEP_CAL_FRACTION, evaluator, params, eval, fractions, n,
                    progress, user_data, cancellable, error);
}
