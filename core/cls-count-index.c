/* cls-count-index.c
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cls-count-index.h"
#include "cls-double-bits.h"

struct _ClsCountIndex
{
  gsize    hint;      /* where the last search ended (see cls_sorted_first_near()) */
  gsize    n_distinct;
  gboolean f32;       /* values are floats (else doubles) */
  gboolean c32;       /* count_ge are guint32 (else guint64) */
  gpointer values;    /* ascending, distinct */
  gpointer count_ge;  /* count_ge[i] = voxels with p >= values[i]; count_ge[n] = 0 */
};

/* Bit patterns
 * ------------
 *
 * Non-negative IEEE numbers order like their bit patterns, so sorting bit
 * patterns sorts values, and a hash of the pattern counts distinct values
 * (cls-double-bits.h). */

static inline gboolean
is_float32 (double v)
{
  return (double) (float) v == v;
}

/* LSD radix sorts on 11-bit digits; a digit that every key shares is
 * skipped, so float32 values widened to doubles cost as little as floats. */
#define RADIX_BITS 11
#define RADIX_SIZE (1u << RADIX_BITS)

#define DEFINE_RADIX_SORT(name, type, key_of, nbits)                           \
static void                                                                   \
name (type  *items,                                                           \
      gsize  n)                                                               \
{                                                                             \
  g_autofree type *tmp = NULL;                                                \
  g_autofree gsize *count = NULL;                                             \
  type *src = items, *dst;                                                    \
                                                                              \
  if (n < 2)                                                                  \
    return;                                                                   \
  tmp = g_new (type, n);                                                      \
  count = g_new (gsize, RADIX_SIZE);                                          \
  dst = tmp;                                                                  \
                                                                              \
  for (guint shift = 0; shift < (nbits); shift += RADIX_BITS)                 \
    {                                                                         \
      gsize sum = 0;                                                          \
                                                                              \
      memset (count, 0, RADIX_SIZE * sizeof *count);                          \
      for (gsize i = 0; i < n; i++)                                           \
        count[(key_of (src[i]) >> shift) & (RADIX_SIZE - 1)]++;               \
      if (count[(key_of (src[0]) >> shift) & (RADIX_SIZE - 1)] == n)          \
        continue;                                                             \
      for (guint b = 0; b < RADIX_SIZE; b++)                                  \
        {                                                                     \
          gsize c = count[b];                                                 \
          count[b] = sum;                                                     \
          sum += c;                                                           \
        }                                                                     \
      for (gsize i = 0; i < n; i++)                                           \
        dst[count[(key_of (src[i]) >> shift) & (RADIX_SIZE - 1)]++] = src[i]; \
                                                                              \
      { type *t = src; src = dst; dst = t; }                                  \
    }                                                                         \
                                                                              \
  if (src != items)                                                           \
    memcpy (items, src, n * sizeof *items);                                   \
}

#define KEY_SELF(x) (x)
#define KEY_OF_SLOT(x) ((x).key)

typedef struct {
  guint64 key;
  guint64 count;
} Slot;

DEFINE_RADIX_SORT (radix_sort32, guint32, KEY_SELF, 32)
DEFINE_RADIX_SORT (radix_sort64, guint64, KEY_SELF, 64)
DEFINE_RADIX_SORT (radix_sort_slots, Slot, KEY_OF_SLOT, 64)

