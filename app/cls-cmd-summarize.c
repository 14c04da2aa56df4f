/* cls-cmd-summarize.c: `cls summarize`, one summary file per case and model
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Summarising reads every voxel; calibrating afterwards reads only the
 * summaries. So a large dataset is summarised in parallel by any batch
 * system, a range of cases per task (docs/scaling.md), and `cls calibrate`,
 * `cls evaluate`, `cls report` and the app take the summaries folder in
 * place of the dataset.
 */
#include "config.h"

#include <inttypes.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "cls-atomic-file.h"
#include "cls-cli.h"
#include "cls-error.h"
#include "cls-summary-file.h"

typedef struct {
  const char              *outdir;
  const ClsSummaryOptions *options;
} Sink;

/* A case id or model becomes a file or folder name as it is. */
static gboolean
is_file_name (const char *name)
{
  return name[0] != '\0' && name[0] != '.' && strchr (name, '/') == NULL && strchr (name, '\\') == NULL;
}

static gboolean
write_summary (ClsDataset      *dataset,
               guint            case_index,
               const char      *model,
               ClsCaseSummary  *summary,
               gpointer         user_data,
               GError         **error)
{
  const Sink *sink = user_data;
  const char *case_id = cls_dataset_get_case_id (dataset, case_index);
  g_autofree char *name = g_strconcat (case_id, CLS_SUMMARY_FILE_SUFFIX, NULL);
  g_autofree char *path = g_build_filename (sink->outdir, model, name, NULL);

  if (!is_file_name (case_id))
    {
      g_set_error (error, CLS_ERROR, CLS_ERROR_INVALID_ARGUMENT,
                   _("%s: a case name that cannot be a file name; rename the case"), case_id);
      return FALSE;
    }

  return cls_summary_file_write (path, summary, sink->options,
                                 cls_dataset_get_prob_path (dataset, model, case_index),
                                 cls_dataset_get_label_path (dataset, case_index), error);
}

/* FROM:TO, either side may be empty: FROM defaults to 0, TO to the end. */
static gboolean
parse_cases (const char *text,
             guint      *first,
             guint      *end)
{
  const char *colon = strchr (text, ':');
  g_autofree char *a = NULL;
  guint64 v;

  if (colon == NULL)
    return FALSE;
  a = g_strndup (text, (gsize) (colon - text));
  *first = 0;
  *end = G_MAXUINT;
  if (*a != '\0')
    {
      if (!g_ascii_string_to_unsigned (a, 10, 0, G_MAXUINT, &v, NULL))
        return FALSE;
      *first = (guint) v;
    }
  if (colon[1] != '\0')
    {
      if (!g_ascii_string_to_unsigned (colon + 1, 10, 0, G_MAXUINT, &v, NULL))
        return FALSE;
      *end = (guint) v;
    }
  return *first <= *end;
}

