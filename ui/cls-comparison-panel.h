/* cls-comparison-panel.h: every method side by side on the same splits
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "cls-report-methods.h"
#include "cls-session.h"

G_BEGIN_DECLS

/**
 * ClsComparisonColumn:
 * @CLS_COMPARISON_METHOD: the method
 * @CLS_COMPARISON_T_HAT: t̂, mean ± sd over the splits
 * @CLS_COMPARISON_ECR: the share of test cases with a loss ≤ ε
 * @CLS_COMPARISON_FNR: the test FNR
 * @CLS_COMPARISON_PC: the share of voxels in the mask
 * @CLS_COMPARISON_LESIONS_MISSED: the share of test lesions with no voxel
 *   in the mask
 * @CLS_COMPARISON_LESION_FNR: the lesion-level FNR (lesions not detected)
 * @CLS_COMPARISON_N_COLUMNS: how many
 *
 * The columns of the table; every number is "mean ± sd" over the splits,
 * "—" where there is none.
 */
typedef enum {
  CLS_COMPARISON_METHOD,
  CLS_COMPARISON_T_HAT,
  CLS_COMPARISON_ECR,
  CLS_COMPARISON_FNR,
  CLS_COMPARISON_PC,
  CLS_COMPARISON_LESIONS_MISSED,
  CLS_COMPARISON_LESION_FNR,
  CLS_COMPARISON_N_COLUMNS
} ClsComparisonColumn;

#define CLS_TYPE_COMPARISON_PANEL (cls_comparison_panel_get_type ())

G_DECLARE_FINAL_TYPE (ClsComparisonPanel, cls_comparison_panel, CLS, COMPARISON_PANEL, GtkWidget)

GtkWidget                 *cls_comparison_panel_new             (void);
ClsSession                *cls_comparison_panel_get_session     (ClsComparisonPanel  *self);
void                       cls_comparison_panel_set_session     (ClsComparisonPanel  *self,
                                                                 ClsSession          *session);
gboolean                   cls_comparison_panel_get_busy        (ClsComparisonPanel  *self);
const ClsMethodComparison *cls_comparison_panel_get_comparison  (ClsComparisonPanel  *self);
const char                *cls_comparison_panel_get_text        (ClsComparisonPanel  *self,
                                                                 guint                row,
                                                                 ClsComparisonColumn  column);

const char                *cls_comparison_panel_get_method      (ClsComparisonPanel  *self,
                                                                 guint                which);
void                       cls_comparison_panel_set_method      (ClsComparisonPanel  *self,
                                                                 guint                which,
                                                                 const char          *id);
gboolean                   cls_comparison_panel_get_compare     (ClsComparisonPanel  *self);
void                       cls_comparison_panel_set_compare     (ClsComparisonPanel  *self,
                                                                 gboolean             compare);
double                     cls_comparison_panel_get_cut         (ClsComparisonPanel  *self,
                                                                 guint                which);
const char                *cls_comparison_panel_get_label       (ClsComparisonPanel  *self,
                                                                 guint                which);

char                      *cls_method_row_id                    (const ClsMethodRow  *row);
gboolean                   cls_method_id_params                 (const char          *id,
                                                                 const ClsCalibrationParams *base,
                                                                 ClsCalibrationParams *params,
                                                                 gboolean            *fixed);

G_END_DECLS
