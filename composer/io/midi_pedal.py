"""The sustain pedal applied to note lengths, and pitch bends counted, for the MIDI reader.

A .mid file played by a synthesiser or a DAW sounds a note released under the sustain (damper)
pedal until the pedal comes up; Composer's notes have one length each, so the pedal is written
into that length as the file sounds. Pitch bend cannot be written into a Note (it has one fixed
pitch), so it is only counted, for the reader to say what it left out.

Source: MIDI 1.0 Detailed Specification (MMA), control change 64 "Damper Pedal (sustain)":
values 0-63 are off, 64-127 on; pitch bend (0xEn) is a 14-bit value, 8192 the centre (no bend).
pretty_midi and mido read CC64 as raw control changes and leave the pedal to the caller.
"""

from __future__ import annotations

from bisect import bisect_right

PEDAL_DOWN = 64  # CC64 values 64-127 are "on" (MIDI 1.0)
BEND_CENTRE = 8192  # a 14-bit pitch bend value that bends nothing
DRUM_CHANNEL = 9  # channel 10: drum hits are one-shots, the pedal does not lengthen them

__all__ = ["PEDAL_DOWN", "bend_gestures", "pedal_spans", "sustained"]


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


def sustained(notes: list[tuple], pedals: dict[int, list[tuple[int, int]]], end_tick: int
              ) -> tuple[list[tuple], dict[tuple[int, int], int]]:
    """Notes with the pedal applied, and how many were lengthened per (track, channel).

    notes: raw notes (track, channel, pitch, on, off, ...) in file ticks; pedals: channel ->
    [(tick, CC64 value)] sorted by tick. A note whose note-off comes while its channel's pedal is
    down (pedal events from any track: channel state is global in MIDI) sounds until the pedal
    comes up or the same pitch is struck again on that channel, whichever is first, as a
    synthesiser plays it. A note-off at the very tick the pedal lifts is not held. Channel 10
    (drums) is left alone. The pedal events themselves are not kept: the lengths say it.
    """
    spans = {channel: pedal_spans(events, end_tick) for channel, events in pedals.items()
             if channel != DRUM_CHANNEL}
    spans = {channel: found for channel, found in spans.items() if found}
    if not spans:
        return notes, {}
    downs = {channel: [down for down, _ in found] for channel, found in spans.items()}
    # Onsets per (channel, pitch) over all tracks, for "struck again on that channel".
    onsets: dict[tuple[int, int], list[int]] = {}
    for note in notes:
        if note[1] in spans:
            onsets.setdefault((note[1], note[2]), []).append(note[3])
    for found in onsets.values():
        found.sort()
    held: dict[tuple[int, int], int] = {}
    out = []
    for note in notes:
        channel, pitch, on, off = note[1], note[2], note[3], note[4]
        if channel in spans:
            at = bisect_right(downs[channel], off) - 1
            if at >= 0 and off < spans[channel][at][1]:
                until = spans[channel][at][1]
                same = onsets[(channel, pitch)]
                following = bisect_right(same, on)
                if following < len(same):
                    until = min(until, same[following])
                if until > off:
                    note = (*note[:4], until, *note[5:])
                    held[(note[0], channel)] = held.get((note[0], channel), 0) + 1
        out.append(note)
    return out, held


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
