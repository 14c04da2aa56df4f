/* cls-manifest.c
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * RFC 4180 CSV: fields may be quoted, quoted fields may hold commas, doubled
 * quotes and line breaks; CRLF or LF line ends; a UTF-8 byte order mark is
 * skipped. Paths are relative to the manifest's folder. A path that leaves
 * that folder (absolute, or climbing with "..") is allowed, since datasets
 * often live beside each other, but it is reported as a warning so that no
 * file outside the dataset is read without the user seeing it.
 */
#include "config.h"

#include <inttypes.h>

#include <string.h>
#include <sys/stat.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "cls-error.h"
#include "cls-manifest.h"

#define MAX_MANIFEST_BYTES (256u * 1024u * 1024u)

enum { COL_CASE, COL_LABEL, COL_MODEL, COL_PROB, COL_IMAGE, N_COLS };
static const char *column_names[N_COLS] = { "case", "label", "model", "prob", "image" };

struct _ClsManifest
{
  char      *path;
  char      *folder;
  GPtrArray *rows;      /* ClsManifestRow* */
  GPtrArray *warnings;  /* char* */
};

static void
row_free (ClsManifestRow *row)
{
  g_free (row->case_id);
  g_free (row->label);
  g_free (row->model);
  g_free (row->prob);
  g_free (row->image);
  g_free (row);
}

void
cls_manifest_free (ClsManifest *self)
{
  if (self == NULL)
    return;
  g_free (self->path);
  g_free (self->folder);
  g_ptr_array_unref (self->rows);
  g_ptr_array_unref (self->warnings);
  g_free (self);
}

/* Splits one record starting at *pos into fields. Returns FALSE at the end
 * of input; sets *error on an unterminated quote. */
static gboolean
next_record (const char   *text,
             gsize         length,
             gsize        *pos,
             guint        *line,
             GPtrArray    *fields,
             const char   *path,
             GError      **error)
{
  GString *field = g_string_new (NULL);
  gsize i = *pos;
  guint start_line = *line;
  gboolean in_quotes = FALSE;

  g_ptr_array_set_size (fields, 0);

  if (i >= length)
    {
      g_string_free (field, TRUE);
      return FALSE;
    }

  for (;;)
    {
      char c;

      if (i >= length)
        {
          if (in_quotes)
            {
              g_set_error (error, CLS_ERROR, CLS_ERROR_DATASET,
                           _("%s: line %u: a quoted field is never closed"), path, start_line);
              g_string_free (field, TRUE);
              return FALSE;
            }
          g_ptr_array_add (fields, g_string_free (field, FALSE));
          break;
        }

      c = text[i++];

      if (in_quotes)
        {
          if (c == '"')
            {
              if (i < length && text[i] == '"')
                {
                  g_string_append_c (field, '"');
                  i++;
                }
              else
                in_quotes = FALSE;
            }
          else
            {
              if (c == '\n')
                (*line)++;
              g_string_append_c (field, c);
            }
          continue;
        }

      if (c == '"' && field->len == 0)
        in_quotes = TRUE;
      else if (c == ',')
        {
          g_ptr_array_add (fields, g_string_free (field, FALSE));
          field = g_string_new (NULL);
        }
      else if (c == '\n' || c == '\r')
        {
          if (c == '\r' && i < length && text[i] == '\n')
            i++;
          (*line)++;
          g_ptr_array_add (fields, g_string_free (field, FALSE));
          break;
        }
      else
        g_string_append_c (field, c);
    }

  *pos = i;
  return TRUE;
}

static gboolean
escapes_folder (const char *relative)
{
  g_auto(GStrv) parts = NULL;
  int depth = 0;

  if (g_path_is_absolute (relative))
    return TRUE;

  parts = g_strsplit (relative, "/", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      if (strcmp (parts[i], "..") == 0)
        {
          if (--depth < 0)
            return TRUE;
        }
      else if (parts[i][0] != '\0' && strcmp (parts[i], ".") != 0)
        depth++;
    }
  return FALSE;
}

