"""Close voicings, and the nearest one to the chord before, for a made-up comping part.

A pianist comping block chords voices each chord close (its tones once each, within an octave)
and moves to the next by the shortest way: common tones held, the others by step (Piston,
*Harmony*, ch. 2, "the law of the shortest way"). An added harmony part (region_writer.
default_comping, Texture.complete) is written note by note, each chord top-down, and had no such
sense: over QA qa34's 17 charts the median change moved its notes 5 semitones in all where 2
would do, 39 % of changes 7 or more (Dm7 C4 D4 F4 A4 to G7 F3 G3 B3 D4: 27 where 3 would do), and
half its restrikes of one chord changed inversion (C4 E4 G4, G3 C4 E4, C4 E4 G4 ...).

voice_leading_prior gives, for the next note of a chord (under the notes of it written so far,
or a new chord's top), the cost in nats of the nearest close voicing it leads to, against the
nearest of all.
"""

from __future__ import annotations

import numpy as np

from composer.model import vocab as V
from composer.music.harmony_part import LOWEST_CHORDS

# Nats a semitone of movement beyond the nearest close voicing's, and off a note that makes no close
# voicing with the notes above it. At 0.5 and 6 the model's pull to double the tune's note with
# the chord's top outweighed it: over QA qa35's 9 jazz charts x 3 seeds (609 changes) the chords
# moved 3511 semitones where the nearest voicings under the tune need 2283, 126 changes 6 or more
# beyond the nearest, 77 of 300 restrikes of a chord revoiced; at 1.5 and 9: 2775, 58 and 4, the
# top doubling the tune at 149 of 936 onsets (252); over the tune only where a chord is held as
# the tune falls under its top (9; 5).
VOICE_LEADING = 1.5
VOICE_LEADING_CAP = 9.0
# MIDI range of the voicings considered: from C3 (harmony_part.LOWEST_CHORDS: close chords lower
# down are mud; a tune at G3-G4 had its four-note chords under C3 at half of their onsets) to C7
CLOSE_LOWEST, CLOSE_HIGHEST = LOWEST_CHORDS, 96
_KEPT = 4096  # answers kept (a fill's variations and steps ask again)
_answers: dict[tuple, np.ndarray] = {}


def close_voicings(tones: np.ndarray) -> list[tuple[int, ...]]:
    """Every close voicing of the chord of pitch classes `tones` ((12,) bool): its tones once each
    within an octave over each possible bottom note from CLOSE_LOWEST to CLOSE_HIGHEST, as
    ascending MIDI pitches (every inversion in every octave)."""
    classes = np.flatnonzero(tones).tolist()
    out = []
    for bottom in range(CLOSE_LOWEST, CLOSE_HIGHEST - 10):
        if tones[bottom % 12]:
            voicing = tuple(sorted(bottom + (pc - bottom) % 12 for pc in classes))
            if voicing[-1] <= CLOSE_HIGHEST:
                out.append(voicing)
    return out


def movement(voicing: tuple[int, ...], previous: tuple[int, ...]) -> float:
    """Semitones the notes of `previous` move to become `voicing` (any sizes): each note to its
    nearest in the other chord, both ways, halved (for chords of one size moving by step, the
    sum of the steps)."""
    a, b = np.asarray(voicing)[:, None], np.asarray(previous)[None, :]
    distance = np.abs(a - b)
    return float(distance.min(1).sum() + distance.min(0).sum()) / 2


def voice_leading_prior(tones: np.ndarray, previous: tuple[int, ...], above: tuple[int, ...],
                        bass: int | None = None) -> np.ndarray:
    """(N_PITCH,) log-prior for the next note of a chord of `tones` ((12,) bool, chord_tones)
    written top-down: under `above` (its notes so far, top-down; () for its top note), moving from
    the chord `previous` (MIDI pitches; () for none). Each pitch gets
    -VOICE_LEADING a semitone by which the nearest close voicing it leads to (close_voicings, its
    top notes `above` and then that pitch) moves more than the nearest of all that begin with
    `above` (movement); a pitch that leads to none loses VOICE_LEADING_CAP, and where `above`
    begins none (a voicing that is not close) there is no prior. bass: a slash chord's bass pitch
    class (C/E: 4), the lowest note of the voicings counted where one of its tones (QA qa34: C/E
    voiced C4 E4 G4, the written bass lowest in 6 of 18 slash chords). With no chord before, every
    close voicing costs nothing and a note that makes none loses VOICE_LEADING_CAP: an added
    part's first chord under "C" had been D3 G3 C4 in 1 of 9 variations (with none before it, the
    model leans to D3 by 2.8 nats; tests/model/test_comping_first_chord.py)."""
    if bass is not None and not tones[bass % 12]:
        bass = None
    key = (tones.tobytes(), tuple(previous), tuple(above), bass)
    if key in _answers:
        return _answers[key]
    cost = np.full(V.N_PITCH, np.inf)
    depth = len(above)
    for voicing in close_voicings(tones):
        top_down = voicing[::-1]
        if top_down[:depth] != tuple(above) or len(top_down) <= depth:
            continue
        if bass is not None and voicing[0] % 12 != bass:
            continue
        pitch = top_down[depth]
        cost[pitch] = min(cost[pitch], movement(voicing, previous) if previous else 0.0)
    found = np.isfinite(cost)
    out = np.zeros(V.N_PITCH)
    if found.any():
        out = np.where(found, -np.minimum(VOICE_LEADING * (cost - cost[found].min()), VOICE_LEADING_CAP),
                       -VOICE_LEADING_CAP)
    if len(_answers) >= _KEPT:
        _answers.clear()
    _answers[key] = out
    return out
