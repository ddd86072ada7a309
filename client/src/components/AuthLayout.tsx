/**
 * The frame of the login and register pages (and of the other-tab screen): brand, a card,
 * and below it, when given, a footer such as the link to the other page.
 */
import { Show, type JSX, type ParentProps } from 'solid-js';
import { IconBubble } from './icons.tsx';

export function AuthLayout(props: ParentProps<{ title: string; footer?: JSX.Element; class?: string }>) {
  return (
    <main class="auth-page">
      <div class={props.class ? `auth-card ${props.class}` : 'auth-card'}>
        <div class="auth-brand">
          <span class="auth-logo">
            <IconBubble />
          </span>
          <p class="brand">Parley</p>
        </div>
        <h1>{props.title}</h1>
        {props.children}
        <Show when={props.footer}>
          <p class="auth-footer">{props.footer}</p>
        </Show>
      </div>
    </main>
  );
}
