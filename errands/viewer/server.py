"""The viewer's HTTP server: the standard library's ThreadingHTTPServer, a page of
static files, and a JSON API over the runs folder, replays and live episodes.

  GET  /                          the app (static/index.html, app.js, style.css)
  GET  /api/options               planners, policies, suites, actions (for the forms)
  GET  /api/runs                  every run below the runs folder, with its metrics
  GET  /api/run?run=R             one run: summary and one row per episode
  GET  /api/episode?run=R&i=N     an episode, replayed: steps, plans, checklist over time
  GET  /api/frame?run=R&i=N&t=T&view=first|map     a step's picture (PNG)
  GET  /api/suite?name=S          a packaged suite's episodes (for the live form)
  POST /api/live/start            start a live episode (JSON: source, instruction, ...)
  POST /api/live/control          play, pause, step, speed, takeover, close
  POST /api/live/action           a primitive action under manual control
  GET  /api/live/events?id=L      the live episode's events (Server-Sent Events)
  GET  /api/live/frame?id=L&view=first|map         its current picture (PNG)
  GET  /api/live/log?id=L         its EpisodeLog, once it has ended
  GET  /files/PATH                a results file of the runs folder (report.html, ...)

It binds 127.0.0.1 unless told otherwise, answers only requests addressed to the host it
serves (a guard against DNS rebinding), takes POSTs only as JSON from its own pages,
and serves nothing outside the runs folder (runs.py resolves every path).
"""

from __future__ import annotations

import json
import os
import threading
from collections import OrderedDict
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from .frames import DEFAULT_RESOLUTION, check_view
from .live import LiveSessions
from .replay import Replay, ReplayError
from .runs import EPISODES_FILE, SINGLE_EPISODE_FILE, OutsideRoot, RunsFolder

STATIC_DIR = Path(__file__).parent / "static"
STATIC_FILES = {"/": ("index.html", "text/html; charset=utf-8"),
                "/static/app.js": ("app.js", "text/javascript; charset=utf-8"),
                "/static/style.css": ("style.css", "text/css; charset=utf-8")}
REPLAY_CACHE_SIZE = 8
MAX_BODY_BYTES = 64 * 1024
SSE_POLL_S = 1.0
LOCAL_NAMES = {"127.0.0.1", "localhost", "::1"}


class ViewerServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, runs_dir: str | Path, host: str = "127.0.0.1", port: int = 0,
                 layouts_dir: str | None = None, resolution: int = DEFAULT_RESOLUTION, verbose: bool = False):
        if not 16 <= resolution <= 1024:
            raise ValueError(f"resolution must be 16 to 1024 pixels, got {resolution}")
        self.runs = RunsFolder(runs_dir)
        self.layouts_dir = layouts_dir or os.environ.get("ERRANDS_ALFRED_LAYOUTS")
        self.resolution, self.verbose = resolution, verbose
        self.live = LiveSessions(self.layouts_dir, resolution)
        self.stopping = threading.Event()
        self._replays: OrderedDict[tuple, Replay | ReplayError] = OrderedDict()
        self._replay_lock = threading.Lock()
        try:
            super().__init__((host, port), Handler)
        except OSError as e:
            raise ValueError(f"cannot listen on {host}:{port} ({e.strerror}): choose another --port "
                             f"(0 picks a free one)") from None
        self.host = host

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        shown = "127.0.0.1" if host in ("0.0.0.0", "") else host
        return f"http://{shown}:{port}/"

    def host_allowed(self, header: str | None) -> bool:
        """Requests must name this server: 127.0.0.1/localhost, or the --host given."""
        if self.host in ("0.0.0.0", "::", ""):
            return True
        if not header:
            return False
        name = header.rsplit(":", 1)[0] if not header.endswith("]") else header
        name = name.strip("[]").lower()
        return name in LOCAL_NAMES or name == self.host.lower()

    def replay(self, run: str, index: int) -> tuple[Replay, str]:
        """The episode's Replay (built once, kept for a while) and a version string that
        changes when its run's file does."""
        folder = self.runs.run_dir(run)
        entry = self.runs.episode(run, index)
        if entry["error"]:
            raise ReplayError(entry["error"])
        source = folder / EPISODES_FILE if (folder / EPISODES_FILE).is_file() else folder / SINGLE_EPISODE_FILE
        version = str(source.stat().st_mtime_ns)
        key = (run, index, version)
        with self._replay_lock:
            found = self._replays.get(key)
            if found is None:
                layouts = self.runs.config(run).get("layouts_dir") or self.layouts_dir
                try:
                    found = Replay(entry["record"], layouts_dir=layouts, resolution=self.resolution)
                except ReplayError as e:
                    found = e
                self._replays[key] = found
                while len(self._replays) > REPLAY_CACHE_SIZE:
                    self._replays.popitem(last=False)
            self._replays.move_to_end(key)
        if isinstance(found, ReplayError):
            raise found
        return found, version

    def stop(self) -> None:
        self.stopping.set()
        self.live.close_all()
        self.shutdown()
        self.server_close()


