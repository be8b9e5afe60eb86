import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** What the metrics read at scrape time instead of counting on every change. */
export interface MetricsSources {
	connections(): number;
	usersOnline(): number;
	/** Sum of unsent bytes queued on every socket (slow readers show up here). */
	bufferedBytes(): number;
}

/** Seconds buckets for the send path: sub-millisecond commits up to a badly stalled loop. */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/**
 * Prometheus metrics for `GET /metrics`. One registry per app instance. Hot paths call
 * the small methods below (a counter increment or one histogram observation); gauges that
 * describe state are read from `sources` only when Prometheus scrapes.
 */
export class Metrics {
	readonly registry = new Registry();
	private sources: MetricsSources | null = null;

	private readonly messages = new Counter({
		name: 'chat_messages_total',
		help: 'Messages committed, by kind (text, image, private)',
		labelNames: ['kind'] as const,
		registers: [this.registry]
	});
	private readonly deliveries = new Counter({
		name: 'chat_deliveries_total',
		help: 'Message frames (room and private) handed to connections by the fan-out',
		registers: [this.registry]
	});
	private readonly errors = new Counter({
		name: 'chat_errors_total',
		help: 'error events sent to clients, by code',
		labelNames: ['code'] as const,
		registers: [this.registry]
	});
	private readonly refusals = new Counter({
		name: 'chat_refusals_total',
		help: 'WebSocket upgrades refused, by reason',
		labelNames: ['reason'] as const,
		registers: [this.registry]
	});
	private readonly disconnects = new Counter({
		name: 'chat_disconnects_total',
		help: 'Connections the server cut, by reason (slow_consumer, too_large, heartbeat, auth_failed, …)',
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
	private readonly sendCommitted = new Histogram({
		name: 'chat_send_commit_seconds',
		help: 'Send latency from frame received to row committed',
		buckets: LATENCY_BUCKETS,
		registers: [this.registry]
	});
	private readonly sendFannedOut = new Histogram({
		name: 'chat_send_fanout_seconds',
		help: 'Send latency from frame received to fanned out to every recipient',
		buckets: LATENCY_BUCKETS,
		registers: [this.registry]
	});
	private readonly retentionDeleted = new Counter({
		name: 'chat_retention_deleted_total',
		help: 'Messages deleted by the retention policy',
		registers: [this.registry]
	});
	private readonly httpRequests = new Counter({
		name: 'chat_http_requests_total',
		help: 'HTTP requests answered by the app, by method, route and status',
		labelNames: ['method', 'route', 'status'] as const,
		registers: [this.registry]
	});
	private readonly httpSeconds = new Histogram({
		name: 'chat_http_request_seconds',
		help: 'HTTP request duration in the app',
		buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
		registers: [this.registry]
	});

	constructor() {
		// Process metrics (CPU, memory, file descriptors) and Node's: heap, GC and
		// event-loop lag (nodejs_eventloop_lag_seconds and its percentiles).
		collectDefaultMetrics({ register: this.registry });
		const gauge = (name: string, help: string, read: (s: MetricsSources) => number) => {
			const g: Gauge = new Gauge({
				name,
				help,
				registers: [this.registry],
				collect: () => g.set(this.sources ? read(this.sources) : 0)
			});
		};
		gauge('chat_connections', 'Open WebSocket connections', (s) => s.connections());
		gauge('chat_users_online', 'Users online', (s) => s.usersOnline());
		gauge('chat_send_buffer_bytes', 'Unsent bytes queued on all sockets', (s) => s.bufferedBytes());
	}

	/** Connects the state gauges to the hub (read at scrape time). */
	observe(sources: MetricsSources) {
		this.sources = sources;
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
	disconnected(reason: string) {
		this.disconnects.inc({ reason });
	}
	rateLimitedSend() {
		this.rateLimited.inc();
	}
	committed(batch: number, seconds: number) {
		this.commitSeconds.observe(seconds);
		this.commitBatch.observe(batch);
	}
	/** Times in milliseconds from performance.now(): received, committed, fanned out. */
	sendLatency(receivedAt: number, committedAt: number, fannedOutAt: number) {
		this.sendCommitted.observe((committedAt - receivedAt) / 1000);
		this.sendFannedOut.observe((fannedOutAt - receivedAt) / 1000);
	}
	retained(deleted: number) {
		this.retentionDeleted.inc(deleted);
	}
	httpRequest(method: string, route: string, status: number, seconds: number) {
		this.httpRequests.inc({ method, route, status });
		this.httpSeconds.observe(seconds);
	}
}
