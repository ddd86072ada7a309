/**
 * One load step: send `rate` messages per second for `durationMs`, spread over the rooms
 * (round robin) and their devices (in turn), then wait for the deliveries. Every delivery
 * is verified by its marker: the right room, not the sender, once per receiver; its latency
 * is receive time minus send time on this process's clock.
 */
import * as Y from 'yjs';
import { fromBase64 } from '#shared/protocol/frames';
import { decodeIndex, markerId, markerPattern, newPrefix, MESSAGE_TEXT } from '../lib/encode.ts';
import type { LightDevice } from '../lib/light.ts';
import type { Population } from '../lib/setup.ts';
import { CpuMeter, type ServerProc } from '../lib/proc.ts';

export interface StepResult {
  rate: number;
  achievedRate: number;
  sent: number;
  expected: number;
  delivered: number;
  lost: number;
  duplicated: number;
  misrouted: number;
  p50: number;
  p99: number;
  max: number;
  ackP50?: number;
  ackP99?: number;
  acked?: number;
  cpu: { generator: number; server: number };
  generatorSaturated: boolean;
  /** Refusals and closes the devices saw during the step, by reason. */
  problems: Record<string, number>;
  ok: boolean;
}

export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export async function runStep(
  server: ServerProc,
  pop: Population,
  rate: number,
  durationMs: number,
  opts: { graceMs?: number; acks?: boolean } = {},
): Promise<StepResult> {
  const graceMs = opts.graceMs ?? 2000;
  const prefix = newPrefix();
  const pattern = markerPattern(prefix);
  const total = Math.ceil((rate * durationMs) / 1000);
  const R = pop.rooms.length;
  const roomSize = pop.rooms[0]!.members.length;
  const words = Math.ceil(roomSize / 32);
  const sendT = new Float64Array(total);
  const seen = new Uint32Array(total * words);
  const lat = new Float64Array(total * (roomSize - 1));
  const docIndex = new Map(pop.rooms.map((r, i) => [r.docName, i]));
  let delivered = 0;
  let duplicated = 0;
  let misrouted = 0;
  const expected = total * (roomSize - 1);
  const ackLat: number[] = [];
  const pendingAcks = new Map<LightDevice, { clock: number; t: number }[]>();

  const sink = (dev: LightDevice, data: Buffer, docName: string) => {
    let i = data.indexOf(pattern);
    if (i < 0) return;
    const now = performance.now();
    const room = docIndex.get(docName);
    while (i >= 0) {
      const k = decodeIndex(data, i + 18);
      if (k < 0 || k >= total || room !== k % R || room !== dev.roomIdx) misrouted++;
      else if (Math.floor(k / R) % roomSize === dev.slot) {
        // the stock server echoes a sender's own update back to it: not a delivery
      } else {
        const w = k * words + (dev.slot >> 5);
        const bit = 1 << (dev.slot & 31);
        if (seen[w]! & bit) duplicated++;
        else {
          seen[w]! |= bit;
          lat[delivered++] = now - sendT[k]!;
        }
      }
      i = data.indexOf(pattern, i + 28);
    }
  };
  for (const d of pop.devices) {
    d.sink = sink;
    if (opts.acks) {
      pendingAcks.set(d, []);
      d.onControl = (msg: { type: string; sv?: string }) => {
        if (msg.type !== 'ack' || !msg.sv) return;
        const covered = Y.decodeStateVector(fromBase64(msg.sv)).get(d.writer.clientId) ?? 0;
        const q = pendingAcks.get(d)!;
        const now = performance.now();
        while (q.length && q[0]!.clock < covered) ackLat.push(now - q.shift()!.t);
      };
    }
  }

  for (const d of pop.devices) d.problems.clear();
  const cpu = new CpuMeter(server);
  const t0 = performance.now();
  let sent = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const elapsed = performance.now() - t0;
      const target = Math.min(total, Math.floor((rate * elapsed) / 1000));
      while (sent < target) {
        const k = sent++;
        const room = pop.rooms[k % R]!;
        const dev = room.members[Math.floor(k / R) % roomSize]!;
        const clock = dev.writer.clock;
        const update = dev.writer.message({
          id: markerId(prefix, k),
          authorId: dev.spec.userId,
          deviceId: dev.spec.deviceId,
          text: MESSAGE_TEXT,
          createdAt: Date.now(),
        });
        sendT[k] = performance.now();
        pendingAcks.get(dev)?.push({ clock, t: sendT[k]! });
        dev.sendUpdate(room.docName, update);
      }
      if (sent >= total) resolve();
      else setTimeout(tick, 1);
    };
    tick();
  });
  const sendSeconds = (performance.now() - t0) / 1000;
  const usage = cpu.read();
  const graceEnd = performance.now() + graceMs;
  while (performance.now() < graceEnd && (delivered < expected || (opts.acks && ackLat.length < total))) {
    await new Promise((r) => setTimeout(r, 10));
  }
  for (const d of pop.devices) {
    d.sink = undefined;
    d.onControl = undefined;
  }
  const sorted = lat.subarray(0, delivered).sort();
  const acks = Float64Array.from(ackLat).sort();
  const lost = expected - delivered;
  const p99 = percentile(sorted, 99);
  const problems: Record<string, number> = {};
  for (const d of pop.devices) for (const [k, v] of d.problems) problems[k] = (problems[k] ?? 0) + v;
  const res: StepResult = {
    rate,
    achievedRate: Math.round(total / sendSeconds),
    sent: total,
    expected,
    delivered,
    lost,
    duplicated,
    misrouted,
    p50: round(percentile(sorted, 50)),
    p99: round(p99),
    max: round(sorted[sorted.length - 1] ?? NaN),
    cpu: { generator: round(usage.generator), server: round(usage.server) },
    generatorSaturated: usage.generator >= 0.9,
    problems,
    ok: Object.keys(problems).length === 0 && lost === 0 && duplicated === 0 && misrouted === 0 && p99 <= 100,
  };
  if (opts.acks) Object.assign(res, { acked: acks.length, ackP50: round(percentile(acks, 50)), ackP99: round(percentile(acks, 99)) });
  return res;
}

