/* test-plot-view.c: the plot widget on screen, its hover readout and export
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <gtk/gtk.h>

#include "cls-error.h"
#include "cls-plot-panels.h"
#include "cls-plot-view.h"
#include "cls-test-util.h"
#include "cls-slice-test.h"

#define WIDTH  640
#define HEIGHT 480

/* Ten lesion voxels at 0.05, 0.15, …, 0.95 and forty others at @background:
 * FNR(t) = #{p < 1 − t} / 10. */
static ClsPlot *
loss_plot (double background)
{
  double probs[50];
  guint8 lesion[50] = { 0 };
  g_autoptr(ClsCaseSummary) summary = NULL;

  for (guint i = 0; i < 50; i++)
    {
      lesion[i] = i < 10;
      probs[i] = i < 10 ? 0.05 + 0.1 * i : background;
    }
  summary = cls_test_summary_new (background > 0.5 ? "case_b" : "case_a", probs, lesion, 50);

  return cls_plot_panel_loss (summary, CLS_NORMALIZE_NONE, 0.1, NAN, 0.8);
}

static gboolean
give_up_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
after_paint_cb (GdkFrameClock *clock,
                guint         *paints)
{
  (*paints)++;
}

/* Shows @view in a window and waits until it has been painted at its size. */
static GtkWindow *
show (ClsPlotView *view)
{
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());
  gboolean given_up = FALSE;
  GdkFrameClock *clock;
  guint paints = 0;
  gulong handler;
  guint guard;

  gtk_window_set_default_size (window, WIDTH, HEIGHT);
  gtk_window_set_child (window, GTK_WIDGET (view));
  gtk_window_present (window);

  /* A guard against a display that never maps the window, not a timing. */
  guard = g_timeout_add_seconds (60, give_up_cb, &given_up);
  while (!given_up && (!gtk_widget_get_mapped (GTK_WIDGET (view)) ||
                       gtk_widget_get_width (GTK_WIDGET (view)) <= 0))
    g_main_context_iteration (NULL, TRUE);

  clock = gtk_widget_get_frame_clock (GTK_WIDGET (view));
  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), &paints);
  gtk_widget_queue_draw (GTK_WIDGET (view));
  while (!given_up && paints == 0)
    g_main_context_iteration (NULL, TRUE);
  g_signal_handler_disconnect (clock, handler);

  if (!given_up)
    g_source_remove (guard);
  g_assert_false (given_up);

  return window;
}

/* What the view last drew, as pixels. */
static cairo_surface_t *
grab (ClsPlotView *view)
{
  int w = gtk_widget_get_width (GTK_WIDGET (view));
  int h = gtk_widget_get_height (GTK_WIDGET (view));
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (GTK_WIDGET (view));
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, w, h);
  cairo_t *cr = cairo_create (surface);

  gdk_paintable_snapshot (paintable, snapshot, w, h);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  gsk_render_node_draw (node, cr);
  cairo_destroy (cr);
  cairo_surface_flush (surface);

  if (g_getenv ("CLS_TEST_PLOT_DIR") != NULL)  /* for looking at it */
    {
      static guint count;
      g_autofree char *name = g_strdup_printf ("view-%02u.png", count++);
      g_autofree char *path = g_build_filename (g_getenv ("CLS_TEST_PLOT_DIR"), name, NULL);

      cairo_surface_write_to_png (surface, path);
    }

  return surface;
}

static ClsPlotColor
pixel (cairo_surface_t *s,
       int              x,
       int              y)
{
  const guint8 *data = cairo_image_surface_get_data (s);
  guint32 v;

  memcpy (&v, data + (gsize) y * cairo_image_surface_get_stride (s) + 4 * x, 4);
  return (ClsPlotColor) { ((v >> 16) & 255) / 255.0, ((v >> 8) & 255) / 255.0, (v & 255) / 255.0, 1 };
}

static double
luminance (ClsPlotColor c)
{
  return 0.2126 * c.red + 0.7152 * c.green + 0.0722 * c.blue;
}

/* The view shows exactly what cls_plot_draw() paints with the view's style
 * (whose marks test-plot checks against the data), in the theme's colours. */
