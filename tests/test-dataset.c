/* test-dataset.c: folder layouts and manifests, warnings and per-case failures
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "cls-dataset.h"
#include "cls-demo.h"
#include "cls-error.h"
#include "cls-test-util.h"

static char *tmpdir;
static char *demo;

static void
copy_tree (const char *from,
           const char *to)
{
  g_autofree char *cmd = g_strdup_printf ("cp -r '%s' '%s'", from, to);
  g_assert_cmpint (system (cmd), ==, 0);
}

static gboolean
warnings_contain (ClsDataset *ds,
                  const char *needle)
{
  GPtrArray *w = cls_dataset_get_warnings (ds);

  for (guint i = 0; i < w->len; i++)
    if (strstr (w->pdata[i], needle) != NULL)
      return TRUE;
  return FALSE;
}

static const ClsCaseFailure *
find_failure (ClsCaseSet *set,
              const char *case_id)
{
  for (guint i = 0; i < set->failures->len; i++)
    {
      const ClsCaseFailure *f = set->failures->pdata[i];
      if (strcmp (f->case_id, case_id) == 0)
        return f;
    }
  return NULL;
}

typedef struct {
  guint64 last;
  guint   calls;
  gboolean monotone;
} ProgressLog;

static void
on_progress (guint64 done, guint64 total, const char *message, gpointer user_data)
{
  ProgressLog *log = user_data;

  log->monotone &= done > log->last && done <= total;
  log->last = done;
  log->calls++;
}

static void
test_folder (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ClsDataset) ds = cls_dataset_open (demo, &error);
  g_autoptr(GPtrArray) sets = NULL;
  ProgressLog log = { 0, 0, TRUE };
  const char * const *models;

  g_assert_no_error (error);
  g_assert_false (cls_dataset_is_manifest (ds));
  g_assert_cmpuint (cls_dataset_get_n_cases (ds), ==, 10);
  models = cls_dataset_get_models (ds);
  g_assert_cmpstr (models[0], ==, "noisy");
  g_assert_cmpstr (models[1], ==, "sharp");
  g_assert_cmpstr (models[2], ==, "underconfident");
  g_assert_null (models[3]);
  g_assert_cmpstr (cls_dataset_get_case_id (ds, 0), ==, "case_0000");
  g_assert_nonnull (cls_dataset_get_image_path (ds, 0));
  g_assert_cmpint (cls_dataset_find_case (ds, "case_0004"), ==, 4);
  g_assert_cmpint (cls_dataset_find_case (ds, "nope"), ==, -1);

  sets = cls_dataset_load (ds, models, NULL, on_progress, &log, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sets->len, ==, 3);
  g_assert_true (log.monotone);
  g_assert_cmpuint (log.calls, ==, 10);
  for (guint m = 0; m < 3; m++)
    {
      ClsCaseSet *set = sets->pdata[m];

      g_assert_cmpstr (set->model, ==, models[m]);
      g_assert_cmpuint (set->summaries->len, ==, 10);
      g_assert_cmpuint (set->failures->len, ==, 0);
      /* in dataset order, whatever thread finished first */
      for (guint i = 0; i < 10; i++)
        g_assert_cmpstr (cls_case_summary_get_case_id (set->summaries->pdata[i]), ==,
                         cls_dataset_get_case_id (ds, i));
    }
}

/* One thread or many: the same summaries. */
static void
test_threads_agree (void)
{
  g_autoptr(ClsDataset) ds = cls_dataset_open (demo, NULL);
  ClsLoadOptions one, many;
  g_autoptr(ClsCaseSet) a = NULL;
  g_autoptr(ClsCaseSet) b = NULL;

  cls_load_options_init (&one);
  one.n_threads = 1;
  cls_load_options_init (&many);
  many.n_threads = 4;
  a = cls_dataset_load_model (ds, "noisy", &one, NULL, NULL, NULL, NULL);
  b = cls_dataset_load_model (ds, "noisy", &many, NULL, NULL, NULL, NULL);

  for (guint i = 0; i < a->summaries->len; i++)
    {
      ClsCaseSummary *x = a->summaries->pdata[i], *y = b->summaries->pdata[i];
      guint64 g = cls_case_summary_get_n_lesion (x);

      g_assert_cmpuint (g, ==, cls_case_summary_get_n_lesion (y));
      g_assert_cmpmem (cls_case_summary_get_lesion_probs (x), g * sizeof (double),
                       cls_case_summary_get_lesion_probs (y), g * sizeof (double));
      g_assert_cmpuint (cls_count_index_get_n_distinct (cls_case_summary_get_counts (x)), ==,
                        cls_count_index_get_n_distinct (cls_case_summary_get_counts (y)));
    }
}

