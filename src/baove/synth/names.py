"""Vietnamese personal names: family, middle and given names with realistic frequencies.

Family-name shares follow the national figures (Nguyễn about 38%, Trần 11%, Lê 9.5% ...);
Huỳnh and Võ, the southern forms of Hoàng and Vũ, are drawn more often in the south.
Several ethnic minorities draw from their own family names (Hmông: Giàng, Vàng, Sùng ...;
Thái: Lò, Lường, Quàng ...; Khmer: Thạch, Danh, Sơn ...). Middle names mark sex as usual:
Thị for most girls and women, Văn for many boys and men. Every string is NFC.
"""

from __future__ import annotations

import functools
import random
import unicodedata
from collections.abc import Sequence

from baove.core.text import fold
from baove.synth.tables import table

__all__ = [
    "ETHNIC_FAMILY_NAMES",
    "FAMILY_NAME_SHARES",
    "NamePools",
    "pools",
    "random_name",
    "region_of",
]


def _nfc(values: Sequence[str]) -> list[str]:
    return [unicodedata.normalize("NFC", v) for v in values]


def _zipf(n: int, exponent: float) -> list[float]:
    return [1.0 / (rank**exponent) for rank in range(1, n + 1)]


#: National family-name shares in percent (the long tail is added below).
FAMILY_NAME_SHARES: dict[str, float] = {
    "Nguyễn": 38.4,
    "Trần": 11.0,
    "Lê": 9.5,
    "Phạm": 7.1,
    "Hoàng": 2.6,
    "Huỳnh": 2.5,
    "Phan": 4.5,
    "Vũ": 2.0,
    "Võ": 1.9,
    "Đặng": 2.1,
    "Bùi": 2.0,
    "Đỗ": 1.4,
    "Hồ": 1.3,
    "Ngô": 1.3,
    "Dương": 1.0,
    "Lý": 0.5,
}

#: The rest of the population, most frequent first (Zipf-like shares of what is left).
_TAIL_FAMILY = [
    "Đinh", "Trương", "Đào", "Trịnh", "Mai", "Lâm", "Lương", "Cao", "Hà", "Đoàn",
    "Lưu", "Tô", "Chu", "Tạ", "Thái", "Quách", "Châu", "Vương", "Triệu", "Kiều",
    "Phùng", "Tăng", "Đàm", "La", "Giang", "Diệp", "Mạc", "Thân", "Khúc", "Hứa",
    "Lục", "Kim", "Tôn", "Ông",
]  # fmt: skip

# Regional shares of the paired names (north / central / south), chosen so that the
# population-weighted mean matches the national share.
_REGIONAL: dict[str, tuple[float, float, float]] = {
    "Hoàng": (4.5, 2.5, 0.5),
    "Huỳnh": (0.3, 2.8, 4.8),
    "Vũ": (3.8, 1.6, 0.3),
    "Võ": (0.3, 3.0, 3.0),
}
_REGION_INDEX = {"north": 0, "central": 1, "south": 2}

