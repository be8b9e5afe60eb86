import type { Database, Statement } from 'better-sqlite3';
import { ServiceError } from '../errors';
import type { Identity } from '../realtime/connection';
import { CONTROL_CHARS, FORMAT_CHARS, RESERVED_WORDS, skeleton } from './skeleton';

export const MAX_NAME_LENGTH = 20;
const INVALID_NAME = 'Invalid name (1-20 characters required)';

/** Who is online (the hub answers): their names count as taken look-alikes too. */
export interface OnlineNames {
	onlineIdentities(): Iterable<Identity>;
}

/**
 * The rules for display names (set_name), so that no one can pass for someone else:
 * no control or invisible formatting characters, no look-alike (same skeleton) of another
 * user's display name or username, online or registered, and nothing that looks like
 * "admin", "system" or "moderator" unless the user is an admin or it is their own username.
 * Accounts' skeletons are stored in `users` (indexed), filled in here when missing.
 */
export class NameRegistry {
	private readonly missing: Statement;
	private readonly fill: Statement;
	private readonly clash: Statement;
	private readonly rename: Statement;
	private readonly cache = new WeakMap<Identity, { name: string; shape: string }>();

	constructor(
		sqlite: Database,
		private readonly online: OnlineNames
	) {
		this.missing = sqlite.prepare(
			'SELECT id, username, name FROM users WHERE name_skeleton IS NULL OR username_skeleton IS NULL LIMIT 1000'
		);
		this.fill = sqlite.prepare(
			'UPDATE users SET name_skeleton = ?, username_skeleton = ? WHERE id = ?'
		);
		this.clash = sqlite.prepare(
			'SELECT 1 FROM users WHERE (name_skeleton = @s OR username_skeleton = @s) AND id <> @id LIMIT 1'
		);
		this.rename = sqlite.prepare('UPDATE users SET name = ?, name_skeleton = ? WHERE id = ?');
		this.fillMissing();
	}

	/** Trims and checks a new display name for `who`; throws `invalid_name` with the reason. */
	validate(who: Identity, raw: unknown): string {
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
		if (!own && this.takenBySomeoneElse(who.id, shape)) {
			throw new ServiceError('invalid_name', 'Invalid name: it looks like another user’s name');
		}
		return name;
	}

	/** Stores an account's new display name with its skeleton. */
	saveAccountName(userId: number, name: string): void {
		this.rename.run(name, skeleton(name), userId);
	}

	private takenBySomeoneElse(userId: number, shape: string): boolean {
		// Accounts are found in the table; guests exist only online.
		for (const other of this.online.onlineIdentities()) {
			if (other.isGuest && other.id !== userId && this.skeletonOf(other) === shape) return true;
		}
		this.fillMissing();
		return !!this.clash.get({ s: shape, id: userId });
	}

	/** A guest's skeleton, computed once per name (a rename check must stay cheap). */
	private skeletonOf(who: Identity): string {
		const cached = this.cache.get(who);
		if (cached?.name === who.name) return cached.shape;
		const shape = skeleton(who.name);
		this.cache.set(who, { name: who.name, shape });
		return shape;
	}

	/** Accounts created since the last look (or before the columns existed) get their skeletons. */
	private fillMissing(): void {
		for (;;) {
			const rows = this.missing.all() as { id: number; username: string; name: string }[];
			for (const r of rows) this.fill.run(skeleton(r.name), skeleton(r.username), r.id);
			if (rows.length < 1000) return;
		}
	}
}
