/* cls-plot.c
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <pango/pangocairo.h>

#include <glib/gi18n-lib.h>

#include "cls-atomic-file.h"
#include "cls-error.h"
#include "cls-plot.h"

typedef enum {
  ITEM_LINE,
  ITEM_STEP,
  ITEM_BAND,
  ITEM_BARS,
  ITEM_HLINE,
  ITEM_VLINE,
  ITEM_ABLINE,
} ItemKind;

/* One thing drawn in the data area. Arrays are owned copies. */
typedef struct {
  ItemKind     kind;
  guint        ink;
  ClsPlotDash  dash;
  gboolean     markers;
  char        *name;      /* legend entry, markup */
  char        *label;     /* annotation next to a reference line, markup */
  char        *hover_x;   /* names in the readout, plain text */
  char        *hover_y;
  guint        n;         /* points, or bins for bars */
  double      *x;         /* line, step, band: x; bars: n + 1 edges */
  double      *y;         /* line, step: y; band: lower; bars: heights */
  double      *y2;        /* band: upper; line: errors (nullable) */
  char       **notes;     /* (nullable) one per point, each nullable */
  guint8      *hollow;    /* (nullable) one per point: an open marker */
  double      *draw_x;    /* (nullable) a step's corners thinned for drawing */
  double      *draw_y;
  guint        n_draw;
  double       value;     /* hline: y; vline: x; abline: intercept */
  double       slope;     /* abline */
  guint        slot;
  guint        n_slots;
} Item;

struct _ClsPlot
{
  gatomicrefcount  ref_count;
  char            *title;
  char            *x_label;
  char            *y_label;
  char            *message;
  double           x_lo, x_hi;
  double           y_lo, y_hi;
  GPtrArray       *items;
};

G_DEFINE_BOXED_TYPE (ClsPlot, cls_plot, cls_plot_ref, cls_plot_unref)

/* ------------------------------------------------------------------------ */
/* Style and colours                                                          */

static ClsPlotColor
rgb8 (int r,
      int g,
      int b)
{
  return (ClsPlotColor) { r / 255.0, g / 255.0, b / 255.0, 1.0 };
}

static ClsPlotColor
mix (ClsPlotColor a,
     ClsPlotColor b,
     double       t)
{
  return (ClsPlotColor) {
    a.red + (b.red - a.red) * t,
    a.green + (b.green - a.green) * t,
    a.blue + (b.blue - a.blue) * t,
    a.alpha + (b.alpha - a.alpha) * t,
  };
}

static double
luminance (ClsPlotColor c)
{
  return 0.2126 * c.red + 0.7152 * c.green + 0.0722 * c.blue;
}

/**
 * cls_plot_style_init_light:
 * @style: (out caller-allocates): a style
 *
 * Black on white with a blue accent and an automatic font size: the style of
 * exported figures.
 */
void
cls_plot_style_init_light (ClsPlotStyle *style)
{
  style->fg = rgb8 (0x24, 0x24, 0x24);
  style->bg = rgb8 (0xff, 0xff, 0xff);
  style->accent = rgb8 (0x1c, 0x71, 0xd8);
  style->font_size = 0;
  style->font_family = NULL;
}

/**
 * cls_plot_style_init_dark:
 * @style: (out caller-allocates): a style
 *
 * Light text on a dark grey background.
 */
void
cls_plot_style_init_dark (ClsPlotStyle *style)
{
  style->fg = rgb8 (0xee, 0xee, 0xee);
  style->bg = rgb8 (0x1e, 0x1e, 0x1e);
  style->accent = rgb8 (0x78, 0xae, 0xed);
  style->font_size = 0;
  style->font_family = NULL;
}

/**
 * cls_plot_style_resolve_ink:
 * @style: a style
 * @ink: a #ClsPlotInk, or #CLS_PLOT_INK_SERIES plus an index
 * @out: (out caller-allocates): the colour
 *
 * The colour of @ink against @style. The Okabe–Ito palette keeps the
 * colours apart for colour-blind readers; on a dark background the blue of
 * t = 0.5 becomes its lighter sky-blue sibling so that it stays visible.
 */
void
cls_plot_style_resolve_ink (const ClsPlotStyle *style,
                            guint               ink,
                            ClsPlotColor       *out)
{
  static const int series[CLS_PLOT_N_SERIES][3] = {
    { 0xd5, 0x5e, 0x00 },  /* vermillion */
    { 0x56, 0xb4, 0xe9 },  /* sky blue */
    { 0x00, 0x9e, 0x73 },  /* bluish green */
    { 0xcc, 0x79, 0xa7 },  /* reddish purple */
    { 0xe6, 0x9f, 0x00 },  /* orange */
  };
  gboolean dark = luminance (style->bg) < 0.5;

  switch (ink)
    {
    case CLS_PLOT_INK_FG:
      *out = style->fg;
      break;
    case CLS_PLOT_INK_FIXED:
      *out = dark ? rgb8 (0x56, 0xb4, 0xe9) : rgb8 (0x00, 0x72, 0xb2);
      break;
    case CLS_PLOT_INK_CALIBRATED:
      *out = rgb8 (0xe6, 0x9f, 0x00);
      break;
    case CLS_PLOT_INK_CASE:
      *out = rgb8 (0x00, 0x9e, 0x73);
      break;
    case CLS_PLOT_INK_EPSILON:
      *out = rgb8 (0xcc, 0x79, 0xa7);
      break;
    case CLS_PLOT_INK_THEORY:
      *out = mix (style->fg, style->bg, 0.45);
      break;
    case CLS_PLOT_INK_ACCENT:
      *out = style->accent;
      break;
    default:
      {
        const int *c = series[(ink - CLS_PLOT_INK_SERIES) % CLS_PLOT_N_SERIES];
        *out = rgb8 (c[0], c[1], c[2]);
      }
      break;
    }
}

static void
set_color (cairo_t      *cr,
           ClsPlotColor  c)
{
  cairo_set_source_rgba (cr, c.red, c.green, c.blue, c.alpha);
}

/* ------------------------------------------------------------------------ */
/* Ticks and numbers                                                          */

static double
pow10i (int e)
{
  double r = 1;

  for (int i = 0; i < ABS (e); i++)
    r *= 10;
  return r;
}

/* k · 10^e as the double nearest to the decimal (one rounding only). */
static double
scaled (gint64 k,
        int    e)
{
  return e >= 0 ? (double) k * pow10i (e) : (double) k / pow10i (-e);
}

/**
 * cls_plot_ticks_compute:
 * @lo: the low end of the range
 * @hi: the high end
 * @target: about how many ticks are wanted (at least 1)
 * @ticks: (out caller-allocates): the ticks
 *
 * Picks a step of 1, 2 or 5 times a power of ten so that about @target
 * ticks fall in [@lo, @hi], and lists the multiples of the step in the
 * range. An empty range [v, v] is widened to v ± half its order of
 * magnitude ([0, 0] to [-0.5, 0.5]), so it still gets ticks around v.
 *
 * Returns: %FALSE (no ticks) for non-finite ends or a range too narrow for
 *   its magnitude to tick
 */
gboolean
cls_plot_ticks_compute (double        lo,
                        double        hi,
                        guint         target,
                        ClsPlotTicks *ticks)
{
  double raw, frac, step, span;
  int e;
  guint m;
  gint64 last;

  memset (ticks, 0, sizeof *ticks);
  ticks->mantissa = 1;

  if (!isfinite (lo) || !isfinite (hi))
    return FALSE;
  if (lo > hi)
    {
      double tmp = lo;
      lo = hi;
      hi = tmp;
    }

  span = hi - lo;
  if (span <= fabs (lo) * 1e-12 || span == 0)
    {
      double mag = lo == 0 ? 1 : pow (10, floor (log10 (fabs (lo))));

      lo -= mag / 2;
      hi += mag / 2;
      span = hi - lo;
    }

  raw = span / MAX (target, 1);
  e = (int) floor (log10 (raw));
  frac = raw / pow (10, e);
  if (frac < 1)  /* log10 rounded up at an exact power */
    {
      e--;
      frac *= 10;
    }

  if (frac <= 1 + 1e-9)
    m = 1;
  else if (frac <= 2 + 1e-9)
    m = 2;
  else if (frac <= 5 + 1e-9)
    m = 5;
  else
    {
      m = 1;
      e++;
    }

  /* Rounding the step up can leave fewer than two ticks in a short range
   * ([0.3, 4.7] with a step of 5): then take the next smaller round step. */
  for (guint attempt = 0; attempt < 4; attempt++)
    {
      step = m * pow (10, e);
      if (fabs (lo / step) > 1e15 || fabs (hi / step) > 1e15)
        return FALSE;

      ticks->mantissa = m;
      ticks->exponent = e;
      ticks->decimals = e < 0 ? (guint) -e : 0;
      ticks->first = (gint64) ceil (lo / step - 1e-9);
      last = (gint64) floor (hi / step + 1e-9);
      ticks->n = last >= ticks->first ? (guint) (last - ticks->first + 1) : 0;
      if (ticks->n >= 2)
        break;

      if (m == 5)
        m = 2;
      else if (m == 2)
        m = 1;
      else
        {
          m = 5;
          e--;
        }
    }

  return ticks->n > 0;
}

/**
 * cls_plot_ticks_step:
 * @ticks: ticks
 *
 * Returns: the distance between ticks
 */
double
cls_plot_ticks_step (const ClsPlotTicks *ticks)
{
  return scaled (ticks->mantissa, ticks->exponent);
}

/**
 * cls_plot_ticks_get:
 * @ticks: ticks
 * @i: which, below @ticks->n
 *
 * Returns: the value of tick @i, the double nearest to the round decimal
 *   (0.3, not 0.30000000000000004)
 */
double
cls_plot_ticks_get (const ClsPlotTicks *ticks,
                    guint               i)
{
  return scaled ((ticks->first + (gint64) i) * ticks->mantissa, ticks->exponent);
}

/**
 * cls_plot_format_number:
 * @value: a number
 * @decimals: digits after the decimal point
 *
 * Formats @value for display in the user's locale, with a true minus sign
 * (U+2212) and never "−0".
 *
 * Returns: (transfer full): the text
 */
