"""What a pack holds, as plain frozen records.

Kept apart from ``data`` (which reads the database) so that the rendering processes, which
receive these records pickled, never import the database layer: it alone weighs ~90 MB of
resident memory per process.
"""

from __future__ import annotations

from dataclasses import dataclass

from portal.packs.content import Contact


@dataclass(frozen=True)
class SessionLine:
    session_id: int
    when: str
    place: str
    content: str
    institution: str
    contact: str
    township_code: str
    start_date: str


@dataclass(frozen=True)
class JobLine:
    title: str
    employer: str
    positions: int
    wage: str
    contact: str
    address: str


@dataclass(frozen=True)
class WorkerPack:
    worker_id: int
    name: str
    masked_id: str
    village: str  # 县/乡镇/村
    county_code: str
    township_code: str
    wanted_trade: str
    sessions: tuple[SessionLine, ...]  # their own trainings, for the contact card
    upcoming: tuple[SessionLine, ...]  # near them, their township and wanted trade first
    jobs: tuple[JobLine, ...]
    contact: Contact
