"""Layer 1 of the probe (M-2.1): can a TCP connection to the camera be opened at all.

Also words socket errors for the duty operator ("connection refused", "timed out after
3.0 s"); the RTSP layer uses the same wording.
"""

from __future__ import annotations

import asyncio
import socket

from .results import _LayerFailed, _timed_out


def _os_error_reason(exc: BaseException, seconds: float) -> str:
    if isinstance(exc, TimeoutError | asyncio.TimeoutError):
        return _timed_out(seconds)
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, ConnectionResetError):
        return "connection reset by the camera"
    if isinstance(exc, socket.gaierror):
        return "host name not found"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror.lower()
    return f"{type(exc).__name__}: {exc}"


async def _tcp_check(host: str, port: int, timeout: float) -> None:
    try:
        _, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
    except (OSError, TimeoutError) as exc:
        raise _LayerFailed("tcp", f"{host}:{port} {_os_error_reason(exc, timeout)}") from None
    writer.close()
