/* cls-slice-volumes.c
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <epoxy/gl.h>
#include <glib/gi18n.h>

#include "cls-error.h"
#include "cls-slice-volumes-private.h"

#define GRID_TOLERANCE_MM   1e-3
#define UPLOAD_VOXELS       (1 << 22)   /* voxels converted and sent per glTexSubImage3D */
#define PERCENTILE_SAMPLES  (1 << 18)
#define OBLIQUE_COSINE      (1.0 - 1e-6)
#define CT_AIR_HU           -500.0

struct _ClsSliceVolumes
{
  gatomicrefcount ref_count;
  ClsVolume    *volumes[CLS_N_SLICE_SOURCES];   /* image, probability, label; any may be NULL */
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
  GLuint        textures[CLS_N_SLICE_SOURCES];
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
  ClsVolume *image = self->volumes[CLS_SLICE_SOURCE_IMAGE];
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
  ClsVolume *label = self->volumes[CLS_SLICE_SOURCE_LABEL];
  ClsVolume *prob = self->volumes[CLS_SLICE_SOURCE_PROB];
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
  ClsVolume *given[CLS_N_SLICE_SOURCES] = { image, probability, label };
  ClsVolume *reference;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (image == NULL && probability == NULL)
    {
      g_set_error_literal (error, CLS_ERROR, CLS_ERROR_INVALID_ARGUMENT,
                           _("Nothing to show: the case has neither an image nor a probability map"));
      return NULL;
    }

  reference = probability != NULL ? probability : image;
  for (int t = 0; t < CLS_N_SLICE_SOURCES; t++)
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
  g_atomic_ref_count_init (&self->ref_count);
  for (int t = 0; t < CLS_N_SLICE_SOURCES; t++)
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

  g_atomic_ref_count_inc (&self->ref_count);
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

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  if (self->gl_context != NULL)
    {
      gdk_gl_context_make_current (self->gl_context);
      glDeleteTextures (CLS_N_SLICE_SOURCES, self->textures);
      gdk_gl_context_clear_current ();
      g_clear_object (&self->gl_context);
    }
  g_clear_error (&self->gl_error);
  for (int t = 0; t < CLS_N_SLICE_SOURCES; t++)
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
  return self->volumes[CLS_SLICE_SOURCE_IMAGE];
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
  return self->volumes[CLS_SLICE_SOURCE_PROB];
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
  return self->volumes[CLS_SLICE_SOURCE_LABEL];
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
  double values[CLS_N_SLICE_SOURCES] = { 0, 0, 0 };
  guint64 offset;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  memset (out, 0, sizeof *out);
  for (int i = 0; i < 3; i++)
    if (index[i] < 0 || index[i] >= self->dims[i])
      return FALSE;

  offset = (guint64) index[0] + (guint64) self->dims[0] * ((guint64) index[1] + (guint64) self->dims[1] * (guint64) index[2]);
  for (int t = 0; t < CLS_N_SLICE_SOURCES; t++)
    if (self->volumes[t] != NULL)
      cls_volume_read_doubles (self->volumes[t], 0, offset, 1, &values[t]);

  memcpy (out->index, index, sizeof out->index);
  for (int r = 0; r < 3; r++)
    out->position[r] = self->affine[r][0] * (double) index[0] + self->affine[r][1] * (double) index[1]
                       + self->affine[r][2] * (double) index[2] + self->affine[r][3];

  out->has_image = self->volumes[CLS_SLICE_SOURCE_IMAGE] != NULL;
  out->intensity = values[CLS_SLICE_SOURCE_IMAGE];
  out->has_probability = self->volumes[CLS_SLICE_SOURCE_PROB] != NULL;
  out->probability = values[CLS_SLICE_SOURCE_PROB];
  out->has_label = self->volumes[CLS_SLICE_SOURCE_LABEL] != NULL;
  out->label = values[CLS_SLICE_SOURCE_LABEL];
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

