/* cls-bench-slice.c: frame time of the three slice views, in medians
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Not a test: it asserts nothing and never runs in `meson test`. It builds a
 * synthetic CT-sized case in memory (a float32 image, a float32 probability
 * map with several lesions, a uint8 label), shows the tri-planar view in a
 * window on the current display (three views of about 500 x 500 pixels),
 * and prints the median time of a frame of the three views, drawn off-screen
 * and waited for with glFinish (cls_tri_planar_measure_frames()), on the
 * clock and in processor time (all threads of the process, so software
 * OpenGL's too: the cost of a frame, even on a machine that is busy):
 *
 *   slices  every view shows a new slice (the cursor moves along all axes)
 *   cut     a slider move: a new cut ĉ, nothing else
 *
 * as a table, then as a JSON document. For software OpenGL (Mesa llvmpipe):
 *
 *   LIBGL_ALWAYS_SOFTWARE=1 xvfb-run -a -s "-screen 0 1920x1080x24" \
 *     build/bench/cls-bench-slice
 */
#include "config.h"

#include <inttypes.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <epoxy/gl.h>
#include <gtk/gtk.h>

#include "cls-atomic-file.h"
#include "cls-json-writer.h"
#include "cls-tri-planar.h"

#define VIEW_SIZE_PX   500
#define N_LESIONS      6

typedef struct {
  int      frames;
  char    *dims;
  char    *json;
} Options;

static Options opt = {
  .frames = 31,
};

typedef struct {
  double centre[3];   /* mm */
  double radius;      /* mm */
} Lesion;

/* A small, fast, reproducible noise in [0, 1). */
static inline double
noise (guint64 *state)
{
  *state ^= *state << 13;
  *state ^= *state >> 7;
  *state ^= *state << 17;
  return (double) (*state >> 11) * (1.0 / 9007199254740992.0);
}

/* A CT-like body (an ellipse of soft tissue in air, with a ring of bone),
 * lesions where the probability map is high, a label inside each lesion. */
static ClsSliceVolumes *
make_case (const gint64   dims[3],
           GError       **error)
{
  static const double spacing[3] = { 0.8, 0.8, 1.5 };
  double affine[4][4] = { { 0 } };
  g_autoptr(ClsVolume) image = NULL;
  g_autoptr(ClsVolume) prob = NULL;
  g_autoptr(ClsVolume) label = NULL;
  Lesion lesions[N_LESIONS];
  double size[3];
  float *image_data, *prob_data;
  guint8 *label_data;
  guint64 state = 0x9e3779b97f4a7c15u;

  for (int i = 0; i < 3; i++)
    {
      affine[i][i] = spacing[i];
      affine[i][3] = -spacing[i] * (double) (dims[i] - 1) / 2;
      size[i] = spacing[i] * (double) dims[i];
    }
  affine[3][3] = 1;

  image = cls_volume_new (dims, 1, CLS_DATATYPE_FLOAT32, affine);
  prob = cls_volume_new (dims, 1, CLS_DATATYPE_FLOAT32, affine);
  label = cls_volume_new (dims, 1, CLS_DATATYPE_UINT8, affine);
  image_data = cls_volume_get_data (image);
  prob_data = cls_volume_get_data (prob);
  label_data = cls_volume_get_data (label);

  for (int l = 0; l < N_LESIONS; l++)
    {
      for (int i = 0; i < 3; i++)
        lesions[l].centre[i] = (noise (&state) - 0.5) * size[i] * 0.4;
      lesions[l].radius = 6.0 + 14.0 * noise (&state);
    }
  /* One lesion at the centre, so that the middle slices show one. */
  memset (lesions[0].centre, 0, sizeof lesions[0].centre);

  for (gint64 k = 0; k < dims[2]; k++)
    for (gint64 j = 0; j < dims[1]; j++)
      for (gint64 i = 0; i < dims[0]; i++)
        {
          gsize offset = (gsize) i + (gsize) dims[0] * ((gsize) j + (gsize) dims[1] * (gsize) k);
          double x = affine[0][0] * (double) i + affine[0][3];
          double y = affine[1][1] * (double) j + affine[1][3];
          double z = affine[2][2] * (double) k + affine[2][3];
          double body = (x * x) / (0.42 * 0.42 * size[0] * size[0]) +
                        (y * y) / (0.36 * 0.36 * size[1] * size[1]);
          double value, p = 0.02 * noise (&state);
          gboolean lesion = FALSE;

          if (body > 1.0)
            value = -1000.0;
          else if (body > 0.85)
            value = 700.0;
          else
            value = 40.0;
          value += 20.0 * (noise (&state) - 0.5);

          for (int l = 0; l < N_LESIONS; l++)
            {
              double dx = x - lesions[l].centre[0];
              double dy = y - lesions[l].centre[1];
              double dz = z - lesions[l].centre[2];
              double d2 = (dx * dx + dy * dy + dz * dz) / (lesions[l].radius * lesions[l].radius);

              if (d2 < 4.0)
                {
                  p = MAX (p, exp (-d2) * (0.9 + 0.1 * noise (&state)));
                  value += 30.0 * exp (-d2);
                }
              lesion = lesion || d2 < 0.6;
            }

          image_data[offset] = (float) value;
          prob_data[offset] = (float) p;
          label_data[offset] = lesion;
        }

  return cls_slice_volumes_new (image, prob, label, error);
}

