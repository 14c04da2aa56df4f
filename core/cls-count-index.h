/* cls-count-index.h: exact "how many voxels have p >= c", without the volume
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The prediction compactness PC(c) = |{p >= c}| / N must be exact for any cut
 * c, and a cut can be any lesion probability of any case. So the index keeps
 * the distinct values of the map with their counts: exact for every c, and
 * small because real maps hold few distinct values (exact zeros outside the
 * body, float16 logits from mixed-precision inference).
 *
 * Values are kept as float32 when every one of them is a float32 (4 bytes
 * each, and exact), and as doubles otherwise; counts take 4 bytes when the
 * total fits.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _ClsCountIndex ClsCountIndex;
typedef struct _ClsCountIndexBuilder ClsCountIndexBuilder;

/**
 * ClsValueMap:
 * @offset: subtracted first
 * @scale: then divided by (positive)
 * @active: whether to map at all
 *
 * A monotone map v -> (v - offset) / scale applied to stored values before
 * comparing, for the authors' per-case min-max normalisation. Rounding keeps
 * it monotone (non-decreasing), so sorted order survives. A scale of 0 (a
 * constant map) maps everything to 0, as the authors' code does.
 */
typedef struct {
  double   offset;
  double   scale;
  gboolean active;
} ClsValueMap;

static inline double
cls_value_map_apply (const ClsValueMap *map,
                     double             v)
{
  if (map == NULL || !map->active)
    return v;
  return map->scale > 0 ? (v - map->offset) / map->scale : 0.0;
}

static inline gboolean
cls_value_map_is_identity (const ClsValueMap *map)
{
  return map == NULL || !map->active;
}

ClsCountIndexBuilder *cls_count_index_builder_new      (void);
void                  cls_count_index_builder_add      (ClsCountIndexBuilder *self,
                                                        const double         *values,
                                                        gsize                 n);
void                  cls_count_index_builder_add_floats (ClsCountIndexBuilder *self,
                                                        const float          *values,
                                                        gsize                 n);
void                  cls_count_index_builder_add_zeros (ClsCountIndexBuilder *self,
                                                        guint64               n);
ClsCountIndex        *cls_count_index_builder_finish   (ClsCountIndexBuilder *self);
void                  cls_count_index_builder_free     (ClsCountIndexBuilder *self);

ClsCountIndex        *cls_count_index_new_from_runs    (const double         *values,
                                                        const guint64        *counts,
                                                        gsize                 n_distinct);
void                  cls_count_index_free             (ClsCountIndex        *self);
gsize                 cls_count_index_get_block_size   (const ClsCountIndex  *self);
ClsCountIndex        *cls_count_index_copy_to          (const ClsCountIndex  *self,
                                                        gpointer              block);

guint64               cls_count_index_get_total        (const ClsCountIndex  *self);
gsize                 cls_count_index_get_n_distinct   (const ClsCountIndex  *self);
double                cls_count_index_get_value        (const ClsCountIndex  *self,
                                                        gsize                 i);
guint64               cls_count_index_get_count        (const ClsCountIndex  *self,
                                                        gsize                 i);
gboolean              cls_count_index_is_float32       (const ClsCountIndex  *self);
gsize                 cls_count_index_get_memory_size  (const ClsCountIndex  *self);

guint64               cls_count_index_count_at_least   (const ClsCountIndex  *self,
                                                        const ClsValueMap    *map,
                                                        double                cut);
gsize                 cls_count_index_lower_bound      (const ClsCountIndex  *self,
                                                        const ClsValueMap    *map,
                                                        double                cut,
                                                        gsize                 from);
guint64               cls_count_index_get_count_from   (const ClsCountIndex  *self,
                                                        gsize                 i);
void                  cls_count_index_prefetch         (const ClsCountIndex  *self);
gconstpointer         cls_count_index_get_counts_from  (const ClsCountIndex  *self,
                                                        gboolean             *wide);
gconstpointer         cls_count_index_get_values       (const ClsCountIndex  *self,
                                                        gboolean             *wide);

/**
 * ClsSortedTest:
 * @CLS_FIRST_AT_LEAST: map(v) >= cut (an ascending array)
 * @CLS_FIRST_BELOW: not map(v) >= cut (a descending array: the index is how
 *   many values are at least the cut)
 * @CLS_FIRST_NOT_ABOVE: not map(v) > cut (a descending array: the index is
 *   how many values are above the cut)
 *
 * What cls_sorted_first() looks for.
 */
typedef enum {
  CLS_FIRST_AT_LEAST,
  CLS_FIRST_BELOW,
  CLS_FIRST_NOT_ABOVE,
} ClsSortedTest;

gsize                 cls_sorted_first                 (gconstpointer         values,
                                                        gboolean              wide,
                                                        gsize                 n,
                                                        ClsSortedTest         test,
                                                        const ClsValueMap    *map,
                                                        double                cut,
                                                        gsize                 from);
gsize                 cls_sorted_first_near            (gconstpointer         values,
                                                        gboolean              wide,
                                                        gsize                 n,
                                                        ClsSortedTest         test,
                                                        const ClsValueMap    *map,
                                                        double                cut,
                                                        gsize                 hint);
void                  cls_sort_probabilities           (gpointer              values,
                                                        gsize                 n,
                                                        gboolean              wide,
                                                        gboolean              descending);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ClsCountIndex, cls_count_index_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ClsCountIndexBuilder, cls_count_index_builder_free)

G_END_DECLS
