/* cls-plot-panel.c: the six plots of the window, live and swept
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Panels (a) loss curve, (b) t_i histogram and (e) FNR per case come from
 * the current calibration: they are rebuilt on the main thread in the same
 * ::changed emission as the summary, so they move with the slider in the
 * same frame. Panels (c) ECR vs α, (d) PC vs α per model and (f) ECR vs the
 * calibration fraction need one evaluation per grid point: they run in a
 * worker thread (GTask) with their own evaluators over the immutable
 * summaries. A new change cancels the sweep under way; a sweep whose inputs
 * did not change (moving α does not change the α sweep) is not rerun. A
 * small progress bar shows while one runs.
 */
#include "config.h"

#include <inttypes.h>

#include <glib/gi18n.h>

#include "cls-plot-panel.h"
#include "cls-plot-panels.h"
#include "cls-plot-view.h"
#include "cls-sweep.h"

#define N_PANELS CLS_PLOT_N_PANELS

struct _ClsPlotsPanel
{
  GtkWidget       parent_instance;

  ClsSession     *session;
  ClsPlot        *plots[N_PANELS];
  GtkWidget      *views[N_PANELS];

  GCancellable   *sweep_cancellable;
  char           *alpha_key;
  char           *fraction_key;
  guint           progress_id;
  guint           delay_id;          /* sweeps start when the sliders rest */
  gint           *progress;          /* shared with the running job: done, total */

  GtkWidget      *overlay;
  GtkNotebook    *notebook;
  GtkWidget      *busy_box;
  GtkProgressBar *busy_bar;
};

G_DEFINE_FINAL_TYPE (ClsPlotsPanel, cls_plots_panel, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_CURRENT_PLOT,
  PROP_BUSY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static ClsPlot *
message_plot (ClsPlotPanel  panel,
              const char   *message)
{
  ClsPlot *plot = cls_plot_new ();

  cls_plot_set_title (plot, cls_plot_panel_get_name (panel));
  cls_plot_set_message (plot, message);
  return plot;
}

static void
set_plot (ClsPlotsPanel *self,
          ClsPlotPanel   panel,
          ClsPlot       *plot)
{
  g_clear_pointer (&self->plots[panel], cls_plot_unref);
  self->plots[panel] = plot;
  cls_plot_view_set_plot (CLS_PLOT_VIEW (self->views[panel]), plot);

  if ((guint) gtk_notebook_get_current_page (self->notebook) == panel)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CURRENT_PLOT]);
}

/* The live panels */

static int
selected_index (ClsPlotsPanel        *self,
                const ClsCalibration *cal)
{
  const char *case_id = cls_session_get_case_id (self->session);

  for (guint i = 0; case_id != NULL && i < cls_calibration_get_n_cases (cal); i++)
    {
      const ClsCaseResult *r = cls_calibration_get_case (cal, i);

      if (g_str_equal (cls_case_summary_get_case_id (r->summary), case_id))
        return (int) i;
    }
  return -1;
}

static void
update_case_panels (ClsPlotsPanel *self)
{
  const ClsCalibration *cal = cls_session_get_calibration (self->session);
  int selected;

  if (cal == NULL)
    return;

  selected = selected_index (self, cal);
  if (selected >= 0)
    set_plot (self, CLS_PLOT_PANEL_LOSS, cls_plot_panel_loss_for_case (cal, selected));
  else
    set_plot (self, CLS_PLOT_PANEL_LOSS,
              message_plot (CLS_PLOT_PANEL_LOSS, _("Select a case to see its loss curve.")));
  set_plot (self, CLS_PLOT_PANEL_THRESHOLDS, cls_plot_panel_thresholds_for_calibration (cal, selected));
}

