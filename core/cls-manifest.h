/* cls-manifest.h: the CSV manifest (case,label,model,prob[,image])
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * ClsManifestRow:
 * @line: the line number where the row starts (1-based)
 * @case_id: the case
 * @label: label path, resolved against the manifest's folder
 * @model: the model
 * @prob: probability map path, resolved
 * @image: (nullable): image path, resolved
 */
typedef struct {
  guint  line;
  char  *case_id;
  char  *label;
  char  *model;
  char  *prob;
  char  *image;
} ClsManifestRow;

typedef struct _ClsManifest ClsManifest;

ClsManifest          *cls_manifest_parse          (const char   *path,
                                                   const char   *contents,
                                                   gsize         length,
                                                   GError      **error);
ClsManifest          *cls_manifest_load           (const char   *path,
                                                   GError      **error);
void                  cls_manifest_free           (ClsManifest  *self);
guint                 cls_manifest_get_n_rows     (const ClsManifest *self);
const ClsManifestRow *cls_manifest_get_row        (const ClsManifest *self,
                                                   guint              i);
GPtrArray            *cls_manifest_get_warnings   (const ClsManifest *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ClsManifest, cls_manifest_free)

G_END_DECLS
