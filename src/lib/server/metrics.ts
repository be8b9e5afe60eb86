import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics for `GET /metrics`. One registry per app instance. */
export class Metrics {
	readonly registry = new Registry();
	private readonly connections = new Gauge({
		name: 'chat_connections',
		help: 'Open WebSocket connections',
		registers: [this.registry]
	});
	readonly usersOnline = new Gauge({
		name: 'chat_users_online',
		help: 'Users online',
		registers: [this.registry]
	});
	private readonly messages = new Counter({
		name: 'chat_messages_total',
		help: 'Messages committed, by kind',
		labelNames: ['kind'] as const,
		registers: [this.registry]
	});
	private readonly deliveries = new Counter({
		name: 'chat_deliveries_total',
		help: 'Room message frames sent to connections',
		registers: [this.registry]
	});
	private readonly errors = new Counter({
		name: 'chat_errors_total',
		help: 'error events sent, by code',
		labelNames: ['code'] as const,
		registers: [this.registry]
	});
	private readonly refusals = new Counter({
		name: 'chat_refusals_total',
		help: 'Upgrades refused, by reason',
		labelNames: ['reason'] as const,
		registers: [this.registry]
	});
	private readonly rateLimited = new Counter({
		name: 'chat_rate_limited_total',
		help: 'Sends refused by the rate limit',
		registers: [this.registry]
	});
	private readonly commitSeconds = new Histogram({
		name: 'chat_db_commit_seconds',
		help: 'Group commit transaction time',
		buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25],
		registers: [this.registry]
	});
	private readonly commitBatch = new Histogram({
		name: 'chat_db_commit_batch_size',
		help: 'Messages per group commit',
		buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000],
		registers: [this.registry]
	});

	constructor() {
		collectDefaultMetrics({ register: this.registry });
	}

	connectionOpened() {
		this.connections.inc();
	}
	connectionClosed() {
		this.connections.dec();
	}
	messageCommitted(kind: string) {
		this.messages.inc({ kind });
	}
	delivered(n: number) {
		this.deliveries.inc(n);
	}
	errorSent(code: string) {
		this.errors.inc({ code });
	}
	refused(reason: string) {
		this.refusals.inc({ reason });
	}
	rateLimitedSend() {
		this.rateLimited.inc();
	}
	committed(batch: number, seconds: number) {
		this.commitSeconds.observe(seconds);
		this.commitBatch.observe(batch);
	}
}
