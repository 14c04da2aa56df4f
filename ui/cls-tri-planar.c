/* cls-tri-planar.c
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "cls-atomic-file.h"
#include "cls-tri-planar.h"

enum {
  EDGE_LEFT,
  EDGE_RIGHT,
  EDGE_TOP,
  EDGE_BOTTOM,
  N_EDGES
};

struct _ClsTriPlanar
{
  GtkWidget        parent_instance;

  GtkWidget       *grid;
  GtkWidget       *row;
  GtkWidget       *note;
  ClsSliceView    *views[CLS_N_SLICE_PLANES];
  GtkWidget       *edges[CLS_N_SLICE_PLANES][N_EDGES];
  GtkWidget       *messages[CLS_N_SLICE_PLANES];
  GtkWidget       *readout_label;
  GtkWidget       *legend;
  GtkWidget       *presets;

  ClsSliceStyle   *style;
  ClsSliceVolumes *volumes;
  gint64           cursor[3];
  gboolean         has_readout;
  ClsVoxelReadout  readout;
  char            *readout_text;
  char            *compare_labels[2];   /* methods A and B, for the legend */
};

G_DEFINE_FINAL_TYPE (ClsTriPlanar, cls_tri_planar, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_STYLE,
  PROP_VOLUMES,
  PROP_READOUT,
  N_PROPS
};

enum {
  CURSOR_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* The presets offered in the drop-down, in ClsWindowPreset order. */
#define N_PRESETS (CLS_WINDOW_PRESET_CUSTOM + 1)

static void
update_readout (ClsTriPlanar *self)
{
  g_autofree char *text = NULL;

  self->has_readout = self->volumes != NULL &&
                      cls_slice_volumes_read_voxel (self->volumes, self->cursor,
                                                    cls_slice_style_get_cut (self->style),
                                                    &self->readout);
  if (self->has_readout)
    text = cls_voxel_readout_format (&self->readout);

  /* Which of the two compared masks hold the voxel, decided in double. */
  if (text != NULL && self->readout.has_probability &&
      (cls_slice_style_get_overlays (self->style) & CLS_OVERLAY_COMPARE))
    {
      double cut_a, cut_b;
      g_autofree char *with = NULL;

      cls_slice_style_get_compare_cuts (self->style, &cut_a, &cut_b);
      with = g_strdup_printf ("%s · %s %s · %s %s", text,
                              self->readout.probability >= cut_a ? _("in A") : _("not in A"),
                              self->compare_labels[0] != NULL ? self->compare_labels[0] : "",
                              self->readout.probability >= cut_b ? _("in B") : _("not in B"),
                              self->compare_labels[1] != NULL ? self->compare_labels[1] : "");
      g_free (text);
      text = g_steal_pointer (&with);
    }

  gtk_label_set_text (GTK_LABEL (self->readout_label), text != NULL ? text : "");
  if (g_strcmp0 (text, self->readout_text) == 0)
    return;
  g_free (self->readout_text);
  self->readout_text = g_steal_pointer (&text);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_READOUT]);
}

static void
update_edges (ClsTriPlanar *self)
{
  for (int p = 0; p < CLS_N_SLICE_PLANES; p++)
    {
      const char *letters[N_EDGES];

      cls_slice_view_get_edge_labels (self->views[p], &letters[EDGE_LEFT], &letters[EDGE_RIGHT],
                                      &letters[EDGE_TOP], &letters[EDGE_BOTTOM]);
      for (int e = 0; e < N_EDGES; e++)
        {
          g_autofree char *markup =
            g_markup_printf_escaped ("<span weight=\"bold\" foreground=\"white\" background=\"black\" bgalpha=\"50%%\"> %s </span>",
                                     letters[e]);

          gtk_label_set_markup (GTK_LABEL (self->edges[p][e]), markup);
        }
    }
}

