/** Settings: light, dark or the system's theme, applied at once and remembered on this device. */
import { createSignal, For } from 'solid-js';
import { setTheme, storedTheme, type ThemeChoice } from '../lib/theme.ts';

const CHOICES: { value: ThemeChoice; label: string }[] = [
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
  { value: 'system', label: 'System' },
];

export function ThemeSwitch() {
  const [choice, setChoice] = createSignal<ThemeChoice>(storedTheme());

  function pick(value: ThemeChoice) {
    setChoice(value);
    setTheme(value);
  }

  return (
    <section class="card" aria-labelledby="theme-title">
      <h3 id="theme-title">Appearance</h3>
      <fieldset class="segmented">
        <legend>Theme</legend>
        <div class="segmented-options">
          <For each={CHOICES}>
            {(c) => (
              <label>
                <input type="radio" name="theme" value={c.value} checked={choice() === c.value} onChange={() => pick(c.value)} />
                <span>{c.label}</span>
              </label>
            )}
          </For>
        </div>
      </fieldset>
      <p class="muted">System follows your device’s light or dark setting.</p>
    </section>
  );
}