static void
update_live_panels (ClsPlotsPanel *self)
{
  const ClsCalibration *cal = cls_session_get_calibration (self->session);
  const GError *error = cls_session_get_calibration_error (self->session);

  if (cal == NULL)
    {
      const char *why = error != NULL ? error->message : _("No dataset is open.");
      static const ClsPlotPanel live[] = {
        CLS_PLOT_PANEL_LOSS, CLS_PLOT_PANEL_THRESHOLDS, CLS_PLOT_PANEL_FNR
      };

      for (guint i = 0; i < G_N_ELEMENTS (live); i++)
        set_plot (self, live[i], message_plot (live[i], why));
      return;
    }

  update_case_panels (self);
  set_plot (self, CLS_PLOT_PANEL_FNR, cls_plot_panel_fnr_for_calibration (cal));
}

/* The sweeps */

typedef struct {
  GPtrArray            *summaries;   /* per model: GPtrArray of ClsCaseSummary */
  GStrv                 models;
  guint                 current;
  ClsCalibrationParams  params;
  ClsEvaluationParams   eval;
  gboolean              do_alpha;
  gboolean              do_fraction;
  gint                 *progress;    /* done, total; atomics */
  gint                  base;
  ClsPlot              *ecr_alpha;
  ClsPlot              *pc_alpha;
  ClsPlot              *ecr_fraction;
} SweepJob;

static void
sweep_job_free (SweepJob *job)
{
  g_ptr_array_unref (job->summaries);
  g_strfreev (job->models);
  g_free (job->progress);
  g_clear_pointer (&job->ecr_alpha, cls_plot_unref);
  g_clear_pointer (&job->pc_alpha, cls_plot_unref);
  g_clear_pointer (&job->ecr_fraction, cls_plot_unref);
  g_free (job);
}

static void
on_sweep_progress (guint64     done,
                   guint64     total,
                   const char *message,
                   gpointer    user_data)
{
  SweepJob *job = user_data;

  g_atomic_int_set (&job->progress[0], job->base + (gint) done);
}

static ClsSweep *
run_sweep (SweepJob      *job,
           ClsSweepKind   kind,
           guint          model,
           GCancellable  *cancellable,
           GError       **error)
{
  GPtrArray *summaries = g_ptr_array_index (job->summaries, model);
  g_autoptr(ClsEvaluator) evaluator = NULL;
  const double *grid;
  guint n;
  ClsSweep *sweep;

  if (kind == CLS_SWEEP_ALPHA)
    grid = cls_sweep_default_alphas (&n);
  else
    grid = cls_sweep_default_fractions (&n);

  /* Each thread its own evaluator: the window's stays on the main thread. */
  evaluator = cls_evaluator_new ((ClsCaseSummary * const *) summaries->pdata, summaries->len);
  if (kind == CLS_SWEEP_ALPHA)
    sweep = cls_sweep_alpha (evaluator, &job->params, &job->eval, grid, n,
                             on_sweep_progress, job, cancellable, error);
  else
    sweep = cls_sweep_cal_fraction (evaluator, &job->params, &job->eval, grid, n,
                                    on_sweep_progress, job, cancellable, error);
  job->base += n;
  g_atomic_int_set (&job->progress[0], job->base);
  return sweep;
}

static void
sweep_alpha (SweepJob     *job,
             GCancellable *cancellable)
{
  g_autoptr(GPtrArray) sweeps = g_ptr_array_new_with_free_func ((GDestroyNotify) cls_sweep_free);
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  g_autoptr(GError) current_error = NULL;

  for (guint m = 0; m < job->summaries->len; m++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(ClsSweep) sweep = run_sweep (job, CLS_SWEEP_ALPHA, m, cancellable, &error);

      if (g_cancellable_is_cancelled (cancellable))
        return;
      if (m == job->current)
        {
          if (sweep != NULL)
            job->ecr_alpha = cls_plot_panel_ecr_alpha (sweep, job->models[m]);
          else
            job->ecr_alpha = message_plot (CLS_PLOT_PANEL_ECR_ALPHA, error->message);
        }
      if (sweep != NULL)
        {
          g_ptr_array_add (sweeps, g_steal_pointer (&sweep));
          g_ptr_array_add (names, job->models[m]);
        }
    }

  if (sweeps->len > 0)
    job->pc_alpha = cls_plot_panel_pc_alpha ((ClsSweep * const *) sweeps->pdata,
                                             (const char * const *) names->pdata, sweeps->len);
  else
    job->pc_alpha = message_plot (CLS_PLOT_PANEL_PC_ALPHA, _("No model has enough cases to sweep α."));
}

