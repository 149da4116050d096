"""Score -> type-1 .mid file at TICKS_PER_QUARTER, written atomically.

Track 0 is the conductor (title, meter map with its pickup, key map, chord track as markers, tempo map);
then one track per
voice with its name, program, volume (CC7), pan (CC10) and sustain pedal (CC64 127 down, 0 up, MIDI
1.0; composer.music.score.Pedal). Drums go on channel 10 (index 9);
other voices take channels 1-9, 11-16 in order and wrap past fifteen of them (voices that share a
channel then share its program). Muted and solo voices are written like any other: mute and solo
are playback settings, not part of the music.
"""

from __future__ import annotations

from pathlib import Path

import mido

from composer.io import safe_write
from composer.io.errors import ScoreFileError
from composer.music.scales import SCALES, Key
from composer.music.meter import MeterChange
from composer.music.score import TICKS_PER_QUARTER, Note, Pedal, Score

# Sequencer-specific meta events carrying what plain MIDI cannot say. 0x7D is the manufacturer ID
# the MIDI standard reserves for non-commercial use; other programs skip these events.
COMPOSER_TAG = bytes([0x7D]) + b"Composer:"
GENERATED_MARK = b"generated"  # the next note-on in this track was written by the co-writer
KEY_MARK = b"key="  # the exact key, e.g. 'D:dorian', which a key signature cannot express
CHORD_MARK = b"chord="  # a chord of the chord track: b"chord=<duration ticks>:<figure, UTF-8>"

DRUM_CHANNEL = 9
MELODIC_CHANNELS = tuple(c for c in range(16) if c != DRUM_CHANNEL)
_MAJOR_BY_SHARPS = {-7: "Cb", -6: "Gb", -5: "Db", -4: "Ab", -3: "Eb", -2: "Bb", -1: "F", 0: "C",
                    1: "G", 2: "D", 3: "A", 4: "E", 5: "B", 6: "F#", 7: "C#"}


def assign_channels(score: Score) -> list[int]:
    """The MIDI channel of each voice: drums on 9, others round the fifteen melodic channels."""
    channels, next_melodic = [], 0
    for voice in score.voices:
        if voice.is_drum:
            channels.append(DRUM_CHANNEL)
        else:
            channels.append(MELODIC_CHANNELS[next_melodic % len(MELODIC_CHANNELS)])
            next_melodic += 1
    return channels


def _latin1_carrier(text: str) -> str:
    """mido writes text meta events as latin-1; hand it UTF-8 bytes so any title survives."""
    return text.encode("utf-8").decode("latin-1")


def _key_signature_name(key: Key) -> str:
    steps = set(SCALES[key.scale])
    minor = 3 in steps and 4 not in steps  # a minor third, no major third: notate as minor
    major_tonic = (key.tonic + 3) % 12 if minor else key.tonic
    sharps = (major_tonic * 7) % 12
    sharps = sharps - 12 if sharps > 6 else sharps
    name = _MAJOR_BY_SHARPS[sharps]
    if minor:  # mido names a minor key by its own tonic: the relative major's, three semitones down
        name = {-6: "Ebm", -5: "Bbm", -4: "Fm", -3: "Cm", -2: "Gm", -1: "Dm", 0: "Am", 1: "Em",
                2: "Bm", 3: "F#m", 4: "C#m", 5: "G#m", 6: "D#m"}[sharps]
    return name


def _sequencer_specific(payload: bytes, time: int = 0) -> mido.MetaMessage:
    return mido.MetaMessage("sequencer_specific", data=tuple(COMPOSER_TAG + payload), time=time)


def _conductor_track(score: Score) -> mido.MidiTrack:
    track = mido.MidiTrack()
    if score.title:
        track.append(mido.MetaMessage("track_name", name=_latin1_carrier(score.title)))
    events = [(tick, mido.MetaMessage("time_signature", numerator=numerator, denominator=denominator))
              for tick, numerator, denominator in meter_events(score.meters)]
    for change in score.keys:
        tick = max(0, change.tick)
        events.append((tick, mido.MetaMessage("key_signature", key=_key_signature_name(change.key))))
        if change.key.scale not in ("major", "minor"):
            events.append((tick, _sequencer_specific(KEY_MARK + str(change.key).encode("ascii"))))
    for chord in score.chords:  # a marker other programs show, and Composer's exact chord (with its length)
        events.append((chord.onset, mido.MetaMessage("marker", text=_latin1_carrier(chord.figure))))
        events.append((chord.onset, _sequencer_specific(CHORD_MARK + f"{chord.duration}:{chord.figure}".encode())))
    for change in sorted(score.tempos, key=lambda c: c.tick):
        if not change.bpm > 0 or not 1 <= round(60_000_000 / change.bpm) <= 0xFFFFFF:
            raise ValueError(f"tempo {change.bpm} bpm cannot be stored in MIDI (3.6 to 60,000,000 bpm)")
        events.append((max(0, change.tick), mido.MetaMessage("set_tempo", tempo=round(60_000_000 / change.bpm))))
    events.sort(key=lambda e: e[0])  # stable: meter, key, tempo at one tick
    _append_timed(track, events)
    return track


