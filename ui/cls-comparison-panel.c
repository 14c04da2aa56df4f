/* cls-comparison-panel.c: every method side by side on the same splits
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * For the current model, one row per method (t = 0.5, exact, bisection,
 * exact with the PAC guarantee, CRC, LTT, and the lesion loss's exact and
 * CRC when the cases know their lesions), columns t̂, ECR, FNR, PC, lesions
 * missed and lesion FNR, each mean ± sd over the session's random splits:
 * the core's ClsMethodComparison, the same table as `cls report`. It runs
 * in a worker thread (GTask) over the immutable summaries; a parameter
 * change cancels the run under way and starts another, so the window never
 * waits for it.
 *
 * Two of the methods, A and B, are chosen with the radio buttons of the
 * table (kept in GSettings); their cuts on the whole calibration set feed
 * the two-method overlay of the slice views (::compare-changed).
 */
#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "cls-application.h"
#include "cls-comparison-panel.h"
#include "cls-summary-panel.h"

struct _ClsComparisonPanel
{
  GtkWidget            parent_instance;

  ClsSession          *session;
  GSettings           *settings;

  GCancellable        *cancellable;
  guint                delay_id;      /* a new table once the sliders rest */
  char                *key;
  ClsMethodComparison *comparison;
  GError              *error;

  char                *ids[2];
  char                *labels[2];
  double               cuts[2];
  gboolean             cuts_dirty;
  gboolean             compare;
  gboolean             syncing;

  GPtrArray           *cells;          /* GtkLabel, row by row */
  GtkCheckButton      *radios[2];      /* the first of each group */

  GtkWidget           *box;
  GtkLabel            *status;
  GtkSpinner          *spinner;
  GtkGrid             *grid;
  GtkCheckButton      *compare_check;
};

G_DEFINE_FINAL_TYPE (ClsComparisonPanel, cls_comparison_panel, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SESSION,
  PROP_BUSY,
  PROP_COMPARE,
  N_PROPS
};

