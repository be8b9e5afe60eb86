import { Redis } from 'ioredis';

/**
 * One Redis connection for the state several processes share (presence, rate limits,
 * login throttles, guest ids) and the prefix every key of this community starts with.
 */
export interface SharedRedis {
	readonly client: Redis;
	/** `prefix` + parts joined with `:` (the prefix usually ends with `:` itself). */
	key(...parts: (string | number)[]): string;
	close(): Promise<void>;
}

/**
 * Opens the client lazily (ioredis connects in the background and queues commands until
 * it is up, and reconnects by itself). Commands fail after a few retries instead of
 * waiting forever, so a request whose check needs Redis gets an error, not a hang.
 */
export function createRedisClient(url: string, prefix: string): SharedRedis {
	const client = new Redis(url, {
		maxRetriesPerRequest: 3,
		// Commands issued in one turn of the event loop go out in one write: limits, throttles
		// and reads of many connections fall in the same turns, and each write was a system
		// call and a wake-up of Redis (docs/performance.md). A storm's arrivals and guest ids
		// go further: one call per turn (turn-batch.ts).
		enableAutoPipelining: true,
		// Reconnect quickly at first, then every 2 s at most, for as long as it takes.
		retryStrategy: (attempt) => Math.min(attempt * 100, 2000)
	});
	// Without a listener ioredis prints every failed reconnect; the errors reach callers.
	client.on('error', () => {});
	return {
		client,
		key: (...parts) => prefix + parts.join(':'),
		async close() {
			await client.quit().catch(() => client.disconnect());
		}
	};
}

/**
 * A Redis connection for the server's own use (REDIS_URL). `failFast`: commands fail at once
 * while disconnected instead of queueing (a publish that cannot go out is dropped, and the
 * receivers fill it in from the database); otherwise they wait for the reconnect. Either way
 * it reconnects by itself with a capped backoff, forever.
 */
export function connectRedis(url: string, name: string, failFast = false): Redis {
	const redis = new Redis(url, {
		connectionName: name,
		enableOfflineQueue: !failFast,
		maxRetriesPerRequest: failFast ? 0 : null,
		retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, 2000),
		lazyConnect: true
	});
	// Connection errors are reported by the commands that fail and by /healthz; without a
	// listener ioredis would print every failed reconnect.
	redis.on('error', () => {});
	return redis;
}
