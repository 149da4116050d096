"""`composer continue/fill/accompany -o OUT`: OUT must be a file the command writes (.mid/.midi or a
.composer.json/.cmp project). Found by QA: `-o take.wav` wrote a Standard MIDI file named take.wav
(a player then fails on it, or the person thinks it is audio); now it is refused before the model
loads, pointing to `composer render`. Real CLI, a real seed file the test writes."""

from __future__ import annotations

import pytest

from composer.cli import main
from composer.io import write_midi
from composer.music.score import TICKS_PER_QUARTER as Q
from composer.music.score import Note, Score


@pytest.fixture
def seed(tmp_path):
    path = tmp_path / "seed.mid"
    write_midi(Score(notes=[Note(60 + i, i * Q, Q, 90) for i in range(8)]), path)
    return path


@pytest.mark.parametrize("command", [["continue"], ["fill", "--bars", "1"], ["accompany", "--part", "bass"]])
@pytest.mark.parametrize("name", ["take.wav", "take.txt", "take"])
def test_an_output_that_is_not_midi_or_a_project_is_refused(seed, tmp_path, capsys, command, name):
    out = tmp_path / name
    assert main([command[0], str(seed), "-o", str(out), *command[1:]]) == 2
    error = capsys.readouterr().err
    assert name in error and ".mid" in error and ".composer.json" in error
    if name.endswith(".wav"):
        assert "composer render" in error
    assert not out.exists()
