/** The header of a detail pane: a back link to the chat list (phone layout only) and a title. */
import { A } from '@solidjs/router';
import type { JSX, ParentProps } from 'solid-js';
import { IconBack } from './icons.tsx';

export function PaneHeader(props: ParentProps<{ title: JSX.Element; sub?: JSX.Element }>) {
  return (
    <header class="pane-header">
      <A href="/" class="icon-btn back-link" aria-label="Back to chats">
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
