/* test-atomic-file.c: a file appears whole or not at all
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <sys/resource.h>
#include <sys/stat.h>
#include <signal.h>
#include <string.h>

#include <glib/gstdio.h>

#include "cls-atomic-file.h"
#include "cls-error.h"
#include "cls-test-util.h"

static guint
count_entries (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  guint n = 0;

  while (d != NULL && g_dir_read_name (d) != NULL)
    n++;
  return n;
}

static void
test_replace (void)
{
  g_autofree char *dir = cls_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "out.json", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (cls_atomic_write (path, "old", 3, &error));
  g_assert_no_error (error);
  g_assert_true (cls_atomic_write (path, "new contents", 12, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "new contents");
  g_assert_cmpuint (count_entries (dir), ==, 1);  /* no temporary file left */

  cls_test_rm_rf (dir);
}

static void
test_abort_keeps_old (void)
{
  g_autofree char *dir = cls_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "out.txt", NULL);
  g_autofree char *contents = NULL;

  g_assert_true (cls_atomic_write (path, "old", 3, NULL));
  {
    g_autoptr(ClsAtomicFile) f = cls_atomic_file_new (path, NULL);

    g_assert_nonnull (f);
    g_assert_true (cls_atomic_file_write (f, "half", 4, NULL));
    /* dropped without commit */
  }
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "old");
  g_assert_cmpuint (count_entries (dir), ==, 1);

  cls_test_rm_rf (dir);
}

static void
test_refusals (void)
{
  g_autofree char *dir = cls_test_make_tmpdir ();
  g_autofree char *missing = g_build_filename (dir, "no", "such", "folder", "x", NULL);
  g_autoptr(GError) error = NULL;

  /* a folder */
  g_assert_false (cls_atomic_write (dir, "x", 1, &error));
  g_assert_error (error, CLS_ERROR, CLS_ERROR_IO);
  g_assert_nonnull (strstr (error->message, dir));
  g_clear_error (&error);

  /* a device is not replaced by a file */
  g_assert_false (cls_atomic_write ("/dev/full", "x", 1, &error));
  g_assert_error (error, CLS_ERROR, CLS_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "/dev/full"));
  g_clear_error (&error);
  g_assert_true (g_file_test ("/dev/full", G_FILE_TEST_EXISTS));
  {
    GStatBuf st;
    g_assert_cmpint (g_stat ("/dev/full", &st), ==, 0);
    g_assert_true (S_ISCHR (st.st_mode));
  }

  /* a folder that does not exist */
  g_assert_false (cls_atomic_write (missing, "x", 1, &error));
  g_assert_error (error, CLS_ERROR, CLS_ERROR_IO);
  g_assert_nonnull (strstr (error->message, missing));
  g_clear_error (&error);

  cls_test_rm_rf (dir);
}

/* A disk that fills up halfway: simulated with RLIMIT_FSIZE. The old file
 * stays, the error says why, no temporary file is left. */
static void
test_full_disk (void)
{
  g_autofree char *dir = cls_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "big.bin", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *big = g_malloc0 (1 << 20);
  g_autoptr(GError) error = NULL;
  struct rlimit old, lim;

  g_assert_true (cls_atomic_write (path, "old", 3, NULL));

  signal (SIGXFSZ, SIG_IGN);
  g_assert_cmpint (getrlimit (RLIMIT_FSIZE, &old), ==, 0);
  lim = old;
  lim.rlim_cur = 4096;
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &lim), ==, 0);

  g_assert_false (cls_atomic_write (path, big, 1 << 20, &error));

  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &old), ==, 0);
  g_assert_error (error, CLS_ERROR, CLS_ERROR_IO);
  g_assert_nonnull (strstr (error->message, path));

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "old");
  g_assert_cmpuint (count_entries (dir), ==, 1);

  cls_test_rm_rf (dir);
}

static void
test_same_file (void)
{
  g_autofree char *dir = cls_test_make_tmpdir ();
  g_autofree char *a = g_build_filename (dir, "a", NULL);
  g_autofree char *b = g_build_filename (dir, "b", NULL);
  g_autofree char *a2 = g_build_filename (dir, ".", "a", NULL);

  g_assert_true (cls_atomic_write (a, "1", 1, NULL));
  g_assert_true (cls_atomic_write (b, "2", 1, NULL));
  g_assert_true (cls_path_is_same_file (a, a2));
  g_assert_false (cls_path_is_same_file (a, b));
  g_assert_false (cls_path_is_same_file (a, "/nonexistent/file"));

  cls_test_rm_rf (dir);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/atomic-file/replace", test_replace);
  g_test_add_func ("/atomic-file/abort-keeps-old", test_abort_keeps_old);
  g_test_add_func ("/atomic-file/refusals", test_refusals);
  g_test_add_func ("/atomic-file/full-disk", test_full_disk);
  g_test_add_func ("/atomic-file/same-file", test_same_file);

  return g_test_run ();
}
