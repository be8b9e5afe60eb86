import { AccountSecurity } from './auth/account';
import { AuthService } from './auth/service';
import { SessionSweeper } from './auth/session-sweep';
import { GuestIds, type GuestIdSource } from './chat/guest-ids';
import { MessageStore } from './chat/messages';
import { Retention } from './chat/retention';
import { RoomMembers } from './chat/room-members';
import { RoomSettings } from './chat/room-settings';
import { DiskBlobStore } from './files/blob-store';
import { FileRoutes } from './files/http';
import { FileService } from './files/service';
import { ProfileRoutes } from './profiles/http';
import { ProfileService } from './profiles/service';
import { NotificationSettings } from './chat/notifications';
import { ReceiptService } from './chat/receipts';
import { RoomService } from './chat/rooms';
import { MessageAccess } from './chat/access';
import { MessageChanges } from './chat/changes';
import { MessageReferences } from './chat/references';
import { SearchService } from './chat/search';
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
import { CloseCode } from './realtime/connection';
import { Fanout } from './realtime/fanout';
import { FloodPenalties } from './realtime/flood-penalty';
import { Gateway } from './realtime/gateway';
import { HistoryPages } from './realtime/history';
import { SharedReads } from './realtime/shared-reads';
import { Hub } from './realtime/hub';
import type { OnlineDirectory } from './realtime/online';
import type { PresenceAnnouncer } from './realtime/presence';
import { wirePresence } from './realtime/presence-wiring';
import { connectRedis, createRedisClient, type SharedRedis } from './shared/redis-client';
import { RedisGuestIds } from './shared/redis-guest-ids';
import type { RedisPresence } from './shared/redis-presence';
import { ServerStats } from './stats';
import type { Storage } from './storage';
import { openStorage } from './storage/open';
import { attemptWindow, keyedLimiter } from './shared/limits';
import { HttpPacing } from './http-pacing';

/** How often cached tables (rooms, mutes) are re-read when several processes share them. */
const SHARED_REFRESH_MS = 30_000;

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
 *
 * With REDIS_URL (`redis`), the state several processes must share lives in Redis instead
 * of this process's memory: presence, the send rate limit, the login throttles and the guest
 * id counter (docs/architecture.md, "Several processes: what is shared").
 */
export class App {
	readonly log: Logger;
	readonly bus: Bus;
	readonly hub = new Hub();
	readonly metrics = new Metrics();
	readonly auth: AuthService;
	readonly account: AccountSecurity;
	readonly chat: ChatService;
	readonly receipts: ReceiptService;
	/** Per-conversation notification levels and mutes (docs/protocol.md). */
	readonly notifications: NotificationSettings;
	readonly changes: MessageChanges;
	readonly search: SearchService;
	readonly moderation: ModerationService;
	readonly stats: ServerStats;
	readonly gateway: Gateway;
	readonly retention: Retention;
	/** Uploads and their files (PROTOCOL.md §12). */
	readonly fileService: FileService;
	/** POST /api/uploads and /files/…, answered before SvelteKit (server.js, dev plugin). */
	readonly files: FileRoutes;
	/** Avatars, status texts and time zones (docs/protocol.md, "Profiles (issue 15)"). */
	readonly profiles: ProfileService;
	/** `POST|DELETE /api/me/avatar` and `/avatars/…`, served beside SvelteKit like files. */
	readonly avatars: ProfileRoutes;
	/** Every HTTP request of server.js starts here, a few per turn of the event loop. */
	readonly httpPacing: HttpPacing;
	readonly sessionSweeper: SessionSweeper;
	/** Who is online in the whole community: the hub, or Redis shared by every process. */
	readonly online: OnlineDirectory;
	/** `join` / `leave`, or coalesced presence above PRESENCE_BROADCAST_MAX. */
	readonly presence: PresenceAnnouncer;
	private readonly rooms: RoomService;
	private readonly names: NameRegistry;
	private readonly guestIds: GuestIdSource;
	private readonly sharedPresence: RedisPresence | null;
	/** Re-reads of cached tables with several processes (a missed bus event heals). */
	private refreshTimer: NodeJS.Timeout | null = null;