static void
check_rendering (ClsPlotView *view)
{
  cairo_surface_t *shown = grab (view);
  cairo_surface_t *expected = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, WIDTH, HEIGHT);
  cairo_t *cr = cairo_create (expected);
  ClsPlotStyle style;
  ClsPlotArea area, drawn;
  guint differ = 0, inked = 0;

  cls_plot_view_get_style (view, &style);
  g_assert_true (cls_plot_view_get_area (view, &area));
  cls_plot_draw (cls_plot_view_get_plot (view), cr, WIDTH, HEIGHT, &style, &drawn);
  cairo_destroy (cr);
  cairo_surface_flush (expected);

  g_assert_cmpfloat (drawn.x, ==, area.x);
  g_assert_cmpfloat (drawn.y, ==, area.y);
  g_assert_cmpfloat (drawn.width, ==, area.width);
  g_assert_cmpfloat (drawn.height, ==, area.height);
  g_assert_cmpint (cairo_image_surface_get_width (shown), ==, WIDTH);
  g_assert_cmpint (cairo_image_surface_get_height (shown), ==, HEIGHT);

  for (int y = 0; y < HEIGHT; y++)
    for (int x = 0; x < WIDTH; x++)
      {
        ClsPlotColor a = pixel (shown, x, y), b = pixel (expected, x, y);

        differ += fabs (a.red - b.red) + fabs (a.green - b.green) + fabs (a.blue - b.blue) > 0.03;
        inked += fabs (luminance (a) - luminance (style.bg)) > 0.2;
      }

  g_assert_cmpuint (differ, <=, WIDTH * HEIGHT / 1000);
  g_assert_cmpuint (inked, >, WIDTH * HEIGHT / 100);   /* not a blank view */
  g_assert_cmpfloat (fabs (luminance (pixel (shown, 2, 2)) - luminance (style.bg)), <, 0.02);

  cairo_surface_destroy (expected);
  cairo_surface_destroy (shown);
}

static void
test_render (void)
{
  g_autoptr(ClsPlot) plot = NULL;
  ClsPlotView *view;
  GtkWindow *window;

  if (!cls_slice_test_init_display ())
    return;

  plot = loss_plot (0.2);
  view = CLS_PLOT_VIEW (cls_plot_view_new ());
  cls_plot_view_set_plot (view, plot);
  g_assert_true (cls_plot_view_get_plot (view) == plot);

  window = show (view);
  check_rendering (view);
  gtk_window_destroy (window);
}

static GtkEventController *
motion_controller (GtkWidget *widget)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) c = g_list_model_get_item (controllers, i);

      if (GTK_IS_EVENT_CONTROLLER_MOTION (c))
        return c;  /* the widget holds it */
    }

  g_assert_not_reached ();
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              guint      *count)
{
  (*count)++;
}