static void
append_swatch (GString       *markup,
               const GdkRGBA *color,
               const char    *glyph,
               const char    *text)
{
  g_autofree char *escaped = g_markup_escape_text (text, -1);

  if (markup->len > 0)
    g_string_append (markup, "   ");
  g_string_append_printf (markup, "<span foreground=\"#%02x%02x%02x\">%s</span> %s",
                          (guint) (color->red * 255 + 0.5), (guint) (color->green * 255 + 0.5),
                          (guint) (color->blue * 255 + 0.5), glyph, escaped);
}

/* A key to the colours of the overlays that are on. */
static void
update_legend (ClsTriPlanar *self)
{
  ClsOverlayFlags overlays = cls_slice_style_get_overlays (self->style);
  g_autoptr(GString) markup = g_string_new (NULL);
  GdkRGBA color;

  if (overlays & CLS_OVERLAY_COMPARE)
    {
      const char *a = self->compare_labels[0] != NULL ? self->compare_labels[0] : "A";
      const char *b = self->compare_labels[1] != NULL ? self->compare_labels[1] : "B";
      g_autofree char *only_a = g_strdup_printf (_("only A: %s"), a);
      g_autofree char *only_b = g_strdup_printf (_("only B: %s"), b);

      cls_slice_style_get_color (self->style, CLS_OVERLAY_COLOR_AGREEMENT, &color);
      append_swatch (markup, &color, "■", _("both"));
      cls_slice_style_get_color (self->style, CLS_OVERLAY_COLOR_ONLY_A, &color);
      append_swatch (markup, &color, "■", only_a);
      cls_slice_style_get_color (self->style, CLS_OVERLAY_COLOR_ONLY_B, &color);
      append_swatch (markup, &color, "■", only_b);
      /* The compared masks take the place of these. */
      overlays &= ~(CLS_OVERLAY_MASK_FIXED | CLS_OVERLAY_MASK_CALIBRATED | CLS_OVERLAY_MISSED);
    }
  if (overlays & CLS_OVERLAY_MASK_FIXED)
    {
      cls_slice_style_get_color (self->style, CLS_OVERLAY_COLOR_MASK_FIXED, &color);
      append_swatch (markup, &color, "■", _("p ≥ 0.5"));
    }
  if (overlays & CLS_OVERLAY_MASK_CALIBRATED)
    {
      double cut = cls_slice_style_get_cut (self->style);
      g_autofree char *text = NULL;

      /* No calibrated threshold (or an infeasible one) comes as a cut above 1. */
      if (cut > 1.0)
        text = g_strdup (_("p ≥ ĉ: none (ĉ > 1)"));
      else
        text = g_strdup_printf (_("p ≥ ĉ = %.6g"), cut);

      cls_slice_style_get_color (self->style, CLS_OVERLAY_COLOR_MASK_CALIBRATED, &color);
      append_swatch (markup, &color, "■", text);
    }
  if (overlays & CLS_OVERLAY_MISSED)
    {
      cls_slice_style_get_color (self->style, CLS_OVERLAY_COLOR_MISSED, &color);
      append_swatch (markup, &color, "■", _("missed at ĉ"));
    }
  if (overlays & CLS_OVERLAY_GROUND_TRUTH)
    {
      cls_slice_style_get_color (self->style, CLS_OVERLAY_COLOR_GROUND_TRUTH, &color);
      append_swatch (markup, &color, "□", _("ground truth"));
    }

  gtk_label_set_markup (GTK_LABEL (self->legend), markup->str);
}

static void
update_note (ClsTriPlanar *self)
{
  const char *note = self->volumes != NULL ? cls_slice_volumes_get_orientation_note (self->volumes) : NULL;

  gtk_label_set_text (GTK_LABEL (self->note), note != NULL ? note : "");
  gtk_widget_set_visible (self->note, note != NULL);
}

static void
style_changed_cb (ClsSliceStyle *style,
                  ClsTriPlanar  *self)
{
  update_legend (self);
  update_readout (self);
}

static void
style_convention_cb (ClsSliceStyle *style,
                     GParamSpec    *pspec,
                     ClsTriPlanar  *self)
{
  update_edges (self);
}

