"""What the co-writer's progress bar says: the work done, in the units the generation counts it in.

The generation reports progress(done, total) (composer.generate.CoWriter.generate), and what it
counts depends on the request's shape:

- one voice, one key section: the notes written so far by the variation furthest along, of the
  notes asked for (composer.model.sampling.sample_region; the variations are written together),
  or of a cap where bars are asked for (said as the notes so far: the bars' notes are not known);
- several voices, one key section: voices written x variations, of voices x variations, reported
  as each voice is done (composer.model.region_writer: every variation of a voice in one pass);
- a bounded region across S written key changes (composer.request.key_sections): thousandths of
  the passes, one for the first section's variations together, then one per variation for each
  later section (CoWriter._write_by_key_section).

The bar read "8 / 24 notes" while it counted 3 voices x 8 variations (QA). A report whose total is
not the one its shape gives falls back to a plain percentage, which no unit can make untrue.
"""

from __future__ import annotations

from dataclasses import dataclass

from composer.request import GenerationRequest, key_sections

SECTION_UNIT = 1000  # composer.generate reports key sections in thousandths of a pass


@dataclass(frozen=True, slots=True)
class ProgressShape:
    """How a request's generation counts its progress: its voices, variations, key sections,
    and whether it is written to a number of notes (an open region without `bars`, so the
    notes asked for are the notes written, not a bound)."""

    voices: int
    variations: int
    sections: int = 1
    by_notes: bool = False
    bars: int | None = None  # an open region written to this many bars (a Length in bars)

    @classmethod
    def of(cls, request: GenerationRequest) -> "ProgressShape":
        """The shape of `request` as composer.generate writes it (key_sections on its context, as
        there: one cheap pass over the key map, estimating a key per section it cuts)."""
        sections = len(key_sections(request, request.context()))
        return cls(voices=len(request.region.voices), variations=request.variations, sections=sections,
                   by_notes=request.region.end is None and request.bars is None,
                   bars=request.bars if request.region.end is None and request.length is None else None)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' * (count != 1)}"


def progress_text(shape: ProgressShape | None, done: int, total: int) -> str:
    """The bar's text for a report: 'note 120 of 200 (8 variations together)', 'part 2 of 3 (8
    variations together)', 'key section 2 of 2, variation 3 of 8'; '37 %' when the report's total
    is not the one `shape` gives (or no shape is known)."""
    percent = f"{100 * done // max(1, total)} %"
    if shape is None or total < 1:
        return percent
    together = f" ({_plural(shape.variations, 'variation')} together)" if shape.variations > 1 else ""
    if shape.sections > 1:
        calls = 1 + (shape.sections - 1) * shape.variations
        if total != calls * SECTION_UNIT:
            return percent
        call = min(done // SECTION_UNIT, calls - 1)  # the pass being written, 0-based
        if call == 0:
            return f"key section 1 of {shape.sections}{together}"
        section, variation = 2 + (call - 1) // shape.variations, (call - 1) % shape.variations + 1
        return f"key section {section} of {shape.sections}, variation {variation} of {shape.variations}"
    if shape.voices > 1:
        if total != shape.voices * shape.variations:
            return percent
        if done >= total:
            return f"all {shape.voices} parts written{together}"
        return f"part {done // shape.variations + 1} of {shape.voices}{together}"
    if shape.bars is not None:
        # (the notes a span of bars takes are not known before it is written: the total is only a
        # cap, and "note 20 of at most 192" for 4 bars read as a run stopped a tenth of the way)
        return f"{_plural(shape.bars, 'bar')}: {_plural(done, 'note')} so far{together}"
    asked = "" if shape.by_notes else "at most "  # a fill ends where its span does
    return f"note {min(done, total)} of {asked}{total}{together}"
