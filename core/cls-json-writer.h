/* cls-json-writer.h: JSON documents with numbers that read back exactly
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * json-glib reads our JSON; writing goes through this small streaming writer
 * because JsonGenerator prints every double with 17 digits (0.1 becomes
 * 0.10000000000000001). Here a double is printed with the fewest digits that
 * read back to the same double, a float32 probability with the fewest that
 * read back to the same float (at most 9), always with '.' as the decimal
 * point whatever the locale, and NaN or infinity as null.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _ClsJsonWriter ClsJsonWriter;

ClsJsonWriter *cls_json_writer_new           (gboolean       pretty);
void           cls_json_writer_free          (ClsJsonWriter *self);
char          *cls_json_writer_finish        (ClsJsonWriter *self);

void           cls_json_writer_begin_object  (ClsJsonWriter *self);
void           cls_json_writer_end_object    (ClsJsonWriter *self);
void           cls_json_writer_begin_array   (ClsJsonWriter *self);
void           cls_json_writer_end_array     (ClsJsonWriter *self);
void           cls_json_writer_member        (ClsJsonWriter *self,
                                              const char    *name);

void           cls_json_writer_string        (ClsJsonWriter *self,
                                              const char    *value);
void           cls_json_writer_int           (ClsJsonWriter *self,
                                              gint64         value);
void           cls_json_writer_uint          (ClsJsonWriter *self,
                                              guint64        value);
void           cls_json_writer_double        (ClsJsonWriter *self,
                                              double         value);
void           cls_json_writer_float32       (ClsJsonWriter *self,
                                              double         value);
void           cls_json_writer_boolean       (ClsJsonWriter *self,
                                              gboolean       value);
void           cls_json_writer_null          (ClsJsonWriter *self);
void           cls_json_writer_raw_number    (ClsJsonWriter *self,
                                              const char    *text);

char          *cls_format_double             (double         value);
char          *cls_format_float32            (double         value);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ClsJsonWriter, cls_json_writer_free)

G_END_DECLS
