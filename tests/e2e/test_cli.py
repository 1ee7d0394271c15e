"""The echo-music command as a user runs it: migrate, user administration, settings errors,
and the JWT secrets kept in the data dir. SQLite, real processes."""

from __future__ import annotations

import re
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import httpx
import jwt
import pytest
from alembic.script import ScriptDirectory

from echo.migrations.runner import alembic_config
from tests.e2e.processes import (
    PASSWORD,
    ProcessLogs,
    run_cli,
    running_server,
    site_env,
)

TEMPORARY = re.compile(r"^Temporary password: (\S+)$", re.MULTILINE)


def cli(root: Path, *args: str, stdin: str | None = None, **env: str) -> str:
    """Runs one command against the installation in `root`; it must succeed."""
    result = run_cli(list(args), site_env(root, **env), cwd=root, stdin=stdin)
    assert result.returncode == 0, f"{args} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def temporary_password(output: str) -> str:
    match = TEMPORARY.search(output)
    assert match, f"no temporary password in:\n{output}"
    return match.group(1)


def login(base_url: str, username: str, password: str) -> httpx.Response:
    return httpx.post(
        f"{base_url}/api/auth/login", json={"username": username, "password": password}, timeout=10
    )


def test_migrate_creates_the_schema_in_a_fresh_data_dir(tmp_path: Path) -> None:
    data_dir = tmp_path / "fresh" / "data"
    result = run_cli(["migrate"], site_env(tmp_path, ECHO_DATA_DIR=data_dir), cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert "up to date" in result.stdout
    with sqlite3.connect(data_dir / "echo.db") as connection:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
        version = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    assert {"users", "settings", "refresh_tokens", "revoked_tokens"} <= tables
    head = ScriptDirectory.from_config(alembic_config("sqlite+aiosqlite://")).get_current_head()
    assert version == (head,)


def test_a_created_admin_logs_in_with_the_printed_temporary_password_and_must_change_it(
    tmp_path: Path, logs: ProcessLogs
) -> None:
    output = cli(tmp_path, "user", "create", "bob", "--admin")
    password = temporary_password(output)
    assert "administrator" in output

    with running_server(logs, tmp_path, site_env(tmp_path)) as server:
        response = login(server.url, "bob", password)
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["mustChangePassword"] is True
        assert body["user"]["isAdmin"] is True
        headers = {"Authorization": f"Bearer {body['accessToken']}"}

        blocked = httpx.get(f"{server.url}/api/users/privacy", headers=headers)
        assert blocked.status_code == 403
        assert blocked.json()["mustChangePassword"] is True

        changed = httpx.put(
            f"{server.url}/api/users/password",
            headers=headers,
            json={"currentPassword": password, "newPassword": PASSWORD},
            timeout=10,
        )
        assert changed.status_code == 204, changed.text
        assert login(server.url, "bob", password).status_code == 401
        again = login(server.url, "bob", PASSWORD)
        assert again.status_code == 200
        assert again.json()["mustChangePassword"] is False


def test_a_password_piped_on_stdin_is_used_and_not_printed(
    tmp_path: Path, logs: ProcessLogs
) -> None:
    output = cli(tmp_path, "user", "create", "carol", stdin=PASSWORD + "\n")
    assert TEMPORARY.search(output) is None
    assert PASSWORD not in output

    with running_server(logs, tmp_path, site_env(tmp_path)) as server:
        response = login(server.url, "carol", PASSWORD)
    assert response.status_code == 200, response.text
    assert response.json()["user"]["isAdmin"] is False


def test_a_piped_password_that_breaks_the_policy_creates_nobody(tmp_path: Path) -> None:
    result = run_cli(["user", "create", "carol"], site_env(tmp_path), cwd=tmp_path, stdin="weak\n")
    assert result.returncode != 0
    assert "Password must" in result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert "carol" not in cli(tmp_path, "user", "list")


def test_a_piped_password_that_breaks_the_policy_resets_nothing(tmp_path: Path) -> None:
    cli(tmp_path, "user", "create", "carol", stdin=PASSWORD + "\n")
    result = run_cli(
        ["user", "reset-password", "carol"], site_env(tmp_path), cwd=tmp_path, stdin="weak\n"
    )
    assert result.returncode != 0
    assert result.stderr.startswith("Password must"), result.stderr
    assert "Traceback" not in result.stdout + result.stderr


def test_user_list_shows_every_user_with_its_role(tmp_path: Path) -> None:
    cli(tmp_path, "user", "create", "bob", "--admin")
    cli(tmp_path, "user", "create", "carol", stdin=PASSWORD + "\n")

    rows = {
        cells[0]: cells
        for line in cli(tmp_path, "user", "list").splitlines()
        if len(cells := [cell.strip() for cell in re.split(r"[│|]", line)[1:-1]]) == 6
    }
    assert rows["bob"][2] == "system"
    assert rows["carol"][2] == ""
    assert rows["carol"][4] == "yes"


def test_reset_password_prints_a_new_temporary_password_that_replaces_the_old_one(
    tmp_path: Path, logs: ProcessLogs
) -> None:
    first = temporary_password(cli(tmp_path, "user", "create", "bob"))
    second = temporary_password(cli(tmp_path, "user", "reset-password", "bob"))
    assert second != first

    with running_server(logs, tmp_path, site_env(tmp_path)) as server:
        assert login(server.url, "bob", first).status_code == 401
        response = login(server.url, "bob", second)
    assert response.status_code == 200
    assert response.json()["mustChangePassword"] is True


def test_reset_password_of_an_unknown_user_fails_with_a_message(tmp_path: Path) -> None:
    result = run_cli(["user", "reset-password", "nobody"], site_env(tmp_path), cwd=tmp_path)
    assert result.returncode != 0
    assert "No user named nobody" in result.stderr


def test_a_temporary_password_is_printed_exactly_even_with_brackets_in_it(
    tmp_path: Path, logs: ProcessLogs
) -> None:
    # Brackets are in the temporary-password alphabet; rich must not read them as markup.
    odd = "Ab1![bold]x[/x]y"
    script = (
        "import sys; from echo.features.auth import passwords; "
        f"passwords.temporary_password = lambda length=16: {odd!r}; "
        "from echo.cli import app; sys.argv = ['echo-music', *sys.argv[1:]]; app()"
    )
    outputs = []
    for args in (["user", "create", "dave"], ["user", "reset-password", "dave"]):
        result = subprocess.run(
            [sys.executable, "-c", script, *args],
            env=site_env(tmp_path),
            cwd=tmp_path,
            input="",
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        outputs.append(result.stdout)

    assert [temporary_password(output) for output in outputs] == [odd, odd]
    with running_server(logs, tmp_path, site_env(tmp_path)) as server:
        assert login(server.url, "dave", odd).status_code == 200


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("ECHO_PORT", "abc"),
        ("ECHO_JWT_SECRET", "short"),
        ("ECHO_DATABASE_URL", "mysql://localhost/echo"),
        ("ECHO_LOG_LEVEL", "loud"),
    ],
)
def test_an_invalid_setting_stops_serve_with_one_line_naming_the_variable(
    tmp_path: Path, variable: str, value: str
) -> None:
    result = run_cli(["serve"], site_env(tmp_path, **{variable: value}), cwd=tmp_path)

    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"Invalid setting {variable}:")
    assert "Traceback" not in result.stdout + result.stderr