static int
compare_double_asc (const void *a,
                    const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static int
compare_float_asc (const void *a,
                   const void *b)
{
  float x = *(const float *) a, y = *(const float *) b;
  return (x > y) - (x < y);
}

/**
 * cls_sort_probabilities:
 * @values: (array length=n): floats (or doubles when @wide)
 * @n: how many
 * @wide: whether @values are doubles
 * @descending: largest first
 *
 * Sorts probabilities in place. -0.0 becomes 0.0. Non-negative values are
 * sorted by their bit patterns (a radix sort, linear time); anything else
 * (negative, NaN) falls back to a comparison sort.
 */
void
cls_sort_probabilities (gpointer values,
                        gsize    n,
                        gboolean wide,
                        gboolean descending)
{
  gboolean radix = TRUE;

  if (wide)
    {
      double *v = values;

      for (gsize i = 0; i < n; i++)
        {
          if (v[i] == 0.0)
            v[i] = 0.0;
          radix &= v[i] >= 0.0;
        }
      if (radix)
        radix_sort64 ((guint64 *) v, n);
      else
        qsort (v, n, sizeof *v, compare_double_asc);
      if (descending)
        for (gsize i = 0; i < n / 2; i++)
          {
            double t = v[i];
            v[i] = v[n - 1 - i];
            v[n - 1 - i] = t;
          }
    }
  else
    {
      float *v = values;

      for (gsize i = 0; i < n; i++)
        {
          if (v[i] == 0.0f)
            v[i] = 0.0f;
          radix &= v[i] >= 0.0f;
        }
      if (radix)
        radix_sort32 ((guint32 *) v, n);
      else
        qsort (v, n, sizeof *v, compare_float_asc);
      if (descending)
        for (gsize i = 0; i < n / 2; i++)
          {
            float t = v[i];
            v[i] = v[n - 1 - i];
            v[n - 1 - i] = t;
          }
    }
}

/* The builder
 * -----------
 *
 * Exact zeros, most of a typical map, are only counted. Other values go to
 * an open-addressing hash table of bit pattern -> count: a real map holds a
 * few thousand to a few tens of thousands of distinct values, so the table
 * stays in the CPU cache and each voxel costs one probe. Float32 values (the
 * common case) have their own table of 8-byte slots; other values a table of
 * doubles. Should a map hold more than SPILL_DISTINCT distinct values (noise,
 * float64 data), values not yet in a table are appended to a list that is
 * radix-sorted at the end, as 4-byte keys while every one is a float32. */

#define SPILL_DISTINCT (1u << 20)

#define SIGN_BIT32 0x80000000u

typedef struct {
  guint32 key;
  guint32 count;   /* wraps: every wrap is noted in carries */
} Slot32;

struct _ClsCountIndexBuilder
{
  guint64  zeros;

  Slot32  *slots32;   /* key 0 marks an empty slot (0.0 is never stored) */
  guint    bits32;    /* log2 of the capacity */
  gsize    used32;
  GArray  *carries;   /* guint32 keys whose count wrapped past 2^32 - 1 */

  Slot    *slots64;
  guint    bits64;
  gsize    used64;

  gboolean spilled;
  gboolean wide;      /* spill keys are doubles */
  gsize    len;
  gsize    spill_cap;
  guint32 *keys32;
  guint64 *keys64;
};

#define INITIAL_BITS 12

ClsCountIndexBuilder *
cls_count_index_builder_new (void)
{
  ClsCountIndexBuilder *self = g_new0 (ClsCountIndexBuilder, 1);

  self->bits32 = INITIAL_BITS;
  self->slots32 = g_new0 (Slot32, (gsize) 1 << self->bits32);
  self->bits64 = INITIAL_BITS;
  self->slots64 = g_new0 (Slot, (gsize) 1 << self->bits64);
  return self;
}

void
cls_count_index_builder_free (ClsCountIndexBuilder *self)
{
  if (self == NULL)
    return;
  g_free (self->slots32);
  g_free (self->slots64);
  if (self->carries != NULL)
    g_array_unref (self->carries);
  g_free (self->keys32);
  g_free (self->keys64);
  g_free (self);
}

static inline gsize
hash32 (guint32 key,
        guint   bits)
{
  return (gsize) ((guint32) (key * 0x9E3779B1u) >> (32 - bits));
}

static inline gsize
hash64 (guint64 key,
        guint   bits)
{
  return (gsize) ((key * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15)) >> (64 - bits));
}

/* Doubles the capacity of a table and moves its entries. */
#define DEFINE_GROW(name, type, slots, bits, hash)                            \
static void                                                                   \
name (ClsCountIndexBuilder *self)                                             \
{                                                                             \
  type *old = self->slots;                                                    \
  gsize old_cap = (gsize) 1 << self->bits;                                    \
  gsize mask;                                                                 \
                                                                              \
  self->bits++;                                                               \
  self->slots = g_new0 (type, (gsize) 1 << self->bits);                       \
  mask = ((gsize) 1 << self->bits) - 1;                                       \
                                                                              \
  for (gsize i = 0; i < old_cap; i++)                                         \
    if (old[i].key != 0)                                                      \
      {                                                                       \
        gsize j = hash (old[i].key, self->bits);                              \
                                                                              \
        while (self->slots[j].key != 0)                                       \
          j = (j + 1) & mask;                                                 \
        self->slots[j] = old[i];                                              \
      }                                                                       \
                                                                              \
  g_free (old);                                                               \
}

