/* cls-cmd-evaluate.c: `cls evaluate`
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>

#include <glib/gi18n.h>

#include "cls-cli.h"
#include "cls-result-json.h"

static void
print_row (const ClsEvaluation *ev,
           const char          *label,
           gsize                fixed,
           gsize                calibrated)
{
  ClsStat a = cls_evaluation_get_stat (ev, fixed);
  ClsStat b = cls_evaluation_get_stat (ev, calibrated);
  g_autofree char *padded = cls_cli_pad (label, -28);

  printf ("%s %8.4f ± %-8.4f %8.4f ± %-8.4f\n", padded, a.mean, a.std, b.mean, b.std);
}

static void
print_lesions (const ClsEvaluation *ev)
{
  static const gsize fields[CLS_N_SIZE_BANDS][3] = {
    { CLS_SPLIT_FIELD (lesions_small), CLS_SPLIT_FIELD (missed_small_fixed), CLS_SPLIT_FIELD (missed_small_calibrated) },
    { CLS_SPLIT_FIELD (lesions_medium), CLS_SPLIT_FIELD (missed_medium_fixed), CLS_SPLIT_FIELD (missed_medium_calibrated) },
    { CLS_SPLIT_FIELD (lesions_large), CLS_SPLIT_FIELD (missed_large_fixed), CLS_SPLIT_FIELD (missed_large_calibrated) },
  };

  print_row (ev, _("lesion-level FNR"), CLS_SPLIT_FIELD (lesion_fnr_fixed), CLS_SPLIT_FIELD (lesion_fnr_calibrated));
  print_row (ev, _("lesions with no voxel found"), CLS_SPLIT_FIELD (lesion_missed_fixed),
             CLS_SPLIT_FIELD (lesion_missed_calibrated));
  printf (_("\nTest lesions missed per split, by equivalent diameter (mean over splits):\n"));
  for (guint b = 0; b < CLS_N_SIZE_BANDS; b++)
    {
      g_autofree char *label = g_strdup_printf (_("%s (of %.1f)"), cls_size_band_get_label ((ClsSizeBand) b),
                                                cls_evaluation_get_stat (ev, fields[b][0]).mean);

      print_row (ev, label, fields[b][1], fields[b][2]);
    }
}

static void
print_table (const ClsEvaluation *ev,
             const char          *model)
{
  const ClsCalibrationParams *p = cls_evaluation_get_params (ev);
  const ClsEvaluationParams *e = cls_evaluation_get_eval_params (ev);
  g_autofree char *eps = cls_fraction_to_string (p->epsilon);
  g_autofree char *alpha = cls_fraction_to_string (p->alpha);
  g_autofree char *f = cls_fraction_to_string (e->cal_fraction);
  g_autofree char *method = cls_cli_describe_method (p);
  ClsStat t = cls_evaluation_get_stat (ev, CLS_SPLIT_FIELD (t_hat));
  guint64 k = cls_evaluation_get_rank (ev);
  gboolean theory = cls_evaluation_has_theory (ev);

  printf (_("Model %s: %u cases"), model, cls_evaluation_get_n (ev));
  if (cls_evaluation_get_n_skipped (ev) > 0)
    printf (_(" (%u without lesion skipped)"), cls_evaluation_get_n_skipped (ev));
  printf (_(", epsilon = %s, alpha = %s, method %s\n"), eps, alpha, method);
  printf (_("%u random splits (MT19937, seed %" PRIu64 "), calibration fraction %s: "
            "%u calibration and %u test cases each\n"),
          e->n_splits, e->seed, f, cls_evaluation_get_n_cal (ev), cls_evaluation_get_n_test (ev));
  if (theory && cls_evaluation_is_feasible (ev))
    printf (_("Rank k = %" PRIu64 " of %u; t̂ = %.4f ± %.4f\n\n"),
            k, cls_evaluation_get_n_cal (ev), t.mean, t.std);
  else if (theory)
    printf (_("Not feasible: k = %" PRIu64 " > %u calibration cases; t̂ = 1 (every voxel is lesion)\n\n"),
            k, cls_evaluation_get_n_cal (ev));
  else
    {
      printf (_("t̂ = %.4f ± %.4f"), t.mean, t.std);
      if (p->strata != CLS_STRATA_NONE || p->weights != NULL)
        printf (_(" (the mean of the test cases' own t̂)"));
      if (p->weights != NULL)
        printf (_("; effective calibration sample size %.1f"), cls_evaluation_get_stat (ev, CLS_SPLIT_FIELD (n_eff)).mean);
      if (cls_evaluation_get_n_infeasible (ev) > 0)
        printf (_("; %u splits without a feasible threshold (t̂ = 1)"), cls_evaluation_get_n_infeasible (ev));
      printf ("\n\n");
    }

  printf ("%-28s %-19s %-19s\n", "", _("fixed t = 0.5"), _("calibrated t̂"));
  print_row (ev, p->loss == CLS_LOSS_LESION ? _("ECR (lesion-level FNR <= ε)") : _("ECR (share with FNR <= ε)"),
             CLS_SPLIT_FIELD (ecr_fixed), CLS_SPLIT_FIELD (ecr_calibrated));
  print_row (ev, _("test FNR"), CLS_SPLIT_FIELD (fnr_fixed), CLS_SPLIT_FIELD (fnr_calibrated));
  print_row (ev, _("PC (share of voxels)"), CLS_SPLIT_FIELD (pc_fixed), CLS_SPLIT_FIELD (pc_calibrated));
  print_row (ev, _("lesions missed entirely"), CLS_SPLIT_FIELD (missed_fixed), CLS_SPLIT_FIELD (missed_calibrated));
  print_row (ev, _("false positive rate"), CLS_SPLIT_FIELD (fpr_fixed), CLS_SPLIT_FIELD (fpr_calibrated));
  if (cls_evaluation_has_lesion_measures (ev))
    print_lesions (ev);
  if (theory)
    printf (_("\nTheory: mean ECR = k/(n_cal+1) = %.4f; 90%% of fresh test sets fall in [%.4f, %.4f]\n"),
            cls_evaluation_get_theory_ecr (ev),
            cls_theory_ecr_quantile (k, cls_evaluation_get_n_cal (ev), cls_evaluation_get_n_test (ev), 0.05),
            cls_theory_ecr_quantile (k, cls_evaluation_get_n_cal (ev), cls_evaluation_get_n_test (ev), 0.95));
  else if (p->method == CLS_METHOD_CRC)
    printf (_("\nGuarantee: the expected test loss is at most epsilon (compare the mean test %s).\n"),
            p->loss == CLS_LOSS_LESION ? _("lesion-level FNR") : _("FNR"));
  else if (p->method == CLS_METHOD_LTT)
    printf (_("\nGuarantee: with probability at least 1 − delta over calibration sets, the expected test "
              "loss is at most epsilon.\n"));
}

int
cls_cmd_evaluate (int    argc,
                  char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(ClsCaseSet) set = NULL;
  g_autoptr(ClsEvaluation) ev = NULL;
  g_autoptr(GError) error = NULL;
  ClsCliCalibrationOptions options = { 0 };
  ClsCalibrationParams params;
  ClsEvaluationParams eval;
  ClsLoadOptions load;
  int splits = CLS_DEFAULT_SPLITS;
  char *fraction = NULL;
  char *seed = NULL;
  int status;
  GOptionEntry entries[] = {
    { "splits", 's', 0, G_OPTION_ARG_INT, &splits, N_("Random calibration/test splits (default 100)"), "S" },
    { "cal-fraction", 'f', 0, G_OPTION_ARG_STRING, &fraction, N_("Share of cases used for calibration (default 0.5)"), "F" },
    { "seed", 0, 0, G_OPTION_ARG_STRING, &seed, N_("Seed of the MT19937 generator (default 1)"), "N" },
    { NULL }
  };

  context = g_option_context_new (_("DATASET — ECR, FNR and PC over random splits"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_main_group (context, cls_cli_calibration_group (&options));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_description (context,
    _("Each split calibrates on its calibration part and measures on its test part.\n"
      "Exit status: 0 success, 1 bad input, 2 bad usage."));

  if ((status = cls_cli_parse (context, &argc, &argv)) != CLS_EXIT_OK)
    goto out;
  if (argc != 2)
    {
      status = cls_cli_usage (context, _("give exactly one DATASET"));
      goto out;
    }
  if ((status = cls_cli_calibration_params (&options, &params, &load)) != CLS_EXIT_OK)
    goto out;

  cls_evaluation_params_init (&eval);
  eval.lesion_measures = TRUE;
  if (splits < 1)
    {
      status = cls_cli_usage (context, _("--splits must be at least 1"));
      goto out;
    }
  eval.n_splits = (guint) splits;
  if (fraction != NULL && !cls_cli_fraction ("--cal-fraction", fraction, &eval.cal_fraction))
    {
      status = CLS_EXIT_USAGE;
      goto out;
    }
  if (!cls_fraction_in_unit_open (eval.cal_fraction))
    {
      status = cls_cli_usage (context, _("--cal-fraction must be above 0 and below 1"));
      goto out;
    }
  if (seed != NULL)
    {
      char *end = NULL;

      eval.seed = g_ascii_strtoull (seed, &end, 10);
      if (end == seed || *end != '\0' || seed[0] == '-')
        {
          status = cls_cli_usage (context, _("--seed must be a non-negative integer, not “%s”"), seed);
          goto out;
        }
    }

  set = cls_cli_load_model (argv[1], &options, &load, &status);
  if (set == NULL)
    goto out;

  ev = cls_evaluate ((ClsCaseSummary **) set->summaries->pdata, set->summaries->len,
                     &params, &eval, &error);
  if (ev == NULL)
    {
      status = cls_cli_fail (error);
      goto out;
    }

  if (!cls_evaluation_is_feasible (ev) && cls_evaluation_has_theory (ev))
    cls_cli_warn (_("not feasible: %u calibration cases per split are too few for alpha"),
                  cls_evaluation_get_n_cal (ev));
  else if (!cls_evaluation_is_feasible (ev))
    cls_cli_warn (_("not feasible in %u of %u splits: their test cases got t̂ = 1 (every voxel is lesion)"),
                  cls_evaluation_get_n_infeasible (ev), cls_evaluation_get_n_splits (ev));

  if (options.json)
    {
      g_autofree char *doc = cls_evaluation_to_json (ev, options.model);
      cls_cli_print_json (doc);
    }
  else
    print_table (ev, options.model);

  status = CLS_EXIT_OK;

out:
  g_free (fraction);
  g_free (seed);
  cls_cli_calibration_options_clear (&options);
  return status;
}