  g_string_append_printf (text, _("%.1f, %.1f, %.1f mm  [%" PRId64 ", %" PRId64 ", %" PRId64 "]"),
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

/**
 * cls_slice_check_gl:
 * @what: what was being made, for the message ("the volume textures")
 * @error: return location for a #GError
 *
 * Reads and clears the OpenGL error flags of the current context.
 *
 * Returns: %FALSE with @error set when OpenGL reported an error
 */
gboolean
cls_slice_check_gl (const char  *what,
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

/**
 * cls_slice_texture_texels_only:
 * @target: the target of the texture bound (GL_TEXTURE_2D, GL_TEXTURE_3D)
 *
 * Makes the bound texture one of texels, read with texelFetch: nearest,
 * clamped, one level (an integer texture needs that to be complete).
 */
void
cls_slice_texture_texels_only (GLenum target)
{
  glTexParameteri (target, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
  glTexParameteri (target, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
  glTexParameteri (target, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexParameteri (target, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
  glTexParameteri (target, GL_TEXTURE_WRAP_R, GL_CLAMP_TO_EDGE);
  glTexParameteri (target, GL_TEXTURE_BASE_LEVEL, 0);
  glTexParameteri (target, GL_TEXTURE_MAX_LEVEL, 0);
}

/* Slices [z, z + depth) of the label as the bits of its texture (see
 * ClsSliceSource): whether each voxel and its six neighbours are lesion
 * voxels, nothing outside the volume. @values and @lesions have room for
 * depth + 2 slices. */
static void
label_bits (ClsVolume    *volume,
            const gint64  size[3],
            gint64        z,
            gint64        depth,
            float        *values,
            guint8       *lesions,
            guint8       *bits)
{
  gint64 nx = size[0], ny = size[1];
  guint64 slice = (guint64) nx * (guint64) ny;
  gint64 first = MAX (z - 1, 0), last = MIN (z + depth, size[2] - 1);
  guint64 count = slice * (guint64) (last - first + 1);
  guint8 *read = lesions + (guint64) (first - (z - 1)) * slice;

  /* lesions holds slices z - 1 to z + depth, zero beyond the volume. */
  memset (lesions, 0, slice * (guint64) (depth + 2));
  cls_volume_read_floats (volume, 0, (guint64) first * slice, count, values);
  for (guint64 v = 0; v < count; v++)
    read[v] = is_lesion (values[v]);

  for (gint64 k = 0; k < depth; k++)
    for (gint64 j = 0; j < ny; j++)
      {
        const guint8 *row = lesions + (guint64) (k + 1) * slice + (guint64) (j * nx);
        guint8 *out = bits + (guint64) k * slice + (guint64) (j * nx);

        for (gint64 i = 0; i < nx; i++)
          {
            const guint8 *here = row + i;

            out[i] = (guint8) (here[0]
                               | (i + 1 < nx ? here[1] : 0) << 1
                               | (i > 0 ? here[-1] : 0) << 2
                               | (j + 1 < ny ? here[nx] : 0) << 3
                               | (j > 0 ? here[-nx] : 0) << 4
                               | here[slice] << 5
                               | here[-(gint64) slice] << 6);
          }
      }
}

/* One 3D texture, sent slab by slab so that no full float copy of the
 * volume is ever held: R32F for the image and the probabilities (read back
 * with texelFetch, never filtered), R8UI for the label (see
 * ClsSliceSource). */
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
  g_autofree guint8 *lesions = NULL;
  g_autofree guint8 *bits = NULL;

  glBindTexture (GL_TEXTURE_3D, texture);
  cls_slice_texture_texels_only (GL_TEXTURE_3D);
  glTexImage3D (GL_TEXTURE_3D, 0, internal, (GLsizei) size[0], (GLsizei) size[1], (GLsizei) size[2],
                0, format, type, NULL);
  if (!cls_slice_check_gl (_("the volume textures"), error))
    return FALSE;

  slab = MIN (slab, size[2]);
  values = g_new0 (float, slice * (guint64) (slab + (is_label ? 2 : 0)));
  if (is_label)
    {
      lesions = g_new0 (guint8, slice * (guint64) (slab + 2));
      bits = g_new0 (guint8, slice * (guint64) slab);
    }

  for (gint64 z = 0; z < size[2]; z += slab)
    {
      gint64 depth = MIN (slab, size[2] - z);

      if (is_label && volume != NULL)
        label_bits (volume, size, z, depth, values, lesions, bits);
      else if (volume != NULL)
        cls_volume_read_floats (volume, 0, (guint64) z * slice, slice * (guint64) depth, values);

      glTexSubImage3D (GL_TEXTURE_3D, 0, 0, 0, (GLint) z,
                       (GLsizei) size[0], (GLsizei) size[1], (GLsizei) depth,
                       format, type, is_label ? (const void *) bits : (const void *) values);
      if (!cls_slice_check_gl (_("the volume textures"), error))
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
                     _("The volume (%" PRId64 " × %" PRId64 " × %" PRId64
                       " voxels) is larger than this GPU’s 3D textures (%d per side): the slices cannot be shown"),
                     self->dims[0], self->dims[1], self->dims[2], (int) max_size);
        gdk_gl_context_clear_current ();
        return FALSE;
      }

  start = g_get_monotonic_time ();
  glPixelStorei (GL_UNPACK_ALIGNMENT, 1);
  glGenTextures (CLS_N_SLICE_SOURCES, self->textures);
  for (int t = 0; t < CLS_N_SLICE_SOURCES && ok; t++)
    ok = upload_texture (self->textures[t], self->volumes[t], t == CLS_SLICE_SOURCE_LABEL, self->dims, error);
  glBindTexture (GL_TEXTURE_3D, 0);

  if (!ok)
    {
      glDeleteTextures (CLS_N_SLICE_SOURCES, self->textures);
      memset (self->textures, 0, sizeof self->textures);
      gdk_gl_context_clear_current ();
      return FALSE;
    }

  /* Complete before another context samples them. */
  glFinish ();
  g_debug ("Volume textures (%" PRId64 " × %" PRId64 " × %" PRId64
           ") uploaded in %.0f ms", self->dims[0], self->dims[1], self->dims[2],
           (double) (g_get_monotonic_time () - start) / 1000.0);
  self->gl_context = g_steal_pointer (&context);
  return TRUE;
}

/**
 * cls_slice_volumes_ensure_textures:
 * @self: a #ClsSliceVolumes
 * @view_context: the context of the view that is about to draw
 * @error: return location for a #GError
 *
 * Makes the 3D textures on first use, in a context of the volumes' own that
 * shares objects with @view_context. @view_context is current on return.
 *
 * Returns: whether the textures are there
 */
gboolean
cls_slice_volumes_ensure_textures (ClsSliceVolumes  *self,
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

/**
 * cls_slice_volumes_get_spacing:
 * @self: a #ClsSliceVolumes
 * @spacing: (out caller-allocates) (array fixed-size=3): millimetres per
 *   voxel along each voxel axis (1 where the header gives none)
 */
void
cls_slice_volumes_get_spacing (ClsSliceVolumes *self,
                               double           spacing[3])
{
  g_return_if_fail (self != NULL);
  memcpy (spacing, self->spacing, sizeof self->spacing);
}

/**
 * cls_slice_volumes_get_anatomical_axes:
 * @self: a #ClsSliceVolumes
 * @axis: (out caller-allocates) (array fixed-size=3): for each world axis
 *   (0 = R, 1 = A, 2 = S), the voxel axis nearest to it
 * @sign: (out caller-allocates) (array fixed-size=3): +1 where that voxel
 *   index grows towards R, A or S, -1 where it grows away
 *
 * As aff2axcodes() reads the affine; voxel axes taken as R, A, S when the
 * affine says nothing (see cls_slice_volumes_get_orientation_note()).
 */
void
cls_slice_volumes_get_anatomical_axes (ClsSliceVolumes *self,
                                       int              axis[3],
                                       int              sign[3])
{
  g_return_if_fail (self != NULL);
  memcpy (axis, self->axis, sizeof self->axis);
  memcpy (sign, self->sign, sizeof self->sign);
}

/**
 * cls_slice_volumes_get_sources:
 * @self: a #ClsSliceVolumes
 *
 * Returns: which volumes there are: bit `1 << s` for each #ClsSliceSource s
 */
guint
cls_slice_volumes_get_sources (ClsSliceVolumes *self)
{
  guint sources = 0;

  g_return_val_if_fail (self != NULL, 0);
  for (int s = 0; s < CLS_N_SLICE_SOURCES; s++)
    if (self->volumes[s] != NULL)
      sources |= 1u << s;
  return sources;
}

/**
 * cls_slice_volumes_get_texture:
 * @self: a #ClsSliceVolumes whose textures are made
 * @source: which volume
 *
 * Returns: its 3D texture (a 1 x 1 x 1 one for a volume that is missing)
 */
guint
cls_slice_volumes_get_texture (ClsSliceVolumes *self,
                               ClsSliceSource   source)
{
  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (source < CLS_N_SLICE_SOURCES, 0);
  return self->textures[source];
}
