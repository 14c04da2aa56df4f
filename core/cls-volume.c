/* cls-volume.c: NIfTI-1/NIfTI-2 volumes (read, validate, geometry, scale, write)
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The file I/O is ours, not nifticlib's: its reader turns NaN into 0, takes
 * allocation sizes straight from a hostile header and prints to stderr, and
 * its writer cannot report failure. Every header is validated (byte order,
 * dimensions, datatype, offsets, sizes against the file or the memory budget)
 * before anything large is allocated. nifticlib is used only for the
 * quaternion arithmetic of the qform.
 *
 * The voxel-to-world rule is nibabel's: sform if sform_code > 0, else qform if
 * qform_code > 0, else a plain scaling by pixdim around the volume's centre
 * with the x axis flipped.
 */
#include "config.h"

#include <inttypes.h>

#include <errno.h>
#include <fcntl.h>
#include <float.h>
#include <math.h>
#include <stddef.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <gsl/gsl_linalg.h>
#include <libdeflate.h>
#include <nifti2_io.h>
#include <zlib.h>

#include "cls-atomic-file.h"
#include "cls-error.h"
#include "cls-volume.h"

#define DEFAULT_MAX_BYTES   (G_GUINT64_CONSTANT (8) << 30)
#define NIFTI1_HEADER_SIZE  348
#define NIFTI2_HEADER_SIZE  540
#define NIFTI1_DATA_OFFSET  352
#define NIFTI2_DATA_OFFSET  544
#define DATA_ALIGNMENT      64
#define IO_CHUNK            (16 * 1024)

struct _ClsVolume
{
  char            *path;
  int              nifti_version;
  ClsDatatype      datatype;
  guint            bytes_per_voxel;
  gint64           dims[3];
  guint            n_channels;
  guint64          n_voxels;          /* per channel */
  double           affine[4][4];
  ClsAffineSource  affine_source;
  char            *affine_warning;
  double           spacing[3];
  int              xform_code;        /* the code of the transform used, 0 if none */
  gboolean         has_scaling;
  double           slope;
  double           inter;
  guint8          *block;             /* the allocation that holds the voxels */
  gsize            block_size;
  guint8          *data;              /* voxels, native byte order, x fastest */
  gsize            data_size;
};

/* A header in a version- and byte-order-neutral form. */
typedef struct
{
  int       version;                  /* 1 or 2 */
  gboolean  swapped;
  gboolean  pair;                     /* ni1/ni2: the voxels are in a .img file */
  gsize     header_size;
  gint64    dim[8];
  int       datatype;
  int       bitpix;
  double    pixdim[8];
  guint64   vox_offset;
  double    scl_slope;
  double    scl_inter;
  int       qform_code;
  int       sform_code;
  double    quatern[3];
  double    qoffset[3];
  double    srow[3][4];

  /* derived while validating */
  guint     bytes_per_voxel;
  gint64    dims3[3];
  guint64   n_voxels;
  guint     n_channels;
  guint64   data_bytes;
} Header;

/* What a writer needs to know about a volume. */
typedef struct
{
  gint64       dims[3];
  guint        n_channels;
  ClsDatatype  datatype;
  double       affine[4][4];
  int          xform_code;
  gboolean     has_scaling;
  double       slope;
  double       inter;
} WriteSpec;

/* Errors
 * ------ */

static void set_error (GError     **error,
                       ClsError     code,
                       const char  *path,
                       const char  *format,
                       ...) G_GNUC_PRINTF (4, 5);

static void
set_error (GError     **error,
           ClsError     code,
           const char  *path,
           const char  *format,
           ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  /* Translators: a file name, then what is wrong with it */
  g_set_error (error, CLS_ERROR, code, _("%s: %s"), path, message);
}

static char *
format_bytes (guint64 n)
{
  if (n < 1000)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u byte", "%u bytes", (gulong) n),
                            (guint) n);
  return g_format_size_full (n, G_FORMAT_SIZE_LONG_FORMAT | G_FORMAT_SIZE_IEC_UNITS);
}

static char *
format_i64 (gint64 n)
{
  return g_strdup_printf ("%" PRId64, n);
}

/* Datatypes
 * --------- */

static gboolean
datatype_supported (int       code,
                    guint    *bytes,
                    const char **name)
{
  guint b;
  const char *n;

  switch (code)
    {
    case CLS_DATATYPE_UINT8:   b = 1; n = "uint8";   break;
    case CLS_DATATYPE_INT8:    b = 1; n = "int8";    break;
    case CLS_DATATYPE_INT16:   b = 2; n = "int16";   break;
    case CLS_DATATYPE_UINT16:  b = 2; n = "uint16";  break;
    case CLS_DATATYPE_INT32:   b = 4; n = "int32";   break;
    case CLS_DATATYPE_UINT32:  b = 4; n = "uint32";  break;
    case CLS_DATATYPE_INT64:   b = 8; n = "int64";   break;
    case CLS_DATATYPE_UINT64:  b = 8; n = "uint64";  break;
    case CLS_DATATYPE_FLOAT32: b = 4; n = "float32"; break;
    case CLS_DATATYPE_FLOAT64: b = 8; n = "float64"; break;
    default:
      return FALSE;
    }

  if (bytes != NULL)
    *bytes = b;
  if (name != NULL)
    *name = n;
  return TRUE;
}

/* Names of valid NIfTI datatypes that we do not read. */
static const char *
datatype_unsupported_name (int code)
{
  switch (code)
    {
    case DT_BINARY:     return "binary (1 bit)";
    case DT_COMPLEX64:  return "complex64";
    case DT_RGB24:      return "RGB24";
    case DT_INT64:      return "int64";
    case DT_UINT64:     return "uint64";
    case DT_FLOAT128:   return "float128";
    case DT_COMPLEX128: return "complex128";
    case DT_COMPLEX256: return "complex256";
    case DT_RGBA32:     return "RGBA32";
    default:            return NULL;
    }
}

/* Byte-level access to headers
 * ---------------------------- */

static inline gint16
rd_i16 (const guint8 *b, gsize off, gboolean swap)
{
  guint16 v;
  memcpy (&v, b + off, sizeof v);
  if (swap)
    v = GUINT16_SWAP_LE_BE (v);
  return (gint16) v;
}

static inline gint32
rd_i32 (const guint8 *b, gsize off, gboolean swap)
{
  guint32 v;
  memcpy (&v, b + off, sizeof v);
  if (swap)
    v = GUINT32_SWAP_LE_BE (v);
  return (gint32) v;
}

static inline gint64
rd_i64 (const guint8 *b, gsize off, gboolean swap)
{
  guint64 v;
  memcpy (&v, b + off, sizeof v);
  if (swap)
    v = GUINT64_SWAP_LE_BE (v);
  return (gint64) v;
}

static inline double
rd_f32 (const guint8 *b, gsize off, gboolean swap)
{
  guint32 v;
  float f;
  memcpy (&v, b + off, sizeof v);
  if (swap)
    v = GUINT32_SWAP_LE_BE (v);
  memcpy (&f, &v, sizeof f);
  return f;
}

static inline double
rd_f64 (const guint8 *b, gsize off, gboolean swap)
{
  guint64 v;
  double d;
  memcpy (&v, b + off, sizeof v);
  if (swap)
    v = GUINT64_SWAP_LE_BE (v);
  memcpy (&d, &v, sizeof d);
  return d;
}

static inline void
wr_i16 (guint8 *b, gsize off, gint16 v)
{
  guint16 le = GUINT16_TO_LE ((guint16) v);
  memcpy (b + off, &le, sizeof le);
}

static inline void
wr_i32 (guint8 *b, gsize off, gint32 v)
{
  guint32 le = GUINT32_TO_LE ((guint32) v);
  memcpy (b + off, &le, sizeof le);
}

static inline void
wr_i64 (guint8 *b, gsize off, gint64 v)
{
  guint64 le = GUINT64_TO_LE ((guint64) v);
  memcpy (b + off, &le, sizeof le);
}

static inline void
wr_f32 (guint8 *b, gsize off, double d)
{
  float f = (float) d;
  guint32 v;
  memcpy (&v, &f, sizeof v);
  v = GUINT32_TO_LE (v);
  memcpy (b + off, &v, sizeof v);
}

static inline void
wr_f64 (guint8 *b, gsize off, double d)
{
  guint64 v;
  memcpy (&v, &d, sizeof v);
  v = GUINT64_TO_LE (v);
  memcpy (b + off, &v, sizeof v);
}

#define N1(field) offsetof (nifti_1_header, field)
#define N2(field) offsetof (nifti_2_header, field)

/* Header parsing and validation
 * ----------------------------- */

/* Reads the raw fields of the header in @buf (@len bytes) into @h and checks
 * everything that decides how much memory the volume needs. Nothing here
 * trusts a field before it has been checked.
 */
