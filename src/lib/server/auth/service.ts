import { count, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Config } from '../config';
import type { Db } from '../db/client';
import { users } from '../db/schema';
import { ServiceError } from '../errors';
import { dummyPasswordHash, hashPassword, verifyPassword } from './passwords';
import { generateSessionToken, SessionStore, toSessionUser, type SessionUser } from './sessions';
import { WindowCounter } from './throttle';

export const usernameSchema = z
	.string()
	.regex(/^[A-Za-z0-9_.-]{3,32}$/, '3–32 characters: letters, digits, _ . -');
export const passwordSchema = z
	.string()
	.min(8, 'At least 8 characters')
	.max(256, 'At most 256 characters');
export const credentialsSchema = z.object({ username: usernameSchema, password: passwordSchema });
export type Credentials = z.infer<typeof credentialsSchema>;

const FIFTEEN_MINUTES = 15 * 60 * 1000;
const HOUR = 60 * 60 * 1000;

export interface LoginResult {
	user: SessionUser;
	token: string;
	expiresAt: number;
}

/** Listeners that must learn when sessions end (the gateway closes their sockets with 4001). */
export type SessionEndListener = (event: { sessionId?: string; userId?: number }) => void;

export class AuthService {
	readonly sessions: SessionStore;
	private readonly loginFailures: WindowCounter;
	private readonly addressFailures: WindowCounter;
	private readonly registrations: WindowCounter;
	private readonly sessionEndListeners = new Set<SessionEndListener>();

	constructor(
		private readonly db: Db,
		private readonly config: Config
	) {
		this.sessions = new SessionStore(db, config.sessionDays);
		this.loginFailures = new WindowCounter(config.loginMaxFailures, FIFTEEN_MINUTES);
		// An address trying many usernames is stopped too, with more slack for shared NATs.
		this.addressFailures = new WindowCounter(config.loginMaxFailures * 4, FIFTEEN_MINUTES);
		this.registrations = new WindowCounter(config.registerPerHour || Infinity, HOUR);
	}

	onSessionEnd(listener: SessionEndListener): () => void {
		this.sessionEndListeners.add(listener);
		return () => this.sessionEndListeners.delete(listener);
	}

	/** Validates input shape; the field that failed is named so forms can show it in place. */
	parseCredentials(input: unknown): Credentials {
		const parsed = credentialsSchema.safeParse(input);
		if (!parsed.success) {
			const issue = parsed.error.issues[0];
			const field = String(issue.path[0] ?? 'username');
			const message =
				issue.code === 'invalid_type'
					? `${capitalize(field)} is required`
					: `${capitalize(field)}: ${issue.message}`;
			throw new ServiceError('invalid_input', message, 400, { field });
		}
		return parsed.data;
	}

	userCount(): number {
		return this.db.select({ n: count() }).from(users).get()?.n ?? 0;
	}

	/** Self-registration. The first account on an empty database becomes the admin. */
	async register(input: unknown, address: string): Promise<LoginResult> {
		const creds = this.parseCredentials(input);
		const isFirst = this.userCount() === 0;
		if (!isFirst && this.config.registration === 'closed') {
			throw new ServiceError(
				'registration_closed',
				'Registration is closed; ask an admin for an account',
				403
			);
		}
		const wait = this.registrations.retryAfterMs(address);
		if (wait > 0) throw throttled(wait, 'Too many new accounts from this address; try again later');
		const user = await this.createUser(creds, isFirst ? 'admin' : 'user');
		this.registrations.hit(address);
		return this.startSession(user);
	}

	/** Creates an account (self-registration or by an admin). */
	async createUser(input: unknown, role: 'user' | 'admin' = 'user'): Promise<SessionUser> {
		const creds = this.parseCredentials(input);
		if (this.findByUsername(creds.username)) throw taken();
		const passwordHash = await hashPassword(creds.password);
		try {
			const row = this.db
				.insert(users)
				.values({ username: creds.username, name: creds.username.slice(0, 20), passwordHash, role })
				.returning()
				.get();
			return toSessionUser(row);
		} catch (err) {
			// Two registrations raced past the check above; the unique index decides.
			if (String(err).includes('UNIQUE')) throw taken();
			throw err;
		}
	}

	async login(input: unknown, address: string): Promise<LoginResult> {
		return this.startSession(await this.authenticate(input, address));
	}

	/** Checks credentials with throttling and the ban, without starting a session (the `auth` message). */
	async authenticate(input: unknown, address: string): Promise<SessionUser> {
		const raw = z.object({ username: z.string(), password: z.string() }).safeParse(input);
		if (!raw.success)
			throw new ServiceError('invalid_input', 'Username and password are required', 400, {
				field: 'username'
			});
		const { username, password } = raw.data;
		const pairKey = `${username.toLowerCase()}|${address}`;
		const wait = Math.max(
			this.loginFailures.retryAfterMs(pairKey),
			this.addressFailures.retryAfterMs(address)
		);
		if (wait > 0) throw throttled(wait, 'Too many failed logins; try again later');

		const row =
			username.length <= 32 && password.length <= 256 ? this.findByUsername(username) : undefined;
		const ok = row
			? await verifyPassword(row.passwordHash, password)
			: (await verifyPassword(await dummyPasswordHash(), password), false);
		if (!row || !ok) {
			this.loginFailures.hit(pairKey);
			this.addressFailures.hit(address);
			throw new ServiceError('wrong_credentials', 'Wrong username or password', 401, {
				field: 'password'
			});
		}
		if (row.bannedAt) {
			throw new ServiceError(
				'banned',
				`This account is banned${row.banReason ? `: ${row.banReason}` : ''}`,
				403,
				{ params: { reason: row.banReason ?? '' } }
			);
		}
		this.loginFailures.reset(pairKey);
		return toSessionUser(row);
	}

	logout(sessionId: string): void {
		this.sessions.invalidate(sessionId);
		for (const listener of this.sessionEndListeners) listener({ sessionId });
	}

	/** Ends every session of a user (ban); their sockets are closed by the listeners. */
	endAllSessions(userId: number): void {
		this.sessions.invalidateAllForUser(userId);
		for (const listener of this.sessionEndListeners) listener({ userId });
	}

	findByUsername(username: string) {
		return this.db
			.select()
			.from(users)
			.where(sql`${users.username} = ${username} COLLATE NOCASE`)
			.get();
	}

	getUser(id: number): SessionUser | undefined {
		const row = this.db.select().from(users).where(eq(users.id, id)).get();
		return row ? toSessionUser(row) : undefined;
	}

	private startSession(user: SessionUser): LoginResult {
		const token = generateSessionToken();
		const session = this.sessions.create(token, user.id);
		return { user, token, expiresAt: session.expiresAt };
	}
}

function capitalize(s: string) {
	return s.charAt(0).toUpperCase() + s.slice(1);
}

function taken() {
	return new ServiceError('taken', 'That username is taken', 409, { field: 'username' });
}

function throttled(waitMs: number, message: string) {
	return new ServiceError('throttled', message, 429, {
		retryAfterSeconds: Math.ceil(waitMs / 1000)
	});
}
