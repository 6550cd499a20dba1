"""Vietnamese text folding and name splitting."""

from __future__ import annotations

import unicodedata

import pytest

from baove.core.text import clean_text, fold, fold_name, has_control_chars, split_full_name


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Nguyễn Thị Hương", "nguyen thi huong"),
        ("NGUYỄN THỊ HƯƠNG", "nguyen thi huong"),
        ("nguyen thi huong", "nguyen thi huong"),
        ("Đặng  Văn   Đức", "dang van duc"),
        ("hoà", "hoa"),
        ("hòa", "hoa"),
        ("Huỳnh-Thị, Ánh!", "huynh thi anh"),
        ("", ""),
    ],
)
def test_fold(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_fold_is_the_same_for_nfc_and_nfd_input() -> None:
    name = "Phạm Thị Thuỷ Tiên"
    assert fold(unicodedata.normalize("NFD", name)) == fold(name) == "pham thi thuy tien"


def test_fold_name_orders_family_middle_given() -> None:
    assert fold_name("Lê", "", "Mai") == "le mai"
    assert fold_name("Võ", "Văn Quốc", "Bảo") == "vo van quoc bao"


def test_split_full_name() -> None:
    assert split_full_name(" Nguyễn  Thị Minh Khai ") == ("Nguyễn", "Thị Minh", "Khai")
    assert split_full_name("Lan") == ("", "", "Lan")
    assert split_full_name("Lê Lan") == ("Lê", "", "Lan")
    assert split_full_name("") == ("", "", "")


def test_clean_text_and_control_chars() -> None:
    assert clean_text(unicodedata.normalize("NFD", " Hương  ")) == "Hương"
    assert has_control_chars("a\x00b") and has_control_chars("\x1b[31m")
    assert not has_control_chars("dòng một\ndòng hai\tcột")