static gboolean
parse_header (const char    *path,
              const guint8  *buf,
              gsize          len,
              Header        *h,
              GError       **error)
{
  g_autofree char *have = NULL;
  const guint8 *magic;
  gint32 sizeof_hdr;
  gint64 dim0;
  const char *type_name = NULL;
  guint64 n3 = 1, nchan = 1, total;
  double vox_offset;
  int i;

  memset (h, 0, sizeof *h);

  if (len == 0)
    {
      set_error (error, CLS_ERROR_FORMAT, path, _("the file is empty"));
      return FALSE;
    }
  if (len < 4)
    {
      have = format_bytes (len);
      set_error (error, CLS_ERROR_FORMAT, path,
                 _("not a NIfTI file: it holds only %s"), have);
      return FALSE;
    }

  memcpy (&sizeof_hdr, buf, sizeof sizeof_hdr);
  if (sizeof_hdr == NIFTI1_HEADER_SIZE || sizeof_hdr == NIFTI2_HEADER_SIZE)
    h->swapped = FALSE;
  else if ((gint32) GUINT32_SWAP_LE_BE ((guint32) sizeof_hdr) == NIFTI1_HEADER_SIZE ||
           (gint32) GUINT32_SWAP_LE_BE ((guint32) sizeof_hdr) == NIFTI2_HEADER_SIZE)
    {
      h->swapped = TRUE;
      sizeof_hdr = (gint32) GUINT32_SWAP_LE_BE ((guint32) sizeof_hdr);
    }
  else
    {
      set_error (error, CLS_ERROR_FORMAT, path,
                 _("not a NIfTI file: the header size field is neither 348 (NIfTI-1) "
                   "nor 540 (NIfTI-2) in either byte order"));
      return FALSE;
    }

  h->version = sizeof_hdr == NIFTI1_HEADER_SIZE ? 1 : 2;
  h->header_size = (gsize) sizeof_hdr;

  if (len < h->header_size)
    {
      have = format_bytes (len);
      set_error (error, CLS_ERROR_FORMAT, path,
                 _("truncated: a NIfTI-%d header needs %u bytes but the file holds only %s"),
                 h->version, (guint) h->header_size, have);
      return FALSE;
    }

  /* Magic */
  magic = buf + (h->version == 1 ? N1 (magic) : N2 (magic));
  if (h->version == 1 && memcmp (magic, "n+1", 4) == 0)
    h->pair = FALSE;
  else if (h->version == 1 && memcmp (magic, "ni1", 4) == 0)
    h->pair = TRUE;
  else if (h->version == 2 && memcmp (magic, "n+2", 4) == 0)
    h->pair = FALSE;
  else if (h->version == 2 && memcmp (magic, "ni2", 4) == 0)
    h->pair = TRUE;
  else if (h->version == 1 && magic[0] == 0 && magic[1] == 0 && magic[2] == 0)
    {
      set_error (error, CLS_ERROR_UNSUPPORTED, path,
                 _("an Analyze 7.5 header (no NIfTI magic string); Analyze files are "
                   "not supported, convert the file to NIfTI"));
      return FALSE;
    }
  else
    {
      set_error (error, CLS_ERROR_FORMAT, path,
                 _("not a NIfTI file: the magic string is not “%s” or “%s”"),
                 h->version == 1 ? "n+1" : "n+2", h->version == 1 ? "ni1" : "ni2");
      return FALSE;
    }

  /* dim[0] first: it bounds every loop over the dimensions. */
  dim0 = h->version == 1 ? rd_i16 (buf, N1 (dim), h->swapped)
                         : rd_i64 (buf, N2 (dim), h->swapped);
  if (dim0 < 1)
    {
      g_autofree char *s = format_i64 (dim0);
      set_error (error, CLS_ERROR_FORMAT, path,
                 _("the number of dimensions (dim[0]) is %s; it must be 1 to 7"), s);
      return FALSE;
    }
  if (dim0 > 7)
    {
      g_autofree char *s = format_i64 (dim0);
      set_error (error, CLS_ERROR_UNSUPPORTED, path,
                 _("the header declares %s dimensions (dim[0]); NIfTI allows at most 7"), s);
      return FALSE;
    }

  for (i = 0; i < 8; i++)
    {
      if (h->version == 1)
        {
          h->dim[i] = rd_i16 (buf, N1 (dim) + 2 * i, h->swapped);
          h->pixdim[i] = rd_f32 (buf, N1 (pixdim) + 4 * i, h->swapped);
        }
      else
        {
          h->dim[i] = rd_i64 (buf, N2 (dim) + 8 * i, h->swapped);
          h->pixdim[i] = rd_f64 (buf, N2 (pixdim) + 8 * i, h->swapped);
        }
    }

  for (i = 1; i <= dim0; i++)
    {
      if (h->dim[i] < 1)
        {
          g_autofree char *s = format_i64 (h->dim[i]);
          set_error (error, CLS_ERROR_FORMAT, path,
                     _("dimension %d has size %s; sizes must be positive"), i, s);
          return FALSE;
        }
    }

  /* Datatype */
  if (h->version == 1)
    {
      h->datatype = rd_i16 (buf, N1 (datatype), h->swapped);
      h->bitpix = rd_i16 (buf, N1 (bitpix), h->swapped);
    }
  else
    {
      h->datatype = rd_i16 (buf, N2 (datatype), h->swapped);
      h->bitpix = rd_i16 (buf, N2 (bitpix), h->swapped);
    }

  if (!datatype_supported (h->datatype, &h->bytes_per_voxel, &type_name))
    {
      const char *name = datatype_unsupported_name (h->datatype);

      if (name != NULL)
        set_error (error, CLS_ERROR_UNSUPPORTED, path,
                   _("voxels of type %s (NIfTI datatype %d) are not supported; use an "
                     "integer or float32/float64 type"), name, h->datatype);
      else
        set_error (error, CLS_ERROR_FORMAT, path,
                   _("unknown NIfTI datatype code %d"), h->datatype);
      return FALSE;
    }
  if ((guint) h->bitpix != 8 * h->bytes_per_voxel)
    {
      set_error (error, CLS_ERROR_FORMAT, path,
                 _("inconsistent header: bitpix is %d but datatype %s has %u bits per voxel"),
                 h->bitpix, type_name, 8 * h->bytes_per_voxel);
      return FALSE;
    }

  /* Sizes, with every product checked for overflow. */
  for (i = 1; i <= 3; i++)
    h->dims3[i - 1] = i <= dim0 ? h->dim[i] : 1;
  for (i = 1; i <= dim0; i++)
    {
      guint64 *acc = i <= 3 ? &n3 : &nchan;

      if (!g_uint64_checked_mul (acc, *acc, (guint64) h->dim[i]))
        {
          set_error (error, CLS_ERROR_TOO_LARGE, path,
                     _("the header declares more voxels than can be counted"));
          return FALSE;
        }
    }
  if (nchan > G_MAXUINT)
    {
      g_autofree char *s = g_strdup_printf ("%" PRIu64, nchan);
      set_error (error, CLS_ERROR_TOO_LARGE, path,
                 _("the header declares %s volumes (dimensions 4 to 7); too many"), s);
      return FALSE;
    }
  if (!g_uint64_checked_mul (&total, n3, nchan) ||
      !g_uint64_checked_mul (&total, total, h->bytes_per_voxel) ||
      total > (guint64) G_MAXSSIZE)
    {
      set_error (error, CLS_ERROR_TOO_LARGE, path,
                 _("the header declares more voxel data than can be addressed"));
      return FALSE;
    }
  h->n_voxels = n3;
  h->n_channels = (guint) nchan;
  h->data_bytes = total;

  /* Data offset */
  if (h->version == 1)
    {
      vox_offset = rd_f32 (buf, N1 (vox_offset), h->swapped);
      if (!isfinite (vox_offset) || vox_offset < 0 || vox_offset != floor (vox_offset))
        {
          set_error (error, CLS_ERROR_FORMAT, path,
                     _("the voxel data offset (vox_offset = %g) is not a whole number of bytes"),
                     vox_offset);
          return FALSE;
        }
      if (vox_offset > (double) G_MAXSSIZE)
        {
          set_error (error, CLS_ERROR_FORMAT, path,
                     _("the voxel data offset (vox_offset = %g) is implausibly large"), vox_offset);
          return FALSE;
        }
      h->vox_offset = (guint64) vox_offset;
    }
  else
    {
      gint64 off = rd_i64 (buf, N2 (vox_offset), h->swapped);

      if (off < 0)
        {
          g_autofree char *s = format_i64 (off);
          set_error (error, CLS_ERROR_FORMAT, path,
                     _("the voxel data offset (vox_offset = %s) is negative"), s);
          return FALSE;
        }
      h->vox_offset = (guint64) off;
    }

  if (!h->pair && h->vox_offset < h->header_size)
    {
      g_autofree char *s = g_strdup_printf ("%" PRIu64, h->vox_offset);
      set_error (error, CLS_ERROR_FORMAT, path,
                 _("the voxel data offset (vox_offset = %s) lies inside the %u-byte header"),
                 s, (guint) h->header_size);
      return FALSE;
    }
  if (h->vox_offset > (guint64) G_MAXSSIZE - h->data_bytes)
    {
      set_error (error, CLS_ERROR_FORMAT, path,
                 _("the voxel data offset (vox_offset) is implausibly large"));
      return FALSE;
    }

  /* Scaling and transforms */
  if (h->version == 1)
    {
      h->scl_slope = rd_f32 (buf, N1 (scl_slope), h->swapped);
      h->scl_inter = rd_f32 (buf, N1 (scl_inter), h->swapped);
      h->qform_code = rd_i16 (buf, N1 (qform_code), h->swapped);
      h->sform_code = rd_i16 (buf, N1 (sform_code), h->swapped);
      for (i = 0; i < 3; i++)
        {
          h->quatern[i] = rd_f32 (buf, N1 (quatern_b) + 4 * i, h->swapped);
          h->qoffset[i] = rd_f32 (buf, N1 (qoffset_x) + 4 * i, h->swapped);
        }
      for (i = 0; i < 4; i++)
        {
          h->srow[0][i] = rd_f32 (buf, N1 (srow_x) + 4 * i, h->swapped);
          h->srow[1][i] = rd_f32 (buf, N1 (srow_y) + 4 * i, h->swapped);
          h->srow[2][i] = rd_f32 (buf, N1 (srow_z) + 4 * i, h->swapped);
        }
    }
  else
    {
      h->scl_slope = rd_f64 (buf, N2 (scl_slope), h->swapped);
      h->scl_inter = rd_f64 (buf, N2 (scl_inter), h->swapped);
      h->qform_code = rd_i32 (buf, N2 (qform_code), h->swapped);
      h->sform_code = rd_i32 (buf, N2 (sform_code), h->swapped);
      for (i = 0; i < 3; i++)
        {
          h->quatern[i] = rd_f64 (buf, N2 (quatern_b) + 8 * i, h->swapped);
          h->qoffset[i] = rd_f64 (buf, N2 (qoffset_x) + 8 * i, h->swapped);
        }
      for (i = 0; i < 4; i++)
        {
          h->srow[0][i] = rd_f64 (buf, N2 (srow_x) + 8 * i, h->swapped);
          h->srow[1][i] = rd_f64 (buf, N2 (srow_y) + 8 * i, h->swapped);
          h->srow[2][i] = rd_f64 (buf, N2 (srow_z) + 8 * i, h->swapped);
        }
    }

  return TRUE;
}

/* Geometry
 * -------- */

static void
mat_identity (double m[4][4])
{
  memset (m, 0, sizeof (double) * 16);
  for (int i = 0; i < 4; i++)
    m[i][i] = 1.0;
}

static double
det3 (const double m[4][4])
{
  return m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1])
       - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
       + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
}

static gboolean
mat_is_finite (const double m[4][4])
{
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 4; j++)
      if (!isfinite (m[i][j]))
        return FALSE;
  return TRUE;
}

