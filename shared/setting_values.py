"""Values that settings hold and that more than the settings read: URLs, origins,
NCRONTAB schedules. Pure functions, no settings."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlparse


def is_loopback_url(url: str) -> bool:
    host = urlparse(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


DEFAULT_PORTS = {"http": 80, "https": 443}


def origin_of(url: str) -> str | None:
    """``scheme://host[:port]`` of an http(s) URL, lower case, without a default port; None when it has none."""
    try:
        parsed = urlparse(url.strip())
        port = parsed.port
    except ValueError:
        return None
    scheme = parsed.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parsed.hostname or parsed.username is not None or parsed.password is not None:
        return None
    host = parsed.hostname.lower()
    if ":" in host:
        host = f"[{host}]"
    return f"{scheme}://{host}" + (f":{port}" if port is not None and port != DEFAULT_PORTS[scheme] else "")


def as_origin(value: str) -> str:
    """An origin as a browser sends it in ``Origin``: scheme, host and port, nothing else."""
    origin = origin_of(value) if isinstance(value, str) else None
    rest = urlparse(value.strip()) if origin else None
    if origin is None or rest is None or rest.path not in ("", "/") or rest.query or rest.fragment or rest.params:
        raise ValueError(f"expected origins like https://forms.contoso.com (scheme, host, port), got {value!r}")
    return origin


def validate_ncrontab(expression: str) -> None:
    """NCRONTAB as the Functions host reads it: six fields, seconds first."""
    fields = expression.split()
    if len(fields) != 6:
        raise ValueError("expected six NCRONTAB fields: second minute hour day month day-of-week")
    from croniter import croniter

    if not croniter.is_valid(expression, second_at_beginning=True):
        raise ValueError(f"not a valid NCRONTAB expression: {expression!r}")
