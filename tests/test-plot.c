/* test-plot.c: ticks, the six panels drawn where the data say, hover
 * readouts, sweeps and atomic figure files
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "cls-error.h"
#include "cls-plot-panels.h"
#include "cls-test-util.h"

/* ------------------------------------------------------------------------ */
/* Pixels                                                                     */

typedef struct {
  cairo_surface_t *surface;
  ClsPlotArea      area;
  ClsPlotStyle     style;
} Image;

static void
image_clear (Image *img)
{
  g_clear_pointer (&img->surface, cairo_surface_destroy);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Image, image_clear)

static void
assert_same_area (const ClsPlotArea *a,
                  const ClsPlotArea *b)
{
  g_assert_cmpfloat (a->x, ==, b->x);
  g_assert_cmpfloat (a->y, ==, b->y);
  g_assert_cmpfloat (a->width, ==, b->width);
  g_assert_cmpfloat (a->height, ==, b->height);
  g_assert_cmpfloat (a->x_lo, ==, b->x_lo);
  g_assert_cmpfloat (a->y_hi, ==, b->y_hi);
  g_assert_cmpuint (a->x_decimals, ==, b->x_decimals);
  g_assert_cmpuint (a->y_decimals, ==, b->y_decimals);
}

/* Draws @plot on an image; the area it reports must be the one that
 * cls_plot_compute_area() predicts without drawing. */
static void
render (const ClsPlot *plot,
        gboolean       dark,
        int            width,
        int            height,
        Image         *img)
{
  ClsPlotArea predicted;
  cairo_t *cr;

  if (dark)
    cls_plot_style_init_dark (&img->style);
  else
    cls_plot_style_init_light (&img->style);

  img->surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cr = cairo_create (img->surface);
  cls_plot_draw (plot, cr, width, height, &img->style, &img->area);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  cairo_destroy (cr);
  cairo_surface_flush (img->surface);

  cls_plot_compute_area (plot, &img->style, width, height, &predicted);
  assert_same_area (&predicted, &img->area);

  g_assert_cmpfloat (img->area.width, >, width * 0.5);
  g_assert_cmpfloat (img->area.height, >, height * 0.5);

  if (g_getenv ("CLS_TEST_PLOT_DIR") != NULL)  /* for looking at them */
    {
      static guint count;
      g_autofree char *name = g_strdup_printf ("plot-%02u.png", count++);
      g_autofree char *path = g_build_filename (g_getenv ("CLS_TEST_PLOT_DIR"), name, NULL);

      cairo_surface_write_to_png (img->surface, path);
    }
}

static ClsPlotColor
pixel (const Image *img,
       int          x,
       int          y)
{
  cairo_surface_t *s = img->surface;
  const guint8 *data = cairo_image_surface_get_data (s);
  int stride = cairo_image_surface_get_stride (s);
  guint32 v;

  g_assert_cmpint (x, >=, 0);
  g_assert_cmpint (y, >=, 0);
  g_assert_cmpint (x, <, cairo_image_surface_get_width (s));
  g_assert_cmpint (y, <, cairo_image_surface_get_height (s));

  memcpy (&v, data + (gsize) y * stride + 4 * x, 4);
  g_assert_cmpuint (v >> 24, ==, 255);  /* the background is opaque */

  return (ClsPlotColor) { ((v >> 16) & 255) / 255.0, ((v >> 8) & 255) / 255.0,
                          (v & 255) / 255.0, 1 };
}

static gboolean
close_to (ClsPlotColor a,
          ClsPlotColor b)
{
  return fabs (a.red - b.red) < 0.12 && fabs (a.green - b.green) < 0.12 &&
         fabs (a.blue - b.blue) < 0.12;
}

static ClsPlotColor
ink (const Image *img,
     guint        which)
{
  ClsPlotColor c;

  cls_plot_style_resolve_ink (&img->style, which, &c);
  return c;
}

static void
to_device (const Image *img,
           double       x,
           double       y,
           double      *dx,
           double      *dy)
{
  cls_plot_data_to_device (&img->area, x, y, dx, dy);
}

/* Whether @color is within one pixel of (dx, dy). */
static gboolean
color_near (const Image  *img,
            double        dx,
            double        dy,
            ClsPlotColor  color)
{
  for (int j = -1; j <= 1; j++)
    for (int i = -1; i <= 1; i++)
      if (close_to (pixel (img, (int) floor (dx) + i, (int) floor (dy) + j), color))
        return TRUE;
  return FALSE;
}

/* The share of the data segment (x0, y0)–(x1, y1) along which @color is
 * drawn (a pixel either side counts). */
static double
share_along (const Image  *img,
             double        x0,
             double        y0,
             double        x1,
             double        y1,
             ClsPlotColor  color)
{
  double ax, ay, bx, by;
  guint steps, hits = 0;

  to_device (img, x0, y0, &ax, &ay);
  to_device (img, x1, y1, &bx, &by);
  steps = (guint) MAX (hypot (bx - ax, by - ay), 1);

  for (guint s = 0; s <= steps; s++)
    hits += color_near (img, ax + (bx - ax) * s / steps, ay + (by - ay) * s / steps, color);

  return (double) hits / (steps + 1);
}

/* ------------------------------------------------------------------------ */
/* Ticks                                                                      */

static void
assert_ticks (double        lo,
              double        hi,
              guint         target,
              const double *expected,
              guint         n,
              const char  **labels)
{
  ClsPlotTicks ticks;

  g_assert_true (cls_plot_ticks_compute (lo, hi, target, &ticks));
  g_assert_cmpuint (ticks.n, ==, n);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *label = cls_plot_ticks_format (&ticks, i);

      /* The double nearest to the round decimal, not an accumulated sum. */
      g_assert_cmpfloat (cls_plot_ticks_get (&ticks, i), ==, expected[i]);
      if (labels != NULL)
        g_assert_cmpstr (label, ==, labels[i]);
    }
}

static void
assert_prefix (const char *text,
               const char *prefix)
{
  g_autofree char *head = g_strndup (text, strlen (prefix));

  g_assert_cmpstr (head, ==, prefix);
}

