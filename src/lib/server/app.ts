import type { Database } from 'better-sqlite3';
import type { RoomSummary } from '$lib/protocol/events';
import { AuthService } from './auth/service';
import { SessionSweeper } from './auth/session-sweep';
import { MessageStore } from './chat/messages';
import { Retention } from './chat/retention';
import { ReceiptService } from './chat/receipts';
import { RoomService } from './chat/rooms';
import { ChatService } from './chat/service';
import { loadConfig, type Config } from './config';
import { openDatabase, type Db } from './db/client';
import { NameRegistry } from './identity/names';
import { createLogger, type Logger } from './logger';
import { Metrics } from './metrics';
import { ModerationService } from './moderation/service';
import { LocalBus, type Bus } from './realtime/bus';
import type { Identity } from './realtime/connection';
import { connectFanout } from './realtime/fanout';
import { Gateway } from './realtime/gateway';
import { Hub } from './realtime/hub';

/**
 * Everything one server process holds: configuration, the database, the services and
 * the realtime hub. There is exactly one per process (see getApp), shared by SvelteKit's
 * routes, the production entry (server.js) and the Vite dev plugin.
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
	readonly gateway: Gateway;
	readonly retention: Retention;
	readonly sessionSweeper: SessionSweeper;
	readonly names: NameRegistry;
	private readonly startedAt = Date.now();

	constructor(readonly config: Config) {
		this.log = createLogger(config.logLevel);
		this.db = openDatabase(config.databaseUrl);
		this.sqlite = this.db.$client;
		this.auth = new AuthService(this.db, config);
		const store = new MessageStore(this.sqlite, this.bus);
		store.onCommit = (n, s) => this.metrics.committed(n, s);
		store.onPublished = (received, committed, fannedOut) =>
			this.metrics.sendLatency(received, committed, fannedOut);
		const rooms = new RoomService(this.sqlite, this.bus);
		this.chat = new ChatService(config, store, rooms, this.hub, this.auth);
		this.chat.onRateLimited = () => this.metrics.rateLimitedSend();
		this.moderation = new ModerationService(this.sqlite, {
			auth: this.auth,
			hub: this.hub,
			disconnect: (userId, event, code, reason) =>
				this.gateway.disconnectUser(userId, event, code, reason),
			log: this.log
		});
		this.chat.guard = this.moderation;
		this.names = new NameRegistry(this.sqlite, this.hub);
		this.receipts = new ReceiptService(this.sqlite, this.chat, this.bus);
		connectFanout(this.bus, this.hub, (n) => this.metrics.delivered(n));
		this.bus.subscribe((e) => {
			if (e.kind === 'message')
				this.metrics.messageCommitted(e.message.room === null ? 'private' : e.message.kind);
		});
		this.metrics.observe({
			connections: () => this.hub.connectionCount,
			usersOnline: () => this.hub.usersOnline,
			bufferedBytes: () => {
				let sum = 0;
				for (const conn of this.hub.connections) sum += conn.ws.bufferedAmount;
				return sum;
			}
		});
		this.retention = new Retention(this.sqlite, config.retentionDays, this.log, (n) =>
			this.metrics.retained(n)
		);
		this.gateway = new Gateway(this);
		this.retention.start();
		this.sessionSweeper = new SessionSweeper(this.auth.sessions, config.sessionSweepMs, this.log);
		this.sessionSweeper.start();
	}

	uptimeSeconds(): number {
		return Math.floor((Date.now() - this.startedAt) / 1000);
	}

	stats() {
		return {
			users_online: this.hub.usersOnline,
			connections: this.hub.connectionCount,
			uptime_seconds: this.uptimeSeconds(),
			server_time: Math.floor(Date.now() / 1000),
			total_messages: this.chat.store.lastCommittedId
		};
	}

	/**
	 * Room summaries for an identity: its rooms (unread only there, for accounts), then at
	 * most ROOM_LIST_OTHERS other rooms, the most recently active. One query, so a long room
	 * list costs one statement, and the welcome stays small however many rooms exist.
	 */
	roomSummaries(who: Identity | null): (RoomSummary & { joined: boolean })[] {
		const mine = who ? this.chat.roomsOf(who).map((r) => r.id) : [];
		const accountId = who && !who.isGuest ? who.id : null;
		return this.chat.rooms.summaries(mine, accountId, this.chat.guestCounts(), ROOM_LIST_OTHERS);
	}

	/** Changes a display name everywhere: stored for accounts, on every live connection. */
	renameUser(userId: number, name: string): void {
		const online = this.hub.identityOf(userId);
		if (!online?.isGuest) this.names.saveAccountName(userId, name);
		for (const conn of this.hub.connectionsOf(userId)) conn.identity!.name = name;
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

/** Rooms the user is not in that a room list shows (the most recently active). */
export const ROOM_LIST_OTHERS = 100;

const KEY = Symbol.for('chat-server.app');
type Global = typeof globalThis & { [KEY]?: App };

/** The process's one App, created on first use (migrations run then). */
export function getApp(): App {
	const g = globalThis as Global;
	g[KEY] ??= new App(loadConfig());
	return g[KEY];
}
