/* cls-export.c: plots, the calibration, masks and screenshots to files
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every file goes through an atomic write (core/cls-atomic-file.h): on any
 * failure the old file is intact and a dialog says why. No target may be
 * one of the dataset's inputs. The save chooser asks before replacing a
 * file; masks go into a chosen folder as <case>_mask.nii.gz, and replacing
 * existing ones is confirmed first.
 */
#include "config.h"

#include <inttypes.h>
#include <string.h>

#include <glib/gi18n.h>

#include "cls-application.h"
#include "cls-atomic-file.h"
#include "cls-error.h"
#include "cls-export.h"
#include "cls-file-chooser.h"
#include "cls-result-json.h"
#include "cls-tri-planar.h"

#define PLOT_WIDTH  1200
#define PLOT_HEIGHT 800
#define CHUNK       65536

static void
show_failure (GtkWindow    *parent,
              const char   *path,
              const GError *error)
{
  g_autofree char *primary = g_strdup_printf (_("Could not write “%s”"), path);

  cls_application_show_error (parent, primary, error->message);
}

/**
 * cls_export_check_target:
 * @session: the session whose dataset's inputs are protected
 * @path: where a file is about to be written
 * @error: return location for a #GError
 *
 * Returns: %FALSE with an error naming the file when @path is one of the
 *   dataset's inputs (a label, image or probability map, or its manifest)
 */
gboolean
cls_export_check_target (ClsSession  *session,
                         const char  *path,
                         GError     **error)
{
  ClsDataset *dataset = cls_session_get_dataset (session);
  const char * const *models;

  if (dataset == NULL || !g_file_test (path, G_FILE_TEST_EXISTS))
    return TRUE;

  models = cls_dataset_get_models (dataset);
  if (cls_path_is_same_file (path, cls_dataset_get_path (dataset)))
    goto input;
  for (guint i = 0; i < cls_dataset_get_n_cases (dataset); i++)
    {
      const char *image = cls_dataset_get_image_path (dataset, i);

      if (cls_path_is_same_file (path, cls_dataset_get_label_path (dataset, i)) ||
          (image != NULL && cls_path_is_same_file (path, image)))
        goto input;
      for (guint m = 0; models[m] != NULL; m++)
        {
          const char *prob = cls_dataset_get_prob_path (dataset, models[m], i);

          if (prob != NULL && cls_path_is_same_file (path, prob))
            goto input;
        }
    }
  return TRUE;

input:
  g_set_error (error, CLS_ERROR, CLS_ERROR_IO,
               _("%s is an input of the dataset and is never overwritten; choose another name"),
               path);
  return FALSE;
}

static char *
suggested_name (ClsSession *session,
                const char *what,
                const char *extension)
{
  ClsDataset *dataset = cls_session_get_dataset (session);
  const char *model = cls_session_get_model (session);

  return g_strdup_printf ("%s-%s-%s%s", dataset != NULL ? cls_dataset_get_name (dataset) : "cls",
                          model != NULL ? model : "model", what, extension);
}

/* One file chosen, one atomic write: the plot, the JSON and the screenshot
 * share this. */

typedef gboolean (*WriteFunc) (gpointer     payload,
                               const char  *path,
                               GError     **error);

typedef struct {
  GtkWindow      *parent;
  ClsSession     *session;
  gpointer        payload;
  GDestroyNotify  payload_free;
  WriteFunc       write;
} SaveRequest;

static void
on_save_file (GFile    *file,
              guint     filter,
              gpointer  user_data)
{
  SaveRequest *request = user_data;
  g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;
  g_autoptr(GError) error = NULL;

  if (path != NULL &&
      (!cls_export_check_target (request->session, path, &error) ||
       !request->write (request->payload, path, &error)))
    show_failure (request->parent, path, error);

  g_object_unref (request->parent);
  g_object_unref (request->session);
  request->payload_free (request->payload);
  g_free (request);
}

static void
save_file (GtkWindow               *parent,
           ClsSession              *session,
           const char              *title,
           const char              *initial_name,
           const ClsFileFilterSpec *filters,
           guint                    n_filters,
           WriteFunc                write,
           gpointer                 payload,
           GDestroyNotify           payload_free)
{
  SaveRequest *request = g_new0 (SaveRequest, 1);

  request->parent = g_object_ref (parent);
  request->session = g_object_ref (session);
  request->payload = payload;
  request->payload_free = payload_free;
  request->write = write;
  cls_file_chooser_run (parent, CLS_FILE_CHOOSER_SAVE, title, _("_Export"), initial_name,
                        filters, n_filters, on_save_file, request);
}

/* Plots */

