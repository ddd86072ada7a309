/** Message text with safe, clickable http(s) links (text nodes and anchors, no innerHTML). */
import { For } from 'solid-js';
import { splitLinks } from '../../lib/links.ts';

export function Linkified(props: { text: string }) {
  return (
    <For each={splitLinks(props.text)}>
      {(p) =>
        p.kind === 'link' ? (
          <a href={p.href} target="_blank" rel="noopener noreferrer nofollow">
            {p.text}
          </a>
        ) : (
          p.text
        )
      }
    </For>
  );
}
