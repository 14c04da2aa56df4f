/* cls-load-dialog.c: loading a dataset in a worker thread, with progress
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One job per dialog: (for the demo) generate the synthetic set if it is not
 * complete yet, open the folder or manifest, then summarise every case of
 * every model on all cores. The worker only records progress numbers; the
 * dialog repaints them from a timeout. Cases that fail are listed with their
 * reasons afterwards while the rest are already open; nothing loadable at
 * all is an error for the caller to show.
 */
#include "config.h"

#include <inttypes.h>
#include <glib/gi18n.h>

#include "cls-error.h"
#include "cls-load-dialog.h"

struct _ClsLoadDialog
{
  GtkWindow       parent_instance;

  GCancellable   *cancellable;
  guint           timeout_id;

  GtkStack       *stack;
  GtkLabel       *heading;
  GtkProgressBar *progress_bar;
  GtkLabel       *detail;
  GtkButton      *cancel_button;
  GtkLabel       *failures_heading;
  GtkListBox     *failures_list;
  GtkButton      *close_button;
};

G_DEFINE_FINAL_TYPE (ClsLoadDialog, cls_load_dialog, GTK_TYPE_WINDOW)

typedef enum {
  STAGE_GENERATE,
  STAGE_OPEN,
  STAGE_LOAD,
} Stage;

typedef struct {
  char           *path;
  gboolean        demo;
  ClsDemoOptions  demo_options;

  GMutex          lock;
  Stage           stage;
  guint64         done;
  guint64         total;
  char           *message;

  ClsDataset     *dataset;
  GPtrArray      *sets;
  GTask          *outer;
  ClsLoadDialog  *dialog;
} Job;

static void
job_free (Job *job)
{
  g_free (job->path);
  g_free (job->message);
  g_mutex_clear (&job->lock);
  g_clear_pointer (&job->dataset, cls_dataset_unref);
  g_clear_pointer (&job->sets, g_ptr_array_unref);
  g_clear_object (&job->dialog);
  g_free (job);
}

/**
 * cls_demo_default_path:
 *
 * Returns: (transfer full): where the built-in demo set lives, in the
 *   user's cache
 */
char *
cls_demo_default_path (void)
{
  return g_build_filename (g_get_user_cache_dir (), "cls-studio", "demo", NULL);
}

static void
on_progress (guint64     done,
             guint64     total,
             const char *message,
             gpointer    user_data)
{
  Job *job = user_data;

  g_mutex_lock (&job->lock);
  job->done = done;
  job->total = total;
  if (g_strcmp0 (job->message, message) != 0)
    {
      g_free (job->message);
      job->message = g_strdup (message);
    }
  g_mutex_unlock (&job->lock);
}

static void
set_stage (Job   *job,
           Stage  stage)
{
  g_mutex_lock (&job->lock);
  job->stage = stage;
  job->done = job->total = 0;
  g_clear_pointer (&job->message, g_free);
  g_mutex_unlock (&job->lock);
}

