/* cls-evaluation.c
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <inttypes.h>

#include <math.h>
#include <string.h>

#include <gsl/gsl_sf_gamma.h>

#include <glib/gi18n-lib.h>

#include "cls-calibration-private.h"
#include "cls-error.h"
#include "cls-evaluation.h"

/* How a run works
 * ---------------
 *
 * A slider move must answer in the same frame, for 100,000 cases and 100
 * splits. Straightforwardly that is a selection per split and two binary
 * searches per test case and split: ten million random searches. Instead:
 *
 * 1. Every case's key (its critical cut) is computed once per run, on all
 *    cores when there are many cases.
 * 2. A split's ĉ is the k-th largest key of its calibration part. Over
 *    random splits it lies in a narrow band of the keys' global order
 *    (about k/n_cal of the way down, give or take a few sqrt(n)). So the
 *    keys above the band are marked in a bitset once per run; per split,
 *    a popcount of (above AND calibration part) and a selection among the
 *    few band keys of the calibration part give ĉ exactly. A split whose
 *    ĉ falls outside the band (never seen in practice) is selected the
 *    straightforward way.
 * 3. The splits' cuts take at most S distinct values. Per case, one search
 *    in its lesion probabilities and one in its count index, then jumps
 *    from one change to the next, give the counts at every distinct cut;
 *    the case then adds its terms to the splits that test it (a bitset of
 *    splits per case, kept with the splits), on all cores.
 *
 * Cuts, ranks and counts (ECR, missed lesions) are exactly those of the
 * straightforward definition. The means of FNR, PC and FPR add the same
 * per-case terms in a fixed order (cases in chunks of CHUNK_CASES, chunks
 * in order), so they are the same on any number of threads; they differ
 * from a left-to-right sum in split order by rounding only (relative
 * differences near 1e-16).
 *
 * That is the paper's calibration (exact or bisect, either guarantee). The
 * methods beyond it (crc, ltt, the lesion loss, strata, weights) take the
 * general path: per split, cls_calibrate_group() on its calibration part
 * (per stratum) and every test case measured at its own cut, splits on all
 * cores. Lesion measures (lesions missed by size band, lesion-level FNR)
 * are added per split and test case on either path when asked. */

#define MIN_CASES_PER_THREAD 512      /* a thread costs about 50 µs to start */
#define MIN_SCORES_PER_THREAD 16384   /* the exact method's keys are cheap */
#define CHUNK_CASES 256               /* a multiple of 64: chunks own whole words of per-case bitsets */

struct _ClsEvaluator
{
  ClsCaseSummary **cases;
  guint            n_cases;
  ClsSplits       *splits;      /* cached: depends only on n, S, f and the seed */
  guint64         *cal_bits;    /* per split, n bits: calibrates in that split */
  guint64         *test_masks;  /* per case, S bits: tested in that split */
  gsize            words_n;
  gsize            words_s;

  /* The sums at the fixed t = 0.5 (FNR, PC, FPR per split) depend on
   * neither epsilon nor alpha: kept for the normalisation and empty-mask
   * policy they were made with, until the splits change. */
  gboolean         fixed_valid;
  ClsNormalize     fixed_normalize;
  ClsEmptyPolicy   fixed_policy;
  struct _Sums    *fixed_sums;
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
  guint                n_infeasible;
  gboolean             theory;
  gboolean             lesion_measures;
  ClsSplitResult      *splits;
};

/* What a split needs of one case, computed once per run. */
typedef struct {
  const ClsCaseSummary *summary;
  ClsValueMap           map;
  double                key;      /* larger is more permissive: the cut, or -t for bisection */
  guint64               allowed;
  guint64               g;
  guint64               n_voxels;
} CaseRow;

/* The sums of the fractional terms over one split's test cases; the
 * counts (covered, missed entirely) come from bitsets. */
typedef struct _Sums {
  double fnr;
  double pc;
  double fpr;
} Sums;

void
cls_evaluation_params_init (ClsEvaluationParams *params)
{
  params->n_splits = CLS_DEFAULT_SPLITS;
  params->cal_fraction = (ClsFraction) { 5, 10 };
  params->seed = CLS_DEFAULT_SEED;
  params->lesion_measures = FALSE;
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
  g_free (self->cal_bits);
  g_free (self->test_masks);
  g_free (self->fixed_sums);
  g_free (self);
}

/* Splits, cached
 * -------------- */

static gboolean
ensure_splits (ClsEvaluator              *self,
               guint                      n,
               const ClsEvaluationParams *eval,
               GError                   **error)
{
  ClsSplits *splits;
  guint n_cal;

  if (cls_splits_matches (self->splits, n, eval->n_splits, eval->cal_fraction, eval->seed))
    return TRUE;

  splits = cls_splits_new (n, eval->n_splits, eval->cal_fraction, eval->seed, error);
  if (splits == NULL)
    return FALSE;
  cls_splits_free (self->splits);
  self->splits = splits;
  self->fixed_valid = FALSE;
  g_clear_pointer (&self->fixed_sums, g_free);

  n_cal = cls_splits_get_n_cal (splits);
  self->words_n = (n + 63) / 64;
  self->words_s = (eval->n_splits + 63) / 64;
  g_free (self->cal_bits);
  g_free (self->test_masks);
  self->cal_bits = g_new0 (guint64, self->words_n * eval->n_splits);
  self->test_masks = g_new0 (guint64, self->words_s * n);

  for (guint s = 0; s < eval->n_splits; s++)
    {
      const guint32 *perm = cls_splits_get_split (splits, s);
      guint64 *row = self->cal_bits + (gsize) s * self->words_n;

      for (guint i = 0; i < n_cal; i++)
        row[perm[i] / 64] |= G_GUINT64_CONSTANT (1) << (perm[i] % 64);
      for (guint i = n_cal; i < n; i++)
        self->test_masks[(gsize) perm[i] * self->words_s + s / 64] |= G_GUINT64_CONSTANT (1) << (s % 64);
    }

  return TRUE;
}

/* Running on all cores
 * -------------------- */

typedef void (*RangeFunc) (gpointer data, guint first, guint end, guint worker);

typedef struct {
  RangeFunc func;
  gpointer  data;
  guint     n;
  guint     n_workers;
  guint     worker;
} RangeJob;

