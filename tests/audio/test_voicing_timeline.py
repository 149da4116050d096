"""The pure parts: channels per voice, mute/solo, the note timeline, beats, tempo map, GM names."""

from __future__ import annotations

import pytest

from composer.audio.player import LoopRegion
from composer.audio.timeline import NoteTimeline, TempoMap, beats_in
from composer.audio.voicing import DRUM_CHANNEL, METRONOME_CHANNEL, audible, channel_plan, channel_settings
from composer.music.instruments import (
    GM_DRUM_KEYS,
    GM_FAMILIES,
    GM_PROGRAM_NAMES,
    drum_name,
    family_of,
    find_program,
    program_name,
    programs_in_family,
)
from composer.music.score import Note, Score, TempoChange, TimeSignature, Voice


def test_every_voice_gets_its_own_channel_and_drums_get_channel_10():
    voices = [Voice("a"), Voice("drums", is_drum=True)] + [Voice(f"v{i}") for i in range(12)]
    plan = channel_plan(voices)
    assert plan[1] == DRUM_CHANNEL
    assert len(set(plan)) == len(plan)  # no sharing while the synth has channels left
    assert DRUM_CHANNEL not in plan[:1] + plan[2:] and METRONOME_CHANNEL not in plan
    second_kit = channel_plan([Voice(is_drum=True), Voice(is_drum=True)])
    assert second_kit[0] == DRUM_CHANNEL and second_kit[1] != DRUM_CHANNEL


def test_more_voices_than_channels_share_round_robin():
    plan = channel_plan([Voice() for _ in range(70)])
    assert len(plan) == 70 and METRONOME_CHANNEL not in plan and DRUM_CHANNEL not in plan


def test_mute_and_solo():
    assert audible([Voice(), Voice(mute=True)]) == [True, False]
    assert audible([Voice(), Voice(solo=True), Voice(solo=True, mute=True)]) == [False, True, False]
    settings = channel_settings([Voice(volume=90, pan=10), Voice(volume=90, solo=True, program=300)])
    assert [(s.volume, s.pan) for s in settings] == [(0, 10), (90, 64)]
    assert settings[1].program == 127  # clamped into MIDI range


def test_timeline_finds_notes_by_onset_and_what_still_sounds():
    score = Score(notes=[Note(60, 0, 480), Note(64, 240, 960), Note(67, 960, 240)],
                  voices=[Voice(), Voice()])
    timeline = NoteTimeline(score)
    assert [n.pitch for n in timeline.starting_in(0, 480)] == [60, 64]
    assert [n.pitch for n in timeline.starting_in(480, 1200)] == [67]
    assert [n.pitch for n in timeline.sounding_at(600)] == [64]
    assert timeline.end == 1200


def test_repeated_key_ends_the_earlier_note_and_doubles_collapse():
    score = Score(notes=[Note(60, 0, 960), Note(60, 480, 960), Note(60, 480, 100),
                         Note(60, 480, 960, voice=1)], voices=[Voice(), Voice()])
    notes = NoteTimeline(score).notes
    same_channel = [(n.onset, n.end) for n in notes if n.channel == 0]
    assert same_channel == [(0, 480), (480, 1440)]  # the longer of the doubled pair kept
    assert len(notes) == 3  # the other voice's note is on its own channel, untouched


def test_notes_of_an_unknown_voice_play_on_the_first_voice():
    timeline = NoteTimeline(Score(notes=[Note(60, 0, 10, voice=5)], voices=[Voice()]))
    assert timeline.notes[0].channel == 0


def test_beats_and_accents_follow_the_time_signature():
    score = Score(time_signature=TimeSignature(3, 4))
    assert beats_in(score, 0, 480 * 4) == [(0, True), (480, False), (960, False), (1440, True)]
    assert beats_in(score, 1, 960) == [(480, False)]
    six_eight = Score(time_signature=TimeSignature(6, 8))
    assert [t for t, accent in beats_in(six_eight, 0, 1440 * 2) if accent] == [0, 1440]


def test_beats_and_accents_follow_the_meter_map():
    """A one-beat pickup, two bars of 4/4, then 3/4: the metronome accents bar 1 (tick 480), not
    tick 0, and every third beat after the change."""
    from composer.music.meter import MeterChange, pickup_meter

    score = Score(meters=[pickup_meter(4, 4, 480), MeterChange(480 + 2 * 1920, 3, 4)])
    accents = [t for t, accent in beats_in(score, 0, 480 + 2 * 1920 + 3 * 1440) if accent]
    assert accents == [480, 480 + 1920, 480 + 2 * 1920, 480 + 2 * 1920 + 1440, 480 + 2 * 1920 + 2 * 1440]
    assert beats_in(score, 0, 960) == [(0, False), (480, True)]


def test_tempo_map_follows_changes_and_the_factor():
    score = Score(tempos=[TempoChange(0, 120.0), TempoChange(960, 60.0)])
    tempo = TempoMap(score, 2.0)
    assert tempo.seconds(960) == pytest.approx(0.5)
    assert tempo.seconds(1440) == pytest.approx(1.0)
    assert tempo.tick(1.0) == 1440
    for bad in (0.0, 0.05, 11.0):
        with pytest.raises(ValueError):
            TempoMap(score, bad)


def test_loop_region_must_make_sense():
    assert LoopRegion(0, 480).end == 480
    for start, end in ((480, 480), (480, 0), (-1, 480), (0, 10)):
        with pytest.raises(ValueError):
            LoopRegion(start, end)


def test_general_midi_names_and_families():
    assert len(GM_PROGRAM_NAMES) == 128 and len(set(GM_PROGRAM_NAMES)) == 128
    assert program_name(0) == "Acoustic Grand Piano" and program_name(127) == "Gunshot"
    assert program_name(40) == "Violin" and program_name(73) == "Flute"
    assert program_name(5, is_drum=True) == "Drum Kit"
    assert family_of(0) == "Piano" and family_of(33) == "Bass" and family_of(127) == "Sound Effects"
    assert programs_in_family("Reed") == list(range(64, 72))
    assert sum(len(programs_in_family(f)) for f in GM_FAMILIES) == 128
    assert find_program("violin") == 40
    assert drum_name(38) == "Acoustic Snare" and drum_name(20) is None
    assert min(GM_DRUM_KEYS) == 35 and max(GM_DRUM_KEYS) == 81 and len(GM_DRUM_KEYS) == 47
    for bad in (-1, 128):
        with pytest.raises(ValueError):
            program_name(bad)
    with pytest.raises(ValueError):
        find_program("kazoo")
