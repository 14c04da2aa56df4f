/* cls-splits.c
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <inttypes.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include <glib/gi18n-lib.h>

#include "cls-error.h"
#include "cls-splits.h"

struct _ClsSplits
{
  guint       n;
  guint       n_splits;
  guint       n_cal;
  ClsFraction fraction;
  guint64     seed;
  guint32    *perm;  /* n_splits rows of n */
};

/**
 * cls_splits_new:
 * @n: cases in the pool
 * @n_splits: how many random splits
 * @cal_fraction: share of the pool used for calibration (0 < f < 1);
 *   n_cal = floor(f · n), computed exactly
 * @seed: generator seed
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the splits
 */
ClsSplits *
cls_splits_new (guint        n,
                guint        n_splits,
                ClsFraction  cal_fraction,
                guint64      seed,
                GError     **error)
{
  ClsSplits *self;
  gsl_rng *rng;
  guint64 n_cal;

  if (!cls_fraction_in_unit_open (cal_fraction))
    {
      g_set_error (error, CLS_ERROR, CLS_ERROR_INVALID_ARGUMENT,
                   _("the calibration fraction must be above 0 and below 1"));
      return NULL;
    }
  if (n_splits == 0)
    {
      g_set_error (error, CLS_ERROR, CLS_ERROR_INVALID_ARGUMENT,
                   _("the number of splits must be at least 1"));
      return NULL;
    }

  n_cal = cls_fraction_floor_mul (cal_fraction, n);
  if (n_cal < 1 || n_cal >= n)
    {
      g_autofree char *f = cls_fraction_to_string (cal_fraction);

      g_set_error (error, CLS_ERROR, CLS_ERROR_INVALID_ARGUMENT,
                   _("a calibration fraction of %s of %u cases leaves %" PRIu64
                     " for calibration and %" PRIu64 " for testing; both need at least one"),
                   f, n, n_cal, (guint64) n - MIN (n_cal, n));
      return NULL;
    }

  self = g_new0 (ClsSplits, 1);
  self->n = n;
  self->n_splits = n_splits;
  self->n_cal = (guint) n_cal;
  self->fraction = cal_fraction;
  self->seed = seed;
  self->perm = g_new (guint32, (gsize) n * n_splits);

  rng = gsl_rng_alloc (gsl_rng_mt19937);
  gsl_rng_set (rng, (unsigned long) seed);

  for (guint s = 0; s < n_splits; s++)
    {
      guint32 *row = self->perm + (gsize) s * n;

      for (guint i = 0; i < n; i++)
        row[i] = i;
      gsl_ran_shuffle (rng, row, n, sizeof (guint32));
    }

  gsl_rng_free (rng);

  return self;
}

void
cls_splits_free (ClsSplits *self)
{
  if (self == NULL)
    return;
  g_free (self->perm);
  g_free (self);
}

guint
cls_splits_get_n (const ClsSplits *self)
{
  return self->n;
}

guint
cls_splits_get_n_splits (const ClsSplits *self)
{
  return self->n_splits;
}

guint
cls_splits_get_n_cal (const ClsSplits *self)
{
  return self->n_cal;
}

guint
cls_splits_get_n_test (const ClsSplits *self)
{
  return self->n - self->n_cal;
}

guint64
cls_splits_get_seed (const ClsSplits *self)
{
  return self->seed;
}

ClsFraction
cls_splits_get_fraction (const ClsSplits *self)
{
  return self->fraction;
}

/**
 * cls_splits_get_split:
 * @self: splits
 * @s: which split
 *
 * Returns: (array) (transfer none): a permutation of the n case indices; the
 *   first n_cal are the calibration cases, the rest the test cases
 */
const guint32 *
cls_splits_get_split (const ClsSplits *self,
                      guint            s)
{
  g_return_val_if_fail (s < self->n_splits, NULL);
  return self->perm + (gsize) s * self->n;
}

gboolean
cls_splits_matches (const ClsSplits *self,
                    guint            n,
                    guint            n_splits,
                    ClsFraction      cal_fraction,
                    guint64          seed)
{
  return self != NULL && self->n == n && self->n_splits == n_splits &&
         cls_fraction_compare (self->fraction, cal_fraction) == 0 && self->seed == seed;
}
