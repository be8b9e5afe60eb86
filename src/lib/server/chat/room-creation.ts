import type { Config } from '../config';
import { ServiceError, forbidden } from '../errors';
import type { Identity } from '../realtime/connection';
import type { Room, RoomService } from './rooms';
import type { SendGuard } from './send-rules';

const DAY = 24 * 3600;

/**
 * Room creation with its rules: accounts only (a guest is anyone, any number of times), not
 * while muted (a topic is text everyone sees), and at most ROOMS_PER_USER_PER_DAY in any 24
 * hours unless the creator is an admin. The creator then joins the room.
 */
export class RoomCreation {
	/** Each account's creation in progress: one at a time, so the quota counts them all. */
	private readonly creating = new Map<number, Promise<unknown>>();

	constructor(
		private readonly config: Pick<Config, 'roomsPerUserPerDay'>,
		private readonly rooms: RoomService,
		private readonly guard: SendGuard
	) {}

	create(who: Identity, name: string, topic: string | undefined, isPrivate = false): Promise<Room> {
		// The quota is read, then the room inserted: two creations of one account (two tabs)
		// must not both read the count before either has inserted.
		const previous = this.creating.get(who.id);
		const create = () => this.createNow(who, name, topic, isPrivate);
		const created = previous ? previous.then(create) : create();
		// Never rejects: the next creation waits for this one whatever its outcome.
		const settled = created.then(
			() => {},
			() => {}
		);
		this.creating.set(who.id, settled);
		void settled.then(() => {
			if (this.creating.get(who.id) === settled) this.creating.delete(who.id);
		});
		return created;
	}

	private async createNow(
		who: Identity,
		name: string,
		topic: string | undefined,
		isPrivate: boolean
	): Promise<Room> {
		if (who.isGuest) throw forbidden('Guests cannot create rooms; log in first');
		this.guard.assertCanSend(who.id);
		if (!who.isAdmin) {
			const quota = this.config.roomsPerUserPerDay;
			const { count, oldest } = await this.rooms.createdSince(who.id, Date.now() / 1000 - DAY);
			if (count >= quota) {
				throw new ServiceError('rate_limited', `You can create at most ${quota} rooms a day`, 429, {
					retryAfterSeconds: Math.max(1, Math.ceil(oldest + DAY - Date.now() / 1000))
				});
			}
		}
		return this.rooms.create(name, topic, who, true, isPrivate);
	}
}
