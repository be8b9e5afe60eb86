import { sha256 } from '@oslojs/crypto/sha2';
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from '@oslojs/encoding';
import type {
	SessionDevice,
	SessionListing,
	SessionRecord,
	SessionsRepository,
	Sighting
} from '../storage/sessions';
import type { UserRecord } from '../storage/users';

/**
 * Sessions after the Lucia guide: the browser holds a random token, the database holds
 * only its SHA-256, so a leaked database cannot be replayed as cookies.
 */

export const SESSION_COOKIE = 'session';
const DAY = 24 * 60 * 60;
/** A session's last sight is written at most this often (seconds), so requests cost no write. */
export const LAST_SEEN_EVERY = 60;
/**
 * Sightings wait this long (ms) and are written together: a restart storm validates thousands
 * of sessions a second, and one write each would also empty the SQLite state memo each time.
 */
const SIGHTINGS_FLUSH_MS = 1000;
/** Stored user agents are cut to this length. */
const MAX_USER_AGENT = 400;

export type Session = SessionRecord;

export interface SessionUser {
	id: number;
	username: string;
	name: string;
	isAdmin: boolean;
	bannedAt: number | null;
	mustChangePassword: boolean;
}

export function toSessionUser(row: UserRecord): SessionUser {
	return {
		id: row.id,
		username: row.username,
		name: row.name,
		isAdmin: row.role === 'admin',
		bannedAt: row.bannedAt,
		mustChangePassword: row.mustChangePassword
	};
}

export function generateSessionToken(): string {
	const bytes = new Uint8Array(20);
	crypto.getRandomValues(bytes);
	return encodeBase32LowerCaseNoPadding(bytes);
}

/** The session list's name for a session: random, unrelated to the token. */
export function generatePublicId(): string {
	const bytes = new Uint8Array(12);
	crypto.getRandomValues(bytes);
	return encodeHexLowerCase(bytes);
}

export function sessionIdFromToken(token: string): string {
	return encodeHexLowerCase(sha256(new TextEncoder().encode(token)));
}

export class SessionStore {
	/** Last sights not written yet, by session id (flushSightings). */
	private readonly sightings = new Map<string, Sighting>();
	private flushTimer: NodeJS.Timeout | null = null;

	constructor(
		private readonly sessions: SessionsRepository,
		private readonly lifetimeDays: number,
		private readonly now: () => number = () => Math.floor(Date.now() / 1000)
	) {}

	async create(
		token: string,
		userId: number,
		device: SessionDevice = { userAgent: '', address: '' }
	): Promise<Session> {
		const now = this.now();
		const session = {
			id: sessionIdFromToken(token),
			userId,
			expiresAt: now + this.lifetimeDays * DAY,
			lastSeenAt: now
		};
		await this.sessions.insert({
			...session,
			publicId: generatePublicId(),
			userAgent: device.userAgent.slice(0, MAX_USER_AGENT),
			address: device.address,
			createdAt: now
		});
		return session;
	}

	/**
	 * Returns the session and its user, sliding the expiry when past half its life. `address`
	 * (where the request came from) is written with the last sight, at most once a minute.
	 */
	async validate(
		token: string,
		address?: string
	): Promise<{ session: Session; user: SessionUser } | null> {
		if (!token || token.length > 64) return null;
		const id = sessionIdFromToken(token);
		const row = await this.sessions.withUser(id);
		if (!row) return null;
		const { session } = row;
		const now = this.now();
		if (now >= session.expiresAt) {
			await this.sessions.delete(id);
			return null;
		}
		const lifetime = this.lifetimeDays * DAY;
		if (now >= session.expiresAt - lifetime / 2) {
			session.expiresAt = now + lifetime;
			await this.sessions.setExpiry(id, session.expiresAt);
		}
		if (now - session.lastSeenAt >= LAST_SEEN_EVERY) {
			session.lastSeenAt = now;
			this.sighted({ id, lastSeenAt: now, address: address ?? null });
		}
		return { session, user: toSessionUser(row.user) };
	}

	/** True while the session exists and has not expired (checked on each heartbeat). */
	async exists(sessionId: string): Promise<boolean> {
		const expiresAt = await this.sessions.expiresAt(sessionId);
		return expiresAt !== undefined && expiresAt > this.now();
	}

	invalidate(sessionId: string): Promise<void> {
		return this.sessions.delete(sessionId);
	}

	/** The user's live sessions, most recently seen first. */
	async listOf(userId: number): Promise<SessionListing[]> {
		await this.flushSightings();
		return this.sessions.listOf(userId, this.now());
	}

	/** Writes the last sights waiting (the session list, shutdown). Best effort: a failed write
	 * loses a last-seen time, nothing else. */
	async flushSightings(): Promise<void> {
		if (this.flushTimer) clearTimeout(this.flushTimer);
		this.flushTimer = null;
		if (this.sightings.size === 0) return;
		const batch = [...this.sightings.values()];
		this.sightings.clear();
		await this.sessions.touchMany(batch).catch(() => {});
	}

	private sighted(sighting: Sighting): void {
		this.sightings.set(sighting.id, sighting);
		this.flushTimer ??= setTimeout(() => void this.flushSightings(), SIGHTINGS_FLUSH_MS);
		this.flushTimer.unref();
	}

	/** Ends the user's session named `publicId`; resolves with its id, undefined when none. */
	invalidateByPublicId(userId: number, publicId: string): Promise<string | undefined> {
		return this.sessions.deleteByPublicId(userId, publicId);
	}

	/** Ends every session of the user but `keepId`; resolves with the ids ended. */
	invalidateOthers(userId: number, keepId: string): Promise<string[]> {
		return this.sessions.deleteOthersOf(userId, keepId);
	}

	invalidateAllForUser(userId: number): Promise<void> {
		return this.sessions.deleteAllOf(userId);
	}

	/** Deletes up to `limit` expired sessions; returns how many (see SessionSweeper). */
	purgeExpired(limit: number): Promise<number> {
		return this.sessions.purgeExpired(this.now(), limit);
	}
}

/** Reads one cookie from a raw Cookie header (the WebSocket upgrade has no SvelteKit cookies API). */
export function readCookie(header: string | undefined, name: string): string | undefined {
	if (!header) return undefined;
	for (const part of header.split(';')) {
		const eq = part.indexOf('=');
		if (eq === -1) continue;
		if (part.slice(0, eq).trim() === name) {
			try {
				return decodeURIComponent(part.slice(eq + 1).trim());
			} catch {
				return undefined;
			}
		}
	}
	return undefined;
}
