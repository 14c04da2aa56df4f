/* cls-plot-panels.c
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <inttypes.h>

#include <math.h>

#include <glib/gi18n-lib.h>

#include "cls-plot-panels.h"

/* How the figures write the symbols (Pango markup). */
#define T_HAT "t̂"
#define T_I   "t<sub>i</sub>"

/* Data ranges get a small margin so that lines on the edge stay visible. */
#define MARGIN 0.03

static const struct {
  const char *id;
  const char *name;
} panels[CLS_PLOT_N_PANELS] = {
  { "loss", N_("Loss curve") },
  { "thresholds", N_("Critical thresholds") },
  { "ecr-alpha", N_("Coverage vs α") },
  { "pc-alpha", N_("Size vs α") },
  { "fnr", N_("FNR per case") },
  { "ecr-fraction", N_("Coverage vs calibration size") },
};

/**
 * cls_plot_panel_to_string:
 * @panel: a panel
 *
 * Returns: a stable identifier ("loss", "ecr-alpha", …) for settings and
 *   file names
 */
const char *
cls_plot_panel_to_string (ClsPlotPanel panel)
{
  g_return_val_if_fail (panel < CLS_PLOT_N_PANELS, NULL);
  return panels[panel].id;
}

/**
 * cls_plot_panel_get_name:
 * @panel: a panel
 *
 * Returns: its translated name, for a menu or tab
 */
const char *
cls_plot_panel_get_name (ClsPlotPanel panel)
{
  g_return_val_if_fail (panel < CLS_PLOT_N_PANELS, NULL);
  return _(panels[panel].name);
}

static char *
fmt (double value,
     guint  decimals)
{
  return cls_plot_format_number (value, decimals);
}

static char *
fraction_text (ClsFraction f)
{
  return cls_fraction_to_string (f);
}

/* An axis range from lo to hi with a small margin on both sides. */
static void
with_margin (double  lo,
             double  hi,
             double *out_lo,
             double *out_hi)
{
  double m = (hi - lo) * MARGIN;

  *out_lo = lo - m;
  *out_hi = hi + m;
}

static guint
add_marker (ClsPlot    *plot,
            guint       ink,
            double      x,
            const char *label,
            const char *hover,
            const char *note)
{
  guint item = cls_plot_add_vline (plot, ink, x);

  cls_plot_item_set_label (plot, item, label);
  cls_plot_item_set_hover (plot, item, hover, NULL);
  cls_plot_item_set_note (plot, item, 0, note);
  return item;
}

/* The reference thresholds shared by the t-axis panels: t = 0.5, one case's
 * t_i when given, and t̂ (drawn last: on top when they coincide). */
static void
add_threshold_marks (ClsPlot *plot,
                     double   t_i,
                     double   t_hat)
{
  guint item;

  item = add_marker (plot, CLS_PLOT_INK_FIXED, 1.0 - CLS_FIXED_CUT, "0.5", "t", _("fixed"));
  cls_plot_item_set_dash (plot, item, CLS_PLOT_DASH_DASHED);

  if (isfinite (t_i))
    {
      g_autofree char *v = fmt (t_i, 2);
      g_autofree char *label = g_strdup_printf (T_I " = %s", v);

      item = add_marker (plot, CLS_PLOT_INK_CASE, t_i, label, "tᵢ",
                         _("this case’s critical threshold"));
      cls_plot_item_set_dash (plot, item, CLS_PLOT_DASH_DASH_DOT);
    }

  if (isfinite (t_hat))
    {
      g_autofree char *v = fmt (t_hat, 2);
      g_autofree char *label = g_strdup_printf (T_HAT " = %s", v);

      add_marker (plot, CLS_PLOT_INK_CALIBRATED, t_hat, label, "t̂", _("calibrated"));
    }
}

static void
add_epsilon_line (ClsPlot *plot,
                  double   epsilon,
                  gboolean vertical)
{
  g_autofree char *v = fmt (epsilon, 2);
  g_autofree char *label = g_strdup_printf ("ε = %s", v);
  guint item;

  if (!isfinite (epsilon))
    return;

  if (vertical)
    {
      item = cls_plot_add_vline (plot, CLS_PLOT_INK_EPSILON, epsilon);
      cls_plot_item_set_hover (plot, item, "ε", NULL);
    }
  else
    {
      item = cls_plot_add_hline (plot, CLS_PLOT_INK_EPSILON, epsilon);
      cls_plot_item_set_hover (plot, item, NULL, "ε");
    }
  cls_plot_item_set_label (plot, item, label);
  cls_plot_item_set_dash (plot, item, CLS_PLOT_DASH_DASHED);
}

