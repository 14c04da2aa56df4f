/* cls-calibration.c
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "cls-calibration.h"
#include "cls-error.h"

struct _ClsCalibration
{
  ClsCalibrationParams params;
  ClsCaseResult       *cases;
  guint                n_cases;
  guint                n;          /* cases that take part */
  guint                n_skipped;
  guint64              rank;       /* k */
  gboolean             feasible;
  guint64              min_n;
  double               cut;        /* ĉ */
  double               t_hat;
  guint                n_covered;
  gboolean             float32;
  guint8              *measured;   /* per case: FNR and PC filled in yet? */
};

void
cls_calibration_params_init (ClsCalibrationParams *params)
{
  memset (params, 0, sizeof *params);
  params->epsilon = (ClsFraction) { 2, 10 };
  params->alpha = (ClsFraction) { 2, 10 };
  params->method = CLS_METHOD_EXACT;
  params->empty_policy = CLS_EMPTY_SKIP;
  params->normalize = CLS_NORMALIZE_NONE;
}

gboolean
cls_calibration_params_check (const ClsCalibrationParams  *params,
                              GError                     **error)
{
  if (params->epsilon.den == 0 || params->epsilon.num >= params->epsilon.den)
    {
      g_set_error (error, CLS_ERROR, CLS_ERROR_INVALID_ARGUMENT,
                   _("epsilon must be at least 0 and below 1"));
      return FALSE;
    }
  if (params->alpha.den == 0 || !cls_fraction_in_unit_open (params->alpha))
    {
      g_set_error (error, CLS_ERROR, CLS_ERROR_INVALID_ARGUMENT,
                   _("alpha must be above 0 and below 1"));
      return FALSE;
    }
  return TRUE;
}

static const char *method_names[] = { "exact", "bisect" };
static const char *policy_names[] = { "skip", "include" };
static const char *normalize_names[] = { "none", "minmax" };

static gboolean
lookup_name (const char  *text,
             const char **names,
             guint        n_names,
             int         *out)
{
  for (guint i = 0; i < n_names; i++)
    if (g_strcmp0 (text, names[i]) == 0)
      {
        *out = (int) i;
        return TRUE;
      }
  return FALSE;
}

const char *
cls_method_to_string (ClsMethod method)
{
  g_return_val_if_fail ((guint) method < G_N_ELEMENTS (method_names), NULL);
  return method_names[method];
}

gboolean
cls_method_from_string (const char *text,
                        ClsMethod  *out)
{
  int v;
  if (!lookup_name (text, method_names, G_N_ELEMENTS (method_names), &v))
    return FALSE;
  *out = (ClsMethod) v;
  return TRUE;
}

const char *
cls_empty_policy_to_string (ClsEmptyPolicy policy)
{
  g_return_val_if_fail ((guint) policy < G_N_ELEMENTS (policy_names), NULL);
  return policy_names[policy];
}

gboolean
cls_empty_policy_from_string (const char     *text,
                              ClsEmptyPolicy *out)
{
  int v;
  if (!lookup_name (text, policy_names, G_N_ELEMENTS (policy_names), &v))
    return FALSE;
  *out = (ClsEmptyPolicy) v;
  return TRUE;
}

const char *
cls_normalize_to_string (ClsNormalize normalize)
{
  g_return_val_if_fail ((guint) normalize < G_N_ELEMENTS (normalize_names), NULL);
  return normalize_names[normalize];
}

gboolean
cls_normalize_from_string (const char   *text,
                           ClsNormalize *out)
{
  int v;
  if (!lookup_name (text, normalize_names, G_N_ELEMENTS (normalize_names), &v))
    return FALSE;
  *out = (ClsNormalize) v;
  return TRUE;
}

/* The paper's Algorithm 1, as the authors' code runs it: bisection on t with
 * the strict comparison p > 1 - t, stopping when |L - epsilon| < 1e-4 or
 * after 200 steps (L moves in steps of 1/G, so it may never get that close). */
static double
bisect_threshold (const ClsCaseSummary *summary,
                  const ClsValueMap    *map,
                  double                epsilon)
{
  double lo = 0.0, hi = 1.0;
  double g = (double) cls_case_summary_get_n_lesion (summary);

  for (int step = 0; step < CLS_BISECT_MAX_STEPS; step++)
    {
      double mid = (lo + hi) / 2.0;
      double found = (double) cls_case_summary_lesion_above (summary, map, 1.0 - mid);
      double loss = 1.0 - found / g;

      if (fabs (loss - epsilon) < CLS_BISECT_TOLERANCE)
        return mid;
      else if (loss > epsilon)
        lo = mid;
      else
        hi = mid;
    }

  return (lo + hi) / 2.0;
}