static guint
range_start (guint n,
             guint w,
             guint n_workers)
{
  return (guint) ((guint64) n * w / n_workers);
}

static gpointer
range_thread (gpointer data)
{
  RangeJob *job = data;
  guint first = range_start (job->n, job->worker, job->n_workers);
  guint end = range_start (job->n, job->worker + 1, job->n_workers);

  job->func (job->data, first, end, job->worker);
  return NULL;
}

static guint
n_workers_for (guint n,
               guint min_per_thread)
{
  return CLAMP (n / min_per_thread, 1, g_get_num_processors ());
}

/* Calls @func on @n_workers contiguous parts of [0, n), in parallel. */
static void
run_ranges (RangeFunc func,
            gpointer  data,
            guint     n,
            guint     n_workers)
{
  g_autofree RangeJob *jobs = g_new0 (RangeJob, n_workers);
  g_autofree GThread **threads = g_new0 (GThread *, n_workers);

  for (guint w = 0; w < n_workers; w++)
    {
      jobs[w] = (RangeJob) { func, data, n, n_workers, w };
      if (w > 0)
        threads[w] = g_thread_new ("cls-evaluate", range_thread, &jobs[w]);
    }
  range_thread (&jobs[0]);
  for (guint w = 1; w < n_workers; w++)
    g_thread_join (threads[w]);
}

/* 1. Scores
 * --------- */

typedef struct {
  ClsEvaluator               *self;
  const ClsCalibrationParams *params;
  CaseRow                    *scored;  /* one per case */
  gboolean                   *usable;
} ScoreJob;

static void
score_range (gpointer data,
             guint    first,
             guint    end,
             guint    worker)
{
  ScoreJob *job = data;

  for (guint i = first; i < end; i++)
    {
      CaseRow *row = &job->scored[i];
      ClsCaseScore score;

      row->summary = job->self->cases[i];
      job->usable[i] = cls_case_score (row->summary, job->params, &score);
      if (!job->usable[i])
        continue;

      cls_case_summary_get_value_map (row->summary, job->params->normalize, &row->map);
      row->key = job->params->method == CLS_METHOD_BISECT ? -score.t : score.cut;
      row->allowed = score.allowed;
      row->g = cls_case_summary_get_n_lesion (row->summary);
      row->n_voxels = cls_case_summary_get_n_voxels (row->summary);
    }
}

/* 2. The cut of every split
 * ------------------------- */

static double
straight_split_key (const CaseRow *rows,
                    const guint32 *perm,
                    guint          n_cal,
                    guint64        rank,
                    double        *buffer)
{
  for (guint i = 0; i < n_cal; i++)
    buffer[i] = rows[perm[i]].key;
  return cls_select_kth_largest (buffer, n_cal, rank);
}

static void
split_keys (ClsEvaluator  *self,
            const CaseRow *rows,
            guint          n,
            guint          n_cal,
            guint64        rank,
            guint          n_splits,
            double        *out)
{
  g_autofree double *buffer = g_new (double, MAX (n, 1));
  g_autofree guint64 *above = g_new0 (guint64, self->words_n);
  g_autoptr(GArray) band = g_array_new (FALSE, FALSE, sizeof (guint));
  double expected = (double) rank * n / n_cal;
  double margin = 4.0 * sqrt ((double) n) + 32;
  gsize hi_pos = (gsize) MAX (0.0, expected - margin);
  gsize lo_pos = (gsize) MIN ((double) n - 1, expected + margin);
  double key_hi, key_lo;

  /* The band: keys from the (hi_pos + 1)-th largest down to the
   * (lo_pos + 1)-th largest. */
  for (guint i = 0; i < n; i++)
    buffer[i] = rows[i].key;
  key_hi = cls_select_kth_largest (buffer, n, hi_pos + 1);
  key_lo = cls_select_kth_largest (buffer, n, lo_pos + 1);

  for (guint i = 0; i < n; i++)
    {
      if (rows[i].key > key_hi)
        above[i / 64] |= G_GUINT64_CONSTANT (1) << (i % 64);
      else if (rows[i].key >= key_lo)
        g_array_append_val (band, i);
    }

  for (guint s = 0; s < n_splits; s++)
    {
      const guint64 *cal = self->cal_bits + (gsize) s * self->words_n;
      guint64 n_above = 0;
      guint m = 0;

      for (gsize w = 0; w < self->words_n; w++)
        n_above += (guint64) __builtin_popcountll (above[w] & cal[w]);

      for (guint b = 0; b < band->len; b++)
        {
          guint i = g_array_index (band, guint, b);

          if (cal[i / 64] & (G_GUINT64_CONSTANT (1) << (i % 64)))
            buffer[m++] = rows[i].key;
        }

      if (n_above < rank && rank <= n_above + m)
        out[s] = cls_select_kth_largest (buffer, m, rank - n_above);
      else
        out[s] = straight_split_key (rows, cls_splits_get_split (self->splits, s), n_cal, rank,
                                     buffer);
    }
}

/* 3. Counts at every cut, per case
 * -------------------------------- */

#define WALK_STEPS 8

typedef struct {
  ClsEvaluator  *self;
  const CaseRow *rows;
  const double  *cuts;          /* distinct, ascending */
  guint          n_cuts;
  const guint   *cut_of;        /* per split: its index in cuts */
  guint          n_splits;
  guint          n;
  gboolean       with_fixed;    /* also sum the terms at t = 0.5 */
  Sums          *fixed;         /* per chunk of cases, per split */
  Sums          *calibrated;    /* per chunk of cases, per split */
  guint         *last_covered;  /* per case: the largest cut index at which it is covered, or G_MAXUINT */
  guint         *first_missed;  /* per case: the first cut index from which its lesion is missed entirely */
  guint64       *covered_fixed; /* n bits */
  guint64       *missed_fixed;  /* n bits */
} CountJob;

/* Index of the first cut > v, in [from, n). */
static guint
first_cut_above (const double *cuts,
                 guint         from,
                 guint         n,
                 double        v)
{
  guint lo = from, hi = n;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (cuts[mid] > v)
        hi = mid;
      else
        lo = mid + 1;
    }
  return lo;
}

/* found[d]: lesion voxels at or above cuts[d], for every d. From the
 * largest cut down, the count only grows: a merge of the cuts with the
 * lesion probabilities (sorted from largest), galloping past long runs. */
