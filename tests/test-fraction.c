/* test-fraction.c: exact decimals decide floor(eps·G) and the rank k
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <math.h>

#include "cls-error.h"
#include "cls-fraction.h"

static ClsFraction
parse (const char *s)
{
  g_autoptr(GError) error = NULL;
  ClsFraction f = { 0, 0 };

  g_assert_true (cls_fraction_parse (s, &f, &error));
  g_assert_no_error (error);
  return f;
}

static void
test_parse (void)
{
  ClsFraction f;
  g_autoptr(GError) error = NULL;

  f = parse ("0.1");
  g_assert_cmpuint (f.num, ==, 1);
  g_assert_cmpuint (f.den, ==, 10);

  f = parse (".250");
  g_assert_cmpuint (f.num, ==, 1 * 25);
  g_assert_cmpuint (f.den, ==, 100);

  f = parse ("5e-3");
  g_assert_cmpuint (f.num, ==, 5);
  g_assert_cmpuint (f.den, ==, 1000);

  f = parse ("1");
  g_assert_cmpuint (f.num, ==, 1);
  g_assert_cmpuint (f.den, ==, 1);

  f = parse ("0.10000000000000000000000");
  g_assert_cmpuint (f.num, ==, 1);
  g_assert_cmpuint (f.den, ==, 10);

  g_assert_false (cls_fraction_parse ("-0.1", &f, &error));
  g_assert_error (error, CLS_ERROR, CLS_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (cls_fraction_parse ("0,1", &f, &error));
  g_assert_error (error, CLS_ERROR, CLS_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (cls_fraction_parse ("", &f, &error));
  g_clear_error (&error);
  g_assert_false (cls_fraction_parse ("abc", &f, &error));
  g_clear_error (&error);
  g_assert_false (cls_fraction_parse ("0.1234567890123456789", &f, &error));
  g_clear_error (&error);
}

/* floor(eps · G) against a brute force on the decimal digits: count how many
 * whole units fit, m · den <= num · G, without any floating point. */
static void
test_floor_brute_force (void)
{
  const char *eps[] = { "0.1", "0.2", "0.3", "0.29", "0.7", "0.05", "0.15", "0.33", "0.5", "0.01" };

  for (guint e = 0; e < G_N_ELEMENTS (eps); e++)
    {
      ClsFraction f = parse (eps[e]);

      for (guint64 g = 0; g <= 1000; g++)
        {
          guint64 m = 0;

          while ((m + 1) * f.den <= f.num * g)
            m++;
          g_assert_cmpuint (cls_fraction_floor_mul (f, g), ==, m);
        }
    }

  /* The products that floating point gets wrong. */
  g_assert_cmpuint (cls_fraction_floor_mul (parse ("0.29"), 100), ==, 29);
  g_assert_cmpfloat (floor (0.29 * 100), ==, 28);  /* why this module exists */
  g_assert_cmpuint (cls_fraction_floor_mul (parse ("0.1"), 30), ==, 3);
  g_assert_cmpuint (cls_fraction_floor_mul (parse ("0.7"), 10), ==, 7);
}

static void
test_rank (void)
{
  const char *alphas[] = { "0.1", "0.2", "0.05", "0.3", "0.25", "0.01", "0.5", "0.9" };

  for (guint a = 0; a < G_N_ELEMENTS (alphas); a++)
    {
      ClsFraction alpha = parse (alphas[a]);
      guint64 min_n = G_MAXUINT64;

      for (guint64 n = 1; n <= 500; n++)
        {
          /* smallest k with k >= (1 - alpha)(n + 1), in integers */
          guint64 k = 0;

          while (k * alpha.den < (alpha.den - alpha.num) * (n + 1))
            k++;
          g_assert_cmpuint (cls_fraction_conformal_rank (alpha, n), ==, k);
          if (k <= n && min_n == G_MAXUINT64)
            min_n = n;
        }
      g_assert_cmpuint (cls_fraction_min_feasible_n (alpha), ==, min_n);
    }

  /* alpha = 0.1: n = 9 is the first n that works (k = 9), n = 8 needs k = 9 > 8 */
  g_assert_cmpuint (cls_fraction_conformal_rank (parse ("0.1"), 8), ==, 9);
  g_assert_cmpuint (cls_fraction_conformal_rank (parse ("0.1"), 9), ==, 9);
  g_assert_cmpuint (cls_fraction_min_feasible_n (parse ("0.1")), ==, 9);
  /* (1 - 0.2)(59 + 1) = 48 exactly: k = 48, not 49 */
  g_assert_cmpuint (cls_fraction_conformal_rank (parse ("0.2"), 59), ==, 48);
}

