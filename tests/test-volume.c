/* test-volume.c: NIfTI reading, validation, geometry and writing
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every file is generated here, in a temporary folder: hand-built headers
 * (nifticlib's header structs) for what our writer never produces, and round
 * trips through cls_volume_write() for the rest.
 */
#include "config.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <glib/gstdio.h>
#include <libdeflate.h>
#include <nifti2_io.h>

#include "cls-error.h"
#include "cls-test-util.h"
#include "cls-volume.h"

/* Helpers
 * ------- */

static void
set_affine (double       m[4][4],
            const double rows[12])
{
  memset (m, 0, sizeof (double) * 16);
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 4; j++)
      m[i][j] = rows[i * 4 + j];
  m[3][3] = 1.0;
}

static void
assert_affine_near (const double a[4][4],
                    const double b[4][4],
                    double       tol)
{
  for (int i = 0; i < 4; i++)
    for (int j = 0; j < 4; j++)
      if (!(fabs (a[i][j] - b[i][j]) <= tol))
        g_error ("affine[%d][%d]: %.9g != %.9g", i, j, a[i][j], b[i][j]);
}

static guint8 *
gzip_bytes (const void *data,
            gsize       len,
            gsize      *out_len)
{
  struct libdeflate_compressor *c = libdeflate_alloc_compressor (6);
  gsize bound = libdeflate_gzip_compress_bound (c, len);
  guint8 *out = g_malloc (bound);

  *out_len = libdeflate_gzip_compress (c, data, len, out, bound);
  g_assert_cmpuint (*out_len, >, 0);
  libdeflate_free_compressor (c);
  return out;
}

static void
write_bytes (const char *path,
             const void *data,
             gsize       len)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, data, (gssize) len, &error);
  g_assert_no_error (error);
}

static void
write_maybe_gz (const char *path,
                const void *data,
                gsize       len,
                gboolean    gz)
{
  if (gz)
    {
      gsize zlen;
      g_autofree guint8 *z = gzip_bytes (data, len, &zlen);
      write_bytes (path, z, zlen);
    }
  else
    write_bytes (path, data, len);
}

static void
n1_init (nifti_1_header *h,
         int             ndim,
         const int      *dims,
         int             datatype,
         int             bitpix)
{
  memset (h, 0, sizeof *h);
  h->sizeof_hdr = 348;
  for (int i = 0; i < 8; i++)
    {
      h->dim[i] = 1;
      h->pixdim[i] = 1.0f;
    }
  h->dim[0] = (short) ndim;
  for (int i = 0; i < ndim; i++)
    h->dim[i + 1] = (short) dims[i];
  h->datatype = (short) datatype;
  h->bitpix = (short) bitpix;
  h->vox_offset = 352;
  memcpy (h->magic, "n+1", 4);
}

/* Writes a single-file NIfTI-1: header, 4 extension bytes, @data. */
static void
write_n1 (const char           *path,
          const nifti_1_header *h,
          const void           *data,
          gsize                 len,
          gboolean              gz)
{
  g_autofree guint8 *buf = g_malloc0 (352 + len);

  G_STATIC_ASSERT (sizeof (nifti_1_header) == 348);
  memcpy (buf, h, 348);
  if (len > 0)
    memcpy (buf + 352, data, len);
  write_maybe_gz (path, buf, 352 + len, gz);
}

static void
n2_init (nifti_2_header *h,
         int             ndim,
         const gint64   *dims,
         int             datatype,
         int             bitpix)
{
  memset (h, 0, sizeof *h);
  h->sizeof_hdr = 540;
  memcpy (h->magic, "n+2\0\r\n\032\n", 8);
  for (int i = 0; i < 8; i++)
    {
      h->dim[i] = 1;
      h->pixdim[i] = 1.0;
    }
  h->dim[0] = ndim;
  for (int i = 0; i < ndim; i++)
    h->dim[i + 1] = dims[i];
  h->datatype = (short) datatype;
  h->bitpix = (short) bitpix;
  h->vox_offset = 544;
}

static void
write_n2 (const char           *path,
          const nifti_2_header *h,
          const void           *data,
          gsize                 len,
          gboolean              gz)
{
  g_autofree guint8 *buf = g_malloc0 (544 + len);

  G_STATIC_ASSERT (sizeof (nifti_2_header) == 540);
  memcpy (buf, h, 540);
  if (len > 0)
    memcpy (buf + 544, data, len);
  write_maybe_gz (path, buf, 544 + len, gz);
}

static ClsVolume *
read_ok (const char *path)
{
  g_autoptr(GError) error = NULL;
  ClsVolume *vol = cls_volume_read (path, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (vol);
  return vol;
}

static void
assert_read_fails_with (const char                 *path,
                        const ClsVolumeReadOptions *options,
                        int                         code,
                        const char                 *must_mention)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ClsVolume) vol = cls_volume_read (path, options, &error);

  g_assert_null (vol);
  g_assert_error (error, CLS_ERROR, code);
  if (!g_str_has_prefix (error->message, path))
    g_error ("message does not begin with the path: %s", error->message);
  if (must_mention != NULL && strstr (error->message, must_mention) == NULL)
    g_error ("message does not mention “%s”: %s", must_mention, error->message);
  g_test_message ("%s", error->message);
}

static void
assert_read_fails (const char *path,
                   int         code)
{
  assert_read_fails_with (path, NULL, code, NULL);
}

static void
orientation_of (const ClsVolume *vol,
                char             codes[4])
{
  cls_volume_get_orientation (vol, codes);
}

/* Round trips
 * ----------- */

typedef struct
{
  ClsDatatype  type;
  gboolean     gz;
} RoundTrip;

static double
test_value (ClsDatatype type,
            guint64     i)
{
  static const double f32[] = { 0.3, -1e30, NAN, INFINITY, -INFINITY, -0.0, 1e-40, 0.5, 1.0 };
  static const double f64[] = { 0.1, -1e300, NAN, -INFINITY, 4.9e-324, 1.0 / 3.0, 0.0 };

  switch (type)
    {
    case CLS_DATATYPE_UINT8:   return i == 0 ? 255 : (double) ((i * 37) % 256);
    case CLS_DATATYPE_INT8:    return i == 0 ? -128 : i == 1 ? 127 : (double) ((gint64) (i * 37 % 256) - 128);
    case CLS_DATATYPE_INT16:   return i == 0 ? -32768 : i == 1 ? 32767 : (double) ((gint64) (i * 1237 % 65536) - 32768);
    case CLS_DATATYPE_UINT16:  return i == 0 ? 65535 : (double) (i * 1237 % 65536);
    case CLS_DATATYPE_INT32:   return i == 0 ? G_MININT32 : i == 1 ? G_MAXINT32 : (double) ((gint64) (i * 123457) - 1000000);
    case CLS_DATATYPE_UINT32:  return i == 0 ? G_MAXUINT32 : (double) (i * 123457);
    case CLS_DATATYPE_INT64:   return i == 0 ? -9007199254740992.0 : i == 1 ? 9007199254740992.0 : (double) ((gint64) i * 7 - 3);
    case CLS_DATATYPE_UINT64:  return i == 0 ? 9007199254740992.0 : (double) (i * 11);
    case CLS_DATATYPE_FLOAT32: return (float) (i < G_N_ELEMENTS (f32) ? f32[i] : (double) i * 0.1);
    case CLS_DATATYPE_FLOAT64: return i < G_N_ELEMENTS (f64) ? f64[i] : (double) i * 0.1;
    default: g_assert_not_reached ();
    }
}

static void
store_value (gpointer     data,
             ClsDatatype  type,
             guint64      i,
             double       v)
{
  switch (type)
    {
    case CLS_DATATYPE_UINT8:   ((guint8 *) data)[i] = (guint8) v; break;
    case CLS_DATATYPE_INT8:    ((gint8 *) data)[i] = (gint8) v; break;
    case CLS_DATATYPE_INT16:   ((gint16 *) data)[i] = (gint16) v; break;
    case CLS_DATATYPE_UINT16:  ((guint16 *) data)[i] = (guint16) v; break;
    case CLS_DATATYPE_INT32:   ((gint32 *) data)[i] = (gint32) v; break;
    case CLS_DATATYPE_UINT32:  ((guint32 *) data)[i] = (guint32) v; break;
    case CLS_DATATYPE_INT64:   ((gint64 *) data)[i] = (gint64) v; break;
    case CLS_DATATYPE_UINT64:  ((guint64 *) data)[i] = (guint64) v; break;
    case CLS_DATATYPE_FLOAT32: ((float *) data)[i] = (float) v; break;
    case CLS_DATATYPE_FLOAT64: ((double *) data)[i] = v; break;
    default: g_assert_not_reached ();
    }
}

static void
assert_same_value (double got,
                   double want)
{
  if (isnan (want))
    g_assert_true (isnan (got));
  else
    {
      g_assert_true (got == want);
      g_assert_true (signbit (got) == signbit (want));
    }
}