static void
dmat44_to_array (const nifti_dmat44 *src,
                 double              dst[4][4])
{
  for (int i = 0; i < 4; i++)
    for (int j = 0; j < 4; j++)
      dst[i][j] = src->m[i][j];
}

static void
array_to_dmat44 (const double  src[4][4],
                 nifti_dmat44 *dst)
{
  for (int i = 0; i < 4; i++)
    for (int j = 0; j < 4; j++)
      dst->m[i][j] = src[i][j];
}

/* The qform as nifticlib computes it, with the voxel sizes made usable:
 * absolute values, and 1 for zero or non-finite sizes. */
static void
header_qform (const Header *h,
              double        m[4][4])
{
  double d[3];
  double qfac = h->pixdim[0] < 0 ? -1.0 : 1.0;
  nifti_dmat44 q;

  for (int i = 0; i < 3; i++)
    {
      d[i] = fabs (h->pixdim[i + 1]);
      if (!isfinite (d[i]) || d[i] == 0)
        d[i] = 1.0;
    }

  q = nifti_quatern_to_dmat44 (h->quatern[0], h->quatern[1], h->quatern[2],
                               h->qoffset[0], h->qoffset[1], h->qoffset[2],
                               d[0], d[1], d[2], qfac);
  dmat44_to_array (&q, m);
}

static gboolean
qform_is_finite (const Header *h)
{
  for (int i = 0; i < 3; i++)
    if (!isfinite (h->quatern[i]) || !isfinite (h->qoffset[i]))
      return FALSE;
  return TRUE;
}

/* nibabel's fallback (shape_zoom_affine with x flipped): a scaling by the
 * voxel sizes, centred on the volume. */
static void
header_base_affine (const Header *h,
                    double        m[4][4])
{
  mat_identity (m);
  for (int i = 0; i < 3; i++)
    {
      double zoom = i + 1 <= h->dim[0] ? h->pixdim[i + 1] : 1.0;

      if (!isfinite (zoom) || zoom == 0)
        zoom = 1.0;
      if (i == 0)
        zoom = -zoom;
      m[i][i] = zoom;
      m[i][3] = -((double) h->dims3[i] - 1.0) / 2.0 * zoom;
    }
}

static gboolean
header_affine (const char       *path,
               const Header     *h,
               double            affine[4][4],
               ClsAffineSource  *source,
               int              *xform_code,
               char            **warning,
               GError          **error)
{
  *warning = NULL;

  if (h->sform_code > 0)
    {
      mat_identity (affine);
      for (int i = 0; i < 3; i++)
        for (int j = 0; j < 4; j++)
          affine[i][j] = h->srow[i][j];
      if (!mat_is_finite (affine))
        {
          set_error (error, CLS_ERROR_FORMAT, path,
                     _("the sform matrix (srow_x, srow_y, srow_z) holds a number that is "
                       "not finite"));
          return FALSE;
        }
      *source = CLS_AFFINE_SFORM;
      *xform_code = h->sform_code;

      if (h->qform_code > 0 && qform_is_finite (h))
        {
          double q[4][4];
          double ds, dq;

          header_qform (h, q);
          ds = det3 (affine);
          dq = det3 (q);
          if ((ds < 0 && dq > 0) || (ds > 0 && dq < 0))
            *warning = g_strdup_printf (_("%s: the sform and the qform disagree in handedness "
                                          "(one is the mirror image of the other). The sform "
                                          "is used, as nibabel does; viewers that prefer the "
                                          "qform will show this image flipped."),
                                        path);
        }
    }
  else if (h->qform_code > 0)
    {
      if (!qform_is_finite (h))
        {
          set_error (error, CLS_ERROR_FORMAT, path,
                     _("the qform (quatern_b/c/d, qoffset_x/y/z) holds a number that is "
                       "not finite"));
          return FALSE;
        }
      header_qform (h, affine);
      *source = CLS_AFFINE_QFORM;
      *xform_code = h->qform_code;
    }
  else
    {
      header_base_affine (h, affine);
      *source = CLS_AFFINE_PIXDIM;
      *xform_code = 0;
    }

  return TRUE;
}

static void
affine_spacing (const double affine[4][4],
                double       spacing[3])
{
  for (int j = 0; j < 3; j++)
    spacing[j] = sqrt (affine[0][j] * affine[0][j] +
                       affine[1][j] * affine[1][j] +
                       affine[2][j] * affine[2][j]);
}

/* nibabel's io_orientation() + ornt2axcodes(): the closest rotation to the
 * affine's direction cosines (polar decomposition), then, axis by axis, the
 * world axis that changes most, each world axis used once. */
static void
affine_axcodes (const double affine[4][4],
                char         axcodes[4])
{
  static const char labels[3][2] = { { 'L', 'R' }, { 'P', 'A' }, { 'I', 'S' } };
  double u[9], v[9], s[3];
  double r[3][3];
  double zooms[3];
  double smax = 0, tol;
  gsl_matrix_view U = gsl_matrix_view_array (u, 3, 3);
  gsl_matrix_view V = gsl_matrix_view_array (v, 3, 3);
  gsl_vector_view S = gsl_vector_view_array (s, 3);

  axcodes[0] = axcodes[1] = axcodes[2] = '?';
  axcodes[3] = '\0';

  if (!mat_is_finite (affine))
    return;

  /* Unit columns (scaled first, so that no square overflows or underflows):
   * the decomposition then only ever sees numbers in [-1, 1]. */
  for (int j = 0; j < 3; j++)
    {
      double big = MAX (fabs (affine[0][j]), MAX (fabs (affine[1][j]), fabs (affine[2][j])));
      double norm = 0;

      for (int i = 0; i < 3; i++)
        {
          u[i * 3 + j] = big > 0 ? affine[i][j] / big : 0.0;
          norm += u[i * 3 + j] * u[i * 3 + j];
        }
      zooms[j] = sqrt (norm);
      for (int i = 0; i < 3; i++)
        if (zooms[j] > 0)
          u[i * 3 + j] /= zooms[j];
    }

  if (gsl_linalg_SV_decomp_jacobi (&U.matrix, &V.matrix, &S.vector) != GSL_SUCCESS)
    return;

  for (int k = 0; k < 3; k++)
    smax = MAX (smax, s[k]);
  tol = smax * 3 * DBL_EPSILON;

  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++)
      {
        r[i][j] = 0;
        for (int k = 0; k < 3; k++)
          if (s[k] > tol)
            r[i][j] += u[i * 3 + k] * v[j * 3 + k];
      }

  for (int in_ax = 0; in_ax < 3; in_ax++)
    {
      int out_ax = 0;
      gboolean zero = TRUE;

      for (int i = 0; i < 3; i++)
        {
          if (fabs (r[i][in_ax]) > 1e-8)
            zero = FALSE;
          if (fabs (r[i][in_ax]) > fabs (r[out_ax][in_ax]))
            out_ax = i;
        }
      if (zero)
        continue;

      axcodes[in_ax] = labels[out_ax][r[out_ax][in_ax] > 0 ? 1 : 0];
      for (int j = 0; j < 3; j++)
        r[out_ax][j] = 0;
    }
}

/* File access
 * ----------- */

static int
open_regular (const char   *path,
              struct stat  *st,
              GError      **error)
{
  /* O_NONBLOCK: opening a FIFO must not wait for a writer. It changes
   * nothing for the regular files we go on to read. */
  int fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NONBLOCK, 0);

  if (fd < 0)
    {
      int saved_errno = errno;
      set_error (error, CLS_ERROR_IO, path, _("cannot open: %s"), g_strerror (saved_errno));
      return -1;
    }

  if (fstat (fd, st) != 0)
    {
      int saved_errno = errno;
      close (fd);
      set_error (error, CLS_ERROR_IO, path, _("cannot read: %s"), g_strerror (saved_errno));
      return -1;
    }

  if (S_ISDIR (st->st_mode))
    {
      close (fd);
      set_error (error, CLS_ERROR_IO, path, _("is a folder, not a file"));
      return -1;
    }

  if (!S_ISREG (st->st_mode))
    {
      close (fd);
      set_error (error, CLS_ERROR_IO, path, _("is not a regular file"));
      return -1;
    }

  return fd;
}

/* Reads up to @len bytes at @offset; *@got < @len only at the end of the file. */
static gboolean
read_at (int           fd,
         const char   *path,
         guint64       offset,
         guint8       *buf,
         gsize         len,
         gsize        *got,
         GError      **error)
{
  gsize done = 0;

  while (done < len)
    {
      gssize n = pread (fd, buf + done, MIN (len - done, (gsize) 1 << 30),
                        (off_t) (offset + done));

      if (n < 0)
        {
          int saved_errno = errno;

          if (saved_errno == EINTR)
            continue;
          set_error (error, CLS_ERROR_IO, path, _("cannot read: %s"), g_strerror (saved_errno));
          return FALSE;
        }
      if (n == 0)
        break;
      done += (gsize) n;
    }

  *got = done;
  return TRUE;
}

static gboolean
is_gzip_fd (int          fd,
            const char  *path,
            gboolean    *gz,
            GError     **error)
{
  guint8 magic[2];
  gsize got;

  if (!read_at (fd, path, 0, magic, 2, &got, error))
    return FALSE;

  *gz = got == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
  return TRUE;
}

/* Inflates the first @want bytes of the gzip file @fd with zlib (following
 * multi-member streams); *@got < @want when the data ends earlier, and
 * *@ended says whether it ended properly (the last member's end) or was cut
 * short. */
static gboolean
inflate_prefix (int          fd,
                const char  *path,
                guint8      *out,
                gsize        want,
                gsize       *got,
                gboolean    *ended,
                GError     **error)
{
  guint8 in[IO_CHUNK];
  guint64 pos = 0;
  z_stream z;
  gboolean ok = FALSE;

  memset (&z, 0, sizeof z);
  if (inflateInit2 (&z, 16 + MAX_WBITS) != Z_OK)
    {
      set_error (error, CLS_ERROR_IO, path, _("cannot start decompression"));
      return FALSE;
    }

  z.next_out = out;
  z.avail_out = (uInt) want;
  *ended = FALSE;

  while (z.avail_out > 0)
    {
      int zr;

      if (z.avail_in == 0)
        {
          gsize n;

          if (!read_at (fd, path, pos, in, sizeof in, &n, error))
            goto out;
          if (n == 0)
            break;
          pos += n;
          z.next_in = in;
          z.avail_in = (uInt) n;
        }

      zr = inflate (&z, Z_NO_FLUSH);
      if (zr == Z_STREAM_END)
        {
          /* Another gzip member may follow. */
          if (z.avail_in == 0)
            {
              gsize n;

              if (!read_at (fd, path, pos, in, sizeof in, &n, error))
                goto out;
              if (n == 0)
                {
                  *ended = TRUE;
                  break;
                }
              pos += n;
              z.next_in = in;
              z.avail_in = (uInt) n;
            }
          if (z.next_in[0] != 0x1f)
            {
              *ended = TRUE;
              break;
            }
          inflateReset (&z);
        }
      else if (zr != Z_OK && zr != Z_BUF_ERROR)
        {
          set_error (error, CLS_ERROR_FORMAT, path, _("corrupt gzip data: %s"),
                     z.msg != NULL ? z.msg : zError (zr));
          goto out;
        }
    }

  *got = want - z.avail_out;
  ok = TRUE;

out:
  inflateEnd (&z);
  return ok;
}

