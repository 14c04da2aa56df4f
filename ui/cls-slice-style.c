/* cls-slice-style.c
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "cls-slice-style.h"

/* Enumerations
 * ------------ */

G_DEFINE_ENUM_TYPE (ClsSliceConvention, cls_slice_convention,
  G_DEFINE_ENUM_VALUE (CLS_SLICE_CONVENTION_RADIOLOGICAL, "radiological"),
  G_DEFINE_ENUM_VALUE (CLS_SLICE_CONVENTION_NEUROLOGICAL, "neurological"))

G_DEFINE_ENUM_TYPE (ClsMaskStyle, cls_mask_style,
  G_DEFINE_ENUM_VALUE (CLS_MASK_STYLE_FILL, "fill"),
  G_DEFINE_ENUM_VALUE (CLS_MASK_STYLE_OUTLINE, "outline"))

G_DEFINE_FLAGS_TYPE (ClsOverlayFlags, cls_overlay_flags,
  G_DEFINE_ENUM_VALUE (CLS_OVERLAY_NONE, "none"),
  G_DEFINE_ENUM_VALUE (CLS_OVERLAY_MASK_FIXED, "mask-fixed"),
  G_DEFINE_ENUM_VALUE (CLS_OVERLAY_MASK_CALIBRATED, "mask-calibrated"),
  G_DEFINE_ENUM_VALUE (CLS_OVERLAY_GROUND_TRUTH, "ground-truth"),
  G_DEFINE_ENUM_VALUE (CLS_OVERLAY_MISSED, "missed"),
  G_DEFINE_ENUM_VALUE (CLS_OVERLAY_HEATMAP, "heatmap"),
  G_DEFINE_ENUM_VALUE (CLS_OVERLAY_CROSSHAIR, "crosshair"),
  G_DEFINE_ENUM_VALUE (CLS_OVERLAY_COMPARE, "compare"))

G_DEFINE_ENUM_TYPE (ClsWindowPreset, cls_window_preset,
  G_DEFINE_ENUM_VALUE (CLS_WINDOW_PRESET_AUTO, "auto"),
  G_DEFINE_ENUM_VALUE (CLS_WINDOW_PRESET_SOFT_TISSUE, "soft-tissue"),
  G_DEFINE_ENUM_VALUE (CLS_WINDOW_PRESET_LIVER, "liver"),
  G_DEFINE_ENUM_VALUE (CLS_WINDOW_PRESET_LUNG, "lung"),
  G_DEFINE_ENUM_VALUE (CLS_WINDOW_PRESET_BONE, "bone"),
  G_DEFINE_ENUM_VALUE (CLS_WINDOW_PRESET_BRAIN, "brain"),
  G_DEFINE_ENUM_VALUE (CLS_WINDOW_PRESET_CUSTOM, "custom"))

static const struct {
  double width;
  double level;
} ct_windows[] = {
  [CLS_WINDOW_PRESET_SOFT_TISSUE] = { 350, 40 },
  [CLS_WINDOW_PRESET_LIVER]       = { 150, 30 },
  [CLS_WINDOW_PRESET_LUNG]        = { 1400, -500 },
  [CLS_WINDOW_PRESET_BONE]        = { 1000, 400 },
  [CLS_WINDOW_PRESET_BRAIN]       = { 100, 50 },
};

/**
 * cls_window_preset_get_label:
 * @preset: a #ClsWindowPreset
 *
 * Returns: the preset's name for the user, with its width/level where fixed
 */
const char *
cls_window_preset_get_label (ClsWindowPreset preset)
{
  switch (preset)
    {
    case CLS_WINDOW_PRESET_AUTO:
      return _("Auto");
    case CLS_WINDOW_PRESET_SOFT_TISSUE:
      return _("Soft tissue (350/40)");
    case CLS_WINDOW_PRESET_LIVER:
      return _("Liver (150/30)");
    case CLS_WINDOW_PRESET_LUNG:
      return _("Lung (1400/−500)");
    case CLS_WINDOW_PRESET_BONE:
      return _("Bone (1000/400)");
    case CLS_WINDOW_PRESET_BRAIN:
      return _("Brain (100/50)");
    case CLS_WINDOW_PRESET_CUSTOM:
      return _("Custom");
    default:
      g_return_val_if_reached (NULL);
    }
}

