/* cls-case-list.h: the calibration cases, sortable and filterable
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "cls-session.h"

G_BEGIN_DECLS

#define CLS_TYPE_CASE_LIST (cls_case_list_get_type ())

G_DECLARE_FINAL_TYPE (ClsCaseList, cls_case_list, CLS, CASE_LIST, GtkWidget)

GtkWidget  *cls_case_list_new                (void);
ClsSession *cls_case_list_get_session        (ClsCaseList *self);
void        cls_case_list_set_session        (ClsCaseList *self,
                                              ClsSession  *session);
gboolean    cls_case_list_get_only_violating (ClsCaseList *self);
void        cls_case_list_set_only_violating (ClsCaseList *self,
                                              gboolean     only_violating);
GListModel *cls_case_list_get_model          (ClsCaseList *self);
gboolean    cls_case_list_select_case        (ClsCaseList *self,
                                              const char  *case_id);
void        cls_case_list_select_relative    (ClsCaseList *self,
                                              int          delta);

G_END_DECLS
