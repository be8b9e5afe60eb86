import { systemEvent } from '$lib/protocol/events';
import type { Bus } from '../realtime/bus';
import type { Identity } from '../realtime/connection';
import type { NameRegistry } from './names';

/**
 * `set_name`: checks the name (names.ts has the rules), stores it for accounts, and
 * publishes the change: live connections take the new name, the user's tabs hear
 * `name_changed` and everyone else `user_renamed`. A rename reaches everyone, so a muted
 * user cannot rename.
 */
export class Renames {
	constructor(
		private readonly names: Pick<NameRegistry, 'validate' | 'saveAccountName'>,
		private readonly guard: { assertCanSend(userId: number): void },
		private readonly bus: Bus
	) {}

	async rename(who: Identity, raw: unknown): Promise<void> {
		const name = await this.names.validate(who, raw);
		this.guard.assertCanSend(who.id);
		const old = who.name;
		if (!who.isGuest) await this.names.saveAccountName(who.id, name);
		this.bus.publish({ kind: 'identity', userId: who.id, name });
		const data = { old_name: old, new_name: name };
		const from = { from_id: who.id, from_name: name };
		this.bus.publish({
			kind: 'event',
			to: { user: who.id },
			event: { ...systemEvent('name_changed', data), ...from }
		});
		this.bus.publish({
			kind: 'event',
			to: { everyone: true, except: who.id },
			event: { ...systemEvent('user_renamed', { user_id: who.id, ...data }), ...from }
		});
	}
}