	constructor(
		readonly config: Config,
		readonly storage: Storage,
		log: Logger,
		bus: Bus = new LocalBus(),
		private readonly redis: SharedRedis | null = null
	) {
		const { hub, metrics } = this;
		this.bus = bus;
		this.log = log;

		const wired = wirePresence({ bus, hub, config, redis, log });
		this.presence = wired.presence;
		this.online = wired.online;
		this.sharedPresence = wired.shared;
		const { online, presence } = this;

		this.auth = new AuthService(storage.users, storage.sessions, config, (name, limit, windowMs) =>
			attemptWindow(redis, name, limit, windowMs)
		);
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
		this.account = new AccountSecurity(this.auth);
		this.moderation = new ModerationService(storage, {
			auth: this.auth,
			account: this.account,
			presence: online,
			bus,
			log: this.log,
			isHere: (userId) => hub.isOnline(userId)
		});
		const sendRules = new SendRules(
			config,
			this.moderation,
			() => metrics.rateLimitedSend(),
			keyedLimiter(redis, 'send', config.rateLimitPerSec, config.rateLimitBurst)
		);
		const references = new MessageReferences({
			message: (id) => store.get(id),
			accountsNamed: (names) => storage.messages.accountsNamed(names),
			isRoomMember: (userId, roomId) => this.rooms.isMember(userId, roomId),
			room: (id) => this.rooms.getById(id),
			memberIds: (roomId, limit) => storage.rooms.memberIds(roomId, limit),
			silencedIn: (roomId) => storage.notifications.silencedIn(roomId)
		});
		this.chat = new ChatService(
			config,
			store,
			this.rooms,
			{
				identityOf: (id) => hub.identityOf(id),
				onlineUser: (id) => online.user(id),
				guestsOnline: () => online.guestsOnline()
			},
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
		this.notifications = new NotificationSettings({
			settings: storage.notifications,
			bus,
			rooms: this.rooms,
			isMember: (who, room) => this.chat.isMember(who, room),
			accountExists: async (id) => (await storage.users.byId(id)) !== undefined
		});
		const uploadsPerSecond = config.uploads.perMinute / 60;
		const blobs = new DiskBlobStore(config.uploads.dir);
		const uploadLimiter = keyedLimiter(redis, 'upload', uploadsPerSecond, config.uploads.perMinute);
		this.fileService = new FileService({
			uploads: storage.uploads,
			blobs,
			limiter: uploadLimiter,
			canSee: (who, messageId) => access.visible(who, messageId),
			maxBytes: config.uploads.maxBytes,
			log: this.log
		});
		this.httpPacing = new HttpPacing(config.connectQueueMax);
		this.files = new FileRoutes({
			files: this.fileService,
			sessions: this.auth.sessions,
			displayName: (id) => hub.identityOf(id)?.name,
			origin: config,
			log: this.log
		});
		this.profiles = new ProfileService({
			profiles: storage.profiles,
			blobs,
			limiter: uploadLimiter,
			guard: this.moderation,
			bus,
			maxBytes: config.uploads.maxBytes
		});
		this.avatars = new ProfileRoutes({
			profiles: this.profiles,
			sessions: this.auth.sessions,
			displayName: (id) => hub.identityOf(id)?.name,
			origin: config,
			log: this.log
		});
		this.changes = new MessageChanges(
			store,
			sendRules,
			this.rooms,
			access,
			references,
			this.moderation,
			this.moderation,
			(ids) => this.fileService.removeFor(ids)
		);
		// Search sees what the user may see now: the chat service knows their rooms.
		this.search = new SearchService(storage.search, this.chat, config.search);
		this.stats = new ServerStats(
			{ usersOnline: () => online.usersOnline(), connectionCount: () => hub.connectionCount },
			this.chat
		);

		new Fanout(hub, (n) => metrics.delivered(n)).connect(bus);
		bus.subscribe((e) => {
			if (e.kind === 'message')
				metrics.messageCommitted(e.message.room === null ? 'private' : e.message.kind);
		});
		metrics.observe({
			connections: () => hub.connectionCount,
			// This process's users (a gauge per process; the community's count is in `users`).
			usersOnline: () => hub.usersOnline,
			bufferedBytes: () => {
				let sum = 0;
				for (const conn of hub.connections) sum += conn.ws.bufferedAmount;
				return sum;
			}
		});

		const history = new HistoryPages((page) => noticesForPage(storage.audit, page));
		this.names = new NameRegistry(
			storage.users,
			redis
				? {
						onlineIdentities: async () =>
							(await online.onlineUsers()).map((u) => ({ ...u, isGuest: !!u.is_guest }))
					}
				: hub
		);
		this.guestIds = redis ? new RedisGuestIds(redis, storage.meta) : new GuestIds(storage.meta);
		const services = {
			chat: this.chat,
			receipts: this.receipts,
			notifications: this.notifications,
			profiles: this.profiles,
			changes: this.changes,
			files: this.fileService,
			members: new RoomMembers({
				chat: this.chat,
				rooms: this.rooms,
				account: (id) => this.auth.getUser(id),
				audit: this.moderation,
				bus
			}),
			settings: new RoomSettings({ chat: this.chat, rooms: this.rooms, audit: this.moderation }),
			moderation: this.moderation,
			renames: new Renames(this.names, this.moderation, bus),
			typing: new TypingRelay(this.chat, this.moderation, bus),
			hub,
			online,
			presenceBroadcastMax: config.presence.broadcastMax,
			history,
			stats: this.stats
		};
		this.gateway = new Gateway({
			config,
			floods: new FloodPenalties(bus),
			log: this.log,
			metrics,
			hub,
			auth: this.auth,
			guestIds: this.guestIds,
			chat: this.chat,
			presence,
			online,
			services,
			sequence: {
				hub,
				online,
				chat: this.chat,
				history,
				sharedReads: new SharedReads(bus),
				notifications: this.notifications,
				moderation: this.moderation,
				presence,
				presenceBroadcastMax: config.presence.broadcastMax,
				stats: this.stats,
				log: this.log
			}
		});

		this.retention = new Retention(storage.maintenance, config.retentionDays, this.log, (n) => {
			metrics.retained(n);
			// The files of the messages retention took go with them.
			void this.fileService.sweepSoon();
		});
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
		await this.sharedPresence?.start();
		if (this.redis) {
			// Other processes create rooms and put or lift mutes: their bus events keep this
			// process in step, and a re-read now and then heals an event missed meanwhile.
			this.refreshTimer = setInterval(() => {
				Promise.all([this.rooms.init(), this.moderation.reloadMutes()]).catch((err) =>
					this.log.warn({ err }, 'could not re-read rooms and mutes')
				);
			}, SHARED_REFRESH_MS);
			this.refreshTimer.unref();
		}
		this.retention.start();
		this.sessionSweeper.start();
		this.fileService.start();
	}

	/**
	 * Graceful stop, step one: refuse new sockets and close open ones with 1001. Frames that
	 * arrive from now on are ignored; what was already queued is still committed by close().
	 */
	closeSockets(): Promise<void> {
		if (this.refreshTimer) clearInterval(this.refreshTimer);
		this.retention.stop();
		this.sessionSweeper.stop();
		this.fileService.stop();
		return this.gateway.closeAll(1001, 'Server shutting down');
	}

	/** Graceful stop: close the sockets, commit the write queue, close the database. */
	async close(): Promise<void> {
		await this.closeSockets();
		this.presence.stop();
		await this.chat.store.drain();
		await this.auth.sessions.flushSightings();
		await this.retention.stop();
		this.moderation.dispose();
		await this.sharedPresence?.stop();
		await this.bus.close();
		await this.redis?.close();
		await this.storage.close();
		this.log.info('database closed');
	}
}

/** Opens the storage (migrations run then), wires the app and loads its state. */
export async function createApp(config: Config): Promise<App> {
	const log = createLogger(config.logLevel, config.redisUrl ? config.processId : undefined);
	const storage = await openStorage(config.databaseUrl, { poolSize: config.databasePoolSize });
	const app = new App(
		config,
		storage,
		log,
		openBus(config, storage, log),
		config.redisUrl ? createRedisClient(config.redisUrl, config.redisPrefix) : null
	);
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
