"""The LLM planner with the packaged model through llama.cpp, and the OpenAI-compatible
HTTP backend against a real llama.cpp server on 127.0.0.1 and its faults."""

import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import gymnasium as gym
import pytest
from llama_cpp import LlamaGrammar

import errands  # noqa: F401
from errands.envs.household.world import World
from errands.envs.skills import PlanError
from errands.envs.tasks.goals import TaskGoal
from errands.envs.tasks.task import Task
from errands.planners import make_planner
from errands.planners.base import PlanningContext, PlanningError
from errands.planners.llm import LLMPlanner, parse_goal_answer, parse_plan_answer
from errands.planners.llm_backends import LLMError, OpenAIBackend, default_gguf_path
from errands.planners.prompting import goal_grammar, goal_vocabulary, plan_grammar, trie_rules
from errands.policies.agent import Agent
from errands.policies.expert import ExpertSkillPolicy

KITCHEN = ["Apple", "Bowl", "Bread", "Cabinet", "CounterTop", "DiningTable", "Faucet", "Fridge", "Knife",
           "Microwave", "Mug", "Potato", "SinkBasin", "StoveBurner"]


@pytest.fixture(scope="module")
def planner():
    return make_planner("llm")


def washed_apple_task() -> Task:
    instruction, goal, scene = INSTRUCTIONS[0]
    return Task(goal, scene, seed=0, instruction=instruction)


def context_for(task: Task) -> PlanningContext:
    world = World(task.build_scene())
    return PlanningContext(task.instruction, world.object_types(),
                           world.visible_ids(), goal=None, world=world)


def expand(rules: list[str], name: str) -> set[str]:
    """All strings a set of our GBNF rules matches (they are finite)."""
    table = {r.split(" ::= ")[0]: r.split(" ::= ")[1] for r in rules}
    out = set()
    for alternative in table[name].split(" | "):
        parts = alternative.split(" ")
        literal = json.loads(parts[0]) if parts[0].startswith('"') else ""
        out |= {literal + rest for rest in expand(rules, parts[1])} if len(parts) > 1 else {literal}
    return out


def test_grammars_come_from_the_registry_and_the_scene():
    words = ["Apple", "AppleSliced", "Bowl", "Bread", "BreadSliced", "Box"]
    assert expand(trie_rules("x", words), "x") == set(words)
    vocabulary = goal_vocabulary(KITCHEN)
    assert vocabulary["object"][:3] == ["Apple", "Bowl", "Bread"] and "AppleSliced" in vocabulary["object"]
    assert vocabulary["movable"] == ["None", "Bowl", "Mug"]
    assert "Fridge" in vocabulary["parent"] and "Apple" not in vocabulary["parent"]
    grounded = goal_vocabulary(KITCHEN, ["Apple", "Fridge"], sliced=False)
    assert (grounded["object"], grounded["movable"], grounded["parent"]) == (["Apple"], ["None"], ["Fridge"])
    LlamaGrammar.from_string(goal_grammar(KITCHEN), verbose=False)
    LlamaGrammar.from_string(plan_grammar(KITCHEN), verbose=False)


def test_answers_are_validated_with_error_kinds():
    assert parse_goal_answer("pick_cool_then_place_in_recep-AppleSliced-None-Fridge", KITCHEN) == \
        TaskGoal("pick_cool_then_place_in_recep", "Apple", "Fridge", sliced=True)
    assert parse_goal_answer('{"task_type": "pick_and_place_simple", "object": "Mug", "movable": "None", '
                             '"parent": "Cabinet"}', KITCHEN).alfred_name == "pick_and_place_simple-Mug-None-Cabinet"
    cases = {"I think you should put it away": "unparsable",
             "pick_and_place_simple-Pillow-None-Fridge": "hallucinated_object",
             "pick_and_place_simple-Apple-None-StoveBurner": "wrong_argument_type",
             "fetch_it-Apple-None-Fridge": "unknown_skill"}
    for text, kind in cases.items():
        with pytest.raises(PlanError) as info:
            parse_goal_answer(text, KITCHEN)
        assert info.value.kind == kind, text
    plan = parse_plan_answer('Sure: [{"skill": "GotoLocation", "args": ["Fridge"]}]', KITCHEN)
    assert [str(s) for s in plan.steps] == ["GotoLocation(Fridge)"]
    with pytest.raises(PlanError) as info:
        parse_plan_answer('[{"skill": "PutObject", "args": ["Apple"]}]', KITCHEN)
    assert info.value.kind == "wrong_arity"


