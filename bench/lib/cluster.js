// Scenario 8's runs of our server as a cluster: N processes on one fresh PostgreSQL database
// and one Redis key prefix, the load generator's clients split round-robin between them, and
// per measured window the CPU of every server process, of Redis and of our database's
// PostgreSQL backends (/proc, as for the single server), so that each can be divided by the
// deliveries of that window.

import { log, sleep } from './log.js';
import { runLoadgen } from './loadgen-process.js';
import { backendPids, checkPostgres, createDatabase, dropDatabase } from './postgres.js';
import { cpuSecondsPrecise, mb, memory, startMemorySampler } from './procstat.js';
import { checkRedis, deletePrefix, redisCpuSeconds, redisServerPid } from './redis.js';
import { reportCrash, startServers } from './servers.js';

/**
 * Where scenario 8's PostgreSQL and Redis are: --pg-url / --redis-url, else BENCH_… or the
 * test suite's TEST_… variables, else the machine's local services. The PostgreSQL URL names
 * a database to connect to for CREATE/DROP DATABASE; each run gets a database of its own.
 * @param {import('./options.js').Options} opts
 */
export function clusterServices(opts) {
	const env = process.env;
	return {
		pgUrl:
			opts.pgUrl ??
			env.BENCH_DATABASE_URL ??
			env.TEST_DATABASE_URL ??
			'postgres://postgres@127.0.0.1:5432/postgres',
		redisUrl: opts.redisUrl ?? env.BENCH_REDIS_URL ?? env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'
	};
}

/**
 * Throws, saying which and why, unless both PostgreSQL and Redis answer.
 * @param {import('./options.js').Options} opts
 */
export async function checkServices(opts) {
	const { pgUrl, redisUrl } = clusterServices(opts);
	const redact = (/** @type {string} */ u) => u.replace(/\/\/[^@/]*@/, '//…@');
	/** @type {string[]} */
	const errors = [];
	try {
		checkPostgres(pgUrl);
	} catch (err) {
		errors.push(`PostgreSQL (${redact(pgUrl)}): ${/** @type {Error} */ (err).message}`);
	}
	try {
		await checkRedis(redisUrl);
	} catch (err) {
		errors.push(`Redis (${redact(redisUrl)}): ${/** @type {Error} */ (err).message}`);
	}
	if (errors.length) throw new Error(errors.join('; '));
}

/**
 * CPU of every process of the system under test for each window (step_start … window_end),
 * from /proc in nanoseconds (cpuSecondsPrecise: Redis and PostgreSQL work a few hundred µs
 * per second at low rates). Redis is read from /proc when it runs here, else from its INFO cpu
 * (asynchronously, which is why `attach` is async).
 * @param {{ servers: import('./servers.js').Server[], redisPid: number | null, redisUrl: string, dbName: string, redisIdle: number | null }} p
 */
function clusterSampler({ servers, redisPid, redisUrl, dbName, redisIdle }) {
	/** @type {Map<string, any>} */
	const samples = new Map();
	/** @type {any} */
	let cur = null;
	const pgNow = () => new Map(backendPids(dbName).map((pid) => [pid, cpuSecondsPrecise(pid)]));
	const redisNow = () => redisNowOf(redisPid, redisUrl);
	const diff = (/** @type {number | null} */ a, /** @type {number | null} */ b) =>
		a == null || b == null ? null : b - a;
	return {
		/** @param {any} ev */
		onEvent(ev) {
			if (ev.ev === 'step_start')
				cur = {
					at: performance.now(),
					servers: servers.map((s) => cpuSecondsPrecise(s.pid)),
					mem: servers.map((s) => startMemorySampler(s.pid)),
					redis: redisNow(),
					pg: pgNow()
				};
			else if (ev.ev === 'window_end' && cur) {
				const a = cur;
				cur = null;
				const wall = (performance.now() - a.at) / 1000;
				const serverSecs = servers.map((s, i) => diff(a.servers[i], cpuSecondsPrecise(s.pid)));
				let pg = 0;
				// A backend opened during the window counts from zero (its start-up is the window's work).
				for (const [pid, t] of pgNow()) pg += diff(a.pg.get(pid) ?? 0, t) ?? 0;
				samples.set(`${ev.step}:${ev.attempt ?? 0}`, {
					wall,
					serverSecs,
					rss: a.mem.map((/** @type {any} */ m) => m.stop().rss_peak_mb),
					redis: [a.redis, redisNow()],
					pg
				});
			}
		},
		/**
		 * Adds the figures to each step: CPU % (100 = one core) and CPU-seconds (`cpu_s`, what the
		 * costs per delivery are computed from). @param {any[]} steps
		 */
		async attach(steps) {
			const pct = (/** @type {number | null} */ v, /** @type {number} */ wall) =>
				v == null ? null : Math.round((v / wall) * 10000) / 100;
			const r6 = (/** @type {number | null} */ v) => (v == null ? null : Math.round(v * 1e6) / 1e6);
			for (const s of steps) {
				const x = samples.get(`${s.step}:${s.attempt ?? 0}`);
				if (!x) continue;
				const [ra, rb] = await Promise.all(x.redis);
				const redis = diff(ra, rb);
				const total = x.serverSecs.reduce(
					(/** @type {number} */ t, /** @type {number | null} */ v) => t + (v ?? 0),
					0
				);
				Object.assign(s, {
					server_cpu_pct: { total: pct(total, x.wall) },
					server_cpu_pct_each: x.serverSecs.map((/** @type {number | null} */ v) => pct(v, x.wall)),
					server_rss_mb: Math.max(...x.rss),
					redis_cpu_pct: pct(redis, x.wall),
					pg_cpu_pct: pct(x.pg, x.wall),
					cpu_s: {
						wall: r6(x.wall),
						servers: r6(total),
						redis: r6(redis),
						// what Redis would have used anyway in this window (measured before the load)
						redis_idle: redisIdle == null ? null : r6(redisIdle * x.wall),
						pg: r6(x.pg)
					}
				});
			}
		}
	};
}

