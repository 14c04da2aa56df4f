/* test-window.c: the main window on a small synthetic dataset
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Opens a window on a 12-case demo set, moves ε and α through the control
 * panel's adjustments and checks that the summary shows exactly what the
 * core computes for the same inputs, that the "only L > ε" filter lists
 * exactly the cases not covered, and that one case or an empty lesion are
 * shown as such. Skips when there is no display.
 */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include "cls-case-row.h"
#include "cls-demo.h"
#include "cls-error.h"
#include "cls-result-json.h"
#include "cls-explain-popover.h"
#include "cls-export.h"
#include "cls-plot-panel.h"
#include "cls-test-util.h"
#include "cls-tri-planar.h"
#include "cls-window.h"
#include "cls-window-test.h"

static char *demo_dir;

/* What the summary must say, computed here from the core alone. */
static void
check_summary (ClsWindow  *window,
               const char *epsilon,
               const char *alpha)
{
  ClsSummaryPanel *summary = cls_window_get_summary_panel (window);
  const ClsCaseSet *set = cls_session_get_case_set (cls_window_get_session (window));
  ClsCalibrationParams params;
  ClsEvaluationParams eval;
  g_autoptr(ClsCalibration) cal = NULL;
  g_autoptr(ClsEvaluator) evaluator = NULL;
  g_autoptr(ClsEvaluation) evaluation = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *t_hat = NULL;
  g_autofree char *cut = NULL;
  g_autofree char *rank = NULL;
  g_autofree char *covered = NULL;

  cls_calibration_params_init (&params);
  cls_evaluation_params_init (&eval);
  g_assert_true (cls_fraction_parse (epsilon, &params.epsilon, NULL));
  g_assert_true (cls_fraction_parse (alpha, &params.alpha, NULL));

  cal = cls_calibration_new ((ClsCaseSummary * const *) set->summaries->pdata, set->summaries->len,
                             &params, &error);
  g_assert_no_error (error);

  t_hat = g_strdup_printf ("%.4f", cls_calibration_get_t_hat (cal));
  cut = g_strdup_printf ("p ≥ %.6g", cls_calibration_get_cut (cal));
  rank = g_strdup_printf ("%" G_GUINT64_FORMAT " of %u", cls_calibration_get_rank (cal),
                          cls_calibration_get_n (cal));
  covered = g_strdup_printf ("%u of %u", cls_calibration_get_n_covered (cal), cls_calibration_get_n (cal));
  g_assert_cmpstr (cls_summary_panel_get_text (summary, CLS_SUMMARY_T_HAT), ==, t_hat);
  g_assert_cmpstr (cls_summary_panel_get_text (summary, CLS_SUMMARY_CUT), ==, cut);
  g_assert_cmpstr (cls_summary_panel_get_text (summary, CLS_SUMMARY_RANK), ==, rank);
  g_assert_cmpstr (cls_summary_panel_get_text (summary, CLS_SUMMARY_COVERED), ==, covered);

  if (cls_calibration_is_feasible (cal))
    g_assert_cmpstr (cls_summary_panel_get_text (summary, CLS_SUMMARY_FEASIBLE), ==, "Yes");
  else
    {
      g_autofree char *needs = g_strdup_printf ("No: needs at least %" G_GUINT64_FORMAT " cases",
                                                cls_calibration_get_min_n (cal));

      g_assert_cmpstr (cls_summary_panel_get_text (summary, CLS_SUMMARY_FEASIBLE), ==, needs);
    }

  evaluator = cls_evaluator_new ((ClsCaseSummary * const *) set->summaries->pdata, set->summaries->len);
  evaluation = cls_evaluator_run (evaluator, &params, &eval, &error);
  g_assert_no_error (error);
  {
    static const struct {
      ClsSummaryField field;
      gsize           offset;
      int             digits;
    } stats[] = {
      { CLS_SUMMARY_ECR_FIXED, CLS_SPLIT_FIELD (ecr_fixed), 3 },
      { CLS_SUMMARY_ECR_CALIBRATED, CLS_SPLIT_FIELD (ecr_calibrated), 3 },
      { CLS_SUMMARY_FNR_FIXED, CLS_SPLIT_FIELD (fnr_fixed), 3 },
      { CLS_SUMMARY_FNR_CALIBRATED, CLS_SPLIT_FIELD (fnr_calibrated), 3 },
      { CLS_SUMMARY_PC_FIXED, CLS_SPLIT_FIELD (pc_fixed), 4 },
      { CLS_SUMMARY_PC_CALIBRATED, CLS_SPLIT_FIELD (pc_calibrated), 4 },
    };
    g_autofree char *theory = g_strdup_printf ("%.3f", cls_evaluation_get_theory_ecr (evaluation));

    for (guint i = 0; i < G_N_ELEMENTS (stats); i++)
      {
        ClsStat s = cls_evaluation_get_stat (evaluation, stats[i].offset);
        g_autofree char *expected = g_strdup_printf ("%.*f ± %.*f", stats[i].digits, s.mean,
                                                     stats[i].digits, s.std);

        g_assert_cmpstr (cls_summary_panel_get_text (summary, stats[i].field), ==, expected);
      }
    g_assert_cmpstr (cls_summary_panel_get_text (summary, CLS_SUMMARY_ECR_THEORY), ==, theory);
  }

  /* The explanation states the same numbers. */
  if (cls_calibration_is_feasible (cal))
    {
      g_autofree char *text = cls_explain_guarantee (cls_window_get_session (window));
      g_autofree char *expected =
        g_strdup_printf ("With probability at least %g%%, a new case misses at most %g%% of its "
                         "lesion voxels; on these 100 splits it held for %.1f%% of test cases "
                         "(theory: %.1f%%).",
                         100 * (1 - cls_fraction_to_double (params.alpha)),
                         100 * cls_fraction_to_double (params.epsilon),
                         100 * cls_evaluation_get_stat (evaluation, CLS_SPLIT_FIELD (ecr_calibrated)).mean,
                         100 * cls_evaluation_get_theory_ecr (evaluation));

      g_assert_cmpstr (text, ==, expected);
    }
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
test_summary_follows_sliders (void)
{
  ClsWindow *window = cls_window_test_open (demo_dir, 0, 0);
  ClsSession *session = cls_window_get_session (window);
  static const struct {
    double      epsilon;
    double      alpha;
    const char *epsilon_text;
    const char *alpha_text;
  } steps[] = {
    { 0.2, 0.2, "0.2", "0.2" },
    { 0.15, 0.1, "0.15", "0.1" },
    { 0.3, 0.25, "0.3", "0.25" },
    { 0.05, 0.4, "0.05", "0.4" },
    { 0.1, 0.03, "0.1", "0.03" },     /* 12 cases are too few for α = 0.03 */
  };

  g_assert_true (cls_window_has_data (window));
  g_assert_cmpuint (cls_session_get_n_models (session), ==, 3);
  g_assert_cmpuint (g_list_model_get_n_items (cls_case_list_get_model (cls_window_get_case_list (window))),
                    ==, 12);

  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      set_epsilon_alpha (window, steps[i].epsilon, steps[i].alpha);
      check_summary (window, steps[i].epsilon_text, steps[i].alpha_text);
    }
  g_assert_false (cls_calibration_is_feasible (cls_session_get_calibration (session)));

  /* Another model: the summary follows too. */
  gtk_drop_down_set_selected (cls_control_panel_get_model_dropdown (cls_window_get_control_panel (window)), 1);
  cls_window_test_iterate ();
  g_assert_cmpstr (cls_session_get_model (session), ==, cls_session_get_model_name (session, 1));
  set_epsilon_alpha (window, 0.25, 0.2);
  check_summary (window, "0.25", "0.2");

  cls_window_test_close (window);
}

