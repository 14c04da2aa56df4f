/* cls-file-chooser.h: the one place that asks the user for a file or folder
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/**
 * ClsFileChooserMode:
 * @CLS_FILE_CHOOSER_OPEN_FILE: pick an existing file
 * @CLS_FILE_CHOOSER_OPEN_FOLDER: pick an existing folder
 * @CLS_FILE_CHOOSER_SAVE: name a file to write (the chooser asks before
 *   replacing an existing one)
 */
typedef enum {
  CLS_FILE_CHOOSER_OPEN_FILE,
  CLS_FILE_CHOOSER_OPEN_FOLDER,
  CLS_FILE_CHOOSER_SAVE,
} ClsFileChooserMode;

/**
 * ClsFileFilterSpec:
 * @name: what the user sees, e.g. "PNG image"
 * @pattern: a glob, e.g. "*.png"
 * @extension: (nullable): the extension to add to a typed name without one
 */
typedef struct {
  const char *name;
  const char *pattern;
  const char *extension;
} ClsFileFilterSpec;

/**
 * ClsFileChooserCallback:
 * @file: (nullable): the chosen file, %NULL when cancelled
 * @filter: the index of the filter that was active (0 when none)
 * @user_data: closure data
 */
typedef void (*ClsFileChooserCallback) (GFile    *file,
                                        guint     filter,
                                        gpointer  user_data);

void cls_file_chooser_run (GtkWindow               *parent,
                           ClsFileChooserMode       mode,
                           const char              *title,
                           const char              *accept_label,
                           const char              *initial_name,
                           const ClsFileFilterSpec *filters,
                           guint                    n_filters,
                           ClsFileChooserCallback   callback,
                           gpointer                 user_data);

G_END_DECLS