enum {
  COMPARE_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static const char * const setting_keys[2] = { "compare-a", "compare-b" };

/* Methods by id
 * ------------- */

/**
 * cls_method_row_id:
 * @row: a row of a #ClsMethodComparison
 *
 * Returns: (transfer full): a stable name of the row's method for settings:
 *   "fixed", or the method ("exact", "bisect", "crc", "ltt") followed by
 *   "-pac" for the PAC guarantee, "-lesion" for the lesion loss, "-strata"
 *   and "-weighted"
 */
char *
cls_method_row_id (const ClsMethodRow *row)
{
  GString *id;

  g_return_val_if_fail (row != NULL, NULL);

  if (row->fixed)
    return g_strdup ("fixed");
  id = g_string_new (cls_method_to_string (row->params.method));
  if (row->params.guarantee == CLS_GUARANTEE_PAC)
    g_string_append (id, "-pac");
  if (row->params.loss == CLS_LOSS_LESION)
    g_string_append (id, "-lesion");
  if (row->params.strata != CLS_STRATA_NONE)
    g_string_append (id, "-strata");
  if (row->weighted)
    g_string_append (id, "-weighted");
  return g_string_free (id, FALSE);
}

/**
 * cls_method_id_params:
 * @id: a method's id (cls_method_row_id()), without strata or weights
 * @base: ε, α, δ, the empty-mask policy, normalisation, lesion coverage
 * @params: (out): @base with the method of @id
 * @fixed: (out): whether @id is the fixed t = 0.5
 *
 * Returns: whether @id names a method
 */
gboolean
cls_method_id_params (const char                 *id,
                      const ClsCalibrationParams *base,
                      ClsCalibrationParams       *params,
                      gboolean                   *fixed)
{
  g_auto(GStrv) parts = NULL;
  ClsMethod method;

  *params = *base;
  *fixed = g_strcmp0 (id, "fixed") == 0;
  if (*fixed)
    {
      params->delta = (ClsFraction) { 0, 0 };
      return TRUE;
    }
  if (id == NULL)
    return FALSE;

  parts = g_strsplit (id, "-", -1);
  if (!cls_method_from_string (parts[0], &method))
    return FALSE;
  params->method = method;
  params->guarantee = CLS_GUARANTEE_MARGINAL;
  params->loss = CLS_LOSS_VOXEL;
  for (guint i = 1; parts[i] != NULL; i++)
    {
      if (g_str_equal (parts[i], "pac"))
        params->guarantee = CLS_GUARANTEE_PAC;
      else if (g_str_equal (parts[i], "lesion"))
        params->loss = CLS_LOSS_LESION;
      else
        return FALSE;
    }
  if (params->guarantee != CLS_GUARANTEE_PAC && params->method != CLS_METHOD_LTT)
    params->delta = (ClsFraction) { 0, 0 };
  return TRUE;
}

/* The method as the table and the legend name it. */
static char *
label_of (const char                 *id,
          const ClsCalibrationParams *params,
          const char                 *fallback)
{
  static const struct {
    const char *id;
    const char *label;
  } labels[] = {
    { "fixed", N_("t = 0.5 (fixed)") },
    { "exact", N_("Exact") },
    { "bisect", N_("Bisection (paper)") },
    { "exact-pac", N_("Exact, PAC") },
    { "crc", N_("CRC") },
    { "ltt", N_("Learn then Test") },
    { "exact-lesion", N_("Exact, lesion loss") },
    { "crc-lesion", N_("CRC, lesion loss") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    if (g_strcmp0 (id, labels[i].id) == 0)
      {
        if (cls_calibration_params_has_delta (params))
          {
            g_autofree char *delta = cls_fraction_to_display_string (params->delta);

            /* Translators: a method, e.g. "Learn then Test", and its δ */
            return g_strdup_printf (_("%s, δ = %s"), _(labels[i].label), delta);
          }
        return g_strdup (_(labels[i].label));
      }
  return g_strdup (fallback != NULL ? fallback : id);
}

/* What every row shares: the session's parameters with δ as chosen, so
 * that the PAC and LTT rows use it. */
static void
base_params (ClsComparisonPanel   *self,
             ClsCalibrationParams *base)
{
  cls_session_get_params (self->session, base);
  base->method = CLS_METHOD_EXACT;
  base->guarantee = CLS_GUARANTEE_MARGINAL;
  base->loss = CLS_LOSS_VOXEL;
  base->strata = CLS_STRATA_NONE;
  base->weights = NULL;
  base->delta = cls_session_get_delta (self->session);
}

/* The two methods' cuts
 * --------------------- */

/* Each of A and B calibrated on the whole calibration set, as the session
 * calibrates the chosen method; one that cannot be (the lesion loss
 * without lesions) masks nothing. */
static void
update_cuts (ClsComparisonPanel *self)
{
  const ClsCaseSet *set = self->session != NULL ? cls_session_get_case_set (self->session) : NULL;
  ClsCalibrationParams base;

  self->cuts_dirty = FALSE;
  if (set == NULL)
    {
      for (guint w = 0; w < 2; w++)
        {
          self->cuts[w] = G_MAXDOUBLE;
          g_free (self->labels[w]);
          self->labels[w] = g_strdup (self->ids[w]);
        }
      return;
    }

  base_params (self, &base);
  for (guint w = 0; w < 2; w++)
    {
      ClsCalibrationParams params;
      gboolean fixed;
      g_autoptr(ClsCalibration) cal = NULL;
      g_autoptr(GError) error = NULL;

      g_free (self->labels[w]);
      self->cuts[w] = G_MAXDOUBLE;
      if (!cls_method_id_params (self->ids[w], &base, &params, &fixed))
        {
          self->labels[w] = g_strdup_printf (_("%s (unknown method)"), self->ids[w]);
          continue;
        }
      self->labels[w] = label_of (self->ids[w], &params, NULL);
      if (fixed)
        {
          self->cuts[w] = CLS_FIXED_CUT;
          continue;
        }
      cal = cls_calibration_new ((ClsCaseSummary * const *) set->summaries->pdata,
                                 set->summaries->len, &params, &error);
      if (cal != NULL)
        self->cuts[w] = cls_calibration_get_cut (cal);
      else
        {
          g_autofree char *label = g_steal_pointer (&self->labels[w]);

          self->labels[w] = g_strdup_printf (_("%s (none: %s)"), label, error->message);
        }
    }
}

static void
compare_changed (ClsComparisonPanel *self)
{
  update_cuts (self);
  g_signal_emit (self, signals[COMPARE_CHANGED], 0);
}

/* The table
 * --------- */

static GtkWidget *
cell_new (const char *text,
          gboolean    numeric)
{
  GtkWidget *label = gtk_label_new (NULL);
  const char *pm = numeric && text != NULL ? strstr (text, " ± ") : NULL;

  /* "mean ± sd" as the mean over a smaller, dimmer "± sd": seven columns
   * of them fit beside the case list. */
  if (pm != NULL)
    {
      g_autofree char *mean = g_markup_escape_text (text, pm - text);
      g_autofree char *markup = g_strdup_printf ("%s\n<span size=\"small\" alpha=\"70%%\">%s</span>",
                                                 mean, pm + 1);

      gtk_label_set_markup (GTK_LABEL (label), markup);
      gtk_label_set_justify (GTK_LABEL (label), GTK_JUSTIFY_RIGHT);
    }
  else
    gtk_label_set_text (GTK_LABEL (label), text);
  gtk_label_set_xalign (GTK_LABEL (label), numeric ? 1.0f : 0.0f);
  if (numeric)
    gtk_widget_add_css_class (label, "numeric");
  return label;
}

static char *
format_cell (const ClsMethodRow  *row,
             ClsComparisonColumn  column)
{
  ClsStat stat;
  int digits = 3;

  switch (column)
    {
    case CLS_COMPARISON_T_HAT:
      stat = row->t_hat;
      break;
    case CLS_COMPARISON_ECR:
      stat = row->ecr;
      break;
    case CLS_COMPARISON_FNR:
      stat = row->fnr;
      break;
    case CLS_COMPARISON_PC:
      stat = row->pc;
      digits = 4;
      break;
    case CLS_COMPARISON_LESIONS_MISSED:
      stat = row->lesion_missed;
      break;
    case CLS_COMPARISON_LESION_FNR:
      stat = row->lesion_fnr;
      break;
    case CLS_COMPARISON_METHOD:
    case CLS_COMPARISON_N_COLUMNS:
    default:
      g_return_val_if_reached (NULL);
    }

  if (!isfinite (stat.mean))
    return g_strdup ("—");
  return cls_format_stat (stat, digits);
}

static void
on_radio_toggled (GtkCheckButton     *button,
                  ClsComparisonPanel *self)
{
  const char *id = g_object_get_data (G_OBJECT (button), "cls-method-id");
  guint which = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "cls-which"));

  if (self->syncing || !gtk_check_button_get_active (button))
    return;
  cls_comparison_panel_set_method (self, which, id);
}

static void
clear_table (ClsComparisonPanel *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->grid))) != NULL)
    gtk_grid_remove (self->grid, child);
  g_ptr_array_set_size (self->cells, 0);
  self->radios[0] = self->radios[1] = NULL;
}