static void
sweep_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  SweepJob *job = task_data;

  /* The sweeps plot the ECR with its theory band, k / (n + 1), which only
   * the rank methods have; CRC and LTT do not take α either. */
  if (job->params.method == CLS_METHOD_CRC || job->params.method == CLS_METHOD_LTT)
    {
      const char *why = _("Conformal risk control and Learn then Test bound the mean loss and do not "
                          "take α: the sweeps and their theory band are for the exact and bisection "
                          "methods. See Methods Side by Side for how they compare.");

      if (job->do_alpha)
        {
          job->ecr_alpha = message_plot (CLS_PLOT_PANEL_ECR_ALPHA, why);
          job->pc_alpha = message_plot (CLS_PLOT_PANEL_PC_ALPHA, why);
        }
      if (job->do_fraction)
        job->ecr_fraction = message_plot (CLS_PLOT_PANEL_ECR_FRACTION, why);
      g_task_return_boolean (task, TRUE);
      return;
    }

  if (job->do_alpha)
    sweep_alpha (job, cancellable);

  if (job->do_fraction && !g_cancellable_is_cancelled (cancellable))
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(ClsSweep) sweep = run_sweep (job, CLS_SWEEP_CAL_FRACTION, job->current,
                                             cancellable, &error);

      if (sweep != NULL)
        job->ecr_fraction = cls_plot_panel_ecr_fraction (sweep, job->models[job->current]);
      else if (!g_cancellable_is_cancelled (cancellable))
        job->ecr_fraction = message_plot (CLS_PLOT_PANEL_ECR_FRACTION, error->message);
    }

  if (g_cancellable_is_cancelled (cancellable))
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "cancelled");
  else
    g_task_return_boolean (task, TRUE);
}