static void
test_round_trip (gconstpointer data)
{
  const RoundTrip *rt = data;
  g_autofree char *dir = cls_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, rt->gz ? "v.nii.gz" : "v.nii", NULL);
  g_autoptr(ClsVolume) vol = NULL;
  g_autoptr(ClsVolume) back = NULL;
  g_autoptr(GError) error = NULL;
  const gint64 dims[3] = { 5, 4, 3 };
  double affine[4][4], got_affine[4][4];
  /* an oblique, anisotropic, x-flipped grid */
  const double c = cos (0.2), s = sin (0.2);
  const double rows[12] = { -0.8 * c, -0.9 * s, 0, 90.25,
                            -0.8 * s,  0.9 * c, 0, -126.5,
                             0,        0,       2.5, -72.0 };
  g_autofree double *d = NULL;
  g_autofree float *f = NULL;
  gint64 got_dims[3];
  double spacing[3];
  char codes[4], back_codes[4];
  guint64 n;

  set_affine (affine, rows);
  vol = cls_volume_new (dims, 1, rt->type, affine);
  g_assert_nonnull (vol);
  n = cls_volume_get_n_voxels (vol);
  g_assert_cmpuint (n, ==, 60);
  for (guint64 i = 0; i < n; i++)
    store_value (cls_volume_get_data (vol), rt->type, i, test_value (rt->type, i));

  g_assert_true (cls_volume_write (vol, path, &error));
  g_assert_no_error (error);

  back = read_ok (path);
  g_assert_cmpstr (cls_volume_get_path (back), ==, path);
  g_assert_cmpint (cls_volume_get_nifti_version (back), ==, 1);
  g_assert_cmpint (cls_volume_get_datatype (back), ==, rt->type);
  g_assert_cmpstr (cls_volume_get_datatype_name (back), ==, cls_volume_get_datatype_name (vol));
  g_assert_true (cls_volume_has_data (back));
  cls_volume_get_dims (back, got_dims);
  g_assert_cmpint (got_dims[0], ==, 5);
  g_assert_cmpint (got_dims[1], ==, 4);
  g_assert_cmpint (got_dims[2], ==, 3);
  g_assert_cmpuint (cls_volume_get_n_channels (back), ==, 1);
  g_assert_false (cls_volume_get_scaling (back, NULL, NULL));

  cls_volume_get_affine (back, got_affine);
  assert_affine_near (got_affine, affine, 1e-5);
  g_assert_cmpint (cls_volume_get_affine_source (back), ==, CLS_AFFINE_SFORM);
  g_assert_null (cls_volume_get_affine_warning (back));
  g_assert_true (cls_volume_same_grid (vol, back, 1e-4));

  cls_volume_get_spacing (back, spacing);
  g_assert_cmpfloat_with_epsilon (spacing[0], 0.8, 1e-6);
  g_assert_cmpfloat_with_epsilon (spacing[1], 0.9, 1e-6);
  g_assert_cmpfloat_with_epsilon (spacing[2], 2.5, 1e-6);

  orientation_of (vol, codes);
  orientation_of (back, back_codes);
  g_assert_cmpstr (codes, ==, "LAS");
  g_assert_cmpstr (back_codes, ==, codes);

  d = g_new (double, n);
  f = g_new (float, n);
  cls_volume_read_doubles (back, 0, 0, n, d);
  cls_volume_read_floats (back, 0, 0, n, f);
  for (guint64 i = 0; i < n; i++)
    {
      double want = test_value (rt->type, i);

      assert_same_value (d[i], want);
      assert_same_value (f[i], (float) want);
    }

  /* a slice in the middle */
  cls_volume_read_doubles (back, 0, 7, 3, d);
  for (guint64 i = 0; i < 3; i++)
    assert_same_value (d[i], test_value (rt->type, 7 + i));

  if (rt->type == CLS_DATATYPE_FLOAT32)
    {
      g_assert_true (f[0] == 0.3f);
      g_assert_true (isnan (f[2]));
      g_assert_true (isinf (f[3]) && f[3] > 0);
    }

  cls_test_rm_rf (dir);
}

/* Scaling
 * ------- */

static ClsVolume *
read_scaled_int16 (const char *dir,
                   double      slope,
                   double      inter)
{
  g_autofree char *path = g_build_filename (dir, "scaled.nii", NULL);
  const int dims[3] = { 4, 1, 1 };
  const gint16 raw[4] = { -2, 0, 3, 1000 };
  nifti_1_header h;

  n1_init (&h, 3, dims, DT_INT16, 16);
  h.scl_slope = (float) slope;
  h.scl_inter = (float) inter;
  write_n1 (path, &h, raw, sizeof raw, FALSE);
  return read_ok (path);
}

static void
test_scaling (void)
{
  g_autofree char *dir = cls_test_make_tmpdir ();
  const double raw[4] = { -2, 0, 3, 1000 };
  double d[4], slope, inter;
  float f[4];

  {
    g_autoptr(ClsVolume) vol = read_scaled_int16 (dir, 2.0, -1.0);

    g_assert_true (cls_volume_get_scaling (vol, &slope, &inter));
    g_assert_cmpfloat (slope, ==, 2.0);
    g_assert_cmpfloat (inter, ==, -1.0);
    cls_volume_read_doubles (vol, 0, 0, 4, d);
    cls_volume_read_floats (vol, 0, 0, 4, f);
    for (int i = 0; i < 4; i++)
      {
        g_assert_cmpfloat (d[i], ==, 2 * raw[i] - 1);
        g_assert_cmpfloat (f[i], ==, 2 * raw[i] - 1);
      }
  }

  /* slope 0 and NaN mean "no scaling" */
  {
    g_autoptr(ClsVolume) vol = read_scaled_int16 (dir, 0.0, 5.0);

    g_assert_false (cls_volume_get_scaling (vol, &slope, &inter));
    g_assert_cmpfloat (slope, ==, 1.0);
    g_assert_cmpfloat (inter, ==, 0.0);
    cls_volume_read_doubles (vol, 0, 0, 4, d);
    for (int i = 0; i < 4; i++)
      g_assert_cmpfloat (d[i], ==, raw[i]);
  }
  {
    g_autoptr(ClsVolume) vol = read_scaled_int16 (dir, NAN, 5.0);

    g_assert_false (cls_volume_get_scaling (vol, NULL, NULL));
    cls_volume_read_doubles (vol, 0, 0, 4, d);
    for (int i = 0; i < 4; i++)
      g_assert_cmpfloat (d[i], ==, raw[i]);
  }
  {
    g_autoptr(ClsVolume) vol = read_scaled_int16 (dir, INFINITY, 0.0);
    g_assert_false (cls_volume_get_scaling (vol, NULL, NULL));
  }

  /* a non-finite intercept counts as 0 */
  {
    g_autoptr(ClsVolume) vol = read_scaled_int16 (dir, 0.5, NAN);

    g_assert_true (cls_volume_get_scaling (vol, &slope, &inter));
    g_assert_cmpfloat (inter, ==, 0.0);
    cls_volume_read_doubles (vol, 0, 0, 4, d);
    for (int i = 0; i < 4; i++)
      g_assert_cmpfloat (d[i], ==, 0.5 * raw[i]);
  }

  /* identity scaling is no scaling */
  {
    g_autoptr(ClsVolume) vol = read_scaled_int16 (dir, 1.0, 0.0);
    g_assert_false (cls_volume_get_scaling (vol, NULL, NULL));
  }

  /* scaling survives a write and a read */
  {
    g_autoptr(ClsVolume) vol = read_scaled_int16 (dir, 0.25, 10.0);
    g_autoptr(ClsVolume) back = NULL;
    g_autofree char *path = g_build_filename (dir, "rewritten.nii.gz", NULL);
    g_autoptr(GError) error = NULL;

    g_assert_true (cls_volume_write (vol, path, &error));
    g_assert_no_error (error);
    back = read_ok (path);
    g_assert_true (cls_volume_get_scaling (back, &slope, &inter));
    g_assert_cmpfloat (slope, ==, 0.25);
    g_assert_cmpfloat (inter, ==, 10.0);
    cls_volume_read_doubles (back, 0, 0, 4, d);
    for (int i = 0; i < 4; i++)
      g_assert_cmpfloat (d[i], ==, 0.25 * raw[i] + 10.0);
  }

  /* scaled float32 with NaN: NaN stays NaN */
  {
    g_autofree char *path = g_build_filename (dir, "scaled-float.nii", NULL);
    g_autoptr(ClsVolume) vol = NULL;
    const int dims[3] = { 3, 1, 1 };
    const float raw_f[3] = { 1.5f, NAN, -INFINITY };
    nifti_1_header h;

    n1_init (&h, 3, dims, DT_FLOAT32, 32);
    h.scl_slope = 2.0f;
    h.scl_inter = 1.0f;
    write_n1 (path, &h, raw_f, sizeof raw_f, FALSE);
    vol = read_ok (path);
    cls_volume_read_floats (vol, 0, 0, 3, f);
    g_assert_cmpfloat (f[0], ==, 4.0f);
    g_assert_true (isnan (f[1]));
    g_assert_true (isinf (f[2]) && f[2] < 0);
  }

  cls_test_rm_rf (dir);
}

