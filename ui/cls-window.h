/* cls-window.h: the main window of CLS Studio
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "cls-application.h"
#include "cls-case-list.h"
#include "cls-comparison-panel.h"
#include "cls-control-panel.h"
#include "cls-session.h"
#include "cls-summary-panel.h"

G_BEGIN_DECLS

#define CLS_TYPE_WINDOW (cls_window_get_type ())

G_DECLARE_FINAL_TYPE (ClsWindow, cls_window, CLS, WINDOW, GtkApplicationWindow)

ClsWindow       *cls_window_new               (ClsApplication *application);
void             cls_window_open              (ClsWindow      *self,
                                               GFile          *file);
void             cls_window_open_demo         (ClsWindow      *self);
gboolean         cls_window_has_data          (ClsWindow      *self);
gboolean         cls_window_is_loading        (ClsWindow      *self);
ClsSession      *cls_window_get_session       (ClsWindow      *self);
ClsControlPanel *cls_window_get_control_panel (ClsWindow      *self);
ClsSummaryPanel *cls_window_get_summary_panel (ClsWindow      *self);
ClsCaseList     *cls_window_get_case_list     (ClsWindow      *self);
GtkWidget       *cls_window_get_views         (ClsWindow      *self);
GtkWidget       *cls_window_get_plots_panel   (ClsWindow      *self);
ClsComparisonPanel *cls_window_get_comparison_panel (ClsWindow   *self);
void             cls_window_show_comparison   (ClsWindow      *self);

G_END_DECLS
