/* cls-window.c: the main window of CLS Studio
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Layout (GtkPaned everywhere, positions kept in GSettings):
 *
 *   ┌ header: Open · title/subtitle · Export · menu ──────────────────┐
 *   │ parameters │ slice views (tri-planar)                           │
 *   │ + summary  ├───────────┬────────────────────────────────────────┤
 *   │            │ case list │ plots (a)–(f)                          │
 *   └────────────┴───────────┴────────────────────────────────────────┘
 *
 * The window owns the session (dataset, calibration, current case) and
 * hands it to its panels; every panel follows the session's signals. The
 * window's actions are widget actions with application accelerators.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "cls-case-list.h"
#include "cls-comparison-panel.h"
#include "cls-control-panel.h"
#include "cls-export.h"
#include "cls-file-chooser.h"
#include "cls-load-dialog.h"
#include "cls-plot-panel.h"
#include "cls-summary-panel.h"
#include "cls-tri-planar.h"
#include "cls-window.h"

struct _ClsWindow
{
  GtkApplicationWindow  parent_instance;

  ClsSession           *session;
  GSettings            *settings;
  GSettings            *overlay_settings;
  gboolean              loading;
  char                 *loading_path;
  gboolean              only_violating;
  gboolean              radiological;

  GtkLabel             *title_label;
  GtkLabel             *subtitle_label;
  GtkMenuButton        *export_button;
  GMenu                *export_menu;
  GMenu                *export_section;
  GMenu                *recent_section;
  GtkStack             *stack;
  GtkPaned             *sidebar_paned;
  GtkPaned             *views_paned;
  GtkPaned             *case_list_paned;
  ClsControlPanel      *control_panel;
  ClsSummaryPanel      *summary_panel;
  ClsCaseList          *case_list;
  ClsTriPlanar         *views;
  GtkLabel             *views_message;
  GtkLabel             *views_warning;
  ClsPlotsPanel        *plots_panel;
  GtkStack             *lower_stack;
  ClsComparisonPanel   *comparison_panel;
};

G_DEFINE_FINAL_TYPE (ClsWindow, cls_window, GTK_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_ONLY_VIOLATING,
  PROP_RADIOLOGICAL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
update_actions (ClsWindow *self)
{
  gboolean data = cls_session_has_data (self->session);
  gboolean calibrated = cls_session_get_calibration (self->session) != NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.export-calibration", calibrated);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.export-masks", calibrated && !self->loading);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.export-mask",
                                 calibrated && cls_session_get_prob (self->session) != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.export-screenshot",
                                 cls_session_get_prob (self->session) != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.export-plot",
                                 data && cls_plots_panel_get_current_plot (self->plots_panel) != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.export", data);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.next-case", data);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.previous-case", data);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.explain", data);
  gtk_widget_set_sensitive (GTK_WIDGET (self->export_button), data);
}

static void
update_title (ClsWindow *self)
{
  ClsDataset *dataset = cls_session_get_dataset (self->session);
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *counts = NULL;
  guint n_models;

  if (dataset == NULL)
    {
      gtk_label_set_text (self->title_label, _("CLS Studio"));
      gtk_widget_set_visible (GTK_WIDGET (self->subtitle_label), FALSE);
      gtk_window_set_title (GTK_WINDOW (self), _("CLS Studio"));
      return;
    }

  n_models = cls_session_get_n_models (self->session);
  {
    guint n_cases = cls_dataset_get_n_cases (dataset);
    g_autofree char *cases = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u case", "%u cases",
                                                           n_cases), n_cases);
    g_autofree char *models = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u model", "%u models",
                                                            n_models), n_models);

    counts = g_strdup_printf ("%s, %s", cases, models);
  }

  if (cls_session_get_synthetic (self->session))
    {
      subtitle = g_strdup_printf (_("SYNTHETIC demo data, not from patients · %s"), counts);
      gtk_widget_add_css_class (GTK_WIDGET (self->subtitle_label), "synthetic");
    }
  else
    {
      subtitle = g_strdup_printf ("%s · %s", counts, cls_dataset_get_path (dataset));
      gtk_widget_remove_css_class (GTK_WIDGET (self->subtitle_label), "synthetic");
    }

  gtk_label_set_text (self->title_label, cls_dataset_get_name (dataset));
  gtk_label_set_text (self->subtitle_label, subtitle);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->subtitle_label), cls_dataset_get_path (dataset));
  gtk_widget_set_visible (GTK_WIDGET (self->subtitle_label), TRUE);

  title = g_strdup_printf (_("%s — CLS Studio"), cls_dataset_get_name (dataset));
  gtk_window_set_title (GTK_WINDOW (self), title);
}

static void
update_cut (ClsWindow *self)
{
  const ClsCalibration *cal = cls_session_get_calibration (self->session);

  /* Without a calibration the calibrated mask shows nothing. */
  cls_tri_planar_set_cut (self->views, cal != NULL ? cls_calibration_get_cut (cal) : G_MAXDOUBLE);
}

