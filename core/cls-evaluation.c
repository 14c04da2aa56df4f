/* cls-evaluation.c
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <gsl/gsl_sf_gamma.h>

#include <glib/gi18n-lib.h>

#include "cls-error.h"
#include "cls-evaluation.h"

struct _ClsEvaluator
{
  ClsCaseSummary **cases;
  guint            n_cases;
  ClsSplits       *splits;   /* cached: depends only on n, S, f and the seed */
};

struct _ClsEvaluation
{
  ClsCalibrationParams params;
  ClsEvaluationParams  eval;
  guint                n;
  guint                n_skipped;
  guint                n_cal;
  guint                n_test;
  guint64              rank;
  gboolean             feasible;
  ClsSplitResult      *splits;
};

/* What a split needs of one case, computed once per run. */
typedef struct {
  const ClsCaseSummary *summary;
  ClsValueMap           map;
  ClsCaseScore          score;
  double                key;      /* larger is more permissive: the cut, or -t for bisection */
  guint64               g;
  guint64               n_voxels;
  guint64               found_fixed;
  guint64               pos_fixed;
} CaseRow;

typedef struct {
  double covered, fnr, pc, missed, fpr;
} Tally;

void
cls_evaluation_params_init (ClsEvaluationParams *params)
{
  params->n_splits = CLS_DEFAULT_SPLITS;
  params->cal_fraction = (ClsFraction) { 5, 10 };
  params->seed = CLS_DEFAULT_SEED;
}

/**
 * cls_evaluator_new:
 * @cases: (array length=n_cases): the pool of one model's cases
 * @n_cases: how many
 *
 * An evaluator keeps its splits between runs, so that moving epsilon or
 * alpha costs only the arithmetic on summaries.
 *
 * Returns: (transfer full): the evaluator
 */
ClsEvaluator *
cls_evaluator_new (ClsCaseSummary * const *cases,
                   guint                   n_cases)
{
  ClsEvaluator *self = g_new0 (ClsEvaluator, 1);

  self->n_cases = n_cases;
  self->cases = g_new (ClsCaseSummary *, MAX (n_cases, 1));
  for (guint i = 0; i < n_cases; i++)
    self->cases[i] = cls_case_summary_ref (cases[i]);

  return self;
}

void
cls_evaluator_free (ClsEvaluator *self)
{
  if (self == NULL)
    return;

  for (guint i = 0; i < self->n_cases; i++)
    cls_case_summary_unref (self->cases[i]);
  g_free (self->cases);
  cls_splits_free (self->splits);
  g_free (self);
}

static void
tally_case (const CaseRow *row,
            guint64        found,
            guint64        pos,
            Tally         *t)
{
  guint64 negatives = row->n_voxels - row->g;

  if (row->g > 0)
    {
      guint64 missed = row->g - found;

      t->covered += missed <= row->score.allowed;
      t->fnr += (double) missed / (double) row->g;
      t->missed += found == 0;
    }
  else
    t->covered += 1;  /* nothing to miss (included empty mask) */

  t->pc += (double) pos / (double) row->n_voxels;
  if (negatives > 0)
    t->fpr += (double) (pos - found) / (double) negatives;
}

/**
 * cls_evaluator_run:
 * @self: an evaluator
 * @params: epsilon, alpha, method, policy, normalisation
 * @eval: splits, calibration fraction, seed
 * @error: return location for a #GError
 *
 * For each split, calibrates on its calibration part exactly as
 * cls_calibration_new() does and measures on its test part: ECR (share of
 * test cases with L <= epsilon), mean FNR, mean PC, entirely missed lesions
 * and mean FPR, at the calibrated cut and at the fixed t = 0.5.
 *
 * Returns: (transfer full) (nullable): the evaluation
 */
