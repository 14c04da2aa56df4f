/* cls-demo.c: a deterministic, honest synthetic calibration set
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The built-in demo dataset: CT-like phantoms with lesions, their ground
 * truth, and the probability maps of three simulated segmentation models
 * that fail the way real ones do. Everything here is synthetic and says so.
 *
 * The phantom (in millimetres, "phantom frame": +x = patient left,
 * +y = posterior, +z = superior, origin at the centre of the field of view):
 * - air (-1000 HU) around an elliptical body (soft tissue ~ +40 HU) with a
 *   subcutaneous fat layer (~ -100 HU) and a vertebral body (~ +300 HU);
 * - a liver-like ellipsoid (~ +60 HU) on the patient's RIGHT (negative x),
 *   so that left/right can be checked in a viewer;
 * - 0 to 3 lesions inside the organ: irregular balls (a radius modulated by
 *   a random low-order polynomial of the direction), radius log-uniform
 *   between 1.5 and 18 mm (3 to 36 mm across), clipped to the organ, mostly
 *   hypodense (+10..+30 HU), some hyperdense (+85..+100 HU). One case in
 *   every block of 20 has no lesion at all (empty ground truth);
 * - mild partial-volume smoothing and in-plane correlated Gaussian noise
 *   (10-18 HU), rounded to int16 and clipped to [-1024, 3071].
 *
 * The voxel grid is stored in LPS orientation (i to the patient's left,
 * j to posterior, k to superior), as a DICOM series converted without
 * reorientation is: affine = diag(-sx, -sy, sz) with a non-zero origin.
 *
 * The models: for each lesion L the signed distance d_L (mm, negative
 * inside) to its surface gives a logit (depth_L - d_L) / width_L; the model
 * takes the largest of these and a tissue-dependent background logit, adds
 * smooth correlated noise (and, for "noisy", false-positive blobs),
 * saturates it softly, rounds it to IEEE float16 (see cls_demo_float_to_half())
 * and applies a float32 sigmoid. Outside the body it outputs exactly 0.
 *
 * Determinism: every random number comes from GSL's MT19937, whose output is
 * specified bit for bit. Each case draws from its own generators, seeded with
 * 32-bit values derived (splitmix64) from (seed, case index, stream), so cases
 * can be generated in any order, on any number of threads, and case i does
 * not depend on n_cases. Per voxel only +, -, *, / and sqrt are used (IEEE 754
 * rounds them exactly; floating-point contraction into FMA is disabled for
 * this file), and every value written is quantised (int16 HU, 0/1 labels,
 * float16 logits through a fixed sigmoid table). libm's exp/log/cbrt enter
 * only a few per-case parameters, the sigmoid table and rare Gaussian tail
 * draws; a last-bit difference there could change an output only if it sat
 * on a quantisation boundary. So the same options give the same voxels on
 * every machine, and the same files as long as cls_volume_write() compresses
 * the same way.
 */
#include "config.h"

#include <inttypes.h>

#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#elif defined(__GNUC__)
#pragma GCC optimize ("fp-contract=off")
#endif

#include <errno.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "cls-atomic-file.h"
#include "cls-demo.h"
#include "cls-error.h"
#include "cls-volume.h"

/* Bump whenever the generated voxels change: a folder made by another
 * format is regenerated. */
#define DEMO_FORMAT_VERSION 1

#define MARKER_NAME   ".cls-demo"
#define MARKER_GROUP  "CLS Demo"
#define README_NAME   "README.txt"

#define MAX_LESIONS   3
#define MAX_FIELDS    2
#define MAX_BLOBS     6
#define EMPTY_BLOCK   20      /* one case without lesion per block of this many cases */

#define HU_MIN        (-1024)
#define HU_MAX        3071

/* Voxel data of one case (image float + int16, label, 3 maps) may use at
 * most this much memory summed over all threads. */
#define THREAD_MEMORY_BUDGET (G_GUINT64_CONSTANT (4) << 30)

static const double default_spacing[3] = { 0.8, 0.8, 2.5 };
static const gint64 default_dims[3] = {
  CLS_DEMO_DEFAULT_DIM_X, CLS_DEMO_DEFAULT_DIM_Y, CLS_DEMO_DEFAULT_DIM_Z
};

enum {
  MODEL_UNDERCONFIDENT,
  MODEL_SHARP,
  MODEL_NOISY,
  N_MODELS
};

static const char * const demo_models[N_MODELS + 1] = {
  "underconfident",
  "sharp",
  "noisy",
  NULL
};

/* Random streams of a case; each is its own MT19937. */
enum {
  STREAM_ANATOMY = 1,
  STREAM_IMAGE_NOISE = 2,
  STREAM_MODEL = 16,          /* + model index */
  STREAM_EMPTY_BLOCK = 1000,  /* indexed by block, not by case */
};

typedef enum {
  TISSUE_AIR,
  TISSUE_FAT,
  TISSUE_SOFT,
  TISSUE_BONE,
  TISSUE_ORGAN,
} Tissue;

/* ------------------------------------------------------------------------ */
/* float16                                                                   */

/**
 * cls_demo_float_to_half:
 * @value: a float
 *
 * Rounds @value to the nearest IEEE 754 binary16 value, ties to even, and
 * returns its bits. Overflow gives infinity, NaN stays NaN (quiet).
 *
 * Why this exists: real segmentation networks run inference in mixed
 * precision, so the logit that leaves the last layer is a float16. A
 * float16 has 11 significant bits, which bounds the number of distinct
 * probabilities a real map holds and makes ties among lesion voxels common.
 * The demo models round each logit the same way so that the calibration
 * code meets those ties. We do it by hand (not with _Float16) so that the
 * result does not depend on the compiler or the CPU.
 *
 * Returns: the binary16 bits
 */
guint16
cls_demo_float_to_half (float value)
{
  guint32 x, absx, sign, mant, q, rem;
  int e;

  memcpy (&x, &value, sizeof x);
  sign = (x >> 16) & 0x8000u;
  absx = x & 0x7fffffffu;

  if (absx >= 0x7f800000u)      /* infinity or NaN */
    return (guint16) (sign | 0x7c00u | (absx > 0x7f800000u ? 0x0200u | ((absx >> 13) & 0x03ffu) : 0));

  if (absx >= 0x477ff000u)      /* >= 65520: rounds to infinity */
    return (guint16) (sign | 0x7c00u);

  if (absx >= 0x38800000u)      /* >= 2^-14: a normal half */
    {
      mant = absx & 0x007fffffu;
      e = (int) (absx >> 23) - 127 + 15;
      q = ((guint32) e << 10) | (mant >> 13);
      rem = mant & 0x1fffu;
      if (rem > 0x1000u || (rem == 0x1000u && (q & 1u)))
        q++;                    /* a carry into the exponent is right */
      return (guint16) (sign | q);
    }

  if (absx <= 0x33000000u)      /* <= 2^-25: rounds to zero (2^-25 ties to even 0) */
    return (guint16) sign;

  /* A subnormal half: units of 2^-24. */
  {
    guint32 m = (absx & 0x007fffffu) | 0x00800000u;
    int shift = 126 - (int) (absx >> 23);     /* 14 .. 24 */
    guint32 halfway = 1u << (shift - 1);

    q = m >> shift;
    rem = m & ((1u << shift) - 1u);
    if (rem > halfway || (rem == halfway && (q & 1u)))
      q++;
    return (guint16) (sign | q);
  }
}

/**
 * cls_demo_half_to_float:
 * @half: binary16 bits
 *
 * Returns: the float with the same value (exact)
 */
float
cls_demo_half_to_float (guint16 half)
{
  guint32 sign = ((guint32) half & 0x8000u) << 16;
  guint32 e = (half >> 10) & 0x1fu;
  guint32 mant = half & 0x03ffu;
  guint32 bits;
  float f;

  if (e == 0x1f)
    bits = sign | 0x7f800000u | (mant << 13);
  else if (e != 0)
    bits = sign | ((e - 15 + 127) << 23) | (mant << 13);
  else if (mant == 0)
    bits = sign;
  else
    {
      /* subnormal: mant * 2^-24, exact in float */
      f = (float) mant * 0x1p-24f;
      return sign ? -f : f;
    }

  memcpy (&f, &bits, sizeof f);
  return f;
}

/* The float32 sigmoid of every float16 logit, built once. It is computed in
 * double and rounded once to float, so it is the correctly rounded value
 * except in astronomically rare cases, whatever libm's expf() would say. */