static void
test_violating_filter (void)
{
  ClsWindow *window = cls_window_test_open (demo_dir, 0, 0);
  ClsCaseList *list = cls_window_get_case_list (window);
  GListModel *model = cls_case_list_get_model (list);
  const ClsCalibration *cal;
  g_autoptr(GHashTable) expected = g_hash_table_new (g_str_hash, g_str_equal);
  guint n_rows_before;

  set_epsilon_alpha (window, 0.1, 0.4);
  cal = cls_session_get_calibration (cls_window_get_session (window));
  for (guint i = 0; i < cls_calibration_get_n_cases (cal); i++)
    {
      const ClsCaseResult *r = cls_calibration_get_case (cal, i);

      if (!r->skipped && !r->covered)
        g_hash_table_add (expected, (gpointer) cls_case_summary_get_case_id (r->summary));
    }
  g_assert_cmpuint (g_hash_table_size (expected), >, 0);

  n_rows_before = g_list_model_get_n_items (model);
  /* Ctrl+F's action toggles the filter. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.only-violating", NULL));
  cls_window_test_iterate ();
  g_assert_true (cls_case_list_get_only_violating (list));

  g_assert_cmpuint (g_list_model_get_n_items (model), ==, g_hash_table_size (expected));
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(ClsCaseRow) row = g_list_model_get_item (model, i);

      g_assert_true (g_hash_table_contains (expected, cls_case_row_get_case_id (row)));
      g_assert_false (cls_case_row_get_covered (row));
    }

  /* Moving ε re-filters the same list in place. */
  set_epsilon_alpha (window, 0.3, 0.4);
  cal = cls_session_get_calibration (cls_window_get_session (window));
  {
    guint violating = 0;

    for (guint i = 0; i < cls_calibration_get_n_cases (cal); i++)
      {
        const ClsCaseResult *r = cls_calibration_get_case (cal, i);

        violating += !r->skipped && !r->covered;
      }
    g_assert_cmpuint (g_list_model_get_n_items (model), ==, violating);
  }

  cls_case_list_set_only_violating (list, FALSE);
  cls_window_test_iterate ();
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, n_rows_before);

  cls_window_test_close (window);
}