char *
cls_plot_format_number (double value,
                        guint  decimals)
{
  g_autofree char *text = NULL;
  gboolean zero = TRUE;

  if (isnan (value))
    return g_strdup ("NaN");
  if (isinf (value))
    return g_strdup (value > 0 ? "∞" : "−∞");

  if (fabs (value) >= 1e15 || decimals > 15)
    text = g_strdup_printf ("%.3g", value);
  else
    text = g_strdup_printf ("%.*f", (int) decimals, value);

  for (const char *p = text; *p; p++)
    if (g_ascii_isdigit (*p) && *p != '0')
      zero = FALSE;

  if (text[0] == '-')
    return zero ? g_strdup (text + 1) : g_strconcat ("−", text + 1, NULL);

  return g_steal_pointer (&text);
}

/**
 * cls_plot_ticks_format:
 * @ticks: ticks
 * @i: which
 *
 * Returns: (transfer full): the label of tick @i, with just the decimals
 *   that the step needs ("0.2", "500", "−0.05")
 */
char *
cls_plot_ticks_format (const ClsPlotTicks *ticks,
                       guint               i)
{
  return cls_plot_format_number (cls_plot_ticks_get (ticks, i), ticks->decimals);
}

/**
 * cls_plot_nice_range:
 * @lo: the lowest value to show
 * @hi: the highest
 * @target: about how many ticks
 * @nice_lo: (out): @lo rounded down to a tick
 * @nice_hi: (out): @hi rounded up to a tick
 *
 * Widens a data range to round numbers, for an axis that should begin and
 * end on a tick. Non-finite input gives [0, 1].
 */
void
cls_plot_nice_range (double  lo,
                     double  hi,
                     guint   target,
                     double *nice_lo,
                     double *nice_hi)
{
  ClsPlotTicks ticks;
  double step;

  if (!cls_plot_ticks_compute (lo, hi, target, &ticks))
    {
      *nice_lo = isfinite (lo) ? lo : 0;
      *nice_hi = isfinite (hi) && hi > *nice_lo ? hi : *nice_lo + 1;
      return;
    }

  if (lo > hi)
    {
      double tmp = lo;
      lo = hi;
      hi = tmp;
    }

  step = cls_plot_ticks_step (&ticks);
  *nice_lo = scaled ((gint64) floor (lo / step + 1e-9) * ticks.mantissa, ticks.exponent);
  *nice_hi = scaled ((gint64) ceil (hi / step - 1e-9) * ticks.mantissa, ticks.exponent);
  if (*nice_hi <= *nice_lo)
    {
      *nice_lo -= step;
      *nice_hi += step;
    }
}

/**
 * cls_plot_histogram:
 * @values: (array length=n_values): the values; NaN ones are ignored
 * @n_values: how many
 * @lo: the left edge of the first bin
 * @hi: the right edge of the last bin (> @lo)
 * @n_bins: how many bins of equal width
 * @counts: (out caller-allocates) (array length=n_bins): the counts
 *
 * Bin b holds the values in [lo + b·w, lo + (b + 1)·w); the last bin also
 * holds @hi. Values outside [@lo, @hi] are not counted.
 */
void
cls_plot_histogram (const double *values,
                    guint         n_values,
                    double        lo,
                    double        hi,
                    guint         n_bins,
                    double       *counts)
{
  g_return_if_fail (n_bins > 0 && hi > lo);

  memset (counts, 0, n_bins * sizeof (double));
  for (guint i = 0; i < n_values; i++)
    {
      double v = values[i];
      gint64 b;

      if (!(v >= lo && v <= hi))
        continue;
      b = (gint64) floor ((v - lo) / (hi - lo) * n_bins);
      counts[CLAMP (b, 0, (gint64) n_bins - 1)] += 1;
    }
}

/* ------------------------------------------------------------------------ */
/* Building                                                                   */

static void
item_free (gpointer data)
{
  Item *item = data;

  g_free (item->name);
  g_free (item->label);
  g_free (item->hover_x);
  g_free (item->hover_y);
  g_free (item->x);
  g_free (item->y);
  g_free (item->y2);
  if (item->notes != NULL)
    for (guint i = 0; i < MAX (item->n, 1); i++)  /* as many as set_note allocates */
      g_free (item->notes[i]);
  g_free (item->notes);
  g_free (item->hollow);
  g_free (item->draw_x);
  g_free (item->draw_y);
  g_free (item);
}

/**
 * cls_plot_new:
 *
 * An empty plot with both axes on [0, 1]. Build it on one thread, then
 * treat it as immutable and share it by reference.
 *
 * Returns: (transfer full): the plot
 */
