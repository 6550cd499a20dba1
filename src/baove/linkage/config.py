"""The linkage configuration: a TOML file giving each source's column roles and the thresholds.

Example::

    [link]
    threshold = 0.95          # match probability at which two records are the same child
    review_low = 0.5          # pairs in [review_low, review_high) go to clerical review
    review_high = 0.95
    lambda = "estimate"       # or a number: prior probability that two random records match

    [sources.birth_registry]
    file = "birth.csv"        # optional: otherwise matched on the file stem
    id_column = "ma_ho_so"
    date_format = "%d/%m/%Y"
    commune_vintage = "legacy"
    encoding = "utf-8"

    [sources.birth_registry.columns]
    ma_ho_so = "identifier"
    ho_ten = "full_name"
    ngay_sinh = "birth_date"

Every column of a source file must have a role (``ignore`` skips it), so a renamed or new
export column is reported instead of silently dropped. Plain Python: no Django.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, cast

from baove.linkage.standardise import ROLES

__all__ = [
    "ConfigError",
    "LinkConfig",
    "LinkSettings",
    "SourceConfig",
    "check_columns",
    "load_config",
    "parse_config",
]

Vintage = Literal["auto", "2025", "legacy"]
_VINTAGES: tuple[str, ...] = ("auto", "2025", "legacy")
# Roles several columns may share (as standardise allows); any other role given twice
# would be ambiguous.
_MULTI_ROLES = frozenset({"identifier", "phone", "address", "ignore"})
_NAME_ROLES = frozenset({"family", "middle", "given", "full_name"})
_SOURCE_KEYS = frozenset(
    {"file", "id_column", "date_format", "commune_vintage", "encoding", "columns"}
)
_LINK_KEYS = frozenset(
    {
        "threshold",
        "review_low",
        "review_high",
        "lambda",
        "lambda_recall",
        "u_max_pairs",
        "seed",
        "backend",
        "truth",
    }
)


class ConfigError(ValueError):
    """A configuration or input-file problem, with a message naming the source and column."""


@dataclass(frozen=True)
class SourceConfig:
    """How to read one source.

    Attributes:
        name: Source name (also the prefix of its record ids).
        columns: Input column -> role (one of ``standardise.ROLES``).
        file: File name this section applies to, or None to match on the file stem.
        id_column: Column holding the source's own record id (row number when None).
        date_format: ``strptime`` format of the birth date column, or None to guess.
        commune_vintage: Which commune codes the source uses.
        encoding: Text encoding of a CSV file.
    """

    name: str
    columns: Mapping[str, str]
    file: str | None = None
    id_column: str | None = None
    date_format: str | None = None
    commune_vintage: Vintage = "auto"
    encoding: str = "utf-8"

    def matches(self, path: Path) -> bool:
        """Return True when this section describes the file at ``path``."""
        if self.file is not None:
            return path.name == self.file or str(path) == self.file
        return path.stem == self.name


@dataclass(frozen=True)
class LinkSettings:
    """Global linkage settings.

    Attributes:
        threshold: Match probability at or above which a pair is a link (and clustered).
        review_low: Lower bound of the clerical-review band (inclusive).
        review_high: Upper bound of the clerical-review band (exclusive).
        lambda_: Prior probability that two random records match; None to estimate it from
            deterministic rules.
        lambda_recall: Assumed recall of those deterministic rules when estimating lambda.
        u_max_pairs: Random pairs sampled to estimate the u probabilities.
        seed: Seed for the random sampling (reproducible models).
        backend: ``duckdb`` (embedded default) or ``spark``.
        truth: Optional file of ``record_id, child_id`` for ``baove link evaluate``.
    """

    threshold: float = 0.95
    review_low: float = 0.5
    review_high: float = 0.95
    lambda_: float | None = None
    lambda_recall: float = 0.8
    u_max_pairs: float = 1e7
    seed: int = 42
    backend: Literal["duckdb", "spark"] = "duckdb"
    truth: str | None = None


@dataclass(frozen=True)
class LinkConfig:
    """A whole linkage configuration: sources plus global settings."""

    sources: Mapping[str, SourceConfig]
    link: LinkSettings = field(default_factory=LinkSettings)
    base_dir: Path = Path()

    def source_for(self, path: Path) -> SourceConfig:
        """Return the source section that describes ``path``.

        Raises:
            ConfigError: No section, or more than one, matches the file.
        """
        found = [s for s in self.sources.values() if s.matches(path)]
        if not found:
            names = ", ".join(sorted(self.sources)) or "none"
            raise ConfigError(
                f"{path}: no [sources.*] section matches this file (sections: {names}); "
                f"name a section after the file stem or set its 'file' key"
            )
        if len(found) > 1:
            names = ", ".join(s.name for s in found)
            raise ConfigError(f"{path}: several [sources.*] sections match this file: {names}")
        return found[0]


def _probability(value: object, key: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(f"[link] {key}: expected a number, got {value!r}")
    number = float(value)
    if not (0.0 < number < 1.0) or math.isnan(number):
        raise ConfigError(f"[link] {key}: must be strictly between 0 and 1, got {number}")
    return number


def _parse_link(raw: Mapping[str, Any]) -> LinkSettings:
    unknown = sorted(set(raw) - _LINK_KEYS)
    if unknown:
        raise ConfigError(f"[link]: unknown key(s) {', '.join(unknown)}")
    threshold = _probability(raw.get("threshold", 0.95), "threshold")
    review_low = _probability(raw.get("review_low", min(0.5, threshold)), "review_low")
    review_high = _probability(raw.get("review_high", threshold), "review_high")
    if review_low > review_high:
        raise ConfigError(
            f"[link]: review_low ({review_low}) must not exceed review_high ({review_high})"
        )
    raw_lambda = raw.get("lambda", "estimate")
    lambda_ = None if raw_lambda == "estimate" else _probability(raw_lambda, "lambda")
    backend = raw.get("backend", "duckdb")
    if backend not in ("duckdb", "spark"):
        raise ConfigError(f"[link] backend: expected 'duckdb' or 'spark', got {backend!r}")
    u_max_pairs = raw.get("u_max_pairs", 1e7)
    if isinstance(u_max_pairs, bool) or not isinstance(u_max_pairs, int | float):
        raise ConfigError(f"[link] u_max_pairs: expected a number, got {u_max_pairs!r}")
    if u_max_pairs < 1000:
        raise ConfigError(f"[link] u_max_pairs: at least 1000, got {u_max_pairs}")
    seed = raw.get("seed", 42)
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise ConfigError(f"[link] seed: expected an integer, got {seed!r}")
    truth = raw.get("truth")
    if truth is not None and not isinstance(truth, str):
        raise ConfigError(f"[link] truth: expected a file name, got {truth!r}")
    return LinkSettings(
        threshold=threshold,
        review_low=review_low,
        review_high=review_high,
        lambda_=lambda_,
        lambda_recall=_probability(raw.get("lambda_recall", 0.8), "lambda_recall"),
        u_max_pairs=float(u_max_pairs),
        seed=seed,
        backend=cast(Literal["duckdb", "spark"], backend),
        truth=truth,
    )


def _optional_str(raw: Mapping[str, Any], key: str, where: str) -> str | None:
    value = raw.get(key)
    if value is not None and (not isinstance(value, str) or not value):
        raise ConfigError(f"{where} {key}: expected a non-empty string, got {value!r}")
    return value


def _parse_source(name: str, raw: object) -> SourceConfig:
    where = f"[sources.{name}]"
    if not isinstance(raw, Mapping):
        raise ConfigError(f"{where}: expected a table")
    unknown = sorted(set(raw) - _SOURCE_KEYS)
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {', '.join(unknown)}")
    columns = raw.get("columns")
    if not isinstance(columns, Mapping) or not columns:
        raise ConfigError(f"{where}: needs a [sources.{name}.columns] table of column = role")
    seen: dict[str, str] = {}
    for column, role in columns.items():
        if role not in ROLES:
            raise ConfigError(
                f"{where} column {column!r}: unknown role {role!r} (roles: {', '.join(ROLES)})"
            )
        if role not in _MULTI_ROLES and role in seen:
            raise ConfigError(
                f"{where} columns {seen[role]!r} and {column!r} both have role {role!r}"
            )
        seen.setdefault(role, column)
    if not _NAME_ROLES & set(seen) and "identifier" not in seen:
        raise ConfigError(f"{where}: no name column and no identifier column: nothing to link on")
    vintage = raw.get("commune_vintage", "auto")
    if vintage not in _VINTAGES:
        raise ConfigError(
            f"{where} commune_vintage: expected one of {', '.join(_VINTAGES)}, got {vintage!r}"
        )
    id_column = _optional_str(raw, "id_column", where)
    if id_column is not None and id_column not in columns:
        raise ConfigError(f"{where} id_column {id_column!r} is not in its columns table")
    encoding = _optional_str(raw, "encoding", where) or "utf-8"
    try:
        "".encode(encoding)
    except LookupError as exc:
        raise ConfigError(f"{where} encoding: unknown encoding {encoding!r}") from exc
    return SourceConfig(
        name=name,
        columns=dict(columns),
        file=_optional_str(raw, "file", where),
        id_column=id_column,
        date_format=_optional_str(raw, "date_format", where),
        commune_vintage=cast(Vintage, vintage),
        encoding=encoding,
    )


def parse_config(raw: Mapping[str, Any], *, base_dir: Path | None = None) -> LinkConfig:
    """Validate a configuration already read from TOML.

    Args:
        raw: The TOML document as a mapping.
        base_dir: Folder that relative file names in the configuration refer to.

    Returns:
        The validated configuration.

    Raises:
        ConfigError: With a message naming the section, source and column at fault.
    """
    unknown = sorted(set(raw) - {"link", "sources"})
    if unknown:
        raise ConfigError(f"unknown top-level table(s): {', '.join(unknown)}")
    link = raw.get("link", {})
    if not isinstance(link, Mapping):
        raise ConfigError("[link]: expected a table")
    sources = raw.get("sources")
    if not isinstance(sources, Mapping) or not sources:
        raise ConfigError("no [sources.<name>] section: describe at least one source")
    parsed: dict[str, SourceConfig] = {}
    for name, section in sources.items():
        if not name or ":" in name:
            raise ConfigError(f"[sources.{name}]: a source name must be non-empty, without ':'")
        parsed[name] = _parse_source(name, section)
    return LinkConfig(sources=parsed, link=_parse_link(link), base_dir=base_dir or Path())


def load_config(path: str | Path) -> LinkConfig:
    """Read and validate a TOML configuration file.

    Args:
        path: The configuration file.

    Returns:
        The validated configuration; relative file names resolve against its folder.

    Raises:
        ConfigError: Unreadable file, invalid TOML or invalid content (the message names it).
    """
    path = Path(path)
    try:
        with path.open("rb") as handle:
            raw = tomllib.load(handle)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the configuration: {exc.strerror}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    try:
        return parse_config(raw, base_dir=path.parent)
    except ConfigError as exc:
        raise ConfigError(f"{path}: {exc}") from exc


def check_columns(source: SourceConfig, columns: Sequence[str], *, file: Path | str) -> None:
    """Check a file's header against its source section.

    Args:
        source: The source section.
        columns: Column names found in the file.
        file: The file (for the message).

    Raises:
        ConfigError: A configured column is missing from the file, or a file column has no
            role; the message names the file, source and column.
    """
    present = set(columns)
    missing = [c for c in source.columns if c not in present]
    if missing:
        raise ConfigError(
            f"{file} (source {source.name}): column(s) {', '.join(map(repr, missing))} named in "
            f"the configuration are not in the file (file columns: {', '.join(columns)})"
        )
    unmapped = [c for c in columns if c not in source.columns]
    if unmapped:
        raise ConfigError(
            f"{file} (source {source.name}): column(s) {', '.join(map(repr, unmapped))} have no "
            f"role in [sources.{source.name}.columns]; give each a role, or 'ignore'"
        )