static void
test_rows_and_selection (void)
{
  ClsWindow *window = cls_window_test_open (demo_dir, 0, 0);
  ClsSession *session = cls_window_get_session (window);
  GListModel *model = cls_case_list_get_model (cls_window_get_case_list (window));
  g_autoptr(ClsCaseRow) first = NULL;
  g_autofree char *selected = NULL;

  /* The first case is selected and its volumes load. */
  while (cls_session_get_case_loading (session))
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (cls_session_get_case_id (session));
  g_assert_nonnull (cls_session_get_prob (session));
  g_assert_nonnull (cls_session_get_label (session));

  /* Next case, then moving a slider keeps the selection. */
  cls_case_list_select_relative (cls_window_get_case_list (window), 1);
  selected = g_strdup (cls_session_get_case_id (session));
  first = g_list_model_get_item (model, 1);
  g_assert_cmpstr (selected, ==, cls_case_row_get_case_id (first));
  set_epsilon_alpha (window, 0.35, 0.15);
  g_assert_cmpstr (cls_session_get_case_id (session), ==, selected);
  g_assert_true (gtk_single_selection_get_selected_item (GTK_SINGLE_SELECTION (model)) == (gpointer) first);

  /* Rows show "no lesion" and "—" for empty masks, and numbers that match
   * the calibration for the others. */
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(ClsCaseRow) row = g_list_model_get_item (model, i);
      const ClsCaseResult *r = cls_session_get_case_result (session, cls_case_row_get_case_id (row));
      g_autofree char *lesion = NULL;
      g_autofree char *t = NULL;

      g_object_get (row, "lesion-text", &lesion, "t-text", &t, NULL);
      if (cls_case_summary_get_n_lesion (r->summary) == 0)
        {
          g_assert_cmpstr (lesion, ==, "no lesion");
          g_assert_cmpstr (t, ==, "—");
          g_assert_true (r->skipped);
        }
      else
        {
          g_autofree char *expected = g_strdup_printf ("%.4f", r->score.t);

          g_assert_cmpstr (t, ==, expected);
          g_assert_cmpint (cls_case_row_get_covered (row), ==, r->covered);
        }
    }

  cls_window_test_close (window);
}

