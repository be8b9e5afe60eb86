import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The storage seam (docs/architecture.md, "Storage"): SQL and the database handles live in
 * the implementation folders, src/lib/server/storage/sqlite/ and storage/postgres/, only.
 * Everything else goes through the repository interfaces, so either implementation can take
 * the other's place. A simple text scan of the code (comments left out), so a slip shows up
 * here with the file and line.
 */
const ROOT = join(import.meta.dirname, '../..');
const SRC = join(ROOT, 'src');
const IMPLEMENTATIONS = ['src/lib/server/storage/sqlite/', 'src/lib/server/storage/postgres/'];
/** Generated code, not ours. */
const SKIPPED = ['src/lib/paraglide/'];
const CODE = /\.(ts|js|svelte)$/;

const FORBIDDEN: [string, RegExp][] = [
	['a prepared statement', /\.prepare\(/],
	['the better-sqlite3 driver', /better-sqlite3/],
	['the postgres driver', /from ['"]postgres['"]|\bsql\.begin\(|\.unsafe\(/],
	['drizzle-orm', /drizzle-orm/],
	['the drizzle client handle', /\.\$client\b/],
	['SQL', /\b(SELECT|INSERT INTO|UPDATE \w+ SET|DELETE FROM)\b/]
];

function files(dir: string): string[] {
	return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
		const path = join(dir, entry.name);
		return entry.isDirectory() ? files(path) : CODE.test(entry.name) ? [path] : [];
	});
}

/** Blanks out comments (keeping line numbers), so prose about SQL is allowed. */
function withoutComments(text: string): string {
	return text
		.replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' '))
		.replace(/<!--[\s\S]*?-->/g, (c) => c.replace(/[^\n]/g, ' '))
		.replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
}

describe('the storage seam', () => {
	it('keeps SQL and the database handles inside storage/sqlite/ and storage/postgres/', () => {
		const offenders: string[] = [];
		for (const file of files(SRC)) {
			const path = relative(ROOT, file).split('\\').join('/');
			if ([...IMPLEMENTATIONS, ...SKIPPED].some((s) => path.startsWith(s))) continue;
			const lines = withoutComments(readFileSync(file, 'utf8')).split('\n');
			lines.forEach((line, i) => {
				for (const [what, pattern] of FORBIDDEN) {
					if (pattern.test(line)) offenders.push(`${path}:${i + 1}: ${what}: ${line.trim()}`);
				}
			});
		}
		expect(
			offenders,
			`Only ${IMPLEMENTATIONS.join(' and ')} may hold SQL or touch the database; use a repository (src/lib/server/storage/) instead:\n${offenders.join('\n')}`
		).toEqual([]);
	});

	it('finds what it looks for (the scan itself works)', () => {
		const sample = withoutComments(
			"// SELECT in a comment\nconst q = db.prepare('SELECT 1');\n/* DELETE FROM x */\nimport postgres from 'postgres';"
		).split('\n');
		expect(FORBIDDEN.filter(([, p]) => sample.some((l) => p.test(l))).map(([w]) => w)).toEqual([
			'a prepared statement',
			'the postgres driver',
			'SQL'
		]);
	});
});
