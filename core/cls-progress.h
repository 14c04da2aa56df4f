/* cls-progress.h: how long-running core work reports progress
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * ClsProgressFunc:
 * @done: units of work finished so far
 * @total: units of work in all (0 when unknown)
 * @message: (nullable): what is being done now, e.g. a case id
 * @user_data: closure data
 *
 * Called from the thread doing the work (possibly a worker thread, but never
 * from two threads at once for the same operation). Must be cheap; a GUI
 * should only record the numbers and repaint from an idle or tick callback.
 */
typedef void (*ClsProgressFunc) (guint64     done,
                                 guint64     total,
                                 const char *message,
                                 gpointer    user_data);

G_END_DECLS
