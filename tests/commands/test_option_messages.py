"""QA: option errors of `composer continue/fill/accompany` must say the real rule and name the
option, not the input file. `--density 0` was refused with "must be between 0 and 64" (0 is between
0 and 64), and `--top-p 2` printed "song.mid: top-p must be in (0, 1]" as if the file were at fault.
Real CLI, real seed file the test writes; an untrained small model where a model must load."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent.parent))
from parts_music import random_checkpoint  # noqa: E402

from composer.cli import main  # noqa: E402
from composer.io import write_midi  # noqa: E402
from composer.music.score import TICKS_PER_QUARTER as Q  # noqa: E402
from composer.music.score import Note, Score  # noqa: E402


@pytest.fixture
def seed(tmp_path):
    path = tmp_path / "song.mid"
    write_midi(Score(notes=[Note(60 + i, i * Q, Q, 90) for i in range(8)]), path)
    return path


def refuse(seed, capsys, *options) -> str:
    """The error text of a refused continue (exit status 2 either way it is refused)."""
    out = seed.with_name("out.mid")
    try:
        code = main(["continue", str(seed), "-o", str(out), *options])
    except SystemExit as stop:
        code = stop.code
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    assert not out.exists()
    return err


@pytest.mark.parametrize("value", ["0", "-1", "65"])
def test_density_out_of_range_says_the_real_range(seed, capsys, value):
    err = refuse(seed, capsys, "--density", value)
    assert "more than 0 and at most 64" in err and "between 0 and 64" not in err


@pytest.mark.parametrize("options, named, message", [
    (["--top-p", "2"], "--top-p", "must be in (0, 1]"),
    (["--temperature", "-1"], "--temperature", "must be >= 0"),
    (["--temperature", "nan"], "--temperature", "'nan' is not a finite number"),
    (["--density", "0"], "--density", "must be more than 0 and at most 64"),
    (["--max-polyphony", "0"], "--max-polyphony", "must be at least 1"),
    (["--lowest", "200"], "--lowest", "pitch 200 is outside MIDI range 0-127"),
    (["--key", "C:mjor"], "--key", "unknown scale 'mjor'"),
    (["--lowest", "70", "--highest", "60"], "--lowest/--highest", "lowest pitch 70 is above highest 60"),
])
def test_an_option_error_names_the_option_not_the_file(seed, capsys, options, named, message):
    # --model names a file that does not exist: each option is refused before any model loads
    err = refuse(seed, capsys, *options, "--model", str(seed.with_name("missing.safetensors")))
    assert f"{named}: {message}" in err
    assert "song.mid" not in err and "missing.safetensors" not in err


def test_voices_and_bars_the_file_lacks_name_the_option(seed, capsys, tmp_path):
    model = random_checkpoint(tmp_path / "random.safetensors")  # untrained: these refusals need no real model
    err = refuse(seed, capsys, "--voices", "Flute", "--model", str(model))
    assert "--voices: no voice 'Flute'; this score has: 1 " in err and "song.mid" not in err
    err = refuse(seed, capsys, "--style", "no-such-style", "--model", str(model))
    assert "--style: unknown style 'no-such-style'" in err and "song.mid" not in err
    out = tmp_path / "fill.mid"
    code = main(["fill", str(seed), "-o", str(out), "--bars", "0-1", "--model", str(model)])
    err = capsys.readouterr().err
    assert code == 2 and "--bars: bars 0-1" in err and "song.mid" not in err and not out.exists()


def test_a_file_problem_still_names_the_file(tmp_path, capsys):
    empty = tmp_path / "empty.mid"
    write_midi(Score(notes=[]), empty)
    model = random_checkpoint(tmp_path / "random.safetensors")
    code = main(["continue", str(empty), "-o", str(tmp_path / "out.mid"), "--model", str(model)])
    err = capsys.readouterr().err
    assert code == 2 and "empty.mid" in err and "no notes" in err
