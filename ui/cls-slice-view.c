/* cls-slice-view.c
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <epoxy/gl.h>
#include <glib/gi18n.h>

#include "cls-error.h"
#include "cls-slice-view.h"

#define RESOURCE_PATH       "/org/clsstudio/ClsStudio/shaders/"
#define GRID_TOLERANCE_MM   1e-3
#define UPLOAD_VOXELS       (1 << 22)   /* voxels converted and sent per glTexSubImage3D */
#define PERCENTILE_SAMPLES  (1 << 18)
#define OBLIQUE_COSINE      (1.0 - 1e-6)
#define CT_AIR_HU           -500.0
#define ZOOM_MIN            0.25
#define ZOOM_MAX            64.0
#define ZOOM_STEP           1.15
#define CROSSHAIR_GAP_PX    8.0
#define LINE_HALF_WIDTH_PX  1.0

/* Enumerations
 * ------------ */

G_DEFINE_ENUM_TYPE (ClsSlicePlane, cls_slice_plane,
  G_DEFINE_ENUM_VALUE (CLS_SLICE_PLANE_AXIAL, "axial"),
  G_DEFINE_ENUM_VALUE (CLS_SLICE_PLANE_CORONAL, "coronal"),
  G_DEFINE_ENUM_VALUE (CLS_SLICE_PLANE_SAGITTAL, "sagittal"))

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
  G_DEFINE_ENUM_VALUE (CLS_OVERLAY_CROSSHAIR, "crosshair"))

G_DEFINE_ENUM_TYPE (ClsWindowPreset, cls_window_preset,
  G_DEFINE_ENUM_VALUE (CLS_WINDOW_PRESET_AUTO, "auto"),
  G_DEFINE_ENUM_VALUE (CLS_WINDOW_PRESET_SOFT_TISSUE, "soft-tissue"),
  G_DEFINE_ENUM_VALUE (CLS_WINDOW_PRESET_LIVER, "liver"),
  G_DEFINE_ENUM_VALUE (CLS_WINDOW_PRESET_LUNG, "lung"),
  G_DEFINE_ENUM_VALUE (CLS_WINDOW_PRESET_BONE, "bone"),
  G_DEFINE_ENUM_VALUE (CLS_WINDOW_PRESET_BRAIN, "brain"),
  G_DEFINE_ENUM_VALUE (CLS_WINDOW_PRESET_CUSTOM, "custom"))

/**
 * cls_slice_plane_get_label:
 * @plane: a #ClsSlicePlane
 *
 * Returns: the plane's name for the user ("Axial", ...)
 */
const char *
cls_slice_plane_get_label (ClsSlicePlane plane)
{
  switch (plane)
    {
    case CLS_SLICE_PLANE_AXIAL:
      return _("Axial");
    case CLS_SLICE_PLANE_CORONAL:
      return _("Coronal");
    case CLS_SLICE_PLANE_SAGITTAL:
      return _("Sagittal");
    default:
      g_return_val_if_reached (NULL);
    }
}

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

/* ClsSliceVolumes
 * --------------- */

enum {
  TEXTURE_IMAGE,
  TEXTURE_PROB,
  TEXTURE_LABEL,
  N_TEXTURES
};

struct _ClsSliceVolumes
{
  grefcount     ref_count;
  ClsVolume    *volumes[N_TEXTURES];   /* image, probability, label; any may be NULL */
  gint64        dims[3];
  double        affine[4][4];
  double        spacing[3];

  /* Anatomy: world axis w (0 = R, 1 = A, 2 = S) is shown along voxel axis
   * axis[w]; sign[w] is +1 when the voxel index grows towards R, A or S. */
  int           axis[3];
  int           sign[3];
  char          axcodes[4];
  char         *orientation_note;

  gint64        focus[3];
  double        percentile_window[2];   /* width, level */
  gboolean      ct_like;

  /* The textures live in a context of their own that shares objects with
   * every view's context, so that one upload serves all views. */
  GdkGLContext *gl_context;
  GLuint        textures[N_TEXTURES];
  GError       *gl_error;
};

G_DEFINE_BOXED_TYPE (ClsSliceVolumes, cls_slice_volumes,
                     cls_slice_volumes_ref, cls_slice_volumes_unref)

/* World axis and sign of each voxel axis from the axis codes the core
 * computes like nibabel's aff2axcodes(); how far from the axes the affine
 * is, to say when the views show an oblique volume along the nearest axes. */
static void
slice_volumes_init_anatomy (ClsSliceVolumes *self,
                            ClsVolume       *reference)
{
  static const char positive[] = "RAS";
  static const char negative[] = "LPI";
  gboolean seen[3] = { FALSE, FALSE, FALSE };
  gboolean known = TRUE;
  double worst_cosine = 1.0;

  cls_volume_get_orientation (reference, self->axcodes);

  for (int j = 0; j < 3; j++)
    {
      const char *pos = strchr (positive, self->axcodes[j]);
      const char *neg = strchr (negative, self->axcodes[j]);
      int w;

      if (self->axcodes[j] == '\0' || (pos == NULL && neg == NULL))
        {
          known = FALSE;
          break;
        }
      w = pos != NULL ? (int) (pos - positive) : (int) (neg - negative);
      if (seen[w])
        {
          known = FALSE;
          break;
        }
      seen[w] = TRUE;
      self->axis[w] = j;
      self->sign[w] = pos != NULL ? 1 : -1;

      if (self->spacing[j] > 0)
        worst_cosine = MIN (worst_cosine, fabs (self->affine[w][j]) / self->spacing[j]);
    }

  if (!known)
    {
      for (int w = 0; w < 3; w++)
        {
          self->axis[w] = w;
          self->sign[w] = 1;
        }
      self->orientation_note =
        g_strdup (_("The orientation cannot be told from the affine: voxel axes are shown as if they were R, A, S."));
    }
  else if (worst_cosine < OBLIQUE_COSINE)
    {
      double degrees = acos (CLAMP (worst_cosine, -1.0, 1.0)) * 180.0 / G_PI;

      self->orientation_note =
        g_strdup_printf (_("Oblique volume (axes up to %.1f° from the anatomical axes): shown along the nearest axes (%s), not resliced."),
                         degrees, self->axcodes);
    }
}

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return (x > y) - (x < y);
}

/* The 1st and 99th percentiles of a sample of the image, for the automatic
 * window; air below -500 makes it CT. */
static void
slice_volumes_init_window (ClsSliceVolumes *self)
{
  ClsVolume *image = self->volumes[TEXTURE_IMAGE];
  guint64 n, n_samples, n_finite = 0;
  g_autofree double *samples = NULL;
  double low, high;

  self->percentile_window[0] = 1.0;
  self->percentile_window[1] = 0.5;
  if (image == NULL)
    return;

  n = cls_volume_get_n_voxels (image);
  n_samples = MIN (n, PERCENTILE_SAMPLES);
  samples = g_new (double, n_samples);
  for (guint64 s = 0; s < n_samples; s++)
    {
      double v;

      cls_volume_read_doubles (image, 0, s * n / n_samples, 1, &v);
      if (isfinite (v))
        samples[n_finite++] = v;
    }
  if (n_finite == 0)
    return;

  qsort (samples, n_finite, sizeof *samples, compare_doubles);
  low = samples[(guint64) floor (0.01 * (double) (n_finite - 1))];
  high = samples[(guint64) ceil (0.99 * (double) (n_finite - 1))];
  if (!(high > low))
    {
      low = samples[0];
      high = samples[n_finite - 1];
    }
  if (!(high > low))
    high = low + 1.0;

  self->percentile_window[0] = high - low;
  self->percentile_window[1] = low + (high - low) / 2;
  self->ct_like = low <= CT_AIR_HU;
}

static void
index_of_offset (const gint64 dims[3],
                 guint64      offset,
                 gint64       index[3])
{
  index[0] = (gint64) (offset % (guint64) dims[0]);
  offset /= (guint64) dims[0];
  index[1] = (gint64) (offset % (guint64) dims[1]);
  index[2] = (gint64) (offset / (guint64) dims[1]);
}

/* A label voxel that belongs to a lesion. */
static inline gboolean
is_lesion (float value)
{
  return value != 0.0f && !isnan (value);
}

/* Where the views open: the lesion voxel nearest the lesion's centroid,
 * else the most probable voxel, else the middle. */
static void
slice_volumes_init_focus (ClsSliceVolumes *self)
{
  ClsVolume *label = self->volumes[TEXTURE_LABEL];
  ClsVolume *prob = self->volumes[TEXTURE_PROB];
  guint64 n = (guint64) self->dims[0] * self->dims[1] * self->dims[2];
  g_autofree float *chunk = g_new (float, MIN (n, UPLOAD_VOXELS));
  double sum[3] = { 0, 0, 0 };
  guint64 n_lesion = 0, best = 0;
  float best_p = 0.0f;

  for (int i = 0; i < 3; i++)
    self->focus[i] = (self->dims[i] - 1) / 2;

  for (guint64 first = 0; first < n; first += UPLOAD_VOXELS)
    {
      guint64 count = MIN (UPLOAD_VOXELS, n - first);

      if (label != NULL)
        {
          cls_volume_read_floats (label, 0, first, count, chunk);
          for (guint64 v = 0; v < count; v++)
            if (is_lesion (chunk[v]))
              {
                gint64 index[3];

                index_of_offset (self->dims, first + v, index);
                for (int i = 0; i < 3; i++)
                  sum[i] += (double) index[i];
                n_lesion++;
              }
        }
      if (prob != NULL)
        {
          cls_volume_read_floats (prob, 0, first, count, chunk);
          for (guint64 v = 0; v < count; v++)
            if (chunk[v] > best_p)
              {
                best_p = chunk[v];
                best = first + v;
              }
        }
    }

  if (n_lesion > 0)
    {
      double centre[3], best_d2 = G_MAXDOUBLE;

      for (int i = 0; i < 3; i++)
        centre[i] = sum[i] / (double) n_lesion;
      for (guint64 first = 0; first < n; first += UPLOAD_VOXELS)
        {
          guint64 count = MIN (UPLOAD_VOXELS, n - first);

          cls_volume_read_floats (label, 0, first, count, chunk);
          for (guint64 v = 0; v < count; v++)
            if (is_lesion (chunk[v]))
              {
                gint64 index[3];
                double d2 = 0;

                index_of_offset (self->dims, first + v, index);
                for (int i = 0; i < 3; i++)
                  d2 += ((double) index[i] - centre[i]) * ((double) index[i] - centre[i]);
                if (d2 < best_d2)
                  {
                    best_d2 = d2;
                    memcpy (self->focus, index, sizeof self->focus);
                  }
              }
        }
    }
  else if (best_p > 0.0f)
    index_of_offset (self->dims, best, self->focus);
}