/* ClsSliceStyle
 * ------------- */

struct _ClsSliceStyle
{
  GObject             parent_instance;
  double              cut;
  double              compare_cuts[2];
  ClsOverlayFlags     overlays;
  ClsMaskStyle        mask_style;
  double              opacity;
  ClsSliceConvention  convention;
  ClsWindowPreset     window_preset;
  double              window_width;
  double              window_level;
  GdkRGBA             colors[CLS_N_OVERLAY_COLORS];
};

G_DEFINE_FINAL_TYPE (ClsSliceStyle, cls_slice_style, G_TYPE_OBJECT)

enum {
  STYLE_PROP_0,
  STYLE_PROP_CUT,
  STYLE_PROP_OVERLAYS,
  STYLE_PROP_MASK_STYLE,
  STYLE_PROP_OPACITY,
  STYLE_PROP_CONVENTION,
  STYLE_PROP_WINDOW_PRESET,
  STYLE_PROP_WINDOW_WIDTH,
  STYLE_PROP_WINDOW_LEVEL,
  STYLE_N_PROPS
};

enum {
  STYLE_CHANGED,
  STYLE_N_SIGNALS
};

static GParamSpec *style_properties[STYLE_N_PROPS];
static guint style_signals[STYLE_N_SIGNALS];

static const char * const default_colors[CLS_N_OVERLAY_COLORS] = {
  [CLS_OVERLAY_COLOR_MASK_FIXED]      = "#0072B2",
  [CLS_OVERLAY_COLOR_MASK_CALIBRATED] = "#E69F00",
  [CLS_OVERLAY_COLOR_GROUND_TRUTH]    = "#009E73",
  [CLS_OVERLAY_COLOR_MISSED]          = "#CC79A7",
  [CLS_OVERLAY_COLOR_CROSSHAIR]       = "rgba(255,255,255,0.6)",
  [CLS_OVERLAY_COLOR_AGREEMENT]       = "#F0E442",
  [CLS_OVERLAY_COLOR_ONLY_A]          = "#D55E00",
  [CLS_OVERLAY_COLOR_ONLY_B]          = "#56B4E9",
};

