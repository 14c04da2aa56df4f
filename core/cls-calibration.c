/* cls-calibration.c
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <inttypes.h>

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "cls-calibration-private.h"
#include "cls-error.h"
#include "cls-risk-control.h"

struct _ClsCalibration
{
  ClsCalibrationParams params;     /* holds a reference on its weights */
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

  /* beyond the paper */
  guint                n_strata;
  ClsStratumResult     strata[CLS_MAX_STRATA];
  ClsWeightedQuantile *quantiles[CLS_MAX_STRATA];  /* weights: per stratum */
  gint                 lesions;    /* every case has its lesions: -1 not known yet */
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
  params->guarantee = CLS_GUARANTEE_MARGINAL;
  params->delta = (ClsFraction) { 0, 0 };
  params->loss = CLS_LOSS_VOXEL;
  params->lesion_coverage = CLS_DEFAULT_LESION_COVERAGE;
  params->strata = CLS_STRATA_NONE;
  params->weights = NULL;
  params->test_weight = CLS_TEST_WEIGHT_OWN;
}

/**
 * cls_calibration_params_has_delta:
 * @params: parameters
 *
 * Returns: whether delta was given
 */
gboolean
cls_calibration_params_has_delta (const ClsCalibrationParams *params)
{
  return params->delta.den != 0;
}

/* The coverage in use: parameters made without cls_calibration_params_init()
 * (zeroed) take the default. */
static ClsFraction
lesion_coverage (const ClsCalibrationParams *params)
{
  return params->lesion_coverage.den != 0 ? params->lesion_coverage : CLS_DEFAULT_LESION_COVERAGE;
}

/**
 * cls_calibration_params_is_plain:
 * @params: parameters
 *
 * Returns: whether they ask for the paper's calibration (exact or bisect,
 *   voxel loss, one stratum, no weights; either guarantee), which the fast
 *   paths compute
 */
gboolean
cls_calibration_params_is_plain (const ClsCalibrationParams *params)
{
  return (params->method == CLS_METHOD_EXACT || params->method == CLS_METHOD_BISECT) &&
         params->loss == CLS_LOSS_VOXEL && params->strata == CLS_STRATA_NONE && params->weights == NULL;
}

static gboolean
invalid (GError     **error,
         const char  *message)
{
  g_set_error_literal (error, CLS_ERROR, CLS_ERROR_INVALID_ARGUMENT, message);
  return FALSE;
}

gboolean
cls_calibration_params_check (const ClsCalibrationParams  *params,
                              GError                     **error)
{
  gboolean has_delta = cls_calibration_params_has_delta (params);
  gboolean rank_method = params->method == CLS_METHOD_EXACT || params->method == CLS_METHOD_BISECT;
  ClsFraction q = lesion_coverage (params);

  if (params->epsilon.den == 0 || params->epsilon.num >= params->epsilon.den)
    return invalid (error, _("epsilon must be at least 0 and below 1"));
  if (params->alpha.den == 0 || !cls_fraction_in_unit_open (params->alpha))
    return invalid (error, _("alpha must be above 0 and below 1"));
  if ((guint) params->method > CLS_METHOD_LTT || (guint) params->guarantee > CLS_GUARANTEE_PAC ||
      (guint) params->loss > CLS_LOSS_LESION || (guint) params->strata > CLS_STRATA_SIZE ||
      (guint) params->test_weight > CLS_TEST_WEIGHT_MAX)
    return invalid (error, _("unknown method, guarantee, loss, strata or test weight"));
  if (has_delta && !cls_fraction_in_unit_open (params->delta))
    return invalid (error, _("delta must be above 0 and below 1"));
  if (params->guarantee == CLS_GUARANTEE_PAC && !rank_method)
    return invalid (error, _("--guarantee pac is the training-conditional version of the exact and bisect "
                             "methods; crc controls the expected loss, and ltt's guarantee already holds "
                             "with probability 1 − delta"));
  if (params->guarantee == CLS_GUARANTEE_PAC && !has_delta)
    return invalid (error, _("--guarantee pac needs --delta (the probability over calibration sets that the "
                             "coverage falls short of 1 − alpha)"));
  if (params->method == CLS_METHOD_LTT && !has_delta)
    return invalid (error, _("--method ltt needs --delta (the probability that the expected loss exceeds "
                             "epsilon)"));
  if (has_delta && params->guarantee != CLS_GUARANTEE_PAC && params->method != CLS_METHOD_LTT)
    return invalid (error, _("--delta is used only by --guarantee pac and --method ltt"));
  if (params->loss == CLS_LOSS_LESION && params->method == CLS_METHOD_BISECT)
    return invalid (error, _("the bisection method works on the voxel loss only; use exact, crc or ltt with "
                             "--loss lesion"));
  if (q.num == 0 || q.num > q.den)
    return invalid (error, _("the lesion coverage must be above 0 and at most 1"));
  if (params->weights != NULL && !rank_method)
    return invalid (error, _("--weights works with the exact and bisect methods"));
  if (params->weights != NULL && params->guarantee == CLS_GUARANTEE_PAC)
    return invalid (error, _("--weights and --guarantee pac cannot be combined"));
  return TRUE;
}