static float *sigmoid_table;

static gpointer
build_sigmoid_table (gpointer data)
{
  float *table = g_new (float, 65536);

  for (guint h = 0; h < 65536; h++)
    {
      float v = cls_demo_half_to_float ((guint16) h);
      double p;

      if (isnan (v))
        p = 0.0;
      else
        p = 1.0 / (1.0 + exp (-(double) v));
      table[h] = (float) CLAMP (p, 0.0, 1.0);
    }

  sigmoid_table = table;
  return table;
}

static const float *
get_sigmoid_table (void)
{
  static GOnce once = G_ONCE_INIT;

  return g_once (&once, build_sigmoid_table, NULL);
}

/* ------------------------------------------------------------------------ */
/* Random streams                                                            */

static guint64
splitmix64 (guint64 x)
{
  x += G_GUINT64_CONSTANT (0x9E3779B97F4A7C15);
  x = (x ^ (x >> 30)) * G_GUINT64_CONSTANT (0xBF58476D1CE4E5B9);
  x = (x ^ (x >> 27)) * G_GUINT64_CONSTANT (0x94D049BB133111EB);
  return x ^ (x >> 31);
}

/* A MT19937 for (seed, index, stream). GSL's MT19937 uses 32 bits of its
 * seed (and so do other implementations), so we hand it exactly 32. */