static gboolean
give_up_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

static gboolean
parse_dims (const char  *text,
            gint64       dims[3],
            GError     **error)
{
  g_auto(GStrv) parts = g_strsplit (text, "x", -1);

  if (g_strv_length (parts) == 3)
    {
      gboolean ok = TRUE;

      for (int i = 0; i < 3 && ok; i++)
        ok = g_ascii_string_to_signed (parts[i], 10, 1, 4096, &dims[i], NULL);
      if (ok)
        return TRUE;
    }
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               "--dims: “%s” is not WxHxD with sizes from 1 to 4096", text);
  return FALSE;
}

static void
write_json_ms (ClsJsonWriter *json,
               const char    *name,
               double         ms)
{
  cls_json_writer_member (json, name);
  cls_json_writer_double (json, round (ms * 1000.0) / 1000.0);
}

static void
write_json_median (ClsJsonWriter     *json,
                   const char        *name,
                   const ClsDrawTime *median)
{
  cls_json_writer_member (json, name);
  cls_json_writer_begin_object (json);
  write_json_ms (json, "wall_ms", median->wall_ms);
  write_json_ms (json, "cpu_ms", median->cpu_ms);
  cls_json_writer_end_object (json);
}

int
main (int   argc,
      char *argv[])
{
  GOptionEntry entries[] = {
    { "frames", 0, 0, G_OPTION_ARG_INT, &opt.frames, "Frames per median (default 31)", "N" },
    { "dims", 0, 0, G_OPTION_ARG_STRING, &opt.dims, "Volume size (default 512x512x300)", "WxHxD" },
    { "json", 0, 0, G_OPTION_ARG_FILENAME, &opt.json, "Also write the JSON document to FILE", "FILE" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("— frame time of the slice views (medians)");
  g_autoptr(GError) error = NULL;
  g_autoptr(ClsSliceVolumes) volumes = NULL;
  g_autofree char *doc = NULL;
  const char *renderer = "unknown", *version = "unknown";
  ClsJsonWriter *json;
  ClsTriPlanar *views;
  GtkWindow *window;
  gint64 dims[3];
  gboolean given_up = FALSE;
  ClsDrawTime slices, cut;
  int view_w, view_h, scale;
  gint64 start;
  guint guard;

  setlocale (LC_ALL, "");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) ||
      !parse_dims (opt.dims != NULL ? opt.dims : "512x512x300", dims, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  opt.frames = MAX (opt.frames, 1);

  g_setenv ("GTK_A11Y", "none", FALSE);
  if (!gtk_init_check ())
    {
      g_printerr ("cls-bench-slice: no display (run it under xvfb-run)\n");
      return 1;
    }

  start = g_get_monotonic_time ();
  volumes = make_case (dims, &error);
  if (volumes == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  g_printerr ("Synthetic case %" PRId64 "×%" PRId64 "×%" PRId64
              " made in %.1f s\n", dims[0], dims[1], dims[2],
              (double) (g_get_monotonic_time () - start) / 1e6);

  views = CLS_TRI_PLANAR (cls_tri_planar_new ());
  cls_tri_planar_set_volumes (views, volumes);
  cls_tri_planar_set_cut (views, 0.3);
  window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_title (window, "cls-bench-slice");
  gtk_window_set_child (window, GTK_WIDGET (views));
  /* Three views side by side over the readout, legend and preset rows. */
  gtk_window_set_default_size (window, 3 * VIEW_SIZE_PX + 4, VIEW_SIZE_PX + 90);
  gtk_window_present (window);

  guard = g_timeout_add_seconds (60, give_up_cb, &given_up);
  while (!given_up && (!gtk_widget_get_mapped (GTK_WIDGET (cls_tri_planar_get_view (views, 0))) ||
                       gtk_widget_get_width (GTK_WIDGET (cls_tri_planar_get_view (views, 0))) <= 0))
    g_main_context_iteration (NULL, TRUE);
  if (given_up)
    {
      g_printerr ("cls-bench-slice: the window was never shown\n");
      return 1;
    }
  g_source_remove (guard);
  /* Let the first on-screen frames go by; make the views square. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  {
    GtkWidget *axial = GTK_WIDGET (cls_tri_planar_get_view (views, CLS_SLICE_PLANE_AXIAL));
    int extra = gtk_widget_get_height (axial) - VIEW_SIZE_PX;
    int window_w, window_h;

    gtk_window_get_default_size (window, &window_w, &window_h);
    if (extra != 0 && window_h - extra > 0)
      {
        gtk_window_set_default_size (window, window_w, window_h - extra);
        guard = g_timeout_add_seconds (10, give_up_cb, &given_up);
        while (!given_up && gtk_widget_get_height (axial) != VIEW_SIZE_PX)
          g_main_context_iteration (NULL, TRUE);
        if (!given_up)
          g_source_remove (guard);
        while (g_main_context_iteration (NULL, FALSE))
          ;
      }
  }

  {
    ClsSliceView *axial = cls_tri_planar_get_view (views, CLS_SLICE_PLANE_AXIAL);

    scale = gtk_widget_get_scale_factor (GTK_WIDGET (axial));
    view_w = gtk_widget_get_width (GTK_WIDGET (axial)) * scale;
    view_h = gtk_widget_get_height (GTK_WIDGET (axial)) * scale;
    gtk_gl_area_make_current (GTK_GL_AREA (axial));
    if (gtk_gl_area_get_error (GTK_GL_AREA (axial)) != NULL)
      {
        g_printerr ("cls-bench-slice: no OpenGL: %s\n", gtk_gl_area_get_error (GTK_GL_AREA (axial))->message);
        return 1;
      }
    renderer = (const char *) glGetString (GL_RENDERER);
    version = (const char *) glGetString (GL_VERSION);
  }

  if (!cls_tri_planar_measure_frames (views, (guint) opt.frames, CLS_FRAME_CHANGE_SLICES, &slices, &error) ||
      !cls_tri_planar_measure_frames (views, (guint) opt.frames, CLS_FRAME_CHANGE_CUT, &cut, &error))
    {
      g_printerr ("cls-bench-slice: %s\n", error->message);
      return 1;
    }

  printf ("Slice views: %s (OpenGL %s), %u cores\n", renderer, version, g_get_num_processors ());
  printf ("Case %" PRId64 "×%" PRId64 "×%" PRId64
          " float32 with a label; three views of %d×%d device pixels; medians of %d frames\n\n",
          dims[0], dims[1], dims[2], view_w, view_h, opt.frames);
  printf ("%-40s %14s %14s\n", "frame of the three views", "median wall ms", "median CPU ms");
  printf ("%-40s %14.2f %14.2f\n", "new slice in every view (full frame)", slices.wall_ms, slices.cpu_ms);
  printf ("%-40s %14.2f %14.2f\n", "new cut only (slider move)", cut.wall_ms, cut.cpu_ms);
  printf ("\n");

  json = cls_json_writer_new (TRUE);
  cls_json_writer_begin_object (json);
  cls_json_writer_member (json, "version");
  cls_json_writer_string (json, PACKAGE_VERSION);
  cls_json_writer_member (json, "renderer");
  cls_json_writer_string (json, renderer);
  cls_json_writer_member (json, "gl_version");
  cls_json_writer_string (json, version);
  cls_json_writer_member (json, "cores");
  cls_json_writer_uint (json, g_get_num_processors ());
  cls_json_writer_member (json, "dims");
  cls_json_writer_begin_array (json);
  for (int i = 0; i < 3; i++)
    cls_json_writer_int (json, dims[i]);
  cls_json_writer_end_array (json);
  cls_json_writer_member (json, "view_px");
  cls_json_writer_begin_array (json);
  cls_json_writer_int (json, view_w);
  cls_json_writer_int (json, view_h);
  cls_json_writer_end_array (json);
  cls_json_writer_member (json, "frames");
  cls_json_writer_int (json, opt.frames);
  write_json_median (json, "slices", &slices);
  write_json_median (json, "cut", &cut);
  cls_json_writer_end_object (json);
  doc = cls_json_writer_finish (json);
  cls_json_writer_free (json);
  fputs (doc, stdout);
  if (opt.json != NULL && !cls_atomic_write (opt.json, doc, strlen (doc), &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  gtk_window_destroy (window);
  return 0;
}
