"""The web viewer (`errands view`): time to first frame of a 1000-step episode, the cost
of scrubbing it, and steps per second of live episodes streamed to a client.

The server runs in its own process (`python -m errands.cli view DIR --port 0`), as a user
starts it; this process is the client.

  * A 1000-step episode is made first: a seeded random walk in a kitchen (MoveAhead where
    the floor ahead is free, else a turn; sometimes a look up or down), every action
    succeeding, written as an EpisodeLog in DIR/long/episodes.jsonl. The episode ends by
    the step limit, as ALFRED's would.
  * Time to first frame, cold: opening the episode makes the server replay all 1000
    actions in the simulator (checking each against the log, recording the goal
    checklist), then draw step 0. Timed from the episode request to the first-person
    PNG of step 0 received (over HTTP), or to the image shown (in Chromium, --browser,
    from navigation). Each repeat touches the log file first, so the server builds the
    replay again.
  * Scrubbing: first-person frames at random steps of the open episode (the cursor env
    moves forward, or replays from the start to go back).
  * Live: the smoke suite's episodes played live, oracle planner and expert policy at
    full speed, one after another; steps/s = steps / time from the start request to the
    end event (building the scene and planning included), and from the first step's
    event on ("stepping"); with the client reading the Server-Sent Events only, and also
    fetching the current frames (first person and map) as fast as it can, as the page
    does.

Run:  python benchmarks/viewer.py [--repeats 5] [--live-episodes 14] [--browser] [--results]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from results import add_results_flag, column, write_result

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-quic", "--no-first-run"]
LONG_RUN, LONG_EPISODE_ID = "long", "random-walk-1000"


# --- the 1000-step episode ------------------------------------------------------------------

def write_long_episode(runs: Path, steps: int, seed: int) -> int:
    """A random walk of `steps` successful actions as an EpisodeLog; returns its length."""
    import numpy as np

    from errands.envs.household_env import HouseholdEnv
    from errands.envs.household.scene import HORIZONS, heading_step
    from errands.envs.tasks.task import Task
    from errands.episode_log import EpisodeLog
    from errands.eval.suites import load_suite

    task = Task.from_dict(next(e.task for e in load_suite("smoke").episodes if e.task["scene"] == 16))
    env = HouseholdEnv(max_steps=steps)
    env.reset(options={"task": task})
    rng = np.random.default_rng(seed)
    records = []
    for t in range(1, steps + 1):
        agent = env.world.agent
        dr, dc = heading_step(agent.heading)
        roll = rng.random()
        if roll < 0.1:  # look down or up, turning back at the camera's limits
            action = "LookDown" if roll < 0.05 else "LookUp"
            if action == "LookDown" and agent.horizon >= HORIZONS[-1]:
                action = "LookUp"
            elif action == "LookUp" and agent.horizon <= HORIZONS[0]:
                action = "LookDown"
        elif roll < 0.7 and env.world.scene.is_floor(agent.row + dr, agent.col + dc):
            action = "MoveAhead"
        else:
            action = "RotateLeft" if rng.random() < 0.5 else "RotateRight"
        _, _, _, _, info = env.step(action)
        records.append({"t": t, "action": action, "success": info["last_action_success"],
                        "error": info["error_message"], "skill_index": None, "skill": None,
                        "goal_conditions": list(info["goal_conditions_met"])})
    failed = [r for r in records if not r["success"]]
    if failed:
        raise RuntimeError(f"the random walk should never fail an action, but {failed[0]} did")
    log = EpisodeLog(task=task.to_dict(), instruction=task.instruction, planner="none", policy="random-walk",
                     steps=records, goal_conditions=tuple(records[-1]["goal_conditions"]), success=False,
                     failure_category="max_steps", failure_reason=f"the episode reached {steps} steps")
    folder = runs / LONG_RUN
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "episodes.jsonl").write_text(json.dumps({"episode_id": LONG_EPISODE_ID, "seed": seed,
                                                       **log.to_dict()}) + "\n")
    return len(records)


# --- the server and an HTTP client ------------------------------------------------------------

def start_server(runs: Path) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen([sys.executable, "-m", "errands.cli", "view", str(runs), "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    line = proc.stdout.readline()
    if "http://" not in line:
        proc.kill()
        raise RuntimeError(f"the viewer did not start: {line}{proc.stdout.read()}")
    return proc, line.split()[2]


class Client:
    def __init__(self, url: str):
        self.host, self.port = url.split("//")[1].rstrip("/").split(":")
        self.url = url

    def request(self, method: str, path: str, body: dict | None = None) -> bytes:
        connection = http.client.HTTPConnection(self.host, int(self.port), timeout=60)
        headers = {"Content-Type": "application/json"} if body is not None else {}
        connection.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
        response = connection.getresponse()
        data = response.read()
        connection.close()
        if response.status != 200:
            raise RuntimeError(f"{method} {path}: {response.status} {data[:300]!r}")
        return data

    def events(self, session_id: str):
        """The live episode's events, as they arrive, until the server closes the stream."""
        connection = http.client.HTTPConnection(self.host, int(self.port), timeout=60)
        connection.request("GET", f"/api/live/events?id={session_id}")
        response = connection.getresponse()
        for raw in response:
            if raw.startswith(b"data: "):
                yield json.loads(raw[len(b"data: "):])
        connection.close()


