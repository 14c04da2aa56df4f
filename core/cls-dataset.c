/* cls-dataset.c
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "cls-dataset.h"
#include "cls-error.h"
#include "cls-manifest.h"
#include "cls-summary-file.h"
#include "cls-volume.h"

typedef struct {
  char       *id;
  char       *label;      /* nullable */
  char       *image;      /* nullable */
  GHashTable *probs;      /* model -> path */
  char       *problem;    /* nullable: why the case cannot load at all */
  GHashTable *summaries;  /* summaries folder: model -> summary file */
  GHashTable *problems;   /* summaries folder: model -> why that one cannot load */
} DatasetCase;

struct _ClsDataset
{
  gatomicrefcount ref_count;
  char       *path;
  char       *name;
  gboolean    manifest;
  GPtrArray  *cases;     /* DatasetCase*, sorted by id */
  GHashTable *by_id;     /* id -> DatasetCase* */
  GStrv       models;    /* sorted */
  GPtrArray  *warnings;  /* char* */

  /* A folder of summary files: the options all of them were made with, and
   * the file that first said so. */
  gboolean          summaries;
  ClsSummaryOptions summary_options;
  char             *options_file;
};

static void
dataset_case_free (DatasetCase *c)
{
  g_free (c->id);
  g_free (c->label);
  g_free (c->image);
  g_hash_table_unref (c->probs);
  g_free (c->problem);
  g_hash_table_unref (c->summaries);
  g_hash_table_unref (c->problems);
  g_free (c);
}

void
cls_load_options_init (ClsLoadOptions *options)
{
  memset (options, 0, sizeof *options);
  cls_summary_options_init (&options->summary);
}

static void
failure_free (ClsCaseFailure *f)
{
  g_free (f->case_id);
  g_free (f->model);
  g_free (f->message);
  g_free (f);
}

void
cls_case_set_free (ClsCaseSet *self)
{
  if (self == NULL)
    return;
  g_free (self->model);
  g_ptr_array_unref (self->summaries);
  g_ptr_array_unref (self->failures);
  g_free (self);
}

static ClsDataset *
dataset_new (const char *path)
{
  ClsDataset *self = g_new0 (ClsDataset, 1);
  g_autofree char *base = NULL;

  g_atomic_ref_count_init (&self->ref_count);
  self->path = g_strdup (path);
  base = g_path_get_basename (path);
  self->name = g_strdup (base);
  self->cases = g_ptr_array_new_with_free_func ((GDestroyNotify) dataset_case_free);
  self->by_id = g_hash_table_new (g_str_hash, g_str_equal);
  self->warnings = g_ptr_array_new_with_free_func (g_free);
  return self;
}

static DatasetCase *
get_case (ClsDataset *self,
          const char *id)
{
  DatasetCase *c = g_hash_table_lookup (self->by_id, id);

  if (c == NULL)
    {
      c = g_new0 (DatasetCase, 1);
      c->id = g_strdup (id);
      c->probs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      c->summaries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      c->problems = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      g_ptr_array_add (self->cases, c);
      g_hash_table_insert (self->by_id, c->id, c);
    }
  return c;
}

static void
add_problem (DatasetCase *c,
             char        *message)
{
  if (c->problem == NULL)
    c->problem = message;
  else
    g_free (message);
}

/* "case_0001.nii.gz" -> "case_0001"; NULL for anything that is not NIfTI. */
static char *
case_id_from_name (const char *name)
{
  static const char *suffixes[] = { ".nii.gz", ".nii" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    if (g_str_has_suffix (name, suffixes[i]) && strlen (name) > strlen (suffixes[i]))
      return g_strndup (name, strlen (name) - strlen (suffixes[i]));
  return NULL;
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(char * const *) a, *(char * const *) b);
}

typedef void (*FileFunc) (ClsDataset *self, const char *id, const char *path, gpointer data);

static gboolean
scan_folder (ClsDataset  *self,
             const char  *folder,
             gboolean     required,
             FileFunc     func,
             gpointer     data,
             GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GDir) dir = g_dir_open (folder, 0, &local_error);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  if (dir == NULL)
    {
      if (required)
        {
          g_set_error (error, CLS_ERROR, CLS_ERROR_DATASET, _("%s: %s"), folder, local_error->message);
          return FALSE;
        }
      return TRUE;
    }

  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);

  for (guint i = 0; i < names->len; i++)
    {
      const char *n = names->pdata[i];
      g_autofree char *id = NULL;
      g_autofree char *path = NULL;

      if (n[0] == '.')
        continue;  /* hidden, including our own temporary files */

      path = g_build_filename (folder, n, NULL);
      id = case_id_from_name (n);
      if (id == NULL)
        {
          if (!g_file_test (path, G_FILE_TEST_IS_DIR))
            g_ptr_array_add (self->warnings,
                             g_strdup_printf (_("%s: not a NIfTI file (.nii or .nii.gz); ignored"), path));
          continue;
        }
      func (self, id, path, data);
    }

  return TRUE;
}

