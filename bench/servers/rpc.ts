/**
 * A tiny command channel between the bench and a server it launched: one JSON line per
 * command on stdin (`{id, cmd, arg}`), one `rpc {id, ok, value|error}` line per answer on
 * stdout. Built in: `mem` (after a full GC when `--expose-gc` is on), `exit`, and
 * `profileStart`/`profileStop` (a CPU profile of a chosen window).
 */
import { createInterface } from 'node:readline';
import { Session } from 'node:inspector/promises';
import { writeFileSync } from 'node:fs';

let session: Session | undefined;

export type Handlers = Record<string, (arg: any) => unknown>;

export function serveRpc(handlers: Handlers): void {
  const all: Handlers = {
    mem: () => {
      const gc = (globalThis as { gc?: () => void }).gc;
      if (gc) {
        gc();
        gc();
      }
      return process.memoryUsage();
    },
    exit: () => setTimeout(() => process.exit(0), 10),
    /** Starts the V8 CPU profiler (a window of the run, unlike `--cpu-prof`). */
    async profileStart() {
      session = new Session();
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.setSamplingInterval', { interval: 200 });
      await session.post('Profiler.start');
    },
    /** Stops it and writes the `.cpuprofile` to `arg.file`. */
    async profileStop(arg: { file: string }) {
      if (!session) throw new Error('profiler not started');
      const { profile } = await session.post('Profiler.stop');
      writeFileSync(arg.file, JSON.stringify(profile));
      session.disconnect();
      session = undefined;
    },
    ...handlers,
  };
  createInterface({ input: process.stdin }).on('line', async (line) => {
    let id: unknown;
    try {
      const msg = JSON.parse(line) as { id: unknown; cmd: string; arg: unknown };
      id = msg.id;
      const h = all[msg.cmd];
      if (!h) throw new Error(`unknown command ${msg.cmd}`);
      const value = await h(msg.arg);
      process.stdout.write(`rpc ${JSON.stringify({ id, ok: true, value: value ?? null })}\n`);
    } catch (e) {
      process.stdout.write(`rpc ${JSON.stringify({ id, ok: false, error: String((e as Error)?.stack ?? e) })}\n`);
    }
  });
}
