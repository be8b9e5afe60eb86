/**
 * Message Markdown, as people know it from Slack or Mattermost, parsed by markdown-it into a
 * small tree that MarkdownNodes.svelte renders as Svelte elements. User text never becomes
 * HTML: raw HTML is off (an `<img onerror>` stays text), and the tree only has the node types
 * below, each rendered by a fixed template.
 *
 * markdown-it was chosen over marked because it stays linear on pathological input (marked
 * took 13 ms for a URL followed by 4,000 ")" and 204 ms for 16,000, and overflowed the stack
 * on 2,000 nested quotes) and it bounds nesting (`maxNesting`), which also bounds how deep
 * the recursive component goes.
 */
import MarkdownIt from 'markdown-it';
import type { Token } from 'markdown-it';
import { isImageUrl, safeHref } from './text';

type Container = 'p' | 'strong' | 'em' | 's' | 'blockquote' | 'ul' | 'li' | 'span';

export type MdNode =
	| { type: 'text'; text: string }
	| { type: 'br' }
	| { type: 'code'; text: string }
	| { type: 'fence'; text: string; lang: string }
	| { type: 'link'; href: string; children: MdNode[] }
	| { type: 'ol'; start: number; children: MdNode[] }
	| { type: Container; children: MdNode[] };

export interface ParsedMessage {
	nodes: MdNode[];
	/** Image URLs linked in the text, in order, without repeats (shown as previews). */
	images: string[];
}

/** At most this many image previews under one message. */
const MAX_IMAGES = 3;

const md = new MarkdownIt('default', {
	html: false,
	linkify: true,
	breaks: true,
	typographer: false
})
	// Chat is not a document: "# 1" or "---" under a line, a four-space indent, a table or a
	// reference definition would surprise. Images are previews (click to load), not inline.
	.disable(['table', 'code', 'hr', 'reference', 'heading', 'lheading', 'image']);
// `www.` links, as in Slack; bare domains ("setup.py") are dropped again in `link` below.
md.linkify.set({ fuzzyLink: true, fuzzyEmail: true });

const CONTAINERS: Record<string, Container> = {
	paragraph_open: 'p',
	strong_open: 'strong',
	em_open: 'em',
	s_open: 's',
	blockquote_open: 'blockquote',
	bullet_list_open: 'ul',
	list_item_open: 'li'
};

type Parent = { children: MdNode[] };

export function parseMessage(text: string): ParsedMessage {
	const images: string[] = [];
	const root: Parent = { children: [] };
	// Every opening token pushes the node its children go into; a closing token pops it.
	// Hidden tokens (the paragraphs of a tight list) and refused links push their parent
	// again, so the stack stays balanced and their text lands in the parent.
	const stack: Parent[] = [root];
	const top = () => stack[stack.length - 1];

	function add(node: MdNode) {
		top().children.push(node);
	}

	function open(token: Token, next: Token | undefined) {
		let node: MdNode | null = null;
		if (token.hidden) node = null;
		else if (token.type === 'ordered_list_open')
			node = { type: 'ol', start: Number(token.attrGet('start') ?? 1) || 1, children: [] };
		else if (token.type === 'link_open') node = link(token, next?.content ?? '');
		else node = { type: CONTAINERS[token.type] ?? 'span', children: [] };
		if (node) {
			add(node);
			stack.push(node as Parent);
		} else stack.push(top());
	}

	/** `text` is what the link shows: for an autolinked URL, the URL as written. */
	function link(token: Token, text: string): MdNode | null {
		let raw = String(token.attrGet('href') ?? '');
		if (token.markup === 'linkify' && !/^[a-z][a-z0-9+.-]*:/i.test(text)) {
			// linkify's fuzzy mode links any word that looks like a domain ("setup.py",
			// "notes.md"); as in Slack only `www.` hosts become links without a scheme (over
			// https), and e-mail addresses (as mailto:).
			if (/^www\./i.test(text)) raw = `https://${text}`;
			else if (!raw.startsWith('mailto:')) return null;
		}
		const href = safeHref(raw);
		if (!href) return null;
		if (isImageUrl(href) && images.length < MAX_IMAGES && !images.includes(href)) images.push(href);
		return { type: 'link', href, children: [] };
	}

	function walk(tokens: Token[]) {
		for (let i = 0; i < tokens.length; i++) {
			const token = tokens[i];
			if (token.nesting === 1) open(token, tokens[i + 1]);
			else if (token.nesting === -1) {
				if (stack.length > 1) stack.pop();
			} else if (token.type === 'inline') walk(token.children ?? []);
			else if (token.type === 'text') addText(token.content);
			else if (token.type === 'softbreak' || token.type === 'hardbreak') add({ type: 'br' });
			else if (token.type === 'code_inline') add({ type: 'code', text: token.content });
			else if (token.type === 'fence')
				add({
					type: 'fence',
					text: token.content.replace(/\n$/, ''),
					lang: token.info.trim().split(/\s/, 1)[0] ?? ''
				});
			else if (token.content) addText(token.content);
		}
	}

	/** Adjacent text becomes one node (fewer DOM nodes, and tests can find whole phrases). */
	function addText(text: string) {
		const siblings = top().children;
		const last = siblings[siblings.length - 1];
		if (last?.type === 'text') last.text += text;
		else siblings.push({ type: 'text', text });
	}

	walk(md.parse(text, {}));
	return { nodes: root.children, images };
}
