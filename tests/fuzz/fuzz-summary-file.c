/* fuzz-summary-file.c: the reader of summary files (.clss)
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Summary files come back from cluster jobs and colleagues. Each input is
 * one file's bytes. A refusal names the file; a summary that decodes must
 * agree with its header, hold probabilities in [0, 1] in the promised order
 * and counts that add up, read the same from a file and from memory, and
 * come back bit for bit when encoded and decoded again.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <zlib.h>

#include "cls-error.h"
#include "cls-summary-file.h"
#include "fuzz-common.h"

#define NAME "/data/summaries/case.clss"

static void
check_summary (const ClsCaseSummary       *s,
               const ClsSummaryFileHeader *h)
{
  const double *lesion = cls_case_summary_get_lesion_probs (s);
  const ClsCountIndex *counts = cls_case_summary_get_counts (s);
  guint64 n = cls_case_summary_get_n_voxels (s);
  guint64 g = cls_case_summary_get_n_lesion (s);
  gsize nd = cls_count_index_get_n_distinct (counts);
  guint64 total = 0;

  FUZZ_CHECK (n == h->n_voxels && g == h->n_lesion && nd == h->n_distinct,
              "the summary disagrees with its header");
  FUZZ_CHECK (g_strcmp0 (cls_case_summary_get_case_id (s), h->case_id) == 0, "case id");
  FUZZ_CHECK (g_strcmp0 (cls_case_summary_get_model (s), h->model) == 0, "model");
  FUZZ_CHECK (g <= n, "%" G_GUINT64_FORMAT " lesion voxels of %" G_GUINT64_FORMAT, g, n);

  for (guint64 i = 0; i < g; i++)
    {
      FUZZ_CHECK (lesion[i] >= 0.0 && lesion[i] <= 1.0, "lesion probability %g", lesion[i]);
      FUZZ_CHECK (i == 0 || lesion[i] <= lesion[i - 1], "lesion probabilities out of order");
    }
  for (gsize i = 0; i < nd; i++)
    {
      double v = cls_count_index_get_value (counts, i);

      FUZZ_CHECK (v >= 0.0 && v <= 1.0, "value %g", v);
      FUZZ_CHECK (i == 0 || v > cls_count_index_get_value (counts, i - 1), "values out of order");
      FUZZ_CHECK (cls_count_index_get_count (counts, i) >= 1, "a value held by no voxel");
      total += cls_count_index_get_count (counts, i);
    }
  FUZZ_CHECK (total == n, "counts add up to %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT, total, n);
  FUZZ_CHECK (cls_case_summary_voxels_at_least (s, NULL, 0.0) == n, "voxels at least 0");
  FUZZ_CHECK (g == 0 || cls_case_summary_voxels_at_least (s, NULL, lesion[g - 1]) >= g,
              "fewer voxels than lesion voxels at the smallest lesion probability");
}

static void
check_same (const ClsCaseSummary *a,
            const ClsCaseSummary *b)
{
  const ClsCountIndex *ca = cls_case_summary_get_counts (a);
  const ClsCountIndex *cb = cls_case_summary_get_counts (b);
  guint64 g = cls_case_summary_get_n_lesion (a);
  gsize nd = cls_count_index_get_n_distinct (ca);

  FUZZ_CHECK (cls_case_summary_get_n_voxels (a) == cls_case_summary_get_n_voxels (b), "voxels");
  FUZZ_CHECK (g == cls_case_summary_get_n_lesion (b), "lesion voxels");
  FUZZ_CHECK (g == 0 || memcmp (cls_case_summary_get_lesion_probs (a),
                                cls_case_summary_get_lesion_probs (b), g * sizeof (double)) == 0,
              "lesion probabilities changed");
  FUZZ_CHECK (nd == cls_count_index_get_n_distinct (cb), "distinct values");
  for (gsize i = 0; i < nd; i++)
    FUZZ_CHECK (cls_count_index_get_value (ca, i) == cls_count_index_get_value (cb, i) &&
                cls_count_index_get_count (ca, i) == cls_count_index_get_count (cb, i),
                "count index entry %" G_GSIZE_FORMAT " changed", i);
}

static void
check_input (const uint8_t *data,
             size_t         size)
{
  g_autoptr(ClsSummaryFileHeader) header = NULL;
  g_autoptr(ClsSummaryFileHeader) file_header = NULL;
  g_autoptr(ClsSummaryFileHeader) header_only = NULL;
  g_autoptr(ClsCaseSummary) s = NULL;
  g_autoptr(ClsCaseSummary) from_file = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) file_error = NULL;
  g_autoptr(GError) header_error = NULL;
  const char *path = fuzz_memory_file (data, size);

  s = cls_summary_file_decode (NAME, data, size, &header, &error);
  from_file = cls_summary_file_read (path, &file_header, &file_error);
  header_only = cls_summary_file_read_header (path, &header_error);

  FUZZ_CHECK ((s == NULL) == (from_file == NULL), "decode and read disagree");
  if (s == NULL)
    {
      fuzz_check_refusal (NAME, error);
      fuzz_check_refusal (path, file_error);
      FUZZ_CHECK (header == NULL, "a refused file left a header behind");
      return;
    }

  FUZZ_CHECK (header != NULL && header_only != NULL, "no header for a file that decodes: %s",
              header_error != NULL ? header_error->message : "");
  FUZZ_CHECK (header->n_voxels == header_only->n_voxels && header->n_lesion == header_only->n_lesion,
              "the header alone reads differently");
  check_summary (s, header);
  check_same (s, from_file);

  /* encoded again and decoded, nothing changes */
  {
    g_autoptr(GBytes) again = cls_summary_file_encode (s, &header->options, &header->prob, &header->label);
    g_autoptr(ClsSummaryFileHeader) header2 = NULL;
    g_autoptr(ClsCaseSummary) s2 = NULL;
    g_autoptr(GError) error2 = NULL;
    gsize len;
    const guint8 *bytes = g_bytes_get_data (again, &len);

    s2 = cls_summary_file_decode (NAME, bytes, len, &header2, &error2);
    FUZZ_CHECK (s2 != NULL, "what we encode does not decode: %s", error2->message);
    check_same (s, s2);
    FUZZ_CHECK (cls_summary_options_equal (&header->options, &header2->options), "options changed");
  }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  check_input (data, size);

  /* Mutations almost always break the CRC-32 trailer; fixed up, they reach
   * the header and payload parsers behind it. */
  if (size >= 36)
    {
      g_autofree guint8 *fixed = g_memdup2 (data, size);
      guint32 crc = GUINT32_TO_LE ((guint32) crc32 (0, fixed, (uInt) (size - 4)));

      if (memcmp (fixed + size - 4, &crc, 4) != 0)
        {
          memcpy (fixed + size - 4, &crc, 4);
          check_input (fixed, size);
        }
    }
  return 0;
}