ClsPlot *
cls_plot_new (void)
{
  ClsPlot *self = g_new0 (ClsPlot, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->x_lo = self->y_lo = 0;
  self->x_hi = self->y_hi = 1;
  self->items = g_ptr_array_new_with_free_func (item_free);

  return self;
}

ClsPlot *
cls_plot_ref (ClsPlot *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
cls_plot_unref (ClsPlot *self)
{
  if (self == NULL || !g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_free (self->title);
  g_free (self->x_label);
  g_free (self->y_label);
  g_free (self->message);
  g_ptr_array_unref (self->items);
  g_free (self);
}

/* Markup that Pango cannot parse is shown as the literal text. */
static char *
checked_markup (const char *markup)
{
  if (markup == NULL)
    return NULL;
  if (!pango_parse_markup (markup, -1, 0, NULL, NULL, NULL, NULL))
    return g_markup_escape_text (markup, -1);
  return g_strdup (markup);
}

static char *
markup_to_text (const char *markup)
{
  char *text = NULL;

  if (markup == NULL)
    return NULL;
  if (!pango_parse_markup (markup, -1, 0, NULL, &text, NULL, NULL))
    return g_strdup (markup);
  return text;
}

static void
check_range (double *lo,
             double *hi)
{
  if (!(isfinite (*lo) && isfinite (*hi) && *lo < *hi))
    cls_plot_nice_range (*lo, *hi, 4, lo, hi);
}

/**
 * cls_plot_set_title:
 * @self: a plot
 * @markup: (nullable): the title, Pango markup
 */
void
cls_plot_set_title (ClsPlot    *self,
                    const char *markup)
{
  g_free (self->title);
  self->title = checked_markup (markup);
}

const char *
cls_plot_get_title (const ClsPlot *self)
{
  return self->title;
}

/**
 * cls_plot_set_x_axis:
 * @self: a plot
 * @markup: (nullable): the axis label with its unit, Pango markup
 * @lo: the value at the left edge
 * @hi: the value at the right edge (an empty or reversed range is widened)
 */
void
cls_plot_set_x_axis (ClsPlot    *self,
                     const char *markup,
                     double      lo,
                     double      hi)
{
  check_range (&lo, &hi);
  g_free (self->x_label);
  self->x_label = checked_markup (markup);
  self->x_lo = lo;
  self->x_hi = hi;
}

/**
 * cls_plot_set_y_axis:
 * @self: a plot
 * @markup: (nullable): the axis label with its unit, Pango markup
 * @lo: the value at the bottom edge
 * @hi: the value at the top edge
 */
void
cls_plot_set_y_axis (ClsPlot    *self,
                     const char *markup,
                     double      lo,
                     double      hi)
{
  check_range (&lo, &hi);
  g_free (self->y_label);
  self->y_label = checked_markup (markup);
  self->y_lo = lo;
  self->y_hi = hi;
}

/**
 * cls_plot_set_message:
 * @self: a plot
 * @text: (nullable): plain text shown in the middle of the data area, such
 *   as why there is nothing to show
 */
void
cls_plot_set_message (ClsPlot    *self,
                      const char *text)
{
  g_free (self->message);
  self->message = g_strdup (text);
}

/* Adds an item with copies of its arrays: @n_x x values (the bin edges of
 * bars are one more than the bins), @n values in @y and in @y2. */
static guint
add_item (ClsPlot      *self,
          ItemKind      kind,
          guint         ink,
          guint         n,
          const double *x,
          guint         n_x,
          const double *y,
          const double *y2)
{
  Item *item = g_new0 (Item, 1);

  item->kind = kind;
  item->ink = ink;
  item->n = n;
  item->n_slots = 1;
  item->x = x != NULL ? g_memdup2 (x, MAX (n_x, 1) * sizeof (double)) : NULL;
  item->y = y != NULL ? g_memdup2 (y, MAX (n, 1) * sizeof (double)) : NULL;
  item->y2 = y2 != NULL ? g_memdup2 (y2, MAX (n, 1) * sizeof (double)) : NULL;
  g_ptr_array_add (self->items, item);

  return self->items->len - 1;
}

static Item *
get_item (const ClsPlot *self,
          guint          i)
{
  g_return_val_if_fail (i < self->items->len, NULL);
  return g_ptr_array_index (self->items, i);
}

/* Whether (x, y) is at least a tolerance away from the last point kept. */
static inline gboolean
far_enough (double x,
            double y,
            double last_x,
            double last_y,
            double tol_x,
            double tol_y)
{
  return fabs (x - last_x) >= tol_x || fabs (y - last_y) >= tol_y;
}

#define CLS_PLOT_MAX_DRAWN 16384

/* A loss curve can have a million corners. For drawing, keep only corners
 * at least 1/16384 of the data's range from the last one kept: the drawn
 * curve moves by less than that (under a device unit at any figure size),
 * drawing costs at most a few ten thousand segments, and the readout still
 * uses every corner. */
static void
thin_steps (Item *item)
{
  double x_min = G_MAXDOUBLE, x_max = -G_MAXDOUBLE, y_min = G_MAXDOUBLE, y_max = -G_MAXDOUBLE;
  double tol_x, tol_y, last_x = 0, last_y = 0;
  gboolean have = FALSE;
  guint k = 0;

  if (item->n <= CLS_PLOT_MAX_DRAWN)
    return;

  for (guint i = 0; i < item->n; i++)
    if (isfinite (item->x[i]) && isfinite (item->y[i]))
      {
        x_min = MIN (x_min, item->x[i]);
        x_max = MAX (x_max, item->x[i]);
        y_min = MIN (y_min, item->y[i]);
        y_max = MAX (y_max, item->y[i]);
      }
  tol_x = (x_max - x_min) / CLS_PLOT_MAX_DRAWN;
  tol_y = (y_max - y_min) / CLS_PLOT_MAX_DRAWN;

  item->draw_x = g_new (double, item->n);
  item->draw_y = g_new (double, item->n);
  for (guint i = 0; i < item->n; i++)
    {
      gboolean finite = isfinite (item->x[i]) && isfinite (item->y[i]);

      /* Keep breaks, the points around them and the last point. */
      if (!finite || !have || i + 1 == item->n || !isfinite (item->y[i + 1]) ||
          far_enough (item->x[i], item->y[i], last_x, last_y, tol_x, tol_y))
        {
          item->draw_x[k] = item->x[i];
          item->draw_y[k] = item->y[i];
          k++;
          last_x = item->x[i];
          last_y = item->y[i];
        }
      have = finite;
    }
  item->n_draw = k;
}

/**
 * cls_plot_add_line:
 * @self: a plot
 * @ink: its colour, a #ClsPlotInk
 * @x: (array length=n): x values, increasing
 * @y: (array length=n): y values; a NaN breaks the line
 * @n: how many points (0 for an entry that only shows in the legend)
 *
 * Returns: the item's index, for the cls_plot_item_set_*() functions
 */
guint
cls_plot_add_line (ClsPlot      *self,
                   guint         ink,
                   const double *x,
                   const double *y,
                   guint         n)
{
  return add_item (self, ITEM_LINE, ink, n, x, n, y, NULL);
}

/**
 * cls_plot_add_step:
 * @self: a plot
 * @ink: its colour
 * @x: (array length=n): where the steps are, increasing
 * @y: (array length=n): the value on [x_i, x_{i+1}); the last one holds to
 *   the right edge of the axis
 * @n: how many steps
 *
 * A right-continuous step function such as a loss curve. Hovering reads its
 * value under the pointer.
 *
 * Returns: the item's index
 */
guint
cls_plot_add_step (ClsPlot      *self,
                   guint         ink,
                   const double *x,
                   const double *y,
                   guint         n)
{
  guint i = add_item (self, ITEM_STEP, ink, n, x, n, y, NULL);

  thin_steps (get_item (self, i));
  return i;
}

/**
 * cls_plot_add_band:
 * @self: a plot
 * @ink: its colour (drawn translucent)
 * @x: (array length=n): x values, increasing
 * @lo: (array length=n): the lower edge
 * @hi: (array length=n): the upper edge
 * @n: how many points
 *
 * Returns: the item's index
 */
guint
cls_plot_add_band (ClsPlot      *self,
                   guint         ink,
                   const double *x,
                   const double *lo,
                   const double *hi,
                   guint         n)
{
  return add_item (self, ITEM_BAND, ink, n, x, n, lo, hi);
}

/**
 * cls_plot_add_bars:
 * @self: a plot
 * @ink: its colour
 * @edges: (array length=n_bins+1): the bin edges, increasing
 * @heights: (array length=n_bins): the bar heights (from 0)
 * @n_bins: how many bins
 *
 * A histogram. Several histograms over the same bins can stand side by side
 * with cls_plot_item_set_slot().
 *
 * Returns: the item's index
 */
guint
cls_plot_add_bars (ClsPlot      *self,
                   guint         ink,
                   const double *edges,
                   const double *heights,
                   guint         n_bins)
{
  return add_item (self, ITEM_BARS, ink, n_bins, edges, n_bins + 1, heights, NULL);
}

static guint
add_ref_line (ClsPlot  *self,
              ItemKind  kind,
              guint     ink,
              double    value,
              double    slope)
{
  guint i = add_item (self, kind, ink, 0, NULL, 0, NULL, NULL);
  Item *item = get_item (self, i);

  item->value = value;
  item->slope = slope;
  return i;
}

/**
 * cls_plot_add_hline:
 * @self: a plot
 * @ink: its colour
 * @y: where
 *
 * Returns: the item's index
 */
guint
cls_plot_add_hline (ClsPlot *self,
                    guint    ink,
                    double   y)
{
  return add_ref_line (self, ITEM_HLINE, ink, y, 0);
}

/**
 * cls_plot_add_vline:
 * @self: a plot
 * @ink: its colour
 * @x: where
 *
 * Returns: the item's index
 */
guint
cls_plot_add_vline (ClsPlot *self,
                    guint    ink,
                    double   x)
{
  return add_ref_line (self, ITEM_VLINE, ink, x, 0);
}

/**
 * cls_plot_add_abline:
 * @self: a plot
 * @ink: its colour
 * @intercept: y at x = 0
 * @slope: dy / dx
 *
 * The straight line y = intercept + slope · x across the data area, such as
 * 1 − α.
 *
 * Returns: the item's index
 */
guint
cls_plot_add_abline (ClsPlot *self,
                     guint    ink,
                     double   intercept,
                     double   slope)
{
  return add_ref_line (self, ITEM_ABLINE, ink, intercept, slope);
}

/**
 * cls_plot_item_set_name:
 * @self: a plot
 * @item: an item
 * @markup: (nullable): its legend entry, Pango markup (%NULL: none)
 */
void
cls_plot_item_set_name (ClsPlot    *self,
                        guint       item,
                        const char *markup)
{
  Item *it = get_item (self, item);

  g_return_if_fail (it != NULL);
  g_free (it->name);
  it->name = checked_markup (markup);
}

/**
 * cls_plot_item_set_label:
 * @self: a plot
 * @item: a reference line (hline, vline, abline)
 * @markup: (nullable): a short label drawn next to the line
 */
void
cls_plot_item_set_label (ClsPlot    *self,
                         guint       item,
                         const char *markup)
{
  Item *it = get_item (self, item);

  g_return_if_fail (it != NULL);
  g_free (it->label);
  it->label = checked_markup (markup);
}

void
cls_plot_item_set_dash (ClsPlot     *self,
                        guint        item,
                        ClsPlotDash  dash)
{
  Item *it = get_item (self, item);

  g_return_if_fail (it != NULL);
  it->dash = dash;
}

void
cls_plot_item_set_markers (ClsPlot  *self,
                           guint     item,
                           gboolean  markers)
{
  Item *it = get_item (self, item);

  g_return_if_fail (it != NULL);
  it->markers = markers;
}

/**
 * cls_plot_item_set_errors:
 * @self: a plot
 * @item: a line
 * @errors: (array) (nullable): one per point: error bars y ± error
 */
void
cls_plot_item_set_errors (ClsPlot      *self,
                          guint         item,
                          const double *errors)
{
  Item *it = get_item (self, item);

  g_return_if_fail (it != NULL && it->kind == ITEM_LINE);
  g_free (it->y2);
  it->y2 = errors != NULL ? g_memdup2 (errors, MAX (it->n, 1) * sizeof (double)) : NULL;
}

/**
 * cls_plot_item_set_slot:
 * @self: a plot
 * @item: bars
 * @slot: which part of each bin these bars take, below @n_slots
 * @n_slots: into how many parts each bin is divided
 */
void
cls_plot_item_set_slot (ClsPlot *self,
                        guint    item,
                        guint    slot,
                        guint    n_slots)
{
  Item *it = get_item (self, item);

  g_return_if_fail (it != NULL && n_slots > 0 && slot < n_slots);
  it->slot = slot;
  it->n_slots = n_slots;
}

/**
 * cls_plot_item_set_hover:
 * @self: a plot
 * @item: an item
 * @x_name: (nullable): how the readout names x, plain text ("t", "α")
 * @y_name: (nullable): how it names y ("FNR"; for bars the unit of the
 *   count, "cases")
 */
void
cls_plot_item_set_hover (ClsPlot    *self,
                         guint       item,
                         const char *x_name,
                         const char *y_name)
{
  Item *it = get_item (self, item);

  g_return_if_fail (it != NULL);
  g_free (it->hover_x);
  g_free (it->hover_y);
  it->hover_x = g_strdup (x_name);
  it->hover_y = g_strdup (y_name);
}

/**
 * cls_plot_item_set_note:
 * @self: a plot
 * @item: an item
 * @index: the point (0 for a reference line)
 * @note: (nullable): plain text added to the readout of that point
 */
void
cls_plot_item_set_note (ClsPlot    *self,
                        guint       item,
                        guint       index,
                        const char *note)
{
  Item *it = get_item (self, item);
  guint n;

  g_return_if_fail (it != NULL);
  n = MAX (it->n, 1);
  g_return_if_fail (index < n);

  if (it->notes == NULL)
    it->notes = g_new0 (char *, n);
  g_free (it->notes[index]);
  it->notes[index] = g_strdup (note);
}

/**
 * cls_plot_item_set_hollow:
 * @self: a plot
 * @item: a line with markers
 * @index: the point
 * @hollow: draw its marker open, e.g. for a point that means something
 *   different from its neighbours
 */
void
cls_plot_item_set_hollow (ClsPlot  *self,
                          guint     item,
                          guint     index,
                          gboolean  hollow)
{
  Item *it = get_item (self, item);

  g_return_if_fail (it != NULL && index < it->n);

  if (it->hollow == NULL)
    it->hollow = g_new0 (guint8, it->n);
  it->hollow[index] = hollow != FALSE;
}

guint
cls_plot_get_n_items (const ClsPlot *self)
{
  return self->items->len;
}

/* ------------------------------------------------------------------------ */
/* Layout                                                                     */

typedef struct {
  PangoContext         *context;
  PangoFontDescription *font;
  const ClsPlotStyle   *style;
  double                fs;       /* font size, device units */
  double                lw;       /* base line width */
  double                pad;
  ClsPlotColor          fg, bg, grid, axis;
} Painter;

typedef struct {
  ClsPlotArea  area;
  ClsPlotTicks xt, yt;
  gboolean     have_xt, have_yt;
  double       tick_len;
} Frame;

static void
painter_init (Painter            *p,
              const ClsPlotStyle *style,
              double              width,
              double              height)
{
  cairo_font_options_t *options = cairo_font_options_create ();

  p->style = style;
  p->fs = style->font_size > 0 ? style->font_size
                               : CLAMP (MIN (width, height * 4 / 3) / 44.0, 10.0, 28.0);
  p->lw = MAX (1.0, p->fs / 9.0);
  p->pad = p->fs * 0.6;
  p->fg = style->fg;
  p->bg = style->bg;
  p->grid = mix (style->bg, style->fg, 0.12);
  p->axis = mix (style->bg, style->fg, 0.75);

  /* The font map is per thread, so painting on a worker thread is fine.
   * Metrics are unhinted so that a layout measures the same on every
   * surface and at every scale. */
  p->context = pango_font_map_create_context (pango_cairo_font_map_get_default ());
  cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
  pango_cairo_context_set_font_options (p->context, options);
  pango_cairo_context_set_resolution (p->context, 96);
  cairo_font_options_destroy (options);

  p->font = pango_font_description_from_string (style->font_family ? style->font_family : "Sans");
  pango_font_description_set_absolute_size (p->font, p->fs * PANGO_SCALE);
}

static void
painter_clear (Painter *p)
{
  g_clear_object (&p->context);
  g_clear_pointer (&p->font, pango_font_description_free);
}

/* How a text is set: bold; wrapped onto more lines when wider than the
 * room (titles); or shrunk a little and then ellipsised (axis labels). */
enum {
  TEXT_BOLD = 1 << 0,
  TEXT_WRAP = 1 << 1,
  TEXT_FIT  = 1 << 2,
};

static void
layout_set_size (Painter     *p,
                 PangoLayout *layout,
                 double       scale,
                 guint        flags)
{
  PangoFontDescription *font = pango_font_description_copy_static (p->font);

  pango_font_description_set_absolute_size (font, p->fs * scale * PANGO_SCALE);
  if (flags & TEXT_BOLD)
    pango_font_description_set_weight (font, PANGO_WEIGHT_BOLD);
  pango_layout_set_font_description (layout, font);
  pango_font_description_free (font);
}

static PangoLayout *
painter_layout (Painter    *p,
                const char *markup,
                double      scale,
                guint       flags,
                double      room,
                double     *width,
                double     *height)
{
  PangoLayout *layout = pango_layout_new (p->context);
  PangoRectangle logical;

  layout_set_size (p, layout, scale, flags);
  pango_layout_set_markup (layout, markup, -1);
  pango_layout_get_extents (layout, NULL, &logical);

  if (room > 0 && logical.width > room * PANGO_SCALE)
    {
      if (flags & TEXT_FIT)
        {
          layout_set_size (p, layout, scale * MAX (0.8, room * PANGO_SCALE / logical.width), flags);
          pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
        }
      else if (flags & TEXT_WRAP)
        {
          pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
          pango_layout_set_alignment (layout, PANGO_ALIGN_CENTER);
        }
      pango_layout_set_width (layout, (int) (room * PANGO_SCALE));
      pango_layout_get_extents (layout, NULL, &logical);
      if (flags & TEXT_WRAP)  /* the lines are centred within [0, room] */
        logical.width = (int) (room * PANGO_SCALE);
    }

  if (width)
    *width = (double) logical.width / PANGO_SCALE;
  if (height)
    *height = (double) logical.height / PANGO_SCALE;

  return layout;
}

static void
text_size (Painter    *p,
           const char *markup,
           double      scale,
           guint       flags,
           double      room,
           double     *width,
           double     *height)
{
  g_autoptr(PangoLayout) layout = painter_layout (p, markup, scale, flags, room, width, height);
}

/* Draws @markup with its box aligned at (x, y): xalign 0 puts its left edge
 * at x, 1 its right edge; yalign likewise for top and bottom. */
static void
draw_text (Painter      *p,
           cairo_t      *cr,
           const char   *markup,
           double        scale,
           guint         flags,
           double        room,
           double        x,
           double        y,
           double        xalign,
           double        yalign,
           double        angle,
           ClsPlotColor  color)
{
  double w, h;
  g_autoptr(PangoLayout) layout = painter_layout (p, markup, scale, flags, room, &w, &h);

  cairo_save (cr);
  cairo_translate (cr, x, y);
  cairo_rotate (cr, angle);
  cairo_move_to (cr, -xalign * w, -yalign * h);
  set_color (cr, color);
  pango_cairo_show_layout (cr, layout);
  cairo_restore (cr);
}

static guint
tick_target (double length,
             double spacing)
{
  return (guint) CLAMP (length / spacing, 2, 10);
}

static void
frame_compute (const ClsPlot *self,
               Painter       *p,
               double         width,
               double         height,
               Frame         *f)
{
  double top, bottom, left, right, h, w, tick_w = 0;
  double line_h, title_h = 0, xlabel_h = 0, ylabel_h = 0;

  memset (f, 0, sizeof *f);
  f->tick_len = p->fs * 0.35;

  text_size (p, "0", 0.9, 0, 0, NULL, &line_h);
  if (self->title)
    text_size (p, self->title, 1.1, TEXT_BOLD | TEXT_WRAP, width - 2 * p->pad, NULL, &title_h);
  if (self->x_label)
    text_size (p, self->x_label, 1.0, TEXT_FIT, width * 0.8, NULL, &xlabel_h);
  if (self->y_label)
    text_size (p, self->y_label, 1.0, TEXT_FIT, height * 0.6, NULL, &ylabel_h);

  top = p->pad + (title_h > 0 ? title_h + p->pad * 0.8 : line_h * 0.5);
  bottom = p->pad + line_h + f->tick_len + p->pad * 0.3 + (xlabel_h > 0 ? xlabel_h + p->pad * 0.3 : 0);
  h = MAX (height - top - bottom, 1);

  f->have_yt = cls_plot_ticks_compute (self->y_lo, self->y_hi, tick_target (h, p->fs * 3.2), &f->yt);
  for (guint i = 0; f->have_yt && i < f->yt.n; i++)
    {
      g_autofree char *label = cls_plot_ticks_format (&f->yt, i);
      double tw;

      text_size (p, label, 0.9, 0, 0, &tw, NULL);
      tick_w = MAX (tick_w, tw);
    }

  left = p->pad + (ylabel_h > 0 ? ylabel_h + p->pad * 0.5 : 0) + tick_w + f->tick_len + p->pad * 0.3;
  right = p->pad + p->fs * 0.9;
  w = MAX (width - left - right, 1);

  f->have_xt = cls_plot_ticks_compute (self->x_lo, self->x_hi, tick_target (w, p->fs * 6), &f->xt);

  f->area.x = left;
  f->area.y = top;
  f->area.width = w;
  f->area.height = h;
  f->area.x_lo = self->x_lo;
  f->area.x_hi = self->x_hi;
  f->area.y_lo = self->y_lo;
  f->area.y_hi = self->y_hi;
  f->area.x_decimals = f->have_xt ? f->xt.decimals : 2;
  f->area.y_decimals = f->have_yt ? f->yt.decimals : 2;
  f->area.font_size = p->fs;
}

/**
 * cls_plot_compute_area:
 * @self: a plot
 * @style: the style it is drawn with
 * @width: the size it is drawn at
 * @height: the size it is drawn at
 * @area: (out caller-allocates): where its data go
 *
 * The same area as cls_plot_draw() returns for these arguments, without
 * drawing.
 */
void
cls_plot_compute_area (const ClsPlot      *self,
                       const ClsPlotStyle *style,
                       double              width,
                       double              height,
                       ClsPlotArea        *area)
{
  Painter p;
  Frame f;

  painter_init (&p, style, width, height);
  frame_compute (self, &p, width, height, &f);
  painter_clear (&p);
  *area = f.area;
}

/**
 * cls_plot_data_to_device:
 * @area: where a plot put its data
 * @x: data x
 * @y: data y
 * @device_x: (out): where x is drawn
 * @device_y: (out): where y is drawn
 */
void
cls_plot_data_to_device (const ClsPlotArea *area,
                         double             x,
                         double             y,
                         double            *device_x,
                         double            *device_y)
{
  if (device_x)
    *device_x = area->x + (x - area->x_lo) / (area->x_hi - area->x_lo) * area->width;
  if (device_y)
    *device_y = area->y + area->height - (y - area->y_lo) / (area->y_hi - area->y_lo) * area->height;
}

/**
 * cls_plot_device_to_data:
 * @area: where a plot put its data
 * @device_x: a device point
 * @device_y: a device point
 * @x: (out): its data x
 * @y: (out): its data y
 */
void
cls_plot_device_to_data (const ClsPlotArea *area,
                         double             device_x,
                         double             device_y,
                         double            *x,
                         double            *y)
{
  if (x)
    *x = area->x_lo + (device_x - area->x) / area->width * (area->x_hi - area->x_lo);
  if (y)
    *y = area->y_lo + (area->y + area->height - device_y) / area->height * (area->y_hi - area->y_lo);
}

/* ------------------------------------------------------------------------ */
/* Drawing                                                                    */

static void
set_dash (cairo_t     *cr,
          ClsPlotDash  dash,
          double       lw)
{
  double dashed[] = { 4.5 * lw, 3 * lw };
  double dotted[] = { 0, 2.2 * lw };
  double dash_dot[] = { 4.5 * lw, 2 * lw, 0, 2 * lw };

  cairo_set_line_cap (cr, dash == CLS_PLOT_DASH_SOLID ? CAIRO_LINE_CAP_BUTT : CAIRO_LINE_CAP_ROUND);
  switch (dash)
    {
    case CLS_PLOT_DASH_DASHED:
      cairo_set_dash (cr, dashed, G_N_ELEMENTS (dashed), 0);
      break;
    case CLS_PLOT_DASH_DOTTED:
      cairo_set_dash (cr, dotted, G_N_ELEMENTS (dotted), 0);
      break;
    case CLS_PLOT_DASH_DASH_DOT:
      cairo_set_dash (cr, dash_dot, G_N_ELEMENTS (dash_dot), 0);
      break;
    case CLS_PLOT_DASH_SOLID:
    default:
      cairo_set_dash (cr, NULL, 0, 0);
      break;
    }
}

static ClsPlotColor
item_color (const Painter *p,
            const Item    *item)
{
  ClsPlotColor c;

  cls_plot_style_resolve_ink (p->style, item->ink, &c);
  return c;
}

static double
item_line_width (const Painter *p,
                 const Item    *item)
{
  switch (item->kind)
    {
    case ITEM_HLINE:
    case ITEM_VLINE:
    case ITEM_ABLINE:
      return 1.3 * p->lw;
    default:
      return 1.5 * p->lw;
    }
}

/* Adds a polyline (or the corners of a step function) to the path, leaving
 * out points that land within half a device unit of the last one drawn. */
static void
path_points (cairo_t           *cr,
             const ClsPlotArea *area,
             const Item        *item)
{
  const double *xs = item->draw_x != NULL ? item->draw_x : item->x;
  const double *ys = item->draw_y != NULL ? item->draw_y : item->y;
  guint n = item->draw_x != NULL ? item->n_draw : item->n;
  gboolean open = FALSE;
  double last_x = 0, last_y = 0, prev_y = 0;

  for (guint i = 0; i < n; i++)
    {
      double dx, dy;

      if (!isfinite (xs[i]) || !isfinite (ys[i]))
        {
          open = FALSE;
          continue;
        }

      cls_plot_data_to_device (area, xs[i], ys[i], &dx, &dy);
      if (!open)
        {
          cairo_move_to (cr, dx, dy);
          open = TRUE;
        }
      else if (i + 1 < n && !far_enough (dx, dy, last_x, last_y, 0.5, 0.5))
        {
          prev_y = dy;  /* a step's level, taken up by the next corner drawn */
          continue;
        }
      else if (item->kind == ITEM_STEP)
        {
          cairo_line_to (cr, dx, prev_y);
          cairo_line_to (cr, dx, dy);
        }
      else
        cairo_line_to (cr, dx, dy);

      last_x = dx;
      last_y = dy;
      prev_y = dy;
    }

  if (open && item->kind == ITEM_STEP)
    cairo_line_to (cr, area->x + area->width, prev_y);
}

static void
marker_path (cairo_t *cr,
             guint    shape,
             double   x,
             double   y,
             double   r)
{
  switch (shape % 4)
    {
    case 1:  /* square */
      cairo_rectangle (cr, x - r * 0.85, y - r * 0.85, r * 1.7, r * 1.7);
      break;
    case 2:  /* triangle */
      cairo_move_to (cr, x, y - r * 1.15);
      cairo_line_to (cr, x + r, y + r * 0.6);
      cairo_line_to (cr, x - r, y + r * 0.6);
      cairo_close_path (cr);
      break;
    case 3:  /* diamond */
      cairo_move_to (cr, x, y - r * 1.2);
      cairo_line_to (cr, x + r * 1.2, y);
      cairo_line_to (cr, x, y + r * 1.2);
      cairo_line_to (cr, x - r * 1.2, y);
      cairo_close_path (cr);
      break;
    default:
      cairo_new_sub_path (cr);
      cairo_arc (cr, x, y, r, 0, 2 * G_PI);
      break;
    }
}

static guint
item_marker_shape (const Item *item)
{
  return item->ink >= CLS_PLOT_INK_SERIES ? item->ink - CLS_PLOT_INK_SERIES : 0;
}

static void
draw_marker (Painter    *p,
             cairo_t    *cr,
             const Item *item,
             double      x,
             double      y,
             gboolean    hollow)
{
  ClsPlotColor c = item_color (p, item);

  marker_path (cr, item_marker_shape (item), x, y, p->fs * 0.3);
  set_color (cr, hollow ? p->bg : c);
  cairo_fill_preserve (cr);
  set_color (cr, hollow ? c : p->bg);
  cairo_set_line_width (cr, MAX (1.0, p->lw * (hollow ? 1.0 : 0.7)));
  cairo_set_dash (cr, NULL, 0, 0);
  cairo_stroke (cr);
}

static void
bar_rect (const ClsPlotArea *area,
          const Item        *item,
          guint              b,
          double            *x0,
          double            *x1,
          double            *top,
          double            *base)
{
  double e0, e1, gap, slot_w;

  cls_plot_data_to_device (area, item->x[b], 0, &e0, base);
  cls_plot_data_to_device (area, item->x[b + 1], item->y[b], &e1, top);
  gap = (e1 - e0) * 0.08;
  slot_w = (e1 - e0 - 2 * gap) / item->n_slots;
  *x0 = e0 + gap + item->slot * slot_w;
  *x1 = *x0 + slot_w;
  *base = MIN (*base, area->y + area->height);
}

static void
draw_bars (Painter           *p,
           cairo_t           *cr,
           const ClsPlotArea *area,
           const Item        *item)
{
  ClsPlotColor c = item_color (p, item);

  for (guint b = 0; b < item->n; b++)
    {
      double x0, x1, top, base;

      if (!(item->y[b] > 0))
        continue;

      bar_rect (area, item, b, &x0, &x1, &top, &base);
      cairo_rectangle (cr, x0, top, x1 - x0, base - top);
      set_color (cr, mix (c, p->bg, 0.3));
      cairo_fill_preserve (cr);
      set_color (cr, c);
      cairo_set_line_width (cr, 1);
      cairo_stroke (cr);
    }
}

static void
draw_band (Painter           *p,
           cairo_t           *cr,
           const ClsPlotArea *area,
           const Item        *item)
{
  ClsPlotColor c = item_color (p, item);
  guint start = 0;

  /* One polygon per run of finite points. */
  while (start < item->n)
    {
      guint end = start;

      while (end < item->n && isfinite (item->x[end]) && isfinite (item->y[end]) &&
             isfinite (item->y2[end]))
        end++;

      for (guint i = start; i < end; i++)
        {
          double dx, dy;

          cls_plot_data_to_device (area, item->x[i], item->y2[i], &dx, &dy);
          if (i == start)
            cairo_move_to (cr, dx, dy);
          else
            cairo_line_to (cr, dx, dy);
        }
      for (guint i = end; i > start; i--)
        {
          double dx, dy;

          cls_plot_data_to_device (area, item->x[i - 1], item->y[i - 1], &dx, &dy);
          cairo_line_to (cr, dx, dy);
        }
      if (end > start)
        cairo_close_path (cr);

      start = end + 1;
    }

  c.alpha = 0.3;
  set_color (cr, c);
  cairo_fill (cr);
}

static void
ref_line_ends (const ClsPlotArea *area,
               const Item        *item,
               double            *x0,
               double            *y0,
               double            *x1,
               double            *y1)
{
  switch (item->kind)
    {
    case ITEM_HLINE:
      cls_plot_data_to_device (area, area->x_lo, item->value, x0, y0);
      cls_plot_data_to_device (area, area->x_hi, item->value, x1, y1);
      break;
    case ITEM_VLINE:
      cls_plot_data_to_device (area, item->value, area->y_lo, x0, y0);
      cls_plot_data_to_device (area, item->value, area->y_hi, x1, y1);
      break;
    default:
      cls_plot_data_to_device (area, area->x_lo, item->value + item->slope * area->x_lo, x0, y0);
      cls_plot_data_to_device (area, area->x_hi, item->value + item->slope * area->x_hi, x1, y1);
      break;
    }
}

static void
draw_item (Painter           *p,
           cairo_t           *cr,
           const ClsPlotArea *area,
           const Item        *item)
{
  double x0, y0, x1, y1;

  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_width (cr, item_line_width (p, item));
  set_dash (cr, item->dash, p->lw);
  set_color (cr, item_color (p, item));

  switch (item->kind)
    {
    case ITEM_BAND:
      draw_band (p, cr, area, item);
      break;
    case ITEM_BARS:
      draw_bars (p, cr, area, item);
      break;
    case ITEM_HLINE:
    case ITEM_VLINE:
    case ITEM_ABLINE:
      if (!isfinite (item->value) || !isfinite (item->slope))
        break;
      ref_line_ends (area, item, &x0, &y0, &x1, &y1);
      cairo_move_to (cr, x0, y0);
      cairo_line_to (cr, x1, y1);
      cairo_stroke (cr);
      break;
    case ITEM_LINE:
    case ITEM_STEP:
    default:
      path_points (cr, area, item);
      cairo_stroke (cr);
      break;
    }
}

static void
draw_points (Painter           *p,
             cairo_t           *cr,
             const ClsPlotArea *area,
             const Item        *item)
{
  ClsPlotColor c = item_color (p, item);
  double cap = p->fs * 0.25;

  if (item->y2 != NULL)
    {
      cairo_set_dash (cr, NULL, 0, 0);
      cairo_set_line_width (cr, p->lw);
      set_color (cr, c);
      for (guint i = 0; i < item->n; i++)
        {
          double dx, lo, hi;

          if (!isfinite (item->x[i]) || !isfinite (item->y[i]) || !(item->y2[i] > 0))
            continue;
          cls_plot_data_to_device (area, item->x[i], item->y[i] - item->y2[i], &dx, &lo);
          cls_plot_data_to_device (area, item->x[i], item->y[i] + item->y2[i], NULL, &hi);
          cairo_move_to (cr, dx, lo);
          cairo_line_to (cr, dx, hi);
          cairo_move_to (cr, dx - cap, lo);
          cairo_line_to (cr, dx + cap, lo);
          cairo_move_to (cr, dx - cap, hi);
          cairo_line_to (cr, dx + cap, hi);
        }
      cairo_stroke (cr);
    }

  if (item->markers)
    for (guint i = 0; i < item->n; i++)
      {
        double dx, dy;

        if (!isfinite (item->x[i]) || !isfinite (item->y[i]))
          continue;
        cls_plot_data_to_device (area, item->x[i], item->y[i], &dx, &dy);
        draw_marker (p, cr, item, dx, dy, item->hollow != NULL && item->hollow[i]);
      }
}

static void
draw_axes (const ClsPlot *self,
           Painter       *p,
           cairo_t       *cr,
           const Frame   *f)
{
  const ClsPlotArea *a = &f->area;
  double bottom = a->y + a->height;

  cairo_set_dash (cr, NULL, 0, 0);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_BUTT);

  /* Grid: one device unit, on pixel centres. */
  cairo_set_line_width (cr, 1);
  set_color (cr, p->grid);
  for (guint i = 0; f->have_xt && i < f->xt.n; i++)
    {
      double dx;

      cls_plot_data_to_device (a, cls_plot_ticks_get (&f->xt, i), 0, &dx, NULL);
      dx = floor (dx) + 0.5;
      cairo_move_to (cr, dx, a->y);
      cairo_line_to (cr, dx, bottom);
    }
  for (guint i = 0; f->have_yt && i < f->yt.n; i++)
    {
      double dy;

      cls_plot_data_to_device (a, 0, cls_plot_ticks_get (&f->yt, i), NULL, &dy);
      dy = floor (dy) + 0.5;
      cairo_move_to (cr, a->x, dy);
      cairo_line_to (cr, a->x + a->width, dy);
    }
  cairo_stroke (cr);
}

static void
draw_frame (const ClsPlot *self,
            Painter       *p,
            cairo_t       *cr,
            const Frame   *f,
            double         width)
{
  const ClsPlotArea *a = &f->area;
  double bottom = a->y + a->height;
  double lw = MAX (1.0, p->lw * 0.8);

  cairo_set_dash (cr, NULL, 0, 0);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_SQUARE);
  cairo_set_line_width (cr, lw);
  set_color (cr, p->axis);
  cairo_move_to (cr, a->x, a->y);
  cairo_line_to (cr, a->x, bottom);
  cairo_line_to (cr, a->x + a->width, bottom);
  cairo_stroke (cr);

  cairo_set_line_cap (cr, CAIRO_LINE_CAP_BUTT);
  for (guint i = 0; f->have_xt && i < f->xt.n; i++)
    {
      g_autofree char *label = cls_plot_ticks_format (&f->xt, i);
      double dx;

      cls_plot_data_to_device (a, cls_plot_ticks_get (&f->xt, i), 0, &dx, NULL);
      set_color (cr, p->axis);
      cairo_move_to (cr, dx, bottom);
      cairo_line_to (cr, dx, bottom + f->tick_len);
      cairo_stroke (cr);
      draw_text (p, cr, label, 0.9, 0, 0, dx, bottom + f->tick_len + p->pad * 0.3, 0.5, 0, 0, p->fg);
    }
  for (guint i = 0; f->have_yt && i < f->yt.n; i++)
    {
      g_autofree char *label = cls_plot_ticks_format (&f->yt, i);
      double dy;

      cls_plot_data_to_device (a, 0, cls_plot_ticks_get (&f->yt, i), NULL, &dy);
      set_color (cr, p->axis);
      cairo_move_to (cr, a->x, dy);
      cairo_line_to (cr, a->x - f->tick_len, dy);
      cairo_stroke (cr);
      draw_text (p, cr, label, 0.9, 0, 0, a->x - f->tick_len - p->pad * 0.3, dy, 1, 0.5, 0, p->fg);
    }

  if (self->x_label)
    {
      double line_h;

      text_size (p, "0", 0.9, 0, 0, NULL, &line_h);
      draw_text (p, cr, self->x_label, 1.0, TEXT_FIT, a->width, a->x + a->width / 2,
                 bottom + f->tick_len + p->pad * 0.6 + line_h, 0.5, 0, 0, p->fg);
    }
  if (self->y_label)
    draw_text (p, cr, self->y_label, 1.0, TEXT_FIT, a->height,
               p->pad, a->y + a->height / 2, 0.5, 0, -G_PI / 2, p->fg);
  if (self->title)
    draw_text (p, cr, self->title, 1.1, TEXT_BOLD | TEXT_WRAP, width - 2 * p->pad,
               width / 2, p->pad, 0.5, 0, 0, p->fg);
}

/* Something the legend should not cover. */
typedef struct {
  double x0, y0, x1, y1;
  double weight;
} Obstacle;

static void
add_obstacle (GArray *obstacles,
              double  x0,
              double  y0,
              double  x1,
              double  y1,
              double  weight)
{
  Obstacle o = { MIN (x0, x1), MIN (y0, y1), MAX (x0, x1), MAX (y0, y1), weight };

  g_array_append_val (obstacles, o);
}

static void
draw_label_box (Painter      *p,
                cairo_t      *cr,
                const char   *markup,
                double        x,
                double        y,
                double        w,
                double        h,
                ClsPlotColor  color)
{
  ClsPlotColor halo = p->bg;

  halo.alpha = 0.8;
  set_color (cr, halo);
  cairo_rectangle (cr, x - 2, y, w + 4, h);
  cairo_fill (cr);
  draw_text (p, cr, markup, 0.9, 0, 0, x, y, 0, 0, 0, color);
}

/* Labels of reference lines: vertical lines get theirs along the top edge,
 * stacked when they would overlap; horizontal and sloped lines near their
 * right or left end. */
static void
draw_annotations (const ClsPlot     *self,
                  Painter           *p,
                  cairo_t           *cr,
                  const ClsPlotArea *a,
                  GArray            *obstacles)
{
  g_autoptr(GArray) placed = g_array_new (FALSE, FALSE, sizeof (Obstacle));
  double row_h;

  text_size (p, "0", 0.9, 0, 0, NULL, &row_h);

  for (guint i = 0; i < self->items->len; i++)
    {
      const Item *item = g_ptr_array_index (self->items, i);
      double w, h, x, y, dx, dy;
      ClsPlotColor c;

      if (item->label == NULL || !isfinite (item->value))
        continue;

      text_size (p, item->label, 0.9, 0, 0, &w, &h);
      c = item_color (p, item);

      if (item->kind == ITEM_VLINE)
        {
          guint row = 0;
          gboolean clash;

          cls_plot_data_to_device (a, item->value, 0, &dx, NULL);
          if (dx < a->x - 1 || dx > a->x + a->width + 1)
            continue;
          x = dx + p->lw * 1.5 + 1;
          if (x + w > a->x + a->width - 2)
            x = dx - p->lw * 1.5 - 1 - w;

          do
            {
              clash = FALSE;
              y = a->y + 2 + row * (row_h + 1);
              for (guint j = 0; j < placed->len; j++)
                {
                  const Obstacle *o = &g_array_index (placed, Obstacle, j);

                  if (x - 2 < o->x1 && x + w + 2 > o->x0 && y < o->y1 && y + h > o->y0)
                    clash = TRUE;
                }
              row++;
            }
          while (clash && row < 8);
        }
      else if (item->kind == ITEM_HLINE)
        {
          cls_plot_data_to_device (a, 0, item->value, NULL, &dy);
          if (dy < a->y - 1 || dy > a->y + a->height + 1)
            continue;
          x = a->x + a->width - w - p->pad * 0.5;
          y = dy - h - p->lw;
          if (y < a->y)
            y = dy + p->lw;
        }
      else if (item->kind == ITEM_ABLINE)
        {
          double xd = a->x_lo + (a->x_hi - a->x_lo) * 0.04;

          cls_plot_data_to_device (a, xd, item->value + item->slope * xd, &dx, &dy);
          x = dx;
          y = dy - h - p->lw * 2;
          if (y < a->y)
            y = dy + p->lw * 2;
        }
      else
        continue;

      draw_label_box (p, cr, item->label, x, y, w, h, c);
      add_obstacle (placed, x, y, x + w, y + h, 1);
      add_obstacle (obstacles, x, y, x + w, y + h, 50);
    }
}

static void
collect_obstacles (const ClsPlot     *self,
                   const ClsPlotArea *a,
                   GArray            *obstacles)
{
  for (guint i = 0; i < self->items->len; i++)
    {
      const Item *item = g_ptr_array_index (self->items, i);

      if (item->kind == ITEM_BAND)
        for (guint j = 0; j < item->n; j++)
          {
            double dx, dy, dy2;

            if (!isfinite (item->x[j]) || !isfinite (item->y[j]) || !isfinite (item->y2[j]))
              continue;
            cls_plot_data_to_device (a, item->x[j], item->y[j], &dx, &dy);
            cls_plot_data_to_device (a, item->x[j], item->y2[j], NULL, &dy2);
            add_obstacle (obstacles, dx - 2, dy, dx + 2, dy2, 0.2);
          }
      else if (item->kind == ITEM_LINE || item->kind == ITEM_STEP)
        {
          guint stride = MAX (1, item->n / 1000);
          double px = 0, py = 0;
          gboolean have = FALSE;

          /* Points along the segments, about every 8 device units. */
          for (guint j = 0; j < item->n; j += stride)
            {
              double dx, dy;
              guint steps;

              if (!isfinite (item->x[j]) || !isfinite (item->y[j]))
                {
                  have = FALSE;
                  continue;
                }
              cls_plot_data_to_device (a, item->x[j], item->y[j], &dx, &dy);
              steps = have ? (guint) MIN (hypot (dx - px, dy - py) / 8, 200) : 0;
              for (guint s = 1; s <= steps; s++)
                {
                  double f = (double) s / (steps + 1);
                  double sx = px + (dx - px) * f;
                  double sy = item->kind == ITEM_STEP ? py : py + (dy - py) * f;

                  add_obstacle (obstacles, sx - 2, sy - 2, sx + 2, sy + 2, 1);
                }
              add_obstacle (obstacles, dx - 3, dy - 3, dx + 3, dy + 3, 2);
              px = dx;
              py = dy;
              have = TRUE;
            }
        }
      else if (item->kind == ITEM_HLINE || item->kind == ITEM_VLINE || item->kind == ITEM_ABLINE)
        {
          double x0, y0, x1, y1;
          guint steps;

          if (!isfinite (item->value) || !isfinite (item->slope))
            continue;
          ref_line_ends (a, item, &x0, &y0, &x1, &y1);
          steps = (guint) MIN (hypot (x1 - x0, y1 - y0) / 8, 1000);
          for (guint s = 0; s <= steps; s++)
            {
              double sx = x0 + (x1 - x0) * s / MAX (steps, 1);
              double sy = y0 + (y1 - y0) * s / MAX (steps, 1);

              add_obstacle (obstacles, sx - 2, sy - 2, sx + 2, sy + 2, 0.5);
            }
        }
      else if (item->kind == ITEM_BARS)
        for (guint b = 0; b < item->n; b++)
          {
            double x0, x1, top, base;

            if (!(item->y[b] > 0))
              continue;
            bar_rect (a, item, b, &x0, &x1, &top, &base);
            add_obstacle (obstacles, x0, top, x1, base, 3);
          }
    }
}

static double
obstacle_cost (GArray *obstacles,
               double  x0,
               double  y0,
               double  x1,
               double  y1)
{
  double cost = 0;

  for (guint i = 0; i < obstacles->len; i++)
    {
      const Obstacle *o = &g_array_index (obstacles, Obstacle, i);
      double w = MIN (x1, o->x1) - MAX (x0, o->x0);
      double h = MIN (y1, o->y1) - MAX (y0, o->y0);

      if (w > 0 && h > 0)
        cost += o->weight;
    }

  return cost;
}

static void
draw_legend_sample (Painter    *p,
                    cairo_t    *cr,
                    const Item *item,
                    double      x,
                    double      y,
                    double      w,
                    double      h)
{
  ClsPlotColor c = item_color (p, item);
  double cy = y + h / 2;

  switch (item->kind)
    {
    case ITEM_BARS:
    case ITEM_BAND:
      cairo_rectangle (cr, x + w * 0.15, y + h * 0.2, w * 0.7, h * 0.6);
      if (item->kind == ITEM_BAND)
        c.alpha = 0.3;
      set_color (cr, item->kind == ITEM_BARS ? mix (c, p->bg, 0.3) : c);
      cairo_fill_preserve (cr);
      if (item->kind == ITEM_BARS)
        {
          set_color (cr, c);
          cairo_set_line_width (cr, 1);
          cairo_stroke (cr);
        }
      cairo_new_path (cr);
      break;
    default:
      cairo_set_line_width (cr, item_line_width (p, item));
      set_dash (cr, item->dash, p->lw);
      set_color (cr, c);
      cairo_move_to (cr, x, cy);
      cairo_line_to (cr, x + w, cy);
      cairo_stroke (cr);
      if (item->markers)
        draw_marker (p, cr, item, x + w / 2, cy, FALSE);
      break;
    }
}

static void
draw_legend (const ClsPlot     *self,
             Painter           *p,
             cairo_t           *cr,
             const ClsPlotArea *a,
             GArray            *obstacles)
{
  double sample_w = p->fs * 2.2, gap = p->fs * 0.5, inset = p->pad * 0.6;
  double text_w = 0, row_h = 0, box_w, box_h, best_cost = G_MAXDOUBLE;
  double bx = 0, by = 0, y;
  guint n = 0;

  for (guint i = 0; i < self->items->len; i++)
    {
      const Item *item = g_ptr_array_index (self->items, i);
      double w, h;

      if (item->name == NULL)
        continue;
      text_size (p, item->name, 0.9, 0, 0, &w, &h);
      text_w = MAX (text_w, w);
      row_h = MAX (row_h, h);
      n++;
    }
  if (n == 0)
    return;

  box_w = inset * 2 + sample_w + gap + text_w;
  box_h = inset * 2 + n * row_h;

  /* The place that hides the least: the top right, top left, bottom right
   * and bottom left corners, then the middle of the right and left edges,
   * in that order of preference. */
  for (guint place = 0; place < 6; place++)
    {
      double x = place % 2 == 0 ? a->x + a->width - box_w - p->pad * 0.5 : a->x + p->pad * 0.5;
      double cy = place < 2 ? a->y + p->pad * 0.5
                : place < 4 ? a->y + a->height - box_h - p->pad * 0.5
                : a->y + (a->height - box_h) / 2;
      double cost = obstacle_cost (obstacles, x, cy, x + box_w, cy + box_h) + place * 0.01;

      if (cost < best_cost)
        {
          best_cost = cost;
          bx = x;
          by = cy;
        }
    }

  {
    ClsPlotColor fill = p->bg;

    fill.alpha = 0.88;
    cairo_rectangle (cr, bx + 0.5, by + 0.5, box_w, box_h);
    set_color (cr, fill);
    cairo_fill_preserve (cr);
    set_color (cr, mix (p->bg, p->fg, 0.25));
    cairo_set_line_width (cr, 1);
    cairo_set_dash (cr, NULL, 0, 0);
    cairo_stroke (cr);
  }

  y = by + inset;
  for (guint i = 0; i < self->items->len; i++)
    {
      const Item *item = g_ptr_array_index (self->items, i);

      if (item->name == NULL)
        continue;
      draw_legend_sample (p, cr, item, bx + inset, y, sample_w, row_h);
      draw_text (p, cr, item->name, 0.9, 0, 0, bx + inset + sample_w + gap, y, 0, 0, 0, p->fg);
      y += row_h;
    }
}

/**
 * cls_plot_draw:
 * @self: a plot
 * @cr: where to draw (its current transformation is respected)
 * @width: the size of the figure in user units of @cr
 * @height: the size of the figure
 * @style: colours and font
 * @area: (out caller-allocates) (optional): where the data went, for
 *   cls_plot_pick() and cls_plot_data_to_device()
 *
 * Draws the whole figure: background, grid, items, axes with ticks at round
 * numbers, labels, title and legend. Only walks precomputed points.
 */
void
cls_plot_draw (const ClsPlot      *self,
               cairo_t            *cr,
               double              width,
               double              height,
               const ClsPlotStyle *style,
               ClsPlotArea        *area)
{
  g_autoptr(GArray) obstacles = g_array_new (FALSE, FALSE, sizeof (Obstacle));
  Painter p;
  Frame f;
  const ClsPlotArea *a;
  const ItemKind order[] = { ITEM_BAND, ITEM_BARS, ITEM_HLINE, ITEM_ABLINE, ITEM_VLINE,
                             ITEM_LINE, ITEM_STEP };

  g_return_if_fail (self != NULL && cr != NULL && style != NULL);

  painter_init (&p, style, width, height);
  frame_compute (self, &p, width, height, &f);
  a = &f.area;

  cairo_save (cr);

  set_color (cr, p.bg);
  cairo_rectangle (cr, 0, 0, width, height);
  cairo_fill (cr);

  draw_axes (self, &p, cr, &f);

  cairo_save (cr);
  cairo_rectangle (cr, a->x, a->y, a->width, a->height);
  cairo_clip (cr);
  for (guint k = 0; k < G_N_ELEMENTS (order); k++)
    for (guint i = 0; i < self->items->len; i++)
      {
        const Item *item = g_ptr_array_index (self->items, i);

        if (item->kind == order[k])
          draw_item (&p, cr, a, item);
      }
  cairo_restore (cr);

  /* Markers and error bars may stick out of the data area by their size. */
  cairo_save (cr);
  cairo_rectangle (cr, a->x - p.fs, a->y - p.fs, a->width + 2 * p.fs, a->height + 2 * p.fs);
  cairo_clip (cr);
  for (guint i = 0; i < self->items->len; i++)
    {
      const Item *item = g_ptr_array_index (self->items, i);

      if (item->kind == ITEM_LINE)
        draw_points (&p, cr, a, item);
    }
  cairo_restore (cr);

  draw_frame (self, &p, cr, &f, width);

  collect_obstacles (self, a, obstacles);
  draw_annotations (self, &p, cr, a, obstacles);
  draw_legend (self, &p, cr, a, obstacles);

  if (self->message)
    {
      g_autofree char *markup = g_markup_escape_text (self->message, -1);

      draw_text (&p, cr, markup, 1.0, TEXT_WRAP, a->width - 2 * p.pad,
                 a->x + a->width / 2, a->y + a->height / 2, 0.5, 0.5, 0,
                 mix (p.bg, p.fg, 0.7));
    }

  cairo_restore (cr);

  if (area)
    *area = *a;
  painter_clear (&p);
}

/**
 * cls_plot_draw_hit:
 * @hit: what cls_plot_pick() found
 * @cr: where the plot was drawn
 * @area: its area
 * @style: its style
 *
 * Rings the found point in the accent colour (drawn over the plot).
 */
void
cls_plot_draw_hit (const ClsPlotHit   *hit,
                   cairo_t            *cr,
                   const ClsPlotArea  *area,
                   const ClsPlotStyle *style)
{
  double r = area->font_size * 0.45;

  cairo_save (cr);
  cairo_new_path (cr);
  cairo_arc (cr, hit->device_x, hit->device_y, r, 0, 2 * G_PI);
  set_color (cr, style->bg);
  cairo_set_line_width (cr, MAX (3.0, area->font_size / 4));
  cairo_stroke_preserve (cr);
  set_color (cr, style->accent);
  cairo_set_line_width (cr, MAX (1.5, area->font_size / 8));
  cairo_stroke (cr);
  cairo_restore (cr);
}

/* ------------------------------------------------------------------------ */
/* Hover readout                                                              */

void
cls_plot_hit_clear (ClsPlotHit *hit)
{
  g_clear_pointer (&hit->text, g_free);
  memset (hit, 0, sizeof *hit);
}

typedef struct {
  gboolean found;
  double   dist;
  guint    item;
  guint    index;
  double   x, y, dx, dy;
} Candidate;

static void
offer (Candidate *best,
       double     dist,
       guint      item,
       guint      index,
       double     x,
       double     y,
       double     dx,
       double     dy)
{
  if (best->found && dist >= best->dist)
    return;
  *best = (Candidate) { TRUE, dist, item, index, x, y, dx, dy };
}

/* The last step at or left of x, or -1. */
static int
step_index (const Item *item,
            double      x)
{
  guint lo = 0, hi = item->n;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (item->x[mid] <= x)
        lo = mid + 1;
      else
        hi = mid;
    }

  return (int) lo - 1;
}

