/* test-methods-ui.c: the methods beyond the paper in the window
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Opens a window on a 12-case demo set and drives it: each method,
 * guarantee and loss chosen in the control panel shows the t̂ and the cut
 * that cls_calibration_new() gives for the same parameters, and states its
 * guarantee; combinations the core refuses are said so; the methods side
 * by side are ClsMethodComparison's rows on the same splits; the
 * two-method overlay colours each voxel of a slice as p >= cut A and
 * p >= cut B say. Skips when there is no display.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <gtk/gtk.h>

#include "cls-comparison-panel.h"
#include "cls-demo.h"
#include "cls-explain-popover.h"
#include "cls-plot-panel.h"
#include "cls-plot-panels.h"
#include "cls-slice-test.h"
#include "cls-test-util.h"
#include "cls-tri-planar.h"
#include "cls-window.h"
#include "cls-window-test.h"

static char *demo_dir;

/* What the user picks in the control panel. */
typedef struct {
  ClsMethod    method;
  ClsGuarantee guarantee;
  ClsLoss      loss;
  const char  *delta;      /* NULL: the method takes none */
  const char  *coverage;
} Choice;

static void
choose (ClsWindow    *window,
        const Choice *choice)
{
  ClsControlPanel *panel = cls_window_get_control_panel (window);

  gtk_adjustment_set_value (cls_control_panel_get_delta (panel),
                            choice->delta != NULL ? g_ascii_strtod (choice->delta, NULL) : 0.1);
  gtk_adjustment_set_value (cls_control_panel_get_lesion_coverage (panel),
                            g_ascii_strtod (choice->coverage, NULL));
  gtk_drop_down_set_selected (cls_control_panel_get_method_dropdown (panel), choice->method);
  gtk_drop_down_set_selected (cls_control_panel_get_guarantee_dropdown (panel), choice->guarantee);
  gtk_drop_down_set_selected (cls_control_panel_get_loss_dropdown (panel), choice->loss);
  cls_window_test_iterate ();
}

/* The parameters the core gets for @choice, written out here. */
static void
params_of (const Choice         *choice,
           ClsCalibrationParams *params)
{
  cls_calibration_params_init (params);
  g_assert_true (cls_fraction_parse ("0.2", &params->epsilon, NULL));
  g_assert_true (cls_fraction_parse ("0.3", &params->alpha, NULL));
  params->method = choice->method;
  params->guarantee = choice->guarantee;
  params->loss = choice->loss;
  if (choice->delta != NULL)
    g_assert_true (cls_fraction_parse (choice->delta, &params->delta, NULL));
  g_assert_true (cls_fraction_parse (choice->coverage, &params->lesion_coverage, NULL));
}

static void
set_epsilon_alpha (ClsWindow *window,
                   double     epsilon,
                   double     alpha)
{
  ClsControlPanel *panel = cls_window_get_control_panel (window);

  gtk_adjustment_set_value (cls_control_panel_get_epsilon (panel), epsilon);
  gtk_adjustment_set_value (cls_control_panel_get_alpha (panel), alpha);
  cls_window_test_iterate ();
}

