"""Markdown (and Markdown-in-.txt) notes → sections with heading paths.

Understands what real course notes contain: ``#`` headings, HTML
``<details><summary><h2>…</h2></summary> … </details>`` blocks used as
collapsible sections (nested, too), tables, fenced code, LaTeX and inline HTML.
Code inside fences is kept verbatim; headings inside fences are not headings.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, field

_FENCE = re.compile(r"^\s*(```+|~~~+)")
_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_DETAILS_OPEN = re.compile(r"<details\b[^>]*>", re.IGNORECASE)
_DETAILS_CLOSE = re.compile(r"</details\s*>", re.IGNORECASE)
_SUMMARY = re.compile(r"<summary\b[^>]*>(.*?)</summary\s*>", re.IGNORECASE | re.DOTALL)
_HN = re.compile(r"<h([1-6])\b[^>]*>", re.IGNORECASE)
_TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_TABLE_SEP = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
# Only real tags: "<GPT, BERT 등>" in prose is text, not HTML.
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
_BREAK = re.compile(r"\s*,?\s*\n\s*")
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_BOLD = re.compile(r"(\*\*|__)(.+?)\1")
_ITALIC = re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])")
# "디코딩 해주는 것()": empty parentheses after a word say nothing ("fit()" keeps its own)
_EMPTY_PARENS = re.compile(r"(?<=[가-힣])\(\s*\)")
# "횟수**", "함수:** 스팸", "시스템**을": a bold mark left without its pair once pairs are
# read ("x**2", a power between two letters or digits of code, stays)
_STRAY_BOLD = re.compile(r"\*\*(?![A-Za-z0-9_])|(?<![A-Za-z0-9_])\*\*")
_STRIKE = re.compile(r"~~(.+?)~~")
_CODE_SPAN = re.compile(r"`([^`]+)`")
_MATH = re.compile(r"\$\$?(.+?)\$\$?")
_HR = re.compile(r"^\s*([-*_])(\s*\1){2,}\s*$")
_QUOTE = re.compile(r"^\s*>\s?")
_SPACES = re.compile(r"[ \t\u00a0\u3000]+")
# Blank lines that end a topic: notes written as plain text set a new one apart by a wide
# gap, not by a heading ("#### 정확도 vs 정밀도", its bullets, four blank lines,
# "퍼셉트론: 인식하는 기계를 의미함."). The gap ends the innermost heading's section and
# those of the headings around it that hold lines of their own, up to one that only
# gathers headings.
TOPIC_GAP = 3


@dataclass
class Block:
    kind: str  # "text" | "code" | "table"
    text: str
    line: int


@dataclass
class Section:
    path: tuple[str, ...]
    line: int
    blocks: list[Block] = field(default_factory=list)
    titled: bool = True
    """False for the continuation of a parent section after a </details>."""

    @property
    def heading(self) -> str:
        return " > ".join(self.path)

    @property
    def body(self) -> str:
        return "\n".join(b.text for b in self.blocks)


# "$P(Y=1) \geq 0.5$ -> 집단 1로 분류": relations read as their signs, so the line is prose
_RELATIONS = {"geq": "≥", "ge": "≥", "leq": "≤", "le": "≤", "neq": "≠", "approx": "≈"}
_RELATION = re.compile(
    r"\\(" + "|".join(sorted(_RELATIONS, key=len, reverse=True)) + r")(?![A-Za-z])"
)


def _relations(math: str) -> str:
    return _RELATION.sub(lambda m: _RELATIONS[m.group(1)], math)


# Display math ("$$" … "$$", or "$$K(a, b) = a^T b$$" on one line) as a reader reads it:
# the environment's own lines say nothing, a row's "&" and "\\\\" only align it, \text{…}
# is its words, and a command for a symbol is the symbol.
_MATH_FRAME = re.compile(
    r"^(?:\$\$|\\begin\{\w+\*?\}|\\end\{\w+\*?\}|\\left\s*\\?[{(\[.|]|\\right\s*\\?[})\].|])$"
)
_MATH_TEXT = re.compile(r"\\(?:text|mathrm|operatorname|textbf|mathbf)\{([^{}]*)\}")
_MATH_SYMBOLS = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "eta": "η",
    "theta": "θ", "lambda": "λ", "mu": "μ", "sigma": "σ", "phi": "φ", "Phi": "Φ",
    "pi": "π", "sum": "Σ", "prod": "Π", "cdot": "·", "times": "×", "infty": "∞",
    "partial": "∂", "leftarrow": "←", "rightarrow": "→", "|": "‖", **_RELATIONS,
}  # fmt: skip
_MATH_SYMBOL = re.compile(
    r"\\(\||(?:"
    + "|".join(sorted((k for k in _MATH_SYMBOLS if k.isalpha()), key=len, reverse=True))
    + r")(?![A-Za-z]))"
)
# \left( … \right) size a bracket; \exp, \log, \tanh are the names they spell
_MATH_SIZING = re.compile(r"\\(?:left|right|big|Big)(?![A-Za-z])\s*")
_MATH_NAME = re.compile(r"\\(exp|log|ln|tanh|sin|cos|max|min)(?![A-Za-z])")
# \hat{y} is ŷ, \bar{x} is x̄ (the letter with a combining mark); \frac{a}{b} is (a)/(b)
_MATH_ACCENT = re.compile(r"\\(hat|bar|tilde)\{(\w)\}")
_ACCENTS = {"hat": "\u0302", "bar": "\u0304", "tilde": "\u0303"}
_MATH_FRACTION = re.compile(r"\\frac\{([^{}]*)\}\{([^{}]*)\}")


# "&" aligns a row of an environment ("L &= …"); "\\&" is an ampersand
_ALIGN = re.compile(r"(?<!\\)&")


def _fraction(match: re.Match[str]) -> str:
    """\\frac{a}{b} as a/b, in parentheses where more follows it ("(1/n)Σ…")."""
    read = "/".join(x if x.isalnum() else f"({x})" for x in match.groups())
    rest = match.string[match.end() :]
    return f"({read})" if rest and not rest[0].isspace() and rest[0] not in "=+-)" else read


def is_display_math(lines: list[str]) -> list[bool]:
    """Which of a paragraph's source lines belong to display math: the lines from a line
    that opens with "$$" to the line that closes it (one line when it holds both)."""
    inside, marks = False, []
    for raw in lines:
        line = raw.strip()
        if inside:
            marks.append(True)
            inside = not line.endswith("$$")
        elif line == "$$" or (line.startswith("$$") and line.count("$$") == 1):
            marks.append(True)
            inside = True
        else:
            # a formula whole on its line; not one with prose after it ("$$K$$ 는 …")
            marks.append(line.startswith("$$") and len(line) > 4 and line.endswith("$$"))
    return marks


def readable_math(line: str) -> str:
    """One line of display math as it reads: "&P_k = A : \\text{영역에 속하는 …}" →
    "P_k = A: 영역에 속하는 …", "$$K(a, b) = (\\gamma a^T \\cdot b)^d$$" →
    "K(a, b) = (γ a^T · b)^d"; "" for a line that only frames the environment."""
    line = line.strip()
    if line.startswith("$$"):
        line = line[2:]
    if line.endswith("$$"):
        line = line[:-2]
    line = line.strip()
    if _MATH_FRAME.match(line):
        return ""
    line = _ALIGN.sub("", line.removesuffix("\\\\")).strip()
    line = _MATH_TEXT.sub(r"\1", line)
    line = _MATH_SIZING.sub("", line)
    line = _MATH_NAME.sub(r"\1", line)
    line = _MATH_ACCENT.sub(
        lambda m: unicodedata.normalize("NFC", m.group(2) + _ACCENTS[m.group(1)]), line
    )
    line = _MATH_FRACTION.sub(_fraction, line)
    line = _MATH_SYMBOL.sub(lambda m: _MATH_SYMBOLS[m.group(1)], line)
    line = re.sub(r"\s+:\s+", ": ", line)
    return _SPACES.sub(" ", line).strip()


def one_line(text: str) -> str:
    """A table cell's lines as one: each break (a `<br>`) becomes ", ", or a space after a
    comma the cell already has ("Holovaty,<br>Simon Willison" → "Holovaty, Simon
    Willison", not "Holovaty,, Simon")."""
    return _BREAK.sub(", ", text) if "\n" in text else text


def clean_inline(text: str) -> str:
    """Markdown/HTML/LaTeX markup → plain text; identifiers such as requires_grad survive.

    Each pattern needs a character of its own to match, so a text without it skips the
    pattern (the same result; most lines of notes carry little markup)."""
    if "<" in text:
        text = _BR.sub("\n", text)
    if "![" in text:
        text = _IMAGE.sub(r"\1", text)
    if "](" in text:
        text = _LINK.sub(r"\1", text)
    if "<" in text:
        text = _TAG.sub("", text)
    text = html.unescape(text)
    if "`" in text:
        text = _CODE_SPAN.sub(r"\1", text)
    if "**" in text or "__" in text:
        text = _BOLD.sub(r"\2", text)
    if "~~" in text:
        text = _STRIKE.sub(r"\1", text)
    if "*" in text:
        text = _ITALIC.sub(r"\1", text)
        text = _STRAY_BOLD.sub("", text)
    if "(" in text:
        text = _EMPTY_PARENS.sub("", text)
    if "$" in text:
        text = _MATH.sub(lambda m: _relations(m.group(1).strip()), text)
    lines = [_squeeze(line).strip() for line in text.split("\n")]
    return "\n".join(line for line in lines if line)


def _squeeze(line: str) -> str:
    """Runs of spaces, tabs and wide or no-break spaces as one space."""
    if "  " in line or "\t" in line or "\u00a0" in line or "\u3000" in line:
        return _SPACES.sub(" ", line)
    return line


def _clean_text_line(line: str) -> str:
    if _HR.match(line):
        return ""
    line = _QUOTE.sub("", line)
    return clean_inline(line)


def _table_text(rows: list[str]) -> str:
    out = []
    for row in rows:
        if _TABLE_SEP.match(row):
            continue
        cells = [one_line(clean_inline(c)) for c in row.strip().strip("|").split("|")]
        out.append(" | ".join(c for c in cells))
    return "\n".join(out)


def normalize_note(text: str) -> str:
    """A note's text as it is parsed: NFC (decomposed Hangul from macOS matches), and a
    no-break space as a space ("-\u00a0 2012년 …", pasted from a web page, is a bullet)."""
    return unicodedata.normalize("NFC", text).replace("\u00a0", " ")


def parse_markdown(text: str) -> list[Section]:
    """Split notes into sections, each with its heading path and cleaned blocks."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    stack: list[tuple[int, str]] = []  # (level, title)
    opened: list[int] = []  # the section each open heading began, as long as `stack`
    floors: list[int] = []  # heading-stack depth when each open <details> began
    sections: list[Section] = [Section(path=(), line=1)]
    para: list[str] = []
    para_line = 0

    def current() -> Section:
        return sections[-1]

    def flush_para() -> None:
        nonlocal para
        if para:
            cleaned = "\n".join(c for c in (_clean_text_line(p) for p in para) if c)
            if cleaned:
                current().blocks.append(Block("text", cleaned, para_line))
            para = []

    def open_heading(level: int, title: str, lineno: int) -> None:
        flush_para()
        floor = floors[-1] if floors else 0
        while len(stack) > floor and stack[-1][0] >= level:
            stack.pop()
        title = clean_inline(title).replace("\n", " ").strip()
        del opened[len(stack) :]
        if title:
            stack.append((level, title))
            opened.append(len(sections))
        sections.append(Section(path=tuple(t for _, t in stack), line=lineno))

    def close_topic(lineno: int) -> None:
        flush_para()
        floor = floors[-1] if floors else 0
        del opened[len(stack) :]
        if len(stack) <= floor:
            return
        while len(stack) > floor:
            stack.pop()
            depth = len(stack)
            if not depth or not any(
                s.blocks for s in sections[opened[depth - 1] :] if len(s.path) == depth
            ):
                break
        sections.append(Section(path=tuple(t for _, t in stack), line=lineno, titled=False))

    def close_details(lineno: int) -> None:
        flush_para()
        if floors:
            depth = floors.pop()
            del stack[depth:]
            sections.append(Section(path=tuple(t for _, t in stack), line=lineno, titled=False))

    i = 0
    blank = 0  # blank lines just above this one
    while i < len(lines):
        line = lines[i]
        lineno = i + 1
        if not line.strip():
            blank += 1
        else:
            if blank >= TOPIC_GAP and not _HEADING.match(line) and (current().blocks or para):
                close_topic(lineno)
            blank = 0
        fence = _FENCE.match(line)
        if fence:
            flush_para()
            marker = fence.group(1)
            code: list[str] = []
            i += 1
            while i < len(lines) and not lines[i].strip().startswith(marker):
                code.append(lines[i])
                i += 1
            body = "\n".join(code).strip("\n")
            if body.strip():
                current().blocks.append(Block("code", body, lineno))
            i += 1
            continue
        if _TABLE_ROW.match(line):
            flush_para()
            rows = []
            while i < len(lines) and _TABLE_ROW.match(lines[i]):
                rows.append(lines[i])
                i += 1
            table = _table_text(rows)
            if table.strip():
                current().blocks.append(Block("table", table, lineno))
            continue
        rest = line
        handled = False
        # HTML collapsible sections; several tags may share one line.
        while True:
            m_open = _DETAILS_OPEN.search(rest)
            m_sum = _SUMMARY.search(rest)
            m_close = _DETAILS_CLOSE.search(rest)
            found = [m for m in (m_open, m_sum, m_close) if m]
            if not found:
                break
            first = min(found, key=lambda m: m.start())
            before = rest[: first.start()]
            if before.strip():
                para.append(before)
            handled = True
            if first is m_open:
                flush_para()
                floors.append(len(stack))
            elif first is m_sum:
                inner = first.group(1)
                hn = _HN.search(inner)
                depth_level = (stack[-1][0] + 1) if stack else 2
                level = int(hn.group(1)) if hn else depth_level
                open_heading(level, inner, lineno)
            else:
                close_details(lineno)
            rest = rest[first.end() :]
        if handled:
            if rest.strip():
                para.append(rest)
            i += 1
            continue
        heading = _HEADING.match(line)
        if heading:
            open_heading(len(heading.group(1)), heading.group(2), lineno)
            i += 1
            continue
        if not line.strip():
            flush_para()
        else:
            if not para:
                para_line = lineno
            para.append(line)
        i += 1
    flush_para()
    for section in sections:
        # A heading with nothing under it (a one-line topic such as "SMOTE") is still
        # content: keep its title so the chunker folds it into a neighbour.
        if not section.blocks and section.path and section.titled:
            section.blocks.append(Block("title", section.path[-1], section.line))
    return [s for s in sections if s.blocks]