/* Methods A and B of the comparison panel over the views, or the usual
 * masks at 0.5 and at the calibrated cut. */
static void
update_compare (ClsWindow *self)
{
  ClsSliceStyle *style = cls_tri_planar_get_style (self->views);
  ClsOverlayFlags overlays = cls_slice_style_get_overlays (style);

  if (cls_comparison_panel_get_compare (self->comparison_panel))
    {
      cls_tri_planar_set_compare (self->views,
                                  cls_comparison_panel_get_label (self->comparison_panel, 0),
                                  cls_comparison_panel_get_cut (self->comparison_panel, 0),
                                  cls_comparison_panel_get_label (self->comparison_panel, 1),
                                  cls_comparison_panel_get_cut (self->comparison_panel, 1));
      overlays |= CLS_OVERLAY_COMPARE;
    }
  else
    overlays &= ~CLS_OVERLAY_COMPARE;
  cls_slice_style_set_overlays (style, overlays);
}

/* The current case's volumes go to the views; a message says when there
 * are none (yet). */
static void
update_views (ClsWindow *self)
{
  const char *case_id = cls_session_get_case_id (self->session);
  const GError *error = cls_session_get_case_error (self->session);
  ClsVolume *prob = cls_session_get_prob (self->session);
  g_autofree char *text = NULL;
  const char *warning;

  if (case_id == NULL)
    text = g_strdup (_("No case selected"));
  else if (cls_session_get_case_loading (self->session))
    text = NULL; /* keep the previous case until the next one is there */
  else if (error != NULL)
    text = g_strdup_printf (_("Could not load %s: %s"), case_id, error->message);
  else if (prob != NULL)
    {
      g_autoptr(ClsSliceVolumes) volumes = NULL;
      g_autoptr(GError) local_error = NULL;

      volumes = cls_slice_volumes_new (cls_session_get_image (self->session), prob,
                                       cls_session_get_label (self->session), &local_error);
      if (volumes == NULL)
        text = g_strdup_printf (_("Cannot show %s: %s"), case_id, local_error->message);
      else
        {
          cls_tri_planar_set_volumes (self->views, volumes);
          update_cut (self);
        }
    }

  if (text != NULL || (case_id == NULL))
    cls_tri_planar_set_volumes (self->views, NULL);
  gtk_label_set_text (self->views_message, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->views_message), text != NULL);
  warning = text == NULL && !cls_session_get_case_loading (self->session)
            ? cls_session_get_case_warning (self->session) : NULL;
  gtk_label_set_text (self->views_warning, warning != NULL ? warning : "");
  gtk_widget_set_visible (GTK_WIDGET (self->views_warning), warning != NULL);
  update_actions (self);
}