static double
step_right_end (const Item        *item,
                const ClsPlotArea *area)
{
  return MAX (area->x_hi, item->x[item->n - 1]);
}

static void
pick_item (const Item        *item,
           guint              i,
           const ClsPlotArea *area,
           double             px,
           double             py,
           double             radius,
           Candidate         *best,
           Candidate         *fallback)
{
  double mx, dx, dy;

  cls_plot_device_to_data (area, px, py, &mx, NULL);

  switch (item->kind)
    {
    case ITEM_LINE:
      for (guint j = 0; j < item->n; j++)
        {
          double d;

          if (!isfinite (item->x[j]) || !isfinite (item->y[j]))
            continue;
          cls_plot_data_to_device (area, item->x[j], item->y[j], &dx, &dy);
          d = hypot (dx - px, dy - py);
          if (d <= radius)
            offer (best, d, i, j, item->x[j], item->y[j], dx, dy);
        }
      break;

    case ITEM_STEP:
      {
        int j = step_index (item, mx);

        if (j < 0 || item->n == 0 || mx > step_right_end (item, area) || !isfinite (item->y[j]))
          break;
        cls_plot_data_to_device (area, mx, item->y[j], NULL, &dy);
        if (fabs (dy - py) <= radius)
          offer (best, fabs (dy - py), i, j, mx, item->y[j], px, dy);
        offer (fallback, fabs (dy - py), i, j, mx, item->y[j], px, dy);
      }
      break;

    case ITEM_BAND:
      for (guint j = 0; j < item->n; j++)
        {
          double top, bot;

          if (!isfinite (item->x[j]) || !isfinite (item->y[j]) || !isfinite (item->y2[j]))
            continue;
          cls_plot_data_to_device (area, item->x[j], item->y2[j], &dx, &top);
          cls_plot_data_to_device (area, item->x[j], item->y[j], NULL, &bot);
          if (fabs (dx - px) <= radius && py >= top - radius && py <= bot + radius)
            offer (best, radius * 0.75 + fabs (dx - px) * 0.01, i, j, item->x[j],
                   (item->y[j] + item->y2[j]) / 2, dx, py);
        }
      break;

    case ITEM_BARS:
      for (guint b = 0; b < item->n; b++)
        {
          double x0, x1, top, base;

          if (!(item->y[b] > 0))
            continue;
          bar_rect (area, item, b, &x0, &x1, &top, &base);
          if (px >= x0 && px <= x1 && py >= top - radius / 2 && py <= base)
            offer (best, radius * 0.7, i, b, item->x[b], item->y[b], (x0 + x1) / 2, top);
        }
      break;

    case ITEM_HLINE:
      cls_plot_data_to_device (area, 0, item->value, NULL, &dy);
      if (fabs (dy - py) <= radius)
        offer (best, fabs (dy - py), i, 0, mx, item->value, px, dy);
      break;

    case ITEM_VLINE:
      cls_plot_data_to_device (area, item->value, 0, &dx, NULL);
      if (fabs (dx - px) <= radius)
        offer (best, fabs (dx - px), i, 0, item->value, 0, dx, py);
      break;

    case ITEM_ABLINE:
      cls_plot_data_to_device (area, mx, item->value + item->slope * mx, NULL, &dy);
      if (fabs (dy - py) <= radius)
        offer (best, fabs (dy - py), i, 0, mx, item->value + item->slope * mx, px, dy);
      break;

    default:
      break;
    }
}

