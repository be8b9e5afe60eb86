/** `q` as a LIKE pattern that matches it literally anywhere (with ESCAPE '\'). */
export function containsPattern(q: string): string {
	return `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
