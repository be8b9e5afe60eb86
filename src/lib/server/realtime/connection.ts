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

/** How long a closing socket may take to finish the close handshake. */
const CLOSE_GRACE_MS = 5000;

let nextConnectionId = 1;

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
		private readonly maxBufferedBytes: number
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
			this.close(CloseCode.policy, 'Too slow: backlog limit exceeded');
			return;
		}
		this.ws.send(data);
	}

	sendEvent(event: object): void {
		this.send(JSON.stringify(event));
	}

	error(code: ErrorCode, message: string): void {
		this.sendEvent(systemEvent('error', { code, message }));
	}

	close(code: number, reason = ''): void {
		if (this.ws.readyState === 0 || this.ws.readyState === 1) {
			this.ws.close(code, reason.slice(0, 120));
			// A peer that never answers the close handshake is dropped after a grace period. The
			// close frame waits behind any unsent backlog, so a reader that is merely slow still
			// gets to see why it was cut off; the backlog cannot grow meanwhile (sends stop).
			setTimeout(() => this.ws.terminate(), CLOSE_GRACE_MS).unref();
		}
	}
}
