/**
 * createUploadsStore: the Solid face of the upload queue. One queue per signed-in user
 * and device database, woken when the sync connection is back (its heartbeat knows about
 * the network better than `navigator.onLine`). When an upload is done the message is
 * written into the room's live document with the attachment as the server stored it
 * (type from the bytes, image size), so every member sees a complete message at once.
 */
import { createEffect, createSignal, onCleanup, type Accessor } from 'solid-js';
import { attachmentKind, toAttachmentRef } from '#shared/api/attachments';
import { newId } from '#shared/ids';
import type { RoomId } from '#shared/ids';
import { sendMessage } from '#shared/room-doc/ops';
import { DEFAULT_ENTRY_LIMITS, messageKey } from '#shared/room-doc/schema';
import { UploadError, UploadQueue, type PendingUpload, type UploadStatus } from '../attachments/queue.ts';
import { createXhrUploader } from '../attachments/upload.ts';
import { createDexieUploadStore } from '../attachments/dexie-store.ts';
import { createAttachmentUrls, type AttachmentUrls } from '../attachments/urls.ts';
import { imageSize, nameOf } from '../attachments/files.ts';
import { rowFromDoc } from '../storage/rows.ts';
import type { SessionStore } from './session.ts';
import type { LocalStore } from './local.ts';
import type { RoomsStore } from './rooms.ts';
import type { SyncStore } from './sync.ts';
import type { TabLock } from './tab-lock.ts';

export interface SendFilesInput {
  roomId: string;
  files: File[];
  /** The caption, carried by the first file's message. */
  text: string;
  replyTo?: string;
}

export interface UploadsStore {
  /** The state of a pending upload by attachment id; undefined when none (sent, or never). */
  status(attachmentId: string): UploadStatus | undefined;
  /** A local object URL for a file sent from this page (instant preview, no network). */
  localUrl(attachmentId: string): string | null;
  /** Stores each file as a pending upload whose message appears at once. */
  send(input: SendFilesInput): Promise<void>;
  retry(attachmentId: string): void;
  /** Drops a pending upload (its message is never written). */
  cancel(attachmentId: string): void;
  urls: AttachmentUrls;
  /** True while the queue is running for the signed-in user. */
  ready: Accessor<boolean>;
}

export function createUploadsStore(session: SessionStore, local: LocalStore, rooms: RoomsStore, sync: SyncStore, tab: TabLock): UploadsStore {
  const [statuses, setStatuses] = createSignal<ReadonlyMap<string, UploadStatus>>(new Map());
  const [queue, setQueue] = createSignal<UploadQueue | null>(null);
  const localUrls = new Map<string, string>();
  const urls = createAttachmentUrls(session.http);

  createEffect(() => {
    const db = local.db();
    const userId = session.user()?.id;
    // The active tab alone uploads (another would send the same pending files again).
    if (!db || !userId || !tab.active()) return;
    const q = new UploadQueue({
      store: createDexieUploadStore(db),
      upload: createXhrUploader(() => session.freshToken(), () => sync.config()?.limits.maxUploadBytes ?? null),
      publish: async (item, stored) => {
        const manager = sync.manager();
        if (!manager) throw new UploadError('network', 'Waiting for the connection.');
        const liveEpoch = rooms.get(item.roomId as RoomId)?.liveEpoch ?? 0;
        const doc = await manager.roomDoc(item.roomId, liveEpoch);
        sendMessage(
          doc,
          {
            id: item.messageId,
            authorId: userId,
            deviceId: session.deviceId() ?? 'web',
            kind: attachmentKind(stored.mime),
            text: item.text,
            attachment: toAttachmentRef(stored),
            ...(item.replyTo ? { replyTo: item.replyTo } : {}),
            createdAt: item.createdAt,
          },
          { maxTextChars: sync.config()?.limits.maxTextChars ?? DEFAULT_ENTRY_LIMITS.maxTextChars },
        );
        // Put the projected row in place before the pending one goes, so nothing flickers.
        const row = rowFromDoc(doc, item.roomId, manager.roomEpoch(item.roomId), messageKey(userId, item.messageId));
        if (row) await db.messages.put(row);
      },
      onStatus: (id, status) =>
        setStatuses((m) => {
          const next = new Map(m);
          if (status) next.set(id, status);
          else next.delete(id);
          return next;
        }),
    });
    setQueue(q);
    void q.start();
    const wake = () => q.wake();
    window.addEventListener('online', wake);
    onCleanup(() => {
      window.removeEventListener('online', wake);
      q.stop();
      setQueue(null);
      setStatuses(new Map());
      for (const u of localUrls.values()) URL.revokeObjectURL(u);
      localUrls.clear();
    });
  });

  // The connection being up again is the best sign that an upload can go now.
  createEffect(() => {
    const s = sync.state();
    if (s === 'up-to-date' || s === 'syncing') queue()?.wake();
  });

  async function send(input: SendFilesInput): Promise<void> {
    const db = local.db();
    const q = queue();
    const manager = sync.manager();
    if (!db || !q) throw new Error('Still starting. Try again in a moment.');
    const now = manager?.now() ?? Date.now();
    let first = true;
    for (const [i, file] of input.files.entries()) {
      const size = await imageSize(file);
      const item: PendingUpload = {
        id: newId(),
        messageId: newId(),
        roomId: input.roomId,
        blob: file,
        name: nameOf(file),
        mime: file.type || 'application/octet-stream',
        size: file.size,
        ...(size ?? {}),
        text: first ? input.text : '',
        replyTo: first ? (input.replyTo ?? null) : null,
        // Distinct times keep the files in the order they were picked.
        createdAt: now + i,
        error: null,
      };
      first = false;
      localUrls.set(item.id, URL.createObjectURL(file));
      await q.add(item);
    }
  }

  return {
    status: (id) => statuses().get(id),
    localUrl(id) {
      const known = localUrls.get(id);
      if (known) return known;
      // After a reload the blob is still on the device while it waits.
      const db = local.db();
      if (db && statuses().has(id)) {
        void db.attachments.get(id).then((row) => {
          if (row && !localUrls.has(id)) {
            localUrls.set(id, URL.createObjectURL(row.blob));
            setStatuses((m) => new Map(m)); // re-render readers of localUrl
          }
        });
      }
      return null;
    },
    send,
    retry: (id) => void queue()?.retry(id),
    cancel: (id) => void queue()?.cancel(id),
    urls,
    ready: () => queue() !== null,
  };
}
