/* cls-weights.h: per-case weights for calibration under covariate shift
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * When the cases to be segmented come from another distribution than the
 * calibration cases (another scanner, another hospital) in a way that the
 * likelihood ratio w(x) = dP_test / dP_cal of each case's features can be
 * estimated, weighted conformal prediction (Tibshirani et al. 2019) keeps
 * the guarantee: with w_i the calibration cases' weights and w_test the new
 * case's,
 *
 *   t̂ = the smallest t with Σ_{i : t_i <= t} w_i / (Σ_i w_i + w_test) >= 1 - α,
 *
 * infeasible (t̂ = 1) when even t = 1 falls short. Weights come from a CSV
 * file with the header "case,weight" and one positive decimal per case.
 * They are kept exactly: every weight as an integer count of units of
 * 10^-D, D the most decimals any weight has, and sums as 128-bit integers,
 * so that equal weights give exactly the unweighted threshold.
 */
#pragma once

#include <glib.h>

#include "cls-fraction.h"

G_BEGIN_DECLS

typedef struct _ClsWeights ClsWeights;

ClsWeights  *cls_weights_new              (void);
ClsWeights  *cls_weights_read             (const char       *path,
                                           GError          **error);
ClsWeights  *cls_weights_parse            (const char       *path,
                                           const char       *text,
                                           gsize             length,
                                           GError          **error);
ClsWeights  *cls_weights_ref              (ClsWeights       *self);
void         cls_weights_unref            (ClsWeights       *self);

gboolean     cls_weights_add              (ClsWeights       *self,
                                           const char       *case_id,
                                           ClsFraction       weight,
                                           GError          **error);
const char  *cls_weights_get_path         (const ClsWeights *self);
guint        cls_weights_get_n            (const ClsWeights *self);
gboolean     cls_weights_lookup           (const ClsWeights *self,
                                           const char       *case_id,
                                           guint64          *units);
double       cls_weights_units_to_double  (const ClsWeights *self,
                                           guint64           units);

double       cls_weights_n_eff            (const guint64    *units,
                                           guint             n);

typedef struct _ClsWeightedQuantile ClsWeightedQuantile;

ClsWeightedQuantile *cls_weighted_quantile_new      (const double              *keys,
                                                     const guint64             *units,
                                                     guint                      n);
void                 cls_weighted_quantile_free     (ClsWeightedQuantile       *self);
gboolean             cls_weighted_quantile_key      (const ClsWeightedQuantile *self,
                                                     ClsFraction                alpha,
                                                     guint64                    test_units,
                                                     double                    *key);
guint64              cls_weighted_quantile_get_max  (const ClsWeightedQuantile *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ClsWeights, cls_weights_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ClsWeightedQuantile, cls_weighted_quantile_free)

G_END_DECLS
