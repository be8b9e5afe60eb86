// Scenario 7 (issue 11): scenario 3's sweep with 1 in 10 operations a change — an edit of
// one of the sender's recent messages or a reaction toggle on one, half each. Deliveries
// count every event delivered (messages, `message_edited`, `reaction`). The bare `ws` server
// knows no changes, so the figure is judged against scenario 3 of the same run: within 10 %
// of its send-only saturation and ≥ 2.5 × its baseline.

import { saturationSweep } from './s3-saturation.js';

/** @param {import('../lib/context.js').Bench} bench */
export default (bench) => ({
	id: 7,
	title: 'scenario 3 with 1 in 10 operations an edit or a reaction toggle',
	goal: 'saturation deliveries/s ≥ 0.9 × scenario 3 (send-only) and ≥ 2.5 × bare ws baseline, same run',
	targets: ['ours'],
	run: async () => ({ ...(await saturationSweep(bench, 'ours', { changeEvery: 10 })), pass: null })
});

/**
 * Once scenario 3 ran in the same run: the ratios decide the pass (without it, none).
 * @param {Record<string, any>} entry scenario 7's results @param {Record<string, any> | undefined} s3
 */
export function compareToSendOnly(entry, s3) {
	const ours = entry.ours;
	const sendOnly = s3?.ours?.saturation_deliveries_per_s;
	const baseline = s3?.baseline?.saturation_deliveries_per_s;
	if (ours?.saturation_deliveries_per_s == null || !sendOnly || !baseline) {
		if (ours) ours.text += ' — run with --scenario 3,7 to judge it';
		return;
	}
	const ratio = (/** @type {number} */ x) =>
		Math.round((ours.saturation_deliveries_per_s / x) * 100) / 100;
	entry.ratio_to_send_only = ratio(sendOnly);
	entry.ratio = ratio(baseline);
	ours.pass = entry.ratio_to_send_only >= 0.9 && entry.ratio >= 2.5 && ours.ok;
	entry.pass = ours.pass;
	ours.text += ` — ${entry.ratio_to_send_only} × send-only, ${entry.ratio} × baseline`;
}