static void
link_case (const char *from,
           const char *to,
           const char *sub,
           const char *name)
{
  g_autofree char *src = g_build_filename (from, sub, name, NULL);
  g_autofree char *dir = g_build_filename (to, sub, NULL);
  g_autofree char *dst = g_build_filename (dir, name, NULL);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  g_assert_cmpint (symlink (src, dst), ==, 0);
}

static void
test_one_case (void)
{
  g_autofree char *dir = cls_test_make_tmpdir ();
  const char * const *models = cls_demo_get_models ();
  ClsWindow *window;
  ClsSummaryPanel *summary;
  const char *message;

  link_case (demo_dir, dir, "labels", "case_0000.nii.gz");
  link_case (demo_dir, dir, "images", "case_0000.nii.gz");
  for (guint m = 0; models[m] != NULL; m++)
    {
      g_autofree char *sub = g_build_filename ("probs", models[m], NULL);

      link_case (demo_dir, dir, sub, "case_0000.nii.gz");
    }

  window = cls_window_test_open (dir, 0, 0);
  summary = cls_window_get_summary_panel (window);
  g_assert_true (cls_window_has_data (window));
  set_epsilon_alpha (window, 0.2, 0.2);
  g_assert_cmpstr (cls_summary_panel_get_text (summary, CLS_SUMMARY_FEASIBLE), ==,
                   "No: needs at least 4 cases");
  g_assert_cmpstr (cls_summary_panel_get_text (summary, CLS_SUMMARY_ECR_CALIBRATED), ==, "—");
  message = cls_summary_panel_get_text (summary, CLS_SUMMARY_MESSAGE);
  g_assert_nonnull (strstr (message, "Too few cases"));
  g_assert_nonnull (strstr (message, "at least 2"));

  cls_window_test_close (window);
  cls_test_rm_rf (dir);
}

