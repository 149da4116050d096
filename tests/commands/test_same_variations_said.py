"""Variations that come out the same are said, not handed over as if they differed: a piece that
states a whole tune twice was continued with a third statement note for note, the model's copy of
it being certain, and `composer continue --variations 4` wrote four files of one result without a
word (QA). Such repeats are now written again to differ (composer.model.sampling.branch_points);
those that still cannot (temperature 0) are said. The real command, the shipped model, a tune
written here (ABC, stated twice)."""

from __future__ import annotations

import sys
from pathlib import Path

from composer.cli import main
from composer.io.midi_file import read_midi
from composer.music import Note, Score, Voice
from composer.request import same_variations, same_variations_text

sys.path.insert(0, str(Path(__file__).parent.parent))
from parts_music import REPEATED_JIG  # noqa: E402


def test_same_variations_are_named_by_number():
    def variation(pitches):
        return Score(notes=[Note(60, 0, 480, 80, 0)] + [Note(p, 480 * (i + 1), 480, 80, 0, True)
                                                         for i, p in enumerate(pitches)], voices=[Voice()])

    same = same_variations([variation([62, 64]), variation([62, 65]), variation([62, 64]), variation([62, 65])])
    assert same == {3: 1, 4: 2}
    assert same_variations_text(same).startswith("variation 3 is the same as 1, 4 is the same as 2: ")
    assert same_variations_text(same_variations([variation([62]), variation([64])])) is None


def test_continue_of_a_repeated_tune_writes_different_variations(tmp_path, capsys, one_thread):
    """The jig's four variations were one file four times; now they leave the restatement where
    the co-writer was least sure (tests/model/test_variations_differ.py), and nothing is said."""
    tune = tmp_path / "jig.abc"
    tune.write_text(REPEATED_JIG)
    code = main(["continue", str(tune), "-o", str(tmp_path / "out.mid"), "--style", "irish", "--variations", "4",
                 "--seed", "11", "--bars", "8"])
    assert code == 0
    assert "is the same as" not in capsys.readouterr().err
    files = [read_midi(tmp_path / f"out-{k}.mid") for k in range(1, 5)]
    new = {tuple(sorted((n.onset, n.pitch, n.duration) for n in f.notes)) for f in files}
    assert len(new) == 4


def test_continue_says_when_its_variations_are_the_same(tmp_path, capsys, one_thread):
    tune = tmp_path / "jig.abc"
    tune.write_text(REPEATED_JIG)
    code = main(["continue", str(tune), "-o", str(tmp_path / "out.mid"), "--variations", "2",
                 "--temperature", "0", "--bars", "2"])
    assert code == 0
    err = capsys.readouterr().err
    assert "variation 2 is the same as 1: temperature 0 takes only the likeliest notes" in err, err