static void
test_ticks_known (void)
{
  const double unit[] = { 0, 0.2, 0.4, 0.6, 0.8, 1 };
  const char *unit_labels[] = { "0.0", "0.2", "0.4", "0.6", "0.8", "1.0" };
  const double inner[] = { 0.2, 0.4, 0.6, 0.8 };
  const double wide[] = { -500, 0, 500, 1000 };
  const char *wide_labels[] = { "−500", "0", "500", "1000" };
  const double tenths[] = { 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7 };
  const char *tenths_labels[] = { "0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7" };
  const double small[] = { -0.04, -0.02, 0, 0.02, 0.04 };
  ClsPlotTicks ticks;

  assert_ticks (0, 1, 5, unit, G_N_ELEMENTS (unit), unit_labels);
  assert_ticks (0.03, 0.97, 5, inner, G_N_ELEMENTS (inner), NULL);
  assert_ticks (-500, 1400, 5, wide, G_N_ELEMENTS (wide), wide_labels);
  assert_ticks (1400, -500, 5, wide, G_N_ELEMENTS (wide), wide_labels);
  assert_ticks (0.05, 0.7, 8, tenths, G_N_ELEMENTS (tenths), tenths_labels);
  assert_ticks (-0.05, 0.05, 5, small, G_N_ELEMENTS (small), NULL);

  /* An empty range still gets ticks around its value. */
  g_assert_true (cls_plot_ticks_compute (0, 0, 5, &ticks));
  g_assert_cmpuint (ticks.n, >=, 1);
  {
    gboolean has_zero = FALSE;

    for (guint i = 0; i < ticks.n; i++)
      {
        g_assert_true (isfinite (cls_plot_ticks_get (&ticks, i)));
        has_zero |= cls_plot_ticks_get (&ticks, i) == 0;
      }
    g_assert_true (has_zero);
  }
  g_assert_true (cls_plot_ticks_compute (0.9, 0.9, 5, &ticks));
  g_assert_cmpfloat (cls_plot_ticks_get (&ticks, 0), <=, 0.9);
  g_assert_cmpfloat (cls_plot_ticks_get (&ticks, ticks.n - 1), >=, 0.9);

  g_assert_false (cls_plot_ticks_compute (NAN, 1, 5, &ticks));
  g_assert_false (cls_plot_ticks_compute (0, INFINITY, 5, &ticks));
  g_assert_cmpuint (ticks.n, ==, 0);
}

static gboolean
is_round_step (double step)
{
  double e = floor (log10 (step) + 1e-9);
  double m = step / pow (10, e);

  return fabs (m - 1) < 1e-9 || fabs (m - 2) < 1e-9 || fabs (m - 5) < 1e-9;
}

/* Any range: ticks inside it, evenly spaced by 1, 2 or 5 × 10^k, about as
 * many as asked, and labels that read back as the tick values. */
static void
test_ticks_random (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed ((guint32) cls_test_seed ());

  for (guint iter = 0; iter < 2000; iter++)
    {
      double scale = pow (10, g_rand_double_range (rand, -6, 6));
      double lo = g_rand_double_range (rand, -1, 1) * scale;
      double hi = lo + g_rand_double_range (rand, 1e-3, 2) * scale;
      guint target = g_rand_int_range (rand, 2, 11);
      ClsPlotTicks ticks;
      double step;

      g_assert_true (cls_plot_ticks_compute (lo, hi, target, &ticks));
      step = cls_plot_ticks_step (&ticks);
      g_assert_true (is_round_step (step));
      g_assert_cmpuint (ticks.n, >=, MAX (1, target / 3));
      g_assert_cmpuint (ticks.n, <=, target * 2 + 2);

      for (guint i = 0; i < ticks.n; i++)
        {
          double v = cls_plot_ticks_get (&ticks, i);
          g_autofree char *label = cls_plot_ticks_format (&ticks, i);
          g_autofree char *ascii = NULL;
          g_auto(GStrv) parts = NULL;

          g_assert_cmpfloat (v, >=, lo - step * 1e-6);
          g_assert_cmpfloat (v, <=, hi + step * 1e-6);
          if (i > 0)
            g_assert_cmpfloat_with_epsilon (v - cls_plot_ticks_get (&ticks, i - 1), step, step * 1e-6);

          parts = g_strsplit (label, "−", -1);
          ascii = g_strjoinv ("-", parts);
          g_assert_cmpfloat_with_epsilon (g_ascii_strtod (ascii, NULL), v, step * 1e-6);
        }
    }
}

static void
test_nice_range (void)
{
  double lo, hi;

  cls_plot_nice_range (0.03, 0.97, 5, &lo, &hi);
  g_assert_cmpfloat (lo, ==, 0);
  g_assert_cmpfloat (hi, ==, 1);

  cls_plot_nice_range (-480, 1390, 5, &lo, &hi);
  g_assert_cmpfloat (lo, ==, -500);
  g_assert_cmpfloat (hi, ==, 1500);

  cls_plot_nice_range (0, 0, 5, &lo, &hi);
  g_assert_cmpfloat (lo, <, 0);
  g_assert_cmpfloat (hi, >, 0);

  cls_plot_nice_range (NAN, NAN, 5, &lo, &hi);
  g_assert_cmpfloat (lo, <, hi);
}

static void
test_format_number (void)
{
  g_autofree char *a = cls_plot_format_number (-0.001, 2);
  g_autofree char *b = cls_plot_format_number (-0.25, 2);
  g_autofree char *c = cls_plot_format_number (0.62, 2);
  g_autofree char *d = cls_plot_format_number (1400, 0);

  g_assert_cmpstr (a, ==, "0.00");   /* never "−0.00" */
  g_assert_cmpstr (b, ==, "−0.25");
  g_assert_cmpstr (c, ==, "0.62");
  g_assert_cmpstr (d, ==, "1400");
}

static void
test_histogram (void)
{
  const double v[] = { 0, 0.05, 0.1, 0.15, 0.999, 1, NAN, -0.1, 1.1, 0.5 };
  double counts[4];

  cls_plot_histogram (v, G_N_ELEMENTS (v), 0, 1, 4, counts);
  /* [0, .25): 0 .05 .1 .15; [.5, .75): .5; the last bin holds 1 */
  g_assert_cmpfloat (counts[0], ==, 4);
  g_assert_cmpfloat (counts[1], ==, 0);
  g_assert_cmpfloat (counts[2], ==, 1);
  g_assert_cmpfloat (counts[3], ==, 2);
}

/* ------------------------------------------------------------------------ */
/* (a) loss curve                                                             */

#define LOSS_G 20

/* A case with 20 lesion voxels at 0.013, 0.063, …, 0.963 and 80 background
 * voxels at 0.1. */
static ClsCaseSummary *
loss_case (double *lesion_probs)
{
  double probs[100];
  guint8 lesion[100] = { 0 };

  for (guint i = 0; i < 100; i++)
    {
      lesion[i] = i < LOSS_G;
      probs[i] = i < LOSS_G ? 0.05 * i + 0.013 : 0.1;
      if (i < LOSS_G)
        lesion_probs[i] = probs[i];
    }

  return cls_test_summary_new ("case_a", probs, lesion, 100);
}

static double
brute_fnr (const double *lesion_probs,
           guint         g,
           double        t)
{
  guint missed = 0;

  for (guint i = 0; i < g; i++)
    missed += lesion_probs[i] < 1 - t;
  return (double) missed / g;
}

/* The corners are exact counts over G, and between corners the curve equals
 * cls_case_fnr() at the cut 1 − t; ties and probabilities of 0 and 1. */