static char *
resolve (ClsManifest *self,
         const char  *value,
         guint        line,
         const char  *column)
{
  if (escapes_folder (value))
    g_ptr_array_add (self->warnings,
                     g_strdup_printf (_("%s: line %u: the %s path “%s” points outside the manifest's folder"),
                                      self->path, line, column, value));

  if (g_path_is_absolute (value))
    return g_strdup (value);
  return g_build_filename (self->folder, value, NULL);
}

/**
 * cls_manifest_parse:
 * @path: the manifest's path (for messages and to resolve relative paths)
 * @contents: the file's bytes
 * @length: how many
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the manifest
 */
ClsManifest *
cls_manifest_parse (const char  *path,
                    const char  *contents,
                    gsize        length,
                    GError     **error)
{
  g_autoptr(ClsManifest) self = g_new0 (ClsManifest, 1);
  g_autoptr(GPtrArray) fields = g_ptr_array_new_with_free_func (g_free);
  int column_of[N_COLS];
  gsize pos = 0;
  guint line = 1;
  guint header_fields;
  const char *bad;

  self->path = g_strdup (path);
  self->folder = g_path_get_dirname (path);
  self->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) row_free);
  self->warnings = g_ptr_array_new_with_free_func (g_free);

  if (!g_utf8_validate (contents, length, &bad))
    {
      guint bad_line = 1;

      for (const char *p = contents; p < bad; p++)
        bad_line += *p == '\n';
      g_set_error (error, CLS_ERROR, CLS_ERROR_DATASET,
                   _("%s: line %u: bytes that are not UTF-8 text; save the manifest as UTF-8"),
                   path, bad_line);
      return NULL;
    }

  if (length >= 3 && memcmp (contents, "\xef\xbb\xbf", 3) == 0)
    pos = 3;

  /* Skip blank lines before the header. */
  do
    {
      if (!next_record (contents, length, &pos, &line, fields, path, error))
        {
          if (error != NULL && *error == NULL)
            g_set_error (error, CLS_ERROR, CLS_ERROR_DATASET,
                         _("%s: the manifest is empty; it needs a header line case,label,model,prob[,image]"),
                         path);
          return NULL;
        }
    }
  while (fields->len == 1 && *(char *) fields->pdata[0] == '\0');

  for (int c = 0; c < N_COLS; c++)
    column_of[c] = -1;
  header_fields = fields->len;
  for (guint f = 0; f < fields->len; f++)
    {
      g_autofree char *name = g_ascii_strdown (g_strstrip ((char *) fields->pdata[f]), -1);
      gboolean known = FALSE;

      for (int c = 0; c < N_COLS; c++)
        if (strcmp (name, column_names[c]) == 0)
          {
            if (column_of[c] >= 0)
              {
                g_set_error (error, CLS_ERROR, CLS_ERROR_DATASET,
                             _("%s: line %u: the column “%s” appears twice in the header"),
                             path, line - 1, name);
                return NULL;
              }
            column_of[c] = (int) f;
            known = TRUE;
          }
      if (!known)
        g_ptr_array_add (self->warnings,
                         g_strdup_printf (_("%s: the column “%s” is not one we use; it is ignored"),
                                          path, name));
    }

  for (int c = 0; c < COL_IMAGE; c++)
    if (column_of[c] < 0)
      {
        g_set_error (error, CLS_ERROR, CLS_ERROR_DATASET,
                     _("%s: the header has no “%s” column; it needs case,label,model,prob[,image]"),
                     path, column_names[c]);
        return NULL;
      }

  for (;;)
    {
      guint row_line = line;
      ClsManifestRow *row;
      const char *values[N_COLS] = { NULL };
      g_autoptr(GError) local_error = NULL;

      if (!next_record (contents, length, &pos, &line, fields, path, &local_error))
        {
          if (local_error != NULL)
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return NULL;
            }
          break;
        }

      if (fields->len == 1 && *(char *) fields->pdata[0] == '\0')
        continue;  /* blank line */

      if (fields->len != header_fields)
        {
          g_set_error (error, CLS_ERROR, CLS_ERROR_DATASET,
                       _("%s: line %u: %u fields where the header has %u (a comma in a path must be quoted)"),
                       path, row_line, fields->len, header_fields);
          return NULL;
        }

      for (int c = 0; c < N_COLS; c++)
        if (column_of[c] >= 0)
          values[c] = g_strstrip ((char *) fields->pdata[column_of[c]]);

      for (int c = 0; c < COL_IMAGE; c++)
        if (values[c][0] == '\0')
          {
            g_set_error (error, CLS_ERROR, CLS_ERROR_DATASET,
                         _("%s: line %u: the “%s” field is empty"), path, row_line, column_names[c]);
            return NULL;
          }

      if (strchr (values[COL_CASE], '/') != NULL || strcmp (values[COL_CASE], ".") == 0 ||
          strcmp (values[COL_CASE], "..") == 0)
        {
          g_set_error (error, CLS_ERROR, CLS_ERROR_DATASET,
                       _("%s: line %u: the case id “%s” must not contain “/”"),
                       path, row_line, values[COL_CASE]);
          return NULL;
        }

      row = g_new0 (ClsManifestRow, 1);
      row->line = row_line;
      row->case_id = g_strdup (values[COL_CASE]);
      row->model = g_strdup (values[COL_MODEL]);
      row->label = resolve (self, values[COL_LABEL], row_line, column_names[COL_LABEL]);
      row->prob = resolve (self, values[COL_PROB], row_line, column_names[COL_PROB]);
      if (values[COL_IMAGE] != NULL && values[COL_IMAGE][0] != '\0')
        row->image = resolve (self, values[COL_IMAGE], row_line, column_names[COL_IMAGE]);
      g_ptr_array_add (self->rows, row);
    }

  if (self->rows->len == 0)
    {
      g_set_error (error, CLS_ERROR, CLS_ERROR_DATASET,
                   _("%s: the manifest lists no cases"), path);
      return NULL;
    }

  return g_steal_pointer (&self);
}

