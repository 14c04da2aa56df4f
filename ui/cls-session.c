/* cls-session.c: the loaded dataset, its calibration and the current case
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The session holds what the window shows: the summaries of every model
 * (a thousand cases cost little memory), one ClsEvaluator per model kept
 * across slider moves, the calibration and evaluation of the current
 * parameters, the rows of the case list, and the volumes of the one case
 * being looked at.
 *
 * A parameter change recomputes synchronously on the main thread (both
 * steps take well under a frame) and emits ::changed once; the rows are
 * updated in place. Loading a case's volumes runs in a worker thread.
 */
#include "config.h"

#include <inttypes.h>

#include <glib/gi18n.h>

#include "cls-case-row.h"
#include "cls-error.h"
#include "cls-session.h"

struct _ClsSession
{
  GObject               parent_instance;

  ClsDataset           *dataset;
  GPtrArray            *sets;          /* ClsCaseSet, one per model */
  GHashTable           *evaluators;    /* model -> ClsEvaluator */
  gboolean              synthetic;
  guint                 model;
  GListStore           *rows;

  ClsCalibrationParams  params;        /* as chosen; delta kept apart */
  ClsFraction           delta;
  ClsEvaluationParams   eval;
  int                   lesions;       /* the model's cases know their lesions: -1 not asked */
  guint                 freeze_count;
  gboolean              dirty;

  ClsCalibration       *calibration;
  GError               *calibration_error;
  ClsEvaluation        *evaluation;
  GError               *evaluation_error;
  gint64                recompute_usec;

  char                 *case_id;
  guint                 case_model;
  GCancellable         *case_cancellable;
  ClsVolume            *image;
  ClsVolume            *prob;
  ClsVolume            *label;
  GError               *case_error;
  char                 *case_warning;  /* the files differ from what was loaded */
};

G_DEFINE_FINAL_TYPE (ClsSession, cls_session, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_MODEL,
  PROP_CASE_ID,
  PROP_CASE_LOADING,
  N_PROPS
};

