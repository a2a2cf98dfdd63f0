"""The application's tables.

One declarative ``Base`` with a naming convention, so constraint names are stable across
SQLite and PostgreSQL and migrations can refer to them. Relationships use
``lazy="raise_on_sql"``: repositories load related rows on purpose.
"""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Annotated, Any

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, MetaData, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on both engines (SQLite drops the offset otherwise)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; pass an aware UTC datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


int_pk = Annotated[int, mapped_column(Integer, primary_key=True, autoincrement=True)]
created_at = Annotated[datetime, mapped_column(UtcDateTime(), default=utcnow, nullable=False)]
updated_at = Annotated[datetime, mapped_column(UtcDateTime(), default=utcnow, onupdate=utcnow, nullable=False)]


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UtcDateTime(), dict[str, Any]: JSON()}


class Role(enum.StrEnum):
    """Roles a person holds in the organisation (issue 8)."""

    PRACTITIONER = "practitioner"
    TEAM_MANAGER = "team_manager"
    SENIOR_MANAGER = "senior_manager"
    QA_LEAD = "qa_lead"
    MODERATOR = "moderator"
    ADMINISTRATOR = "administrator"


class ServiceArea(Base):
    """A service area such as First Contact, Early Help or Children in Care."""

    __tablename__ = "service_areas"

    id: Mapped[int_pk]
    name: Mapped[str] = mapped_column(String(200), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[created_at]
    updated_at: Mapped[updated_at]

    teams: Mapped[list[Team]] = relationship(back_populates="service_area", lazy="raise_on_sql")


class Team(Base):
    """An organisational team (not a Microsoft Teams 'team'), with its manager."""

    __tablename__ = "teams"

    id: Mapped[int_pk]
    name: Mapped[str] = mapped_column(String(200), unique=True)
    service_area_id: Mapped[int] = mapped_column(ForeignKey("service_areas.id"))
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", use_alter=True))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[created_at]
    updated_at: Mapped[updated_at]

    service_area: Mapped[ServiceArea] = relationship(back_populates="teams", lazy="raise_on_sql")
    manager: Mapped[Person | None] = relationship(foreign_keys=[manager_id], lazy="raise_on_sql")


class Person(Base):
    """Someone qop knows: from the organisation file, from Teams, or both once matched."""

    __tablename__ = "people"

    id: Mapped[int_pk]
    email: Mapped[str | None] = mapped_column(String(320), unique=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    aad_object_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    teams_user_id: Mapped[str | None] = mapped_column(String(200), unique=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    in_organisation: Mapped[bool] = mapped_column(Boolean, default=False)
    """True when the person came from the organisation import (not only seen in Teams)."""
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    time_zone: Mapped[str | None] = mapped_column(String(64))
    last_seen_at: Mapped[datetime | None]
    created_at: Mapped[created_at]
    updated_at: Mapped[updated_at]

    team: Mapped[Team | None] = relationship(foreign_keys=[team_id], lazy="raise_on_sql")
    roles: Mapped[list[RoleAssignment]] = relationship(back_populates="person", lazy="raise_on_sql")


class RoleAssignment(Base):
    """One role held by one person; senior managers hold theirs for a service area."""

    __tablename__ = "role_assignments"
    __table_args__ = (
        UniqueConstraint("person_id", "role", "service_area_id", name="uq_role_assignments_person_role_area"),
    )

    id: Mapped[int_pk]
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(32))
    service_area_id: Mapped[int | None] = mapped_column(ForeignKey("service_areas.id"))
    created_at: Mapped[created_at]

    person: Mapped[Person] = relationship(back_populates="roles", lazy="raise_on_sql")


class ConversationKind(enum.StrEnum):
    PERSONAL = "personal"
    GROUP_CHAT = "groupChat"
    CHANNEL = "channel"


class Conversation(Base):
    """A Teams conversation qop is installed in, with what it takes to message it later."""

    __tablename__ = "conversations"

    id: Mapped[int_pk]
    conversation_id: Mapped[str] = mapped_column(String(400), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    tenant_id: Mapped[str | None] = mapped_column(String(64))
    service_url: Mapped[str] = mapped_column(String(400))
    bot_id: Mapped[str] = mapped_column(String(200))
    teams_team_id: Mapped[str | None] = mapped_column(String(400))
    """For channels: the Microsoft Teams team the channel belongs to."""
    name: Mapped[str | None] = mapped_column(String(400))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    """For personal chats: who the chat is with."""
    reference: Mapped[dict[str, Any]] = mapped_column(JSON)
    """The serialised conversation reference, as the SDK needs it for proactive sends."""
    installed: Mapped[bool] = mapped_column(Boolean, default=True)
    installed_at: Mapped[datetime | None]
    uninstalled_at: Mapped[datetime | None]
    linked_team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    linked_service_area_id: Mapped[int | None] = mapped_column(ForeignKey("service_areas.id"))
    created_at: Mapped[created_at]
    updated_at: Mapped[updated_at]

    person: Mapped[Person | None] = relationship(lazy="raise_on_sql")


class AccessLogEntry(Base):
    """Append-only record of who viewed, submitted, changed or exported what."""

    __tablename__ = "access_log"
    __table_args__ = (Index("ix_access_log_record", "record_type", "record_id"),)

    id: Mapped[int_pk]
    at: Mapped[created_at]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    action: Mapped[str] = mapped_column(String(32))
    record_type: Mapped[str] = mapped_column(String(64))
    record_id: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    summary: Mapped[str] = mapped_column(Text, default="")
