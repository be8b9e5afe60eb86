import pino from 'pino';

/**
 * JSON lines on stdout (one object per line, for any log shipper). Under `npm run dev`
 * (Vite's dev server) they are pretty-printed instead. Never message text or passwords
 * at info level: request logs carry method, path, status and ids only, and the fields
 * below are removed wherever they appear.
 */
export function createLogger(level: string, processId?: string) {
	return pino({
		level,
		// With several processes, every line says which one wrote it (PROCESS_ID).
		base: processId ? { process: processId } : undefined,
		redact: {
			paths: ['password', '*.password', 'content', '*.content', 'req.headers.cookie'],
			remove: true
		},
		...(import.meta.env?.MODE === 'development' ? { transport: { target: 'pino-pretty' } } : {})
	});
}

export type Logger = ReturnType<typeof createLogger>;
