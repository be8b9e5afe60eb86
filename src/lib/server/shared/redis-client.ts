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