def touch(path: Path) -> None:
    """A new modification time: the server treats the log as changed and replays it again."""
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


# --- measurements ------------------------------------------------------------------------------

def first_frame_http(client: Client, log_path: Path, repeats: int) -> dict:
    totals, opens, frames = [], [], []
    for _ in range(repeats):
        touch(log_path)
        t0 = time.perf_counter()
        episode = json.loads(client.request("GET", f"/api/episode?run={LONG_RUN}&i=0"))
        t1 = time.perf_counter()
        client.request("GET", f"/api/frame?run={LONG_RUN}&i=0&t=0&view=first&v={episode['version']}")
        t2 = time.perf_counter()
        totals.append(t2 - t0)
        opens.append(t1 - t0)
        frames.append(t2 - t1)
    return {"total": totals, "open": opens, "frame": frames, "frames": episode["num_frames"]}


def scrub_http(client: Client, frames: int, count: int, seed: int) -> dict:
    import numpy as np

    steps = np.random.default_rng(seed).choice(frames, size=min(count, frames), replace=False)  # none cached
    forward, backward, last = [], [], 0
    for t in steps:
        t0 = time.perf_counter()
        client.request("GET", f"/api/frame?run={LONG_RUN}&i=0&t={int(t)}&view=first&v=scrub")
        (forward if t >= last else backward).append(time.perf_counter() - t0)
        last = int(t)
    return {"forward": forward, "backward": backward}


def live_http(client: Client, episodes: list[str], with_frames: bool) -> dict:
    steps, seconds, stepping, frames = 0, 0.0, 0.0, 0
    for episode_id in episodes:
        t0 = time.perf_counter()
        session = json.loads(client.request("POST", "/api/live/start", {
            "source": "suite", "suite": "smoke", "episode": episode_id, "planner": "oracle", "policy": "expert",
            "speed": 0}))
        stop = threading.Event()
        fetched = [0]

        def fetch_frames():
            while not stop.is_set():
                try:
                    for view in ("first", "map"):
                        client.request("GET", f"/api/live/frame?id={session['id']}&view={view}")
                except RuntimeError:  # 404 until the episode has started
                    time.sleep(0.005)
                    continue
                fetched[0] += 1

        fetcher = threading.Thread(target=fetch_frames, daemon=True) if with_frames else None
        if fetcher:
            fetcher.start()
        end, first_step = None, None
        for event in client.events(session["id"]):
            if event.get("step") and first_step is None:
                first_step = time.perf_counter()
            if event.get("outcome"):
                end = event
        seconds += time.perf_counter() - t0
        stepping += time.perf_counter() - first_step
        stop.set()
        if fetcher:
            fetcher.join()
        if end is None or not end["outcome"]["success"]:
            raise RuntimeError(f"live episode {episode_id} did not succeed: {end}")
        steps += end["t"]
        frames += fetched[0]
    return {"steps": steps, "seconds": seconds, "stepping": stepping, "frame_pairs": frames}