enum {
  DATA_CHANGED,
  CHANGED,
  CASE_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
clear_case (ClsSession *self)
{
  g_cancellable_cancel (self->case_cancellable);
  g_clear_object (&self->case_cancellable);
  g_clear_pointer (&self->case_id, g_free);
  g_clear_pointer (&self->image, cls_volume_unref);
  g_clear_pointer (&self->prob, cls_volume_unref);
  g_clear_pointer (&self->label, cls_volume_unref);
  g_clear_error (&self->case_error);
  g_clear_pointer (&self->case_warning, g_free);
}

static void
cls_session_dispose (GObject *object)
{
  ClsSession *self = CLS_SESSION (object);

  clear_case (self);
  g_clear_object (&self->rows);

  G_OBJECT_CLASS (cls_session_parent_class)->dispose (object);
}

static void
cls_session_finalize (GObject *object)
{
  ClsSession *self = CLS_SESSION (object);

  g_clear_pointer (&self->calibration, cls_calibration_free);
  g_clear_pointer (&self->evaluation, cls_evaluation_free);
  g_clear_error (&self->calibration_error);
  g_clear_error (&self->evaluation_error);
  g_clear_pointer (&self->evaluators, g_hash_table_unref);
  g_clear_pointer (&self->sets, g_ptr_array_unref);
  g_clear_pointer (&self->dataset, cls_dataset_unref);

  G_OBJECT_CLASS (cls_session_parent_class)->finalize (object);
}

static void
cls_session_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  ClsSession *self = CLS_SESSION (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      g_value_set_string (value, cls_session_get_model (self));
      break;

    case PROP_CASE_ID:
      g_value_set_string (value, self->case_id);
      break;

    case PROP_CASE_LOADING:
      g_value_set_boolean (value, cls_session_get_case_loading (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cls_session_class_init (ClsSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = cls_session_dispose;
  object_class->finalize = cls_session_finalize;
  object_class->get_property = cls_session_get_property;

  properties[PROP_MODEL] =
    g_param_spec_string ("model", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_CASE_ID] =
    g_param_spec_string ("case-id", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_CASE_LOADING] =
    g_param_spec_boolean ("case-loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * ClsSession::data-changed:
   *
   * A new dataset or another model: the rows were replaced.
   */
  signals[DATA_CHANGED] = g_signal_new ("data-changed", G_TYPE_FROM_CLASS (klass),
                                        G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                        G_TYPE_NONE, 0);
  /**
   * ClsSession::changed:
   *
   * The calibration and evaluation were recomputed (either may be %NULL
   * with an error saying why).
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass),
                                   G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 0);
  /**
   * ClsSession::case-changed:
   *
   * The current case's volumes were loaded, cleared or failed to load.
   */
  signals[CASE_CHANGED] = g_signal_new ("case-changed", G_TYPE_FROM_CLASS (klass),
                                        G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                        G_TYPE_NONE, 0);
}

static void
cls_session_init (ClsSession *self)
{
  self->rows = g_list_store_new (CLS_TYPE_CASE_ROW);
  self->evaluators = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            (GDestroyNotify) cls_evaluator_free);
  cls_calibration_params_init (&self->params);
  cls_evaluation_params_init (&self->eval);
  self->delta = CLS_DEFAULT_DELTA;
  self->lesions = -1;
}

ClsSession *
cls_session_new (void)
{
  return g_object_new (CLS_TYPE_SESSION, NULL);
}

static void
rebuild_rows (ClsSession *self)
{
  const ClsCaseSet *set = cls_session_get_case_set (self);
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_object_unref);

  if (set != NULL)
    for (guint i = 0; i < set->summaries->len; i++)
      {
        ClsCaseSummary *summary = g_ptr_array_index (set->summaries, i);
        int index = self->dataset != NULL
                    ? cls_dataset_find_case (self->dataset, cls_case_summary_get_case_id (summary))
                    : -1;

        g_ptr_array_add (rows, cls_case_row_new (summary, index));
      }

  g_list_store_splice (self->rows, 0, g_list_model_get_n_items (G_LIST_MODEL (self->rows)),
                       rows->pdata, rows->len);
}

/**
 * cls_session_set_data:
 * @self: a session
 * @dataset: (nullable): the dataset
 * @sets: (transfer full) (element-type ClsCaseSet) (nullable): what
 *   cls_dataset_load() returned
 * @synthetic: whether this is generated demo data
 *
 * Replaces the dataset, keeping the parameters, selects the first model
 * that has cases and recomputes.
 */
void
cls_session_set_data (ClsSession *self,
                      ClsDataset *dataset,
                      GPtrArray  *sets,
                      gboolean    synthetic)
{
  g_return_if_fail (CLS_IS_SESSION (self));

  clear_case (self);
  g_clear_pointer (&self->sets, g_ptr_array_unref);
  g_clear_pointer (&self->dataset, cls_dataset_unref);
  g_hash_table_remove_all (self->evaluators);

  self->dataset = dataset != NULL ? cls_dataset_ref (dataset) : NULL;
  self->sets = sets;
  self->lesions = -1;
  self->synthetic = synthetic;
  self->model = 0;
  if (sets != NULL)
    for (guint i = 0; i < sets->len; i++)
      {
        const ClsCaseSet *set = g_ptr_array_index (sets, i);

        if (set->summaries->len > 0)
          {
            self->model = i;
            break;
          }
      }

  rebuild_rows (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODEL]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CASE_ID]);
  g_signal_emit (self, signals[DATA_CHANGED], 0);
  g_signal_emit (self, signals[CASE_CHANGED], 0);
  cls_session_recompute (self);
}

gboolean
cls_session_has_data (ClsSession *self)
{
  g_return_val_if_fail (CLS_IS_SESSION (self), FALSE);
  return self->sets != NULL && self->sets->len > 0;
}

/**
 * cls_session_get_dataset:
 * @self: a session
 *
 * Returns: (transfer none) (nullable): the dataset
 */
ClsDataset *
cls_session_get_dataset (ClsSession *self)
{
  g_return_val_if_fail (CLS_IS_SESSION (self), NULL);
  return self->dataset;
}

gboolean
cls_session_get_synthetic (ClsSession *self)
{
  g_return_val_if_fail (CLS_IS_SESSION (self), FALSE);
  return self->synthetic;
}

guint
cls_session_get_n_models (ClsSession *self)
{
  g_return_val_if_fail (CLS_IS_SESSION (self), 0);
  return self->sets != NULL ? self->sets->len : 0;
}

const char *
cls_session_get_model_name (ClsSession *self,
                            guint       i)
{
  const ClsCaseSet *set;

  g_return_val_if_fail (CLS_IS_SESSION (self), NULL);
  g_return_val_if_fail (i < cls_session_get_n_models (self), NULL);

  set = g_ptr_array_index (self->sets, i);
  return set->model;
}

/**
 * cls_session_get_model:
 * @self: a session
 *
 * Returns: (nullable): the current model
 */
const char *
cls_session_get_model (ClsSession *self)
{
  const ClsCaseSet *set = cls_session_get_case_set (self);

  return set != NULL ? set->model : NULL;
}

/**
 * cls_session_get_model_index:
 * @self: a session
 *
 * Returns: the index of the current model (0 when there is none)
 */
guint
cls_session_get_model_index (ClsSession *self)
{
  g_return_val_if_fail (CLS_IS_SESSION (self), 0);
  return self->model;
}

/**
 * cls_session_get_case_set:
 * @self: a session
 *
 * Returns: (transfer none) (nullable): the current model's cases
 */
const ClsCaseSet *
cls_session_get_case_set (ClsSession *self)
{
  g_return_val_if_fail (CLS_IS_SESSION (self), NULL);

  if (self->sets == NULL || self->model >= self->sets->len)
    return NULL;
  return g_ptr_array_index (self->sets, self->model);
}

/**
 * cls_session_dup_summaries:
 * @self: a session
 * @model: a model index, below cls_session_get_n_models()
 *
 * For work in another thread: the summaries are immutable and refcounted.
 *
 * Returns: (transfer full) (element-type ClsCaseSummary): the model's
 *   summaries, each with a reference
 */
GPtrArray *
cls_session_dup_summaries (ClsSession *self,
                           guint       model)
{
  const ClsCaseSet *set = NULL;
  GPtrArray *copy = g_ptr_array_new_with_free_func ((GDestroyNotify) cls_case_summary_unref);

  g_return_val_if_fail (CLS_IS_SESSION (self), copy);

  if (self->sets != NULL && model < self->sets->len)
    set = g_ptr_array_index (self->sets, model);

  if (set != NULL)
    for (guint i = 0; i < set->summaries->len; i++)
      g_ptr_array_add (copy, cls_case_summary_ref (g_ptr_array_index (set->summaries, i)));

  return copy;
}

/**
 * cls_session_get_rows:
 * @self: a session
 *
 * Returns: (transfer none): a #GListModel of #ClsCaseRow, the current
 *   model's cases in dataset order, updated in place on every recompute
 */
GListModel *
cls_session_get_rows (ClsSession *self)
{
  g_return_val_if_fail (CLS_IS_SESSION (self), NULL);
  return G_LIST_MODEL (self->rows);
}

void
cls_session_set_model (ClsSession *self,
                       const char *model)
{
  g_return_if_fail (CLS_IS_SESSION (self));
  g_return_if_fail (model != NULL);

  for (guint i = 0; i < cls_session_get_n_models (self); i++)
    if (g_strcmp0 (cls_session_get_model_name (self, i), model) == 0)
      {
        g_autofree char *case_id = NULL;

        if (i == self->model)
          return;

        case_id = g_strdup (self->case_id);
        self->model = i;
        self->lesions = -1;
        rebuild_rows (self);
        g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODEL]);
        g_signal_emit (self, signals[DATA_CHANGED], 0);
        cls_session_recompute (self);
        /* The same case, seen through the other model's probabilities. */
        if (case_id != NULL)
          cls_session_select_case (self, case_id);
        return;
      }

  g_warning ("No model “%s” in this dataset", model);
}

