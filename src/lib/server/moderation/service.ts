import type { Database } from 'better-sqlite3';
import { ServiceError } from '../errors';

/**
 * Moderation: mutes, kicks, bans and the audit log. This first cut answers the one
 * question the chat write path asks (is this user muted?); the admin actions build on it.
 */
export class ModerationService {
	/** userId → mute end (unix seconds), loaded once and kept in step with the table. */
	private readonly mutedUntil = new Map<number, { until: number; reason: string }>();

	constructor(
		private readonly sqlite: Database,
		readonly now: () => number = () => Math.floor(Date.now() / 1000)
	) {
		const rows = sqlite
			.prepare('SELECT user_id, until, reason FROM mutes WHERE until > ?')
			.all(now()) as {
			user_id: number;
			until: number;
			reason: string;
		}[];
		for (const r of rows) this.mutedUntil.set(r.user_id, { until: r.until, reason: r.reason });
	}

	muteOf(userId: number): { until: number; reason: string } | undefined {
		const mute = this.mutedUntil.get(userId);
		if (!mute) return undefined;
		if (mute.until <= this.now()) {
			this.mutedUntil.delete(userId);
			return undefined;
		}
		return mute;
	}

	isMuted(userId: number): boolean {
		return this.muteOf(userId) !== undefined;
	}

	assertCanSend(userId: number): void {
		const mute = this.muteOf(userId);
		if (!mute) return;
		const until = new Date(mute.until * 1000).toISOString();
		throw new ServiceError(
			'muted',
			`You are muted until ${until}${mute.reason ? ` (${mute.reason})` : ''}`,
			403,
			{
				retryAfterSeconds: mute.until - this.now()
			}
		);
	}

	/** Keeps the in-memory view in step after the mutes table changes. */
	protected remember(userId: number, mute: { until: number; reason: string } | null): void {
		if (mute) this.mutedUntil.set(userId, mute);
		else this.mutedUntil.delete(userId);
	}
}
