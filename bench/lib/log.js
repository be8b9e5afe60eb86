// The runner's progress output (stderr; stdout is kept for the table and the smoke verdict).

/** @param {string} msg */
export const log = (msg) => process.stderr.write(`[bench] ${msg}\n`);
export const sleep = (/** @type {number} */ ms) => new Promise((r) => setTimeout(r, ms));
