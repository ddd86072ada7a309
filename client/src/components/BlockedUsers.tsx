/** Settings: the people you blocked (`GET /api/blocks`), each with Unblock. */
import { createResource, For, Show } from 'solid-js';
import type { BlockInfo } from '#shared/api/users';
import type { UserId } from '#shared/ids';
import { describeError } from '../api/http.ts';
import { useSession } from '../stores/context.tsx';
import { createAction } from '../lib/action.ts';
import { Avatar } from './Avatar.tsx';
import { FormAlert } from './FormAlert.tsx';

export function BlockedUsers() {
  const session = useSession();
  const action = createAction();
  const [blocks, { mutate, refetch }] = createResource(() => session.api.blocks());

  async function unblock(b: BlockInfo) {
    const done = await action.run(async () => (await session.api.unblock(b.user.id as UserId), true));
    if (done) mutate((list) => list?.filter((x) => x.user.id !== b.user.id));
    else void refetch();
  }

  return (
    <section class="card" aria-labelledby="blocked-title">
      <h3 id="blocked-title">Blocked people</h3>
      <p class="muted">They can’t message you or see when you are online. Block someone from their chat’s info.</p>
      <FormAlert message={action.error() ?? (blocks.error ? describeError(blocks.error) : null)} />
      <Show when={blocks.latest} fallback={<p class="muted">{blocks.loading ? 'Loading…' : ''}</p>}>
        <Show when={(blocks.latest ?? []).length > 0} fallback={<p class="muted">You haven’t blocked anyone.</p>}>
          <ul class="member-list" aria-labelledby="blocked-title">
            <For each={blocks.latest}>
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