static void
test_from_double (void)
{
  ClsFraction f;
  double values[] = { 0.1, 0.2, 0.3, 0.29, 1e-5, 0.123456789, 0.5, 0.0 };

  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    {
      g_assert_true (cls_fraction_from_double (values[i], &f));
      g_assert_cmpfloat (cls_fraction_to_double (f), ==, values[i]);
    }

  g_assert_true (cls_fraction_from_double (0.1, &f));
  g_assert_cmpuint (f.num, ==, 1);
  g_assert_cmpuint (f.den, ==, 10);
  g_assert_true (cls_fraction_from_double (0.29, &f));
  g_assert_cmpuint (cls_fraction_floor_mul (f, 100), ==, 29);

  g_assert_false (cls_fraction_from_double (-0.1, &f));
  g_assert_false (cls_fraction_from_double (NAN, &f));
}

static void
test_to_string (void)
{
  g_autofree char *a = cls_fraction_to_string (parse ("0.125"));
  g_autofree char *b = cls_fraction_to_string (parse ("2"));
  g_autofree char *c = cls_fraction_to_string (parse ("0.05"));

  g_assert_cmpstr (a, ==, "0.125");
  g_assert_cmpstr (b, ==, "2");
  g_assert_cmpstr (c, ==, "0.05");
  g_assert_cmpint (cls_fraction_compare (parse ("0.1"), parse ("0.10")), ==, 0);
  g_assert_cmpint (cls_fraction_compare (parse ("0.1"), parse ("0.2")), <, 0);
}

/* p >= c for a decimal c, decided on doubles: the cut must be the smallest
 * double not below c. */
static void
test_ceil_double (void)
{
  const char *cuts[] = { "0.12", "0.3", "0.5", "0.1", "1", "0", "0.7", "0.0000001", "0.119999997317790985" };

  for (guint i = 0; i < G_N_ELEMENTS (cuts); i++)
    {
      ClsFraction f = parse (cuts[i]);
      double c = cls_fraction_ceil_double (f);
      double below = nextafter (c, -1.0);
      double exact = g_ascii_strtod (cuts[i], NULL);

      /* c is not below the decimal, the double before it is */
      g_assert_cmpfloat (c, >=, exact);
      if (c > 0)
        g_assert_cmpfloat (below, <=, exact);
    }

  /* 0.12f lies below the decimal 0.12, so it is not in {p >= 0.12} ... */
  g_assert_cmpfloat ((double) 0.12f, <, cls_fraction_ceil_double (parse ("0.12")));
  /* ... but it is in {p >= c} for a decimal just below it */
  g_assert_cmpfloat ((double) 0.12f, >=, cls_fraction_ceil_double (parse ("0.119999997317790985")));
  /* 0.3f lies above the decimal 0.3 */
  g_assert_cmpfloat ((double) 0.3f, >=, cls_fraction_ceil_double (parse ("0.3")));
  /* the double nearest 0.1 lies above 0.1, the one nearest 0.3 below 0.3 */
  g_assert_cmpfloat (cls_fraction_ceil_double (parse ("0.1")), ==, 0.1);
  g_assert_cmpfloat (cls_fraction_ceil_double (parse ("0.3")), ==, nextafter (0.3, 1.0));

  {
    ClsFraction one_minus = cls_fraction_one_minus (parse ("0.88"));
    g_assert_cmpuint (one_minus.num, ==, 12);
    g_assert_cmpuint (one_minus.den, ==, 100);
  }
}

/* On screen a fraction uses the locale's decimal point, like the numbers
 * printf formats beside it; everywhere else the ASCII point. */
static void
test_display_string (void)
{
  ClsFraction f = { 125, 1000 };
  g_autofree char *c = NULL;
  g_autofree char *de = NULL;
  g_autofree char *ascii = NULL;
  g_autofree char *whole = NULL;

  setlocale (LC_NUMERIC, "C");
  c = cls_fraction_to_display_string (f);
  g_assert_cmpstr (c, ==, "0.125");

  if (setlocale (LC_NUMERIC, "de_DE.UTF-8") == NULL && setlocale (LC_NUMERIC, "fr_FR.UTF-8") == NULL)
    {
      g_test_skip ("neither de_DE.UTF-8 nor fr_FR.UTF-8 is installed (CI installs fr_FR)");
      return;
    }
  de = cls_fraction_to_display_string (f);
  ascii = cls_fraction_to_string (f);
  whole = cls_fraction_to_display_string ((ClsFraction) { 3, 1 });
  setlocale (LC_NUMERIC, "C");
  g_assert_cmpstr (de, ==, "0,125");
  g_assert_cmpstr (ascii, ==, "0.125");
  g_assert_cmpstr (whole, ==, "3");
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/fraction/parse", test_parse);
  g_test_add_func ("/fraction/display-string", test_display_string);
  g_test_add_func ("/fraction/floor-brute-force", test_floor_brute_force);
  g_test_add_func ("/fraction/rank", test_rank);
  g_test_add_func ("/fraction/from-double", test_from_double);
  g_test_add_func ("/fraction/to-string", test_to_string);
  g_test_add_func ("/fraction/ceil-double", test_ceil_double);

  return g_test_run ();
}
