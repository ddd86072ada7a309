/**
 * `/r/:roomId`: a room. Everything shown comes from the device (the room list and the
 * `messages` projection through liveQuery), so a room opens at once and offline; the
 * composer writes into the room document, which the sync connection sends when it can.
 * `?m=<messageId>` brings a message into view (search results, quotes).
 */
import { useParams, useSearchParams } from '@solidjs/router';
import { Dexie } from 'dexie';
import { createEffect, createMemo, createSignal, on, onCleanup, Show } from 'solid-js';
import type { RoomId } from '#shared/ids';
import { ApiError, describeError } from '../api/http.ts';
import { useBlocks, useLocal, useRooms, useSession, useSync, useUploads } from '../stores/context.tsx';
import { PaneHeader } from '../components/PaneHeader.tsx';
import { DEFAULT_ENTRY_LIMITS } from '#shared/room-doc/schema';
import { RoomInfoLink } from '../components/RoomInfoLink.tsx';
import { MessageList } from '../components/room/MessageList.tsx';
import { Composer } from '../components/room/Composer.tsx';
import { RoomSearch } from '../components/room/RoomSearch.tsx';
import { DmBlockButton } from '../components/room/DmBlockButton.tsx';
import { createLiveQuery } from '../storage/live.ts';
import { loadOlder } from '../storage/history.ts';
import type { MessageRow } from '../storage/db.ts';
import { canEdit, editText, removeMessage, sendText, type RoomActionsContext } from '../sync/room-actions.ts';
import { createRoomStatus } from '../stores/room-status.ts';
import { MessageInfo } from '../components/room/MessageInfo.tsx';
import { pendingRow, withPending } from '../attachments/files.ts';

/** Rows read from the device at first, and added each time the reader nears the top. */
const WINDOW_STEP = 150;

