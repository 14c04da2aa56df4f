/* cls-slice-volumes-private.h: the OpenGL side of #ClsSliceVolumes, for the views
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <epoxy/gl.h>
#include <gtk/gtk.h>

#include "cls-slice-volumes.h"

G_BEGIN_DECLS

/**
 * ClsSliceSource:
 * @CLS_SLICE_SOURCE_IMAGE: the image: an R32F 3D texture
 * @CLS_SLICE_SOURCE_PROB: the probability map: an R32F 3D texture, read
 *   with texelFetch only (never filtered)
 * @CLS_SLICE_SOURCE_LABEL: the label: an R8UI 3D texture of bits, so that
 *   one texel says what the outlines of the ground truth need: bit 0 the
 *   voxel is a lesion voxel, bits 1 to 6 its neighbour at +i, -i, +j, -j, +k,
 *   -k is (never outside the volume)
 * @CLS_N_SLICE_SOURCES: how many
 */
typedef enum {
  CLS_SLICE_SOURCE_IMAGE,
  CLS_SLICE_SOURCE_PROB,
  CLS_SLICE_SOURCE_LABEL,
  CLS_N_SLICE_SOURCES,
} ClsSliceSource;

guint     cls_slice_volumes_get_sources     (ClsSliceVolumes  *self);
gboolean  cls_slice_volumes_ensure_textures (ClsSliceVolumes  *self,
                                             GdkGLContext     *view_context,
                                             GError          **error);
guint     cls_slice_volumes_get_texture     (ClsSliceVolumes  *self,
                                             ClsSliceSource    source);

gboolean  cls_slice_check_gl                (const char       *what,
                                             GError          **error);
void      cls_slice_texture_texels_only     (GLenum            target);

G_END_DECLS
