/* cls-plot-view.h: a widget that shows one precomputed plot
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The view draws a #ClsPlot (built off the main thread, e.g. by the panel
 * functions of core/cls-plot-panels.h) in the theme's colours and font, and
 * reads out the data item under the pointer ("t = 0.62, FNR = 0.18") in a
 * tooltip and in its #ClsPlotView:readout property. Setting a new plot only
 * queues a redraw: drawing walks precomputed points.
 */
#pragma once

#include <gtk/gtk.h>

#include "cls-plot.h"

G_BEGIN_DECLS

#define CLS_TYPE_PLOT_VIEW (cls_plot_view_get_type ())

G_DECLARE_FINAL_TYPE (ClsPlotView, cls_plot_view, CLS, PLOT_VIEW, GtkWidget)

GtkWidget  *cls_plot_view_new         (void);
ClsPlot    *cls_plot_view_get_plot    (ClsPlotView   *self);
void        cls_plot_view_set_plot    (ClsPlotView   *self,
                                       ClsPlot       *plot);
const char *cls_plot_view_get_readout (ClsPlotView   *self);
char       *cls_plot_view_readout_at  (ClsPlotView   *self,
                                       double         x,
                                       double         y);
gboolean    cls_plot_view_get_area    (ClsPlotView   *self,
                                       ClsPlotArea   *area);
void        cls_plot_view_get_style   (ClsPlotView   *self,
                                       ClsPlotStyle  *style);
gboolean    cls_plot_view_save        (ClsPlotView   *self,
                                       const char    *path,
                                       int            width,
                                       int            height,
                                       GError       **error);

G_END_DECLS
