"""A wrong COMPOSER_PRECISION is named as the environment variable it is, not blamed on the input
file. QA: `COMPOSER_PRECISION=float16 composer continue song.mid -o out.mid` printed
"error: song.mid: COMPOSER_PRECISION='float16': use one of ..." after loading the model, as if
the file were at fault. Real CLI, a seed file the test writes, an untrained small model."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent.parent))
from parts_music import random_checkpoint  # noqa: E402

from composer.cli import main  # noqa: E402
from composer.io import write_midi  # noqa: E402
from composer.music.score import TICKS_PER_QUARTER as Q  # noqa: E402
from composer.music.score import Note, Score  # noqa: E402


def test_a_wrong_precision_names_the_variable_not_the_file(tmp_path, capsys, monkeypatch):
    seed, out = tmp_path / "song.mid", tmp_path / "out.mid"
    write_midi(Score(notes=[Note(60 + i, i * Q, Q, 90) for i in range(8)]), seed)
    model = random_checkpoint(tmp_path / "small.safetensors")
    monkeypatch.setenv("COMPOSER_PRECISION", "float16")
    code = main(["continue", str(seed), "-o", str(out), "--model", str(model)])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err and not out.exists()
    assert "COMPOSER_PRECISION" in err and "float32" in err
    assert str(seed) not in err, err