def browser_measurements(url: str, log_path: Path, repeats: int, live_episodes: list[str]) -> dict:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise SystemExit("--browser needs Playwright: pip install playwright (and Debian's chromium)") from None
    if not Path(CHROMIUM).is_file():
        raise SystemExit(f"--browser needs Debian's Chromium at {CHROMIUM}: apt-get install -y chromium")
    shown = ("document.querySelector('#frame-first') && document.querySelector('#frame-first').complete && "
             "document.querySelector('#frame-first').naturalWidth > 0")
    first, steps, seconds = [], 0, 0.0
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(url)
        for _ in range(repeats):
            touch(log_path)
            page.goto("about:blank")
            t0 = time.perf_counter()
            page.goto(f"{url}#/episode?run={LONG_RUN}&i=0")
            page.wait_for_function(shown, timeout=60_000, polling=5)
            first.append(time.perf_counter() - t0)
        for episode_id in live_episodes:
            page.goto("about:blank")
            page.goto(f"{url}#/live")
            page.select_option("#live-source", "suite")
            page.wait_for_selector(f"#live-episode option[value='{episode_id}']", state="attached")
            page.select_option("#live-episode", episode_id)
            page.select_option("#live-speed", "0")
            t0 = time.perf_counter()
            page.click("#live-start")
            page.wait_for_function("(document.querySelector('#live-status') || {}).textContent === 'ended: SUCCESS'",
                                   timeout=60_000, polling=5)
            seconds += time.perf_counter() - t0
            steps += page.locator("#action-log tbody tr").count()
        browser.close()
    return {"first": first, "steps": steps, "seconds": seconds}


# --- the report -----------------------------------------------------------------------------------

