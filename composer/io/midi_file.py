""".mid files <-> Score.

Reading: every (track, channel) pair that plays notes becomes a Voice. The file's resolution is
rescaled to TICKS_PER_QUARTER. Damage is worked around where it can be (see smf_reader); what was
worked around is logged and returned by read_midi_report, and only a file with no readable notes
at all is an error.

Writing (midi_writer): a type-1 file at TICKS_PER_QUARTER, a conductor track then one track per
voice. Composer-only facts (which notes the co-writer generated, a modal key) travel in
sequencer-specific meta events that other programs ignore, so a round trip keeps them.
"""

from __future__ import annotations

import logging
from bisect import bisect_right
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

from composer.io.errors import ScoreFileError, checked_size
from composer.io.midi_writer import CHORD_MARK, COMPOSER_TAG, GENERATED_MARK, KEY_MARK, write_midi
from composer.io.smf_reader import (
    CONTROL_CHANGE, META, META_INSTRUMENT_NAME, META_KEY_SIGNATURE, META_SEQUENCER_SPECIFIC,
    META_SET_TEMPO, META_TIME_SIGNATURE, META_TRACK_NAME, NOTE_OFF, NOTE_ON, PITCH_BEND, PROGRAM_CHANGE,
    SUSTAIN_PEDAL, SmfError, SmfFile, Track, parse_smf,
)
from composer.io.midi_controllers import bend_gestures, pedal_spans
from composer.music.chords import ChordSymbol
from composer.music.scales import Key
from composer.music.instruments import program_name
from composer.music.meter import MeterChange, normalised
from composer.music.score import DEFAULT_BPM, TICKS_PER_QUARTER, KeyChange, Note, Pedal, Score, TempoChange, Voice

log = logging.getLogger(__name__)

MAX_MIDI_BYTES = 64 * 1024 * 1024  # real pieces are well under 1 MB; this refuses files before reading them
MAX_NOTES = 2_000_000  # past this the editor and the model are no use, and memory runs to gigabytes
# A note-on and note-off at the same instant (common for drum hits) becomes a 64th note, long
# enough to hear and to see in the piano roll, cut short if the same pitch sounds again sooner.
ZERO_LENGTH_TICKS = TICKS_PER_QUARTER // 16
_SMPTE_BPM = 120.0  # SMPTE files have no tempo: their seconds are laid on a 120 bpm grid

__all__ = ["MAX_MIDI_BYTES", "MidiReadReport", "read_midi", "read_midi_report", "write_midi"]


@dataclass(slots=True)
class MidiReadReport:
    score: Score
    problems: list[str] = field(default_factory=list)  # damage worked around, for a status line


def read_midi(path: str | Path) -> Score:
    """Read a .mid file. Raises ScoreFileError naming the file and the problem."""
    report = read_midi_report(path)
    for problem in report.problems:
        log.warning("%s: %s", path, problem)
    return report.score


def read_midi_report(path: str | Path) -> MidiReadReport:
    """read_midi, also returning what damage was worked around (the UI can show it)."""
    path = Path(path)
    checked_size(path, MAX_MIDI_BYTES, "MIDI files", " (is it really a MIDI file?)")
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ScoreFileError(path, f"cannot read it ({error.strerror or error})") from error
    try:
        smf = parse_smf(data)
        return _score_from_smf(smf, path)
    except ScoreFileError:
        raise
    except SmfError as error:
        raise ScoreFileError(path, str(error)) from error
    except Exception as error:  # a last net: a reader must never leak a raw exception
        raise ScoreFileError(path, f"unexpected damage ({type(error).__name__}: {error})") from error


def _decode_text(raw: bytes) -> str:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")  # the SMF default; every byte decodes
    return " ".join(text.replace("\x00", " ").split())[:200]


def _tidy_bpm(microseconds: int) -> float:
    """The shortest decimal bpm that maps back to the same microseconds per quarter, so 120 reads
    back as 120.0 rather than 120.00000000000001 and a written score round-trips exactly."""
    exact = 60_000_000 / microseconds
    for digits in range(7):
        candidate = round(exact, digits)
        if candidate > 0 and round(60_000_000 / candidate) == microseconds:
            return candidate
    return exact