static void
params_changed (ClsSession *self)
{
  if (self->freeze_count > 0)
    self->dirty = TRUE;
  else
    cls_session_recompute (self);
}

static gboolean
set_fraction (ClsFraction *field,
              double       value)
{
  ClsFraction f;

  if (!cls_fraction_from_double (value, &f))
    {
      g_warning ("Cannot use %g as a decimal fraction", value);
      return FALSE;
    }
  if (cls_fraction_compare (f, *field) == 0)
    return FALSE;
  *field = f;
  return TRUE;
}

/**
 * cls_session_set_epsilon:
 * @self: a session
 * @epsilon: the tolerated FNR, as a slider gives it: the shortest decimal
 *   that reads back as @epsilon is used exactly
 */
void
cls_session_set_epsilon (ClsSession *self,
                         double      epsilon)
{
  g_return_if_fail (CLS_IS_SESSION (self));
  if (set_fraction (&self->params.epsilon, epsilon))
    params_changed (self);
}

void
cls_session_set_alpha (ClsSession *self,
                       double      alpha)
{
  g_return_if_fail (CLS_IS_SESSION (self));
  if (set_fraction (&self->params.alpha, alpha))
    params_changed (self);
}

void
cls_session_set_method (ClsSession *self,
                        ClsMethod   method)
{
  g_return_if_fail (CLS_IS_SESSION (self));
  if (self->params.method == method)
    return;
  self->params.method = method;
  params_changed (self);
}

