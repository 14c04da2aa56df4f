/* test-hostile.c: the catalogue of hostile inputs
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * CLS Studio opens files that come from hospitals, collaborators and
 * scripts. Each entry of this catalogue makes one broken or malicious input
 * (none is checked in) and pushes it through every entry point a user hits:
 * cls_volume_read(), cls_dataset_open() and cls_dataset_load(), and the `cls`
 * binary ($CLS_BIN). Each must end in an error with the right code whose
 * message names the file, and exit status 1 from the command line: never a
 * crash, a hang, a huge allocation, a wrong answer or a lost file.
 *
 * With CLS_FUZZ_CORPUS=DIR in the environment, every input made here is
 * also copied to DIR/volume/, DIR/manifest/ or DIR/calibration/: the seed
 * corpus of the fuzzers in tests/fuzz/ (see docs/robustness.md).
 */
#include "config.h"

#include <fcntl.h>
#include <grp.h>
#include <math.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <nifti2_io.h>
#include <zlib.h>

#include "cls-dataset.h"
#include "cls-error.h"
#include "cls-summary.h"
#ifdef CLS_HAVE_SUMMARY_FILE
#include "cls-summary-file.h"
#endif
#include "cls-test-util.h"
#include "cls-volume.h"

#define NX 8
#define NY 8
#define NZ 4
#define NV (NX * NY * NZ)

/* No command may take longer than this; a hang becomes a failure. */
#define CHILD_ALARM_S 120

#define N1(field) offsetof (nifti_1_header, field)
#define N2(field) offsetof (nifti_2_header, field)

static char *tmpdir;
static const gint64 grid[3] = { NX, NY, NZ };

/* Files
 * ----- */

static void
put (const char *path,
     const void *data,
     gsize       len)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, data, (gssize) len, &error);
  g_assert_no_error (error);
}

static guint8 *
gzip_bytes (const void *data,
            gsize       len,
            gsize      *out_len)
{
  z_stream z;
  guint8 *out;
  gsize cap;

  memset (&z, 0, sizeof z);
  g_assert_cmpint (deflateInit2 (&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), ==, Z_OK);
  cap = deflateBound (&z, len);
  out = g_malloc (cap);
  z.next_in = (Bytef *) data;
  z.avail_in = (uInt) len;
  z.next_out = out;
  z.avail_out = (uInt) cap;
  g_assert_cmpint (deflate (&z, Z_FINISH), ==, Z_STREAM_END);
  *out_len = cap - z.avail_out;
  deflateEnd (&z);
  return out;
}

static void
put_gz (const char *path,
        const void *data,
        gsize       len)
{
  gsize zlen;
  g_autofree guint8 *z = gzip_bytes (data, len, &zlen);

  put (path, z, zlen);
}

static guint
count_entries (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  guint n = 0;

  g_assert_nonnull (d);
  while (g_dir_read_name (d) != NULL)
    n++;
  return n;
}

/* CLS_FUZZ_CORPUS: keep a copy of each input as a fuzzing seed. */
static void
corpus_add (const char *kind,
            const char *path)
{
  const char *root = g_getenv ("CLS_FUZZ_CORPUS");
  g_autofree char *dir = NULL;
  g_autofree char *base = NULL;
  g_autofree char *dest = NULL;
  g_autofree char *contents = NULL;
  gsize len;
  GStatBuf st;

  if (root == NULL || *root == '\0')
    return;
  if (g_stat (path, &st) != 0 || !S_ISREG (st.st_mode) || st.st_size > (1 << 20))
    return;
  if (!g_file_get_contents (path, &contents, &len, NULL))
    return;

  dir = g_build_filename (root, kind, NULL);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  base = g_path_get_basename (path);
  dest = g_strdup_printf ("%s/%s-%s", dir, g_test_get_path (), base);
  g_strcanon (dest + strlen (dir) + 1, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.", '_');
  put (dest, contents, len);
}

/* Volumes
 * ------- */

static ClsVolume *
new_volume (ClsDatatype   type,
            const gint64  dims[3],
            guint         channels)
{
  const double affine[4][4] = {
    { -1.0, 0.0, 0.0,  3.5 },
    {  0.0, 1.0, 0.0, -3.5 },
    {  0.0, 0.0, 2.0, -3.0 },
    {  0.0, 0.0, 0.0,  1.0 },
  };

  return cls_volume_new (dims, channels, type, affine);
}

/* A float32 probability map: values k/100, a different pattern per @seed. */
static ClsVolume *
new_prob (const gint64 dims[3],
          guint        channels,
          guint        seed)
{
  ClsVolume *v = new_volume (CLS_DATATYPE_FLOAT32, dims, channels);
  float *p = cls_volume_get_data (v);
  guint64 n = cls_volume_get_n_voxels (v) * channels;

  for (guint64 i = 0; i < n; i++)
    p[i] = (float) ((i * 37 + seed * 11) % 101) / 100.0f;
  return v;
}

/* The uint8 label that goes with new_prob (@seed): mostly where p >= 0.6. */
static ClsVolume *
new_label (const gint64 dims[3],
           guint        seed)
{
  ClsVolume *v = new_volume (CLS_DATATYPE_UINT8, dims, 1);
  guint8 *l = cls_volume_get_data (v);
  guint64 n = cls_volume_get_n_voxels (v);

  for (guint64 i = 0; i < n; i++)
    l[i] = (i * 37 + seed * 11) % 101 >= 60 || i % 29 == 0;
  return v;
}

static void
save (const ClsVolume *v,
      const char      *path)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (cls_volume_write (v, path, &error));
  g_assert_no_error (error);
}

/* The bytes of an uncompressed file made by our writer. */
static guint8 *
nifti_bytes (const ClsVolume *v,
             gsize           *len)
{
  g_autofree char *path = g_build_filename (tmpdir, "scratch.nii", NULL);
  char *contents = NULL;

  save (v, path);
  g_assert_true (g_file_get_contents (path, &contents, len, NULL));
  g_unlink (path);
  return (guint8 *) contents;
}

static guint8 *
prob_bytes (gsize *len)
{
  g_autoptr(ClsVolume) v = new_prob (grid, 1, 0);
  return nifti_bytes (v, len);
}

/* A NIfTI-2 file: our writer switches to NIfTI-2 beyond 32767 voxels a side. */
static guint8 *
nifti2_bytes (gsize *len)
{
  const gint64 dims[3] = { 40000, 1, 1 };
  g_autoptr(ClsVolume) v = new_volume (CLS_DATATYPE_UINT8, dims, 1);
  guint8 *b = nifti_bytes (v, len);

  g_assert_cmpint (*(gint32 *) b, ==, 540);
  return b;
}

static void
set_i16 (guint8 *b, gsize off, gint16 v)
{
  v = GINT16_TO_LE (v);
  memcpy (b + off, &v, sizeof v);
}

static void
set_i32 (guint8 *b, gsize off, gint32 v)
{
  v = GINT32_TO_LE (v);
  memcpy (b + off, &v, sizeof v);
}

static void
set_i64 (guint8 *b, gsize off, gint64 v)
{
  v = GINT64_TO_LE (v);
  memcpy (b + off, &v, sizeof v);
}

static void
set_f32 (guint8 *b, gsize off, float v)
{
  memcpy (b + off, &v, sizeof v);
}

/* The catalogue of volumes
 * ------------------------ */

typedef void (*MakeFunc) (const char *path);

typedef struct {
  const char *name;      /* the test's name */
  const char *file;      /* the hostile file's name */
  MakeFunc    make;
  ClsError    code;      /* what cls_volume_read() says */
  const char *what;      /* a word the message must hold */
  guint64     max_bytes; /* the memory budget, 0: the default */
  const char *named;     /* the file the message names, if not @file */
  const char *bug;       /* a known bug that keeps @what out of the message */
} VolumeCase;

static void
make_empty (const char *path)
{
  put (path, "", 0);
}

static void
make_empty_gzip (const char *path)
{
  put_gz (path, "", 0);
}

static void
make_text (const char *path)
{
  put (path, "patient,lesion volume\n1,12.5\n", 29);
}

/* A download that failed: an error page saved under the volume's name. */
static void
make_html (const char *path)
{
  static const char page[] =
    "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\n"
    "<body><h1>Bad Gateway</h1><p>The proxy server received an invalid response "
    "from an upstream server. Please try again later; if the problem persists "
    "contact the administrator of this PACS gateway.</p><hr><address>nginx</address>"
    "</body></html>\n";

  put_gz (path, page, sizeof page - 1);
}

/* Compressed by another tool (a zstd frame). */
static void
make_zstd (const char *path)
{
  guint8 b[400] = { 0x28, 0xb5, 0x2f, 0xfd, 0x24, 0x04 };

  put (path, b, sizeof b);
}

/* "scan.nii.gz.gz" renamed: a gzip inside a gzip. */
static void
make_double_gzip (const char *path)
{
  gsize len, zlen;
  g_autofree guint8 *b = prob_bytes (&len);
  g_autofree guint8 *z = gzip_bytes (b, len, &zlen);

  put_gz (path, z, zlen);
}

static void
make_wrong_magic (const char *path)
{
  gsize len;
  g_autofree guint8 *b = prob_bytes (&len);

  memcpy (b + N1 (magic), "n+3", 4);
  put (path, b, len);
}

static void
make_sizeof_hdr (const char *path)
{
  gsize len;
  g_autofree guint8 *b = prob_bytes (&len);

  set_i32 (b, 0, 349);
  put (path, b, len);
}

static void
make_gz_cut_in_header (const char *path)
{
  gsize len;
  g_autofree guint8 *b = prob_bytes (&len);

  put_gz (path, b, 200);
}

static void
make_gz_cut_in_data (const char *path)
{
  gsize len;
  g_autofree guint8 *b = prob_bytes (&len);

  put_gz (path, b, len - len / 3);
}

/* The gzip of a valid file, damaged: an interrupted copy, flipped bits, a
 * wrong checksum or size in the trailer, bytes appended. */
typedef enum {
  GZ_CUT_HALF,
  GZ_CUT_IN_HEADER,
  GZ_BAD_CRC,
  GZ_BAD_SIZE,
  GZ_FLIPPED,
  GZ_JUNK_AFTER,
} GzDamage;

static void
make_gz_damaged (const char *path,
                 GzDamage    damage)
{
  gsize len, zlen, keep;
  g_autofree guint8 *b = prob_bytes (&len);
  g_autofree guint8 *z = gzip_bytes (b, len, &zlen);

  z = g_realloc (z, zlen + 5);
  keep = zlen;
  switch (damage)
    {
    case GZ_CUT_HALF:      keep = zlen / 2; break;
    case GZ_CUT_IN_HEADER: keep = 14; break;
    case GZ_BAD_CRC:       z[zlen - 8] ^= 0x5a; break;
    case GZ_BAD_SIZE:      z[zlen - 4] ^= 0x01; break;
    case GZ_FLIPPED:
      for (gsize i = zlen / 2; i < zlen / 2 + 8; i++)
        z[i] ^= 0xa5;
      break;
    case GZ_JUNK_AFTER:
      memcpy (z + zlen, "junk!", 5);
      keep = zlen + 5;
      break;
    }
  put (path, z, keep);
}