static void
test_each_method (void)
{
  static const Choice choices[] = {
    { CLS_METHOD_EXACT, CLS_GUARANTEE_MARGINAL, CLS_LOSS_VOXEL, NULL, "0.5" },
    { CLS_METHOD_BISECT, CLS_GUARANTEE_MARGINAL, CLS_LOSS_VOXEL, NULL, "0.5" },
    { CLS_METHOD_EXACT, CLS_GUARANTEE_PAC, CLS_LOSS_VOXEL, "0.25", "0.5" },
    { CLS_METHOD_BISECT, CLS_GUARANTEE_PAC, CLS_LOSS_VOXEL, "0.3", "0.5" },
    { CLS_METHOD_CRC, CLS_GUARANTEE_MARGINAL, CLS_LOSS_VOXEL, NULL, "0.5" },
    { CLS_METHOD_LTT, CLS_GUARANTEE_MARGINAL, CLS_LOSS_VOXEL, "0.2", "0.5" },
    { CLS_METHOD_EXACT, CLS_GUARANTEE_MARGINAL, CLS_LOSS_LESION, NULL, "0.5" },
    { CLS_METHOD_EXACT, CLS_GUARANTEE_MARGINAL, CLS_LOSS_LESION, NULL, "0.25" },
    { CLS_METHOD_CRC, CLS_GUARANTEE_MARGINAL, CLS_LOSS_LESION, NULL, "0.75" },
    { CLS_METHOD_LTT, CLS_GUARANTEE_MARGINAL, CLS_LOSS_LESION, "0.3", "0.5" },
  };
  ClsWindow *window = cls_window_test_open (demo_dir, 1400, 900);
  ClsSession *session = cls_window_get_session (window);
  ClsSummaryPanel *summary = cls_window_get_summary_panel (window);
  const ClsCaseSet *set = cls_session_get_case_set (session);
  gboolean pac_differs = FALSE;

  set_epsilon_alpha (window, 0.2, 0.3);
  g_assert_true (cls_session_has_lesions (session));

  for (guint i = 0; i < G_N_ELEMENTS (choices); i++)
    {
      ClsCalibrationParams params;
      g_autoptr(ClsCalibration) cal = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *t_hat = NULL;
      g_autofree char *cut = NULL;
      g_autofree char *promise = NULL;
      const ClsCalibration *shown;

      choose (window, &choices[i]);
      params_of (&choices[i], &params);
      cal = cls_calibration_new ((ClsCaseSummary * const *) set->summaries->pdata, set->summaries->len,
                                 &params, &error);
      g_assert_no_error (error);

      /* The session calibrates exactly these parameters… */
      shown = cls_session_get_calibration (session);
      g_assert_nonnull (shown);
      g_assert_cmpfloat (cls_calibration_get_cut (shown), ==, cls_calibration_get_cut (cal));
      g_assert_cmpfloat (cls_calibration_get_t_hat (shown), ==, cls_calibration_get_t_hat (cal));
      if (choices[i].guarantee == CLS_GUARANTEE_PAC)
        {
          ClsCalibrationParams marginal = params;
          g_autoptr(ClsCalibration) plain = NULL;

          marginal.guarantee = CLS_GUARANTEE_MARGINAL;
          marginal.delta = (ClsFraction) { 0, 0 };
          plain = cls_calibration_new ((ClsCaseSummary * const *) set->summaries->pdata,
                                       set->summaries->len, &marginal, NULL);
          pac_differs |= cls_calibration_get_rank (plain) != cls_calibration_get_rank (cal);
        }

      /* … and the summary shows them, with the method's guarantee. */
      t_hat = g_strdup_printf ("%.4f", cls_calibration_get_t_hat (cal));
      cut = g_strdup_printf ("p ≥ %.6g", cls_calibration_get_cut (cal));
      g_assert_cmpstr (cls_summary_panel_get_text (summary, CLS_SUMMARY_T_HAT), ==, t_hat);
      g_assert_cmpstr (cls_summary_panel_get_text (summary, CLS_SUMMARY_CUT), ==, cut);
      promise = cls_explain_guarantee_short (&params);
      g_assert_cmpstr (cls_summary_panel_get_text (summary, CLS_SUMMARY_GUARANTEE), ==, promise);
    }
  /* At α = 0.3 and δ ≤ 0.3 the PAC rank is not the marginal one. */
  g_assert_true (pac_differs);

  cls_window_test_close (window);
}

