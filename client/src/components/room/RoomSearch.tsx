/**
 * Search within the open room, over the device's messages (works offline). A button in the
 * room header opens a search box; results drop down below it and jump to the message.
 */
import { createSignal, Show } from 'solid-js';
import type { MessageRow, ParleyDb } from '../../storage/db.ts';
import { createLiveQuery } from '../../storage/live.ts';
import { searchMessages } from '../../storage/search.ts';
import { SearchResults } from './SearchResults.tsx';
import { IconSearch, IconX } from './icons.tsx';

export function RoomSearch(props: {
  db: ParleyDb | null;
  roomId: string;
  authorName(id: string): string;
  /** Authors whose messages this room hides (blocked people, in groups). */
  hiddenAuthor(id: string): boolean;
  onPick(row: MessageRow): void;
}) {
  const [open, setOpen] = createSignal(false);
  const [query, setQuery] = createSignal('');
  const results = createLiveQuery(
    () => {
      const q = query().trim();
      return open() && props.db && q ? { db: props.db, q, roomId: props.roomId } : null;
    },
    (s) => searchMessages(s.db, s.q, { roomId: s.roomId, hide: (m) => props.hiddenAuthor(m.authorId) }),
    [] as MessageRow[],
  );
  const close = () => {
    setOpen(false);
    setQuery('');
  };

  return (
    <Show
      when={open()}
      fallback={
        <button type="button" class="icon-btn" aria-label="Search in this chat" title="Search in this chat" onClick={() => setOpen(true)}>
          <IconSearch />
        </button>
      }
    >
      <div class="room-search" role="search">
        <input
          type="search"
          class="room-search-input"
          placeholder="Search this chat"
          aria-label="Search in this chat"
          value={query()}
          ref={(el) => queueMicrotask(() => el.focus())}
          onInput={(e) => setQuery(e.currentTarget.value)}
          onKeyDown={(e) => e.key === 'Escape' && close()}
        />
        <button type="button" class="icon-btn sm" aria-label="Close search" onClick={close}>
          <IconX />
        </button>
        <Show when={query().trim()}>
          <div class="room-search-pop">
            <SearchResults
              results={results()}
              query={query().trim()}
              label="Messages found"
              authorName={props.authorName}
              onPick={(row) => {
                props.onPick(row);
                close();
              }}
            />
          </div>
        </Show>
      </div>
    </Show>
  );
}
