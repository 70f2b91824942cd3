/* The patient app's progressive enhancement: service worker, offline log queue,
   push sign-up and questionnaires (the exercise timer is timer.js). Every page works without it. */
(function () {
  "use strict";
  const script = document.currentScript;
  const text = {
    offlineSaved: script.dataset.offlineSaved,
    sent: script.dataset.sent,
    error: script.dataset.error,
  };
  const PAGES = "rehab-pages-v1";

  if ("serviceWorker" in navigator && window.isSecureContext) {
    navigator.serviceWorker.register(script.dataset.sw, { scope: script.dataset.sw.replace(/sw\.js$/, "") })
      .then(function (registration) {
        // The browser looks for a new version when a page is opened; an installed app is
        // often brought back instead, so look then too (the new one takes over by itself).
        document.addEventListener("visibilitychange", function () {
          if (document.visibilityState === "visible") registration.update().catch(function () {});
        });
      });
  }

  // -- offline queue of logs ---------------------------------------------------------------
  // Each entry is one form as it was filled in, with its client key: resending it is harmless,
  // the server stores a key once. Entries are kept per user so a shared phone never sends one
  // patient's log under another's session.
  const user = document.body.dataset.user || "";
  const queueKey = "rehab-log-queue:" + user;

  function readQueue() {
    try { return JSON.parse(localStorage.getItem(queueKey) || "[]"); } catch (e) { return []; }
  }
  function writeQueue(queue) { localStorage.setItem(queueKey, JSON.stringify(queue)); }

  function csrfToken() {
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function say(message) {
    const status = document.getElementById("network-status");
    if (!status) return;
    status.textContent = message;
    status.hidden = !message;
  }

  let flushing = false;
  async function flush() {
    if (flushing || !user) return;
    flushing = true;
    let sent = 0;
    try {
      let queue = readQueue();
      while (queue.length) {
        const entry = queue[0];
        const body = new URLSearchParams(entry.body);
        body.set("csrfmiddlewaretoken", csrfToken());
        let response;
        try {
          response = await fetch(entry.action, {
            method: "POST",
            credentials: "same-origin",
            headers: { "Accept": "application/json", "X-CSRFToken": csrfToken() },
            body: body,
          });
        } catch (e) {
          say(text.offlineSaved); // no connection: keep the queue for later
          break;
        }
        if (response.status >= 500 || response.status === 403 || response.status === 401) break;
        if (response.status === 400) {
          const data = await response.json().catch(() => ({}));
          const messages = Object.values(data.errors || {}).flat().join(" ");
          say(text.error + " " + messages);
        } else {
          sent += 1;
        }
        queue = readQueue().filter((item) => item.key !== entry.key);
        writeQueue(queue);
      }
    } finally {
      flushing = false;
    }
    if (sent) {
      say(text.sent);
      if (document.querySelector("[data-offline-queue]") && navigator.onLine) window.location.reload();
    }
  }

  document.addEventListener("submit", function (event) {
    const form = event.target;
    if (!form.matches("[data-offline-queue]") || !user) return;
    event.preventDefault();
    const fields = new FormData(form);
    // The button pressed (Done or Skipped) is part of the answer.
    if (event.submitter && event.submitter.name) fields.set(event.submitter.name, event.submitter.value);
    const data = new URLSearchParams(fields);
    const key = data.get("client_key");
    const queue = readQueue().filter((item) => item.key !== key);
    queue.push({ key: key, action: form.action, body: data.toString() });
    writeQueue(queue);
    const card = form.closest(".card");
    if (card) card.classList.add("queued");
    form.querySelectorAll("button, input, select, textarea").forEach((el) => { el.disabled = true; });
    flush();
  });

  window.addEventListener("online", function () { say(""); flush(); });
  // Phones do not always tell when the connection is back: try again every few seconds
  // while something waits.
  setInterval(function () { if (readQueue().length) flush(); }, 5000);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") flush();
  });
  window.addEventListener("offline", function () { say(document.body.dataset.offline || ""); });

  // -- today's pages and pictures kept for offline ----------------------------------------
  function keepTodayOffline() {
    const summary = document.querySelector("[data-today-exercises]");
    // Pages Today links to that must open offline too (a questionnaire due).
    const kept = Array.from(document.querySelectorAll("a[data-keep-offline]"), (a) => a.getAttribute("href"));
    if ((!summary && !kept.length) || !("caches" in window) || !navigator.onLine) return;
    const urls = (summary ? summary.dataset.todayExercises.split(" ").filter(Boolean) : []).concat(kept);
    // A picture inside the page (its first, on a first visit) is kept by its own URL, which
    // the next visit's page names.
    document.querySelectorAll(".pictures img").forEach((img) => urls.push(img.dataset.pictureUrl || img.getAttribute("src")));
    caches.open(PAGES).then((cache) => Promise.all(urls.map((url) =>
      fetch(url, { credentials: "same-origin" }).then((r) => (r.ok && !r.redirected ? cache.put(url, r) : null)).catch(() => null)
    )));
  }

  // Signing out forgets this phone's copies of the pages; unsent logs stay for their owner.
  document.addEventListener("submit", function (event) {
    if (event.target.matches("form[action$='/logout/']") && "caches" in window) {
      caches.delete(PAGES);
    }
  }, true);

  // The exercises' timers (guided sessions) are timer.js, on the pages that have them.

  // -- push notifications --------------------------------------------------------------------
  const pushButton = document.getElementById("enable-push");
  if (pushButton && "serviceWorker" in navigator && "PushManager" in window) {
    pushButton.addEventListener("click", async function () {
      const permission = await Notification.requestPermission();
      if (permission !== "granted") { say(pushButton.dataset.denied); return; }
      const registration = await navigator.serviceWorker.ready;
      const key = pushButton.dataset.key.replace(/-/g, "+").replace(/_/g, "/");
      const raw = atob(key + "=".repeat((4 - (key.length % 4)) % 4));
      const subscription = await registration.pushManager.subscribe({
        userVisibleOnly: true,
        applicationServerKey: Uint8Array.from(raw, (c) => c.charCodeAt(0)),
      });
      const json = subscription.toJSON();
      const body = new URLSearchParams({ endpoint: json.endpoint, p256dh: json.keys.p256dh, auth: json.keys.auth });
      const response = await fetch(pushButton.dataset.url, {
        method: "POST", credentials: "same-origin", headers: { "X-CSRFToken": csrfToken() }, body: body,
      });
      if (response.ok) say(pushButton.dataset.done);
    });
  } else if (pushButton) {
    pushButton.hidden = true;
  }

  // Signing out forgets this phone's push subscription, here and on the server, so that a
  // shared phone shows no reminders of the one who left. Whatever fails, sign-out goes on.
  const signOut = document.getElementById("sign-out");
  if (signOut && "serviceWorker" in navigator && "PushManager" in window) {
    signOut.addEventListener("submit", async function (event) {
      if (signOut.dataset.forgotten) return;
      event.preventDefault();
      try {
        const registration = await navigator.serviceWorker.getRegistration();
        const subscription = registration && await registration.pushManager.getSubscription();
        if (subscription) {
          signOut.elements.push_endpoint.value = subscription.endpoint;
          await subscription.unsubscribe();
        }
      } catch (error) {
        // No service worker or push here: nothing to forget.
      }
      signOut.dataset.forgotten = "yes";
      signOut.submit();
    });
  }

  // -- questionnaires: one question per screen, on the phone ----------------------------------
  // The form works without this as a multi-step form posted screen by screen. Here the steps
  // change on the phone, offline too, and the last screen goes through the offline queue
  // above (the form carries its client key).
  document.querySelectorAll("form[data-questionnaire]").forEach(function (form) {
    const steps = Array.from(form.querySelectorAll("[data-question]"));
    const stepInput = form.querySelector("[data-step]");
    const next = form.querySelector("[data-next]");
    const back = form.querySelector("[data-back]");
    const progress = form.querySelector("[data-progress]");
    const choose = form.querySelector("[data-choose]");
    let current = parseInt(stepInput.value, 10) || 0;
    function show(index) {
      current = index;
      steps.forEach((step, i) => { step.hidden = i !== index; });
      stepInput.value = String(index);
      back.hidden = index === 0;
      next.textContent = index === steps.length - 1 ? form.dataset.sendLabel : form.dataset.nextLabel;
      progress.textContent = form.dataset.progressLabel.replace("__N__", index + 1);
      choose.hidden = true;
      const heading = steps[index].querySelector("h2");
      if (heading) heading.focus();
    }
    function answered(index) { return !!steps[index].querySelector("input:checked"); }
    next.addEventListener("click", function (event) {
      if (!answered(current)) {
        event.preventDefault();
        choose.hidden = false;
        return;
      }
      if (current < steps.length - 1) {
        event.preventDefault();
        show(current + 1);
      } // the last: the form is submitted, and queued
    });
    back.addEventListener("click", function (event) {
      event.preventDefault();
      if (current > 0) show(current - 1);
    });
    // Choosing an answer moves on, as a paper form's next line would (not on the last).
    form.addEventListener("change", function (event) {
      if (event.target.type === "radio" && current < steps.length - 1) setTimeout(function () { show(current + 1); }, 250);
    });
  });

  if (!navigator.onLine) say(document.body.dataset.offline || "");
  flush();
  // The copies for offline wait until the page in front of the patient has loaded (its
  // first demonstration above all): on a slow phone they would otherwise take its turn.
  if (document.readyState === "complete") keepTodayOffline();
  else window.addEventListener("load", keepTodayOffline, { once: true });
})();