const round = (x: number) => Math.round(x * 100) / 100;

/**
 * The highest rate that passes (p99 ≤ 100 ms, nothing lost): doubles from `start` until a
 * step fails, then bisects `bisections` times between the last pass and the first failure.
 */
export async function findMaxRate(
  server: ServerProc,
  pop: Population,
  o: { start: number; durationMs: number; bisections: number; maxSteps: number; pauseMs: number; log?: (s: StepResult) => void },
): Promise<{ best: StepResult | undefined; steps: StepResult[] }> {
  const steps: StepResult[] = [];
  let best: StepResult | undefined;
  let fail: number | undefined;
  const step = async (rate: number) => {
    const r = await runStep(server, pop, rate, o.durationMs);
    steps.push(r);
    o.log?.(r);
    await new Promise((res) => setTimeout(res, o.pauseMs));
    return r;
  };
  let rate = o.start;
  while (steps.length < o.maxSteps) {
    const r = await step(rate);
    if (!r.ok) {
      fail = rate;
      break;
    }
    best = r;
    rate *= 2;
  }
  if (fail !== undefined && best === undefined) {
    // Even the first step failed: look below it.
    let lo = 0;
    let hi = fail;
    for (let i = 0; i < o.bisections + 1 && steps.length < o.maxSteps + o.bisections + 2; i++) {
      const mid = Math.round((lo + hi) / 2);
      const r = await step(mid);
      if (r.ok) (best = r), (lo = mid);
      else hi = mid;
    }
    return { best, steps };
  }
  let lo = best?.rate ?? 0;
  let hi = fail;
  for (let i = 0; hi !== undefined && i < o.bisections; i++) {
    const mid = Math.round((lo + hi) / 2 / 50) * 50;
    if (mid <= lo || mid >= hi) break;
    const r = await step(mid);
    if (r.ok) (best = r), (lo = mid);
    else hi = mid;
  }
  return { best, steps };
}
