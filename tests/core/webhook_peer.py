"""A real local HTTP peer for the webhook channel: answers each POST with the next status of a
script (``[500, 200]``), or never answers (``hang=True``), and keeps every body it got."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class WebhookPeer:
    def __init__(self, statuses=(200,), *, hang: bool = False):
        self.statuses = list(statuses)
        self.hang = hang
        self.received: list[dict] = []
        self.paths: list[str] = []
        self._release = threading.Event()
        peer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                peer.received.append(json.loads(body))
                peer.paths.append(self.path)
                if peer.hang:
                    peer._release.wait(30)  # longer than any timeout the test sets
                    return
                status = peer.statuses.pop(0) if len(peer.statuses) > 1 else peer.statuses[0]
                answer = json.dumps({"errcode": 0 if status == 200 else 1}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/robot/send?key=test"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._release.set()
        self.server.shutdown()
        self.server.server_close()
