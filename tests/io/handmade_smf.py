"""Standard MIDI File bytes built by hand, for the cases a well-behaved writer never produces
(running status across tracks, zero-length notes, lying chunk lengths, SMPTE time)."""

from __future__ import annotations

import struct


def vlq(value: int) -> bytes:
    """A MIDI variable-length quantity."""
    out = [value & 0x7F]
    value >>= 7
    while value:
        out.append(0x80 | (value & 0x7F))
        value >>= 7
    return bytes(reversed(out))


def event(delta: int, *data: int) -> bytes:
    return vlq(delta) + bytes(data)


def meta(delta: int, kind: int, payload: bytes) -> bytes:
    return vlq(delta) + bytes([0xFF, kind]) + vlq(len(payload)) + payload


def tempo(delta: int, bpm: float) -> bytes:
    return meta(delta, 0x51, round(60_000_000 / bpm).to_bytes(3, "big"))


def name(text: str, delta: int = 0) -> bytes:
    return meta(delta, 0x03, text.encode("latin-1"))


END = meta(0, 0x2F, b"")


def track(*events: bytes, end: bool = True, claimed: int | None = None) -> bytes:
    body = b"".join(events) + (END if end else b"")
    return b"MTrk" + struct.pack(">L", len(body) if claimed is None else claimed) + body


def smf(*tracks: bytes, fmt: int = 1, division: int = 480, declared: int | None = None) -> bytes:
    count = len(tracks) if declared is None else declared
    return b"MThd" + struct.pack(">LHHH", 6, fmt, count, division) + b"".join(tracks)


def note(delta: int, pitch: int, length: int, velocity: int = 80, channel: int = 0) -> bytes:
    """A note-on then, `length` ticks later, a note-off (as note-on velocity 0)."""
    return event(delta, 0x90 | channel, pitch, velocity) + event(length, 0x90 | channel, pitch, 0)
