/* cls-result-json.c
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <inttypes.h>

#include <math.h>
#include <string.h>
#include <sys/stat.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "cls-error.h"
#include "cls-result-json.h"

static void
member_fraction (ClsJsonWriter *w,
                 const char    *name,
                 ClsFraction    f)
{
  g_autofree char *text = cls_fraction_to_string (f);

  cls_json_writer_member (w, name);
  cls_json_writer_raw_number (w, text);
}

static void
member_double (ClsJsonWriter *w,
               const char    *name,
               double         v)
{
  cls_json_writer_member (w, name);
  cls_json_writer_double (w, v);
}

/* A probability: with float32 maps, printed as the shortest decimal that
 * reads back as the same float32 (the document says so in "float32"). */
static void
member_probability (ClsJsonWriter *w,
                    const char    *name,
                    double         v,
                    gboolean       float32)
{
  cls_json_writer_member (w, name);
  if (float32)
    cls_json_writer_float32 (w, v);
  else
    cls_json_writer_double (w, v);
}

/**
 * cls_calibration_write_json:
 * @calibration: a calibration
 * @writer: where to write one object
 *
 * Writes the calibration document of the CLI contract.
 */
void
cls_calibration_write_json (const ClsCalibration *calibration,
                            ClsJsonWriter        *w)
{
  const ClsCalibrationParams *p = cls_calibration_get_params (calibration);
  gboolean f32 = cls_calibration_is_float32 (calibration);

  cls_json_writer_begin_object (w);
  cls_json_writer_member (w, "model");
  cls_json_writer_string (w, cls_calibration_get_model (calibration));
  member_fraction (w, "epsilon", p->epsilon);
  member_fraction (w, "alpha", p->alpha);
  cls_json_writer_member (w, "method");
  cls_json_writer_string (w, cls_method_to_string (p->method));
  cls_json_writer_member (w, "normalize");
  cls_json_writer_string (w, cls_normalize_to_string (p->normalize));
  cls_json_writer_member (w, "empty_masks");
  cls_json_writer_string (w, cls_empty_policy_to_string (p->empty_policy));
  cls_json_writer_member (w, "n");
  cls_json_writer_uint (w, cls_calibration_get_n (calibration));
  cls_json_writer_member (w, "skipped_empty");
  cls_json_writer_uint (w, cls_calibration_get_n_skipped (calibration));
  cls_json_writer_member (w, "rank");
  cls_json_writer_uint (w, cls_calibration_get_rank (calibration));
  cls_json_writer_member (w, "feasible");
  cls_json_writer_boolean (w, cls_calibration_is_feasible (calibration));
  if (!cls_calibration_is_feasible (calibration))
    {
      cls_json_writer_member (w, "min_n_feasible");
      cls_json_writer_uint (w, cls_calibration_get_min_n (calibration));
    }
  member_double (w, "t_hat", cls_calibration_get_t_hat (calibration));
  member_probability (w, "probability_cut", cls_calibration_get_cut (calibration), f32);
  cls_json_writer_member (w, "float32");
  cls_json_writer_boolean (w, f32);
  cls_json_writer_member (w, "n_covered");
  cls_json_writer_uint (w, cls_calibration_get_n_covered (calibration));

  cls_json_writer_member (w, "cases");
  cls_json_writer_begin_array (w);
  for (guint i = 0; i < cls_calibration_get_n_cases (calibration); i++)
    {
      const ClsCaseResult *r = cls_calibration_get_case (calibration, i);

      cls_json_writer_begin_object (w);
      cls_json_writer_member (w, "case");
      cls_json_writer_string (w, cls_case_summary_get_case_id (r->summary));
      cls_json_writer_member (w, "voxels");
      cls_json_writer_uint (w, cls_case_summary_get_n_voxels (r->summary));
      cls_json_writer_member (w, "lesion_voxels");
      cls_json_writer_uint (w, cls_case_summary_get_n_lesion (r->summary));
      if (r->skipped)
        {
          cls_json_writer_member (w, "skipped");
          cls_json_writer_boolean (w, TRUE);
        }
      else
        {
          member_double (w, "t_i", r->score.t);
          member_probability (w, "probability_cut", r->score.cut, f32);
        }
      member_double (w, "fnr_fixed", r->fnr_fixed);
      member_double (w, "fnr_calibrated", r->fnr_calibrated);
      member_double (w, "pc_fixed", r->pc_fixed);
      member_double (w, "pc_calibrated", r->pc_calibrated);
      if (!r->skipped)
        {
          cls_json_writer_member (w, "covered");
          cls_json_writer_boolean (w, r->covered);
        }
      cls_json_writer_end_object (w);
    }
  cls_json_writer_end_array (w);
  cls_json_writer_end_object (w);
}

