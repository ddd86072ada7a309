/**
 * Workloads 1–4 of DESIGN §12: the highest message rate that passes (1,000 devices in 100
 * rooms; 50 devices in one room), Parley's send → durable ack latency at half its highest
 * rate, and server memory per idle device (measured while the 1,000 devices sit connected
 * before the first step).
 */
import { join } from 'node:path';
import { startServerProc, type TargetKind, type ServerProc } from '../lib/proc.ts';
import { closePopulation, connectPopulation, makePopulation } from '../lib/setup.ts';
import { findMaxRate, runStep, type StepResult } from './step.ts';
import type { Mode, Row } from '../report.ts';

interface Mem {
  rss: number;
  heapUsed: number;
}

async function mem(server: ServerProc): Promise<Mem> {
  const m = await server.call<{ heapUsed: number }>('mem');
  await new Promise((r) => setTimeout(r, 200));
  return { rss: server.rss(), heapUsed: m.heapUsed };
}

const briefStep = (s: StepResult | undefined) =>
  s && {
    rate: s.rate,
    p50: s.p50,
    p99: s.p99,
    lost: s.lost,
    cpu: s.cpu,
    generatorSaturated: s.generatorSaturated,
    problems: s.problems,
    ...(s.ackP99 !== undefined ? { ackP50: s.ackP50, ackP99: s.ackP99, acked: s.acked, sent: s.sent } : {}),
  };

/** Runs workloads 1, 3 and 4 (100 rooms × 10) or 2 (1 room × 50) against one server kind. */
export async function rateWorkloads(
  kind: TargetKind,
  mode: Mode,
  shape: { rooms: number; perRoom: number; start: number },
  log: (s: string) => void,
  profileDir?: string,
): Promise<Record<string, Row['values'][TargetKind]>> {
  // The light devices don't follow epoch switches (nor re-send writes refused as `sealed`
  // in the switch), so rotation is off for the rate rows: see the note in the table.
  const server = await startServerProc(kind, kind === 'parley' ? { env: { EPOCH_MAX_MESSAGES: '100000000', EPOCH_MAX_KB: '100000000' } } : {});
  const out: Record<string, Row['values'][TargetKind]> = {};
  try {
    const pop = await makePopulation(server, shape.rooms, shape.perRoom);
    const before = await mem(server);
    await connectPopulation(pop);
    await new Promise((r) => setTimeout(r, 500));
    const after = await mem(server);
    const n = pop.devices.length;
    out.memory = {
      value: Math.round((after.rss - before.rss) / n / 102.4) / 10,
      unit: 'KB RSS/device',
      detail: { heapPerDeviceKB: Math.round((after.heapUsed - before.heapUsed) / n / 102.4) / 10, devices: n, socketsPerDevice: 1 },
    };
    log(`  ${kind}: ${n} devices connected, ${out.memory.value} KB RSS/device, heap ${out.memory.detail!.heapPerDeviceKB} KB/device`);
    if (profileDir) {
      // A profile of one fixed-rate step (the same rate for every server), before the search.
      const rate = shape.start;
      const file = join(profileDir, `${kind}-${shape.rooms}x${shape.perRoom}-${rate}.cpuprofile`);
      await server.call('profileStart');
      const s = await runStep(server, pop, rate, mode.stepMs * 2);
      await server.call('profileStop', { file });
      log(`  ${kind} profile @${rate}/s: p99 ${s.p99} ms, cpu srv ${s.cpu.server} → ${file}`);
    }
    const { best, steps } = await findMaxRate(server, pop, {
      start: shape.start,
      durationMs: mode.stepMs,
      bisections: mode.bisections,
      maxSteps: mode.maxSteps,
      pauseMs: 500,
      log: (s) =>
        log(
          `  ${kind} @${s.rate}/s: ${s.ok ? 'ok  ' : 'FAIL'} p50 ${s.p50} p99 ${s.p99} ms, lost ${s.lost}, dup ${s.duplicated}, misrouted ${s.misrouted}, cpu gen ${s.cpu.generator} srv ${s.cpu.server}${s.generatorSaturated ? ' (generator saturated)' : ''}${Object.keys(s.problems).length ? ` problems ${JSON.stringify(s.problems)}` : ''}`,
        ),
    });
    out.rate = {
      value: best?.rate ?? 0,
      unit: 'msg/s',
      cpu: best?.cpu,
      generatorSaturated: best ? best.generatorSaturated || steps.some((s) => s.rate > best.rate && s.generatorSaturated) : undefined,
      detail: { best: briefStep(best), steps: steps.map(briefStep) },
    };
    if (kind === 'parley' && best) {
      const half = Math.max(50, Math.round(best.rate / 2));
      const s = await runStep(server, pop, half, mode.stepMs * 2, { acks: true });
      log(`  parley ack @${half}/s: p50 ${s.ackP50} p99 ${s.ackP99} ms (${s.acked}/${s.sent} acked), delivery p99 ${s.p99}`);
      out.ack = { value: s.ackP99!, unit: 'ms p99', cpu: s.cpu, generatorSaturated: s.generatorSaturated, detail: briefStep(s) };
    }
    closePopulation(pop);
  } finally {
    await server.stop();
  }
  return out;
}
