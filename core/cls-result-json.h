/* cls-result-json.h: the JSON documents of `cls calibrate` and `cls evaluate`
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The CLI prints these with --json, the app exports the same documents, and
 * `cls apply --calibration` reads the calibration back.
 */
#pragma once

#include "cls-calibration.h"
#include "cls-evaluation.h"
#include "cls-json-writer.h"

G_BEGIN_DECLS

void     cls_calibration_write_json  (const ClsCalibration *calibration,
                                      ClsJsonWriter        *writer);
char    *cls_calibration_to_json     (const ClsCalibration *calibration);
void     cls_evaluation_write_json   (const ClsEvaluation  *evaluation,
                                      const char           *model,
                                      ClsJsonWriter        *writer);
char    *cls_evaluation_to_json      (const ClsEvaluation  *evaluation,
                                      const char           *model);

/**
 * ClsCalibrationFile:
 * @model: (nullable): the model it was made for
 * @cut: the probability cut: a new mask is {p >= cut}
 * @t_hat: t̂
 * @normalize: the normalisation the cut lives in
 * @feasible: whether the calibration had enough cases
 */
typedef struct {
  char         *model;
  double        cut;
  double        t_hat;
  ClsNormalize  normalize;
  gboolean      feasible;
} ClsCalibrationFile;

gboolean cls_calibration_file_read   (const char           *path,
                                      ClsCalibrationFile   *out,
                                      GError              **error);
void     cls_calibration_file_clear  (ClsCalibrationFile   *file);

G_END_DECLS
