/* fuzz-volume.c: the NIfTI header and volume reader, and what reads on
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each input is a file for cls_volume_read(), gzip or not. A refusal must be
 * a CLS_ERROR that names the file; a volume that loads must be consistent
 * (header-only read agrees, the float and double readers agree, the affine
 * is finite), summarise without surprises, and write back to a file that
 * reads back the same.
 */
#include "config.h"

#include <float.h>
#include <math.h>
#include <string.h>

#include "cls-error.h"
#include "cls-summary.h"
#include "cls-volume.h"
#include "fuzz-common.h"

/* Keeps the fuzzer's memory small: no run may need more. */
#define BUDGET        (G_GUINT64_CONSTANT (16) << 20)
#define CHUNK         4096
#define SUMMARY_MAX   (1 << 16)   /* voxels summarised */
#define ROUND_TRIP_MAX (1 << 20)  /* bytes written back */

static gboolean
same_double (double a,
             double b)
{
  return (isnan (a) && isnan (b)) || a == b;
}

/* The float reader is the double reader rounded, voxel for voxel. */
static void
check_readers (const ClsVolume *vol)
{
  guint64 n = cls_volume_get_n_voxels (vol);
  double d[CHUNK];
  float f[CHUNK];

  for (guint c = 0; c < cls_volume_get_n_channels (vol); c++)
    for (guint64 first = 0; first < n; first += CHUNK)
      {
        gsize m = (gsize) MIN ((guint64) CHUNK, n - first);

        cls_volume_read_doubles (vol, c, first, m, d);
        cls_volume_read_floats (vol, c, first, m, f);
        for (gsize i = 0; i < m; i++)
          FUZZ_CHECK (same_double ((float) d[i], f[i]), "voxel %" G_GUINT64_FORMAT
                      " channel %u: double %.17g, float %.9g", first + i, c, d[i], f[i]);
      }
}

static void
check_geometry (const ClsVolume *vol)
{
  gint64 dims[3];
  double affine[4][4], spacing[3];
  char axcodes[4];
  guint64 n = 1;

  cls_volume_get_dims (vol, dims);
  for (int i = 0; i < 3; i++)
    {
      FUZZ_CHECK (dims[i] >= 1, "dim %d is %" G_GINT64_FORMAT, i, dims[i]);
      n *= (guint64) dims[i];
    }
  FUZZ_CHECK (n == cls_volume_get_n_voxels (vol), "n_voxels");
  FUZZ_CHECK (cls_volume_get_n_channels (vol) >= 1, "n_channels");

  cls_volume_get_affine (vol, affine);
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 4; j++)
      FUZZ_CHECK (isfinite (affine[i][j]), "affine[%d][%d] = %g", i, j, affine[i][j]);
  cls_volume_get_spacing (vol, spacing);

  cls_volume_get_orientation (vol, axcodes);
  FUZZ_CHECK (strlen (axcodes) == 3, "axcodes %s", axcodes);
  {
    static const char codes[] = "LRPAIS";
    gboolean used[3] = { FALSE, FALSE, FALSE };

    for (int i = 0; i < 3; i++)
      {
        const char *p = axcodes[i] != '\0' ? strchr (codes, axcodes[i]) : NULL;

        FUZZ_CHECK (axcodes[i] == '?' || p != NULL, "axcodes %s", axcodes);
        if (p != NULL)
          {
            int axis = (int) (p - codes) / 2;

            FUZZ_CHECK (!used[axis], "axcodes %s use a world axis twice", axcodes);
            used[axis] = TRUE;
          }
      }
  }
}

static void
check_same_header (const ClsVolume *a,
                   const ClsVolume *b)
{
  gint64 da[3], db[3];
  double ma[4][4], mb[4][4];

  cls_volume_get_dims (a, da);
  cls_volume_get_dims (b, db);
  FUZZ_CHECK (memcmp (da, db, sizeof da) == 0, "dims differ");
  FUZZ_CHECK (cls_volume_get_n_channels (a) == cls_volume_get_n_channels (b), "channels differ");
  FUZZ_CHECK (cls_volume_get_datatype (a) == cls_volume_get_datatype (b), "datatypes differ");
  cls_volume_get_affine (a, ma);
  cls_volume_get_affine (b, mb);
  FUZZ_CHECK (memcmp (ma, mb, sizeof ma) == 0, "affines differ");
}

/* The volume as its own label: it summarises only when every voxel is 0
 * or 1, and then the counts must agree. */
