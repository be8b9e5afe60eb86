import type { Maybe } from './realtime/online';

/** What the server figures are made of: who is online and how many messages exist. */
export interface StatsSources {
	/** Users online in the whole community (every process when presence is shared). */
	usersOnline(): Maybe<number>;
	/** This process's open sockets. */
	connectionCount(): number;
}

/** The figures of `get_stats`, the welcome and the admin overview (PROTOCOL.md §6). */
export class ServerStats {
	private readonly startedAt = Date.now();

	constructor(
		private readonly presence: StatsSources,
		private readonly messages: { readonly lastCommittedId: number }
	) {}

	uptimeSeconds(): number {
		return Math.floor((Date.now() - this.startedAt) / 1000);
	}

	async snapshot() {
		return {
			users_online: await this.presence.usersOnline(),
			connections: this.presence.connectionCount(),
			uptime_seconds: this.uptimeSeconds(),
			server_time: Math.floor(Date.now() / 1000),
			total_messages: this.messages.lastCommittedId
		};
	}
}