static void
copy_file (const char *src,
           const char *dst)
{
  g_autofree char *contents = NULL;
  g_autofree char *dir = g_path_get_dirname (dst);
  g_autoptr(GError) error = NULL;
  gsize length;

  g_assert_true (g_file_get_contents (src, &contents, &length, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  g_assert_true (g_file_set_contents (dst, contents, length, &error));
  g_assert_no_error (error);
}

/* A visible label under @widget whose text contains @needle, or NULL. */
static GtkLabel *
find_label (GtkWidget  *widget,
            const char *needle)
{
  if (!gtk_widget_get_visible (widget))
    return NULL;
  if (GTK_IS_LABEL (widget) && strstr (gtk_label_get_text (GTK_LABEL (widget)), needle) != NULL)
    return GTK_LABEL (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkLabel *found = find_label (child, needle);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
select_and_wait (ClsWindow  *window,
                 const char *case_id)
{
  ClsSession *session = cls_window_get_session (window);

  cls_session_select_case (session, case_id);
  while (cls_session_get_case_loading (session))
    g_main_context_iteration (NULL, TRUE);
  cls_window_test_iterate ();
}

/* Issue 6: files that vanish, are replaced by another grid or are damaged
 * after the dataset was loaded give a message in the views that names the
 * case and the file; files changed on the same grid are shown with a
 * warning that the calibration still uses them as they were; the
 * calibration, which lives on the summaries, and the other cases keep
 * working. */
static void
test_files_change_on_disk (void)
{
  g_autofree char *dir = cls_test_make_tmpdir ();
  g_autofree char *other = cls_test_make_tmpdir ();
  const char * const *models = cls_demo_get_models ();
  const char *subs[] = { "labels", "images", NULL };
  ClsDemoOptions options = { 0 };
  g_autoptr(GError) error = NULL;
  ClsWindow *window;
  ClsSession *session;
  ClsTriPlanar *views;
  g_autofree char *gone = NULL;
  g_autofree char *regridded = NULL;
  g_autofree char *damaged = NULL;
  g_autofree char *small = NULL;
  g_autofree char *label_bytes = NULL;
  gsize label_length;
  const char *model;
  GtkLabel *message;

  for (guint c = 0; c < 6; c++)
    {
      g_autofree char *name = g_strdup_printf ("case_%04u.nii.gz", c);

      for (guint i = 0; subs[i] != NULL; i++)
        {
          g_autofree char *src = g_build_filename (demo_dir, subs[i], name, NULL);
          g_autofree char *dst = g_build_filename (dir, subs[i], name, NULL);

          copy_file (src, dst);
        }
      for (guint m = 0; models[m] != NULL; m++)
        {
          g_autofree char *src = g_build_filename (demo_dir, "probs", models[m], name, NULL);
          g_autofree char *dst = g_build_filename (dir, "probs", models[m], name, NULL);

          copy_file (src, dst);
        }
    }

  /* Another grid: a one-case demo of a different size. */
  options.n_cases = 1;
  options.dims[0] = 16;
  options.dims[1] = 16;
  options.dims[2] = 8;
  g_assert_true (cls_demo_write (other, &options, NULL, NULL, NULL, &error));
  g_assert_no_error (error);

  window = cls_window_test_open (dir, 0, 0);
  session = cls_window_get_session (window);
  views = CLS_TRI_PLANAR (cls_window_get_views (window));
  while (cls_session_get_case_loading (session))
    g_main_context_iteration (NULL, TRUE);
  model = cls_session_get_model (session);
  g_assert_nonnull (model);

  /* 1. The probability map of case 2 disappears. */
  gone = g_build_filename (dir, "probs", model, "case_0002.nii.gz", NULL);
  g_assert_cmpint (g_unlink (gone), ==, 0);
  select_and_wait (window, "case_0002");
  g_assert_nonnull (cls_session_get_case_error (session));
  g_assert_nonnull (strstr (cls_session_get_case_error (session)->message, "case_0002.nii.gz"));
  g_assert_nonnull (find_label (GTK_WIDGET (window), "Could not load case_0002"));
  g_assert_null (cls_tri_planar_get_volumes (views));

  /* The calibration lives on the summaries: the sliders still work. */
  set_epsilon_alpha (window, 0.2, 0.2);
  check_summary (window, "0.2", "0.2");

  /* 2. Case 3's map is replaced by one of another grid. */
  regridded = g_build_filename (dir, "probs", model, "case_0003.nii.gz", NULL);
  small = g_build_filename (other, "probs", model, "case_0000.nii.gz", NULL);
  copy_file (small, regridded);
  select_and_wait (window, "case_0003");
  message = find_label (GTK_WIDGET (window), "Cannot show case_0003: ");
  g_assert_nonnull (message);
  g_test_message ("%s", gtk_label_get_text (message));
  g_assert_nonnull (strstr (gtk_label_get_text (message), "grid"));
  g_assert_null (cls_tri_planar_get_volumes (views));

  /* 3. Case 4's label is cut short in the middle of its data. */
  damaged = g_build_filename (dir, "labels", "case_0004.nii.gz", NULL);
  g_assert_true (g_file_get_contents (damaged, &label_bytes, &label_length, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (damaged, label_bytes, label_length / 2, &error));
  g_assert_no_error (error);
  select_and_wait (window, "case_0004");
  g_assert_nonnull (cls_session_get_case_error (session));
  g_assert_nonnull (strstr (cls_session_get_case_error (session)->message, "case_0004.nii.gz"));
  g_assert_nonnull (find_label (GTK_WIDGET (window), "Could not load case_0004"));

  /* 4. Case 5's label is replaced by case 0's, on the same grid: the views
   * show it, and say that the calibration still uses the old one. */
  {
    g_autofree char *src = g_build_filename (dir, "labels", "case_0000.nii.gz", NULL);
    g_autofree char *dst = g_build_filename (dir, "labels", "case_0005.nii.gz", NULL);

    copy_file (src, dst);
  }
  select_and_wait (window, "case_0005");
  g_assert_null (cls_session_get_case_error (session));
  g_assert_nonnull (cls_tri_planar_get_volumes (views));
  g_assert_nonnull (cls_session_get_case_warning (session));
  message = find_label (GTK_WIDGET (window), "The files of case_0005 changed after the dataset was loaded");
  g_assert_nonnull (message);
  g_test_message ("%s", gtk_label_get_text (message));
  g_assert_nonnull (strstr (gtk_label_get_text (message), "lesion voxels"));

  /* 5. An intact case still shows without a warning, and the calibration
   * is unchanged. */
  select_and_wait (window, "case_0001");
  g_assert_null (cls_session_get_case_error (session));
  g_assert_null (cls_session_get_case_warning (session));
  g_assert_nonnull (cls_tri_planar_get_volumes (views));
  g_assert_null (find_label (GTK_WIDGET (window), "Could not load"));
  g_assert_null (find_label (GTK_WIDGET (window), "changed after the dataset was loaded"));
  set_epsilon_alpha (window, 0.1, 0.1);
  check_summary (window, "0.1", "0.1");

  cls_window_test_close (window);
  cls_test_rm_rf (dir);
  cls_test_rm_rf (other);
}

static void
collect_mnemonics (GtkWidget  *widget,
                   GHashTable *seen)
{
  /* Pages a stack does not show take no keys. */
  if (!gtk_widget_get_visible (widget) || !gtk_widget_get_child_visible (widget))
    return;
  if (GTK_IS_LABEL (widget) && gtk_label_get_use_underline (GTK_LABEL (widget)))
    {
      guint keyval = gdk_keyval_to_lower (gtk_label_get_mnemonic_keyval (GTK_LABEL (widget)));
      const char *text = gtk_label_get_label (GTK_LABEL (widget));
      const char *other;

      if (keyval != GDK_KEY_VoidSymbol)
        {
          other = g_hash_table_lookup (seen, GUINT_TO_POINTER (keyval));
          if (other != NULL)
            g_error ("“%s” and “%s” both use Alt+%s", other, text, gdk_keyval_name (keyval));
          g_hash_table_insert (seen, GUINT_TO_POINTER (keyval), (gpointer) text);
        }
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_mnemonics (child, seen);
}

/* Every Alt+letter of the window reaches one control. */
static void
test_mnemonics_unique (void)
{
  ClsWindow *window = cls_window_test_open (demo_dir, 0, 0);
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);

  GtkWidget *methods = GTK_WIDGET (cls_window_get_comparison_panel (window));

  collect_mnemonics (GTK_WIDGET (window), seen);
  g_assert_cmpuint (g_hash_table_size (seen), >=, 10);

  /* and with the methods side by side in place of the plots */
  g_hash_table_remove_all (seen);
  gtk_stack_set_visible_child (GTK_STACK (gtk_widget_get_parent (methods)), methods);
  cls_window_test_iterate ();
  collect_mnemonics (GTK_WIDGET (window), seen);
  g_assert_cmpuint (g_hash_table_size (seen), >=, 11);
  cls_window_test_close (window);
}

/* Masks are {p >= ĉ} voxel for voxel, land where asked, and never on an
 * input of the dataset. */
static void
test_export_masks (void)
{
  ClsWindow *window = cls_window_test_open (demo_dir, 0, 0);
  ClsSession *session = cls_window_get_session (window);
  g_autofree char *out = cls_test_make_tmpdir ();
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;
  g_autoptr(ClsVolume) mask = NULL;
  g_autoptr(GError) error = NULL;
  ClsVolume *prob;
  ClsDataset *dataset;
  double cut;
  guint64 n;
  g_autofree double *p = NULL;
  g_autofree double *m = NULL;
  GStatBuf before, after;
  const char *input;

  set_epsilon_alpha (window, 0.2, 0.2);
  while (cls_session_get_case_loading (session))
    g_main_context_iteration (NULL, TRUE);
  prob = cls_session_get_prob (session);
  g_assert_nonnull (prob);
  cut = cls_calibration_get_cut (cls_session_get_calibration (session));

  name = cls_export_mask_name (cls_session_get_case_id (session));
  g_assert_true (g_str_has_suffix (name, "_mask.nii.gz"));
  path = g_build_filename (out, name, NULL);
  g_assert_true (cls_export_check_target (session, path, &error));
  g_assert_true (cls_export_write_mask (prob, cut, path, &error));
  g_assert_no_error (error);

  mask = cls_volume_read (path, NULL, &error);
  g_assert_no_error (error);
  n = cls_volume_get_n_voxels (prob);
  g_assert_cmpuint (cls_volume_get_n_voxels (mask), ==, n);
  p = g_new (double, n);
  m = g_new (double, n);
  cls_volume_read_doubles (prob, 0, 0, n, p);
  cls_volume_read_doubles (mask, 0, 0, n, m);
  for (guint64 i = 0; i < n; i++)
    g_assert_cmpfloat (m[i], ==, p[i] >= cut ? 1.0 : 0.0);

  /* An input is refused and stays as it was. */
  dataset = cls_session_get_dataset (session);
  input = cls_dataset_get_label_path (dataset, 0);
  g_assert_cmpint (g_stat (input, &before), ==, 0);
  g_assert_false (cls_export_check_target (session, input, &error));
  g_assert_error (error, CLS_ERROR, CLS_ERROR_IO);
  g_assert_nonnull (strstr (error->message, input));
  g_clear_error (&error);
  input = cls_dataset_get_prob_path (dataset, cls_session_get_model (session), 1);
  g_assert_false (cls_export_check_target (session, input, &error));
  g_clear_error (&error);
  g_assert_cmpint (g_stat (cls_dataset_get_label_path (dataset, 0), &after), ==, 0);
  g_assert_cmpint (before.st_mtime, ==, after.st_mtime);
  g_assert_cmpint (before.st_size, ==, after.st_size);

  cls_window_test_close (window);
  cls_test_rm_rf (out);
}

/* The calibration the app exports is the document `cls calibrate --json`
 * prints for the same dataset and parameters. */
static void
test_calibration_json_matches_cli (void)
{
  const char *cls_bin = g_getenv ("CLS_BIN");
  ClsWindow *window;
  ClsSession *session;
  g_autofree char *json = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  if (cls_bin == NULL || !g_file_test (cls_bin, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("CLS_BIN is not set");
      return;
    }

  window = cls_window_test_open (demo_dir, 0, 0);
  session = cls_window_get_session (window);
  set_epsilon_alpha (window, 0.15, 0.1);
  json = cls_calibration_to_json (cls_session_get_calibration (session));

  {
    const char *argv[] = { cls_bin, "calibrate", "--model", cls_session_get_model (session),
                           "--epsilon", "0.15", "--alpha", "0.1", "--json", "--quiet",
                           demo_dir, NULL };

    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err,
                  &status, &error);
  }
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_strchomp (out);
  g_strchomp (json);
  g_assert_cmpstr (json, ==, out);

  cls_window_test_close (window);
}

/* Not a timed test: it reports how long a slider move takes on 1,000
 * cases (calibration, 100 splits, the rows, the panels), and checks that
 * the numbers are still right. */
static void
test_thousand_cases (void)
{
  ClsWindow *window = cls_window_test_open (demo_dir, 0, 0);
  ClsSession *session = cls_window_get_session (window);
  GPtrArray *sets = g_ptr_array_new_with_free_func ((GDestroyNotify) cls_case_set_free);
  ClsCaseSet *set = g_new0 (ClsCaseSet, 1);
  GRand *rand = g_rand_new_with_seed (7);
  enum { N_CASES = 1000, N_VOXELS = 4096 };
  double *probs = g_new (double, N_VOXELS);
  guint8 *lesion = g_new (guint8, N_VOXELS);
  gint64 total = 0;

  set->model = g_strdup ("synthetic");
  set->summaries = g_ptr_array_new_with_free_func ((GDestroyNotify) cls_case_summary_unref);
  set->failures = g_ptr_array_new ();
  for (guint c = 0; c < N_CASES; c++)
    {
      g_autofree char *id = g_strdup_printf ("case_%04u", c);

      for (guint v = 0; v < N_VOXELS; v++)
        {
          lesion[v] = v < 200 + c % 300;
          probs[v] = lesion[v] ? g_rand_double_range (rand, 0.2, 1.0) : g_rand_double_range (rand, 0, 0.6);
        }
      g_ptr_array_add (set->summaries, cls_test_summary_new (id, probs, lesion, N_VOXELS));
    }
  g_ptr_array_add (sets, set);
  cls_session_set_data (session, NULL, sets, TRUE);
  cls_window_test_iterate ();

  for (guint i = 0; i < 10; i++)
    {
      set_epsilon_alpha (window, 0.1 + 0.01 * i, 0.2);
      total += cls_session_get_recompute_usec (session);
    }
  check_summary (window, "0.19", "0.2");
  g_test_message ("One slider move on %u cases (calibration, 100 splits, rows, panels): %.2f ms",
                  N_CASES, total / 10 / 1000.0);

  /* Moves that land while the sweeps run (slow ones: many splits): each
   * cancels the sweep under way with its progress, and the last one's
   * sweep completes (a use after free here, under the sanitizers, was the
   * progress timer of a cancelled sweep). */
  {
    ClsPlotsPanel *plots = CLS_PLOTS_PANEL (cls_window_get_plots_panel (window));
    ClsControlPanel *panel = cls_window_get_control_panel (window);
    static const double epsilons[] = { 0.2, 0.21, 0.22 };

    gtk_adjustment_set_value (cls_control_panel_get_n_splits (panel), 5000);
    for (guint i = 0; i < 3; i++)
      {
        gint64 until;

        gtk_adjustment_set_value (cls_control_panel_get_epsilon (panel), epsilons[i]);
        until = g_get_monotonic_time () + 450 * G_TIME_SPAN_MILLISECOND;
        while (g_get_monotonic_time () < until)
          g_main_context_iteration (NULL, FALSE);
        g_assert_true (cls_plots_panel_get_busy (plots));
      }
    gtk_adjustment_set_value (cls_control_panel_get_n_splits (panel), 100);
    while (cls_plots_panel_get_busy (plots))
      g_main_context_iteration (NULL, TRUE);
    check_summary (window, "0.22", "0.2");
  }

  g_free (probs);
  g_free (lesion);
  g_rand_free (rand);
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
      g_test_add_func ("/window/no-display", test_no_display);
      return g_test_run ();
    }

  demo_dir = cls_window_test_write_demo ();

  g_test_add_func ("/window/summary-follows-sliders", test_summary_follows_sliders);
  g_test_add_func ("/window/violating-filter", test_violating_filter);
  g_test_add_func ("/window/rows-and-selection", test_rows_and_selection);
  g_test_add_func ("/window/one-case", test_one_case);
  g_test_add_func ("/window/files-change-on-disk", test_files_change_on_disk);
  g_test_add_func ("/window/mnemonics-unique", test_mnemonics_unique);
  g_test_add_func ("/window/export-masks", test_export_masks);
  g_test_add_func ("/window/calibration-json", test_calibration_json_matches_cli);
  g_test_add_func ("/window/thousand-cases", test_thousand_cases);

  status = g_test_run ();
  cls_test_rm_rf (demo_dir);
  return status;
}
