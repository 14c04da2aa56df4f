/* cls-tri-planar.h: axial, coronal and sagittal views with a shared cursor
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "cls-slice-view.h"

G_BEGIN_DECLS

/**
 * ClsFrameChange:
 * @CLS_FRAME_CHANGE_CUT: a new cut before each frame (a slider move): the
 *   views only get new uniforms
 * @CLS_FRAME_CHANGE_SLICES: the cursor moves one voxel along all three
 *   axes before each frame: every view shows a new slice
 *
 * What cls_tri_planar_measure_frames() changes between frames.
 */
typedef enum {
  CLS_FRAME_CHANGE_CUT,
  CLS_FRAME_CHANGE_SLICES,
} ClsFrameChange;

#define CLS_TYPE_TRI_PLANAR (cls_tri_planar_get_type ())

G_DECLARE_FINAL_TYPE (ClsTriPlanar, cls_tri_planar, CLS, TRI_PLANAR, GtkWidget)

GtkWidget             *cls_tri_planar_new               (void);

ClsSliceStyle         *cls_tri_planar_get_style         (ClsTriPlanar     *self);
ClsSliceView          *cls_tri_planar_get_view          (ClsTriPlanar     *self,
                                                         ClsSlicePlane     plane);
ClsSliceVolumes       *cls_tri_planar_get_volumes       (ClsTriPlanar     *self);
void                   cls_tri_planar_set_volumes       (ClsTriPlanar     *self,
                                                         ClsSliceVolumes  *volumes);
void                   cls_tri_planar_set_cut           (ClsTriPlanar     *self,
                                                         double            cut);
void                   cls_tri_planar_set_compare       (ClsTriPlanar     *self,
                                                         const char       *label_a,
                                                         double            cut_a,
                                                         const char       *label_b,
                                                         double            cut_b);
void                   cls_tri_planar_get_cursor        (ClsTriPlanar     *self,
                                                         gint64            index[3]);
void                   cls_tri_planar_set_cursor        (ClsTriPlanar     *self,
                                                         const gint64      index[3]);
const ClsVoxelReadout *cls_tri_planar_get_readout       (ClsTriPlanar     *self);
const char            *cls_tri_planar_get_readout_text  (ClsTriPlanar     *self);

GdkTexture            *cls_tri_planar_render_to_texture (ClsTriPlanar     *self,
                                                         GError          **error);
gboolean               cls_tri_planar_measure_frames    (ClsTriPlanar     *self,
                                                         guint             n_frames,
                                                         ClsFrameChange    change,
                                                         ClsDrawTime      *median,
                                                         GError          **error);
double                 cls_tri_planar_measure_frame_ms  (ClsTriPlanar     *self,
                                                         guint             n_frames,
                                                         ClsFrameChange    change,
                                                         GError          **error);
gboolean               cls_tri_planar_save_png          (ClsTriPlanar     *self,
                                                         const char       *path,
                                                         GError          **error);

G_END_DECLS
