/* cls-slice-test.h: what the slice view tests share (header only)
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The app tests run under a virtual X server. Without a display, or without
 * an OpenGL context there, they skip with the reason instead of failing; a
 * shader that does not build fails them.
 */
#pragma once

#include <string.h>

#include <gtk/gtk.h>

#include "cls-slice-view.h"

/* Whether GTK found a display; say why not. GTK is initialised once: a
 * second gtk_init_check() after a failed one is not safe. */
static inline gboolean
cls_slice_test_init_display (void)
{
  static int state = 0;   /* 0: not tried, 1: a display, -1: none */

  if (state == 0)
    {
      /* A virtual X server has no session bus: no accessibility bus, no dconf. */
      g_setenv ("GTK_A11Y", "none", FALSE);
      g_setenv ("GSETTINGS_BACKEND", "memory", FALSE);
      state = gtk_init_check () ? 1 : -1;
    }
  if (state > 0)
    return TRUE;
  g_test_skip ("no display: run the app tests under xvfb-run");
  return FALSE;
}

static inline gboolean
cls_slice_test_give_up_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Puts @child in a window of @width x @height and waits until @view is on
 * screen. Returns the window, or NULL (the test skipped) when the view has
 * no OpenGL. */
static inline GtkWindow *
cls_slice_test_show (GtkWidget    *child,
                     ClsSliceView *view,
                     int           width,
                     int           height)
{
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());
  gboolean given_up = FALSE;
  guint guard;
  GError *gl_error;

  gtk_window_set_default_size (window, width, height);
  gtk_window_set_child (window, child);
  gtk_window_present (window);

  /* A guard against a display that never maps the window, not a timing. */
  guard = g_timeout_add_seconds (60, cls_slice_test_give_up_cb, &given_up);
  while (!given_up && (!gtk_widget_get_mapped (GTK_WIDGET (view)) ||
                       gtk_widget_get_width (GTK_WIDGET (view)) <= 0))
    g_main_context_iteration (NULL, TRUE);
  if (!given_up)
    g_source_remove (guard);
  g_assert_false (given_up);

  /* No OpenGL skips; our shaders failing to build is a failure. */
  gl_error = gtk_gl_area_get_error (GTK_GL_AREA (view));
  if (gl_error != NULL &&
      (g_error_matches (gl_error, GDK_GL_ERROR, GDK_GL_ERROR_COMPILATION_FAILED) ||
       g_error_matches (gl_error, GDK_GL_ERROR, GDK_GL_ERROR_LINK_FAILED)))
    g_error ("%s", gl_error->message);
  if (gl_error != NULL)
    {
      g_autofree char *reason = g_strdup_printf ("no OpenGL: %s", gl_error->message);

      g_test_skip (reason);
      gtk_window_destroy (window);
      return NULL;
    }
  return window;
}

/* Lets pending idles (messages, renders) run. */
static inline void
cls_slice_test_settle (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

typedef struct {
  int     width;
  int     height;
  gsize   stride;
  guint8 *data;   /* cairo ARGB32: B, G, R, A in memory on little endian */
} ClsSliceTestPixels;

static inline void
cls_slice_test_pixels_clear (ClsSliceTestPixels *pixels)
{
  g_clear_pointer (&pixels->data, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ClsSliceTestPixels, cls_slice_test_pixels_clear)

static inline void
cls_slice_test_download (GdkTexture         *texture,
                         ClsSliceTestPixels *pixels)
{
  pixels->width = gdk_texture_get_width (texture);
  pixels->height = gdk_texture_get_height (texture);
  pixels->stride = (gsize) pixels->width * 4;
  pixels->data = g_malloc ((gsize) pixels->height * pixels->stride);
  gdk_texture_download (texture, pixels->data, pixels->stride);
}

/* The colour at texture pixel (x, y), as 0-255 red, green, blue. */
static inline void
cls_slice_test_rgb (const ClsSliceTestPixels *pixels,
                    int                       x,
                    int                       y,
                    int                       rgb[3])
{
  guint32 argb;

  g_assert_cmpint (x, >=, 0);
  g_assert_cmpint (y, >=, 0);
  g_assert_cmpint (x, <, pixels->width);
  g_assert_cmpint (y, <, pixels->height);
  memcpy (&argb, pixels->data + (gsize) y * pixels->stride + (gsize) x * 4, 4);
  rgb[0] = (argb >> 16) & 0xff;
  rgb[1] = (argb >> 8) & 0xff;
  rgb[2] = argb & 0xff;
}
