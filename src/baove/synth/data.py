"""Reference data of the generator: provinces, ethnic mix, code lists and Vietnamese texts.

Codes are copies of the controlled vocabularies in ``baove.registry.vocab`` and
``baove.cases.vocab`` (this package must not import Django); ``tests/test_synth.py`` checks
that every value here is a valid choice there.
"""

from __future__ import annotations

__all__ = [
    "CARE_STRUCTURES",
    "CATEGORY_CARE",
    "CATEGORY_COUNT_WEIGHTS",
    "CATEGORY_MIN_AGE",
    "CATEGORY_WEIGHTS",
    "CLOSURE_WEIGHTS",
    "DEFAULT_ETHNIC_MIX",
    "DISABILITY_WEIGHTS",
    "EARLY_CLOSURES",
    "HAMLET_NAMES",
    "INTAKE_WEIGHTS",
    "MOUNTAIN_PROVINCES",
    "NOTE_TEXTS",
    "OLD_CODES_BY_PROVINCE",
    "PLAN_FIRST",
    "PLAN_ITEMS",
    "POVERTY_WEIGHTS_LOWLAND",
    "POVERTY_WEIGHTS_MOUNTAIN",
    "PROVINCE_ETHNIC_MIX",
    "PROVINCE_POPULATION",
    "RESPONSE_HOURS",
    "RISK_WEIGHTS",
    "SEVERE_CATEGORIES",
    "SEVERE_RISK_WEIGHTS",
    "SEVERE_SHARE",
    "STATUSES",
    "STATUS_AGE_DAYS",
    "STATUS_WEIGHTS",
    "STREETS",
    "SUMMARY_TEMPLATES",
    "URBAN_PROVINCES",
    "VILLAGE_NAMES",
]

#: Population of the 34 provinces (2025 boundaries), millions, rounded.
PROVINCE_POPULATION: dict[str, float] = {
    "01": 8.7, "04": 0.57, "08": 1.87, "11": 0.64, "12": 0.49, "14": 1.3, "15": 1.78,
    "19": 1.8, "20": 0.8, "22": 1.36, "24": 3.6, "25": 4.0, "31": 4.7, "33": 3.6,
    "37": 4.4, "38": 3.8, "40": 3.8, "42": 1.6, "44": 1.9, "46": 1.4, "48": 3.1,
    "51": 2.2, "52": 3.6, "56": 2.2, "66": 3.3, "68": 3.9, "75": 4.5, "79": 14.0,
    "80": 3.3, "82": 4.4, "86": 4.3, "91": 4.9, "92": 4.2, "96": 2.6,
}  # fmt: skip

#: The pre-2025 (63-province) codes that start the ID numbers of people born in each of the
#: 34 new provinces (the merged provinces, first the one whose name was kept).
OLD_CODES_BY_PROVINCE: dict[str, tuple[str, ...]] = {
    "01": ("001",), "04": ("004",), "08": ("008", "002"), "11": ("011",), "12": ("012",),
    "14": ("014",), "15": ("010", "015"), "19": ("019", "006"), "20": ("020",),
    "22": ("022",), "24": ("027", "024"), "25": ("025", "026", "017"), "31": ("031", "030"),
    "33": ("033", "034"), "37": ("037", "035", "036"), "38": ("038",), "40": ("040",),
    "42": ("042",), "44": ("045", "044"), "46": ("046",), "48": ("048", "049"),
    "51": ("051", "062"), "52": ("064", "052"), "56": ("056", "058"), "66": ("066", "054"),
    "68": ("068", "067", "060"), "75": ("075", "070"), "79": ("079", "074", "077"),
    "80": ("072", "080"), "82": ("087", "082"), "86": ("086", "083", "084"),
    "91": ("089", "091"), "92": ("092", "093", "094"), "96": ("096", "095"),
}  # fmt: skip