/* Affine rules
 * ------------ */

static void
test_affine_sform_wins (void)
{
  g_autofree char *dir = cls_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "a.nii", NULL);
  g_autoptr(ClsVolume) vol = NULL;
  const int dims[3] = { 3, 4, 5 };
  const guint8 data[60] = { 0 };
  const double want_rows[12] = { 2, 0, 0, -10, 0, 3, 0, -20, 0, 0, 4, -30 };
  double want[4][4], got[4][4], spacing[3];
  char codes[4];
  nifti_1_header h;

  n1_init (&h, 3, dims, DT_UINT8, 8);
  h.sform_code = NIFTI_XFORM_SCANNER_ANAT;
  h.srow_x[0] = 2; h.srow_x[3] = -10;
  h.srow_y[1] = 3; h.srow_y[3] = -20;
  h.srow_z[2] = 4; h.srow_z[3] = -30;
  /* a different qform: 180 degrees about z, 1 mm */
  h.qform_code = NIFTI_XFORM_SCANNER_ANAT;
  h.quatern_d = 1.0f;
  write_n1 (path, &h, data, sizeof data, FALSE);

  vol = read_ok (path);
  set_affine (want, want_rows);
  cls_volume_get_affine (vol, got);
  assert_affine_near (got, want, 1e-9);
  g_assert_cmpint (cls_volume_get_affine_source (vol), ==, CLS_AFFINE_SFORM);
  g_assert_null (cls_volume_get_affine_warning (vol));
  cls_volume_get_spacing (vol, spacing);
  g_assert_cmpfloat (spacing[0], ==, 2);
  g_assert_cmpfloat (spacing[1], ==, 3);
  g_assert_cmpfloat (spacing[2], ==, 4);
  orientation_of (vol, codes);
  g_assert_cmpstr (codes, ==, "RAS");

  cls_test_rm_rf (dir);
}

static void
test_affine_qform (void)
{
  g_autofree char *dir = cls_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "q.nii", NULL);
  const int dims[3] = { 3, 4, 5 };
  const guint8 data[60] = { 0 };
  const double want_rows[12] = { -2, 0, 0, 10, 0, -2, 0, 20, 0, 0, 3, 30 };
  double want[4][4], got[4][4];
  char codes[4];
  nifti_1_header h;

  n1_init (&h, 3, dims, DT_UINT8, 8);
  h.sform_code = 0;
  h.srow_x[0] = 99;          /* ignored: sform_code is 0 */
  h.qform_code = NIFTI_XFORM_ALIGNED_ANAT;
  h.quatern_d = 1.0f;        /* 180 degrees about z */
  h.qoffset_x = 10; h.qoffset_y = 20; h.qoffset_z = 30;
  h.pixdim[1] = 2; h.pixdim[2] = 2; h.pixdim[3] = 3;
  write_n1 (path, &h, data, sizeof data, FALSE);

  {
    g_autoptr(ClsVolume) vol = read_ok (path);

    set_affine (want, want_rows);
    cls_volume_get_affine (vol, got);
    assert_affine_near (got, want, 1e-6);
    g_assert_cmpint (cls_volume_get_affine_source (vol), ==, CLS_AFFINE_QFORM);
    orientation_of (vol, codes);
    g_assert_cmpstr (codes, ==, "LPS");
  }

  /* qfac = -1 flips z */
  h.pixdim[0] = -1;
  write_n1 (path, &h, data, sizeof data, FALSE);
  {
    g_autoptr(ClsVolume) vol = read_ok (path);

    want[2][2] = -3;
    cls_volume_get_affine (vol, got);
    assert_affine_near (got, want, 1e-6);
    orientation_of (vol, codes);
    g_assert_cmpstr (codes, ==, "LPI");
  }

  cls_test_rm_rf (dir);
}

static void
test_affine_pixdim (void)
{
  g_autofree char *dir = cls_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "p.nii", NULL);
  g_autoptr(ClsVolume) vol = NULL;
  const int dims[3] = { 3, 5, 7 };
  const guint8 data[105] = { 0 };
  /* nibabel's AnalyzeHeader.get_base_affine() doctest */
  const double want_rows[12] = { -3, 0, 0, 3, 0, 2, 0, -4, 0, 0, 1, -3 };
  double want[4][4], got[4][4];
  char codes[4];
  nifti_1_header h;

  n1_init (&h, 3, dims, DT_UINT8, 8);
  h.pixdim[1] = 3; h.pixdim[2] = 2; h.pixdim[3] = 1;
  h.quatern_d = 1.0f;         /* ignored: qform_code is 0 */
  write_n1 (path, &h, data, sizeof data, FALSE);

  vol = read_ok (path);
  set_affine (want, want_rows);
  cls_volume_get_affine (vol, got);
  assert_affine_near (got, want, 1e-9);
  g_assert_cmpint (cls_volume_get_affine_source (vol), ==, CLS_AFFINE_PIXDIM);
  orientation_of (vol, codes);
  g_assert_cmpstr (codes, ==, "LAS");

  cls_test_rm_rf (dir);
}

static void
test_affine_handedness_warning (void)
{
  g_autofree char *dir = cls_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "flip.nii", NULL);
  const int dims[3] = { 2, 2, 2 };
  const guint8 data[8] = { 0 };
  nifti_1_header h;

  n1_init (&h, 3, dims, DT_UINT8, 8);
  h.sform_code = NIFTI_XFORM_SCANNER_ANAT;
  h.srow_x[0] = 1; h.srow_y[1] = 1; h.srow_z[2] = 1;
  h.qform_code = NIFTI_XFORM_SCANNER_ANAT;
  h.pixdim[0] = -1;            /* left-handed qform */
  write_n1 (path, &h, data, sizeof data, FALSE);
  {
    g_autoptr(ClsVolume) vol = read_ok (path);
    const char *warning = cls_volume_get_affine_warning (vol);

    g_assert_cmpint (cls_volume_get_affine_source (vol), ==, CLS_AFFINE_SFORM);
    g_assert_nonnull (warning);
    g_assert_nonnull (strstr (warning, path));
    g_assert_nonnull (strstr (warning, "handedness"));
  }

  /* same handedness: no warning */
  h.pixdim[0] = 1;
  write_n1 (path, &h, data, sizeof data, FALSE);
  {
    g_autoptr(ClsVolume) vol = read_ok (path);
    g_assert_null (cls_volume_get_affine_warning (vol));
  }

  cls_test_rm_rf (dir);
}

static void
test_orientation_codes (void)
{
  static const struct {
    double rows[12];
    const char *codes;
  } cases[] = {
    { { 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0 }, "RAS" },
    { { -1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0 }, "LAS" },
    { { -1, 0, 0, 0, 0, -1, 0, 0, 0, 0, 1, 0 }, "LPS" },
    { { 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, -1, 0 }, "RAI" },
    /* voxel x runs up, y to the right, z to the front */
    { { 0, 2, 0, 0, 0, 0, 2, 0, 2, 0, 0, 0 }, "SRA" },
    /* coronal slices: x right, y inferior, z anterior */
    { { 0.7, 0, 0, 0, 0, 0, 3, 0, 0, -0.7, 0, 0 }, "RIA" },
    /* 30 degrees oblique about z stays RAS */
    { { 0.8660254, -0.5, 0, 0, 0.5, 0.8660254, 0, 0, 0, 0, 1, 0 }, "RAS" },
  };
  g_autofree char *dir = cls_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "o.nii.gz", NULL);
  const gint64 dims[3] = { 2, 3, 4 };

  for (guint k = 0; k < G_N_ELEMENTS (cases); k++)
    {
      g_autoptr(ClsVolume) vol = NULL;
      g_autoptr(ClsVolume) back = NULL;
      g_autoptr(GError) error = NULL;
      double affine[4][4], got[4][4];
      char codes[4];

      set_affine (affine, cases[k].rows);
      vol = cls_volume_new (dims, 1, CLS_DATATYPE_UINT8, affine);
      orientation_of (vol, codes);
      g_assert_cmpstr (codes, ==, cases[k].codes);

      g_assert_true (cls_volume_write (vol, path, &error));
      g_assert_no_error (error);
      back = read_ok (path);
      orientation_of (back, codes);
      g_assert_cmpstr (codes, ==, cases[k].codes);
      cls_volume_get_affine (back, got);
      assert_affine_near (got, affine, 1e-5);
    }

  /* extreme scales and a degenerate axis (in memory only) */
  {
    const double tiny_huge[12] = { -1e-200, 0, 0, 0, 0, 1e200, 0, 0, 0, 0, 1e-300, 0 };
    const double flat[12] = { 0, 0, 0, 0, 0, -1, 0, 0, 0, 0, 1, 0 };
    g_autoptr(ClsVolume) a = NULL;
    g_autoptr(ClsVolume) b = NULL;
    double affine[4][4];
    char codes[4];

    set_affine (affine, tiny_huge);
    a = cls_volume_new (dims, 1, CLS_DATATYPE_UINT8, affine);
    orientation_of (a, codes);
    g_assert_cmpstr (codes, ==, "LAS");

    set_affine (affine, flat);
    b = cls_volume_new (dims, 1, CLS_DATATYPE_UINT8, affine);
    orientation_of (b, codes);
    g_assert_cmpstr (codes, ==, "?PS");
  }

  cls_test_rm_rf (dir);
}

