"""Administrative geography: provinces and communes (any signed-in user)."""

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import P, PathEx, Router

from baove.api.schemas import CommuneOut, ProvinceOut, responses
from baove.core.errors import NotFound
from baove.geo.models import Commune, Province

router = Router(tags=["geography"])

ProvinceCode = PathEx[str, P(max_length=2, description="Two-digit province code.")]


@router.get("/geo/provinces", response=responses(200, list[ProvinceOut]))
def provinces(request: HttpRequest) -> list[ProvinceOut]:
    """The 34 provinces and centrally-run cities, by code."""
    return [
        ProvinceOut(code=p.code, name=p.name, division_type=p.division_type)
        for p in Province.objects.order_by("code")
    ]


@router.get("/geo/provinces/{code}/communes", response=responses(200, list[CommuneOut]))
def communes(request: HttpRequest, code: ProvinceCode) -> list[CommuneOut]:
    """The communes, wards and special zones of a province, by code."""
    rows = [
        CommuneOut(code=c.code, name=c.name, division_type=c.division_type, province=code)
        for c in Commune.objects.filter(province_id=code)
        .only("code", "name", "division_type")
        .order_by("code")
    ]
    if not rows and not Province.objects.filter(code=code).exists():
        raise NotFound(_("Province not found."))
    return rows
