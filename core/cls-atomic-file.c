/* cls-atomic-file.c
 *
 * Copyright 2026 CLS Studio developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "cls-atomic-file.h"
#include "cls-error.h"

struct _ClsAtomicFile
{
  char *path;
  char *tmp_path;
  int   fd;
  int   saved_errno;
};

static void
set_errno_error (GError     **error,
                 int          saved_errno,
                 const char  *path,
                 const char  *what)
{
  g_set_error (error, CLS_ERROR, CLS_ERROR_IO,
               /* Translators: first %s is a file, second what failed, third the reason */
               _("%s: could not %s: %s"), path, what, g_strerror (saved_errno));
}

/**
 * cls_atomic_file_new:
 * @path: the destination
 * @error: return location for a #GError
 *
 * Opens a temporary file next to @path. Nothing is visible at @path until
 * cls_atomic_file_commit() succeeds.
 *
 * Returns: (transfer full) (nullable): the file, or %NULL with @error set
 */
ClsAtomicFile *
cls_atomic_file_new (const char  *path,
                     GError     **error)
{
  g_autofree char *dir = NULL;
  g_autofree char *base = NULL;
  g_autofree char *tmpl = NULL;
  ClsAtomicFile *self;
  int fd;

  g_return_val_if_fail (path != NULL, NULL);

  {
    GStatBuf st;

    /* Replacing a device, a pipe or a folder by renaming over it would be a
     * surprise at best (think of /dev/full as an output): refuse. */
    if (g_stat (path, &st) == 0 && !S_ISREG (st.st_mode))
      {
        g_set_error (error, CLS_ERROR, CLS_ERROR_IO,
                     S_ISDIR (st.st_mode) ? _("%s: is a folder, not a file")
                                          : _("%s: is not a regular file; refusing to replace it"),
                     path);
        return NULL;
      }
  }

  dir = g_path_get_dirname (path);
  base = g_path_get_basename (path);
  tmpl = g_strdup_printf ("%s/.%s.XXXXXX", dir, base);

  fd = g_mkstemp_full (tmpl, O_WRONLY | O_CLOEXEC, 0644);
  if (fd < 0)
    {
      int saved_errno = errno;
      set_errno_error (error, saved_errno, path, _("create a temporary file in its folder"));
      return NULL;
    }

  self = g_new0 (ClsAtomicFile, 1);
  self->path = g_strdup (path);
  self->tmp_path = g_steal_pointer (&tmpl);
  self->fd = fd;

  return self;
}

gboolean
cls_atomic_file_write (ClsAtomicFile  *self,
                       const void     *data,
                       gsize           len,
                       GError        **error)
{
  const guint8 *p = data;

  g_return_val_if_fail (self != NULL, FALSE);

  if (self->fd < 0)
    {
      set_errno_error (error, self->saved_errno ? self->saved_errno : EBADF, self->path, _("write"));
      return FALSE;
    }

  while (len > 0)
    {
      gssize n = write (self->fd, p, MIN (len, (gsize) G_MAXSSIZE));

      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          self->saved_errno = errno;
          set_errno_error (error, self->saved_errno, self->path, _("write"));
          return FALSE;
        }
      p += n;
      len -= (gsize) n;
    }

  return TRUE;
}

static void
sync_folder (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  int dfd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

  if (dfd >= 0)
    {
      (void) fsync (dfd);
      close (dfd);
    }
}

/**
 * cls_atomic_file_commit:
 * @self: a #ClsAtomicFile
 * @error: return location for a #GError
 *
 * Syncs the temporary file and renames it over the destination.
 * Whatever happens, @self is closed afterwards; free it with
 * cls_atomic_file_free().
 *
 * Returns: %TRUE when the destination now holds the new contents
 */
gboolean
cls_atomic_file_commit (ClsAtomicFile  *self,
                        GError        **error)
{
  int fd;

  g_return_val_if_fail (self != NULL, FALSE);

  if (self->fd < 0)
    {
      set_errno_error (error, self->saved_errno ? self->saved_errno : EBADF, self->path, _("write"));
      return FALSE;
    }

  fd = self->fd;
  self->fd = -1;

  if (fsync (fd) != 0 && errno != EINVAL)
    {
      int saved_errno = errno;
      close (fd);
      set_errno_error (error, saved_errno, self->path, _("write"));
      return FALSE;
    }

  if (close (fd) != 0)
    {
      int saved_errno = errno;
      set_errno_error (error, saved_errno, self->path, _("write"));
      return FALSE;
    }

  if (g_rename (self->tmp_path, self->path) != 0)
    {
      int saved_errno = errno;
      set_errno_error (error, saved_errno, self->path, _("replace the file"));
      return FALSE;
    }

  g_clear_pointer (&self->tmp_path, g_free);
  sync_folder (self->path);

  return TRUE;
}

void
cls_atomic_file_free (ClsAtomicFile *self)
{
  if (self == NULL)
    return;

  if (self->fd >= 0)
    close (self->fd);
  if (self->tmp_path != NULL)
    g_unlink (self->tmp_path);

  g_free (self->tmp_path);
  g_free (self->path);
  g_free (self);
}

/**
 * cls_atomic_write:
 * @path: the destination
 * @data: the bytes
 * @len: how many
 * @error: return location for a #GError
 *
 * Writes @data to @path atomically: either the whole new contents or the old
 * file, never a mixture or nothing.
 *
 * Returns: %TRUE on success
 */
gboolean
cls_atomic_write (const char  *path,
                  const void  *data,
                  gsize        len,
                  GError     **error)
{
  g_autoptr(ClsAtomicFile) file = cls_atomic_file_new (path, error);

  return file != NULL &&
         cls_atomic_file_write (file, data, len, error) &&
         cls_atomic_file_commit (file, error);
}

/**
 * cls_path_is_same_file:
 * @a: a path
 * @b: another path
 *
 * Whether @a and @b name the same existing file (same device and inode), so
 * that a writer can refuse to overwrite its own input.
 */
gboolean
cls_path_is_same_file (const char *a,
                       const char *b)
{
  GStatBuf sa, sb;

  if (g_stat (a, &sa) != 0 || g_stat (b, &sb) != 0)
    return FALSE;

  return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}
