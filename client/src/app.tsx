/**
 * The app: stores, the service-worker update prompt, and the routes of DESIGN §8. Screens
 * of the signed-in part render inside AppShell (chat list beside them on wide screens).
 */
import { Route, Router, type RouteSectionProps } from '@solidjs/router';
import { createEffect, ErrorBoundary, lazy, Match, Switch } from 'solid-js';
import { StoresProvider, useRooms, useSession, useTab } from './stores/context.tsx';
import { AppShell } from './components/AppShell.tsx';
import { UpdatePrompt } from './components/UpdatePrompt.tsx';
import { AppBadge } from './components/AppBadge.tsx';
import { OtherTab } from './components/OtherTab.tsx';
import ChatsHome from './routes/chats.tsx';
import NotFound from './routes/not-found.tsx';

// Screens one does not need at start-up load on demand (the chat list starts faster
// without their code: zod forms, the room's virtualiser and components).
const Login = lazy(() => import('./routes/login.tsx'));
const Register = lazy(() => import('./routes/register.tsx'));
const NewChat = lazy(() => import('./routes/new-chat.tsx'));
const Settings = lazy(() => import('./routes/settings.tsx'));
const RoomInfo = lazy(() => import('./routes/room-info.tsx'));
const Invite = lazy(() => import('./routes/invite.tsx'));
const loadRoom = () => import('./routes/room.tsx');
const RoomView = lazy(loadRoom);

function Root(props: RouteSectionProps) {
  return (
    <ErrorBoundary fallback={(err, reset) => <Crash error={err} reset={reset} />}>
      <StoresProvider>
        <StartGate>{props.children}</StartGate>
        <AppBadge />
      </StoresProvider>
      <UpdatePrompt />
    </ErrorBoundary>
  );
}

/**
 * Nothing is routed until the session knows whether a login can be restored, nor while
 * another tab is the active Parley for the user: this tab then shows no screen that could
 * write (DESIGN §8, one writing tab).
 */
function StartGate(props: { children: RouteSectionProps['children'] }) {
  const session = useSession();
  const rooms = useRooms();
  const tab = useTab();
  const signedIn = () => session.status() === 'signed-in';
  // The room screen is fetched once the list has painted, so a tap on a chat finds it ready.
  createEffect(() => {
    if (rooms.loaded()) requestAnimationFrame(() => setTimeout(() => void loadRoom(), 0));
  });
  return (
    <Switch>
      <Match when={session.status() === 'starting'}><Splash /></Match>
      <Match when={signedIn() && (tab.state() === 'elsewhere' || tab.state() === 'claiming')}>
        <OtherTab />
      </Match>
      <Match when={signedIn() && !tab.active()}><Splash /></Match>
      <Match when={true}>{props.children}</Match>
    </Switch>
  );
}

function Splash() {
  return (
    <div class="splash" role="status">
      <span class="brand">Parley</span>
      <span class="sr-only">Loading</span>
    </div>
  );
}

function Crash(props: { error: unknown; reset: () => void }) {
  return (
    <main class="auth-page">
      <div class="auth-card" role="alert">
        <h1>Something went wrong</h1>
        <p class="muted">{props.error instanceof Error ? props.error.message : String(props.error)}</p>
        <button type="button" class="btn btn-primary" onClick={() => props.reset()}>
          Try again
        </button>
      </div>
    </main>
  );
}

export function App() {
  return (
    <Router root={Root}>
      <Route path="/login" component={Login} />
      <Route path="/register" component={Register} />
      <Route path="/" component={AppShell}>
        <Route path="/" component={ChatsHome} />
        <Route path="/r/:roomId" component={RoomView} />
        <Route path="/r/:roomId/info" component={RoomInfo} />
        <Route path="/invite/:token" component={Invite} />
        <Route path="/new" component={NewChat} />
        <Route path="/settings" component={Settings} />
      </Route>
      <Route path="*" component={NotFound} />
    </Router>
  );
}
