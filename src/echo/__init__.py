"""Echo: a self-hosted music server."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("echo-music")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0"
