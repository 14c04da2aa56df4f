/* cls-control-panel.c: ε, α, model, policy, method and evaluation settings
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each number has a GtkScale for dragging and a GtkSpinButton that shows
 * (and takes) its exact value; both share one GtkAdjustment. A change is
 * rounded to the digits the spin button shows, handed to the session as the
 * shortest decimal (0.1 is 1/10, not the double nearest to it) and kept in
 * GSettings for the next start.
 */
#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "cls-application.h"
#include "cls-control-panel.h"

struct _ClsControlPanel
{
  GtkWidget      parent_instance;

  ClsSession    *session;
  GSettings     *settings;
  gboolean       syncing;

  GtkWidget     *box;
  GtkStringList *models;
  GtkDropDown   *model_dropdown;
  GtkDropDown   *method_dropdown;
  GtkDropDown   *guarantee_dropdown;
  GtkDropDown   *loss_dropdown;
  GtkDropDown   *policy_dropdown;
  GtkWidget     *alpha_label;
  GtkWidget     *alpha_spin;
  GtkWidget     *alpha_scale;
  GtkWidget     *guarantee_label;
  GtkWidget     *delta_label;
  GtkWidget     *delta_spin;
  GtkWidget     *coverage_label;
  GtkWidget     *coverage_spin;
  GtkLabel      *method_note;
  GtkAdjustment *epsilon;
  GtkAdjustment *alpha;
  GtkAdjustment *delta;
  GtkAdjustment *lesion_coverage;
  GtkAdjustment *cal_fraction;
  GtkAdjustment *n_splits;
  GtkAdjustment *seed;
};

G_DEFINE_FINAL_TYPE (ClsControlPanel, cls_control_panel, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SESSION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The digits each spin button shows: what the user sees is what is used. */
#define RATE_DIGITS     3
#define FRACTION_DIGITS 2

/**
 * cls_control_panel_round:
 * @value: a slider value
 * @digits: decimals to keep
 *
 * Returns: the double nearest to @value rounded to @digits decimals, so
 *   that its shortest decimal form has at most @digits decimals
 */
double
cls_control_panel_round (double value,
                         guint  digits)
{
  double scale = pow (10, digits);

  return round (value * scale) / scale;
}

/* The dropdowns list the core's enumerations in their order. */
static ClsMethod
selected_method (ClsControlPanel *self)
{
  guint selected = gtk_drop_down_get_selected (self->method_dropdown);

  return selected <= CLS_METHOD_LTT ? (ClsMethod) selected : CLS_METHOD_EXACT;
}

static ClsGuarantee
selected_guarantee (ClsControlPanel *self)
{
  return gtk_drop_down_get_selected (self->guarantee_dropdown) == CLS_GUARANTEE_PAC
         ? CLS_GUARANTEE_PAC : CLS_GUARANTEE_MARGINAL;
}

static ClsLoss
selected_loss (ClsControlPanel *self)
{
  return gtk_drop_down_get_selected (self->loss_dropdown) == CLS_LOSS_LESION
         ? CLS_LOSS_LESION : CLS_LOSS_VOXEL;
}

/**
 * cls_control_panel_refusal:
 * @method: a method
 * @loss: a loss
 * @has_lesions: whether the cases know their lesions
 *
 * Returns: (nullable): why the core refuses this combination, in the app's
 *   words, or %NULL when it takes it
 */
const char *
cls_control_panel_refusal (ClsMethod method,
                           ClsLoss   loss,
                           gboolean  has_lesions)
{
  if (loss == CLS_LOSS_LESION && method == CLS_METHOD_BISECT)
    return _("Bisection works on the voxel loss only: choose Exact, Conformal risk control or "
             "Learn then Test for the lesion loss.");
  if (loss == CLS_LOSS_LESION && !has_lesions)
    return _("The lesion loss needs each case’s lesions, and these summaries do not store them "
             "(summary files of version 1): summarise the cases again to use it.");
  return NULL;
}

/* Only what the chosen method uses is sensitive; a combination the core
 * refuses is said so under the selectors. */
static void
update_sensitivity (ClsControlPanel *self)
{
  ClsMethod method = selected_method (self);
  ClsLoss loss = selected_loss (self);
  gboolean rank_method = method == CLS_METHOD_EXACT || method == CLS_METHOD_BISECT;
  gboolean pac = rank_method && selected_guarantee (self) == CLS_GUARANTEE_PAC;
  gboolean has_lesions = self->session == NULL || !cls_session_has_data (self->session) ||
                         loss != CLS_LOSS_LESION || cls_session_has_lesions (self->session);
  const char *refusal = cls_control_panel_refusal (method, loss, has_lesions);
  const char *note = refusal;

  gtk_widget_set_sensitive (self->alpha_label, rank_method);
  gtk_widget_set_sensitive (self->alpha_spin, rank_method);
  gtk_widget_set_sensitive (self->alpha_scale, rank_method);
  gtk_widget_set_sensitive (self->guarantee_label, rank_method);
  gtk_widget_set_sensitive (GTK_WIDGET (self->guarantee_dropdown), rank_method);
  gtk_widget_set_sensitive (self->delta_label, pac || method == CLS_METHOD_LTT);
  gtk_widget_set_sensitive (self->delta_spin, pac || method == CLS_METHOD_LTT);
  gtk_widget_set_sensitive (self->coverage_label, loss == CLS_LOSS_LESION);
  gtk_widget_set_sensitive (self->coverage_spin, loss == CLS_LOSS_LESION);

  if (note == NULL && method == CLS_METHOD_CRC)
    note = _("Conformal risk control bounds the mean loss of new cases, not the share of cases "
             "above ε: α and the guarantee do not apply.");
  else if (note == NULL && method == CLS_METHOD_LTT)
    note = _("Learn then Test bounds the mean loss of new cases with probability 1 − δ: α and "
             "the guarantee do not apply.");

  gtk_label_set_text (self->method_note, note != NULL ? note : "");
  gtk_widget_set_visible (GTK_WIDGET (self->method_note), note != NULL);
  if (refusal != NULL)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->method_note), "error");
      gtk_widget_remove_css_class (GTK_WIDGET (self->method_note), "dim-label");
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->method_note), "error");
      gtk_widget_add_css_class (GTK_WIDGET (self->method_note), "dim-label");
    }
}

