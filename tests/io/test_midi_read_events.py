"""read_midi on hand-built files: how each MIDI construct becomes notes, voices and metadata."""

from __future__ import annotations

import pytest

from composer.io import ScoreFileError, read_score
from composer.io.midi_file import ZERO_LENGTH_TICKS, read_midi, read_midi_report
from composer.music import Key, Note, TempoChange, TimeSignature
from handmade_smf import event, meta, name, note, smf, tempo, track


def spans(score, voice=None):
    return sorted((n.pitch, n.onset, n.end) for n in score.notes if voice is None or n.voice == voice)


def test_note_on_velocity_zero_and_note_off_both_end_notes(file_of):
    data = smf(track(event(0, 0x90, 60, 100), event(480, 0x80, 60, 40),  # real note-off
                     event(0, 0x90, 62, 90), event(240, 0x90, 62, 0)))  # note-on velocity 0
    score = read_midi(file_of(data))
    assert sorted((n.pitch, n.onset, n.duration, n.velocity) for n in score.notes) == [
        (60, 0, 480, 100), (62, 480, 240, 90)]


def test_overlapping_same_pitch_notes_pair_first_in_first_out(file_of):
    data = smf(track(event(0, 0x90, 60, 100), event(100, 0x90, 60, 50),
                     event(200, 0x80, 60, 0), event(300, 0x80, 60, 0)))
    score = read_midi(file_of(data))
    assert sorted((n.onset, n.end, n.velocity) for n in score.notes) == [(0, 300, 100), (100, 600, 50)]


def test_running_status_and_sysex_are_read(file_of):
    # 0x90 once, then bare data bytes; a sysex and a meta in between keep the running status
    body = (event(0, 0x90, 60, 100) + event(480, 60, 0) + event(0, 0xF0, 3, 0x7E, 0x09, 0xF7)
            + event(0, 62, 90) + name("x") + event(480, 62, 0))
    score = read_midi(file_of(smf(track(body))))
    assert spans(score) == [(60, 0, 480), (62, 480, 960)]


def test_note_left_hanging_closes_at_the_last_event_of_its_track(file_of):
    data = smf(track(event(0, 0x90, 60, 100), note(100, 64, 100), meta(1000, 0x01, b"text")))
    score = read_midi(file_of(data))
    assert spans(score) == [(60, 0, 1200), (64, 100, 200)]


def test_zero_length_notes_get_a_64th_unless_the_pitch_repeats_sooner(file_of):
    data = smf(track(note(0, 36, 0, channel=9), note(480, 36, 0, channel=9), note(10, 36, 0, channel=9)))
    score = read_midi(file_of(data))
    assert [(n.onset, n.duration) for n in score.notes] == [(0, ZERO_LENGTH_TICKS), (480, 10), (490, ZERO_LENGTH_TICKS)]
    assert score.voices[0].is_drum and score.voices[0].name == "Drums"


def test_resolution_is_rescaled_to_480_with_rounding_and_at_least_one_tick(file_of):
    data = smf(track(tempo(0, 90), note(0, 60, 96), note(48, 62, 1), note(25, 64, 7)), division=96)
    score = read_midi(file_of(data))
    # 96 -> 480 is x5; a 1-tick note becomes 5 ticks
    assert spans(score) == [(60, 0, 480), (62, 720, 725), (64, 850, 885)]
    data = smf(track(note(0, 60, 1), note(0, 62, 3000)), division=7000)
    score = read_midi(file_of(data))
    assert [n.duration for n in sorted(score.notes, key=lambda n: n.pitch)] == [1, round(3000 * 480 / 7000)]


def test_smpte_time_is_converted_through_seconds(file_of):
    division = (256 - 25) << 8 | 40  # 25 frames/s x 40 ticks/frame = 1000 ticks per second
    data = smf(track(tempo(0, 60), note(0, 60, 1000), note(500, 62, 250)), division=division)
    score = read_midi(file_of(data))
    assert [(n.pitch, round(score.seconds_at(n.onset), 6), round(score.seconds_at(n.end), 6))
            for n in score.sorted_notes()] == [(60, 0.0, 1.0), (62, 1.5, 1.75)]


@pytest.mark.parametrize("division, expected", [(0, "0 ticks per quarter"), ((256 - 27) << 8 | 4, "SMPTE")])
def test_unusable_time_division_is_a_clear_error(file_of, division, expected):
    path = file_of(smf(track(note(0, 60, 10)), division=division))
    with pytest.raises(ScoreFileError, match=expected) as caught:
        read_midi(path)
    assert str(path) in str(caught.value)


