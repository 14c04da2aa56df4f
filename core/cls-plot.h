/* cls-plot.h: one drawing routine for the screen and for files
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A #ClsPlot is a retained, precomputed figure: axes with their ranges and
 * labels, and items (lines, steps, bands, bars, reference lines) whose points
 * are already in data coordinates. It is built once, possibly on a worker
 * thread, and is immutable from then on; drawing only walks its points, so
 * repainting (a resize, a hover) costs no computation on the data.
 *
 * Drawing goes to any cairo_t: the app's widget, an image surface, or the
 * SVG and PDF surfaces that cls_plot_save() writes atomically. Text is set
 * with Pango, so labels may use Pango markup (t<sub>i</sub>, ε, α, t̂).
 *
 * Colours are named by meaning (#ClsPlotInk) and resolved against a
 * #ClsPlotStyle at draw time, so the same plot suits a light or dark theme
 * and the meanings stay fixed across panels: the fixed t = 0.5 is blue, the
 * calibrated t̂ orange, the theory a grey band, 1 − α a dashed foreground
 * line. The palette is Okabe and Ito's, safe for colour-blind readers.
 */
#pragma once

#include <cairo.h>
#include <glib-object.h>

G_BEGIN_DECLS

/**
 * ClsPlotColor:
 * @red: 0..1
 * @green: 0..1
 * @blue: 0..1
 * @alpha: 0..1
 */
typedef struct {
  double red;
  double green;
  double blue;
  double alpha;
} ClsPlotColor;

/**
 * ClsPlotStyle:
 * @fg: text, axes and the 1 − α line
 * @bg: the background (filled first)
 * @accent: the hover highlight
 * @font_size: text size in device units (pixels); 0 or less picks one from
 *   the figure's size (readable from 400x300 to 1200x900 and beyond)
 * @font_family: (nullable): the font family, %NULL for "Sans"
 */
typedef struct {
  ClsPlotColor  fg;
  ClsPlotColor  bg;
  ClsPlotColor  accent;
  double        font_size;
  const char   *font_family;
} ClsPlotStyle;

void cls_plot_style_init_light (ClsPlotStyle *style);
void cls_plot_style_init_dark  (ClsPlotStyle *style);

/**
 * ClsPlotInk:
 * @CLS_PLOT_INK_FG: the style's foreground
 * @CLS_PLOT_INK_FIXED: the fixed threshold t = 0.5 (blue)
 * @CLS_PLOT_INK_CALIBRATED: the calibrated t̂ (orange)
 * @CLS_PLOT_INK_CASE: one case's t_i (bluish green)
 * @CLS_PLOT_INK_EPSILON: the tolerated FNR ε (reddish purple)
 * @CLS_PLOT_INK_THEORY: the theory (grey)
 * @CLS_PLOT_INK_ACCENT: the style's accent
 * @CLS_PLOT_INK_SERIES: the first of the series colours for one line per
 *   model; CLS_PLOT_INK_SERIES + i is the i-th (they repeat after
 *   #CLS_PLOT_N_SERIES)
 *
 * A colour by meaning, resolved with cls_plot_style_resolve_ink().
 */
typedef enum {
  CLS_PLOT_INK_FG,
  CLS_PLOT_INK_FIXED,
  CLS_PLOT_INK_CALIBRATED,
  CLS_PLOT_INK_CASE,
  CLS_PLOT_INK_EPSILON,
  CLS_PLOT_INK_THEORY,
  CLS_PLOT_INK_ACCENT,
  CLS_PLOT_INK_SERIES,
} ClsPlotInk;

#define CLS_PLOT_N_SERIES 5

void cls_plot_style_resolve_ink (const ClsPlotStyle *style,
                                 guint               ink,
                                 ClsPlotColor       *out);

/**
 * ClsPlotDash:
 * @CLS_PLOT_DASH_SOLID: solid
 * @CLS_PLOT_DASH_DASHED: long dashes
 * @CLS_PLOT_DASH_DOTTED: dots
 * @CLS_PLOT_DASH_DASH_DOT: dash, dot
 */
typedef enum {
  CLS_PLOT_DASH_SOLID,
  CLS_PLOT_DASH_DASHED,
  CLS_PLOT_DASH_DOTTED,
  CLS_PLOT_DASH_DASH_DOT,
} ClsPlotDash;

