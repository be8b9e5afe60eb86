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
	// HTTP API
	'invalid_input',
	'taken',
	'wrong_credentials',
	'banned',
	'throttled',
	'registration_closed',
	'internal'
] as const;

export type ErrorCode = (typeof errorCodes)[number];
