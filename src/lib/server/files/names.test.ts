import { describe, expect, it } from 'vitest';
import { cleanFileName, contentDisposition } from './names';

describe('cleanFileName', () => {
	it.each([
		['report.pdf', 'report.pdf'],
		['../../etc/passwd', 'passwd'],
		['C:\\Users\\me\\photo.png', 'photo.png'],
		['a\u0000b\r\nc\u0007.txt', 'abc.txt'],
		['evil\u202egnp.exe', 'evilgnp.exe'],
		['  .hidden  ', 'hidden'],
		['...', 'file'],
		['', 'file'],
		['会议记录.docx', '会议记录.docx']
	])('%j → %j', (given, kept) => {
		expect(cleanFileName(given)).toBe(kept);
	});

	it('cuts long names to 200 characters and keeps the extension', () => {
		const name = cleanFileName(`${'x'.repeat(500)}.tar.gz`);
		expect([...name].length).toBe(200);
		expect(name.endsWith('.gz')).toBe(true);
	});
});

describe('contentDisposition', () => {
	it('gives an ASCII fallback and the UTF-8 name, with quotes made harmless', () => {
		expect(contentDisposition('attachment', 'a"b\\会.txt')).toBe(
			`attachment; filename="a_b__.txt"; filename*=UTF-8''a%22b%5C%E4%BC%9A.txt`
		);
	});
});
