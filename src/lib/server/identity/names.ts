import { ServiceError } from '../errors';
import type { Identity } from '../realtime/connection';
import type { UsersRepository } from '../storage/users';
import { CONTROL_CHARS, FORMAT_CHARS, RESERVED_WORDS, skeleton } from './skeleton';

export const MAX_NAME_LENGTH = 20;
const INVALID_NAME = 'Invalid name (1-20 characters required)';

/** Someone online, as far as names go. */
type OnlineName = Pick<Identity, 'id' | 'name' | 'isGuest'>;

/** Who is online (every process when presence is shared): their names count as taken too. */
export interface OnlineNames {
	onlineIdentities(): Iterable<OnlineName> | Promise<Iterable<OnlineName>>;
}

/**
 * The rules for display names (set_name), so that no one can pass for someone else:
 * no control or invisible formatting characters, no look-alike (same skeleton) of another
 * user's display name or username, online or registered, and nothing that looks like
 * "admin", "system" or "moderator" unless the user is an admin or it is their own username.
 * Accounts' skeletons are stored in `users` (indexed), filled in here when missing.
 */
export class NameRegistry {
	private readonly cache = new WeakMap<OnlineName, { name: string; shape: string }>();

	constructor(
		private readonly users: UsersRepository,
		private readonly online: OnlineNames
	) {}

	/** Fills in the skeletons of accounts stored without them (start-up). */
	init(): Promise<void> {
		return this.fillMissing();
	}

	/** Trims and checks a new display name for `who`; throws `invalid_name` with the reason. */
	async validate(who: Identity, raw: unknown): Promise<string> {
		const name = typeof raw === 'string' ? raw.trim() : '';
		const length = [...name].length;
		if (length < 1 || length > MAX_NAME_LENGTH || CONTROL_CHARS.test(name)) {
			throw new ServiceError('invalid_name', INVALID_NAME);
		}
		if (FORMAT_CHARS.test(name)) {
			throw new ServiceError('invalid_name', 'Invalid name: invisible formatting characters');
		}
		const shape = skeleton(name);
		if (shape === '')
			throw new ServiceError('invalid_name', 'Invalid name: no letters, digits or emoji');
		const own = who.username !== null && shape === skeleton(who.username);
		if (!who.isAdmin && !own && RESERVED_WORDS.some((w) => shape.includes(w))) {
			throw new ServiceError('invalid_name', 'Invalid name: that name is reserved');
		}
		if (!own && (await this.takenBySomeoneElse(who.id, shape))) {
			throw new ServiceError('invalid_name', 'Invalid name: it looks like another user’s name');
		}
		return name;
	}

	/** Stores an account's new display name with its skeleton. */
	saveAccountName(userId: number, name: string): Promise<void> {
		return this.users.rename(userId, name, skeleton(name));
	}

	private async takenBySomeoneElse(userId: number, shape: string): Promise<boolean> {
		// Accounts are found in the table; guests exist only online.
		for (const other of await this.online.onlineIdentities()) {
			if (other.isGuest && other.id !== userId && this.skeletonOf(other) === shape) return true;
		}
		await this.fillMissing();
		return this.users.skeletonTaken(shape, userId);
	}

	/** A guest's skeleton, computed once per name (a rename check must stay cheap). */
	private skeletonOf(who: OnlineName): string {
		const cached = this.cache.get(who);
		if (cached?.name === who.name) return cached.shape;
		const shape = skeleton(who.name);
		this.cache.set(who, { name: who.name, shape });
		return shape;
	}

	/** Accounts created since the last look (or before the columns existed) get their skeletons. */
	private async fillMissing(): Promise<void> {
		for (;;) {
			const rows = await this.users.missingSkeletons(1000);
			for (const r of rows)
				await this.users.setSkeletons(r.id, skeleton(r.name), skeleton(r.username));
			if (rows.length < 1000) return;
		}
	}
}
