import type { ReceivedEvent } from '$lib/protocol/events';
import { Liveness } from './liveness';

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
	onEvent: (event: ReceivedEvent) => void;
	/** The socket opened; `reconnect` is false only for the very first connection. */
	onOpen?: (reconnect: boolean) => void;
	/** The server closed for good (kicked, banned, session ended): no reconnect follows. */
	onFinalClose?: (code: number, reason: string) => void;
	/**
	 * The server's heartbeat interval: a socket silent this long (after a `ping` sent halfway)
	 * is dead and is replaced.
	 */
	heartbeatMs?: number;
	random?: () => number;
	now?: () => number;
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
export const DEFAULT_HEARTBEAT_MS = 30_000;
/** How long a socket asked "are you there?" (tab visible again) has to answer. */
export const PROBE_MS = 5_000;

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
	private readonly liveness: Liveness;
	private readonly heartbeatMs: number;

	constructor(private readonly options: ChatSocketOptions) {
		this.create = options.create ?? ((url) => new WebSocket(url) as unknown as SocketLike);
		this.random = options.random ?? Math.random;
		this.setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
		this.clearTimer = options.clearTimer ?? ((id) => clearTimeout(id as number));
		this.heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
		this.liveness = new Liveness({
			pingAfterMs: this.heartbeatMs / 2,
			deadAfterMs: this.heartbeatMs,
			ping: () => this.ws?.readyState === OPEN && this.ws.send(JSON.stringify({ type: 'ping' })),
			dead: () => this.replace('reconnecting'),
			now: options.now,
			setTimer: this.setTimer,
			clearTimer: this.clearTimer
		});
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
		this.clearRetry();
		this.liveness.stop();
		this.detach()?.close(1000, 'bye');
	}

	/** Sends now if open; false means the caller keeps the message for later. */
	send(message: object): boolean {
		if (!this.ws || this.ws.readyState !== OPEN || this.status !== 'connected') return false;
		this.ws.send(JSON.stringify(message));
		return true;
	}

	/**
	 * A fresh connection now ("Retry now", the browser says the network is back). Whatever
	 * socket exists is abandoned first: after a network change it may be bound to a dead
	 * route and would never report its own death.
	 */
	retryNow(): void {
		if (this.stopped) return;
		this.clearRetry();
		this.detach()?.close(1000, 'retry');
		this.liveness.stop();
		if (this.status === 'connected') this.status = 'reconnecting';
		this.connect();
	}

	/** The network is back: start the backoff from the beginning, at once. */
	wentOnline(): void {
		this.attempt = 0;
		this.retryNow();
	}

	/** The browser reports it lost the network: drop the socket rather than wait for a timeout. */
	wentOffline(): void {
		if (this.stopped) return;
		this.replace('offline');
	}

	/**
	 * The tab is visible again (timers may have slept for minutes): a connected socket must
	 * answer a ping within PROBE_MS or is replaced; otherwise try now instead of waiting.
	 */
	checkNow(): void {
		if (this.stopped) return;
		if (this.status === 'connected') this.liveness.probe(Math.min(PROBE_MS, this.heartbeatMs));
		else this.retryNow();
	}

	/** Abandons the current socket (no close event will reach us) and schedules the next try. */
	private replace(status: ConnectionStatus): void {
		this.liveness.stop();
		this.detach()?.close(1000, 'replaced');
		this.clearRetry();
		this.scheduleRetry();
		if (status === 'offline') this.status = 'offline';
	}

	/** Unhooks the current socket so a late event from it changes nothing, and returns it. */
	private detach(): SocketLike | null {
		const ws = this.ws;
		this.ws = null;
		if (ws) {
			ws.onopen = null;
			ws.onmessage = null;
			ws.onclose = null;
			ws.onerror = null;
		}
		return ws;
	}

	private clearRetry(): void {
		if (this.timer !== null) this.clearTimer(this.timer);
		this.timer = null;
		this.retryAt = null;
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
			this.liveness.start();
			this.options.onOpen?.(reconnect);
		};
		ws.onmessage = (ev) => {
			this.liveness.heard();
			if (typeof ev.data !== 'string') return;
			let event: ReceivedEvent;
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
			this.liveness.stop();
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
