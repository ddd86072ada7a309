/**
 * The state icon of an own message, WhatsApp-like: a clock (pending), one tick (sent:
 * durably on the server), two ticks (delivered to every other member), two coloured ticks
 * (read by every other member). Its accessible name is the state itself (DESIGN §8), so
 * screen readers and tests read the same word.
 */
import type { TickState } from '../../lib/receipts.ts';

const TITLES: Record<TickState, string> = {
  pending: 'Waiting to send',
  sent: 'Sent',
  delivered: 'Delivered',
  read: 'Read',
};

const svg = { viewBox: '0 0 24 16', fill: 'none', stroke: 'currentColor', 'stroke-width': 2.2, 'stroke-linecap': 'round', 'stroke-linejoin': 'round', 'aria-hidden': true } as const;

export function MessageState(props: { state: TickState }) {
  return (
    <span class={`msg-state ${props.state}`} role="img" aria-label={props.state} title={TITLES[props.state]}>
      {props.state === 'pending' ? (
        <svg {...svg} viewBox="0 0 24 24" width={14} height={14} stroke-width={2}>
          <circle cx="12" cy="12" r="9" />
          <path d="M12 7v5l3 2" />
        </svg>
      ) : props.state === 'sent' ? (
        <svg {...svg} width={18} height={12}>
          <path d="M4 8.5l3.5 3.5L15 4" />
        </svg>
      ) : (
        <svg {...svg} width={18} height={12}>
          <path d="M1.5 8.5L5 12l7.5-8" />
          <path d="M9.5 11.2l.8.8L17.8 4" />
        </svg>
      )}
    </span>
  );
}

/** The "message info" action's icon. */
export const IconInfo = () => (
  <svg width={18} height={18} viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width={2} stroke-linecap="round" stroke-linejoin="round" aria-hidden="true">
    <circle cx="12" cy="12" r="9" />
    <path d="M12 11v6M12 7.5v.01" />
  </svg>
);