static gsl_rng *
stream_new (guint64 seed,
            guint64 index,
            guint64 stream)
{
  gsl_rng *rng = gsl_rng_alloc (gsl_rng_mt19937);
  guint64 h = splitmix64 (seed);

  h = splitmix64 (h ^ index);
  h = splitmix64 (h ^ (stream * G_GUINT64_CONSTANT (0x632BE59BD9B4E019)));
  gsl_rng_set (rng, (unsigned long) (h >> 32));
  return rng;
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (gsl_rng, gsl_rng_free)

static double
uniform (gsl_rng *rng,
         double   lo,
         double   hi)
{
  return lo + (hi - lo) * gsl_rng_uniform (rng);
}

static double
gaussian (gsl_rng *rng,
          double   sd)
{
  return gsl_ran_gaussian_ziggurat (rng, sd);
}

/* ------------------------------------------------------------------------ */
/* Geometry                                                                  */

typedef struct {
  gint64  dims[3];
  double  spacing[3];
  double  fov[3];
  double  affine[4][4];
  double *coord[3];       /* phantom coordinate (mm) of each index along each axis */
} Grid;

static void
grid_init (Grid         *grid,
           const gint64  dims[3])
{
  /* Volume centre in RAS world coordinates: an abdominal position. */
  static const double centre_ras[3] = { 0.0, 20.0, -150.0 };

  memset (grid, 0, sizeof *grid);
  for (int a = 0; a < 3; a++)
    {
      grid->dims[a] = dims[a];
      grid->fov[a] = default_spacing[a] * (double) default_dims[a];
      grid->spacing[a] = grid->fov[a] / (double) dims[a];
      grid->coord[a] = g_new (double, dims[a]);
      for (gint64 i = 0; i < dims[a]; i++)
        grid->coord[a][i] = ((double) i - 0.5 * (double) (dims[a] - 1)) * grid->spacing[a];
    }

  /* LPS storage: i -> patient left (RAS x decreases), j -> posterior (RAS y
   * decreases), k -> superior. */
  grid->affine[0][0] = -grid->spacing[0];
  grid->affine[1][1] = -grid->spacing[1];
  grid->affine[2][2] = grid->spacing[2];
  grid->affine[0][3] = centre_ras[0] + 0.5 * (double) (dims[0] - 1) * grid->spacing[0];
  grid->affine[1][3] = centre_ras[1] + 0.5 * (double) (dims[1] - 1) * grid->spacing[1];
  grid->affine[2][3] = centre_ras[2] - 0.5 * (double) (dims[2] - 1) * grid->spacing[2];
  grid->affine[3][3] = 1.0;
}

static void
grid_clear (Grid *grid)
{
  for (int a = 0; a < 3; a++)
    g_clear_pointer (&grid->coord[a], g_free);
}

/* Smooth correlated noise: Gaussian values on a coarse lattice, interpolated
 * with smoothstep weights ("value noise"). The lattice is defined in mm over
 * the fixed field of view, so the field does not depend on the voxel grid. */
typedef struct {
  double  amp;
  gint64  g[3];
  double *values;
  gint64 *cell[3];
  double *weight[3];
} Field;

static void
field_init (Field      *field,
            const Grid *grid,
            double      step_mm,
            double      amp,
            gsl_rng    *rng)
{
  gint64 n = 1;

  field->amp = amp;
  for (int a = 0; a < 3; a++)
    {
      field->g[a] = (gint64) floor (grid->fov[a] / step_mm) + 3;
      n *= field->g[a];
    }

  field->values = g_new (double, n);
  for (gint64 i = 0; i < n; i++)
    field->values[i] = gaussian (rng, 1.0);

  for (int a = 0; a < 3; a++)
    {
      field->cell[a] = g_new (gint64, grid->dims[a]);
      field->weight[a] = g_new (double, grid->dims[a]);
      for (gint64 i = 0; i < grid->dims[a]; i++)
        {
          double t = (grid->coord[a][i] + 0.5 * grid->fov[a]) / step_mm + 1.0;
          double c = floor (t);
          double w = t - c;

          field->cell[a][i] = (gint64) c;
          field->weight[a][i] = w * w * (3.0 - 2.0 * w);
        }
    }
}

static void
field_clear (Field *field)
{
  g_clear_pointer (&field->values, g_free);
  for (int a = 0; a < 3; a++)
    {
      g_clear_pointer (&field->cell[a], g_free);
      g_clear_pointer (&field->weight[a], g_free);
    }
}

static inline double
field_eval (const Field *field,
            gint64       i,
            gint64       j,
            gint64       k)
{
  const double *v = field->values;
  gint64 gx = field->g[0];
  gint64 gxy = gx * field->g[1];
  gint64 b = field->cell[0][i] + gx * field->cell[1][j] + gxy * field->cell[2][k];
  double wx = field->weight[0][i];
  double wy = field->weight[1][j];
  double wz = field->weight[2][k];
  double c00 = v[b] + wx * (v[b + 1] - v[b]);
  double c10 = v[b + gx] + wx * (v[b + gx + 1] - v[b + gx]);
  double c01 = v[b + gxy] + wx * (v[b + gxy + 1] - v[b + gxy]);
  double c11 = v[b + gxy + gx] + wx * (v[b + gxy + gx + 1] - v[b + gxy + gx]);
  double c0 = c00 + wy * (c10 - c00);
  double c1 = c01 + wy * (c11 - c01);

  return field->amp * (c0 + wz * (c1 - c0));
}

/* ------------------------------------------------------------------------ */
/* The phantom of one case                                                   */

#define N_SHAPE_COEFS 19

typedef struct {
  double centre[3];
  double radius;                 /* nominal, mm */
  double amp;                    /* relative modulation of the radius */
  double coef[N_SHAPE_COEFS];    /* sum of |coef| is 1, so |shape| <= 1 */
  double hu;
} Lesion;

typedef struct {
  double body_c[2];
  double body_a[2];
  double taper;
  double fat;
  double spine_c[2];
  double spine_r;
  double organ_c[3];
  double organ_a[3];
  double hu_air, hu_fat, hu_soft, hu_bone, hu_organ;
  double noise_sd;
  guint  n_lesions;
  Lesion lesions[MAX_LESIONS];
} Phantom;

static Tissue
phantom_tissue (const Phantom *ph,
                const double   p[3],
                double         half_fov_z)
{
  double scale = 1.0 + ph->taper * p[2] / half_fov_z;
  double ax = ph->body_a[0] * scale;
  double ay = ph->body_a[1] * scale;
  double dx = p[0] - ph->body_c[0];
  double dy = p[1] - ph->body_c[1];
  double u, v, w;

  if ((dx * dx) / (ax * ax) + (dy * dy) / (ay * ay) >= 1.0)
    return TISSUE_AIR;
  ax -= ph->fat;
  ay -= ph->fat;
  if ((dx * dx) / (ax * ax) + (dy * dy) / (ay * ay) >= 1.0)
    return TISSUE_FAT;

  dx = p[0] - ph->spine_c[0];
  dy = p[1] - ph->spine_c[1];
  if (dx * dx + dy * dy < ph->spine_r * ph->spine_r)
    return TISSUE_BONE;

  u = (p[0] - ph->organ_c[0]) / ph->organ_a[0];
  v = (p[1] - ph->organ_c[1]) / ph->organ_a[1];
  w = (p[2] - ph->organ_c[2]) / ph->organ_a[2];
  if (u * u + v * v + w * w < 1.0)
    return TISSUE_ORGAN;

  return TISSUE_SOFT;
}

/* Approximate signed distance (mm) to the organ surface: (rho - 1) / |grad rho|
 * with rho the normalised ellipsoid radius. Exact in sign, first-order
 * accurate near the surface, which is all the models need. */
static double
organ_distance (const Phantom *ph,
                const double   p[3])
{
  double rho2 = 0.0, g2 = 0.0, rho;

  for (int a = 0; a < 3; a++)
    {
      double x = p[a] - ph->organ_c[a];
      double a2 = ph->organ_a[a] * ph->organ_a[a];

      rho2 += x * x / a2;
      g2 += x * x / (a2 * a2);
    }

  if (g2 < 1e-18)
    return -MIN (ph->organ_a[0], MIN (ph->organ_a[1], ph->organ_a[2]));

  rho = sqrt (rho2);
  return (rho - 1.0) * rho / sqrt (g2);
}

/* Signed distance (mm) to the irregular ball: |x - c| - r (1 + amp s(dir)),
 * where s is a polynomial of degree 3 in the direction cosines. */
static double
lesion_ball_distance (const Lesion *l,
                      const double  p[3])
{
  double v[3], n, x, y, z, s;
  const double *c = l->coef;

  for (int a = 0; a < 3; a++)
    v[a] = p[a] - l->centre[a];
  n = sqrt (v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
  if (n < 1e-9)
    return -l->radius;

  x = v[0] / n;
  y = v[1] / n;
  z = v[2] / n;
  s = c[0] * x + c[1] * y + c[2] * z
    + c[3] * x * x + c[4] * y * y + c[5] * z * z
    + c[6] * x * y + c[7] * x * z + c[8] * y * z
    + c[9] * x * x * x + c[10] * y * y * y + c[11] * z * z * z
    + c[12] * x * x * y + c[13] * x * x * z + c[14] * y * y * x
    + c[15] * y * y * z + c[16] * z * z * x + c[17] * z * z * y
    + c[18] * x * y * z;

  return n - l->radius * (1.0 + l->amp * s);
}

static gboolean
case_is_empty (guint64 seed,
               guint   index)
{
  guint block = index / EMPTY_BLOCK;
  g_autoptr(gsl_rng) rng = stream_new (seed, block, STREAM_EMPTY_BLOCK);

  return index % EMPTY_BLOCK == gsl_rng_uniform_int (rng, EMPTY_BLOCK);
}

/* Snaps a phantom point to the nearest voxel centre. */
static void
snap_to_voxel (const Grid *grid,
               double      p[3])
{
  for (int a = 0; a < 3; a++)
    {
      double t = p[a] / grid->spacing[a] + 0.5 * (double) (grid->dims[a] - 1);
      gint64 i = (gint64) floor (t + 0.5);

      i = CLAMP (i, 0, grid->dims[a] - 1);
      p[a] = grid->coord[a][i];
    }
}

static void
phantom_init (Phantom    *ph,
              const Grid *grid,
              guint64     seed,
              guint       index)
{
  g_autoptr(gsl_rng) rng = stream_new (seed, index, STREAM_ANATOMY);
  double half_z = 0.5 * grid->fov[2];
  guint n_lesions;

  memset (ph, 0, sizeof *ph);

  ph->body_c[0] = uniform (rng, -1.0, 1.0);
  ph->body_c[1] = 3.0 + uniform (rng, -1.0, 1.0);
  ph->body_a[0] = uniform (rng, 31.5, 34.5);
  ph->body_a[1] = uniform (rng, 24.5, 27.5);
  ph->taper = uniform (rng, -0.04, 0.04);
  ph->fat = uniform (rng, 2.5, 4.0);

  ph->spine_r = uniform (rng, 4.5, 5.5);
  ph->spine_c[0] = ph->body_c[0];
  ph->spine_c[1] = ph->body_c[1] + ph->body_a[1] * (1.0 - 0.04) - ph->fat - ph->spine_r - 1.5;

  /* On the patient's right: negative x in the phantom frame. */
  ph->organ_c[0] = -8.0 + uniform (rng, -1.0, 1.0);
  ph->organ_c[1] = -3.0 + uniform (rng, -1.5, 1.5);
  ph->organ_c[2] = uniform (rng, -5.0, 5.0);
  ph->organ_a[0] = uniform (rng, 15.8, 18.2);
  ph->organ_a[1] = uniform (rng, 12.5, 14.5);
  ph->organ_a[2] = uniform (rng, 35.0, 41.0);

  ph->hu_air = -1000.0;
  ph->hu_fat = uniform (rng, -110.0, -90.0);
  ph->hu_soft = uniform (rng, 35.0, 45.0);
  ph->hu_bone = uniform (rng, 280.0, 360.0);
  ph->hu_organ = uniform (rng, 55.0, 66.0);
  ph->noise_sd = uniform (rng, 10.0, 18.0);

  if (case_is_empty (seed, index))
    n_lesions = 0;
  else
    {
      double u = gsl_rng_uniform (rng);

      n_lesions = u < 0.5 ? 1 : u < 0.8 ? 2 : 3;
    }

  for (guint l = 0; l < n_lesions; l++)
    {
      Lesion *les = &ph->lesions[l];
      double sum = 0.0;
      gboolean placed = FALSE;

      les->radius = exp (uniform (rng, log (1.5), log (18.0)));
      les->amp = uniform (rng, 0.25, 0.45);
      for (int c = 0; c < N_SHAPE_COEFS; c++)
        {
          double w = c < 3 ? 1.0 : c < 9 ? 0.8 : 0.6;

          les->coef[c] = gaussian (rng, w);
          sum += fabs (les->coef[c]);
        }
      for (int c = 0; c < N_SHAPE_COEFS; c++)
        les->coef[c] /= sum;

      les->hu = gsl_rng_uniform (rng) < 0.8 ? uniform (rng, 10.0, 30.0)
                                             : uniform (rng, 85.0, 100.0);

      /* A centre inside the organ, deeper for larger lesions, on a voxel
       * centre so that even the smallest lesion covers a voxel. */
      for (int attempt = 0; attempt < 100 && !placed; attempt++)
        {
          double u[3], r2;

          do
            {
              for (int a = 0; a < 3; a++)
                u[a] = uniform (rng, -1.0, 1.0);
              r2 = u[0] * u[0] + u[1] * u[1] + u[2] * u[2];
            }
          while (r2 > 1.0);

          for (int a = 0; a < 3; a++)
            {
              double room = MAX (ph->organ_a[a] - 0.6 * les->radius, 0.3 * ph->organ_a[a]);

              les->centre[a] = ph->organ_c[a] + u[a] * room;
            }
          snap_to_voxel (grid, les->centre);
          placed = phantom_tissue (ph, les->centre, half_z) == TISSUE_ORGAN;
        }

      if (!placed)
        {
          memcpy (les->centre, ph->organ_c, sizeof les->centre);
          snap_to_voxel (grid, les->centre);
        }
    }
  ph->n_lesions = n_lesions;
}

/* ------------------------------------------------------------------------ */
/* The simulated models                                                      */

typedef struct {
  double   centre[3];
  double   support2;      /* squared radius of the support, mm^2 */
  double   height;
} Blob;

typedef struct {
  double   depth[MAX_LESIONS];    /* mm; the 0.5 level is at d = depth (< 0: inside) */
  double   width[MAX_LESIONS];    /* mm per logit unit */
  gboolean missed[MAX_LESIONS];
  double   bg_organ;
  double   bg_body;
  double   cap_pos;
  double   cap_neg;
  guint    n_fields;
  Field    fields[MAX_FIELDS];
  guint    n_blobs;
  Blob     blobs[MAX_BLOBS];
} ModelCase;

static void
random_point_in_organ (const Phantom *ph,
                       gsl_rng       *rng,
                       double         p[3])
{
  double u[3], r2;

  do
    {
      for (int a = 0; a < 3; a++)
        u[a] = uniform (rng, -1.0, 1.0);
      r2 = u[0] * u[0] + u[1] * u[1] + u[2] * u[2];
    }
  while (r2 > 1.0);

  for (int a = 0; a < 3; a++)
    p[a] = ph->organ_c[a] + u[a] * ph->organ_a[a];
}

static void
random_point_in_body (const Phantom *ph,
                      const Grid    *grid,
                      gsl_rng       *rng,
                      double         p[3])
{
  for (int attempt = 0; attempt < 1000; attempt++)
    {
      for (int a = 0; a < 3; a++)
        p[a] = uniform (rng, -0.5 * grid->fov[a], 0.5 * grid->fov[a]);
      if (phantom_tissue (ph, p, 0.5 * grid->fov[2]) >= TISSUE_SOFT)
        return;
    }
  random_point_in_organ (ph, rng, p);
}

static void
model_case_init (ModelCase     *mc,
                 int            model,
                 const Phantom *ph,
                 const Grid    *grid,
                 guint64        seed,
                 guint          index)
{
  g_autoptr(gsl_rng) rng = stream_new (seed, index, STREAM_MODEL + (guint64) model);

  memset (mc, 0, sizeof *mc);

  switch (model)
    {
    case MODEL_UNDERCONFIDENT:
      {
        /* The 0.5 level sits inside each lesion, at the depth that leaves a
         * fraction `miss` of a ball's volume outside it; deeper for a quarter
         * of the cases. Probabilities saturate below 0.9. */
        double miss = gsl_rng_uniform (rng) < 0.75 ? uniform (rng, 0.30, 0.55)
                                                    : uniform (rng, 0.55, 0.80);
        double depth_frac = 1.0 - cbrt (1.0 - miss);

        for (guint l = 0; l < ph->n_lesions; l++)
          {
            double r = ph->lesions[l].radius;

            mc->depth[l] = -depth_frac * r;
            mc->width[l] = 0.15 * r + 0.5;
          }
        mc->bg_organ = -5.0;
        mc->bg_body = -7.0;
        mc->cap_pos = 2.0;
        mc->cap_neg = 9.0;
        mc->n_fields = 1;
        field_init (&mc->fields[0], grid, 14.0, 0.35, rng);
      }
      break;

    case MODEL_SHARP:
      {
        /* Confident and mostly right: a steep logit whose 0.5 level is a
         * fraction of a millimetre inside the surface; now and then a
         * lesion under 2 mm in radius (3-4 mm across) is missed altogether. */
        double erosion = uniform (rng, 0.05, 0.30);

        for (guint l = 0; l < ph->n_lesions; l++)
          {
            mc->depth[l] = -erosion;
            mc->width[l] = 0.2;
            mc->missed[l] = gsl_rng_uniform (rng) < 0.35 && ph->lesions[l].radius < 2.0;
          }
        mc->bg_organ = -10.0;
        mc->bg_body = -12.0;
        mc->cap_pos = 13.0;
        mc->cap_neg = 13.0;
        mc->n_fields = 1;
        field_init (&mc->fields[0], grid, 5.0, 0.5, rng);
      }
      break;

    case MODEL_NOISY:
      {
        /* A blurry boundary, spatially correlated noise at two scales and
         * blobs of moderate probability elsewhere in the organ and body. */
        double erosion = uniform (rng, 0.4, 1.0);

        for (guint l = 0; l < ph->n_lesions; l++)
          {
            mc->depth[l] = -erosion;
            mc->width[l] = 1.2;
          }
        mc->bg_organ = -6.0;
        mc->bg_body = -8.0;
        mc->cap_pos = 7.0;
        mc->cap_neg = 10.0;
        mc->n_fields = 2;
        field_init (&mc->fields[0], grid, 4.0, 1.1, rng);
        field_init (&mc->fields[1], grid, 10.0, 0.6, rng);

        mc->n_blobs = 2 + (guint) gsl_rng_uniform_int (rng, 4);
        for (guint b = 0; b < mc->n_blobs; b++)
          {
            Blob *blob = &mc->blobs[b];
            double sigma;

            if (gsl_rng_uniform (rng) < 0.7)
              random_point_in_organ (ph, rng, blob->centre);
            else
              random_point_in_body (ph, grid, rng, blob->centre);
            sigma = uniform (rng, 1.5, 4.0);
            blob->support2 = 8.0 * sigma * sigma;
            blob->height = uniform (rng, 4.5, 8.5);
          }
      }
      break;

    default:
      g_assert_not_reached ();
    }
}

static void
model_case_clear (ModelCase *mc)
{
  for (guint f = 0; f < mc->n_fields; f++)
    field_clear (&mc->fields[f]);
}

static inline float
model_probability (const ModelCase *mc,
                   const float     *sigmoid,
                   guint            n_lesions,
                   const double    *lesion_d,
                   Tissue           tissue,
                   const double     p[3],
                   gint64           i,
                   gint64           j,
                   gint64           k)
{
  double z = tissue == TISSUE_ORGAN ? mc->bg_organ : mc->bg_body;

  for (guint l = 0; l < n_lesions; l++)
    if (!mc->missed[l])
      z = MAX (z, (mc->depth[l] - lesion_d[l]) / mc->width[l]);

  for (guint f = 0; f < mc->n_fields; f++)
    z += field_eval (&mc->fields[f], i, j, k);

  for (guint b = 0; b < mc->n_blobs; b++)
    {
      const Blob *blob = &mc->blobs[b];
      double dx = p[0] - blob->centre[0];
      double dy = p[1] - blob->centre[1];
      double dz = p[2] - blob->centre[2];
      double t = (dx * dx + dy * dy + dz * dz) / blob->support2;

      /* (1 - r^2 / R^2)^4 with R = sqrt(8) sigma: a bump like
       * exp(-r^2 / (2 sigma^2)) near its centre, with compact support. */
      if (t < 1.0)
        {
          double u = (1.0 - t) * (1.0 - t);

          z += blob->height * u * u;
        }
    }

  /* Soft saturation, as real logits stay bounded: z C / sqrt(C^2 + z^2).
   * Only +, *, / and sqrt, which IEEE 754 rounds exactly, are used per voxel
   * (no exp or tanh, whose last bit differs between libm builds). */
  {
    double c = z > 0.0 ? mc->cap_pos : mc->cap_neg;

    z = z * c / sqrt (c * c + z * z);
  }

  /* The network's float32 logit, rounded to float16 (mixed precision), then
   * a float32 sigmoid (a table over all float16 values). */
  return sigmoid[cls_demo_float_to_half ((float) z)];
}

/* ------------------------------------------------------------------------ */
/* One case                                                                  */

typedef struct {
  guint   n_lesions;
  guint64 lesion_voxels;
} CaseInfo;

typedef struct {
  ClsDemoOptions   options;
  char            *outdir;
  Grid             grid;
  CaseInfo        *info;

  gint             next_case;      /* atomic */
  gint             failed;         /* atomic */

  GMutex           lock;
  guint            done;
  GError          *error;
  ClsProgressFunc  progress;
  gpointer         user_data;
  GCancellable    *cancellable;
} DemoJob;

static char *
case_id (guint index)
{
  return g_strdup_printf ("case_%04u", index);
}

/* [1 2 1] / 4 along one axis, in place, edges replicated. The weights are
 * powers of two, so the result is the same with or without fused
 * multiply-add. */
static void
smooth_axis (float        *data,
             const gint64  dims[3],
             int           axis,
             float        *line)
{
  gint64 n = dims[axis];
  gint64 stride = axis == 0 ? 1 : axis == 1 ? dims[0] : dims[0] * dims[1];
  gint64 n_lines = dims[0] * dims[1] * dims[2] / n;

  if (n < 3)
    return;

  for (gint64 l = 0; l < n_lines; l++)
    {
      gint64 base;
      float *p;

      /* The first voxel of line l. */
      if (axis == 0)
        base = l * dims[0];
      else if (axis == 1)
        base = (l % dims[0]) + (l / dims[0]) * dims[0] * dims[1];
      else
        base = l;

      p = data + base;
      for (gint64 i = 0; i < n; i++)
        line[i] = p[i * stride];
      for (gint64 i = 0; i < n; i++)
        {
          float a = line[i > 0 ? i - 1 : 0];
          float c = line[i < n - 1 ? i + 1 : n - 1];

          p[i * stride] = 0.25f * a + 0.5f * line[i] + 0.25f * c;
        }
    }
}

static gboolean
write_volume (ClsVolume   *volume,
              const char  *outdir,
              const char  *folder,
              const char  *id,
              GError     **error)
{
  g_autofree char *name = g_strconcat (id, ".nii.gz", NULL);
  g_autofree char *path = g_build_filename (outdir, folder, name, NULL);

  return cls_volume_write (volume, path, error);
}

static gboolean
generate_case (DemoJob   *job,
               guint      index,
               CaseInfo  *info,
               GError   **error)
{
  const Grid *grid = &job->grid;
  const gint64 *dims = grid->dims;
  gint64 nx = dims[0], ny = dims[1], nz = dims[2];
  gint64 n_voxels = nx * ny * nz;
  double half_z = 0.5 * grid->fov[2];
  const float *sigmoid = get_sigmoid_table ();
  g_autofree char *id = case_id (index);
  g_autoptr(ClsVolume) image = NULL;
  g_autoptr(ClsVolume) label = NULL;
  ClsVolume *probs[N_MODELS] = { NULL, };
  float *prob_data[N_MODELS];
  ModelCase models[N_MODELS];
  g_autofree float *clean = NULL;
  g_autofree float *line = NULL;
  g_autofree float *noise = NULL;
  g_autofree float *noise_tmp = NULL;
  g_autoptr(gsl_rng) noise_rng = NULL;
  gint16 *image_data;
  guint8 *label_data;
  Phantom ph;
  double noise_white_sd;
  gboolean ok = TRUE;

  phantom_init (&ph, grid, job->options.seed, index);
  for (int m = 0; m < N_MODELS; m++)
    model_case_init (&models[m], m, &ph, grid, job->options.seed, index);

  image = cls_volume_new (dims, 1, CLS_DATATYPE_INT16, grid->affine);
  label = cls_volume_new (dims, 1, CLS_DATATYPE_UINT8, grid->affine);
  image_data = cls_volume_get_data (image);
  label_data = cls_volume_get_data (label);
  for (int m = 0; m < N_MODELS; m++)
    {
      probs[m] = cls_volume_new (dims, 1, CLS_DATATYPE_FLOAT32, grid->affine);
      prob_data[m] = cls_volume_get_data (probs[m]);
    }
  clean = g_new (float, n_voxels);

  info->n_lesions = ph.n_lesions;
  info->lesion_voxels = 0;

  for (gint64 k = 0; k < nz; k++)
    for (gint64 j = 0; j < ny; j++)
      for (gint64 i = 0; i < nx; i++)
        {
          gint64 v = i + nx * (j + ny * k);
          double p[3] = { grid->coord[0][i], grid->coord[1][j], grid->coord[2][k] };
          double lesion_d[MAX_LESIONS];
          Tissue tissue = phantom_tissue (&ph, p, half_z);
          double d_organ, best = 0.0;
          double hu;
          gboolean in_lesion = FALSE;

          if (tissue == TISSUE_AIR)
            {
              clean[v] = (float) ph.hu_air;
              label_data[v] = 0;
              for (int m = 0; m < N_MODELS; m++)
                prob_data[m][v] = 0.0f;
              continue;
            }

          switch (tissue)
            {
            case TISSUE_FAT: hu = ph.hu_fat; break;
            case TISSUE_BONE: hu = ph.hu_bone; break;
            case TISSUE_ORGAN: hu = ph.hu_organ; break;
            case TISSUE_SOFT:
            case TISSUE_AIR:
            default: hu = ph.hu_soft; break;
            }

          d_organ = organ_distance (&ph, p);
          for (guint l = 0; l < ph.n_lesions; l++)
            {
              double d_ball = lesion_ball_distance (&ph.lesions[l], p);

              /* The lesion is clipped to the organ. */
              lesion_d[l] = MAX (d_ball, d_organ);
              if (tissue == TISSUE_ORGAN && d_ball < 0.0 && (!in_lesion || d_ball < best))
                {
                  in_lesion = TRUE;
                  best = d_ball;
                  hu = ph.lesions[l].hu;
                }
            }

          clean[v] = (float) hu;
          label_data[v] = in_lesion ? 1 : 0;
          if (in_lesion)
            info->lesion_voxels++;

          for (int m = 0; m < N_MODELS; m++)
            prob_data[m][v] = model_probability (&models[m], sigmoid, ph.n_lesions,
                                                 lesion_d, tissue, p, i, j, k);
        }

  for (int m = 0; m < N_MODELS; m++)
    model_case_clear (&models[m]);

  /* Partial volume: a mild blur in all three directions. */
  line = g_new (float, MAX (nx, MAX (ny, nz)));
  for (int a = 0; a < 3; a++)
    smooth_axis (clean, dims, a, line);

  /* CT noise is correlated in-plane: white noise blurred by [1 2 1] / 4 in x
   * and y, which divides its standard deviation by 8/3. */
  noise_rng = stream_new (job->options.seed, index, STREAM_IMAGE_NOISE);
  noise = g_new (float, nx * ny);
  noise_tmp = g_new (float, nx * ny);
  noise_white_sd = ph.noise_sd * 8.0 / 3.0;
  for (gint64 k = 0; k < nz; k++)
    {
      gint64 slice_dims[3] = { nx, ny, 1 };
      float *slice = clean + k * nx * ny;

      for (gint64 v = 0; v < nx * ny; v++)
        noise[v] = (float) gaussian (noise_rng, noise_white_sd);
      smooth_axis (noise, slice_dims, 0, line);
      smooth_axis (noise, slice_dims, 1, line);
      for (gint64 v = 0; v < nx * ny; v++)
        {
          double hu = floor ((double) slice[v] + (double) noise[v] + 0.5);

          image_data[k * nx * ny + v] = (gint16) CLAMP (hu, HU_MIN, HU_MAX);
        }
    }

  g_clear_pointer (&clean, g_free);

  ok = write_volume (image, job->outdir, "images", id, error)
    && write_volume (label, job->outdir, "labels", id, error);
  for (int m = 0; m < N_MODELS && ok; m++)
    {
      g_autofree char *folder = g_build_filename ("probs", demo_models[m], NULL);

      ok = write_volume (probs[m], job->outdir, folder, id, error);
    }

  for (int m = 0; m < N_MODELS; m++)
    cls_volume_unref (probs[m]);

  return ok;
}

/* ------------------------------------------------------------------------ */
/* Threads                                                                   */

static void
job_fail (DemoJob *job,
          GError  *error)
{
  g_mutex_lock (&job->lock);
  if (job->error == NULL)
    job->error = error;
  else
    g_error_free (error);
  g_atomic_int_set (&job->failed, 1);
  g_mutex_unlock (&job->lock);
}

static gpointer
demo_worker (gpointer data)
{
  DemoJob *job = data;

  while (!g_atomic_int_get (&job->failed))
    {
      GError *error = NULL;
      guint index;

      if (g_cancellable_set_error_if_cancelled (job->cancellable, &error))
        {
          job_fail (job, error);
          break;
        }

      index = (guint) g_atomic_int_add (&job->next_case, 1);
      if (index >= job->options.n_cases)
        break;

      if (!generate_case (job, index, &job->info[index], &error))
        {
          job_fail (job, error);
          break;
        }

      g_mutex_lock (&job->lock);
      job->done++;
      if (job->progress != NULL)
        {
          g_autofree char *id = case_id (index);

          job->progress (job->done, job->options.n_cases, id, job->user_data);
        }
      g_mutex_unlock (&job->lock);
    }

  return NULL;
}

/* ------------------------------------------------------------------------ */
/* Options, marker, README                                                   */

static gboolean
resolve_options (const ClsDemoOptions  *in,
                 ClsDemoOptions        *out,
                 GError               **error)
{
  g_autofree char *size = NULL;
  guint64 n_voxels = 1;

  memset (out, 0, sizeof *out);
  if (in != NULL)
    *out = *in;

  if (out->n_cases == 0)
    out->n_cases = CLS_DEMO_DEFAULT_CASES;
  if (out->seed == 0)
    out->seed = CLS_DEMO_DEFAULT_SEED;
  for (int a = 0; a < 3; a++)
    if (out->dims[a] == 0)
      out->dims[a] = default_dims[a];

  if (out->n_cases > CLS_DEMO_MAX_CASES)
    {
      g_set_error (error, CLS_ERROR, CLS_ERROR_INVALID_ARGUMENT,
                   _("Demo dataset: %u cases asked for, at most %u are possible"),
                   out->n_cases, (guint) CLS_DEMO_MAX_CASES);
      return FALSE;
    }

  size = g_strdup_printf ("%" PRId64 " x %" PRId64 " x %" PRId64,
                          out->dims[0], out->dims[1], out->dims[2]);
  for (int a = 0; a < 3; a++)
    {
      if (out->dims[a] < CLS_DEMO_MIN_DIM || out->dims[a] > CLS_DEMO_MAX_DIM)
        {
          g_set_error (error, CLS_ERROR, CLS_ERROR_INVALID_ARGUMENT,
                       _("Demo dataset: volume size %s is out of range "
                         "(each side must be %d to %d voxels)"),
                       size, CLS_DEMO_MIN_DIM, CLS_DEMO_MAX_DIM);
          return FALSE;
        }
      n_voxels *= (guint64) out->dims[a];
    }

  if (n_voxels > (G_GUINT64_CONSTANT (1) << 27))
    {
      g_set_error (error, CLS_ERROR, CLS_ERROR_INVALID_ARGUMENT,
                   _("Demo dataset: volume size %s has too many voxels (at most %u)"),
                   size, 1u << 27);
      return FALSE;
    }

  return TRUE;
}

static guint
pick_threads (const ClsDemoOptions *options)
{
  guint64 n_voxels = (guint64) options->dims[0] * (guint64) options->dims[1] * (guint64) options->dims[2];
  /* float image + int16 image + label + three float maps, per voxel */
  guint64 per_case = n_voxels * (4 + 2 + 1 + 4 * N_MODELS);
  guint n = options->n_threads != 0 ? options->n_threads : (guint) g_get_num_processors ();
  guint by_memory = (guint) MIN ((guint64) G_MAXUINT, MAX (1, THREAD_MEMORY_BUDGET / per_case));

  n = MIN (n, by_memory);
  n = MIN (n, options->n_cases);
  return MAX (n, 1);
}

static char *
marker_contents (const ClsDemoOptions *options,
                 gboolean              complete)
{
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  int dims[3] = { (int) options->dims[0], (int) options->dims[1], (int) options->dims[2] };

  g_key_file_set_string (kf, MARKER_GROUP, "generator", "CLS Studio demo generator");
  g_key_file_set_integer (kf, MARKER_GROUP, "format", DEMO_FORMAT_VERSION);
  g_key_file_set_string (kf, MARKER_GROUP, "state", complete ? "complete" : "in-progress");
  g_key_file_set_uint64 (kf, MARKER_GROUP, "seed", options->seed);
  g_key_file_set_integer (kf, MARKER_GROUP, "cases", (int) options->n_cases);
  g_key_file_set_integer_list (kf, MARKER_GROUP, "dims", dims, 3);
  g_key_file_set_string_list (kf, MARKER_GROUP, "models", demo_models, N_MODELS);

  return g_key_file_to_data (kf, NULL, NULL);
}

static gboolean
write_marker (const char            *outdir,
              const ClsDemoOptions  *options,
              gboolean               complete,
              GError               **error)
{
  g_autofree char *path = g_build_filename (outdir, MARKER_NAME, NULL);
  g_autofree char *text = marker_contents (options, complete);

  return cls_atomic_write (path, text, strlen (text), error);
}

/* Whether the marker says "complete, made with these options". */
static gboolean
marker_matches (const char           *outdir,
                const ClsDemoOptions *options)
{
  g_autofree char *path = g_build_filename (outdir, MARKER_NAME, NULL);
  g_autofree char *expected = marker_contents (options, TRUE);
  g_autofree char *text = NULL;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return FALSE;

  /* The marker is written only by us, from the same function: comparing the
   * text compares format, state, seed, cases, dims and models at once. */
  return g_strcmp0 (text, expected) == 0;
}

static gboolean
all_files_present (const char           *outdir,
                   const ClsDemoOptions *options)
{
  g_autofree char *readme = g_build_filename (outdir, README_NAME, NULL);

  if (!g_file_test (readme, G_FILE_TEST_IS_REGULAR))
    return FALSE;

  for (guint c = 0; c < options->n_cases; c++)
    {
      g_autofree char *id = case_id (c);
      g_autofree char *name = g_strconcat (id, ".nii.gz", NULL);
      g_autofree char *image = g_build_filename (outdir, "images", name, NULL);
      g_autofree char *label = g_build_filename (outdir, "labels", name, NULL);

      if (!g_file_test (image, G_FILE_TEST_IS_REGULAR) ||
          !g_file_test (label, G_FILE_TEST_IS_REGULAR))
        return FALSE;

      for (int m = 0; m < N_MODELS; m++)
        {
          g_autofree char *prob = g_build_filename (outdir, "probs", demo_models[m], name, NULL);

          if (!g_file_test (prob, G_FILE_TEST_IS_REGULAR))
            return FALSE;
        }
    }

  return TRUE;
}

/**
 * cls_demo_is_complete:
 * @outdir: a folder
 * @options: (nullable): the options (%NULL or zeroed fields: defaults)
 *
 * Whether @outdir holds a complete demo dataset made with @options by this
 * version of the generator, so that cls_demo_write() would return at once.
 *
 * Returns: %TRUE when complete
 */
gboolean
cls_demo_is_complete (const char           *outdir,
                      const ClsDemoOptions *options)
{
  ClsDemoOptions resolved;

  g_return_val_if_fail (outdir != NULL, FALSE);

  if (!resolve_options (options, &resolved, NULL))
    return FALSE;

  return marker_matches (outdir, &resolved) && all_files_present (outdir, &resolved);
}

static const char *
model_readme_text (int model)
{
  switch (model)
    {
    case MODEL_UNDERCONFIDENT:
      return
        "  underconfident  Probabilities systematically too low. The 0.5 level lies\n"
        "                  inside each lesion, at the depth that leaves 30-80% of a\n"
        "                  ball's volume below 0.5 (deeper for about a quarter of the\n"
        "                  cases); the logit rises slowly with depth and saturates below\n"
        "                  0.9. At the usual threshold 0.5 it misses about half of each\n"
        "                  lesion, like the models in Table 1 of the CLS paper.\n";
    case MODEL_SHARP:
      return
        "  sharp           Confident and mostly right: a steep logit (5 per mm) whose 0.5\n"
        "                  level is 0.05-0.30 mm inside the lesion surface, probabilities\n"
        "                  near 0 or 1. Lesions under 2 mm in radius (3-4 mm across)\n"
        "                  are missed entirely 35% of the time.\n";
    case MODEL_NOISY:
      return
        "  noisy           A blurry boundary (0.8 logit per mm), spatially correlated\n"
        "                  noise at 4 mm and 10 mm scales, and 2-5 blobs of moderate\n"
        "                  probability elsewhere in the organ and body (false positives).\n";
    default:
      g_assert_not_reached ();
    }
  return NULL;
}

/**
 * cls_demo_get_model_description:
 * @model: a name from cls_demo_get_models()
 *
 * Returns: (nullable): a one-line translated description, or %NULL if
 *   @model is not a demo model
 */
const char *
cls_demo_get_model_description (const char *model)
{
  if (g_strcmp0 (model, demo_models[MODEL_UNDERCONFIDENT]) == 0)
    return _("Underconfident: probabilities too low, misses about half of each lesion at 0.5");
  if (g_strcmp0 (model, demo_models[MODEL_SHARP]) == 0)
    return _("Sharp: confident and mostly right, sometimes misses a very small lesion");
  if (g_strcmp0 (model, demo_models[MODEL_NOISY]) == 0)
    return _("Noisy: blurry boundaries, correlated noise and false-positive blobs");
  return NULL;
}

/**
 * cls_demo_get_models:
 *
 * The simulated models of the demo dataset, in a fixed order; each has a
 * folder probs/<model>/.
 *
 * Returns: (transfer none) (array zero-terminated=1): the model names
 */
const char * const *
cls_demo_get_models (void)
{
  return demo_models;
}

static char *
readme_contents (const DemoJob *job)
{
  const ClsDemoOptions *o = &job->options;
  const Grid *g = &job->grid;
  GString *s = g_string_new (NULL);
  guint n_empty = 0;
  g_autofree char *models = g_strjoinv (", ", (char **) demo_models);
  g_autofree char *last = case_id (o->n_cases - 1);
  char spacing[3][G_ASCII_DTOSTR_BUF_SIZE];

  for (guint c = 0; c < o->n_cases; c++)
    if (job->info[c].n_lesions == 0)
      n_empty++;

  /* Not translated, and numbers formatted without the locale: the same
   * options give the same bytes everywhere. */
  for (int a = 0; a < 3; a++)
    g_ascii_formatd (spacing[a], sizeof spacing[a], "%.4f", g->spacing[a]);

  g_string_append (s,
    "CLS Studio demo dataset -- SYNTHETIC DATA\n"
    "=========================================\n"
    "\n"
    "Everything in this folder is SYNTHETIC. It was made by a computer program,\n"
    "the CLS Studio demo generator. It contains no patient data, no real scan and\n"
    "no output of any real segmentation model. Do not use it for any clinical or\n"
    "diagnostic purpose, and do not report results on it as results on real data.\n"
    "It exists so that conformal lesion segmentation can be tried, taught and\n"
    "tested.\n"
    "\n");

  g_string_append_printf (s,
    "Generator:  CLS Studio demo generator, format %d\n"
    "Seed:       %" PRIu64 "\n"
    "Cases:      %u (case_0000 ... %s), %u of them without any lesion\n"
    "Grid:       %" PRId64 " x %" PRId64 " x %" PRId64
    " voxels, spacing %s x %s x %s mm,\n"
    "            stored LPS (i to the patient's left, j to posterior, k to superior)\n"
    "Models:     %s\n"
    "\n",
    DEMO_FORMAT_VERSION, o->seed, o->n_cases, last, n_empty,
    g->dims[0], g->dims[1], g->dims[2],
    spacing[0], spacing[1], spacing[2], models);

  g_string_append (s,
    "Layout\n"
    "  images/<case>.nii.gz          CT-like image, int16, Hounsfield units\n"
    "  labels/<case>.nii.gz          ground truth, uint8, lesion = 1, else 0\n"
    "  probs/<model>/<case>.nii.gz   lesion probability of a simulated model,\n"
    "                                float32 in [0, 1]\n"
    "  .cls-demo                     the generator's marker (options, state)\n"
    "\n"
    "The images\n"
    "  A phantom of fixed size (76.8 x 76.8 x 120 mm): air (-1000 HU) around an\n"
    "  elliptical body (soft tissue about +40 HU) with a fat layer (about -100 HU)\n"
    "  and a vertebral body (about +300 HU) at the back, and a liver-like ellipsoid\n"
    "  (about +60 HU) on the patient's RIGHT side. A mild blur models partial\n"
    "  volume; in-plane correlated Gaussian noise (10-18 HU) is added; values are\n"
    "  rounded and clipped to [-1024, 3071].\n"
    "\n"
    "The lesions\n"
    "  0 to 3 per case inside the organ: irregular balls (the radius modulated by a\n"
    "  random low-order polynomial of the direction, +-25-45%), nominal radius\n"
    "  log-uniform from 1.5 to 18 mm, clipped to the organ; mostly hypodense\n"
    "  (+10 to +30 HU), some hyperdense (+85 to +100 HU). In every block of 20\n"
    "  cases one case has no lesion (an empty ground truth), so that the\n"
    "  empty-mask policy of the calibration can be exercised.\n"
    "\n"
    "The simulated models\n"
    "  Each probability is sigmoid(logit). The logit is a smooth function of the\n"
    "  signed distance (in mm) to the lesion surface, with a model-specific depth\n"
    "  and scale per lesion, the larger of that and a background logit, plus\n"
    "  spatially correlated noise, softly saturated. Each logit is rounded to IEEE\n"
    "  float16, as mixed-precision inference does, before a float32 sigmoid: this\n"
    "  bounds the number of distinct probabilities and makes ties happen. Outside\n"
    "  the body every model outputs exactly 0.\n"
    "\n");

  for (int m = 0; m < N_MODELS; m++)
    g_string_append (s, model_readme_text (m));

  g_string_append (s,
    "\n"
    "Reproducibility\n"
    "  All random numbers come from GSL's MT19937. Each case has its own streams,\n"
    "  seeded from (seed, case index) with splitmix64, so the same seed, number of\n"
    "  cases and grid give the same files on every machine and with any number of\n"
    "  threads, and case_0007 is the same whatever the number of cases.\n"
    "\n"
    "Use\n"
    "  The data contain no personal data. CLS Studio places no restriction on\n"
    "  using, sharing or modifying them.\n"
    "\n"
    "Cases\n");

  for (guint c = 0; c < o->n_cases; c++)
    {
      g_autofree char *id = case_id (c);

      if (job->info[c].n_lesions == 0)
        g_string_append_printf (s, "  %s  no lesion (empty ground truth)\n", id);
      else
        g_string_append_printf (s, "  %s  %u lesion%s, %" PRIu64 " lesion voxels\n",
                                id, job->info[c].n_lesions,
                                job->info[c].n_lesions == 1 ? "" : "s",
                                job->info[c].lesion_voxels);
    }

  return g_string_free (s, FALSE);
}

/* ------------------------------------------------------------------------ */
/* The folder                                                                */

static gboolean
is_case_file_name (const char *name)
{
  const char *p;
  int digits = 0;

  if (!g_str_has_prefix (name, "case_"))
    return FALSE;
  for (p = name + 5; g_ascii_isdigit (*p); p++)
    digits++;

  return digits >= 4 && strcmp (p, ".nii.gz") == 0;
}

static gboolean
is_top_file_name (const char *name)
{
  return strcmp (name, MARKER_NAME) == 0 || strcmp (name, README_NAME) == 0;
}

/* The temporary files of cls_atomic_file_new(): ".<name>.XXXXXX". */
static gboolean
is_temp_of (const char *name,
            gboolean  (*pred) (const char *))
{
  gsize len = strlen (name);
  g_autofree char *base = NULL;

  if (len < 9 || name[0] != '.' || name[len - 7] != '.')
    return FALSE;
  for (gsize i = len - 6; i < len; i++)
    if (!g_ascii_isalnum (name[i]))
      return FALSE;

  base = g_strndup (name + 1, len - 8);
  return pred (base);
}

typedef struct {
  GPtrArray *files;     /* ours, to delete (all but the marker) */
  GPtrArray *dirs;      /* ours, to remove once empty, deepest first */
  char      *foreign;   /* the first entry we did not write */
  int        errsv;
  char      *error_path;
} Scan;

static gboolean
is_regular (const char *path)
{
  GStatBuf st;

  return g_lstat (path, &st) == 0 && S_ISREG (st.st_mode);
}

static gboolean
is_real_dir (const char *path)
{
  GStatBuf st;

  return g_lstat (path, &st) == 0 && S_ISDIR (st.st_mode);
}

/* Lists a folder that should hold only case files (and their temporary
 * files). Returns FALSE at the first foreign entry. */
static gboolean
scan_case_folder (Scan       *scan,
                  const char *dir)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) d = g_dir_open (dir, 0, &error);
  const char *name;

  if (d == NULL)
    {
      scan->foreign = g_strdup (dir);
      return FALSE;
    }

  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if ((is_case_file_name (name) || is_temp_of (name, is_case_file_name)) && is_regular (path))
        g_ptr_array_add (scan->files, g_steal_pointer (&path));
      else
        {
          scan->foreign = g_steal_pointer (&path);
          return FALSE;
        }
    }

  g_ptr_array_add (scan->dirs, g_strdup (dir));
  return TRUE;
}

