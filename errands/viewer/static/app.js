// errands viewer: the runs list, a run's episodes, an episode's replay, and live episodes.
// Plain JavaScript against the server's JSON API (errands/viewer/server.py); no build step.
"use strict";

const app = document.getElementById("app");
let leavePage = () => {};  // stops timers and streams of the page being left

// --- small helpers ----------------------------------------------------------------------

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "text") node.textContent = value;
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined) node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

async function api(path, body) {
  const options = body === undefined ? {} :
    {method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(body)};
  const response = await fetch(path, options);
  const data = await response.json().catch(() => ({error: `${response.status} ${response.statusText}`}));
  if (!response.ok) throw Object.assign(new Error(data.error || response.statusText), {data});
  return data;
}

const q = encodeURIComponent;
const pct = (v) => (v === null || v === undefined ? "n/a" : `${(100 * v).toFixed(1)}%`);
const num = (v, digits = 2) => (v === null || v === undefined ? "" : Number(v).toFixed(digits));
const showError = (message) => el("div", {class: "error", id: "error"}, message);
const setPage = (...children) => app.replaceChildren(...children.filter((c) => c !== null && c !== undefined));

function hashParams() {
  const [path, query] = location.hash.replace(/^#/, "").split("?");
  return {path: path || "/", params: new URLSearchParams(query || "")};
}

// --- routing ------------------------------------------------------------------------------

async function route() {
  leavePage();
  leavePage = () => {};
  const {path, params} = hashParams();
  document.getElementById("nav-runs").classList.toggle("active", path !== "/live");
  document.getElementById("nav-live").classList.toggle("active", path === "/live");
  setPage(el("p", {class: "muted"}, "Loading..."));
  try {
    if (path === "/run") await showRun(params.get("run"));
    else if (path === "/episode") await showEpisode(params.get("run"), Number(params.get("i")), Number(params.get("t") || 0));
    else if (path === "/live") await showLive(params.get("id"));
    else await showRuns();
  } catch (error) {
    setPage(showError(error.message));
  }
}
window.addEventListener("hashchange", route);
window.addEventListener("DOMContentLoaded", route);

// --- the runs list --------------------------------------------------------------------------

async function showRuns() {
  const data = await api("/api/runs");
  document.getElementById("runs-dir").textContent = data.runs_dir;
  const rows = data.runs.map((r) => {
    const m = (r.metrics || {});
    if (r.error) return el("tr", {class: "row-error"}, el("td", {}, r.run), el("td", {colspan: 10}, r.error));
    return el("tr", {class: "clickable", onclick: () => (location.hash = `#/run?run=${q(r.run)}`)},
      el("td", {}, el("a", {class: "run-link", href: `#/run?run=${q(r.run)}`}, r.run)),
      el("td", {}, r.kind), el("td", {}, r.suite || ""), el("td", {}, r.planner || ""), el("td", {}, r.policy || ""),
      el("td", {class: "num"}, r.episodes), el("td", {class: "num"}, pct(m.sr)), el("td", {class: "num"}, pct(m.gc)),
      el("td", {class: "num"}, pct(m.plw_sr)), el("td", {class: "num"}, pct(m.plw_gc)),
      el("td", {class: r.errors ? "bad" : "muted"}, r.errors ? `${r.errors} damaged` : "none"));
  });
  setPage(
    el("h2", {}, "Runs"),
    data.runs.length ? null : el("p", {class: "muted"}, "No runs here yet: errands eval --out DIR or errands run --out DIR writes them."),
    el("table", {id: "runs"},
      el("thead", {}, el("tr", {}, ["run", "kind", "suite", "planner", "policy"].map((h) => el("th", {}, h)),
        ["episodes", "SR", "GC", "PLW-SR", "PLW-GC"].map((h) => el("th", {class: "num"}, h)), el("th", {}, "damaged logs"))),
      el("tbody", {}, rows)));
}

// --- one run: its episodes, filtered and sorted ----------------------------------------

const SORT_KEYS = {i: "order", success: "success", steps: "steps", failures: "failed actions", gc: "GC",
  s_spl: "PLW-SR", pc_spl: "PLW-GC", expert_length: "L*", replans: "re-plans", wall_time_s: "time (s)"};

async function showRun(run) {
  const data = await api(`/api/run?run=${q(run)}`);
  const {summary, rows} = data;
  const m = summary.metrics || {};
  const distinct = (key) => [...new Set(rows.map((r) => r[key]).filter((v) => v !== undefined && v !== null))].sort();
  const select = (id, options) => el("select", {id, onchange: render}, options.map(([v, label]) => el("option", {value: v}, label)));
  const typeSelect = select("filter-type", [["", "all task types"], ...distinct("task_type").map((t) => [t, t])]);
  const successSelect = select("filter-success", [["", "all outcomes"], ["success", "successes"], ["failure", "failures"], ["error", "damaged logs"]]);
  const reasonSelect = select("filter-reason", [["", "any failure reason"], ...distinct("failure_category").map((c) => [c, c])]);
  const sortSelect = select("sort-key", Object.entries(SORT_KEYS));
  const dirSelect = select("sort-dir", [["asc", "ascending"], ["desc", "descending"]]);
  const tbody = el("tbody");
  const count = el("span", {class: "muted", id: "episode-count"});

  function render() {
    const key = sortSelect.value, dir = dirSelect.value === "asc" ? 1 : -1;
    const shown = rows.filter((r) =>
      (!typeSelect.value || r.task_type === typeSelect.value) &&
      (!reasonSelect.value || r.failure_category === reasonSelect.value) &&
      (successSelect.value === "" || (successSelect.value === "error" ? !!r.error :
        !r.error && r.success === (successSelect.value === "success"))));
    const value = (r) => (r[key] === null || r[key] === undefined ? -Infinity : Number(r[key]));
    shown.sort((a, b) => dir * (value(a) - value(b)) || a.i - b.i);
    tbody.replaceChildren(...shown.map(episodeRow));
    count.textContent = `showing ${shown.length} of ${rows.length}`;
  }
  function episodeRow(r) {
    const open = () => (location.hash = `#/episode?run=${q(run)}&i=${r.i}`);
    if (r.error) return el("tr", {class: "clickable row-error", onclick: open}, el("td", {class: "num"}, r.i), el("td", {colspan: 12}, r.error));
    return el("tr", {class: "clickable", onclick: open},
      el("td", {class: "num"}, r.i), el("td", {}, el("a", {class: "episode-link", href: `#/episode?run=${q(run)}&i=${r.i}`}, r.episode_id || "")),
      el("td", {}, r.task_type), el("td", {}, r.scene),
      el("td", {class: r.success ? "ok" : "bad"}, r.success ? "success" : "failure"),
      el("td", {}, r.failure_category ? `${r.failure_category}: ${r.failure_reason}` : ""),
      el("td", {class: "num"}, r.steps), el("td", {class: "num"}, r.failures), el("td", {class: "num"}, num(r.gc)),
      el("td", {class: "num"}, num(r.s_spl)), el("td", {class: "num"}, num(r.pc_spl)), el("td", {class: "num"}, r.expert_length ?? ""),
      el("td", {class: "num"}, r.replans), el("td", {class: "num"}, num(r.wall_time_s, 3)));
  }
  const folder = run === "." ? "" : run.split("/").map(q).join("/") + "/";
  const links = summary.files.map((f) => el("a", {href: `/files/${folder}${f}`, target: "_blank"}, f));
  setPage(
    el("h2", {}, `Run ${run}`),
    el("div", {class: "card", id: "run-summary"},
      el("div", {}, `${summary.kind === "eval" ? "evaluation" : "single episode"}`, summary.suite ? ` of ${summary.suite}` : "",
        `, planner ${summary.planner}, policy ${summary.policy}: ${summary.episodes} episodes`,
        summary.errors ? el("span", {class: "bad"}, ` (${summary.errors} damaged)`) : ""),
      el("div", {}, `SR ${pct(m.sr)}  GC ${pct(m.gc)}  PLW-SR ${pct(m.plw_sr)}  PLW-GC ${pct(m.plw_gc)}`),
      links.length ? el("div", {class: "replans"}, "files: ", links) : null),
    el("div", {class: "toolbar"}, typeSelect, successSelect, reasonSelect, el("label", {}, "sort by", sortSelect), dirSelect, count),
    el("table", {id: "episodes"}, el("thead", {}, el("tr", {},
      ["#", "episode", "task type", "scene", "outcome", "failure reason"].map((h) => el("th", {}, h)),
      ["steps", "failed", "GC", "PLW-SR", "PLW-GC", "L*", "re-plans", "time s"].map((h) => el("th", {class: "num"}, h)))), tbody));
  render();
}

// --- the panels an episode shows at step t (replay and live) ----------------------------

function statusAt(timeline, t) {  // the last change at or before t (errands/viewer/replay.py: status_at)
  let status = timeline[0][1];
  for (const [start, value] of timeline) { if (start > t) break; status = value; }
  return status;
}

function episodePanels(onPick) {
  const first = el("img", {id: "frame-first", alt: "first-person view"});
  const map = el("img", {id: "frame-map", class: "map", alt: "top-down map"});
  const stepAction = el("div", {class: "step-action", id: "step-action"});
  const plans = el("div", {id: "plans"});
  const checklist = el("div", {id: "checklist", class: "checklist"});
  const logBody = el("tbody");
  const log = el("div", {class: "action-log", id: "action-log"},
    el("table", {}, el("thead", {}, el("tr", {}, ["t", "action", "result", "skill"].map((h) => el("th", {}, h)))), logBody));
  const root = el("div", {class: "layout"},
    el("div", {}, el("div", {class: "views"},
      el("figure", {}, first, el("figcaption", {}, "first person")),
      el("figure", {}, map, el("figcaption", {}, "map, with the path so far")))),
    el("div", {class: "panels"},
      el("section", {}, el("h3", {}, "Plan"), plans),
      el("section", {}, el("h3", {}, "Goal conditions"), checklist),
      el("section", {}, el("h3", {}, "Actions"), log)));
  let steps = [], shownT = -1;  // the steps so far, and the step on show

  function appendStep(s) {
    steps.push(s);
    const row = el("tr", {class: s.success ? "" : "failed", onclick: () => onPick(s.t)},
      el("td", {class: "num"}, s.t), el("td", {}, s.action), el("td", {}, s.success ? "ok" : `failed: ${s.error}`),
      el("td", {}, s.skill || ""));
    logBody.append(row);
  }
  function show(t, data) {  // data: {plans, checklist: [{text, met: string or array}]}
    const s = steps[t - 1];
    stepAction.replaceChildren(t === 0 ? "start: no action yet" :
      el("span", {class: s.success ? "" : "failed"}, `step ${t}: ${s.action} `, s.success ? "(ok)" : `(failed: ${s.error})`,
        s.skill ? ` · skill ${s.skill}` : "", ` · goal conditions ${s.goal_conditions ? s.goal_conditions.join("/") : "?"}`));
    renderPlans(data.plans, t);
    renderChecklist(data.checklist, t);
    if (shownT !== t) {
      logBody.querySelectorAll("tr.current").forEach((r) => r.classList.remove("current"));
      [...logBody.children].forEach((r, k) => r.classList.toggle("future", k + 1 > t));
      const row = logBody.children[t - 1];
      if (row) {
        row.classList.add("current");
        if (row.offsetTop < log.scrollTop + 24 || row.offsetTop > log.scrollTop + log.clientHeight - 24)
          log.scrollTop = row.offsetTop - log.clientHeight / 2;
      }
      shownT = t;
    }
  }
  function renderPlans(all, t) {
    const visible = all.filter((p) => p.step <= t);
    if (!all.length) { plans.replaceChildren(el("p", {class: "muted"}, "no plan (yet)")); return; }
    const replans = all.slice(1).map((p, k) => el("a", {href: "javascript:void 0", onclick: () => onPick(p.step)}, `re-plan ${k + 1} at step ${p.step}`));
    plans.replaceChildren(
      replans.length ? el("div", {class: "replans"}, replans) : el("div", {class: "muted"}, "no re-plans"),
      ...visible.map((p, k) => el("div", {class: "plan" + (k < visible.length - 1 ? " superseded" : "")},
        el("div", {class: "plan-title"}, k === 0 ? "Plan (initial)" : `Re-plan ${k} at step ${p.step}: ${p.reason}`),
        el("ol", {}, p.skills.map((skill) => {
          const status = statusAt(skill.timeline, t);
          return el("li", {class: `skill ${status}`}, el("span", {class: `badge ${status}`}, status), skill.label,
            status === "failed" && skill.reason ? el("div", {class: "skill-reason"}, skill.reason) : null);
        })))));
  }
  function renderChecklist(items, t) {
    checklist.replaceChildren(...items.map((item) => {
      const met = (k) => item.met[k] === "1" || item.met[k] === true;
      const canvas = el("canvas", {width: 300, height: 10});
      const ctx = canvas.getContext("2d"), n = Math.max(item.met.length, t + 1);
      for (let k = 0; k < item.met.length; k++) {
        ctx.fillStyle = met(k) ? "#1f8a4c" : "#dfe2e8";
        ctx.fillRect(Math.floor(k * 300 / n), 0, Math.ceil(300 / n), 10);
      }
      ctx.fillStyle = "#20242c";
      ctx.fillRect(Math.min(298, Math.floor(t * 300 / n)), 0, 2, 10);
      return el("div", {class: "cond"}, el("span", {class: "mark " + (met(t) ? "met" : "unmet")}, met(t) ? "✓" : "✗"),
        el("span", {}, item.text), canvas);
    }));
  }
  return {root, stepAction, first, map, appendStep, show};
}

function describeOutcome(d) {
  if (d.success) return el("span", {class: "ok", id: "outcome"}, `SUCCESS · goal conditions ${d.goal_conditions.join("/")}`);
  return el("span", {class: "bad", id: "outcome"}, `FAILED (${d.failure_category}: ${d.failure_reason}) · goal conditions ${d.goal_conditions.join("/")}`);
}

// --- replaying an episode -----------------------------------------------------------------------

async function showEpisode(run, i, startT) {
  const back = el("a", {href: `#/run?run=${q(run)}`}, `← run ${run}`);
  let d;
  try {
    d = await api(`/api/episode?run=${q(run)}&i=${i}`);
  } catch (error) {
    setPage(back, el("h2", {}, `Episode ${i}`), showError(`This episode cannot be shown: ${error.message}`));
    return;
  }
  const last = d.num_frames - 1;
  let t = Math.min(Math.max(0, startT), last), timer = null;
  const panels = episodePanels((k) => go(k));
  d.steps.forEach(panels.appendStep);
  const scrubber = el("input", {type: "range", id: "scrubber", min: 0, max: last, value: t, oninput: () => go(Number(scrubber.value))});
  const label = el("span", {id: "step-label"});
  const play = el("button", {id: "play", onclick: () => (timer ? stop() : start())}, "Play");
  const fps = el("select", {id: "fps"}, [1, 2, 4, 8, 16].map((f) => el("option", {value: f, selected: f === 4}, `${f} steps/s`)));

  function frameUrl(k, view) { return `/api/frame?run=${q(run)}&i=${i}&t=${k}&view=${view}&v=${d.version}`; }
  function go(k) {
    t = Math.min(Math.max(0, k), last);
    scrubber.value = t;
    label.textContent = `step ${t} / ${last}`;
    panels.first.src = frameUrl(t, "first");
    panels.map.src = frameUrl(t, "map");
    panels.show(t, d);
    history.replaceState(null, "", `#/episode?run=${q(run)}&i=${i}&t=${t}`);
  }
  async function start() {
    if (t >= last) go(0);
    play.textContent = "Pause";
    timer = true;
    while (timer && t < last) {
      const wait = new Promise((resolve) => setTimeout(resolve, 1000 / Number(fps.value)));
      go(t + 1);
      await Promise.all([wait, panels.first.decode().catch(() => {}), panels.map.decode().catch(() => {})]);
    }
    stop();
  }
  function stop() { timer = null; play.textContent = "Play"; }
  function onKey(event) {
    if (event.target.tagName === "INPUT" && event.target.type !== "range") return;
    if (event.key === "ArrowRight") { go(t + 1); event.preventDefault(); }
    else if (event.key === "ArrowLeft") { go(t - 1); event.preventDefault(); }
    else if (event.key === " ") { timer ? stop() : start(); event.preventDefault(); }
  }
  document.addEventListener("keydown", onKey);
  leavePage = () => { stop(); document.removeEventListener("keydown", onKey); };

  const task = d.task || {}, goal = task.goal || {};
  setPage(back,
    el("div", {class: "card episode-head"},
      el("div", {class: "instruction", id: "instruction"}, d.instruction),
      el("div", {class: "muted", id: "task-info"}, `${d.task_type}: ${goal.object || ""}${goal.sliced ? " (sliced)" : ""} → ${goal.parent_receptacle || ""}`,
        ` · scene ${d.scene} · planner ${d.planner} · policy ${d.policy} · ${last} steps`),
      describeOutcome(d)),
    d.divergence ? el("div", {class: "error", id: "divergence"}, d.divergence.message) : null,
    el("div", {class: "controls"}, play, el("button", {id: "prev", onclick: () => go(t - 1)}, "◀"), scrubber,
      el("button", {id: "next", onclick: () => go(t + 1)}, "▶"), label, fps),
    panels.stepAction, panels.root);
  go(t);
}

// --- live episodes ------------------------------------------------------------------------------

const NAV_KEYS = {ArrowUp: "MoveAhead", ArrowLeft: "RotateLeft", ArrowRight: "RotateRight", PageUp: "LookUp", PageDown: "LookDown"};

async function showLive(id) {
  if (id) return watchLive(id);
  const options = await api("/api/options");
  const field = (label, input) => [el("label", {for: input.id}, label), input];
  const source = el("select", {id: "live-source", onchange: update},
    el("option", {value: "instruction"}, "an instruction"), el("option", {value: "suite"}, "a task from a suite"),
    el("option", {value: "random"}, "a random task"));
  const instruction = el("input", {type: "text", id: "live-instruction", value: "put a washed apple in the fridge"});
  const scene = el("input", {type: "text", id: "live-scene", placeholder: "any scene that can host the goal"});
  const seed = el("input", {type: "number", id: "live-seed", value: 0});
  const split = el("select", {id: "live-split"}, ["seen", "unseen", "any"].map((s) => el("option", {value: s}, s)));
  const suite = el("select", {id: "live-suite", onchange: loadSuite}, options.suites.map((s) => el("option", {value: s, selected: s === "smoke"}, s)));
  const episode = el("select", {id: "live-episode"});
  const planner = el("select", {id: "live-planner"}, options.planners.map((p) => el("option", {value: p}, p)));
  const policy = el("input", {type: "text", id: "live-policy", value: "expert", list: "policy-names"});
  const speed = el("select", {id: "live-speed"}, [["0", "as fast as possible"], ["20", "20 steps/s"], ["5", "5 steps/s"], ["2", "2 steps/s"]]
    .map(([v, label]) => el("option", {value: v, selected: v === "5"}, label)));
  const paused = el("input", {type: "checkbox", id: "live-paused"});
  const error = el("div", {id: "live-error"});
  const rows = {instruction: field("instruction", instruction), scene: field("scene", scene), seed: field("seed", seed),
    split: field("scene split", split), suite: field("suite", suite), episode: field("episode", episode)};
  function update() {
    const s = source.value;
    const shown = {instruction: s === "instruction", scene: s === "instruction", seed: s !== "suite", split: s !== "suite", suite: s === "suite", episode: s === "suite"};
    for (const [key, nodes] of Object.entries(rows)) nodes.forEach((n) => (n.hidden = !shown[key]));
  }
  async function loadSuite() {
    const data = await api(`/api/suite?name=${q(suite.value)}`);
    episode.replaceChildren(...data.episodes.map((e) => el("option", {value: e.id}, `${e.task_type} · scene ${e.scene} · ${e.instruction}`)));
  }
  async function submit(event) {
    event.preventDefault();
    error.replaceChildren();
    try {
      const started = await api("/api/live/start", {source: source.value, instruction: instruction.value, scene: scene.value,
        seed: seed.value, split: split.value, suite: suite.value, episode: episode.value, planner: planner.value,
        policy: policy.value, speed: speed.value, paused: paused.checked});
      location.hash = `#/live?id=${q(started.id)}`;
    } catch (e) { error.replaceChildren(showError(e.message)); }
  }
  setPage(el("h2", {}, "Live episode"),
    el("form", {id: "live-form", class: "card", onsubmit: submit},
      el("div", {class: "form-grid"}, field("task from", source), Object.values(rows).flat(), field("planner", planner),
        field("skill policy", policy), field("speed", speed), field("start paused", paused)),
      el("datalist", {id: "policy-names"}, options.policies.map((p) => el("option", {value: p}))),
      el("p", {class: "muted"}, "The policy is a name or a checkpoint path, as errands eval --policy takes it."),
      el("button", {type: "submit", class: "primary", id: "live-start"}, "Start"), error));
  update();
  await loadSuite();
}

function watchLive(id) {
  const panels = episodePanels(() => {});
  const status = el("span", {class: "status-pill", id: "live-status"}, "connecting");
  const label = el("span", {id: "step-label"}, "step 0");
  const instruction = el("div", {class: "instruction", id: "instruction"});
  const problems = el("div", {id: "live-problems"});
  const logLink = el("a", {id: "live-log-link", href: `/api/live/log?id=${q(id)}`, download: `${id}.json`, hidden: true}, "download the EpisodeLog");
  const send = (command, extra = {}) => api("/api/live/control", {id, command, ...extra}).catch((e) => problems.replaceChildren(showError(e.message)));
  const button = (bid, text, command) => el("button", {id: bid, onclick: () => send(command)}, text);
  const speed = el("select", {id: "live-speed-now", onchange: () => send("speed", {speed: speed.value})},
    [["0", "max"], ["20", "20/s"], ["5", "5/s"], ["2", "2/s"]].map(([v, l]) => el("option", {value: v}, l)));
  const actionBox = el("input", {type: "text", id: "manual-action", placeholder: "PickupObject Apple",
    onkeydown: (e) => { if (e.key === "Enter") manual(actionBox.value); }});
  const manualPanel = el("div", {id: "manual", hidden: true},
    ["MoveAhead", "RotateLeft", "RotateRight", "LookUp", "LookDown", "Stop"].map((a) => el("button", {onclick: () => manual(a)}, a)),
    " ", actionBox, el("button", {id: "manual-send", onclick: () => manual(actionBox.value)}, "Send"),
    el("div", {class: "keys"}, el("kbd", {}, "↑"), " MoveAhead ", el("kbd", {}, "←"), el("kbd", {}, "→"), " rotate ",
      el("kbd", {}, "PgUp"), el("kbd", {}, "PgDn"), " look up/down; interactions in the text box, e.g. OpenObject Fridge"));
  let state = {plans: [], checklist: []}, histories = [], t = 0, loading = false, wanted = -1, mode = {};

  async function manual(action) {
    try { await api("/api/live/action", {id, action}); problems.replaceChildren(); }
    catch (e) { problems.replaceChildren(showError(e.message)); }
  }
  function loadFrames() {  // at most one picture request in flight per view; the latest step wins
    if (loading || wanted < 0) return;
    loading = true;
    const k = wanted;
    wanted = -1;
    const urls = ["first", "map"].map((v) => `/api/live/frame?id=${q(id)}&view=${v}&t=${k}`);
    panels.first.src = urls[0];
    panels.map.src = urls[1];
    Promise.all([panels.first.decode(), panels.map.decode()]).catch(() => {}).then(() => { loading = false; loadFrames(); });
  }
  function onEvent(event) {
    mode = event.mode || mode;
    if (event.instruction) instruction.textContent = event.instruction;
    if (event.step) panels.appendStep(event.step);
    if (event.plans) {
      t = event.t;
      state = event;
      event.checklist.forEach((c, k) => {
        histories[k] = histories[k] || [];
        for (let j = histories[k].length; j <= t; j++) histories[k][j] = histories[k][j - 1] || false;
        histories[k][t] = c.met;
      });
      wanted = t;
      loadFrames();
    }
    const checklist = (state.checklist || []).map((c, k) => ({text: c.text, met: histories[k] || []}));
    label.textContent = `step ${t}`;
    panels.show(t, {plans: state.plans || [], checklist});
    let text = event.status;
    if (event.status === "running" && mode.paused) text = "pausing";
    if (event.status === "manual") text = "manual control";
    if (event.outcome) text = `ended: ${event.outcome.success ? "SUCCESS" : `FAILED (${event.outcome.failure_category}: ${event.outcome.failure_reason})`}`;
    if (event.error) problems.replaceChildren(showError(`${event.error}\n${event.traceback || ""}`));
    status.textContent = text;
    const over = ["ended", "closed", "error"].includes(event.status);
    manualPanel.hidden = event.status !== "manual";
    logLink.hidden = event.status !== "ended";
    for (const b of controls.querySelectorAll("button")) b.disabled = over || (event.status === "manual" && b.id !== "live-close");
    if (over) source.close();
  }
  function onKey(event) {
    if (manualPanel.hidden || event.target === actionBox) return;
    if (NAV_KEYS[event.key]) { manual(NAV_KEYS[event.key]); event.preventDefault(); }
  }
  const controls = el("div", {class: "controls"}, button("live-play", "Play", "play"), button("live-pause", "Pause", "pause"),
    button("live-step", "Step", "step"), button("live-takeover", "Take manual control", "takeover"),
    button("live-close", "End episode", "close"), el("label", {}, "speed ", speed), label, status);
  const source = new EventSource(`/api/live/events?id=${q(id)}`);
  source.onmessage = (message) => onEvent(JSON.parse(message.data));
  source.onerror = () => { if (source.readyState === EventSource.CLOSED) status.textContent = "disconnected"; };
  document.addEventListener("keydown", onKey);
  leavePage = () => { source.close(); document.removeEventListener("keydown", onKey); };
  setPage(el("a", {href: "#/live"}, "← new live episode"),
    el("div", {class: "card episode-head"}, instruction, el("div", {class: "muted"}, `live episode ${id}`)),
    controls, manualPanel, problems, logLink, panels.stepAction, panels.root);
}
