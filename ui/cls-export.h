/* cls-export.h: plots, the calibration, masks and screenshots to files
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "cls-plot.h"
#include "cls-session.h"
#include "cls-tri-planar.h"

G_BEGIN_DECLS

void      cls_export_plot           (GtkWindow    *parent,
                                     ClsSession   *session,
                                     ClsPlot      *plot,
                                     const char   *name);
void      cls_export_calibration    (GtkWindow    *parent,
                                     ClsSession   *session);
void      cls_export_masks          (GtkWindow    *parent,
                                     ClsSession   *session,
                                     gboolean      all_cases);
void      cls_export_screenshot     (GtkWindow    *parent,
                                     ClsSession   *session,
                                     ClsTriPlanar *views);

gboolean  cls_export_check_target   (ClsSession   *session,
                                     const char   *path,
                                     GError      **error);
char     *cls_export_mask_name      (const char   *case_id);
gboolean  cls_export_write_mask     (ClsVolume    *prob,
                                     double        cut,
                                     const char   *path,
                                     GError      **error);

G_END_DECLS
