"""Settings read from the environment that Kamiwaza gives an extension."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

_FALSE_WORDS = {"0", "false", "no", "off"}


def _flag(value: str | None, default: bool) -> bool:
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() not in _FALSE_WORDS


@dataclass(frozen=True)
class AuthConfig:
    """Where the Kamiwaza API is, and whether auth is on.

    `api_url` is the address the backend itself calls (inside the cluster);
    `public_api_url` is the address a browser is sent to for sign-in.
    """

    api_url: str = "http://host.docker.internal:7777/api"
    refresh_api_url: str = "http://host.docker.internal:7777/api"
    public_api_url: str = "https://localhost/api"
    auth_enabled: bool = True
    verify_tls: bool = False
    timeout_seconds: float = 10.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> AuthConfig:
        """Read `KAMIWAZA_API_URL`, `KAMIWAZA_API_URI` (refresh calls),
        `KAMIWAZA_PUBLIC_API_URL`, `KAMIWAZA_USE_AUTH` and
        `KAMIWAZA_VERIFY_SSL`; unset values keep the defaults above.
        Kamiwaza instances commonly use a self-signed certificate, so TLS
        checking is off unless `KAMIWAZA_VERIFY_SSL` turns it on."""
        env = os.environ if env is None else env
        api_url = env.get("KAMIWAZA_API_URL") or cls.api_url
        return cls(
            api_url=api_url.rstrip("/"),
            refresh_api_url=(env.get("KAMIWAZA_API_URI") or api_url).rstrip("/"),
            public_api_url=(env.get("KAMIWAZA_PUBLIC_API_URL") or cls.public_api_url).rstrip("/"),
            auth_enabled=_flag(env.get("KAMIWAZA_USE_AUTH"), True),
            verify_tls=_flag(env.get("KAMIWAZA_VERIFY_SSL"), False),
        )