#: Ethnic composition (GSO code -> percent) where it differs from the lowland default.
PROVINCE_ETHNIC_MIX: dict[str, dict[str, float]] = {
    "04": {"01": 6, "02": 40, "07": 31, "08": 11, "09": 10, "15": 2},
    "08": {"01": 26, "02": 25, "08": 21, "09": 14, "07": 5, "15": 5, "25": 2, "43": 1, "46": 1},
    "11": {"01": 18, "03": 37, "08": 37, "29": 3, "09": 2, "35": 1, "37": 1, "42": 1},
    "12": {"01": 15, "08": 37, "03": 32, "09": 12, "35": 2, "42": 1, "41": 1},
    "14": {"01": 17, "03": 53, "08": 17, "06": 8, "09": 2, "29": 2, "37": 1},
    "15": {"01": 40, "08": 20, "02": 14, "09": 13, "03": 5, "07": 4, "25": 2, "40": 1, "35": 1},
    "19": {"01": 66, "02": 20, "07": 6, "09": 4, "15": 2, "18": 2},
    "20": {"01": 16, "07": 42, "02": 35, "09": 4, "15": 1, "08": 1, "04": 1},
    "22": {"01": 88, "09": 5, "02": 3, "18": 2, "15": 1, "04": 1},
    "24": {"01": 92, "07": 3.5, "02": 2.5, "18": 1, "15": 0.5, "04": 0.5},
    "25": {"01": 78, "06": 19, "02": 1, "09": 1, "03": 1},
    "38": {"01": 83, "06": 10, "03": 6, "08": 1},
    "40": {"01": 85, "03": 10, "24": 2, "29": 1.5, "08": 1.3, "37": 0.2},
    "44": {"01": 93, "23": 6, "31": 1},
    "46": {"01": 96, "31": 2, "26": 1, "23": 1},
    "48": {"01": 94, "26": 3, "14": 2, "27": 1},
    "51": {"01": 75, "14": 10, "19": 9, "13": 4, "27": 2},
    "52": {"01": 73, "10": 18, "13": 8, "19": 1},
    "56": {"01": 85, "21": 8, "17": 6, "16": 1},
    "66": {"01": 70, "12": 17, "07": 3, "02": 3, "20": 2, "10": 2, "08": 1, "03": 1, "09": 1},
    "68": {"01": 80, "16": 8, "20": 4, "28": 2, "17": 2, "07": 2, "02": 1, "21": 1},
    "75": {"01": 90, "22": 4, "04": 3, "05": 1, "07": 1, "02": 1},
    "79": {"01": 94, "04": 4.5, "05": 0.7, "17": 0.3, "07": 0.5},
    "80": {"01": 98, "05": 1, "17": 0.5, "04": 0.5},
    "86": {"01": 88, "05": 11, "04": 1},
    "91": {"01": 88, "05": 10, "04": 1.5, "17": 0.5},
    "92": {"01": 83, "05": 14, "04": 3},
    "96": {"01": 93, "05": 5, "04": 2},
}
#: Ethnic composition of the provinces not listed above.
DEFAULT_ETHNIC_MIX: dict[str, float] = {"01": 99.2, "06": 0.3, "02": 0.2, "04": 0.2, "03": 0.1}

#: Mountain provinces: more poor households, more households in a ``Bản``.
MOUNTAIN_PROVINCES = frozenset({"04", "08", "11", "12", "14", "15", "19", "20", "51", "52", "66"})
#: Provinces with a large city: many addresses are street addresses.
URBAN_PROVINCES = frozenset({"01", "31", "46", "48", "79", "92"})

# ---------------------------------------------------------------- registry codes
#: Disability types of the children with a disability (registry ``Disability`` values).
DISABILITY_WEIGHTS: dict[str, float] = {
    "physical": 35, "sensory": 20, "intellectual": 25, "psychosocial": 8, "multiple": 10,
    "unknown": 2,
}  # fmt: skip
POVERTY_WEIGHTS_LOWLAND: dict[str, float] = {
    "not_poor": 62, "near_poor": 14, "poor": 14, "unknown": 10,
}  # fmt: skip
POVERTY_WEIGHTS_MOUNTAIN: dict[str, float] = {
    "not_poor": 38, "near_poor": 18, "poor": 36, "unknown": 8,
}  # fmt: skip

#: Who cares for the children of a household: name -> (weight, caregivers), a caregiver
#: being (relationship, sex or "" for either).
CARE_STRUCTURES: dict[str, tuple[float, tuple[tuple[str, str], ...]]] = {
    "parents": (44.0, (("mother", "F"), ("father", "M"))),
    "mother": (15.0, (("mother", "F"),)),
    "father": (5.0, (("father", "M"),)),
    "mother_step": (3.0, (("mother", "F"), ("step_parent", "M"))),
    "grandmother": (10.0, (("grandparent", "F"),)),
    "grandparents": (10.0, (("grandparent", "F"), ("grandparent", "M"))),
    "aunt_uncle": (5.0, (("aunt_uncle", ""),)),
    "sibling": (2.0, (("sibling", ""),)),
    "foster": (3.0, (("foster", "F"),)),
    "guardian": (2.5, (("guardian", ""),)),
    "other": (0.5, (("other", ""),)),
}

