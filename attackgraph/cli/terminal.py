"""Terminal-safe standard streams for every subcommand.

Titles, labels and ids come from other people's model files. Printed raw,
an escape sequence in a label could write the terminal's clipboard (OSC 52),
clear the screen, retitle the window or hide text. While a subcommand runs,
:func:`safe_streams` puts a filter in front of standard output and standard
error that replaces every control character but tab and newline (C0, DEL,
C1, so also CSI and OSC), every bidirectional override and every lone
surrogate with U+FFFD, so that tampering stays visible. JSON written with
:func:`json_text` escapes those characters instead (``\\u001b``), which keeps
the data exact and the terminal clean.
"""

from __future__ import annotations

import contextlib
import json
import re
import sys
from collections.abc import Iterator
from typing import Any, TextIO

from attackgraph.render.text import clean

__all__ = ["SafeStream", "json_text", "safe_streams"]

_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]"
)


class SafeStream:
    """A text stream that neutralises control characters before writing.

    Parameters
    ----------
    stream : TextIO
        The stream written to; every other attribute is the wrapped one's.
    """

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        """Write ``text`` with unsafe characters replaced (see the module)."""
        safe = clean(text)
        try:
            self._stream.write(safe)
        except UnicodeEncodeError:  # e.g. an ASCII-only locale: U+FFFD cannot be shown
            encoding = getattr(self._stream, "encoding", None) or "ascii"
            self._stream.write(safe.encode(encoding, "backslashreplace").decode(encoding))
        return len(text)

    def writelines(self, lines: Any) -> None:
        """Write every line through :meth:`write`."""
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


@contextlib.contextmanager
def safe_streams() -> Iterator[None]:
    """Standard output and error filtered by :class:`SafeStream` within the block."""
    old_out, old_err = sys.stdout, sys.stderr
    sys.stdout = SafeStream(old_out) if not isinstance(old_out, SafeStream) else old_out
    sys.stderr = SafeStream(old_err) if not isinstance(old_err, SafeStream) else old_err
    try:
        yield
    finally:
        sys.stdout, sys.stderr = old_out, old_err


def json_text(data: Any, indent: int | None = 2) -> str:
    """``data`` as JSON with non-ASCII text kept and unsafe characters escaped.

    Examples
    --------
    >>> json_text({"t": "café \\x1b]52;c;x\\x07"}, None)
    '{"t": "café \\\\u001b]52;c;x\\\\u0007"}'
    >>> json_text(["\\u202e"], None)
    '["\\\\u202e"]'
    """
    text = json.dumps(data, indent=indent, ensure_ascii=False)
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
