// Production entry: one HTTP(S) server for SvelteKit's pages and API and the WebSocket
// gateway. The app itself (database, services, gateway) lives in the SvelteKit build and
// registers itself on globalThis when the handler is imported.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));
process.chdir(root);

/** Builds when there is no build or the sources are newer, so `npm start` always serves the code. */
function buildIfStale() {
	const built = join(root, 'build/handler.js');
	const builtAt = existsSync(built) ? statSync(built).mtimeMs : 0;
	const newest = (dir) =>
		readdirSync(dir, { withFileTypes: true }).reduce((max, entry) => {
			const path = join(dir, entry.name);
			return Math.max(max, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
		}, 0);
	const sources = Math.max(newest(join(root, 'src')), statSync(join(root, 'package.json')).mtimeMs);
	if (builtAt > sources) return;
	console.log(builtAt ? 'Sources changed; rebuilding…' : 'No build yet; building…');
	const result = spawnSync(
		process.execPath,
		[join(root, 'node_modules/vite/bin/vite.js'), 'build'],
		{
			stdio: 'inherit'
		}
	);
	if (result.status !== 0) process.exit(result.status ?? 1);
}

if (process.env.SKIP_BUILD !== '1') buildIfStale();

// Without ORIGIN, adapter-node assumes https; tell it the scheme this server really speaks
// through a header that we set ourselves on every request (a client cannot spoof it).
// Behind a proxy the operator sets ORIGIN or PROTOCOL_HEADER (e.g. x-forwarded-proto): theirs wins.
const SCHEME_HEADER = 'x-chat-server-scheme';
if (!process.env.ORIGIN && !process.env.PROTOCOL_HEADER)
	process.env.PROTOCOL_HEADER = SCHEME_HEADER;

let app;
let handler;
try {
	const handlerModule = './build/handler.js'; // a variable, so type checking does not descend into the build
	({ handler } = await import(handlerModule));
	app = globalThis[Symbol.for('chat-server.app')];
	if (!app) throw new Error('The app did not register itself');
} catch (err) {
	if (err?.name === 'ConfigError') {
		console.error(err.message);
		process.exit(1);
	}
	throw err;
}

const { config, log } = app;
const scheme = config.tlsCert ? 'https' : 'http';

/**
 * Headers every response starts with. The app's own responses (pages, API) set these in
 * hooks.server.ts and replace them (pages get their CSP with nonces); the static files
 * under /_app and /static are served by adapter-node before the app runs, so this is
 * where they get nosniff, a CSP that allows nothing and no framing. HSTS only when the
 * public origin is HTTPS (browsers ignore it over plain HTTP anyway).
 */
const baseHeaders = {
	'X-Content-Type-Options': 'nosniff',
	'X-Frame-Options': 'DENY',
	'Content-Security-Policy':
		"default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
	'Referrer-Policy': 'same-origin',
	...((config.tlsCert || config.origin?.startsWith('https:')) && {
		'Strict-Transport-Security': 'max-age=31536000'
	})
};
const serve = (req, res) => {
	req.headers[SCHEME_HEADER] = scheme;
	for (const [name, value] of Object.entries(baseHeaders)) res.setHeader(name, value);
	// A few requests start per turn of the event loop, so a burst (1,000 logins) cannot hold up
	// the chat for a second (src/lib/server/http-pacing.ts).
	app.httpPacing.serve(req, res, () => {
		// Uploads stream to disk and files stream out, beside SvelteKit (src/lib/server/files/http.ts).
		if (app.files.handle(req, res) || app.avatars.handle(req, res)) return;
		handler(req, res);
	});
};

/**
 * Explicit limits against slow-loris clients (Node's own defaults are 60 s for headers and
 * 5 minutes for a request): a client must send its headers within HTTP_HEADERS_TIMEOUT_MS
 * and the whole request within HTTP_REQUEST_TIMEOUT_MS, and an idle keep-alive connection
 * is closed after HTTP_KEEPALIVE_TIMEOUT_MS. Node checks the first two on a timer, which
 * runs often enough here to apply them within about a second. A WebSocket leaves the HTTP
 * server's bookkeeping when it upgrades, so these do not cut open sockets.
 */
const timeouts = {
	headersTimeout: config.http.headersTimeoutMs,
	requestTimeout: config.http.requestTimeoutMs,
	keepAliveTimeout: config.http.keepAliveTimeoutMs,
	connectionsCheckingInterval: Math.min(1000, config.http.headersTimeoutMs / 2)
};
const server = config.tlsCert
	? createHttpsServer(
			{ cert: readFileSync(config.tlsCert), key: readFileSync(config.tlsKey), ...timeouts },
			serve
		)
	: createServer(timeouts, serve);
server.on('upgrade', (req, socket, head) => {
	req.headers[SCHEME_HEADER] = scheme; // the gateway's Origin check compares the scheme
	app.gateway.handleUpgrade(req, socket, head);
});
server.listen({ port: config.port, host: config.host, backlog: config.http.listenBacklog }, () => {
	const address = /** @type {import('node:net').AddressInfo} */ (server.address());
	log.info(
		{ port: address.port, host: config.host },
		`listening on ${scheme}://${config.host}:${address.port}`
	);
});

/**
 * Graceful shutdown: stop accepting (HTTP and WebSocket), close sockets with 1001, let
 * HTTP requests in flight finish, commit the write queue, close the database, exit 0.
 * Anything still running after SHUTDOWN_TIMEOUT_MS is abandoned with exit code 1; every
 * acknowledged message is committed by then, since the echo follows the commit.
 */
let stopping = false;
async function shutdown(signal) {
	if (stopping) return;
	stopping = true;
	const started = Date.now();
	log.info({ signal }, 'shutting down');
	const force = setTimeout(() => {
		log.error({ ms: Date.now() - started }, 'shutdown timed out; exiting');
		process.exit(1);
	}, config.shutdownTimeoutMs);
	force.unref();
	const httpClosed = new Promise((resolve) => server.close(resolve));
	server.closeIdleConnections();
	await app.closeSockets();
	// Requests in flight get half the budget; keep-alive connections that linger are cut.
	const grace = setTimeout(() => server.closeAllConnections(), config.shutdownTimeoutMs / 2);
	await httpClosed;
	clearTimeout(grace);
	await app.close();
	clearTimeout(force);
	log.info({ ms: Date.now() - started }, 'shut down');
	process.exit(0);
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
