/* cls-summary-panel.c: n, k, t̂, feasibility and the evaluation at a glance
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <inttypes.h>
#include <glib/gi18n.h>

#include "cls-explain-popover.h"
#include "cls-summary-panel.h"

struct _ClsSummaryPanel
{
  GtkWidget          parent_instance;

  ClsSession        *session;

  GtkWidget         *box;
  GtkMenuButton     *explain_button;
  ClsExplainPopover *explain_popover;
  GtkLabel          *splits_heading;
  GtkLabel          *rank_label;
  GtkLabel          *values[CLS_SUMMARY_N_FIELDS];
};

G_DEFINE_FINAL_TYPE (ClsSummaryPanel, cls_summary_panel, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SESSION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/**
 * cls_format_stat:
 * @stat: a mean and standard deviation
 * @digits: decimals
 *
 * Returns: (transfer full): "mean ± std"
 */
char *
cls_format_stat (ClsStat stat,
                 int     digits)
{
  return g_strdup_printf ("%.*f ± %.*f", digits, stat.mean, digits, stat.std);
}

static void
set_text (ClsSummaryPanel *self,
          ClsSummaryField  field,
          const char      *text)
{
  gtk_label_set_text (self->values[field], text != NULL ? text : "—");
}

static void
take_text (ClsSummaryPanel *self,
           ClsSummaryField  field,
           char            *text)
{
  set_text (self, field, text);
  g_free (text);
}

static void
set_stat (ClsSummaryPanel     *self,
          ClsSummaryField      field,
          const ClsEvaluation *eval,
          gsize                offset,
          int                  digits)
{
  take_text (self, field, cls_format_stat (cls_evaluation_get_stat (eval, offset), digits));
}

static void
update_calibration (ClsSummaryPanel      *self,
                    const ClsCalibration *cal,
                    GString              *message)
{
  const GError *error = cls_session_get_calibration_error (self->session);
  ClsCalibrationParams params;
  gboolean rank_method;
  guint n, skipped;

  cls_session_get_params (self->session, &params);
  rank_method = params.method == CLS_METHOD_EXACT || params.method == CLS_METHOD_BISECT;
  for (guint f = CLS_SUMMARY_CASES; f <= CLS_SUMMARY_COVERED; f++)
    set_text (self, f, NULL);
  take_text (self, CLS_SUMMARY_GUARANTEE, cls_explain_guarantee_short (&params));
  gtk_widget_remove_css_class (GTK_WIDGET (self->values[CLS_SUMMARY_FEASIBLE]), "error");
  gtk_label_set_text (self->rank_label, params.method == CLS_METHOD_CRC ? _("Risk bound")
                                        : params.method == CLS_METHOD_LTT ? _("p-value")
                                        : _("Rank k"));

  if (cal == NULL)
    {
      if (error != NULL)
        g_string_append_printf (message, _("No calibration: %s."), error->message);
      return;
    }

  n = cls_calibration_get_n (cal);
  skipped = cls_calibration_get_n_skipped (cal);
  if (skipped > 0)
    take_text (self, CLS_SUMMARY_CASES,
               g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u (%u without lesion skipped)",
                                             "%u (%u without lesion skipped)", skipped),
                                n, skipped));
  else
    take_text (self, CLS_SUMMARY_CASES, g_strdup_printf ("%u", n));

  if (rank_method)
    take_text (self, CLS_SUMMARY_RANK,
               g_strdup_printf (_("%" PRIu64 " of %u"), cls_calibration_get_rank (cal), n));
  else
    {
      const ClsStratumResult *stratum = cls_calibration_get_stratum (cal, 0);

      /* CRC: (n R̂ + 1) / (n + 1) ≤ ε at ĉ; LTT: its p-value ≤ δ. */
      take_text (self, CLS_SUMMARY_RANK, g_strdup_printf ("%.4g", stratum->bound));
    }
  take_text (self, CLS_SUMMARY_T_HAT, g_strdup_printf ("%.4f", cls_calibration_get_t_hat (cal)));
  take_text (self, CLS_SUMMARY_CUT, g_strdup_printf ("p ≥ %.6g", cls_calibration_get_cut (cal)));
  take_text (self, CLS_SUMMARY_COVERED,
             g_strdup_printf (_("%u of %u"), cls_calibration_get_n_covered (cal), n));

  if (cls_calibration_is_feasible (cal))
    set_text (self, CLS_SUMMARY_FEASIBLE, _("Yes"));
  else if (!rank_method)
    {
      set_text (self, CLS_SUMMARY_FEASIBLE, _("No: no threshold meets the bound"));
      gtk_widget_add_css_class (GTK_WIDGET (self->values[CLS_SUMMARY_FEASIBLE]), "error");
    }
  else
    {
      guint64 min_n = cls_calibration_get_min_n (cal);

      take_text (self, CLS_SUMMARY_FEASIBLE,
                 g_strdup_printf (_("No: needs at least %" PRIu64 " cases"), min_n));
      gtk_widget_add_css_class (GTK_WIDGET (self->values[CLS_SUMMARY_FEASIBLE]), "error");
      g_string_append_printf (message,
                              _("Too few cases for this α: k = %" PRIu64 " exceeds n = %u. "
                                "t̂ = 1 marks every voxel until there are at least %"
                                PRIu64 " cases."),
                              cls_calibration_get_rank (cal), n, min_n);
    }
}