INSTRUCTIONS = [
    ("put a washed apple in the fridge", TaskGoal("pick_clean_then_place_in_recep", "Apple", "Fridge"), 6),
    ("Put two potatoes on the dining table.", TaskGoal("pick_two_obj_and_place", "Potato", "DiningTable"), 1),
    ("Heat a mug and put it in the cabinet.", TaskGoal("pick_heat_then_place_in_recep", "Mug", "Cabinet"), 1),
    ("Chill a slice of bread and place it on the counter.",
     TaskGoal("pick_cool_then_place_in_recep", "Bread", "CounterTop", sliced=True), 1),
    ("Examine a book under the desk lamp.", TaskGoal("look_at_obj_in_light", "Book", "DeskLamp"), 301),
    ("Move the apple to the counter.", TaskGoal("pick_and_place_simple", "Apple", "CounterTop"), 1),
]


def test_packaged_model_reads_goals_through_llama_cpp(planner):
    """Every answer is a valid goal (the grammar's doing) whose object and place are the
    ones the instruction names (grounding); which task type the 135M model picks is
    measured by benchmarks/llm_planner.py, not asserted here."""
    for instruction, goal, scene in INSTRUCTIONS:
        task = Task(goal, scene, seed=0, instruction=instruction)
        plan = planner.plan(instruction, context_for(task))
        read = planner.last_goal
        assert (read.object_type_name, read.parent_receptacle) == (goal.object_type_name, goal.parent_receptacle)
        assert plan.steps
    log = Agent(planner, ExpertSkillPolicy()).run_episode(gym.make("errands/Household-v0"), washed_apple_task())
    assert log.success and log.planner == "llm-goal"
    assert [p["skill"] for p in log.plans[0].plan] == ["GotoLocation", "PickupObject", "CleanObject",
                                                          "GotoLocation", "PutObject"]


def test_recovers_when_an_object_is_not_where_the_plan_expected(planner):
    env = gym.make("errands/Household-v0")
    task = Task(TaskGoal("pick_and_place_simple", "Apple", "DiningTable"), 1, seed=0,
                instruction="Move the apple to the dining table.")
    moved = []

    def move_apple(record):
        world = env.unwrapped.world
        if record["t"] == 1 and not moved:
            apples = world.objects_of_type("Apple")
            for other in apples[1:]:
                world.objects[other.parent].contents.remove(other.id)
                del world.objects[other.id]
            apple = apples[0]
            target = next(o for o in world.scene.fixed if o.type == "Cabinet" and o.id != world.root_fixed(apple.id).id)
            world.objects[apple.parent].contents.remove(apple.id)
            apple.parent = target.id
            world.objects[target.id].contents.append(apple.id)
            world.version += 1
            moved.append(target.id)

    log = Agent(planner, ExpertSkillPolicy()).run_episode(env, task, on_step=move_apple)
    assert moved and log.success and len(log.plans) == 2
    assert log.plans[1].plan[-1] == {"skill": "PutObject", "args": ["Apple", "DiningTable"],
                                      "ids": log.plans[1].plan[-1]["ids"]}


def test_record_and_replay_without_the_model(tmp_path):
    cache = tmp_path / "calls.jsonl"
    task = washed_apple_task()
    recorded = make_planner("llm", cache_path=str(cache), cache_mode="record").plan(task.instruction, context_for(task))
    lines = cache.read_text().splitlines()
    assert len(lines) == 1 and json.loads(lines[0])["model"] == default_gguf_path().name
    replayer = make_planner("llm", cache_path=str(cache), cache_mode="replay")
    assert replayer.plan(task.instruction, context_for(task)) == recorded
    with pytest.raises(PlanningError, match=r"\[backend_error\] no recorded answer for this prompt"):
        replayer.plan("put a mug in the sink", context_for(task))


# --- the HTTP backend against a real llama.cpp server, and its faults --------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def llama_server():
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "llama_cpp.server", "--model", str(default_gguf_path()),
                                "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "4096"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}/v1"
    try:
        for _ in range(240):
            try:
                urllib.request.urlopen(base + "/models", timeout=1).read()
                break
            except OSError:
                if process.poll() is not None:
                    pytest.fail("llama_cpp.server exited while starting")
                time.sleep(0.5)
        else:
            pytest.fail("llama_cpp.server did not answer within 120 s")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_openai_backend_against_a_real_llama_cpp_server(llama_server):
    task = washed_apple_task()
    for send_grammar in (True, False):  # a GBNF grammar, then a JSON schema (its response_format)
        backend = OpenAIBackend(base_url=llama_server, model="smollm2", timeout=120, send_grammar=send_grammar,
                                schema_format="json_object")
        planner = LLMPlanner(backend)
        plan = planner.plan(task.instruction, context_for(task))
        assert planner.last_goal is not None and planner.last_goal.object == "Apple"
        assert plan.steps and plan.steps[-1].skill == "PutObject"


