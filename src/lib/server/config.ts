import { hostname } from 'node:os';
import { z } from 'zod';

/**
 * Every environment variable the server reads, parsed and validated once at start.
 * An invalid value stops the process with a one-line message naming the variable.
 */

const int = (def: number, min = 0, max = Number.MAX_SAFE_INTEGER) =>
	z.coerce.number().int().min(min).max(max).default(def);

const flag = z
	.enum(['0', '1', 'true', 'false', 'yes', 'no', 'on', 'off', ''])
	.default('0')
	.transform((v) => ['1', 'true', 'yes', 'on'].includes(v));

const origin = z
	.string()
	.url()
	.transform((v) => new URL(v).origin);

const configSchema = z.object({
	PORT: int(3000, 0, 65535),
	HOST: z.string().default('0.0.0.0'),
	ORIGIN: origin.optional(),
	DATABASE_URL: z.string().min(1).default('./data/chat.db'),
	// Connections per process when DATABASE_URL is postgres:// (SQLite has one handle).
	DATABASE_POOL_SIZE: int(10, 1, 1000),
	// Several processes (PROTOCOL.md §14): Redis carries events (the bus) and the state they share
	// (presence, rate limits, login throttles, guest ids); unset, all of it stays in this process.
	REDIS_URL: z
		.string()
		.regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
		.optional(),
	// Every key this server writes starts with it, so communities (and test runs) can share a Redis.
	REDIS_PREFIX: z.string().min(1).max(64).default('chat:'),
	// Names this process in Redis (its connections, its heartbeat), logs and metrics.
	PROCESS_ID: z
		.string()
		.regex(/^[A-Za-z0-9_.:-]{1,100}$/, '1-100 characters: letters, digits, _ . : -')
		.optional(),
	GUESTS: flag,
	LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
	ALLOWED_ORIGINS: z
		.string()
		.default('')
		.transform((v, ctx) => {
			const list = v
				.split(',')
				.map((s) => s.trim())
				.filter(Boolean);
			const out: string[] = [];
			for (const item of list) {
				try {
					out.push(new URL(item).origin);
				} catch {
					ctx.addIssue({ code: 'custom', message: `not an origin: ${item}` });
				}
			}
			return out;
		}),
	REGISTRATION: z.enum(['open', 'closed']).default('open'),
	REGISTER_PER_HOUR: int(20, 0),
	LOGIN_MAX_FAILURES: int(5, 1),
	MAX_MESSAGE_LENGTH: int(4000, 1),
	MAX_FRAME_BYTES: int(65536, 64),
	MAX_CONNECTIONS: int(10000, 1),
	MAX_BUFFERED_BYTES: int(4194304, 1024),
	RATE_LIMIT_PER_SEC: z.coerce.number().positive().default(10),
	RATE_LIMIT_BURST: int(20, 1),
	// Hardening (docs/operations.md, "Realtime limits"); 0 turns a per-address cap off.
	FRAME_BUDGET_PER_SEC: z.coerce.number().positive().default(100),
	FRAME_BUDGET_BURST: int(200, 1),
	ROOMS_PER_USER_PER_DAY: int(10, 0),
	SEARCH_PER_SEC: z.coerce.number().positive().default(2),
	SEARCH_BURST: int(10, 1),
	MAX_CONNECTIONS_PER_ADDRESS: int(200, 0),
	MAX_ANONYMOUS_PER_ADDRESS: int(20, 0),
	MAX_PENDING_AUTH_PER_ADDRESS: int(2, 0),
	// Large communities (docs/protocol.md, "Large communities (§13)"): above this many users
	// online, presence is coalesced into one frame per flush interval instead of join/leave.
	PRESENCE_BROADCAST_MAX: int(200, 0),
	PRESENCE_FLUSH_MS: int(1000, 50, 60_000),
	// Upgrades waiting their turn in a connect storm; beyond it new ones get 503 at once.
	CONNECT_QUEUE_MAX: int(10000, 1),
	HEARTBEAT_MS: int(30000, 100),
	AUTH_TIMEOUT_MS: int(10000, 100),
	SESSION_DAYS: int(30, 1),
	METRICS_TOKEN: z.string().optional(),
	METRICS_PUBLIC: flag,
	ARGON2_CONCURRENCY: int(2, 1, 64),
	ARGON2_MAX_QUEUE: int(32, 0),
	SESSION_SWEEP_MS: int(3_600_000, 100),
	HTTP_HEADERS_TIMEOUT_MS: int(10_000, 100),
	HTTP_REQUEST_TIMEOUT_MS: int(30_000, 100),
	HTTP_KEEPALIVE_TIMEOUT_MS: int(5_000, 100),
	// The kernel's queue of accepted-but-not-yet-taken connections. Node's 511 overflows when
	// thousands reconnect at once after a restart; dropped SYNs are retried by the client's
	// kernel after 1, 2, 4, 8… s, the tail of a restart storm (docs/performance.md, scenario 12).
	// Linux caps it at net.core.somaxconn (4096 by default).
	LISTEN_BACKLOG: int(4096, 1, 65535),
	TLS_CERT: z.string().optional(),
	TLS_KEY: z.string().optional(),
	RETENTION_DAYS: int(0, 0),
	// Files (PROTOCOL.md §12): refused with 413 while streaming beyond the limit.
	MAX_UPLOAD_BYTES: int(10 * 1024 * 1024, 1),
	UPLOAD_DIR: z.string().min(1).default('./data/uploads'),
	UPLOADS_PER_MINUTE: int(20, 1),
	SHUTDOWN_TIMEOUT_MS: int(10000, 100),
	// Behind a reverse proxy: adapter-node reads these for HTTP requests (PROTOCOL_HEADER only
	// there); the gateway reads ADDRESS_HEADER, XFF_DEPTH and HOST_HEADER the same way.
	ADDRESS_HEADER: z.string().toLowerCase().optional(),
	XFF_DEPTH: int(1, 1),
	HOST_HEADER: z.string().toLowerCase().optional(),
	PROTOCOL_HEADER: z.string().toLowerCase().optional()
});

