#!/bin/sh
# CLS Studio developer entry point, for a fresh Debian 12 machine.
#
#   ./dev.sh app [DATASET]   install what is missing, build, start the app
#                            (no DATASET: the built-in synthetic demo set)
#   ./dev.sh test            install what is missing, build, run every test
#                            (the app tests under a virtual X server)
#   ./dev.sh deps            only install the Debian packages
#   ./dev.sh build           only configure and build into ./build
set -eu

cd "$(dirname "$0")"

# Debian 12 packages: the build, the tests (Xvfb, Mesa's software GL, a
# comma-decimal locale, the desktop-file and AppStream validators).
DEPS="build-essential meson ninja-build pkg-config gettext
      libglib2.0-dev libglib2.0-bin libgtk-4-dev libepoxy-dev libcairo2-dev libpango1.0-dev
      libnifti2-dev libjson-glib-dev libgsl-dev libgmp-dev libdeflate-dev zlib1g-dev
      xvfb xauth libgl1-mesa-dri libegl-mesa0 locales
      desktop-file-utils appstream"

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

deps() {
  missing=""
  for p in $DEPS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
  done
  if [ -n "$missing" ]; then
    echo "Installing:$missing"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
  fi
  # The locale tests need a comma-decimal locale.
  if ! locale -a 2>/dev/null | grep -qi '^fr_FR\.utf-\?8$'; then
    as_root sh -c "sed -i 's/^# *fr_FR.UTF-8/fr_FR.UTF-8/' /etc/locale.gen && locale-gen >/dev/null"
  fi
}

build() {
  if [ ! -f build/build.ninja ]; then
    meson setup build --buildtype=debugoptimized
  fi
  ninja -C build
}

case "${1:-}" in
  deps)
    deps ;;
  build)
    deps
    build ;;
  app)
    deps
    build
    shift
    exec ./build/app/cls-studio "$@" ;;
  test)
    deps
    build
    # App tests need a display: give them a virtual one.
    xvfb-run -a -s "-screen 0 1600x1000x24" meson test -C build --print-errorlogs ;;
  *)
    sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'
    exit 2 ;;
esac
