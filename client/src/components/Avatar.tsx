/** A round badge with a name's initials, its colour stable per id. Decorative: the name is always shown beside it. */
import { mergeProps } from 'solid-js';

const HUES = [172, 200, 220, 260, 290, 330, 10, 30, 45, 140];

export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const letters = words.length > 1 ? [words[0]![0], words[words.length - 1]![0]] : [...(words[0] ?? '?')].slice(0, 2);
  return letters.join('').toUpperCase();
}

function hueOf(key: string): number {
  let h = 0;
  for (let i = 0; i < key.length; i++) h = (h * 31 + key.charCodeAt(i)) >>> 0;
  return HUES[h % HUES.length]!;
}

export function Avatar(props: { name: string; id: string; size?: 'sm' | 'md' | 'lg' }) {
  const p = mergeProps({ size: 'md' as const }, props);
  return (
    <span class={`avatar avatar-${p.size}`} style={{ '--avatar-hue': String(hueOf(p.id)) }} aria-hidden="true">
      {initials(p.name)}
    </span>
  );
}
