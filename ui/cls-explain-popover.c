/* cls-explain-popover.c: the guarantee in words, with the current numbers
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * For teaching: one sentence that states what conformal calibration
 * promises, filled in with ε, α and what the splits showed, e.g. "With
 * probability at least 80%, a new case misses at most 20% of its lesion
 * voxels; on these 100 splits it held for 81.2% of test cases (theory:
 * 80.6%)."
 */
#include "config.h"

#include <inttypes.h>
#include <glib/gi18n.h>

#include "cls-explain-popover.h"

struct _ClsExplainPopover
{
  GtkPopover  parent_instance;

  ClsSession *session;
  GtkLabel   *guarantee;
  GtkLabel   *details;
};

G_DEFINE_FINAL_TYPE (ClsExplainPopover, cls_explain_popover, GTK_TYPE_POPOVER)

/* A decimal fraction as a percentage without trailing zeros: 0.2 -> "20". */
static char *
percent (ClsFraction f)
{
  return g_strdup_printf ("%g", cls_fraction_to_double (f) * 100);
}

static gboolean
is_rank_method (const ClsCalibrationParams *params)
{
  return params->method == CLS_METHOD_EXACT || params->method == CLS_METHOD_BISECT;
}

/**
 * cls_explain_guarantee_short:
 * @params: the calibration parameters in use
 *
 * Returns: (transfer full): what the method guarantees, in symbols with
 *   the numbers: "P(FNR ≤ 0.2) ≥ 0.8", "mean FNR ≤ 0.2", …
 */
char *
cls_explain_guarantee_short (const ClsCalibrationParams *params)
{
  /* Translators: the loss in "mean FNR ≤ ε" and "P(FNR ≤ ε) ≥ 1 − α" below */
  const char *loss = params->loss == CLS_LOSS_LESION ? _("lesion FNR") : _("FNR");
  g_autofree char *eps = cls_fraction_to_display_string (params->epsilon);
  g_autofree char *level = cls_fraction_to_display_string (cls_fraction_one_minus (params->alpha));
  g_autofree char *confidence = cls_calibration_params_has_delta (params)
                                ? cls_fraction_to_display_string (cls_fraction_one_minus (params->delta)) : NULL;

  switch (params->method)
    {
    case CLS_METHOD_CRC:
      /* Translators: conformal risk control; the first %s is "FNR" or "lesion FNR" */
      return g_strdup_printf (_("mean %s ≤ %s (conformal risk control)"), loss, eps);
    case CLS_METHOD_LTT:
      /* Translators: 1 − δ, "FNR" or "lesion FNR", then ε */
      return g_strdup_printf (_("with probability ≥ %s over the calibration set, mean %s ≤ %s"),
                              confidence, loss, eps);
    case CLS_METHOD_EXACT:
    case CLS_METHOD_BISECT:
    default:
      if (params->guarantee == CLS_GUARANTEE_PAC)
        return g_strdup_printf (_("with probability ≥ %s over the calibration set, "
                                  "P(%s ≤ %s) ≥ %s"), confidence, loss, eps, level);
      return g_strdup_printf (_("P(%s ≤ %s) ≥ %s"), loss, eps, level);
    }
}

/* The promise in words. */
static char *
promise_of (const ClsCalibrationParams *params)
{
  gboolean lesion = params->loss == CLS_LOSS_LESION;
  g_autofree char *level = percent (cls_fraction_one_minus (params->alpha));
  g_autofree char *eps = percent (params->epsilon);
  g_autofree char *confidence = cls_calibration_params_has_delta (params)
                                ? percent (cls_fraction_one_minus (params->delta)) : NULL;

  switch (params->method)
    {
    case CLS_METHOD_CRC:
      return lesion
        ? g_strdup_printf (_("On average over new cases, the mask misses at most %s%% of a case’s "
                             "lesions (mean lesion FNR ≤ ε)"), eps)
        : g_strdup_printf (_("On average over new cases, the mask misses at most %s%% of a case’s "
                             "lesion voxels (mean FNR ≤ ε)"), eps);
    case CLS_METHOD_LTT:
      return lesion
        ? g_strdup_printf (_("With probability at least %s%% over the calibration set, the mask "
                             "misses on average at most %s%% of a new case’s lesions"), confidence, eps)
        : g_strdup_printf (_("With probability at least %s%% over the calibration set, the mask "
                             "misses on average at most %s%% of a new case’s lesion voxels"),
                           confidence, eps);
    case CLS_METHOD_EXACT:
    case CLS_METHOD_BISECT:
    default:
      if (params->guarantee == CLS_GUARANTEE_PAC)
        return lesion
          ? g_strdup_printf (_("With probability at least %s%% over the calibration set, at least "
                               "%s%% of new cases miss at most %s%% of their lesions"),
                             confidence, level, eps)
          : g_strdup_printf (_("With probability at least %s%% over the calibration set, at least "
                               "%s%% of new cases miss at most %s%% of their lesion voxels"),
                             confidence, level, eps);
      return lesion
        ? g_strdup_printf (_("With probability at least %s%%, a new case misses at most %s%% "
                             "of its lesions"), level, eps)
        : g_strdup_printf (_("With probability at least %s%%, a new case misses at most %s%% "
                             "of its lesion voxels"), level, eps);
    }
}