/* Checks that everything in @outdir was written by this generator. */
static gboolean
scan_demo_folder (Scan       *scan,
                  const char *outdir)
{
  g_autoptr(GDir) d = g_dir_open (outdir, 0, NULL);
  const char *name;

  if (d == NULL)
    {
      scan->foreign = g_strdup (outdir);
      return FALSE;
    }

  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (outdir, name, NULL);

      if (strcmp (name, MARKER_NAME) == 0 && is_regular (path))
        continue;

      if ((strcmp (name, README_NAME) == 0 || is_temp_of (name, is_top_file_name)) &&
          is_regular (path))
        {
          g_ptr_array_add (scan->files, g_steal_pointer (&path));
          continue;
        }

      if ((strcmp (name, "images") == 0 || strcmp (name, "labels") == 0) && is_real_dir (path))
        {
          if (!scan_case_folder (scan, path))
            return FALSE;
          continue;
        }

      if (strcmp (name, "probs") == 0 && is_real_dir (path))
        {
          g_autoptr(GDir) pd = g_dir_open (path, 0, NULL);
          const char *model;

          if (pd == NULL)
            {
              scan->foreign = g_steal_pointer (&path);
              return FALSE;
            }
          while ((model = g_dir_read_name (pd)) != NULL)
            {
              g_autofree char *mpath = g_build_filename (path, model, NULL);

              if (!is_real_dir (mpath))
                {
                  scan->foreign = g_steal_pointer (&mpath);
                  return FALSE;
                }
              if (!scan_case_folder (scan, mpath))
                return FALSE;
            }
          g_ptr_array_add (scan->dirs, g_steal_pointer (&path));
          continue;
        }

      scan->foreign = g_steal_pointer (&path);
      return FALSE;
    }

  return TRUE;
}

