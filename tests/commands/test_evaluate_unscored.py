"""`composer evaluate FILES` names each piece it cannot score and why, instead of dropping it
silently (QA: "pieces 1" for 2 readable files, the short one never mentioned)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from composer.io import write_midi
from composer.music import Note, Score


def _tune(notes: int) -> Score:
    pitches = [60, 62, 64, 65, 67, 65, 64, 62]
    return Score(notes=[Note(pitches[i % 8], i * 240, 240) for i in range(notes)])


def test_a_piece_too_short_for_the_seed_is_named(tmp_path):
    folder = tmp_path / "tunes"
    folder.mkdir()
    write_midi(_tune(40), folder / "long.mid")
    write_midi(_tune(10), folder / "short.mid")
    # No corpus here (an empty cache): the model and the PPM's short-term model are scored.
    env = {**os.environ, "COMPOSER_CACHE": str(tmp_path / "no-corpus"), "OMP_NUM_THREADS": "1"}
    result = subprocess.run([sys.executable, "-m", "composer", "evaluate", str(folder), "--json"],
                            capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1])["pieces"] == 1
    said = [line for line in result.stderr.splitlines() if line.startswith("not scored:")]
    assert len(said) == 1 and "short.mid" in said[0] and "16-note seed" in said[0], result.stderr

    write_midi(_tune(12), folder / "long.mid")  # nothing left to score: an error that says why
    result = subprocess.run([sys.executable, "-m", "composer", "evaluate", str(folder)],
                            capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 2 and "no piece can be scored for --task continue" in result.stderr
