"""The API's JSON parser: bounded in size, nesting depth and numbers, with Chinese errors.

DRF's JSONParser reads any length, recurses as deep as the body nests (100,000 brackets raised a
RecursionError: a 500 on every endpoint, the anonymous token endpoint included) and turns
`1e999` into infinity and a 30-digit integer into a number no column can hold. This one refuses
all of them with a 400 before a view sees the data, as it does a NUL character in any string
(PostgreSQL text cannot hold one: a lookup by it was a 500).
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser, MultiPartParser

# No request body of this API nests deeper than a few levels; 32 is generous.
MAX_DEPTH = 32
# A JSON body larger than this is refused unread (uploads go through multipart, not JSON).
DEFAULT_MAX_BYTES = 1024 * 1024
# Integers a database column can hold (64-bit signed).
INT_LIMIT = 2**63


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > 19 or not -INT_LIMIT <= (value := int(text)) < INT_LIMIT:
        raise ValueError("integer out of range")
    return value


def _finite_float(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise ValueError("number out of range")
    return value


def _reject_constant(text: str) -> Any:
    raise ValueError(f"{text} is not a JSON number")


def _too_deep(data: Any, limit: int) -> bool:
    """Whether `data` nests containers more than `limit` deep (iterative: no recursion)."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def _has_nul(data: Any) -> bool:
    """Whether any key or string of `data` holds a NUL character (no database text can)."""
    stack = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            if "\x00" in value:
                return True
        elif isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, list | tuple):
            stack.extend(value)
    return False


def json_loads_bounded(raw: bytes, *, encoding: str = "utf-8", max_depth: int = MAX_DEPTH) -> Any:
    """Decode a JSON body; every refusal is a ParseError (400) in Chinese."""
    try:
        text = raw.decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        raise ParseError(f"请求内容不是有效的 {encoding} 文本") from exc
    try:
        data = json.loads(
            text,
            parse_int=_bounded_int,
            parse_float=_finite_float,
            parse_constant=_reject_constant,
        )
    except RecursionError as exc:
        raise ParseError(f"JSON 嵌套过深（不得超过 {max_depth} 层）") from exc
    except json.JSONDecodeError as exc:
        raise ParseError(f"JSON 格式有误（第 {exc.lineno} 行第 {exc.colno} 列）") from exc
    except ValueError as exc:
        raise ParseError("JSON 中的数字超出范围（整数不超过 19 位，且须为有限数）") from exc
    if _too_deep(data, max_depth):
        raise ParseError(f"JSON 嵌套过深（不得超过 {max_depth} 层）")
    if _has_nul(data):
        raise ParseError("请求内容含有空字符（\\u0000），请删除后重试")
    return data


class BoundedJSONParser(JSONParser):
    """Every API's JSON parser (settings.REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"])."""

    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        max_bytes = getattr(settings, "API_JSON_MAX_BYTES", DEFAULT_MAX_BYTES)
        raw = stream.read(max_bytes + 1) if stream is not None else b""
        if len(raw) > max_bytes:
            raise ParseError(f"请求内容过大（JSON 不得超过 {max_bytes // 1024} KB）")
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        return json_loads_bounded(raw, encoding=encoding)


class NulFreeMultiPartParser(MultiPartParser):
    """DRF's multipart parser, refusing a NUL character in any form field or file name with a
    Chinese 400 (the NUL middleware leaves multipart bodies to the parser that reads them)."""

    def parse(self, stream, media_type=None, parser_context=None):
        parsed = super().parse(stream, media_type, parser_context)
        names = [getattr(f, "name", "") or "" for _, files in parsed.files.lists() for f in files]
        if _has_nul([*parsed.data.lists(), *names]):
            raise ParseError("请求内容含有空字符（\\u0000），请删除后重试")
        return parsed
