"""Parse source files into cache entries, in parallel, with a progress bar.

Each worker process reads one file through composer.io.read_scores and writes that file's cache
entry itself (only a small summary goes back to the parent). A file that cannot be read gets a
failure entry with the reason, so an unchanged bad file is not parsed again on the next build.
"""

from __future__ import annotations

import multiprocessing
import os
import warnings
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from composer.data.cache import FileEntry, write_entry, write_failure



@dataclass(frozen=True, slots=True)
class ParseJob:
    path: Path
    entry: Path  # where the cache entry goes
    failure: Path  # where the reason goes if the file cannot be read
    reader: str = "score"  # a key of READERS
    extra: tuple[Path, ...] = ()  # further files the reader needs (composer.data.sources.SourceFile.extra)
    meta: tuple[tuple[str, str], ...] = ()  # index facts for the reader (SourceFile.meta)


@dataclass(frozen=True, slots=True)
class ParseResult:
    job: ParseJob
    pieces: int
    error: str | None


def _read_groove(job: ParseJob) -> list:
    from composer.data.groove import read_groove

    return read_groove(job.path, dict(job.meta))


def _read_wjazzd(job: ParseJob) -> list:
    from composer.data.wjazzd import read_wjazzd

    return read_wjazzd(job.path, *job.extra)


def _read_score_file(job: ParseJob) -> list:
    from composer.io import read_scores

    scores = read_scores(job.path)
    title = dict(job.meta).get("title")
    for score in scores:
        score.title = title or score.title  # a data set's index names the work (files often do not)
    return scores


# How each kind of source file becomes Scores (SourceFile.reader names one).
READERS: dict[str, Callable[[ParseJob], list]] = {"score": _read_score_file, "groove": _read_groove,
                                                   "wjazzd": _read_wjazzd}


def parse_file(job: ParseJob) -> ParseResult:
    """Read one file and write its cache entry (or its failure). Runs in a worker process."""
    from composer.io import ScoreFileError

    warnings.filterwarnings("ignore")  # music21 warns about every odd ABC header; not our problem
    try:
        scores = READERS[job.reader](job)
        entry = FileEntry.from_scores(scores)
        if len(entry) == 0:
            raise ScoreFileError(job.path, "the file holds no notes")
    except ScoreFileError as error:
        reason = error.problem
    except Exception as error:  # a reader bug must cost one file, not the whole build
        reason = f"unexpected {type(error).__name__}: {error}"
    else:
        write_entry(job.entry, entry)
        job.failure.unlink(missing_ok=True)  # an earlier verdict on the same bytes (--force) is void
        return ParseResult(job, len(entry), None)
    write_failure(job.failure, reason)
    job.entry.unlink(missing_ok=True)
    return ParseResult(job, 0, reason)


def _worker_init() -> None:
    os.environ.setdefault("OMP_NUM_THREADS", "1")  # one core per worker, nothing more


def _pool(workers: int) -> ProcessPoolExecutor:
    # spawn, not fork: the caller may hold threads (Qt, torch) that a fork would copy half-alive.
    # No max_tasks_per_child: on Python 3.11-3.13 it deadlocks the pool once workers retire
    # (CPython gh-115634), which is how a first full build hung after ~120 files.
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"), initializer=_worker_init)


def _parse_in_pool(jobs: list[ParseJob], workers: int, parse: Callable, finish: Callable) -> None:
    """Parse in a pool of workers; stops early (leaving jobs unfinished) if a worker dies."""
    with _pool(workers) as pool:
        futures = [pool.submit(parse, job) for job in jobs]
        try:
            for future in as_completed(futures):
                finish(future.result())
        except BrokenProcessPool:
            return
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise


def _parse_one_at_a_time(jobs: list[ParseJob], parse: Callable, finish: Callable) -> None:
    """One file in flight at a time, so a worker that dies names its file: that file is skipped."""
    pool = None
    try:
        for job in jobs:
            pool = pool or _pool(1)
            try:
                finish(pool.submit(parse, job).result())
            except BrokenProcessPool:
                pool.shutdown(wait=False)
                pool = None
                reason = "the parser's process died on this file (a crash or out of memory)"
                write_failure(job.failure, reason)
                finish(ParseResult(job, 0, reason))
    finally:
        if pool is not None:
            pool.shutdown()


def parse_files(jobs: list[ParseJob], workers: int | None = None, progress: bool = True,
                parse: Callable[[ParseJob], ParseResult] = parse_file,
                on_file: Callable[[int, int], None] | None = None) -> list[ParseResult]:
    """Parse every job, largest files first (so one big collection does not finish last).

    parse: the function a worker runs per job (a module-level function, for the process pool).
    on_file(done, total): called after each file (a window's progress bar).
    """
    from tqdm import tqdm

    if not jobs:
        return []
    jobs = sorted(jobs, key=lambda job: -job.path.stat().st_size)
    workers = max(1, min(workers or os.cpu_count() or 1, len(jobs)))
    results: dict[ParseJob, ParseResult] = {}
    bar = tqdm(total=len(jobs), unit="file", desc="parsing", disable=not progress, dynamic_ncols=True)
    counts = {"pieces": 0, "skipped": 0}

    def finish(result: ParseResult) -> None:
        results[result.job] = result
        counts["pieces"] += result.pieces
        counts["skipped"] += result.error is not None
        bar.set_postfix(counts, refresh=False)
        bar.update()
        if on_file is not None:
            on_file(len(results), len(jobs))

    try:
        if workers == 1:
            for job in jobs:
                finish(parse(job))
        else:
            _parse_in_pool(jobs, workers, parse, finish)
            # A worker died: the pool cannot say on which file, so the rest go one at a time.
            _parse_one_at_a_time([job for job in jobs if job not in results], parse, finish)
        return list(results.values())
    finally:
        bar.close()