/**
 * cls_session_set_guarantee:
 * @self: a session
 * @guarantee: the guarantee of the exact and bisect methods
 *
 * CRC and LTT have their own guarantee: for them @guarantee is kept for
 * later but not used (cls_session_get_params() says what is).
 */
void
cls_session_set_guarantee (ClsSession   *self,
                           ClsGuarantee  guarantee)
{
  g_return_if_fail (CLS_IS_SESSION (self));
  if (self->params.guarantee == guarantee)
    return;
  self->params.guarantee = guarantee;
  params_changed (self);
}

/**
 * cls_session_set_delta:
 * @self: a session
 * @delta: δ of the PAC guarantee and of Learn then Test, as a spin button
 *   gives it (the shortest decimal is used exactly)
 */
void
cls_session_set_delta (ClsSession *self,
                       double      delta)
{
  g_return_if_fail (CLS_IS_SESSION (self));
  if (set_fraction (&self->delta, delta))
    params_changed (self);
}

void
cls_session_set_loss (ClsSession *self,
                      ClsLoss     loss)
{
  g_return_if_fail (CLS_IS_SESSION (self));
  if (self->params.loss == loss)
    return;
  self->params.loss = loss;
  params_changed (self);
}

/**
 * cls_session_set_lesion_coverage:
 * @self: a session
 * @coverage: the share of a lesion's voxels that detects it, as a spin
 *   button gives it
 */
void
cls_session_set_lesion_coverage (ClsSession *self,
                                 double      coverage)
{
  g_return_if_fail (CLS_IS_SESSION (self));
  if (set_fraction (&self->params.lesion_coverage, coverage))
    params_changed (self);
}

/**
 * cls_session_has_lesions:
 * @self: a session
 *
 * Returns: whether every case of the current model knows its lesions (the
 *   connected components of its ground truth), which the lesion loss needs
 */
gboolean
cls_session_has_lesions (ClsSession *self)
{
  const ClsCaseSet *set;

  g_return_val_if_fail (CLS_IS_SESSION (self), FALSE);

  set = cls_session_get_case_set (self);
  if (set == NULL)
    return FALSE;
  if (self->lesions < 0)
    self->lesions = cls_case_summaries_have_components ((ClsCaseSummary * const *) set->summaries->pdata,
                                                        set->summaries->len);
  return self->lesions > 0;
}

void
cls_session_set_empty_policy (ClsSession     *self,
                              ClsEmptyPolicy  policy)
{
  g_return_if_fail (CLS_IS_SESSION (self));
  if (self->params.empty_policy == policy)
    return;
  self->params.empty_policy = policy;
  params_changed (self);
}

void
cls_session_set_n_splits (ClsSession *self,
                          guint       n_splits)
{
  g_return_if_fail (CLS_IS_SESSION (self));
  if (n_splits == 0 || self->eval.n_splits == n_splits)
    return;
  self->eval.n_splits = n_splits;
  params_changed (self);
}

void
cls_session_set_cal_fraction (ClsSession *self,
                              double      fraction)
{
  g_return_if_fail (CLS_IS_SESSION (self));
  if (set_fraction (&self->eval.cal_fraction, fraction))
    params_changed (self);
}

void
cls_session_set_seed (ClsSession *self,
                      guint64     seed)
{
  g_return_if_fail (CLS_IS_SESSION (self));
  if (self->eval.seed == seed)
    return;
  self->eval.seed = seed;
  params_changed (self);
}

