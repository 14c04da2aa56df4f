/* cls-calibration.h: per-case critical cuts, the conformal rank and t̂
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Everything is kept in probability-cut form: the mask at threshold t is
 * {p >= c} with c = 1 - t, and c is always a stored probability (exact
 * method), so no 1 - (1 - p) ever decides a voxel.
 *
 * Beyond the paper (docs/beyond.md): conformal risk control of the expected
 * loss (crc), Learn then Test (ltt), the training-conditional guarantee
 * (pac), the lesion-level loss, Mondrian strata by predicted lesion size
 * and weights for covariate shift. Each calibrates a group of cases to one
 * cut; strata make one group per stratum.
 */
#pragma once

#include <glib.h>

#include "cls-fraction.h"
#include "cls-lesion-loss.h"
#include "cls-strata.h"
#include "cls-summary.h"
#include "cls-weights.h"

G_BEGIN_DECLS

/**
 * ClsMethod:
 * @CLS_METHOD_EXACT: t_i from the sorted lesion probabilities, exactly
 * @CLS_METHOD_BISECT: the paper's Algorithm 1 (bisection on t, tolerance
 *   1e-4, at most 200 steps, strict p > 1 - t while calibrating)
 * @CLS_METHOD_CRC: conformal risk control of the expected loss,
 *   E[L_test] <= epsilon (alpha is not used)
 * @CLS_METHOD_LTT: Learn then Test: with probability >= 1 - delta over the
 *   calibration set, E[L_test] <= epsilon (alpha is not used)
 */
typedef enum {
  CLS_METHOD_EXACT,
  CLS_METHOD_BISECT,
  CLS_METHOD_CRC,
  CLS_METHOD_LTT,
} ClsMethod;

/**
 * ClsGuarantee:
 * @CLS_GUARANTEE_MARGINAL: P(L_test <= epsilon) >= 1 - alpha, over
 *   calibration set and test case together (the paper's)
 * @CLS_GUARANTEE_PAC: with probability >= 1 - delta over the calibration
 *   set, P(L_test <= epsilon | calibration set) >= 1 - alpha
 */
typedef enum {
  CLS_GUARANTEE_MARGINAL,
  CLS_GUARANTEE_PAC,
} ClsGuarantee;

/**
 * ClsTestWeight:
 * @CLS_TEST_WEIGHT_OWN: a test case's own weight where the weights name
 *   it, else the largest calibration weight
 * @CLS_TEST_WEIGHT_MAX: always the largest calibration weight (a threshold
 *   that does not depend on the test case; conservative)
 *
 * Which weight a new case counts with in the weighted quantile.
 */
typedef enum {
  CLS_TEST_WEIGHT_OWN,
  CLS_TEST_WEIGHT_MAX,
} ClsTestWeight;

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

/**
 * ClsCalibrationParams:
 * @epsilon: the tolerated loss of a case
 * @alpha: the tolerated share of cases above @epsilon (exact, bisect)
 * @method: how the cut is found
 * @empty_policy: cases without lesion
 * @normalize: the probabilities' normalisation
 * @guarantee: marginal or training-conditional (exact, bisect)
 * @delta: the probability that the guarantee fails over calibration sets
 *   (pac, ltt); den = 0 when not given
 * @loss: voxel or lesion false negative rate
 * @lesion_coverage: the share of a lesion's voxels that detects it (lesion loss)
 * @strata: one threshold per predicted-size stratum, or one for all
 * @weights: (nullable): per-case weights for covariate shift (exact,
 *   bisect); borrowed: it must outlive the parameters' use (calibrations
 *   and evaluations keep a reference of their own)
 * @test_weight: which weight a test case counts with
 */
typedef struct {
  ClsFraction    epsilon;
  ClsFraction    alpha;
  ClsMethod      method;
  ClsEmptyPolicy empty_policy;
  ClsNormalize   normalize;
  ClsGuarantee   guarantee;
  ClsFraction    delta;
  ClsLoss        loss;
  ClsFraction    lesion_coverage;
  ClsStrata      strata;
  ClsWeights    *weights;
  ClsTestWeight  test_weight;
} ClsCalibrationParams;

#define CLS_DEFAULT_DELTA ((ClsFraction) { 1, 10 })

void         cls_calibration_params_init     (ClsCalibrationParams        *params);
gboolean     cls_calibration_params_check    (const ClsCalibrationParams  *params,
                                              GError                     **error);