def _key_from_signature(data: bytes) -> Key | None:
    if len(data) < 2:
        return None
    sharps = data[0] - 256 if data[0] > 127 else data[0]
    if not -7 <= sharps <= 7 or data[1] > 1:
        return None
    major_tonic = (sharps * 7) % 12  # each sharp moves the tonic a fifth up
    return Key((major_tonic + 9) % 12, "minor") if data[1] else Key(major_tonic, "major")


# A paired note in file ticks: (track, channel, pitch, on, off, velocity, generated). Tuples,
# not dataclasses: a big file has millions and they only live until the Notes are built.
_RawNote = tuple


def _collect_notes(smf: SmfFile) -> list[_RawNote]:
    notes: list[_RawNote] = []
    for index, track in enumerate(smf.tracks):
        sounding: dict[tuple[int, int], deque] = {}
        generated_next = False
        for event in track.events:
            kind = event[1]
            if kind == META:
                if event[2] == META_SEQUENCER_SPECIFIC and event[3] == COMPOSER_TAG + GENERATED_MARK:
                    generated_next = True
                continue
            if kind == NOTE_ON and event[4] > 0:
                sounding.setdefault((event[2], event[3]), deque()).append((event[0], event[4], generated_next))
                generated_next = False
            elif kind in (NOTE_ON, NOTE_OFF):  # note-on with velocity 0 is a note-off
                queue = sounding.get((event[2], event[3]))
                if queue:  # first in, first out: overlapping same-pitch notes end in order
                    on, velocity, generated = queue.popleft()
                    notes.append((index, event[2], event[3], on, event[0], velocity, generated))
            if len(notes) > MAX_NOTES:
                raise SmfError(f"it holds more than {MAX_NOTES:,} notes, more than Composer can edit")
        for (channel, pitch), queue in sounding.items():  # left hanging: close at the track's end
            for on, velocity, generated in queue:
                notes.append((index, channel, pitch, on, max(on, track.end_tick), velocity, generated))
    return notes


def _channel_setting(events: list[tuple[int, int, int]], by_track: dict[int, list], track: int,
                     first_onset: int) -> int | None:
    """A program/volume/pan for a voice from (tick, track, value) events on its channel (sorted
    by tick; by_track: the same grouped by track): the last one at or before its first note,
    preferring its own track (channels can be shared between tracks), else the first one after.
    Binary search, so 16,000 tracks on one channel read in linear time (a scan was quadratic)."""
    for candidates in (by_track.get(track, ()), events):
        before = bisect_right(candidates, first_onset, key=_tick_of)
        if before:
            return candidates[before - 1][2]
    return events[0][2] if events else None


def _tick_of(event: tuple) -> int:
    return event[0]


def _by_track(events: list) -> dict[int, list]:
    grouped: dict[int, list] = {}
    for event in events:
        grouped.setdefault(event[1], []).append(event)
    return grouped


def _sequential(smf: SmfFile) -> SmfFile:
    """A type-2 file's tracks are independent sequences played one after another (SMF 1.0):
    each track's events are moved to start where the one before it ends."""
    offset, tracks = 0, []
    for track in smf.tracks:
        tracks.append(Track([(event[0] + offset, *event[1:]) for event in track.events],
                            track.end_tick + offset, track.problem))
        offset += track.end_tick
    return SmfFile(smf.format, smf.ticks_per_quarter, smf.smpte_ticks_per_second, tracks, smf.problems)


