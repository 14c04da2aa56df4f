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

G_END_DECLS

#include "cls-summary.h"

G_BEGIN_DECLS

ClsCaseSummary *cls_test_summary_new (const char    *case_id,
                                      const double  *probs,
                                      const guint8  *lesion,
                                      gsize          n);

G_END_DECLS