static void
test_guarantees_in_words (void)
{
  static const Choice crc = { CLS_METHOD_CRC, CLS_GUARANTEE_PAC, CLS_LOSS_VOXEL, NULL, "0.5" };
  static const Choice pac = { CLS_METHOD_EXACT, CLS_GUARANTEE_PAC, CLS_LOSS_VOXEL, "0.1", "0.5" };
  static const Choice ltt = { CLS_METHOD_LTT, CLS_GUARANTEE_MARGINAL, CLS_LOSS_LESION, "0.1", "0.5" };
  ClsWindow *window = cls_window_test_open (demo_dir, 1400, 900);
  ClsSession *session = cls_window_get_session (window);
  ClsSummaryPanel *summary = cls_window_get_summary_panel (window);
  ClsControlPanel *panel = cls_window_get_control_panel (window);
  ClsCalibrationParams params;
  g_autofree char *text = NULL;

  set_epsilon_alpha (window, 0.2, 0.3);

  /* CRC has its own guarantee: the PAC choice does not apply, α neither. */
  choose (window, &crc);
  cls_session_get_params (session, &params);
  g_assert_cmpint (params.method, ==, CLS_METHOD_CRC);
  g_assert_cmpint (params.guarantee, ==, CLS_GUARANTEE_MARGINAL);
  g_assert_false (cls_calibration_params_has_delta (&params));
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (cls_control_panel_get_guarantee_dropdown (panel))));
  g_assert_cmpstr (cls_summary_panel_get_text (summary, CLS_SUMMARY_GUARANTEE), ==,
                   "mean FNR ≤ 0.2 (conformal risk control)");
  text = cls_explain_guarantee (session);
  g_assert_nonnull (strstr (text, "mean FNR ≤ ε"));
  g_clear_pointer (&text, g_free);

  choose (window, &pac);
  g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (cls_control_panel_get_guarantee_dropdown (panel))));
  g_assert_cmpstr (cls_summary_panel_get_text (summary, CLS_SUMMARY_GUARANTEE), ==,
                   "with probability ≥ 0.9 over the calibration set, P(FNR ≤ 0.2) ≥ 0.7");
  text = cls_explain_guarantee (session);
  g_assert_true (g_str_has_prefix (text, "With probability at least 90% over the calibration set, at "
                                         "least 70% of new cases miss at most 20% of their lesion voxels"));
  g_clear_pointer (&text, g_free);

  choose (window, &ltt);
  g_assert_cmpstr (cls_summary_panel_get_text (summary, CLS_SUMMARY_GUARANTEE), ==,
                   "with probability ≥ 0.9 over the calibration set, mean lesion FNR ≤ 0.2");
  g_assert_cmpstr (cls_control_panel_get_method_note (panel), !=, "");

  /* The core refuses bisection with the lesion loss: said so, no calibration. */
  gtk_drop_down_set_selected (cls_control_panel_get_method_dropdown (panel), CLS_METHOD_BISECT);
  cls_window_test_iterate ();
  g_assert_null (cls_session_get_calibration (session));
  g_assert_nonnull (cls_session_get_calibration_error (session));
  g_assert_cmpstr (cls_control_panel_get_method_note (panel), ==,
                   cls_control_panel_refusal (CLS_METHOD_BISECT, CLS_LOSS_LESION, TRUE));
  g_assert_cmpstr (cls_summary_panel_get_text (summary, CLS_SUMMARY_T_HAT), ==, "—");

  cls_window_test_close (window);
}

/* The table against ClsMethodComparison computed here on the same cases,
 * parameters and splits. */
