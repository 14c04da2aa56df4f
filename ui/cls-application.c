/* cls-application.c: the CLS Studio application
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * `cls-studio [DATASET | MANIFEST]`: with an argument the dataset opens in
 * a window; without one the built-in synthetic demo set does (generated
 * into the user cache on first use). The application keeps the recent
 * datasets (GSettings) as a menu every window shows, the keyboard
 * accelerators, the style sheet and the About dialog.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "cls-application.h"
#include "cls-window.h"

#define MAX_RECENT 10

struct _ClsApplication
{
  GtkApplication  parent_instance;

  GSettings      *settings;
  GMenu          *recent_menu;
};

G_DEFINE_FINAL_TYPE (ClsApplication, cls_application, GTK_TYPE_APPLICATION)

/**
 * cls_application_new_settings:
 * @schema_id: a schema of CLS Studio
 *
 * Each owner (the application, a window, the control panel) keeps its own
 * #GSettings. Running uninstalled without GSETTINGS_SCHEMA_DIR, the schema
 * is missing: then nothing is remembered, and nothing crashes.
 *
 * Returns: (transfer full) (nullable): the settings, or %NULL when the
 *   schema is not installed
 */
GSettings *
cls_application_new_settings (const char *schema_id)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;
  static gboolean warned;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, schema_id, TRUE);
  if (schema == NULL)
    {
      if (!warned)
        g_message ("GSettings schema %s is not installed; settings will not be kept "
                   "(set GSETTINGS_SCHEMA_DIR, or use `meson devenv`)", schema_id);
      warned = TRUE;
      return NULL;
    }

  return g_settings_new_full (schema, NULL, NULL);
}

static void
rebuild_recent_menu (ClsApplication *self)
{
  g_auto(GStrv) recent = NULL;

  g_menu_remove_all (self->recent_menu);
  if (self->settings == NULL)
    return;

  recent = g_settings_get_strv (self->settings, "recent-datasets");
  for (guint i = 0; recent[i] != NULL; i++)
    {
      g_autofree char *name = g_path_get_basename (recent[i]);
      g_autoptr(GMenuItem) item = g_menu_item_new (name, NULL);

      g_menu_item_set_action_and_target_value (item, "win.open-recent",
                                               g_variant_new_string (recent[i]));
      g_menu_append_item (self->recent_menu, item);
    }
  if (recent[0] == NULL)
    g_menu_append (self->recent_menu, _("No Recent Datasets"), "app.no-recent");
}

/**
 * cls_application_add_recent:
 * @self: the application
 * @path: a dataset folder or manifest that was opened
 *
 * Puts @path first in the recent datasets.
 */
void
cls_application_add_recent (ClsApplication *self,
                            const char     *path)
{
  g_auto(GStrv) old = NULL;
  g_autoptr(GStrvBuilder) builder = NULL;
  g_auto(GStrv) recent = NULL;
  guint n = 1;

  g_return_if_fail (CLS_IS_APPLICATION (self));
  g_return_if_fail (path != NULL);

  if (self->settings == NULL)
    return;

  old = g_settings_get_strv (self->settings, "recent-datasets");
  builder = g_strv_builder_new ();
  g_strv_builder_add (builder, path);
  for (guint i = 0; old[i] != NULL && n < MAX_RECENT; i++)
    if (!g_str_equal (old[i], path))
      {
        g_strv_builder_add (builder, old[i]);
        n++;
      }
  recent = g_strv_builder_end (builder);
  g_settings_set_strv (self->settings, "recent-datasets", (const char * const *) recent);
}

/**
 * cls_application_get_recent_menu:
 * @self: the application
 *
 * Returns: (transfer none): the recent datasets as a menu of
 *   win.open-recent items
 */
GMenuModel *
cls_application_get_recent_menu (ClsApplication *self)
{
  g_return_val_if_fail (CLS_IS_APPLICATION (self), NULL);
  return G_MENU_MODEL (self->recent_menu);
}

