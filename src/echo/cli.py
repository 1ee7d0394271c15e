"""The echo-music command: serve, migrate and user administration."""

from __future__ import annotations

import asyncio
import gc
import socket
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from echo.core.logs import configure_logging
from echo.settings import Settings, describe_error

if TYPE_CHECKING:
    from echo.bootstrap import Services
    from echo.features.scanner.pipeline import ScanProgress

app = typer.Typer(help="Echo, a self-hosted music server.", no_args_is_help=True)
user_app = typer.Typer(help="Manage user accounts.", no_args_is_help=True)
app.add_typer(user_app, name="user")
console = Console()
err = Console(stderr=True)

T = TypeVar("T")

# Each connection's socket send buffer (see serve).
SEND_BUFFER_BYTES = 256 * 1024


def load_settings() -> Settings:
    """Settings, or exit with one line naming the invalid variable."""
    try:
        return Settings()
    except ValidationError as error:
        # soft_wrap: one line whatever the terminal width, so logs and scripts see one line.
        err.print(f"[red]{escape(describe_error(error))}[/red]", highlight=False, soft_wrap=True)
        raise typer.Exit(2) from error


def _migrate(settings: Settings) -> None:
    from echo.migrations.runner import upgrade

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    upgrade(settings.database_url)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Listen address (default ECHO_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Listen port (default ECHO_PORT).")] = None,
) -> None:
    """Apply migrations and serve the API and web app."""
    import uvicorn

    from echo.app import create_asgi_app

    settings = load_settings()
    if host is not None:
        settings.host = host
    if port is not None:
        settings.port = port
    configure_logging(settings.log_level)
    _migrate(settings)
    application = create_asgi_app(settings)
    # What is loaded by now (modules, routes, schemas: about 200,000 objects) lives as long as
    # the process: frozen, the collector's full passes skip it. Each pass over it stalled every
    # request for 100-150 ms, the slowest 1 % of answers under load.
    gc.collect()
    gc.freeze()
    console.print(f"Echo listening on http://{settings.host}:{settings.port}")
    config = uvicorn.Config(
        application,
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level,
        proxy_headers=True,
        timeout_graceful_shutdown=10,
    )
    listener = config.bind_socket()
    # Connections inherit the listening socket's send buffer. Left to autotuning, each stream
    # pushed megabytes into a slow listener's socket buffers in its first second (200 players
    # starting at once: a gigabyte copied by the kernel, and the first bytes of new streams
    # queued behind it). 256 KiB (the kernel doubles it) still sends 40 Mbit/s over a 100 ms
    # round trip.
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, SEND_BUFFER_BYTES)
    uvicorn.Server(config).run(sockets=[listener])


@app.command()
def migrate() -> None:
    """Apply database migrations and exit."""
    settings = load_settings()
    _migrate(settings)
    console.print("Database is up to date.")


@app.command()
def worker() -> None:
    """Run the background jobs from the Redis queues (scale-out mode) until SIGTERM or SIGINT."""
    from echo.worker import run_worker

    settings = load_settings()
    if not settings.redis_url:
        err.print(
            "[red]echo-music worker needs Redis: set ECHO_REDIS_URL "
            "(without Redis, serve runs the jobs itself)[/red]",
            soft_wrap=True,
        )
        raise typer.Exit(2)
    configure_logging(settings.log_level)
    _migrate(settings)
    asyncio.run(run_worker(settings))


def _run_with_services(work: Callable[..., Awaitable[T]]) -> T:
    from echo.bootstrap import build_services, close_services

    settings = load_settings()
    _migrate(settings)

    async def main() -> T:
        services = await build_services(settings)
        try:
            return await work(services)
        finally:
            await close_services(services)

    return asyncio.run(main())


def _password_from_stdin() -> str | None:
    if sys.stdin.isatty():
        return None
    return sys.stdin.readline().rstrip("\n") or None


