/* test-lesion-loss.c: detection cuts, the lesion loss's critical cuts, its
 * calibration and the lesions missed by size, against brute force over
 * the voxel arrays
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The brute force follows the definitions: lesions are flood-filled 26-
 * connected components of the ground truth; lesion j is detected at the cut
 * c when #{p >= c in j} · den >= num · size_j (coverage num / den, exact
 * integers); L(c) = #{not detected} / J, compared with epsilon on integers.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gmp.h>

#include "cls-calibration.h"
#include "cls-error.h"
#include "cls-lesion-loss.h"
#include "cls-test-util.h"

static ClsFraction
frac (const char *s)
{
  ClsFraction f;
  g_assert_true (cls_fraction_parse (s, &f, NULL));
  return f;
}

/* Ties everywhere, and float32 values whose decimal is inexact. */
static const float tie_values[] = { 0.0f, 0.1f, 0.3f, 0.3f, 0.5f, 0.7f, 0.7f, 0.9f, 1.0f, 0.2f, 0.6f };

typedef struct {
  gint64   dims[3];
  double   spacing[3];
  gint64   n;
  double  *p;
  guint8  *l;
  gint32  *label;   /* flood fill */
  guint32  n_lesions;
} Grid;

static void
grid_clear (Grid *g)
{
  g_free (g->p);
  g_free (g->l);
  g_free (g->label);
}

/* A few boxes of lesion (sizes that make coverage · size integral often),
 * some stray voxels, and lines of exactly ten voxels. */
static Grid
random_grid (GRand *rand)
{
  Grid g = { { g_rand_int_range (rand, 6, 14), g_rand_int_range (rand, 6, 14), g_rand_int_range (rand, 3, 8) } };
  guint n_boxes = g_rand_int_range (rand, 0, 4);

  g.spacing[0] = g.spacing[1] = g_rand_boolean (rand) ? 1.0 : 2.0;
  g.spacing[2] = g_rand_boolean (rand) ? 1.0 : 2.5;
  g.n = g.dims[0] * g.dims[1] * g.dims[2];
  g.p = g_new (double, g.n);
  g.l = g_new0 (guint8, g.n);
  g.label = g_new (gint32, g.n);

  for (gint64 i = 0; i < g.n; i++)
    g.p[i] = tie_values[g_rand_int_range (rand, 0, G_N_ELEMENTS (tie_values))];
  for (guint b = 0; b < n_boxes; b++)
    {
      gint64 x0 = g_rand_int_range (rand, 0, g.dims[0]), y0 = g_rand_int_range (rand, 0, g.dims[1]);
      gint64 z0 = g_rand_int_range (rand, 0, g.dims[2]);
      gint64 w = g_rand_int_range (rand, 1, 5), h = g_rand_int_range (rand, 1, 5), d = g_rand_int_range (rand, 1, 3);

      for (gint64 z = z0; z < MIN (z0 + d, g.dims[2]); z++)
        for (gint64 y = y0; y < MIN (y0 + h, g.dims[1]); y++)
          for (gint64 x = x0; x < MIN (x0 + w, g.dims[0]); x++)
            g.l[x + g.dims[0] * (y + g.dims[1] * z)] = 1;
    }
  if (g_rand_int_range (rand, 0, 3) == 0)
    {
      gint64 y = g_rand_int_range (rand, 0, g.dims[1]), z = g_rand_int_range (rand, 0, g.dims[2]);

      for (gint64 x = 0; x < MIN (10, g.dims[0]); x++)
        g.l[x + g.dims[0] * (y + g.dims[1] * z)] = 1;
    }
  for (guint k = g_rand_int_range (rand, 0, 4); k > 0; k--)
    g.l[g_rand_int_range (rand, 0, (gint32) g.n)] = 1;

  g.n_lesions = cls_test_flood_fill (g.l, g.dims, g.label);
  return g;
}

static ClsCaseSummary *
grid_summary (const Grid *g,
              const char *id)
{
  return cls_test_summary_new_from_grid (id, g->dims, g->spacing, g->p, g->l);
}