/**
 * cls_explain_guarantee:
 * @session: a session
 *
 * Returns: (transfer full): the guarantee of the chosen method in one
 *   sentence, with the current ε, α, δ and evaluation
 */
char *
cls_explain_guarantee (ClsSession *session)
{
  const ClsCalibration *cal = cls_session_get_calibration (session);
  const ClsEvaluation *eval = cls_session_get_evaluation (session);
  ClsCalibrationParams params;
  g_autofree char *level = NULL;
  g_autofree char *promise = NULL;

  if (!cls_session_has_data (session))
    return g_strdup (_("Open a dataset to see what the calibration guarantees."));

  cls_session_get_params (session, &params);
  level = percent (cls_fraction_one_minus (params.alpha));

  if (cal == NULL)
    return g_strdup_printf (_("No calibration: %s."),
                            cls_session_get_calibration_error (session)->message);

  if (!cls_calibration_is_feasible (cal) && is_rank_method (&params))
    return g_strdup_printf (_("With %u cases, a guarantee at %s%% cannot be given: the rank "
                              "⌈(1 − α)(n + 1)⌉ = %" PRIu64 " exceeds n. At least %"
                              PRIu64 " cases are needed; until then t̂ = 1 marks "
                              "every voxel as lesion."),
                            cls_calibration_get_n (cal), level, cls_calibration_get_rank (cal),
                            cls_calibration_get_min_n (cal));
  if (!cls_calibration_is_feasible (cal))
    {
      g_autofree char *eps = percent (params.epsilon);

      return g_strdup_printf (_("With %u cases, no threshold meets the bound at ε = %s%%; t̂ = 1 "
                                "marks every voxel as lesion."),
                              cls_calibration_get_n (cal), eps);
    }

  promise = promise_of (&params);
  if (eval == NULL)
    return g_strdup_printf (_("%s. Checking it on random splits needs at least 2 cases."), promise);

  if (!is_rank_method (&params))
    {
      gsize field = params.loss == CLS_LOSS_LESION ? CLS_SPLIT_FIELD (lesion_fnr_calibrated)
                                                   : CLS_SPLIT_FIELD (fnr_calibrated);

      return g_strdup_printf (_("%s; on these %u splits the mean test miss rate was %.1f%%."),
                              promise, cls_evaluation_get_n_splits (eval),
                              100 * cls_evaluation_get_stat (eval, field).mean);
    }
  if (!cls_evaluation_has_theory (eval))
    return g_strdup_printf (_("%s; on these %u splits it held for %.1f%% of test cases."),
                            promise, cls_evaluation_get_n_splits (eval),
                            100 * cls_evaluation_get_stat (eval, CLS_SPLIT_FIELD (ecr_calibrated)).mean);

  return g_strdup_printf (_("%s; on these %u splits it held for %.1f%% of test cases "
                            "(theory: %.1f%%)."),
                          promise, cls_evaluation_get_n_splits (eval),
                          100 * cls_evaluation_get_stat (eval, CLS_SPLIT_FIELD (ecr_calibrated)).mean,
                          100 * cls_evaluation_get_theory_ecr (eval));
}

/**
 * cls_explain_details:
 * @session: a session
 *
 * Returns: (transfer full): how t̂ comes about, with the current numbers
 */
