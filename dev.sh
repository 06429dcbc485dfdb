#!/usr/bin/env bash
# Set up attackgraph on a fresh Debian/Ubuntu machine and run it.
#
#   ./dev.sh app [FILE]   set up, then open the desktop app (flagship sample by default)
#   ./dev.sh test [ARGS]  set up, then run ruff and the whole test suite (ARGS go to pytest)
#   ./dev.sh setup        set up only
#
# Setup is idempotent: it installs what is missing (Graphviz `dot`, the system
# libraries Qt needs, python3-venv), creates .venv and installs the package
# with its test extras. Set ATTACKGRAPH_VENV to use another virtual environment.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"
venv="${ATTACKGRAPH_VENV:-$here/.venv}"
python="${PYTHON:-python3}"

log() { printf '[dev.sh] %s\n' "$*" >&2; }

# Debian/Ubuntu packages: Graphviz, and what PySide6 wheels load at run time
# (offscreen and X11/xcb platforms). Names that differ between releases are
# resolved by apt itself (e.g. libglib2.0-0 -> libglib2.0-0t64).
system_packages=(
  graphviz
  libegl1 libgl1 libopengl0 libfontconfig1 libfreetype6 libdbus-1-3 libglib2.0-0
  libxkbcommon0 libxkbcommon-x11-0 libx11-xcb1 libxrender1 libxi6
  libxcb1 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0
  libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 libxcb-xfixes0
  fonts-dejavu-core
)
# For tests only: Chromium opens an HTML report headless. Debian packages it
# as `chromium`; where apt cannot install it (Ubuntu ships a snap) the test
# is skipped rather than the setup failing.
test_packages=(chromium)

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else log "need root to run: $*"; return 1
  fi
}

install_system_packages() {
  command -v dpkg-query >/dev/null 2>&1 || { log "not a Debian/Ubuntu system: install Graphviz and Qt's libraries yourself"; return 0; }
  local missing=()
  local pkg
  for pkg in "${system_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" \
      || missing+=("$pkg")
  done
  if ! "$python" -c 'import ensurepip, venv' >/dev/null 2>&1; then
    local version
    version="$("$python" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')"
    missing+=("python${version}-venv")
  fi
  if [ "${#missing[@]}" -gt 0 ]; then
    log "installing system packages: ${missing[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      "${missing[@]}" >/dev/null
  fi
  for pkg in "${test_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" && continue
    command -v "$pkg" >/dev/null 2>&1 && continue
    log "installing test package: $pkg"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      "$pkg" >/dev/null 2>&1 \
      || { as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq \
           && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
              --no-install-recommends "$pkg" >/dev/null 2>&1; } \
      || log "could not install $pkg: the tests that need it are skipped"
  done
}

setup() {
  "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
    || { log "Python 3.11 or newer is needed ($python is $("$python" --version 2>&1))"; exit 2; }
  install_system_packages
  if [ ! -x "$venv/bin/python" ]; then
    log "creating virtual environment $venv"
    "$python" -m venv "$venv"
  fi
  local stamp="$venv/.attackgraph-installed"
  if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    log "installing attackgraph and its test tools into $venv"
    "$venv/bin/python" -m pip install -q --upgrade pip >/dev/null
    "$venv/bin/python" -m pip install -q -e ".[test]"
    touch "$stamp"
  fi
}

command="${1:-app}"
shift || true
case "$command" in
  setup)
    setup
    ;;
  app)
    setup
    if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ -z "${QT_QPA_PLATFORM:-}" ]; then
      log "no display found: set DISPLAY (or run under xvfb-run) to see the window"
    fi
    exec "$venv/bin/attackgraph" gui "$@"
    ;;
  test)
    setup
    "$venv/bin/ruff" check attackgraph tests benchmarks
    QT_QPA_PLATFORM=offscreen exec "$venv/bin/python" -m pytest "$@"
    ;;
  *)
    log "usage: ./dev.sh app [FILE] | test [PYTEST ARGS] | setup"
    exit 2
    ;;
esac
