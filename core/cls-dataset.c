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
#include "cls-volume.h"

typedef struct {
  char       *id;
  char       *label;    /* nullable */
  char       *image;    /* nullable */
  GHashTable *probs;    /* model -> path */
  char       *problem;  /* nullable: why the case cannot load at all */
} DatasetCase;

struct _ClsDataset
{
  grefcount   ref_count;
  char       *path;
  char       *name;
  gboolean    manifest;
  GPtrArray  *cases;     /* DatasetCase*, sorted by id */
  GHashTable *by_id;     /* id -> DatasetCase* */
  GStrv       models;    /* sorted */
  GPtrArray  *warnings;  /* char* */
};

static void
dataset_case_free (DatasetCase *c)
{
  g_free (c->id);
  g_free (c->label);
  g_free (c->image);
  g_hash_table_unref (c->probs);
  g_free (c->problem);
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

  g_ref_count_init (&self->ref_count);
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
    ok = open_folder (self, error);
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
  g_ref_count_inc (&self->ref_count);
  return self;
}

void
cls_dataset_unref (ClsDataset *self)
{
  if (self == NULL || !g_ref_count_dec (&self->ref_count))
    return;

  g_free (self->path);
  g_free (self->name);
  g_hash_table_unref (self->by_id);
  g_ptr_array_unref (self->cases);
  g_strfreev (self->models);
  g_ptr_array_unref (self->warnings);
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
 * most n_threads cases are in memory at a time. */
typedef struct {
  ClsDataset           *dataset;
  const char * const   *models;
  guint                 n_models;
  const ClsLoadOptions *options;
  ClsProgressFunc       progress;
  gpointer              user_data;
  GCancellable         *cancellable;

  gint                  next;
  gint                  stop;
  GMutex                lock;
  guint                 done;
  ClsCaseSummary      **results;   /* n_cases × n_models */
  ClsCaseFailure      **failures;  /* n_cases × n_models */
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

      if (summary != NULL)
        job->results[i * job->n_models + m] = summary;
      else
        {
          job->failures[i * job->n_models + m] = failure_new (c->id, model, message);
          if (job->options->strict)
            {
              g_mutex_lock (&job->lock);
              if (job->strict_error == NULL)
                job->strict_error = g_error_new_literal (CLS_ERROR, CLS_ERROR_DATASET, message);
              g_mutex_unlock (&job->lock);
              g_atomic_int_set (&job->stop, 1);
              return;
            }
        }
    }
}

static gpointer
load_worker (gpointer data)
{
  LoadJob *job = data;
  guint n = job->dataset->cases->len;

  for (;;)
    {
      gint i;

      if (g_atomic_int_get (&job->stop) || g_cancellable_is_cancelled (job->cancellable))
        break;

      i = g_atomic_int_add (&job->next, 1);
      if (i >= (gint) n)
        break;

      load_case (job, (guint) i);

      g_mutex_lock (&job->lock);
      job->done++;
      if (job->progress != NULL)
        job->progress (job->done, n, cls_dataset_get_case_id (job->dataset, (guint) i), job->user_data);
      g_mutex_unlock (&job->lock);
    }

  return NULL;
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
 * on, unless @options asks for strictness.
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
  g_autoptr(GPtrArray) threads = g_ptr_array_new ();
  GPtrArray *sets;
  guint n = self->cases->len;
  guint n_threads;

  if (options == NULL)
    {
      cls_load_options_init (&defaults);
      options = &defaults;
    }

  for (guint m = 0; models[m] != NULL; m++)
    if (!cls_dataset_has_model (self, models[m]))
      {
        g_autofree char *known = g_strjoinv (", ", self->models);

        g_set_error (error, CLS_ERROR, CLS_ERROR_DATASET,
                     _("%s: no model “%s” (it has: %s)"), self->path, models[m], known);
        return NULL;
      }

  job.dataset = self;
  job.models = models;
  job.n_models = g_strv_length ((char **) models);
  job.options = options;
  job.progress = progress;
  job.user_data = user_data;
  job.cancellable = cancellable;
  job.results = g_new0 (ClsCaseSummary *, (gsize) n * MAX (job.n_models, 1));
  job.failures = g_new0 (ClsCaseFailure *, (gsize) n * MAX (job.n_models, 1));
  g_mutex_init (&job.lock);

  n_threads = options->n_threads > 0 ? options->n_threads : g_get_num_processors ();
  n_threads = CLAMP (n_threads, 1, MAX (n, 1));

  /* Workers only, not this thread: each keeps the memory of its last
   * volumes for the next ones (see cls-volume.c), and gives it back when
   * it ends, with the load. */
  for (guint t = 0; t < n_threads; t++)
    g_ptr_array_add (threads, g_thread_new ("cls-load", load_worker, &job));
  for (guint t = 0; t < threads->len; t++)
    g_thread_join (threads->pdata[t]);

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
  g_mutex_clear (&job.lock);

  if (job.strict_error != NULL)
    {
      g_propagate_error (error, job.strict_error);
      g_ptr_array_unref (sets);
      return NULL;
    }

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    {
      g_ptr_array_unref (sets);
      return NULL;
    }

  return sets;
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
