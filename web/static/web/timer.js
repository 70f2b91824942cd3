/* The guided session: each exercise's timer walks through the dose shown on its card.

   The page gives each timer its numbers (data attributes, from web/timer.py) and the words
   in the patient's language once (the JSON script tag "timer-words"). A session is a list
   of steps (get ready, each set and side, each repetition's hold and relaxing or its pace,
   a timed set's length, the rests between sets) played one second at a time, with a tone
   and a vibration at each change, the screen kept awake while it runs, and each step (not
   each second) told to a screen reader. Without this script the card shows the dose in
   words and the timer stays hidden. */
(function () {
  "use strict";
  const wordsTag = document.getElementById("timer-words");
  // The face and buttons every timer shows, once in the page (web/_timer_script.html).
  const faceTemplate = document.getElementById("timer-face");
  if (!wordsTag || !faceTemplate) return;
  const words = JSON.parse(wordsTag.textContent);
  const SOUND_KEY = "rehab-timer-sound";
  const timers = [];

  function fill(phrase, values) {
    return phrase.replace(/\{(\w+)\}/g, (match, key) => (key in values ? String(values[key]) : match));
  }
  function join(parts) { return parts.filter(Boolean).join(". "); }
  function clock(seconds) {
    const minutes = Math.floor(seconds / 60);
    const rest = seconds % 60;
    return minutes ? minutes + ":" + String(rest).padStart(2, "0") : String(seconds);
  }

  // -- sound and vibration --------------------------------------------------------------------
  let audio = null;
  function soundOn() {
    try { return localStorage.getItem(SOUND_KEY) !== "off"; } catch (e) { return true; }
  }
  function setSound(on) {
    try { localStorage.setItem(SOUND_KEY, on ? "on" : "off"); } catch (e) { /* private mode */ }
    timers.forEach((timer) => timer.showSound());
  }
  // Made on a tap (Start): browsers let a page make sound only after one.
  function wakeAudio() {
    const Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) return;
    try {
      if (!audio) audio = new Context();
      if (audio.state === "suspended") audio.resume().catch(() => {});
    } catch (e) {
      audio = null;
    }
  }
  function tone(frequency, ms, delay) {
    if (!audio || !soundOn()) return;
    const start = audio.currentTime + (delay || 0);
    const end = start + ms / 1000;
    const oscillator = audio.createOscillator();
    const gain = audio.createGain();
    oscillator.type = "sine";
    oscillator.frequency.value = frequency;
    gain.gain.setValueAtTime(0.0001, start);
    gain.gain.exponentialRampToValueAtTime(0.35, start + 0.015);
    gain.gain.exponentialRampToValueAtTime(0.0001, end);
    oscillator.connect(gain).connect(audio.destination);
    oscillator.start(start);
    oscillator.stop(end + 0.02);
  }
  function vibrate(pattern) {
    if (soundOn() && navigator.vibrate) {
      try { navigator.vibrate(pattern); } catch (e) { /* not allowed here */ }
    }
  }
  // Each kind of step sounds its own: a higher tone to start working, a lower one to ease off.
  const CUES = {
    ready: [[523, 150]],
    hold: [[880, 180]],
    relax: [[523, 180]],
    rep: [[740, 90]],
    work: [[880, 180]],
    rest: [[440, 250]],
    switch: [[659, 150], [880, 150, 0.2]],
    done: [[523, 160], [659, 160, 0.18], [784, 320, 0.36]],
  };
  function cue(kind) {
    (CUES[kind] || []).forEach((note) => tone(note[0], note[1], note[2]));
    vibrate(kind === "done" ? [200, 100, 200] : kind === "rep" ? 60 : 150);
  }

  // -- the steps of one exercise's session ----------------------------------------------------
  function steps(d) {
    const list = [{ kind: "ready", seconds: d.ready, what: words.ready, say: words.ready, name: words.ready }];
    const sides = d.perSide ? 2 : 1;
    for (let set = 1; set <= d.sets; set++) {
      const setName = fill(words.set, { n: set, total: d.sets });
      for (let side = 1; side <= sides; side++) {
        const line = d.perSide ? setName + " · " + (side === 1 ? words.side_one : words.side_other) : setName;
        // The set is named when it begins; the other side is named when it comes.
        const intro = side === 1 ? setName : "";
        if (side === 2) {
          list.push({ kind: "switch", seconds: d.switch, line: line, what: words.other_side, say: words.other_side, name: words.other_side });
        }
        if (d.duration) {
          list.push({ kind: "work", seconds: d.duration, line: line, what: words.work, say: join([intro, words.work]), name: line });
          continue;
        }
        for (let rep = 1; rep <= d.reps; rep++) {
          const last = rep === d.reps && d.reps > 1;
          const repName = fill(words.rep, { n: rep, total: d.reps });
          if (d.hold) {
            list.push({
              kind: "hold", seconds: d.hold, line: line, what: words.hold, sub: last ? words.last : repName,
              say: join([intro && rep === 1 ? intro : "", last ? words.last : repName, words.hold]),
              name: d.holdWords || words.hold,
            });
            list.push({ kind: "relax", seconds: d.repSeconds, line: line, what: words.relax, sub: last ? words.last : repName, say: words.relax, name: words.relax });
          } else {
            list.push({
              kind: "rep", seconds: d.repSeconds, line: line, count: rep, what: last ? words.last : repName,
              say: rep === 1 ? join([intro, repName]) : last ? words.last : "",
              name: line,
            });
          }
        }
      }
      if (set < d.sets) {
        list.push({ kind: "rest", seconds: d.rest, line: fill(words.set, { n: set + 1, total: d.sets }), what: words.rest, say: d.restWords, name: d.restWords });
      }
    }
    list.push({ kind: "done", seconds: 0, what: words.done, say: words.done, name: words.done });
    return list;
  }

  // What comes after step i: the next step of another kind. After getting ready, a rest or
  // changing sides, the set (and side) that begins; after a hold its relaxing and after
  // that the next hold, a rest or the other side; nothing after the last.
  function nextName(list, i) {
    const step = list[i];
    for (let j = i + 1; j < list.length; j++) {
      const next = list[j];
      if (next.kind === step.kind) continue;
      if (next.kind === "done") return "";
      if (step.kind === "ready" || step.kind === "rest" || step.kind === "switch") return next.line || next.name;
      return next.name;
    }
    return "";
  }

  // -- screen wake lock -------------------------------------------------------------------------
  // One lock for the page: the running timer holds it, pausing, stopping or finishing lets
  // it go; the browser lets it go when the page is hidden, and it is asked for again when
  // the page shows while a timer runs.
  let lock = null;
  let asking = false;
  function anyRunning() { return timers.some((timer) => timer.running()); }
  async function keepAwake() {
    if (lock || asking || !("wakeLock" in navigator) || document.visibilityState !== "visible") return;
    asking = true;
    try {
      const sentinel = await navigator.wakeLock.request("screen");
      sentinel.addEventListener("release", () => { if (lock === sentinel) lock = null; });
      lock = sentinel;
      if (!anyRunning()) letSleep(); // paused while we asked
    } catch (e) {
      lock = null; // refused (battery saver, no permission): the timer runs all the same
    } finally {
      asking = false;
    }
  }
  function letSleep() {
    if (!lock || anyRunning()) return;
    const sentinel = lock;
    lock = null;
    sentinel.release().catch(() => {});
  }
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible" && anyRunning()) keepAwake();
  });

  // -- one timer ----------------------------------------------------------------------------------
  function Timer(root) {
    root.append(faceTemplate.content.cloneNode(true));
    const data = root.dataset;
    const plan = steps({
      sets: parseInt(data.sets, 10) || 1,
      reps: parseInt(data.reps, 10) || 0,
      hold: parseInt(data.hold, 10) || 0,
      duration: parseInt(data.duration, 10) || 0,
      repSeconds: parseInt(data.repSeconds, 10) || 3,
      rest: parseInt(data.rest, 10) || 0,
      ready: parseInt(data.ready, 10) || 0,
      switch: parseInt(data.switch, 10) || 0,
      perSide: !!data.perSide,
      restWords: data.restWords || words.rest,
      holdWords: data.holdWords || "",
    });
    const total = plan.reduce((sum, step) => sum + step.seconds, 0);
    const face = {
      line: root.querySelector(".timer-step"),
      left: root.querySelector(".timer-left"),
      unit: root.querySelector(".timer-unit"),
      what: root.querySelector(".timer-what"),
      rep: root.querySelector(".timer-rep"),
      next: root.querySelector(".timer-next"),
    };
    const startButton = root.querySelector(".timer-start");
    const stopButton = root.querySelector(".timer-stop");
    const soundButton = root.querySelector(".timer-sound");
    const status = root.querySelector(".timer-status");
    let index = -1; // -1: not started
    let left = 0; // whole seconds of the step left, as the face shows them
    let endsAt = 0; // when the step ends (Date.now()), while running
    let remaining = 0; // what was left of the step when paused (ms)
    let handle = null;

    function say(text) {
      if (!text) return;
      // The same words twice in a row (resuming) still change the status, so they are read.
      status.textContent = status.textContent === text ? text + "\u00a0" : text;
    }
    function render() {
      if (index < 0) {
        face.line.textContent = "";
        face.left.textContent = clock(total);
        face.unit.textContent = total >= 60 ? words.minutes : words.seconds;
        face.what.textContent = "";
        face.rep.textContent = "";
        face.next.textContent = fill(words.next, { step: plan[1].line || plan[1].name });
        return;
      }
      const step = plan[index];
      face.line.textContent = step.line || "";
      if (step.kind === "rep") {
        face.left.textContent = String(step.count);
        face.unit.textContent = "";
      } else if (step.kind === "done") {
        face.left.textContent = "✓";
        face.unit.textContent = "";
      } else {
        face.left.textContent = clock(left);
        face.unit.textContent = left >= 60 ? words.minutes : words.seconds;
      }
      face.what.textContent = step.what;
      face.rep.textContent = step.sub || "";
      const next = nextName(plan, index);
      face.next.textContent = next ? fill(words.next, { step: next }) : "";
    }
    function showButtons() {
      const started = index >= 0 && plan[index].kind !== "done";
      startButton.textContent = handle ? words.pause : started ? words.resume : words.start;
      stopButton.hidden = !started;
      root.classList.toggle("running", !!handle);
    }
    // The first step from i that takes time (no rest after a single set, no ready time).
    function land(i) {
      index = i;
      while (plan[index].seconds <= 0 && plan[index].kind !== "done") index += 1;
    }
    function enter(i, at) {
      land(i);
      const step = plan[index];
      endsAt = at + step.seconds * 1000;
      left = Math.max(0, Math.ceil((endsAt - Date.now()) / 1000));
      render();
      say(step.say);
      cue(step.kind);
      if (step.kind === "done") finish();
    }
    // The clock decides, not the count of ticks: a phone that slowed the page's timers (the
    // page hidden a while) finds the session where it is now, and says only that step.
    function tick() {
      const now = Date.now();
      if (now < endsAt) {
        const shown = Math.ceil((endsAt - now) / 1000);
        if (shown !== left) {
          left = shown;
          render();
        }
        return;
      }
      let at = endsAt;
      land(index + 1);
      while (plan[index].kind !== "done" && at + plan[index].seconds * 1000 <= now) {
        at += plan[index].seconds * 1000;
        land(index + 1);
      }
      enter(index, at);
    }
    function run() {
      handle = setInterval(tick, 250);
      showButtons();
      keepAwake();
    }
    function halt() {
      clearInterval(handle);
      handle = null;
      showButtons();
      letSleep();
    }
    function start() {
      timers.forEach((other) => { if (other !== api && other.running()) other.pause(); });
      wakeAudio();
      if (index < 0 || plan[index].kind === "done") {
        enter(0, Date.now());
        run();
      } else {
        endsAt = Date.now() + remaining;
        run();
        say(plan[index].say || plan[index].what);
      }
    }
    function pause() {
      if (!handle) return;
      remaining = Math.max(0, endsAt - Date.now());
      halt();
      say(words.paused);
    }
    function stop() {
      halt();
      index = -1;
      render();
      showButtons();
      say(words.stopped);
      startButton.focus(); // the Stop button it was on is gone
    }
    function finish() {
      halt();
    }
    function showSound() {
      soundButton.setAttribute("aria-pressed", soundOn() ? "true" : "false");
    }

    startButton.addEventListener("click", function () {
      if (handle) pause();
      else start();
    });
    stopButton.addEventListener("click", stop);
    soundButton.addEventListener("click", function () { setSound(!soundOn()); });
    const api = { running: () => !!handle, pause: pause, showSound: showSound };
    render();
    showButtons();
    showSound();
    root.hidden = false;
    return api;
  }

  document.querySelectorAll(".timer[data-sets]").forEach((root) => timers.push(Timer(root)));
})();