def _score_from_smf(smf: SmfFile, path: Path) -> MidiReadReport:
    features: set[str] = set()
    if smf.format == 2 and len(smf.tracks) > 1:
        smf = _sequential(smf)
        features.add("type 2 sequences")
    problems = list(smf.problems)
    problems += [f"track {i + 1}: {t.problem}" for i, t in enumerate(smf.tracks) if t.problem]
    if smf.ticks_per_quarter:
        ppq = smf.ticks_per_quarter

        def ticks(t: int) -> int:
            return (2 * t * TICKS_PER_QUARTER + ppq) // (2 * ppq)  # round half up, in integers
    else:
        per_tick = TICKS_PER_QUARTER * _SMPTE_BPM / 60.0 / smf.smpte_ticks_per_second

        def ticks(t: int) -> int:
            return round(t * per_tick)

    raw = _collect_notes(smf)
    if not raw:
        detail = f" ({'; '.join(problems)})" if problems else ""
        raise ScoreFileError(path, f"the file holds no notes{detail}")

    # Channel state is global in MIDI: a program change in one track applies to its channel in all.
    settings: dict[tuple[int, int], list[tuple[int, int, int]]] = {}  # (kind, channel) -> events
    names: dict[int, str] = {}
    instruments: dict[int, str] = {}
    tempos: list[tuple[int, int]] = []
    meter_events: list[tuple[int, int, int]] = []  # (file tick, numerator, denominator)
    key_events: list[tuple[int, Key]] = []
    exact_keys: dict[int, Key] = {}
    chord_events: list[tuple[int, int, str]] = []  # (file tick, duration in file ticks, figure)
    bends: dict[int, list[tuple[int, int]]] = {}  # channel -> (file tick, 14-bit value)
    for index, track in enumerate(smf.tracks):
        for event in track.events:
            tick, kind = event[0], event[1]
            if kind == PITCH_BEND:
                bends.setdefault(event[2], []).append((tick, event[3] | event[4] << 7))
            elif kind == PROGRAM_CHANGE:
                settings.setdefault((PROGRAM_CHANGE, event[2]), []).append((tick, index, event[3]))
            elif kind == CONTROL_CHANGE:
                settings.setdefault((event[3], event[2]), []).append((tick, index, event[4]))
            elif kind == META:
                meta, data = event[2], event[3]
                if meta == META_TRACK_NAME and index not in names:
                    names[index] = _decode_text(data)
                elif meta == META_INSTRUMENT_NAME and index not in instruments:
                    instruments[index] = _decode_text(data)
                elif meta == META_SET_TEMPO and len(data) >= 3 and int.from_bytes(data[:3], "big") > 0:
                    tempos.append((tick, int.from_bytes(data[:3], "big")))
                elif meta == META_TIME_SIGNATURE and len(data) >= 2 and data[0] >= 1 and data[1] <= 6:
                    meter_events.append((tick, data[0], 2 ** data[1]))
                elif meta == META_KEY_SIGNATURE:
                    found = _key_from_signature(data)
                    if found is not None:
                        key_events.append((tick, found))
                elif meta == META_SEQUENCER_SPECIFIC and data.startswith(COMPOSER_TAG + KEY_MARK):
                    try:  # Composer's exact key (a mode a key signature cannot say) wins
                        exact_keys[tick] = Key.parse(data[len(COMPOSER_TAG + KEY_MARK):].decode("ascii"))
                    except (ValueError, UnicodeDecodeError):
                        problems.append("an unreadable Composer key marker was ignored")
                elif meta == META_SEQUENCER_SPECIFIC and data.startswith(COMPOSER_TAG + CHORD_MARK):
                    length, _, figure = data[len(COMPOSER_TAG + CHORD_MARK):].partition(b":")
                    try:
                        chord_events.append((tick, int(length), figure.decode("utf-8")))
                    except (ValueError, UnicodeDecodeError):
                        problems.append("an unreadable Composer chord marker was ignored")
    for values in settings.values():
        values.sort(key=lambda e: e[0])  # stable: ties keep track order
    by_track = {kind: _by_track(values) for kind, values in settings.items()}
    # The sustain pedal, per channel (channel state is global: a pedal in the left hand's track
    # holds the right hand's notes on the same channel), kept as spans beside the notes.
    pedal_events = {channel: [(tick, value) for tick, _track, value in events]
                    for (kind, channel), events in settings.items() if kind == SUSTAIN_PEDAL}
    file_end = max(track.end_tick for track in smf.tracks)
    spans = {channel: found for channel, events in pedal_events.items() if (found := pedal_spans(events, file_end))}

    voice_of: dict[tuple[int, int], int] = {}
    first_onset: dict[tuple[int, int], int] = {}
    for note in raw:
        pair = note[:2]
        if note[3] < first_onset.get(pair, note[3] + 1):
            first_onset[pair] = note[3]
    channels_per_track: dict[int, int] = {}
    for track, _channel in first_onset:
        channels_per_track[track] = channels_per_track.get(track, 0) + 1
    split = _program_splits(raw, first_onset, settings, by_track)
    voices: list[Voice] = []
    channels: list[int] = []  # each voice's channel, to tell same-named voices apart
    named: list[int] = []  # voices named by their instrument
    first_voice: dict[tuple[int, int], int] = {}
    for pair in sorted(first_onset):
        track, channel = pair
        onset = first_onset[pair]
        program, volume, pan = (_channel_setting(settings.get((kind, channel), []), by_track.get((kind, channel), {}),
                                                 track, onset) for kind in (PROGRAM_CHANGE, 7, 10))
        own = names.get(track) or instruments.get(track)
        several = channels_per_track[track] > 1
        if not several:
            name = own or ("Drums" if channel == 9 else f"Track {track + 1}")
        first_voice[pair] = len(voices)
        for segment_program in (split[pair][2] if pair in split else (None,)):
            voice_of[(track, channel, segment_program)] = len(voices)
            sound = program if segment_program is None else segment_program
            if several:  # one track, several instruments (a type-0 file): each voice named by what it
                # plays, first, so that names cut short still differ ('Band groov' x 3 in the
                # Voicing panel, QA F18); the track's name after it when other tracks play too
                voice_name = "Drums" if channel == 9 else program_name(sound or 0)
                if own and len(channels_per_track) > 1:
                    voice_name = f"{voice_name} ({own})"
                named.append(len(voices))
            else:
                voice_name = name if segment_program is None else f"{name} ({program_name(segment_program)})"
            voices.append(Voice(name=voice_name[:64], program=sound or 0,
                                is_drum=channel == 9, volume=100 if volume is None else volume,
                                pan=64 if pan is None else pan))
            channels.append(channel)
    _distinct_names(voices, channels, named)
    pair_names = {pair: voices[index].name for pair, index in first_voice.items()}
    if split:
        features.add("program changes")
    notices = []
    pedals = _pedals(spans, voice_of, ticks)
    if pedals:
        features.add("sustain pedal")
        notices.append(_pedal_notice(spans, voice_of, voices))
    problems += _bend_problems(bends, pair_names)

    notes = _scaled_notes(raw, voice_of, ticks, split)
    score = Score(notes=notes, voices=voices, meters=meter_map_from_events(meter_events, ticks),
                  keys=_key_map(key_events, exact_keys, ticks), title=names.get(0, ""),
                  chords=_chord_track(chord_events, ticks), pedals=pedals)
    if smf.ticks_per_quarter:
        score.tempos = _tempo_map(tempos, ticks)
    else:
        score.tempos = [TempoChange(0, _SMPTE_BPM)]
    if score.meters and score.meters[0].tick < 0:
        features.add("pickup")  # a short first bar read as a pickup, said as the ABC reader says it
    score.features = frozenset(features)
    score.problems = tuple(problems)
    score.notices = tuple(notices)
    return MidiReadReport(score, problems)


