/* cls-slice-style.h: what the slice views draw
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * #ClsSliceStyle holds what the views draw: the cut, which overlays,
 * colours, opacity, fill or outline, window/level, radiological or
 * neurological. Changing it only changes shader uniforms: no pass over
 * voxels, no upload.
 */
#pragma once

#include <gtk/gtk.h>

#include "cls-slice-volumes.h"

G_BEGIN_DECLS

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
 * @CLS_OVERLAY_COMPARE: the masks of two methods A and B at once, filled:
 *   voxels in both, only in A's, only in B's (p >= cut A, p >= cut B; see
 *   cls_slice_style_set_compare_cuts()); it replaces the masks at 0.5 and
 *   at the calibrated cut and the missed voxels
 */
typedef enum /*< flags >*/ {
  CLS_OVERLAY_NONE            = 0,
  CLS_OVERLAY_MASK_FIXED      = 1 << 0,
  CLS_OVERLAY_MASK_CALIBRATED = 1 << 1,
  CLS_OVERLAY_GROUND_TRUTH    = 1 << 2,
  CLS_OVERLAY_MISSED          = 1 << 3,
  CLS_OVERLAY_HEATMAP         = 1 << 4,
  CLS_OVERLAY_CROSSHAIR       = 1 << 5,
  CLS_OVERLAY_COMPARE         = 1 << 6,
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
 * @CLS_OVERLAY_COLOR_AGREEMENT: voxels in the masks of both compared
 *   methods (default yellow #F0E442)
 * @CLS_OVERLAY_COLOR_ONLY_A: voxels only in method A's mask (default
 *   vermillion #D55E00)
 * @CLS_OVERLAY_COLOR_ONLY_B: voxels only in method B's mask (default sky
 *   blue #56B4E9)
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
  CLS_OVERLAY_COLOR_AGREEMENT,
  CLS_OVERLAY_COLOR_ONLY_A,
  CLS_OVERLAY_COLOR_ONLY_B,
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

#define CLS_TYPE_SLICE_CONVENTION  (cls_slice_convention_get_type ())
#define CLS_TYPE_MASK_STYLE        (cls_mask_style_get_type ())
#define CLS_TYPE_OVERLAY_FLAGS     (cls_overlay_flags_get_type ())
#define CLS_TYPE_WINDOW_PRESET     (cls_window_preset_get_type ())

GType        cls_slice_convention_get_type   (void) G_GNUC_CONST;
GType        cls_mask_style_get_type         (void) G_GNUC_CONST;
GType        cls_overlay_flags_get_type      (void) G_GNUC_CONST;
GType        cls_window_preset_get_type      (void) G_GNUC_CONST;

const char  *cls_window_preset_get_label     (ClsWindowPreset preset);

#define CLS_TYPE_SLICE_STYLE (cls_slice_style_get_type ())

G_DECLARE_FINAL_TYPE (ClsSliceStyle, cls_slice_style, CLS, SLICE_STYLE, GObject)

ClsSliceStyle      *cls_slice_style_new               (void);

double              cls_slice_style_get_cut           (ClsSliceStyle       *self);
void                cls_slice_style_set_cut           (ClsSliceStyle       *self,
                                                       double               cut);
void                cls_slice_style_get_compare_cuts  (ClsSliceStyle       *self,
                                                       double              *cut_a,
                                                       double              *cut_b);
void                cls_slice_style_set_compare_cuts  (ClsSliceStyle       *self,
                                                       double               cut_a,
                                                       double               cut_b);
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

G_END_DECLS
