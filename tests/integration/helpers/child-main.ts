/** Entry of a child-process server for tests: no client build, prints its URL. */
import { loadConfig } from '../../../server/src/config.ts';
import { startServer } from '../../../server/src/server.ts';

const server = await startServer(loadConfig());
console.log(`listening ${server.url}`);
process.on('SIGTERM', () => server.close().then(() => process.exit(0)));
