"""Checking a parsed `postcast.toml` completely: types, ranges, choices, plug-in names.

The rules live on the dataclasses in `postcast.config` (their type hints and `Annotated`
ranges); pydantic checks values against them, strictly (TOML has types: `"64"` is not a
number), and this module turns what pydantic found into one line a user can act on:
`[audio] bitrate_kbps: -5 is outside 64..96`.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import os
import re
import types
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Union

from annotated_types import Ge, Gt, Interval
from pydantic import BaseModel, ConfigDict, ValidationError, create_model
from pydantic_core import ErrorDetails

from postcast.config import (
    AudioConfig,
    Config,
    FeedConfig,
    LibraryConfig,
    NarrationConfig,
    Positive,
    ServiceConfig,
    SourceConfig,
    SpeechConfig,
    WebConfig,
)
from postcast.errors import ConfigError
from postcast.objectstore.keys import BUCKET_NAME, key_problem
from postcast.plugins import (
    BUILTIN_SOURCE_KINDS,
    is_engine,
    is_source_kind,
    known_engines,
    known_source_kinds,
)

TABLES: dict[str, type] = {
    "library": LibraryConfig,
    "narration": NarrationConfig,
    "speech": SpeechConfig,
    "audio": AudioConfig,
    "web": WebConfig,
    "service": ServiceConfig,
}
ARRAYS: dict[str, type] = {"sources": SourceConfig, "feeds": FeedConfig}
WEB_SCHEMES = ("http://", "https://")
_SHA256_HEX = re.compile(r"[0-9a-fA-F]{64}")
_S3_STORAGE = re.compile(r"s3://([^/?#]*)(/[^?#]*)?")
DATABASE_SCHEMES = ("sqlite", "postgresql", "postgres")
BROKER_SCHEMES = ("redis", "rediss", "amqp", "amqps", "pyamqp")
RESULT_SCHEMES = ("redis", "rediss", "rpc", "db+sqlite", "db+postgresql")
TYPE_WORDS = {
    "int_type": "is not an integer",
    "float_type": "is not a number",
    "string_type": "is not a string",
    "bool_type": "is not true or false",
    "list_type": "is not a list",
    "dict_type": "is not a table",
    "model_type": "is not a table",
    "finite_number": "is not a finite number",
}


@dataclass
class _TopLevel:
    """The keys that sit above every section."""

    interval_minutes: Positive = 30.0


def checked_sections(data: dict[str, Any], origin: str) -> dict[str, Any]:
    """`Config` keyword arguments from a parsed file; `ConfigError` listing every problem."""
    problems: list[str] = []
    top_keys = {field.name for field in dataclasses.fields(_TopLevel)}
    unknown = sorted(set(data) - set(TABLES) - set(ARRAYS) - top_keys)
    if unknown:
        problems.append(f"unknown section(s) or key(s): {', '.join(unknown)}")
    sections: dict[str, Any] = {}
    for name, cls in TABLES.items():
        if name in data:
            sections[name] = _checked(cls, data[name], f"[{name}]", problems)
    for name, cls in ARRAYS.items():
        if name not in data:
            continue
        items = data[name]
        if not isinstance(items, list):
            problems.append(f"[[{name}]]: expected an array of tables, got {_show(items)}")
            continue
        sections[name] = [
            _checked(cls, item, f"[[{name}]] #{number}", problems)
            for number, item in enumerate(items, start=1)
        ]
    top = _checked(_TopLevel, {key: data[key] for key in top_keys if key in data}, "", problems)
    if not problems:
        problems += _cross_checks(sections)
    if problems:
        raise ConfigError(origin, "; ".join(problems))
    return {**sections, "interval_minutes": top.interval_minutes}


def check_files(config: Config, origin: str) -> None:
    """Files the configuration names that must already exist (cover art)."""
    images = [("[library]", config.library.image)]
    images += [(f"[[feeds]] #{n}", feed.image) for n, feed in enumerate(config.feeds, start=1)]
    for where, image in images:
        if image and not Path(image).is_file():
            raise ConfigError(origin, f"{where} image: {image} is not a file")


def _checked(cls: type, values: Any, where: str, problems: list[str]) -> Any:
    """`cls(**values)` if pydantic finds `values` fit, else None with `problems` noted."""
    prefix = f"{where} " if where else ""
    if not isinstance(values, dict):
        problems.append(f"{where or 'configuration'}: expected a table, got {_show(values)}")
        return None
    try:
        checked = _model(cls).model_validate(values)
    except ValidationError as error:
        problems += _messages(cls, error.errors(include_url=False), prefix)
        return None
    return _instance(cls, checked)


def _instance(cls: type, checked: BaseModel) -> Any:
    """The dataclass `cls` from its checked model (tables inside it, such as `[web]`'s
    webhooks, made into their dataclasses too)."""
    return cls(**{name: _plain(getattr(checked, name)) for name in checked.model_fields_set})


def _plain(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return _instance(_DATACLASS_OF[type(value)], value)
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


_DATACLASS_OF: dict[type[BaseModel], type] = {}


@functools.cache
def _model(cls: type) -> type[BaseModel]:
    """A strict pydantic model of a config dataclass: same fields, types and ranges.

    Built from the dataclass rather than validating it directly because pydantic's
    strict mode accepts only instances for a dataclass, and TOML gives dicts.
    """
    hints = typing.get_type_hints(cls, include_extras=True)
    fields: dict[str, Any] = {}
    for field in dataclasses.fields(cls):
        required = field.default is dataclasses.MISSING
        required = required and field.default_factory is dataclasses.MISSING
        fields[field.name] = (_schema_hint(hints[field.name]), ... if required else None)
    config = ConfigDict(strict=True, extra="forbid", validate_default=False, allow_inf_nan=False)
    model: type[BaseModel] = create_model(f"{cls.__name__}Schema", __config__=config, **fields)
    _DATACLASS_OF[model] = cls
    return model


def _schema_hint(hint: Any) -> Any:
    """A field's type with any dataclass in it (alone or in a list) as its model."""
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        return _model(hint)
    if typing.get_origin(hint) is list:
        (item,) = typing.get_args(hint)
        if dataclasses.is_dataclass(item) and isinstance(item, type):
            return list[_model(item)]  # type: ignore[misc]
    return hint


