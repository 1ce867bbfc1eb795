"""The workbench's database: engagements, informants and every saved version of a profile.

SQLAlchemy 2 over SQLite (a file, created on first start) or PostgreSQL (``postgresql://...``,
through psycopg 3). The schema is made and upgraded by the Alembic migrations in
``migrations/``, which :func:`open_store` runs on every start; the tables below are the same
schema as the newest migration (a test holds them equal).

Informant tokens are never stored: only their SHA-256, so that a copy of the database opens no
form. A new link replaces the old one (the old one stops working), and a link can be revoked.
Each save is one transaction that adds a version; nothing is overwritten.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from pathlib import Path
from typing import Any, Optional

from alembic import command
from alembic.config import Config
from sqlalchemy import ForeignKey, String, Text, create_engine, event, select
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship, sessionmaker

__all__ = [
    "Base",
    "Engagement",
    "Informant",
    "ProfileVersion",
    "Setting",
    "Store",
    "database_url",
    "open_store",
    "new_token",
    "token_hash",
]

#: Bytes of randomness in an informant token (256 bits; 43 characters in the link).
TOKEN_BYTES = 32


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0)


class Base(DeclarativeBase):
    pass


class Setting(Base):
    """Settings of this workbench: the consultant's password hash, the session key."""

    __tablename__ = "setting"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Engagement(Base):
    """One round of assessing one municipality; ``previous_id`` names the earlier round."""

    __tablename__ = "engagement"
    id: Mapped[int] = mapped_column(primary_key=True)
    municipality: Mapped[str] = mapped_column(String(200))
    created: Mapped[dt.datetime] = mapped_column(default=_now)
    previous_id: Mapped[Optional[int]] = mapped_column(ForeignKey("engagement.id", ondelete="SET NULL"))
    informants: Mapped[list["Informant"]] = relationship(
        back_populates="engagement", order_by="Informant.id", cascade="all, delete-orphan"
    )