def _distinct_names(voices: list[Voice], channels: list[int], named: list[int]) -> None:
    """Voices named by their instrument (`named`: their indices) that share a name, e.g. two
    pianos on channels 1 and 2 of one track, get the channel after it ('Acoustic Grand Piano
    (ch 2)'), so each can be told apart and picked by --voices. Names from the file's own track
    names are left as they are (a file Composer wrote reads back with the names it had)."""
    groups: dict[str, list[int]] = {}
    for index in named:
        groups.setdefault(voices[index].name.casefold(), []).append(index)
    for same in groups.values():
        if len(same) > 1:
            for index in same:
                suffix = f" (ch {channels[index] + 1})"
                voices[index].name = voices[index].name[:64 - len(suffix)] + suffix


def _pedal_voices(channel: int, voice_of: dict) -> list[int]:
    """The voices read from `channel` (every track, every program segment), in order."""
    return sorted({voice for (track, ch, _program), voice in voice_of.items() if ch == channel})


def _pedals(spans: dict[int, list[tuple[int, int]]], voice_of: dict, ticks) -> list[Pedal]:
    """Each channel's pedal spans (file ticks) on every voice read from that channel, in score
    ticks; a span that rounds to nothing is left out, a channel without notes is not heard."""
    pedals = []
    for channel, found in spans.items():
        for voice in _pedal_voices(channel, voice_of):
            pedals += [Pedal(voice, ticks(down), ticks(up)) for down, up in found if ticks(up) > ticks(down)]
    return pedals


