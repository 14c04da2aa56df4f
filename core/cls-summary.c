/* cls-summary.c
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <inttypes.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "cls-calibration.h"
#include "cls-components.h"
#include "cls-error.h"
#include "cls-summary.h"

#define CHUNK 65536
#define BLOCK 16
#define GRID_TOLERANCE_MM 1e-3
#define MAX_REPORTED_LABELS 5

/* One block per case: this header (what every query reads first, in one
 * 128-byte-aligned pair of cache lines), then the count index, then the
 * lesion probabilities. A loop over many cases then touches few places
 * per case. */
struct _ClsCaseSummary
{
  gsize          hint;            /* where the last lesion search ended */
  guint64        n_voxels;
  guint64        n_lesion;
  gpointer       lesion;          /* sorted from largest, floats or doubles */
  ClsCountIndex *counts;          /* in this block */
  double         min;
  double         max;
  guint8         wide;            /* lesion values are doubles (else floats) */
  guint8         float32;
  gatomicrefcount ref_count;
  guint64        found_fixed;     /* lesion voxels with p >= CLS_FIXED_CUT */
  guint64        pos_fixed;       /* voxels with p >= CLS_FIXED_CUT */
  char          *case_id;
  char          *model;
  double        *lesion_doubles;  /* for cls_case_summary_get_lesion_probs(), made on demand */
  ClsComponents *components;      /* the lesions (nullable), read by the lesion loss only */
};

/* What every query reads stays in one pair of cache lines. */
G_STATIC_ASSERT (sizeof (ClsCaseSummary) <= 128);

#define HEADER_BYTES (((sizeof (ClsCaseSummary) + 127) / 128) * 128)

void
cls_summary_options_init (ClsSummaryOptions *options)
{
  memset (options, 0, sizeof *options);
  options->label_value = 1.0;
  options->channel = -1;
}

static inline double
lesion_at (const ClsCaseSummary *self,
           guint64               i)
{
  return self->wide ? ((const double *) self->lesion)[i] : (double) ((const float *) self->lesion)[i];
}

/* Takes @lesion (sorted from largest) and @counts, and copies them into
 * the summary's block. */
static ClsCaseSummary *
summary_new (const char    *case_id,
             const char    *model,
             guint64        n_voxels,
             gpointer       lesion,
             gboolean       wide,
             guint64        n_lesion,
             ClsCountIndex *counts)
{
  gsize index_bytes = (cls_count_index_get_block_size (counts) + 15) & ~(gsize) 15;
  gsize lesion_bytes = MAX (n_lesion, 1) * (wide ? sizeof (double) : sizeof (float));
  guint8 *block = g_aligned_alloc (1, HEADER_BYTES + index_bytes + lesion_bytes, 128);
  ClsCaseSummary *self = (ClsCaseSummary *) block;
  gsize nd = cls_count_index_get_n_distinct (counts);

  memset (self, 0, sizeof *self);
  g_atomic_ref_count_init (&self->ref_count);
  self->case_id = g_strdup (case_id);
  self->model = g_strdup (model);
  self->n_voxels = n_voxels;
  self->n_lesion = n_lesion;
  self->wide = wide;
  self->counts = cls_count_index_copy_to (counts, block + HEADER_BYTES);
  self->lesion = block + HEADER_BYTES + index_bytes;
  if (n_lesion > 0)
    memcpy (self->lesion, lesion, n_lesion * (wide ? sizeof (double) : sizeof (float)));
  g_free (lesion);
  cls_count_index_free (counts);
  counts = self->counts;

  self->min = nd > 0 ? cls_count_index_get_value (counts, 0) : 0.0;
  self->max = nd > 0 ? cls_count_index_get_value (counts, nd - 1) : 0.0;
  self->float32 = !wide && cls_count_index_is_float32 (counts);
  self->found_fixed = cls_sorted_first (self->lesion, wide, n_lesion, CLS_FIRST_BELOW, NULL, CLS_FIXED_CUT, 0);
  self->pos_fixed = cls_count_index_count_at_least (counts, NULL, CLS_FIXED_CUT);

  return self;
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
 * Builds a summary from its parts (tests, benchmarks). Lesion probabilities
 * that are all float32 values are kept in 4 bytes each.
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
  gboolean narrow = TRUE;
  gpointer lesion;

  for (guint64 i = 0; narrow && i < n_lesion; i++)
    narrow = (double) (float) lesion_probs[i] == lesion_probs[i] || isnan (lesion_probs[i]);

  if (narrow)
    {
      float *f = g_new (float, MAX (n_lesion, 1));

      for (guint64 i = 0; i < n_lesion; i++)
        f[i] = (float) lesion_probs[i];
      lesion = f;
    }
  else
    lesion = g_memdup2 (lesion_probs, MAX (n_lesion, 1) * sizeof (double));

  cls_sort_probabilities (lesion, n_lesion, !narrow, TRUE);
  return summary_new (case_id, model, n_voxels, lesion, !narrow, n_lesion, counts);
}