static void
update_evaluation (ClsSummaryPanel     *self,
                   const ClsEvaluation *eval,
                   GString             *message)
{
  const GError *error = cls_session_get_evaluation_error (self->session);

  for (guint f = CLS_SUMMARY_ECR_FIXED; f <= CLS_SUMMARY_PC_CALIBRATED; f++)
    set_text (self, f, NULL);

  if (eval == NULL)
    {
      gtk_label_set_text (self->splits_heading, _("Random splits"));
      if (error != NULL)
        {
          if (message->len > 0)
            g_string_append_c (message, '\n');
          g_string_append_printf (message, _("No evaluation: %s."), error->message);
        }
      return;
    }

  {
    guint n_splits = cls_evaluation_get_n_splits (eval);
    g_autofree char *heading =
      g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                    "%u split · %u calibrate, %u test",
                                    "%u splits · %u calibrate, %u test", n_splits),
                       n_splits, cls_evaluation_get_n_cal (eval), cls_evaluation_get_n_test (eval));

    gtk_label_set_text (self->splits_heading, heading);
  }

  set_stat (self, CLS_SUMMARY_ECR_FIXED, eval, CLS_SPLIT_FIELD (ecr_fixed), 3);
  set_stat (self, CLS_SUMMARY_ECR_CALIBRATED, eval, CLS_SPLIT_FIELD (ecr_calibrated), 3);
  if (cls_evaluation_has_theory (eval))
    take_text (self, CLS_SUMMARY_ECR_THEORY,
               g_strdup_printf ("%.3f", cls_evaluation_get_theory_ecr (eval)));
  set_stat (self, CLS_SUMMARY_FNR_FIXED, eval, CLS_SPLIT_FIELD (fnr_fixed), 3);
  set_stat (self, CLS_SUMMARY_FNR_CALIBRATED, eval, CLS_SPLIT_FIELD (fnr_calibrated), 3);
  set_stat (self, CLS_SUMMARY_PC_FIXED, eval, CLS_SPLIT_FIELD (pc_fixed), 4);
  set_stat (self, CLS_SUMMARY_PC_CALIBRATED, eval, CLS_SPLIT_FIELD (pc_calibrated), 4);
}

static void
update (ClsSummaryPanel *self)
{
  g_autoptr(GString) message = g_string_new (NULL);

  if (self->session == NULL || !cls_session_has_data (self->session))
    {
      for (guint f = 0; f < CLS_SUMMARY_MESSAGE; f++)
        set_text (self, f, NULL);
      set_text (self, CLS_SUMMARY_GUARANTEE, NULL);
      gtk_label_set_text (self->splits_heading, _("Random splits"));
      gtk_label_set_text (self->values[CLS_SUMMARY_MESSAGE], "");
      gtk_widget_set_visible (GTK_WIDGET (self->values[CLS_SUMMARY_MESSAGE]), FALSE);
      return;
    }

  update_calibration (self, cls_session_get_calibration (self->session), message);
  update_evaluation (self, cls_session_get_evaluation (self->session), message);

  gtk_label_set_text (self->values[CLS_SUMMARY_MESSAGE], message->str);
  gtk_widget_set_visible (GTK_WIDGET (self->values[CLS_SUMMARY_MESSAGE]), message->len > 0);
}

static void
cls_summary_panel_dispose (GObject *object)
{
  ClsSummaryPanel *self = CLS_SUMMARY_PANEL (object);

  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_clear_object (&self->session);
  gtk_widget_dispose_template (GTK_WIDGET (self), CLS_TYPE_SUMMARY_PANEL);

  G_OBJECT_CLASS (cls_summary_panel_parent_class)->dispose (object);
}

