/* cls-summary-file.c
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Reading trusts nothing: every length is checked against the file's size
 * (and the payload's against what DEFLATE can expand to) before anything is
 * allocated, the checksum before anything is parsed, and every decoded value
 * before a summary is built from it. A failure is a CLS_ERROR_FORMAT error
 * (CLS_ERROR_IO when the file cannot be read) whose message names the file.
 */
#include "config.h"

#include <inttypes.h>

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libdeflate.h>

#include "cls-atomic-file.h"
#include "cls-components.h"
#include "cls-error.h"
#include "cls-json-writer.h"
#include "cls-summary-file.h"

#define FIXED_BYTES      32
#define CRC_BYTES        4
#define MAX_HEADER_BYTES (1u << 20)
#define MAX_FILE_BYTES   (G_GUINT64_CONSTANT (1) << 31)
#define MAX_RAW_BYTES    (G_GUINT64_CONSTANT (1) << 32)
#define DEFLATE_MAX_RATIO 1032  /* DEFLATE never expands data more than this */
#define FLAG_DEFLATE     1u
#define COMPRESSION_LEVEL 6

static const guint8 magic[8] = { 0x89, 'C', 'L', 'S', 'S', '\r', '\n', 0x1a };

static void
format_error (GError     **error,
              const char  *path,
              const char  *what)
{
  g_set_error (error, CLS_ERROR, CLS_ERROR_FORMAT, _("%s: not a usable CLS summary file: %s"), path, what);
}

/* Sources
 * ------- */

/**
 * cls_summary_source_init:
 * @source: (out caller-allocates): what to fill
 * @path: a source file
 * @error: return location for a #GError
 *
 * Records @path (made absolute), its size and modification time, and for a
 * gzip file the CRC-32 and size in its trailer.
 *
 * Returns: whether @path could be examined
 */
gboolean
cls_summary_source_init (ClsSummarySource  *source,
                         const char        *path,
                         GError           **error)
{
  GStatBuf st;
  guint8 head[2], tail[8];
  int fd;

  memset (source, 0, sizeof *source);
  if (g_stat (path, &st) != 0)
    {
      int saved_errno = errno;
      g_set_error (error, CLS_ERROR, CLS_ERROR_IO, _("%s: cannot read: %s"), path, g_strerror (saved_errno));
      return FALSE;
    }

  source->path = g_canonicalize_filename (path, NULL);
  source->size = (guint64) st.st_size;
  source->mtime = (gint64) st.st_mtim.tv_sec * G_USEC_PER_SEC + st.st_mtim.tv_nsec / 1000;

  fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (fd >= 0)
    {
      if (st.st_size >= 18 && pread (fd, head, 2, 0) == 2 && head[0] == 0x1f && head[1] == 0x8b &&
          pread (fd, tail, 8, st.st_size - 8) == 8)
        {
          source->is_gzip = TRUE;
          source->gzip_crc32 = GUINT32_FROM_LE (*(guint32 *) (gpointer) tail);
          source->gzip_size = GUINT32_FROM_LE (*(guint32 *) (gpointer) (tail + 4));
        }
      close (fd);
    }

  return TRUE;
}

void
cls_summary_source_clear (ClsSummarySource *source)
{
  g_clear_pointer (&source->path, g_free);
}

/**
 * cls_summary_source_matches:
 * @recorded: a source as a summary file recorded it
 * @path: a file
 *
 * Returns: whether @path has the size, modification time and (for gzip)
 *   trailer that @recorded says: the summary was made from this file as it
 *   is now
 */
gboolean
cls_summary_source_matches (const ClsSummarySource *recorded,
                            const char             *path)
{
  ClsSummarySource now;
  gboolean same;

  if (!cls_summary_source_init (&now, path, NULL))
    return FALSE;
  same = now.size == recorded->size && now.mtime == recorded->mtime &&
         now.is_gzip == recorded->is_gzip && now.gzip_crc32 == recorded->gzip_crc32 &&
         now.gzip_size == recorded->gzip_size;
  cls_summary_source_clear (&now);
  return same;
}

void
cls_summary_file_header_free (ClsSummaryFileHeader *header)
{
  if (header == NULL)
    return;
  g_free (header->case_id);
  g_free (header->model);
  cls_summary_source_clear (&header->prob);
  cls_summary_source_clear (&header->label);
  g_free (header->created_by);
  g_free (header);
}

/**
 * cls_summary_options_equal:
 * @a: options
 * @b: other options
 *
 * Returns: whether summaries made with @a and @b are the same summaries
 */
gboolean
cls_summary_options_equal (const ClsSummaryOptions *a,
                           const ClsSummaryOptions *b)
{
  return a->label_value_set == b->label_value_set &&
         (!a->label_value_set || a->label_value == b->label_value) &&
         a->channel == b->channel && !a->logits == !b->logits;
}