/* After libdeflate refused a gzip member, ask zlib why, for the message. */
static void
explain_gzip_failure (const char    *path,
                      const guint8  *in,
                      gsize          in_len,
                      guint64        out_before,
                      guint64        vox_offset,
                      guint64        data_bytes,
                      GError       **error)
{
  guint8 scratch[IO_CHUNK];
  guint64 produced = out_before;
  z_stream z;
  int zr = Z_OK;

  memset (&z, 0, sizeof z);
  if (inflateInit2 (&z, 16 + MAX_WBITS) != Z_OK)
    {
      set_error (error, CLS_ERROR_FORMAT, path, _("corrupt gzip data"));
      return;
    }

  z.next_in = (Bytef *) in;
  while (in_len > 0 || z.avail_in > 0)
    {
      if (z.avail_in == 0)
        {
          z.avail_in = (uInt) MIN (in_len, (gsize) 1 << 30);
          in_len -= z.avail_in;
        }
      z.next_out = scratch;
      z.avail_out = sizeof scratch;
      zr = inflate (&z, Z_NO_FLUSH);
      produced += sizeof scratch - z.avail_out;
      if (zr != Z_OK)
        break;
    }

  if (zr == Z_DATA_ERROR || zr == Z_NEED_DICT || zr == Z_STREAM_ERROR || zr == Z_MEM_ERROR)
    set_error (error, CLS_ERROR_FORMAT, path, _("corrupt gzip data: %s"),
               z.msg != NULL ? z.msg : zError (zr));
  else if (zr == Z_STREAM_END)
    set_error (error, CLS_ERROR_FORMAT, path, _("corrupt gzip data"));
  else
    {
      g_autofree char *promised = format_bytes (data_bytes);
      g_autofree char *have = format_bytes (produced > vox_offset ? produced - vox_offset : 0);

      set_error (error, CLS_ERROR_FORMAT, path,
                 _("truncated: the header promises %s of voxel data but the compressed "
                   "file ends after %s"), promised, have);
    }

  inflateEnd (&z);
}

/* Reusing memory
 * --------------
 *
 * Loading a dataset reads volume after volume of much the same size. Fresh
 * memory for each costs a page fault per 4 KiB and the kernel's zeroing,
 * about as much time as decompressing the data. So a thread keeps the few
 * large blocks it freed last (voxels, compressed input) and its next reads
 * take them. They are freed when the thread ends: the dataset loader's
 * worker threads end with the load. */

#define SPARE_MIN_BYTES ((gsize) 1 << 20)
#define SPARE_SLOTS     3

typedef struct {
  guint8 *block;
  gsize   size;
} Spare;

typedef struct {
  Spare slot[SPARE_SLOTS];
} SpareCache;

static void
spare_cache_free (gpointer data)
{
  SpareCache *cache = data;

  for (guint i = 0; i < SPARE_SLOTS; i++)
    g_free (cache->slot[i].block);
  g_free (cache);
}

static GPrivate spare_cache = G_PRIVATE_INIT (spare_cache_free);

/* Returns @size bytes (uninitialised) or NULL; *@allocated is what to give
 * block_free(). */
static guint8 *
block_alloc (gsize  size,
             gsize *allocated)
{
  SpareCache *cache = g_private_get (&spare_cache);
  int best = -1;

  if (size < SPARE_MIN_BYTES)
    {
      *allocated = size;
      return g_try_malloc (MAX (size, 1));
    }

  for (guint i = 0; cache != NULL && i < SPARE_SLOTS; i++)
    {
      const Spare *s = &cache->slot[i];

      if (s->block != NULL && s->size >= size && s->size / 4 <= size &&
          (best < 0 || s->size < cache->slot[best].size))
        best = (int) i;
    }

  if (best >= 0)
    {
      guint8 *block = cache->slot[best].block;

      *allocated = cache->slot[best].size;
      cache->slot[best].block = NULL;
      cache->slot[best].size = 0;
      return block;
    }

  /* A little room, so that the next file of about this size fits. */
  *allocated = size + size / 8;
  return g_try_malloc (*allocated);
}

static void
block_free (guint8 *block,
            gsize   size)
{
  SpareCache *cache;
  guint smallest = 0;

  if (block == NULL)
    return;
  if (size < SPARE_MIN_BYTES)
    {
      g_free (block);
      return;
    }

  cache = g_private_get (&spare_cache);
  if (cache == NULL)
    {
      cache = g_new0 (SpareCache, 1);
      g_private_set (&spare_cache, cache);
    }

  /* Keep the largest blocks. */
  for (guint i = 0; i < SPARE_SLOTS; i++)
    if (cache->slot[i].size < cache->slot[smallest].size)
      smallest = i;
  if (cache->slot[smallest].block != NULL && cache->slot[smallest].size >= size)
    {
      g_free (block);
      return;
    }
  g_free (cache->slot[smallest].block);
  cache->slot[smallest].block = block;
  cache->slot[smallest].size = size;
}

/* Decompresses the whole gzip file @fd into @out, which must come out exactly
 * @expected bytes long (@vox_offset + @data_bytes). */
static gboolean
gunzip_exact (int                 fd,
              const char         *path,
              const struct stat  *st,
              guint64             vox_offset,
              guint64             data_bytes,
              guint8             *out,
              GError            **error)
{
  guint8 *in = NULL;
  gsize in_allocated = 0;
  struct libdeflate_decompressor *d = NULL;
  gsize expected = (gsize) (vox_offset + data_bytes);
  gsize in_len = (gsize) st->st_size;
  gsize got, pos_in = 0, pos_out = 0;
  gboolean ok = FALSE;

  in = block_alloc (in_len, &in_allocated);
  if (in == NULL)
    {
      g_autofree char *s = format_bytes (in_len);
      set_error (error, CLS_ERROR_TOO_LARGE, path,
                 _("not enough memory to read the %s compressed file"), s);
      return FALSE;
    }
  if (!read_at (fd, path, 0, in, in_len, &got, error))
    goto out;
  in_len = got;

  d = libdeflate_alloc_decompressor ();
  if (d == NULL)
    {
      set_error (error, CLS_ERROR_IO, path, _("cannot start decompression"));
      goto out;
    }

  while (pos_in < in_len)
    {
      enum libdeflate_result r;
      size_t in_used = 0, out_used = 0;

      if (in[pos_in] != 0x1f)
        {
          /* Zero padding after the last member is tolerated, as gzip does. */
          gsize k;

          for (k = pos_in; k < in_len && in[k] == 0; k++)
            ;
          if (k == in_len)
            break;
          set_error (error, CLS_ERROR_FORMAT, path,
                     _("corrupt gzip data: unexpected bytes after the compressed stream"));
          goto out;
        }

      r = libdeflate_gzip_decompress_ex (d, in + pos_in, in_len - pos_in,
                                         out + pos_out, expected - pos_out,
                                         &in_used, &out_used);
      if (r == LIBDEFLATE_INSUFFICIENT_SPACE)
        {
          g_autofree char *promised = format_bytes (data_bytes);
          set_error (error, CLS_ERROR_FORMAT, path,
                     _("inconsistent: the data decompresses to more than the %s of voxel "
                       "data the header promises"), promised);
          goto out;
        }
      if (r != LIBDEFLATE_SUCCESS)
        {
          explain_gzip_failure (path, in + pos_in, in_len - pos_in, pos_out,
                                vox_offset, data_bytes, error);
          goto out;
        }
      pos_in += in_used;
      pos_out += out_used;
    }

  if (pos_out != expected)
    {
      g_autofree char *promised = format_bytes (data_bytes);
      g_autofree char *have = format_bytes (pos_out > vox_offset ? pos_out - vox_offset : 0);

      set_error (error, CLS_ERROR_FORMAT, path,
                 _("truncated: the header promises %s of voxel data but the compressed "
                   "file holds only %s"), promised, have);
      goto out;
    }

  ok = TRUE;

out:
  if (d != NULL)
    libdeflate_free_decompressor (d);
  block_free (in, in_allocated);
  return ok;
}

/* Pair files
 * ---------- */

static gboolean
has_suffix_ci (const char *s,
               const char *suffix)
{
  gsize ls = strlen (s), lx = strlen (suffix);

  return ls >= lx && g_ascii_strcasecmp (s + ls - lx, suffix) == 0;
}

/* "a.hdr" -> "a.img" (keeping the letter case), "a.hdr.gz" -> "a.img.gz";
 * with @toggle_gz the ".gz" is added or removed as well. */
static char *
pair_partner (const char *path,
              gboolean    toggle_gz)
{
  static const char hdr[] = "hdr", img[] = "img";
  gboolean gz = has_suffix_ci (path, ".gz");
  gsize base_len = strlen (path) - (gz ? 3 : 0);
  const char *to;
  GString *s;

  if (base_len < 4 || path[base_len - 4] != '.')
    return NULL;
  if (g_ascii_strncasecmp (path + base_len - 3, hdr, 3) == 0)
    to = img;
  else if (g_ascii_strncasecmp (path + base_len - 3, img, 3) == 0)
    to = hdr;
  else
    return NULL;

  s = g_string_new_len (path, base_len - 3);
  for (int i = 0; i < 3; i++)
    {
      char c = path[base_len - 3 + i];
      g_string_append_c (s, g_ascii_isupper (c) ? g_ascii_toupper (to[i]) : to[i]);
    }

  if (gz != toggle_gz)
    g_string_append (s, g_ascii_isupper (path[base_len - 1]) ? ".GZ" : ".gz");

  return g_string_free (s, FALSE);
}

