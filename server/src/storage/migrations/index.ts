/** Versioned migrations, applied in order on start; the list only ever grows. */
import m001 from './001-accounts-rooms.ts';

export const migrations: readonly string[] = [m001];
