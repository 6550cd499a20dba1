"""Bilingual texts of the reports (Vietnamese first, English).

This package is plain Python (no Django, hence no gettext): its few labels live in this one
table, checked by a test to have both languages for every key.
"""

from __future__ import annotations

from typing import Literal

__all__ = ["STATUS", "TEXT", "t"]

Lang = Literal["vi", "en"]


def _l(vi: str, en: str) -> dict[Lang, str]:
    return {"vi": vi, "en": en}


TEXT: dict[str, dict[Lang, str]] = {
    "national_title": _l(
        "Báo cáo quốc gia các chỉ tiêu về trẻ em", "National report on child-focused indicators"
    ),
    "province_title": _l("Báo cáo tỉnh các chỉ tiêu về trẻ em", "Provincial report on children"),
    "country": _l("Việt Nam", "Viet Nam"),
    "latest_round": _l("Vòng khảo sát mới nhất", "Latest survey round"),
    "generated": _l("Lập ngày", "Generated on"),
    "rounds_covered": _l("Các vòng số liệu", "Data rounds"),
    "summary": _l("Tóm tắt", "Summary"),
    "key_figures": _l("Số liệu chính", "Key figures"),
    "indicator": _l("Chỉ tiêu", "Indicator"),
    "sdg": _l("SDG", "SDG"),
    "value": _l("Giá trị", "Value"),
    "ci": _l("Khoảng tin cậy 95%", "95% confidence interval"),
    "target": _l("Mục tiêu", "Target"),
    "status": _l("Tiến độ", "Progress"),
    "national": _l("Toàn quốc", "National"),
    "province": _l("Tỉnh", "Province"),
    "rank": _l("Xếp hạng", "Rank"),
    "charts": _l("Biểu đồ", "Charts"),
    "trend": _l("Xu hướng qua các vòng", "Trend over rounds"),
    "by_group": _l("Phân tổ", "Disaggregation"),
    "provinces_ranking": _l("Xếp hạng các tỉnh", "Provinces ranked"),
    "tables": _l("Bảng số liệu", "Tables"),
    "total": _l("Tổng số", "Total"),
    "percent": _l("Phần trăm (%)", "Per cent (%)"),
    "suppressed_note": _l(
        "Cột trống: số liệu không được công bố (ít hơn 25 trường hợp) hoặc không có trường hợp.",
        "Missing bar: figure suppressed (fewer than 25 cases) or no cases.",
    ),
    "methods": _l("Phương pháp", "Methods"),
    "methods_text": _l(
        "Các ước lượng tính theo thiết kế mẫu (tuyến tính hoá Taylor, phân tầng và chùm, "
        "ước lượng có hoàn lại, không hiệu chỉnh quần thể hữu hạn) như MICS. Khoảng tin cậy "
        "95%. Các tỷ lệ phân tổ tính trên toàn bộ thiết kế mẫu.",
        "Estimates are design-based (Taylor linearisation, strata and clusters, with-replacement "
        "estimator, no finite population correction), as in MICS. 95% confidence intervals. "
        "Domain estimates use the whole design.",
    ),
    "rules_text": _l(
        "Quy tắc MICS: ( ) số liệu dựa trên 25-49 trường hợp chưa gia quyền; (*) dựa trên ít "
        "hơn 25 trường hợp chưa gia quyền, không công bố; - không có trường hợp nào.",
        "MICS rules: ( ) figures based on 25-49 unweighted cases; (*) figures based on fewer "
        "than 25 unweighted cases are suppressed; - no cases.",
    ),
    "progress_text": _l(
        "Tiến độ so với mục tiêu của Chương trình hành động quốc gia vì trẻ em 2021-2030: so "
        "sánh tốc độ thay đổi bình quân năm quan sát được với tốc độ cần thiết để đạt mục tiêu.",
        "Progress towards the National Action Programme for Children 2021-2030 targets: the "
        "observed average annual rate of change against the rate needed to reach the target.",
    ),
    "sources": _l("Nguồn số liệu", "Data sources"),
    "round": _l("Vòng", "Round"),
    "year": _l("Năm", "Year"),
    "source": _l("Nguồn", "Source"),
    "n_indicators": _l("Số chỉ tiêu", "Indicators"),
    "survey": _l("Khảo sát", "Survey"),
    "government": _l("Số liệu hành chính", "Administrative data"),
    "ngo": _l("Tổ chức phi chính phủ", "Non-governmental organisation"),
    "no_data": _l("Không có số liệu.", "No data."),
    "page": _l("Trang", "Page"),
    "trend_sheet": _l("Xu hướng", "Trend"),
    "provinces_sheet": _l("Các tỉnh", "Provinces"),
    "sources_sheet": _l("Nguồn số liệu", "Sources"),
    "data_sheet": _l("Dữ liệu", "Data"),
    "trend_title": _l("Giá trị toàn quốc qua các vòng", "National values by round"),
    "provinces_title": _l("Các chỉ tiêu theo tỉnh", "Indicators by province"),
    "data_title": _l("Dữ liệu dạng dài (chưa áp dụng quy tắc hiển thị)", "Long data (raw)"),
}

#: ``classify_progress`` statuses.
STATUS: dict[str, dict[Lang, str]] = {
    "achieved": _l("Đã đạt", "Achieved"),
    "on_track": _l("Đúng tiến độ", "On track"),
    "off_track": _l("Chậm tiến độ", "Off track"),
    "insufficient_data": _l("Chưa đủ số liệu", "Insufficient data"),
    "no_target": _l("Không có mục tiêu", "No target"),
}


def t(key: str, lang: Lang) -> str:
    """Return the text ``key`` in ``lang``."""
    return TEXT[key][lang]
