/**
 * `npm run chaos`: the long chaos run — 28 devices (24 SyncClients, 4 stock providers),
 * 60 s of random activity, 8 server kills. Prints the seed; CHAOS_SEED replays it;
 * CHAOS_SECONDS and CHAOS_KILLS change the length. Exits non-zero on any problem.
 */
import { runChaos } from './chaos.ts';

const seed = Number(process.env.CHAOS_SEED ?? Math.floor(Math.random() * 2 ** 31));
console.log(`chaos seed: ${seed} (replay with CHAOS_SEED=${seed})`);
const t0 = Date.now();
const r = await runChaos({
  seed,
  actMs: Number(process.env.CHAOS_SECONDS ?? 60) * 1000,
  kills: Number(process.env.CHAOS_KILLS ?? 8),
  syncDevices: 24,
  providerDevices: 4,
  log: (s) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1)}s] ${s}`),
});
console.log(`${r.messages} messages on the server; actions ${JSON.stringify(r.actions)}`);
if (r.problems.length) {
  console.log(`FAILED (seed ${seed}):\n${r.problems.slice(0, 50).join('\n')}${r.problems.length > 50 ? `\n… ${r.problems.length - 50} more` : ''}`);
  process.exit(1);
}
console.log(`chaos passed (seed ${seed}) in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
process.exit(0);
