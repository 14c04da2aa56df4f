#!/bin/sh
# test-data.sh: checks of the desktop integration and the translations
#
# Copyright 2026 CLS Studio developers
# SPDX-License-Identifier: GPL-3.0-or-later
#
#   test-data.sh desktop FILE.desktop      desktop-file-validate
#   test-data.sh metainfo FILE.xml         appstreamcli validate --no-net
#   test-data.sh schema DIR                glib-compile-schemas --strict
#   test-data.sh gresource XML SRCROOT     every .ui and shader is bundled
#   test-data.sh potfiles SRCROOT          POTFILES.in lists every file with
#                                          user-visible strings, and only
#                                          files that exist
#   test-data.sh po FILE.po                msgfmt -c, nothing untranslated
#                                          or fuzzy
#   test-data.sh po-current FILE.po SRCROOT  every msgid of the sources is in
#                                          FILE.po (not part of meson test:
#                                          run it before a release)
#   test-data.sh flatpak MANIFEST.json APP_ID  the manifest parses, pins every
#                                          archive by sha256 and asks for no
#                                          file system access
#
# Exit 0: passed; 77: skipped (a tool is missing); 1: failed.
set -u

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

need() {
  for tool in "$@"; do
    if ! command -v "$tool" >/dev/null 2>&1; then
      echo "SKIP: $tool is not installed"
      exit 77
    fi
  done
}

# The sources that may hold user-visible strings, relative to SRCROOT.
sources() {
  (cd "$1" && find core app ui data -type f \
     \( -name '*.c' -o -name '*.h' -o -name '*.ui' -o -name '*.in' -o -name '*.gschema.xml' \) \
     | LC_ALL=C sort)
}

# Whether a source file has strings for translators.
translatable() {
  case "$1" in
    *.desktop.in | *.metainfo.xml.in) return 0 ;;
    *.gschema.xml) grep -q 'gettext-domain=' "$1" ;;
    *.ui) grep -q 'translatable="yes"' "$1" ;;
    *) grep -Eq '(^|[^A-Za-z0-9_])(_|N_|C_|NC_|Q_|g_dgettext|g_dngettext|g_dpgettext2|g_dcgettext|ngettext)[[:space:]]*\(' "$1" ;;
  esac
}

mode=${1:-}
[ $# -ge 1 ] && shift

case "$mode" in
  desktop)
    need desktop-file-validate
    desktop-file-validate "$1" || fail "$1 is not a valid desktop file"
    ;;

  metainfo)
    need appstreamcli
    appstreamcli validate --no-net --explain "$1" || fail "$1 is not valid AppStream metadata"
    ;;

  schema)
    need glib-compile-schemas
    glib-compile-schemas --strict --dry-run "$1" || fail "the schemas in $1 do not compile strictly"
    ;;

  gresource)
    need glib-compile-resources
    xml=$1
    root=$2
    bundled=$(glib-compile-resources --generate-dependencies \
                --sourcedir "$(dirname "$xml")" --sourcedir "$root" "$xml") \
      || fail "cannot read $xml"
    missing=0
    for f in "$root"/ui/*.ui "$root"/data/gtk/*.ui "$root"/shaders/*.vert "$root"/shaders/*.frag \
             "$root"/shaders/*.glsl; do
      [ -e "$f" ] || continue
      real=$(realpath "$f")
      found=0
      for b in $bundled; do
        [ "$(realpath "$b")" = "$real" ] && found=1 && break
      done
      if [ $found -eq 0 ]; then
        echo "not in $xml: ${f#"$root"/}" >&2
        missing=1
      fi
    done
    [ $missing -eq 0 ] || fail "add the files above to the GResource"
    echo "every .ui and shader file is in the GResource"
    ;;

  potfiles)
    root=$1
    potfiles=$root/po/POTFILES.in
    listed=$(grep -v '^[[:space:]]*#' "$potfiles" | grep -v '^[[:space:]]*$')
    bad=0
    for f in $listed; do
      [ -f "$root/$f" ] || { echo "listed in po/POTFILES.in but missing: $f" >&2; bad=1; }
    done
    for f in $(sources "$root"); do
      if translatable "$root/$f" && ! printf '%s\n' $listed | grep -qx "$f"; then
        echo "has translatable strings but is not in po/POTFILES.in: $f" >&2
        bad=1
      fi
    done
    [ $bad -eq 0 ] || fail "update po/POTFILES.in"
    echo "po/POTFILES.in lists $(printf '%s\n' $listed | wc -l) files, all that have strings"
    ;;

  po)
    need msgfmt
    po=$1
    msgfmt -c --check-format -o /dev/null "$po" || fail "msgfmt -c finds errors in $po"
    stats=$(LC_ALL=C msgfmt --statistics -o /dev/null "$po" 2>&1)
    echo "$po: $stats"
    case "$stats" in
      *untranslated* | *fuzzy*) fail "$po is incomplete: $stats" ;;
    esac
    ;;

  po-current)
    need xgettext msgcmp
    po=$1
    root=$2
    tmp=$(mktemp -d) || exit 1
    trap 'rm -rf "$tmp"' EXIT
    (cd "$root" && xgettext --files-from=po/POTFILES.in --from-code=UTF-8 \
       --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 \
       --keyword=g_dngettext:2,3 --keyword=g_dpgettext2:2c,3 \
       --output="$tmp/cls-studio.pot") || fail "xgettext failed"
    msgcmp -N "$po" "$tmp/cls-studio.pot" || fail "$po lacks msgids of the sources"
    ;;

  flatpak)
    need python3
    python3 - "$1" "$2" <<'PY' || fail "$1 is not a manifest we can ship"
import json, re, sys

path, app_id = sys.argv[1], sys.argv[2]
with open(path, encoding="utf-8") as f:
    manifest = json.load(f)
problems = []
if manifest.get("id") != app_id:
    problems.append(f"id is {manifest.get('id')!r}, not {app_id!r}")
for arg in manifest.get("finish-args", []):
    # Files come through the portal's file chooser, never by a hole in the sandbox.
    if arg.startswith(("--filesystem", "--socket=session-bus", "--socket=system-bus", "--talk-name",
                       "--system-talk-name", "--share=network", "--device=all")):
        problems.append(f"finish-args asks for {arg}")
for module in manifest.get("modules", []):
    for source in module.get("sources", []):
        if source.get("type") in ("archive", "file") and \
           not re.fullmatch(r"[0-9a-f]{64}", source.get("sha256", "")):
            problems.append(f"module {module.get('name')}: {source.get('url')} has no sha256")
    if module.get("name") == "nifticlib":
        opts = module.get("config-opts", [])
        for wanted in ("-DNIFTI_BUILD_APPLICATIONS=OFF", "-DBUILD_TESTING=OFF"):
            if wanted not in opts:
                problems.append(f"nifticlib lacks {wanted}")
for p in problems:
    print(p, file=sys.stderr)
print(f"{path}: {len(manifest.get('modules', []))} modules, finish-args {manifest.get('finish-args')}")
sys.exit(1 if problems else 0)
PY
    ;;

  *)
    sed -n '7,23p' "$0" | sed 's/^# \{0,1\}//'
    exit 1
    ;;
esac