/**
 * cls_slice_volumes_new:
 * @image: (nullable): the image (CT, MR, ...)
 * @probability: (nullable): the probability map
 * @label: (nullable): the ground-truth label (lesion: any non-zero value)
 * @error: return location for a #GError
 *
 * Gathers the volumes of one case for the views. They must share one grid
 * (sizes, and affines within 0.001 mm); the first channel of each is shown.
 * At least one of @image and @probability is needed. Without an image the
 * probability map is shown in grey.
 *
 * This reads the volumes once (the window, the focus voxel) and touches no
 * GL: it may run in a worker thread. The textures are made when a view
 * first draws.
 *
 * Returns: (transfer full) (nullable): the volumes, or %NULL with @error set
 */
ClsSliceVolumes *
cls_slice_volumes_new (ClsVolume  *image,
                       ClsVolume  *probability,
                       ClsVolume  *label,
                       GError    **error)
{
  g_autoptr(ClsSliceVolumes) self = NULL;
  ClsVolume *given[N_TEXTURES] = { image, probability, label };
  ClsVolume *reference;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (image == NULL && probability == NULL)
    {
      g_set_error_literal (error, CLS_ERROR, CLS_ERROR_INVALID_ARGUMENT,
                           _("Nothing to show: the case has neither an image nor a probability map"));
      return NULL;
    }

  reference = probability != NULL ? probability : image;
  for (int t = 0; t < N_TEXTURES; t++)
    {
      const char *path;

      if (given[t] == NULL)
        continue;
      path = cls_volume_get_path (given[t]);
      if (path == NULL)
        path = _("(in memory)");
      if (!cls_volume_has_data (given[t]))
        {
          g_set_error (error, CLS_ERROR, CLS_ERROR_INVALID_ARGUMENT,
                       _("%s: only the header was read; the views need the voxels"), path);
          return NULL;
        }
      if (given[t] != reference && !cls_volume_same_grid (reference, given[t], GRID_TOLERANCE_MM))
        {
          const char *reference_path = cls_volume_get_path (reference);

          g_set_error (error, CLS_ERROR, CLS_ERROR_GRID_MISMATCH,
                       _("%s: not on the voxel grid of %s (sizes or affines differ)"),
                       path, reference_path != NULL ? reference_path : _("(in memory)"));
          return NULL;
        }
    }

  self = g_new0 (ClsSliceVolumes, 1);
  g_ref_count_init (&self->ref_count);
  for (int t = 0; t < N_TEXTURES; t++)
    self->volumes[t] = given[t] != NULL ? cls_volume_ref (given[t]) : NULL;

  cls_volume_get_dims (reference, self->dims);
  cls_volume_get_affine (reference, self->affine);
  cls_volume_get_spacing (reference, self->spacing);
  for (int i = 0; i < 3; i++)
    if (!(self->spacing[i] > 0) || !isfinite (self->spacing[i]))
      self->spacing[i] = 1.0;

  slice_volumes_init_anatomy (self, reference);
  slice_volumes_init_window (self);
  slice_volumes_init_focus (self);

  return g_steal_pointer (&self);
}

/**
 * cls_slice_volumes_ref:
 * @self: a #ClsSliceVolumes
 *
 * Returns: (transfer full): @self
 */
ClsSliceVolumes *
cls_slice_volumes_ref (ClsSliceVolumes *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_ref_count_inc (&self->ref_count);
  return self;
}

/**
 * cls_slice_volumes_unref:
 * @self: (transfer full): a #ClsSliceVolumes
 *
 * Drops a reference; the last one frees the textures (on the main thread,
 * where the views live).
 */
void
cls_slice_volumes_unref (ClsSliceVolumes *self)
{
  g_return_if_fail (self != NULL);

  if (!g_ref_count_dec (&self->ref_count))
    return;

  if (self->gl_context != NULL)
    {
      gdk_gl_context_make_current (self->gl_context);
      glDeleteTextures (N_TEXTURES, self->textures);
      gdk_gl_context_clear_current ();
      g_clear_object (&self->gl_context);
    }
  g_clear_error (&self->gl_error);
  for (int t = 0; t < N_TEXTURES; t++)
    g_clear_pointer (&self->volumes[t], cls_volume_unref);
  g_free (self->orientation_note);
  g_free (self);
}

/**
 * cls_slice_volumes_get_image:
 * @self: a #ClsSliceVolumes
 *
 * Returns: (transfer none) (nullable): the image
 */
ClsVolume *
cls_slice_volumes_get_image (ClsSliceVolumes *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->volumes[TEXTURE_IMAGE];
}

/**
 * cls_slice_volumes_get_probability:
 * @self: a #ClsSliceVolumes
 *
 * Returns: (transfer none) (nullable): the probability map
 */
ClsVolume *
cls_slice_volumes_get_probability (ClsSliceVolumes *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->volumes[TEXTURE_PROB];
}

/**
 * cls_slice_volumes_get_label:
 * @self: a #ClsSliceVolumes
 *
 * Returns: (transfer none) (nullable): the ground-truth label
 */
ClsVolume *
cls_slice_volumes_get_label (ClsSliceVolumes *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->volumes[TEXTURE_LABEL];
}

/**
 * cls_slice_volumes_get_dims:
 * @self: a #ClsSliceVolumes
 * @dims: (out caller-allocates) (array fixed-size=3): the size in voxels
 */
void
cls_slice_volumes_get_dims (ClsSliceVolumes *self,
                            gint64           dims[3])
{
  g_return_if_fail (self != NULL);
  memcpy (dims, self->dims, sizeof self->dims);
}

/**
 * cls_slice_volumes_get_orientation:
 * @self: a #ClsSliceVolumes
 *
 * Returns: the axis codes of the voxel axes ("RAS", "LPS", ...; '?' where unknown)
 */
const char *
cls_slice_volumes_get_orientation (ClsSliceVolumes *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->axcodes;
}

/**
 * cls_slice_volumes_get_orientation_note:
 * @self: a #ClsSliceVolumes
 *
 * The views show voxel planes, each voxel axis along the anatomical axis it
 * is nearest to (as aff2axcodes() picks it). When the affine is oblique, or
 * says nothing about the orientation, this note tells the user.
 *
 * Returns: (nullable): the note, %NULL for an axis-aligned volume
 */
const char *
cls_slice_volumes_get_orientation_note (ClsSliceVolumes *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->orientation_note;
}

/**
 * cls_slice_volumes_get_focus:
 * @self: a #ClsSliceVolumes
 * @index: (out caller-allocates) (array fixed-size=3): a voxel worth showing first
 *
 * The lesion voxel nearest the centroid of all lesion voxels; without a
 * lesion, the first voxel of highest probability; else the middle voxel.
 */
void
cls_slice_volumes_get_focus (ClsSliceVolumes *self,
                             gint64           index[3])
{
  g_return_if_fail (self != NULL);
  memcpy (index, self->focus, sizeof self->focus);
}

/**
 * cls_slice_volumes_looks_like_ct:
 * @self: a #ClsSliceVolumes
 *
 * Returns: whether the image has air in Hounsfield units (its 1st
 *   percentile at or below -500)
 */
gboolean
cls_slice_volumes_looks_like_ct (ClsSliceVolumes *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return self->ct_like;
}

/**
 * cls_slice_volumes_get_percentile_window:
 * @self: a #ClsSliceVolumes
 * @width: (out): the window width
 * @level: (out): the window level
 *
 * The window from the 1st to the 99th percentile of the image (from a
 * sample of at most 262144 voxels); [0, 1] without an image.
 */
void
cls_slice_volumes_get_percentile_window (ClsSliceVolumes *self,
                                         double          *width,
                                         double          *level)
{
  g_return_if_fail (self != NULL);
  *width = self->percentile_window[0];
  *level = self->percentile_window[1];
}

/**
 * cls_slice_volumes_read_voxel:
 * @self: a #ClsSliceVolumes
 * @index: (array fixed-size=3): the voxel
 * @cut: the calibrated probability cut
 * @out: (out caller-allocates): what the voxel holds
 *
 * Reads the voxel from the volumes (exact values, not the textures).
 *
 * Returns: %FALSE when @index lies outside the volume
 */
gboolean
cls_slice_volumes_read_voxel (ClsSliceVolumes *self,
                              const gint64     index[3],
                              double           cut,
                              ClsVoxelReadout *out)
{
  double values[N_TEXTURES] = { 0, 0, 0 };
  guint64 offset;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  memset (out, 0, sizeof *out);
  for (int i = 0; i < 3; i++)
    if (index[i] < 0 || index[i] >= self->dims[i])
      return FALSE;

  offset = (guint64) index[0] + (guint64) self->dims[0] * ((guint64) index[1] + (guint64) self->dims[1] * (guint64) index[2]);
  for (int t = 0; t < N_TEXTURES; t++)
    if (self->volumes[t] != NULL)
      cls_volume_read_doubles (self->volumes[t], 0, offset, 1, &values[t]);

  memcpy (out->index, index, sizeof out->index);
  for (int r = 0; r < 3; r++)
    out->position[r] = self->affine[r][0] * (double) index[0] + self->affine[r][1] * (double) index[1]
                       + self->affine[r][2] * (double) index[2] + self->affine[r][3];

  out->has_image = self->volumes[TEXTURE_IMAGE] != NULL;
  out->intensity = values[TEXTURE_IMAGE];
  out->has_probability = self->volumes[TEXTURE_PROB] != NULL;
  out->probability = values[TEXTURE_PROB];
  out->has_label = self->volumes[TEXTURE_LABEL] != NULL;
  out->label = values[TEXTURE_LABEL];
  if (out->has_probability)
    {
      out->in_mask_fixed = out->probability >= 0.5;
      out->in_mask_calibrated = out->probability >= cut;
    }
  out->missed = out->has_label && out->label != 0 && !isnan (out->label) && !out->in_mask_calibrated;

  return TRUE;
}

