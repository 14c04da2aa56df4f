/* cls-strata.c
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "cls-calibration.h"
#include "cls-error.h"
#include "cls-strata.h"

static const char *strata_names[] = { "none", "size" };

const char *
cls_strata_to_string (ClsStrata strata)
{
  g_return_val_if_fail ((guint) strata < G_N_ELEMENTS (strata_names), NULL);
  return strata_names[strata];
}

gboolean
cls_strata_from_string (const char *text,
                        ClsStrata  *out)
{
  for (guint i = 0; i < G_N_ELEMENTS (strata_names); i++)
    if (g_strcmp0 (text, strata_names[i]) == 0)
      {
        *out = (ClsStrata) i;
        return TRUE;
      }
  return FALSE;
}

/**
 * cls_strata_get_n:
 * @strata: a stratification
 *
 * Returns: how many strata it makes (1 for none)
 */
guint
cls_strata_get_n (ClsStrata strata)
{
  return strata == CLS_STRATA_SIZE ? CLS_N_SIZE_BANDS : 1;
}

/**
 * cls_stratum_to_string:
 * @strata: a stratification
 * @stratum: one of its strata
 *
 * Returns: the stratum's name in files: "all", or a size band's name
 */
const char *
cls_stratum_to_string (ClsStrata strata,
                       guint     stratum)
{
  g_return_val_if_fail (stratum < cls_strata_get_n (strata), NULL);
  return strata == CLS_STRATA_SIZE ? cls_size_band_to_string ((ClsSizeBand) stratum) : "all";
}

/**
 * cls_stratum_get_label:
 * @strata: a stratification
 * @stratum: one of its strata
 *
 * Returns: the stratum's name for people, translated
 */
const char *
cls_stratum_get_label (ClsStrata strata,
                       guint     stratum)
{
  g_return_val_if_fail (stratum < cls_strata_get_n (strata), NULL);
  if (strata == CLS_STRATA_SIZE)
    return cls_size_band_get_label ((ClsSizeBand) stratum);
  return _("all cases");
}

/**
 * cls_case_predicted_diameter:
 * @summary: a case
 *
 * Returns: the equivalent diameter (mm) of the model's mask {p >= 0.5}, 0
 *   when the voxel volume is unknown
 */
double
cls_case_predicted_diameter (const ClsCaseSummary *summary)
{
  double voxels = (double) cls_case_summary_voxels_at_least (summary, NULL, CLS_FIXED_CUT);

  return cls_equivalent_diameter (voxels * cls_case_summary_get_voxel_volume (summary));
}

/**
 * cls_case_stratum:
 * @summary: a case
 * @strata: a stratification
 * @stratum: (out): the case's stratum
 * @error: return location for a #GError
 *
 * Returns: %FALSE when the case's voxel volume is unknown (a summary file
 *   of format version 1) and the strata need it
 */
gboolean
cls_case_stratum (const ClsCaseSummary  *summary,
                  ClsStrata              strata,
                  guint                 *stratum,
                  GError               **error)
{
  if (strata == CLS_STRATA_NONE)
    {
      *stratum = 0;
      return TRUE;
    }

  if (!(cls_case_summary_get_voxel_volume (summary) > 0))
    {
      g_set_error (error, CLS_ERROR, CLS_ERROR_INVALID_ARGUMENT,
                   _("case %s: its voxel size is not known (a summary file of format version 1?), "
                     "so its predicted lesion size cannot be measured; summarise it again with this "
                     "version to use --strata size"),
                   cls_case_summary_get_case_id (summary));
      return FALSE;
    }
  *stratum = (guint) cls_size_band_of_diameter (cls_case_predicted_diameter (summary));
  return TRUE;
}