/* Where a column goes in the grid: the method, A and B, then the numbers,
 * so that the choice stays in sight when the numbers scroll. */
static int
grid_column (ClsComparisonColumn column)
{
  return column == CLS_COMPARISON_METHOD ? 0 : (int) column + 2;
}

#define RADIO_COLUMN(which) (1 + (int) (which))

static void
build_table (ClsComparisonPanel *self)
{
  static const char *titles[CLS_COMPARISON_N_COLUMNS] = {
    N_("Method"), "t̂", N_("ECR"), N_("FNR"), N_("PC"), N_("Lesions missed"), N_("Lesion FNR"),
  };
  static const char *tooltips[CLS_COMPARISON_N_COLUMNS] = {
    NULL,
    N_("The calibrated threshold; the mask is p ≥ 1 − t̂"),
    N_("Share of test cases whose loss is at most ε (for the row’s loss)"),
    N_("Share of a test case’s lesion voxels outside the mask"),
    N_("Share of all voxels in the mask"),
    N_("Share of the test lesions with no voxel in the mask"),
    N_("Share of a test case’s lesions not detected"),
  };
  guint n_rows = self->comparison != NULL ? cls_method_comparison_get_n_rows (self->comparison) : 0;

  clear_table (self);
  if (n_rows == 0)
    return;

  for (guint c = 0; c < CLS_COMPARISON_N_COLUMNS; c++)
    {
      GtkWidget *title = cell_new (c == CLS_COMPARISON_T_HAT ? titles[c] : _(titles[c]),
                                   c != CLS_COMPARISON_METHOD);

      gtk_widget_add_css_class (title, "heading");
      /* "Lesions missed" over two lines, as narrow as the numbers below */
      gtk_label_set_wrap (GTK_LABEL (title), TRUE);
      gtk_label_set_max_width_chars (GTK_LABEL (title), 8);
      gtk_label_set_justify (GTK_LABEL (title), c != CLS_COMPARISON_METHOD ? GTK_JUSTIFY_RIGHT : GTK_JUSTIFY_LEFT);
      gtk_widget_set_valign (title, GTK_ALIGN_END);
      if (tooltips[c] != NULL)
        gtk_widget_set_tooltip_text (title, _(tooltips[c]));
      gtk_grid_attach (self->grid, title, grid_column (c), 0, 1, 1);
    }
  for (guint w = 0; w < 2; w++)
    {
      GtkWidget *title = cell_new (w == 0 ? "A" : "B", FALSE);

      gtk_widget_add_css_class (title, "heading");
      gtk_widget_set_tooltip_text (title, w == 0 ? _("Method A of the two-method overlay")
                                                 : _("Method B of the two-method overlay"));
      gtk_grid_attach (self->grid, title, RADIO_COLUMN (w), 0, 1, 1);
    }

  self->syncing = TRUE;
  for (guint r = 0; r < n_rows; r++)
    {
      const ClsMethodRow *row = cls_method_comparison_get_row (self->comparison, r);
      g_autofree char *id = cls_method_row_id (row);
      g_autofree char *label = label_of (id, &row->params, row->label);

      for (guint c = 0; c < CLS_COMPARISON_N_COLUMNS; c++)
        {
          g_autofree char *text = c == CLS_COMPARISON_METHOD ? NULL : format_cell (row, c);
          GtkWidget *cell = cell_new (c == CLS_COMPARISON_METHOD ? label : text, c != CLS_COMPARISON_METHOD);

          if (c == CLS_COMPARISON_METHOD && row->note != NULL)
            gtk_widget_set_tooltip_text (cell, row->note);
          else if (c == CLS_COMPARISON_METHOD && !row->feasible)
            {
              g_autofree char *tip =
                g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                              "%u split had too few calibration cases for this method: "
                                              "its mask there is every voxel",
                                              "%u splits had too few calibration cases for this method: "
                                              "their masks are every voxel", row->n_infeasible),
                                 row->n_infeasible);

              gtk_widget_set_tooltip_text (cell, tip);
              gtk_widget_add_css_class (cell, "warning");
            }
          gtk_grid_attach (self->grid, cell, grid_column (c), (int) r + 1, 1, 1);
          g_ptr_array_add (self->cells, cell);
        }

      for (guint w = 0; w < 2; w++)
        {
          GtkWidget *radio = gtk_check_button_new ();
          g_autofree char *name = g_strdup_printf (w == 0 ? _("Method A: %s") : _("Method B: %s"), label);

          if (self->radios[w] == NULL)
            self->radios[w] = GTK_CHECK_BUTTON (radio);
          else
            gtk_check_button_set_group (GTK_CHECK_BUTTON (radio), self->radios[w]);
          gtk_widget_set_halign (radio, GTK_ALIGN_CENTER);
          gtk_widget_set_tooltip_text (radio, name);
          gtk_accessible_update_property (GTK_ACCESSIBLE (radio), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
          g_object_set_data_full (G_OBJECT (radio), "cls-method-id", g_strdup (id), g_free);
          g_object_set_data (G_OBJECT (radio), "cls-which", GUINT_TO_POINTER (w));
          gtk_check_button_set_active (GTK_CHECK_BUTTON (radio), g_strcmp0 (id, self->ids[w]) == 0);
          g_signal_connect_object (radio, "toggled", G_CALLBACK (on_radio_toggled), self, 0);
          gtk_grid_attach (self->grid, radio, RADIO_COLUMN (w), (int) r + 1, 1, 1);
        }
    }
  self->syncing = FALSE;
}

