/* cls-plot-view.c
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <pango/pangocairo.h>

#include "cls-error.h"
#include "cls-plot-view.h"

struct _ClsPlotView
{
  GtkWidget    parent_instance;

  ClsPlot     *plot;
  char        *font_family;

  /* Where the last snapshot put the data, for the readout. */
  ClsPlotArea  area;
  gboolean     have_area;

  /* The pointer and what it is on. */
  gboolean     pointer_inside;
  double       pointer_x;
  double       pointer_y;
  ClsPlotHit   hit;
  gboolean     have_hit;
};

G_DEFINE_FINAL_TYPE (ClsPlotView, cls_plot_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_PLOT,
  PROP_READOUT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static ClsPlotColor
from_rgba (const GdkRGBA *rgba)
{
  return (ClsPlotColor) { rgba->red, rgba->green, rgba->blue, rgba->alpha };
}

static gboolean
lookup_color (GtkStyleContext *context,
              const char      *name,
              GdkRGBA         *rgba)
{
  gboolean found;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  found = gtk_style_context_lookup_color (context, name, rgba);
  G_GNUC_END_IGNORE_DEPRECATIONS

  return found;
}

/**
 * cls_plot_view_get_style:
 * @self: a plot view
 * @style: (out caller-allocates): the style
 *
 * The plot style of the widget's theme: its text colour, the view
 * background, the accent colour and the widget's font. The font family
 * points into @self and lives as long as it does.
 */
void
cls_plot_view_get_style (ClsPlotView  *self,
                         ClsPlotStyle *style)
{
  GtkStyleContext *context;
  PangoContext *pango = gtk_widget_get_pango_context (GTK_WIDGET (self));
  const PangoFontDescription *font = pango_context_get_font_description (pango);
  GdkRGBA fg, bg, accent;
  double size = 0;

  g_return_if_fail (CLS_IS_PLOT_VIEW (self));

  cls_plot_style_init_light (style);

  /* gtk_widget_get_color() is 4.10; on 4.8 the style context is the way. */
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  context = gtk_widget_get_style_context (GTK_WIDGET (self));
  gtk_style_context_get_color (context, &fg);
  G_GNUC_END_IGNORE_DEPRECATIONS

  style->fg = from_rgba (&fg);
  style->fg.alpha = 1;

  if (lookup_color (context, "view_bg_color", &bg) ||
      lookup_color (context, "theme_base_color", &bg) ||
      lookup_color (context, "window_bg_color", &bg) ||
      lookup_color (context, "theme_bg_color", &bg))
    style->bg = from_rgba (&bg);
  else if (0.2126 * fg.red + 0.7152 * fg.green + 0.0722 * fg.blue > 0.5)
    {
      cls_plot_style_init_dark (style);  /* light text: a dark theme */
      style->fg = from_rgba (&fg);
    }
  style->bg.alpha = 1;

  if (lookup_color (context, "accent_color", &accent) ||
      lookup_color (context, "theme_selected_bg_color", &accent))
    style->accent = from_rgba (&accent);

  if (font != NULL)
    {
      double resolution = pango_cairo_context_get_resolution (pango);

      size = (double) pango_font_description_get_size (font) / PANGO_SCALE;
      if (!pango_font_description_get_size_is_absolute (font))
        size *= (resolution > 0 ? resolution : 96.0) / 72.0;

      if (g_strcmp0 (self->font_family, pango_font_description_get_family (font)) != 0)
        {
          g_free (self->font_family);
          self->font_family = g_strdup (pango_font_description_get_family (font));
        }
    }

  style->font_size = size > 0 ? size : 13;
  style->font_family = self->font_family;
}

static void
clear_hit (ClsPlotView *self)
{
  gboolean had_text = self->hit.text != NULL;

  cls_plot_hit_clear (&self->hit);
  self->have_hit = FALSE;
  gtk_widget_set_tooltip_text (GTK_WIDGET (self), NULL);
  if (had_text)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_READOUT]);
}

static gboolean
ensure_area (ClsPlotView *self)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  int height = gtk_widget_get_height (GTK_WIDGET (self));

  if (self->plot == NULL || width <= 0 || height <= 0)
    return FALSE;

  /* Until the next snapshot, predict the area for the current size. */
  if (!self->have_area)
    {
      ClsPlotStyle style;

      cls_plot_view_get_style (self, &style);
      cls_plot_compute_area (self->plot, &style, width, height, &self->area);
      self->have_area = TRUE;
    }

  return TRUE;
}