static void make_gz_stream_cut (const char *p)           { make_gz_damaged (p, GZ_CUT_HALF); }
static void make_gz_stream_cut_in_header (const char *p) { make_gz_damaged (p, GZ_CUT_IN_HEADER); }
static void make_gz_bad_crc (const char *p)              { make_gz_damaged (p, GZ_BAD_CRC); }
static void make_gz_bad_size (const char *p)             { make_gz_damaged (p, GZ_BAD_SIZE); }
static void make_gz_corrupt (const char *p)              { make_gz_damaged (p, GZ_FLIPPED); }
static void make_gz_junk (const char *p)                 { make_gz_damaged (p, GZ_JUNK_AFTER); }

static void
make_gz_too_long (const char *path)
{
  gsize len;
  g_autofree guint8 *b = prob_bytes (&len);
  g_autofree guint8 *longer = g_malloc0 (len + 100);

  memcpy (longer, b, len);
  put_gz (path, longer, len + 100);
}

static void
make_raw_cut_in_data (const char *path)
{
  gsize len;
  g_autofree guint8 *b = prob_bytes (&len);

  put (path, b, len - 100);
}

static void
make_raw_cut_in_header (const char *path)
{
  gsize len;
  g_autofree guint8 *b = prob_bytes (&len);

  put (path, b, 300);
}

/* 377 bytes that claim 3000 × 3000 × 500 float32 voxels: 18 GB. */
static guint8 *
huge_claim (gsize *len)
{
  gsize full;
  guint8 *b = prob_bytes (&full);

  set_i16 (b, N1 (dim) + 2, 3000);
  set_i16 (b, N1 (dim) + 4, 3000);
  set_i16 (b, N1 (dim) + 6, 500);
  *len = 377;
  return b;
}

static void
make_huge_claim (const char *path)
{
  gsize len;
  g_autofree guint8 *b = huge_claim (&len);

  put (path, b, len);
}

static void
make_huge_claim_gz (const char *path)
{
  gsize len;
  g_autofree guint8 *b = huge_claim (&len);

  put_gz (path, b, len);
}

/* A valid map of 128 KiB, read with a budget of 64 KiB. */
static void
make_over_budget (const char *path)
{
  const gint64 dims[3] = { 32, 32, 32 };
  g_autoptr(ClsVolume) v = new_prob (dims, 1, 0);

  save (v, path);
}

static void
make_n1_field (const char *path,
               gsize       offset,
               gint16      value)
{
  gsize len;
  g_autofree guint8 *b = prob_bytes (&len);

  set_i16 (b, offset, value);
  put (path, b, len);
}

static void make_dim0_zero (const char *p)     { make_n1_field (p, N1 (dim), 0); }
static void make_dim0_eight (const char *p)    { make_n1_field (p, N1 (dim), 8); }
static void make_dim0_negative (const char *p) { make_n1_field (p, N1 (dim), -3); }
static void make_dim_negative (const char *p)  { make_n1_field (p, N1 (dim) + 4, -8); }
static void make_dim_zero (const char *p)      { make_n1_field (p, N1 (dim) + 6, 0); }
static void make_bitpix (const char *p)        { make_n1_field (p, N1 (bitpix), 8); }
static void make_datatype (const char *p)      { make_n1_field (p, N1 (datatype), 9999); }

static void
make_n1_type (const char *path,
              gint16      datatype,
              gint16      bitpix)
{
  gsize len;
  g_autofree guint8 *b = prob_bytes (&len);

  set_i16 (b, N1 (datatype), datatype);
  set_i16 (b, N1 (bitpix), bitpix);
  put (path, b, len);
}

static void make_complex64 (const char *p) { make_n1_type (p, DT_COMPLEX64, 64); }
static void make_rgb24 (const char *p)     { make_n1_type (p, DT_RGB24, 24); }

/* A label saved by nibabel from an int64 array (NIfTI datatype 1024). */
static void
make_int64_label (const char *path)
{
  g_autoptr(ClsVolume) v = new_label (grid, 0);
  const guint8 *l = cls_volume_get_data (v);
  gsize len;
  g_autofree guint8 *hdr = nifti_bytes (v, &len);
  g_autofree guint8 *b = g_malloc0 (352 + NV * 8);

  memcpy (b, hdr, 352);
  set_i16 (b, N1 (datatype), DT_INT64);
  set_i16 (b, N1 (bitpix), 64);
  for (int i = 0; i < NV; i++)
    set_i64 (b, 352 + 8 * (gsize) i, l[i]);
  put_gz (path, b, 352 + NV * 8);
}

static void
make_vox_offset (const char *path,
                 float       offset)
{
  gsize len;
  g_autofree guint8 *b = prob_bytes (&len);

  set_f32 (b, N1 (vox_offset), offset);
  put (path, b, len);
}

static void make_vox_offset_in_header (const char *p) { make_vox_offset (p, 100.0f); }
static void make_vox_offset_fraction (const char *p)  { make_vox_offset (p, 352.5f); }
static void make_vox_offset_nan (const char *p)       { make_vox_offset (p, NAN); }
static void make_vox_offset_past_end (const char *p)  { make_vox_offset (p, 1e9f); }
static void make_vox_offset_huge (const char *p)      { make_vox_offset (p, 1e20f); }

static void
make_sform_nan (const char *path)
{
  gsize len;
  g_autofree guint8 *b = prob_bytes (&len);

  set_i16 (b, N1 (sform_code), 1);
  set_f32 (b, N1 (srow_x), NAN);
  put (path, b, len);
}

static void
make_qform_inf (const char *path)
{
  gsize len;
  g_autofree guint8 *b = prob_bytes (&len);

  set_i16 (b, N1 (sform_code), 0);
  set_i16 (b, N1 (qform_code), 1);
  set_f32 (b, N1 (quatern_b), INFINITY);
  put (path, b, len);
}

/* A big-endian file (byte-swapped header) whose data stops early. */
static void
make_big_endian_cut (const char *path)
{
  gsize len;
  g_autofree guint8 *b = prob_bytes (&len);
  nifti_1_header h;

  memcpy (&h, b, sizeof h);
  nifti_swap_as_nifti1 (&h);
  memcpy (b, &h, sizeof h);
  put_gz (path, b, len - 64);
}

/* nifti_clib issue #195: NIfTI-2 dim[0] must be checked before it indexes. */
static void
make_n2_dim0_huge (const char *path)
{
  gsize len;
  g_autofree guint8 *b = nifti2_bytes (&len);

  set_i64 (b, N2 (dim), G_GINT64_CONSTANT (1) << 40);
  put_gz (path, b, len);
}

static void
make_n2_dims_overflow (const char *path)
{
  gsize len;
  g_autofree guint8 *b = nifti2_bytes (&len);

  for (int i = 1; i <= 3; i++)
    set_i64 (b, N2 (dim) + 8 * (gsize) i, G_GINT64_CONSTANT (1) << 40);
  put (path, b, len);
}

static void
make_n2_claim_8tb (const char *path)
{
  gsize len;
  g_autofree guint8 *b = nifti2_bytes (&len);

  set_i16 (b, N2 (datatype), DT_FLOAT64);
  set_i16 (b, N2 (bitpix), 64);
  for (int i = 1; i <= 3; i++)
    set_i64 (b, N2 (dim) + 8 * (gsize) i, 10000);
  put (path, b, 600);
}

static void
make_n2_vox_offset_negative (const char *path)
{
  gsize len;
  g_autofree guint8 *b = nifti2_bytes (&len);

  set_i64 (b, N2 (vox_offset), -8);
  put (path, b, len);
}

/* Pairs: a header in PATH (.hdr), its voxels in the .img beside it. */
static char *
partner (const char *path,
         const char *ext)
{
  g_autofree char *stem = g_strndup (path, strlen (path) - 4);
  return g_strconcat (stem, ext, NULL);
}

static void
make_pair (const char *path,
           const char *magic,
           gboolean    write_hdr,
           gsize       img_bytes)
{
  gsize len;
  g_autofree guint8 *b = prob_bytes (&len);
  g_autofree char *hdr = partner (path, ".hdr");
  g_autofree char *img = partner (path, ".img");

  memcpy (b + N1 (magic), magic, 4);
  set_f32 (b, N1 (vox_offset), 0.0f);
  if (write_hdr)
    put (hdr, b, 348);
  if (img_bytes > 0)
    put (img, b + 352, MIN (img_bytes, len - 352));
}

static void make_analyze_pair (const char *p)        { make_pair (p, "\0\0\0", TRUE, NV * 4); }
static void make_analyze_missing_img (const char *p) { make_pair (p, "\0\0\0", TRUE, 0); }
static void make_pair_missing_img (const char *p)    { make_pair (p, "ni1", TRUE, 0); }
static void make_pair_missing_hdr (const char *p)    { make_pair (p, "ni1", FALSE, NV * 4); }
static void make_pair_short_img (const char *p)      { make_pair (p, "ni1", TRUE, NV * 2); }

static void
make_folder (const char *path)
{
  g_assert_cmpint (g_mkdir (path, 0755), ==, 0);
}

static void
make_fifo (const char *path)
{
  g_assert_cmpint (mkfifo (path, 0644), ==, 0);
}

static void
make_link_dev_zero (const char *path)
{
  g_assert_cmpint (symlink ("/dev/zero", path), ==, 0);
}

static void
make_link_loop (const char *path)
{
  g_autofree char *base = g_path_get_basename (path);

  g_assert_cmpint (symlink (base, path), ==, 0);
}

static void
make_dangling_link (const char *path)
{
  g_assert_cmpint (symlink ("moved-away.nii.gz", path), ==, 0);
}