static void
update_status (ClsComparisonPanel *self)
{
  gboolean busy = self->cancellable != NULL;
  g_autofree char *text = NULL;

  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);

  if (self->session == NULL || !cls_session_has_data (self->session))
    text = g_strdup (_("Open a dataset to compare the methods."));
  else if (busy)
    text = g_strdup (_("Evaluating every method on the same splits…"));
  else if (self->error != NULL)
    text = g_strdup_printf (_("No comparison: %s"), self->error->message);
  else if (self->comparison != NULL)
    {
      const ClsCalibrationParams *base = cls_method_comparison_get_base (self->comparison);
      ClsEvaluationParams eval;
      g_autofree char *eps = cls_fraction_to_display_string (base->epsilon);
      g_autofree char *alpha = cls_fraction_to_display_string (base->alpha);

      cls_session_get_eval_params (self->session, &eval);
      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "%s · ε = %s, α = %s · mean ± sd over %u split, the same for every method",
                                           "%s · ε = %s, α = %s · mean ± sd over %u splits, the same for every method",
                                           eval.n_splits),
                              cls_session_get_model (self->session), eps, alpha, eval.n_splits);
    }
  gtk_label_set_text (self->status, text != NULL ? text : "");
}

/* The run in a worker thread
 * -------------------------- */

