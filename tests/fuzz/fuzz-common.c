/* fuzz-common.c
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <sys/mman.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "cls-error.h"
#include "fuzz-common.h"

static char *scratch;

static void
remove_scratch (void)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (scratch == NULL)
    return;
  dir = g_dir_open (scratch, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (scratch, name, NULL);
      g_unlink (path);
    }
  g_rmdir (scratch);
}

static void
fuzz_init (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done))
    {
      /* A critical is a bug in the core, never an expected outcome. */
      g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
      g_once_init_leave (&done, 1);
    }
}

/**
 * fuzz_memory_file:
 * @data: the bytes
 * @size: how many
 *
 * Returns: (transfer none): a path that reads as a regular file holding
 *   @data, valid until the next call
 */
const char *
fuzz_memory_file (const uint8_t *data,
                  size_t         size)
{
  static int fd = -1;
  static char *path;

  fuzz_init ();
  if (fd < 0)
    {
      fd = memfd_create ("fuzz-input", MFD_CLOEXEC);
      if (fd < 0)
        g_error ("memfd_create: %s", g_strerror (errno));
      path = g_strdup_printf ("/proc/self/fd/%d", fd);
    }

  if (ftruncate (fd, 0) != 0 ||
      (size > 0 && pwrite (fd, data, size, 0) != (ssize_t) size))
    g_error ("cannot write the fuzz input: %s", g_strerror (errno));

  return path;
}

/**
 * fuzz_scratch_dir:
 *
 * Returns: (transfer none): a folder for files the target writes (in
 *   /dev/shm when there is one), removed at exit
 */
const char *
fuzz_scratch_dir (void)
{
  if (scratch == NULL)
    {
      const char *base = g_file_test ("/dev/shm", G_FILE_TEST_IS_DIR) &&
                         access ("/dev/shm", W_OK) == 0 ? "/dev/shm" : g_get_tmp_dir ();
      g_autofree char *tmpl = g_build_filename (base, "cls-fuzz-XXXXXX", NULL);

      scratch = g_mkdtemp (g_steal_pointer (&tmpl));
      if (scratch == NULL)
        g_error ("cannot make a scratch folder: %s", g_strerror (errno));
      atexit (remove_scratch);
    }
  return scratch;
}

/**
 * fuzz_check_refusal:
 * @path: the file that was refused
 * @error: why
 *
 * A refusal is a #CLS_ERROR whose message starts with the file's name.
 */
void
fuzz_check_refusal (const char   *path,
                    const GError *error)
{
  FUZZ_CHECK (error != NULL, "refused without an error");
  FUZZ_CHECK (error->domain == CLS_ERROR, "domain %s: %s",
              g_quark_to_string (error->domain), error->message);
  FUZZ_CHECK (g_str_has_prefix (error->message, path), "the message does not name the file: %s",
              error->message);
}
