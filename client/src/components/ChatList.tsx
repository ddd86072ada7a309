/**
 * The list of my chats: avatar (with a presence dot for DMs), name, last message, time and
 * unread count, latest activity first, all read from the device so it works offline. The
 * filter box narrows the list by name and, from two characters on, also searches the
 * messages of every room on the device; a hit opens its room at that message.
 */
import { A, useNavigate } from '@solidjs/router';
import { createMemo, createSignal, For, Match, Show, Switch } from 'solid-js';
import { useBlocks, useLocal, useRooms, useSession, useSync } from '../stores/context.tsx';
import { activityOf } from '../stores/rooms.ts';
import { roomSubtitle, shortTime } from '../lib/format.ts';
import { createLiveQuery } from '../storage/live.ts';
import { searchMessages } from '../storage/search.ts';
import type { MessageRow } from '../storage/db.ts';
import type { Room } from '#shared/api/rooms';
import { Avatar } from './Avatar.tsx';
import { lastSeenText } from '../lib/last-seen.ts';
import { createNow } from '../lib/now.ts';
import { SearchResults } from './room/SearchResults.tsx';

export function ChatList() {
  const rooms = useRooms();
  const session = useSession();
  const local = useLocal();
  const sync = useSync();
  const blocks = useBlocks();
  const navigate = useNavigate();
  const [filter, setFilter] = createSignal('');
  const me = () => session.user()?.id;

  const shown = createMemo(() => {
    const q = filter().trim().toLowerCase();
    return q ? rooms.rooms().filter((r) => r.name.toLowerCase().includes(q)) : rooms.rooms();
  });
  // As in the room (`blocks.hides`), a blocked person's group messages stay out of sight: not
  // in previews, not in search results.
  const roomOf = (id: string) => rooms.rooms().find((r) => r.id === id);
  const hits = createLiveQuery(
    () => {
      const q = filter().trim();
      const db = local.db();
      return db && q.length >= 2 ? { db, q } : null;
    },
    (s) => searchMessages(s.db, s.q, { limit: 30, hide: (m) => blocks.hides(roomOf(m.roomId), m.authorId) }),
    [] as MessageRow[],
  );
  const roomName = (id: string) => roomOf(id)?.name ?? 'Chat';
  const authorName = (id: string) => {
    if (id === me()) return 'You';
    for (const r of rooms.rooms()) {
      const m = r.members.find((x) => x.id === id);
      if (m) return m.displayName;
    }
    return 'Someone';
  };
  const peerOf = (room: Room) => (room.kind === 'dm' ? (room.members.find((m) => m.id !== me())?.id ?? '') : '');
  const peerOnline = (room: Room) => !!peerOf(room) && sync.isOnline(peerOf(room));
  // Presence comes from the server, which hides it when either side doesn't share it.
  const now = createNow(30_000);
  const peerSeen = (room: Room) => (peerOf(room) && !peerOnline(room) ? lastSeenText(sync.presence.of(peerOf(room)).lastSeen, now()) : '');
  const subtitle = (room: Room) => {
    const last = room.lastMessage;
    if (!last || last.deleted) return roomSubtitle(room);
    if (blocks.hides(room, last.authorId)) return 'Message from a blocked user';
    // An AI reply (DESIGN §9) never passes for the person's own words, not even in a preview.
    if (last.kind === 'ai') return `AI: ${last.text}`;
    // An image or file without a caption still says what it is.
    const body = last.text || (last.kind === 'image' ? 'Photo' : last.kind === 'file' ? 'File' : '');
    if (last.authorId === me()) return `You: ${body}`;
    return room.kind === 'group' ? `${authorName(last.authorId).split(' ')[0]}: ${body}` : body;
  };

  return (
    <nav class="chat-list" aria-label="Chats">
      <div class="chat-filter" role="search">
        <input type="search" placeholder="Search chats and messages" aria-label="Search chats and messages" value={filter()} onInput={(e) => setFilter(e.currentTarget.value)} />
      </div>
      <Switch>
        <Match when={rooms.error() && rooms.rooms().length === 0}>
          <div class="list-note" role="alert">
            <p>{rooms.error()}</p>
            <button type="button" class="btn btn-secondary btn-sm" onClick={() => void rooms.reload()}>
              Try again
            </button>
          </div>
        </Match>
        <Match when={!rooms.loaded()}>
          <p class="list-note muted">Loading chats…</p>
        </Match>
        <Match when={rooms.rooms().length === 0}>
          <div class="list-note">
            <p>No chats yet.</p>
            <p class="muted">Use “New chat” to message someone or start a group.</p>
          </div>
        </Match>
        <Match when={true}>
          <Show when={filter().trim() && shown().length === 0 && filter().trim().length < 2}>
            <p class="list-note muted">No chats match.</p>
          </Show>
          <ul>
            <For each={shown()}>
              {(room) => (
                <li>
                  <A href={`/r/${room.id}`} class="chat-row" activeClass="active">
                    <span class="avatar-wrap">
                      <Avatar name={room.name} id={room.id} />
                      <Show when={peerOnline(room)}>
                        <span class="presence-dot" role="img" aria-label="online" />
                      </Show>
                    </span>
                    <span class="chat-row-main">
                      <span class="chat-row-top">
                        <span class="chat-row-name">{room.name}</span>
                        <Show when={peerSeen(room)}>
                          <span class="chat-row-seen">{peerSeen(room)}</span>
                        </Show>
                        <time class="chat-row-time" datetime={activityOf(room)}>
                          {shortTime(activityOf(room))}
                        </time>
                      </span>
                      <span class="chat-row-bottom">
                        <span class="chat-row-sub">{subtitle(room)}</span>
                        <Show when={room.unread > 0}>
                          <span class="unread-badge" aria-label={`${room.unread} unread`}>
                            {room.unread > 99 ? '99+' : room.unread}
                          </span>
                        </Show>
                      </span>
                    </span>
                  </A>
                </li>
              )}
            </For>
          </ul>
          <Show when={filter().trim().length >= 2}>
            <h2 class="list-heading">Messages</h2>
            <SearchResults
              results={hits()}
              query={filter().trim()}
              label="Messages found in all chats"
              roomName={roomName}
              authorName={authorName}
              onPick={(row) => navigate(`/r/${row.roomId}?m=${row.id}`)}
            />
          </Show>
        </Match>
      </Switch>
    </nav>
  );
}