DEFINE_GROW (grow32, Slot32, slots32, bits32, hash32)
DEFINE_GROW (grow64, Slot, slots64, bits64, hash64)

static void
spill_reserve (ClsCountIndexBuilder *self)
{
  if (self->len < self->spill_cap)
    return;
  self->spill_cap = MAX (self->spill_cap * 2, 65536);
  if (self->wide)
    self->keys64 = g_renew (guint64, self->keys64, self->spill_cap);
  else
    self->keys32 = g_renew (guint32, self->keys32, self->spill_cap);
}

static void
spill_widen (ClsCountIndexBuilder *self)
{
  self->keys64 = g_new (guint64, MAX (self->spill_cap, 1));
  for (gsize i = 0; i < self->len; i++)
    self->keys64[i] = cls_double_to_bits ((double) cls_bits_to_float (self->keys32[i]));
  g_clear_pointer (&self->keys32, g_free);
  self->wide = TRUE;
}

static G_GNUC_NO_INLINE void
spill32 (ClsCountIndexBuilder *self,
         guint32               key)
{
  spill_reserve (self);
  if (self->wide)
    self->keys64[self->len++] = cls_double_to_bits ((double) cls_bits_to_float (key));
  else
    self->keys32[self->len++] = key;
}

static G_GNUC_NO_INLINE void
spill64 (ClsCountIndexBuilder *self,
         guint64               key)
{
  spill_reserve (self);
  if (!self->wide)
    spill_widen (self);
  self->keys64[self->len++] = key;
}

static inline gboolean
room_for_new (ClsCountIndexBuilder *self)
{
  if (self->used32 + self->used64 >= SPILL_DISTINCT)
    self->spilled = TRUE;
  return !self->spilled;
}

static G_GNUC_NO_INLINE void
carry32 (ClsCountIndexBuilder *self,
         guint32               key)
{
  if (self->carries == NULL)
    self->carries = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_array_append_val (self->carries, key);
}

/* Counts the keys that are in the table already, in one tight loop. It stops
 * at the first key that is not there (*@slot: the empty slot where it goes)
 * or whose count wraps (*@slot: its slot), and returns that key's position;
 * @n when every key was counted. */
static gsize
count_present32 (Slot32      *restrict slots,
                 guint                 bits,
                 const float *restrict values,
                 gsize                 n,
                 gsize                *slot)
{
  gsize mask = ((gsize) 1 << bits) - 1;

  for (gsize i = 0; i < n; i++)
    {
      guint32 key = cls_float_to_bits (values[i]);
      gsize j = hash32 (key, bits);

      for (;; j = (j + 1) & mask)
        {
          if (G_LIKELY (slots[j].key == key))
            {
              if (G_UNLIKELY (++slots[j].count == 0))
                {
                  *slot = j;
                  return i;
                }
              break;
            }
          if (slots[j].key == 0)
            {
              *slot = j;
              return i;
            }
        }
    }

  return n;
}

/* Counts float values (zeros too, though a caller that has them in bulk
 * should count them itself). */
static void
add_floats (ClsCountIndexBuilder *self,
            const float          *values,
            gsize                 n)
{
  gsize i = 0;

  while (i < n)
    {
      gsize j = 0;
      guint32 key;

      i += count_present32 (self->slots32, self->bits32, values + i, n - i, &j);
      if (i == n)
        break;

      key = cls_float_to_bits (values[i++]);
      if ((key & ~SIGN_BIT32) == 0)
        self->zeros++;  /* 0.0 or -0.0, never stored */
      else if (self->slots32[j].key == key)
        carry32 (self, key);  /* counted; its count wrapped */
      else if (!room_for_new (self))
        spill32 (self, key);
      else
        {
          self->slots32[j].key = key;
          self->slots32[j].count = 1;
          if (++self->used32 * 10 > ((gsize) 7 << self->bits32))
            grow32 (self);
        }
    }
}