# ---------------------------------------------------------------- case codes
#: Stages of a case in order (cases ``Status`` values).
STATUSES: tuple[str, ...] = (
    "reported", "screened", "assessment", "case_plan", "services", "follow_up", "closed",
)  # fmt: skip
STATUS_WEIGHTS: dict[str, float] = {
    "reported": 10, "screened": 10, "assessment": 15, "case_plan": 12, "services": 20,
    "follow_up": 10, "closed": 23,
}  # fmt: skip
#: Days since the report, (min, max), by stage: early stages are mostly recent cases.
STATUS_AGE_DAYS: dict[str, tuple[float, float]] = {
    "screened": (1, 180), "assessment": (3, 365), "case_plan": (10, 540),
    "services": (20, 1095), "follow_up": (60, 1095), "closed": (14, 1095),
}  # fmt: skip
#: Overall risk mix of the cases.
RISK_WEIGHTS: dict[str, float] = {"low": 35, "medium": 35, "high": 22, "urgent": 8}
#: Risk mix of cases with a severe category (serious violence, sexual abuse, trafficking);
#: the other cases get a milder mix so that the overall mix stays RISK_WEIGHTS.
SEVERE_RISK_WEIGHTS: dict[str, float] = {"low": 5, "medium": 30, "high": 45, "urgent": 20}
SEVERE_CATEGORIES = frozenset({"art10_09", "art10_11", "art10_12"})
#: About the share of cases with a severe category (measured on generated data).
SEVERE_SHARE = 0.19
#: Hours allowed for the first response by risk level (settings.BAOVE_RESPONSE_HOURS).
RESPONSE_HOURS: dict[str, int] = {"urgent": 12, "high": 24, "medium": 72, "low": 168}

#: Category weights (cases ``Category`` values). ``art10_04`` (disability) is not drawn
#: here: it goes with the children who have a disability.
CATEGORY_WEIGHTS: dict[str, float] = {
    "at_risk": 30, "reported_abuse": 20, "art10_13": 8, "art10_08": 8, "art10_09": 6,
    "art10_03": 4, "art10_01": 4, "art10_02": 2, "art10_10": 3, "art10_11": 3,
    "art10_06": 3, "art10_07": 1, "art10_05": 1, "art10_12": 0.4, "art10_14a": 0.4,
    "art10_14b": 0.05, "art10_14c": 0.05,
}  # fmt: skip
#: Categories that only fit some households: code -> care structures allowed.
CATEGORY_CARE: dict[str, frozenset[str]] = {
    "art10_01": frozenset({"grandmother", "grandparents", "aunt_uncle", "sibling", "foster",
                           "guardian", "other"}),
    "art10_02": frozenset({"foster", "guardian", "grandmother", "other"}),
    "art10_03": frozenset({"foster", "guardian", "sibling", "grandmother", "other"}),
    "art10_14a": frozenset({"guardian", "foster", "other"}),
    "art10_14b": frozenset({"guardian", "foster", "other"}),
    "art10_14c": frozenset({"guardian", "foster", "other"}),
}  # fmt: skip
#: Youngest age (years, at the report) a category fits.
CATEGORY_MIN_AGE: dict[str, int] = {
    "art10_06": 12, "art10_07": 12, "art10_08": 11, "art10_10": 6, "art10_11": 2,
    "art10_12": 3,
}  # fmt: skip
CATEGORY_COUNT_WEIGHTS: dict[int, float] = {1: 65, 2: 28, 3: 7}

INTAKE_WEIGHTS: dict[str, float] = {
    "hotline": 12, "community": 20, "family": 10, "child": 3, "school": 18, "health": 10,
    "police": 10, "outreach": 12, "other": 5,
}  # fmt: skip
#: Closure reasons (``adult`` is left out: every generated child is still under 18).
CLOSURE_WEIGHTS: dict[str, float] = {
    "goals_met": 48, "no_concern": 20, "transferred": 10, "lost_contact": 8, "died": 0.5,
    "duplicate": 4.5, "other": 5,
}  # fmt: skip
#: Closures that happen before any case plan.
EARLY_CLOSURES = frozenset({"no_concern", "duplicate"})

