{% load static %}/* The app's service worker: pages network-first with the last copy kept for offline,
   scripts, styles and pictures from the cache. Writes are never cached: the page
   queues offline logs itself and sends them when the connection returns. */
const PAGES = "rehab-pages-v1";
const ASSETS = "rehab-assets-v1";
const OFFLINE_URL = "{% url 'web:offline' %}";
const PRECACHE = [
  OFFLINE_URL,
  "{% static 'web/app.css' %}",
  "{% static 'web/app.js' %}",
  "{% static 'web/icon.svg' %}",
];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(ASSETS).then((cache) => cache.addAll(PRECACHE)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== PAGES && k !== ASSETS).map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
  );
});

function isAsset(url) {
  return url.pathname.startsWith("{% get_static_prefix %}") || url.pathname.endsWith(".svg");
}

async function networkFirst(request) {
  try {
    const response = await fetch(request);
    if (response.ok && !response.redirected) {
      const cache = await caches.open(PAGES);
      await cache.put(request, response.clone());
    }
    return response;
  } catch (error) {
    const cached = await caches.match(request, { ignoreSearch: false });
    if (cached) return cached;
    if (request.mode === "navigate") return caches.match(OFFLINE_URL);
    throw error;
  }
}

async function cacheFirst(request) {
  const cached = await caches.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) {
    const cache = await caches.open(ASSETS);
    await cache.put(request, response.clone());
  }
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (!url.pathname.startsWith("{% url 'web:home' %}") && !url.pathname.startsWith("{% get_static_prefix %}")) return;
  event.respondWith(isAsset(url) ? cacheFirst(request) : networkFirst(request));
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