static void
style_preset_cb (ClsSliceStyle *style,
                 GParamSpec    *pspec,
                 ClsTriPlanar  *self)
{
  gtk_drop_down_set_selected (GTK_DROP_DOWN (self->presets),
                              cls_slice_style_get_window_preset (style));
}

static void
presets_selected_cb (GtkDropDown  *presets,
                     GParamSpec   *pspec,
                     ClsTriPlanar *self)
{
  guint selected = gtk_drop_down_get_selected (presets);

  if (selected < CLS_WINDOW_PRESET_CUSTOM)
    cls_slice_style_apply_preset (self->style, selected, self->volumes);
}

static void
set_cursor (ClsTriPlanar *self,
            const gint64  index[3],
            gboolean      emit)
{
  memcpy (self->cursor, index, sizeof self->cursor);
  for (int p = 0; p < CLS_N_SLICE_PLANES; p++)
    cls_slice_view_set_cursor (self->views[p], index);
  /* The views clamp; take theirs. */
  cls_slice_view_get_cursor (self->views[0], self->cursor);
  update_readout (self);
  if (emit)
    g_signal_emit (self, signals[CURSOR_CHANGED], 0);
}

static void
view_cursor_moved_cb (ClsSliceView *view,
                      ClsTriPlanar *self)
{
  gint64 index[3];

  cls_slice_view_get_cursor (view, index);
  set_cursor (self, index, TRUE);
}

static void
view_message_cb (ClsSliceView *view,
                 GParamSpec   *pspec,
                 GtkWidget    *label)
{
  const char *message = cls_slice_view_get_message (view);
  g_autofree char *markup = NULL;

  /* Light on the black of the view, whatever the theme. */
  if (message != NULL)
    markup = g_markup_printf_escaped ("<span foreground=\"white\" background=\"black\" bgalpha=\"70%%\">%s</span>",
                                      message);
  gtk_label_set_markup (GTK_LABEL (label), markup != NULL ? markup : "");
  gtk_widget_set_visible (label, message != NULL);
}

static GtkWidget *
edge_label (GtkAlign halign,
            GtkAlign valign)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_widget_set_halign (label, halign);
  gtk_widget_set_valign (label, valign);
  gtk_widget_set_margin_start (label, 2);
  gtk_widget_set_margin_end (label, 2);
  gtk_widget_set_margin_top (label, 2);
  gtk_widget_set_margin_bottom (label, 2);
  gtk_widget_set_can_target (label, FALSE);
  return label;
}

static GtkWidget *
make_cell (ClsTriPlanar  *self,
           ClsSlicePlane  plane)
{
  static const GtkAlign edge_align[N_EDGES][2] = {
    [EDGE_LEFT]   = { GTK_ALIGN_START, GTK_ALIGN_CENTER },
    [EDGE_RIGHT]  = { GTK_ALIGN_END, GTK_ALIGN_CENTER },
    [EDGE_TOP]    = { GTK_ALIGN_CENTER, GTK_ALIGN_START },
    [EDGE_BOTTOM] = { GTK_ALIGN_CENTER, GTK_ALIGN_END },
  };
  GtkWidget *overlay = gtk_overlay_new ();
  GtkWidget *title, *message;
  g_autofree char *title_markup = NULL;

  self->views[plane] = CLS_SLICE_VIEW (cls_slice_view_new (plane));
  cls_slice_view_set_style (self->views[plane], self->style);
  gtk_overlay_set_child (GTK_OVERLAY (overlay), GTK_WIDGET (self->views[plane]));
  g_signal_connect (self->views[plane], "cursor-moved", G_CALLBACK (view_cursor_moved_cb), self);

  for (int e = 0; e < N_EDGES; e++)
    {
      self->edges[plane][e] = edge_label (edge_align[e][0], edge_align[e][1]);
      gtk_overlay_add_overlay (GTK_OVERLAY (overlay), self->edges[plane][e]);
    }

  title = edge_label (GTK_ALIGN_START, GTK_ALIGN_START);
  title_markup = g_markup_printf_escaped ("<span size=\"small\" foreground=\"#bbbbbb\">%s</span>",
                                          cls_slice_plane_get_label (plane));
  gtk_label_set_markup (GTK_LABEL (title), title_markup);
  gtk_overlay_add_overlay (GTK_OVERLAY (overlay), title);

  message = edge_label (GTK_ALIGN_FILL, GTK_ALIGN_CENTER);
  gtk_label_set_wrap (GTK_LABEL (message), TRUE);
  gtk_widget_set_margin_start (message, 28);
  gtk_widget_set_margin_end (message, 28);
  gtk_label_set_justify (GTK_LABEL (message), GTK_JUSTIFY_CENTER);
  gtk_widget_set_visible (message, FALSE);
  gtk_overlay_add_overlay (GTK_OVERLAY (overlay), message);
  self->messages[plane] = message;
  g_signal_connect (self->views[plane], "notify::message", G_CALLBACK (view_message_cb), message);

  return overlay;
}