static void
test_loss_points (void)
{
  const double probs[] = { 1, 1, 0.7, 0.7, 0.7, 0.3, 0, 0.2, 0.5, 0.9 };
  const guint8 lesion[] = { 1, 1, 1, 1, 1, 1, 1, 0, 0, 0 };
  g_autoptr(ClsCaseSummary) summary = cls_test_summary_new ("ties", probs, lesion, G_N_ELEMENTS (probs));
  g_autofree double *t = NULL;
  g_autofree double *fnr = NULL;
  guint n;

  cls_plot_panel_loss_points (summary, NULL, &t, &fnr, &n);

  /* t = 0: the two 1s are in; then 0.7 (×3) at t = 0.3, 0.3 at 0.7, 0 at 1 */
  g_assert_cmpuint (n, ==, 4);
  g_assert_cmpfloat (t[0], ==, 0);
  g_assert_cmpfloat (fnr[0], ==, 5.0 / 7);
  g_assert_cmpfloat_with_epsilon (t[1], 0.3, 1e-12);
  g_assert_cmpfloat (fnr[1], ==, 2.0 / 7);
  g_assert_cmpfloat_with_epsilon (t[2], 0.7, 1e-12);
  g_assert_cmpfloat (fnr[2], ==, 1.0 / 7);
  g_assert_cmpfloat (t[3], ==, 1);
  g_assert_cmpfloat (fnr[3], ==, 0);

  for (guint k = 0; k + 1 < n; k++)
    {
      double mid = (t[k] + t[k + 1]) / 2;

      g_assert_cmpfloat (cls_case_fnr (summary, NULL, 1 - mid), ==, fnr[k]);
    }

  /* A value map (normalisation) that halves every value moves the corners,
   * not the counts. */
  {
    ClsValueMap map = { 0, 2, TRUE };
    g_autofree double *t2 = NULL;
    g_autofree double *fnr2 = NULL;
    guint n2;

    cls_plot_panel_loss_points (summary, &map, &t2, &fnr2, &n2);
    g_assert_cmpuint (n2, ==, 5);
    g_assert_cmpfloat (t2[0], ==, 0);
    g_assert_cmpfloat (fnr2[0], ==, 1);          /* nothing reaches 1 */
    g_assert_cmpfloat (t2[1], ==, 0.5);          /* the 1s map to 0.5 */
    g_assert_cmpfloat (fnr2[1], ==, 5.0 / 7);
    g_assert_cmpfloat_with_epsilon (t2[2], 0.65, 1e-12);
    g_assert_cmpfloat (fnr2[2], ==, 2.0 / 7);
    g_assert_cmpfloat (t2[4], ==, 1);
    g_assert_cmpfloat (fnr2[4], ==, 0);
  }
}

static void
test_loss_panel (void)
{
  double lesion_probs[LOSS_G];
  g_autoptr(ClsCaseSummary) summary = loss_case (lesion_probs);
  ClsCalibrationParams params;
  ClsCaseScore score;
  g_autoptr(ClsPlot) plot = NULL;
  g_auto(Image) img = { 0 };
  double t_hat = 0.8, dx, dy;

  cls_calibration_params_init (&params);
  g_assert_true (cls_fraction_parse ("0.1", &params.epsilon, NULL));
  g_assert_true (cls_case_score (summary, &params, &score));
  /* m = 2 may be missed: the 18th largest, 0.113, is the cut */
  g_assert_cmpfloat (score.cut, ==, 0.05 * 2 + 0.013);

  plot = cls_plot_panel_loss (summary, CLS_NORMALIZE_NONE, 0.1, score.t, t_hat);
  render (plot, FALSE, 600, 450, &img);

  /* The ε line lies along FNR = 0.1 and nowhere near it. */
  g_assert_cmpfloat (share_along (&img, 0.02, 0.1, 0.45, 0.1, ink (&img, CLS_PLOT_INK_EPSILON)), >, 0.4);
  g_assert_cmpfloat (share_along (&img, 0.02, 0.16, 0.45, 0.16, ink (&img, CLS_PLOT_INK_EPSILON)), <, 0.05);
  g_assert_cmpfloat (share_along (&img, 0.02, 0.04, 0.45, 0.04, ink (&img, CLS_PLOT_INK_EPSILON)), <, 0.05);

  /* t̂ (solid), t_i and 0.5 (dashed) stand where they should. */
  g_assert_cmpfloat (share_along (&img, t_hat, 0.3, t_hat, 0.9, ink (&img, CLS_PLOT_INK_CALIBRATED)), >, 0.85);
  g_assert_cmpfloat (share_along (&img, t_hat + 0.03, 0.3, t_hat + 0.03, 0.9, ink (&img, CLS_PLOT_INK_CALIBRATED)), <, 0.05);
  g_assert_cmpfloat (share_along (&img, score.t, 0.3, score.t, 0.9, ink (&img, CLS_PLOT_INK_CASE)), >, 0.3);
  g_assert_cmpfloat (share_along (&img, 0.5, 0.6, 0.5, 0.9, ink (&img, CLS_PLOT_INK_FIXED)), >, 0.4);

  /* The curve: at t = 0.3 and 0.62 it is drawn at the brute-force FNR. */
  for (guint k = 0; k < 2; k++)
    {
      double t = k == 0 ? 0.3 : 0.62;

      to_device (&img, t, brute_fnr (lesion_probs, LOSS_G, t), &dx, &dy);
      g_assert_true (color_near (&img, dx, dy, img.style.fg));
      to_device (&img, t, brute_fnr (lesion_probs, LOSS_G, t) + 0.08, &dx, &dy);
      g_assert_false (color_near (&img, dx, dy, img.style.fg));
    }

  /* The background is the style's. */
  g_assert_true (close_to (pixel (&img, 1, 1), img.style.bg));
}

static void
test_loss_hover (void)
{
  double lesion_probs[LOSS_G];
  g_autoptr(ClsCaseSummary) summary = loss_case (lesion_probs);
  g_autoptr(ClsPlot) plot = cls_plot_panel_loss (summary, CLS_NORMALIZE_NONE, 0.1, NAN, 0.8);
  g_auto(Image) img = { 0 };
  g_autofree char *expected = NULL;
  g_autofree char *fnr_text = NULL;
  ClsPlotHit hit;
  double dx, dy;

  render (plot, FALSE, 600, 450, &img);

  /* Near the curve at t = 0.62: its value there. */
  fnr_text = cls_plot_format_number (brute_fnr (lesion_probs, LOSS_G, 0.62), 2);
  g_assert_cmpstr (fnr_text, ==, "0.40");
  expected = g_strdup_printf ("t = 0.62, FNR = %s", fnr_text);
  to_device (&img, 0.62, 0.4, &dx, &dy);
  g_assert_true (cls_plot_pick (plot, &img.area, dx, dy + 3, &hit));
  g_assert_cmpstr (hit.text, ==, expected);
  g_assert_cmpfloat_with_epsilon (hit.device_y, dy, 1e-9);
  cls_plot_hit_clear (&hit);

  /* On the t̂ line away from the curve. */
  to_device (&img, 0.8, 0.6, &dx, &dy);
  g_assert_true (cls_plot_pick (plot, &img.area, dx + 2, dy, &hit));
  g_assert_cmpstr (hit.text, ==, "t̂ = 0.80 (calibrated)");
  g_assert_cmpfloat (hit.x, ==, 0.8);
  cls_plot_hit_clear (&hit);

  /* On the ε line. */
  to_device (&img, 0.2, 0.1, &dx, &dy);
  g_assert_true (cls_plot_pick (plot, &img.area, dx, dy - 1, &hit));
  g_assert_cmpstr (hit.text, ==, "ε = 0.10");
  cls_plot_hit_clear (&hit);

  /* Outside the data area: nothing. */
  g_assert_false (cls_plot_pick (plot, &img.area, 1, 1, &hit));
  g_assert_null (hit.text);
}

