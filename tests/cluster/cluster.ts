import { randomBytes } from 'node:crypto';
import { createServer, connect as tcpConnect, type Server, type Socket } from 'node:net';
import { createTestDatabase, type TestDatabase } from '../helpers/pg';
import { startServer, type TestServer } from '../helpers/server';

/**
 * Several real server processes on one PostgreSQL database and one Redis key prefix of the
 * test's own (PROTOCOL.md §14): what `npm test` runs as the cluster suite when
 * TEST_DATABASE_URL and TEST_REDIS_URL are set.
 */
export interface Cluster {
	servers: TestServer[];
	database: TestDatabase;
	env: Record<string, string>;
	/** Starts one more process (or restarts the i-th on its port) with the same backend. */
	start(extra?: Record<string, string>): Promise<TestServer>;
	dispose(): Promise<void>;
}

export function redisUrl(): string {
	const url = process.env.TEST_REDIS_URL;
	if (!url) throw new Error('the cluster suite needs TEST_REDIS_URL (and TEST_DATABASE_URL)');
	return url;
}

export async function startCluster(n: number, env: Record<string, string> = {}): Promise<Cluster> {
	const database = await createTestDatabase();
	const shared = {
		DATABASE_URL: database.url,
		REDIS_URL: redisUrl(),
		REDIS_PREFIX: `c${randomBytes(6).toString('hex')}:`,
		RATE_LIMIT_PER_SEC: '100000',
		RATE_LIMIT_BURST: '100000',
		...env
	};
	const servers: TestServer[] = [];
	const cluster: Cluster = {
		servers,
		database,
		env: shared,
		async start(extra = {}) {
			const server = await startServer({ ...shared, PROCESS_ID: `p${servers.length}`, ...extra });
			servers.push(server);
			return server;
		},
		async dispose() {
			await Promise.all(servers.map((s) => s.dispose()));
			await database.drop();
		}
	};
	// One at a time: the first applies the migrations (the others would wait on its lock).
	for (let i = 0; i < n; i++) await cluster.start();
	return cluster;
}

/**
 * A TCP proxy in front of a service (Redis, PostgreSQL) that a test can cut and restore:
 * an outage of the service for the processes behind it, without touching the machine's
 * service that other tests use.
 */
export class CuttableProxy {
	private readonly server: Server;
	private readonly sockets = new Set<Socket>();
	private open = true;
	port = 0;

	constructor(
		private readonly targetHost: string,
		private readonly targetPort: number
	) {
		this.server = createServer((client) => {
			if (!this.open) return client.destroy();
			const upstream = tcpConnect(this.targetPort, this.targetHost);
			for (const s of [client, upstream]) {
				this.sockets.add(s);
				s.on('close', () => this.sockets.delete(s));
				s.on('error', () => {});
			}
			client.pipe(upstream).pipe(client);
			client.on('close', () => upstream.destroy());
			upstream.on('close', () => client.destroy());
		});
	}

	listen(): Promise<number> {
		return new Promise((resolve) =>
			this.server.listen(0, '127.0.0.1', () => {
				this.port = (this.server.address() as { port: number }).port;
				resolve(this.port);
			})
		);
	}

	/** Drops every connection and refuses new ones. */
	cut(): void {
		this.open = false;
		for (const s of this.sockets) s.destroy();
	}

	restore(): void {
		this.open = true;
	}

	close(): Promise<void> {
		this.cut();
		return new Promise((resolve) => this.server.close(() => resolve()));
	}
}

/** GET /healthz's status (0 when nothing answers). */
export async function health(server: TestServer): Promise<number> {
	try {
		return (await fetch(`${server.url}/healthz`)).status;
	} catch {
		return 0;
	}
}

export { until } from '../helpers/until';
