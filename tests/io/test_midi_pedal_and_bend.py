"""QA (qa12 F8): a MIDI file's sustain pedal (CC64) was dropped without a word, and a pitch bend
read with no problem listed. The pedal is now kept as a performance controller beside the notes
(composer.music.score.Pedal, MIDI 1.0: CC64 at 64-127 is down), as DAWs keep it: the notes keep
their played lengths (writing the pedal into them made a melody played under the pedal read as
chords), playback sends CC64 again, export writes it back, and a notice says so. Bends are counted
in the problems. Real files written here with mido, read by Composer's reader."""

from __future__ import annotations

import mido
import pytest

from composer.io import read_score, write_midi

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


def _spans(score) -> list[tuple[int, int, int]]:
    return [(p.voice, p.onset, p.end) for p in score.pedals]


PLAYED = {(0, 60, 0): 240, (0, 64, 0): 240, (0, 64, 960): 240, (0, 67, 0): 2400, (0, 72, 2880): 120, (1, 36, 0): 60}


def _pedalled_piano(path) -> None:
    events = (_note(0, 240, 60) + _note(0, 240, 64) + _note(960, 1200, 64) + _note(0, 2400, 67)
              + _note(2880, 3000, 72)
              + [_pedal(0, 127), _pedal(1920, 0), _pedal(2880, 100), _pedal(3360, 0)])
    drums = _note(0, 60, 36, channel=9)
    _write(path, [("Piano", events), ("Kit", drums)])


def test_notes_keep_their_played_lengths_and_the_pedal_is_kept_beside_them(tmp_path):
    path = tmp_path / "pedal.mid"
    _pedalled_piano(path)
    score = read_score(path)
    assert _lengths(score) == PLAYED  # the 240-tick notes under the pedal stay 240 ticks
    assert _spans(score) == [(0, 0, 1920), (0, 2880, 3360)]
    assert "sustain pedal" in score.features
    assert score.notices == ("sustain pedal kept for playback: 2 pedal presses in Piano (notes keep their played "
                             "lengths)",)
    assert score.problems == ()


def test_the_pedal_is_the_channels_whichever_track_holds_it(tmp_path):
    """Channel state is global in MIDI: a pedal in the left hand's track (same channel, as notation
    programs export a piano) holds the right hand's notes too, so both voices get its spans (each
    voice plays on a channel of its own in Composer); value 63 is up, 64 down. A file at 96 ticks
    per quarter gives spans in Composer's 480."""
    right = _note(0, 48, 72) + _note(96, 144, 74)
    left = _note(0, 48, 48) + [_pedal(0, 64), _pedal(80, 63), _pedal(120, 100), _pedal(192, 0)]
    other = _note(0, 96, 60, channel=3) + [_pedal(24, 127, channel=3)]  # never lifted: up at the file's end
    path = tmp_path / "hands.mid"
    smf_ppq = 96
    smf = mido.MidiFile(type=1, ticks_per_beat=smf_ppq)
    for name, events in (("RH", right), ("LH", left), ("Strings", other)):
        track = mido.MidiTrack([mido.MetaMessage("track_name", name=name, time=0)])
        now = 0
        for tick, message in sorted(events, key=lambda e: (e[0], e[1].type != "note_off")):
            track.append(message.copy(time=tick - now))
            now = tick
        smf.tracks.append(track)
    smf.save(path)
    score = read_score(path)
    assert _lengths(score) == {(0, 72, 0): 240, (0, 74, 480): 240, (1, 48, 0): 240, (2, 60, 0): 480}
    assert _spans(score) == [(0, 0, 400), (0, 600, 960), (1, 0, 400), (1, 600, 960), (2, 120, 960)]
    assert score.notices == ("sustain pedal kept for playback: 2 pedal presses in RH, LH; 1 pedal press in "
                             "Strings (notes keep their played lengths)",)


def test_without_a_pedal_nothing_changes_and_nothing_is_said(tmp_path):
    path = tmp_path / "plain.mid"
    _write(path, [("Piano", _note(0, 240, 60) + [_pedal(0, 30), _pedal(100, 0)])])  # never down
    score = read_score(path)
    assert _lengths(score) == {(0, 60, 0): 240}
    assert score.pedals == [] and score.notices == () and "sustain pedal" not in score.features


def test_a_round_trip_keeps_the_pedal_and_the_note_lengths(tmp_path):
    """read -> write -> read: the same spans (a re-pedal at one tick stays two spans) and lengths."""
    path = tmp_path / "pedal.mid"
    events = _note(0, 240, 60) + _note(480, 960, 62) + [_pedal(0, 127), _pedal(480, 0), _pedal(480, 127),
                                                       _pedal(1440, 0)]
    _write(path, [("Piano", events)])
    first = read_score(path)
    assert _spans(first) == [(0, 0, 480), (0, 480, 1440)]
    write_midi(first, tmp_path / "again.mid")
    again = read_score(tmp_path / "again.mid")
    assert _spans(again) == _spans(first) and _lengths(again) == _lengths(first)
    cc = [(m.control, m.value) for m in mido.MidiFile(tmp_path / "again.mid").tracks[1] if m.type == "control_change"]
    assert cc.count((64, 127)) == 2 and cc.count((64, 0)) == 2
    write_midi(first.copy(notes=[n.with_(generated=True) for n in first.notes]), tmp_path / "new.mid",
               only_generated=True)  # the co-writer's notes alone: no pedal (it was the player's)
    assert read_score(tmp_path / "new.mid").pedals == []


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


def test_a_melody_played_under_the_pedal_stays_one_line_for_the_co_writer(tmp_path):
    """The QA file's shape: a right-hand quarter-note tune with CC64 down for each whole bar (lifted
    and pressed again at each bar line) and a left hand's triads on beats 2-4. Written into the
    note lengths, the pedal made each bar's melody notes overlap, so the co-writer read the right
    hand as chords (region_writer._monophonic False: no loop guard, no recall, chords in the
    tune); kept beside the notes, the tune is one line again."""
    from composer.data.cache import notes_array
    from composer.model.region_writer import _monophonic

    tune = [72, 74, 76, 77, 79, 77, 76, 74, 72, 71, 72, 74, 76, 74, 72, 72]
    right = [event for i, pitch in enumerate(tune) for event in _note(i * 480, i * 480 + 400, pitch)]
    left, pedal = [], []
    for bar in range(4):
        start = bar * 1920
        for beat in (1, 2, 3):
            for pitch in (48, 52, 55):
                left += _note(start + beat * 480, start + beat * 480 + 400, pitch, channel=1)
        pedal += [_pedal(start, 127, channel=1), _pedal(start + 1920, 0, channel=1)]
    path = tmp_path / "piano_pedal.mid"
    _write(path, [("Right Hand", [(t, m.copy(channel=1)) for t, m in right]), ("Left Hand", left + pedal)])
    score = read_score(path)
    names = [v.name for v in score.voices]
    rh = names.index("Right Hand")
    assert len(score.pedals) == 8 and {p.voice for p in score.pedals} == {0, 1}
    assert all(n.duration == 400 for n in score.notes)
    assert _monophonic(notes_array(score), rh) is True
    assert score.notices == ("sustain pedal kept for playback: 4 pedal presses in Right Hand, Left Hand (notes "
                             "keep their played lengths)",)
