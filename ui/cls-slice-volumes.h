/* cls-slice-volumes.h: the volumes of one case, ready for the slice views
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * #ClsSliceVolumes gathers the volumes of the current case (image,
 * probability map, label), the anatomy read from their affine, and the 3D
 * textures they become, uploaded once per case and shared by every view.
 */
#pragma once

#include <glib-object.h>

#include "cls-volume.h"

G_BEGIN_DECLS

/**
 * ClsVoxelReadout:
 * @index: the voxel (i, j, k)
 * @position: its centre in world millimetres (the NIfTI RAS+ frame of the affine)
 * @has_image: whether there is an image
 * @intensity: the image value (scaled), when @has_image
 * @has_probability: whether there is a probability map
 * @probability: the probability, exact (as a double), when @has_probability
 * @has_label: whether there is a label
 * @label: the label value, when @has_label
 * @in_mask_fixed: p >= 0.5
 * @in_mask_calibrated: p >= the cut
 * @missed: a lesion voxel (label != 0) with p < the cut
 *
 * What one voxel holds, read from the volumes on the CPU (never from the
 * textures), compared with the cut in double precision.
 */
typedef struct {
  gint64   index[3];
  double   position[3];
  gboolean has_image;
  double   intensity;
  gboolean has_probability;
  double   probability;
  gboolean has_label;
  double   label;
  gboolean in_mask_fixed;
  gboolean in_mask_calibrated;
  gboolean missed;
} ClsVoxelReadout;

typedef struct _ClsSliceVolumes ClsSliceVolumes;

#define CLS_TYPE_SLICE_VOLUMES (cls_slice_volumes_get_type ())

GType            cls_slice_volumes_get_type             (void) G_GNUC_CONST;
ClsSliceVolumes *cls_slice_volumes_new                  (ClsVolume              *image,
                                                         ClsVolume              *probability,
                                                         ClsVolume              *label,
                                                         GError                **error);
ClsSliceVolumes *cls_slice_volumes_ref                  (ClsSliceVolumes        *self);
void             cls_slice_volumes_unref                (ClsSliceVolumes        *self);

ClsVolume       *cls_slice_volumes_get_image            (ClsSliceVolumes        *self);
ClsVolume       *cls_slice_volumes_get_probability      (ClsSliceVolumes        *self);
ClsVolume       *cls_slice_volumes_get_label            (ClsSliceVolumes        *self);
void             cls_slice_volumes_get_dims             (ClsSliceVolumes        *self,
                                                         gint64                  dims[3]);
void             cls_slice_volumes_get_spacing          (ClsSliceVolumes        *self,
                                                         double                  spacing[3]);
void             cls_slice_volumes_get_anatomical_axes  (ClsSliceVolumes        *self,
                                                         int                     axis[3],
                                                         int                     sign[3]);
const char      *cls_slice_volumes_get_orientation      (ClsSliceVolumes        *self);
const char      *cls_slice_volumes_get_orientation_note (ClsSliceVolumes        *self);
void             cls_slice_volumes_get_focus            (ClsSliceVolumes        *self,
                                                         gint64                  index[3]);
gboolean         cls_slice_volumes_looks_like_ct        (ClsSliceVolumes        *self);
void             cls_slice_volumes_get_percentile_window (ClsSliceVolumes       *self,
                                                         double                 *width,
                                                         double                 *level);
gboolean         cls_slice_volumes_read_voxel           (ClsSliceVolumes        *self,
                                                         const gint64            index[3],
                                                         double                  cut,
                                                         ClsVoxelReadout        *out);

char            *cls_voxel_readout_format               (const ClsVoxelReadout  *readout);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ClsSliceVolumes, cls_slice_volumes_unref)

G_END_DECLS
