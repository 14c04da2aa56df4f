/* cls-components.c
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "cls-components.h"

/* Size bands
 * ---------- */

/**
 * cls_equivalent_diameter:
 * @volume_mm3: a volume in mm³
 *
 * Returns: the diameter of the ball of that volume, (6 V / π)^(1/3), in mm
 */
double
cls_equivalent_diameter (double volume_mm3)
{
  return volume_mm3 > 0 ? cbrt (6.0 * volume_mm3 / G_PI) : 0.0;
}

/**
 * cls_size_band_of_diameter:
 * @diameter_mm: an equivalent diameter
 *
 * Returns: its band: below 5 mm, 5 to 10 mm (both included), above 10 mm
 */
ClsSizeBand
cls_size_band_of_diameter (double diameter_mm)
{
  if (diameter_mm < CLS_SIZE_SMALL_BELOW_MM)
    return CLS_SIZE_SMALL;
  if (diameter_mm <= CLS_SIZE_LARGE_ABOVE_MM)
    return CLS_SIZE_MEDIUM;
  return CLS_SIZE_LARGE;
}

/**
 * cls_size_band_to_string:
 * @band: a band
 *
 * Returns: its name in files: "lt5mm", "5to10mm" or "gt10mm"
 */
const char *
cls_size_band_to_string (ClsSizeBand band)
{
  static const char *names[] = { "lt5mm", "5to10mm", "gt10mm" };

  g_return_val_if_fail ((guint) band < CLS_N_SIZE_BANDS, NULL);
  return names[band];
}

/**
 * cls_size_band_get_label:
 * @band: a band
 *
 * Returns: its name for people, translated ("< 5 mm", …)
 */
const char *
cls_size_band_get_label (ClsSizeBand band)
{
  g_return_val_if_fail ((guint) band < CLS_N_SIZE_BANDS, NULL);

  switch (band)
    {
    case CLS_SIZE_SMALL:
      return _("< 5 mm");
    case CLS_SIZE_MEDIUM:
      return _("5–10 mm");
    case CLS_SIZE_LARGE:
    default:
      return _("> 10 mm");
    }
}

/**
 * cls_voxel_volume_of_affine:
 * @affine: a voxel-to-world matrix (mm)
 *
 * Returns: the volume of one voxel in mm³, |det| of its 3 × 3 part
 */
double
cls_voxel_volume_of_affine (const double affine[4][4])
{
  const double (*a)[4] = affine;
  double det = a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1]) -
               a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0]) +
               a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0]);

  return isfinite (det) ? fabs (det) : 0.0;
}

/* Labelling
 * ---------
 *
 * The lesion voxels come as sorted linear indices (x fastest, then y, then
 * z). They form runs along x; two runs are connected when their rows are
 * neighbours (y and z each differ by at most 1) and their x extents,
 * widened by one voxel, overlap; runs of the same row never touch (a gap
 * separates them). Each run is joined (union–find) with the runs of the
 * four rows before it that it touches; the rows after it join it in their
 * turn. */

typedef struct {
  guint64 row;     /* y + ny · z */
  gint64  x0, x1;  /* inclusive */
  gsize   first;   /* index of its first voxel in the positions */
} Run;

static guint32
find_root (guint32 *parent,
           guint32  i)
{
  while (parent[i] != i)
    {
      parent[i] = parent[parent[i]];
      i = parent[i];
    }
  return i;
}

static void
join (guint32 *parent,
      guint32  a,
      guint32  b)
{
  a = find_root (parent, a);
  b = find_root (parent, b);
  /* the smaller index is the root: the first run in raster order */
  if (a < b)
    parent[b] = a;
  else if (b < a)
    parent[a] = b;
}