static gboolean
write_plot (gpointer     payload,
            const char  *path,
            GError     **error)
{
  ClsPlotStyle style;

  cls_plot_style_init_light (&style);
  return cls_plot_save (payload, path, &style, PLOT_WIDTH, PLOT_HEIGHT, error);
}

/**
 * cls_export_plot:
 * @parent: the window
 * @session: the session (for the file name and the inputs to protect)
 * @plot: the plot to save
 * @name: the panel's identifier, for the proposed file name
 *
 * Asks for a file and saves @plot as PNG, SVG or PDF, by its extension.
 */
void
cls_export_plot (GtkWindow  *parent,
                 ClsSession *session,
                 ClsPlot    *plot,
                 const char *name)
{
  static const ClsFileFilterSpec filters[] = {
    { N_("PNG image"), "*.png", ".png" },
    { N_("SVG drawing"), "*.svg", ".svg" },
    { N_("PDF document"), "*.pdf", ".pdf" },
  };
  g_autofree char *initial = suggested_name (session, name, ".png");

  if (plot != NULL)
    save_file (parent, session, _("Export Plot"), initial, filters, G_N_ELEMENTS (filters),
               write_plot, cls_plot_ref (plot), (GDestroyNotify) cls_plot_unref);
}

/* The calibration as JSON */

static gboolean
write_text (gpointer     payload,
            const char  *path,
            GError     **error)
{
  return cls_atomic_write (path, payload, strlen (payload), error);
}

/**
 * cls_export_calibration:
 * @parent: the window
 * @session: the session
 *
 * Saves the current calibration as the JSON document `cls calibrate --json`
 * prints.
 */
void
cls_export_calibration (GtkWindow  *parent,
                        ClsSession *session)
{
  static const ClsFileFilterSpec filters[] = {
    { N_("JSON documents"), "*.json", ".json" },
  };
  const ClsCalibration *cal = cls_session_get_calibration (session);
  g_autofree char *initial = suggested_name (session, "calibration", ".json");
  g_autofree char *json = NULL;

  if (cal == NULL)
    return;

  json = cls_calibration_to_json (cal);
  save_file (parent, session, _("Export Calibration"), initial, filters, G_N_ELEMENTS (filters),
             write_text, g_strconcat (json, g_str_has_suffix (json, "\n") ? "" : "\n", NULL), g_free);
}

/* Masks */

/**
 * cls_export_mask_name:
 * @case_id: a case
 *
 * Returns: (transfer full): "<case>_mask.nii.gz"
 */
char *
cls_export_mask_name (const char *case_id)
{
  return g_strdup_printf ("%s_mask.nii.gz", case_id);
}

/**
 * cls_export_write_mask:
 * @prob: a probability map with its voxels
 * @cut: the probability cut
 * @path: where to write the mask {p >= @cut} (atomically)
 * @error: return location for a #GError
 *
 * Returns: %TRUE on success
 */
gboolean
cls_export_write_mask (ClsVolume   *prob,
                       double       cut,
                       const char  *path,
                       GError     **error)
{
  guint64 n = cls_volume_get_n_voxels (prob);
  g_autofree guint8 *mask = g_try_malloc (MAX (n, 1));
  g_autofree double *buf = g_new (double, CHUNK);

  if (mask == NULL)
    {
      g_set_error (error, CLS_ERROR, CLS_ERROR_TOO_LARGE,
                   _("not enough memory for a mask of %" PRIu64 " voxels for %s"), n, path);
      return FALSE;
    }

  for (guint64 first = 0; first < n; first += CHUNK)
    {
      gsize m = (gsize) MIN ((guint64) CHUNK, n - first);

      cls_volume_read_doubles (prob, 0, first, m, buf);
      for (gsize i = 0; i < m; i++)
        mask[first + i] = buf[i] >= cut;
    }

  return cls_volume_write_mask (prob, mask, path, error);
}

typedef struct {
  char      *case_id;
  char      *prob_path;
  char      *target;
  ClsVolume *prob;     /* already loaded (the current case), or NULL */
} MaskItem;

typedef struct {
  GtkWindow  *parent;
  ClsSession *session;
  GPtrArray  *items;
  double      cut;
  char       *folder;
  gint        written;        /* atomic: the worker counts, the dialog reads */
  char       *failed_path;
  GtkWidget  *progress;       /* the progress dialog */
  GtkWidget  *progress_bar;
  guint       timeout_id;
} MaskJob;

static void
mask_item_free (MaskItem *item)
{
  g_free (item->case_id);
  g_free (item->prob_path);
  g_free (item->target);
  g_clear_pointer (&item->prob, cls_volume_unref);
  g_free (item);
}

