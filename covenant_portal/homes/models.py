"""Provider homes and services: what quarterly returns, expansions and the observatory count."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from covenant_portal.accounts.models import LocalAuthority, ProviderOrganisation
from covenant_portal.db import Base, str_enum, utcnow


class HomeType(StrEnum):
    CHILDRENS_HOME = "childrens_home"
    SUPPORTED_ACCOMMODATION = "supported_accommodation"
    FOSTERING_AGENCY = "fostering_agency"
    RESIDENTIAL_SPECIAL_SCHOOL = "residential_special_school"
    OTHER = "other"


class HomeStatus(StrEnum):
    OPEN = "open"
    PLANNED = "planned"
    CLOSED = "closed"


class Need(StrEnum):
    EMOTIONAL_BEHAVIOURAL = "emotional_behavioural"
    MENTAL_HEALTH_COMPLEX = "mental_health_complex"
    DISABILITIES = "disabilities"
    LEARNING_DISABILITIES = "learning_disabilities"
    CHILD_EXPLOITATION = "child_exploitation"
    PARENT_AND_CHILD = "parent_and_child"
    UNACCOMPANIED_ASYLUM_SEEKING = "unaccompanied_asylum_seeking"


class ProviderHome(Base):
    __tablename__ = "provider_home"
    __table_args__ = (
        sa.CheckConstraint("registered_places >= 0", name="places_not_negative"),
        sa.CheckConstraint("age_from >= 0 AND age_to <= 25 AND age_from <= age_to", name="age_range_valid"),
        sa.CheckConstraint(
            "home_type IN ('childrens_home', 'supported_accommodation', 'fostering_agency', "
            "'residential_special_school', 'other')",
            name="home_type_known",
        ),
        sa.CheckConstraint("status IN ('open', 'planned', 'closed')", name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("provider_organisation.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    host_local_authority_id: Mapped[int] = mapped_column(sa.ForeignKey("local_authority.id"), index=True)
    ofsted_urn: Mapped[str | None] = mapped_column(sa.String(10))
    home_type: Mapped[HomeType] = mapped_column(str_enum(HomeType))
    registered_places: Mapped[int]
    age_from: Mapped[int]
    age_to: Mapped[int]
    needs: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    status: Mapped[HomeStatus] = mapped_column(str_enum(HomeStatus, length=16), default=HomeStatus.OPEN)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    organisation: Mapped[ProviderOrganisation] = relationship()
    host_local_authority: Mapped[LocalAuthority] = relationship()
