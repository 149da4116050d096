import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from composer.model import vocab as V
from composer.model.encoding import decode, encode, encode_score, notes_to_array
from composer.music import Note, Score

GRID = V.TICKS_PER_GRID


@st.composite
def grid_scores(draw):
    count = draw(st.integers(1, 40))
    notes, onset = [], 0
    for _ in range(count):
        onset += draw(st.integers(0, V.MAX_DELTA)) * GRID
        notes.append(Note(draw(st.integers(21, 108)), onset, draw(st.integers(1, V.MAX_DURATION)) * GRID,
                          draw(st.integers(1, 127))))
    return Score(notes=notes)


@settings(max_examples=60, deadline=None)
@given(grid_scores())
def test_score_to_steps_to_score_round_trip(score):
    steps = encode_score(score)
    first = min(score.notes, key=lambda n: (n.onset, -n.pitch))
    # decode() counts deltas from the note before the first step; the first delta is 0.
    back = decode(steps.pitch, steps.delta, steps.duration, steps.velocity, start_onset=first.onset)
    unique = {(n.onset, n.pitch): n for n in score.notes}
    expected = sorted(unique.values(), key=lambda n: (n.onset, -n.pitch))
    assert [(n.pitch, n.onset, n.duration) for n in back] == [(n.pitch, n.onset, n.duration) for n in expected]
    # velocity survives up to its bin
    for got, want in zip(back, expected):
        assert abs(got.velocity - want.velocity) <= 127 // V.VELOCITY_BINS + 1
        assert got.generated


def test_chords_are_delta_zero_and_ordered_top_down():
    score = Score(notes=[Note(60, 0, 480), Note(64, 0, 480), Note(67, 0, 480), Note(72, 480, 480)])
    steps = encode_score(score)
    assert steps.pitch.tolist() == [67, 64, 60, 72]
    assert steps.delta.tolist() == [0, 0, 0, 12]  # 480 ticks = one quarter = 12 grid steps
    assert steps.interval[0] == V.NO_INTERVAL
    assert steps.interval[1:].tolist() == [V.MAX_INTERVAL - 3, V.MAX_INTERVAL - 4, V.MAX_INTERVAL + 12]


def test_off_grid_and_out_of_vocabulary_values_are_quantised_and_clamped():
    array = notes_to_array([Note(60, 7, 3), Note(62, 100_000, 100_000, velocity=127)])
    steps = encode(array)
    assert steps.duration[0] == 0  # a 3-tick note still lasts one grid step
    assert steps.delta[1] == V.MAX_DELTA
    assert steps.duration[1] == V.MAX_DURATION - 1
    assert steps.velocity[1] == V.VELOCITY_BINS - 1


def test_drums_are_left_out_of_the_seed():
    from composer.music import Voice

    score = Score(notes=[Note(36, 0, 240, voice=1), Note(60, 0, 240)], voices=[Voice(), Voice(is_drum=True)])
    assert encode_score(score).pitch.tolist() == [60]


def test_position_follows_the_bar():
    steps = encode(notes_to_array([Note(60, i * 480, 480) for i in range(5)]), bar_length=V.bar_grid(3, 4))
    assert steps.position.tolist() == [0, 12, 24, 0, 12]
    assert np.all(steps.onset == np.arange(5) * 12)
