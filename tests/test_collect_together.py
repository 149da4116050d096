"""Test folders run together: each folder's helpers have their own module name, so collecting
several folders in one run (as CI and a developer do) finds every test instead of failing on a
`conftest` name clash."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

TESTS = Path(__file__).parent


def test_midi_ui_and_audio_tests_collect_in_one_run():
    folders = ["tests/midi_in", "tests/ui", "tests/audio"]
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    out = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
                          *folders], cwd=TESTS.parent, capture_output=True, text=True, env=env, timeout=240)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-2000:]
    collected = [line for line in out.stdout.splitlines() if "::" in line]
    for folder in folders:  # every folder's tests are there, not only the first one's
        assert any(line.startswith(folder + "/") for line in collected), folder


def test_no_test_imports_helpers_from_conftest():
    offenders = [str(p.relative_to(TESTS)) for p in TESTS.rglob("*.py")
                 if any(line.startswith(("from conftest import", "import conftest"))
                        for line in p.read_text().splitlines())]
    assert offenders == []