static void
update_hover (ClsPlotView *self)
{
  ClsPlotHit hit;

  if (!self->pointer_inside || !ensure_area (self) ||
      !cls_plot_pick (self->plot, &self->area, self->pointer_x, self->pointer_y, &hit))
    {
      if (self->have_hit)
        {
          clear_hit (self);
          gtk_widget_queue_draw (GTK_WIDGET (self));
        }
      return;
    }

  if (self->have_hit && g_strcmp0 (hit.text, self->hit.text) == 0 &&
      hit.device_x == self->hit.device_x && hit.device_y == self->hit.device_y)
    {
      cls_plot_hit_clear (&hit);
      return;
    }

  cls_plot_hit_clear (&self->hit);
  self->hit = hit;
  self->have_hit = TRUE;
  gtk_widget_set_tooltip_text (GTK_WIDGET (self), self->hit.text);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_READOUT]);
}

static void
on_motion (GtkEventControllerMotion *controller,
           double                    x,
           double                    y,
           ClsPlotView              *self)
{
  self->pointer_inside = TRUE;
  self->pointer_x = x;
  self->pointer_y = y;
  update_hover (self);
}

static void
on_leave (GtkEventControllerMotion *controller,
          ClsPlotView              *self)
{
  self->pointer_inside = FALSE;
  update_hover (self);
}