static void
cls_summary_panel_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  ClsSummaryPanel *self = CLS_SUMMARY_PANEL (object);

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
cls_summary_panel_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  ClsSummaryPanel *self = CLS_SUMMARY_PANEL (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      cls_summary_panel_set_session (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cls_summary_panel_class_init (ClsSummaryPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  static const struct {
    ClsSummaryField field;
    const char     *name;
  } children[] = {
    { CLS_SUMMARY_CASES, "cases_value" },
    { CLS_SUMMARY_RANK, "rank_value" },
    { CLS_SUMMARY_T_HAT, "t_hat_value" },
    { CLS_SUMMARY_CUT, "cut_value" },
    { CLS_SUMMARY_FEASIBLE, "feasible_value" },
    { CLS_SUMMARY_COVERED, "covered_value" },
    { CLS_SUMMARY_ECR_FIXED, "ecr_fixed_value" },
    { CLS_SUMMARY_ECR_CALIBRATED, "ecr_calibrated_value" },
    { CLS_SUMMARY_ECR_THEORY, "ecr_theory_value" },
    { CLS_SUMMARY_FNR_FIXED, "fnr_fixed_value" },
    { CLS_SUMMARY_FNR_CALIBRATED, "fnr_calibrated_value" },
    { CLS_SUMMARY_PC_FIXED, "pc_fixed_value" },
    { CLS_SUMMARY_PC_CALIBRATED, "pc_calibrated_value" },
    { CLS_SUMMARY_MESSAGE, "message_value" },
    { CLS_SUMMARY_GUARANTEE, "guarantee_value" },
  };

  object_class->dispose = cls_summary_panel_dispose;
  object_class->get_property = cls_summary_panel_get_property;
  object_class->set_property = cls_summary_panel_set_property;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, CLS_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (CLS_TYPE_EXPLAIN_POPOVER);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/clsstudio/ClsStudio/ui/cls-summary-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, ClsSummaryPanel, box);
  gtk_widget_class_bind_template_child (widget_class, ClsSummaryPanel, explain_button);
  gtk_widget_class_bind_template_child (widget_class, ClsSummaryPanel, explain_popover);
  gtk_widget_class_bind_template_child (widget_class, ClsSummaryPanel, splits_heading);
  gtk_widget_class_bind_template_child (widget_class, ClsSummaryPanel, rank_label);
  for (guint i = 0; i < G_N_ELEMENTS (children); i++)
    gtk_widget_class_bind_template_child_full (widget_class, children[i].name, FALSE,
                                               G_STRUCT_OFFSET (ClsSummaryPanel, values)
                                               + children[i].field * sizeof (GtkLabel *));

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "clssummarypanel");
}

static void
cls_summary_panel_init (ClsSummaryPanel *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  update (self);
}

GtkWidget *
cls_summary_panel_new (void)
{
  return g_object_new (CLS_TYPE_SUMMARY_PANEL, NULL);
}

/**
 * cls_summary_panel_get_session:
 * @self: a summary panel
 *
 * Returns: (transfer none) (nullable): the session it shows
 */
ClsSession *
cls_summary_panel_get_session (ClsSummaryPanel *self)
{
  g_return_val_if_fail (CLS_IS_SUMMARY_PANEL (self), NULL);
  return self->session;
}

void
cls_summary_panel_set_session (ClsSummaryPanel *self,
                               ClsSession      *session)
{
  g_return_if_fail (CLS_IS_SUMMARY_PANEL (self));
  g_return_if_fail (session == NULL || CLS_IS_SESSION (session));

  if (self->session == session)
    return;

  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_set_object (&self->session, session);
  if (session != NULL)
    g_signal_connect_object (session, "changed", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
  cls_explain_popover_set_session (self->explain_popover, session);
  update (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}

/**
 * cls_summary_panel_get_text:
 * @self: a summary panel
 * @field: which value
 *
 * Returns: the text shown for @field ("—" when there is none)
 */
const char *
cls_summary_panel_get_text (ClsSummaryPanel *self,
                            ClsSummaryField  field)
{
  g_return_val_if_fail (CLS_IS_SUMMARY_PANEL (self), NULL);
  g_return_val_if_fail (field < CLS_SUMMARY_N_FIELDS, NULL);

  return gtk_label_get_text (self->values[field]);
}

/**
 * cls_summary_panel_explain:
 * @self: a summary panel
 *
 * Pops up the explanation of the guarantee with the current numbers.
 */
void
cls_summary_panel_explain (ClsSummaryPanel *self)
{
  g_return_if_fail (CLS_IS_SUMMARY_PANEL (self));
  gtk_menu_button_popup (self->explain_button);
}