typedef struct {
  GPtrArray            *summaries;
  ClsCalibrationParams  base;
  ClsEvaluationParams   eval;
  char                 *dataset;
  char                 *model;
} CompareJob;

static void
compare_job_free (CompareJob *job)
{
  g_ptr_array_unref (job->summaries);
  g_free (job->dataset);
  g_free (job->model);
  g_free (job);
}

static void
compare_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  CompareJob *job = task_data;
  g_autoptr(ClsMethodComparison) comparison = NULL;
  GError *error = NULL;

  comparison = cls_method_comparison_new (&job->base, &job->eval, cancellable, &error);
  if (comparison == NULL ||
      !cls_method_comparison_add_model (comparison, job->dataset, job->model,
                                        (ClsCaseSummary * const *) job->summaries->pdata,
                                        job->summaries->len, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&comparison), (GDestroyNotify) cls_method_comparison_free);
}

static void
compare_done (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(ClsComparisonPanel) self = user_data;
  GTask *task = G_TASK (result);
  g_autoptr(ClsMethodComparison) comparison = NULL;
  g_autoptr(GError) error = NULL;

  comparison = g_task_propagate_pointer (task, &error);
  if (g_task_get_cancellable (task) != self->cancellable)
    return;   /* out of date: another run is under way */

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->comparison, cls_method_comparison_free);
  g_clear_error (&self->error);
  self->comparison = g_steal_pointer (&comparison);
  self->error = g_steal_pointer (&error);

  build_table (self);
  update_status (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

/* What the table depends on: not the chosen method, which every row
 * replaces. */
static char *
comparison_key (ClsComparisonPanel *self)
{
  ClsCalibrationParams p;
  ClsEvaluationParams e;

  base_params (self, &p);
  cls_session_get_eval_params (self->session, &e);
  return g_strdup_printf ("%p %s %" PRIu64 "/%" PRIu64 " %" PRIu64 "/%" PRIu64 " %" PRIu64 "/%" PRIu64
                          " %" PRIu64 "/%" PRIu64 " %d %d %u %" PRIu64 "/%" PRIu64 " %" PRIu64,
                          (void *) cls_session_get_dataset (self->session), cls_session_get_model (self->session),
                          p.epsilon.num, p.epsilon.den, p.alpha.num, p.alpha.den, p.delta.num, p.delta.den,
                          p.lesion_coverage.num, p.lesion_coverage.den, p.empty_policy, p.normalize,
                          e.n_splits, e.cal_fraction.num, e.cal_fraction.den, e.seed);
}

static void
start (ClsComparisonPanel *self)
{
  g_autofree char *key = NULL;
  g_autoptr(GTask) task = NULL;
  ClsDataset *dataset;
  CompareJob *job;

  if (self->session == NULL)
    return;

  /* Eight methods over every split: only for a table someone looks at.
   * Hidden behind the plots it would take the cores from a slider move. */
  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    return;

  key = comparison_key (self);
  if (g_strcmp0 (key, self->key) == 0)
    return;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_free (self->key);
  self->key = g_steal_pointer (&key);
  g_clear_pointer (&self->comparison, cls_method_comparison_free);
  g_clear_error (&self->error);
  clear_table (self);

  if (cls_session_get_case_set (self->session) == NULL)
    {
      update_status (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
      return;
    }

  dataset = cls_session_get_dataset (self->session);
  job = g_new0 (CompareJob, 1);
  job->summaries = cls_session_dup_summaries (self->session, cls_session_get_model_index (self->session));
  base_params (self, &job->base);
  cls_session_get_eval_params (self->session, &job->eval);
  job->dataset = g_strdup (dataset != NULL ? cls_dataset_get_name (dataset) : "");
  job->model = g_strdup (cls_session_get_model (self->session));

  self->cancellable = g_cancellable_new ();
  task = g_task_new (NULL, self->cancellable, compare_done, g_object_ref (self));
  g_task_set_source_tag (task, start);
  g_task_set_task_data (task, job, (GDestroyNotify) compare_job_free);
  g_task_run_in_thread (task, compare_thread);

  update_status (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

/* As the plots' sweeps: while a slider moves every run would be cancelled
 * by the next step, and its threads would take the cores from the frames. */
#define TABLE_DELAY_MS 200

static gboolean
start_cb (gpointer user_data)
{
  ClsComparisonPanel *self = user_data;

  self->delay_id = 0;
  start (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
  return G_SOURCE_REMOVE;
}

static void
on_session_changed (ClsComparisonPanel *self)
{
  g_autofree char *key = NULL;

  if (self->session != NULL && gtk_widget_get_mapped (GTK_WIDGET (self)) &&
      g_strcmp0 ((key = comparison_key (self)), self->key) != 0)
    {
      /* The run under way is out of date: stop it now. */
      if (self->cancellable != NULL)
        {
          g_cancellable_cancel (self->cancellable);
          g_clear_object (&self->cancellable);
          g_clear_pointer (&self->key, g_free);
        }
      g_clear_handle_id (&self->delay_id, g_source_remove);
      self->delay_id = g_timeout_add (TABLE_DELAY_MS, start_cb, self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
    }
  /* The cuts follow ε, α, δ… at once; the table follows when it is there. */
  if (self->compare)
    compare_changed (self);
  else
    self->cuts_dirty = TRUE;
}

/* GObject
 * ------- */

static void
on_compare_toggled (ClsComparisonPanel *self)
{
  cls_comparison_panel_set_compare (self, gtk_check_button_get_active (self->compare_check));
}

static void
cls_comparison_panel_dispose (GObject *object)
{
  ClsComparisonPanel *self = CLS_COMPARISON_PANEL (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->delay_id, g_source_remove);
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_clear_object (&self->session);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->box, gtk_widget_unparent);

  G_OBJECT_CLASS (cls_comparison_panel_parent_class)->dispose (object);
}

static void
cls_comparison_panel_finalize (GObject *object)
{
  ClsComparisonPanel *self = CLS_COMPARISON_PANEL (object);

  g_clear_pointer (&self->comparison, cls_method_comparison_free);
  g_clear_error (&self->error);
  g_clear_pointer (&self->cells, g_ptr_array_unref);
  g_free (self->key);
  for (guint w = 0; w < 2; w++)
    {
      g_free (self->ids[w]);
      g_free (self->labels[w]);
    }

  G_OBJECT_CLASS (cls_comparison_panel_parent_class)->finalize (object);
}

static void
cls_comparison_panel_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  ClsComparisonPanel *self = CLS_COMPARISON_PANEL (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;

    case PROP_BUSY:
      g_value_set_boolean (value, cls_comparison_panel_get_busy (self));
      break;

    case PROP_COMPARE:
      g_value_set_boolean (value, self->compare);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cls_comparison_panel_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  ClsComparisonPanel *self = CLS_COMPARISON_PANEL (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      cls_comparison_panel_set_session (self, g_value_get_object (value));
      break;

    case PROP_COMPARE:
      cls_comparison_panel_set_compare (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cls_comparison_panel_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (cls_comparison_panel_parent_class)->map (widget);
  start (CLS_COMPARISON_PANEL (widget));
}

static void
cls_comparison_panel_class_init (ClsComparisonPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cls_comparison_panel_dispose;
  object_class->finalize = cls_comparison_panel_finalize;
  object_class->get_property = cls_comparison_panel_get_property;
  object_class->set_property = cls_comparison_panel_set_property;
  widget_class->map = cls_comparison_panel_map;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, CLS_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_COMPARE] =
    g_param_spec_boolean ("compare", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * ClsComparisonPanel::compare-changed:
   *
   * Methods A or B, their cuts, or whether the views compare them changed.
   */
  signals[COMPARE_CHANGED] = g_signal_new ("compare-changed", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                           G_TYPE_NONE, 0);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "clscomparisonpanel");
}

/* A status line with the two-method switch over the table; built here,
 * not from a template: the table is made of rows of labels anyway. */
static void
build_widgets (ClsComparisonPanel *self)
{
  GtkWidget *bar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *scrolled = gtk_scrolled_window_new ();

  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_set_margin_start (self->box, 12);
  gtk_widget_set_margin_end (self->box, 12);
  gtk_widget_set_margin_top (self->box, 6);
  gtk_widget_set_margin_bottom (self->box, 6);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));

  self->spinner = GTK_SPINNER (gtk_spinner_new ());
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), FALSE);
  gtk_box_append (GTK_BOX (bar), GTK_WIDGET (self->spinner));

  self->status = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->status, 0);
  gtk_label_set_wrap (self->status, TRUE);
  gtk_widget_set_hexpand (GTK_WIDGET (self->status), TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->status), "dim-label");
  gtk_box_append (GTK_BOX (bar), GTK_WIDGET (self->status));

  self->compare_check = GTK_CHECK_BUTTON (gtk_check_button_new_with_mnemonic (_("Show A and B in the _views")));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->compare_check),
                               _("Overlay the masks of methods A and B at once: where both mark a voxel, "
                                 "where only A does, where only B does"));
  gtk_box_append (GTK_BOX (bar), GTK_WIDGET (self->compare_check));
  gtk_box_append (GTK_BOX (self->box), bar);

  self->grid = GTK_GRID (gtk_grid_new ());
  gtk_grid_set_column_spacing (self->grid, 12);
  gtk_grid_set_row_spacing (self->grid, 4);
  gtk_widget_set_margin_top (GTK_WIDGET (self->grid), 6);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), GTK_WIDGET (self->grid));
  gtk_widget_set_vexpand (scrolled, TRUE);
  gtk_box_append (GTK_BOX (self->box), scrolled);
}

