import { MAX_STATUS_CHARS } from '$lib/protocol/client';
import { ServiceError } from '../errors';

/** C0/C1 controls, line and paragraph separators, and bidi overrides: none belong in a status. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;

/** A status text: trimmed, at most MAX_STATUS_CHARS code points, no control characters. */
export function checkStatus(raw: unknown): string {
	if (typeof raw !== 'string')
		throw new ServiceError('invalid_input', 'status must be a string', 400, { field: 'status' });
	const status = raw.normalize('NFC').trim();
	if ([...status].length > MAX_STATUS_CHARS)
		throw new ServiceError('too_large', `A status is at most ${MAX_STATUS_CHARS} characters`, 400, {
			field: 'status',
			params: { max: MAX_STATUS_CHARS }
		});
	if (CONTROL.test(status))
		throw new ServiceError('invalid_input', 'A status cannot hold control characters', 400, {
			field: 'status'
		});
	return status;
}

/** An IANA time zone name Intl knows, in its canonical spelling; '' clears. */
export function checkTimeZone(raw: unknown): string {
	const bad = new ServiceError('invalid_input', 'time_zone must be an IANA time zone name', 400, {
		field: 'time_zone'
	});
	if (typeof raw !== 'string') throw bad;
	const zone = raw.trim();
	if (zone === '') return '';
	if (zone.length > 64 || !/^[A-Za-z0-9_+\-/]+$/.test(zone)) throw bad;
	try {
		return new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
	} catch {
		throw bad;
	}
}
