/**
 * The real server in a child process (for tests that kill it): `tsx` runs
 * `child-main.ts`, which serves API and sync (no client build) on 127.0.0.1.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export interface Child {
  url: string;
  port: number;
  proc: ChildProcess;
  /** SIGKILL: no clean shutdown, no final flush. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

export async function startChild(dataDir: string, env: Record<string, string> = {}, port = 0): Promise<Child> {
  const proc = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'child-main.ts')], {
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), DATA_DIR: dataDir, PARLEY_QUIET: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`child server did not start:\n${log}`)), 30_000);
    proc.stdout!.on('data', (d: Buffer) => {
      log += d;
      const m = log.match(/listening (http:\/\/\S+)/);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    proc.stderr!.on('data', (d: Buffer) => (log += d));
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`child server exited ${code}:\n${log}`));
    });
  });
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  return {
    url,
    port: Number(new URL(url).port),
    proc,
    async kill() {
      proc.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      await exited;
    },
  };
}
