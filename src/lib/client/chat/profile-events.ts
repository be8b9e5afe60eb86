import { profiles } from '../profiles.svelte';
import type { Reducers } from './state';

/** `profile_updated` (docs/protocol.md, "Profiles (issue 15)"): the page's profiles follow. */
export const profileReducers: Pick<Reducers, 'profile_updated'> = {
	profile_updated: (_s, c) => {
		if (typeof c.user_id !== 'number') return;
		profiles.learn(c.user_id, {
			avatar_url: typeof c.avatar_url === 'string' ? c.avatar_url : null,
			status: typeof c.status === 'string' ? c.status : '',
			time_zone: typeof c.time_zone === 'string' ? c.time_zone : ''
		});
	}
};