#: Family names used by some ethnic groups (GSO code -> names, most frequent first).
ETHNIC_FAMILY_NAMES: dict[str, list[str]] = {
    "02": ["Hoàng", "Nông", "Lương", "Đàm", "Bế", "Ma", "Hà", "Lục", "Triệu", "Lưu"],
    "03": ["Lò", "Lường", "Quàng", "Cầm", "Vi", "Hà", "Tòng", "Điêu", "Lữ", "Bạc"],
    "04": ["Lâm", "Lý", "Trương", "Quách", "Tăng", "Hứa", "Lưu", "Mã", "Trần", "Hồng"],
    "05": ["Thạch", "Danh", "Sơn", "Kim", "Lâm", "Lý", "Châu", "Trần"],
    "06": ["Bùi", "Đinh", "Quách", "Hà", "Xa", "Cao"],
    "07": ["Hoàng", "Nông", "Lục", "Vi", "Lý", "Mã", "Chu"],
    "08": ["Giàng", "Vàng", "Lý", "Sùng", "Thào", "Mua", "Hầu", "Vừ", "Lầu", "Tráng"],
    "09": ["Triệu", "Bàn", "Đặng", "Lý", "Chảo", "Tẩn", "Phùn", "Lò"],
    "10": ["Ksor", "Siu", "Rơ Châm", "Rơ Mah", "Kpă", "Nay", "Rah Lan", "Puih"],
    "12": ["Niê", "Êban", "Mlô", "Byă", "Adrơng", "Ktla", "Hwing"],
    "13": ["Đinh"],
    "15": ["Hoàng", "Lâm", "Trần", "Lục"],
    "16": ["Liêng", "Ka", "Cil", "Bon"],
    "17": ["Đàng", "Thành", "Lưu", "Châu", "Thiên", "Bá", "Quảng"],
    "18": ["Diệp", "Lam", "Trương", "Lưu"],
    "19": ["Đinh", "Phạm"],
    "20": ["Điểu"],
    "21": ["Pinăng", "Katơr", "Chamaléa", "Mấu"],
    "22": ["Điểu"],
    "23": ["Hồ", "Lê"],
    "25": ["Hoàng", "Lù", "Vàng", "Sần"],
    "26": ["A Lăng", "Bhling", "Zơ Râm", "Pơ Loong", "Briu", "Clâu"],
    "29": ["Lò", "Vi", "Lù", "Lự"],
    "35": ["Lý", "Chu", "Pờ", "Lò"],
}
#: Probability that a member of a group above takes one of its own family names.
ETHNIC_FAMILY_P = 0.75
#: Expected share of everybody who carries an ethnic-specific family name; the Kinh-style
#: table is tilted so that the overall shares still match FAMILY_NAME_SHARES.
_ETHNIC_NAME_SHARE = 0.075

# Groups of the Central Highlands and the Truong Son range often have no middle name.
_HIGHLAND = frozenset({"10", "12", "13", "14", "16", "19", "20", "21", "22", "26", "27", "28"})

# ---------------------------------------------------------------- middle names
_MIDDLE_GIRL = [
    ("Thị", 55.5), ("Thị Thu", 1.2), ("Thị Ngọc", 1.3), ("Thị Hồng", 0.6), ("Thị Kim", 0.6),
    ("Thị Thanh", 0.8), ("Ngọc", 6.0), ("Bảo", 2.6), ("Khánh", 2.6), ("Thu", 2.5),
    ("Minh", 2.5), ("Thanh", 2.2), ("Phương", 2.0), ("Gia", 1.8), ("Hồng", 1.6),
    ("Thùy", 1.6), ("Mai", 1.2), ("Kim", 1.2), ("Quỳnh", 1.0), ("Diệu", 0.9),
    ("Hoài", 0.8), ("Như", 0.9), ("Bích", 0.6), ("Hà", 0.6), ("Tuệ", 0.5), ("An", 0.5),
    ("Yến", 0.4), ("Cẩm", 0.4), ("Lan", 0.3), ("Ngọc Bảo", 0.8), ("Bảo Ngọc", 0.7),
    ("Khánh Ngọc", 0.4), ("Ngọc Khánh", 0.3), ("Hoàng Bảo", 0.3), ("Minh Thu", 0.3),
]  # fmt: skip
_MIDDLE_BOY = [
    ("Văn", 48.0), ("Minh", 6.0), ("Gia", 5.0), ("Đức", 5.0), ("Quốc", 4.0), ("Hoàng", 3.5),
    ("Thành", 3.0), ("Hữu", 3.0), ("Anh", 2.5), ("Công", 2.5), ("Quang", 2.5), ("Đình", 2.5),
    ("Trọng", 2.0), ("Duy", 2.0), ("Thanh", 2.0), ("Bảo", 2.0), ("Tuấn", 1.5), ("Xuân", 1.5),
    ("Ngọc", 1.5), ("Hải", 1.5), ("Nhật", 1.5), ("Tiến", 1.0), ("Trung", 1.0), ("Phúc", 1.0),
    ("Hoàng Gia", 1.0), ("Minh Đức", 0.6), ("Ngọc Minh", 0.5), ("Gia Minh", 0.4),
    ("Đức Minh", 0.4), ("Quốc Anh", 0.3),
]  # fmt: skip
_MIDDLE_WOMAN = [
    ("Thị", 85.0), ("Ngọc", 3.0), ("Thu", 2.0), ("Thanh", 2.0), ("Hồng", 2.0), ("Kim", 2.0),
    ("Bích", 1.0), ("Minh", 1.0), ("Thùy", 1.0), ("Mai", 1.0),
]  # fmt: skip
_MIDDLE_MAN = [
    ("Văn", 65.0), ("Đức", 5.0), ("Minh", 4.0), ("Hữu", 4.0), ("Đình", 4.0), ("Công", 3.0),
    ("Quang", 3.0), ("Xuân", 3.0), ("Trọng", 3.0), ("Ngọc", 2.0), ("Thanh", 2.0), ("Quốc", 2.0),
]  # fmt: skip
_MIDDLE_HMONG_BOY = [("A", 40.0), ("Văn", 40.0), ("Seo", 10.0), ("Mí", 10.0)]
_MIDDLE_HMONG_GIRL = [("Thị", 80.0), ("Mí", 20.0)]

