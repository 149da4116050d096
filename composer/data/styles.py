"""The named styles of the default corpus: which music21 corpus files belong to which style.

Paths are relative to music21's corpus root (posix separators) and matched with fnmatch. The
order of STYLES is the order of Corpus.styles, so the model's style embedding stays stable: add
new styles at the end, never reorder or rename. User folders add their own styles after these
(see composer.data.sources).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fnmatch import fnmatchcase

# The Essen collections of German-language folk song (Lorraine and Luxembourg included: their
# songs are German-language too). test*.abc are left out: music21 ships them as parser test
# files, and their tunes are spread over several countries.
_ESSEN_GERMAN = ("altdeu", "ballad", "boehme", "dva", "erk", "fink", "kinder", "variant", "zuccal", "lot", "lux")


@dataclass(frozen=True, slots=True)
class Style:
    name: str
    display_name: str
    description: str
    patterns: tuple[str, ...]
    voices: int | None = None  # keep only pieces with exactly this many sounding voices
    group: str = "melodic"  # "melodic" or "groove" (drum grooves), for grouping in style lists

    def matches(self, relpath: str) -> bool:
        return any(fnmatchcase(relpath, pattern) for pattern in self.patterns)


STYLES: tuple[Style, ...] = (
    Style("chinese_folk", "Chinese folk",
          "Han Chinese folk songs from the Essen Folksong Collection (monophonic).",
          ("essenFolksong/han*.abc",)),
    Style("german_folk", "German folk",
          "German-language folk songs from the Essen Folksong Collection (monophonic).",
          tuple(f"essenFolksong/{name}*.abc" for name in _ESSEN_GERMAN)),
    Style("irish", "Irish",
          "Irish dance tunes and airs: O'Neill's Music of Ireland (1850) and the Essen Irish songs.",
          ("oneills1850/*.abc", "essenFolksong/irl.abc")),
    Style("scottish", "Scottish",
          "Scottish airs, reels and strathspeys from Aird's Selection (1782-1803).",
          ("airdsAirs/*.abc",)),
    Style("american_fiddle", "American fiddle",
          "Reels, hornpipes and jigs from Ryan's Mammoth Collection (Boston, 1883).",
          ("ryansMammoth/*.abc",)),
    Style("bach_chorales", "Bach chorales",
          "J. S. Bach's four-part chorale harmonisations (pieces with other voice counts are left out).",
          ("bach/*.mxl", "bach/*.xml", "bach/*.krn"), voices=4),
    Style("renaissance", "Renaissance polyphony",
          "Palestrina's masses and motets (Humdrum editions), four to six voices.",
          ("palestrina/*.krn",)),
    Style("early_polyphony", "Early polyphony",
          "Italian trecento songs and mass movements, and Monteverdi's madrigals.",
          ("trecento/*.xml", "monteverdi/*.mxl")),
    # Styles of the data sets in ../shared/datasets (composer.data.datasets); they match no music21 path.
    Style("jazz", "Jazz (WJazzD)",
          "Transcribed jazz solos with their chord changes, from the Weimar Jazz Database.", ()),
    Style("popular_song", "Popular song",
          "Public-domain popular songs and ballads (1880s-1950s) with chord symbols, from OpenEWLD.", ()),
    Style("popular_song_jazz", "Jazz standards",
          "OpenEWLD lead sheets whose Discogs genre is jazz: standards, with chord symbols.", ()),
    Style("popular_song_rock", "Early rock & roll songs",
          "OpenEWLD lead sheets whose Discogs genre is rock (songs later recorded as rock & roll).", ()),
    Style("popular_song_stage", "Stage & screen songs",
          "OpenEWLD lead sheets whose Discogs genre is stage & screen: show and film tunes.", ()),
    *(Style(f"groove_{slug}", "Other grooves" if slug == "other" else f"{label} groove",
            f"{label} drum grooves and fills from the Groove MIDI Dataset"
            + (" (reggae, gospel, afrobeat, dance, blues, ...: styles with under 25 pieces)." if slug == "other" else "."),
            (), group="groove")
      for slug, label in (("rock", "Rock"), ("funk", "Funk"), ("jazz", "Jazz"), ("latin", "Latin"),
                          ("hiphop", "Hip-hop"), ("soul", "Soul"), ("afrocuban", "Afro-Cuban"), ("punk", "Punk"),
                          ("neworleans", "New Orleans"), ("country", "Country"), ("pop", "Pop"),
                          ("other", "Other"))),
)

# Files whose tunes are variants of one another (not exact copies, so the split's content hash
# cannot see it): all pieces of such a file share one split, so no variant of a training tune
# is a test piece.
VARIANT_FILES: tuple[str, ...] = ("essenFolksong/variant*.abc",)

STYLE_NAMES: tuple[str, ...] = tuple(style.name for style in STYLES)
STYLE_BY_NAME: dict[str, Style] = {style.name: style for style in STYLES}


def style_of_corpus_path(relpath: str) -> Style | None:
    """The style a music21 corpus file belongs to, or None when it is not part of the corpus."""
    for style in STYLES:
        if style.matches(relpath):
            return style
    return None


def split_group(source: str, relpath: str) -> str | None:
    """The split group of a file's pieces (see VARIANT_FILES), or None: each piece on its own."""
    if source == "music21" and any(fnmatchcase(relpath, pattern) for pattern in VARIANT_FILES):
        return f"{source}:{relpath}"
    return None


