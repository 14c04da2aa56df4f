/* cls-cli.c: `cls`, headless calibration on the CLS core library
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <inttypes.h>

#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <gsl/gsl_errno.h>

#include "cls-cli.h"
#include "cls-error.h"

typedef struct {
  const char *name;
  int       (*run) (int argc, char **argv);
  const char *summary;
} Command;

static const Command commands[] = {
  { "demo",      cls_cmd_demo,      N_("Write the synthetic demo dataset") },
  { "info",      cls_cmd_info,      N_("Describe a NIfTI file: grid, orientation, values") },
  { "calibrate", cls_cmd_calibrate, N_("Compute t_i, the rank k and the calibrated threshold t̂") },
  { "evaluate",  cls_cmd_evaluate,  N_("ECR, FNR and PC over random calibration/test splits") },
  { "apply",     cls_cmd_apply,     N_("Write the mask {p >= 1 - t̂} of a probability map") },
  { "summarize", cls_cmd_summarize, N_("Write one summary file per case and model, for large datasets") },
  { "report",    cls_cmd_report,    N_("The paper's tables and figures for a dataset, with an index.html") },
};

static void
print_usage (FILE *out)
{
  fprintf (out, "%s\n\n", _("Usage: cls COMMAND [OPTION…]"));
  fprintf (out, "%s\n\n", _("Conformal lesion segmentation: thresholds with a guarantee on missed lesion voxels."));
  fprintf (out, "%s\n", _("Commands:"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %-10s %s\n", commands[i].name, _(commands[i].summary));
  fprintf (out, "\n%s\n", _("Run “cls COMMAND --help” for a command's options."));
}

int
main (int   argc,
      char *argv[])
{
  /* GSL's default error handler aborts the process. The core checks every
   * argument before it calls GSL; should one slip through, a NaN is better
   * than losing the user's session. */
  gsl_set_error_handler_off ();
  setlocale (LC_ALL, "");
  /* Messages in the user's language, numbers always with a decimal point:
   * the same as the ε and α typed on the command line, in the JSON and in
   * the CSV files, so that no output mixes "0.2" and "0,35". */
  setlocale (LC_NUMERIC, "C");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_set_prgname ("cls");

  if (argc < 2)
    {
      print_usage (stderr);
      return CLS_EXIT_USAGE;
    }

  if (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0 || strcmp (argv[1], "help") == 0)
    {
      print_usage (stdout);
      return CLS_EXIT_OK;
    }

  if (strcmp (argv[1], "--version") == 0)
    {
      printf ("cls %s\n", PACKAGE_VERSION);
      return CLS_EXIT_OK;
    }

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (strcmp (argv[1], commands[i].name) == 0)
      {
        g_autofree char *prgname = g_strdup_printf ("cls %s", commands[i].name);

        int status;

        g_set_prgname (prgname);
        status = commands[i].run (argc - 1, argv + 1);

        /* A full disk behind a redirection must not pass for success. */
        if (fflush (stdout) != 0 || ferror (stdout))
          {
            fprintf (stderr, _("%s: cannot write to standard output: %s\n"),
                     prgname, g_strerror (errno));
            return CLS_EXIT_INPUT;
          }
        return status;
      }

  fprintf (stderr, _("cls: unknown command “%s”\n\n"), argv[1]);
  print_usage (stderr);
  return CLS_EXIT_USAGE;
}

/* Shared helpers */

void
cls_cli_warn (const char *format,
              ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  fprintf (stderr, "%s: %s %s\n", g_get_prgname (), _("warning:"), message);
}

int
cls_cli_fail (const GError *error)
{
  fprintf (stderr, "%s: %s\n", g_get_prgname (), error->message);
  return CLS_EXIT_INPUT;
}

int
cls_cli_usage (GOptionContext *context,
               const char     *format,
               ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  fprintf (stderr, "%s: %s\n%s\n", g_get_prgname (), message,
           _("Run with --help to see the options."));
  return CLS_EXIT_USAGE;
}

int
cls_cli_parse (GOptionContext   *context,
               int              *argc,
               char           ***argv)
{
  g_autoptr(GError) error = NULL;

  if (!g_option_context_parse (context, argc, argv, &error))
    return cls_cli_usage (context, "%s", error->message);
  return CLS_EXIT_OK;
}

