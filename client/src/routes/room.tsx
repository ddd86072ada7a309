/**
 * `/r/:roomId`: the room's name and members. Messages come with the sync issue; until then
 * the room says so plainly instead of pretending to be empty.
 */
import { useParams } from '@solidjs/router';
import { createEffect, createSignal, For, Show } from 'solid-js';
import type { RoomId } from '#shared/ids';
import { ApiError, describeError } from '../api/http.ts';
import { useRooms, useSession } from '../stores/context.tsx';
import { Avatar } from '../components/Avatar.tsx';
import { PaneHeader } from '../components/PaneHeader.tsx';
import { plural } from '../lib/format.ts';

export default function RoomView() {
  const params = useParams<{ roomId: string }>();
  const rooms = useRooms();
  const session = useSession();
  const [error, setError] = createSignal<string | null>(null);
  const room = () => rooms.get(params.roomId as RoomId);

  // A room not in the list (a link, or the list still loading) is fetched by itself.
  createEffect(() => {
    const id = params.roomId as RoomId;
    setError(null);
    if (!rooms.loaded() || rooms.get(id)) return;
    rooms.fetch(id).catch((e) => {
      setError(e instanceof ApiError && (e.status === 404 || e.status === 403) ? 'This chat doesn’t exist or you are not a member.' : describeError(e));
    });
  });

  return (
    <Show
      when={room()}
      fallback={
        <section class="pane">
          <PaneHeader title="Chat" />
          <p class="pane-body muted" role={error() ? 'alert' : undefined}>
            {error() ?? 'Loading…'}
          </p>
        </section>
      }
    >
      {(r) => (
        <section class="pane" aria-labelledby="room-title">
          <PaneHeader
            title={<span id="room-title">{r().name}</span>}
            sub={r().kind === 'dm' ? 'Direct message' : `${r().visibility === 'public' ? 'Public group' : 'Private group'} · ${plural(r().members.length, 'member')}`}
          />
          <div class="pane-body room-body">
            <div class="room-placeholder">
              <p>Messages will appear here once syncing is in place.</p>
            </div>
            <section class="card" aria-labelledby="members-title">
              <h3 id="members-title">Members</h3>
              <ul class="member-list">
                <For each={r().members}>
                  {(m) => (
                    <li class="member">
                      <Avatar name={m.displayName} id={m.id} size="sm" />
                      <span class="member-name">
                        {m.displayName}
                        {m.id === session.user()?.id ? ' (you)' : ''}
                        <span class="muted"> @{m.username}</span>
                      </span>
                      <Show when={r().kind === 'group' && m.role !== 'member'}>
                        <span class="badge">{m.role}</span>
                      </Show>
                    </li>
                  )}
                </For>
              </ul>
            </section>
          </div>
        </section>
      )}
    </Show>
  );
}
