"""A tiny interpreter for the Python expressions of data files and record rules.

Domain text (``domain_force``, ``eval=`` attributes) is not code: it is read
by :func:`safe_eval`, which walks the tree of ``ast.parse(text, mode='eval')``
and knows only a small subset of Python::

    safe_eval("[('user_id', '=', user.id)]", {"user": user})
    safe_eval("[(4, ref('base.group_user'))]", {"ref": safe_function(ref)})
    safe_eval("time.strftime('%Y-01-01')", default_eval_names())

Allowed: literals, list/tuple/dict/set displays, names given by the caller,
arithmetic, comparisons, ``and``/``or``/``not``, ``x if c else y``, subscripts;
attributes only of records (through their ``_safe_attribute`` method) and of
the date helpers; calls only of functions wrapped by :func:`safe_function` and
of the helpers. Nothing starting with ``_`` is ever reachable, and sizes are
capped so an expression cannot exhaust memory or time. ``eval`` is never used.
"""

from __future__ import annotations

import ast
import itertools
import operator
import time as _time
from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from tenantry.exceptions import TenantryError, ValidationError

MAX_SOURCE = 20_000
"""Longest expression text accepted, in characters."""
MAX_DEPTH = 100
"""Deepest expression tree accepted."""
MAX_SIZE = 10_000
"""Largest string, bytes, list or tuple an operator may build."""
MAX_BUDGET = 1_000_000
"""Total size of all the values one evaluation builds. A value's size counts every
element it holds, nested containers and repetitions included: ``[[1] * 100] * 100``
is 10 101 (what a consumer walking it sees), not the 100 references of its outer list."""
MAX_INT_BITS = 4_096
"""Largest integer an operator may build, in bits."""


class SafeFunction:
    """A callable that expressions may call. Build it with :func:`safe_function`."""

    __slots__ = ("function",)

    def __init__(self, function: Callable[..., Any]) -> None:
        self.function = function

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.function(*args, **kwargs)

    def __repr__(self) -> str:
        return f"safe_function({getattr(self.function, '__name__', self.function)!r})"


def safe_function(function: Callable[..., Any]) -> SafeFunction:
    """Mark ``function`` as callable from expressions (``ref``, ``context_today``...).

    Only do this for functions that are harmless whatever their arguments are.
    """
    return function if isinstance(function, SafeFunction) else SafeFunction(function)


class _Helper:
    """A whitelisted namespace (``time``, ``datetime``), possibly callable (``datetime.date``)."""

    __slots__ = ("_call", "_members", "_name")

    def __init__(self, name: str, call: Callable[..., Any] | None = None, **members: _Helper) -> None:
        self._name = name
        self._call = call
        self._members = members

    def __repr__(self) -> str:
        return f"<helper {self._name}>"


_DATE_ATTRIBUTES = frozenset({"year", "month", "day", "weekday", "isoformat", "strftime", "replace"})
_DATETIME_ATTRIBUTES = _DATE_ATTRIBUTES | {"hour", "minute", "second", "date"}
_TIMEDELTA_ATTRIBUTES = frozenset({"days", "seconds", "total_seconds"})

TIME = _Helper(
    "time", strftime=_Helper("time.strftime", _time.strftime), time=_Helper("time.time", _time.time)
)
DATETIME = _Helper(
    "datetime",
    date=_Helper("datetime.date", date, today=_Helper("date.today", date.today)),
    datetime=_Helper(
        "datetime.datetime",
        datetime,
        now=_Helper("datetime.now", datetime.now),
        combine=_Helper("datetime.combine", datetime.combine),
    ),
    timedelta=_Helper("datetime.timedelta", timedelta),
)


def default_eval_names(tz: str | tzinfo | None = None) -> dict[str, Any]:
    """The standard names: ``time``, ``datetime`` and ``context_today()`` (today in ``tz``)."""
    zone = ZoneInfo(tz) if isinstance(tz, str) else tz

    def context_today() -> date:
        return datetime.now(zone).date()

    return {"time": TIME, "datetime": DATETIME, "context_today": safe_function(context_today)}


