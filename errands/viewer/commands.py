"""The `errands view` subcommand: `add_view_command` registers it on the main parser's
subparsers (the server itself is imported only when the command runs)."""

from __future__ import annotations

import argparse
import textwrap
from pathlib import Path

VIEW_EPILOG = """examples:
  errands view                         # the runs/ folder, at http://127.0.0.1:8765/
  errands view runs/eval --port 0      # any free port (the URL is printed)
  errands view runs --host 0.0.0.0     # reachable from other machines: only on a trusted network
"""
DEFAULT_PORT = 8765


def add_view_command(sub) -> None:
    view = sub.add_parser(
        "view", help="browse runs, replay episodes and watch live ones in a local web app",
        formatter_class=argparse.RawDescriptionHelpFormatter, epilog=VIEW_EPILOG,
        description=textwrap.fill(
                    "Start a local web app over a folder of runs (evaluation run folders with episodes.jsonl, "
                    "and single-episode folders with episode.json, as `errands eval` and `errands run` write "
                    "them): list runs and filter and sort their episodes; replay an episode step by step (the "
                    "first-person view, the map with the path, the plan and its re-plans with each skill's "
                    "status, the action log, the goal conditions over time); or run an episode live and pause, "
                    "step or take over with the keyboard. Episodes are replayed in the simulator from their "
                    "logs; nothing outside RUNS_DIR is served.", 88))
    view.add_argument("runs_dir", nargs="?", type=Path, default=Path("runs"), metavar="RUNS_DIR",
                      help="folder that holds the runs, searched up to 4 folders deep (default: runs)")
    view.add_argument("--host", default="127.0.0.1",
                      help="address to listen on (default 127.0.0.1: this machine only)")
    view.add_argument("--port", type=int, default=DEFAULT_PORT,
                      help=f"port to listen on; 0 picks a free one (default {DEFAULT_PORT})")
    view.add_argument("--layouts", help="ALFRED's gen/layouts folder, for FloorPlanN scenes of live episodes and "
                                        "of runs that do not record it (or set ERRANDS_ALFRED_LAYOUTS)")
    view.add_argument("--resolution", type=int, default=300,
                      help="first-person frame size in pixels, 16 to 1024 (default 300)")
    view.add_argument("--open", action="store_true", help="open the app in the default web browser")
    view.add_argument("--verbose", action="store_true", help="print every request")
    view.set_defaults(handler=cmd_view)


def cmd_view(args) -> int:
    from .server import ViewerServer

    if not 0 <= args.port <= 65535:
        raise ValueError(f"--port must be 0 to 65535, got {args.port}")
    server = ViewerServer(args.runs_dir, host=args.host, port=args.port, layouts_dir=args.layouts,
                          resolution=args.resolution, verbose=args.verbose)
    print(f"errands viewer: {server.url}  (runs from {server.runs.root}; Ctrl-C to stop)", flush=True)
    if args.open:
        import webbrowser

        webbrowser.open(server.url)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.stopping.set()
        server.live.close_all()
        server.server_close()
    return 0
