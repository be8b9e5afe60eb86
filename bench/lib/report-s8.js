// Scenario 8's table in the generated section of docs/performance.md: deliveries/s and p99 at
// saturation of one process, N processes and the baseline, and what each delivery cost in
// CPU of the servers, Redis and PostgreSQL.

/**
 * Markdown lines (empty when scenario 8 has no figures).
 * @param {any} entry scenario 8's results
 * @returns {string[]}
 */
export function scenario8Lines(entry) {
	if (!entry?.ours?.one && !entry?.baseline) return [];
	const n = (/** @type {any} */ v, digits = 0) =>
		v == null ? '–' : Number(v).toLocaleString('en', { maximumFractionDigits: digits });
	const ms = (/** @type {number | null | undefined} */ s) => (s == null ? '–' : n(s * 1000, 3));
	/** @param {string} label @param {any} r */
	const row = (label, r) => {
		const c = r?.cost;
		return `| ${label} | ${n(r?.saturation_deliveries_per_s)}${r?.saturated === false ? ' (never saturated)' : ''} | ${n(r?.saturation_p99_ms, 1)} | ${n(c?.server_cpu_pct ?? r?.saturation_server_cpu_pct?.total, 1)} | ${n(c?.redis_cpu_pct, 1)} | ${n(c?.pg_cpu_pct, 1)} | ${ms(c?.server_cpu_s_per_1000)} | ${ms(c?.redis_cpu_s_per_1000)} | ${n(c?.redis_cpu_us_per_message)} | ${ms(c?.pg_cpu_s_per_1000)} |`;
	};
	const procs = entry.ours?.processes ?? 2;
	const ratios = [
		entry.ratio_many_to_one != null && `${procs} processes / 1 process: ${entry.ratio_many_to_one}`,
		entry.ratio != null && `1 process / bare ws baseline: ${entry.ratio}`,
		entry.ratio_many_to_baseline != null &&
			`${procs} processes / baseline: ${entry.ratio_many_to_baseline}`
	].filter(Boolean);
	return [
		'',
		`Scenario 8 at saturation (1,000 clients, 10 senders, one room; ours on PostgreSQL + Redis, both server processes on the server CPU; CPU % = share of one core; costs in CPU milliseconds):`,
		'',
		'| run | deliveries/s | p99 ms | servers CPU % | Redis CPU % | PostgreSQL CPU % | servers ms / 1,000 deliveries | Redis ms / 1,000 deliveries | Redis µs / message | PostgreSQL ms / 1,000 deliveries |',
		'|---|---|---|---|---|---|---|---|---|---|',
		...(entry.ours?.one ? [row('ours, 1 process', entry.ours.one)] : []),
		...(entry.ours?.many ? [row(`ours, ${procs} processes`, entry.ours.many)] : []),
		...(entry.baseline ? [row('bare `ws` baseline', entry.baseline)] : []),
		...(ratios.length ? ['', `Ratios: ${ratios.join('; ')}.`] : [])
	];
}
