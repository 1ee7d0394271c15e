/** Registers the service worker (public/sw.js) in built apps; the dev server runs without it. */
export function registerServiceWorker(): void {
  if (!import.meta.env.PROD || !("serviceWorker" in navigator)) return;
  window.addEventListener("load", () => {
    // An app without a service worker still works: nothing to tell the user.
    navigator.serviceWorker.register("/sw.js").catch(() => undefined);
  });
}