def _field_hint(cls: type, loc: tuple[int | str, ...]) -> Any:
    """The type hint of the value at `loc` (`webhooks`, 0, `max_attempts`) in `cls`."""
    hint: Any = typing.get_type_hints(cls, include_extras=True)[str(loc[0])]
    for part in loc[1:]:
        if isinstance(part, int) and typing.get_origin(hint) is list:
            hint = typing.get_args(hint)[0]
        elif isinstance(part, str) and dataclasses.is_dataclass(hint):
            hint = typing.get_type_hints(hint, include_extras=True)[part]
    return hint


def _messages(cls: type, errors: list[ErrorDetails], prefix: str) -> list[str]:
    unknown = [_key(error["loc"]) for error in errors if error["type"] == "extra_forbidden"]
    messages = [f"{prefix}unknown key(s): {', '.join(unknown)}"] if unknown else []
    for error in errors:
        if error["type"] != "extra_forbidden":
            messages.append(f"{prefix}{_key(error['loc'])}: {_problem(cls, error)}")
    return messages


def _key(loc: tuple[int | str, ...]) -> str:
    """`voices[1]`, `lexicon.Yudkowsky`: where in the section the value sits."""
    key = str(loc[0])
    for part in loc[1:]:
        key += f"[{part}]" if isinstance(part, int) else f".{part}"
    return key


def _problem(cls: type, error: ErrorDetails) -> str:
    kind, value = error["type"], error.get("input")
    if kind == "missing":
        return "required"
    if kind in TYPE_WORDS:
        return f"{_show(value)} {TYPE_WORDS[kind]}"
    if kind == "literal_error":
        expected = str(error.get("ctx", {}).get("expected", "")).replace("'", '"')
        return f"{_show(value)} is not one of {expected}"
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        return f"{_show(value)} {_range_words(_field_hint(cls, error['loc']))}"
    return f"{_show(value)}: {error['msg']}"


def _range_words(hint: Any) -> str:
    """`is outside 64..96`, `is less than 0`, `must be more than 0`: from the field's range."""
    low = high = None
    strict_low = False
    for bound in _bounds(hint):
        if isinstance(bound, Interval):
            low, high = bound.ge if bound.ge is not None else bound.gt, bound.le
            strict_low = bound.gt is not None
        elif isinstance(bound, Ge):
            low = bound.ge
        elif isinstance(bound, Gt):
            low, strict_low = bound.gt, True
    if low is not None and high is not None:
        return f"is outside {_number(low)}..{_number(high)}"
    if strict_low:
        return f"must be more than {_number(low)}"
    return f"is less than {_number(low)}"


def _bounds(hint: Any) -> list[Any]:
    """The `Annotated` metadata of a hint, looking inside `X | None`."""
    if typing.get_origin(hint) in (Union, types.UnionType):
        return [bound for arg in typing.get_args(hint) for bound in _bounds(arg)]
    if typing.get_origin(hint) is typing.Annotated:
        return list(hint.__metadata__)
    return []


def _number(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _show(value: Any) -> str:
    """A value as it would be written in TOML, cut short if long."""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, str):
        text = json.dumps(value, ensure_ascii=False)
    elif isinstance(value, dict):
        text = "a table"
    elif isinstance(value, list):
        text = "an array"
    else:
        text = str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _cross_checks(sections: dict[str, Any]) -> list[str]:
    """What one key alone cannot say: plug-in names, required keys, references."""
    problems = _library_checks(sections.get("library") or LibraryConfig())
    problems += _web_checks(sections.get("web") or WebConfig())
    if sections.get("service") is not None:
        problems += _service_checks(sections["service"])
    speech = sections.get("speech") or SpeechConfig()
    if not is_engine(speech.engine):
        problems.append(
            f"[speech] engine: {_show(speech.engine)} is not a known engine "
            f"(known: {', '.join(known_engines())})"
        )
    sources: list[SourceConfig] = sections.get("sources", [])
    for number, source in enumerate(sources, start=1):
        problems += _source_checks(source, f"[[sources]] #{number}")
    problems += _unique([source.name for source in sources], "[[sources]]", "source")
    feeds: list[FeedConfig] = sections.get("feeds", [])
    names = {source.name for source in sources}
    for number, feed in enumerate(feeds, start=1):
        if not feed.name:
            problems.append(f"[[feeds]] #{number} name: must not be empty")
        missing = [name for name in feed.sources if name not in names]
        if missing:
            problems.append(
                f"[[feeds]] #{number} sources: no source named {', '.join(map(_show, missing))}"
            )
    problems += _unique([feed.name for feed in feeds], "[[feeds]]", "feed")
    return problems


