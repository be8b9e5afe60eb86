import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/** The process refuses to start on an invalid setting, naming it on one line of stderr. */

const dir = mkdtempSync(join(tmpdir(), 'chat-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function start(env: Record<string, string>) {
	return spawnSync(process.execPath, ['server.js'], {
		cwd: process.cwd(),
		env: {
			...process.env,
			SKIP_BUILD: '1',
			HOST: '127.0.0.1',
			PORT: '0',
			LOG_LEVEL: 'warn',
			DATABASE_URL: join(dir, 'chat.db'),
			...env
		},
		encoding: 'utf8',
		timeout: 20_000
	});
}

describe('invalid configuration', () => {
	it.each([
		['PORT', 'abc'],
		['PORT', '70000'],
		['MAX_FRAME_BYTES', '-5'],
		['HEARTBEAT_MS', '1.5'],
		['GUESTS', 'maybe'],
		['REGISTRATION', 'sometimes'],
		['ALLOWED_ORIGINS', 'not-an-origin'],
		['RATE_LIMIT_PER_SEC', '0']
	])('%s=%s exits 1 with one line naming the variable', (name, value) => {
		const result = start({ [name]: value });
		expect(result.status).toBe(1);
		const lines = result.stderr.trim().split('\n');
		expect(lines, result.stderr).toHaveLength(1);
		expect(lines[0]).toContain(name);
		expect(result.stdout).toBe('');
	});
});