static const VolumeCase volume_cases[] = {
  { "empty", "p.nii", make_empty, CLS_ERROR_FORMAT, "empty" },
  { "empty-gzip", "p.nii.gz", make_empty_gzip, CLS_ERROR_FORMAT, "empty" },
  { "text", "p.nii", make_text, CLS_ERROR_FORMAT, "not a NIfTI file" },
  { "html-error-page", "p.nii.gz", make_html, CLS_ERROR_FORMAT, "not a NIfTI file" },
  { "zstd", "p.nii.gz", make_zstd, CLS_ERROR_FORMAT, "not a NIfTI file" },
  { "gzip-in-gzip", "p.nii.gz", make_double_gzip, CLS_ERROR_FORMAT, "not a NIfTI file" },
  { "wrong-magic", "p.nii", make_wrong_magic, CLS_ERROR_FORMAT, "magic" },
  { "sizeof-hdr", "p.nii", make_sizeof_hdr, CLS_ERROR_FORMAT, "header size" },
  { "gzip-cut-in-header", "p.nii.gz", make_gz_cut_in_header, CLS_ERROR_FORMAT, "truncated" },
  { "gzip-cut-in-data", "p.nii.gz", make_gz_cut_in_data, CLS_ERROR_FORMAT, "truncated" },
  { "gzip-stream-cut", "p.nii.gz", make_gz_stream_cut, CLS_ERROR_FORMAT, "truncated" },
  { "gzip-stream-cut-in-header", "p.nii.gz", make_gz_stream_cut_in_header, CLS_ERROR_FORMAT, "truncated" },
  { "gzip-bad-crc", "p.nii.gz", make_gz_bad_crc, CLS_ERROR_FORMAT, "gzip" },
  { "gzip-bad-size", "p.nii.gz", make_gz_bad_size, CLS_ERROR_FORMAT, "gzip" },
  { "gzip-corrupt", "p.nii.gz", make_gz_corrupt, CLS_ERROR_FORMAT, "gzip" },
  { "gzip-too-long", "p.nii.gz", make_gz_too_long, CLS_ERROR_FORMAT, "more than" },
  { "gzip-junk-after", "p.nii.gz", make_gz_junk, CLS_ERROR_FORMAT, "gzip" },
  { "raw-cut-in-header", "p.nii", make_raw_cut_in_header, CLS_ERROR_FORMAT, "truncated" },
  { "raw-cut-in-data", "p.nii", make_raw_cut_in_data, CLS_ERROR_FORMAT, "truncated" },
  { "big-endian-cut", "p.nii.gz", make_big_endian_cut, CLS_ERROR_FORMAT, "truncated" },
  { "claims-18GB", "p.nii", make_huge_claim, CLS_ERROR_FORMAT, "truncated" },
  { "claims-18GB-gzip", "p.nii.gz", make_huge_claim_gz, CLS_ERROR_TOO_LARGE, "CLS_MAX_VOLUME_BYTES" },
  { "over-budget", "p.nii.gz", make_over_budget, CLS_ERROR_TOO_LARGE, "limit", 64 * 1024 },
  { "dim0-zero", "p.nii", make_dim0_zero, CLS_ERROR_FORMAT, "dim[0]" },
  { "dim0-eight", "p.nii", make_dim0_eight, CLS_ERROR_UNSUPPORTED, "dim[0]" },
  { "dim0-negative", "p.nii", make_dim0_negative, CLS_ERROR_FORMAT, "dim[0]" },
  { "dim-negative", "p.nii", make_dim_negative, CLS_ERROR_FORMAT, "positive" },
  { "dim-zero", "p.nii", make_dim_zero, CLS_ERROR_FORMAT, "positive" },
  { "bitpix", "p.nii", make_bitpix, CLS_ERROR_FORMAT, "bitpix" },
  { "datatype-unknown", "p.nii", make_datatype, CLS_ERROR_FORMAT, "datatype" },
  { "datatype-complex64", "p.nii", make_complex64, CLS_ERROR_UNSUPPORTED, "complex64" },
  { "datatype-rgb24", "p.nii", make_rgb24, CLS_ERROR_UNSUPPORTED, "RGB24" },
  { "vox-offset-in-header", "p.nii", make_vox_offset_in_header, CLS_ERROR_FORMAT, "vox_offset" },
  { "vox-offset-fraction", "p.nii", make_vox_offset_fraction, CLS_ERROR_FORMAT, "vox_offset" },
  { "vox-offset-nan", "p.nii", make_vox_offset_nan, CLS_ERROR_FORMAT, "vox_offset" },
  { "vox-offset-past-end", "p.nii", make_vox_offset_past_end, CLS_ERROR_FORMAT, "truncated" },
  /* found by fuzz-volume */
  { "vox-offset-huge", "p.nii", make_vox_offset_huge, CLS_ERROR_FORMAT, "vox_offset" },
  { "sform-nan", "p.nii", make_sform_nan, CLS_ERROR_FORMAT, "sform" },
  { "qform-inf", "p.nii", make_qform_inf, CLS_ERROR_FORMAT, "qform" },
  { "nifti2-dim0-huge", "p.nii.gz", make_n2_dim0_huge, CLS_ERROR_UNSUPPORTED, "dim[0]" },
  { "nifti2-dims-overflow", "p.nii", make_n2_dims_overflow, CLS_ERROR_TOO_LARGE, "voxels" },
  { "nifti2-claims-8TB", "p.nii", make_n2_claim_8tb, CLS_ERROR_FORMAT, "truncated" },
  { "nifti2-vox-offset-negative", "p.nii", make_n2_vox_offset_negative, CLS_ERROR_FORMAT, "vox_offset" },
  { "analyze-pair", "p.hdr", make_analyze_pair, CLS_ERROR_UNSUPPORTED, "Analyze" },
  { "analyze-missing-img", "p.hdr", make_analyze_missing_img, CLS_ERROR_UNSUPPORTED, "Analyze" },
  { "pair-missing-img", "p.hdr", make_pair_missing_img, CLS_ERROR_IO, "p.img" },
  { "pair-missing-hdr", "p.img", make_pair_missing_hdr, CLS_ERROR_IO, "p.hdr" },
  { "pair-short-img", "p.hdr", make_pair_short_img, CLS_ERROR_FORMAT, "truncated", 0, "p.img" },
  { "folder", "p.nii.gz", make_folder, CLS_ERROR_IO, "folder" },
  { "fifo", "p.nii.gz", make_fifo, CLS_ERROR_IO, "regular" },
  { "link-to-dev-zero", "p.nii.gz", make_link_dev_zero, CLS_ERROR_IO, "regular" },
  { "link-loop", "p.nii.gz", make_link_loop, CLS_ERROR_IO, "cannot open" },
  { "dangling-link", "p.nii.gz", make_dangling_link, CLS_ERROR_IO, "cannot open" },
  /* Non-ASCII names with a comma and quotes (the manifest must quote them). */
  { "non-ascii-name", "étude 病例, “ü” \"q\".nii.gz", make_gz_cut_in_data, CLS_ERROR_FORMAT, "truncated" },
  /* Not UTF-8 at all (Latin-1 from an old archive). */
  { "latin1-name", "r\xe9sultat.nii", make_raw_cut_in_data, CLS_ERROR_FORMAT, "truncated" },
};

/* The command line
 * ---------------- */

typedef struct {
  const char * const   *env;    /* NAME, VALUE, ..., NULL */
  GSpawnChildSetupFunc  setup;  /* runs in the child too */
  gpointer              data;
} RunOptions;

static void
child_setup (gpointer data)
{
  const RunOptions *o = data;

  alarm (CHILD_ALARM_S);
  if (o != NULL && o->setup != NULL)
    o->setup (o->data);
}

static ClsTestRun
run_cls_argv (const RunOptions   *o,
              const char * const *args)
{
  return cls_test_run_cls (o != NULL ? o->env : NULL, child_setup, (gpointer) o, args);
}

#define run_cls(o, ...) run_cls_argv ((o), (const char * const []) { __VA_ARGS__, NULL })

static void
assert_names (const char *message,
              const char *file,
              const char *what,
              const char *where)
{
  if (message == NULL || strstr (message, file) == NULL)
    g_error ("%s: the message does not name %s:\n%s", where, file, message);
  if (what != NULL && strstr (message, what) == NULL)
    g_error ("%s: “%s” is not in the message:\n%s", where, what, message);
}

static void
assert_cli_ok (ClsTestRun        *r,
               const char *where)
{
  if (r->status != 0)
    g_error ("%s: exit status %d, not 0\n%s", where, r->status, r->err);
}

/* Exit status 1, a message that names @file, nothing on standard output
 * that could pass for a result. */
static void
assert_cli_refuses (ClsTestRun        *r,
                    const char *file,
                    const char *what,
                    const char *where)
{
  if (r->status != 1)
    g_error ("%s: exit status %d, not 1\n%s", where, r->status, r->err);
  assert_names (r->err, file, what, where);
  g_assert_false (g_str_has_prefix (r->out, "{"));
}

/* Datasets around one hostile file
 * -------------------------------- */

static char *
csv_field (const char *s)
{
  GString *out = g_string_new ("\"");

  for (const char *p = s; *p; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
  return g_string_free (out, FALSE);
}

/* Writes DIR/good/: three valid cases in the folder layout, model "m". */
static void
write_good_cases (const char *dir)
{
  g_autofree char *good = g_build_filename (dir, "good", NULL);
  g_autofree char *labels = g_build_filename (good, "labels", NULL);
  g_autofree char *probs = g_build_filename (good, "probs", "m", NULL);

  g_assert_cmpint (g_mkdir_with_parents (labels, 0755), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (probs, 0755), ==, 0);
  for (guint c = 1; c <= 3; c++)
    {
      g_autofree char *name = g_strdup_printf ("c%u.nii.gz", c);
      g_autofree char *label_path = g_build_filename (labels, name, NULL);
      g_autofree char *prob_path = g_build_filename (probs, name, NULL);
      g_autoptr(ClsVolume) label = new_label (grid, c);
      g_autoptr(ClsVolume) prob = new_prob (grid, 1, c);

      save (label, label_path);
      save (prob, prob_path);
    }
}

/* DIR/manifest.csv: the good cases, then "bad-prob" whose map is @prob and
 * "bad-label" whose label is @label (either may be NULL). */
static char *
write_manifest (const char *dir,
                const char *prob,
                const char *label)
{
  g_autofree char *path = g_build_filename (dir, "manifest.csv", NULL);
  g_autoptr(GString) csv = g_string_new ("case,label,model,prob\n");

  for (guint c = 1; c <= 3; c++)
    g_string_append_printf (csv, "c%u,good/labels/c%u.nii.gz,m,good/probs/m/c%u.nii.gz\n", c, c, c);
  if (prob != NULL)
    {
      g_autofree char *q = csv_field (prob);
      g_string_append_printf (csv, "bad-prob,good/labels/c1.nii.gz,m,%s\n", q);
    }
  if (label != NULL)
    {
      g_autofree char *q = csv_field (label);
      g_string_append_printf (csv, "bad-label,%s,m,good/probs/m/c1.nii.gz\n", q);
    }
  put (path, csv->str, csv->len);
  corpus_add ("manifest", path);
  return g_steal_pointer (&path);
}

static const ClsCaseFailure *
find_failure (const ClsCaseSet *set,
              const char       *case_id)
{
  for (guint i = 0; i < set->failures->len; i++)
    {
      const ClsCaseFailure *f = set->failures->pdata[i];
      if (strcmp (f->case_id, case_id) == 0)
        return f;
    }
  return NULL;
}

/* Loads model "m" of @dataset; the good cases load, and each bad case
 * fails with a message naming @file and holding @what. */
static void
assert_load_reports (const char           *dataset,
                     const ClsLoadOptions *options,
                     const char * const   *bad_cases,
                     const char           *file,
                     const char           *what)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ClsDataset) ds = cls_dataset_open (dataset, &error);
  g_autoptr(ClsCaseSet) set = NULL;
  ClsLoadOptions strict;
  guint n_bad = g_strv_length ((char **) bad_cases);

  g_assert_no_error (error);
  set = cls_dataset_load_model (ds, "m", options, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (set->summaries->len, ==, 3);
  g_assert_cmpuint (set->failures->len, ==, n_bad);
  for (guint i = 0; i < n_bad; i++)
    {
      const ClsCaseFailure *f = find_failure (set, bad_cases[i]);

      g_assert_nonnull (f);
      assert_names (f->message, file, what, bad_cases[i]);
    }

  /* strict: the first failure stops the load, and says the same */
  strict = *options;
  strict.strict = TRUE;
  g_clear_pointer (&set, cls_case_set_free);
  set = cls_dataset_load_model (ds, "m", &strict, NULL, NULL, NULL, &error);
  g_assert_null (set);
  g_assert_error (error, CLS_ERROR, CLS_ERROR_DATASET);
  assert_names (error->message, file, what, "strict load");
}

/* Volume entries
 * -------------- */

