import { Redis } from 'ioredis';

/**
 * A Redis connection for the server's own use (REDIS_URL). `failFast`: commands fail at once
 * while disconnected instead of queueing (a publish that cannot go out is dropped, and the
 * receivers fill it in from the database); otherwise they wait for the reconnect. Either way
 * it reconnects by itself with a capped backoff, forever.
 */
export function connectRedis(url: string, name: string, failFast = false): Redis {
	return new Redis(url, {
		connectionName: name,
		enableOfflineQueue: !failFast,
		maxRetriesPerRequest: failFast ? 0 : null,
		retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, 2000),
		lazyConnect: true
	});
}