static void
mask_job_free (MaskJob *job)
{
  g_clear_object (&job->parent);
  g_clear_object (&job->session);
  g_ptr_array_unref (job->items);
  g_free (job->folder);
  g_free (job->failed_path);
  g_clear_handle_id (&job->timeout_id, g_source_remove);
  g_free (job);
}

static void
masks_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  MaskJob *job = task_data;

  for (guint i = 0; i < job->items->len; i++)
    {
      MaskItem *item = g_ptr_array_index (job->items, i);
      g_autoptr(ClsVolume) prob = item->prob != NULL ? cls_volume_ref (item->prob) : NULL;
      GError *error = NULL;

      if (g_cancellable_set_error_if_cancelled (cancellable, &error))
        {
          g_task_return_error (task, error);
          return;
        }
      if (prob == NULL)
        prob = cls_volume_read (item->prob_path, NULL, &error);
      if (prob == NULL || !cls_export_write_mask (prob, job->cut, item->target, &error))
        {
          job->failed_path = g_strdup (item->target);
          g_task_return_error (task, error);
          return;
        }
      g_atomic_int_inc (&job->written);
    }
  g_task_return_boolean (task, TRUE);
}

static gboolean
update_mask_progress (gpointer user_data)
{
  MaskJob *job = user_data;
  guint written = (guint) g_atomic_int_get (&job->written);
  g_autofree char *text = g_strdup_printf (_("%u of %u"), written, job->items->len);

  gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (job->progress_bar),
                                 (double) written / MAX (job->items->len, 1));
  gtk_progress_bar_set_text (GTK_PROGRESS_BAR (job->progress_bar), text);
  return G_SOURCE_CONTINUE;
}

static void
masks_done (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  MaskJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  guint written = (guint) g_atomic_int_get (&job->written);

  g_clear_handle_id (&job->timeout_id, g_source_remove);
  gtk_window_destroy (GTK_WINDOW (job->progress));

  if (!g_task_propagate_boolean (G_TASK (result), &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *secondary = g_strdup_printf (_("%s\n\n%u masks were written before the failure."),
                                                    error->message, written);
      g_autofree char *primary = g_strdup_printf (_("Could not write “%s”"), job->failed_path);

      cls_application_show_error (job->parent, primary, secondary);
    }
}

static void
start_masks (MaskJob *job)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, masks_done, NULL);
  GtkWidget *area;

  /* A modal progress: the folder fills while the user watches or cancels. */
  job->progress = gtk_message_dialog_new (job->parent, GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                          GTK_MESSAGE_INFO, GTK_BUTTONS_NONE,
                                          g_dngettext (GETTEXT_PACKAGE, "Writing %u mask",
                                                       "Writing %u masks", job->items->len),
                                          job->items->len);
  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (job->progress), _("Into %s"),
                                            job->folder);
  gtk_dialog_add_button (GTK_DIALOG (job->progress), _("_Cancel"), GTK_RESPONSE_CANCEL);
  g_signal_connect_swapped (job->progress, "response", G_CALLBACK (g_cancellable_cancel), cancellable);
  area = gtk_message_dialog_get_message_area (GTK_MESSAGE_DIALOG (job->progress));
  job->progress_bar = gtk_progress_bar_new ();
  gtk_progress_bar_set_show_text (GTK_PROGRESS_BAR (job->progress_bar), TRUE);
  gtk_box_append (GTK_BOX (area), job->progress_bar);
  update_mask_progress (job);
  job->timeout_id = g_timeout_add (100, update_mask_progress, job);
  gtk_window_present (GTK_WINDOW (job->progress));

  g_task_set_source_tag (task, start_masks);
  g_task_set_task_data (task, job, (GDestroyNotify) mask_job_free);
  g_task_run_in_thread (task, masks_thread);
}

static void
on_replace_response (GtkDialog *dialog,
                     int        response,
                     MaskJob   *job)
{
  gtk_window_destroy (GTK_WINDOW (dialog));
  if (response == GTK_RESPONSE_ACCEPT)
    start_masks (job);
  else
    mask_job_free (job);
}