/* The qform we write must describe the same grid as the sform, so that
 * viewers that prefer the qform show the same thing. */
static void
test_written_qform_matches_sform (void)
{
  g_autofree char *dir = cls_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "w.nii", NULL);
  g_autoptr(ClsVolume) vol = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  const gint64 dims[3] = { 4, 4, 4 };
  const double a = 0.3, b = 0.5;
  /* rotation about z then x, spacing 0.7 x 0.8 x 3, left-handed */
  const double rows[12] = {
    -0.7 * cos (a),  0.8 * sin (a) * cos (b), -3 * sin (a) * sin (b),  10,
    -0.7 * sin (a), -0.8 * cos (a) * cos (b),  3 * cos (a) * sin (b), -20,
     0,             -0.8 * sin (b),           -3 * cos (b),            30 };
  double affine[4][4];
  nifti_1_header h;
  nifti_dmat44 q;
  gsize len;

  set_affine (affine, rows);
  vol = cls_volume_new (dims, 1, CLS_DATATYPE_FLOAT32, affine);
  g_assert_true (cls_volume_write (vol, path, &error));
  g_assert_no_error (error);

  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (len, ==, 352 + 64 * 4);
  memcpy (&h, contents, sizeof h);
  g_assert_cmpint (h.sizeof_hdr, ==, 348);
  g_assert_cmpmem (h.magic, 4, "n+1", 4);
  g_assert_cmpfloat (h.vox_offset, ==, 352);
  g_assert_cmpint (h.sform_code, >, 0);
  g_assert_cmpint (h.qform_code, >, 0);
  g_assert_cmpfloat (h.pixdim[0], ==, -1);
  g_assert_cmpfloat_with_epsilon (h.pixdim[1], 0.7, 1e-6);
  g_assert_cmpfloat_with_epsilon (h.pixdim[2], 0.8, 1e-6);
  g_assert_cmpfloat_with_epsilon (h.pixdim[3], 3.0, 1e-6);

  q = nifti_quatern_to_dmat44 (h.quatern_b, h.quatern_c, h.quatern_d,
                               h.qoffset_x, h.qoffset_y, h.qoffset_z,
                               h.pixdim[1], h.pixdim[2], h.pixdim[3], h.pixdim[0]);
  for (int i = 0; i < 3; i++)
    {
      const float *srow = i == 0 ? h.srow_x : i == 1 ? h.srow_y : h.srow_z;

      for (int j = 0; j < 4; j++)
        {
          g_assert_cmpfloat_with_epsilon (q.m[i][j], srow[j], 1e-5);
          g_assert_cmpfloat_with_epsilon (srow[j], affine[i][j], 1e-5);
        }
    }

  cls_test_rm_rf (dir);
}

/* A sheared affine cannot be a qform: it is written with qform_code 0, and
 * the sform still gives the affine back. */
static void
test_written_shear (void)
{
  g_autofree char *dir = cls_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "shear.nii", NULL);
  g_autoptr(ClsVolume) vol = NULL;
  g_autoptr(ClsVolume) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  const gint64 dims[3] = { 2, 2, 2 };
  const double rows[12] = { 1, 0.5, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0 };
  double affine[4][4], got[4][4];
  nifti_1_header h;

  set_affine (affine, rows);
  vol = cls_volume_new (dims, 1, CLS_DATATYPE_UINT8, affine);
  g_assert_true (cls_volume_write (vol, path, &error));
  g_assert_no_error (error);
  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  memcpy (&h, contents, sizeof h);
  g_assert_cmpint (h.qform_code, ==, 0);
  g_assert_cmpint (h.sform_code, >, 0);

  back = read_ok (path);
  cls_volume_get_affine (back, got);
  assert_affine_near (got, affine, 1e-6);

  cls_test_rm_rf (dir);
}

/* NIfTI-2, 4D, byte order, gzip detection
 * --------------------------------------- */

static void
test_nifti2 (void)
{
  g_autofree char *dir = cls_test_make_tmpdir ();
  const gint64 dims[3] = { 4, 3, 2 };
  double data[24], d[24];
  const double want_rows[12] = { 0, 0, 1.25, -5, -0.5, 0, 0, 6, 0, 2, 0, 7 };
  double want[4][4], got[4][4];
  nifti_2_header h;

  for (int i = 0; i < 24; i++)
    data[i] = i * 0.1 - 1.0;
  data[5] = NAN;

  n2_init (&h, 3, dims, DT_FLOAT64, 64);
  h.sform_code = NIFTI_XFORM_MNI_152;
  for (int j = 0; j < 4; j++)
    {
      h.srow_x[j] = want_rows[j];
      h.srow_y[j] = want_rows[4 + j];
      h.srow_z[j] = want_rows[8 + j];
    }
  set_affine (want, want_rows);

  for (int gz = 0; gz <= 1; gz++)
    {
      g_autofree char *path = g_build_filename (dir, gz ? "n2.nii.gz" : "n2.nii", NULL);
      g_autoptr(ClsVolume) vol = NULL;
      gint64 got_dims[3];
      char codes[4];

      write_n2 (path, &h, data, sizeof data, gz);
      vol = read_ok (path);
      g_assert_cmpint (cls_volume_get_nifti_version (vol), ==, 2);
      g_assert_cmpint (cls_volume_get_datatype (vol), ==, CLS_DATATYPE_FLOAT64);
      cls_volume_get_dims (vol, got_dims);
      g_assert_cmpint (got_dims[0], ==, 4);
      g_assert_cmpint (got_dims[1], ==, 3);
      g_assert_cmpint (got_dims[2], ==, 2);
      cls_volume_get_affine (vol, got);
      assert_affine_near (got, want, 0);
      orientation_of (vol, codes);
      g_assert_cmpstr (codes, ==, "PSR");
      cls_volume_read_doubles (vol, 0, 0, 24, d);
      for (int i = 0; i < 24; i++)
        assert_same_value (d[i], data[i]);
    }

  cls_test_rm_rf (dir);
}

/* Our writer switches to NIfTI-2 only when NIfTI-1 cannot hold the size. */
static void
test_write_nifti2 (void)
{
  g_autofree char *dir = cls_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "long.nii.gz", NULL);
  g_autoptr(ClsVolume) vol = NULL;
  g_autoptr(ClsVolume) back = NULL;
  g_autoptr(GError) error = NULL;
  const gint64 dims[3] = { 40000, 2, 1 };
  const double rows[12] = { 0.5, 0, 0, 1, 0, 0.5, 0, 2, 0, 0, 0.5, 3 };
  double affine[4][4], got[4][4], d[3];
  gint64 got_dims[3];
  guint16 *p;

  set_affine (affine, rows);
  vol = cls_volume_new (dims, 1, CLS_DATATYPE_UINT16, affine);
  g_assert_cmpint (cls_volume_get_nifti_version (vol), ==, 2);
  p = cls_volume_get_data (vol);
  p[0] = 1;
  p[39999] = 2;
  p[79999] = 65535;
  g_assert_true (cls_volume_write (vol, path, &error));
  g_assert_no_error (error);

  back = read_ok (path);
  g_assert_cmpint (cls_volume_get_nifti_version (back), ==, 2);
  cls_volume_get_dims (back, got_dims);
  g_assert_cmpint (got_dims[0], ==, 40000);
  g_assert_cmpint (got_dims[1], ==, 2);
  g_assert_cmpint (got_dims[2], ==, 1);
  cls_volume_get_affine (back, got);
  assert_affine_near (got, affine, 1e-12);
  cls_volume_read_doubles (back, 0, 39999, 1, d);
  g_assert_cmpfloat (d[0], ==, 2);
  cls_volume_read_doubles (back, 0, 79999, 1, d);
  g_assert_cmpfloat (d[0], ==, 65535);

  cls_test_rm_rf (dir);
}