static void
insert64 (ClsCountIndexBuilder *self,
          guint64               key)
{
  gsize mask = ((gsize) 1 << self->bits64) - 1;
  gsize j = hash64 (key, self->bits64);

  for (;; j = (j + 1) & mask)
    {
      Slot *s = &self->slots64[j];

      if (s->key == key)
        {
          s->count++;
          return;
        }
      if (s->key == 0)
        break;
    }

  if (!room_for_new (self))
    {
      spill64 (self, key);
      return;
    }
  self->slots64[j].key = key;
  self->slots64[j].count = 1;
  if (++self->used64 * 10 > ((gsize) 7 << self->bits64))
    grow64 (self);
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
  for (gsize i = 0; i < n; i++)
    {
      double v = values[i];

      if (v == 0.0)
        {
          self->zeros++;
          continue;
        }
      g_assert (v > 0 && isfinite (v));
      if (is_float32 (v))
        {
          float f = (float) v;
          add_floats (self, &f, 1);
        }
      else
        insert64 (self, cls_double_to_bits (v));
    }
}

/**
 * cls_count_index_builder_add_floats:
 * @self: a builder
 * @values: (array length=n): finite, non-negative values
 * @n: how many
 *
 * Like cls_count_index_builder_add(), for float32 values.
 */
void
cls_count_index_builder_add_floats (ClsCountIndexBuilder *self,
                                    const float          *values,
                                    gsize                 n)
{
  add_floats (self, values, n);
}

/**
 * cls_count_index_builder_add_zeros:
 * @self: a builder
 * @n: how many
 *
 * Adds @n voxels with the value 0.
 */
void
cls_count_index_builder_add_zeros (ClsCountIndexBuilder *self,
                                   guint64               n)
{
  self->zeros += n;
}

/* The bytes of an index of @n_distinct values, header and arrays. */
static gsize
index_layout (gsize     n_distinct,
              gboolean  f32,
              gboolean  c32,
              gsize    *head,
              gsize    *vsize)
{
  gsize csize = (n_distinct + 1) * (c32 ? sizeof (guint32) : sizeof (guint64));

  *head = (sizeof (ClsCountIndex) + 15) & ~(gsize) 15;
  *vsize = (n_distinct * (f32 ? sizeof (float) : sizeof (double)) + 15) & ~(gsize) 15;
  return *head + *vsize + csize;
}

static ClsCountIndex *
index_init (guint8   *block,
            gsize     n_distinct,
            gboolean  f32,
            gboolean  c32)
{
  ClsCountIndex *self = (ClsCountIndex *) block;
  gsize head, vsize;

  index_layout (n_distinct, f32, c32, &head, &vsize);
  self->hint = 0;
  self->n_distinct = n_distinct;
  self->f32 = f32;
  self->c32 = c32;
  self->values = block + head;
  self->count_ge = block + head + vsize;
  return self;
}

static ClsCountIndex *
index_alloc (gsize    n_distinct,
             gboolean f32,
             gboolean c32)
{
  gsize head, vsize;

  return index_init (g_malloc (index_layout (n_distinct, f32, c32, &head, &vsize)), n_distinct, f32, c32);
}

/**
 * cls_count_index_get_block_size:
 * @self: an index
 *
 * Returns: the bytes cls_count_index_copy_to() needs
 */
gsize
cls_count_index_get_block_size (const ClsCountIndex *self)
{
  gsize head, vsize;

  return index_layout (self->n_distinct, self->f32, self->c32, &head, &vsize);
}

/**
 * cls_count_index_copy_to:
 * @self: an index
 * @block: cls_count_index_get_block_size() bytes, 16-byte aligned
 *
 * Copies @self into memory that a container owns (a case summary keeps its
 * index next to itself, so that a loop over many cases touches fewer
 * places). The copy lives as long as @block; never give it to
 * cls_count_index_free().
 *
 * Returns: (transfer none): the copy
 */
ClsCountIndex *
cls_count_index_copy_to (const ClsCountIndex *self,
                         gpointer             block)
{
  ClsCountIndex *copy = index_init (block, self->n_distinct, self->f32, self->c32);

  memcpy (copy->values, self->values, self->n_distinct * (self->f32 ? sizeof (float) : sizeof (double)));
  memcpy (copy->count_ge, self->count_ge, (self->n_distinct + 1) * (self->c32 ? sizeof (guint32) : sizeof (guint64)));
  return copy;
}

static inline double
value_at (const ClsCountIndex *self,
          gsize                i)
{
  return self->f32 ? (double) ((const float *) self->values)[i]
                   : ((const double *) self->values)[i];
}

