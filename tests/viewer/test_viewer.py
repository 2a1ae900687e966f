"""The web viewer: replay from EpisodeLogs, the runs folder and its guards, live
episodes, and the app itself driven in Debian's Chromium with Playwright.

The browser tests fail (they never skip) when Playwright or /usr/bin/chromium is
missing: .ci/run installs both.
"""

from __future__ import annotations

import http.client
import io
import json
import os
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from errands.envs.household_env import HouseholdEnv
from errands.envs.tasks.goals import goal_conditions
from errands.envs.tasks.task import Task
from errands.episode_log import PlanRecord, SkillRecord
from errands.viewer.checklist import goal_checklist
from errands.viewer.replay import Replay, ReplayError, plans_with_timelines, skill_timeline, status_at
from errands.viewer.server import start_in_thread

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-quic", "--no-first-run"]
SECRET = "not for the viewer's eyes"


# --- fixtures: a runs folder made here, a server over it, a browser ---------------------

@pytest.fixture(scope="module")
def runs_dir(tmp_path_factory) -> Path:
    """runs/smoke (the smoke suite, oracle + expert), runs/single/run-1/episode.json,
    runs/broken (damaged lines), a secret beside the runs folder and a link out of it."""
    from errands.eval.runner import run_evaluation
    from errands.eval.suites import load_suite

    base = tmp_path_factory.mktemp("viewer")
    runs = base / "runs"
    run_evaluation(load_suite("smoke"), runs / "smoke", workers=0, progress=False)
    records = [json.loads(line) for line in (runs / "smoke" / "episodes.jsonl").read_text().splitlines()]
    single = runs / "single" / "run-1"
    single.mkdir(parents=True)
    (single / "episode.json").write_text(json.dumps(records[1]))
    unbuildable = dict(records[0], task={**records[0]["task"], "scene": "FloorPlan999"})
    (runs / "broken").mkdir()
    (runs / "broken" / "episodes.jsonl").write_text("\n".join([
        json.dumps(records[0]),
        '{"episode_id": "torn", "task": {"goal"',              # line 2: not JSON
        json.dumps({"episode_id": "short", "task": {}}),     # line 3: lacks most fields
        json.dumps(unbuildable),                             # line 4: its scene cannot be built
    ]) + "\n")
    (base / "secret.txt").write_text(SECRET)
    (runs / "smoke" / "notes.py").write_text(f"print({SECRET!r})\n")
    os.symlink(base, runs / "link-out")
    return runs


@pytest.fixture(scope="module")
def smoke_records(runs_dir) -> list[dict]:
    return [json.loads(line) for line in (runs_dir / "smoke" / "episodes.jsonl").read_text().splitlines()]


