import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from '../logger';
import type { Bus, BusEvent } from './bus';
import { LogSequencer, type LogSource } from './log-sequencer';

/** How often the database's head is compared with what was delivered (a lost tail). */
const CHECK_EVERY_MS = 1000;

/** What the bus counts for the metrics. */
export interface RedisBusObserver {
	/** A batch of events could not be published (Redis unreachable). */
	publishFailed?(events: number): void;
}

/**
 * The bus of several processes (PROTOCOL.md §14, docs/architecture.md "Several processes"):
 * every event goes to one Redis pub/sub channel and every other process delivers what comes
 * from it to its fan-out; the publisher delivers its own events at once, in publish order, as
 * the in-process bus does (waiting for Redis to hand them back cost the chat three turns of
 * the event loop per message, each long under a connect storm). Log events (messages and
 * changes) pass through a LogSequencer, so every process delivers the one seq order, exactly
 * once (its own come back from Redis too and are skipped), and fills in from the database
 * what Redis lost or reordered; the others (presence, typing, moderation notices, closes)
 * are delivered as they arrive — they are not in the log.
 *
 * The events of one turn (a group commit's) go out as one PUBLISH, `{from, events}`, `from`
 * naming the process. Publishing while Redis is unreachable drops the batch for the other
 * processes: the messages in it are committed already and they fill them in from the
 * database once it is back.
 */
/** What one PUBLISH on the channel carries: a turn's events, and which process sent them. */
interface ChannelBatch {
	from: string;
	events: BusEvent[];
}

export class RedisBus implements Bus {
	private readonly listeners = new Set<(event: BusEvent) => void>();
	private readonly sequencer: LogSequencer;
	private outbox: BusEvent[] = [];
	private scheduled = false;
	private checkTimer: NodeJS.Timeout | null = null;
	/** The subscription was lost since it was last ready: fill in at once when it is back. */
	private lost = false;
	/** This process on the channel: its own batches, handed back by Redis, are skipped. */
	private readonly origin = randomUUID();

	constructor(
		private readonly pub: Redis,
		private readonly sub: Redis,
		private readonly channel: string,
		source: LogSource,
		private readonly log: Logger,
		private readonly observer: RedisBusObserver = {}
	) {
		this.sequencer = new LogSequencer(
			source,
			(event) => this.emit(event),
			(err) => this.log.warn({ err }, 'filling the message log from the database failed')
		);
	}

	async start(): Promise<void> {
		await Promise.all([this.pub.connect(), this.sub.connect()]);
		await this.sequencer.start();
		this.sub.on('message', (channel: string, data: string) => {
			if (channel === this.channel) this.receive(data);
		});
		this.sub.on('close', () => {
			if (!this.lost) this.log.warn('Redis subscription lost; events will be filled in');
			this.lost = true;
		});
		// ioredis subscribes again on reconnect (autoResubscribe); what was published while
		// it was away is in the database.
		this.sub.on('ready', () => {
			if (!this.lost) return;
			this.lost = false;
			this.log.info('Redis subscription back; filling in from the database');
			this.check(true);
		});
		await this.sub.subscribe(this.channel);
		this.checkTimer = setInterval(() => this.check(false), CHECK_EVERY_MS);
		this.checkTimer.unref();
	}

	publish(event: BusEvent): void {
		this.outbox.push(event);
		this.deliver(event);
		if (this.scheduled) return;
		this.scheduled = true;
		setImmediate(() => this.flush());
	}

	subscribe(listener: (event: BusEvent) => void): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	/** The highest log seq this process has delivered (what `resume` replays up to). */
	get delivered(): number {
		return this.sequencer.delivered;
	}

	get healthy(): boolean {
		return this.pub.status === 'ready' && this.sub.status === 'ready';
	}

	async close(): Promise<void> {
		if (this.checkTimer) clearInterval(this.checkTimer);
		this.sequencer.stop();
		this.flush();
		await this.sequencer.idle();
		await Promise.allSettled([this.pub.quit(), this.sub.quit()]);
	}

	private flush(): void {
		this.scheduled = false;
		if (this.outbox.length === 0) return;
		const events = this.outbox;
		this.outbox = [];
		const batch: ChannelBatch = { from: this.origin, events };
		this.pub.publish(this.channel, JSON.stringify(batch)).catch((err: unknown) => {
			this.observer.publishFailed?.(events.length);
			this.log.warn({ err, events: events.length }, 'publishing to Redis failed');
		});
	}

	private receive(data: string): void {
		let batch: ChannelBatch;
		try {
			batch = JSON.parse(data) as ChannelBatch;
		} catch (err) {
			this.log.error({ err }, 'unreadable event batch on the bus channel');
			return;
		}
		if (batch.from === this.origin) return; // delivered when published
		for (const event of batch.events) this.deliver(event);
	}

	private deliver(event: BusEvent): void {
		if (event.kind === 'message' || event.kind === 'change') this.sequencer.accept(event);
		else this.emit(event);
	}

	private emit(event: BusEvent): void {
		for (const listener of this.listeners) {
			try {
				listener(event);
			} catch (err) {
				this.log.error({ err, kind: event.kind }, 'a bus listener failed');
			}
		}
	}

	private check(now: boolean): void {
		this.sequencer.check(now).catch((err: unknown) => {
			this.log.warn({ err }, 'comparing the message log with the database failed');
		});
	}
}
