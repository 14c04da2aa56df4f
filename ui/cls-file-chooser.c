/* cls-file-chooser.c: the one place that asks the user for a file or folder
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A thin wrapper around GtkFileChooserNative (GtkFileDialog is GTK 4.10):
 * it uses the desktop's portal where there is one (Flatpak) and GTK's own
 * dialog elsewhere. When saving, a name typed without an extension gets the
 * active filter's.
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "cls-file-chooser.h"

typedef struct {
  GtkFileChooserNative    *native;
  GPtrArray               *filters;      /* GtkFileFilter */
  const ClsFileFilterSpec *specs;
  ClsFileChooserCallback   callback;
  gpointer                 user_data;
} Request;

static void
request_free (Request *request)
{
  g_clear_object (&request->native);
  g_clear_pointer (&request->filters, g_ptr_array_unref);
  g_free (request);
}

static guint
active_filter (Request *request)
{
  GtkFileFilter *filter = gtk_file_chooser_get_filter (GTK_FILE_CHOOSER (request->native));
  guint index = 0;

  if (filter != NULL && g_ptr_array_find (request->filters, filter, &index))
    return index;
  return 0;
}

static void
on_response (GtkNativeDialog *native,
             int              response,
             Request         *request)
{
  g_autoptr(GFile) file = NULL;
  guint filter = active_filter (request);

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));

  if (file != NULL && gtk_file_chooser_get_action (GTK_FILE_CHOOSER (native)) == GTK_FILE_CHOOSER_ACTION_SAVE &&
      filter < request->filters->len && request->specs[filter].extension != NULL)
    {
      g_autofree char *basename = g_file_get_basename (file);

      if (strchr (basename, '.') == NULL)
        {
          g_autofree char *named = g_strconcat (basename, request->specs[filter].extension, NULL);
          g_autoptr(GFile) parent = g_file_get_parent (file);

          g_set_object (&file, g_file_get_child (parent, named));
        }
    }

  request->callback (file, filter, request->user_data);
  gtk_native_dialog_destroy (native);
  request_free (request);
}

/**
 * cls_file_chooser_run:
 * @parent: (nullable): the window the chooser belongs to
 * @mode: open a file, open a folder or save
 * @title: the chooser's title
 * @accept_label: the accept button, with a mnemonic
 * @initial_name: (nullable): when saving, the proposed file name
 * @filters: (array length=n_filters) (nullable): file types; must outlive
 *   the chooser (static data)
 * @n_filters: how many
 * @callback: called once with the chosen file or %NULL
 * @user_data: for @callback
 *
 * Shows a modal native file chooser.
 */
void
cls_file_chooser_run (GtkWindow               *parent,
                      ClsFileChooserMode       mode,
                      const char              *title,
                      const char              *accept_label,
                      const char              *initial_name,
                      const ClsFileFilterSpec *filters,
                      guint                    n_filters,
                      ClsFileChooserCallback   callback,
                      gpointer                 user_data)
{
  static const GtkFileChooserAction actions[] = {
    [CLS_FILE_CHOOSER_OPEN_FILE] = GTK_FILE_CHOOSER_ACTION_OPEN,
    [CLS_FILE_CHOOSER_OPEN_FOLDER] = GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER,
    [CLS_FILE_CHOOSER_SAVE] = GTK_FILE_CHOOSER_ACTION_SAVE,
  };
  Request *request;

  g_return_if_fail (parent == NULL || GTK_IS_WINDOW (parent));
  g_return_if_fail (mode < G_N_ELEMENTS (actions));
  g_return_if_fail (callback != NULL);

  request = g_new0 (Request, 1);
  request->native = gtk_file_chooser_native_new (title, parent, actions[mode], accept_label,
                                                 _("_Cancel"));
  request->filters = g_ptr_array_new_with_free_func (g_object_unref);
  request->specs = filters;
  request->callback = callback;
  request->user_data = user_data;

  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (request->native), TRUE);
  for (guint i = 0; i < n_filters; i++)
    {
      GtkFileFilter *filter = gtk_file_filter_new ();

      gtk_file_filter_set_name (filter, g_dgettext (GETTEXT_PACKAGE, filters[i].name));
      gtk_file_filter_add_pattern (filter, filters[i].pattern);
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (request->native), filter);
      g_ptr_array_add (request->filters, filter);
    }
  if (mode == CLS_FILE_CHOOSER_SAVE && initial_name != NULL)
    gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (request->native), initial_name);

  g_signal_connect (request->native, "response", G_CALLBACK (on_response), request);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (request->native));
}