/* How to cite the method, in the form of the paper's own reference. */
#define CLS_PAPER_AUTHORS "Binyu Tan, Zhiyuan Wang, Jinhao Duan, Kaidi Xu, Heng Tao Shen, " \
                          "Xiaoshuang Shi, Fumin Shen"
#define CLS_PAPER_TITLE   "Conformal Lesion Segmentation for 3D Medical Images"
#define CLS_PAPER_ARXIV   "arXiv:2510.17897"
#define CLS_PAPER_URL     "https://arxiv.org/abs/2510.17897"
#define CLS_PAPER_CITATION CLS_PAPER_AUTHORS ". " CLS_PAPER_TITLE ". " CLS_PAPER_ARXIV ", 2025."

/**
 * cls_application_show_about:
 * @parent: (nullable): the window
 *
 * Shows the About dialog: version, licence (GPL-3.0-or-later), credits,
 * website and how to cite the method.
 */
void
cls_application_show_about (GtkWindow *parent)
{
  static const char *authors[] = { "CLS Studio developers", NULL };
  static const char *method[] = {
    "Binyu Tan", "Zhiyuan Wang", "Jinhao Duan", "Kaidi Xu", "Heng Tao Shen",
    "Xiaoshuang Shi", "Fumin Shen", NULL
  };
  static const char *paper[] = { CLS_PAPER_TITLE " (" CLS_PAPER_ARXIV ") " CLS_PAPER_URL, NULL };
  g_autofree char *comments = NULL;
  GtkWidget *about;

  /* Translators: %s is the reference of the paper, kept in English */
  comments = g_strdup_printf (_("Calibrated lesion segmentation thresholds with a finite-sample "
                                "guarantee on the share of each lesion that is missed.\n\n"
                                "If you use it, please cite the method:\n%s"),
                              CLS_PAPER_CITATION);
  about = g_object_new (GTK_TYPE_ABOUT_DIALOG,
                        "transient-for", parent,
                        "modal", TRUE,
                        "program-name", _("CLS Studio"),
                        "logo-icon-name", APPLICATION_ID,
                        "version", PACKAGE_VERSION,
                        "comments", comments,
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "website", PACKAGE_URL,
                        "website-label", _("Website"),
                        "copyright", "© 2026 CLS Studio developers",
                        "authors", authors,
                        "translator-credits", _("translator-credits"),
                        NULL);
  gtk_about_dialog_add_credit_section (GTK_ABOUT_DIALOG (about), _("Method by"), method);
  gtk_about_dialog_add_credit_section (GTK_ABOUT_DIALOG (about), _("Paper"), paper);
  gtk_window_present (GTK_WINDOW (about));
}

/**
 * cls_application_show_error:
 * @parent: (nullable): the window the message belongs to
 * @primary: what failed, e.g. "Could not open “data”"
 * @secondary: (nullable): why, naming the file
 *
 * A modal message with a Close button.
 */
void
cls_application_show_error (GtkWindow  *parent,
                            const char *primary,
                            const char *secondary)
{
  GtkWidget *dialog;

  dialog = gtk_message_dialog_new (parent, GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                   GTK_MESSAGE_ERROR, GTK_BUTTONS_CLOSE, "%s", primary);
  if (secondary != NULL)
    gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog), "%s", secondary);
  g_signal_connect (dialog, "response", G_CALLBACK (gtk_window_destroy), NULL);
  gtk_window_present (GTK_WINDOW (dialog));
}

static ClsWindow *
get_window (ClsApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (CLS_IS_WINDOW (window))
    return CLS_WINDOW (window);
  return cls_window_new (self);
}

static void
cls_application_activate (GApplication *application)
{
  ClsWindow *window = get_window (CLS_APPLICATION (application));

  gtk_window_present (GTK_WINDOW (window));
  if (!cls_window_has_data (window) && !cls_window_is_loading (window))
    cls_window_open_demo (window);
}

