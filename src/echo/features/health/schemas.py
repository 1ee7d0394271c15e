"""Response body of /api/health."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from echo.core.schemas import ApiModel

Status = Literal["ok", "degraded", "error"]
ServiceState = Literal["ok", "error", "warning", "critical"]


class HealthServices(ApiModel):
    database: ServiceState
    cache: ServiceState
    storage: ServiceState


class Memory(ApiModel):
    total: int
    free: int
    used: int
    usage_percent: float


class Cpu(ApiModel):
    load_average: list[float]


class Storage(ApiModel):
    path: str
    total_mb: int = Field(alias="totalMB")
    free_mb: int = Field(alias="freeMB")
    used_mb: int = Field(alias="usedMB")
    usage_percent: float
    status: ServiceState


class SystemInfo(ApiModel):
    memory: Memory
    cpu: Cpu
    storage: Storage | None


class Health(ApiModel):
    status: Status
    timestamp: int
    uptime: int
    version: str
    services: HealthServices
    system: SystemInfo
    error: str | None = None
