"""build_corpus: list the sources' files, parse what the cache lacks, write corpus.npz.

A rebuild with nothing changed parses nothing and, when the set of files is the same as last
time, does not even rewrite corpus.npz.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from composer.data.cache import (CORPUS, FORMAT_VERSION, default_cache_dir, drop_unused_entries, entry_path,
                                 failure_path, file_sha256, read_entry, read_manifest, write_manifest)
from composer.data.corpus import Piece, corpus_fingerprint, write_corpus_file
from composer.data.parse import ParseJob, parse_files
from composer.data.sources import Source, SourceFile, source_from_spec
from composer.data.split import SPLIT_VERSION, split_of
from composer.data.styles import STYLE_BY_NAME, ordered_styles, split_group


@dataclass(slots=True)
class BuildReport:
    cache_dir: Path
    files: int = 0  # source files found
    parsed: int = 0  # parsed in this build
    cached: int = 0  # taken from the cache unchanged
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (file, reason): unreadable files
    problems: list[tuple[str, list[str]]] = field(default_factory=list)  # (file, what reading worked around)
    filtered: int = 0  # pieces left out by a style's rule (e.g. chorales without four voices)
    pieces: int = 0
    notes: int = 0
    parse_seconds: float = 0.0
    seconds: float = 0.0
    consolidated: bool = False  # corpus.npz was (re)written

    def summary(self) -> str:
        lines = [f"{self.files} files ({self.parsed} parsed, {self.cached} cached, {len(self.skipped)} skipped), "
                 f"{self.pieces} pieces, {self.notes} notes in {self.seconds:.1f} s -> {self.cache_dir}"]
        if self.filtered:
            lines.append(f"{self.filtered} pieces left out by style rules")
        if self.skipped:
            lines.append("skipped files:")
            lines += [f"  {name}: {reason}" for name, reason in self.skipped]
        if self.problems:
            lines.append(f"files read with problems ({len(self.problems)}; all of them in manifest.json):")
            for name, problems in self.problems:
                more = f" (and {len(problems) - 2} more)" if len(problems) > 2 else ""
                lines.append(f"  {name}: {'; '.join(problems[:2])}{more}")
        return "\n".join(lines)


def _resolve_sources(sources) -> list[Source]:
    if sources is None:
        return [source_from_spec("default")]
    if isinstance(sources, (str, Path)):
        sources = [sources]
    return [source_from_spec(s) if isinstance(s, (str, Path)) else s for s in sources]


def _list_files(sources: list[Source]) -> list[SourceFile]:
    files, seen = [], set()
    for source in sources:
        for file in source.files():
            if file.key not in seen:
                seen.add(file.key)
                files.append(file)
    return files


def _file_hash(file: SourceFile) -> str:
    """The cache key of a file: its bytes' sha256, or for a data set's reader, a digest of the reader,
    the bytes of every file it reads and the index facts it is given (any of them changing re-parses)."""
    if file.reader == "score" and not file.extra and not file.meta:
        return file_sha256(file.path)
    parts = [file.reader, file_sha256(file.path), *(file_sha256(file.root / p) for p in file.extra), file.meta]
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()


def _fingerprint(files: list[SourceFile], hashes: list[str]) -> str:
    listing = [FORMAT_VERSION, SPLIT_VERSION] + [[f.key, f.style, h] for f, h in zip(files, hashes)]
    return hashlib.sha256(json.dumps(listing).encode()).hexdigest()


def _collect_pieces(files: list[SourceFile], hashes: list[str], cache_dir: Path, report: BuildReport,
                    errors: dict[str, str], counts: dict[str, int]) -> list[Piece]:
    pieces = []
    for file, sha in zip(files, hashes):
        if file.key in errors:
            continue
        entry = read_entry(entry_path(cache_dir, sha))
        counts[file.key] = len(entry)
        if entry.problems:
            report.problems.append((file.key, list(entry.problems)))
        rule = STYLE_BY_NAME.get(file.style)
        group = split_group(file.source, file.relpath)
        for index in range(len(entry)):
            notes = entry.notes[index]
            if rule is not None and rule.voices is not None and len(set(notes[:, 4].tolist())) != rule.voices:
                report.filtered += 1
                continue
            pieces.append(Piece(
                id=f"{file.key}#{index}", style=file.style, source=file.key, title=entry.title[index],
                notes=notes, bpm=entry.bpm[index], time_signature=entry.time_signature[index],
                key=entry.key[index], split=file.split or split_of(notes, group), drum_voices=entry.drum_voices[index],
                meters=entry.meters[index], keys=entry.keys[index], features=entry.features[index],
                chords=entry.chords[index]))
    return pieces


def build_corpus(sources=None, cache_dir: str | Path | None = None, *, workers: int | None = None,
                 progress: bool = True, force: bool = False,
                 on_file: Callable[[int, int], None] | None = None) -> BuildReport:
    """Parse the sources into the cache and write corpus.npz.

    sources: None or "default" for music21's corpus, folder paths, or Source objects (a list of
    any of these). workers: processes (default os.cpu_count()). force: parse every file again.
    on_file(done, total): called as each file not parsed before is parsed.
    """
    started = time.perf_counter()
    cache_dir = Path(cache_dir).expanduser() if cache_dir is not None else default_cache_dir()
    report = BuildReport(cache_dir=cache_dir)
    files = _list_files(_resolve_sources(sources))
    hashes = [_file_hash(f) for f in files]
    report.files = len(files)

    jobs = []
    for file, sha in zip(files, hashes):
        entry, failure = entry_path(cache_dir, sha), failure_path(cache_dir, sha)
        if not force and (entry.is_file() or failure.is_file()):
            report.cached += 1
        else:
            jobs.append(ParseJob(file.path, entry, failure, reader=file.reader,
                                 extra=tuple(file.root / p for p in file.extra), meta=file.meta))
    parse_started = time.perf_counter()
    parse_files(jobs, workers=workers, progress=progress, on_file=on_file)
    report.parse_seconds = time.perf_counter() - parse_started
    report.parsed = len(jobs)

    errors = {}
    for file, sha in zip(files, hashes):
        failure = failure_path(cache_dir, sha)
        if not entry_path(cache_dir, sha).is_file() and failure.is_file():
            errors[file.key] = failure.read_text(encoding="utf-8")
    report.skipped = sorted(errors.items())

    fingerprint = _fingerprint(files, hashes)
    manifest = read_manifest(cache_dir)
    corpus_path = cache_dir / CORPUS
    counts: dict[str, int] = {}
    if not jobs and manifest and manifest.get("fingerprint") == fingerprint \
            and corpus_fingerprint(corpus_path) == fingerprint:
        report.pieces, report.notes = manifest["pieces"], manifest["notes"]
        report.filtered = manifest.get("filtered", 0)
        counts = {f["key"]: f["pieces"] for f in manifest["files"]}
        report.problems = [(f["key"], f["problems"]) for f in manifest["files"] if f.get("problems")]
    else:
        pieces = _collect_pieces(files, hashes, cache_dir, report, errors, counts)
        styles = ordered_styles({p.style for p in pieces} | {f.style for f in files})
        write_corpus_file(corpus_path, pieces, styles, fingerprint)
        report.consolidated = True
        report.pieces, report.notes = len(pieces), sum(len(p.notes) for p in pieces)

    problems_of = dict(report.problems)
    write_manifest(cache_dir, {
        "format": FORMAT_VERSION, "fingerprint": fingerprint, "pieces": report.pieces, "notes": report.notes,
        "filtered": report.filtered, "built": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "sources": sorted({f.source for f in files}),
        "files": [{"key": f.key, "path": str(f.path), "style": f.style, "sha256": h,
                   "pieces": counts.get(f.key, 0), "error": errors.get(f.key),
                   "problems": problems_of.get(f.key, [])} for f, h in zip(files, hashes)],
    })
    keep = {entry_path(cache_dir, h) for h in hashes} | {failure_path(cache_dir, h) for h in hashes}
    drop_unused_entries(cache_dir, keep)
    report.seconds = time.perf_counter() - started
    return report
