/** Error codes of PROTOCOL.md §8, plus the HTTP API's own (§9). */
export const errorCodes = [
	'invalid_json',
	'invalid_message',
	'unknown_type',
	'invalid_name',
	'too_large',
	'empty',
	'rate_limited',
	'not_found',
	'forbidden',
	'muted',
	'unauthorized',
	// The store (or, with several processes, what joins them) cannot take the request now;
	// nothing of it was committed: send it again later (docs/protocol.md, §14).
	'unavailable',
	// HTTP API
	'invalid_input',
	'taken',
	'wrong_credentials',
	'banned',
	'throttled',
	'registration_closed',
	// Account security (docs/protocol.md): login after an admin's reset, and a form's
	// "confirm password" that differs.
	'password_change_required',
	'password_mismatch',
	// Profiles: an avatar that is not a PNG, JPEG, GIF or WebP image that decodes.
	'not_an_image',
	// A write into an archived room (read-only until unarchived; docs/protocol.md, issue 15).
	'archived',
	'internal'
] as const;

export type ErrorCode = (typeof errorCodes)[number];

/**
 * Parameters an error carries beside `code` and the English `message`, so clients render
 * it in their own language: `until` (unix seconds) and `retry_after` (seconds) for `muted`
 * and `rate_limited`, `max` (characters or bytes) for `too_large`. Old clients ignore them.
 */
export interface ErrorParams {
	until?: number;
	retry_after?: number;
	max?: number;
	/** `banned` at login: the ban's reason (an admin's words, shown as they are). */
	reason?: string;
}
