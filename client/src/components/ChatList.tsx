/** The list of my chats: avatar, name, last message (or what the room is), time. */
import { A } from '@solidjs/router';
import { For, Match, Switch } from 'solid-js';
import { useRooms } from '../stores/context.tsx';
import { activityOf } from '../stores/rooms.ts';
import { roomSubtitle, shortTime } from '../lib/format.ts';
import { Avatar } from './Avatar.tsx';

export function ChatList() {
  const rooms = useRooms();
  return (
    <nav class="chat-list" aria-label="Chats">
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
          <ul>
            <For each={rooms.rooms()}>
              {(room) => (
                <li>
                  <A href={`/r/${room.id}`} class="chat-row" activeClass="active">
                    <Avatar name={room.name} id={room.id} />
                    <span class="chat-row-main">
                      <span class="chat-row-top">
                        <span class="chat-row-name">{room.name}</span>
                        <time class="chat-row-time" datetime={activityOf(room)}>
                          {shortTime(activityOf(room))}
                        </time>
                      </span>
                      <span class="chat-row-sub">{roomSubtitle(room)}</span>
                    </span>
                  </A>
                </li>
              )}
            </For>
          </ul>
        </Match>
      </Switch>
    </nav>
  );
}