static gboolean
folder_is_empty (const char *path)
{
  g_autoptr(GDir) d = g_dir_open (path, 0, NULL);

  return d != NULL && g_dir_read_name (d) == NULL;
}

static gboolean
make_folder (const char  *path,
             GError     **error)
{
  if (g_mkdir_with_parents (path, 0755) != 0)
    {
      int errsv = errno;

      g_set_error (error, CLS_ERROR, CLS_ERROR_IO,
                   _("Could not create folder “%s”: %s"), path, g_strerror (errsv));
      return FALSE;
    }
  return TRUE;
}

/* Makes @outdir ready for a fresh dataset: creates it, or checks that it is
 * empty, or removes an incomplete or different demo dataset from it (only
 * the files this generator writes). Writes the in-progress marker. */
static gboolean
prepare_folder (const char            *outdir,
                const ClsDemoOptions  *options,
                GError               **error)
{
  g_autofree char *marker = g_build_filename (outdir, MARKER_NAME, NULL);

  if (!g_file_test (outdir, G_FILE_TEST_EXISTS))
    {
      if (!make_folder (outdir, error))
        return FALSE;
    }
  else if (!g_file_test (outdir, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, CLS_ERROR, CLS_ERROR_IO,
                   _("Cannot write the demo dataset to “%s”: it exists and is not a folder"),
                   outdir);
      return FALSE;
    }
  else if (!folder_is_empty (outdir))
    {
      Scan scan = { 0, };
      gboolean ours;

      if (!is_regular (marker))
        {
          g_set_error (error, CLS_ERROR, CLS_ERROR_DATASET,
                       _("Cannot write the demo dataset to “%s”: the folder is not empty "
                         "and is not a demo dataset; choose a new or empty folder"),
                       outdir);
          return FALSE;
        }

      scan.files = g_ptr_array_new_with_free_func (g_free);
      scan.dirs = g_ptr_array_new_with_free_func (g_free);
      ours = scan_demo_folder (&scan, outdir);

      if (!ours)
        {
          g_set_error (error, CLS_ERROR, CLS_ERROR_DATASET,
                       _("Cannot rewrite the demo dataset in “%s”: it holds “%s”, which the "
                         "demo generator did not write; move it away or choose another folder"),
                       outdir, scan.foreign);
        }
      else if (write_marker (outdir, options, FALSE, error))
        {
          /* The marker now says in-progress: an interruption from here on
           * leaves a folder that is recognised and cleaned again. */
          for (guint f = 0; f < scan.files->len && ours; f++)
            {
              const char *path = g_ptr_array_index (scan.files, f);

              if (g_unlink (path) != 0 && errno != ENOENT)
                {
                  int errsv = errno;

                  g_set_error (error, CLS_ERROR, CLS_ERROR_IO,
                               _("Could not remove “%s”: %s"), path, g_strerror (errsv));
                  ours = FALSE;
                }
            }
          /* Case folders were added before "probs", so this is deepest first. */
          for (guint f = 0; f < scan.dirs->len && ours; f++)
            (void) g_rmdir (g_ptr_array_index (scan.dirs, f));
        }
      else
        ours = FALSE;

      g_ptr_array_unref (scan.files);
      g_ptr_array_unref (scan.dirs);
      g_free (scan.foreign);
      return ours;
    }

  return write_marker (outdir, options, FALSE, error);
}