static void
cls_tri_planar_dispose (GObject *object)
{
  ClsTriPlanar *self = CLS_TRI_PLANAR (object);

  if (self->style != NULL)
    g_signal_handlers_disconnect_by_data (self->style, self);
  g_clear_pointer (&self->grid, gtk_widget_unparent);
  g_clear_pointer (&self->row, gtk_widget_unparent);
  g_clear_pointer (&self->legend, gtk_widget_unparent);
  g_clear_pointer (&self->note, gtk_widget_unparent);
  g_clear_object (&self->style);
  g_clear_pointer (&self->volumes, cls_slice_volumes_unref);

  G_OBJECT_CLASS (cls_tri_planar_parent_class)->dispose (object);
}

static void
cls_tri_planar_finalize (GObject *object)
{
  ClsTriPlanar *self = CLS_TRI_PLANAR (object);

  g_free (self->readout_text);
  g_free (self->compare_labels[0]);
  g_free (self->compare_labels[1]);

  G_OBJECT_CLASS (cls_tri_planar_parent_class)->finalize (object);
}

static void
cls_tri_planar_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  ClsTriPlanar *self = CLS_TRI_PLANAR (object);

  switch (prop_id)
    {
    case PROP_STYLE:
      g_value_set_object (value, self->style);
      break;
    case PROP_VOLUMES:
      g_value_set_boxed (value, self->volumes);
      break;
    case PROP_READOUT:
      g_value_set_string (value, self->readout_text);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cls_tri_planar_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  ClsTriPlanar *self = CLS_TRI_PLANAR (object);

  switch (prop_id)
    {
    case PROP_VOLUMES:
      cls_tri_planar_set_volumes (self, g_value_get_boxed (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cls_tri_planar_class_init (ClsTriPlanarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cls_tri_planar_dispose;
  object_class->finalize = cls_tri_planar_finalize;
  object_class->get_property = cls_tri_planar_get_property;
  object_class->set_property = cls_tri_planar_set_property;

  /**
   * ClsTriPlanar:style:
   *
   * What the three views draw: the cut, the overlays, colours, opacity,
   * fill or outline, window/level, the convention.
   */
  properties[PROP_STYLE] =
    g_param_spec_object ("style", NULL, NULL, CLS_TYPE_SLICE_STYLE,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_VOLUMES] =
    g_param_spec_boxed ("volumes", NULL, NULL, CLS_TYPE_SLICE_VOLUMES,
                        G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * ClsTriPlanar:readout:
   *
   * One line about the cursor voxel, for a status bar: its position in
   * millimetres, index, image value, probability, label, and whether it is
   * in the 0.5 and calibrated masks. %NULL without a case.
   */
  properties[PROP_READOUT] =
    g_param_spec_string ("readout", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * ClsTriPlanar::cursor-changed:
   *
   * The user moved the cursor in one of the views; the others followed.
   */
  signals[CURSOR_CHANGED] =
    g_signal_new ("cursor-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "clstriplanar");
}

static void
cls_tri_planar_init (ClsTriPlanar *self)
{
  const char *preset_labels[N_PRESETS + 1];
  GtkLayoutManager *layout = gtk_widget_get_layout_manager (GTK_WIDGET (self));
  GtkWidget *window_label;

  gtk_orientable_set_orientation (GTK_ORIENTABLE (layout), GTK_ORIENTATION_VERTICAL);
  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (layout), 4);

  self->style = cls_slice_style_new ();

  self->grid = gtk_grid_new ();
  gtk_grid_set_column_homogeneous (GTK_GRID (self->grid), TRUE);
  gtk_grid_set_column_spacing (GTK_GRID (self->grid), 2);
  gtk_widget_set_hexpand (self->grid, TRUE);
  gtk_widget_set_vexpand (self->grid, TRUE);
  for (int p = 0; p < CLS_N_SLICE_PLANES; p++)
    gtk_grid_attach (GTK_GRID (self->grid), make_cell (self, p), p, 0, 1, 1);
  gtk_widget_set_parent (self->grid, GTK_WIDGET (self));

  self->row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  gtk_widget_set_margin_start (self->row, 6);
  gtk_widget_set_margin_end (self->row, 6);

  self->readout_label = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->readout_label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (self->readout_label), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (self->readout_label, TRUE);
  gtk_box_append (GTK_BOX (self->row), self->readout_label);

  window_label = gtk_label_new (_("Window"));
  gtk_box_append (GTK_BOX (self->row), window_label);
  for (int i = 0; i < N_PRESETS; i++)
    preset_labels[i] = cls_window_preset_get_label (i);
  preset_labels[N_PRESETS] = NULL;
  self->presets = gtk_drop_down_new_from_strings (preset_labels);
  gtk_widget_set_tooltip_text (self->presets, _("Window/level of the image; right-drag in a view to adjust"));
  gtk_accessible_update_relation (GTK_ACCESSIBLE (self->presets),
                                  GTK_ACCESSIBLE_RELATION_LABELLED_BY, window_label, NULL, -1);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (self->presets), cls_slice_style_get_window_preset (self->style));
  g_signal_connect (self->presets, "notify::selected", G_CALLBACK (presets_selected_cb), self);
  gtk_box_append (GTK_BOX (self->row), self->presets);
  gtk_widget_set_parent (self->row, GTK_WIDGET (self));

  /* The key to the colours, on a line of its own so that the readout keeps its room. */
  self->legend = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->legend), 0);
  gtk_label_set_ellipsize (GTK_LABEL (self->legend), PANGO_ELLIPSIZE_END);
  gtk_widget_set_margin_start (self->legend, 6);
  gtk_widget_set_margin_end (self->legend, 6);
  gtk_widget_set_parent (self->legend, GTK_WIDGET (self));

  self->note = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->note), 0);
  gtk_label_set_wrap (GTK_LABEL (self->note), TRUE);
  gtk_widget_set_margin_start (self->note, 6);
  gtk_widget_add_css_class (self->note, "warning");
  gtk_widget_set_visible (self->note, FALSE);
  gtk_widget_set_parent (self->note, GTK_WIDGET (self));

  g_signal_connect (self->style, "changed", G_CALLBACK (style_changed_cb), self);
  g_signal_connect (self->style, "notify::convention", G_CALLBACK (style_convention_cb), self);
  g_signal_connect (self->style, "notify::window-preset", G_CALLBACK (style_preset_cb), self);

  update_edges (self);
  update_legend (self);
}

/**
 * cls_tri_planar_new:
 *
 * Returns: (transfer full): three linked views without a case
 */
GtkWidget *
cls_tri_planar_new (void)
{
  return g_object_new (CLS_TYPE_TRI_PLANAR, NULL);
}

/**
 * cls_tri_planar_get_style:
 * @self: a #ClsTriPlanar
 *
 * The style the three views share: set the cut, overlays, colours,
 * opacity, fill or outline, window/level and convention on it.
 *
 * Returns: (transfer none): the style
 */
ClsSliceStyle *
cls_tri_planar_get_style (ClsTriPlanar *self)
{
  g_return_val_if_fail (CLS_IS_TRI_PLANAR (self), NULL);
  return self->style;
}

/**
 * cls_tri_planar_get_view:
 * @self: a #ClsTriPlanar
 * @plane: which view
 *
 * Returns: (transfer none): the view of @plane
 */
ClsSliceView *
cls_tri_planar_get_view (ClsTriPlanar  *self,
                         ClsSlicePlane  plane)
{
  g_return_val_if_fail (CLS_IS_TRI_PLANAR (self), NULL);
  g_return_val_if_fail (plane < CLS_N_SLICE_PLANES, NULL);
  return self->views[plane];
}

/**
 * cls_tri_planar_get_volumes:
 * @self: a #ClsTriPlanar
 *
 * Returns: (transfer none) (nullable): the case shown
 */
ClsSliceVolumes *
cls_tri_planar_get_volumes (ClsTriPlanar *self)
{
  g_return_val_if_fail (CLS_IS_TRI_PLANAR (self), NULL);
  return self->volumes;
}

/**
 * cls_tri_planar_set_volumes:
 * @self: a #ClsTriPlanar
 * @volumes: (nullable): the case to show, %NULL for none
 *
 * Shows a case: its textures are uploaded once, on the first frame, and
 * serve the three views until the next case. The cursor goes to the case's
 * focus voxel (see cls_slice_volumes_get_focus()).
 */
void
cls_tri_planar_set_volumes (ClsTriPlanar    *self,
                            ClsSliceVolumes *volumes)
{
  gint64 focus[3] = { 0, 0, 0 };

  g_return_if_fail (CLS_IS_TRI_PLANAR (self));

  if (self->volumes == volumes)
    return;
  if (volumes != NULL)
    cls_slice_volumes_ref (volumes);
  g_clear_pointer (&self->volumes, cls_slice_volumes_unref);
  self->volumes = volumes;

  for (int p = 0; p < CLS_N_SLICE_PLANES; p++)
    cls_slice_view_set_volumes (self->views[p], volumes);
  if (volumes != NULL)
    cls_slice_volumes_get_focus (volumes, focus);
  set_cursor (self, focus, FALSE);
  update_note (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VOLUMES]);
}