gboolean
cls_cli_fraction (const char  *option,
                  const char  *text,
                  ClsFraction *out)
{
  g_autoptr(GError) error = NULL;

  if (!cls_fraction_parse (text, out, &error))
    {
      fprintf (stderr, "%s: %s: %s\n", g_get_prgname (), option, error->message);
      return FALSE;
    }
  return TRUE;
}

void
cls_cli_print_json (const char *document)
{
  fputs (document, stdout);
  fflush (stdout);
}

GOptionGroup *
cls_cli_calibration_group (ClsCliCalibrationOptions *o)
{
  GOptionEntry entries[] = {
    { "model", 'm', 0, G_OPTION_ARG_STRING, &o->model, N_("The model (a folder in probs/); needed when there are several"), "M" },
    { "epsilon", 'e', 0, G_OPTION_ARG_STRING, &o->epsilon, N_("Tolerated share of missed lesion voxels per case (default 0.2)"), "E" },
    { "alpha", 'a', 0, G_OPTION_ARG_STRING, &o->alpha, N_("Tolerated share of cases above epsilon (default 0.2)"), "A" },
    { "label-value", 0, 0, G_OPTION_ARG_STRING, &o->label_value, N_("Label value that marks lesion voxels (default 1)"), "V" },
    { "channel", 0, 0, G_OPTION_ARG_INT, &o->channel, N_("Lesion class of 4D probability maps (counting from 0)"), "C" },
    { "logits", 0, 0, G_OPTION_ARG_NONE, &o->logits, N_("The maps hold logits: apply a sigmoid first"), NULL },
    { "empty-masks", 0, 0, G_OPTION_ARG_STRING, &o->empty_masks, N_("Cases without lesion: skip (default) or include (t_i = 0)"), "skip|include" },
    { "method", 0, 0, G_OPTION_ARG_STRING, &o->method, N_("exact (default), bisect (the paper's Algorithm 1), crc (expected loss <= epsilon) or ltt (the same with probability 1 - delta)"), "exact|bisect|crc|ltt" },
    { "guarantee", 0, 0, G_OPTION_ARG_STRING, &o->guarantee, N_("marginal (default) or pac (coverage >= 1 - alpha with probability 1 - delta over calibration sets)"), "marginal|pac" },
    { "delta", 0, 0, G_OPTION_ARG_STRING, &o->delta, N_("Tolerated probability that the guarantee fails (pac, ltt)"), "D" },
    { "loss", 0, 0, G_OPTION_ARG_STRING, &o->loss, N_("voxel (default: share of lesion voxels missed) or lesion (share of lesions missed)"), "voxel|lesion" },
    { "lesion-coverage", 0, 0, G_OPTION_ARG_STRING, &o->lesion_coverage, N_("Share of a lesion's voxels the mask must hold to detect it (default 0.5)"), "C" },
    { "strata", 0, 0, G_OPTION_ARG_STRING, &o->strata, N_("none (default) or size (a threshold per predicted lesion size: < 5, 5–10, > 10 mm)"), "none|size" },
    { "weights", 0, 0, G_OPTION_ARG_FILENAME, &o->weights_path, N_("CSV of per-case weights (case,weight) for covariate shift"), "FILE" },
    { "normalize", 0, 0, G_OPTION_ARG_STRING, &o->normalize, N_("none (default) or minmax (the authors' per-case normalisation)"), "none|minmax" },
    { "strict", 0, 0, G_OPTION_ARG_NONE, &o->strict, N_("Stop at the first case that cannot be read"), NULL },
    { "threads", 0, 0, G_OPTION_ARG_INT, &o->threads, N_("Worker threads for loading (default: all cores)"), "N" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &o->json, N_("Print one JSON document on standard output"), NULL },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &o->quiet, N_("No progress on standard error"), NULL },
    { NULL }
  };
  GOptionGroup *group;

  o->channel = -1;
  group = g_option_group_new ("calibration", _("Calibration options"), _("Show calibration options"), NULL, NULL);
  g_option_group_add_entries (group, entries);
  g_option_group_set_translation_domain (group, GETTEXT_PACKAGE);
  return group;
}