static const char *method_names[] = { "exact", "bisect", "crc", "ltt" };
static const char *policy_names[] = { "skip", "include" };
static const char *normalize_names[] = { "none", "minmax" };
static const char *guarantee_names[] = { "marginal", "pac" };

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

const char *
cls_guarantee_to_string (ClsGuarantee guarantee)
{
  g_return_val_if_fail ((guint) guarantee < G_N_ELEMENTS (guarantee_names), NULL);
  return guarantee_names[guarantee];
}

gboolean
cls_guarantee_from_string (const char   *text,
                           ClsGuarantee *out)
{
  int v;
  if (!lookup_name (text, guarantee_names, G_N_ELEMENTS (guarantee_names), &v))
    return FALSE;
  *out = (ClsGuarantee) v;
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

  if (params->loss == CLS_LOSS_LESION)
    {
      const ClsComponents *components = cls_case_summary_get_components (summary);
      g_autoptr(ClsLesionCuts) lesions = NULL;

      g_return_val_if_fail (components != NULL, FALSE);
      lesions = cls_lesion_cuts_new (components, lesion_coverage (params), &map);
      out->cut = cls_lesion_cuts_critical_cut (lesions, params->epsilon, &out->allowed);
      out->t = 1.0 - out->cut;
      return TRUE;
    }

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

/* Cases as every method sees them
 * ------------------------------- */

/**
 * cls_case_loss_init:
 * @row: (out caller-allocates): what to fill
 * @summary: a case (borrowed: it must outlive @row)
 * @params: the calibration parameters
 * @with_lesions: also keep its lesions' detection cuts when it has lesions
 *   (the lesion loss keeps them anyway)
 * @error: return location for a #GError
 *
 * Returns: %FALSE when the parameters need something the case lacks (its
 *   lesions, its voxel size, its weight); clear @row either way
 */
gboolean
cls_case_loss_init (ClsCaseLoss                *row,
                    ClsCaseSummary             *summary,
                    const ClsCalibrationParams *params,
                    gboolean                    with_lesions,
                    GError                    **error)
{
  const ClsComponents *components = cls_case_summary_get_components (summary);
  guint64 g = cls_case_summary_get_n_lesion (summary);

  memset (row, 0, sizeof *row);
  row->summary = summary;
  cls_case_summary_get_value_map (summary, params->normalize, &row->map);

  if (params->loss == CLS_LOSS_LESION && components == NULL && g > 0)
    {
      g_set_error (error, CLS_ERROR, CLS_ERROR_INVALID_ARGUMENT,
                   _("case %s: its summary has no lesions (the connected components of its ground truth); "
                     "summary files of format version 1 do not store them: summarise the case again with "
                     "this version to use --loss lesion"),
                   cls_case_summary_get_case_id (summary));
      return FALSE;
    }

  if (components != NULL && (params->loss == CLS_LOSS_LESION || with_lesions))
    row->lesions = cls_lesion_cuts_new (components, lesion_coverage (params), &row->map);

  if (params->loss == CLS_LOSS_LESION && g > 0)
    {
      row->usable = TRUE;
      row->score.cut = cls_lesion_cuts_critical_cut (row->lesions, params->epsilon, &row->score.allowed);
      row->score.t = 1.0 - row->score.cut;
    }
  else
    row->usable = cls_case_score (summary, params, &row->score);
  row->key = params->method == CLS_METHOD_BISECT ? -row->score.t : row->score.cut;

  if (!row->usable)
    return TRUE;

  if (!cls_case_stratum (summary, params->strata, &row->stratum, error))
    return FALSE;

  if (params->weights != NULL)
    {
      row->has_weight = cls_weights_lookup (params->weights, cls_case_summary_get_case_id (summary), &row->units);
      if (!row->has_weight)
        {
          const char *path = cls_weights_get_path (params->weights);

          if (path != NULL)
            /* Translators: a case, then the weights file */
            g_set_error (error, CLS_ERROR, CLS_ERROR_INVALID_ARGUMENT, _("case %s has no weight in %s"),
                         cls_case_summary_get_case_id (summary), path);
          else
            g_set_error (error, CLS_ERROR, CLS_ERROR_INVALID_ARGUMENT, _("case %s has no weight"),
                         cls_case_summary_get_case_id (summary));
          return FALSE;
        }
    }

  if (params->method == CLS_METHOD_CRC || params->method == CLS_METHOD_LTT)
    {
      if (params->loss == CLS_LOSS_LESION)
        row->profile = row->lesions != NULL ? cls_lesion_cuts_profile (row->lesions) : (ClsLossProfile) { NULL, 0 };
      else if (g > 0 && cls_value_map_is_identity (&row->map))
        row->profile = (ClsLossProfile) { cls_case_summary_get_lesion_probs (summary), g };
      else if (g > 0)
        {
          /* the map is monotone: the mapped values stay sorted */
          row->mapped = g_new (double, g);
          for (guint64 i = 0; i < g; i++)
            row->mapped[i] = cls_case_summary_lesion_value (summary, &row->map, i + 1);
          row->profile = (ClsLossProfile) { row->mapped, g };
        }
    }

  return TRUE;
}

void
cls_case_loss_clear (ClsCaseLoss *row)
{
  g_clear_pointer (&row->lesions, cls_lesion_cuts_free);
  g_clear_pointer (&row->mapped, g_free);
}

/**
 * cls_case_loss_covered:
 * @row: a case
 * @params: the calibration parameters
 * @cut: a probability cut (mapped)
 *
 * Returns: whether its loss at @cut is at most epsilon
 */
gboolean
cls_case_loss_covered (const ClsCaseLoss          *row,
                       const ClsCalibrationParams *params,
                       double                      cut)
{
  if (cls_case_summary_get_n_lesion (row->summary) == 0)
    return TRUE;
  /* L(c) <= epsilon exactly when c <= c_i, for either loss */
  if (params->method != CLS_METHOD_BISECT)
    return row->score.cut >= cut;
  return cls_case_covered (row->summary, &row->map, row->score.allowed, cut);
}

/* Groups
 * ------ */

/**
 * cls_key_to_cut:
 * @params: the calibration parameters
 * @key: a key (cls_calibrate_group())
 *
 * Returns: the probability cut of @key
 */
double
cls_key_to_cut (const ClsCalibrationParams *params,
                double                      key)
{
  /* Bisection computed the t_i themselves; as in the authors' code the
   * test mask is then {p >= 1 - t̂}. */
  return params->method == CLS_METHOD_BISECT ? 1.0 - (-key) : key;
}

/**
 * cls_group_rank:
 * @params: the calibration parameters
 * @n: calibration cases
 *
 * Returns: k for exact and bisect: the conformal rank, or the PAC rank
 */
guint64
cls_group_rank (const ClsCalibrationParams *params,
                guint64                     n)
{
  if (params->guarantee == CLS_GUARANTEE_PAC)
    return cls_pac_rank (params->alpha, params->delta, n);
  return cls_fraction_conformal_rank (params->alpha, n);
}

/**
 * cls_group_min_n:
 * @params: the calibration parameters
 *
 * Returns: the fewest calibration cases with which a group can be
 *   feasible: k <= n (exact, bisect; by the PAC rank with pac),
 *   epsilon (n + 1) >= 1 (crc); 0 when it depends on the data (ltt,
 *   weights)
 */
guint64
cls_group_min_n (const ClsCalibrationParams *params)
{
  guint64 lo = 1, hi = 1;

  switch (params->method)
    {
    case CLS_METHOD_CRC:
      return cls_fraction_min_feasible_n (params->epsilon);
    case CLS_METHOD_LTT:
      return 0;
    case CLS_METHOD_EXACT:
    case CLS_METHOD_BISECT:
    default:
      break;
    }
  if (params->weights != NULL)
    return 0;
  if (params->guarantee != CLS_GUARANTEE_PAC)
    return cls_fraction_min_feasible_n (params->alpha);

  /* the PAC rank fits from some n on: search it */
  while (hi < (G_GUINT64_CONSTANT (1) << 40) && cls_group_rank (params, hi) > hi)
    {
      lo = hi + 1;
      hi *= 2;
    }
  while (lo < hi)
    {
      guint64 mid = lo + (hi - lo) / 2;

      if (cls_group_rank (params, mid) <= mid)
        hi = mid;
      else
        lo = mid + 1;
    }
  return lo;
}

/* The k-th largest of @n keys (reordered), k by the guarantee. */
static void
rank_select (const ClsCalibrationParams *params,
             double                     *keys,
             guint                       n,
             ClsGroupResult             *out)
{
  out->rank = cls_group_rank (params, n);
  out->feasible = n > 0 && out->rank <= n;
  out->n_eff = n;
  if (out->feasible)
    out->key = cls_select_kth_largest (keys, n, out->rank);
}

/**
 * cls_calibrate_group:
 * @params: the calibration parameters
 * @rows: (array length=n): the group's usable cases
 * @n: how many
 * @scratch: (array length=n): room for @n doubles
 * @out: (out caller-allocates): the group's threshold
 *
 * Calibrates one group (all cases, or one stratum) by the method: the
 * k-th largest key (exact, bisect; k from the guarantee), the weighted
 * quantile at the largest weight (weights), CRC's or LTT's cut.
 *
 * Returns: (transfer full) (nullable): with weights, the weighted
 *   distribution of the keys, to ask at other test weights
 */
ClsWeightedQuantile *
cls_calibrate_group (const ClsCalibrationParams *params,
                     ClsCaseLoss * const        *rows,
                     guint                       n,
                     double                     *scratch,
                     ClsGroupResult             *out)
{
  memset (out, 0, sizeof *out);
  out->min_n = cls_group_min_n (params);
  out->n_eff = n;

  if (params->method == CLS_METHOD_CRC || params->method == CLS_METHOD_LTT)
    {
      g_autofree ClsLossProfile *profiles = g_new (ClsLossProfile, MAX (n, 1));
      ClsRiskControl r;

      for (guint i = 0; i < n; i++)
        profiles[i] = rows[i]->profile;
      if (params->method == CLS_METHOD_CRC)
        cls_crc_cut (profiles, n, params->epsilon, &r);
      else
        cls_ltt_cut (profiles, n, params->epsilon, params->delta, &r);
      out->feasible = r.feasible && n > 0;
      out->key = r.cut;
      out->risk = r.risk;
      out->bound = r.bound;
      return NULL;
    }

  if (params->weights != NULL)
    {
      g_autofree guint64 *units = g_new (guint64, MAX (n, 1));
      ClsWeightedQuantile *quantile;

      for (guint i = 0; i < n; i++)
        {
          scratch[i] = rows[i]->key;
          units[i] = rows[i]->units;
        }
      quantile = cls_weighted_quantile_new (scratch, units, n);
      out->n_eff = cls_weights_n_eff (units, n);
      out->test_units = cls_weighted_quantile_get_max (quantile);
      out->feasible = cls_weighted_quantile_key (quantile, params->alpha, out->test_units, &out->key);
      return quantile;
    }

  for (guint i = 0; i < n; i++)
    scratch[i] = rows[i]->key;
  rank_select (params, scratch, n, out);
  return NULL;
}

/* Calibration
 * ----------- */

static void
set_stratum (ClsCalibration       *self,
             guint                 s,
             guint                 n,
             const ClsGroupResult *group)
{
  ClsStratumResult *st = &self->strata[s];
  const ClsCalibrationParams *params = &self->params;

  memset (st, 0, sizeof *st);
  st->n = n;
  st->rank = group->rank;
  st->min_n = group->min_n;
  st->feasible = group->feasible;
  st->risk = group->risk;
  st->bound = group->bound;
  st->n_eff = group->n_eff;
  st->test_weight = params->weights != NULL ? cls_weights_units_to_double (params->weights, group->test_units)
                                            : NAN;
  if (st->feasible)
    {
      st->cut = cls_key_to_cut (params, group->key);
      st->t_hat = params->method == CLS_METHOD_BISECT ? -group->key : 1.0 - st->cut;
    }
  else
    {
      st->cut = 0.0;  /* no guarantee possible: every voxel is lesion */
      st->t_hat = 1.0;
    }
}

/* The paper's calibration: the k-th largest critical cut, as fast as it
 * goes (a slider move recomputes it). */
static guint
calibrate_plain (ClsCalibration             *self,
                 ClsCaseSummary * const     *cases,
                 const ClsCalibrationParams *params)
{
  g_autofree double *cuts = g_new (double, MAX (self->n_cases, 1));
  ClsGroupResult group = { 0 };
  guint n = 0;

  for (guint i = 0; i < self->n_cases; i++)
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

  if (n > 0)
    {
      group.min_n = cls_group_min_n (params);
      rank_select (params, cuts, n, &group);
      set_stratum (self, 0, n, &group);
    }
  return n;
}

/* Any method, loss, strata and weights: a group per stratum. */
static gboolean
calibrate_general (ClsCalibration             *self,
                   ClsCaseSummary * const     *cases,
                   const ClsCalibrationParams *params,
                   guint                      *n_used,
                   GError                    **error)
{
  g_autofree ClsCaseLoss *rows = g_new0 (ClsCaseLoss, MAX (self->n_cases, 1));
  g_autofree ClsCaseLoss **group = g_new (ClsCaseLoss *, MAX (self->n_cases, 1));
  g_autofree double *scratch = g_new (double, MAX (self->n_cases, 1));
  gboolean ok = TRUE;
  guint n = 0;

  for (guint i = 0; i < self->n_cases && ok; i++)
    {
      ClsCaseResult *r = &self->cases[i];

      r->summary = cls_case_summary_ref (cases[i]);
      ok = cls_case_loss_init (&rows[i], cases[i], params, FALSE, error);
      r->skipped = !rows[i].usable;
      r->score = rows[i].score;
      r->stratum = rows[i].stratum;
      r->weight = rows[i].has_weight ? cls_weights_units_to_double (params->weights, rows[i].units) : NAN;
      if (r->skipped)
        self->n_skipped++;
      else
        n++;
      self->float32 &= cls_case_summary_is_float32 (cases[i]);
    }

  for (guint s = 0; s < self->n_strata && ok && n > 0; s++)
    {
      ClsGroupResult result;
      guint m = 0;

      for (guint i = 0; i < self->n_cases; i++)
        if (rows[i].usable && rows[i].stratum == s)
          group[m++] = &rows[i];

      self->quantiles[s] = cls_calibrate_group (params, group, m, scratch, &result);
      set_stratum (self, s, m, &result);

      if (m > 0 && !result.feasible && params->strata != CLS_STRATA_NONE)
        {
          g_autofree char *alpha = cls_fraction_to_string (params->alpha);

          if (result.min_n > m)
            g_set_error (error, CLS_ERROR, CLS_ERROR_NO_CASES,
                         _("stratum %s has n = %u calibration cases, too few for alpha = %s: each stratum "
                           "needs at least %" PRIu64 " (or calibrate without --strata)"),
                         cls_stratum_get_label (params->strata, s), m, alpha, result.min_n);
          else
            g_set_error (error, CLS_ERROR, CLS_ERROR_NO_CASES,
                         _("stratum %s has n = %u calibration cases, and no threshold has the guarantee "
                           "with them (or calibrate without --strata)"),
                         cls_stratum_get_label (params->strata, s), m);
          ok = FALSE;
        }
    }

  for (guint i = 0; i < self->n_cases; i++)
    {
      ClsCaseResult *r = &self->cases[i];

      if (ok && !r->skipped)
        {
          r->cut = self->strata[r->stratum].cut;
          r->covered = cls_case_loss_covered (&rows[i], params, r->cut);
        }
      cls_case_loss_clear (&rows[i]);
    }

  *n_used = n;
  return ok;
}

/**
 * cls_calibration_new:
 * @cases: (array length=n_cases): the calibration cases of one model
 * @n_cases: how many
 * @params: epsilon, alpha, method, policy, normalisation, and the choices
 *   beyond the paper
 * @error: return location for a #GError
 *
 * Computes every case's critical cut c_i, the rank
 * k = ceil((1 - alpha)(n + 1)), and the calibrated cut ĉ, the k-th largest
 * c_i (t̂ = 1 - ĉ, the k-th smallest t_i). When k > n no threshold has the
 * guarantee: the result is marked infeasible with ĉ = 0 (t̂ = 1, every voxel
 * is lesion) and the smallest n that would do; k is never clamped to n.
 *
 * Beyond the paper: pac takes the PAC rank instead of k; crc and ltt take
 * their cut; weights the weighted quantile with the largest calibration
 * weight standing in for the new case's; strata calibrate each stratum on
 * its own (ĉ is then the smallest of the strata's cuts, which is safe for
 * any case; cls_calibration_cut_for_case() gives a case its own), and a
 * stratum with cases but too few for its guarantee is an error that names
 * it.
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
  gboolean plain;
  guint n = 0;

  if (!cls_calibration_params_check (params, error))
    return NULL;

  plain = cls_calibration_params_is_plain (params);
  self = g_new0 (ClsCalibration, 1);
  self->params = *params;
  if (params->weights != NULL)
    cls_weights_ref (params->weights);
  self->n_cases = n_cases;
  self->cases = g_new0 (ClsCaseResult, MAX (n_cases, 1));
  self->float32 = params->method != CLS_METHOD_BISECT && params->normalize == CLS_NORMALIZE_NONE;
  self->n_strata = cls_strata_get_n (params->strata);
  self->measured = g_new0 (guint8, MAX (n_cases, 1));
  self->lesions = -1;  /* a slider move over 100,000 cases does not look */

  if (plain)
    n = calibrate_plain (self, cases, params);
  else if (!calibrate_general (self, cases, params, &n, error))
    return NULL;

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

  /* One stratum: its threshold. Several: the safest of them, for anyone
   * who applies one cut to every case. */
  if (self->n_strata == 1)
    {
      self->rank = self->strata[0].rank;
      self->feasible = self->strata[0].feasible;
      self->min_n = self->strata[0].min_n;
      self->cut = self->strata[0].cut;
      self->t_hat = self->strata[0].t_hat;
    }
  else
    {
      gboolean any = FALSE;

      self->feasible = TRUE;
      for (guint s = 0; s < self->n_strata; s++)
        if (self->strata[s].n > 0 && (!any || self->strata[s].cut < self->cut))
          {
            any = TRUE;
            self->cut = self->strata[s].cut;
            self->t_hat = self->strata[s].t_hat;
            self->feasible &= self->strata[s].feasible;
          }
      self->min_n = cls_group_min_n (params);
    }

  /* Coverage of every case now; its FNR and PC when someone asks
   * (cls_calibration_get_case()): a slider move over 100,000 cases must not
   * wait for 400,000 searches that only the visible rows need. */
  for (guint i = 0; i < n_cases; i++)
    {
      ClsCaseResult *r = &self->cases[i];

      if (plain)
        {
          r->cut = self->cut;
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
        }
      else if (r->skipped)
        r->cut = self->cut;
      if (!r->skipped && r->covered)
        {
          self->n_covered++;
          self->strata[r->stratum].n_covered++;
        }
    }

  return g_steal_pointer (&self);
}

