"""`composer evaluate FILES` on files outside any style-named folder says how it scores them: by
the mixture of the model's styles (default) or, with --unlabeled neutral, the neutral style."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from composer.io import write_midi
from composer.music import Note, Score


def test_unlabelled_files_are_scored_by_the_style_mixture_and_said_so(tmp_path):
    folder = tmp_path / "tunes"
    folder.mkdir()
    pitches = [69, 72, 74, 76, 74, 72, 69, 67, 69, 72, 69, 67, 64, 67, 69, 69] * 3
    write_midi(Score(notes=[Note(p, i * 240, 240) for i, p in enumerate(pitches)]), folder / "tune.mid")
    env = {**os.environ, "COMPOSER_CACHE": str(tmp_path / "no-corpus"), "OMP_NUM_THREADS": "1"}
    results = {}
    for how in ("infer", "neutral"):
        done = subprocess.run([sys.executable, "-m", "composer", "evaluate", str(folder), "--json", "--unlabeled", how],
                              capture_output=True, text=True, env=env, timeout=300)
        assert done.returncode == 0, done.stderr
        assert "1 of 1 pieces have no style the model knows" in done.stderr
        results[how] = json.loads(done.stdout.strip().splitlines()[-1])
        assert results[how]["unlabeled"] == {"pieces": 1, "style": how}
    assert "posterior" in done.stderr or "neutral" in done.stderr
    assert results["infer"]["pitch_nll"] != results["neutral"]["pitch_nll"]
