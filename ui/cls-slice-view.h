/* cls-slice-view.h: one plane of a case, drawn with OpenGL
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * #ClsSliceView is a #GtkGLArea that shows one plane (axial, coronal or
 * sagittal) of a #ClsSliceVolumes through a cursor voxel, drawn as a
 * #ClsSliceStyle says.
 *
 * It draws in two passes. Pass 1 (shaders/slice-voxels.frag) reads the
 * plane from the volumes' 3D textures at voxel resolution, only for a new
 * plane, slice or case: per voxel the image value, the probability and
 * those of its neighbours (as float32 bits) and what does not depend on the
 * cut. Pass 2 (shaders/slice.frag), every frame, reads one or two texels of
 * that per screen pixel and decides the masks, missed voxels and outlines
 * against the cut, exactly: a new cut, window, colour, zoom or pan is
 * uniforms only.
 */
#pragma once

#include <gtk/gtk.h>

#include "cls-slice-style.h"
#include "cls-slice-volumes.h"

G_BEGIN_DECLS

/**
 * ClsSlicePlane:
 * @CLS_SLICE_PLANE_AXIAL: the plane of constant superior-inferior position
 * @CLS_SLICE_PLANE_CORONAL: the plane of constant anterior-posterior position
 * @CLS_SLICE_PLANE_SAGITTAL: the plane of constant left-right position
 */
typedef enum {
  CLS_SLICE_PLANE_AXIAL,
  CLS_SLICE_PLANE_CORONAL,
  CLS_SLICE_PLANE_SAGITTAL,
} ClsSlicePlane;

#define CLS_N_SLICE_PLANES 3

#define CLS_TYPE_SLICE_PLANE       (cls_slice_plane_get_type ())

GType        cls_slice_plane_get_type        (void) G_GNUC_CONST;

const char  *cls_slice_plane_get_label       (ClsSlicePlane   plane);

/**
 * ClsDrawTime:
 * @wall_ms: milliseconds on the clock
 * @cpu_ms: processor milliseconds of the whole process, all its threads
 *   (software OpenGL's too): what the drawing cost, whatever else the
 *   machine runs
 *
 * How long drawing took, for benchmarks.
 */
typedef struct {
  double wall_ms;
  double cpu_ms;
} ClsDrawTime;

#define CLS_TYPE_SLICE_VIEW (cls_slice_view_get_type ())

G_DECLARE_FINAL_TYPE (ClsSliceView, cls_slice_view, CLS, SLICE_VIEW, GtkGLArea)

GtkWidget       *cls_slice_view_new               (ClsSlicePlane     plane);

ClsSlicePlane    cls_slice_view_get_plane         (ClsSliceView     *self);
ClsSliceStyle   *cls_slice_view_get_style         (ClsSliceView     *self);
void             cls_slice_view_set_style         (ClsSliceView     *self,
                                                   ClsSliceStyle    *style);
ClsSliceVolumes *cls_slice_view_get_volumes       (ClsSliceView     *self);
void             cls_slice_view_set_volumes       (ClsSliceView     *self,
                                                   ClsSliceVolumes  *volumes);
void             cls_slice_view_get_cursor        (ClsSliceView     *self,
                                                   gint64            index[3]);
void             cls_slice_view_set_cursor        (ClsSliceView     *self,
                                                   const gint64      index[3]);
double           cls_slice_view_get_zoom          (ClsSliceView     *self);
void             cls_slice_view_set_zoom          (ClsSliceView     *self,
                                                   double            zoom);
void             cls_slice_view_reset_view        (ClsSliceView     *self);
const char      *cls_slice_view_get_message       (ClsSliceView     *self);
void             cls_slice_view_get_edge_labels   (ClsSliceView     *self,
                                                   const char      **left,
                                                   const char      **right,
                                                   const char      **top,
                                                   const char      **bottom);

gboolean         cls_slice_view_voxel_to_widget   (ClsSliceView     *self,
                                                   const double      index[3],
                                                   double           *x,
                                                   double           *y);
gboolean         cls_slice_view_widget_to_voxel   (ClsSliceView     *self,
                                                   double            x,
                                                   double            y,
                                                   gint64            index[3]);

GdkTexture      *cls_slice_view_render_to_texture (ClsSliceView     *self,
                                                   GError          **error);
guint            cls_slice_view_get_n_voxel_passes (ClsSliceView    *self);
gboolean         cls_slice_view_time_draw         (ClsSliceView     *self,
                                                   ClsDrawTime      *time,
                                                   GError          **error);

G_END_DECLS
