import { sha256 } from '@oslojs/crypto/sha2';
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from '@oslojs/encoding';
import { eq, inArray, lte } from 'drizzle-orm';
import type { Db } from '../db/client';
import { sessions, users, type UserRow } from '../db/schema';

/**
 * Sessions after the Lucia guide: the browser holds a random token, the database holds
 * only its SHA-256, so a leaked database cannot be replayed as cookies.
 */

export const SESSION_COOKIE = 'session';
const DAY = 24 * 60 * 60;

export interface Session {
	id: string;
	userId: number;
	expiresAt: number;
}

export interface SessionUser {
	id: number;
	username: string;
	name: string;
	isAdmin: boolean;
	bannedAt: number | null;
}

export function toSessionUser(row: UserRow): SessionUser {
	return {
		id: row.id,
		username: row.username,
		name: row.name,
		isAdmin: row.role === 'admin',
		bannedAt: row.bannedAt
	};
}

export function generateSessionToken(): string {
	const bytes = new Uint8Array(20);
	crypto.getRandomValues(bytes);
	return encodeBase32LowerCaseNoPadding(bytes);
}

export function sessionIdFromToken(token: string): string {
	return encodeHexLowerCase(sha256(new TextEncoder().encode(token)));
}

export class SessionStore {
	constructor(
		private readonly db: Db,
		private readonly lifetimeDays: number,
		private readonly now: () => number = () => Math.floor(Date.now() / 1000)
	) {}

	create(token: string, userId: number): Session {
		const session = {
			id: sessionIdFromToken(token),
			userId,
			expiresAt: this.now() + this.lifetimeDays * DAY
		};
		this.db.insert(sessions).values(session).run();
		return session;
	}

	/** Returns the session and its user, sliding the expiry when past half its life. */
	validate(token: string): { session: Session; user: SessionUser } | null {
		if (!token || token.length > 64) return null;
		const id = sessionIdFromToken(token);
		const row = this.db
			.select({ session: sessions, user: users })
			.from(sessions)
			.innerJoin(users, eq(sessions.userId, users.id))
			.where(eq(sessions.id, id))
			.get();
		if (!row) return null;
		const { session } = row;
		const now = this.now();
		if (now >= session.expiresAt) {
			this.db.delete(sessions).where(eq(sessions.id, id)).run();
			return null;
		}
		const lifetime = this.lifetimeDays * DAY;
		if (now >= session.expiresAt - lifetime / 2) {
			session.expiresAt = now + lifetime;
			this.db
				.update(sessions)
				.set({ expiresAt: session.expiresAt })
				.where(eq(sessions.id, id))
				.run();
		}
		return { session, user: toSessionUser(row.user) };
	}

	/** True while the session exists and has not expired (checked on each heartbeat). */
	exists(sessionId: string): boolean {
		const row = this.db
			.select({ expiresAt: sessions.expiresAt })
			.from(sessions)
			.where(eq(sessions.id, sessionId))
			.get();
		return !!row && row.expiresAt > this.now();
	}

	invalidate(sessionId: string): void {
		this.db.delete(sessions).where(eq(sessions.id, sessionId)).run();
	}

	invalidateAllForUser(userId: number): void {
		this.db.delete(sessions).where(eq(sessions.userId, userId)).run();
	}

	/** Deletes up to `limit` expired sessions; returns how many (see SessionSweeper). */
	purgeExpired(limit: number): number {
		const expired = this.db
			.select({ id: sessions.id })
			.from(sessions)
			.where(lte(sessions.expiresAt, this.now()))
			.limit(limit);
		return this.db.delete(sessions).where(inArray(sessions.id, expired)).run().changes;
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
