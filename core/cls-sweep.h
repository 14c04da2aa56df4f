/* cls-sweep.h: evaluations over a grid of α or of calibration fractions
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The data behind the coverage and size figures (ECR and PC against α, ECR
 * against the calibration fraction), for the app's panels and the report
 * alike. A sweep runs one evaluation per grid point; it may run on a worker
 * thread, reports progress and stops when cancelled.
 */
#pragma once

#include <gio/gio.h>

#include "cls-evaluation.h"
#include "cls-progress.h"

G_BEGIN_DECLS

/**
 * ClsSweepKind:
 * @CLS_SWEEP_ALPHA: the grid is over α
 * @CLS_SWEEP_CAL_FRACTION: the grid is over the calibration fraction
 */
typedef enum {
  CLS_SWEEP_ALPHA,
  CLS_SWEEP_CAL_FRACTION,
} ClsSweepKind;

/* The theory band of the figures: 5% to 95% of ECR over fresh sets. */
#define CLS_SWEEP_BAND_LO 0.05
#define CLS_SWEEP_BAND_HI 0.95

/**
 * ClsSweepPoint:
 * @x: the α or calibration fraction of this point
 * @n_cal: calibration cases per split
 * @n_test: test cases per split
 * @rank: the conformal rank k
 * @feasible: k <= n_cal (otherwise t̂ = 1 and everything is masked)
 * @ecr_calibrated: ECR at t̂ over the splits
 * @ecr_fixed: ECR at t = 0.5
 * @fnr_calibrated: mean test FNR at t̂
 * @fnr_fixed: mean test FNR at t = 0.5
 * @pc_calibrated: mean test PC at t̂
 * @pc_fixed: mean test PC at t = 0.5
 * @t_hat: t̂ over the splits
 * @theory_mean: expected ECR, k / (n_cal + 1)
 * @theory_lo: the #CLS_SWEEP_BAND_LO quantile of ECR
 * @theory_hi: the #CLS_SWEEP_BAND_HI quantile of ECR
 */
typedef struct {
  double   x;
  guint    n_cal;
  guint    n_test;
  guint64  rank;
  gboolean feasible;
  ClsStat  ecr_calibrated;
  ClsStat  ecr_fixed;
  ClsStat  fnr_calibrated;
  ClsStat  fnr_fixed;
  ClsStat  pc_calibrated;
  ClsStat  pc_fixed;
  ClsStat  t_hat;
  double   theory_mean;
  double   theory_lo;
  double   theory_hi;
} ClsSweepPoint;

/**
 * ClsSweep:
 * @kind: what @points vary
 * @params: the calibration parameters (for an α sweep, α is each point's)
 * @eval: the evaluation parameters (for a fraction sweep, the fraction is
 *   each point's)
 * @n_points: how many points
 * @points: (array length=n_points): the points, in grid order
 *
 * Plain data, so that a figure can also be made from numbers read elsewhere.
 */
typedef struct {
  ClsSweepKind          kind;
  ClsCalibrationParams  params;
  ClsEvaluationParams   eval;
  guint                 n_points;
  ClsSweepPoint        *points;
} ClsSweep;

ClsSweep     *cls_sweep_new                (ClsSweepKind                kind,
                                            guint                       n_points);
void          cls_sweep_free               (ClsSweep                   *self);

const double *cls_sweep_default_alphas     (guint                      *n);
const double *cls_sweep_default_fractions  (guint                      *n);

ClsSweep     *cls_sweep_alpha              (ClsEvaluator               *evaluator,
                                            const ClsCalibrationParams *params,
                                            const ClsEvaluationParams  *eval,
                                            const double               *alphas,
                                            guint                       n,
                                            ClsProgressFunc             progress,
                                            gpointer                    user_data,
                                            GCancellable               *cancellable,
                                            GError                    **error);
ClsSweep     *cls_sweep_cal_fraction       (ClsEvaluator               *evaluator,
                                            const ClsCalibrationParams *params,
                                            const ClsEvaluationParams  *eval,
                                            const double               *fractions,
                                            guint                       n,
                                            ClsProgressFunc             progress,
                                            gpointer                    user_data,
                                            GCancellable               *cancellable,
                                            GError                    **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ClsSweep, cls_sweep_free)

G_END_DECLS