def _pedal_notice(spans: dict[int, list[tuple[int, int]]], voice_of: dict, voices: list[Voice]) -> str:
    """'sustain pedal kept for playback: 12 pedal presses in Left Hand, Right Hand (notes keep
    their played lengths)': presses counted per channel, named by the voices it holds."""
    parts = []
    for channel in sorted(spans, key=lambda c: min(_pedal_voices(c, voice_of), default=len(voices))):
        held = _pedal_voices(channel, voice_of)
        if held:
            count = len(spans[channel])
            parts.append(f"{count} pedal press{'es' if count != 1 else ''} in "
                         f"{', '.join(voices[v].name for v in held)}")
    return f"sustain pedal kept for playback: {'; '.join(parts)} (notes keep their played lengths)"


def _bend_problems(bends: dict[int, list[tuple[int, int]]], pair_names: dict) -> list[str]:
    """'pitch bend not read: 3 bends in Lead ignored ...', one line per channel that bends where
    notes sound (a bend on a channel without notes changes nothing one hears)."""
    problems = []
    for channel in sorted(bends):
        count = bend_gestures(sorted(bends[channel], key=_tick_of))
        voices = [name for (track, ch), name in sorted(pair_names.items()) if ch == channel]
        if count and voices:
            problems.append(f"pitch bend not read: {count} bend{'s' if count != 1 else ''} in "
                            f"{' / '.join(voices)} ignored (the notes play at their written pitch)")
    return problems


def _chord_track(events: list[tuple[int, int, str]], ticks) -> list[ChordSymbol]:
    """Composer's chord markers (file tick, duration in file ticks, figure) -> the chord track, by onset."""
    chords = []
    for tick, length, figure in sorted(events, key=lambda e: e[0]):
        onset = ticks(tick)
        duration = ticks(tick + length) - onset
        if length > 0 and duration > 0 and figure:
            chords.append(ChordSymbol(onset, duration, figure[:40]))
    return chords


def meter_map_from_events(events: list[tuple[int, int, int]], ticks=lambda t: t) -> list[MeterChange]:
    """Time-signature events (file tick, numerator, denominator) -> the meter map.

    Events sort by tick (the last of simultaneous ones holds); 4/4 holds until the first. A first
    bar shorter than the meter after it, exactly one bar long and counted in the same or a
    shorter note (a 1/4 bar then 4/4, 3/8 then 6/8), is a pickup, as notation programs write
    one: it becomes the end of a bar of the following meter.
    """
    by_tick: dict[int, MeterChange] = {}
    for tick, numerator, denominator in sorted(events, key=lambda e: e[0]):
        try:
            by_tick[ticks(tick)] = MeterChange(ticks(tick), numerator, denominator)
        except ValueError:  # a numerator past 255 or an odd denominator: not a meter
            continue
    changes = [by_tick[t] for t in sorted(by_tick)]
    if not changes or changes[0].tick > 0:
        changes.insert(0, MeterChange(0, 4, 4))
    elif len(changes) > 1:
        first, second = changes[0], changes[1]
        if (first.tick == 0 and second.tick == first.bar_ticks and first.bar_ticks < second.bar_ticks
                and first.denominator >= second.denominator):  # 4/4 before 12/8 is a bar, not a pickup
            changes = [MeterChange(second.tick - second.bar_ticks, second.numerator, second.denominator),
                       *changes[2:]]
    return normalised(changes)


