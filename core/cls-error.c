/* cls-error.c
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cls-error.h"

G_DEFINE_QUARK (cls-error-quark, cls_error)