static void
measure_case (const ClsCalibration *self,
              ClsCaseResult        *r)
{
  const ClsComponents *components = cls_case_summary_get_components (r->summary);
  ClsValueMap map;

  cls_case_summary_get_value_map (r->summary, self->params.normalize, &map);
  r->fnr_fixed = cls_case_fnr (r->summary, &map, CLS_FIXED_CUT);
  r->fnr_calibrated = cls_case_fnr (r->summary, &map, r->cut);
  r->pc_fixed = cls_case_pc (r->summary, &map, CLS_FIXED_CUT);
  r->pc_calibrated = cls_case_pc (r->summary, &map, r->cut);

  r->lesion_fnr_fixed = r->lesion_fnr_calibrated = NAN;
  if (components != NULL && cls_components_get_n (components) > 0)
    {
      g_autoptr(ClsLesionCuts) lesions = cls_lesion_cuts_new (components, lesion_coverage (&self->params), &map);

      r->n_lesions = lesions->n;
      r->lesions_missed_fixed = cls_lesion_cuts_missed (lesions, CLS_FIXED_CUT);
      r->lesions_missed_calibrated = cls_lesion_cuts_missed (lesions, r->cut);
      r->lesions_missed_entirely = cls_lesion_cuts_missed_entirely (lesions, r->cut);
      r->lesion_fnr_fixed = (double) r->lesions_missed_fixed / lesions->n;
      r->lesion_fnr_calibrated = (double) r->lesions_missed_calibrated / lesions->n;
    }
}

