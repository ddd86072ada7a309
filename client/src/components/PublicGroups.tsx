/**
 * Browse and search public groups (`GET /api/rooms/public?q=`) and join one
 * (`POST /api/rooms/:id/join`); groups you are in open instead.
 */
import { A, useNavigate } from '@solidjs/router';
import { createResource, createSignal, createUniqueId, For, onCleanup, Show } from 'solid-js';
import type { PublicRoomSummary } from '#shared/api/rooms';
import { describeError } from '../api/http.ts';
import { useRooms, useSession } from '../stores/context.tsx';
import { createAction } from '../lib/action.ts';
import { plural } from '../lib/format.ts';
import { Avatar } from './Avatar.tsx';
import { FormAlert } from './FormAlert.tsx';

const DEBOUNCE_MS = 200;

export function PublicGroups() {
  const session = useSession();
  const rooms = useRooms();
  const navigate = useNavigate();
  const action = createAction();
  const inputId = createUniqueId();
  const [query, setQuery] = createSignal('');
  const [list] = createResource(query, (q) => session.api.publicRooms(q));
  let timer: ReturnType<typeof setTimeout> | undefined;
  onCleanup(() => clearTimeout(timer));

  function onInput(value: string) {
    clearTimeout(timer);
    timer = setTimeout(() => setQuery(value.trim()), DEBOUNCE_MS);
  }

  async function join(group: PublicRoomSummary) {
    const room = await action.run(() => session.api.joinRoom(group.id));
    if (!room) return;
    rooms.put(room);
    navigate(`/r/${room.id}`);
  }

  return (
    <section class="card" aria-labelledby="public-title">
      <h3 id="public-title">Public groups</h3>
      <div class="field">
        <label for={inputId}>Search public groups</label>
        <input id={inputId} type="search" autocomplete="off" placeholder="Group name" onInput={(e) => onInput(e.currentTarget.value)} />
      </div>
      <FormAlert message={action.error() ?? (list.error ? describeError(list.error) : null)} />
      <p class="sr-only" role="status">
        {list.state === 'ready' ? plural(list().length, 'group') + ' found' : ''}
      </p>
      <Show when={list.latest} fallback={<p class="muted">{list.loading ? 'Loading…' : ''}</p>}>
        <Show
          when={(list.latest ?? []).length > 0}
          fallback={<p class="muted">{query() ? `No public group matches “${query()}”.` : 'No public groups yet.'}</p>}
        >
          <ul class="group-results" aria-labelledby="public-title">
            <For each={list.latest}>
              {(g) => (
                <li class="group-result">
                  <Avatar name={g.name} id={g.id} size="sm" />
                  <span class="user-result-text">
                    <span class="user-result-name">{g.name}</span>
                    <span class="muted">{plural(g.memberCount, 'member')}</span>
                  </span>
                  <Show
                    when={g.isMember}
                    fallback={
                      <button type="button" class="btn btn-primary btn-sm" aria-label={`Join ${g.name}`} disabled={action.busy()} onClick={() => void join(g)}>
                        Join
                      </button>
                    }
                  >
                    <A href={`/r/${g.id}`} class="btn btn-secondary btn-sm" aria-label={`Open ${g.name}`}>
                      Open
                    </A>
                  </Show>
                </li>
              )}
            </For>
          </ul>
        </Show>
      </Show>
    </section>
  );
}