static inline guint64
count_ge_at (const ClsCountIndex *self,
             gsize                i)
{
  return self->c32 ? ((const guint32 *) self->count_ge)[i]
                   : ((const guint64 *) self->count_ge)[i];
}

/* Fills an index from ascending distinct values and their counts. */
static ClsCountIndex *
index_from_runs (gsize            n_distinct,
                 double         (*get_value) (gconstpointer runs, gsize i),
                 guint64        (*get_count) (gconstpointer runs, gsize i),
                 gconstpointer    runs)
{
  ClsCountIndex *self;
  gboolean f32 = TRUE;
  guint64 total = 0;

  for (gsize i = 0; i < n_distinct; i++)
    {
      f32 &= is_float32 (get_value (runs, i));
      total += get_count (runs, i);
    }

  self = index_alloc (n_distinct, f32, total <= G_MAXUINT32);

  {
    guint64 sum = 0;

    if (self->c32)
      ((guint32 *) self->count_ge)[n_distinct] = 0;
    else
      ((guint64 *) self->count_ge)[n_distinct] = 0;

    for (gsize i = n_distinct; i > 0; i--)
      {
        double v = get_value (runs, i - 1);

        sum += get_count (runs, i - 1);
        if (self->f32)
          ((float *) self->values)[i - 1] = (float) v;
        else
          ((double *) self->values)[i - 1] = v;
        if (self->c32)
          ((guint32 *) self->count_ge)[i - 1] = (guint32) sum;
        else
          ((guint64 *) self->count_ge)[i - 1] = sum;
      }
  }

  return self;
}

static double
slot_value (gconstpointer runs,
            gsize         i)
{
  return cls_bits_to_double (((const Slot *) runs)[i].key);
}

static guint64
slot_count (gconstpointer runs,
            gsize         i)
{
  return ((const Slot *) runs)[i].count;
}

/* Appends the spill keys, run-length coded, to @out. */
static void
append_spill_runs (ClsCountIndexBuilder *self,
                   GArray               *out)
{
  gsize n = self->len;

  if (self->wide)
    radix_sort64 (self->keys64, n);
  else
    radix_sort32 (self->keys32, n);

  for (gsize i = 0; i < n;)
    {
      gsize j = i + 1;
      Slot s;

      if (self->wide)
        {
          while (j < n && self->keys64[j] == self->keys64[i])
            j++;
          s.key = self->keys64[i];
        }
      else
        {
          while (j < n && self->keys32[j] == self->keys32[i])
            j++;
          s.key = cls_double_to_bits ((double) cls_bits_to_float (self->keys32[i]));
        }
      s.count = j - i;
      g_array_append_val (out, s);
      i = j;
    }
}

/* Adds 2^32 to the count of every float key that wrapped, once per wrap. */
static void
apply_carries (ClsCountIndexBuilder *self,
               guint64              *extra)
{
  gsize mask = ((gsize) 1 << self->bits32) - 1;

  for (guint c = 0; self->carries != NULL && c < self->carries->len; c++)
    {
      guint32 key = g_array_index (self->carries, guint32, c);
      gsize j = hash32 (key, self->bits32);

      while (self->slots32[j].key != key)
        j = (j + 1) & mask;
      extra[j] += G_GUINT64_CONSTANT (1) << 32;
    }
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
  gsize cap32 = (gsize) 1 << self->bits32, cap64 = (gsize) 1 << self->bits64;
  g_autoptr(GArray) runs = g_array_sized_new (FALSE, FALSE, sizeof (Slot),
                                              self->used32 + self->used64 + 1);
  g_autofree guint64 *extra = g_new0 (guint64, self->carries != NULL ? cap32 : 1);
  ClsCountIndex *index;
  guint first;

  if (self->zeros > 0)
    {
      Slot zero = { 0, self->zeros };
      g_array_append_val (runs, zero);
    }
  first = runs->len;

  if (self->carries != NULL)
    apply_carries (self, extra);
  for (gsize i = 0; i < cap32; i++)
    if (self->slots32[i].key != 0)
      {
        Slot s = { cls_double_to_bits ((double) cls_bits_to_float (self->slots32[i].key)),
                   self->slots32[i].count + (self->carries != NULL ? extra[i] : 0) };
        g_array_append_val (runs, s);
      }
  for (gsize i = 0; i < cap64; i++)
    if (self->slots64[i].key != 0)
      g_array_append_val (runs, self->slots64[i]);
  if (self->spilled)
    append_spill_runs (self, runs);

  /* The tables and the spill list hold different values: sorting is all. */
  radix_sort_slots (&g_array_index (runs, Slot, first), runs->len - first);
  index = index_from_runs (runs->len, slot_value, slot_count, runs->data);

  /* Empty again, ready for reuse. */
  memset (self->slots32, 0, cap32 * sizeof (Slot32));
  memset (self->slots64, 0, cap64 * sizeof (Slot));
  self->used32 = self->used64 = 0;
  self->zeros = 0;
  self->spilled = FALSE;
  self->wide = FALSE;
  self->len = self->spill_cap = 0;
  g_clear_pointer (&self->carries, g_array_unref);
  g_clear_pointer (&self->keys32, g_free);
  g_clear_pointer (&self->keys64, g_free);

  return index;
}

