/**
 * The end state of a chaos run, judged: every device holds exactly the server's
 * projection of each of its rooms — same messages, same order (seq), same content — every
 * message a device saw acknowledged is there, nothing is duplicated, no device is left
 * with a pending (unsequenced) message, and no device got a refusal.
 */
import type * as Y from 'yjs';
import { listMessages } from '#shared/room-doc/ops';
import { isTombstone } from '#shared/room-doc/schema';

export interface ServerMessage {
  id: string;
  authorId: string;
  text: string;
  deleted: boolean;
  editedAt: string | number | null;
  seq: number | null;
}

export interface Snapshot {
  /** docName → the server's history (REST). */
  server: Map<string, ServerMessage[]>;
  devices: { label: string; docs: Map<string, Y.Doc>; acked: Set<string>; errors: string[] }[];
}

const line = (seq: number | null, id: string, authorId: string, deleted: boolean, text: string, edited: boolean) =>
  `${seq}|${id}|${authorId}|${deleted ? '<deleted>' : text}|${edited ? 'edited' : ''}`;

export function verify(snap: Snapshot): { problems: string[]; messages: number } {
  const problems: string[] = [];
  const expected = new Map<string, string[]>();
  const onServer = new Set<string>();
  let messages = 0;
  for (const [doc, list] of snap.server) {
    const sorted = [...list].sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
    const ids = new Set(sorted.map((m) => m.id));
    const seqs = new Set(sorted.map((m) => m.seq));
    if (ids.size !== sorted.length) problems.push(`${doc}: duplicated ids on the server`);
    if (seqs.size !== sorted.length || sorted.some((m) => m.seq === null)) problems.push(`${doc}: duplicated or missing seqs on the server`);
    for (const id of ids) onServer.add(id);
    messages += sorted.length;
    expected.set(doc, sorted.map((m) => line(m.seq, m.id, m.authorId, m.deleted, m.text, m.editedAt !== null)));
  }
  for (const d of snap.devices) {
    for (const e of d.errors) problems.push(`${d.label} was refused: ${e}`);
    for (const id of d.acked) if (!onServer.has(id)) problems.push(`${d.label}: acknowledged message ${id} is not on the server`);
    for (const [doc, ydoc] of d.docs) {
      const want = expected.get(doc) ?? [];
      const got = listMessages(ydoc).map((m) =>
        line(m.seq, m.entry.id, m.entry.authorId, isTombstone(m.entry), isTombstone(m.entry) ? '' : m.entry.text, !isTombstone(m.entry) && m.entry.editedAt !== undefined),
      );
      if (new Set(got).size !== got.length) problems.push(`${d.label} ${doc}: duplicated messages`);
      if (got.join('\n') !== want.join('\n')) {
        const i = got.findIndex((g, k) => g !== want[k]);
        const at = i < 0 ? Math.min(got.length, want.length) : i;
        problems.push(`${d.label} ${doc}: differs from the server at #${at}: device "${got[at] ?? '(end)'}" vs server "${want[at] ?? '(end)'}" (${got.length} vs ${want.length})`);
      }
    }
  }
  return { problems, messages };
}