class ScriptedServer:
    """A real HTTP server on 127.0.0.1 that answers from a script, for faults a real model
    server cannot be made to show on demand (500s, stalls, rate limits, garbage)."""

    def __init__(self, script):
        self.script, self.requests = list(script), []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                outer.requests.append(body)
                status, content, delay = outer.script.pop(0) if outer.script else (200, "", 0)
                time.sleep(delay)
                payload = json.dumps({"choices": [{"message": {"content": content}}]}).encode()
                self.send_response(status)
                if status == 429:
                    self.send_header("Retry-After", "0")
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


GOOD = "pick_clean_then_place_in_recep-Apple-None-Fridge"


def test_http_faults_are_retried_repaired_or_reported(monkeypatch):
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    task = washed_apple_task()
    context = context_for(task)

    flaky = ScriptedServer([(500, "", 0), (429, "", 0), (200, GOOD, 0)])
    planner = LLMPlanner(OpenAIBackend(base_url=flaky.url, max_retries=3, backoff=0.01), retrieval=False)
    assert planner.plan(task.instruction, context).steps[-1].args == ("Apple", "Fridge")
    assert len(flaky.requests) == 3
    flaky.close()

    garbage = ScriptedServer([(200, "lorem ipsum", 0), (200, "pick_and_place_simple-Unicorn-None-Fridge", 0),
                              (200, "still not a goal", 0)])
    planner = LLMPlanner(OpenAIBackend(base_url=garbage.url, backoff=0.01), retrieval=False, max_repairs=2)
    with pytest.raises(PlanningError, match=r"\[unparsable\] no valid answer after 3 attempts"):
        planner.plan(task.instruction, context)
    assert len(garbage.requests) == 3
    assert "That answer is invalid (unparsable)" in garbage.requests[1]["messages"][-1]["content"]
    assert "(hallucinated_object)" in garbage.requests[2]["messages"][-1]["content"]
    garbage.close()

    slow = ScriptedServer([(200, GOOD, 2.0), (200, GOOD, 2.0)])
    backend = OpenAIBackend(base_url=slow.url, timeout=0.3, max_retries=1, backoff=0.01)
    with pytest.raises(LLMError, match="failed after 2 attempts; last error: .*timed out"):
        backend.complete([{"role": "user", "content": "hi"}])
    slow.close()

    down = OpenAIBackend(base_url=f"http://127.0.0.1:{free_port()}/v1", max_retries=1, backoff=0.01)
    with pytest.raises(LLMError, match="failed after 2 attempts; last error: URLError: .*Connection refused"):
        down.complete([{"role": "user", "content": "hi"}])
    with pytest.raises(LLMError, match="needs a base URL"):
        OpenAIBackend(base_url="")


def test_plan_command_prints_goal_plan_and_prompt():
    result = subprocess.run([sys.executable, "-m", "errands.cli", "plan", "put a washed apple in the fridge",
                             "--scene", "6", "--show-prompt"], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    assert "[system] You turn a household instruction into a task goal." in result.stdout
    assert "[user] put a washed apple in the fridge" in result.stdout
    assert "goal:  pick_clean_then_place_in_recep-Apple-None-Fridge" in result.stdout
    assert "planner: llm-goal" in result.stdout and "CleanObject(Apple)" in result.stdout


def test_llama_cpp_and_torch_take_their_share_of_the_cores_in_evaluation_workers(monkeypatch):
    from errands.eval.runner import set_worker_environment, thread_share
    from errands.planners.llm_backends import THREADS_ENV, LlamaCppBackend

    monkeypatch.setenv(THREADS_ENV, "1")
    one = LlamaCppBackend().llm
    assert (one.n_threads, one.n_threads_batch) == (1, 1)  # reading the prompt too
    assert LlamaCppBackend(n_threads=2).llm.n_threads_batch == 2
    monkeypatch.setenv(THREADS_ENV, "two")
    with pytest.raises(LLMError, match=r"ERRANDS_LLM_THREADS='two': expected a positive whole number of threads"):
        LlamaCppBackend()
    monkeypatch.delenv(THREADS_ENV)
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)  # restored after the test
    set_worker_environment(thread_share(2))  # what each local worker process runs first
    assert (os.environ[THREADS_ENV], os.environ["OMP_NUM_THREADS"]) == ("2", "2")  # llama.cpp, torch
    monkeypatch.setenv(THREADS_ENV, "3")  # the user's choice stands
    monkeypatch.setenv("OMP_NUM_THREADS", "3")
    assert thread_share(1) == {THREADS_ENV: "3", "OMP_NUM_THREADS": "3"}
