"""Entry and table names checked before any call, with 0.41's client's messages.

0.41's client refuses a bad entry name itself (create_dataset, register_table, set_name), with
the server's rule but without the server's "invalid entry name: " prefix. ``create_table`` first
parses the name as a SQL identifier (sqlparser's ``parse_multipart_identifier``, generic dialect:
``a.b`` passes, ``a b`` or ``a-b`` do not), then checks it as an entry name. Observed on 0.41.
"""

from __future__ import annotations

from rerun_core.types.entry_names import InvalidNameError, check_entry_name

# sqlparser's multi-character operators, longest first (what its tokenizer shows in errors)
_OPERATORS = [
    "->>",
    "<=>",
    "::",
    ">=",
    "<=",
    "<>",
    "!=",
    "=>",
    "->",
    "||",
    "<<",
    ">>",
    "==",
    "#>",
    "@>",
    "<@",
]
_WORD_START = "_#@"
_WORD_PART = "_#@$"


def check_name(name: str) -> str:
    """``name`` if 0.41 accepts it as an entry name, else ValueError with 0.41's message."""
    try:
        return check_entry_name(name)
    except InvalidNameError as exc:
        raise ValueError(str(exc)) from None


def check_table_name(name: str) -> str:
    """A new table's name: a SQL identifier (maybe dotted), then an entry name, as 0.41 checks."""
    error = _identifier_error(_tokens(name))
    if error is not None:
        raise ValueError(f"Invalid table name. sql parser error: {error}")
    return check_name(name)


def _word_end(s: str, i: int) -> int:
    while i < len(s) and (s[i].isalpha() or (s[i].isascii() and s[i].isdigit()) or s[i] in _WORD_PART):
        i += 1
    return i


def _quoted_end(s: str, i: int) -> int:
    close = s.find(s[i], i + 1)
    return len(s) if close < 0 else close + 1


def _token(s: str, i: int) -> tuple[str, str, int]:
    """(kind, text as sqlparser shows it, next position) of the token at ``s[i]`` (not blank)."""
    ch = s[i]
    if ch.isalpha() or ch in _WORD_START:
        j = _word_end(s, i + 1)
        return "word", s[i:j], j
    if ch in '"`':
        j = _quoted_end(s, i)
        return "word", s[i:j], j
    if ch == "'":
        j = _quoted_end(s, i)
        return "string", s[i:j], j
    if ch.isascii() and ch.isdigit():
        j = i
        while j < len(s) and s[j].isascii() and (s[j].isdigit() or s[j] == "."):
            j += 1
        return "number", s[i:j], j
    op = next((o for o in _OPERATORS if s.startswith(o, i)), ch)
    return ("period" if op == "." else "op"), op, i + len(op)


def _tokens(s: str) -> list[tuple[str, str]]:
    """sqlparser's tokens of ``s``, blanks and comments (``--``, ``/* */``) left out."""
    out: list[tuple[str, str]] = []
    i = 0
    while i < len(s):
        if s[i].isspace():
            i += 1
        elif s.startswith("--", i):
            nl = s.find("\n", i)
            i = len(s) if nl < 0 else nl + 1
        elif s.startswith("/*", i):
            end = s.find("*/", i + 2)
            i = len(s) if end < 0 else end + 2
        else:
            kind, text, i = _token(s, i)
            out.append((kind, text))
    return out


def _identifier_error(tokens: list[tuple[str, str]]) -> str | None:
    """sqlparser's error for a multi-part identifier (``a``, ``a.b``...), None when it parses."""
    if not tokens:
        return "Empty input when parsing identifier"
    if tokens[0][0] != "word":
        return f"Unexpected token in identifier: {tokens[0][1]}"
    i = 1
    while i < len(tokens):
        kind, text = tokens[i]
        if kind != "period":
            return f"Unexpected token in identifier: {text}"
        if i + 1 == len(tokens):
            return "Trailing period in identifier"
        if tokens[i + 1][0] != "word":
            return f"Unexpected token following period in identifier: {tokens[i + 1][1]}"
        i += 2
    return None