/* ------------------------------------------------------------------------ */
/* (a) loss curve                                                             */

/* The corners of a loss profile's curve L(t) = #{v_j < 1 − t} / m for
 * values sorted from largest (cls-risk-control.h), @first of them at least
 * 1 (in the mask at every t): it starts at (m − first) / m and falls at
 * t = 1 − v for each distinct value v below 1. The losses are exact counts
 * over m; only the positions 1 − v are for drawing. */
static void
step_corners (const double       *values,
              guint64             m,
              guint64             first,
              const ClsValueMap  *map,
              double            **t,
              double            **loss,
              guint              *n)
{
  guint k = 0;

  *t = g_new (double, m + 1);
  *loss = g_new (double, m + 1);

  (*t)[k] = 0;
  (*loss)[k] = (double) (m - first) / (double) m;
  k++;

  for (guint64 j = first; j < m;)
    {
      double v = map != NULL ? cls_value_map_apply (map, values[j]) : values[j];
      guint64 end = j + 1;

      while (end < m && (map != NULL ? cls_value_map_apply (map, values[end]) : values[end]) == v)
        end++;

      /* From t = 1 − v on, the `end` largest values are in the mask. */
      (*t)[k] = 1.0 - v;
      (*loss)[k] = (double) (m - end) / (double) m;
      k++;
      j = end;
    }

  *n = k;
}

/**
 * cls_plot_panel_loss_points:
 * @summary: a case
 * @map: (nullable): its value map (normalisation)
 * @t: (out) (transfer full) (array length=n): where FNR steps
 * @fnr: (out) (transfer full) (array length=n): FNR from there on
 * @n: (out): how many steps
 *
 * The corners of the loss curve FNR(t) = #{lesion p < 1 − t} / G, a
 * right-continuous step function that falls at t = 1 − v for each distinct
 * lesion probability v. The FNR values are exact counts over G; only the
 * positions 1 − v are for drawing. @n is 0 for a case without lesion.
 */
void
cls_plot_panel_loss_points (const ClsCaseSummary  *summary,
                            const ClsValueMap     *map,
                            double               **t,
                            double               **fnr,
                            guint                 *n)
{
  guint64 g = cls_case_summary_get_n_lesion (summary);
  const double *probs = cls_case_summary_get_lesion_probs (summary);
  guint64 at_least_one = cls_case_summary_lesion_at_least (summary, map, 1.0);

  *n = 0;
  *t = *fnr = NULL;
  if (g == 0)
    return;

  step_corners (probs, g, at_least_one, map, t, fnr, n);
}

/* Panel (a) from the corners of a loss curve: the ε line, the marks at
 * t_i, t̂ and 0.5, the steps; @empty says why there are none. */
static ClsPlot *
loss_plot (const char   *title,
           const char   *y_axis,
           const char   *hover,
           const double *t,
           const double *loss,
           guint         n,
           const char   *empty,
           double        epsilon,
           double        t_i,
           double        t_hat)
{
  g_autoptr(ClsPlot) plot = cls_plot_new ();
  double lo, hi;

  cls_plot_set_title (plot, title);
  with_margin (0, 1, &lo, &hi);
  cls_plot_set_x_axis (plot, _("threshold t (mask: p ≥ 1 − t)"), lo, hi);
  cls_plot_set_y_axis (plot, y_axis, lo, hi);

  if (n == 0)
    {
      cls_plot_set_message (plot, empty);
      return g_steal_pointer (&plot);
    }

  add_epsilon_line (plot, epsilon, FALSE);
  add_threshold_marks (plot, t_i, t_hat);
  cls_plot_item_set_hover (plot, cls_plot_add_step (plot, CLS_PLOT_INK_FG, t, loss, n), "t", hover);

  return g_steal_pointer (&plot);
}

/**
 * cls_plot_panel_loss:
 * @summary: the selected case
 * @normalize: the calibration's normalisation
 * @epsilon: the tolerated FNR ε
 * @t_i: the case's critical threshold (NaN: not shown)
 * @t_hat: the calibrated threshold (NaN: not shown)
 *
 * Panel (a): the case's loss curve FNR(t) on t ∈ [0, 1], with the ε line
 * and marks at t_i, t̂ and 0.5. The curve first meets the ε line at t_i.
 *
 * Returns: (transfer full): the plot
 */
