"""`python -m echo` runs the command-line interface."""

from echo.cli import app

app()
