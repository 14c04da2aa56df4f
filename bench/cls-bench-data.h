/* cls-bench-data.h: synthetic summaries and datasets for the benchmarks
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "cls-summary.h"

G_BEGIN_DECLS

#define CLS_BENCH_CT_DIM_X 512
#define CLS_BENCH_CT_DIM_Y 512
#define CLS_BENCH_CT_DIM_Z 300

int         cls_bench_compare_double       (const void  *a,
                                            const void  *b);
GPtrArray  *cls_bench_synthetic_summaries  (guint        n_cases,
                                            guint64      seed);
char       *cls_bench_ensure_demo          (const char  *cache_dir,
                                            guint        n_cases,
                                            const gint64 dims[3],
                                            GError     **error);
char       *cls_bench_write_manifest       (const char  *dataset,
                                            const char  *model,
                                            guint        n_cases,
                                            GError     **error);

G_END_DECLS
