"""The persistent child master index: record id -> stable cluster id (one cluster, one child).

Cluster ids are integers handed out once and never reused or renumbered. A new linkage batch
only *adds*: records already in the index keep their cluster, new records join the existing
cluster their batch cluster overlaps most (or get a new id); when a batch cluster spans
several existing clusters, that is reported as a proposed merge for clerical review instead of
being applied, so a person's earlier decision (a split) is never silently undone.

Merges and splits are events with who, when and why, and the before/after cluster of every
record they touched; any event can be undone while no later event has moved the same records.

Storage is a folder of Parquet files: ``assignments.<gen>.parquet`` and ``events.<gen>.parquet``
for the current generation, one ``changes/<event>.parquet`` per event (append-only), and
``current.json`` naming the generation. A change writes the next generation completely and
then replaces ``current.json`` atomically, under an exclusive lock, so a failed or
interrupted change leaves the index as it was. Plain Python: no Django.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

__all__ = ["BatchOutcome", "IndexConflict", "MasterIndex"]

_ASSIGNMENTS = pa.schema([("record_id", pa.string()), ("cluster_id", pa.int64())])
_EVENTS = pa.schema(
    [
        ("event_id", pa.int64()),
        ("kind", pa.string()),
        ("actor", pa.string()),
        ("at", pa.string()),
        ("reason", pa.string()),
        ("records", pa.int64()),
        ("undoes", pa.int64()),
        ("undone_by", pa.int64()),
    ]
)
_CHANGES = pa.schema([("record_id", pa.string()), ("before", pa.int64()), ("after", pa.int64())])


class IndexConflict(ValueError):
    """A change that the index refuses (unknown ids, an undo blocked by a later event...)."""


@dataclass(frozen=True)
class BatchOutcome:
    """What adding a batch did.

    Attributes:
        event_id: The recorded event (None when the batch brought nothing new).
        new_records: Records added to the index.
        new_clusters: Cluster ids created for them.
        joined_existing: New records that joined an existing cluster.
        proposed_merges: Groups of existing cluster ids that one batch cluster spans: left
            for review, not merged.
    """

    event_id: int | None
    new_records: int
    new_clusters: int
    joined_existing: int
    proposed_merges: list[list[int]] = field(default_factory=list)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class MasterIndex:
    """A child master index stored in a folder (created on first use)."""

    _assignments: pd.DataFrame
    _events: pd.DataFrame

    def __init__(self, path: str | Path) -> None:
        """Open (or create) the index in folder ``path``."""
        self.path = Path(path)
        (self.path / "changes").mkdir(parents=True, exist_ok=True)
        self._load()

    # -- storage -------------------------------------------------------------------------

    def _load(self) -> None:
        current = self.path / "current.json"
        if not current.exists():
            self._generation = 0
            self._next_cluster = 1
            self._next_event = 1
            self._assignments = _ASSIGNMENTS.empty_table().to_pandas()
            self._events = _EVENTS.empty_table().to_pandas()
            return
        meta = json.loads(current.read_text(encoding="utf-8"))
        self._generation = int(meta["generation"])
        self._next_cluster = int(meta["next_cluster_id"])
        self._next_event = int(meta["next_event_id"])
        gen = self._generation
        self._assignments = pq.read_table(self.path / f"assignments.{gen}.parquet").to_pandas()
        self._events = pq.read_table(self.path / f"events.{gen}.parquet").to_pandas(
            types_mapper={pa.int64(): pd.Int64Dtype()}.get
        )

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        with (self.path / "lock").open("w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                # Another process may have changed the index since we read it.
                self._load()
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _commit(
        self,
        assignments: pd.DataFrame,
        events: pd.DataFrame,
        changes: dict[int, pd.DataFrame],
        next_cluster: int,
        next_event: int,
    ) -> None:
        gen = self._generation + 1
        for event_id, frame in changes.items():
            table = pa.Table.from_pandas(frame, schema=_CHANGES, preserve_index=False)
            pq.write_table(table, self.path / "changes" / f"{event_id}.parquet")
        pq.write_table(
            pa.Table.from_pandas(assignments, schema=_ASSIGNMENTS, preserve_index=False),
            self.path / f"assignments.{gen}.parquet",
        )
        pq.write_table(
            pa.Table.from_pandas(events, schema=_EVENTS, preserve_index=False),
            self.path / f"events.{gen}.parquet",
        )
        meta = {"generation": gen, "next_cluster_id": next_cluster, "next_event_id": next_event}
        tmp = self.path / "current.json.tmp"
        with tmp.open("w", encoding="utf-8") as handle:
            json.dump(meta, handle)
            handle.flush()
            os.fsync(handle.fileno())
        # The atomic switch: before it the old generation is current, after it the new one.
        os.replace(tmp, self.path / "current.json")
        # Keep the previous generation for readers that opened it a moment ago.
        for name in (f"assignments.{gen - 2}.parquet", f"events.{gen - 2}.parquet"):
            (self.path / name).unlink(missing_ok=True)
        self._load()

    def _event_row(self, kind: str, actor: str, reason: str, records: int, **extra: Any) -> Any:
        return {
            "event_id": self._next_event,
            "kind": kind,
            "actor": actor,
            "at": _now(),
            "reason": reason,
            "records": records,
            "undoes": extra.get("undoes"),
            "undone_by": None,
        }

    def _with_event(self, row: dict[str, Any]) -> pd.DataFrame:
        new = pd.DataFrame([row]).astype(
            {"event_id": "Int64", "records": "Int64", "undoes": "Int64", "undone_by": "Int64"}
        )
        if self._events.empty:
            return new
        return pd.concat([self._events, new], ignore_index=True)

    # -- reading -------------------------------------------------------------------------

    def assignments(self) -> pd.DataFrame:
        """Return every ``record_id`` with its ``cluster_id``."""
        return self._assignments.copy()

    def events(self) -> pd.DataFrame:
        """Return the event log (kind, actor, at, reason, records touched, undo links)."""
        return self._events.copy()

    def changes(self, event_id: int) -> pd.DataFrame:
        """Return the before/after cluster of every record an event touched.

        ``before`` is missing for records the event added, ``after`` for records it removed.
        """
        path = self.path / "changes" / f"{event_id}.parquet"
        if event_id not in set(self._events["event_id"].tolist()) or not path.exists():
            raise IndexConflict(f"no event {event_id} in the index")
        frame: pd.DataFrame = pq.read_table(path).to_pandas(
            types_mapper={pa.int64(): pd.Int64Dtype()}.get
        )
        return frame

    def cluster_of(self, record_ids: Iterable[str]) -> pd.Series:
        """Return the cluster id of each record (missing for records not in the index).

        This is what indicators count: children (cluster ids), not records.

        Args:
            record_ids: Record ids (``"<source>:<id>"``).

        Returns:
            An ``Int64`` series named ``cluster_id``, indexed by the given record ids.
        """
        ids = pd.Index(list(record_ids), dtype="string", name="record_id")
        lookup = pd.Series(
            self._assignments["cluster_id"].to_numpy(),
            index=pd.Index(self._assignments["record_id"], dtype="string"),
        )
        result = lookup.reindex(ids).astype("Int64")
        result.name = "cluster_id"
        return result

    def records_of(self, cluster_id: int) -> list[str]:
        """Return the record ids in a cluster (sorted)."""
        mask = self._assignments["cluster_id"] == cluster_id
        return sorted(self._assignments.loc[mask, "record_id"].tolist())

    def __len__(self) -> int:
        """Number of records in the index."""
        return len(self._assignments)

    # -- changing ------------------------------------------------------------------------

    def add_batch(
        self, clusters: pd.DataFrame, *, actor: str, reason: str = "linkage batch"
    ) -> BatchOutcome:
        """Add a linkage batch: new records join existing clusters or form new ones.

        Args:
            clusters: ``record_id`` and ``cluster_id`` as produced by one linkage run (batch
                cluster ids are only group labels here).
            actor: Who ran the batch.
            reason: Why (e.g. the command line and sources).

        Returns:
            The :class:`BatchOutcome`.

        Raises:
            IndexConflict: A record id occurs twice in the batch.
        """
        batch = pd.DataFrame(
            {
                "record_id": clusters["record_id"].astype("string").to_numpy(),
                "group": clusters["cluster_id"].astype("string").to_numpy(),
            }
        )
        if batch["record_id"].duplicated().any():
            first = batch.loc[batch["record_id"].duplicated(), "record_id"].iloc[0]
            raise IndexConflict(f"record {first!r} occurs twice in the batch")
        with self._locked():
            current = self._assignments.astype({"record_id": "string"})
            merged = batch.merge(current, on="record_id", how="left")
            known = merged[merged["cluster_id"].notna()]
            fresh = merged[merged["cluster_id"].isna()]
            if fresh.empty:
                return BatchOutcome(None, 0, 0, 0, _proposed_merges(known))
            # The existing cluster each batch group overlaps most (ties: the oldest id).
            overlap = (
                known.groupby(["group", "cluster_id"])
                .size()
                .rename("n")
                .reset_index()
                .sort_values(["group", "n", "cluster_id"], ascending=[True, False, True])
                .drop_duplicates("group")
                .set_index("group")["cluster_id"]
            )
            target = fresh["group"].map(overlap)
            new_groups = (
                fresh.loc[target.isna()]
                .groupby("group")["record_id"]
                .min()
                .sort_values(kind="stable")
            )
            new_ids = pd.Series(
                range(self._next_cluster, self._next_cluster + len(new_groups)),
                index=new_groups.index,
                dtype="int64",
            )
            target = target.fillna(fresh["group"].map(new_ids)).astype("int64")
            added = pd.DataFrame(
                {"record_id": fresh["record_id"].to_numpy(), "cluster_id": target.to_numpy()}
            )
            event_id = self._next_event
            change = pd.DataFrame(
                {
                    "record_id": added["record_id"],
                    "before": pd.array([None] * len(added), dtype="Int64"),
                    "after": added["cluster_id"],
                }
            )
            assignments = pd.concat(
                [self._assignments, added.astype({"record_id": "object"})], ignore_index=True
            )
            events = self._with_event(self._event_row("batch", actor, reason, len(added)))
            self._commit(
                assignments,
                events,
                {event_id: change},
                self._next_cluster + len(new_groups),
                event_id + 1,
            )
            return BatchOutcome(
                event_id=event_id,
                new_records=len(added),
                new_clusters=len(new_groups),
                joined_existing=int(len(added) - target.isin(new_ids).sum()),
                proposed_merges=_proposed_merges(known),
            )

    def merge(self, cluster_ids: Sequence[int], *, actor: str, reason: str) -> int:
        """Merge clusters into the oldest of them (smallest id): they are one child.

        Args:
            cluster_ids: Two or more existing cluster ids.
            actor: Who decided.
            reason: Why.

        Returns:
            The event id.

        Raises:
            IndexConflict: Fewer than two distinct clusters, or an unknown cluster id.
        """
        ids = sorted({int(c) for c in cluster_ids})
        if len(ids) < 2:
            raise IndexConflict("a merge needs at least two different clusters")
        with self._locked():
            present = set(self._assignments["cluster_id"].tolist())
            unknown = [c for c in ids if c not in present]
            if unknown:
                raise IndexConflict(f"unknown cluster id(s): {', '.join(map(str, unknown))}")
            target = ids[0]
            moving = self._assignments["cluster_id"].isin(ids[1:])
            change = pd.DataFrame(
                {
                    "record_id": self._assignments.loc[moving, "record_id"],
                    "before": self._assignments.loc[moving, "cluster_id"].astype("Int64"),
                    "after": pd.array([target] * int(moving.sum()), dtype="Int64"),
                }
            )
            return self._apply(change, "merge", actor, reason)

    def split(self, record_ids: Sequence[str], *, actor: str, reason: str) -> int:
        """Move some records of one cluster to a new cluster: they are another child.

        Args:
            record_ids: Records, all in the same cluster, not all of it.
            actor: Who decided.
            reason: Why.

        Returns:
            The event id.

        Raises:
            IndexConflict: Unknown records, records from several clusters, or the whole
                cluster.
        """
        wanted = sorted(set(record_ids))
        if not wanted:
            raise IndexConflict("a split needs at least one record")
        with self._locked():
            rows = self._assignments[self._assignments["record_id"].isin(wanted)]
            missing = sorted(set(wanted) - set(rows["record_id"]))
            if missing:
                raise IndexConflict(f"record(s) not in the index: {', '.join(missing)}")
            clusters = sorted(set(rows["cluster_id"].tolist()))
            if len(clusters) != 1:
                raise IndexConflict(
                    f"records to split come from several clusters: {clusters}; split one at a time"
                )
            size = int((self._assignments["cluster_id"] == clusters[0]).sum())
            if size == len(wanted):
                raise IndexConflict(
                    f"these records are all of cluster {clusters[0]}: nothing to split"
                )
            new_id = self._next_cluster
            change = pd.DataFrame(
                {
                    "record_id": rows["record_id"],
                    "before": rows["cluster_id"].astype("Int64"),
                    "after": pd.array([new_id] * len(rows), dtype="Int64"),
                }
            )
            return self._apply(change, "split", actor, reason, next_cluster=new_id + 1)

    def undo(self, event_id: int, *, actor: str, reason: str) -> int:
        """Undo an event: every record it touched goes back to its cluster before it.

        Args:
            event_id: The event to undo (a batch, merge, split or an earlier undo).
            actor: Who decided.
            reason: Why.

        Returns:
            The id of the new ``undo`` event.

        Raises:
            IndexConflict: Unknown or already undone event, or a later event has moved some of
                its records since (undo that one first).
        """
        with self._locked():
            match = self._events[self._events["event_id"] == event_id]
            if match.empty:
                raise IndexConflict(f"no event {event_id} in the index")
            if not pd.isna(match["undone_by"].iloc[0]):
                raise IndexConflict(
                    f"event {event_id} was already undone by event {match['undone_by'].iloc[0]}"
                )
            done = self.changes(event_id)
            now = self.cluster_of(done["record_id"].astype(str)).reset_index(drop=True)
            after = done["after"].reset_index(drop=True)
            same = (after.isna() & now.isna()) | (after == now).fillna(False)
            moved_flags = (~same).to_numpy(dtype=bool)
            if moved_flags.any():
                first = done.loc[moved_flags, "record_id"].iloc[0]
                raise IndexConflict(
                    f"cannot undo event {event_id}: record {first} has been changed by a later "
                    f"event; undo that event first"
                )
            change = pd.DataFrame(
                {"record_id": done["record_id"], "before": done["after"], "after": done["before"]}
            )
            return self._apply(change, "undo", actor, reason, undoes=event_id)

    def _apply(
        self,
        change: pd.DataFrame,
        kind: str,
        actor: str,
        reason: str,
        *,
        next_cluster: int | None = None,
        undoes: int | None = None,
    ) -> int:
        event_id = self._next_event
        assignments = self._assignments.set_index("record_id")["cluster_id"].astype("Int64")
        after = pd.Series(change["after"].to_numpy(), index=change["record_id"].to_numpy())
        assignments.loc[after.index] = after.astype("Int64")
        kept = assignments[assignments.notna()].astype("int64")
        new_assignments = kept.rename("cluster_id").reset_index()
        row = self._event_row(kind, actor, reason, len(change), undoes=undoes)
        events = self._with_event(row)
        if undoes is not None:
            events.loc[events["event_id"] == undoes, "undone_by"] = event_id
        self._commit(
            new_assignments,
            events,
            {event_id: change.reset_index(drop=True)},
            next_cluster if next_cluster is not None else self._next_cluster,
            event_id + 1,
        )
        return event_id


def _proposed_merges(known: pd.DataFrame) -> list[list[int]]:
    found: set[tuple[int, ...]] = set()
    for _, ids in known.groupby("group")["cluster_id"]:
        distinct = tuple(sorted({int(v) for v in ids}))
        if len(distinct) > 1:
            found.add(distinct)
    return [list(ids) for ids in sorted(found)]
