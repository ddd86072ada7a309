/**
 * createLocalStore: the signed-in user's device database. Opened as soon as the session
 * knows the user (also when it starts offline from the remembered user), closed and
 * deleted when that user signs out, so the next person on the device sees nothing of it
 * (nor the attachments cached for offline viewing).
 */
import { Dexie } from 'dexie';
import { createEffect, createSignal, on, type Accessor } from 'solid-js';
import { dbName, openUserDb, type ParleyDb } from '../storage/db.ts';
import type { SessionStore } from './session.ts';

/** The service worker's runtime cache of attachments (client/vite.config.ts). */
const ATTACHMENT_CACHE = 'parley-attachments';

export interface LocalStore {
  db: Accessor<ParleyDb | null>;
}

export function createLocalStore(session: SessionStore): LocalStore {
  const [db, setDb] = createSignal<ParleyDb | null>(null);
  let openFor: string | null = null;

  createEffect(
    on([session.status, () => session.user()?.id], ([status, userId]) => {
      if (status === 'signed-in' && userId) {
        if (openFor === userId) return;
        db()?.close();
        openFor = userId;
        setDb(openUserDb(userId));
      } else if (status === 'signed-out' && openFor) {
        const gone = openFor;
        openFor = null;
        db()?.close();
        setDb(null);
        void Dexie.delete(dbName(gone)).catch(() => {});
        // Attachments the service worker kept for offline viewing go with the database.
        if (typeof caches !== 'undefined') void caches.delete(ATTACHMENT_CACHE).catch(() => {});
      }
    }),
  );
  return { db };
}
