/* cls-studio-main.c: entry point of the CLS Studio application
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>

#include <glib/gi18n.h>
#include <gsl/gsl_errno.h>

#include "cls-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(ClsApplication) app = NULL;

  /* GSL's default error handler aborts the process. The core checks every
   * argument before it calls GSL; should one slip through, a NaN is better
   * than losing the user's session. */
  gsl_set_error_handler_off ();
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_set_application_name (_("CLS Studio"));
  app = cls_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