static gboolean
make_case_folders (const char  *outdir,
                   GError     **error)
{
  const char *folders[] = { "images", "labels" };

  for (guint f = 0; f < G_N_ELEMENTS (folders); f++)
    {
      g_autofree char *path = g_build_filename (outdir, folders[f], NULL);

      if (!make_folder (path, error))
        return FALSE;
    }

  for (int m = 0; m < N_MODELS; m++)
    {
      g_autofree char *path = g_build_filename (outdir, "probs", demo_models[m], NULL);

      if (!make_folder (path, error))
        return FALSE;
    }

  return TRUE;
}

/**
 * cls_demo_write:
 * @outdir: the dataset folder (created if missing)
 * @options: (nullable): what to generate; %NULL or zeroed fields: defaults
 * @progress: (nullable) (scope call): called after each case is written
 *   (done/total in cases), from one thread at a time
 * @user_data: data for @progress
 * @cancellable: (nullable): checked between cases
 * @error: return location for a #GError
 *
 * Writes the synthetic demo dataset: images/, labels/ and probs/<model>/,
 * one NIfTI-1 .nii.gz per case each, and a README.txt that says the data are
 * synthetic and how they were made. The same options give the same files.
 *
 * Refuses a folder that exists and is not empty, unless it is a demo
 * dataset: a complete one made with the same options is left as is (the
 * call succeeds at once), an incomplete or different one is removed first.
 * Only files the generator writes are ever removed; a demo folder that also
 * holds anything else is refused. A marker, .cls-demo, is written first as
 * "in-progress" and last as "complete".
 *
 * Cases are generated in parallel (@options n_threads, default one per
 * processor); cancelling stops between cases with %G_IO_ERROR_CANCELLED
 * and leaves an in-progress folder that the next call cleans.
 *
 * Returns: %TRUE when @outdir holds the complete dataset
 */
