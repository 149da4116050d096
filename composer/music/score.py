"""The plain domain types every other part of Composer speaks: Note, Voice, Score.

Time is counted in integer ticks at TICKS_PER_QUARTER per quarter note, a fixed resolution fine
enough to keep the timing of a live performance (about 1 ms at 120 bpm). Tempo is metadata: it
maps ticks to seconds only for playback and file export.
"""

from __future__ import annotations

from dataclasses import InitVar, dataclass, field, replace
from typing import Iterable

from composer.music.meter import TICKS_PER_QUARTER, MeterChange, MeterMap, normalised, pickup_meter
DEFAULT_BPM = 120.0
DEFAULT_VELOCITY = 80


@dataclass(frozen=True, slots=True)
class Note:
    """One sounding note. `voice` indexes Score.voices; `generated` marks model output."""

    pitch: int
    onset: int
    duration: int
    velocity: int = DEFAULT_VELOCITY
    voice: int = 0
    generated: bool = False

    def __post_init__(self) -> None:
        if not 0 <= self.pitch <= 127:
            raise ValueError(f"pitch {self.pitch} is outside MIDI range 0-127")
        if self.onset < 0:
            raise ValueError(f"onset {self.onset} is negative")
        if self.duration < 1:
            raise ValueError(f"duration {self.duration} must be at least one tick")
        if not 1 <= self.velocity <= 127:
            raise ValueError(f"velocity {self.velocity} is outside 1-127")
        if self.voice < 0:
            raise ValueError(f"voice {self.voice} is negative")

    @property
    def end(self) -> int:
        return self.onset + self.duration

    def with_(self, **changes) -> "Note":
        return replace(self, **changes)


@dataclass(slots=True)
class Voice:
    """A part of the score and how it sounds: its General MIDI program and mixer settings."""

    name: str = "Voice"
    program: int = 0
    is_drum: bool = False
    volume: int = 100  # MIDI CC7, 0-127
    pan: int = 64  # MIDI CC10, 0 = left, 64 = centre, 127 = right
    mute: bool = False
    solo: bool = False
    # What the voice does in the texture: one of composer.music.region.ROLES ("melody", "bass",
    # "harmony", "drums"), or None to infer it (composer.music.roles.infer_roles).
    role: str | None = None


@dataclass(frozen=True, slots=True)
class TempoChange:
    tick: int
    bpm: float


@dataclass(frozen=True, slots=True)
class Pedal:
    """The sustain (damper) pedal held down on one voice from `onset` to `end` (ticks, end > onset).

    A performance controller kept beside the notes, as a MIDI file keeps CC64 (MIDI 1.0: values
    64-127 down, 0-63 up): playback and MIDI export send it on the voice's channel, and a note
    released under it rings on in the synth, but the notes keep their played lengths (the piano
    roll and the co-writer see what the fingers held). Raises ValueError for an empty span."""

    voice: int
    onset: int
    end: int

    def __post_init__(self) -> None:
        if self.voice < 0:
            raise ValueError(f"pedal voice {self.voice} is negative")
        if self.onset < 0:
            raise ValueError(f"pedal onset {self.onset} is negative")
        if self.end <= self.onset:
            raise ValueError(f"pedal from {self.onset} to {self.end} must end after it starts")


def united_pedals(pedals: Iterable[Pedal]) -> list[Pedal]:
    """Pedal spans sorted by (voice, onset), the overlapping spans of one voice made one (a voice
    has one pedal); spans that only touch stay apart, as a lift and a press at one tick."""
    out: list[Pedal] = []
    for pedal in sorted(pedals, key=lambda p: (p.voice, p.onset, p.end)):
        last = out[-1] if out else None
        if last is not None and last.voice == pedal.voice and pedal.onset < last.end:
            if pedal.end > last.end:
                out[-1] = Pedal(last.voice, last.onset, pedal.end)
        else:
            out.append(pedal)
    return out


@dataclass(frozen=True, slots=True)
class TimeSignature:
    numerator: int = 4
    denominator: int = 4

    @property
    def bar_ticks(self) -> int:
        return self.numerator * TICKS_PER_QUARTER * 4 // self.denominator

    @property
    def beat_ticks(self) -> int:
        return TICKS_PER_QUARTER * 4 // self.denominator


@dataclass(frozen=True, slots=True)
class KeyChange:
    """The key (composer.music.scales.Key) in force from `tick` on."""

    tick: int
    key: "Key"  # noqa: F821 - composer.music.scales.Key


