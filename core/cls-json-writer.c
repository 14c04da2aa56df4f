/* cls-json-writer.c
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <inttypes.h>

#include <math.h>
#include <string.h>

#include "cls-json-writer.h"

struct _ClsJsonWriter
{
  GString  *out;
  gboolean  pretty;
  guint     depth;
  gboolean  need_comma;
  gboolean  after_member;
};

ClsJsonWriter *
cls_json_writer_new (gboolean pretty)
{
  ClsJsonWriter *self = g_new0 (ClsJsonWriter, 1);

  self->out = g_string_new (NULL);
  self->pretty = pretty;
  return self;
}

void
cls_json_writer_free (ClsJsonWriter *self)
{
  if (self == NULL)
    return;
  if (self->out != NULL)
    g_string_free (self->out, TRUE);
  g_free (self);
}

/**
 * cls_json_writer_finish:
 * @self: a writer whose document is complete
 *
 * Returns: (transfer full): the document, ending in a newline
 */
char *
cls_json_writer_finish (ClsJsonWriter *self)
{
  GString *out = self->out;

  g_return_val_if_fail (self->depth == 0, NULL);
  self->out = NULL;
  g_string_append_c (out, '\n');
  return g_string_free (out, FALSE);
}

static void
newline (ClsJsonWriter *self)
{
  if (!self->pretty)
    return;
  g_string_append_c (self->out, '\n');
  for (guint i = 0; i < self->depth; i++)
    g_string_append (self->out, "  ");
}

/* Before any value: the comma and indentation, unless it follows a name. */
static void
before_value (ClsJsonWriter *self)
{
  if (self->after_member)
    {
      self->after_member = FALSE;
      return;
    }
  if (self->need_comma)
    g_string_append_c (self->out, ',');
  if (self->depth > 0)
    newline (self);
}

void
cls_json_writer_begin_object (ClsJsonWriter *self)
{
  before_value (self);
  g_string_append_c (self->out, '{');
  self->depth++;
  self->need_comma = FALSE;
}

void
cls_json_writer_end_object (ClsJsonWriter *self)
{
  g_return_if_fail (self->depth > 0);
  self->depth--;
  if (self->need_comma)
    newline (self);
  g_string_append_c (self->out, '}');
  self->need_comma = TRUE;
}

void
cls_json_writer_begin_array (ClsJsonWriter *self)
{
  before_value (self);
  g_string_append_c (self->out, '[');
  self->depth++;
  self->need_comma = FALSE;
}

void
cls_json_writer_end_array (ClsJsonWriter *self)
{
  g_return_if_fail (self->depth > 0);
  self->depth--;
  if (self->need_comma)
    newline (self);
  g_string_append_c (self->out, ']');
  self->need_comma = TRUE;
}

static void
append_escaped (GString    *out,
                const char *s)
{
  g_string_append_c (out, '"');
  for (const guchar *p = (const guchar *) s; *p; p++)
    {
      switch (*p)
        {
        case '"': g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        case '\b': g_string_append (out, "\\b"); break;
        case '\f': g_string_append (out, "\\f"); break;
        default:
          if (*p < 0x20)
            g_string_append_printf (out, "\\u%04x", *p);
          else
            g_string_append_c (out, (char) *p);
        }
    }
  g_string_append_c (out, '"');
}

void
cls_json_writer_member (ClsJsonWriter *self,
                        const char    *name)
{
  if (self->need_comma)
    g_string_append_c (self->out, ',');
  newline (self);
  append_escaped (self->out, name);
  g_string_append (self->out, self->pretty ? ": " : ":");
  self->after_member = TRUE;
  self->need_comma = FALSE;
}

static void
after_value (ClsJsonWriter *self)
{
  self->need_comma = TRUE;
}

/**
 * cls_json_writer_string:
 * @self: a writer
 * @value: (nullable): UTF-8 text; invalid bytes are replaced so the
 *   document stays valid JSON
 */
void
cls_json_writer_string (ClsJsonWriter *self,
                        const char    *value)
{
  before_value (self);
  if (value == NULL)
    g_string_append (self->out, "null");
  else if (g_utf8_validate (value, -1, NULL))
    append_escaped (self->out, value);
  else
    {
      g_autofree char *valid = g_utf8_make_valid (value, -1);
      append_escaped (self->out, valid);
    }
  after_value (self);
}

void
cls_json_writer_int (ClsJsonWriter *self,
                     gint64         value)
{
  before_value (self);
  g_string_append_printf (self->out, "%" PRId64, value);
  after_value (self);
}

void
cls_json_writer_uint (ClsJsonWriter *self,
                      guint64        value)
{
  before_value (self);
  g_string_append_printf (self->out, "%" PRIu64, value);
  after_value (self);
}

void
cls_json_writer_raw_number (ClsJsonWriter *self,
                            const char    *text)
{
  before_value (self);
  g_string_append (self->out, text);
  after_value (self);
}

/**
 * cls_format_double:
 * @value: a finite double
 *
 * Returns: (transfer full): the shortest decimal (C locale) that reads back
 *   as @value
 */
char *
cls_format_double (double value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  for (int digits = 1; digits <= 17; digits++)
    {
      char fmt[8];

      g_snprintf (fmt, sizeof fmt, "%%.%dg", digits);
      g_ascii_formatd (buf, sizeof buf, fmt, value);
      if (g_ascii_strtod (buf, NULL) == value)
        break;
    }
  return g_strdup (buf);
}

/**
 * cls_format_float32:
 * @value: a double holding a float32 value
 *
 * Returns: (transfer full): the shortest decimal that reads back as the same
 *   float32 (at most 9 significant digits, the %.9g of the contract); a
 *   value that is not a float32 is printed as a double
 */
char *
cls_format_float32 (double value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if ((double) (float) value != value)
    return cls_format_double (value);

  for (int digits = 1; digits <= 9; digits++)
    {
      char fmt[8];

      g_snprintf (fmt, sizeof fmt, "%%.%dg", digits);
      g_ascii_formatd (buf, sizeof buf, fmt, value);
      if ((float) g_ascii_strtod (buf, NULL) == (float) value)
        break;
    }
  return g_strdup (buf);
}

void
cls_json_writer_double (ClsJsonWriter *self,
                        double         value)
{
  g_autofree char *text = NULL;

  if (!isfinite (value))
    {
      cls_json_writer_null (self);
      return;
    }
  text = cls_format_double (value);
  cls_json_writer_raw_number (self, text);
}

void
cls_json_writer_float32 (ClsJsonWriter *self,
                         double         value)
{
  g_autofree char *text = NULL;

  if (!isfinite (value))
    {
      cls_json_writer_null (self);
      return;
    }
  text = cls_format_float32 (value);
  cls_json_writer_raw_number (self, text);
}

void
cls_json_writer_boolean (ClsJsonWriter *self,
                         gboolean       value)
{
  before_value (self);
  g_string_append (self->out, value ? "true" : "false");
  after_value (self);
}

void
cls_json_writer_null (ClsJsonWriter *self)
{
  before_value (self);
  g_string_append (self->out, "null");
  after_value (self);
}
