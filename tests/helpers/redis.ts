import { randomBytes } from 'node:crypto';
import { createRedisClient, type SharedRedis } from '../../src/lib/server/shared/redis-client';

/** The Redis the redis-* tests use (TEST_REDIS_URL; .ci/run sets it). */
export function redisUrl(): string {
	const url = process.env.TEST_REDIS_URL;
	if (!url) throw new Error('TEST_REDIS_URL is not set: the redis-* tests need a Redis');
	return url;
}

/** A fresh key prefix, so test runs and files never share keys. */
export function testPrefix(name: string): string {
	return `test-shared-${name}-${randomBytes(5).toString('hex')}:`;
}

/** Clients on one prefix (each one a "process"); `dispose` deletes the prefix's keys. */
export function redisClients(prefix: string) {
	const opened: SharedRedis[] = [];
	return {
		open(): SharedRedis {
			const r = createRedisClient(redisUrl(), prefix);
			opened.push(r);
			return r;
		},
		async dispose() {
			const r = opened[0] ?? createRedisClient(redisUrl(), prefix);
			const keys = await r.client.keys(`${prefix}*`);
			if (keys.length) await r.client.del(...keys);
			await Promise.all([...new Set([...opened, r])].map((c) => c.close()));
		}
	};
}
