/* cls-window-test.h: what the main-window tests share
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Setting up GTK under a virtual X server, a small demo set, and opening,
 * waiting for and closing a ClsWindow.
 */
#pragma once

#include <gtk/gtk.h>

#include "cls-window.h"

G_BEGIN_DECLS

gboolean   cls_window_test_init       (int         *argc,
                                       char      ***argv);
char      *cls_window_test_write_demo (void);
void       cls_window_test_iterate    (void);
ClsWindow *cls_window_test_open       (const char  *path,
                                       int          width,
                                       int          height);
void       cls_window_test_wait       (ClsWindow   *window);
void       cls_window_test_close      (ClsWindow   *window);

G_END_DECLS