/**
 * cls_session_freeze:
 * @self: a session
 *
 * Holds recomputation back while several parameters are set; the matching
 * cls_session_thaw() recomputes once if anything changed.
 */
void
cls_session_freeze (ClsSession *self)
{
  g_return_if_fail (CLS_IS_SESSION (self));
  self->freeze_count++;
}

void
cls_session_thaw (ClsSession *self)
{
  g_return_if_fail (CLS_IS_SESSION (self));
  g_return_if_fail (self->freeze_count > 0);

  if (--self->freeze_count == 0 && self->dirty)
    {
      self->dirty = FALSE;
      cls_session_recompute (self);
    }
}

/**
 * cls_session_get_params:
 * @self: a session
 * @params: (out): the parameters the calibration uses
 *
 * What was chosen, made into parameters the core takes: the guarantee
 * applies to the exact and bisect methods only (CRC and LTT have their
 * own), and δ is given only to the PAC guarantee and to LTT, which use it.
 */
void
cls_session_get_params (ClsSession           *self,
                        ClsCalibrationParams *params)
{
  gboolean rank_method;

  g_return_if_fail (CLS_IS_SESSION (self));

  *params = self->params;
  rank_method = params->method == CLS_METHOD_EXACT || params->method == CLS_METHOD_BISECT;
  if (!rank_method)
    params->guarantee = CLS_GUARANTEE_MARGINAL;
  params->delta = params->guarantee == CLS_GUARANTEE_PAC || params->method == CLS_METHOD_LTT
                  ? self->delta : (ClsFraction) { 0, 0 };
}

/**
 * cls_session_get_delta:
 * @self: a session
 *
 * Returns: δ as chosen, whether or not the method uses it
 */
ClsFraction
cls_session_get_delta (ClsSession *self)
{
  g_return_val_if_fail (CLS_IS_SESSION (self), CLS_DEFAULT_DELTA);
  return self->delta;
}

void
cls_session_get_eval_params (ClsSession          *self,
                             ClsEvaluationParams *eval)
{
  g_return_if_fail (CLS_IS_SESSION (self));
  *eval = self->eval;
}

/**
 * cls_session_get_calibration:
 * @self: a session
 *
 * Returns: (transfer none) (nullable): the calibration of the current
 *   model and parameters, or %NULL (see cls_session_get_calibration_error())
 */
const ClsCalibration *
cls_session_get_calibration (ClsSession *self)
{
  g_return_val_if_fail (CLS_IS_SESSION (self), NULL);
  return self->calibration;
}

const GError *
cls_session_get_calibration_error (ClsSession *self)
{
  g_return_val_if_fail (CLS_IS_SESSION (self), NULL);
  return self->calibration_error;
}

/**
 * cls_session_get_evaluation:
 * @self: a session
 *
 * Returns: (transfer none) (nullable): the evaluation over random splits,
 *   or %NULL (see cls_session_get_evaluation_error())
 */
const ClsEvaluation *
cls_session_get_evaluation (ClsSession *self)
{
  g_return_val_if_fail (CLS_IS_SESSION (self), NULL);
  return self->evaluation;
}

const GError *
cls_session_get_evaluation_error (ClsSession *self)
{
  g_return_val_if_fail (CLS_IS_SESSION (self), NULL);
  return self->evaluation_error;
}

/**
 * cls_session_get_recompute_usec:
 * @self: a session
 *
 * Returns: how long the last recompute took, from the parameter change to
 *   the end of the ::changed handlers (the panels' updates), in µs
 */
gint64
cls_session_get_recompute_usec (ClsSession *self)
{
  g_return_val_if_fail (CLS_IS_SESSION (self), 0);
  return self->recompute_usec;
}

static ClsEvaluator *
get_evaluator (ClsSession       *self,
               const ClsCaseSet *set)
{
  ClsEvaluator *evaluator = g_hash_table_lookup (self->evaluators, set->model);

  if (evaluator == NULL)
    {
      evaluator = cls_evaluator_new ((ClsCaseSummary * const *) set->summaries->pdata,
                                     set->summaries->len);
      g_hash_table_insert (self->evaluators, g_strdup (set->model), evaluator);
    }
  return evaluator;
}

