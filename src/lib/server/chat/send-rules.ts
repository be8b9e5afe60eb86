import type { Config } from '../config';
import { ServiceError } from '../errors';
import type { Identity } from '../realtime/connection';
import { LocalLimiter, type KeyedLimiter, type LimitVerdict } from '../shared/limiter';

/** Who may send right now; moderation answers (mutes). Throws ServiceError('muted'). */
export interface SendGuard {
	assertCanSend(userId: number): void;
}

const MAX_URL_LENGTH = 2048;

/**
 * What every write of text must pass, whichever way it comes (a new message, an edit, the
 * HTTP API): the mute check, the send rate, and the text rules.
 */
export class SendRules {
	/** Send buckets: per account, and per address for guests (see `admit`). */
	private readonly buckets: KeyedLimiter;

	/**
	 * @param buckets shared buckets (Redis, several processes); this process's own by default
	 */
	constructor(
		private readonly config: Pick<
			Config,
			'rateLimitPerSec' | 'rateLimitBurst' | 'maxMessageLength'
		>,
		private readonly guard: SendGuard,
		/** Counts refusals (metrics). */
		private readonly onRateLimited: () => void = () => {},
		buckets?: KeyedLimiter
	) {
		this.buckets = buckets ?? new LocalLimiter(config.rateLimitPerSec, config.rateLimitBurst);
	}

	/**
	 * Mute check and rate limit, in that order (a muted user is told so, not throttled).
	 * Accounts have one bucket across all their connections. Guests behind one address share
	 * one, like one user: a guest is a new id per connection, so reconnecting must not buy a
	 * fresh burst.
	 *
	 * Throws at once when refused by this process's buckets; with shared (Redis) buckets it
	 * returns a promise that rejects instead, which the caller awaits in its place in the
	 * write queue (so the queue order stays the frame order).
	 */
	admit(who: Identity): Promise<void> | undefined {
		this.guard.assertCanSend(who.id);
		const verdict = this.buckets.take(
			who.isGuest ? `guest@${who.address ?? who.id}` : `user:${who.id}`
		);
		if (verdict instanceof Promise) {
			const admitted = verdict.then((v) => this.enforce(v));
			// The caller may throw before awaiting it (an unknown room): not an unhandled rejection.
			admitted.catch(() => {});
			return admitted;
		}
		this.enforce(verdict);
		return undefined;
	}

	private enforce(verdict: LimitVerdict): void {
		if (verdict.ok) return;
		this.onRateLimited();
		// Whole seconds for people (ceil), as the HTTP Retry-After header wants them.
		const retryAfter = Math.max(1, Math.ceil(verdict.waitMs / 1000));
		throw new ServiceError('rate_limited', 'You are sending too fast; slow down', 429, {
			retryAfterSeconds: retryAfter,
			params: { retry_after: retryAfter }
		});
	}

	/** A message's text: not blank, at most MAX_MESSAGE_LENGTH characters. */
	text(content: string): string {
		const max = this.config.maxMessageLength;
		if (content.trim() === '') throw new ServiceError('empty', 'Message is empty');
		if (content.length > max && [...content].length > max) {
			throw new ServiceError('too_large', `Message is too long (at most ${max} characters)`, 413, {
				params: { max }
			});
		}
		return content;
	}

	/** An image message's URL: http or https, at most 2,048 characters. */
	imageUrl(raw: string): string {
		let url: URL;
		try {
			url = new URL(raw);
		} catch {
			throw new ServiceError('invalid_message', 'Image url must be an http or https URL');
		}
		if ((url.protocol !== 'http:' && url.protocol !== 'https:') || raw.length > MAX_URL_LENGTH) {
			throw new ServiceError('invalid_message', 'Image url must be an http or https URL');
		}
		return url.href;
	}
}
