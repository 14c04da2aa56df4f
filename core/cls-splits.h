/* cls-splits.h: reproducible random calibration/test splits
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The generator is MT19937 (GSL's gsl_rng_mt19937) seeded with the seed as
 * given; split s is a Fisher–Yates shuffle (gsl_ran_shuffle) of 0..n-1 drawn
 * after splits 0..s-1, and its first n_cal entries are the calibration part.
 * Integer arithmetic only, so every machine draws the same splits.
 */
#pragma once

#include <glib.h>

#include "cls-fraction.h"

G_BEGIN_DECLS

typedef struct _ClsSplits ClsSplits;

ClsSplits     *cls_splits_new          (guint        n,
                                        guint        n_splits,
                                        ClsFraction  cal_fraction,
                                        guint64      seed,
                                        GError     **error);
void           cls_splits_free         (ClsSplits   *self);

guint          cls_splits_get_n        (const ClsSplits *self);
guint          cls_splits_get_n_splits (const ClsSplits *self);
guint          cls_splits_get_n_cal    (const ClsSplits *self);
guint          cls_splits_get_n_test   (const ClsSplits *self);
guint64        cls_splits_get_seed     (const ClsSplits *self);
ClsFraction    cls_splits_get_fraction (const ClsSplits *self);
const guint32 *cls_splits_get_split    (const ClsSplits *self,
                                        guint            s);
gboolean       cls_splits_matches      (const ClsSplits *self,
                                        guint            n,
                                        guint            n_splits,
                                        ClsFraction      cal_fraction,
                                        guint64          seed);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ClsSplits, cls_splits_free)

G_END_DECLS
