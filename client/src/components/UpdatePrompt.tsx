/**
 * Registers the service worker (no inline script: this module does it) and offers the
 * waiting version with "A new version is ready — Reload" instead of swapping it silently.
 */
import { Show } from 'solid-js';
import { useRegisterSW } from 'virtual:pwa-register/solid';

export function UpdatePrompt() {
  const {
    needRefresh: [needRefresh, setNeedRefresh],
    updateServiceWorker,
  } = useRegisterSW({ immediate: true });

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