def start_in_thread(runs_dir: str | Path, **options) -> ViewerServer:
    """A server on a free port, serving from a background thread (tests, benchmarks)."""
    server = ViewerServer(runs_dir, **options)
    threading.Thread(target=server.serve_forever, name="errands-viewer", daemon=True).start()
    return server


class HTTPError(Exception):
    def __init__(self, status: HTTPStatus, message: str):
        super().__init__(message)
        self.status = status


class Handler(BaseHTTPRequestHandler):
    server: ViewerServer
    server_version = "errands-viewer"

    # --- dispatch ----------------------------------------------------------------------

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def _dispatch(self, method: str) -> None:
        parts = urlsplit(self.path)
        path = unquote(parts.path)
        self.query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        try:
            if not self.server.host_allowed(self.headers.get("Host")):
                raise HTTPError(HTTPStatus.FORBIDDEN, "this server answers only requests addressed to it")
            if method == "GET" and path in STATIC_FILES:
                name, kind = STATIC_FILES[path]
                return self._send(HTTPStatus.OK, (STATIC_DIR / name).read_bytes(), kind)
            if method == "GET" and path == "/favicon.ico":
                return self._send(HTTPStatus.NO_CONTENT, b"", "image/x-icon")
            if method == "GET" and path.startswith("/files/"):
                return self._file(path[len("/files/"):])
            route = ROUTES.get((method, path))
            if route is None:
                raise HTTPError(HTTPStatus.NOT_FOUND, f"no such page: {method} {path}")
            if method == "POST":
                self.body = self._json_body()
            route(self)
        except HTTPError as e:
            self._error(e.status, str(e))
        except OutsideRoot as e:
            self._error(HTTPStatus.FORBIDDEN, str(e))
        except (FileNotFoundError, KeyError, LookupError) as e:
            self._error(HTTPStatus.NOT_FOUND, str(e.args[0]) if e.args else str(e))
        except ReplayError as e:
            self._error(HTTPStatus.UNPROCESSABLE_ENTITY, str(e))
        except ValueError as e:
            self._error(HTTPStatus.BAD_REQUEST, str(e))
        except (BrokenPipeError, ConnectionResetError):
            pass
        except Exception as e:  # noqa: BLE001 - a bad request must not take the server down
            self._error(HTTPStatus.INTERNAL_SERVER_ERROR, f"{type(e).__name__}: {e}")

    # --- helpers ---------------------------------------------------------------------------

    def arg(self, name: str, default: str | None = None) -> str:
        value = self.query.get(name, default)
        if value is None:
            raise ValueError(f"missing query parameter {name!r}")
        return value

    def int_arg(self, name: str) -> int:
        value = self.arg(name)
        try:
            return int(value)
        except ValueError:
            raise ValueError(f"query parameter {name!r} must be an integer, got {value!r}") from None

    def _json_body(self) -> dict:
        kind = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if kind != "application/json":  # a cross-site form cannot send this without a preflight
            raise HTTPError(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, f"POST bodies must be application/json, got {kind!r}")
        origin = self.headers.get("Origin")
        if origin and urlsplit(origin).netloc != self.headers.get("Host"):
            raise HTTPError(HTTPStatus.FORBIDDEN, f"requests from {origin} are not accepted")
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY_BYTES:
            raise HTTPError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"body of {length} bytes: at most {MAX_BODY_BYTES}")
        try:
            body = json.loads(self.rfile.read(length) or b"{}")
        except json.JSONDecodeError as e:
            raise ValueError(f"the body is not valid JSON: {e}") from None
        if not isinstance(body, dict):
            raise ValueError("the body must be a JSON object")
        return body

    def _send(self, status: HTTPStatus, data: bytes, kind: str, headers: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("X-Content-Type-Options", "nosniff")
        for key, value in (headers or {"Cache-Control": "no-store"}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def send_json(self, value, status: HTTPStatus = HTTPStatus.OK) -> None:
        self._send(status, json.dumps(value).encode(), "application/json")

    def _error(self, status: HTTPStatus, message: str) -> None:
        try:
            self.send_json({"error": message, "status": int(status)}, status)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _file(self, relative: str) -> None:
        path, kind = self.server.runs.file(relative)
        headers = {"Cache-Control": "no-store", "Content-Security-Policy": "sandbox allow-scripts"}
        self._send(HTTPStatus.OK, path.read_bytes(), kind, headers)

    def log_message(self, format: str, *args) -> None:
        if self.server.verbose:
            super().log_message(format, *args)

    # --- runs and replays -----------------------------------------------------------------

    def api_options(self) -> None:
        from ..envs.actions import ACTIONS
        from ..eval.packaged_suites import PACKAGED_SUITES
        from ..planners import PLANNERS
        from ..policies import POLICIES

        self.send_json({"planners": list(PLANNERS), "policies": list(POLICIES), "suites": list(PACKAGED_SUITES),
                        "actions": list(ACTIONS), "runs_dir": str(self.server.runs.root)})

    def api_runs(self) -> None:
        runs = []
        for run in self.server.runs.find_runs():
            try:
                runs.append(self.server.runs.summary(run))
            except (OSError, ValueError) as e:
                runs.append({"run": run, "error": str(e)})
        self.send_json({"runs_dir": str(self.server.runs.root), "runs": runs})

    def api_run(self) -> None:
        run = self.arg("run")
        self.send_json({"summary": self.server.runs.summary(run), "rows": self.server.runs.rows(run),
                        "config": self.server.runs.config(run)})

    def api_episode(self) -> None:
        run, index = self.arg("run"), self.int_arg("i")
        entry = self.server.runs.episode(run, index)
        head = {"run": run, "i": index, "line": entry["line"]}
        try:
            replay, version = self.server.replay(run, index)
        except ReplayError as e:
            return self.send_json({**head, "error": str(e)}, HTTPStatus.UNPROCESSABLE_ENTITY)
        self.send_json({**head, "error": None, "version": version, **replay.view()})

    def api_frame(self) -> None:
        replay, version = self.server.replay(self.arg("run"), self.int_arg("i"))
        data = replay.frame_png(self.int_arg("t"), check_view(self.arg("view", "first")))
        self._send(HTTPStatus.OK, data, "image/png", {"Cache-Control": "private, max-age=3600"})

    def api_suite(self) -> None:
        from ..eval.packaged_suites import PACKAGED_SUITES
        from ..eval.suites import load_suite

        name = self.arg("name")
        if name not in PACKAGED_SUITES:
            raise ValueError(f"unknown suite {name!r}: expected one of {', '.join(PACKAGED_SUITES)}")
        suite = load_suite(name, self.server.layouts_dir)
        self.send_json({"name": suite.name, "episodes": [
            {"id": e.id, "task_type": e.task_type, "instruction": e.task.get("instruction", ""),
             "scene": e.task.get("scene")} for e in suite.episodes]})

    # --- live episodes -------------------------------------------------------------------------

    def api_live_start(self) -> None:
        session = self.server.live.start(self.body)
        self.send_json({"id": session.id, "instruction": session.task.instruction,
                        "task": session.task.to_dict()})

    def api_live_control(self) -> None:
        session = self.server.live.get(str(self.body.get("id")))
        session.control(str(self.body.get("command")), self.body.get("speed"))
        self.send_json({"ok": True, "status": session.status})

    def api_live_action(self) -> None:
        session = self.server.live.get(str(self.body.get("id")))
        self.send_json(session.manual_action(str(self.body.get("action", ""))))

    def api_live_frame(self) -> None:
        session = self.server.live.get(self.arg("id"))
        data, t = session.frame_png(check_view(self.arg("view", "first")))
        self._send(HTTPStatus.OK, data, "image/png", {"Cache-Control": "no-store", "X-Step": str(t)})

    def api_live_log(self) -> None:
        session = self.server.live.get(self.arg("id"))
        log = session.final_log()
        if log is None:
            raise HTTPError(HTTPStatus.CONFLICT, "the episode has not ended yet")
        self.send_json(log)

    def api_live_events(self) -> None:
        """Server-Sent Events: every event from `since` (or the Last-Event-ID) on, as they
        happen, until the episode is over."""
        session = self.server.live.get(self.arg("id"))
        last = self.headers.get("Last-Event-ID")
        since = int(last) + 1 if last and last.isdigit() else int(self.arg("since", "0") or 0)
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        while not self.server.stopping.is_set():
            events = session.events_since(since, SSE_POLL_S)
            chunk = "".join(f"id: {e['n']}\ndata: {json.dumps(e)}\n\n" for e in events) or ": waiting\n\n"
            self.wfile.write(chunk.encode())
            self.wfile.flush()
            since += len(events)
            if session.done and since >= len(session.events):
                break
        self.close_connection = True


ROUTES = {
    ("GET", "/api/options"): Handler.api_options,
    ("GET", "/api/runs"): Handler.api_runs,
    ("GET", "/api/run"): Handler.api_run,
    ("GET", "/api/episode"): Handler.api_episode,
    ("GET", "/api/frame"): Handler.api_frame,
    ("GET", "/api/suite"): Handler.api_suite,
    ("POST", "/api/live/start"): Handler.api_live_start,
    ("POST", "/api/live/control"): Handler.api_live_control,
    ("POST", "/api/live/action"): Handler.api_live_action,
    ("GET", "/api/live/events"): Handler.api_live_events,
    ("GET", "/api/live/frame"): Handler.api_live_frame,
    ("GET", "/api/live/log"): Handler.api_live_log,
}
