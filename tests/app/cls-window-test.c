/* cls-window-test.c: what the main-window tests share
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "cls-comparison-panel.h"
#include "cls-demo.h"
#include "cls-plot-panel.h"
#include "cls-test-util.h"
#include "cls-window-test.h"

/* A virtual X server has no session bus: GTK's warning about it is not a
 * failure. Every other warning stays fatal. */
static GLogWriterOutput
log_writer (GLogLevelFlags   log_level,
            const GLogField *fields,
            gsize            n_fields,
            gpointer         user_data)
{
  for (gsize i = 0; i < n_fields; i++)
    if (g_str_equal (fields[i].key, "MESSAGE") && fields[i].length < 0 &&
        strstr (fields[i].value, "Unable to acquire session bus") != NULL)
      return G_LOG_WRITER_HANDLED;
  return g_log_writer_default (log_level, fields, n_fields, user_data);
}

/**
 * cls_window_test_init:
 * @argc: main()'s
 * @argv: main()'s
 *
 * Settings in memory, software OpenGL, the build's schemas, g_test_init()
 * and GTK.
 *
 * Returns: whether there is a display
 */
gboolean
cls_window_test_init (int    *argc,
                      char ***argv)
{
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_setenv ("LIBGL_ALWAYS_SOFTWARE", "1", FALSE);
  g_setenv ("GTK_A11Y", "none", FALSE);
  g_log_set_writer_func (log_writer, NULL, NULL);
  g_test_init (argc, argv, NULL);

  /* The schema is compiled into the build's data/ folder. */
  if (g_getenv ("GSETTINGS_SCHEMA_DIR") == NULL)
    {
      g_autofree char *schemas = g_test_build_filename (G_TEST_BUILT, "..", "data", NULL);

      g_setenv ("GSETTINGS_SCHEMA_DIR", schemas, TRUE);
    }

  return gtk_init_check ();
}

/**
 * cls_window_test_write_demo:
 *
 * Returns: (transfer full): a new folder with a 12-case demo set of
 *   32 × 32 × 16 volumes
 */
char *
cls_window_test_write_demo (void)
{
  g_autoptr(GError) error = NULL;
  ClsDemoOptions options = { 0 };
  char *dir = cls_test_make_tmpdir ();

  options.n_cases = 12;
  options.dims[0] = 32;
  options.dims[1] = 32;
  options.dims[2] = 16;
  if (!cls_demo_write (dir, &options, NULL, NULL, NULL, &error))
    g_error ("Could not write the demo set: %s", error->message);
  return dir;
}

void
cls_window_test_iterate (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/**
 * cls_window_test_open:
 * @path: a dataset
 * @width: the window's default width, or 0 for the app's own
 * @height: its default height, or 0
 *
 * Returns: (transfer none): a window on @path, loaded
 */
ClsWindow *
cls_window_test_open (const char *path,
                      int         width,
                      int         height)
{
  static ClsApplication *app;
  g_autoptr(GFile) file = g_file_new_for_path (path);
  ClsWindow *window;

  if (app == NULL)
    {
      g_autoptr(GError) error = NULL;

      app = cls_application_new ();
      g_application_set_flags (G_APPLICATION (app),
                               G_APPLICATION_NON_UNIQUE | G_APPLICATION_HANDLES_OPEN);
      g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
      g_assert_no_error (error);
    }

  window = cls_window_new (app);
  if (width > 0 && height > 0)
    gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_window_present (GTK_WINDOW (window));
  cls_window_open (window, file);
  while (cls_window_is_loading (window))
    g_main_context_iteration (NULL, TRUE);
  cls_window_test_iterate ();
  return window;
}

/* Lets the window's worker threads (case loading, sweeps, the methods
 * table) finish. */
void
cls_window_test_wait (ClsWindow *window)
{
  ClsPlotsPanel *plots = CLS_PLOTS_PANEL (cls_window_get_plots_panel (window));
  ClsComparisonPanel *comparison = cls_window_get_comparison_panel (window);
  ClsSession *session = cls_window_get_session (window);

  while (cls_plots_panel_get_busy (plots) || cls_comparison_panel_get_busy (comparison) ||
         cls_session_get_case_loading (session))
    g_main_context_iteration (NULL, TRUE);
  cls_window_test_iterate ();
}

/* Waits for the workers, so that none is still running when the process
 * exits, then closes the window. */
void
cls_window_test_close (ClsWindow *window)
{
  cls_window_test_wait (window);
  gtk_window_destroy (GTK_WINDOW (window));
  cls_window_test_iterate ();
}
