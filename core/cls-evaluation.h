/* cls-evaluation.h: ECR, FNR and PC over random calibration/test splits
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "cls-calibration.h"
#include "cls-splits.h"

G_BEGIN_DECLS

/**
 * ClsEvaluationParams:
 * @n_splits: random calibration/test splits
 * @cal_fraction: the share of cases that calibrates in each split
 * @seed: the generator's seed
 * @lesion_measures: also count lesions missed (by size band) and the
 *   lesion-level FNR, when every case's lesions are known (the lesion loss
 *   counts them anyway)
 */
typedef struct {
  guint       n_splits;
  ClsFraction cal_fraction;
  guint64     seed;
  gboolean    lesion_measures;
} ClsEvaluationParams;

#define CLS_DEFAULT_SPLITS 100
#define CLS_DEFAULT_SEED   1

void cls_evaluation_params_init (ClsEvaluationParams *params);

/**
 * ClsStat:
 * @mean: the mean over splits
 * @std: the standard deviation over splits (population form, divisor S, as
 *   numpy's default that the paper's tables use)
 */
typedef struct {
  double mean;
  double std;
} ClsStat;

/**
 * ClsSplitResult:
 * @cut: ĉ of this split (0 when infeasible)
 * @t_hat: t̂ of this split
 * @ecr_fixed: share of test cases with L <= epsilon at t = 0.5
 * @ecr_calibrated: the same at t̂
 * @fnr_fixed: mean test FNR at t = 0.5
 * @fnr_calibrated: mean test FNR at t̂
 * @pc_fixed: mean test PC at t = 0.5
 * @pc_calibrated: mean test PC at t̂
 * @missed_fixed: share of test cases whose lesion is missed entirely at 0.5
 * @missed_calibrated: the same at t̂
 * @fpr_fixed: mean test false positive rate at 0.5
 * @fpr_calibrated: the same at t̂
 * @lesion_fnr_fixed: mean test lesion-level FNR (lesions not detected / J)
 *   at 0.5 (lesion measures; NaN without them)
 * @lesion_fnr_calibrated: the same at t̂
 * @lesion_missed_fixed: share of the test lesions with no voxel in the mask
 *   at 0.5 (NaN when there are none)
 * @lesion_missed_calibrated: the same at t̂
 * @lesions_small: test lesions below 5 mm (equivalent diameter)
 * @lesions_medium: test lesions of 5 to 10 mm
 * @lesions_large: test lesions above 10 mm
 * @missed_small_fixed: test lesions below 5 mm not detected at 0.5
 * @missed_medium_fixed: the same, 5 to 10 mm
 * @missed_large_fixed: the same, above 10 mm
 * @missed_small_calibrated: test lesions below 5 mm not detected at t̂
 * @missed_medium_calibrated: the same, 5 to 10 mm
 * @missed_large_calibrated: the same, above 10 mm
 * @n_eff: weights: the calibration part's effective sample size (else n_cal)
 *
 * With strata or weights, test cases get different cuts: @cut and @t_hat
 * are then the means over the split's test cases of the cut and t̂ each
 * received.
 */
typedef struct {
  double cut;
  double t_hat;
  double ecr_fixed;
  double ecr_calibrated;
  double fnr_fixed;
  double fnr_calibrated;
  double pc_fixed;
  double pc_calibrated;
  double missed_fixed;
  double missed_calibrated;
  double fpr_fixed;
  double fpr_calibrated;
  double lesion_fnr_fixed;
  double lesion_fnr_calibrated;
  double lesion_missed_fixed;
  double lesion_missed_calibrated;
  double lesions_small;
  double lesions_medium;
  double lesions_large;
  double missed_small_fixed;
  double missed_medium_fixed;
  double missed_large_fixed;
  double missed_small_calibrated;
  double missed_medium_calibrated;
  double missed_large_calibrated;
  double n_eff;
} ClsSplitResult;

typedef struct _ClsEvaluation ClsEvaluation;
typedef struct _ClsEvaluator ClsEvaluator;

ClsEvaluator        *cls_evaluator_new                (ClsCaseSummary * const     *cases,
                                                       guint                       n_cases);
void                 cls_evaluator_free               (ClsEvaluator               *self);
ClsEvaluation       *cls_evaluator_run                (ClsEvaluator               *self,
                                                       const ClsCalibrationParams *params,
                                                       const ClsEvaluationParams  *eval,
                                                       GError                    **error);

ClsEvaluation       *cls_evaluate                     (ClsCaseSummary * const     *cases,
                                                       guint                       n_cases,
                                                       const ClsCalibrationParams *params,
                                                       const ClsEvaluationParams  *eval,
                                                       GError                    **error);
void                 cls_evaluation_free              (ClsEvaluation              *self);

const ClsCalibrationParams *cls_evaluation_get_params      (const ClsEvaluation *self);
const ClsEvaluationParams  *cls_evaluation_get_eval_params (const ClsEvaluation *self);
guint                cls_evaluation_get_n             (const ClsEvaluation *self);
guint                cls_evaluation_get_n_skipped     (const ClsEvaluation *self);
guint                cls_evaluation_get_n_cal         (const ClsEvaluation *self);
guint                cls_evaluation_get_n_test        (const ClsEvaluation *self);
guint64              cls_evaluation_get_rank          (const ClsEvaluation *self);
gboolean             cls_evaluation_is_feasible       (const ClsEvaluation *self);
guint                cls_evaluation_get_n_infeasible  (const ClsEvaluation *self);
gboolean             cls_evaluation_has_theory        (const ClsEvaluation *self);
gboolean             cls_evaluation_has_lesion_measures (const ClsEvaluation *self);
guint                cls_evaluation_get_n_splits      (const ClsEvaluation *self);
const ClsSplitResult *cls_evaluation_get_split        (const ClsEvaluation *self,
                                                       guint                s);
ClsStat              cls_evaluation_get_stat          (const ClsEvaluation *self,
                                                       gsize                field_offset);
double               cls_evaluation_get_theory_ecr    (const ClsEvaluation *self);

#define CLS_SPLIT_FIELD(name) G_STRUCT_OFFSET (ClsSplitResult, name)

double               cls_theory_ecr_mean              (guint64 rank,
                                                       guint64 n_cal);
double               cls_theory_ecr_quantile          (guint64 rank,
                                                       guint64 n_cal,
                                                       guint64 n_test,
                                                       double  q);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ClsEvaluator, cls_evaluator_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ClsEvaluation, cls_evaluation_free)

G_END_DECLS
