"""What `composer continue` prints for a file of many voices: one readable line, the first voices'
new notes and how many more (a 256-voice file's summary line ran to 5,000 characters, QA qa27),
and a progress bar only where stderr is a terminal (tqdm), so logs and pipes stay clean."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent.parent))
from parts_music import random_checkpoint  # noqa: E402

from composer.cli import main  # noqa: E402
from composer.io import write_midi  # noqa: E402
from composer.music.score import TICKS_PER_QUARTER as Q  # noqa: E402
from composer.music.score import Note, Score, Voice  # noqa: E402


def test_a_many_voice_summary_names_eight_voices_and_counts_the_rest(tmp_path, capsys):
    voices = [Voice(f"Flute {i + 1}", 73) for i in range(20)]
    notes = [Note(60 + v % 12 + 12 * (k % 2), k * Q, Q, 80, v) for v in range(20) for k in range(16)]
    write_midi(Score(notes=notes, voices=voices), tmp_path / "many.mid")
    model = random_checkpoint(tmp_path / "random.safetensors")  # untrained: the summary needs no real model
    code = main(["continue", str(tmp_path / "many.mid"), "-o", str(tmp_path / "out.mid"), "--bars", "1",
                 "--model", str(model), "--seed", "1"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    line = next(line for line in captured.out.splitlines() if "notes kept" in line)
    assert "Flute 8 " in line and "Flute 9 " not in line and ", and 12 more voices (" in line, line
    assert len(line) < 400
    assert "writing:" not in captured.err  # (stderr is no terminal here: no bar)
