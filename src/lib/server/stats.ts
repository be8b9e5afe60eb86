/** What the server figures are made of: who is online (the hub) and how many messages exist. */
export interface StatsSources {
	usersOnline: number;
	connectionCount: number;
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

	snapshot() {
		return {
			users_online: this.presence.usersOnline,
			connections: this.presence.connectionCount,
			uptime_seconds: this.uptimeSeconds(),
			server_time: Math.floor(Date.now() / 1000),
			total_messages: this.messages.lastCommittedId
		};
	}
}
