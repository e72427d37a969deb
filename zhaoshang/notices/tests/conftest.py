"""Fixtures of the notices tests: registered test kinds, a fake robot server."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from zhaoshang.notices import kinds

kinds.register("test_kind", "测试通知")
kinds.register("test_fixed", "测试不可关闭通知", mutable=False)


class FakeRobot:
    """A local HTTP server standing in for a group robot: records each POST, answers with
    `status` and `answer` (JSON), or redirects when `redirect_to` is set."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.status = 200
        self.answer: dict = {"errcode": 0, "errmsg": "ok"}
        self.redirect_to = ""
        robot = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                raw = self.rfile.read(length)
                robot.requests.append(
                    {
                        "path": self.path,
                        "content_type": self.headers.get("Content-Type"),
                        "json": json.loads(raw),
                    }
                )
                if robot.redirect_to:
                    self.send_response(302)
                    self.send_header("Location", robot.redirect_to)
                    self.end_headers()
                    return
                body = json.dumps(robot.answer).encode()
                self.send_response(robot.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def robot():
    server = FakeRobot()
    yield server
    server.close()


@pytest.fixture
def no_retry_delay(settings):
    """Retries at once (huey's immediate mode runs a delayed retry never)."""
    settings.NOTICE_DELIVERY_RETRY_SECONDS = 0
