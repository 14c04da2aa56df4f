#!/bin/sh
# test-install.sh: `meson install` into a temporary DESTDIR, and what it put there
#
# Copyright 2026 CLS Studio developers
# SPDX-License-Identifier: GPL-3.0-or-later
#
#   test-install.sh MESON BUILDDIR SRCROOT VERSION BUILD_APP PREFIX BINDIR DATADIR LOCALEDIR MANDIR
#
# The directories are the configured absolute ones (DATADIR = PREFIX/share).
# Checked: the programs, desktop file, metainfo, icons, schema, man pages and
# every translation in po/LINGUAS are installed, the desktop file and the
# metainfo translated; no header, static library or pkg-config file is (the
# core is not a public library); the installed programs answer --version;
# and the installed translations take effect: the installed `cls --help`
# reads German under LANGUAGE=de. The programs look
# for translations in LOCALEDIR, not under DESTDIR, so that last check runs
# them in a private mount namespace with DESTDIR's locale folder mounted on
# LOCALEDIR; where namespaces are not allowed it checks the .mo files instead.
set -u

[ $# -eq 10 ] || { sed -n '6p' "$0" | sed 's/^# \{0,1\}//'; exit 1; }
meson=$1 builddir=$2 srcroot=$3 version=$4 build_app=$5
prefix=$6 bindir=$7 datadir=$8 localedir=$9 mandir=${10}

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

dest=$(mktemp -d "${TMPDIR:-/tmp}/cls-install.XXXXXX") || exit 1
trap 'rm -rf "$dest"' EXIT

"$meson" install -C "$builddir" --destdir "$dest" --no-rebuild --quiet >"$dest.log" 2>&1 \
  || { cat "$dest.log" >&2; rm -f "$dest.log"; fail "meson install failed"; }
rm -f "$dest.log"
echo "installed into $dest$prefix"

expect() {
  for f in "$@"; do
    [ -e "$dest$f" ] || fail "not installed: $f"
    echo "ok: $f"
  done
}

app_id=org.clsstudio.ClsStudio
expect "$bindir/cls"
if [ -e "$dest$mandir/man1/cls.1.gz" ]; then
  expect "$mandir/man1/cls.1.gz"
else
  expect "$mandir/man1/cls.1"
fi
languages=$(grep -v '^#' "$srcroot/po/LINGUAS")
for lang in $languages; do
  expect "$localedir/$lang/LC_MESSAGES/cls-studio.mo"
done
if [ "$build_app" = 1 ]; then
  expect "$bindir/cls-studio" \
         "$datadir/applications/$app_id.desktop" \
         "$datadir/metainfo/$app_id.metainfo.xml" \
         "$datadir/icons/hicolor/scalable/apps/$app_id.svg" \
         "$datadir/icons/hicolor/symbolic/apps/$app_id-symbolic.svg" \
         "$datadir/glib-2.0/schemas/$app_id.gschema.xml" \
         "$mandir/man1/cls-studio.1"
fi

# The core library is private: it is linked into the programs, never installed.
private=$(find "$dest" \( -name '*.h' -o -name '*.a' -o -name '*.so*' -o -name '*.pc' \) -print)
[ -z "$private" ] || fail "installed but private: $private"
echo "ok: no headers, libraries or pkg-config files"

out=$("$dest$bindir/cls" --version) || fail "the installed cls --version failed"
[ "$out" = "cls $version" ] || fail "cls --version printed “$out”, not “cls $version”"
echo "ok: $out"
if [ "$build_app" = 1 ]; then
  # --version must not need a display.
  out=$(env -u DISPLAY -u WAYLAND_DISPLAY "$dest$bindir/cls-studio" --version) \
    || fail "the installed cls-studio --version failed"
  [ "$out" = "cls-studio $version" ] || fail "cls-studio --version printed “$out”"
  echo "ok: $out"
fi

# The translations. LANGUAGE is ignored in the C locale: use any other one.
case " $languages " in
  *" de "*) ;;
  *) echo "no German translation: nothing more to check"; exit 0 ;;
esac
if [ "$build_app" = 1 ]; then
  grep -q '^Comment\[de\]=' "$dest$datadir/applications/$app_id.desktop" \
    || fail "the installed desktop file has no German comment"
  grep -q 'xml:lang="de"' "$dest$datadir/metainfo/$app_id.metainfo.xml" \
    || fail "the installed metainfo has no German text"
  echo "ok: the desktop file and the metainfo carry the German translation"
fi
locale=$(locale -a 2>/dev/null | grep -Eiv '^(C|POSIX)([._].*)?$' | grep -Ei 'utf-?8$' | head -n 1)

# Runs the installed `cls --help` in German with LOCALEDIR showing $1.
help_with_locales() {
  unshare -m sh -c '
    set -e
    from=$1
    localedir=$2
    datadir=$3
    shift 3
    # LOCALEDIR needs a folder to mount on; make one on a tmpfs over the
    # nearest existing folder inside DATADIR, which no program runs from.
    if [ ! -d "$localedir" ]; then
      top=$localedir
      while [ ! -d "$top" ]; do top=$(dirname "$top"); done
      case "$top/" in "$datadir"/*) ;; *) exit 3 ;; esac
      mount -t tmpfs tmpfs "$top"
      mkdir -p "$localedir"
    fi
    mount --bind "$from" "$localedir"
    exec "$@"
  ' sh "$1" "$localedir" "$datadir" env LANGUAGE=de LC_ALL="$locale" "$dest$bindir/cls" --help
}

if [ -n "$locale" ] && unshare -m true 2>/dev/null; then
  empty=$dest/no-translations
  mkdir -p "$empty"
  german=$(help_with_locales "$dest$localedir") || fail "cls --help in German failed"
  english=$(help_with_locales "$empty") || fail "cls --help without translations failed"
  printf '%s\n' "$german" | sed 's/^/  de: /'
  [ "$german" != "$english" ] || fail "the installed German translation does not change cls --help"
  echo "ok: the installed cls speaks German under LANGUAGE=de ($locale)"
else
  # No namespaces here: check that the .mo holds translations and sits where
  # the installed program looks for it.
  command -v msgunfmt >/dev/null 2>&1 || { echo "SKIP: no mount namespace and no msgunfmt"; exit 77; }
  n=$(msgunfmt "$dest$localedir/de/LC_MESSAGES/cls-studio.mo" | grep -c '^msgid ')
  [ "$n" -gt 100 ] || fail "the German .mo holds only $n messages"
  grep -qaF "$localedir" "$dest$bindir/cls" || fail "cls does not look for translations in $localedir"
  echo "ok: $n German messages in $localedir, where cls looks (no mount namespace to run it)"
fi