# ---------------------------------------------------------------- given names
_GIVEN_GIRL = [
    "Anh", "Linh", "Ngọc", "Trang", "Hương", "Vy", "Hân", "An", "My", "Thảo",
    "Nhi", "Mai", "Lan", "Hà", "Ngân", "Huyền", "Phương", "Thư", "Trâm", "Quỳnh",
    "Hằng", "Nhung", "Yến", "Hạnh", "Hoa", "Duyên", "Giang", "Loan", "Thủy", "Chi",
    "Diệp", "Hiền", "Hồng", "Khánh", "Lam", "Liên", "Ly", "Mỹ", "Nga", "Nguyệt",
    "Như", "Oanh", "Phượng", "Quyên", "Tâm", "Thanh", "Thơ", "Thu", "Thúy", "Tiên",
    "Trinh", "Tú", "Uyên", "Vân", "Xuân", "Dung", "Diệu", "Hoài", "Kiều", "Lệ",
    "Na", "Sương", "Tuyết", "Vi", "Châu", "Đào", "Huệ", "Nhàn", "Nhã", "Thắm",
    "Trúc", "Ánh", "Bích", "Cúc", "Hậu", "Kim", "Quế", "Mơ", "Nương", "Hiên",
]  # fmt: skip
_GIVEN_BOY = [
    "Minh", "Huy", "Khang", "Nam", "Phúc", "Bảo", "Long", "Đức", "Tuấn", "Hùng",
    "Dũng", "Anh", "Khoa", "Kiên", "Hải", "Hiếu", "Hoàng", "Lâm", "Lộc", "Nghĩa",
    "Nhân", "Phong", "Quân", "Quang", "Sơn", "Tài", "Thắng", "Thành", "Thịnh", "Tiến",
    "Toàn", "Trí", "Trung", "Tùng", "Việt", "Vinh", "Vũ", "Đạt", "Đông", "Duy",
    "Dương", "Giang", "Hào", "Hậu", "Hiển", "Hòa", "Hưng", "Khải", "Khánh", "Khôi",
    "Kiệt", "Lợi", "Luân", "Mạnh", "Nguyên", "Nhật", "Phát", "Phú", "Quý", "Sang",
    "Tâm", "Thái", "Thiện", "Thông", "Tín", "Toản", "Trọng", "Tú", "Tường", "Vĩ",
    "Bình", "Chiến", "Công", "Cường", "Đăng", "Định", "Hiệp", "Triều", "Tấn", "Thuận",
]  # fmt: skip
_GIVEN_WOMAN = [
    "Hương", "Lan", "Hoa", "Hằng", "Hạnh", "Thủy", "Nga", "Hồng", "Loan", "Dung",
    "Liên", "Mai", "Nhung", "Phượng", "Tuyết", "Vân", "Xuân", "Yến", "Thu", "Hà",
    "Bích", "Sen", "Cúc", "Đào", "Huệ", "Lệ", "Nguyệt", "Oanh", "Thắm", "Thoa",
    "Tâm", "Hiền", "Thảo", "Linh", "Trang", "Hải", "Ngọc", "Diệp", "Quyên", "Minh",
]  # fmt: skip
_GIVEN_MAN = [
    "Hùng", "Dũng", "Tuấn", "Thắng", "Hải", "Sơn", "Cường", "Hưng", "Long", "Minh",
    "Nam", "Quang", "Thành", "Trung", "Bình", "Hòa", "Tùng", "Đức", "Phong", "Tâm",
    "Hiếu", "Khánh", "Lâm", "Lợi", "Lực", "Mạnh", "Phúc", "Quý", "Tài", "Thái",
    "Thanh", "Thịnh", "Tiến", "Toàn", "Tú", "Việt", "Vinh", "Chiến", "Công", "Định",
]  # fmt: skip
_GIVEN_HMONG_BOY = [
    "Páo", "Chứ", "Sính", "Dính", "Tủa", "Pó", "Chớ", "Súa", "Dế", "Lử", "Sử", "Phử", "Cở",
]  # fmt: skip
_GIVEN_HMONG_GIRL = [
    "Mỷ", "Sua", "Pà", "Dợ", "Chở", "Mái", "Dở", "Xúa", "Mai", "Lan", "Chi", "Sy", "Máy",
]  # fmt: skip


