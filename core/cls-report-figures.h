/* cls-report-figures.h: the report's figures and its index.html
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Figures 4 to 7 of the paper, drawn by the same plot module as the app's
 * panels (core/cls-plot-panels.h), and one HTML page that shows the tables
 * and figures offline, straight from the folder.
 */
#pragma once

#include "cls-report.h"

G_BEGIN_DECLS

#define CLS_REPORT_FIGURE_WIDTH  900
#define CLS_REPORT_FIGURE_HEIGHT 600

gboolean cls_report_write_figures (const ClsReport            *report,
                                   const ClsCalibrationParams *figure_params,
                                   const char                 *outdir,
                                   gboolean                    pdf,
                                   ClsProgressFunc             progress,
                                   gpointer                    user_data,
                                   GCancellable               *cancellable,
                                   GError                    **error);

G_END_DECLS