static void
on_label (ClsDataset *self,
          const char *id,
          const char *path,
          gpointer    data)
{
  DatasetCase *c = get_case (self, id);

  if (c->label != NULL)
    {
      add_problem (c, g_strdup_printf (_("%s: two label files for one case (%s and %s)"),
                                       id, c->label, path));
      return;
    }
  c->label = g_strdup (path);
}

static void
on_image (ClsDataset *self,
          const char *id,
          const char *path,
          gpointer    data)
{
  DatasetCase *c = g_hash_table_lookup (self->by_id, id);

  if (c == NULL)
    {
      g_ptr_array_add (self->warnings,
                       g_strdup_printf (_("%s: an image without a label; ignored"), path));
      return;
    }
  if (c->image != NULL)
    {
      g_ptr_array_add (self->warnings,
                       g_strdup_printf (_("%s: two image files for one case (%s and %s); using the first"),
                                        id, c->image, path));
      return;
    }
  c->image = g_strdup (path);
}

static void
on_prob (ClsDataset *self,
         const char *id,
         const char *path,
         gpointer    data)
{
  const char *model = data;
  DatasetCase *c = g_hash_table_lookup (self->by_id, id);

  if (c == NULL)
    {
      g_ptr_array_add (self->warnings,
                       g_strdup_printf (_("%s: a probability map without a label; ignored"), path));
      return;
    }
  if (g_hash_table_contains (c->probs, model))
    {
      add_problem (c, g_strdup_printf (_("%s: two probability maps for model %s (%s and %s)"),
                                       id, model, (char *) g_hash_table_lookup (c->probs, model), path));
      return;
    }
  g_hash_table_insert (c->probs, g_strdup (model), g_strdup (path));
}

static gboolean
open_folder (ClsDataset  *self,
             GError     **error)
{
  g_autofree char *labels = g_build_filename (self->path, "labels", NULL);
  g_autofree char *images = g_build_filename (self->path, "images", NULL);
  g_autofree char *probs = g_build_filename (self->path, "probs", NULL);
  g_autoptr(GPtrArray) models = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *name;

  if (!g_file_test (labels, G_FILE_TEST_IS_DIR) || !g_file_test (probs, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, CLS_ERROR, CLS_ERROR_DATASET,
                   _("%s: not a dataset: it needs the folders labels/ and probs/<model>/ "
                     "(or give a CSV manifest)"), self->path);
      return FALSE;
    }

  if (!scan_folder (self, labels, TRUE, on_label, NULL, error))
    return FALSE;
  if (!scan_folder (self, images, FALSE, on_image, NULL, error))
    return FALSE;

  dir = g_dir_open (probs, 0, &local_error);
  if (dir == NULL)
    {
      g_set_error (error, CLS_ERROR, CLS_ERROR_DATASET, _("%s: %s"), probs, local_error->message);
      return FALSE;
    }
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *sub = g_build_filename (probs, name, NULL);

      if (name[0] != '.' && g_file_test (sub, G_FILE_TEST_IS_DIR))
        g_ptr_array_add (models, g_strdup (name));
    }
  g_ptr_array_sort (models, compare_names);

  for (guint m = 0; m < models->len; m++)
    {
      g_autofree char *sub = g_build_filename (probs, models->pdata[m], NULL);

      if (!scan_folder (self, sub, TRUE, on_prob, models->pdata[m], error))
        return FALSE;
    }

  g_ptr_array_add (models, NULL);
  self->models = (GStrv) g_ptr_array_free (g_steal_pointer (&models), FALSE);
  return TRUE;
}

static gboolean
open_manifest (ClsDataset  *self,
               GError     **error)
{
  g_autoptr(ClsManifest) manifest = cls_manifest_load (self->path, error);
  g_autoptr(GHashTable) model_set = NULL;
  g_autoptr(GPtrArray) models = NULL;
  GHashTableIter iter;
  gpointer key;

  if (manifest == NULL)
    return FALSE;

  for (guint i = 0; i < cls_manifest_get_warnings (manifest)->len; i++)
    g_ptr_array_add (self->warnings, g_strdup (cls_manifest_get_warnings (manifest)->pdata[i]));

  model_set = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < cls_manifest_get_n_rows (manifest); i++)
    {
      const ClsManifestRow *row = cls_manifest_get_row (manifest, i);
      DatasetCase *c = get_case (self, row->case_id);

      g_hash_table_add (model_set, g_strdup (row->model));

      if (c->label == NULL)
        c->label = g_strdup (row->label);
      else if (strcmp (c->label, row->label) != 0)
        add_problem (c, g_strdup_printf (_("%s: line %u: case %s has two different labels (%s and %s)"),
                                         self->path, row->line, row->case_id, c->label, row->label));

      if (row->image != NULL)
        {
          if (c->image == NULL)
            c->image = g_strdup (row->image);
          else if (strcmp (c->image, row->image) != 0)
            g_ptr_array_add (self->warnings,
                             g_strdup_printf (_("%s: line %u: case %s has two different images; using %s"),
                                              self->path, row->line, row->case_id, c->image));
        }

      if (g_hash_table_contains (c->probs, row->model))
        add_problem (c, g_strdup_printf (_("%s: line %u: case %s and model %s are listed twice"),
                                         self->path, row->line, row->case_id, row->model));
      else
        g_hash_table_insert (c->probs, g_strdup (row->model), g_strdup (row->prob));
    }

  models = g_ptr_array_new ();
  g_hash_table_iter_init (&iter, model_set);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (models, g_strdup (key));
  g_ptr_array_sort (models, compare_names);
  g_ptr_array_add (models, NULL);
  self->models = (GStrv) g_ptr_array_free (g_steal_pointer (&models), FALSE);

  return TRUE;
}

