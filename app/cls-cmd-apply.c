/* cls-cmd-apply.c: `cls apply`
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>

#include "cls-atomic-file.h"
#include "cls-cli.h"
#include "cls-error.h"
#include "cls-result-json.h"
#include "cls-volume.h"

#define CHUNK 65536

int
cls_cmd_apply (int    argc,
               char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ClsVolume) prob = NULL;
  g_autofree guint8 *mask = NULL;
  g_autofree double *buf = NULL;
  g_autofree char *t_hat_text = NULL;
  g_autofree char *calibration = NULL;
  g_autofree char *output = NULL;
  ClsCalibrationFile file = { 0 };
  ClsNormalize normalize = CLS_NORMALIZE_NONE;
  ClsValueMap map = { 0 };
  int channel = -1;
  gboolean logits = FALSE;
  gboolean quiet = FALSE;
  double cut;
  guint64 n, n_bad = 0, n_in = 0;
  int status;
  GOptionEntry entries[] = {
    { "t-hat", 't', 0, G_OPTION_ARG_STRING, &t_hat_text, N_("Threshold t: the mask is {p >= 1 - t}, exactly for the decimal given"), "T" },
    { "calibration", 'c', 0, G_OPTION_ARG_FILENAME, &calibration, N_("A calibration from “cls calibrate --json”: the mask is {p >= its probability_cut}"), "CAL.json" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_("The mask to write (uint8 NIfTI; .nii.gz compresses)"), "MASK" },
    { "channel", 0, 0, G_OPTION_ARG_INT, &channel, N_("Lesion class of a 4D probability map (counting from 0)"), "C" },
    { "logits", 0, 0, G_OPTION_ARG_NONE, &logits, N_("The map holds logits: apply a sigmoid first"), NULL },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, N_("Print nothing on success"), NULL },
    { NULL }
  };

  context = g_option_context_new (_("PROB — write the calibrated mask of a probability map"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_description (context,
    _("The mask keeps the geometry of PROB (qform and sform). PROB is never overwritten.\n"
      "Exit status: 0 success, 1 bad input, 2 bad usage."));

  if ((status = cls_cli_parse (context, &argc, &argv)) != CLS_EXIT_OK)
    goto out;
  if (argc != 2)
    {
      status = cls_cli_usage (context, _("give exactly one probability map PROB"));
      goto out;
    }
  if ((t_hat_text == NULL) == (calibration == NULL))
    {
      status = cls_cli_usage (context, _("give either --t-hat or --calibration"));
      goto out;
    }
  if (output == NULL)
    {
      status = cls_cli_usage (context, _("give the output mask with -o"));
      goto out;
    }
  if (strcmp (output, argv[1]) == 0 || cls_path_is_same_file (output, argv[1]))
    {
      g_set_error (&error, CLS_ERROR, CLS_ERROR_INVALID_ARGUMENT,
                   _("%s: the output is the input probability map; refusing to overwrite it"), output);
      status = cls_cli_fail (error);
      goto out;
    }

  if (t_hat_text != NULL)
    {
      ClsFraction t;

      if (!cls_cli_fraction ("--t-hat", t_hat_text, &t))
        {
          status = CLS_EXIT_USAGE;
          goto out;
        }
      if (t.num > t.den)
        {
          status = cls_cli_usage (context, _("--t-hat must lie between 0 and 1"));
          goto out;
        }
      /* {p >= 1 - T} for the decimal T, decided exactly on doubles */
      cut = cls_fraction_ceil_double (cls_fraction_one_minus (t));
    }
  else
    {
      if (!cls_calibration_file_read (calibration, &file, &error))
        {
          status = cls_cli_fail (error);
          goto out;
        }
      cut = file.cut;
      normalize = file.normalize;
      if (!file.feasible)
        cls_cli_warn (_("%s was not feasible (too few cases for its alpha): the mask holds every voxel"),
                      calibration);
    }

  prob = cls_volume_read (argv[1], NULL, &error);
  if (prob == NULL)
    {
      status = cls_cli_fail (error);
      goto out;
    }

  if (channel < 0 && cls_volume_get_n_channels (prob) > 1)
    {
      g_set_error (&error, CLS_ERROR, CLS_ERROR_INVALID_ARGUMENT,
                   _("%s: holds %u volumes (one per class); choose the lesion class with --channel"),
                   argv[1], cls_volume_get_n_channels (prob));
      status = cls_cli_fail (error);
      goto out;
    }
  if (channel >= (int) cls_volume_get_n_channels (prob))
    {
      g_set_error (&error, CLS_ERROR, CLS_ERROR_INVALID_ARGUMENT,
                   _("%s: channel %d asked for, but it has %u (counting from 0)"),
                   argv[1], channel, cls_volume_get_n_channels (prob));
      status = cls_cli_fail (error);
      goto out;
    }
  channel = MAX (channel, 0);

  n = cls_volume_get_n_voxels (prob);
  mask = g_new0 (guint8, MAX (n, 1));
  buf = g_new (double, CHUNK);

  /* Pass 1: check the values (and find min and max for min-max). */
  {
    double lo = INFINITY, hi = -INFINITY;

    for (guint64 first = 0; first < n; first += CHUNK)
      {
        gsize m = (gsize) MIN ((guint64) CHUNK, n - first);

        cls_volume_read_doubles (prob, (guint) channel, first, m, buf);
        for (gsize i = 0; i < m; i++)
          {
            double p = logits ? 1.0 / (1.0 + exp (-buf[i])) : buf[i];

            if (!(p >= 0.0 && p <= 1.0))
              n_bad++;
            lo = MIN (lo, p);
            hi = MAX (hi, p);
          }
      }

    if (n_bad > 0)
      {
        g_set_error (&error, CLS_ERROR, CLS_ERROR_BAD_PROBABILITY,
                     _("%s: %" PRIu64 " of %" PRIu64 " voxels are not probabilities "
                       "(NaN, infinite or outside [0, 1])%s"),
                     argv[1], n_bad, n, logits ? "" : _(" (if the map holds logits, use --logits)"));
        status = cls_cli_fail (error);
        goto out;
      }

    map.active = normalize == CLS_NORMALIZE_MINMAX;
    map.offset = lo;
    map.scale = hi > lo ? hi - lo : 0.0;
  }

  /* Pass 2: the mask, comparing the probability itself with the cut. */
  for (guint64 first = 0; first < n; first += CHUNK)
    {
      gsize m = (gsize) MIN ((guint64) CHUNK, n - first);

      cls_volume_read_doubles (prob, (guint) channel, first, m, buf);
      for (gsize i = 0; i < m; i++)
        {
          double p = logits ? 1.0 / (1.0 + exp (-buf[i])) : buf[i];
          gboolean in = cls_value_map_apply (&map, p) >= cut;

          mask[first + i] = in;
          n_in += in;
        }
    }

  if (!cls_volume_write_mask (prob, mask, output, &error))
    {
      status = cls_cli_fail (error);
      goto out;
    }

  if (!quiet)
    printf (_("%s: %" PRIu64 " of %" PRIu64 " voxels (%.4f%%) have p >= %.9g\n"),
            output, n_in, n, 100.0 * n_in / MAX (n, 1), cut);

  status = CLS_EXIT_OK;

out:
  cls_calibration_file_clear (&file);
  return status;
}
