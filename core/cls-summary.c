/* cls-summary.c
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "cls-error.h"
#include "cls-summary.h"

#define CHUNK 65536
#define GRID_TOLERANCE_MM 1e-3
#define MAX_REPORTED_LABELS 5

struct _ClsCaseSummary
{
  grefcount      ref_count;
  char          *case_id;
  char          *model;
  guint64        n_voxels;
  guint64        n_lesion;
  double        *lesion_desc;  /* sorted from largest */
  ClsCountIndex *counts;
  double         min;
  double         max;
  gboolean       float32;
};

void
cls_summary_options_init (ClsSummaryOptions *options)
{
  memset (options, 0, sizeof *options);
  options->label_value = 1.0;
  options->channel = -1;
}

static int
compare_desc (const void *a,
              const void *b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return (x < y) - (x > y);
}

static gboolean
all_float32 (const double *v,
             gsize         n)
{
  for (gsize i = 0; i < n; i++)
    if ((double) (float) v[i] != v[i])
      return FALSE;
  return TRUE;
}

/**
 * cls_case_summary_new:
 * @case_id: the case
 * @model: the model
 * @n_voxels: voxels in the volume
 * @lesion_probs: (array length=n_lesion): probabilities of the lesion voxels, any order
 * @n_lesion: how many
 * @counts: (transfer full): the count index of all @n_voxels probabilities
 *
 * Builds a summary from its parts (tests, benchmarks, summary files).
 *
 * Returns: (transfer full): the summary
 */
ClsCaseSummary *
cls_case_summary_new (const char    *case_id,
                      const char    *model,
                      guint64        n_voxels,
                      const double  *lesion_probs,
                      guint64        n_lesion,
                      ClsCountIndex *counts)
{
  ClsCaseSummary *self = g_new0 (ClsCaseSummary, 1);
  gsize nd = cls_count_index_get_n_distinct (counts);

  g_ref_count_init (&self->ref_count);
  self->case_id = g_strdup (case_id);
  self->model = g_strdup (model);
  self->n_voxels = n_voxels;
  self->n_lesion = n_lesion;
  self->lesion_desc = g_new (double, MAX (n_lesion, 1));
  if (n_lesion > 0)
    memcpy (self->lesion_desc, lesion_probs, n_lesion * sizeof (double));
  qsort (self->lesion_desc, n_lesion, sizeof (double), compare_desc);
  self->counts = counts;
  self->min = nd > 0 ? cls_count_index_get_value (counts, 0) : 0.0;
  self->max = nd > 0 ? cls_count_index_get_value (counts, nd - 1) : 0.0;

  self->float32 = all_float32 (self->lesion_desc, n_lesion);
  for (gsize i = 0; self->float32 && i < nd; i++)
    {
      double v = cls_count_index_get_value (counts, i);
      self->float32 = (double) (float) v == v;
    }

  return self;
}

static char *
format_dims (const ClsVolume *v)
{
  gint64 d[3];

  cls_volume_get_dims (v, d);
  return g_strdup_printf ("%" G_GINT64_FORMAT " × %" G_GINT64_FORMAT " × %" G_GINT64_FORMAT,
                          d[0], d[1], d[2]);
}

static double
max_affine_difference (const ClsVolume *a,
                       const ClsVolume *b)
{
  double ma[4][4], mb[4][4], worst = 0;

  cls_volume_get_affine (a, ma);
  cls_volume_get_affine (b, mb);
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 4; j++)
      worst = MAX (worst, fabs (ma[i][j] - mb[i][j]));

  return worst;
}