static void
check_comparison (ClsWindow *window)
{
  ClsSession *session = cls_window_get_session (window);
  ClsComparisonPanel *panel = cls_window_get_comparison_panel (window);
  const ClsCaseSet *set = cls_session_get_case_set (session);
  ClsCalibrationParams base;
  ClsEvaluationParams eval;
  g_autoptr(ClsMethodComparison) expected = NULL;
  g_autoptr(GError) error = NULL;
  const ClsMethodComparison *shown;

  cls_window_test_wait (window);
  shown = cls_comparison_panel_get_comparison (panel);
  g_assert_nonnull (shown);

  cls_session_get_params (session, &base);
  /* The table is that of the current parameters, not an older run's. */
  g_assert_cmpint (cls_fraction_compare (cls_method_comparison_get_base (shown)->epsilon, base.epsilon), ==, 0);
  g_assert_cmpint (cls_fraction_compare (cls_method_comparison_get_base (shown)->delta,
                                         cls_session_get_delta (session)), ==, 0);
  base.method = CLS_METHOD_EXACT;
  base.guarantee = CLS_GUARANTEE_MARGINAL;
  base.loss = CLS_LOSS_VOXEL;
  base.delta = cls_session_get_delta (session);
  cls_session_get_eval_params (session, &eval);
  expected = cls_method_comparison_new (&base, &eval, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (cls_method_comparison_add_model (expected, "demo", cls_session_get_model (session),
                                                  (ClsCaseSummary * const *) set->summaries->pdata,
                                                  set->summaries->len, &error));
  g_assert_no_error (error);

  /* t = 0.5, exact, bisect, PAC, crc, ltt and the lesion loss's two */
  g_assert_cmpuint (cls_method_comparison_get_n_rows (expected), ==, 8);
  g_assert_cmpuint (cls_method_comparison_get_n_rows (shown), ==, cls_method_comparison_get_n_rows (expected));
  for (guint r = 0; r < cls_method_comparison_get_n_rows (expected); r++)
    {
      const ClsMethodRow *want = cls_method_comparison_get_row (expected, r);
      const ClsMethodRow *got = cls_method_comparison_get_row (shown, r);
      const struct {
        ClsComparisonColumn column;
        ClsStat             stat;
        int                 digits;
      } cells[] = {
        { CLS_COMPARISON_T_HAT, want->t_hat, 3 },
        { CLS_COMPARISON_ECR, want->ecr, 3 },
        { CLS_COMPARISON_FNR, want->fnr, 3 },
        { CLS_COMPARISON_PC, want->pc, 4 },
        { CLS_COMPARISON_LESIONS_MISSED, want->lesion_missed, 3 },
        { CLS_COMPARISON_LESION_FNR, want->lesion_fnr, 3 },
      };
      g_autofree char *want_id = cls_method_row_id (want);
      g_autofree char *got_id = cls_method_row_id (got);

      g_assert_cmpstr (got_id, ==, want_id);
      g_assert_cmpstr (got->label, ==, want->label);
      for (guint c = 0; c < G_N_ELEMENTS (cells); c++)
        {
          g_autofree char *text = isfinite (cells[c].stat.mean)
                                  ? g_strdup_printf ("%.*f\n± %.*f", cells[c].digits, cells[c].stat.mean,
                                                     cells[c].digits, cells[c].stat.std)
                                  : g_strdup ("—");

          g_assert_cmpstr (cls_comparison_panel_get_text (panel, r, cells[c].column), ==, text);
        }
    }
}

static void
test_comparison_rows (void)
{
  ClsWindow *window = cls_window_test_open (demo_dir, 1400, 900);
  GtkWidget *panel = GTK_WIDGET (cls_window_get_comparison_panel (window));

  /* The table is made when it is shown, not behind the plots. */
  set_epsilon_alpha (window, 0.2, 0.3);
  g_assert_false (gtk_widget_get_mapped (panel));
  g_assert_null (cls_comparison_panel_get_comparison (CLS_COMPARISON_PANEL (panel)));
  gtk_stack_set_visible_child (GTK_STACK (gtk_widget_get_parent (panel)), panel);
  g_assert_true (gtk_widget_get_mapped (panel));
  check_comparison (window);

  /* Another ε and δ: the table is computed again. */
  gtk_adjustment_set_value (cls_control_panel_get_delta (cls_window_get_control_panel (window)), 0.2);
  set_epsilon_alpha (window, 0.1, 0.25);
  check_comparison (window);

  cls_window_test_close (window);
}

/* The voxel class of the two-method overlay, per pixel of the axial view,
 * against p >= cut A and p >= cut B on the stored values. */
static void
check_overlay_slice (ClsWindow  *window,
                     const char *id_a,
                     const char *id_b,
                     guint       counts[4])
{
  ClsSession *session = cls_window_get_session (window);
  ClsComparisonPanel *panel = cls_window_get_comparison_panel (window);
  ClsTriPlanar *views = CLS_TRI_PLANAR (cls_window_get_views (window));
  ClsSliceView *view = cls_tri_planar_get_view (views, CLS_SLICE_PLANE_AXIAL);
  ClsSliceStyle *style = cls_tri_planar_get_style (views);
  ClsVolume *prob = cls_session_get_prob (session);
  int scale = gtk_widget_get_scale_factor (GTK_WIDGET (view));
  static const ClsOverlayColor classes[3] = {
    CLS_OVERLAY_COLOR_AGREEMENT, CLS_OVERLAY_COLOR_ONLY_A, CLS_OVERLAY_COLOR_ONLY_B,
  };
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(ClsSliceTestPixels) pixels = { 0 };
  double cuts[2];
  gint64 dims[3], cursor[3];

  cls_comparison_panel_set_method (panel, 0, id_a);
  cls_comparison_panel_set_method (panel, 1, id_b);
  cls_comparison_panel_set_compare (panel, TRUE);
  cls_window_test_iterate ();
  g_assert_true (cls_slice_style_get_overlays (style) & CLS_OVERLAY_COMPARE);

  /* The cuts are those of the core on the whole calibration set. */
  for (guint w = 0; w < 2; w++)
    {
      const char *id = w == 0 ? id_a : id_b;
      ClsCalibrationParams base, params;
      gboolean fixed;

      cls_session_get_params (session, &base);
      base.delta = cls_session_get_delta (session);
      g_assert_true (cls_method_id_params (id, &base, &params, &fixed));
      if (fixed)
        cuts[w] = CLS_FIXED_CUT;
      else
        {
          const ClsCaseSet *set = cls_session_get_case_set (session);
          g_autoptr(ClsCalibration) cal = cls_calibration_new ((ClsCaseSummary * const *) set->summaries->pdata,
                                                               set->summaries->len, &params, &error);

          g_assert_no_error (error);
          cuts[w] = cls_calibration_get_cut (cal);
        }
      g_assert_cmpfloat (cls_comparison_panel_get_cut (panel, w), ==, cuts[w]);
    }
  {
    double style_a, style_b;

    cls_slice_style_get_compare_cuts (style, &style_a, &style_b);
    g_assert_cmpfloat (style_a, ==, cuts[0]);
    g_assert_cmpfloat (style_b, ==, cuts[1]);
  }

  texture = cls_slice_view_render_to_texture (view, &error);
  g_assert_no_error (error);
  cls_slice_test_download (texture, &pixels);

  cls_volume_get_dims (prob, dims);
  cls_slice_view_get_cursor (view, cursor);
  for (gint64 j = 0; j < dims[1]; j++)
    for (gint64 i = 0; i < dims[0]; i++)
      {
        double index[3] = { i, j, cursor[2] };
        double p, x, y;
        gboolean in_a, in_b;
        int rgb[3];

        if (!cls_slice_view_voxel_to_widget (view, index, &x, &y) ||
            x < 0 || y < 0 || x * scale >= pixels.width || y * scale >= pixels.height)
          continue;
        cls_volume_read_doubles (prob, 0, (guint64) (i + dims[0] * (j + dims[1] * cursor[2])), 1, &p);
        in_a = p >= cuts[0];
        in_b = p >= cuts[1];
        cls_slice_test_rgb (&pixels, (int) floor (x * scale), (int) floor (y * scale), rgb);

        if (in_a || in_b)
          {
            ClsOverlayColor which = classes[in_a && in_b ? 0 : in_a ? 1 : 2];
            GdkRGBA color;

            cls_slice_style_get_color (style, which, &color);
            for (int c = 0; c < 3; c++)
              if (fabs (rgb[c] - (&color.red)[c] * 255.0) > 2.0)
                g_error ("voxel (%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT "), p = %.9g, cuts %.9g and %.9g: "
                         "got (%d, %d, %d), want colour %d", i, j, p, cuts[0], cuts[1],
                         rgb[0], rgb[1], rgb[2], which);
            counts[in_a && in_b ? 0 : in_a ? 1 : 2]++;
          }
        else
          {
            /* In neither mask: the image in grey. */
            if (rgb[0] != rgb[1] || rgb[1] != rgb[2])
              g_error ("voxel (%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT "), p = %.9g in neither mask: "
                       "got (%d, %d, %d)", i, j, p, rgb[0], rgb[1], rgb[2]);
            counts[3]++;
          }
      }
}