static void
test_4d (void)
{
  g_autofree char *dir = cls_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "probs.nii.gz", NULL);
  g_autoptr(ClsVolume) vol = NULL;
  g_autoptr(ClsVolume) back = NULL;
  g_autoptr(GError) error = NULL;
  const gint64 dims[3] = { 4, 3, 2 };
  const double rows[12] = { 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0 };
  double affine[4][4];
  float *p, f[24];

  set_affine (affine, rows);
  vol = cls_volume_new (dims, 3, CLS_DATATYPE_FLOAT32, affine);
  g_assert_cmpuint (cls_volume_get_n_voxels (vol), ==, 24);
  p = cls_volume_get_data (vol);
  for (int c = 0; c < 3; c++)
    for (int i = 0; i < 24; i++)
      p[c * 24 + i] = c + i / 100.0f;
  g_assert_true (cls_volume_write (vol, path, &error));
  g_assert_no_error (error);

  back = read_ok (path);
  g_assert_cmpuint (cls_volume_get_n_channels (back), ==, 3);
  g_assert_cmpuint (cls_volume_get_n_voxels (back), ==, 24);
  cls_volume_read_floats (back, 1, 0, 24, f);
  for (int i = 0; i < 24; i++)
    g_assert_cmpfloat (f[i], ==, 1 + i / 100.0f);
  cls_volume_read_floats (back, 2, 20, 4, f);
  for (int i = 0; i < 4; i++)
    g_assert_cmpfloat (f[i], ==, 2 + (20 + i) / 100.0f);

  /* a 5D header: channels are the product of dims 4 to 7 */
  {
    g_autofree char *path5 = g_build_filename (dir, "five.nii", NULL);
    g_autoptr(ClsVolume) five = NULL;
    const int dims5[5] = { 2, 2, 1, 2, 3 };
    guint8 data[24];
    double d[4];
    nifti_1_header h;

    for (int i = 0; i < 24; i++)
      data[i] = (guint8) i;
    n1_init (&h, 5, dims5, DT_UINT8, 8);
    write_n1 (path5, &h, data, sizeof data, FALSE);
    five = read_ok (path5);
    g_assert_cmpuint (cls_volume_get_n_channels (five), ==, 6);
    g_assert_cmpuint (cls_volume_get_n_voxels (five), ==, 4);
    cls_volume_read_doubles (five, 5, 0, 4, d);
    for (int i = 0; i < 4; i++)
      g_assert_cmpfloat (d[i], ==, 20 + i);
  }

  cls_test_rm_rf (dir);
}

static void
test_big_endian (void)
{
  g_autofree char *dir = cls_test_make_tmpdir ();
  const int dims[3] = { 3, 2, 1 };
  const gint16 values[6] = { -300, -1, 0, 1, 258, 32767 };
  gint16 swapped[6];
  double d[6], got[4][4];
  char codes[4];
  nifti_1_header h;

  for (int i = 0; i < 6; i++)
    swapped[i] = (gint16) GUINT16_SWAP_LE_BE ((guint16) values[i]);

  n1_init (&h, 3, dims, DT_INT16, 16);
  h.scl_slope = 0.5f;
  h.scl_inter = 3.0f;
  h.sform_code = NIFTI_XFORM_SCANNER_ANAT;
  h.srow_x[0] = -1.5f; h.srow_x[3] = 7;
  h.srow_y[1] = 1.5f;  h.srow_y[3] = 8;
  h.srow_z[2] = 4.0f;  h.srow_z[3] = 9;
  h.qform_code = NIFTI_XFORM_SCANNER_ANAT;
  nifti_swap_as_nifti1 (&h);

  for (int gz = 0; gz <= 1; gz++)
    {
      g_autofree char *path = g_build_filename (dir, gz ? "be.nii.gz" : "be.nii", NULL);
      g_autoptr(ClsVolume) vol = NULL;
      gint64 got_dims[3];

      write_n1 (path, &h, swapped, sizeof swapped, gz);
      vol = read_ok (path);
      cls_volume_get_dims (vol, got_dims);
      g_assert_cmpint (got_dims[0], ==, 3);
      g_assert_cmpint (got_dims[1], ==, 2);
      g_assert_cmpint (got_dims[2], ==, 1);
      cls_volume_read_doubles (vol, 0, 0, 6, d);
      for (int i = 0; i < 6; i++)
        g_assert_cmpfloat (d[i], ==, 0.5 * values[i] + 3.0);
      cls_volume_get_affine (vol, got);
      g_assert_cmpfloat (got[0][0], ==, -1.5);
      g_assert_cmpfloat (got[0][3], ==, 7);
      g_assert_cmpfloat (got[2][2], ==, 4);
      orientation_of (vol, codes);
      g_assert_cmpstr (codes, ==, "LAS");
      /* data comes back native */
      g_assert_cmpint (((gint16 *) cls_volume_get_data (vol))[0], ==, -300);
    }

  cls_test_rm_rf (dir);
}

static void
test_gzip_by_magic (void)
{
  g_autofree char *dir = cls_test_make_tmpdir ();
  g_autofree char *gz_named_nii = g_build_filename (dir, "compressed.nii", NULL);
  g_autofree char *nii_named_gz = g_build_filename (dir, "plain.nii.gz", NULL);
  g_autofree char *multi = g_build_filename (dir, "multi.nii.gz", NULL);
  g_autofree char *padded = g_build_filename (dir, "padded.nii.gz", NULL);
  const int dims[3] = { 8, 1, 1 };
  const guint8 data[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
  guint8 raw[352 + 8];
  double d[8];
  nifti_1_header h;

  n1_init (&h, 3, dims, DT_UINT8, 8);
  write_n1 (gz_named_nii, &h, data, sizeof data, TRUE);
  write_n1 (nii_named_gz, &h, data, sizeof data, FALSE);

  /* two gzip members (header, then voxels), then zero padding */
  memset (raw, 0, sizeof raw);
  memcpy (raw, &h, 348);
  memcpy (raw + 352, data, 8);
  {
    gsize l1, l2;
    g_autofree guint8 *m1 = gzip_bytes (raw, 352, &l1);
    g_autofree guint8 *m2 = gzip_bytes (raw + 352, 8, &l2);
    g_autofree guint8 *both = g_malloc0 (l1 + l2 + 16);

    memcpy (both, m1, l1);
    memcpy (both + l1, m2, l2);
    write_bytes (multi, both, l1 + l2);
    write_bytes (padded, both, l1 + l2 + 16);
  }

  {
    const char *paths[] = { gz_named_nii, nii_named_gz, multi, padded };

    for (guint k = 0; k < G_N_ELEMENTS (paths); k++)
      {
        g_autoptr(ClsVolume) vol = read_ok (paths[k]);

        cls_volume_read_doubles (vol, 0, 0, 8, d);
        for (int i = 0; i < 8; i++)
          g_assert_cmpfloat (d[i], ==, i + 1);
      }
  }

  cls_test_rm_rf (dir);
}

static void
test_header_only (void)
{
  g_autofree char *dir = cls_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "h.nii.gz", NULL);
  g_autoptr(ClsVolume) vol = NULL;
  g_autoptr(ClsVolume) head = NULL;
  g_autoptr(GError) error = NULL;
  ClsVolumeReadOptions options = { .header_only = TRUE };
  const gint64 dims[3] = { 7, 6, 5 };
  const double rows[12] = { -1, 0, 0, 3, 0, -1, 0, 4, 0, 0, 2, 5 };
  double affine[4][4];
  gint64 got_dims[3];

  set_affine (affine, rows);
  vol = cls_volume_new (dims, 1, CLS_DATATYPE_INT16, affine);
  g_assert_true (cls_volume_write (vol, path, &error));
  g_assert_no_error (error);

  head = cls_volume_read (path, &options, &error);
  g_assert_no_error (error);
  g_assert_false (cls_volume_has_data (head));
  g_assert_null (cls_volume_get_data (head));
  cls_volume_get_dims (head, got_dims);
  g_assert_cmpint (got_dims[0], ==, 7);
  g_assert_cmpint (got_dims[2], ==, 5);
  g_assert_cmpint (cls_volume_get_datatype (head), ==, CLS_DATATYPE_INT16);
  g_assert_true (cls_volume_same_grid (vol, head, 1e-5));
  g_assert_true (cls_volume_same_grid (head, vol, 1e-5));

  /* same_grid: a shifted or resized grid is not the same */
  {
    g_autoptr(ClsVolume) shifted = NULL;
    g_autoptr(ClsVolume) bigger = NULL;
    const gint64 dims2[3] = { 7, 6, 6 };

    affine[0][3] += 0.01;
    shifted = cls_volume_new (dims, 1, CLS_DATATYPE_UINT8, affine);
    g_assert_false (cls_volume_same_grid (vol, shifted, 1e-3));
    g_assert_true (cls_volume_same_grid (vol, shifted, 0.1));
    affine[0][3] -= 0.01;
    bigger = cls_volume_new (dims2, 1, CLS_DATATYPE_UINT8, affine);
    g_assert_false (cls_volume_same_grid (vol, bigger, 1));
  }

  cls_test_rm_rf (dir);
}

