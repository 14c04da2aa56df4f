/* cls-atomic-file.h: files that appear whole or not at all
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every file the CLI or the app writes goes through here: the bytes go to a
 * temporary file in the destination folder, are synced, and the temporary
 * file is renamed over the destination. A failure at any step leaves the old
 * file untouched and removes the temporary one.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _ClsAtomicFile ClsAtomicFile;

ClsAtomicFile *cls_atomic_file_new      (const char     *path,
                                         GError        **error);
gboolean       cls_atomic_file_write    (ClsAtomicFile  *self,
                                         const void     *data,
                                         gsize           len,
                                         GError        **error);
gboolean       cls_atomic_file_commit   (ClsAtomicFile  *self,
                                         GError        **error);
void           cls_atomic_file_free     (ClsAtomicFile  *self);

gboolean       cls_atomic_write         (const char     *path,
                                         const void     *data,
                                         gsize           len,
                                         GError        **error);
gboolean       cls_path_is_same_file    (const char     *a,
                                         const char     *b);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ClsAtomicFile, cls_atomic_file_free)

G_END_DECLS