/**
 * Redis's CPU-seconds so far: /proc when it is a local process, else INFO cpu.
 * @param {number | null} pid @param {string} url @returns {Promise<number | null> | number | null}
 */
const redisNowOf = (pid, url) =>
	pid ? cpuSecondsPrecise(pid) : redisCpuSeconds(url).catch(() => null);

/**
 * One load generator run against `processes` fresh servers sharing a fresh database and a
 * fresh Redis prefix; both are removed afterwards (unless --keep).
 * @param {import('./context.js').Bench} bench @param {number} processes
 * @param {Record<string, unknown>} lgCfg @param {Record<string, string>} [env]
 */
export async function clusterRun(bench, processes, lgCfg, env = {}) {
	const { pgUrl, redisUrl } = clusterServices(bench.opts);
	const q = await bench.quiet();
	const tag = `${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6).toString(36)}`;
	const dbName = `chat_bench_${tag}`;
	const prefix = `chat-bench-${tag}:`;
	const dbUrl = createDatabase(pgUrl, dbName);
	log(`${processes} process(es) on database ${dbName}, Redis prefix ${prefix}`);
	/** @type {import('./servers.js').Server[]} */
	let servers = [];
	try {
		servers = await startServers(bench, 'ours', processes, (i) => ({
			DATABASE_URL: dbUrl,
			REDIS_URL: redisUrl,
			REDIS_PREFIX: prefix,
			PROCESS_ID: `bench-${i + 1}`,
			...env
		}));
		const redisPid = await redisServerPid(redisUrl);
		if (!redisPid) log('Redis is not a local process: its CPU comes from INFO cpu');
		// Redis's CPU with our servers up and idle (its own timers, our processes' heartbeats,
		// other clients of a shared Redis): subtracted from each window's before dividing by the
		// messages, so that the cost per message is the messages' own.
		const r0 = await redisNowOf(redisPid, redisUrl);
		const t0 = performance.now();
		await sleep(3000);
		const r1 = await redisNowOf(redisPid, redisUrl);
		const redisIdle =
			r0 == null || r1 == null ? null : (r1 - r0) / ((performance.now() - t0) / 1000);
		const sampler = clusterSampler({ servers, redisPid, redisUrl, dbName, redisIdle });
		const rss0 = servers.map((s) => memory(s.pid)?.rss ?? 0);
		const lg = runLoadgen(
			{
				urls: servers.map((s) => s.wsUrl),
				...lgCfg,
				// The other servers, Redis and our database's backends are the system under test:
				// their CPU on our cores is not another process's contention.
				alsoOursPids: [...servers.slice(1).map((s) => s.pid), ...(redisPid ? [redisPid] : [])],
				alsoOursPostgres: [dbName]
			},
			{ serverPid: servers[0].pid, onEvent: sampler.onEvent, label: `[ours×${processes}]` }
		);
		const { result, code, stderr } = await lg.done;
		if (result?.steps) await sampler.attach(result.steps);
		const crashed = servers.filter((s) => s.crashed());
		crashed.forEach(reportCrash);
		return {
			kind: 'ours',
			processes,
			ok: !!result?.ok && code === 0 && !crashed.length,
			crashed: crashed.length > 0,
			loadgen_exit: code,
			loadgen_error: result?.ok ? undefined : (result?.error ?? stderr.slice(-2000)),
			quiet: q,
			redis_sampled: redisPid ? 'proc' : 'INFO cpu',
			redis_idle_cpu_pct: redisIdle == null ? null : Math.round(redisIdle * 10000) / 100,
			server_rss_start_mb: rss0.map(mb),
			result,
			server_log_tail: crashed.length ? crashed.map((s) => s.tail()).join('\n---\n') : undefined
		};
	} finally {
		await Promise.all(servers.map((s) => s.stop()));
		if (bench.opts.keep) log(`kept database ${dbName} and Redis prefix ${prefix}`);
		else {
			try {
				dropDatabase(pgUrl, dbName);
				await deletePrefix(redisUrl, prefix);
			} catch (err) {
				log(`cleaning up ${dbName} / ${prefix}: ${/** @type {Error} */ (err).message}`);
			}
		}
	}
}