static void
set_busy (ClsPlotsPanel *self,
          gboolean       busy)
{
  if (busy == gtk_widget_get_visible (self->busy_box))
    return;
  gtk_widget_set_visible (self->busy_box, busy);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static gboolean
update_progress (gpointer user_data)
{
  ClsPlotsPanel *self = user_data;
  gint done = g_atomic_int_get (&self->progress[0]);
  gint total = self->progress[1];

  if (total > 0)
    gtk_progress_bar_set_fraction (self->busy_bar, (double) done / total);
  set_busy (self, TRUE);
  return G_SOURCE_CONTINUE;
}

static void
sweep_done (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(ClsPlotsPanel) self = user_data;
  GTask *task = G_TASK (result);
  SweepJob *job = g_task_get_task_data (task);

  if (!g_task_propagate_boolean (task, NULL) ||
      g_task_get_cancellable (task) != self->sweep_cancellable)
    return;

  g_clear_object (&self->sweep_cancellable);
  g_clear_handle_id (&self->progress_id, g_source_remove);
  self->progress = NULL;
  set_busy (self, FALSE);

  if (job->ecr_alpha != NULL)
    set_plot (self, CLS_PLOT_PANEL_ECR_ALPHA, g_steal_pointer (&job->ecr_alpha));
  if (job->pc_alpha != NULL)
    set_plot (self, CLS_PLOT_PANEL_PC_ALPHA, g_steal_pointer (&job->pc_alpha));
  if (job->ecr_fraction != NULL)
    set_plot (self, CLS_PLOT_PANEL_ECR_FRACTION, g_steal_pointer (&job->ecr_fraction));
}

/* What each sweep depends on: α sweeps ignore α, the fraction sweep the
 * fraction. The model list is part of both (a new dataset). */
static char *
sweep_key (ClsSession *session,
           gboolean    alpha_sweep)
{
  ClsCalibrationParams p;
  ClsEvaluationParams e;
  ClsDataset *dataset = cls_session_get_dataset (session);

  cls_session_get_params (session, &p);
  cls_session_get_eval_params (session, &e);
  return g_strdup_printf ("%p %s %u %" PRIu64 "/%" PRIu64 " %" PRIu64
                          "/%" PRIu64 " %d %d %d %u %" PRIu64 "/%" PRIu64
                          " %" PRIu64 " %d %" PRIu64 "/%" PRIu64 " %d %" PRIu64 "/%" PRIu64,
                          (void *) dataset, cls_session_get_model (session),
                          cls_session_get_n_models (session),
                          p.epsilon.num, p.epsilon.den,
                          alpha_sweep ? 0 : p.alpha.num, alpha_sweep ? 1 : p.alpha.den,
                          p.method, p.empty_policy, p.normalize, e.n_splits,
                          alpha_sweep ? 0 : e.cal_fraction.num, alpha_sweep ? 1 : e.cal_fraction.den,
                          e.seed, p.guarantee, p.delta.num, p.delta.den, p.loss,
                          p.lesion_coverage.num, p.lesion_coverage.den);
}

static void
start_sweeps (ClsPlotsPanel *self)
{
  g_autofree char *alpha_key = sweep_key (self->session, TRUE);
  g_autofree char *fraction_key = sweep_key (self->session, FALSE);
  gboolean do_alpha = g_strcmp0 (alpha_key, self->alpha_key) != 0;
  gboolean do_fraction = g_strcmp0 (fraction_key, self->fraction_key) != 0;
  g_autoptr(GTask) task = NULL;
  guint n_models = cls_session_get_n_models (self->session);
  guint n_alphas, n_fractions;
  SweepJob *job;

  if (!do_alpha && !do_fraction)
    return;

  /* The sweep under way is out of date: its cached key goes too. */
  if (self->sweep_cancellable != NULL)
    {
      g_cancellable_cancel (self->sweep_cancellable);
      g_clear_object (&self->sweep_cancellable);
      do_alpha = do_fraction = TRUE;
    }
  g_clear_handle_id (&self->progress_id, g_source_remove);
  g_free (self->alpha_key);
  g_free (self->fraction_key);
  self->alpha_key = g_steal_pointer (&alpha_key);
  self->fraction_key = g_steal_pointer (&fraction_key);

  if (n_models == 0)
    {
      set_busy (self, FALSE);
      return;
    }

  cls_sweep_default_alphas (&n_alphas);
  cls_sweep_default_fractions (&n_fractions);

  job = g_new0 (SweepJob, 1);
  job->summaries = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  job->models = g_new0 (char *, n_models + 1);
  for (guint m = 0; m < n_models; m++)
    {
      g_ptr_array_add (job->summaries, cls_session_dup_summaries (self->session, m));
      job->models[m] = g_strdup (cls_session_get_model_name (self->session, m));
    }
  job->current = cls_session_get_model_index (self->session);
  cls_session_get_params (self->session, &job->params);
  cls_session_get_eval_params (self->session, &job->eval);
  job->do_alpha = do_alpha;
  job->do_fraction = do_fraction;
  job->progress = g_new0 (gint, 2);
  job->progress[1] = (do_alpha ? n_models * n_alphas : 0) + (do_fraction ? n_fractions : 0);
  self->progress = job->progress;

  self->sweep_cancellable = g_cancellable_new ();
  task = g_task_new (NULL, self->sweep_cancellable, sweep_done, g_object_ref (self));
  g_task_set_source_tag (task, start_sweeps);
  g_task_set_task_data (task, job, (GDestroyNotify) sweep_job_free);
  g_task_run_in_thread (task, sweep_thread);

  /* Only a sweep that takes a while shows its progress. */
  gtk_progress_bar_set_fraction (self->busy_bar, 0);
  self->progress_id = g_timeout_add (150, update_progress, self);
}

/* How long the parameters must rest before the sweeps start: while a
 * slider moves, every sweep would be cancelled by the next step anyway,
 * and its threads would take the cores from the frames. */
#define SWEEP_DELAY_MS 200

static gboolean
start_sweeps_cb (gpointer user_data)
{
  ClsPlotsPanel *self = user_data;

  self->delay_id = 0;
  start_sweeps (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
  return G_SOURCE_REMOVE;
}

static void
on_session_changed (ClsPlotsPanel *self)
{
  g_autofree char *alpha_key = sweep_key (self->session, TRUE);
  g_autofree char *fraction_key = sweep_key (self->session, FALSE);

  update_live_panels (self);

  if (g_strcmp0 (alpha_key, self->alpha_key) == 0 && g_strcmp0 (fraction_key, self->fraction_key) == 0)
    return;

  /* The sweep under way is out of date: stop it now, start anew once the
   * sliders rest. */
  if (self->sweep_cancellable != NULL)
    {
      g_cancellable_cancel (self->sweep_cancellable);
      g_clear_object (&self->sweep_cancellable);
      g_clear_pointer (&self->alpha_key, g_free);
      g_clear_pointer (&self->fraction_key, g_free);
      /* its progress counters go with the job */
      g_clear_handle_id (&self->progress_id, g_source_remove);
      self->progress = NULL;
      set_busy (self, FALSE);
    }
  g_clear_handle_id (&self->delay_id, g_source_remove);
  self->delay_id = g_timeout_add (SWEEP_DELAY_MS, start_sweeps_cb, self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
on_switch_page (ClsPlotsPanel *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CURRENT_PLOT]);
}

static void
cls_plots_panel_dispose (GObject *object)
{
  ClsPlotsPanel *self = CLS_PLOTS_PANEL (object);

  cls_plots_panel_set_session (self, NULL);
  g_cancellable_cancel (self->sweep_cancellable);
  g_clear_object (&self->sweep_cancellable);
  g_clear_handle_id (&self->progress_id, g_source_remove);
  g_clear_handle_id (&self->delay_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), CLS_TYPE_PLOTS_PANEL);
  for (guint i = 0; i < N_PANELS; i++)
    g_clear_pointer (&self->plots[i], cls_plot_unref);
  g_clear_pointer (&self->alpha_key, g_free);
  g_clear_pointer (&self->fraction_key, g_free);

  G_OBJECT_CLASS (cls_plots_panel_parent_class)->dispose (object);
}

static void
cls_plots_panel_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  ClsPlotsPanel *self = CLS_PLOTS_PANEL (object);

  switch (prop_id)
    {
    case PROP_CURRENT_PLOT:
      g_value_set_boxed (value, cls_plots_panel_get_current_plot (self));
      break;

    case PROP_BUSY:
      g_value_set_boolean (value, cls_plots_panel_get_busy (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cls_plots_panel_class_init (ClsPlotsPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cls_plots_panel_dispose;
  object_class->get_property = cls_plots_panel_get_property;

  properties[PROP_CURRENT_PLOT] =
    g_param_spec_boxed ("current-plot", NULL, NULL, CLS_TYPE_PLOT,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/clsstudio/ClsStudio/ui/cls-plot-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, ClsPlotsPanel, overlay);
  gtk_widget_class_bind_template_child (widget_class, ClsPlotsPanel, notebook);
  gtk_widget_class_bind_template_child (widget_class, ClsPlotsPanel, busy_box);
  gtk_widget_class_bind_template_child (widget_class, ClsPlotsPanel, busy_bar);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "clsplotspanel");
}

static void
cls_plots_panel_init (ClsPlotsPanel *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));


  /* Short tabs, so that all six fit beside the case list; the tooltip
   * has the figure's full name. */
  static const char *tabs[N_PANELS] = {
    N_("Loss"), "t<sub>i</sub>", N_("ECR–α"), N_("PC–α"), "FNR", N_("ECR–fraction"),
  };

  for (guint i = 0; i < N_PANELS; i++)
    {
      g_autofree char *tab = g_strdup_printf ("(%c) %s", 'a' + i, g_dgettext (GETTEXT_PACKAGE, tabs[i]));
      GtkWidget *view = cls_plot_view_new ();
      GtkWidget *label = gtk_label_new (NULL);

      gtk_widget_set_hexpand (view, TRUE);
      gtk_widget_set_vexpand (view, TRUE);
      self->views[i] = view;
      gtk_label_set_markup (GTK_LABEL (label), tab);
      gtk_widget_set_tooltip_text (label, cls_plot_panel_get_name (i));
      gtk_notebook_append_page (self->notebook, view, label);
      set_plot (self, i, message_plot (i, _("No dataset is open.")));
    }

  g_signal_connect_object (self->notebook, "switch-page", G_CALLBACK (on_switch_page), self,
                           G_CONNECT_SWAPPED | G_CONNECT_AFTER);
}

GtkWidget *
cls_plots_panel_new (void)
{
  return g_object_new (CLS_TYPE_PLOTS_PANEL, NULL);
}

/**
 * cls_plots_panel_set_session:
 * @self: a plots panel
 * @session: (nullable): the session whose numbers are plotted
 */
void
cls_plots_panel_set_session (ClsPlotsPanel *self,
                             ClsSession    *session)
{
  g_return_if_fail (CLS_IS_PLOTS_PANEL (self));

  if (self->session == session)
    return;
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_set_object (&self->session, session);
  if (session != NULL)
    {
      g_signal_connect_object (session, "changed", G_CALLBACK (on_session_changed), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (session, "case-changed", G_CALLBACK (update_case_panels), self,
                               G_CONNECT_SWAPPED);
    }
}

/**
 * cls_plots_panel_get_plot:
 * @self: a plots panel
 * @panel: a #ClsPlotPanel
 *
 * Returns: (transfer none) (nullable): what the panel shows now
 */
ClsPlot *
cls_plots_panel_get_plot (ClsPlotsPanel *self,
                          guint          panel)
{
  g_return_val_if_fail (CLS_IS_PLOTS_PANEL (self), NULL);
  g_return_val_if_fail (panel < N_PANELS, NULL);
  return self->plots[panel];
}

/**
 * cls_plots_panel_get_current_plot:
 * @self: a plots panel
 *
 * Returns: (transfer none) (nullable): the plot of the visible tab
 */
ClsPlot *
cls_plots_panel_get_current_plot (ClsPlotsPanel *self)
{
  int page;

  g_return_val_if_fail (CLS_IS_PLOTS_PANEL (self), NULL);

  page = gtk_notebook_get_current_page (self->notebook);
  return page >= 0 && page < N_PANELS ? self->plots[page] : NULL;
}

/**
 * cls_plots_panel_get_current_name:
 * @self: a plots panel
 *
 * Returns: the visible panel's identifier ("loss", "ecr-alpha", …)
 */
const char *
cls_plots_panel_get_current_name (ClsPlotsPanel *self)
{
  int page;

  g_return_val_if_fail (CLS_IS_PLOTS_PANEL (self), NULL);

  page = gtk_notebook_get_current_page (self->notebook);
  return cls_plot_panel_to_string (page >= 0 && page < N_PANELS ? page : 0);
}

/**
 * cls_plots_panel_get_busy:
 * @self: a plots panel
 *
 * Returns: whether a sweep is running, or waits for the sliders to rest
 */
gboolean
cls_plots_panel_get_busy (ClsPlotsPanel *self)
{
  g_return_val_if_fail (CLS_IS_PLOTS_PANEL (self), FALSE);
  return self->sweep_cancellable != NULL || self->delay_id != 0;
}
