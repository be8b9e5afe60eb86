import type { Conversation, ConvKey } from '../conversation.svelte';
import type { Timers } from './types';

/** Typing is sent at most this often while the user keeps typing… */
export const TYPING_INTERVAL_MS = 3000;
/** …and stops this long after the last keystroke. */
export const TYPING_IDLE_MS = 5000;
/** A remote "is typing" that is not refreshed disappears after this long. */
export const TYPING_EXPIRE_MS = 7000;

function typingAddress(conv: Conversation) {
	return conv.kind === 'room' ? { room: conv.target } : { to_id: conv.target };
}

/** Our own typing: `typing` frames, rate-limited, and the stop after a pause. */
export class TypingSender {
	private sentAt = 0;
	private target: ConvKey | null = null;
	private stopTimer: unknown = null;

	constructor(
		private readonly deps: {
			send(message: object): boolean;
			now(): number;
			timers: Timers;
			/** The conversation a stop is addressed to, if it still exists. */
			conversation(key: ConvKey): Conversation | undefined;
		}
	) {}

	/** Called on every keystroke in the composer; sends `typing` at most every few seconds. */
	typed(conv: Conversation): void {
		const now = this.deps.now();
		if (this.target !== conv.key || now - this.sentAt >= TYPING_INTERVAL_MS) {
			if (this.target && this.target !== conv.key) this.stop();
			if (this.deps.send({ type: 'typing', is_typing: true, ...typingAddress(conv) })) {
				this.sentAt = now;
				this.target = conv.key;
			}
		}
		if (this.stopTimer !== null) this.deps.timers.clear(this.stopTimer);
		this.stopTimer = this.deps.timers.set(() => this.stop(), TYPING_IDLE_MS);
	}

	/** Sent on send, blur, switching conversations and after a pause in typing. */
	stop(): void {
		if (this.stopTimer !== null) this.deps.timers.clear(this.stopTimer);
		this.stopTimer = null;
		const key = this.target;
		if (!key) return;
		this.target = null;
		this.sentAt = 0;
		const conv = this.deps.conversation(key);
		if (conv) this.deps.send({ type: 'typing', is_typing: false, ...typingAddress(conv) });
	}
}

/**
 * Other people's typing: shown on their `typing` frames, and removed when they stop, when
 * their message arrives, or when no refresh came for a while (a lost "stopped" frame must
 * not leave "is typing" on screen forever).
 */
export class RemoteTyping {
	// Bookkeeping nothing renders: a plain collection on purpose.
	private readonly timers = new Map<string, unknown>();

	constructor(private readonly clock: Timers) {}

	set(conv: Conversation, user: { id: number; name: string }, on: boolean): void {
		conv.setTyping(user, on);
		const timerKey = `${conv.key}|${user.id}`;
		const old = this.timers.get(timerKey);
		if (old !== undefined) this.clock.clear(old);
		this.timers.delete(timerKey);
		if (on) {
			this.timers.set(
				timerKey,
				this.clock.set(() => {
					this.timers.delete(timerKey);
					conv.setTyping({ id: user.id, name: '' }, false);
				}, TYPING_EXPIRE_MS)
			);
		}
	}
}
