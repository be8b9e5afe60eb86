import type { Redis } from 'ioredis';
import { createHash } from 'node:crypto';

/**
 * A Lua script run atomically by Redis: sent once (EVALSHA afterwards), sent again when
 * the server forgot it (NOSCRIPT after a restart or SCRIPT FLUSH).
 */
export class LuaScript {
	private readonly sha: string;

	constructor(private readonly source: string) {
		this.sha = createHash('sha1').update(source).digest('hex');
	}

	async run(redis: Redis, keys: string[], args: (string | number)[] = []): Promise<unknown> {
		try {
			return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
		} catch (err) {
			if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
			return redis.eval(this.source, keys.length, ...keys, ...args);
		}
	}
}
