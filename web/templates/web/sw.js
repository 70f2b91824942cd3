{% load static %}/* The app's service worker: pages network-first with the last copy kept for offline,
   scripts, styles and pictures from the cache. Writes are never cached: the page
   queues offline logs itself and sends them when the connection returns.

   The assets' cache is named after their version, which changes with any of them (and
   in production their URLs carry their content's hash). A deploy that changes one thus
   changes this file: the browser installs it, it fetches the new assets into a new cache,
   takes over at once and deletes every older cache. Pages are network-first, so their
   cache keeps its name (and Today stays available offline across the update). */
const VERSION = "{{ version }}";
const PAGES = "rehab-pages-v1";
const ASSETS = "rehab-assets-" + VERSION;
const OFFLINE_URL = "{% url 'web:offline' %}";
const STATIC_PREFIX = "{% get_static_prefix %}";
// This version's assets: their plain names ("web/app.css") and the URLs the pages use.
const CURRENT = {{ assets|safe }};
const PRECACHE = [OFFLINE_URL, ...Object.values(CURRENT)];

self.addEventListener("install", (event) => {
  // Past the browser's HTTP cache: a file with an unchanged URL may have changed (development).
  const requests = PRECACHE.map((url) => new Request(url, { cache: "reload" }));
  event.waitUntil(caches.open(ASSETS).then((cache) => cache.addAll(requests)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== PAGES && k !== ASSETS).map((k) => caches.delete(k))))
      // A page opened while this worker is asleep is asked for at once, while the worker
      // starts, not after (navigation preload): on a slow phone that start takes a while.
      // Its header names the version held here, so the server names the files this cache
      // serves instead of putting them inside the page (web/assets.py).
      .then(() => self.registration.navigationPreload && self.registration.navigationPreload.enable()
        .then(() => self.registration.navigationPreload.setHeaderValue(VERSION)))
      .then(() => self.clients.claim())
  );
});

function isAsset(url) {
  return url.pathname.startsWith("{% get_static_prefix %}") || url.pathname.endsWith(".svg");
}

async function networkFirst(event) {
  const request = event.request;
  try {
    const response = (await event.preloadResponse) || await fetch(request);
    if (response.ok && !response.redirected) {
      // The page goes to the browser as it arrives; its offline copy is stored alongside
      // (waiting for the copy first would hold the page back until its last byte).
      const copy = response.clone();
      event.waitUntil(caches.open(PAGES).then((cache) => cache.put(request, copy)));
    }
    return response;
  } catch (error) {
    const cached = await caches.match(request, { ignoreSearch: false });
    if (cached) return cached;
    if (request.mode === "navigate") return caches.match(OFFLINE_URL);
    throw error;
  }
}

// A page kept from an older version names that version's assets ("web/app.0123456789ab.css"),
// which neither this cache nor, after a deploy, the server may have: this version's copy
// of the same file stands in.
function currentCopy(url) {
  if (!url.pathname.startsWith(STATIC_PREFIX)) return Promise.resolve(undefined);
  const name = decodeURI(url.pathname.slice(STATIC_PREFIX.length)).replace(/\.[0-9a-f]{12}(\.[^./]+)$/, "$1");
  return CURRENT[name] ? caches.match(CURRENT[name]) : Promise.resolve(undefined);
}

async function cacheFirst(request) {
  const cached = await caches.match(request);
  if (cached) return cached;
  let response = null;
  try {
    response = await fetch(request);
  } catch (error) {
    // Offline: this version's copy, if there is one.
  }
  if (response && response.ok) {
    const cache = await caches.open(ASSETS);
    await cache.put(request, response.clone());
    return response;
  }
  return (await currentCopy(new URL(request.url))) || response || Response.error();
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (!url.pathname.startsWith("{% url 'web:home' %}") && !url.pathname.startsWith("{% get_static_prefix %}")) return;
  event.respondWith(isAsset(url) ? cacheFirst(request) : networkFirst(event));
});

self.addEventListener("push", (event) => {
  let data = {};
  try { data = event.data ? event.data.json() : {}; } catch (e) { data = { body: event.data.text() }; }
  event.waitUntil(self.registration.showNotification(data.title || "", {
    body: data.body || "",
    icon: "{% static 'web/icon-192.png' %}",
    data: { link: data.link || "{% url 'web:today' %}" },
  }));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  event.waitUntil(self.clients.openWindow(event.notification.data.link));
});
