import type { Logger } from '../logger';
import type { MaintenanceRepository } from '../storage/maintenance';

const HOUR_MS = 60 * 60 * 1000;
const DAY_SECONDS = 24 * 60 * 60;
/** Rows per transaction: a few milliseconds of work, so the event loop is never held long. */
export const RETENTION_BATCH = 1000;

/**
 * Deletes messages older than `days` (RETENTION_DAYS; 0 keeps everything): once at start,
 * then every hour. Works in batches, each its own short transaction, and yields to the
 * event loop between batches so sends and fan-out carry on while old history goes.
 */
export class Retention {
	private timer: NodeJS.Timeout | null = null;
	private running: Promise<number> | null = null;
	private stopped = false;

	constructor(
		private readonly maintenance: MaintenanceRepository,
		private readonly days: number,
		private readonly log: Pick<Logger, 'info' | 'error'>,
		private readonly onDeleted: (count: number) => void = () => {},
		private readonly now: () => number = () => Math.floor(Date.now() / 1000)
	) {}

	start(): void {
		if (this.days <= 0) return;
		void this.run();
		this.timer = setInterval(() => void this.run(), HOUR_MS);
		this.timer.unref();
	}

	/** Stops the timer; resolves when a pass in progress has finished its current batch. */
	async stop(): Promise<void> {
		this.stopped = true;
		if (this.timer) clearInterval(this.timer);
		this.timer = null;
		await this.running;
	}

	/** One pass: deletes everything older than the cutoff; resolves with the number deleted. */
	run(): Promise<number> {
		this.running ??= this.pass().finally(() => (this.running = null));
		return this.running;
	}

	private async pass(): Promise<number> {
		const cutoff = this.now() - this.days * DAY_SECONDS;
		let total = 0;
		try {
			while (!this.stopped) {
				const changes = await this.maintenance.deleteMessagesBefore(cutoff, RETENTION_BATCH);
				total += changes;
				if (changes > 0) this.onDeleted(changes);
				if (changes < RETENTION_BATCH) break;
				await new Promise((resolve) => setImmediate(resolve));
			}
		} catch (err) {
			this.log.error({ err }, 'retention pass failed');
		}
		if (total > 0)
			this.log.info({ deleted: total, days: this.days }, 'retention: old messages deleted');
		return total;
	}
}
