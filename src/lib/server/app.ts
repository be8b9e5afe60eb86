import type { Database } from 'better-sqlite3';
import { AuthService } from './auth/service';
import { SessionSweeper } from './auth/session-sweep';
import { GuestIds } from './chat/guest-ids';
import { MessageStore } from './chat/messages';
import { Retention } from './chat/retention';
import { ReceiptService } from './chat/receipts';
import { RoomService } from './chat/rooms';
import { ChatService } from './chat/service';
import { TypingRelay } from './chat/typing';
import { loadConfig, type Config } from './config';
import { openDatabase, type Db } from './db/client';
import { NameRegistry } from './identity/names';
import { Renames } from './identity/rename';
import { createLogger, type Logger } from './logger';
import { Metrics } from './metrics';
import { noticesForPage } from './moderation/notices';
import { ModerationService } from './moderation/service';
import { LocalBus, type Bus } from './realtime/bus';
import { CloseCode } from './realtime/connection';
import { Fanout } from './realtime/fanout';
import { Gateway } from './realtime/gateway';
import { HistoryPages } from './realtime/history';
import { Hub } from './realtime/hub';
import { PresenceAnnouncer } from './realtime/presence';
import { ServerStats } from './stats';

/**
 * The composition root: builds every part of one server process in dependency order and
 * hands each one what it needs through its constructor. It holds no logic of its own; the
 * routes, the production entry (server.js) and the Vite dev plugin read its parts.
 *
 * One road for every change (docs/architecture.md): a service commits, publishes a domain
 * event on the bus, and the fan-out, the bus's only writer to sockets, delivers it.
 */
export class App {
	readonly log: Logger;
	readonly db: Db;
	readonly sqlite: Database;
	readonly bus: Bus = new LocalBus();
	readonly hub = new Hub();
	readonly metrics = new Metrics();
	readonly auth: AuthService;
	readonly chat: ChatService;
	readonly receipts: ReceiptService;
	readonly moderation: ModerationService;
	readonly stats: ServerStats;
	readonly gateway: Gateway;
	readonly retention: Retention;
	readonly sessionSweeper: SessionSweeper;

	constructor(readonly config: Config) {
		const { bus, hub, metrics } = this;
		this.log = createLogger(config.logLevel);
		this.db = openDatabase(config.databaseUrl);
		this.sqlite = this.db.$client;

		this.auth = new AuthService(this.db, config);
		// Sessions that end (logout, kick, ban lifted, password change) close their sockets.
		this.auth.onSessionEnd(({ sessionId, userId }) => {
			const close = { code: CloseCode.sessionEnded, reason: 'Session ended' };
			if (sessionId) bus.publish({ kind: 'close', of: { sessionId }, ...close });
			if (userId) bus.publish({ kind: 'close', of: { userId }, ...close });
		});

		const store = new MessageStore(this.sqlite, bus);
		store.onCommit = (n, s) => metrics.committed(n, s);
		store.onPublished = (received, committed, fannedOut) =>
			metrics.sendLatency(received, committed, fannedOut);
		const rooms = new RoomService(this.sqlite, bus);
		this.chat = new ChatService(config, store, rooms, hub, this.auth, bus);
		this.chat.onRateLimited = () => metrics.rateLimitedSend();
		this.moderation = new ModerationService(this.sqlite, {
			auth: this.auth,
			presence: hub,
			bus,
			log: this.log
		});
		this.chat.guard = this.moderation;
		this.receipts = new ReceiptService(this.sqlite, this.chat, bus);
		this.stats = new ServerStats(hub, store);

		new Fanout(hub, (n) => metrics.delivered(n)).connect(bus);
		bus.subscribe((e) => {
			if (e.kind === 'message')
				metrics.messageCommitted(e.message.room === null ? 'private' : e.message.kind);
		});
		metrics.observe({
			connections: () => hub.connectionCount,
			usersOnline: () => hub.usersOnline,
			bufferedBytes: () => {
				let sum = 0;
				for (const conn of hub.connections) sum += conn.ws.bufferedAmount;
				return sum;
			}
		});

		const history = new HistoryPages((page) => noticesForPage(this.sqlite, page));
		const presence = new PresenceAnnouncer(bus, hub);
		const services = {
			chat: this.chat,
			receipts: this.receipts,
			moderation: this.moderation,
			renames: new Renames(new NameRegistry(this.sqlite, hub), this.moderation, bus),
			typing: new TypingRelay(this.chat, this.moderation, bus),
			hub,
			history,
			stats: this.stats
		};
		this.gateway = new Gateway({
			config,
			log: this.log,
			metrics,
			hub,
			auth: this.auth,
			guestIds: new GuestIds(this.sqlite),
			chat: this.chat,
			presence,
			services,
			sequence: {
				hub,
				chat: this.chat,
				history,
				moderation: this.moderation,
				presence,
				stats: this.stats,
				log: this.log
			}
		});

		this.retention = new Retention(this.sqlite, config.retentionDays, this.log, (n) =>
			metrics.retained(n)
		);
		this.retention.start();
		this.sessionSweeper = new SessionSweeper(this.auth.sessions, config.sessionSweepMs, this.log);
		this.sessionSweeper.start();
	}

	/**
	 * Graceful stop, step one: refuse new sockets and close open ones with 1001. Frames that
	 * arrive from now on are ignored; what was already queued is still committed by close().
	 */
	closeSockets(): Promise<void> {
		this.retention.stop();
		this.sessionSweeper.stop();
		return this.gateway.closeAll(1001, 'Server shutting down');
	}

	/** Graceful stop: close the sockets, commit the write queue, close the database. */
	async close(): Promise<void> {
		await this.closeSockets();
		await this.chat.store.drain();
		await this.retention.stop();
		this.sqlite.close();
		this.log.info('database closed');
	}
}

const KEY = Symbol.for('chat-server.app');
type Global = typeof globalThis & { [KEY]?: App };

/** The process's one App, created on first use (migrations run then). */
export function getApp(): App {
	const g = globalThis as Global;
	g[KEY] ??= new App(loadConfig());
	return g[KEY];
}