ClsEvaluation *
cls_evaluator_run (ClsEvaluator               *self,
                   const ClsCalibrationParams *params,
                   const ClsEvaluationParams  *eval,
                   GError                    **error)
{
  g_autoptr(ClsEvaluation) result = NULL;
  g_autofree CaseRow *rows = NULL;
  g_autofree double *keys = NULL;
  guint n = 0, n_skipped = 0;

  if (!cls_calibration_params_check (params, error))
    return NULL;

  rows = g_new0 (CaseRow, MAX (self->n_cases, 1));
  for (guint i = 0; i < self->n_cases; i++)
    {
      CaseRow *row = &rows[n];

      row->summary = self->cases[i];
      if (!cls_case_score (row->summary, params, &row->score))
        {
          n_skipped++;
          continue;
        }

      cls_case_summary_get_value_map (row->summary, params->normalize, &row->map);
      row->key = params->method == CLS_METHOD_BISECT ? -row->score.t : row->score.cut;
      row->g = cls_case_summary_get_n_lesion (row->summary);
      row->n_voxels = cls_case_summary_get_n_voxels (row->summary);
      row->found_fixed = cls_case_summary_lesion_at_least (row->summary, &row->map, CLS_FIXED_CUT);
      row->pos_fixed = cls_case_summary_voxels_at_least (row->summary, &row->map, CLS_FIXED_CUT);
      n++;
    }

  if (n < 2)
    {
      g_set_error (error, CLS_ERROR, CLS_ERROR_NO_CASES,
                   _("%u usable cases (%u empty masks skipped); at least 2 are needed to split "
                     "into calibration and test"), n, n_skipped);
      return NULL;
    }

  if (!cls_splits_matches (self->splits, n, eval->n_splits, eval->cal_fraction, eval->seed))
    {
      ClsSplits *splits = cls_splits_new (n, eval->n_splits, eval->cal_fraction, eval->seed, error);

      if (splits == NULL)
        return NULL;
      cls_splits_free (self->splits);
      self->splits = splits;
    }

  result = g_new0 (ClsEvaluation, 1);
  result->params = *params;
  result->eval = *eval;
  result->n = n;
  result->n_skipped = n_skipped;
  result->n_cal = cls_splits_get_n_cal (self->splits);
  result->n_test = cls_splits_get_n_test (self->splits);
  result->rank = cls_fraction_conformal_rank (params->alpha, result->n_cal);
  result->feasible = result->rank <= result->n_cal;
  result->splits = g_new0 (ClsSplitResult, eval->n_splits);

  keys = g_new (double, result->n_cal);

  for (guint s = 0; s < eval->n_splits; s++)
    {
      const guint32 *perm = cls_splits_get_split (self->splits, s);
      ClsSplitResult *sr = &result->splits[s];
      Tally fixed = { 0 }, cal = { 0 };
      double cut, t_hat;

      if (result->feasible)
        {
          double key;

          for (guint i = 0; i < result->n_cal; i++)
            keys[i] = rows[perm[i]].key;
          key = cls_select_kth_largest (keys, result->n_cal, result->rank);

          if (params->method == CLS_METHOD_BISECT)
            {
              t_hat = -key;
              cut = 1.0 - t_hat;
            }
          else
            {
              cut = key;
              t_hat = 1.0 - cut;
            }
        }
      else
        {
          cut = 0.0;  /* no guarantee possible: every voxel is lesion */
          t_hat = 1.0;
        }

      for (guint i = result->n_cal; i < n; i++)
        {
          const CaseRow *row = &rows[perm[i]];
          guint64 found = cls_case_summary_lesion_at_least (row->summary, &row->map, cut);
          guint64 pos = cls_case_summary_voxels_at_least (row->summary, &row->map, cut);

          tally_case (row, row->found_fixed, row->pos_fixed, &fixed);
          tally_case (row, found, pos, &cal);
        }

      sr->cut = cut;
      sr->t_hat = t_hat;
      sr->ecr_fixed = fixed.covered / result->n_test;
      sr->ecr_calibrated = cal.covered / result->n_test;
      sr->fnr_fixed = fixed.fnr / result->n_test;
      sr->fnr_calibrated = cal.fnr / result->n_test;
      sr->pc_fixed = fixed.pc / result->n_test;
      sr->pc_calibrated = cal.pc / result->n_test;
      sr->missed_fixed = fixed.missed / result->n_test;
      sr->missed_calibrated = cal.missed / result->n_test;
      sr->fpr_fixed = fixed.fpr / result->n_test;
      sr->fpr_calibrated = cal.fpr / result->n_test;
    }

  return g_steal_pointer (&result);
}

/**
 * cls_evaluate:
 * @cases: (array length=n_cases): the pool of one model's cases
 * @n_cases: how many
 * @params: epsilon, alpha, method, policy, normalisation
 * @eval: splits, calibration fraction, seed
 * @error: return location for a #GError
 *
 * A one-shot cls_evaluator_run().
 *
 * Returns: (transfer full) (nullable): the evaluation
 */
ClsEvaluation *
cls_evaluate (ClsCaseSummary * const     *cases,
              guint                       n_cases,
              const ClsCalibrationParams *params,
              const ClsEvaluationParams  *eval,
              GError                    **error)
{
  g_autoptr(ClsEvaluator) evaluator = cls_evaluator_new (cases, n_cases);

  return cls_evaluator_run (evaluator, params, eval, error);
}

