"""The screening rules without a database: items, rules files, evaluation, SQL, proactive."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pytest

from baove.riskrules import (
    CHECKLIST,
    ITEMS,
    AnswersError,
    RegistryList,
    Rules,
    RulesError,
    compile_sql,
    default_rules,
    default_rules_text,
    evaluate,
    parse_rules,
    proactive_screen,
    result_from_matches,
)
from baove.riskrules.cli import main as cli_main
from baove.riskrules.proactive import ListsError
from baove.riskrules.synth import write_synthetic_lists

RULES = default_rules()


def _satisfy(rule: Any) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for cond in (*rule.all, *rule.any[:1]):
        answers[cond.item] = cond.values[0] if cond.values else True
    return answers


def test_checklist_codes_unique_and_bilingual() -> None:
    codes = [i.code for i in CHECKLIST]
    assert len(codes) == len(set(codes))
    for item in CHECKLIST:
        assert item.label_en and item.label_vi and item.label_en != item.label_vi
    # The Art. 10 groups the checklist must cover (besides prevention signs).
    categories = {i.category for i in CHECKLIST}
    for art10 in (
        "art10_01",
        "art10_02",
        "art10_03",
        "art10_04",
        "art10_05",
        "art10_06",
        "art10_07",
        "art10_08",
        "art10_09",
        "art10_10",
        "art10_11",
        "art10_12",
        "art10_13",
        "art10_14a",
    ):
        assert art10 in categories
    for code in (
        "out_of_school",
        "child_labour",
        "caregiver_drug_use",
        "caregiver_imprisoned",
        "left_behind",
        "poverty",
        "disaster_affected",
        "neglect",
        "street_child",
        "early_marriage",
        "trafficking",
        "hiv",
    ):
        assert code in ITEMS


def test_default_rules_load() -> None:
    assert RULES.version == "2026.1"
    assert RULES.thresholds == {"medium": 3, "high": 7, "urgent": 12}
    assert parse_rules(default_rules_text()) == RULES


@pytest.mark.parametrize("rule", RULES.rules, ids=lambda r: r.id)
def test_each_rule_applies_to_its_items(rule: Any) -> None:
    result = evaluate(_satisfy(rule), RULES)
    assert rule.id in result.rule_ids
    reason = next(r for r in result.reasons if r.rule == rule.id)
    assert reason.items == rule.items
    if rule.at_least:
        assert result.level in {"medium", "high", "urgent"}
        assert (list(RULES.by_id()) and result.level >= rule.at_least) or rule.at_least == "high"


def test_nothing_answered_is_low_with_no_reason() -> None:
    result = evaluate({}, RULES)
    assert (result.level, result.score, result.reasons) == ("low", 0, ())
    assert evaluate({"violence_signs": False, "poverty": "no"}, RULES).level == "low"


def test_sexual_abuse_is_high_whatever_the_score() -> None:
    result = evaluate({"sexual_abuse_signs": True}, RULES)
    assert result.level == "high"
    assert result.rule_ids == ("sexual_abuse",)


def test_danger_now_is_urgent() -> None:
    assert evaluate({"immediate_danger": True}, RULES).level == "urgent"


def test_out_of_school_and_labour_medium_at_least() -> None:
    result = evaluate({"out_of_school": True, "child_labour": True}, RULES)
    assert result.level == "medium"
    assert result.rule_ids == ("school_and_work", "out_of_school", "child_labour")
    assert result.score == 4 and result.score_level == "medium"
    only_one = evaluate({"out_of_school": True}, RULES)
    assert (only_one.level, only_one.score) == ("low", 2)


def test_thresholds_exactly() -> None:
    # neglect 3 -> medium exactly at the threshold; +2 (poor) = 5 stays medium; +2 = 7 high.
    assert evaluate({"neglect": True}, RULES).level == "medium"
    assert evaluate({"left_behind": True, "out_of_school": True}, RULES).level == "medium"
    assert evaluate({"left_behind": True}, RULES).level == "low"
    seven = {"neglect": True, "violence_signs": True}
    assert evaluate(seven, RULES).score == 7 and evaluate(seven, RULES).level == "high"
    twelve = {
        "neglect": True,
        "violence_signs": True,
        "caregiver_drug_use": True,
        "out_of_school": True,
    }
    assert evaluate(twelve, RULES).score == 12 and evaluate(twelve, RULES).level == "urgent"


def test_reason_texts_plain_words() -> None:
    result = evaluate({"out_of_school": True, "child_labour": True, "poverty": "poor"}, RULES)
    texts = [r.text("en") for r in result.reasons]
    assert texts == [
        "Out of school and working: at least Medium",
        "Out of school: +2 points",
        "Child labour: +2 points",
        "Poor household: +2 points",
    ]
    assert result.reasons[0].text("vi") == "Trẻ bỏ học và phải lao động: ít nhất mức Trung bình"
    assert result.summary("en") == "Medium: total score 6 (by score alone: Medium)."
    assert "Mức Trung bình" in result.summary("vi")
    assert result.reasons_json()[3]["text_vi"] == "Hộ nghèo: +2 điểm"


def test_bad_answers_are_refused_with_every_problem() -> None:
    with pytest.raises(AnswersError) as info:
        evaluate({"nope": True, "poverty": "rich", "neglect": "yes"}, RULES)
    wheres = [p.where for p in info.value.problems]
    assert wheres == ["nope", "poverty", "neglect"]
    assert "hãy trả lời có hoặc không" in info.value.problems[2].vi


def _broken(**replace: str) -> str:
    text = default_rules_text()
    for old, new in replace.items():
        assert old in text
        text = text.replace(old, new, 1)
    return text


@pytest.mark.parametrize(
    ("old", "new", "where", "fragment"),
    [
        ('version = "2026.1"', 'version = ""', "version", "required"),
        ("format = 1", "format = 2", "format", "must be 1"),
        ("medium = 3", "medium = 9", "thresholds", "must increase"),
        ('all = ["neglect"]', 'all = ["negelct"]', "rule[12] (neglect).all[1]", "unknown item"),
        ('all = ["neglect"]', 'all = ["poverty"]', "rule[12] (neglect).all[1]", "has options"),
        ('in = ["poor"]', 'in = ["rich"]', "rule[28] (poor).all[1]", "must list options"),
        ('id = "neglect"', 'id = "violence"', "rule[12].id", "used twice"),
        ('at_least = "urgent"', 'at_least = "extreme"', "rule[1] (danger_now).at_least", "one of"),
        (
            'points = 3\nexplain_en = "Neglect"',
            'points = -1\nexplain_en = "Neglect"',
            "rule[12] (neglect).points",
            "whole number",
        ),
        ('explain_vi = "Trẻ bị bỏ mặc"', "", "rule[12] (neglect).explain_vi", "required text"),
        ("\n[thresholds]\n", "\ncolour = 1\n[thresholds]\n", "file", "unknown key"),
        ("\n[thresholds]\n", "\n[thresholds\n", "file", "not valid TOML"),
    ],
)
def test_rules_file_errors(old: str, new: str, where: str, fragment: str) -> None:
    with pytest.raises(RulesError) as info:
        parse_rules(_broken(**{old: new}))
    problem = next(p for p in info.value.problems if p.where == where)
    assert fragment in problem.en
    assert problem.vi and problem.vi != problem.en


def test_rule_without_effect_and_empty_file() -> None:
    text = _broken(
        **{'at_least = "medium"\nexplain_en = "Out of school': 'explain_en = "Out of school'}
    )
    with pytest.raises(RulesError, match="would change nothing"):
        parse_rules(text)
    with pytest.raises(RulesError, match="empty"):
        parse_rules("  ")


# --- SQL path == Python evaluator -----------------------------------------------------------


def _random_answers(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    data: dict[str, Any] = {"child_id": np.arange(n)}
    for item in CHECKLIST:
        draw = rng.random(n)
        if item.options:
            values = np.array([None, *item.values], dtype=object)
            data[item.code] = values[rng.integers(0, len(values), n)]
        else:
            # Mostly "no"/unknown, some "yes": combinations of several signs happen often.
            col = np.array([True, False, None], dtype=object)[
                (draw >= 0.15).astype(int) + (draw >= 0.6)
            ]
            data[item.code] = pd.array(col, dtype="boolean")
    return pd.DataFrame(data)


def _python(frame: pd.DataFrame, rules: Rules) -> list[tuple[str, int, str]]:
    out = []
    for row in frame.to_dict("records"):
        answers: dict[str, Any] = {}
        for key, v in row.items():
            k = str(key)
            if k != "child_id":
                answers[k] = None if pd.isna(v) else (bool(v) if ITEMS[k].options == () else v)
        r = evaluate(answers, rules)
        out.append((r.level, r.score, ",".join(r.rule_ids)))
    return out


@pytest.mark.parametrize("seed", [1, 2])
def test_sql_equals_python_on_random_answer_sets(seed: int) -> None:
    frame = _random_answers(3000, seed)
    con = duckdb.connect()
    con.register("answers", frame)
    for step in compile_sql(RULES):
        con.execute(f"CREATE OR REPLACE TABLE {step.output} AS {step.sql}")
    sql = con.execute("SELECT level, score, reasons FROM screened ORDER BY child_id").fetchall()
    python = _python(frame, RULES)
    assert [(a, int(b), c) for a, b, c in sql] == python
    levels = {x[0] for x in python}
    assert levels == {"low", "medium", "high", "urgent"}  # every branch was exercised
    # The SQL's rule ids rebuild the same explained result.
    for (level, _score, reasons), expected in zip(sql[:200], python[:200], strict=True):
        rebuilt = result_from_matches(reasons.split(",") if reasons else [], RULES)
        assert rebuilt.level == level == expected[0]


def test_sql_without_some_item_columns_counts_them_unanswered() -> None:
    con = duckdb.connect()
    con.execute("CREATE TABLE answers AS SELECT 1 AS child_id, TRUE AS neglect")
    for step in compile_sql(RULES, items=["neglect"]):
        con.execute(f"CREATE TABLE {step.output} AS {step.sql}")
    assert con.execute("SELECT level, score, reasons FROM screened").fetchone() == (
        "medium",
        3,
        "neglect",
    )
    with pytest.raises(ValueError, match="plain column"):
        compile_sql(RULES, keep=["id; DROP TABLE x"])


def test_riskrules_does_not_import_django() -> None:
    code = (
        "import sys, baove.riskrules, baove.riskrules.cli, baove.riskrules.synth;"
        "bad = [m for m in sys.modules if m.split('.')[0] == 'django'];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


# --- proactive ----------------------------------------------------------------------------


def _write(path: Path, rows: list[dict[str, Any]]) -> Path:
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def test_proactive_ranking_on_a_hand_built_list(tmp_path: Path) -> None:
    registry = _write(
        tmp_path / "registry.csv",
        [
            {"child_id": "001", "commune_code": "00004"},
            {"child_id": "002", "commune_code": "00004"},
            {"child_id": "003", "commune_code": "00004"},
            {"child_id": "004", "commune_code": "00008"},
            {"child_id": "005", "commune_code": "00008"},
        ],
    )
    poverty = _write(
        tmp_path / "poverty.csv",
        [
            {"child_id": "001", "commune_code": "00004", "poverty": "poor"},
            {"child_id": "002", "commune_code": "00004", "poverty": "near_poor"},
            {"child_id": "004", "commune_code": "00008", "poverty": "poor"},
        ],
    )
    oos = _write(
        tmp_path / "oos.csv",
        [
            {"child_id": "002", "commune_code": "00004"},
            {"child_id": "004", "commune_code": "00008"},
        ],
    )
    labour = _write(tmp_path / "labour.csv", [{"child_id": "002", "commune_code": "00004"}])
    migrated = _write(
        tmp_path / "migrated.csv",
        [
            {"child_id": "001", "commune_code": "00004"},
            {"child_id": "004", "commune_code": "00008"},
        ],
    )
    lists = [
        RegistryList(registry),
        RegistryList(poverty, "poverty"),
        RegistryList(oos, "out_of_school"),
        RegistryList(labour, "child_labour"),
        RegistryList(migrated, "left_behind"),
    ]
    result = proactive_screen(lists, RULES)
    assert result.children == 5
    assert result.by_level == {"low": 2, "medium": 3, "high": 0, "urgent": 0}
    got = [(r.commune_code, r.rank, r.child_id, r.level, r.score) for r in result.rows]
    # 002: school_and_work (medium) + 2 + 2 + 1 = 5; 001: 1 + 2 + 1 = 4 -> medium;
    # 004: 2 + 1 + 2 + 1 = 6. Leading zeros of ids and communes survive the CSV.
    assert got == [
        ("00004", 1, "002", "medium", 5),
        ("00004", 2, "001", "medium", 4),
        ("00008", 1, "004", "medium", 6),
    ]
    assert result.rows[0].reasons == (
        "school_and_work",
        "out_of_school",
        "child_labour",
        "near_poor",
    )
    only = proactive_screen(lists, RULES, communes=["00008"], min_level="low")
    assert [r.child_id for r in only.rows] == ["004", "005"]


def test_proactive_list_errors(tmp_path: Path) -> None:
    bad = _write(tmp_path / "bad.csv", [{"id": "1", "commune_code": "00004"}])
    with pytest.raises(ListsError) as info:
        proactive_screen([RegistryList(bad, "poverty"), RegistryList(tmp_path / "x.csv")], RULES)
    assert "file not found" in str(info.value)
    with pytest.raises(ListsError) as info:
        proactive_screen([RegistryList(bad, "poverty")], RULES)
    messages = [p.en for p in info.value.problems]
    assert any("child_id" in m for m in messages) and any("poverty" in m for m in messages)


def test_synthetic_lists_and_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lists = write_synthetic_lists(tmp_path / "lists", 20_000, seed=3)
    result = proactive_screen(lists, RULES)
    assert result.children == 20_000
    assert 0 < result.visits < 20_000
    args = ["proactive", "--out", str(tmp_path / "v.parquet")]
    for lst in lists:
        args += ["--list", f"{lst.item}={lst.path}" if lst.item else str(lst.path)]
    assert cli_main(args) == 0
    assert len(pd.read_parquet(tmp_path / "v.parquet")) == result.visits
    assert "children to visit" in capsys.readouterr().out
    broken = tmp_path / "r.toml"
    broken.write_text("format = 1\n", encoding="utf-8")
    assert cli_main(["check-rules", str(broken)]) == 1