typedef struct {
  const double  *values;
  const guint64 *counts;
} Runs;

static double
runs_value (gconstpointer runs,
            gsize         i)
{
  return ((const Runs *) runs)->values[i];
}

static guint64
runs_count (gconstpointer runs,
            gsize         i)
{
  return ((const Runs *) runs)->counts[i];
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
  Runs runs = { values, counts };

  for (gsize i = 1; i < n_distinct; i++)
    g_return_val_if_fail (values[i - 1] < values[i], index_from_runs (0, runs_value, runs_count, &runs));

  return index_from_runs (n_distinct, runs_value, runs_count, &runs);
}

void
cls_count_index_free (ClsCountIndex *self)
{
  g_free (self);
}

guint64
cls_count_index_get_total (const ClsCountIndex *self)
{
  return count_ge_at (self, 0);
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
  return value_at (self, i);
}

guint64
cls_count_index_get_count (const ClsCountIndex *self,
                           gsize                i)
{
  g_return_val_if_fail (i < self->n_distinct, 0);
  return count_ge_at (self, i) - count_ge_at (self, i + 1);
}

/**
 * cls_count_index_is_float32:
 * @self: an index
 *
 * Returns: whether every value is a float32
 */
gboolean
cls_count_index_is_float32 (const ClsCountIndex *self)
{
  return self->f32;
}

gsize
cls_count_index_get_memory_size (const ClsCountIndex *self)
{
  return sizeof *self + self->n_distinct * (self->f32 ? sizeof (float) : sizeof (double)) +
         (self->n_distinct + 1) * (self->c32 ? sizeof (guint32) : sizeof (guint64));
}

/* Searching
 * ---------
 *
 * first_*: the first index i >= from of a sorted array v[0..n) where a
 * monotone test holds (false ... false, true ... true), when it fails for
 * every j < from. From a non-zero start it gallops (1, 2, 4, ... ahead), so
 * a cut that moved a little costs a few probes; then a branch-free binary
 * search. The tests are written so that a NaN cut behaves as before. */

#define DEFINE_FIRST(name, type, TEST)                                        \
static gsize                                                                  \
name (const type        *v,                                                   \
      gsize              n,                                                   \
      const ClsValueMap *map,                                                 \
      double             cut,                                                 \
      gsize              from)                                                \
{                                                                             \
  gsize base = from, len = n - from;                                          \
                                                                              \
  if (from > 0)                                                               \
    {                                                                         \
      gsize step = 1;                                                         \
                                                                              \
      while (step <= n - base && !(TEST (v[base + step - 1])))                \
        {                                                                     \
          base += step;                                                       \
          step *= 2;                                                          \
        }                                                                     \
      len = step <= n - base ? step - 1 : n - base;                           \
    }                                                                         \
                                                                              \
  if (len == 0)                                                               \
    return base;                                                              \
  while (len > 1)                                                             \
    {                                                                         \
      gsize half = len / 2;                                                   \
      base = !(TEST (v[base + half])) ? base + half : base;                   \
      len -= half;                                                            \
    }                                                                         \
  return base + !(TEST (v[base]));                                            \
}

#define MAPPED(x) cls_value_map_apply (map, (double) (x))