void
cls_calibration_free (ClsCalibration *self)
{
  if (self == NULL)
    return;

  for (guint i = 0; i < self->n_cases; i++)
    g_clear_pointer (&self->cases[i].summary, cls_case_summary_unref);
  for (guint s = 0; s < CLS_MAX_STRATA; s++)
    cls_weighted_quantile_free (self->quantiles[s]);
  g_clear_pointer (&self->params.weights, cls_weights_unref);
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

/**
 * cls_calibration_get_rank:
 * @self: a calibration
 *
 * Returns: k, the rank of ĉ among the critical cuts (with the pac
 *   guarantee, the PAC rank); 0 for crc, ltt, weights and strata, which
 *   have no single rank
 */
guint64
cls_calibration_get_rank (const ClsCalibration *self)
{
  return self->n_strata == 1 ? self->rank : 0;
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
 *   reachable, ceil(1 / alpha) - 1 (pac: the smallest n whose PAC rank is
 *   at most n; crc: ceil(1 / epsilon) - 1; 0 when it depends on the data)
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
 *   of the stored probabilities; 0 when infeasible. With strata, the
 *   smallest of the strata's cuts.
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

/**
 * cls_calibration_get_n_strata:
 * @self: a calibration
 *
 * Returns: how many strata it calibrated (1 without strata)
 */
guint
cls_calibration_get_n_strata (const ClsCalibration *self)
{
  return self->n_strata;
}

/**
 * cls_calibration_get_stratum:
 * @self: a calibration
 * @stratum: a stratum, below cls_calibration_get_n_strata()
 *
 * Returns: (transfer none): the stratum's threshold (without strata, the
 *   one threshold, with CRC's or LTT's risk and bound and the weights'
 *   effective sample size)
 */
const ClsStratumResult *
cls_calibration_get_stratum (const ClsCalibration *self,
                             guint                 stratum)
{
  g_return_val_if_fail (stratum < self->n_strata, NULL);
  return &self->strata[stratum];
}

/**
 * cls_calibration_has_lesions:
 * @self: a calibration
 *
 * Returns: whether every case's lesions are known (summaries made from
 *   volumes or from summary files of version 2), so that lesions missed
 *   can be counted
 */
gboolean
cls_calibration_has_lesions (const ClsCalibration *self)
{
  ClsCalibration *mutable = (ClsCalibration *) self;

  if (self->lesions < 0)
    {
      gboolean all = TRUE;

      for (guint i = 0; all && i < self->n_cases; i++)
        all = cls_case_summary_get_components (self->cases[i].summary) != NULL;
      mutable->lesions = all;
    }
  return self->lesions;
}

/**
 * cls_calibration_get_lesion_counts:
 * @self: a calibration whose cases have lesions
 * @lesions: (out caller-allocates): per size band, the lesions of the cases
 *   that took part
 * @missed_fixed: (out caller-allocates): those not detected at t = 0.5
 * @missed_calibrated: (out caller-allocates): those not detected at each
 *   case's calibrated cut
 *
 * Detection at the lesion coverage of the parameters.
 */
void
cls_calibration_get_lesion_counts (const ClsCalibration *self,
                                   guint32               lesions[CLS_N_SIZE_BANDS],
                                   guint32               missed_fixed[CLS_N_SIZE_BANDS],
                                   guint32               missed_calibrated[CLS_N_SIZE_BANDS])
{
  memset (lesions, 0, CLS_N_SIZE_BANDS * sizeof (guint32));
  memset (missed_fixed, 0, CLS_N_SIZE_BANDS * sizeof (guint32));
  memset (missed_calibrated, 0, CLS_N_SIZE_BANDS * sizeof (guint32));

  for (guint i = 0; i < self->n_cases; i++)
    {
      const ClsCaseResult *r = &self->cases[i];
      const ClsComponents *components = cls_case_summary_get_components (r->summary);
      g_autoptr(ClsLesionCuts) cuts = NULL;
      guint32 fixed[CLS_N_SIZE_BANDS], calibrated[CLS_N_SIZE_BANDS];
      ClsValueMap map;

      if (r->skipped || components == NULL)
        continue;
      cls_case_summary_get_value_map (r->summary, self->params.normalize, &map);
      cuts = cls_lesion_cuts_new (components, lesion_coverage (&self->params), &map);
      cls_lesion_cuts_missed_by_band (cuts, CLS_FIXED_CUT, fixed);
      cls_lesion_cuts_missed_by_band (cuts, r->cut, calibrated);
      for (guint b = 0; b < CLS_N_SIZE_BANDS; b++)
        {
          lesions[b] += cuts->per_band[b];
          missed_fixed[b] += fixed[b];
          missed_calibrated[b] += calibrated[b];
        }
    }
}

/**
 * cls_calibration_cut_for_case:
 * @self: a calibration
 * @summary: a new case (its ground truth is not used)
 * @cut: (out): the probability cut its mask takes
 * @error: return location for a #GError
 *
 * The cut of the case's stratum (by its predicted size), with weights at
 * its own weight when the weights name it (else the largest calibration
 * weight).
 *
 * Returns: %FALSE when its stratum cannot be told or has no calibration case
 */
gboolean
cls_calibration_cut_for_case (const ClsCalibration  *self,
                              const ClsCaseSummary  *summary,
                              double                *cut,
                              GError               **error)
{
  const ClsCalibrationParams *params = &self->params;
  guint s;
  guint64 units;
  double key;

  if (!cls_case_stratum (summary, params->strata, &s, error))
    return FALSE;
  if (self->strata[s].n == 0)
    {
      g_set_error (error, CLS_ERROR, CLS_ERROR_NO_CASES,
                   _("case %s is in stratum %s, which has no calibration case"),
                   cls_case_summary_get_case_id (summary), cls_stratum_get_label (params->strata, s));
      return FALSE;
    }

  *cut = self->strata[s].cut;
  if (self->quantiles[s] != NULL && params->test_weight == CLS_TEST_WEIGHT_OWN &&
      cls_weights_lookup (params->weights, cls_case_summary_get_case_id (summary), &units))
    *cut = cls_weighted_quantile_key (self->quantiles[s], params->alpha, units, &key)
           ? cls_key_to_cut (params, key) : 0.0;
  return TRUE;
}