static gboolean
check_loadable (ClsDataset  *dataset,
                GPtrArray   *sets,
                GError     **error)
{
  const ClsCaseFailure *first = NULL;

  for (guint i = 0; i < sets->len; i++)
    {
      const ClsCaseSet *set = g_ptr_array_index (sets, i);

      if (set->summaries->len > 0)
        return TRUE;
      if (first == NULL && set->failures->len > 0)
        first = g_ptr_array_index (set->failures, 0);
    }

  if (first != NULL)
    g_set_error (error, CLS_ERROR, CLS_ERROR_NO_CASES,
                 _("None of its %u cases could be loaded. The first failure: %s"),
                 cls_dataset_get_n_cases (dataset), first->message);
  else
    g_set_error (error, CLS_ERROR, CLS_ERROR_NO_CASES, _("It holds no cases."));
  return FALSE;
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Job *job = task_data;
  g_autoptr(ClsDataset) dataset = NULL;
  g_autoptr(GPtrArray) sets = NULL;
  GError *error = NULL;

  if (job->demo && !cls_demo_is_complete (job->path, &job->demo_options))
    {
      set_stage (job, STAGE_GENERATE);
      if (!cls_demo_write (job->path, &job->demo_options, on_progress, job, cancellable, &error))
        {
          g_task_return_error (task, error);
          return;
        }
    }

  set_stage (job, STAGE_OPEN);
  dataset = cls_dataset_open (job->path, &error);
  if (dataset == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  set_stage (job, STAGE_LOAD);
  sets = cls_dataset_load (dataset, cls_dataset_get_models (dataset), NULL, on_progress, job,
                           cancellable, &error);
  if (sets == NULL || !check_loadable (dataset, sets, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  job->dataset = g_steal_pointer (&dataset);
  job->sets = g_steal_pointer (&sets);
  g_task_return_boolean (task, TRUE);
}

static gboolean
update_progress (gpointer user_data)
{
  Job *job = user_data;
  ClsLoadDialog *self = job->dialog;
  g_autofree char *name = g_path_get_basename (job->path);
  g_autofree char *heading = NULL;
  g_autofree char *detail = NULL;
  g_autofree char *message = NULL;
  guint64 done, total;
  Stage stage;

  g_mutex_lock (&job->lock);
  stage = job->stage;
  done = job->done;
  total = job->total;
  message = g_strdup (job->message);
  g_mutex_unlock (&job->lock);

  switch (stage)
    {
    case STAGE_GENERATE:
      heading = g_strdup (_("Generating the synthetic demo set (first start only)…"));
      break;
    case STAGE_OPEN:
      heading = g_strdup_printf (_("Opening “%s”…"), name);
      break;
    case STAGE_LOAD:
    default:
      heading = g_strdup_printf (_("Loading “%s”…"), name);
      break;
    }
  gtk_label_set_text (self->heading, heading);

  if (total > 0)
    {
      gtk_progress_bar_set_fraction (self->progress_bar, (double) done / total);
      detail = g_strdup_printf (_("%" PRIu64 " of %" PRIu64 " cases"), done, total);
    }
  else
    gtk_progress_bar_pulse (self->progress_bar);
  gtk_progress_bar_set_text (self->progress_bar, message != NULL ? message : "");
  gtk_label_set_text (self->detail, detail != NULL ? detail : "");

  return G_SOURCE_CONTINUE;
}

static void
add_failure (ClsLoadDialog        *self,
             const ClsCaseFailure *failure)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *title = gtk_label_new (NULL);
  GtkWidget *reason = gtk_label_new (failure->message);
  g_autofree char *text = failure->model != NULL
    ? g_strdup_printf (_("%s (model %s)"), failure->case_id, failure->model)
    : g_strdup (failure->case_id);

  gtk_label_set_text (GTK_LABEL (title), text);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_xalign (GTK_LABEL (reason), 0);
  gtk_label_set_wrap (GTK_LABEL (reason), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (reason), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (reason), TRUE);
  gtk_widget_add_css_class (reason, "dim-label");
  gtk_widget_add_css_class (reason, "caption");
  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), reason);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_list_box_append (self->failures_list, box);
}

/* Lists the failures; returns how many cases failed. */
static guint
show_failures (ClsLoadDialog *self,
               ClsDataset    *dataset,
               GPtrArray     *sets)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) cases = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *heading = NULL;
  guint n_cases;

  for (guint i = 0; i < sets->len; i++)
    {
      const ClsCaseSet *set = g_ptr_array_index (sets, i);

      for (guint j = 0; j < set->failures->len; j++)
        {
          const ClsCaseFailure *f = g_ptr_array_index (set->failures, j);
          char *key = g_strdup_printf ("%s\n%s\n%s", f->case_id, f->model ? f->model : "", f->message);

          if (!g_hash_table_add (seen, key))
            continue;
          g_hash_table_add (cases, f->case_id);
          add_failure (self, f);
        }
    }

  if (g_hash_table_size (cases) == 0)
    return 0;

  n_cases = cls_dataset_get_n_cases (dataset);
  heading = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                          "%u of %u cases could not be loaded. The others are open.",
                                          "%u of %u cases could not be loaded. The others are open.",
                                          g_hash_table_size (cases)),
                             g_hash_table_size (cases), n_cases);
  gtk_label_set_text (self->failures_heading, heading);
  gtk_window_set_title (GTK_WINDOW (self), _("Some Cases Failed"));
  gtk_stack_set_visible_child_name (self->stack, "failures");
  gtk_widget_grab_focus (GTK_WIDGET (self->close_button));
  return g_hash_table_size (cases);
}

static void
load_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  GTask *task = G_TASK (result);
  Job *job = g_task_get_task_data (task);
  ClsLoadDialog *self = job->dialog;
  g_autoptr(GTask) outer = g_steal_pointer (&job->outer);
  GError *error = NULL;

  g_clear_handle_id (&self->timeout_id, g_source_remove);

  if (!g_task_propagate_boolean (task, &error))
    {
      gtk_window_destroy (GTK_WINDOW (self));
      g_task_return_error (outer, error);
      return;
    }

  g_task_set_task_data (outer, g_object_ref (task), g_object_unref);
  if (show_failures (self, job->dataset, job->sets) == 0)
    gtk_window_destroy (GTK_WINDOW (self));
  g_task_return_boolean (outer, TRUE);
}

