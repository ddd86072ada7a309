/**
 * What a page's `/sync` socket receives, decoded just enough for privacy checks: JSON
 * control messages (frames whose document name is "") and the documents that carried
 * awareness (y-websocket message type 1). Attach before the page opens the socket.
 */
import type { Page } from '@playwright/test';

export interface Wire {
  /** Every control message received so far. */
  controls(): { type: string; [k: string]: unknown }[];
  /** Names of the documents of the awareness messages received so far, in order. */
  awarenessDocs(): string[];
}

function readVarUint(buf: Buffer, at: number): [number, number] {
  let n = 0;
  let shift = 0;
  for (;;) {
    const b = buf[at++]!;
    n += (b & 0x7f) * 2 ** shift;
    shift += 7;
    if (b < 0x80) return [n, at];
  }
}

export function recordWire(page: Page): Wire {
  const controls: { type: string }[] = [];
  const awareness: string[] = [];
  page.on('websocket', (ws) => {
    if (!ws.url().endsWith('/sync')) return;
    ws.on('framereceived', ({ payload }) => {
      if (typeof payload === 'string') return;
      const [len, at] = readVarUint(payload, 0);
      const docName = payload.subarray(at, at + len).toString('utf8');
      const rest = at + len;
      if (docName === '') controls.push(JSON.parse(payload.subarray(rest).toString('utf8')) as { type: string });
      else if (readVarUint(payload, rest)[0] === 1) awareness.push(docName);
    });
  });
  return { controls: () => [...controls] as ReturnType<Wire['controls']>, awarenessDocs: () => [...awareness] };
}
