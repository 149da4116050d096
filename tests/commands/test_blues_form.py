"""A boogie riff in C, alone, goes on in the 12-bar form and fills its bars with the riff moved to
the form's chord there (region_writer._blues_form, priors.Ostinato.by_root), its blue notes in its
key (region_writer._blue_notes). Continued by a chorus, it had run up and down C major (locked to
C mixolydian, no Eb for its riff: 0 of 24 new bars the riff); with --key off it kept the riff but
copied its last bars' order, IV I V IV I V (3 of 12 bars on the form's chord). A fill of its bars
5-6 played the riff on I or V, or runs in F major, where the form has IV. Now, seeds 1-2: every
continued bar the riff on the form's chord; the fill's bars 5 of 6. The real command; the tune
written here."""

from __future__ import annotations

from composer.cli import main
from composer.io import read_score
from composer.io.midi_writer import write_midi
from composer.music import Score, Voice
from tests.music.test_blues_tonic import FORM, boogie

BAR = 1920
RIFF = (3, 4, 7, 9, 10, 9, 7, 4)  # the boogie's steps over each chord's root


def _riff_bars(path, bars: range, roots: list[int]) -> int:
    """The bars (of `bars`, 0 = the first) whose eight notes are the riff over the root (pitch
    class) the form has there (`roots`, one a bar), all but one of them at least."""
    notes = read_score(path).notes
    hits = 0
    for bar in bars:
        steps = [(n.pitch - roots[bar]) % 12 for n in sorted(notes, key=lambda n: n.onset)
                 if bar * BAR <= n.onset < (bar + 1) * BAR]
        hits += len(steps) == len(RIFF) and sum(a == b for a, b in zip(steps, RIFF)) >= len(RIFF) - 1
    return hits


def test_a_boogie_goes_on_in_the_12_bar_form_and_fills_its_bars_with_the_riff_on_their_chord(tmp_path, one_thread):
    write_midi(Score(notes=boogie(0), voices=[Voice("Piano", 0)]), tmp_path / "boogie.mid")
    roots = [step for step in FORM] * 2  # C: the roots are the steps
    for seed in (1, 2):
        out = tmp_path / f"c{seed}.mid"
        assert main(["continue", str(tmp_path / "boogie.mid"), "--length", "96", "--seed", str(seed),
                     "-o", str(out)]) == 0
        assert _riff_bars(out, range(12, 24), roots) >= 11
    filled = 0
    for seed in (1, 2, 3):
        out = tmp_path / f"f{seed}.mid"
        assert main(["fill", str(tmp_path / "boogie.mid"), "--bars", "5-6", "--seed", str(seed), "-o", str(out)]) == 0
        filled += _riff_bars(out, range(4, 6), roots)
    assert filled >= 5, filled
