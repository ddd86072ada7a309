/**
 * The composer: a multi-line box where Enter sends and Shift+Enter starts a new line,
 * with the message being answered or edited shown above it. The draft of each room is
 * kept on the device (`meta`), so it survives switching rooms and reloads. Files come in
 * by the Attach button, by pasting, or by dropping them on the room; each is checked
 * against the server's upload limit before anything is sent.
 */
import { createEffect, createMemo, createSignal, on, onCleanup, onMount, Show } from 'solid-js';
import type { ParleyDb } from '../../storage/db.ts';
import { MetaKey, getMeta, setMeta } from '../../storage/db.ts';
import { IconSend, IconX } from './icons.tsx';
import { IconPaperclip } from './attachment-icons.tsx';
import { ComposerFiles, createStagedFiles } from './ComposerFiles.tsx';

export interface ComposerProps {
  db: ParleyDb;
  roomId: string;
  /** "Replying to Ann: …" or "Editing" bar; null for a plain message. */
  context: { kind: 'reply' | 'edit'; title: string; text: string } | null;
  /** Text to load when an edit starts. */
  editText: string | null;
  maxChars: number;
  /** The server's upload limit (`GET /api/config`); null while unknown. */
  maxUploadBytes?: number | null;
  disabledReason?: string | null;
  onCancelContext(): void;
  /** A keystroke that changed the text (typing indicator). */
  onTyping?(): void;
  /** Resolves when the message is stored; throws to keep the text (and files) in the box. */
  onSubmit(text: string, files: File[]): Promise<void>;
}

export function Composer(props: ComposerProps) {
  let box!: HTMLTextAreaElement;
  let form!: HTMLFormElement;
  let picker!: HTMLInputElement;
  const staged = createStagedFiles();
  const [dragging, setDragging] = createSignal(false);
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

  // Load the room's draft; save the previous room's draft at once. Through a memo: the
  // room object behind `props.roomId` is replaced on every message, and an effect on the
  // prop itself would re-run then, emptying the box under the user's fingers.
  const roomId = createMemo(() => props.roomId);
  createEffect(
    on(
      roomId,
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
    if (e.currentTarget.value) props.onTyping?.();
    setError(null);
    resize();
    clearTimeout(saveTimer);
    const roomId = props.roomId;
    const value = e.currentTarget.value;
    if (loadedFor === roomId) saveTimer = setTimeout(() => saveDraft(roomId, value), 300);
  }

  function addFiles(list: Iterable<File>) {
    if (props.disabledReason || props.context?.kind === 'edit') return;
    setError(staged.add(list, props.maxUploadBytes ?? null));
    box?.focus();
  }

  function onPaste(e: ClipboardEvent) {
    const files = [...(e.clipboardData?.files ?? [])];
    if (files.length === 0) return;
    e.preventDefault();
    addFiles(files);
  }

  // Files dropped anywhere on the room (not just on the small composer).
  onMount(() => {
    const zone = form.closest('section') ?? form;
    const hasFiles = (e: DragEvent) => !!e.dataTransfer?.types.includes('Files');
    const over = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      setDragging(true);
    };
    const leave = (e: DragEvent) => {
      if (!e.relatedTarget || !zone.contains(e.relatedTarget as Node)) setDragging(false);
    };
    const drop = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      setDragging(false);
      addFiles(e.dataTransfer?.files ?? []);
    };
    zone.addEventListener('dragover', over as EventListener);
    zone.addEventListener('dragleave', leave as EventListener);
    zone.addEventListener('drop', drop as EventListener);
    onCleanup(() => {
      zone.removeEventListener('dragover', over as EventListener);
      zone.removeEventListener('dragleave', leave as EventListener);
      zone.removeEventListener('drop', drop as EventListener);
    });
  });

  // The box empties the moment a message is accepted, as in any messenger; if storing it
  // fails, the text and files come back (the text unless something new was typed meanwhile).
  async function submit() {
    const typed = text();
    const value = typed.trim();
    const files = props.context?.kind === 'edit' ? [] : staged.files().map((f) => f.file);
    if ((!value && files.length === 0) || props.disabledReason) return;
    if (value.length > props.maxChars) {
      setError(`Messages can be at most ${props.maxChars} characters.`);
      return;
    }
    const wasEdit = props.context?.kind === 'edit';
    const roomId = props.roomId;
    clearTimeout(saveTimer);
    setValue('');
    if (files.length) staged.clear();
    try {
      await props.onSubmit(value, files);
      if (!wasEdit) void props.db.meta.delete(MetaKey.draft(roomId)).catch(() => {});
    } catch (e) {
      if (props.roomId === roomId) {
        if (!text()) setValue(typed);
        staged.add(files, null);
      }
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
      ref={form}
      class="composer"
      classList={{ dragging: dragging() }}
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
      <ComposerFiles files={staged.files()} onRemove={(key) => staged.remove(key)} />
      <div class="composer-row">
        <Show when={props.context?.kind !== 'edit'}>
          <input
            ref={picker}
            type="file"
            multiple
            hidden
            onChange={(e) => {
              addFiles([...(e.currentTarget.files ?? [])]);
              e.currentTarget.value = '';
            }}
          />
          <button type="button" class="composer-attach icon-btn" aria-label="Attach" title="Attach a file" disabled={!!props.disabledReason} onClick={() => picker.click()}>
            <IconPaperclip />
          </button>
        </Show>
        <textarea
          ref={box}
          class="composer-input"
          rows={1}
          placeholder={props.disabledReason ? '' : 'Message'}
          aria-label="Message"
          disabled={!!props.disabledReason}
          onInput={onInput}
          onKeyDown={onKeyDown}
          onPaste={onPaste}
        />
        <button type="submit" class="composer-send" aria-label={props.context?.kind === 'edit' ? 'Save edit' : 'Send'} disabled={(!text().trim() && staged.files().length === 0) || !!props.disabledReason}>
          <IconSend />
        </button>
      </div>
    </form>
  );
}
