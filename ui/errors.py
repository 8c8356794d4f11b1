"""No traceback reaches a visitor: a problem they can act on is one sentence; a fault of the tool is one
sentence too, and is logged on the server (where it happened, never the data it was working on)."""
from __future__ import annotations

import functools
import logging
import traceback

import streamlit as st

from benchmarking.errors import BenchmarkingError

from .format import plain

LOG = logging.getLogger("benchmarking.dashboard")
FAULT = ("Something went wrong on this page, and it has been logged. Try again, or choose another school or page; "
         "if it happens again, tell whoever runs this dashboard.")


def log_fault(exc: BaseException) -> None:
    """The fault's type and where it happened, frame by frame: never its message, which may hold data."""
    frames = traceback.extract_tb(exc.__traceback__)
    LOG.error("fault %s at %s", type(exc).__name__,
              " <- ".join(f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno} {f.name}" for f in reversed(frames)))


def show_problem(exc: BaseException) -> None:
    if isinstance(exc, BenchmarkingError):
        st.error(plain(exc))
    else:
        log_fault(exc)
        st.error(FAULT)


def guarded(fn):
    """Run a page or fragment, showing any problem as one sentence (st.stop and st.rerun pass through)."""
    @functools.wraps(fn)
    def run(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except Exception as exc:  # st.stop and st.rerun are BaseExceptions, not Exceptions: they pass
            show_problem(exc)
    return run
