/** A list of messages found by search; picking one jumps to it in its room. */
import { For, Show } from 'solid-js';
import type { MessageRow } from '../../storage/db.ts';
import { shortTime } from '../../lib/format.ts';

export function SearchResults(props: {
  results: MessageRow[];
  query: string;
  label: string;
  /** Room name per result, for searches across rooms. */
  roomName?(roomId: string): string;
  authorName(userId: string): string;
  onPick(row: MessageRow): void;
}) {
  return (
    <div class="search-results">
      <Show when={props.results.length > 0} fallback={<p class="list-note muted">No messages match “{props.query}”.</p>}>
        <ul aria-label={props.label}>
          <For each={props.results}>
            {(r) => (
              <li>
                <button type="button" class="search-hit" onClick={() => props.onPick(r)}>
                  <span class="search-hit-top">
                    <span class="search-hit-who">
                      {props.roomName ? `${props.roomName(r.roomId)} · ` : ''}
                      {props.authorName(r.authorId)}
                    </span>
                    <time datetime={new Date(r.createdAt).toISOString()}>{shortTime(new Date(r.createdAt).toISOString())}</time>
                  </span>
                  <span class="search-hit-text">{r.text}</span>
                </button>
              </li>
            )}
          </For>
        </ul>
      </Show>
    </div>
  );
}
