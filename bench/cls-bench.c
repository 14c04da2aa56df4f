/* cls-bench.c: how fast CLS Studio is, in medians over repeated runs
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Not a test: it asserts nothing and never runs in `meson test`. It prints a
 * table and, with --json, the same figures as a JSON document:
 *
 *   recompute  latency of a slider move (ε or α): every t_i and t̂
 *              (cls_calibration_new) plus a 100-split evaluation with ECR,
 *              FNR and PC (cls_evaluator_run, splits kept between runs), on
 *              100 to 100,000 synthetic cases
 *   bisect     the same with the paper's bisection, and its ratio to exact
 *   load       load-and-summarise throughput of .nii.gz maps plus labels, on
 *              one core and on all, beside decompressing the same files
 *              with libdeflate (the limit) and with plain zlib (gzread)
 *   memory     peak resident memory while loading N cases (a child process
 *              per N), and the size of a summary (in memory, as a file)
 *              against its float32 volume
 *   summary    the same for CT-sized (512 x 512 x 300) demo cases
 *   frame      slice-view frame time, by cls-bench-slice (built with the
 *              app; needs a display)
 */
#include "config.h"

#include <inttypes.h>

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-glib/json-glib.h>
#include <libdeflate.h>
#include <unistd.h>
#include <zlib.h>

#include <glib/gstdio.h>

#include "cls-atomic-file.h"
#include "cls-bench-data.h"
#include "cls-calibration.h"
#include "cls-dataset.h"
#include "cls-demo.h"
#include "cls-evaluation.h"
#include "cls-json-writer.h"
#include "cls-summary-file.h"
#include "cls-volume.h"

#define SEED 20260101
#define LOAD_MODEL "sharp"

typedef struct {
  char    *modes;
  char    *sizes;
  int      repeat;
  double   budget;
  char    *json;
  char    *cache;
  int      load_cases;
  char    *load_dims;
  char    *memory_cases;
  int      threads;
  gboolean quick;
  char    *child_load;
} Options;

static Options opt = {
  .repeat = 21,
  .budget = 20.0,
  .load_cases = 6,
};

static ClsJsonWriter *json;

/* Timing
 * ------ */

static double
now (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec + 1e-9 * (double) ts.tv_nsec;
}

static double
median (GArray *samples)
{
  g_autofree double *v = g_memdup2 (samples->data, samples->len * sizeof (double));
  guint n = samples->len;

  if (n == 0)
    return NAN;
  qsort (v, n, sizeof (double), cls_bench_compare_double);
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* Repeats: at least 3 runs, at most opt.repeat, and no new run once the
 * budget of seconds is spent. */
static gboolean
more_runs (guint  done,
           double started)
{
  if (done < 3)
    return TRUE;
  return done < (guint) opt.repeat && now () - started < opt.budget;
}

static guint
n_cores (void)
{
  return opt.threads > 0 ? (guint) opt.threads : g_get_num_processors ();
}

/* Recompute latency
 * ----------------- */

typedef struct {
  double calibrate_ms;
  double evaluate_ms;
  double total_ms;
  guint  runs;
} Latency;

static void
slider_params (guint                 step,
               ClsMethod             method,
               ClsCalibrationParams *params)
{
  cls_calibration_params_init (params);
  /* a drag over epsilon 0.10 … 0.30 while alpha flips between 0.1 and 0.2 */
  params->epsilon = (ClsFraction) { 10 + step % 21, 100 };
  params->alpha = (ClsFraction) { 1 + step % 2, 10 };
  params->method = method;
}

static Latency
measure_recompute (ClsCaseSummary **cases,
                   guint            n,
                   ClsMethod        method)
{
  g_autoptr(ClsEvaluator) evaluator = cls_evaluator_new (cases, n);
  g_autoptr(GArray) cal_t = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) eval_t = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) total_t = g_array_new (FALSE, FALSE, sizeof (double));
  ClsEvaluationParams eval;
  ClsCalibrationParams params;
  Latency lat;
  double started;

  cls_evaluation_params_init (&eval);

  /* The first run draws the splits, which a slider move does not redo. */
  slider_params (0, method, &params);
  {
    g_autoptr(ClsEvaluation) ev = cls_evaluator_run (evaluator, &params, &eval, NULL);
    g_assert (ev != NULL);
  }

  started = now ();
  for (guint r = 0; more_runs (r, started); r++)
    {
      g_autoptr(ClsCalibration) cal = NULL;
      g_autoptr(ClsEvaluation) ev = NULL;
      double t0, t1, t2;

      slider_params (r + 1, method, &params);
      t0 = now ();
      cal = cls_calibration_new (cases, n, &params, NULL);
      t1 = now ();
      ev = cls_evaluator_run (evaluator, &params, &eval, NULL);
      t2 = now ();
      g_assert (cal != NULL && ev != NULL);

      g_array_append_vals (cal_t, (double[]) { 1e3 * (t1 - t0) }, 1);
      g_array_append_vals (eval_t, (double[]) { 1e3 * (t2 - t1) }, 1);
      g_array_append_vals (total_t, (double[]) { 1e3 * (t2 - t0) }, 1);
    }

  lat.calibrate_ms = median (cal_t);
  lat.evaluate_ms = median (eval_t);
  lat.total_ms = median (total_t);
  lat.runs = total_t->len;
  return lat;
}

