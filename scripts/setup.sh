#!/usr/bin/env bash
# One-stop set-up for Composer on Debian/Ubuntu (and macOS with Homebrew).
#   bash scripts/setup.sh run    install what is missing, then start the app
#   bash scripts/setup.sh test   install what is missing plus the test extras, then run every test
# Idempotent: a second run installs nothing and starts at once.
set -euo pipefail
mode=${1:-run}
shift || true
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
venv=${COMPOSER_VENV:-$root/.venv}

# System libraries: FluidSynth (sound), a General MIDI soundfont, JACK (MIDI/audio tests),
# Xvfb (screenshots) and the X/EGL libraries Qt needs.
apt_packages=(libfluidsynth3 fluid-soundfont-gm jackd2 xvfb libegl1 libgl1 libxkbcommon0
  libxkbcommon-x11-0 libfontconfig1 libdbus-1-3 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1
  libxcb-shape0 libxcb-xinerama0 libxcb-randr0 libxcb-render-util0 libxcb-image0
  abcmidi)  # abcmidi: abc2midi, the ABC reference player bench/abc_audit.py compares readings with
install_system() {
  if command -v apt-get >/dev/null; then
    missing=()
    for p in "${apt_packages[@]}"; do
      dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
    done
    if ((${#missing[@]})); then
      sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
      echo "Installing system packages: ${missing[*]}"
      $sudo apt-get update -qq
      DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    fi
  elif command -v brew >/dev/null; then
    brew list fluid-synth >/dev/null 2>&1 || brew install fluid-synth
  else
    echo "No apt-get or brew: install libfluidsynth and a GM soundfont yourself (see soundfonts/README.md)." >&2
  fi
}

install_python() {
  local python=${PYTHON:-python3}
  [ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
  local pip=("$venv/bin/python" -m pip install -q --disable-pip-version-check)
  # torch first and pinned: a loose spec would pull a multi-GB CUDA build on Linux.
  "$venv/bin/python" -c "import torch" 2>/dev/null || \
    "${pip[@]}" "torch==${TORCH_VERSION:-2.13.0}" ${TORCH_INDEX_URL:+--index-url "$TORCH_INDEX_URL"}
  local stamp="$venv/.composer-installed-$1"
  if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    if [ "$1" = test ]; then "${pip[@]}" -e ".[test]"; else "${pip[@]}" -e .; fi
    touch "$stamp"
  fi
}

case "$mode" in
  run)
    install_system
    install_python app
    exec "$venv/bin/composer" "$@"
    ;;
  test)
    install_system
    install_python test
    export QT_QPA_PLATFORM=offscreen
    set +e
    "$venv/bin/python" -m pytest "$@"
    rc=$?
    # pytest exits 5 when it collected no tests: that is a failure, not a pass.
    [ $rc = 5 ] && echo "pytest collected no tests" >&2 && exit 1
    exit $rc
    ;;
  *)
    echo "usage: bash scripts/setup.sh [run|test] [args...]" >&2
    exit 2
    ;;
esac
