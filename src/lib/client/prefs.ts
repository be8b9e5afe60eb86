/** Theme choice: stored in a cookie so the server renders the first paint in it. */
export type Theme = 'light' | 'dark';

export function currentTheme(): Theme {
	const set = document.documentElement.dataset.theme;
	if (set === 'light' || set === 'dark') return set;
	return matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

export function applyTheme(theme: Theme): void {
	document.documentElement.dataset.theme = theme;
	document.cookie = `theme=${theme}; path=/; max-age=31536000; samesite=lax`;
}