@dataclass(slots=True)
class Score:
    """Notes plus the metadata needed to play, show and save them.

    meters is the meter map (composer.music.meter: bar lines, pickups) and keys the key map, as
    tempos is the tempo map. `time_signature` and `key` read and set the first entry of each
    (and may be given to the constructor instead of meters/keys, for a piece with one of each).
    """

    notes: list[Note] = field(default_factory=list)
    voices: list[Voice] = field(default_factory=lambda: [Voice()])
    tempos: list[TempoChange] = field(default_factory=lambda: [TempoChange(0, DEFAULT_BPM)])
    time_signature: InitVar[TimeSignature | None] = None
    key: InitVar["Key | None"] = None  # noqa: F821 - composer.music.scales.Key
    title: str = ""
    style: str | None = None
    meters: list[MeterChange] = field(default_factory=list)
    keys: list[KeyChange] = field(default_factory=list)
    # How the file was read, not music: what a reader interpreted ("pickup", "repeats",
    # "carried accidentals", "transposed parts", "dynamics", ...; counted by `composer data info`)
    # and what it could not read faithfully (shown to the person who opened the file).
    features: frozenset[str] = frozenset()
    problems: tuple[str, ...] = ()
    chords: list["ChordSymbol"] = field(default_factory=list)  # noqa: F821 - composer.music.chords, by onset
    # What an interpretation changed from the file as stored, said to the person on opening
    # (window status, command-line notice) but not listed as damage by `composer data build`:
    # "sustain pedal kept for playback: ...", "repeats written out as played ...".
    notices: tuple[str, ...] = ()
    # The sustain pedal (Pedal spans, by voice then onset): a controller playback and MIDI export
    # send, never written into the notes' lengths.
    pedals: list[Pedal] = field(default_factory=list)

    def __post_init__(self, time_signature: TimeSignature | None, key) -> None:
        if not self.voices:
            self.voices = [Voice()]
        if not self.tempos:
            self.tempos = [TempoChange(0, DEFAULT_BPM)]
        if not self.meters and time_signature is not None:
            self.meters = [MeterChange(0, time_signature.numerator, time_signature.denominator)]
        self.meters = normalised(self.meters)
        if not self.keys and key is not None:
            self.keys = [KeyChange(0, key)]
        by_tick = {change.tick: change for change in self.keys}  # the last of one tick holds
        keys: list[KeyChange] = []
        for tick in sorted(by_tick):
            if not keys or keys[-1].key != by_tick[tick].key:  # the same key again is no change
                keys.append(by_tick[tick])
        self.keys = keys
        self.pedals = united_pedals(self.pedals)

    def meter_map(self) -> MeterMap:
        return MeterMap(self.meters)

    def _get_time_signature(self) -> TimeSignature:
        first = self.meters[0]
        return TimeSignature(first.numerator, first.denominator)

    def _set_time_signature(self, value: TimeSignature) -> None:
        """Change the first meter, keeping the pickup's length."""
        pickup = MeterMap(self.meters).pickup_ticks
        first = pickup_meter(value.numerator, value.denominator, pickup)
        self.meters = normalised([first, *(m for m in self.meters[1:] if m.tick > first.tick)])

    def _get_key(self):
        return self.keys[0].key if self.keys else None

    def _set_key(self, value) -> None:
        rest = self.keys[1:]
        self.keys = ([KeyChange(self.keys[0].tick if self.keys else 0, value)] if value is not None else []) + rest

    @property
    def bpm(self) -> float:
        """The initial tempo."""
        return self.tempos[0].bpm

    @property
    def end(self) -> int:
        return max((n.end for n in self.notes), default=0)

    def sorted_notes(self) -> list[Note]:
        return sorted(self.notes, key=lambda n: (n.onset, n.pitch, n.voice))

    def copy(self, notes: Iterable[Note] | None = None) -> "Score":
        """A new Score with the same metadata (voices copied) and the given or same notes."""
        return Score(
            notes=list(self.notes if notes is None else notes),
            voices=[replace(v) for v in self.voices],
            tempos=list(self.tempos),
            title=self.title,
            style=self.style,
            meters=list(self.meters),
            keys=list(self.keys),
            chords=list(self.chords),
            pedals=list(self.pedals),
        )

    def seconds_at(self, tick: int) -> float:
        """Wall-clock seconds at a tick, following the tempo map."""
        seconds, last_tick, bpm = 0.0, 0, self.tempos[0].bpm
        for change in self.tempos[1:]:
            if change.tick >= tick:
                break
            seconds += (change.tick - last_tick) * 60.0 / (bpm * TICKS_PER_QUARTER)
            last_tick, bpm = change.tick, change.bpm
        return seconds + (tick - last_tick) * 60.0 / (bpm * TICKS_PER_QUARTER)

    def tick_at(self, seconds: float) -> int:
        """Inverse of seconds_at (rounded to the nearest tick)."""
        elapsed, last_tick, bpm = 0.0, 0, self.tempos[0].bpm
        for change in self.tempos[1:]:
            span = (change.tick - last_tick) * 60.0 / (bpm * TICKS_PER_QUARTER)
            if elapsed + span > seconds:
                break
            elapsed += span
            last_tick, bpm = change.tick, change.bpm
        return last_tick + round((seconds - elapsed) * bpm * TICKS_PER_QUARTER / 60.0)


# time_signature and key are constructor arguments (InitVar) and properties over the maps.
Score.time_signature = property(Score._get_time_signature, Score._set_time_signature,
                                doc="The first meter of the meter map (TimeSignature).")
Score.key = property(Score._get_key, Score._set_key, doc="The first key of the key map, or None.")
