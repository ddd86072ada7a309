/**
 * `npx tsx bench/browser/profile.ts`: CPU profiles (CDP Profiler) of one offline launch
 * under 4× throttling — launch → chat list, click → room, the scroll — summarised by
 * source file and function through the build's source maps. Needs a copy of the build with
 * maps in /tmp/parley-map (same hashes as dist/client):
 *   node -e "import('vite').then(v => v.build({configFile:'client/vite.config.ts',build:{outDir:'/tmp/parley-map',sourcemap:true,emptyOutDir:true}}))"
 * (@jridgewell/trace-mapping comes with Vite.) Writes /tmp/bb/p<n>.cpuprofile.
 */
import { mkdirSync } from 'node:fs';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TraceMap, originalPositionFor } from '@jridgewell/trace-mapping';
import { startChildServer } from '../../tests/e2e/helpers/server.ts';
import { seed } from './seed.ts';
import { firstVisit, offlineRun } from './visit.ts';

const MAPDIR = '/tmp/parley-map';
mkdirSync('/tmp/bb', { recursive: true });
const maps = new Map<string, TraceMap>();
function mapOf(url: string) {
  const f = url.split('/assets/')[1];
  if (!f) return null;
  if (!maps.has(f)) { try { maps.set(f, new TraceMap(readFileSync(join(MAPDIR, 'assets', f + '.map'), 'utf8'))); } catch { return null; } }
  return maps.get(f)!;
}
function summarise(profile: any, label: string) {
  const nodes = new Map<number, any>(profile.nodes.map((n: any) => [n.id, n]));
  const self = new Map<number, number>();
  const dts = profile.timeDeltas as number[];
  profile.samples.forEach((id: number, i: number) => self.set(id, (self.get(id) ?? 0) + (dts[i] ?? 0)));
  const byFn = new Map<string, number>();
  const byFile = new Map<string, number>();
  for (const [id, us] of self) {
    const cf = nodes.get(id).callFrame;
    let name = cf.functionName || '(anon)';
    let file = cf.url ? cf.url.replace(/^.*\/assets\//, '') : cf.functionName;
    const m = cf.url ? mapOf(cf.url) : null;
    if (m) {
      const p = originalPositionFor(m, { line: cf.lineNumber + 1, column: cf.columnNumber });
      if (p.source) { file = p.source.replace(/^.*node_modules\//, 'nm/').replace(/^(\.\.\/)+/, ''); name = `${p.name ?? name} ${file}:${p.line}`; file = file.replace(/(nm\/(@[^/]+\/)?[^/]+).*/, '$1'); }
    }
    byFn.set(name, (byFn.get(name) ?? 0) + us);
    byFile.set(file, (byFile.get(file) ?? 0) + us);
  }
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  console.log(`\n== ${label}: ${(total / 1000).toFixed(0)} ms sampled`);
  for (const [k, v] of [...byFile].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`  ${(v / 1000).toFixed(1).padStart(7)} ms  ${k}`);
  console.log('  -- functions');
  for (const [k, v] of [...byFn].sort((a, b) => b[1] - a[1]).slice(0, 30)) console.log(`  ${(v / 1000).toFixed(1).padStart(7)} ms  ${k}`);
}

const server = await startChildServer({ MESSAGE_RATE_PER_MIN: '1000000', LOGIN_RATE_PER_IP: '1000', LOGIN_RATE_PER_USER: '1000', REGISTER_RATE_PER_IP: '1000' });
const profileDir = mkdtempSync(join(tmpdir(), 'parley-prof-'));
try {
  const s = await seed(server.url, 10_000);
  await firstVisit(server.url, profileDir, s, console.log);
  await offlineRun(server.url, profileDir, s, false); // warm code cache
  let n = 0;
  const start = async (cdp: any) => { await cdp.send('Profiler.enable'); await cdp.send('Profiler.setSamplingInterval', { interval: 200 }); await cdp.send('Profiler.start'); };
  const stop = async (cdp: any) => { const { profile } = await cdp.send('Profiler.stop'); writeFileSync(`/tmp/bb/p${n}.cpuprofile`, JSON.stringify(profile)); summarise(profile, n++ === 0 ? 'launch → room' : 'scroll'); };
  const names = ['launch → chat list', 'click → room', 'scroll'];
  const stop2 = async (cdp: any) => { const { profile } = await cdp.send('Profiler.stop'); writeFileSync(`/tmp/bb/p${n}.cpuprofile`, JSON.stringify(profile)); summarise(profile, names[n++]!); };
  const afterList = async (cdp: any, page: any) => {
    await stop2(cdp);
    const info = await page.evaluate(() => ({
      nav: performance.getEntriesByType('navigation').map((e: any) => ({ rs: e.responseStart, re: e.responseEnd, di: e.domInteractive, dcl: e.domContentLoadedEventEnd, load: e.loadEventEnd, worker: e.workerStart })),
      res: performance.getEntriesByType('resource').map((e: any) => [e.name.slice(-30), Math.round(e.startTime), Math.round(e.responseEnd)]),
      paint: performance.getEntriesByType('paint').map((e: any) => [e.name, Math.round(e.startTime)]),
      bench: (window as any).__bench,
    }));
    console.log(JSON.stringify(info));
  };
  const r = await offlineRun(server.url, profileDir, s, true, { beforeGoto: start, afterList, afterRoom: stop2, afterScroll: stop2 });
  console.log(r.chatListMs, r.roomOpenMs);
} finally { await server.stop(); }
process.exit(0);