/* A folder of summary files
 * -------------------------
 *
 * SUMMARIES/<model>/<case>.clss (as `cls summarize` writes them) or
 * SUMMARIES/NAME.clss (any name; case and model from each file's header).
 * Only headers are read here; the files are read in full, checksum and
 * all, when loaded. */

static gboolean
has_summary_suffix (const char *name)
{
  return name[0] != '.' && g_str_has_suffix (name, CLS_SUMMARY_FILE_SUFFIX) &&
         strlen (name) > strlen (CLS_SUMMARY_FILE_SUFFIX);
}

static void
add_model_problem (DatasetCase *c,
                   const char  *model,
                   char        *message)
{
  if (model == NULL)
    add_problem (c, message);
  else if (!g_hash_table_contains (c->problems, model))
    g_hash_table_insert (c->problems, g_strdup (model), message);
  else
    g_free (message);
}

static const char *
existing_or_null (const char *path)
{
  return path != NULL && g_file_test (path, G_FILE_TEST_IS_REGULAR) ? path : NULL;
}

/* One summary file; @folder_model is the model its folder names (NULL for
 * a file directly in the summaries folder). */
static void
on_summary (ClsDataset *self,
            const char *path,
            const char *name,
            const char *folder_model,
            GHashTable *models)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ClsSummaryFileHeader) h = cls_summary_file_read_header (path, &error);
  g_autofree char *stem = g_strndup (name, strlen (name) - strlen (CLS_SUMMARY_FILE_SUFFIX));
  DatasetCase *c;

  if (h == NULL)
    {
      /* Without a header, the file's name says which case it is. */
      c = get_case (self, stem);
      add_model_problem (c, folder_model, g_strdup (error->message));
      if (folder_model != NULL)
        g_hash_table_add (models, g_strdup (folder_model));
      return;
    }

  c = get_case (self, h->case_id);
  g_hash_table_add (models, g_strdup (folder_model != NULL ? folder_model : h->model));

  if (folder_model != NULL && strcmp (folder_model, h->model) != 0)
    {
      add_model_problem (c, folder_model,
                         g_strdup_printf (_("%s: holds model %s, but it is in the folder of model %s"),
                                          path, h->model, folder_model));
      return;
    }
  if (folder_model != NULL && strcmp (stem, h->case_id) != 0)
    {
      add_model_problem (c, h->model,
                         g_strdup_printf (_("%s: holds case %s, but its name says %s"),
                                          path, h->case_id, stem));
      return;
    }
  if (g_hash_table_contains (c->summaries, h->model))
    {
      add_model_problem (c, h->model,
                         g_strdup_printf (_("%s: case %s of model %s has two summary files (%s and %s)"),
                                          self->path, h->case_id, h->model,
                                          (char *) g_hash_table_lookup (c->summaries, h->model), path));
      return;
    }

  if (self->options_file == NULL)
    {
      self->summary_options = h->options;
      self->options_file = g_strdup (path);
    }
  else if (!cls_summary_options_equal (&self->summary_options, &h->options))
    {
      g_autofree char *these = cls_summary_options_to_string (&h->options);
      g_autofree char *first = cls_summary_options_to_string (&self->summary_options);

      add_model_problem (c, h->model,
                         g_strdup_printf (_("%s: made with %s, but %s with %s; summarise every case "
                                            "with the same options"),
                                          path, these, self->options_file, first));
      return;
    }

  g_hash_table_insert (c->summaries, g_strdup (h->model), g_strdup (path));
  if (existing_or_null (h->prob.path) != NULL)
    g_hash_table_insert (c->probs, g_strdup (h->model), g_strdup (h->prob.path));
  if (c->label == NULL)
    c->label = g_strdup (existing_or_null (h->label.path));
}

static GPtrArray *
sorted_entries (const char  *folder,
                GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GDir) dir = g_dir_open (folder, 0, &local_error);
  GPtrArray *names;
  const char *name;

  if (dir == NULL)
    {
      g_set_error (error, CLS_ERROR, CLS_ERROR_DATASET, _("%s: %s"), folder, local_error->message);
      return NULL;
    }
  names = g_ptr_array_new_with_free_func (g_free);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  return names;
}