static GArray *
parse_list (const char *text)
{
  g_auto(GStrv) parts = g_strsplit (text, ",", -1);
  GArray *list = g_array_new (FALSE, FALSE, sizeof (guint));

  for (guint i = 0; parts[i] != NULL; i++)
    {
      guint64 v;

      if (!g_ascii_string_to_unsigned (g_strstrip (parts[i]), 10, 1, G_MAXUINT, &v, NULL))
        g_error ("not a count: “%s”", parts[i]);
      g_array_append_vals (list, (guint[]) { (guint) v }, 1);
    }
  return list;
}

static void
json_latency (const char    *name,
              const Latency *lat)
{
  cls_json_writer_member (json, name);
  cls_json_writer_begin_object (json);
  cls_json_writer_member (json, "calibrate_ms");
  cls_json_writer_double (json, lat->calibrate_ms);
  cls_json_writer_member (json, "evaluate_ms");
  cls_json_writer_double (json, lat->evaluate_ms);
  cls_json_writer_member (json, "total_ms");
  cls_json_writer_double (json, lat->total_ms);
  cls_json_writer_member (json, "runs");
  cls_json_writer_uint (json, lat->runs);
  cls_json_writer_end_object (json);
}

static void
bench_recompute (gboolean with_exact,
                 gboolean with_bisect)
{
  g_autoptr(GArray) sizes = parse_list (opt.sizes);
  g_autoptr(GPtrArray) cases = NULL;
  guint largest = 0;
  double t0;

  for (guint i = 0; i < sizes->len; i++)
    largest = MAX (largest, g_array_index (sizes, guint, i));

  t0 = now ();
  cases = cls_bench_synthetic_summaries (largest, SEED);
  g_printerr ("(made %u synthetic summaries in %.1f s)\n", largest, now () - t0);

  printf ("\nRecompute after an ε/α change: all t_i and t̂ + a 100-split evaluation "
          "(median ms, synthetic 512×512×300 cases)\n");
  printf ("%9s %12s %12s %12s", "cases", "calibrate", "evaluate", "total");
  if (with_bisect)
    printf (" %14s %8s", "bisect total", "ratio");
  printf ("\n");

  cls_json_writer_member (json, "recompute");
  cls_json_writer_begin_array (json);

  for (guint i = 0; i < sizes->len; i++)
    {
      guint n = g_array_index (sizes, guint, i);
      Latency exact = { NAN, NAN, NAN, 0 }, bisect = { NAN, NAN, NAN, 0 };

      if (with_exact)
        exact = measure_recompute ((ClsCaseSummary **) cases->pdata, n, CLS_METHOD_EXACT);
      if (with_bisect)
        bisect = measure_recompute ((ClsCaseSummary **) cases->pdata, n, CLS_METHOD_BISECT);

      printf ("%9u %12.3f %12.3f %12.3f", n, exact.calibrate_ms, exact.evaluate_ms, exact.total_ms);
      if (with_bisect)
        printf (" %14.3f %8.1f", bisect.total_ms, bisect.total_ms / exact.total_ms);
      printf ("\n");
      fflush (stdout);

      cls_json_writer_begin_object (json);
      cls_json_writer_member (json, "cases");
      cls_json_writer_uint (json, n);
      if (with_exact)
        json_latency ("exact", &exact);
      if (with_bisect)
        {
          json_latency ("bisect", &bisect);
          if (with_exact)
            {
              cls_json_writer_member (json, "bisect_over_exact");
              cls_json_writer_double (json, bisect.total_ms / exact.total_ms);
            }
        }
      cls_json_writer_end_object (json);
    }

  cls_json_writer_end_array (json);
}

/* Load throughput
 * --------------- */

typedef struct {
  char    *prob;
  char    *label;
  guint64  voxel_bytes;   /* both volumes, uncompressed voxel data */
  guint64  file_bytes;    /* both files, compressed */
} LoadCase;

static void
load_case_free (LoadCase *c)
{
  g_free (c->prob);
  g_free (c->label);
  g_free (c);
}

