/* cls-control-panel.h: ε, α, model, policy, method and evaluation settings
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "cls-session.h"

G_BEGIN_DECLS

#define CLS_TYPE_CONTROL_PANEL (cls_control_panel_get_type ())

G_DECLARE_FINAL_TYPE (ClsControlPanel, cls_control_panel, CLS, CONTROL_PANEL, GtkWidget)

GtkWidget     *cls_control_panel_new                  (void);
ClsSession    *cls_control_panel_get_session          (ClsControlPanel *self);
void           cls_control_panel_set_session          (ClsControlPanel *self,
                                                       ClsSession      *session);
GtkAdjustment *cls_control_panel_get_epsilon          (ClsControlPanel *self);
GtkAdjustment *cls_control_panel_get_alpha            (ClsControlPanel *self);
GtkAdjustment *cls_control_panel_get_cal_fraction     (ClsControlPanel *self);
GtkAdjustment *cls_control_panel_get_n_splits         (ClsControlPanel *self);
GtkAdjustment *cls_control_panel_get_seed             (ClsControlPanel *self);
GtkDropDown   *cls_control_panel_get_model_dropdown   (ClsControlPanel *self);
GtkDropDown   *cls_control_panel_get_method_dropdown  (ClsControlPanel *self);
GtkDropDown   *cls_control_panel_get_policy_dropdown  (ClsControlPanel *self);
GtkDropDown   *cls_control_panel_get_guarantee_dropdown (ClsControlPanel *self);
GtkDropDown   *cls_control_panel_get_loss_dropdown    (ClsControlPanel *self);
GtkAdjustment *cls_control_panel_get_delta            (ClsControlPanel *self);
GtkAdjustment *cls_control_panel_get_lesion_coverage  (ClsControlPanel *self);
const char    *cls_control_panel_get_method_note      (ClsControlPanel *self);

const char    *cls_control_panel_refusal              (ClsMethod        method,
                                                       ClsLoss          loss,
                                                       gboolean         has_lesions);

double         cls_control_panel_round                (double           value,
                                                       guint            digits);

G_END_DECLS
