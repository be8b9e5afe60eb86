import type { ProfileFields } from './payloads';

/** `GET /api/users` (docs/protocol.md, "People directory"): shared by the server and the browser. */

/** With the profile's fields (docs/protocol.md, "Profiles (issue 15)"). */
export interface DirectoryUser extends ProfileFields {
	id: number;
	/** The login name: unique, and what a display name cannot fake. */
	username: string;
	name: string;
	is_admin: boolean;
	online: boolean;
}

export interface DirectoryPage {
	users: DirectoryUser[];
	has_more: boolean;
	/** The `offset` of the next page, or null on the last one. */
	next_offset: number | null;
}