/* A curve of 60000 corners is thinned for drawing, but is still drawn where
 * the data say and read out from every corner. */
static void
test_loss_many_corners (void)
{
  const guint g = 60000;
  g_autofree double *probs = g_new (double, g);
  g_autofree guint8 *lesion = g_new (guint8, g);
  g_autoptr(ClsCaseSummary) summary = NULL;
  g_autoptr(ClsPlot) plot = NULL;
  g_auto(Image) img = { 0 };
  g_autoptr(GRand) rand = g_rand_new_with_seed ((guint32) cls_test_seed ());

  for (guint i = 0; i < g; i++)
    {
      /* FNR(t) = (1 - t)^2 roughly: dense and curved */
      probs[i] = (float) sqrt (g_rand_double (rand));
      lesion[i] = 1;
    }
  summary = cls_test_summary_new ("many", probs, lesion, g);
  plot = cls_plot_panel_loss (summary, CLS_NORMALIZE_NONE, 0.1, NAN, NAN);
  render (plot, FALSE, 1200, 900, &img);

  for (guint k = 1; k < 10; k++)
    {
      double t = k / 10.0, dx, dy;
      g_autofree char *expected = NULL;
      g_autofree char *t_text = cls_plot_format_number (t + 0.001, 2);
      g_autofree char *fnr = cls_plot_format_number (brute_fnr (probs, g, t + 0.001), 2);
      ClsPlotHit hit;

      to_device (&img, t, brute_fnr (probs, g, t), &dx, &dy);
      g_assert_true (color_near (&img, dx, dy, img.style.fg));
      to_device (&img, t, brute_fnr (probs, g, t) + 0.05, &dx, &dy);
      g_assert_false (color_near (&img, dx, dy, img.style.fg));

      to_device (&img, t + 0.001, brute_fnr (probs, g, t + 0.001), &dx, &dy);
      g_assert_true (cls_plot_pick (plot, &img.area, dx, dy, &hit));
      expected = g_strdup_printf ("t = %s, FNR = %s", t_text, fnr);
      g_assert_cmpstr (hit.text, ==, expected);
      cls_plot_hit_clear (&hit);
    }
}

static void
test_loss_empty_case (void)
{
  const double probs[] = { 0.2, 0.9 };
  const guint8 lesion[] = { 0, 0 };
  g_autoptr(ClsCaseSummary) summary = cls_test_summary_new ("empty", probs, lesion, 2);
  g_autoptr(ClsPlot) plot = cls_plot_panel_loss (summary, CLS_NORMALIZE_NONE, 0.1, NAN, 0.7);
  g_auto(Image) img = { 0 };
  ClsPlotHit hit;
  double dx, dy;

  render (plot, FALSE, 400, 300, &img);
  to_device (&img, 0.5, 0.5, &dx, &dy);
  g_assert_false (cls_plot_pick (plot, &img.area, dx, dy, &hit));
}

/* ------------------------------------------------------------------------ */
/* (b) thresholds                                                             */

static void
test_thresholds_panel (void)
{
  double t[22];
  g_autoptr(ClsPlot) plot = NULL;
  g_auto(Image) img = { 0 };
  ClsPlotColor bar, above;
  ClsPlotHit hit;
  double dx, dy, top;
  guint n = 0;

  /* 12 in [0.6, 0.7), 6 in [0.7, 0.8), 3 in [0.3, 0.4), 1 in [0, 0.1) */
  for (guint i = 0; i < 12; i++)
    t[n++] = 0.62 + i * 0.005;
  for (guint i = 0; i < 6; i++)
    t[n++] = 0.71;
  for (guint i = 0; i < 3; i++)
    t[n++] = 0.33;
  t[n++] = 0.05;

  plot = cls_plot_panel_thresholds (t, n, 0.55, NAN);
  render (plot, FALSE, 600, 450, &img);

  /* Inside the tallest bar near its top and bottom: the bar's colour;
   * just above its top: not. */
  to_device (&img, 0.65, 12 * 0.95, &dx, &dy);
  bar = pixel (&img, (int) dx, (int) dy);
  g_assert_false (close_to (bar, img.style.bg));
  to_device (&img, 0.65, 12 * 0.05, &dx, &dy);
  g_assert_true (close_to (pixel (&img, (int) dx, (int) dy), bar));
  to_device (&img, 0.65, 12, &dx, &top);
  above = pixel (&img, (int) dx, (int) top - 4);
  g_assert_false (close_to (above, bar));

  /* Half as many: half as tall. */
  to_device (&img, 0.75, 6 * 0.95, &dx, &dy);
  g_assert_true (close_to (pixel (&img, (int) dx, (int) dy), bar));
  to_device (&img, 0.75, 6, &dx, &dy);
  g_assert_false (close_to (pixel (&img, (int) dx, (int) dy - 4), bar));
  to_device (&img, 0.35, 3 * 0.9, &dx, &dy);
  g_assert_true (close_to (pixel (&img, (int) dx, (int) dy), bar));
  to_device (&img, 0.35, 3 * 1.25, &dx, &dy);
  g_assert_false (close_to (pixel (&img, (int) dx, (int) dy), bar));

  /* An empty bin has no bar. */
  to_device (&img, 0.15, 0.5, &dx, &dy);
  g_assert_false (close_to (pixel (&img, (int) dx, (int) dy), bar));

  /* t̂ and 0.5 are marked. */
  g_assert_cmpfloat (share_along (&img, 0.55, 8, 0.55, 11, ink (&img, CLS_PLOT_INK_CALIBRATED)), >, 0.85);
  g_assert_cmpfloat (share_along (&img, 0.5, 8, 0.5, 11, ink (&img, CLS_PLOT_INK_FIXED)), >, 0.4);

  /* The readout of a bar names its bin and count. */
  to_device (&img, 0.65, 6, &dx, &dy);
  g_assert_true (cls_plot_pick (plot, &img.area, dx, dy, &hit));
  g_assert_cmpstr (hit.text, ==, "tᵢ ∈ [0.60, 0.70): 12 cases");
  cls_plot_hit_clear (&hit);
}

