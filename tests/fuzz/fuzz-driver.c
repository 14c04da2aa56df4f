/* fuzz-driver.c: runs a fuzz target without libFuzzer
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Builds without -Dfuzzing link this main instead of libFuzzer's, so the
 * targets keep compiling everywhere and a crash file from CI can be
 * replayed under gdb or valgrind:  fuzz-volume crash-1234 corpus/
 */
#include "config.h"

#include "fuzz-common.h"

static guint
run_path (const char *path)
{
  g_autofree char *contents = NULL;
  gsize len;
  guint n = 0;

  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          n += run_path (child);
        }
      return n;
    }

  if (!g_file_get_contents (path, &contents, &len, NULL))
    {
      g_printerr ("%s: cannot read\n", path);
      exit (2);
    }
  LLVMFuzzerTestOneInput ((const uint8_t *) contents, len);
  return 1;
}

int
main (int   argc,
      char *argv[])
{
  guint n = 0;

  if (argc < 2)
    {
      g_printerr ("Usage: %s FILE|FOLDER…\n", argv[0]);
      return 2;
    }
  for (int i = 1; i < argc; i++)
    n += run_path (argv[i]);
  g_print ("%u inputs ran without a finding\n", n);
  return 0;
}
