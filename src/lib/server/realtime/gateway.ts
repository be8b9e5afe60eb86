import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { AuthService } from '../auth/service';
import type { GuestIdSource } from '../chat/guest-ids';
import type { ChatService } from '../chat/service';
import type { Config } from '../config';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import { AddressLimits } from './address-limits';
import { AuthMessages } from './auth-message';
import { CloseCode, Connection, type Identity } from './connection';
import { dispatchFrame, frameBytes, refuseFrame, type FrameDeps } from './frames';
import { FrameOrder } from './frame-order';
import type { FloodPenalties } from './flood-penalty';
import { Heartbeat } from './heartbeat';
import type { Hub } from './hub';
import { settle, type OnlineDirectory } from './online';
import type { PresenceAnnouncer } from './presence';
import { UpgradePolicy } from './upgrade-policy';
import { AdmissionQueue } from './admission';
import { runConnectionSequence, type ConnectionSequenceDeps } from './welcome';

/** What the gateway is built from (App wires it; nothing here reaches into App). */
export interface GatewayDeps extends FrameDeps {
	config: Config;
	log: Logger;
	metrics: Metrics;
	hub: Hub;
	auth: Pick<AuthService, 'authenticate' | 'sessions'>;
	guestIds: Pick<GuestIdSource, 'take' | 'nameFor'>;
	chat: Pick<ChatService, 'forgetGuest'>;
	presence: Pick<PresenceAnnouncer, 'wentOffline'>;
	online: Pick<OnlineDirectory, 'departed'>;
	sequence: ConnectionSequenceDeps;
	/** Accounts cut off for flooding, refused at the upgrade for a while (flood-penalty.ts). */
	floods: FloodPenalties;
}

/**
 * The WebSocket side of the one HTTP server: upgrades (upgrade-policy.ts decides them),
 * the life of each connection (open, identified, closed), and the hand-off of frames to
 * frames.ts, with `auth` frames to auth-message.ts and liveness to heartbeat.ts.
 */
export class Gateway {
	private readonly wss: WebSocketServer;
	private readonly heartbeat: Heartbeat;
	private readonly limits: AddressLimits;
	private readonly policy: UpgradePolicy;
	private readonly authMessages: AuthMessages;
	/** Each connection's frames, handled in the order they arrived (frame-order.ts). */
	private readonly frameOrder = new WeakMap<Connection, FrameOrder>();
	/** What a frame queue reports when a frame threw (one function for every connection). */
	private readonly frameFailed = (err: unknown) =>
		this.deps.log.error({ err }, 'a frame failed unexpectedly');
	/** A connect storm is taken a few at a time (admission.ts). */
	private readonly admission: AdmissionQueue;
	private closing = false;
	private onAllClosed: (() => void) | null = null;
	/** Departures being written to shared presence (closeAll waits for them). */
	private readonly departing = new Set<Promise<void>>();

	constructor(private readonly deps: GatewayDeps) {
		const { config, hub } = deps;
		this.wss = new WebSocketServer({
			noServer: true,
			maxPayload: config.maxFrameBytes,
			perMessageDeflate: false,
			clientTracking: false
		});
		this.limits = new AddressLimits(config);
		this.admission = new AdmissionQueue(
			ADMISSION_CONCURRENCY,
			config.connectQueueMax,
			ADMISSION_GROUP
		);
		this.policy = new UpgradePolicy({
			config,
			sessions: deps.auth.sessions,
			guestIds: deps.guestIds,
			limits: this.limits,
			floods: deps.floods,
			connectionCount: () => hub.connectionCount,
			closing: () => this.closing
		});
		this.authMessages = new AuthMessages({
			auth: deps.auth,
			limits: this.limits,
			metrics: deps.metrics,
			log: deps.log,
			maxFrameBytes: config.maxFrameBytes,
			forgetIdentity: (conn) => {
				const attached = hub.isAttached(conn);
				this.depart(conn, attached, hub.detach(conn));
			},
			// A login storm over the socket is a connect storm too: its sequences take turns.
			admit: (conn, identity) => this.admission.run(() => this.admit(conn, identity)),
			replay: (conn, data, isBinary) => this.onFrame(conn, data, isBinary)
		});
		this.heartbeat = new Heartbeat(
			hub,
			deps.auth.sessions,
			deps.metrics,
			deps.log,
			config.heartbeatMs
		);
	}

