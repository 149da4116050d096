"""MusicXML text made safe for music21 to read as notation programs play it.

MusicXML 4.0 (https://www.w3.org/2021/06/musicxml40/) facts music21 (9.x) reads wrong, each
fixed in the XML before music21 parses it:

- unpitched percussion (`<unpitched>`): music21 drops which instrument each note is for; it
  becomes a pitched note on the General MIDI drum key the part list gives (`<midi-unpitched>`,
  1-based), or the common drum-set staff position when none is given, and the part a drum voice;
- a `<forward>` (a silent stretch in a voice; music21 loses one that ends a bar) becomes an
  invisible rest of the same length;
- a `<direction>` between the notes of a chord (music21 then splits the chord in time) moves to
  after the chord;
- a note with no `<staff>` in a part of several staves (music21 puts it on every staff) goes to
  staff 1, the standard's default;
- a part with no `<divisions>` gets them from its first note's `<type>` and `<duration>`.

Repeats, transposing instruments, dynamics and grace notes are handled on music21's side
(composer.io.music21_reader).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

_STEPS = (("C", 0), ("C", 1), ("D", 0), ("D", 1), ("E", 0), ("F", 0), ("F", 1), ("G", 0), ("G", 1), ("A", 0),
          ("A", 1), ("B", 0))
# Where drum-set notation (as notation programs lay it out) puts each General MIDI drum.
DRUM_STAFF_KEYS = {("E", 4): 35, ("F", 4): 36, ("C", 5): 38, ("A", 4): 43, ("B", 4): 45, ("D", 5): 47,
                   ("E", 5): 48, ("F", 5): 51, ("G", 5): 42, ("A", 5): 49, ("D", 4): 44}
_TYPE_QUARTERS = {"maxima": Fraction(32), "long": Fraction(16), "breve": Fraction(8), "whole": Fraction(4),
                  "half": Fraction(2), "quarter": Fraction(1), "eighth": Fraction(1, 2), "16th": Fraction(1, 4),
                  "32nd": Fraction(1, 8), "64th": Fraction(1, 16), "128th": Fraction(1, 32)}


@dataclass(slots=True)
class PreparedXml:
    text: str
    drum_parts: set[int] = field(default_factory=set)  # indices (file order) of percussion parts
    pickup: bool = False  # the first measure is marked implicit (a pickup)
    notes: int = 0  # sounding note heads in the file (pitched, unpitched, grace; not rests or cues)
    features: set[str] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)


def musicxml_text(path: Path) -> bytes:
    """The score document's bytes: a .musicxml/.xml file, or a compressed .mxl's rootfile.
    Bytes, not text: the XML parser reads the document's own encoding (UTF-16 files exist)."""
    if path.suffix.lower() != ".mxl":
        return path.read_bytes()
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        root = None
        try:
            container = ET.fromstring(archive.read("META-INF/container.xml")) if "META-INF/container.xml" in names \
                else None
        except ET.ParseError:  # e.g. OpenEWLD's full-path='Lulu's Back in Town.xml': take the one score file
            container = None
        if container is not None:
            for element in container.iter():
                if element.tag.endswith("rootfile") and element.get("full-path") in names:
                    root = element.get("full-path")
                    break
        if root is None:
            root = next(n for n in names if n.lower().endswith((".xml", ".musicxml")) and not n.startswith("META-INF"))
        return archive.read(root)


def prepare(data: bytes) -> PreparedXml | None:
    """Rewrite a score-partwise document (see the module doc); None for anything else (a
    timewise score, XML ElementTree cannot parse): the caller lets music21 read the file as is."""
    try:
        root = ET.fromstring(data)
    except ET.ParseError:
        return None
    if root.tag != "score-partwise":
        return None
    result = PreparedXml("")
    unpitched_keys = _unpitched_keys(root)
    for index, part in enumerate(root.findall("part")):
        _fix_divisions(part, result)
        staves = 1
        for number, measure in enumerate(part.findall("measure")):
            if index == 0 and number == 0 and measure.get("implicit") == "yes":
                result.pickup = True
            for attributes in measure.findall("attributes"):
                found = attributes.findtext("staves")
                if found and found.strip().isdigit():
                    staves = int(found)
            _fix_measure(measure, staves, unpitched_keys.get(part.get("id"), {}), index, result)
    result.notes = sum(1 for note in root.iter("note")
                       if note.find("pitch") is not None and note.find("cue") is None)
    result.text = ET.tostring(root, encoding="unicode")
    return result