static gboolean
check_grids (const char       *case_id,
             const ClsVolume  *prob,
             const ClsVolume  *label,
             GError          **error)
{
  gint64 dp[3], dl[3];

  cls_volume_get_dims (prob, dp);
  cls_volume_get_dims (label, dl);

  if (dp[0] != dl[0] || dp[1] != dl[1] || dp[2] != dl[2])
    {
      g_autofree char *a = format_dims (prob);
      g_autofree char *b = format_dims (label);

      g_set_error (error, CLS_ERROR, CLS_ERROR_GRID_MISMATCH,
                   _("%s: the probability map %s (%s voxels) and the label %s (%s voxels) "
                     "do not share the voxel grid"),
                   case_id, cls_volume_get_path (prob), a, cls_volume_get_path (label), b);
      return FALSE;
    }

  if (!cls_volume_same_grid (prob, label, GRID_TOLERANCE_MM))
    {
      g_set_error (error, CLS_ERROR, CLS_ERROR_GRID_MISMATCH,
                   _("%s: the probability map %s and the label %s have different "
                     "voxel-to-world matrices (they differ by up to %.4g mm; at most %g mm is allowed)"),
                   case_id, cls_volume_get_path (prob), cls_volume_get_path (label),
                   max_affine_difference (prob, label), GRID_TOLERANCE_MM);
      return FALSE;
    }

  return TRUE;
}

/**
 * cls_case_summary_new_from_volumes:
 * @case_id: the case, for messages
 * @model: the model
 * @prob: the probability map (loaded)
 * @label: the ground truth (loaded)
 * @options: (nullable): label value, channel, logits
 * @error: return location for a #GError
 *
 * Reads both volumes once. Probabilities that are NaN, infinite or outside
 * [0, 1] are an error that says how many there are; nothing is clipped.
 *
 * Returns: (transfer full) (nullable): the summary
 */
