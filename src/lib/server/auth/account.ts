import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';
import { ServiceError } from '../errors';
import { describeDevice, parseUserAgent } from './device';
import type { AuthService } from './service';

/** One row of `GET /api/me/sessions` (docs/protocol.md, "Account security"). */
export interface SessionView {
	/** The session's public id: random, never the token nor its hash. */
	id: string;
	/** "Firefox on Linux"; `browser` and `os` apart (null: not recognised) for translations. */
	device: string;
	browser: string | null;
	os: string | null;
	address: string;
	created_at: number;
	last_seen_at: number;
	current: boolean;
}

/** Whose account, and through which session, a request acts. */
export interface AccountActor {
	id: number;
	username: string | null;
	sessionId: string | null;
}

/**
 * Account security (issue 15 item 3): your sessions, signing them out, changing your
 * password, an admin's reset. Every session that ends here closes its sockets with 4001
 * through the auth service's session-end listeners (the bus `close` event).
 */
export class AccountSecurity {
	constructor(private readonly auth: AuthService) {}

	async sessions(actor: AccountActor): Promise<SessionView[]> {
		const rows = await this.auth.sessions.listOf(actor.id);
		return rows.map((s) => ({
			id: s.publicId,
			device: describeDevice(s.userAgent),
			...parseUserAgent(s.userAgent),
			address: s.address,
			created_at: s.createdAt,
			last_seen_at: s.lastSeenAt,
			current: s.id === actor.sessionId
		}));
	}

	/** Signs one of your sessions out (this one too, if named: that is a logout). */
	async signOut(actor: AccountActor, publicId: string): Promise<void> {
		const id = await this.auth.sessions.invalidateByPublicId(actor.id, publicId);
		if (!id) throw new ServiceError('not_found', 'No such session', 404);
		this.auth.sessionsEnded({ sessionId: id });
	}

	/** Signs out every session of yours but the one asking. */
	async signOutOthers(actor: AccountActor): Promise<void> {
		const keep = requireSession(actor);
		const ended = await this.auth.sessions.invalidateOthers(actor.id, keep);
		for (const sessionId of ended) this.auth.sessionsEnded({ sessionId });
	}

	/**
	 * Changes your password: the current one is checked (throttled like logins; wrong is
	 * 400 `wrong_credentials` beside `current_password`), the new one validated like
	 * registration's. Every other session ends; this one stays.
	 */
	async changePassword(actor: AccountActor, input: unknown, address: string): Promise<void> {
		const keep = requireSession(actor);
		const body = (input && typeof input === 'object' ? input : {}) as Record<string, unknown>;
		if (typeof body.current_password !== 'string' || !body.current_password)
			throw new ServiceError('invalid_input', 'Current password is required', 400, {
				field: 'current_password'
			});
		const next = this.auth.parseNewPassword(body.new_password, 'new_password');
		try {
			await this.auth.checkCredentials(
				{ username: actor.username ?? '', password: body.current_password },
				address
			);
		} catch (err) {
			if (err instanceof ServiceError && err.code === 'wrong_credentials')
				throw new ServiceError('wrong_credentials', 'The current password is wrong', 400, {
					field: 'current_password'
				});
			throw err;
		}
		await this.auth.setPassword(actor.id, next, false);
		const ended = await this.auth.sessions.invalidateOthers(actor.id, keep);
		for (const sessionId of ended) this.auth.sessionsEnded({ sessionId });
	}

	/**
	 * An admin's reset (moderation checks and audits): a temporary password the user must
	 * replace at the next login; every session of the account ends.
	 */
	async resetPassword(userId: number): Promise<string> {
		const temporary = temporaryPassword();
		await this.auth.setPassword(userId, temporary, true);
		await this.auth.endAllSessions(userId);
		return temporary;
	}
}

function requireSession(actor: AccountActor): string {
	if (!actor.sessionId) throw new ServiceError('unauthorized', 'Log in first', 401);
	return actor.sessionId;
}

/** 16 characters of base32: 80 bits, easy to read out and type once. */
function temporaryPassword(): string {
	const bytes = new Uint8Array(10);
	crypto.getRandomValues(bytes);
	return encodeBase32LowerCaseNoPadding(bytes);
}
