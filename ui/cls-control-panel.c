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
  GtkDropDown   *policy_dropdown;
  GtkAdjustment *epsilon;
  GtkAdjustment *alpha;
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
  cls_session_set_method (self->session,
                          gtk_drop_down_get_selected (self->method_dropdown) == 1
                            ? CLS_METHOD_BISECT : CLS_METHOD_EXACT);
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
  g_settings_set_string (self->settings, "method",
                         gtk_drop_down_get_selected (self->method_dropdown) == 1 ? "bisect" : "exact");
  g_settings_set_string (self->settings, "empty-policy",
                         gtk_drop_down_get_selected (self->policy_dropdown) == 1 ? "include" : "skip");
  g_settings_apply (self->settings);
}

static void
on_value_changed (ClsControlPanel *self)
{
  push_params (self);
  save_settings (self);
}

static void
load_settings (ClsControlPanel *self)
{
  g_autofree char *method = NULL;
  g_autofree char *policy = NULL;

  if (self->settings == NULL)
    return;

  self->syncing = TRUE;
  gtk_adjustment_set_value (self->epsilon, g_settings_get_double (self->settings, "epsilon"));
  gtk_adjustment_set_value (self->alpha, g_settings_get_double (self->settings, "alpha"));
  gtk_adjustment_set_value (self->cal_fraction, g_settings_get_double (self->settings, "cal-fraction"));
  gtk_adjustment_set_value (self->n_splits, g_settings_get_uint (self->settings, "n-splits"));
  gtk_adjustment_set_value (self->seed, g_settings_get_uint (self->settings, "seed"));
  method = g_settings_get_string (self->settings, "method");
  policy = g_settings_get_string (self->settings, "empty-policy");
  gtk_drop_down_set_selected (self->method_dropdown, g_str_equal (method, "bisect") ? 1 : 0);
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
  gtk_widget_class_bind_template_child (widget_class, ClsControlPanel, policy_dropdown);
  gtk_widget_class_bind_template_child (widget_class, ClsControlPanel, epsilon);
  gtk_widget_class_bind_template_child (widget_class, ClsControlPanel, alpha);
  gtk_widget_class_bind_template_child (widget_class, ClsControlPanel, cal_fraction);
  gtk_widget_class_bind_template_child (widget_class, ClsControlPanel, n_splits);
  gtk_widget_class_bind_template_child (widget_class, ClsControlPanel, seed);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "clscontrolpanel");
}

static void
cls_control_panel_init (ClsControlPanel *self)
{
  GtkAdjustment *adjustments[5];

  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = cls_application_new_settings (APPLICATION_ID ".Parameters");
  load_settings (self);

  adjustments[0] = self->epsilon;
  adjustments[1] = self->alpha;
  adjustments[2] = self->cal_fraction;
  adjustments[3] = self->n_splits;
  adjustments[4] = self->seed;
  for (guint i = 0; i < G_N_ELEMENTS (adjustments); i++)
    g_signal_connect_object (adjustments[i], "value-changed",
                             G_CALLBACK (on_value_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->method_dropdown, "notify::selected",
                           G_CALLBACK (on_value_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->policy_dropdown, "notify::selected",
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
 * cls_control_panel_get_method_dropdown:
 * @self: a control panel
 *
 * Returns: (transfer none): the method selector (0 exact, 1 bisection)
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
