"""Chord symbols: the chord track of a Score and its small quality vocabulary.

A chord symbol is a figure as lead sheets write it ("Am7", "F/A", "G7sus4", "Bbmaj7") with an
onset and a duration in ticks (TICKS_PER_QUARTER per quarter). For the model a figure reduces to
(root pitch class 0-11, index into QUALITIES) by root_and_quality.

Parsing is music21's (music21.harmony.ChordSymbol, the MusicXML/lead-sheet chord grammar); this
module only adapts the spelling lead sheets use and music21 does not: flats written "b" (music21
writes "-"), "-" after the root for minor (jazz and WJazzD usage), "j7"/"maj9", "m7b5" and "6/9".
The quality is then read from the pitch classes music21 builds (intervals above the root), so
tensions and alterations ("C7b9", "Ebmaj7#11") fall to their seventh-chord family.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

# Order is part of the model's input encoding: append, never reorder.
QUALITIES: tuple[str, ...] = (
    "maj", "min", "dim", "aug", "sus2", "sus4", "6", "min6",
    "dom7", "maj7", "min7", "minmaj7", "dim7", "hdim7", "aug7", "7sus4",
)
QUALITY_INDEX = {name: i for i, name in enumerate(QUALITIES)}
# The figure suffix that names each quality (for figures built from a (root, quality) pair).
QUALITY_SUFFIX = {"maj": "", "min": "m", "dim": "dim", "aug": "aug", "sus2": "sus2", "sus4": "sus4", "6": "6",
                  "min6": "m6", "dom7": "7", "maj7": "maj7", "min7": "m7", "minmaj7": "mM7", "dim7": "dim7",
                  "hdim7": "m7b5", "aug7": "aug7", "7sus4": "7sus4"}
NOTE_NAMES = ("C", "Db", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")
# Chord tones per quality (semitones above the root), for every quality in QUALITIES.
CHORD_INTERVALS: dict[str, tuple[int, ...]] = {
    "maj": (0, 4, 7), "min": (0, 3, 7), "dim": (0, 3, 6), "aug": (0, 4, 8), "sus2": (0, 2, 7),
    "sus4": (0, 5, 7), "6": (0, 4, 7, 9), "min6": (0, 3, 7, 9), "dom7": (0, 4, 7, 10), "maj7": (0, 4, 7, 11),
    "min7": (0, 3, 7, 10), "minmaj7": (0, 3, 7, 11), "dim7": (0, 3, 6, 9), "hdim7": (0, 3, 6, 10),
    "aug7": (0, 4, 8, 10), "7sus4": (0, 5, 7, 10)}

_FIGURE = re.compile(r"^\s*([A-Ga-g])([#b]{0,2})([^/]*?)(?:/([A-Ga-g])([#b]{0,2}))?\s*$")
# Lead-sheet spellings music21's chord grammar lacks -> ones it has (applied to the kind, in order).
_KIND_ALIASES = (
    (re.compile(r"^-"), "m"),  # "-7" = "m7"
    (re.compile(r"^(m|min)7?b5$|^-7b5$"), "ø7"),
    (re.compile(r"^(m|min)(maj|Maj|ma|j|M|Δ)7$"), "mM7"),
    (re.compile(r"^(maj|ma|j|M|Δ)(9|11|13)$"), "maj7"),
    (re.compile(r"^(j|Δ|ma)7"), "maj7"),
    (re.compile(r"^(m?)6/?9$"), r"\g<1>6"),
    (re.compile(r"^(9|11|13)sus4?$"), "7sus4"),
    (re.compile(r"^7?sus$"), lambda m: "sus4" if m.group(0) == "sus" else "7sus4"),
    (re.compile(r"alt$"), ""),
    (re.compile(r"^o7$"), "dim7"),
    (re.compile(r"^o$"), "dim"),
)


@dataclass(frozen=True, slots=True)
class ChordSymbol:
    """A chord figure sounding from onset for duration ticks (TICKS_PER_QUARTER per quarter)."""

    onset: int
    duration: int
    figure: str

    @property
    def end(self) -> int:
        return self.onset + self.duration


def _music21_figure(figure: str) -> tuple[str, str | None]:
    """(figure without bass in music21's spelling, bass note in music21's spelling or None)."""
    match = _FIGURE.match(figure)
    if not match:
        raise ValueError(f"{figure!r} is not a chord symbol (write a root A-G, then the kind: 'Am7', 'F/A', 'G7sus4')")
    letter, accidentals, kind, bass_letter, bass_accidentals = match.groups()
    root = letter.upper() + accidentals.replace("b", "-")
    kind = kind.strip().strip("()")
    for pattern, replacement in _KIND_ALIASES:
        kind = pattern.sub(replacement, kind)
    bass = bass_letter.upper() + bass_accidentals.replace("b", "-") if bass_letter else None
    return root + kind, bass


def _quality_from_intervals(intervals: set[int]) -> str:
    """The QUALITIES name of a chord from its intervals above the root (semitones mod 12)."""
    seventh = 10 in intervals
    major_seventh = 11 in intervals
    if 4 in intervals:
        if 8 in intervals and 7 not in intervals:
            return "aug7" if seventh else ("maj7" if major_seventh else "aug")
        return "dom7" if seventh else "maj7" if major_seventh else "6" if 9 in intervals else "maj"
    if 3 in intervals:
        if 6 in intervals and 7 not in intervals:
            return "hdim7" if seventh else "dim7" if 9 in intervals else "dim"
        return "min7" if seventh else "minmaj7" if major_seventh else "min6" if 9 in intervals else "min"
    if 5 in intervals:
        return "7sus4" if seventh else "sus4"
    if 2 in intervals:
        return "sus2"
    return "maj"  # a power chord or pedal: root and fifth


@lru_cache(maxsize=4096)
def root_and_quality(figure: str) -> tuple[int, int]:
    """(root pitch class 0-11, index into QUALITIES) of a chord figure.

    Raises ValueError naming the figure when music21 cannot read it (or it is "N.C.").
    """
    from music21 import harmony, pitch

    head, bass = _music21_figure(figure)
    try:
        symbol = harmony.ChordSymbol(head)
        if bass is not None:
            pitch.Pitch(bass)
        root = symbol.root()
        if root is None or not symbol.pitches:
            raise ValueError("no root")
    except Exception as error:  # music21 raises ValueError and its own exception types
        raise ValueError(f"{figure!r}: not a chord symbol music21 reads ({error})") from None
    intervals = {(p.pitchClass - root.pitchClass) % 12 for p in symbol.pitches}
    return root.pitchClass, QUALITY_INDEX[_quality_from_intervals(intervals)]


@lru_cache(maxsize=4096)
def tone_names(figure: str) -> dict[int, str]:
    """Pitch class -> name of each tone of the chord as its figure spells it (music21's spelling,
    flats as "b": E7's third is G#, Bb7's seventh Ab); tones music21 does not spell (the quality's
    own, root_and_quality) take NOTE_NAMES. Raises ValueError as root_and_quality does."""
    from music21 import harmony

    root, quality = root_and_quality(figure)
    spelled = {p.pitchClass: p.name.replace("-", "b") for p in harmony.ChordSymbol(_music21_figure(figure)[0]).pitches}
    return {(root + i) % 12: spelled.get((root + i) % 12, NOTE_NAMES[(root + i) % 12])
            for i in CHORD_INTERVALS[QUALITIES[quality]]}


@lru_cache(maxsize=4096)
def slash_bass(figure: str) -> int | None:
    """The bass pitch class a slash chord names ("Eb/G" -> 7), or None: no slash, the bass is the
    root ("C/C"), or the figure is not one root_and_quality reads."""
    from music21 import pitch

    try:
        root, _ = root_and_quality(figure)
        _, bass = _music21_figure(figure)
    except ValueError:
        return None
    if bass is None:
        return None
    pc = pitch.Pitch(bass).pitchClass
    return None if pc == root else pc


def is_chord_figure(figure: str) -> bool:
    try:
        root_and_quality(figure)
    except ValueError:
        return False
    return True


@lru_cache(maxsize=1024)
def chord_tone_names(figure: str) -> dict[int, str]:
    """Pitch class -> name of each tone of a chord figure as music21 spells the chord
    (music21.harmony.ChordSymbol): 'E7' -> {4: 'E', 8: 'G#', 11: 'B', 2: 'D'}, 'Bb7' has 'Ab'
    (flats written 'b'), a slash chord's bass too ('A/C#': 'C#'). {} for a figure music21 does
    not read. Cached: treat the dict as read-only."""
    from music21 import harmony, pitch

    try:
        head, bass = _music21_figure(figure)
        pitches = list(harmony.ChordSymbol(head).pitches) + ([pitch.Pitch(bass)] if bass else [])
    except Exception:  # music21 raises ValueError and its own exception types
        return {}
    names: dict[int, str] = {}
    for p in pitches:
        names.setdefault(p.pitchClass, p.name.replace("-", "b"))
    return names


def chord_at(chords, tick: int) -> "ChordSymbol | None":
    """The chord symbol sounding at `tick` in a chord track sorted by onset (Score.chords), None
    between chords and where none is written."""
    import bisect

    index = bisect.bisect_right(chords, tick, key=lambda c: c.onset) - 1
    return chords[index] if index >= 0 and tick < chords[index].end else None


def spelled_in_chord(pitch: int, key, chord: "ChordSymbol | None") -> str:
    """MIDI pitch -> scientific name: a black key that is a tone of the written chord in force is
    named as the chord spells it (the G# of an E7 in F major: 'G#4', where the key alone says
    'Ab4'; the Ab of a Bb7 in D major: 'Ab4'), anything else as scales.spelled_name in `key`.
    A lead sheet's chromatic notes are mostly tones of its secondary dominants, and composer's
    notes keep no written spelling, so the chord is the best witness of it. White keys keep
    their letter (the chord's E# is F), as spelled_name has them."""
    from composer.music.scales import spelled_name

    if chord is not None and pitch % 12 in (1, 3, 6, 8, 10):
        name = chord_tone_names(chord.figure).get(pitch % 12)
        if name is not None and len(name) == 2:  # one sharp or flat: a black key's octave is its letter's
            return f"{name}{pitch // 12 - 1}"
    return spelled_name(pitch, key)


def figure_of(root: int, quality: int, bass: int | None = None) -> str:
    """A plain figure for a (root pitch class, quality index) pair: (9, QUALITY_INDEX['min7']) -> 'Am7'."""
    text = NOTE_NAMES[root % 12] + QUALITY_SUFFIX[QUALITIES[quality]]
    return text if bass is None or bass % 12 == root % 12 else f"{text}/{NOTE_NAMES[bass % 12]}"


def plain_figure(music21_figure: str) -> str:
    """music21's figure spelling ("B-m7/A-") in lead-sheet spelling ("Bbm7/Ab")."""
    return re.sub(r"(^|/)([A-G])(-+)", lambda m: m.group(1) + m.group(2) + "b" * len(m.group(3)), music21_figure)


def chord_rows(chords) -> "np.ndarray":  # noqa: F821
    """ChordSymbols -> (K, 4) int32 rows (onset, duration, root pitch class, quality index),
    the corpus form. Figures root_and_quality cannot read are left out (as no chord)."""
    import numpy as np

    rows = []
    for chord in chords:
        try:
            root, quality = root_and_quality(chord.figure)
        except ValueError:
            continue
        rows.append((chord.onset, chord.duration, root, quality))
    return np.array(rows, dtype=np.int32).reshape(-1, 4)


_NO_CHORD = {"N.C.", "NC", "N.C", "-"}


HOLD = "/"  # in a bar of --chords: the chord before it holds this share of the bar


def bar_shares(meter, length: int, count: int) -> list[int]:
    """Where `count` chords written in one bar of `length` ticks (in `meter`, a MeterChange) end,
    as ticks from its bar line (the last is `length`): they share its beats (a compound meter's
    dotted beats), the first ones holding the beats left over (4/4: "C F G" is 2 + 1 + 1 beats;
    3/4: "C G" is 2 + 1), in halves of them where there are more chords than beats (and so on).
    A lead sheet's chords change on the beat: shared evenly, three chords a 4/4 bar fell on
    1, 2 1/3 and 3 2/3, where no part plays (QA qa31)."""
    unit = meter.beat_ticks * (3 if meter.compound else 1)
    while length // unit < count and unit % 2 == 0 and unit > 30:
        unit = unit // 3 if meter.compound and unit == 3 * meter.beat_ticks else unit // 2
    units = length // unit
    if units < count or length % unit:  # (a bar cut short off the beat, or too many chords: even shares)
        return [length * (k + 1) // count for k in range(count)]
    base, extra = divmod(units, count)
    ends, tick = [], 0
    for k in range(count):
        tick += (base + (k < extra)) * unit
        ends.append(tick)
    ends[-1] = length
    return ends


def bar_lines(meters, start: int, count: int) -> list[tuple[int, int]]:
    """(start, end) ticks of `count` bars from the bar holding tick `start` (meters: a MeterMap)."""
    position, _length = meters.position_in_bar([start])
    tick, bars = start - int(position[0]), []
    for _ in range(count):
        end = tick + meters.at(tick).bar_ticks
        end = min([end] + [c.tick for c in meters.changes if tick < c.tick < end])  # a change cuts the bar short
        bars.append((tick, end))
        tick = end
    return bars


def bar_chart(chords, meter, start: int, length: int) -> str:
    """The text of one bar of chords (ChordSymbols starting in [start, start + length), in `meter`)
    as parse_chord_bars reads it back: the figures, with a "/" for each share a chord holds over
    ("C / / F"), N.C. before a first chord that starts after the bar line; the figures alone where
    no bar_shares layout puts the chords where they are."""
    inside = sorted((c for c in chords if start <= c.onset < start + length), key=lambda c: c.onset)
    plain = " ".join(c.figure for c in inside)
    if not inside:
        return plain
    by_onset = {c.onset - start: c.figure for c in inside}
    beats = meter.felt_beats
    # (the figures alone, else one mark a beat as a chart writes it, else any count of shares)
    fewest = len(inside) + (0 not in by_onset)  # (a bar whose first chord comes later opens with N.C.)
    for count in dict.fromkeys([fewest, beats, *range(fewest, 4 * max(1, meter.numerator) + 1)]):
        starts = [0, *bar_shares(meter, length, count)[:-1]]
        if set(by_onset) <= set(starts):
            figures = [by_onset.get(t, HOLD) for t in starts]
            return " ".join(["N.C." if figures[0] == HOLD else figures[0], *figures[1:]])
    return plain


def chart_end(text: str, meters, start: int = 0) -> int:
    """The tick where chords written as for parse_chord_bars from the bar holding `start` end: the
    end of the chart's last bar."""
    cells = text.strip().strip("|").split("|")
    return bar_lines(meters, start, len(cells))[-1][1]


def parse_chord_bars(text: str, meters, start: int = 0) -> list[ChordSymbol]:
    """Chords written one bar per '|'-separated cell ("C | Am | F G7 | %"), as ChordSymbols.

    The first cell is the bar holding tick `start` (meters: composer.music.meter.MeterMap); "%"
    repeats the previous bar, "N.C." leaves a gap. Several figures in a cell share the bar's beats
    (bar_shares: "C F G" in 4/4 is two beats, one, one), and a "/" holds the chord before it for
    its share, as in a chord chart ("C / / F": three beats of C, one of F). Raises ValueError
    naming the bar and the figure that root_and_quality cannot read, or a cell that starts with "/".
    """
    cells = [cell.strip() for cell in text.strip().strip("|").split("|")]
    chords, previous = [], []
    for number, ((bar_start, bar_end), cell) in enumerate(zip(bar_lines(meters, start, len(cells)), cells), 1):
        if cell == "%" and not previous:
            raise ValueError(f"bar {number} of --chords is '%', which repeats the bar before it: there is none "
                             "(write its chords)")
        figures = previous if cell == "%" else cell.split()
        if not figures:
            raise ValueError(f"bar {number} of --chords is empty (write a chord, '%' to repeat, or N.C.)")
        for figure in figures:
            if figure not in _NO_CHORD and figure != HOLD:
                try:
                    root_and_quality(figure)
                except ValueError as error:
                    hint = f" (to hold a chord a beat, write '{HOLD}' apart: 'C / / F')" if HOLD * 2 in figure \
                        or figure.endswith(HOLD) else ""
                    raise ValueError(f"bar {number}: {error}{hint}") from None
        if figures[0] == HOLD:
            raise ValueError(f"bar {number} of --chords starts with '{HOLD}' (it holds the chord before it in the bar)")
        bounds = [bar_start, *(bar_start + t for t in bar_shares(meters.at(bar_start), bar_end - bar_start,
                                                                 len(figures)))]
        for index, figure in enumerate(figures):
            if figure not in _NO_CHORD and figure != HOLD:
                last = next((j for j in range(index + 1, len(figures)) if figures[j] != HOLD), len(figures))
                chords.append(ChordSymbol(bounds[index], bounds[last] - bounds[index], figure))
        previous = figures
    return chords


def crowded_bars(text: str, meters, start: int = 0) -> list[tuple[int, int, int]]:
    """For chords written as for parse_chord_bars: (bar of the chart from 1, figures and "/", beats)
    of each bar with more figures than beats where a chord then changes off the beat (bar_shares:
    on a beat's halves, a compound beat's eighths); not "C / / / /", one chord held."""
    cells = [cell.strip() for cell in text.strip().strip("|").split("|")]
    crowded = []
    for number, ((bar_start, bar_end), cell) in enumerate(zip(bar_lines(meters, start, len(cells)), cells), 1):
        meter = meters.at(bar_start)
        beats = meter.felt_beats
        tokens = cell.split() if cell != "%" else []
        if len(tokens) <= beats:
            continue
        beat = (bar_end - bar_start) // beats
        starts = [0, *bar_shares(meter, bar_end - bar_start, len(tokens))[:-1]]
        # (only where a chord changes off a beat: "C / / / /" is one chord, held)
        if any(t % beat for t, token in zip(starts, tokens) if token != HOLD):
            crowded.append((number, len(tokens), beats))
    return crowded


def with_chords(existing: list[ChordSymbol], new: list[ChordSymbol]) -> list[ChordSymbol]:
    """`existing` cut where `new` begins (new chords win from their first onset on), plus `new`, by onset."""
    if not new:
        return sorted(existing, key=lambda c: c.onset)
    start = min(c.onset for c in new)
    kept = [c if c.end <= start else ChordSymbol(c.onset, start - c.onset, c.figure)
            for c in existing if c.onset < start]
    return sorted(kept + list(new), key=lambda c: c.onset)


# Templates for estimate_chords: the plain triads and seventh chords (intervals above the root).
_TEMPLATES = {"maj": (0, 4, 7), "min": (0, 3, 7), "dim": (0, 3, 6), "aug": (0, 4, 8), "sus4": (0, 5, 7),
              "dom7": (0, 4, 7, 10), "maj7": (0, 4, 7, 11), "min7": (0, 3, 7, 10), "hdim7": (0, 3, 6, 10),
              "dim7": (0, 3, 6, 9)}
_MISSING_PENALTY = 0.15  # per template tone that does not sound: a chord is not claimed on two notes
_BASS_BONUS = 0.1  # the lowest note as root breaks ties between relatives (C6 / Am7)
_OUTSIDE_WEIGHT = 1.0  # weight of sounding notes outside the template
_KEY_BONUS = 0.4  # for a chord of the piece's key (I ii iii IV V vi vii / i ii iv V VI VII III)
_ONSET_WEIGHT = 0.5  # extra weight (in segments) of the notes heard as a segment begins
# Diatonic chords (root above the tonic, quality family) of the major and minor keys.
_DIATONIC = {"major": {(0, "maj"), (2, "min"), (4, "min"), (5, "maj"), (7, "maj"), (9, "min"), (11, "dim")},
             "minor": {(0, "min"), (2, "dim"), (3, "maj"), (5, "min"), (7, "maj"), (8, "maj"), (10, "maj")}}
_FAMILY = {"maj": "maj", "dom7": "maj", "maj7": "maj", "6": "maj", "sus4": "maj", "aug": "aug", "min": "min",
           "min7": "min", "min6": "min", "dim": "dim", "hdim7": "dim", "dim7": "dim"}
_SPLIT_GAIN = 0.25  # how much better two half-bar chords must fit than one chord for the bar


def _best_chord(weights, bass: int | None, key=None) -> tuple[float, int, str]:
    """(score, root, quality name) of the template that best explains a pitch-class weight profile."""
    total = float(weights.sum())
    best = (-1e9, 0, "maj")
    if total <= 0:
        return best
    share = weights / total
    for root in range(12):
        for name, intervals in _TEMPLATES.items():
            tones = [(root + i) % 12 for i in intervals]
            inside = float(share[tones].sum())
            missing = sum(1 for t in tones if share[t] < 0.02)
            score = inside - _OUTSIDE_WEIGHT * (1.0 - inside) - _MISSING_PENALTY * missing + (_BASS_BONUS if bass == root else 0.0)
            if key is not None and ((root - key.tonic) % 12, _FAMILY.get(name)) in _DIATONIC.get(key.scale, ()):
                score += _KEY_BONUS
            if score > best[0] + 1e-9:
                best = (score, root, name)
    return best


def _profile(notes, start: int, end: int):
    """Pitch-class weights (duration sounding inside [start, end), in ticks) and the lowest pitch class."""
    import numpy as np

    onsets, ends, pitches = notes[:, 0], notes[:, 0] + notes[:, 1], notes[:, 2]
    overlap = np.minimum(ends, end) - np.maximum(onsets, start)
    sounding = overlap > 0
    weights = np.bincount(pitches[sounding] % 12, weights=overlap[sounding], minlength=12).astype(float)
    first = sounding & (onsets <= start)  # what is heard as the segment begins: a strong-beat accent
    if not first.any() and sounding.any():
        first = sounding & (onsets == onsets[sounding].min())
    if _ONSET_WEIGHT and first.any():
        weights += np.bincount(pitches[first] % 12, minlength=12) * (_ONSET_WEIGHT * (end - start) / first.sum())
    bass = int(pitches[sounding].min()) % 12 if sounding.any() else None
    return weights, bass


def _key_of(notes):
    """The piece's key by Krumhansl-Schmuckler (composer.music.scales.estimate_key), for the prior."""
    from composer.music.scales import estimate_key
    from composer.music.score import Note

    return estimate_key(Note(int(p), int(o), int(d)) for o, d, p in notes[:, 0:3].tolist())


def estimate_chords(score_or_notes, meters=None, *, voices=None) -> list[ChordSymbol]:
    """Chords estimated from the notes, one per bar or per half bar.

    Template matching (Pardo & Birmingham, "Algorithms for chordal analysis", Computer Music
    Journal 26(2), 2002): each bar's pitch classes, weighted by how long they sound in it (more
    for those heard as it begins), are scored against the triads and seventh chords of every root:
    tones inside minus tones outside, a penalty per template tone not sounding, a bonus when the
    lowest note is the root and for chords of the piece's key (Krumhansl-Schmuckler,
    composer.music.scales.estimate_key). A Viterbi pass picks the sequence with a bonus for a
    chord that stays and for a root falling a fifth; a bar splits in two when its halves fit
    clearly better apart. Repeated chords merge. Accompanied music (chords in the other voices)
    is named well; a melody alone is ambiguous (on OpenEWLD lead sheets the root agrees with the
    written chord about 28 % of the time, no better than always naming the tonic).

    score_or_notes: a Score (drum voices are left out; meters from its meter map) or an (N, 5)
    int array of notes (onset, duration, pitch, velocity, voice; see composer.data.cache) with
    `meters` a composer.music.meter.MeterMap. voices: only these voices (default all pitched).
    Returns figures like "Am7" (composer.music.chords.figure_of); empty when there are no notes.
    """
    import numpy as np

    if hasattr(score_or_notes, "notes") and hasattr(score_or_notes, "voices"):
        score = score_or_notes
        meters = meters or score.meter_map()
        drums = {i for i, v in enumerate(score.voices) if v.is_drum}
        rows = [(n.onset, n.duration, n.pitch, n.velocity, n.voice) for n in score.notes if n.voice not in drums]
        notes = np.array(rows, dtype=np.int64).reshape(-1, 5)
    else:
        notes = np.asarray(score_or_notes, dtype=np.int64).reshape(-1, 5)
    if voices is not None:
        notes = notes[np.isin(notes[:, 4], list(voices))]
    if len(notes) == 0:
        return []
    if meters is None:
        raise ValueError("estimate_chords needs the meter map (meters) for a notes array")
    return _viterbi_chords(notes, meters, _key_of(notes))


_STAY_BONUS = 0.2  # Viterbi: a chord lasting into the next segment
_FIFTH_BONUS = 0.1  # Viterbi: root falling a fifth (V -> I), the commonest progression


def _segments(meters, first: int, end: int) -> list[tuple[int, int, int | None]]:
    """(start, end, middle or None) of each bar from the bar holding `first` to `end`; middle is
    where a bar of an even number of beats (4 or more) may split in two."""
    position, _ = meters.position_in_bar([first])
    tick, segments = first - int(position[0]), []
    while tick < end:
        meter = meters.at(tick)
        bar_end = tick + meter.bar_ticks
        even = meter.numerator % 2 == 0 and meter.numerator >= 4
        segments.append((tick, bar_end, tick + meter.bar_ticks // 2 if even else None))
        tick = bar_end
    return segments


def _state_table():
    """(roots, names, masks (S, 12) bool) of every (root, template) state."""
    import numpy as np

    roots, names, masks = [], [], []
    for root in range(12):
        for name, intervals in _TEMPLATES.items():
            mask = np.zeros(12, bool)
            mask[[(root + i) % 12 for i in intervals]] = True
            roots.append(root)
            names.append(name)
            masks.append(mask)
    return np.array(roots), names, np.array(masks)


def _viterbi_chords(notes, meters, key) -> list[ChordSymbol]:
    """The chord sequence that best explains every segment (template fit as in _best_chord) with a
    bonus for a chord that stays and for a root falling a fifth: a hidden-Markov smoothing of the
    per-segment choice (Viterbi), which a melody alone needs (one or two notes fit many chords)."""
    import numpy as np

    roots, names, masks = _state_table()
    end = int((notes[:, 0] + notes[:, 1]).max())
    segments = _segments(meters, int(notes[:, 0].min()), end)
    diatonic = np.array([key is not None and ((r - key.tonic) % 12, _FAMILY.get(n)) in _DIATONIC.get(key.scale, ())
                         for r, n in zip(roots, names)])
    emissions = np.zeros((len(segments), len(roots)))
    for t, (start, stop, _middle) in enumerate(segments):
        weights, bass = _profile(notes, start, stop)
        total = weights.sum()
        if total <= 0:
            continue  # a silent segment: the transitions decide (the chord goes on)
        share = weights / total
        inside = masks @ share
        missing = (masks & (share < 0.02)).sum(axis=1)
        emissions[t] = (inside - _OUTSIDE_WEIGHT * (1 - inside) - _MISSING_PENALTY * missing
                        + _BASS_BONUS * (roots == bass) + _KEY_BONUS * diatonic)
    transition = np.where(roots[None, :] == (roots[:, None] + 5) % 12, _FIFTH_BONUS, 0.0)  # [from, to]
    np.fill_diagonal(transition, _STAY_BONUS)
    score, back = emissions[0].copy(), []
    for t in range(1, len(segments)):
        candidates = score[:, None] + transition
        back.append(candidates.argmax(axis=0))
        score = candidates.max(axis=0) + emissions[t]
    states = [int(score.argmax())]
    for pointers in reversed(back):
        states.append(int(pointers[states[-1]]))
    states.reverse()
    chords: list[ChordSymbol] = []

    def add(start: int, stop: int, figure: str) -> None:
        if chords and chords[-1].figure == figure:
            chords[-1] = ChordSymbol(chords[-1].onset, stop - chords[-1].onset, figure)
        else:
            chords.append(ChordSymbol(start, stop - start, figure))

    for t, ((start, stop, middle), state) in enumerate(zip(segments, states)):
        if middle is not None:  # two chords in the bar when its halves fit clearly better apart
            halves = [_best_chord(*_profile(notes, start, middle), key), _best_chord(*_profile(notes, middle, stop), key)]
            if halves[0][1:] != halves[1][1:] and min(h[0] for h in halves) > -1e8 \
                    and (halves[0][0] + halves[1][0]) / 2 > emissions[t, state] + _SPLIT_GAIN:
                add(start, middle, figure_of(halves[0][1], QUALITY_INDEX[halves[0][2]]))
                add(middle, stop, figure_of(halves[1][1], QUALITY_INDEX[halves[1][2]]))
                continue
        add(start, stop, figure_of(int(roots[state]), QUALITY_INDEX[names[state]]))
    return chords