/**
 * cls_manifest_load:
 * @path: a CSV file
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the manifest
 */
ClsManifest *
cls_manifest_load (const char  *path,
                   GError     **error)
{
  g_autofree char *contents = NULL;
  g_autoptr(GError) local_error = NULL;
  GStatBuf st;
  gsize length;

  /* Devices and pipes are refused before they are opened: reading
   * /dev/zero never ends and opening a FIFO waits for a writer. */
  if (g_stat (path, &st) == 0)
    {
      if (S_ISDIR (st.st_mode))
        {
          g_set_error (error, CLS_ERROR, CLS_ERROR_IO, _("%s: is a folder, not a file"), path);
          return NULL;
        }
      if (!S_ISREG (st.st_mode))
        {
          g_set_error (error, CLS_ERROR, CLS_ERROR_IO,
                       _("%s: is not a regular file; a manifest must be a CSV file"), path);
          return NULL;
        }
      if (st.st_size > MAX_MANIFEST_BYTES)
        {
          g_set_error (error, CLS_ERROR, CLS_ERROR_TOO_LARGE,
                       _("%s: %" PRId64 " bytes is too large for a manifest"),
                       path, (gint64) st.st_size);
          return NULL;
        }
    }

  if (!g_file_get_contents (path, &contents, &length, &local_error))
    {
      g_set_error (error, CLS_ERROR, CLS_ERROR_IO, "%s", local_error->message);
      return NULL;
    }

  return cls_manifest_parse (path, contents, length, error);
}

guint
cls_manifest_get_n_rows (const ClsManifest *self)
{
  return self->rows->len;
}

const ClsManifestRow *
cls_manifest_get_row (const ClsManifest *self,
                      guint              i)
{
  g_return_val_if_fail (i < self->rows->len, NULL);
  return self->rows->pdata[i];
}

/**
 * cls_manifest_get_warnings:
 * @self: a manifest
 *
 * Returns: (transfer none) (element-type utf8): things the user should see
 */
GPtrArray *
cls_manifest_get_warnings (const ClsManifest *self)
{
  return self->warnings;
}
