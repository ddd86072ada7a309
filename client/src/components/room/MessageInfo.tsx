/**
 * Message info (from an own message's actions): who has the message, in groups — read,
 * delivered but not read yet, not delivered yet — headed "Read by N of M" (DESIGN §3).
 * Times are not shown: watermarks carry none by design (they would tell others when a
 * device was online), and read positions reach others as a `seq` only.
 */
import { createUniqueId, For, onMount, Show } from 'solid-js';
import type { MessageRow } from '../../storage/db.ts';
import type { ReceiptGroups } from '../../lib/receipts.ts';
import { MessageState } from './MessageState.tsx';
import type { TickState } from '../../lib/receipts.ts';

export interface MessageInfoProps {
  row: MessageRow;
  state: TickState;
  groups: ReceiptGroups;
  nameOf(userId: string): string;
  /** This user doesn't share read receipts, so sees nobody's (reciprocal). */
  readsOff: boolean;
  onClose(): void;
}

export function MessageInfo(props: MessageInfoProps) {
  let dialog!: HTMLDialogElement;
  const titleId = createUniqueId();
  onMount(() => dialog.showModal());
  const names = (ids: string[]) => ids.map(props.nameOf).sort((a, b) => a.localeCompare(b));
  const when = () => new Date(props.row.createdAt).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });

  return (
    <dialog
      ref={dialog}
      class="confirm msg-info"
      aria-labelledby={titleId}
      onClose={() => props.onClose()}
      onClick={(e) => {
        if (e.target === dialog) dialog.close();
      }}
    >
      <form method="dialog" class="confirm-body">
        <h2 id={titleId}>Message info</h2>
        <blockquote class="msg-info-text">{props.row.text}</blockquote>
        <p class="msg-info-state muted">
          <MessageState state={props.state} /> Sent {when()}
        </p>
        <Show when={props.groups.total > 0} fallback={<p class="muted">Nobody else is in this chat.</p>}>
          <Show when={!props.readsOff} fallback={<p class="muted">Read receipts are off. Turn on “Share read receipts” in Settings to see who read it.</p>}>
            <Group title={`Read by ${props.groups.read.length} of ${props.groups.total}`} names={names(props.groups.read)} />
          </Show>
          <Group
            title={props.readsOff ? `Delivered to ${props.groups.delivered.length + props.groups.read.length} of ${props.groups.total}` : `Delivered, not read yet: ${props.groups.delivered.length}`}
            names={names(props.readsOff ? [...props.groups.read, ...props.groups.delivered] : props.groups.delivered)}
          />
          <Group title={`Not delivered yet: ${props.groups.waiting.length}`} names={names(props.groups.waiting)} />
        </Show>
        <div class="confirm-actions">
          <button type="submit" class="btn btn-secondary" autofocus>
            Close
          </button>
        </div>
      </form>
    </dialog>
  );
}

function Group(props: { title: string; names: string[] }) {
  const id = createUniqueId();
  return (
    <section class="msg-info-group" aria-labelledby={id}>
      <h3 id={id}>{props.title}</h3>
      <Show when={props.names.length > 0}>
        <ul>
          <For each={props.names}>{(n) => <li>{n}</li>}</For>
        </ul>
      </Show>
    </section>
  );
}
