/* cls-fraction.c
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <langinfo.h>

#include <inttypes.h>

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "cls-error.h"
#include "cls-fraction.h"

#define MAX_DIGITS 18

static const guint64 pow10_table[MAX_DIGITS + 1] = {
  1ull, 10ull, 100ull, 1000ull, 10000ull, 100000ull, 1000000ull, 10000000ull,
  100000000ull, 1000000000ull, 10000000000ull, 100000000000ull,
  1000000000000ull, 10000000000000ull, 100000000000000ull,
  1000000000000000ull, 10000000000000000ull, 100000000000000000ull,
  1000000000000000000ull,
};

static ClsFraction
normalize (ClsFraction f)
{
  while (f.den > 1 && f.num % 10 == 0)
    {
      f.num /= 10;
      f.den /= 10;
    }
  return f;
}

/**
 * cls_fraction_parse:
 * @text: a non-negative decimal such as "0.1", ".25", "1", "5e-3"
 * @out: (out): the exact value
 * @error: return location for a #GError
 *
 * Parses @text exactly: "0.1" is 1/10, not the double nearest to it.
 * At most 18 significant decimals after the point are accepted.
 *
 * Returns: %TRUE on success
 */
gboolean
cls_fraction_parse (const char   *text,
                    ClsFraction  *out,
                    GError      **error)
{
  const char *p = text;
  guint64 num = 0;
  int frac_digits = 0;
  int exponent = 0;
  gboolean any_digit = FALSE;
  gboolean seen_point = FALSE;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  while (g_ascii_isspace (*p))
    p++;
  if (*p == '+')
    p++;

  for (; *p != '\0'; p++)
    {
      if (g_ascii_isdigit (*p))
        {
          int d = *p - '0';

          any_digit = TRUE;
          if (num > (G_MAXUINT64 - d) / 10 || (seen_point && frac_digits >= MAX_DIGITS))
            {
              /* Trailing zeros after the point cost nothing. */
              if (seen_point && d == 0)
                continue;
              goto too_precise;
            }
          num = num * 10 + d;
          if (seen_point)
            frac_digits++;
        }
      else if (*p == '.' && !seen_point)
        seen_point = TRUE;
      else
        break;
    }

  if (!any_digit)
    goto invalid;

  if (*p == 'e' || *p == 'E')
    {
      char *end = NULL;
      gint64 e;

      p++;
      e = g_ascii_strtoll (p, &end, 10);
      if (end == p || e < -MAX_DIGITS || e > MAX_DIGITS)
        goto invalid;
      exponent = (int) e;
      p = end;
    }

  while (g_ascii_isspace (*p))
    p++;
  if (*p != '\0')
    goto invalid;

  frac_digits -= exponent;
  while (frac_digits < 0)
    {
      if (num > G_MAXUINT64 / 10)
        goto too_precise;
      num *= 10;
      frac_digits++;
    }

  /* Drop trailing zeros first so that "0.1000000000000000000000" fits. */
  while (frac_digits > MAX_DIGITS && num % 10 == 0)
    {
      num /= 10;
      frac_digits--;
    }
  if (frac_digits > MAX_DIGITS)
    goto too_precise;

  out->num = num;
  out->den = pow10_table[frac_digits];
  *out = normalize (*out);
  return TRUE;

invalid:
  g_set_error (error, CLS_ERROR, CLS_ERROR_INVALID_ARGUMENT,
               _("“%s” is not a non-negative decimal number"), text);
  return FALSE;

too_precise:
  g_set_error (error, CLS_ERROR, CLS_ERROR_INVALID_ARGUMENT,
               _("“%s” has more digits than can be handled exactly (at most %d after the point)"),
               text, MAX_DIGITS);
  return FALSE;
}

/**
 * cls_fraction_from_double:
 * @value: a non-negative finite double, e.g. a slider position
 * @out: (out): the shortest decimal that reads back as @value
 *
 * A slider hands us 0.1 as the double nearest to 1/10; the user means 1/10.
 * This picks the shortest decimal string that converts back to @value.
 *
 * Returns: %TRUE on success, %FALSE for negative or non-finite values
 */
gboolean
cls_fraction_from_double (double       value,
                          ClsFraction *out)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (!isfinite (value) || value < 0)
    return FALSE;

  for (int digits = 1; digits <= 17; digits++)
    {
      char fmt[8];

      g_snprintf (fmt, sizeof fmt, "%%.%dg", digits);
      g_ascii_formatd (buf, sizeof buf, fmt, value);
      if (g_ascii_strtod (buf, NULL) == value && cls_fraction_parse (buf, out, NULL))
        return TRUE;
    }

  return FALSE;
}

double
cls_fraction_to_double (ClsFraction f)
{
  g_autofree char *s = cls_fraction_to_string (f);

  /* strtod rounds the exact decimal correctly; num / den would round twice. */
  return g_ascii_strtod (s, NULL);
}

/**
 * cls_fraction_to_string:
 * @f: a fraction
 *
 * Returns: (transfer full): the decimal, e.g. "0.125"
 */
char *
cls_fraction_to_string (ClsFraction f)
{
  guint64 whole = f.num / f.den;
  guint64 rest = f.num % f.den;
  int digits = 0;
  char frac[MAX_DIGITS + 1];

  if (f.den == 1)
    return g_strdup_printf ("%" PRIu64, whole);

  for (guint64 d = f.den; d > 1; d /= 10)
    digits++;

  g_snprintf (frac, sizeof frac, "%0*" PRIu64, digits, rest);
  /* Strip trailing zeros (a normalized fraction has none, be safe anyway). */
  for (int i = digits - 1; i > 0 && frac[i] == '0'; i--)
    frac[i] = '\0';

  return g_strdup_printf ("%" PRIu64 ".%s", whole, frac);
}

