"""Importing the monthly extract a performance analyst uploads to qop in their personal chat.

The bot hands over what Teams says about the file (its name, type and a short-lived download URL)
and a ``FileFetcher`` that downloads it; this module decides whether to take it (who may import,
in which chat, which kinds of file, from which hosts, how big), chooses the column mapping from the
council's mapping folder, and imports through ``MeasuresService.import_cells``: the same checks and
the same all-or-nothing transaction as ``python -m qop measures import``. The file itself is never
stored, only its team-level figures.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cards import text_measures as text
from services import access_log, actors, policy
from services.actors import Actor
from services.errors import DomainError
from services.measures.declarations import MeasuresFileError
from services.measures.extract import EXTRACT_TYPES, Cell, ColumnMapping, UnreadableExtract, load_mapping, read_extract
from services.measures.importer import ExtractReport
from services.measures.service import IMPORT_RECORD_TYPE, VIA_TEAMS, MeasuresService
from services.organisation.source import name_key
from views.measure_uploads import BadRow, ImportOutcome, UploadGuide, size_text

MAPPING_FILE_TYPES = (".yaml", ".yml")
PERSONAL_CHAT = "personal"


class UploadRefused(DomainError):
    """An uploaded file qop will not read; nothing was downloaded or nothing was written."""


class DownloadTooBig(Exception):
    """The file is larger than the limit (found from its length or while reading it)."""


class DownloadFailed(Exception):
    """The download did not give the file: an error status, a timeout, a refused redirect, the network."""


@dataclass(frozen=True)
class UploadedFile:
    """A file attached to a message, as Teams describes it (``file.download.info``)."""

    name: str
    download_url: str
    file_type: str = ""
    """Teams' ``fileType``: the file's ending without the dot (``csv``)."""


class FileFetcher(Protocol):
    """Downloads a file Teams offers: a plain GET of its pre-authenticated URL (supplied by the bot)."""

    async def fetch(
        self, url: str, *, max_bytes: int, timeout_seconds: float, url_allowed: Callable[[str], bool]
    ) -> bytes:
        """The file's bytes. Asks ``url_allowed`` before every request (redirects too); raises
        ``DownloadTooBig`` past ``max_bytes`` and ``DownloadFailed`` for anything else."""
        ...


@dataclass(frozen=True)
class UploadRules:
    """Where an uploaded file may be downloaded from, and how much of it."""

    allowed_hosts: tuple[str, ...]
    """Host names (``contoso.sharepoint.com``) or suffix patterns (``*.sharepoint.com``)."""
    max_bytes: int
    timeout_seconds: float
    allow_loopback: bool = False
    """Local no-auth mode only (the playground, tests): files on this machine, over plain http too."""

    def url_allowed(self, url: str) -> bool:
        """True for an https URL (no user or password in it) on an allowed host; in local mode
        also a loopback address over http."""
        try:
            parts = urlsplit(url)
            host = (parts.hostname or "").lower()
            parts.port  # noqa: B018 - raises ValueError for a port that is not a number
        except ValueError:
            return False
        if not host or parts.username or parts.password:
            return False
        if self.allow_loopback and _is_loopback(host):
            return parts.scheme in ("http", "https")
        return parts.scheme == "https" and any(_host_matches(host, allowed) for allowed in self.allowed_hosts)


def _host_matches(host: str, allowed: str) -> bool:
    allowed = allowed.strip().lower()
    if allowed.startswith("*."):
        return host.endswith(allowed[1:]) and len(host) > len(allowed) - 1
    return host == allowed


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class MappingFolder:
    """The column mappings an uploaded extract may be read with, as the folder holds them now."""

    folder: Path | None
    """None: no folder is configured (uploads are refused, saying so)."""
    usable: list[tuple[str, ColumnMapping]]
    """(file stem, mapping) of every mapping file in the folder that is valid."""
    broken: list[str]
    """Why each invalid mapping file cannot be used (its first problem)."""


class MeasureUploads:
    """Takes an extract uploaded in Teams and imports it, all or nothing, or says why not."""

    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        measures: MeasuresService,
        rules: UploadRules,
        mapping_folder: Path | None,
    ) -> None:
        self._sessions = sessions
        self._measures = measures
        self._rules = rules
        self._mapping_folder = mapping_folder

    def guide(self) -> UploadGuide:
        """What qop accepts, for the card beside a refusal."""
        return UploadGuide(EXTRACT_TYPES, self._rules.max_bytes, tuple(m.name for _, m in self.mapping_folder().usable))

    async def receive(
        self,
        teams_user_id: str,
        files: list[UploadedFile],
        *,
        conversation_kind: str,
        typed: str,
        fetcher: FileFetcher,
    ) -> ImportOutcome:
        """Check and import the one extract attached to a message in ``teams_user_id``'s chat.

        ``typed`` is the message's text: ``check`` first checks without importing; the rest, if
        any, names the column mapping. Raises ``UploadRefused`` (or another ``DomainError``, such as
        ``NotAllowed``, logged) with a sentence for the person; nothing is written then."""
        if conversation_kind != PERSONAL_CHAT:
            raise UploadRefused(text.UPLOAD_ONLY_PERSONAL)
        actor = await self._require_importer(teams_user_id)
        if len(files) != 1:
            raise UploadRefused(text.UPLOAD_ONE_AT_A_TIME)
        [file] = files
        self._check_file(file)
        dry_run, mapping_name = _read_typed(typed)
        content = await self._download(file, fetcher)
        mapping, cells = self._choose_mapping(file.name, content, mapping_name)
        report = await self._measures.import_cells(
            cells, file_name=file.name, content=content, mapping=mapping, dry_run=dry_run, actor=actor, via=VIA_TEAMS
        )
        return outcome_of(report)

    async def _require_importer(self, teams_user_id: str) -> Actor:
        """The person, if they may import figures (``policy.require``); a refusal is written to the
        access log first."""
        record = policy.indicator_figures()
        async with self._sessions() as session:
            actor = await actors.load_for_teams_user(session, teams_user_id)
        await access_log.require_logged(
            self._sessions,
            actor,
            policy.Permission.CHANGE,
            record,
            record_type=IMPORT_RECORD_TYPE,
            detail={"permission": policy.Permission.CHANGE.value, "via": VIA_TEAMS},
            summary="import of indicator figures refused",
        )
        return actor

    def _check_file(self, file: UploadedFile) -> None:
        ending = Path(file.name).suffix.lower()
        declared = file.file_type.strip().lower().lstrip(".")
        if ending not in EXTRACT_TYPES or (declared and f".{declared}" != ending):
            raise UploadRefused(text.UPLOAD_WRONG_TYPE.format(file=_shown(file.name)))
        if not self._rules.url_allowed(file.download_url):
            host = urlsplit(file.download_url).hostname if file.download_url.isascii() else None
            raise UploadRefused(
                text.UPLOAD_HOST_NOT_ALLOWED.format(file=_shown(file.name), host=_shown(host or "an unknown place"))
            )

    async def _download(self, file: UploadedFile, fetcher: FileFetcher) -> bytes:
        try:
            return await fetcher.fetch(
                file.download_url,
                max_bytes=self._rules.max_bytes,
                timeout_seconds=self._rules.timeout_seconds,
                url_allowed=self._rules.url_allowed,
            )
        except DownloadTooBig:
            raise UploadRefused(
                text.UPLOAD_TOO_BIG.format(file=_shown(file.name), limit=size_text(self._rules.max_bytes))
            ) from None
        except DownloadFailed:
            raise UploadRefused(text.UPLOAD_DOWNLOAD_FAILED.format(file=_shown(file.name))) from None

    def _choose_mapping(self, file_name: str, content: bytes, wanted: str) -> tuple[ColumnMapping, list[Cell]]:
        """The one mapping (named, or else among all) that reads the file, with its cells."""
        mappings = self.mapping_folder()
        if not mappings.usable and not mappings.broken:
            raise UploadRefused(text.UPLOAD_NO_MAPPINGS)
        candidates = mappings.usable
        if wanted:
            candidates = [(stem, m) for stem, m in candidates if name_key(wanted) in (name_key(m.name), name_key(stem))]
            if not candidates:
                names = ", ".join(m.name for _, m in mappings.usable) or text.UPLOAD_NO_MAPPINGS_SHORT
                raise UploadRefused(text.UPLOAD_NO_SUCH_MAPPING.format(name=_shown(wanted), names=names))
        fitting: list[tuple[ColumnMapping, list[Cell]]] = []
        reasons: list[str] = []
        for _, mapping in candidates:
            try:
                fitting.append((mapping, read_extract(file_name, content, mapping)))
            except UnreadableExtract as misfit:
                reasons.append(str(misfit))
        if len(fitting) == 1:
            return fitting[0]
        if fitting:
            names = ", ".join(m.name for m, _ in fitting)
            raise UploadRefused(text.UPLOAD_SEVERAL_MAPPINGS_FIT.format(file=_shown(file_name), names=names))
        reasons += [] if wanted else mappings.broken
        unique = list(dict.fromkeys(reasons))
        raise UploadRefused(text.UPLOAD_NO_MAPPING_FITS.format(file=_shown(file_name), reasons="; ".join(unique)))

    def mapping_folder(self) -> MappingFolder:
        """Every mapping file in the folder, read afresh (the administrator may change them at any time)."""
        folder = self._mapping_folder
        if folder is None or not folder.is_dir():
            return MappingFolder(folder, [], [])
        usable, broken = [], []
        for path in sorted(p for p in folder.iterdir() if p.suffix.lower() in MAPPING_FILE_TYPES and p.is_file()):
            try:
                usable.append((path.stem, load_mapping(path)))
            except MeasuresFileError as error:
                first = error.problems[0]
                broken.append(f"{path.name}:{first.line}: {first.field or '(top)'}: {first.message}")
        return MappingFolder(folder, usable, broken)


def _read_typed(typed: str) -> tuple[bool, str]:
    """(check only, the mapping's name) from the message typed with the file."""
    words = typed.split()
    dry_run = bool(words) and words[0].casefold() == text.UPLOAD_CHECK_WORD
    return dry_run, " ".join(words[1:] if dry_run else words)


def _shown(value: str, limit: int = 120) -> str:
    """A file or mapping name as typed, short enough for a card."""
    value = " ".join(value.split())
    return value if len(value) <= limit else value[: limit - 3] + "..."


def outcome_of(report: ExtractReport) -> ImportOutcome:
    """The read model of an import's report."""
    return ImportOutcome(
        file_name=report.file_name,
        mapping_name=report.mapping_name,
        dry_run=report.dry_run,
        figures=len(report.values),
        replaced=report.replaced,
        teams=tuple(report.teams),
        months=tuple(report.months),
        bad_rows=tuple(BadRow(problem.line, problem.reason) for problem in report.problems),
    )