def safe_eval(text: str, names: Mapping[str, Any]) -> Any:
    """The value of the expression ``text``, whose free names come from ``names``.

    Raises :class:`~tenantry.exceptions.ValidationError` for anything outside the
    allowed subset; errors raised on purpose by records or functions (tenantry
    exceptions) pass through unchanged.
    """
    if not isinstance(text, str):
        raise ValidationError(f"Invalid expression {text!r}: text is expected.")
    if len(text) > MAX_SOURCE:
        raise _error(text, f"longer than {MAX_SOURCE} characters")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        raise _error(text, f"syntax error ({exc.msg})") from None
    except (ValueError, RecursionError, MemoryError):
        raise _error(text, "cannot be read (nested too deeply?)") from None
    _check_depth(text, tree)
    return _Interpreter(text, names).eval(tree.body)


def _check_depth(text: str, tree: ast.AST) -> None:
    stack: list[tuple[ast.AST, int]] = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise _error(text, f"nested more than {MAX_DEPTH} levels deep")
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))


def _error(text: str, reason: str) -> ValidationError:
    shown = text if len(text) <= 120 else text[:117] + "..."
    return ValidationError(f"Invalid expression {shown!r}: {reason}.", context={"reason": reason})


class _Refused(Exception):
    """Evaluation hit something outside the subset; carries the reason."""


_BINARY: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
    ast.LShift: operator.lshift,
    ast.RShift: operator.rshift,
    ast.BitOr: operator.or_,
    ast.BitAnd: operator.and_,
    ast.BitXor: operator.xor,
}
_UNARY: dict[type[ast.unaryop], Callable[[Any], Any]] = {
    ast.Not: operator.not_,
    ast.USub: operator.neg,
    ast.UAdd: operator.pos,
    ast.Invert: operator.invert,
}
_COMPARE: dict[type[ast.cmpop], Callable[[Any, Any], Any]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.In: lambda a, b: a in b,
    ast.NotIn: lambda a, b: a not in b,
    ast.Is: operator.is_,
    ast.IsNot: operator.is_not,
}
_CONSTANTS = (str, bytes, int, float, complex, bool, type(None))
_SEQUENCES = (str, bytes, list, tuple)
_CONTAINERS = (str, bytes, list, tuple, set, frozenset, dict)
_TOO_MUCH = f"expression builds too much data (more than {MAX_BUDGET} elements in all)"
_SUBSCRIPTABLE = (str, bytes, list, tuple, dict, range)
_FAILURES = (
    TypeError,
    ValueError,
    ArithmeticError,
    LookupError,
    AttributeError,
    RecursionError,
    MemoryError,
)


