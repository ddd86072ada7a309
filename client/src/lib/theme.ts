/**
 * The colour theme: light, dark or the system's, remembered per device in localStorage and
 * applied as `data-theme` on <html> (theme.css reads it; no attribute means "system").
 * `initTheme()` runs in main.tsx before the first render, so a forced theme never flashes
 * the other one (the CSP forbids an inline script in index.html).
 */
export const ThemeChoice = { light: 'light', dark: 'dark', system: 'system' } as const;
export type ThemeChoice = (typeof ThemeChoice)[keyof typeof ThemeChoice];

const STORAGE_KEY = 'parley.theme';
/** The browser chrome colour of each theme (index.html has the same two per colour scheme). */
const CHROME_COLOUR = { light: '#0f766e', dark: '#151f1e' } as const;

function isChoice(v: unknown): v is ThemeChoice {
  return v === 'light' || v === 'dark' || v === 'system';
}

export function storedTheme(): ThemeChoice {
  try {
    const v = localStorage.getItem(STORAGE_KEY);
    return isChoice(v) ? v : 'system';
  } catch {
    // Storage can be disabled; the system theme is a fine default.
    return 'system';
  }
}

export function applyTheme(choice: ThemeChoice, doc: Document = document): void {
  const root = doc.documentElement;
  if (choice === 'system') root.removeAttribute('data-theme');
  else root.setAttribute('data-theme', choice);
  // The <meta name="theme-color"> pair follows prefers-color-scheme; a forced theme
  // overrides both so the title bar matches the page.
  for (const meta of doc.querySelectorAll<HTMLMetaElement>('meta[name="theme-color"]')) {
    const scheme = meta.media.includes('dark') ? 'dark' : 'light';
    meta.content = CHROME_COLOUR[choice === 'system' ? scheme : choice];
  }
}

/** Remembers and applies a choice. */
export function setTheme(choice: ThemeChoice): void {
  try {
    if (choice === 'system') localStorage.removeItem(STORAGE_KEY);
    else localStorage.setItem(STORAGE_KEY, choice);
  } catch {
    // Not persisted; still applied for this page.
  }
  applyTheme(choice);
}

/** Applies the stored choice now and follows changes made in other tabs. */
export function initTheme(): void {
  applyTheme(storedTheme());
  window.addEventListener('storage', (e) => {
    if (e.key === STORAGE_KEY || e.key === null) applyTheme(storedTheme());
  });
}