/**
 * cls_case_score:
 * @summary: a case
 * @params: epsilon, method, normalisation, empty-mask policy
 * @out: (out caller-allocates): the case's critical cut and threshold
 *
 * Exact method: with G lesion voxels, m = floor(epsilon · G) may be missed,
 * so r = G - m must be found; the critical cut is the r-th largest lesion
 * probability (the mask {p >= c} then holds at least r of them, and any larger
 * cut holds fewer). r = 0 gives the cut 1, i.e. t_i = 0.
 *
 * Returns: %FALSE when the case has no lesion voxels and the policy skips it
 */
gboolean
cls_case_score (const ClsCaseSummary       *summary,
                const ClsCalibrationParams *params,
                ClsCaseScore               *out)
{
  guint64 g = cls_case_summary_get_n_lesion (summary);
  ClsValueMap map;

  if (g == 0)
    {
      out->allowed = 0;
      out->cut = 1.0;
      out->t = 0.0;
      return params->empty_policy == CLS_EMPTY_INCLUDE;
    }

  cls_case_summary_get_value_map (summary, params->normalize, &map);
  out->allowed = cls_fraction_floor_mul (params->epsilon, g);

  if (params->method == CLS_METHOD_BISECT)
    {
      out->t = bisect_threshold (summary, &map, cls_fraction_to_double (params->epsilon));
      out->cut = 1.0 - out->t;
      return TRUE;
    }

  if (out->allowed >= g)
    {
      out->cut = 1.0;
      out->t = 0.0;
    }
  else
    {
      out->cut = cls_case_summary_lesion_value (summary, &map, g - out->allowed);
      out->t = 1.0 - out->cut;
    }

  return TRUE;
}

/**
 * cls_case_fnr:
 * @summary: a case
 * @map: (nullable): value map
 * @cut: the probability cut
 *
 * Returns: the voxel false negative rate of the mask {p >= @cut}, NaN when
 *   the case has no lesion
 */
double
cls_case_fnr (const ClsCaseSummary *summary,
              const ClsValueMap    *map,
              double                cut)
{
  guint64 g = cls_case_summary_get_n_lesion (summary);

  if (g == 0)
    return NAN;

  return (double) (g - cls_case_summary_lesion_at_least (summary, map, cut)) / (double) g;
}

/**
 * cls_case_pc:
 * @summary: a case
 * @map: (nullable): value map
 * @cut: the probability cut
 *
 * Returns: prediction compactness, |{p >= @cut}| / N
 */
double
cls_case_pc (const ClsCaseSummary *summary,
             const ClsValueMap    *map,
             double                cut)
{
  return (double) cls_case_summary_voxels_at_least (summary, map, cut) /
         (double) cls_case_summary_get_n_voxels (summary);
}

/**
 * cls_case_covered:
 * @summary: a case
 * @map: (nullable): value map
 * @allowed: floor(epsilon · G)
 * @cut: the probability cut
 *
 * Whether L(@cut) <= epsilon, decided on integers: at most @allowed lesion
 * voxels fall below the cut.
 */
gboolean
cls_case_covered (const ClsCaseSummary *summary,
                  const ClsValueMap    *map,
                  guint64               allowed,
                  double                cut)
{
  guint64 g = cls_case_summary_get_n_lesion (summary);

  return g - cls_case_summary_lesion_at_least (summary, map, cut) <= allowed;
}

static inline void
swap_d (double *a, double *b)
{
  double t = *a;
  *a = *b;
  *b = t;
}

/**
 * cls_select_kth_largest:
 * @values: (array length=n): values, reordered in place
 * @n: how many
 * @k: 1-based rank from the largest, 1 <= k <= n
 *
 * Quickselect with a three-way partition (ties are common: many cases share
 * a cut), O(n) on average.
 *
 * Returns: the @k-th largest value
 */
