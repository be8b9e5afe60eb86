import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/lib/server/config';

describe('loadConfig', () => {
	it('has the defaults PROTOCOL.md §8 lists', () => {
		const c = loadConfig({});
		expect(c).toMatchObject({
			port: 3000,
			guests: false,
			allowedOrigins: [],
			registration: 'open',
			registerPerHour: 20,
			loginMaxFailures: 5,
			maxMessageLength: 4000,
			maxFrameBytes: 65536,
			maxConnections: 10000,
			maxBufferedBytes: 4194304,
			rateLimitPerSec: 10,
			rateLimitBurst: 20,
			heartbeatMs: 30000,
			authTimeoutMs: 10000,
			sessionDays: 30,
			databasePoolSize: 10
		});
		expect(loadConfig({ DATABASE_POOL_SIZE: '25' }).databasePoolSize).toBe(25);
	});

	it('parses numbers, flags and origin lists', () => {
		const c = loadConfig({
			PORT: '8080',
			GUESTS: '1',
			ALLOWED_ORIGINS: ' http://a.example , https://b.example:8443/path ,',
			RATE_LIMIT_PER_SEC: '0.5',
			REGISTRATION: 'closed',
			AUTH_TIMEOUT_MS: '250'
		});
		expect(c.port).toBe(8080);
		expect(c.guests).toBe(true);
		expect(c.allowedOrigins).toEqual(['http://a.example', 'https://b.example:8443']);
		expect(c.rateLimitPerSec).toBe(0.5);
		expect(c.registration).toBe('closed');
		expect(c.authTimeoutMs).toBe(250);
		for (const [v, want] of [
			['true', true],
			['yes', true],
			['0', false],
			['off', false]
		] as const) {
			expect(loadConfig({ GUESTS: v }).guests).toBe(want);
		}
	});

	it('treats an empty value as unset and ignores unrelated variables', () => {
		expect(loadConfig({ PORT: '', HOME: '/root', PATH: '/bin' }).port).toBe(3000);
	});

	it.each([
		['PORT', 'abc'],
		['PORT', '-1'],
		['PORT', '65536'],
		['MAX_FRAME_BYTES', '12.5'],
		['MAX_CONNECTIONS', '0'],
		['GUESTS', 'maybe'],
		['REGISTRATION', 'invite'],
		['ALLOWED_ORIGINS', 'http://ok.example,nope'],
		['RATE_LIMIT_PER_SEC', '-2'],
		['LOG_LEVEL', 'loud'],
		['ORIGIN', 'example.com'],
		['DATABASE_POOL_SIZE', '0']
	])('rejects %s=%s with one line naming the variable', (name, value) => {
		let error: unknown;
		try {
			loadConfig({ [name]: value });
		} catch (err) {
			error = err;
		}
		expect(error).toBeInstanceOf(ConfigError);
		const message = (error as Error).message;
		expect(message).toContain(name);
		expect(message).toContain(value);
		expect(message).not.toContain('\n');
	});

	it('reads the Redis settings of several processes', () => {
		const none = loadConfig({});
		expect(none.redisUrl).toBeUndefined();
		expect(none.redisPrefix).toBe('chat:');
		expect(none.processId).toMatch(/^.+:\d+$/);
		const c = loadConfig({
			REDIS_URL: 'redis://127.0.0.1:6379',
			REDIS_PREFIX: 'team:',
			PROCESS_ID: 'web-2'
		});
		expect(c).toMatchObject({
			redisUrl: 'redis://127.0.0.1:6379',
			redisPrefix: 'team:',
			processId: 'web-2'
		});
		expect(() => loadConfig({ REDIS_URL: 'http://localhost' })).toThrow(/REDIS_URL/);
		expect(() => loadConfig({ PROCESS_ID: 'a b' })).toThrow(/PROCESS_ID/);
	});

	it('wants TLS_CERT and TLS_KEY together', () => {
		expect(() => loadConfig({ TLS_CERT: '/c.pem' })).toThrow(/TLS_CERT\/TLS_KEY/);
	});

	it('has hardening defaults, and wants the headers timeout within the request timeout', () => {
		const config = loadConfig({});
		expect(config.metricsPublic).toBe(false);
		expect(config.argon2Concurrency).toBe(2);
		expect(config.argon2MaxQueue).toBe(32);
		expect(config.http).toEqual({
			headersTimeoutMs: 10_000,
			requestTimeoutMs: 30_000,
			keepAliveTimeoutMs: 5_000,
			listenBacklog: 4096
		});
		expect(() => loadConfig({ LISTEN_BACKLOG: '0' })).toThrow(/LISTEN_BACKLOG/);
		expect(() => loadConfig({ HTTP_HEADERS_TIMEOUT_MS: '60000' })).toThrow(
			/HTTP_HEADERS_TIMEOUT_MS/
		);
		expect(() => loadConfig({ ARGON2_CONCURRENCY: '0' })).toThrow(/ARGON2_CONCURRENCY/);
	});
});
