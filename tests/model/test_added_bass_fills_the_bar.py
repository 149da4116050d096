"""An added bass fills the bar in the piece's meter: in 4/4 a note on beat 4 in most bars (QA
F10: 8 of 84 bars over a lead sheet, a waltz's figure in 4/4, also in jazz styles), walking
quarters in a jazz style that move (G2 G2 G2 G2 over Gm7 | C7), and after a meter change each bar
gets its own meter's beats (a 3/4 section then a 4/4 one had no onset on beat 4 at all: the line
was made in the start's meter).

The plain lines a new bass keeps (region_writer._plain_lines) had one bar in three on every beat,
one on one and three, one held: each position weighed on its own, beat 4 lost to holding beat 3's
note to the bar line. Now most bars play every beat or 1-3-4; over a meter change each position is
played as often as the meter that plays it most does (region_writer.default_bass_line). A walking
line repeats its last note less and leads to the root the next beat brings
(priors.WALKING_REPEAT_PENALTY, approach_prior): here 45 of 124 notes repeated the last before."""

from __future__ import annotations

from composer.music import Note, Score, Voice
from composer.music.chords import ChordSymbol
from composer.music.meter import MeterChange
from composer.request import add_part

Q, BAR = 480, 1920
FIGURES = "C Am F G7 C Am Dm7 G7".split()
ROOTS = {"C": 0, "Am": 9, "F": 5, "G7": 7, "Dm7": 2}
TUNE = [(76, 79, 76, 72), (72, 76, 72, 69), (69, 72, 77, 72), (71, 74, 77, 74),
        (79, 76, 72, 76), (76, 72, 69, 72), (77, 74, 69, 74), (74, 71, 67, 71)]


def _lead_sheet() -> Score:
    notes = [Note(p, b * BAR + i * Q, Q, 90, 0) for b, bar in enumerate(TUNE) for i, p in enumerate(bar)]
    score = Score(notes=notes, voices=[Voice("Flute", 73)])
    score.chords = [ChordSymbol(b * BAR, BAR, FIGURES[b]) for b in range(len(TUNE))]
    return score


def _bars(variation, bar_starts: list[int]) -> list[set[int]]:
    """The beats (0-based quarters) each bar of the new bass starts a note on."""
    new = [n for n in variation.notes if n.generated]
    ends = bar_starts[1:] + [bar_starts[-1] + BAR]
    return [{(n.onset - s) // Q for n in new if s <= n.onset < e and (n.onset - s) % Q == 0}
            for s, e in zip(bar_starts, ends)]


def test_an_added_bass_in_four_plays_beat_four(cowriter):
    for style in (None, "jazz"):
        bars, roots, arrivals, repeats, steps = [], 0, 0, 0, 0
        for variation in cowriter.generate(add_part(_lead_sheet(), "bass", variations=4, seed=3, style=style)):
            # (the last bar is the piece's ending: one note held, tests/commands/test_bass_ending.py)
            bars += _bars(variation, [b * BAR for b in range(len(TUNE))])[:-1]
            line = [n.pitch for n in sorted(variation.notes, key=lambda n: n.onset) if n.generated]
            repeats += sum(a == b for a, b in zip(line, line[1:]))
            steps += len(line) - 1
            for n in variation.notes:
                if n.generated and n.onset % BAR == 0:
                    arrivals += 1
                    roots += n.pitch % 12 == ROOTS[FIGURES[n.onset // BAR]]
        fourth = sum(3 in beats for beats in bars)
        assert fourth >= 0.75 * len(bars), f"{style}: beat 4 in {fourth} of {len(bars)} bars"
        if style == "jazz":  # walking quarters, which move
            every = sum(beats >= {0, 1, 2, 3} for beats in bars)
            assert every >= 0.9 * len(bars), f"{style}: every beat in {every} of {len(bars)} bars"
            assert repeats <= 0.2 * steps, f"{style}: {repeats} of {steps} notes repeat the one before"
        assert roots >= 0.6 * arrivals, f"{style}: the root on {roots} of {arrivals} downbeats"


def _meter_change(tmp_path, first: tuple[int, int], second: tuple[int, int]) -> Score:
    """Four bars in one meter then four in the other, a tune in quarters, as a MIDI file read back."""
    from composer.io import read_score, write_midi

    scale = [67, 69, 71, 72, 74, 76, 78, 79]
    notes, onset, lines = [], 0, []
    for numerator in [first[0]] * 4 + [second[0]] * 4:
        lines.append(onset)
        for i in range(numerator):
            notes.append(Note(scale[(len(notes) * 3) % 8], onset + i * Q, Q, 90, 0))
        onset += numerator * Q
    path = tmp_path / f"meters-{first[0]}-{second[0]}.mid"
    write_midi(Score(notes=notes, voices=[Voice("Flute", 73)],
                     meters=[MeterChange(0, *first), MeterChange(4 * first[0] * Q, *second)]), path)
    return read_score(path), lines


def test_an_added_bass_keeps_each_meter_after_a_change(cowriter, tmp_path):
    for first, second in (((3, 4), (4, 4)), ((4, 4), (3, 4))):
        score, lines = _meter_change(tmp_path, first, second)
        four = [b for b in range(8) if (first if b < 4 else second)[0] == 4]
        fourth = total = 0
        for variation in cowriter.generate(add_part(score, "bass", variations=4, seed=1)):
            bars = _bars(variation, lines)
            assert all(0 in beats for beats in bars), f"{first}->{second}: a downbeat left empty: {bars}"
            assert all(max(beats) < (first if b < 4 else second)[0] for b, beats in enumerate(bars))
            fourth += sum(3 in bars[b] for b in four)
            total += len(four)
        assert fourth >= 0.75 * total, f"{first}->{second}: beat 4 in {fourth} of {total} bars of 4/4"