static void
push_params (ClsControlPanel *self)
{
  if (self->session == NULL || self->syncing)
    return;

  cls_session_freeze (self->session);
  cls_session_set_epsilon (self->session,
                           cls_control_panel_round (gtk_adjustment_get_value (self->epsilon), RATE_DIGITS));
  cls_session_set_alpha (self->session,
                         cls_control_panel_round (gtk_adjustment_get_value (self->alpha), RATE_DIGITS));
  cls_session_set_cal_fraction (self->session,
                                cls_control_panel_round (gtk_adjustment_get_value (self->cal_fraction),
                                                         FRACTION_DIGITS));
  cls_session_set_n_splits (self->session, (guint) gtk_adjustment_get_value (self->n_splits));
  cls_session_set_seed (self->session, (guint64) gtk_adjustment_get_value (self->seed));
  cls_session_set_method (self->session, selected_method (self));
  cls_session_set_guarantee (self->session, selected_guarantee (self));
  cls_session_set_delta (self->session,
                         cls_control_panel_round (gtk_adjustment_get_value (self->delta), RATE_DIGITS));
  cls_session_set_loss (self->session, selected_loss (self));
  cls_session_set_lesion_coverage (self->session,
                                   cls_control_panel_round (gtk_adjustment_get_value (self->lesion_coverage),
                                                            FRACTION_DIGITS));
  cls_session_set_empty_policy (self->session,
                                gtk_drop_down_get_selected (self->policy_dropdown) == 1
                                  ? CLS_EMPTY_INCLUDE : CLS_EMPTY_SKIP);
  cls_session_thaw (self->session);
}

