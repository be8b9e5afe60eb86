/**
 * Tells a live socket from a dead one without trusting the browser's events.
 *
 * A socket can stay "open" long after the network under it is gone (a laptop lid, a Wi-Fi
 * handover, DevTools' offline switch): no `close` fires until TCP gives up, minutes later.
 * The server's own heartbeat uses protocol pings, which the browser answers without telling
 * the page, so the page keeps its own: after `pingAfterMs` of silence it sends a `ping` frame
 * (the server answers `pong`); after `deadAfterMs` of silence the socket is declared dead.
 * Any frame from the server counts as a sign of life, so a busy socket is never pinged.
 *
 * One timer, re-armed only when it fires: hearing a frame just stores a timestamp.
 */
export interface LivenessOptions {
	/** Silence after which a ping is sent. */
	pingAfterMs: number;
	/** Silence after which the socket is dead; larger than `pingAfterMs`. */
	deadAfterMs: number;
	ping: () => void;
	dead: () => void;
	now?: () => number;
	setTimer?: (fn: () => void, ms: number) => unknown;
	clearTimer?: (id: unknown) => void;
}

export class Liveness {
	private lastHeard = 0;
	/** Silence is measured from here when a probe asks for an answer sooner. */
	private deadline: number | null = null;
	private pinged = false;
	private timer: unknown = null;
	private readonly now: () => number;
	private readonly setTimer: (fn: () => void, ms: number) => unknown;
	private readonly clearTimer: (id: unknown) => void;

	constructor(private readonly options: LivenessOptions) {
		this.now = options.now ?? Date.now;
		this.setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
		this.clearTimer = options.clearTimer ?? ((id) => clearTimeout(id as number));
	}

	/** The socket opened: start watching it. */
	start(): void {
		this.stop();
		this.lastHeard = this.now();
		this.arm(this.options.pingAfterMs);
	}

	/** Stop watching (the socket closed or was replaced). */
	stop(): void {
		if (this.timer !== null) this.clearTimer(this.timer);
		this.timer = null;
		this.deadline = null;
		this.pinged = false;
	}

	/** A frame arrived. */
	heard(): void {
		this.lastHeard = this.now();
		this.pinged = false;
		this.deadline = null;
	}

	/**
	 * Ask now whether the socket is alive (the tab became visible again, where timers may
	 * have been throttled for minutes): ping, and declare it dead if nothing comes back
	 * within `withinMs`.
	 */
	probe(withinMs: number): void {
		if (this.timer === null) return;
		this.options.ping();
		this.pinged = true;
		this.deadline = this.now() + withinMs;
		this.clearTimer(this.timer);
		this.arm(withinMs);
	}

	private arm(ms: number): void {
		this.timer = this.setTimer(() => this.check(), Math.max(0, ms));
	}

	private check(): void {
		this.timer = null;
		const now = this.now();
		const { pingAfterMs, deadAfterMs } = this.options;
		const silent = now - this.lastHeard;
		if (silent >= deadAfterMs || (this.deadline !== null && now >= this.deadline)) {
			this.stop();
			this.options.dead();
			return;
		}
		if (this.deadline !== null) return this.arm(this.deadline - now);
		if (silent >= pingAfterMs) {
			if (!this.pinged) this.options.ping();
			this.pinged = true;
			return this.arm(deadAfterMs - silent);
		}
		this.arm(pingAfterMs - silent);
	}
}
