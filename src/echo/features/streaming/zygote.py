"""The server's side of the transcoder zygote (see transcoder.py): one per server process, like
the forkserver it is started from, and started again whenever it is found dead."""

from __future__ import annotations

import contextlib
import fcntl
import logging
import multiprocessing
import os
import pickle
import socket
import threading
from multiprocessing.process import BaseProcess

from echo.features.streaming import transcoder
from echo.features.streaming.transcoder import TranscodeJob

log = logging.getLogger(__name__)

# Room for about a minute of 128 kbit/s audio ahead of a slow client, so the encoder finishes
# early and its process (and CPU slot) is freed soon rather than at the pace of playback.
PIPE_BYTES = 1 << 20


class Zygote:
    """The server's handle on the zygote process (see transcoder.py), started on first use
    and again whenever it is found dead."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._control: socket.socket | None = None
        self._process: BaseProcess | None = None

    def _ensure_running(self) -> socket.socket:
        if self._control is not None and self._process is not None and self._process.is_alive():
            return self._control
        self._stop()
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        context = multiprocessing.get_context("forkserver")
        process = context.Process(
            target=transcoder.zygote, args=(theirs,), name="echo-transcoder", daemon=True
        )
        try:
            process.start()
        finally:
            theirs.close()
        self._control, self._process = ours, process
        return ours

    def _stop(self) -> None:
        if self._control is not None:
            self._control.close()
        if self._process is not None:
            self._process.kill()
            self._process.join(5)
        self._control = self._process = None

    def spawn(self, job: TranscodeJob) -> tuple[int | None, int]:
        """Forks a transcoder for `job`: (a pidfd to kill it, the read end of its pipe)."""
        message = pickle.dumps(job)
        with self._lock:
            for attempt in range(2):
                control = self._ensure_running()
                receiving, sending = os.pipe()
                try:
                    socket.send_fds(control, [message], [sending])
                    reply = control.recv(32)
                except OSError:
                    reply = b""
                finally:
                    os.close(sending)
                if reply:
                    break
                os.close(receiving)
                self._stop()  # died since the last job: start a new one, once
                if attempt == 1:
                    raise RuntimeError("The transcoder process does not answer")
        with contextlib.suppress(OSError, AttributeError):  # Linux; a smaller pipe works too
            fcntl.fcntl(receiving, fcntl.F_SETPIPE_SZ, PIPE_BYTES)
        try:
            # A pidfd stays bound to this process even after it exits: no pid reuse race.
            pidfd: int | None = os.pidfd_open(int(reply))
        except OSError:  # already finished (a tiny file)
            pidfd = None
        return pidfd, receiving

    def start(self) -> None:
        with self._lock:
            self._ensure_running()

    def close(self) -> None:
        with self._lock:
            self._stop()


# One per server process, like the forkserver it comes from.
zygote = Zygote()


def warm_up() -> None:
    """Starts the zygote ahead of the first transcode (it takes about a second)."""
    zygote.start()


def warm_up_in_background() -> None:
    def start() -> None:
        try:
            warm_up()
        except Exception:  # the first transcode will try again and report it
            log.exception("The transcoder process did not start")

    threading.Thread(target=start, name="echo-transcoder-start", daemon=True).start()
