/* cls-fraction.h: exact decimal fractions for epsilon, alpha and friends
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * floor(epsilon * G) and ceil((1 - alpha)(n + 1)) decide the guarantee. In
 * binary floating point 0.1 * 30 is not 3, so these are computed on the exact
 * decimal the user gave (num / 10^d) with integer arithmetic.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * ClsFraction:
 * @num: numerator
 * @den: denominator, a power of ten between 1 and 10^18
 *
 * A non-negative decimal number num / den, exactly as written.
 */
typedef struct {
  guint64 num;
  guint64 den;
} ClsFraction;

gboolean  cls_fraction_parse          (const char  *text,
                                       ClsFraction *out,
                                       GError     **error);
gboolean  cls_fraction_from_double    (double       value,
                                       ClsFraction *out);
double    cls_fraction_to_double      (ClsFraction  f);
char     *cls_fraction_to_string      (ClsFraction  f);
char     *cls_fraction_to_display_string (ClsFraction f);
int       cls_fraction_compare        (ClsFraction  a,
                                       ClsFraction  b);
gboolean  cls_fraction_in_unit_open   (ClsFraction  f);

guint64   cls_fraction_floor_mul      (ClsFraction  f,
                                       guint64      g);
guint64   cls_fraction_ceil_mul       (ClsFraction  f,
                                       guint64      g);
guint64   cls_fraction_conformal_rank (ClsFraction  alpha,
                                       guint64      n);
guint64   cls_fraction_min_feasible_n (ClsFraction  alpha);

G_END_DECLS

G_BEGIN_DECLS

double    cls_fraction_ceil_double    (ClsFraction  f);
ClsFraction cls_fraction_one_minus    (ClsFraction  f);

G_END_DECLS
