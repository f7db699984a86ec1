"""HTTP route templates as the Functions host reads them (ASP.NET style).

``api/requests/{id}``, ``{id:int}``, ``{id?}``, ``{*path}``; literals match
case-insensitively; a more specific template wins (literal segments before
parameters, constrained before plain, optional and catch-all last).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Generic, Iterable, TypeVar
from urllib.parse import unquote

T = TypeVar("T")

_PARAMETER = re.compile(r"\{([^{}]+)\}")
_CONSTRAINTS = {
    "int": r"-?\d+",
    "long": r"-?\d+",
    "bool": r"(?:true|false)",
    "alpha": r"[A-Za-z]+",
    "guid": r"[0-9A-Fa-f]{8}-?[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{12}",
    "float": r"-?\d+(?:\.\d+)?",
    "double": r"-?\d+(?:\.\d+)?",
    "decimal": r"-?\d+(?:\.\d+)?",
}

LITERAL, CONSTRAINED, PARAMETER, OPTIONAL, CATCH_ALL = range(5)


class RouteTemplateError(ValueError):
    pass


def normalize(path: str) -> str:
    return path.strip("/")


@dataclass(frozen=True)
class RouteTemplate:
    template: str
    pattern: re.Pattern[str]
    names: tuple[str, ...]
    precedence: tuple[int, ...]

    @classmethod
    def parse(cls, template: str) -> "RouteTemplate":
        text = normalize(template)
        segments = text.split("/") if text else []
        parts: list[str] = []
        names: list[str] = []
        precedence: list[int] = []
        for index, segment in enumerate(segments):
            last = index == len(segments) - 1
            regex, rank = cls._segment(segment, names, last=last, template=template)
            optional_alone = rank in (OPTIONAL, CATCH_ALL) and _PARAMETER.fullmatch(segment)
            parts.append(f"(?:/{regex})?" if optional_alone and index else ("/" if index else "") + regex)
            precedence.append(rank)
        body = "".join(parts)
        pattern = re.compile(f"^{body}$", re.IGNORECASE | re.DOTALL)
        return cls(template=template, pattern=pattern, names=tuple(names), precedence=tuple(precedence))

    @staticmethod
    def _segment(segment: str, names: list[str], *, last: bool, template: str) -> tuple[str, int]:
        if not segment:
            raise RouteTemplateError(f"route {template!r}: empty segment")
        regex = ""
        rank = LITERAL
        position = 0
        for match in _PARAMETER.finditer(segment):
            regex += re.escape(segment[position:match.start()])
            position = match.end()
            spec = match.group(1)
            catch_all = spec.startswith("*")
            spec = spec.lstrip("*")
            optional = spec.endswith("?")
            spec = spec.rstrip("?")
            name, _, constraint = spec.partition(":")
            name = name.strip()
            if "=" in name:
                name = name.split("=", 1)[0].strip()
                optional = True
            if not name.isidentifier():
                raise RouteTemplateError(f"route {template!r}: bad parameter {match.group(0)!r}")
            if name in names:
                raise RouteTemplateError(f"route {template!r}: parameter {name!r} appears twice")
            if (catch_all or optional) and not last:
                raise RouteTemplateError(f"route {template!r}: {match.group(0)!r} must be the last segment")
            names.append(name)
            if catch_all:
                value, kind = r".*", CATCH_ALL
            else:
                value = _CONSTRAINTS.get(constraint.split("(")[0].strip().lower(), r"[^/]+")
                kind = CONSTRAINED if constraint else PARAMETER
                if optional:
                    kind = OPTIONAL
            group = f"(?P<{name}>{value})"
            regex += f"(?:{group})?" if optional or catch_all else group
            rank = max(rank, kind)
        regex += re.escape(segment[position:])
        return regex, rank

    def match(self, raw_path: str) -> dict[str, str] | None:
        found = self.pattern.match(normalize(raw_path))
        if found is None:
            return None
        return {name: unquote(value) for name, value in found.groupdict().items() if value is not None}


@dataclass
class Route(Generic[T]):
    template: RouteTemplate
    methods: frozenset[str] | None  # None: every method
    target: T

    def allows(self, method: str) -> bool:
        return self.methods is None or method.upper() in self.methods


@dataclass
class RouteMatch(Generic[T]):
    target: T | None
    route_params: dict[str, str] = field(default_factory=dict)
    allowed: frozenset[str] = frozenset()

    @property
    def found(self) -> bool:
        return self.target is not None


class RouteTable(Generic[T]):
    def __init__(self) -> None:
        self._routes: list[Route[T]] = []

    def add(self, template: str, methods: Iterable[str] | None, target: T) -> Route[T]:
        route = Route(RouteTemplate.parse(template), frozenset(m.upper() for m in methods) if methods else None, target)
        self._routes.append(route)
        self._routes.sort(key=lambda r: (r.template.precedence, r.template.template))
        return route

    def __iter__(self):
        return iter(self._routes)

    def resolve(self, method: str, raw_path: str) -> RouteMatch[T] | None:
        """The route for this request; a match with no target means 405
        (``allowed`` lists the methods); ``None`` means no route has this path."""
        allowed: set[str] = set()
        path_matched = False
        for route in self._routes:
            params = route.template.match(raw_path)
            if params is None:
                continue
            path_matched = True
            if route.allows(method):
                return RouteMatch(route.target, params)
            allowed |= route.methods or set()
        if not path_matched:
            return None
        return RouteMatch(None, allowed=frozenset(allowed))
