import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { clientMessageSchemas, isClientMessageType } from '$lib/protocol/client';
import { systemEvent } from '$lib/protocol/events';
import type { App } from '../app';
import { readCookie, SESSION_COOKIE, type SessionUser } from '../auth/sessions';
import { toWire } from '../chat/messages';
import { DEFAULT_ROOM } from '../chat/rooms';
import { ServiceError } from '../errors';
import { CloseCode, Connection, type Identity } from './connection';
import { handlers } from './handlers';

const WS_PATHS = new Set(['/ws', '/']);
/**
 * How long live events are held back after the connection sequence while the client may
 * still send `resume` (see Connection.hold): long enough for a reconnecting client's first
 * frame, short enough that a client that never resumes barely notices.
 */
const RESUME_WINDOW_MS = 300;
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
		if (this.closing) return refuse(socket, 503, 'Shutting down');
		if (this.app.hub.connectionCount >= this.app.config.maxConnections) {
			this.app.metrics?.refused('server_full');
			return refuse(socket, 503, 'Server full');
		}
		let identity: Identity | null = null;
		if (this.isTrustedOrigin(req)) {
			const found = this.app.auth.sessions.validate(
				readCookie(req.headers.cookie, SESSION_COOKIE) ?? ''
			);
			if (found) {
				if (found.user.bannedAt) {
					this.app.metrics?.refused('banned');
					return refuse(socket, 403, 'Banned');
				}
				identity = accountIdentity(found.user, found.session.id);
			}
		}
		if (!identity && this.app.config.guests) identity = this.newGuest();
		this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, req, identity));
	}

	/**
	 * A session cookie counts only when the Origin is the app's own (or allowed): this
	 * blocks cross-site WebSocket hijacking. Clients that send no Origin are not browsers.
	 */
	private isTrustedOrigin(req: IncomingMessage): boolean {
		const origin = req.headers.origin;
		if (!origin) return true;
		if (this.app.config.allowedOrigins.includes(origin)) return true;
		if (this.app.config.origin) return origin === this.app.config.origin;
		try {
			return new URL(origin).host === req.headers.host;
		} catch {
			return false;
		}
	}

	private newGuest(): Identity {
		const id = this.nextGuestId++;
		const name = `User${++this.guestCounter}`;
		return { id, name, username: null, isAdmin: false, isGuest: true, sessionId: null };
	}

	private accept(ws: WebSocket, req: IncomingMessage, identity: Identity | null): void {
		const conn = new Connection(
			ws,
			req.socket.remoteAddress ?? '',
			this.app.config.maxBufferedBytes
		);
		this.app.hub.add(conn);
		this.app.metrics?.connectionOpened();
		ws.on('pong', () => (conn.alive = true));
		ws.on('message', (data, isBinary) => this.onFrame(conn, data, isBinary));
		ws.on('close', () => this.onClose(conn));
		ws.on('error', (err) => {
			this.app.log.debug({ conn: conn.id, err: err.message }, 'socket error');
		});
		if (identity) {
			this.admit(conn, identity);
		} else {
			conn.authTimer = setTimeout(
				() => conn.close(CloseCode.policy, 'Authentication required'),
				this.app.config.authTimeoutMs
			);
		}
	}

	/** Identifies a connection and runs the connection sequence of PROTOCOL.md §4. */
	admit(conn: Connection, identity: Identity): void {
		const { app } = this;
		if (conn.authTimer) clearTimeout(conn.authTimer);
		conn.authTimer = null;
		conn.identity = identity;
		const first = app.hub.attach(conn);
		if (!identity.isGuest) app.chat.rooms.ensureDefaultMembership(identity.id);
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
		conn.sendEvent(
			systemEvent('history', {
				room: DEFAULT_ROOM,
				messages: page.messages.map((m) => toWire(m, identity.id)),
				has_more: page.has_more
			})
		);
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
	}

	private onFrame(conn: Connection, data: RawData, isBinary: boolean): void {
		try {
			this.dispatch(conn, data, isBinary);
		} finally {
			// The client's first frame ends the resume window (a `resume` ends it itself).
			conn.release();
		}
	}

	private dispatch(conn: Connection, data: RawData, isBinary: boolean): void {
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
		const ctx = { app: this.app, conn, who: conn.identity };
		try {
			const result = handler(ctx, parsed.data);
			if (result) result.catch((err) => this.fail(conn, type, err));
		} catch (err) {
			this.fail(conn, type, err);
		}
	}

	private fail(conn: Connection, type: string, err: unknown): void {
		if (err instanceof ServiceError) {
			this.app.metrics?.errorSent(err.code);
			return conn.error(err.code, err.message);
		}
		this.app.log.error({ conn: conn.id, type, err }, 'handler failed');
		this.app.metrics?.errorSent('internal');
		conn.error('invalid_message', 'The server could not process that message');
	}

	/** The `auth` message for command-line tools (PROTOCOL.md §2). */
	private async authenticate(
		conn: Connection,
		creds: { username: string; password: string }
	): Promise<void> {
		if (conn.identity) return conn.error('invalid_message', 'Already authenticated');
		try {
			const user = await this.app.auth.authenticate(creds, conn.remoteAddress);
			if (!conn.isOpen) return;
			conn.sendEvent(
				systemEvent('auth_success', {
					user_id: user.id,
					user_name: user.name,
					username: user.username,
					is_admin: user.isAdmin
				})
			);
			this.admit(conn, accountIdentity(user, null));
		} catch (err) {
			const reason = err instanceof ServiceError ? err.message : 'Authentication failed';
			if (!(err instanceof ServiceError)) this.app.log.error({ err }, 'auth failed unexpectedly');
			conn.sendEvent(
				systemEvent('auth_failed', {
					reason,
					code: err instanceof ServiceError ? err.code : 'internal'
				})
			);
			conn.close(CloseCode.policy, 'Authentication failed');
		}
	}

	private onClose(conn: Connection): void {
		if (conn.authTimer) clearTimeout(conn.authTimer);
		this.app.metrics?.connectionClosed();
		const wasLast = this.app.hub.remove(conn);
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

	/** Closes every socket with `code` (1001 on shutdown) and stops accepting new ones. */
	closeAll(code: number, reason: string): void {
		this.closing = true;
		clearInterval(this.heartbeat);
		for (const conn of this.app.hub.connections) conn.close(code, reason);
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