/**
 * cls_summary_options_to_string:
 * @options: options
 *
 * Returns: (transfer full): the options as command-line options, e.g.
 *   “--label-value 2 --logits”, or “default options”
 */
char *
cls_summary_options_to_string (const ClsSummaryOptions *options)
{
  GString *s = g_string_new (NULL);

  if (options->label_value_set)
    {
      char buf[G_ASCII_DTOSTR_BUF_SIZE];
      g_string_append_printf (s, "--label-value %s", g_ascii_formatd (buf, sizeof buf, "%.17g", options->label_value));
    }
  if (options->channel >= 0)
    g_string_append_printf (s, "%s--channel %d", s->len ? " " : "", options->channel);
  if (options->logits)
    g_string_append_printf (s, "%s--logits", s->len ? " " : "");
  if (s->len == 0)
    g_string_append (s, _("default options"));

  return g_string_free (s, FALSE);
}

/* Writing
 * ------- */

static void
put_varint (GByteArray *out,
            guint64     v)
{
  guint8 buf[10];
  guint n = 0;

  do
    {
      guint8 b = v & 0x7f;

      v >>= 7;
      buf[n++] = b | (v != 0 ? 0x80 : 0);
    }
  while (v != 0);
  g_byte_array_append (out, buf, n);
}

static guint64
bits_of (gconstpointer values,
         gboolean      wide,
         gsize         i)
{
  if (wide)
    {
      guint64 b;
      memcpy (&b, (const double *) values + i, sizeof b);
      return b;
    }
  else
    {
      guint32 b;
      memcpy (&b, (const float *) values + i, sizeof b);
      return b;
    }
}

static GByteArray *
encode_payload (const ClsCaseSummary *summary)
{
  const ClsCountIndex *counts = cls_case_summary_get_counts (summary);
  guint64 g = cls_case_summary_get_n_lesion (summary);
  gsize nd = cls_count_index_get_n_distinct (counts);
  gboolean lesion_wide, values_wide;
  gconstpointer lesion = cls_case_summary_get_lesion_data (summary, &lesion_wide);
  gconstpointer values = cls_count_index_get_values (counts, &values_wide);
  const ClsComponents *components = cls_case_summary_get_components (summary);
  GByteArray *out = g_byte_array_sized_new ((guint) MIN (G_MAXUINT, 3 * g + 4 * nd + 16));
  guint64 prev = 0;

  for (guint64 i = 0; i < g; i++)
    {
      guint64 b = bits_of (lesion, lesion_wide, i);

      /* sorted from largest: each pattern is at most the previous one */
      put_varint (out, i == 0 ? b : prev - b);
      prev = b;
    }
  for (gsize i = 0; i < nd; i++)
    {
      guint64 b = bits_of (values, values_wide, i);

      put_varint (out, i == 0 ? b : b - prev);
      prev = b;
    }
  for (gsize i = 0; i < nd; i++)
    put_varint (out, cls_count_index_get_count (counts, i));

  if (components != NULL)
    {
      g_autofree guint32 *ids = cls_components_ids_in_order (components);

      for (guint64 i = 0; i < g; i++)
        put_varint (out, ids[i]);
    }

  return out;
}

static void
write_source (ClsJsonWriter          *w,
              const char             *name,
              const ClsSummarySource *source)
{
  cls_json_writer_member (w, name);
  if (source == NULL || source->path == NULL)
    {
      cls_json_writer_null (w);
      return;
    }
  cls_json_writer_begin_object (w);
  cls_json_writer_member (w, "path");
  cls_json_writer_string (w, source->path);
  cls_json_writer_member (w, "size");
  cls_json_writer_uint (w, source->size);
  cls_json_writer_member (w, "mtime_us");
  cls_json_writer_int (w, source->mtime);
  if (source->is_gzip)
    {
      cls_json_writer_member (w, "gzip_crc32");
      cls_json_writer_uint (w, source->gzip_crc32);
      cls_json_writer_member (w, "gzip_size");
      cls_json_writer_uint (w, source->gzip_size);
    }
  cls_json_writer_end_object (w);
}