static guint
datatype_bytes (ClsDatatype t)
{
  switch (t)
    {
    case CLS_DATATYPE_UINT8:
    case CLS_DATATYPE_INT8:
      return 1;
    case CLS_DATATYPE_INT16:
    case CLS_DATATYPE_UINT16:
      return 2;
    case CLS_DATATYPE_INT32:
    case CLS_DATATYPE_UINT32:
    case CLS_DATATYPE_FLOAT32:
      return 4;
    case CLS_DATATYPE_FLOAT64:
    case CLS_DATATYPE_INT64:
    case CLS_DATATYPE_UINT64:
      return 8;
    default:
      return 0;
    }
}

static guint64
voxel_bytes (const char *path)
{
  ClsVolumeReadOptions ro = { .header_only = TRUE };
  g_autoptr(ClsVolume) v = cls_volume_read (path, &ro, NULL);

  g_assert (v != NULL);
  return cls_volume_get_n_voxels (v) * cls_volume_get_n_channels (v) *
         datatype_bytes (cls_volume_get_datatype (v));
}

static guint64
file_size (const char *path)
{
  GStatBuf st;

  g_assert (g_stat (path, &st) == 0);
  return (guint64) st.st_size;
}

static GPtrArray *
load_cases (ClsDataset *dataset)
{
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) load_case_free);

  for (guint i = 0; i < cls_dataset_get_n_cases (dataset); i++)
    {
      LoadCase *c = g_new0 (LoadCase, 1);

      c->prob = g_strdup (cls_dataset_get_prob_path (dataset, LOAD_MODEL, i));
      c->label = g_strdup (cls_dataset_get_label_path (dataset, i));
      c->voxel_bytes = voxel_bytes (c->prob) + voxel_bytes (c->label);
      c->file_bytes = file_size (c->prob) + file_size (c->label);
      g_ptr_array_add (list, c);
    }
  return list;
}

/* A reusable per-thread buffer. */
typedef struct {
  guint8 *data;
  gsize   size;
} Buffer;

static guint8 *
buffer_reserve (Buffer *b,
                gsize   size)
{
  if (b->size < size)
    {
      g_free (b->data);
      b->data = g_malloc (size);
      b->size = size;
    }
  return b->data;
}

typedef enum {
  DECODE_LIBDEFLATE,
  DECODE_ZLIB,
  DECODE_LOAD,
} Decoder;

/* Decompresses one gzip file with libdeflate, the way the volume reader
 * does (whole file in memory, every member). */
static void
decode_libdeflate (const char                     *path,
                   struct libdeflate_decompressor *d,
                   Buffer                         *in,
                   Buffer                         *out)
{
  gsize in_len = (gsize) file_size (path);
  gsize pos_in = 0, pos_out = 0, out_len;
  FILE *f = fopen (path, "rb");
  guint8 *src = buffer_reserve (in, in_len);
  guint8 *dst;

  g_assert (f != NULL);
  g_assert (fread (src, 1, in_len, f) == in_len);
  fclose (f);

  /* ISIZE: the size modulo 2^32 of the (last) member */
  out_len = (gsize) src[in_len - 4] | (gsize) src[in_len - 3] << 8 |
            (gsize) src[in_len - 2] << 16 | (gsize) src[in_len - 1] << 24;
  dst = buffer_reserve (out, out_len);

  while (pos_in < in_len && src[pos_in] == 0x1f)
    {
      size_t used_in = 0, used_out = 0;
      enum libdeflate_result r = libdeflate_gzip_decompress_ex (d, src + pos_in, in_len - pos_in,
                                                                dst + pos_out, out_len - pos_out,
                                                                &used_in, &used_out);
      g_assert (r == LIBDEFLATE_SUCCESS);
      pos_in += used_in;
      pos_out += used_out;
    }
}

static void
decode_zlib (const char *path,
             Buffer     *out)
{
  gzFile f = gzopen (path, "rb");
  guint8 *dst = buffer_reserve (out, 1 << 20);
  int got;

  g_assert (f != NULL);
  gzbuffer (f, 256 * 1024);
  while ((got = gzread (f, dst, 1 << 20)) > 0)
    ;
  g_assert (got == 0);
  gzclose (f);
}

typedef struct {
  GPtrArray *cases;
  Decoder    decoder;
  gint       next;
} DecodeJob;

static gpointer
decode_worker (gpointer data)
{
  DecodeJob *job = data;
  struct libdeflate_decompressor *d = libdeflate_alloc_decompressor ();
  Buffer in = { 0 }, out = { 0 };
  gint i;

  while ((i = g_atomic_int_add (&job->next, 1)) < (gint) job->cases->len)
    {
      const LoadCase *c = job->cases->pdata[i];

      if (job->decoder == DECODE_LIBDEFLATE)
        {
          decode_libdeflate (c->prob, d, &in, &out);
          decode_libdeflate (c->label, d, &in, &out);
        }
      else
        {
          decode_zlib (c->prob, &out);
          decode_zlib (c->label, &out);
        }
    }

  libdeflate_free_decompressor (d);
  g_free (in.data);
  g_free (out.data);
  return NULL;
}