static void
test_thresholds_from_calibration (void)
{
  g_autoptr(GPtrArray) cases = g_ptr_array_new_with_free_func ((GDestroyNotify) cls_case_summary_unref);
  g_autoptr(ClsCalibration) cal = NULL;
  g_autoptr(ClsPlot) plot = NULL;
  ClsCalibrationParams params;
  g_auto(Image) img = { 0 };

  for (guint i = 0; i < 12; i++)
    {
      double lesion_probs[LOSS_G];
      g_ptr_array_add (cases, loss_case (lesion_probs));
    }
  cls_calibration_params_init (&params);
  g_assert_true (cls_fraction_parse ("0.1", &params.epsilon, NULL));
  g_assert_true (cls_fraction_parse ("0.2", &params.alpha, NULL));
  cal = cls_calibration_new ((ClsCaseSummary **) cases->pdata, cases->len, &params, NULL);
  g_assert_nonnull (cal);

  plot = cls_plot_panel_thresholds_for_calibration (cal, 3);
  render (plot, FALSE, 400, 300, &img);
  /* All twelve t_i are equal: one bar of 12, with t̂ and the case on it. */
  g_assert_cmpfloat (share_along (&img, cls_calibration_get_t_hat (cal), 2, cls_calibration_get_t_hat (cal), 6,
                                  ink (&img, CLS_PLOT_INK_CALIBRATED)), >, 0.85);

  g_clear_pointer (&plot, cls_plot_unref);
  plot = cls_plot_panel_loss_for_case (cal, 3);
  g_assert_nonnull (plot);
  g_clear_pointer (&plot, cls_plot_unref);
  plot = cls_plot_panel_fnr_for_calibration (cal);
  g_assert_nonnull (plot);
}

/* ------------------------------------------------------------------------ */
/* (c), (d), (f): sweeps                                                      */

static ClsSweep *
made_up_sweep (ClsSweepKind kind,
               double       ecr,
               double       pc)
{
  ClsSweep *sweep = cls_sweep_new (kind, 10);

  for (guint i = 0; i < sweep->n_points; i++)
    {
      ClsSweepPoint *pt = &sweep->points[i];

      pt->x = kind == CLS_SWEEP_ALPHA ? 0.05 * (i + 1) : 0.1 * (i + 1);
      pt->n_cal = 50;
      pt->n_test = 50;
      pt->rank = 45;
      pt->feasible = i + 1 < sweep->n_points;
      pt->ecr_calibrated = (ClsStat) { ecr, 0.01 };
      pt->ecr_fixed = (ClsStat) { 0.3, 0.02 };
      pt->pc_calibrated = (ClsStat) { pc * (1 + 0.1 * (10 - i)), 0 };
      pt->pc_fixed = (ClsStat) { pc, 0 };
      pt->theory_mean = 0.96;
      pt->theory_lo = 0.93;
      pt->theory_hi = 0.99;
    }

  return sweep;
}

static void
test_ecr_alpha_panel (void)
{
  g_autoptr(ClsSweep) sweep = made_up_sweep (CLS_SWEEP_ALPHA, 0.97, 0.01);
  g_autoptr(ClsPlot) plot = cls_plot_panel_ecr_alpha (sweep, "model <1>");
  g_auto(Image) img = { 0 };
  ClsPlotHit hit;
  double dx, dy;

  render (plot, FALSE, 640, 480, &img);

  /* The dashed 1 − α line passes through (α, 1 − α), and not 0.08 below. */
  for (guint k = 0; k < 4; k++)
    {
      double a = 0.15 + 0.1 * k;

      g_assert_cmpfloat (share_along (&img, a - 0.02, 1 - a + 0.02, a + 0.02, 1 - a - 0.02, img.style.fg), >, 0.4);
      g_assert_cmpfloat (share_along (&img, a - 0.02, 0.92 - a, a + 0.02, 0.88 - a, img.style.fg), <, 0.05);
    }

  /* ECR at t̂: filled orange markers; the infeasible last one is open. */
  to_device (&img, 0.2, 0.97, &dx, &dy);
  g_assert_true (close_to (pixel (&img, (int) round (dx), (int) round (dy)), ink (&img, CLS_PLOT_INK_CALIBRATED)));
  to_device (&img, 0.5, 0.97, &dx, &dy);
  g_assert_true (close_to (pixel (&img, (int) round (dx), (int) round (dy)), img.style.bg));
  /* ECR at 0.5: blue markers. */
  to_device (&img, 0.2, 0.3, &dx, &dy);
  g_assert_true (close_to (pixel (&img, (int) round (dx), (int) round (dy)), ink (&img, CLS_PLOT_INK_FIXED)));

  /* The readout of a point. */
  to_device (&img, 0.2, 0.97, &dx, &dy);
  g_assert_true (cls_plot_pick (plot, &img.area, dx + 1, dy, &hit));
  assert_prefix (hit.text, "at t̂ (mean ± sd): α = 0.20, ECR = 0.97 ± 0.01 (n_cal = 50");
  cls_plot_hit_clear (&hit);
  to_device (&img, 0.5, 0.97, &dx, &dy);
  g_assert_true (cls_plot_pick (plot, &img.area, dx, dy, &hit));
  g_assert_nonnull (strstr (hit.text, "too small"));
  cls_plot_hit_clear (&hit);

  /* The title escapes the model's name. */
  g_assert_nonnull (strstr (cls_plot_get_title (plot), "model &lt;1&gt;"));
}

static void
test_ecr_fraction_panel (void)
{
  g_autoptr(ClsSweep) sweep = made_up_sweep (CLS_SWEEP_CAL_FRACTION, 0.97, 0.01);
  g_autoptr(ClsPlot) plot = NULL;
  g_auto(Image) img = { 0 };

  g_assert_true (cls_fraction_parse ("0.2", &sweep->params.alpha, NULL));
  plot = cls_plot_panel_ecr_fraction (sweep, NULL);
  render (plot, FALSE, 640, 480, &img);

  /* 1 − α = 0.8 is a horizontal dashed line. */
  g_assert_cmpfloat (share_along (&img, 0.15, 0.8, 0.85, 0.8, img.style.fg), >, 0.4);
  g_assert_cmpfloat (share_along (&img, 0.15, 0.75, 0.85, 0.75, img.style.fg), <, 0.05);
}

static void
test_pc_alpha_panel (void)
{
  g_autoptr(ClsSweep) a = made_up_sweep (CLS_SWEEP_ALPHA, 0.9, 0.01);
  g_autoptr(ClsSweep) b = made_up_sweep (CLS_SWEEP_ALPHA, 0.9, 0.02);
  ClsSweep *sweeps[] = { a, b };
  const char *models[] = { "alpha", "beta" };
  g_autoptr(ClsPlot) plot = cls_plot_panel_pc_alpha (sweeps, models, 2);
  g_auto(Image) img = { 0 };
  ClsPlotHit hit;
  double dx, dy;

  render (plot, FALSE, 640, 480, &img);

  /* PC in percent; each model its own colour. */
  to_device (&img, 0.25, 100 * a->points[4].pc_calibrated.mean, &dx, &dy);
  g_assert_true (close_to (pixel (&img, (int) round (dx), (int) round (dy)), ink (&img, CLS_PLOT_INK_SERIES)));
  to_device (&img, 0.25, 100 * b->points[4].pc_calibrated.mean, &dx, &dy);
  g_assert_true (close_to (pixel (&img, (int) round (dx), (int) round (dy)), ink (&img, CLS_PLOT_INK_SERIES + 1)));

  g_assert_true (cls_plot_pick (plot, &img.area, dx, dy, &hit));
  assert_prefix (hit.text, "beta: α = 0.25, PC (%) = ");
  cls_plot_hit_clear (&hit);
}

/* ------------------------------------------------------------------------ */
/* (e) FNR distribution                                                       */