def _unpitched_keys(root) -> dict[str, dict[str | None, int]]:
    """part id -> {instrument id: General MIDI key}; key None when the part has just one."""
    found: dict[str, dict[str | None, int]] = {}
    part_list = root.find("part-list")
    if part_list is None:
        return found
    for score_part in part_list.findall("score-part"):
        keys: dict[str | None, int] = {}
        for midi in score_part.findall("midi-instrument"):
            text = midi.findtext("midi-unpitched")
            if text and text.strip().isdigit() and 1 <= int(text) <= 128:
                keys[midi.get("id")] = int(text) - 1  # midi-unpitched counts from 1
        if len(keys) == 1:
            keys[None] = next(iter(keys.values()))
        found[score_part.get("id")] = keys
    return found


def _fix_divisions(part, result: PreparedXml) -> None:
    if part.find("measure/attributes/divisions") is not None:
        return
    for note in part.iter("note"):
        duration, kind = note.findtext("duration"), note.findtext("type")
        if duration and duration.strip().isdigit() and kind in _TYPE_QUARTERS:
            quarters = _TYPE_QUARTERS[kind] * (Fraction(3, 2) if note.find("dot") is not None else 1)
            divisions = Fraction(int(duration)) / quarters
            if divisions.denominator == 1 and divisions > 0:
                break
    else:
        divisions = Fraction(1)
    measure = part.find("measure")
    if measure is None:
        return
    attributes = measure.find("attributes")
    if attributes is None:
        attributes = ET.Element("attributes")
        measure.insert(0, attributes)
    element = ET.Element("divisions")
    element.text = str(divisions.numerator)
    attributes.insert(0, element)
    result.problems.append(f"a part had no <divisions>; {divisions.numerator} per quarter note taken from its notes' types")


def _fix_measure(measure, staves: int, keys: dict, part_index: int, result: PreparedXml) -> None:
    children = list(measure)
    for position, child in enumerate(children):
        if child.tag == "forward":
            rest = ET.Element("note", {"print-object": "no"})
            ET.SubElement(rest, "rest")
            for name in ("duration", "voice", "staff"):
                value = child.find(name)
                if value is not None:
                    ET.SubElement(rest, name).text = value.text
            measure.remove(child)
            measure.insert(position, rest)
        elif child.tag == "note":
            if staves > 1 and child.find("staff") is None:
                ET.SubElement(child, "staff").text = "1"
            unpitched = child.find("unpitched")
            if unpitched is not None:
                _pitch_for_drum(child, unpitched, keys, result)
                result.drum_parts.add(part_index)
    # A direction between a note and the <chord/> notes after it moves after the chord.
    children = list(measure)
    index = 0
    while index < len(children):
        child = children[index]
        if child.tag == "direction" and index > 0 and children[index - 1].tag == "note":
            end = index + 1
            while end < len(children) and children[end].tag == "direction":
                end += 1
            chord_end = end
            while chord_end < len(children) and children[chord_end].tag == "note" and children[chord_end].find("chord") is not None:
                chord_end += 1
            if chord_end > end:
                directions = children[index:end]
                for direction in directions:
                    measure.remove(direction)
                anchor = list(measure).index(children[chord_end - 1]) + 1
                for offset, direction in enumerate(directions):
                    measure.insert(anchor + offset, direction)
                children = list(measure)
                index = chord_end
                continue
        index += 1


def _pitch_for_drum(note, unpitched, keys: dict, result: PreparedXml) -> None:
    instrument = note.find("instrument")
    key = keys.get(instrument.get("id") if instrument is not None else None)
    if key is None:
        staff_position = (unpitched.findtext("display-step") or "").strip(), (unpitched.findtext("display-octave") or "").strip()
        if staff_position[1].isdigit():
            key = DRUM_STAFF_KEYS.get((staff_position[0], int(staff_position[1])))
        if key is None:
            key = 38
            result.problems.append(f"a drum note at {'/'.join(staff_position)} names no MIDI drum: played as a snare (38)")
    step, alter = _STEPS[key % 12]
    pitch = ET.Element("pitch")
    ET.SubElement(pitch, "step").text = step
    if alter:
        ET.SubElement(pitch, "alter").text = str(alter)
    ET.SubElement(pitch, "octave").text = str(key // 12 - 1)
    position = list(note).index(unpitched)
    note.remove(unpitched)
    note.insert(position, pitch)
