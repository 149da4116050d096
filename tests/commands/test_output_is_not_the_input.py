"""QA: `composer continue song.mid -o song.mid --only-new` replaced song.mid with the new notes
alone (its own notes were gone), and any -o naming the input rewrote it without what Composer does
not read (pedal, pitch bend); `fill song.mid --bars 1-8` over every bar said "there are no notes to
continue: draw or play a few first" about a file full of notes. Real CLI, files the test writes,
an untrained small model where one must load (the refusals come before it matters)."""

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


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    return random_checkpoint(tmp_path_factory.mktemp("model") / "random.safetensors")


def two_bars(path: Path) -> Path:
    write_midi(Score(notes=[Note(60 + i, i * Q, Q, 90) for i in range(8)]), path)
    return path


@pytest.mark.parametrize("command", [["continue", "--only-new"], ["continue"], ["fill", "--bars", "2"],
                                     ["accompany", "--part", "bass"]])
def test_an_output_that_is_the_input_is_refused_and_the_input_kept(tmp_path, capsys, model, command):
    song = two_bars(tmp_path / "song.mid")
    before = song.read_bytes()
    name, *options = command
    code = main([name, str(song), "-o", str(tmp_path / "." / "song.mid"), *options, "--model", str(model)])
    err = capsys.readouterr().err
    assert code == 2 and "that is the input file" in err and "another name" in err
    assert song.read_bytes() == before


def test_a_numbered_variation_that_would_be_the_input_is_refused(tmp_path, capsys, model):
    song = two_bars(tmp_path / "take-2.mid")
    before = song.read_bytes()
    code = main(["continue", str(song), "-o", str(tmp_path / "take.mid"), "--variations", "2",
                 "--model", str(model)])
    assert code == 2 and "take-2.mid: that is the input file" in capsys.readouterr().err
    assert song.read_bytes() == before and not (tmp_path / "take-1.mid").exists()


def test_a_fill_over_every_note_says_so(tmp_path, capsys, model):
    song = two_bars(tmp_path / "song.mid")
    code = main(["fill", str(song), "-o", str(tmp_path / "out.mid"), "--bars", "1-2", "--model", str(model)])
    err = capsys.readouterr().err
    assert code == 2 and "hold every note of the piece" in err and "fill fewer bars" in err
    assert "no notes to continue" not in err and not (tmp_path / "out.mid").exists()