gboolean     cls_calibration_params_is_plain (const ClsCalibrationParams  *params);
gboolean     cls_calibration_params_has_delta (const ClsCalibrationParams *params);

const char  *cls_method_to_string            (ClsMethod                    method);
gboolean     cls_method_from_string          (const char                  *text,
                                              ClsMethod                   *out);
const char  *cls_empty_policy_to_string      (ClsEmptyPolicy               policy);
gboolean     cls_empty_policy_from_string    (const char                  *text,
                                              ClsEmptyPolicy              *out);
const char  *cls_normalize_to_string         (ClsNormalize                 normalize);
gboolean     cls_normalize_from_string       (const char                  *text,
                                              ClsNormalize                *out);
const char  *cls_guarantee_to_string         (ClsGuarantee                 guarantee);
gboolean     cls_guarantee_from_string       (const char                  *text,
                                              ClsGuarantee                *out);

/**
 * ClsCaseScore:
 * @cut: the critical probability cut c_i (mask {p >= c_i} is the smallest
 *   mask with L_i <= epsilon); 1 when nothing needs to be found
 * @t: the critical threshold t_i = 1 - c_i (bisection: its midpoint)
 * @allowed: m_i = floor(epsilon · G_i), lesion voxels that may be missed
 *   (lesion loss: floor(epsilon · J_i), lesions that may be missed)
 *
 * With the lesion loss, the critical cut is that of the lesion loss; CRC
 * and LTT report the exact critical cut of their loss too.
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
 * @covered: whether L_i(t̂) <= epsilon (for the loss in use)
 * @stratum: its stratum (0 without strata)
 * @cut: the cut its stratum's threshold uses (ĉ without strata)
 * @n_lesions: its lesions, J (0 when its summary has none)
 * @lesions_missed_fixed: lesions not detected at t = 0.5 (lesion coverage)
 * @lesions_missed_calibrated: lesions not detected at @cut
 * @lesions_missed_entirely: lesions without a voxel in the mask at @cut
 * @lesion_fnr_fixed: lesions missed / J at t = 0.5 (NaN without lesions)
 * @lesion_fnr_calibrated: the same at @cut
 * @weight: its weight (NaN without weights)
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
  guint           stratum;
  double          cut;
  guint32         n_lesions;
  guint32         lesions_missed_fixed;
  guint32         lesions_missed_calibrated;
  guint32         lesions_missed_entirely;
  double          lesion_fnr_fixed;
  double          lesion_fnr_calibrated;
  double          weight;
} ClsCaseResult;

/**
 * ClsStratumResult:
 * @n: calibration cases in the stratum
 * @rank: k (exact, bisect without weights; 0 otherwise)
 * @feasible: whether the stratum has a threshold with the guarantee
 * @min_n: for exact and bisect, the fewest cases that can be feasible
 * @cut: its ĉ (0 when infeasible)
 * @t_hat: its t̂
 * @risk: CRC, LTT: the mean calibration loss at @cut
 * @bound: CRC: (n R̂ + 1) / (n + 1); LTT: the p-value at @cut
 * @n_eff: weights: the effective sample size; else @n
 * @test_weight: weights: the weight a new case without one counts with
 *   (the largest calibration weight); NaN without weights
 * @n_covered: its cases with L <= epsilon at @cut
 */
typedef struct {
  guint    n;
  guint64  rank;
  gboolean feasible;
  guint64  min_n;
  double   cut;
  double   t_hat;
  double   risk;
  double   bound;
  double   n_eff;
  double   test_weight;
  guint    n_covered;
} ClsStratumResult;

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
guint                       cls_calibration_get_n_strata     (const ClsCalibration       *self);
const ClsStratumResult     *cls_calibration_get_stratum      (const ClsCalibration       *self,
                                                              guint                       stratum);
gboolean                    cls_calibration_has_lesions      (const ClsCalibration       *self);
void                        cls_calibration_get_lesion_counts (const ClsCalibration      *self,
                                                              guint32                     lesions[CLS_N_SIZE_BANDS],
                                                              guint32                     missed_fixed[CLS_N_SIZE_BANDS],
                                                              guint32                     missed_calibrated[CLS_N_SIZE_BANDS]);
gboolean                    cls_calibration_cut_for_case     (const ClsCalibration       *self,
                                                              const ClsCaseSummary       *summary,
                                                              double                     *cut,
                                                              GError                    **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ClsCalibration, cls_calibration_free)

G_END_DECLS
