import { z } from 'zod';
import type { Config } from '../config';
import { ServiceError } from '../errors';
import { skeleton } from '../identity/skeleton';
import type { SessionDevice, SessionsRepository } from '../storage/sessions';
import type { InsertPolicy, UserRecord, UsersRepository } from '../storage/users';
import { dummyPasswordHash, hashPassword, verifyPassword } from './passwords';
import { generateSessionToken, SessionStore, toSessionUser, type SessionUser } from './sessions';
import { LocalAttempts, type AttemptWindow } from '../shared/attempts';
import { QueueFullError, WorkQueue } from './work-queue';

export type { InsertPolicy };

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

/** Makes the attempt window named `name` (login failures, registrations…). */
export type AttemptWindows = (name: string, limit: number, windowMs: number) => AttemptWindow;

/** Listeners that must learn when sessions end (the gateway closes their sockets with 4001). */
export type SessionEndListener = (event: { sessionId?: string; userId?: number }) => void;

export class AuthService {
	readonly sessions: SessionStore;
	private readonly loginFailures: AttemptWindow;
	private readonly addressFailures: AttemptWindow;
	private readonly registrations: AttemptWindow;
	/** Every argon2 hash and verification waits here (ARGON2_CONCURRENCY, ARGON2_MAX_QUEUE). */
	private readonly argon2Queue: WorkQueue;
	private readonly sessionEndListeners = new Set<SessionEndListener>();