ClsCaseSummary *
cls_case_summary_new_from_volumes (const char               *case_id,
                                   const char               *model,
                                   const ClsVolume          *prob,
                                   const ClsVolume          *label,
                                   const ClsSummaryOptions  *options,
                                   GError                  **error)
{
  g_autoptr(ClsCountIndexBuilder) builder = NULL;
  g_autofree double *pbuf = NULL;
  g_autofree double *lbuf = NULL;
  g_autoptr(GArray) lesion = NULL;
  ClsSummaryOptions defaults;
  guint64 n, n_nan = 0, n_below = 0, n_above = 0, n_odd_labels = 0;
  double odd_labels[MAX_REPORTED_LABELS];
  guint n_odd_distinct = 0;
  guint channel;
  ClsCaseSummary *self;

  if (options == NULL)
    {
      cls_summary_options_init (&defaults);
      options = &defaults;
    }

  if (!check_grids (case_id, prob, label, error))
    return NULL;

  if (cls_volume_get_n_channels (label) != 1)
    {
      g_set_error (error, CLS_ERROR, CLS_ERROR_BAD_LABEL,
                   _("%s: the label %s holds %u volumes; a label must be a single 3D volume"),
                   case_id, cls_volume_get_path (label), cls_volume_get_n_channels (label));
      return NULL;
    }

  if (options->channel < 0)
    {
      if (cls_volume_get_n_channels (prob) != 1)
        {
          g_set_error (error, CLS_ERROR, CLS_ERROR_INVALID_ARGUMENT,
                       _("%s: the probability map %s holds %u volumes (one per class); "
                         "choose the lesion class with --channel"),
                       case_id, cls_volume_get_path (prob), cls_volume_get_n_channels (prob));
          return NULL;
        }
      channel = 0;
    }
  else
    {
      if ((guint) options->channel >= cls_volume_get_n_channels (prob))
        {
          g_set_error (error, CLS_ERROR, CLS_ERROR_INVALID_ARGUMENT,
                       _("%s: channel %d asked for, but the probability map %s has %u (counting from 0)"),
                       case_id, options->channel, cls_volume_get_path (prob),
                       cls_volume_get_n_channels (prob));
          return NULL;
        }
      channel = (guint) options->channel;
    }

  n = cls_volume_get_n_voxels (prob);
  builder = cls_count_index_builder_new ();
  pbuf = g_new (double, CHUNK);
  lbuf = g_new (double, CHUNK);
  lesion = g_array_new (FALSE, FALSE, sizeof (double));

  for (guint64 first = 0; first < n; first += CHUNK)
    {
      gsize m = (gsize) MIN ((guint64) CHUNK, n - first);
      gsize ok = 0;

      cls_volume_read_doubles (prob, channel, first, m, pbuf);
      cls_volume_read_doubles (label, 0, first, m, lbuf);

      if (options->logits)
        for (gsize i = 0; i < m; i++)
          pbuf[i] = 1.0 / (1.0 + exp (-pbuf[i]));

      for (gsize i = 0; i < m; i++)
        {
          double p = pbuf[i];
          double l = lbuf[i];

          if (G_UNLIKELY (!(p >= 0.0 && p <= 1.0)))
            {
              if (isnan (p) || isinf (p))
                n_nan++;
              else if (p < 0)
                n_below++;
              else
                n_above++;
              continue;
            }

          /* -0.0 is 0; keep one zero. */
          pbuf[ok++] = p == 0.0 ? 0.0 : p;

          if (options->label_value_set)
            {
              if (l == options->label_value)
                g_array_append_val (lesion, p);
            }
          else if (l == 1.0)
            g_array_append_val (lesion, p);
          else if (G_UNLIKELY (l != 0.0))
            {
              gboolean seen = FALSE;

              n_odd_labels++;
              for (guint k = 0; k < n_odd_distinct; k++)
                seen |= (odd_labels[k] == l || (isnan (l) && isnan (odd_labels[k])));
              if (!seen && n_odd_distinct < MAX_REPORTED_LABELS)
                odd_labels[n_odd_distinct++] = l;
            }
        }

      cls_count_index_builder_add (builder, pbuf, ok);
    }

  if (n_nan + n_below + n_above > 0)
    {
      g_autoptr(GString) what = g_string_new (NULL);

      if (n_nan > 0)
        g_string_append_printf (what, _("%" G_GUINT64_FORMAT " NaN or infinite"), n_nan);
      if (n_below > 0)
        g_string_append_printf (what, "%s" "%" G_GUINT64_FORMAT " %s", what->len ? ", " : "",
                                n_below, _("below 0"));
      if (n_above > 0)
        g_string_append_printf (what, "%s" "%" G_GUINT64_FORMAT " %s", what->len ? ", " : "",
                                n_above, _("above 1"));

      g_set_error (error, CLS_ERROR, CLS_ERROR_BAD_PROBABILITY,
                   _("%s: the probability map %s has %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT
                     " voxels that are not probabilities (%s); probabilities must lie in [0, 1]%s"),
                   case_id, cls_volume_get_path (prob), n_nan + n_below + n_above, n,
                   what->str,
                   options->logits ? "" : _(" (if the map holds logits, use --logits)"));
      return NULL;
    }

  if (n_odd_labels > 0)
    {
      g_autoptr(GString) values = g_string_new (NULL);

      for (guint k = 0; k < n_odd_distinct; k++)
        {
          char buf[G_ASCII_DTOSTR_BUF_SIZE];
          g_string_append_printf (values, "%s%s", k ? ", " : "",
                                  g_ascii_formatd (buf, sizeof buf, "%g", odd_labels[k]));
        }

      g_set_error (error, CLS_ERROR, CLS_ERROR_BAD_LABEL,
                   _("%s: the label %s has %" G_GUINT64_FORMAT " voxels with values other than 0 and 1 "
                     "(%s%s); say which value marks the lesion with --label-value"),
                   case_id, cls_volume_get_path (label), n_odd_labels, values->str,
                   n_odd_distinct == MAX_REPORTED_LABELS ? ", …" : "");
      return NULL;
    }

  self = cls_case_summary_new (case_id, model, n,
                               (const double *) (gpointer) lesion->data, lesion->len,
                               cls_count_index_builder_finish (builder));
  return self;
}

ClsCaseSummary *
cls_case_summary_ref (ClsCaseSummary *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_ref_count_inc (&self->ref_count);
  return self;
}

void
cls_case_summary_unref (ClsCaseSummary *self)
{
  if (self == NULL || !g_ref_count_dec (&self->ref_count))
    return;

  g_free (self->case_id);
  g_free (self->model);
  g_free (self->lesion_desc);
  cls_count_index_free (self->counts);
  g_free (self);
}

const char *
cls_case_summary_get_case_id (const ClsCaseSummary *self)
{
  return self->case_id;
}

const char *
cls_case_summary_get_model (const ClsCaseSummary *self)
{
  return self->model;
}

guint64
cls_case_summary_get_n_voxels (const ClsCaseSummary *self)
{
  return self->n_voxels;
}

guint64
cls_case_summary_get_n_lesion (const ClsCaseSummary *self)
{
  return self->n_lesion;
}