/**
 * ClsPlotTicks:
 * @first: index of the first tick: tick i is (first + i) · step
 * @n: how many ticks fall in the range
 * @mantissa: 1, 2 or 5
 * @exponent: step = mantissa · 10^exponent
 * @decimals: digits after the decimal point that show every tick exactly
 *
 * Ticks at round numbers: multiples of 1, 2 or 5 times a power of ten.
 */
typedef struct {
  gint64 first;
  guint  n;
  guint  mantissa;
  int    exponent;
  guint  decimals;
} ClsPlotTicks;

gboolean cls_plot_ticks_compute (double              lo,
                                 double              hi,
                                 guint               target,
                                 ClsPlotTicks       *ticks);
double   cls_plot_ticks_step    (const ClsPlotTicks *ticks);
double   cls_plot_ticks_get     (const ClsPlotTicks *ticks,
                                 guint               i);
char    *cls_plot_ticks_format  (const ClsPlotTicks *ticks,
                                 guint               i);
void     cls_plot_nice_range    (double              lo,
                                 double              hi,
                                 guint               target,
                                 double             *nice_lo,
                                 double             *nice_hi);
char    *cls_plot_format_number (double              value,
                                 guint               decimals);

void     cls_plot_histogram     (const double       *values,
                                 guint               n_values,
                                 double              lo,
                                 double              hi,
                                 guint               n_bins,
                                 double             *counts);

/**
 * ClsPlotArea:
 * @x: left edge of the data area, device units
 * @y: top edge of the data area
 * @width: width of the data area
 * @height: height of the data area
 * @x_lo: the data value at the left edge
 * @x_hi: the data value at the right edge
 * @y_lo: the data value at the bottom edge
 * @y_hi: the data value at the top edge
 * @x_decimals: decimals of the x tick labels
 * @y_decimals: decimals of the y tick labels
 * @font_size: the font size used
 *
 * Where a plot drawn at some size puts its data: the mapping between data
 * and device coordinates.
 */
typedef struct {
  double x;
  double y;
  double width;
  double height;
  double x_lo;
  double x_hi;
  double y_lo;
  double y_hi;
  guint  x_decimals;
  guint  y_decimals;
  double font_size;
} ClsPlotArea;

void cls_plot_data_to_device (const ClsPlotArea *area,
                              double             x,
                              double             y,
                              double            *device_x,
                              double            *device_y);
void cls_plot_device_to_data (const ClsPlotArea *area,
                              double             device_x,
                              double             device_y,
                              double            *x,
                              double            *y);

/**
 * ClsPlotHit:
 * @item: the item under the pointer
 * @index: the point or bin within it (0 for reference lines)
 * @x: the data x of what was found
 * @y: the data y of what was found
 * @device_x: where it is drawn
 * @device_y: where it is drawn
 * @text: (transfer full): the readout, e.g. "t = 0.62, FNR = 0.18"
 *
 * What the pointer is on; clear with cls_plot_hit_clear().
 */
typedef struct {
  guint   item;
  guint   index;
  double  x;
  double  y;
  double  device_x;
  double  device_y;
  char   *text;
} ClsPlotHit;

void cls_plot_hit_clear (ClsPlotHit *hit);

#define CLS_TYPE_PLOT (cls_plot_get_type ())

typedef struct _ClsPlot ClsPlot;

GType         cls_plot_get_type          (void) G_GNUC_CONST;
ClsPlot      *cls_plot_new               (void);
ClsPlot      *cls_plot_ref               (ClsPlot            *self);
void          cls_plot_unref             (ClsPlot            *self);

void          cls_plot_set_title         (ClsPlot            *self,
                                          const char         *markup);
const char   *cls_plot_get_title         (const ClsPlot      *self);
void          cls_plot_set_x_axis        (ClsPlot            *self,
                                          const char         *markup,
                                          double              lo,
                                          double              hi);
void          cls_plot_set_y_axis        (ClsPlot            *self,
                                          const char         *markup,
                                          double              lo,
                                          double              hi);
void          cls_plot_set_message       (ClsPlot            *self,
                                          const char         *text);