	constructor(
		private readonly users: UsersRepository,
		sessions: SessionsRepository,
		private readonly config: Config,
		/** Where the throttles count: this process's memory, or Redis shared by every process. */
		attempts: AttemptWindows = (_name, limit, windowMs) => new LocalAttempts(limit, windowMs)
	) {
		this.sessions = new SessionStore(sessions, config.sessionDays);
		this.loginFailures = attempts('login', config.loginMaxFailures, FIFTEEN_MINUTES);
		// An address trying many usernames is stopped too, with more slack for shared NATs.
		this.addressFailures = attempts('login-address', config.loginMaxFailures * 4, FIFTEEN_MINUTES);
		this.registrations = attempts('register', config.registerPerHour || Infinity, HOUR);
		this.argon2Queue = new WorkQueue(config.argon2Concurrency, config.argon2MaxQueue);
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

	userCount(): Promise<number> {
		return this.users.count();
	}

	/**
	 * Self-registration. The first account on an empty database becomes the admin (decided
	 * atomically at insert). Every attempt from an address counts toward REGISTER_PER_HOUR,
	 * "taken" included, or the 409 would answer "does this username exist?" without limit.
	 * The attempt is counted before the argon2 work, so concurrent requests cannot all pass.
	 */
	async register(input: unknown, address: string, userAgent = ''): Promise<LoginResult> {
		const creds = this.parseCredentials(input);
		const closed = this.config.registration === 'closed';
		if (closed && (await this.userCount()) > 0) throw registrationClosed();
		const refund = await this.registrations.reserve(address);
		if (!refund) {
			const wait = await this.registrations.retryAfterMs(address);
			throw throttled(wait, 'Too many new accounts from this address; try again later');
		}
		try {
			const user = await this.createUser(creds, closed ? 'first-only' : 'open');
			return await this.startSession(user, { userAgent, address });
		} catch (err) {
			// Given back only when the attempt was never made (server busy, or a fault of ours).
			if (!(err instanceof ServiceError) || err.code === 'rate_limited') await refund();
			throw err;
		}
	}

	/**
	 * Creates an account: by an admin (`user`), or self-registration (see InsertPolicy).
	 * A username that is a look-alike of an account's username or display name ("a1ice"
	 * next to "alice") is taken too: a new account starts with its username as its name, so
	 * it would otherwise pass for someone else from its first message (issue 10, item 7).
	 */
	async createUser(input: unknown, policy: InsertPolicy = 'user'): Promise<SessionUser> {
		const creds = this.parseCredentials(input);
		const usernameSkeleton = skeleton(creds.username);
		if (
			(await this.findByUsername(creds.username)) ||
			(await this.users.skeletonTaken(usernameSkeleton))
		)
			throw taken();
		const passwordHash = await this.argon2(() => hashPassword(creds.password));
		const name = creds.username.slice(0, 20);
		const row = await this.users.insert(
			{
				username: creds.username,
				name,
				passwordHash,
				usernameSkeleton,
				nameSkeleton: skeleton(name)
			},
			policy
		);
		// `taken`: two registrations raced past the check above and the unique index decided;
		// `not_first`: another registration took the empty database.
		if (!row.ok) throw row.reason === 'taken' ? taken() : registrationClosed();
		return {
			id: row.id,
			username: creds.username,
			name,
			isAdmin: row.role === 'admin',
			bannedAt: null,
			mustChangePassword: false
		};
	}

	/**
	 * Logs in. An account whose password an admin reset answers `password_change_required`
	 * until the body carries `new_password` too: then that becomes the password and the
	 * session starts (docs/protocol.md, "Account security").
	 */
	async login(input: unknown, address: string, userAgent = ''): Promise<LoginResult> {
		const user = await this.checkCredentials(input, address);
		if (user.mustChangePassword) {
			const body = input as { password: string; new_password?: unknown };
			if (body.new_password === undefined) throw passwordChangeRequired();
			const next = this.parseNewPassword(body.new_password, 'new_password');
			if (next === body.password)
				throw new ServiceError('invalid_input', 'Choose a password of your own', 400, {
					field: 'new_password'
				});
			await this.setPassword(user.id, next, false);
			user.mustChangePassword = false;
		}
		return this.startSession(user, { userAgent, address });
	}

	/** Checks credentials without starting a session (the `auth` message). */
	async authenticate(input: unknown, address: string): Promise<SessionUser> {
		const user = await this.checkCredentials(input, address);
		if (user.mustChangePassword) throw passwordChangeRequired();
		return user;
	}

	/** A new password, validated like registration's; the failing field is named. */
	parseNewPassword(input: unknown, field: string): string {
		const parsed = passwordSchema.safeParse(input);
		if (parsed.success) return parsed.data;
		const issue = parsed.error.issues[0];
		const message =
			issue.code === 'invalid_type' ? 'Password is required' : `Password: ${issue.message}`;
		throw new ServiceError('invalid_input', message, 400, { field });
	}

	/** Hashes and stores a password; `mustChange` marks it temporary (an admin's reset). */
	async setPassword(userId: number, password: string, mustChange: boolean): Promise<void> {
		const hash = await this.argon2(() => hashPassword(password));
		await this.users.setPassword(userId, hash, mustChange);
	}

	/**
	 * Checks credentials with throttling and the ban (a wrong password counts towards
	 * LOGIN_MAX_FAILURES for the username and the address, whatever asked: login, the
	 * `auth` message, a password change).
	 */
	async checkCredentials(input: unknown, address: string): Promise<SessionUser> {
		const raw = z.object({ username: z.string(), password: z.string() }).safeParse(input);
		if (!raw.success)
			throw new ServiceError('invalid_input', 'Username and password are required', 400, {
				field: 'username'
			});
		const { username, password } = raw.data;
		const pairKey = `${username.toLowerCase()}|${address}`;
		// Reserve the failure before the argon2 await (see WindowCounter.reserve); a right
		// password gives it back. Both counters or neither.
		const refundPair = await this.loginFailures.reserve(pairKey);
		const refundAddress = refundPair && (await this.addressFailures.reserve(address));
		if (!refundPair || !refundAddress) {
			await refundPair?.();
			const wait = Math.max(
				await this.loginFailures.retryAfterMs(pairKey),
				await this.addressFailures.retryAfterMs(address)
			);
			throw throttled(wait, 'Too many failed logins; try again later');
		}

		let row: UserRecord | undefined;
		let ok: boolean;
		try {
			row =
				username.length <= 32 && password.length <= 256
					? await this.findByUsername(username)
					: undefined;
			const hash = row?.passwordHash;
			// Unknown usernames cost a verification too, so timing does not reveal them.
			ok = await this.argon2(async () =>
				hash
					? verifyPassword(hash, password)
					: (await verifyPassword(await dummyPasswordHash(), password), false)
			);
		} catch (err) {
			// Not checked at all (server busy): the attempt does not count.
			await Promise.all([refundPair(), refundAddress()]);
			throw err;
		}
		if (!row || !ok) {
			throw new ServiceError('wrong_credentials', 'Wrong username or password', 401, {
				field: 'password'
			});
		}
		await refundAddress();
		if (row.bannedAt) {
			await refundPair();
			throw new ServiceError(
				'banned',
				`This account is banned${row.banReason ? `: ${row.banReason}` : ''}`,
				403,
				{ params: { reason: row.banReason ?? '' } }
			);
		}
		await this.loginFailures.reset(pairKey);
		return toSessionUser(row);
	}

	/**
	 * Runs argon2 work through the bounded queue; when the line is full the request is
	 * refused at once (429 `rate_limited`, retry in a second) instead of adding to the load.
	 */
	private async argon2<T>(job: () => Promise<T>): Promise<T> {
		try {
			return await this.argon2Queue.run(job);
		} catch (err) {
			if (err instanceof QueueFullError)
				throw new ServiceError(
					'rate_limited',
					'The server is busy checking passwords; try again in a moment',
					429,
					{ retryAfterSeconds: 1 }
				);
			throw err;
		}
	}

	async logout(sessionId: string): Promise<void> {
		await this.sessions.invalidate(sessionId);
		this.sessionsEnded({ sessionId });
	}

	/** Tells the listeners that sessions ended (their sockets close with 4001). */
	sessionsEnded(event: { sessionId?: string; userId?: number }): void {
		for (const listener of this.sessionEndListeners) listener(event);
	}

	/** Ends every session of a user (ban); their sockets are closed by the listeners. */
	async endAllSessions(userId: number): Promise<void> {
		await this.sessions.invalidateAllForUser(userId);
		for (const listener of this.sessionEndListeners) listener({ userId });
	}

	/** The account with this username, ignoring case. */
	findByUsername(username: string): Promise<UserRecord | undefined> {
		return this.users.byUsername(username);
	}

	async getUser(id: number): Promise<SessionUser | undefined> {
		const row = await this.users.byId(id);
		return row ? toSessionUser(row) : undefined;
	}

	private async startSession(user: SessionUser, device: SessionDevice): Promise<LoginResult> {
		const token = generateSessionToken();
		const session = await this.sessions.create(token, user.id, device);
		return { user, token, expiresAt: session.expiresAt };
	}
}

function capitalize(s: string) {
	return s.charAt(0).toUpperCase() + s.slice(1);
}

function taken() {
	return new ServiceError('taken', 'That username is taken', 409, { field: 'username' });
}

function registrationClosed() {
	return new ServiceError(
		'registration_closed',
		'Registration is closed; ask an admin for an account',
		403
	);
}

function passwordChangeRequired() {
	return new ServiceError(
		'password_change_required',
		'An admin reset this password: choose a new one to continue',
		403,
		{ field: 'new_password' }
	);
}

function throttled(waitMs: number, message: string) {
	return new ServiceError('throttled', message, 429, {
		retryAfterSeconds: Math.ceil(waitMs / 1000)
	});
}
