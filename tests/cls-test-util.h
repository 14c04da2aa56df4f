/* cls-test-util.h: small helpers shared by the tests
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>


G_BEGIN_DECLS

char   *cls_test_make_tmpdir   (void);
void    cls_test_rm_rf         (const char *path);
guint64 cls_test_seed          (void);

/* One run of the `cls` binary the build made ($CLS_BIN). */
typedef struct {
  int   status;       /* the exit status; -1: did not start */
  char *out;
  char *err;
} ClsTestRun;

ClsTestRun cls_test_run_cls   (const char * const   *env,
                               GSpawnChildSetupFunc  setup,
                               gpointer              setup_data,
                               const char * const   *args);
void       cls_test_run_clear (ClsTestRun           *run);

G_END_DECLS

#include "cls-summary.h"

G_BEGIN_DECLS

ClsCaseSummary *cls_test_summary_new (const char    *case_id,
                                      const double  *probs,
                                      const guint8  *lesion,
                                      gsize          n);
guint32         cls_test_flood_fill  (const guint8  *mask,
                                      const gint64   dims[3],
                                      gint32        *label);
ClsCaseSummary *cls_test_summary_new_from_grid (const char   *case_id,
                                                const gint64  dims[3],
                                                const double  spacing[3],
                                                const double *probs,
                                                const guint8 *lesion);

G_END_DECLS
