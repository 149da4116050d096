"""Note, Score and the tempo map: validation, seconds_at / tick_at, copying."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from composer.music import TICKS_PER_QUARTER, Note, Score, TempoChange, TimeSignature, Voice


@pytest.mark.parametrize("fields, message", [
    (dict(pitch=128), "outside MIDI range"), (dict(pitch=-1), "outside MIDI range"),
    (dict(onset=-1), "negative"), (dict(duration=0), "at least one tick"),
    (dict(velocity=0), "outside 1-127"), (dict(velocity=128), "outside 1-127"), (dict(voice=-1), "negative"),
])
def test_note_rejects_impossible_values(fields, message):
    values = dict(pitch=60, onset=0, duration=1) | fields
    with pytest.raises(ValueError, match=message):
        Note(**values)


def test_note_end_and_with():
    note = Note(60, 100, 50, 90, voice=2)
    assert note.end == 150
    assert note.with_(pitch=62) == Note(62, 100, 50, 90, voice=2) and note.pitch == 60


def test_score_defaults_are_never_empty():
    score = Score(voices=[], tempos=[])
    assert len(score.voices) == 1 and score.tempos == [TempoChange(0, 120.0)] and score.bpm == 120.0
    assert score.end == 0


def test_time_signature_ticks():
    assert (TimeSignature(4, 4).bar_ticks, TimeSignature(4, 4).beat_ticks) == (1920, 480)
    assert (TimeSignature(6, 8).bar_ticks, TimeSignature(6, 8).beat_ticks) == (1440, 240)
    assert TimeSignature(3, 2).bar_ticks == 2880


def test_seconds_at_constant_tempo():
    score = Score(tempos=[TempoChange(0, 90.0)])
    assert score.seconds_at(0) == 0.0
    assert score.seconds_at(TICKS_PER_QUARTER) == pytest.approx(60 / 90)
    assert score.tick_at(60 / 90 * 4) == 4 * TICKS_PER_QUARTER


def test_seconds_at_follows_the_tempo_map():
    score = Score(tempos=[TempoChange(0, 120.0), TempoChange(960, 60.0), TempoChange(1920, 240.0)])
    # 960 ticks at 120 = 1 s; 960 at 60 = 2 s; then 480 ticks at 240 = 0.25 s
    assert score.seconds_at(960) == pytest.approx(1.0)
    assert score.seconds_at(1440) == pytest.approx(2.0)
    assert score.seconds_at(1920) == pytest.approx(3.0)
    assert score.seconds_at(2400) == pytest.approx(3.25)
    assert [score.tick_at(s) for s in (1.0, 2.0, 3.0, 3.25)] == [960, 1440, 1920, 2400]


tempo_maps = st.lists(st.tuples(st.integers(1, 20_000), st.floats(20, 300)), max_size=6).map(
    lambda changes: [TempoChange(0, 100.0)] + [TempoChange(t, b) for t, b in sorted(dict(changes).items())])


@settings(max_examples=200, deadline=None)
@given(tempos=tempo_maps, tick=st.integers(0, 40_000))
def test_tick_at_inverts_seconds_at(tempos, tick):
    score = Score(tempos=tempos)
    assert score.tick_at(score.seconds_at(tick)) == tick


@settings(max_examples=100, deadline=None)
@given(tempos=tempo_maps, ticks=st.lists(st.integers(0, 40_000), min_size=2, max_size=2).map(sorted))
def test_seconds_at_never_runs_backwards(tempos, ticks):
    score = Score(tempos=tempos)
    assert score.seconds_at(ticks[0]) <= score.seconds_at(ticks[1])


def test_copy_is_independent_of_the_original():
    score = Score(notes=[Note(60, 0, 10)], voices=[Voice("A", 5)], title="t", style="folk")
    twin = score.copy()
    twin.voices[0].program = 9
    twin.notes.append(Note(62, 0, 10))
    assert score.voices[0].program == 5 and len(score.notes) == 1
    assert (twin.title, twin.style) == ("t", "folk")
    assert score.copy(notes=[]).notes == []


def test_sorted_notes_orders_by_time_then_pitch():
    notes = [Note(64, 10, 5), Note(60, 10, 5), Note(70, 0, 5)]
    assert [n.pitch for n in Score(notes=notes).sorted_notes()] == [70, 60, 64]
    assert Score(notes=notes).end == 15