#define DEFINE_FOUND_AT_CUTS(name, type, MAPPED)                              \
static void                                                                   \
name (const CaseRow *row,                                                     \
      const type    *v,                                                       \
      const double  *cuts,                                                    \
      guint          n_cuts,                                                  \
      guint64       *found)                                                   \
{                                                                             \
  const ClsValueMap *map = &row->map;                                         \
  guint64 f = cls_case_summary_lesion_at_least_from (row->summary, map,       \
                                                     cuts[n_cuts - 1], 0);    \
  guint64 g = row->g;                                                         \
                                                                              \
  found[n_cuts - 1] = f;                                                      \
  for (guint d = n_cuts - 1; d > 0; d--)                                      \
    {                                                                         \
      double c = cuts[d - 1];                                                 \
      guint64 stop = MIN (g, f + WALK_STEPS);                                 \
                                                                              \
      while (f < stop && MAPPED (v[f]) >= c)                                  \
        f++;                                                                  \
      if (f == stop && f < g && MAPPED (v[f]) >= c)                           \
        f = cls_case_summary_lesion_at_least_from (row->summary, map, c, f);  \
      found[d - 1] = f;                                                       \
    }                                                                         \
}

/* pos[d]: voxels at or above cuts[d], for every d: from the smallest cut
 * up, the first value at or above the cut only moves up the index. */
#define DEFINE_POS_AT_CUTS(name, type, count_type, MAPPED)                    \
static void                                                                   \
name (const CaseRow       *row,                                               \
      const ClsCountIndex *counts,                                            \
      const type          *v,                                                 \
      const count_type    *count_ge,                                          \
      gsize                nd,                                                \
      const double        *cuts,                                              \
      guint                n_cuts,                                            \
      guint64             *pos)                                               \
{                                                                             \
  const ClsValueMap *map = &row->map;                                         \
  gsize lb = cls_count_index_lower_bound (counts, map, cuts[0], 0);           \
                                                                              \
  pos[0] = count_ge[lb];                                                      \
  for (guint d = 1; d < n_cuts; d++)                                          \
    {                                                                         \
      double c = cuts[d];                                                     \
      gsize stop = MIN (nd, lb + WALK_STEPS);                                 \
                                                                              \
      while (lb < stop && !(MAPPED (v[lb]) >= c))                             \
        lb++;                                                                 \
      if (lb == stop && lb < nd && !(MAPPED (v[lb]) >= c))                    \
        lb = cls_count_index_lower_bound (counts, map, c, lb);                \
      pos[d] = count_ge[lb];                                                  \
    }                                                                         \
}

#define PLAIN(x) ((double) (x))
#define WITH_MAP(x) cls_value_map_apply (map, (double) (x))

DEFINE_FOUND_AT_CUTS (found_f32, float, PLAIN)
DEFINE_FOUND_AT_CUTS (found_f64, double, PLAIN)
DEFINE_FOUND_AT_CUTS (found_f32_map, float, WITH_MAP)
DEFINE_FOUND_AT_CUTS (found_f64_map, double, WITH_MAP)
DEFINE_POS_AT_CUTS (pos_f32_c32, float, guint32, PLAIN)
DEFINE_POS_AT_CUTS (pos_f32_c64, float, guint64, PLAIN)
DEFINE_POS_AT_CUTS (pos_f64_c32, double, guint32, PLAIN)
DEFINE_POS_AT_CUTS (pos_f64_c64, double, guint64, PLAIN)
DEFINE_POS_AT_CUTS (pos_f32_c32_map, float, guint32, WITH_MAP)
DEFINE_POS_AT_CUTS (pos_f32_c64_map, float, guint64, WITH_MAP)
DEFINE_POS_AT_CUTS (pos_f64_c32_map, double, guint32, WITH_MAP)
DEFINE_POS_AT_CUTS (pos_f64_c64_map, double, guint64, WITH_MAP)

static void
found_at_cuts (const CaseRow *row,
               const double  *cuts,
               guint          n_cuts,
               guint64       *found)
{
  gboolean wide, plain = !row->map.active;
  gconstpointer v = cls_case_summary_get_lesion_data (row->summary, &wide);

  if (wide)
    (plain ? found_f64 : found_f64_map) (row, v, cuts, n_cuts, found);
  else
    (plain ? found_f32 : found_f32_map) (row, v, cuts, n_cuts, found);
}

static void
pos_at_cuts (const CaseRow *row,
             const double  *cuts,
             guint          n_cuts,
             guint64       *pos)
{
  const ClsCountIndex *counts = cls_case_summary_get_counts (row->summary);
  gsize nd = cls_count_index_get_n_distinct (counts);
  gboolean wide, wide_counts, plain = !row->map.active;
  gconstpointer v = cls_count_index_get_values (counts, &wide);
  gconstpointer c = cls_count_index_get_counts_from (counts, &wide_counts);

  if (wide && wide_counts)
    (plain ? pos_f64_c64 : pos_f64_c64_map) (row, counts, v, c, nd, cuts, n_cuts, pos);
  else if (wide)
    (plain ? pos_f64_c32 : pos_f64_c32_map) (row, counts, v, c, nd, cuts, n_cuts, pos);
  else if (wide_counts)
    (plain ? pos_f32_c64 : pos_f32_c64_map) (row, counts, v, c, nd, cuts, n_cuts, pos);
  else
    (plain ? pos_f32_c32 : pos_f32_c32_map) (row, counts, v, c, nd, cuts, n_cuts, pos);
}

static void
case_terms (const CaseRow *row,
            guint64        found,
            guint64        pos,
            Sums          *t)
{
  guint64 negatives = row->n_voxels - row->g;

  t->fnr = row->g > 0 ? (double) (row->g - found) / (double) row->g : 0.0;
  t->pc = (double) pos / (double) row->n_voxels;
  t->fpr = negatives > 0 ? (double) (pos - found) / (double) negatives : 0.0;
}

static inline void
sums_add (Sums       *a,
          const Sums *b)
{
  a->fnr += b->fnr;
  a->pc += b->pc;
  a->fpr += b->fpr;
}

static inline void
set_bit (guint64 *bits,
         guint    i)
{
  bits[i / 64] |= G_GUINT64_CONSTANT (1) << (i % 64);
}

