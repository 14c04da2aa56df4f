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
 * @n_threads: worker threads (default: one per processor). Does not change
 *   the files written, only how fast they are written.
 *
 * A zeroed field means its default (each of @dims on its own).
 *
 * The phantom has a fixed physical size (76.8 x 76.8 x 120 mm, the default
 * dims at 0.8 x 0.8 x 2.5 mm): other @dims change the voxel spacing, not
 * the anatomy.
 */
typedef struct {
  guint   n_cases;
  guint64 seed;
  gint64  dims[3];
  guint   n_threads;
} ClsDemoOptions;

#define CLS_DEMO_DEFAULT_CASES 60
#define CLS_DEMO_DEFAULT_SEED  20251
#define CLS_DEMO_DEFAULT_DIM_X 96
#define CLS_DEMO_DEFAULT_DIM_Y 96
#define CLS_DEMO_DEFAULT_DIM_Z 48

/* Limits cls_demo_write() accepts. */
#define CLS_DEMO_MAX_CASES     10000
#define CLS_DEMO_MIN_DIM       8
#define CLS_DEMO_MAX_DIM       1024

const char * const *cls_demo_get_models            (void);
const char         *cls_demo_get_model_description (const char           *model);

gboolean            cls_demo_write                 (const char           *outdir,
                                                    const ClsDemoOptions *options,
                                                    ClsProgressFunc       progress,
                                                    gpointer              user_data,
                                                    GCancellable         *cancellable,
                                                    GError              **error);
gboolean            cls_demo_is_complete           (const char           *outdir,
                                                    const ClsDemoOptions *options);

guint16             cls_demo_float_to_half         (float                 value);
float               cls_demo_half_to_float         (guint16               half);

G_END_DECLS