static void
test_pair (void)
{
  g_autofree char *dir = cls_test_make_tmpdir ();
  g_autofree char *hdr = g_build_filename (dir, "pair.hdr", NULL);
  g_autofree char *img = g_build_filename (dir, "pair.img", NULL);
  g_autofree char *lone = g_build_filename (dir, "lone.hdr", NULL);
  g_autofree char *lone_img = g_build_filename (dir, "lone.img", NULL);
  g_autofree char *analyze = g_build_filename (dir, "analyze.hdr", NULL);
  const int dims[3] = { 2, 2, 1 };
  const float data[4] = { 0.25f, 0.5f, NAN, 1.0f };
  nifti_1_header h;
  double d[4];

  n1_init (&h, 3, dims, DT_FLOAT32, 32);
  memcpy (h.magic, "ni1", 4);
  h.vox_offset = 0;
  write_bytes (hdr, &h, 348);
  write_bytes (img, data, sizeof data);
  write_bytes (lone, &h, 348);

  {
    const char *paths[] = { hdr, img };

    for (guint k = 0; k < G_N_ELEMENTS (paths); k++)
      {
        g_autoptr(ClsVolume) vol = read_ok (paths[k]);

        cls_volume_read_doubles (vol, 0, 0, 4, d);
        for (int i = 0; i < 4; i++)
          assert_same_value (d[i], data[i]);
      }
  }

  /* the .img is missing: the message names it */
  assert_read_fails_with (lone, NULL, CLS_ERROR_IO, lone_img);

  /* a truncated .img: the message begins with the .img */
  write_bytes (img, data, 10);
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(ClsVolume) vol = cls_volume_read (hdr, NULL, &error);

    g_assert_null (vol);
    g_assert_error (error, CLS_ERROR, CLS_ERROR_FORMAT);
    g_assert_true (g_str_has_prefix (error->message, img));
    g_assert_nonnull (strstr (error->message, "truncated"));
  }

  /* Analyze 7.5: no magic */
  memset (h.magic, 0, 4);
  write_bytes (analyze, &h, 348);
  assert_read_fails (analyze, CLS_ERROR_UNSUPPORTED);

  cls_test_rm_rf (dir);
}

/* Hostile and broken files
 * ------------------------ */

static void
test_hostile_basic (void)
{
  g_autofree char *dir = cls_test_make_tmpdir ();
  g_autofree char *empty = g_build_filename (dir, "empty.nii", NULL);
  g_autofree char *empty_gz = g_build_filename (dir, "empty.nii.gz", NULL);
  g_autofree char *text = g_build_filename (dir, "text.nii", NULL);
  g_autofree char *magic = g_build_filename (dir, "magic.nii", NULL);
  g_autofree char *short_hdr = g_build_filename (dir, "short.nii", NULL);
  g_autofree char *short_gz = g_build_filename (dir, "short.nii.gz", NULL);
  g_autofree char *missing = g_build_filename (dir, "missing.nii", NULL);
  g_autofree char *folder = g_build_filename (dir, "folder.nii", NULL);
  const int dims[3] = { 2, 2, 2 };
  const guint8 data[8] = { 0 };
  nifti_1_header h;

  write_bytes (empty, "", 0);
  assert_read_fails_with (empty, NULL, CLS_ERROR_FORMAT, "empty");

  write_maybe_gz (empty_gz, "", 0, TRUE);
  assert_read_fails (empty_gz, CLS_ERROR_FORMAT);

  write_bytes (text, "hello, this is not a volume\n", 28);
  assert_read_fails (text, CLS_ERROR_FORMAT);

  n1_init (&h, 3, dims, DT_UINT8, 8);
  memcpy (h.magic, "n+3", 4);
  write_n1 (magic, &h, data, sizeof data, FALSE);
  assert_read_fails (magic, CLS_ERROR_FORMAT);

  n1_init (&h, 3, dims, DT_UINT8, 8);
  write_bytes (short_hdr, &h, 200);
  assert_read_fails_with (short_hdr, NULL, CLS_ERROR_FORMAT, "truncated");
  write_maybe_gz (short_gz, &h, 200, TRUE);
  assert_read_fails_with (short_gz, NULL, CLS_ERROR_FORMAT, "truncated");

  assert_read_fails (missing, CLS_ERROR_IO);

  g_assert_cmpint (g_mkdir (folder, 0755), ==, 0);
  assert_read_fails (folder, CLS_ERROR_IO);

  /* a FIFO: refused at once, not waited on */
  {
    g_autofree char *fifo = g_build_filename (dir, "fifo.nii", NULL);

    g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
    assert_read_fails (fifo, CLS_ERROR_IO);
  }

  cls_test_rm_rf (dir);
}

static void
test_hostile_truncated (void)
{
  g_autofree char *dir = cls_test_make_tmpdir ();
  g_autofree char *nii = g_build_filename (dir, "cut.nii", NULL);
  g_autofree char *gz = g_build_filename (dir, "cut.nii.gz", NULL);
  g_autofree char *gz_cut = g_build_filename (dir, "cut-stream.nii.gz", NULL);
  g_autofree char *gz_crc = g_build_filename (dir, "crc.nii.gz", NULL);
  g_autofree char *gz_long = g_build_filename (dir, "long.nii.gz", NULL);
  g_autofree char *gz_junk = g_build_filename (dir, "junk.nii.gz", NULL);
  const int dims[3] = { 32, 32, 32 };
  g_autofree float *data = g_new (float, 32 * 32 * 32);
  g_autofree guint8 *whole = g_malloc0 (352 + 32 * 32 * 32 * 4 + 100);
  gsize whole_len = 352 + 32 * 32 * 32 * 4;
  nifti_1_header h;

  for (int i = 0; i < 32 * 32 * 32; i++)
    data[i] = (float) g_test_rand_double ();
  n1_init (&h, 3, dims, DT_FLOAT32, 32);
  memcpy (whole, &h, 348);
  memcpy (whole + 352, data, whole_len - 352);

  /* the voxel data stops early */
  write_bytes (nii, whole, whole_len - 1000);
  assert_read_fails_with (nii, NULL, CLS_ERROR_FORMAT, "truncated");
  write_maybe_gz (gz, whole, whole_len - 1000, TRUE);
  assert_read_fails_with (gz, NULL, CLS_ERROR_FORMAT, "truncated");

  /* a valid gzip stream holding more than the header promises */
  write_maybe_gz (gz_long, whole, whole_len + 100, TRUE);
  assert_read_fails (gz_long, CLS_ERROR_FORMAT);

  {
    gsize zlen;
    g_autofree guint8 *z = gzip_bytes (whole, whole_len, &zlen);

    /* the gzip stream itself is cut */
    write_bytes (gz_cut, z, zlen / 2);
    assert_read_fails_with (gz_cut, NULL, CLS_ERROR_FORMAT, "truncated");

    /* non-zero junk after the stream */
    {
      g_autofree guint8 *junk = g_malloc (zlen + 4);

      memcpy (junk, z, zlen);
      memcpy (junk + zlen, "junk", 4);
      write_bytes (gz_junk, junk, zlen + 4);
      assert_read_fails (gz_junk, CLS_ERROR_FORMAT);
    }

    /* a wrong CRC-32 in the trailer */
    z[zlen - 8] ^= 0x5a;
    write_bytes (gz_crc, z, zlen);
    assert_read_fails (gz_crc, CLS_ERROR_FORMAT);

    /* header-only reads do not decompress the voxels */
    {
      ClsVolumeReadOptions options = { .header_only = TRUE };
      g_autoptr(GError) error = NULL;
      g_autoptr(ClsVolume) vol = cls_volume_read (gz_crc, &options, &error);

      g_assert_no_error (error);
      g_assert_false (cls_volume_has_data (vol));
    }
  }

  cls_test_rm_rf (dir);
}

