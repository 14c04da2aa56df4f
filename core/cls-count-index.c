/* cls-count-index.c
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "cls-count-index.h"

struct _ClsCountIndex
{
  gsize    n_distinct;
  double  *values;    /* ascending, distinct */
  guint64 *count_ge;  /* count_ge[i] = how many voxels have p >= values[i]; count_ge[n] = 0 */
};

/* Non-negative IEEE numbers order like their bit patterns, so sorting keys
 * sorts values. While every value is a float32 we keep 4-byte keys; the first
 * value that is not switches the builder to 8-byte keys. Exact zeros, most of
 * a typical map, are only counted. */
struct _ClsCountIndexBuilder
{
  guint64  zeros;
  gboolean wide;
  gsize    len;
  gsize    cap;
  guint32 *keys32;
  guint64 *keys64;
};

ClsCountIndexBuilder *
cls_count_index_builder_new (void)
{
  return g_new0 (ClsCountIndexBuilder, 1);
}

void
cls_count_index_builder_free (ClsCountIndexBuilder *self)
{
  if (self == NULL)
    return;
  g_free (self->keys32);
  g_free (self->keys64);
  g_free (self);
}

static guint32
float_key (float f)
{
  guint32 k;
  memcpy (&k, &f, sizeof k);
  return k;
}

static float
key_float (guint32 k)
{
  float f;
  memcpy (&f, &k, sizeof f);
  return f;
}

static guint64
double_key (double d)
{
  guint64 k;
  memcpy (&k, &d, sizeof k);
  return k;
}

static double
key_double (guint64 k)
{
  double d;
  memcpy (&d, &k, sizeof d);
  return d;
}

static void
reserve (ClsCountIndexBuilder *self,
         gsize                 extra)
{
  gsize need = self->len + extra;

  if (need <= self->cap)
    return;

  self->cap = MAX (need, MAX (self->cap * 2, 4096));
  if (self->wide)
    self->keys64 = g_renew (guint64, self->keys64, self->cap);
  else
    self->keys32 = g_renew (guint32, self->keys32, self->cap);
}

static void
widen (ClsCountIndexBuilder *self)
{
  self->keys64 = g_new (guint64, MAX (self->cap, 1));
  for (gsize i = 0; i < self->len; i++)
    self->keys64[i] = double_key ((double) key_float (self->keys32[i]));
  g_clear_pointer (&self->keys32, g_free);
  self->wide = TRUE;
}

/**
 * cls_count_index_builder_add:
 * @self: a builder
 * @values: (array length=n): finite, non-negative values
 * @n: how many
 *
 * Adds voxel values. The caller has checked them (no NaN, nothing negative).
 */
void
cls_count_index_builder_add (ClsCountIndexBuilder *self,
                             const double         *values,
                             gsize                 n)
{
  reserve (self, n);

  for (gsize i = 0; i < n; i++)
    {
      double v = values[i];

      if (v == 0.0)
        {
          self->zeros++;
          continue;
        }

      g_assert (v > 0 && isfinite (v));

      if (!self->wide)
        {
          float f = (float) v;

          if ((double) f == v)
            {
              self->keys32[self->len++] = float_key (f);
              continue;
            }
          widen (self);
        }

      self->keys64[self->len++] = double_key (v);
    }
}

static void
radix_sort32 (guint32 *keys,
              gsize    n)
{
  g_autofree guint32 *tmp = g_new (guint32, MAX (n, 1));
  guint32 *src = keys, *dst = tmp;

  for (int shift = 0; shift < 32; shift += 11)
    {
      gsize count[2048] = { 0 };
      gsize sum = 0;

      for (gsize i = 0; i < n; i++)
        count[(src[i] >> shift) & 2047]++;
      if (count[(src[0] >> shift) & 2047] == n)
        continue;  /* every key has this digit: nothing to move */
      for (int b = 0; b < 2048; b++)
        {
          gsize c = count[b];
          count[b] = sum;
          sum += c;
        }
      for (gsize i = 0; i < n; i++)
        dst[count[(src[i] >> shift) & 2047]++] = src[i];

      { guint32 *t = src; src = dst; dst = t; }
    }

  if (src != keys)
    memcpy (keys, src, n * sizeof *keys);
}

static void
radix_sort64 (guint64 *keys,
              gsize    n)
{
  g_autofree guint64 *tmp = g_new (guint64, MAX (n, 1));
  guint64 *src = keys, *dst = tmp;

  for (int shift = 0; shift < 64; shift += 16)
    {
      g_autofree gsize *count = g_new0 (gsize, 65536);
      gsize sum = 0;

      for (gsize i = 0; i < n; i++)
        count[(src[i] >> shift) & 65535]++;
      if (count[(src[0] >> shift) & 65535] == n)
        continue;
      for (int b = 0; b < 65536; b++)
        {
          gsize c = count[b];
          count[b] = sum;
          sum += c;
        }
      for (gsize i = 0; i < n; i++)
        dst[count[(src[i] >> shift) & 65535]++] = src[i];

      { guint64 *t = src; src = dst; dst = t; }
    }

  if (src != keys)
    memcpy (keys, src, n * sizeof *keys);
}

