// Fixed-memory latency histogram: 10 µs buckets up to 100 ms, 1 ms buckets up to 100 s.
// Recording is O(1) and allocation-free, so the load generator can record every delivery.

const FINE_STEP = 0.01; // ms
const FINE_LIMIT = 100; // ms
const FINE_BUCKETS = Math.round(FINE_LIMIT / FINE_STEP); // 10,000
const COARSE_STEP = 1; // ms
const COARSE_LIMIT = 100_000; // ms
const COARSE_BUCKETS = Math.round((COARSE_LIMIT - FINE_LIMIT) / COARSE_STEP); // 99,900

export class Histogram {
	constructor() {
		/** @type {Uint32Array} */
		this.fine = new Uint32Array(FINE_BUCKETS);
		/** @type {Uint32Array} */
		this.coarse = new Uint32Array(COARSE_BUCKETS + 1); // last bucket: overflow
		this.count = 0;
		this.sum = 0;
		this.min = Infinity;
		this.max = 0;
	}

	/** @param {number} ms */
	record(ms) {
		if (!(ms >= 0)) ms = 0; // negative (clock skew) or NaN: clamp
		this.count++;
		this.sum += ms;
		if (ms > this.max) this.max = ms;
		if (ms < this.min) this.min = ms;
		if (ms < FINE_LIMIT) this.fine[(ms / FINE_STEP) | 0]++;
		else {
			const i = Math.floor((ms - FINE_LIMIT) / COARSE_STEP);
			this.coarse[i < COARSE_BUCKETS ? i : COARSE_BUCKETS]++;
		}
	}

	/** @param {Histogram} other */
	merge(other) {
		for (let i = 0; i < FINE_BUCKETS; i++) this.fine[i] += other.fine[i];
		for (let i = 0; i <= COARSE_BUCKETS; i++) this.coarse[i] += other.coarse[i];
		this.count += other.count;
		this.sum += other.sum;
		this.max = Math.max(this.max, other.max);
		this.min = Math.min(this.min, other.min);
	}

	/**
	 * Upper edge of the bucket holding the p-th percentile (so never optimistic).
	 * @param {number} p 0..100
	 */
	percentile(p) {
		if (this.count === 0) return null;
		const rank = Math.max(1, Math.ceil((p / 100) * this.count));
		let seen = 0;
		for (let i = 0; i < FINE_BUCKETS; i++) {
			seen += this.fine[i];
			if (seen >= rank) return Math.min(this.max, (i + 1) * FINE_STEP);
		}
		for (let i = 0; i <= COARSE_BUCKETS; i++) {
			seen += this.coarse[i];
			if (seen >= rank) return Math.min(this.max, FINE_LIMIT + (i + 1) * COARSE_STEP);
		}
		return this.max;
	}

	summary() {
		const r = (/** @type {number | null} */ v) => (v == null ? null : Math.round(v * 1000) / 1000);
		return {
			count: this.count,
			mean: this.count ? r(this.sum / this.count) : null,
			p50: r(this.percentile(50)),
			p90: r(this.percentile(90)),
			p99: r(this.percentile(99)),
			p999: r(this.percentile(99.9)),
			max: this.count ? r(this.max) : null
		};
	}
}

/**
 * Percentiles of a small array of samples (connect times, HTTP timings).
 * @param {number[]} values
 */
export function summarize(values) {
	const r = (/** @type {number} */ v) => Math.round(v * 1000) / 1000;
	if (values.length === 0)
		return { count: 0, mean: null, p50: null, p90: null, p99: null, max: null };
	const sorted = Float64Array.from(values).sort();
	const at = (/** @type {number} */ p) =>
		sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
	let sum = 0;
	for (const v of sorted) sum += v;
	return {
		count: sorted.length,
		mean: r(sum / sorted.length),
		p50: r(at(50)),
		p90: r(at(90)),
		p99: r(at(99)),
		max: r(sorted[sorted.length - 1])
	};
}
