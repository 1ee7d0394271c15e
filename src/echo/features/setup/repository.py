"""The wizard's state file, DATA_DIR/setup.json, and the lock around creating the first admin."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import false, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from echo.features.users.models import User

ADMIN_STEP_LOCK = 0x45_43_48_4F  # "ECHO": the advisory-lock key of the admin step


def read_state(data_dir: Path) -> dict[str, Any]:
    path = data_dir / "setup.json"
    try:
        state = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) else {}


def write_state(data_dir: Path, state: dict[str, Any]) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    temporary = data_dir / ".setup.json.tmp"
    temporary.write_text(json.dumps(state, indent=2))
    temporary.replace(data_dir / "setup.json")


async def lock_admin_step(session: AsyncSession) -> None:
    """Holds concurrent admin creations (any process) back until this transaction ends."""
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(select(func.pg_advisory_xact_lock(ADMIN_STEP_LOCK)))
    else:
        # SQLite allows one writer: a write statement, even one touching no row, takes the
        # database's write lock until commit; the others wait for it (busy_timeout).
        await session.execute(update(User).where(false()).values(is_admin=User.is_admin))
