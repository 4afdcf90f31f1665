"""Text fields of request bodies: only text that can be stored and analysed.

JSON may carry a lone surrogate (``"\\ud800"``): valid JSON, but not Unicode text, so
SQLite, Kiwi and the response encoder all fail on it. Such input is the client's error
(422), found at validation like any other bad value.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator


def encodable(value: str) -> str:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError(
            "text must be valid Unicode without lone surrogates / "
            "짝이 없는 서로게이트 문자가 있어 올바른 텍스트가 아니에요"
        ) from exc
    return value


UnicodeStr = Annotated[str, AfterValidator(encodable)]
