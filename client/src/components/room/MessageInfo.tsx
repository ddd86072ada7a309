/**
 * Message info (from an own message's actions): who has the message, in groups — read,
 * delivered but not read yet, not delivered yet — headed "Read by N of M" (DESIGN §3).
 * The groups come from the device's receipts, so they work offline; the times come from
 * the server (`GET …/receipts`) when it can be reached, and only those the server may
 * show (no delivery time of someone who hides their presence).
 */
import { createSignal, createUniqueId, For, onMount, Show } from 'solid-js';
import type { MessageReceiptsResponse, ReceiptTime } from '#shared/api/messages';
import { receiptTime } from '../../lib/format.ts';
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
  /** Fetches when each member received and read the message (needs the network). */
  loadTimes?(): Promise<MessageReceiptsResponse>;
  onClose(): void;
}

interface Person {
  name: string;
  /** "today 14:05", or '' when not known. */
  time: string;
}

export function MessageInfo(props: MessageInfoProps) {
  let dialog!: HTMLDialogElement;
  const titleId = createUniqueId();
  onMount(() => dialog.showModal());
  // A plain signal, not a resource: a resource read under the app's Suspense would blank the room while it loads.
  const [times, setTimes] = createSignal<MessageReceiptsResponse | null>(null);
  const [timesFailed, setTimesFailed] = createSignal(false);
  onMount(() => {
    if (props.row.seq === null || !props.loadTimes) return;
    props.loadTimes().then(setTimes, () => setTimesFailed(true));
  });
  const timeIn = (list: ReceiptTime[] | undefined, id: string) => {
    const at = list?.find((t) => t.userId === id)?.at;
    return at ? receiptTime(at) : '';
  };
  const people = (ids: string[], kind: 'read' | 'delivered'): Person[] =>
    ids
      .map((id) => ({ name: props.nameOf(id), time: timeIn(times()?.[kind], id) }))
      .sort((a, b) => a.name.localeCompare(b.name));
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
            <Group title={`Read by ${props.groups.read.length} of ${props.groups.total}`} people={people(props.groups.read, 'read')} />
          </Show>
          <Group
            title={props.readsOff ? `Delivered to ${props.groups.delivered.length + props.groups.read.length} of ${props.groups.total}` : `Delivered, not read yet: ${props.groups.delivered.length}`}
            people={people(props.readsOff ? [...props.groups.read, ...props.groups.delivered] : props.groups.delivered, 'delivered')}
          />
          <Group title={`Not delivered yet: ${props.groups.waiting.length}`} people={people(props.groups.waiting, 'delivered')} />
          <Show when={timesFailed()}>
            <p class="muted msg-info-note">Times show when you are online.</p>
          </Show>
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

function Group(props: { title: string; people: Person[] }) {
  const id = createUniqueId();
  return (
    <section class="msg-info-group" aria-labelledby={id}>
      <h3 id={id}>{props.title}</h3>
      <Show when={props.people.length > 0}>
        <ul>
          <For each={props.people}>
            {(p) => (
              <li>
                <span class="msg-info-name">{p.name}</span>
                <Show when={p.time}>
                  <time class="msg-info-time muted">{p.time}</time>
                </Show>
              </li>
            )}
          </For>
        </ul>
      </Show>
    </section>
  );
}
