"""ABC text as the ABC 2.1 standard (and its reference player, abc2midi) means it, rewritten so
that music21 reads it right; plus the meter map, key map and pickup that music21 drops.

Standard: https://abcnotation.com/wiki/abc:standard:v2.1 (sections 3.1.6-3.1.7 L: and M:,
3.2 inline fields, 4.2 accidentals, 4.5 rests, 4.8 repeat/bar symbols, 4.9 first and second
endings). music21 (9.x) gets these wrong, so the tune text is rewritten before it parses it:

- every note gets its accidental written out (key signature incl. the key line's own
  accidentals `K:C ^f _B` / `exp`, accidentals held to the end of the bar, and across a tie);
- note lengths under an inline or body `L:` change are rescaled to the header's unit length;
- `Z`/`Z4`/`X` multi-bar rests become bars of rests, `x` an ordinary rest;
- a tune with no `L:` gets the standard's default (1/16 below a 3/4 meter, else 1/8);
- inline fields `[K:]`, `[M:]`, `[Q:]`, `[V:]` become field lines (music21 reads those);
- repeats and first/second endings are written out as performed (per voice).

music21 keeps no body `M:`/`K:` change and no marker, so bar positions are computed here: each
bar's length (tuplets, broken rhythm, chords, grace notes) gives the ticks of meter and key
changes and of a pickup (a first bar shorter than the meter), returned in NormalisedTune.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from fractions import Fraction

from composer.music.meter import TICKS_PER_QUARTER, MeterChange, normalised, pickup_meter

_FIELD_LINE = re.compile(r"^([A-Za-z+]):(.*)$")
_NOTE = re.compile(r"(\^\^|\^|__|_|=)?([A-Ga-g])([,']*)(\d*(?:/+\d*)?)")
_REST = re.compile(r"([zxZX])(\d*(?:/+\d*)?)")
_INLINE_FIELD = re.compile(r"\[([A-Za-z]):([^\]\n]*)\]")
_BAR = re.compile(r"(::+)|(:*)(\[\||\|\]|\|\||\|)(:*)")
_ENDING = re.compile(r"\[?(\d+(?:[,-]\d+)*)")
_TUPLET = re.compile(r"\((\d+)(?::(\d*))?(?::(\d*))?")
_SHORTHAND_DECORATIONS = set("~.HLMOPSTuv")  # ABC 2.1 section 4.14
_SKIP = re.compile(r'"[^"\n]*"|![^!\n]*!|\+[^+\n]*\+')

_SHARP_ORDER = "FCGDAEB"
_MAJOR_FIFTHS = {"C": 0, "G": 1, "D": 2, "A": 3, "E": 4, "B": 5, "F#": 6, "C#": 7, "F": -1, "Bb": -2,
                 "Eb": -3, "Ab": -4, "Db": -5, "Gb": -6, "Cb": -7, "G#": 8, "D#": 9, "A#": 10, "E#": 11,
                 "B#": 12, "Fb": -8}
_MODE_SHIFT = {"maj": 0, "ion": 0, "mix": -1, "dor": -2, "aeo": -3, "min": -3, "m": -3, "phr": -4,
               "loc": -5, "lyd": 1}
_MODE_NAME = {"maj": "major", "ion": "major", "mix": "mixolydian", "dor": "dorian", "aeo": "minor",
              "min": "minor", "m": "minor", "phr": "phrygian", "loc": "locrian", "lyd": "lydian"}
_ACCIDENTAL = {"^^": 2, "^": 1, "=": 0, "_": -1, "__": -2}
_ACCIDENTAL_TEXT = {2: "^^", 1: "^", 0: "=", -1: "_", -2: "__"}
_NATURAL = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}
_TIE_MARK = "\x01"  # a tie whose next note is not read yet
_PROPAGATE = re.compile(r"^(?:%%|I:)\s*propagate-accidentals\s+(not|octave|pitch)", re.MULTILINE)
MAX_Z_BARS = 64  # a multi-bar rest longer than this is read as this many bars (and reported)


@dataclass(frozen=True, slots=True)
class AbcKey:
    """A K: field as the standard reads it: per-letter accidentals and a name for the key map."""

    accidentals: dict  # letter 'A'-'G' -> semitones (-2..2) the key signature gives every octave
    name: str | None  # e.g. "G:major", "D:dorian" (composer.music.Key.parse), None for K:none/HP
    music21_text: str  # what music21 is shown (explicit accidentals stripped)


def parse_key(value: str) -> AbcKey:
    """A K: field value -> AbcKey. Unknown words are ignored (clef=, octave= and the like)."""
    text = value.split("%")[0].strip()
    # "Dmix=c": accidentals may follow the key with no space between
    text = re.sub(r"^([A-Ga-g][#b]?[A-Za-z]*)((?:\^\^|\^|__|_|=)[A-Ga-g])", r"\1 \2", text)
    words = text.split()
    accidentals = {letter: 0 for letter in "ABCDEFG"}
    name, fifths, explicit_only = None, 0, False
    rest = words
    head = words[0] if words else ""
    if head.lower() == "none" or not head:
        rest = words[1:]
        name = "C:major" if not head else None
    elif head in ("HP", "Hp"):
        rest = words[1:]
        if head == "Hp":  # Highland pipes: F and C sharp, G natural
            accidentals.update(F=1, C=1)
    else:
        match = re.match(r"([A-Ga-g])([#b]?)(.*)$", head)
        if not match:
            return AbcKey(accidentals, None, text)
        tonic = match.group(1).upper() + match.group(2)
        mode_text = match.group(3)
        if not mode_text and len(words) > 1 and words[1][:3].lower() in _MODE_SHIFT and not words[1][0] in "^_=":
            mode_text, rest = words[1], words[2:]
        else:
            rest = words[1:]
        mode = mode_text[:3].lower() if mode_text else "maj"
        mode = "m" if mode_text.lower() == "m" else mode
        if mode not in _MODE_SHIFT:
            mode = "maj"
        fifths = _MAJOR_FIFTHS.get(tonic, 0) + _MODE_SHIFT[mode]
        name = f"{tonic}:{_MODE_NAME[mode]}"
    if any(word.lower() == "exp" for word in rest):
        explicit_only = True
    if not explicit_only:
        for index in range(min(abs(fifths), 7)):
            if fifths > 0:
                accidentals[_SHARP_ORDER[index]] = 1
            else:
                accidentals[_SHARP_ORDER[6 - index]] = -1
    for word in rest:
        match = re.fullmatch(r"(\^\^|\^|__|_|=)([A-Ga-g])", word)
        if match:
            accidentals[match.group(2).upper()] = _ACCIDENTAL[match.group(1)]
    # music21 is shown the field as written, less the accidentals (every note carries its own)
    kept = [w for w in words if w.lower() != "exp" and not re.fullmatch(r"(\^\^|\^|__|_|=)([A-Ga-g])", w)]
    return AbcKey(accidentals, name, " ".join(kept).strip())


# V: properties (ABC 2.1 section 7.1): name="Fiddle" / nm="Fid", quoted or one word.
_VOICE_NAME = re.compile(r'\bname\s*=\s*(?:"([^"]*)"|(\S+))')
_VOICE_SHORT_NAME = re.compile(r'\bnm\s*=\s*(?:"([^"]*)"|(\S+))')


def _clef_shift(value: str) -> int | None:
    """octave=N and transpose=N in a K: or V: field, as semitones (None when neither is given)."""
    octave = re.search(r"\boctave=([+-]?\d+)", value)
    transpose = re.search(r"\btranspose=([+-]?\d+)", value)
    if not octave and not transpose:
        return None
    return 12 * int(octave.group(1) if octave else 0) + int(transpose.group(1) if transpose else 0)


def _spelled(midi: int) -> str:
    """A MIDI pitch as an ABC note with its accidental written out (sharps), e.g. 61 -> ^C."""
    letter, sharp = _STEPS[midi % 12]
    octave = midi // 12 - 1
    text = letter if octave <= 4 else letter.lower()
    marks = "," * (4 - octave) if octave < 4 else "'" * (octave - 5) if octave > 5 else ""
    return ("^" if sharp else "=") + text + marks


_STEPS = (("C", 0), ("C", 1), ("D", 0), ("D", 1), ("E", 0), ("F", 0), ("F", 1), ("G", 0), ("G", 1), ("A", 0),
          ("A", 1), ("B", 0))


def _has_key_accidentals(value: str) -> bool:
    return any(w.lower() == "exp" or re.fullmatch(r"(\^\^|\^|__|_|=)[A-Ga-g]", w)
               for w in value.split("%")[0].split())


def _length(text: str) -> Fraction:
    """An ABC length suffix ('', '2', '/', '3/2', '//') -> multiple of the unit length."""
    if not text:
        return Fraction(1)
    if "/" not in text:
        return Fraction(int(text[:9]))
    numerator, _, denominator = text.partition("/")
    slashes = 1 + denominator.count("/")
    denominator = denominator.replace("/", "")
    top = int(numerator[:9]) if numerator else 1
    if denominator:
        return Fraction(top, max(1, int(denominator[:9])))
    return Fraction(top, 2 ** slashes)


def _length_text(value: Fraction) -> str:
    if value == 1:
        return ""
    if value.denominator == 1:
        return str(value.numerator)
    return f"{value.numerator}/{value.denominator}"


def parse_meter(value: str) -> Fraction | None:
    """M: value -> bar length in whole notes (None for M:none). 'C' is 4/4, 'C|' 2/2, '2+3/8' 5/8."""
    fraction = _meter_fraction(value)
    if fraction is None or fraction[0] <= 0 or fraction[1] <= 0:
        return None
    return Fraction(*fraction)


def _meter_fraction(value: str) -> tuple[int, int] | None:
    """M: value -> (numerator, denominator) as written ('2+3/8' -> (5, 8)), unchecked; None if unreadable."""
    text = value.split("%")[0].strip()
    if text in ("C", "c"):
        return (4, 4)
    if text in ("C|", "c|"):
        return (2, 2)
    match = re.match(r"\(?([\d+ ]+)\)?\s*/\s*(\d+)", text)
    if not match:
        return None
    try:
        return (sum(int(part) for part in match.group(1).replace(" ", "+").split("+") if part), int(match.group(2)))
    except ValueError:
        return None


def meter_pair(value: str) -> tuple[int, int] | None:
    fraction = _meter_fraction(value)
    if fraction is None:
        return None
    numerator, denominator = fraction
    if 1 <= numerator <= 255 and denominator in (1, 2, 4, 8, 16, 32, 64):
        return numerator, denominator
    return None


def default_unit(meter: Fraction | None) -> Fraction:
    """ABC 2.1 section 3.1.7: 1/16 when the meter is below 0.75, else (and with no M:) 1/8."""
    return Fraction(1, 16) if meter is not None and meter < Fraction(3, 4) else Fraction(1, 8)


@dataclass(slots=True)
class _Bar:
    """A bar line: its text, and what it says about repeats."""

    text: str
    start_repeat: bool = False
    end_repeat: bool = False
    endings: tuple[int, ...] = ()
    section_end: bool = False  # || |] [| : an ending stops here


@dataclass(slots=True)
class _Music:
    text: str
    duration: Fraction  # whole notes
    notes: int
    graces: int = 0


@dataclass(slots=True)
class _Field:
    letter: str
    value: str


@dataclass(slots=True)
class NormalisedTune:
    """The rewritten tune text and what music21 cannot be asked for."""

    text: str
    meters: list[MeterChange] = field(default_factory=list)  # in ticks of the performed tune
    keys: list[tuple[int, str]] = field(default_factory=list)  # (tick, "G:major")
    features: set[str] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)
    notes: int = 0  # note heads as performed (chord members counted, grace notes not)
    graces: int = 0  # grace note heads as performed
    programs: list = field(default_factory=list)  # per voice (part order): %%MIDI program or None
    names: list = field(default_factory=list)  # per voice (part order): its V: name= (or nm=), or ""
    ticks: int = 0  # length of the performed tune
    written_ticks: int = 0  # length of the first voice as written, no repeat taken


class _Voice:
    def __init__(self, key: AbcKey, unit: Fraction, header_unit: Fraction, meter: Fraction | None):
        self.key = key
        self.unit = unit
        self.header_unit = header_unit
        self.meter = meter
        self.items: list = []
        self.tie_from: int | None = None  # MIDI pitch of a note tied to the next one
        self.ties: list[str] = []  # "-" or "" for each _TIE_MARK in items, in order
        self.transpose = 0  # semitones: %%MIDI transpose, octave= and transpose= in K:/V:
        self.program: int | None = None  # %%MIDI program
        self.name = ""
        self.title = ""  # the V: field's name="..." (nm= when no name=): music21 reads neither
        self.overlays: list[_Voice] = []  # voices made by & overlays in this voice's bars


class _Reader:
    """Tokenises the body of one tune into per-voice items (music, bar lines, fields)."""

    def __init__(self, key: AbcKey, unit: Fraction, meter: Fraction | None, meter_text: str | None):
        self.header_key, self.header_unit, self.header_meter = key, unit, meter
        self.header_transpose, self.header_program = 0, None
        self.overlays_used: list[_Voice] = []  # overlay voices written in the current bar
        self.overlay_target: _Voice | None = None  # where music goes after an & in this bar
        self.voices: dict[str, _Voice] = {}
        self.order: list[str] = []
        self.declared: set[str] = set()  # voices named by a V: field
        self.current = self._voice("1")
        self.features: set[str] = set()
        self.problems: list[str] = []
        self.bar_accidentals: dict = {}  # letter (or (letter, octave)) -> semitones, to the bar line
        # ABC 2.1 section 11.4: %%propagate-accidentals not|octave|pitch, default pitch (every
        # octave of the letter), as abc2midi plays it.
        self.propagate = "pitch"
        self.tied: dict[tuple[str, int], int] = {}

    def _voice(self, name: str) -> _Voice:
        if name not in self.voices:
            base = self.voices[self.order[0]] if self.order else None
            self.voices[name] = _Voice(base.key if base else self.header_key, base.unit if base else self.header_unit,
                                       self.header_unit, base.meter if base else self.header_meter)
            self.voices[name].transpose = self.header_transpose
            self.voices[name].program = self.header_program
            self.voices[name].name = name
            self.order.append(name)
        return self.voices[name]

    # -- & overlays (ABC 2.1 section 7.4): music after & in a bar sounds with the bar's start
    def _overlay(self) -> _Voice:
        """The voice for the next & of this bar; made on first use with rests and bar lines
        that shadow the main voice so far, so repeats expand alike in both."""
        main = self.current
        number = len(self.overlays_used) + 1
        while len(main.overlays) < number:
            overlay = _Voice(main.key, main.unit, main.header_unit, main.meter)
            overlay.transpose, overlay.program = main.transpose, main.program
            overlay.name = f"{main.name}_overlay{len(main.overlays) + 1}"
            last_bar = max((i for i, item in enumerate(main.items) if isinstance(item, _Bar)), default=-1)
            for item in main.items[:last_bar + 1]:
                if isinstance(item, _Music) and item.duration > 0:
                    overlay.items.append(_Music(f"z{_length_text(item.duration / main.header_unit)} ", item.duration, 0))
                elif isinstance(item, (_Bar, _Field)):
                    overlay.items.append(item)
            self.voices[overlay.name] = overlay
            self.order.append(overlay.name)
            main.overlays.append(overlay)
            self.features.add("overlays")
        target = main.overlays[number - 1]
        self.overlays_used.append(target)
        self.overlay_target = target
        return target

    def _bar(self, token: _Bar) -> None:
        """A bar line of the voice in force, mirrored in its overlays (a bar rest where silent)."""
        main = self.current
        length = Fraction(0)
        for item in reversed(main.items):
            if isinstance(item, _Bar):
                break
            if isinstance(item, _Music):
                length += item.duration
        main.items.append(token)
        for overlay in main.overlays:
            if not any(overlay is used for used in self.overlays_used) and length > 0:
                overlay.items.append(_Music(f"z{_length_text(length / main.header_unit)} ", length, 0))
            overlay.items.append(token)
        self.overlays_used.clear()
        self.overlay_target = None

    def directive(self, line: str) -> None:
        """%%MIDI transpose N / %%MIDI program [channel] N, for the voice in force (abc2midi's)."""
        words = line[2:].split()
        if len(words) < 3 or words[0] != "MIDI":
            return
        numbers = [w for w in words[2:] if w.lstrip("-").isdigit()]
        if words[1] == "transpose" and numbers:
            self.current.transpose = int(numbers[0])
            self.features.add("transposed parts")
        elif words[1] == "program" and numbers:
            self.current.program = int(numbers[-1]) % 128

    # -- fields
    def field(self, letter: str, value: str) -> None:
        voice = self.current
        if letter == "V":
            name = value.split()[0] if value.split() else "1"
            # The voice "1" made before any V: field goes if it stayed empty; one declared by
            # V:1 stays first (dropping it put V:2 first and V:1 second, under each other's names).
            if self.order == ["1"] and not self.voices["1"].items and "1" not in self.declared:
                self.voices.pop("1")
                self.order.clear()
            self.declared.add(name)
            self.current = self._voice(name)
            title = _VOICE_NAME.search(value) or _VOICE_SHORT_NAME.search(value)
            if title:
                self.current.title = next(g for g in title.groups() if g is not None).strip()
            self.bar_accidentals.clear()
            shift = _clef_shift(value)
            if shift is not None:
                self.current.transpose = shift
            return
        if letter == "P":
            voice.items.append(_Field("P", value.split("%")[0].strip()))
            return
        if letter == "K":
            shift = _clef_shift(value)
            if shift is not None:
                voice.transpose = shift
            voice.key = parse_key(value)
            if _has_key_accidentals(value):
                self.features.add("key-line accidentals")
            voice.items.append(_Field("K", voice.key.music21_text))
            return
        if letter == "L":
            unit = parse_meter(value)
            if unit is not None and unit > 0:
                voice.unit = unit
            return
        if letter == "M":
            voice.meter = parse_meter(value)
            voice.items.append(_Field("M", value.split("%")[0].strip()))
            return
        if letter == "Q":
            voice.items.append(_Field("Q", value))
        # Other body fields (lyrics w:/W:, parts P:, notes N:, ...) do not change the notes, and
        # lyrics would no longer line up once repeats are written out: they are left out.

    # -- music
    def music(self, line: str) -> None:
        out: list[str] = []
        duration, notes = Fraction(0), 0
        voice = self.overlay_target or self.current
        scale = voice.unit / voice.header_unit
        last_duration: list = [None]  # [index in durations] of the last note/chord/rest
        durations: list[Fraction] = []
        broken_next = Fraction(1)
        tuplet_left, tuplet_factor = 0, Fraction(1)
        position, n = 0, len(line)
        chord_open: int | None = None  # index in durations of the open chord
        chord_first: Fraction | None = None
        grace = False
        grace_group: tuple[int, int] | None = None

        def flush_music():
            nonlocal out, durations
            if out:
                voice.items.append(_Music("".join(out), sum(durations, Fraction(0)) * voice.unit, notes_here[0],
                                          notes_here[1]))
            out = []
            durations.clear()
            notes_here[0] = notes_here[1] = 0

        notes_here = [0, 0]  # note heads, grace heads

        def add_event(value: Fraction) -> None:
            nonlocal broken_next, tuplet_left, tuplet_factor
            value = value * broken_next
            broken_next = Fraction(1)
            if tuplet_left > 0:
                value *= tuplet_factor
                tuplet_left -= 1
            durations.append(value)

        while position < n:
            char = line[position]
            if char == "%":
                break
            skip = _SKIP.match(line, position)
            if skip:
                # Annotations ("^text", "<text", ...) are not chord symbols; music21 loses the
                # note after some of them (">" as an accent mark), so they are left out.
                if not (skip.group(0).startswith('"') and skip.group(0)[1:2] in ("^", "_", "<", ">", "@")):
                    out.append(skip.group(0))
                position = skip.end()
                continue
            if char in _SHORTHAND_DECORATIONS and chord_open is None:
                position += 1  # ~ . H L M O P S T u v: ornaments music21 may take a note with
                continue
            inline = _INLINE_FIELD.match(line, position)
            if inline and chord_open is None:
                flush_music()
                self.field(inline.group(1), inline.group(2).strip())
                voice = self.current
                scale = voice.unit / voice.header_unit
                position = inline.end()
                continue
            bar = _BAR.match(line, position) if char in "|:[" else None
            if bar and bar.group(0) and not (char == "[" and bar.group(3) != "[|") and chord_open is None:
                if bar.group(0) == ":" :
                    out.append(char)
                    position += 1
                    continue
                end = bar.end()
                ending = _ENDING.match(line, end) if end < n and (line[end].isdigit() or line[end:end + 2][:1] == "[" and end + 1 < n and line[end + 1].isdigit()) else None
                numbers: tuple[int, ...] = ()
                if ending:
                    numbers = _ending_numbers(ending.group(1))
                    end = ending.end()
                if grace_group is not None:  # grace notes with no note after them before the bar
                    del out[grace_group[0]:]  # line: abc2midi plays none, music21 would move them
                    notes_here[1] = grace_group[1]
                    grace_group = None
                flush_music()
                double = bool(bar.group(1))
                token = _Bar(line[position:end], start_repeat=double or bool(bar.group(4)),
                             end_repeat=double or bool(bar.group(2)), endings=numbers,
                             section_end=bar.group(3) in ("||", "|]", "[|"))
                self._bar(token)
                voice = self.current
                self.bar_accidentals.clear()
                position = end
                continue
            if char == "[" and position + 1 < n and line[position + 1].isdigit() and chord_open is None:
                ending = _ENDING.match(line, position)
                flush_music()
                self._bar(_Bar("", endings=_ending_numbers(ending.group(1))))
                voice = self.current
                out.append(" ")
                position = ending.end()
                continue
            if char == "[" and chord_open is None:
                chord_open, chord_first = len(durations), None
                out.append(char)
                position += 1
                continue
            if char == "]" and chord_open is not None:
                match = re.match(r"\](\d*(?:/+\d*)?)", line[position:])
                multiplier = _length(match.group(1))
                out.append(match.group(0))
                add_event((chord_first or Fraction(0)) * multiplier)
                chord_open = None
                position += len(match.group(0))
                continue
            if char == "&" and chord_open is None and not grace:
                flush_music()
                voice = self._overlay()
                durations.clear()
                position += 1
                continue
            if char == "{":
                grace = True
                grace_group = (len(out), notes_here[1])  # where it starts, grace heads before it
                out.append(char)
                position += 1
                continue
            if char == "}":
                grace = False
                out.append(char)
                position += 1
                continue
            tuplet = _TUPLET.match(line, position) if char == "(" else None
            if tuplet:
                p = int(tuplet.group(1)[:3])
                q_text, r_text = tuplet.group(2), tuplet.group(3)
                compound = voice.meter is not None and voice.meter.numerator % 3 == 0 and voice.meter.numerator > 3
                default_q = {2: 3, 3: 2, 4: 3, 6: 2, 8: 3}.get(p, 3 if compound else 2)
                q = int(q_text) if q_text else default_q
                r = int(r_text) if r_text else p
                if p > 0:
                    tuplet_left, tuplet_factor = r, Fraction(q, p)
                out.append(tuplet.group(0))
                position = tuplet.end()
                continue
            if char in "<>":
                run = re.match(r"[<>]+", line[position:]).group(0)
                depth = len(run)
                big, small = Fraction(2 ** (depth + 1) - 1, 2 ** depth), Fraction(1, 2 ** depth)
                if durations:
                    durations[-1] *= big if run[0] == ">" else small
                broken_next = small if run[0] == ">" else big
                out.append(run)
                position += depth
                continue
            rest = _REST.match(line, position)
            if rest and chord_open is None:
                letter, length = rest.group(1), _length(rest.group(2))
                position = rest.end()
                if letter in "ZX":
                    bars = int(rest.group(2)) if rest.group(2).isdigit() else 1
                    if bars > MAX_Z_BARS:
                        self.problems.append(f"a {bars}-bar rest read as {MAX_Z_BARS} bars")
                        bars = MAX_Z_BARS
                    self.features.add("multi-bar rests")
                    if voice.meter is None:
                        self.problems.append("a multi-bar rest with no meter read as one 4/4 bar each")
                    bar_units = (voice.meter or Fraction(1)) / voice.header_unit
                    flush_music()
                    for index in range(bars):
                        voice.items.append(_Music(f"z{_length_text(bar_units)}", bar_units * voice.header_unit, 0))
                        if index < bars - 1:
                            voice.items.append(_Bar("|"))
                    continue
                if letter == "x":
                    self.features.add("invisible rests")
                out.append("z" + _length_text(length * scale))
                if not grace:
                    add_event(length)
                continue
            note = _NOTE.match(line, position)
            if note:
                accidental, letter, octave_marks, length_text = note.groups()
                octave = (5 if letter.islower() else 4) + octave_marks.count("'") - octave_marks.count(",")
                slot = (letter.upper(), octave)
                carry = letter.upper() if self.propagate == "pitch" else slot  # which notes it holds for
                if accidental:
                    offset = _ACCIDENTAL[accidental]
                    if not grace and self.propagate != "not":
                        self.bar_accidentals[carry] = offset
                elif carry in self.bar_accidentals:
                    offset = self.bar_accidentals[carry]
                    if offset != voice.key.accidentals[letter.upper()]:
                        self.features.add("carried accidentals")
                elif slot in self.tied:
                    offset = self.tied[slot]
                else:
                    offset = voice.key.accidentals[letter.upper()]
                self.tied.pop(slot, None)
                midi = 12 * (octave + 1) + _NATURAL[letter.upper()] + offset
                if not grace and chord_open is None and voice.tie_from is not None:
                    # A tie joins a note to the next one of the same pitch; to another pitch it is
                    # no tie (abc2midi plays both), and music21 would merge the two notes.
                    voice.ties.append("-" if voice.tie_from == midi else "")
                    voice.tie_from = None
                position = note.end()
                length = _length(length_text)
                written = (_ACCIDENTAL_TEXT[offset] + letter + octave_marks if not voice.transpose
                           else _spelled(min(127, max(0, midi + voice.transpose))))
                out.append(written + (_length_text(length * scale) if not grace else length_text))
                if position < n and line[position] == "-":
                    self.tied[slot] = offset
                    if not grace and chord_open is None:
                        out.append(_TIE_MARK)
                        voice.tie_from = midi
                        position += 1
                if grace:
                    notes_here[1] += 1
                    continue
                grace_group = None  # the grace notes lead to this note
                if chord_open is not None:
                    if chord_first is None:
                        chord_first = length
                    notes_here[0] += 1
                    continue
                notes_here[0] += 1
                add_event(length)
                continue
            out.append(char)
            position += 1
        flush_music()
        voice.items.append(_Music("\n", Fraction(0), 0))


def _ending_numbers(text: str) -> tuple[int, ...]:
    numbers: list[int] = []
    for part in text.split(","):
        if "-" in part:
            low, _, high = part.partition("-")
            if low.isdigit() and high.isdigit() and int(high) - int(low) < 16:
                numbers.extend(range(int(low), int(high) + 1))
        elif part.isdigit():
            numbers.append(int(part))
    return tuple(numbers)


def perform(items: list) -> tuple[list, bool]:
    """Items in the order they are played: repeats taken, endings chosen by pass (ABC 2.1 4.8-4.9).

    A `:|` with no `|:` before it repeats from the start, or from the end of the last repeat.
    Each end-repeat is taken once per pass through its section; the pass number picks the ending
    (`|1`, `:|2`, `[1,3`). Returns (items, whether any repeat was taken).
    """
    out: list = []
    start, passes, index = 0, 1, 0
    taken: set[int] = set()
    skipping, in_ending, repeated, reset_pending = False, False, False, False
    steps = 0
    while index < len(items) and steps < 200_000:  # a malformed structure cannot loop for ever
        steps += 1
        item = items[index]
        if not isinstance(item, _Bar):
            if not skipping:
                out.append(item)
            index += 1
            continue
        if reset_pending and not item.endings:
            passes = 1
        reset_pending = False
        if item.end_repeat and not skipping:
            # In an ending, repeat only if a later ending is there for the next pass (a last
            # ending closed with :| ends the section, as abc2midi plays it).
            if index not in taken and (not in_ending or _ending_follows(items, index, passes + 1)):
                taken.add(index)
                out.append(_Bar("|"))
                repeated, passes, index, in_ending = True, passes + 1, start, False
                continue
            if not item.endings and not item.start_repeat:
                start, passes, in_ending = index + 1, 1, False
        if item.endings:
            in_ending = True
            skipping = passes not in item.endings
            if not skipping:
                out.append(_Bar("|"))
            index += 1
            continue
        if skipping:
            if not (item.start_repeat or item.section_end or item.end_repeat):
                index += 1
                continue
            skipping = False  # the skipped ending is over
            if item.end_repeat and not item.start_repeat:
                # The next ending ("[2" after "|1 ... :|") still counts this pass; plain music
                # after it starts a new section.
                start, in_ending, reset_pending = index + 1, False, True
                out.append(_Bar("|"))
                index += 1
                continue
        if item.start_repeat:
            start, passes, in_ending = index + 1, 1, False
        elif item.section_end and in_ending:
            start, passes, in_ending = index + 1, 1, False
        out.append(_Bar("|" if item.end_repeat or item.start_repeat or not item.text else item.text))
        index += 1
    return out, repeated


def _ending_follows(items: list, index: int, number: int) -> bool:
    """Whether an ending for pass `number` comes from items[index] on, before a new section."""
    for item in items[index:]:
        if isinstance(item, _Bar):
            if number in item.endings:
                return True
            if item.start_repeat and item is not items[index]:
                return False
    return False


def normalise_tune(tune: str) -> NormalisedTune:
    """Rewrite one tune (text from X: to the end, with any file header) for music21; see the
    module doc. A tune with no K: line is returned unchanged (music21 then decides)."""
    lines = tune.splitlines()
    key_line = next((i for i, line in enumerate(lines) if line.startswith("K:")), None)
    if key_line is None:
        return NormalisedTune(tune)
    # Header lines that are neither fields nor comments are not ABC; music21 would read notes
    # out of such prose (e.g. "N bars 13 and 21 are |f2ed|"), so they are left out.
    header = [line for line in lines[:key_line] if _FIELD_LINE.match(line) or line.startswith("%") or not line.strip()]
    meter_text = next((line[2:].strip() for line in reversed(header) if line.startswith("M:")), None)
    unit_text = next((line[2:].strip() for line in reversed(header) if line.startswith("L:")), None)
    meter = parse_meter(meter_text) if meter_text else None
    features: set[str] = set()
    unit = parse_meter(unit_text) if unit_text else None
    if unit is None or unit <= 0:
        unit = default_unit(meter)
        header.append(f"L:{unit.numerator}/{unit.denominator}")
        if unit_text is None:
            features.add("default unit length")
    key = parse_key(lines[key_line][2:])
    if _has_key_accidentals(lines[key_line][2:]):
        features.add("key-line accidentals")
    reader = _Reader(key, unit, meter, meter_text)
    reader.features |= features
    propagate = _PROPAGATE.search(tune)
    if propagate:
        reader.propagate = propagate.group(1)
    for line in lines[:key_line]:  # %%MIDI lines in the header hold for every voice
        if line.startswith("%%MIDI"):
            reader.directive(line)
    reader.header_transpose, reader.header_program = reader.current.transpose, reader.current.program
    shift = _clef_shift(lines[key_line][2:])
    if shift is not None:
        reader.current.transpose = reader.header_transpose = shift
    # Voices declared in the header (V:1 name="Flute" before K:, as ABC 2.1 lays them out) are
    # read as the body's are; left in the header text, music21 made an empty part of each and the
    # music went to further parts, without the names.
    voice_lines = [line for line in header if line.startswith("V:")]
    header = [line for line in header if not line.startswith("V:")]
    for line in voice_lines:
        reader.field("V", line[2:].strip())
    if voice_lines:
        reader.current = reader.voices[reader.order[0]]  # music before any V: is the first voice's
    parts_order = next((line[2:].split("%")[0].strip() for line in header if line.startswith("P:")), "")
    for line in lines[key_line + 1:]:
        if line.startswith("%"):
            if line.startswith("%%MIDI"):
                reader.directive(line)
            continue
        match = _FIELD_LINE.match(line)
        if match and not line.startswith("|:") and not re.match(r"^[A-Ga-gzxZ]:\|", line):
            reader.field(match.group(1), match.group(2).strip())
            continue
        reader.music(line)

    body: list[str] = []
    result = NormalisedTune("")
    first_meter = meter_pair(meter_text) if meter_text else None
    for voice in reader.voices.values():
        _settle_ties(voice)
    for number, name in enumerate(reader.order):
        items = reader.voices[name].items
        if parts_order and len(reader.order) == 1:
            items, played_parts = _in_part_order(items, parts_order)
            if played_parts:
                reader.features.add("parts")
        voice_items, repeated = perform(items)
        result.programs.append(reader.voices[name].program)
        result.names.append(reader.voices[name].title)
        if repeated:
            reader.features.add("repeats")
        if len(reader.order) > 1:
            body.append(f"V:{name}")
        text, position, meters, keys, notes, first_bar = _emit(voice_items, unit)
        result.graces += sum(item.graces for item in voice_items if isinstance(item, _Music))
        reader.problems.extend(_odd_bars(reader.voices[name].items, meter, name if len(reader.order) > 1 else None))
        body.append(text)
        if number == 0:
            result.notes, result.ticks = notes, _ticks(position)
            result.written_ticks = _ticks(sum((item.duration for item in reader.voices[name].items
                                               if isinstance(item, _Music)), Fraction(0)))
            result.meters = _meter_map(first_meter, meters, first_bar, meter)
            result.keys = [(0, key.name)] if key.name else []
            result.keys += [(tick, name) for tick, name in keys if name]
        else:
            result.notes += notes
            result.ticks = max(result.ticks, _ticks(position))
    if result.meters and result.meters[0].tick < 0:
        reader.features.add("pickup")
    if len([m for m in result.meters if m.tick > 0]) > 0:
        reader.features.add("meter changes")
    header_text = [line if not line.startswith("K:") else line for line in header]
    result.text = "\n".join(header_text + [f"K:{key.music21_text}"] + body) + "\n"
    result.features = reader.features
    result.problems = reader.problems
    return result


def _odd_bars(items: list, meter: Fraction | None, voice: str | None) -> list[str]:
    """Bars (as written) whose length is not a whole number of bars of their meter: a cross-check
    of what was read. The first and last bar, and bars beside a repeat sign or an ending, may be
    short; a missing bar line (common at line ends) is no problem."""
    bars: list[tuple[Fraction, Fraction | None, bool]] = []  # (length, meter, beside a repeat)
    length, beside = Fraction(0), False
    for item in items:
        if isinstance(item, _Music):
            length += item.duration
        elif isinstance(item, _Field) and item.letter == "M":
            meter = parse_meter(item.value)
        elif isinstance(item, _Bar):
            special = item.start_repeat or item.end_repeat or bool(item.endings) or item.section_end
            if length > 0:
                bars.append((length, meter, beside or special))
            length, beside = Fraction(0), special
    if length > 0:
        bars.append((length, meter, True))
    odd = [number + 1 for number, (length, bar_meter, special) in enumerate(bars)
           if 0 < number < len(bars) - 1 and not special and bar_meter is not None
           and (length / bar_meter).denominator != 1]  # two bars with no line between them are fine
    if not odd:
        return []
    listed = ", ".join(str(n) for n in odd[:5]) + (f" and {len(odd) - 5} more" if len(odd) > 5 else "")
    where = f" in voice {voice}" if voice else ""
    if len(odd) == 1:
        return [f"1 bar{where} does not fill its meter (bar {listed})"]
    return [f"{len(odd)} bars{where} do not fill their meter (bars {listed})"]


def _in_part_order(items: list, order: str) -> tuple[list, bool]:
    """A single-voice body with P:A, P:B ... sections, played in the header's P: order (ABC 2.1
    3.1.9: 'P:ABA', 'P:A2B', 'P:(AB)2'; dots are decoration). Unchanged when there are no parts."""
    sections: dict[str, list] = {}
    current: str | None = None
    lead: list = []
    for item in items:
        if isinstance(item, _Field) and item.letter == "P":
            current = item.value[:1]
            sections.setdefault(current, [])
            continue
        (sections[current] if current else lead).append(item)
    if not sections:
        return items, False
    sequence = _expand_parts(order.replace(".", "").replace(" ", ""))
    if not sequence or any(part not in sections for part in sequence):
        return lead + [item for part in sections.values() for item in part], False
    played = list(lead)
    for part in sequence:
        played += sections[part] + [_Bar("|")]
    return played, True


def _expand_parts(text: str) -> str:
    """'A2B' -> 'AAB', '(AB)2C' -> 'ABABC' (at most 64 parts)."""
    out, index = "", 0
    while index < len(text) and len(out) < 64:
        if text[index] == "(":
            end = text.find(")", index)
            if end < 0:
                return out
            group, index = _expand_parts(text[index + 1:end]), end + 1
        else:
            group, index = text[index], index + 1
        digits = re.match(r"\d+", text[index:])
        if digits:
            index += len(digits.group(0))
        out += group * min(int(digits.group(0)) if digits else 1, 16)
    return out[:64]


def _settle_ties(voice: _Voice) -> None:
    """Write each tie mark as decided when its next note was read (a last one ties to nothing)."""
    decisions = iter(voice.ties)
    for item in voice.items:
        if isinstance(item, _Music) and _TIE_MARK in item.text:
            parts = item.text.split(_TIE_MARK)
            item.text = parts[0] + "".join(next(decisions, "") + part for part in parts[1:])


def _ticks(whole_notes: Fraction) -> int:
    return round(whole_notes * 4 * TICKS_PER_QUARTER)


def _emit(items: list, unit: Fraction):
    """Items -> (text, length in whole notes, meter changes, key changes, notes, first bar length)."""
    parts: list[str] = []
    position = Fraction(0)
    meters: list[tuple[Fraction, str]] = []
    keys: list[tuple[int, str | None]] = []
    notes = 0
    first_bar: Fraction | None = None
    line_open = False
    for item in items:
        if isinstance(item, _Music):
            parts.append(item.text)
            line_open = not item.text.endswith("\n")
            position += item.duration
            notes += item.notes
        elif isinstance(item, _Bar):
            if first_bar is None and position > 0:
                first_bar = position
            parts.append(item.text or "|")
            line_open = True
        else:
            if line_open:
                parts.append("\n")
            parts.append(f"{item.letter}:{item.value}\n")
            line_open = False
            if item.letter == "M":
                meters.append((position, item.value))
            elif item.letter == "K":
                keys.append((_ticks(position), parse_key(item.value).name))
    if first_bar is None:
        first_bar = position
    return "".join(parts), position, meters, keys, notes, first_bar


def _meter_map(first: tuple[int, int] | None, changes: list[tuple[Fraction, str]], first_bar: Fraction,
               meter: Fraction | None) -> list[MeterChange]:
    numerator, denominator = first or (4, 4)
    start = MeterChange(0, numerator, denominator)
    if first is not None and meter is not None and 0 < first_bar < meter:
        start = pickup_meter(numerator, denominator, _ticks(first_bar))
    result = [start]
    for position, text in changes:
        pair = meter_pair(text)
        if pair is not None:
            result.append(MeterChange(_ticks(position), *pair))
    return normalised(result)