static void
cls_load_dialog_dispose (GObject *object)
{
  ClsLoadDialog *self = CLS_LOAD_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->timeout_id, g_source_remove);

  G_OBJECT_CLASS (cls_load_dialog_parent_class)->dispose (object);
}

static void
cls_load_dialog_class_init (ClsLoadDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cls_load_dialog_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/clsstudio/ClsStudio/ui/cls-load-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, ClsLoadDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, ClsLoadDialog, heading);
  gtk_widget_class_bind_template_child (widget_class, ClsLoadDialog, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, ClsLoadDialog, detail);
  gtk_widget_class_bind_template_child (widget_class, ClsLoadDialog, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, ClsLoadDialog, failures_heading);
  gtk_widget_class_bind_template_child (widget_class, ClsLoadDialog, failures_list);
  gtk_widget_class_bind_template_child (widget_class, ClsLoadDialog, close_button);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static gboolean
on_close_request (ClsLoadDialog *self)
{
  /* Closing while loading means cancel; the job then destroys us. */
  if (self->timeout_id != 0)
    {
      g_cancellable_cancel (self->cancellable);
      return TRUE;
    }
  return FALSE;
}

static void
cls_load_dialog_init (ClsLoadDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  g_signal_connect_swapped (self->cancel_button, "clicked",
                            G_CALLBACK (g_cancellable_cancel), self->cancellable);
  g_signal_connect_swapped (self->close_button, "clicked",
                            G_CALLBACK (gtk_window_destroy), self);
  g_signal_connect (self, "close-request", G_CALLBACK (on_close_request), NULL);
}

/**
 * cls_load_dialog_load_async:
 * @parent: (nullable): the window to be modal for
 * @path: a dataset folder or CSV manifest
 * @demo: (nullable): when set, @path is the demo folder: it is generated
 *   with these options first unless it is complete
 * @callback: called when the data are loaded, failed or the user cancelled
 * @user_data: for @callback
 *
 * Shows a modal progress dialog and loads every model's cases in a worker
 * thread. Cases that fail are listed in the dialog afterwards.
 */
void
cls_load_dialog_load_async (GtkWindow            *parent,
                            const char           *path,
                            const ClsDemoOptions *demo,
                            GAsyncReadyCallback   callback,
                            gpointer              user_data)
{
  ClsLoadDialog *self;
  g_autoptr(GTask) task = NULL;
  Job *job;

  g_return_if_fail (path != NULL);

  self = g_object_new (CLS_TYPE_LOAD_DIALOG,
                       "transient-for", parent,
                       "application", parent != NULL ? gtk_window_get_application (parent) : NULL,
                       NULL);

  job = g_new0 (Job, 1);
  g_mutex_init (&job->lock);
  job->path = g_strdup (path);
  job->demo = demo != NULL;
  if (demo != NULL)
    job->demo_options = *demo;
  job->stage = job->demo ? STAGE_GENERATE : STAGE_OPEN;
  job->dialog = g_object_ref (self);
  job->outer = g_task_new (NULL, NULL, callback, user_data);
  g_task_set_source_tag (job->outer, cls_load_dialog_load_async);

  task = g_task_new (NULL, self->cancellable, load_done, NULL);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  self->timeout_id = g_timeout_add (80, update_progress, job);
  update_progress (job);
  gtk_window_present (GTK_WINDOW (self));

  g_task_run_in_thread (task, load_thread);
}

/**
 * cls_load_dialog_load_finish:
 * @result: the result handed to the callback
 * @dataset: (out) (transfer full): the dataset
 * @sets: (out) (transfer full) (element-type ClsCaseSet): one set per model
 * @error: return location for a #GError: %G_IO_ERROR_CANCELLED when the
 *   user cancelled, otherwise why nothing could be loaded
 *
 * Returns: whether the data were loaded
 */
gboolean
cls_load_dialog_load_finish (GAsyncResult  *result,
                             ClsDataset   **dataset,
                             GPtrArray    **sets,
                             GError       **error)
{
  GTask *inner;
  Job *job;

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;

  inner = g_task_get_task_data (G_TASK (result));
  job = g_task_get_task_data (inner);
  *dataset = g_steal_pointer (&job->dataset);
  *sets = g_steal_pointer (&job->sets);
  return TRUE;
}
