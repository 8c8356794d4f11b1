"""Progress of long work (imports, the demo build), reported as a fraction done and a message."""
from typing import Callable

Progress = Callable[[float, str], None]


def quiet(fraction: float, message: str) -> None:
    """A progress callback that shows nothing."""
