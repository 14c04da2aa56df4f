/* cls-load-dialog.h: loading a dataset in a worker thread, with progress
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "cls-dataset.h"
#include "cls-demo.h"

G_BEGIN_DECLS

#define CLS_TYPE_LOAD_DIALOG (cls_load_dialog_get_type ())

G_DECLARE_FINAL_TYPE (ClsLoadDialog, cls_load_dialog, CLS, LOAD_DIALOG, GtkWindow)

void      cls_load_dialog_load_async  (GtkWindow             *parent,
                                       const char            *path,
                                       const ClsDemoOptions  *demo,
                                       GAsyncReadyCallback    callback,
                                       gpointer               user_data);
gboolean  cls_load_dialog_load_finish (GAsyncResult          *result,
                                       ClsDataset           **dataset,
                                       GPtrArray            **sets,
                                       GError               **error);

char     *cls_demo_default_path       (void);

G_END_DECLS
