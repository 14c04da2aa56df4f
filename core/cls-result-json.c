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

/* What the paper's documents did not have: the guarantee and its delta,
 * the loss, and the coverage, strata and weights when they are used. */
static void
member_beyond (ClsJsonWriter              *w,
               const ClsCalibrationParams *p,
               gboolean                    with_lesions)
{
  cls_json_writer_member (w, "guarantee");
  cls_json_writer_string (w, cls_guarantee_to_string (p->guarantee));
  if (cls_calibration_params_has_delta (p))
    member_fraction (w, "delta", p->delta);
  else
    {
      cls_json_writer_member (w, "delta");
      cls_json_writer_null (w);
    }
  cls_json_writer_member (w, "loss");
  cls_json_writer_string (w, cls_loss_to_string (p->loss));
  if (p->loss == CLS_LOSS_LESION || with_lesions)
    member_fraction (w, "lesion_coverage",
                     p->lesion_coverage.den != 0 ? p->lesion_coverage : CLS_DEFAULT_LESION_COVERAGE);
  if (p->strata != CLS_STRATA_NONE)
    {
      cls_json_writer_member (w, "strata");
      cls_json_writer_string (w, cls_strata_to_string (p->strata));
    }
  if (p->weights != NULL)
    {
      cls_json_writer_member (w, "weights");
      cls_json_writer_string (w, cls_weights_get_path (p->weights));
      cls_json_writer_member (w, "test_weight");
      cls_json_writer_string (w, p->test_weight == CLS_TEST_WEIGHT_OWN ? "own" : "max");
    }
}

/* "rank": k, or null for the methods that have none. */
static void
member_rank (ClsJsonWriter *w,
             guint64        rank)
{
  cls_json_writer_member (w, "rank");
  if (rank > 0)
    cls_json_writer_uint (w, rank);
  else
    cls_json_writer_null (w);
}

static void
member_group (ClsJsonWriter              *w,
              const ClsCalibrationParams *p,
              const ClsStratumResult     *st)
{
  if (p->method == CLS_METHOD_CRC || p->method == CLS_METHOD_LTT)
    {
      member_double (w, "risk", st->risk);
      member_double (w, p->method == CLS_METHOD_CRC ? "risk_bound" : "p_value", st->bound);
    }
  if (p->weights != NULL)
    {
      member_double (w, "n_eff", st->n_eff);
      member_double (w, "test_weight_default", st->test_weight);
    }
}

