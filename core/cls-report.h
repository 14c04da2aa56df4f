/* cls-report.h: the paper's experiments for any dataset (`cls report`)
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * For every dataset, model and epsilon, an evaluation over random splits at
 * a fixed alpha: Table 1 (test FNR at 0.5 and at t̂), Table 2 (ECR at 0.5
 * and at t̂) and what the paper leaves out (t̂ and its spread, lesions missed
 * entirely, false positive rate), and every method side by side at the
 * figures' epsilon (cls-report-methods.h). Tables are written as CSV, JSON and
 * Markdown with locale-independent numbers, so the same seed gives
 * byte-identical files.
 */
#pragma once

#include <gio/gio.h>

#include "cls-dataset.h"
#include "cls-evaluation.h"
#include "cls-progress.h"
#include "cls-report-methods.h"

G_BEGIN_DECLS

/**
 * ClsReportOptions:
 * @models: (nullable) (array zero-terminated=1): models to include; %NULL: all
 * @epsilons: (element-type ClsFraction): the epsilon grid (Table rows)
 * @calibration: alpha, method, empty-mask policy, normalisation
 * @eval: splits, calibration fraction, seed
 * @load: how volumes are read
 * @figure_epsilon: the epsilon of the figures and of the methods side by
 *   side (default 0.2)
 */
typedef struct {
  GStrv                models;
  GArray              *epsilons;
  ClsCalibrationParams calibration;
  ClsEvaluationParams  eval;
  ClsLoadOptions       load;
  ClsFraction          figure_epsilon;
} ClsReportOptions;

void cls_report_options_init  (ClsReportOptions *options);
void cls_report_options_clear (ClsReportOptions *options);

/**
 * ClsReportCell:
 *
 * One evaluation: a dataset, a model, an epsilon.
 */
typedef struct {
  char        *dataset;
  char        *model;
  ClsFraction  epsilon;
  guint        n;
  guint        n_skipped;
  guint        n_failed;
  guint        n_cal;
  guint        n_test;
  guint64      rank;
  gboolean     feasible;
  double       theory_ecr;
  ClsStat      t_hat;
  ClsStat      ecr_fixed;
  ClsStat      ecr_calibrated;
  ClsStat      fnr_fixed;
  ClsStat      fnr_calibrated;
  ClsStat      pc_fixed;
  ClsStat      pc_calibrated;
  ClsStat      missed_fixed;
  ClsStat      missed_calibrated;
  ClsStat      fpr_fixed;
  ClsStat      fpr_calibrated;
} ClsReportCell;

typedef struct _ClsReport ClsReport;

ClsReport           *cls_report_new              (const char * const     *datasets,
                                                  const ClsReportOptions *options,
                                                  ClsProgressFunc         progress,
                                                  gpointer                user_data,
                                                  GCancellable           *cancellable,
                                                  GError                **error);
void                 cls_report_free             (ClsReport              *self);

guint                cls_report_get_n_cells      (const ClsReport        *self);
const ClsReportCell *cls_report_get_cell         (const ClsReport        *self,
                                                  guint                   i);
const ClsReportCell *cls_report_find_cell        (const ClsReport        *self,
                                                  const char             *dataset,
                                                  const char             *model,
                                                  ClsFraction             epsilon);
const char * const  *cls_report_get_datasets     (const ClsReport        *self);
const char * const  *cls_report_get_models       (const ClsReport        *self);
GPtrArray           *cls_report_get_case_sets    (const ClsReport        *self,
                                                  guint                   dataset);
GPtrArray           *cls_report_get_warnings     (const ClsReport        *self);
const ClsReportOptions *cls_report_get_options   (const ClsReport        *self);
const ClsMethodComparison *cls_report_get_methods (const ClsReport       *self);

char                *cls_report_table_csv        (const ClsReport        *self,
                                                  const char             *table);
char                *cls_report_table_markdown   (const ClsReport        *self,
                                                  const char             *table);
char                *cls_report_to_json          (const ClsReport        *self);
gboolean             cls_report_write_tables     (const ClsReport        *self,
                                                  const char             *outdir,
                                                  GError                **error);
void                 cls_report_csv_field        (GString                *out,
                                                  const char             *text);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ClsReport, cls_report_free)

G_END_DECLS
