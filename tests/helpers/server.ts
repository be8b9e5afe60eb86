import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Starts the real production server (`node server.js`, from the build that `npm test`
 * makes first) on a free port with its own temporary SQLite file.
 */
export interface TestServer {
	port: number;
	url: string;
	wsUrl: string;
	dbFile: string;
	dir: string;
	proc: ChildProcess;
	output: () => string;
	/** Stops the process (SIGTERM, or SIGKILL when `hard`). */
	stop(hard?: boolean): Promise<void>;
	/** Stops and starts again on the same port and database file. */
	restart(hard?: boolean): Promise<TestServer>;
	/** Stops and removes the temporary directory. */
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

export async function startServer(
	env: Record<string, string> = {},
	reuse?: { port: number; dir: string },
	fixedPort?: number
): Promise<TestServer> {
	const port = reuse?.port ?? fixedPort ?? (await freePort());
	const dir = reuse?.dir ?? mkdtempSync(join(tmpdir(), 'chat-test-'));
	const dbFile = join(dir, 'chat.db');
	let log = '';
	const proc = spawn(process.execPath, ['server.js'], {
		cwd: process.cwd(),
		env: {
			...process.env,
			SKIP_BUILD: '1',
			PORT: String(port),
			HOST: '127.0.0.1',
			DATABASE_URL: dbFile,
			LOG_LEVEL: 'warn',
			REGISTER_PER_HOUR: '10000',
			...env
		},
		stdio: ['ignore', 'pipe', 'pipe']
	});
	proc.stdout!.on('data', (d) => (log += d));
	proc.stderr!.on('data', (d) => (log += d));
	const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
	// With TLS_CERT the same port speaks HTTPS and WSS (self-signed in tests).
	const tls = !!env.TLS_CERT;
	await waitForHealth(port, tls, proc, () => log);

	const server: TestServer = {
		port,
		url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
		wsUrl: `${tls ? 'wss' : 'ws'}://127.0.0.1:${port}/ws`,
		dbFile,
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
			return startServer(env, { port, dir });
		},
		async dispose() {
			await server.stop();
			rmSync(dir, { recursive: true, force: true });
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
