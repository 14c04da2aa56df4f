/* cls-lesion-loss.h: the lesion-level false negative rate
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The voxel loss of a case is the share of its lesion voxels outside the
 * mask; the lesion loss is the share of its lesions (cls-components.h) that
 * the mask misses: L_i(c) = #{lesions not detected at c} / J_i, a lesion
 * being detected when at least ceil(q · size) of its voxels are in the mask
 * {p >= c} (q the coverage, 0.5 by default). Lesion j is detected exactly
 * when c <= d_j, its detection cut; so the lesion loss of a case is
 * #{d_j < c} / J, a loss profile (cls-risk-control.h) like the voxel
 * loss's, and the exact critical cut, CRC and LTT work on it unchanged.
 */
#pragma once

#include <glib.h>

#include "cls-components.h"
#include "cls-fraction.h"
#include "cls-risk-control.h"

G_BEGIN_DECLS

/**
 * ClsLoss:
 * @CLS_LOSS_VOXEL: the share of a case's lesion voxels outside the mask
 * @CLS_LOSS_LESION: the share of a case's lesions the mask does not detect
 */
typedef enum {
  CLS_LOSS_VOXEL,
  CLS_LOSS_LESION,
} ClsLoss;

#define CLS_DEFAULT_LESION_COVERAGE ((ClsFraction) { 5, 10 })

const char *cls_loss_to_string   (ClsLoss      loss);
gboolean    cls_loss_from_string (const char  *text,
                                  ClsLoss     *out);

/**
 * ClsLesionCuts:
 * @n: lesions, J
 * @cuts: (array length=n): their detection cuts d_j, sorted from largest
 * @bands: (array length=n): the size band of the lesion at each place of @cuts
 * @firsts: (array length=n): each lesion's largest probability, sorted from
 *   largest: a lesion is missed entirely (no voxel in the mask) when the cut
 *   is above it
 * @per_band: lesions per size band
 *
 * A case's lesions as the lesion loss sees them at one coverage and value
 * map.
 */
typedef struct {
  guint32  n;
  double  *cuts;
  guint8  *bands;
  double  *firsts;
  guint32  per_band[CLS_N_SIZE_BANDS];
} ClsLesionCuts;

ClsLesionCuts *cls_lesion_cuts_new             (const ClsComponents *components,
                                                ClsFraction          coverage,
                                                const ClsValueMap   *map);
void           cls_lesion_cuts_free            (ClsLesionCuts       *self);

ClsLossProfile cls_lesion_cuts_profile         (const ClsLesionCuts *self);
double         cls_lesion_cuts_critical_cut    (const ClsLesionCuts *self,
                                                ClsFraction          epsilon,
                                                guint64             *allowed);
guint32        cls_lesion_cuts_missed          (const ClsLesionCuts *self,
                                                double               cut);
guint32        cls_lesion_cuts_missed_entirely (const ClsLesionCuts *self,
                                                double               cut);
void           cls_lesion_cuts_missed_by_band  (const ClsLesionCuts *self,
                                                double               cut,
                                                guint32              missed[CLS_N_SIZE_BANDS]);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ClsLesionCuts, cls_lesion_cuts_free)

G_END_DECLS
