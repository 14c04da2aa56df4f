/* cls-cli.h: what the `cls` subcommands share
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "cls-calibration.h"
#include "cls-dataset.h"
#include "cls-evaluation.h"

G_BEGIN_DECLS

/* Exit codes: the contract other tools rely on. */
#define CLS_EXIT_OK     0
#define CLS_EXIT_INPUT  1
#define CLS_EXIT_USAGE  2

int   cls_cmd_demo       (int argc, char **argv);
int   cls_cmd_info       (int argc, char **argv);
int   cls_cmd_calibrate  (int argc, char **argv);
int   cls_cmd_evaluate   (int argc, char **argv);
int   cls_cmd_apply      (int argc, char **argv);
int   cls_cmd_summarize  (int argc, char **argv);
int   cls_cmd_report     (int argc, char **argv);

/* Options shared by the commands that calibrate. */
typedef struct {
  char     *model;
  char     *epsilon;
  char     *alpha;
  char     *label_value;
  int       channel;
  gboolean  logits;
  char     *empty_masks;
  char     *method;
  char     *normalize;
  gboolean  strict;
  gboolean  json;
  gboolean  quiet;
  int       threads;
  char     *guarantee;
  char     *delta;
  char     *loss;
  char     *lesion_coverage;
  char     *strata;
  char     *weights_path;
  ClsWeights *weights;   /* read by cls_cli_calibration_params(); the params borrow it */
} ClsCliCalibrationOptions;

GOptionGroup *cls_cli_calibration_group    (ClsCliCalibrationOptions    *options);
void          cls_cli_calibration_options_clear (ClsCliCalibrationOptions *options);
int           cls_cli_calibration_params   (ClsCliCalibrationOptions    *options,
                                            ClsCalibrationParams        *params,
                                            ClsLoadOptions              *load);
char         *cls_cli_describe_method      (const ClsCalibrationParams  *params);
char         *cls_cli_pad                  (const char                  *text,
                                            int                          width);
ClsCaseSet   *cls_cli_load_model           (const char                  *dataset,
                                            ClsCliCalibrationOptions    *options,
                                            const ClsLoadOptions        *load,
                                            int                         *exit_code);

int           cls_cli_parse                (GOptionContext              *context,
                                            int                         *argc,
                                            char                      ***argv);
int           cls_cli_usage                (GOptionContext              *context,
                                            const char                  *format,
                                            ...) G_GNUC_PRINTF (2, 3);
int           cls_cli_fail                 (const GError                *error);
gboolean      cls_cli_fraction             (const char                  *option,
                                            const char                  *text,
                                            ClsFraction                 *out);
void          cls_cli_warn                 (const char                  *format,
                                            ...) G_GNUC_PRINTF (1, 2);
void          cls_cli_print_json           (const char                  *document);

/**
 * ClsCliProgress:
 * @label: what is being done ("Loading", "Writing case", …)
 * @tty: whether standard error is a terminal (one line rewritten in place)
 * @last_percent: for logs: a line every 10%
 *
 * Progress on standard error; pass cls_cli_progress() as the
 * #ClsProgressFunc and the struct as its data.
 */
typedef struct {
  const char *label;
  gboolean    tty;
  guint       last_percent;
} ClsCliProgress;

void          cls_cli_progress_init        (ClsCliProgress              *progress,
                                            const char                  *label);
void          cls_cli_progress             (guint64                      done,
                                            guint64                      total,
                                            const char                  *message,
                                            gpointer                     user_data);
void          cls_cli_progress_end         (ClsCliProgress              *progress);

G_END_DECLS