static void
test_fnr_panel (void)
{
  double fixed[30], calibrated[30];
  g_autoptr(ClsPlot) plot = NULL;
  g_auto(Image) img = { 0 };
  ClsPlotColor c;
  double dy, x0, x1;

  for (guint i = 0; i < 30; i++)
    {
      fixed[i] = 0.42;
      calibrated[i] = i < 27 ? 0.02 : 0.12;
    }
  fixed[0] = NAN;  /* an empty mask takes no part */

  plot = cls_plot_panel_fnr (fixed, calibrated, 30, 0.1, 0.7);
  render (plot, FALSE, 640, 480, &img);

  /* Bins of 0.05; FNR at 0.5 in the left half of each bin, at t̂ in the right. */
  to_device (&img, 0.4, 14, &x0, &dy);
  to_device (&img, 0.45, 14, &x1, NULL);
  c = pixel (&img, (int) (x0 + (x1 - x0) * 0.3), (int) dy);
  g_assert_cmpfloat (c.blue, >, c.red + 0.2);
  c = pixel (&img, (int) (x0 + (x1 - x0) * 0.7), (int) dy);
  g_assert_false (c.red > c.blue + 0.3);
  to_device (&img, 0, 26, &x0, &dy);
  to_device (&img, 0.05, 26, &x1, NULL);
  c = pixel (&img, (int) (x0 + (x1 - x0) * 0.7), (int) dy);
  g_assert_cmpfloat (c.red, >, c.blue + 0.3);
  c = pixel (&img, (int) (x0 + (x1 - x0) * 0.3), (int) dy);
  g_assert_false (c.blue > c.red + 0.2);

  /* 29 cases at 0.42: that bar reaches 29, not 30. */
  to_device (&img, 0.4, 28.5, &x0, &dy);
  to_device (&img, 0.45, 28.5, &x1, NULL);
  c = pixel (&img, (int) (x0 + (x1 - x0) * 0.3), (int) dy);
  g_assert_cmpfloat (c.blue, >, c.red + 0.2);
  to_device (&img, 0.4, 29.6, NULL, &dy);
  c = pixel (&img, (int) (x0 + (x1 - x0) * 0.3), (int) dy);
  g_assert_false (c.blue > c.red + 0.2);

  /* ε is marked. */
  g_assert_cmpfloat (share_along (&img, 0.1, 5, 0.1, 20, ink (&img, CLS_PLOT_INK_EPSILON)), >, 0.4);
}

/* ------------------------------------------------------------------------ */
/* Style, sizes, odd input                                                    */

static double
luminance_of (ClsPlotColor c)
{
  return 0.2126 * c.red + 0.7152 * c.green + 0.0722 * c.blue;
}

static void
test_dark_and_sizes (void)
{
  double lesion_probs[LOSS_G];
  g_autoptr(ClsCaseSummary) summary = loss_case (lesion_probs);
  g_autoptr(ClsPlot) plot = cls_plot_panel_loss (summary, CLS_NORMALIZE_NONE, 0.1, NAN, 0.8);
  ClsPlotColor light_blue, dark_blue;

  {
    g_auto(Image) img = { 0 };

    render (plot, TRUE, 600, 450, &img);
    g_assert_true (close_to (pixel (&img, 1, 1), img.style.bg));
    dark_blue = ink (&img, CLS_PLOT_INK_FIXED);
    /* The curve is drawn in the light foreground. */
    g_assert_cmpfloat (share_along (&img, 0.8, 0.2, 0.8, 0.6, ink (&img, CLS_PLOT_INK_CALIBRATED)), >, 0.85);
  }
  {
    g_auto(Image) small = { 0 };
    g_auto(Image) large = { 0 };

    render (plot, FALSE, 400, 300, &small);
    render (plot, FALSE, 1200, 900, &large);
    light_blue = ink (&small, CLS_PLOT_INK_FIXED);
    /* Text grows with the figure, within readable bounds. */
    g_assert_cmpfloat (small.area.font_size, >=, 10);
    g_assert_cmpfloat (large.area.font_size, >, small.area.font_size * 2);
    g_assert_cmpfloat (large.area.font_size, <=, 28);
  }

  /* t = 0.5 stays blue but lighter on a dark background. */
  g_assert_cmpfloat (dark_blue.blue, >, dark_blue.red);
  g_assert_cmpfloat (luminance_of (dark_blue), >, luminance_of (light_blue));
}

static void
test_odd_input (void)
{
  const double x[] = { 0, NAN, 0.5, 1 };
  const double y[] = { 0.2, 0.4, NAN, 0.8 };
  g_autoptr(ClsPlot) plot = cls_plot_new ();
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 8, 8);
  cairo_t *cr = cairo_create (surface);
  ClsPlotStyle style;
  ClsPlotArea area;
  ClsPlotHit hit;
  guint item;

  cls_plot_style_init_light (&style);
  cls_plot_set_title (plot, "unbalanced <b>markup");  /* shown as text */
  cls_plot_set_x_axis (plot, NULL, 1, 1);             /* widened */
  cls_plot_set_y_axis (plot, "y", NAN, NAN);
  item = cls_plot_add_line (plot, CLS_PLOT_INK_SERIES + 7, x, y, 4);
  cls_plot_item_set_markers (plot, item, TRUE);
  cls_plot_add_band (plot, CLS_PLOT_INK_THEORY, x, y, y, 4);
  cls_plot_add_vline (plot, CLS_PLOT_INK_FG, NAN);
  cls_plot_add_step (plot, CLS_PLOT_INK_FG, NULL, NULL, 0);
  g_assert_cmpstr (cls_plot_get_title (plot), ==, "unbalanced &lt;b&gt;markup");

  /* A figure far too small still draws without trouble. */
  cls_plot_draw (plot, cr, 8, 8, &style, &area);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  cls_plot_pick (plot, &area, 4, 4, &hit);
  cls_plot_hit_clear (&hit);

  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

/* ------------------------------------------------------------------------ */
/* Files                                                                      */

static char *
read_file (const char *path,
           gsize      *len)
{
  char *data = NULL;

  g_assert_true (g_file_get_contents (path, &data, len, NULL));
  return data;
}

static guint
count_entries (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  guint n = 0;

  while (g_dir_read_name (d) != NULL)
    n++;
  return n;
}