double
cls_select_kth_largest (double *values,
                        gsize   n,
                        gsize   k)
{
  gssize lo = 0, hi = (gssize) n - 1;
  gssize target;

  g_return_val_if_fail (k >= 1 && k <= n, NAN);

  target = (gssize) k - 1;  /* index in descending order */

  while (lo < hi)
    {
      gssize mid = lo + (hi - lo) / 2;
      double a = values[lo], b = values[mid], c = values[hi];
      double pivot = MAX (MIN (a, b), MIN (MAX (a, b), c));  /* median of three */
      gssize lt = lo, i = lo, gt = hi;

      /* Descending: [lo, lt) > pivot, [lt, gt] == pivot, (gt, hi] < pivot */
      while (i <= gt)
        {
          if (values[i] > pivot)
            swap_d (&values[lt++], &values[i++]);
          else if (values[i] < pivot)
            swap_d (&values[i], &values[gt--]);
          else
            i++;
        }

      if (target < lt)
        hi = lt - 1;
      else if (target > gt)
        lo = gt + 1;
      else
        return pivot;
    }

  return values[target];
}

/**
 * cls_calibration_new:
 * @cases: (array length=n_cases): the calibration cases of one model
 * @n_cases: how many
 * @params: epsilon, alpha, method, policy, normalisation
 * @error: return location for a #GError
 *
 * Computes every case's critical cut c_i, the rank
 * k = ceil((1 - alpha)(n + 1)), and the calibrated cut ĉ, the k-th largest
 * c_i (t̂ = 1 - ĉ, the k-th smallest t_i). When k > n no threshold has the
 * guarantee: the result is marked infeasible with ĉ = 0 (t̂ = 1, every voxel
 * is lesion) and the smallest n that would do; k is never clamped to n.
 *
 * Returns: (transfer full) (nullable): the calibration
 */
ClsCalibration *
cls_calibration_new (ClsCaseSummary * const     *cases,
                     guint                       n_cases,
                     const ClsCalibrationParams *params,
                     GError                    **error)
{
  g_autoptr(ClsCalibration) self = NULL;
  g_autofree double *cuts = NULL;
  guint n = 0;

  if (!cls_calibration_params_check (params, error))
    return NULL;

  self = g_new0 (ClsCalibration, 1);
  self->params = *params;
  self->n_cases = n_cases;
  self->cases = g_new0 (ClsCaseResult, MAX (n_cases, 1));
  self->float32 = params->method == CLS_METHOD_EXACT && params->normalize == CLS_NORMALIZE_NONE;
  cuts = g_new (double, MAX (n_cases, 1));

  for (guint i = 0; i < n_cases; i++)
    {
      ClsCaseResult *r = &self->cases[i];

      r->summary = cls_case_summary_ref (cases[i]);
      r->skipped = !cls_case_score (cases[i], params, &r->score);
      if (r->skipped)
        self->n_skipped++;
      else
        cuts[n++] = params->method == CLS_METHOD_BISECT ? -r->score.t : r->score.cut;
      self->float32 &= cls_case_summary_is_float32 (cases[i]);
    }

  self->n = n;
  if (n == 0)
    {
      g_set_error (error, CLS_ERROR, CLS_ERROR_NO_CASES,
                   n_cases == 0 ? _("there are no calibration cases")
                                : _("none of the %u calibration cases has a lesion voxel, and "
                                    "empty masks are skipped (see --empty-masks)"),
                   n_cases);
      return NULL;
    }

  self->rank = cls_fraction_conformal_rank (params->alpha, n);
  self->min_n = cls_fraction_min_feasible_n (params->alpha);
  self->feasible = self->rank <= n;

  if (self->feasible)
    {
      double key = cls_select_kth_largest (cuts, n, self->rank);

      /* Exact: t_i = 1 - c_i, so the k-th smallest t_i is 1 - ĉ and the cut
       * stays a stored probability. Bisection computed the t_i themselves;
       * as in the authors' code the test mask is then {p >= 1 - t̂}. */
      if (params->method == CLS_METHOD_BISECT)
        {
          self->t_hat = -key;
          self->cut = 1.0 - self->t_hat;
        }
      else
        {
          self->cut = key;
          self->t_hat = 1.0 - self->cut;
        }
    }
  else
    {
      self->cut = 0.0;
      self->t_hat = 1.0;
    }

  /* Coverage of every case now; its FNR and PC when someone asks
   * (cls_calibration_get_case()): a slider move over 100,000 cases must not
   * wait for 400,000 searches that only the visible rows need. */
  self->measured = g_new0 (guint8, MAX (n_cases, 1));
  for (guint i = 0; i < n_cases; i++)
    {
      ClsCaseResult *r = &self->cases[i];

      if (cls_case_summary_get_n_lesion (r->summary) == 0)
        r->covered = TRUE;
      else if (params->method == CLS_METHOD_EXACT && !r->skipped)
        r->covered = r->score.cut >= self->cut;  /* L_i(ĉ) <= ε exactly when c_i >= ĉ */
      else
        {
          ClsValueMap map;

          cls_case_summary_get_value_map (r->summary, params->normalize, &map);
          r->covered = cls_case_covered (r->summary, &map, r->score.allowed, self->cut);
        }
      if (!r->skipped && r->covered)
        self->n_covered++;
    }

  return g_steal_pointer (&self);
}