static void
cls_slice_style_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  ClsSliceStyle *self = CLS_SLICE_STYLE (object);

  switch (prop_id)
    {
    case STYLE_PROP_CUT:
      g_value_set_double (value, self->cut);
      break;
    case STYLE_PROP_OVERLAYS:
      g_value_set_flags (value, self->overlays);
      break;
    case STYLE_PROP_MASK_STYLE:
      g_value_set_enum (value, self->mask_style);
      break;
    case STYLE_PROP_OPACITY:
      g_value_set_double (value, self->opacity);
      break;
    case STYLE_PROP_CONVENTION:
      g_value_set_enum (value, self->convention);
      break;
    case STYLE_PROP_WINDOW_PRESET:
      g_value_set_enum (value, self->window_preset);
      break;
    case STYLE_PROP_WINDOW_WIDTH:
      g_value_set_double (value, self->window_width);
      break;
    case STYLE_PROP_WINDOW_LEVEL:
      g_value_set_double (value, self->window_level);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cls_slice_style_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  ClsSliceStyle *self = CLS_SLICE_STYLE (object);

  switch (prop_id)
    {
    case STYLE_PROP_CUT:
      cls_slice_style_set_cut (self, g_value_get_double (value));
      break;
    case STYLE_PROP_OVERLAYS:
      cls_slice_style_set_overlays (self, g_value_get_flags (value));
      break;
    case STYLE_PROP_MASK_STYLE:
      cls_slice_style_set_mask_style (self, g_value_get_enum (value));
      break;
    case STYLE_PROP_OPACITY:
      cls_slice_style_set_opacity (self, g_value_get_double (value));
      break;
    case STYLE_PROP_CONVENTION:
      cls_slice_style_set_convention (self, g_value_get_enum (value));
      break;
    case STYLE_PROP_WINDOW_WIDTH:
      cls_slice_style_set_window (self, g_value_get_double (value), self->window_level);
      break;
    case STYLE_PROP_WINDOW_LEVEL:
      cls_slice_style_set_window (self, self->window_width, g_value_get_double (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cls_slice_style_class_init (ClsSliceStyleClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = cls_slice_style_get_property;
  object_class->set_property = cls_slice_style_set_property;

  /**
   * ClsSliceStyle:cut:
   *
   * The calibrated probability cut ĉ: the calibrated mask is {p >= ĉ}.
   */
  style_properties[STYLE_PROP_CUT] =
    g_param_spec_double ("cut", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0.5,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  style_properties[STYLE_PROP_OVERLAYS] =
    g_param_spec_flags ("overlays", NULL, NULL, CLS_TYPE_OVERLAY_FLAGS, CLS_OVERLAY_DEFAULT,
                        G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  style_properties[STYLE_PROP_MASK_STYLE] =
    g_param_spec_enum ("mask-style", NULL, NULL, CLS_TYPE_MASK_STYLE, CLS_MASK_STYLE_FILL,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  style_properties[STYLE_PROP_OPACITY] =
    g_param_spec_double ("opacity", NULL, NULL, 0.0, 1.0, 0.5,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  style_properties[STYLE_PROP_CONVENTION] =
    g_param_spec_enum ("convention", NULL, NULL, CLS_TYPE_SLICE_CONVENTION,
                       CLS_SLICE_CONVENTION_RADIOLOGICAL,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  style_properties[STYLE_PROP_WINDOW_PRESET] =
    g_param_spec_enum ("window-preset", NULL, NULL, CLS_TYPE_WINDOW_PRESET, CLS_WINDOW_PRESET_AUTO,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  style_properties[STYLE_PROP_WINDOW_WIDTH] =
    g_param_spec_double ("window-width", NULL, NULL, G_MINDOUBLE, G_MAXDOUBLE, 350.0,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  style_properties[STYLE_PROP_WINDOW_LEVEL] =
    g_param_spec_double ("window-level", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 40.0,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, STYLE_N_PROPS, style_properties);

  /**
   * ClsSliceStyle::changed:
   *
   * Anything that changes the picture changed (after the property's notify).
   */
  style_signals[STYLE_CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
cls_slice_style_init (ClsSliceStyle *self)
{
  self->cut = 0.5;
  self->compare_cuts[0] = self->compare_cuts[1] = G_MAXDOUBLE;
  self->overlays = CLS_OVERLAY_DEFAULT;
  self->mask_style = CLS_MASK_STYLE_FILL;
  self->opacity = 0.5;
  self->convention = CLS_SLICE_CONVENTION_RADIOLOGICAL;
  self->window_preset = CLS_WINDOW_PRESET_AUTO;
  self->window_width = ct_windows[CLS_WINDOW_PRESET_SOFT_TISSUE].width;
  self->window_level = ct_windows[CLS_WINDOW_PRESET_SOFT_TISSUE].level;
  for (int c = 0; c < CLS_N_OVERLAY_COLORS; c++)
    gdk_rgba_parse (&self->colors[c], default_colors[c]);
}

/**
 * cls_slice_style_new:
 *
 * Returns: (transfer full): a style with the defaults: cut 0.5, the
 *   overlays of %CLS_OVERLAY_DEFAULT filled at opacity 0.5, radiological,
 *   automatic window
 */
ClsSliceStyle *
cls_slice_style_new (void)
{
  return g_object_new (CLS_TYPE_SLICE_STYLE, NULL);
}

static void
style_changed (ClsSliceStyle *self,
               int            prop)
{
  if (prop != STYLE_PROP_0)
    g_object_notify_by_pspec (G_OBJECT (self), style_properties[prop]);
  g_signal_emit (self, style_signals[STYLE_CHANGED], 0);
}

/**
 * cls_slice_style_get_cut:
 * @self: a #ClsSliceStyle
 *
 * Returns: the calibrated probability cut
 */
double
cls_slice_style_get_cut (ClsSliceStyle *self)
{
  g_return_val_if_fail (CLS_IS_SLICE_STYLE (self), 0.5);
  return self->cut;
}

/**
 * cls_slice_style_set_cut:
 * @self: a #ClsSliceStyle
 * @cut: the calibrated probability cut ĉ (the mask is {p >= ĉ})
 *
 * The shader compares in float32: @cut becomes the nearest float. For a
 * float32 probability map the cut the calibration gives is itself a float32
 * value, so the drawn mask is exactly {p >= ĉ}. For a float64 map both p
 * and ĉ are rounded to float32; rounding keeps order, so no voxel of the
 * true mask is lost, but a voxel just below ĉ (within float32 rounding) may
 * be drawn inside. The readout (cls_slice_volumes_read_voxel()) compares
 * in double and is exact.
 */
void
cls_slice_style_set_cut (ClsSliceStyle *self,
                         double         cut)
{
  g_return_if_fail (CLS_IS_SLICE_STYLE (self));

  if (self->cut == cut || isnan (cut))
    return;
  self->cut = cut;
  style_changed (self, STYLE_PROP_CUT);
}

/**
 * cls_slice_style_get_compare_cuts:
 * @self: a #ClsSliceStyle
 * @cut_a: (out) (optional): the cut of method A
 * @cut_b: (out) (optional): the cut of method B
 *
 * The cuts of the two-method overlay (%CLS_OVERLAY_COMPARE); above every
 * probability (%G_MAXDOUBLE) until set.
 */
void
cls_slice_style_get_compare_cuts (ClsSliceStyle *self,
                                  double        *cut_a,
                                  double        *cut_b)
{
  g_return_if_fail (CLS_IS_SLICE_STYLE (self));

  if (cut_a != NULL)
    *cut_a = self->compare_cuts[0];
  if (cut_b != NULL)
    *cut_b = self->compare_cuts[1];
}

/**
 * cls_slice_style_set_compare_cuts:
 * @self: a #ClsSliceStyle
 * @cut_a: the probability cut of method A (its mask is {p >= @cut_a})
 * @cut_b: the probability cut of method B
 *
 * Each cut is compared as cls_slice_style_set_cut() says: exactly for a
 * float32 probability map and the cuts the calibration gives.
 */
void
cls_slice_style_set_compare_cuts (ClsSliceStyle *self,
                                  double         cut_a,
                                  double         cut_b)
{
  g_return_if_fail (CLS_IS_SLICE_STYLE (self));

  if (isnan (cut_a) || isnan (cut_b) ||
      (self->compare_cuts[0] == cut_a && self->compare_cuts[1] == cut_b))
    return;
  self->compare_cuts[0] = cut_a;
  self->compare_cuts[1] = cut_b;
  style_changed (self, STYLE_PROP_0);
}

/**
 * cls_slice_style_get_overlays:
 * @self: a #ClsSliceStyle
 *
 * Returns: what is drawn over the image
 */
ClsOverlayFlags
cls_slice_style_get_overlays (ClsSliceStyle *self)
{
  g_return_val_if_fail (CLS_IS_SLICE_STYLE (self), CLS_OVERLAY_NONE);
  return self->overlays;
}

/**
 * cls_slice_style_set_overlays:
 * @self: a #ClsSliceStyle
 * @overlays: what to draw over the image
 */
void
cls_slice_style_set_overlays (ClsSliceStyle   *self,
                              ClsOverlayFlags  overlays)
{
  g_return_if_fail (CLS_IS_SLICE_STYLE (self));

  if (self->overlays == overlays)
    return;
  self->overlays = overlays;
  style_changed (self, STYLE_PROP_OVERLAYS);
}

/**
 * cls_slice_style_get_mask_style:
 * @self: a #ClsSliceStyle
 *
 * Returns: whether masks are filled or outlined
 */
ClsMaskStyle
cls_slice_style_get_mask_style (ClsSliceStyle *self)
{
  g_return_val_if_fail (CLS_IS_SLICE_STYLE (self), CLS_MASK_STYLE_FILL);
  return self->mask_style;
}

/**
 * cls_slice_style_set_mask_style:
 * @self: a #ClsSliceStyle
 * @mask_style: fill or outline the two masks
 */
void
cls_slice_style_set_mask_style (ClsSliceStyle *self,
                                ClsMaskStyle   mask_style)
{
  g_return_if_fail (CLS_IS_SLICE_STYLE (self));

  if (self->mask_style == mask_style)
    return;
  self->mask_style = mask_style;
  style_changed (self, STYLE_PROP_MASK_STYLE);
}

/**
 * cls_slice_style_get_opacity:
 * @self: a #ClsSliceStyle
 *
 * Returns: the opacity of filled overlays
 */
double
cls_slice_style_get_opacity (ClsSliceStyle *self)
{
  g_return_val_if_fail (CLS_IS_SLICE_STYLE (self), 0.5);
  return self->opacity;
}

/**
 * cls_slice_style_set_opacity:
 * @self: a #ClsSliceStyle
 * @opacity: from 0 (invisible) to 1: the opacity of the filled masks, the
 *   missed voxels and the heat map (outlines are always opaque)
 */
void
cls_slice_style_set_opacity (ClsSliceStyle *self,
                             double         opacity)
{
  g_return_if_fail (CLS_IS_SLICE_STYLE (self));

  opacity = CLAMP (opacity, 0.0, 1.0);
  if (self->opacity == opacity)
    return;
  self->opacity = opacity;
  style_changed (self, STYLE_PROP_OPACITY);
}

/**
 * cls_slice_style_get_convention:
 * @self: a #ClsSliceStyle
 *
 * Returns: where the patient's left is drawn
 */
ClsSliceConvention
cls_slice_style_get_convention (ClsSliceStyle *self)
{
  g_return_val_if_fail (CLS_IS_SLICE_STYLE (self), CLS_SLICE_CONVENTION_RADIOLOGICAL);
  return self->convention;
}

/**
 * cls_slice_style_set_convention:
 * @self: a #ClsSliceStyle
 * @convention: radiological (the default) or neurological
 */
void
cls_slice_style_set_convention (ClsSliceStyle      *self,
                                ClsSliceConvention  convention)
{
  g_return_if_fail (CLS_IS_SLICE_STYLE (self));

  if (self->convention == convention)
    return;
  self->convention = convention;
  style_changed (self, STYLE_PROP_CONVENTION);
}

/**
 * cls_slice_style_get_color:
 * @self: a #ClsSliceStyle
 * @which: the overlay
 * @color: (out caller-allocates): its colour
 */
void
cls_slice_style_get_color (ClsSliceStyle   *self,
                           ClsOverlayColor  which,
                           GdkRGBA         *color)
{
  g_return_if_fail (CLS_IS_SLICE_STYLE (self));
  g_return_if_fail (which < CLS_N_OVERLAY_COLORS);

  *color = self->colors[which];
}

/**
 * cls_slice_style_set_color:
 * @self: a #ClsSliceStyle
 * @which: the overlay
 * @color: its colour; alpha scales the fill opacity (outlines ignore it)
 */
void
cls_slice_style_set_color (ClsSliceStyle   *self,
                           ClsOverlayColor  which,
                           const GdkRGBA   *color)
{
  g_return_if_fail (CLS_IS_SLICE_STYLE (self));
  g_return_if_fail (which < CLS_N_OVERLAY_COLORS);
  g_return_if_fail (color != NULL);

  if (gdk_rgba_equal (&self->colors[which], color))
    return;
  self->colors[which] = *color;
  style_changed (self, STYLE_PROP_0);
}

/**
 * cls_slice_style_get_window_preset:
 * @self: a #ClsSliceStyle
 *
 * Returns: the preset the window came from (%CLS_WINDOW_PRESET_CUSTOM when set by hand)
 */
ClsWindowPreset
cls_slice_style_get_window_preset (ClsSliceStyle *self)
{
  g_return_val_if_fail (CLS_IS_SLICE_STYLE (self), CLS_WINDOW_PRESET_CUSTOM);
  return self->window_preset;
}

/**
 * cls_slice_style_get_window:
 * @self: a #ClsSliceStyle
 * @width: (out) (optional): the window width
 * @level: (out) (optional): the window level (the value drawn mid-grey)
 */
void
cls_slice_style_get_window (ClsSliceStyle *self,
                            double        *width,
                            double        *level)
{
  g_return_if_fail (CLS_IS_SLICE_STYLE (self));

  if (width != NULL)
    *width = self->window_width;
  if (level != NULL)
    *level = self->window_level;
}

static void
style_set_window (ClsSliceStyle   *self,
                  double           width,
                  double           level,
                  ClsWindowPreset  preset)
{
  gboolean width_changed, level_changed, preset_changed;

  if (!(width > 0) || !isfinite (width) || !isfinite (level))
    return;

  width_changed = self->window_width != width;
  level_changed = self->window_level != level;
  preset_changed = self->window_preset != preset;
  if (!width_changed && !level_changed && !preset_changed)
    return;

  self->window_width = width;
  self->window_level = level;
  self->window_preset = preset;

  g_object_freeze_notify (G_OBJECT (self));
  if (width_changed)
    g_object_notify_by_pspec (G_OBJECT (self), style_properties[STYLE_PROP_WINDOW_WIDTH]);
  if (level_changed)
    g_object_notify_by_pspec (G_OBJECT (self), style_properties[STYLE_PROP_WINDOW_LEVEL]);
  if (preset_changed)
    g_object_notify_by_pspec (G_OBJECT (self), style_properties[STYLE_PROP_WINDOW_PRESET]);
  g_object_thaw_notify (G_OBJECT (self));
  style_changed (self, STYLE_PROP_0);
}

/**
 * cls_slice_style_set_window:
 * @self: a #ClsSliceStyle
 * @width: the window width (> 0)
 * @level: the window level
 *
 * Sets the window by hand: the preset becomes %CLS_WINDOW_PRESET_CUSTOM.
 */
void
cls_slice_style_set_window (ClsSliceStyle *self,
                            double         width,
                            double         level)
{
  g_return_if_fail (CLS_IS_SLICE_STYLE (self));
  style_set_window (self, width, level, CLS_WINDOW_PRESET_CUSTOM);
}

/**
 * cls_slice_style_apply_preset:
 * @self: a #ClsSliceStyle
 * @preset: a preset other than %CLS_WINDOW_PRESET_CUSTOM
 * @volumes: (nullable): the case, for %CLS_WINDOW_PRESET_AUTO
 *
 * Sets the window from @preset. The views apply %CLS_WINDOW_PRESET_AUTO
 * again whenever they get a new case.
 */
void
cls_slice_style_apply_preset (ClsSliceStyle   *self,
                              ClsWindowPreset  preset,
                              ClsSliceVolumes *volumes)
{
  double width, level;

  g_return_if_fail (CLS_IS_SLICE_STYLE (self));
  g_return_if_fail (preset != CLS_WINDOW_PRESET_CUSTOM);

  if (preset != CLS_WINDOW_PRESET_AUTO)
    {
      width = ct_windows[preset].width;
      level = ct_windows[preset].level;
    }
  else if (volumes == NULL || cls_slice_volumes_looks_like_ct (volumes))
    {
      width = ct_windows[CLS_WINDOW_PRESET_SOFT_TISSUE].width;
      level = ct_windows[CLS_WINDOW_PRESET_SOFT_TISSUE].level;
    }
  else
    cls_slice_volumes_get_percentile_window (volumes, &width, &level);
  style_set_window (self, width, level, preset);
}
