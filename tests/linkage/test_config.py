"""The linkage configuration: TOML parsing and clear errors naming source and column."""

from __future__ import annotations

from pathlib import Path

import pytest

from baove.linkage.config import ConfigError, check_columns, load_config, parse_config

GOOD = """
[link]
threshold = 0.9
review_low = 0.4

[sources.births]
id_column = "so"
date_format = "%d/%m/%Y"
commune_vintage = "legacy"

[sources.births.columns]
so = "ignore"
ho_ten = "full_name"
ngay_sinh = "birth_date"

[sources.people]
file = "list_b.csv"
encoding = "cp1258"

[sources.people.columns]
"First Name" = "given"
Surname = "family"
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "link.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_good_config_is_read(tmp_path: Path) -> None:
    config = load_config(_write(tmp_path, GOOD))
    assert config.link.threshold == 0.9
    assert config.link.review_low == 0.4
    # review_high follows the threshold unless given
    assert config.link.review_high == 0.9
    assert config.link.lambda_ is None
    births = config.sources["births"]
    assert births.columns["ho_ten"] == "full_name"
    assert births.id_column == "so"
    assert births.commune_vintage == "legacy"
    assert config.sources["people"].encoding == "cp1258"
    assert config.base_dir == tmp_path


def test_sources_match_files_by_stem_or_file_key(tmp_path: Path) -> None:
    config = load_config(_write(tmp_path, GOOD))
    assert config.source_for(Path("data/births.csv")).name == "births"
    assert config.source_for(Path("x/list_b.csv")).name == "people"
    with pytest.raises(ConfigError, match=r"other\.csv: no \[sources\.\*\] section"):
        config.source_for(Path("other.csv"))


def test_bad_role_names_source_and_column() -> None:
    raw = {"sources": {"births": {"columns": {"ho_ten": "full_name", "tuoi": "age"}}}}
    with pytest.raises(ConfigError) as info:
        parse_config(raw)
    message = str(info.value)
    assert "[sources.births]" in message
    assert "'tuoi'" in message
    assert "unknown role 'age'" in message


def test_role_given_twice_is_refused() -> None:
    raw = {"sources": {"s": {"columns": {"a": "given", "b": "given"}}}}
    with pytest.raises(ConfigError, match="'a' and 'b' both have role 'given'"):
        parse_config(raw)
    # several phone columns are fine: the first valid one wins
    parse_config({"sources": {"s": {"columns": {"a": "given", "p1": "phone", "p2": "phone"}}}})


def test_missing_and_unmapped_columns_name_file_source_and_column(tmp_path: Path) -> None:
    config = load_config(_write(tmp_path, GOOD))
    births = config.sources["births"]
    with pytest.raises(ConfigError) as info:
        check_columns(births, ["so", "ho_ten"], file="b.csv")
    assert "b.csv (source births)" in str(info.value)
    assert "'ngay_sinh'" in str(info.value)
    with pytest.raises(ConfigError, match=r"'gioi_tinh' have no role in \[sources\.births"):
        check_columns(births, ["so", "ho_ten", "ngay_sinh", "gioi_tinh"], file="b.csv")
    check_columns(births, ["ngay_sinh", "so", "ho_ten"], file="b.csv")  # order is free


@pytest.mark.parametrize(
    ("link", "message"),
    [
        ({"threshold": 1.5}, "threshold: must be strictly between 0 and 1"),
        ({"review_low": 0.9, "review_high": 0.5}, "review_low .* must not exceed review_high"),
        ({"threshhold": 0.9}, "unknown key"),
        ({"lambda": "guess"}, "lambda: expected a number"),
        ({"backend": "postgres"}, "backend"),
    ],
)
def test_bad_link_settings(link: dict[str, object], message: str) -> None:
    raw = {"link": link, "sources": {"s": {"columns": {"a": "given"}}}}
    with pytest.raises(ConfigError, match=message):
        parse_config(raw)


def test_other_source_problems() -> None:
    with pytest.raises(ConfigError, match="no name column and no identifier"):
        parse_config({"sources": {"s": {"columns": {"a": "birth_date"}}}})
    with pytest.raises(ConfigError, match="id_column 'key' is not in its columns"):
        parse_config({"sources": {"s": {"id_column": "key", "columns": {"a": "given"}}}})
    with pytest.raises(ConfigError, match="unknown encoding"):
        parse_config({"sources": {"s": {"encoding": "klingon", "columns": {"a": "given"}}}})
    with pytest.raises(ConfigError, match="commune_vintage"):
        parse_config({"sources": {"s": {"commune_vintage": "1999", "columns": {"a": "given"}}}})
    with pytest.raises(ConfigError, match="no \\[sources"):
        parse_config({"link": {}})


def test_invalid_toml_names_the_file(tmp_path: Path) -> None:
    path = _write(tmp_path, "[link\nthreshold = ")
    with pytest.raises(ConfigError, match=r"link\.toml: not valid TOML"):
        load_config(path)
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(tmp_path / "absent.toml")
