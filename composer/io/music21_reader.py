"""ABC, MusicXML and Humdrum files -> Score, through music21.

music21 is imported lazily: it takes about a second to import, and nothing on the app's start-up
path needs it.
"""

from __future__ import annotations

import logging
from fractions import Fraction
from pathlib import Path

from composer.io import abc_normalise, abc_text, music21_screens, musicxml_prepare
from composer.io.errors import ScoreFileError, checked_size
from composer.music.chords import ChordSymbol, plain_figure
from composer.music.scales import Key
from composer.music.meter import MeterChange, MeterMap, pickup_meter
from composer.music.score import DEFAULT_VELOCITY, TICKS_PER_QUARTER, KeyChange, Note, Score, TempoChange, Voice

MUSIC21_SUFFIXES = {".abc", ".xml", ".mxl", ".musicxml", ".krn"}
log = logging.getLogger(__name__)


def _ticks(quarter_length) -> int:
    return round(Fraction(quarter_length) * TICKS_PER_QUARTER)


def _voice_of(part, index: int) -> Voice:
    name = (getattr(part, "partName", None) or "").strip() or f"Voice {index + 1}"
    program, is_drum = 0, False
    try:
        instrument = part.getInstrument(returnDefault=False)
    except Exception:  # music21 raises assorted errors on odd instrument data
        instrument = None
    if instrument is not None:
        if instrument.midiProgram is not None:
            program = int(instrument.midiProgram) % 128
        is_drum = instrument.midiChannel == 9
    return Voice(name=name[:64], program=program, is_drum=is_drum)


# A grace note sounds as a 32nd at most, taken from its main note: abc2midi plays an ABC grace
# note as a quarter of the unit length (a 32nd in the common L:1/8), and notation programs alike.
GRACE_TICKS = TICKS_PER_QUARTER // 8


def _performed_part(part, features: set[str], problems: list[str]):
    """The part as played: repeats written out (music21's expandRepeats), a transposing
    instrument's written pitches at sounding pitch (toSoundingPitch)."""
    from music21 import bar, instrument, repeat, spanner

    has_repeats = (part.recurse().getElementsByClass((bar.Repeat, repeat.RepeatExpression)).first() is not None
                   or any(isinstance(s, spanner.RepeatBracket) for s in part.spannerBundle))
    if has_repeats:
        try:
            part = part.expandRepeats()
            features.add("repeats")
        except Exception as error:  # music21 refuses malformed repeat structures
            problems.append(f"repeats in {part.partName or 'a part'} left as written ({type(error).__name__}: {str(error)[:80]})")
    transposing = [i for i in part.recurse().getElementsByClass(instrument.Instrument)
                   if i.transposition is not None and i.transposition.semitones != 0]
    if transposing and part.atSoundingPitch is not True:
        try:
            part = part.toSoundingPitch(inPlace=False)
            features.add("transposed parts")
        except Exception as error:
            problems.append(f"{part.partName or 'a part'} left at written pitch ({type(error).__name__})")
    return part


def _dynamic_marks(flat) -> tuple[list[int], list[int]]:
    """(ticks, velocities) of the dynamic marks (p, ff, sfz ...) in a flattened part, in order;
    a mark's velocity is music21's volumeScalar for it times 127."""
    from music21 import dynamics

    ticks, velocities = [], []
    for mark in flat.getElementsByClass(dynamics.Dynamic):
        scalar = mark.volumeScalar
        if scalar:
            ticks.append(_ticks(mark.getOffsetInHierarchy(flat)))
            velocities.append(int(min(127, max(1, round(scalar * 127)))))
    return ticks, velocities


