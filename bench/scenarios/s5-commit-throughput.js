// Scenario 5: commit throughput. 50 senders keep a window of unacknowledged messages each, in
// rooms of their own so that the commit path, not fan-out, is measured; every acknowledged
// message is then looked up in SQLite.

import { sqlite } from '../lib/db.js';
import { runLoadgen, stepSampler } from '../lib/loadgen-process.js';
import { reportCrash, startServer } from '../lib/servers.js';
import { fmt, problems, runRecord } from '../lib/summary.js';

/** @param {import('../lib/context.js').Bench} bench */
export default (bench) => ({
	id: 5,
	title: '50 senders as fast as allowed (rate limit lifted)',
	goal: '≥ 20,000 messages/s committed to SQLite, each acknowledged after commit',
	targets: ['ours'],
	run: () => scenario5(bench)
});

/** @param {import('../lib/context.js').Bench} bench */
async function scenario5(bench) {
	const q = await bench.quiet();
	const server = await startServer(bench, 'ours', {
		env: { RATE_LIMIT_PER_SEC: '1000000', RATE_LIMIT_BURST: '1000000' }
	});
	try {
		const sampler = stepSampler(server);
		const lg = runLoadgen(
			{
				url: server.wsUrl,
				mode: 'ack',
				clients: 50,
				senders: 50,
				window: bench.opts.s5Window,
				duration: bench.dur(10),
				warmup: 1,
				drain: 15,
				senderRooms: 'own',
				retryContended: 0
			},
			{ serverPid: server.pid, onEvent: sampler.onEvent, label: '[ours]' }
		);
		const { result, code, stderr } = await lg.done;
		const step = result?.steps?.[0];
		if (step) sampler.attach([step]);
		const crashed = server.crashed();
		if (crashed) reportCrash(server);
		let db = null;
		if (step && !crashed) {
			const { countMessagesWithClientPrefix } = await sqlite();
			db = countMessagesWithClientPrefix(server.dbFile, step.client_id_prefix);
		}
		const ackedTotal = (step?.acked ?? 0) + (result?.warmup?.acked ?? 0);
		const sentTotal = (step?.sent ?? 0) + (result?.warmup?.sent ?? 0);
		const issues = problems(result);
		if (crashed) issues.unshift('server crashed');
		if (db && db.matching < ackedTotal)
			issues.push(`${ackedTotal - db.matching} acknowledged messages missing from SQLite`);
		if (step?.unacked) issues.push(`${step.unacked} messages never acknowledged`);
		if (step && step.senders_in_general)
			issues.push(
				`${step.senders_in_general} senders could not get a room of their own (fan-out to general)`
			);
		const perS = step?.acked_per_s ?? 0;
		const pass =
			!!step && perS >= 20_000 && !!db && db.matching >= ackedTotal && !step.unacked && !crashed;
		const text = step
			? `${fmt(perS, 0)} messages/s committed and acknowledged (ack p50 ${fmt(step.ack_latency_ms.p50, 2)} ms, p99 ${fmt(step.ack_latency_ms.p99, 1)} ms, window ${step.window}/sender), ` +
				`SQLite rows ${fmt(db?.matching ?? null, 0)} for ${fmt(ackedTotal, 0)} acks of ${fmt(sentTotal, 0)} sent, server CPU ${fmt(step.server_cpu_pct?.total)} %` +
				(step.contended ? ' ⚠ contended' : '') +
				(issues.length ? `; ${issues.join('; ')}` : '')
			: `no measurement (${result?.error ?? stderr.slice(-300)})`;
		return {
			ok: !!result?.ok && code === 0 && !crashed,
			pass,
			text,
			committed_per_s: perS,
			acked_total: ackedTotal,
			sent_total: sentTotal,
			sqlite_rows: db,
			issues,
			run: runRecord('ours', q, result, code, crashed, server)
		};
	} finally {
		await server.stop();
	}
}
