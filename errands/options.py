"""Typed options: frozen dataclasses that cross process boundaries as plain dicts.

A config class lists its options once, each with its type and its default; commands read
the defaults for their help, and `from_dict` refuses an unknown key or a value of the
wrong type with an error that names the key, the value and what was expected. The types
an option may have are the ones JSON carries: bool, int, float, str, None, a Literal of
choices, a tuple (a JSON list) of those, and unions of them.

`Registry` maps a name (a planner, a policy) to its config class and the factory that
builds the thing from a config, so that options given by name are checked against the
config class before anything is built.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass
from typing import Any, Callable, Literal, Union


class Options:
    """The base of the config dataclasses (each is `@dataclass(frozen=True)`)."""

    def to_dict(self) -> dict:
        """Every option, as plain JSON values."""
        return {f.name: _plain(getattr(self, f.name)) for f in dataclasses.fields(self)}

    def kwargs(self) -> dict:
        """Every option as it is held (tuples stay tuples), for the constructor it configures."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}

    def changed(self) -> dict:
        """The options that differ from their defaults: what was chosen, as a run folder records it."""
        return {f.name: _plain(getattr(self, f.name)) for f in dataclasses.fields(self)
                if not _is_default(f, getattr(self, f.name))}

    @classmethod
    def from_dict(cls, data: dict):
        """The config from plain values, checked: unknown keys and wrong types are refused."""
        if isinstance(data, cls):
            return data
        if not isinstance(data, dict):
            raise ValueError(f"{cls.__name__} takes a dict of options, got {data!r}")
        known = option_names(cls)
        unknown = [key for key in data if key not in known]
        if unknown:
            accepted = f"expected some of {', '.join(known)}" if known else "it takes no options"
            raise ValueError(f"unknown {cls.__name__} option {unknown[0]!r}: {accepted}")
        hints = typing.get_type_hints(cls)
        values = {key: check_value(cls, key, value, hints[key]) for key, value in data.items()}
        return cls(**values)

    def replace(self, **changes):
        """A copy with some options changed (checked as from_dict checks them)."""
        return type(self).from_dict({**self.to_dict(), **changes})

    def __post_init__(self):
        hints = typing.get_type_hints(type(self))
        for f in dataclasses.fields(self):
            if f.init:
                object.__setattr__(self, f.name, check_value(type(self), f.name, getattr(self, f.name), hints[f.name]))


def option_names(cls) -> list[str]:
    return [f.name for f in dataclasses.fields(cls) if f.init]


def default_of(cls, name: str):
    """The default of option `name` of config class `cls` (what a command's help shows)."""
    for f in dataclasses.fields(cls):
        if f.name == name:
            if f.default is not dataclasses.MISSING:
                return f.default
            if f.default_factory is not dataclasses.MISSING:
                return f.default_factory()
            raise ValueError(f"{cls.__name__}.{name} has no default")
    raise ValueError(f"{cls.__name__} has no option {name!r}: expected one of {', '.join(option_names(cls))}")


def choices_of(cls, name: str) -> tuple:
    """The values a Literal option of `cls` accepts (a command's `choices`)."""
    annotation = typing.get_type_hints(cls)[name]
    if typing.get_origin(annotation) is not Literal:
        raise ValueError(f"{cls.__name__}.{name} is not a choice of values: it takes {describe(annotation)}")
    return typing.get_args(annotation)


def check_value(cls, key: str, value, annotation):
    """`value` as option `key` of `cls` holds it (a JSON list becomes a tuple), or a
    ValueError naming the key, the value and what was expected."""
    ok, converted = _matches(value, annotation)
    if not ok:
        raise ValueError(f"{cls.__name__}: {key} must be {describe(annotation)}, got {value!r}")
    return converted


def describe(annotation) -> str:
    """What an annotation accepts, in words."""
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if annotation is type(None):
        return "null"
    if annotation is bool:
        return "true or false"
    if annotation is int:
        return "a whole number"
    if annotation is float:
        return "a number"
    if annotation is str:
        return "text"
    if origin is Literal:
        return "one of " + ", ".join(repr(a) for a in args)
    if origin in (Union, types.UnionType):
        return " or ".join(describe(a) for a in args)
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return f"a list of {describe(args[0])}"
        return f"a list of {len(args)}: " + ", ".join(describe(a) for a in args)
    if isinstance(annotation, type) and issubclass(annotation, Options):
        return f"the options of {annotation.__name__}"
    if annotation is dict:
        return "a dict"
    return str(annotation)


def _matches(value, annotation) -> tuple[bool, Any]:
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if annotation is Any:
        return True, value
    if annotation is type(None):
        return value is None, value
    if annotation is bool:
        return isinstance(value, bool), value
    if annotation is int:
        return isinstance(value, int) and not isinstance(value, bool), value
    if annotation is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool), value
    if annotation is str:
        return isinstance(value, str), value
    if annotation is dict:
        return isinstance(value, dict), value
    if origin is Literal:
        return any(value == a and type(value) is type(a) for a in args), value
    if origin in (Union, types.UnionType):
        for a in args:
            ok, converted = _matches(value, a)
            if ok:
                return True, converted
        return False, value
    if origin is tuple:
        if not isinstance(value, (list, tuple)):
            return False, value
        kinds = [args[0]] * len(value) if len(args) == 2 and args[1] is Ellipsis else list(args)
        if len(kinds) != len(value):
            return False, value
        items = [_matches(v, a) for v, a in zip(value, kinds)]
        return all(ok for ok, _ in items), tuple(v for _, v in items)
    if isinstance(annotation, type) and issubclass(annotation, Options):
        if isinstance(value, annotation):
            return True, value
        if isinstance(value, dict):
            return True, annotation.from_dict(value)  # its own errors name its keys
        return False, value
    raise TypeError(f"an option annotated {annotation!r} cannot be checked")


def _plain(value):
    if isinstance(value, Options):
        return value.changed()
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value


def _is_default(f: dataclasses.Field, value) -> bool:
    if f.default is not dataclasses.MISSING:
        return value == f.default
    if f.default_factory is not dataclasses.MISSING:
        return value == f.default_factory()
    return False


@dataclass(frozen=True)
class Registration:
    """A registered name: its config class, the factory that builds it from a config, and
    `extra` facts a registry's users read (which env a policy plays, ...)."""

    name: str
    config: type
    factory: Callable
    extra: dict = dataclasses.field(default_factory=dict)


class Registry(dict):
    """Names (of planners, of policies) -> Registration, in the order they were registered."""

    def __init__(self, kind: str):
        super().__init__()
        self.kind = kind

    def register(self, name: str, config: type, factory: Callable, **extra) -> None:
        if not (isinstance(config, type) and issubclass(config, Options)):
            raise TypeError(f"the config of {self.kind} {name!r} must be an Options dataclass, got {config!r}")
        self[name] = Registration(name, config, factory, extra)

    def entry(self, name: str) -> Registration:
        if name not in self:
            raise ValueError(f"unknown {self.kind} {name!r}: expected one of {', '.join(self)}")
        return self[name]

    def config(self, name: str, options: dict | Options | None = None) -> Options:
        """The checked config of `name` from plain options (or a config of its class)."""
        entry = self.entry(name)
        if isinstance(options, Options) and not isinstance(options, entry.config):
            raise ValueError(f"{self.kind} {name!r} takes a {entry.config.__name__}, got a {type(options).__name__}")
        return entry.config.from_dict(options or {})