static void
test_volume_case (gconstpointer data)
{
  const VolumeCase *vc = data;
  g_autofree char *dir = g_build_filename (tmpdir, "volume", vc->name, NULL);
  g_autofree char *path = g_build_filename (dir, vc->file, NULL);
  g_autofree char *named = g_build_filename (dir, vc->named != NULL ? vc->named : vc->file, NULL);
  g_autofree char *out = g_build_filename (dir, "mask.nii.gz", NULL);
  g_autofree char *good = g_build_filename (tmpdir, "good", NULL);
  g_autofree char *link = g_build_filename (dir, "good", NULL);
  g_autofree char *budget = g_strdup_printf ("%" G_GUINT64_FORMAT, vc->max_bytes);
  const char * const env[] = { "CLS_MAX_VOLUME_BYTES", budget, NULL };
  RunOptions ro = { .env = vc->max_bytes > 0 ? env : NULL };
  ClsVolumeReadOptions options = { .max_bytes = vc->max_bytes };
  g_autoptr(GError) error = NULL;
  g_autoptr(ClsVolume) vol = NULL;
  guint entries;
  ClsTestRun r;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  vc->make (path);
  corpus_add ("volume", path);

  /* A known bug may crash a sanitized build: try it in a child first. */
  if (vc->bug != NULL)
    {
      gboolean fixed;

      r = run_cls (&ro, "info", path);
      fixed = r.status == 1 && strstr (r.err, named) != NULL && strstr (r.err, vc->what) != NULL &&
              strstr (r.err, "runtime error") == NULL && strstr (r.err, "Sanitizer") == NULL;
      if (!fixed)
        {
          g_test_message ("cls info: exit status %d: %s", r.status, r.err);
          g_test_incomplete (vc->bug);
          cls_test_run_clear (&r);
          return;
        }
      cls_test_run_clear (&r);
    }

  /* the library */
  vol = cls_volume_read (path, &options, &error);
  g_assert_null (vol);
  g_assert_nonnull (error);
  if (!g_error_matches (error, CLS_ERROR, (gint) vc->code))
    g_error ("%s: error code %d, expected %d: %s", vc->name, error->code, vc->code, error->message);
  g_assert_true (g_str_has_prefix (error->message, named));
  assert_names (error->message, named, vc->what, "cls_volume_read");
  g_clear_error (&error);

  /* reading only the header is either fine or the same error */
  {
    ClsVolumeReadOptions header_only = { .header_only = TRUE, .max_bytes = vc->max_bytes };
    g_autoptr(ClsVolume) h = cls_volume_read (path, &header_only, &error);

    if (h == NULL)
      g_assert_true (g_error_matches (error, CLS_ERROR, (gint) vc->code));
    g_clear_error (&error);
  }

  /* cls info */
  r = run_cls (&ro, "info", path);
  assert_cli_refuses (&r, named, vc->what, "cls info");
  cls_test_run_clear (&r);

  /* cls apply: refused, and nothing written */
  entries = count_entries (dir);
  r = run_cls (&ro, "apply", path, "--t-hat", "0.5", "-q", "-o", out);
  assert_cli_refuses (&r, named, vc->what, "cls apply");
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (count_entries (dir), ==, entries);
  cls_test_run_clear (&r);

  /* a dataset: as the map of one case and the label of another */
  if (g_utf8_validate (path, -1, NULL))
    {
      g_autofree char *manifest = NULL;
      const char * const bad[] = { "bad-prob", "bad-label", NULL };
      ClsLoadOptions load;

      g_assert_cmpint (symlink (good, link), ==, 0);
      manifest = write_manifest (dir, vc->file, vc->file);
      cls_load_options_init (&load);
      load.max_bytes = vc->max_bytes;
      assert_load_reports (manifest, &load, bad, named, vc->what);

      r = run_cls (&ro, "calibrate", manifest, "--strict", "-q");
      assert_cli_refuses (&r, named, vc->what, "cls calibrate --strict");
      cls_test_run_clear (&r);

      /* without --strict the others go on, and the user is told */
      r = run_cls (&ro, "calibrate", manifest, "-q", "--json");
      assert_cli_ok (&r, "cls");
      assert_names (r.err, named, vc->what, "cls calibrate");
      g_assert_null (strstr (r.out, "bad-"));
      cls_test_run_clear (&r);
    }
}

/* Content that is valid NIfTI but not a probability map or a label
 * ----------------------------------------------------------------- */

typedef void (*MakePairFunc) (const char *prob, const char *label);

typedef struct {
  const char   *name;
  MakePairFunc  make;
  ClsError      code;
  const char   *what;
  gboolean      names_label;  /* the message names the label, not the map */
  const char   *fix;          /* the option that makes it load, or NULL */
} ContentCase;

static void
write_pair (const ClsVolume *prob,
            const ClsVolume *label,
            const char      *prob_path,
            const char      *label_path)
{
  save (prob, prob_path);
  save (label, label_path);
}

static void
make_prob_values (const char *prob_path,
                  const char *label_path,
                  float       a,
                  float       b)
{
  g_autoptr(ClsVolume) prob = new_prob (grid, 1, 4);
  g_autoptr(ClsVolume) label = new_label (grid, 4);
  float *p = cls_volume_get_data (prob);

  p[5] = a;
  p[NV - 1] = b;
  write_pair (prob, label, prob_path, label_path);
}

static void make_nan (const char *p, const char *l)        { make_prob_values (p, l, NAN, 0.5f); }
static void make_inf (const char *p, const char *l)        { make_prob_values (p, l, INFINITY, -INFINITY); }
static void make_above_one (const char *p, const char *l)  { make_prob_values (p, l, nextafterf (1.0f, 2.0f), 0.5f); }
static void make_below_zero (const char *p, const char *l) { make_prob_values (p, l, 0.5f, -1e-7f); }

/* Values in [0, 1] on disk, scaled by scl_slope = 2 into [0, 2]. */
static void
make_scaled_above_one (const char *prob_path,
                       const char *label_path)
{
  g_autoptr(ClsVolume) prob = new_prob (grid, 1, 4);
  g_autoptr(ClsVolume) label = new_label (grid, 4);
  gsize len;
  g_autofree guint8 *b = nifti_bytes (prob, &len);

  set_f32 (b, N1 (scl_slope), 2.0f);
  set_f32 (b, N1 (scl_inter), 0.0f);
  put_gz (prob_path, b, len);
  save (label, label_path);
}

/* A model that saved its scores as 0..255. */
static void
make_bytes_not_probs (const char *prob_path,
                      const char *label_path)
{
  g_autoptr(ClsVolume) prob = new_volume (CLS_DATATYPE_UINT8, grid, 1);
  g_autoptr(ClsVolume) label = new_label (grid, 4);
  guint8 *p = cls_volume_get_data (prob);

  for (int i = 0; i < NV; i++)
    p[i] = (guint8) (i * 37 % 256);
  write_pair (prob, label, prob_path, label_path);
}

static void
make_logits (const char *prob_path,
             const char *label_path)
{
  g_autoptr(ClsVolume) prob = new_prob (grid, 1, 4);
  g_autoptr(ClsVolume) label = new_label (grid, 4);
  float *p = cls_volume_get_data (prob);

  for (int i = 0; i < NV; i++)
    p[i] = (float) (i % 13) - 6.0f;
  write_pair (prob, label, prob_path, label_path);
}

static void
make_label_values (const char *prob_path,
                   const char *label_path,
                   ClsDatatype type,
                   double      value)
{
  g_autoptr(ClsVolume) prob = new_prob (grid, 1, 4);
  g_autoptr(ClsVolume) mask = new_label (grid, 4);
  g_autoptr(ClsVolume) label = new_volume (type, grid, 1);
  const guint8 *m = cls_volume_get_data (mask);

  for (int i = 0; i < NV; i++)
    {
      double v = m[i] ? value : 0.0;

      if (type == CLS_DATATYPE_FLOAT32)
        ((float *) cls_volume_get_data (label))[i] = i == 7 ? NAN : (float) v;
      else
        ((guint8 *) cls_volume_get_data (label))[i] = (guint8) v;
    }
  write_pair (prob, label, prob_path, label_path);
}

static void make_label_two (const char *p, const char *l)      { make_label_values (p, l, CLS_DATATYPE_UINT8, 2); }
static void make_label_half (const char *p, const char *l)     { make_label_values (p, l, CLS_DATATYPE_FLOAT32, 0.5); }

static void
make_grid_dims (const char *prob_path,
                const char *label_path)
{
  const gint64 other[3] = { NX, NY, NZ + 1 };
  g_autoptr(ClsVolume) prob = new_prob (grid, 1, 4);
  g_autoptr(ClsVolume) label = new_label (other, 4);

  write_pair (prob, label, prob_path, label_path);
}

/* Same size, but the label lies 5 mm further along z. */
static void
make_grid_affine (const char *prob_path,
                  const char *label_path)
{
  g_autoptr(ClsVolume) prob = new_prob (grid, 1, 4);
  g_autoptr(ClsVolume) mask = new_label (grid, 4);
  double affine[4][4];
  g_autoptr(ClsVolume) label = NULL;

  cls_volume_get_affine (mask, affine);
  affine[2][3] += 5.0;
  label = cls_volume_new (grid, 1, CLS_DATATYPE_UINT8, affine);
  memcpy (cls_volume_get_data (label), cls_volume_get_data (mask), NV);
  write_pair (prob, label, prob_path, label_path);
}

static void
make_map_4d (const char *prob_path,
             const char *label_path)
{
  g_autoptr(ClsVolume) prob = new_prob (grid, 2, 4);
  g_autoptr(ClsVolume) label = new_label (grid, 4);

  write_pair (prob, label, prob_path, label_path);
}

static void
make_label_4d (const char *prob_path,
               const char *label_path)
{
  g_autoptr(ClsVolume) prob = new_prob (grid, 1, 4);
  g_autoptr(ClsVolume) label = new_volume (CLS_DATATYPE_UINT8, grid, 2);

  write_pair (prob, label, prob_path, label_path);
}

static const ContentCase content_cases[] = {
  { "prob-nan", make_nan, CLS_ERROR_BAD_PROBABILITY, "NaN" },
  { "prob-inf", make_inf, CLS_ERROR_BAD_PROBABILITY, "infinite" },
  { "prob-above-1", make_above_one, CLS_ERROR_BAD_PROBABILITY, "above 1" },
  { "prob-below-0", make_below_zero, CLS_ERROR_BAD_PROBABILITY, "below 0" },
  { "prob-scaled-above-1", make_scaled_above_one, CLS_ERROR_BAD_PROBABILITY, "above 1" },
  { "prob-0-to-255", make_bytes_not_probs, CLS_ERROR_BAD_PROBABILITY, "above 1" },
  { "prob-logits", make_logits, CLS_ERROR_BAD_PROBABILITY, "--logits", FALSE, "--logits" },
  { "label-0-2", make_label_two, CLS_ERROR_BAD_LABEL, "--label-value", TRUE, "--label-value=2" },
  { "label-fractional-nan", make_label_half, CLS_ERROR_BAD_LABEL, "0.5", TRUE },
  { "grid-size", make_grid_dims, CLS_ERROR_GRID_MISMATCH, "grid", TRUE },
  { "grid-affine", make_grid_affine, CLS_ERROR_GRID_MISMATCH, "voxel-to-world", TRUE },
  { "map-4d-no-channel", make_map_4d, CLS_ERROR_INVALID_ARGUMENT, "--channel", FALSE, "--channel=0" },
  { "label-4d", make_label_4d, CLS_ERROR_BAD_LABEL, "single 3D volume", TRUE },
};

