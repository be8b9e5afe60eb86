// The few Redis commands scenario 8 needs (PING, INFO, SCAN, UNLINK), over a minimal RESP
// client on node:net: the runner must not depend on the server's Redis client, which may be
// absent or differ between branches, and these commands fit in a few lines.

import net from 'node:net';
import { readFileSync } from 'node:fs';

/**
 * Sends one command and resolves with its reply (string, number, null or array); rejects on
 * an error reply, a refused connection or after `timeoutMs`.
 * @param {string} url redis://[user:password@]host:port[/db]
 * @param {string[]} args @param {number} [timeoutMs]
 * @returns {Promise<any>}
 */
export function redisCommand(url, args, timeoutMs = 3000) {
	const u = new URL(url);
	/** @type {string[][]} */
	const prelude = [];
	if (u.password)
		prelude.push(u.username ? ['AUTH', u.username, u.password] : ['AUTH', u.password]);
	const db = u.pathname.replace(/^\//, '');
	if (db) prelude.push(['SELECT', db]);
	const commands = [...prelude, args];
	return new Promise((resolve, reject) => {
		const sock = net.connect({ host: u.hostname || '127.0.0.1', port: Number(u.port || 6379) });
		const timer = setTimeout(
			() => fail(new Error(`Redis at ${u.host} did not answer within ${timeoutMs} ms`)),
			timeoutMs
		);
		let buf = Buffer.alloc(0);
		/** @type {any[]} */
		const replies = [];
		/** @param {Error} err */
		const fail = (err) => {
			clearTimeout(timer);
			sock.destroy();
			reject(err);
		};
		sock.on('error', (err) => fail(new Error(`Redis at ${u.host}: ${err.message}`)));
		sock.on('connect', () => sock.write(commands.map(encode).join('')));
		sock.on('data', (chunk) => {
			buf = Buffer.concat([buf, chunk]);
			for (;;) {
				const parsed = parse(buf, 0);
				if (!parsed) return;
				buf = buf.subarray(parsed.end);
				if (parsed.value instanceof Error) return fail(parsed.value);
				replies.push(parsed.value);
				if (replies.length === commands.length) {
					clearTimeout(timer);
					sock.end();
					return resolve(replies.at(-1));
				}
			}
		});
	});
}

/** @param {string[]} args */
function encode(args) {
	return `*${args.length}\r\n` + args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('');
}

/**
 * One RESP value from `buf` at `at`, or null when more bytes are needed.
 * @param {Buffer} buf @param {number} at @returns {{ value: any, end: number } | null}
 */
function parse(buf, at) {
	const nl = buf.indexOf('\r\n', at);
	if (nl === -1) return null;
	const kind = String.fromCharCode(buf[at]);
	const line = buf.toString('utf8', at + 1, nl);
	const next = nl + 2;
	if (kind === '+') return { value: line, end: next };
	if (kind === '-') return { value: new Error(`Redis: ${line}`), end: next };
	if (kind === ':') return { value: Number(line), end: next };
	if (kind === '$') {
		const len = Number(line);
		if (len < 0) return { value: null, end: next };
		if (buf.length < next + len + 2) return null;
		return { value: buf.toString('utf8', next, next + len), end: next + len + 2 };
	}
	if (kind === '*') {
		const n = Number(line);
		if (n < 0) return { value: null, end: next };
		/** @type {any[]} */
		const items = [];
		let end = next;
		for (let i = 0; i < n; i++) {
			const item = parse(buf, end);
			if (!item) return null;
			items.push(item.value);
			end = item.end;
		}
		return { value: items, end };
	}
	throw new Error(`Redis: unexpected reply type ${JSON.stringify(kind)}`);
}

/** Throws (with the reason) unless Redis answers PING. @param {string} url */
export async function checkRedis(url) {
	const reply = await redisCommand(url, ['PING']);
	if (reply !== 'PONG') throw new Error(`Redis at ${url} answered PING with ${reply}`);
}

/**
 * The redis-server process to sample from /proc: the `process_id` of INFO server when that
 * process runs on this machine (its /proc entry is a redis-server), else null (a remote Redis:
 * its CPU is then read from INFO cpu, see redisCpuSeconds).
 * @param {string} url
 */
export async function redisServerPid(url) {
	const info = await redisCommand(url, ['INFO', 'server']);
	const pid = Number(/^process_id:(\d+)/m.exec(String(info))?.[1] ?? 0);
	if (!pid) return null;
	try {
		const comm = readFileSync(`/proc/${pid}/comm`, 'utf8');
		return comm.startsWith('redis') ? pid : null;
	} catch {
		return null;
	}
}

/**
 * Redis's own CPU seconds (user + system, every thread) from INFO cpu: the fallback when the
 * server is not a local process.
 * @param {string} url
 */
export async function redisCpuSeconds(url) {
	const info = String(await redisCommand(url, ['INFO', 'cpu']));
	const v = (/** @type {string} */ k) => Number(new RegExp(`^${k}:([\\d.]+)`, 'm').exec(info)?.[1]);
	return v('used_cpu_user') + v('used_cpu_sys');
}

/**
 * Deletes every key under `prefix` (the run's own REDIS_PREFIX), SCAN by SCAN.
 * @param {string} url @param {string} prefix @returns {Promise<number>} keys deleted
 */
export async function deletePrefix(url, prefix) {
	let cursor = '0';
	let deleted = 0;
	do {
		const [next, keys] = await redisCommand(url, [
			'SCAN',
			cursor,
			'MATCH',
			`${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`,
			'COUNT',
			'1000'
		]);
		cursor = next;
		if (keys.length) deleted += await redisCommand(url, ['UNLINK', ...keys]);
	} while (cursor !== '0');
	return deleted;
}
