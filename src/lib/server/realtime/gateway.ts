import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { clientMessageSchemas, isClientMessageType } from '$lib/protocol/client';
import { systemEvent } from '$lib/protocol/events';
import type { App } from '../app';
import { readCookie, SESSION_COOKIE, type SessionUser } from '../auth/sessions';
import { DEFAULT_ROOM } from '../chat/rooms';
import { ServiceError } from '../errors';
import { CloseCode, Connection, type Identity } from './connection';
import { handlers } from './handlers';
import { roomHistoryEvent } from './history';
import { clientAddress } from './address';
import { isTrustedOrigin } from './origin';

const WS_PATHS = new Set(['/ws', '/']);
/** Frames held per connection while its `auth` is checked (argon2 takes tens of ms). */
const MAX_HELD_FRAMES = 64;
const INVALID_NAME = 'Invalid name (1-20 characters required)';
/**
 * How long live events are held back after the connection sequence while the client may
 * still send `resume` (see Connection.hold): long enough for a reconnecting client's first
 * frame, short enough that a client that never resumes barely notices.
 */
const RESUME_WINDOW_MS = 150;
/** Guest ids start here and never collide with account ids. */
export const GUEST_ID_BASE = 1_000_000_000;

/**
 * The WebSocket side of the one HTTP server: decides on each upgrade (path, capacity,
 * Origin, session, ban) before upgrading, then parses, validates and dispatches frames.
 */
export class Gateway {
	private readonly wss: WebSocketServer;
	private readonly heartbeat: NodeJS.Timeout;
	private nextGuestId: number;
	private guestCounter = 0;
	private closing = false;
	/** Connections whose `auth` is being checked, with the frames that arrived meanwhile. */
	private readonly authPending = new WeakMap<Connection, [RawData, boolean][]>();
	private onAllClosed: (() => void) | null = null;