/**
 * cls_case_summary_new_sorted:
 * @case_id: the case
 * @model: the model
 * @n_voxels: voxels in the volume
 * @lesion: (transfer full): the lesion probabilities sorted from largest,
 *   allocated with g_malloc(): floats, or doubles when @wide
 * @wide: whether @lesion holds doubles
 * @n_lesion: how many
 * @counts: (transfer full): the count index of all @n_voxels probabilities
 *
 * Builds a summary from parts that are already in order (summary files).
 *
 * Returns: (transfer full) (nullable): the summary, or %NULL (and @lesion
 *   and @counts freed) when @lesion is not sorted from largest
 */
ClsCaseSummary *
cls_case_summary_new_sorted (const char    *case_id,
                             const char    *model,
                             guint64        n_voxels,
                             gpointer       lesion,
                             gboolean       wide,
                             guint64        n_lesion,
                             ClsCountIndex *counts)
{
  for (guint64 i = 1; i < n_lesion; i++)
    {
      double a = wide ? ((double *) lesion)[i - 1] : ((float *) lesion)[i - 1];
      double b = wide ? ((double *) lesion)[i] : ((float *) lesion)[i];

      if (!(a >= b))
        {
          g_free (lesion);
          cls_count_index_free (counts);
          g_return_val_if_reached (NULL);
        }
    }

  return summary_new (case_id, model, n_voxels, lesion, wide, n_lesion, counts);
}