static void
update_convention (ClsWindow *self)
{
  cls_slice_style_set_convention (cls_tri_planar_get_style (self->views),
                                  self->radiological ? CLS_SLICE_CONVENTION_RADIOLOGICAL
                                                     : CLS_SLICE_CONVENTION_NEUROLOGICAL);
}

static gboolean
is_demo_folder (const char *path)
{
  g_autofree char *marker = g_build_filename (path, ".cls-demo", NULL);

  return g_file_test (marker, G_FILE_TEST_IS_REGULAR);
}

static void
on_loaded (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(ClsWindow) self = user_data;
  g_autoptr(ClsDataset) dataset = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *sets = NULL;
  const char *path;

  self->loading = FALSE;
  path = self->loading_path;

  if (!cls_load_dialog_load_finish (result, &dataset, &sets, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *primary = g_strdup_printf (_("Could not open “%s”"), path);

          /* The core's messages name the file at fault. */
          cls_application_show_error (GTK_WINDOW (self), primary, error->message);
        }
      update_actions (self);
      return;
    }

  cls_session_set_data (self->session, dataset, sets, is_demo_folder (path));
  gtk_stack_set_visible_child_name (self->stack, "main");
  update_title (self);
  update_actions (self);

  if (!cls_session_get_synthetic (self->session))
    {
      GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

      if (CLS_IS_APPLICATION (app))
        cls_application_add_recent (CLS_APPLICATION (app), path);
    }
}

static void
open_path (ClsWindow            *self,
           const char           *path,
           const ClsDemoOptions *demo)
{
  if (self->loading)
    return;

  self->loading = TRUE;
  g_free (self->loading_path);
  self->loading_path = g_strdup (path);
  update_actions (self);
  cls_load_dialog_load_async (GTK_WINDOW (self), path, demo, on_loaded, g_object_ref (self));
}

/**
 * cls_window_open:
 * @self: a window
 * @file: a dataset folder or CSV manifest
 *
 * Loads it in a worker thread with a progress dialog; on success it
 * replaces what the window shows, on failure a dialog says why and the old
 * dataset stays.
 */
void
cls_window_open (ClsWindow *self,
                 GFile     *file)
{
  g_autofree char *path = NULL;

  g_return_if_fail (CLS_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  path = g_file_get_path (file);
  if (path == NULL)
    {
      g_autofree char *uri = g_file_get_uri (file);

      cls_application_show_error (GTK_WINDOW (self), _("Could not open the dataset"),
                                  uri);
      return;
    }
  open_path (self, path, NULL);
}

/**
 * cls_window_open_demo:
 * @self: a window
 *
 * Opens the built-in synthetic demo set, generating it into the user cache
 * first if needed.
 */
void
cls_window_open_demo (ClsWindow *self)
{
  g_autofree char *path = cls_demo_default_path ();
  ClsDemoOptions demo = { 0 };

  g_return_if_fail (CLS_IS_WINDOW (self));
  open_path (self, path, &demo);
}

gboolean
cls_window_has_data (ClsWindow *self)
{
  g_return_val_if_fail (CLS_IS_WINDOW (self), FALSE);
  return cls_session_has_data (self->session);
}

gboolean
cls_window_is_loading (ClsWindow *self)
{
  g_return_val_if_fail (CLS_IS_WINDOW (self), FALSE);
  return self->loading;
}

/* Actions */

static void
on_folder_chosen (GFile    *file,
                  guint     filter,
                  gpointer  user_data)
{
  g_autoptr(ClsWindow) self = user_data;

  if (file != NULL)
    cls_window_open (self, file);
}

static void
open_folder_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  cls_file_chooser_run (GTK_WINDOW (widget), CLS_FILE_CHOOSER_OPEN_FOLDER,
                        _("Open Dataset Folder"), _("_Open"), NULL, NULL, 0,
                        on_folder_chosen, g_object_ref (widget));
}