void
cls_cli_calibration_options_clear (ClsCliCalibrationOptions *o)
{
  g_clear_pointer (&o->model, g_free);
  g_clear_pointer (&o->epsilon, g_free);
  g_clear_pointer (&o->alpha, g_free);
  g_clear_pointer (&o->label_value, g_free);
  g_clear_pointer (&o->empty_masks, g_free);
  g_clear_pointer (&o->method, g_free);
  g_clear_pointer (&o->normalize, g_free);
  g_clear_pointer (&o->guarantee, g_free);
  g_clear_pointer (&o->delta, g_free);
  g_clear_pointer (&o->loss, g_free);
  g_clear_pointer (&o->lesion_coverage, g_free);
  g_clear_pointer (&o->strata, g_free);
  g_clear_pointer (&o->weights_path, g_free);
  g_clear_pointer (&o->weights, cls_weights_unref);
}

/* Returns CLS_EXIT_OK, or CLS_EXIT_USAGE after printing why (CLS_EXIT_INPUT
 * when the weights cannot be read). */
int
cls_cli_calibration_params (ClsCliCalibrationOptions *o,
                            ClsCalibrationParams     *params,
                            ClsLoadOptions           *load)
{
  g_autoptr(GError) error = NULL;

  cls_calibration_params_init (params);
  cls_load_options_init (load);

  if (o->epsilon != NULL && !cls_cli_fraction ("--epsilon", o->epsilon, &params->epsilon))
    return CLS_EXIT_USAGE;
  if (o->alpha != NULL && !cls_cli_fraction ("--alpha", o->alpha, &params->alpha))
    return CLS_EXIT_USAGE;
  if (o->method != NULL && !cls_method_from_string (o->method, &params->method))
    return cls_cli_usage (NULL, _("--method must be exact, bisect, crc or ltt, not “%s”"), o->method);
  if (o->guarantee != NULL && !cls_guarantee_from_string (o->guarantee, &params->guarantee))
    return cls_cli_usage (NULL, _("--guarantee must be marginal or pac, not “%s”"), o->guarantee);
  if (o->delta != NULL && !cls_cli_fraction ("--delta", o->delta, &params->delta))
    return CLS_EXIT_USAGE;
  if (o->loss != NULL && !cls_loss_from_string (o->loss, &params->loss))
    return cls_cli_usage (NULL, _("--loss must be voxel or lesion, not “%s”"), o->loss);
  if (o->lesion_coverage != NULL &&
      !cls_cli_fraction ("--lesion-coverage", o->lesion_coverage, &params->lesion_coverage))
    return CLS_EXIT_USAGE;
  if (o->strata != NULL && !cls_strata_from_string (o->strata, &params->strata))
    return cls_cli_usage (NULL, _("--strata must be none or size, not “%s”"), o->strata);
  if (o->empty_masks != NULL && !cls_empty_policy_from_string (o->empty_masks, &params->empty_policy))
    return cls_cli_usage (NULL, _("--empty-masks must be skip or include, not “%s”"), o->empty_masks);
  if (o->normalize != NULL && !cls_normalize_from_string (o->normalize, &params->normalize))
    return cls_cli_usage (NULL, _("--normalize must be none or minmax, not “%s”"), o->normalize);
  if (o->weights_path != NULL)
    {
      /* checked for the combination first: no file is read for nothing */
      params->weights = cls_weights_new ();
      if (!cls_calibration_params_check (params, &error))
        {
          g_clear_pointer (&params->weights, cls_weights_unref);
          return cls_cli_usage (NULL, "%s", error->message);
        }
      g_clear_pointer (&params->weights, cls_weights_unref);
      g_clear_pointer (&o->weights, cls_weights_unref);
      o->weights = cls_weights_read (o->weights_path, &error);
      if (o->weights == NULL)
        return cls_cli_fail (error);
      params->weights = o->weights;
    }
  if (!cls_calibration_params_check (params, &error))
    return cls_cli_usage (NULL, "%s", error->message);

  if (o->label_value != NULL)
    {
      char *end = NULL;
      double v = g_ascii_strtod (o->label_value, &end);

      if (end == o->label_value || *end != '\0')
        return cls_cli_usage (NULL, _("--label-value must be a number, not “%s”"), o->label_value);
      load->summary.label_value = v;
      load->summary.label_value_set = TRUE;
    }
  if (o->channel < -1)
    return cls_cli_usage (NULL, _("--channel must be 0 or more"));
  if (o->threads < 0)
    return cls_cli_usage (NULL, _("--threads must be 0 or more"));

  load->summary.channel = o->channel;
  load->summary.logits = o->logits;
  load->strict = o->strict;
  load->n_threads = (guint) o->threads;

  return CLS_EXIT_OK;
}

