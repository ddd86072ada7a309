/**
 * The composer: a multi-line box where Enter sends and Shift+Enter starts a new line,
 * with the message being answered or edited shown above it. The draft of each room is
 * kept on the device (`meta`), so it survives switching rooms and reloads.
 */
import { createEffect, createSignal, on, onCleanup, Show } from 'solid-js';
import type { ParleyDb } from '../../storage/db.ts';
import { MetaKey, getMeta, setMeta } from '../../storage/db.ts';
import { IconSend, IconX } from './icons.tsx';

export interface ComposerProps {
  db: ParleyDb;
  roomId: string;
  /** "Replying to Ann: …" or "Editing" bar; null for a plain message. */
  context: { kind: 'reply' | 'edit'; title: string; text: string } | null;
  /** Text to load when an edit starts. */
  editText: string | null;
  maxChars: number;
  disabledReason?: string | null;
  onCancelContext(): void;
  /** Resolves when the message is stored; throws to keep the text in the box. */
  onSubmit(text: string): Promise<void>;
}

export function Composer(props: ComposerProps) {
  let box!: HTMLTextAreaElement;
  const [text, setText] = createSignal('');
  const [error, setError] = createSignal<string | null>(null);
  let saveTimer: ReturnType<typeof setTimeout> | undefined;
  let loadedFor = '';

  const resize = () => {
    box.style.height = 'auto';
    box.style.height = `${Math.min(box.scrollHeight, 180)}px`;
  };
  const setValue = (v: string) => {
    setText(v);
    if (box) {
      box.value = v;
      resize();
    }
  };

  // Load the room's draft; save the previous room's draft at once.
  createEffect(
    on(
      () => props.roomId,
      (roomId) => {
        flushDraft();
        loadedFor = '';
        setValue('');
        void getMeta<string>(props.db, MetaKey.draft(roomId)).then((d) => {
          if (props.roomId !== roomId) return;
          loadedFor = roomId;
          if (d && !text()) setValue(d);
        });
      },
    ),
  );

  createEffect(
    on(
      () => props.editText,
      (t) => {
        if (t === null) return;
        setValue(t);
        box?.focus();
      },
    ),
  );
  createEffect(on(() => props.context?.kind, (k) => k === 'reply' && box?.focus(), { defer: true }));

  function saveDraft(roomId: string, value: string) {
    if (props.context?.kind === 'edit') return;
    const key = MetaKey.draft(roomId);
    void (value.trim() ? setMeta(props.db, key, value) : props.db.meta.delete(key)).catch(() => {});
  }
  function flushDraft() {
    clearTimeout(saveTimer);
    if (loadedFor) saveDraft(loadedFor, text());
  }
  onCleanup(flushDraft);

  function onInput(e: InputEvent & { currentTarget: HTMLTextAreaElement }) {
    setText(e.currentTarget.value);
    setError(null);
    resize();
    clearTimeout(saveTimer);
    const roomId = props.roomId;
    const value = e.currentTarget.value;
    if (loadedFor === roomId) saveTimer = setTimeout(() => saveDraft(roomId, value), 300);
  }

  async function submit() {
    const value = text().trim();
    if (!value || props.disabledReason) return;
    if (value.length > props.maxChars) {
      setError(`Messages can be at most ${props.maxChars} characters.`);
      return;
    }
    const wasEdit = props.context?.kind === 'edit';
    try {
      await props.onSubmit(value);
      setValue('');
      clearTimeout(saveTimer);
      if (!wasEdit) void props.db.meta.delete(MetaKey.draft(props.roomId)).catch(() => {});
    } catch (e) {
      setError(e instanceof Error ? e.message : 'Could not send the message.');
    }
    box.focus();
  }

  function onKeyDown(e: KeyboardEvent) {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      void submit();
    } else if (e.key === 'Escape' && props.context) {
      e.preventDefault();
      if (props.context.kind === 'edit') setValue('');
      props.onCancelContext();
    }
  }

  return (
    <form
      class="composer"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <Show when={props.context}>
        {(c) => (
          <div class="composer-context">
            <div class="composer-context-body">
              <span class="composer-context-title">{c().title}</span>
              <span class="composer-context-text">{c().text}</span>
            </div>
            <button
              type="button"
              class="icon-btn sm"
              aria-label={c().kind === 'edit' ? 'Cancel edit' : 'Cancel reply'}
              onClick={() => {
                if (c().kind === 'edit') setValue('');
                props.onCancelContext();
              }}
            >
              <IconX />
            </button>
          </div>
        )}
      </Show>
      <Show when={error() || props.disabledReason}>
        <p class="composer-error" role="alert">
          {error() ?? props.disabledReason}
        </p>
      </Show>
      <div class="composer-row">
        <textarea
          ref={box}
          class="composer-input"
          rows={1}
          placeholder={props.disabledReason ? '' : 'Message'}
          aria-label="Message"
          disabled={!!props.disabledReason}
          onInput={onInput}
          onKeyDown={onKeyDown}
        />
        <button type="submit" class="composer-send" aria-label={props.context?.kind === 'edit' ? 'Save edit' : 'Send'} disabled={!text().trim() || !!props.disabledReason}>
          <IconSend />
        </button>
      </div>
    </form>
  );
}
