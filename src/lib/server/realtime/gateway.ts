import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { systemEvent } from '$lib/protocol/events';
import type { App } from '../app';
import { readCookie, SESSION_COOKIE, type SessionUser } from '../auth/sessions';
import { GuestIds } from '../chat/guest-ids';
import { ServiceError } from '../errors';
import { AddressLimits } from './address-limits';
import { CloseCode, Connection, type Identity } from './connection';
import { dispatchFrame, frameBytes, refuseFrame } from './frames';
import { clientAddress } from './address';
import { isTrustedOrigin } from './origin';
import { runConnectionSequence } from './welcome';

export { GUEST_ID_BASE } from '../chat/guest-ids';

const WS_PATHS = new Set(['/ws', '/']);
/**
 * Bytes held per connection while its `auth` is checked (argon2 takes tens of ms): enough
 * for a tool's first few messages, and at least one frame of the largest size allowed.
 */
const MAX_HELD_BYTES = 64 * 1024;

/**
 * The WebSocket side of the one HTTP server: decides on each upgrade (path, capacity,
 * per-address caps, Origin, session, ban) before upgrading, then hands frames to frames.ts.
 */
export class Gateway {
	private readonly wss: WebSocketServer;
	private readonly heartbeat: NodeJS.Timeout;
	private readonly guestIds: GuestIds;
	private readonly limits: AddressLimits;
	private readonly maxHeldBytes: number;
	private guestCounter = 0;
	private closing = false;
	/** Connections whose `auth` is being checked, with the frames that arrived meanwhile. */
	private readonly authPending = new WeakMap<
		Connection,
		{ frames: [RawData, boolean][]; bytes: number }
	>();
	private onAllClosed: (() => void) | null = null;

	constructor(private readonly app: App) {
		this.wss = new WebSocketServer({
			noServer: true,
			maxPayload: app.config.maxFrameBytes,
			perMessageDeflate: false,
			clientTracking: false
		});
		this.guestIds = new GuestIds(app.sqlite);
		this.limits = new AddressLimits(app.config);
		this.maxHeldBytes = Math.max(MAX_HELD_BYTES, app.config.maxFrameBytes);
		this.heartbeat = setInterval(() => this.beat(), app.config.heartbeatMs);
		this.heartbeat.unref();
		app.auth.onSessionEnd(({ sessionId, userId }) => {
			for (const conn of app.hub.connections) {
				const who = conn.identity;
				if (
					who &&
					((sessionId && who.sessionId === sessionId) ||
						(userId && who.id === userId && !who.isGuest))
				) {
					conn.close(CloseCode.sessionEnded, 'Session ended');
				}
			}
		});
	}