/* The existing partner of @path (.hdr <-> .img, with or without .gz), or
 * NULL with an error that names the missing file. */
static char *
find_pair_partner (const char  *path,
                   GError     **error)
{
  g_autofree char *first = pair_partner (path, FALSE);
  g_autofree char *second = pair_partner (path, TRUE);

  if (first == NULL)
    {
      set_error (error, CLS_ERROR_FORMAT, path,
                 _("a NIfTI header whose voxels are in a separate .img file, but the file "
                   "is not named .hdr"));
      return NULL;
    }
  if (g_file_test (first, G_FILE_TEST_EXISTS))
    return g_steal_pointer (&first);
  if (g_file_test (second, G_FILE_TEST_EXISTS))
    return g_steal_pointer (&second);

  set_error (error, CLS_ERROR_IO, path, _("the file %s that belongs with it is missing"), first);
  return NULL;
}

/* Voxel conversion
 * ---------------- */

static void
swap_in_place (guint8  *data,
               guint64  n,
               guint    size)
{
  if (size == 2)
    {
      guint16 *p = (guint16 *) data;
      for (guint64 i = 0; i < n; i++)
        p[i] = GUINT16_SWAP_LE_BE (p[i]);
    }
  else if (size == 4)
    {
      guint32 *p = (guint32 *) data;
      for (guint64 i = 0; i < n; i++)
        p[i] = GUINT32_SWAP_LE_BE (p[i]);
    }
  else if (size == 8)
    {
      guint64 *p = (guint64 *) data;
      for (guint64 i = 0; i < n; i++)
        p[i] = GUINT64_SWAP_LE_BE (p[i]);
    }
}

/* One tight loop per (input, output) type, with and without scaling. */
#define DEFINE_CONVERT(suffix, itype, otype)                                  \
static void                                                                   \
convert_##suffix (const void *src,                                            \
                  guint64     n,                                              \
                  otype      *out,                                            \
                  gboolean    scale,                                          \
                  double      slope,                                          \
                  double      inter)                                          \
{                                                                             \
  const itype *restrict in = src;                                             \
  otype *restrict o = out;                                                    \
                                                                              \
  if (scale)                                                                  \
    for (guint64 i = 0; i < n; i++)                                           \
      o[i] = (otype) ((double) in[i] * slope + inter);                        \
  else                                                                        \
    for (guint64 i = 0; i < n; i++)                                           \
      o[i] = (otype) in[i];                                                   \
}

DEFINE_CONVERT (u8_d, guint8, double)
DEFINE_CONVERT (s8_d, gint8, double)
DEFINE_CONVERT (s16_d, gint16, double)
DEFINE_CONVERT (u16_d, guint16, double)
DEFINE_CONVERT (s32_d, gint32, double)
DEFINE_CONVERT (u32_d, guint32, double)
DEFINE_CONVERT (s64_d, gint64, double)
DEFINE_CONVERT (u64_d, guint64, double)
DEFINE_CONVERT (f32_d, float, double)
DEFINE_CONVERT (f64_d, double, double)
DEFINE_CONVERT (u8_f, guint8, float)
DEFINE_CONVERT (s64_f, gint64, float)
DEFINE_CONVERT (u64_f, guint64, float)
DEFINE_CONVERT (s8_f, gint8, float)
DEFINE_CONVERT (s16_f, gint16, float)
DEFINE_CONVERT (u16_f, guint16, float)
DEFINE_CONVERT (s32_f, gint32, float)
DEFINE_CONVERT (u32_f, guint32, float)
DEFINE_CONVERT (f32_f, float, float)
DEFINE_CONVERT (f64_f, double, float)

/* Public API
 * ---------- */

/**
 * cls_volume_default_max_bytes:
 *
 * The memory budget for one volume's voxel data when the caller gives none:
 * the environment variable `CLS_MAX_VOLUME_BYTES` (a number of bytes,
 * optionally followed by K, M, G or T for binary multiples) or 8 GiB.
 *
 * Returns: a number of bytes
 */
guint64
cls_volume_default_max_bytes (void)
{
  const char *env = g_getenv ("CLS_MAX_VOLUME_BYTES");
  char *end = NULL;
  guint64 value;

  if (env == NULL || *env == '\0')
    return DEFAULT_MAX_BYTES;

  value = g_ascii_strtoull (env, &end, 10);
  if (end == env)
    return DEFAULT_MAX_BYTES;

  while (g_ascii_isspace (*end))
    end++;
  switch (g_ascii_toupper (*end))
    {
    case 'T': value = value > (G_MAXUINT64 >> 40) ? G_MAXUINT64 : value << 40; break;
    case 'G': value = value > (G_MAXUINT64 >> 30) ? G_MAXUINT64 : value << 30; break;
    case 'M': value = value > (G_MAXUINT64 >> 20) ? G_MAXUINT64 : value << 20; break;
    case 'K': value = value > (G_MAXUINT64 >> 10) ? G_MAXUINT64 : value << 10; break;
    default: break;
    }

  return value > 0 ? value : DEFAULT_MAX_BYTES;
}

static void
cls_volume_clear (gpointer data)
{
  ClsVolume *self = data;

  g_free (self->path);
  g_free (self->affine_warning);
  block_free (self->block, self->block_size);
}

static ClsVolume *
cls_volume_alloc (void)
{
  return g_atomic_rc_box_new0 (ClsVolume);
}

static void
quiet_nifticlib (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done))
    {
      nifti_set_debug_level (0);
      g_once_init_leave (&done, 1);
    }
}

static gboolean
check_budget (const char  *path,
              guint64      need,
              guint64      budget,
              GError     **error)
{
  g_autofree char *n = NULL;
  g_autofree char *b = NULL;

  if (need <= budget)
    return TRUE;

  n = format_bytes (need);
  b = format_bytes (budget);
  set_error (error, CLS_ERROR_TOO_LARGE, path,
             _("the volume needs %s of memory, more than the limit of %s "
               "(set CLS_MAX_VOLUME_BYTES to change the limit)"), n, b);
  return FALSE;
}

/* Loads the voxels of @h from @fd (the .nii, or the .img of a pair) into
 * @self, converted to the native byte order. */
static gboolean
load_voxels (ClsVolume          *self,
             const Header       *h,
             int                 fd,
             const char         *path,
             gboolean            gz,
             const struct stat  *st,
             GError            **error)
{
  if (gz)
    {
      gsize total = (gsize) (h->vox_offset + h->data_bytes);
      gsize pad;

      self->block = block_alloc (total + DATA_ALIGNMENT, &self->block_size);
      if (self->block == NULL)
        goto no_memory;

      pad = (DATA_ALIGNMENT - ((guintptr) self->block + h->vox_offset) % DATA_ALIGNMENT) %
            DATA_ALIGNMENT;
      if (!gunzip_exact (fd, path, st, h->vox_offset, h->data_bytes, self->block + pad, error))
        return FALSE;
      self->data = self->block + pad + h->vox_offset;
    }
  else
    {
      gsize got;

      self->block = block_alloc (h->data_bytes, &self->block_size);
      if (self->block == NULL)
        goto no_memory;
      if (!read_at (fd, path, h->vox_offset, self->block, h->data_bytes, &got, error))
        return FALSE;
      if (got != h->data_bytes)
        {
          g_autofree char *promised = format_bytes (h->data_bytes);
          g_autofree char *have = format_bytes (got);

          set_error (error, CLS_ERROR_FORMAT, path,
                     _("truncated: the header promises %s of voxel data but the file "
                       "holds only %s"), promised, have);
          return FALSE;
        }
      self->data = self->block;
    }

  self->data_size = h->data_bytes;
  if (h->swapped)
    swap_in_place (self->data, h->data_bytes / h->bytes_per_voxel, h->bytes_per_voxel);

  return TRUE;

no_memory:
  {
    g_autofree char *s = format_bytes (h->data_bytes);
    set_error (error, CLS_ERROR_TOO_LARGE, path,
               _("not enough memory to load %s of voxel data"), s);
    return FALSE;
  }
}

/* Checks an uncompressed data file against the size the header promises. */
static gboolean
check_raw_size (const char         *path,
                const Header       *h,
                const struct stat  *st,
                GError            **error)
{
  guint64 size = (guint64) st->st_size;

  if (size < h->vox_offset)
    {
      g_autofree char *offset = g_strdup_printf ("%" PRIu64, h->vox_offset);
      g_autofree char *have = format_bytes (size);

      set_error (error, CLS_ERROR_FORMAT, path,
                 _("truncated: the voxel data should start at byte %s but the file holds "
                   "only %s"), offset, have);
      return FALSE;
    }

  if (size < h->vox_offset + h->data_bytes)
    {
      g_autofree char *promised = format_bytes (h->data_bytes);
      g_autofree char *have = format_bytes (size > h->vox_offset ? size - h->vox_offset : 0);

      set_error (error, CLS_ERROR_FORMAT, path,
                 _("truncated: the header promises %s of voxel data but the file holds "
                   "only %s"), promised, have);
      return FALSE;
    }

  return TRUE;
}

/**
 * cls_volume_read:
 * @path: a `.nii`, `.nii.gz` or `.hdr`/`.img` file (NIfTI-1 or NIfTI-2)
 * @options: (nullable): how to read, or %NULL for defaults
 * @error: return location for a #GError
 *
 * Reads and validates a NIfTI volume. Gzip compression is recognised by its
 * magic bytes, whatever the name. The header is checked (byte order,
 * dimensions, datatype and bitpix, data offset, sizes against the file or
 * the memory budget) before any large allocation, and a gzip stream must
 * decompress to exactly the size the header promises, with valid checksums.
 *
 * For a NIfTI pair, @path may name the `.hdr` or the `.img` file. Analyze 7.5
 * files (no NIfTI magic) are refused with %CLS_ERROR_UNSUPPORTED.
 *
 * Returns: (transfer full) (nullable): the volume, or %NULL with @error set
 */
