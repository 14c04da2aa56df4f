/* test-json-writer.c: valid JSON, numbers that read back exactly, any locale
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <math.h>

#include <json-glib/json-glib.h>

#include "cls-json-writer.h"
#include "cls-test-util.h"

static JsonNode *
parse (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

static void
check_document (gboolean pretty)
{
  g_autoptr(ClsJsonWriter) w = cls_json_writer_new (pretty);
  g_autofree char *text = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *obj;
  JsonArray *arr;
  GRand *rand = g_rand_new_with_seed (cls_test_seed ());
  double doubles[200];
  float floats[200];

  for (int i = 0; i < 200; i++)
    {
      doubles[i] = g_rand_double (rand) * pow (10, g_rand_int_range (rand, -30, 30));
      floats[i] = (float) g_rand_double (rand);
    }
  doubles[0] = 0.1;
  floats[0] = 0.3f;

  cls_json_writer_begin_object (w);
  cls_json_writer_member (w, "name");
  cls_json_writer_string (w, "a \"quoted\"\tname\n\x01 é");
  cls_json_writer_member (w, "bad utf8");
  cls_json_writer_string (w, "x\xff\xfey");
  cls_json_writer_member (w, "count");
  cls_json_writer_uint (w, G_MAXUINT64);
  cls_json_writer_member (w, "negative");
  cls_json_writer_int (w, -42);
  cls_json_writer_member (w, "nan");
  cls_json_writer_double (w, NAN);
  cls_json_writer_member (w, "flag");
  cls_json_writer_boolean (w, TRUE);
  cls_json_writer_member (w, "empty");
  cls_json_writer_begin_array (w);
  cls_json_writer_end_array (w);
  cls_json_writer_member (w, "doubles");
  cls_json_writer_begin_array (w);
  for (int i = 0; i < 200; i++)
    cls_json_writer_double (w, doubles[i]);
  cls_json_writer_end_array (w);
  cls_json_writer_member (w, "floats");
  cls_json_writer_begin_array (w);
  for (int i = 0; i < 200; i++)
    cls_json_writer_float32 (w, floats[i]);
  cls_json_writer_end_array (w);
  cls_json_writer_member (w, "nested");
  cls_json_writer_begin_array (w);
  cls_json_writer_begin_object (w);
  cls_json_writer_member (w, "x");
  cls_json_writer_null (w);
  cls_json_writer_end_object (w);
  cls_json_writer_end_array (w);
  cls_json_writer_end_object (w);

  text = cls_json_writer_finish (w);
  root = parse (text);
  obj = json_node_get_object (root);

  g_assert_cmpstr (json_object_get_string_member (obj, "name"), ==, "a \"quoted\"\tname\n\x01 é");
  g_assert_true (g_utf8_validate (json_object_get_string_member (obj, "bad utf8"), -1, NULL));
  g_assert_true (json_object_get_null_member (obj, "nan"));
  g_assert_true (json_object_get_boolean_member (obj, "flag"));
  g_assert_cmpint (json_object_get_int_member (obj, "negative"), ==, -42);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (obj, "empty")), ==, 0);

  arr = json_object_get_array_member (obj, "doubles");
  for (int i = 0; i < 200; i++)
    g_assert_cmpfloat (json_array_get_double_element (arr, i), ==, doubles[i]);
  arr = json_object_get_array_member (obj, "floats");
  for (int i = 0; i < 200; i++)
    g_assert_cmpfloat ((float) json_array_get_double_element (arr, i), ==, floats[i]);

  /* the shortest form, not 17 digits */
  g_assert_null (strstr (text, "0.10000000000000001"));
  g_assert_null (strstr (text, "0.300000012"));

  g_rand_free (rand);
}

static void
test_document (void)
{
  g_autofree char *a = cls_format_double (0.1);
  g_autofree char *b = cls_format_float32 ((double) 0.3f);
  g_autofree char *c = cls_format_float32 (0.1);  /* not a float32: printed as a double */

  g_assert_cmpstr (a, ==, "0.1");
  g_assert_cmpstr (b, ==, "0.3");
  g_assert_cmpstr (c, ==, "0.1");

  check_document (FALSE);
  check_document (TRUE);
}

static void
test_comma_locale (void)
{
  const char *locales[] = { "fr_FR.UTF-8", "de_DE.UTF-8", "fr_FR.utf8" };
  const char *found = NULL;
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (locales) && found == NULL; i++)
    if (setlocale (LC_ALL, locales[i]) != NULL)
      found = locales[i];

  if (found == NULL)
    {
      g_test_skip ("no comma-decimal locale installed (CI installs fr_FR.UTF-8)");
      return;
    }

  a = cls_format_double (0.125);
  b = cls_format_float32 ((double) 0.3f);
  g_assert_cmpstr (a, ==, "0.125");
  g_assert_cmpstr (b, ==, "0.3");
  check_document (TRUE);
  setlocale (LC_ALL, "C");
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/json-writer/document", test_document);
  g_test_add_func ("/json-writer/comma-locale", test_comma_locale);

  return g_test_run ();
}