static guint64
lesion_size (const Grid *g,
             guint32     j)
{
  guint64 size = 0;

  for (gint64 i = 0; i < g->n; i++)
    size += g->label[i] == (gint32) j;
  return size;
}

static gboolean
brute_detected (const Grid  *g,
                guint32      j,
                ClsFraction  q,
                double       cut)
{
  guint64 in = 0, size = 0;

  for (gint64 i = 0; i < g->n; i++)
    if (g->label[i] == (gint32) j)
      {
        size++;
        in += g->p[i] >= cut;
      }
  return (unsigned __int128) in * q.den >= (unsigned __int128) q.num * size;
}

static guint32
brute_missed (const Grid  *g,
              ClsFraction  q,
              double       cut)
{
  guint32 missed = 0;

  for (guint32 j = 0; j < g->n_lesions; j++)
    missed += !brute_detected (g, j, q, cut);
  return missed;
}

static gboolean
brute_within (guint64     missed,
              guint64     lesions,
              ClsFraction eps)
{
  return (unsigned __int128) missed * eps.den <= (unsigned __int128) eps.num * lesions;
}

/* The largest cut in {lesion probabilities} ∪ {1} with L(c) <= epsilon. */
static double
brute_critical_cut (const Grid  *g,
                    ClsFraction  q,
                    ClsFraction  eps)
{
  double best = -1;

  if (brute_within (brute_missed (g, q, 1.0), g->n_lesions, eps))
    return 1.0;
  for (gint64 i = 0; i < g->n; i++)
    if (g->l[i] && g->p[i] > best && brute_within (brute_missed (g, q, g->p[i]), g->n_lesions, eps))
      best = g->p[i];
  return best;
}

static ClsSizeBand
brute_band (const Grid *g,
            guint32     j)
{
  double d = cbrt (6.0 * lesion_size (g, j) * g->spacing[0] * g->spacing[1] * g->spacing[2] / G_PI);

  return d < 5.0 ? CLS_SIZE_SMALL : d <= 10.0 ? CLS_SIZE_MEDIUM : CLS_SIZE_LARGE;
}

static const char *coverages[] = { "0.5", "0.3", "0.25", "1", "0.1", "0.7", "0.2" };
static const char *epsilons[] = { "0.2", "0", "0.5", "0.25", "0.1", "0.3", "0.34" };

/* Detection cuts, missed counts (by band, entirely) and the critical cut. */
static void
test_cuts_brute_force (void)
{
  GRand *rand = g_rand_new_with_seed (cls_test_seed ());
  const double cuts[] = { 0.0, 0.1f, 0.2f, 0.3f, 0.30000001, 0.5, 0.6f, 0.7f, 0.9f, 1.0, 0.05 };

  for (int trial = 0; trial < 150; trial++)
    {
      Grid g = random_grid (rand);
      g_autoptr(ClsCaseSummary) s = grid_summary (&g, "c");
      const ClsComponents *components = cls_case_summary_get_components (s);
      ClsFraction q = frac (coverages[trial % G_N_ELEMENTS (coverages)]);
      ClsFraction eps = frac (epsilons[(trial / 3) % G_N_ELEMENTS (epsilons)]);
      g_autoptr(ClsLesionCuts) lc = cls_lesion_cuts_new (components, q, NULL);
      ClsCalibrationParams params;
      ClsCaseScore score;

      g_assert_cmpuint (lc->n, ==, g.n_lesions);
      for (guint c = 0; c < G_N_ELEMENTS (cuts); c++)
        {
          guint32 missed[CLS_N_SIZE_BANDS], expected[CLS_N_SIZE_BANDS] = { 0 }, entirely = 0;

          g_assert_cmpuint (cls_lesion_cuts_missed (lc, cuts[c]), ==, brute_missed (&g, q, cuts[c]));
          cls_lesion_cuts_missed_by_band (lc, cuts[c], missed);
          for (guint32 j = 0; j < g.n_lesions; j++)
            {
              gboolean any = FALSE;

              if (!brute_detected (&g, j, q, cuts[c]))
                expected[brute_band (&g, j)]++;
              for (gint64 i = 0; i < g.n; i++)
                any |= g.label[i] == (gint32) j && g.p[i] >= cuts[c];
              entirely += !any;
            }
          for (guint b = 0; b < CLS_N_SIZE_BANDS; b++)
            g_assert_cmpuint (missed[b], ==, expected[b]);
          g_assert_cmpuint (cls_lesion_cuts_missed_entirely (lc, cuts[c]), ==, entirely);
        }

      /* a lesion's detection cut detects it, and any cut above it does not
       * (the summary numbers lesions as the flood fill does) */
      for (guint32 j = 0; j < g.n_lesions; j++)
        {
          double d = cls_components_detection_cut (components, j, q, NULL);

          g_assert_cmpuint (cls_components_get_size (components, j), ==, lesion_size (&g, j));
          g_assert_true (brute_detected (&g, j, q, d));
          g_assert_false (brute_detected (&g, j, q, nextafter (d, 2.0)));
          g_assert_cmpint (cls_components_get_band (components, j), ==, brute_band (&g, j));
        }

      cls_calibration_params_init (&params);
      params.loss = CLS_LOSS_LESION;
      params.lesion_coverage = q;
      params.epsilon = eps;
      params.empty_policy = CLS_EMPTY_INCLUDE;
      g_assert_true (cls_case_score (s, &params, &score));
      if (g.n_lesions > 0)
        {
          g_assert_cmpfloat (score.cut, ==, brute_critical_cut (&g, q, eps));
          g_assert_cmpuint (score.allowed, ==, cls_fraction_floor_mul (eps, g.n_lesions));
        }
      else
        g_assert_cmpfloat (score.cut, ==, 1.0);
      grid_clear (&g);
    }
  g_rand_free (rand);
}

