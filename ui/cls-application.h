/* cls-application.h: the CLS Studio application
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define CLS_TYPE_APPLICATION (cls_application_get_type ())

G_DECLARE_FINAL_TYPE (ClsApplication, cls_application, CLS, APPLICATION, GtkApplication)

ClsApplication *cls_application_new              (void);
GSettings      *cls_application_new_settings     (const char     *schema_id);
void            cls_application_add_recent       (ClsApplication *self,
                                                  const char     *path);
GMenuModel     *cls_application_get_recent_menu  (ClsApplication *self);
void            cls_application_show_about       (GtkWindow      *parent);
void            cls_application_show_error       (GtkWindow      *parent,
                                                  const char     *primary,
                                                  const char     *secondary);

G_END_DECLS
