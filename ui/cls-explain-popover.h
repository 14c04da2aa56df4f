/* cls-explain-popover.h: the guarantee in words, with the current numbers
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "cls-session.h"

G_BEGIN_DECLS

#define CLS_TYPE_EXPLAIN_POPOVER (cls_explain_popover_get_type ())

G_DECLARE_FINAL_TYPE (ClsExplainPopover, cls_explain_popover, CLS, EXPLAIN_POPOVER, GtkPopover)

GtkWidget *cls_explain_popover_new          (void);
void       cls_explain_popover_set_session  (ClsExplainPopover *self,
                                             ClsSession        *session);
char      *cls_explain_guarantee            (ClsSession        *session);
char      *cls_explain_guarantee_short      (const ClsCalibrationParams *params);
char      *cls_explain_details              (ClsSession        *session);

G_END_DECLS