static char *
encode_header (const ClsCaseSummary    *summary,
               const ClsSummaryOptions *options,
               const ClsSummarySource  *prob,
               const ClsSummarySource  *label,
               gsize                    raw_len)
{
  g_autoptr(ClsJsonWriter) w = cls_json_writer_new (TRUE);
  const ClsCountIndex *counts = cls_case_summary_get_counts (summary);
  const ClsComponents *components = cls_case_summary_get_components (summary);
  gboolean lesion_wide, values_wide;

  cls_case_summary_get_lesion_data (summary, &lesion_wide);
  cls_count_index_get_values (counts, &values_wide);

  cls_json_writer_begin_object (w);
  cls_json_writer_member (w, "format");
  cls_json_writer_string (w, "cls-summary");
  cls_json_writer_member (w, "version");
  cls_json_writer_uint (w, CLS_SUMMARY_FILE_VERSION);
  cls_json_writer_member (w, "case");
  cls_json_writer_string (w, cls_case_summary_get_case_id (summary));
  cls_json_writer_member (w, "model");
  cls_json_writer_string (w, cls_case_summary_get_model (summary));
  cls_json_writer_member (w, "n_voxels");
  cls_json_writer_uint (w, cls_case_summary_get_n_voxels (summary));
  cls_json_writer_member (w, "n_lesion");
  cls_json_writer_uint (w, cls_case_summary_get_n_lesion (summary));
  cls_json_writer_member (w, "n_distinct");
  cls_json_writer_uint (w, cls_count_index_get_n_distinct (counts));
  cls_json_writer_member (w, "lesion_float32");
  cls_json_writer_boolean (w, !lesion_wide);
  cls_json_writer_member (w, "values_float32");
  cls_json_writer_boolean (w, !values_wide);
  cls_json_writer_member (w, "payload_bytes");
  cls_json_writer_uint (w, raw_len);
  cls_json_writer_member (w, "lesion_components");
  if (components != NULL)
    cls_json_writer_uint (w, cls_components_get_n (components));
  else
    cls_json_writer_null (w);
  cls_json_writer_member (w, "voxel_volume_mm3");
  cls_json_writer_double (w, cls_case_summary_get_voxel_volume (summary));

  cls_json_writer_member (w, "options");
  cls_json_writer_begin_object (w);
  cls_json_writer_member (w, "label_value");
  if (options->label_value_set)
    cls_json_writer_double (w, options->label_value);
  else
    cls_json_writer_null (w);
  cls_json_writer_member (w, "channel");
  cls_json_writer_int (w, options->channel);
  cls_json_writer_member (w, "logits");
  cls_json_writer_boolean (w, options->logits);
  cls_json_writer_end_object (w);

  cls_json_writer_member (w, "sources");
  cls_json_writer_begin_object (w);
  write_source (w, "prob", prob);
  write_source (w, "label", label);
  cls_json_writer_end_object (w);

  cls_json_writer_member (w, "created_by");
  cls_json_writer_string (w, PACKAGE_NAME " " PACKAGE_VERSION);
  cls_json_writer_end_object (w);

  return cls_json_writer_finish (w);
}

/**
 * cls_summary_file_encode:
 * @summary: a summary
 * @options: (nullable): the options it was made with (%NULL: defaults)
 * @prob: (nullable): the probability map it was made from
 * @label: (nullable): the label it was made from
 *
 * Returns: (transfer full): the bytes of a summary file
 */
GBytes *
cls_summary_file_encode (const ClsCaseSummary    *summary,
                         const ClsSummaryOptions *options,
                         const ClsSummarySource  *prob,
                         const ClsSummarySource  *label)
{
  g_autoptr(GByteArray) raw = encode_payload (summary);
  g_autofree char *header = NULL;
  g_autofree guint8 *packed = NULL;
  ClsSummaryOptions defaults;
  const guint8 *payload = raw->data;
  gsize payload_len = raw->len, header_len;
  guint32 flags = 0, crc;
  GByteArray *out;
  guint8 fixed[FIXED_BYTES] = { 0 };

  if (options == NULL)
    {
      cls_summary_options_init (&defaults);
      options = &defaults;
    }

  /* Compressed when that is smaller. */
  {
    struct libdeflate_compressor *c = libdeflate_alloc_compressor (COMPRESSION_LEVEL);
    gsize bound = libdeflate_deflate_compress_bound (c, raw->len);
    gsize got;

    packed = g_malloc (MAX (bound, 1));
    got = libdeflate_deflate_compress (c, raw->data, raw->len, packed, bound);
    libdeflate_free_compressor (c);
    if (got > 0 && got < raw->len)
      {
        payload = packed;
        payload_len = got;
        flags |= FLAG_DEFLATE;
      }
  }

  header = encode_header (summary, options, prob, label, raw->len);
  header_len = strlen (header);
  g_assert (header_len <= MAX_HEADER_BYTES);

  memcpy (fixed, magic, sizeof magic);
  *(guint32 *) (gpointer) (fixed + 8) = GUINT32_TO_LE (CLS_SUMMARY_FILE_VERSION);
  *(guint32 *) (gpointer) (fixed + 12) = GUINT32_TO_LE (flags);
  *(guint32 *) (gpointer) (fixed + 16) = GUINT32_TO_LE ((guint32) header_len);
  *(guint64 *) (gpointer) (fixed + 24) = GUINT64_TO_LE ((guint64) payload_len);

  out = g_byte_array_sized_new ((guint) (FIXED_BYTES + header_len + payload_len + CRC_BYTES));
  g_byte_array_append (out, fixed, FIXED_BYTES);
  g_byte_array_append (out, (const guint8 *) header, (guint) header_len);
  g_byte_array_append (out, payload, (guint) payload_len);
  crc = GUINT32_TO_LE ((guint32) libdeflate_crc32 (0, out->data, out->len));
  g_byte_array_append (out, (const guint8 *) &crc, CRC_BYTES);

  return g_byte_array_free_to_bytes (out);
}