	/** Entry point for the HTTP server's `upgrade` event. */
	handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
		socket.on('error', () => socket.destroy());
		const admitted = this.admission.admit(() =>
			// The client may have given up while it waited.
			socket.destroyed
				? Promise.resolve()
				: this.policy.decide(req).then(
						(verdict) => this.upgrade(req, socket, head, verdict),
						(err) => {
							this.deps.log.error({ err }, 'upgrade failed');
							refuse(socket, 500, 'Internal Server Error');
						}
					)
		);
		if (!admitted) {
			this.deps.metrics.refused('busy');
			refuse(socket, 503, 'Service Unavailable');
		}
	}

	private upgrade(
		req: IncomingMessage,
		socket: Duplex,
		head: Buffer,
		verdict: Awaited<ReturnType<UpgradePolicy['decide']>>
	): void {
		// The client may have gone while its session was looked up.
		if (socket.destroyed) return;
		if ('status' in verdict) {
			if (verdict.reason) this.deps.metrics.refused(verdict.reason);
			return refuse(socket, verdict.status, verdict.text, verdict.retryAfter);
		}
		// The 101 and the connection sequence's welcome, users and history leave in one write:
		// the socket stays corked from the handshake until the sequence has sent them (a storm
		// is 10,000 of each; a write is ~10 µs of kernel time). `end()` uncorks on any refusal.
		socket.cork();
		let corked = true;
		const flush = () => {
			if (corked) socket.uncork();
			corked = false;
		};
		this.wss.handleUpgrade(req, socket, head, (ws) =>
			this.accept(ws, verdict.address, verdict.identity, flush)
		);
	}

	/** `flush` sends what the socket holds (the 101, then the connection sequence's events). */
	private accept(
		ws: WebSocket,
		address: string,
		identity: Identity | null,
		flush: () => void
	): void {
		const { config, hub, metrics, log } = this.deps;
		// Upgrades finish asynchronously, so several can pass the capacity checks at once.
		const anonymous = !identity || identity.isGuest;
		if (hub.connectionCount >= config.maxConnections) {
			metrics.refused('server_full');
			flush();
			ws.close(CloseCode.full, 'Server full');
			return;
		}
		const refusal = this.limits.refusal(address, anonymous);
		if (refusal) {
			metrics.refused(refusal);
			flush();
			ws.close(CloseCode.full, 'Too many connections from this address');
			return;
		}
		const conn = new Connection(ws, address, config.maxBufferedBytes, metrics, {
			perSecond: config.frameBudgetPerSec,
			burst: config.frameBudgetBurst
		});
		conn.anonymous = anonymous;
		this.limits.opened(address, anonymous);
		hub.add(conn);
		log.debug({ conn: conn.id, address: conn.remoteAddress }, 'connection opened');
		ws.on('pong', () => (conn.alive = true));
		ws.on('message', (data, isBinary) => this.onFrame(conn, data, isBinary));
		ws.on('close', (code) => this.onClose(conn, code));
		ws.on('error', (err) => {
			// ws closes the socket itself: 1009 for an oversized frame, 1007 for invalid UTF-8, 1002…
			const code = (err as Error & { code?: string }).code;
			metrics.disconnected(WS_ERRORS[code ?? ''] ?? 'protocol_error');
			log.info({ conn: conn.id, err: err.message }, 'connection closed on a protocol error');
		});
		if (identity) {
			// The sequence runs as the connection's first "frame": a frame sent right away (a
			// reconnecting client's `resume`) waits for it, however long its storage reads take.
			const order = this.orderOf(conn);
			order.run(() =>
				this.admission
					.run(() => this.admit(conn, identity))
					.catch((err) => {
						log.error({ conn: conn.id, err }, 'connection sequence failed');
						conn.close(CloseCode.internal, 'Internal error');
					})
					.finally(flush)
			);
		} else {
			flush();
			conn.authTimer = setTimeout(() => {
				metrics.disconnected('auth_timeout');
				conn.close(CloseCode.policy, 'Authentication required');
			}, config.authTimeoutMs);
		}
	}

	/** Identifies a connection and runs the connection sequence of PROTOCOL.md §4. */
	private async admit(conn: Connection, identity: Identity): Promise<void> {
		if (conn.authTimer) clearTimeout(conn.authTimer);
		conn.authTimer = null;
		if (conn.anonymous && !identity.isGuest) {
			this.limits.identified(conn.remoteAddress);
			conn.anonymous = false;
		}
		await runConnectionSequence(this.deps.sequence, conn, identity);
	}

	private onFrame(conn: Connection, data: RawData, isBinary: boolean): void {
		// Shutting down: the socket is closing and the database is about to close. Cut off for
		// flooding: nothing more of it is read (frames already read are dropped in dispatch).
		if (this.closing || conn.cutOffForFlooding) return;
		// A connection out of budget is refused before its frame is even parsed.
		const bytes = frameBytes(data);
		const verdict = conn.budget.precheck(bytes);
		if (!verdict.ok) return refuseFrame(this.deps, conn, verdict);
		// Frames sent right behind `auth` wait for its answer (they are charged when handled).
		if (this.authMessages.hold(conn, data, isBinary, bytes)) return;
		const receivedAt = performance.now();
		this.orderOf(conn).run(() => this.dispatch(conn, data, isBinary, receivedAt));
	}

	/**
	 * The connection's frame queue, which stops reading its socket while too many frames wait
	 * (frame-order.ts). Made at the first frame, or for the connection sequence, which runs as
	 * an identified connection's first "frame".
	 */
	private orderOf(conn: Connection): FrameOrder {
		let order = this.frameOrder.get(conn);
		if (!order) {
			order = new FrameOrder(conn.ws, this.frameFailed);
			this.frameOrder.set(conn, order);
		}
		return order;
	}

	private dispatch(
		conn: Connection,
		data: RawData,
		isBinary: boolean,
		receivedAt: number
	): Promise<void> | void {
		if (conn.cutOffForFlooding) return; // closed for flooding: nobody waits for answers
		let handled: Promise<void> | void = undefined;
		try {
			handled = dispatchFrame(
				this.deps,
				conn,
				data,
				isBinary,
				receivedAt,
				(c, creds) => void this.authMessages.authenticate(c, creds)
			);
		} finally {
			// The client's first frame ends the resume window (a `resume` ends it itself). A
			// handler still reading storage ends it when it is done, so `resume`'s missed
			// messages go out before what was held.
			if (handled && conn.holding) void handled.finally(() => conn.release());
			else conn.release();
		}
		return handled;
	}

	private onClose(conn: Connection, code: number): void {
		const { hub, log } = this.deps;
		if (conn.authTimer) clearTimeout(conn.authTimer);
		this.limits.closed(conn.remoteAddress, conn.anonymous);
		const attached = hub.isAttached(conn);
		const wasLast = hub.remove(conn);
		log.debug({ conn: conn.id, user: conn.identity?.id, code }, 'connection closed');
		if (hub.connectionCount === 0) this.onAllClosed?.();
		this.depart(conn, attached, wasLast);
	}

	/**
	 * After a socket stopped being its identity's (closed, or a guest that logged in): forget
	 * a guest, and tell everyone when it was the user's last connection anywhere. Called in
	 * the same turn as the hub changed (see OnlineDirectory).
	 */
	private depart(conn: Connection, attached: boolean, lastHere: boolean): void {
		const who = conn.identity;
		if (!who || !attached) return;
		if (who.isGuest && lastHere) this.deps.chat.forgetGuest(who.id);
		const announced = settle(this.deps.online.departed(conn, lastHere), (last) =>
			last ? this.deps.presence.wentOffline(who) : undefined
		);
		if (!(announced instanceof Promise)) return;
		const settled: Promise<void> = announced
			.then(
				() => {},
				(err) => this.deps.log.error({ err, user: who.id }, 'leave not announced')
			)
			.finally(() => this.departing.delete(settled));
		this.departing.add(settled);
	}

	/**
	 * Stops accepting sockets and closes every open one with `code` (1001 on shutdown).
	 * Resolves when all have closed and their departures are written; a peer that does not
	 * answer the close handshake is terminated after Connection.close's grace period.
	 */
	closeAll(code: number, reason: string): Promise<void> {
		const { hub } = this.deps;
		this.closing = true;
		this.heartbeat.stop();
		// Then the departures still being written (shared presence): the store and Redis
		// close next, and a leave cut off there was logged as an error and never announced.
		const departed = () => Promise.all([...this.departing]).then(() => {});
		if (hub.connectionCount === 0) return departed();
		const closed = new Promise<void>((resolve) => (this.onAllClosed = resolve));
		for (const conn of hub.connections) conn.close(code, reason);
		return closed.then(departed);
	}
}

