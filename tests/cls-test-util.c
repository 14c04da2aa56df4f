/* cls-test-util.c
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include <glib/gstdio.h>
#include <gio/gio.h>

#include "cls-test-util.h"

/**
 * cls_test_make_tmpdir:
 *
 * Returns: (transfer full): a new empty folder; remove it with cls_test_rm_rf()
 */
char *
cls_test_make_tmpdir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("cls-test-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static void
rm_rf_file (GFile *file)
{
  g_autoptr(GFileEnumerator) children = NULL;

  children = g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                        G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  if (children != NULL)
    {
      GFileInfo *info;

      while ((info = g_file_enumerator_next_file (children, NULL, NULL)) != NULL)
        {
          g_autoptr(GFile) child = g_file_get_child (file, g_file_info_get_name (info));

          rm_rf_file (child);
          g_object_unref (info);
        }
    }

  g_file_delete (file, NULL, NULL);
}

void
cls_test_rm_rf (const char *path)
{
  g_autoptr(GFile) file = NULL;

  if (path == NULL)
    return;

  /* Folders made read-only by a test must be writable again to be removed. */
  g_chmod (path, 0755);
  file = g_file_new_for_path (path);
  rm_rf_file (file);
}

/**
 * cls_test_seed:
 *
 * A seed for the test's random inputs: fixed by default so failures are
 * reproducible, overridable with CLS_TEST_SEED to explore.
 */
guint64
cls_test_seed (void)
{
  const char *env = g_getenv ("CLS_TEST_SEED");

  if (env != NULL && *env != '\0')
    return g_ascii_strtoull (env, NULL, 10);

  return 12345;
}

/**
 * cls_test_summary_new:
 * @case_id: a name
 * @probs: (array length=n): every voxel's probability
 * @lesion: (array length=n): 1 for lesion voxels
 * @n: voxels
 *
 * Builds a summary straight from arrays, the way the volume reader would.
 *
 * Returns: (transfer full): the summary
 */
ClsCaseSummary *
cls_test_summary_new (const char   *case_id,
                      const double *probs,
                      const guint8 *lesion,
                      gsize         n)
{
  g_autoptr(ClsCountIndexBuilder) builder = cls_count_index_builder_new ();
  g_autoptr(GArray) lesion_probs = g_array_new (FALSE, FALSE, sizeof (double));

  for (gsize i = 0; i < n; i++)
    if (lesion[i])
      g_array_append_val (lesion_probs, probs[i]);

  cls_count_index_builder_add (builder, probs, n);

  return cls_case_summary_new (case_id, "test", n,
                               (const double *) (gpointer) lesion_probs->data,
                               lesion_probs->len,
                               cls_count_index_builder_finish (builder));
}

/**
 * cls_test_summary_new_from_grid:
 * @case_id: a name
 * @dims: the volume's size
 * @spacing: voxel size in mm
 * @probs: every voxel's probability (stored as float32)
 * @lesion: 1 for lesion voxels
 *
 * Builds a summary through the volume reader's path, lesions included.
 *
 * Returns: (transfer full): the summary
 */
ClsCaseSummary *
cls_test_summary_new_from_grid (const char   *case_id,
                                const gint64  dims[3],
                                const double  spacing[3],
                                const double *probs,
                                const guint8 *lesion)
{
  double affine[4][4] = { { spacing[0], 0, 0, 0 }, { 0, spacing[1], 0, 0 }, { 0, 0, spacing[2], 0 }, { 0, 0, 0, 1 } };
  g_autoptr(ClsVolume) prob = cls_volume_new (dims, 1, CLS_DATATYPE_FLOAT32, affine);
  g_autoptr(ClsVolume) label = cls_volume_new (dims, 1, CLS_DATATYPE_UINT8, affine);
  g_autoptr(GError) error = NULL;
  gint64 n = dims[0] * dims[1] * dims[2];
  ClsCaseSummary *s;

  for (gint64 i = 0; i < n; i++)
    {
      ((float *) cls_volume_get_data (prob))[i] = (float) probs[i];
      ((guint8 *) cls_volume_get_data (label))[i] = lesion[i];
    }
  s = cls_case_summary_new_from_volumes (case_id, "test", prob, label, NULL, &error);
  g_assert_no_error (error);
  return s;
}

/**
 * cls_test_flood_fill:
 * @mask: (array): 1 for lesion voxels, x fastest
 * @dims: the volume's size
 * @label: (out caller-allocates): per voxel its lesion, or -1
 *
 * Brute force: a flood fill over the dense grid, 26 neighbours, lesions
 * numbered in the order of their first voxel.
 *
 * Returns: the number of lesions
 */
guint32
cls_test_flood_fill (const guint8 *mask,
            const gint64  dims[3],
            gint32       *label)
{
  gint64 n = dims[0] * dims[1] * dims[2];
  g_autofree gint64 *stack = g_new (gint64, MAX (n, 1));
  guint32 n_labels = 0;

  for (gint64 i = 0; i < n; i++)
    label[i] = -1;

  for (gint64 i = 0; i < n; i++)
    {
      gint64 top = 0;

      if (!mask[i] || label[i] >= 0)
        continue;
      label[i] = (gint32) n_labels;
      stack[top++] = i;
      while (top > 0)
        {
          gint64 v = stack[--top];
          gint64 x = v % dims[0], y = (v / dims[0]) % dims[1], z = v / (dims[0] * dims[1]);

          for (int dz = -1; dz <= 1; dz++)
            for (int dy = -1; dy <= 1; dy++)
              for (int dx = -1; dx <= 1; dx++)
                {
                  gint64 xx = x + dx, yy = y + dy, zz = z + dz, w;

                  if (xx < 0 || yy < 0 || zz < 0 || xx >= dims[0] || yy >= dims[1] || zz >= dims[2])
                    continue;
                  w = xx + dims[0] * (yy + dims[1] * zz);
                  if (mask[w] && label[w] < 0)
                    {
                      label[w] = (gint32) n_labels;
                      stack[top++] = w;
                    }
                }
        }
      n_labels++;
    }
  return n_labels;
}

/**
 * cls_test_run_cls:
 * @env: (nullable): NAME, VALUE, … pairs added to the environment, NULL-terminated
 * @setup: (nullable): runs in the child before `cls` starts
 * @setup_data: its data
 * @args: the arguments after the program, NULL-terminated
 *
 * Runs $CLS_BIN and collects its output. A child killed by a signal fails
 * the test with its standard error (SIGALRM: it hung).
 *
 * Returns: the run; status -1 (with a test message) when it did not start
 */
ClsTestRun
cls_test_run_cls (const char * const   *env,
                  GSpawnChildSetupFunc  setup,
                  gpointer              setup_data,
                  const char * const   *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_auto(GStrv) envp = g_get_environ ();
  g_autoptr(GError) error = NULL;
  const char *bin = g_getenv ("CLS_BIN");
  ClsTestRun r = { -1, NULL, NULL };
  int wait_status;

  g_assert_nonnull (bin);
  g_ptr_array_add (argv, (gpointer) bin);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  for (guint i = 0; env != NULL && env[i] != NULL; i += 2)
    envp = g_environ_setenv (envp, env[i], env[i + 1], TRUE);

  if (!g_spawn_sync (NULL, (char **) argv->pdata, envp, G_SPAWN_DEFAULT,
                     setup, setup_data, &r.out, &r.err, &wait_status, &error))
    {
      g_test_message ("cannot run %s: %s", bin, error->message);
      return r;
    }

  if (WIFSIGNALED (wait_status))
    g_error ("cls %s was killed by signal %d (%s)%s\n%s", args[0], WTERMSIG (wait_status),
             g_strsignal (WTERMSIG (wait_status)),
             WTERMSIG (wait_status) == SIGALRM ? ": it hung" : "", r.err);
  g_assert_true (WIFEXITED (wait_status));
  r.status = WEXITSTATUS (wait_status);
  return r;
}

void
cls_test_run_clear (ClsTestRun *run)
{
  g_clear_pointer (&run->out, g_free);
  g_clear_pointer (&run->err, g_free);
}
