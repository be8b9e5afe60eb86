// The scenarios of issue 6 (and 7, issue 11's changes; 8, issue 12's two processes; 9–12,
// issue 13's connect storm, big room, login and restart storms; 13–14, issue 14's search and
// upload memory), in the
// order they run. Each file exports a factory that takes the runner's context (options,
// temporary files) and returns { id, title, goal, targets, run } and, for a scenario that
// needs services the machine may lack (8), `available()`: null, or why the full bench skips it.

import s1 from './s1-small-room.js';
import s2 from './s2-thousand-clients.js';
import s3 from './s3-saturation.js';
import s4 from './s4-idle-memory.js';
import s5 from './s5-commit-throughput.js';
import s6 from './s6-history-page.js';
import s7 from './s7-changes.js';
import s8 from './s8-two-processes.js';
import s9 from './s9-connect-storm.js';
import s10 from './s10-big-room.js';
import s11 from './s11-login-storm.js';
import s12 from './s12-restart-storm.js';
import s13 from './s13-search.js';
import s14 from './s14-upload-memory.js';

/** @param {import('../lib/context.js').Bench} bench */
export const scenarios = (bench) =>
	[s1, s2, s3, s4, s5, s6, s7, s8, s9, s10, s11, s12, s13, s14].map((define) => define(bench));