/**
 * cls_voxel_readout_format:
 * @readout: what a voxel holds
 *
 * Returns: (transfer full): one line for a status bar
 */
char *
cls_voxel_readout_format (const ClsVoxelReadout *readout)
{
  g_autoptr(GString) text = g_string_new (NULL);

  g_return_val_if_fail (readout != NULL, NULL);

  g_string_append_printf (text, _("%.1f, %.1f, %.1f mm  [%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT ", %" G_GINT64_FORMAT "]"),
                          readout->position[0], readout->position[1], readout->position[2],
                          readout->index[0], readout->index[1], readout->index[2]);
  if (readout->has_image)
    g_string_append_printf (text, _("  value %g"), readout->intensity);
  if (readout->has_probability)
    {
      g_string_append_printf (text, _("  p %.6g"), readout->probability);
      g_string_append (text, readout->in_mask_fixed ? _("  in 0.5 mask") : _("  not in 0.5 mask"));
      g_string_append (text, readout->in_mask_calibrated ? _("  in calibrated mask") : _("  not in calibrated mask"));
    }
  if (readout->has_label)
    g_string_append_printf (text, _("  label %g"), readout->label);
  if (readout->missed)
    g_string_append (text, _("  (missed lesion voxel)"));

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static gboolean
check_gl (const char  *what,
          GError     **error)
{
  GLenum status = glGetError ();

  if (status == GL_NO_ERROR)
    return TRUE;

  while (glGetError () != GL_NO_ERROR)
    ;
  g_set_error (error, GDK_GL_ERROR, GDK_GL_ERROR_NOT_AVAILABLE,
               status == GL_OUT_OF_MEMORY ? _("Not enough GPU memory for %s")
                                          : _("OpenGL failed while making %s"),
               what);
  return FALSE;
}

/* One 3D texture, sent slab by slab so that no full float copy of the
 * volume is ever held: R32F for the image and the probabilities (read back
 * with texelFetch, never filtered), R8UI (0 or 1) for the label. */
static gboolean
upload_texture (GLuint            texture,
                ClsVolume        *volume,
                gboolean          is_label,
                const gint64      dims[3],
                GError          **error)
{
  static const gint64 one[3] = { 1, 1, 1 };
  const gint64 *size = volume != NULL ? dims : one;
  GLenum internal = is_label ? GL_R8UI : GL_R32F;
  GLenum format = is_label ? GL_RED_INTEGER : GL_RED;
  GLenum type = is_label ? GL_UNSIGNED_BYTE : GL_FLOAT;
  guint64 slice = (guint64) size[0] * (guint64) size[1];
  gint64 slab = MAX (1, UPLOAD_VOXELS / (gint64) slice);
  g_autofree float *values = NULL;
  g_autofree guint8 *labels = NULL;

  glBindTexture (GL_TEXTURE_3D, texture);
  glTexParameteri (GL_TEXTURE_3D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
  glTexParameteri (GL_TEXTURE_3D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
  glTexParameteri (GL_TEXTURE_3D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexParameteri (GL_TEXTURE_3D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
  glTexParameteri (GL_TEXTURE_3D, GL_TEXTURE_WRAP_R, GL_CLAMP_TO_EDGE);
  glTexParameteri (GL_TEXTURE_3D, GL_TEXTURE_BASE_LEVEL, 0);
  glTexParameteri (GL_TEXTURE_3D, GL_TEXTURE_MAX_LEVEL, 0);
  glTexImage3D (GL_TEXTURE_3D, 0, internal, (GLsizei) size[0], (GLsizei) size[1], (GLsizei) size[2],
                0, format, type, NULL);
  if (!check_gl (_("the volume textures"), error))
    return FALSE;

  slab = MIN (slab, size[2]);
  values = g_new0 (float, slice * (guint64) slab);
  if (is_label)
    labels = g_new0 (guint8, slice * (guint64) slab);

  for (gint64 z = 0; z < size[2]; z += slab)
    {
      gint64 depth = MIN (slab, size[2] - z);
      guint64 count = slice * (guint64) depth;

      if (volume != NULL)
        cls_volume_read_floats (volume, 0, (guint64) z * slice, count, values);
      if (is_label)
        for (guint64 v = 0; v < count; v++)
          labels[v] = is_lesion (values[v]);

      glTexSubImage3D (GL_TEXTURE_3D, 0, 0, 0, (GLint) z,
                       (GLsizei) size[0], (GLsizei) size[1], (GLsizei) depth,
                       format, type, is_label ? (const void *) labels : (const void *) values);
      if (!check_gl (_("the volume textures"), error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
slice_volumes_upload (ClsSliceVolumes  *self,
                      GdkGLContext     *view_context,
                      GError          **error)
{
  g_autoptr(GdkGLContext) context = NULL;
  GLint max_size = 0;
  int major, minor;
  gboolean ok = TRUE;
  gint64 start;

  context = gdk_display_create_gl_context (gdk_gl_context_get_display (view_context), error);
  if (context == NULL)
    return FALSE;
  gdk_gl_context_set_allowed_apis (context, gdk_gl_context_get_api (view_context));
  gdk_gl_context_get_required_version (view_context, &major, &minor);
  gdk_gl_context_set_required_version (context, major, minor);
  if (!gdk_gl_context_realize (context, error))
    return FALSE;
  if (!gdk_gl_context_is_shared (context, view_context))
    {
      g_set_error_literal (error, GDK_GL_ERROR, GDK_GL_ERROR_NOT_AVAILABLE,
                           _("The OpenGL contexts of the views do not share textures"));
      return FALSE;
    }

  gdk_gl_context_make_current (context);
  glGetIntegerv (GL_MAX_3D_TEXTURE_SIZE, &max_size);
  for (int i = 0; i < 3; i++)
    if (self->dims[i] > max_size)
      {
        g_set_error (error, CLS_ERROR, CLS_ERROR_TOO_LARGE,
                     _("The volume (%" G_GINT64_FORMAT " × %" G_GINT64_FORMAT " × %" G_GINT64_FORMAT
                       " voxels) is larger than this GPU’s 3D textures (%d per side): the slices cannot be shown"),
                     self->dims[0], self->dims[1], self->dims[2], (int) max_size);
        gdk_gl_context_clear_current ();
        return FALSE;
      }

  start = g_get_monotonic_time ();
  glPixelStorei (GL_UNPACK_ALIGNMENT, 1);
  glGenTextures (N_TEXTURES, self->textures);
  for (int t = 0; t < N_TEXTURES && ok; t++)
    ok = upload_texture (self->textures[t], self->volumes[t], t == TEXTURE_LABEL, self->dims, error);
  glBindTexture (GL_TEXTURE_3D, 0);

  if (!ok)
    {
      glDeleteTextures (N_TEXTURES, self->textures);
      memset (self->textures, 0, sizeof self->textures);
      gdk_gl_context_clear_current ();
      return FALSE;
    }

  /* Complete before another context samples them. */
  glFinish ();
  g_debug ("Volume textures (%" G_GINT64_FORMAT " × %" G_GINT64_FORMAT " × %" G_GINT64_FORMAT
           ") uploaded in %.0f ms", self->dims[0], self->dims[1], self->dims[2],
           (double) (g_get_monotonic_time () - start) / 1000.0);
  self->gl_context = g_steal_pointer (&context);
  return TRUE;
}

/* The textures, made on first use. @view_context is current on return. */
static gboolean
slice_volumes_ensure_textures (ClsSliceVolumes  *self,
                               GdkGLContext     *view_context,
                               GError          **error)
{
  gboolean ok;

  if (self->gl_error != NULL)
    {
      g_propagate_error (error, g_error_copy (self->gl_error));
      return FALSE;
    }
  if (self->gl_context != NULL)
    {
      if (gdk_gl_context_is_shared (self->gl_context, view_context))
        return TRUE;
      g_set_error_literal (error, GDK_GL_ERROR, GDK_GL_ERROR_NOT_AVAILABLE,
                           _("The OpenGL contexts of the views do not share textures"));
      return FALSE;
    }

  ok = slice_volumes_upload (self, view_context, &self->gl_error);
  gdk_gl_context_make_current (view_context);
  if (!ok)
    g_propagate_error (error, g_error_copy (self->gl_error));
  return ok;
}

/* ClsSliceStyle
 * ------------- */

struct _ClsSliceStyle
{
  GObject             parent_instance;
  double              cut;
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
  else if (volumes == NULL || volumes->ct_like)
    {
      width = ct_windows[CLS_WINDOW_PRESET_SOFT_TISSUE].width;
      level = ct_windows[CLS_WINDOW_PRESET_SOFT_TISSUE].level;
    }
  else
    {
      width = volumes->percentile_window[0];
      level = volumes->percentile_window[1];
    }
  style_set_window (self, width, level, preset);
}

/* ClsSliceView
 * ------------ */

enum {
  U_IMAGE,
  U_PROB,
  U_LABEL,
  U_DIMS,
  U_ORIGIN,
  U_STEP_X,
  U_STEP_Y,
  U_AXIS_H,
  U_AXIS_V,
  U_PX_PER_VOXEL,
  U_SOURCES,
  U_OVERLAYS,
  U_OUTLINE,
  U_CUT,
  U_OPACITY,
  U_WINDOW,
  U_LINE,
  U_COLOR_FIXED,
  U_COLOR_CALIBRATED,
  U_COLOR_TRUTH,
  U_COLOR_MISSED,
  U_COLOR_CROSSHAIR,
  U_BACKGROUND,
  U_CROSSHAIR,
  U_CROSSHAIR_GAP,
  N_UNIFORMS
};

static const char * const uniform_names[N_UNIFORMS] = {
  "u_image", "u_prob", "u_label", "u_dims", "u_origin", "u_step_x", "u_step_y",
  "u_axis_h", "u_axis_v", "u_px_per_voxel", "u_sources", "u_overlays", "u_outline",
  "u_cut", "u_opacity", "u_window", "u_line", "u_color_fixed", "u_color_calibrated",
  "u_color_truth", "u_color_missed", "u_color_crosshair", "u_background", "u_crosshair",
  "u_crosshair_gap",
};

/* Which uniform carries which colour. */
static const int color_uniforms[CLS_N_OVERLAY_COLORS] = {
  [CLS_OVERLAY_COLOR_MASK_FIXED]      = U_COLOR_FIXED,
  [CLS_OVERLAY_COLOR_MASK_CALIBRATED] = U_COLOR_CALIBRATED,
  [CLS_OVERLAY_COLOR_GROUND_TRUTH]    = U_COLOR_TRUTH,
  [CLS_OVERLAY_COLOR_MISSED]          = U_COLOR_MISSED,
  [CLS_OVERLAY_COLOR_CROSSHAIR]       = U_COLOR_CROSSHAIR,
};

/* The anatomical axes of each plane (0 = R, 1 = A, 2 = S): the one drawn
 * across, the one drawn up (towards A in the axial view, S in the others). */
static const struct {
  int world_h;
  int world_v;
} plane_axes[CLS_N_SLICE_PLANES] = {
  [CLS_SLICE_PLANE_AXIAL]    = { 0, 1 },
  [CLS_SLICE_PLANE_CORONAL]  = { 0, 2 },
  [CLS_SLICE_PLANE_SAGITTAL] = { 1, 2 },
};

/* Where a view is looking, in device pixels (y up, as in GL). */
typedef struct {
  int    axis_h, axis_v, axis_n;   /* voxel axes across, up, through */
  int    dir_h, dir_v;             /* +1: the index grows to the right / up */
  double spacing_h, spacing_v;     /* mm per voxel */
  double width, height;            /* device pixels */
  double px_per_mm;
  double center_h, center_v;       /* voxel coordinates at the centre */
  double pan_h, pan_v;             /* mm, right and up */
} Layout;

struct _ClsSliceView
{
  GtkGLArea        parent_instance;

  ClsSlicePlane    plane;
  ClsSliceStyle   *style;
  ClsSliceVolumes *volumes;
  gint64           cursor[3];
  double           zoom;
  double           pan[2];          /* mm, screen right and up */
  char            *message;

  GLuint           program;
  GLuint           vao;
  GLint            uniforms[N_UNIFORMS];

  double           pointer[2];      /* last pointer position, widget coordinates */
  double           drag_pan[2];
  double           drag_window[2];
  double           scroll_steps;
};

G_DEFINE_FINAL_TYPE (ClsSliceView, cls_slice_view, GTK_TYPE_GL_AREA)

enum {
  PROP_0,
  PROP_PLANE,
  PROP_STYLE,
  PROP_VOLUMES,
  PROP_ZOOM,
  PROP_MESSAGE,
  N_PROPS
};

enum {
  CURSOR_MOVED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static int
screen_right_sign (ClsSliceView *self)
{
  /* Sagittal: anterior on the left. Axial and coronal: radiological puts
   * the patient's left (-R) on the right. */
  if (self->plane == CLS_SLICE_PLANE_SAGITTAL)
    return -1;
  return cls_slice_style_get_convention (self->style) == CLS_SLICE_CONVENTION_RADIOLOGICAL ? -1 : 1;
}

static gboolean
compute_layout (ClsSliceView *self,
                double        width,
                double        height,
                Layout       *layout)
{
  ClsSliceVolumes *volumes = self->volumes;
  int world_h = plane_axes[self->plane].world_h;
  int world_v = plane_axes[self->plane].world_v;
  int world_n = 3 - world_h - world_v;
  double extent = 0;

  if (volumes == NULL || !(width > 0) || !(height > 0))
    return FALSE;

  layout->axis_h = volumes->axis[world_h];
  layout->axis_v = volumes->axis[world_v];
  layout->axis_n = volumes->axis[world_n];
  layout->dir_h = volumes->sign[world_h] * screen_right_sign (self);
  layout->dir_v = volumes->sign[world_v];
  layout->spacing_h = volumes->spacing[layout->axis_h];
  layout->spacing_v = volumes->spacing[layout->axis_v];
  layout->width = width;
  layout->height = height;

  /* One scale for every plane: the whole volume's largest extent fits, so
   * that the three views of a tri-planar layout share millimetres. */
  for (int i = 0; i < 3; i++)
    extent = MAX (extent, (double) volumes->dims[i] * volumes->spacing[i]);
  layout->px_per_mm = self->zoom * MIN (width, height) / extent;
  layout->center_h = (double) (volumes->dims[layout->axis_h] - 1) / 2.0;
  layout->center_v = (double) (volumes->dims[layout->axis_v] - 1) / 2.0;
  layout->pan_h = self->pan[0];
  layout->pan_v = self->pan[1];
  return TRUE;
}

/* Device pixel (y up) to continuous voxel coordinates in the plane. */
static void
layout_to_voxel (const Layout *l,
                 double        x,
                 double        y,
                 double       *h,
                 double       *v)
{
  *h = l->center_h + l->dir_h * ((x - l->width / 2) / l->px_per_mm + l->pan_h) / l->spacing_h;
  *v = l->center_v + l->dir_v * ((y - l->height / 2) / l->px_per_mm + l->pan_v) / l->spacing_v;
}

static void
layout_from_voxel (const Layout *l,
                   double        h,
                   double        v,
                   double       *x,
                   double       *y)
{
  *x = l->width / 2 + (l->dir_h * (h - l->center_h) * l->spacing_h - l->pan_h) * l->px_per_mm;
  *y = l->height / 2 + (l->dir_v * (v - l->center_v) * l->spacing_v - l->pan_v) * l->px_per_mm;
}

static gboolean
widget_layout (ClsSliceView *self,
               Layout       *layout)
{
  int scale = gtk_widget_get_scale_factor (GTK_WIDGET (self));

  return compute_layout (self,
                         (double) gtk_widget_get_width (GTK_WIDGET (self)) * scale,
                         (double) gtk_widget_get_height (GTK_WIDGET (self)) * scale,
                         layout);
}

static void
set_message (ClsSliceView *self,
             const char   *message)
{
  if (g_strcmp0 (self->message, message) == 0)
    return;
  g_free (self->message);
  self->message = g_strdup (message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MESSAGE]);
}

typedef struct {
  ClsSliceView *view;
  char         *message;
} MessageLater;

static void
message_later_cb (gpointer data)
{
  MessageLater *later = data;

  set_message (later->view, later->message);
  g_object_unref (later->view);
  g_free (later->message);
  g_free (later);
}

/* Drawing happens inside a snapshot, where widgets must not change: say it
 * on the next idle. */
static void
set_message_later (ClsSliceView *self,
                   const char   *message)
{
  MessageLater *later;

  if (g_strcmp0 (self->message, message) == 0)
    return;
  later = g_new0 (MessageLater, 1);
  later->view = g_object_ref (self);
  later->message = g_strdup (message);
  g_idle_add_once (message_later_cb, later);
}

static GLuint
compile_shader (GLenum        kind,
                const char   *name,
                gboolean      use_es,
                GError      **error)
{
  static const char gl_header[] = "#version 330 core\n";
  static const char es_header[] =
    "#version 300 es\n"
    "precision highp float;\n"
    "precision highp int;\n"
    "precision highp sampler3D;\n"
    "precision highp usampler3D;\n";
  g_autofree char *path = g_strconcat (RESOURCE_PATH, name, NULL);
  g_autoptr(GBytes) source = NULL;
  const char *sources[2];
  GLint lengths[2];
  GLuint shader;
  GLint status = GL_FALSE;
  gsize size;

  source = g_resources_lookup_data (path, G_RESOURCE_LOOKUP_FLAGS_NONE, error);
  if (source == NULL)
    return 0;

  sources[0] = use_es ? es_header : gl_header;
  lengths[0] = (GLint) strlen (sources[0]);
  sources[1] = g_bytes_get_data (source, &size);
  lengths[1] = (GLint) size;

  shader = glCreateShader (kind);
  glShaderSource (shader, 2, sources, lengths);
  glCompileShader (shader);
  glGetShaderiv (shader, GL_COMPILE_STATUS, &status);
  if (status != GL_TRUE)
    {
      GLint log_length = 0;
      g_autofree char *log = NULL;

      glGetShaderiv (shader, GL_INFO_LOG_LENGTH, &log_length);
      log = g_malloc0 (MAX (log_length, 1));
      glGetShaderInfoLog (shader, log_length, NULL, log);
      g_set_error (error, GDK_GL_ERROR, GDK_GL_ERROR_COMPILATION_FAILED,
                   _("Could not compile the shader %s: %s"), path, log);
      glDeleteShader (shader);
      return 0;
    }

  return shader;
}

static gboolean
build_program (ClsSliceView  *self,
               GError       **error)
{
  GdkGLContext *context = gtk_gl_area_get_context (GTK_GL_AREA (self));
  gboolean use_es = gdk_gl_context_get_use_es (context);
  GLuint vertex, fragment, program;
  GLint status = GL_FALSE;

  vertex = compile_shader (GL_VERTEX_SHADER, "slice.vert", use_es, error);
  if (vertex == 0)
    return FALSE;
  fragment = compile_shader (GL_FRAGMENT_SHADER, "slice.frag", use_es, error);
  if (fragment == 0)
    {
      glDeleteShader (vertex);
      return FALSE;
    }

  program = glCreateProgram ();
  glAttachShader (program, vertex);
  glAttachShader (program, fragment);
  glLinkProgram (program);
  glDetachShader (program, vertex);
  glDetachShader (program, fragment);
  glDeleteShader (vertex);
  glDeleteShader (fragment);

  glGetProgramiv (program, GL_LINK_STATUS, &status);
  if (status != GL_TRUE)
    {
      GLint log_length = 0;
      g_autofree char *log = NULL;

      glGetProgramiv (program, GL_INFO_LOG_LENGTH, &log_length);
      log = g_malloc0 (MAX (log_length, 1));
      glGetProgramInfoLog (program, log_length, NULL, log);
      g_set_error (error, GDK_GL_ERROR, GDK_GL_ERROR_LINK_FAILED,
                   _("Could not link the slice shaders: %s"), log);
      glDeleteProgram (program);
      return FALSE;
    }

  for (int u = 0; u < N_UNIFORMS; u++)
    self->uniforms[u] = glGetUniformLocation (program, uniform_names[u]);

  glUseProgram (program);
  glUniform1i (self->uniforms[U_IMAGE], TEXTURE_IMAGE);
  glUniform1i (self->uniforms[U_PROB], TEXTURE_PROB);
  glUniform1i (self->uniforms[U_LABEL], TEXTURE_LABEL);
  glUseProgram (0);

  self->program = program;
  return TRUE;
}

/* GL 3.3 core where there is one, else GLES 3.0: the shaders need 3D
 * textures, integer textures and texelFetch. */
static GdkGLContext *
cls_slice_view_create_context (GtkGLArea *area)
{
  GdkSurface *surface = gtk_native_get_surface (gtk_widget_get_native (GTK_WIDGET (area)));
  g_autoptr(GError) error = NULL;
  struct {
    GdkGLAPI api;
    int      major;
    int      minor;
  } wanted[] = {
    { GDK_GL_API_GL, 3, 3 },
    { GDK_GL_API_GLES, 3, 0 },
  };

  gtk_gl_area_get_required_version (area, &wanted[0].major, &wanted[0].minor);

  for (guint i = 0; i < G_N_ELEMENTS (wanted); i++)
    {
      g_autoptr(GdkGLContext) context = NULL;

      g_clear_error (&error);
      context = gdk_surface_create_gl_context (surface, &error);
      if (context == NULL)
        break;
      gdk_gl_context_set_allowed_apis (context, wanted[i].api);
      gdk_gl_context_set_required_version (context, wanted[i].major, wanted[i].minor);
      if (gdk_gl_context_realize (context, &error))
        return g_steal_pointer (&context);
    }

  gtk_gl_area_set_error (area, error);
  return NULL;
}

static void
cls_slice_view_realize (GtkWidget *widget)
{
  ClsSliceView *self = CLS_SLICE_VIEW (widget);
  GtkGLArea *area = GTK_GL_AREA (widget);
  g_autoptr(GError) error = NULL;

  GTK_WIDGET_CLASS (cls_slice_view_parent_class)->realize (widget);

  gtk_gl_area_make_current (area);
  if (gtk_gl_area_get_error (area) != NULL)
    {
      set_message (self, gtk_gl_area_get_error (area)->message);
      return;
    }

  {
    GdkGLContext *context = gtk_gl_area_get_context (area);
    int major, minor;

    gdk_gl_context_get_version (context, &major, &minor);
    g_debug ("%s view: OpenGL%s %d.%d", cls_slice_plane_get_label (self->plane),
             gdk_gl_context_get_use_es (context) ? " ES" : "", major, minor);
  }

  if (!build_program (self, &error))
    {
      set_message (self, error->message);
      gtk_gl_area_set_error (area, error);
      return;
    }
  glGenVertexArrays (1, &self->vao);
}

static void
cls_slice_view_unrealize (GtkWidget *widget)
{
  ClsSliceView *self = CLS_SLICE_VIEW (widget);
  GtkGLArea *area = GTK_GL_AREA (widget);

  gtk_gl_area_make_current (area);
  if (gtk_gl_area_get_error (area) == NULL)
    {
      if (self->vao != 0)
        glDeleteVertexArrays (1, &self->vao);
      if (self->program != 0)
        glDeleteProgram (self->program);
    }
  self->vao = 0;
  self->program = 0;

  GTK_WIDGET_CLASS (cls_slice_view_parent_class)->unrealize (widget);
}

static void
uniform_color (GLint          location,
               const GdkRGBA *color)
{
  glUniform4f (location, color->red, color->green, color->blue, color->alpha);
}

static void
uniform_axis (GLint location,
              int   axis,
              double value)
{
  float v[3] = { 0, 0, 0 };

  v[axis] = (float) value;
  glUniform3fv (location, 1, v);
}

/* The nearest float: exact for a float32 map's cut (see
 * cls_slice_style_set_cut()); beyond the float range, an infinity, so that
 * a cut above every probability still leaves the mask empty. */
static float
cut_to_float (double cut)
{
  if (cut > FLT_MAX)
    return INFINITY;
  if (cut < -FLT_MAX)
    return -INFINITY;
  return (float) cut;
}

static void
set_uniforms (ClsSliceView *self,
              const Layout *l,
              int           scale)
{
  ClsSliceVolumes *volumes = self->volumes;
  ClsSliceStyle *style = self->style;
  double origin[3];
  float origin_f[3];
  int axis_h[3] = { 0, 0, 0 };
  int axis_v[3] = { 0, 0, 0 };
  double window_width, window_level;
  double cross_x, cross_y;
  int sources = 0;
  GdkRGBA color;

  /* voxel = origin + step_x * X + step_y * Y at device pixel (X, Y) */
  origin[l->axis_n] = (double) self->cursor[l->axis_n];
  layout_to_voxel (l, 0, 0, &origin[l->axis_h], &origin[l->axis_v]);
  for (int i = 0; i < 3; i++)
    origin_f[i] = (float) origin[i];
  axis_h[l->axis_h] = 1;
  axis_v[l->axis_v] = 1;

  for (int t = 0; t < N_TEXTURES; t++)
    if (volumes->volumes[t] != NULL)
      sources |= 1 << t;

  cls_slice_style_get_window (style, &window_width, &window_level);
  layout_from_voxel (l, (double) self->cursor[l->axis_h], (double) self->cursor[l->axis_v],
                     &cross_x, &cross_y);

  glUniform3i (self->uniforms[U_DIMS], (GLint) volumes->dims[0], (GLint) volumes->dims[1],
               (GLint) volumes->dims[2]);
  glUniform3fv (self->uniforms[U_ORIGIN], 1, origin_f);
  uniform_axis (self->uniforms[U_STEP_X], l->axis_h, l->dir_h / (l->px_per_mm * l->spacing_h));
  uniform_axis (self->uniforms[U_STEP_Y], l->axis_v, l->dir_v / (l->px_per_mm * l->spacing_v));
  glUniform3iv (self->uniforms[U_AXIS_H], 1, axis_h);
  glUniform3iv (self->uniforms[U_AXIS_V], 1, axis_v);
  glUniform2f (self->uniforms[U_PX_PER_VOXEL], (float) (l->px_per_mm * l->spacing_h),
               (float) (l->px_per_mm * l->spacing_v));
  glUniform1i (self->uniforms[U_SOURCES], sources);
  glUniform1i (self->uniforms[U_OVERLAYS], (GLint) cls_slice_style_get_overlays (style));
  glUniform1i (self->uniforms[U_OUTLINE],
               cls_slice_style_get_mask_style (style) == CLS_MASK_STYLE_OUTLINE);
  glUniform1f (self->uniforms[U_CUT], cut_to_float (cls_slice_style_get_cut (style)));
  glUniform1f (self->uniforms[U_OPACITY], (float) cls_slice_style_get_opacity (style));
  glUniform2f (self->uniforms[U_WINDOW], (float) (window_level - window_width / 2),
               (float) (1.0 / window_width));
  glUniform1f (self->uniforms[U_LINE], (float) (LINE_HALF_WIDTH_PX * scale));
  for (int c = 0; c < CLS_N_OVERLAY_COLORS; c++)
    {
      cls_slice_style_get_color (style, c, &color);
      uniform_color (self->uniforms[color_uniforms[c]], &color);
    }
  glUniform4f (self->uniforms[U_BACKGROUND], 0, 0, 0, 1);
  glUniform2f (self->uniforms[U_CROSSHAIR], (float) (floor (cross_x) + 0.5),
               (float) (floor (cross_y) + 0.5));
  glUniform1f (self->uniforms[U_CROSSHAIR_GAP], (float) (CROSSHAIR_GAP_PX * scale));
}

/* Draws into @framebuffer (never assumed to be 0) of @width x @height
 * device pixels, @scale device pixels per widget unit. A new cut, colour
 * or cursor only changes uniforms here. */
static void
draw (ClsSliceView *self,
      GLuint        framebuffer,
      int           width,
      int           height,
      int           scale)
{
  GdkGLContext *context = gtk_gl_area_get_context (GTK_GL_AREA (self));
  g_autoptr(GError) error = NULL;
  gboolean ready = FALSE;
  Layout l;

  if (self->program != 0 && self->volumes != NULL)
    {
      ready = slice_volumes_ensure_textures (self->volumes, context, &error);
      set_message_later (self, ready ? NULL : error->message);
    }

  glBindFramebuffer (GL_FRAMEBUFFER, framebuffer);
  glViewport (0, 0, width, height);
  glDisable (GL_BLEND);
  glDisable (GL_DEPTH_TEST);
  glDisable (GL_SCISSOR_TEST);
  glClearColor (0, 0, 0, 1);
  glClear (GL_COLOR_BUFFER_BIT);

  if (!ready || !compute_layout (self, width, height, &l))
    return;

  glUseProgram (self->program);
  set_uniforms (self, &l, scale);
  for (int t = 0; t < N_TEXTURES; t++)
    {
      glActiveTexture (GL_TEXTURE0 + t);
      glBindTexture (GL_TEXTURE_3D, self->volumes->textures[t]);
    }

  glBindVertexArray (self->vao);
  glDrawArrays (GL_TRIANGLES, 0, 3);
  glBindVertexArray (0);

  for (int t = N_TEXTURES - 1; t >= 0; t--)
    {
      glActiveTexture (GL_TEXTURE0 + t);
      glBindTexture (GL_TEXTURE_3D, 0);
    }
  glUseProgram (0);
}

static gboolean
cls_slice_view_render (GtkGLArea    *area,
                       GdkGLContext *context)
{
  ClsSliceView *self = CLS_SLICE_VIEW (area);
  int scale = gtk_widget_get_scale_factor (GTK_WIDGET (area));
  GLint framebuffer = 0;

  /* GtkGLArea draws into a framebuffer of its own: keep to it. */
  glGetIntegerv (GL_FRAMEBUFFER_BINDING, &framebuffer);
  draw (self, (GLuint) framebuffer, gtk_widget_get_width (GTK_WIDGET (area)) * scale,
        gtk_widget_get_height (GTK_WIDGET (area)) * scale, scale);
  return TRUE;
}

static void
queue_render (ClsSliceView *self)
{
  gtk_gl_area_queue_render (GTK_GL_AREA (self));
}

/* Interaction
 * ----------- */

static void
clamp_index (ClsSliceView *self,
             gint64        index[3])
{
  for (int i = 0; i < 3; i++)
    index[i] = CLAMP (index[i], 0, self->volumes->dims[i] - 1);
}

static void
move_cursor (ClsSliceView *self,
             const gint64  index[3])
{
  gint64 clamped[3];

  if (self->volumes == NULL)
    return;
  memcpy (clamped, index, sizeof clamped);
  clamp_index (self, clamped);
  if (memcmp (clamped, self->cursor, sizeof clamped) == 0)
    return;
  memcpy (self->cursor, clamped, sizeof clamped);
  queue_render (self);
  g_signal_emit (self, signals[CURSOR_MOVED], 0);
}

static void
move_cursor_by (ClsSliceView *self,
                int           d_h,
                int           d_v,
                int           d_n)
{
  Layout l;
  gint64 index[3];

  if (!widget_layout (self, &l))
    return;
  memcpy (index, self->cursor, sizeof index);
  index[l.axis_h] += d_h;
  index[l.axis_v] += d_v;
  index[l.axis_n] += d_n;
  move_cursor (self, index);
}

/* One slice towards R, A or S (the plane's normal axis). */
static void
change_slice (ClsSliceView *self,
              int           steps)
{
  int world_n = 3 - plane_axes[self->plane].world_h - plane_axes[self->plane].world_v;

  if (self->volumes != NULL)
    move_cursor_by (self, 0, 0, steps * self->volumes->sign[world_n]);
}

static void
cursor_to_pointer (ClsSliceView *self,
                   double        x,
                   double        y)
{
  gint64 index[3];

  if (cls_slice_view_widget_to_voxel (self, x, y, index))
    move_cursor (self, index);
}

static void
select_drag_begin_cb (GtkGestureDrag *gesture,
                      double          x,
                      double          y,
                      ClsSliceView   *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self));
  cursor_to_pointer (self, x, y);
}

static void
select_drag_update_cb (GtkGestureDrag *gesture,
                       double          dx,
                       double          dy,
                       ClsSliceView   *self)
{
  double x, y;

  gtk_gesture_drag_get_start_point (gesture, &x, &y);
  cursor_to_pointer (self, x + dx, y + dy);
}

static void
pan_drag_begin_cb (GtkGestureDrag *gesture,
                   double          x,
                   double          y,
                   ClsSliceView   *self)
{
  memcpy (self->drag_pan, self->pan, sizeof self->pan);
}

static void
pan_drag_update_cb (GtkGestureDrag *gesture,
                    double          dx,
                    double          dy,
                    ClsSliceView   *self)
{
  Layout l;

  if (!widget_layout (self, &l))
    return;
  dx *= gtk_widget_get_scale_factor (GTK_WIDGET (self));
  dy *= gtk_widget_get_scale_factor (GTK_WIDGET (self));
  self->pan[0] = self->drag_pan[0] - dx / l.px_per_mm;
  self->pan[1] = self->drag_pan[1] + dy / l.px_per_mm;
  queue_render (self);
}

static void
window_drag_begin_cb (GtkGestureDrag *gesture,
                      double          x,
                      double          y,
                      ClsSliceView   *self)
{
  cls_slice_style_get_window (self->style, &self->drag_window[0], &self->drag_window[1]);
}

/* Right-drag: across changes the width (multiplicatively), down raises the
 * level (darker), both relative to the width at the start. */
static void
window_drag_update_cb (GtkGestureDrag *gesture,
                       double          dx,
                       double          dy,
                       ClsSliceView   *self)
{
  double width = self->drag_window[0];
  double level = self->drag_window[1];

  cls_slice_style_set_window (self->style, width * exp (dx / 200.0), level + dy * width / 200.0);
}

static void
motion_cb (GtkEventControllerMotion *motion,
           double                    x,
           double                    y,
           ClsSliceView             *self)
{
  self->pointer[0] = x;
  self->pointer[1] = y;
}

/* Sets the zoom keeping the point at device pixel (px, py) where it is. */
static void
zoom_about (ClsSliceView *self,
            double        zoom,
            double        px,
            double        py)
{
  Layout before;

  zoom = CLAMP (zoom, ZOOM_MIN, ZOOM_MAX);
  if (zoom == self->zoom)
    return;

  if (widget_layout (self, &before))
    {
      double mm_x = (px - before.width / 2) / before.px_per_mm + self->pan[0];
      double mm_y = (py - before.height / 2) / before.px_per_mm + self->pan[1];
      double px_per_mm = before.px_per_mm * zoom / self->zoom;

      self->pan[0] = mm_x - (px - before.width / 2) / px_per_mm;
      self->pan[1] = mm_y - (py - before.height / 2) / px_per_mm;
    }
  self->zoom = zoom;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM]);
  queue_render (self);
}

static gboolean
scroll_cb (GtkEventControllerScroll *scroll,
           double                    dx,
           double                    dy,
           ClsSliceView             *self)
{
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (scroll));
  int steps;

  if ((state & GDK_CONTROL_MASK) != 0)
    {
      int scale = gtk_widget_get_scale_factor (GTK_WIDGET (self));

      zoom_about (self, self->zoom * pow (ZOOM_STEP, -dy), self->pointer[0] * scale,
                  (gtk_widget_get_height (GTK_WIDGET (self)) - self->pointer[1]) * scale);
      return TRUE;
    }

  /* Whole steps; a touchpad's fractions add up. Wheel up: towards R, A, S. */
  self->scroll_steps -= dy;
  steps = (int) trunc (self->scroll_steps);
  self->scroll_steps -= steps;
  if (steps != 0)
    change_slice (self, steps);
  return TRUE;
}

static gboolean
key_pressed_cb (GtkEventControllerKey *key,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                ClsSliceView          *self)
{
  Layout l;

  if (!widget_layout (self, &l))
    return FALSE;

  switch (keyval)
    {
    case GDK_KEY_Left:
    case GDK_KEY_KP_Left:
      move_cursor_by (self, -l.dir_h, 0, 0);
      return TRUE;
    case GDK_KEY_Right:
    case GDK_KEY_KP_Right:
      move_cursor_by (self, l.dir_h, 0, 0);
      return TRUE;
    case GDK_KEY_Up:
    case GDK_KEY_KP_Up:
      move_cursor_by (self, 0, l.dir_v, 0);
      return TRUE;
    case GDK_KEY_Down:
    case GDK_KEY_KP_Down:
      move_cursor_by (self, 0, -l.dir_v, 0);
      return TRUE;
    case GDK_KEY_Page_Up:
    case GDK_KEY_KP_Page_Up:
      change_slice (self, 1);
      return TRUE;
    case GDK_KEY_Page_Down:
    case GDK_KEY_KP_Page_Down:
      change_slice (self, -1);
      return TRUE;
    default:
      return FALSE;
    }
}

static void
add_drag (ClsSliceView *self,
          guint         button,
          GCallback     begin,
          GCallback     update)
{
  GtkGesture *drag = gtk_gesture_drag_new ();

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (drag), button);
  g_signal_connect (drag, "drag-begin", begin, self);
  g_signal_connect (drag, "drag-update", update, self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));
}

/* GObject
 * ------- */

static void
style_changed_cb (ClsSliceStyle *style,
                  ClsSliceView  *self)
{
  queue_render (self);
}

static void
cls_slice_view_dispose (GObject *object)
{
  ClsSliceView *self = CLS_SLICE_VIEW (object);

  if (self->style != NULL)
    g_signal_handlers_disconnect_by_func (self->style, style_changed_cb, self);
  g_clear_object (&self->style);
  g_clear_pointer (&self->volumes, cls_slice_volumes_unref);

  G_OBJECT_CLASS (cls_slice_view_parent_class)->dispose (object);
}

static void
cls_slice_view_finalize (GObject *object)
{
  ClsSliceView *self = CLS_SLICE_VIEW (object);

  g_free (self->message);

  G_OBJECT_CLASS (cls_slice_view_parent_class)->finalize (object);
}

static void
cls_slice_view_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  ClsSliceView *self = CLS_SLICE_VIEW (object);

  switch (prop_id)
    {
    case PROP_PLANE:
      g_value_set_enum (value, self->plane);
      break;
    case PROP_STYLE:
      g_value_set_object (value, self->style);
      break;
    case PROP_VOLUMES:
      g_value_set_boxed (value, self->volumes);
      break;
    case PROP_ZOOM:
      g_value_set_double (value, self->zoom);
      break;
    case PROP_MESSAGE:
      g_value_set_string (value, self->message);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cls_slice_view_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  ClsSliceView *self = CLS_SLICE_VIEW (object);

  switch (prop_id)
    {
    case PROP_PLANE:
      self->plane = g_value_get_enum (value);
      break;
    case PROP_STYLE:
      cls_slice_view_set_style (self, g_value_get_object (value));
      break;
    case PROP_VOLUMES:
      cls_slice_view_set_volumes (self, g_value_get_boxed (value));
      break;
    case PROP_ZOOM:
      cls_slice_view_set_zoom (self, g_value_get_double (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cls_slice_view_constructed (GObject *object)
{
  ClsSliceView *self = CLS_SLICE_VIEW (object);
  g_autofree char *label = NULL;

  G_OBJECT_CLASS (cls_slice_view_parent_class)->constructed (object);

  label = g_strdup_printf (_("%s slice"), cls_slice_plane_get_label (self->plane));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  _("Click to move the cursor; wheel or Page Up/Down: slice; arrows: cursor; "
                                    "Ctrl+wheel: zoom; middle-drag: pan; right-drag: window/level"),
                                  -1);
}

static void
cls_slice_view_class_init (ClsSliceViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkGLAreaClass *area_class = GTK_GL_AREA_CLASS (klass);

  object_class->constructed = cls_slice_view_constructed;
  object_class->dispose = cls_slice_view_dispose;
  object_class->finalize = cls_slice_view_finalize;
  object_class->get_property = cls_slice_view_get_property;
  object_class->set_property = cls_slice_view_set_property;

  widget_class->realize = cls_slice_view_realize;
  widget_class->unrealize = cls_slice_view_unrealize;

  area_class->render = cls_slice_view_render;
  area_class->create_context = cls_slice_view_create_context;

  properties[PROP_PLANE] =
    g_param_spec_enum ("plane", NULL, NULL, CLS_TYPE_SLICE_PLANE, CLS_SLICE_PLANE_AXIAL,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STYLE] =
    g_param_spec_object ("style", NULL, NULL, CLS_TYPE_SLICE_STYLE,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_VOLUMES] =
    g_param_spec_boxed ("volumes", NULL, NULL, CLS_TYPE_SLICE_VOLUMES,
                        G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_ZOOM] =
    g_param_spec_double ("zoom", NULL, NULL, ZOOM_MIN, ZOOM_MAX, 1.0,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * ClsSliceView:message:
   *
   * Why the view cannot draw (no OpenGL, a volume too large for the GPU),
   * or %NULL. The container shows it over the view.
   */
  properties[PROP_MESSAGE] =
    g_param_spec_string ("message", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * ClsSliceView::cursor-moved:
   *
   * The user moved the cursor voxel (click, drag, wheel, keys); read it
   * with cls_slice_view_get_cursor(). Not emitted by
   * cls_slice_view_set_cursor().
   */
  signals[CURSOR_MOVED] =
    g_signal_new ("cursor-moved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_css_name (widget_class, "clssliceview");
}

static void
cls_slice_view_init (ClsSliceView *self)
{
  GtkEventController *controller;

  self->zoom = 1.0;
  self->style = cls_slice_style_new ();
  g_signal_connect (self->style, "changed", G_CALLBACK (style_changed_cb), self);

  gtk_gl_area_set_required_version (GTK_GL_AREA (self), 3, 3);
  gtk_gl_area_set_has_depth_buffer (GTK_GL_AREA (self), FALSE);
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_hexpand (GTK_WIDGET (self), TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (self), TRUE);
  gtk_widget_set_size_request (GTK_WIDGET (self), 96, 96);

  add_drag (self, GDK_BUTTON_PRIMARY, G_CALLBACK (select_drag_begin_cb), G_CALLBACK (select_drag_update_cb));
  add_drag (self, GDK_BUTTON_MIDDLE, G_CALLBACK (pan_drag_begin_cb), G_CALLBACK (pan_drag_update_cb));
  add_drag (self, GDK_BUTTON_SECONDARY, G_CALLBACK (window_drag_begin_cb), G_CALLBACK (window_drag_update_cb));

  controller = gtk_event_controller_motion_new ();
  g_signal_connect (controller, "enter", G_CALLBACK (motion_cb), self);
  g_signal_connect (controller, "motion", G_CALLBACK (motion_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  controller = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL);
  g_signal_connect (controller, "scroll", G_CALLBACK (scroll_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  controller = gtk_event_controller_key_new ();
  g_signal_connect (controller, "key-pressed", G_CALLBACK (key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);
}

/**
 * cls_slice_view_new:
 * @plane: which plane to show
 *
 * Returns: (transfer full): a new view, with a style of its own until
 *   cls_slice_view_set_style() shares one
 */
GtkWidget *
cls_slice_view_new (ClsSlicePlane plane)
{
  return g_object_new (CLS_TYPE_SLICE_VIEW, "plane", plane, NULL);
}

/**
 * cls_slice_view_get_plane:
 * @self: a #ClsSliceView
 *
 * Returns: the plane shown
 */
ClsSlicePlane
cls_slice_view_get_plane (ClsSliceView *self)
{
  g_return_val_if_fail (CLS_IS_SLICE_VIEW (self), CLS_SLICE_PLANE_AXIAL);
  return self->plane;
}

/**
 * cls_slice_view_get_style:
 * @self: a #ClsSliceView
 *
 * Returns: (transfer none): what the view draws; change it to change the picture
 */
ClsSliceStyle *
cls_slice_view_get_style (ClsSliceView *self)
{
  g_return_val_if_fail (CLS_IS_SLICE_VIEW (self), NULL);
  return self->style;
}

/**
 * cls_slice_view_set_style:
 * @self: a #ClsSliceView
 * @style: the style to follow (shared with other views)
 */
void
cls_slice_view_set_style (ClsSliceView  *self,
                          ClsSliceStyle *style)
{
  g_return_if_fail (CLS_IS_SLICE_VIEW (self));
  g_return_if_fail (CLS_IS_SLICE_STYLE (style));

  if (self->style == style)
    return;
  g_signal_handlers_disconnect_by_func (self->style, style_changed_cb, self);
  g_set_object (&self->style, style);
  g_signal_connect (self->style, "changed", G_CALLBACK (style_changed_cb), self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STYLE]);
  queue_render (self);
}

/**
 * cls_slice_view_get_volumes:
 * @self: a #ClsSliceView
 *
 * Returns: (transfer none) (nullable): the case shown
 */
ClsSliceVolumes *
cls_slice_view_get_volumes (ClsSliceView *self)
{
  g_return_val_if_fail (CLS_IS_SLICE_VIEW (self), NULL);
  return self->volumes;
}

/**
 * cls_slice_view_set_volumes:
 * @self: a #ClsSliceView
 * @volumes: (nullable): the case to show, %NULL for none
 *
 * Shows a new case: the cursor goes to its focus voxel, the zoom and pan
 * are reset, and an automatic window is computed again for it.
 */
void
cls_slice_view_set_volumes (ClsSliceView    *self,
                            ClsSliceVolumes *volumes)
{
  g_return_if_fail (CLS_IS_SLICE_VIEW (self));

  if (self->volumes == volumes)
    return;
  if (volumes != NULL)
    cls_slice_volumes_ref (volumes);
  g_clear_pointer (&self->volumes, cls_slice_volumes_unref);
  self->volumes = volumes;

  if (volumes != NULL)
    {
      cls_slice_volumes_get_focus (volumes, self->cursor);
      if (cls_slice_style_get_window_preset (self->style) == CLS_WINDOW_PRESET_AUTO)
        cls_slice_style_apply_preset (self->style, CLS_WINDOW_PRESET_AUTO, volumes);
    }
  set_message (self, NULL);
  cls_slice_view_reset_view (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VOLUMES]);
  queue_render (self);
}

/**
 * cls_slice_view_get_cursor:
 * @self: a #ClsSliceView
 * @index: (out caller-allocates) (array fixed-size=3): the cursor voxel
 */
void
cls_slice_view_get_cursor (ClsSliceView *self,
                           gint64        index[3])
{
  g_return_if_fail (CLS_IS_SLICE_VIEW (self));
  memcpy (index, self->cursor, sizeof self->cursor);
}

/**
 * cls_slice_view_set_cursor:
 * @self: a #ClsSliceView
 * @index: (array fixed-size=3): the voxel the view goes through (clamped to
 *   the volume)
 *
 * Does not emit #ClsSliceView::cursor-moved.
 */
void
cls_slice_view_set_cursor (ClsSliceView *self,
                           const gint64  index[3])
{
  g_return_if_fail (CLS_IS_SLICE_VIEW (self));

  memcpy (self->cursor, index, sizeof self->cursor);
  if (self->volumes != NULL)
    clamp_index (self, self->cursor);
  queue_render (self);
}

/**
 * cls_slice_view_get_zoom:
 * @self: a #ClsSliceView
 *
 * Returns: the zoom (1: the whole volume fits)
 */
double
cls_slice_view_get_zoom (ClsSliceView *self)
{
  g_return_val_if_fail (CLS_IS_SLICE_VIEW (self), 1.0);
  return self->zoom;
}

/**
 * cls_slice_view_set_zoom:
 * @self: a #ClsSliceView
 * @zoom: the zoom (1: the whole volume fits), about the cursor: the cursor
 *   stays where it is on screen
 */
void
cls_slice_view_set_zoom (ClsSliceView *self,
                         double        zoom)
{
  Layout l;
  double px = 0, py = 0;

  g_return_if_fail (CLS_IS_SLICE_VIEW (self));

  if (widget_layout (self, &l))
    layout_from_voxel (&l, (double) self->cursor[l.axis_h], (double) self->cursor[l.axis_v], &px, &py);
  zoom_about (self, zoom, px, py);
}

/**
 * cls_slice_view_reset_view:
 * @self: a #ClsSliceView
 *
 * Zoom 1, no pan: the whole volume in view.
 */
void
cls_slice_view_reset_view (ClsSliceView *self)
{
  g_return_if_fail (CLS_IS_SLICE_VIEW (self));

  self->pan[0] = self->pan[1] = 0;
  if (self->zoom != 1.0)
    {
      self->zoom = 1.0;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM]);
    }
  queue_render (self);
}

/**
 * cls_slice_view_get_message:
 * @self: a #ClsSliceView
 *
 * Returns: (nullable): why the view cannot draw, or %NULL
 */
const char *
cls_slice_view_get_message (ClsSliceView *self)
{
  g_return_val_if_fail (CLS_IS_SLICE_VIEW (self), NULL);
  return self->message;
}

static const char *
direction_letter (int world_axis,
                  int sign)
{
  switch (world_axis * 2 + (sign > 0))
    {
    case 0: return C_("patient direction", "L");
    case 1: return C_("patient direction", "R");
    case 2: return C_("patient direction", "P");
    case 3: return C_("patient direction", "A");
    case 4: return C_("patient direction", "I");
    default: return C_("patient direction", "S");
    }
}

/**
 * cls_slice_view_get_edge_labels:
 * @self: a #ClsSliceView
 * @left: (out) (optional): the patient direction at the left edge ("R", ...)
 * @right: (out) (optional): at the right edge
 * @top: (out) (optional): at the top edge
 * @bottom: (out) (optional): at the bottom edge
 *
 * The letters follow the plane and the convention, not the volume: the
 * volume is turned to fit them.
 */
void
cls_slice_view_get_edge_labels (ClsSliceView  *self,
                                const char   **left,
                                const char   **right,
                                const char   **top,
                                const char   **bottom)
{
  int world_h, world_v, sign;

  g_return_if_fail (CLS_IS_SLICE_VIEW (self));

  world_h = plane_axes[self->plane].world_h;
  world_v = plane_axes[self->plane].world_v;
  sign = screen_right_sign (self);
  if (left != NULL)
    *left = direction_letter (world_h, -sign);
  if (right != NULL)
    *right = direction_letter (world_h, sign);
  if (top != NULL)
    *top = direction_letter (world_v, 1);
  if (bottom != NULL)
    *bottom = direction_letter (world_v, -1);
}

/**
 * cls_slice_view_voxel_to_widget:
 * @self: a #ClsSliceView
 * @index: (array fixed-size=3): a voxel position (integers are voxel centres)
 * @x: (out): where it is drawn, in widget coordinates
 * @y: (out): ditto
 *
 * The coordinate through the plane is ignored.
 *
 * Returns: %FALSE without a case or a size
 */
gboolean
cls_slice_view_voxel_to_widget (ClsSliceView *self,
                                const double  index[3],
                                double       *x,
                                double       *y)
{
  int scale;
  double px, py;
  Layout l;

  g_return_val_if_fail (CLS_IS_SLICE_VIEW (self), FALSE);

  if (!widget_layout (self, &l))
    return FALSE;
  scale = gtk_widget_get_scale_factor (GTK_WIDGET (self));
  layout_from_voxel (&l, index[l.axis_h], index[l.axis_v], &px, &py);
  *x = px / scale;
  *y = (l.height - py) / scale;
  return TRUE;
}

/**
 * cls_slice_view_widget_to_voxel:
 * @self: a #ClsSliceView
 * @x: a widget coordinate
 * @y: a widget coordinate
 * @index: (out caller-allocates) (array fixed-size=3): the voxel drawn
 *   there, in the plane of the cursor (clamped to the volume)
 *
 * Returns: %FALSE without a case or a size
 */
gboolean
cls_slice_view_widget_to_voxel (ClsSliceView *self,
                                double        x,
                                double        y,
                                gint64        index[3])
{
  int scale;
  double h, v;
  Layout l;

  g_return_val_if_fail (CLS_IS_SLICE_VIEW (self), FALSE);

  if (!widget_layout (self, &l))
    return FALSE;
  scale = gtk_widget_get_scale_factor (GTK_WIDGET (self));
  layout_to_voxel (&l, x * scale, l.height - y * scale, &h, &v);
  memcpy (index, self->cursor, sizeof self->cursor);
  index[l.axis_h] = (gint64) floor (h + 0.5);
  index[l.axis_v] = (gint64) floor (v + 0.5);
  clamp_index (self, index);
  return TRUE;
}

/* Draws the view as it is on screen (its size times the scale factor)
 * into a framebuffer of its own, then waits for OpenGL to finish. With
 * @pixels, reads the picture back (GL rows, bottom up, RGBA); with @ms,
 * says how long the drawing took, glFinish included. */
static gboolean
draw_offscreen (ClsSliceView  *self,
                guint8       **pixels,
                int           *out_width,
                int           *out_height,
                double        *ms,
                GError       **error)
{
  GtkGLArea *area = GTK_GL_AREA (self);
  int scale, width, height;
  GLint previous = 0;
  GLuint framebuffer = 0, renderbuffer = 0;
  GLenum status;
  gint64 start;

  if (!gtk_widget_get_realized (GTK_WIDGET (self)))
    {
      g_set_error_literal (error, GDK_GL_ERROR, GDK_GL_ERROR_NOT_AVAILABLE,
                           _("The slice view is not on screen"));
      return FALSE;
    }
  gtk_gl_area_make_current (area);
  if (gtk_gl_area_get_error (area) != NULL)
    {
      g_propagate_error (error, g_error_copy (gtk_gl_area_get_error (area)));
      return FALSE;
    }

  scale = gtk_widget_get_scale_factor (GTK_WIDGET (self));
  width = gtk_widget_get_width (GTK_WIDGET (self)) * scale;
  height = gtk_widget_get_height (GTK_WIDGET (self)) * scale;
  if (width <= 0 || height <= 0)
    {
      g_set_error_literal (error, GDK_GL_ERROR, GDK_GL_ERROR_NOT_AVAILABLE,
                           _("The slice view has no size yet"));
      return FALSE;
    }

  glGetIntegerv (GL_FRAMEBUFFER_BINDING, &previous);
  glGenFramebuffers (1, &framebuffer);
  glGenRenderbuffers (1, &renderbuffer);
  glBindRenderbuffer (GL_RENDERBUFFER, renderbuffer);
  glRenderbufferStorage (GL_RENDERBUFFER, GL_RGBA8, width, height);
  glBindFramebuffer (GL_FRAMEBUFFER, framebuffer);
  glFramebufferRenderbuffer (GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_RENDERBUFFER, renderbuffer);
  status = glCheckFramebufferStatus (GL_FRAMEBUFFER);

  if (status == GL_FRAMEBUFFER_COMPLETE)
    {
      glFinish ();
      start = g_get_monotonic_time ();
      draw (self, framebuffer, width, height, scale);
      gtk_gl_area_make_current (area);
      glFinish ();
      if (ms != NULL)
        *ms = (double) (g_get_monotonic_time () - start) / 1000.0;
      if (pixels != NULL)
        {
          glBindFramebuffer (GL_FRAMEBUFFER, framebuffer);
          *pixels = g_malloc ((gsize) height * width * 4);
          glPixelStorei (GL_PACK_ALIGNMENT, 4);
          glReadPixels (0, 0, width, height, GL_RGBA, GL_UNSIGNED_BYTE, *pixels);
        }
    }

  glBindFramebuffer (GL_FRAMEBUFFER, (GLuint) previous);
  glDeleteFramebuffers (1, &framebuffer);
  glDeleteRenderbuffers (1, &renderbuffer);

  if (status != GL_FRAMEBUFFER_COMPLETE)
    {
      g_set_error (error, GDK_GL_ERROR, GDK_GL_ERROR_NOT_AVAILABLE,
                   _("Could not make an off-screen framebuffer (status 0x%x)"), status);
      return FALSE;
    }
  if (out_width != NULL)
    *out_width = width;
  if (out_height != NULL)
    *out_height = height;
  return TRUE;
}

/**
 * cls_slice_view_render_to_texture:
 * @self: a realized #ClsSliceView
 * @error: return location for a #GError
 *
 * Draws the view as it is on screen (its size times the scale factor) into
 * a framebuffer of its own and reads it back. Only the GL picture: no
 * orientation letters.
 *
 * Returns: (transfer full) (nullable): an opaque RGBA texture, or %NULL
 *   with @error set
 */
GdkTexture *
cls_slice_view_render_to_texture (ClsSliceView  *self,
                                  GError       **error)
{
  g_autofree guint8 *pixels = NULL;
  g_autofree guint8 *row = NULL;
  g_autoptr(GBytes) bytes = NULL;
  int width = 0, height = 0;
  gsize stride;

  g_return_val_if_fail (CLS_IS_SLICE_VIEW (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!draw_offscreen (self, &pixels, &width, &height, NULL, error))
    return NULL;

  /* GL rows go up; texture rows go down. */
  stride = (gsize) width * 4;
  row = g_malloc (stride);
  for (int y = 0; y < height / 2; y++)
    {
      guint8 *a = pixels + (gsize) y * stride;
      guint8 *b = pixels + (gsize) (height - 1 - y) * stride;

      memcpy (row, a, stride);
      memcpy (a, b, stride);
      memcpy (b, row, stride);
    }

  bytes = g_bytes_new_take (g_steal_pointer (&pixels), (gsize) height * stride);
  return gdk_memory_texture_new (width, height, GDK_MEMORY_R8G8B8A8, bytes, stride);
}

/**
 * cls_slice_view_time_draw:
 * @self: a realized #ClsSliceView
 * @error: return location for a #GError
 *
 * Draws the view once off-screen, as cls_slice_view_render_to_texture()
 * does but without reading it back, and waits until OpenGL has finished
 * (glFinish). For benchmarks: see cls_tri_planar_measure_frame_ms().
 *
 * Returns: the milliseconds the drawing took, or a negative number with
 *   @error set
 */
double
cls_slice_view_time_draw (ClsSliceView  *self,
                          GError       **error)
{
  double ms = 0;

  g_return_val_if_fail (CLS_IS_SLICE_VIEW (self), -1.0);
  g_return_val_if_fail (error == NULL || *error == NULL, -1.0);

  if (!draw_offscreen (self, NULL, NULL, NULL, &ms, error))
    return -1.0;
  return ms;
}