static char *
format_dims (const ClsVolume *v)
{
  gint64 d[3];

  cls_volume_get_dims (v, d);
  return g_strdup_printf ("%" PRId64 " × %" PRId64 " × %" PRId64,
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

/* Scanning the voxels
 * -------------------
 *
 * One pass over the map and the label: values that are not probabilities
 * and label values that are neither 0 nor 1 are counted for the message;
 * exact zeros are only counted; every other value goes to the count index
 * builder; lesion voxels' values are collected. The common case, a float32
 * map with a uint8 label, is read straight from the volumes' memory, 16
 * voxels at a time when they are all background zeros; anything else is
 * converted chunk by chunk. */

typedef struct {
  const ClsSummaryOptions *options;
  ClsCountIndexBuilder    *builder;
  GArray                  *lesion;    /* floats, or doubles when wide */
  GArray                  *positions; /* guint64: each lesion voxel's index, ascending */
  gboolean                 wide;
  guint64                  n_nan;
  guint64                  n_below;
  guint64                  n_above;
  guint64                  n_odd_labels;
  double                   odd_labels[MAX_REPORTED_LABELS];
  guint                    n_odd_distinct;
} Scan;

static void
note_odd_label (Scan   *scan,
                double  l)
{
  gboolean seen = FALSE;

  scan->n_odd_labels++;
  for (guint k = 0; k < scan->n_odd_distinct; k++)
    seen |= (scan->odd_labels[k] == l || (isnan (l) && isnan (scan->odd_labels[k])));
  if (!seen && scan->n_odd_distinct < MAX_REPORTED_LABELS)
    scan->odd_labels[scan->n_odd_distinct++] = l;
}

static void
note_bad_probability (Scan   *scan,
                      double  p)
{
  if (isnan (p) || isinf (p))
    scan->n_nan++;
  else if (p < 0)
    scan->n_below++;
  else
    scan->n_above++;
}

/* Whether label value @l marks a lesion; notes a value that is neither 0
 * nor 1 when the user did not say which value marks the lesion. */
static inline gboolean
label_is_lesion (Scan   *scan,
                 double  l)
{
  if (scan->options->label_value_set)
    return l == scan->options->label_value;
  if (l == 1.0)
    return TRUE;
  if (G_UNLIKELY (l != 0.0))
    note_odd_label (scan, l);
  return FALSE;
}

/* Any map, any label: through doubles, as the values are defined. */
static void
scan_generic (Scan            *scan,
              const ClsVolume *prob,
              guint            channel,
              const ClsVolume *label,
              guint64          n)
{
  g_autofree double *pbuf = g_new (double, CHUNK);
  g_autofree double *lbuf = g_new (double, CHUNK);

  for (guint64 first = 0; first < n; first += CHUNK)
    {
      gsize m = (gsize) MIN ((guint64) CHUNK, n - first);
      gsize ok = 0;

      cls_volume_read_doubles (prob, channel, first, m, pbuf);
      cls_volume_read_doubles (label, 0, first, m, lbuf);

      if (scan->options->logits)
        for (gsize i = 0; i < m; i++)
          pbuf[i] = 1.0 / (1.0 + exp (-pbuf[i]));

      for (gsize i = 0; i < m; i++)
        {
          double p = pbuf[i];

          if (G_UNLIKELY (!(p >= 0.0 && p <= 1.0)))
            {
              note_bad_probability (scan, p);
              continue;
            }

          /* -0.0 is 0; keep one zero. */
          pbuf[ok++] = p == 0.0 ? 0.0 : p;
          if (label_is_lesion (scan, lbuf[i]))
            {
              guint64 at = first + i;

              g_array_append_val (scan->lesion, p);
              g_array_append_val (scan->positions, at);
            }
        }

      cls_count_index_builder_add (scan->builder, pbuf, ok);
    }
}

#define ONE_BITS 0x3f800000u   /* 1.0f */
#define SIGN_BIT 0x80000000u

static inline float
bits_float (guint32 b)
{
  float f;
  memcpy (&f, &b, sizeof f);
  return f;
}

static void
note_bad_bits (Scan    *scan,
               guint32  b)
{
  note_bad_probability (scan, bits_float (b));
}

/* A float32 map without scaling, read in place. @classes holds per voxel
 * the label byte; @lesion_byte (0..255, or -1 for none) marks the lesion;
 * other non-zero bytes are noted as odd label values when @note_odd. */
static void
scan_float32 (Scan          *scan,
              const guint32 *bits,
              const guint8  *classes,
              guint64        n,
              int            lesion_byte,
              gboolean       note_odd)
{
  g_autofree float *values = g_new (float, CHUNK);
  gboolean skip_blocks = lesion_byte != 0;

  for (guint64 first = 0; first < n; first += CHUNK)
    {
      gsize m = (gsize) MIN ((guint64) CHUNK, n - first);
      const guint32 *p = bits + first;
      const guint8 *l = classes + first;
      guint64 zeros = 0;
      gsize nv = 0;

      for (gsize i = 0; i < m;)
        {
          gsize end = MIN (i + BLOCK, m);

          if (skip_blocks && end - i == BLOCK)
            {
              guint32 any = 0, labels = 0, top = 0;

              for (gsize j = 0; j < BLOCK; j++)
                {
                  any |= p[i + j];
                  labels |= l[i + j];
                  top = MAX (top, p[i + j]);
                }
              if ((any | labels) == 0)
                {
                  zeros += BLOCK;
                  i = end;
                  continue;
                }
              if (labels == 0 && top <= ONE_BITS)
                {
                  gsize nv0 = nv;

                  /* Background probabilities, all valid: keep the non-zero ones. */
                  for (gsize j = 0; j < BLOCK; j++)
                    {
                      values[nv] = bits_float (p[i + j]);
                      nv += p[i + j] != 0;
                    }
                  zeros += BLOCK - (nv - nv0);
                  i = end;
                  continue;
                }
            }

          for (; i < end; i++)
            {
              guint32 b = p[i];
              int lv = l[i];

              if (G_UNLIKELY (b > ONE_BITS))
                {
                  if (b != SIGN_BIT)
                    {
                      note_bad_bits (scan, b);
                      continue;
                    }
                  b = 0;  /* -0.0 is 0 */
                }

              if (b != 0)
                values[nv++] = bits_float (b);
              else
                zeros++;

              if (lv == lesion_byte)
                {
                  float f = bits_float (b);
                  guint64 at = first + i;

                  g_array_append_val (scan->lesion, f);
                  g_array_append_val (scan->positions, at);
                }
              else if (G_UNLIKELY (lv != 0) && note_odd)
                note_odd_label (scan, lv);
            }
        }

      cls_count_index_builder_add_zeros (scan->builder, zeros);
      cls_count_index_builder_add_floats (scan->builder, values, nv);
    }
}

/* Label bytes for scan_float32() from any label: 1 lesion, 0 not, 2 a value
 * that is neither 0 nor 1 (noted here). */
static guint8 *
label_classes (Scan            *scan,
               const ClsVolume *label,
               guint64          n)
{
  g_autofree double *lbuf = g_new (double, CHUNK);
  guint8 *classes = g_try_malloc (MAX (n, 1));

  if (classes == NULL)
    return NULL;

  for (guint64 first = 0; first < n; first += CHUNK)
    {
      gsize m = (gsize) MIN ((guint64) CHUNK, n - first);

      cls_volume_read_doubles (label, 0, first, m, lbuf);
      for (gsize i = 0; i < m; i++)
        {
          guint64 odd_before = scan->n_odd_labels;

          classes[first + i] = label_is_lesion (scan, lbuf[i]) ? 1 : scan->n_odd_labels != odd_before ? 2 : 0;
        }
    }

  return classes;
}

static gboolean
is_plain (const ClsVolume *v,
          ClsDatatype      type)
{
  return cls_volume_get_datatype (v) == type && !cls_volume_get_scaling (v, NULL, NULL);
}

static void
scan_volumes (Scan            *scan,
              const ClsVolume *prob,
              guint            channel,
              const ClsVolume *label,
              guint64          n)
{
  const ClsSummaryOptions *o = scan->options;
  const guint32 *bits;
  g_autofree guint8 *classes = NULL;

  if (!is_plain (prob, CLS_DATATYPE_FLOAT32) || o->logits)
    {
      scan->wide = TRUE;
      g_array_unref (scan->lesion);
      scan->lesion = g_array_new (FALSE, FALSE, sizeof (double));
      scan_generic (scan, prob, channel, label, n);
      return;
    }

  bits = (const guint32 *) cls_volume_get_data ((ClsVolume *) prob) + (guint64) channel * n;

  if (is_plain (label, CLS_DATATYPE_UINT8))
    {
      const guint8 *bytes = cls_volume_get_data ((ClsVolume *) label);
      int lesion_byte = 1;

      if (o->label_value_set)
        lesion_byte = o->label_value >= 0 && o->label_value <= 255 &&
                      o->label_value == floor (o->label_value) ? (int) o->label_value : -1;
      scan_float32 (scan, bits, bytes, n, lesion_byte, !o->label_value_set);
      return;
    }

  classes = label_classes (scan, label, n);
  if (classes == NULL)
    {
      /* No room for a byte per voxel: the slow way. */
      scan->n_odd_labels = scan->n_odd_distinct = 0;
      scan->wide = TRUE;
      g_array_unref (scan->lesion);
      scan->lesion = g_array_new (FALSE, FALSE, sizeof (double));
      scan_generic (scan, prob, channel, label, n);
      return;
    }
  scan_float32 (scan, bits, classes, n, 1, FALSE);
}

/* The lesions: the components of the lesion voxels, with their values in
 * the width the summary will keep them in. */
static ClsComponents *
new_components (const Scan      *scan,
                const ClsVolume *prob)
{
  g_autofree float *narrow = NULL;
  gconstpointer values = scan->lesion->data;
  gboolean wide = scan->wide;
  double affine[4][4];
  gint64 dims[3];

  if (wide)
    {
      const double *v = (const double *) (gconstpointer) scan->lesion->data;
      gboolean fits = TRUE;

      for (guint i = 0; fits && i < scan->lesion->len; i++)
        fits = (double) (float) v[i] == v[i];
      if (fits)
        {
          narrow = g_new (float, MAX (scan->lesion->len, 1));
          for (guint i = 0; i < scan->lesion->len; i++)
            narrow[i] = (float) v[i];
          values = narrow;
          wide = FALSE;
        }
    }

  cls_volume_get_dims (prob, dims);
  cls_volume_get_affine (prob, affine);
  return cls_components_new_from_voxels ((const guint64 *) (gconstpointer) scan->positions->data, values,
                                         wide, scan->lesion->len, dims,
                                         cls_voxel_volume_of_affine (affine));
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
  g_autoptr(GArray) lesion = NULL;
  g_autoptr(GArray) positions = NULL;
  g_autoptr(ClsComponents) components = NULL;
  ClsCaseSummary *summary;
  ClsSummaryOptions defaults;
  Scan scan = { 0 };
  guint64 n;
  guint channel;
  gpointer data;
  guint64 g;

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
  scan.options = options;
  scan.builder = builder;
  scan.lesion = g_array_new (FALSE, FALSE, sizeof (float));
  scan.positions = positions = g_array_new (FALSE, FALSE, sizeof (guint64));
  scan_volumes (&scan, prob, channel, label, n);
  lesion = scan.lesion;

  if (scan.n_nan + scan.n_below + scan.n_above > 0)
    {
      g_autoptr(GString) what = g_string_new (NULL);

      if (scan.n_nan > 0)
        g_string_append_printf (what, _("%" PRIu64 " NaN or infinite"), scan.n_nan);
      if (scan.n_below > 0)
        g_string_append_printf (what, "%s" "%" PRIu64 " %s", what->len ? ", " : "",
                                scan.n_below, _("below 0"));
      if (scan.n_above > 0)
        g_string_append_printf (what, "%s" "%" PRIu64 " %s", what->len ? ", " : "",
                                scan.n_above, _("above 1"));

      g_set_error (error, CLS_ERROR, CLS_ERROR_BAD_PROBABILITY,
                   _("%s: the probability map %s has %" PRIu64 " of %" PRIu64
                     " voxels that are not probabilities (%s); probabilities must lie in [0, 1]%s"),
                   case_id, cls_volume_get_path (prob), scan.n_nan + scan.n_below + scan.n_above, n,
                   what->str,
                   options->logits ? "" : _(" (if the map holds logits, use --logits)"));
      return NULL;
    }

  if (scan.n_odd_labels > 0)
    {
      g_autoptr(GString) values = g_string_new (NULL);

      for (guint k = 0; k < scan.n_odd_distinct; k++)
        {
          char buf[G_ASCII_DTOSTR_BUF_SIZE];
          g_string_append_printf (values, "%s%s", k ? ", " : "",
                                  g_ascii_formatd (buf, sizeof buf, "%g", scan.odd_labels[k]));
        }

      g_set_error (error, CLS_ERROR, CLS_ERROR_BAD_LABEL,
                   _("%s: the label %s has %" PRIu64 " voxels with values other than 0 and 1 "
                     "(%s%s); say which value marks the lesion with --label-value"),
                   case_id, cls_volume_get_path (label), scan.n_odd_labels, values->str,
                   scan.n_odd_distinct == MAX_REPORTED_LABELS ? ", …" : "");
      return NULL;
    }

  g = lesion->len;
  components = new_components (&scan, prob);

  if (scan.wide)
    summary = cls_case_summary_new (case_id, model, n, (const double *) (gpointer) lesion->data,
                                    g, cls_count_index_builder_finish (builder));
  else
    {
      data = g_array_free (g_steal_pointer (&lesion), FALSE);
      cls_sort_probabilities (data, g, FALSE, TRUE);
      summary = summary_new (case_id, model, n, data, FALSE, g, cls_count_index_builder_finish (builder));
    }

  cls_case_summary_set_components (summary, g_steal_pointer (&components));
  return summary;
}

ClsCaseSummary *
cls_case_summary_ref (ClsCaseSummary *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
cls_case_summary_unref (ClsCaseSummary *self)
{
  if (self == NULL || !g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_free (self->case_id);
  g_free (self->model);
  g_free (self->lesion_doubles);
  cls_components_free (self->components);
  g_aligned_free (self);
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
 * The lesion probabilities as doubles. Float32 values are kept in 4 bytes
 * each; the first call makes (and keeps) a copy as doubles.
 *
 * Returns: (array) (transfer none): the lesion probabilities, largest first
 */
const double *
cls_case_summary_get_lesion_probs (const ClsCaseSummary *self)
{
  ClsCaseSummary *mutable = (ClsCaseSummary *) self;

  if (self->wide)
    return self->lesion;

  if (g_once_init_enter (&mutable->lesion_doubles))
    {
      double *d = g_new (double, MAX (self->n_lesion, 1));

      for (guint64 i = 0; i < self->n_lesion; i++)
        d[i] = ((const float *) self->lesion)[i];
      g_once_init_leave (&mutable->lesion_doubles, d);
    }

  return self->lesion_doubles;
}

/**
 * cls_case_summary_get_lesion_data:
 * @self: a summary
 * @wide: (out): whether the values are doubles (else floats)
 *
 * Returns: (transfer none): the lesion probabilities as stored, largest first
 */
gconstpointer
cls_case_summary_get_lesion_data (const ClsCaseSummary *self,
                                  gboolean             *wide)
{
  *wide = self->wide;
  return self->lesion;
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
  return sizeof *self + MAX (self->n_lesion, 1) * (self->wide ? sizeof (double) : sizeof (float)) +
         (self->lesion_doubles != NULL ? self->n_lesion * sizeof (double) : 0) +
         cls_count_index_get_memory_size (self->counts) +
         (self->components != NULL ? cls_components_get_memory_size (self->components) : 0);
}

/**
 * cls_case_summary_set_components:
 * @self: a summary that is being built (not yet shared)
 * @components: (transfer full) (nullable): its lesions, made from the same
 *   lesion voxels
 *
 * Gives a summary its lesions (cls_case_summary_new_from_volumes() and the
 * summary file reader do; tests too).
 */
void
cls_case_summary_set_components (ClsCaseSummary *self,
                                 ClsComponents  *components)
{
  g_return_if_fail (components == NULL ||
                    cls_components_get_n_voxels (components) == self->n_lesion);

  cls_components_free (self->components);
  self->components = components;
}

/**
 * cls_case_summary_get_components:
 * @self: a summary
 *
 * Returns: (transfer none) (nullable): its lesions, the 26-connected
 *   components of its ground truth; %NULL for summaries made without them
 *   (from arrays, or summary files of format version 1)
 */
const ClsComponents *
cls_case_summary_get_components (const ClsCaseSummary *self)
{
  return self->components;
}

/**
 * cls_case_summaries_have_components:
 * @cases: (array length=n): summaries
 * @n: how many
 *
 * Returns: whether every one of them knows its lesions
 */
gboolean
cls_case_summaries_have_components (ClsCaseSummary * const *cases,
                                    guint                   n)
{
  for (guint i = 0; i < n; i++)
    if (cases[i]->components == NULL)
      return FALSE;
  return TRUE;
}

/**
 * cls_case_summary_get_voxel_volume:
 * @self: a summary
 *
 * Returns: the volume of one voxel in mm³, 0 when unknown
 */
double
cls_case_summary_get_voxel_volume (const ClsCaseSummary *self)
{
  return self->components != NULL ? cls_components_get_voxel_volume (self->components) : 0.0;
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

  return cls_value_map_apply (map, lesion_at (self, rank - 1));
}

/* Searches the lesion probabilities from where the last search ended: on a
 * slider move the cut moves a little, and that part of the array is likely
 * still in the CPU cache. The hint is only a starting point, so threads may
 * race on it. */
static guint64
search_near (const ClsCaseSummary *self,
             ClsSortedTest         test,
             const ClsValueMap    *map,
             double                cut)
{
  gsize *hint = (gsize *) &self->hint;
  gsize old = __atomic_load_n (hint, __ATOMIC_RELAXED);
  gsize at = cls_sorted_first_near (self->lesion, self->wide, self->n_lesion, test, map, cut, old);

  if (at != old)
    __atomic_store_n (hint, at, __ATOMIC_RELAXED);
  return at;
}

/**
 * cls_case_summary_prefetch:
 * @self: a summary
 *
 * Asks the CPU to fetch the lesion probabilities where the last search
 * ended and the count index's header, for searches that follow soon (a
 * case's turn in a loop over many cases).
 */
void
cls_case_summary_prefetch (const ClsCaseSummary *self)
{
  gsize at = MIN (__atomic_load_n (&self->hint, __ATOMIC_RELAXED), self->n_lesion);

  __builtin_prefetch ((const guint8 *) self->lesion + at * (self->wide ? sizeof (double) : sizeof (float)));
  __builtin_prefetch (self->counts);
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
  if (cut == CLS_FIXED_CUT && cls_value_map_is_identity (map))
    return self->found_fixed;
  return search_near (self, CLS_FIRST_BELOW, map, cut);
}

/**
 * cls_case_summary_lesion_at_least_from:
 * @self: a summary
 * @map: (nullable): value map
 * @cut: a probability cut
 * @from: a number of lesion voxels known to have p >= @cut (0 if unknown)
 *
 * Like cls_case_summary_lesion_at_least(), searching onwards from @from: a
 * cut that moved down a little costs a few probes.
 *
 * Returns: how many lesion voxels have p >= @cut
 */
guint64
cls_case_summary_lesion_at_least_from (const ClsCaseSummary *self,
                                       const ClsValueMap    *map,
                                       double                cut,
                                       guint64               from)
{
  if (from == 0)
    return search_near (self, CLS_FIRST_BELOW, map, cut);
  return cls_sorted_first (self->lesion, self->wide, self->n_lesion, CLS_FIRST_BELOW, map, cut,
                           MIN (from, self->n_lesion));
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
  return search_near (self, CLS_FIRST_NOT_ABOVE, map, cut);
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
  if (cut == CLS_FIXED_CUT && cls_value_map_is_identity (map))
    return self->pos_fixed;
  return cls_count_index_count_at_least (self->counts, map, cut);
}