ClsPlot *
cls_plot_panel_loss (const ClsCaseSummary *summary,
                     ClsNormalize          normalize,
                     double                epsilon,
                     double                t_i,
                     double                t_hat)
{
  g_autofree double *t = NULL;
  g_autofree double *fnr = NULL;
  g_autofree char *title = NULL;
  ClsValueMap map;
  guint n;

  g_return_val_if_fail (summary != NULL, NULL);

  title = g_markup_printf_escaped (_("Loss curve of %s"), cls_case_summary_get_case_id (summary));
  cls_case_summary_get_value_map (summary, normalize, &map);
  cls_plot_panel_loss_points (summary, &map, &t, &fnr, &n);

  return loss_plot (title, _("FNR (share of lesion missed)"), "FNR", t, fnr, n,
                    _("This case has no lesion voxels: its FNR is undefined"), epsilon, t_i, t_hat);
}

/**
 * cls_plot_panel_lesion_loss_points:
 * @summary: a case with its lesions (cls_case_summary_get_components())
 * @map: (nullable): its value map (normalisation)
 * @coverage: the share of a lesion's voxels that detects it
 * @t: (out) (transfer full) (array length=n): where the lesion loss steps
 * @loss: (out) (transfer full) (array length=n): the lesion loss from there on
 * @n: (out): how many steps
 *
 * The corners of the lesion loss curve L(t) = #{d_j < 1 − t} / J
 * (cls-lesion-loss.h): the share of the case's J lesions not detected by
 * the mask {p ≥ 1 − t}, a right-continuous step function that falls at
 * t = 1 − d for each distinct detection cut d. @n is 0 for a case without
 * lesions or whose summary does not know them.
 */
void
cls_plot_panel_lesion_loss_points (const ClsCaseSummary  *summary,
                                   const ClsValueMap     *map,
                                   ClsFraction            coverage,
                                   double               **t,
                                   double               **loss,
                                   guint                 *n)
{
  const ClsComponents *components = cls_case_summary_get_components (summary);
  g_autoptr(ClsLesionCuts) cuts = NULL;
  guint32 first = 0;

  *n = 0;
  *t = *loss = NULL;
  if (components == NULL || cls_components_get_n (components) == 0)
    return;

  cuts = cls_lesion_cuts_new (components, coverage, map);
  if (cuts->n == 0)
    return;
  while (first < cuts->n && cuts->cuts[first] >= 1.0)
    first++;
  /* The detection cuts are already mapped values. */
  step_corners (cuts->cuts, cuts->n, first, NULL, t, loss, n);
}

/**
 * cls_plot_panel_lesion_loss:
 * @summary: the selected case
 * @normalize: the calibration's normalisation
 * @coverage: the share of a lesion's voxels that detects it
 * @epsilon: the tolerated lesion loss ε
 * @t_i: the case's critical threshold for the lesion loss (NaN: not shown)
 * @t_hat: the calibrated threshold (NaN: not shown)
 *
 * Panel (a) for the lesion loss: the share of the case's lesions that the
 * mask misses against t, with the ε line and marks at t_i, t̂ and 0.5.
 *
 * Returns: (transfer full): the plot
 */
ClsPlot *
cls_plot_panel_lesion_loss (const ClsCaseSummary *summary,
                            ClsNormalize          normalize,
                            ClsFraction           coverage,
                            double                epsilon,
                            double                t_i,
                            double                t_hat)
{
  g_autofree double *t = NULL;
  g_autofree double *loss = NULL;
  g_autofree char *title = NULL;
  ClsValueMap map;
  guint n;

  g_return_val_if_fail (summary != NULL, NULL);

  title = g_markup_printf_escaped (_("Lesion loss curve of %s"), cls_case_summary_get_case_id (summary));
  cls_case_summary_get_value_map (summary, normalize, &map);
  cls_plot_panel_lesion_loss_points (summary, &map, coverage, &t, &loss, &n);

  return loss_plot (title, _("lesion FNR (share of lesions missed)"), _("lesion FNR"), t, loss, n,
                    cls_case_summary_get_components (summary) == NULL
                    ? _("This case’s summary does not store its lesions: summarise it again to "
                        "see its lesion loss")
                    : _("This case has no lesions: its lesion FNR is undefined"),
                    epsilon, t_i, t_hat);
}

/**
 * cls_plot_panel_loss_for_case:
 * @calibration: a calibration
 * @i: one of its cases
 *
 * Panel (a) for case @i of @calibration, with its ε, t_i and t̂: the
 * voxel loss curve, or the lesion loss curve when @calibration uses the
 * lesion loss.
 *
 * Returns: (transfer full): the plot
 */
