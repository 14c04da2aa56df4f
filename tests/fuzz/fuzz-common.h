/* fuzz-common.h: what the fuzz targets share
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The readers take paths, so each input is written to a memory file
 * (memfd) and read back through /proc/self/fd/N: no disk I/O per run.
 * Any GLib critical or warning is a finding, and so is a broken promise
 * (FUZZ_CHECK): an error without the file's name, an answer that does not
 * add up.
 */
#pragma once

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <glib.h>

G_BEGIN_DECLS

#define FUZZ_CHECK(cond, ...)                                                \
  G_STMT_START {                                                             \
    if (G_UNLIKELY (!(cond)))                                                \
      {                                                                      \
        fprintf (stderr, "%s:%d: broken promise: %s: ", __FILE__, __LINE__,  \
                 #cond);                                                     \
        fprintf (stderr, __VA_ARGS__);                                       \
        fputc ('\n', stderr);                                                \
        abort ();                                                            \
      }                                                                      \
  } G_STMT_END

const char *fuzz_memory_file (const uint8_t *data,
                              size_t         size);
const char *fuzz_scratch_dir (void);
void        fuzz_check_refusal (const char   *path,
                                const GError *error);

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

G_END_DECLS