/**
 * cls_tri_planar_set_cut:
 * @self: a #ClsTriPlanar
 * @cut: the calibrated probability cut ĉ
 *
 * Short for cls_slice_style_set_cut() on the views' style: a uniform, no
 * pass over voxels. See there for float32 and float64 maps.
 */
void
cls_tri_planar_set_cut (ClsTriPlanar *self,
                        double        cut)
{
  g_return_if_fail (CLS_IS_TRI_PLANAR (self));
  cls_slice_style_set_cut (self->style, cut);
}

/**
 * cls_tri_planar_set_compare:
 * @self: a #ClsTriPlanar
 * @label_a: (nullable): method A as people read it, for the legend
 * @cut_a: its probability cut (its mask is {p >= @cut_a})
 * @label_b: (nullable): method B
 * @cut_b: its probability cut
 *
 * The two methods of the two-method overlay (%CLS_OVERLAY_COMPARE, on or
 * off in the style's overlays): uniforms, no pass over voxels.
 */
void
cls_tri_planar_set_compare (ClsTriPlanar *self,
                            const char   *label_a,
                            double        cut_a,
                            const char   *label_b,
                            double        cut_b)
{
  g_return_if_fail (CLS_IS_TRI_PLANAR (self));

  g_free (self->compare_labels[0]);
  g_free (self->compare_labels[1]);
  self->compare_labels[0] = g_strdup (label_a);
  self->compare_labels[1] = g_strdup (label_b);
  cls_slice_style_set_compare_cuts (self->style, cut_a, cut_b);
  update_legend (self);
  update_readout (self);
}