def region_of(province_code: str) -> str:
    """Return ``"north"``, ``"central"`` or ``"south"`` for a 2-digit (2025) province code.

    Codes below 40 are northern, 40 to 68 central (north-central coast, south-central coast
    and Central Highlands), the rest southern.
    """
    code = int(province_code)
    if code < 40:
        return "north"
    if code <= 68:
        return "central"
    return "south"


def _family_weights(region: str) -> tuple[list[str], list[float]]:
    idx = _REGION_INDEX[region]
    names: list[str] = []
    weights: list[float] = []
    scale = 1.0 / (1.0 - _ETHNIC_NAME_SHARE)
    for name, share in FAMILY_NAME_SHARES.items():
        names.append(name)
        weights.append((_REGIONAL[name][idx] if name in _REGIONAL else share) * scale)
    rest = max(100.0 - sum(weights), 2.0)
    tail = _zipf(len(_TAIL_FAMILY), 0.8)
    total_tail = sum(tail)
    names.extend(_TAIL_FAMILY)
    weights.extend(rest * w / total_tail for w in tail)
    return _nfc(names), weights


def _pairs_table(pairs: Sequence[tuple[str, float]]) -> list[str]:
    return table(_nfc([p[0] for p in pairs]), [p[1] for p in pairs])


def _zipf_table(names: Sequence[str], exponent: float = 0.8) -> list[str]:
    return table(_nfc(names), _zipf(len(names), exponent))