static void
test_damaged_folder (void)
{
  g_autofree char *copy = g_build_filename (tmpdir, "damaged", NULL);
  g_autofree char *path = NULL;
  g_autoptr(ClsDataset) ds = NULL;
  g_autoptr(ClsCaseSet) set = NULL;
  g_autoptr(GError) error = NULL;
  const ClsCaseFailure *f;
  ClsLoadOptions strict;

  copy_tree (demo, copy);

  /* a stray file, a map without a label, a missing map, a label that is a
   * folder, a duplicate label, a truncated map */
  path = g_build_filename (copy, "labels", "notes.txt", NULL);
  g_assert_true (g_file_set_contents (path, "hello", -1, NULL));
  g_free (path);
  path = g_build_filename (copy, "probs", "sharp", "case_9999.nii.gz", NULL);
  g_assert_true (g_file_set_contents (path, "x", -1, NULL));
  g_free (path);
  path = g_build_filename (copy, "probs", "sharp", "case_0001.nii.gz", NULL);
  g_assert_cmpint (g_unlink (path), ==, 0);
  g_free (path);
  path = g_build_filename (copy, "labels", "case_0002.nii.gz", NULL);
  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_cmpint (g_mkdir (path, 0755), ==, 0);
  g_free (path);
  path = g_build_filename (copy, "labels", "case_0003.nii", NULL);
  g_assert_true (g_file_set_contents (path, "dup", -1, NULL));
  g_free (path);
  path = g_build_filename (copy, "probs", "sharp", "case_0004.nii.gz", NULL);
  g_assert_cmpint (truncate (path, 100), ==, 0);

  ds = cls_dataset_open (copy, &error);
  g_assert_no_error (error);
  g_assert_true (warnings_contain (ds, "notes.txt"));
  g_assert_true (warnings_contain (ds, "case_9999"));

  set = cls_dataset_load_model (ds, "sharp", NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (set->summaries->len, ==, 6);
  g_assert_cmpuint (set->failures->len, ==, 4);

  f = find_failure (set, "case_0001");
  g_assert_nonnull (f);
  g_assert_nonnull (strstr (f->message, "no probability map"));
  f = find_failure (set, "case_0002");
  g_assert_nonnull (f);
  g_assert_nonnull (strstr (f->message, "case_0002"));
  f = find_failure (set, "case_0003");
  g_assert_nonnull (f);
  g_assert_nonnull (strstr (f->message, "two label files"));
  f = find_failure (set, "case_0004");
  g_assert_nonnull (f);
  g_assert_nonnull (strstr (f->message, path));

  cls_load_options_init (&strict);
  strict.strict = TRUE;
  g_clear_pointer (&set, cls_case_set_free);
  set = cls_dataset_load_model (ds, "sharp", &strict, NULL, NULL, NULL, &error);
  g_assert_null (set);
  g_assert_error (error, CLS_ERROR, CLS_ERROR_DATASET);
  g_clear_error (&error);

  /* a model that is not there */
  set = cls_dataset_load_model (ds, "unet", NULL, NULL, NULL, NULL, &error);
  g_assert_null (set);
  g_assert_error (error, CLS_ERROR, CLS_ERROR_DATASET);
  g_assert_nonnull (strstr (error->message, "unet"));
}

static void
test_not_a_dataset (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *empty = g_build_filename (tmpdir, "empty", NULL);
  g_autofree char *missing = g_build_filename (tmpdir, "missing", NULL);
  g_autoptr(ClsDataset) a = NULL;
  g_autoptr(ClsDataset) b = NULL;

  g_assert_cmpint (g_mkdir (empty, 0755), ==, 0);
  a = cls_dataset_open (empty, &error);
  g_assert_null (a);
  g_assert_error (error, CLS_ERROR, CLS_ERROR_DATASET);
  g_assert_nonnull (strstr (error->message, empty));
  g_clear_error (&error);

  b = cls_dataset_open (missing, &error);
  g_assert_null (b);
  g_assert_error (error, CLS_ERROR, CLS_ERROR_DATASET);
  g_assert_nonnull (strstr (error->message, missing));
}

/* A manifest over the demo files gives the same summaries as the folder,
 * and its problems are reported per case. */
static void
test_manifest (void)
{
  g_autofree char *manifest = g_build_filename (demo, "..", "demo.csv", NULL);
  g_autoptr(GString) csv = g_string_new ("case,label,model,prob,image\n");
  g_autoptr(ClsDataset) folder = cls_dataset_open (demo, NULL);
  g_autoptr(ClsDataset) ds = NULL;
  g_autoptr(ClsCaseSet) a = NULL;
  g_autoptr(ClsCaseSet) b = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < 10; i++)
    g_string_append_printf (csv, "case_%04u,demo/labels/case_%04u.nii.gz,sharp,demo/probs/sharp/case_%04u.nii.gz,"
                                 "demo/images/case_%04u.nii.gz\n", i, i, i, i);
  /* listed twice, and a path that climbs out */
  g_string_append (csv, "case_0005,demo/labels/case_0005.nii.gz,sharp,demo/probs/sharp/case_0005.nii.gz,\n");
  g_string_append (csv, "outside,../../etc/passwd,sharp,demo/probs/sharp/case_0001.nii.gz,\n");
  g_assert_true (g_file_set_contents (manifest, csv->str, -1, NULL));

  ds = cls_dataset_open (manifest, &error);
  g_assert_no_error (error);
  g_assert_true (cls_dataset_is_manifest (ds));
  g_assert_true (warnings_contain (ds, "../../etc/passwd"));

  a = cls_dataset_load_model (ds, "sharp", NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  b = cls_dataset_load_model (folder, "sharp", NULL, NULL, NULL, NULL, NULL);

  g_assert_nonnull (find_failure (a, "case_0005"));
  g_assert_nonnull (strstr (find_failure (a, "case_0005")->message, "twice"));
  g_assert_nonnull (find_failure (a, "outside"));
  g_assert_cmpuint (a->summaries->len, ==, 9);
  for (guint i = 0, j = 0; i < b->summaries->len; i++)
    {
      ClsCaseSummary *y = b->summaries->pdata[i];
      ClsCaseSummary *x;

      if (strcmp (cls_case_summary_get_case_id (y), "case_0005") == 0)
        continue;
      x = a->summaries->pdata[j++];
      g_assert_cmpstr (cls_case_summary_get_case_id (x), ==, cls_case_summary_get_case_id (y));
      g_assert_cmpuint (cls_case_summary_get_n_lesion (x), ==, cls_case_summary_get_n_lesion (y));
    }
}

static void
test_cancel (void)
{
  g_autoptr(ClsDataset) ds = cls_dataset_open (demo, NULL);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(ClsCaseSet) set = NULL;

  g_cancellable_cancel (cancellable);
  set = cls_dataset_load_model (ds, "sharp", NULL, NULL, NULL, cancellable, &error);
  g_assert_null (set);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

int
main (int argc, char *argv[])
{
  ClsDemoOptions options = { .n_cases = 10, .seed = 3, .dims = { 24, 24, 12 } };
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  tmpdir = cls_test_make_tmpdir ();
  demo = g_build_filename (tmpdir, "demo", NULL);
  if (!cls_demo_write (demo, &options, NULL, NULL, NULL, &error))
    g_error ("%s", error->message);

  g_test_add_func ("/dataset/folder", test_folder);
  g_test_add_func ("/dataset/threads-agree", test_threads_agree);
  g_test_add_func ("/dataset/damaged-folder", test_damaged_folder);
  g_test_add_func ("/dataset/not-a-dataset", test_not_a_dataset);
  g_test_add_func ("/dataset/manifest", test_manifest);
  g_test_add_func ("/dataset/cancel", test_cancel);

  status = g_test_run ();
  cls_test_rm_rf (tmpdir);
  return status;
}