int
cls_cmd_summarize (int    argc,
                   char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ClsDataset) dataset = NULL;
  g_autoptr(GPtrArray) failures = NULL;
  g_auto(GStrv) models = NULL;
  g_autofree char *outdir = NULL;
  g_autofree char *cases = NULL;
  g_autofree char *label_value = NULL;
  ClsLoadOptions load;
  ClsCliProgress progress;
  int channel = -1, threads = 0, status;
  gboolean logits = FALSE, strict = FALSE, quiet = FALSE;
  guint first = 0, end = G_MAXUINT, n_cases, n_written;
  Sink sink;
  GOptionEntry entries[] = {
    { "model", 'm', 0, G_OPTION_ARG_STRING_ARRAY, &models, N_("A model to summarise (repeat for several; default: all)"), "M" },
    { "cases", 0, 0, G_OPTION_ARG_STRING, &cases, N_("Only cases FROM to TO - 1, counting from 0 in sorted order (default: all)"), "FROM:TO" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &outdir, N_("The summaries folder: files go to OUT/<model>/<case>.clss"), "OUT" },
    { "label-value", 0, 0, G_OPTION_ARG_STRING, &label_value, N_("Label value that marks lesion voxels (default 1)"), "V" },
    { "channel", 0, 0, G_OPTION_ARG_INT, &channel, N_("Lesion class of 4D probability maps (counting from 0)"), "C" },
    { "logits", 0, 0, G_OPTION_ARG_NONE, &logits, N_("The maps hold logits: apply a sigmoid first"), NULL },
    { "threads", 0, 0, G_OPTION_ARG_INT, &threads, N_("Worker threads (default: all cores)"), "N" },
    { "strict", 0, 0, G_OPTION_ARG_NONE, &strict, N_("Stop at the first case that cannot be read"), NULL },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, N_("No progress on standard error"), NULL },
    { NULL }
  };

  context = g_option_context_new (_("DATASET -o SUMMARIES — one summary file per case and model"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_description (context,
    _("Reads each case's volumes once and writes what calibration needs of them to\n"
      "SUMMARIES/<model>/<case>.clss (self-describing, versioned, checksummed, written\n"
      "atomically). Run it on ranges of cases in parallel (a Slurm array job, GNU\n"
      "parallel); then give SUMMARIES to cls calibrate, evaluate or report, or open it\n"
      "in the app, in place of DATASET: the results are the same.\n"
      "Exit status: 0 every case written, 1 bad input or a case failed, 2 bad usage."));

  if ((status = cls_cli_parse (context, &argc, &argv)) != CLS_EXIT_OK)
    return status;
  if (argc != 2)
    return cls_cli_usage (context, _("give exactly one DATASET"));
  if (outdir == NULL)
    return cls_cli_usage (context, _("say where the summaries go with -o SUMMARIES"));
  if (cases != NULL && !parse_cases (cases, &first, &end))
    return cls_cli_usage (context, _("--cases must be FROM:TO with FROM <= TO, not “%s”"), cases);
  if (channel < -1)
    return cls_cli_usage (context, _("--channel must be 0 or more"));
  if (threads < 0)
    return cls_cli_usage (context, _("--threads must be 0 or more"));

  cls_load_options_init (&load);
  if (label_value != NULL)
    {
      char *endp = NULL;
      double v = g_ascii_strtod (label_value, &endp);

      if (endp == label_value || *endp != '\0')
        return cls_cli_usage (context, _("--label-value must be a number, not “%s”"), label_value);
      load.summary.label_value = v;
      load.summary.label_value_set = TRUE;
    }
  load.summary.channel = channel;
  load.summary.logits = logits;
  load.strict = strict;
  load.n_threads = (guint) threads;

  dataset = cls_dataset_open (argv[1], &error);
  if (dataset == NULL)
    return cls_cli_fail (error);
  if (cls_dataset_is_summaries (dataset))
    {
      g_set_error (&error, CLS_ERROR, CLS_ERROR_DATASET,
                   _("%s: already a folder of summaries; give the dataset they were made from"), argv[1]);
      return cls_cli_fail (error);
    }
  if (cls_path_is_same_file (outdir, argv[1]))
    return cls_cli_usage (context, _("the summaries cannot go into the dataset folder itself"));

  for (guint i = 0; i < cls_dataset_get_warnings (dataset)->len; i++)
    cls_cli_warn ("%s", (char *) cls_dataset_get_warnings (dataset)->pdata[i]);

  if (models == NULL)
    models = g_strdupv ((char **) cls_dataset_get_models (dataset));
  for (guint m = 0; models[m] != NULL; m++)
    {
      g_autofree char *folder = g_build_filename (outdir, models[m], NULL);

      if (!cls_dataset_has_model (dataset, models[m]))
        {
          g_autofree char *known = g_strjoinv (", ", (char **) cls_dataset_get_models (dataset));

          return cls_cli_usage (context, _("%s has no model “%s” (it has: %s)"), argv[1], models[m], known);
        }
      if (!is_file_name (models[m]))
        return cls_cli_usage (context, _("the model name “%s” cannot be a folder name"), models[m]);
      if (g_mkdir_with_parents (folder, 0755) != 0)
        {
          int saved_errno = errno;

          g_set_error (&error, CLS_ERROR, CLS_ERROR_IO, _("%s: cannot create the folder: %s"),
                       folder, g_strerror (saved_errno));
          return cls_cli_fail (error);
        }
    }

  n_cases = cls_dataset_get_n_cases (dataset);
  first = MIN (first, n_cases);
  end = MAX (first, MIN (end, n_cases));

  sink.outdir = outdir;
  sink.options = &load.summary;
  cls_cli_progress_init (&progress, _("Summarising"));
  failures = cls_dataset_summarize (dataset, (const char * const *) models, &load, first, end,
                                    write_summary, &sink, quiet ? NULL : cls_cli_progress, &progress,
                                    NULL, &error);
  if (!quiet)
    cls_cli_progress_end (&progress);
  if (failures == NULL)
    return cls_cli_fail (error);

  for (guint i = 0; i < failures->len; i++)
    {
      const ClsCaseFailure *f = failures->pdata[i];
      cls_cli_warn (_("case not summarised: %s"), f->message);
    }

  n_written = (end - first) * g_strv_length (models) - failures->len;
  if (!quiet)
    printf (_("Wrote %u summary files to %s (cases %u to %u of %u)\n"),
            n_written, outdir, first, end > first ? end - 1 : first, n_cases);

  return failures->len > 0 ? CLS_EXIT_INPUT : CLS_EXIT_OK;
}
