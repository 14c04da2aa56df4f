/* cls-weights.c
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <inttypes.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <gmp.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "cls-error.h"
#include "cls-weights.h"

#define MAX_WEIGHTS_BYTES (256u * 1024u * 1024u)

struct _ClsWeights
{
  gatomicrefcount ref_count;
  char       *path;
  GHashTable *index;    /* case id -> position + 1 in weights */
  GArray     *weights;  /* ClsFraction */
  guint64     den;      /* the largest denominator: one unit is 1 / den */
};

/**
 * cls_weights_new:
 *
 * Returns: (transfer full): an empty set of weights
 */
ClsWeights *
cls_weights_new (void)
{
  ClsWeights *self = g_new0 (ClsWeights, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->index = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->weights = g_array_new (FALSE, FALSE, sizeof (ClsFraction));
  self->den = 1;
  return self;
}

ClsWeights *
cls_weights_ref (ClsWeights *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
cls_weights_unref (ClsWeights *self)
{
  if (self == NULL || !g_atomic_ref_count_dec (&self->ref_count))
    return;
  g_free (self->path);
  g_hash_table_unref (self->index);
  g_array_unref (self->weights);
  g_free (self);
}

/* Whether @f counted in units of 1 / @den fits in 64 bits. */
static gboolean
fits_units (ClsFraction f,
            guint64     den)
{
  return (unsigned __int128) f.num * (den / f.den) <= G_MAXUINT64;
}

/**
 * cls_weights_add:
 * @self: weights
 * @case_id: a case
 * @weight: its weight, above 0
 * @error: return location for a #GError
 *
 * Returns: %FALSE when the weight is 0, the case has one already, or the
 *   weights' decimals together are too many for exact sums
 */
gboolean
cls_weights_add (ClsWeights  *self,
                 const char  *case_id,
                 ClsFraction  weight,
                 GError     **error)
{
  guint64 den = MAX (self->den, weight.den);

  if (weight.num == 0)
    {
      g_set_error (error, CLS_ERROR, CLS_ERROR_INVALID_ARGUMENT, _("the weight of %s is 0; weights must be positive"),
                   case_id);
      return FALSE;
    }
  if (g_hash_table_contains (self->index, case_id))
    {
      g_set_error (error, CLS_ERROR, CLS_ERROR_INVALID_ARGUMENT, _("%s has more than one weight"), case_id);
      return FALSE;
    }

  /* Every weight must stay a 64-bit count of units of 1 / den. */
  if (!fits_units (weight, den))
    goto too_many_digits;
  if (den != self->den)
    for (guint i = 0; i < self->weights->len; i++)
      if (!fits_units (g_array_index (self->weights, ClsFraction, i), den))
        goto too_many_digits;

  self->den = den;
  g_array_append_val (self->weights, weight);
  g_hash_table_insert (self->index, g_strdup (case_id), GUINT_TO_POINTER (self->weights->len));
  return TRUE;

too_many_digits:
  g_set_error (error, CLS_ERROR, CLS_ERROR_INVALID_ARGUMENT,
               _("the weight of %s cannot be added up exactly with the others (too many digits "
                 "before and after the point together); round the weights"), case_id);
  return FALSE;
}

static char *
csv_cell (const char *text)
{
  char *cell = g_strstrip (g_strdup (text));
  gsize len = strlen (cell);

  if (len >= 2 && cell[0] == '"' && cell[len - 1] == '"')
    {
      cell[len - 1] = '\0';
      memmove (cell, cell + 1, len - 1);
    }
  return cell;
}

/**
 * cls_weights_parse:
 * @path: the file's name, for messages
 * @text: (array length=length): its contents
 * @length: how many bytes
 * @error: return location for a #GError
 *
 * A CSV file with a header line naming the columns "case" and "weight"
 * (others are ignored) and one row per case; blank lines are skipped.
 *
 * Returns: (transfer full) (nullable): the weights
 */
ClsWeights *
cls_weights_parse (const char  *path,
                   const char  *text,
                   gsize        length,
                   GError     **error)
{
  g_autoptr(ClsWeights) self = cls_weights_new ();
  g_autofree char *copy = NULL;
  g_auto(GStrv) lines = NULL;
  int case_col = -1, weight_col = -1;
  gboolean header = TRUE;

  if (!g_utf8_validate (text, (gssize) length, NULL) || memchr (text, '\0', length) != NULL)
    {
      g_set_error (error, CLS_ERROR, CLS_ERROR_FORMAT, _("%s: not a CSV file of weights: it is not UTF-8 text"),
                   path);
      return NULL;
    }

  copy = g_strndup (text, length);
  lines = g_strsplit_set (copy, "\n", -1);
  for (guint l = 0; lines[l] != NULL; l++)
    {
      g_auto(GStrv) cells = NULL;
      g_autofree char *id = NULL;
      g_autofree char *value = NULL;
      g_autoptr(GError) local_error = NULL;
      ClsFraction w;
      guint n_cells;

      g_strchomp (lines[l]);  /* also a \r */
      if (*g_strstrip (lines[l]) == '\0')
        continue;
      cells = g_strsplit (lines[l], ",", -1);
      n_cells = g_strv_length (cells);

      if (header)
        {
          for (guint c = 0; c < n_cells; c++)
            {
              g_autofree char *name = csv_cell (cells[c]);

              if (g_ascii_strcasecmp (name, "case") == 0)
                case_col = (int) c;
              else if (g_ascii_strcasecmp (name, "weight") == 0)
                weight_col = (int) c;
            }
          if (case_col < 0 || weight_col < 0)
            {
              g_set_error (error, CLS_ERROR, CLS_ERROR_FORMAT,
                           _("%s: line %u: the first line must name the columns “case” and “weight”"),
                           path, l + 1);
              return NULL;
            }
          header = FALSE;
          continue;
        }

      if ((guint) MAX (case_col, weight_col) >= n_cells)
        {
          g_set_error (error, CLS_ERROR, CLS_ERROR_FORMAT, _("%s: line %u: %u fields, %u expected"),
                       path, l + 1, n_cells, (guint) MAX (case_col, weight_col) + 1);
          return NULL;
        }
      id = csv_cell (cells[case_col]);
      value = csv_cell (cells[weight_col]);
      if (*id == '\0')
        {
          g_set_error (error, CLS_ERROR, CLS_ERROR_FORMAT, _("%s: line %u: the case is empty"), path, l + 1);
          return NULL;
        }
      if (!cls_fraction_parse (value, &w, &local_error) || !cls_weights_add (self, id, w, &local_error))
        {
          g_set_error (error, CLS_ERROR, CLS_ERROR_FORMAT, _("%s: line %u: %s"), path, l + 1,
                       local_error != NULL ? local_error->message : "");
          return NULL;
        }
    }

  if (header || self->weights->len == 0)
    {
      g_set_error (error, CLS_ERROR, CLS_ERROR_FORMAT, _("%s: no weights (a header line “case,weight” and "
                                                         "one line per case are expected)"), path);
      return NULL;
    }

  self->path = g_strdup (path);
  return g_steal_pointer (&self);
}

/**
 * cls_weights_read:
 * @path: a CSV file
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the weights, see cls_weights_parse()
 */
ClsWeights *
cls_weights_read (const char  *path,
                  GError     **error)
{
  g_autofree char *contents = NULL;
  g_autoptr(GError) local_error = NULL;
  GStatBuf st;
  gsize length;

  /* Devices and pipes are refused before they are opened. */
  if (g_stat (path, &st) == 0 && (!S_ISREG (st.st_mode) || st.st_size > MAX_WEIGHTS_BYTES))
    {
      g_set_error (error, CLS_ERROR, CLS_ERROR_IO,
                   S_ISREG (st.st_mode) ? _("%s: too large for a file of weights")
                                        : _("%s: is not a regular file; weights must be a CSV file"), path);
      return NULL;
    }
  if (!g_file_get_contents (path, &contents, &length, &local_error))
    {
      g_set_error (error, CLS_ERROR, CLS_ERROR_IO, "%s", local_error->message);
      return NULL;
    }
  return cls_weights_parse (path, contents, length, error);
}

/**
 * cls_weights_get_path:
 * @self: weights
 *
 * Returns: (nullable): the file they were read from
 */
const char *
cls_weights_get_path (const ClsWeights *self)
{
  return self->path;
}

guint
cls_weights_get_n (const ClsWeights *self)
{
  return self->weights->len;
}

/**
 * cls_weights_lookup:
 * @self: weights
 * @case_id: a case
 * @units: (out) (optional): its weight in units of 10^-D (for the weights
 *   as they are now)
 *
 * Returns: whether @case_id has a weight
 */
gboolean
cls_weights_lookup (const ClsWeights *self,
                    const char       *case_id,
                    guint64          *units)
{
  guint at = GPOINTER_TO_UINT (g_hash_table_lookup (self->index, case_id));
  ClsFraction w;

  if (at == 0)
    return FALSE;
  w = g_array_index (self->weights, ClsFraction, at - 1);
  if (units != NULL)
    *units = w.num * (self->den / w.den);
  return TRUE;
}

double
cls_weights_units_to_double (const ClsWeights *self,
                             guint64           units)
{
  return (double) units / (double) self->den;
}

/**
 * cls_weights_n_eff:
 * @units: (array length=n): weights
 * @n: how many
 *
 * Returns: the effective sample size (Σ w)² / Σ w² (n for equal weights)
 */
double
cls_weights_n_eff (const guint64 *units,
                   guint          n)
{
  long double sum = 0, sq = 0, top = 1;

  for (guint i = 0; i < n; i++)
    top = MAX (top, (long double) units[i]);
  for (guint i = 0; i < n; i++)
    {
      long double w = units[i] / top;  /* scaled: no overflow in the squares */

      sum += w;
      sq += w * w;
    }
  return sq > 0 ? (double) (sum * sum / sq) : 0.0;
}

/* The weighted quantile
 * --------------------- */

typedef struct {
  double  key;
  guint64 units;
} Keyed;

struct _ClsWeightedQuantile
{
  guint               n;
  double             *keys;    /* sorted from largest */
  unsigned __int128  *prefix;  /* prefix[i]: the weight of keys[0..i] */
  guint64             max;
};

static int
compare_keyed_desc (const void *a,
                    const void *b)
{
  const Keyed *x = a, *y = b;
  return (x->key < y->key) - (x->key > y->key);
}

/**
 * cls_weighted_quantile_new:
 * @keys: (array length=n): the calibration cases' keys, larger is more
 *   permissive (the critical cuts c_i, or -t_i)
 * @units: (array length=n): their weights in units (cls_weights_lookup())
 * @n: how many, at least 1
 *
 * Returns: (transfer full): the weighted distribution of the keys, to ask
 *   for any alpha and test weight
 */
ClsWeightedQuantile *
cls_weighted_quantile_new (const double  *keys,
                           const guint64 *units,
                           guint          n)
{
  ClsWeightedQuantile *self = g_new0 (ClsWeightedQuantile, 1);
  g_autofree Keyed *pairs = g_new (Keyed, MAX (n, 1));
  unsigned __int128 sum = 0;

  for (guint i = 0; i < n; i++)
    {
      pairs[i] = (Keyed) { keys[i], units[i] };
      self->max = MAX (self->max, units[i]);
    }
  qsort (pairs, n, sizeof (Keyed), compare_keyed_desc);

  self->n = n;
  self->keys = g_new (double, MAX (n, 1));
  self->prefix = g_new (unsigned __int128, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    {
      sum += pairs[i].units;
      self->keys[i] = pairs[i].key;
      self->prefix[i] = sum;
    }
  return self;
}

void
cls_weighted_quantile_free (ClsWeightedQuantile *self)
{
  if (self == NULL)
    return;
  g_free (self->keys);
  g_free (self->prefix);
  g_free (self);
}

/**
 * cls_weighted_quantile_get_max:
 * @self: a weighted distribution
 *
 * Returns: the largest calibration weight (the conservative stand-in for a
 *   test case whose weight is not known)
 */
guint64
cls_weighted_quantile_get_max (const ClsWeightedQuantile *self)
{
  return self->max;
}

static void
mpz_set_u128 (mpz_t             z,
              unsigned __int128 v)
{
  mpz_set_ui (z, (unsigned long) (guint64) (v >> 64));
  mpz_mul_2exp (z, z, 64);
  mpz_add_ui (z, z, (unsigned long) (guint64) v);
}

/**
 * cls_weighted_quantile_key:
 * @self: a weighted distribution
 * @alpha: miscoverage level
 * @test_units: the test case's weight, in units
 * @key: (out): the key of the threshold
 *
 * The largest key κ with Σ_{i : key_i >= κ} w_i >= (1 - alpha)(W + w_test),
 * W = Σ w_i; on integers: the weight sum must reach
 * T = ceil((1 - alpha)(W + w_test)). With equal weights this is the k-th
 * largest key, k = ceil((1 - alpha)(n + 1)).
 *
 * Returns: %FALSE when even all calibration cases together fall short
 *   (then no key is set: the threshold is t̂ = 1)
 */
gboolean
cls_weighted_quantile_key (const ClsWeightedQuantile *self,
                           ClsFraction                alpha,
                           guint64                    test_units,
                           double                    *key)
{
  unsigned __int128 total = self->n > 0 ? self->prefix[self->n - 1] : 0;
  unsigned __int128 target;
  mpz_t t;
  guint lo = 0, hi = self->n;

  /* T = ceil((den - num) (W + w_test) / den) */
  mpz_init (t);
  mpz_set_u128 (t, total + test_units);
  mpz_mul_ui (t, t, (unsigned long) (alpha.den - alpha.num));
  mpz_cdiv_q_ui (t, t, (unsigned long) alpha.den);
  if (mpz_sizeinbase (t, 2) > 127)
    {
      mpz_clear (t);
      return FALSE;
    }
  {
    mpz_t high;

    mpz_init (high);
    mpz_tdiv_q_2exp (high, t, 64);
    target = (unsigned __int128) mpz_get_ui (high) << 64;
    mpz_tdiv_r_2exp (high, t, 64);
    target |= mpz_get_ui (high);
    mpz_clear (high);
  }
  mpz_clear (t);

  if (self->n == 0 || total < target)
    return FALSE;

  /* the first place where the running sum reaches T */
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (self->prefix[mid] >= target)
        hi = mid;
      else
        lo = mid + 1;
    }
  *key = self->keys[lo];
  return TRUE;
}
