"""Notes -> model steps: quantisation, chord order, voices and roles, intervals per voice, bar
positions from the meter map (pickups), keys and chords."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from composer.model import vocab as V
from composer.model.dataset import restream
from composer.model.encoding import encode, notes_to_array, transpose_steps
from composer.music import Note

GRID = V.TICKS_PER_GRID


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, V.MAX_DELTA), st.integers(21, 108), st.integers(1, V.MAX_DURATION),
                          st.integers(1, 127)), min_size=1, max_size=40))
def test_steps_keep_every_distinct_note_on_the_grid(rows):
    notes, onset = [], 0
    for delta, pitch, duration, velocity in rows:
        onset += delta * GRID
        notes.append(Note(pitch, onset, duration * GRID, velocity))
    steps = encode(notes_to_array(notes))
    first: dict[tuple[int, int], Note] = {}
    for n in notes:  # a pitch twice at one onset in one voice is one note: the first written (encode)
        first.setdefault((n.onset, n.pitch), n)
    expected = sorted(first.values(), key=lambda n: (n.onset, -n.pitch))
    assert steps.pitch.tolist() == [n.pitch for n in expected]
    assert (steps.onset * GRID).tolist() == [n.onset for n in expected]
    assert ((steps.duration + 1) * GRID).tolist() == [n.duration for n in expected]
    onsets = np.cumsum(steps.delta) + expected[0].onset // GRID
    assert onsets.tolist() == steps.onset.tolist()  # deltas rebuild the onsets
    assert all(abs(V.bin_velocity(b) - n.velocity) <= 127 // V.VELOCITY_BINS + 1 for b, n in zip(steps.velocity, expected))


def test_chords_are_delta_zero_and_ordered_top_down():
    steps = encode(notes_to_array([Note(60, 0, 480), Note(64, 0, 480), Note(67, 0, 480), Note(72, 480, 480)]))
    assert steps.pitch.tolist() == [67, 64, 60, 72]
    assert steps.delta.tolist() == [0, 0, 0, 12]  # 480 ticks = one quarter = 12 grid steps
    assert steps.interval[0] == V.NO_INTERVAL


def test_off_grid_and_out_of_vocabulary_values_are_quantised_and_clamped():
    steps = encode(notes_to_array([Note(60, 7, 3), Note(62, 100_000, 100_000, velocity=127)]))
    assert steps.duration[0] == 0  # a 3-tick note still lasts one grid step
    assert steps.delta[1] == V.MAX_DELTA
    assert steps.duration[1] == V.MAX_DURATION - 1
    assert steps.velocity[1] == V.VELOCITY_BINS - 1


def test_voices_get_slots_roles_and_intervals_of_their_own():
    melody = [Note(72 + i % 3, i * 480, 480, voice=0) for i in range(4)]
    bass = [Note(40 - i, i * 960, 960, voice=1) for i in range(2)]
    drums = [Note(36, i * 480, 120, voice=2) for i in range(4)]
    steps = encode(notes_to_array(melody + bass + drums), drum_voices=(2,))
    by_voice = {v: steps.role[steps.score_voice == v][0] for v in (0, 1, 2)}
    assert [V.ROLES[by_voice[v]] for v in (0, 1, 2)] == ["melody", "bass", "drums"]
    assert sorted(set(steps.voice.tolist())) == [0, 1, 2]
    # The bass's second note counts its interval from the bass's first note, not from the melody.
    second_bass = np.flatnonzero(steps.score_voice == 1)[1]
    assert steps.ref[second_bass] == 40 and steps.interval[second_bass] == V.MAX_INTERVAL - 1


def test_position_follows_the_meter_map_with_a_pickup():
    # 3/4 with a one-beat pickup: the note at tick 0 is beat 3, the next is a downbeat.
    meters = np.array([(-960, 3, 4)])
    steps = encode(notes_to_array([Note(60, i * 480, 480) for i in range(5)]), meters=meters)
    assert steps.position.tolist() == [24, 0, 12, 24, 0]
    assert steps.bar_len.tolist() == [36] * 5
    # A meter change at tick 1440 (a 2/4 bar) restarts the count there.
    steps = encode(notes_to_array([Note(60, i * 480, 480) for i in range(6)]), meters=np.array([(0, 3, 4), (1440, 2, 4)]))
    assert steps.position.tolist() == [0, 12, 24, 0, 12, 0]


def test_keys_and_chords_at_each_note_and_transposition_moves_them():
    from composer.music.chords import QUALITIES

    chords = np.array([(0, 960, 0, QUALITIES.index("maj")), (960, 960, 7, QUALITIES.index("dom7"))])
    steps = encode(notes_to_array([Note(60, 0, 480), Note(62, 960, 480)]), key="C:major", chords=chords)
    assert steps.key.tolist() == [0, 0]
    assert steps.chord_root.tolist() == [0, 7] and steps.next_root[0] == 7
    up = transpose_steps(steps, 2)
    assert up.pitch.tolist() == [62, 64] and up.key.tolist() == [2, 2] and up.chord_root.tolist() == [2, 9]
    minor = encode(notes_to_array([Note(57, 0, 480)]), key="A:minor")
    assert minor.key.tolist() == [12 + 9]


def test_restream_forgets_notes_left_out():
    steps = encode(notes_to_array([Note(60, 0, 480), Note(64, 480, 480), Note(67, 960, 480)]))
    sub = restream(steps.take(np.array([0, 2])))
    assert sub.delta.tolist() == [0, 24] and sub.ref.tolist() == [-1, 60]