static void
test_two_method_overlay (void)
{
  ClsWindow *window = cls_window_test_open (demo_dir, 1400, 900);
  ClsSession *session = cls_window_get_session (window);
  ClsTriPlanar *views = CLS_TRI_PLANAR (cls_window_get_views (window));
  ClsSliceStyle *style = cls_tri_planar_get_style (views);
  const ClsCaseSet *set = cls_session_get_case_set (session);
  guint counts[4] = { 0 };
  gint64 focus[3];

  set_epsilon_alpha (window, 0.2, 0.3);
  for (guint i = 0; i < set->summaries->len; i++)
    {
      ClsCaseSummary *summary = g_ptr_array_index (set->summaries, i);

      if (cls_case_summary_get_n_lesion (summary) > 0)
        {
          cls_session_select_case (session, cls_case_summary_get_case_id (summary));
          break;
        }
    }
  cls_window_test_wait (window);
  g_assert_nonnull (cls_session_get_prob (session));

  /* No OpenGL under this display skips; a shader that does not build fails. */
  {
    GtkWidget *axial = GTK_WIDGET (cls_tri_planar_get_view (views, CLS_SLICE_PLANE_AXIAL));
    const GError *gl_error;

    while (!gtk_widget_get_mapped (axial) || gtk_widget_get_width (axial) <= 0)
      g_main_context_iteration (NULL, TRUE);
    gl_error = gtk_gl_area_get_error (GTK_GL_AREA (axial));
    if (gl_error != NULL &&
        (g_error_matches (gl_error, GDK_GL_ERROR, GDK_GL_ERROR_COMPILATION_FAILED) ||
         g_error_matches (gl_error, GDK_GL_ERROR, GDK_GL_ERROR_LINK_FAILED)))
      g_error ("%s", gl_error->message);
    if (gl_error != NULL)
      {
        g_test_skip (gl_error->message);
        cls_window_test_close (window);
        return;
      }
  }

  /* Only the two masks, fully opaque, over the image. */
  cls_slice_style_set_opacity (style, 1.0);
  cls_slice_style_set_mask_style (style, CLS_MASK_STYLE_FILL);
  cls_slice_style_set_overlays (style, CLS_OVERLAY_COMPARE);
  cls_slice_volumes_get_focus (cls_tri_planar_get_volumes (views), focus);
  cls_tri_planar_set_cursor (views, focus);

  /* The 0.5 mask against a lower cut and the other way round: the pixels
   * of both masks, of only A's, of only B's and of neither. */
  check_overlay_slice (window, "fixed", "ltt", counts);
  check_overlay_slice (window, "exact", "fixed", counts);
  for (guint c = 0; c < G_N_ELEMENTS (counts); c++)
    g_assert_cmpuint (counts[c], >, 0);

  /* Off again: the usual masks come back. */
  cls_comparison_panel_set_compare (cls_window_get_comparison_panel (window), FALSE);
  cls_window_test_iterate ();
  g_assert_false (cls_slice_style_get_overlays (style) & CLS_OVERLAY_COMPARE);

  cls_window_test_close (window);
}

