/**
 * `npm run bench [-- --quick] [--only=1,2,5] [--targets=stock,relay,parley] [--profile]`: every workload of DESIGN §12
 * against the stock y-websocket server, a raw relay and Parley, each server in its own
 * process, this process the load generator. Prints one table and writes
 * bench/results/*.json. `--profile` writes Parley's CPU profiles to bench/results/profiles.
 */
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import os from 'node:os';
import { selfCheck } from './lib/encode.ts';
import { TARGETS, type TargetKind } from './lib/proc.ts';
import { printTable, writeResults, type Mode, type Row } from './report.ts';
import { rateWorkloads } from './workloads/throughput.ts';
import { coldOpen } from './workloads/cold-open.ts';
import { catchUp } from './workloads/catch-up.ts';
import { idleRooms } from './workloads/idle-rooms.ts';
import { browserBench } from './browser/run.ts';

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const only = argv.find((a) => a.startsWith('--only='))?.slice(7).split(',');
const profileDir = argv.includes('--profile') ? join(import.meta.dirname, 'results', 'profiles') : undefined;
if (profileDir) mkdirSync(profileDir, { recursive: true });
const mode: Mode = quick ? { quick, stepMs: 1500, bisections: 1, maxSteps: 4 } : { quick, stepMs: 4000, bisections: 3, maxSteps: 6 };
const want = (id: string) => !only || only.includes(id);
const targetArg = argv.find((a) => a.startsWith('--targets='))?.slice(10).split(',') as TargetKind[] | undefined;
const targets = (list: TargetKind[]) => list.filter((t) => !targetArg || targetArg.includes(t));
const t0 = Date.now();
const log = (s: string) => console.log(`[${((Date.now() - t0) / 1000).toFixed(0).padStart(4)}s] ${s}`);

selfCheck();
const rows: Row[] = [];
const row = (r: Omit<Row, 'values'>): Row => {
  const full = { ...r, values: {} };
  rows.push(full);
  return full;
};

if (want('1') || want('3') || want('4')) {
  const r1 = row({
    id: '1',
    workload: 'max rate, p99≤100ms, 0 lost: 1,000 devices in 100 rooms',
    target: '≥10,000 msg/s',
    better: 'higher',
    note: 'rate rows (1-3) run Parley with epoch rotation off (EPOCH_MAX_MESSAGES huge): the light devices do not follow `epoch` switches',
  });
  const r3 = row({ id: '3', workload: 'send → durable ack p99 at half the max rate', target: '≤25 ms', better: 'lower' });
  const r4 = row({ id: '4', workload: 'server memory per idle device (1,000 devices, 1 room each)', target: '≤10 KB', better: 'lower' });
  for (const kind of targets(TARGETS)) {
    log(`workloads 1/3/4 on ${kind}`);
    const out = await rateWorkloads(kind, mode, { rooms: 100, perRoom: 10, start: 1000 }, log, profileDir);
    r1.values[kind] = out.rate;
    r4.values[kind] = out.memory;
    if (out.ack) r3.values[kind] = out.ack;
  }
}
if (want('2')) {
  const r2 = row({ id: '2', workload: 'max rate, p99≤100ms, 0 lost: 50 devices in 1 room', target: '≥3,000 msg/s', better: 'higher' });
  for (const kind of targets(TARGETS)) {
    log(`workload 2 on ${kind}`);
    const out = await rateWorkloads(kind, mode, { rooms: 1, perRoom: 50, start: 500 }, log, profileDir);
    r2.values[kind] = out.rate;
  }
}
for (const [id, count] of [
  ['5', 10_000],
  ['6', 100_000],
] as const) {
  if (!want(id)) continue;
  if (id === '6' && quick) {
    row({ id, workload: 'new device opens a room of 100,000 messages', target: 'same as 10,000', better: 'lower', note: 'skipped in --quick' });
    continue;
  }
  const r = row({
    id,
    workload: `new device opens a room of ${count.toLocaleString('en')} messages: newest page (Parley REST) / full sync (stock)`,
    target: id === '5' ? '≤60 ms, ≤150 KB' : 'same as 10,000',
    better: 'lower',
  });
  const r2 = row({ id: `${id}b`, workload: `  same, full sync step 2 of the live document`, target: '—', better: 'lower' });
  for (const kind of targets(['stock', 'parley'])) {
    log(`workload ${id} on ${kind}`);
    const out = await coldOpen(kind, count, log);
    r.values[kind] = out.newest;
    r2.values[kind] = out.fullSync;
  }
}
if (want('7')) {
  const r = row({ id: '7', workload: 'device back online, 1,000 new messages in 20 rooms: time until all on it', target: '≤300 ms, 1 socket', better: 'lower' });
  for (const kind of targets(['stock', 'parley'])) {
    log(`workload 7 on ${kind}`);
    r.values[kind] = await catchUp(kind, log);
  }
}
if (want('8')) {
  const rooms = quick ? 4 : 100;
  const r = row({
    id: '8',
    workload: `server memory, ${rooms} rooms × 10,000 messages opened once, then idle`,
    target: 'bounded by live epochs',
    better: 'lower',
    note: quick ? 'quick mode: 4 rooms instead of 100' : undefined,
  });
  for (const kind of targets(['stock', 'parley'])) {
    log(`workload 8 on ${kind}`);
    r.values[kind] = await idleRooms(kind, rooms, 10_000, log);
  }
}

// Browser rows (bench/browser, ~90 s): in full runs, or with --browser.
if (want('B') && (!quick || argv.includes('--browser'))) {
  log('browser rows: Chromium, CPU throttled 4×, offline');
  const { metrics } = await browserBench(log);
  for (const m of metrics) {
    const r = row({ id: m.id, workload: `browser: ${m.metric}`, target: m.target, better: 'lower', note: m.detail });
    r.values.parley = { value: m.value, unit: m.unit, extra: m.ok ? 'ok' : 'MISSED' };
  }
}

const table = printTable(rows);
console.log('\n' + table);
const file = writeResults(rows, mode, {
  seconds: Math.round((Date.now() - t0) / 1000),
  machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version, loadavg: os.loadavg() },
  table,
});
console.log(`\nresults: ${file} (${Math.round((Date.now() - t0) / 1000)} s)`);
process.exit(0);
