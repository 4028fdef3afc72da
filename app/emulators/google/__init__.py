"""What the Google Meet and Discovery Engine emulators share: Google's error bodies,
bearer auth, system parameters, page tokens, ProtoJSON and the filter tokenizer."""

from __future__ import annotations

from app.emulators.google.errors import (
    GoogleApiError,
    google_error,
    invalid_token,
    render_google_error,
    require_bearer,
)
from app.emulators.google.filter_lexer import FilterSyntaxError, Token, tokenize
from app.emulators.google.paging import decode_page_token, encode_page_token, page_size
from app.emulators.google.params import SYSTEM_PARAMS, cannot_bind, proto_json

__all__ = [
    "SYSTEM_PARAMS",
    "FilterSyntaxError",
    "GoogleApiError",
    "Token",
    "cannot_bind",
    "decode_page_token",
    "encode_page_token",
    "google_error",
    "invalid_token",
    "page_size",
    "proto_json",
    "render_google_error",
    "require_bearer",
    "tokenize",
]
