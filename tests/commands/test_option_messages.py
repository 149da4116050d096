"""QA: option errors of `composer continue/fill/accompany` must say the real rule and name the
option, not the input file. `--density 0` was refused with "must be between 0 and 64" (0 is between
0 and 64), and `--top-p 2` printed "song.mid: top-p must be in (0, 1]" as if the file were at fault.
Real CLI, real seed file the test writes, no model needed: each is refused first."""

from __future__ import annotations

import pytest

from composer.cli import main
from composer.io import write_midi
from composer.music.score import TICKS_PER_QUARTER as Q
from composer.music.score import Note, Score


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
