/* cls-session.h: the loaded dataset, its calibration and the current case
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "cls-calibration.h"
#include "cls-dataset.h"
#include "cls-evaluation.h"
#include "cls-volume.h"

G_BEGIN_DECLS

#define CLS_TYPE_SESSION (cls_session_get_type ())

G_DECLARE_FINAL_TYPE (ClsSession, cls_session, CLS, SESSION, GObject)

ClsSession           *cls_session_new                  (void);

void                  cls_session_set_data             (ClsSession                 *self,
                                                        ClsDataset                 *dataset,
                                                        GPtrArray                  *sets,
                                                        gboolean                    synthetic);
gboolean              cls_session_has_data             (ClsSession                 *self);
ClsDataset           *cls_session_get_dataset          (ClsSession                 *self);
gboolean              cls_session_get_synthetic        (ClsSession                 *self);
guint                 cls_session_get_n_models         (ClsSession                 *self);
const char           *cls_session_get_model_name       (ClsSession                 *self,
                                                        guint                       i);
const char           *cls_session_get_model            (ClsSession                 *self);
guint                 cls_session_get_model_index      (ClsSession                 *self);
void                  cls_session_set_model            (ClsSession                 *self,
                                                        const char                 *model);
const ClsCaseSet     *cls_session_get_case_set         (ClsSession                 *self);
GPtrArray            *cls_session_dup_summaries        (ClsSession                 *self,
                                                        guint                       model);
GListModel           *cls_session_get_rows             (ClsSession                 *self);

void                  cls_session_set_epsilon          (ClsSession                 *self,
                                                        double                      epsilon);
void                  cls_session_set_alpha            (ClsSession                 *self,
                                                        double                      alpha);
void                  cls_session_set_method           (ClsSession                 *self,
                                                        ClsMethod                   method);
void                  cls_session_set_guarantee        (ClsSession                 *self,
                                                        ClsGuarantee                guarantee);
void                  cls_session_set_delta            (ClsSession                 *self,
                                                        double                      delta);
ClsFraction           cls_session_get_delta            (ClsSession                 *self);
void                  cls_session_set_loss             (ClsSession                 *self,
                                                        ClsLoss                     loss);
void                  cls_session_set_lesion_coverage  (ClsSession                 *self,
                                                        double                      coverage);
gboolean              cls_session_has_lesions          (ClsSession                 *self);
void                  cls_session_set_empty_policy     (ClsSession                 *self,
                                                        ClsEmptyPolicy              policy);
void                  cls_session_set_n_splits         (ClsSession                 *self,
                                                        guint                       n_splits);
void                  cls_session_set_cal_fraction     (ClsSession                 *self,
                                                        double                      fraction);
void                  cls_session_set_seed             (ClsSession                 *self,
                                                        guint64                     seed);
void                  cls_session_freeze               (ClsSession                 *self);
void                  cls_session_thaw                 (ClsSession                 *self);

void                  cls_session_get_params           (ClsSession                 *self,
                                                        ClsCalibrationParams       *params);
void                  cls_session_get_eval_params      (ClsSession                 *self,
                                                        ClsEvaluationParams        *eval);
const ClsCalibration *cls_session_get_calibration      (ClsSession                 *self);
const GError         *cls_session_get_calibration_error (ClsSession                *self);
const ClsEvaluation  *cls_session_get_evaluation       (ClsSession                 *self);
const GError         *cls_session_get_evaluation_error (ClsSession                 *self);
gint64                cls_session_get_recompute_usec   (ClsSession                 *self);
void                  cls_session_recompute            (ClsSession                 *self);

void                  cls_session_select_case          (ClsSession                 *self,
                                                        const char                 *case_id);
const char           *cls_session_get_case_id          (ClsSession                 *self);
gboolean              cls_session_get_case_loading     (ClsSession                 *self);
ClsVolume            *cls_session_get_image            (ClsSession                 *self);
ClsVolume            *cls_session_get_prob             (ClsSession                 *self);
ClsVolume            *cls_session_get_label            (ClsSession                 *self);
const GError         *cls_session_get_case_error       (ClsSession                 *self);
const char           *cls_session_get_case_warning     (ClsSession                 *self);
const ClsCaseResult  *cls_session_get_case_result      (ClsSession                 *self,
                                                        const char                 *case_id);

G_END_DECLS