static void
test_hostile_header_fields (void)
{
  g_autofree char *dir = cls_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "bad.nii", NULL);
  const int dims[3] = { 2, 2, 2 };
  const guint8 data[64] = { 0 };
  nifti_1_header h;

  /* dim[0] = 0 and 8 */
  n1_init (&h, 3, dims, DT_UINT8, 8);
  h.dim[0] = 0;
  write_n1 (path, &h, data, sizeof data, FALSE);
  assert_read_fails_with (path, NULL, CLS_ERROR_FORMAT, "dim[0]");

  h.dim[0] = 8;
  write_n1 (path, &h, data, sizeof data, FALSE);
  assert_read_fails (path, CLS_ERROR_UNSUPPORTED);

  h.dim[0] = -3;
  write_n1 (path, &h, data, sizeof data, FALSE);
  assert_read_fails (path, CLS_ERROR_FORMAT);

  /* negative and zero sizes */
  n1_init (&h, 3, dims, DT_UINT8, 8);
  h.dim[2] = -2;
  write_n1 (path, &h, data, sizeof data, FALSE);
  assert_read_fails (path, CLS_ERROR_FORMAT);
  h.dim[2] = 0;
  write_n1 (path, &h, data, sizeof data, FALSE);
  assert_read_fails (path, CLS_ERROR_FORMAT);

  /* bitpix does not match the datatype */
  n1_init (&h, 3, dims, DT_INT16, 8);
  write_n1 (path, &h, data, sizeof data, FALSE);
  assert_read_fails_with (path, NULL, CLS_ERROR_FORMAT, "bitpix");

  /* valid NIfTI types we do not read */
  n1_init (&h, 3, dims, DT_COMPLEX64, 64);
  write_n1 (path, &h, data, sizeof data, FALSE);
  assert_read_fails_with (path, NULL, CLS_ERROR_UNSUPPORTED, "complex64");
  n1_init (&h, 3, dims, DT_RGB24, 24);
  write_n1 (path, &h, data, sizeof data, FALSE);
  assert_read_fails (path, CLS_ERROR_UNSUPPORTED);

  /* not a NIfTI type at all */
  n1_init (&h, 3, dims, 9999, 8);
  write_n1 (path, &h, data, sizeof data, FALSE);
  assert_read_fails (path, CLS_ERROR_FORMAT);

  /* data offsets inside the header, fractional, or not finite */
  n1_init (&h, 3, dims, DT_UINT8, 8);
  h.vox_offset = 100;
  write_n1 (path, &h, data, sizeof data, FALSE);
  assert_read_fails_with (path, NULL, CLS_ERROR_FORMAT, "vox_offset");
  h.vox_offset = 352.5f;
  write_n1 (path, &h, data, sizeof data, FALSE);
  assert_read_fails (path, CLS_ERROR_FORMAT);
  h.vox_offset = NAN;
  write_n1 (path, &h, data, sizeof data, FALSE);
  assert_read_fails (path, CLS_ERROR_FORMAT);

  /* a data offset past the end of the file */
  h.vox_offset = 1e9f;
  write_n1 (path, &h, data, sizeof data, FALSE);
  assert_read_fails_with (path, NULL, CLS_ERROR_FORMAT, "truncated");

  /* an sform that is not finite */
  n1_init (&h, 3, dims, DT_UINT8, 8);
  h.sform_code = 1;
  h.srow_x[0] = NAN;
  write_n1 (path, &h, data, sizeof data, FALSE);
  assert_read_fails (path, CLS_ERROR_FORMAT);

  cls_test_rm_rf (dir);
}

/* A 377-byte file that claims 18 GB must be refused from its header alone. */
static void
test_hostile_huge (void)
{
  g_autofree char *dir = cls_test_make_tmpdir ();
  g_autofree char *nii = g_build_filename (dir, "huge.nii", NULL);
  g_autofree char *gz = g_build_filename (dir, "huge.nii.gz", NULL);
  g_autofree char *small = g_build_filename (dir, "small.nii", NULL);
  const int dims[3] = { 3000, 3000, 500 };   /* float32: 18 GB */
  const guint8 data[25] = { 0 };
  ClsVolumeReadOptions budget = { .max_bytes = G_GUINT64_CONSTANT (8) << 30 };
  ClsVolumeReadOptions tiny = { .max_bytes = 1000 };
  nifti_1_header h;
  GStatBuf st;

  n1_init (&h, 3, dims, DT_FLOAT32, 32);
  write_n1 (nii, &h, data, sizeof data, FALSE);
  g_assert_cmpint (g_stat (nii, &st), ==, 0);
  g_assert_cmpint (st.st_size, ==, 377);

  {
    g_autoptr(GError) error = NULL;
    g_autoptr(ClsVolume) vol = cls_volume_read (nii, NULL, &error);

    g_assert_null (vol);
    g_assert_true (g_error_matches (error, CLS_ERROR, CLS_ERROR_FORMAT) ||
                   g_error_matches (error, CLS_ERROR, CLS_ERROR_TOO_LARGE));
    g_assert_true (g_str_has_prefix (error->message, nii));
  }

  /* compressed, its size is unknown until decompressed: the budget decides */
  write_n1 (gz, &h, data, sizeof data, TRUE);
  assert_read_fails_with (gz, &budget, CLS_ERROR_TOO_LARGE, "CLS_MAX_VOLUME_BYTES");

  /* a valid volume over a small budget */
  {
    const int dims2[3] = { 10, 10, 10 };
    g_autofree float *zeros = g_new0 (float, 1000);

    n1_init (&h, 3, dims2, DT_FLOAT32, 32);
    write_n1 (small, &h, zeros, 4000, FALSE);
    assert_read_fails_with (small, &tiny, CLS_ERROR_TOO_LARGE, NULL);
  }

  cls_test_rm_rf (dir);
}

static void
test_hostile_nifti2 (void)
{
  g_autofree char *dir = cls_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "bad2.nii", NULL);
  g_autofree char *path_gz = g_build_filename (dir, "bad2.nii.gz", NULL);
  const gint64 dims[3] = { 2, 2, 2 };
  const guint8 data[8] = { 0 };
  nifti_2_header h;

  /* dim[0] huge: must be refused before it indexes anything */
  n2_init (&h, 3, dims, DT_UINT8, 8);
  h.dim[0] = G_GINT64_CONSTANT (1) << 40;
  write_n2 (path, &h, data, sizeof data, FALSE);
  assert_read_fails_with (path, NULL, CLS_ERROR_UNSUPPORTED, "dim[0]");
  write_n2 (path_gz, &h, data, sizeof data, TRUE);
  assert_read_fails (path_gz, CLS_ERROR_UNSUPPORTED);

  h.dim[0] = -1;
  write_n2 (path, &h, data, sizeof data, FALSE);
  assert_read_fails (path, CLS_ERROR_FORMAT);

  /* sizes whose product overflows 64 bits */
  n2_init (&h, 3, dims, DT_FLOAT64, 64);
  h.dim[1] = h.dim[2] = h.dim[3] = G_GINT64_CONSTANT (1) << 40;
  write_n2 (path, &h, data, sizeof data, FALSE);
  assert_read_fails (path, CLS_ERROR_TOO_LARGE);

  /* a negative size */
  n2_init (&h, 3, dims, DT_UINT8, 8);
  h.dim[3] = -5;
  write_n2 (path, &h, data, sizeof data, FALSE);
  assert_read_fails (path, CLS_ERROR_FORMAT);

  /* a negative data offset */
  n2_init (&h, 3, dims, DT_UINT8, 8);
  h.vox_offset = -8;
  write_n2 (path, &h, data, sizeof data, FALSE);
  assert_read_fails (path, CLS_ERROR_FORMAT);

  /* a claim of 8 TB in a tiny file */
  n2_init (&h, 3, dims, DT_FLOAT64, 64);
  h.dim[1] = h.dim[2] = h.dim[3] = 10000;
  write_n2 (path, &h, data, sizeof data, FALSE);
  assert_read_fails (path, CLS_ERROR_FORMAT);
  write_n2 (path_gz, &h, data, sizeof data, TRUE);
  assert_read_fails (path_gz, CLS_ERROR_TOO_LARGE);

  cls_test_rm_rf (dir);
}

/* Writing
 * ------- */

static ClsVolume *
make_small_volume (guint8 fill)
{
  const gint64 dims[3] = { 64, 64, 64 };
  const double rows[12] = { 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0 };
  double affine[4][4];
  ClsVolume *vol;

  set_affine (affine, rows);
  vol = cls_volume_new (dims, 1, CLS_DATATYPE_UINT8, affine);
  memset (cls_volume_get_data (vol), fill, 64 * 64 * 64);
  return vol;
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

static void
test_write_dev_full (void)
{
  g_autoptr(ClsVolume) vol = make_small_volume (7);
  g_autoptr(GError) error = NULL;
  GStatBuf st;

  if (g_stat ("/dev/full", &st) != 0 || !S_ISCHR (st.st_mode))
    {
      g_test_skip ("no /dev/full");
      return;
    }

  g_assert_false (cls_volume_write (vol, "/dev/full", &error));
  g_assert_error (error, CLS_ERROR, CLS_ERROR_IO);
  g_assert_true (g_str_has_prefix (error->message, "/dev/full"));

  /* still the device, and no temporary file left next to it */
  g_assert_cmpint (g_stat ("/dev/full", &st), ==, 0);
  g_assert_true (S_ISCHR (st.st_mode));
  {
    g_autoptr(GDir) d = g_dir_open ("/dev", 0, NULL);
    const char *name;

    while (d != NULL && (name = g_dir_read_name (d)) != NULL)
      g_assert_false (g_str_has_prefix (name, ".full"));
  }
}

/* A disk that fills up half way (simulated with RLIMIT_FSIZE): an error,
 * the old file untouched, no temporary file left. */
static void
test_write_fails_midway (void)
{
  g_autofree char *dir = cls_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "out.nii", NULL);
  g_autoptr(ClsVolume) old = make_small_volume (1);
  g_autoptr(ClsVolume) vol = make_small_volume (2);
  g_autoptr(ClsVolume) back = NULL;
  g_autoptr(GError) error = NULL;
  struct rlimit saved, limited;
  void (*saved_handler) (int);
  gboolean ok;
  double d;

  g_assert_true (cls_volume_write (old, path, &error));
  g_assert_no_error (error);

  g_assert_cmpint (getrlimit (RLIMIT_FSIZE, &saved), ==, 0);
  limited = saved;
  limited.rlim_cur = 16384;
  saved_handler = signal (SIGXFSZ, SIG_IGN);
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &limited), ==, 0);

  ok = cls_volume_write (vol, path, &error);

  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &saved), ==, 0);
  signal (SIGXFSZ, saved_handler);

  g_assert_false (ok);
  g_assert_error (error, CLS_ERROR, CLS_ERROR_IO);
  g_assert_true (g_str_has_prefix (error->message, path));
  g_assert_cmpuint (count_entries (dir), ==, 1);

  back = read_ok (path);
  cls_volume_read_doubles (back, 0, 12345, 1, &d);
  g_assert_cmpfloat (d, ==, 1);

  cls_test_rm_rf (dir);
}