static void
save_settings (ClsControlPanel *self)
{
  if (self->settings == NULL || self->syncing)
    return;

  g_settings_delay (self->settings);
  g_settings_set_double (self->settings, "epsilon",
                         cls_control_panel_round (gtk_adjustment_get_value (self->epsilon), RATE_DIGITS));
  g_settings_set_double (self->settings, "alpha",
                         cls_control_panel_round (gtk_adjustment_get_value (self->alpha), RATE_DIGITS));
  g_settings_set_double (self->settings, "cal-fraction",
                         cls_control_panel_round (gtk_adjustment_get_value (self->cal_fraction),
                                                  FRACTION_DIGITS));
  g_settings_set_uint (self->settings, "n-splits", (guint) gtk_adjustment_get_value (self->n_splits));
  g_settings_set_uint (self->settings, "seed", (guint) gtk_adjustment_get_value (self->seed));
  g_settings_set_string (self->settings, "method", cls_method_to_string (selected_method (self)));
  g_settings_set_string (self->settings, "guarantee", cls_guarantee_to_string (selected_guarantee (self)));
  g_settings_set_double (self->settings, "delta",
                         cls_control_panel_round (gtk_adjustment_get_value (self->delta), RATE_DIGITS));
  g_settings_set_string (self->settings, "loss", cls_loss_to_string (selected_loss (self)));
  g_settings_set_double (self->settings, "lesion-coverage",
                         cls_control_panel_round (gtk_adjustment_get_value (self->lesion_coverage),
                                                  FRACTION_DIGITS));
  g_settings_set_string (self->settings, "empty-policy",
                         gtk_drop_down_get_selected (self->policy_dropdown) == 1 ? "include" : "skip");
  g_settings_apply (self->settings);
}

static void
on_value_changed (ClsControlPanel *self)
{
  update_sensitivity (self);
  push_params (self);
  save_settings (self);
}

static void
load_settings (ClsControlPanel *self)
{
  g_autofree char *method = NULL;
  g_autofree char *guarantee = NULL;
  g_autofree char *loss = NULL;
  g_autofree char *policy = NULL;
  ClsMethod m = CLS_METHOD_EXACT;
  ClsGuarantee g = CLS_GUARANTEE_MARGINAL;
  ClsLoss l = CLS_LOSS_VOXEL;

  if (self->settings == NULL)
    return;

  self->syncing = TRUE;
  gtk_adjustment_set_value (self->epsilon, g_settings_get_double (self->settings, "epsilon"));
  gtk_adjustment_set_value (self->alpha, g_settings_get_double (self->settings, "alpha"));
  gtk_adjustment_set_value (self->cal_fraction, g_settings_get_double (self->settings, "cal-fraction"));
  gtk_adjustment_set_value (self->n_splits, g_settings_get_uint (self->settings, "n-splits"));
  gtk_adjustment_set_value (self->seed, g_settings_get_uint (self->settings, "seed"));
  gtk_adjustment_set_value (self->delta, g_settings_get_double (self->settings, "delta"));
  gtk_adjustment_set_value (self->lesion_coverage, g_settings_get_double (self->settings, "lesion-coverage"));
  method = g_settings_get_string (self->settings, "method");
  guarantee = g_settings_get_string (self->settings, "guarantee");
  loss = g_settings_get_string (self->settings, "loss");
  policy = g_settings_get_string (self->settings, "empty-policy");
  /* The schema's choices are the core's names; an unknown one keeps the default. */
  cls_method_from_string (method, &m);
  cls_guarantee_from_string (guarantee, &g);
  cls_loss_from_string (loss, &l);
  gtk_drop_down_set_selected (self->method_dropdown, m);
  gtk_drop_down_set_selected (self->guarantee_dropdown, g);
  gtk_drop_down_set_selected (self->loss_dropdown, l);
  gtk_drop_down_set_selected (self->policy_dropdown, g_str_equal (policy, "include") ? 1 : 0);
  self->syncing = FALSE;
}

