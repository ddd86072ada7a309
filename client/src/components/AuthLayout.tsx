/** The frame of the login and register pages: brand, a card, and a link to the other page. */
import type { JSX, ParentProps } from 'solid-js';
import { IconBubble } from './icons.tsx';

export function AuthLayout(props: ParentProps<{ title: string; footer: JSX.Element }>) {
  return (
    <main class="auth-page">
      <div class="auth-card">
        <div class="auth-brand">
          <span class="auth-logo">
            <IconBubble />
          </span>
          <p class="brand">Parley</p>
        </div>
        <h1>{props.title}</h1>
        {props.children}
        <p class="auth-footer">{props.footer}</p>
      </div>
    </main>
  );
}