def meter_events(meters: list[MeterChange]) -> list[tuple[int, int, int]]:
    """The time-signature events (tick, numerator, denominator) that write a meter map.

    A pickup is written as notation programs write one: a first bar exactly as long as the
    pickup (1/4 for a one-beat pickup in 4/4), then the meter at the first full bar line
    (composer.io.midi_file.meter_map_from_events reads this back as a pickup). A pickup no
    time signature can measure (not a whole number of 64th notes) starts the meter at tick 0.
    """
    events = []
    for change in meters:
        if change.tick < 0:
            pickup = change.tick + change.bar_ticks
            for denominator in (d for d in (1, 2, 4, 8, 16, 32, 64) if d >= change.denominator):
                beat = TICKS_PER_QUARTER * 4 // denominator
                if pickup % beat == 0 and pickup // beat <= 255:
                    events.append((0, pickup // beat, denominator))
                    events.append((pickup, change.numerator, change.denominator))
                    break
            else:
                events.append((0, change.numerator, change.denominator))
        else:
            events.append((change.tick, change.numerator, change.denominator))
    return events


MAX_DELTA = 0x0FFFFFFF  # the largest delta time a four-byte variable-length quantity holds


def _append_timed(track: mido.MidiTrack, events: list[tuple[int, mido.Message]]) -> None:
    """Append (absolute tick, message) pairs, already in order, as delta times. A gap longer than
    a delta can hold (77 hours at 120 bpm) is bridged with empty Composer events."""
    last = 0
    for tick, message in events:
        while tick - last > MAX_DELTA:
            track.append(_sequencer_specific(b"", time=MAX_DELTA))
            last += MAX_DELTA
        message.time = tick - last
        track.append(message)
        last = tick


def _voice_track(score: Score, index: int, channel: int, notes: list[Note],
                 pedals: list[Pedal] = ()) -> mido.MidiTrack:
    voice = score.voices[index]
    track = mido.MidiTrack()
    track.append(mido.MetaMessage("track_name", name=_latin1_carrier(voice.name)))
    track.append(mido.Message("program_change", channel=channel, program=voice.program))
    track.append(mido.Message("control_change", channel=channel, control=7, value=voice.volume))
    track.append(mido.Message("control_change", channel=channel, control=10, value=voice.pan))
    # At one tick, note-offs come before note-ons so a repeated pitch is not cut by its own end;
    # the marker for a generated note sits right before its note-on.
    keyed = []
    for order, note in enumerate(notes):
        keyed.append((note.end, 0, note.pitch, order, [mido.Message("note_off", channel=channel, note=note.pitch)]))
        on = [mido.Message("note_on", channel=channel, note=note.pitch, velocity=note.velocity)]
        if note.generated:
            on.insert(0, _sequencer_specific(GENERATED_MARK))
        keyed.append((note.onset, 1, note.pitch, order, on))
    # The pedal, at one tick: a lift first (a re-pedal reads back as two spans), a press after the
    # note-offs (a note released as the pedal goes down is not held by it) and before the note-ons.
    for pedal in pedals:
        keyed.append((pedal.end, -1, 0, 0, [mido.Message("control_change", channel=channel, control=64, value=0)]))
        keyed.append((pedal.onset, 0.5, 0, 0,
                      [mido.Message("control_change", channel=channel, control=64, value=127)]))
    keyed.sort(key=lambda e: e[:4])
    _append_timed(track, [(tick, message) for tick, _, _, _, messages in keyed for message in messages])
    return track


def build_midi_file(score: Score, *, only_generated: bool = False) -> mido.MidiFile:
    """The mido file write_midi saves. Raises ValueError for what MIDI cannot hold."""
    notes = [n for n in score.notes if n.generated or not only_generated]
    for note in notes:
        if note.voice >= len(score.voices):
            raise ValueError(f"a note at tick {note.onset} belongs to voice {note.voice + 1}, "
                             f"but the score has {len(score.voices)} voices")
    by_voice: list[list[Note]] = [[] for _ in score.voices]
    for note in sorted(notes, key=lambda n: (n.onset, n.pitch)):
        by_voice[note.voice].append(note)
    pedals: list[list[Pedal]] = [[] for _ in score.voices]
    if not only_generated:  # the co-writer's notes alone do not need the player's pedal
        for pedal in getattr(score, "pedals", ()):
            if pedal.voice < len(pedals):
                pedals[pedal.voice].append(pedal)
    midi = mido.MidiFile(type=1, ticks_per_beat=TICKS_PER_QUARTER)
    midi.tracks.append(_conductor_track(score))
    for index, channel in enumerate(assign_channels(score)):
        midi.tracks.append(_voice_track(score, index, channel, by_voice[index], pedals[index]))
    return midi


def write_midi(score: Score, path: str | Path, *, only_generated: bool = False) -> None:
    """Write `score` as a type-1 MIDI file. With only_generated, only the co-writer's notes are
    written, at their positions in the piece (so they paste back where they belong), with the
    full tempo map and every voice's track. The file is replaced atomically: a failed write
    leaves any existing file as it was. Raises ScoreFileError."""
    path = Path(path)
    if only_generated and not any(n.generated for n in score.notes):
        raise ScoreFileError(path, "the score has no generated notes to export")
    try:
        midi = build_midi_file(score, only_generated=only_generated)
    except ValueError as error:
        raise ScoreFileError(path, f"cannot write this score as MIDI: {error}") from error
    if not path.parent.is_dir():
        raise ScoreFileError(path, f"the folder {path.parent} does not exist")
    try:  # exclusive unpredictable partial, fsync, permissions kept, rename (composer.io.safe_write)
        safe_write.clean_stale_partials(path.parent)
        with safe_write.replacing(path) as handle:
            midi.save(file=handle)
    except OSError as error:
        raise ScoreFileError(path, f"cannot write it ({error.strerror or error})") from error
