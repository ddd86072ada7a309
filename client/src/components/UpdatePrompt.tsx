/**
 * Registers the service worker (no inline script: this module does it) and offers the
 * waiting version with "A new version is ready — Reload" instead of swapping it silently.
 * Reload tells the waiting worker to take over; the page reloads once it controls.
 */
import { onCleanup, Show } from 'solid-js';
import { useRegisterSW } from 'virtual:pwa-register/solid';

/** An app left open for days still hears of new versions (browsers check on navigation only). */
const UPDATE_CHECK_MS = 60 * 60 * 1000;

export function UpdatePrompt() {
  let timer: ReturnType<typeof setInterval> | undefined;
  onCleanup(() => clearInterval(timer));
  const {
    needRefresh: [needRefresh, setNeedRefresh],
    updateServiceWorker,
  } = useRegisterSW({
    immediate: true,
    onRegisteredSW(_url, registration) {
      if (!registration) return;
      timer = setInterval(() => {
        // Offline, or the server is restarting: the next round will do.
        registration.update().catch(() => {});
      }, UPDATE_CHECK_MS);
    },
  });

  return (
    <Show when={needRefresh()}>
      <div class="toast" role="status">
        <span>A new version is ready</span>
        <button type="button" class="btn btn-primary btn-sm" onClick={() => void updateServiceWorker(true)}>
          Reload
        </button>
        <button type="button" class="btn btn-ghost btn-sm" onClick={() => setNeedRefresh(false)}>
          Later
        </button>
      </div>
    </Show>
  );
}
