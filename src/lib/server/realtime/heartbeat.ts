import type { SessionStore } from '../auth/sessions';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import { CloseCode, type Connection } from './connection';
import type { Hub } from './hub';
import { inSlices, type SlicedPass } from './slices';

/** Connections pinged in one task: a slice is a few milliseconds of socket writes. */
const SLICE = 256;
/** The most time between two slices: a pass over 10,000 connections takes about 4 s. */
const MAX_SLICE_GAP_MS = 100;

/**
 * Pings every socket each interval; one that did not answer the previous ping is dead (a
 * half-open TCP connection never says so) and is terminated. The same pass closes sockets
 * whose session ended (4001) in case that event was missed.
 *
 * The pass goes in slices spread over at most the first half of the interval, so every
 * connection still has half an interval to answer. All at once, 10,000 pings were one task of
 * 200–350 ms that every chat message waited behind (scenario 9's profile, docs/performance.md).
 */
export class Heartbeat {
	private readonly timer: NodeJS.Timeout;
	private pass: SlicedPass | null = null;

	constructor(
		private readonly hub: Pick<Hub, 'connections'>,
		private readonly sessions: Pick<SessionStore, 'exists'>,
		private readonly metrics: Pick<Metrics, 'disconnected'>,
		private readonly log: Pick<Logger, 'debug' | 'error'>,
		private readonly intervalMs: number
	) {
		this.timer = setInterval(() => this.beat(), intervalMs);
		this.timer.unref();
	}

	stop(): void {
		clearInterval(this.timer);
		this.pass?.cancel();
	}

	private beat(): void {
		this.pass?.cancel(); // a pass never outlives its interval
		const conns = [...this.hub.connections];
		const slices = Math.ceil(conns.length / SLICE);
		const gap = Math.min(MAX_SLICE_GAP_MS, this.intervalMs / 2 / Math.max(1, slices));
		this.pass = inSlices(conns, SLICE, (conn) => this.check(conn), gap);
	}

	private check(conn: Connection): void {
		if (!this.hub.connections.has(conn)) return; // closed since the pass began
		if (!conn.alive) {
			this.metrics.disconnected('heartbeat');
			this.log.debug({ conn: conn.id }, 'no pong: connection terminated');
			conn.ws.terminate();
			return;
		}
		conn.alive = false;
		conn.ws.ping();
		const sessionId = conn.identity?.sessionId;
		if (!sessionId) return;
		this.sessions.exists(sessionId).then(
			(exists) => {
				if (!exists) conn.close(CloseCode.sessionEnded, 'Session ended');
			},
			(err) => this.log.error({ err, conn: conn.id }, 'session check failed')
		);
	}
}
