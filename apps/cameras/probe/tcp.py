"""Layer 1 of the probe (M-2.1): can a TCP connection to the camera be opened at all.

Also words socket errors for the duty operator ("connection refused", "timed out after
3.0 s"); the RTSP layer uses the same wording.
"""

from __future__ import annotations

import asyncio
import socket

from .results import _LayerFailed


def _os_error_reason(exc: BaseException, seconds: float) -> tuple[str, dict[str, object]]:
    """A socket error as a reason kind (timeout, refused, reset, host_not_found, error) and
    its params; the layer prefixes the kind with its own name (``tcp_refused``)."""
    if isinstance(exc, TimeoutError | asyncio.TimeoutError):
        return "timeout", {"seconds": seconds}
    if isinstance(exc, ConnectionRefusedError):
        return "refused", {}
    if isinstance(exc, ConnectionResetError):
        return "reset", {}
    if isinstance(exc, socket.gaierror):
        return "host_not_found", {}
    if isinstance(exc, OSError) and exc.strerror:
        return "error", {"error": exc.strerror.lower()}
    return "error", {"error": f"{type(exc).__name__}: {exc}"}


async def _tcp_check(host: str, port: int, timeout: float) -> None:
    try:
        _, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
    except (OSError, TimeoutError) as exc:
        kind, params = _os_error_reason(exc, timeout)
        raise _LayerFailed("tcp", f"tcp_{kind}", {"address": f"{host}:{port}", **params}) from None
    writer.close()
