import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import { batchWrites } from './write-batch';
import { FrameBudget } from './frame-budget';
import type { ErrorCode } from '$lib/protocol/errors';
import { events, type ErrorContent } from '$lib/protocol/events';

/** Who is on the other end of a socket. Guests live only as long as their connection. */
export interface Identity {
	id: number;
	name: string;
	username: string | null;
	isAdmin: boolean;
	isGuest: boolean;
	sessionId: string | null;
	/** Guests: the client address, so guests behind one address share one send rate. */
	address?: string;
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
/** Shared by every connection that watches nobody (most): no array per connection. */
const NO_USERS: readonly number[] = Object.freeze([]);
/** Frames a connection's queue holds at most before it is written at once (big-room-writes.ts). */
const MAX_QUEUED_FRAMES = 256;
/** Buffers are sent as text frames: they hold UTF-8 JSON. */
const TEXT = { binary: false } as const;

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
	/** The users this connection watches above the presence threshold (Hub.watch). */
	watchedUsers: readonly number[] = NO_USERS;
	/** Highest message id committed when this connection subscribed: later ones reach it live. */
	subscribedUpTo = 0;
	/** Closed for flooding (frames.ts): its account waits before connecting again (flood-penalty.ts). */
	cutOffForFlooding = false;
	/**
	 * Events held back right after the connection sequence, so that a client that reconnects
	 * and sends `resume` gets the missed messages and the live ones in one id-ordered stream.
	 * Released by the client's first frame (resume or anything else) or after a short window.
	 */
	private held: (string | Buffer)[] | null = null;
	/** Frames a big room's fan-out queued for a later write (big-room-writes.ts); written before any other. */
	private queued: (string | Buffer)[] | null = null;
	private holdTimer: NodeJS.Timeout | null = null;
	/** Unsent bytes when the current turn's first frame was queued (see send). */
	private backlogAtTurnStart = 0;
	/** The highest message id sent (or held) live on this connection. */
	lastLiveId = 0;
	connectedAt = Math.floor(Date.now() / 1000);
	alive = true;
	authTimer: NodeJS.Timeout | null = null;
	/** Counted as anonymous (guest or not logged in) in its address's limits. */
	anonymous = true;
	/** What this connection may still send (every frame type is charged, see frame-budget.ts). */
	readonly budget: FrameBudget;

	constructor(
		readonly ws: WebSocket,
		readonly remoteAddress: string,
		private readonly maxBufferedBytes: number,
		private readonly observer: ConnectionObserver = unobserved,
		budget: { perSecond: number; burst: number } = { perSecond: 1e9, burst: 1e9 }
	) {
		this.budget = new FrameBudget(budget.perSecond, budget.burst);
	}

	get isOpen(): boolean {
		return this.ws.readyState === 1;
	}

	/**
	 * Sends a pre-serialized text frame. Fan-out passes one Buffer to every recipient so the
	 * JSON is encoded once. A reader whose unsent backlog passes the limit is cut off (1008)
	 * so one slow consumer cannot grow the server's memory.
	 */
	send(data: string | Buffer): void {
		if (this.holdBack(data)) return;
		if (this.queued) this.flushQueue();
		this.write(data);
	}

	/**
	 * Queues a frame for a write in a later turn (big-room-writes.ts); `id` as in sendMessage. True when
	 * the queue was empty: the caller then schedules this connection's write.
	 */
	queue(data: string | Buffer, id = 0): boolean {
		this.noteLive(id);
		if (this.holdBack(data) || this.ws.readyState !== 1) return false;
		if (!this.queued) {
			this.queued = [data];
			return true;
		}
		this.queued.push(data);
		// Bounded: a queue this long is written now rather than grow (a later pass finds it empty).
		if (this.queued.length >= MAX_QUEUED_FRAMES) this.flushQueue();
		return false;
	}

	/** Writes the queued frames, in order (one write: the socket is corked for the turn). */
	flushQueue(): void {
		const queued = this.queued;
		if (!queued) return;
		this.queued = null;
		for (let i = 0; i < queued.length; i++) this.write(queued[i]);
	}

	private write(data: string | Buffer): void {
		if (this.ws.readyState !== 1) return;
		// Frames corked during this turn (batchWrites) are not a backlog yet: a whole group
		// commit fanned out at once would otherwise cut off a reader that keeps up. Judge by
		// what was still unsent when the turn began.
		const socket = this.socket;
		if (socket.writableCorked === 0) this.backlogAtTurnStart = this.ws.bufferedAmount;
		if (this.backlogAtTurnStart > this.maxBufferedBytes) {
			this.observer.disconnected('slow_consumer');
			this.close(CloseCode.policy, 'Too slow: backlog limit exceeded');
			return;
		}
		batchWrites(socket);
		this.ws.send(data, TEXT);
	}

	private get socket(): Socket {
		return (this.ws as unknown as { _socket: Socket })._socket;
	}

	/** A live message event; remembers its id so `resume` knows what the client has. */
	sendMessage(data: string | Buffer, id: number): void {
		this.noteLive(id);
		this.send(data);
	}

	private noteLive(id: number): void {
		if (id > this.lastLiveId) this.lastLiveId = id;
	}

	/** While live events are held (see `held`), keeps `data` with them; true if it did. */
	private holdBack(data: string | Buffer): boolean {
		if (!this.held) return false;
		this.held.push(data);
		return true;
	}

	/**
	 * Holds live events back (see `held`): from the subscription on, while the connection
	 * sequence reads storage (a networked store answers in later turns, and a live event must
	 * not pass the `welcome`); with `ms`, for at most that long from now.
	 */
	hold(ms?: number): void {
		this.held ??= [];
		if (ms === undefined) return;
		if (this.holdTimer) clearTimeout(this.holdTimer);
		this.holdTimer = setTimeout(() => this.release(), ms);
		this.holdTimer.unref();
	}

	/** An event of the connection sequence itself: goes out ahead of the live events held. */
	sendEventAhead(event: object): void {
		const held = this.held;
		this.held = null;
		try {
			this.sendEvent(event);
		} finally {
			this.held = held;
		}
	}

	get holding(): boolean {
		return this.held !== null;
	}

	/** Stops holding: sends `first` (resume's missed messages), then everything held back. */
	release(first: (string | Buffer)[] = []): void {
		if (this.holdTimer) clearTimeout(this.holdTimer);
		this.holdTimer = null;
		const held = this.held;
		this.held = null;
		for (const data of first) this.send(data);
		if (held) for (const data of held) this.send(data);
	}

	sendEvent(event: object): void {
		this.send(JSON.stringify(event));
	}

	/**
	 * An `error` event; `params` adds the data its text holds (`retry_after`, `until`…) and
	 * the `client_id` of the frame it answers.
	 */
	error(code: ErrorCode, message: string, params?: Omit<ErrorContent, 'code' | 'message'>): void {
		this.observer.errorSent(code);
		this.sendEvent(events.error({ code, message, ...params }));
	}

	close(code: number, reason = ''): void {
		this.release(); // what was held (a `kicked` notice, say) goes out before the close
		this.flushQueue();
		if (this.ws.readyState === 0 || this.ws.readyState === 1) {
			this.ws.close(code, reason.slice(0, 120));
			// A peer that never answers the close handshake is dropped after a grace period. The
			// close frame waits behind any unsent backlog, so a reader that is merely slow still
			// gets to see why it was cut off; the backlog cannot grow meanwhile (sends stop).
			setTimeout(() => this.ws.terminate(), CLOSE_GRACE_MS).unref();
		}
	}
}