/* Whether @folder holds summary files, directly or one level down. */
static gboolean
is_summaries_folder (const char *folder)
{
  g_autoptr(GPtrArray) names = sorted_entries (folder, NULL);

  for (guint i = 0; names != NULL && i < names->len; i++)
    {
      const char *name = names->pdata[i];
      g_autofree char *sub = g_build_filename (folder, name, NULL);

      if (has_summary_suffix (name))
        return TRUE;
      if (name[0] != '.' && g_file_test (sub, G_FILE_TEST_IS_DIR))
        {
          g_autoptr(GPtrArray) inner = sorted_entries (sub, NULL);

          for (guint j = 0; inner != NULL && j < inner->len; j++)
            if (has_summary_suffix (inner->pdata[j]))
              return TRUE;
        }
    }
  return FALSE;
}

static gboolean
open_summaries (ClsDataset  *self,
                GError     **error)
{
  g_autoptr(GPtrArray) names = sorted_entries (self->path, error);
  g_autoptr(GHashTable) model_set = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) models = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key;

  if (names == NULL)
    return FALSE;

  self->summaries = TRUE;
  for (guint i = 0; i < names->len; i++)
    {
      const char *name = names->pdata[i];
      g_autofree char *path = g_build_filename (self->path, name, NULL);

      if (name[0] == '.')
        continue;
      if (has_summary_suffix (name))
        on_summary (self, path, name, NULL, model_set);
      else if (g_file_test (path, G_FILE_TEST_IS_DIR))
        {
          g_autoptr(GPtrArray) inner = sorted_entries (path, error);

          if (inner == NULL)
            return FALSE;
          for (guint j = 0; j < inner->len; j++)
            {
              const char *n = inner->pdata[j];
              g_autofree char *file = g_build_filename (path, n, NULL);

              if (has_summary_suffix (n))
                on_summary (self, file, n, name, model_set);
              else if (n[0] != '.')
                g_ptr_array_add (self->warnings,
                                 g_strdup_printf (_("%s: not a summary file (%s); ignored"), file,
                                                  CLS_SUMMARY_FILE_SUFFIX));
            }
        }
      else
        g_ptr_array_add (self->warnings,
                         g_strdup_printf (_("%s: not a summary file (%s); ignored"), path, CLS_SUMMARY_FILE_SUFFIX));
    }

  g_hash_table_iter_init (&iter, model_set);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (models, g_strdup (key));
  g_ptr_array_sort (models, compare_names);
  g_ptr_array_add (models, NULL);
  self->models = (GStrv) g_ptr_array_free (g_steal_pointer (&models), FALSE);

  return TRUE;
}

static int
compare_cases (gconstpointer a,
               gconstpointer b)
{
  const DatasetCase *x = *(DatasetCase * const *) a;
  const DatasetCase *y = *(DatasetCase * const *) b;

  return strcmp (x->id, y->id);
}

/**
 * cls_dataset_open:
 * @path: a dataset folder or a CSV manifest
 * @error: return location for a #GError
 *
 * Finds the cases and models; reads no volume. Problems that do not stop
 * the whole dataset (a stray file, a map without a label) become warnings;
 * a case that cannot load (two labels, listed twice) fails when loaded.
 *
 * Returns: (transfer full) (nullable): the dataset
 */
ClsDataset *
cls_dataset_open (const char  *path,
                  GError     **error)
{
  g_autoptr(ClsDataset) self = NULL;
  gboolean ok;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, CLS_ERROR, CLS_ERROR_DATASET, _("%s: no such file or folder"), path);
      return NULL;
    }

  self = dataset_new (path);

  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_autofree char *labels = g_build_filename (path, "labels", NULL);

      if (!g_file_test (labels, G_FILE_TEST_IS_DIR) && is_summaries_folder (path))
        ok = open_summaries (self, error);
      else
        ok = open_folder (self, error);
    }
  else
    {
      self->manifest = TRUE;
      ok = open_manifest (self, error);
    }
  if (!ok)
    return NULL;

  g_ptr_array_sort (self->cases, compare_cases);

  if (self->cases->len == 0)
    {
      g_set_error (error, CLS_ERROR, CLS_ERROR_DATASET,
                   self->manifest ? _("%s: the manifest lists no cases")
                   : self->summaries ? _("%s: holds no summary files")
                   : _("%s: labels/ holds no NIfTI files"), path);
      return NULL;
    }
  if (self->models[0] == NULL)
    {
      g_set_error (error, CLS_ERROR, CLS_ERROR_DATASET,
                   _("%s: no models: probs/ needs one folder per model"), path);
      return NULL;
    }

  return g_steal_pointer (&self);
}