/**
 * cls_fraction_to_display_string:
 * @f: a fraction
 *
 * The decimal as the user's locale writes numbers ("0,125" in German), for
 * text on screen beside numbers printf formats; files and the command line
 * keep cls_fraction_to_string().
 *
 * Returns: (transfer full): the decimal with the locale's decimal point
 */
char *
cls_fraction_to_display_string (ClsFraction f)
{
  g_autofree char *s = cls_fraction_to_string (f);
  const char *radix = nl_langinfo (RADIXCHAR);
  const char *dot = strchr (s, '.');

  if (dot == NULL || radix == NULL || *radix == '\0' || strcmp (radix, ".") == 0)
    return g_steal_pointer (&s);
  return g_strdup_printf ("%.*s%s%s", (int) (dot - s), s, radix, dot + 1);
}

int
cls_fraction_compare (ClsFraction a,
                      ClsFraction b)
{
  unsigned __int128 l = (unsigned __int128) a.num * b.den;
  unsigned __int128 r = (unsigned __int128) b.num * a.den;

  return l < r ? -1 : l > r ? 1 : 0;
}

/**
 * cls_fraction_in_unit_open:
 * @f: a fraction
 *
 * Returns: whether 0 < @f < 1
 */
gboolean
cls_fraction_in_unit_open (ClsFraction f)
{
  return f.num > 0 && f.num < f.den;
}

/**
 * cls_fraction_floor_mul:
 * @f: a fraction
 * @g: a count
 *
 * Returns: floor(@f · @g), exactly. With @f = 0.1 and @g = 30 this is 3.
 */
guint64
cls_fraction_floor_mul (ClsFraction f,
                        guint64     g)
{
  unsigned __int128 p = (unsigned __int128) f.num * g;

  return (guint64) (p / f.den);
}

/**
 * cls_fraction_ceil_mul:
 * @f: a fraction
 * @g: a count
 *
 * Returns: ceil(@f · @g), exactly
 */
guint64
cls_fraction_ceil_mul (ClsFraction f,
                       guint64     g)
{
  unsigned __int128 p = (unsigned __int128) f.num * g;

  return (guint64) ((p + f.den - 1) / f.den);
}

/**
 * cls_fraction_conformal_rank:
 * @alpha: the miscoverage level, 0 < alpha < 1
 * @n: the number of calibration scores
 *
 * Returns: k = ceil((1 - alpha)(n + 1)), exactly. It may exceed @n: then no
 *   threshold built from @n scores has the guarantee, and the caller must say
 *   so instead of clamping k to n.
 */
guint64
cls_fraction_conformal_rank (ClsFraction alpha,
                             guint64     n)
{
  ClsFraction one_minus = { alpha.den - alpha.num, alpha.den };

  g_return_val_if_fail (alpha.num <= alpha.den, n + 1);

  return cls_fraction_ceil_mul (one_minus, n + 1);
}

/**
 * cls_fraction_min_feasible_n:
 * @alpha: the miscoverage level, 0 < alpha < 1
 *
 * Returns: the smallest n with ceil((1 - alpha)(n + 1)) <= n, that is
 *   ceil(1 / alpha) - 1; %G_MAXUINT64 when alpha is 0
 */
guint64
cls_fraction_min_feasible_n (ClsFraction alpha)
{
  if (alpha.num == 0)
    return G_MAXUINT64;

  return (alpha.den + alpha.num - 1) / alpha.num - 1;
}

/* Compares a double in [0, 1] with a fraction exactly, by the double's exact
 * decimal expansion (glibc prints doubles exactly with enough digits). */
static int
compare_double_fraction (double      d,
                         ClsFraction f)
{
  char dbuf[1200];
  g_autofree char *fs = cls_fraction_to_string (f);
  const char *a, *b;
  const char *ap, *bp;

  g_snprintf (dbuf, sizeof dbuf, "%.1100f", d);

  /* Whole parts: both are 0 or 1 here. */
  a = dbuf;
  b = fs;
  ap = strchr (a, '.');
  bp = strchr (b, '.');
  {
    guint64 ia = g_ascii_strtoull (a, NULL, 10);
    guint64 ib = g_ascii_strtoull (b, NULL, 10);

    if (ia != ib)
      return ia < ib ? -1 : 1;
  }

  /* Fractional digits, the shorter one padded with zeros. */
  ap = ap ? ap + 1 : "";
  bp = bp ? bp + 1 : "";
  while (*ap != '\0' || *bp != '\0')
    {
      char ca = *ap ? *ap++ : '0';
      char cb = *bp ? *bp++ : '0';

      if (ca != cb)
        return ca < cb ? -1 : 1;
    }
  return 0;
}

/**
 * cls_fraction_ceil_double:
 * @f: a fraction between 0 and 1
 *
 * The smallest double that is >= @f. For any double p, p >= @f exactly
 * when p >= this value, so a mask {p >= 1 - T} for a decimal T is exact.
 *
 * Returns: that double
 */
double
cls_fraction_ceil_double (ClsFraction f)
{
  double d = cls_fraction_to_double (f);

  g_return_val_if_fail (f.num <= f.den, d);

  if (compare_double_fraction (d, f) < 0)
    d = nextafter (d, 2.0);
  return d;
}

/**
 * cls_fraction_one_minus:
 * @f: a fraction between 0 and 1
 *
 * Returns: 1 - @f, exactly
 */
ClsFraction
cls_fraction_one_minus (ClsFraction f)
{
  ClsFraction r = { f.den - f.num, f.den };

  g_return_val_if_fail (f.num <= f.den, r);
  return normalize (r);
}
