"""Shared set-up for the referral tests (services made through their own actions); no tests."""

from __future__ import annotations

from typing import Any

from baove.cases import actions as case_actions
from baove.cases.models import Case
from baove.referrals import actions
from baove.referrals.models import Referral
from baove.services import actions as service_actions
from baove.services.models import Service

from .conftest import World


def service_x(world: World, **data: Any) -> Service:
    """A commune-level service of agency X (Hà Nội) covering commune A1 only."""
    values = {"name": "Tư vấn tâm lý", "service_type": "psychosocial",
              "coverage_level": "commune", "areas": [world.commune_a1.code]}  # fmt: skip
    values.update(data)
    return service_actions.create_service(acting_user=world.manager_a, agency=world.agency_x,
                                          data=values)  # fmt: skip


def service_y(world: World) -> Service:
    """A national service of agency Y."""
    return service_actions.create_service(
        acting_user=world.admin, agency=world.agency_y,
        data={"name": "Khám chữa bệnh", "service_type": "medical_care",
              "coverage_level": "national", "areas": []},
    )  # fmt: skip


def consent(case: Case, by: Any, *purposes: str) -> None:
    """Record the given consents on ``case``."""
    for purpose in purposes or ("services", "sharing"):
        case_actions.record_consent(
            case, purpose=purpose, granted=True, given_by="Nguyễn Văn Bình",
            relationship="father", acting_user=by,
        )  # fmt: skip


def send(world: World, service: Service, *, case: Case | None = None, by: Any = None,
         key: str = "k1", **kw: Any) -> Referral:  # fmt: skip
    """Send a referral of case A1 (by officer A1) with consent already recorded."""
    args: dict[str, Any] = {
        "service": service, "urgency": "urgent", "reason": "Trẻ cần hỗ trợ tâm lý.",
        "shared_fields": ["name", "age", "sex", "commune", "reason"],
        "acting_user": by or world.officer_a1, "idempotency_key": key,
    }  # fmt: skip
    args.update(kw)
    return actions.send_referral(case or world.case_a1, **args)
