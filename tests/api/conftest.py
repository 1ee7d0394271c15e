"""Fixtures shared by the API tests; a test module's own fixture of the same name wins."""

from __future__ import annotations

from pathlib import Path

import pytest
from httpx import AsyncClient

from echo.bootstrap import Services
from tests.api.streaming import new_token
from tests.builders import LoggedIn, create_and_login
from tests.fixtures.library import build_library
from tests.fixtures.manifest import LibraryManifest
from tests.fixtures.scanning import scan_library


@pytest.fixture
async def alice(client: AsyncClient, services: Services) -> LoggedIn:
    return await create_and_login(services, client, "alice")


@pytest.fixture
async def library(library_dir: Path, services: Services) -> LibraryManifest:
    """The fixture library, written and scanned."""
    manifest = build_library(library_dir)
    await scan_library(services)
    return manifest


@pytest.fixture
async def token(client: AsyncClient, alice: LoggedIn) -> str:
    """A stream token of alice's."""
    return await new_token(client, alice)
