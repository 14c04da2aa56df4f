/* cls-report-methods.h: every method side by side, for `cls report`
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Per dataset and model, at the figure's epsilon and the report's alpha,
 * on the same random splits: the fixed t = 0.5, the exact CLS threshold,
 * the paper's bisection, CLS with the training-conditional (PAC) guarantee,
 * conformal risk control of the expected FNR, Learn then Test, and when the
 * cases' lesions are known the exact and CRC thresholds of the lesion-level
 * loss; with --strata or --weights, those too. Each row: t̂, ECR, FNR, PC,
 * cases whose lesion is missed entirely, lesions with no voxel found, and
 * the lesion-level FNR.
 */
#pragma once

#include "cls-evaluation.h"
#include "cls-json-writer.h"

G_BEGIN_DECLS

/**
 * ClsMethodRow:
 * @dataset: the dataset
 * @model: the model
 * @label: the method as people read it ("exact", "crc, lesion loss", …)
 * @params: its calibration parameters (weights not kept)
 * @fixed: the row of the fixed t = 0.5
 * @weighted: whether it used the report's weights
 * @feasible: every split had a threshold with the guarantee
 * @n_infeasible: splits that had none
 * @lesions: the lesion measures are known
 * @note: (nullable): why the row has no numbers (a refused stratum, …)
 * @t_hat: t̂ over splits
 * @ecr: share of test cases with loss <= epsilon (for the row's loss)
 * @fnr: mean test FNR
 * @pc: mean test PC
 * @missed: share of test cases whose lesion is missed entirely
 * @lesion_missed: share of test lesions with no voxel in the mask
 * @lesion_fnr: mean test lesion-level FNR
 */
typedef struct {
  char                *dataset;
  char                *model;
  char                *label;
  ClsCalibrationParams params;
  gboolean             fixed;
  gboolean             weighted;
  gboolean             feasible;
  guint                n_infeasible;
  gboolean             lesions;
  char                *note;
  ClsStat              t_hat;
  ClsStat              ecr;
  ClsStat              fnr;
  ClsStat              pc;
  ClsStat              missed;
  ClsStat              lesion_missed;
  ClsStat              lesion_fnr;
} ClsMethodRow;

typedef struct _ClsMethodComparison ClsMethodComparison;

ClsMethodComparison *cls_method_comparison_new         (const ClsCalibrationParams *base,
                                                        const ClsEvaluationParams  *eval,
                                                        GCancellable               *cancellable,
                                                        GError                    **error);
gboolean             cls_method_comparison_add_model   (ClsMethodComparison        *self,
                                                        const char                 *dataset,
                                                        const char                 *model,
                                                        ClsCaseSummary * const     *cases,
                                                        guint                       n_cases,
                                                        GError                    **error);
void                 cls_method_comparison_free        (ClsMethodComparison        *self);

guint                cls_method_comparison_get_n_rows  (const ClsMethodComparison  *self);
const ClsMethodRow  *cls_method_comparison_get_row     (const ClsMethodComparison  *self,
                                                        guint                       i);
const ClsCalibrationParams *cls_method_comparison_get_base (const ClsMethodComparison *self);

char                *cls_method_comparison_to_csv      (const ClsMethodComparison  *self);
char                *cls_method_comparison_to_markdown (const ClsMethodComparison  *self);
char                *cls_method_comparison_to_html     (const ClsMethodComparison  *self,
                                                        const char                 *dataset);
void                 cls_method_comparison_write_json  (const ClsMethodComparison  *self,
                                                        ClsJsonWriter              *writer);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ClsMethodComparison, cls_method_comparison_free)

G_END_DECLS