gboolean
cls_demo_write (const char            *outdir,
                const ClsDemoOptions  *options,
                ClsProgressFunc        progress,
                gpointer               user_data,
                GCancellable          *cancellable,
                GError               **error)
{
  ClsDemoOptions resolved;
  DemoJob job;
  g_autoptr(GPtrArray) threads = NULL;
  g_autofree char *readme = NULL;
  g_autofree char *readme_path = NULL;
  guint n_threads;
  gboolean ok;

  g_return_val_if_fail (outdir != NULL, FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!resolve_options (options, &resolved, error))
    return FALSE;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  /* Lazily regenerated: a complete folder with the same options is kept. */
  if (marker_matches (outdir, &resolved) && all_files_present (outdir, &resolved))
    {
      if (progress != NULL)
        progress (resolved.n_cases, resolved.n_cases, NULL, user_data);
      return TRUE;
    }

  if (!prepare_folder (outdir, &resolved, error) ||
      !make_case_folders (outdir, error))
    return FALSE;

  memset (&job, 0, sizeof job);
  job.options = resolved;
  job.outdir = g_strdup (outdir);
  grid_init (&job.grid, resolved.dims);
  job.info = g_new0 (CaseInfo, resolved.n_cases);
  g_mutex_init (&job.lock);
  job.progress = progress;
  job.user_data = user_data;
  job.cancellable = cancellable;

  (void) get_sigmoid_table ();
  if (progress != NULL)
    progress (0, resolved.n_cases, NULL, user_data);

  n_threads = pick_threads (&resolved);
  threads = g_ptr_array_new ();
  for (guint t = 1; t < n_threads; t++)
    {
      GThread *thread = g_thread_try_new ("cls-demo", demo_worker, &job, NULL);

      if (thread == NULL)
        break;          /* fewer threads, same result */
      g_ptr_array_add (threads, thread);
    }
  demo_worker (&job);
  for (guint t = 0; t < threads->len; t++)
    g_thread_join (g_ptr_array_index (threads, t));

  ok = job.error == NULL;
  if (!ok)
    g_propagate_error (error, g_steal_pointer (&job.error));

  if (ok)
    {
      readme = readme_contents (&job);
      readme_path = g_build_filename (outdir, README_NAME, NULL);
      ok = cls_atomic_write (readme_path, readme, strlen (readme), error)
        && write_marker (outdir, &resolved, TRUE, error);
    }

  g_mutex_clear (&job.lock);
  grid_clear (&job.grid);
  g_free (job.info);
  g_free (job.outdir);

  return ok;
}
