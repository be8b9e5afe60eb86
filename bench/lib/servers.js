// Starting the servers under test: ours (`node server.js` from the repository root) or the
// bare `ws` baseline, each on a free port, pinned to the server CPU.

import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import readline from 'node:readline';
import { track } from './children.js';
import { waitHealthy } from './http.js';
import { log } from './log.js';
import { SERVER_CPU, wrap } from './machine.js';
import { BENCH, ROOT } from './paths.js';

/** @returns {Promise<number>} */
export function freePort() {
	return new Promise((resolve, reject) => {
		const srv = net.createServer();
		srv.unref();
		srv.on('error', reject);
		srv.listen(0, '127.0.0.1', () => {
			const addr = srv.address();
			const port = typeof addr === 'object' && addr ? addr.port : 0;
			srv.close(() => resolve(port));
		});
	});
}

/**
 * @typedef {Awaited<ReturnType<typeof startServer>>} Server
 */

/**
 * Starts `ours` (node server.js from the repository root) or `baseline`, pinned to the
 * server CPU, and waits for GET /healthz.
 * @param {import('./context.js').Bench} bench
 * @param {'ours' | 'baseline'} kind
 * @param {{ env?: Record<string, string>, dbFile?: string, nodeArgs?: string[], port?: number }} [o]
 */
export async function startServer(bench, kind, o = {}) {
	// A free port can be taken before the server binds it: after a storm, tens of thousands of
	// client sockets hold ephemeral ports. Another port then.
	for (let attempt = 1; ; attempt++) {
		try {
			return await startServerOnce(bench, kind, o);
		} catch (err) {
			if (attempt >= 3 || !String(/** @type {Error} */ (err).message).includes('EADDRINUSE'))
				throw err;
			log(`${kind} server: its port was taken meanwhile; starting it on another`);
		}
	}
}

/**
 * @param {import('./context.js').Bench} bench @param {'ours' | 'baseline'} kind
 * @param {{ env?: Record<string, string>, dbFile?: string, nodeArgs?: string[], port?: number }} [o]
 */
async function startServerOnce(bench, kind, o = {}) {
	const { opts } = bench;
	const port = o.port ?? (await freePort());
	const base = `http://127.0.0.1:${port}`;
	/** @type {string[]} */
	let argv;
	/** @type {NodeJS.ProcessEnv} */
	let env;
	const dbFile = o.dbFile ?? bench.newDbFile(kind);
	if (kind === 'ours') {
		argv = [process.execPath, ...opts.serverNodeArgs, ...(o.nodeArgs ?? []), 'server.js'];
		env = {
			...process.env,
			PORT: String(port),
			HOST: '127.0.0.1',
			ORIGIN: base,
			DATABASE_URL: dbFile,
			GUESTS: '1',
			REGISTER_PER_HOUR: '1000000',
			MAX_CONNECTIONS: '20000',
			// Every load-generator client is a guest on 127.0.0.1: lift the per-address caps and
			// the per-address guest send rate (issue 10), which would otherwise see one user.
			MAX_CONNECTIONS_PER_ADDRESS: '0',
			MAX_ANONYMOUS_PER_ADDRESS: '0',
			RATE_LIMIT_PER_SEC: '1000000',
			RATE_LIMIT_BURST: '1000000',
			LOG_LEVEL: 'warn',
			SKIP_BUILD: '1',
			SHUTDOWN_TIMEOUT_MS: '5000',
			...o.env
		};
	} else {
		argv = [
			process.execPath,
			...(o.nodeArgs ?? []),
			path.join(BENCH, 'baseline-server.js'),
			String(port)
		];
		env = { ...process.env, HOST: '127.0.0.1' };
	}
	const [cmd, args] = wrap(SERVER_CPU, argv);
	const child = spawn(cmd, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
	track(child);
	/** @type {string[]} */
	const tail = [];
	const keep = (/** @type {string} */ line) => {
		tail.push(line);
		if (tail.length > 60) tail.shift();
		if (opts.verbose) process.stderr.write(`  [${kind}] ${line}\n`);
	};
	readline.createInterface({ input: child.stdout }).on('line', keep);
	readline.createInterface({ input: child.stderr }).on('line', keep);
	/** @type {{ code: number | null, signal: string | null } | null} */
	let exited = null;
	let stopping = false;
	const exitPromise = new Promise((resolve) =>
		child.on('exit', (code, signal) => {
			exited = { code, signal };
			resolve(exited);
		})
	);
	try {
		await waitHealthy(base, 90_000, () => exited === null);
	} catch (err) {
		child.kill('SIGKILL');
		throw new Error(
			`${kind} server did not start: ${/** @type {Error} */ (err).message}\n${tail.join('\n')}`
		);
	}
	return {
		kind,
		pid: /** @type {number} */ (child.pid),
		port,
		base,
		wsUrl: `ws://127.0.0.1:${port}/ws`,
		dbFile,
		/** true when the process ended without being asked to */
		crashed: () => exited !== null && !stopping,
		exitInfo: () => exited,
		tail: () => tail.join('\n'),
		/** Graceful (SIGTERM), or `hard`: SIGKILL, as a crash. */
		async stop(hard = false) {
			if (exited) return exited;
			stopping = true;
			child.kill(hard ? 'SIGKILL' : 'SIGTERM');
			const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
			await exitPromise;
			clearTimeout(timer);
			return exited;
		}
	};
}

/** @param {Server} server */
export function reportCrash(server) {
	log(
		`${server.kind} server exited on its own (${JSON.stringify(server.exitInfo())}); its last output:\n${server.tail() || '(none)'}`
	);
}

/**
 * Starts `count` servers of one kind at once (scenario 8: several processes on one database
 * and one Redis, which also exercises concurrent start-up migrations); `envFor(i)` adds each
 * one's settings. If one fails to start, the others are stopped before the error is thrown.
 * @param {import('./context.js').Bench} bench @param {'ours' | 'baseline'} kind
 * @param {number} count @param {(i: number) => Record<string, string>} envFor
 * @returns {Promise<Server[]>}
 */
export async function startServers(bench, kind, count, envFor) {
	const started = await Promise.allSettled(
		Array.from({ length: count }, (_, i) => startServer(bench, kind, { env: envFor(i) }))
	);
	const servers = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
	const failed = started.find((s) => s.status === 'rejected');
	if (failed) {
		await Promise.all(servers.map((s) => s.stop()));
		throw /** @type {PromiseRejectedResult} */ (failed).reason;
	}
	return servers;
}
