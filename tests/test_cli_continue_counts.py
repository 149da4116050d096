"""Issue 16 item 3: `composer continue` counts as new only the notes it wrote. A seed that already
holds notes an earlier continuation wrote (marked generated in the file) reports them as kept,
not as new (the CLI with the shipped model, on a MIDI file this test writes)."""

from __future__ import annotations

import re
import subprocess
import sys

from composer.io import read_score, write_midi
from composer.music.score import TICKS_PER_QUARTER as Q
from composer.music.score import Note, Score


def test_continue_counts_a_seeds_earlier_continuation_as_kept(tmp_path):
    played = [Note(60 + (i * 2) % 12, i * Q, Q, 90) for i in range(11)]
    earlier = [Note(62 + (i * 3) % 10, (11 + i) * Q // 2, Q // 2, 80, generated=True) for i in range(32)]
    seed = tmp_path / "seed.mid"
    write_midi(Score(notes=played + earlier), seed)
    assert sum(n.generated for n in read_score(seed).notes) == 32  # the file keeps the marks
    out = tmp_path / "out.mid"
    result = subprocess.run([sys.executable, "-m", "composer", "continue", str(seed), "-o", str(out),
                             "--length", "16", "--seed", "5"], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    kept, new = map(int, re.search(r"(\d+) notes kept \+ (\d+) new", result.stdout).groups())
    assert kept == 43
    written = read_score(out).notes
    assert new == len(written) - 43 and 1 <= new <= 16
    assert sum(n.generated for n in written) == 32 + new  # the earlier ones and the new ones