	/** Entry point for the HTTP server's `upgrade` event. */
	handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
		socket.on('error', () => socket.destroy());
		const path = new URL(req.url ?? '/', 'http://localhost').pathname;
		if (!WS_PATHS.has(path)) return refuse(socket, 404, 'Not Found');
		if (this.closing) {
			this.app.metrics.refused('shutting_down');
			return refuse(socket, 503, 'Shutting down');
		}
		if (this.app.hub.connectionCount >= this.app.config.maxConnections) {
			this.app.metrics.refused('server_full');
			return refuse(socket, 503, 'Server full');
		}
		const address = clientAddress(req, this.app.config.proxy);
		let identity: Identity | null = null;
		if (this.isTrustedOrigin(req)) {
			const found = this.app.auth.sessions.validate(
				readCookie(req.headers.cookie, SESSION_COOKIE) ?? ''
			);
			if (found) {
				if (found.user.bannedAt) {
					this.app.metrics.refused('banned');
					return refuse(socket, 403, 'Banned');
				}
				identity = accountIdentity(found.user, found.session.id);
			}
		}
		// Per-address caps, before any guest id is spent: an account's socket counts towards
		// the connection cap only, so anonymous sockets from its address never lock it out.
		const refusal = this.limits.refusal(address, !identity);
		if (refusal) {
			this.app.metrics.refused(refusal);
			return refuse(socket, 503, 'Too many connections from this address');
		}
		if (!identity && this.app.config.guests) identity = this.newGuest(address);
		this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, address, identity));
	}

	/** See origin.ts: the Origin must be the app's own (scheme and host) or allowed. */
	private isTrustedOrigin(req: IncomingMessage): boolean {
		return isTrustedOrigin(req, this.app.config);
	}

	private newGuest(address: string): Identity {
		const id = this.guestIds.take();
		const name = `User${++this.guestCounter}`;
		return { id, name, username: null, isAdmin: false, isGuest: true, sessionId: null, address };
	}

	private accept(ws: WebSocket, address: string, identity: Identity | null): void {
		// Upgrades finish asynchronously, so several can pass the capacity checks at once.
		const anonymous = !identity || identity.isGuest;
		if (this.app.hub.connectionCount >= this.app.config.maxConnections) {
			this.app.metrics.refused('server_full');
			ws.close(CloseCode.full, 'Server full');
			return;
		}
		const refusal = this.limits.refusal(address, anonymous);
		if (refusal) {
			this.app.metrics.refused(refusal);
			ws.close(CloseCode.full, 'Too many connections from this address');
			return;
		}
		const { app } = this;
		const conn = new Connection(ws, address, app.config.maxBufferedBytes, app.metrics, {
			perSecond: app.config.frameBudgetPerSec,
			burst: app.config.frameBudgetBurst
		});
		conn.anonymous = anonymous;
		this.limits.opened(address, anonymous);
		app.hub.add(conn);
		app.log.debug({ conn: conn.id, address: conn.remoteAddress }, 'connection opened');
		ws.on('pong', () => (conn.alive = true));
		ws.on('message', (data, isBinary) => this.onFrame(conn, data, isBinary));
		ws.on('close', (code) => this.onClose(conn, code));
		ws.on('error', (err) => {
			// ws closes the socket itself: 1009 for an oversized frame, 1007 for invalid UTF-8, 1002…
			const code = (err as Error & { code?: string }).code;
			app.metrics.disconnected(WS_ERRORS[code ?? ''] ?? 'protocol_error');
			app.log.info({ conn: conn.id, err: err.message }, 'connection closed on a protocol error');
		});
		if (identity) {
			this.admit(conn, identity);
		} else {
			conn.authTimer = setTimeout(() => {
				app.metrics.disconnected('auth_timeout');
				conn.close(CloseCode.policy, 'Authentication required');
			}, app.config.authTimeoutMs);
		}
	}

	/** Identifies a connection and runs the connection sequence of PROTOCOL.md §4. */
	admit(conn: Connection, identity: Identity): void {
		if (conn.authTimer) clearTimeout(conn.authTimer);
		conn.authTimer = null;
		if (conn.anonymous && !identity.isGuest) {
			this.limits.identified(conn.remoteAddress);
			conn.anonymous = false;
		}
		runConnectionSequence(this.app, conn, identity);
	}

	private onFrame(conn: Connection, data: RawData, isBinary: boolean): void {
		// Shutting down: the socket is closing and the database is about to close.
		if (this.closing) return;
		// A connection out of budget is refused before its frame is even parsed.
		const bytes = frameBytes(data);
		const verdict = conn.budget.precheck(bytes);
		if (!verdict.ok) return refuseFrame(this.app, conn, verdict);
		// Frames sent right behind `auth` are meant for the account: hold them until it answers,
		// up to a fixed number of bytes (the frames are only charged when they are handled).
		const held = this.authPending.get(conn);
		if (held) {
			if (held.bytes + bytes > this.maxHeldBytes) {
				this.app.metrics.disconnected('auth_backlog');
				conn.close(CloseCode.policy, 'Too much data while logging in');
				this.authPending.set(conn, { frames: [], bytes: 0 });
				return;
			}
			held.frames.push([data, isBinary]);
			held.bytes += bytes;
			return;
		}
		const receivedAt = performance.now();
		try {
			dispatchFrame(
				this.app,
				conn,
				data,
				isBinary,
				receivedAt,
				(c, creds) => void this.authenticate(c, creds)
			);
		} finally {
			// The client's first frame ends the resume window (a `resume` ends it itself).
			conn.release();
		}
	}

	/** The `auth` message for command-line tools (PROTOCOL.md §2). */
	private async authenticate(
		conn: Connection,
		creds: { username: string; password: string }
	): Promise<void> {
		if (conn.identity && !conn.identity.isGuest)
			return conn.error('invalid_message', 'Already authenticated');
		// Each check holds a socket's frames and a password hash's worth of work: an address
		// may have only a few in progress. The socket stays; it may try again.
		if (!this.limits.beginAuth(conn.remoteAddress))
			return conn.error('rate_limited', 'Too many logins in progress from this address', {
				retry_after: 1
			});
		this.authPending.set(conn, { frames: [], bytes: 0 });
		let ok = false;
		try {
			const user = await this.app.auth.authenticate(creds, conn.remoteAddress);
			if (!conn.isOpen) return;
			// A guest that logs in leaves as the guest and comes back as the account.
			if (conn.identity) this.depart(conn, this.app.hub.detach(conn));
			conn.sendEvent(
				systemEvent('auth_success', {
					user_id: user.id,
					user_name: user.name,
					username: user.username,
					is_admin: user.isAdmin
				})
			);
			this.admit(conn, accountIdentity(user, null));
			ok = true;
		} catch (err) {
			const known = err instanceof ServiceError;
			if (!known) this.app.log.error({ err }, 'auth failed unexpectedly');
			const reason = known ? err.message : 'Authentication failed';
			const retryAfter = known ? err.details.retryAfterSeconds : undefined;
			this.app.log.info(
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
			this.app.metrics.disconnected('auth_failed');
			conn.close(CloseCode.policy, 'Authentication failed');
		} finally {
			this.limits.endAuth(conn.remoteAddress);
			const held = this.authPending.get(conn)?.frames ?? [];
			this.authPending.delete(conn);
			if (ok) for (const [data, isBinary] of held) this.onFrame(conn, data, isBinary);
		}
	}

	private onClose(conn: Connection, code: number): void {
		if (conn.authTimer) clearTimeout(conn.authTimer);
		this.limits.closed(conn.remoteAddress, conn.anonymous);
		const wasLast = this.app.hub.remove(conn);
		this.app.log.debug({ conn: conn.id, user: conn.identity?.id, code }, 'connection closed');
		if (this.app.hub.connectionCount === 0) this.onAllClosed?.();
		this.depart(conn, wasLast);
	}

	/** After a socket stopped being its identity's: forget a guest, tell everyone when it was the last. */
	private depart(conn: Connection, wasLast: boolean): void {
		const who = conn.identity;
		if (!who || !wasLast) return;
		if (who.isGuest) this.app.chat.forgetGuest(who.id);
		const leave = systemEvent('leave', {
			user_id: who.id,
			user_name: who.name,
			users_online: this.app.hub.usersOnline
		});
		this.app.hub.toAll(JSON.stringify(leave));
	}

	/** Pings every socket; one that did not answer the previous ping is terminated. */
	private beat(): void {
		for (const conn of this.app.hub.connections) {
			if (!conn.alive) {
				this.app.metrics.disconnected('heartbeat');
				this.app.log.debug({ conn: conn.id }, 'no pong: connection terminated');
				conn.ws.terminate();
				continue;
			}
			conn.alive = false;
			conn.ws.ping();
			const sessionId = conn.identity?.sessionId;
			if (sessionId && !this.app.auth.sessions.exists(sessionId)) {
				conn.close(CloseCode.sessionEnded, 'Session ended');
			}
		}
	}

	/**
	 * Stops accepting sockets and closes every open one with `code` (1001 on shutdown).
	 * Resolves when all have closed; a peer that does not answer the close handshake is
	 * terminated after Connection.close's grace period.
	 */
	closeAll(code: number, reason: string): Promise<void> {
		this.closing = true;
		clearInterval(this.heartbeat);
		if (this.app.hub.connectionCount === 0) return Promise.resolve();
		const closed = new Promise<void>((resolve) => (this.onAllClosed = resolve));
		for (const conn of this.app.hub.connections) conn.close(code, reason);
		return closed;
	}

	/** Closes every connection of a user (kick, ban) after sending them `event`. */
	disconnectUser(userId: number, event: object, code: number, reason: string): void {
		const data = JSON.stringify(event);
		for (const conn of [...this.app.hub.connectionsOf(userId)]) {
			conn.send(data);
			conn.close(code, reason);
		}
	}
}

/** ws error codes → the reason counted in chat_disconnects_total. */
const WS_ERRORS: Record<string, string> = {
	WS_ERR_UNSUPPORTED_MESSAGE_LENGTH: 'too_large',
	WS_ERR_INVALID_UTF8: 'invalid_utf8'
};

function accountIdentity(user: SessionUser, sessionId: string | null): Identity {
	return {
		id: user.id,
		name: user.name,
		username: user.username,
		isAdmin: user.isAdmin,
		isGuest: false,
		sessionId
	};
}

function refuse(socket: Duplex, status: number, text: string): void {
	socket.end(
		`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${text.length}\r\n\r\n${text}`
	);
}