/**
 * cls_tri_planar_get_cursor:
 * @self: a #ClsTriPlanar
 * @index: (out caller-allocates) (array fixed-size=3): the cursor voxel
 */
void
cls_tri_planar_get_cursor (ClsTriPlanar *self,
                           gint64        index[3])
{
  g_return_if_fail (CLS_IS_TRI_PLANAR (self));
  memcpy (index, self->cursor, sizeof self->cursor);
}

/**
 * cls_tri_planar_set_cursor:
 * @self: a #ClsTriPlanar
 * @index: (array fixed-size=3): the voxel the three planes go through
 *   (clamped to the volume)
 *
 * Does not emit #ClsTriPlanar::cursor-changed.
 */
void
cls_tri_planar_set_cursor (ClsTriPlanar *self,
                           const gint64  index[3])
{
  g_return_if_fail (CLS_IS_TRI_PLANAR (self));
  set_cursor (self, index, FALSE);
}

/**
 * cls_tri_planar_get_readout:
 * @self: a #ClsTriPlanar
 *
 * Returns: (nullable): what the cursor voxel holds, %NULL without a case
 */
const ClsVoxelReadout *
cls_tri_planar_get_readout (ClsTriPlanar *self)
{
  g_return_val_if_fail (CLS_IS_TRI_PLANAR (self), NULL);
  return self->has_readout ? &self->readout : NULL;
}