static void
on_mask_folder (GFile    *file,
                guint     filter,
                gpointer  user_data)
{
  MaskJob *job = user_data;
  g_autofree char *folder = file != NULL ? g_file_get_path (file) : NULL;
  guint existing = 0;

  if (folder == NULL)
    {
      mask_job_free (job);
      return;
    }

  job->folder = g_strdup (folder);
  for (guint i = 0; i < job->items->len; i++)
    {
      MaskItem *item = g_ptr_array_index (job->items, i);
      g_autofree char *name = cls_export_mask_name (item->case_id);
      g_autoptr(GError) error = NULL;

      item->target = g_build_filename (folder, name, NULL);
      if (!cls_export_check_target (job->session, item->target, &error))
        {
          show_failure (job->parent, item->target, error);
          mask_job_free (job);
          return;
        }
      existing += g_file_test (item->target, G_FILE_TEST_EXISTS);
    }

  if (existing > 0)
    {
      GtkWidget *dialog;

      dialog = gtk_message_dialog_new (job->parent, GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                       GTK_MESSAGE_QUESTION, GTK_BUTTONS_NONE,
                                       g_dngettext (GETTEXT_PACKAGE, "Replace %u existing mask?",
                                                    "Replace %u existing masks?", existing),
                                       existing);
      gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog),
                                                _("%s already holds masks with these names. "
                                                  "Replacing them overwrites their contents."),
                                                folder);
      gtk_dialog_add_buttons (GTK_DIALOG (dialog), _("_Cancel"), GTK_RESPONSE_CANCEL,
                              _("_Replace"), GTK_RESPONSE_ACCEPT, NULL);
      gtk_widget_add_css_class (gtk_dialog_get_widget_for_response (GTK_DIALOG (dialog),
                                                                    GTK_RESPONSE_ACCEPT),
                                "destructive-action");
      g_signal_connect (dialog, "response", G_CALLBACK (on_replace_response), job);
      gtk_window_present (GTK_WINDOW (dialog));
      return;
    }

  start_masks (job);
}

/**
 * cls_export_masks:
 * @parent: the window
 * @session: the session
 * @all_cases: every case of the current model, or only the current case
 *
 * Asks for a folder and writes the calibrated masks {p >= ĉ} into it as
 * <case>_mask.nii.gz, in a worker thread.
 */
void
cls_export_masks (GtkWindow  *parent,
                  ClsSession *session,
                  gboolean    all_cases)
{
  const ClsCalibration *cal = cls_session_get_calibration (session);
  ClsDataset *dataset = cls_session_get_dataset (session);
  const char *model = cls_session_get_model (session);
  const char *current = cls_session_get_case_id (session);
  MaskJob *job;

  if (cal == NULL || dataset == NULL || model == NULL)
    return;
  if (!all_cases && (current == NULL || cls_session_get_prob (session) == NULL))
    return;

  job = g_new0 (MaskJob, 1);
  job->parent = g_object_ref (parent);
  job->session = g_object_ref (session);
  job->cut = cls_calibration_get_cut (cal);
  job->items = g_ptr_array_new_with_free_func ((GDestroyNotify) mask_item_free);

  for (guint i = 0; i < cls_calibration_get_n_cases (cal); i++)
    {
      const char *case_id = cls_case_summary_get_case_id (cls_calibration_get_case (cal, i)->summary);
      int index = cls_dataset_find_case (dataset, case_id);
      MaskItem *item;

      if (index < 0 || (!all_cases && g_strcmp0 (case_id, current) != 0))
        continue;
      item = g_new0 (MaskItem, 1);
      item->case_id = g_strdup (case_id);
      item->prob_path = g_strdup (cls_dataset_get_prob_path (dataset, model, index));
      if (g_strcmp0 (case_id, current) == 0 && cls_session_get_prob (session) != NULL)
        item->prob = cls_volume_ref (cls_session_get_prob (session));
      g_ptr_array_add (job->items, item);
    }

  cls_file_chooser_run (parent, CLS_FILE_CHOOSER_OPEN_FOLDER,
                        all_cases ? _("Export Masks of All Cases") : _("Export Mask of This Case"),
                        _("_Export Here"), NULL, NULL, 0, on_mask_folder, job);
}

/* Screenshot */

static gboolean
write_screenshot (gpointer     payload,
                  const char  *path,
                  GError     **error)
{
  return cls_tri_planar_save_png (payload, path, error);
}

/**
 * cls_export_screenshot:
 * @parent: the window
 * @session: the session
 * @views: the slice views
 *
 * Asks for a file and saves what @views show as a PNG image.
 */
void
cls_export_screenshot (GtkWindow    *parent,
                       ClsSession   *session,
                       ClsTriPlanar *views)
{
  static const ClsFileFilterSpec filters[] = {
    { N_("PNG image"), "*.png", ".png" },
  };
  const char *case_id = cls_session_get_case_id (session);
  g_autofree char *initial = g_strdup_printf ("%s-views.png", case_id != NULL ? case_id : "cls");

  save_file (parent, session, _("Export Screenshot"), initial, filters, G_N_ELEMENTS (filters),
             write_screenshot, g_object_ref (views), g_object_unref);
}
