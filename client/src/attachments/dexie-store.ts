/** The upload queue's store on the device: the Dexie `attachments` table (DESIGN §8). */
import type { ParleyDb } from '../storage/db.ts';
import type { UploadStore } from './queue.ts';

export function createDexieUploadStore(db: ParleyDb): UploadStore {
  return {
    list: () => db.attachments.orderBy('createdAt').toArray(),
    get: (id) => db.attachments.get(id),
    put: async (item) => void (await db.attachments.put(item)),
    setError: async (id, error) => void (await db.attachments.update(id, { error })),
    delete: (id) => db.attachments.delete(id),
  };
}