/**
 * cls_tri_planar_get_readout_text:
 * @self: a #ClsTriPlanar
 *
 * Returns: (nullable): the #ClsTriPlanar:readout line
 */
const char *
cls_tri_planar_get_readout_text (ClsTriPlanar *self)
{
  g_return_val_if_fail (CLS_IS_TRI_PLANAR (self), NULL);
  return self->readout_text;
}

/**
 * cls_tri_planar_render_to_texture:
 * @self: a #ClsTriPlanar on screen
 * @error: return location for a #GError
 *
 * The three views as they are on screen, with their orientation letters
 * and crosshair (not the readout row), through the window's renderer.
 *
 * Returns: (transfer full) (nullable): the picture, or %NULL with @error set
 */
GdkTexture *
cls_tri_planar_render_to_texture (ClsTriPlanar  *self,
                                  GError       **error)
{
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  GtkSnapshot *snapshot;
  GtkNative *native;
  GskRenderer *renderer;
  graphene_rect_t bounds;
  int width, height;

  g_return_val_if_fail (CLS_IS_TRI_PLANAR (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  width = gtk_widget_get_width (self->grid);
  height = gtk_widget_get_height (self->grid);
  native = gtk_widget_get_native (GTK_WIDGET (self));
  renderer = native != NULL ? gtk_native_get_renderer (native) : NULL;
  if (!gtk_widget_get_mapped (self->grid) || width <= 0 || height <= 0 || renderer == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                           _("The slice views are not on screen"));
      return NULL;
    }

  graphene_rect_init (&bounds, 0, 0, width, height);
  paintable = gtk_widget_paintable_new (self->grid);
  snapshot = gtk_snapshot_new ();
  gtk_snapshot_append_color (snapshot, &(GdkRGBA) { 0, 0, 0, 1 }, &bounds);
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  if (node == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                           _("The slice views drew nothing"));
      return NULL;
    }

  return gsk_renderer_render_texture (renderer, node, &bounds);
}

/**
 * cls_tri_planar_save_png:
 * @self: a #ClsTriPlanar on screen
 * @path: the PNG file to write (replaced atomically)
 * @error: return location for a #GError
 *
 * Writes cls_tri_planar_render_to_texture() as a PNG.
 *
 * Returns: whether the file was written
 */
