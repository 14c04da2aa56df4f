/* cls-bench-slider.c: from a slider move to the painted window, in medians
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Not a test: it asserts nothing and never runs in `meson test`. It opens
 * the app's main window on a synthetic demo set of N cases (default 1,000;
 * written once into the cache folder), lets the first case and the sweeps
 * settle, then moves the ε slider the way a hand does, one step at a time,
 * and times each move from gtk_adjustment_set_value() to the end of the
 * next frame the window paints (the frame clock's ::after-paint): the
 * recompute (every t_i, t̂, the 100-split evaluation, the case rows, panels
 * (a), (b) and (e), the summary) plus the layout and drawing of the window,
 * slice views included. The sweeps of panels (c), (d) and (f) restart in a
 * worker thread on every move, as in the app, and compete for the cores.
 *
 *   LIBGL_ALWAYS_SOFTWARE=1 xvfb-run -a -s "-screen 0 1600x1000x24" \
 *     build/bench/cls-bench-slider --cases 1000
 */
#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>

#include <gtk/gtk.h>

#include "cls-demo.h"
#include "cls-plot-panel.h"
#include "cls-window.h"

typedef struct {
  int   cases;
  int   moves;
  char *cache;
} Options;

static Options opt = {
  .cases = 1000,
  .moves = 41,
};

static gboolean painted;

static void
on_after_paint (GdkFrameClock *clock,
                gpointer       user_data)
{
  painted = TRUE;
}

static gboolean
give_up_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
quantile (double *v,
          guint   n,
          double  q)
{
  qsort (v, n, sizeof *v, compare_doubles);
  return v[MIN (n - 1, (guint) (q * (n - 1) + 0.5))];
}

