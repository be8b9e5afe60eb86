import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** bench/ */
export const BENCH = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
/** The repository root: where `node server.js` runs. */
export const ROOT = path.resolve(BENCH, '..');
