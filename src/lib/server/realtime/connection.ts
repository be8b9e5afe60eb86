import type { WebSocket } from 'ws';
import type { ErrorCode } from '$lib/protocol/errors';
import { systemEvent } from '$lib/protocol/events';

/** Who is on the other end of a socket. Guests live only as long as their connection. */
export interface Identity {
	id: number;
	name: string;
	username: string | null;
	isAdmin: boolean;
	isGuest: boolean;
	sessionId: string | null;
}

export const CloseCode = {
	normal: 1000,
	goingAway: 1001,
	policy: 1008,
	tooLarge: 1009,
	internal: 1011,
	full: 1013,
	kicked: 4000,
	sessionEnded: 4001
} as const;

let nextConnectionId = 1;

/** Who counts what a connection refuses or cuts (the metrics); shared by every connection. */
export interface ConnectionObserver {
	errorSent(code: string): void;
	disconnected(reason: string): void;
}

const unobserved: ConnectionObserver = { errorSent() {}, disconnected() {} };

/** One WebSocket: its identity, the rooms it listens to, and a guarded send. */
export class Connection {
	readonly id = nextConnectionId++;
	identity: Identity | null = null;
	readonly rooms = new Set<string>();
	/** Highest message id committed when this connection subscribed: later ones reach it live. */
	subscribedUpTo = 0;
	connectedAt = Math.floor(Date.now() / 1000);
	alive = true;
	authTimer: NodeJS.Timeout | null = null;

	constructor(
		readonly ws: WebSocket,
		readonly remoteAddress: string,
		private readonly maxBufferedBytes: number,
		private readonly observer: ConnectionObserver = unobserved
	) {}

	get isOpen(): boolean {
		return this.ws.readyState === 1;
	}

	/**
	 * Sends a pre-serialized frame. A reader whose unsent backlog passes the limit is cut
	 * off (1008) so one slow consumer cannot grow the server's memory.
	 */
	send(data: string): void {
		if (this.ws.readyState !== 1) return;
		if (this.ws.bufferedAmount > this.maxBufferedBytes) {
			this.observer.disconnected('slow_consumer');
			this.close(CloseCode.policy, 'Too slow: backlog limit exceeded');
			return;
		}
		this.ws.send(data);
	}

	sendEvent(event: object): void {
		this.send(JSON.stringify(event));
	}

	error(code: ErrorCode, message: string): void {
		this.observer.errorSent(code);
		this.sendEvent(systemEvent('error', { code, message }));
	}

	close(code: number, reason = ''): void {
		if (this.ws.readyState === 0 || this.ws.readyState === 1) {
			this.ws.close(code, reason.slice(0, 120));
			// A peer that never answers the close handshake is dropped after a grace period.
			setTimeout(() => this.ws.terminate(), 2000).unref();
		}
	}
}
