/* cls-lesion-loss.c
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cls-lesion-loss.h"

static const char *loss_names[] = { "voxel", "lesion" };

const char *
cls_loss_to_string (ClsLoss loss)
{
  g_return_val_if_fail ((guint) loss < G_N_ELEMENTS (loss_names), NULL);
  return loss_names[loss];
}

gboolean
cls_loss_from_string (const char *text,
                      ClsLoss    *out)
{
  for (guint i = 0; i < G_N_ELEMENTS (loss_names); i++)
    if (g_strcmp0 (text, loss_names[i]) == 0)
      {
        *out = (ClsLoss) i;
        return TRUE;
      }
  return FALSE;
}

typedef struct {
  double cut;
  guint8 band;
} CutBand;

static int
compare_cut_band_desc (const void *a,
                       const void *b)
{
  const CutBand *x = a, *y = b;

  if (x->cut != y->cut)
    return x->cut < y->cut ? 1 : -1;
  return (x->band > y->band) - (x->band < y->band);
}

static int
compare_double_desc (const void *a,
                     const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x < y) - (x > y);
}

/**
 * cls_lesion_cuts_new:
 * @components: a case's lesions
 * @coverage: the share of a lesion's voxels that detects it, 0 < q <= 1
 * @map: (nullable): value map
 *
 * Returns: (transfer full): the detection cuts, sorted from largest
 */
ClsLesionCuts *
cls_lesion_cuts_new (const ClsComponents *components,
                     ClsFraction          coverage,
                     const ClsValueMap   *map)
{
  ClsLesionCuts *self = g_new0 (ClsLesionCuts, 1);
  guint32 n = cls_components_get_n (components);
  g_autofree CutBand *pairs = g_new (CutBand, MAX (n, 1));

  self->n = n;
  self->cuts = g_new (double, MAX (n, 1));
  self->bands = g_new (guint8, MAX (n, 1));
  self->firsts = g_new (double, MAX (n, 1));

  for (guint32 j = 0; j < n; j++)
    {
      ClsSizeBand band = cls_components_get_band (components, j);

      pairs[j].cut = cls_components_detection_cut (components, j, coverage, map);
      pairs[j].band = (guint8) band;
      self->firsts[j] = cls_value_map_apply (map, cls_components_get_value (components, j, 1));
      self->per_band[band]++;
    }
  qsort (pairs, n, sizeof (CutBand), compare_cut_band_desc);
  qsort (self->firsts, n, sizeof (double), compare_double_desc);
  for (guint32 j = 0; j < n; j++)
    {
      self->cuts[j] = pairs[j].cut;
      self->bands[j] = pairs[j].band;
    }

  return self;
}

void
cls_lesion_cuts_free (ClsLesionCuts *self)
{
  if (self == NULL)
    return;
  g_free (self->cuts);
  g_free (self->bands);
  g_free (self->firsts);
  g_free (self);
}

/**
 * cls_lesion_cuts_profile:
 * @self: detection cuts
 *
 * Returns: the case's lesion loss profile (borrowing @self's cuts): its loss
 *   at the cut c is #{d_j < c} / J
 */
ClsLossProfile
cls_lesion_cuts_profile (const ClsLesionCuts *self)
{
  return (ClsLossProfile) { self->cuts, self->n };
}

/* How many of @n values sorted from largest are below @cut. */
static guint32
count_below (const double *values,
             guint32       n,
             double        cut)
{
  guint32 lo = 0, hi = n;

  while (lo < hi)
    {
      guint32 mid = lo + (hi - lo) / 2;

      if (values[mid] >= cut)
        lo = mid + 1;
      else
        hi = mid;
    }
  return n - lo;
}

/**
 * cls_lesion_cuts_critical_cut:
 * @self: detection cuts
 * @epsilon: the tolerated lesion loss
 * @allowed: (out) (optional): m = floor(epsilon · J), the lesions that may
 *   be missed
 *
 * The largest cut with L(c) <= epsilon: the r-th largest detection cut
 * with r = J - m lesions to detect, or 1 when r = 0 (nothing needs to be
 * found; also for a case without lesions).
 *
 * Returns: the case's critical cut
 */
double
cls_lesion_cuts_critical_cut (const ClsLesionCuts *self,
                              ClsFraction          epsilon,
                              guint64             *allowed)
{
  guint64 m = cls_fraction_floor_mul (epsilon, self->n);

  if (allowed != NULL)
    *allowed = m;
  if (m >= self->n)
    return 1.0;
  return self->cuts[self->n - m - 1];
}

/**
 * cls_lesion_cuts_missed:
 * @self: detection cuts
 * @cut: a probability cut (mapped)
 *
 * Returns: how many lesions the mask {p >= @cut} does not detect
 */
guint32
cls_lesion_cuts_missed (const ClsLesionCuts *self,
                        double               cut)
{
  return count_below (self->cuts, self->n, cut);
}

/**
 * cls_lesion_cuts_missed_entirely:
 * @self: detection cuts
 * @cut: a probability cut (mapped)
 *
 * Returns: how many lesions have no voxel in the mask {p >= @cut}
 */
guint32
cls_lesion_cuts_missed_entirely (const ClsLesionCuts *self,
                                 double               cut)
{
  return count_below (self->firsts, self->n, cut);
}

/**
 * cls_lesion_cuts_missed_by_band:
 * @self: detection cuts
 * @cut: a probability cut (mapped)
 * @missed: (out caller-allocates): per size band, the lesions not detected
 */
void
cls_lesion_cuts_missed_by_band (const ClsLesionCuts *self,
                                double               cut,
                                guint32              missed[CLS_N_SIZE_BANDS])
{
  memset (missed, 0, CLS_N_SIZE_BANDS * sizeof (guint32));
  for (guint32 j = self->n - count_below (self->cuts, self->n, cut); j < self->n; j++)
    missed[self->bands[j]]++;
}