/**
 * cls_case_summary_get_lesion_probs:
 * @self: a summary
 *
 * Returns: (array) (transfer none): the lesion probabilities, largest first
 */
const double *
cls_case_summary_get_lesion_probs (const ClsCaseSummary *self)
{
  return self->lesion_desc;
}

const ClsCountIndex *
cls_case_summary_get_counts (const ClsCaseSummary *self)
{
  return self->counts;
}

double
cls_case_summary_get_min (const ClsCaseSummary *self)
{
  return self->min;
}

double
cls_case_summary_get_max (const ClsCaseSummary *self)
{
  return self->max;
}

/**
 * cls_case_summary_is_float32:
 * @self: a summary
 *
 * Returns: whether every stored probability is a float32 value, so that nine
 *   significant digits print it exactly
 */
gboolean
cls_case_summary_is_float32 (const ClsCaseSummary *self)
{
  return self->float32;
}

gsize
cls_case_summary_get_memory_size (const ClsCaseSummary *self)
{
  return sizeof *self + MAX (self->n_lesion, 1) * sizeof (double) +
         cls_count_index_get_memory_size (self->counts);
}

/**
 * cls_case_summary_get_value_map:
 * @self: a summary
 * @normalize: the normalisation
 * @map: (out caller-allocates): the map to use in queries
 *
 * The authors' min-max normalisation maps a constant map to all zeros.
 */
void
cls_case_summary_get_value_map (const ClsCaseSummary *self,
                                ClsNormalize          normalize,
                                ClsValueMap          *map)
{
  map->active = normalize == CLS_NORMALIZE_MINMAX;
  map->offset = self->min;
  map->scale = self->max > self->min ? self->max - self->min : 0.0;
}

/**
 * cls_case_summary_lesion_value:
 * @self: a summary
 * @map: (nullable): value map
 * @rank: 1-based rank from the largest, 1 <= rank <= G
 *
 * Returns: the @rank-th largest lesion probability (mapped)
 */
double
cls_case_summary_lesion_value (const ClsCaseSummary *self,
                               const ClsValueMap    *map,
                               guint64               rank)
{
  g_return_val_if_fail (rank >= 1 && rank <= self->n_lesion, NAN);

  return cls_value_map_apply (map, self->lesion_desc[rank - 1]);
}

/**
 * cls_case_summary_lesion_at_least:
 * @self: a summary
 * @map: (nullable): value map
 * @cut: a probability cut
 *
 * Returns: how many lesion voxels have p >= @cut (are in the mask)
 */
guint64
cls_case_summary_lesion_at_least (const ClsCaseSummary *self,
                                  const ClsValueMap    *map,
                                  double                cut)
{
  guint64 lo = 0, hi = self->n_lesion;

  while (lo < hi)
    {
      guint64 mid = lo + (hi - lo) / 2;

      if (cls_value_map_apply (map, self->lesion_desc[mid]) >= cut)
        lo = mid + 1;
      else
        hi = mid;
    }

  return lo;
}

/**
 * cls_case_summary_lesion_above:
 * @self: a summary
 * @map: (nullable): value map
 * @cut: a probability cut
 *
 * Returns: how many lesion voxels have p > @cut (strictly; the authors'
 *   calibration code uses this comparison)
 */
guint64
cls_case_summary_lesion_above (const ClsCaseSummary *self,
                               const ClsValueMap    *map,
                               double                cut)
{
  guint64 lo = 0, hi = self->n_lesion;

  while (lo < hi)
    {
      guint64 mid = lo + (hi - lo) / 2;

      if (cls_value_map_apply (map, self->lesion_desc[mid]) > cut)
        lo = mid + 1;
      else
        hi = mid;
    }

  return lo;
}

/**
 * cls_case_summary_voxels_at_least:
 * @self: a summary
 * @map: (nullable): value map
 * @cut: a probability cut
 *
 * Returns: how many voxels of the whole volume have p >= @cut
 */
guint64
cls_case_summary_voxels_at_least (const ClsCaseSummary *self,
                                  const ClsValueMap    *map,
                                  double                cut)
{
  return cls_count_index_count_at_least (self->counts, map, cut);
}
