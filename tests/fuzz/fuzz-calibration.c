/* fuzz-calibration.c: the calibration document `cls apply` reads
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each input is a file for cls_calibration_file_read(). A refusal names the
 * file; an accepted document has a cut in [0, 1].
 */
#include "config.h"

#include "cls-error.h"
#include "cls-result-json.h"
#include "fuzz-common.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  const char *path = fuzz_memory_file (data, size);
  ClsCalibrationFile file;
  g_autoptr(GError) error = NULL;

  if (!cls_calibration_file_read (path, &file, &error))
    {
      fuzz_check_refusal (path, error);
      FUZZ_CHECK (file.model == NULL, "a refused file left a model behind");
      return 0;
    }

  FUZZ_CHECK (file.cut >= 0.0 && file.cut <= 1.0, "cut %g", file.cut);
  FUZZ_CHECK (file.normalize == CLS_NORMALIZE_NONE || file.normalize == CLS_NORMALIZE_MINMAX,
              "normalize %d", file.normalize);
  FUZZ_CHECK (file.model == NULL || g_utf8_validate (file.model, -1, NULL), "model not UTF-8");
  cls_calibration_file_clear (&file);
  return 0;
}
