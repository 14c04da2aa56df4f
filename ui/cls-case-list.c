/* cls-case-list.c: the calibration cases, sortable and filterable
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A GtkColumnView over the session's rows: GListStore -> GtkFilterListModel
 * ("only violating") -> GtkSortListModel (the column view's sorter) ->
 * GtkSingleSelection. Rows are updated in place on every recompute; the
 * filter and sorter are then told that values changed, and the single
 * selection keeps the selected row wherever it moves. Cells bind to row
 * properties, so only visible cells do any work: hundreds of cases cost
 * nothing per row.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "cls-case-list.h"
#include "cls-case-row.h"

struct _ClsCaseList
{
  GtkWidget           parent_instance;

  ClsSession         *session;
  GtkFilterListModel *filter_model;
  GtkCustomFilter    *filter;
  GtkSortListModel   *sort_model;
  GtkSingleSelection *selection;
  gboolean            only_violating;

  GtkWidget          *box;
  GtkLabel           *count_label;
  GtkToggleButton    *violating_toggle;
  GtkColumnView      *column_view;
};

G_DEFINE_FINAL_TYPE (ClsCaseList, cls_case_list, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SESSION,
  PROP_ONLY_VIOLATING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* One column: what it shows and how it sorts. */
typedef struct {
  const char *title;
  const char *tooltip;
  const char *text_property;
  const char *sort_property;
  gboolean    numeric;
} Column;

static const Column columns[] = {
  { N_("Case"), NULL, "case-id", "case-id", FALSE },
  { N_("Lesion"), N_("Lesion voxels in the ground truth"), "lesion-text", "lesion", TRUE },
  { "t_i", N_("The case’s critical threshold: the smallest t whose mask misses at most ε of its lesion"),
    "t-text", "t", TRUE },
  { N_("FNR 0.5"), N_("Share of the lesion missed at the fixed threshold t = 0.5"),
    "fnr-fixed-text", "fnr-fixed", TRUE },
  { N_("FNR t̂"), N_("Share of the lesion missed at the calibrated t̂"),
    "fnr-calibrated-text", "fnr-calibrated", TRUE },
  { N_("PC t̂"), N_("Share of all voxels in the mask at t̂"),
    "pc-calibrated-text", "pc-calibrated", TRUE },
  { "L ≤ ε", N_("Whether the case’s miss rate at t̂ is at most ε"),
    "covered-text", "covered", FALSE },
};

static gboolean
filter_func (gpointer item,
             gpointer user_data)
{
  ClsCaseList *self = user_data;

  return !self->only_violating || cls_case_row_get_violating (CLS_CASE_ROW (item));
}

static void
update_count (ClsCaseList *self)
{
  GListModel *rows = self->session != NULL ? cls_session_get_rows (self->session) : NULL;
  guint n = rows != NULL ? g_list_model_get_n_items (rows) : 0;
  guint violating = 0;
  g_autofree char *text = NULL;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ClsCaseRow) row = g_list_model_get_item (rows, i);

      violating += cls_case_row_get_violating (row);
    }

  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u case, %u with L > ε",
                                       "%u cases, %u with L > ε", n),
                          n, violating);
  gtk_label_set_text (self->count_label, text);
}

static void
on_session_changed (ClsCaseList *self)
{
  GtkSorter *sorter = gtk_column_view_get_sorter (self->column_view);

  /* Values changed in place: re-filter and re-sort; the selection follows
   * its item. */
  if (self->only_violating)
    gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
  if (sorter != NULL && gtk_sorter_get_order (sorter) != GTK_SORTER_ORDER_NONE)
    gtk_sorter_changed (sorter, GTK_SORTER_CHANGE_DIFFERENT);
  update_count (self);
}

static void
on_data_changed (ClsCaseList *self)
{
  const char *case_id = cls_session_get_case_id (self->session);

  if (case_id == NULL || !cls_case_list_select_case (self, case_id))
    {
      if (g_list_model_get_n_items (G_LIST_MODEL (self->selection)) > 0)
        gtk_single_selection_set_selected (self->selection, 0);
    }
  update_count (self);
}

static void
on_selection_changed (ClsCaseList *self)
{
  ClsCaseRow *row = gtk_single_selection_get_selected_item (self->selection);

  if (self->session == NULL || row == NULL)
    return;
  cls_session_select_case (self->session, cls_case_row_get_case_id (row));
}

static void
setup_cell (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            const Column             *column)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), column->numeric ? 1.0 : 0.0);
  /* GTK 4.8 has no header tooltips: the cells say what the column means. */
  if (column->tooltip != NULL)
    gtk_widget_set_tooltip_text (label, g_dgettext (GETTEXT_PACKAGE, column->tooltip));
  if (column->numeric)
    gtk_widget_add_css_class (label, "numeric");
  if (g_str_equal (column->sort_property, "covered"))
    gtk_label_set_xalign (GTK_LABEL (label), 0.5);
  gtk_list_item_set_child (item, label);
}