/* A lesion of ten voxels at coverage 0.3: three voxels detect it, exactly
 * (0.3 · 10 is 3.0000000000000004 in binary). */
static void
test_integral_coverage (void)
{
  const gint64 dims[3] = { 10, 1, 1 };
  const double spacing[3] = { 1, 1, 1 };
  double p[10] = { 0.9, 0.8, 0.7f, 0.3f, 0.3f, 0.2, 0.1, 0.1, 0.05, 0.01 };
  guint8 l[10] = { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1 };
  g_autoptr(ClsCaseSummary) s = cls_test_summary_new_from_grid ("line", dims, spacing, p, l);
  const ClsComponents *c = cls_case_summary_get_components (s);

  g_assert_cmpuint (cls_components_get_n (c), ==, 1);
  g_assert_cmpfloat (cls_components_detection_cut (c, 0, frac ("0.3"), NULL), ==, 0.7f);
  g_assert_cmpfloat (cls_components_detection_cut (c, 0, frac ("0.5"), NULL), ==, 0.3f);
  g_assert_cmpfloat (cls_components_detection_cut (c, 0, frac ("0.51"), NULL), ==, 0.2f);
  g_assert_cmpfloat (cls_components_detection_cut (c, 0, frac ("1"), NULL), ==, 0.01f);
  g_assert_cmpfloat (cls_components_detection_cut (c, 0, frac ("0.01"), NULL), ==, 0.9f);
}

/* cls_calibration_new with the lesion loss: the k-th largest brute-force
 * critical cut, every case's coverage, and the lesions missed by band. */