/**
 * cls_session_recompute:
 * @self: a session
 *
 * Calibrates the current model with the current parameters, evaluates it
 * over the random splits, updates the rows in place and emits ::changed.
 */
void
cls_session_recompute (ClsSession *self)
{
  const ClsCaseSet *set;
  ClsCalibrationParams params;
  gint64 start = g_get_monotonic_time ();
  guint n_rows;

  g_return_if_fail (CLS_IS_SESSION (self));

  cls_session_get_params (self, &params);

  g_clear_pointer (&self->calibration, cls_calibration_free);
  g_clear_pointer (&self->evaluation, cls_evaluation_free);
  g_clear_error (&self->calibration_error);
  g_clear_error (&self->evaluation_error);

  set = cls_session_get_case_set (self);
  if (set != NULL)
    {
      self->calibration = cls_calibration_new ((ClsCaseSummary * const *) set->summaries->pdata,
                                               set->summaries->len, &params,
                                               &self->calibration_error);
      if (set->summaries->len > 0)
        self->evaluation = cls_evaluator_run (get_evaluator (self, set), &params,
                                              &self->eval, &self->evaluation_error);
      else
        g_set_error (&self->evaluation_error, CLS_ERROR, CLS_ERROR_NO_CASES,
                     _("there are no cases to evaluate"));
    }

  n_rows = g_list_model_get_n_items (G_LIST_MODEL (self->rows));
  for (guint i = 0; i < n_rows; i++)
    {
      g_autoptr(ClsCaseRow) row = g_list_model_get_item (G_LIST_MODEL (self->rows), i);
      const ClsCaseResult *result = NULL;

      /* Rows follow the calibration's cases one to one. */
      if (self->calibration != NULL && i < cls_calibration_get_n_cases (self->calibration))
        {
          result = cls_calibration_get_case (self->calibration, i);
          if (result->summary != cls_case_row_get_summary (row))
            result = NULL;
        }
      cls_case_row_update (row, result);
    }

  g_signal_emit (self, signals[CHANGED], 0);

  self->recompute_usec = g_get_monotonic_time () - start;
  g_debug ("Recompute of %u cases: %.2f ms", n_rows, self->recompute_usec / 1000.0);
}

/**
 * cls_session_get_case_result:
 * @self: a session
 * @case_id: a case
 *
 * Returns: (nullable): the case's result in the current calibration
 */
const ClsCaseResult *
cls_session_get_case_result (ClsSession *self,
                             const char *case_id)
{
  g_return_val_if_fail (CLS_IS_SESSION (self), NULL);

  if (self->calibration == NULL || case_id == NULL)
    return NULL;
  for (guint i = 0; i < cls_calibration_get_n_cases (self->calibration); i++)
    {
      const ClsCaseResult *r = cls_calibration_get_case (self->calibration, i);

      if (g_strcmp0 (cls_case_summary_get_case_id (r->summary), case_id) == 0)
        return r;
    }
  return NULL;
}

/* Loading a case's volumes */

typedef struct {
  char              *case_id;
  char              *paths[3];     /* image (nullable), prob, label */
  ClsVolume         *volumes[3];
  ClsCaseSummary    *summary;      /* nullable: what the calibration loaded */
  ClsSummaryOptions  options;      /* how it was made */
  char              *warning;      /* how the files differ from it */
} CaseLoad;

static void
case_load_free (CaseLoad *load)
{
  for (guint i = 0; i < G_N_ELEMENTS (load->paths); i++)
    {
      g_free (load->paths[i]);
      g_clear_pointer (&load->volumes[i], cls_volume_unref);
    }
  g_clear_pointer (&load->summary, cls_case_summary_unref);
  g_free (load->case_id);
  g_free (load->warning);
  g_free (load);
}

/* Voxels of @volume (first channel) with @test true, in chunks. */
static guint64
count_voxels (const ClsVolume *volume,
              gboolean       (*test) (double value, double arg),
              double           arg)
{
  enum { CHUNK = 65536 };
  g_autofree double *buffer = g_new (double, CHUNK);
  guint64 n = cls_volume_get_n_voxels (volume);
  guint64 count = 0;

  for (guint64 first = 0; first < n; first += CHUNK)
    {
      guint64 m = MIN ((guint64) CHUNK, n - first);

      cls_volume_read_doubles (volume, 0, first, m, buffer);
      for (guint64 i = 0; i < m; i++)
        count += test (buffer[i], arg);
    }
  return count;
}