static void
test_content_case (gconstpointer data)
{
  const ContentCase *cc = data;
  g_autofree char *dir = g_build_filename (tmpdir, "content", cc->name, NULL);
  g_autofree char *prob = g_build_filename (dir, "prob.nii.gz", NULL);
  g_autofree char *label = g_build_filename (dir, "label.nii.gz", NULL);
  g_autofree char *out = g_build_filename (dir, "mask.nii.gz", NULL);
  g_autofree char *good = g_build_filename (tmpdir, "good", NULL);
  g_autofree char *link = g_build_filename (dir, "good", NULL);
  g_autofree char *manifest = NULL;
  const char *named = cc->names_label ? label : prob;
  g_autoptr(GError) error = NULL;
  ClsLoadOptions load;
  ClsTestRun r;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  cc->make (prob, label);
  corpus_add ("volume", prob);
  corpus_add ("volume", label);

  /* the library, with the error code */
  {
    g_autoptr(ClsVolume) p = cls_volume_read (prob, NULL, &error);
    g_autoptr(ClsVolume) l = cls_volume_read (label, NULL, &error);
    g_autoptr(ClsCaseSummary) s = NULL;
    ClsSummaryOptions options;

    g_assert_no_error (error);
    cls_summary_options_init (&options);
    s = cls_case_summary_new_from_volumes ("bad", "m", p, l, &options, &error);
    g_assert_null (s);
    g_assert_error (error, CLS_ERROR, (gint) cc->code);
    assert_names (error->message, named, cc->what, "summary");
    g_clear_error (&error);
  }

  /* a dataset where one case has this map and label */
  g_assert_cmpint (symlink (good, link), ==, 0);
  {
    g_autofree char *csv_path = g_build_filename (dir, "manifest.csv", NULL);
    g_autofree char *csv = g_strdup_printf ("case,label,model,prob\n"
                                            "c1,good/labels/c1.nii.gz,m,good/probs/m/c1.nii.gz\n"
                                            "c2,good/labels/c2.nii.gz,m,good/probs/m/c2.nii.gz\n"
                                            "bad,label.nii.gz,m,prob.nii.gz\n"
                                            "c3,good/labels/c3.nii.gz,m,good/probs/m/c3.nii.gz\n");
    const char * const bad[] = { "bad", NULL };

    put (csv_path, csv, strlen (csv));
    manifest = g_steal_pointer (&csv_path);
    cls_load_options_init (&load);
    assert_load_reports (manifest, &load, bad, named, cc->what);
  }

  r = run_cls (NULL, "calibrate", manifest, "--strict", "-q");
  assert_cli_refuses (&r, named, cc->what, "cls calibrate --strict");
  cls_test_run_clear (&r);

  /* the option the message suggests does make it load */
  if (cc->fix != NULL)
    {
      r = run_cls (NULL, "calibrate", manifest, "--strict", "-q", "--json", cc->fix);
      assert_cli_ok (&r, cc->fix);
      cls_test_run_clear (&r);
    }

  /* cls apply sees what is wrong with a map */
  if (!cc->names_label)
    {
      r = run_cls (NULL, "apply", prob, "--t-hat", "0.5", "-o", out);
      assert_cli_refuses (&r, prob, NULL, "cls apply");
      g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
      cls_test_run_clear (&r);

      if (cc->fix != NULL)
        {
          r = run_cls (NULL, "apply", prob, "--t-hat", "0.5", "-q", "-o", out, cc->fix);
          assert_cli_ok (&r, "cls");
          g_assert_true (g_file_test (out, G_FILE_TEST_IS_REGULAR));
          cls_test_run_clear (&r);
        }
    }
}

/* A channel that a 4D map does not have. */
static void
test_channel_out_of_range (void)
{
  g_autofree char *dir = g_build_filename (tmpdir, "content", "channel-out-of-range", NULL);
  g_autofree char *prob = g_build_filename (dir, "prob.nii.gz", NULL);
  g_autofree char *label = g_build_filename (dir, "label.nii.gz", NULL);
  g_autofree char *out = g_build_filename (dir, "mask.nii.gz", NULL);
  g_autofree char *manifest = g_build_filename (dir, "manifest.csv", NULL);
  g_autoptr(ClsVolume) p = NULL;
  g_autoptr(ClsVolume) l = NULL;
  g_autoptr(ClsCaseSummary) s = NULL;
  g_autoptr(GError) error = NULL;
  ClsSummaryOptions options;
  ClsTestRun r;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  make_map_4d (prob, label);
  put (manifest, "case,label,model,prob\nc,label.nii.gz,m,prob.nii.gz\n", 51);

  p = cls_volume_read (prob, NULL, &error);
  l = cls_volume_read (label, NULL, &error);
  g_assert_no_error (error);
  cls_summary_options_init (&options);
  options.channel = 2;
  s = cls_case_summary_new_from_volumes ("c", "m", p, l, &options, &error);
  g_assert_null (s);
  g_assert_error (error, CLS_ERROR, CLS_ERROR_INVALID_ARGUMENT);
  assert_names (error->message, prob, "channel 2", "summary");

  r = run_cls (NULL, "calibrate", manifest, "-q", "--channel", "2");
  assert_cli_refuses (&r, prob, "channel 2", "cls calibrate");
  cls_test_run_clear (&r);

  r = run_cls (NULL, "apply", prob, "--t-hat", "0.5", "-o", out, "--channel", "2");
  assert_cli_refuses (&r, prob, "channel 2", "cls apply");
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
  cls_test_run_clear (&r);
}

/* Datasets
 * -------- */

static char *
entry_dir (const char *name)
{
  char *dir = g_build_filename (tmpdir, "dataset", name, NULL);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  return dir;
}

/* A copy of the good cases in the folder layout, at DIR/ds. */
static char *
copy_good_folder (const char *dir)
{
  g_autofree char *good = g_build_filename (tmpdir, "good", NULL);
  char *ds = g_build_filename (dir, "ds", NULL);
  g_autofree char *cmd = g_strdup_printf ("cp -r '%s' '%s'", good, ds);

  g_assert_cmpint (system (cmd), ==, 0);
  return ds;
}

static void
test_label_is_folder (void)
{
  g_autofree char *dir = entry_dir ("label-is-folder");
  g_autofree char *ds = copy_good_folder (dir);
  g_autofree char *label = g_build_filename (ds, "labels", "c4.nii.gz", NULL);
  g_autofree char *prob = g_build_filename (ds, "probs", "m", "c4.nii.gz", NULL);
  g_autofree char *c1 = g_build_filename (ds, "probs", "m", "c1.nii.gz", NULL);
  const char * const bad[] = { "c4", NULL };
  g_autofree char *cmd = g_strdup_printf ("cp '%s' '%s'", c1, prob);
  ClsLoadOptions load;
  ClsTestRun r;

  g_assert_cmpint (g_mkdir (label, 0755), ==, 0);
  g_assert_cmpint (system (cmd), ==, 0);

  cls_load_options_init (&load);
  assert_load_reports (ds, &load, bad, label, "folder");

  r = run_cls (NULL, "calibrate", ds, "--strict", "-q");
  assert_cli_refuses (&r, label, "folder", "cls calibrate");
  cls_test_run_clear (&r);
}

