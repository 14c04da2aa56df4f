/* cls-volume.h: NIfTI-1/NIfTI-2 volumes (read, validate, geometry, scale, write)
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * ClsAffineSource:
 * @CLS_AFFINE_SFORM: the sform matrix (sform_code > 0)
 * @CLS_AFFINE_QFORM: the qform quaternion (qform_code > 0, sform_code == 0)
 * @CLS_AFFINE_PIXDIM: neither: a plain scaling by pixdim (nibabel's fallback)
 *
 * Which transform gave the voxel-to-world matrix, by nibabel's rule.
 */
typedef enum {
  CLS_AFFINE_SFORM,
  CLS_AFFINE_QFORM,
  CLS_AFFINE_PIXDIM,
} ClsAffineSource;

/**
 * ClsDatatype:
 *
 * The on-disk voxel types we read (NIfTI codes). Anything else is
 * %CLS_ERROR_UNSUPPORTED. 64-bit integers (nibabel's default for label
 * arrays) are read as doubles, exact up to 2^53.
 */
typedef enum {
  CLS_DATATYPE_UINT8   = 2,
  CLS_DATATYPE_INT16   = 4,
  CLS_DATATYPE_INT32   = 8,
  CLS_DATATYPE_FLOAT32 = 16,
  CLS_DATATYPE_FLOAT64 = 64,
  CLS_DATATYPE_INT8    = 256,
  CLS_DATATYPE_UINT16  = 512,
  CLS_DATATYPE_UINT32  = 768,
  CLS_DATATYPE_INT64   = 1024,
  CLS_DATATYPE_UINT64  = 1280,
} ClsDatatype;

/**
 * ClsVolumeReadOptions:
 * @header_only: read and validate the header, do not load voxels
 * @max_bytes: refuse volumes whose voxel data would exceed this many bytes
 *   (0: the default budget, see cls_volume_default_max_bytes())
 *
 * Options for cls_volume_read(). A zeroed struct (or %NULL) means defaults.
 */
typedef struct {
  gboolean header_only;
  guint64  max_bytes;
} ClsVolumeReadOptions;

typedef struct _ClsVolume ClsVolume;

guint64          cls_volume_default_max_bytes   (void);

ClsVolume       *cls_volume_read                (const char                 *path,
                                                 const ClsVolumeReadOptions *options,
                                                 GError                    **error);
ClsVolume       *cls_volume_new                 (const gint64                dims[3],
                                                 guint                       n_channels,
                                                 ClsDatatype                 datatype,
                                                 const double                affine[4][4]);
ClsVolume       *cls_volume_ref                 (ClsVolume                  *self);
void             cls_volume_unref               (ClsVolume                  *self);

const char      *cls_volume_get_path            (const ClsVolume            *self);
int              cls_volume_get_nifti_version   (const ClsVolume            *self);
ClsDatatype      cls_volume_get_datatype        (const ClsVolume            *self);
const char      *cls_volume_get_datatype_name   (const ClsVolume            *self);
gboolean         cls_volume_has_data            (const ClsVolume            *self);
void             cls_volume_get_dims            (const ClsVolume            *self,
                                                 gint64                      dims[3]);
guint64          cls_volume_get_n_voxels        (const ClsVolume            *self);
guint            cls_volume_get_n_channels      (const ClsVolume            *self);
void             cls_volume_get_spacing         (const ClsVolume            *self,
                                                 double                      spacing[3]);
void             cls_volume_get_affine          (const ClsVolume            *self,
                                                 double                      affine[4][4]);
ClsAffineSource  cls_volume_get_affine_source   (const ClsVolume            *self);
const char      *cls_volume_get_affine_warning  (const ClsVolume            *self);
gboolean         cls_volume_get_scaling         (const ClsVolume            *self,
                                                 double                     *slope,
                                                 double                     *inter);
void             cls_volume_get_orientation     (const ClsVolume            *self,
                                                 char                        axcodes[4]);

void             cls_volume_read_doubles        (const ClsVolume            *self,
                                                 guint                       channel,
                                                 guint64                     first,
                                                 guint64                     count,
                                                 double                     *out);
void             cls_volume_read_floats         (const ClsVolume            *self,
                                                 guint                       channel,
                                                 guint64                     first,
                                                 guint64                     count,
                                                 float                      *out);
gpointer         cls_volume_get_data            (ClsVolume                  *self);

gboolean         cls_volume_same_grid           (const ClsVolume            *a,
                                                 const ClsVolume            *b,
                                                 double                      tolerance_mm);

gboolean         cls_volume_write               (const ClsVolume            *self,
                                                 const char                 *path,
                                                 GError                    **error);
gboolean         cls_volume_write_mask          (const ClsVolume            *geometry,
                                                 const guint8               *mask,
                                                 const char                 *path,
                                                 GError                    **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ClsVolume, cls_volume_unref)

G_END_DECLS