/**
 * cls_summary_file_write:
 * @path: the file to write (atomically)
 * @summary: a summary
 * @options: (nullable): the options it was made with (%NULL: defaults)
 * @prob_path: (nullable): the probability map it was made from
 * @label_path: (nullable): the label it was made from
 * @error: return location for a #GError
 *
 * Returns: whether the file was written
 */
gboolean
cls_summary_file_write (const char               *path,
                        const ClsCaseSummary     *summary,
                        const ClsSummaryOptions  *options,
                        const char               *prob_path,
                        const char               *label_path,
                        GError                  **error)
{
  ClsSummarySource prob = { 0 }, label = { 0 };
  g_autoptr(GBytes) bytes = NULL;
  gboolean ok;

  if ((prob_path != NULL && !cls_summary_source_init (&prob, prob_path, error)) ||
      (label_path != NULL && !cls_summary_source_init (&label, label_path, error)))
    {
      cls_summary_source_clear (&prob);
      return FALSE;
    }

  bytes = cls_summary_file_encode (summary, options, &prob, &label);
  ok = cls_atomic_write (path, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), error);

  cls_summary_source_clear (&prob);
  cls_summary_source_clear (&label);
  return ok;
}

/* Reading
 * ------- */

static guint32
get_u32 (const guint8 *p)
{
  return (guint32) p[0] | (guint32) p[1] << 8 | (guint32) p[2] << 16 | (guint32) p[3] << 24;
}

static guint64
get_u64 (const guint8 *p)
{
  return (guint64) get_u32 (p) | (guint64) get_u32 (p + 4) << 32;
}

/* Checks the fixed part against the file's size; gives the header's and
 * the payload's lengths. */
static gboolean
check_frame (const char    *path,
             const guint8  *data,
             gsize          avail,
             guint64        file_size,
             guint32       *flags,
             guint32       *header_len,
             guint64       *payload_len,
             GError       **error)
{
  guint32 version;

  if (file_size < FIXED_BYTES + CRC_BYTES || avail < FIXED_BYTES)
    {
      format_error (error, path, _("it is too short"));
      return FALSE;
    }
  if (memcmp (data, magic, sizeof magic) != 0)
    {
      format_error (error, path, _("it does not start with the summary file signature"));
      return FALSE;
    }

  version = get_u32 (data + 8);
  if (version == 0 || version > CLS_SUMMARY_FILE_VERSION)
    {
      g_set_error (error, CLS_ERROR, CLS_ERROR_FORMAT,
                   _("%s: a CLS summary file of format version %u; this program reads versions 1 to %u "
                     "(summarise again, or use a newer CLS Studio)"),
                   path, version, CLS_SUMMARY_FILE_VERSION);
      return FALSE;
    }

  *flags = get_u32 (data + 12);
  *header_len = get_u32 (data + 16);
  *payload_len = get_u64 (data + 24);

  if ((*flags & ~FLAG_DEFLATE) != 0 || get_u32 (data + 20) != 0)
    {
      format_error (error, path, _("it has flags this version does not know"));
      return FALSE;
    }
  if (*header_len == 0 || *header_len > MAX_HEADER_BYTES)
    {
      format_error (error, path, _("its header length is out of range"));
      return FALSE;
    }
  if (*payload_len > file_size ||
      (guint64) FIXED_BYTES + *header_len + *payload_len + CRC_BYTES != file_size)
    {
      g_autofree char *want = g_strdup_printf ("%" PRIu64,
                                               (guint64) FIXED_BYTES + *header_len + MIN (*payload_len, file_size) + CRC_BYTES);
      g_autofree char *have = g_strdup_printf ("%" PRIu64, file_size);

      g_set_error (error, CLS_ERROR, CLS_ERROR_FORMAT,
                   _("%s: not a usable CLS summary file: its lengths add up to %s%s bytes, but the "
                     "file has %s (truncated, or something appended)"),
                   path, *payload_len > file_size ? _("more than ") : "", want, have);
      return FALSE;
    }

  return TRUE;
}

static gboolean
get_uint_member (JsonObject *obj,
                 const char *name,
                 guint64    *out)
{
  JsonNode *node = json_object_get_member (obj, name);
  gint64 v;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;
  v = json_node_get_int (node);
  if (v < 0)
    return FALSE;
  *out = (guint64) v;
  return TRUE;
}

