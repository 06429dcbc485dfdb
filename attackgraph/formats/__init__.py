"""File formats: one module per format and a registry that picks one by file
name and content."""

from attackgraph.formats.registry import (
    FORMATS,
    ModelFormat,
    check_file,
    format_for_path,
    read_model,
    reader_for,
    write_model,
)

__all__ = [
    "FORMATS",
    "ModelFormat",
    "check_file",
    "format_for_path",
    "read_model",
    "reader_for",
    "write_model",
]