static ClsCountIndex *
index_alloc (gsize n_distinct)
{
  ClsCountIndex *self = g_new0 (ClsCountIndex, 1);

  self->n_distinct = n_distinct;
  self->values = g_new (double, MAX (n_distinct, 1));
  self->count_ge = g_new0 (guint64, n_distinct + 1);

  return self;
}

/**
 * cls_count_index_builder_finish:
 * @self: a builder, emptied by this call
 *
 * Returns: (transfer full): the index of everything added
 */
ClsCountIndex *
cls_count_index_builder_finish (ClsCountIndexBuilder *self)
{
  g_autofree double *values = NULL;
  g_autofree guint64 *counts = NULL;
  gsize n_distinct = 0;
  gsize n = self->len;
  ClsCountIndex *index;

  values = g_new (double, n + 1);
  counts = g_new (guint64, n + 1);

  if (self->zeros > 0)
    {
      values[0] = 0.0;
      counts[0] = self->zeros;
      n_distinct = 1;
    }

  if (n > 0)
    {
      if (self->wide)
        radix_sort64 (self->keys64, n);
      else
        radix_sort32 (self->keys32, n);

      for (gsize i = 0; i < n;)
        {
          gsize j = i + 1;

          if (self->wide)
            {
              while (j < n && self->keys64[j] == self->keys64[i])
                j++;
              values[n_distinct] = key_double (self->keys64[i]);
            }
          else
            {
              while (j < n && self->keys32[j] == self->keys32[i])
                j++;
              values[n_distinct] = (double) key_float (self->keys32[i]);
            }
          counts[n_distinct] = j - i;
          n_distinct++;
          i = j;
        }
    }

  index = cls_count_index_new_from_runs (values, counts, n_distinct);

  g_clear_pointer (&self->keys32, g_free);
  g_clear_pointer (&self->keys64, g_free);
  self->len = self->cap = 0;
  self->zeros = 0;
  self->wide = FALSE;

  return index;
}

/**
 * cls_count_index_new_from_runs:
 * @values: (array length=n_distinct): distinct values, ascending
 * @counts: (array length=n_distinct): how many voxels hold each value
 * @n_distinct: how many values
 *
 * Returns: (transfer full): the index
 */
ClsCountIndex *
cls_count_index_new_from_runs (const double  *values,
                               const guint64 *counts,
                               gsize          n_distinct)
{
  ClsCountIndex *self = index_alloc (n_distinct);
  guint64 sum = 0;

  for (gsize i = n_distinct; i > 0; i--)
    {
      g_return_val_if_fail (i == n_distinct || values[i - 1] < values[i], self);
      sum += counts[i - 1];
      self->values[i - 1] = values[i - 1];
      self->count_ge[i - 1] = sum;
    }

  return self;
}

void
cls_count_index_free (ClsCountIndex *self)
{
  if (self == NULL)
    return;
  g_free (self->values);
  g_free (self->count_ge);
  g_free (self);
}

guint64
cls_count_index_get_total (const ClsCountIndex *self)
{
  return self->count_ge[0];
}

gsize
cls_count_index_get_n_distinct (const ClsCountIndex *self)
{
  return self->n_distinct;
}

double
cls_count_index_get_value (const ClsCountIndex *self,
                           gsize                i)
{
  g_return_val_if_fail (i < self->n_distinct, NAN);
  return self->values[i];
}

guint64
cls_count_index_get_count (const ClsCountIndex *self,
                           gsize                i)
{
  g_return_val_if_fail (i < self->n_distinct, 0);
  return self->count_ge[i] - self->count_ge[i + 1];
}

gsize
cls_count_index_get_memory_size (const ClsCountIndex *self)
{
  return sizeof *self + self->n_distinct * sizeof (double) +
         (self->n_distinct + 1) * sizeof (guint64);
}

/**
 * cls_count_index_count_at_least:
 * @self: an index
 * @map: (nullable): a monotone map applied to stored values first
 * @cut: the probability cut c
 *
 * Returns: exactly how many voxels have map(p) >= @cut
 */
guint64
cls_count_index_count_at_least (const ClsCountIndex *self,
                                const ClsValueMap   *map,
                                double               cut)
{
  gsize lo = 0, hi = self->n_distinct;

  /* First index whose (mapped) value is >= cut. */
  while (lo < hi)
    {
      gsize mid = lo + (hi - lo) / 2;

      if (cls_value_map_apply (map, self->values[mid]) >= cut)
        hi = mid;
      else
        lo = mid + 1;
    }

  return self->count_ge[lo];
}