static void
open_manifest_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  static const ClsFileFilterSpec filters[] = {
    { N_("CSV manifests"), "*.csv", NULL },
    { N_("All files"), "*", NULL },
  };

  cls_file_chooser_run (GTK_WINDOW (widget), CLS_FILE_CHOOSER_OPEN_FILE,
                        _("Open CSV Manifest"), _("_Open"), NULL, filters, G_N_ELEMENTS (filters),
                        on_folder_chosen, g_object_ref (widget));
}

static void
open_demo_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  cls_window_open_demo (CLS_WINDOW (widget));
}

static void
open_recent_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  open_path (CLS_WINDOW (widget), g_variant_get_string (parameter, NULL), NULL);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  gtk_menu_button_popup (CLS_WINDOW (widget)->export_button);
}

static void
export_plot_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  ClsWindow *self = CLS_WINDOW (widget);

  cls_export_plot (GTK_WINDOW (self), self->session,
                   cls_plots_panel_get_current_plot (self->plots_panel),
                   cls_plots_panel_get_current_name (self->plots_panel));
}

static void
export_calibration_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  ClsWindow *self = CLS_WINDOW (widget);

  cls_export_calibration (GTK_WINDOW (self), self->session);
}

static void
export_masks_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  ClsWindow *self = CLS_WINDOW (widget);

  cls_export_masks (GTK_WINDOW (self), self->session, g_str_equal (action_name, "win.export-masks"));
}

static void
export_screenshot_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  ClsWindow *self = CLS_WINDOW (widget);

  cls_export_screenshot (GTK_WINDOW (self), self->session, self->views);
}

static void
select_case_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  ClsWindow *self = CLS_WINDOW (widget);

  cls_case_list_select_relative (self->case_list,
                                 g_str_equal (action_name, "win.next-case") ? 1 : -1);
}

static void
explain_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  cls_summary_panel_explain (CLS_WINDOW (widget)->summary_panel);
}

static gboolean
on_drop (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         ClsWindow     *self)
{
  GSList *files = g_value_get_boxed (value);

  if (files == NULL || self->loading)
    return FALSE;
  cls_window_open (self, G_FILE (files->data));
  return TRUE;
}

/* Settings */

static gboolean
on_close_request (ClsWindow *self)
{
  int width, height;

  if (self->settings == NULL)
    return FALSE;

  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  g_settings_delay (self->settings);
  g_settings_set_boolean (self->settings, "maximized", gtk_window_is_maximized (GTK_WINDOW (self)));
  if (!gtk_window_is_maximized (GTK_WINDOW (self)) && width > 0 && height > 0)
    {
      g_settings_set_int (self->settings, "width", width);
      g_settings_set_int (self->settings, "height", height);
    }
  g_settings_apply (self->settings);
  return FALSE;
}