ClsPlot *
cls_plot_panel_loss_for_case (const ClsCalibration *calibration,
                              guint                 i)
{
  const ClsCalibrationParams *params = cls_calibration_get_params (calibration);
  const ClsCaseResult *r = cls_calibration_get_case (calibration, i);

  g_return_val_if_fail (r != NULL, NULL);

  if (params->loss == CLS_LOSS_LESION)
    return cls_plot_panel_lesion_loss (r->summary, params->normalize,
                                       params->lesion_coverage.den != 0 ? params->lesion_coverage
                                                                        : CLS_DEFAULT_LESION_COVERAGE,
                                       cls_fraction_to_double (params->epsilon),
                                       r->skipped ? NAN : r->score.t,
                                       cls_calibration_get_t_hat (calibration));
  return cls_plot_panel_loss (r->summary, params->normalize,
                              cls_fraction_to_double (params->epsilon),
                              r->skipped ? NAN : r->score.t,
                              cls_calibration_get_t_hat (calibration));
}

/* ------------------------------------------------------------------------ */
/* (b) and (e): histograms                                                    */

/* Bins of a round width on [0, 1]: wider for few values. */
static guint
unit_bins (guint n_values)
{
  return n_values <= 25 ? 10 : n_values <= 300 ? 20 : 50;
}

static double *
unit_edges (guint n_bins)
{
  double *edges = g_new (double, n_bins + 1);

  for (guint b = 0; b <= n_bins; b++)
    edges[b] = (double) b / n_bins;
  return edges;
}

static void
set_count_axis (ClsPlot *plot,
                double   max_count)
{
  double lo, hi;

  cls_plot_nice_range (0, MAX (max_count * 1.08, 1), 5, &lo, &hi);
  cls_plot_set_y_axis (plot, _("cases"), 0, hi);
}

static double
max_of (const double *v,
        guint         n)
{
  double m = 0;

  for (guint i = 0; i < n; i++)
    if (v[i] > m)
      m = v[i];
  return m;
}

/**
 * cls_plot_panel_thresholds:
 * @t: (array length=n): the critical thresholds t_i of the calibration cases
 * @n: how many
 * @t_hat: the calibrated threshold (NaN: not shown)
 * @t_selected: the selected case's t_i (NaN: none)
 *
 * Panel (b): histogram of the t_i on [0, 1] (bins of 0.1, 0.05 or 0.02 as
 * the count grows), with t̂ and 0.5 marked.
 *
 * Returns: (transfer full): the plot
 */
ClsPlot *
cls_plot_panel_thresholds (const double *t,
                           guint         n,
                           double        t_hat,
                           double        t_selected)
{
  g_autoptr(ClsPlot) plot = cls_plot_new ();
  guint n_bins = unit_bins (n);
  g_autofree double *edges = unit_edges (n_bins);
  g_autofree double *counts = g_new (double, n_bins);
  g_autofree char *title = NULL;
  guint item;
  double lo, hi;

  /* Translators: %u is the number of calibration cases */
  title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Critical thresholds of %u case",
                                        "Critical thresholds of %u cases", n), n);
  cls_plot_set_title (plot, title);
  with_margin (0, 1, &lo, &hi);
  cls_plot_set_x_axis (plot, _("critical threshold t<sub>i</sub>"), lo, hi);

  cls_plot_histogram (t, n, 0, 1, n_bins, counts);
  set_count_axis (plot, max_of (counts, n_bins));

  if (n == 0)
    {
      cls_plot_set_message (plot, _("No calibration cases"));
      return g_steal_pointer (&plot);
    }

  item = cls_plot_add_bars (plot, CLS_PLOT_INK_CASE, edges, counts, n_bins);
  cls_plot_item_set_hover (plot, item, "tᵢ", _("cases"));
  add_threshold_marks (plot, t_selected, t_hat);

  return g_steal_pointer (&plot);
}

/**
 * cls_plot_panel_thresholds_for_calibration:
 * @calibration: a calibration
 * @selected: the selected case, or -1
 *
 * Panel (b) for the cases of @calibration that take part (skipped empty
 * masks are left out).
 *
 * Returns: (transfer full): the plot
 */
ClsPlot *
cls_plot_panel_thresholds_for_calibration (const ClsCalibration *calibration,
                                           int                   selected)
{
  guint n_cases = cls_calibration_get_n_cases (calibration);
  g_autofree double *t = g_new (double, MAX (n_cases, 1));
  double t_selected = NAN;
  guint n = 0;

  for (guint i = 0; i < n_cases; i++)
    {
      const ClsCaseResult *r = cls_calibration_get_case (calibration, i);

      if (r->skipped)
        continue;
      t[n++] = r->score.t;
      if ((int) i == selected)
        t_selected = r->score.t;
    }

  return cls_plot_panel_thresholds (t, n, cls_calibration_get_t_hat (calibration), t_selected);
}

static guint
count_within (const double *fnr,
              guint         n,
              double        epsilon,
              guint        *n_valid)
{
  guint k = 0;

  *n_valid = 0;
  for (guint i = 0; i < n; i++)
    if (!isnan (fnr[i]))
      {
        (*n_valid)++;
        k += fnr[i] <= epsilon;
      }
  return k;
}

