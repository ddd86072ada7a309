/**
 * `npm run dev`: the API server under `tsx watch` (restarts when server or shared code
 * changes) on port 8787, and the Vite dev server (hot reload) that proxies `/api` and
 * `/sync` to it. Ctrl-C stops both; if either one dies, the other is stopped too.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const bin = (name: string) => join(root, 'node_modules', '.bin', name);

// client/vite.config.ts proxies to 127.0.0.1:8787, so the port is fixed here.
const API_PORT = '8787';

interface Proc {
  name: string;
  child: ChildProcess;
  exited: Promise<number>;
}

function start(name: string, cmd: string, args: string[], env: NodeJS.ProcessEnv): Proc {
  const child = spawn(cmd, args, {
    cwd: root,
    env,
    // Own process group, so stopping it also stops what it spawned (tsx watch runs the
    // server in a grandchild). No stdin: a background group reading the terminal would be
    // stopped by SIGTTIN.
    detached: true,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const exited = new Promise<number>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
    child.once('error', (e) => {
      console.error(`dev: could not start ${name}: ${e.message}`);
      resolve(1);
    });
  });
  return { name, child, exited };
}

function signalGroup(p: Proc, signal: NodeJS.Signals): void {
  if (p.child.pid === undefined || p.child.exitCode !== null || p.child.signalCode !== null) return;
  try {
    process.kill(-p.child.pid, signal);
  } catch {
    // The group is already gone.
  }
}

const procs = [
  start('server', bin('tsx'), ['watch', '--clear-screen=false', 'server/src/main.ts'], {
    ...process.env,
    PORT: API_PORT,
    // Vite serves the client in dev mode; rebuilding dist/ on every restart would only cost time.
    PARLEY_NO_CLIENT_BUILD: '1',
  }),
  start('vite', bin('vite'), ['--config', 'client/vite.config.ts'], process.env),
];
console.log(`dev: API on http://localhost:${API_PORT}; open the app at the URL Vite prints. Ctrl-C stops both.`);

let stopping: Promise<void> | undefined;
function stopAll(exitCode: number): Promise<void> {
  return (stopping ??= (async () => {
    for (const p of procs) signalGroup(p, 'SIGTERM');
    // A child that ignores SIGTERM is killed after a grace period rather than left running.
    const force = setTimeout(() => procs.forEach((p) => signalGroup(p, 'SIGKILL')), 5000);
    await Promise.all(procs.map((p) => p.exited));
    clearTimeout(force);
    process.exit(exitCode);
  })());
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void stopAll(0));
for (const p of procs) {
  void p.exited.then((code) => {
    if (stopping) return;
    console.error(`dev: ${p.name} exited (${code}); stopping the rest.`);
    void stopAll(code || 1);
  });
}