/**
 * cls_calibration_to_json:
 * @calibration: a calibration
 *
 * Returns: (transfer full): the document, pretty-printed
 */
char *
cls_calibration_to_json (const ClsCalibration *calibration)
{
  g_autoptr(ClsJsonWriter) w = cls_json_writer_new (TRUE);

  cls_calibration_write_json (calibration, w);
  return cls_json_writer_finish (w);
}

static void
member_stat (ClsJsonWriter       *w,
             const char          *name,
             const ClsEvaluation *ev,
             gsize                offset)
{
  ClsStat s = cls_evaluation_get_stat (ev, offset);

  cls_json_writer_member (w, name);
  cls_json_writer_begin_object (w);
  member_double (w, "mean", s.mean);
  member_double (w, "std", s.std);
  cls_json_writer_end_object (w);
}

/**
 * cls_evaluation_write_json:
 * @evaluation: an evaluation
 * @model: the model
 * @writer: where to write one object
 *
 * Writes the evaluation document of the CLI contract.
 */
void
cls_evaluation_write_json (const ClsEvaluation *ev,
                           const char          *model,
                           ClsJsonWriter       *w)
{
  const ClsCalibrationParams *p = cls_evaluation_get_params (ev);
  const ClsEvaluationParams *e = cls_evaluation_get_eval_params (ev);
  guint64 k = cls_evaluation_get_rank (ev);
  guint n_cal = cls_evaluation_get_n_cal (ev);
  guint n_test = cls_evaluation_get_n_test (ev);

  cls_json_writer_begin_object (w);
  cls_json_writer_member (w, "model");
  cls_json_writer_string (w, model);
  member_fraction (w, "epsilon", p->epsilon);
  member_fraction (w, "alpha", p->alpha);
  cls_json_writer_member (w, "method");
  cls_json_writer_string (w, cls_method_to_string (p->method));
  cls_json_writer_member (w, "normalize");
  cls_json_writer_string (w, cls_normalize_to_string (p->normalize));
  cls_json_writer_member (w, "empty_masks");
  cls_json_writer_string (w, cls_empty_policy_to_string (p->empty_policy));
  cls_json_writer_member (w, "splits");
  cls_json_writer_uint (w, e->n_splits);
  member_fraction (w, "cal_fraction", e->cal_fraction);
  cls_json_writer_member (w, "seed");
  cls_json_writer_uint (w, e->seed);
  cls_json_writer_member (w, "generator");
  cls_json_writer_string (w, "mt19937");
  cls_json_writer_member (w, "n");
  cls_json_writer_uint (w, cls_evaluation_get_n (ev));
  cls_json_writer_member (w, "skipped_empty");
  cls_json_writer_uint (w, cls_evaluation_get_n_skipped (ev));
  cls_json_writer_member (w, "n_cal");
  cls_json_writer_uint (w, n_cal);
  cls_json_writer_member (w, "n_test");
  cls_json_writer_uint (w, n_test);
  cls_json_writer_member (w, "rank");
  cls_json_writer_uint (w, k);
  cls_json_writer_member (w, "feasible");
  cls_json_writer_boolean (w, cls_evaluation_is_feasible (ev));
  member_stat (w, "t_hat", ev, CLS_SPLIT_FIELD (t_hat));
  member_stat (w, "ecr_fixed", ev, CLS_SPLIT_FIELD (ecr_fixed));
  member_stat (w, "ecr_calibrated", ev, CLS_SPLIT_FIELD (ecr_calibrated));
  member_stat (w, "fnr_fixed", ev, CLS_SPLIT_FIELD (fnr_fixed));
  member_stat (w, "fnr_calibrated", ev, CLS_SPLIT_FIELD (fnr_calibrated));
  member_stat (w, "pc_fixed", ev, CLS_SPLIT_FIELD (pc_fixed));
  member_stat (w, "pc_calibrated", ev, CLS_SPLIT_FIELD (pc_calibrated));
  member_stat (w, "missed_fixed", ev, CLS_SPLIT_FIELD (missed_fixed));
  member_stat (w, "missed_calibrated", ev, CLS_SPLIT_FIELD (missed_calibrated));
  member_stat (w, "fpr_fixed", ev, CLS_SPLIT_FIELD (fpr_fixed));
  member_stat (w, "fpr_calibrated", ev, CLS_SPLIT_FIELD (fpr_calibrated));
  cls_json_writer_member (w, "theory");
  cls_json_writer_begin_object (w);
  member_double (w, "ecr_mean", cls_evaluation_get_theory_ecr (ev));
  member_double (w, "ecr_q05", cls_theory_ecr_quantile (k, n_cal, n_test, 0.05));
  member_double (w, "ecr_q95", cls_theory_ecr_quantile (k, n_cal, n_test, 0.95));
  cls_json_writer_end_object (w);
  cls_json_writer_end_object (w);
}