static double
run_decode (GPtrArray *cases,
            Decoder    decoder,
            guint      n_threads)
{
  DecodeJob job = { cases, decoder, 0 };
  g_autoptr(GPtrArray) threads = g_ptr_array_new ();
  double t0 = now ();

  for (guint t = 1; t < n_threads; t++)
    g_ptr_array_add (threads, g_thread_new ("bench-decode", decode_worker, &job));
  decode_worker (&job);
  for (guint t = 0; t < threads->len; t++)
    g_thread_join (threads->pdata[t]);

  return now () - t0;
}

static double
run_load (ClsDataset *dataset,
          guint       n_threads)
{
  ClsLoadOptions options;
  g_autoptr(ClsCaseSet) set = NULL;
  g_autoptr(GError) error = NULL;
  double t0;

  cls_load_options_init (&options);
  options.n_threads = n_threads;
  options.strict = TRUE;

  t0 = now ();
  set = cls_dataset_load_model (dataset, LOAD_MODEL, &options, NULL, NULL, NULL, &error);
  if (set == NULL)
    g_error ("%s", error->message);
  return now () - t0;
}

static double
measure_decode (ClsDataset *dataset,
                GPtrArray  *cases,
                Decoder     decoder,
                guint       n_threads)
{
  g_autoptr(GArray) t = g_array_new (FALSE, FALSE, sizeof (double));
  double started = now ();

  for (guint r = 0; more_runs (r, started); r++)
    {
      double s = decoder == DECODE_LOAD ? run_load (dataset, n_threads)
                                        : run_decode (cases, decoder, n_threads);
      g_array_append_vals (t, &s, 1);
    }
  return median (t);
}

static gboolean
parse_dims (const char *text,
            gint64      dims[3])
{
  g_auto(GStrv) parts = g_strsplit (text, "x", -1);

  if (g_strv_length (parts) != 3)
    return FALSE;
  for (guint i = 0; i < 3; i++)
    {
      guint64 v;
      if (!g_ascii_string_to_unsigned (parts[i], 10, 8, 1024, &v, NULL))
        return FALSE;
      dims[i] = (gint64) v;
    }
  return TRUE;
}

static void
bench_load (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ClsDataset) dataset = NULL;
  g_autoptr(GPtrArray) cases = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *manifest = NULL;
  struct {
    const char *name;
    Decoder     decoder;
    gboolean    all;
  } rows[] = {
    { "decompress only, libdeflate", DECODE_LIBDEFLATE, FALSE },
    { "decompress only, zlib gzread", DECODE_ZLIB, FALSE },
    { "load and summarise", DECODE_LOAD, FALSE },
    { "decompress only, libdeflate", DECODE_LIBDEFLATE, TRUE },
    { "decompress only, zlib gzread", DECODE_ZLIB, TRUE },
    { "load and summarise", DECODE_LOAD, TRUE },
  };
  double mb_s[G_N_ELEMENTS (rows)];
  guint64 vbytes = 0, fbytes = 0;
  gint64 dims[3];

  if (!parse_dims (opt.load_dims, dims))
    g_error ("--load-dims: expected WxHxD, e.g. 512x512x300");

  dir = cls_bench_ensure_demo (opt.cache, (guint) opt.load_cases, dims, &error);
  if (dir == NULL)
    g_error ("%s", error->message);
  manifest = cls_bench_write_manifest (dir, LOAD_MODEL, (guint) opt.load_cases, &error);
  if (manifest == NULL || (dataset = cls_dataset_open (manifest, &error)) == NULL)
    g_error ("%s", error->message);

  cases = load_cases (dataset);
  for (guint i = 0; i < cases->len; i++)
    {
      const LoadCase *c = cases->pdata[i];
      vbytes += c->voxel_bytes;
      fbytes += c->file_bytes;
    }

  /* Read everything once, so that every row reads from the page cache. */
  run_decode (cases, DECODE_LIBDEFLATE, n_cores ());

  printf ("\nLoad: %u cases of %" PRId64 "×%" PRId64 "×%" PRId64
          " (float32 map + uint8 label, model %s): %.1f MB of voxel data in %.1f MB of .nii.gz\n",
          cases->len, dims[0], dims[1], dims[2], LOAD_MODEL, vbytes / 1e6, fbytes / 1e6);
  printf ("%-32s %8s %14s\n", "", "threads", "MB voxels/s");

  cls_json_writer_member (json, "load");
  cls_json_writer_begin_object (json);
  cls_json_writer_member (json, "cases");
  cls_json_writer_uint (json, cases->len);
  cls_json_writer_member (json, "dims");
  cls_json_writer_begin_array (json);
  for (guint i = 0; i < 3; i++)
    cls_json_writer_int (json, dims[i]);
  cls_json_writer_end_array (json);
  cls_json_writer_member (json, "voxel_mb");
  cls_json_writer_double (json, vbytes / 1e6);
  cls_json_writer_member (json, "file_mb");
  cls_json_writer_double (json, fbytes / 1e6);
  cls_json_writer_member (json, "rows");
  cls_json_writer_begin_array (json);

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      guint threads = rows[i].all ? n_cores () : 1;
      double s = measure_decode (dataset, cases, rows[i].decoder, threads);

      mb_s[i] = vbytes / 1e6 / s;
      printf ("%-32s %8u %14.1f\n", rows[i].name, threads, mb_s[i]);
      fflush (stdout);

      cls_json_writer_begin_object (json);
      cls_json_writer_member (json, "what");
      cls_json_writer_string (json, rows[i].name);
      cls_json_writer_member (json, "threads");
      cls_json_writer_uint (json, threads);
      cls_json_writer_member (json, "mb_per_s");
      cls_json_writer_double (json, mb_s[i]);
      cls_json_writer_end_object (json);
    }
  cls_json_writer_end_array (json);

  printf ("load and summarise / libdeflate decompress only: %.0f%% on 1 thread, %.0f%% on %u\n",
          100 * mb_s[2] / mb_s[0], 100 * mb_s[5] / mb_s[3], n_cores ());
  printf ("load and summarise / zlib decompress only: %.2f× on 1 thread, %.2f× on %u\n",
          mb_s[2] / mb_s[1], mb_s[5] / mb_s[4], n_cores ());

  cls_json_writer_member (json, "load_over_libdeflate_all_cores");
  cls_json_writer_double (json, mb_s[5] / mb_s[3]);
  cls_json_writer_member (json, "load_over_zlib_all_cores");
  cls_json_writer_double (json, mb_s[5] / mb_s[4]);
  cls_json_writer_end_object (json);
}

