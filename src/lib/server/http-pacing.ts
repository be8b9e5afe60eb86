import type { IncomingMessage, ServerResponse } from 'node:http';
import { AdmissionQueue } from './realtime/admission';

/**
 * HTTP requests started a few per turn of the event loop, like the WebSocket upgrades of a
 * connect storm (realtime/admission.ts).
 *
 * Node runs every request that arrived together in one poll phase of the event loop, each
 * through SvelteKit (request clone, hooks, body, schema, handler) to its first real wait. 500
 * logins posted at once were one busy stretch of 988 ms in the server's CPU profile, and the
 * chat of everyone connected waited behind it (p99 ≈ 1 s, docs/performance.md, scenario 11).
 * Started REQUESTS_PER_TURN at a time, each batch is followed by a turn of the event loop in
 * which sockets are read and messages committed and fanned out. An idle server starts a request
 * one `setImmediate` later than before (microseconds).
 *
 * Beyond `maxWaiting` requests waiting, new ones are answered 503 with `Retry-After: 1` at once:
 * memory stays bounded whatever arrives.
 */
const REQUESTS_PER_TURN = 8;

export class HttpPacing {
	private readonly queue: AdmissionQueue;

	constructor(maxWaiting: number) {
		this.queue = new AdmissionQueue(REQUESTS_PER_TURN, maxWaiting);
	}

	/** Requests not started yet (metrics, tests). */
	get waiting(): number {
		return this.queue.length;
	}

	/** Serves the request in its turn, or answers 503 when too many wait. */
	serve(req: IncomingMessage, res: ServerResponse, handle: () => void): void {
		// The task is only the start: a request that then waits (a body, the database) frees its
		// place at once, so a slow upload never holds up the others.
		if (this.queue.admit(async () => handle())) return;
		const body = JSON.stringify({
			error: { code: 'unavailable', message: 'The server is busy; retry in a second' }
		});
		res.writeHead(503, {
			'Content-Type': 'application/json',
			'Content-Length': Buffer.byteLength(body),
			'Retry-After': '1'
		});
		res.end(body);
		req.resume();
	}
}