def _library_checks(library: LibraryConfig) -> list[str]:
    problems = []
    if not library.base_url.startswith(WEB_SCHEMES):
        problems.append(f"[library] base_url: {_show(library.base_url)} is not an http(s) URL")
    scheme = library.database.split(":", 1)[0].split("+", 1)[0]
    if ":" not in library.database or scheme not in DATABASE_SCHEMES:
        problems.append(
            f"[library] database: {_show(scheme)} is not supported; "
            "use sqlite:///FILE or postgresql://USER@HOST/DB"
        )
    if not library.site_dir:
        problems.append("[library] site_dir: must not be empty")
    return problems


def _web_checks(web: WebConfig) -> list[str]:
    from limits import parse_many

    problems = []
    if web.admin_token_sha256 and not _SHA256_HEX.fullmatch(web.admin_token_sha256):
        # The value is a hash, but a token pasted here by mistake must not be echoed.
        problems.append("[web] admin_token_sha256: is not a SHA-256 hex digest (64 hex digits)")
    try:
        parse_many(web.rate_limit)
    except ValueError:
        problems.append(f"[web] rate_limit: {_show(web.rate_limit)} is not a rate like 60/minute")
    for number, hook in enumerate(web.webhooks):
        where = f"[web] webhooks[{number}]"
        if not hook.url.startswith(WEB_SCHEMES):
            problems.append(f"{where}.url: {_show(hook.url)} is not an http(s) URL")
        if not hook.secret_env:
            problems.append(f"{where}.secret_env: must name an environment variable")
        elif not os.environ.get(hook.secret_env):
            # The variable's name only: its value is a secret.
            problems.append(f"{where}.secret_env: {hook.secret_env} is not set (or is empty)")
    urls = [hook.url for hook in web.webhooks]
    twice = sorted({url for url in urls if urls.count(url) > 1})
    if twice:
        problems.append(f"[web] webhooks: listed more than once: {', '.join(twice)}")
    return problems


def _service_checks(service: ServiceConfig) -> list[str]:
    problems = []
    if _scheme(service.broker_url) not in BROKER_SCHEMES:
        problems.append(
            f"[service] broker_url: {_show(service.broker_url)} is not a broker URL "
            "(redis://HOST:6379/N or amqp://USER:PASSWORD@HOST:5672//)"
        )
    if service.result_backend and _scheme(service.result_backend) not in RESULT_SCHEMES:
        problems.append(
            f"[service] result_backend: {_show(service.result_backend)} is not a result "
            'backend URL (redis://HOST:6379/N, or "" for none)'
        )
    return problems + _storage_checks(service.storage)


def _storage_checks(storage: str) -> list[str]:
    """`[service] storage`: "" or a folder (published there), or s3://bucket[/prefix]."""
    if "://" not in storage:
        return []
    match = _S3_STORAGE.fullmatch(storage)
    prefix = (match.group(2) or "").strip("/") if match else ""
    if match and BUCKET_NAME.fullmatch(match.group(1)) and not (prefix and key_problem(prefix)):
        return []
    return [
        f"[service] storage: {_show(storage)} is not a folder, s3://bucket or "
        "s3://bucket/prefix (leave it out to publish into [library] site_dir)"
    ]


def _scheme(url: str) -> str:
    return url.split("://", 1)[0].lower() if "://" in url else ""


def _source_checks(source: SourceConfig, where: str) -> list[str]:
    if not source.name:
        return [f"{where} name: must not be empty"]
    if not is_source_kind(source.kind):
        known = ", ".join(known_source_kinds())
        return [f"{where} kind: {_show(source.kind)} is not a known source kind (known: {known})"]
    if source.kind not in BUILTIN_SOURCE_KINDS:
        return []  # a plug-in checks its own keys
    if source.kind == "local":
        return [] if source.path else [f'{where} path: required for kind "local"']
    if not source.url:
        return [f"{where} url: required for kind {_show(source.kind)}"]
    if not source.url.startswith(WEB_SCHEMES):
        return [f"{where} url: {_show(source.url)} is not an http(s) URL"]
    return []


def _unique(names: list[str], where: str, what: str) -> list[str]:
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if not duplicates:
        return []
    return [f"{where} duplicate {what} name(s): {', '.join(duplicates)}"]
