/* cls-cmd-report.c: `cls report`
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <inttypes.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "cls-cli.h"
#include "cls-error.h"
#include "cls-report.h"
#include "cls-report-figures.h"

static gboolean
parse_epsilons (const char  *text,
                GArray      *out)
{
  g_auto(GStrv) parts = g_strsplit (text, ",", -1);

  g_array_set_size (out, 0);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      ClsFraction f;

      if (!cls_cli_fraction ("--epsilons", g_strstrip (parts[i]), &f))
        return FALSE;
      if (f.num >= f.den)
        {
          fprintf (stderr, "%s: --epsilons: %s\n", g_get_prgname (), _("each epsilon must be below 1"));
          return FALSE;
        }
      g_array_append_val (out, f);
    }
  return out->len > 0;
}

int
cls_cmd_report (int    argc,
                char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ClsReport) report = NULL;
  ClsCliCalibrationOptions options = { 0 };
  ClsReportOptions ropts;
  ClsCalibrationParams params;
  ClsLoadOptions load;
  g_autofree char *models = NULL;
  g_autofree char *epsilons = NULL;
  g_autofree char *figure_epsilon = NULL;
  g_autofree char *fraction = NULL;
  g_autofree char *seed = NULL;
  g_autofree char *outdir = NULL;
  gboolean pdf = FALSE;
  ClsCliProgress loading, drawing;
  int splits = CLS_DEFAULT_SPLITS;
  int status;
  GOptionEntry entries[] = {
    { "models", 0, 0, G_OPTION_ARG_STRING, &models, N_("Comma-separated models (default: all)"), "M1,M2" },
    { "epsilons", 0, 0, G_OPTION_ARG_STRING, &epsilons, N_("The epsilon grid (default 0.1,0.2,0.3,0.4,0.5)"), "E1,E2" },
    { "figure-epsilon", 0, 0, G_OPTION_ARG_STRING, &figure_epsilon, N_("Epsilon of Figures 4, 6 and 7 (default 0.2)"), "E" },
    { "splits", 's', 0, G_OPTION_ARG_INT, &splits, N_("Random calibration/test splits (default 100)"), "S" },
    { "cal-fraction", 'f', 0, G_OPTION_ARG_STRING, &fraction, N_("Share of cases used for calibration (default 0.5)"), "F" },
    { "seed", 0, 0, G_OPTION_ARG_STRING, &seed, N_("Seed of the MT19937 generator (default 1)"), "N" },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &outdir, N_("Folder for tables, figures and index.html"), "DIR" },
    { "pdf", 0, 0, G_OPTION_ARG_NONE, &pdf, N_("Also write the figures as PDF"), NULL },
    { NULL }
  };

  context = g_option_context_new (_("DATASET… — the paper's tables and figures"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_main_group (context, cls_cli_calibration_group (&options));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_description (context,
    _("Writes Table 1 (test FNR at 0.5 and at t̂ per epsilon and model), Table 2 (ECR),\n"
      "extras (t̂, lesions missed entirely, false positive rate, PC) and every method side\n"
      "by side at --figure-epsilon (methods: exact, bisect, PAC, crc, ltt, the lesion loss;\n"
      "with --strata or --weights those too) as CSV, JSON and Markdown, Figures 4–7 as SVG\n"
      "and PNG, and an index.html that shows them all.\n"
      "--epsilon is ignored here: see --epsilons and --figure-epsilon.\n"
      "Exit status: 0 success, 1 bad input, 2 bad usage."));

  cls_report_options_init (&ropts);

  if ((status = cls_cli_parse (context, &argc, &argv)) != CLS_EXIT_OK)
    goto out;
  if (argc < 2)
    {
      status = cls_cli_usage (context, _("give at least one DATASET"));
      goto out;
    }
  if (outdir == NULL)
    {
      status = cls_cli_usage (context, _("give the output folder with --out"));
      goto out;
    }
  if (options.model != NULL)
    {
      status = cls_cli_usage (context, _("use --models (a list) with report"));
      goto out;
    }
  if ((status = cls_cli_calibration_params (&options, &params, &load)) != CLS_EXIT_OK)
    goto out;

  ropts.calibration = params;
  ropts.load = load;
  if (models != NULL)
    ropts.models = g_strsplit (models, ",", -1);
  if (epsilons != NULL && !parse_epsilons (epsilons, ropts.epsilons))
    {
      status = CLS_EXIT_USAGE;
      goto out;
    }
  if (splits < 1)
    {
      status = cls_cli_usage (context, _("--splits must be at least 1"));
      goto out;
    }
  ropts.eval.n_splits = (guint) splits;
  if (fraction != NULL && (!cls_cli_fraction ("--cal-fraction", fraction, &ropts.eval.cal_fraction) ||
                           !cls_fraction_in_unit_open (ropts.eval.cal_fraction)))
    {
      status = cls_cli_usage (context, _("--cal-fraction must be above 0 and below 1"));
      goto out;
    }
  if (seed != NULL)
    {
      char *end = NULL;

      ropts.eval.seed = g_ascii_strtoull (seed, &end, 10);
      if (end == seed || *end != '\0' || seed[0] == '-')
        {
          status = cls_cli_usage (context, _("--seed must be a non-negative integer, not “%s”"), seed);
          goto out;
        }
    }

  {
    ClsFraction fe = { 2, 10 };

    if (figure_epsilon != NULL && !cls_cli_fraction ("--figure-epsilon", figure_epsilon, &fe))
      {
        status = CLS_EXIT_USAGE;
        goto out;
      }
    params.epsilon = fe;
    ropts.figure_epsilon = fe;
  }

  if (g_mkdir_with_parents (outdir, 0755) != 0)
    {
      int saved = errno;

      g_set_error (&error, CLS_ERROR, CLS_ERROR_IO, _("%s: could not create the folder: %s"),
                   outdir, g_strerror (saved));
      status = cls_cli_fail (error);
      goto out;
    }

  cls_cli_progress_init (&loading, _("Loading"));
  cls_cli_progress_init (&drawing, _("Figures"));
  report = cls_report_new ((const char * const *) argv + 1, &ropts,
                           options.quiet ? NULL : cls_cli_progress, &loading, NULL, &error);
  if (!options.quiet)
    cls_cli_progress_end (&loading);
  if (report == NULL)
    {
      status = cls_cli_fail (error);
      goto out;
    }

  for (guint i = 0; i < cls_report_get_warnings (report)->len; i++)
    cls_cli_warn ("%s", (char *) cls_report_get_warnings (report)->pdata[i]);

  if (!cls_report_write_tables (report, outdir, &error) ||
      !cls_report_write_figures (report, &params, outdir, pdf,
                                 options.quiet ? NULL : cls_cli_progress, &drawing,
                                 NULL, &error))
    {
      if (!options.quiet)
        cls_cli_progress_end (&drawing);
      status = cls_cli_fail (error);
      goto out;
    }
  if (!options.quiet)
    cls_cli_progress_end (&drawing);

  if (!options.quiet)
    printf (_("Wrote the report to %s/index.html\n"), outdir);
  status = CLS_EXIT_OK;

out:
  cls_report_options_clear (&ropts);
  cls_cli_calibration_options_clear (&options);
  return status;
}
