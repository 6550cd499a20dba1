"""The Splink 5 linkage model: comparisons, blocking, training, prediction and clustering.

Input is the output of ``baove.linkage.standardise.standardise`` for every source, stacked.
Comparisons are designed for Vietnamese names and records about children:

* the given name is the strong name evidence (people are called by it); the family name is
  weak (Nguyễn alone covers ~38% of people), so its exact-match level uses Splink's
  term-frequency adjustment, and regional variants (Huỳnh/Hoàng, Vũ/Võ) get their own level
  through ``family_name_canon``;
* a name written in another order (given name first, as in some forms) is caught by
  ``name_sorted`` (the folded name tokens sorted);
* birth dates are often estimated or typed day-month swapped, so the birth-date comparison
  has levels for the swap, the same year and month, the same year, and within a year;
* communes use the 2025 codes; a legacy commune that became several new ones matches on the
  overlap of ``commune_candidates``.

All the linkage maths (u by random sampling, m by EM, lambda, predict, connected components)
is Splink's; this module only chooses the comparisons and the blocking rules, and turns
Splink's output into plain columns (the level label of every field, next to its Bayes
factor). Plain Python: no Django.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import pyarrow as pa
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import Linker, SettingsCreator, block_on
from splink.internals.blocking_rule_creator import BlockingRuleCreator
from splink.internals.comparison_creator import ComparisonCreator
from splink.internals.comparison_level_creator import ComparisonLevelCreator
from splink.internals.exceptions import EMTrainingException

from baove.linkage.backend import make_db_api
from baove.linkage.config import LinkSettings

if TYPE_CHECKING:
    from splink.internals.database_api import DatabaseAPI
    from splink.internals.splink_dataframe import SplinkDataFrame

__all__ = [
    "MODEL_COLUMNS",
    "LinkResult",
    "blocking_rules",
    "build_settings",
    "comparisons",
    "em_blocking_rules",
    "level_labels",
    "link_records",
    "prepare_records",
]

logger = logging.getLogger(__name__)

# Columns of the standardised frame the model reads (see the standardise contract).
MODEL_COLUMNS: tuple[str, ...] = (
    "record_id",
    "source",
    "family_name",
    "family_name_canon",
    "middle_name",
    "given_name",
    "full_name",
    "name_sorted",
    "birth_date",
    "birth_year",
    "birth_month",
    "birth_day",
    "birth_date_swapped",
    "sex",
    "id_number",
    "commune",
    "commune_candidates",
    "province",
    "postcode",
    "phone",
    "address",
    "caregiver_name",
)
_INT_COLUMNS = ("birth_year", "birth_month", "birth_day")
# A field with fewer known values than this cannot be trained; leave its comparison out.
_MIN_KNOWN = 2


def prepare_records(frames: Iterable[pd.DataFrame]) -> pd.DataFrame:
    """Stack standardised sources into the one table the model links.

    Args:
        frames: Outputs of ``standardise`` (one per source).

    Returns:
        The model columns only, with missing columns added as nulls and Arrow-backed types
        (so DuckDB and Spark receive proper strings, integers and string lists).

    Raises:
        ValueError: No records, or a ``record_id`` that occurs twice.
    """
    parts = [f.reindex(columns=list(MODEL_COLUMNS)) for f in frames]
    if not parts or sum(len(p) for p in parts) == 0:
        raise ValueError("no records to link: every source is empty")
    records = pd.concat(parts, ignore_index=True)
    duplicated = records["record_id"].duplicated()
    if duplicated.any():
        first = records.loc[duplicated, "record_id"].iloc[0]
        raise ValueError(f"record_id {first!r} occurs more than once: ids must be unique")
    arrays: dict[str, pa.Array] = {}
    for column in MODEL_COLUMNS:
        values = records[column].astype(object).where(records[column].notna(), None)
        if column in _INT_COLUMNS:
            arrays[column] = pa.array(values.tolist(), type=pa.int32())
        elif column == "commune_candidates":
            cleaned = [list(v) if isinstance(v, list | tuple) and len(v) else None for v in values]
            arrays[column] = pa.array(cleaned, type=pa.list_(pa.string()))
        else:
            cleaned_str = [None if v is None or v == "" else str(v) for v in values]
            arrays[column] = pa.array(cleaned_str, type=pa.string())
    table = pa.table(arrays)
    prepared: pd.DataFrame = table.to_pandas(types_mapper=pd.ArrowDtype)
    return prepared


def _known(records: pd.DataFrame | None, column: str) -> bool:
    if records is None:
        return True
    filled = records[column].notna()
    if int(filled.sum()) < _MIN_KNOWN:
        return False
    # With several sources, a field only one source fills is never compared across sources
    # and cannot be trained; leave it out.
    sources = records["source"].nunique()
    return sources < 2 or records.loc[filled, "source"].nunique() >= 2


def _differs(records: pd.DataFrame | None, column: str, other: str) -> bool:
    # A level that can never fire would stay untrained and get Splink's default m.
    if records is None:
        return True
    both = records[column].notna() & records[other].notna()
    return bool((records.loc[both, column] != records.loc[both, other]).any())


def _level(creator: ComparisonLevelCreator, label: str, *, tf: str | None = None) -> Any:
    configured = creator.configure(label_for_charts=label)
    if tf is not None:
        configured = configured.configure(tf_adjustment_column=tf, tf_adjustment_weight=1.0)
    return configured


def comparisons(records: pd.DataFrame | None = None) -> list[ComparisonCreator]:
    """Return the comparisons, leaving out fields (almost) never filled in ``records``.

    Args:
        records: The prepared records, or None for every comparison.

    Returns:
        Splink comparison creators, one per field.
    """

    def has(*columns: str) -> bool:
        return all(_known(records, c) for c in columns)

    result: list[ComparisonCreator] = []
    swapped = cll.And(
        cll.ExactMatchLevel("name_sorted"), cll.Not(cll.ExactMatchLevel("given_name"))
    )
    if has("given_name"):
        levels = [
            cll.NullLevel("given_name"),
            _level(cll.ExactMatchLevel("given_name"), "exact", tf="given_name"),
        ]
        if has("name_sorted"):
            levels.append(_level(swapped, "same name in another order"))
        levels += [
            _level(cll.DamerauLevenshteinLevel("given_name", 1), "one edit apart"),
            _level(cll.JaroWinklerLevel("given_name", 0.9), "Jaro-Winkler >= 0.9"),
            _level(cll.ElseLevel(), "different"),
        ]
        result.append(cl.CustomComparison(levels, "given_name", "given name"))
    if has("family_name"):
        levels = [
            cll.NullLevel("family_name"),
            # Weak evidence: agreeing on Nguyễn says little, on Lò a lot.
            _level(cll.ExactMatchLevel("family_name"), "exact", tf="family_name"),
        ]
        if has("family_name_canon") and _differs(records, "family_name_canon", "family_name"):
            levels.append(
                _level(
                    cll.ExactMatchLevel("family_name_canon"),
                    "regional variant (Huỳnh/Hoàng, Vũ/Võ)",
                    tf="family_name_canon",
                )
            )
        if has("name_sorted"):
            levels.append(_level(swapped, "same name in another order"))
        levels += [
            _level(cll.JaroWinklerLevel("family_name", 0.88), "Jaro-Winkler >= 0.88"),
            _level(cll.ElseLevel(), "different"),
        ]
        result.append(cl.CustomComparison(levels, "family_name", "family name"))
    if has("middle_name"):
        levels = [
            cll.NullLevel("middle_name"),
            # Thị and Văn are most middle names: term frequencies again.
            _level(cll.ExactMatchLevel("middle_name"), "exact", tf="middle_name"),
            _level(cll.DamerauLevenshteinLevel("middle_name", 1), "one edit apart"),
            _level(cll.JaroWinklerLevel("middle_name", 0.88), "Jaro-Winkler >= 0.88"),
            _level(cll.ElseLevel(), "different"),
        ]
        result.append(cl.CustomComparison(levels, "middle_name", "middle name"))
    if has("birth_year"):
        result.append(_birth_date_comparison(records))
    if has("sex"):
        result.append(
            cl.CustomComparison(
                [
                    cll.NullLevel("sex"),
                    _level(cll.ExactMatchLevel("sex"), "same"),
                    _level(cll.ElseLevel(), "different"),
                ],
                "sex",
                "sex",
            )
        )
    if has("id_number"):
        result.append(
            cl.CustomComparison(
                [
                    cll.NullLevel("id_number"),
                    _level(cll.ExactMatchLevel("id_number"), "exact"),
                    _level(cll.DamerauLevenshteinLevel("id_number", 1), "one edit apart"),
                    _level(cll.ElseLevel(), "different"),
                ],
                "id_number",
                "personal identification number",
            )
        )
    if has("province"):
        result.append(_place_comparison(records))
    elif has("postcode"):
        # Postcodes stand in for communes in lists without commune codes (e.g. FEBRL).
        result.append(
            cl.CustomComparison(
                [
                    cll.NullLevel("postcode"),
                    _level(cll.ExactMatchLevel("postcode"), "exact", tf="postcode"),
                    _level(cll.DamerauLevenshteinLevel("postcode", 1), "one edit apart"),
                    _level(cll.ElseLevel(), "different"),
                ],
                "postcode",
                "postcode",
            )
        )
    if has("phone"):
        result.append(
            cl.CustomComparison(
                [
                    cll.NullLevel("phone"),
                    _level(cll.ExactMatchLevel("phone"), "exact"),
                    _level(cll.DamerauLevenshteinLevel("phone", 1), "one edit apart"),
                    _level(cll.ElseLevel(), "different"),
                ],
                "phone",
                "phone",
            )
        )
    if has("address") and not has("province"):
        # Free-text addresses only where there is no commune code (lists like FEBRL): next to
        # the commune they add little and village names repeat across communes.
        result.append(
            cl.CustomComparison(
                [
                    cll.NullLevel("address"),
                    _level(cll.ExactMatchLevel("address"), "exact", tf="address"),
                    _level(cll.JaroWinklerLevel("address", 0.92), "Jaro-Winkler >= 0.92"),
                    _level(cll.JaroWinklerLevel("address", 0.8), "Jaro-Winkler >= 0.8"),
                    _level(cll.ElseLevel(), "different"),
                ],
                "address",
                "address",
            )
        )
    if has("caregiver_name"):
        result.append(
            cl.CustomComparison(
                [
                    cll.NullLevel("caregiver_name"),
                    _level(cll.ExactMatchLevel("caregiver_name"), "exact", tf="caregiver_name"),
                    _level(cll.JaroWinklerLevel("caregiver_name", 0.92), "Jaro-Winkler >= 0.92"),
                    _level(cll.ElseLevel(), "different"),
                ],
                "caregiver_name",
                "caregiver name",
            )
        )
    return result


def _birth_date_comparison(records: pd.DataFrame | None) -> ComparisonCreator:
    levels: list[Any] = [
        cll.NullLevel("birth_year"),
        _level(cll.ExactMatchLevel("birth_date"), "exact date"),
    ]
    if _known(records, "birth_date_swapped"):
        levels.append(
            _level(
                cll.Or(
                    cll.CustomLevel("birth_date_l = birth_date_swapped_r"),
                    cll.CustomLevel("birth_date_swapped_l = birth_date_r"),
                ),
                "day and month swapped",
            )
        )
    levels += [
        _level(
            cll.And(cll.ExactMatchLevel("birth_year"), cll.ExactMatchLevel("birth_month")),
            "same year and month",
        ),
        _level(cll.ExactMatchLevel("birth_year"), "same year"),
        _level(cll.CustomLevel("abs(birth_year_l - birth_year_r) <= 1"), "within one year"),
        _level(cll.ElseLevel(), "different"),
    ]
    return cl.CustomComparison(levels, "birth_date", "birth date")


def _place_comparison(records: pd.DataFrame | None) -> ComparisonCreator:
    levels: list[Any] = [cll.NullLevel("province")]
    if _known(records, "commune"):
        levels.append(_level(cll.ExactMatchLevel("commune"), "same commune"))
    if _known(records, "commune_candidates"):
        # A legacy commune split into several 2025 communes: any shared candidate.
        levels.append(
            _level(cll.ArrayIntersectLevel("commune_candidates", 1), "possibly the same commune")
        )
    levels += [
        _level(cll.ExactMatchLevel("province"), "same province"),
        _level(cll.ElseLevel(), "different"),
    ]
    return cl.CustomComparison(levels, "place", "commune of residence")


def _rules(
    records: pd.DataFrame | None,
    candidates: Sequence[tuple[str, ...]],
    *,
    unless: Mapping[tuple[str, ...], str] | None = None,
) -> list[BlockingRuleCreator]:
    rules = []
    for columns in candidates:
        if not all(_known(records, c) for c in columns):
            continue
        skip_if = (unless or {}).get(columns)
        if skip_if is not None and records is not None and _known(records, skip_if):
            continue
        rules.append(block_on(*columns))
    return rules


# Each rule lets through the pairs that one kind of error would hide from the others:
# a typo in the given name (birth date + province), in the family name (given name + date),
# a wrong or estimated date (given name + commune, or + month and province), swapped name
# order (name_sorted), any name change with a shared ID or phone. Rules are sized for a
# national register: a given name and a birth year alone make blocks of thousands (Anh,
# Linh...), so every name rule has a date part and a place part, or an exact date.
_PREDICT_RULES: tuple[tuple[str, ...], ...] = (
    ("given_name", "birth_year", "birth_month", "province"),
    ("given_name", "birth_date"),
    ("birth_date", "province"),
    ("name_sorted", "birth_year", "birth_month"),
    ("given_name", "commune"),
    ("id_number",),
    ("phone",),
    ("caregiver_name", "birth_year", "province"),
    ("given_name", "postcode"),
    ("birth_date", "postcode"),
    ("family_name_canon", "birth_date"),
    ("family_name", "given_name"),
    ("name_sorted",),
)
# Rules only for lists without communes (ad hoc person lists, FEBRL): without a place they
# are the only way to catch some errors, and such lists are small enough for them.
_UNLESS_PLACE: dict[tuple[str, ...], str] = {
    ("family_name_canon", "birth_date"): "province",
    ("family_name", "given_name"): "province",
    ("name_sorted",): "province",
}
# EM leaves out the comparisons a training rule blocks on, so each group below trains the
# fields the others cannot: the first usable rule of every group is run.
_EM_RULE_GROUPS: tuple[tuple[tuple[str, ...], ...], ...] = (
    (("given_name", "birth_year", "birth_month"), ("given_name", "birth_year"), ("given_name",)),
    (("birth_date", "commune"), ("birth_date", "postcode"), ("birth_date",)),
    (("given_name", "family_name_canon", "province"), ("given_name", "family_name_canon")),
)
_DETERMINISTIC_RULES: tuple[tuple[str, ...], ...] = (
    ("id_number",),
    ("full_name", "birth_date"),
)


def blocking_rules(records: pd.DataFrame | None = None) -> list[BlockingRuleCreator]:
    """Blocking rules for prediction (their union makes the candidate pairs).

    Args:
        records: The prepared records; rules on (almost) empty fields are left out.

    Returns:
        Splink blocking rules.
    """
    return _rules(records, _PREDICT_RULES, unless=_UNLESS_PLACE)


def em_blocking_rules(records: pd.DataFrame | None = None) -> list[BlockingRuleCreator]:
    """Blocking rules for the EM sessions: together they leave every comparison trained once.

    Args:
        records: The prepared records; rules on (almost) empty fields are left out.

    Returns:
        Splink blocking rules, at most three.
    """
    rules: list[BlockingRuleCreator] = []
    for group in _EM_RULE_GROUPS:
        usable = _rules(records, group)
        if usable:
            rules.append(usable[0])
    return rules


def build_settings(records: pd.DataFrame | None = None) -> SettingsCreator:
    """Return the Splink settings (untrained) for the prepared ``records``.

    Args:
        records: The prepared records (comparisons and rules adapt to the fields present).

    Returns:
        A ``SettingsCreator`` for a dedupe of the stacked sources (record ids carry the
        source, so one table covers links within and between sources).
    """
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="record_id",
        comparisons=list[ComparisonCreator | dict[str, Any]](comparisons(records)),
        blocking_rules_to_generate_predictions=list[BlockingRuleCreator | dict[str, Any]](
            blocking_rules(records)
        ),
        retain_matching_columns=True,
        retain_intermediate_calculation_columns=True,
        additional_columns_to_retain=["source"],
        max_iterations=25,
        em_convergence=1e-4,
    )


def level_labels(model: Mapping[str, Any]) -> dict[str, dict[int, str]]:
    """Map each comparison's gamma value to its level label, from a Splink model dict.

    Splink numbers the null level -1 and the other levels from n-1 (first) down to 0.

    Args:
        model: The dict of ``linker.misc.save_model_to_json()`` (or the saved JSON).

    Returns:
        comparison output column -> gamma value -> label.
    """
    labels: dict[str, dict[int, str]] = {}
    for comparison in model["comparisons"]:
        name = comparison["output_column_name"]
        levels = comparison["comparison_levels"]
        non_null = [lv for lv in levels if not lv.get("is_null_level", False)]
        mapping = {-1: "missing"}
        for index, level in enumerate(non_null):
            mapping[len(non_null) - 1 - index] = str(
                level.get("label_for_charts") or level["sql_condition"]
            )
        labels[name] = mapping
    return labels


@dataclass
class LinkResult:
    """What one linkage run produced.

    Attributes:
        pairs: Scored pairs at or above the review threshold: ``record_id_l``,
            ``record_id_r``, ``match_probability``, ``match_weight`` and per field
            ``<field>_level`` (label), ``gamma_<field>`` and ``bf_<field>`` (Bayes factor).
        clusters: One row per record: ``record_id``, ``source``, ``cluster_id`` (the smallest
            record id of its connected component at the link threshold).
        review: Pairs in the review band, with both records' fields side by side.
        model: The trained Splink model (settings dict, as saved to JSON).
        counts: Records, blocked pairs, links, clusters.
        timings: Seconds per step.
        candidate_matches: Blocked pairs restricted to ``truth`` matches, when a truth table
            was given (for the pairs-missed-by-blocking report).
    """

    pairs: pd.DataFrame
    clusters: pd.DataFrame
    review: pd.DataFrame
    model: dict[str, Any]
    counts: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    candidate_matches: pd.DataFrame | None = None


def _to_pandas(sdf: SplinkDataFrame) -> pd.DataFrame:
    # Through Arrow on every engine: DuckDB's own .df() trips a pandas 3 deprecation warning.
    frame: Any = sdf  # Splink leaves these methods untyped
    table: pa.Table = frame.as_pyarrow_table()
    result: pd.DataFrame = table.to_pandas()
    return result


def _query(linker: Linker, sql: str) -> pd.DataFrame:
    misc: Any = linker.misc
    return _to_pandas(misc.query_sql(sql, output_type="splink_df"))


def _train(linker: Linker, settings: LinkSettings, records: pd.DataFrame) -> None:
    training = linker.training
    if settings.lambda_ is None:
        rules = _rules(records, _DETERMINISTIC_RULES)
        try:
            training.estimate_probability_two_random_records_match(
                list(rules), recall=settings.lambda_recall
            )
        except Exception:  # Splink raises when the rules find no pair at all.
            logger.warning("lambda could not be estimated; using one match per record")
            n = max(len(records), 2)
            linker._settings_obj._probability_two_random_records_match = 2 / n
    training.estimate_u_using_random_sampling(max_pairs=settings.u_max_pairs, seed=settings.seed)
    for rule in em_blocking_rules(records):
        _em_session(linker, rule)


def _em_session(linker: Linker, rule: BlockingRuleCreator) -> None:
    # Splink 5 refuses an m probability that EM drives below 1e-300 (a level almost never
    # seen among matches, common on small inputs) instead of clamping it. The collapse takes
    # many iterations, so retry with fewer; give up on the session (keeping the others'
    # estimates) if even a few iterations collapse. A failed session also leaves the model
    # without the comparisons it set aside for its blocking rule, so restore them first.
    settings = linker._settings_obj
    configured = settings.training_settings
    iterations = configured.max_iterations
    try:
        while True:
            current: Any = settings.core_model_settings  # Splink leaves copy() untyped
            saved = current.copy()
            try:
                linker.training.estimate_parameters_using_expectation_maximisation(
                    rule, estimate_without_term_frequencies=True, max_pairs=5e6
                )
                return
            except EMTrainingException as exc:  # the rule finds no pairs in this data
                settings.core_model_settings = saved
                logger.warning("EM session skipped: %s", exc)
                return
            except ValueError as exc:
                settings.core_model_settings = saved
                if "below the minimum allowed" not in str(exc) or iterations <= 3:
                    logger.warning("EM session skipped: %s", exc)
                    return
                iterations //= 2
                settings.training_settings = dataclasses.replace(
                    configured, max_iterations=iterations
                )
    finally:
        settings.training_settings = configured


def link_records(
    records: pd.DataFrame,
    settings: LinkSettings,
    *,
    model: Mapping[str, Any] | str | Path | None = None,
    db_api: DatabaseAPI[Any] | None = None,
    truth: pd.DataFrame | None = None,
) -> LinkResult:
    """Train (or load) a model, predict, cluster and return plain tables.

    Args:
        records: Output of :func:`prepare_records`.
        settings: Thresholds and training options.
        model: A saved Splink model (dict or JSON file) to use instead of training.
        db_api: A Splink database API (default: in-memory DuckDB from ``settings.backend``).
        truth: Optional ``record_id, child_id`` table; when given, the blocked pairs that are
            true matches are returned in ``candidate_matches``.

    Returns:
        The :class:`LinkResult`.
    """
    timings: dict[str, float] = {}
    started = time.perf_counter()
    api = db_api or make_db_api(settings.backend)
    table = api.register(records, table_name="baove_records")
    trained = model is None
    linker = Linker(
        table,
        build_settings(records) if model is None else _model_input(model),
        log_level=None,
    )
    if trained:
        _train(linker, settings, records)
    timings["train"] = time.perf_counter() - started

    step = time.perf_counter()
    predictions = linker.inference.predict(threshold_match_probability=settings.review_low)
    model_dict = linker.misc.save_model_to_json()
    pairs_full = _to_pandas(predictions)
    timings["predict"] = time.perf_counter() - step

    step = time.perf_counter()
    clustered = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=settings.threshold
    )
    clusters = _query(
        linker,
        # Splink's own table name, not user input.
        f"SELECT record_id, source, cluster_id FROM {clustered.physical_name}",  # noqa: S608
    )
    clusters = clusters.sort_values("record_id", kind="stable").reset_index(drop=True)
    timings["cluster"] = time.perf_counter() - step

    candidate_matches = None
    blocked_count = -1
    if truth is not None:
        step = time.perf_counter()
        candidate_matches, blocked_count = _candidate_matches(linker, truth)
        timings["blocking_check"] = time.perf_counter() - step

    pairs, review = _evidence(pairs_full, model_dict, settings)
    timings["total"] = time.perf_counter() - started
    counts = {
        "records": len(records),
        "pairs_scored_above_review_low": len(pairs),
        "links": int((pairs["match_probability"] >= settings.threshold).sum()),
        "review": len(review),
        "clusters": int(clusters["cluster_id"].nunique()),
    }
    if blocked_count >= 0:
        counts["blocked_pairs"] = blocked_count
    return LinkResult(
        pairs=pairs,
        clusters=clusters,
        review=review,
        model=model_dict,
        counts=counts,
        timings=timings,
        candidate_matches=candidate_matches,
    )


def _model_input(model: Mapping[str, Any] | str | Path) -> dict[str, Any] | str:
    if isinstance(model, Mapping):
        return dict(model)
    return str(model)


def _candidate_matches(linker: Linker, truth: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    # Only blocked pairs that are true matches matter for "missed by blocking"; joining with
    # the truth inside the engine keeps tens of millions of blocked pairs out of pandas.
    blocked = linker.inference.compute_blocked_pairs_for_predict()
    api = linker._db_api
    truth_table = api.register(
        truth[["record_id", "child_id"]].astype("string[pyarrow]"),
        table_name="baove_truth",
    )
    sql = f"""
        SELECT DISTINCT b.join_key_l AS record_id_l, b.join_key_r AS record_id_r
        FROM {blocked.physical_name} b
        JOIN {truth_table.physical_name} tl ON tl.record_id = b.join_key_l
        JOIN {truth_table.physical_name} tr ON tr.record_id = b.join_key_r
        WHERE tl.child_id = tr.child_id
    """  # noqa: S608 - Splink's own table names
    matches = _query(linker, sql)
    count = _query(linker, f"SELECT count(*) AS n FROM {blocked.physical_name}")  # noqa: S608
    return matches, int(count["n"].iloc[0])


_PAIR_BASE = ["record_id_l", "record_id_r", "source_l", "source_r", "match_probability"]


def _evidence(
    full: pd.DataFrame, model: Mapping[str, Any], settings: LinkSettings
) -> tuple[pd.DataFrame, pd.DataFrame]:
    labels = level_labels(model)
    pairs = pd.DataFrame({c: full[c] for c in _PAIR_BASE if c in full.columns})
    pairs["match_weight"] = full["match_weight"].astype("float64")
    pairs["match_probability"] = pairs["match_probability"].astype("float64")
    for name, mapping in labels.items():
        gamma = full[f"gamma_{name}"].astype("int64")
        pairs[f"{name}_level"] = gamma.map(mapping).astype("string")
        pairs[f"gamma_{name}"] = gamma
        weight = full[f"mw_{name}"].astype("float64")
        # Fold the term-frequency adjustment into the field's evidence: one number per field.
        tf = f"mw_tf_adj_{name}"
        if tf in full.columns:
            weight = weight + full[tf].astype("float64").fillna(0.0)
        pairs[f"mw_{name}"] = weight
        pairs[f"bf_{name}"] = 2.0**weight
    pairs = pairs.sort_values(
        ["match_probability", "record_id_l", "record_id_r"],
        ascending=[False, True, True],
        kind="stable",
    ).reset_index(drop=True)
    in_band = (full["match_probability"] >= settings.review_low) & (
        full["match_probability"] < settings.review_high
    )
    review = full.loc[in_band].copy()
    drop = [c for c in review.columns if c.startswith(("gamma_", "mw_", "tf_"))]
    review = review.drop(columns=drop).merge(
        pairs[["record_id_l", "record_id_r", *[f"{n}_level" for n in labels]]],
        on=["record_id_l", "record_id_r"],
        how="left",
    )
    review = review.sort_values("match_probability", ascending=False, kind="stable")
    return pairs, review.reset_index(drop=True)