@user_app.command("create")
def user_create(
    username: str,
    admin: Annotated[bool, typer.Option("--admin", help="Make the user an administrator.")] = False,
    name: Annotated[str | None, typer.Option(help="Display name.")] = None,
) -> None:
    """Create a user. Prints a temporary password, or takes the password from stdin."""
    from echo.core.errors import DomainError
    from echo.features.admin import service
    from echo.features.auth.passwords import check_policy

    password = _password_from_stdin()
    try:
        if password is not None:
            check_policy(password)
        created = _run_with_services(
            lambda services: service.create_user(services, username, name, admin, password)
        )
    except DomainError as error:
        err.print(f"[red]{escape(error.message)}[/red]", soft_wrap=True)
        raise typer.Exit(1) from error
    console.print(f"Created {'administrator' if admin else 'user'} [bold]{username}[/bold].")
    if password is None:
        # Brackets are in the password alphabet: escape them, or rich reads them as markup.
        console.print(f"Temporary password: [bold]{escape(created.temporary_password)}[/bold]")
    console.print("The password must be changed at first login.")


@user_app.command("reset-password")
def user_reset_password(username: str) -> None:
    """Give a user a new temporary password (also works for the system administrator)."""
    from echo.core.db import utcnow
    from echo.core.errors import DomainError
    from echo.features.auth import passwords
    from echo.features.auth import repository as auth_repository
    from echo.features.users import repository

    temporary = _password_from_stdin()
    if temporary is not None:
        try:
            passwords.check_policy(temporary)
        except DomainError as error:
            err.print(f"[red]{escape(error.message)}[/red]", soft_wrap=True)
            raise typer.Exit(1) from error

    async def reset(services: object) -> str | None:
        from echo.bootstrap import Services

        assert isinstance(services, Services)
        new_password = temporary or passwords.temporary_password()
        async with services.sessions() as session:
            user = await repository.get_by_username(session, username)
            if user is None:
                return None
            user.password_hash = await passwords.hash_password(new_password)
            user.must_change_password = True
            user.is_active = True
            await auth_repository.revoke_user_sessions(session, user.id, utcnow())
            await session.commit()
        return new_password

    result = _run_with_services(reset)
    if result is None:
        err.print(f"[red]No user named {username}[/red]")
        raise typer.Exit(1)
    console.print(f"Password of [bold]{username}[/bold] reset; it must be changed at next login.")
    if temporary is None:
        console.print(f"Temporary password: [bold]{escape(result)}[/bold]")


@user_app.command("list")
def user_list() -> None:
    """List all users."""
    from echo.features.admin import service

    listing = _run_with_services(lambda services: service.list_users(services, 0, 10_000))
    table = Table("Username", "Name", "Admin", "Active", "Must change password", "Last login")
    for user in listing.users:
        table.add_row(
            user.username,
            user.name or "",
            "system" if user.is_system_admin else "yes" if user.is_admin else "",
            "yes" if user.is_active else "no",
            "yes" if user.must_change_password else "",
            user.last_login_at.strftime("%Y-%m-%d %H:%M") if user.last_login_at else "never",
        )
    console.print(table)


