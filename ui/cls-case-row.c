/* cls-case-row.c: one row of the case list, updated in place
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A row carries sortable numbers (NaN-free: a case without a value sorts
 * first with -1) and the strings the cells show. Moving a slider calls
 * cls_case_row_update() on every row; only properties whose value changed
 * are notified, so the visible cells of a large list redraw and nothing
 * else happens.
 */
#include "config.h"

#include <inttypes.h>

#include <math.h>

#include <glib/gi18n.h>

#include "cls-case-row.h"

struct _ClsCaseRow
{
  GObject         parent_instance;

  ClsCaseSummary *summary;
  int             dataset_index;
  guint           n_watchers;

  gboolean        has_result;
  gboolean        skipped;
  gboolean        covered;
  double          t;
  double          fnr_fixed;
  double          fnr_calibrated;
  double          pc_calibrated;
};

G_DEFINE_FINAL_TYPE (ClsCaseRow, cls_case_row, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CASE_ID,
  PROP_LESION,
  PROP_LESION_TEXT,
  PROP_T,
  PROP_T_TEXT,
  PROP_FNR_FIXED,
  PROP_FNR_FIXED_TEXT,
  PROP_FNR_CALIBRATED,
  PROP_FNR_CALIBRATED_TEXT,
  PROP_PC_CALIBRATED,
  PROP_PC_CALIBRATED_TEXT,
  PROP_COVERED,
  PROP_COVERED_TEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

#define NO_VALUE (-1.0)

static char *
format_value (const ClsCaseRow *self,
              double            value,
              int               digits)
{
  if (!self->has_result || value == NO_VALUE)
    return g_strdup ("—");
  return g_strdup_printf ("%.*f", digits, value);
}

static void
cls_case_row_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  ClsCaseRow *self = CLS_CASE_ROW (object);
  guint64 lesion = cls_case_summary_get_n_lesion (self->summary);

  switch (prop_id)
    {
    case PROP_CASE_ID:
      g_value_set_string (value, cls_case_summary_get_case_id (self->summary));
      break;

    case PROP_LESION:
      g_value_set_uint64 (value, lesion);
      break;

    case PROP_LESION_TEXT:
      if (lesion == 0)
        g_value_set_string (value, _("no lesion"));
      else
        g_value_take_string (value, g_strdup_printf ("%" PRIu64, lesion));
      break;

    case PROP_T:
      g_value_set_double (value, self->t);
      break;

    case PROP_T_TEXT:
      g_value_take_string (value, format_value (self, self->t, 4));
      break;

    case PROP_FNR_FIXED:
      g_value_set_double (value, self->fnr_fixed);
      break;

    case PROP_FNR_FIXED_TEXT:
      g_value_take_string (value, format_value (self, self->fnr_fixed, 3));
      break;

    case PROP_FNR_CALIBRATED:
      g_value_set_double (value, self->fnr_calibrated);
      break;

    case PROP_FNR_CALIBRATED_TEXT:
      g_value_take_string (value, format_value (self, self->fnr_calibrated, 3));
      break;

    case PROP_PC_CALIBRATED:
      g_value_set_double (value, self->pc_calibrated);
      break;

    case PROP_PC_CALIBRATED_TEXT:
      g_value_take_string (value, format_value (self, self->pc_calibrated, 4));
      break;

    case PROP_COVERED:
      g_value_set_boolean (value, self->covered);
      break;

    case PROP_COVERED_TEXT:
      if (!self->has_result || self->skipped)
        g_value_set_string (value, "—");
      else
        g_value_set_string (value, self->covered ? "✓" : "✗");
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cls_case_row_finalize (GObject *object)
{
  ClsCaseRow *self = CLS_CASE_ROW (object);

  g_clear_pointer (&self->summary, cls_case_summary_unref);

  G_OBJECT_CLASS (cls_case_row_parent_class)->finalize (object);
}

static void
cls_case_row_class_init (ClsCaseRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->get_property = cls_case_row_get_property;
  object_class->finalize = cls_case_row_finalize;

  properties[PROP_CASE_ID] = g_param_spec_string ("case-id", NULL, NULL, NULL, flags);
  properties[PROP_LESION] = g_param_spec_uint64 ("lesion", NULL, NULL, 0, G_MAXUINT64, 0, flags);
  properties[PROP_LESION_TEXT] = g_param_spec_string ("lesion-text", NULL, NULL, NULL, flags);
  properties[PROP_T] = g_param_spec_double ("t", NULL, NULL, -1, 1, NO_VALUE, flags);
  properties[PROP_T_TEXT] = g_param_spec_string ("t-text", NULL, NULL, NULL, flags);
  properties[PROP_FNR_FIXED] = g_param_spec_double ("fnr-fixed", NULL, NULL, -1, 1, NO_VALUE, flags);
  properties[PROP_FNR_FIXED_TEXT] = g_param_spec_string ("fnr-fixed-text", NULL, NULL, NULL, flags);
  properties[PROP_FNR_CALIBRATED] = g_param_spec_double ("fnr-calibrated", NULL, NULL, -1, 1, NO_VALUE, flags);
  properties[PROP_FNR_CALIBRATED_TEXT] = g_param_spec_string ("fnr-calibrated-text", NULL, NULL, NULL, flags);
  properties[PROP_PC_CALIBRATED] = g_param_spec_double ("pc-calibrated", NULL, NULL, -1, 1, NO_VALUE, flags);
  properties[PROP_PC_CALIBRATED_TEXT] = g_param_spec_string ("pc-calibrated-text", NULL, NULL, NULL, flags);
  properties[PROP_COVERED] = g_param_spec_boolean ("covered", NULL, NULL, FALSE, flags);
  properties[PROP_COVERED_TEXT] = g_param_spec_string ("covered-text", NULL, NULL, NULL, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
cls_case_row_init (ClsCaseRow *self)
{
  self->t = NO_VALUE;
  self->fnr_fixed = NO_VALUE;
  self->fnr_calibrated = NO_VALUE;
  self->pc_calibrated = NO_VALUE;
}

/**
 * cls_case_row_new:
 * @summary: the case
 * @dataset_index: the case's index in its dataset (-1 if none)
 *
 * Returns: (transfer full): a row without calibration values yet
 */
ClsCaseRow *
cls_case_row_new (ClsCaseSummary *summary,
                  int             dataset_index)
{
  ClsCaseRow *self = g_object_new (CLS_TYPE_CASE_ROW, NULL);

  self->summary = cls_case_summary_ref (summary);
  self->dataset_index = dataset_index;

  return self;
}

ClsCaseSummary *
cls_case_row_get_summary (ClsCaseRow *self)
{
  g_return_val_if_fail (CLS_IS_CASE_ROW (self), NULL);
  return self->summary;
}

const char *
cls_case_row_get_case_id (ClsCaseRow *self)
{
  g_return_val_if_fail (CLS_IS_CASE_ROW (self), NULL);
  return cls_case_summary_get_case_id (self->summary);
}

int
cls_case_row_get_dataset_index (ClsCaseRow *self)
{
  g_return_val_if_fail (CLS_IS_CASE_ROW (self), -1);
  return self->dataset_index;
}

gboolean
cls_case_row_get_covered (ClsCaseRow *self)
{
  g_return_val_if_fail (CLS_IS_CASE_ROW (self), FALSE);
  return self->covered;
}

gboolean
cls_case_row_get_skipped (ClsCaseRow *self)
{
  g_return_val_if_fail (CLS_IS_CASE_ROW (self), FALSE);
  return self->skipped;
}

/**
 * cls_case_row_get_violating:
 * @self: a row
 *
 * Returns: whether the case takes part in the calibration and its loss at
 *   t̂ is above ε (covered is %FALSE)
 */
gboolean
cls_case_row_get_violating (ClsCaseRow *self)
{
  g_return_val_if_fail (CLS_IS_CASE_ROW (self), FALSE);
  return self->has_result && !self->skipped && !self->covered;
}

/**
 * cls_case_row_watch:
 * @self: a row
 *
 * Says that a cell shows this row: from now until the matching
 * cls_case_row_unwatch(), changes are notified. Rows nobody shows change
 * silently, so that a slider move costs nothing per hidden row.
 */
void
cls_case_row_watch (ClsCaseRow *self)
{
  g_return_if_fail (CLS_IS_CASE_ROW (self));
  self->n_watchers++;
}

void
cls_case_row_unwatch (ClsCaseRow *self)
{
  g_return_if_fail (CLS_IS_CASE_ROW (self));
  g_return_if_fail (self->n_watchers > 0);
  self->n_watchers--;
}

static void
notify (ClsCaseRow *self,
        guint       prop)
{
  if (self->n_watchers > 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
set_double (ClsCaseRow *self,
            double     *field,
            double      value,
            guint       prop,
            guint       text_prop)
{
  if (isnan (value))
    value = NO_VALUE;
  if (*field == value)
    return;
  *field = value;
  notify (self, prop);
  notify (self, text_prop);
}

/**
 * cls_case_row_update:
 * @self: a row
 * @result: (nullable): this case's result in the current calibration, or
 *   %NULL when there is none
 *
 * Sets the row's values, notifying only those that changed.
 */
void
cls_case_row_update (ClsCaseRow          *self,
                     const ClsCaseResult *result)
{
  gboolean has_result = result != NULL;
  gboolean skipped = has_result && result->skipped;
  gboolean covered = has_result && !skipped && result->covered;
  gboolean empty = cls_case_summary_get_n_lesion (self->summary) == 0;

  g_return_if_fail (CLS_IS_CASE_ROW (self));

  if (self->n_watchers > 0)
    g_object_freeze_notify (G_OBJECT (self));

  if (has_result != self->has_result || skipped != self->skipped)
    {
      self->has_result = has_result;
      self->skipped = skipped;
      for (guint p = PROP_T; p < N_PROPS; p++)
        notify (self, p);
    }

  /* An empty lesion has no t_i to show even when it is counted (t_i = 0
   * by the include policy is a convention, not a measurement). */
  set_double (self, &self->t, has_result && !skipped && !empty ? result->score.t : NAN,
              PROP_T, PROP_T_TEXT);
  set_double (self, &self->fnr_fixed, has_result ? result->fnr_fixed : NAN,
              PROP_FNR_FIXED, PROP_FNR_FIXED_TEXT);
  set_double (self, &self->fnr_calibrated, has_result ? result->fnr_calibrated : NAN,
              PROP_FNR_CALIBRATED, PROP_FNR_CALIBRATED_TEXT);
  set_double (self, &self->pc_calibrated, has_result ? result->pc_calibrated : NAN,
              PROP_PC_CALIBRATED, PROP_PC_CALIBRATED_TEXT);

  if (covered != self->covered)
    {
      self->covered = covered;
      notify (self, PROP_COVERED);
      notify (self, PROP_COVERED_TEXT);
    }

  if (self->n_watchers > 0)
    g_object_thaw_notify (G_OBJECT (self));
}
