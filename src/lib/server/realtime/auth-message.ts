import type { RawData } from 'ws';
import { systemEvent } from '$lib/protocol/events';
import type { AuthService } from '../auth/service';
import { ServiceError } from '../errors';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import type { AddressLimits } from './address-limits';
import { CloseCode, type Connection, type Identity } from './connection';
import { accountIdentity } from './upgrade-policy';

/**
 * Bytes held per connection while its `auth` is checked (argon2 takes tens of ms): enough
 * for a tool's first few messages, and at least one frame of the largest size allowed.
 */
const MAX_HELD_BYTES = 64 * 1024;

export interface AuthMessageDeps {
	auth: Pick<AuthService, 'authenticate'>;
	limits: Pick<AddressLimits, 'beginAuth' | 'endAuth'>;
	metrics: Pick<Metrics, 'disconnected'>;
	log: Pick<Logger, 'info' | 'error'>;
	maxFrameBytes: number;
	/** A guest that logs in stops being the guest first (its `leave` goes out). */
	forgetIdentity(conn: Connection): void;
	/** Identifies the connection and runs the connection sequence. */
	admit(conn: Connection, identity: Identity): Promise<void>;
	/** Handles a frame that was held while the login was checked. */
	replay(conn: Connection, data: RawData, isBinary: boolean): void;
}

/**
 * The `auth` message for command-line tools (PROTOCOL.md §2), and the frames that arrive
 * right behind it: they are meant for the account, so they are held (up to a fixed number
 * of bytes) until the password check answers, then handled in order.
 */
export class AuthMessages {
	/** Connections whose `auth` is being checked, with the frames that arrived meanwhile. */
	private readonly pending = new WeakMap<
		Connection,
		{ frames: [RawData, boolean][]; bytes: number }
	>();
	private readonly maxHeldBytes: number;

	constructor(private readonly deps: AuthMessageDeps) {
		this.maxHeldBytes = Math.max(MAX_HELD_BYTES, deps.maxFrameBytes);
	}

	/**
	 * True when the frame was taken: held behind a pending `auth`, or refused because too
	 * much arrived meanwhile (the socket is then closed with 1008).
	 */
	hold(conn: Connection, data: RawData, isBinary: boolean, bytes: number): boolean {
		const held = this.pending.get(conn);
		if (!held) return false;
		if (held.bytes + bytes > this.maxHeldBytes) {
			this.deps.metrics.disconnected('auth_backlog');
			conn.close(CloseCode.policy, 'Too much data while logging in');
			this.pending.set(conn, { frames: [], bytes: 0 });
			return true;
		}
		held.frames.push([data, isBinary]);
		held.bytes += bytes;
		return true;
	}

	async authenticate(
		conn: Connection,
		creds: { username: string; password: string }
	): Promise<void> {
		const { deps } = this;
		if (conn.identity && !conn.identity.isGuest)
			return conn.error('invalid_message', 'Already authenticated');
		// Each check holds a socket's frames and a password hash's worth of work: an address
		// may have only a few in progress. The socket stays; it may try again.
		if (!deps.limits.beginAuth(conn.remoteAddress))
			return conn.error('rate_limited', 'Too many logins in progress from this address', {
				retry_after: 1
			});
		this.pending.set(conn, { frames: [], bytes: 0 });
		let ok = false;
		try {
			const user = await deps.auth.authenticate(creds, conn.remoteAddress);
			if (!conn.isOpen) return;
			// A guest that logs in leaves as the guest and comes back as the account.
			if (conn.identity) deps.forgetIdentity(conn);
			conn.sendEvent(
				systemEvent('auth_success', {
					user_id: user.id,
					user_name: user.name,
					username: user.username,
					is_admin: user.isAdmin
				})
			);
			await deps.admit(conn, accountIdentity(user, null));
			ok = true;
		} catch (err) {
			const known = err instanceof ServiceError;
			if (!known) deps.log.error({ err }, 'auth failed unexpectedly');
			const reason = known ? err.message : 'Authentication failed';
			const retryAfter = known ? err.details.retryAfterSeconds : undefined;
			deps.log.info(
				{ conn: conn.id, address: conn.remoteAddress, code: known ? err.code : 'internal' },
				'auth refused'
			);
			conn.sendEvent(
				systemEvent('auth_failed', {
					reason,
					message: reason,
					code: known ? err.code : 'internal',
					...(retryAfter !== undefined && { retry_after: retryAfter })
				})
			);
			deps.metrics.disconnected('auth_failed');
			conn.close(CloseCode.policy, 'Authentication failed');
		} finally {
			deps.limits.endAuth(conn.remoteAddress);
			const held = this.pending.get(conn)?.frames ?? [];
			this.pending.delete(conn);
			if (ok) for (const [data, isBinary] of held) deps.replay(conn, data, isBinary);
		}
	}
}
