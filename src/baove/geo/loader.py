"""Load provinces and communes from the ``vietnam-provinces`` package."""

from __future__ import annotations

from typing import Any

from vietnam_provinces import Province as VPProvince
from vietnam_provinces import Ward as VPWard


def province_rows() -> list[dict[str, Any]]:
    """Return the 34 provinces as dicts ready for ``Province(**row)``."""
    return [
        {
            "code": f"{int(p.code):02d}",
            "name": p.name,
            "codename": p.codename,
            "division_type": p.division_type.value,
        }
        for p in VPProvince.iter_all()
    ]


def commune_rows() -> list[dict[str, Any]]:
    """Return the 3,321 communes as dicts ready for ``Commune(**row)``."""
    return [
        {
            "code": f"{int(w.code):05d}",
            "name": w.name,
            "codename": w.codename,
            "division_type": w.division_type.value,
            "province_id": f"{int(w.province_code):02d}",
        }
        for w in VPWard.iter_all()
    ]


def load(province_model: Any, commune_model: Any) -> tuple[int, int]:
    """Insert or update every province and commune; return how many of each exist.

    Takes the model classes so a data migration can pass its historical models.
    """
    provinces = province_rows()
    communes = commune_rows()
    province_model.objects.bulk_create(
        [province_model(**row) for row in provinces],
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["name", "codename", "division_type"],
    )
    commune_model.objects.bulk_create(
        [commune_model(**row) for row in communes],
        batch_size=500,
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["name", "codename", "division_type", "province"],
    )
    return province_model.objects.count(), commune_model.objects.count()
