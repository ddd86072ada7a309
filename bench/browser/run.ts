/**
 * `npm run bench:browser`: the browser rows of DESIGN §12. The real server in a child
 * process; a room of 10,000 messages seeded over `/sync`; a first visit online stores it
 * all on the device; then the same Chromium profile is launched offline, CPU throttled 4×
 * through CDP, three times: navigation start → chat list, click → the room's newest
 * messages, and (last launch) 20 wheel steps up the room with every frame recorded. Plus
 * the gzipped size of the JavaScript index.html loads first. Prints a table and writes
 * bench/results/browser.json. Also exported for the main runner (`browserBench`).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startChildServer } from '../../tests/e2e/helpers/server.ts';
import { ensureClientBuilt } from '../../server/src/build-client.ts';
import { CLIENT_DIST } from '../../server/src/http/static.ts';
import { seed } from './seed.ts';
import { initialJs } from './bundle.ts';
import { CPU_THROTTLE, VIEWPORT, firstVisit, offlineRun, type OfflineRun } from './visit.ts';

export const MESSAGES = 10_000;
const LAUNCHES = 3;
/** A frame took longer than one 60 Hz vsync (16.7 ms) when its rAF delta passes this. */
const MISSED_VSYNC_MS = 20;

export interface BrowserMetric {
  id: string;
  metric: string;
  value: number;
  unit: string;
  target: string;
  ok: boolean;
  detail?: string;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))]!;

export async function browserBench(log: (s: string) => void = console.log): Promise<{ metrics: BrowserMetric[]; raw: Record<string, unknown> }> {
  await ensureClientBuilt();
  const server = await startChildServer({
    MESSAGE_RATE_PER_MIN: '1000000',
    LOGIN_RATE_PER_IP: '1000',
    LOGIN_RATE_PER_USER: '1000',
    REGISTER_RATE_PER_IP: '1000',
  });
  const profile = mkdtempSync(join(tmpdir(), 'parley-bench-browser-'));
  try {
    const s = await seed(server.url, MESSAGES);
    log(`  seeded ${MESSAGES} messages over /sync in ${s.seedMs} ms (live epoch ${s.liveEpoch})`);
    const first = await firstVisit(server.url, profile, s, log);
    const runs: OfflineRun[] = [];
    for (let i = 0; i < LAUNCHES; i++) {
      const run = await offlineRun(server.url, profile, s, i === LAUNCHES - 1);
      if (!run.servedByServiceWorker) throw new Error('the offline launch was not served by the service worker');
      log(`  offline launch ${i + 1}: chat list ${run.chatListMs} ms, room ${run.roomOpenMs} ms`);
      runs.push(run);
    }
    const bundle = initialJs(CLIENT_DIST);
    const deltas = runs.at(-1)!.frames!.deltas;
    const over = deltas.filter((d) => d > MISSED_VSYNC_MS).length;
    const lafs = runs.at(-1)!.frames!.lafs;
    const chat = runs.map((r) => r.chatListMs);
    const room = runs.map((r) => r.roomOpenMs);
    const metrics: BrowserMetric[] = [
      { id: 'B1', metric: 'offline launch → chat list (median of 3)', value: median(chat), unit: 'ms', target: '≤400 ms', ok: median(chat) <= 400, detail: `runs ${chat.join(', ')}` },
      { id: 'B2', metric: `open a room of ${MESSAGES.toLocaleString('en')} → newest shown (median of 3)`, value: median(room), unit: 'ms', target: '≤600 ms', ok: median(room) <= 600, detail: `runs ${room.join(', ')}` },
      {
        id: 'B3',
        metric: 'scroll that room, 20 wheel steps: frame time p95',
        value: pct(deltas, 95),
        unit: 'ms',
        target: '<16 ms (60 fps)',
        ok: over === 0,
        detail: `${deltas.length} frames, p50 ${pct(deltas, 50)}, max ${Math.max(...deltas)}, ${((100 * over) / deltas.length).toFixed(1)}% over ${MISSED_VSYNC_MS} ms; ${lafs.length} long animation frames`,
      },
      { id: 'B4', metric: 'initial JavaScript, gzipped', value: Math.round(bundle.initialGzip / 100) / 10, unit: 'KB', target: '≤150 KB', ok: bundle.initialGzip <= 150_000, detail: `${bundle.initial.length} file(s), ${Math.round(bundle.initialBytes / 1000)} KB raw; lazy chunks ${Math.round(bundle.lazyGzip / 1000)} KB gz` },
    ];
    return {
      metrics,
      raw: { seedMs: s.seedMs, liveEpoch: s.liveEpoch, firstVisit: first, runs, bundle, cpuThrottle: CPU_THROTTLE, viewport: VIEWPORT },
    };
  } finally {
    await server.stop();
    rmSync(profile, { recursive: true, force: true });
  }
}

export function printBrowserTable(metrics: BrowserMetric[]): string {
  const head = ['#', 'metric', 'measured', 'target', 'ok?', 'detail'];
  const body = metrics.map((m) => [m.id, m.metric, `${m.value} ${m.unit}`, m.target, m.ok ? 'yes' : 'NO', m.detail ?? '']);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n') + `\n(Chromium, CPU throttled ${CPU_THROTTLE}× via CDP, offline, ${VIEWPORT.width}×${VIEWPORT.height})`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const t0 = Date.now();
  const log = (m: string) => console.log(`[${((Date.now() - t0) / 1000).toFixed(0).padStart(4)}s] ${m}`);
  const { metrics, raw } = await browserBench(log);
  const table = printBrowserTable(metrics);
  console.log('\n' + table);
  const dir = join(import.meta.dirname, '..', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'browser.json');
  writeFileSync(file, JSON.stringify({ at: new Date().toISOString(), seconds: Math.round((Date.now() - t0) / 1000), metrics, ...raw, table }, null, 2));
  console.log(`\nresults: ${file} (${Math.round((Date.now() - t0) / 1000)} s)`);
  process.exit(0);
}