def style_name_from_folder(name: str) -> str:
    """A folder name as a style name: lower case, runs of other characters as one '_'.

    'Jazz Standards' -> 'jazz_standards'. A user folder named like a built-in style ('irish')
    joins that style.
    """
    slug = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
    return slug or "user"


def ordered_styles(present: set[str] | list[str]) -> list[str]:
    """Built-in styles in table order (always all of them), then any other styles sorted."""
    extra = sorted(set(present) - set(STYLE_NAMES))
    return [*STYLE_NAMES, *extra]


def display_name(style_id: str | None) -> str:
    """A style as a person reads it: the table's display name ('bach_chorales' -> 'Bach chorales'),
    or a user folder's style with spaces and a capital ('jazz_standards' -> 'Jazz standards');
    None or '' -> 'Neutral' (no style)."""
    if not style_id or style_id == "neutral":
        return "Neutral"
    style = STYLE_BY_NAME.get(style_id)
    if style is not None:
        return style.display_name
    text = style_id.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


GROUPS: tuple[tuple[str, str], ...] = (("melodic", "Melodic styles"), ("groove", "Groove styles"))


def display_name(style: str | None) -> str:
    """A style's readable name: 'irish' -> 'Irish', 'groove_rock' -> 'Rock groove', 'jazz' ->
    'Jazz (WJazzD)'; a user style from its folder slug ('jazz_tunes' -> 'Jazz tunes'); None or
    'neutral' -> 'Neutral'."""
    if not style or style == "neutral":
        return "Neutral"
    known = STYLE_BY_NAME.get(style)
    if known is not None:
        return known.display_name
    words = style.replace("_", " ").strip()
    return words[:1].upper() + words[1:] if words else style


def style_group(style: str) -> str:
    """'groove' for drum-groove styles (built-in groove_* and user styles named so), else 'melodic'."""
    known = STYLE_BY_NAME.get(style)
    if known is not None:
        return known.group
    return "groove" if style.startswith("groove_") else "melodic"


def grouped_styles(styles) -> list[tuple[str, list[str]]]:
    """Styles in their given order, grouped for display: [("Melodic styles", [...]), ("Groove styles", [...])];
    empty groups are left out."""
    return [(title, [s for s in styles if style_group(s) == group]) for group, title in GROUPS
            if any(style_group(s) == group for s in styles)]


def style_list_lines(styles) -> list[str]:
    """The lines `composer continue --list-styles` prints: grouped, each style's id (for --style)
    then its readable name."""
    styles = [s for s in styles if s != "neutral"]
    width = max((len(s) for s in styles), default=0)
    lines = [f"  {'neutral':<{width}}  {display_name(None)} (no style; the default)"]
    for title, members in grouped_styles(styles):
        lines.append(title)
        lines += [f"  {style:<{width}}  {display_name(style)}" for style in members]
    return lines
