import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The one road (docs/architecture.md, "Who may write where"): only the fan-out writes to
 * other clients' sockets and changes what live connections remember of a user; handlers,
 * the connection sequence, the auth message and frame handling answer their own connection.
 * Services publish on the bus and never hold a connection. A text scan of the server code
 * (comments left out), so a shortcut shows up here with its file and line.
 */
const SERVER = join(import.meta.dirname, '../../src/lib/server');

/** Files that may write to a connection, and why. */
const SOCKET_WRITERS = new Set([
	'realtime/fanout.ts', // the bus's only writer to other clients' sockets
	'realtime/connection.ts', // the socket itself
	'realtime/frames.ts', // answers (and refuses) the frame being handled
	'realtime/welcome.ts', // the connection sequence, to the new connection
	'realtime/auth-message.ts', // answers `auth` on its own connection
	'realtime/heartbeat.ts', // pings, terminates dead sockets
	'realtime/gateway.ts' // refuses and closes sockets it is accepting or shutting down
]);
const HANDLERS = 'realtime/handlers/';

const WRITES = /\.(sendEvent|sendMessage|send|close|terminate|error)\(/;
const IDENTITY_WRITE = /identity!?\.(name|isAdmin)\s*=[^=]/;

function files(dir: string): string[] {
	return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
		const path = join(dir, entry.name);
		if (entry.isDirectory()) return files(path);
		return /\.ts$/.test(entry.name) && !entry.name.endsWith('.test.ts') ? [path] : [];
	});
}

function code(path: string): string[] {
	return readFileSync(path, 'utf8')
		.replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' '))
		.replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1')
		.split('\n');
}

describe('one road to the clients', () => {
	const sources = files(SERVER).map((path) => ({
		file: relative(SERVER, path),
		lines: code(path)
	}));

	it('only the fan-out and the connection’s own answerers write to sockets', () => {
		const offenders: string[] = [];
		for (const { file, lines } of sources) {
			if (SOCKET_WRITERS.has(file)) continue;
			lines.forEach((line, i) => {
				if (!/\bconn\b|\bws\b|connection/i.test(line) || !WRITES.test(line)) return;
				// Handlers may answer the connection whose frame they handle: `conn.…`.
				if (file.startsWith(HANDLERS) && /\bconn\.(sendEvent|send)\(/.test(line)) return;
				offenders.push(`${file}:${i + 1}: ${line.trim()}`);
			});
		}
		expect(offenders, 'publish a bus event instead (docs/architecture.md)').toEqual([]);
	});

	it('only the fan-out changes what live connections remember of a user', () => {
		const offenders = sources.flatMap(({ file, lines }) =>
			file === 'realtime/fanout.ts'
				? []
				: lines.flatMap((line, i) => (IDENTITY_WRITE.test(line) ? [`${file}:${i + 1}`] : []))
		);
		expect(offenders, 'publish an `identity` bus event instead').toEqual([]);
	});

	it('the hub is a registry: it has no method that sends', () => {
		const hub = sources.find((s) => s.file === 'realtime/hub.ts')!.lines.join('\n');
		expect(hub).not.toMatch(/\.(send|sendEvent|sendMessage)\(/);
	});
});
