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
from composer.music import Note, Score, Voice
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


STRAIGHT = (0, 4, 7, 9, 10, 9, 7, 4)  # 1 3 5 6 b7 6 5 3: the tonic's b3 only as IV's seventh


def _riff(steps, low: int, swing: bool = False, voice: int = 0) -> list[Note]:
    """Eighths of `steps` over each bar's root in the form (C blues), the root in [low, low + 12)."""
    notes = []
    for bar, step in enumerate(FORM):
        root = low + (step - low) % 12
        for i, interval in enumerate(steps):
            onset = (i // 2) * 480 + ((320 if swing else 240) if i % 2 else 0)
            notes.append(Note(root + interval, bar * BAR + onset, (150 if i % 2 else 310) if swing else 230, 80, voice))
    return notes


def _lick() -> list[Note]:
    """A right hand over it: b3 3 5 on I, b7 6 on IV, 5 b7 on V, in the first half of each bar."""
    notes = []
    for bar, step in enumerate(FORM):
        for at, pitch in enumerate({0: (75, 76, 79), 5: (82, 81), 7: (79, 82)}[step]):
            notes.append(Note(pitch, bar * BAR + at * 480, 470, 90, 0))
    return notes


def _form_bars(path, voice: int, bars: range, steps) -> int:
    """Bars (0 = the first) whose notes in `voice` are the riff `steps` over the form's root there."""
    notes = sorted((n for n in read_score(path).notes if n.voice == voice), key=lambda n: n.onset)
    hits = 0
    for bar in bars:
        got = [(n.pitch - FORM[bar % 12]) % 12 for n in notes if bar * BAR <= n.onset < (bar + 1) * BAR]
        hits += len(got) == len(steps) and sum(a == b % 12 for a, b in zip(got, steps)) >= len(steps) - 1
    return hits


def test_both_hands_of_a_boogie_keep_the_form_and_a_riff_without_the_tonic_s_b3_is_a_blues(tmp_path, one_thread):
    """A right-hand lick over a left hand's 1 3 5 6 b7 riff: the left hand, written after the right
    hand's new notes, had read the piece with them as no blues and lost the form (IV I V IV I I
    ..., QA); the riff alone, whose b3 sounds only as IV's seventh, was no blues once a fill took
    bars 5-6 out (the riff stayed on I there, QA). And a swung riff held its notes over the next
    one's onset, the model's lengths, and came apart (QA): its lengths are the riff's now."""
    two = Score(notes=_lick() + _riff(STRAIGHT, 36, voice=1), voices=[Voice("RH", 0), Voice("LH", 0)])
    write_midi(two, tmp_path / "two.mid")
    out = tmp_path / "two-c.mid"
    assert main(["continue", str(tmp_path / "two.mid"), "--bars", "12", "--seed", "1", "-o", str(out)]) == 0
    assert _form_bars(out, 1, range(12, 24), STRAIGHT) >= 11
    out = tmp_path / "two-f.mid"
    assert main(["fill", str(tmp_path / "two.mid"), "--bars", "5-6", "--seed", "1", "-o", str(out)]) == 0
    assert _form_bars(out, 1, range(4, 6), STRAIGHT) == 2
    write_midi(Score(notes=_riff(STRAIGHT, 36), voices=[Voice("LH", 0)]), tmp_path / "lh.mid")
    filled = 0
    for seed in (1, 2):
        out = tmp_path / f"lh-f{seed}.mid"
        assert main(["fill", str(tmp_path / "lh.mid"), "--bars", "5-6", "--seed", str(seed), "-o", str(out)]) == 0
        filled += _form_bars(out, 0, range(4, 6), STRAIGHT)
    assert filled >= 3, filled
    write_midi(Score(notes=_riff((0, 4, 7, 9, 10, 9, 7, 4), 41, swing=True), voices=[Voice("LH", 0)]),
               tmp_path / "swing.mid")
    out = tmp_path / "swing-c.mid"
    assert main(["continue", str(tmp_path / "swing.mid"), "--bars", "12", "--seed", "1", "-o", str(out)]) == 0
    assert _form_bars(out, 0, range(12, 24), STRAIGHT) >= 10


def test_a_minor_blues_riff_goes_on_in_its_form(tmp_path, one_thread):
    """A riff on i, iv and v of a minor blues (1 b3 4 5 b7 5 4 b3, C minor): continued, it had
    copied its last bars' order (IV I V IV I V, 3 of 12 bars on the form's chord), and a fill of
    bars 5-6 played it on i (0 of 6 bars); no blue notes told it from a minor tune. Its bars do
    now (composer.music.blues.minor_blues_form): seeds 1-2, 12 of 12; the fill 6 of 6."""
    from tests.music.test_blues_tonic import minor_riff

    write_midi(Score(notes=minor_riff(0), voices=[Voice("Piano", 0)]), tmp_path / "minor.mid")
    steps = (0, 3, 5, 7, 10, 7, 5, 3)
    for seed in (1, 2):
        out = tmp_path / f"c{seed}.mid"
        assert main(["continue", str(tmp_path / "minor.mid"), "--bars", "12", "--seed", str(seed), "-o", str(out)]) == 0
        assert _form_bars(out, 0, range(12, 24), steps) >= 11
    filled = 0
    for seed in (1, 2, 3):
        out = tmp_path / f"f{seed}.mid"
        assert main(["fill", str(tmp_path / "minor.mid"), "--bars", "5-6", "--seed", str(seed), "-o", str(out)]) == 0
        filled += _form_bars(out, 0, range(4, 6), steps)
    assert filled >= 5, filled


def test_the_first_eight_bars_of_a_blues_go_on_into_bars_9_12(tmp_path, one_thread):
    """A riff stated over I I I I | IV IV I I, no more: its continuation had stayed on I (QA);
    a musician plays the form's bars 9-12, V IV I V, the riff moved to each (seeds 1-2)."""
    write_midi(Score(notes=[n for n in boogie(0) if n.onset < 8 * BAR], voices=[Voice("Piano", 0)]),
               tmp_path / "eight.mid")
    for seed in (1, 2):
        out = tmp_path / f"c{seed}.mid"
        assert main(["continue", str(tmp_path / "eight.mid"), "--bars", "4", "--seed", str(seed), "-o", str(out)]) == 0
        assert _riff_bars(out, range(8, 12), FORM) >= 4