/**
 * cls_plot_panel_fnr:
 * @fnr_fixed: (array length=n): per-case FNR at t = 0.5 (NaN: no lesion)
 * @fnr_calibrated: (array length=n): per-case FNR at t̂
 * @n: how many cases
 * @epsilon: the tolerated FNR ε
 * @t_hat: the calibrated threshold, for the legend
 *
 * Panel (e), the paper's Figure 5: the distribution of per-case FNR at the
 * fixed t = 0.5 next to the one at t̂, as side-by-side histograms over
 * [0, 1], with ε marked and, in the legend, how many cases stay within ε.
 *
 * Returns: (transfer full): the plot
 */
ClsPlot *
cls_plot_panel_fnr (const double *fnr_fixed,
                    const double *fnr_calibrated,
                    guint         n,
                    double        epsilon,
                    double        t_hat)
{
  g_autoptr(ClsPlot) plot = cls_plot_new ();
  guint n_bins = unit_bins (n);
  g_autofree double *edges = unit_edges (n_bins);
  g_autofree double *fixed = g_new (double, n_bins);
  g_autofree double *calibrated = g_new (double, n_bins);
  g_autofree char *t_text = fmt (t_hat, 2);
  g_autofree char *name = NULL;
  guint item, n_valid, within;
  double lo, hi;

  cls_plot_set_title (plot, _("FNR per case at t = 0.5 and at t̂"));
  with_margin (0, 1, &lo, &hi);
  cls_plot_set_x_axis (plot, _("FNR (share of lesion missed)"), lo, hi);

  cls_plot_histogram (fnr_fixed, n, 0, 1, n_bins, fixed);
  cls_plot_histogram (fnr_calibrated, n, 0, 1, n_bins, calibrated);
  set_count_axis (plot, MAX (max_of (fixed, n_bins), max_of (calibrated, n_bins)));

  within = count_within (fnr_fixed, n, epsilon, &n_valid);
  if (n_valid == 0)
    {
      cls_plot_set_message (plot, _("No cases with a lesion"));
      return g_steal_pointer (&plot);
    }

  item = cls_plot_add_bars (plot, CLS_PLOT_INK_FIXED, edges, fixed, n_bins);
  cls_plot_item_set_slot (plot, item, 0, 2);
  cls_plot_item_set_hover (plot, item, "FNR", _("cases"));
  /* Translators: legend, "t = 0.5: 12/30 within ε" */
  name = g_strdup_printf (_("t = 0.5: %u/%u within ε"), within, n_valid);
  cls_plot_item_set_name (plot, item, name);

  within = count_within (fnr_calibrated, n, epsilon, &n_valid);
  item = cls_plot_add_bars (plot, CLS_PLOT_INK_CALIBRATED, edges, calibrated, n_bins);
  cls_plot_item_set_slot (plot, item, 1, 2);
  cls_plot_item_set_hover (plot, item, "FNR", _("cases"));
  g_clear_pointer (&name, g_free);
  name = isfinite (t_hat) ? g_strdup_printf (_("t̂ = %s: %u/%u within ε"), t_text, within, n_valid)
                          : g_strdup_printf (_("t̂: %u/%u within ε"), within, n_valid);
  cls_plot_item_set_name (plot, item, name);

  add_epsilon_line (plot, epsilon, TRUE);

  return g_steal_pointer (&plot);
}

/**
 * cls_plot_panel_fnr_for_calibration:
 * @calibration: a calibration
 *
 * Panel (e) for the cases of @calibration (in-sample: the calibration cases
 * themselves).
 *
 * Returns: (transfer full): the plot
 */
ClsPlot *
cls_plot_panel_fnr_for_calibration (const ClsCalibration *calibration)
{
  guint n_cases = cls_calibration_get_n_cases (calibration);
  g_autofree double *fixed = g_new (double, MAX (n_cases, 1));
  g_autofree double *calibrated = g_new (double, MAX (n_cases, 1));
  guint n = 0;

  for (guint i = 0; i < n_cases; i++)
    {
      const ClsCaseResult *r = cls_calibration_get_case (calibration, i);

      if (r->skipped)
        continue;
      fixed[n] = r->fnr_fixed;
      calibrated[n] = r->fnr_calibrated;
      n++;
    }

  return cls_plot_panel_fnr (fixed, calibrated, n,
                             cls_fraction_to_double (cls_calibration_get_params (calibration)->epsilon),
                             cls_calibration_get_t_hat (calibration));
}

/* ------------------------------------------------------------------------ */
/* (c), (d), (f): sweeps                                                      */

