/* cls-cmd-calibrate.c: `cls calibrate`
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
print_table (const ClsCalibration *cal)
{
  const ClsCalibrationParams *p = cls_calibration_get_params (cal);
  g_autofree char *eps = cls_fraction_to_string (p->epsilon);
  g_autofree char *alpha = cls_fraction_to_string (p->alpha);
  guint n = cls_calibration_get_n (cal);
  guint covered_fixed = 0;

  printf (_("Model %s: %u cases"), cls_calibration_get_model (cal), n);
  if (cls_calibration_get_n_skipped (cal) > 0)
    printf (_(" (%u without lesion skipped)"), cls_calibration_get_n_skipped (cal));
  printf (_(", epsilon = %s, alpha = %s, method %s\n"), eps, alpha, cls_method_to_string (p->method));

  if (cls_calibration_is_feasible (cal))
    printf (_("Rank k = %" PRIu64 " of n = %u: t̂ = %.6g (mask p >= %.9g)\n"),
            cls_calibration_get_rank (cal), n, cls_calibration_get_t_hat (cal),
            cls_calibration_get_cut (cal));
  else
    printf (_("Not feasible: k = %" PRIu64 " > n = %u. With alpha = %s at least %"
              PRIu64 " cases are needed. t̂ = 1: every voxel counts as lesion.\n"),
            cls_calibration_get_rank (cal), n, alpha, cls_calibration_get_min_n (cal));

  printf ("\n%-16s %10s %9s %11s %8s %8s %9s %9s %5s\n",
          _("case"), _("lesion"), "t_i", _("cut"), "FNR@0.5", "FNR@t̂", "PC@0.5", "PC@t̂", "L≤ε");
  for (guint i = 0; i < cls_calibration_get_n_cases (cal); i++)
    {
      const ClsCaseResult *r = cls_calibration_get_case (cal, i);
      const char *id = cls_case_summary_get_case_id (r->summary);
      guint64 g = cls_case_summary_get_n_lesion (r->summary);

      if (r->skipped)
        {
          printf ("%-16s %10" PRIu64 " %9s %11s %8s %8s %9.4f %9.4f %5s\n",
                  id, g, "-", "-", "-", "-", r->pc_fixed, r->pc_calibrated, _("skip"));
          continue;
        }
      if (g > 0 && r->score.allowed >= g - cls_case_summary_lesion_at_least (r->summary, NULL, 0.5))
        covered_fixed++;
      printf ("%-16s %10" PRIu64 " %9.4f %11.6g %8.3f %8.3f %9.4f %9.4f %5s\n",
              id, g, r->score.t, r->score.cut, r->fnr_fixed, r->fnr_calibrated,
              r->pc_fixed, r->pc_calibrated, r->covered ? _("yes") : _("NO"));
    }

  printf (_("\n%u of %u calibration cases have FNR <= epsilon at t̂.\n"),
          cls_calibration_get_n_covered (cal), n);
}

int
cls_cmd_calibrate (int    argc,
                   char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(ClsCaseSet) set = NULL;
  g_autoptr(ClsCalibration) cal = NULL;
  g_autoptr(GError) error = NULL;
  ClsCliCalibrationOptions options = { 0 };
  ClsCalibrationParams params;
  ClsLoadOptions load;
  int status;

  context = g_option_context_new (_("DATASET — t_i per case, the rank k and t̂"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_main_group (context, cls_cli_calibration_group (&options));
  g_option_context_set_description (context,
    _("DATASET is a folder (labels/, probs/<model>/, images/) or a CSV manifest.\n"
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

  set = cls_cli_load_model (argv[1], &options, &load, &status);
  if (set == NULL)
    goto out;

  cal = cls_calibration_new ((ClsCaseSummary **) set->summaries->pdata, set->summaries->len,
                             &params, &error);
  if (cal == NULL)
    {
      status = cls_cli_fail (error);
      goto out;
    }

  if (!cls_calibration_is_feasible (cal))
    cls_cli_warn (_("not feasible: %u cases are too few for alpha; at least %" PRIu64
                    " are needed. t̂ = 1 (every voxel counts as lesion)."),
                  cls_calibration_get_n (cal), cls_calibration_get_min_n (cal));

  if (options.json)
    {
      g_autofree char *doc = cls_calibration_to_json (cal);
      cls_cli_print_json (doc);
    }
  else
    print_table (cal);

  status = CLS_EXIT_OK;

out:
  cls_cli_calibration_options_clear (&options);
  return status;
}
