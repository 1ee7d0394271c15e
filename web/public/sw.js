/*
 * Echo's service worker: the app shell works offline, album covers are kept in a bounded cache,
 * and a new version takes over at once (the assets are content-hashed, so an open page keeps
 * working with the files it has). API calls and audio streams are left to the network.
 */
const SHELL = "echo-shell";
const ASSETS = "echo-assets";
const COVERS = "echo-covers";
const ASSET_LIMIT = 200;
const COVER_LIMIT = 400;

self.addEventListener("install", (event) => {
  event.waitUntil(cacheShell().then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(self.clients.claim());
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    event.respondWith(networkFirstPage(request));
  } else if (url.pathname.startsWith("/assets/")) {
    event.respondWith(cacheFirst(request, ASSETS, ASSET_LIMIT));
  } else if (isCover(url)) {
    event.respondWith(cacheFirst(request, COVERS, COVER_LIMIT));
  }
});

function isCover(url) {
  // Versioned cover URLs (?v=content hash) never change; unversioned ones are left alone.
  return url.searchParams.has("v") && /^\/api\/(images\/)?albums\/[^/]+\/cover$/.test(url.pathname);
}

/** index.html and the files it loads first, so the shell starts without a network. */
async function cacheShell() {
  const response = await fetch("/", { cache: "no-cache" });
  if (!response.ok) return;
  const html = await response.clone().text();
  const files = [...html.matchAll(/(?:src|href)="(\/[^"]+)"/g)].map((match) => match[1]);
  await (await caches.open(SHELL)).put("/", response);
  const assets = await caches.open(ASSETS);
  await Promise.all(
    files.map((file) => assets.add(file).catch(() => undefined)),
  );
}

/** Every page is index.html (client-side routes): fresh from the server, else the cached copy. */
async function networkFirstPage(request) {
  try {
    const response = await fetch(request);
    if (response.ok && (response.headers.get("content-type") || "").includes("text/html")) {
      await (await caches.open(SHELL)).put("/", response.clone());
    }
    return response;
  } catch (error) {
    const cached = await caches.match("/", { cacheName: SHELL });
    if (cached) return cached;
    throw error;
  }
}

async function cacheFirst(request, cacheName, limit) {
  const cache = await caches.open(cacheName);
  const cached = await cache.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) {
    await cache.put(request, response.clone());
    await trim(cache, limit);
  }
  return response;
}

/** Drops the oldest entries (keys come back in insertion order) past the limit. */
async function trim(cache, limit) {
  const keys = await cache.keys();
  await Promise.all(keys.slice(0, Math.max(0, keys.length - limit)).map((key) => cache.delete(key)));
}
