import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createTestDatabase, onPostgres, type TestDatabase } from './pg';

/**
 * Starts the real production server (`node server.js`, from the build that `npm test`
 * makes first) on a free port with its own temporary SQLite file; or, with
 * CHAT_TEST_BACKEND=postgres, its own fresh PostgreSQL database on TEST_DATABASE_URL's
 * server (and, with TEST_REDIS_URL, its own Redis key prefix).
 */
export interface TestServer {
	port: number;
	url: string;
	wsUrl: string;
	/** The SQLite file (on PostgreSQL: the path it would have; nothing is there). */
	dbFile: string;
	/** What the server was given as DATABASE_URL: the file, or the postgres:// URL. */
	databaseUrl: string;
	/** On PostgreSQL: the test's own database (dropped by dispose). */
	database?: TestDatabase;
	dir: string;
	proc: ChildProcess;
	output: () => string;
	/** Stops the process (SIGTERM, or SIGKILL when `hard`). */
	stop(hard?: boolean): Promise<void>;
	/** Stops and starts again on the same port and database file. */
	restart(hard?: boolean): Promise<TestServer>;
	/** Stops and removes the temporary directory (and drops the test's database). */
	dispose(): Promise<void>;
}

export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const srv = createServer();
		srv.unref();
		srv.on('error', reject);
		srv.listen(0, '127.0.0.1', () => {
			const { port } = srv.address() as { port: number };
			srv.close(() => resolve(port));
		});
	});
}

/** The environment of the backend: a fresh database and Redis prefix when on PostgreSQL. */
async function backendEnv(
	dbFile: string,
	reuse?: BackendState,
	given?: string,
	backend?: string
): Promise<BackendState & { env: Record<string, string> }> {
	// A test that names its own DATABASE_URL (a restored backup) or CHAT_TEST_BACKEND=sqlite
	// (a file to migrate to PostgreSQL) gets that.
	if (!onPostgres() || given || backend === 'sqlite')
		return { env: { DATABASE_URL: given ?? dbFile } };
	const database = reuse?.database ?? (await createTestDatabase());
	const env: Record<string, string> = { DATABASE_URL: database.url };
	const redisPrefix = reuse?.redisPrefix ?? `t${randomBytes(6).toString('hex')}:`;
	if (process.env.TEST_REDIS_URL) {
		env.REDIS_URL = process.env.TEST_REDIS_URL;
		env.REDIS_PREFIX = redisPrefix;
	}
	return { database, redisPrefix, env };
}

/** What a restart keeps besides the port and directory. */
interface BackendState {
	database?: TestDatabase;
	redisPrefix?: string;
}

export async function startServer(
	env: Record<string, string> = {},
	reuse?: { port: number; dir: string } & BackendState,
	fixedPort?: number
): Promise<TestServer> {
	const port = reuse?.port ?? fixedPort ?? (await freePort());
	const dir = reuse?.dir ?? mkdtempSync(join(tmpdir(), 'chat-test-'));
	const dbFile = join(dir, 'chat.db');
	const backend = await backendEnv(dbFile, reuse, env.DATABASE_URL, env.CHAT_TEST_BACKEND);
	const databaseUrl = backend.env.DATABASE_URL;
	let log = '';
	const proc = spawn(process.execPath, ['server.js'], {
		cwd: process.cwd(),
		env: {
			...process.env,
			SKIP_BUILD: '1',
			PORT: String(port),
			HOST: '127.0.0.1',
			LOG_LEVEL: 'warn',
			REGISTER_PER_HOUR: '10000',
			UPLOAD_DIR: join(dir, 'uploads'),
			...backend.env,
			...env
		},
		stdio: ['ignore', 'pipe', 'pipe']
	});
	proc.stdout!.on('data', (d) => (log += d));
	proc.stderr!.on('data', (d) => (log += d));
	const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
	// With TLS_CERT the same port speaks HTTPS and WSS (self-signed in tests).
	const tls = !!env.TLS_CERT;
	try {
		await waitForHealth(port, tls, proc, () => log);
	} catch (err) {
		if (!reuse?.database) await backend.database?.drop();
		throw err;
	}

	const server: TestServer = {
		port,
		url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
		wsUrl: `${tls ? 'wss' : 'ws'}://127.0.0.1:${port}/ws`,
		dbFile,
		databaseUrl,
		database: backend.database,
		dir,
		proc,
		output: () => log,
		async stop(hard = false) {
			if (proc.exitCode === null && proc.signalCode === null)
				proc.kill(hard ? 'SIGKILL' : 'SIGTERM');
			await exited;
		},
		async restart(hard = false) {
			await server.stop(hard);
			return startServer(env, { port, dir, ...backend });
		},
		async dispose() {
			await server.stop();
			rmSync(dir, { recursive: true, force: true });
			await backend.database?.drop();
		}
	};
	return server;
}

/** The status of GET /healthz, or 0 when nothing answers yet (self-signed TLS accepted). */
function healthStatus(port: number, tls: boolean): Promise<number> {
	return new Promise((resolve) => {
		const url = `${tls ? 'https' : 'http'}://127.0.0.1:${port}/healthz`;
		const req = tls
			? httpsGet(url, { rejectUnauthorized: false, agent: false }, done)
			: httpGet(url, { agent: false }, done);
		req.on('error', () => resolve(0));
		function done(res: import('node:http').IncomingMessage) {
			res.resume();
			resolve(res.statusCode ?? 0);
		}
	});
}

async function waitForHealth(
	port: number,
	tls: boolean,
	proc: ChildProcess,
	log: () => string
): Promise<void> {
	// Generous: under a full parallel test run on two cores a cold start can take seconds.
	const deadline = Date.now() + 45_000;
	while (Date.now() < deadline) {
		if (proc.exitCode !== null) throw new Error(`server exited with ${proc.exitCode}:\n${log()}`);
		if ((await healthStatus(port, tls)) === 200) return;
		await new Promise((r) => setTimeout(r, 50));
	}
	proc.kill('SIGKILL');
	throw new Error(`server did not become healthy:\n${log()}`);
}
