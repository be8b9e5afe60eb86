import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const script = join(import.meta.dirname, '../../scripts/check-cycles.js');
let dirs: string[] = [];

/** A throw-away src/ tree: file path → contents. */
function tree(files: Record<string, string>): string {
	const src = join(mkdtempSync(join(tmpdir(), 'cycles-')), 'src');
	dirs.push(dirname(src));
	for (const [path, text] of Object.entries(files)) {
		mkdirSync(dirname(join(src, path)), { recursive: true });
		writeFileSync(join(src, path), text);
	}
	return src;
}

async function check(src: string): Promise<{ code: number; out: string }> {
	try {
		const { stdout } = await run('node', [script, src]);
		return { code: 0, out: stdout };
	} catch (err) {
		const e = err as { code: number; stdout: string };
		return { code: e.code, out: e.stdout };
	}
}

afterEach(() => {
	for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
	dirs = [];
});

describe('scripts/check-cycles.js', () => {
	it('finds a type-only cycle through $lib, a re-export and a dynamic import', async () => {
		const src = tree({
			'lib/a.ts': "import type { B } from '$lib/b';\nexport type A = B;\n",
			'lib/b.ts': "export * from './c';\nexport type B = number;\n",
			'lib/c.ts': "export const load = () => import('./a.js');\n"
		});
		const { code, out } = await check(src);
		expect(code).toBe(1);
		expect(out).toContain('Cycle 1 (3 files):');
		expect(out).toContain('src/lib/a.ts → src/lib/b.ts');
		expect(out).toContain('src/lib/b.ts → src/lib/c.ts');
		expect(out).toContain('src/lib/c.ts → src/lib/a.ts');
	});

	it('finds a .svelte component that imports itself from its <script>', async () => {
		const src = tree({
			'lib/Tree.svelte':
				'<script lang="ts">\n\timport Tree from \'./Tree.svelte\';\n</script>\n<Tree />\n'
		});
		const { code, out } = await check(src);
		expect(code).toBe(1);
		expect(out).toContain('Cycle 1 (a self-import):');
	});

	it('passes an acyclic tree; comments, packages and $app imports are not edges', async () => {
		const src = tree({
			'lib/a.ts':
				"import { z } from 'zod';\nimport { page } from '$app/state';\n// import { b } from './b';\n/* import './b'; */\nexport const a = 1;\n",
			'lib/b.ts': "import { a } from './a';\nexport const b = a + 'https://x.test/a';\n"
		});
		const { code, out } = await check(src);
		expect(out).toContain('No import cycles');
		expect(code).toBe(0);
	});
});
