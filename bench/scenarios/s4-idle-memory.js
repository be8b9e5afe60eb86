// Scenario 4: many idle logged-in connections; the server's memory per connection, measured
// after a forced garbage collection.

import { connectInspector } from '../lib/inspector.js';
import { runLoadgen, waitMeter } from '../lib/loadgen-process.js';
import { sleep } from '../lib/log.js';
import { cpuPercent, cpuTimes, fdCounts, mb, memory } from '../lib/procstat.js';
import { seedAccountCookies, sqliteRows } from '../lib/seed-accounts.js';
import { freePort, reportCrash, startServer } from '../lib/servers.js';
import { fmt, problems, runRecord } from '../lib/summary.js';

/** @param {import('../lib/context.js').Bench} bench */
export default (bench) => ({
	id: 4,
	title: `${bench.opts.s4Connections.toLocaleString('en')} idle logged-in connections`,
	goal: '≤ 20 KB server memory per connection',
	targets: ['ours', 'baseline'],
	run: (/** @type {'ours' | 'baseline'} */ kind) => scenario4(bench, kind)
});

/** @param {import('../lib/context.js').Bench} bench @param {'ours' | 'baseline'} kind */
async function scenario4(bench, kind) {
	const { opts } = bench;
	const n = opts.s4Connections;
	const q = await bench.quiet();
	/** @type {Record<string, unknown>} */
	const auth = { auth: 'guest' };
	/** @type {string[]} */
	const notes = [];
	let dbFile = bench.newDbFile(`s4-${kind}`);
	// The measured server runs with the inspector on loopback, so that a full garbage collection
	// can be forced before each memory sample.
	const inspectPort = await freePort();
	const inspectArgs = [`--inspect=127.0.0.1:${inspectPort}`];
	let server = await startServer(bench, kind, {
		dbFile,
		nodeArgs: kind === 'baseline' ? inspectArgs : []
	});
	if (kind === 'ours') {
		const seeded = await seedAccountCookies(bench, server, {
			rows: sqliteRows(dbFile),
			count: n,
			prefix: 'idle'
		});
		if (seeded) {
			Object.assign(auth, { auth: 'cookies', cookieFile: seeded.cookieFile });
			notes.push(`${n} accounts and sessions seeded into SQLite in ${seeded.seconds} s`);
		} else {
			Object.assign(auth, { auth: 'register', users: Math.min(opts.s4Users, n) });
			notes.push(
				`session scheme not recognised; ${Math.min(opts.s4Users, n)} accounts registered through the API, ${Math.ceil(n / Math.min(opts.s4Users, n))} connections each`
			);
		}
		server = await startServer(bench, 'ours', { dbFile, nodeArgs: inspectArgs });
	}
	/** @type {Awaited<ReturnType<typeof connectInspector>> | null} */
	let inspector = null;
	try {
		inspector = await connectInspector(inspectPort);
	} catch (err) {
		notes.push(`no forced GC (${/** @type {Error} */ (err).message}): memory includes garbage`);
	}
	const collect = async () => {
		try {
			await inspector?.gc();
			return (await inspector?.memoryUsage()) ?? null;
		} catch {
			return null;
		}
	};
	try {
		await sleep(2000);
		const heapBefore = await collect();
		const before = memory(server.pid);
		const fdsBefore = fdCounts(server.pid);
		/** @type {(v?: unknown) => void} */
		let onReady = () => {};
		const ready = new Promise((r) => (onReady = r));
		const cpu0 = cpuTimes(server.pid);
		const lg = runLoadgen(
			{
				url: server.wsUrl,
				mode: 'idle',
				clients: n,
				senders: 0,
				...auth,
				connectConcurrency: 100,
				connectTimeoutMs: 60_000,
				connectPhaseTimeoutMs: opts.s4ConnectTimeout * 1000,
				localAddresses: Math.max(1, Math.ceil(n / 5000)),
				settleQuietMs: 1000,
				settleMaxMs: 120_000,
				holdMaxS: 180
			},
			{
				serverPid: server.pid,
				label: `[${kind}]`,
				onEvent: (ev) => ev.ev === 'ready' && onReady(ev)
			}
		);
		const meter = waitMeter(server.pid, lg.pid);
		const first = await Promise.race([ready.then(() => 'ready'), lg.done.then(() => 'done')]);
		const connectCpu = cpuPercent(cpu0, cpuTimes(server.pid));
		const contention = meter();
		/** @type {number[]} */
		const rss = [];
		let fds = null;
		/** @type {NodeJS.MemoryUsage | null} */
		let heapAfter = null;
		if (first === 'ready') {
			await sleep(3000);
			heapAfter = await collect();
			for (let i = 0; i < 5; i++) {
				const m = memory(server.pid);
				if (m?.rss) rss.push(m.rss);
				await sleep(1000);
			}
			fds = fdCounts(server.pid);
			lg.stop();
		}
		const { result, code, stderr } = await lg.done;
		const crashed = server.crashed();
		if (crashed) reportCrash(server);
		rss.sort((a, b) => a - b);
		const after = rss.length ? rss[Math.floor(rss.length / 2)] : null;
		const open = result?.open_at_end ?? 0;
		const perConnKb = after && before?.rss && open ? (after - before.rss) / open / 1024 : null;
		const heapPerConnKb =
			heapAfter && heapBefore && open
				? (heapAfter.heapUsed - heapBefore.heapUsed) / open / 1024
				: null;
		const issues = problems(result).filter((p) => !p.startsWith('closes') || crashed);
		if (crashed) issues.unshift('server crashed');
		if (open < n) issues.push(`${open}/${n} connections open`);
		const pass =
			kind === 'ours' ? perConnKb != null && perConnKb <= 20 && open === n && !crashed : null;
		const text =
			perConnKb == null
				? `no measurement (${result?.error ?? stderr.slice(-300)})`
				: `${fmt(perConnKb, 1)} KB per connection${inspector ? ' after a forced GC' : ''} (RSS ${fmt(mb(before?.rss ?? 0))} → ${fmt(mb(after ?? 0))} MB with ${fmt(open, 0)} open` +
					(heapPerConnKb != null ? `, of which V8 heap ${fmt(heapPerConnKb, 1)} KB` : '') +
					`; ${fmt(fds?.sockets ?? null, 0)} server sockets), connected in ${fmt(result?.connected?.seconds)} s (server CPU ${fmt(connectCpu?.total)} %${contention.contended ? ', ⚠ contended' : ''}), connect p99 ${fmt(result?.connected?.connect_ms?.p99)} ms` +
					(issues.length ? `; ${issues.join('; ')}` : '');
		return {
			ok: !!result?.ok && code === 0 && !crashed,
			pass,
			text,
			...contention,
			per_connection_kb: perConnKb == null ? null : Math.round(perConnKb * 10) / 10,
			rss_before_mb: before?.rss ? mb(before.rss) : null,
			rss_after_mb: after ? mb(after) : null,
			heap_per_connection_kb: heapPerConnKb == null ? null : Math.round(heapPerConnKb * 10) / 10,
			memory_usage_before: heapBefore,
			memory_usage_after: heapAfter,
			open,
			server_fds: fds,
			server_fds_before: fdsBefore,
			server_cpu_connect_phase_pct: connectCpu,
			notes,
			issues,
			run: runRecord(kind, q, result, code, crashed, server)
		};
	} finally {
		inspector?.close();
		await server.stop();
	}
}