static void
test_calibration_brute_force (void)
{
  GRand *rand = g_rand_new_with_seed (cls_test_seed () + 1);

  for (int trial = 0; trial < 30; trial++)
    {
      guint n = g_rand_int_range (rand, 1, 25);
      g_autofree Grid *grids = g_new0 (Grid, n);
      g_autoptr(GPtrArray) summaries = g_ptr_array_new_with_free_func ((GDestroyNotify) cls_case_summary_unref);
      g_autofree double *cuts = g_new (double, n);
      g_autoptr(ClsCalibration) cal = NULL;
      g_autoptr(GError) error = NULL;
      ClsCalibrationParams params;
      guint m = 0;
      guint64 k;
      guint32 lesions[CLS_N_SIZE_BANDS], fixed[CLS_N_SIZE_BANDS], calibrated[CLS_N_SIZE_BANDS];
      guint32 expect_lesions[CLS_N_SIZE_BANDS] = { 0 }, expect_calibrated[CLS_N_SIZE_BANDS] = { 0 };

      cls_calibration_params_init (&params);
      params.loss = CLS_LOSS_LESION;
      params.lesion_coverage = frac (coverages[trial % G_N_ELEMENTS (coverages)]);
      params.epsilon = frac (epsilons[trial % G_N_ELEMENTS (epsilons)]);
      params.alpha = frac (trial % 2 ? "0.2" : "0.1");

      for (guint i = 0; i < n; i++)
        {
          g_autofree char *id = g_strdup_printf ("c%u", i);

          grids[i] = random_grid (rand);
          g_ptr_array_add (summaries, grid_summary (&grids[i], id));
          if (grids[i].n_lesions > 0)
            cuts[m++] = brute_critical_cut (&grids[i], params.lesion_coverage, params.epsilon);
        }

      cal = cls_calibration_new ((ClsCaseSummary **) summaries->pdata, n, &params, &error);
      if (m == 0)
        {
          g_assert_error (error, CLS_ERROR, CLS_ERROR_NO_CASES);
          goto next;
        }
      g_assert_no_error (error);
      k = cls_fraction_conformal_rank (params.alpha, m);
      g_assert_cmpuint (cls_calibration_get_n (cal), ==, m);
      g_assert_cmpuint (cls_calibration_get_rank (cal), ==, k);
      g_assert_cmpint (cls_calibration_is_feasible (cal), ==, k <= m);
      if (k <= m)
        {
          /* the k-th largest, by counting */
          double c = cls_calibration_get_cut (cal);
          guint above = 0, at_least = 0;

          for (guint i = 0; i < m; i++)
            {
              above += cuts[i] > c;
              at_least += cuts[i] >= c;
            }
          g_assert_cmpuint (above, <, k);
          g_assert_cmpuint (at_least, >=, k);
        }

      for (guint i = 0; i < n; i++)
        {
          const ClsCaseResult *r = cls_calibration_get_case (cal, i);
          double c = cls_calibration_get_cut (cal);

          if (grids[i].n_lesions == 0)
            continue;
          g_assert_cmpint (r->covered, ==, brute_within (brute_missed (&grids[i], params.lesion_coverage, c),
                                                         grids[i].n_lesions, params.epsilon));
          g_assert_cmpuint (r->n_lesions, ==, grids[i].n_lesions);
          g_assert_cmpuint (r->lesions_missed_calibrated, ==, brute_missed (&grids[i], params.lesion_coverage, c));
          for (guint32 j = 0; j < grids[i].n_lesions; j++)
            {
              expect_lesions[brute_band (&grids[i], j)]++;
              if (!brute_detected (&grids[i], j, params.lesion_coverage, c))
                expect_calibrated[brute_band (&grids[i], j)]++;
            }
        }
      cls_calibration_get_lesion_counts (cal, lesions, fixed, calibrated);
      for (guint b = 0; b < CLS_N_SIZE_BANDS; b++)
        {
          g_assert_cmpuint (lesions[b], ==, expect_lesions[b]);
          g_assert_cmpuint (calibrated[b], ==, expect_calibrated[b]);
        }

    next:
      for (guint i = 0; i < n; i++)
        grid_clear (&grids[i]);
    }
  g_rand_free (rand);
}

/* CRC with the lesion loss: the largest cut in {lesion values} ∪ {1} with
 * Σ_i missed_i(c) / J_i <= epsilon (n + 1) - 1, on rationals. */