/* Maps without labels are reported by name; the others calibrate. */
static void
test_missing_labels (void)
{
  g_autofree char *dir = entry_dir ("missing-labels");
  g_autofree char *ds = copy_good_folder (dir);
  g_autofree char *orphan = g_build_filename (ds, "probs", "m", "c9.nii.gz", NULL);
  g_autofree char *c1 = g_build_filename (ds, "probs", "m", "c1.nii.gz", NULL);
  g_autofree char *cmd = g_strdup_printf ("cp '%s' '%s'", c1, orphan);
  g_autoptr(GError) error = NULL;
  g_autoptr(ClsDataset) dataset = NULL;
  g_autoptr(ClsCaseSet) set = NULL;
  GPtrArray *warnings;
  gboolean warned = FALSE;
  ClsTestRun r;

  g_assert_cmpint (system (cmd), ==, 0);

  dataset = cls_dataset_open (ds, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cls_dataset_get_n_cases (dataset), ==, 3);
  warnings = cls_dataset_get_warnings (dataset);
  for (guint i = 0; i < warnings->len; i++)
    warned |= strstr (warnings->pdata[i], orphan) != NULL;
  g_assert_true (warned);

  set = cls_dataset_load_model (dataset, "m", NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (set->summaries->len, ==, 3);

  r = run_cls (NULL, "calibrate", ds, "-q", "--json");
  assert_cli_ok (&r, "cls");
  assert_names (r.err, orphan, "without a label", "cls calibrate");
  cls_test_run_clear (&r);
}

/* A label whose map is missing: that case fails, by name. */
static void
test_missing_map (void)
{
  g_autofree char *dir = entry_dir ("missing-map");
  g_autofree char *ds = copy_good_folder (dir);
  g_autofree char *label = g_build_filename (ds, "labels", "c4.nii.gz", NULL);
  g_autoptr(ClsVolume) v = new_label (grid, 4);
  const char * const bad[] = { "c4", NULL };
  ClsLoadOptions load;
  ClsTestRun r;

  save (v, label);
  cls_load_options_init (&load);
  assert_load_reports (ds, &load, bad, "c4", "no probability map");

  r = run_cls (NULL, "calibrate", ds, "--strict", "-q");
  assert_cli_refuses (&r, "c4", "no probability map", "cls calibrate");
  cls_test_run_clear (&r);
}

/* case.nii and case.nii.gz side by side: which one is meant? */
static void
test_two_labels_one_case (void)
{
  g_autofree char *dir = entry_dir ("two-labels");
  g_autofree char *ds = copy_good_folder (dir);
  g_autofree char *gz = g_build_filename (ds, "labels", "c2.nii.gz", NULL);
  g_autofree char *raw = g_build_filename (ds, "labels", "c2.nii", NULL);
  g_autoptr(ClsVolume) v = new_label (grid, 7);
  g_autoptr(GError) error = NULL;
  g_autoptr(ClsDataset) dataset = NULL;
  g_autoptr(ClsCaseSet) set = NULL;
  const ClsCaseFailure *f;
  ClsTestRun r;

  save (v, raw);
  dataset = cls_dataset_open (ds, &error);
  g_assert_no_error (error);
  set = cls_dataset_load_model (dataset, "m", NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (set->summaries->len, ==, 2);
  f = find_failure (set, "c2");
  g_assert_nonnull (f);
  assert_names (f->message, raw, "two label files", "load");
  assert_names (f->message, gz, NULL, "load");

  r = run_cls (NULL, "calibrate", ds, "--strict", "-q");
  assert_cli_refuses (&r, raw, "two label files", "cls calibrate");
  cls_test_run_clear (&r);
}

/* Writes DIR/NAME.csv with @text (length @len, -1: a string) and links
 * DIR/good to the good cases. */
static char *
manifest_file (const char *dir,
               const char *name,
               const char *text,
               gssize      len)
{
  g_autofree char *good = g_build_filename (tmpdir, "good", NULL);
  g_autofree char *link = g_build_filename (dir, "good", NULL);
  char *path = g_build_filename (dir, name, NULL);

  if (!g_file_test (link, G_FILE_TEST_EXISTS))
    g_assert_cmpint (symlink (good, link), ==, 0);
  put (path, text, len < 0 ? strlen (text) : (gsize) len);
  corpus_add ("manifest", path);
  return path;
}

#define GOOD_ROWS \
  "c1,good/labels/c1.nii.gz,m,good/probs/m/c1.nii.gz\n" \
  "c2,good/labels/c2.nii.gz,m,good/probs/m/c2.nii.gz\n" \
  "c3,good/labels/c3.nii.gz,m,good/probs/m/c3.nii.gz\n"

/* Manifests that are refused whole, with the line that is wrong. */
typedef struct {
  const char *name;
  const char *text;
  gssize      len;
  const char *what;
} BadManifest;

#define TEXT(s) s, sizeof (s) - 1

static const BadManifest bad_manifests[] = {
  { "empty", TEXT (""), "empty" },
  { "header-only", TEXT ("case,label,model,prob\n"), "no cases" },
  { "no-prob-column", TEXT ("case,label,model\nc1,l.nii,m\n"), "prob" },
  { "unquoted-comma", TEXT ("case,label,model,prob\n" GOOD_ROWS "c4,good/labels/a,b.nii.gz,m,p.nii\n"), "line 5" },
  { "unclosed-quote", TEXT ("case,label,model,prob\n" GOOD_ROWS "c4,\"good/labels/c1.nii.gz,m,p.nii\n"), "never closed" },
  { "latin1", TEXT ("case,label,model,prob\n" GOOD_ROWS "c4,r\xe9sultat.nii,m,p.nii\n"), "line 5" },
  { "nul-byte", TEXT ("case,label,model,prob\nc1,good/labels/c1.nii.gz\0,m,p.nii\n"), "UTF-8" },
  { "case-with-slash", TEXT ("case,label,model,prob\n../../c1,l.nii,m,p.nii\n"), "“/”" },
  { "empty-field", TEXT ("case,label,model,prob\nc1,,m,p.nii\n"), "empty" },
  { "column-twice", TEXT ("case,label,model,prob,case\nc1,l,m,p,c2\n"), "twice" },
  { "utf16", TEXT ("\xff\xfe" "c\0a\0s\0e\0"), "UTF-8" },
};

static void
test_bad_manifest (gconstpointer data)
{
  const BadManifest *bm = data;
  g_autofree char *dir = entry_dir ("bad-manifest");
  g_autofree char *name = g_strconcat (bm->name, ".csv", NULL);
  g_autofree char *path = manifest_file (dir, name, bm->text, bm->len);
  g_autoptr(GError) error = NULL;
  g_autoptr(ClsDataset) ds = cls_dataset_open (path, &error);
  ClsTestRun r;

  g_assert_null (ds);
  g_assert_error (error, CLS_ERROR, CLS_ERROR_DATASET);
  assert_names (error->message, path, bm->what, bm->name);

  r = run_cls (NULL, "calibrate", path, "-q");
  assert_cli_refuses (&r, path, bm->what, "cls calibrate");
  cls_test_run_clear (&r);
}

/* The same case and model twice, or one case with two labels. */
static void
test_duplicate_cases (void)
{
  g_autofree char *dir = entry_dir ("duplicates");
  g_autofree char *twice = manifest_file (dir, "twice.csv",
                                          "case,label,model,prob\n" GOOD_ROWS
                                          "c1,good/labels/c1.nii.gz,m,good/probs/m/c2.nii.gz\n", -1);
  g_autofree char *labels = manifest_file (dir, "labels.csv",
                                           "case,label,model,prob\n" GOOD_ROWS
                                           "c2,good/labels/c3.nii.gz,m2,good/probs/m/c2.nii.gz\n", -1);
  g_autoptr(GError) error = NULL;
  ClsTestRun r;

  {
    g_autoptr(ClsDataset) ds = cls_dataset_open (twice, &error);
    g_autoptr(ClsCaseSet) set = NULL;
    const ClsCaseFailure *f;

    g_assert_no_error (error);
    set = cls_dataset_load_model (ds, "m", NULL, NULL, NULL, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (set->summaries->len, ==, 2);
    f = find_failure (set, "c1");
    g_assert_nonnull (f);
    assert_names (f->message, twice, "line 5", "listed twice");
  }
  r = run_cls (NULL, "calibrate", twice, "--strict", "-q");
  assert_cli_refuses (&r, twice, "listed twice", "cls calibrate");
  cls_test_run_clear (&r);

  {
    g_autoptr(ClsDataset) ds = cls_dataset_open (labels, &error);
    g_autoptr(ClsCaseSet) set = NULL;
    const ClsCaseFailure *f;

    g_assert_no_error (error);
    set = cls_dataset_load_model (ds, "m", NULL, NULL, NULL, NULL, &error);
    g_assert_no_error (error);
    f = find_failure (set, "c2");
    g_assert_nonnull (f);
    assert_names (f->message, labels, "two different labels", "two labels");
  }
  r = run_cls (NULL, "calibrate", labels, "--strict", "-q", "--model", "m");
  assert_cli_refuses (&r, labels, "two different labels", "cls calibrate");
  cls_test_run_clear (&r);
}

/* Paths that climb out of the manifest's folder: allowed (datasets live
 * side by side) but never read without the user being told. */
static void
test_escaping_paths (void)
{
  g_autofree char *dir = entry_dir ("escaping/a/b");
  g_autofree char *outside = g_build_filename (tmpdir, "dataset", "escaping", "outside.nii.gz", NULL);
  g_autofree char *text = NULL;
  g_autofree char *path = NULL;
  g_autoptr(ClsVolume) v = new_label (grid, 2);
  g_autoptr(GError) error = NULL;
  g_autoptr(ClsDataset) ds = NULL;
  g_autoptr(ClsCaseSet) set = NULL;
  const ClsCaseFailure *f;
  GPtrArray *warnings;
  ClsTestRun r;

  save (v, outside);
  text = g_strdup ("case,label,model,prob\n" GOOD_ROWS
                   "c4,../../outside.nii.gz,m,good/probs/m/c2.nii.gz\n"
                   "c5,../../../../../../../../../../etc/passwd,m,good/probs/m/c2.nii.gz\n");
  path = manifest_file (dir, "manifest.csv", text, -1);

  ds = cls_dataset_open (path, &error);
  g_assert_no_error (error);
  warnings = cls_dataset_get_warnings (ds);
  g_assert_cmpuint (warnings->len, ==, 2);
  assert_names (warnings->pdata[0], "../../outside.nii.gz", "outside", "warning");
  assert_names (warnings->pdata[1], "etc/passwd", "outside", "warning");

  /* the neighbour loads; /etc/passwd is looked at and refused as not NIfTI */
  set = cls_dataset_load_model (ds, "m", NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (set->summaries->len, ==, 4);
  f = find_failure (set, "c5");
  g_assert_nonnull (f);
  assert_names (f->message, "/etc/passwd", NULL, "c5");

  /* the command line shows both before anything else */
  r = run_cls (NULL, "calibrate", path, "-q");
  assert_cli_ok (&r, "cls");
  assert_names (r.err, "../../outside.nii.gz", "outside the manifest's folder", "cls calibrate");
  assert_names (r.err, "etc/passwd", "outside the manifest's folder", "cls calibrate");
  g_assert_true (strstr (r.err, "outside") < strstr (r.err, "case left out"));
  cls_test_run_clear (&r);
}

/* Quotes and commas in paths, and names that are not ASCII. */
static void
test_quoted_non_ascii_paths (void)
{
  g_autofree char *dir = entry_dir ("quoted-paths");
  g_autofree char *sub = g_build_filename (dir, "cas \"spécial\", 2", NULL);
  g_autofree char *label = g_build_filename (sub, "étiquette 病例.nii.gz", NULL);
  g_autofree char *prob = g_build_filename (sub, "probabilité, “m”.nii.gz", NULL);
  g_autoptr(ClsVolume) l = new_label (grid, 5);
  g_autoptr(ClsVolume) p = new_prob (grid, 1, 5);
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ClsDataset) ds = NULL;
  g_autoptr(ClsCaseSet) set = NULL;
  ClsTestRun r;

  g_assert_cmpint (g_mkdir_with_parents (sub, 0755), ==, 0);
  save (l, label);
  save (p, prob);
  path = manifest_file (dir, "manifest.csv",
                        "\xef\xbb\xbf" "case,label,model,prob\r\n" GOOD_ROWS
                        "\"c4 “é”\",\"cas \"\"spécial\"\", 2/étiquette 病例.nii.gz\",m,"
                        "\"cas \"\"spécial\"\", 2/probabilité, “m”.nii.gz\"\r\n", -1);

  ds = cls_dataset_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cls_dataset_get_label_path (ds, (guint) cls_dataset_find_case (ds, "c4 “é”")), ==, label);
  set = cls_dataset_load_model (ds, "m", NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (set->summaries->len, ==, 4);
  g_assert_cmpuint (set->failures->len, ==, 0);

  /* broken, the message names it exactly */
  {
    gsize len;
    g_autofree guint8 *b = nifti_bytes (p, &len);

    put_gz (prob, b, len / 2);
  }
  r = run_cls (NULL, "calibrate", path, "--strict", "-q");
  assert_cli_refuses (&r, prob, "truncated", "cls calibrate");
  cls_test_run_clear (&r);
}

/* A folder dataset with a file name that is not UTF-8: it loads, and the
 * JSON document stays valid. */
static void
test_latin1_case_name (void)
{
  g_autofree char *dir = entry_dir ("latin1-case");
  g_autofree char *ds = copy_good_folder (dir);
  g_autofree char *label = g_build_filename (ds, "labels", "r\xe9sultat.nii.gz", NULL);
  g_autofree char *prob = g_build_filename (ds, "probs", "m", "r\xe9sultat.nii.gz", NULL);
  g_autoptr(ClsVolume) l = new_label (grid, 6);
  g_autoptr(ClsVolume) p = new_prob (grid, 1, 6);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  ClsTestRun r;

  save (l, label);
  save (p, prob);
  r = run_cls (NULL, "calibrate", ds, "-q", "--json", "--alpha", "0.5");
  assert_cli_ok (&r, "cls");
  json_parser_load_from_data (parser, r.out, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (json_array_get_length (json_object_get_array_member (
                     json_node_get_object (json_parser_get_root (parser)), "cases")), ==, 4);
  cls_test_run_clear (&r);
}

/* Files that change between opening the dataset and loading it. */
static void
test_files_change_after_open (void)
{
  g_autofree char *dir = entry_dir ("changed");
  g_autofree char *ds_path = copy_good_folder (dir);
  g_autofree char *gone = g_build_filename (ds_path, "probs", "m", "c2.nii.gz", NULL);
  g_autofree char *garbled = g_build_filename (ds_path, "labels", "c3.nii.gz", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(ClsDataset) ds = cls_dataset_open (ds_path, &error);
  g_autoptr(ClsCaseSet) set = NULL;
  const ClsCaseFailure *f;

  g_assert_no_error (error);
  g_assert_cmpint (g_unlink (gone), ==, 0);
  put (garbled, "garbage", 7);

  set = cls_dataset_load_model (ds, "m", NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (set->summaries->len, ==, 1);
  f = find_failure (set, "c2");
  g_assert_nonnull (f);
  assert_names (f->message, gone, "cannot open", "removed");
  f = find_failure (set, "c3");
  g_assert_nonnull (f);
  assert_names (f->message, garbled, "not a NIfTI file", "garbled");
}

/* Dataset paths that are not a dataset: a FIFO, a device, a huge file. */
static void
test_dataset_not_a_file (void)
{
  g_autofree char *dir = entry_dir ("not-a-file");
  g_autofree char *fifo = g_build_filename (dir, "manifest.csv", NULL);
  g_autofree char *zero = g_build_filename (dir, "zero.csv", NULL);
  g_autofree char *huge = g_build_filename (dir, "huge.csv", NULL);
  g_autofree char *labels_file = g_build_filename (dir, "labels-file", NULL);
  g_autofree char *labels = g_build_filename (labels_file, "labels", NULL);
  g_autofree char *probs = g_build_filename (labels_file, "probs", "m", NULL);
  struct {
    const char *path;
    ClsError    code;
    const char *what;
  } cases[] = {
    { fifo, CLS_ERROR_IO, "regular" },
    { zero, CLS_ERROR_IO, "regular" },
    { huge, CLS_ERROR_TOO_LARGE, "too large" },
    { labels_file, CLS_ERROR_DATASET, "not a dataset" },
  };
  int fd;

  g_assert_cmpint (mkfifo (fifo, 0644), ==, 0);
  g_assert_cmpint (symlink ("/dev/zero", zero), ==, 0);
  /* 300 MB that take no room: a sparse file */
  fd = g_open (huge, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (ftruncate (fd, (off_t) 300 << 20), ==, 0);
  close (fd);
  /* labels/ is a file, not a folder */
  g_assert_cmpint (g_mkdir_with_parents (probs, 0755), ==, 0);
  put (labels, "x", 1);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(ClsDataset) ds = cls_dataset_open (cases[i].path, &error);
      ClsTestRun r;

      g_assert_null (ds);
      g_assert_error (error, CLS_ERROR, (gint) cases[i].code);
      assert_names (error->message, cases[i].path, cases[i].what, "cls_dataset_open");

      r = run_cls (NULL, "calibrate", cases[i].path, "-q");
      assert_cli_refuses (&r, cases[i].path, cases[i].what, "cls calibrate");
      cls_test_run_clear (&r);
    }
}

/* Calibration files given to `cls apply --calibration`
 * ---------------------------------------------------- */

typedef struct {
  const char *name;
  const char *text;   /* NULL: made by the test */
  const char *what;
} BadCalibration;

static const BadCalibration bad_calibrations[] = {
  { "empty", "", "not a calibration file" },
  { "not-json", "t_hat = 0.3\n", "not a calibration file" },
  { "array", "[0.5]", "not a JSON object" },
  { "truncated", "{\"probability_cut\": 0.5, \"model\": \"m", "not a calibration file" },
  { "no-cut", "{\"t_hat\": 0.5}", "probability_cut" },
  { "cut-text", "{\"probability_cut\": \"0.5\"}", "probability_cut" },
  { "cut-above-1", "{\"probability_cut\": 1.5}", "between 0 and 1" },
  { "cut-negative", "{\"probability_cut\": -0.25}", "between 0 and 1" },
  { "cut-huge", "{\"probability_cut\": 1e999}", NULL },
  { "t-hat-array", "{\"probability_cut\": 0.5, \"t_hat\": [0.5]}", "t_hat" },
  { "model-object", "{\"probability_cut\": 0.5, \"model\": {}}", "model" },
  { "feasible-text", "{\"probability_cut\": 0.5, \"feasible\": \"yes\"}", "feasible" },
  { "normalize-number", "{\"probability_cut\": 0.5, \"normalize\": 5}", "normalize" },
  { "normalize-unknown", "{\"probability_cut\": 0.5, \"normalize\": \"zscore\"}", "zscore" },
  { "latin1", "{\"probability_cut\": 0.5, \"model\": \"r\xe9sultat\"}", "not a calibration file" },
  /* two runs appended with >>: json-glib would take the first (and leak the second) */
  { "two-documents", "{\"probability_cut\": 0.5}\n{\"probability_cut\": 0.7}\n", "more than one" },
  { "fifo", NULL, "regular" },
  { "dev-zero", NULL, "regular" },
  { "folder", NULL, "folder" },
};

static void
test_bad_calibration (gconstpointer data)
{
  const BadCalibration *bc = data;
  g_autofree char *dir = g_build_filename (tmpdir, "calibration", bc->name, NULL);
  g_autofree char *path = g_build_filename (dir, "cal.json", NULL);
  g_autofree char *prob = g_build_filename (tmpdir, "good", "probs", "m", "c1.nii.gz", NULL);
  g_autofree char *out = g_build_filename (dir, "mask.nii.gz", NULL);
  ClsTestRun r;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  if (bc->text != NULL)
    {
      put (path, bc->text, strlen (bc->text));
      corpus_add ("calibration", path);
    }
  else if (strcmp (bc->name, "fifo") == 0)
    g_assert_cmpint (mkfifo (path, 0644), ==, 0);
  else if (strcmp (bc->name, "dev-zero") == 0)
    g_assert_cmpint (symlink ("/dev/zero", path), ==, 0);
  else
    g_assert_cmpint (g_mkdir (path, 0755), ==, 0);

  r = run_cls (NULL, "apply", prob, "--calibration", path, "-q", "-o", out);
  assert_cli_refuses (&r, path, bc->what, "cls apply --calibration");
  g_assert_null (strstr (r.err, "CRITICAL"));
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
  cls_test_run_clear (&r);
}

/* Outputs: nothing lost
 * --------------------- */

static void
setup_nobody (gpointer data)
{
  /* Root ignores permissions: run as nobody, so that a read-only folder
   * is read-only. */
  if (setgroups (0, NULL) != 0 || setgid (65534) != 0 || setuid (65534) != 0)
    _exit (125);
}

static void
setup_file_size_limit (gpointer data)
{
  struct rlimit limit = { 16384, 16384 };

  signal (SIGXFSZ, SIG_IGN);
  setrlimit (RLIMIT_FSIZE, &limit);
}

static void
setup_stdout_dev_full (gpointer data)
{
  int fd = open ("/dev/full", O_WRONLY);

  if (fd >= 0)
    dup2 (fd, STDOUT_FILENO);
}

/* cls apply into a folder it may not write. */
static void
test_output_read_only_folder (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *ro = NULL;
  g_autofree char *out = NULL;
  g_autofree char *prob = NULL;
  g_autoptr(ClsVolume) p = new_prob (grid, 1, 1);
  RunOptions as_nobody = { .setup = setup_nobody };
  gboolean root = geteuid () == 0;
  ClsTestRun r;

  /* a folder of its own that nobody can reach when we are root */
  dir = g_dir_make_tmp ("cls-hostile-ro-XXXXXX", NULL);
  g_assert_nonnull (dir);
  g_assert_cmpint (g_chmod (dir, 0755), ==, 0);
  ro = g_build_filename (dir, "read-only", NULL);
  out = g_build_filename (ro, "mask.nii.gz", NULL);
  prob = g_build_filename (dir, "prob.nii.gz", NULL);
  save (p, prob);
  g_assert_cmpint (g_mkdir (ro, 0555), ==, 0);

  r = run_cls (root ? &as_nobody : NULL, "apply", prob, "--t-hat", "0.5", "-q", "-o", out);
  if (r.status == -1 || r.status == 125)
    {
      g_test_skip ("cannot run cls as an unprivileged user, and root may write anywhere");
      cls_test_run_clear (&r);
      cls_test_rm_rf (dir);
      return;
    }
  assert_cli_refuses (&r, out, "Permission denied", "cls apply");
  g_assert_cmpuint (count_entries (ro), ==, 0);
  cls_test_run_clear (&r);

  cls_test_rm_rf (dir);
}

/* Outputs that are not files, or that are the input under another name. */
static void
test_output_refusals (void)
{
  g_autofree char *dir = entry_dir ("outputs");
  g_autofree char *prob = g_build_filename (dir, "prob.nii.gz", NULL);
  g_autofree char *sym = g_build_filename (dir, "link-to-prob.nii.gz", NULL);
  g_autofree char *hard = g_build_filename (dir, "hard-link-to-prob.nii.gz", NULL);
  g_autofree char *folder = g_build_filename (dir, "folder.nii.gz", NULL);
  g_autofree char *no_dir = g_build_filename (dir, "no", "such", "folder", "mask.nii.gz", NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(ClsVolume) p = new_prob (grid, 1, 1);
  gsize before_len, after_len;
  struct {
    const char *out;
    const char *what;
  } cases[] = {
    { "/dev/full", "not a regular file" },
    { folder, "folder" },
    { sym, "refusing" },
    { hard, "refusing" },
    { no_dir, "No such file" },
  };

  save (p, prob);
  g_assert_cmpint (symlink ("prob.nii.gz", sym), ==, 0);
  g_assert_cmpint (link (prob, hard), ==, 0);
  g_assert_cmpint (g_mkdir (folder, 0755), ==, 0);
  g_assert_true (g_file_get_contents (prob, &before, &before_len, NULL));

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      guint entries = count_entries (dir);
      ClsTestRun r = run_cls (NULL, "apply", prob, "--t-hat", "0.5", "-q", "-o", cases[i].out);

      assert_cli_refuses (&r, cases[i].out, cases[i].what, "cls apply -o");
      g_assert_cmpuint (count_entries (dir), ==, entries);
      cls_test_run_clear (&r);
    }

  /* the input is untouched, and still a plain file */
  g_assert_true (g_file_get_contents (prob, &after, &after_len, NULL));
  g_assert_cmpmem (before, before_len, after, after_len);
  g_assert_true (g_file_test ("/dev/full", G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test ("/dev/full", G_FILE_TEST_IS_REGULAR));
}

/* The disk fills while a mask is replaced: the old mask survives whole. */
static void
test_output_disk_full (void)
{
  g_autofree char *dir = entry_dir ("disk-full");
  g_autofree char *prob = g_build_filename (dir, "prob.nii", NULL);
  g_autofree char *out = g_build_filename (dir, "mask.nii", NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  const gint64 dims[3] = { 64, 64, 32 };
  g_autoptr(ClsVolume) p = new_prob (dims, 1, 3);
  RunOptions limited = { .setup = setup_file_size_limit };
  gsize before_len, after_len;
  ClsTestRun r;

  save (p, prob);
  r = run_cls (NULL, "apply", prob, "--t-hat", "0.1", "-q", "-o", out);
  assert_cli_ok (&r, "cls");
  cls_test_run_clear (&r);
  g_assert_true (g_file_get_contents (out, &before, &before_len, NULL));
  g_assert_cmpuint (before_len, >, 16384);

  r = run_cls (&limited, "apply", prob, "--t-hat", "0.9", "-q", "-o", out);
  assert_cli_refuses (&r, out, "could not write", "cls apply, disk full");
  cls_test_run_clear (&r);

  g_assert_true (g_file_get_contents (out, &after, &after_len, NULL));
  g_assert_cmpmem (before, before_len, after, after_len);
  g_assert_cmpuint (count_entries (dir), ==, 2);
}

/* A map whose affine is valid but does not fit NIfTI-1's float32 fields
 * (no sform or qform, a voxel size of 3e38 mm): the mask written from it
 * must read back, or the command must say why it cannot write it. */
static void
test_output_mask_reads_back (void)
{
  g_autofree char *dir = entry_dir ("mask-reads-back");
  g_autofree char *prob = g_build_filename (dir, "prob.nii", NULL);
  g_autofree char *out = g_build_filename (dir, "mask.nii", NULL);
  g_autoptr(ClsVolume) p = new_prob (grid, 1, 2);
  g_autoptr(ClsVolume) back = NULL;
  g_autoptr(GError) error = NULL;
  gsize len;
  g_autofree guint8 *b = nifti_bytes (p, &len);
  ClsTestRun r;

  set_i16 (b, N1 (sform_code), 0);
  set_i16 (b, N1 (qform_code), 0);
  set_f32 (b, N1 (pixdim) + 12, -3.2e38f);
  put (prob, b, len);
  corpus_add ("volume", prob);

  r = run_cls (NULL, "apply", prob, "--t-hat", "0.5", "-q", "-o", out);
  if (r.status != 0)
    {
      assert_cli_refuses (&r, out, NULL, "cls apply");
      cls_test_run_clear (&r);
      return;
    }
  cls_test_run_clear (&r);

  /* an affine beyond the float32 range goes to NIfTI-2, and reads back */
  back = cls_volume_read (out, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cls_volume_get_nifti_version (back), ==, 2);
  {
    g_autoptr(ClsVolume) orig = cls_volume_read (prob, NULL, &error);

    g_assert_no_error (error);
    g_assert_true (cls_volume_same_grid (back, orig, 1e-3));
  }
}

/* cls demo where it cannot write. */
static void
test_demo_cannot_write (void)
{
  g_autofree char *dir = entry_dir ("demo");
  g_autofree char *file = g_build_filename (dir, "a-file", NULL);
  ClsTestRun r;

  put (file, "x", 1);
  r = run_cls (NULL, "demo", "-q", "-n", "2", file);
  assert_cli_refuses (&r, file, NULL, "cls demo over a file");
  cls_test_run_clear (&r);

  r = run_cls (NULL, "demo", "-q", "-n", "2", "/dev/full");
  assert_cli_refuses (&r, "/dev/full", NULL, "cls demo /dev/full");
  cls_test_run_clear (&r);
}

/* Standard output that cannot be written (a full disk behind a redirect):
 * the result is lost, so the exit status must say so. */
static void
test_stdout_full (void)
{
  g_autofree char *good = g_build_filename (tmpdir, "good", NULL);
  g_autofree char *label = g_build_filename (good, "labels", "c1.nii.gz", NULL);
  RunOptions full = { .setup = setup_stdout_dev_full };
  struct {
    const char *args[6];
  } commands[] = {
    { { "calibrate", good, "-q", "--json", NULL } },
    { { "calibrate", good, "-q", NULL } },
    { { "evaluate", good, "-q", "--splits", "3", NULL } },
    { { "info", label, NULL } },
  };

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      ClsTestRun r = run_cls_argv (&full, commands[i].args);

      assert_cli_refuses (&r, "standard output", NULL, commands[i].args[0]);
      cls_test_run_clear (&r);
    }
}

/* Controls
 * -------- */

/* Valid but unusual files read correctly: several gzip members, zero
 * padding after the stream, every datatype, NIfTI-2, 4D. They are the
 * fuzzers' best seeds. */
static void
test_valid_controls (void)
{
  g_autofree char *dir = entry_dir ("controls");
  const ClsDatatype types[] = {
    CLS_DATATYPE_UINT8, CLS_DATATYPE_INT8, CLS_DATATYPE_INT16, CLS_DATATYPE_UINT16,
    CLS_DATATYPE_INT32, CLS_DATATYPE_UINT32, CLS_DATATYPE_FLOAT32, CLS_DATATYPE_FLOAT64,
    CLS_DATATYPE_INT64, CLS_DATATYPE_UINT64,
  };
  g_autoptr(ClsVolume) ref = new_prob (grid, 1, 8);
  gsize len;
  g_autofree guint8 *b = nifti_bytes (ref, &len);
  double want[NV], got[NV];

  cls_volume_read_doubles (ref, 0, 0, NV, want);

  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    for (int gz = 0; gz <= 1; gz++)
      {
        g_autofree char *name = g_strdup_printf ("type%d.nii%s", types[i], gz ? ".gz" : "");
        g_autofree char *path = g_build_filename (dir, name, NULL);
        g_autoptr(ClsVolume) v = new_volume (types[i], grid, 2);
        g_autoptr(ClsVolume) back = NULL;
        g_autoptr(GError) error = NULL;

        save (v, path);
        back = cls_volume_read (path, NULL, &error);
        g_assert_no_error (error);
        g_assert_cmpint (cls_volume_get_datatype (back), ==, types[i]);
        corpus_add ("volume", path);
      }

  /* nibabel saves labels as int64: they load, and mark the same lesion */
  {
    g_autofree char *path = g_build_filename (dir, "int64-label.nii.gz", NULL);
    g_autoptr(ClsVolume) v = NULL;
    g_autoptr(ClsVolume) l8 = new_label (grid, 0);
    g_autoptr(GError) error = NULL;
    double a[NV], b8[NV];

    make_int64_label (path);
    v = cls_volume_read (path, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpint (cls_volume_get_datatype (v), ==, CLS_DATATYPE_INT64);
    cls_volume_read_doubles (v, 0, 0, NV, a);
    cls_volume_read_doubles (l8, 0, 0, NV, b8);
    for (int i = 0; i < NV; i++)
      g_assert_cmpfloat (a[i], ==, b8[i]);
    corpus_add ("volume", path);
  }

  /* two gzip members, then zero padding */
  {
    g_autofree char *path = g_build_filename (dir, "members.nii.gz", NULL);
    gsize l1, l2;
    g_autofree guint8 *z1 = gzip_bytes (b, 1000, &l1);
    g_autofree guint8 *z2 = gzip_bytes (b + 1000, len - 1000, &l2);
    g_autofree guint8 *all = g_malloc0 (l1 + l2 + 16);
    g_autoptr(ClsVolume) v = NULL;
    g_autoptr(GError) error = NULL;

    memcpy (all, z1, l1);
    memcpy (all + l1, z2, l2);
    put (path, all, l1 + l2 + 16);
    v = cls_volume_read (path, NULL, &error);
    g_assert_no_error (error);
    cls_volume_read_doubles (v, 0, 0, NV, got);
    g_assert_cmpmem (want, sizeof want, got, sizeof got);
    corpus_add ("volume", path);
  }

  /* NIfTI-2 */
  {
    g_autofree char *path = g_build_filename (dir, "nifti2.nii.gz", NULL);
    gsize n2len;
    g_autofree guint8 *n2 = nifti2_bytes (&n2len);
    g_autoptr(ClsVolume) v = NULL;
    g_autoptr(GError) error = NULL;

    put_gz (path, n2, n2len);
    v = cls_volume_read (path, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpint (cls_volume_get_nifti_version (v), ==, 2);
    corpus_add ("volume", path);
  }

  /* the good cases, and a manifest and calibration that work */
  {
    g_autofree char *good = g_build_filename (tmpdir, "good", NULL);
    g_autofree char *manifest = manifest_file (dir, "manifest.csv",
                                               "case,label,model,prob\n" GOOD_ROWS, -1);
    g_autofree char *cal = g_build_filename (dir, "cal.json", NULL);
    ClsTestRun r;

    for (guint c = 1; c <= 3; c++)
      {
        g_autofree char *name = g_strdup_printf ("c%u.nii.gz", c);
        g_autofree char *l = g_build_filename (good, "labels", name, NULL);
        g_autofree char *p = g_build_filename (good, "probs", "m", name, NULL);

        corpus_add ("volume", l);
        corpus_add ("volume", p);
      }

    r = run_cls (NULL, "calibrate", manifest, "-q", "--json", "--alpha", "0.5");
    assert_cli_ok (&r, "cls calibrate");
    put (cal, r.out, strlen (r.out));
    corpus_add ("calibration", cal);
    cls_test_run_clear (&r);

#ifdef CLS_HAVE_SUMMARY_FILE
    /* summary files of the good cases: the seeds of fuzz-summary-file */
    for (guint c = 1; c <= 3; c++)
      {
        g_autofree char *id = g_strdup_printf ("c%u", c);
        g_autofree char *name = g_strconcat (id, ".nii.gz", NULL);
        g_autofree char *l = g_build_filename (good, "labels", name, NULL);
        g_autofree char *p = g_build_filename (good, "probs", "m", name, NULL);
        g_autofree char *out = g_strconcat (dir, "/", id, CLS_SUMMARY_FILE_SUFFIX, NULL);
        g_autoptr(ClsVolume) lv = cls_volume_read (l, NULL, NULL);
        g_autoptr(ClsVolume) pv = cls_volume_read (p, NULL, NULL);
        g_autoptr(ClsCaseSummary) s = NULL;
        g_autoptr(GError) error = NULL;
        ClsSummaryOptions options;

        g_assert_nonnull (lv);
        g_assert_nonnull (pv);
        cls_summary_options_init (&options);
        s = cls_case_summary_new_from_volumes (id, "m", pv, lv, &options, &error);
        g_assert_no_error (error);
        if (cls_summary_file_write (out, s, &options, p, l, &error))
          corpus_add ("summary-file", out);
        else
          g_test_message ("no summary file seed: %s", error->message);
      }
#endif
  }
}

int
main (int argc, char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  tmpdir = cls_test_make_tmpdir ();
  write_good_cases (tmpdir);

  for (guint i = 0; i < G_N_ELEMENTS (volume_cases); i++)
    {
      g_autofree char *name = g_strconcat ("/hostile/volume/", volume_cases[i].name, NULL);
      g_test_add_data_func (name, &volume_cases[i], test_volume_case);
    }
  for (guint i = 0; i < G_N_ELEMENTS (content_cases); i++)
    {
      g_autofree char *name = g_strconcat ("/hostile/content/", content_cases[i].name, NULL);
      g_test_add_data_func (name, &content_cases[i], test_content_case);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad_manifests); i++)
    {
      g_autofree char *name = g_strconcat ("/hostile/manifest/", bad_manifests[i].name, NULL);
      g_test_add_data_func (name, &bad_manifests[i], test_bad_manifest);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad_calibrations); i++)
    {
      g_autofree char *name = g_strconcat ("/hostile/calibration/", bad_calibrations[i].name, NULL);
      g_test_add_data_func (name, &bad_calibrations[i], test_bad_calibration);
    }
  g_test_add_func ("/hostile/content/channel-out-of-range", test_channel_out_of_range);
  g_test_add_func ("/hostile/dataset/label-is-folder", test_label_is_folder);
  g_test_add_func ("/hostile/dataset/missing-labels", test_missing_labels);
  g_test_add_func ("/hostile/dataset/missing-map", test_missing_map);
  g_test_add_func ("/hostile/dataset/two-labels-one-case", test_two_labels_one_case);
  g_test_add_func ("/hostile/dataset/duplicate-cases", test_duplicate_cases);
  g_test_add_func ("/hostile/dataset/escaping-paths", test_escaping_paths);
  g_test_add_func ("/hostile/dataset/quoted-non-ascii-paths", test_quoted_non_ascii_paths);
  g_test_add_func ("/hostile/dataset/latin1-case-name", test_latin1_case_name);
  g_test_add_func ("/hostile/dataset/files-change-after-open", test_files_change_after_open);
  g_test_add_func ("/hostile/dataset/not-a-file", test_dataset_not_a_file);
  g_test_add_func ("/hostile/output/read-only-folder", test_output_read_only_folder);
  g_test_add_func ("/hostile/output/refusals", test_output_refusals);
  g_test_add_func ("/hostile/output/disk-full", test_output_disk_full);
  g_test_add_func ("/hostile/output/mask-reads-back", test_output_mask_reads_back);
  g_test_add_func ("/hostile/output/demo-cannot-write", test_demo_cannot_write);
  g_test_add_func ("/hostile/output/stdout-full", test_stdout_full);
  g_test_add_func ("/hostile/controls", test_valid_controls);

  status = g_test_run ();

  cls_test_rm_rf (tmpdir);
  g_free (tmpdir);
  return status;
}
