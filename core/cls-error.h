/* cls-error.h: the error domain of the CLS core library
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CLS_ERROR (cls_error_quark ())

/**
 * ClsError:
 * @CLS_ERROR_IO: a file could not be read or written
 * @CLS_ERROR_FORMAT: a file is not what it claims to be (bad header, truncated data, bad checksum)
 * @CLS_ERROR_UNSUPPORTED: a valid file uses something we do not support (datatype, dimension)
 * @CLS_ERROR_TOO_LARGE: a file asks for more memory than the budget allows
 * @CLS_ERROR_GRID_MISMATCH: a probability map and its label do not share the voxel grid
 * @CLS_ERROR_BAD_PROBABILITY: probabilities that are NaN, infinite or outside [0, 1]
 * @CLS_ERROR_BAD_LABEL: a label volume that does not fit the label rules
 * @CLS_ERROR_INVALID_ARGUMENT: a parameter out of range (epsilon, alpha, fraction, ...)
 * @CLS_ERROR_DATASET: a dataset folder or manifest that does not fit the layout
 * @CLS_ERROR_NO_CASES: nothing left to calibrate on
 *
 * Error codes of #CLS_ERROR. Every message names the file or case and the problem.
 */
typedef enum {
  CLS_ERROR_IO,
  CLS_ERROR_FORMAT,
  CLS_ERROR_UNSUPPORTED,
  CLS_ERROR_TOO_LARGE,
  CLS_ERROR_GRID_MISMATCH,
  CLS_ERROR_BAD_PROBABILITY,
  CLS_ERROR_BAD_LABEL,
  CLS_ERROR_INVALID_ARGUMENT,
  CLS_ERROR_DATASET,
  CLS_ERROR_NO_CASES,
} ClsError;

GQuark cls_error_quark (void);

G_END_DECLS