/* Memory
 * ------ */

static guint64
vm_hwm_kb (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return 0;
  line = strstr (status, "VmHWM:");
  return line != NULL ? g_ascii_strtoull (line + 6, NULL, 10) : 0;
}

/* In the child: load a manifest, print peak memory and summary sizes. */
static int
child_load (const char *manifest)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ClsDataset) dataset = cls_dataset_open (manifest, &error);
  g_autoptr(ClsCaseSet) set = NULL;
  ClsLoadOptions options;
  guint64 base, peak, summary_bytes = 0, file_bytes = 0, n_voxels = 0;

  if (dataset == NULL)
    g_error ("%s", error->message);
  cls_load_options_init (&options);
  options.n_threads = opt.threads > 0 ? (guint) opt.threads : 0;

  base = vm_hwm_kb ();
  set = cls_dataset_load_model (dataset, LOAD_MODEL, &options, NULL, NULL, NULL, &error);
  if (set == NULL)
    g_error ("%s", error->message);
  peak = vm_hwm_kb ();

  for (guint i = 0; i < set->summaries->len; i++)
    {
      g_autoptr(GBytes) file = cls_summary_file_encode (set->summaries->pdata[i], NULL, NULL, NULL);

      summary_bytes += cls_case_summary_get_memory_size (set->summaries->pdata[i]);
      file_bytes += g_bytes_get_size (file);
      n_voxels += cls_case_summary_get_n_voxels (set->summaries->pdata[i]);
    }

  printf ("%u %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64
          " %" PRIu64 "\n",
          set->summaries->len, base, peak, summary_bytes, n_voxels, file_bytes);
  return 0;
}