static void
check_summary (const ClsVolume *vol)
{
  g_autoptr(ClsCaseSummary) s = NULL;
  g_autoptr(GError) error = NULL;
  ClsSummaryOptions options;
  guint64 n = cls_volume_get_n_voxels (vol);

  if (n * cls_volume_get_n_channels (vol) > SUMMARY_MAX)
    return;

  cls_summary_options_init (&options);
  s = cls_case_summary_new_from_volumes ("fuzz", "m", vol, vol, &options, &error);
  if (s == NULL)
    {
      FUZZ_CHECK (error != NULL && error->domain == CLS_ERROR, "summary error");
      return;
    }

  FUZZ_CHECK (cls_case_summary_get_n_voxels (s) == n, "summary voxels");
  FUZZ_CHECK (cls_case_summary_get_n_lesion (s) <= n, "lesion > voxels");
  FUZZ_CHECK (cls_case_summary_voxels_at_least (s, NULL, 0.0) == n,
              "%" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT " voxels are >= 0",
              cls_case_summary_voxels_at_least (s, NULL, 0.0), n);
  FUZZ_CHECK (cls_case_summary_voxels_at_least (s, NULL, 1.0) == cls_case_summary_get_n_lesion (s),
              "voxels at 1: %" G_GUINT64_FORMAT ", lesion %" G_GUINT64_FORMAT,
              cls_case_summary_voxels_at_least (s, NULL, 1.0), cls_case_summary_get_n_lesion (s));
  FUZZ_CHECK (cls_case_summary_lesion_at_least (s, NULL, 0.5) == cls_case_summary_get_n_lesion (s),
              "lesion at 0.5");
}

/* Written back (as `cls apply` writes masks), the file reads back with the
 * same grid and the same stored voxels. */
static void
check_round_trip (const ClsVolume *vol)
{
  g_autofree char *path = NULL;
  g_autoptr(ClsVolume) back = NULL;
  g_autoptr(GError) error = NULL;
  guint64 bytes = cls_volume_get_n_voxels (vol) * cls_volume_get_n_channels (vol) * 8;

  if (bytes > ROUND_TRIP_MAX)
    return;

  path = g_build_filename (fuzz_scratch_dir (), "round-trip.nii", NULL);
  if (!cls_volume_write (vol, path, &error))
    {
      FUZZ_CHECK (error->domain == CLS_ERROR && error->code == CLS_ERROR_IO,
                  "write: %s", error->message);
      return;
    }

  back = cls_volume_read (path, NULL, &error);
  FUZZ_CHECK (back != NULL, "what we wrote does not read back: %s", error->message);
  {
    gint64 da[3], db[3];
    double ma[4][4], mb[4][4];
    gsize size = cls_volume_get_n_voxels (vol) * cls_volume_get_n_channels (vol);

    cls_volume_get_dims (vol, da);
    cls_volume_get_dims (back, db);
    FUZZ_CHECK (memcmp (da, db, sizeof da) == 0, "dims differ after writing");
    FUZZ_CHECK (cls_volume_get_datatype (vol) == cls_volume_get_datatype (back), "datatype");
    FUZZ_CHECK (cls_volume_get_n_channels (vol) == cls_volume_get_n_channels (back), "channels");
    switch (cls_volume_get_datatype (vol))
      {
      case CLS_DATATYPE_INT16: case CLS_DATATYPE_UINT16: size *= 2; break;
      case CLS_DATATYPE_INT32: case CLS_DATATYPE_UINT32: case CLS_DATATYPE_FLOAT32: size *= 4; break;
      case CLS_DATATYPE_FLOAT64: case CLS_DATATYPE_INT64: case CLS_DATATYPE_UINT64: size *= 8; break;
      default: break;
      }
    FUZZ_CHECK (memcmp (cls_volume_get_data ((ClsVolume *) vol), cls_volume_get_data (back), size) == 0,
                "stored voxels differ after writing");

    /* the affine comes back within float32 precision */
    cls_volume_get_affine (vol, ma);
    cls_volume_get_affine (back, mb);
    for (int i = 0; i < 3; i++)
      for (int j = 0; j < 4; j++)
        FUZZ_CHECK (fabs (ma[i][j] - mb[i][j]) <= 1e-6 * fabs (ma[i][j]) + 1e-30,
                    "affine[%d][%d] was %.17g, reads back as %.17g", i, j, ma[i][j], mb[i][j]);
  }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  const char *path = fuzz_memory_file (data, size);
  ClsVolumeReadOptions full = { .max_bytes = BUDGET };
  ClsVolumeReadOptions header_only = { .header_only = TRUE, .max_bytes = BUDGET };
  g_autoptr(ClsVolume) vol = NULL;
  g_autoptr(ClsVolume) head = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) head_error = NULL;

  vol = cls_volume_read (path, &full, &error);
  head = cls_volume_read (path, &header_only, &head_error);

  if (head == NULL)
    {
      fuzz_check_refusal (path, head_error);
      FUZZ_CHECK (vol == NULL, "the volume loads but its header alone is refused: %s",
                  head_error->message);
    }
  else
    FUZZ_CHECK (!cls_volume_has_data (head), "header-only read loaded voxels");

  if (vol == NULL)
    {
      fuzz_check_refusal (path, error);
      return 0;
    }

  FUZZ_CHECK (head != NULL, "header-only refused");
  check_same_header (vol, head);
  check_geometry (vol);
  check_readers (vol);
  check_summary (vol);
  check_round_trip (vol);
  return 0;
}