def ms(values: list[float]) -> str:
    return f"{1000 * statistics.median(values):7.1f} ms  [{1000 * min(values):.1f}-{1000 * max(values):.1f}]"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=1000, help="length of the long episode (default 1000)")
    parser.add_argument("--repeats", type=int, default=5, help="cold first-frame measurements (default 5)")
    parser.add_argument("--scrub", type=int, default=40, help="frames fetched at random steps (default 40)")
    parser.add_argument("--live-episodes", type=int, default=14,
                        help="smoke-suite episodes played live, 1 to 14 (default 14, all)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the random walk and the scrub steps (default 0)")
    parser.add_argument("--browser", action="store_true",
                        help="also measure in Debian's Chromium with Playwright: time to first frame from "
                             "navigation, and live steps/s as the page shows them")
    add_results_flag(parser)
    args = parser.parse_args(argv)
    if not 1 <= args.steps <= 1000:
        parser.error(f"--steps must be 1 to 1000 (the env's step limit), got {args.steps}")
    if args.repeats < 1 or args.scrub < 1:
        parser.error("--repeats and --scrub must be at least 1")
    if not 1 <= args.live_episodes <= 14:
        parser.error(f"--live-episodes must be 1 to 14, got {args.live_episodes}")

    import errands
    from errands.eval.suites import load_suite

    print(f"# viewer benchmark  steps={args.steps} repeats={args.repeats} scrub={args.scrub} "
          f"live_episodes={args.live_episodes} browser={args.browser}")
    print(f"python {platform.python_version()}  errands {errands.__version__}  cpus={os.cpu_count()}  "
          f"{platform.platform()}\n")
    live_ids = [e.id for e in load_suite("smoke").episodes][:args.live_episodes]
    with tempfile.TemporaryDirectory(prefix="errands-viewer-") as tmp:
        runs = Path(tmp) / "runs"
        steps = write_long_episode(runs, args.steps, args.seed)
        log_path = runs / LONG_RUN / "episodes.jsonl"
        proc, url = start_server(runs)
        try:
            client = Client(url)
            client.request("GET", "/api/options")  # imports done before timing
            cold = first_frame_http(client, log_path, args.repeats)
            scrub = scrub_http(client, cold["frames"], args.scrub, args.seed)
            live_client = Client(url)
            live_http(live_client, live_ids[:1], with_frames=False)  # warm: planner, policy, scene cache
            live_events = live_http(live_client, live_ids, with_frames=False)
            live_frames = live_http(live_client, live_ids, with_frames=True)
            browser = browser_measurements(url, log_path, args.repeats, live_ids) if args.browser else None
        finally:
            proc.terminate()
            proc.wait(10)

    print(f"## Time to first frame of a {steps}-step episode (cold: the server replays it), "
          f"median of {args.repeats} [min-max]")
    print(f"{'HTTP: open the episode (replay + JSON)':46} {ms(cold['open'])}")
    print(f"{'HTTP: then the first-person PNG of step 0':46} {ms(cold['frame'])}")
    print(f"{'HTTP: first frame, total':46} {ms(cold['total'])}")
    if browser:
        print(f"{'Chromium: navigation to first frame shown':46} {ms(browser['first'])}")
    print(f"\n## Scrubbing the open episode: a first-person PNG at a random step ({args.scrub} steps)")
    for name in ("forward", "backward"):
        if scrub[name]:
            print(f"{'HTTP: ' + name + f' ({len(scrub[name])} jumps)':46} {ms(scrub[name])}")
    print(f"\n## Live episodes streamed to a client: {len(live_ids)} smoke episodes, oracle + expert, full speed")
    rows = [("HTTP: events only", live_events), ("HTTP: events + current frames", live_frames)]
    if browser:
        rows.append(("Chromium: the live page", browser))
    print("(steps/s from the start request, which includes building the scene and planning; 'stepping' from "
          "the first step's event on)")
    print(f"{'client':34} {'steps':>6} {'seconds':>8} {'steps/s':>8} {'stepping steps/s':>17} {'frame pairs/s':>14}")
    for name, r in rows:
        stepping = f"{(r['steps'] - len(live_ids)) / r['stepping']:17.1f}" if "stepping" in r else f"{'-':>17}"
        pairs = f"{r['frame_pairs'] / r['seconds']:14.1f}" if r.get("frame_pairs") else f"{'-':>14}"
        print(f"{name:34} {r['steps']:6d} {r['seconds']:8.2f} {r['steps'] / r['seconds']:8.1f} {stepping} {pairs}")
    load = os.getloadavg()
    print(f"\nload average after the runs: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} CPUs")
    if args.results:
        table = [(f"time to first frame, {steps}-step episode (replayed when opened)", "HTTP", ms(cold["total"]).strip())]
        if browser:
            table.append((f"time to first frame, {steps}-step episode, from navigation", "Chromium", ms(browser["first"]).strip()))
        table.append(("a first-person frame at a random step of it (scrubbing)", "HTTP",
                      ", ".join(f"{ms(scrub[way]).strip()} {way}" for way in ("forward", "backward") if scrub[way])))
        for name, r in rows:
            figure = f"{r['steps'] / r['seconds']:.0f} steps/s"
            if r.get("frame_pairs"):
                figure += f", {r['frame_pairs'] / r['seconds']:.0f} frame pairs/s"
            table.append((f"live episodes ({len(live_ids)} smoke episodes, oracle + expert, full speed, from the "
                          "start request)", name, figure))
        write_result("viewer", [{"measure": m, "client": c, "figure": f} for m, c, f in table],
                     title="Viewer latency and streaming",
                     columns=[column("measure", align="left"), column("client", align="left"), column("figure")],
                     load_average=list(load))
    return 0


if __name__ == "__main__":
    sys.exit(main())