class _Interpreter:
    __slots__ = ("_budget", "_names", "_read_records", "_sizes", "_text")

    def __init__(self, text: str, names: Mapping[str, Any]) -> None:
        self._text = text
        self._names = names
        self._budget = MAX_BUDGET
        self._read_records = False
        # The size of each container met, by id (with the container: its id stays its own).
        self._sizes: dict[int, tuple[Any, int]] = {}

    def eval(self, node: ast.expr) -> Any:
        try:
            return self._eval(node)
        except _Refused as exc:
            raise _error(self._text, str(exc)) from None
        except TenantryError:
            raise
        except _FAILURES as exc:
            # A failure's text may hold the values it was about (a KeyError its key...):
            # never values read from records, which rule text reads as the superuser.
            detail = "values read from records are not shown" if self._read_records else str(exc)
            raise _error(self._text, f"{type(exc).__name__}: {detail}") from None

    def _eval(self, node: ast.expr) -> Any:
        handler = _HANDLERS.get(type(node))
        if handler is None:
            raise _Refused(f"{type(node).__name__} expressions are not allowed")
        return handler(self, node)

    # -- literals and names ---------------------------------------------------------------

    def _constant(self, node: ast.Constant) -> Any:
        if not isinstance(node.value, _CONSTANTS):
            raise _Refused(f"constant {node.value!r} is not allowed")
        return node.value

    def _list(self, node: ast.List) -> list[Any]:
        return self._sized([self._eval(item) for item in node.elts])  # type: ignore[no-any-return]

    def _tuple(self, node: ast.Tuple) -> tuple[Any, ...]:
        return self._sized(tuple(self._eval(item) for item in node.elts))  # type: ignore[no-any-return]

    def _set(self, node: ast.Set) -> set[Any]:
        return self._sized({self._eval(item) for item in node.elts})  # type: ignore[no-any-return]

    def _dict(self, node: ast.Dict) -> dict[Any, Any]:
        if any(key is None for key in node.keys):
            raise _Refused("'**' in a dict display is not allowed")
        items = zip(node.keys, node.values, strict=True)
        return self._sized({self._eval(k): self._eval(v) for k, v in items})  # type: ignore[arg-type, no-any-return]

    def _name(self, node: ast.Name) -> Any:
        if node.id.startswith("_"):
            raise _Refused(f"name {node.id!r} is not allowed")
        if node.id not in self._names:
            raise _Refused(f"name {node.id!r} is not defined")
        return self._names[node.id]

    # -- operators ------------------------------------------------------------------------

    def _unary(self, node: ast.UnaryOp) -> Any:
        return self._sized(_UNARY[type(node.op)](self._eval(node.operand)))

    def _binary(self, node: ast.BinOp) -> Any:
        left, right = self._eval(node.left), self._eval(node.right)
        kind = type(node.op)
        _check_binary(kind, left, right)
        size = self._growth(kind, left, right)
        if size > self._budget:
            raise _Refused(_TOO_MUCH)
        value = _BINARY[kind](left, right)
        if size:  # known without walking the repetitions
            self._sizes[id(value)] = (value, size)
        return self._sized(value)

    def _growth(self, kind: type[ast.operator], left: Any, right: Any) -> int:
        """The size of a repetition or concatenation of lists or tuples (elements nested
        inside included), before it is built; 0 for other operations."""
        if kind is ast.Mult:
            for container, count in ((left, right), (right, left)):
                if isinstance(container, list | tuple) and isinstance(count, int):
                    return 1 + max(count, 0) * (self._size(container) - 1)
        elif kind is ast.Add and isinstance(left, list | tuple) and isinstance(right, list | tuple):
            return self._size(left) + self._size(right) - 1
        return 0

    def _bool(self, node: ast.BoolOp) -> Any:
        value: Any = None
        for item in node.values:
            value = self._eval(item)
            if isinstance(node.op, ast.And) != bool(value):
                return value  # short-circuit: a false 'and' operand, a true 'or' operand
        return value

    def _compare(self, node: ast.Compare) -> bool:
        left = self._eval(node.left)
        for op, item in zip(node.ops, node.comparators, strict=True):
            right = self._eval(item)
            if not _COMPARE[type(op)](left, right):
                return False
            left = right
        return True

    def _if(self, node: ast.IfExp) -> Any:
        return self._eval(node.body) if self._eval(node.test) else self._eval(node.orelse)

    # -- access -----------------------------------------------------------------------------

    def _subscript(self, node: ast.Subscript) -> Any:
        value = self._eval(node.value)
        if isinstance(node.slice, ast.Slice):
            parts = (node.slice.lower, node.slice.upper, node.slice.step)
            index: Any = slice(*(None if part is None else self._eval(part) for part in parts))
        else:
            index = self._eval(node.slice)
        if _is_record(value):
            self._read_records = True
            if isinstance(index, str):  # user['login'] is user.login: the same fields only
                return value._safe_attribute(index)
        elif not isinstance(value, _SUBSCRIPTABLE):
            raise _Refused(f"subscripting {type(value).__name__} is not allowed")
        return value[index]

    def _attribute(self, node: ast.Attribute) -> Any:
        value = self._eval(node.value)
        name = node.attr
        if name.startswith("_"):
            raise _Refused(f"attribute {name!r} is not allowed")
        if isinstance(value, _Helper):
            member = value._members.get(name)
            if member is None:
                raise _Refused(f"{value._name}.{name} is not available")
            return member
        if _is_record(value):
            self._read_records = True
            return value._safe_attribute(name)
        allowed = _allowed_attributes(value)
        if name not in allowed:
            raise _Refused(f"attribute {name!r} of {type(value).__name__} is not allowed")
        found = getattr(value, name)
        return _Helper(f"{type(value).__name__}.{name}", found) if callable(found) else found

    def _call(self, node: ast.Call) -> Any:
        function = self._eval(node.func)
        if any(isinstance(arg, ast.Starred) for arg in node.args):
            raise _Refused("'*' arguments are not allowed")
        if any(keyword.arg is None for keyword in node.keywords):
            raise _Refused("'**' arguments are not allowed")
        if isinstance(function, SafeFunction):
            target: Callable[..., Any] = function.function
        elif isinstance(function, _Helper) and function._call is not None:
            target = function._call
        else:
            raise _Refused(f"calling {_describe(function)} is not allowed")
        args = [self._eval(arg) for arg in node.args]
        kwargs = {kw.arg: self._eval(kw.value) for kw in node.keywords if kw.arg is not None}
        return self._sized(target(*args, **kwargs))

    def _sized(self, value: Any) -> Any:
        """``value``, if it is within the size caps; counts its size against the budget."""
        if isinstance(value, int) and value.bit_length() > MAX_INT_BITS:
            raise _Refused(f"integer larger than {MAX_INT_BITS} bits")
        if isinstance(value, _SEQUENCES) and len(value) > MAX_SIZE:
            raise _Refused(f"value longer than {MAX_SIZE}")
        if isinstance(value, _CONTAINERS):
            self._budget -= self._size(value)
            if self._budget < 0:
                raise _Refused(_TOO_MUCH)
        return value

    def _size(self, value: Any) -> int:
        """How many elements ``value`` holds, nested ones and repetitions included (a
        string counts its characters). Sizes of containers are remembered, so a list
        repeated inside another is walked once; the walk stops past the budget."""
        if isinstance(value, str | bytes):
            return max(len(value), 1)
        if not isinstance(value, list | tuple | set | frozenset | dict):
            return 1
        known = self._sizes.get(id(value))
        if known is not None and known[0] is value:
            return known[1]
        size = 1
        for item in itertools.chain.from_iterable(value.items()) if isinstance(value, dict) else value:
            size += self._size(item)
            if size > MAX_BUDGET:
                break
        self._sizes[id(value)] = (value, size)
        return size


