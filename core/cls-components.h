/* cls-components.h: the lesions of a case, the 26-connected components of
 * its ground truth
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A lesion is a connected component of the lesion voxels, two voxels being
 * neighbours when they touch by a face, an edge or a corner (26-connectivity).
 * Per lesion a case keeps its voxel count and its voxels' probabilities
 * sorted from largest, so that the lesion is "detected" at any coverage q
 * and cut c exactly when #{p >= c in it} >= ceil(q · size), that is when c
 * is at most its detection cut, the ceil(q · size)-th largest probability in
 * it. With the voxel volume (from the affine) each lesion has a size in mm.
 */
#pragma once

#include <glib.h>

#include "cls-count-index.h"
#include "cls-fraction.h"

G_BEGIN_DECLS

/**
 * ClsSizeBand:
 * @CLS_SIZE_SMALL: equivalent diameter below 5 mm
 * @CLS_SIZE_MEDIUM: from 5 mm to 10 mm
 * @CLS_SIZE_LARGE: above 10 mm
 * @CLS_N_SIZE_BANDS: how many bands
 *
 * Size bands by the equivalent diameter d = (6 V / π)^(1/3) of a volume V:
 * the diameter of the ball of that volume.
 */
typedef enum {
  CLS_SIZE_SMALL,
  CLS_SIZE_MEDIUM,
  CLS_SIZE_LARGE,
  CLS_N_SIZE_BANDS,
} ClsSizeBand;

#define CLS_SIZE_SMALL_BELOW_MM 5.0
#define CLS_SIZE_LARGE_ABOVE_MM 10.0

double       cls_equivalent_diameter      (double              volume_mm3);
ClsSizeBand  cls_size_band_of_diameter    (double              diameter_mm);
const char  *cls_size_band_to_string      (ClsSizeBand         band);
const char  *cls_size_band_get_label      (ClsSizeBand         band);
double       cls_voxel_volume_of_affine   (const double        affine[4][4]);

guint32      cls_components_label         (const guint64      *positions,
                                           gsize               n,
                                           const gint64        dims[3],
                                           guint32            *labels);

typedef struct _ClsComponents ClsComponents;

ClsComponents *cls_components_new_from_voxels (const guint64  *positions,
                                               gconstpointer   probs,
                                               gboolean        wide,
                                               gsize           n,
                                               const gint64    dims[3],
                                               double          voxel_volume);
ClsComponents *cls_components_new_from_ids    (const guint32  *ids,
                                               gconstpointer   sorted_probs,
                                               gboolean        wide,
                                               guint64         n,
                                               guint32         n_components,
                                               double          voxel_volume);
void           cls_components_free            (ClsComponents  *self);

guint32      cls_components_get_n             (const ClsComponents *self);
guint64      cls_components_get_n_voxels      (const ClsComponents *self);
double       cls_components_get_voxel_volume  (const ClsComponents *self);
guint64      cls_components_get_size          (const ClsComponents *self,
                                               guint32              j);
double       cls_components_get_value         (const ClsComponents *self,
                                               guint32              j,
                                               guint64              rank);
double       cls_components_get_diameter      (const ClsComponents *self,
                                               guint32              j);
ClsSizeBand  cls_components_get_band          (const ClsComponents *self,
                                               guint32              j);
double       cls_components_detection_cut     (const ClsComponents *self,
                                               guint32              j,
                                               ClsFraction          coverage,
                                               const ClsValueMap   *map);
guint32     *cls_components_ids_in_order      (const ClsComponents *self);
gsize        cls_components_get_memory_size   (const ClsComponents *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ClsComponents, cls_components_free)

G_END_DECLS
