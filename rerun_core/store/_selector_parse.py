"""Selector syntax: lexer, AST and parser (see ``selector.py`` for the language)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pyarrow as pa


class SelectorSyntaxError(ValueError):
    """A selector query that does not parse."""


# --- AST ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Identity:
    def __str__(self) -> str:
        return "."


@dataclass(frozen=True, slots=True)
class Field:
    name: str

    def __str__(self) -> str:
        return f".{self.name}"


@dataclass(frozen=True, slots=True)
class Index:
    n: int

    def __str__(self) -> str:
        return f"[{self.n}]"


@dataclass(frozen=True, slots=True)
class Each:
    def __str__(self) -> str:
        return "[]"


@dataclass(frozen=True, slots=True)
class Pipe:
    left: Expr
    right: Expr
    implicit: bool = False

    def __str__(self) -> str:
        return f"{self.left}{self.right}" if self.implicit else f"{self.left} | {self.right}"


@dataclass(frozen=True, slots=True)
class Try:
    inner: Expr

    def __str__(self) -> str:
        return f"{self.inner}?"


@dataclass(frozen=True, slots=True)
class NonNull:
    inner: Expr

    def __str__(self) -> str:
        return f"{self.inner}!"


@dataclass(frozen=True, slots=True)
class Function:
    name: str
    args: list[str] | None = None

    def __str__(self) -> str:
        if self.args is None:
            return self.name
        inner = "; ".join(_quote(a) for a in self.args)
        return f"{self.name}({inner})"


@dataclass(frozen=True, slots=True)
class Map:
    body: Expr

    def __str__(self) -> str:
        return f"map({self.body})"


@dataclass(frozen=True, slots=True)
class Pack:
    paths: list[Expr]

    def __str__(self) -> str:
        return "pack(" + ", ".join(str(p) for p in self.paths) + ")"


@dataclass(frozen=True, slots=True)
class Constant:
    value: str

    def __str__(self) -> str:
        return _quote(self.value)


@dataclass(frozen=True, slots=True)
class PyFunc:
    fn: Callable[[pa.Array], pa.Array | None] = field(compare=False)

    def __str__(self) -> str:
        return "<function>"


Expr = Identity | Field | Index | Each | Pipe | Try | NonNull | Function | Map | Pack | Constant | PyFunc


def _quote(text: str) -> str:
    return (
        '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t") + '"'
    )


# --- lexer --------------------------------------------------------------------------------

_SINGLE = {"|": "|", "?": "?", "!": "!", "[": "[", "]": "]", "(": "(", ")": ")", ";": ";", ",": ","}
_ESCAPES = {"\\": "\\", '"': '"', "n": "\n", "t": "\t"}


@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # "field" | "ident" | "int" | "str" | "." | one of _SINGLE
    text: str = ""

    def __str__(self) -> str:
        if self.kind == "field":
            return f".{self.text}"
        if self.kind in ("ident", "int"):
            return self.text
        if self.kind == "str":
            return f'"{self.text}"'
        return self.kind


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch in "-_"


def _string(query: str, i: int, line: int, col: int) -> tuple[str, int]:
    out: list[str] = []
    while True:
        if i >= len(query):
            raise SelectorSyntaxError(f"unterminated string at line {line}, column {col}")
        ch = query[i]
        i += 1
        if ch == '"':
            return "".join(out), i
        if ch == "\\":
            if i >= len(query):
                raise SelectorSyntaxError(f"unterminated string at line {line}, column {col}")
            esc = query[i]
            if esc not in _ESCAPES:
                raise SelectorSyntaxError(f"invalid escape sequence `\\{esc}` at line {line}, column {col}")
            out.append(_ESCAPES[esc])
            i += 1
        else:
            out.append(ch)


def lex(query: str) -> list[Token]:
    tokens: list[Token] = []
    i, line, col = 0, 1, 1
    while i < len(query):
        ch = query[i]
        start = i
        i += 1
        if ch in " \r\t":
            pass
        elif ch == "\n":
            line, col = line + 1, 0
        elif ch in _SINGLE:
            tokens.append(Token(ch))
        elif ch == '"':
            text, i = _string(query, i, line, col)
            tokens.append(Token("str", text))
        elif ch == ".":
            if i < len(query) and query[i].isalpha():
                while i < len(query) and _is_word(query[i]):
                    i += 1
                tokens.append(Token("field", query[start + 1 : i]))
            else:
                tokens.append(Token("."))
        elif ch.isdigit():
            while i < len(query) and query[i].isdigit():
                i += 1
            tokens.append(Token("int", query[start:i]))
        elif ch.isalpha() or ch == "_":
            while i < len(query) and _is_word(query[i]):
                i += 1
            tokens.append(Token("ident", query[start:i]))
        else:
            raise SelectorSyntaxError(f"unexpected character `{ch}` at line {line}, column {col}")
        col += i - start
    return tokens


# --- parser -------------------------------------------------------------------------------


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.pos = 0

    def peek(self) -> Token | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def next(self) -> Token:
        tok = self.peek()
        if tok is None:
            raise SelectorSyntaxError("unexpected end of input")
        self.pos += 1
        return tok

    def expect(self, kind: str) -> Token:
        tok = self.next()
        if tok.kind != kind:
            raise SelectorSyntaxError(f"expected `{kind}` but found `{tok}`")
        return tok

    def at(self, kind: str) -> bool:
        tok = self.peek()
        return tok is not None and tok.kind == kind

    def parse(self) -> Expr:
        expr = self.expr(scalar=False)
        tok = self.peek()
        if tok is not None:
            raise SelectorSyntaxError(f"unexpected symbol `{tok}`")
        return expr

    def expr(self, *, scalar: bool) -> Expr:
        left = self.term(scalar=scalar)
        while self.at("|"):
            self.next()
            left = Pipe(left, self.term(scalar=scalar), implicit=False)
        return left

    def segment_start(self) -> bool:
        tok = self.peek()
        return tok is not None and tok.kind in ("field", "[")

    def term(self, *, scalar: bool) -> Expr:
        tok = self.peek()
        if tok is None:
            raise SelectorSyntaxError("unexpected end of input")
        if tok.kind == "ident":
            if scalar:
                raise SelectorSyntaxError(_not_scalar(tok))
            self.next()
            return self.call(tok.text)
        if tok.kind == "str" and not scalar:
            self.next()
            return Constant(tok.text)
        if tok.kind == ".":
            self.next()
            if not self.segment_start():
                return Identity()
        left = self.postfix(self.primary(scalar=scalar))
        while self.segment_start():
            left = Pipe(left, self.postfix(self.primary(scalar=scalar)), implicit=True)
        return left

    def primary(self, *, scalar: bool) -> Expr:
        tok = self.next()
        if tok.kind == "field":
            return Field(tok.text)
        if tok.kind == "[":
            nxt = self.next()
            if nxt.kind == "]":
                if scalar:
                    raise SelectorSyntaxError(_not_scalar(Token("]")))
                return Each()
            if nxt.kind != "int":
                raise SelectorSyntaxError(f"unexpected symbol `{nxt}`")
            self.expect("]")
            return Index(int(nxt.text))
        raise SelectorSyntaxError(f"unexpected symbol `{tok}`")

    def postfix(self, expr: Expr) -> Expr:
        while True:
            if self.at("?"):
                self.next()
                expr = Try(expr)
            elif self.at("!"):
                self.next()
                expr = NonNull(expr)
            else:
                return expr

    def call(self, name: str) -> Expr:
        if name == "map":
            self.expect("(")
            body = self.expr(scalar=False)
            self.expect(")")
            return Map(body)
        if name == "pack":
            self.expect("(")
            if self.at(")"):
                raise SelectorSyntaxError("unexpected symbol `)`")
            paths = [self.expr(scalar=True)]
            while self.at(","):
                self.next()
                paths.append(self.expr(scalar=True))
            self.expect(")")
            return Pack(paths)
        if not self.at("("):
            return Function(name)
        self.next()
        args: list[str] = []
        if not self.at(")"):
            args.append(self.literal())
            while self.at(";"):
                self.next()
                args.append(self.literal())
        self.expect(")")
        return Function(name, args)

    def literal(self) -> str:
        tok = self.next()
        if tok.kind != "str":
            raise SelectorSyntaxError(f"unexpected symbol `{tok}`")
        return tok.text


def _not_scalar(tok: Token) -> str:
    return (
        "`pack` paths must be scalar navigation paths — identity (`.`), field access (`.foo`), or "
        "indexing (`[N]`), optionally with `?`/`!` and pipes; iteration (`[]`), `map`, functions, "
        f"and nested `pack` are not allowed (found `{tok}`)"
    )


def parse(query: str) -> Expr:
    """Parse a selector query; SelectorSyntaxError says what is wrong."""
    return _Parser(lex(query)).parse()