ClsVolume *
cls_volume_read (const char                 *path,
                 const ClsVolumeReadOptions *options,
                 GError                    **error)
{
  g_autoptr(ClsVolume) self = NULL;
  g_autofree char *header_path = NULL;
  g_autofree char *data_path = NULL;
  guint8 buf[NIFTI2_HEADER_SIZE];
  struct stat st, data_st;
  gboolean gz = FALSE, data_gz = FALSE;
  gboolean header_only = options != NULL && options->header_only;
  guint64 budget;
  gsize got;
  Header h;
  int fd = -1, data_fd = -1;
  gboolean ok = FALSE;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  quiet_nifticlib ();

  budget = options != NULL && options->max_bytes > 0 ? options->max_bytes
                                                     : cls_volume_default_max_bytes ();

  /* Given the .img of a pair, read its .hdr. */
  if (has_suffix_ci (path, ".img") || has_suffix_ci (path, ".img.gz"))
    {
      header_path = find_pair_partner (path, error);
      if (header_path == NULL)
        return NULL;
    }
  else
    header_path = g_strdup (path);

  fd = open_regular (header_path, &st, error);
  if (fd < 0)
    return NULL;

  if (!is_gzip_fd (fd, header_path, &gz, error))
    goto out;

  if (gz)
    {
      gboolean ended;

      if (!inflate_prefix (fd, header_path, buf, sizeof buf, &got, &ended, error))
        goto out;
      if (!ended && got < sizeof buf && got < NIFTI1_HEADER_SIZE)
        {
          g_autofree char *have = format_bytes (got);

          set_error (error, CLS_ERROR_FORMAT, header_path,
                     _("truncated: the compressed data is cut short after %s of the header"), have);
          goto out;
        }
    }
  else if (!read_at (fd, header_path, 0, buf, sizeof buf, &got, error))
    goto out;

  if (!parse_header (header_path, buf, got, &h, error))
    goto out;

  /* Where the voxels are. */
  if (h.pair)
    {
      data_path = g_str_equal (header_path, path) ? find_pair_partner (header_path, error)
                                                  : g_strdup (path);
      if (data_path == NULL)
        goto out;
      data_fd = open_regular (data_path, &data_st, error);
      if (data_fd < 0)
        goto out;
      if (!is_gzip_fd (data_fd, data_path, &data_gz, error))
        goto out;
    }
  else
    {
      data_path = g_strdup (header_path);
      data_fd = fd;
      data_st = st;
      data_gz = gz;
    }

  /* Sizes against the file and the budget, before any large allocation. */
  if (!data_gz && !check_raw_size (data_path, &h, &data_st, error))
    goto out;
  if (!check_budget (header_path, h.data_bytes + (data_gz ? h.vox_offset : 0), budget, error))
    goto out;
  if (data_gz && !header_only && (guint64) data_st.st_size > budget)
    {
      g_autofree char *s = format_bytes (data_st.st_size);
      g_autofree char *b = format_bytes (budget);

      set_error (error, CLS_ERROR_TOO_LARGE, data_path,
                 _("the compressed file (%s) is larger than the memory limit of %s "
                   "(set CLS_MAX_VOLUME_BYTES to change the limit)"), s, b);
      goto out;
    }

  self = cls_volume_alloc ();
  self->path = g_strdup (path);
  self->nifti_version = h.version;
  self->datatype = (ClsDatatype) h.datatype;
  self->bytes_per_voxel = h.bytes_per_voxel;
  memcpy (self->dims, h.dims3, sizeof self->dims);
  self->n_channels = h.n_channels;
  self->n_voxels = h.n_voxels;

  if (!header_affine (header_path, &h, self->affine, &self->affine_source,
                      &self->xform_code, &self->affine_warning, error))
    goto out;
  affine_spacing (self->affine, self->spacing);

  if (isfinite (h.scl_slope) && h.scl_slope != 0)
    {
      double inter = isfinite (h.scl_inter) ? h.scl_inter : 0.0;

      if (h.scl_slope != 1.0 || inter != 0.0)
        {
          self->has_scaling = TRUE;
          self->slope = h.scl_slope;
          self->inter = inter;
        }
    }
  if (!self->has_scaling)
    {
      self->slope = 1.0;
      self->inter = 0.0;
    }

  if (!header_only &&
      !load_voxels (self, &h, data_fd, data_path, data_gz, &data_st, error))
    goto out;

  ok = TRUE;

out:
  if (data_fd >= 0 && data_fd != fd)
    close (data_fd);
  if (fd >= 0)
    close (fd);

  return ok ? g_steal_pointer (&self) : NULL;
}

/**
 * cls_volume_new:
 * @dims: the size along x, y and z (each at least 1)
 * @n_channels: how many 3D volumes (at least 1)
 * @datatype: the voxel type
 * @affine: the voxel-to-world matrix (row-major, last row 0 0 0 1)
 *
 * Makes an in-memory volume with zeroed voxels. Writing it stores @affine as
 * both the sform and (when it is a rotation and scaling) the qform.
 *
 * Returns: (transfer full): the volume
 */
ClsVolume *
cls_volume_new (const gint64  dims[3],
                guint         n_channels,
                ClsDatatype   datatype,
                const double  affine[4][4])
{
  ClsVolume *self;
  guint bytes;
  guint64 n = 1, total;

  g_return_val_if_fail (dims != NULL, NULL);
  g_return_val_if_fail (affine != NULL, NULL);
  g_return_val_if_fail (n_channels >= 1, NULL);
  g_return_val_if_fail (datatype_supported (datatype, &bytes, NULL), NULL);
  g_return_val_if_fail (mat_is_finite (affine), NULL);
  for (int i = 0; i < 3; i++)
    {
      g_return_val_if_fail (dims[i] >= 1, NULL);
      g_return_val_if_fail (g_uint64_checked_mul (&n, n, (guint64) dims[i]), NULL);
    }
  g_return_val_if_fail (g_uint64_checked_mul (&total, n, n_channels), NULL);
  g_return_val_if_fail (g_uint64_checked_mul (&total, total, bytes), NULL);
  g_return_val_if_fail (total <= G_MAXSSIZE, NULL);

  self = cls_volume_alloc ();
  self->nifti_version = 1;
  for (int i = 0; i < 3; i++)
    if (dims[i] > G_MAXINT16)
      self->nifti_version = 2;
  if (n_channels > G_MAXINT16)
    self->nifti_version = 2;
  self->datatype = datatype;
  self->bytes_per_voxel = bytes;
  memcpy (self->dims, dims, sizeof self->dims);
  self->n_channels = n_channels;
  self->n_voxels = n;
  memcpy (self->affine, affine, sizeof self->affine);
  self->affine[3][0] = self->affine[3][1] = self->affine[3][2] = 0.0;
  self->affine[3][3] = 1.0;
  self->affine_source = CLS_AFFINE_SFORM;
  affine_spacing (self->affine, self->spacing);
  self->slope = 1.0;
  self->inter = 0.0;
  self->block = g_malloc0 (MAX (total, 1));
  self->block_size = 0;  /* never reused: it may be small, and it is freed with g_free() */
  self->data = self->block;
  self->data_size = total;

  return self;
}

/**
 * cls_volume_ref:
 * @self: a #ClsVolume
 *
 * Returns: (transfer full): @self, with one more reference
 */
ClsVolume *
cls_volume_ref (ClsVolume *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_atomic_rc_box_acquire (self);
}

/**
 * cls_volume_unref:
 * @self: (transfer full) (nullable): a #ClsVolume
 *
 * Drops a reference; the last one frees the volume and its voxels.
 */
void
cls_volume_unref (ClsVolume *self)
{
  if (self != NULL)
    g_atomic_rc_box_release_full (self, cls_volume_clear);
}

/**
 * cls_volume_get_path:
 * @self: a #ClsVolume
 *
 * Returns: (nullable): the path it was read from, %NULL for a new volume
 */
const char *
cls_volume_get_path (const ClsVolume *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->path;
}

/**
 * cls_volume_get_nifti_version:
 * @self: a #ClsVolume
 *
 * Returns: 1 or 2: the NIfTI version read, or the one cls_volume_write()
 *   will use for a new volume
 */
int
cls_volume_get_nifti_version (const ClsVolume *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->nifti_version;
}

/**
 * cls_volume_get_datatype:
 * @self: a #ClsVolume
 *
 * Returns: the on-disk voxel type
 */
ClsDatatype
cls_volume_get_datatype (const ClsVolume *self)
{
  g_return_val_if_fail (self != NULL, CLS_DATATYPE_UINT8);
  return self->datatype;
}

/**
 * cls_volume_get_datatype_name:
 * @self: a #ClsVolume
 *
 * Returns: a short name such as "uint8" or "float32"
 */
const char *
cls_volume_get_datatype_name (const ClsVolume *self)
{
  const char *name = "unknown";

  g_return_val_if_fail (self != NULL, NULL);
  datatype_supported (self->datatype, NULL, &name);
  return name;
}

/**
 * cls_volume_has_data:
 * @self: a #ClsVolume
 *
 * Returns: %FALSE when the volume was read with @header_only
 */
gboolean
cls_volume_has_data (const ClsVolume *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return self->data != NULL;
}

/**
 * cls_volume_get_dims:
 * @self: a #ClsVolume
 * @dims: (out caller-allocates) (array fixed-size=3): the size along x, y, z
 *
 * Dimensions the file does not have count as 1.
 */
void
cls_volume_get_dims (const ClsVolume *self,
                     gint64           dims[3])
{
  g_return_if_fail (self != NULL);
  memcpy (dims, self->dims, sizeof self->dims);
}

/**
 * cls_volume_get_n_voxels:
 * @self: a #ClsVolume
 *
 * Returns: the number of voxels of one channel (x * y * z)
 */
guint64
cls_volume_get_n_voxels (const ClsVolume *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->n_voxels;
}

/**
 * cls_volume_get_n_channels:
 * @self: a #ClsVolume
 *
 * Returns: the number of 3D volumes: the product of dimensions 4 to 7
 */
guint
cls_volume_get_n_channels (const ClsVolume *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->n_channels;
}

/**
 * cls_volume_get_spacing:
 * @self: a #ClsVolume
 * @spacing: (out caller-allocates) (array fixed-size=3): voxel sizes in mm
 *
 * The true voxel sizes: the lengths of the affine's first three columns.
 */
void
cls_volume_get_spacing (const ClsVolume *self,
                        double           spacing[3])
{
  g_return_if_fail (self != NULL);
  memcpy (spacing, self->spacing, sizeof self->spacing);
}

/**
 * cls_volume_get_affine:
 * @self: a #ClsVolume
 * @affine: (out caller-allocates): the voxel-to-world matrix, row-major
 *
 * The matrix nibabel would use: sform if sform_code > 0, else qform if
 * qform_code > 0, else a scaling by pixdim (see cls_volume_get_affine_source()).
 */