/**
 * cls_evaluation_to_json:
 * @evaluation: an evaluation
 * @model: the model
 *
 * Returns: (transfer full): the document, pretty-printed
 */
char *
cls_evaluation_to_json (const ClsEvaluation *evaluation,
                        const char          *model)
{
  g_autoptr(ClsJsonWriter) w = cls_json_writer_new (TRUE);

  cls_evaluation_write_json (evaluation, model, w);
  return cls_json_writer_finish (w);
}

/* A calibration document is a few kilobytes; anything much larger is not one. */
#define MAX_CALIBRATION_FILE_BYTES (16u * 1024u * 1024u)

/* Reads the small regular file @path whole. Devices, pipes and folders are
 * refused before they are opened: reading /dev/zero never ends and opening a
 * FIFO waits for a writer. */
static char *
read_small_file (const char  *path,
                 gsize       *length,
                 GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  char *contents = NULL;
  GStatBuf st;

  if (g_stat (path, &st) == 0)
    {
      if (S_ISDIR (st.st_mode))
        {
          g_set_error (error, CLS_ERROR, CLS_ERROR_IO, _("%s: is a folder, not a file"), path);
          return NULL;
        }
      if (!S_ISREG (st.st_mode))
        {
          g_set_error (error, CLS_ERROR, CLS_ERROR_IO, _("%s: is not a regular file"), path);
          return NULL;
        }
      if (st.st_size > MAX_CALIBRATION_FILE_BYTES)
        {
          g_set_error (error, CLS_ERROR, CLS_ERROR_FORMAT,
                       _("%s: not a calibration file: %" PRId64 " bytes is far too large"),
                       path, (gint64) st.st_size);
          return NULL;
        }
    }

  if (!g_file_get_contents (path, &contents, length, &local_error))
    {
      g_set_error (error, CLS_ERROR, CLS_ERROR_IO, "%s", local_error->message);
      return NULL;
    }
  return contents;
}

/* Whether @text (@length bytes) holds one JSON value and nothing after it
 * but white space. Two documents appended to one file (`>>`) would
 * otherwise reach json-glib, whose parser leaks the second one (1.6). */
static gboolean
single_json_value (const char *text,
                   gsize       length)
{
  gsize i = 0, start;

  while (i < length && g_ascii_isspace (text[i]))
    i++;
  start = i;

  if (i < length && (text[i] == '{' || text[i] == '[' || text[i] == '"'))
    {
      gboolean in_string = FALSE;
      int depth = 0;

      for (; i < length; i++)
        {
          char c = text[i];

          if (in_string)
            {
              if (c == '\\')
                i++;
              else if (c == '"')
                {
                  in_string = FALSE;
                  if (depth == 0)
                    {
                      i++;
                      break;
                    }
                }
            }
          else if (c == '"')
            in_string = TRUE;
          else if (c == '{' || c == '[')
            depth++;
          else if ((c == '}' || c == ']') && --depth == 0)
            {
              i++;
              break;
            }
        }
    }
  else
    {
      while (i < length && !g_ascii_isspace (text[i]) && text[i] != '{' && text[i] != '[' &&
             text[i] != '"' && text[i] != '}' && text[i] != ']' && text[i] != ',')
        i++;
      if (i == start)
        return TRUE;  /* not a value at all: json-glib says why */
    }

  for (; i < length; i++)
    if (!g_ascii_isspace (text[i]))
      return FALSE;
  return TRUE;
}

/* The member @name of @obj when it holds a value of @type (a JSON number may
 * be an integer where a double is asked for); NULL when it is absent or null.
 * A member of another type is an error, not a silent default. */
