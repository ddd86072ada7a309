/**
 * The header of a detail pane: a back link and a title. The default back link goes to the
 * chat list and shows on phones only; a `back` target (e.g. a room's info going back to
 * the room) shows on every screen size.
 */
import { A } from '@solidjs/router';
import type { JSX, ParentProps } from 'solid-js';
import { IconBack } from './icons.tsx';

export function PaneHeader(props: ParentProps<{ title: JSX.Element; sub?: JSX.Element; back?: { href: string; label: string } }>) {
  return (
    <header class="pane-header">
      <A href={props.back?.href ?? '/'} end class="icon-btn back-link" classList={{ 'back-link-always': !!props.back }} aria-label={props.back?.label ?? 'Back to chats'}>
        <IconBack />
      </A>
      <div class="pane-title">
        <h2>{props.title}</h2>
        {props.sub && <p class="muted">{props.sub}</p>}
      </div>
      {props.children}
    </header>
  );
}
