/**
 * Launching the servers under test in their own processes and talking to them: the
 * `listening <url>` line, the RPC channel of servers/rpc.ts, and CPU time and RSS read
 * from /proc/<pid> (so a server is measured the same way whatever it runs).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type TargetKind = 'stock' | 'relay' | 'parley';
export const TARGETS: TargetKind[] = ['stock', 'relay', 'parley'];

const CLK_TCK = 100;
const PAGE = 4096;

export interface ServerProc {
  kind: TargetKind;
  url: string;
  wsUrl: string;
  pid: number;
  dataDir?: string;
  call<T = any>(cmd: string, arg?: unknown): Promise<T>;
  /** User + system CPU seconds so far. */
  cpuSeconds(): number;
  /** Resident set size in bytes now. */
  rss(): number;
  stop(): Promise<void>;
}

export interface StartOptions {
  env?: Record<string, string>;
  /** Reuse a data directory (Parley). */
  dataDir?: string;
}

/** Parley's limits for the bench: the per-connection message rate is lifted (the generator is one IP, its devices write fast). */
export const PARLEY_ENV: Record<string, string> = {
  MESSAGE_RATE_PER_MIN: '100000000',
  LOGIN_RATE_PER_IP: '100000',
  REGISTER_RATE_PER_IP: '100000',
  LOGIN_RATE_PER_USER: '100000',
  DOC_IDLE_UNLOAD_S: '10',
  PARLEY_QUIET: '1',
};

export async function startServerProc(kind: TargetKind, opts: StartOptions = {}): Promise<ServerProc> {
  const file = join(import.meta.dirname, '..', 'servers', `${kind}.ts`);
  const dataDir = kind === 'parley' ? (opts.dataDir ?? mkdtempSync(join(tmpdir(), 'parley-bench-'))) : undefined;
  const args = ['--expose-gc', '--max-old-space-size=4096'];
  args.push('--import', 'tsx', file);
  const proc: ChildProcess = spawn(process.execPath, args, {
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', ...(kind === 'parley' ? { ...PARLEY_ENV, DATA_DIR: dataDir! } : {}), ...opts.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const waiting = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  let nextId = 1;
  let buf = '';
  let log = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${kind} server did not start:\n${log}`)), 60_000);
    proc.stdout!.on('data', (d: Buffer) => {
      buf += d;
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        const m = line.match(/^listening (http:\/\/\S+)/);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        } else if (line.startsWith('rpc ')) {
          const r = JSON.parse(line.slice(4)) as { id: number; ok: boolean; value?: unknown; error?: string };
          const w = waiting.get(r.id);
          waiting.delete(r.id);
          if (r.ok) w?.resolve(r.value);
          else w?.reject(new Error(`${kind}: ${r.error}`));
        } else log += line + '\n';
      }
    });
    proc.stderr!.on('data', (d: Buffer) => (log += d));
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${kind} server exited ${code}:\n${log}`));
      for (const w of waiting.values()) w.reject(new Error(`${kind} server exited ${code}:\n${log.slice(-2000)}`));
    });
  });
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  const pid = proc.pid!;
  return {
    kind,
    url,
    wsUrl: url.replace(/^http/, 'ws'),
    pid,
    dataDir,
    call(cmd, arg) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
        proc.stdin!.write(JSON.stringify({ id, cmd, arg }) + '\n');
      });
    },
    cpuSeconds: () => procCpuSeconds(pid),
    rss: () => Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]) * PAGE,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.stdin!.write(JSON.stringify({ id: 0, cmd: 'exit' }) + '\n');
        const t = setTimeout(() => proc.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(t);
      }
      if (dataDir && !opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** utime + stime of a process, in seconds (fields 14 and 15 of /proc/<pid>/stat). */
export function procCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

/** CPU of the generator (this process) and of a server over a span, as a share of one core. */
export class CpuMeter {
  private readonly t0 = performance.now();
  private readonly self0 = process.cpuUsage();
  private readonly server0: number;
  constructor(private readonly server: ServerProc) {
    this.server0 = server.cpuSeconds();
  }
  read(): { generator: number; server: number; seconds: number } {
    const seconds = (performance.now() - this.t0) / 1000;
    const u = process.cpuUsage(this.self0);
    return {
      generator: (u.user + u.system) / 1e6 / seconds,
      server: (this.server.cpuSeconds() - this.server0) / seconds,
      seconds,
    };
  }
}