#define AT_LEAST(x) ((double) (x) >= cut)
#define BELOW(x) (!((double) (x) >= cut))
#define NOT_ABOVE(x) (!((double) (x) > cut))
#define AT_LEAST_MAPPED(x) (MAPPED (x) >= cut)
#define BELOW_MAPPED(x) (!(MAPPED (x) >= cut))
#define NOT_ABOVE_MAPPED(x) (!(MAPPED (x) > cut))

DEFINE_FIRST (first_at_least_f32, float, AT_LEAST)
DEFINE_FIRST (first_at_least_f64, double, AT_LEAST)
DEFINE_FIRST (first_below_f32, float, BELOW)
DEFINE_FIRST (first_below_f64, double, BELOW)
DEFINE_FIRST (first_not_above_f32, float, NOT_ABOVE)
DEFINE_FIRST (first_not_above_f64, double, NOT_ABOVE)
DEFINE_FIRST (first_at_least_f32_map, float, AT_LEAST_MAPPED)
DEFINE_FIRST (first_at_least_f64_map, double, AT_LEAST_MAPPED)
DEFINE_FIRST (first_below_f32_map, float, BELOW_MAPPED)
DEFINE_FIRST (first_below_f64_map, double, BELOW_MAPPED)
DEFINE_FIRST (first_not_above_f32_map, float, NOT_ABOVE_MAPPED)
DEFINE_FIRST (first_not_above_f64_map, double, NOT_ABOVE_MAPPED)

typedef gsize (*FirstFunc) (gconstpointer, gsize, const ClsValueMap *, double, gsize);

/* [test][mapped][wide] */
static const FirstFunc first_funcs[3][2][2] = {
  { { (FirstFunc) first_at_least_f32, (FirstFunc) first_at_least_f64 },
    { (FirstFunc) first_at_least_f32_map, (FirstFunc) first_at_least_f64_map } },
  { { (FirstFunc) first_below_f32, (FirstFunc) first_below_f64 },
    { (FirstFunc) first_below_f32_map, (FirstFunc) first_below_f64_map } },
  { { (FirstFunc) first_not_above_f32, (FirstFunc) first_not_above_f64 },
    { (FirstFunc) first_not_above_f32_map, (FirstFunc) first_not_above_f64_map } },
};

/**
 * cls_sorted_first:
 * @values: (array length=n): floats, or doubles when @wide
 * @wide: whether @values are doubles
 * @n: how many
 * @test: what to look for; @values must be sorted so that it fails for a
 *   first part and holds for the rest (ascending for
 *   %CLS_FIRST_AT_LEAST, descending for the others)
 * @map: (nullable): a monotone map applied to the values first
 * @cut: the probability cut
 * @from: a start: the test fails below index @from (0 if unknown)
 *
 * Returns: the first index at which @test holds, or @n
 */
gsize
cls_sorted_first (gconstpointer      values,
                  gboolean           wide,
                  gsize              n,
                  ClsSortedTest      test,
                  const ClsValueMap *map,
                  double             cut,
                  gsize              from)
{
  g_return_val_if_fail ((guint) test <= CLS_FIRST_NOT_ABOVE, n);
  g_return_val_if_fail (from <= n, n);

  return first_funcs[test][!cls_value_map_is_identity (map)][wide != FALSE] (values, n, map, cut, from);
}

/* Whether @test holds for values[i]. */
static inline gboolean
test_at (gconstpointer      values,
         gboolean           wide,
         gsize              i,
         ClsSortedTest      test,
         const ClsValueMap *map,
         double             cut)
{
  double v = cls_value_map_apply (map, wide ? ((const double *) values)[i]
                                            : (double) ((const float *) values)[i]);

  switch (test)
    {
    case CLS_FIRST_AT_LEAST:
      return v >= cut;
    case CLS_FIRST_BELOW:
      return !(v >= cut);
    case CLS_FIRST_NOT_ABOVE:
    default:
      return !(v > cut);
    }
}

/**
 * cls_sorted_first_near:
 * @values: (array length=n): floats, or doubles when @wide
 * @wide: whether @values are doubles
 * @n: how many
 * @test: what to look for, as for cls_sorted_first()
 * @map: (nullable): a monotone map applied to the values first
 * @cut: the probability cut
 * @hint: where the answer probably is (any index in [0, @n])
 *
 * Like cls_sorted_first(), galloping out from @hint in whichever direction
 * the answer lies: a cut that moved a little since the search that gave
 * @hint costs a few probes in memory that is likely still cached.
 *
 * Returns: the first index at which @test holds, or @n
 */
