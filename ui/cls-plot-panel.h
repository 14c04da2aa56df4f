/* cls-plot-panel.h: the six plots of the window, live and swept
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The type is ClsPlotsPanel: core/cls-plot-panels.h already names the
 * figures themselves ClsPlotPanel.
 */
#pragma once

#include <gtk/gtk.h>

#include "cls-plot.h"
#include "cls-session.h"

G_BEGIN_DECLS

#define CLS_TYPE_PLOTS_PANEL (cls_plots_panel_get_type ())

G_DECLARE_FINAL_TYPE (ClsPlotsPanel, cls_plots_panel, CLS, PLOTS_PANEL, GtkWidget)

GtkWidget  *cls_plots_panel_new              (void);
void        cls_plots_panel_set_session      (ClsPlotsPanel *self,
                                              ClsSession    *session);
ClsPlot    *cls_plots_panel_get_plot         (ClsPlotsPanel *self,
                                              guint          panel);
ClsPlot    *cls_plots_panel_get_current_plot (ClsPlotsPanel *self);
const char *cls_plots_panel_get_current_name (ClsPlotsPanel *self);
gboolean    cls_plots_panel_get_busy         (ClsPlotsPanel *self);

G_END_DECLS