/* The first run with (row, x1) >= (row, x); runs are in raster order. */
static gsize
first_run_from (const Run *runs,
                gsize      n,
                guint64    row,
                gint64     x)
{
  gsize lo = 0, hi = n;

  while (lo < hi)
    {
      gsize mid = lo + (hi - lo) / 2;

      if (runs[mid].row < row || (runs[mid].row == row && runs[mid].x1 < x))
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

/**
 * cls_components_label:
 * @positions: (array length=n): linear indices of the lesion voxels,
 *   ascending (x fastest)
 * @n: how many
 * @dims: the volume's size
 * @labels: (out caller-allocates) (array length=n): each voxel's lesion
 *
 * Labels the 26-connected components. Lesions are numbered from 0 in the
 * order of their first voxel.
 *
 * Returns: the number of lesions
 */
guint32
cls_components_label (const guint64 *positions,
                      gsize          n,
                      const gint64   dims[3],
                      guint32       *labels)
{
  g_autofree Run *runs = NULL;
  g_autofree guint32 *parent = NULL;
  g_autofree guint32 *label_of = NULL;
  guint64 nx = (guint64) dims[0], ny = (guint64) dims[1];
  gsize n_runs = 0;
  guint32 n_labels = 0;

  if (n == 0)
    return 0;

  runs = g_new (Run, n);
  for (gsize i = 0; i < n; i++)
    {
      guint64 row = positions[i] / nx;
      gint64 x = (gint64) (positions[i] % nx);

      if (n_runs > 0 && runs[n_runs - 1].row == row && runs[n_runs - 1].x1 + 1 == x)
        runs[n_runs - 1].x1 = x;
      else
        runs[n_runs++] = (Run) { row, x, x, i };
    }
  g_return_val_if_fail (n_runs <= G_MAXUINT32, 0);

  parent = g_new (guint32, n_runs);
  for (gsize r = 0; r < n_runs; r++)
    parent[r] = (guint32) r;

  for (gsize r = 0; r < n_runs; r++)
    {
      guint64 y = runs[r].row % ny, z = runs[r].row / ny;
      /* the rows before this one that can touch it: (y - 1, z) and
       * (y - 1 .. y + 1, z - 1) */
      struct { gint64 dy, dz; } before[4] = { { -1, 0 }, { -1, -1 }, { 0, -1 }, { 1, -1 } };

      for (guint b = 0; b < G_N_ELEMENTS (before); b++)
        {
          gint64 yy = (gint64) y + before[b].dy, zz = (gint64) z + before[b].dz;
          guint64 row;

          if (yy < 0 || yy >= (gint64) ny || zz < 0)
            continue;
          row = (guint64) yy + ny * (guint64) zz;
          for (gsize s = first_run_from (runs, r, row, runs[r].x0 - 1);
               s < r && runs[s].row == row && runs[s].x0 <= runs[r].x1 + 1; s++)
            join (parent, (guint32) s, (guint32) r);
        }
    }

  label_of = g_new (guint32, n_runs);
  for (gsize r = 0; r < n_runs; r++)
    {
      guint32 root = find_root (parent, (guint32) r);

      label_of[r] = root == r ? n_labels++ : label_of[root];
    }

  for (gsize r = 0; r < n_runs; r++)
    {
      gsize end = r + 1 < n_runs ? runs[r + 1].first : n;

      for (gsize i = runs[r].first; i < end; i++)
        labels[i] = label_of[r];
    }

  return n_labels;
}

/* The table
 * --------- */

struct _ClsComponents
{
  guint32  n;
  gboolean wide;          /* values are doubles (else floats) */
  double   voxel_volume;  /* mm³; 0 when unknown */
  guint64 *offsets;       /* n + 1: lesion j's values are [offsets[j], offsets[j + 1]) */
  gpointer values;        /* per lesion, sorted from largest */
};

static inline double
value_at (const ClsComponents *self,
          guint64              i)
{
  return self->wide ? ((const double *) self->values)[i] : (double) ((const float *) self->values)[i];
}

/* Groups @n values by lesion (@ids), each group in the order given. */
static ClsComponents *
group_values (const guint32 *ids,
              gconstpointer  probs,
              gboolean       wide,
              guint64        n,
              guint32        n_components,
              double         voxel_volume)
{
  ClsComponents *self = g_new0 (ClsComponents, 1);
  gsize width = wide ? sizeof (double) : sizeof (float);
  g_autofree guint64 *fill = NULL;

  self->n = n_components;
  self->wide = wide;
  self->voxel_volume = voxel_volume;
  self->offsets = g_new0 (guint64, (gsize) n_components + 1);
  self->values = g_malloc (MAX (n, 1) * width);

  for (guint64 i = 0; i < n; i++)
    self->offsets[ids[i] + 1]++;
  for (guint32 j = 0; j < n_components; j++)
    self->offsets[j + 1] += self->offsets[j];

  fill = g_memdup2 (self->offsets, ((gsize) n_components + 1) * sizeof (guint64));
  for (guint64 i = 0; i < n; i++)
    memcpy ((guint8 *) self->values + fill[ids[i]]++ * width, (const guint8 *) probs + i * width, width);

  return self;
}

/**
 * cls_components_new_from_voxels:
 * @positions: (array length=n): linear indices of the lesion voxels, ascending
 * @probs: (array length=n): their probabilities in the same order: floats,
 *   or doubles when @wide
 * @wide: whether @probs holds doubles
 * @n: lesion voxels
 * @dims: the volume's size
 * @voxel_volume: mm³ per voxel (0 when unknown)
 *
 * Returns: (transfer full): the lesions of a case
 */
ClsComponents *
cls_components_new_from_voxels (const guint64 *positions,
                                gconstpointer  probs,
                                gboolean       wide,
                                gsize          n,
                                const gint64   dims[3],
                                double         voxel_volume)
{
  g_autofree guint32 *labels = g_new (guint32, MAX (n, 1));
  guint32 n_components = cls_components_label (positions, n, dims, labels);
  ClsComponents *self = group_values (labels, probs, wide, n, n_components, voxel_volume);
  gsize width = wide ? sizeof (double) : sizeof (float);

  for (guint32 j = 0; j < n_components; j++)
    cls_sort_probabilities ((guint8 *) self->values + self->offsets[j] * width,
                            self->offsets[j + 1] - self->offsets[j], wide, TRUE);
  return self;
}

/**
 * cls_components_new_from_ids:
 * @ids: (array length=n): the lesion of each lesion voxel, in the order of
 *   @sorted_probs
 * @sorted_probs: (array length=n): the lesion probabilities sorted from
 *   largest: floats, or doubles when @wide
 * @wide: whether @sorted_probs holds doubles
 * @n: lesion voxels
 * @n_components: lesions; every id is below it and every lesion has a voxel
 * @voxel_volume: mm³ per voxel (0 when unknown)
 *
 * Rebuilds the table from what a summary file stores.
 *
 * Returns: (transfer full) (nullable): the lesions, or %NULL when an id is
 *   out of range or a lesion has no voxel
 */
ClsComponents *
cls_components_new_from_ids (const guint32 *ids,
                             gconstpointer  sorted_probs,
                             gboolean       wide,
                             guint64        n,
                             guint32        n_components,
                             double         voxel_volume)
{
  ClsComponents *self;

  for (guint64 i = 0; i < n; i++)
    if (ids[i] >= n_components)
      return NULL;

  self = group_values (ids, sorted_probs, wide, n, n_components, voxel_volume);
  for (guint32 j = 0; j < n_components; j++)
    if (self->offsets[j + 1] == self->offsets[j])
      {
        cls_components_free (self);
        return NULL;
      }
  return self;
}

void
cls_components_free (ClsComponents *self)
{
  if (self == NULL)
    return;
  g_free (self->offsets);
  g_free (self->values);
  g_free (self);
}

guint32
cls_components_get_n (const ClsComponents *self)
{
  return self->n;
}

guint64
cls_components_get_n_voxels (const ClsComponents *self)
{
  return self->offsets[self->n];
}

/**
 * cls_components_get_voxel_volume:
 * @self: lesions
 *
 * Returns: the volume of one voxel in mm³, 0 when unknown
 */
double
cls_components_get_voxel_volume (const ClsComponents *self)
{
  return self->voxel_volume;
}

guint64
cls_components_get_size (const ClsComponents *self,
                         guint32              j)
{
  g_return_val_if_fail (j < self->n, 0);
  return self->offsets[j + 1] - self->offsets[j];
}

/**
 * cls_components_get_value:
 * @self: lesions
 * @j: a lesion
 * @rank: 1-based rank from the largest, 1 <= rank <= its size
 *
 * Returns: the @rank-th largest probability of lesion @j
 */
double
cls_components_get_value (const ClsComponents *self,
                          guint32              j,
                          guint64              rank)
{
  g_return_val_if_fail (j < self->n, NAN);
  g_return_val_if_fail (rank >= 1 && rank <= self->offsets[j + 1] - self->offsets[j], NAN);
  return value_at (self, self->offsets[j] + rank - 1);
}

/**
 * cls_components_get_diameter:
 * @self: lesions
 * @j: a lesion
 *
 * Returns: its equivalent diameter in mm (0 when the voxel volume is unknown)
 */
double
cls_components_get_diameter (const ClsComponents *self,
                             guint32              j)
{
  return cls_equivalent_diameter ((double) cls_components_get_size (self, j) * self->voxel_volume);
}

ClsSizeBand
cls_components_get_band (const ClsComponents *self,
                         guint32              j)
{
  return cls_size_band_of_diameter (cls_components_get_diameter (self, j));
}

/**
 * cls_components_detection_cut:
 * @self: lesions
 * @j: a lesion
 * @coverage: the share of its voxels that must be in the mask, 0 < q <= 1
 * @map: (nullable): value map
 *
 * Lesion @j of size s is detected by the mask {p >= c} when at least
 * r = ceil(q · s) of its voxels are in it (r on the exact decimal q), that
 * is when c <= the r-th largest probability in it.
 *
 * Returns: that probability, mapped: the largest cut that detects it
 */
double
cls_components_detection_cut (const ClsComponents *self,
                              guint32              j,
                              ClsFraction          coverage,
                              const ClsValueMap   *map)
{
  guint64 size = cls_components_get_size (self, j);
  guint64 r = CLAMP (cls_fraction_ceil_mul (coverage, size), 1, size);

  return cls_value_map_apply (map, value_at (self, self->offsets[j] + r - 1));
}

typedef struct {
  double  value;
  guint32 id;
} Tagged;

static int
compare_tagged_desc (const void *a,
                     const void *b)
{
  const Tagged *x = a, *y = b;

  if (x->value != y->value)
    return x->value < y->value ? 1 : -1;
  return (x->id > y->id) - (x->id < y->id);
}

/**
 * cls_components_ids_in_order:
 * @self: lesions
 *
 * Every lesion voxel's lesion, with the voxels sorted by probability from
 * largest (ties by lesion): the order of the case's sorted lesion
 * probabilities, which hold the same values.
 *
 * Returns: (transfer full) (array): the ids, one per lesion voxel
 */
guint32 *
cls_components_ids_in_order (const ClsComponents *self)
{
  guint64 n = cls_components_get_n_voxels (self);
  g_autofree Tagged *tagged = g_new (Tagged, MAX (n, 1));
  guint32 *ids = g_new (guint32, MAX (n, 1));

  for (guint32 j = 0; j < self->n; j++)
    for (guint64 i = self->offsets[j]; i < self->offsets[j + 1]; i++)
      tagged[i] = (Tagged) { value_at (self, i), j };
  qsort (tagged, n, sizeof (Tagged), compare_tagged_desc);
  for (guint64 i = 0; i < n; i++)
    ids[i] = tagged[i].id;
  return ids;
}

gsize
cls_components_get_memory_size (const ClsComponents *self)
{
  return sizeof *self + ((gsize) self->n + 1) * sizeof (guint64) +
         cls_components_get_n_voxels (self) * (self->wide ? sizeof (double) : sizeof (float));
}