typedef enum {
  FIELD_X,
  FIELD_ECR_CAL,
  FIELD_ECR_CAL_STD,
  FIELD_ECR_FIXED,
  FIELD_PC_CAL,
  FIELD_PC_FIXED,
  FIELD_THEORY,
  FIELD_THEORY_LO,
  FIELD_THEORY_HI,
} Field;

static double
point_field (const ClsSweepPoint *pt,
             Field                field)
{
  switch (field)
    {
    case FIELD_X:           return pt->x;
    case FIELD_ECR_CAL:     return pt->ecr_calibrated.mean;
    case FIELD_ECR_CAL_STD: return pt->ecr_calibrated.std;
    case FIELD_ECR_FIXED:   return pt->ecr_fixed.mean;
    case FIELD_PC_CAL:      return 100 * pt->pc_calibrated.mean;
    case FIELD_PC_FIXED:    return 100 * pt->pc_fixed.mean;
    case FIELD_THEORY:      return pt->theory_mean;
    case FIELD_THEORY_LO:   return pt->theory_lo;
    case FIELD_THEORY_HI:   return pt->theory_hi;
    default:                return NAN;
    }
}

static double *
sweep_column (const ClsSweep *sweep,
              Field           field)
{
  double *v = g_new (double, MAX (sweep->n_points, 1));

  for (guint i = 0; i < sweep->n_points; i++)
    v[i] = point_field (&sweep->points[i], field);
  return v;
}

/* An x range around the grid, half a grid step beyond each end. */
static void
sweep_x_range (ClsSweep * const *sweeps,
               guint             n_sweeps,
               double            floor_lo,
               double           *lo,
               double           *hi)
{
  double min = G_MAXDOUBLE, max = -G_MAXDOUBLE, step = G_MAXDOUBLE;

  for (guint s = 0; s < n_sweeps; s++)
    for (guint i = 0; i < sweeps[s]->n_points; i++)
      {
        double x = sweeps[s]->points[i].x;

        min = MIN (min, x);
        max = MAX (max, x);
        if (i > 0)
          step = MIN (step, fabs (x - sweeps[s]->points[i - 1].x));
      }

  if (min > max)
    {
      *lo = floor_lo;
      *hi = floor_lo + 1;
      return;
    }
  if (step == G_MAXDOUBLE || step == 0)
    step = MAX (0.05, fabs (max) * 0.1);

  *lo = MAX (floor_lo, min - step / 2);
  *hi = max + step / 2;
}

static void
add_sweep_notes (ClsPlot        *plot,
                 guint           item,
                 const ClsSweep *sweep)
{
  for (guint i = 0; i < sweep->n_points; i++)
    {
      const ClsSweepPoint *pt = &sweep->points[i];
      g_autofree char *note = NULL;

      if (pt->feasible)
        /* Translators: sizes of a calibration/test split and the conformal rank */
        note = g_strdup_printf (_("n_cal = %u, n_test = %u, k = %" PRIu64),
                                pt->n_cal, pt->n_test, pt->rank);
      else
        note = g_strdup_printf (_("n_cal = %u is too small: t̂ = 1, everything masked"), pt->n_cal);
      cls_plot_item_set_note (plot, item, i, note);
      cls_plot_item_set_hollow (plot, item, i, !pt->feasible);
    }
}

/* Panels (c) and (f): ECR at t̂ (mean ± sd over splits), ECR at 0.5, the
 * theory's mean and 5–95% band, and the 1 − α target. Where the calibration
 * part is too small for α, the marker is open: its ECR of 1 comes from
 * masking everything, not from the method. */
