"""A line of broken chords (an Alberti left hand) keeps its figure and plays the chord's tones.

An Alberti left hand (C3 G3 E3 G3 twice a bar, one chord a bar) continued 4 bars beside its tune
kept the figure in 7-10 of 32 bars (QA qa16 M4): its middle note is a major third over C and a
minor third over A, which the bar figure, counted in semitones, could not tell as one (it had no
figure there), and nothing kept the line's notes to one chord a bar (F C D C under F)."""

from __future__ import annotations

import numpy as np

from composer.model.priors import FIGURE_BASE_MARGIN, bar_figure_of, harmonic_rhythm_of, interval_class
from composer.music import Note, Score, Voice
from composer.request import continue_request

Q, E = 480, 240
BAR = 4 * Q
PROGRESSION = [(0, 4), (5, 4), (7, 4), (0, 4), (9, 3), (2, 3), (7, 4), (0, 4)]  # (root, third): C F G C Am Dm G C


def alberti_piece() -> Score:
    notes = []
    for b, (root, third) in enumerate(PROGRESSION):
        t = b * BAR
        low = 48 + root if root <= 7 else 36 + root
        for k, pitch in enumerate([low, low + 7, low + third, low + 7] * 2):
            notes.append(Note(pitch, t + k * E, E, 60, 1))
        top = [(root + third) % 12, (root + 7) % 12]
        notes += [Note(72 + pc if pc < 7 else 60 + pc, t + half * 2 * Q, 2 * Q, 85, 0) for half, pc in enumerate(top)]
    return Score(notes=notes, voices=[Voice("Right Hand", 0), Voice("Left Hand", 0)])


def is_alberti(bar: list[Note]) -> bool:
    """Eight eighths, low-high-middle-high twice."""
    pitches = [n.pitch for n in sorted(bar, key=lambda n: n.onset)]
    if len(pitches) != 8 or pitches[4:] != pitches[:4]:
        return False
    low, high, middle, again = pitches[:4]
    return high == again and low < middle < high


def test_figure_classes_are_generic_intervals():
    assert interval_class(np.array([4]))[0] == interval_class(np.array([3]))[0]  # a major and a minor third
    assert interval_class(np.array([7]))[0] == interval_class(np.array([-5]))[0]  # a fifth up, a fourth down
    assert interval_class(np.array([12]))[0] != interval_class(np.array([0]))[0]  # an octave is not the same note
    assert interval_class(np.array([4]))[0] != interval_class(np.array([7]))[0]


def test_a_line_of_broken_triads_has_a_harmonic_rhythm_that_fits_chords():
    piece = alberti_piece()
    left = sorted((n for n in piece.notes if n.voice == 1), key=lambda n: n.onset)
    onsets = np.array([n.onset for n in left])
    found = harmonic_rhythm_of(onsets, np.array([n.pitch for n in left]), onsets % BAR, np.full(len(left), BAR), 4)
    assert found is not None and (found.divisions, found.size) == (1, 3) and found.fit == 1.0
    # a scale run, three notes a bar: as many pitch classes, but no chord
    run = np.array([60, 62, 64, 62] * 8)
    steps = np.arange(len(run)) * Q
    found = harmonic_rhythm_of(steps, run, steps % BAR, np.full(len(run), BAR), 4)
    assert found is None or found.fit < 0.5


def test_an_alberti_left_hand_keeps_its_figure_when_continued(cowriter):
    piece = alberti_piece()
    for voices in ((0, 1), (1,)):
        kept = total = 0
        for seed in (1, 2):
            for variation in cowriter.generate(continue_request(piece, voices, bars=4, variations=4, seed=seed)):
                new = [n for n in variation.notes if n.generated and n.voice == 1]
                for b in range(4):
                    t = piece.end + b * BAR
                    total += 1
                    kept += is_alberti([n for n in new if t <= n.onset < t + BAR])
        # 7-10 of 32 before; 19-21 with the generic classes and the line's harmonic rhythm
        assert total == 32 and kept >= 16, (voices, kept)


def arpeggio_piece() -> Score:
    """The tune of alberti_piece over a left hand that arpeggiates each bar's triad up and down
    over an octave and a half (C3 G3 C4 E4 G4 E4 C4 G3)."""
    notes = [n for n in alberti_piece().notes if n.voice == 0]
    for b, (root, third) in enumerate(PROGRESSION):
        low = 48 + root if root <= 7 else 36 + root
        up = [low, low + 7, low + 12, low + 12 + third, low + 19]
        notes += [Note(p, b * BAR + k * E, E, 60, 1) for k, p in enumerate(up + up[3:0:-1])]
    return Score(notes=notes, voices=[Voice("Right Hand", 0), Voice("Left Hand", 0)])


def is_arpeggio(bar: list[Note]) -> bool:
    """Eight eighths up four steps and back down three."""
    p = [n.pitch for n in sorted(bar, key=lambda n: n.onset)]
    return len(p) == 8 and p[0] < p[1] < p[2] < p[3] < p[4] and p[5:] == p[3:0:-1]


def test_an_arpeggio_left_hand_keeps_its_figure_and_register_when_continued(cowriter):
    """Continued beside its tune, the arpeggio had turned into one note repeated (E4 x 6) from its
    second bar, and climbed into the tune's register (QA qa17 H4): 0 of 12 bars kept it."""
    piece = arpeggio_piece()
    kept = total = 0
    for seed in (1, 2):
        for variation in cowriter.generate(continue_request(piece, (0, 1), bars=4, variations=4, seed=seed)):
            new = [n for n in variation.notes if n.generated and n.voice == 1]
            for b in range(4):
                t = piece.end + b * BAR
                total += 1
                kept += is_arpeggio([n for n in new if t <= n.onset < t + BAR])
    # 4 of 32 with the figure at the strength of other lines; 24 at BROKEN_FIGURE_STRENGTH
    assert total == 32 and kept >= 16, kept


def test_a_figures_bars_start_where_its_context_s_do():
    """The arpeggio's bars start on A2-G3: a bar opened an octave up (A3 E4 A4 C5 E5) reaches into the
    tune (QA qa17 H4); the room prior counts a first note more than FIGURE_BASE_MARGIN from them."""
    piece = arpeggio_piece()
    left = sorted((n for n in piece.notes if n.voice == 1), key=lambda n: n.onset)
    bars = np.array([n.onset // BAR for n in left])
    figure = bar_figure_of(bars, np.array([n.onset % BAR for n in left]) // 40, np.full(len(left), BAR // 40),
                           np.array([n.pitch for n in left]))
    assert figure is not None and figure.base == (45, 55)
    room = figure.room(30, 100, np.array([True]))[:, 0]  # a register wide enough for any start
    assert room[45] == room[55] == room[55 + FIGURE_BASE_MARGIN] == 0
    assert room[55 + FIGURE_BASE_MARGIN + 1] < 0 and room[45 - FIGURE_BASE_MARGIN - 1] < 0