static void
update_covered_style (ClsCaseRow *row,
                      GParamSpec *pspec,
                      GtkWidget  *label)
{
  gboolean violating = cls_case_row_get_violating (row);

  if (violating)
    gtk_widget_add_css_class (label, "error");
  else
    gtk_widget_remove_css_class (label, "error");
  if (cls_case_row_get_covered (row))
    gtk_widget_add_css_class (label, "success");
  else
    gtk_widget_remove_css_class (label, "success");
}

static void
bind_cell (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           const Column             *column)
{
  GtkWidget *label = gtk_list_item_get_child (item);
  ClsCaseRow *row = gtk_list_item_get_item (item);
  GBinding *binding;

  cls_case_row_watch (row);
  binding = g_object_bind_property (row, column->text_property, label, "label",
                                    G_BINDING_SYNC_CREATE);
  g_object_set_data (G_OBJECT (label), "cls-binding", binding);

  if (g_str_equal (column->sort_property, "covered"))
    {
      g_signal_connect_object (row, "notify::covered-text", G_CALLBACK (update_covered_style),
                               label, 0);
      update_covered_style (row, NULL, label);
    }
  else if (g_str_equal (column->sort_property, "lesion"))
    {
      if (cls_case_summary_get_n_lesion (cls_case_row_get_summary (row)) == 0)
        gtk_widget_add_css_class (label, "dim-label");
      else
        gtk_widget_remove_css_class (label, "dim-label");
    }
}

static void
unbind_cell (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             const Column             *column)
{
  GtkWidget *label = gtk_list_item_get_child (item);
  ClsCaseRow *row = gtk_list_item_get_item (item);
  GBinding *binding = g_object_steal_data (G_OBJECT (label), "cls-binding");

  if (binding != NULL)
    g_binding_unbind (binding);
  if (row != NULL)
    {
      g_signal_handlers_disconnect_by_func (row, update_covered_style, label);
      cls_case_row_unwatch (row);
    }
}

static void
add_columns (ClsCaseList *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    {
      const Column *c = &columns[i];
      GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
      g_autoptr(GtkColumnViewColumn) column = NULL;
      GtkExpression *expression;
      GtkSorter *sorter;

      g_signal_connect (factory, "setup", G_CALLBACK (setup_cell), (gpointer) c);
      g_signal_connect (factory, "bind", G_CALLBACK (bind_cell), (gpointer) c);
      g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cell), (gpointer) c);

      expression = gtk_property_expression_new (CLS_TYPE_CASE_ROW, NULL, c->sort_property);
      if (g_str_equal (c->sort_property, "case-id"))
        sorter = GTK_SORTER (gtk_string_sorter_new (expression));
      else
        sorter = GTK_SORTER (gtk_numeric_sorter_new (expression));

      column = gtk_column_view_column_new (g_dgettext (GETTEXT_PACKAGE, c->title), factory);
      gtk_column_view_column_set_sorter (column, sorter);
      gtk_column_view_column_set_resizable (column, TRUE);
      gtk_column_view_column_set_expand (column, i == 0);
      gtk_column_view_append_column (self->column_view, column);
      g_object_unref (sorter);
    }
}

static void
cls_case_list_dispose (GObject *object)
{
  ClsCaseList *self = CLS_CASE_LIST (object);

  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_clear_object (&self->session);
  gtk_widget_dispose_template (GTK_WIDGET (self), CLS_TYPE_CASE_LIST);
  g_clear_object (&self->selection);
  g_clear_object (&self->filter);

  G_OBJECT_CLASS (cls_case_list_parent_class)->dispose (object);
}

