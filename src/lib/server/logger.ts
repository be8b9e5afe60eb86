import pino from 'pino';

/** JSON lines; never message text or passwords at info level. */
export function createLogger(level: string) {
	return pino({
		level,
		base: undefined,
		redact: { paths: ['password', '*.password', 'req.headers.cookie'], remove: true }
	});
}

export type Logger = ReturnType<typeof createLogger>;
