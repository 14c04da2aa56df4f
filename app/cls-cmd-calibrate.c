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

/* How the threshold of one group (all cases, or a stratum) came about. */
static void
print_group (const ClsCalibrationParams *p,
             const ClsStratumResult     *st)
{
  g_autofree char *eps = cls_fraction_to_string (p->epsilon);

  if (!st->feasible)
    {
      if (st->min_n > st->n)
        printf (_("Not feasible: n = %u is too few; at least %" PRIu64 " cases are needed. "
                  "t̂ = 1: every voxel counts as lesion.\n"), st->n, st->min_n);
      else
        printf (_("Not feasible with n = %u: no threshold has the guarantee. "
                  "t̂ = 1: every voxel counts as lesion.\n"), st->n);
      return;
    }

  switch (p->method)
    {
    case CLS_METHOD_CRC:
      printf (_("CRC: mean calibration loss %.6g at the cut; (n·R̂ + 1)/(n + 1) = %.6g <= epsilon = %s: "
                "t̂ = %.6g (mask p >= %.9g)\n"), st->risk, st->bound, eps, st->t_hat, st->cut);
      break;
    case CLS_METHOD_LTT:
      printf (_("LTT: mean calibration loss %.6g at the cut, Hoeffding–Bentkus p-value %.3g: "
                "t̂ = %.6g (mask p >= %.9g)\n"), st->risk, st->bound, st->t_hat, st->cut);
      break;
    case CLS_METHOD_EXACT:
    case CLS_METHOD_BISECT:
    default:
      if (p->weights != NULL)
        printf (_("Weighted quantile over n = %u cases (effective sample size %.1f), a new case without "
                  "a weight counting as the largest calibration weight %g (conservative): "
                  "t̂ = %.6g (mask p >= %.9g)\n"), st->n, st->n_eff, st->test_weight, st->t_hat, st->cut);
      else
        printf (_("Rank k = %" PRIu64 " of n = %u%s: t̂ = %.6g (mask p >= %.9g)\n"),
                st->rank, st->n, p->guarantee == CLS_GUARANTEE_PAC ? _(" (PAC rank)") : "",
                st->t_hat, st->cut);
      break;
    }
}

/* Wide enough for "lesions" and "missed" in the translations we have. */
#define LESION_COLUMN 9

static void
print_lesions (const ClsCalibration *cal)
{
  guint32 lesions[CLS_N_SIZE_BANDS], fixed[CLS_N_SIZE_BANDS], calibrated[CLS_N_SIZE_BANDS];

  cls_calibration_get_lesion_counts (cal, lesions, fixed, calibrated);
  {
    g_autofree char *title = cls_cli_pad (_("lesions (26-connected)"), -28);
    g_autofree char *count = cls_cli_pad (_("count"), 8);
    g_autofree char *at_fixed = cls_cli_pad (_("missed at 0.5"), 14);
    g_autofree char *at_cut = cls_cli_pad (_("missed at t̂"), 14);

    printf ("\n%s %s %s %s\n", title, count, at_fixed, at_cut);
  }
  for (guint b = 0; b < CLS_N_SIZE_BANDS; b++)
    {
      g_autofree char *band = cls_cli_pad (cls_size_band_get_label ((ClsSizeBand) b), -28);

      printf ("%s %8u %14u %14u\n", band, lesions[b], fixed[b], calibrated[b]);
    }
}

