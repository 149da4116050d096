"""Standard MIDI File bytes -> tracks of timed events, tolerant of damage.

mido's own reader (mido.MidiFile) stops at the first bad byte and loses the whole file: a track
whose declared length is wrong runs into the next chunk, a file cut short raises EOFError, and a
header claiming 9999 tracks fails even when every present track is fine. Real-world MIDI files
are often damaged that way, so the framing here is our own: each track is parsed within the bytes
it really has, a damaged track keeps the events before the damage, and the other tracks survive.
It is also several times faster than building a mido message per event (bench/midi_io.py),
which matters when a user points the trainer at a folder of thousands of files.

Only the events Composer uses are kept (notes, program, volume, pan, sustain pedal, pitch bend,
tempo, meter, key, names, Composer's own sequencer-specific markers); sysex and everything else is
skipped by length.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Kept channel messages, by the high nibble of their status byte.
NOTE_OFF, NOTE_ON, CONTROL_CHANGE, PROGRAM_CHANGE, PITCH_BEND = 0x80, 0x90, 0xB0, 0xC0, 0xE0
SUSTAIN_PEDAL = 64  # CC64, the damper pedal (MIDI 1.0 spec, control change table)
KEPT_CONTROLLERS = frozenset({7, 10, SUSTAIN_PEDAL})  # channel volume, pan, sustain pedal
META = 0xFF
META_TRACK_NAME, META_INSTRUMENT_NAME = 0x03, 0x04
META_END_OF_TRACK, META_SET_TEMPO = 0x2F, 0x51
META_TIME_SIGNATURE, META_KEY_SIGNATURE, META_SEQUENCER_SPECIFIC = 0x58, 0x59, 0x7F
KEPT_META = frozenset({META_TRACK_NAME, META_INSTRUMENT_NAME, META_SET_TEMPO, META_TIME_SIGNATURE,
                       META_KEY_SIGNATURE, META_SEQUENCER_SPECIFIC})

MAX_TRACKS = 65535  # the most a header can declare; more MTrk chunks than this are ignored
_HEADER_SEARCH = 1024  # some files carry a MacBinary or other wrapper before MThd


class SmfError(Exception):
    """The bytes are not a usable MIDI file at all (no header, unusable time division)."""


@dataclass(slots=True)
class Track:
    """One MTrk chunk. Events are tuples in file order, ticks absolute:
    channel messages (tick, status_high_nibble, channel, data1, data2),
    meta events (tick, 0xFF, meta_type, data_bytes)."""

    events: list[tuple] = field(default_factory=list)
    end_tick: int = 0  # tick of the last event read, kept or not (where hanging notes close)
    problem: str | None = None  # why reading stopped early, if it did


@dataclass(slots=True)
class SmfFile:
    format: int
    ticks_per_quarter: int | None  # None for SMPTE time
    smpte_ticks_per_second: float | None  # frames/s x ticks/frame, for SMPTE time
    tracks: list[Track]
    problems: list[str]  # file-level damage that was worked around


def _unwrap_riff(data: bytes) -> bytes:
    """An RMID file is an SMF inside a RIFF 'data' chunk (little-endian lengths)."""
    if data[:4] != b"RIFF" or data[8:12] != b"RMID":
        return data
    pos = 12
    while pos + 8 <= len(data):
        size = int.from_bytes(data[pos + 4:pos + 8], "little")
        if data[pos:pos + 4] == b"data":
            return data[pos + 8:pos + 8 + size]
        pos += 8 + size + (size & 1)
    return data


def _division(raw: int) -> tuple[int | None, float | None]:
    if raw & 0x8000:  # SMPTE: negative frames per second in the high byte, ticks per frame low
        fps, per_frame = 256 - (raw >> 8), raw & 0xFF
        if fps not in (24, 25, 29, 30) or per_frame == 0:
            raise SmfError(f"its SMPTE time division ({fps} frames/s, {per_frame} ticks/frame) is not valid")
        return None, (29.97 if fps == 29 else float(fps)) * per_frame
    if raw == 0:
        raise SmfError("its header gives a time division of 0 ticks per quarter note, so no event has a time")
    return raw, None


def parse_smf(data: bytes) -> SmfFile:
    """Parse the bytes of a .mid file. Raises SmfError only when nothing can be read."""
    data = _unwrap_riff(data)
    start = data.find(b"MThd", 0, _HEADER_SEARCH)
    if start < 0:
        raise SmfError("it is not a MIDI file (no 'MThd' header)")
    header_length = int.from_bytes(data[start + 4:start + 8], "big")
    if header_length < 6 or len(data) < start + 14:
        raise SmfError("its MIDI header is cut short")
    body = data[start + 8:start + 14]
    file_format = int.from_bytes(body[0:2], "big")
    declared = int.from_bytes(body[2:4], "big")
    ticks_per_quarter, smpte = _division(int.from_bytes(body[4:6], "big"))
    problems: list[str] = []
    if file_format not in (0, 1, 2):
        problems.append(f"unknown MIDI format {file_format}, read as format 1")
        file_format = 1

    tracks: list[Track] = []
    pos = start + 8 + header_length
    if header_length != 6 and data[start + 14:start + 18] == b"MTrk":  # a lying header length
        problems.append(f"the header claims {header_length} bytes instead of 6")
        pos = start + 14
    while pos + 8 <= len(data):
        name, length = data[pos:pos + 4], int.from_bytes(data[pos + 4:pos + 8], "big")
        if name != b"MTrk":
            if name.isalnum():  # an unknown chunk type: the standard says skip it
                pos += 8 + length
                continue
            resync = data.find(b"MTrk", pos)  # garbage where a chunk should start
            problems.append(f"unreadable bytes at offset {pos} skipped")
            if resync < 0:
                break
            pos = resync
            continue
        if len(tracks) == MAX_TRACKS:
            problems.append(f"more than {MAX_TRACKS} tracks; the rest were ignored")
            break
        chunk = data[pos + 8:pos + 8 + length]  # slicing clamps: a huge claimed length costs nothing
        track, used = _parse_track(chunk)
        if length > len(chunk) and used >= len(chunk):
            track.problem = f"it claims {length} bytes but the file ends after {len(chunk)}"
        tracks.append(track)
        pos += 8 + length
        if used < len(chunk) and chunk[used:used + 4] == b"MTrk":
            pos = pos - length + used  # the declared length swallowed the next track: resume there
            problems.append(f"track {len(tracks)} declares a length longer than its data")
    if len(tracks) < declared:
        problems.append(f"the header promises {declared} tracks but the file holds {len(tracks)}")
    if not tracks:
        raise SmfError("it holds no tracks (cut short after the header?)")
    return SmfFile(file_format, ticks_per_quarter, smpte, tracks, problems)


def _parse_track(chunk: bytes) -> tuple[Track, int]:
    """Events of one track chunk, and how many bytes were consumed (less than the chunk when an
    end-of-track event comes early). Damage ends the track with a problem, keeping what came
    before it."""
    track = Track()
    events = track.events
    n = len(chunk)
    i = tick = running = skipped = 0
    first_skipped: str | None = None
    while i < n:
        delta = 0
        for _ in range(4):  # variable-length quantity: at most four bytes
            if i >= n:
                track.problem = "it ends in the middle of an event"
                return track, i
            byte = chunk[i]
            i += 1
            delta = (delta << 7) | (byte & 0x7F)
            if byte < 0x80:
                break
        else:
            track.problem = f"a delta time at byte {i} is longer than four bytes"
            return track, i
        tick += delta
        if i >= n:
            track.problem = "it ends in the middle of an event"
            return track, i
        status = chunk[i]
        if status >= 0x80:
            i += 1
            if status < 0xF0:
                running = status  # meta and sysex leave running status alone, as most readers do
        elif running:
            status = running
        else:
            track.problem = f"a data byte at byte {i} has no status byte before it"
            return track, i
        track.end_tick = tick

        if status < 0xF0:
            high = status & 0xF0
            width = 1 if high in (0xC0, 0xD0) else 2
            if i + width > n:
                track.problem = "it ends in the middle of an event"
                return track, i
            first = chunk[i]
            second = chunk[i + 1] if width == 2 else 0
            if first > 0x7F or second > 0x7F:  # clip stray high bits, as mido's clip=True does
                first, second = min(first, 0x7F), min(second, 0x7F)
            i += width
            if high in (NOTE_ON, NOTE_OFF, PROGRAM_CHANGE, PITCH_BEND) or (high == CONTROL_CHANGE
                                                                           and first in KEPT_CONTROLLERS):
                events.append((tick, high, status & 0x0F, first, second))
            continue

        if status == META:
            if i >= n:
                track.problem = "it ends in the middle of an event"
                return track, i
            meta_type = chunk[i]
            i += 1
        elif status not in (0xF0, 0xF7):
            # A system common/real-time byte has no place in a file: it loses only itself, and
            # reading goes on at the next delta time (resynchronise), as sequencers do.
            skipped += 1
            if first_skipped is None:
                first_skipped = f"0x{status:02X} at byte {i - 1}"
            track.problem = (f"{skipped} undefined status byte{'s' if skipped > 1 else ''} skipped "
                             f"(the first {first_skipped})")
            continue
        length = 0
        for _ in range(4):
            if i >= n:
                track.problem = "it ends in the middle of an event"
                return track, i
            byte = chunk[i]
            i += 1
            length = (length << 7) | (byte & 0x7F)
            if byte < 0x80:
                break
        if i + length > n:
            track.problem = "it ends in the middle of an event"
            return track, i
        if status == META:
            if meta_type == META_END_OF_TRACK:
                return track, i + length
            if meta_type in KEPT_META:
                events.append((tick, META, meta_type, chunk[i:i + length]))
        i += length  # sysex: skipped whole
    return track, i
