"""The [web] section: checked like every other, and a pasted token is never echoed."""

from __future__ import annotations

import pytest

from postcast.config import config_from_dict
from postcast.errors import ConfigError


def test_web_section_defaults_and_values() -> None:
    assert config_from_dict({}).web.port == 8000
    web = config_from_dict({"web": {"port": 9000, "admin_token_sha256": "AB" * 32}}).web
    assert (web.port, web.admin_token_sha256, web.rate_limit) == (9000, "AB" * 32, "60/minute")


@pytest.mark.parametrize(
    ("web", "message"),
    [
        ({"port": 0}, "[web] port: 0 is outside 1..65535"),
        ({"port": "80"}, "[web] port"),
        ({"rate_limit": "often"}, '[web] rate_limit: "often" is not a rate like 60/minute'),
        ({"admin_token_sha256": "hunter2"}, "[web] admin_token_sha256: is not a SHA-256"),
        ({"admin_token": "x"}, "admin_token"),
    ],
)
def test_web_section_refusals(web: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        config_from_dict({"web": web})
    assert message in str(caught.value)
    assert "hunter2" not in str(caught.value)