static void
cls_application_open (GApplication  *application,
                      GFile        **files,
                      int            n_files,
                      const char    *hint)
{
  ClsApplication *self = CLS_APPLICATION (application);

  /* One window per dataset. */
  for (int i = 0; i < n_files; i++)
    {
      ClsWindow *window = get_window (self);

      if (cls_window_has_data (window) || cls_window_is_loading (window))
        window = cls_window_new (self);
      gtk_window_present (GTK_WINDOW (window));
      cls_window_open (window, files[i]);
    }
}

static void
quit_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static void
about_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  cls_application_show_about (gtk_application_get_active_window (GTK_APPLICATION (user_data)));
}

static void
cls_application_startup (GApplication *application)
{
  ClsApplication *self = CLS_APPLICATION (application);
  static const GActionEntry actions[] = {
    { "quit", quit_activated },
    { "about", about_activated },
  };
  static const struct {
    const char *action;
    const char *accels[3];
  } accels[] = {
    { "app.quit", { "<Control>q", NULL } },
    { "win.open-folder", { "<Control>o", NULL } },
    { "win.open-manifest", { "<Control><Shift>o", NULL } },
    { "win.export", { "<Control>e", NULL } },
    { "win.next-case", { "<Control>Down", "j", NULL } },
    { "win.previous-case", { "<Control>Up", "k", NULL } },
    { "win.only-violating", { "<Control>f", NULL } },
    { "win.explain", { "F1", NULL } },
    { "win.fullscreen", { "F11", NULL } },
    { "win.radiological", { "<Control>r", NULL } },
    { "win.show-help-overlay", { "<Control>question", NULL } },
    { "window.close", { "<Control>w", NULL } },
  };
  g_autoptr(GtkCssProvider) css = NULL;

  G_APPLICATION_CLASS (cls_application_parent_class)->startup (application);

  g_action_map_add_action_entries (G_ACTION_MAP (self), actions, G_N_ELEMENTS (actions), self);
  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (self), accels[i].action,
                                           accels[i].accels);

  css = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (css, "/org/clsstudio/ClsStudio/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);

  self->settings = cls_application_new_settings (APPLICATION_ID);
  if (self->settings != NULL)
    g_signal_connect_object (self->settings, "changed::recent-datasets",
                             G_CALLBACK (rebuild_recent_menu), self, G_CONNECT_SWAPPED);
  rebuild_recent_menu (self);
}

static void
cls_application_dispose (GObject *object)
{
  ClsApplication *self = CLS_APPLICATION (object);

  g_clear_object (&self->settings);
  g_clear_object (&self->recent_menu);

  G_OBJECT_CLASS (cls_application_parent_class)->dispose (object);
}

static void
cls_application_class_init (ClsApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = cls_application_dispose;
  app_class->startup = cls_application_startup;
  app_class->activate = cls_application_activate;
  app_class->open = cls_application_open;
}

static void
cls_application_init (ClsApplication *self)
{
  static const GOptionEntry options[] = {
    { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Print the version and exit"), NULL },
    { NULL }
  };

  self->recent_menu = g_menu_new ();
  g_application_add_main_option_entries (G_APPLICATION (self), options);
  g_application_set_option_context_parameter_string (G_APPLICATION (self),
                                                     _("[DATASET | MANIFEST]"));
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("Explore conformal lesion segmentation thresholds. "
                                              "Without an argument the synthetic demo set opens."));
}

static int
handle_local_options (GApplication *application,
                      GVariantDict *options,
                      gpointer      user_data)
{
  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("cls-studio %s\n", PACKAGE_VERSION);
      return 0;
    }
  return -1;
}

ClsApplication *
cls_application_new (void)
{
  ClsApplication *self = g_object_new (CLS_TYPE_APPLICATION,
                                       "application-id", APPLICATION_ID,
                                       "flags", G_APPLICATION_HANDLES_OPEN,
                                       "resource-base-path", "/org/clsstudio/ClsStudio",
                                       NULL);

  g_signal_connect (self, "handle-local-options", G_CALLBACK (handle_local_options), NULL);
  return self;
}