static const char *
note_of (const Item *item,
         guint       index)
{
  return item->notes != NULL && index < MAX (item->n, 1) ? item->notes[index] : NULL;
}

static char *
hit_text (const Item        *item,
          const Candidate   *c,
          const ClsPlotArea *area)
{
  g_autofree char *prefix = NULL;
  g_autofree char *x_text = cls_plot_format_number (c->x, area->x_decimals + 1);
  g_autofree char *y_text = cls_plot_format_number (c->y, area->y_decimals + 1);
  const char *hx = item->hover_x ? item->hover_x : "x";
  const char *hy = item->hover_y ? item->hover_y : "y";
  const char *note = note_of (item, c->index);
  GString *s = g_string_new (NULL);

  if (item->name != NULL && item->kind != ITEM_VLINE && item->kind != ITEM_HLINE)
    {
      prefix = markup_to_text (item->name);
      g_string_append_printf (s, "%s: ", prefix);
    }

  switch (item->kind)
    {
    case ITEM_BARS:
      {
        g_autofree char *a = cls_plot_format_number (item->x[c->index], area->x_decimals + 1);
        g_autofree char *b = cls_plot_format_number (item->x[c->index + 1], area->x_decimals + 1);
        double h = item->y[c->index];
        g_autofree char *count = cls_plot_format_number (h, h == floor (h) ? 0 : area->y_decimals + 1);
        gboolean last = c->index + 1 == item->n;

        /* Translators: a histogram bin and its count, "t ∈ [0.60, 0.65): 7 cases" */
        g_string_append_printf (s, last ? _("%s ∈ [%s, %s]: %s %s") : _("%s ∈ [%s, %s): %s %s"),
                                hx, a, b, count, item->hover_y ? item->hover_y : "");
      }
      break;

    case ITEM_BAND:
      {
        g_autofree char *lo = cls_plot_format_number (item->y[c->index], area->y_decimals + 1);
        g_autofree char *hi = cls_plot_format_number (item->y2[c->index], area->y_decimals + 1);

        /* Translators: a band at one x, "α = 0.10: 0.83 – 0.97" */
        g_string_append_printf (s, _("%s = %s: %s – %s"), hx, x_text, lo, hi);
      }
      break;

    case ITEM_VLINE:
      g_string_append_printf (s, "%s = %s", hx, x_text);
      break;

    case ITEM_HLINE:
      g_string_append_printf (s, "%s = %s", hy, y_text);
      break;

    default:
      g_string_append_printf (s, "%s = %s, %s = %s", hx, x_text, hy, y_text);
      if (item->kind == ITEM_LINE && item->y2 != NULL && isfinite (item->y2[c->index]))
        {
          g_autofree char *e = cls_plot_format_number (item->y2[c->index], area->y_decimals + 1);
          g_string_append_printf (s, " ± %s", e);
        }
      break;
    }

  if (note != NULL)
    g_string_append_printf (s, " (%s)", note);

  return g_string_free (s, FALSE);
}