char *
cls_explain_details (ClsSession *session)
{
  const ClsCalibration *cal = cls_session_get_calibration (session);
  const ClsStratumResult *stratum;
  ClsCalibrationParams params;
  const char *what;

  cls_session_get_params (session, &params);
  /* Translators: completes "misses at most ε …" in the explanations below */
  what = params.loss == CLS_LOSS_LESION ? _("of its lesions") : _("of its lesion voxels");

  if (params.method == CLS_METHOD_CRC || params.method == CLS_METHOD_LTT)
    {
      if (cal == NULL || !cls_calibration_is_feasible (cal))
        return g_strdup (params.method == CLS_METHOD_CRC
                         ? _("Conformal risk control takes the smallest t whose mean calibration "
                             "loss R̂(t) keeps (n R̂(t) + 1) / (n + 1) ≤ ε.")
                         : _("Learn then Test tests a fixed grid of thresholds from the safe end, "
                             "each with a Hoeffding–Bentkus p-value at level δ, and keeps the "
                             "smallest t that passes."));
      stratum = cls_calibration_get_stratum (cal, 0);
      if (params.method == CLS_METHOD_CRC)
        return g_strdup_printf (_("Conformal risk control over the n = %u calibration cases: t̂ = %.4f "
                                  "is the smallest t whose mean calibration loss R̂ = %.4f keeps "
                                  "(n R̂ + 1) / (n + 1) = %.4f at most ε, so a new case’s mask is "
                                  "every voxel with probability at least %.6g. The bound holds on "
                                  "average over calibration sets and new cases."),
                                cls_calibration_get_n (cal), cls_calibration_get_t_hat (cal),
                                stratum->risk, stratum->bound, cls_calibration_get_cut (cal));
      return g_strdup_printf (_("Learn then Test over the n = %u calibration cases: thresholds on a "
                                "fixed grid are tested from the safe end with Hoeffding–Bentkus "
                                "p-values; t̂ = %.4f is the smallest that passes (mean calibration "
                                "loss %.4f, p-value %.4g ≤ δ), so a new case’s mask is every voxel "
                                "with probability at least %.6g."),
                              cls_calibration_get_n (cal), cls_calibration_get_t_hat (cal),
                              stratum->risk, stratum->bound, cls_calibration_get_cut (cal));
    }

  if (cal == NULL || !cls_calibration_is_feasible (cal))
    return g_strdup_printf (_("Each calibration case i has a critical threshold t_i: the smallest t "
                              "whose mask {p ≥ 1 − t} misses at most ε %s. t̂ is the "
                              "k-th smallest t_i with k = ⌈(1 − α)(n + 1)⌉."), what);

  if (params.guarantee == CLS_GUARANTEE_PAC)
    return g_strdup_printf (_("Each of the n = %u calibration cases has a critical threshold t_i: "
                              "the smallest t whose mask {p ≥ 1 − t} misses at most ε %s. "
                              "t̂ = %.4f is the k-th smallest t_i with k = %" PRIu64 ", the smallest "
                              "rank whose coverage, Beta(k, n + 1 − k), falls short of 1 − α with "
                              "probability at most δ; a new case’s mask is every voxel with "
                              "probability at least %.6g."),
                            cls_calibration_get_n (cal), what, cls_calibration_get_t_hat (cal),
                            cls_calibration_get_rank (cal), cls_calibration_get_cut (cal));

  return g_strdup_printf (_("Each of the n = %u calibration cases has a critical threshold t_i: "
                            "the smallest t whose mask {p ≥ 1 − t} misses at most ε %s. "
                            "t̂ = %.4f is the k-th smallest t_i with k = %" PRIu64 ", so a "
                            "new case’s mask is every voxel with probability at least %.6g. The "
                            "guarantee holds on average over calibration sets drawn like this "
                            "one, for new cases from the same source."),
                          cls_calibration_get_n (cal), what, cls_calibration_get_t_hat (cal),
                          cls_calibration_get_rank (cal), cls_calibration_get_cut (cal));
}

static void
update (ClsExplainPopover *self)
{
  g_autofree char *guarantee = NULL;
  g_autofree char *details = NULL;

  if (self->session == NULL || !gtk_widget_get_visible (GTK_WIDGET (self)))
    return;

  guarantee = cls_explain_guarantee (self->session);
  details = cls_explain_details (self->session);
  gtk_label_set_text (self->guarantee, guarantee);
  gtk_label_set_text (self->details, details);
}

static void
cls_explain_popover_show (GtkWidget *widget)
{
  ClsExplainPopover *self = CLS_EXPLAIN_POPOVER (widget);

  GTK_WIDGET_CLASS (cls_explain_popover_parent_class)->show (widget);
  update (self);
}

static void
cls_explain_popover_dispose (GObject *object)
{
  ClsExplainPopover *self = CLS_EXPLAIN_POPOVER (object);

  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_clear_object (&self->session);
  gtk_widget_dispose_template (GTK_WIDGET (self), CLS_TYPE_EXPLAIN_POPOVER);

  G_OBJECT_CLASS (cls_explain_popover_parent_class)->dispose (object);
}

static void
cls_explain_popover_class_init (ClsExplainPopoverClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cls_explain_popover_dispose;
  widget_class->show = cls_explain_popover_show;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/clsstudio/ClsStudio/ui/cls-explain-popover.ui");
  gtk_widget_class_bind_template_child (widget_class, ClsExplainPopover, guarantee);
  gtk_widget_class_bind_template_child (widget_class, ClsExplainPopover, details);
}

static void
cls_explain_popover_init (ClsExplainPopover *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
cls_explain_popover_new (void)
{
  return g_object_new (CLS_TYPE_EXPLAIN_POPOVER, NULL);
}

/**
 * cls_explain_popover_set_session:
 * @self: an explain popover
 * @session: (nullable): the session whose numbers it states
 *
 * While shown, the text follows every recompute.
 */
void
cls_explain_popover_set_session (ClsExplainPopover *self,
                                 ClsSession        *session)
{
  g_return_if_fail (CLS_IS_EXPLAIN_POPOVER (self));

  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_set_object (&self->session, session);
  if (session != NULL)
    g_signal_connect_object (session, "changed", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
  update (self);
}