class NamePools:
    """Lookup tables of names, built once and shared (read-only) by every draw.

    Attributes:
        family: Kinh-style family-name table per region.
        ethnic_family: Family-name table per ethnicity code that has its own names.
        middle: Middle-name table per ``(style, sex, adult)``; style is ``kinh`` or ``hmong``.
        given: Given-name table per ``(style, sex, adult)``.
        highland: Ethnicity codes whose members often have no middle name.
        folded: The folded form of every name string (family, middle and given).
    """

    def __init__(self) -> None:
        self.family: dict[str, list[str]] = {
            region: table(*_family_weights(region)) for region in _REGION_INDEX
        }
        self.ethnic_family: dict[str, list[str]] = {
            code: _zipf_table(names, 1.0) for code, names in ETHNIC_FAMILY_NAMES.items()
        }
        girl, boy = _pairs_table(_MIDDLE_GIRL), _pairs_table(_MIDDLE_BOY)
        woman, man = _pairs_table(_MIDDLE_WOMAN), _pairs_table(_MIDDLE_MAN)
        self.middle: dict[tuple[str, str, bool], list[str]] = {
            ("kinh", "F", False): girl,
            ("kinh", "M", False): boy,
            ("kinh", "F", True): woman,
            ("kinh", "M", True): man,
            ("hmong", "F", False): _pairs_table(_MIDDLE_HMONG_GIRL),
            ("hmong", "M", False): _pairs_table(_MIDDLE_HMONG_BOY),
            ("hmong", "F", True): _pairs_table(_MIDDLE_HMONG_GIRL),
            ("hmong", "M", True): _pairs_table(_MIDDLE_HMONG_BOY),
        }
        self.given: dict[tuple[str, str, bool], list[str]] = {
            ("kinh", "F", False): _zipf_table(_GIVEN_GIRL),
            ("kinh", "M", False): _zipf_table(_GIVEN_BOY),
            ("kinh", "F", True): _zipf_table(_GIVEN_WOMAN, 0.6),
            ("kinh", "M", True): _zipf_table(_GIVEN_MAN, 0.6),
            ("hmong", "F", False): _zipf_table(_GIVEN_HMONG_GIRL, 0.6),
            ("hmong", "M", False): _zipf_table(_GIVEN_HMONG_BOY, 0.6),
            ("hmong", "F", True): _zipf_table(_GIVEN_HMONG_GIRL, 0.6),
            ("hmong", "M", True): _zipf_table(_GIVEN_HMONG_BOY, 0.6),
        }
        self.highland = _HIGHLAND
        words: set[str] = {""}
        for tables in (self.family, self.ethnic_family, self.middle, self.given):
            for tbl in tables.values():
                words.update(tbl)
        self.folded: dict[str, str] = {w: fold(w) for w in words}

    @staticmethod
    def style(ethnicity: str) -> str:
        """Return the naming style (``"hmong"`` or ``"kinh"``) used for an ethnicity."""
        return "hmong" if ethnicity == "08" else "kinh"


@functools.cache
def pools() -> NamePools:
    """Return the shared :class:`NamePools`, building it on first use."""
    return NamePools()


def random_name(
    rng: random.Random,
    sex: str,
    *,
    province_code: str = "01",
    ethnicity: str = "01",
    adult: bool = False,
) -> tuple[str, str, str]:
    """Draw one name as ``(family, middle, given)``.

    Args:
        rng: The random source (a seeded ``random.Random`` gives reproducible names).
        sex: ``"M"`` or ``"F"``.
        province_code: 2-digit 2025 province code; picks the regional family-name mix.
        ethnicity: GSO ethnicity code; some groups have their own family and given names.
        adult: Draw from the names of the parents' generation.

    Returns:
        The three parts, NFC; the middle name may be empty for some ethnic groups.
    """
    p = pools()
    bits = rng.getrandbits
    own = p.ethnic_family.get(ethnicity)
    if own is not None and rng.random() < ETHNIC_FAMILY_P:
        family = own[bits(16)]
    else:
        family = p.family[region_of(province_code)][bits(16)]
    style = p.style(ethnicity)
    middle = p.middle[style, sex, adult][bits(16)]
    if ethnicity in p.highland and rng.random() < 0.6:
        middle = ""
    given = p.given[style, sex, adult][bits(16)]
    return family, middle, given
