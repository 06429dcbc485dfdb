"""The native attackgraph format: JSON and YAML per the format specification."""

from attackgraph.formats.native.codec import (
    CheckedModel,
    check_bytes,
    check_file,
    check_text,
    generate_json,
    generate_yaml,
    parse_model,
    read_model,
    syntax_for_path,
    write_model,
)
from attackgraph.formats.native.document import document_to_model, model_to_document

__all__ = [
    "CheckedModel",
    "check_bytes",
    "check_file",
    "check_text",
    "document_to_model",
    "generate_json",
    "generate_yaml",
    "model_to_document",
    "parse_model",
    "read_model",
    "syntax_for_path",
    "write_model",
]