static void
bind_settings (ClsWindow *self)
{
  self->settings = cls_application_new_settings (APPLICATION_ID ".Window");
  if (self->settings == NULL)
    {
      gtk_window_set_default_size (GTK_WINDOW (self), 1440, 900);
      return;
    }

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "width"),
                               g_settings_get_int (self->settings, "height"));
  if (g_settings_get_boolean (self->settings, "maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  g_settings_bind (self->settings, "sidebar-position", self->sidebar_paned, "position",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "case-list-position", self->case_list_paned, "position",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "views-position", self->views_paned, "position",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "radiological", self, "radiological", G_SETTINGS_BIND_DEFAULT);
}

/* The look of the overlays: kept in GSettings (dconf-editor or `gsettings
 * set org.clsstudio.ClsStudio.Overlays ...`), followed at once. */
static const struct {
  const char      *key;
  ClsOverlayColor  which;
} overlay_color_keys[] = {
  { "color-mask-fixed", CLS_OVERLAY_COLOR_MASK_FIXED },
  { "color-mask-calibrated", CLS_OVERLAY_COLOR_MASK_CALIBRATED },
  { "color-ground-truth", CLS_OVERLAY_COLOR_GROUND_TRUTH },
  { "color-missed", CLS_OVERLAY_COLOR_MISSED },
  { "color-crosshair", CLS_OVERLAY_COLOR_CROSSHAIR },
  { "color-agreement", CLS_OVERLAY_COLOR_AGREEMENT },
  { "color-only-a", CLS_OVERLAY_COLOR_ONLY_A },
  { "color-only-b", CLS_OVERLAY_COLOR_ONLY_B },
};

static void
on_overlay_setting_changed (ClsWindow  *self,
                            const char *key)
{
  ClsSliceStyle *style = cls_tri_planar_get_style (self->views);

  for (guint i = 0; i < G_N_ELEMENTS (overlay_color_keys); i++)
    if (key == NULL || g_str_equal (key, overlay_color_keys[i].key))
      {
        g_autofree char *text = g_settings_get_string (self->overlay_settings,
                                                       overlay_color_keys[i].key);
        GdkRGBA color;

        if (gdk_rgba_parse (&color, text))
          cls_slice_style_set_color (style, overlay_color_keys[i].which, &color);
        else
          g_warning ("GSettings key %s: “%s” is not a colour; keeping the current one",
                     overlay_color_keys[i].key, text);
      }
}

static void
bind_overlay_settings (ClsWindow *self)
{
  ClsSliceStyle *style = cls_tri_planar_get_style (self->views);

  self->overlay_settings = cls_application_new_settings (APPLICATION_ID ".Overlays");
  if (self->overlay_settings == NULL)
    return;

  g_settings_bind (self->overlay_settings, "opacity", style, "opacity", G_SETTINGS_BIND_GET);
  g_settings_bind (self->overlay_settings, "mask-style", style, "mask-style", G_SETTINGS_BIND_GET);
  g_signal_connect_object (self->overlay_settings, "changed",
                           G_CALLBACK (on_overlay_setting_changed), self, G_CONNECT_SWAPPED);
  on_overlay_setting_changed (self, NULL);
}

/* GObject */

static void
cls_window_dispose (GObject *object)
{
  ClsWindow *self = CLS_WINDOW (object);

  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_clear_object (&self->settings);
  g_clear_object (&self->overlay_settings);
  g_clear_object (&self->session);
  g_clear_pointer (&self->loading_path, g_free);

  G_OBJECT_CLASS (cls_window_parent_class)->dispose (object);
}

static void
cls_window_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  ClsWindow *self = CLS_WINDOW (object);

  switch (prop_id)
    {
    case PROP_ONLY_VIOLATING:
      g_value_set_boolean (value, self->only_violating);
      break;

    case PROP_RADIOLOGICAL:
      g_value_set_boolean (value, self->radiological);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cls_window_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  ClsWindow *self = CLS_WINDOW (object);
  gboolean b;

  switch (prop_id)
    {
    case PROP_ONLY_VIOLATING:
      b = g_value_get_boolean (value);
      if (b != self->only_violating)
        {
          self->only_violating = b;
          g_object_notify_by_pspec (object, pspec);
        }
      break;

    case PROP_RADIOLOGICAL:
      b = g_value_get_boolean (value);
      if (b != self->radiological)
        {
          self->radiological = b;
          g_object_notify_by_pspec (object, pspec);
        }
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cls_window_class_init (ClsWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cls_window_dispose;
  object_class->get_property = cls_window_get_property;
  object_class->set_property = cls_window_set_property;

  properties[PROP_ONLY_VIOLATING] =
    g_param_spec_boolean ("only-violating", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_RADIOLOGICAL] =
    g_param_spec_boolean ("radiological", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (CLS_TYPE_CONTROL_PANEL);
  g_type_ensure (CLS_TYPE_SUMMARY_PANEL);
  g_type_ensure (CLS_TYPE_CASE_LIST);
  g_type_ensure (CLS_TYPE_PLOTS_PANEL);
  g_type_ensure (CLS_TYPE_COMPARISON_PANEL);
  g_type_ensure (CLS_TYPE_TRI_PLANAR);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/clsstudio/ClsStudio/ui/cls-window.ui");
  gtk_widget_class_bind_template_child (widget_class, ClsWindow, title_label);
  gtk_widget_class_bind_template_child (widget_class, ClsWindow, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, ClsWindow, export_button);
  gtk_widget_class_bind_template_child (widget_class, ClsWindow, export_menu);
  gtk_widget_class_bind_template_child (widget_class, ClsWindow, export_section);
  gtk_widget_class_bind_template_child (widget_class, ClsWindow, recent_section);
  gtk_widget_class_bind_template_child (widget_class, ClsWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, ClsWindow, sidebar_paned);
  gtk_widget_class_bind_template_child (widget_class, ClsWindow, views_paned);
  gtk_widget_class_bind_template_child (widget_class, ClsWindow, case_list_paned);
  gtk_widget_class_bind_template_child (widget_class, ClsWindow, control_panel);
  gtk_widget_class_bind_template_child (widget_class, ClsWindow, summary_panel);
  gtk_widget_class_bind_template_child (widget_class, ClsWindow, case_list);
  gtk_widget_class_bind_template_child (widget_class, ClsWindow, views);
  gtk_widget_class_bind_template_child (widget_class, ClsWindow, views_message);
  gtk_widget_class_bind_template_child (widget_class, ClsWindow, views_warning);
  gtk_widget_class_bind_template_child (widget_class, ClsWindow, plots_panel);
  gtk_widget_class_bind_template_child (widget_class, ClsWindow, lower_stack);
  gtk_widget_class_bind_template_child (widget_class, ClsWindow, comparison_panel);

  gtk_widget_class_install_action (widget_class, "win.open-folder", NULL, open_folder_action);
  gtk_widget_class_install_action (widget_class, "win.open-manifest", NULL, open_manifest_action);
  gtk_widget_class_install_action (widget_class, "win.open-demo", NULL, open_demo_action);
  gtk_widget_class_install_action (widget_class, "win.open-recent", "s", open_recent_action);
  gtk_widget_class_install_action (widget_class, "win.export", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "win.export-plot", NULL, export_plot_action);
  gtk_widget_class_install_action (widget_class, "win.export-calibration", NULL, export_calibration_action);
  gtk_widget_class_install_action (widget_class, "win.export-mask", NULL, export_masks_action);
  gtk_widget_class_install_action (widget_class, "win.export-masks", NULL, export_masks_action);
  gtk_widget_class_install_action (widget_class, "win.export-screenshot", NULL, export_screenshot_action);
  gtk_widget_class_install_action (widget_class, "win.next-case", NULL, select_case_action);
  gtk_widget_class_install_action (widget_class, "win.previous-case", NULL, select_case_action);
  gtk_widget_class_install_action (widget_class, "win.explain", NULL, explain_action);
  gtk_widget_class_install_property_action (widget_class, "win.only-violating", "only-violating");
  gtk_widget_class_install_property_action (widget_class, "win.radiological", "radiological");
  gtk_widget_class_install_property_action (widget_class, "win.fullscreen", "fullscreened");
}

static void
cls_window_init (ClsWindow *self)
{
  GtkDropTarget *drop;

  self->radiological = TRUE;
  gtk_widget_init_template (GTK_WIDGET (self));

  self->session = cls_session_new ();
  cls_control_panel_set_session (self->control_panel, self->session);
  cls_summary_panel_set_session (self->summary_panel, self->session);
  cls_case_list_set_session (self->case_list, self->session);
  cls_plots_panel_set_session (self->plots_panel, self->session);
  cls_comparison_panel_set_session (self->comparison_panel, self->session);

  g_signal_connect_object (self->session, "case-changed", G_CALLBACK (update_views), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "changed", G_CALLBACK (update_cut), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "changed", G_CALLBACK (update_actions), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect (self, "notify::radiological", G_CALLBACK (update_convention), NULL);
  g_signal_connect_object (self->plots_panel, "notify::current-plot", G_CALLBACK (update_actions),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->comparison_panel, "compare-changed", G_CALLBACK (update_compare),
                           self, G_CONNECT_SWAPPED);
  g_object_bind_property (self, "only-violating", self->case_list, "only-violating",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);

  g_menu_append_submenu (self->export_section, _("_Export"), G_MENU_MODEL (self->export_menu));

  drop = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect (drop, "drop", G_CALLBACK (on_drop), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));

  g_signal_connect (self, "close-request", G_CALLBACK (on_close_request), NULL);
  bind_settings (self);
  bind_overlay_settings (self);
  update_convention (self);
  update_compare (self);
  update_views (self);
  update_actions (self);
}

/**
 * cls_window_new:
 * @application: the application
 *
 * Returns: (transfer none): a new window, owned by @application
 */
ClsWindow *
cls_window_new (ClsApplication *application)
{
  ClsWindow *self = g_object_new (CLS_TYPE_WINDOW, "application", application, NULL);

  if (application != NULL)
    g_menu_append_submenu (self->recent_section, _("_Recent"),
                           cls_application_get_recent_menu (application));
  return self;
}

/**
 * cls_window_get_session:
 * @self: a window
 *
 * Returns: (transfer none): what the window shows
 */
ClsSession *
cls_window_get_session (ClsWindow *self)
{
  g_return_val_if_fail (CLS_IS_WINDOW (self), NULL);
  return self->session;
}

/**
 * cls_window_get_control_panel:
 * @self: a window
 *
 * Returns: (transfer none): the parameter controls
 */
ClsControlPanel *
cls_window_get_control_panel (ClsWindow *self)
{
  g_return_val_if_fail (CLS_IS_WINDOW (self), NULL);
  return self->control_panel;
}

/**
 * cls_window_get_summary_panel:
 * @self: a window
 *
 * Returns: (transfer none): the summary
 */
ClsSummaryPanel *
cls_window_get_summary_panel (ClsWindow *self)
{
  g_return_val_if_fail (CLS_IS_WINDOW (self), NULL);
  return self->summary_panel;
}

/**
 * cls_window_get_case_list:
 * @self: a window
 *
 * Returns: (transfer none): the case list
 */
ClsCaseList *
cls_window_get_case_list (ClsWindow *self)
{
  g_return_val_if_fail (CLS_IS_WINDOW (self), NULL);
  return self->case_list;
}

/**
 * cls_window_get_views:
 * @self: a window
 *
 * Returns: (transfer none): the slice views
 */
GtkWidget *
cls_window_get_views (ClsWindow *self)
{
  g_return_val_if_fail (CLS_IS_WINDOW (self), NULL);
  return GTK_WIDGET (self->views);
}

/**
 * cls_window_get_comparison_panel:
 * @self: a window
 *
 * Returns: (transfer none): the methods side by side
 */
ClsComparisonPanel *
cls_window_get_comparison_panel (ClsWindow *self)
{
  g_return_val_if_fail (CLS_IS_WINDOW (self), NULL);
  return self->comparison_panel;
}

/**
 * cls_window_show_comparison:
 * @self: a window
 *
 * Brings the methods side by side to the front, in place of the plots.
 */
void
cls_window_show_comparison (ClsWindow *self)
{
  g_return_if_fail (CLS_IS_WINDOW (self));
  gtk_stack_set_visible_child_name (self->lower_stack, "methods");
}

/**
 * cls_window_get_plots_panel:
 * @self: a window
 *
 * Returns: (transfer none): the plots
 */
GtkWidget *
cls_window_get_plots_panel (ClsWindow *self)
{
  g_return_val_if_fail (CLS_IS_WINDOW (self), NULL);
  return GTK_WIDGET (self->plots_panel);
}