static void
cls_comparison_panel_init (ClsComparisonPanel *self)
{
  build_widgets (self);

  self->cells = g_ptr_array_new ();
  self->cuts[0] = self->cuts[1] = G_MAXDOUBLE;
  self->ids[0] = g_strdup ("exact");
  self->ids[1] = g_strdup ("crc");
  self->cuts_dirty = TRUE;

  self->settings = cls_application_new_settings (APPLICATION_ID ".Overlays");
  if (self->settings != NULL)
    {
      for (guint w = 0; w < 2; w++)
        {
          g_free (self->ids[w]);
          self->ids[w] = g_settings_get_string (self->settings, setting_keys[w]);
        }
      self->compare = g_settings_get_boolean (self->settings, "compare");
    }
  gtk_check_button_set_active (self->compare_check, self->compare);
  g_signal_connect_object (self->compare_check, "toggled", G_CALLBACK (on_compare_toggled), self,
                           G_CONNECT_SWAPPED);
  update_status (self);
}

GtkWidget *
cls_comparison_panel_new (void)
{
  return g_object_new (CLS_TYPE_COMPARISON_PANEL, NULL);
}

/**
 * cls_comparison_panel_get_session:
 * @self: a comparison panel
 *
 * Returns: (transfer none) (nullable): the session it compares methods on
 */