@app.command()
def scan(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Only these files or folders (default: the library)."),
    ] = None,
    full: Annotated[
        bool, typer.Option("--full", help="Read every file again, even unchanged.")
    ] = False,
) -> None:
    """Scan the library in the foreground, with a progress bar; no server needed."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    from echo.core.errors import DomainError
    from echo.features.scanner import service

    bar = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]:>7.0f} files/s  errors {task.fields[errors]}"),
        TimeRemainingColumn(),
        console=console,
    )
    task = bar.add_task("Looking for files", total=None, rate=0.0, errors=0)

    async def report(progress: ScanProgress) -> None:
        elapsed = max(time.monotonic() - progress.started, 1e-6)
        bar.update(
            task,
            description=progress.status.replace("_", " ").capitalize(),
            total=progress.files_total or None,
            completed=progress.files_done,
            rate=progress.files_done / elapsed,
            errors=progress.errors,
        )

    async def work(services: Services) -> ScanProgress:
        started = await service.start_scan(services, "full" if not paths else "incremental")
        scope = [str(path.expanduser().absolute()) for path in paths] if paths else None
        with bar:
            return await service.run(services, started.id, scope, report, force=full)

    try:
        result = _run_with_services(work)
    except DomainError as error:
        err.print(f"[red]{escape(error.message)}[/red]", soft_wrap=True)
        raise typer.Exit(1) from error
    _print_scan_summary(result)


@app.command()
def analyze(
    lufs: Annotated[
        bool, typer.Option("--lufs", help="Measure loudness (EBU R128) and ReplayGain.")
    ] = False,
    dj: Annotated[
        bool,
        typer.Option("--dj", help="Find tempo, key (Camelot), energy and danceability."),
    ] = False,
    retry_failed: Annotated[
        bool, typer.Option("--retry-failed", help="Try files that failed before again.")
    ] = False,
) -> None:
    """Analyse the tracks still lacking results in the foreground, with a progress bar; with
    no analysis named, all of them run."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    from echo.bootstrap import dj_concurrency, lufs_concurrency
    from echo.features.analysis import dj_service, service
    from echo.features.analysis.measure import LoudnessFailure
    from echo.features.analysis.models import FAILED

    # Every flag names one analysis, none means all of them.
    everything = not (lufs or dj)
    failures: list[tuple[str, str, str]] = []  # analysis, path, reason

    async def measure_loudness(services: Services, bar: Progress) -> int:
        pending = await service.pending_tracks(services, retry_failed)
        task = bar.add_task("Loudness", total=len(pending), failed=0)
        gate = asyncio.Semaphore(lufs_concurrency(services.settings))
        failed = 0

        async def one(track_id: uuid.UUID) -> None:
            nonlocal failed
            async with gate:
                outcome = await service.analyse_track(services, track_id)
            if isinstance(outcome, LoudnessFailure):
                failed += 1
                failures.append(("Loudness", outcome.path, outcome.error))
            bar.update(task, advance=1, failed=failed)

        await asyncio.gather(*(one(track_id) for track_id in pending))
        return len(pending)

    async def analyse_dj(services: Services, bar: Progress) -> int:
        pending = await dj_service.pending_tracks(services, retry_failed)
        task = bar.add_task("DJ", total=len(pending), failed=0)
        gate = asyncio.Semaphore(dj_concurrency(services.settings))
        failed = 0

        async def one(track_id: uuid.UUID) -> None:
            nonlocal failed
            async with gate:
                outcome = await dj_service.analyse_track(services, track_id)
            if outcome is not None and outcome.status == FAILED:
                failed += 1
                failures.append(("DJ", outcome.path, outcome.error or "failed"))
            bar.update(task, advance=1, failed=failed)

        await asyncio.gather(*(one(track_id) for track_id in pending))
        return len(pending)

    async def work(services: Services) -> dict[str, int]:
        bar = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("failed {task.fields[failed]}"),
            TimeRemainingColumn(),
            console=console,
        )
        done: dict[str, int] = {}
        with bar:
            if lufs or everything:
                done["Loudness"] = await measure_loudness(services, bar)
            if dj or everything:
                done["DJ"] = await analyse_dj(services, bar)
        return done

    for analysis, tracks in _run_with_services(work).items():
        failed = sum(1 for name, _, _ in failures if name == analysis)
        console.print(f"{analysis}: analysed {tracks} tracks, {failed} failed.")
    for analysis, path, error in failures[:10]:
        err.print(
            f"[yellow]{analysis} failed:[/yellow] {escape(path)}: {escape(error)}",
            highlight=False,
        )


def _print_scan_summary(result: ScanProgress) -> None:
    elapsed = time.monotonic() - result.started
    table = Table("", "Count", title=f"Scan {result.status} in {elapsed:.1f} s")
    for label, value in [
        ("Files read", result.files_done),
        ("Unchanged files", result.tracks_unchanged),
        ("Tracks added", result.tracks_added),
        ("Tracks updated", result.tracks_updated),
        ("Tracks moved (ids kept)", result.tracks_moved),
        ("Tracks missing", result.tracks_missing),
        ("Tracks deleted", result.tracks_deleted),
        ("Albums added", result.albums_added),
        ("Artists added", result.artists_added),
        ("Covers extracted", result.covers_extracted),
        ("Unreadable files", result.errors),
    ]:
        table.add_row(label, str(value))
    console.print(table)
    for path, error in result.error_samples[:10]:
        err.print(f"[yellow]Unreadable:[/yellow] {escape(path)}: {escape(error)}", highlight=False)
