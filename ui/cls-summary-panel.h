/* cls-summary-panel.h: n, k, t̂, feasibility and the evaluation at a glance
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "cls-session.h"

G_BEGIN_DECLS

/**
 * ClsSummaryField:
 * @CLS_SUMMARY_CASES: n, "%u", with the skipped empty masks in brackets
 * @CLS_SUMMARY_RANK: "k of n" (CRC: the bound (n R̂ + 1) / (n + 1) at ĉ;
 *   LTT: the p-value at ĉ)
 * @CLS_SUMMARY_T_HAT: t̂, "%.4f"
 * @CLS_SUMMARY_CUT: the probability cut, "p ≥ %.6g"
 * @CLS_SUMMARY_FEASIBLE: "Yes", or "No: needs at least N cases"
 * @CLS_SUMMARY_COVERED: calibration cases with L ≤ ε at t̂, "c of n"
 * @CLS_SUMMARY_ECR_FIXED: test ECR at t = 0.5 over the splits, "%.3f ± %.3f"
 * @CLS_SUMMARY_ECR_CALIBRATED: the same at t̂
 * @CLS_SUMMARY_ECR_THEORY: k / (n_cal + 1), "%.3f"
 * @CLS_SUMMARY_FNR_FIXED: test FNR at t = 0.5, "%.3f ± %.3f"
 * @CLS_SUMMARY_FNR_CALIBRATED: the same at t̂
 * @CLS_SUMMARY_PC_FIXED: test PC at t = 0.5, "%.4f ± %.4f"
 * @CLS_SUMMARY_PC_CALIBRATED: the same at t̂
 * @CLS_SUMMARY_MESSAGE: why something is missing, or empty
 * @CLS_SUMMARY_GUARANTEE: what the method guarantees, in symbols
 *   (cls_explain_guarantee_short())
 *
 * The values the panel shows, for tests and for the explain popover.
 */
typedef enum {
  CLS_SUMMARY_CASES,
  CLS_SUMMARY_RANK,
  CLS_SUMMARY_T_HAT,
  CLS_SUMMARY_CUT,
  CLS_SUMMARY_FEASIBLE,
  CLS_SUMMARY_COVERED,
  CLS_SUMMARY_ECR_FIXED,
  CLS_SUMMARY_ECR_CALIBRATED,
  CLS_SUMMARY_ECR_THEORY,
  CLS_SUMMARY_FNR_FIXED,
  CLS_SUMMARY_FNR_CALIBRATED,
  CLS_SUMMARY_PC_FIXED,
  CLS_SUMMARY_PC_CALIBRATED,
  CLS_SUMMARY_MESSAGE,
  CLS_SUMMARY_GUARANTEE,
  CLS_SUMMARY_N_FIELDS
} ClsSummaryField;

#define CLS_TYPE_SUMMARY_PANEL (cls_summary_panel_get_type ())

G_DECLARE_FINAL_TYPE (ClsSummaryPanel, cls_summary_panel, CLS, SUMMARY_PANEL, GtkWidget)

GtkWidget  *cls_summary_panel_new         (void);
ClsSession *cls_summary_panel_get_session (ClsSummaryPanel *self);
void        cls_summary_panel_set_session (ClsSummaryPanel *self,
                                           ClsSession      *session);
const char *cls_summary_panel_get_text    (ClsSummaryPanel *self,
                                           ClsSummaryField  field);
void        cls_summary_panel_explain     (ClsSummaryPanel *self);

char       *cls_format_stat               (ClsStat          stat,
                                           int              digits);

G_END_DECLS
