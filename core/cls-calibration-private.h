/* cls-calibration-private.h: what calibration and evaluation share
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Not installed, not for the app: a case as every method sees it, and the
 * calibration of one group of cases (all of them, or one stratum) by any
 * method. cls_calibration_new() and the general path of cls_evaluator_run()
 * both use these, so that a split of an evaluation calibrates exactly as
 * `cls calibrate` does.
 */
#pragma once

#include "cls-calibration.h"

G_BEGIN_DECLS

/**
 * ClsCaseLoss:
 * @summary: the case (borrowed)
 * @usable: it takes part (not an empty mask skipped by the policy)
 * @score: its exact critical cut for the loss (bisection: Algorithm 1's)
 * @key: larger is more permissive: the critical cut, or -t_i (bisection)
 * @stratum: its stratum
 * @units: its weight in units (weights)
 * @has_weight: whether the weights name it
 * @lesions: (nullable): its lesions' detection cuts (lesion loss, or when
 *   asked for lesion measures)
 * @profile: its loss profile (crc, ltt)
 * @mapped: (nullable): the profile's values when they had to be mapped
 * @map: its value map
 */
typedef struct {
  ClsCaseSummary *summary;
  gboolean        usable;
  ClsCaseScore    score;
  double          key;
  guint           stratum;
  guint64         units;
  gboolean        has_weight;
  ClsLesionCuts  *lesions;
  ClsLossProfile  profile;
  double         *mapped;
  ClsValueMap     map;
} ClsCaseLoss;

gboolean cls_case_loss_init    (ClsCaseLoss                *row,
                                ClsCaseSummary             *summary,
                                const ClsCalibrationParams *params,
                                gboolean                    with_lesions,
                                GError                    **error);
void     cls_case_loss_clear   (ClsCaseLoss                *row);
gboolean cls_case_loss_covered (const ClsCaseLoss          *row,
                                const ClsCalibrationParams *params,
                                double                      cut);

/**
 * ClsGroupResult:
 * @feasible: whether a cut has the guarantee
 * @rank: k (exact, bisect without weights), else 0
 * @min_n: the fewest cases that can be feasible (0 when it depends on the data)
 * @key: the chosen key (valid when feasible)
 * @risk: CRC, LTT: mean calibration loss at the cut
 * @bound: CRC: (n R̂ + 1) / (n + 1); LTT: the p-value
 * @n_eff: the effective sample size (n without weights)
 * @test_units: weights: the largest calibration weight, the stand-in for
 *   a test case's
 */
typedef struct {
  gboolean feasible;
  guint64  rank;
  guint64  min_n;
  double   key;
  double   risk;
  double   bound;
  double   n_eff;
  guint64  test_units;
} ClsGroupResult;

ClsWeightedQuantile *cls_calibrate_group  (const ClsCalibrationParams *params,
                                           ClsCaseLoss * const        *rows,
                                           guint                       n,
                                           double                     *scratch,
                                           ClsGroupResult             *out);
double               cls_key_to_cut       (const ClsCalibrationParams *params,
                                           double                      key);
guint64              cls_group_min_n      (const ClsCalibrationParams *params);
guint64              cls_group_rank       (const ClsCalibrationParams *params,
                                           guint64                     n);

G_END_DECLS