# ---------------------------------------------------------------- texts
#: Summary templates by category: (youngest age it fits, text); ``{age}`` is the child's
#: age in years at the report.
SUMMARY_TEMPLATES: dict[str, tuple[tuple[int, str], ...]] = {
    "at_risk": (
        (0, "Gia đình mâu thuẫn kéo dài, trẻ {age} tuổi có nguy cơ bị bỏ mặc."),
        (0, "Người chăm sóc trẻ nghiện rượu, trẻ {age} tuổi thiếu sự chăm sóc."),
        (5, "Trẻ {age} tuổi thường xuyên ở nhà một mình, cha mẹ đi làm ăn xa."),
        (12, "Trẻ {age} tuổi hay bỏ nhà đi chơi qua đêm, gia đình không quản lý được."),
    ),
    "reported_abuse": (
        (0, "Hàng xóm báo trẻ {age} tuổi bị đánh nhiều lần, có vết bầm ở tay và lưng."),
        (5, "Giáo viên phát hiện trẻ {age} tuổi có dấu hiệu bị bạo lực tại nhà."),
        (8, "Trẻ {age} tuổi gọi Tổng đài 111 cho biết thường xuyên bị mắng chửi, đe dọa."),
    ),
    "art10_01": (
        (0, "Trẻ {age} tuổi mồ côi cả cha và mẹ, đang sống với người thân cao tuổi."),
        (0, "Cha mẹ trẻ mất do tai nạn giao thông; trẻ {age} tuổi ở với họ hàng."),
    ),
    "art10_02": (
        (0, "Trẻ {age} tuổi bị bỏ rơi, được người dân phát hiện và đưa đến trạm y tế."),
        (0, "Mẹ trẻ bỏ đi không rõ tung tích, trẻ {age} tuổi không có người nuôi dưỡng."),
    ),
    "art10_03": (
        (0, "Trẻ {age} tuổi không còn người thân chăm sóc, đang ở nhờ nhà hàng xóm."),
        (0, "Người nuôi dưỡng duy nhất của trẻ {age} tuổi đang chấp hành án phạt tù."),
    ),
    "art10_04": (
        (0, "Trẻ {age} tuổi khuyết tật, gia đình khó khăn, chưa được phục hồi chức năng."),
        (3, "Trẻ {age} tuổi khuyết tật nặng, cần hỗ trợ chăm sóc và học hòa nhập."),
    ),
    "art10_05": ((0, "Trẻ {age} tuổi nhiễm HIV, cần hỗ trợ điều trị ARV và chăm sóc y tế."),),
    "art10_06": (
        (12, "Trẻ {age} tuổi bị tạm giữ vì trộm cắp tài sản, cần hỗ trợ khi bị xử lý."),
        (12, "Trẻ {age} tuổi tham gia đánh nhau gây thương tích, bị xử lý vi phạm hành chính."),
    ),
    "art10_07": ((12, "Trẻ {age} tuổi có biểu hiện sử dụng ma túy, gia đình đề nghị hỗ trợ."),),
    "art10_08": (
        (11, "Trẻ {age} tuổi bỏ học để đi làm thuê phụ giúp gia đình."),
        (12, "Trẻ {age} tuổi nghỉ học từ lớp 7, đang làm phụ hồ cùng người thân."),
    ),
    "art10_09": (
        (0, "Trẻ {age} tuổi bị thương nặng do bị người thân đánh, đang điều trị tại bệnh viện."),
        (3, "Trẻ {age} tuổi bị bạo lực nghiêm trọng, có biểu hiện sang chấn tâm lý."),
    ),
    "art10_10": (
        (6, "Trẻ {age} tuổi phải bán vé số đến khuya, bị người quen giữ tiền công."),
        (12, "Trẻ {age} tuổi làm việc nặng nhọc tại xưởng, không được trả công."),
    ),
    "art10_11": (
        (2, "Nghi ngờ trẻ {age} tuổi bị xâm hại tình dục; đã báo công an và đưa trẻ đi khám."),
    ),
    "art10_12": (
        (3, "Trẻ {age} tuổi được giải cứu sau khi bị đưa qua biên giới, cần hỗ trợ tái hòa nhập."),
    ),
    "art10_13": (
        (0, "Trẻ {age} tuổi mắc bệnh hiểm nghèo, hộ nghèo không đủ chi phí điều trị."),
        (0, "Trẻ {age} tuổi bị bệnh tim bẩm sinh, gia đình cận nghèo cần hỗ trợ viện phí."),
    ),
    "art10_14a": (
        (0, "Trẻ {age} tuổi di cư, không xác định được cha mẹ, được phát hiện tại bến xe."),
    ),
    "art10_14b": ((0, "Trẻ {age} tuổi xin tị nạn, không có người đi kèm."),),
    "art10_14c": ((0, "Trẻ {age} tuổi là người tị nạn, không xác định được cha mẹ."),),
}
#: First item of a case plan by category (other categories use the general items only).
PLAN_FIRST: dict[str, str] = {
    "reported_abuse": "Tách trẻ khỏi người gây bạo lực, phối hợp công an xã xử lý",
    "art10_04": "Kết nối phục hồi chức năng tại cộng đồng và trợ cấp xã hội",
    "art10_08": "Vận động trẻ đi học lại, hỗ trợ học phí và sách vở",
    "art10_09": "Điều trị y tế và tham vấn tâm lý cho trẻ",
    "art10_11": "Hỗ trợ pháp lý, tham vấn tâm lý và bảo vệ bí mật cho trẻ",
    "art10_12": "Hỗ trợ tái hòa nhập cộng đồng và học nghề",
    "art10_13": "Hỗ trợ chi phí điều trị, bảo hiểm y tế",
    "art10_01": "Trợ cấp xã hội hằng tháng và hỗ trợ người nhận chăm sóc",
    "art10_02": "Bố trí chăm sóc thay thế tại gia đình nhận nuôi",
}
#: General items of a case plan.
PLAN_ITEMS: tuple[str, ...] = (
    "Thăm gia đình hằng tháng",
    "Tư vấn kỹ năng làm cha mẹ cho người chăm sóc",
    "Kết nối với nhà trường theo dõi việc học của trẻ",
    "Hỗ trợ hộ gia đình vay vốn sinh kế",
    "Giới thiệu trẻ tham gia sinh hoạt câu lạc bộ trẻ em",
    "Hỗ trợ làm giấy khai sinh và thẻ bảo hiểm y tế",
    "Đánh giá lại sau 3 tháng",
    "Phối hợp Hội Phụ nữ xã theo dõi gia đình",
)
NOTE_TEXTS: tuple[str, ...] = (
    "Đã thăm nhà, trẻ khỏe mạnh, gia đình hợp tác.",
    "Gọi điện cho người chăm sóc, hẹn lịch thăm lần sau.",
    "Trao đổi với giáo viên chủ nhiệm về tình hình học tập của trẻ.",
    "Gia đình chuyển chỗ ở tạm thời, cần cập nhật địa chỉ.",
    "Trẻ đã được khám tại trạm y tế xã.",
    "Họp với công an xã và Hội Phụ nữ về trường hợp của trẻ.",
    "Người chăm sóc chưa hợp tác, sẽ thăm lại trong tuần.",
    "Đã chuyển hồ sơ đề nghị trợ cấp lên phòng chuyên môn.",
)

