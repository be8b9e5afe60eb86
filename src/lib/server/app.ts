import { AuthService } from './auth/service';
import { SessionSweeper } from './auth/session-sweep';
import { GuestIds } from './chat/guest-ids';
import { MessageStore } from './chat/messages';
import { Retention } from './chat/retention';
import { ReceiptService } from './chat/receipts';
import { RoomService } from './chat/rooms';
import { MessageAccess } from './chat/access';
import { MessageChanges } from './chat/changes';
import { MessageReferences } from './chat/references';
import { SendRules } from './chat/send-rules';
import { ChatService } from './chat/service';
import { TypingRelay } from './chat/typing';
import { loadConfig, type Config } from './config';
import { NameRegistry } from './identity/names';
import { Renames } from './identity/rename';
import { createLogger, type Logger } from './logger';
import { Metrics } from './metrics';
import { noticesForPage } from './moderation/notices';
import { ModerationService } from './moderation/service';
import { LocalBus, type Bus } from './realtime/bus';
import { RedisBus } from './realtime/redis-bus';
import { connectRedis } from './redis';
import { CloseCode } from './realtime/connection';
import { Fanout } from './realtime/fanout';
import { Gateway } from './realtime/gateway';
import { HistoryPages } from './realtime/history';
import { Hub } from './realtime/hub';
import { PresenceAnnouncer } from './realtime/presence';
import { ServerStats } from './stats';
import type { Storage } from './storage';
import { openStorage } from './storage/open';

/**
 * The composition root: builds every part of one server process in dependency order and
 * hands each one what it needs through its constructor. It holds no logic of its own; the
 * routes, the production entry (server.js) and the Vite dev plugin read its parts.
 *
 * One road for every change (docs/architecture.md): a service commits, publishes a domain
 * event on the bus, and the fan-out, the bus's only writer to sockets, delivers it.
 *
 * Built in two steps: the constructor wires (synchronously), `start()` loads what the
 * services keep in memory from storage (rooms, mutes, the newest message id, the guest id
 * mark) and starts the background jobs. Use `createApp`, which does both.
 */
export class App {
	readonly log: Logger;
	readonly bus: Bus;
	readonly hub = new Hub();
	readonly metrics = new Metrics();
	readonly auth: AuthService;
	readonly chat: ChatService;
	readonly receipts: ReceiptService;
	readonly changes: MessageChanges;
	readonly moderation: ModerationService;
	readonly stats: ServerStats;
	readonly gateway: Gateway;
	readonly retention: Retention;
	readonly sessionSweeper: SessionSweeper;
	private readonly rooms: RoomService;
	private readonly names: NameRegistry;
	private readonly guestIds: GuestIds;