guint         cls_plot_add_line          (ClsPlot            *self,
                                          guint               ink,
                                          const double       *x,
                                          const double       *y,
                                          guint               n);
guint         cls_plot_add_step          (ClsPlot            *self,
                                          guint               ink,
                                          const double       *x,
                                          const double       *y,
                                          guint               n);
guint         cls_plot_add_band          (ClsPlot            *self,
                                          guint               ink,
                                          const double       *x,
                                          const double       *lo,
                                          const double       *hi,
                                          guint               n);
guint         cls_plot_add_bars          (ClsPlot            *self,
                                          guint               ink,
                                          const double       *edges,
                                          const double       *heights,
                                          guint               n_bins);
guint         cls_plot_add_hline         (ClsPlot            *self,
                                          guint               ink,
                                          double              y);
guint         cls_plot_add_vline         (ClsPlot            *self,
                                          guint               ink,
                                          double              x);
guint         cls_plot_add_abline        (ClsPlot            *self,
                                          guint               ink,
                                          double              intercept,
                                          double              slope);

void          cls_plot_item_set_name     (ClsPlot            *self,
                                          guint               item,
                                          const char         *markup);
void          cls_plot_item_set_label    (ClsPlot            *self,
                                          guint               item,
                                          const char         *markup);
void          cls_plot_item_set_dash     (ClsPlot            *self,
                                          guint               item,
                                          ClsPlotDash         dash);
void          cls_plot_item_set_markers  (ClsPlot            *self,
                                          guint               item,
                                          gboolean            markers);
void          cls_plot_item_set_errors   (ClsPlot            *self,
                                          guint               item,
                                          const double       *errors);
void          cls_plot_item_set_slot     (ClsPlot            *self,
                                          guint               item,
                                          guint               slot,
                                          guint               n_slots);
void          cls_plot_item_set_hover    (ClsPlot            *self,
                                          guint               item,
                                          const char         *x_name,
                                          const char         *y_name);
void          cls_plot_item_set_note     (ClsPlot            *self,
                                          guint               item,
                                          guint               index,
                                          const char         *note);
void          cls_plot_item_set_hollow   (ClsPlot            *self,
                                          guint               item,
                                          guint               index,
                                          gboolean            hollow);
guint         cls_plot_get_n_items       (const ClsPlot      *self);

void          cls_plot_compute_area      (const ClsPlot      *self,
                                          const ClsPlotStyle *style,
                                          double              width,
                                          double              height,
                                          ClsPlotArea        *area);
void          cls_plot_draw              (const ClsPlot      *self,
                                          cairo_t            *cr,
                                          double              width,
                                          double              height,
                                          const ClsPlotStyle *style,
                                          ClsPlotArea        *area);
void          cls_plot_draw_hit          (const ClsPlotHit   *hit,
                                          cairo_t            *cr,
                                          const ClsPlotArea  *area,
                                          const ClsPlotStyle *style);
gboolean      cls_plot_pick              (const ClsPlot      *self,
                                          const ClsPlotArea  *area,
                                          double              device_x,
                                          double              device_y,
                                          ClsPlotHit         *hit);

/**
 * ClsPlotFormat:
 * @CLS_PLOT_FORMAT_PNG: a PNG image
 * @CLS_PLOT_FORMAT_SVG: an SVG drawing
 * @CLS_PLOT_FORMAT_PDF: a one-page PDF
 */
typedef enum {
  CLS_PLOT_FORMAT_PNG,
  CLS_PLOT_FORMAT_SVG,
  CLS_PLOT_FORMAT_PDF,
} ClsPlotFormat;

gboolean      cls_plot_format_from_path  (const char         *path,
                                          ClsPlotFormat      *format,
                                          GError            **error);
GBytes       *cls_plot_render            (const ClsPlot      *self,
                                          ClsPlotFormat       format,
                                          const ClsPlotStyle *style,
                                          int                 width,
                                          int                 height,
                                          GError            **error);
gboolean      cls_plot_save              (const ClsPlot      *self,
                                          const char         *path,
                                          const ClsPlotStyle *style,
                                          int                 width,
                                          int                 height,
                                          GError            **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ClsPlot, cls_plot_unref)

G_END_DECLS
