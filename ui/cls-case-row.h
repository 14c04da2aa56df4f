/* cls-case-row.h: one row of the case list, updated in place
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "cls-calibration.h"

G_BEGIN_DECLS

#define CLS_TYPE_CASE_ROW (cls_case_row_get_type ())

G_DECLARE_FINAL_TYPE (ClsCaseRow, cls_case_row, CLS, CASE_ROW, GObject)

ClsCaseRow     *cls_case_row_new              (ClsCaseSummary      *summary,
                                               int                  dataset_index);
ClsCaseSummary *cls_case_row_get_summary      (ClsCaseRow          *self);
const char     *cls_case_row_get_case_id      (ClsCaseRow          *self);
int             cls_case_row_get_dataset_index (ClsCaseRow         *self);
gboolean        cls_case_row_get_covered      (ClsCaseRow          *self);
gboolean        cls_case_row_get_violating    (ClsCaseRow          *self);
gboolean        cls_case_row_get_skipped      (ClsCaseRow          *self);
void            cls_case_row_watch            (ClsCaseRow          *self);
void            cls_case_row_unwatch          (ClsCaseRow          *self);
void            cls_case_row_update           (ClsCaseRow          *self,
                                               const ClsCaseResult *result);

G_END_DECLS
