/** Any path the app does not know. */
import { A } from '@solidjs/router';

export default function NotFound() {
  return (
    <main class="auth-page">
      <div class="auth-card">
        <h1>Page not found</h1>
        <p>
          <A href="/">Back to your chats</A>
        </p>
      </div>
    </main>
  );
}