export type Config = ReturnType<typeof toConfig>;

export class ConfigError extends Error {
	override name = 'ConfigError';
}

function toConfig(env: z.infer<typeof configSchema>) {
	return {
		port: env.PORT,
		host: env.HOST,
		origin: env.ORIGIN,
		databaseUrl: env.DATABASE_URL,
		databasePoolSize: env.DATABASE_POOL_SIZE,
		redisUrl: env.REDIS_URL,
		redisPrefix: env.REDIS_PREFIX,
		processId: env.PROCESS_ID ?? `${hostname()}:${process.pid}`,
		guests: env.GUESTS,
		logLevel: env.LOG_LEVEL,
		allowedOrigins: env.ALLOWED_ORIGINS,
		registration: env.REGISTRATION,
		registerPerHour: env.REGISTER_PER_HOUR,
		loginMaxFailures: env.LOGIN_MAX_FAILURES,
		maxMessageLength: env.MAX_MESSAGE_LENGTH,
		maxFrameBytes: env.MAX_FRAME_BYTES,
		maxConnections: env.MAX_CONNECTIONS,
		maxBufferedBytes: env.MAX_BUFFERED_BYTES,
		rateLimitPerSec: env.RATE_LIMIT_PER_SEC,
		rateLimitBurst: env.RATE_LIMIT_BURST,
		// A send costs one unit of the frame budget, so the budget never undercuts the send
		// rate an operator configured (tests and benchmarks raise RATE_LIMIT_* a lot).
		frameBudgetPerSec: Math.max(env.FRAME_BUDGET_PER_SEC, env.RATE_LIMIT_PER_SEC),
		frameBudgetBurst: Math.max(env.FRAME_BUDGET_BURST, env.RATE_LIMIT_BURST),
		roomsPerUserPerDay: env.ROOMS_PER_USER_PER_DAY || Infinity,
		search: { perSecond: env.SEARCH_PER_SEC, burst: env.SEARCH_BURST },
		connectQueueMax: env.CONNECT_QUEUE_MAX,
		presence: { broadcastMax: env.PRESENCE_BROADCAST_MAX, flushMs: env.PRESENCE_FLUSH_MS },
		maxConnectionsPerAddress: env.MAX_CONNECTIONS_PER_ADDRESS || Infinity,
		maxAnonymousPerAddress: env.MAX_ANONYMOUS_PER_ADDRESS || Infinity,
		maxPendingAuthPerAddress: env.MAX_PENDING_AUTH_PER_ADDRESS || Infinity,
		heartbeatMs: env.HEARTBEAT_MS,
		authTimeoutMs: env.AUTH_TIMEOUT_MS,
		sessionDays: env.SESSION_DAYS,
		metricsToken: env.METRICS_TOKEN || undefined,
		metricsPublic: env.METRICS_PUBLIC,
		argon2Concurrency: env.ARGON2_CONCURRENCY,
		argon2MaxQueue: env.ARGON2_MAX_QUEUE,
		sessionSweepMs: env.SESSION_SWEEP_MS,
		http: {
			headersTimeoutMs: env.HTTP_HEADERS_TIMEOUT_MS,
			requestTimeoutMs: env.HTTP_REQUEST_TIMEOUT_MS,
			keepAliveTimeoutMs: env.HTTP_KEEPALIVE_TIMEOUT_MS,
			listenBacklog: env.LISTEN_BACKLOG
		},
		tlsCert: env.TLS_CERT || undefined,
		tlsKey: env.TLS_KEY || undefined,
		retentionDays: env.RETENTION_DAYS,
		uploads: {
			maxBytes: env.MAX_UPLOAD_BYTES,
			dir: env.UPLOAD_DIR,
			perMinute: env.UPLOADS_PER_MINUTE
		},
		shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
		proxy: {
			addressHeader: env.ADDRESS_HEADER,
			xffDepth: env.XFF_DEPTH,
			hostHeader: env.HOST_HEADER,
			protocolHeader: env.PROTOCOL_HEADER
		}
	};
}

/** Parses the environment; throws ConfigError whose message is one line naming the variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
	// Treat empty strings as unset so `PORT= npm start` means the default.
	const cleaned = Object.fromEntries(
		Object.entries(env).filter(([k, v]) => k in configSchema.shape && v !== '')
	);
	const parsed = configSchema.safeParse(cleaned);
	if (!parsed.success) {
		const issue = parsed.error.issues[0];
		const name = String(issue.path[0] ?? 'environment');
		throw new ConfigError(`Invalid ${name}=${JSON.stringify(env[name])}: ${issue.message}`);
	}
	if (!!parsed.data.TLS_CERT !== !!parsed.data.TLS_KEY) {
		throw new ConfigError('Invalid TLS_CERT/TLS_KEY: set both or neither');
	}
	// Node refuses a headers timeout longer than the whole-request timeout.
	if (parsed.data.HTTP_HEADERS_TIMEOUT_MS > parsed.data.HTTP_REQUEST_TIMEOUT_MS) {
		throw new ConfigError(
			'Invalid HTTP_HEADERS_TIMEOUT_MS: must not exceed HTTP_REQUEST_TIMEOUT_MS'
		);
	}
	return toConfig(parsed.data);
}