static void
on_model_selected (ClsControlPanel *self)
{
  guint selected = gtk_drop_down_get_selected (self->model_dropdown);

  if (self->session == NULL || self->syncing || selected == GTK_INVALID_LIST_POSITION)
    return;
  cls_session_set_model (self->session,
                         gtk_string_list_get_string (self->models, selected));
}

static void
sync_models (ClsControlPanel *self)
{
  guint n = cls_session_get_n_models (self->session);
  g_autofree const char **names = g_new0 (const char *, n + 1);
  const char *current = cls_session_get_model (self->session);
  guint selected = 0;

  for (guint i = 0; i < n; i++)
    {
      names[i] = cls_session_get_model_name (self->session, i);
      if (g_strcmp0 (names[i], current) == 0)
        selected = i;
    }

  self->syncing = TRUE;
  gtk_string_list_splice (self->models, 0,
                          g_list_model_get_n_items (G_LIST_MODEL (self->models)), names);
  gtk_drop_down_set_selected (self->model_dropdown, n > 0 ? selected : GTK_INVALID_LIST_POSITION);
  gtk_widget_set_sensitive (GTK_WIDGET (self->model_dropdown), n > 1);
  self->syncing = FALSE;
  update_sensitivity (self);
}

static void
cls_control_panel_dispose (GObject *object)
{
  ClsControlPanel *self = CLS_CONTROL_PANEL (object);

  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_clear_object (&self->session);
  g_clear_object (&self->settings);
  gtk_widget_dispose_template (GTK_WIDGET (self), CLS_TYPE_CONTROL_PANEL);

  G_OBJECT_CLASS (cls_control_panel_parent_class)->dispose (object);
}

