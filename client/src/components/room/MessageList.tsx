/**
 * The room's messages, virtualised (@tanstack/solid-virtual): only the rows near the
 * viewport are in the DOM. Sticks to the newest message while the reader is at the bottom,
 * offers "jump to newest" otherwise, asks for older history near the top, reports the
 * newest message seen in a focused window (read position), and scrolls to a message
 * picked in search.
 */
import { createVirtualizer } from '@tanstack/solid-virtual';
import { createEffect, createMemo, createSignal, For, on, onCleanup, onMount, Show } from 'solid-js';
import type { MessageRow } from '../../storage/db.ts';
import { buildTimeline } from '../../lib/timeline.ts';
import { MessageItem } from './MessageItem.tsx';
import { BlockedMessage } from './BlockedMessage.tsx';
import type { TickState } from '../../lib/receipts.ts';
import { IconDown } from './icons.tsx';

export interface MessageListProps {
  rows: MessageRow[];
  me: string;
  nameOf(userId: string): string;
  canEdit(row: MessageRow): boolean;
  canDelete(row: MessageRow): boolean;
  /** A message to bring into view and highlight (from search or a quote). */
  focusId: string | null;
  onReply(row: MessageRow): void;
  onEdit(row: MessageRow): void;
  onDelete(row: MessageRow): void;
  onFocusMessage(id: string): void;
  onNearTop(): void;
  onSeen(seq: number): void;
  /** Authors whose messages are hidden until revealed (people the viewer blocked, in groups). */
  hiddenAuthor?(userId: string): boolean;
  /** The tick of an own message (delivered/read need the room's receipts). */
  stateOf?(row: MessageRow): TickState;
  /** Opens an own message's info (who received and read it). */
  onInfo?(row: MessageRow): void;
}

const AT_BOTTOM_PX = 48;