static void
test_hover (void)
{
  g_autoptr(ClsPlot) plot = NULL;
  g_autoptr(ClsPlot) other = NULL;
  g_autofree char *at = NULL;
  g_autofree char *nothing = NULL;
  ClsPlotView *view;
  GtkEventController *motion;
  GtkWindow *window;
  ClsPlotArea area;
  double x, y;
  guint readouts = 0, plots = 0;

  if (!cls_slice_test_init_display ())
    return;

  plot = loss_plot (0.2);
  view = CLS_PLOT_VIEW (cls_plot_view_new ());
  cls_plot_view_set_plot (view, plot);
  window = show (view);

  g_assert_true (cls_plot_view_get_area (view, &area));
  cls_plot_data_to_device (&area, 0.62, 0.4, &x, &y);

  /* Near the curve at t = 0.62: #{p < 0.38} = 4 of 10. */
  at = cls_plot_view_readout_at (view, x, y + 2);
  g_assert_cmpstr (at, ==, "t = 0.62, FNR = 0.40");
  nothing = cls_plot_view_readout_at (view, 1, 1);
  g_assert_null (nothing);

  /* The pointer moves there: the readout property and the tooltip follow. */
  g_signal_connect (view, "notify::readout", G_CALLBACK (count_notify), &readouts);
  g_signal_connect (view, "notify::plot", G_CALLBACK (count_notify), &plots);
  motion = motion_controller (GTK_WIDGET (view));
  g_assert_null (cls_plot_view_get_readout (view));
  g_signal_emit_by_name (motion, "enter", x, y + 2);
  g_signal_emit_by_name (motion, "motion", x, y + 2);
  g_assert_cmpstr (cls_plot_view_get_readout (view), ==, "t = 0.62, FNR = 0.40");
  g_assert_cmpstr (gtk_widget_get_tooltip_text (GTK_WIDGET (view)), ==, "t = 0.62, FNR = 0.40");
  g_assert_cmpuint (readouts, ==, 1);

  /* On the t̂ line. */
  cls_plot_data_to_device (&area, 0.8, 0.7, &x, &y);
  g_signal_emit_by_name (motion, "motion", x + 1, y);
  g_assert_cmpstr (cls_plot_view_get_readout (view), ==, "t̂ = 0.80 (calibrated)");
  g_assert_cmpuint (readouts, ==, 2);

  /* A new plot (a slider moved) under a still pointer: the readout follows
   * the new data. The other case's curve is the same, so go back to it. */
  cls_plot_data_to_device (&area, 0.62, 0.4, &x, &y);
  g_signal_emit_by_name (motion, "motion", x, y + 2);
  other = loss_plot (0.9);
  cls_plot_view_set_plot (view, other);
  g_assert_cmpuint (plots, ==, 1);
  g_assert_cmpstr (cls_plot_view_get_readout (view), ==, "t = 0.62, FNR = 0.40");
  cls_plot_view_set_plot (view, other);  /* the same: no notification */
  g_assert_cmpuint (plots, ==, 1);

  /* The pointer leaves: no readout. */
  g_signal_emit_by_name (motion, "leave");
  g_assert_null (cls_plot_view_get_readout (view));
  g_assert_null (gtk_widget_get_tooltip_text (GTK_WIDGET (view)));

  /* Without a plot there is nothing to read out. */
  cls_plot_view_set_plot (view, NULL);
  g_assert_null (cls_plot_view_get_plot (view));
  g_assert_false (cls_plot_view_get_area (view, &area));

  gtk_window_destroy (window);
}

static void
test_dark (void)
{
  g_autoptr(ClsPlot) plot = NULL;
  ClsPlotView *view;
  GtkWindow *window;
  ClsPlotStyle style;

  if (!cls_slice_test_init_display ())
    return;

  g_object_set (gtk_settings_get_default (), "gtk-application-prefer-dark-theme", TRUE, NULL);

  plot = loss_plot (0.2);
  view = CLS_PLOT_VIEW (cls_plot_view_new ());
  cls_plot_view_set_plot (view, plot);
  window = show (view);

  /* The theme's light text on its dark background. */
  cls_plot_view_get_style (view, &style);
  g_assert_cmpfloat (luminance (style.fg), >, luminance (style.bg) + 0.4);
  g_assert_cmpfloat (style.font_size, >, 6);
  check_rendering (view);

  gtk_window_destroy (window);
  g_object_set (gtk_settings_get_default (), "gtk-application-prefer-dark-theme", FALSE, NULL);
}

static void
test_save (void)
{
  g_autoptr(ClsPlot) plot = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *data = NULL;
  g_autoptr(GError) error = NULL;
  ClsPlotView *view;
  GtkWindow *window;
  gsize len;

  if (!cls_slice_test_init_display ())
    return;

  dir = cls_test_make_tmpdir ();
  path = g_build_filename (dir, "panel.svg", NULL);
  view = CLS_PLOT_VIEW (cls_plot_view_new ());
  window = show (view);

  /* Nothing to export yet: an error naming the file. */
  g_assert_false (cls_plot_view_save (view, path, 0, 0, &error));
  g_assert_error (error, CLS_ERROR, CLS_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, path));
  g_clear_error (&error);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  plot = loss_plot (0.2);
  cls_plot_view_set_plot (view, plot);
  g_assert_true (cls_plot_view_save (view, path, 0, 0, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &data, &len, NULL));
  g_assert_nonnull (g_strstr_len (data, len, "<svg"));
  g_assert_nonnull (g_strstr_len (data, len, "width=\"640"));

  gtk_window_destroy (window);
  cls_test_rm_rf (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/plot-view/render", test_render);
  g_test_add_func ("/plot-view/hover", test_hover);
  g_test_add_func ("/plot-view/dark", test_dark);
  g_test_add_func ("/plot-view/save", test_save);

  return g_test_run ();
}