	constructor(private readonly app: App) {
		this.wss = new WebSocketServer({
			noServer: true,
			maxPayload: app.config.maxFrameBytes,
			perMessageDeflate: false,
			clientTracking: false
		});
		const maxGuest = app.sqlite
			.prepare('SELECT COALESCE(MAX(sender_id), 0) FROM messages WHERE sender_id >= ?')
			.pluck()
			.get(GUEST_ID_BASE) as number;
		this.nextGuestId = Math.max(GUEST_ID_BASE, maxGuest + 1);
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
		if (!identity && this.app.config.guests) identity = this.newGuest();
		this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, req, identity));
	}

	/** See origin.ts: the Origin must be the app's own (scheme and host) or allowed. */
	private isTrustedOrigin(req: IncomingMessage): boolean {
		return isTrustedOrigin(req, this.app.config);
	}

	private newGuest(): Identity {
		const id = this.nextGuestId++;
		const name = `User${++this.guestCounter}`;
		return { id, name, username: null, isAdmin: false, isGuest: true, sessionId: null };
	}

	private accept(ws: WebSocket, req: IncomingMessage, identity: Identity | null): void {
		// Upgrades finish asynchronously, so several can pass the capacity check at once.
		if (this.app.hub.connectionCount >= this.app.config.maxConnections) {
			this.app.metrics.refused('server_full');
			ws.close(CloseCode.full, 'Server full');
			return;
		}
		const { app } = this;
		const conn = new Connection(
			ws,
			clientAddress(req, app.config.proxy),
			app.config.maxBufferedBytes,
			app.metrics
		);
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
		const { app } = this;
		if (conn.authTimer) clearTimeout(conn.authTimer);
		conn.authTimer = null;
		conn.identity = identity;
		const first = app.hub.attach(conn);
		const newcomer = app.chat.ensureDefaultMembership(identity);
		for (const room of app.chat.roomsOf(identity)) app.hub.subscribe(conn, room.name);
		// Everything committed after this point reaches the connection live; `resume` covers the rest.
		conn.subscribedUpTo = app.chat.store.lastCommittedId;
		app.log.debug({ conn: conn.id, user: identity.id }, 'connection admitted');

		conn.sendEvent(
			systemEvent('welcome', {
				user_id: identity.id,
				user_name: identity.name,
				message: `Welcome, ${identity.name}!`,
				is_admin: identity.isAdmin,
				is_guest: identity.isGuest,
				server_stats: {
					users_online: app.hub.usersOnline,
					uptime_seconds: app.uptimeSeconds(),
					server_time: Math.floor(Date.now() / 1000)
				},
				rooms: app.roomSummaries(identity)
			})
		);
		conn.sendEvent(systemEvent('users', app.hub.onlineUsers()));
		const general = app.chat.rooms.require(DEFAULT_ROOM);
		const page = app.chat.store.roomPage(general.id, undefined, 100);
		conn.sendEvent(roomHistoryEvent(app, identity.id, DEFAULT_ROOM, page));
		// A muted user learns it on every connection, so a reloaded page shows the countdown.
		const mute = identity.isGuest ? undefined : app.moderation.muteOf(identity.id);
		if (mute) conn.sendEvent(systemEvent('muted', { until: mute.until, reason: mute.reason }));
		if (first) {
			const join = {
				type: 'join',
				from_id: identity.id,
				from_name: identity.name,
				content: {
					user_id: identity.id,
					user_name: identity.name,
					users_online: app.hub.usersOnline
				},
				timestamp: Math.floor(Date.now() / 1000)
			};
			app.hub.toAll(JSON.stringify(join), identity.id);
		}
		conn.hold(RESUME_WINDOW_MS);
		// A new account is a new member of general: counts everywhere follow (after the welcome).
		if (newcomer) app.chat.announceNewcomer(identity);
	}

	private onFrame(conn: Connection, data: RawData, isBinary: boolean): void {
		// Shutting down: the socket is closing and the database is about to close.
		if (this.closing) return;
		// Frames sent right behind `auth` are meant for the account: hold them until it answers.
		const held = this.authPending.get(conn);
		if (held) {
			if (held.length < MAX_HELD_FRAMES) held.push([data, isBinary]);
			else conn.error('rate_limited', 'Too many messages while logging in');
			return;
		}
		const receivedAt = performance.now();
		try {
			this.dispatch(conn, data, isBinary, receivedAt);
		} finally {
			// The client's first frame ends the resume window (a `resume` ends it itself).
			conn.release();
		}
	}

	private dispatch(conn: Connection, data: RawData, isBinary: boolean, receivedAt: number): void {
		if (isBinary)
			return conn.error('invalid_message', 'Binary frames are not supported; send JSON text');
		let msg: unknown;
		try {
			msg = JSON.parse(data.toString());
		} catch {
			return conn.error('invalid_json', 'Invalid message format');
		}
		if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) {
			return conn.error('invalid_json', 'Invalid message format');
		}
		const type = (msg as { type?: unknown }).type;
		if (typeof type !== 'string') return conn.error('invalid_message', 'Missing message type');
		if (!isClientMessageType(type))
			return conn.error('unknown_type', `Unknown message type: ${type.slice(0, 64)}`);
		const parsed = clientMessageSchemas[type].safeParse(msg);
		if (!parsed.success) {
			// A set_name without a usable name is the "bad set_name" of PROTOCOL.md §8.
			if (type === 'set_name') return conn.error('invalid_name', INVALID_NAME);
			const issue = parsed.error.issues[0];
			const where = issue.path.length ? `${issue.path.join('.')}: ` : '';
			return conn.error('invalid_message', `Invalid ${type}: ${where}${issue.message}`);
		}
		if (type === 'ping') return conn.sendEvent(systemEvent('pong'));
		if (type === 'auth')
			return void this.authenticate(conn, parsed.data as { username: string; password: string });
		if (!conn.identity)
			return conn.error(
				'unauthorized',
				'Log in first: send {"type":"auth","username":…,"password":…}'
			);
		const handler = handlers[type] as
			((ctx: unknown, msg: unknown) => void | Promise<void>) | undefined;
		if (!handler) return conn.error('unknown_type', `Unknown message type: ${type}`);
		const ctx = { app: this.app, conn, who: conn.identity, receivedAt };
		try {
			const result = handler(ctx, parsed.data);
			if (result) result.catch((err) => this.fail(conn, type, err));
		} catch (err) {
			this.fail(conn, type, err);
		}
	}

	private fail(conn: Connection, type: string, err: unknown): void {
		if (err instanceof ServiceError) return conn.error(err.code, err.message, err.details.params);
		this.app.log.error({ conn: conn.id, type, err }, 'handler failed');
		conn.error('invalid_message', 'The server could not process that message');
	}

	/** The `auth` message for command-line tools (PROTOCOL.md §2). */
	private async authenticate(
		conn: Connection,
		creds: { username: string; password: string }
	): Promise<void> {
		if (conn.identity && !conn.identity.isGuest)
			return conn.error('invalid_message', 'Already authenticated');
		this.authPending.set(conn, []);
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
			const held = this.authPending.get(conn) ?? [];
			this.authPending.delete(conn);
			if (ok) for (const [data, isBinary] of held) this.onFrame(conn, data, isBinary);
		}
	}

	private onClose(conn: Connection, code: number): void {
		if (conn.authTimer) clearTimeout(conn.authTimer);
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