static gboolean
equals (double value,
        double arg)
{
  return value == arg;
}

static gboolean
at_least (double value,
          double arg)
{
  return value >= arg;
}

/* The summary the calibration uses was made from the files as they were
 * when the dataset loaded; files changed since (same grid, other voxels)
 * would show one thing and calibrate another. Compares what both can say
 * exactly: the voxels, the lesion voxels, the voxels with p >= 0.5. */
static char *
case_load_compare (CaseLoad *load)
{
  const ClsCaseSummary *summary = load->summary;
  ClsVolume *prob = load->volumes[1];
  ClsVolume *label = load->volumes[2];
  g_autofree char *what = NULL;
  guint64 then, now;

  if (summary == NULL || prob == NULL || label == NULL || load->options.channel >= 0)
    return NULL;

  then = cls_case_summary_get_n_voxels (summary);
  now = cls_volume_get_n_voxels (prob);
  if (now != then)
    /* Translators: the probability map has N voxels now and M before */
    what = g_strdup_printf (_("its probability map has %" PRIu64 " voxels, "
                              "%" PRIu64 " when loaded"), now, then);

  if (what == NULL)
    {
      then = cls_case_summary_get_n_lesion (summary);
      now = count_voxels (label, equals, load->options.label_value);
      if (now != then)
        what = g_strdup_printf (_("its label has %" PRIu64 " lesion voxels, "
                                  "%" PRIu64 " when loaded"), now, then);
    }

  if (what == NULL && !load->options.logits)
    {
      ClsValueMap map;

      cls_case_summary_get_value_map (summary, CLS_NORMALIZE_NONE, &map);
      then = cls_case_summary_voxels_at_least (summary, &map, CLS_FIXED_CUT);
      now = count_voxels (prob, at_least, CLS_FIXED_CUT);
      if (now != then)
        what = g_strdup_printf (_("its probability map has %" PRIu64 " voxels with p ≥ 0.5, "
                                  "%" PRIu64 " when loaded"), now, then);
    }

  if (what == NULL)
    return NULL;
  /* Translators: the first %s is a case, the second says what changed */
  return g_strdup_printf (_("The files of %s changed after the dataset was loaded: %s. The views show "
                            "them as they are now; the calibration still uses them as they were. "
                            "Open the dataset again to calibrate on the new files."),
                          load->case_id, what);
}

static void
load_case_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  CaseLoad *load = task_data;

  for (guint i = 0; i < G_N_ELEMENTS (load->paths); i++)
    {
      GError *error = NULL;

      if (load->paths[i] == NULL)
        continue;
      if (g_cancellable_set_error_if_cancelled (cancellable, &error))
        {
          g_task_return_error (task, error);
          return;
        }
      load->volumes[i] = cls_volume_read (load->paths[i], NULL, &error);
      if (load->volumes[i] == NULL)
        {
          g_task_return_error (task, error);
          return;
        }
    }

  load->warning = case_load_compare (load);
  g_task_return_boolean (task, TRUE);
}

static void
load_case_done (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(ClsSession) self = user_data;
  GTask *task = G_TASK (result);
  CaseLoad *load = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (task, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
    }
  if (g_task_get_cancellable (task) != self->case_cancellable)
    return;

  g_clear_object (&self->case_cancellable);
  if (error != NULL)
    self->case_error = g_steal_pointer (&error);
  else
    {
      self->image = g_steal_pointer (&load->volumes[0]);
      self->prob = g_steal_pointer (&load->volumes[1]);
      self->label = g_steal_pointer (&load->volumes[2]);
      self->case_warning = g_steal_pointer (&load->warning);
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CASE_LOADING]);
  g_signal_emit (self, signals[CASE_CHANGED], 0);
}

/* The current model's summary of @case_id, or NULL. */
static ClsCaseSummary *
find_summary (ClsSession *self,
              const char *case_id)
{
  const ClsCaseSet *set = cls_session_get_case_set (self);

  for (guint i = 0; set != NULL && i < set->summaries->len; i++)
    {
      ClsCaseSummary *summary = g_ptr_array_index (set->summaries, i);

      if (g_strcmp0 (cls_case_summary_get_case_id (summary), case_id) == 0)
        return cls_case_summary_ref (summary);
    }
  return NULL;
}