/* The first d with found[d] < v (found does not rise with d), or n. */
static guint
first_below (const guint64 *found,
             guint          n,
             guint64        v)
{
  guint lo = 0, hi = n;

  if (n > 0 && found[n - 1] >= v)
    return n;
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (found[mid] < v)
        hi = mid;
      else
        lo = mid + 1;
    }
  return lo;
}

/* One case: its counts at every cut, and its terms added to the sums of
 * the splits that test it. */
static void
count_case (const CountJob *job,
            guint           i,
            Sums           *fixed,
            Sums           *calibrated,
            guint64        *found,
            guint64        *pos,
            const Sums    **term_of,
            Sums           *runs)
{
  const CaseRow *row = &job->rows[i];
  guint n_cuts = job->n_cuts;
  const guint64 *mask = job->self->test_masks + (gsize) i * job->self->words_s;
  const guint *cut_of = job->cut_of;
  guint64 found_fixed = cls_case_summary_lesion_at_least (row->summary, &row->map, CLS_FIXED_CUT);
  guint64 needed = row->g - MIN (row->allowed, row->g);
  guint n_runs = 0;
  Sums at_fixed = { 0, 0, 0 };

  if (row->g == 0 || row->g - found_fixed <= row->allowed)
    set_bit (job->covered_fixed, i);
  if (row->g > 0 && found_fixed == 0)
    set_bit (job->missed_fixed, i);

  found_at_cuts (row, job->cuts, n_cuts, found);
  pos_at_cuts (row, job->cuts, n_cuts, pos);

  /* found only falls as the cut rises: covered up to some cut, missed
   * entirely from some cut on */
  {
    guint d = first_below (found, n_cuts, needed);

    job->last_covered[i] = d > 0 ? d - 1 : G_MAXUINT;
    job->first_missed[i] = row->g > 0 ? first_below (found, n_cuts, 1) : n_cuts;
  }

  for (guint d = 0; d < n_cuts; d++)
    {
      if (d == 0 || found[d] != found[d - 1] || pos[d] != pos[d - 1])
        case_terms (row, found[d], pos[d], &runs[n_runs++]);
      term_of[d] = &runs[n_runs - 1];
    }

  if (job->with_fixed)
    case_terms (row, found_fixed, cls_case_summary_voxels_at_least (row->summary, &row->map, CLS_FIXED_CUT),
                &at_fixed);

  for (gsize w = 0; w < job->self->words_s; w++)
    for (guint64 bits = mask[w]; bits != 0; bits &= bits - 1)
      {
        guint s = (guint) (w * 64 + (guint) __builtin_ctzll (bits));

        sums_add (&calibrated[s], term_of[cut_of[s]]);
        if (job->with_fixed)
          sums_add (&fixed[s], &at_fixed);
      }
}

/* Chunks [first, end): each adds its cases, in order, to its own sums. */
static void
count_chunks (gpointer data,
              guint    first,
              guint    end,
              guint    worker)
{
  CountJob *job = data;
  guint n_cuts = job->n_cuts;
  g_autofree guint64 *found = g_new (guint64, n_cuts);
  g_autofree guint64 *pos = g_new (guint64, n_cuts);
  g_autofree const Sums **term_of = g_new (const Sums *, n_cuts);
  g_autofree Sums *runs = g_new (Sums, n_cuts);

  for (guint c = first; c < end; c++)
    {
      Sums *fixed = job->with_fixed ? job->fixed + (gsize) c * job->n_splits : NULL;
      Sums *calibrated = job->calibrated + (gsize) c * job->n_splits;
      guint last = MIN (job->n, (c + 1) * CHUNK_CASES);

      for (guint i = c * CHUNK_CASES; i < last; i++)
        {
          /* The next cases' data, on their way while this one is done: a
           * summary's header four cases ahead, then what it points to. */
          if (i + 4 < last)
            __builtin_prefetch (job->rows[i + 4].summary);
          if (i + 2 < last)
            cls_case_summary_prefetch (job->rows[i + 2].summary);
          if (i + 1 < last)
            cls_count_index_prefetch (cls_case_summary_get_counts (job->rows[i + 1].summary));

          count_case (job, i, fixed, calibrated, found, pos, term_of, runs);
        }
    }
}

/* Counts per split of the test cases in a set that grows as the cuts are
 * taken in order: cases join at their own cut index (join[i]); a split
 * counts the set as it is at its cut. */
static void
count_growing_set (ClsEvaluator *self,
                   const guint  *join,
                   guint         n,
                   guint         n_cuts,
                   gboolean      descending,
                   const guint  *cut_of,
                   guint         n_splits,
                   guint64      *out)
{
  g_autofree guint *case_start = g_new0 (guint, n_cuts + 1);
  g_autofree guint *by_cut = g_new (guint, MAX (n, 1));
  g_autofree guint *split_start = g_new0 (guint, n_cuts + 1);
  g_autofree guint *splits_by_cut = g_new (guint, n_splits);
  g_autofree guint64 *set = g_new0 (guint64, self->words_n);

  /* counting sorts of the cases by join index and the splits by cut */
  for (guint i = 0; i < n; i++)
    if (join[i] < n_cuts)
      case_start[join[i] + 1]++;
  for (guint d = 0; d < n_cuts; d++)
    case_start[d + 1] += case_start[d];
  {
    g_autofree guint *fill = g_memdup2 (case_start, (n_cuts + 1) * sizeof (guint));
    for (guint i = 0; i < n; i++)
      if (join[i] < n_cuts)
        by_cut[fill[join[i]]++] = i;
  }
  for (guint s = 0; s < n_splits; s++)
    split_start[cut_of[s] + 1]++;
  for (guint d = 0; d < n_cuts; d++)
    split_start[d + 1] += split_start[d];
  {
    g_autofree guint *fill = g_memdup2 (split_start, (n_cuts + 1) * sizeof (guint));
    for (guint s = 0; s < n_splits; s++)
      splits_by_cut[fill[cut_of[s]]++] = s;
  }

  for (guint k = 0; k < n_cuts; k++)
    {
      guint d = descending ? n_cuts - 1 - k : k;

      for (guint c = case_start[d]; c < case_start[d + 1]; c++)
        set_bit (set, by_cut[c]);
      for (guint c = split_start[d]; c < split_start[d + 1]; c++)
        {
          guint s = splits_by_cut[c];
          const guint64 *cal = self->cal_bits + (gsize) s * self->words_n;
          guint64 count = 0;

          for (gsize w = 0; w < self->words_n; w++)
            count += (guint64) __builtin_popcountll (set[w] & ~cal[w]);
          out[s] = count;
        }
    }
}

