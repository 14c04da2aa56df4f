/* cls-strata.h: Mondrian calibration by predicted lesion size
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One threshold for all cases guarantees coverage on average over cases;
 * small lesions, which are harder, may then be covered far less often than
 * large ones. Mondrian conformal calibration splits the cases into strata
 * and calibrates each on its own, so that each stratum has its own
 * guarantee, P(L <= ε | stratum) >= 1 - α.
 *
 * A new case's stratum must be known before its ground truth is: the
 * strata go by the PREDICTED size, the equivalent diameter of the model's
 * mask {p >= 0.5} (its voxel count from the count index times the voxel
 * volume), in the bands < 5 mm, 5–10 mm and > 10 mm. Stratifying by the
 * true lesion size would make the guarantee conditional on something no one
 * knows when the threshold is applied.
 */
#pragma once

#include <glib.h>

#include "cls-summary.h"

G_BEGIN_DECLS

/**
 * ClsStrata:
 * @CLS_STRATA_NONE: one threshold for all cases
 * @CLS_STRATA_SIZE: one threshold per predicted-size band
 */
typedef enum {
  CLS_STRATA_NONE,
  CLS_STRATA_SIZE,
} ClsStrata;

#define CLS_MAX_STRATA 3

const char *cls_strata_to_string        (ClsStrata             strata);
gboolean    cls_strata_from_string      (const char           *text,
                                         ClsStrata            *out);
guint       cls_strata_get_n            (ClsStrata             strata);
const char *cls_stratum_to_string       (ClsStrata             strata,
                                         guint                 stratum);
const char *cls_stratum_get_label       (ClsStrata             strata,
                                         guint                 stratum);

double      cls_case_predicted_diameter (const ClsCaseSummary *summary);
gboolean    cls_case_stratum            (const ClsCaseSummary *summary,
                                         ClsStrata             strata,
                                         guint                *stratum,
                                         GError              **error);

G_END_DECLS
