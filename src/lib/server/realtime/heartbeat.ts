import type { SessionStore } from '../auth/sessions';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import { CloseCode } from './connection';
import type { Hub } from './hub';

/**
 * Pings every socket each interval; one that did not answer the previous ping is dead (a
 * half-open TCP connection never says so) and is terminated. The same pass closes sockets
 * whose session ended (4001) in case that event was missed.
 */
export class Heartbeat {
	private readonly timer: NodeJS.Timeout;

	constructor(
		private readonly hub: Pick<Hub, 'connections'>,
		private readonly sessions: Pick<SessionStore, 'exists'>,
		private readonly metrics: Pick<Metrics, 'disconnected'>,
		private readonly log: Pick<Logger, 'debug' | 'error'>,
		intervalMs: number
	) {
		this.timer = setInterval(() => this.beat(), intervalMs);
		this.timer.unref();
	}

	stop(): void {
		clearInterval(this.timer);
	}

	private beat(): void {
		for (const conn of this.hub.connections) {
			if (!conn.alive) {
				this.metrics.disconnected('heartbeat');
				this.log.debug({ conn: conn.id }, 'no pong: connection terminated');
				conn.ws.terminate();
				continue;
			}
			conn.alive = false;
			conn.ws.ping();
			const sessionId = conn.identity?.sessionId;
			if (sessionId) {
				this.sessions.exists(sessionId).then(
					(exists) => {
						if (!exists) conn.close(CloseCode.sessionEnded, 'Session ended');
					},
					(err) => this.log.error({ err, conn: conn.id }, 'session check failed')
				);
			}
		}
	}
}