static void
bench_memory (const char *argv0)
{
  g_autoptr(GArray) counts = parse_list (opt.memory_cases);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *self = NULL;
  gint64 dims[3] = { CLS_DEMO_DEFAULT_DIM_X, CLS_DEMO_DEFAULT_DIM_Y, CLS_DEMO_DEFAULT_DIM_Z };
  guint largest = 0;

  for (guint i = 0; i < counts->len; i++)
    largest = MAX (largest, g_array_index (counts, guint, i));

  dir = cls_bench_ensure_demo (opt.cache, largest, dims, &error);
  if (dir == NULL)
    g_error ("%s", error->message);

  self = g_file_test (argv0, G_FILE_TEST_EXISTS) ? g_strdup (argv0) : g_find_program_in_path (argv0);

  printf ("\nPeak memory while loading N demo cases (%" PRId64 "×%" PRId64 "×%"
          PRId64 ", model %s, %u threads)\n", dims[0], dims[1], dims[2], LOAD_MODEL, n_cores ());
  printf ("%6s %12s %12s %14s %16s %12s %14s %12s\n", "cases", "base MiB", "peak MiB", "peak-base MiB",
          "summary KiB/case", "of float32", "file KiB/case", "of float32");

  cls_json_writer_member (json, "memory");
  cls_json_writer_begin_array (json);

  for (guint i = 0; i < counts->len; i++)
    {
      guint n = g_array_index (counts, guint, i);
      g_autofree char *manifest = cls_bench_write_manifest (dir, LOAD_MODEL, n, &error);
      g_autofree char *threads = g_strdup_printf ("--threads=%d", opt.threads);
      g_autofree char *out = NULL;
      const char *argv[] = { self, "--child-load", manifest, threads, NULL };
      guint64 loaded = 0, base = 0, peak = 0, sbytes = 0, nvox = 0, fbytes = 0;
      int status = 0;
      double per_case, share, file_per_case, file_share;

      if (manifest == NULL ||
          !g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL,
                         &status, &error) ||
          !g_spawn_check_wait_status (status, &error))
        g_error ("child: %s", error->message);

      if (sscanf (out, "%" PRIu64 " %" PRIu64 " %" PRIu64
                  " %" PRIu64 " %" PRIu64 " %" PRIu64,
                  &loaded, &base, &peak, &sbytes, &nvox, &fbytes) != 6)
        g_error ("child printed “%s”", out);

      per_case = (double) sbytes / MAX (loaded, 1);
      share = (double) sbytes / (4.0 * (double) MAX (nvox, 1));
      file_per_case = (double) fbytes / MAX (loaded, 1);
      file_share = (double) fbytes / (4.0 * (double) MAX (nvox, 1));
      printf ("%6u %12.1f %12.1f %14.1f %16.1f %11.2f%% %14.1f %11.2f%%\n", n, base / 1024.0, peak / 1024.0,
              (peak - base) / 1024.0, per_case / 1024.0, 100 * share, file_per_case / 1024.0, 100 * file_share);
      fflush (stdout);

      cls_json_writer_begin_object (json);
      cls_json_writer_member (json, "cases");
      cls_json_writer_uint (json, n);
      cls_json_writer_member (json, "base_kib");
      cls_json_writer_uint (json, base);
      cls_json_writer_member (json, "peak_kib");
      cls_json_writer_uint (json, peak);
      cls_json_writer_member (json, "summary_bytes_per_case");
      cls_json_writer_double (json, per_case);
      cls_json_writer_member (json, "summary_share_of_float32");
      cls_json_writer_double (json, share);
      cls_json_writer_member (json, "file_bytes_per_case");
      cls_json_writer_double (json, file_per_case);
      cls_json_writer_member (json, "file_share_of_float32");
      cls_json_writer_double (json, file_share);
      cls_json_writer_end_object (json);
    }

  cls_json_writer_end_array (json);
}

/* One CT-sized case (the load benchmark's first): its summary in memory
 * and as a file, against its float32 map. */
static void
bench_ct_summary (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ClsDataset) dataset = NULL;
  g_autoptr(ClsCaseSet) set = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *manifest = NULL;
  gint64 dims[3];
  ClsLoadOptions options;

  if (!parse_dims (opt.load_dims, dims))
    g_error ("--load-dims: expected WxHxD, e.g. 512x512x300");
  dir = cls_bench_ensure_demo (opt.cache, (guint) opt.load_cases, dims, &error);
  if (dir == NULL)
    g_error ("%s", error->message);

  printf ("\nSummaries of %" PRId64 "×%" PRId64 "×%" PRId64
          " demo cases against their float32 maps\n", dims[0], dims[1], dims[2]);
  printf ("%-10s %-16s %10s %14s %10s %14s %10s\n", "case", "model", "lesion vox", "in memory KiB",
          "of f32", "file KiB", "of f32");

  cls_json_writer_member (json, "ct_summaries");
  cls_json_writer_begin_array (json);
  cls_load_options_init (&options);
  for (const char * const *m = cls_demo_get_models (); *m != NULL; m++)
    {
      g_clear_pointer (&manifest, g_free);
      g_clear_pointer (&dataset, cls_dataset_unref);
      g_clear_pointer (&set, cls_case_set_free);
      manifest = cls_bench_write_manifest (dir, *m, 2, &error);
      if (manifest == NULL || (dataset = cls_dataset_open (manifest, &error)) == NULL ||
          (set = cls_dataset_load_model (dataset, *m, &options, NULL, NULL, NULL, &error)) == NULL)
        g_error ("%s", error->message);

      for (guint i = 0; i < set->summaries->len; i++)
        {
          const ClsCaseSummary *s = set->summaries->pdata[i];
          g_autoptr(GBytes) file = cls_summary_file_encode (s, NULL, NULL, NULL);
          double f32 = 4.0 * (double) cls_case_summary_get_n_voxels (s);
          double mem = cls_case_summary_get_memory_size (s);
          double fb = g_bytes_get_size (file);

          printf ("%-10s %-16s %10" PRIu64 " %14.1f %9.2f%% %14.1f %9.2f%%\n",
                  cls_case_summary_get_case_id (s), *m, cls_case_summary_get_n_lesion (s),
                  mem / 1024, 100 * mem / f32, fb / 1024, 100 * fb / f32);
          cls_json_writer_begin_object (json);
          cls_json_writer_member (json, "case");
          cls_json_writer_string (json, cls_case_summary_get_case_id (s));
          cls_json_writer_member (json, "model");
          cls_json_writer_string (json, *m);
          cls_json_writer_member (json, "lesion_voxels");
          cls_json_writer_uint (json, cls_case_summary_get_n_lesion (s));
          cls_json_writer_member (json, "memory_bytes");
          cls_json_writer_double (json, mem);
          cls_json_writer_member (json, "file_bytes");
          cls_json_writer_double (json, fb);
          cls_json_writer_member (json, "float32_bytes");
          cls_json_writer_double (json, f32);
          cls_json_writer_end_object (json);
        }
    }
  cls_json_writer_end_array (json);
}

