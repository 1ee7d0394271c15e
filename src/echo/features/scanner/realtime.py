"""The /scanner Socket.IO namespace: admins follow scans live and pause, resume or cancel them."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

from echo.bootstrap import Services
from echo.core.errors import Forbidden, InvalidInput, MustChangePassword
from echo.core.realtime import AuthenticatedNamespace
from echo.features.auth.service import authenticate
from echo.features.scanner.events import NAMESPACE, scan_room
from echo.features.users.models import User

# The scanner emits through `services.broadcaster`, from whichever process runs the work:
# scan:progress, scan:error and scan:completed to the room scan_room(scanId); library:change to
# the whole namespace; lufs:progress and dj:progress to the whole namespace with retain=True, so
# a client connecting later is sent the last value at once.

ScanControl = Callable[[uuid.UUID], Awaitable[None]]
CancelScan = Callable[[uuid.UUID, str | None], Awaitable[None]]


async def authenticate_admin(services: Services, token: str) -> User:
    user = (await authenticate(services, token)).user
    if user.must_change_password:
        raise MustChangePassword()
    if not user.is_admin:
        raise Forbidden("Administrator access required")
    return user


def _scan_id(data: Any) -> uuid.UUID:
    value = data.get("scanId") if isinstance(data, dict) else None
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise InvalidInput("scanId must be the id of a scan") from None


class ScannerNamespace(AuthenticatedNamespace[User]):
    """`pause`, `resume` and `cancel` are the scanner's own controls; they reach whichever
    process runs the scan, and raise a DomainError (e.g. NotFound) the client is told about."""

    def __init__(
        self,
        services: Services,
        *,
        pause: ScanControl,
        resume: ScanControl,
        cancel: CancelScan,
    ) -> None:
        super().__init__(NAMESPACE, partial(authenticate_admin, services))
        self._broadcaster = services.broadcaster
        self._pause = pause
        self._resume = resume
        self._cancel = cancel
        self.handle("scanner:subscribe", self._subscribe)
        self.handle("scanner:unsubscribe", self._unsubscribe)
        self.handle("scanner:pause", self._on_pause)
        self.handle("scanner:resume", self._on_resume)
        self.handle("scanner:cancel", self._on_cancel)

    async def welcome(self, sid: str, principal: User) -> None:
        for event, data in (await self._broadcaster.retained(NAMESPACE)).items():
            await self.emit(event, data, to=sid)

    async def _answer(self, sid: str, event: str, body: dict[str, Any]) -> dict[str, Any]:
        """The original server answers with an event; clients that asked for an ack get it too."""
        await self.emit(event, body, to=sid)
        return body

    async def _subscribe(self, sid: str, user: User, data: Any) -> dict[str, Any]:
        scan_id = _scan_id(data)
        await self.enter_room(sid, scan_room(scan_id))
        return await self._answer(sid, "scanner:subscribed", {"scanId": str(scan_id)})

    async def _unsubscribe(self, sid: str, user: User, data: Any) -> dict[str, Any]:
        scan_id = _scan_id(data)
        await self.leave_room(sid, scan_room(scan_id))
        return await self._answer(sid, "scanner:unsubscribed", {"scanId": str(scan_id)})

    async def _on_pause(self, sid: str, user: User, data: Any) -> dict[str, Any]:
        scan_id = _scan_id(data)
        await self._pause(scan_id)
        return await self._answer(sid, "scanner:paused", {"scanId": str(scan_id)})

    async def _on_resume(self, sid: str, user: User, data: Any) -> dict[str, Any]:
        scan_id = _scan_id(data)
        await self._resume(scan_id)
        return await self._answer(sid, "scanner:resumed", {"scanId": str(scan_id)})

    async def _on_cancel(self, sid: str, user: User, data: Any) -> dict[str, Any]:
        scan_id = _scan_id(data)
        reason = data.get("reason") if isinstance(data.get("reason"), str) else None
        await self._cancel(scan_id, reason)
        return await self._answer(
            sid, "scanner:cancelled", {"scanId": str(scan_id), "reason": reason}
        )
