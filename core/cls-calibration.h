/* cls-calibration.h: per-case critical cuts, the conformal rank and t̂
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Everything is kept in probability-cut form: the mask at threshold t is
 * {p >= c} with c = 1 - t, and c is always a stored probability (exact
 * method), so no 1 - (1 - p) ever decides a voxel.
 */
#pragma once

#include <glib.h>

#include "cls-fraction.h"
#include "cls-summary.h"

G_BEGIN_DECLS

/**
 * ClsMethod:
 * @CLS_METHOD_EXACT: t_i from the sorted lesion probabilities, exactly
 * @CLS_METHOD_BISECT: the paper's Algorithm 1 (bisection on t, tolerance
 *   1e-4, at most 200 steps, strict p > 1 - t while calibrating)
 */
typedef enum {
  CLS_METHOD_EXACT,
  CLS_METHOD_BISECT,
} ClsMethod;

/**
 * ClsEmptyPolicy:
 * @CLS_EMPTY_SKIP: cases without lesion voxels take no part (FNR is 0/0)
 * @CLS_EMPTY_INCLUDE: they count with t_i = 0 (nothing can be missed)
 */
typedef enum {
  CLS_EMPTY_SKIP,
  CLS_EMPTY_INCLUDE,
} ClsEmptyPolicy;

#define CLS_BISECT_TOLERANCE 1e-4
#define CLS_BISECT_MAX_STEPS 200
#define CLS_FIXED_CUT 0.5

typedef struct {
  ClsFraction    epsilon;
  ClsFraction    alpha;
  ClsMethod      method;
  ClsEmptyPolicy empty_policy;
  ClsNormalize   normalize;
} ClsCalibrationParams;

void         cls_calibration_params_init     (ClsCalibrationParams        *params);
gboolean     cls_calibration_params_check    (const ClsCalibrationParams  *params,
                                              GError                     **error);

const char  *cls_method_to_string            (ClsMethod                    method);
gboolean     cls_method_from_string          (const char                  *text,
                                              ClsMethod                   *out);
const char  *cls_empty_policy_to_string      (ClsEmptyPolicy               policy);
gboolean     cls_empty_policy_from_string    (const char                  *text,
                                              ClsEmptyPolicy              *out);
const char  *cls_normalize_to_string         (ClsNormalize                 normalize);
gboolean     cls_normalize_from_string       (const char                  *text,
                                              ClsNormalize                *out);

/**
 * ClsCaseScore:
 * @cut: the critical probability cut c_i (mask {p >= c_i} is the smallest
 *   mask with L_i <= epsilon); 1 when nothing needs to be found
 * @t: the critical threshold t_i = 1 - c_i (bisection: its midpoint)
 * @allowed: m_i = floor(epsilon · G_i), lesion voxels that may be missed
 */
typedef struct {
  double  cut;
  double  t;
  guint64 allowed;
} ClsCaseScore;

gboolean     cls_case_score                  (const ClsCaseSummary        *summary,
                                              const ClsCalibrationParams  *params,
                                              ClsCaseScore                *out);
double       cls_case_fnr                    (const ClsCaseSummary        *summary,
                                              const ClsValueMap           *map,
                                              double                       cut);
double       cls_case_pc                     (const ClsCaseSummary        *summary,
                                              const ClsValueMap           *map,
                                              double                       cut);
gboolean     cls_case_covered                (const ClsCaseSummary        *summary,
                                              const ClsValueMap           *map,
                                              guint64                      allowed,
                                              double                       cut);
double       cls_select_kth_largest          (double                      *values,
                                              gsize                        n,
                                              gsize                        k);

/**
 * ClsCaseResult:
 * @summary: the case
 * @skipped: an empty lesion mask skipped by the policy
 * @score: its critical cut and threshold (unset when skipped)
 * @fnr_fixed: FNR at t = 0.5 (NaN for an empty mask)
 * @fnr_calibrated: FNR at t̂ (NaN for an empty mask)
 * @pc_fixed: share of all voxels in the mask at t = 0.5
 * @pc_calibrated: share of all voxels in the mask at t̂
 * @covered: whether L_i(t̂) <= epsilon
 */
typedef struct {
  ClsCaseSummary *summary;
  gboolean        skipped;
  ClsCaseScore    score;
  double          fnr_fixed;
  double          fnr_calibrated;
  double          pc_fixed;
  double          pc_calibrated;
  gboolean        covered;
} ClsCaseResult;

typedef struct _ClsCalibration ClsCalibration;

ClsCalibration             *cls_calibration_new              (ClsCaseSummary * const     *cases,
                                                              guint                       n_cases,
                                                              const ClsCalibrationParams *params,
                                                              GError                    **error);
void                        cls_calibration_free             (ClsCalibration             *self);

const ClsCalibrationParams *cls_calibration_get_params       (const ClsCalibration       *self);
guint                       cls_calibration_get_n_cases      (const ClsCalibration       *self);
const ClsCaseResult        *cls_calibration_get_case         (const ClsCalibration       *self,
                                                              guint                       i);
guint                       cls_calibration_get_n            (const ClsCalibration       *self);
guint                       cls_calibration_get_n_skipped    (const ClsCalibration       *self);
guint64                     cls_calibration_get_rank         (const ClsCalibration       *self);
gboolean                    cls_calibration_is_feasible      (const ClsCalibration       *self);
guint64                     cls_calibration_get_min_n        (const ClsCalibration       *self);
double                      cls_calibration_get_cut          (const ClsCalibration       *self);
double                      cls_calibration_get_t_hat        (const ClsCalibration       *self);
guint                       cls_calibration_get_n_covered    (const ClsCalibration       *self);
const char                 *cls_calibration_get_model        (const ClsCalibration       *self);
gboolean                    cls_calibration_is_float32       (const ClsCalibration       *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ClsCalibration, cls_calibration_free)

G_END_DECLS
