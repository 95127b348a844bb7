"""Resource limits: how large a document, a batch or a request may be, and how long one analysis may run.

Every limit has a default here, an environment variable that overrides it, and (where a
command takes it) a command-line option that overrides both:

| limit | default | environment | option |
|---|--:|---|---|
| document size (bytes; saved HTML may be 5 times larger) | 2,000,000 | DRAGOMAN_MAX_DOCUMENT_BYTES | analyze --max-bytes |
| records in one JSON Lines file or stream | 100,000 | DRAGOMAN_MAX_RECORDS | analyze --max-records |
| HTTP request body (bytes) | 16,000,000 | DRAGOMAN_MAX_REQUEST_BYTES | |
| analysis time per document (seconds; 0 = none) | 120 | DRAGOMAN_ANALYSIS_SECONDS | analyze --time-limit |

`deadline(seconds, name)` stops a runaway analysis: in the main thread with SIGALRM (an
interval timer), in any other thread (the API's request workers) by raising an exception
asynchronously in that thread. Either way `AnalysisTimeout`, naming the document, is raised
at the next Python instruction of the analysis; a single long call into C code (one regular
expression match, say) finishes before it is stopped. The timer fires again every
`REFIRE_SECONDS` until the block is left, so code that swallows exceptions cannot outlive it.

`BodySizeLimit` is the ASGI middleware that answers 413 (a JSON error) for a request body
over the limit, before the body reaches the application.
"""
from __future__ import annotations

import ctypes
import json
import os
import signal
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, fields, replace
from typing import Iterator, Optional

__all__ = ["Limits", "current", "AnalysisTimeout", "deadline", "BodySizeLimit",
           "DEFAULT_DOCUMENT_BYTES", "DEFAULT_MAX_RECORDS", "DEFAULT_REQUEST_BYTES", "DEFAULT_ANALYSIS_SECONDS"]

# News articles are a few dozen kilobytes; a multi-megabyte "article" is almost always the wrong file.
DEFAULT_DOCUMENT_BYTES = 2_000_000
# A batch this large is a corpus: split it (or raise the limit) rather than risk a runaway job.
DEFAULT_MAX_RECORDS = 100_000
# The largest article the API accepts is a 10 MB saved page; JSON escaping adds a little.
DEFAULT_REQUEST_BYTES = 16_000_000
# A long article takes a few seconds on one core; two minutes means something has gone wrong.
DEFAULT_ANALYSIS_SECONDS = 120.0
# After the deadline the timer fires again this often until the analysis has stopped.
REFIRE_SECONDS = 0.5

ENVIRONMENT = {
    "max_document_bytes": "DRAGOMAN_MAX_DOCUMENT_BYTES",
    "max_records": "DRAGOMAN_MAX_RECORDS",
    "max_request_bytes": "DRAGOMAN_MAX_REQUEST_BYTES",
    "analysis_seconds": "DRAGOMAN_ANALYSIS_SECONDS",
}


@dataclass(frozen=True)
class Limits:
    max_document_bytes: int = DEFAULT_DOCUMENT_BYTES
    max_records: int = DEFAULT_MAX_RECORDS
    max_request_bytes: int = DEFAULT_REQUEST_BYTES
    analysis_seconds: float = DEFAULT_ANALYSIS_SECONDS  # 0: no time limit

    def __post_init__(self):
        for f in fields(self):
            value = getattr(self, f.name)
            if not isinstance(value, (int, float)) or isinstance(value, bool) or value < 0 \
                    or (value == 0 and f.name != "analysis_seconds"):
                raise ValueError(f"limit {f.name} must be a positive number, not {value!r}")


def current(environ: Optional[dict] = None, **overrides) -> Limits:
    """The limits in force: the defaults, then $DRAGOMAN_* variables, then `overrides` (None = keep).

    A malformed variable is a ValueError naming it (a limit silently ignored would be worse)."""
    environ = os.environ if environ is None else environ
    values = {}
    for name, variable in ENVIRONMENT.items():
        raw = (environ.get(variable) or "").strip()
        if raw:
            kind = float if name == "analysis_seconds" else int
            try:
                values[name] = kind(raw.replace("_", ""))
            except ValueError:
                raise ValueError(f"${variable}: {raw!r} is not a number") from None
    values.update({k: v for k, v in overrides.items() if v is not None})
    try:
        return replace(Limits(), **values)
    except ValueError as err:
        raise ValueError(f"{err} (see ${', $'.join(ENVIRONMENT.values())})") from None


# --- the per-document time limit ----------------------------------------------------------

class AnalysisTimeout(Exception):
    """An analysis outlived its time limit; `name` is the document."""

    def __init__(self, name: str, seconds: float):
        super().__init__(f"analysis of {name} stopped after {seconds:g} s (the per-document time limit: "
                         f"--time-limit or ${ENVIRONMENT['analysis_seconds']})")
        self.name = name
        self.seconds = seconds


class _Clock:
    """The running deadline of one `deadline` block; `pause()`/`resume()` around work that is not
    the analysis's (a consumer of yielded results), `resume()` restarting the full budget."""

    def __init__(self, seconds: float, name: str):
        self.seconds, self.name = seconds, name
        self.armed = False
        self.fired = False
        self._lock = threading.Lock()

    # subclasses start and stop the actual timer
    def _start(self) -> None: ...
    def _stop(self) -> None: ...

    def resume(self) -> None:
        with self._lock:
            self.armed = True
        self._start()

    def pause(self) -> None:
        with self._lock:
            self.armed = False
        self._stop()