class Informant(Base):
    """One informant of an engagement (the mayor, a unit leader, ...) and their link."""

    __tablename__ = "informant"
    id: Mapped[int] = mapped_column(primary_key=True)
    engagement_id: Mapped[int] = mapped_column(ForeignKey("engagement.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(100))
    token_sha256: Mapped[Optional[str]] = mapped_column(String(64), unique=True)
    created: Mapped[dt.datetime] = mapped_column(default=_now)
    engagement: Mapped[Engagement] = relationship(back_populates="informants")
    versions: Mapped[list["ProfileVersion"]] = relationship(
        back_populates="informant", order_by="ProfileVersion.id", cascade="all, delete-orphan"
    )


class ProfileVersion(Base):
    """One save of an informant's answers: the profile as JSON (unknown facts left out)."""

    __tablename__ = "profile_version"
    id: Mapped[int] = mapped_column(primary_key=True)
    informant_id: Mapped[int] = mapped_column(ForeignKey("informant.id", ondelete="CASCADE"), index=True)
    saved: Mapped[dt.datetime] = mapped_column(default=_now)
    data: Mapped[str] = mapped_column(Text)
    informant: Mapped[Informant] = relationship(back_populates="versions")


def new_token() -> str:
    """A new informant token: 256 random bits, URL-safe."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def database_url(db: "str | Path") -> str:
    """The SQLAlchemy URL of ``--db``: a file path (SQLite) or a ``postgresql://`` URL, which is
    driven by psycopg 3."""
    text = str(db)
    if text.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + text.split("://", 1)[1]
    if "://" in text:
        return text
    return "sqlite:///" + str(Path(text).expanduser().resolve())


def _migrate(engine: Engine) -> None:
    config = Config()
    config.set_main_option("script_location", str(Path(__file__).with_name("migrations")))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def open_store(db: "str | Path") -> "Store":
    """Connect to ``db``, create or upgrade its schema, and return the store."""
    url = make_url(database_url(db))
    kwargs: dict[str, Any] = {}
    if url.get_backend_name() == "sqlite":
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
        if url.database:
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, **kwargs)
    if url.get_backend_name() == "sqlite":

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

    _migrate(engine)
    return Store(engine)


class Store:
    """Transactions on the database; each method is one transaction."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.sessions = sessionmaker(engine, expire_on_commit=False)

    def session(self) -> Session:
        return self.sessions()

    def close(self) -> None:
        self.engine.dispose()

    # settings
    def setting(self, key: str) -> Optional[str]:
        with self.session() as s:
            row = s.get(Setting, key)
            return row.value if row is not None else None

    def set_setting(self, key: str, value: str) -> None:
        with self.session() as s, s.begin():
            s.merge(Setting(key=key, value=value))

    def secret_key(self) -> str:
        """The key that signs session cookies, made on first start and kept."""
        key = self.setting("session_key")
        if key is None:
            self.set_setting("session_key", secrets.token_urlsafe(48))
            key = self.setting("session_key")
        assert key is not None
        return key

    # engagements
    def engagements(self) -> list[Engagement]:
        with self.session() as s:
            return list(s.scalars(select(Engagement).order_by(Engagement.municipality, Engagement.id)))

    def engagement(self, engagement_id: int) -> Optional[Engagement]:
        with self.session() as s:
            return s.get(Engagement, engagement_id)

    def create_engagement(self, municipality: str, previous_id: Optional[int] = None) -> Engagement:
        with self.session() as s, s.begin():
            engagement = Engagement(municipality=municipality, previous_id=previous_id)
            s.add(engagement)
            s.flush()
            return engagement

    # informants
    def informants(self, engagement_id: int) -> list[Informant]:
        with self.session() as s:
            query = select(Informant).where(Informant.engagement_id == engagement_id).order_by(Informant.id)
            return list(s.scalars(query))

    def informant(self, informant_id: int) -> Optional[Informant]:
        with self.session() as s:
            return s.get(Informant, informant_id)

    def informant_by_token(self, token: str) -> Optional[Informant]:
        if not token or len(token) > 200:
            return None
        with self.session() as s:
            return s.scalars(select(Informant).where(Informant.token_sha256 == token_hash(token))).first()

    def add_informant(self, engagement_id: int, label: str) -> tuple[Informant, str]:
        """A new informant and their token (shown once: only its hash is kept)."""
        token = new_token()
        with self.session() as s, s.begin():
            informant = Informant(engagement_id=engagement_id, label=label, token_sha256=token_hash(token))
            s.add(informant)
            s.flush()
            return informant, token

    def new_link(self, informant_id: int) -> Optional[str]:
        """Replace an informant's token; the old link stops working."""
        token = new_token()
        with self.session() as s, s.begin():
            informant = s.get(Informant, informant_id)
            if informant is None:
                return None
            informant.token_sha256 = token_hash(token)
        return token

    def revoke(self, informant_id: int) -> None:
        with self.session() as s, s.begin():
            informant = s.get(Informant, informant_id)
            if informant is not None:
                informant.token_sha256 = None

    # profiles
    def save_profile(self, informant_id: int, data: dict[str, Any]) -> ProfileVersion:
        """Add a version of the informant's answers (one transaction)."""
        text = json.dumps(data, ensure_ascii=False, sort_keys=True)
        with self.session() as s, s.begin():
            version = ProfileVersion(informant_id=informant_id, data=text)
            s.add(version)
            s.flush()
            return version

    def latest(self, informant_id: int) -> Optional[ProfileVersion]:
        with self.session() as s:
            query = (
                select(ProfileVersion)
                .where(ProfileVersion.informant_id == informant_id)
                .order_by(ProfileVersion.id.desc())
                .limit(1)
            )
            return s.scalars(query).first()

    def version_count(self, informant_id: int) -> int:
        with self.session() as s:
            query = select(ProfileVersion.id).where(ProfileVersion.informant_id == informant_id)
            return len(list(s.scalars(query)))
