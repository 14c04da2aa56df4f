/* cls-cmd-info.c: `cls info`
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>

#include <glib/gi18n.h>

#include "cls-cli.h"
#include "cls-json-writer.h"
#include "cls-volume.h"

#define CHUNK 65536

typedef struct {
  double  min, max, sum;
  guint64 n_nan, n_inf, n_zero, n_finite, outside_unit;
  gboolean integral;
} Stats;

static const char *
affine_source_name (ClsAffineSource source)
{
  switch (source)
    {
    case CLS_AFFINE_SFORM: return "sform";
    case CLS_AFFINE_QFORM: return "qform";
    case CLS_AFFINE_PIXDIM: return "pixdim";
    default: return "?";
    }
}

static void
gather_stats (const ClsVolume *v,
              guint            channel,
              Stats           *s)
{
  g_autofree double *buf = g_new (double, CHUNK);
  guint64 n = cls_volume_get_n_voxels (v);

  s->min = INFINITY;
  s->max = -INFINITY;
  s->integral = TRUE;

  for (guint64 first = 0; first < n; first += CHUNK)
    {
      gsize m = (gsize) MIN ((guint64) CHUNK, n - first);

      cls_volume_read_doubles (v, channel, first, m, buf);
      for (gsize i = 0; i < m; i++)
        {
          double x = buf[i];

          if (isnan (x))
            s->n_nan++;
          else if (isinf (x))
            s->n_inf++;
          else
            {
              s->n_finite++;
              s->min = MIN (s->min, x);
              s->max = MAX (s->max, x);
              s->sum += x;
              s->n_zero += x == 0;
              s->outside_unit += x < 0 || x > 1;
              s->integral &= x == floor (x);
            }
        }
    }
}

int
cls_cmd_info (int    argc,
              char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ClsVolume) v = NULL;
  gboolean json = FALSE, header_only = FALSE;
  ClsVolumeReadOptions read_options = { 0 };
  gint64 dims[3];
  double spacing[3], affine[4][4], slope, inter;
  char axcodes[4];
  gboolean scaled;
  Stats stats = { 0 };
  int status;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print one JSON document on standard output"), NULL },
    { "header-only", 'H', 0, G_OPTION_ARG_NONE, &header_only, N_("Read only the header, not the voxels"), NULL },
    { NULL }
  };

  context = g_option_context_new (_("FILE — describe a NIfTI volume"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_description (context,
    _("The voxel-to-world matrix follows nibabel: sform, else qform, else pixdim.\n"
      "Exit status: 0 success, 1 bad input, 2 bad usage."));

  if ((status = cls_cli_parse (context, &argc, &argv)) != CLS_EXIT_OK)
    return status;
  if (argc != 2)
    return cls_cli_usage (context, _("give exactly one FILE"));

  read_options.header_only = header_only;
  v = cls_volume_read (argv[1], &read_options, &error);
  if (v == NULL)
    return cls_cli_fail (error);

  cls_volume_get_dims (v, dims);
  cls_volume_get_spacing (v, spacing);
  cls_volume_get_affine (v, affine);
  cls_volume_get_orientation (v, axcodes);
  scaled = cls_volume_get_scaling (v, &slope, &inter);
  if (cls_volume_has_data (v))
    gather_stats (v, 0, &stats);

  if (json)
    {
      g_autoptr(ClsJsonWriter) w = cls_json_writer_new (TRUE);
      g_autofree char *doc = NULL;

      cls_json_writer_begin_object (w);
      cls_json_writer_member (w, "path");
      cls_json_writer_string (w, argv[1]);
      cls_json_writer_member (w, "nifti_version");
      cls_json_writer_int (w, cls_volume_get_nifti_version (v));
      cls_json_writer_member (w, "datatype");
      cls_json_writer_string (w, cls_volume_get_datatype_name (v));
      cls_json_writer_member (w, "dims");
      cls_json_writer_begin_array (w);
      for (int i = 0; i < 3; i++)
        cls_json_writer_int (w, dims[i]);
      cls_json_writer_end_array (w);
      cls_json_writer_member (w, "channels");
      cls_json_writer_uint (w, cls_volume_get_n_channels (v));
      cls_json_writer_member (w, "spacing_mm");
      cls_json_writer_begin_array (w);
      for (int i = 0; i < 3; i++)
        cls_json_writer_double (w, spacing[i]);
      cls_json_writer_end_array (w);
      cls_json_writer_member (w, "affine_source");
      cls_json_writer_string (w, affine_source_name (cls_volume_get_affine_source (v)));
      cls_json_writer_member (w, "affine");
      cls_json_writer_begin_array (w);
      for (int i = 0; i < 4; i++)
        {
          cls_json_writer_begin_array (w);
          for (int j = 0; j < 4; j++)
            cls_json_writer_double (w, affine[i][j]);
          cls_json_writer_end_array (w);
        }
      cls_json_writer_end_array (w);
      cls_json_writer_member (w, "orientation");
      cls_json_writer_string (w, axcodes);
      cls_json_writer_member (w, "scaling");
      if (scaled)
        {
          cls_json_writer_begin_object (w);
          cls_json_writer_member (w, "slope");
          cls_json_writer_double (w, slope);
          cls_json_writer_member (w, "intercept");
          cls_json_writer_double (w, inter);
          cls_json_writer_end_object (w);
        }
      else
        cls_json_writer_null (w);
      cls_json_writer_member (w, "warning");
      cls_json_writer_string (w, cls_volume_get_affine_warning (v));
      if (cls_volume_has_data (v))
        {
          cls_json_writer_member (w, "values");
          cls_json_writer_begin_object (w);
          cls_json_writer_member (w, "min");
          cls_json_writer_double (w, stats.min);
          cls_json_writer_member (w, "max");
          cls_json_writer_double (w, stats.max);
          cls_json_writer_member (w, "mean");
          cls_json_writer_double (w, stats.n_finite ? stats.sum / stats.n_finite : NAN);
          cls_json_writer_member (w, "nan");
          cls_json_writer_uint (w, stats.n_nan);
          cls_json_writer_member (w, "infinite");
          cls_json_writer_uint (w, stats.n_inf);
          cls_json_writer_member (w, "zero");
          cls_json_writer_uint (w, stats.n_zero);
          cls_json_writer_member (w, "outside_0_1");
          cls_json_writer_uint (w, stats.outside_unit);
          cls_json_writer_end_object (w);
        }
      cls_json_writer_end_object (w);
      doc = cls_json_writer_finish (w);
      cls_cli_print_json (doc);
      return CLS_EXIT_OK;
    }

  printf ("%s\n", argv[1]);
  printf ("  %-14s NIfTI-%d, %s\n", _("format"), cls_volume_get_nifti_version (v),
          cls_volume_get_datatype_name (v));
  printf ("  %-14s %" PRId64 " × %" PRId64 " × %" PRId64,
          _("voxels"), dims[0], dims[1], dims[2]);
  if (cls_volume_get_n_channels (v) > 1)
    printf (_(" × %u channels"), cls_volume_get_n_channels (v));
  printf ("\n  %-14s %.4g × %.4g × %.4g mm\n", _("spacing"), spacing[0], spacing[1], spacing[2]);
  printf ("  %-14s %s (%s)\n", _("orientation"), axcodes, affine_source_name (cls_volume_get_affine_source (v)));
  for (int i = 0; i < 3; i++)
    printf ("  %-14s [%10.4f %10.4f %10.4f %10.4f]\n", i == 0 ? _("affine") : "",
            affine[i][0], affine[i][1], affine[i][2], affine[i][3]);
  if (scaled)
    {
      printf ("  %-14s ", _("scaling"));
      printf (_("value = %g × stored + %g\n"), slope, inter);
    }
  if (cls_volume_get_affine_warning (v) != NULL)
    printf ("  %-14s %s\n", _("warning"), cls_volume_get_affine_warning (v));
  if (cls_volume_has_data (v))
    {
      printf ("  %-14s ", _("values"));
      printf (_("%g … %g, mean %g\n"), stats.min, stats.max,
              stats.n_finite ? stats.sum / stats.n_finite : NAN);
      if (stats.n_nan + stats.n_inf > 0)
        {
          printf ("  %-14s ", _("not finite"));
          printf (_("%" PRIu64 " NaN, %" PRIu64 " infinite\n"), stats.n_nan, stats.n_inf);
        }
      if (stats.integral && stats.min >= 0 && stats.max <= 255)
        printf ("  %-14s %s\n", _("looks like"), _("a label volume (whole numbers)"));
      else if (stats.outside_unit == 0 && stats.n_nan + stats.n_inf == 0)
        printf ("  %-14s %s\n", _("looks like"), _("a probability map (all values in [0, 1])"));
    }

  return CLS_EXIT_OK;
}