ClsSession *
cls_comparison_panel_get_session (ClsComparisonPanel *self)
{
  g_return_val_if_fail (CLS_IS_COMPARISON_PANEL (self), NULL);
  return self->session;
}

void
cls_comparison_panel_set_session (ClsComparisonPanel *self,
                                  ClsSession         *session)
{
  g_return_if_fail (CLS_IS_COMPARISON_PANEL (self));
  g_return_if_fail (session == NULL || CLS_IS_SESSION (session));

  if (self->session == session)
    return;

  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_set_object (&self->session, session);
  g_clear_pointer (&self->key, g_free);
  if (session != NULL)
    {
      g_signal_connect_object (session, "changed", G_CALLBACK (on_session_changed), self,
                               G_CONNECT_SWAPPED);
      on_session_changed (self);
    }
  update_status (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}

/**
 * cls_comparison_panel_get_busy:
 * @self: a comparison panel
 *
 * Returns: whether the methods are being evaluated, or will be once the
 *   sliders rest
 */
gboolean
cls_comparison_panel_get_busy (ClsComparisonPanel *self)
{
  g_return_val_if_fail (CLS_IS_COMPARISON_PANEL (self), FALSE);
  return self->cancellable != NULL || self->delay_id != 0;
}

/**
 * cls_comparison_panel_get_comparison:
 * @self: a comparison panel
 *
 * Returns: (transfer none) (nullable): the table shown, or %NULL while it
 *   is computed or when it could not be
 */
const ClsMethodComparison *
cls_comparison_panel_get_comparison (ClsComparisonPanel *self)
{
  g_return_val_if_fail (CLS_IS_COMPARISON_PANEL (self), NULL);
  return self->comparison;
}

/**
 * cls_comparison_panel_get_text:
 * @self: a comparison panel
 * @row: a row of the comparison
 * @column: a column
 *
 * Returns: (nullable): the text the table shows there; a mean and its
 *   standard deviation as "mean\n± sd"
 */
const char *
cls_comparison_panel_get_text (ClsComparisonPanel  *self,
                               guint                row,
                               ClsComparisonColumn  column)
{
  guint i = row * CLS_COMPARISON_N_COLUMNS + column;

  g_return_val_if_fail (CLS_IS_COMPARISON_PANEL (self), NULL);
  g_return_val_if_fail (column < CLS_COMPARISON_N_COLUMNS, NULL);

  if (i >= self->cells->len)
    return NULL;
  return gtk_label_get_text (g_ptr_array_index (self->cells, i));
}

/**
 * cls_comparison_panel_get_method:
 * @self: a comparison panel
 * @which: 0 for method A, 1 for B
 *
 * Returns: the method's id (cls_method_row_id())
 */
const char *
cls_comparison_panel_get_method (ClsComparisonPanel *self,
                                 guint               which)
{
  g_return_val_if_fail (CLS_IS_COMPARISON_PANEL (self), NULL);
  g_return_val_if_fail (which < 2, NULL);
  return self->ids[which];
}

/**
 * cls_comparison_panel_set_method:
 * @self: a comparison panel
 * @which: 0 for method A, 1 for B
 * @id: a method's id (cls_method_row_id())
 *
 * Chooses method A or B of the two-method overlay, kept in GSettings.
 */
void
cls_comparison_panel_set_method (ClsComparisonPanel *self,
                                 guint               which,
                                 const char         *id)
{
  g_return_if_fail (CLS_IS_COMPARISON_PANEL (self));
  g_return_if_fail (which < 2);
  g_return_if_fail (id != NULL);

  if (g_strcmp0 (self->ids[which], id) == 0)
    return;
  g_free (self->ids[which]);
  self->ids[which] = g_strdup (id);
  if (self->settings != NULL)
    g_settings_set_string (self->settings, setting_keys[which], id);

  /* The radio buttons follow a change made elsewhere. */
  self->syncing = TRUE;
  for (guint i = 0; self->radios[which] != NULL && i < self->cells->len / CLS_COMPARISON_N_COLUMNS; i++)
    {
      GtkWidget *radio = gtk_grid_get_child_at (self->grid, RADIO_COLUMN (which), (int) i + 1);

      if (radio != NULL)
        gtk_check_button_set_active (GTK_CHECK_BUTTON (radio),
                                     g_strcmp0 (g_object_get_data (G_OBJECT (radio), "cls-method-id"), id) == 0);
    }
  self->syncing = FALSE;

  compare_changed (self);
}

gboolean
cls_comparison_panel_get_compare (ClsComparisonPanel *self)
{
  g_return_val_if_fail (CLS_IS_COMPARISON_PANEL (self), FALSE);
  return self->compare;
}

/**
 * cls_comparison_panel_set_compare:
 * @self: a comparison panel
 * @compare: whether the slice views show methods A and B at once
 */
void
cls_comparison_panel_set_compare (ClsComparisonPanel *self,
                                  gboolean            compare)
{
  g_return_if_fail (CLS_IS_COMPARISON_PANEL (self));

  compare = !!compare;
  if (self->compare == compare)
    return;
  self->compare = compare;
  gtk_check_button_set_active (self->compare_check, compare);
  if (self->settings != NULL)
    g_settings_set_boolean (self->settings, "compare", compare);
  compare_changed (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COMPARE]);
}

/**
 * cls_comparison_panel_get_cut:
 * @self: a comparison panel
 * @which: 0 for method A, 1 for B
 *
 * Returns: the method's probability cut on the whole calibration set of
 *   the current model (its mask is {p >= cut}); above every probability
 *   when it has none
 */
double
cls_comparison_panel_get_cut (ClsComparisonPanel *self,
                              guint               which)
{
  g_return_val_if_fail (CLS_IS_COMPARISON_PANEL (self), G_MAXDOUBLE);
  g_return_val_if_fail (which < 2, G_MAXDOUBLE);

  if (self->cuts_dirty)
    update_cuts (self);
  return self->cuts[which];
}

/**
 * cls_comparison_panel_get_label:
 * @self: a comparison panel
 * @which: 0 for method A, 1 for B
 *
 * Returns: the method as the legend names it
 */
const char *
cls_comparison_panel_get_label (ClsComparisonPanel *self,
                                guint               which)
{
  g_return_val_if_fail (CLS_IS_COMPARISON_PANEL (self), NULL);
  g_return_val_if_fail (which < 2, NULL);

  if (self->cuts_dirty)
    update_cuts (self);
  return self->labels[which];
}
