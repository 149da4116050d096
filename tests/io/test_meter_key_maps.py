"""Meter and key maps through MIDI files and project files: every change read, written back,
and a pickup (a short first bar in MIDI) kept as one."""

from __future__ import annotations

import mido
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from composer.io import read_score, write_midi
from composer.io.project_file import Project, load_project, save_project
from composer.music import Key, Note, Score
from composer.music.meter import MeterChange
from composer.music.score import KeyChange

Q = 480


def midi_with_meters(path, events, notes=((67, 0), (72, 480), (71, 960))):
    """A type-0 file at 480 ppq: meta events (tick, MetaMessage), then quarter notes."""
    track = mido.MidiTrack()
    timed = [(tick, message) for tick, message in events]
    for pitch, onset in notes:
        timed.append((onset, mido.Message("note_on", note=pitch, velocity=90)))
        timed.append((onset + 480, mido.Message("note_off", note=pitch)))
    timed.sort(key=lambda e: e[0])
    last = 0
    for tick, message in timed:
        track.append(message.copy(time=tick - last))
        last = tick
    midi = mido.MidiFile(type=0, ticks_per_beat=480)
    midi.tracks.append(track)
    midi.save(path)


def test_a_short_first_bar_is_a_pickup_and_is_written_back(tmp_path):
    path = tmp_path / "pickup.mid"
    midi_with_meters(path, [(0, mido.MetaMessage("time_signature", numerator=1, denominator=4)),
                            (480, mido.MetaMessage("time_signature", numerator=4, denominator=4))])
    score = read_score(path)
    assert score.meters == [MeterChange(-3 * Q, 4, 4)]  # in 4/4; the G is beat 4 of the bar before
    assert score.time_signature.numerator == 4
    again = tmp_path / "again.mid"
    write_midi(score, again)
    signatures = [(m.numerator, m.denominator) for m in mido.MidiFile(again).tracks[0] if m.type == "time_signature"]
    assert signatures == [(1, 4), (4, 4)]  # as notation programs write a pickup
    assert read_score(again).meters == score.meters


def test_every_time_and_key_signature_is_read(tmp_path):
    path = tmp_path / "changes.mid"
    midi_with_meters(path, [
        (0, mido.MetaMessage("time_signature", numerator=4, denominator=4)),
        (0, mido.MetaMessage("key_signature", key="G")),
        (1920, mido.MetaMessage("time_signature", numerator=3, denominator=4)),
        (1920, mido.MetaMessage("key_signature", key="Em")),
        (1920 + 1440, mido.MetaMessage("time_signature", numerator=6, denominator=8)),
    ], notes=[(60, t) for t in range(0, 6000, 480)])
    score = read_score(path)
    assert score.meters == [MeterChange(0, 4, 4), MeterChange(1920, 3, 4), MeterChange(3360, 6, 8)]
    assert [(k.tick, k.key) for k in score.keys] == [(0, Key.parse("G major")), (1920, Key.parse("E minor"))]


meters_strategy = st.builds(
    lambda pickup, first, changes: [MeterChange(-(first[0] * (1920 // first[1])) + pickup * (1920 // first[1])
                                                if pickup else 0, *first)]
    + [MeterChange(tick, n, d) for tick, (n, d) in changes],
    st.integers(0, 2),
    st.sampled_from([(4, 4), (3, 4), (6, 8), (2, 2), (5, 8)]),
    st.dictionaries(st.integers(1, 40).map(lambda b: b * 1920), st.sampled_from([(3, 4), (7, 8), (2, 4), (12, 8)]),
                    max_size=3).map(lambda d: sorted(d.items())),
)
keys_strategy = st.dictionaries(st.integers(0, 20).map(lambda b: b * 960),
                                st.sampled_from(["C major", "A minor", "D dorian", "Eb major", "F# minor"]),
                                max_size=3).map(lambda d: [KeyChange(t, Key.parse(k)) for t, k in sorted(d.items())])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(meters=meters_strategy, keys=keys_strategy)
def test_round_trips_keep_meters_pickups_and_keys(tmp_path, meters, keys):
    score = Score(notes=[Note(60, 0, 240), Note(64, 100_000, 240)], meters=meters, keys=keys)
    write_midi(score, tmp_path / "rt.mid")
    from_midi = read_score(tmp_path / "rt.mid")
    assert from_midi.meters == score.meters
    assert from_midi.keys == score.keys
    save_project(Project(score), tmp_path / "rt.composer.json")
    from_project = load_project(tmp_path / "rt.composer.json").score
    assert (from_project.meters, from_project.keys) == (score.meters, score.keys)