export default function RoomView() {
  const params = useParams<{ roomId: string }>();
  const [search, setSearch] = useSearchParams<{ m?: string }>();
  const rooms = useRooms();
  const session = useSession();
  const local = useLocal();
  const sync = useSync();
  const blocks = useBlocks();
  const uploads = useUploads();
  const [error, setError] = createSignal<string | null>(null);
  const [replyTo, setReplyTo] = createSignal<MessageRow | null>(null);
  const [editing, setEditing] = createSignal<MessageRow | null>(null);
  const [actionError, setActionError] = createSignal<string | null>(null);
  const room = () => rooms.get(params.roomId as RoomId);
  const me = () => session.user()?.id ?? '';
  const status = createRoomStatus(room, session, sync);
  const [infoFor, setInfoFor] = createSignal<MessageRow | null>(null);

  // The open room's document stays loaded (others are loaded only to apply what arrives).
  // Keyed by id and epoch: the room object is replaced on every message, and re-holding
  // the document each time would be churn for nothing.
  const heldId = createMemo(() => room()?.id);
  const heldEpoch = createMemo(() => room()?.liveEpoch ?? 0);
  createEffect(() => {
    const m = sync.manager();
    const id = heldId();
    if (m && id) onCleanup(m.acquire(id, heldEpoch()));
  });

  // A room not in the list (a link, or the list still loading) is fetched by itself.
  createEffect(() => {
    const id = params.roomId as RoomId;
    setError(null);
    if (!rooms.loaded() || rooms.get(id)) return;
    rooms.fetch(id).catch((e) => {
      setError(e instanceof ApiError && (e.status === 404 || e.status === 403) ? 'This chat doesn’t exist or you are not a member.' : describeError(e));
    });
  });

  createEffect(
    on(
      () => params.roomId,
      () => {
        setReplyTo(null);
        setEditing(null);
        setActionError(null);
        setInfoFor(null);
      },
    ),
  );

  // Only the newest `windowSize` stored rows are read, widened as the reader nears the top:
  // a room of 10,000 messages then opens as fast as one of 100 (DESIGN §12, browser rows).
  const [windowSize, setWindowSize] = createSignal(WINDOW_STEP);
  createEffect(on(() => params.roomId, () => setWindowSize(WINDOW_STEP)));
  const rows = createLiveQuery(
    () => {
      const db = local.db();
      return db ? { db, roomId: params.roomId, limit: windowSize() } : null;
    },
    async (s) => {
      const range = s.db.messages.where('[roomId+sortKey]').between([s.roomId, Dexie.minKey], [s.roomId, Dexie.maxKey]);
      return (await range.reverse().limit(s.limit).toArray()).reverse();
    },
    [] as MessageRow[],
  );

  // A message picked in search (`?m=`) older than the window widens it down to that message.
  createEffect(() => {
    const id = search.m;
    const db = local.db();
    if (!id || !db || rows().some((r) => r.id === id)) return;
    const roomId = params.roomId;
    void db.messages.get(id).then(async (row) => {
      if (!row || row.roomId !== roomId) return;
      const newer = await db.messages.where('[roomId+sortKey]').between([roomId, row.sortKey], [roomId, Dexie.maxKey], true, true).count();
      if (newer >= windowSize()) setWindowSize(newer + WINDOW_STEP);
    });
  });

  // Files still uploading show as messages at once; their entries are written when the server has them.
  const pendingUploads = createLiveQuery(
    () => {
      const db = local.db();
      return db ? { db, roomId: params.roomId } : null;
    },
    (s) => s.db.attachments.where('roomId').equals(s.roomId).toArray(),
    [],
  );
  const allRows = createMemo(() => withPending(rows(), pendingUploads().map((p) => pendingRow(p, me()))));
  const pendingUploadOf = (row: MessageRow) => pendingUploads().find((p) => p.messageId === row.id);

  const names = createMemo(() => new Map((room()?.members ?? []).map((m) => [m.id as string, m.displayName])));
  const nameOf = (id: string) => (id === me() ? 'You' : (names().get(id) ?? 'Former member'));
  const isAdmin = () => room()?.kind === 'group' && (room()?.myRole === 'admin' || room()?.myRole === 'owner');

  const ctx = (): RoomActionsContext | null => {
    const m = sync.manager();
    const r = room();
    if (!m || !r || !me()) return null;
    return { manager: m, http: session.http, roomId: r.id, liveEpoch: r.liveEpoch ?? 0, userId: me(), deviceId: session.deviceId() ?? 'web', config: sync.config() };
  };

  async function run(action: (c: RoomActionsContext) => Promise<void>) {
    const c = ctx();
    if (!c) throw new Error('Still opening this chat. Try again in a moment.');
    setActionError(null);
    try {
      await action(c);
    } catch (e) {
      const msg = e instanceof ApiError || (e instanceof Error && e.name === 'NetworkError') ? describeError(e) : e instanceof Error ? e.message : String(e);
      setActionError(msg);
      throw e instanceof Error ? e : new Error(msg);
    }
  }

  async function submit(text: string, files: File[] = []) {
    const ed = editing();
    if (ed) {
      await run((c) => editText(c, ed, text));
      setEditing(null);
      return;
    }
    const reply = replyTo();
    status.stopTyping();
    if (files.length > 0) await run(() => uploads.send({ roomId: params.roomId, files, text, replyTo: reply?.id }));
    else await run((c) => sendText(c, text, reply?.id));
    setReplyTo(null);
  }

  // Older history, one page at a time, when the reader nears the top.
  let loadingOlder = false;
  let noMoreFor = '';
  function nearTop() {
    const db = local.db();
    const list = rows();
    const roomId = params.roomId;
    const first = list.find((r) => r.seq !== null);
    // Stored rows above the window come first; the server only once the device has none left.
    if (list.length >= windowSize()) {
      setWindowSize((n) => n + WINDOW_STEP);
      return;
    }
    if (!db || loadingOlder || noMoreFor === roomId || !first?.seq || first.seq <= 1) return;
    loadingOlder = true;
    loadOlder(db, session.http, roomId, first.seq)
      .then((more) => {
        if (!more) noMoreFor = roomId;
      })
      .catch(() => {})
      .finally(() => (loadingOlder = false));
  }

  // Read position: the newest message seen in a focused window goes into the user
  // document (forward only, at most every few seconds: the manager throttles).
  const seen = (seq: number) => sync.manager()?.markSeen(params.roomId, seq);

  const composerContext = () => {
    const ed = editing();
    if (ed) return { kind: 'edit' as const, title: 'Editing', text: ed.text };
    const r = replyTo();
    if (r) return { kind: 'reply' as const, title: `Replying to ${nameOf(r.authorId)}`, text: r.deleted ? 'message deleted' : r.text };
    return null;
  };

  const postingClosed = () => {
    const r = room();
    return r?.onlyAdminsPost && r.myRole === 'member' ? 'Only admins can send messages' : null;
  };
  const dmOther = () => {
    const r = room();
    return r?.kind === 'dm' ? r.members.find((m) => m.id !== me()) : undefined;
  };
  // In groups, messages of people I blocked wait behind a placeholder (issue 7).
  const hiddenAuthor = (id: string) => blocks.hides(room(), id);

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
        <section class="pane room-pane" aria-labelledby="room-title">
          <PaneHeader
            title={<span id="room-title">{r().name}</span>}
            sub={<span class="room-status" classList={{ typing: status.typing() }} aria-live="polite">{status.headerLine()}</span>}
          >
            <RoomSearch
              db={local.db()}
              roomId={r().id}
              authorName={nameOf}
              hiddenAuthor={hiddenAuthor}
              onPick={(row) => setSearch({ m: row.id })}
            />
            <Show when={dmOther()}>{(o) => <DmBlockButton user={o()} onError={setActionError} />}</Show>
            <RoomInfoLink roomId={r().id} />
          </PaneHeader>
          <MessageList
            rows={allRows()}
            me={me()}
            nameOf={nameOf}
            canEdit={(row) => canEdit(row, me(), sync.manager()?.now() ?? Date.now(), sync.config())}
            canDelete={(row) => row.authorId === me() || !!isAdmin()}
            focusId={search.m ?? null}
            onReply={(row) => {
              setEditing(null);
              setReplyTo(row);
            }}
            onEdit={(row) => {
              setReplyTo(null);
              setEditing(row);
            }}
            onDelete={(row) => {
              const pending = pendingUploadOf(row);
              if (pending) uploads.cancel(pending.id);
              else void run((c) => removeMessage(c, row)).catch(() => {});
            }}
            onFocusMessage={(id) => setSearch({ m: id })}
            onNearTop={nearTop}
            onSeen={seen}
            hiddenAuthor={hiddenAuthor}
            stateOf={status.stateOf}
            onInfo={setInfoFor}
          />
          <Show when={infoFor()}>
            {(row) => (
              <MessageInfo
                row={row()}
                state={status.stateOf(row())}
                groups={status.groupsOf(row())}
                nameOf={nameOf}
                readsOff={status.readsOff()}
                loadTimes={() => session.api.messageReceipts(r().id, row().id)}
                onClose={() => setInfoFor(null)}
              />
            )}
          </Show>
          <Show when={actionError()}>
            <p class="room-error" role="alert">
              {actionError()}
            </p>
          </Show>
          <Show when={!postingClosed()} fallback={<p class="composer-closed" role="note">{postingClosed()}</p>}>
            <Show when={local.db()}>
              {(db) => (
                <Composer
                  db={db()}
                  roomId={r().id}
                  context={composerContext()}
                  editText={editing()?.text ?? null}
                  maxChars={sync.config()?.limits.maxTextChars ?? DEFAULT_ENTRY_LIMITS.maxTextChars}
                  maxUploadBytes={sync.config()?.limits.maxUploadBytes ?? null}
                  disabledReason={postingClosed()}
                  onCancelContext={() => {
                    setEditing(null);
                    setReplyTo(null);
                  }}
                  onSubmit={submit}
                  onTyping={status.keystroke}
                />
              )}
            </Show>
          </Show>
        </section>
      )}
    </Show>
  );
}
