/**
 * One message: author (in groups, first of a run), the quoted message it answers, the
 * text (as text, links made safe), time, "edited", and for own messages the state icon
 * whose accessible name is `pending`, `sent`, `delivered` or `read` (DESIGN §8), and their
 * message info. Actions: reply, info, edit (within the window), delete with a confirmation. A message the server wrote with AI on the author's
 * behalf (`kind: 'ai'`, DESIGN §9) carries the visible label "AI reply on behalf of …".
 */
import { createSignal, Show } from 'solid-js';
import type { MessageRow } from '../../storage/db.ts';
import { Linkified } from './Linkified.tsx';
import { AttachmentView } from './AttachmentView.tsx';
import { IconEdit, IconReply, IconTrash } from './icons.tsx';
import { IconInfo, MessageState } from './MessageState.tsx';
import type { TickState } from '../../lib/receipts.ts';

export interface MessageItemProps {
  row: MessageRow;
  mine: boolean;
  authorName: string;
  showAuthor: boolean;
  quoted?: { name: string; text: string; deleted: boolean } | null;
  canEdit: boolean;
  canDelete: boolean;
  highlighted: boolean;
  /** The tick of an own message (DESIGN §3); pending/sent from the row when absent. */
  state?: TickState;
  onReply(): void;
  /** Opens the message info (who received and read it); own messages only. */
  onInfo?(): void;
  onEdit(): void;
  onDelete(): void;
  onQuoteClick?(): void;
}

// One formatter for every row: `toLocaleTimeString` with options builds a new one per call,
// which under a phone's CPU was the costliest part of rendering a row while scrolling.
const TIME = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const timeOf = (ms: number) => TIME.format(ms);

export function MessageItem(props: MessageItemProps) {
  const [confirming, setConfirming] = createSignal(false);
  const ai = () => props.row.kind === 'ai';
  const aiLabel = () => `AI reply on ${props.mine ? 'your behalf' : `behalf of ${props.authorName}`}`;
  const tombstoneText = () => (props.row.deletedBy && props.row.deletedBy !== props.row.authorId ? 'removed by an admin' : 'message deleted');

  return (
    <article
      class="msg"
      classList={{ mine: props.mine, highlighted: props.highlighted, deleted: props.row.deleted, 'first-of-group': props.showAuthor, ai: ai() }}
      data-message-id={props.row.id}
      aria-label={`${ai() ? aiLabel() : props.mine ? 'You' : props.authorName}, ${timeOf(props.row.createdAt)}`}
    >
      <div class="msg-bubble">
        {/* An AI reply's label already names the author. */}
        <Show when={props.showAuthor && !props.mine && !ai()}>
          <div class="msg-author">{props.authorName}</div>
        </Show>
        <Show when={ai()}>
          <div class="msg-ai-label">
            <span class="msg-ai-badge" aria-hidden="true">
              AI
            </span>
            {aiLabel()}
          </div>
        </Show>
        <Show when={props.quoted}>
          {(q) => (
            <button type="button" class="msg-quote" onClick={() => props.onQuoteClick?.()} aria-label={`Reply to ${q().name}: ${q().deleted ? 'message deleted' : q().text}`}>
              <span class="msg-quote-name">{q().name}</span>
              <span class="msg-quote-text">{q().deleted ? 'message deleted' : q().text}</span>
            </button>
          )}
        </Show>
        <Show when={!props.row.deleted} fallback={<p class="msg-text msg-tombstone">{tombstoneText()}</p>}>
          <Show when={props.row.attachment}>{(a) => <AttachmentView attachment={a()} />}</Show>
          <Show when={props.row.text || !props.row.attachment}>
            <p class="msg-text">
              <Linkified text={props.row.text} />
            </p>
          </Show>
        </Show>
        <div class="msg-meta">
          <Show when={props.row.editedAt && !props.row.deleted}>
            <span class="msg-edited">edited</span>
          </Show>
          <time datetime={new Date(props.row.createdAt).toISOString()}>{timeOf(props.row.createdAt)}</time>
          <Show when={props.mine && !props.row.deleted}>
            <MessageState state={props.state ?? (props.row.seq === null ? 'pending' : 'sent')} />
          </Show>
        </div>
      </div>
      <Show when={!props.row.deleted}>
        <div class="msg-actions" classList={{ open: confirming() }}>
          <Show
            when={!confirming()}
            fallback={
              <div class="msg-confirm" role="alertdialog" aria-label="Delete this message?">
                <span>Delete for everyone?</span>
                <button type="button" class="btn btn-danger btn-sm" onClick={() => (setConfirming(false), props.onDelete())}>
                  Delete
                </button>
                <button type="button" class="btn btn-secondary btn-sm" ref={(el) => queueMicrotask(() => el.focus())} onClick={() => setConfirming(false)}>
                  Cancel
                </button>
              </div>
            }
          >
            <button type="button" class="icon-btn sm" aria-label="Reply" title="Reply" onClick={() => props.onReply()}>
              <IconReply />
            </button>
            <Show when={props.mine && props.onInfo && props.row.seq !== null}>
              <button type="button" class="icon-btn sm" aria-label="Message info" title="Message info" onClick={() => props.onInfo?.()}>
                <IconInfo />
              </button>
            </Show>
            <Show when={props.canEdit}>
              <button type="button" class="icon-btn sm" aria-label="Edit" title="Edit" onClick={() => props.onEdit()}>
                <IconEdit />
              </button>
            </Show>
            <Show when={props.canDelete}>
              <button type="button" class="icon-btn sm" aria-label="Delete" title="Delete" onClick={() => setConfirming(true)}>
                <IconTrash />
              </button>
            </Show>
          </Show>
        </div>
      </Show>
    </article>
  );
}
