/* cls-risk-control.h: guarantees beyond the paper's marginal CLS
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every method here sees a case through its loss profile: values v_1 >= ...
 * >= v_m such that the case's loss at the cut c is #{v_j < c} / m. For the
 * voxel FNR the values are the lesion probabilities; for the lesion-level
 * FNR they are the lesions' detection cuts; for CLS's binary loss
 * 1{L_i > epsilon} the single value c_i.
 *
 * - Conformal risk control (Angelopoulos et al. 2022): the largest cut with
 *   (n R̂(c) + 1) / (n + 1) <= epsilon, so that E[L_test] <= epsilon. Solved
 *   exactly over the merged profile values, near-ties decided with GMP
 *   rationals.
 * - Training-conditional CLS (Vovk 2012): coverage given the calibration set
 *   is Beta(k, n + 1 - k); the smallest k with BetaCDF(1 - alpha) <= delta
 *   gives coverage >= 1 - alpha with probability >= 1 - delta.
 * - Learn then Test (Angelopoulos et al. 2021) with Hoeffding–Bentkus
 *   p-values and fixed-sequence testing from the conservative end, on a
 *   fixed grid of cuts (it must not depend on the data): with probability
 *   >= 1 - delta, E[L_test] <= epsilon.
 */
#pragma once

#include <glib.h>

#include "cls-fraction.h"

G_BEGIN_DECLS

/**
 * ClsLossProfile:
 * @values: (array length=n_values): sorted from largest
 * @n_values: how many; 0 means a case that cannot lose (loss 0)
 */
typedef struct {
  const double *values;
  guint64       n_values;
} ClsLossProfile;

/**
 * ClsRiskControl:
 * @cut: the chosen probability cut (mask {p >= cut}); 0 when infeasible
 * @feasible: whether a cut meets the condition at all
 * @risk: the mean calibration loss R̂ at @cut
 * @bound: CRC: (n R̂ + 1) / (n + 1) at @cut; LTT: the p-value at @cut
 */
typedef struct {
  double   cut;
  gboolean feasible;
  double   risk;
  double   bound;
} ClsRiskControl;

#define CLS_LTT_GRID 16384

double   cls_loss_profile_loss   (const ClsLossProfile *profile,
                                  double                cut);
void     cls_crc_cut             (const ClsLossProfile *profiles,
                                  guint                 n,
                                  ClsFraction           epsilon,
                                  ClsRiskControl       *out);
void     cls_ltt_cut             (const ClsLossProfile *profiles,
                                  guint                 n,
                                  ClsFraction           epsilon,
                                  ClsFraction           delta,
                                  ClsRiskControl       *out);
double   cls_hb_pvalue           (double                risk,
                                  guint                 n,
                                  double                epsilon);
guint64  cls_pac_rank            (ClsFraction           alpha,
                                  ClsFraction           delta,
                                  guint64               n);

G_END_DECLS