/**
 * cls_plot_pick:
 * @self: a plot
 * @area: where it was drawn (from cls_plot_draw())
 * @device_x: the pointer
 * @device_y: the pointer
 * @hit: (out caller-allocates): what is under it; clear with
 *   cls_plot_hit_clear()
 *
 * Finds the data item nearest to the pointer within about a font size: a
 * point of a line, a bar, a band, a reference line, or the value of a step
 * function at the pointer's x. Over a step function the readout follows the
 * pointer anywhere above or below the curve when nothing else is near.
 *
 * Returns: whether something was found
 */
gboolean
cls_plot_pick (const ClsPlot     *self,
               const ClsPlotArea *area,
               double             device_x,
               double             device_y,
               ClsPlotHit        *hit)
{
  Candidate best = { 0 }, fallback = { 0 };
  double radius = MAX (6.0, area->font_size * 0.8);
  const Item *item;

  memset (hit, 0, sizeof *hit);

  if (device_x < area->x - radius || device_x > area->x + area->width + radius ||
      device_y < area->y - radius || device_y > area->y + area->height + radius)
    return FALSE;

  /* Later items are drawn on top, so they win ties. */
  for (guint i = self->items->len; i > 0; i--)
    pick_item (g_ptr_array_index (self->items, i - 1), i - 1, area, device_x, device_y,
               radius, &best, &fallback);

  if (!best.found)
    {
      if (!fallback.found || device_x < area->x || device_x > area->x + area->width)
        return FALSE;
      best = fallback;
    }

  item = g_ptr_array_index (self->items, best.item);
  hit->item = best.item;
  hit->index = best.index;
  hit->x = best.x;
  hit->y = best.y;
  hit->device_x = best.dx;
  hit->device_y = best.dy;
  hit->text = hit_text (item, &best, area);

  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* Files                                                                      */

/**
 * cls_plot_format_from_path:
 * @path: a file name ending in .png, .svg or .pdf (any case)
 * @format: (out): the format
 * @error: return location for a #GError
 *
 * Returns: %FALSE with @error naming the file for another ending
 */
gboolean
cls_plot_format_from_path (const char     *path,
                           ClsPlotFormat  *format,
                           GError        **error)
{
  g_autofree char *lower = g_ascii_strdown (path, -1);

  if (g_str_has_suffix (lower, ".png"))
    *format = CLS_PLOT_FORMAT_PNG;
  else if (g_str_has_suffix (lower, ".svg"))
    *format = CLS_PLOT_FORMAT_SVG;
  else if (g_str_has_suffix (lower, ".pdf"))
    *format = CLS_PLOT_FORMAT_PDF;
  else
    {
      g_set_error (error, CLS_ERROR, CLS_ERROR_INVALID_ARGUMENT,
                   _("%s: unknown figure format; the name must end in .png, .svg or .pdf"), path);
      return FALSE;
    }

  return TRUE;
}

static cairo_status_t
append_bytes (void                *closure,
              const unsigned char *data,
              unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

#define CLS_PLOT_MAX_SIZE 16384

/**
 * cls_plot_render:
 * @self: a plot
 * @format: PNG, SVG or PDF
 * @style: (nullable): colours and font (%NULL: cls_plot_style_init_light())
 * @width: the figure's width, pixels (PNG) or points (SVG, PDF)
 * @height: its height
 * @error: return location for a #GError
 *
 * Renders the figure into memory.
 *
 * Returns: (transfer full) (nullable): the file's bytes
 */
GBytes *
cls_plot_render (const ClsPlot       *self,
                 ClsPlotFormat        format,
                 const ClsPlotStyle  *style,
                 int                  width,
                 int                  height,
                 GError             **error)
{
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  ClsPlotStyle light;
  cairo_surface_t *surface;
  cairo_status_t status;
  cairo_t *cr;

  if (width < 1 || height < 1 || width > CLS_PLOT_MAX_SIZE || height > CLS_PLOT_MAX_SIZE)
    {
      g_set_error (error, CLS_ERROR, CLS_ERROR_INVALID_ARGUMENT,
                   _("A figure of %d × %d is not possible; each side must be 1 to %d"),
                   width, height, CLS_PLOT_MAX_SIZE);
      return NULL;
    }

  if (style == NULL)
    {
      cls_plot_style_init_light (&light);
      style = &light;
    }

  switch (format)
    {
    case CLS_PLOT_FORMAT_SVG:
      surface = cairo_svg_surface_create_for_stream (append_bytes, bytes, width, height);
      break;
    case CLS_PLOT_FORMAT_PDF:
      surface = cairo_pdf_surface_create_for_stream (append_bytes, bytes, width, height);
      if (self->title)
        {
          g_autofree char *title = markup_to_text (self->title);
          cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, title);
        }
      cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, PACKAGE_NAME);
      break;
    case CLS_PLOT_FORMAT_PNG:
    default:
      surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
      break;
    }

  cr = cairo_create (surface);
  cls_plot_draw (self, cr, width, height, style, NULL);
  status = cairo_status (cr);
  cairo_destroy (cr);

  if (status == CAIRO_STATUS_SUCCESS && format == CLS_PLOT_FORMAT_PNG)
    status = cairo_surface_write_to_png_stream (surface, append_bytes, bytes);
  cairo_surface_finish (surface);
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);

  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, CLS_ERROR, CLS_ERROR_IO, _("Could not draw the figure: %s"),
                   cairo_status_to_string (status));
      return NULL;
    }

  return g_byte_array_free_to_bytes (g_steal_pointer (&bytes));
}

