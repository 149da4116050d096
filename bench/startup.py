"""Cold start of `composer gui`: seconds from launching the process to a usable window, and to
the co-writer model being ready (targets: <= 2 s and <= 4 s). Prints medians over several runs;
it does not pass or fail.

Each run is a fresh interpreter (`python -m composer gui`) with a throw-away settings folder; the
app prints its own timestamps when COMPOSER_STARTUP_PROBE is set and quits once the model is
ready. Qt draws offscreen unless --display is given (e.g. under xvfb-run).

    .venv/bin/python bench/startup.py [--runs 5] [--display]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def one_run(display: bool) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as home:
        env = dict(os.environ, COMPOSER_STARTUP_PROBE="1", COMPOSER_CONFIG_DIR=home, XDG_CONFIG_HOME=home)
        if not display:
            env["QT_QPA_PLATFORM"] = "offscreen"
        env["COMPOSER_STARTUP_PROBE_T0"] = repr(time.time())
        started = time.perf_counter()
        result = subprocess.run([sys.executable, "-m", "composer", "gui"], cwd=ROOT, env=env,
                                capture_output=True, text=True, timeout=120)
        total = time.perf_counter() - started
    stamps = {}
    for line in result.stdout.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] in ("window", "model", "model-error"):
            stamps[parts[0]] = float(parts[1])
    if "window" not in stamps:
        raise SystemExit(f"the app printed no timings (exit {result.returncode}):\n{result.stderr[-2000:]}")
    stamps["exit"] = total
    return stamps


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--display", action="store_true", help="use the real $DISPLAY instead of offscreen")
    args = parser.parse_args()
    runs = [one_run(args.display) for _ in range(args.runs)]
    for key, label in (("window", "process start -> window up"), ("model", "process start -> model ready")):
        values = [r[key] for r in runs if key in r]
        if values:
            print(f"{label:<32} median {statistics.median(values):5.2f} s   "
                  f"min {min(values):5.2f}  max {max(values):5.2f}   (n={len(values)})")
    errors = [r for r in runs if "model-error" in r]
    if errors:
        print(f"model failed to load in {len(errors)} run(s): is models/default.safetensors there?")
    return 0


if __name__ == "__main__":
    sys.exit(main())
