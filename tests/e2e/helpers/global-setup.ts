/** Builds the client once before any spec runs (the servers each spec starts serve it). */
import { existsSync } from 'node:fs';
import { CHROMIUM_PATH } from '../playwright.config.ts';
import { ensureClientBuilt } from '../../../server/src/build-client.ts';

export default async function globalSetup() {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium is missing at ${CHROMIUM_PATH}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  }
  await ensureClientBuilt();
}