/**
 * cls_plot_save:
 * @self: a plot
 * @path: the file; its ending (.png, .svg, .pdf) picks the format
 * @style: (nullable): colours and font (%NULL: light, as for print)
 * @width: the figure's width, pixels (PNG) or points (SVG, PDF)
 * @height: its height
 * @error: return location for a #GError
 *
 * Renders in memory, then writes the file atomically: it appears whole or
 * not at all, and a file already there survives a failure.
 *
 * Returns: %TRUE on success; otherwise @error names the file and the problem
 */
gboolean
cls_plot_save (const ClsPlot       *self,
               const char          *path,
               const ClsPlotStyle  *style,
               int                  width,
               int                  height,
               GError             **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) local_error = NULL;
  ClsPlotFormat format;
  gsize len;
  const void *data;

  g_return_val_if_fail (self != NULL && path != NULL, FALSE);

  if (!cls_plot_format_from_path (path, &format, error))
    return FALSE;

  bytes = cls_plot_render (self, format, style, width, height, &local_error);
  if (bytes == NULL)
    {
      g_set_error (error, local_error->domain, local_error->code, "%s: %s", path, local_error->message);
      return FALSE;
    }

  data = g_bytes_get_data (bytes, &len);
  return cls_atomic_write (path, data, len, error);
}
