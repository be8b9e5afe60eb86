import type { ServerEvent } from '$lib/protocol/events';

/** The part of the browser WebSocket this client uses; tests pass a fake. */
export interface SocketLike {
	readyState: number;
	onopen: ((ev: unknown) => void) | null;
	onmessage: ((ev: { data: unknown }) => void) | null;
	onclose: ((ev: { code: number; reason?: string }) => void) | null;
	onerror: ((ev: unknown) => void) | null;
	send(data: string): void;
	close(code?: number, reason?: string): void;
}

export type ConnectionStatus = 'connecting' | 'connected' | 'reconnecting' | 'offline';

export interface ChatSocketOptions {
	url: string;
	create?: (url: string) => SocketLike;
	/** Every parsed server event. */
	onEvent: (event: ServerEvent) => void;
	/** The socket opened; `reconnect` is false only for the very first connection. */
	onOpen?: (reconnect: boolean) => void;
	/** The server closed for good (kicked, banned, session ended): no reconnect follows. */
	onFinalClose?: (code: number, reason: string) => void;
	random?: () => number;
	setTimer?: (fn: () => void, ms: number) => unknown;
	clearTimer?: (id: unknown) => void;
}

const OPEN = 1;
export const BACKOFF_BASE_MS = 500;
export const BACKOFF_MAX_MS = 30_000;
/** After this many failed attempts in a row the status says "offline" rather than "reconnecting". */
const OFFLINE_AFTER = 3;
/** Close codes after which reconnecting would be pointless or wrong. */
const FINAL_CODES = new Set([1008, 4000, 4001]);

/**
 * Exponential backoff with jitter: 0.5 s doubling to 30 s, each delay drawn from its upper
 * half so that clients dropped together do not all come back in the same instant.
 */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
	const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** attempt);
	return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/**
 * One WebSocket to the server that comes back by itself. It knows nothing about chat:
 * the store decides what to send on open (resume, outbox) and what events mean.
 */
export class ChatSocket {
	status = $state<ConnectionStatus>('connecting');
	/** When the next attempt is due (ms since epoch), while reconnecting. */
	retryAt = $state<number | null>(null);

	private ws: SocketLike | null = null;
	private attempt = 0;
	private opened = false;
	private stopped = false;
	private timer: unknown = null;
	private readonly create: (url: string) => SocketLike;
	private readonly random: () => number;
	private readonly setTimer: (fn: () => void, ms: number) => unknown;
	private readonly clearTimer: (id: unknown) => void;

	constructor(private readonly options: ChatSocketOptions) {
		this.create = options.create ?? ((url) => new WebSocket(url) as unknown as SocketLike);
		this.random = options.random ?? Math.random;
		this.setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
		this.clearTimer = options.clearTimer ?? ((id) => clearTimeout(id as number));
	}

	get connected(): boolean {
		return this.status === 'connected';
	}

	start(): void {
		this.stopped = false;
		this.connect();
	}

	/** Closes for good (page leaving). */
	stop(): void {
		this.stopped = true;
		if (this.timer !== null) this.clearTimer(this.timer);
		this.timer = null;
		const ws = this.ws;
		this.ws = null;
		if (ws) {
			ws.onclose = null;
			ws.close(1000, 'bye');
		}
	}

	/** Sends now if open; false means the caller keeps the message for later. */
	send(message: object): boolean {
		if (!this.ws || this.ws.readyState !== OPEN || this.status !== 'connected') return false;
		this.ws.send(JSON.stringify(message));
		return true;
	}

	/** Skips the wait (the browser says the network is back, or the user asked). */
	retryNow(): void {
		if (this.stopped || this.ws) return;
		if (this.timer !== null) this.clearTimer(this.timer);
		this.timer = null;
		this.connect();
	}

	/** The browser reports it lost the network: drop the socket rather than wait for a timeout. */
	wentOffline(): void {
		if (this.stopped) return;
		this.status = 'offline';
	}

	private connect(): void {
		const ws = this.create(this.options.url);
		this.ws = ws;
		ws.onopen = () => {
			const reconnect = this.opened;
			this.opened = true;
			this.attempt = 0;
			this.retryAt = null;
			this.status = 'connected';
			this.options.onOpen?.(reconnect);
		};
		ws.onmessage = (ev) => {
			if (typeof ev.data !== 'string') return;
			let event: ServerEvent;
			try {
				event = JSON.parse(ev.data);
			} catch {
				return;
			}
			if (event && typeof event.type === 'string') this.options.onEvent(event);
		};
		ws.onerror = () => {};
		ws.onclose = (ev) => {
			if (this.ws !== ws) return;
			this.ws = null;
			if (this.stopped) return;
			if (FINAL_CODES.has(ev.code)) {
				this.stopped = true;
				this.status = 'offline';
				this.options.onFinalClose?.(ev.code, ev.reason ?? '');
				return;
			}
			this.scheduleRetry();
		};
	}

	private scheduleRetry(): void {
		const delay = backoffDelay(this.attempt, this.random);
		this.attempt++;
		const offline = typeof navigator !== 'undefined' && navigator.onLine === false;
		this.status = offline || this.attempt > OFFLINE_AFTER ? 'offline' : 'reconnecting';
		this.retryAt = Date.now() + delay;
		this.timer = this.setTimer(() => {
			this.timer = null;
			if (!this.stopped) this.connect();
		}, delay);
	}
}