void
cls_cli_progress_init (ClsCliProgress *progress,
                       const char     *label)
{
  progress->label = label;
  progress->tty = isatty (STDERR_FILENO);
  progress->last_percent = 0;
}

void
cls_cli_progress (guint64     done,
                  guint64     total,
                  const char *message,
                  gpointer    user_data)
{
  ClsCliProgress *p = user_data;
  guint percent = total > 0 ? (guint) (100 * done / total) : 0;

  if (p->tty)
    fprintf (stderr, "\r\033[K%s %" PRIu64 "/%" PRIu64 " %s",
             p->label, done, total, message ? message : "");
  else if (percent >= p->last_percent + 10 || done == total)
    {
      fprintf (stderr, "%s %" PRIu64 "/%" PRIu64 "\n", p->label, done, total);
      p->last_percent = percent;
    }
}

/* Clears the line a terminal progress left behind. */
void
cls_cli_progress_end (ClsCliProgress *progress)
{
  if (progress->tty)
    fprintf (stderr, "\r\033[K");
}

/**
 * cls_cli_pad:
 * @text: UTF-8 text
 * @width: columns; negative: left-aligned in -@width columns
 *
 * printf pads by bytes, which misaligns “5–10 mm”; this pads by the columns
 * a terminal shows (t̂ is one, a combining hat on a t).
 *
 * Returns: (transfer full): @text padded with spaces
 */
/* Terminal columns of @text: combining marks (the hat of t̂) take none,
 * East Asian wide characters two. */
static glong
display_width (const char *text)
{
  glong width = 0;

  for (const char *c = text; *c != '\0'; c = g_utf8_next_char (c))
    {
      gunichar u = g_utf8_get_char (c);

      if (g_unichar_iszerowidth (u))
        continue;
      width += g_unichar_iswide (u) ? 2 : 1;
    }
  return width;
}

char *
cls_cli_pad (const char *text,
             int         width)
{
  glong len = display_width (text);
  int room = ABS (width);
  GString *s = g_string_new (NULL);

  if (width > 0)
    for (glong i = len; i < room; i++)
      g_string_append_c (s, ' ');
  g_string_append (s, text);
  if (width < 0)
    for (glong i = len; i < room; i++)
      g_string_append_c (s, ' ');
  return g_string_free (s, FALSE);
}

/**
 * cls_cli_describe_method:
 * @params: calibration parameters
 *
 * Returns: (transfer full): the method and what goes with it, e.g.
 *   “exact, PAC with delta = 0.1, lesion loss (coverage 0.5), size strata”
 */
char *
cls_cli_describe_method (const ClsCalibrationParams *params)
{
  GString *s = g_string_new (cls_method_to_string (params->method));

  if (params->guarantee == CLS_GUARANTEE_PAC || params->method == CLS_METHOD_LTT)
    {
      g_autofree char *delta = cls_fraction_to_string (params->delta);

      if (params->guarantee == CLS_GUARANTEE_PAC)
        g_string_append_printf (s, _(", PAC with delta = %s"), delta);
      else
        g_string_append_printf (s, _(" with delta = %s"), delta);
    }
  if (params->loss == CLS_LOSS_LESION)
    {
      g_autofree char *q = cls_fraction_to_string (params->lesion_coverage);

      g_string_append_printf (s, _(", lesion loss (coverage %s)"), q);
    }
  if (params->strata == CLS_STRATA_SIZE)
    g_string_append (s, _(", size strata"));
  if (params->weights != NULL)
    g_string_append_printf (s, _(", weights %s"), cls_weights_get_path (params->weights));
  return g_string_free (s, FALSE);
}

