"""A MIDI channel's controllers read for the MIDI reader: the sustain pedal as down-up spans,
pitch bends counted.

The pedal is kept as a controller beside the notes (composer.music.score.Pedal), as DAWs and
notation programs keep it: the notes keep their played lengths and playback sends CC64 again.
Pitch bend cannot be kept in a Note (it has one fixed pitch), so it is only counted, for the
reader to say what it left out.

Source: MIDI 1.0 Detailed Specification (MMA), control change 64 "Damper Pedal (sustain)":
values 0-63 are off, 64-127 on; pitch bend (0xEn) is a 14-bit value, 8192 the centre (no bend).
pretty_midi and mido read CC64 as raw control changes and leave the pedal to the caller.
"""

from __future__ import annotations

PEDAL_DOWN = 64  # CC64 values 64-127 are "on" (MIDI 1.0)
BEND_CENTRE = 8192  # a 14-bit pitch bend value that bends nothing

__all__ = ["PEDAL_DOWN", "bend_gestures", "pedal_spans"]


def pedal_spans(events: list[tuple[int, int]], end_tick: int) -> list[tuple[int, int]]:
    """(down, up) tick spans where the pedal is down, from one channel's CC64 events (tick, value)
    sorted by tick (the last of simultaneous events holds). A pedal still down at the end of the
    file is lifted at end_tick."""
    spans: list[tuple[int, int]] = []
    down_at: int | None = None
    for tick, value in events:
        if value >= PEDAL_DOWN and down_at is None:
            down_at = tick
        elif value < PEDAL_DOWN and down_at is not None:
            if tick > down_at:
                spans.append((down_at, tick))
            down_at = None
    if down_at is not None and end_tick > down_at:
        spans.append((down_at, end_tick))
    return spans


def bend_gestures(events: list[tuple[int, int]]) -> int:
    """How many bends one channel's pitch-bend events (tick, 14-bit value) make, sorted by tick:
    a bend starts when the wheel leaves the centre and ends when it returns there, so a stream
    of 40 messages for one scoop is one bend."""
    count, bent = 0, False
    for _tick, value in events:
        if value != BEND_CENTRE and not bent:
            count += 1
        bent = value != BEND_CENTRE
    return count