# ---------------------------------------------------------------- addresses
STREETS: tuple[str, ...] = (
    "Lê Lợi", "Trần Hưng Đạo", "Nguyễn Trãi", "Hai Bà Trưng", "Lý Thường Kiệt", "Quang Trung",
    "Nguyễn Huệ", "Phan Đình Phùng", "Hùng Vương", "Lê Duẩn", "Điện Biên Phủ", "Trường Chinh",
    "Nguyễn Văn Cừ", "Võ Thị Sáu", "Cách Mạng Tháng Tám", "Bà Triệu", "Lê Hồng Phong",
)  # fmt: skip
HAMLET_NAMES: tuple[str, ...] = (
    "Đông", "Đoài", "Thượng", "Hạ", "Trung", "Tân Lập", "Tân Hòa", "Bình An", "Phú Lợi",
    "Hòa Bình", "Thắng Lợi", "Quyết Tiến", "Tân Thành", "An Phú", "Long Hưng",
)  # fmt: skip
VILLAGE_NAMES: tuple[str, ...] = (
    "Nà Phạ", "Nậm Cang", "Pác Bó", "Co Sản", "Huổi Lóng", "Nà Khoang", "Phiêng Luông",
    "Sán Chải", "Lũng Pù", "Plei Ring", "Buôn Đôn", "Kon Hring",
)  # fmt: skip