static void
member_lesion_counts (ClsJsonWriter        *w,
                      const ClsCalibration *calibration)
{
  guint32 lesions[CLS_N_SIZE_BANDS], fixed[CLS_N_SIZE_BANDS], calibrated[CLS_N_SIZE_BANDS];

  cls_calibration_get_lesion_counts (calibration, lesions, fixed, calibrated);
  cls_json_writer_member (w, "lesions_by_size");
  cls_json_writer_begin_object (w);
  for (guint b = 0; b < CLS_N_SIZE_BANDS; b++)
    {
      cls_json_writer_member (w, cls_size_band_to_string ((ClsSizeBand) b));
      cls_json_writer_begin_object (w);
      cls_json_writer_member (w, "lesions");
      cls_json_writer_uint (w, lesions[b]);
      cls_json_writer_member (w, "missed_fixed");
      cls_json_writer_uint (w, fixed[b]);
      cls_json_writer_member (w, "missed_calibrated");
      cls_json_writer_uint (w, calibrated[b]);
      cls_json_writer_end_object (w);
    }
  cls_json_writer_end_object (w);
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
  gboolean lesions = cls_calibration_has_lesions (calibration);
  guint n_strata = cls_calibration_get_n_strata (calibration);

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
  member_beyond (w, p, lesions);
  cls_json_writer_member (w, "n");
  cls_json_writer_uint (w, cls_calibration_get_n (calibration));
  cls_json_writer_member (w, "skipped_empty");
  cls_json_writer_uint (w, cls_calibration_get_n_skipped (calibration));
  member_rank (w, cls_calibration_get_rank (calibration));
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
  if (n_strata == 1)
    member_group (w, p, cls_calibration_get_stratum (calibration, 0));
  else
    {
      cls_json_writer_member (w, "stratum_thresholds");
      cls_json_writer_begin_array (w);
      for (guint s = 0; s < n_strata; s++)
        {
          const ClsStratumResult *st = cls_calibration_get_stratum (calibration, s);

          cls_json_writer_begin_object (w);
          cls_json_writer_member (w, "stratum");
          cls_json_writer_string (w, cls_stratum_to_string (p->strata, s));
          cls_json_writer_member (w, "n");
          cls_json_writer_uint (w, st->n);
          member_rank (w, st->rank);
          cls_json_writer_member (w, "feasible");
          cls_json_writer_boolean (w, st->feasible);
          if (!st->feasible && st->min_n > 0)
            {
              cls_json_writer_member (w, "min_n_feasible");
              cls_json_writer_uint (w, st->min_n);
            }
          member_double (w, "t_hat", st->t_hat);
          member_probability (w, "probability_cut", st->cut, f32);
          cls_json_writer_member (w, "n_covered");
          cls_json_writer_uint (w, st->n_covered);
          member_group (w, p, st);
          cls_json_writer_end_object (w);
        }
      cls_json_writer_end_array (w);
    }
  if (lesions)
    member_lesion_counts (w, calibration);

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
      if (!r->skipped && n_strata > 1)
        {
          cls_json_writer_member (w, "stratum");
          cls_json_writer_string (w, cls_stratum_to_string (p->strata, r->stratum));
          member_probability (w, "stratum_cut", r->cut, f32);
        }
      if (!r->skipped && p->weights != NULL)
        member_double (w, "weight", r->weight);
      if (lesions)
        {
          cls_json_writer_member (w, "lesions");
          cls_json_writer_uint (w, r->n_lesions);
          cls_json_writer_member (w, "lesions_missed_fixed");
          cls_json_writer_uint (w, r->lesions_missed_fixed);
          cls_json_writer_member (w, "lesions_missed_calibrated");
          cls_json_writer_uint (w, r->lesions_missed_calibrated);
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
  member_beyond (w, p, cls_evaluation_has_lesion_measures (ev));
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
  member_rank (w, k);
  cls_json_writer_member (w, "feasible");
  cls_json_writer_boolean (w, cls_evaluation_is_feasible (ev));
  cls_json_writer_member (w, "infeasible_splits");
  cls_json_writer_uint (w, cls_evaluation_get_n_infeasible (ev));
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
  if (p->weights != NULL)
    member_stat (w, "n_eff", ev, CLS_SPLIT_FIELD (n_eff));
  if (cls_evaluation_has_lesion_measures (ev))
    {
      static const struct { gsize lesions, fixed, calibrated; } bands[CLS_N_SIZE_BANDS] = {
        { CLS_SPLIT_FIELD (lesions_small), CLS_SPLIT_FIELD (missed_small_fixed),
          CLS_SPLIT_FIELD (missed_small_calibrated) },
        { CLS_SPLIT_FIELD (lesions_medium), CLS_SPLIT_FIELD (missed_medium_fixed),
          CLS_SPLIT_FIELD (missed_medium_calibrated) },
        { CLS_SPLIT_FIELD (lesions_large), CLS_SPLIT_FIELD (missed_large_fixed),
          CLS_SPLIT_FIELD (missed_large_calibrated) },
      };

      member_stat (w, "lesion_fnr_fixed", ev, CLS_SPLIT_FIELD (lesion_fnr_fixed));
      member_stat (w, "lesion_fnr_calibrated", ev, CLS_SPLIT_FIELD (lesion_fnr_calibrated));
      member_stat (w, "lesion_missed_fixed", ev, CLS_SPLIT_FIELD (lesion_missed_fixed));
      member_stat (w, "lesion_missed_calibrated", ev, CLS_SPLIT_FIELD (lesion_missed_calibrated));
      cls_json_writer_member (w, "lesions_by_size");
      cls_json_writer_begin_object (w);
      for (guint b = 0; b < G_N_ELEMENTS (bands); b++)
        {
          cls_json_writer_member (w, cls_size_band_to_string ((ClsSizeBand) b));
          cls_json_writer_begin_object (w);
          member_stat (w, "lesions", ev, bands[b].lesions);
          member_stat (w, "missed_fixed", ev, bands[b].fixed);
          member_stat (w, "missed_calibrated", ev, bands[b].calibrated);
          cls_json_writer_end_object (w);
        }
      cls_json_writer_end_object (w);
    }
  cls_json_writer_member (w, "theory");
  if (cls_evaluation_has_theory (ev))
    {
      cls_json_writer_begin_object (w);
      member_double (w, "ecr_mean", cls_evaluation_get_theory_ecr (ev));
      member_double (w, "ecr_q05", cls_theory_ecr_quantile (k, n_cal, n_test, 0.05));
      member_double (w, "ecr_q95", cls_theory_ecr_quantile (k, n_cal, n_test, 0.95));
      cls_json_writer_end_object (w);
    }
  else
    cls_json_writer_null (w);
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
