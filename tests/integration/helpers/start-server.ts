/**
 * Starts the real server in this process on 127.0.0.1, port 0, with a fresh temp DATA_DIR.
 * `env` overrides configuration (limits) the way the environment would.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../../server/src/config.ts';
import { startServer, type RunningServer } from '../../../server/src/server.ts';

export interface TestServer extends RunningServer {
  dataDir: string;
  /** Stops the server and deletes its data. */
  stop(): Promise<void>;
}

export async function startTestServer(env: Record<string, string> = {}, dataDir?: string): Promise<TestServer> {
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), 'parley-test-'));
  const config = loadConfig({ HOST: '127.0.0.1', PORT: '0', DATA_DIR: dir, PARLEY_QUIET: '1', ...env });
  const server = await startServer(config);
  return {
    ...server,
    dataDir: dir,
    async stop() {
      await server.close();
      if (!dataDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
