"""QA (qa12 F8): a MIDI file's sustain pedal (CC64) was dropped without a word, so a left hand
played under the pedal came out as staccato chords, and a pitch bend read with no problem listed.
Now the pedal is written into the note lengths as a synthesiser sounds them (MIDI 1.0: CC64 at
64-127 is down; a note released under it lasts until the pedal lifts or its pitch is struck again
on that channel) and a notice says so; bends are counted in the problems. Real files written
here with mido, read by Composer's reader."""

from __future__ import annotations

import mido
import pytest

from composer.io import read_score

PPQ = 480  # the files' resolution: Composer's own, so ticks compare directly


def _write(path, tracks: list[tuple[str, list[tuple[int, mido.Message]]]]) -> None:
    """tracks: (name, [(absolute tick, message)]) -> a type-1 file."""
    smf = mido.MidiFile(type=1, ticks_per_beat=PPQ)
    for name, events in tracks:
        track = mido.MidiTrack([mido.MetaMessage("track_name", name=name, time=0)])
        now = 0
        for tick, message in sorted(events, key=lambda e: (e[0], e[1].type != "note_off")):
            track.append(message.copy(time=tick - now))
            now = tick
        smf.tracks.append(track)
    smf.save(path)


def _note(on: int, off: int, pitch: int, channel: int = 0):
    return [(on, mido.Message("note_on", note=pitch, velocity=80, channel=channel)),
            (off, mido.Message("note_off", note=pitch, velocity=0, channel=channel))]


def _pedal(tick: int, value: int, channel: int = 0):
    return (tick, mido.Message("control_change", control=64, value=value, channel=channel))


def _lengths(score) -> dict[tuple[int, int, int], int]:
    return {(n.voice, n.pitch, n.onset): n.duration for n in score.notes}


def test_notes_released_under_the_pedal_sound_until_it_lifts(tmp_path):
    events = (_note(0, 240, 60)  # released under the pedal: held to its lift at 1920
              + _note(0, 240, 64) + _note(960, 1200, 64)  # struck again at 960: the first ends there
              + _note(0, 2400, 67)  # still held by the finger when the pedal lifts: as written
              + _note(2880, 3000, 72)  # after the lift: as written
              + [_pedal(0, 127), _pedal(1920, 0)])
    drums = _note(0, 60, 36, channel=9) + [_pedal(0, 127, channel=9)]  # a drum hit is a one-shot
    path = tmp_path / "pedal.mid"
    _write(path, [("Piano", events), ("Kit", drums)])
    score = read_score(path)
    assert _lengths(score) == {(0, 60, 0): 1920, (0, 64, 0): 960, (0, 64, 960): 960, (0, 67, 0): 2400,
                               (0, 72, 2880): 120, (1, 36, 0): 60}
    assert "sustain pedal" in score.features
    assert score.notices == ("sustain pedal (CC64) applied to note lengths, as a synthesiser plays it: 3 notes "
                             "held until the pedal lifts (3 in Piano)",)
    assert score.problems == ()


def test_the_pedal_is_the_channels_whichever_track_holds_it(tmp_path):
    """Channel state is global in MIDI: a pedal in the left hand's track (same channel, as notation
    programs export a piano) holds the right hand's notes too; value 63 is up, 64 down."""
    right = _note(0, 240, 72) + _note(480, 720, 74)
    left = _note(0, 240, 48) + [_pedal(0, 64), _pedal(400, 63), _pedal(600, 100), _pedal(960, 0)]
    path = tmp_path / "hands.mid"
    _write(path, [("RH", right), ("LH", left)])
    score = read_score(path)
    assert _lengths(score) == {(0, 72, 0): 400, (0, 74, 480): 480, (1, 48, 0): 400}
    assert score.notices == ("sustain pedal (CC64) applied to note lengths, as a synthesiser plays it: 3 notes "
                             "held until the pedal lifts (2 in RH, 1 in LH)",)


def test_without_a_pedal_nothing_changes_and_nothing_is_said(tmp_path):
    path = tmp_path / "plain.mid"
    _write(path, [("Piano", _note(0, 240, 60) + [_pedal(0, 30), _pedal(100, 0)])])  # never down
    score = read_score(path)
    assert _lengths(score) == {(0, 60, 0): 240}
    assert score.notices == () and "sustain pedal" not in score.features


def _bend(tick: int, value: int, channel: int = 0):
    return (tick, mido.Message("pitchwheel", pitch=value, channel=channel))  # mido: -8192..8191, 0 = centre


@pytest.mark.parametrize("gestures, said", [(3, "3 bends"), (1, "1 bend"), (0, None)])
def test_pitch_bends_are_counted_in_the_problems(tmp_path, gestures, said):
    events = _note(0, 1920, 71, channel=1)
    for number in range(gestures):  # each a scoop of 5 messages back to the centre
        start = number * 480
        events += [_bend(start + step * 20, 800 * step) for step in range(1, 5)]
        events += [_bend(start + 100, 0)]
    events = [(tick, m.copy(channel=1)) for tick, m in events]
    events += [_bend(0, 4000, channel=5)]  # a channel without notes: nothing heard changes
    path = tmp_path / "bend.mid"
    _write(path, [("Lead", events)])
    score = read_score(path)
    assert len(score.notes) == 1
    if said is None:
        assert score.problems == ()
    else:
        assert score.problems == (f"pitch bend not read: {said} in Lead ignored (the notes play at their written "
                                  "pitch)",)