class _SignalClock(_Clock):
    """SIGALRM with an interval timer: only usable in the main thread."""

    def __init__(self, seconds, name):
        super().__init__(seconds, name)
        self._previous = signal.signal(signal.SIGALRM, self._fire)

    def _fire(self, signum, frame):
        if self.armed:
            self.fired = True
            raise AnalysisTimeout(self.name, self.seconds)

    def _start(self):
        signal.setitimer(signal.ITIMER_REAL, self.seconds, REFIRE_SECONDS)

    def _stop(self):
        signal.setitimer(signal.ITIMER_REAL, 0)

    def close(self):
        self.pause()
        signal.signal(signal.SIGALRM, self._previous or signal.SIG_DFL)


# PyThreadState_SetAsyncExc(thread id, exception class), and with NULL to clear a pending one
_set_async_exc = ctypes.PYFUNCTYPE(ctypes.c_int, ctypes.c_ulong, ctypes.py_object)(
    ("PyThreadState_SetAsyncExc", ctypes.pythonapi))
_clear_async_exc = ctypes.PYFUNCTYPE(ctypes.c_int, ctypes.c_ulong, ctypes.c_void_p)(
    ("PyThreadState_SetAsyncExc", ctypes.pythonapi))


class _ThreadClock(_Clock):
    """Any thread: one watchdog thread per block raises AnalysisTimeout in the analysing thread
    (PyThreadState_SetAsyncExc) when the deadline passes, and again every REFIRE_SECONDS."""

    def __init__(self, seconds, name):
        super().__init__(seconds, name)
        self.thread_id = threading.get_ident()
        self._due: Optional[float] = None  # when the watchdog fires (time.monotonic), None while paused
        self._closed = False
        self._changed = threading.Condition(self._lock)
        threading.Thread(target=self._watch, daemon=True, name=f"dragoman-deadline-{name}"[:60]).start()

    def _start(self):
        with self._changed:
            self._due = time.monotonic() + self.seconds
            self._changed.notify()

    def _stop(self):
        with self._changed:
            self._due = None
            # an exception raised but not yet delivered must not surface after the block
            _clear_async_exc(self.thread_id, None)
            self._changed.notify()

    def _watch(self):
        with self._changed:
            while not self._closed:
                if self._due is None:
                    self._changed.wait()
                    continue
                remaining = self._due - time.monotonic()
                if remaining > 0:
                    self._changed.wait(remaining)
                    continue
                if self.armed:
                    self.fired = True
                    _set_async_exc(self.thread_id, _timeout_class(self.name, self.seconds))
                self._due = time.monotonic() + REFIRE_SECONDS

    def close(self):
        self.pause()
        with self._changed:
            self._closed = True
            self._changed.notify()


def _timeout_class(name: str, seconds: float):
    """PyThreadState_SetAsyncExc takes a class, instantiated without arguments: one bound to the document."""
    return type("AnalysisTimeout", (AnalysisTimeout,), {"__init__": lambda self: AnalysisTimeout.__init__(
        self, name, seconds), "__module__": __name__})


class _NoClock(_Clock):
    def close(self):
        pass


@contextmanager
def deadline(seconds: Optional[float], name: str) -> Iterator[_Clock]:
    """Run the block with a time limit; AnalysisTimeout(name, seconds) when it runs out.

    `seconds` None or 0: no limit. The yielded clock can `pause()` and `resume()` (resume
    restarts the full budget), for a generator whose consumer's time must not count."""
    if not seconds or seconds <= 0:
        clock: _Clock = _NoClock(0, name)
    elif threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer"):
        clock = _SignalClock(float(seconds), name)
    else:
        clock = _ThreadClock(float(seconds), name)
    try:
        clock.resume()
        yield clock
    finally:
        clock.close()


# --- the request body limit -----------------------------------------------------------------

class BodySizeLimit:
    """ASGI middleware: a request whose body exceeds `max_bytes` is answered 413 with a JSON error.

    Content-Length is checked first; a body sent without one (chunked) is counted as it
    arrives and refused as soon as it passes the limit, before the application sees it."""

    def __init__(self, app, max_bytes: int = DEFAULT_REQUEST_BYTES):
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope.get("headers") or ()).get(b"content-length")
        if declared is not None:
            try:
                too_big = int(declared) > self.max_bytes
            except ValueError:
                return await self._refuse(send, 400, "invalid Content-Length header")
            if too_big:
                return await self._too_large(send)
        received = 0
        overflowed = False
        forwarded = False

        async def counted_receive():
            nonlocal received, overflowed
            if overflowed:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    # the application sees the client go away; the client gets the 413 below
                    overflowed = True
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message):
            nonlocal forwarded
            if overflowed and not forwarded:
                return  # whatever the application answers to a cut-off body is replaced by the 413
            forwarded = True
            await send(message)

        try:
            await self.app(scope, counted_receive, guarded_send)
        except Exception:
            if not overflowed:
                raise
        if overflowed and not forwarded:
            await self._too_large(send)

    async def _too_large(self, send):
        await self._refuse(send, 413, "request body too large",
                           f"the limit is {self.max_bytes:,} bytes (${ENVIRONMENT['max_request_bytes']})")

    @staticmethod
    async def _refuse(send, status: int, error: str, detail: Optional[str] = None):
        body = json.dumps({"error": error, "detail": detail}).encode("utf-8")
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                                (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})
