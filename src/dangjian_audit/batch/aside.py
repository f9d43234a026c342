"""One summary rendered in a second process while this one writes the others.

After the last school, ``batch --out`` writes every summary format, one after another, in the one
process left: the workbook alone takes longer than all the others together. :class:`Aside` starts
rendering it in a process forked from this one (which holds the summary already: nothing is sent
but the rendered bytes back), and hands the bytes over when asked.

Only where forking is safe and cheap: on Linux, with no other thread running (a fork copies one
thread; locks held by the others would stay held). Anywhere else, and whenever the second process
fails for any reason, the render runs here when the bytes are asked for, so an error surfaces
exactly as it would have without this module.
"""

from __future__ import annotations

import multiprocessing
import sys
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any


def can_fork() -> bool:
    return (sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()
            and threading.active_count() == 1)


def _child(render: Callable[[], bytes], send: Connection) -> None:
    try:
        result: tuple[bool, bytes | None] = (True, render())
    except BaseException:  # noqa: BLE001 - the parent renders again and reports whatever it is
        result = (False, None)
    try:
        send.send(result)
    except OSError:  # the parent stopped waiting (an error, Ctrl-C): nobody needs the bytes
        pass
    finally:
        send.close()


class Aside:
    """``render()`` under way in a forked process, or deferred to :meth:`result` where that cannot be."""

    def __init__(self, render: Callable[[], bytes]) -> None:
        self._render = render
        self._process: Any = None
        self._receive: Connection | None = None
        if not can_fork():
            return
        ctx = multiprocessing.get_context("fork")
        receive, send = ctx.Pipe(duplex=False)
        try:
            process = ctx.Process(target=_child, args=(render, send), daemon=True)
            process.start()
        except OSError:  # no process to be had (a limit on processes, memory): render here later
            receive.close()
            return
        finally:
            send.close()  # the child holds its own copy: the parent's end must close for EOF to reach it
        self._process, self._receive = process, receive

    @property
    def forked(self) -> bool:
        """Whether a second process is rendering (until :meth:`result` or :meth:`close`)."""
        return self._process is not None

    def result(self) -> bytes:
        """The rendered bytes: the second process's, else rendered here (raising what ``render`` raises)."""
        if self._process is None or self._receive is None:
            return self._render()
        try:
            ok, data = self._receive.recv()
        except (EOFError, OSError):  # the process died before it sent anything
            ok, data = False, None
        finally:
            self._receive.close()
            self._process.join()
            self._process = self._receive = None
        if ok and isinstance(data, bytes):
            return data
        return self._render()

    def close(self) -> None:
        """Stop the second process if its bytes were never asked for (the command ended early)."""
        if self._process is not None:
            self._process.terminate()
            self._process.join()
            self._process = None
        if self._receive is not None:
            self._receive.close()
            self._receive = None