static ClsPlot *
ecr_plot (const ClsSweep *sweep,
          const char     *title,
          const char     *x_label,
          const char     *x_name,
          double          x_floor)
{
  g_autoptr(ClsPlot) plot = cls_plot_new ();
  g_autofree double *x = sweep_column (sweep, FIELD_X);
  g_autofree double *ecr = sweep_column (sweep, FIELD_ECR_CAL);
  g_autofree double *ecr_std = sweep_column (sweep, FIELD_ECR_CAL_STD);
  g_autofree double *ecr_fixed = sweep_column (sweep, FIELD_ECR_FIXED);
  g_autofree double *theory = sweep_column (sweep, FIELD_THEORY);
  g_autofree double *theory_lo = sweep_column (sweep, FIELD_THEORY_LO);
  g_autofree double *theory_hi = sweep_column (sweep, FIELD_THEORY_HI);
  ClsSweep *const sweeps[] = { (ClsSweep *) sweep };
  double alpha = cls_fraction_to_double (sweep->params.alpha);
  double x_lo, x_hi, y_min = 1, y_lo, y_hi, unused;
  guint item;

  sweep_x_range (sweeps, 1, x_floor, &x_lo, &x_hi);
  for (guint i = 0; i < sweep->n_points; i++)
    {
      double target = sweep->kind == CLS_SWEEP_ALPHA ? 1 - x[i] : 1 - alpha;

      y_min = MIN (y_min, MIN (ecr[i] - ecr_std[i], ecr_fixed[i]));
      y_min = MIN (y_min, MIN (theory_lo[i], target));
    }
  if (sweep->kind == CLS_SWEEP_ALPHA)
    y_min = MIN (y_min, 1 - x_hi);
  if (!isfinite (y_min))
    y_min = 0;
  cls_plot_nice_range (MAX (y_min, 0), 1, 5, &y_lo, &unused);
  with_margin (y_lo, 1, &y_lo, &y_hi);

  cls_plot_set_title (plot, title);
  cls_plot_set_x_axis (plot, x_label, x_lo, x_hi);
  cls_plot_set_y_axis (plot, _("ECR (test cases with FNR ≤ ε)"), y_lo, y_hi);

  if (sweep->n_points == 0)
    {
      cls_plot_set_message (plot, _("Nothing evaluated yet"));
      return g_steal_pointer (&plot);
    }

  item = cls_plot_add_band (plot, CLS_PLOT_INK_THEORY, x, theory_lo, theory_hi, sweep->n_points);
  cls_plot_item_set_name (plot, item, _("theory, 5–95%"));
  cls_plot_item_set_hover (plot, item, x_name, "ECR");

  item = cls_plot_add_line (plot, CLS_PLOT_INK_THEORY, x, theory, sweep->n_points);
  cls_plot_item_set_name (plot, item, _("theory, mean"));
  cls_plot_item_set_hover (plot, item, x_name, "ECR");

  if (sweep->kind == CLS_SWEEP_ALPHA)
    item = cls_plot_add_abline (plot, CLS_PLOT_INK_FG, 1, -1);
  else
    item = cls_plot_add_hline (plot, CLS_PLOT_INK_FG, 1 - alpha);
  cls_plot_item_set_dash (plot, item, CLS_PLOT_DASH_DASHED);
  cls_plot_item_set_name (plot, item, _("target 1 − α"));
  cls_plot_item_set_hover (plot, item, x_name, "1 − α");

  item = cls_plot_add_line (plot, CLS_PLOT_INK_FIXED, x, ecr_fixed, sweep->n_points);
  cls_plot_item_set_markers (plot, item, TRUE);
  cls_plot_item_set_name (plot, item, _("at t = 0.5"));
  cls_plot_item_set_hover (plot, item, x_name, "ECR");

  item = cls_plot_add_line (plot, CLS_PLOT_INK_CALIBRATED, x, ecr, sweep->n_points);
  cls_plot_item_set_markers (plot, item, TRUE);
  cls_plot_item_set_errors (plot, item, ecr_std);
  cls_plot_item_set_name (plot, item, _("at t̂ (mean ± sd)"));
  cls_plot_item_set_hover (plot, item, x_name, "ECR");
  add_sweep_notes (plot, item, sweep);

  return g_steal_pointer (&plot);
}

static char *
model_suffix (const char *model)
{
  return model != NULL ? g_markup_printf_escaped (" — %s", model) : g_strdup ("");
}

/**
 * cls_plot_panel_ecr_alpha:
 * @sweep: an α sweep (cls_sweep_alpha())
 * @model: (nullable): the model, for the title
 *
 * Panel (c): ECR against α for one model, at t̂ (mean ± sd over splits) and
 * at 0.5, with the 1 − α line and the theory's mean and 5–95% band for each
 * α's rank.
 *
 * Returns: (transfer full): the plot
 */
ClsPlot *
cls_plot_panel_ecr_alpha (const ClsSweep *sweep,
                          const char     *model)
{
  g_autofree char *eps = fraction_text (sweep->params.epsilon);
  g_autofree char *suffix = model_suffix (model);
  g_autofree char *title = NULL;

  g_return_val_if_fail (sweep->kind == CLS_SWEEP_ALPHA, NULL);

  /* Translators: the first %s is ε's value, the second " — model" or nothing */
  title = g_strdup_printf (_("Coverage vs α, ε = %s%s"), eps, suffix);
  return ecr_plot (sweep, title, _("α (allowed share of cases above ε)"), "α", 0);
}

/**
 * cls_plot_panel_ecr_fraction:
 * @sweep: a calibration-fraction sweep (cls_sweep_cal_fraction())
 * @model: (nullable): the model, for the title
 *
 * Panel (f), the paper's Figure 7: ECR against the share of cases used for
 * calibration, with the 1 − α line and the theory band.
 *
 * Returns: (transfer full): the plot
 */