/**
 * Upgrades and connection sequences in flight at once: enough to keep a networked database
 * busy (each waits on a few round trips), few enough that one batch (on SQLite, all of them
 * run to completion in one turn) delays the chat of the others by milliseconds, not seconds.
 */
const ADMISSION_CONCURRENCY = 32;
/**
 * They start at least this many together (admission.ts). With 32 / 16 a PostgreSQL + Redis
 * storm of 10,000 (bench scenario 9) took 6.7 s on average against 7.7 s with 16 started one
 * by one (five alternating runs each, docs/performance.md). Why is not established: one
 * session's instrumented per-turn batches held 2.6–4.3 requests, the next session's
 * PostgreSQL statement log ~20 requests per statement in the storm alone (30 Nov).
 */
const ADMISSION_GROUP = 16;

/** ws error codes → the reason counted in chat_disconnects_total. */
const WS_ERRORS: Record<string, string> = {
	WS_ERR_UNSUPPORTED_MESSAGE_LENGTH: 'too_large',
	WS_ERR_INVALID_UTF8: 'invalid_utf8'
};

function refuse(socket: Duplex, status: number, text: string, retryAfter?: number): void {
	const retry = retryAfter === undefined ? '' : `Retry-After: ${retryAfter}\r\n`;
	socket.end(
		`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\n${retry}Content-Type: text/plain\r\nContent-Length: ${text.length}\r\n\r\n${text}`
	);
}
