/* cls-plot-panels.h: the six figures of CLS Studio
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each function takes plain data or core results, computes the points once
 * and returns an immutable #ClsPlot; cls_plot_draw() then only draws. They
 * touch no GUI state, so they may run on a worker thread. The same plots are
 * the app's live panels and the report's figures.
 *
 * Colours keep their meaning everywhere: t = 0.5 blue, t̂ orange, a case's
 * t_i bluish green, ε reddish purple, the theory grey, 1 − α dashed.
 */
#pragma once

#include "cls-calibration.h"
#include "cls-plot.h"
#include "cls-sweep.h"

G_BEGIN_DECLS

/**
 * ClsPlotPanel:
 * @CLS_PLOT_PANEL_LOSS: (a) a case's loss curve FNR(t), or its lesion loss
 *   curve with the lesion loss
 * @CLS_PLOT_PANEL_THRESHOLDS: (b) histogram of the calibration cases' t_i
 * @CLS_PLOT_PANEL_ECR_ALPHA: (c) ECR against α with the theory band
 * @CLS_PLOT_PANEL_PC_ALPHA: (d) PC against α, one line per model
 * @CLS_PLOT_PANEL_FNR: (e) per-case FNR at t = 0.5 and at t̂
 * @CLS_PLOT_PANEL_ECR_FRACTION: (f) ECR against the calibration fraction
 */
typedef enum {
  CLS_PLOT_PANEL_LOSS,
  CLS_PLOT_PANEL_THRESHOLDS,
  CLS_PLOT_PANEL_ECR_ALPHA,
  CLS_PLOT_PANEL_PC_ALPHA,
  CLS_PLOT_PANEL_FNR,
  CLS_PLOT_PANEL_ECR_FRACTION,
} ClsPlotPanel;

#define CLS_PLOT_N_PANELS 6

const char *cls_plot_panel_to_string                  (ClsPlotPanel          panel);
const char *cls_plot_panel_get_name                   (ClsPlotPanel          panel);

void        cls_plot_panel_loss_points                (const ClsCaseSummary *summary,
                                                       const ClsValueMap    *map,
                                                       double              **t,
                                                       double              **fnr,
                                                       guint                *n);

ClsPlot    *cls_plot_panel_loss                       (const ClsCaseSummary *summary,
                                                       ClsNormalize          normalize,
                                                       double                epsilon,
                                                       double                t_i,
                                                       double                t_hat);
void        cls_plot_panel_lesion_loss_points         (const ClsCaseSummary *summary,
                                                       const ClsValueMap    *map,
                                                       ClsFraction           coverage,
                                                       double              **t,
                                                       double              **loss,
                                                       guint                *n);
ClsPlot    *cls_plot_panel_lesion_loss                (const ClsCaseSummary *summary,
                                                       ClsNormalize          normalize,
                                                       ClsFraction           coverage,
                                                       double                epsilon,
                                                       double                t_i,
                                                       double                t_hat);
ClsPlot    *cls_plot_panel_loss_for_case              (const ClsCalibration *calibration,
                                                       guint                 i);

ClsPlot    *cls_plot_panel_thresholds                 (const double         *t,
                                                       guint                 n,
                                                       double                t_hat,
                                                       double                t_selected);
ClsPlot    *cls_plot_panel_thresholds_for_calibration (const ClsCalibration *calibration,
                                                       int                   selected);

ClsPlot    *cls_plot_panel_ecr_alpha                  (const ClsSweep       *sweep,
                                                       const char           *model);
ClsPlot    *cls_plot_panel_pc_alpha                   (ClsSweep * const     *sweeps,
                                                       const char * const   *models,
                                                       guint                 n_models);

ClsPlot    *cls_plot_panel_fnr                        (const double         *fnr_fixed,
                                                       const double         *fnr_calibrated,
                                                       guint                 n,
                                                       double                epsilon,
                                                       double                t_hat);
ClsPlot    *cls_plot_panel_fnr_for_calibration        (const ClsCalibration *calibration);

ClsPlot    *cls_plot_panel_ecr_fraction               (const ClsSweep       *sweep,
                                                       const char           *model);

G_END_DECLS
