/* test-manifest.c: the CSV manifest parser
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "cls-error.h"
#include "cls-manifest.h"

static ClsManifest *
parse_ok (const char *text)
{
  g_autoptr(GError) error = NULL;
  ClsManifest *m = cls_manifest_parse ("/data/set/manifest.csv", text, strlen (text), &error);

  g_assert_no_error (error);
  g_assert_nonnull (m);
  return m;
}

static void
parse_fails (const char *text,
             gsize       length,
             const char *expect_in_message)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ClsManifest) m = cls_manifest_parse ("/data/set/manifest.csv", text, length, &error);

  g_assert_null (m);
  g_assert_error (error, CLS_ERROR, CLS_ERROR_DATASET);
  g_assert_nonnull (strstr (error->message, "/data/set/manifest.csv"));
  if (strstr (error->message, expect_in_message) == NULL)
    g_error ("“%s” not in “%s”", expect_in_message, error->message);
}

static void
test_basic (void)
{
  g_autoptr(ClsManifest) m = parse_ok ("case,label,model,prob,image\n"
                                       "c1,labels/c1.nii.gz,unet,probs/unet/c1.nii.gz,images/c1.nii.gz\n"
                                       "c1,labels/c1.nii.gz,swin,probs/swin/c1.nii.gz,\n");
  const ClsManifestRow *r;

  g_assert_cmpuint (cls_manifest_get_n_rows (m), ==, 2);
  r = cls_manifest_get_row (m, 0);
  g_assert_cmpstr (r->case_id, ==, "c1");
  g_assert_cmpstr (r->model, ==, "unet");
  g_assert_cmpstr (r->label, ==, "/data/set/labels/c1.nii.gz");
  g_assert_cmpstr (r->prob, ==, "/data/set/probs/unet/c1.nii.gz");
  g_assert_cmpstr (r->image, ==, "/data/set/images/c1.nii.gz");
  g_assert_cmpuint (r->line, ==, 2);
  r = cls_manifest_get_row (m, 1);
  g_assert_null (r->image);
  g_assert_cmpuint (cls_manifest_get_warnings (m)->len, ==, 0);
}

static void
test_quotes_crlf_bom (void)
{
  g_autoptr(ClsManifest) m = parse_ok ("\xef\xbb\xbf" "model,case,prob,label\r\n"
                                       "\"m, one\",\"c \"\"2\"\"\",\"probs/a,b.nii\",\"l\nx.nii\"\r\n"
                                       "\r\n"
                                       "m2,c3,p3.nii,é/ü.nii\r\n");
  const ClsManifestRow *r = cls_manifest_get_row (m, 0);

  g_assert_cmpuint (cls_manifest_get_n_rows (m), ==, 2);
  g_assert_cmpstr (r->model, ==, "m, one");
  g_assert_cmpstr (r->case_id, ==, "c \"2\"");
  g_assert_cmpstr (r->prob, ==, "/data/set/probs/a,b.nii");
  g_assert_cmpstr (r->label, ==, "/data/set/l\nx.nii");
  r = cls_manifest_get_row (m, 1);
  g_assert_cmpuint (r->line, ==, 5);  /* the quoted line break counts */
  g_assert_cmpstr (r->label, ==, "/data/set/é/ü.nii");
}

static void
test_escaping_paths_are_reported (void)
{
  g_autoptr(ClsManifest) m = parse_ok ("case,label,model,prob\n"
                                       "c1,../../etc/passwd,m,/abs/p.nii\n"
                                       "c2,a/../b.nii,m,a/../../up.nii\n");
  GPtrArray *w = cls_manifest_get_warnings (m);

  /* ../../etc/passwd, /abs/p.nii and a/../../up.nii, not a/../b.nii */
  g_assert_cmpuint (w->len, ==, 3);
  g_assert_nonnull (strstr (w->pdata[0], "../../etc/passwd"));
  g_assert_nonnull (strstr (w->pdata[0], "line 2"));
  g_assert_nonnull (strstr (w->pdata[1], "/abs/p.nii"));
  g_assert_nonnull (strstr (w->pdata[2], "a/../../up.nii"));
}

static void
test_errors (void)
{
  const char bad_utf8[] = "case,label,model,prob\nc1,l\xff.nii,m,p.nii\n";

  parse_fails ("", 0, "empty");
  parse_fails ("case,label,model\nc,l,m\n", strlen ("case,label,model\nc,l,m\n"), "prob");
  parse_fails ("case,label,model,prob\n", strlen ("case,label,model,prob\n"), "no cases");
  parse_fails ("case,label,model,prob\nc,l,m\n", strlen ("case,label,model,prob\nc,l,m\n"), "line 2");
  parse_fails ("case,label,model,prob\nc,\"l,m,p\n", strlen ("case,label,model,prob\nc,\"l,m,p\n"), "never closed");
  parse_fails ("case,label,model,prob\nc,,m,p\n", strlen ("case,label,model,prob\nc,,m,p\n"), "empty");
  parse_fails ("case,label,model,prob\na/b,l,m,p\n", strlen ("case,label,model,prob\na/b,l,m,p\n"), "/");
  parse_fails (bad_utf8, sizeof bad_utf8 - 1, "line 2");
  parse_fails ("case,case,label,model,prob\n", strlen ("case,case,label,model,prob\n"), "twice");
}

static void
test_unknown_column_warns (void)
{
  g_autoptr(ClsManifest) m = parse_ok ("case,label,model,prob,notes\nc,l,m,p,hello\n");

  g_assert_cmpuint (cls_manifest_get_warnings (m)->len, ==, 1);
  g_assert_nonnull (strstr (cls_manifest_get_warnings (m)->pdata[0], "notes"));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/manifest/basic", test_basic);
  g_test_add_func ("/manifest/quotes-crlf-bom", test_quotes_crlf_bom);
  g_test_add_func ("/manifest/escaping-paths", test_escaping_paths_are_reported);
  g_test_add_func ("/manifest/errors", test_errors);
  g_test_add_func ("/manifest/unknown-column", test_unknown_column_warns);

  return g_test_run ();
}