/* Frame time
 * ---------- */

/* The frame time of the three slice views is measured by cls-bench-slice
 * (it needs GTK and a display; built with the app). Run here when it is
 * next to this program and a display is there. */
static void
bench_frame (const char *argv0)
{
  g_autofree char *dir = g_path_get_dirname (argv0);
  g_autofree char *slice = g_build_filename (dir, "cls-bench-slice", NULL);
  g_autofree char *json_path = NULL;
  g_autofree char *out = NULL;
  g_autofree char *doc = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  const char *argv[] = { slice, "--json", NULL, NULL };
  int status = 0;
  int fd;

  cls_json_writer_member (json, "frame");
  if (!g_file_test (slice, G_FILE_TEST_IS_EXECUTABLE) ||
      (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL))
    {
      printf ("\nFrame time: not measured here (needs %s, built with the app, and a display;\n"
              "  e.g. LIBGL_ALWAYS_SOFTWARE=1 xvfb-run -a -s \"-screen 0 1920x1080x24\" %s)\n",
              slice, slice);
      cls_json_writer_null (json);
      return;
    }

  fd = g_file_open_tmp ("cls-bench-frame-XXXXXX.json", &json_path, &error);
  if (fd < 0)
    g_error ("%s", error->message);
  close (fd);
  argv[2] = json_path;

  printf ("\n");
  fflush (stdout);
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL, &status, &error) ||
      !g_spawn_check_wait_status (status, &error) ||
      !g_file_get_contents (json_path, &doc, NULL, &error) ||
      !json_parser_load_from_data (parser, doc, -1, &error))
    {
      printf ("Frame time: cls-bench-slice failed: %s\n", error->message);
      cls_json_writer_null (json);
      g_unlink (json_path);
      return;
    }
  g_unlink (json_path);

  /* its table, then the figures in this document */
  {
    const char *end = strstr (out, "\n{");

    fwrite (out, 1, end != NULL ? (gsize) (end - out) + 1 : strlen (out), stdout);
  }
  {
    JsonObject *root = json_node_get_object (json_parser_get_root (parser));
    const char *fields[] = { "slices", "cut" };

    cls_json_writer_begin_object (json);
    cls_json_writer_member (json, "renderer");
    cls_json_writer_string (json, json_object_get_string_member_with_default (root, "renderer", ""));
    for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
      {
        JsonObject *m = json_object_get_object_member (root, fields[i]);

        cls_json_writer_member (json, fields[i]);
        cls_json_writer_begin_object (json);
        cls_json_writer_member (json, "wall_ms");
        cls_json_writer_double (json, m != NULL ? json_object_get_double_member_with_default (m, "wall_ms", NAN) : NAN);
        cls_json_writer_member (json, "cpu_ms");
        cls_json_writer_double (json, m != NULL ? json_object_get_double_member_with_default (m, "cpu_ms", NAN) : NAN);
        cls_json_writer_end_object (json);
      }
    cls_json_writer_end_object (json);
  }
}

/* Main
 * ---- */

static char *
cpu_model (void)
{
  g_autofree char *info = NULL;
  const char *line;

  if (g_file_get_contents ("/proc/cpuinfo", &info, NULL, NULL) &&
      (line = strstr (info, "model name")) != NULL && (line = strchr (line, ':')) != NULL)
    return g_strstrip (g_strndup (line + 1, strcspn (line + 1, "\n")));
  return g_strdup ("unknown");
}

static gboolean
has_mode (const char *mode)
{
  g_auto(GStrv) modes = g_strsplit (opt.modes, ",", -1);
  return g_strv_contains ((const char * const *) modes, mode) ||
         g_strv_contains ((const char * const *) modes, "all");
}