static void
measure_case (const ClsCalibration *self,
              ClsCaseResult        *r)
{
  ClsValueMap map;

  cls_case_summary_get_value_map (r->summary, self->params.normalize, &map);
  r->fnr_fixed = cls_case_fnr (r->summary, &map, CLS_FIXED_CUT);
  r->fnr_calibrated = cls_case_fnr (r->summary, &map, self->cut);
  r->pc_fixed = cls_case_pc (r->summary, &map, CLS_FIXED_CUT);
  r->pc_calibrated = cls_case_pc (r->summary, &map, self->cut);
}

void
cls_calibration_free (ClsCalibration *self)
{
  if (self == NULL)
    return;

  for (guint i = 0; i < self->n_cases; i++)
    g_clear_pointer (&self->cases[i].summary, cls_case_summary_unref);
  g_free (self->cases);
  g_free (self->measured);
  g_free (self);
}

const ClsCalibrationParams *
cls_calibration_get_params (const ClsCalibration *self)
{
  return &self->params;
}

guint
cls_calibration_get_n_cases (const ClsCalibration *self)
{
  return self->n_cases;
}

const ClsCaseResult *
cls_calibration_get_case (const ClsCalibration *self,
                          guint                 i)
{
  g_return_val_if_fail (i < self->n_cases, NULL);

  /* FNR and PC are measured on first use; a calibration belongs to one
   * thread at a time. */
  if (!self->measured[i])
    {
      measure_case (self, &self->cases[i]);
      self->measured[i] = TRUE;
    }
  return &self->cases[i];
}

/**
 * cls_calibration_get_n:
 * @self: a calibration
 *
 * Returns: n, the cases that took part (empty masks skipped by the policy
 *   are not counted)
 */
guint
cls_calibration_get_n (const ClsCalibration *self)
{
  return self->n;
}

guint
cls_calibration_get_n_skipped (const ClsCalibration *self)
{
  return self->n_skipped;
}

guint64
cls_calibration_get_rank (const ClsCalibration *self)
{
  return self->rank;
}

gboolean
cls_calibration_is_feasible (const ClsCalibration *self)
{
  return self->feasible;
}

/**
 * cls_calibration_get_min_n:
 * @self: a calibration
 *
 * Returns: the smallest number of calibration cases for which alpha is
 *   reachable, ceil(1 / alpha) - 1
 */
guint64
cls_calibration_get_min_n (const ClsCalibration *self)
{
  return self->min_n;
}

/**
 * cls_calibration_get_cut:
 * @self: a calibration
 *
 * Returns: ĉ: a new case's mask is {p >= ĉ}. For the exact method it is one
 *   of the stored probabilities; 0 when infeasible.
 */
double
cls_calibration_get_cut (const ClsCalibration *self)
{
  return self->cut;
}

double
cls_calibration_get_t_hat (const ClsCalibration *self)
{
  return self->t_hat;
}

/**
 * cls_calibration_get_n_covered:
 * @self: a calibration
 *
 * Returns: how many of the n calibration cases have L_i(t̂) <= epsilon
 *   (at least k, by construction)
 */
guint
cls_calibration_get_n_covered (const ClsCalibration *self)
{
  return self->n_covered;
}

const char *
cls_calibration_get_model (const ClsCalibration *self)
{
  return self->n_cases > 0 ? cls_case_summary_get_model (self->cases[0].summary) : NULL;
}

/**
 * cls_calibration_is_float32:
 * @self: a calibration
 *
 * Returns: whether every cut is a float32 value (so %.9g prints it exactly)
 */
gboolean
cls_calibration_is_float32 (const ClsCalibration *self)
{
  return self->float32;
}
