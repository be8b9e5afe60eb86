import type { Storage } from '../index';
import { PostgresAudit } from './audit';
import { migrateDatabase, openPool, type Sql } from './client';
import { PostgresDirectory } from './directory';
import { PostgresDirects } from './directs';
import { PostgresMaintenance } from './maintenance';
import { PostgresMessages } from './messages';
import { PostgresMeta } from './meta';
import { PostgresMutes } from './mutes';
import { PostgresOverview } from './overview';
import { PostgresProfiles } from './profiles';
import { PostgresReadMarkers } from './read-markers';
import { PostgresRooms } from './rooms';
import { PostgresSearch } from './search';
import { PostgresUploads } from './uploads';
import { PostgresNotificationSettings } from './notifications';
import { PostgresSessions } from './sessions';
import { PostgresUsers } from './users';

/**
 * The PostgreSQL implementation of the storage seam (issue 12): the same repositories as
 * sqlite/, file by file, over a postgres.js pool. Several server processes may share the
 * database: the change log serializes writers on one row (messages.ts), the first-account
 * and last-admin rules take locks (users.ts), and the migrations run under an advisory lock
 * (client.ts). Every query is a tagged template: values are always bound parameters.
 */
export class PostgresStorage implements Storage {
	readonly users: PostgresUsers;
	readonly sessions: PostgresSessions;
	readonly rooms: PostgresRooms;
	readonly messages: PostgresMessages;
	readonly readMarkers: PostgresReadMarkers;
	readonly directs: PostgresDirects;
	readonly mutes: PostgresMutes;
	readonly audit: PostgresAudit;
	readonly meta: PostgresMeta;
	readonly maintenance: PostgresMaintenance;
	readonly overview: PostgresOverview;
	readonly directory: PostgresDirectory;
	readonly search: PostgresSearch;
	readonly uploads: PostgresUploads;
	readonly notifications: PostgresNotificationSettings;
	readonly profiles: PostgresProfiles;

	/** `sql`: the pool (tests may query it directly; src never does). */
	constructor(readonly sql: Sql) {
		this.users = new PostgresUsers(sql);
		this.sessions = new PostgresSessions(sql);
		this.rooms = new PostgresRooms(sql);
		this.messages = new PostgresMessages(sql);
		this.readMarkers = new PostgresReadMarkers(sql);
		this.directs = new PostgresDirects(sql);
		this.mutes = new PostgresMutes(sql);
		this.audit = new PostgresAudit(sql);
		this.meta = new PostgresMeta(sql);
		this.maintenance = new PostgresMaintenance(sql);
		this.overview = new PostgresOverview(sql);
		this.directory = new PostgresDirectory(sql);
		this.search = new PostgresSearch(sql);
		this.uploads = new PostgresUploads(sql);
		this.notifications = new PostgresNotificationSettings(sql);
		this.profiles = new PostgresProfiles(sql);
	}

	async close(): Promise<void> {
		// Waits for the queries in flight, then closes every connection.
		await this.sql.end({ timeout: 5 });
	}
}

/** Brings the database's schema up to date (safe with several processes starting at once), then opens a pool. */
export async function openPostgresStorage(
	url: string,
	options: { poolSize: number }
): Promise<PostgresStorage> {
	await migrateDatabase(url);
	return new PostgresStorage(openPool(url, { max: options.poolSize }));
}
