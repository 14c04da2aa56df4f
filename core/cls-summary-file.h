/* cls-summary-file.h: one case summary in a self-describing, checksummed file
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A summary file (.clss) holds what calibration needs of one case and model
 * (see cls-summary.h), so that a large dataset can be summarised in parallel
 * anywhere (a Slurm array job, Kubernetes Jobs, GNU parallel over ssh) and
 * calibrated from the summaries. The format, version 2 (all integers little
 * endian):
 *
 *   offset  size  field
 *   0       8     magic: 0x89 'C' 'L' 'S' 'S' '\r' '\n' 0x1a
 *   8       4     format version (2; version 1 files are read too)
 *   12      4     flags: bit 0 set when the payload is deflate-compressed
 *   16      4     H, the header's length in bytes (at most 1 MiB)
 *   20      4     0 (reserved)
 *   24      8     P, the payload's length in bytes, as stored
 *   32      H     header: a UTF-8 JSON object (see below)
 *   32+H    P     payload (raw DEFLATE, RFC 1951, when flag 0 is set)
 *   32+H+P  4     CRC-32 (the gzip polynomial) of every byte before it
 *
 * The file is exactly 36 + H + P bytes long. The header names the case and
 * the model, the counts (n_voxels, n_lesion, n_distinct), whether values are
 * float32, the payload's uncompressed length, the number of lesions
 * ("lesion_components", null when the summary has none) and the voxel
 * volume in mm³ ("voxel_volume_mm3"; both new in version 2), the options the summary was
 * made with (label value, channel, logits), the source files (path, size,
 * modification time, and for gzip files the CRC-32 and length of the data
 * from the gzip trailer) and the program that wrote it.
 *
 * The uncompressed payload is a sequence of unsigned LEB128 varints:
 *   - the lesion probabilities, sorted from largest, as bit patterns (32-bit
 *     for float32, else 64-bit): the first pattern, then each difference to
 *     the previous one (never negative: non-negative IEEE numbers order like
 *     their bit patterns);
 *   - the count index's distinct values, ascending: the first pattern, then
 *     the differences (positive);
 *   - the count of voxels holding each distinct value (at least 1);
 *   - version 2, when the header counts lesions: for each lesion voxel, in
 *     the order of the sorted lesion probabilities (ties by lesion), the
 *     lesion (26-connected component of the ground truth) it belongs to,
 *     numbered from 0.
 * Nothing is rounded: reading a file gives back the summary bit for bit.
 * Version 1 files have no lesions: they calibrate the voxel loss as before,
 * and the lesion loss and size strata refuse them with a message.
 */
#pragma once

#include <glib.h>

#include "cls-summary.h"

G_BEGIN_DECLS

#define CLS_SUMMARY_FILE_VERSION 2
#define CLS_SUMMARY_FILE_SUFFIX  ".clss"

/**
 * ClsSummarySource:
 * @path: (nullable): the file, absolute
 * @size: its size in bytes
 * @mtime: its modification time (microseconds since 1970, UTC)
 * @gzip_crc32: for a gzip file, the CRC-32 of the uncompressed data from
 *   its trailer (identifies the content); 0 otherwise
 * @gzip_size: for a gzip file, the uncompressed size modulo 2^32
 * @is_gzip: whether @gzip_crc32 and @gzip_size are known
 */
typedef struct {
  char    *path;
  guint64  size;
  gint64   mtime;
  guint32  gzip_crc32;
  guint32  gzip_size;
  gboolean is_gzip;
} ClsSummarySource;

/**
 * ClsSummaryFileHeader:
 * @version: the format version of the file
 * @case_id: the case
 * @model: the model
 * @n_voxels: voxels in the volume
 * @n_lesion: lesion voxels
 * @n_distinct: distinct probabilities
 * @options: label value, channel and logits the summary was made with
 * @prob: the probability map it was made from
 * @label: the label it was made from
 * @created_by: (nullable): the program that wrote the file
 * @has_components: whether the file stores the lesions (version 2)
 * @n_components: how many lesions
 * @voxel_volume: mm³ per voxel (version 2; 0 when unknown)
 *
 * What a summary file says about itself.
 */
typedef struct {
  guint             version;
  char             *case_id;
  char             *model;
  guint64           n_voxels;
  guint64           n_lesion;
  guint64           n_distinct;
  ClsSummaryOptions options;
  ClsSummarySource  prob;
  ClsSummarySource  label;
  char             *created_by;
  gboolean          has_components;
  guint32           n_components;
  double            voxel_volume;
} ClsSummaryFileHeader;

void                  cls_summary_file_header_free     (ClsSummaryFileHeader     *header);

gboolean              cls_summary_source_init          (ClsSummarySource         *source,
                                                        const char               *path,
                                                        GError                  **error);
void                  cls_summary_source_clear         (ClsSummarySource         *source);
gboolean              cls_summary_source_matches       (const ClsSummarySource   *recorded,
                                                        const char               *path);

GBytes               *cls_summary_file_encode          (const ClsCaseSummary     *summary,
                                                        const ClsSummaryOptions  *options,
                                                        const ClsSummarySource   *prob,
                                                        const ClsSummarySource   *label);
gboolean              cls_summary_file_write           (const char               *path,
                                                        const ClsCaseSummary     *summary,
                                                        const ClsSummaryOptions  *options,
                                                        const char               *prob_path,
                                                        const char               *label_path,
                                                        GError                  **error);
ClsCaseSummary       *cls_summary_file_read            (const char               *path,
                                                        ClsSummaryFileHeader    **header,
                                                        GError                  **error);
ClsCaseSummary       *cls_summary_file_decode          (const char               *path,
                                                        const guint8             *data,
                                                        gsize                     len,
                                                        ClsSummaryFileHeader    **header,
                                                        GError                  **error);
ClsSummaryFileHeader *cls_summary_file_read_header     (const char               *path,
                                                        GError                  **error);

gboolean              cls_summary_options_equal        (const ClsSummaryOptions  *a,
                                                        const ClsSummaryOptions  *b);
char                 *cls_summary_options_to_string    (const ClsSummaryOptions  *options);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ClsSummaryFileHeader, cls_summary_file_header_free)

G_END_DECLS
