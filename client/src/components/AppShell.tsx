/**
 * The signed-in layout: the chat list on the left and the open screen on the right; on a
 * phone one of the two at a time (the list at `/`, the screen elsewhere). Sends signed-out
 * visitors to the login page.
 */
import { A, Navigate, useLocation, type RouteSectionProps } from '@solidjs/router';
import { Show } from 'solid-js';
import { useSession } from '../stores/context.tsx';
import { ChatList } from './ChatList.tsx';
import { ConnectionBanner } from './ConnectionBanner.tsx';
import { IconPlus, IconSettings } from './icons.tsx';

export function AppShell(props: RouteSectionProps) {
  const session = useSession();
  const location = useLocation();
  const loginHref = () => (location.pathname === '/' ? '/login' : `/login?next=${encodeURIComponent(location.pathname)}`);

  return (
    <Show when={session.status() === 'signed-in'} fallback={<Navigate href={loginHref()} />}>
      <div class="shell" data-view={location.pathname === '/' ? 'list' : 'detail'}>
        <ConnectionBanner />
        <aside class="pane-list">
          <header class="app-header">
            <h1 class="brand">Parley</h1>
            <A href="/new" class="btn btn-primary btn-sm">
              <IconPlus />
              New chat
            </A>
            <A href="/settings" class="icon-btn" aria-label="Settings" activeClass="active">
              <IconSettings />
            </A>
          </header>
          <ChatList />
        </aside>
        <main class="pane-main" id="main">
          {props.children}
        </main>
      </div>
    </Show>
  );
}