ClsDataset *
cls_dataset_ref (ClsDataset *self)
{
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
cls_dataset_unref (ClsDataset *self)
{
  if (self == NULL || !g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_free (self->path);
  g_free (self->name);
  g_hash_table_unref (self->by_id);
  g_ptr_array_unref (self->cases);
  g_strfreev (self->models);
  g_ptr_array_unref (self->warnings);
  g_free (self->options_file);
  g_free (self);
}

const char *
cls_dataset_get_path (const ClsDataset *self)
{
  return self->path;
}

const char *
cls_dataset_get_name (const ClsDataset *self)
{
  return self->name;
}

gboolean
cls_dataset_is_manifest (const ClsDataset *self)
{
  return self->manifest;
}

/**
 * cls_dataset_is_summaries:
 * @self: a dataset
 *
 * Returns: whether @self is a folder of summary files (see
 *   cls-summary-file.h) rather than volumes. Its label and map paths are
 *   then the source files the summaries name, where they exist here.
 */
gboolean
cls_dataset_is_summaries (const ClsDataset *self)
{
  return self->summaries;
}

/**
 * cls_dataset_get_summary_options:
 * @self: a dataset
 *
 * Returns: (nullable): for a folder of summary files, the options every
 *   summary was made with; %NULL for volumes
 */
const ClsSummaryOptions *
cls_dataset_get_summary_options (const ClsDataset *self)
{
  return self->summaries && self->options_file != NULL ? &self->summary_options : NULL;
}


guint
cls_dataset_get_n_cases (const ClsDataset *self)
{
  return self->cases->len;
}

static const DatasetCase *
nth_case (const ClsDataset *self,
          guint             i)
{
  g_return_val_if_fail (i < self->cases->len, NULL);
  return self->cases->pdata[i];
}

const char *
cls_dataset_get_case_id (const ClsDataset *self,
                         guint             i)
{
  return nth_case (self, i)->id;
}

int
cls_dataset_find_case (const ClsDataset *self,
                       const char       *case_id)
{
  for (guint i = 0; i < self->cases->len; i++)
    if (strcmp (nth_case (self, i)->id, case_id) == 0)
      return (int) i;
  return -1;
}

const char *
cls_dataset_get_label_path (const ClsDataset *self,
                            guint             i)
{
  return nth_case (self, i)->label;
}

const char *
cls_dataset_get_image_path (const ClsDataset *self,
                            guint             i)
{
  return nth_case (self, i)->image;
}

const char *
cls_dataset_get_prob_path (const ClsDataset *self,
                           const char       *model,
                           guint             i)
{
  return g_hash_table_lookup (nth_case (self, i)->probs, model);
}

/**
 * cls_dataset_get_summary_path:
 * @self: a dataset
 * @model: a model
 * @i: a case
 *
 * Returns: (nullable): the summary file of case @i and @model (folders of
 *   summary files only)
 */
const char *
cls_dataset_get_summary_path (const ClsDataset *self,
                              const char       *model,
                              guint             i)
{
  return g_hash_table_lookup (nth_case (self, i)->summaries, model);
}

/**
 * cls_dataset_get_models:
 * @self: a dataset
 *
 * Returns: (transfer none) (array zero-terminated=1): the models, sorted
 */
const char * const *
cls_dataset_get_models (const ClsDataset *self)
{
  return (const char * const *) self->models;
}

gboolean
cls_dataset_has_model (const ClsDataset *self,
                       const char       *model)
{
  return g_strv_contains ((const char * const *) self->models, model);
}

/**
 * cls_dataset_get_warnings:
 * @self: a dataset
 *
 * Returns: (transfer none) (element-type utf8): problems found while opening
 */
GPtrArray *
cls_dataset_get_warnings (const ClsDataset *self)
{
  return self->warnings;
}

/* Loading: workers take cases from a shared counter; each reads a case's
 * label once and every model's map, summarises, and drops the volumes, so at
 * most n_threads cases are in memory at a time. A folder of summary files
 * is read file by file instead. Each summary is kept, or handed to a sink
 * (which writes it, say) and dropped. */
typedef struct {
  ClsDataset           *dataset;
  const char * const   *models;
  guint                 n_models;
  const ClsLoadOptions *options;
  guint                 first;
  guint                 end;
  ClsSummaryFunc        sink;
  gpointer              sink_data;
  ClsProgressFunc       progress;
  gpointer              user_data;
  GCancellable         *cancellable;

  gint                  next;
  gint                  stop;
  GMutex                lock;
  guint                 done;
  ClsCaseSummary      **results;   /* (end - first) × n_models, unless sink */
  ClsCaseFailure      **failures;  /* (end - first) × n_models */
  GError               *strict_error;
} LoadJob;

static ClsCaseFailure *
failure_new (const char *case_id,
             const char *model,
             const char *message)
{
  ClsCaseFailure *f = g_new0 (ClsCaseFailure, 1);

  f->case_id = g_strdup (case_id);
  f->model = g_strdup (model);
  f->message = g_strdup (message);
  return f;
}

/* Keeps or hands on case i's summary of model m (taken), or records why
 * there is none. Returns FALSE when the load must stop (strict). */
static gboolean
deliver (LoadJob        *job,
         guint           i,
         guint           m,
         ClsCaseSummary *summary,
         const char     *message)
{
  const DatasetCase *c = job->dataset->cases->pdata[i];
  gsize slot = (gsize) (i - job->first) * job->n_models + m;
  g_autoptr(GError) sink_error = NULL;

  if (summary != NULL && job->sink != NULL)
    {
      if (!job->sink (job->dataset, i, job->models[m], summary, job->sink_data, &sink_error))
        message = sink_error->message;
      cls_case_summary_unref (summary);
      summary = NULL;
      if (message == NULL)
        return TRUE;
    }

  if (summary != NULL)
    {
      job->results[slot] = summary;
      return TRUE;
    }

  job->failures[slot] = failure_new (c->id, job->models[m], message);
  if (!job->options->strict)
    return TRUE;

  g_mutex_lock (&job->lock);
  if (job->strict_error == NULL)
    job->strict_error = g_error_new_literal (CLS_ERROR, CLS_ERROR_DATASET, message);
  g_mutex_unlock (&job->lock);
  g_atomic_int_set (&job->stop, 1);
  return FALSE;
}

/* Whether options given for the load contradict the ones a summary was
 * made with; only what the user chose counts. */
static gboolean
options_contradict (const ClsSummaryOptions *asked,
                    const ClsSummaryOptions *made)
{
  return (asked->label_value_set &&
          !(made->label_value_set && made->label_value == asked->label_value)) ||
         (asked->channel >= 0 && asked->channel != made->channel) ||
         (asked->logits && !made->logits);
}

static void
load_summaries_case (LoadJob *job,
                     guint    i)
{
  const DatasetCase *c = job->dataset->cases->pdata[i];

  for (guint m = 0; m < job->n_models; m++)
    {
      const char *model = job->models[m];
      const char *path = g_hash_table_lookup (c->summaries, model);
      g_autoptr(ClsSummaryFileHeader) h = NULL;
      g_autoptr(GError) local_error = NULL;
      g_autofree char *message = NULL;
      ClsCaseSummary *summary = NULL;

      if (g_atomic_int_get (&job->stop))
        return;

      if (c->problem != NULL)
        message = g_strdup (c->problem);
      else if (g_hash_table_contains (c->problems, model))
        message = g_strdup (g_hash_table_lookup (c->problems, model));
      else if (path == NULL)
        message = g_strdup_printf (_("%s: no summary file for model %s"), c->id, model);
      else if ((summary = cls_summary_file_read (path, &h, &local_error)) == NULL)
        message = g_strdup (local_error->message);
      else if (strcmp (h->case_id, c->id) != 0 || strcmp (h->model, model) != 0)
        message = g_strdup_printf (_("%s: holds case %s of model %s, not case %s of model %s "
                                     "(it changed since the folder was opened)"),
                                   path, h->case_id, h->model, c->id, model);
      else if (!cls_summary_options_equal (&h->options, &job->dataset->summary_options))
        {
          g_autofree char *these = cls_summary_options_to_string (&h->options);
          g_autofree char *first = cls_summary_options_to_string (&job->dataset->summary_options);

          message = g_strdup_printf (_("%s: made with %s, but %s with %s; summarise every case "
                                       "with the same options"),
                                     path, these, job->dataset->options_file, first);
        }
      else if (options_contradict (&job->options->summary, &h->options))
        {
          g_autofree char *these = cls_summary_options_to_string (&h->options);
          g_autofree char *asked = cls_summary_options_to_string (&job->options->summary);

          message = g_strdup_printf (_("%s: the summary was made with %s, but %s was asked for; "
                                       "summarise again with those options"),
                                     path, these, asked);
        }

      if (message != NULL)
        g_clear_pointer (&summary, cls_case_summary_unref);
      if (!deliver (job, i, m, summary, message))
        return;
    }
}

static void
load_case (LoadJob *job,
           guint    i)
{
  const DatasetCase *c = job->dataset->cases->pdata[i];
  g_autoptr(ClsVolume) label = NULL;
  g_autoptr(GError) error = NULL;
  ClsVolumeReadOptions read_options = { .header_only = FALSE, .max_bytes = job->options->max_bytes };
  const char *problem = c->problem;
  g_autofree char *owned_problem = NULL;

  if (job->dataset->summaries)
    {
      load_summaries_case (job, i);
      return;
    }

  if (problem == NULL && c->label == NULL)
    problem = owned_problem = g_strdup_printf (_("%s: no label file"), c->id);

  if (problem == NULL)
    {
      label = cls_volume_read (c->label, &read_options, &error);
      if (label == NULL)
        problem = owned_problem = g_strdup_printf ("%s: %s", c->id, error->message);
    }

  for (guint m = 0; m < job->n_models; m++)
    {
      const char *model = job->models[m];
      const char *prob_path = g_hash_table_lookup (c->probs, model);
      g_autoptr(ClsVolume) prob = NULL;
      g_autoptr(GError) local_error = NULL;
      ClsCaseSummary *summary = NULL;
      g_autofree char *message = NULL;

      if (g_atomic_int_get (&job->stop))
        return;

      if (problem != NULL)
        message = g_strdup (problem);
      else if (prob_path == NULL)
        message = g_strdup_printf (_("%s: no probability map for model %s"), c->id, model);
      else if ((prob = cls_volume_read (prob_path, &read_options, &local_error)) == NULL)
        message = g_strdup_printf ("%s: %s", c->id, local_error->message);
      else if ((summary = cls_case_summary_new_from_volumes (c->id, model, prob, label,
                                                             &job->options->summary,
                                                             &local_error)) == NULL)
        message = g_strdup (local_error->message);

      /* this map's memory goes back before the next one is read */
      g_clear_pointer (&prob, cls_volume_unref);
      if (!deliver (job, i, m, summary, message))
        return;
    }
}

static gpointer
load_worker (gpointer data)
{
  LoadJob *job = data;
  guint total = job->end - job->first;

  for (;;)
    {
      gint k;
      guint i;

      if (g_atomic_int_get (&job->stop) || g_cancellable_is_cancelled (job->cancellable))
        break;

      k = g_atomic_int_add (&job->next, 1);
      if (k >= (gint) total)
        break;
      i = job->first + (guint) k;

      load_case (job, i);

      g_mutex_lock (&job->lock);
      job->done++;
      if (job->progress != NULL)
        job->progress (job->done, total, cls_dataset_get_case_id (job->dataset, i), job->user_data);
      g_mutex_unlock (&job->lock);
    }

  return NULL;
}

/* Runs @job (filled in by the caller) on worker threads. Returns FALSE
 * with @error set when nothing can run (an unknown model). */
static gboolean
run_load (ClsDataset  *self,
          LoadJob     *job,
          GError     **error)
{
  g_autoptr(GPtrArray) threads = g_ptr_array_new ();
  guint n = job->end - job->first;
  guint n_threads;

  for (guint m = 0; job->models[m] != NULL; m++)
    if (!cls_dataset_has_model (self, job->models[m]))
      {
        g_autofree char *known = g_strjoinv (", ", self->models);

        g_set_error (error, CLS_ERROR, CLS_ERROR_DATASET,
                     _("%s: no model “%s” (it has: %s)"), self->path, job->models[m], known);
        return FALSE;
      }

  job->dataset = self;
  job->n_models = g_strv_length ((char **) job->models);
  job->results = job->sink != NULL ? NULL : g_new0 (ClsCaseSummary *, (gsize) n * MAX (job->n_models, 1) + 1);
  job->failures = g_new0 (ClsCaseFailure *, (gsize) n * MAX (job->n_models, 1) + 1);
  g_mutex_init (&job->lock);

  n_threads = job->options->n_threads > 0 ? job->options->n_threads : g_get_num_processors ();
  n_threads = CLAMP (n_threads, 1, MAX (n, 1));

  /* Workers only, not this thread: each keeps the memory of its last
   * volumes for the next ones (see cls-volume.c), and gives it back when
   * it ends, with the load. */
  for (guint t = 0; t < n_threads; t++)
    g_ptr_array_add (threads, g_thread_new ("cls-load", load_worker, job));
  for (guint t = 0; t < threads->len; t++)
    g_thread_join (threads->pdata[t]);

  g_mutex_clear (&job->lock);
  return TRUE;
}

/* @result, or NULL with @error set when the load stopped (strict) or was
 * cancelled. */
static GPtrArray *
load_result (LoadJob    *job,
             GPtrArray  *result,
             GError    **error)
{
  if (job->strict_error != NULL)
    {
      g_propagate_error (error, job->strict_error);
      g_ptr_array_unref (result);
      return NULL;
    }
  if (g_cancellable_set_error_if_cancelled (job->cancellable, error))
    {
      g_ptr_array_unref (result);
      return NULL;
    }
  return result;
}

static guint
clamp_end (const ClsDataset *self,
           guint             first,
           guint             end)
{
  return MAX (first, MIN (end, self->cases->len));
}

/**
 * cls_dataset_load:
 * @self: a dataset
 * @models: (array zero-terminated=1): the models to load
 * @options: (nullable): label value, channel, logits, strictness, threads
 * @progress: (nullable) (scope call): called after each case
 * @user_data: for @progress
 * @cancellable: (nullable): to stop early
 * @error: return location for a #GError
 *
 * Loads and summarises every case for every model on all cores. A case that
 * fails is listed in its set's failures with the reason and the others go
 * on, unless @options asks for strictness. A folder of summary files gives
 * the summaries it holds: the same summaries, bit for bit, as the volumes
 * they were made from.
 *
 * Returns: (transfer full) (element-type ClsCaseSet) (nullable): one set per model
 */
GPtrArray *
cls_dataset_load (ClsDataset            *self,
                  const char * const    *models,
                  const ClsLoadOptions  *options,
                  ClsProgressFunc        progress,
                  gpointer               user_data,
                  GCancellable          *cancellable,
                  GError               **error)
{
  LoadJob job = { 0 };
  ClsLoadOptions defaults;
  GPtrArray *sets;
  guint n = self->cases->len;

  if (options == NULL)
    {
      cls_load_options_init (&defaults);
      options = &defaults;
    }

  job.models = models;
  job.options = options;
  job.first = 0;
  job.end = n;
  job.progress = progress;
  job.user_data = user_data;
  job.cancellable = cancellable;
  if (!run_load (self, &job, error))
    return NULL;

  sets = g_ptr_array_new_with_free_func ((GDestroyNotify) cls_case_set_free);
  for (guint m = 0; m < job.n_models; m++)
    {
      ClsCaseSet *set = g_new0 (ClsCaseSet, 1);

      set->model = g_strdup (models[m]);
      set->summaries = g_ptr_array_new_with_free_func ((GDestroyNotify) cls_case_summary_unref);
      set->failures = g_ptr_array_new_with_free_func ((GDestroyNotify) failure_free);
      for (guint i = 0; i < n; i++)
        {
          if (job.results[i * job.n_models + m] != NULL)
            g_ptr_array_add (set->summaries, job.results[i * job.n_models + m]);
          if (job.failures[i * job.n_models + m] != NULL)
            g_ptr_array_add (set->failures, job.failures[i * job.n_models + m]);
        }
      g_ptr_array_add (sets, set);
    }

  g_free (job.results);
  g_free (job.failures);

  return load_result (&job, sets, error);
}

/**
 * cls_dataset_summarize:
 * @self: a dataset
 * @models: (array zero-terminated=1): the models
 * @options: (nullable): label value, channel, logits, strictness, threads
 * @first: the first case (an index into the sorted cases)
 * @end: one past the last case (clamped to the number of cases)
 * @func: (scope call): called with each summary, on a worker thread
 * @func_data: for @func
 * @progress: (nullable) (scope call): called after each case
 * @user_data: for @progress
 * @cancellable: (nullable): to stop early
 * @error: return location for a #GError
 *
 * Like cls_dataset_load() for the cases [@first, @end), but hands each
 * summary to @func as soon as it is made (to write it, say) and keeps
 * none: memory stays bounded by the volumes in flight. When @func fails,
 * its error becomes that case's failure.
 *
 * Returns: (transfer full) (element-type ClsCaseFailure) (nullable): the
 *   cases that failed (empty when none did), or %NULL with @error set
 */
GPtrArray *
cls_dataset_summarize (ClsDataset            *self,
                       const char * const    *models,
                       const ClsLoadOptions  *options,
                       guint                  first,
                       guint                  end,
                       ClsSummaryFunc         func,
                       gpointer               func_data,
                       ClsProgressFunc        progress,
                       gpointer               user_data,
                       GCancellable          *cancellable,
                       GError               **error)
{
  LoadJob job = { 0 };
  ClsLoadOptions defaults;
  GPtrArray *failures;
  gsize n_slots;

  g_return_val_if_fail (func != NULL, NULL);

  if (options == NULL)
    {
      cls_load_options_init (&defaults);
      options = &defaults;
    }

  job.models = models;
  job.options = options;
  job.first = MIN (first, self->cases->len);
  job.end = clamp_end (self, job.first, end);
  job.sink = func;
  job.sink_data = func_data;
  job.progress = progress;
  job.user_data = user_data;
  job.cancellable = cancellable;
  if (!run_load (self, &job, error))
    return NULL;

  failures = g_ptr_array_new_with_free_func ((GDestroyNotify) failure_free);
  n_slots = (gsize) (job.end - job.first) * job.n_models;
  for (gsize k = 0; k < n_slots; k++)
    if (job.failures[k] != NULL)
      g_ptr_array_add (failures, job.failures[k]);
  g_free (job.failures);

  return load_result (&job, failures, error);
}

/**
 * cls_dataset_load_model:
 * @self: a dataset
 * @model: the model
 * @options: (nullable): as for cls_dataset_load()
 * @progress: (nullable) (scope call): called after each case
 * @user_data: for @progress
 * @cancellable: (nullable): to stop early
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the model's set
 */
ClsCaseSet *
cls_dataset_load_model (ClsDataset            *self,
                        const char            *model,
                        const ClsLoadOptions  *options,
                        ClsProgressFunc        progress,
                        gpointer               user_data,
                        GCancellable          *cancellable,
                        GError               **error)
{
  const char *models[] = { model, NULL };
  g_autoptr(GPtrArray) sets = cls_dataset_load (self, models, options, progress, user_data,
                                                cancellable, error);

  if (sets == NULL)
    return NULL;
  return g_ptr_array_steal_index (sets, 0);
}
