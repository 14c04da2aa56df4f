/* cls-studio-main.c: entry point of the CLS Studio application
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

int
main (int   argc,
      char *argv[])
{
  /* replaced by the application work */
  return 0;
}