/* Per split, how many of its test cases are in @set (n bits). */
static void
count_test_cases_in (ClsEvaluator  *self,
                     const guint64 *set,
                     guint          n_splits,
                     guint64       *out)
{
  for (guint s = 0; s < n_splits; s++)
    {
      const guint64 *cal = self->cal_bits + (gsize) s * self->words_n;
      guint64 count = 0;

      for (gsize w = 0; w < self->words_n; w++)
        count += (guint64) __builtin_popcountll (set[w] & ~cal[w]);
      out[s] = count;
    }
}

static int
compare_double (const void *a,
                const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static void
store_split (guint64     covered,
             guint64     missed,
             const Sums *sums,
             guint       n_test,
             double     *ecr,
             double     *fnr,
             double     *pc,
             double     *missed_share,
             double     *fpr)
{
  *ecr = (double) covered / n_test;
  *fnr = sums->fnr / n_test;
  *pc = sums->pc / n_test;
  *missed_share = (double) missed / n_test;
  *fpr = sums->fpr / n_test;
}

/* Lesion measures
 * --------------- */

typedef struct {
  double  fnr;                         /* Σ lesion FNR over test cases */
  guint64 lesions;                     /* test lesions */
  guint64 entirely;                    /* … with no voxel in the mask */
  guint64 per_band[CLS_N_SIZE_BANDS];
  guint64 missed[CLS_N_SIZE_BANDS];    /* … not detected */
} LesionSums;

static void
lesion_sums_add (LesionSums          *sums,
                 const ClsLesionCuts *cuts,
                 double               cut)
{
  guint32 missed[CLS_N_SIZE_BANDS];

  if (cuts == NULL || cuts->n == 0)
    return;
  cls_lesion_cuts_missed_by_band (cuts, cut, missed);
  sums->fnr += (double) cls_lesion_cuts_missed (cuts, cut) / cuts->n;
  sums->lesions += cuts->n;
  sums->entirely += cls_lesion_cuts_missed_entirely (cuts, cut);
  for (guint b = 0; b < CLS_N_SIZE_BANDS; b++)
    {
      sums->per_band[b] += cuts->per_band[b];
      sums->missed[b] += missed[b];
    }
}

static void
store_lesions (ClsSplitResult   *sr,
               const LesionSums *fixed,
               const LesionSums *calibrated,
               guint             n_test)
{
  sr->lesion_fnr_fixed = fixed->fnr / n_test;
  sr->lesion_fnr_calibrated = calibrated->fnr / n_test;
  sr->lesion_missed_fixed = fixed->lesions > 0 ? (double) fixed->entirely / fixed->lesions : NAN;
  sr->lesion_missed_calibrated = calibrated->lesions > 0 ? (double) calibrated->entirely / calibrated->lesions : NAN;
  sr->lesions_small = fixed->per_band[CLS_SIZE_SMALL];
  sr->lesions_medium = fixed->per_band[CLS_SIZE_MEDIUM];
  sr->lesions_large = fixed->per_band[CLS_SIZE_LARGE];
  sr->missed_small_fixed = fixed->missed[CLS_SIZE_SMALL];
  sr->missed_medium_fixed = fixed->missed[CLS_SIZE_MEDIUM];
  sr->missed_large_fixed = fixed->missed[CLS_SIZE_LARGE];
  sr->missed_small_calibrated = calibrated->missed[CLS_SIZE_SMALL];
  sr->missed_medium_calibrated = calibrated->missed[CLS_SIZE_MEDIUM];
  sr->missed_large_calibrated = calibrated->missed[CLS_SIZE_LARGE];
}

static void
no_lesions (ClsSplitResult *sr)
{
  sr->lesion_fnr_fixed = sr->lesion_fnr_calibrated = NAN;
  sr->lesion_missed_fixed = sr->lesion_missed_calibrated = NAN;
  sr->lesions_small = sr->lesions_medium = sr->lesions_large = NAN;
  sr->missed_small_fixed = sr->missed_medium_fixed = sr->missed_large_fixed = NAN;
  sr->missed_small_calibrated = sr->missed_medium_calibrated = sr->missed_large_calibrated = NAN;
}

/* The fast path's lesion measures: every split's test cases at its cut. */
static void
add_lesion_measures (ClsEvaluator               *self,
                     const CaseRow              *rows,
                     guint                       n,
                     const ClsCalibrationParams *params,
                     ClsEvaluation              *result)
{
  g_autoptr(GPtrArray) cuts = g_ptr_array_new_with_free_func ((GDestroyNotify) cls_lesion_cuts_free);
  ClsFraction coverage = params->lesion_coverage.den != 0 ? params->lesion_coverage : CLS_DEFAULT_LESION_COVERAGE;

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (cuts, cls_lesion_cuts_new (cls_case_summary_get_components (rows[i].summary), coverage,
                                                &rows[i].map));

  for (guint s = 0; s < result->eval.n_splits; s++)
    {
      const guint32 *perm = cls_splits_get_split (self->splits, s);
      ClsSplitResult *sr = &result->splits[s];
      LesionSums fixed = { 0 }, calibrated = { 0 };

      for (guint t = result->n_cal; t < n; t++)
        {
          lesion_sums_add (&fixed, cuts->pdata[perm[t]], CLS_FIXED_CUT);
          lesion_sums_add (&calibrated, cuts->pdata[perm[t]], sr->cut);
        }
      store_lesions (sr, &fixed, &calibrated, result->n_test);
    }
}

/* The general path
 * ---------------- */

typedef struct {
  ClsEvaluator               *self;
  const ClsCalibrationParams *params;
  ClsCaseLoss                *rows;       /* the usable cases */
  guint                       n;
  ClsEvaluation              *result;
  GError                    **errors;     /* per split */
  gboolean                   *infeasible; /* per split */
} GeneralJob;

static gboolean
refuse_stratum (const ClsCalibrationParams  *params,
                guint                        split,
                guint                        stratum,
                guint                        n_cal,
                guint                        n_test,
                const ClsGroupResult        *group,
                GError                     **error)
{
  g_autofree char *alpha = cls_fraction_to_string (params->alpha);

  if (group->min_n > n_cal)
    g_set_error (error, CLS_ERROR, CLS_ERROR_NO_CASES,
                 _("split %u: stratum %s has n = %u calibration cases (and %u test cases), too few for "
                   "alpha = %s: each stratum needs at least %" PRIu64 "; use fewer strata, a larger "
                   "calibration fraction or a larger alpha"),
                 split + 1, cls_stratum_get_label (params->strata, stratum), n_cal, n_test, alpha, group->min_n);
  else
    g_set_error (error, CLS_ERROR, CLS_ERROR_NO_CASES,
                 _("split %u: stratum %s has n = %u calibration cases (and %u test cases), and no threshold "
                   "has the guarantee with them"),
                 split + 1, cls_stratum_get_label (params->strata, stratum), n_cal, n_test);
  return FALSE;
}

/* Calibrates split @s on its calibration part and measures its test part. */
static gboolean
general_split (const GeneralJob  *job,
               guint              s,
               ClsCaseLoss      **group,
               double            *scratch,
               GError           **error)
{
  const ClsCalibrationParams *params = job->params;
  ClsEvaluation *result = job->result;
  const guint32 *perm = cls_splits_get_split (job->self->splits, s);
  guint n_strata = cls_strata_get_n (params->strata);
  ClsSplitResult *sr = &result->splits[s];
  ClsGroupResult groups[CLS_MAX_STRATA];
  ClsWeightedQuantile *quantiles[CLS_MAX_STRATA] = { NULL };
  guint n_test_in[CLS_MAX_STRATA] = { 0 };
  LesionSums lesions_fixed = { 0 }, lesions_calibrated = { 0 };
  guint64 covered_fixed = 0, covered = 0, missed_fixed = 0, missed = 0;
  Sums at_fixed = { 0, 0, 0 }, at_cut = { 0, 0, 0 };
  double cut_sum = 0, t_sum = 0;
  gboolean ok = TRUE;

  for (guint t = result->n_cal; t < job->n; t++)
    n_test_in[job->rows[perm[t]].stratum]++;

  /* calibrate each stratum; the weights' effective size over the whole part */
  {
    g_autofree guint64 *units = params->weights != NULL ? g_new (guint64, MAX (result->n_cal, 1)) : NULL;

    for (guint i = 0; units != NULL && i < result->n_cal; i++)
      units[i] = job->rows[perm[i]].units;
    sr->n_eff = units != NULL ? cls_weights_n_eff (units, result->n_cal) : result->n_cal;
  }
  for (guint st = 0; st < n_strata; st++)
    {
      guint m = 0;

      for (guint i = 0; i < result->n_cal; i++)
        if (job->rows[perm[i]].stratum == st)
          group[m++] = &job->rows[perm[i]];
      quantiles[st] = cls_calibrate_group (params, group, m, scratch, &groups[st]);
      if (!groups[st].feasible && params->strata != CLS_STRATA_NONE && n_test_in[st] > 0)
        {
          ok = refuse_stratum (params, s, st, m, n_test_in[st], &groups[st], error);
          break;
        }
      if (!groups[st].feasible)
        job->infeasible[s] = TRUE;
    }

  for (guint t = result->n_cal; ok && t < job->n; t++)
    {
      const ClsCaseLoss *row = &job->rows[perm[t]];
      const ClsGroupResult *g = &groups[row->stratum];
      double key = g->key, cut;
      gboolean feasible = g->feasible;
      guint64 found, pos;
      CaseRow plain;

      if (quantiles[row->stratum] != NULL && params->test_weight == CLS_TEST_WEIGHT_OWN)
        feasible = cls_weighted_quantile_key (quantiles[row->stratum], params->alpha, row->units, &key);
      cut = feasible ? cls_key_to_cut (params, key) : 0.0;
      cut_sum += cut;
      t_sum += !feasible ? 1.0 : params->method == CLS_METHOD_BISECT ? -key : 1.0 - cut;

      covered_fixed += cls_case_loss_covered (row, params, CLS_FIXED_CUT);
      covered += cls_case_loss_covered (row, params, cut);

      plain.summary = row->summary;
      plain.map = row->map;
      plain.g = cls_case_summary_get_n_lesion (row->summary);
      plain.n_voxels = cls_case_summary_get_n_voxels (row->summary);

      found = cls_case_summary_lesion_at_least (row->summary, &row->map, CLS_FIXED_CUT);
      pos = cls_case_summary_voxels_at_least (row->summary, &row->map, CLS_FIXED_CUT);
      missed_fixed += plain.g > 0 && found == 0;
      {
        Sums term;
        case_terms (&plain, found, pos, &term);
        sums_add (&at_fixed, &term);
      }
      found = cls_case_summary_lesion_at_least (row->summary, &row->map, cut);
      pos = cls_case_summary_voxels_at_least (row->summary, &row->map, cut);
      missed += plain.g > 0 && found == 0;
      {
        Sums term;
        case_terms (&plain, found, pos, &term);
        sums_add (&at_cut, &term);
      }

      if (result->lesion_measures)
        {
          lesion_sums_add (&lesions_fixed, row->lesions, CLS_FIXED_CUT);
          lesion_sums_add (&lesions_calibrated, row->lesions, cut);
        }
    }

  for (guint st = 0; st < n_strata; st++)
    cls_weighted_quantile_free (quantiles[st]);
  if (!ok)
    return FALSE;

  sr->cut = cut_sum / result->n_test;
  sr->t_hat = t_sum / result->n_test;
  store_split (covered_fixed, missed_fixed, &at_fixed, result->n_test,
               &sr->ecr_fixed, &sr->fnr_fixed, &sr->pc_fixed, &sr->missed_fixed, &sr->fpr_fixed);
  store_split (covered, missed, &at_cut, result->n_test,
               &sr->ecr_calibrated, &sr->fnr_calibrated, &sr->pc_calibrated,
               &sr->missed_calibrated, &sr->fpr_calibrated);
  if (result->lesion_measures)
    store_lesions (sr, &lesions_fixed, &lesions_calibrated, result->n_test);
  else
    no_lesions (sr);
  return TRUE;
}

static void
general_range (gpointer data,
               guint    first,
               guint    end,
               guint    worker)
{
  GeneralJob *job = data;
  g_autofree ClsCaseLoss **group = g_new (ClsCaseLoss *, MAX (job->n, 1));
  g_autofree double *scratch = g_new (double, MAX (job->n, 1));

  for (guint s = first; s < end; s++)
    general_split (job, s, group, scratch, &job->errors[s]);
}

static ClsEvaluation *
run_general (ClsEvaluator               *self,
             const ClsCalibrationParams *params,
             const ClsEvaluationParams  *eval,
             GError                    **error)
{
  g_autoptr(ClsEvaluation) result = NULL;
  g_autofree ClsCaseLoss *rows = g_new0 (ClsCaseLoss, MAX (self->n_cases, 1));
  g_autofree GError **errors = NULL;
  g_autofree gboolean *infeasible = NULL;
  gboolean lesion_measures = params->loss == CLS_LOSS_LESION ||
                             (eval->lesion_measures && cls_case_summaries_have_components (self->cases, self->n_cases));
  guint n = 0, n_skipped = 0;
  GError *failure = NULL;

  for (guint i = 0; i < self->n_cases && failure == NULL; i++)
    {
      if (!cls_case_loss_init (&rows[n], self->cases[i], params, lesion_measures, &failure))
        cls_case_loss_clear (&rows[n]);
      else if (rows[n].usable)
        n++;
      else
        {
          n_skipped++;
          cls_case_loss_clear (&rows[n]);
        }
    }

  if (failure == NULL && n < 2)
    g_set_error (&failure, CLS_ERROR, CLS_ERROR_NO_CASES,
                 _("%u usable cases (%u empty masks skipped); at least 2 are needed to split "
                   "into calibration and test"), n, n_skipped);
  if (failure == NULL)
    ensure_splits (self, n, eval, &failure);

  if (failure == NULL)
    {
      gboolean rank_method = params->method == CLS_METHOD_EXACT || params->method == CLS_METHOD_BISECT;

      result = g_new0 (ClsEvaluation, 1);
      result->params = *params;
      if (params->weights != NULL)
        cls_weights_ref (params->weights);  /* released with the evaluation */
      result->eval = *eval;
      result->n = n;
      result->n_skipped = n_skipped;
      result->n_cal = cls_splits_get_n_cal (self->splits);
      result->n_test = cls_splits_get_n_test (self->splits);
      result->theory = rank_method && params->strata == CLS_STRATA_NONE && params->weights == NULL;
      result->rank = result->theory ? cls_group_rank (params, result->n_cal) : 0;
      result->lesion_measures = lesion_measures;
      result->splits = g_new0 (ClsSplitResult, eval->n_splits);

      errors = g_new0 (GError *, eval->n_splits);
      infeasible = g_new0 (gboolean, eval->n_splits);
      {
        GeneralJob job = { self, params, rows, n, result, errors, infeasible };
        run_ranges (general_range, &job, eval->n_splits,
                    MIN (eval->n_splits, n_workers_for (n * eval->n_splits, MIN_CASES_PER_THREAD)));
      }

      for (guint s = 0; s < eval->n_splits; s++)
        {
          if (errors[s] != NULL && failure == NULL)
            failure = g_steal_pointer (&errors[s]);
          g_clear_error (&errors[s]);
          result->n_infeasible += infeasible[s];
        }
      result->feasible = result->n_infeasible == 0;
    }

  for (guint i = 0; i < n; i++)
    cls_case_loss_clear (&rows[i]);

  if (failure != NULL)
    {
      g_propagate_error (error, failure);
      return NULL;
    }
  return g_steal_pointer (&result);
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
 * and mean FPR, at the calibrated cut and at the fixed t = 0.5. The means
 * add the per-case terms in an order that does not depend on the number
 * of threads.
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
  g_autofree CaseRow *scored = NULL;
  g_autofree gboolean *usable = NULL;
  g_autofree CaseRow *rows = NULL;
  g_autofree double *keys = NULL;
  g_autofree double *cuts = NULL;
  g_autofree guint *cut_of = NULL;
  g_autofree Sums *fixed = NULL;
  g_autofree Sums *calibrated = NULL;
  g_autofree guint *last_covered = NULL;
  g_autofree guint *first_missed = NULL;
  g_autofree guint64 *covered_fixed = NULL;
  g_autofree guint64 *missed_fixed = NULL;
  gboolean with_fixed;
  guint n = 0, n_skipped = 0, n_cuts = 0, n_chunks;
  guint n_splits = eval->n_splits;

  if (!cls_calibration_params_check (params, error))
    return NULL;
  if (!cls_calibration_params_is_plain (params))
    return run_general (self, params, eval, error);

  /* 1. every case's key */
  scored = g_new0 (CaseRow, MAX (self->n_cases, 1));
  usable = g_new0 (gboolean, MAX (self->n_cases, 1));
  {
    ScoreJob job = { self, params, scored, usable };
    run_ranges (score_range, &job, self->n_cases,
                n_workers_for (self->n_cases, params->method == CLS_METHOD_BISECT ? MIN_CASES_PER_THREAD
                                                                                   : MIN_SCORES_PER_THREAD));
  }
  rows = g_new (CaseRow, MAX (self->n_cases, 1));
  for (guint i = 0; i < self->n_cases; i++)
    {
      if (usable[i])
        rows[n++] = scored[i];
      else
        n_skipped++;
    }
  g_clear_pointer (&scored, g_free);

  if (n < 2)
    {
      g_set_error (error, CLS_ERROR, CLS_ERROR_NO_CASES,
                   _("%u usable cases (%u empty masks skipped); at least 2 are needed to split "
                     "into calibration and test"), n, n_skipped);
      return NULL;
    }

  if (!ensure_splits (self, n, eval, error))
    return NULL;

  result = g_new0 (ClsEvaluation, 1);
  result->params = *params;
  result->eval = *eval;
  result->n = n;
  result->n_skipped = n_skipped;
  result->n_cal = cls_splits_get_n_cal (self->splits);
  result->n_test = cls_splits_get_n_test (self->splits);
  result->rank = cls_group_rank (params, result->n_cal);
  result->feasible = result->rank <= result->n_cal;
  result->n_infeasible = result->feasible ? 0 : n_splits;
  result->theory = TRUE;
  result->splits = g_new0 (ClsSplitResult, n_splits);

  /* 2. every split's cut */
  keys = g_new (double, n_splits);
  if (result->feasible)
    split_keys (self, rows, n, result->n_cal, result->rank, n_splits, keys);

  for (guint s = 0; s < n_splits; s++)
    {
      ClsSplitResult *sr = &result->splits[s];

      if (!result->feasible)
        {
          sr->cut = 0.0;  /* no guarantee possible: every voxel is lesion */
          sr->t_hat = 1.0;
        }
      else if (params->method == CLS_METHOD_BISECT)
        {
          sr->t_hat = -keys[s];
          sr->cut = 1.0 - sr->t_hat;
        }
      else
        {
          sr->cut = keys[s];
          sr->t_hat = 1.0 - sr->cut;
        }
    }

  /* 3. the distinct cuts, and the counts at each of them per case */
  cuts = g_new (double, n_splits);
  cut_of = g_new (guint, n_splits);
  for (guint s = 0; s < n_splits; s++)
    cuts[s] = result->splits[s].cut;
  qsort (cuts, n_splits, sizeof (double), compare_double);
  for (guint s = 0; s < n_splits; s++)
    if (n_cuts == 0 || cuts[s] != cuts[n_cuts - 1])
      cuts[n_cuts++] = cuts[s];
  for (guint s = 0; s < n_splits; s++)
    cut_of[s] = first_cut_above (cuts, 0, n_cuts, result->splits[s].cut) - 1;

  with_fixed = !(self->fixed_valid && self->fixed_normalize == params->normalize &&
                 self->fixed_policy == params->empty_policy);
  /* Sums per chunk of cases, added in chunk order: the same result on any
   * number of threads. */
  n_chunks = (n + CHUNK_CASES - 1) / CHUNK_CASES;
  calibrated = g_new0 (Sums, (gsize) n_chunks * n_splits);
  fixed = with_fixed ? g_new0 (Sums, (gsize) n_chunks * n_splits) : NULL;
  last_covered = g_new (guint, n);
  first_missed = g_new (guint, n);
  covered_fixed = g_new0 (guint64, self->words_n);
  missed_fixed = g_new0 (guint64, self->words_n);
  {
    CountJob job = { self, rows, cuts, n_cuts, cut_of, n_splits, n, with_fixed, fixed, calibrated,
                     last_covered, first_missed, covered_fixed, missed_fixed };
    run_ranges (count_chunks, &job, n_chunks, MIN (n_chunks, n_workers_for (n, MIN_CASES_PER_THREAD)));
  }

  for (guint c = 1; c < n_chunks; c++)
    for (guint s = 0; s < n_splits; s++)
      {
        sums_add (&calibrated[s], &calibrated[(gsize) c * n_splits + s]);
        if (with_fixed)
          sums_add (&fixed[s], &fixed[(gsize) c * n_splits + s]);
      }
  if (with_fixed)
    {
      g_free (self->fixed_sums);
      self->fixed_sums = g_memdup2 (fixed, n_splits * sizeof (Sums));
      self->fixed_valid = TRUE;
      self->fixed_normalize = params->normalize;
      self->fixed_policy = params->empty_policy;
    }

  /* the counts: covered (up to a cut index) and missed entirely (from one) */
  {
    g_autofree guint64 *covered = g_new (guint64, n_splits);
    g_autofree guint64 *missed = g_new (guint64, n_splits);
    g_autofree guint64 *covered_at_fixed = g_new (guint64, n_splits);
    g_autofree guint64 *missed_at_fixed = g_new (guint64, n_splits);

    count_growing_set (self, last_covered, n, n_cuts, TRUE, cut_of, n_splits, covered);
    count_growing_set (self, first_missed, n, n_cuts, FALSE, cut_of, n_splits, missed);
    count_test_cases_in (self, covered_fixed, n_splits, covered_at_fixed);
    count_test_cases_in (self, missed_fixed, n_splits, missed_at_fixed);

    for (guint s = 0; s < n_splits; s++)
      {
        ClsSplitResult *sr = &result->splits[s];

        store_split (covered_at_fixed[s], missed_at_fixed[s], &self->fixed_sums[s], result->n_test,
                     &sr->ecr_fixed, &sr->fnr_fixed, &sr->pc_fixed, &sr->missed_fixed, &sr->fpr_fixed);
        store_split (covered[s], missed[s], &calibrated[s], result->n_test,
                     &sr->ecr_calibrated, &sr->fnr_calibrated, &sr->pc_calibrated,
                     &sr->missed_calibrated, &sr->fpr_calibrated);
        sr->n_eff = result->n_cal;
        no_lesions (sr);
      }
  }

  /* 4. lesion measures, when asked */
  if (eval->lesion_measures && cls_case_summaries_have_components (self->cases, self->n_cases))
    {
      result->lesion_measures = TRUE;
      add_lesion_measures (self, rows, n, params, result);
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
  g_clear_pointer (&self->params.weights, cls_weights_unref);
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

/**
 * cls_evaluation_get_n_infeasible:
 * @self: an evaluation
 *
 * Returns: the splits whose calibration part had no threshold with the
 *   guarantee (their test cases got the whole volume)
 */
guint
cls_evaluation_get_n_infeasible (const ClsEvaluation *self)
{
  return self->n_infeasible;
}

/**
 * cls_evaluation_has_theory:
 * @self: an evaluation
 *
 * Returns: whether the ECR theory (k / (n_cal + 1) and its beta-binomial
 *   band) applies: exact or bisect without strata or weights
 */
gboolean
cls_evaluation_has_theory (const ClsEvaluation *self)
{
  return self->theory;
}

/**
 * cls_evaluation_has_lesion_measures:
 * @self: an evaluation
 *
 * Returns: whether the splits hold lesion measures (else they are NaN)
 */
gboolean
cls_evaluation_has_lesion_measures (const ClsEvaluation *self)
{
  return self->lesion_measures;
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
 * A rank of 0 (no case need be covered) gives 0.
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
  /* Beta(0, b) is a point mass at 0 (and GSL's lnbeta aborts on it). */
  if (rank == 0)
    return 0.0;
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
