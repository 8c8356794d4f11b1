"""Text as pages show it: text from files escaped, and numbers and intervals by the one formatter
(benchmarking/numbers.py), the same on pages, CSVs and documents."""
from __future__ import annotations

import re

from benchmarking.numbers import interval as ci_text  # noqa: F401 (the pages' names for the one formatter)
from benchmarking.numbers import number as fmt  # noqa: F401

# Characters Markdown (and Streamlit's extensions: :emoji:, :red[...], $maths$) would read as formatting.
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:$&])")


def plain(text) -> str:
    """Text from a file (a school's name, say), escaped so that Streamlit shows it as written: never as
    Markdown, a link, an image or HTML."""
    return _MARKDOWN.sub(r"\\\1", str(text))