def test_tracks_and_channels_become_voices_with_their_settings(file_of):
    conductor = track(name("My Song"), tempo(0, 100), meta(0, 0x58, bytes([6, 3, 24, 8])),
                      meta(0, 0x59, bytes([0xFE, 1])),  # two flats, minor: G minor
                      tempo(960, 140), event(0, 0xC1, 33))  # a program change for ch 2 in another track
    strings = track(name("Strings"), event(0, 0xC0, 48), event(0, 0xB0, 7, 90), event(0, 0xB0, 10, 20),
                    note(0, 60, 480), note(0, 67, 480, channel=3), event(0, 0xC3, 40))
    bass = track(name("Bass"), note(0, 36, 960, channel=1), event(0, 0xB1, 7, 70))
    score = read_midi(file_of(smf(conductor, strings, bass)))
    assert score.title == "My Song"
    assert [(v.name, v.program, v.is_drum, v.volume, v.pan) for v in score.voices] == [
        ("String Ensemble 1 (Strings)", 48, False, 90, 20),  # a track of several channels: by instrument (QA F18)
        ("Violin (Strings)", 40, False, 100, 64),  # its only program change comes after its note
        ("Bass", 33, False, 70, 64),  # program from the conductor track; volume set after the note
    ]
    assert score.tempos == [TempoChange(0, 100.0), TempoChange(960, 140.0)]
    assert score.time_signature == TimeSignature(6, 8)
    assert score.key == Key.parse("G minor")
    assert {n.voice for n in score.notes if n.pitch == 36} == {2}


def test_type_0_file_splits_channels_into_voices(file_of):
    data = smf(track(name("Type0"), tempo(0, 120), event(0, 0xC0, 5), event(0, 0xC9, 0),
                     note(0, 60, 480), note(0, 36, 120, channel=9)), fmt=0)
    score = read_midi(file_of(data))
    assert [(v.name, v.program, v.is_drum) for v in score.voices] == [("Electric Piano 2", 5, False),
                                                                      ("Drums", 0, True)]
    assert score.title == "Type0"  # the only track's name is the piece's, not each voice's


def test_type_2_file_plays_its_sequences_one_after_another(file_of):
    # SMF 1.0: a type-2 file's tracks are independent patterns, played in order (issue 10)
    data = smf(track(name("A"), note(0, 60, 480), note(0, 62, 480)), track(name("B"), note(0, 64, 480)), fmt=2)
    score = read_midi(file_of(data))
    assert spans(score) == [(60, 0, 480), (62, 480, 960), (64, 960, 1440)]
    assert "type 2 sequences" in score.features


def test_tempo_events_from_any_track_make_one_tempo_map(file_of):
    data = smf(track(tempo(0, 120), tempo(960, 60)), track(tempo(480, 90), note(0, 60, 1920)))
    score = read_midi(file_of(data))
    assert score.tempos == [TempoChange(0, 120.0), TempoChange(480, 90.0), TempoChange(960, 60.0)]
    # the note sounds from 480 to 2400: 480 ticks at 90 bpm then 1440 at 60 bpm
    note_ = score.notes[0]
    assert (note_.onset, note_.end) == (480, 2400)
    assert score.seconds_at(note_.end) - score.seconds_at(note_.onset) == pytest.approx(2 / 3 + 3.0)


def test_key_signatures_map_to_keys(file_of):
    for sharps, minor, expected in [(0, 0, "C"), (3, 0, "A"), (-7, 0, "Cb"), (7, 1, "A#m"), (-6, 1, "Ebm")]:
        payload = bytes([sharps & 0xFF, minor])
        score = read_midi(file_of(smf(track(meta(0, 0x59, payload), note(0, 60, 10)))))
        assert score.key == Key.parse(expected)


def test_a_bad_key_signature_is_ignored_not_fatal(file_of):
    score = read_midi(file_of(smf(track(meta(0, 0x59, bytes([9, 5])), note(0, 60, 10)))))
    assert score.key is None and len(score.notes) == 1


def test_non_utf8_track_names_decode_as_latin1(file_of):
    data = smf(track(meta(0, 0x03, "Chanson fran\xe7aise".encode("latin-1")), note(0, 60, 10)))
    assert read_midi(file_of(data)).title == "Chanson fran\xe7aise"


def test_thousands_of_tracks(file_of):
    tracks = [track(name(f"T{i}"), note(i, 40 + i % 50, 100, channel=i % 16)) for i in range(3000)]
    score = read_midi(file_of(smf(*tracks)))
    assert len(score.voices) == 3000 and len(score.notes) == 3000
    assert score.voices[2999].name == "T2999"
    assert {(n.voice, n.onset) for n in score.notes} == {(i, i) for i in range(3000)}


def test_rmid_wrapper_is_unwrapped(file_of):
    inner = smf(track(note(0, 60, 480)))
    riff = b"RIFF" + (len(inner) + 12).to_bytes(4, "little") + b"RMID" + b"data" + len(inner).to_bytes(4, "little") + inner
    assert spans(read_midi(file_of(riff))) == [(60, 0, 480)]


def test_file_without_notes_is_an_error_naming_the_file(file_of):
    path = file_of(smf(track(name("empty"), tempo(0, 100))))
    with pytest.raises(ScoreFileError, match="holds no notes") as caught:
        read_midi(path)
    assert caught.value.path == path


def test_read_score_dispatches_midi_by_suffix(file_of):
    data = smf(track(note(0, 60, 480)))
    for suffix in (".mid", ".MIDI"):
        assert read_score(file_of(data, suffix)).notes == [Note(60, 0, 480, 80)]


def test_report_lists_damage_worked_around(file_of):
    data = smf(track(note(0, 60, 480)), track(note(0, 62, 480), end=False, claimed=10_000))
    report = read_midi_report(file_of(data))
    assert spans(report.score) == [(60, 0, 480), (62, 0, 480)]
    assert any("claims 10000 bytes" in p for p in report.problems)
