/* cls-dataset.h: a calibration set on disk (folder layout or CSV manifest)
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Folder layout:
 *   DATASET/images/<case>.nii.gz          image (optional)
 *   DATASET/labels/<case>.nii.gz          ground truth
 *   DATASET/probs/<model>/<case>.nii.gz   lesion probability map (.nii too)
 * or a CSV manifest with the columns case,label,model,prob[,image],
 * or a folder of summary files (see cls-summary-file.h):
 *   SUMMARIES/<model>/<case>.clss         as `cls summarize` writes them
 *   SUMMARIES/<anything>.clss             case and model from each header
 * which loads to the same summaries as the volumes they were made from.
 */
#pragma once

#include <gio/gio.h>

#include "cls-progress.h"
#include "cls-summary.h"

G_BEGIN_DECLS

typedef struct _ClsDataset ClsDataset;

/**
 * ClsLoadOptions:
 * @summary: label value, channel, logits
 * @strict: stop at the first case that fails instead of reporting it
 * @n_threads: worker threads (0: one per core)
 * @max_bytes: per-volume memory budget (0: the default)
 */
typedef struct {
  ClsSummaryOptions summary;
  gboolean          strict;
  guint             n_threads;
  guint64           max_bytes;
} ClsLoadOptions;

void cls_load_options_init (ClsLoadOptions *options);

/**
 * ClsCaseFailure:
 * @case_id: the case
 * @model: (nullable): the model, or %NULL when the case fails for all
 * @message: why, naming the file
 */
typedef struct {
  char *case_id;
  char *model;
  char *message;
} ClsCaseFailure;

/**
 * ClsCaseSet:
 * @model: the model
 * @summaries: (element-type ClsCaseSummary): the cases that loaded, in
 *   dataset order
 * @failures: (element-type ClsCaseFailure): the cases that did not
 *
 * One model's loaded calibration set.
 */
typedef struct {
  char      *model;
  GPtrArray *summaries;
  GPtrArray *failures;
} ClsCaseSet;

/**
 * ClsSummaryFunc:
 * @dataset: the dataset
 * @case_index: the case
 * @model: the model
 * @summary: (transfer none): its summary
 * @user_data: closure data
 * @error: return location for a #GError
 *
 * Receives a summary from cls_dataset_summarize(), on a worker thread (so
 * it must be thread-safe).
 *
 * Returns: %FALSE with @error set when it could not do its work
 */
typedef gboolean (*ClsSummaryFunc) (ClsDataset      *dataset,
                                    guint            case_index,
                                    const char      *model,
                                    ClsCaseSummary  *summary,
                                    gpointer         user_data,
                                    GError         **error);

void                cls_case_set_free           (ClsCaseSet         *self);

ClsDataset         *cls_dataset_open            (const char         *path,
                                                 GError            **error);
ClsDataset         *cls_dataset_ref             (ClsDataset         *self);
void                cls_dataset_unref           (ClsDataset         *self);

const char         *cls_dataset_get_path        (const ClsDataset   *self);
const char         *cls_dataset_get_name        (const ClsDataset   *self);
gboolean            cls_dataset_is_manifest     (const ClsDataset   *self);
gboolean            cls_dataset_is_summaries    (const ClsDataset   *self);
const ClsSummaryOptions *cls_dataset_get_summary_options (const ClsDataset *self);
const char         *cls_dataset_get_summary_path (const ClsDataset  *self,
                                                 const char         *model,
                                                 guint               i);
guint               cls_dataset_get_n_cases     (const ClsDataset   *self);
const char         *cls_dataset_get_case_id     (const ClsDataset   *self,
                                                 guint               i);
int                 cls_dataset_find_case       (const ClsDataset   *self,
                                                 const char         *case_id);
const char         *cls_dataset_get_label_path  (const ClsDataset   *self,
                                                 guint               i);
const char         *cls_dataset_get_image_path  (const ClsDataset   *self,
                                                 guint               i);
const char         *cls_dataset_get_prob_path   (const ClsDataset   *self,
                                                 const char         *model,
                                                 guint               i);
const char * const *cls_dataset_get_models      (const ClsDataset   *self);
gboolean            cls_dataset_has_model       (const ClsDataset   *self,
                                                 const char         *model);
GPtrArray          *cls_dataset_get_warnings    (const ClsDataset   *self);

GPtrArray          *cls_dataset_load            (ClsDataset            *self,
                                                 const char * const    *models,
                                                 const ClsLoadOptions  *options,
                                                 ClsProgressFunc        progress,
                                                 gpointer               user_data,
                                                 GCancellable          *cancellable,
                                                 GError               **error);
GPtrArray          *cls_dataset_summarize       (ClsDataset            *self,
                                                 const char * const    *models,
                                                 const ClsLoadOptions  *options,
                                                 guint                  first,
                                                 guint                  end,
                                                 ClsSummaryFunc         func,
                                                 gpointer               func_data,
                                                 ClsProgressFunc        progress,
                                                 gpointer               user_data,
                                                 GCancellable          *cancellable,
                                                 GError               **error);
ClsCaseSet         *cls_dataset_load_model      (ClsDataset            *self,
                                                 const char            *model,
                                                 const ClsLoadOptions  *options,
                                                 ClsProgressFunc        progress,
                                                 gpointer               user_data,
                                                 GCancellable          *cancellable,
                                                 GError               **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ClsDataset, cls_dataset_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ClsCaseSet, cls_case_set_free)

G_END_DECLS
