"""/api/search: one query over artists, albums and tracks."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from echo.features.auth.dependencies import ServicesDep, current_user
from echo.features.search import service
from echo.features.search.schemas import SearchResults

router = APIRouter(prefix="/search", tags=["search"], dependencies=[Depends(current_user)])


@router.get("", responses={400: {"description": "Query under 2 characters"}})
async def search_library(
    services: ServicesDep,
    q: Annotated[str, Query(min_length=1, max_length=200)],
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> SearchResults:
    """Accent- and case-insensitive; in each group, names starting with the query come first,
    then names with a word starting with it, then the rest."""
    return await service.search_library(services, q, limit)
