/* cls-demo.h: a deterministic, honest synthetic calibration set
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "cls-progress.h"

G_BEGIN_DECLS

/**
 * ClsDemoOptions:
 * @n_cases: how many cases (default 60)
 * @seed: generator seed (default 20251)
 * @dims: volume size in voxels (default 96 x 96 x 48)
 *
 * A zeroed field means its default.
 */
typedef struct {
  guint   n_cases;
  guint64 seed;
  gint64  dims[3];
} ClsDemoOptions;

#define CLS_DEMO_DEFAULT_CASES 60
#define CLS_DEMO_DEFAULT_SEED  20251

const char * const *cls_demo_get_models (void);

gboolean cls_demo_write (const char           *outdir,
                         const ClsDemoOptions *options,
                         ClsProgressFunc       progress,
                         gpointer              user_data,
                         GCancellable         *cancellable,
                         GError              **error);

G_END_DECLS
