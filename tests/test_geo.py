"""Geography loaded from the vietnam-provinces package by migration."""

from __future__ import annotations

import pytest

from baove.geo.models import Commune, Province

pytestmark = pytest.mark.django_db


def test_34_provinces_and_3321_communes() -> None:
    assert Province.objects.count() == 34
    assert Commune.objects.count() == 3321
    assert Province.objects.get(code="01").name == "Thành phố Hà Nội"
    assert Province.objects.get(code="79").name == "Thành phố Hồ Chí Minh"
    assert Commune.objects.get(code="00004").province_id == "01"
    # every province has communes and every code has the official width
    assert not Province.objects.filter(communes__isnull=True).exists()
    assert not Commune.objects.exclude(code__regex=r"^\d{5}$").exists()


def test_commune_types() -> None:
    kinds = set(Commune.objects.values_list("division_type", flat=True))
    assert kinds == {"xã", "phường", "đặc khu"}
    assert Commune.objects.filter(division_type="đặc khu").count() == 13


def test_cache_serves_units_without_queries(django_assert_num_queries: object) -> None:
    from baove.geo import cache

    cache.clear()
    assert cache.commune("00004").name == Commune.objects.get(code="00004").name
    with django_assert_num_queries(0):  # type: ignore[operator]
        ward = cache.commune("25747")
        assert ward.province.name == "Thành phố Hồ Chí Minh"
        assert cache.province("01").name == "Thành phố Hà Nội"
    with pytest.raises(KeyError):
        cache.commune("99999")