void
cls_volume_get_affine (const ClsVolume *self,
                       double           affine[4][4])
{
  g_return_if_fail (self != NULL);
  memcpy (affine, self->affine, sizeof self->affine);
}

/**
 * cls_volume_get_affine_source:
 * @self: a #ClsVolume
 *
 * Returns: which header transform gave the affine
 */
ClsAffineSource
cls_volume_get_affine_source (const ClsVolume *self)
{
  g_return_val_if_fail (self != NULL, CLS_AFFINE_PIXDIM);
  return self->affine_source;
}

/**
 * cls_volume_get_affine_warning:
 * @self: a #ClsVolume
 *
 * Returns: (nullable): a sentence for the user when the header's qform and
 *   sform disagree in handedness, else %NULL
 */
const char *
cls_volume_get_affine_warning (const ClsVolume *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->affine_warning;
}

/**
 * cls_volume_get_scaling:
 * @self: a #ClsVolume
 * @slope: (out) (optional): the slope applied (1 when none)
 * @inter: (out) (optional): the intercept applied (0 when none)
 *
 * Values are `slope * raw + inter` when scl_slope is finite and non-zero (a
 * non-finite scl_inter counts as 0). An identity scaling (1, 0) counts as
 * none.
 *
 * Returns: whether the voxels are scaled
 */
gboolean
cls_volume_get_scaling (const ClsVolume *self,
                        double          *slope,
                        double          *inter)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (slope != NULL)
    *slope = self->slope;
  if (inter != NULL)
    *inter = self->inter;
  return self->has_scaling;
}

/**
 * cls_volume_get_orientation:
 * @self: a #ClsVolume
 * @axcodes: (out caller-allocates) (array fixed-size=4): three letters and a NUL
 *
 * The world direction each voxel axis points to most, as nibabel's
 * aff2axcodes() gives it: "RAS", "LPS", "LAS"... An axis whose direction
 * cannot be told (a zero column) is '?'.
 */
void
cls_volume_get_orientation (const ClsVolume *self,
                            char             axcodes[4])
{
  g_return_if_fail (self != NULL);
  affine_axcodes (self->affine, axcodes);
}

/**
 * cls_volume_read_doubles:
 * @self: a #ClsVolume with data
 * @channel: which 3D volume
 * @first: the first voxel (x fastest within the 3D volume)
 * @count: how many voxels
 * @out: (out caller-allocates) (array length=count): the values, scaled
 *
 * Converts voxels to doubles, scaling applied. NaN and infinities come
 * through unchanged.
 */
void
cls_volume_read_doubles (const ClsVolume *self,
                         guint            channel,
                         guint64          first,
                         guint64          count,
                         double          *out)
{
  const guint8 *src;

  g_return_if_fail (self != NULL);
  g_return_if_fail (self->data != NULL);
  g_return_if_fail (channel < self->n_channels);
  g_return_if_fail (first <= self->n_voxels && count <= self->n_voxels - first);
  g_return_if_fail (out != NULL || count == 0);

  src = self->data + ((guint64) channel * self->n_voxels + first) * self->bytes_per_voxel;

  switch (self->datatype)
    {
    case CLS_DATATYPE_UINT8:
      convert_u8_d (src, count, out, self->has_scaling, self->slope, self->inter);
      break;
    case CLS_DATATYPE_INT8:
      convert_s8_d (src, count, out, self->has_scaling, self->slope, self->inter);
      break;
    case CLS_DATATYPE_INT16:
      convert_s16_d (src, count, out, self->has_scaling, self->slope, self->inter);
      break;
    case CLS_DATATYPE_UINT16:
      convert_u16_d (src, count, out, self->has_scaling, self->slope, self->inter);
      break;
    case CLS_DATATYPE_INT32:
      convert_s32_d (src, count, out, self->has_scaling, self->slope, self->inter);
      break;
    case CLS_DATATYPE_UINT32:
      convert_u32_d (src, count, out, self->has_scaling, self->slope, self->inter);
      break;
    case CLS_DATATYPE_INT64:
      convert_s64_d (src, count, out, self->has_scaling, self->slope, self->inter);
      break;
    case CLS_DATATYPE_UINT64:
      convert_u64_d (src, count, out, self->has_scaling, self->slope, self->inter);
      break;
    case CLS_DATATYPE_FLOAT32:
      convert_f32_d (src, count, out, self->has_scaling, self->slope, self->inter);
      break;
    case CLS_DATATYPE_FLOAT64:
      if (self->has_scaling)
        convert_f64_d (src, count, out, TRUE, self->slope, self->inter);
      else
        memcpy (out, src, count * sizeof (double));
      break;
    default:
      g_assert_not_reached ();
    }
}

/**
 * cls_volume_read_floats:
 * @self: a #ClsVolume with data
 * @channel: which 3D volume
 * @first: the first voxel (x fastest within the 3D volume)
 * @count: how many voxels
 * @out: (out caller-allocates) (array length=count): the values, scaled
 *
 * Like cls_volume_read_doubles(), to floats. Scaling is computed in double
 * precision, then rounded.
 */
void
cls_volume_read_floats (const ClsVolume *self,
                        guint            channel,
                        guint64          first,
                        guint64          count,
                        float           *out)
{
  const guint8 *src;

  g_return_if_fail (self != NULL);
  g_return_if_fail (self->data != NULL);
  g_return_if_fail (channel < self->n_channels);
  g_return_if_fail (first <= self->n_voxels && count <= self->n_voxels - first);
  g_return_if_fail (out != NULL || count == 0);

  src = self->data + ((guint64) channel * self->n_voxels + first) * self->bytes_per_voxel;

  switch (self->datatype)
    {
    case CLS_DATATYPE_UINT8:
      convert_u8_f (src, count, out, self->has_scaling, self->slope, self->inter);
      break;
    case CLS_DATATYPE_INT8:
      convert_s8_f (src, count, out, self->has_scaling, self->slope, self->inter);
      break;
    case CLS_DATATYPE_INT16:
      convert_s16_f (src, count, out, self->has_scaling, self->slope, self->inter);
      break;
    case CLS_DATATYPE_UINT16:
      convert_u16_f (src, count, out, self->has_scaling, self->slope, self->inter);
      break;
    case CLS_DATATYPE_INT32:
      convert_s32_f (src, count, out, self->has_scaling, self->slope, self->inter);
      break;
    case CLS_DATATYPE_UINT32:
      convert_u32_f (src, count, out, self->has_scaling, self->slope, self->inter);
      break;
    case CLS_DATATYPE_INT64:
      convert_s64_f (src, count, out, self->has_scaling, self->slope, self->inter);
      break;
    case CLS_DATATYPE_UINT64:
      convert_u64_f (src, count, out, self->has_scaling, self->slope, self->inter);
      break;
    case CLS_DATATYPE_FLOAT32:
      if (self->has_scaling)
        convert_f32_f (src, count, out, TRUE, self->slope, self->inter);
      else
        memcpy (out, src, count * sizeof (float));
      break;
    case CLS_DATATYPE_FLOAT64:
      convert_f64_f (src, count, out, self->has_scaling, self->slope, self->inter);
      break;
    default:
      g_assert_not_reached ();
    }
}

/**
 * cls_volume_get_data:
 * @self: a #ClsVolume
 *
 * The raw voxels in native byte order, channel after channel, x fastest,
 * unscaled. Writable: this is how a new volume is filled.
 *
 * Returns: (transfer none) (nullable): the voxels, %NULL without data
 */
gpointer
cls_volume_get_data (ClsVolume *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->data;
}

/**
 * cls_volume_same_grid:
 * @a: a #ClsVolume
 * @b: another #ClsVolume
 * @tolerance_mm: the largest difference allowed in any affine entry
 *
 * Returns: whether @a and @b have the same x, y, z sizes and affines that
 *   agree entry by entry within @tolerance_mm
 */
gboolean
cls_volume_same_grid (const ClsVolume *a,
                      const ClsVolume *b,
                      double           tolerance_mm)
{
  g_return_val_if_fail (a != NULL, FALSE);
  g_return_val_if_fail (b != NULL, FALSE);

  for (int i = 0; i < 3; i++)
    if (a->dims[i] != b->dims[i])
      return FALSE;

  for (int i = 0; i < 4; i++)
    for (int j = 0; j < 4; j++)
      if (!(fabs (a->affine[i][j] - b->affine[i][j]) <= tolerance_mm))
        return FALSE;

  return TRUE;
}

/* Writing
 * ------- */

static void
spec_from_volume (WriteSpec       *spec,
                  const ClsVolume *vol)
{
  memcpy (spec->dims, vol->dims, sizeof spec->dims);
  spec->n_channels = vol->n_channels;
  spec->datatype = vol->datatype;
  memcpy (spec->affine, vol->affine, sizeof spec->affine);
  spec->xform_code = vol->xform_code;
  spec->has_scaling = vol->has_scaling;
  spec->slope = vol->slope;
  spec->inter = vol->inter;
}

/* Builds the little-endian header (with the 4 extension bytes) into @buf,
 * which holds NIFTI2_DATA_OFFSET zeroed bytes; returns its length. */
