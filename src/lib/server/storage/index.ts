import type { DirectoryRepository } from './directory';
import type { DirectsRepository } from './directs';
import type { MaintenanceRepository } from './maintenance';
import type { MessagesRepository } from './messages';
import type { MetaRepository } from './meta';
import type { AuditRepository, MutesRepository } from './moderation';
import type { NotificationSettingsRepository } from './notifications';
import type { AdminOverviewRepository } from './overview';
import type { ProfilesRepository } from './profiles';
import type { ReadMarkersRepository } from './read-markers';
import type { RoomsRepository } from './rooms';
import type { SearchRepository } from './search';
import type { SessionsRepository } from './sessions';
import type { UploadsRepository } from './uploads';
import type { UsersRepository } from './users';

export type * from './directory';
export type * from './directs';
export type * from './maintenance';
export type * from './messages';
export type * from './meta';
export type * from './moderation';
export type * from './notifications';
export type * from './overview';
export type * from './profiles';
export type * from './read-markers';
export type * from './rooms';
export type * from './search';
export type * from './sessions';
export type * from './uploads';
export type * from './users';

/**
 * The storage seam (docs/architecture.md, "Storage"): one async repository per aggregate.
 * Services receive the repositories they need; nothing outside an implementation folder
 * (`sqlite/` today) sees a database handle or SQL. Every method returns a Promise, because
 * a networked database (PostgreSQL) answers later; records are plain serializable objects.
 */
export interface Storage {
	users: UsersRepository;
	sessions: SessionsRepository;
	rooms: RoomsRepository;
	messages: MessagesRepository;
	readMarkers: ReadMarkersRepository;
	directs: DirectsRepository;
	mutes: MutesRepository;
	audit: AuditRepository;
	meta: MetaRepository;
	maintenance: MaintenanceRepository;
	overview: AdminOverviewRepository;
	directory: DirectoryRepository;
	/** Full-text search over messages (PROTOCOL.md §11); what it must guarantee is in search.ts. */
	search: SearchRepository;
	/** Uploaded files' rows (PROTOCOL.md §12); the bytes are in the blob store (files/). */
	uploads: UploadsRepository;
	/** Per-conversation notification levels and mutes (docs/protocol.md, "Notification settings"). */
	notifications: NotificationSettingsRepository;
	/** Avatars, status texts and time zones (docs/protocol.md, "Profiles (issue 15)"). */
	profiles: ProfilesRepository;
	/** Closes the database; call after the last write (graceful shutdown). */
	close(): Promise<void>;
}