/* The lesion loss needs every case's lesions and size strata its voxel
 * size; summary files of version 1 have neither: say which file. */
static gboolean
check_lesions_known (ClsDataset                     *dataset,
                     const ClsCliCalibrationOptions *options,
                     const ClsCaseSet               *set,
                     GError                        **error)
{
  gboolean lesion_loss = g_strcmp0 (options->loss, "lesion") == 0;
  gboolean size_strata = g_strcmp0 (options->strata, "size") == 0;

  if (!lesion_loss && !size_strata)
    return TRUE;

  for (guint i = 0; i < set->summaries->len; i++)
    {
      const ClsCaseSummary *s = set->summaries->pdata[i];
      const char *id = cls_case_summary_get_case_id (s);
      int at;
      const char *path;

      if (cls_case_summary_get_components (s) != NULL ||
          (!size_strata && cls_case_summary_get_n_lesion (s) == 0))
        continue;

      at = cls_dataset_find_case (dataset, id);
      path = at >= 0 && cls_dataset_is_summaries (dataset)
             ? cls_dataset_get_summary_path (dataset, set->model, (guint) at) : NULL;
      g_set_error (error, CLS_ERROR, CLS_ERROR_FORMAT,
                   _("%s: the summary of case %s has no lesions (connected components) and no voxel size: "
                     "summary files of format version 1 do not store them, and %s needs them; run "
                     "cls summarize again"),
                   path != NULL ? path : cls_dataset_get_path (dataset), id,
                   lesion_loss ? "--loss lesion" : "--strata size");
      return FALSE;
    }
  return TRUE;
}

/**
 * cls_cli_load_model:
 * @dataset: a dataset folder or manifest
 * @options: the command's options (model chosen when there is only one)
 * @load: load options
 * @exit_code: (out): on failure, the code to exit with
 *
 * Opens the dataset, loads one model with progress on stderr, and prints
 * the dataset's warnings and every case that failed.
 *
 * Returns: (transfer full) (nullable): the model's cases
 */
ClsCaseSet *
cls_cli_load_model (const char               *dataset_path,
                    ClsCliCalibrationOptions *options,
                    const ClsLoadOptions     *load,
                    int                      *exit_code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ClsDataset) dataset = cls_dataset_open (dataset_path, &error);
  ClsCliProgress progress;
  ClsCaseSet *set;

  if (dataset == NULL)
    {
      *exit_code = cls_cli_fail (error);
      return NULL;
    }

  for (guint i = 0; i < cls_dataset_get_warnings (dataset)->len; i++)
    cls_cli_warn ("%s", (char *) cls_dataset_get_warnings (dataset)->pdata[i]);

  if (options->model == NULL)
    {
      const char * const *models = cls_dataset_get_models (dataset);

      if (models[1] != NULL)
        {
          g_autofree char *list = g_strjoinv (", ", (char **) models);

          *exit_code = cls_cli_usage (NULL, _("%s has several models (%s); choose one with --model"),
                                      dataset_path, list);
          return NULL;
        }
      options->model = g_strdup (models[0]);
    }

  cls_cli_progress_init (&progress, _("Loading"));
  set = cls_dataset_load_model (dataset, options->model, load,
                                options->quiet ? NULL : cls_cli_progress, &progress, NULL, &error);
  if (!options->quiet)
    cls_cli_progress_end (&progress);

  if (set == NULL)
    {
      *exit_code = cls_cli_fail (error);
      return NULL;
    }

  for (guint i = 0; i < set->failures->len; i++)
    {
      const ClsCaseFailure *f = set->failures->pdata[i];
      cls_cli_warn (_("case left out: %s"), f->message);
    }

  if (set->summaries->len == 0)
    {
      g_set_error (&error, CLS_ERROR, CLS_ERROR_NO_CASES,
                   _("%s: no case of model %s could be read"), dataset_path, options->model);
      *exit_code = cls_cli_fail (error);
      cls_case_set_free (set);
      return NULL;
    }

  if (!check_lesions_known (dataset, options, set, &error))
    {
      *exit_code = cls_cli_fail (error);
      cls_case_set_free (set);
      return NULL;
    }

  *exit_code = CLS_EXIT_OK;
  return set;
}