static gboolean
get_bool_member (JsonObject *obj,
                 const char *name,
                 gboolean   *out)
{
  JsonNode *node = json_object_get_member (obj, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return FALSE;
  *out = json_node_get_boolean (node);
  return TRUE;
}

static const char *
get_string_member (JsonObject *obj,
                   const char *name)
{
  JsonNode *node = json_object_get_member (obj, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static gboolean
parse_source (JsonObject       *sources,
              const char       *name,
              ClsSummarySource *out)
{
  JsonNode *node = json_object_get_member (sources, name);
  JsonObject *obj;
  const char *path;
  guint64 size, crc, gsize_;
  JsonNode *mtime;

  memset (out, 0, sizeof *out);
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return FALSE;

  obj = json_node_get_object (node);
  path = get_string_member (obj, "path");
  mtime = json_object_get_member (obj, "mtime_us");
  if (path == NULL || !get_uint_member (obj, "size", &size) || mtime == NULL ||
      !JSON_NODE_HOLDS_VALUE (mtime) || json_node_get_value_type (mtime) != G_TYPE_INT64)
    return FALSE;

  out->path = g_strdup (path);
  out->size = size;
  out->mtime = json_node_get_int (mtime);
  if (json_object_has_member (obj, "gzip_crc32"))
    {
      if (!get_uint_member (obj, "gzip_crc32", &crc) || !get_uint_member (obj, "gzip_size", &gsize_) ||
          crc > G_MAXUINT32 || gsize_ > G_MAXUINT32)
        {
          cls_summary_source_clear (out);
          return FALSE;
        }
      out->is_gzip = TRUE;
      out->gzip_crc32 = (guint32) crc;
      out->gzip_size = (guint32) gsize_;
    }
  return TRUE;
}

typedef struct {
  ClsSummaryFileHeader *header;
  gboolean              lesion_float32;
  gboolean              values_float32;
  guint64               raw_len;
} ParsedHeader;

static gboolean
parse_header (const char    *path,
              guint32        frame_version,
              const guint8  *text,
              gsize          len,
              ParsedHeader  *out,
              GError       **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;
  g_autoptr(ClsSummaryFileHeader) h = g_new0 (ClsSummaryFileHeader, 1);
  JsonObject *root, *options, *sources;
  JsonNode *node, *label_value;
  const char *format, *case_id, *model, *created_by;
  guint64 version, channel_abs;
  gint64 channel;

  if (!g_utf8_validate ((const char *) text, (gssize) len, NULL))
    {
      format_error (error, path, _("its header is not UTF-8 text"));
      return FALSE;
    }
  if (!json_parser_load_from_data (parser, (const char *) text, (gssize) len, &local_error) ||
      (node = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      format_error (error, path, _("its header is not a JSON object"));
      return FALSE;
    }

  root = json_node_get_object (node);
  format = get_string_member (root, "format");
  case_id = get_string_member (root, "case");
  model = get_string_member (root, "model");
  created_by = get_string_member (root, "created_by");
  node = json_object_get_member (root, "options");
  options = node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  node = json_object_get_member (root, "sources");
  sources = node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;

  if (g_strcmp0 (format, "cls-summary") != 0 || !get_uint_member (root, "version", &version) ||
      version != frame_version || case_id == NULL || *case_id == '\0' ||
      model == NULL || *model == '\0' ||
      !get_uint_member (root, "n_voxels", &h->n_voxels) ||
      !get_uint_member (root, "n_lesion", &h->n_lesion) ||
      !get_uint_member (root, "n_distinct", &h->n_distinct) ||
      !get_bool_member (root, "lesion_float32", &out->lesion_float32) ||
      !get_bool_member (root, "values_float32", &out->values_float32) ||
      !get_uint_member (root, "payload_bytes", &out->raw_len) ||
      options == NULL || sources == NULL)
    {
      format_error (error, path, _("its header lacks fields or has fields of the wrong type"));
      return FALSE;
    }

  cls_summary_options_init (&h->options);
  label_value = json_object_get_member (options, "label_value");
  node = json_object_get_member (options, "channel");
  if (label_value == NULL || node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_INT64 ||
      !get_bool_member (options, "logits", &h->options.logits))
    {
      format_error (error, path, _("its header does not say which options made it"));
      return FALSE;
    }
  channel = json_node_get_int (node);
  channel_abs = channel < 0 ? 0 : (guint64) channel;
  if (channel < -1 || channel_abs > G_MAXINT)
    {
      format_error (error, path, _("its header names an impossible channel"));
      return FALSE;
    }
  h->options.channel = (int) channel;
  if (!JSON_NODE_HOLDS_NULL (label_value))
    {
      if (!JSON_NODE_HOLDS_VALUE (label_value) ||
          (json_node_get_value_type (label_value) != G_TYPE_DOUBLE &&
           json_node_get_value_type (label_value) != G_TYPE_INT64))
        {
          format_error (error, path, _("its header's label value is not a number"));
          return FALSE;
        }
      h->options.label_value = json_node_get_double (label_value);
      h->options.label_value_set = TRUE;
    }

  if (!parse_source (sources, "prob", &h->prob) || !parse_source (sources, "label", &h->label))
    {
      format_error (error, path, _("its header's source files are malformed"));
      return FALSE;
    }

  /* Version 2: the lesions (null when the summary had none) and the voxel volume. */
  if (version >= 2)
    {
      JsonNode *nc = json_object_get_member (root, "lesion_components");
      JsonNode *vv = json_object_get_member (root, "voxel_volume_mm3");
      guint64 n_components = 0;

      if (nc == NULL || (!JSON_NODE_HOLDS_NULL (nc) &&
                         (!get_uint_member (root, "lesion_components", &n_components) ||
                          n_components > h->n_lesion || n_components > G_MAXUINT32 ||
                          (n_components == 0) != (h->n_lesion == 0))) ||
          vv == NULL || !JSON_NODE_HOLDS_VALUE (vv) ||
          (json_node_get_value_type (vv) != G_TYPE_DOUBLE && json_node_get_value_type (vv) != G_TYPE_INT64) ||
          !(json_node_get_double (vv) >= 0 && isfinite (json_node_get_double (vv))))
        {
          format_error (error, path, _("its header's lesion components are malformed"));
          return FALSE;
        }
      h->has_components = !JSON_NODE_HOLDS_NULL (nc);
      h->n_components = (guint32) n_components;
      h->voxel_volume = json_node_get_double (vv);
    }

  h->version = (guint) version;
  h->case_id = g_strdup (case_id);
  h->model = g_strdup (model);
  h->created_by = g_strdup (created_by);
  out->header = g_steal_pointer (&h);
  return TRUE;
}

/* Reads at most @max bytes of @path; *@size is the file's size. */
static guint8 *
read_prefix (const char  *path,
             gsize        max,
             gsize       *got,
             guint64     *size,
             GError     **error)
{
  g_autofree guint8 *buf = NULL;
  struct stat st;
  gsize done = 0;
  int fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NONBLOCK, 0);

  if (fd < 0)
    {
      int saved_errno = errno;
      g_set_error (error, CLS_ERROR, CLS_ERROR_IO, _("%s: cannot open: %s"), path, g_strerror (saved_errno));
      return NULL;
    }
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      close (fd);
      g_set_error (error, CLS_ERROR, CLS_ERROR_IO, _("%s: not a regular file"), path);
      return NULL;
    }

  *size = (guint64) st.st_size;
  if (max == G_MAXSIZE)
    {
      if (*size > MAX_FILE_BYTES)
        {
          close (fd);
          g_set_error (error, CLS_ERROR, CLS_ERROR_TOO_LARGE,
                       _("%s: %" PRIu64 " bytes is more than a summary file can be"), path, *size);
          return NULL;
        }
      max = (gsize) *size;
    }
  max = (gsize) MIN ((guint64) max, *size);

  buf = g_malloc (MAX (max, 1));
  while (done < max)
    {
      gssize n = read (fd, buf + done, max - done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved_errno = errno;
          close (fd);
          g_set_error (error, CLS_ERROR, CLS_ERROR_IO, _("%s: cannot read: %s"), path, g_strerror (saved_errno));
          return NULL;
        }
      if (n == 0)
        break;
      done += (gsize) n;
    }
  close (fd);

  *got = done;
  return g_steal_pointer (&buf);
}

/**
 * cls_summary_file_read_header:
 * @path: a summary file
 * @error: return location for a #GError
 *
 * Reads only the header (the checksum, over the whole file, is checked by
 * cls_summary_file_read()).
 *
 * Returns: (transfer full) (nullable): the header
 */
ClsSummaryFileHeader *
cls_summary_file_read_header (const char  *path,
                              GError     **error)
{
  g_autofree guint8 *data = NULL;
  ParsedHeader parsed = { 0 };
  guint32 flags, header_len;
  guint64 payload_len, size;
  gsize got = 0;

  data = read_prefix (path, FIXED_BYTES + MAX_HEADER_BYTES, &got, &size, error);
  if (data == NULL)
    return NULL;
  if (!check_frame (path, data, got, size, &flags, &header_len, &payload_len, error))
    return NULL;
  if (got < FIXED_BYTES + (gsize) header_len)
    {
      format_error (error, path, _("it is too short"));
      return NULL;
    }
  if (!parse_header (path, get_u32 (data + 8), data + FIXED_BYTES, header_len, &parsed, error))
    return NULL;
  return parsed.header;
}

/* Reads one varint; FALSE at the end of the data or on an overlong one. */
static inline gboolean
get_varint (const guint8 **p,
            const guint8  *end,
            guint64       *out)
{
  guint64 v = 0;

  for (guint shift = 0; shift < 64; shift += 7)
    {
      guint8 b;

      if (*p == end)
        return FALSE;
      b = *(*p)++;
      if (shift == 63 && b > 1)
        return FALSE;
      v |= (guint64) (b & 0x7f) << shift;
      if (!(b & 0x80))
        {
          *out = v;
          return TRUE;
        }
    }
  return FALSE;
}

static inline gboolean
probability_bits (guint64  b,
                  gboolean float32,
                  double  *out)
{
  double v;

  if (float32)
    {
      float f;
      guint32 b32 = (guint32) b;

      if (b > G_MAXUINT32)
        return FALSE;
      memcpy (&f, &b32, sizeof f);
      v = f;
    }
  else
    memcpy (&v, &b, sizeof v);

  *out = v;
  return v >= 0.0 && v <= 1.0 && !(v == 0.0 && b != 0);  /* no NaN, no -0 */
}

static ClsCaseSummary *
decode_payload (const char                 *path,
                const ClsSummaryFileHeader *h,
                const ParsedHeader         *parsed,
                const guint8               *raw,
                gsize                       raw_len,
                GError                    **error)
{
  const guint8 *p = raw, *end = raw + raw_len;
  g_autofree gpointer lesion = NULL;
  g_autofree double *values = NULL;
  g_autofree guint64 *counts = NULL;
  g_autofree guint32 *ids = NULL;
  guint64 g = h->n_lesion, nd = h->n_distinct, prev = 0, total = 0;
  const char *problem = NULL;
  ClsComponents *components = NULL;
  ClsCaseSummary *summary;

  if (h->n_voxels == 0)
    {
      format_error (error, path, _("it has no voxels"));
      return NULL;
    }

  /* Every value takes at least one byte: no allocation beyond the data. */
  if (g > raw_len || nd > raw_len || g + 2 * nd + (h->has_components ? g : 0) > raw_len ||
      g > h->n_voxels || nd > h->n_voxels)
    {
      format_error (error, path, _("its counts do not fit its data"));
      return NULL;
    }

  lesion = g_malloc (MAX (g, 1) * (parsed->lesion_float32 ? sizeof (float) : sizeof (double)));
  values = g_new (double, MAX (nd, 1));
  counts = g_new (guint64, MAX (nd, 1));

  for (guint64 i = 0; i < g && problem == NULL; i++)
    {
      guint64 d, b;
      double v;

      if (!get_varint (&p, end, &d))
        problem = _("its lesion probabilities are cut short");
      else if (i > 0 && d > prev)
        problem = _("its lesion probabilities are out of order");
      else if (b = i == 0 ? d : prev - d, !probability_bits (b, parsed->lesion_float32, &v))
        problem = _("it holds a lesion value that is not a probability");
      else
        {
          if (parsed->lesion_float32)
            ((float *) lesion)[i] = (float) v;
          else
            ((double *) lesion)[i] = v;
          prev = b;
        }
    }

  for (guint64 i = 0; i < nd && problem == NULL; i++)
    {
      guint64 d, b;

      if (!get_varint (&p, end, &d))
        problem = _("its distinct values are cut short");
      else if (i > 0 && (d == 0 || d > G_MAXUINT64 - prev))
        problem = _("its distinct values are out of order");
      else if (b = i == 0 ? d : prev + d, !probability_bits (b, parsed->values_float32, &values[i]))
        problem = _("it holds a value that is not a probability");
      else
        prev = b;
    }

  for (guint64 i = 0; i < nd && problem == NULL; i++)
    {
      if (!get_varint (&p, end, &counts[i]))
        problem = _("its counts are cut short");
      else if (counts[i] == 0 || counts[i] > h->n_voxels - total)
        problem = _("its counts do not add up to its number of voxels");
      else
        total += counts[i];
    }

  if (problem == NULL && total != h->n_voxels)
    problem = _("its counts do not add up to its number of voxels");

  if (h->has_components)
    {
      ids = g_new (guint32, MAX (g, 1));
      for (guint64 i = 0; i < g && problem == NULL; i++)
        {
          guint64 id;

          if (!get_varint (&p, end, &id))
            problem = _("its lesion components are cut short");
          else if (id >= h->n_components)
            problem = _("it names a lesion component that does not exist");
          else
            ids[i] = (guint32) id;
        }
    }

  if (problem == NULL && p != end)
    problem = _("it has data after its last section");

  /* Every lesion voxel's value is one of the map's, no more often. */
  if (problem == NULL)
    {
      guint64 k = nd, used = 0;

      for (guint64 i = 0; i < g && problem == NULL; i++)
        {
          double v = parsed->lesion_float32 ? ((float *) lesion)[i] : ((double *) lesion)[i];

          if (i == 0 || v != (parsed->lesion_float32 ? ((float *) lesion)[i - 1] : ((double *) lesion)[i - 1]))
            {
              while (k > 0 && values[k - 1] > v)
                k--;
              used = 0;
            }
          if (k == 0 || values[k - 1] != v || ++used > counts[k - 1])
            problem = _("its lesion values do not match its count index");
        }
    }

  if (problem == NULL && h->has_components)
    {
      components = cls_components_new_from_ids (ids, lesion, !parsed->lesion_float32, g,
                                                h->n_components, h->voxel_volume);
      if (components == NULL)
        problem = _("one of its lesion components has no voxel");
    }

  if (problem != NULL)
    {
      format_error (error, path, problem);
      return NULL;
    }

  summary = cls_case_summary_new_sorted (h->case_id, h->model, h->n_voxels, g_steal_pointer (&lesion),
                                         !parsed->lesion_float32, g,
                                         cls_count_index_new_from_runs (values, counts, nd));
  if (summary != NULL)
    cls_case_summary_set_components (summary, components);
  else
    cls_components_free (components);
  return summary;
}

/**
 * cls_summary_file_decode:
 * @path: the file's name, for messages
 * @data: (array length=len): the file's bytes
 * @len: how many
 * @header: (out) (optional) (transfer full): what the file says about itself
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the summary
 */
ClsCaseSummary *
cls_summary_file_decode (const char            *path,
                         const guint8          *data,
                         gsize                  len,
                         ClsSummaryFileHeader **header,
                         GError               **error)
{
  g_autoptr(ClsSummaryFileHeader) h = NULL;
  g_autofree guint8 *inflated = NULL;
  ParsedHeader parsed = { 0 };
  const guint8 *payload, *raw;
  guint32 flags, header_len, crc;
  guint64 payload_len;
  ClsCaseSummary *summary;

  if (!check_frame (path, data, len, len, &flags, &header_len, &payload_len, error))
    return NULL;

  crc = (guint32) libdeflate_crc32 (0, data, len - CRC_BYTES);
  if (crc != get_u32 (data + len - CRC_BYTES))
    {
      format_error (error, path, _("its checksum does not match (the file is corrupt)"));
      return NULL;
    }

  if (!parse_header (path, get_u32 (data + 8), data + FIXED_BYTES, header_len, &parsed, error))
    return NULL;
  h = parsed.header;
  payload = data + FIXED_BYTES + header_len;

  if (flags & FLAG_DEFLATE)
    {
      struct libdeflate_decompressor *d;
      size_t actual = 0;
      enum libdeflate_result r;

      if (parsed.raw_len > MAX_RAW_BYTES || parsed.raw_len > payload_len * DEFLATE_MAX_RATIO + 64)
        {
          format_error (error, path, _("its payload claims to expand more than DEFLATE can"));
          return NULL;
        }
      inflated = g_try_malloc (MAX (parsed.raw_len, 1));
      if (inflated == NULL)
        {
          g_set_error (error, CLS_ERROR, CLS_ERROR_TOO_LARGE, _("%s: not enough memory to read it"), path);
          return NULL;
        }
      d = libdeflate_alloc_decompressor ();
      r = libdeflate_deflate_decompress (d, payload, payload_len, inflated, parsed.raw_len, &actual);
      libdeflate_free_decompressor (d);
      if (r != LIBDEFLATE_SUCCESS || actual != parsed.raw_len)
        {
          format_error (error, path, _("its compressed payload is damaged"));
          return NULL;
        }
      raw = inflated;
    }
  else
    {
      if (parsed.raw_len != payload_len)
        {
          format_error (error, path, _("its payload length disagrees with its header"));
          return NULL;
        }
      raw = payload;
    }

  summary = decode_payload (path, h, &parsed, raw, (gsize) parsed.raw_len, error);
  if (summary != NULL && header != NULL)
    *header = g_steal_pointer (&h);
  return summary;
}

/**
 * cls_summary_file_read:
 * @path: a summary file
 * @header: (out) (optional) (transfer full): what the file says about itself
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the summary, bit for bit the one
 *   that was written
 */
ClsCaseSummary *
cls_summary_file_read (const char            *path,
                       ClsSummaryFileHeader **header,
                       GError               **error)
{
  g_autofree guint8 *data = NULL;
  guint64 size = 0;
  gsize got = 0;

  data = read_prefix (path, G_MAXSIZE, &got, &size, error);
  if (data == NULL)
    return NULL;
  if (got != size)
    {
      format_error (error, path, _("it changed while it was read"));
      return NULL;
    }
  return cls_summary_file_decode (path, data, got, header, error);
}