static void
test_save (void)
{
  g_autofree char *dir = cls_test_make_tmpdir ();
  g_autofree char *png = g_build_filename (dir, "loss.png", NULL);
  g_autofree char *svg = g_build_filename (dir, "loss.SVG", NULL);
  g_autofree char *pdf = g_build_filename (dir, "loss.pdf", NULL);
  g_autofree char *txt = g_build_filename (dir, "loss.txt", NULL);
  g_autofree char *missing = g_build_filename (dir, "no-such-folder", "loss.png", NULL);
  double lesion_probs[LOSS_G];
  g_autoptr(ClsCaseSummary) summary = loss_case (lesion_probs);
  g_autoptr(ClsPlot) plot = cls_plot_panel_loss (summary, CLS_NORMALIZE_NONE, 0.1, NAN, 0.8);
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  cairo_surface_t *back;
  gsize len;

  /* An older file at the destination is replaced whole. */
  g_assert_true (g_file_set_contents (png, "old", -1, NULL));

  g_assert_true (cls_plot_save (plot, png, NULL, 400, 300, &error));
  g_assert_no_error (error);
  g_assert_true (cls_plot_save (plot, svg, NULL, 400, 300, &error));
  g_assert_no_error (error);
  g_assert_true (cls_plot_save (plot, pdf, NULL, 400, 300, &error));
  g_assert_no_error (error);

  data = read_file (png, &len);
  g_assert_cmpuint (len, >, 8);
  g_assert_cmpmem (data, 8, "\x89PNG\r\n\x1a\n", 8);
  back = cairo_image_surface_create_from_png (png);
  g_assert_cmpint (cairo_surface_status (back), ==, CAIRO_STATUS_SUCCESS);
  g_assert_cmpint (cairo_image_surface_get_width (back), ==, 400);
  g_assert_cmpint (cairo_image_surface_get_height (back), ==, 300);
  cairo_surface_destroy (back);
  g_clear_pointer (&data, g_free);

  data = read_file (svg, &len);
  g_assert_nonnull (g_strstr_len (data, len, "<svg"));
  g_assert_nonnull (g_strstr_len (data, len, "</svg>"));
  g_clear_pointer (&data, g_free);

  data = read_file (pdf, &len);
  g_assert_true (g_str_has_prefix (data, "%PDF"));
  g_assert_nonnull (memmem (data, len, "%%EOF", 5));
  g_clear_pointer (&data, g_free);

  /* No temporary files are left behind. */
  g_assert_cmpuint (count_entries (dir), ==, 3);

  /* A folder that does not exist: an error naming it, nothing written. */
  g_assert_false (cls_plot_save (plot, missing, NULL, 400, 300, &error));
  g_assert_error (error, CLS_ERROR, CLS_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "no-such-folder"));
  g_clear_error (&error);

  /* An unknown ending or a bad size: an error naming the file; the old file
   * survives. */
  g_assert_false (cls_plot_save (plot, txt, NULL, 400, 300, &error));
  g_assert_error (error, CLS_ERROR, CLS_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, txt));
  g_clear_error (&error);

  g_assert_false (cls_plot_save (plot, png, NULL, 0, 300, &error));
  g_assert_error (error, CLS_ERROR, CLS_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, png));
  g_clear_error (&error);
  data = read_file (png, &len);
  g_assert_cmpmem (data, 8, "\x89PNG\r\n\x1a\n", 8);

  g_assert_cmpuint (count_entries (dir), ==, 3);
  cls_test_rm_rf (dir);
}

/* ------------------------------------------------------------------------ */
/* Sweeps                                                                     */

static GPtrArray *
make_pool (guint n_cases)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed ((guint32) cls_test_seed ());
  GPtrArray *pool = g_ptr_array_new_with_free_func ((GDestroyNotify) cls_case_summary_unref);

  for (guint i = 0; i < n_cases; i++)
    {
      gsize n = g_rand_int_range (rand, 40, 120);
      gsize g = g_rand_int_range (rand, 1, 25);
      g_autofree double *p = g_new (double, n);
      g_autofree guint8 *l = g_new0 (guint8, n);
      g_autofree char *id = g_strdup_printf ("case_%03u", i);
      double shift = g_rand_double (rand) * 0.4;

      for (gsize v = 0; v < n; v++)
        {
          l[v] = v < g;
          p[v] = (float) (l[v] ? MIN (1.0, g_rand_double (rand) * 0.7 + shift) : g_rand_double (rand) * 0.6);
        }
      g_ptr_array_add (pool, cls_test_summary_new (id, p, l, n));
    }

  return pool;
}

typedef struct {
  guint   calls;
  guint64 last_done;
  guint64 total;
  GCancellable *cancel_after_first;
} Progress;

static void
on_progress (guint64     done,
             guint64     total,
             const char *message,
             gpointer    user_data)
{
  Progress *p = user_data;

  if (p->calls > 0)
    g_assert_cmpuint (done, >=, p->last_done);
  p->calls++;
  p->last_done = done;
  p->total = total;
  if (p->cancel_after_first != NULL && done >= 1)
    g_cancellable_cancel (p->cancel_after_first);
}

static void
test_sweep_alpha (void)
{
  g_autoptr(GPtrArray) pool = make_pool (40);
  g_autoptr(ClsEvaluator) evaluator = cls_evaluator_new ((ClsCaseSummary **) pool->pdata, pool->len);
  g_autoptr(ClsSweep) sweep = NULL;
  g_autoptr(GError) error = NULL;
  ClsCalibrationParams params;
  ClsEvaluationParams eval;
  Progress progress = { 0 };
  guint n;
  const double *alphas = cls_sweep_default_alphas (&n);

  cls_calibration_params_init (&params);
  cls_evaluation_params_init (&eval);
  g_assert_true (cls_fraction_parse ("0.1", &params.epsilon, NULL));
  eval.n_splits = 20;
  g_assert_cmpuint (n, ==, 10);
  g_assert_cmpfloat (alphas[0], ==, 0.05);
  g_assert_cmpfloat (alphas[n - 1], ==, 0.5);

  sweep = cls_sweep_alpha (evaluator, &params, &eval, alphas, n, on_progress, &progress, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sweep->n_points, ==, n);
  g_assert_cmpuint (progress.calls, ==, n + 1);
  g_assert_cmpuint (progress.last_done, ==, n);
  g_assert_cmpuint (progress.total, ==, n);

  /* Each point is the evaluation at its α, exactly. */
  for (guint i = 0; i < n; i++)
    {
      const ClsSweepPoint *pt = &sweep->points[i];
      g_autoptr(ClsEvaluation) ev = NULL;
      ClsCalibrationParams p = params;
      ClsStat ecr, pc;

      g_assert_true (cls_fraction_from_double (alphas[i], &p.alpha));
      ev = cls_evaluate ((ClsCaseSummary **) pool->pdata, pool->len, &p, &eval, &error);
      g_assert_no_error (error);
      ecr = cls_evaluation_get_stat (ev, CLS_SPLIT_FIELD (ecr_calibrated));
      pc = cls_evaluation_get_stat (ev, CLS_SPLIT_FIELD (pc_calibrated));

      g_assert_cmpfloat (pt->x, ==, alphas[i]);
      g_assert_cmpuint (pt->n_cal, ==, 20);
      g_assert_cmpuint (pt->rank, ==, cls_fraction_conformal_rank (p.alpha, 20));
      g_assert_cmpfloat (pt->ecr_calibrated.mean, ==, ecr.mean);
      g_assert_cmpfloat (pt->ecr_calibrated.std, ==, ecr.std);
      g_assert_cmpfloat (pt->pc_calibrated.mean, ==, pc.mean);
      g_assert_cmpfloat (pt->theory_mean, ==, cls_evaluation_get_theory_ecr (ev));
      g_assert_cmpfloat (pt->theory_lo, ==, cls_theory_ecr_quantile (pt->rank, 20, 20, CLS_SWEEP_BAND_LO));
      g_assert_cmpfloat (pt->theory_hi, ==, cls_theory_ecr_quantile (pt->rank, 20, 20, CLS_SWEEP_BAND_HI));
      g_assert_cmpfloat (pt->theory_lo, <=, pt->theory_mean);
      g_assert_cmpfloat (pt->theory_mean, <=, pt->theory_hi);
    }

  /* With n_cal = 20, α = 0.05 needs k = 20: feasible; ranks fall with α. */
  g_assert_true (sweep->points[0].feasible);
  for (guint i = 1; i < n; i++)
    g_assert_cmpuint (sweep->points[i].rank, <=, sweep->points[i - 1].rank);
}

