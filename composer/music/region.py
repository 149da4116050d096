"""What the co-writer is asked to write: a region (a time span x a set of voices) of a score,
given everything else in it, and the controls that shape the notes.

Continue, fill a gap, regenerate bars and add a part are all regions (the framing of MMM,
Ens et al. 2020, and of the Anticipatory Music Transformer, Thickstun et al. 2023):
- continue: ``Region(start=<end of the music>, end=None, voices=<voices sounding at the end>)``;
- fill / regenerate: ``Region(start, end, voices)`` with music on both sides;
- add a part: a new voice (already appended to ``Score.voices`` with its role) over a span.
Ticks are score ticks (480 per quarter).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from composer.music.meter import TICKS_PER_QUARTER
from composer.music.score import Note
from composer.music.strum import STRUM_SPAN, chord_onsets

ROLES = ("melody", "bass", "harmony", "drums")  # "harmony" = inner voices / chords
GRIDS = ("straight", "triplet", "swing")
# A note (or chord) starting less than this before a region's start or end was played early, and
# belongs to the beat after: a 64th (30 ticks), so no written note is moved (a pianist's chord 21-27
# ticks early, about 25 ms at 120 bpm, had been kept with 20, and a new chord struck over it; QA
# qa23). So do grace notes leading into it, each less than EARLY before the next, within STRUM_SPAN
# of the line (a drum's drag had lost its last grace note to the bar after, its first two kept).
EARLY = TICKS_PER_QUARTER // 16


@dataclass(frozen=True)
class Region:
    """start: first tick that may hold a new note; end: the tick new notes must end by (None =
    open-ended: a continuation, bounded by the request's length or bars); voices: indices into
    Score.voices that receive the new notes."""

    start: int
    end: int | None
    voices: tuple[int, ...]

    def __post_init__(self) -> None:
        if self.start < 0:
            raise ValueError(f"region start {self.start} is negative")
        if self.end is not None and self.end <= self.start:
            raise ValueError(f"region end {self.end} is not after its start {self.start}")
        if not self.voices:
            raise ValueError("a region needs at least one voice to write")

    def contains(self, onset: int, voice: int) -> bool:
        return voice in self.voices and onset >= self.start and (self.end is None or onset < self.end)

    def members(self, notes: Sequence[Note]) -> list[bool]:
        """Per note of a score (in order), whether the region rewrites it: a note of a region voice
        whose chord (composer.music.strum.chord_onsets: a strum or roll at its median onset) starts
        inside a bounded span, where a chord starting less than EARLY ticks before the start or the
        end, or grace notes leading into one (each less than EARLY before the next), count from
        that bar line; of an open-ended span, every note from its start on. Played music is not on
        the grid: a chord rolled from 2 ticks before a fill's last bar line lost its bass note to
        the fill and kept its other four (QA qa21 MED-1)."""
        inside = [self.contains(n.onset, n.voice) for n in notes]
        if self.end is None:  # a continuation: what was played before it stays, however close
            return inside
        # (only notes near an edge can be placed across it: a chord spans STRUM_SPAN at most, so
        # those within three of it are read as chords alike; a piece of 100,000 notes read whole
        # took 0.4 s, the window's too)
        edge = 3 * STRUM_SPAN
        near = [i for i, n in enumerate(notes)
                if (abs(n.onset - self.start) < edge or abs(n.onset - self.end) < edge) and n.voice in self.voices]
        placed = dict(zip(near, chord_onsets([notes[i] for i in near])))
        by_voice: dict[int, list[int]] = {}
        for i in near:
            by_voice.setdefault(notes[i].voice, []).append(i)
        for items in by_voice.values():
            for line in (self.start, self.end):
                reach = line
                for i in sorted((i for i in items if line - STRUM_SPAN < placed[i] < line), key=lambda i: -placed[i]):
                    if placed[i] <= reach - EARLY:
                        break
                    reach, placed[i] = placed[i], line
        for i, onset in placed.items():
            inside[i] = self.contains(onset, notes[i].voice)  # type: ignore[arg-type]
        return inside


@dataclass(frozen=True)
class Controls:
    """Musical controls, each optional (None = the model decides).

    density: new notes per bar per voice (a conditioning input plus a sampling bias);
    lowest / highest: MIDI pitch range of new pitched notes (hard constraint);
    max_polyphony: most simultaneous new notes in one voice (hard; 1 = monophonic);
    grid: "straight" (16ths), "triplet" (8th/16th triplets) or "swing" (swung 8ths) onsets (hard;
    None: drum voices keep the grid their context was played on, other voices are free);
    chord_strength: how firmly new melody notes follow the given chords, in nats added to a chord
    tone's log-probability on a strong beat (less on weaker beats); None = the style's default
    (composer.model.priors.style_chord_strength: as closely as people of that style follow
    chords), 0 = only the model's own following. No effect
    without chords; a key lock still wins (a chord tone outside the locked key stays out)."""

    density: float | None = None
    lowest: int | None = None
    highest: int | None = None
    max_polyphony: int | None = None
    grid: str | None = None
    chord_strength: float | None = None

    def __post_init__(self) -> None:
        if self.density is not None and not 0 < self.density <= 64:
            raise ValueError(f"density must be more than 0 and at most 64 notes per bar (not {self.density:g})")
        for name in ("lowest", "highest"):
            value = getattr(self, name)
            if value is not None and not 0 <= value <= 127:
                raise ValueError(f"{name} pitch {value} is outside MIDI range 0-127")
        if self.lowest is not None and self.highest is not None and self.lowest > self.highest:
            raise ValueError(f"lowest pitch {self.lowest} is above highest {self.highest}")
        if self.max_polyphony is not None and self.max_polyphony < 1:
            raise ValueError("max polyphony must be at least 1")
        if self.grid is not None and self.grid not in GRIDS:
            raise ValueError(f"unknown grid {self.grid!r}; choose one of {', '.join(GRIDS)}")
        if self.chord_strength is not None and not 0 <= self.chord_strength <= 10:
            raise ValueError(f"chord strength {self.chord_strength} is outside 0-10 (nats on a strong beat)")