/**
 * cls_session_select_case:
 * @self: a session
 * @case_id: (nullable): the case to look at, or %NULL for none
 *
 * Loads the case's image (if any), the current model's probability map and
 * the label in a worker thread, cancelling a load still under way; emits
 * ::case-changed now (nothing loaded) and again when the volumes are there
 * or the load failed.
 */
void
cls_session_select_case (ClsSession *self,
                         const char *case_id)
{
  const char *model;
  CaseLoad *load;
  g_autoptr(GTask) task = NULL;
  int index;

  g_return_if_fail (CLS_IS_SESSION (self));

  /* Already there or on its way, for this model. */
  if (case_id != NULL && g_strcmp0 (case_id, self->case_id) == 0 && self->case_model == self->model &&
      (self->prob != NULL || self->case_cancellable != NULL))
    return;

  clear_case (self);
  self->case_id = g_strdup (case_id);
  self->case_model = self->model;
  model = cls_session_get_model (self);
  index = case_id != NULL && self->dataset != NULL ? cls_dataset_find_case (self->dataset, case_id) : -1;

  if (index >= 0 && model != NULL)
    {
      load = g_new0 (CaseLoad, 1);
      load->case_id = g_strdup (case_id);
      load->summary = find_summary (self, case_id);
      if (cls_dataset_is_summaries (self->dataset))
        load->options = *cls_dataset_get_summary_options (self->dataset);
      else
        cls_summary_options_init (&load->options);
      load->paths[0] = g_strdup (cls_dataset_get_image_path (self->dataset, index));
      load->paths[1] = g_strdup (cls_dataset_get_prob_path (self->dataset, model, index));
      load->paths[2] = g_strdup (cls_dataset_get_label_path (self->dataset, index));

      self->case_cancellable = g_cancellable_new ();
      task = g_task_new (NULL, self->case_cancellable, load_case_done, g_object_ref (self));
      g_task_set_source_tag (task, cls_session_select_case);
      g_task_set_task_data (task, load, (GDestroyNotify) case_load_free);
      g_task_run_in_thread (task, load_case_thread);
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CASE_ID]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CASE_LOADING]);
  g_signal_emit (self, signals[CASE_CHANGED], 0);
}

const char *
cls_session_get_case_id (ClsSession *self)
{
  g_return_val_if_fail (CLS_IS_SESSION (self), NULL);
  return self->case_id;
}

gboolean
cls_session_get_case_loading (ClsSession *self)
{
  g_return_val_if_fail (CLS_IS_SESSION (self), FALSE);
  return self->case_cancellable != NULL;
}

/**
 * cls_session_get_image:
 * @self: a session
 *
 * Returns: (transfer none) (nullable): the current case's image
 */
ClsVolume *
cls_session_get_image (ClsSession *self)
{
  g_return_val_if_fail (CLS_IS_SESSION (self), NULL);
  return self->image;
}

/**
 * cls_session_get_prob:
 * @self: a session
 *
 * Returns: (transfer none) (nullable): the current case's probability map
 *   for the current model
 */
ClsVolume *
cls_session_get_prob (ClsSession *self)
{
  g_return_val_if_fail (CLS_IS_SESSION (self), NULL);
  return self->prob;
}

/**
 * cls_session_get_label:
 * @self: a session
 *
 * Returns: (transfer none) (nullable): the current case's label
 */
ClsVolume *
cls_session_get_label (ClsSession *self)
{
  g_return_val_if_fail (CLS_IS_SESSION (self), NULL);
  return self->label;
}

const GError *
cls_session_get_case_error (ClsSession *self)
{
  g_return_val_if_fail (CLS_IS_SESSION (self), NULL);
  return self->case_error;
}

/**
 * cls_session_get_case_warning:
 * @self: a session
 *
 * Returns: (nullable): how the current case's files differ from what the
 *   calibration loaded, in words, or %NULL when they do not
 */
const char *
cls_session_get_case_warning (ClsSession *self)
{
  g_return_val_if_fail (CLS_IS_SESSION (self), NULL);
  return self->case_warning;
}
