/** Settings: the people you blocked (`GET /api/blocks`, through the blocks store), each with Unblock. */
import { createSignal, For, onMount, Show } from 'solid-js';
import type { BlockInfo } from '#shared/api/users';
import type { UserId } from '#shared/ids';
import { describeError } from '../api/http.ts';
import { useBlocks } from '../stores/context.tsx';
import { createAction } from '../lib/action.ts';
import { Avatar } from './Avatar.tsx';
import { FormAlert } from './FormAlert.tsx';

export function BlockedUsers() {
  const blocks = useBlocks();
  const action = createAction();
  const [loadError, setLoadError] = createSignal<string | null>(null);
  // The cached list shows at once; the server's replaces it.
  onMount(() => void blocks.refresh().catch((e) => setLoadError(describeError(e))));

  async function unblock(b: BlockInfo) {
    await action.run(() => blocks.unblock(b.user.id as UserId));
  }

  return (
    <section class="card" aria-labelledby="blocked-title">
      <h3 id="blocked-title">Blocked people</h3>
      <p class="muted">They can’t message you or see when you are online. Block someone from their chat’s info.</p>
      <FormAlert message={action.error() ?? (blocks.list() === null ? loadError() : null)} />
      <Show when={blocks.list()} fallback={<p class="muted">{loadError() ? '' : 'Loading…'}</p>}>
        <Show when={(blocks.list() ?? []).length > 0} fallback={<p class="muted">You haven’t blocked anyone.</p>}>
          <ul class="member-list" aria-labelledby="blocked-title">
            <For each={blocks.list()}>
              {(b) => (
                <li class="member">
                  <Avatar name={b.user.displayName} id={b.user.id} size="sm" />
                  <span class="member-name member-text">
                    <span class="member-display">{b.user.displayName}</span>
                    <span class="muted">@{b.user.username}</span>
                  </span>
                  <button
                    type="button"
                    class="btn btn-secondary btn-sm"
                    aria-label={`Unblock ${b.user.displayName}`}
                    disabled={action.busy()}
                    onClick={() => void unblock(b)}
                  >
                    Unblock
                  </button>
                </li>
              )}
            </For>
          </ul>
        </Show>
      </Show>
    </section>
  );
}