def test_jwt_secrets_are_generated_on_first_start_into_the_data_dir_and_reused(
    tmp_path: Path, logs: ProcessLogs
) -> None:
    secrets_file = tmp_path / "data" / "secrets.env"
    with running_server(logs, tmp_path, site_env(tmp_path)) as server:
        assert secrets_file.is_file()
        created = httpx.post(
            f"{server.url}/api/setup/admin", json={"username": "carol", "password": PASSWORD}
        )
        assert created.status_code == 201, created.text
        token = login(server.url, "carol", PASSWORD).json()["accessToken"]
    generated = secrets_file.read_text()
    assert stat.S_IMODE(secrets_file.stat().st_mode) == 0o600
    values = dict(line.split("=", 1) for line in generated.splitlines())
    assert set(values) == {"JWT_SECRET", "JWT_REFRESH_SECRET"}
    assert len(values["JWT_SECRET"]) >= 32
    assert values["JWT_SECRET"] != values["JWT_REFRESH_SECRET"]
    jwt.decode(token, values["JWT_SECRET"], algorithms=["HS256"])

    # A restart reads the same file: the token of the first run is still good.
    with running_server(logs, tmp_path, site_env(tmp_path)) as server:
        me = httpx.get(f"{server.url}/api/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200
    assert secrets_file.read_text() == generated


def test_jwt_secrets_from_the_environment_win_over_the_file(
    tmp_path: Path, logs: ProcessLogs
) -> None:
    cli(tmp_path, "user", "create", "carol", stdin=PASSWORD + "\n")
    with running_server(logs, tmp_path, site_env(tmp_path)) as server:
        old_token = login(server.url, "carol", PASSWORD).json()["accessToken"]
    from_file = (tmp_path / "data" / "secrets.env").read_text()

    secret = "an-operator-chosen-secret-of-forty-chars!"
    refresh_secret = "an-operator-chosen-refresh-secret-40-chars"
    env = site_env(tmp_path, ECHO_JWT_SECRET=secret, ECHO_JWT_REFRESH_SECRET=refresh_secret)
    with running_server(logs, tmp_path, env) as server:
        old = httpx.get(
            f"{server.url}/api/auth/me", headers={"Authorization": f"Bearer {old_token}"}
        )
        pair = login(server.url, "carol", PASSWORD).json()
    assert old.status_code == 401
    assert jwt.decode(pair["accessToken"], secret, algorithms=["HS256"])["typ"] == "access"
    assert (
        jwt.decode(pair["refreshToken"], refresh_secret, algorithms=["HS256"])["typ"] == "refresh"
    )
    assert (tmp_path / "data" / "secrets.env").read_text() == from_file
