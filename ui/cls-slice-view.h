/* cls-slice-view.h: one plane of a case, drawn with OpenGL
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Three pieces work together here:
 *
 * - #ClsSliceVolumes: the volumes of the current case (image, probability
 *   map, label), the anatomy read from their affine, and the 3D textures
 *   they become, uploaded once per case and shared by every view.
 * - #ClsSliceStyle: what the views draw (the cut, which overlays, colours,
 *   opacity, fill or outline, window/level, radiological or neurological).
 *   Changing it only changes shader uniforms: no pass over voxels, no upload.
 * - #ClsSliceView: a #GtkGLArea that shows one plane (axial, coronal or
 *   sagittal) through a cursor voxel.
 */
#pragma once

#include <gtk/gtk.h>

#include "cls-volume.h"

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

/**
 * ClsSliceConvention:
 * @CLS_SLICE_CONVENTION_RADIOLOGICAL: the patient's left on the screen's
 *   right, as if facing the patient (ITK-SNAP, FSLeyes, MRIcroGL)
 * @CLS_SLICE_CONVENTION_NEUROLOGICAL: the patient's left on the screen's left
 *
 * Where left and right go in the axial and coronal views. Either way anterior
 * is up in the axial view, superior is up in the coronal and sagittal views,
 * and anterior is on the left in the sagittal view.
 */
typedef enum {
  CLS_SLICE_CONVENTION_RADIOLOGICAL,
  CLS_SLICE_CONVENTION_NEUROLOGICAL,
} ClsSliceConvention;

/**
 * ClsMaskStyle:
 * @CLS_MASK_STYLE_FILL: masks are filled with their colour at the style's opacity
 * @CLS_MASK_STYLE_OUTLINE: only the boundary of each mask is drawn, so that
 *   the anatomy shows through
 */
typedef enum {
  CLS_MASK_STYLE_FILL,
  CLS_MASK_STYLE_OUTLINE,
} ClsMaskStyle;

/**
 * ClsOverlayFlags:
 * @CLS_OVERLAY_NONE: nothing over the image
 * @CLS_OVERLAY_MASK_FIXED: the mask at the fixed cut 0.5 (p >= 0.5)
 * @CLS_OVERLAY_MASK_CALIBRATED: the mask at the calibrated cut (p >= cut)
 * @CLS_OVERLAY_GROUND_TRUTH: the outline of the ground-truth lesion
 * @CLS_OVERLAY_MISSED: lesion voxels outside the calibrated mask (false
 *   negatives at the cut), always filled
 * @CLS_OVERLAY_HEATMAP: the probability as a colour map (viridis)
 * @CLS_OVERLAY_CROSSHAIR: the lines through the cursor voxel
 */
typedef enum /*< flags >*/ {
  CLS_OVERLAY_NONE            = 0,
  CLS_OVERLAY_MASK_FIXED      = 1 << 0,
  CLS_OVERLAY_MASK_CALIBRATED = 1 << 1,
  CLS_OVERLAY_GROUND_TRUTH    = 1 << 2,
  CLS_OVERLAY_MISSED          = 1 << 3,
  CLS_OVERLAY_HEATMAP         = 1 << 4,
  CLS_OVERLAY_CROSSHAIR       = 1 << 5,
} ClsOverlayFlags;

#define CLS_OVERLAY_DEFAULT (CLS_OVERLAY_MASK_FIXED | CLS_OVERLAY_MASK_CALIBRATED | \
                             CLS_OVERLAY_GROUND_TRUTH | CLS_OVERLAY_MISSED | \
                             CLS_OVERLAY_CROSSHAIR)

/**
 * ClsOverlayColor:
 * @CLS_OVERLAY_COLOR_MASK_FIXED: the 0.5 mask (default blue #0072B2)
 * @CLS_OVERLAY_COLOR_MASK_CALIBRATED: the calibrated mask (default orange #E69F00)
 * @CLS_OVERLAY_COLOR_GROUND_TRUTH: the ground-truth outline (default bluish green #009E73)
 * @CLS_OVERLAY_COLOR_MISSED: the missed lesion voxels (default reddish purple #CC79A7)
 * @CLS_OVERLAY_COLOR_CROSSHAIR: the crosshair (default translucent white)
 * @CLS_N_OVERLAY_COLORS: how many
 *
 * The defaults are the Okabe-Ito palette, which stays distinct under the
 * common colour-vision deficiencies.
 */
typedef enum {
  CLS_OVERLAY_COLOR_MASK_FIXED,
  CLS_OVERLAY_COLOR_MASK_CALIBRATED,
  CLS_OVERLAY_COLOR_GROUND_TRUTH,
  CLS_OVERLAY_COLOR_MISSED,
  CLS_OVERLAY_COLOR_CROSSHAIR,
  CLS_N_OVERLAY_COLORS,
} ClsOverlayColor;

