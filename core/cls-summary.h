/* cls-summary.h: what calibration needs of one case, without its volume
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Per case and model: the voxel count N, the lesion voxel count G, the lesion
 * probabilities sorted from largest (any epsilon's critical cut is one index
 * away), an exact count index of all probabilities (for PC and FPR), and
 * the lesions, the connected components of the ground truth, for the
 * lesion-level loss (cls-components.h).
 */
#pragma once

#include <glib.h>

#include "cls-components.h"
#include "cls-count-index.h"
#include "cls-volume.h"

G_BEGIN_DECLS

/**
 * ClsNormalize:
 * @CLS_NORMALIZE_NONE: use the probabilities as stored
 * @CLS_NORMALIZE_MINMAX: the authors' per-case (p - min) / (max - min)
 */
typedef enum {
  CLS_NORMALIZE_NONE,
  CLS_NORMALIZE_MINMAX,
} ClsNormalize;

/**
 * ClsSummaryOptions:
 * @label_value: the label value that marks lesion voxels
 * @label_value_set: whether the user chose @label_value; if not, a label
 *   with values other than 0 and 1 is an error rather than a guess
 * @channel: which 3D volume of a 4D probability map (-1: the map must be 3D)
 * @logits: the map holds logits; apply a sigmoid first
 */
typedef struct {
  double   label_value;
  gboolean label_value_set;
  int      channel;
  gboolean logits;
} ClsSummaryOptions;

void cls_summary_options_init (ClsSummaryOptions *options);

typedef struct _ClsCaseSummary ClsCaseSummary;

ClsCaseSummary      *cls_case_summary_new_from_volumes  (const char              *case_id,
                                                         const char              *model,
                                                         const ClsVolume         *prob,
                                                         const ClsVolume         *label,
                                                         const ClsSummaryOptions *options,
                                                         GError                 **error);
ClsCaseSummary      *cls_case_summary_new               (const char              *case_id,
                                                         const char              *model,
                                                         guint64                  n_voxels,
                                                         const double            *lesion_probs,
                                                         guint64                  n_lesion,
                                                         ClsCountIndex           *counts);
ClsCaseSummary      *cls_case_summary_new_sorted        (const char              *case_id,
                                                         const char              *model,
                                                         guint64                  n_voxels,
                                                         gpointer                 lesion,
                                                         gboolean                 wide,
                                                         guint64                  n_lesion,
                                                         ClsCountIndex           *counts);
ClsCaseSummary      *cls_case_summary_ref               (ClsCaseSummary          *self);
void                 cls_case_summary_unref             (ClsCaseSummary          *self);

const char          *cls_case_summary_get_case_id       (const ClsCaseSummary    *self);
const char          *cls_case_summary_get_model         (const ClsCaseSummary    *self);
guint64              cls_case_summary_get_n_voxels      (const ClsCaseSummary    *self);
guint64              cls_case_summary_get_n_lesion      (const ClsCaseSummary    *self);
const double        *cls_case_summary_get_lesion_probs  (const ClsCaseSummary    *self);
gconstpointer        cls_case_summary_get_lesion_data   (const ClsCaseSummary    *self,
                                                         gboolean                *wide);
const ClsCountIndex *cls_case_summary_get_counts        (const ClsCaseSummary    *self);
double               cls_case_summary_get_min           (const ClsCaseSummary    *self);
double               cls_case_summary_get_max           (const ClsCaseSummary    *self);
gboolean             cls_case_summary_is_float32        (const ClsCaseSummary    *self);
gsize                cls_case_summary_get_memory_size   (const ClsCaseSummary    *self);
void                 cls_case_summary_set_components    (ClsCaseSummary          *self,
                                                         ClsComponents           *components);
const ClsComponents *cls_case_summary_get_components    (const ClsCaseSummary    *self);
double               cls_case_summary_get_voxel_volume  (const ClsCaseSummary    *self);
gboolean             cls_case_summaries_have_components (ClsCaseSummary * const  *cases,
                                                         guint                    n);

void                 cls_case_summary_get_value_map     (const ClsCaseSummary    *self,
                                                         ClsNormalize             normalize,
                                                         ClsValueMap             *map);
double               cls_case_summary_lesion_value      (const ClsCaseSummary    *self,
                                                         const ClsValueMap       *map,
                                                         guint64                  rank);
guint64              cls_case_summary_lesion_at_least   (const ClsCaseSummary    *self,
                                                         const ClsValueMap       *map,
                                                         double                   cut);
void                 cls_case_summary_prefetch          (const ClsCaseSummary    *self);
guint64              cls_case_summary_lesion_at_least_from (const ClsCaseSummary *self,
                                                         const ClsValueMap       *map,
                                                         double                   cut,
                                                         guint64                  from);
guint64              cls_case_summary_lesion_above      (const ClsCaseSummary    *self,
                                                         const ClsValueMap       *map,
                                                         double                   cut);
guint64              cls_case_summary_voxels_at_least   (const ClsCaseSummary    *self,
                                                         const ClsValueMap       *map,
                                                         double                   cut);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ClsCaseSummary, cls_case_summary_unref)

G_END_DECLS