static void
print_table (const ClsCalibration *cal)
{
  const ClsCalibrationParams *p = cls_calibration_get_params (cal);
  g_autofree char *eps = cls_fraction_to_string (p->epsilon);
  g_autofree char *alpha = cls_fraction_to_string (p->alpha);
  g_autofree char *method = cls_cli_describe_method (p);
  guint n = cls_calibration_get_n (cal);
  guint n_strata = cls_calibration_get_n_strata (cal);
  gboolean lesion_loss = p->loss == CLS_LOSS_LESION;

  printf (_("Model %s: %u cases"), cls_calibration_get_model (cal), n);
  if (cls_calibration_get_n_skipped (cal) > 0)
    printf (_(" (%u without lesion skipped)"), cls_calibration_get_n_skipped (cal));
  printf (_(", epsilon = %s, alpha = %s, method %s\n"), eps, alpha, method);

  if (n_strata == 1 && !cls_calibration_is_feasible (cal) && cls_calibration_get_rank (cal) > 0)
    printf (_("Not feasible: k = %" PRIu64 " > n = %u. With alpha = %s at least %"
              PRIu64 " cases are needed. t̂ = 1: every voxel counts as lesion.\n"),
            cls_calibration_get_rank (cal), n, alpha, cls_calibration_get_min_n (cal));
  else if (n_strata == 1)
    print_group (p, cls_calibration_get_stratum (cal, 0));
  else
    {
      printf (_("One threshold per stratum of predicted lesion size (the mask p >= 0.5):\n"));
      for (guint s = 0; s < n_strata; s++)
        {
          const ClsStratumResult *st = cls_calibration_get_stratum (cal, s);
          g_autofree char *name = cls_cli_pad (cls_stratum_get_label (p->strata, s), -9);

          printf ("  %s ", name);
          if (st->n == 0)
            printf (_("no calibration case: no threshold\n"));
          else
            print_group (p, st);
        }
      printf (_("A single threshold for every case: t̂ = %.6g (mask p >= %.9g), the safest of them.\n"),
              cls_calibration_get_t_hat (cal), cls_calibration_get_cut (cal));
    }

  {
    /* Padded by terminal columns: printf would count the bytes of t̂ and ≤,
     * and of translated headings. */
    const char *headings[] = { _("case"), _("lesion"), "t_i", _("cut"), "FNR@0.5", "FNR@t̂",
                               "PC@0.5", "PC@t̂", "L≤ε" };
    const int widths[] = { -16, 10, 9, 11, 8, 8, 9, 9, 5 };

    printf ("\n");
    for (guint h = 0; h < G_N_ELEMENTS (headings); h++)
      {
        g_autofree char *cell = cls_cli_pad (headings[h], widths[h]);

        printf ("%s%s", h > 0 ? " " : "", cell);
      }
    if (lesion_loss)
      {
        g_autofree char *lesions = cls_cli_pad (_("lesions"), LESION_COLUMN);
        g_autofree char *missed = cls_cli_pad (_("missed"), LESION_COLUMN);

        printf (" %s %s", lesions, missed);
      }
    if (n_strata > 1)
      {
        g_autofree char *stratum = cls_cli_pad (_("stratum"), -8);

        printf (" %s", stratum);
      }
    printf ("\n");
  }
  for (guint i = 0; i < cls_calibration_get_n_cases (cal); i++)
    {
      const ClsCaseResult *r = cls_calibration_get_case (cal, i);
      const char *id = cls_case_summary_get_case_id (r->summary);
      guint64 g = cls_case_summary_get_n_lesion (r->summary);

      g_autofree char *id_cell = cls_cli_pad (id, -16);
      g_autofree char *verdict = NULL;

      if (r->skipped)
        {
          verdict = cls_cli_pad (_("skip"), 5);
          printf ("%s %10" PRIu64 " %9s %11s %8s %8s %9.4f %9.4f %s\n",
                  id_cell, g, "-", "-", "-", "-", r->pc_fixed, r->pc_calibrated, verdict);
          continue;
        }
      verdict = cls_cli_pad (r->covered ? _("yes") : _("NO"), 5);
      printf ("%s %10" PRIu64 " %9.4f %11.6g %8.3f %8.3f %9.4f %9.4f %s",
              id_cell, g, r->score.t, r->score.cut, r->fnr_fixed, r->fnr_calibrated,
              r->pc_fixed, r->pc_calibrated, verdict);
      if (lesion_loss)
        printf (" %*u %*u", LESION_COLUMN, r->n_lesions, LESION_COLUMN, r->lesions_missed_calibrated);
      if (n_strata > 1)
        {
          g_autofree char *name = cls_cli_pad (cls_stratum_get_label (p->strata, r->stratum), -8);
          printf (" %s", name);
        }
      printf ("\n");
    }

  if (lesion_loss)
    printf (_("\n%u of %u calibration cases have a lesion-level FNR <= epsilon at t̂.\n"),
            cls_calibration_get_n_covered (cal), n);
  else
    printf (_("\n%u of %u calibration cases have FNR <= epsilon at t̂.\n"),
            cls_calibration_get_n_covered (cal), n);
  if (cls_calibration_has_lesions (cal))
    print_lesions (cal);
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

  if (!cls_calibration_is_feasible (cal) && params.method == CLS_METHOD_CRC)
    cls_cli_warn (_("not feasible: %u cases are too few for epsilon; at least %" PRIu64
                    " are needed. t̂ = 1 (every voxel counts as lesion)."),
                  cls_calibration_get_n (cal), cls_calibration_get_min_n (cal));
  else if (!cls_calibration_is_feasible (cal) && cls_calibration_get_min_n (cal) > cls_calibration_get_n (cal))
    cls_cli_warn (_("not feasible: %u cases are too few for alpha; at least %" PRIu64
                    " are needed. t̂ = 1 (every voxel counts as lesion)."),
                  cls_calibration_get_n (cal), cls_calibration_get_min_n (cal));
  else if (!cls_calibration_is_feasible (cal))
    cls_cli_warn (_("not feasible: no threshold has the guarantee with these %u cases. "
                    "t̂ = 1 (every voxel counts as lesion)."), cls_calibration_get_n (cal));

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
