// Shared pieces of every scenario's summary: number formatting for the one-line text, the
// problems worth failing on, and the raw record of a run kept in the JSON.

/** @param {number | null | undefined} v @param {number} [digits] */
export const fmt = (v, digits = 1) =>
	v == null ? '–' : Number(v).toLocaleString('en', { maximumFractionDigits: digits });

/** Errors worth failing on: error events, closes, connect failures, order violations. @param {any} r */
export function problems(r) {
	if (!r) return ['no result'];
	/** @type {string[]} */
	const out = [];
	const count = (/** @type {Record<string, number>} */ m) =>
		Object.values(m ?? {}).reduce((a, b) => a + b, 0);
	if (count(r.errors_by_code)) out.push(`error events ${JSON.stringify(r.errors_by_code)}`);
	if (count(r.closes_by_code)) out.push(`closes ${JSON.stringify(r.closes_by_code)}`);
	if (count(r.connect_failures)) out.push(`connect failures ${JSON.stringify(r.connect_failures)}`);
	if (r.order_violations) out.push(`${r.order_violations} out-of-order deliveries`);
	return out;
}

/**
 * The `run` record of scenarios 4–6: the load generator's result as it came, and the server's
 * last output when it crashed.
 * @param {string} kind @param {unknown} quiet @param {any} result @param {number | null} code
 * @param {boolean} crashed @param {import('./servers.js').Server} server
 */
export function runRecord(kind, quiet, result, code, crashed, server) {
	return {
		kind,
		quiet,
		result,
		loadgen_exit: code,
		crashed,
		server_log_tail: crashed ? server.tail() : undefined
	};
}