export function MessageList(props: MessageListProps) {
  let scrollEl!: HTMLDivElement;
  const items = createMemo(() => buildTimeline(props.rows));
  const byId = createMemo(() => new Map(props.rows.map((r) => [r.id, r])));
  const [atBottom, setAtBottom] = createSignal(true);
  const [highlight, setHighlight] = createSignal<string | null>(null);
  const [revealed, setRevealed] = createSignal<ReadonlySet<string>>(new Set());
  const hidden = (row: MessageRow) => !row.deleted && !!props.hiddenAuthor?.(row.authorId) && !revealed().has(row.id);

  const virtualizer = createVirtualizer({
    get count() {
      return items().length;
    },
    getScrollElement: () => scrollEl,
    estimateSize: (i) => (items()[i]?.kind === 'day' ? 40 : 64),
    getItemKey: (i) => items()[i]?.key ?? i,
    overscan: 8,
  });

  const scrollToEnd = () => {
    const n = items().length;
    if (n === 0) return;
    virtualizer.scrollToIndex(n - 1, { align: 'end' });
    // Rows measured after the jump can grow the list: settle on the real bottom.
    requestAnimationFrame(() => {
      if (scrollEl) scrollEl.scrollTop = scrollEl.scrollHeight;
    });
  };

  const onScroll = () => {
    const bottom = scrollEl.scrollHeight - scrollEl.scrollTop - scrollEl.clientHeight < AT_BOTTOM_PX;
    setAtBottom(bottom);
    if (scrollEl.scrollTop < 300) props.onNearTop();
    reportSeen();
  };

  function reportSeen() {
    if (typeof document === 'undefined' || document.visibilityState !== 'visible' || !document.hasFocus()) return;
    const viewEnd = scrollEl.scrollTop + scrollEl.clientHeight;
    let max = 0;
    for (const vi of virtualizer.getVirtualItems()) {
      const it = items()[vi.index];
      if (it?.kind === 'message' && it.row.seq !== null && vi.start < viewEnd) max = Math.max(max, it.row.seq);
    }
    if (max > 0) props.onSeen(max);
  }

  // New rows: follow them when at the bottom, or when the new last row is my own.
  createEffect(
    on(
      () => props.rows.length,
      (n, prev) => {
        const last = props.rows[n - 1];
        if (prev === undefined || atBottom() || (last && last.authorId === props.me && last.seq === null)) {
          queueMicrotask(scrollToEnd);
        }
        queueMicrotask(reportSeen);
      },
    ),
  );

  createEffect(
    on(
      () => props.focusId,
      (id) => {
        if (!id) return;
        const i = items().findIndex((it) => it.kind === 'message' && it.row.id === id);
        if (i < 0) return;
        setHighlight(id);
        queueMicrotask(() => virtualizer.scrollToIndex(i, { align: 'center' }));
        const t = setTimeout(() => setHighlight((h) => (h === id ? null : h)), 2500);
        onCleanup(() => clearTimeout(t));
      },
    ),
  );

  onMount(() => {
    const onFocus = () => reportSeen();
    window.addEventListener('focus', onFocus);
    document.addEventListener('visibilitychange', onFocus);
    onCleanup(() => {
      window.removeEventListener('focus', onFocus);
      document.removeEventListener('visibilitychange', onFocus);
    });
  });

  return (
    <div class="msg-list-wrap">
      <div class="msg-scroll" ref={scrollEl} onScroll={onScroll} role="log" aria-label="Messages" aria-live="polite" tabindex="0">
        <Show when={props.rows.length === 0}>
          <p class="msg-empty muted">No messages yet. Say hello!</p>
        </Show>
        <div class="msg-canvas" style={{ height: `${virtualizer.getTotalSize()}px` }}>
          <For each={virtualizer.getVirtualItems()}>
            {(vi) => {
              const item = () => items()[vi.index];
              return (
                <div class="msg-row" data-index={vi.index} ref={(el) => queueMicrotask(() => el.isConnected && virtualizer.measureElement(el))} style={{ transform: `translateY(${vi.start}px)` }}>
                  <Show when={item()} keyed>
                    {(i) => {
                      if (i.kind === 'day') {
                        return (
                          <div class="day-sep" role="separator" aria-label={i.label}>
                            <span>{i.label}</span>
                          </div>
                        );
                      }
                      const row = i.row;
                      const quotedRow = () => (row.replyTo ? byId().get(row.replyTo) : undefined);
                      const quotedText = (q: MessageRow) => (hidden(q) ? 'hidden message' : q.text);
                      return (
                        <Show when={!hidden(row)} fallback={<BlockedMessage onShow={() => setRevealed((s) => new Set(s).add(row.id))} />}>
                          <MessageItem
                            row={row}
                            mine={row.authorId === props.me}
                            authorName={props.nameOf(row.authorId)}
                            showAuthor={i.firstOfGroup}
                            quoted={row.replyTo ? (quotedRow() ? { name: props.nameOf(quotedRow()!.authorId), text: quotedText(quotedRow()!), deleted: quotedRow()!.deleted } : { name: 'Earlier message', text: '…', deleted: false }) : null}
                            canEdit={props.canEdit(row)}
                            canDelete={props.canDelete(row)}
                            highlighted={highlight() === row.id}
                            onReply={() => props.onReply(row)}
                            onEdit={() => props.onEdit(row)}
                            onDelete={() => props.onDelete(row)}
                            state={row.undeliverable ? 'sent' : props.stateOf?.(row)}
                            onInfo={props.onInfo ? () => props.onInfo?.(row) : undefined}
                            onQuoteClick={() => row.replyTo && props.onFocusMessage(row.replyTo)}
                          />
                        </Show>
                      );
                    }}
                  </Show>
                </div>
              );
            }}
          </For>
        </div>
      </div>
      <Show when={!atBottom()}>
        <button type="button" class="jump-newest" aria-label="Jump to newest" title="Jump to newest" onClick={scrollToEnd}>
          <IconDown />
        </button>
      </Show>
    </div>
  );
}
