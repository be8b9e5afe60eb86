import type { Database } from 'better-sqlite3';
import type { Storage } from '../index';
import { SqliteAudit } from './audit';
import { openDatabase } from './client';
import { SqliteDirectory } from './directory';
import { SqliteDirects } from './directs';
import { SqliteMaintenance } from './maintenance';
import { SqliteMessages } from './messages';
import { SqliteMeta } from './meta';
import { SqliteMutes } from './mutes';
import { SqliteOverview } from './overview';
import { SqliteProfiles } from './profiles';
import { SqliteReadMarkers } from './read-markers';
import { SqliteRooms } from './rooms';
import { SqliteSearch } from './search';
import { SqliteUploads } from './uploads';
import { SqliteNotificationSettings } from './notifications';
import { SqliteSessions } from './sessions';
import { StateMemo } from './state-memo';
import { SqliteUsers } from './users';

/**
 * The SQLite implementation of the storage seam: the one place with SQL and the
 * better-sqlite3 handle. Each repository prepares its statements once, when it is built.
 * better-sqlite3 is synchronous, so every Promise here is already settled when returned:
 * awaiting one costs a microtask, never a turn of the event loop (the group commit and the
 * join/resume sequences rely on that; see chat/messages.ts and realtime/handlers/rooms.ts).
 */
export class SqliteStorage implements Storage {
	readonly users: SqliteUsers;
	readonly sessions: SqliteSessions;
	readonly rooms: SqliteRooms;
	readonly messages: SqliteMessages;
	readonly readMarkers: SqliteReadMarkers;
	readonly directs: SqliteDirects;
	readonly mutes: SqliteMutes;
	readonly audit: SqliteAudit;
	readonly meta: SqliteMeta;
	readonly maintenance: SqliteMaintenance;
	readonly overview: SqliteOverview;
	readonly directory: SqliteDirectory;
	readonly search: SqliteSearch;
	readonly uploads: SqliteUploads;
	readonly notifications: SqliteNotificationSettings;
	readonly profiles: SqliteProfiles;

	/** `sqlite`: the open, migrated database (tests may read it directly; src never does). */
	constructor(readonly sqlite: Database) {
		// The reads a connect storm repeats, kept while the database is unchanged (state-memo.ts).
		const memo = new StateMemo(sqlite);
		this.users = new SqliteUsers(sqlite);
		this.sessions = new SqliteSessions(sqlite);
		this.rooms = new SqliteRooms(sqlite, memo);
		this.messages = new SqliteMessages(sqlite, memo);
		this.readMarkers = new SqliteReadMarkers(sqlite);
		this.directs = new SqliteDirects(sqlite);
		this.mutes = new SqliteMutes(sqlite);
		this.audit = new SqliteAudit(sqlite, memo);
		this.meta = new SqliteMeta(sqlite);
		this.maintenance = new SqliteMaintenance(sqlite);
		this.overview = new SqliteOverview(sqlite);
		this.directory = new SqliteDirectory(sqlite);
		this.search = new SqliteSearch(sqlite);
		this.uploads = new SqliteUploads(sqlite);
		this.notifications = new SqliteNotificationSettings(sqlite);
		this.profiles = new SqliteProfiles(sqlite);
	}

	async close(): Promise<void> {
		this.sqlite.close();
	}
}

/** Opens (creating when missing) the SQLite file, brings its schema up to date, and wraps it. */
export async function openSqliteStorage(file: string): Promise<SqliteStorage> {
	return new SqliteStorage(openDatabase(file).$client);
}