static void
cls_plot_view_snapshot (GtkWidget   *widget,
                        GtkSnapshot *snapshot)
{
  ClsPlotView *self = CLS_PLOT_VIEW (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  ClsPlotStyle style;
  cairo_t *cr;

  if (self->plot == NULL || width <= 0 || height <= 0)
    return;

  cls_plot_view_get_style (self, &style);
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  cls_plot_draw (self->plot, cr, width, height, &style, &self->area);
  self->have_area = TRUE;
  if (self->have_hit)
    cls_plot_draw_hit (&self->hit, cr, &self->area, &style);
  cairo_destroy (cr);
}

static void
cls_plot_view_measure (GtkWidget      *widget,
                       GtkOrientation  orientation,
                       int             for_size,
                       int            *minimum,
                       int            *natural,
                       int            *minimum_baseline,
                       int            *natural_baseline)
{
  gboolean horizontal = orientation == GTK_ORIENTATION_HORIZONTAL;

  *minimum = horizontal ? 200 : 150;
  *natural = horizontal ? 400 : 300;
}

static void
cls_plot_view_size_allocate (GtkWidget *widget,
                             int        width,
                             int        height,
                             int        baseline)
{
  ClsPlotView *self = CLS_PLOT_VIEW (widget);

  self->have_area = FALSE;
  update_hover (self);
}

static void
cls_plot_view_css_changed (GtkWidget         *widget,
                           GtkCssStyleChange *change)
{
  ClsPlotView *self = CLS_PLOT_VIEW (widget);

  GTK_WIDGET_CLASS (cls_plot_view_parent_class)->css_changed (widget, change);

  /* Colours or font may have changed (a dark theme): draw again. */
  self->have_area = FALSE;
  gtk_widget_queue_draw (widget);
}

static void
cls_plot_view_dispose (GObject *object)
{
  ClsPlotView *self = CLS_PLOT_VIEW (object);

  g_clear_pointer (&self->plot, cls_plot_unref);
  cls_plot_hit_clear (&self->hit);
  self->have_hit = FALSE;

  G_OBJECT_CLASS (cls_plot_view_parent_class)->dispose (object);
}

static void
cls_plot_view_finalize (GObject *object)
{
  ClsPlotView *self = CLS_PLOT_VIEW (object);

  g_free (self->font_family);

  G_OBJECT_CLASS (cls_plot_view_parent_class)->finalize (object);
}

static void
cls_plot_view_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  ClsPlotView *self = CLS_PLOT_VIEW (object);

  switch (prop_id)
    {
    case PROP_PLOT:
      g_value_set_boxed (value, self->plot);
      break;

    case PROP_READOUT:
      g_value_set_string (value, cls_plot_view_get_readout (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cls_plot_view_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  ClsPlotView *self = CLS_PLOT_VIEW (object);

  switch (prop_id)
    {
    case PROP_PLOT:
      cls_plot_view_set_plot (self, g_value_get_boxed (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cls_plot_view_class_init (ClsPlotViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cls_plot_view_dispose;
  object_class->finalize = cls_plot_view_finalize;
  object_class->get_property = cls_plot_view_get_property;
  object_class->set_property = cls_plot_view_set_property;

  widget_class->snapshot = cls_plot_view_snapshot;
  widget_class->measure = cls_plot_view_measure;
  widget_class->size_allocate = cls_plot_view_size_allocate;
  widget_class->css_changed = cls_plot_view_css_changed;

  /**
   * ClsPlotView:plot:
   *
   * The plot shown, or %NULL for an empty view.
   */
  properties[PROP_PLOT] =
    g_param_spec_boxed ("plot", NULL, NULL, CLS_TYPE_PLOT,
                        G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * ClsPlotView:readout:
   *
   * What the pointer is on, e.g. "t = 0.62, FNR = 0.18", or %NULL.
   */
  properties[PROP_READOUT] =
    g_param_spec_string ("readout", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "plotview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
cls_plot_view_init (ClsPlotView *self)
{
  GtkEventController *motion = gtk_event_controller_motion_new ();

  g_signal_connect (motion, "motion", G_CALLBACK (on_motion), self);
  g_signal_connect (motion, "leave", G_CALLBACK (on_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);
}

GtkWidget *
cls_plot_view_new (void)
{
  return g_object_new (CLS_TYPE_PLOT_VIEW, NULL);
}

/**
 * cls_plot_view_get_plot:
 * @self: a plot view
 *
 * Returns: (transfer none) (nullable): the plot shown
 */
ClsPlot *
cls_plot_view_get_plot (ClsPlotView *self)
{
  g_return_val_if_fail (CLS_IS_PLOT_VIEW (self), NULL);
  return self->plot;
}

/**
 * cls_plot_view_set_plot:
 * @self: a plot view
 * @plot: (nullable): a precomputed plot; the view keeps a reference and
 *   never changes it
 *
 * Shows @plot. Costs a redraw only; while the pointer is over the view, the
 * readout follows the new data.
 */
void
cls_plot_view_set_plot (ClsPlotView *self,
                        ClsPlot     *plot)
{
  g_autofree char *title = NULL;

  g_return_if_fail (CLS_IS_PLOT_VIEW (self));

  if (plot == self->plot)
    return;

  if (plot != NULL)
    cls_plot_ref (plot);
  g_clear_pointer (&self->plot, cls_plot_unref);
  self->plot = plot;
  self->have_area = FALSE;

  if (plot != NULL && cls_plot_get_title (plot) != NULL)
    pango_parse_markup (cls_plot_get_title (plot), -1, 0, NULL, &title, NULL, NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  title != NULL ? title : _("Plot"), -1);

  update_hover (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PLOT]);
}

/**
 * cls_plot_view_get_readout:
 * @self: a plot view
 *
 * Returns: (nullable): what the pointer is on, e.g. "t = 0.62, FNR = 0.18"
 */
const char *
cls_plot_view_get_readout (ClsPlotView *self)
{
  g_return_val_if_fail (CLS_IS_PLOT_VIEW (self), NULL);
  return self->have_hit ? self->hit.text : NULL;
}

/**
 * cls_plot_view_readout_at:
 * @self: a plot view
 * @x: a point in widget coordinates
 * @y: a point in widget coordinates
 *
 * The readout the pointer would get at (@x, @y), without moving it.
 *
 * Returns: (transfer full) (nullable): the text, or %NULL when nothing is there
 */
char *
cls_plot_view_readout_at (ClsPlotView *self,
                          double       x,
                          double       y)
{
  ClsPlotHit hit;

  g_return_val_if_fail (CLS_IS_PLOT_VIEW (self), NULL);

  if (!ensure_area (self) || !cls_plot_pick (self->plot, &self->area, x, y, &hit))
    return NULL;

  return g_steal_pointer (&hit.text);
}

/**
 * cls_plot_view_get_area:
 * @self: a plot view
 * @area: (out caller-allocates): where the data are drawn, in widget
 *   coordinates
 *
 * Returns: %FALSE when there is no plot or no size yet
 */
gboolean
cls_plot_view_get_area (ClsPlotView *self,
                        ClsPlotArea *area)
{
  g_return_val_if_fail (CLS_IS_PLOT_VIEW (self), FALSE);

  if (!ensure_area (self))
    return FALSE;
  *area = self->area;
  return TRUE;
}

/**
 * cls_plot_view_save:
 * @self: a plot view
 * @path: a .png, .svg or .pdf file
 * @width: the figure's width (0: the view's)
 * @height: the figure's height (0: the view's)
 * @error: return location for a #GError
 *
 * Writes the plot atomically in the light print style (not the theme's),
 * for the window's Export action.
 *
 * Returns: %TRUE on success
 */
gboolean
cls_plot_view_save (ClsPlotView  *self,
                    const char   *path,
                    int           width,
                    int           height,
                    GError      **error)
{
  g_return_val_if_fail (CLS_IS_PLOT_VIEW (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (self->plot == NULL)
    {
      g_set_error (error, CLS_ERROR, CLS_ERROR_INVALID_ARGUMENT,
                   _("%s: there is no plot to export yet"), path);
      return FALSE;
    }

  if (width <= 0)
    width = MAX (gtk_widget_get_width (GTK_WIDGET (self)), 400);
  if (height <= 0)
    height = MAX (gtk_widget_get_height (GTK_WIDGET (self)), 300);

  return cls_plot_save (self->plot, path, NULL, width, height, error);
}
