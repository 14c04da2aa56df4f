/* fuzz-manifest.c: the CSV manifest parser
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each input is a manifest's bytes. A refusal names the manifest; a manifest
 * that parses has rows whose fields are what the header promised, paths
 * resolved against its folder, and a warning for every path that leaves it.
 */
#include "config.h"

#include <string.h>

#include "cls-error.h"
#include "cls-manifest.h"
#include "fuzz-common.h"

#define MANIFEST "/data/set/manifest.csv"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(ClsManifest) m = NULL;
  g_autoptr(ClsManifest) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) load_error = NULL;
  const char *path;
  GPtrArray *warnings;
  guint n_outside = 0;

  m = cls_manifest_parse (MANIFEST, (const char *) data, size, &error);

  /* the same bytes from a file: the same verdict */
  path = fuzz_memory_file (data, size);
  loaded = cls_manifest_load (path, &load_error);
  FUZZ_CHECK ((m == NULL) == (loaded == NULL), "parse and load disagree");

  if (m == NULL)
    {
      fuzz_check_refusal (MANIFEST, error);
      fuzz_check_refusal (path, load_error);
      return 0;
    }

  FUZZ_CHECK (cls_manifest_get_n_rows (m) > 0, "a manifest with no rows");
  FUZZ_CHECK (cls_manifest_get_n_rows (m) == cls_manifest_get_n_rows (loaded), "row counts differ");

  for (guint i = 0; i < cls_manifest_get_n_rows (m); i++)
    {
      const ClsManifestRow *r = cls_manifest_get_row (m, i);

      FUZZ_CHECK (r->line >= 2, "row %u on line %u", i, r->line);
      FUZZ_CHECK (r->case_id[0] != '\0' && strchr (r->case_id, '/') == NULL,
                  "case id “%s”", r->case_id);
      FUZZ_CHECK (r->model[0] != '\0', "empty model");
      FUZZ_CHECK (g_utf8_validate (r->case_id, -1, NULL) && g_utf8_validate (r->model, -1, NULL),
                  "not UTF-8");
      FUZZ_CHECK (g_path_is_absolute (r->label) && g_path_is_absolute (r->prob),
                  "unresolved path");
      FUZZ_CHECK (r->image == NULL || g_path_is_absolute (r->image), "unresolved image");

      /* a path that does not start in the folder was warned about */
      n_outside += !g_str_has_prefix (r->label, "/data/set/");
      n_outside += !g_str_has_prefix (r->prob, "/data/set/");
      n_outside += r->image != NULL && !g_str_has_prefix (r->image, "/data/set/");
    }

  warnings = cls_manifest_get_warnings (m);
  FUZZ_CHECK (warnings->len >= n_outside, "%u paths outside, %u warnings", n_outside, warnings->len);
  for (guint i = 0; i < warnings->len; i++)
    FUZZ_CHECK (g_str_has_prefix (warnings->pdata[i], MANIFEST), "warning: %s",
                (char *) warnings->pdata[i]);

  return 0;
}