/* Every widget drawn again, as after a change that touches them all. */
static void
queue_draw_all (GtkWidget *widget)
{
  gtk_widget_queue_draw (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    queue_draw_all (child);
}

static void
settle (ClsWindow *window)
{
  ClsPlotsPanel *plots = CLS_PLOTS_PANEL (cls_window_get_plots_panel (window));
  ClsSession *session = cls_window_get_session (window);

  while (cls_window_is_loading (window) || cls_session_get_case_loading (session) ||
         cls_plots_panel_get_busy (plots))
    g_main_context_iteration (NULL, TRUE);
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

int
main (int   argc,
      char *argv[])
{
  GOptionEntry entries[] = {
    { "cases", 0, 0, G_OPTION_ARG_INT, &opt.cases, "Demo cases (default 1000)", "N" },
    { "moves", 0, 0, G_OPTION_ARG_INT, &opt.moves, "Slider moves timed (default 41)", "N" },
    { "cache", 0, 0, G_OPTION_ARG_FILENAME, &opt.cache, "Where the demo set is kept (default ~/.cache/cls-bench)", "DIR" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("— slider move to painted frame in the main window (medians)");
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  g_autofree char *dir = NULL;
  g_autofree double *wall = NULL;
  g_autofree double *recompute = NULL;
  g_autofree double *redraw = NULL;
  ClsDemoOptions demo = { 0 };
  ClsApplication *app;
  ClsWindow *window;
  ClsSession *session;
  GtkAdjustment *epsilon;
  GdkFrameClock *clock;
  guint timed_out = 0;

  setlocale (LC_ALL, "");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  opt.moves = MAX (opt.moves, 3);
  opt.cases = CLAMP (opt.cases, 2, CLS_DEMO_MAX_CASES);

  g_setenv ("GTK_A11Y", "none", FALSE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  if (!gtk_init_check ())
    {
      g_printerr ("cls-bench-slider: no display (run it under xvfb-run)\n");
      return 1;
    }

  /* A demo set of small volumes: the recompute depends on the number of
   * cases, not on their size; the views on their size, measured by
   * cls-bench-slice. */
  demo.n_cases = opt.cases;
  demo.dims[0] = 64;
  demo.dims[1] = 64;
  demo.dims[2] = 32;
  if (opt.cache == NULL)
    opt.cache = g_build_filename (g_get_user_cache_dir (), "cls-bench", NULL);
  dir = g_strdup_printf ("%s/demo-%d-64x64x32", opt.cache, opt.cases);
  if (!cls_demo_is_complete (dir, &demo))
    {
      gint64 start = g_get_monotonic_time ();

      g_printerr ("Writing %d demo cases to %s…\n", opt.cases, dir);
      if (!cls_demo_write (dir, &demo, NULL, NULL, NULL, &error))
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      g_printerr ("(written in %.1f s)\n", (g_get_monotonic_time () - start) / 1e6);
    }

  app = cls_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE | G_APPLICATION_HANDLES_OPEN);
  if (!g_application_register (G_APPLICATION (app), NULL, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  window = cls_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (window), 1440, 900);
  gtk_window_present (GTK_WINDOW (window));
  file = g_file_new_for_path (dir);
  cls_window_open (window, file);
  settle (window);

  session = cls_window_get_session (window);
  epsilon = cls_control_panel_get_epsilon (cls_window_get_control_panel (window));
  clock = gdk_surface_get_frame_clock (gtk_native_get_surface (GTK_NATIVE (window)));
  g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), NULL);

  wall = g_new (double, opt.moves);
  recompute = g_new (double, opt.moves);
  for (int i = 0; i < opt.moves; i++)
    {
      /* 0.100, 0.105, … and back: a hand on the slider */
      int step = i % 40 < 20 ? i % 40 : 40 - i % 40;
      double value = 0.1 + 0.005 * (step + 1);
      gboolean given_up = FALSE;
      guint guard;
      gint64 t0;

      /* nothing pending, so the frame waited for is this move's */
      while (g_main_context_iteration (NULL, FALSE))
        ;
      painted = FALSE;
      guard = g_timeout_add (2000, give_up_cb, &given_up);
      t0 = g_get_monotonic_time ();
      gtk_adjustment_set_value (epsilon, value);
      while (!painted && !given_up)
        g_main_context_iteration (NULL, TRUE);
      wall[i] = (g_get_monotonic_time () - t0) / 1000.0;
      recompute[i] = cls_session_get_recompute_usec (session) / 1000.0;
      if (given_up)
        timed_out++;
      else
        g_source_remove (guard);
    }

  /* The same window drawn again with nothing changed: what the frame costs
   * on this display and renderer, without any recompute. */
  redraw = g_new (double, opt.moves);
  for (int i = 0; i < opt.moves; i++)
    {
      gboolean given_up = FALSE;
      guint guard;
      gint64 t0;

      while (g_main_context_iteration (NULL, FALSE))
        ;
      painted = FALSE;
      guard = g_timeout_add (2000, give_up_cb, &given_up);
      t0 = g_get_monotonic_time ();
      queue_draw_all (GTK_WIDGET (window));
      while (!painted && !given_up)
        g_main_context_iteration (NULL, TRUE);
      redraw[i] = (g_get_monotonic_time () - t0) / 1000.0;
      if (!given_up)
        g_source_remove (guard);
    }

  printf ("CLS Studio %s: a slider move on %d cases (64×64×32 demo volumes), %d moves\n",
          PACKAGE_VERSION, opt.cases, opt.moves);
  printf ("%-52s %8.2f ms (p90 %.2f ms)\n", "slider move to painted frame, median",
          quantile (wall, opt.moves, 0.5), quantile (wall, opt.moves, 0.9));
  printf ("%-52s %8.2f ms\n", "of which the recompute (t_i, t̂, 100 splits, rows), median",
          quantile (recompute, opt.moves, 0.5));
  printf ("%-52s %8.2f ms\n", "the same window redrawn, nothing changed, median",
          quantile (redraw, opt.moves, 0.5));
  if (timed_out > 0)
    printf ("%u moves painted nothing within 2 s\n", timed_out);

  /* Let the sweeps finish before the process ends. */
  settle (window);
  gtk_window_destroy (GTK_WINDOW (window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_object_unref (app);
  return 0;
}
