/* cls-cmd-demo.c: `cls demo`
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <inttypes.h>

#include <stdio.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "cls-cli.h"
#include "cls-demo.h"

int
cls_cmd_demo (int    argc,
              char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  ClsDemoOptions options = { 0 };
  int cases = CLS_DEMO_DEFAULT_CASES;
  g_autofree char *seed = NULL;
  gboolean quiet = FALSE;
  ClsCliProgress progress;
  int status;
  GOptionEntry entries[] = {
    { "cases", 'n', 0, G_OPTION_ARG_INT, &cases, N_("How many cases (default 60)"), "N" },
    { "seed", 0, 0, G_OPTION_ARG_STRING, &seed, N_("Generator seed (default 20251)"), "S" },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, N_("No progress on standard error"), NULL },
    { NULL }
  };

  context = g_option_context_new (_("OUTDIR — write the synthetic demo dataset"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_description (context,
    _("The data are SYNTHETIC: CT-like volumes, lesion masks and three simulated models\n"
      "(underconfident, sharp, noisy). The same seed gives the same files everywhere.\n"
      "Exit status: 0 success, 1 bad input, 2 bad usage."));

  if ((status = cls_cli_parse (context, &argc, &argv)) != CLS_EXIT_OK)
    return status;
  if (argc != 2)
    return cls_cli_usage (context, _("give exactly one OUTDIR"));
  if (cases < 1 || cases > CLS_DEMO_MAX_CASES)
    return cls_cli_usage (context, _("--cases must be between 1 and %d"), CLS_DEMO_MAX_CASES);

  options.n_cases = (guint) cases;
  if (seed != NULL)
    {
      char *end = NULL;

      options.seed = g_ascii_strtoull (seed, &end, 10);
      if (end == seed || *end != '\0' || seed[0] == '-')
        return cls_cli_usage (context, _("--seed must be a non-negative integer, not “%s”"), seed);
    }

  cls_cli_progress_init (&progress, _("Writing case"));
  if (!cls_demo_write (argv[1], &options, quiet ? NULL : cls_cli_progress, &progress, NULL, &error))
    {
      if (!quiet)
        cls_cli_progress_end (&progress);
      return cls_cli_fail (error);
    }
  if (!quiet)
    cls_cli_progress_end (&progress);
  if (!quiet)
    printf (_("Wrote %d synthetic cases to %s\n"), cases, argv[1]);
  return CLS_EXIT_OK;
}