int
main (int   argc,
      char *argv[])
{
  GOptionEntry entries[] = {
    { "modes", 0, 0, G_OPTION_ARG_STRING, &opt.modes, "What to measure: all, or a list of recompute,bisect,load,memory,summary,frame", "LIST" },
    { "sizes", 0, 0, G_OPTION_ARG_STRING, &opt.sizes, "Case counts for recompute/bisect (default 100,1000,10000,100000)", "LIST" },
    { "repeat", 0, 0, G_OPTION_ARG_INT, &opt.repeat, "Runs per figure at most (default 21; at least 3)", "R" },
    { "budget", 0, 0, G_OPTION_ARG_DOUBLE, &opt.budget, "Seconds per figure after which no new run starts (default 20)", "S" },
    { "json", 0, 0, G_OPTION_ARG_FILENAME, &opt.json, "Also write the figures as JSON to FILE (- for standard output)", "FILE" },
    { "cache", 0, 0, G_OPTION_ARG_FILENAME, &opt.cache, "Where generated datasets are kept (default ~/.cache/cls-bench)", "DIR" },
    { "load-cases", 0, 0, G_OPTION_ARG_INT, &opt.load_cases, "Cases for the load benchmark (default 6)", "N" },
    { "load-dims", 0, 0, G_OPTION_ARG_STRING, &opt.load_dims, "Volume size for the load benchmark (default 512x512x300)", "WxHxD" },
    { "memory-cases", 0, 0, G_OPTION_ARG_STRING, &opt.memory_cases, "Case counts for the memory benchmark (default 10,50,200)", "LIST" },
    { "threads", 0, 0, G_OPTION_ARG_INT, &opt.threads, "Threads for “all cores” (default: one per processor)", "N" },
    { "quick", 0, 0, G_OPTION_ARG_NONE, &opt.quick, "Small sizes and few runs, to check that it works", NULL },
    { "child-load", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_FILENAME, &opt.child_load, NULL, NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("— CLS Studio benchmarks (medians)");
  g_autoptr(GError) error = NULL;
  g_autofree char *cpu = NULL;

  setlocale (LC_ALL, "");

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }

  if (opt.child_load != NULL)
    return child_load (opt.child_load);

  if (opt.modes == NULL)
    opt.modes = g_strdup ("all");
  if (opt.cache == NULL)
    opt.cache = g_build_filename (g_get_user_cache_dir (), "cls-bench", NULL);
  if (opt.quick)
    {
      opt.repeat = MIN (opt.repeat, 5);
      opt.budget = MIN (opt.budget, 3.0);
      if (opt.sizes == NULL)
        opt.sizes = g_strdup ("100,1000");
      if (opt.load_dims == NULL)
        opt.load_dims = g_strdup ("96x96x48");
      if (opt.memory_cases == NULL)
        opt.memory_cases = g_strdup ("5,10");
    }
  if (opt.sizes == NULL)
    opt.sizes = g_strdup ("100,1000,10000,100000");
  if (opt.load_dims == NULL)
    opt.load_dims = g_strdup ("512x512x300");
  if (opt.memory_cases == NULL)
    opt.memory_cases = g_strdup ("10,50,200");

  cpu = cpu_model ();
  printf ("CLS Studio %s benchmarks: %s, %u cores; libdeflate %s, zlib %s; medians of up to %d runs\n",
          PACKAGE_VERSION, cpu, g_get_num_processors (), LIBDEFLATE_VERSION_STRING, zlibVersion (),
          opt.repeat);

  json = cls_json_writer_new (TRUE);
  cls_json_writer_begin_object (json);
  cls_json_writer_member (json, "version");
  cls_json_writer_string (json, PACKAGE_VERSION);
  cls_json_writer_member (json, "machine");
  cls_json_writer_begin_object (json);
  cls_json_writer_member (json, "cpu");
  cls_json_writer_string (json, cpu);
  cls_json_writer_member (json, "cores");
  cls_json_writer_uint (json, g_get_num_processors ());
  cls_json_writer_member (json, "libdeflate");
  cls_json_writer_string (json, LIBDEFLATE_VERSION_STRING);
  cls_json_writer_member (json, "zlib");
  cls_json_writer_string (json, zlibVersion ());
  cls_json_writer_end_object (json);

  if (has_mode ("recompute") || has_mode ("bisect"))
    bench_recompute (has_mode ("recompute"), has_mode ("bisect"));
  if (has_mode ("load"))
    bench_load ();
  if (has_mode ("memory"))
    bench_memory (argv[0]);
  if (has_mode ("summary"))
    bench_ct_summary ();
  if (has_mode ("frame"))
    bench_frame (argv[0]);

  cls_json_writer_end_object (json);
  {
    g_autofree char *doc = cls_json_writer_finish (json);

    if (g_strcmp0 (opt.json, "-") == 0)
      fputs (doc, stdout);
    else if (opt.json != NULL && !cls_atomic_write (opt.json, doc, strlen (doc), &error))
      {
        g_printerr ("%s\n", error->message);
        return 1;
      }
  }

  return 0;
}