static void
test_lesion_loss_curve (void)
{
  static const Choice voxel = { CLS_METHOD_EXACT, CLS_GUARANTEE_MARGINAL, CLS_LOSS_VOXEL, NULL, "0.5" };
  static const Choice lesion = { CLS_METHOD_EXACT, CLS_GUARANTEE_MARGINAL, CLS_LOSS_LESION, NULL, "0.5" };
  ClsWindow *window = cls_window_test_open (demo_dir, 1400, 900);
  ClsSession *session = cls_window_get_session (window);
  ClsPlotsPanel *plots = CLS_PLOTS_PANEL (cls_window_get_plots_panel (window));
  const ClsCaseSet *set = cls_session_get_case_set (session);
  ClsCaseSummary *summary = NULL;
  ClsPlot *plot;
  g_autofree char *voxel_title = NULL;
  g_autofree char *lesion_title = NULL;

  for (guint i = 0; i < set->summaries->len && summary == NULL; i++)
    if (cls_case_summary_get_n_lesion (g_ptr_array_index (set->summaries, i)) > 0)
      summary = g_ptr_array_index (set->summaries, i);
  g_assert_nonnull (summary);
  /* The settings are the process's: an earlier test's choice is still there. */
  choose (window, &voxel);
  cls_session_select_case (session, cls_case_summary_get_case_id (summary));
  cls_window_test_wait (window);

  voxel_title = g_markup_printf_escaped ("Loss curve of %s", cls_case_summary_get_case_id (summary));
  lesion_title = g_markup_printf_escaped ("Lesion loss curve of %s", cls_case_summary_get_case_id (summary));

  plot = cls_plots_panel_get_plot (plots, CLS_PLOT_PANEL_LOSS);
  g_assert_nonnull (plot);
  g_assert_cmpstr (cls_plot_get_title (plot), ==, voxel_title);

  /* The lesion loss: panel (a) shows L(t) = lesions missed / lesions. */
  choose (window, &lesion);
  plot = cls_plots_panel_get_plot (plots, CLS_PLOT_PANEL_LOSS);
  g_assert_cmpstr (cls_plot_get_title (plot), ==, lesion_title);

  /* Its corners: from t = 0 and then at each distinct detection cut d below
   * 1, the lesions missed at the mask {p >= d} over all lesions. */
  {
    g_autoptr(ClsLesionCuts) cuts = cls_lesion_cuts_new (cls_case_summary_get_components (summary),
                                                         CLS_DEFAULT_LESION_COVERAGE, NULL);
    g_autofree double *t = NULL;
    g_autofree double *loss = NULL;
    guint n, k = 1;

    cls_plot_panel_lesion_loss_points (summary, NULL, CLS_DEFAULT_LESION_COVERAGE, &t, &loss, &n);
    g_assert_cmpuint (cuts->n, >, 0);
    g_assert_cmpuint (n, >, 0);
    g_assert_cmpfloat (t[0], ==, 0.0);
    g_assert_cmpfloat (loss[0], ==, (double) cls_lesion_cuts_missed (cuts, 1.0) / cuts->n);
    for (guint j = 0; j < cuts->n; j++)
      {
        double d = cuts->cuts[j];

        if (d >= 1.0 || (j > 0 && cuts->cuts[j - 1] == d))
          continue;
        g_assert_cmpuint (k, <, n);
        g_assert_cmpfloat (loss[k], ==, (double) cls_lesion_cuts_missed (cuts, d) / cuts->n);
        k++;
      }
    g_assert_cmpuint (k, ==, n);
  }

  cls_window_test_close (window);
}

static void
test_no_display (void)
{
  g_test_skip ("no display (run under xvfb-run)");
}

int
main (int   argc,
      char *argv[])
{
  int status;

  if (!cls_window_test_init (&argc, &argv))
    {
      g_test_add_func ("/methods-ui/no-display", test_no_display);
      return g_test_run ();
    }

  demo_dir = cls_window_test_write_demo ();

  g_test_add_func ("/methods-ui/each-method", test_each_method);
  g_test_add_func ("/methods-ui/guarantees-in-words", test_guarantees_in_words);
  g_test_add_func ("/methods-ui/comparison-rows", test_comparison_rows);
  g_test_add_func ("/methods-ui/two-method-overlay", test_two_method_overlay);
  g_test_add_func ("/methods-ui/lesion-loss-curve", test_lesion_loss_curve);

  status = g_test_run ();
  cls_test_rm_rf (demo_dir);
  return status;
}