/* Replacing a file is a rename: a reader holding the old file keeps it. */
static void
test_write_replaces_atomically (void)
{
  g_autofree char *dir = cls_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "replace.nii.gz", NULL);
  g_autoptr(ClsVolume) first = make_small_volume (1);
  g_autoptr(ClsVolume) second = make_small_volume (2);
  g_autoptr(ClsVolume) back = NULL;
  g_autoptr(GError) error = NULL;
  GStatBuf before, after;
  double d;

  g_assert_true (cls_volume_write (first, path, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (path, &before), ==, 0);

  g_assert_true (cls_volume_write (second, path, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (path, &after), ==, 0);
  g_assert_cmpuint (before.st_ino, !=, after.st_ino);
  g_assert_cmpuint (count_entries (dir), ==, 1);

  back = read_ok (path);
  cls_volume_read_doubles (back, 0, 999, 1, &d);
  g_assert_cmpfloat (d, ==, 2);

  /* writing into a folder that does not exist */
  {
    g_autofree char *nowhere = g_build_filename (dir, "no", "such", "x.nii", NULL);

    g_clear_error (&error);
    g_assert_false (cls_volume_write (second, nowhere, &error));
    g_assert_error (error, CLS_ERROR, CLS_ERROR_IO);
    g_assert_nonnull (strstr (error->message, nowhere));
  }

  cls_test_rm_rf (dir);
}

static void
test_write_mask (void)
{
  g_autofree char *dir = cls_test_make_tmpdir ();
  g_autofree char *src = g_build_filename (dir, "prob.nii", NULL);
  g_autofree char *out = g_build_filename (dir, "mask.nii.gz", NULL);
  g_autoptr(ClsVolume) geometry = NULL;
  g_autoptr(ClsVolume) back = NULL;
  g_autoptr(GError) error = NULL;
  ClsVolumeReadOptions options = { .header_only = TRUE };
  const int dims[3] = { 5, 4, 3 };
  const float probs[60] = { 0 };
  guint8 mask[60];
  double a[4][4], b[4][4], d[60];
  char ca[4], cb[4];
  nifti_1_header h;

  /* a probability map whose geometry comes from its qform only, flipped */
  n1_init (&h, 3, dims, DT_FLOAT32, 32);
  h.qform_code = NIFTI_XFORM_SCANNER_ANAT;
  h.quatern_c = 1.0f;                 /* 180 degrees about y: x and z flip */
  h.pixdim[1] = 0.75f; h.pixdim[2] = 0.75f; h.pixdim[3] = 2.5f;
  h.qoffset_x = 12; h.qoffset_y = -8; h.qoffset_z = 40;
  write_n1 (src, &h, probs, sizeof probs, FALSE);

  geometry = cls_volume_read (src, &options, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cls_volume_get_affine_source (geometry), ==, CLS_AFFINE_QFORM);

  for (int i = 0; i < 60; i++)
    mask[i] = i % 3 == 0;
  g_assert_true (cls_volume_write_mask (geometry, mask, out, &error));
  g_assert_no_error (error);

  back = read_ok (out);
  g_assert_cmpint (cls_volume_get_datatype (back), ==, CLS_DATATYPE_UINT8);
  g_assert_cmpuint (cls_volume_get_n_channels (back), ==, 1);
  g_assert_true (cls_volume_same_grid (geometry, back, 1e-5));
  cls_volume_get_affine (geometry, a);
  cls_volume_get_affine (back, b);
  assert_affine_near (a, b, 1e-5);
  orientation_of (geometry, ca);
  orientation_of (back, cb);
  g_assert_cmpstr (ca, ==, "LAI");
  g_assert_cmpstr (cb, ==, ca);
  cls_volume_read_doubles (back, 0, 0, 60, d);
  for (int i = 0; i < 60; i++)
    g_assert_cmpfloat (d[i], ==, mask[i]);

  cls_test_rm_rf (dir);
}

static void
test_default_budget (void)
{
  const char *saved = g_getenv ("CLS_MAX_VOLUME_BYTES");
  g_autofree char *copy = g_strdup (saved);

  g_unsetenv ("CLS_MAX_VOLUME_BYTES");
  g_assert_cmpuint (cls_volume_default_max_bytes (), ==, G_GUINT64_CONSTANT (8) << 30);
  g_setenv ("CLS_MAX_VOLUME_BYTES", "123456", TRUE);
  g_assert_cmpuint (cls_volume_default_max_bytes (), ==, 123456);
  g_setenv ("CLS_MAX_VOLUME_BYTES", "2G", TRUE);
  g_assert_cmpuint (cls_volume_default_max_bytes (), ==, G_GUINT64_CONSTANT (2) << 30);
  g_setenv ("CLS_MAX_VOLUME_BYTES", "nonsense", TRUE);
  g_assert_cmpuint (cls_volume_default_max_bytes (), ==, G_GUINT64_CONSTANT (8) << 30);

  if (copy != NULL)
    g_setenv ("CLS_MAX_VOLUME_BYTES", copy, TRUE);
  else
    g_unsetenv ("CLS_MAX_VOLUME_BYTES");
}

int
main (int   argc,
      char *argv[])
{
  static const struct { ClsDatatype type; const char *name; } types[] = {
    { CLS_DATATYPE_UINT8, "uint8" },
    { CLS_DATATYPE_INT8, "int8" },
    { CLS_DATATYPE_INT16, "int16" },
    { CLS_DATATYPE_UINT16, "uint16" },
    { CLS_DATATYPE_INT32, "int32" },
    { CLS_DATATYPE_UINT32, "uint32" },
    { CLS_DATATYPE_INT64, "int64" },
    { CLS_DATATYPE_UINT64, "uint64" },
    { CLS_DATATYPE_FLOAT32, "float32" },
    { CLS_DATATYPE_FLOAT64, "float64" },
  };
  static RoundTrip round_trips[G_N_ELEMENTS (types) * 2];

  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    for (int gz = 0; gz <= 1; gz++)
      {
        RoundTrip *rt = &round_trips[i * 2 + gz];
        g_autofree char *name = g_strdup_printf ("/volume/round-trip/%s/%s",
                                                 types[i].name, gz ? "nii.gz" : "nii");

        rt->type = types[i].type;
        rt->gz = gz;
        g_test_add_data_func (name, rt, test_round_trip);
      }

  g_test_add_func ("/volume/scaling", test_scaling);
  g_test_add_func ("/volume/affine/sform-wins", test_affine_sform_wins);
  g_test_add_func ("/volume/affine/qform", test_affine_qform);
  g_test_add_func ("/volume/affine/pixdim", test_affine_pixdim);
  g_test_add_func ("/volume/affine/handedness-warning", test_affine_handedness_warning);
  g_test_add_func ("/volume/affine/orientation-codes", test_orientation_codes);
  g_test_add_func ("/volume/affine/written-qform", test_written_qform_matches_sform);
  g_test_add_func ("/volume/affine/written-shear", test_written_shear);
  g_test_add_func ("/volume/nifti2/read", test_nifti2);
  g_test_add_func ("/volume/nifti2/write", test_write_nifti2);
  g_test_add_func ("/volume/4d", test_4d);
  g_test_add_func ("/volume/big-endian", test_big_endian);
  g_test_add_func ("/volume/gzip-by-magic", test_gzip_by_magic);
  g_test_add_func ("/volume/header-only", test_header_only);
  g_test_add_func ("/volume/pair", test_pair);
  g_test_add_func ("/volume/hostile/basic", test_hostile_basic);
  g_test_add_func ("/volume/hostile/truncated", test_hostile_truncated);
  g_test_add_func ("/volume/hostile/header-fields", test_hostile_header_fields);
  g_test_add_func ("/volume/hostile/huge", test_hostile_huge);
  g_test_add_func ("/volume/hostile/nifti2", test_hostile_nifti2);
  g_test_add_func ("/volume/write/dev-full", test_write_dev_full);
  g_test_add_func ("/volume/write/fails-midway", test_write_fails_midway);
  g_test_add_func ("/volume/write/replaces-atomically", test_write_replaces_atomically);
  g_test_add_func ("/volume/write/mask", test_write_mask);
  g_test_add_func ("/volume/default-budget", test_default_budget);

  return g_test_run ();
}