gsize
cls_sorted_first_near (gconstpointer      values,
                       gboolean           wide,
                       gsize              n,
                       ClsSortedTest      test,
                       const ClsValueMap *map,
                       double             cut,
                       gsize              hint)
{
  gsize hi, step = 1;

  hint = MIN (hint, n);
  if (hint < n && !test_at (values, wide, hint, test, map, cut))
    return cls_sorted_first (values, wide, n, test, map, cut, hint + 1);

  /* The answer is at or below hint: gallop down to a value that fails. */
  hi = hint;
  while (hi > 0)
    {
      gsize probe = hi > step ? hi - step : 0;

      if (!test_at (values, wide, probe, test, map, cut))
        return cls_sorted_first (values, wide, hi, test, map, cut, probe + 1);
      hi = probe;
      step *= 2;
    }
  return 0;
}

static inline gsize
load_hint (const gsize *hint)
{
  return __atomic_load_n (hint, __ATOMIC_RELAXED);
}

static inline void
store_hint (const gsize *hint,
            gsize        value)
{
  /* Only a starting point for the next search: any value is correct, so
   * threads may race here. */
  if (load_hint (hint) != value)
    __atomic_store_n ((gsize *) hint, value, __ATOMIC_RELAXED);
}

/**
 * cls_count_index_lower_bound:
 * @self: an index
 * @map: (nullable): a monotone map applied to stored values first
 * @cut: the probability cut c
 * @from: a start: every value below index @from maps below @cut (0 if
 *   unknown: the search then starts where the last one ended)
 *
 * Returns: the first index whose (mapped) value is >= @cut, or the number
 *   of distinct values if there is none
 */
gsize
cls_count_index_lower_bound (const ClsCountIndex *self,
                             const ClsValueMap   *map,
                             double               cut,
                             gsize                from)
{
  gsize lb;

  g_return_val_if_fail (from <= self->n_distinct, self->n_distinct);

  if (from > 0)
    return cls_sorted_first (self->values, !self->f32, self->n_distinct, CLS_FIRST_AT_LEAST,
                             map, cut, from);

  lb = cls_sorted_first_near (self->values, !self->f32, self->n_distinct, CLS_FIRST_AT_LEAST,
                              map, cut, load_hint (&self->hint));
  store_hint (&self->hint, lb);
  return lb;
}

/**
 * cls_count_index_get_count_from:
 * @self: an index
 * @i: an index into the distinct values, 0 <= @i <= n_distinct
 *
 * Returns: how many voxels hold the values from index @i on
 */
guint64
cls_count_index_get_count_from (const ClsCountIndex *self,
                                gsize                i)
{
  g_return_val_if_fail (i <= self->n_distinct, 0);
  return count_ge_at (self, i);
}

/**
 * cls_count_index_get_values:
 * @self: an index
 * @wide: (out): whether the values are doubles (else floats)
 *
 * Returns: (transfer none): the distinct values as stored, ascending
 */
gconstpointer
cls_count_index_get_values (const ClsCountIndex *self,
                            gboolean            *wide)
{
  *wide = !self->f32;
  return self->values;
}

/**
 * cls_count_index_prefetch:
 * @self: an index
 *
 * Asks the CPU to fetch the values and counts where the last search ended,
 * for a search that follows soon (a case's turn in a loop over many).
 */
void
cls_count_index_prefetch (const ClsCountIndex *self)
{
  gsize at = MIN (load_hint (&self->hint), self->n_distinct);

  __builtin_prefetch ((const guint8 *) self->values + at * (self->f32 ? sizeof (float) : sizeof (double)));
  __builtin_prefetch ((const guint8 *) self->count_ge + at * (self->c32 ? sizeof (guint32) : sizeof (guint64)));
}

/**
 * cls_count_index_get_counts_from:
 * @self: an index
 * @wide: (out): whether the counts are guint64 (else guint32)
 *
 * Returns: (transfer none): the counts from each index on (n_distinct + 1
 *   of them, the last 0), as cls_count_index_get_count_from() gives them
 */
gconstpointer
cls_count_index_get_counts_from (const ClsCountIndex *self,
                                 gboolean            *wide)
{
  *wide = !self->c32;
  return self->count_ge;
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
  return count_ge_at (self, cls_count_index_lower_bound (self, map, cut, 0));
}
