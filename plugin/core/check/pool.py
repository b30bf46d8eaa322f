"""onemap:verifyfolder on every core: the plans of a folder checked in a pool of processes.

One check is mostly Python holding one interpreter lock, so a county's villages are spread over
processes, each a headless QGIS of its own that reads its plan (and the one map near it), checks it
and writes its findings GeoPackage; only a small outcome (counts, or why it failed) comes back. The
outcomes are given in plan order, so the batch's summary and log read as in a serial run.

Memory is bounded: at most one process per core (WORKERS at most), each holding one plan at a time,
and a process is replaced after RECYCLE plans. A batch of one plan, a one-core machine, a rule set
given as an object, or an interpreter the processes cannot be started with (see python_executable)
runs in this process, as before.
"""
import contextlib
import functools
import multiprocessing
import os
import re
import subprocess
import sys
from dataclasses import dataclass

from qgis.core import QgsFeedback

from ..errors import Cancelled, OneMapError
from ..outputs import TEMPORARY

MAX_WORKERS = 8          # processes at most, whatever the cores (each holds a plan and the one map near it)
RECYCLE = 25             # plans a process checks before it is replaced (what it kept is given back)
POLL_S = 0.2             # seconds between two looks at the cancel button while a check runs
PROBE_S = 20             # seconds an interpreter may take to say which Python it is


@dataclass
class Outcome:
    """What a check of one plan gave: its counts, or why it could not be checked."""
    counts: dict = None              # {'error': n, 'warning': n, 'info': n} when the check ran
    zh: str = ""                     # why not (a OneMapError's words), or
    en: str = ""
    internal: str = ""               # an unexpected error: its type and message


@dataclass
class Job:
    plan: str
    output: str                      # its findings GeoPackage
    previous: str = None             # an earlier findings GeoPackage whose decisions carry over


def outcomes(jobs, onemap, ruleset=None, kind=None, feedback=None, workers=None):
    """(job, Outcome) for each job, in order. When the feedback is cancelled the checks still running
    stop, and only the plans already checked are given. `workers`: processes to use (default: one per
    core, at most MAX_WORKERS)."""
    workers = pool_size(jobs, ruleset, workers)
    if workers <= 1:
        yield from _in_process(jobs, onemap, ruleset, kind, feedback)
        return
    context = multiprocessing.get_context("spawn")        # never fork a running QGIS
    context.set_executable(python_executable())
    pool = context.Pool(workers, initializer=_start_qgis, maxtasksperchild=RECYCLE)
    try:
        pending = [pool.apply_async(_check, ((job, onemap, ruleset, kind),)) for job in jobs]
        done = 0
        for job, result in zip(jobs, pending):
            while not result.ready() and not _cancelled(feedback):
                result.wait(POLL_S)
            if not result.ready():
                break
            yield job, result.get()
            done += 1
            if feedback is not None:
                feedback.setProgress(100.0 * done / len(jobs))
            if _cancelled(feedback):
                break
        for job, result in zip(jobs[done:], pending[done:]):     # cancelled: plans already checked further on
            if result.ready():                                    # are given too (their findings are written)
                yield job, result.get()
    finally:
        workers = {process.pid for process in multiprocessing.active_children()}
        pool.terminate()                                   # the checks still running stop now
        pool.join()
        _remove_temporaries({os.path.dirname(job.output) for job in jobs}, workers)


def _remove_temporaries(folders, pids):
    """The half-written findings files of stopped processes (outputs.atomic_output's temporaries)."""
    for folder in folders:
        for name in os.listdir(folder) if os.path.isdir(folder) else ():
            match = TEMPORARY.match(name)
            if match and int(match.group(1)) in pids:
                with contextlib.suppress(OSError):
                    os.remove(os.path.join(folder, name))


def _cancelled(feedback):
    return feedback is not None and feedback.isCanceled()


def pool_size(jobs, ruleset, workers=None):
    """Processes for these jobs: 1 (in this process) unless there are several plans, several cores, a
    rule set the processes can load by name or path, and a Python to start them with."""
    if workers is None:
        workers = min(os.cpu_count() or 1, MAX_WORKERS)
    if len(jobs) < 2 or not (ruleset is None or isinstance(ruleset, str)) or python_executable() is None:
        return 1
    return max(1, min(workers, len(jobs)))


@functools.lru_cache(maxsize=None)
def python_executable():
    """The Python interpreter that starts the pool's processes: this very Python (same version and
    build), or None. In QGIS or qgis_process sys.executable may be QGIS itself or whatever `python3`
    comes first on PATH; the interpreter beside this Python's library is taken then."""
    candidates = []
    if re.match(r"python[\d.]*(\.exe)?$", os.path.basename(sys.executable or ""), re.IGNORECASE):
        candidates.append(sys.executable)
    version = "{}.{}".format(*sys.version_info[:2])
    for prefix in dict.fromkeys((sys.exec_prefix, sys.base_exec_prefix)):
        candidates += [os.path.join(prefix, name) for name in ("bin/python" + version, "bin/python3", "python.exe")]
    for path in candidates:
        if os.path.isfile(path) and os.access(path, os.X_OK) and _same_python(path):
            return path
    return None


def _same_python(path):
    """Whether `path` runs this very Python (QGIS's modules are built for it)."""
    try:
        answer = subprocess.run([path, "-c", "import sys; print(sys.version)"], capture_output=True, text=True,
                                timeout=PROBE_S, check=False)
    except (OSError, subprocess.SubprocessError):
        return False
    return answer.returncode == 0 and answer.stdout.strip() == sys.version.strip()


def _in_process(jobs, onemap, ruleset, kind, feedback):
    for index, job in enumerate(jobs):
        if feedback is not None and feedback.isCanceled():
            return
        part = _PlanFeedback(feedback, index, len(jobs)) if feedback is not None else None
        try:
            yield job, _verify(job, onemap, ruleset, kind, part)
        except Cancelled:
            return


def _verify(job, onemap, ruleset, kind, feedback=None):
    """Check one plan; its Outcome (Cancelled is raised)."""
    from .engine import verify
    try:
        result = verify(job.plan, onemap, ruleset=ruleset, output=job.output, kind=kind, feedback=feedback,
                        previous=job.previous)
    except OneMapError as exc:
        return Outcome(zh=exc.zh, en=exc.en)
    except Cancelled:
        raise
    except Exception as exc:  # noqa: BLE001 — one broken plan must not end the batch
        return Outcome(internal="{}: {}".format(type(exc).__name__, exc))
    return Outcome(counts=dict(result.counts))


def _start_qgis():
    """A pool process: a headless QGIS (no display), kept for the plans it checks."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from qgis.core import QgsApplication
    global _APP
    _APP = QgsApplication([], False)
    _APP.initQgis()


_APP = None


def _check(task):
    job, onemap, ruleset, kind = task
    return _verify(job, onemap, ruleset, kind)


class _PlanFeedback(QgsFeedback):
    """One plan's share of the overall progress; cancelling the whole run cancels the plan."""

    def __init__(self, parent, index, total):
        super().__init__()
        self.parent_feedback, self.index, self.total = parent, index, total
        self.progressChanged.connect(lambda value: parent.setProgress(100.0 * (index + value / 100.0) / total))

    def isCanceled(self):  # noqa: N802
        return self.parent_feedback.isCanceled() or super().isCanceled()