static void
cls_case_list_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  ClsCaseList *self = CLS_CASE_LIST (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;

    case PROP_ONLY_VIOLATING:
      g_value_set_boolean (value, self->only_violating);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cls_case_list_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  ClsCaseList *self = CLS_CASE_LIST (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      cls_case_list_set_session (self, g_value_get_object (value));
      break;

    case PROP_ONLY_VIOLATING:
      cls_case_list_set_only_violating (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cls_case_list_class_init (ClsCaseListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cls_case_list_dispose;
  object_class->get_property = cls_case_list_get_property;
  object_class->set_property = cls_case_list_set_property;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, CLS_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_ONLY_VIOLATING] =
    g_param_spec_boolean ("only-violating", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/clsstudio/ClsStudio/ui/cls-case-list.ui");
  gtk_widget_class_bind_template_child (widget_class, ClsCaseList, box);
  gtk_widget_class_bind_template_child (widget_class, ClsCaseList, count_label);
  gtk_widget_class_bind_template_child (widget_class, ClsCaseList, violating_toggle);
  gtk_widget_class_bind_template_child (widget_class, ClsCaseList, column_view);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "clscaselist");
}

static void
cls_case_list_init (ClsCaseList *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  add_columns (self);

  self->filter = gtk_custom_filter_new (filter_func, self, NULL);
  self->filter_model = gtk_filter_list_model_new (NULL, g_object_ref (GTK_FILTER (self->filter)));
  self->sort_model = gtk_sort_list_model_new (G_LIST_MODEL (self->filter_model),
                                              g_object_ref (gtk_column_view_get_sorter (self->column_view)));
  self->selection = gtk_single_selection_new (G_LIST_MODEL (self->sort_model));
  gtk_single_selection_set_autoselect (self->selection, TRUE);
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));

  g_signal_connect_object (self->selection, "notify::selected-item",
                           G_CALLBACK (on_selection_changed), self, G_CONNECT_SWAPPED);
  g_object_bind_property (self, "only-violating", self->violating_toggle, "active",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  update_count (self);
}

GtkWidget *
cls_case_list_new (void)
{
  return g_object_new (CLS_TYPE_CASE_LIST, NULL);
}

/**
 * cls_case_list_get_session:
 * @self: a case list
 *
 * Returns: (transfer none) (nullable): the session whose cases it lists
 */
ClsSession *
cls_case_list_get_session (ClsCaseList *self)
{
  g_return_val_if_fail (CLS_IS_CASE_LIST (self), NULL);
  return self->session;
}

void
cls_case_list_set_session (ClsCaseList *self,
                           ClsSession  *session)
{
  g_return_if_fail (CLS_IS_CASE_LIST (self));
  g_return_if_fail (session == NULL || CLS_IS_SESSION (session));

  if (self->session == session)
    return;

  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_set_object (&self->session, session);
  gtk_filter_list_model_set_model (self->filter_model,
                                   session != NULL ? cls_session_get_rows (session) : NULL);
  if (session != NULL)
    {
      g_signal_connect_object (session, "changed", G_CALLBACK (on_session_changed), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (session, "data-changed", G_CALLBACK (on_data_changed), self,
                               G_CONNECT_SWAPPED);
    }
  update_count (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}

gboolean
cls_case_list_get_only_violating (ClsCaseList *self)
{
  g_return_val_if_fail (CLS_IS_CASE_LIST (self), FALSE);
  return self->only_violating;
}

/**
 * cls_case_list_set_only_violating:
 * @self: a case list
 * @only_violating: whether to list only the cases with L > ε at t̂
 */
void
cls_case_list_set_only_violating (ClsCaseList *self,
                                  gboolean     only_violating)
{
  g_return_if_fail (CLS_IS_CASE_LIST (self));

  only_violating = !!only_violating;
  if (self->only_violating == only_violating)
    return;

  self->only_violating = only_violating;
  gtk_filter_changed (GTK_FILTER (self->filter),
                      only_violating ? GTK_FILTER_CHANGE_MORE_STRICT : GTK_FILTER_CHANGE_LESS_STRICT);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ONLY_VIOLATING]);
}

/**
 * cls_case_list_get_model:
 * @self: a case list
 *
 * Returns: (transfer none): the rows as listed: filtered, sorted, with
 *   the selection (a #GtkSingleSelection of #ClsCaseRow)
 */
GListModel *
cls_case_list_get_model (ClsCaseList *self)
{
  g_return_val_if_fail (CLS_IS_CASE_LIST (self), NULL);
  return G_LIST_MODEL (self->selection);
}

/**
 * cls_case_list_select_case:
 * @self: a case list
 * @case_id: a case
 *
 * Returns: whether the case is listed (and now selected)
 */
gboolean
cls_case_list_select_case (ClsCaseList *self,
                           const char  *case_id)
{
  GListModel *model = G_LIST_MODEL (self->selection);
  guint n = g_list_model_get_n_items (model);

  g_return_val_if_fail (CLS_IS_CASE_LIST (self), FALSE);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ClsCaseRow) row = g_list_model_get_item (model, i);

      if (g_strcmp0 (cls_case_row_get_case_id (row), case_id) == 0)
        {
          gtk_single_selection_set_selected (self->selection, i);
          return TRUE;
        }
    }
  return FALSE;
}

/**
 * cls_case_list_select_relative:
 * @self: a case list
 * @delta: how many rows to move down (negative: up)
 *
 * Selects another listed case and scrolls it into view.
 */
void
cls_case_list_select_relative (ClsCaseList *self,
                               int          delta)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->selection));
  guint selected = gtk_single_selection_get_selected (self->selection);
  gint64 target;

  g_return_if_fail (CLS_IS_CASE_LIST (self));

  if (n == 0)
    return;
  if (selected == GTK_INVALID_LIST_POSITION)
    target = delta > 0 ? 0 : n - 1;
  else
    target = CLAMP ((gint64) selected + delta, 0, (gint64) n - 1);

  gtk_single_selection_set_selected (self->selection, (guint) target);

  /* GTK 4.8 has no gtk_column_view_scroll_to(): ask its list view. */
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->column_view));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LIST_VIEW (child))
      gtk_widget_activate_action (child, "list.scroll-to-item", "u", (guint) target);
}