static gboolean
optional_member (const char  *path,
                 JsonObject  *obj,
                 const char  *name,
                 GType        type,
                 JsonNode   **out,
                 GError     **error)
{
  JsonNode *node = json_object_get_member (obj, name);
  GType have;

  *out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;

  have = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : G_TYPE_INVALID;
  if (have == type || (type == G_TYPE_DOUBLE && have == G_TYPE_INT64))
    {
      *out = node;
      return TRUE;
    }

  if (type == G_TYPE_DOUBLE)
    g_set_error (error, CLS_ERROR, CLS_ERROR_FORMAT,
                 _("%s: not a calibration file: “%s” is not a number"), path, name);
  else if (type == G_TYPE_BOOLEAN)
    g_set_error (error, CLS_ERROR, CLS_ERROR_FORMAT,
                 _("%s: not a calibration file: “%s” is not true or false"), path, name);
  else
    g_set_error (error, CLS_ERROR, CLS_ERROR_FORMAT,
                 _("%s: not a calibration file: “%s” is not text"), path, name);
  return FALSE;
}

/**
 * cls_calibration_file_read:
 * @path: a document written by `cls calibrate --json` or the app
 * @out: (out caller-allocates): what `cls apply` needs; clear it with
 *   cls_calibration_file_clear()
 * @error: return location for a #GError
 *
 * Every member it uses is checked for its type; a missing optional member
 * takes its default, a member of the wrong type is an error.
 *
 * Returns: %TRUE on success
 */
gboolean
cls_calibration_file_read (const char          *path,
                           ClsCalibrationFile  *out,
                           GError             **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;
  g_autofree char *contents = NULL;
  gsize length;
  JsonNode *root;
  JsonObject *obj;
  JsonNode *cut, *float32, *t_hat, *feasible, *model, *normalize;

  memset (out, 0, sizeof *out);

  contents = read_small_file (path, &length, error);
  if (contents == NULL)
    return FALSE;

  if (!single_json_value (contents, length))
    {
      g_set_error (error, CLS_ERROR, CLS_ERROR_FORMAT,
                   _("%s: not a calibration file: it holds more than one JSON document"), path);
      return FALSE;
    }

  if (!json_parser_load_from_data (parser, contents, (gssize) length, &local_error))
    {
      g_set_error (error, CLS_ERROR, CLS_ERROR_FORMAT,
                   _("%s: not a calibration file: %s"), path, local_error->message);
      return FALSE;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, CLS_ERROR, CLS_ERROR_FORMAT,
                   _("%s: not a calibration file: the document is not a JSON object"), path);
      return FALSE;
    }
  obj = json_node_get_object (root);

  if (!optional_member (path, obj, "probability_cut", G_TYPE_DOUBLE, &cut, error) ||
      !optional_member (path, obj, "float32", G_TYPE_BOOLEAN, &float32, error) ||
      !optional_member (path, obj, "t_hat", G_TYPE_DOUBLE, &t_hat, error) ||
      !optional_member (path, obj, "feasible", G_TYPE_BOOLEAN, &feasible, error) ||
      !optional_member (path, obj, "model", G_TYPE_STRING, &model, error) ||
      !optional_member (path, obj, "normalize", G_TYPE_STRING, &normalize, error))
    return FALSE;

  if (cut == NULL)
    {
      g_set_error (error, CLS_ERROR, CLS_ERROR_FORMAT,
                   _("%s: not a calibration file: no numeric “probability_cut”"), path);
      return FALSE;
    }

  out->cut = json_node_get_double (cut);
  if (float32 != NULL && json_node_get_boolean (float32))
    out->cut = (double) (float) out->cut;  /* printed as the shortest float32 decimal */

  if (!(out->cut >= 0.0 && out->cut <= 1.0))
    {
      g_set_error (error, CLS_ERROR, CLS_ERROR_FORMAT,
                   _("%s: the probability cut %g is not between 0 and 1"), path, out->cut);
      return FALSE;
    }

  out->t_hat = t_hat != NULL ? json_node_get_double (t_hat) : 1.0 - out->cut;
  out->feasible = feasible != NULL ? json_node_get_boolean (feasible) : TRUE;
  out->model = model != NULL ? g_strdup (json_node_get_string (model)) : NULL;
  out->normalize = CLS_NORMALIZE_NONE;
  if (normalize != NULL &&
      !cls_normalize_from_string (json_node_get_string (normalize), &out->normalize))
    {
      g_set_error (error, CLS_ERROR, CLS_ERROR_FORMAT,
                   _("%s: unknown normalisation “%s”"), path, json_node_get_string (normalize));
      cls_calibration_file_clear (out);
      return FALSE;
    }

  return TRUE;
}

void
cls_calibration_file_clear (ClsCalibrationFile *file)
{
  g_clear_pointer (&file->model, g_free);
}
