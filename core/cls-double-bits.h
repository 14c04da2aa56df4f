/* cls-double-bits.h: doubles and floats as their bit patterns
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Non-negative IEEE numbers order like their bit patterns: sorting or
 * hashing the patterns sorts or counts the values, and a binary search over
 * the patterns of [a, b] visits every double between them in order.
 */
#pragma once

#include <string.h>

#include <glib.h>

G_BEGIN_DECLS

static inline guint64
cls_double_to_bits (double d)
{
  guint64 k;

  memcpy (&k, &d, sizeof k);
  return k;
}

static inline double
cls_bits_to_double (guint64 k)
{
  double d;

  memcpy (&d, &k, sizeof d);
  return d;
}

static inline guint32
cls_float_to_bits (float f)
{
  guint32 k;

  memcpy (&k, &f, sizeof k);
  return k;
}

static inline float
cls_bits_to_float (guint32 k)
{
  float f;

  memcpy (&f, &k, sizeof f);
  return f;
}

G_END_DECLS