/**
 * ClsWindowPreset:
 * @CLS_WINDOW_PRESET_AUTO: CT soft tissue for images that look like CT (air
 *   below -500 HU), else the 1st to 99th percentile of the image
 * @CLS_WINDOW_PRESET_SOFT_TISSUE: CT width 350, level 40
 * @CLS_WINDOW_PRESET_LIVER: CT width 150, level 30
 * @CLS_WINDOW_PRESET_LUNG: CT width 1400, level -500
 * @CLS_WINDOW_PRESET_BONE: CT width 1000, level 400
 * @CLS_WINDOW_PRESET_BRAIN: CT width 100, level 50
 * @CLS_WINDOW_PRESET_CUSTOM: set by hand (right-drag or cls_slice_style_set_window())
 */
typedef enum {
  CLS_WINDOW_PRESET_AUTO,
  CLS_WINDOW_PRESET_SOFT_TISSUE,
  CLS_WINDOW_PRESET_LIVER,
  CLS_WINDOW_PRESET_LUNG,
  CLS_WINDOW_PRESET_BONE,
  CLS_WINDOW_PRESET_BRAIN,
  CLS_WINDOW_PRESET_CUSTOM,
} ClsWindowPreset;

#define CLS_TYPE_SLICE_PLANE       (cls_slice_plane_get_type ())
#define CLS_TYPE_SLICE_CONVENTION  (cls_slice_convention_get_type ())
#define CLS_TYPE_MASK_STYLE        (cls_mask_style_get_type ())
#define CLS_TYPE_OVERLAY_FLAGS     (cls_overlay_flags_get_type ())
#define CLS_TYPE_WINDOW_PRESET     (cls_window_preset_get_type ())

GType        cls_slice_plane_get_type        (void) G_GNUC_CONST;
GType        cls_slice_convention_get_type   (void) G_GNUC_CONST;
GType        cls_mask_style_get_type         (void) G_GNUC_CONST;
GType        cls_overlay_flags_get_type      (void) G_GNUC_CONST;
GType        cls_window_preset_get_type      (void) G_GNUC_CONST;

const char  *cls_slice_plane_get_label       (ClsSlicePlane   plane);
const char  *cls_window_preset_get_label     (ClsWindowPreset preset);

/* ClsSliceVolumes
 * --------------- */

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

/* ClsSliceStyle
 * ------------- */

#define CLS_TYPE_SLICE_STYLE (cls_slice_style_get_type ())

G_DECLARE_FINAL_TYPE (ClsSliceStyle, cls_slice_style, CLS, SLICE_STYLE, GObject)

ClsSliceStyle      *cls_slice_style_new               (void);

double              cls_slice_style_get_cut           (ClsSliceStyle       *self);
void                cls_slice_style_set_cut           (ClsSliceStyle       *self,
                                                       double               cut);
ClsOverlayFlags     cls_slice_style_get_overlays      (ClsSliceStyle       *self);
void                cls_slice_style_set_overlays      (ClsSliceStyle       *self,
                                                       ClsOverlayFlags      overlays);
ClsMaskStyle        cls_slice_style_get_mask_style    (ClsSliceStyle       *self);
void                cls_slice_style_set_mask_style    (ClsSliceStyle       *self,
                                                       ClsMaskStyle         mask_style);
double              cls_slice_style_get_opacity       (ClsSliceStyle       *self);
void                cls_slice_style_set_opacity       (ClsSliceStyle       *self,
                                                       double               opacity);
ClsSliceConvention  cls_slice_style_get_convention    (ClsSliceStyle       *self);
void                cls_slice_style_set_convention    (ClsSliceStyle       *self,
                                                       ClsSliceConvention   convention);
void                cls_slice_style_get_color         (ClsSliceStyle       *self,
                                                       ClsOverlayColor      which,
                                                       GdkRGBA             *color);
void                cls_slice_style_set_color         (ClsSliceStyle       *self,
                                                       ClsOverlayColor      which,
                                                       const GdkRGBA       *color);
ClsWindowPreset     cls_slice_style_get_window_preset (ClsSliceStyle       *self);
void                cls_slice_style_get_window        (ClsSliceStyle       *self,
                                                       double              *width,
                                                       double              *level);
void                cls_slice_style_set_window        (ClsSliceStyle       *self,
                                                       double               width,
                                                       double               level);
void                cls_slice_style_apply_preset      (ClsSliceStyle       *self,
                                                       ClsWindowPreset      preset,
                                                       ClsSliceVolumes     *volumes);

/* ClsSliceView
 * ------------ */

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
double           cls_slice_view_time_draw         (ClsSliceView     *self,
                                                   GError          **error);

G_END_DECLS