static void
cls_control_panel_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  ClsControlPanel *self = CLS_CONTROL_PANEL (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cls_control_panel_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  ClsControlPanel *self = CLS_CONTROL_PANEL (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      cls_control_panel_set_session (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cls_control_panel_class_init (ClsControlPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cls_control_panel_dispose;
  object_class->get_property = cls_control_panel_get_property;
  object_class->set_property = cls_control_panel_set_property;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, CLS_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/clsstudio/ClsStudio/ui/cls-control-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, ClsControlPanel, box);
  gtk_widget_class_bind_template_child (widget_class, ClsControlPanel, models);
  gtk_widget_class_bind_template_child (widget_class, ClsControlPanel, model_dropdown);
  gtk_widget_class_bind_template_child (widget_class, ClsControlPanel, method_dropdown);
  gtk_widget_class_bind_template_child (widget_class, ClsControlPanel, guarantee_dropdown);
  gtk_widget_class_bind_template_child (widget_class, ClsControlPanel, loss_dropdown);
  gtk_widget_class_bind_template_child (widget_class, ClsControlPanel, policy_dropdown);
  gtk_widget_class_bind_template_child (widget_class, ClsControlPanel, alpha_label);
  gtk_widget_class_bind_template_child (widget_class, ClsControlPanel, alpha_spin);
  gtk_widget_class_bind_template_child (widget_class, ClsControlPanel, alpha_scale);
  gtk_widget_class_bind_template_child (widget_class, ClsControlPanel, guarantee_label);
  gtk_widget_class_bind_template_child (widget_class, ClsControlPanel, delta_label);
  gtk_widget_class_bind_template_child (widget_class, ClsControlPanel, delta_spin);
  gtk_widget_class_bind_template_child (widget_class, ClsControlPanel, coverage_label);
  gtk_widget_class_bind_template_child (widget_class, ClsControlPanel, coverage_spin);
  gtk_widget_class_bind_template_child (widget_class, ClsControlPanel, method_note);
  gtk_widget_class_bind_template_child (widget_class, ClsControlPanel, epsilon);
  gtk_widget_class_bind_template_child (widget_class, ClsControlPanel, alpha);
  gtk_widget_class_bind_template_child (widget_class, ClsControlPanel, delta);
  gtk_widget_class_bind_template_child (widget_class, ClsControlPanel, lesion_coverage);
  gtk_widget_class_bind_template_child (widget_class, ClsControlPanel, cal_fraction);
  gtk_widget_class_bind_template_child (widget_class, ClsControlPanel, n_splits);
  gtk_widget_class_bind_template_child (widget_class, ClsControlPanel, seed);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "clscontrolpanel");
}

static void
cls_control_panel_init (ClsControlPanel *self)
{
  GtkAdjustment *adjustments[7];
  GtkDropDown *dropdowns[4];

  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = cls_application_new_settings (APPLICATION_ID ".Parameters");
  load_settings (self);
  update_sensitivity (self);

  adjustments[0] = self->epsilon;
  adjustments[1] = self->alpha;
  adjustments[2] = self->cal_fraction;
  adjustments[3] = self->n_splits;
  adjustments[4] = self->seed;
  adjustments[5] = self->delta;
  adjustments[6] = self->lesion_coverage;
  for (guint i = 0; i < G_N_ELEMENTS (adjustments); i++)
    g_signal_connect_object (adjustments[i], "value-changed",
                             G_CALLBACK (on_value_changed), self, G_CONNECT_SWAPPED);
  dropdowns[0] = self->method_dropdown;
  dropdowns[1] = self->guarantee_dropdown;
  dropdowns[2] = self->loss_dropdown;
  dropdowns[3] = self->policy_dropdown;
  for (guint i = 0; i < G_N_ELEMENTS (dropdowns); i++)
    g_signal_connect_object (dropdowns[i], "notify::selected",
                             G_CALLBACK (on_value_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->model_dropdown, "notify::selected",
                           G_CALLBACK (on_model_selected), self, G_CONNECT_SWAPPED);
}

GtkWidget *
cls_control_panel_new (void)
{
  return g_object_new (CLS_TYPE_CONTROL_PANEL, NULL);
}

/**
 * cls_control_panel_get_session:
 * @self: a control panel
 *
 * Returns: (transfer none) (nullable): the session it controls
 */
ClsSession *
cls_control_panel_get_session (ClsControlPanel *self)
{
  g_return_val_if_fail (CLS_IS_CONTROL_PANEL (self), NULL);
  return self->session;
}

/**
 * cls_control_panel_set_session:
 * @self: a control panel
 * @session: (nullable): the session to control
 *
 * Hands the panel's values to @session and follows its models from now on.
 */
void
cls_control_panel_set_session (ClsControlPanel *self,
                               ClsSession      *session)
{
  g_return_if_fail (CLS_IS_CONTROL_PANEL (self));
  g_return_if_fail (session == NULL || CLS_IS_SESSION (session));

  if (self->session == session)
    return;

  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_set_object (&self->session, session);
  if (session != NULL)
    {
      g_signal_connect_object (session, "data-changed", G_CALLBACK (sync_models), self,
                               G_CONNECT_SWAPPED);
      sync_models (self);
      push_params (self);
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}

/**
 * cls_control_panel_get_epsilon:
 * @self: a control panel
 *
 * Returns: (transfer none): the adjustment of ε
 */
GtkAdjustment *
cls_control_panel_get_epsilon (ClsControlPanel *self)
{
  g_return_val_if_fail (CLS_IS_CONTROL_PANEL (self), NULL);
  return self->epsilon;
}

/**
 * cls_control_panel_get_alpha:
 * @self: a control panel
 *
 * Returns: (transfer none): the adjustment of α
 */
GtkAdjustment *
cls_control_panel_get_alpha (ClsControlPanel *self)
{
  g_return_val_if_fail (CLS_IS_CONTROL_PANEL (self), NULL);
  return self->alpha;
}

/**
 * cls_control_panel_get_cal_fraction:
 * @self: a control panel
 *
 * Returns: (transfer none): the adjustment of the calibration fraction
 */
GtkAdjustment *
cls_control_panel_get_cal_fraction (ClsControlPanel *self)
{
  g_return_val_if_fail (CLS_IS_CONTROL_PANEL (self), NULL);
  return self->cal_fraction;
}

/**
 * cls_control_panel_get_n_splits:
 * @self: a control panel
 *
 * Returns: (transfer none): the adjustment of the number of splits
 */
GtkAdjustment *
cls_control_panel_get_n_splits (ClsControlPanel *self)
{
  g_return_val_if_fail (CLS_IS_CONTROL_PANEL (self), NULL);
  return self->n_splits;
}

/**
 * cls_control_panel_get_seed:
 * @self: a control panel
 *
 * Returns: (transfer none): the adjustment of the split seed
 */
GtkAdjustment *
cls_control_panel_get_seed (ClsControlPanel *self)
{
  g_return_val_if_fail (CLS_IS_CONTROL_PANEL (self), NULL);
  return self->seed;
}

/**
 * cls_control_panel_get_model_dropdown:
 * @self: a control panel
 *
 * Returns: (transfer none): the model selector
 */
GtkDropDown *
cls_control_panel_get_model_dropdown (ClsControlPanel *self)
{
  g_return_val_if_fail (CLS_IS_CONTROL_PANEL (self), NULL);
  return self->model_dropdown;
}

/**
 * cls_control_panel_get_delta:
 * @self: a control panel
 *
 * Returns: (transfer none): the adjustment of δ
 */
GtkAdjustment *
cls_control_panel_get_delta (ClsControlPanel *self)
{
  g_return_val_if_fail (CLS_IS_CONTROL_PANEL (self), NULL);
  return self->delta;
}

/**
 * cls_control_panel_get_lesion_coverage:
 * @self: a control panel
 *
 * Returns: (transfer none): the adjustment of the lesion coverage
 */
GtkAdjustment *
cls_control_panel_get_lesion_coverage (ClsControlPanel *self)
{
  g_return_val_if_fail (CLS_IS_CONTROL_PANEL (self), NULL);
  return self->lesion_coverage;
}

/**
 * cls_control_panel_get_guarantee_dropdown:
 * @self: a control panel
 *
 * Returns: (transfer none): the guarantee selector, in #ClsGuarantee order
 */
GtkDropDown *
cls_control_panel_get_guarantee_dropdown (ClsControlPanel *self)
{
  g_return_val_if_fail (CLS_IS_CONTROL_PANEL (self), NULL);
  return self->guarantee_dropdown;
}

/**
 * cls_control_panel_get_loss_dropdown:
 * @self: a control panel
 *
 * Returns: (transfer none): the loss selector, in #ClsLoss order
 */
GtkDropDown *
cls_control_panel_get_loss_dropdown (ClsControlPanel *self)
{
  g_return_val_if_fail (CLS_IS_CONTROL_PANEL (self), NULL);
  return self->loss_dropdown;
}

/**
 * cls_control_panel_get_method_note:
 * @self: a control panel
 *
 * Returns: the note under the selectors: what the method does not use, or
 *   why the combination is refused; "" when there is none
 */
const char *
cls_control_panel_get_method_note (ClsControlPanel *self)
{
  g_return_val_if_fail (CLS_IS_CONTROL_PANEL (self), NULL);
  return gtk_widget_get_visible (GTK_WIDGET (self->method_note)) ? gtk_label_get_text (self->method_note) : "";
}

/**
 * cls_control_panel_get_method_dropdown:
 * @self: a control panel
 *
 * Returns: (transfer none): the method selector, in #ClsMethod order (exact,
 *   bisection, CRC, LTT)
 */
GtkDropDown *
cls_control_panel_get_method_dropdown (ClsControlPanel *self)
{
  g_return_val_if_fail (CLS_IS_CONTROL_PANEL (self), NULL);
  return self->method_dropdown;
}

/**
 * cls_control_panel_get_policy_dropdown:
 * @self: a control panel
 *
 * Returns: (transfer none): the empty-mask policy selector (0 skip,
 *   1 include)
 */
GtkDropDown *
cls_control_panel_get_policy_dropdown (ClsControlPanel *self)
{
  g_return_val_if_fail (CLS_IS_CONTROL_PANEL (self), NULL);
  return self->policy_dropdown;
}