def _check_binary(kind: type[ast.operator], left: Any, right: Any) -> None:
    """Refuse, before computing them, operations whose result would be huge."""
    if kind is ast.Mod and isinstance(left, str | bytes):
        raise _Refused("string formatting with '%' is not allowed")
    # |left| >= 2 ** (bits - 1), so left ** right has at least (bits - 1) * right bits.
    if (
        kind is ast.Pow
        and _is_int(left)
        and _is_int(right)
        and right > 0
        and (abs(left).bit_length() - 1) * right > MAX_INT_BITS
    ):
        raise _Refused(f"integer larger than {MAX_INT_BITS} bits")
    if kind is ast.LShift and _is_int(right) and right > MAX_INT_BITS:
        raise _Refused(f"integer larger than {MAX_INT_BITS} bits")
    if kind is ast.Mult:
        for sequence, count in ((left, right), (right, left)):
            if isinstance(sequence, _SEQUENCES) and _is_int(count) and len(sequence) * count > MAX_SIZE:
                raise _Refused(f"value longer than {MAX_SIZE}")
        if _is_int(left) and _is_int(right) and left.bit_length() + right.bit_length() > MAX_INT_BITS + 1:
            raise _Refused(f"integer larger than {MAX_INT_BITS} bits")
    if (
        kind is ast.Add
        and isinstance(left, _SEQUENCES)
        and isinstance(right, _SEQUENCES)
        and len(left) + len(right) > MAX_SIZE
    ):
        raise _Refused(f"value longer than {MAX_SIZE}")


def _is_int(value: Any) -> bool:
    return isinstance(value, int)


def _is_record(value: Any) -> bool:
    """Records expose what expressions may read through a ``_safe_attribute`` method."""
    return callable(getattr(type(value), "_safe_attribute", None))


def _allowed_attributes(value: Any) -> frozenset[str]:
    if isinstance(value, datetime):
        return _DATETIME_ATTRIBUTES
    if isinstance(value, date):
        return _DATE_ATTRIBUTES
    if isinstance(value, timedelta):
        return _TIMEDELTA_ATTRIBUTES
    return frozenset()


def _describe(value: Any) -> str:
    return repr(value) if isinstance(value, _Helper) else f"a {type(value).__name__}"


_HANDLERS: dict[type[ast.expr], Callable[[_Interpreter, Any], Any]] = {
    ast.Constant: _Interpreter._constant,
    ast.List: _Interpreter._list,
    ast.Tuple: _Interpreter._tuple,
    ast.Set: _Interpreter._set,
    ast.Dict: _Interpreter._dict,
    ast.Name: _Interpreter._name,
    ast.UnaryOp: _Interpreter._unary,
    ast.BinOp: _Interpreter._binary,
    ast.BoolOp: _Interpreter._bool,
    ast.Compare: _Interpreter._compare,
    ast.IfExp: _Interpreter._if,
    ast.Subscript: _Interpreter._subscript,
    ast.Attribute: _Interpreter._attribute,
    ast.Call: _Interpreter._call,
}
"""The whole language. Anything else (lambda, comprehensions, f-strings, walrus,
starred, await, yield...) is refused by its absence."""
