"""Issue 14: `--chord-strength` as a user gives it to `composer continue` (the real CLI entry
point, the shipped model, a seed file the test writes): a high strength lands the melody's
strong beats on the given chords' tones more often than 0 (off), and a value outside 0-10 is
refused with Controls' own message and exit status 2 before anything is written."""

from __future__ import annotations

import pytest

from composer.cli import build_parser, main
from composer.commands.generation_args import request_options
from composer.io import read_score, write_midi
from composer.music.score import TICKS_PER_QUARTER as Q
from composer.music.score import Note, Score

SEED_BEATS = 16  # four 4/4 bars of quarter notes; the chords start where the seed ends
CHORDS = "C | Am | F | G7"
TONES = [{0, 4, 7}, {9, 0, 4}, {5, 9, 0}, {7, 11, 2, 5}]  # pitch classes of each bar's chord


@pytest.fixture(scope="module")
def seed_file(tmp_path_factory):
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # the shared test machine; the shipped model is small
    root = tmp_path_factory.mktemp("chords")
    pitches = [60, 64, 67, 64, 65, 69, 72, 69, 67, 71, 74, 71, 72, 67, 64, 60]
    write_midi(Score(notes=[Note(p, i * Q, Q, 90) for i, p in enumerate(pitches)]), root / "seed.mid")
    yield root
    torch.set_num_threads(threads)


def strong_beat_chord_tones(path) -> tuple[int, int]:
    """(chord tones, notes) among the new notes on beats 1 and 3 of the four chord bars."""
    start = SEED_BEATS * Q
    strong = [n for n in read_score(path).notes
              if start <= n.onset < start + 16 * Q and (n.onset - start) % (2 * Q) == 0]
    return sum(n.pitch % 12 in TONES[(n.onset - start) // (4 * Q)] for n in strong), len(strong)


def continue_with(root, capsys, strength: str) -> tuple[int, int]:
    out = root / f"out-{strength}.mid"
    code = main(["continue", str(root / "seed.mid"), "-o", str(out), "--chords", CHORDS, "--bars", "4",
                 "--seed", "1", "--variations", "3", "--chord-strength", strength])
    assert code == 0, capsys.readouterr().err
    hits = total = 0
    for number in (1, 2, 3):
        h, t = strong_beat_chord_tones(out.with_name(f"out-{strength}-{number}.mid"))
        hits, total = hits + h, total + t
    return hits, total


def test_a_high_strength_lands_more_strong_beats_on_chord_tones_than_off(seed_file, capsys):
    off_hits, off_total = continue_with(seed_file, capsys, "0")
    high_hits, high_total = continue_with(seed_file, capsys, "8")
    assert off_total >= 12 and high_total >= 12  # the melody really plays on the strong beats
    off, high = off_hits / off_total, high_hits / high_total
    print(f"strong-beat chord tones: off {off_hits}/{off_total}, strength 8 {high_hits}/{high_total}")
    assert high > off + 0.15
    assert high >= 0.85  # 8 nats on a strong beat: a non-chord tone there is rare


@pytest.mark.parametrize("value, message", [
    ("12", "chord strength 12.0 is outside 0-10"),
    ("-1", "chord strength -1.0 is outside 0-10"),
    ("lots", "'lots' is not a number"),
])
def test_a_bad_strength_is_refused_with_exit_status_2(seed_file, capsys, value, message):
    out = seed_file / "bad.mid"
    with pytest.raises(SystemExit) as stop:
        main(["continue", str(seed_file / "seed.mid"), "-o", str(out), "--chord-strength", value])
    err = capsys.readouterr().err
    assert stop.value.code == 2
    assert "--chord-strength" in err and message in err and "Traceback" not in err
    assert not out.exists()


def test_the_strength_reaches_the_request_and_defaults_to_the_style():
    for command in (["continue", "x.mid"], ["fill", "x.mid", "--bars", "1"], ["accompany", "x.mid", "--part", "bass"]):
        args = build_parser().parse_args([*command, "-o", "y.mid", "--chord-strength", "2.5"])
        assert request_options(args)["controls"].chord_strength == 2.5
        args = build_parser().parse_args([*command, "-o", "y.mid"])
        assert request_options(args)["controls"].chord_strength is None  # the style's own habit