@pytest.fixture(scope="module")
def server(runs_dir):
    server = start_in_thread(runs_dir, port=0)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("the browser tests need Playwright: pip install -e '.[test]' (or pip install playwright); "
                    "never `playwright install`: they use Debian's Chromium")
    if not Path(CHROMIUM).is_file():
        pytest.fail(f"the browser tests need Debian's Chromium at {CHROMIUM}: apt-get install -y chromium "
                    f"(.ci/run installs it when it is missing)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, server):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.set_default_timeout(20_000)
    yield page
    page.close()
    assert errors == [], f"JavaScript errors on the page: {errors}"


def get(server, path: str, host: str | None = None) -> tuple[int, bytes]:
    """A raw GET: the path goes out exactly as written (no client-side normalising)."""
    _, port = server.server_address[:2]
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.putrequest("GET", path, skip_host=True)
    connection.putheader("Host", host or f"127.0.0.1:{port}")
    connection.endheaders()
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, body


# --- replay --------------------------------------------------------------------------------

def test_replay_has_one_frame_per_step_and_one_for_the_start(smoke_records):
    record = max(smoke_records, key=lambda r: len(r["steps"]))
    replay = Replay(record, resolution=64)
    n = len(record["steps"])
    assert replay.num_frames == n + 1
    maps = [replay.frame(t, "map") for t in range(n + 1)]
    assert all(m.ndim == 3 and m.shape[2] == 3 for m in maps)
    assert replay.frame(n, "first").shape == (64, 64, 3)
    assert not np.array_equal(replay.frame(0, "first"), replay.frame(n, "first"))  # the agent went somewhere
    assert np.array_equal(replay.frame(3, "map"), maps[3])  # going back replays from the start, same picture
    assert replay.divergence is None
    with pytest.raises(ValueError, match=f"expected 0 to {n}"):
        replay.frame(n + 1, "map")
    with pytest.raises(ValueError, match="unknown view"):
        replay.frame(0, "side")


def test_skill_status_timeline():
    records = [
        SkillRecord(plan=0, index=0, skill="GotoLocation(SinkBasin)", status="done", reason="", start=0, end=0),
        SkillRecord(plan=0, index=1, skill="PickupObject(Apple)", status="done", reason="", start=0, end=3),
        SkillRecord(plan=0, index=2, skill="CleanObject(Apple)", status="failed", reason="no faucet", start=3, end=5),
        SkillRecord(plan=1, index=0, skill="CleanObject(Apple)", status="running", reason="", start=5, end=None),
    ]
    assert skill_timeline(records[0]) == [[0, "done"]]
    assert skill_timeline(records[1]) == [[0, "running"], [3, "done"]]
    assert skill_timeline(records[2]) == [[0, "pending"], [3, "running"], [5, "failed"]]
    assert skill_timeline(records[3]) == [[0, "pending"], [5, "running"]]
    assert skill_timeline(None) == [[0, "pending"]]
    timeline = skill_timeline(records[2])
    assert [status_at(timeline, t) for t in range(7)] == ["pending"] * 3 + ["running"] * 2 + ["failed"] * 2

    call = lambda skill, *args: {"skill": skill, "args": list(args)}  # noqa: E731
    plans = [PlanRecord(step=0, reason="initial",
                        plan=[call("GotoLocation", "SinkBasin"), call("PickupObject", "Apple"),
                              call("CleanObject", "Apple"), call("PutObject", "Apple", "Fridge")]),
             PlanRecord(step=5, reason="CleanObject(Apple) failed: no faucet",
                        plan=[call("CleanObject", "Apple"), call("PutObject", "Apple", "Fridge")])]
    view = plans_with_timelines(plans, records)
    assert [p["step"] for p in view] == [0, 5]
    assert [s["label"] for s in view[0]["skills"]] == ["GotoLocation(SinkBasin)", "PickupObject(Apple)",
                                                       "CleanObject(Apple)", "PutObject(Apple, Fridge)"]
    assert [status_at(s["timeline"], 4) for s in view[0]["skills"]] == ["done", "done", "running", "pending"]
    assert view[0]["skills"][2]["reason"] == "no faucet"
    assert [status_at(s["timeline"], 6) for s in view[1]["skills"]] == ["running", "pending"]


def test_skill_timelines_of_a_real_episode_follow_its_steps(smoke_records):
    record = max(smoke_records, key=lambda r: len(r["steps"]))
    plans = Replay(record, resolution=32).view()["plans"]
    skills = plans[0]["skills"]
    assert len(skills) == len(record["plans"][0]["plan"])
    for t, step in enumerate(record["steps"], 1):  # the skill that took step t was running before it
        if step["skill_index"] is not None:
            assert status_at(skills[step["skill_index"]]["timeline"], t - 1) == "running", (t, step)
    assert all(status_at(s["timeline"], len(record["steps"])) == "done" for s in skills)


def test_goal_checklist_agrees_with_goal_conditions_at_every_step(smoke_records):
    for record in smoke_records:
        replay = Replay(record, resolution=32)
        assert replay.divergence is None, replay.divergence
        counts = [record["steps"][t - 1]["goal_conditions"] if t else None for t in range(replay.num_frames)]
        for t in range(1, replay.num_frames):
            met = sum(row[t] for row in replay.checklist_met)
            assert [met, len(replay.checklist_met)] == counts[t], (record["task_type"], t)
    env = HouseholdEnv()
    task = Task.from_dict(next(r for r in smoke_records if r["task_type"] == "pick_clean_then_place_in_recep")["task"])
    env.reset(options={"task": task})
    items = goal_checklist(task.goal, env.world)
    name, parent = task.goal.object, task.goal.parent_receptacle
    article = "an" if parent[0] in "AEIOU" else "a"
    assert [text for text, _ in items] == [f"a {name} is in/on {article} {parent}", f"a {name} is clean",
                                           f"a clean {name} is in/on {article} {parent}"]
    assert sum(met for _, met in items) == goal_conditions(task.goal, env.world)[0] == 0


def test_replay_says_where_it_diverges_from_the_log(smoke_records):
    record = json.loads(json.dumps(max(smoke_records, key=lambda r: len(r["steps"]))))
    record["steps"][4]["success"] = False
    record["steps"][4]["error"] = "made up"
    replay = Replay(record, resolution=32)
    assert replay.divergence["t"] == 5
    assert "diverges from the log at step 5" in replay.divergence["message"]
    assert "made up" in replay.divergence["message"]


def test_malformed_logs_are_errors_of_their_episode(server):
    status, body = get(server, "/api/runs")
    assert status == 200
    runs = {r["run"]: r for r in json.loads(body)["runs"]}
    assert set(runs) == {"smoke", "single/run-1", "broken"}  # the link out of the folder is not followed
    assert (runs["broken"]["episodes"], runs["broken"]["errors"]) == (4, 2)
    assert runs["smoke"]["metrics"]["sr"] == 1.0 and runs["single/run-1"]["kind"] == "single"
    rows = json.loads(get(server, "/api/run?run=broken")[1])["rows"]
    assert rows[0]["error"] is None and rows[0]["success"] is True
    assert "episodes.jsonl line 2 is not valid JSON" in rows[1]["error"]
    assert "episodes.jsonl line 3" in rows[2]["error"] and "lacks" in rows[2]["error"]
    assert get(server, "/api/episode?run=broken&i=0")[0] == 200
    for i, expected in ((1, "line 2 is not valid JSON"), (2, "lacks"), (3, "cannot be built")):
        status, body = get(server, f"/api/episode?run=broken&i={i}")
        assert status == 422 and expected in json.loads(body)["error"], (i, body)
    with pytest.raises(ReplayError, match="task must be an object"):
        Replay({**json.loads(get(server, "/api/episode?run=smoke&i=0")[1]), "task": "?"})


def test_paths_outside_the_runs_folder_are_refused(server):
    refused = ["/files/../secret.txt", "/files/../../etc/passwd", "/files/%2e%2e/secret.txt",
               "/files/%2E%2E%2Fsecret.txt", "/files//etc/passwd", "/files/%2Fetc%2Fpasswd",
               "/files/link-out/secret.txt", "/files/smoke/notes.py", "/static/../server.py",
               "/static/%2e%2e/server.py", "/api/run?run=..", "/api/run?run=%2e%2e", "/api/run?run=/etc",
               "/api/episode?run=../runs/smoke&i=0", "/api/frame?run=link-out&i=0&t=0&view=map"]
    for path in refused:
        status, body = get(server, path)
        assert status in (403, 404), (path, status)
        assert SECRET.encode() not in body and b"root:" not in body, path
    assert get(server, "/files/../secret.txt")[0] == 403
    assert get(server, "/api/run?run=/etc")[0] == 403
    status, body = get(server, "/files/smoke/report.html")
    assert status == 200 and b"<html" in body.lower()
    assert get(server, "/api/runs", host="attacker.example:80")[0] == 403  # DNS rebinding


def test_live_agent_log_is_the_agents(smoke_records):
    """A live session observes an ordinary Agent: its log is the one Agent.run_episode
    writes alone, and its events carry every step of it."""
    from errands.planners import make_planner
    from errands.policies import make_policy
    from errands.policies.agent import Agent
    from errands.viewer.live import LiveSession

    task = Task.from_dict(smoke_records[3]["task"])
    alone = Agent(make_planner("oracle"), make_policy("expert")).run_episode(HouseholdEnv(), task).to_dict()
    session = LiveSession("live-test", task, "oracle", "expert").start()
    session.thread.join(30)
    live = session.final_log()
    for log in (alone, live):
        log.pop("wall_time_s")
    assert live == alone
    assert [e["step"] for e in session.events if e.get("step")] == alone["steps"]


def test_view_command_errors_name_the_bad_value(tmp_path, capsys):
    from errands.cli import main

    assert main(["view", str(tmp_path / "missing")]) == 2
    assert "missing' does not exist" in capsys.readouterr().err
    assert main(["view", str(tmp_path), "--port", "70000"]) == 2
    assert "--port must be 0 to 65535, got 70000" in capsys.readouterr().err


# --- in the browser ---------------------------------------------------------------------------

def test_browser_loads_a_run_filters_it_and_scrubs_an_episode(page, server, smoke_records):
    page.goto(server.url)
    page.click("#runs a.run-link:text-is('smoke')")
    page.wait_for_selector("#episodes tbody tr")
    assert page.locator("#episodes tbody tr").count() == 14
    page.select_option("#filter-type", "pick_heat_then_place_in_recep")
    assert page.locator("#episodes tbody tr").count() == 2
    page.select_option("#sort-key", "steps")
    page.select_option("#sort-dir", "desc")
    heat = sorted((r for r in smoke_records if r["task_type"] == "pick_heat_then_place_in_recep"),
                  key=lambda r: -len(r["steps"]))
    page.locator("#episodes tbody tr").first.click()
    page.wait_for_selector("#scrubber")
    record = heat[0]
    n = len(record["steps"])
    assert page.inner_text("#instruction") == record["instruction"]
    assert page.inner_text("#step-label") == f"step 0 / {n}"
    page.locator("#scrubber").fill("5")
    assert page.inner_text("#step-label") == f"step 5 / {n}"
    action = page.inner_text("#step-action")
    assert action.startswith(f"step 5: {record['steps'][4]['action']} (ok)")
    assert f"skill {record['steps'][4]['skill']}" in action
    page.click("#next")
    assert page.inner_text("#step-label") == f"step 6 / {n}"
    assert page.locator("#action-log tr.current td").first.inner_text() == "6"
    page.wait_for_function("document.querySelector('#frame-map').complete && "
                           "document.querySelector('#frame-map').naturalWidth > 0")
    assert "t=6" in page.get_attribute("#frame-first", "src")
    assert page.locator("#plans .badge.done").count() >= 1 and page.locator("#plans .badge.pending").count() >= 1
    assert "SUCCESS" in page.inner_text("#outcome")


def test_browser_shows_a_malformed_episode_as_an_error(page, server):
    page.goto(f"{server.url}#/run?run=broken")
    page.wait_for_selector("#episodes tbody tr")
    assert "not valid JSON" in page.inner_text("#episodes tbody tr:nth-child(2)")
    page.goto(f"{server.url}#/episode?run=broken&i=1")
    assert "episodes.jsonl line 2 is not valid JSON" in page.inner_text("#error")


def test_screenshot_of_the_first_person_frame_is_a_picture(page, server):
    page.goto(f"{server.url}#/episode?run=smoke&i=3&t=2")
    page.wait_for_function("document.querySelector('#frame-first') && document.querySelector('#frame-first').complete "
                           "&& document.querySelector('#frame-first').naturalWidth > 0")
    assert page.evaluate("document.querySelector('#frame-first').naturalWidth") == 300
    shot = Image.open(io.BytesIO(page.locator("#frame-first").screenshot())).convert("RGB")
    pixels = np.asarray(shot).reshape(-1, 3)
    colours = len(np.unique(pixels, axis=0))
    assert colours > 60, f"the first-person frame has only {colours} colours"
    assert pixels.std(axis=0).mean() > 15  # not one flat colour


def _live_status(page) -> str:
    return page.inner_text("#live-status")


def test_browser_runs_a_live_episode_to_its_end(page, server):
    page.goto(f"{server.url}#/live")
    page.wait_for_selector("#live-start")
    page.fill("#live-instruction", "put a washed apple in the fridge")
    page.select_option("#live-planner", "oracle")
    page.fill("#live-policy", "expert")
    page.select_option("#live-speed", "0")
    page.click("#live-start")
    page.wait_for_function("document.querySelector('#live-status') && "
                           "document.querySelector('#live-status').textContent.startsWith('ended')", timeout=30_000)
    assert _live_status(page) == "ended: SUCCESS"
    assert page.inner_text("#instruction") == "put a washed apple in the fridge"
    rows = page.locator("#action-log tbody tr")
    assert rows.count() > 5 and rows.last.locator("td").nth(1).inner_text() == "Stop"
    assert page.locator("#plans .badge").count() == page.locator("#plans .badge.done").count() > 0
    assert page.locator("#checklist .mark.met").count() == page.locator("#checklist .mark").count() == 3
    page.wait_for_function("document.querySelector('#frame-first').naturalWidth > 0")
    log = json.loads(get(server, f"/api/live/log?id={page.url.split('id=')[1]}")[1])
    assert log["success"] is True and len(log["steps"]) == rows.count()


def test_browser_pauses_steps_and_takes_manual_control(page, server):
    page.goto(f"{server.url}#/live")
    page.wait_for_selector("#live-start")
    page.select_option("#live-source", "suite")
    page.wait_for_selector("#live-episode option", state="attached")
    page.select_option("#live-episode", "trial_T20190907_171850_960211:0")  # 21 steps: time to take over
    page.check("#live-paused")
    page.click("#live-start")
    page.wait_for_function("document.querySelector('#live-status') && "
                           "document.querySelector('#live-status').textContent === 'paused'")
    assert page.locator("#plans .badge").count() > 0  # the plan shows before the first action
    for expected in ("step 1", "step 2"):
        page.click("#live-step")
        page.wait_for_function(f"document.querySelector('#step-label').textContent === '{expected}'")
    page.click("#live-takeover")
    page.wait_for_selector("#manual:not([hidden])")
    assert _live_status(page) == "manual control"
    page.locator("#frame-map").click()  # focus the page, not a text box
    page.keyboard.press("ArrowLeft")
    page.wait_for_function("document.querySelector('#step-label').textContent === 'step 3'")
    assert page.inner_text("#step-action").startswith("step 3: RotateLeft (ok)")
    page.fill("#manual-action", "Jump Apple")
    page.click("#manual-send")
    page.wait_for_selector("#live-problems .error")
    assert "unknown action 'Jump'" in page.inner_text("#live-problems")
    page.fill("#manual-action", "Stop")
    page.press("#manual-action", "Enter")
    page.wait_for_function("document.querySelector('#live-status').textContent.startsWith('ended')")
    assert _live_status(page).startswith("ended: FAILED (goal_not_met")
    assert page.locator("#plans .badge.failed").count() == 1  # the skill manual control interrupted


def test_live_steps_stream_as_server_sent_events(server, runs_dir):
    session = server.live.start({"source": "suite", "suite": "smoke", "episode": "trial_T20190909_051630_092360:0",
                                 "planner": "oracle", "policy": "expert", "speed": 0})
    deadline = time.monotonic() + 20
    while not session.done and time.monotonic() < deadline:
        time.sleep(0.05)
    status, body = get(server, f"/api/live/events?id={session.id}")
    events = [json.loads(line[len("data: "):]) for line in body.decode().splitlines() if line.startswith("data: ")]
    steps = [e["step"] for e in events if e.get("step")]
    assert status == 200 and events[-1]["outcome"]["success"] is True
    assert [s["t"] for s in steps] == list(range(1, len(steps) + 1)) and steps[-1]["action"] == "Stop"
    assert [e["n"] for e in events] == list(range(len(events)))