static gsize
build_header (const WriteSpec *spec,
              guint8          *buf)
{
  nifti_dmat44 m, back;
  double qb, qc, qd, qx, qy, qz, dx, dy, dz, qfac;
  gboolean v2 = FALSE, qform_ok = TRUE;
  int code, ndim = spec->n_channels > 1 ? 4 : 3;
  gint64 dim[8] = { ndim, spec->dims[0], spec->dims[1], spec->dims[2], spec->n_channels, 1, 1, 1 };
  double pixdim[8] = { 1, 1, 1, 1, 1, 1, 1, 1 };
  guint bytes = 1;

  datatype_supported (spec->datatype, &bytes, NULL);
  for (int i = 1; i <= 4; i++)
    if (dim[i] > G_MAXINT16)
      v2 = TRUE;
  /* NIfTI-1 keeps the geometry and the scaling in float32 fields: a number
   * beyond their range would be written as infinity and the file could not
   * be read back. NIfTI-2 keeps doubles. */
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 4; j++)
      if (fabs (spec->affine[i][j]) > FLT_MAX)
        v2 = TRUE;
  if (spec->has_scaling && (fabs (spec->slope) > FLT_MAX || fabs (spec->inter) > FLT_MAX))
    v2 = TRUE;

  code = spec->xform_code >= NIFTI_XFORM_SCANNER_ANAT && spec->xform_code <= NIFTI_XFORM_TEMPLATE_OTHER
       ? spec->xform_code : NIFTI_XFORM_SCANNER_ANAT;

  array_to_dmat44 (spec->affine, &m);
  nifti_dmat44_to_quatern (m, &qb, &qc, &qd, &qx, &qy, &qz, &dx, &dy, &dz, &qfac);
  if (!v2)
    {
      /* What a reader will get back from the float fields. */
      qb = (float) qb; qc = (float) qc; qd = (float) qd;
      qx = (float) qx; qy = (float) qy; qz = (float) qz;
      dx = (float) dx; dy = (float) dy; dz = (float) dz;
    }
  pixdim[0] = qfac;
  pixdim[1] = dx;
  pixdim[2] = dy;
  pixdim[3] = dz;

  /* The qform can only hold rotations and positive scalings (and a flip of
   * z); for a sheared affine it would be wrong, so it is marked unknown and
   * every reader falls back on the sform. */
  back = nifti_quatern_to_dmat44 (qb, qc, qd, qx, qy, qz, dx, dy, dz, qfac);
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 4; j++)
      if (!(fabs (back.m[i][j] - spec->affine[i][j]) <= 1e-4 * (1.0 + fabs (spec->affine[i][j]))))
        qform_ok = FALSE;

  if (!v2)
    {
      wr_i32 (buf, N1 (sizeof_hdr), NIFTI1_HEADER_SIZE);
      for (int i = 0; i < 8; i++)
        {
          wr_i16 (buf, N1 (dim) + 2 * i, (gint16) dim[i]);
          wr_f32 (buf, N1 (pixdim) + 4 * i, pixdim[i]);
        }
      wr_i16 (buf, N1 (datatype), (gint16) spec->datatype);
      wr_i16 (buf, N1 (bitpix), (gint16) (8 * bytes));
      wr_f32 (buf, N1 (vox_offset), NIFTI1_DATA_OFFSET);
      wr_f32 (buf, N1 (scl_slope), spec->has_scaling ? spec->slope : 1.0);
      wr_f32 (buf, N1 (scl_inter), spec->has_scaling ? spec->inter : 0.0);
      buf[N1 (xyzt_units)] = NIFTI_UNITS_MM | NIFTI_UNITS_SEC;
      memcpy (buf + N1 (descrip), "CLS Studio", 10);
      wr_i16 (buf, N1 (qform_code), (gint16) (qform_ok ? code : NIFTI_XFORM_UNKNOWN));
      wr_i16 (buf, N1 (sform_code), (gint16) code);
      wr_f32 (buf, N1 (quatern_b), qb);
      wr_f32 (buf, N1 (quatern_c), qc);
      wr_f32 (buf, N1 (quatern_d), qd);
      wr_f32 (buf, N1 (qoffset_x), qx);
      wr_f32 (buf, N1 (qoffset_y), qy);
      wr_f32 (buf, N1 (qoffset_z), qz);
      for (int j = 0; j < 4; j++)
        {
          wr_f32 (buf, N1 (srow_x) + 4 * j, spec->affine[0][j]);
          wr_f32 (buf, N1 (srow_y) + 4 * j, spec->affine[1][j]);
          wr_f32 (buf, N1 (srow_z) + 4 * j, spec->affine[2][j]);
        }
      memcpy (buf + N1 (magic), "n+1", 4);
      return NIFTI1_DATA_OFFSET;
    }

  wr_i32 (buf, N2 (sizeof_hdr), NIFTI2_HEADER_SIZE);
  memcpy (buf + N2 (magic), "n+2\0\r\n\032\n", 8);
  wr_i16 (buf, N2 (datatype), (gint16) spec->datatype);
  wr_i16 (buf, N2 (bitpix), (gint16) (8 * bytes));
  for (int i = 0; i < 8; i++)
    {
      wr_i64 (buf, N2 (dim) + 8 * i, dim[i]);
      wr_f64 (buf, N2 (pixdim) + 8 * i, pixdim[i]);
    }
  wr_i64 (buf, N2 (vox_offset), NIFTI2_DATA_OFFSET);
  wr_f64 (buf, N2 (scl_slope), spec->has_scaling ? spec->slope : 1.0);
  wr_f64 (buf, N2 (scl_inter), spec->has_scaling ? spec->inter : 0.0);
  memcpy (buf + N2 (descrip), "CLS Studio", 10);
  wr_i32 (buf, N2 (qform_code), qform_ok ? code : NIFTI_XFORM_UNKNOWN);
  wr_i32 (buf, N2 (sform_code), code);
  wr_f64 (buf, N2 (quatern_b), qb);
  wr_f64 (buf, N2 (quatern_c), qc);
  wr_f64 (buf, N2 (quatern_d), qd);
  wr_f64 (buf, N2 (qoffset_x), qx);
  wr_f64 (buf, N2 (qoffset_y), qy);
  wr_f64 (buf, N2 (qoffset_z), qz);
  for (int j = 0; j < 4; j++)
    {
      wr_f64 (buf, N2 (srow_x) + 8 * j, spec->affine[0][j]);
      wr_f64 (buf, N2 (srow_y) + 8 * j, spec->affine[1][j]);
      wr_f64 (buf, N2 (srow_z) + 8 * j, spec->affine[2][j]);
    }
  wr_i32 (buf, N2 (xyzt_units), NIFTI_UNITS_MM | NIFTI_UNITS_SEC);
  return NIFTI2_DATA_OFFSET;
}

static gboolean
write_volume (const char       *path,
              const WriteSpec  *spec,
              const guint8     *data,
              gsize             nbytes,
              GError          **error)
{
  g_autoptr(ClsAtomicFile) file = NULL;
  g_autofree guint8 *swapped = NULL;
  g_autofree guint8 *plain = NULL;
  g_autofree guint8 *packed = NULL;
  guint8 header[NIFTI2_DATA_OFFSET] = { 0 };
  gsize header_len;
  guint bytes = 1;
  GStatBuf st;

  /* Never replace a device, a pipe or a socket with a regular file. */
  if (g_stat (path, &st) == 0 && !S_ISREG (st.st_mode) && !S_ISDIR (st.st_mode))
    {
      set_error (error, CLS_ERROR_IO, path, _("is not a regular file; refusing to replace it"));
      return FALSE;
    }

  header_len = build_header (spec, header);

  datatype_supported (spec->datatype, &bytes, NULL);
  if (G_BYTE_ORDER == G_BIG_ENDIAN && bytes > 1)
    {
      swapped = g_try_malloc (MAX (nbytes, 1));
      if (swapped == NULL)
        goto no_memory;
      memcpy (swapped, data, nbytes);
      swap_in_place (swapped, nbytes / bytes, bytes);
      data = swapped;
    }

  file = cls_atomic_file_new (path, error);
  if (file == NULL)
    return FALSE;

  if (has_suffix_ci (path, ".gz"))
    {
      struct libdeflate_compressor *c;
      gsize plain_len = header_len + nbytes;
      gsize bound, packed_len;

      plain = g_try_malloc (plain_len);
      if (plain == NULL)
        goto no_memory;
      memcpy (plain, header, header_len);
      memcpy (plain + header_len, data, nbytes);
      g_clear_pointer (&swapped, g_free);

      c = libdeflate_alloc_compressor (6);
      if (c == NULL)
        goto no_memory;
      bound = libdeflate_gzip_compress_bound (c, plain_len);
      packed = g_try_malloc (bound);
      if (packed == NULL)
        {
          libdeflate_free_compressor (c);
          goto no_memory;
        }
      packed_len = libdeflate_gzip_compress (c, plain, plain_len, packed, bound);
      libdeflate_free_compressor (c);
      g_clear_pointer (&plain, g_free);
      if (packed_len == 0)
        {
          set_error (error, CLS_ERROR_IO, path, _("compression failed"));
          return FALSE;
        }

      if (!cls_atomic_file_write (file, packed, packed_len, error))
        return FALSE;
    }
  else
    {
      if (!cls_atomic_file_write (file, header, header_len, error) ||
          !cls_atomic_file_write (file, data, nbytes, error))
        return FALSE;
    }

  return cls_atomic_file_commit (file, error);

no_memory:
  {
    g_autofree char *s = format_bytes (nbytes);
    set_error (error, CLS_ERROR_TOO_LARGE, path,
               _("not enough memory to write %s of voxel data"), s);
    return FALSE;
  }
}

/**
 * cls_volume_write:
 * @self: a #ClsVolume with data
 * @path: where to write; `.gz` at the end means gzip compression
 * @error: return location for a #GError
 *
 * Writes @self as a single-file NIfTI-1 (NIfTI-2 when a dimension or the
 * channel count exceeds 32767), little endian, data at byte 352 (544). The
 * affine goes into the sform and, when it is a rotation with scaling, into
 * the qform too, both with the code the volume was read with (or
 * NIFTI_XFORM_SCANNER_ANAT). Channels are written as the fourth dimension;
 * the volume's scaling is kept. The file appears whole or not at all:
 * a failure leaves whatever was at @path before untouched.
 *
 * Returns: %TRUE on success
 */
gboolean
cls_volume_write (const ClsVolume  *self,
                  const char       *path,
                  GError          **error)
{
  WriteSpec spec;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (self->data != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  spec_from_volume (&spec, self);
  return write_volume (path, &spec, self->data, self->data_size, error);
}

/**
 * cls_volume_write_mask:
 * @geometry: the volume whose grid the mask lives on
 * @mask: (array): cls_volume_get_n_voxels() bytes, x fastest
 * @path: where to write; `.gz` at the end means gzip compression
 * @error: return location for a #GError
 *
 * Writes a single-channel uint8 volume with the dimensions and affine of
 * @geometry (as sform and qform), by the rules of cls_volume_write().
 * @geometry needs no voxel data.
 *
 * Returns: %TRUE on success
 */
gboolean
cls_volume_write_mask (const ClsVolume  *geometry,
                       const guint8     *mask,
                       const char       *path,
                       GError          **error)
{
  WriteSpec spec;

  g_return_val_if_fail (geometry != NULL, FALSE);
  g_return_val_if_fail (mask != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  spec_from_volume (&spec, geometry);
  spec.n_channels = 1;
  spec.datatype = CLS_DATATYPE_UINT8;
  spec.has_scaling = FALSE;
  spec.slope = 1.0;
  spec.inter = 0.0;

  return write_volume (path, &spec, mask, (gsize) geometry->n_voxels, error);
}
