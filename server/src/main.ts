/** `npm start`: build the client if it is missing or stale, then serve app, API and sync. */
import { loadConfig } from './config.ts';
import { startServer } from './server.ts';
import { ensureClientBuilt } from './build-client.ts';

const config = loadConfig();
// `npm run dev` serves the client from Vite, so it skips the build.
if (process.env.PARLEY_NO_CLIENT_BUILD !== '1') await ensureClientBuilt();
const server = await startServer(config);
const shown = config.host === '127.0.0.1' ? `http://localhost:${server.port}` : server.url;
console.log(`Parley is running at ${shown} (data in ${config.dataDir})`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: closing…`);
    server.close().then(
      () => process.exit(0),
      (e) => {
        console.error(e);
        process.exit(1);
      },
    );
  });
}