void
cls_evaluation_free (ClsEvaluation *self)
{
  if (self == NULL)
    return;
  g_free (self->splits);
  g_free (self);
}

const ClsCalibrationParams *
cls_evaluation_get_params (const ClsEvaluation *self)
{
  return &self->params;
}

const ClsEvaluationParams *
cls_evaluation_get_eval_params (const ClsEvaluation *self)
{
  return &self->eval;
}

guint
cls_evaluation_get_n (const ClsEvaluation *self)
{
  return self->n;
}

guint
cls_evaluation_get_n_skipped (const ClsEvaluation *self)
{
  return self->n_skipped;
}

guint
cls_evaluation_get_n_cal (const ClsEvaluation *self)
{
  return self->n_cal;
}

guint
cls_evaluation_get_n_test (const ClsEvaluation *self)
{
  return self->n_test;
}

guint64
cls_evaluation_get_rank (const ClsEvaluation *self)
{
  return self->rank;
}

gboolean
cls_evaluation_is_feasible (const ClsEvaluation *self)
{
  return self->feasible;
}

guint
cls_evaluation_get_n_splits (const ClsEvaluation *self)
{
  return self->eval.n_splits;
}

const ClsSplitResult *
cls_evaluation_get_split (const ClsEvaluation *self,
                          guint                s)
{
  g_return_val_if_fail (s < self->eval.n_splits, NULL);
  return &self->splits[s];
}

/**
 * cls_evaluation_get_stat:
 * @self: an evaluation
 * @field_offset: which #ClsSplitResult field, e.g.
 *   `CLS_SPLIT_FIELD (ecr_calibrated)`
 *
 * Returns: mean and standard deviation of that field over the splits
 */
ClsStat
cls_evaluation_get_stat (const ClsEvaluation *self,
                         gsize                field_offset)
{
  ClsStat stat = { 0, 0 };
  guint s_count = self->eval.n_splits;
  double sum = 0, sq = 0;

  g_return_val_if_fail (field_offset + sizeof (double) <= sizeof (ClsSplitResult), stat);

  for (guint s = 0; s < s_count; s++)
    sum += G_STRUCT_MEMBER (double, &self->splits[s], field_offset);
  stat.mean = sum / s_count;

  for (guint s = 0; s < s_count; s++)
    {
      double d = G_STRUCT_MEMBER (double, &self->splits[s], field_offset) - stat.mean;
      sq += d * d;
    }
  stat.std = sqrt (sq / s_count);

  return stat;
}

/**
 * cls_evaluation_get_theory_ecr:
 * @self: an evaluation
 *
 * Returns: the expected ECR, k / (n_cal + 1) (1 when infeasible: the whole
 *   volume is masked)
 */
double
cls_evaluation_get_theory_ecr (const ClsEvaluation *self)
{
  return cls_theory_ecr_mean (self->rank, self->n_cal);
}

/**
 * cls_theory_ecr_mean:
 * @rank: k
 * @n_cal: calibration cases
 *
 * Returns: k / (n_cal + 1) when k <= n_cal, else 1
 */
double
cls_theory_ecr_mean (guint64 rank,
                     guint64 n_cal)
{
  if (rank > n_cal)
    return 1.0;
  return (double) rank / (double) (n_cal + 1);
}

/**
 * cls_theory_ecr_quantile:
 * @rank: k
 * @n_cal: calibration cases
 * @n_test: test cases
 * @q: the quantile, 0 < q < 1
 *
 * Over fresh calibration and test sets, the number of covered test cases is
 * BetaBinomial(n_test, k, n_cal + 1 - k) (Vovk 2012), so ECR has this
 * distribution divided by n_test.
 *
 * Returns: the @q-quantile of ECR (smallest x with P(ECR <= x) >= q)
 */
double
cls_theory_ecr_quantile (guint64 rank,
                         guint64 n_cal,
                         guint64 n_test,
                         double  q)
{
  double a, b, lnb, cdf = 0;

  if (rank > n_cal)
    return 1.0;
  g_return_val_if_fail (n_test > 0, NAN);

  a = (double) rank;
  b = (double) (n_cal + 1 - rank);
  lnb = gsl_sf_lnbeta (a, b);

  for (guint64 x = 0; x <= n_test; x++)
    {
      double lp = gsl_sf_lnchoose ((unsigned) n_test, (unsigned) x) +
                  gsl_sf_lnbeta (x + a, (double) (n_test - x) + b) - lnb;

      cdf += exp (lp);
      if (cdf >= q - 1e-12)
        return (double) x / (double) n_test;
    }

  return 1.0;
}
