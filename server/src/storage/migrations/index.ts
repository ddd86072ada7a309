/** Versioned migrations, applied in order on start; the list only ever grows. */
import m001 from './001-accounts-rooms.ts';
import m002 from './002-sync.ts';
import m003 from './003-ai.ts';
import m004 from './004-attachments.ts';
import m005 from './005-receipt-marks.ts';
import m006 from './006-refresh-retired.ts';

export const migrations: readonly string[] = [m001, m002, m003, m004, m005, m006];