ClsPlot *
cls_plot_panel_ecr_fraction (const ClsSweep *sweep,
                             const char     *model)
{
  g_autofree char *eps = fraction_text (sweep->params.epsilon);
  g_autofree char *alpha = fraction_text (sweep->params.alpha);
  g_autofree char *suffix = model_suffix (model);
  g_autofree char *title = NULL;

  g_return_val_if_fail (sweep->kind == CLS_SWEEP_CAL_FRACTION, NULL);

  /* Translators: α's value, ε's value, then " — model" or nothing */
  title = g_strdup_printf (_("Coverage vs calibration size, α = %s, ε = %s%s"), alpha, eps, suffix);
  return ecr_plot (sweep, title, _("calibration fraction (share of cases)"), _("fraction"), 0);
}

/**
 * cls_plot_panel_pc_alpha:
 * @sweeps: (array length=n_models): one α sweep per model
 * @models: (array length=n_models): the models' names
 * @n_models: how many
 *
 * Panel (d): prediction compactness (mask size, % of voxels) at t̂ against
 * α, one line per model, with each model's size at t = 0.5 dotted.
 *
 * Returns: (transfer full): the plot
 */
ClsPlot *
cls_plot_panel_pc_alpha (ClsSweep * const   *sweeps,
                         const char * const *models,
                         guint               n_models)
{
  g_autoptr(ClsPlot) plot = cls_plot_new ();
  double x_lo, x_hi, y_max = 0, y_lo, y_hi;
  guint item;

  sweep_x_range (sweeps, n_models, 0, &x_lo, &x_hi);
  for (guint m = 0; m < n_models; m++)
    for (guint i = 0; i < sweeps[m]->n_points; i++)
      {
        y_max = MAX (y_max, point_field (&sweeps[m]->points[i], FIELD_PC_CAL));
        y_max = MAX (y_max, point_field (&sweeps[m]->points[i], FIELD_PC_FIXED));
      }
  cls_plot_nice_range (0, y_max > 0 ? y_max : 1, 5, &y_lo, &y_hi);
  with_margin (0, y_hi, &y_lo, &y_hi);

  if (n_models > 0)
    {
      g_autofree char *eps = fraction_text (sweeps[0]->params.epsilon);
      g_autofree char *title = g_strdup_printf (_("Mask size vs α, ε = %s"), eps);

      cls_plot_set_title (plot, title);
    }
  cls_plot_set_x_axis (plot, _("α (allowed share of cases above ε)"), x_lo, x_hi);
  cls_plot_set_y_axis (plot, _("PC (% of voxels in the mask)"), y_lo, y_hi);

  if (n_models == 0)
    {
      cls_plot_set_message (plot, _("Nothing evaluated yet"));
      return g_steal_pointer (&plot);
    }

  for (guint m = 0; m < n_models; m++)
    {
      g_autofree double *x = sweep_column (sweeps[m], FIELD_X);
      g_autofree double *pc = sweep_column (sweeps[m], FIELD_PC_CAL);
      g_autofree double *pc_fixed = sweep_column (sweeps[m], FIELD_PC_FIXED);
      g_autofree char *name = g_markup_escape_text (models[m], -1);
      g_autofree char *hover = g_strdup_printf (_("%s at t = 0.5"), models[m]);

      item = cls_plot_add_line (plot, CLS_PLOT_INK_SERIES + m, x, pc_fixed, sweeps[m]->n_points);
      cls_plot_item_set_dash (plot, item, CLS_PLOT_DASH_DOTTED);
      cls_plot_item_set_hover (plot, item, "α", _("PC (%)"));
      for (guint i = 0; i < sweeps[m]->n_points; i++)
        cls_plot_item_set_note (plot, item, i, hover);

      item = cls_plot_add_line (plot, CLS_PLOT_INK_SERIES + m, x, pc, sweeps[m]->n_points);
      cls_plot_item_set_markers (plot, item, TRUE);
      cls_plot_item_set_name (plot, item, name);
      cls_plot_item_set_hover (plot, item, "α", _("PC (%)"));
      add_sweep_notes (plot, item, sweeps[m]);
    }

  /* A legend entry for the dotted lines. */
  item = cls_plot_add_line (plot, CLS_PLOT_INK_FG, NULL, NULL, 0);
  cls_plot_item_set_dash (plot, item, CLS_PLOT_DASH_DOTTED);
  cls_plot_item_set_name (plot, item, _("dotted: at t = 0.5"));

  return g_steal_pointer (&plot);
}
