/**
 * Finds people by username or display name (`GET /api/users?q=`), as you type, and hands
 * the one picked to `onPick`. Results are buttons, so the list works from the keyboard.
 */
import { createSignal, createUniqueId, For, onCleanup, Show } from 'solid-js';
import { describeError } from '../api/http.ts';
import { useSession } from '../stores/context.tsx';
import { Avatar } from './Avatar.tsx';
import type { PublicUser } from '#shared/api/users';

export interface UserSearchProps {
  label: string;
  /** The accessible name of a result's button, e.g. `Message Ann`. */
  actionLabel: (user: PublicUser) => string;
  onPick: (user: PublicUser) => void;
  /** Users not to offer (yourself is never offered). */
  exclude?: readonly string[];
  disabled?: boolean;
}

const DEBOUNCE_MS = 200;

export function UserSearch(props: UserSearchProps) {
  const session = useSession();
  const [query, setQuery] = createSignal('');
  const [results, setResults] = createSignal<PublicUser[]>([]);
  const [searched, setSearched] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const inputId = createUniqueId();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let latest = 0;
  onCleanup(() => clearTimeout(timer));

  const visible = () => {
    const hidden = new Set([...(props.exclude ?? []), session.user()?.id]);
    return results().filter((u) => !hidden.has(u.id));
  };

  function onInput(q: string) {
    setQuery(q);
    clearTimeout(timer);
    if (!q.trim()) {
      latest++;
      setResults([]);
      setSearched(false);
      return;
    }
    timer = setTimeout(() => void search(q.trim()), DEBOUNCE_MS);
  }

  // Enter picks the first result instead of submitting a surrounding form.
  function onKeyDown(e: KeyboardEvent) {
    if (e.key !== 'Enter') return;
    e.preventDefault();
    const first = visible()[0];
    if (first && !props.disabled) props.onPick(first);
  }

  async function search(q: string) {
    const mine = ++latest;
    try {
      const users = await session.api.searchUsers(q);
      if (mine !== latest) return;
      setResults(users);
      setError(null);
    } catch (e) {
      if (mine === latest) setError(describeError(e));
    } finally {
      if (mine === latest) setSearched(true);
    }
  }

  return (
    <div class="user-search">
      <div class="field">
        <label for={inputId}>{props.label}</label>
        <input
          id={inputId}
          type="search"
          autocomplete="off"
          spellcheck={false}
          placeholder="Name or username"
          value={query()}
          onInput={(e) => onInput(e.currentTarget.value)}
          onKeyDown={onKeyDown}
        />
      </div>
      <p class="sr-only" role="status">
        {searched() ? `${visible().length} ${visible().length === 1 ? 'person' : 'people'} found` : ''}
      </p>
      <Show when={error()}>
        <p class="field-error">{error()}</p>
      </Show>
      <Show when={searched() && results().length === 0 && !error()}>
        <p class="muted">Nobody found for “{query().trim()}”.</p>
      </Show>
      <ul class="user-results">
        <For each={visible()}>
          {(user) => (
            <li>
              <button
                type="button"
                class="user-result"
                aria-label={props.actionLabel(user)}
                disabled={props.disabled}
                onClick={() => props.onPick(user)}
              >
                <Avatar name={user.displayName} id={user.id} size="sm" />
                <span class="user-result-text">
                  <span class="user-result-name">{user.displayName}</span>
                  <span class="muted">@{user.username}</span>
                </span>
              </button>
            </li>
          )}
        </For>
      </ul>
    </div>
  );
}