def _part_notes(part, voice: int, features: set[str] | None = None) -> list[Note]:
    """The notes of one part. Grace notes sound, as notation programs play them: on the beat,
    each up to a 32nd, the time taken from the note they lead to. Dynamic marks set the
    velocity of the notes after them (a note's own MIDI velocity wins)."""
    import bisect

    from music21 import harmony

    features = set() if features is None else features
    notes: list[Note] = []
    part.stripTies(inPlace=True)  # the stream was parsed for this read alone; a copy costs ~0.5 s a long tune
    flat = part.flatten()
    mark_ticks, mark_velocities = _dynamic_marks(flat)
    if mark_ticks:
        features.add("dynamics")
    graces: list = []
    for element in flat.notes:
        duration = _ticks(element.duration.quarterLength)
        if duration <= 0:  # a grace note sounds with the next note; a chord symbol is no note
            if element.duration.isGrace and not isinstance(element, harmony.Harmony):
                graces.append(element)
            continue
        onset = _ticks(element.getOffsetInHierarchy(flat))
        if onset < 0:
            graces.clear()
            continue
        velocity = element.volume.velocity  # None when the source gives none
        if not velocity and mark_ticks:
            at = bisect.bisect_right(mark_ticks, onset) - 1
            velocity = mark_velocities[at] if at >= 0 else None
        velocity = int(min(127, max(1, velocity))) if velocity else DEFAULT_VELOCITY
        if graces:
            length = max(1, min(GRACE_TICKS, duration // (2 * len(graces))))
            for number, grace in enumerate(graces):
                for pitch in getattr(grace, "pitches", ()):
                    midi = int(round(pitch.ps))
                    if 0 <= midi <= 127:
                        notes.append(Note(midi, onset + number * length, length, velocity, voice))
            features.add("grace notes")
            onset, duration = onset + len(graces) * length, duration - len(graces) * length
            graces.clear()
        pitches = getattr(element, "pitches", ())
        for pitch in pitches:
            midi = int(round(pitch.ps))
            if 0 <= midi <= 127:
                notes.append(Note(midi, onset, duration, velocity, voice))
    return notes


def _chord_track(streams, end: int) -> list[ChordSymbol]:
    """The chord symbols of the parts as played (MusicXML <harmony>, ABC quoted chords), each
    lasting until the next one; the last until the end of the notes. Figures in lead-sheet
    spelling ("Bbm7"). Read from the parts with their repeats written out, as the notes are: read
    from the score as written, a lead sheet's chords after a repeat sat at their written place
    (a second ending's G over the repeat of bar 1) and the last bars had none; 41 % of one
    OpenEWLD song played on without chords (QA)."""
    from music21 import harmony

    found: dict[int, str] = {}
    for stream in streams:
        for symbol in stream.recurse().getElementsByClass(harmony.ChordSymbol):
            if isinstance(symbol, harmony.NoChord):
                continue
            onset = _ticks(symbol.getOffsetInHierarchy(stream))
            if onset >= 0 and symbol.figure:
                found.setdefault(onset, plain_figure(symbol.figure))  # several parts may repeat a chord
    onsets = sorted(found)
    ends = onsets[1:] + [max(end, onsets[-1] + TICKS_PER_QUARTER) if onsets else 0]
    return [ChordSymbol(onset, stop - onset, found[onset]) for onset, stop in zip(onsets, ends) if stop > onset]


def _key_of(signature) -> Key:
    from music21 import key as m21key

    as_key = signature if isinstance(signature, m21key.Key) else signature.asKey("major")
    mode = as_key.mode if as_key.mode in ("major", "minor", "dorian", "mixolydian", "lydian", "phrygian", "locrian") else "major"
    return Key(as_key.tonic.pitchClass, mode)


def _pickup_ticks(part) -> int:
    """Length of a first measure that music21 marks as a pickup (paddingLeft, measure 0), else 0."""
    measure = part.getElementsByClass("Measure").first()
    if measure is None or not (measure.paddingLeft > 0 or measure.number == 0):
        return 0
    return _ticks(measure.duration.quarterLength)


def score_from_music21(stream, *, title: str = "") -> Score:
    """Convert one music21 Score (or Part) into a Score."""
    from music21 import key as m21key
    from music21 import meter

    parts = list(getattr(stream, "parts", [])) or [stream]
    features: set[str] = set()
    problems: list[str] = []
    written = max((_ticks(part.highestTime) for part in parts), default=0)
    staves = _staff_labels(parts)
    parts = [_performed_part(part, features, problems) for part in parts]
    voices, notes = [], []
    for index, part in enumerate(parts):
        voices.append(_voice_of(part, index))
        if staves[index] and voices[-1].name:
            voices[-1].name = f"{voices[-1].name[:64 - len(staves[index]) - 3]} ({staves[index]})"
        notes.extend(_part_notes(part, index, features))

    tempos = []
    try:
        for start, _end, mark in stream.metronomeMarkBoundaries():
            bpm = mark.getQuarterBPM()
            if bpm and 10 <= bpm <= 400:
                tempos.append(TempoChange(_ticks(start), float(bpm)))
    except Exception:  # a malformed tempo mark must not cost the notes
        tempos = []
    tempos = [t for i, t in enumerate(tempos) if i == 0 or t.bpm != tempos[i - 1].bpm] or None

    first_part = parts[0]
    meters = []
    for found in first_part.recurse().getElementsByClass(meter.TimeSignature):
        if 0 < found.numerator <= 255 and found.denominator in (1, 2, 4, 8, 16, 32, 64):
            if meters and (meters[-1].numerator, meters[-1].denominator) == (found.numerator, found.denominator):
                continue  # restated (as expandRepeats copies it into a repeat): the bar grid goes on
            meters.append(MeterChange(_ticks(found.getOffsetInHierarchy(first_part)), int(found.numerator),
                                      int(found.denominator)))
    if not meters:  # a score-level signature outside the parts
        found = stream.recurse().getElementsByClass(meter.TimeSignature).first()
        if found is not None and 0 < found.numerator <= 255 and found.denominator in (1, 2, 4, 8, 16, 32, 64):
            meters.append(MeterChange(0, int(found.numerator), int(found.denominator)))
    if meters and meters[0].tick == 0:
        meters[0] = pickup_meter(meters[0].numerator, meters[0].denominator, _pickup_ticks(first_part))
    if meters and meters[0].tick < 0:
        features.add("pickup")  # as the ABC reader says it (composer data info counts them)

    keys = []
    for signature in first_part.recurse().getElementsByClass(m21key.KeySignature):
        keys.append(KeyChange(_ticks(signature.getOffsetInHierarchy(first_part)), _key_of(signature)))
    if not keys:
        signature = stream.recurse().getElementsByClass(m21key.KeySignature).first()
        if signature is not None:
            keys.append(KeyChange(0, _key_of(signature)))
    keys = [k for i, k in enumerate(keys) if i == 0 or k.key != keys[i - 1].key]

    if not title and stream.metadata is not None:
        title = stream.metadata.title or stream.metadata.movementName or ""
    score = Score(notes=notes, voices=voices, meters=meters, keys=keys, title=title,
                  features=frozenset(features), problems=tuple(problems))
    try:
        score.chords = _chord_track(parts, score.end)
    except Exception as error:  # an odd chord symbol must not cost the notes
        log.warning("chord symbols left out (%s: %s)", type(error).__name__, error)
    if tempos:
        score.tempos = tempos if tempos[0].tick == 0 else [TempoChange(0, tempos[0].bpm), *tempos]
    if "repeats" in features:
        _say_repeats(score, written, max((_ticks(part.highestTime) for part in parts), default=0))
    return score


def _staff_labels(parts) -> list[str]:
    """Per part, what tells the staves of one part apart ('' for a part of one staff): music21
    makes each staff of a grand-staff part a PartStaff of the same name, and two voices called
    'Piano' could not be told apart or picked by --voices (QA F18). Two staves are played by two
    hands (piano, harp, organ manuals): 'RH'/'LH'; more are numbered 'staff 1', 'staff 2', ..."""
    from music21 import stream

    groups: dict[tuple, list[int]] = {}
    for index, part in enumerate(parts):
        if isinstance(part, stream.PartStaff):
            owner = str(part.id).rsplit("-Staff", 1)[0]  # music21's ids: 'P1-Staff1', 'P1-Staff2'
            groups.setdefault((owner, part.partName), []).append(index)
    labels = [""] * len(parts)
    for members in groups.values():
        if len(members) == 2:
            labels[members[0]], labels[members[1]] = "RH", "LH"
        elif len(members) > 2:
            for number, index in enumerate(members, 1):
                labels[index] = f"staff {number}"
    return labels


def _say_repeats(score: Score, written: int, played: int) -> None:
    """Add the notice that repeats were written out as played, with both lengths in bars, since
    bar numbers (the ruler's, Fill's --bars) count played bars (QA: a fiddler asking for bars 5-6
    did not know that was the A part's second time)."""
    if any(n.startswith("repeats written out") for n in score.notices) or played <= 0:
        return
    meters = MeterMap(score.meters)
    first = 0 if meters.pickup_ticks else 1

    def bars(ticks: int) -> int:
        return meters.bar_index(max(0, ticks - 1)) + first

    as_written = f" from {bars(written)} written" if 0 < written < played else ""
    score.notices += (f"repeats written out as played: {bars(played)} bars{as_written}; bar numbers count "
                      "played bars",)


MAX_TEXT_BYTES = 16 * 2**20  # the largest corpus file is ~1.3 MB; music21 takes minutes on 16 MB
_TEXT_FORMATS = {".abc": "abc", ".krn": "humdrum"}


def _pieces(parsed) -> list:
    from music21 import stream as m21stream

    return list(parsed.scores) if isinstance(parsed, m21stream.Opus) else [parsed]


_NORMALISED = "_composer_abc_reading"  # attribute on a music21 stream: its abc_normalise result
_PREPARED = "_composer_musicxml_reading"  # ... and its musicxml_prepare result


def _note_heads(stream) -> int:
    """Sounding note heads in a music21 stream, grace notes included, chord symbols not."""
    from music21 import harmony

    return sum(len(getattr(element, "pitches", ())) for element in stream.recurse().notes
               if not isinstance(element, harmony.Harmony)
               and (element.duration.quarterLength > 0 or element.duration.isGrace))


def _odd_measures(piece) -> list[str]:
    """Measures (not the first or last of a part) whose length is not their time signature's:
    a cross-check of what music21 read (an irregular bar is also written so, e.g. a cadenza)."""
    from music21 import bar

    found = []
    for part in list(getattr(piece, "parts", [])) or [piece]:
        measures = list(part.getElementsByClass("Measure"))
        lengths = [m.duration.quarterLength for m in measures]
        meters = [m.barDuration.quarterLength if m.barDuration is not None else None for m in measures]
        odd = []
        for i in range(1, len(measures) - 1):
            if meters[i] is None or lengths[i] == meters[i]:
                continue
            # A bar split in two at a repeat sign (4a/4b, as chorales write it) is whole.
            if (lengths[i - 1] + lengths[i] == meters[i] and lengths[i - 1] != meters[i - 1]) or \
                    (lengths[i] + lengths[i + 1] == meters[i] and lengths[i + 1] != meters[i + 1]):
                continue
            if any(isinstance(b, bar.Repeat) for b in (measures[i].leftBarline, measures[i].rightBarline)):
                continue
            odd.append(str(measures[i].number))
        if odd:
            listed = ", ".join(odd[:5]) + (f" and {len(odd) - 5} more" if len(odd) > 5 else "")
            found.append(f"{part.partName or 'a part'}: {len(odd)} bar{'s' if len(odd) > 1 else ''} "
                         f"not as long as {'their' if len(odd) > 1 else 'its'} meter (bar{'s' if len(odd) > 1 else ''} {listed})")
    return found


def _apply_abc_reading(score: Score, normal) -> None:
    """Give a Score read from normalised ABC the meter and key maps computed from the text."""
    score.meters = list(normal.meters) or score.meters
    keys = []
    for tick, name in normal.keys:
        try:
            key = Key.parse(name)
        except ValueError:
            continue
        if not keys or keys[-1].key != key:
            keys.append(KeyChange(tick, key))
    score.keys = keys or score.keys
    score.features = score.features | frozenset(normal.features)
    score.problems = tuple(normal.problems) + score.problems
    if "repeats" in normal.features:
        _say_repeats(score, normal.written_ticks, normal.ticks)
    for voice, program in zip(score.voices, normal.programs):  # %%MIDI program
        if program is not None:
            voice.program = program
    for voice, name in zip(score.voices, normal.names):  # V: name="Fiddle"
        if name:
            voice.name = name


def _apply_musicxml_reading(score: Score, prepared) -> None:
    """Percussion parts become drum voices; what the XML preparation did is reported."""
    for index in prepared.drum_parts:
        if index < len(score.voices):
            score.voices[index].is_drum = True
            score.voices[index].program = 0
    features = set(prepared.features) | ({"drums"} if prepared.drum_parts else set())
    score.features = score.features | frozenset(features)
    score.problems = tuple(prepared.problems) + score.problems


def _parse_pieces(path: Path, problems: list[str]) -> list:
    """music21 streams for every piece in the file; problems collects the pieces skipped."""
    from music21 import converter

    suffix = path.suffix.lower()
    if suffix not in _TEXT_FORMATS:
        if suffix == ".mxl":
            problem = music21_screens.mxl_problem(path)
        else:
            problem = music21_screens.musicxml_problem(path.read_bytes().decode("utf-8", errors="replace"))
        if problem:
            raise ScoreFileError(path, problem)
        prepared = musicxml_prepare.prepare(musicxml_prepare.musicxml_text(path))
        if prepared is None:  # not partwise, or XML our parser refuses: music21 reads the file as is
            return _pieces(converter.parseFile(path, format="musicxml", forceSource=True, storePickle=False))
        found = _pieces(converter.parseData(prepared.text, format="musicxml"))
        for piece in found:
            setattr(piece, _PREPARED, prepared)
        return found
    text = abc_text.decode(path.read_bytes())
    if suffix == ".krn":
        problem = music21_screens.oversized_meter(text, "humdrum")
        if problem:
            raise ScoreFileError(path, problem)
        return _pieces(converter.parseData(text, format="humdrum"))
    pieces, first_error = [], None
    for number, tune in enumerate(abc_text.split_tunes(text), 1):
        label = next((line.strip() for line in tune.splitlines() if line.startswith("X:")), f"tune {number}")
        hostile = abc_text.hostile_reason(tune)
        if hostile:
            problems.append(f"{label} skipped: {hostile}")
            first_error = first_error or ValueError(hostile)
            continue
        try:
            normal = abc_normalise.normalise_tune(tune)
        except Exception as error:  # a normaliser bug must not cost the tune: music21 reads it as written
            normal = None
            problems.append(f"{label}: read as music21 reads it ({type(error).__name__} while normalising: {error})")
        try:
            with music21_screens.notes_only_parsing():  # no beams, no re-barring: seconds per tune
                found = _pieces(converter.parseData(normal.text if normal else tune, format="abc"))
            for piece in found:
                setattr(piece, _NORMALISED, normal)  # the meter/key maps music21 does not keep
            pieces.extend(found)
        except Exception as error:  # music21 raises many unrelated types on bad input
            first_error = first_error or error
            problems.append(f"{label} skipped ({type(error).__name__}: {str(error)[:120]})")
    if not pieces and first_error is not None:
        if not any(line.startswith(("X:", "K:")) for line in text.splitlines()):
            raise ScoreFileError(path, "no ABC tune in it: a tune starts with an X: line and a K: line (X:1, "
                                       "T:Title, M:4/4, L:1/8, K:G, then the notes); is it an ABC file?")
        raise first_error
    return pieces


# What to do about a file music21 could not read, by format: the message says what failed
# ("ABCHandlerException: ..."), and without this nothing said what to do about it.
_ADVICE = {
    ".abc": "check the tune's header lines (X:, M:, L:, K:) and its notes, e.g. by playing it with abc2midi",
    ".krn": "check that it is Humdrum **kern, one spine per part (e.g. with the Humdrum toolkit)",
}
_XML_ADVICE = "export it again as MusicXML from the program that made it"


def read_music21_scores(path: str | Path) -> list[Score]:
    """Every piece in the file (an ABC file often holds a whole collection of tunes). Broken
    tunes in an ABC collection are skipped and logged; the others are kept."""
    path = Path(path)
    checked_size(path, MAX_TEXT_BYTES, f"{path.suffix} files")
    problems: list[str] = []
    try:
        pieces = _parse_pieces(path, problems)
    except ScoreFileError:
        raise
    except RecursionError as error:
        raise ScoreFileError(path, f"not a readable {path.suffix} file (nested too deeply)") from error
    except Exception as error:  # music21 raises many unrelated types on bad input
        advice = _ADVICE.get(path.suffix.lower(), _XML_ADVICE)
        raise ScoreFileError(path, f"not a readable {path.suffix} file ({type(error).__name__}: "
                             f"{str(error)[:200]}); {advice}") from error
    scores = []
    for number, piece in enumerate(pieces, 1):
        try:
            normal = getattr(piece, _NORMALISED, None)
            prepared = getattr(piece, _PREPARED, None)
            checked = normal is not None or prepared is not None
            heads = _note_heads(piece) if checked else 0  # before ties are joined and repeats written out
            odd_bars = _odd_measures(piece) if prepared is not None else []
            score = score_from_music21(piece)
            if normal is not None:
                _apply_abc_reading(score, normal)
                expected = normal.notes + normal.graces
                if heads != expected:  # the cross-check: what music21 read against the text
                    score.problems += (f"{score.title or f'tune {number}'}: {heads} notes read where the "
                                       f"text has {expected}",)
            if prepared is not None:
                _apply_musicxml_reading(score, prepared)
                if heads != prepared.notes:  # the cross-check: what music21 read against the XML
                    score.problems += (f"{heads} notes read where the file has {prepared.notes}",)
                score.problems += tuple(odd_bars)
                if not score.title:
                    score.title = path.stem  # music21 named it after the file before; parseData cannot
            scores.append(score)
        except Exception as error:  # one odd piece must not cost the rest of a collection
            problems.append(f"piece {number} skipped ({type(error).__name__}: {str(error)[:120]})")
    for problem in problems:
        log.warning("%s: %s", path, problem)
    scores = [s for s in scores if s.notes]
    if not scores:
        detail = f" ({problems[0]})" if problems else ""
        raise ScoreFileError(path, f"the file holds no notes{detail}")
    return scores
