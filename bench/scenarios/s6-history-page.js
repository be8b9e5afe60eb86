// Scenario 6: one page of history from a room of a million messages, seeded straight into
// the stopped server's SQLite file, fetched over HTTP one request at a time. Since issue 11,
// 10 % of the messages carry reactions and 1 in 20 is a thread reply, so a page aggregates
// reactions and thread summaries as a real room's does.

import { PASSWORD, sqlite } from '../lib/db.js';
import { register } from '../lib/http.js';
import { runLoadgen, waitMeter } from '../lib/loadgen-process.js';
import { log } from '../lib/log.js';
import { cpuPercent, cpuTimes } from '../lib/procstat.js';
import { reportCrash, startServer } from '../lib/servers.js';
import { fmt, runRecord } from '../lib/summary.js';

/** @param {import('../lib/context.js').Bench} bench */
export default (bench) => ({
	id: 6,
	title: `GET a page of 50 from a room of ${bench.opts.s6Rows.toLocaleString('en')} messages, 10 % with reactions`,
	goal: 'p99 ≤ 10 ms',
	targets: ['ours'],
	run: () => scenario6(bench)
});

/** @param {import('../lib/context.js').Bench} bench */
async function scenario6(bench) {
	const q = await bench.quiet();
	const dbFile = bench.newDbFile('s6');
	let server = await startServer(bench, 'ours', { dbFile });
	const reg = await register(server.base, 'bench_reader', PASSWORD);
	await server.stop();
	log(`seeding ${bench.opts.s6Rows.toLocaleString('en')} messages into general…`);
	const { seedRoomMessages } = await sqlite();
	const seed = seedRoomMessages(dbFile, {
		room: 'general',
		count: bench.opts.s6Rows,
		senderId: reg.user?.id ?? 1,
		senderName: reg.user?.name ?? 'bench_reader',
		reactionEvery: 10,
		replyEvery: 20,
		log
	});
	log(
		`seeded ${seed.rows.toLocaleString('en')} rows (${seed.reactions.toLocaleString('en')} reactions, ${seed.replies.toLocaleString('en')} replies) in ${seed.seconds} s`
	);
	server = await startServer(bench, 'ours', { dbFile });
	try {
		const cpu0 = cpuTimes(server.pid);
		const lg = runLoadgen(
			{
				url: server.wsUrl,
				mode: 'http',
				cookie: reg.cookie,
				requests: 1000,
				warmupRequests: 50,
				beforeMin: seed.min_id,
				beforeMax: seed.max_id + 1,
				httpPath: '/api/rooms/general/messages?limit=50&before={before}'
			},
			{ serverPid: server.pid, label: '[ours]' }
		);
		const meter = waitMeter(server.pid, lg.pid);
		const { result, code, stderr } = await lg.done;
		const cpu = cpuPercent(cpu0, cpuTimes(server.pid));
		const contention = meter();
		const crashed = server.crashed();
		if (crashed) reportCrash(server);
		const lat = result?.latency_ms;
		const failures = Object.values(result?.failures ?? {}).reduce((a, b) => a + b, 0);
		const issues = [];
		if (crashed) issues.push('server crashed');
		if (failures) issues.push(`failures ${JSON.stringify(result.failures)}`);
		if (result?.unexpected_page_size)
			issues.push(`${result.unexpected_page_size} pages of unexpected size`);
		const pass = !!lat && lat.count >= 1000 && lat.p99 <= 10 && !failures && !crashed;
		const text = lat?.count
			? `p99 ${fmt(lat.p99, 2)} ms (p50 ${fmt(lat.p50, 2)}, max ${fmt(lat.max, 1)}) over ${fmt(lat.count, 0)} requests on ${fmt(seed.rows, 0)} messages (${fmt(seed.reactions, 0)} reactions, ${fmt(seed.replies, 0)} replies), server CPU ${fmt(cpu?.total)} %` +
				(contention.contended ? ' ⚠ contended' : '') +
				(issues.length ? `; ${issues.join('; ')}` : '')
			: `no measurement (${result?.error ?? JSON.stringify(result?.failures) ?? stderr.slice(-300)}; ${result?.notes?.join(' ') ?? ''})`;
		return {
			ok: !!result?.ok && code === 0 && !crashed,
			pass,
			text,
			p50_ms: lat?.p50 ?? null,
			p99_ms: lat?.p99 ?? null,
			seed,
			...contention,
			issues,
			run: runRecord('ours', q, result, code, crashed, server)
		};
	} finally {
		await server.stop();
	}
}