static void
test_sweep_fraction (void)
{
  g_autoptr(GPtrArray) pool = make_pool (30);
  g_autoptr(ClsEvaluator) evaluator = cls_evaluator_new ((ClsCaseSummary **) pool->pdata, pool->len);
  g_autoptr(ClsSweep) sweep = NULL;
  g_autoptr(GError) error = NULL;
  ClsCalibrationParams params;
  ClsEvaluationParams eval;
  guint n;
  const double *fractions = cls_sweep_default_fractions (&n);

  cls_calibration_params_init (&params);
  cls_evaluation_params_init (&eval);
  eval.n_splits = 10;

  sweep = cls_sweep_cal_fraction (evaluator, &params, &eval, fractions, n, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sweep->kind, ==, CLS_SWEEP_CAL_FRACTION);
  g_assert_cmpuint (n, ==, 9);
  for (guint i = 0; i < n; i++)
    {
      g_assert_cmpuint (sweep->points[i].n_cal, ==, 3 * (i + 1));   /* floor(f · 30) */
      g_assert_cmpuint (sweep->points[i].n_cal + sweep->points[i].n_test, ==, 30);
    }

  /* A fraction that leaves no calibration case: the error says which. */
  {
    const double bad[] = { 0.5, 0.01 };
    g_autoptr(ClsSweep) none = cls_sweep_cal_fraction (evaluator, &params, &eval, bad, 2,
                                                       NULL, NULL, NULL, &error);

    g_assert_null (none);
    g_assert_error (error, CLS_ERROR, CLS_ERROR_INVALID_ARGUMENT);
    g_assert_nonnull (strstr (error->message, "0.01"));
    g_clear_error (&error);
  }

  {
    g_autoptr(ClsPlot) plot = cls_plot_panel_ecr_fraction (sweep, "m");
    g_auto(Image) img = { 0 };

    render (plot, FALSE, 500, 375, &img);
  }
}

static void
test_sweep_cancel (void)
{
  g_autoptr(GPtrArray) pool = make_pool (20);
  g_autoptr(ClsEvaluator) evaluator = cls_evaluator_new ((ClsCaseSummary **) pool->pdata, pool->len);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  ClsCalibrationParams params;
  ClsEvaluationParams eval;
  Progress progress = { 0 };
  ClsSweep *sweep;
  guint n;
  const double *alphas = cls_sweep_default_alphas (&n);

  cls_calibration_params_init (&params);
  cls_evaluation_params_init (&eval);
  eval.n_splits = 5;
  progress.cancel_after_first = cancellable;

  sweep = cls_sweep_alpha (evaluator, &params, &eval, alphas, n, on_progress, &progress, cancellable, &error);
  g_assert_null (sweep);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (progress.calls, ==, 2);
}

/* A worker thread sweeps and builds and draws a panel, as the app's GTask
 * does; the result equals the one made here. */
static ClsSweep *
sweep_and_draw (GPtrArray *pool,
                GBytes   **png)
{
  g_autoptr(ClsEvaluator) evaluator = cls_evaluator_new ((ClsCaseSummary **) pool->pdata, pool->len);
  g_autoptr(ClsPlot) plot = NULL;
  ClsCalibrationParams params;
  ClsEvaluationParams eval;
  ClsSweep *sweep;
  guint n;
  const double *alphas = cls_sweep_default_alphas (&n);

  cls_calibration_params_init (&params);
  cls_evaluation_params_init (&eval);
  eval.n_splits = 10;
  sweep = cls_sweep_alpha (evaluator, &params, &eval, alphas, n, NULL, NULL, NULL, NULL);
  g_assert_nonnull (sweep);
  plot = cls_plot_panel_ecr_alpha (sweep, "threaded");
  *png = cls_plot_render (plot, CLS_PLOT_FORMAT_PNG, NULL, 480, 360, NULL);
  g_assert_nonnull (*png);

  return sweep;
}

static gpointer
worker (gpointer data)
{
  GBytes *png = NULL;
  ClsSweep *sweep = sweep_and_draw (data, &png);

  g_bytes_unref (png);
  return sweep;
}

static void
test_sweep_thread (void)
{
  g_autoptr(GPtrArray) pool = make_pool (24);
  g_autoptr(ClsSweep) here = NULL;
  g_autoptr(ClsSweep) there = NULL;
  g_autoptr(GBytes) png = NULL;
  GThread *thread;

  thread = g_thread_new ("sweep", worker, pool);
  here = sweep_and_draw (pool, &png);
  there = g_thread_join (thread);

  g_assert_cmpuint (here->n_points, ==, there->n_points);
  g_assert_cmpmem (here->points, here->n_points * sizeof (ClsSweepPoint),
                   there->points, there->n_points * sizeof (ClsSweepPoint));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/plot/ticks/known", test_ticks_known);
  g_test_add_func ("/plot/ticks/random", test_ticks_random);
  g_test_add_func ("/plot/ticks/nice-range", test_nice_range);
  g_test_add_func ("/plot/format-number", test_format_number);
  g_test_add_func ("/plot/histogram", test_histogram);
  g_test_add_func ("/plot/loss/points", test_loss_points);
  g_test_add_func ("/plot/loss/panel", test_loss_panel);
  g_test_add_func ("/plot/loss/hover", test_loss_hover);
  g_test_add_func ("/plot/loss/many-corners", test_loss_many_corners);
  g_test_add_func ("/plot/loss/empty-case", test_loss_empty_case);
  g_test_add_func ("/plot/thresholds/panel", test_thresholds_panel);
  g_test_add_func ("/plot/thresholds/from-calibration", test_thresholds_from_calibration);
  g_test_add_func ("/plot/ecr-alpha", test_ecr_alpha_panel);
  g_test_add_func ("/plot/ecr-fraction", test_ecr_fraction_panel);
  g_test_add_func ("/plot/pc-alpha", test_pc_alpha_panel);
  g_test_add_func ("/plot/fnr", test_fnr_panel);
  g_test_add_func ("/plot/dark-and-sizes", test_dark_and_sizes);
  g_test_add_func ("/plot/odd-input", test_odd_input);
  g_test_add_func ("/plot/save", test_save);
  g_test_add_func ("/sweep/alpha", test_sweep_alpha);
  g_test_add_func ("/sweep/fraction", test_sweep_fraction);
  g_test_add_func ("/sweep/cancel", test_sweep_cancel);
  g_test_add_func ("/sweep/thread", test_sweep_thread);

  return g_test_run ();
}