static void
test_crc_brute_force (void)
{
  GRand *rand = g_rand_new_with_seed (cls_test_seed () + 2);

  for (int trial = 0; trial < 25; trial++)
    {
      guint n = g_rand_int_range (rand, 1, 16);
      g_autofree Grid *grids = g_new0 (Grid, n);
      g_autoptr(GPtrArray) summaries = g_ptr_array_new_with_free_func ((GDestroyNotify) cls_case_summary_unref);
      g_autoptr(ClsCalibration) cal = NULL;
      g_autoptr(GError) error = NULL;
      ClsCalibrationParams params;
      double best = -1;
      guint used = 0;
      mpq_t sum, term, target;

      cls_calibration_params_init (&params);
      params.method = CLS_METHOD_CRC;
      params.loss = CLS_LOSS_LESION;
      params.lesion_coverage = frac (coverages[trial % G_N_ELEMENTS (coverages)]);
      params.epsilon = frac (trial % 2 ? "0.3" : "0.15");
      params.empty_policy = trial % 3 == 0 ? CLS_EMPTY_INCLUDE : CLS_EMPTY_SKIP;
      for (guint i = 0; i < n; i++)
        {
          g_autofree char *id = g_strdup_printf ("c%u", i);

          grids[i] = random_grid (rand);
          g_ptr_array_add (summaries, grid_summary (&grids[i], id));
          used += grids[i].n_lesions > 0 || params.empty_policy == CLS_EMPTY_INCLUDE;
        }

      mpq_inits (sum, term, target, NULL);
      mpz_set_ui (mpq_numref (target), params.epsilon.num * (used + 1));
      mpz_sub_ui (mpq_numref (target), mpq_numref (target), params.epsilon.den);
      mpz_set_ui (mpq_denref (target), params.epsilon.den);
      mpq_canonicalize (target);
      for (guint j = 0; j <= n; j++)
        for (gint64 v = 0; v < (j < n ? grids[j].n : 1); v++)
          {
            double c = j < n ? grids[j].p[v] : 1.0;

            if (j < n && !grids[j].l[v])
              continue;
            mpq_set_ui (sum, 0, 1);
            for (guint i = 0; i < n; i++)
              if (grids[i].n_lesions > 0)
                {
                  mpq_set_ui (term, brute_missed (&grids[i], params.lesion_coverage, c), grids[i].n_lesions);
                  mpq_canonicalize (term);
                  mpq_add (sum, sum, term);
                }
            if (mpq_cmp (sum, target) <= 0 && c > best)
              best = c;
          }
      mpq_clears (sum, term, target, NULL);

      cal = cls_calibration_new ((ClsCaseSummary **) summaries->pdata, n, &params, &error);
      if (used == 0)
        g_assert_error (error, CLS_ERROR, CLS_ERROR_NO_CASES);
      else
        {
          g_assert_no_error (error);
          g_assert_cmpint (cls_calibration_is_feasible (cal), ==, best >= 0);
          if (best >= 0)
            g_assert_cmpfloat (cls_calibration_get_cut (cal), ==, best);
        }
      for (guint i = 0; i < n; i++)
        grid_clear (&grids[i]);
    }
  g_rand_free (rand);
}

/* Summaries without lesions (arrays, or summary files of version 1) are
 * refused by the lesion loss with a message naming the case. */
static void
test_needs_components (void)
{
  double p[4] = { 0.9, 0.2, 0.7, 0.1 };
  guint8 l[4] = { 1, 1, 0, 0 };
  g_autoptr(ClsCaseSummary) s = cls_test_summary_new ("bare", p, l, 4);
  g_autoptr(ClsCalibration) cal = NULL;
  g_autoptr(GError) error = NULL;
  ClsCalibrationParams params;

  cls_calibration_params_init (&params);
  params.loss = CLS_LOSS_LESION;
  cal = cls_calibration_new (&s, 1, &params, &error);
  g_assert_null (cal);
  g_assert_error (error, CLS_ERROR, CLS_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "bare"));
  g_assert_nonnull (strstr (error->message, "version 1"));

  /* the voxel loss does not need them */
  params.loss = CLS_LOSS_VOXEL;
  g_clear_error (&error);
  cal = cls_calibration_new (&s, 1, &params, &error);
  g_assert_no_error (error);
  g_assert_false (cls_calibration_has_lesions (cal));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/lesion-loss/cuts-brute-force", test_cuts_brute_force);
  g_test_add_func ("/lesion-loss/integral-coverage", test_integral_coverage);
  g_test_add_func ("/lesion-loss/calibration-brute-force", test_calibration_brute_force);
  g_test_add_func ("/lesion-loss/crc-brute-force", test_crc_brute_force);
  g_test_add_func ("/lesion-loss/needs-components", test_needs_components);

  return g_test_run ();
}