def _key_map(events: list[tuple[int, Key]], exact: dict[int, Key], ticks) -> list[KeyChange]:
    by_tick: dict[int, Key] = {}
    for tick, key in sorted(events, key=lambda e: e[0]):
        by_tick[tick] = key
    for tick, key in exact.items():  # Composer's exact key names the mode at its tick
        by_tick[tick] = key
    changes: list[KeyChange] = []
    for tick in sorted(by_tick):
        if not changes or changes[-1].key != by_tick[tick]:
            changes.append(KeyChange(ticks(tick), by_tick[tick]))
    return changes


def _program_splits(raw: list[_RawNote], first_onset: dict, settings: dict, by_track: dict) -> dict:
    """(track, channel) -> (change ticks, programs, programs in order of first use) for every
    melodic voice whose program changes after its first note: its notes become one voice per
    program, so a program change mid-piece is kept (one Voice has one program)."""
    splits: dict = {}
    for pair, onset in first_onset.items():
        track, channel = pair
        if channel == 9:
            continue
        kind = (PROGRAM_CHANGE, channel)
        changes = by_track.get(kind, {}).get(track) or settings.get(kind, [])
        if not any(tick > onset for tick, _, _ in changes):
            continue
        change_ticks = [tick for tick, _, _ in changes]
        programs = [program for _, _, program in changes]
        used: list[int] = []
        for note in raw:
            if note[:2] == pair:
                program = _program_at(change_ticks, programs, note[3])
                if program not in used:
                    used.append(program)
        if len(used) > 1:
            splits[pair] = (change_ticks, programs, sorted(used, key=used.index))
    return splits


def _program_at(change_ticks: list[int], programs: list[int], tick: int) -> int:
    at = bisect_right(change_ticks, tick) - 1
    return programs[at] if at >= 0 else programs[0]


def _scaled_notes(raw: list[_RawNote], voice_of: dict, ticks, split: dict | None = None) -> list[Note]:
    raw.sort()  # by track, channel, pitch, onset: a note's successor on its pitch is next
    split = split or {}
    notes: list[Note] = []
    for i, (track, channel, pitch, on, off, velocity, generated) in enumerate(raw):
        segment = split.get((track, channel))
        program = _program_at(segment[0], segment[1], on) if segment else None
        onset = ticks(on)
        if off > on:
            duration = max(1, ticks(off) - onset)
        else:
            duration = ZERO_LENGTH_TICKS
            following = raw[i + 1] if i + 1 < len(raw) else None
            if following and following[:3] == (track, channel, pitch):
                duration = max(1, min(duration, ticks(following[3]) - onset))
        notes.append(Note(pitch, onset, duration, velocity, voice_of[(track, channel, program)], generated))
    notes.sort(key=lambda n: (n.onset, n.voice, n.pitch))
    return notes


def _tempo_map(tempos: list[tuple[int, int]], ticks) -> list[TempoChange]:
    tempos.sort(key=lambda t: t[0])  # tempo events may sit in any track; stable keeps file order
    changes: list[TempoChange] = []
    for tick, microseconds in tempos:
        change = TempoChange(ticks(tick), _tidy_bpm(microseconds))
        if changes and changes[-1].tick == change.tick:
            changes[-1] = change  # the last of simultaneous changes is the one that holds
        elif not changes or changes[-1].bpm != change.bpm:
            changes.append(change)
    if len(changes) > 1:  # a replaced change can now equal its predecessor
        changes = [c for i, c in enumerate(changes) if i == 0 or c.bpm != changes[i - 1].bpm]
    if not changes or changes[0].tick > 0:
        changes.insert(0, TempoChange(0, DEFAULT_BPM))
    return changes