	constructor(
		readonly config: Config,
		readonly storage: Storage,
		log: Logger,
		bus: Bus = new LocalBus()
	) {
		const { hub, metrics } = this;
		this.bus = bus;
		this.log = log;

		this.auth = new AuthService(storage.users, storage.sessions, config);
		// Sessions that end (logout, kick, ban lifted, password change) close their sockets.
		this.auth.onSessionEnd(({ sessionId, userId }) => {
			const close = { code: CloseCode.sessionEnded, reason: 'Session ended' };
			if (sessionId) bus.publish({ kind: 'close', of: { sessionId }, ...close });
			if (userId) bus.publish({ kind: 'close', of: { userId }, ...close });
		});

		const store = new MessageStore(storage.messages, bus, {
			committed: (n, s) => metrics.committed(n, s),
			failed: (err) => this.log.error({ err }, 'a write batch failed; its senders were told'),
			published: (received, committed, fannedOut) =>
				metrics.sendLatency(received, committed, fannedOut)
		});
		this.rooms = new RoomService(storage.rooms, bus);
		this.moderation = new ModerationService(storage, {
			auth: this.auth,
			presence: hub,
			bus,
			log: this.log
		});
		const sendRules = new SendRules(config, this.moderation, () => metrics.rateLimitedSend());
		const references = new MessageReferences({
			message: (id) => store.get(id),
			accountsNamed: (names) => storage.messages.accountsNamed(names),
			isRoomMember: (userId, roomId) => this.rooms.isMember(userId, roomId)
		});
		this.chat = new ChatService(
			config,
			store,
			this.rooms,
			hub,
			this.auth,
			bus,
			references,
			sendRules,
			this.moderation
		);
		const access = new MessageAccess({
			message: (id) => store.get(id),
			room: (id) => this.rooms.getById(id),
			isMember: (who, room) => this.chat.isMember(who, room)
		});
		this.receipts = new ReceiptService(storage.readMarkers, access, bus);
		this.changes = new MessageChanges(
			store,
			sendRules,
			this.rooms,
			access,
			references,
			this.moderation,
			this.moderation
		);
		this.stats = new ServerStats(hub, this.chat);

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

		const history = new HistoryPages((page) => noticesForPage(storage.audit, page));
		this.names = new NameRegistry(storage.users, hub);
		this.guestIds = new GuestIds(storage.meta);
		const presence = new PresenceAnnouncer(bus, hub);
		const services = {
			chat: this.chat,
			receipts: this.receipts,
			changes: this.changes,
			moderation: this.moderation,
			renames: new Renames(this.names, this.moderation, bus),
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
			guestIds: this.guestIds,
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

		this.retention = new Retention(storage.maintenance, config.retentionDays, this.log, (n) =>
			metrics.retained(n)
		);
		this.sessionSweeper = new SessionSweeper(this.auth.sessions, config.sessionSweepMs, this.log);
	}

	/** Loads the services' in-memory state from storage, then starts the background jobs. */
	async start(): Promise<void> {
		await this.bus.start();
		await Promise.all([
			this.rooms.init(),
			this.chat.store.init(),
			this.moderation.init(),
			this.names.init(),
			this.guestIds.init()
		]);
		this.retention.start();
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
		this.moderation.dispose();
		await this.bus.close();
		await this.storage.close();
		this.log.info('database closed');
	}
}

/** Opens the storage (migrations run then), wires the app and loads its state. */
export async function createApp(config: Config): Promise<App> {
	const log = createLogger(config.logLevel, config.redisUrl ? config.processId : undefined);
	const storage = await openStorage(config.databaseUrl, { poolSize: config.databasePoolSize });
	const app = new App(config, storage, log, openBus(config, storage, log));
	await app.start();
	return app;
}

/** The in-process bus, or with REDIS_URL the Redis bus that joins several processes. */
function openBus(config: Config, storage: Storage, log: Logger): Bus {
	if (!config.redisUrl) return new LocalBus();
	const name = `chat:${config.processId}`;
	return new RedisBus(
		connectRedis(config.redisUrl, `${name}:pub`, true),
		connectRedis(config.redisUrl, `${name}:sub`),
		`${config.redisPrefix}bus`,
		storage.messages,
		log.child({ part: 'bus' })
	);
}

/**
 * server.js finds the ready app here right after importing the build's handler (whose
 * top-level `await server.init()` runs hooks.server.ts's `init`, which awaits `initApp`).
 */
const KEY = Symbol.for('chat-server.app');
/** The creation in progress, shared by every caller (the init hook, the dev plugin). */
const STARTING = Symbol.for('chat-server.app-starting');
type Global = typeof globalThis & { [KEY]?: App; [STARTING]?: Promise<App> };

/**
 * Creates the process's one App, once (later calls get the same one). Start-up is async
 * because loading state goes through async repositories.
 */
export function initApp(): Promise<App> {
	const g = globalThis as Global;
	return (g[STARTING] ??= createApp(loadConfig()).then((app) => (g[KEY] = app)));
}

/** The process's one App; `initApp()` must have resolved (the init hook sees to that). */
export function getApp(): App {
	const app = (globalThis as Global)[KEY];
	if (!app) throw new Error('getApp() called before initApp() resolved (hooks.server.ts init)');
	return app;
}