gboolean
cls_tri_planar_save_png (ClsTriPlanar  *self,
                         const char    *path,
                         GError       **error)
{
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GBytes) png = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (CLS_IS_TRI_PLANAR (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  texture = cls_tri_planar_render_to_texture (self, &local_error);
  if (texture == NULL)
    {
      g_set_error (error, local_error->domain, local_error->code,
                   _("Could not save the slice views to %s: %s"), path, local_error->message);
      return FALSE;
    }

  png = gdk_texture_save_to_png_bytes (texture);
  return cls_atomic_write (path, g_bytes_get_data (png, NULL), g_bytes_get_size (png), error);
}

/* The median of @n values (reordered), a few dozen: an insertion sort. */
static double
median_of (double *values,
           guint   n)
{
  for (guint i = 1; i < n; i++)
    for (guint j = i; j > 0 && values[j - 1] > values[j]; j--)
      {
        double t = values[j];

        values[j] = values[j - 1];
        values[j - 1] = t;
      }
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

/**
 * cls_tri_planar_measure_frames:
 * @self: a #ClsTriPlanar on screen, with a case
 * @n_frames: how many frames to time (at least 1)
 * @change: what changes before each frame
 * @median: (out caller-allocates): the median frame time, on the clock
 *   and in processor time
 * @error: return location for a #GError
 *
 * For benchmarks: draws the three views @n_frames times off-screen at
 * their size on screen, each view waited for with glFinish (see
 * cls_slice_view_time_draw()), after one frame that is not timed (textures
 * and shaders made). A frame's time is the three views' drawing; the
 * change before it (cls_tri_planar_set_cut() or
 * cls_tri_planar_set_cursor()) is not counted. The cut and the cursor are
 * put back afterwards.
 *
 * Returns: whether the views could draw
 */
gboolean
cls_tri_planar_measure_frames (ClsTriPlanar    *self,
                               guint            n_frames,
                               ClsFrameChange   change,
                               ClsDrawTime     *median,
                               GError         **error)
{
  static const double cuts[2] = { 0.3, 0.35 };
  g_autofree double *wall = NULL;
  g_autofree double *cpu = NULL;
  double cut;
  gint64 cursors[2][3], dims[3];
  gboolean ok = TRUE;

  g_return_val_if_fail (CLS_IS_TRI_PLANAR (self), FALSE);
  g_return_val_if_fail (n_frames > 0, FALSE);
  g_return_val_if_fail (median != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->volumes == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                           _("The slice views have no case to draw"));
      return FALSE;
    }

  cut = cls_slice_style_get_cut (self->style);
  cls_slice_volumes_get_dims (self->volumes, dims);
  memcpy (cursors[0], self->cursor, sizeof self->cursor);
  for (int i = 0; i < 3; i++)
    cursors[1][i] = self->cursor[i] + (self->cursor[i] + 1 < dims[i] ? 1 : -1);

  wall = g_new0 (double, n_frames);
  cpu = g_new0 (double, n_frames);
  for (guint f = 0; f <= n_frames && ok; f++)
    {
      if (change == CLS_FRAME_CHANGE_CUT)
        cls_tri_planar_set_cut (self, cuts[f % 2]);
      else
        set_cursor (self, cursors[(f + 1) % 2], FALSE);

      for (int p = 0; p < CLS_N_SLICE_PLANES && ok; p++)
        {
          ClsDrawTime time;

          ok = cls_slice_view_time_draw (self->views[p], &time, error);
          /* The first frame makes the textures and is not counted. */
          if (ok && f > 0)
            {
              wall[f - 1] += time.wall_ms;
              cpu[f - 1] += time.cpu_ms;
            }
        }
    }

  cls_tri_planar_set_cut (self, cut);
  set_cursor (self, cursors[0], FALSE);
  if (!ok)
    return FALSE;

  median->wall_ms = median_of (wall, n_frames);
  median->cpu_ms = median_of (cpu, n_frames);
  return TRUE;
}

/**
 * cls_tri_planar_measure_frame_ms:
 * @self: a #ClsTriPlanar on screen, with a case
 * @n_frames: how many frames to time (at least 1)
 * @change: what changes before each frame
 * @error: return location for a #GError
 *
 * cls_tri_planar_measure_frames() on the clock only.
 *
 * Returns: the median frame time in milliseconds, or a negative number
 *   with @error set
 */
double
cls_tri_planar_measure_frame_ms (ClsTriPlanar    *self,
                                 guint            n_frames,
                                 ClsFrameChange   change,
                                 GError         **error)
{
  ClsDrawTime median;

  if (!cls_tri_planar_measure_frames (self, n_frames, change, &median, error))
    return -1.0;
  return median.wall_ms;
}
