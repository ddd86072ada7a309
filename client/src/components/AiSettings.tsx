/**
 * Settings: "Reply for me with AI while I'm offline" (DESIGN §9) — the switch, a persona
 * text and the chats it covers (all DMs or chosen ones), saved with `PATCH /api/me`; and
 * what the AI recently said on your behalf (`GET /api/ai/replies`). Shown as unavailable,
 * with the reason, when the server has no Gemini key (`GET /api/config` → `ai.available`).
 */
import { createMemo, createResource, createSignal, For, Show } from 'solid-js';
import type { AiRepliesResponse } from '#shared/api/ai';
import type { UserSettings } from '#shared/api/users';
import { useRooms, useSession, useSync } from '../stores/context.tsx';
import { createAction } from '../lib/action.ts';
import { shortTime } from '../lib/format.ts';
import { FormAlert } from './FormAlert.tsx';

type AiAutoReply = UserSettings['aiAutoReply'];

const PERSONA_MAX = 2000;

export function AiSettings() {
  const session = useSession();
  const rooms = useRooms();
  const sync = useSync();
  const action = createAction();

  const stored = (): AiAutoReply => session.user()?.settings.aiAutoReply ?? { enabled: false, persona: '', rooms: 'all' };
  const [enabled, setEnabled] = createSignal(stored().enabled);
  const [persona, setPersona] = createSignal(stored().persona);
  const [scope, setScope] = createSignal<'all' | 'chosen'>(stored().rooms === 'all' ? 'all' : 'chosen');
  const [chosen, setChosen] = createSignal<ReadonlySet<string>>(new Set(stored().rooms === 'all' ? [] : (stored().rooms as string[])));
  const [saved, setSaved] = createSignal(false);

  // null while the server's answer is unknown (first start offline): don't claim either way.
  const available = () => sync.config()?.ai.available ?? null;
  // Without a key nothing can be turned on, but a switch left on can still be turned off.
  const locked = () => (available() !== true && !stored().enabled) || action.busy();
  const dms = createMemo(() => rooms.rooms().filter((r) => r.kind === 'dm'));
  const [recent] = createResource(
    () => available() === true,
    async () => (await session.http.get<AiRepliesResponse>('/api/ai/replies', { limit: 10 })).replies,
  );

  function toggleRoom(id: string, on: boolean) {
    setSaved(false);
    setChosen((s) => {
      const next = new Set(s);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  }

  async function onSubmit(e: SubmitEvent) {
    e.preventDefault();
    setSaved(false);
    const aiAutoReply: AiAutoReply = {
      enabled: enabled(),
      persona: persona().trim(),
      rooms: scope() === 'all' ? 'all' : [...chosen()],
    };
    if (aiAutoReply.enabled && aiAutoReply.rooms !== 'all' && aiAutoReply.rooms.length === 0) {
      return action.setError('Choose at least one chat, or pick “All direct messages”.');
    }
    const me = await action.run(() => session.api.updateMe({ settings: { aiAutoReply } }));
    if (me) {
      session.setUser(me);
      setSaved(true);
    }
  }

  return (
    <section class="card" aria-labelledby="ai-title">
      <h3 id="ai-title">AI auto-reply</h3>
      <Show when={available() === false}>
        <p class="muted" role="status">
          Unavailable: this server has no Gemini API key (<code>GEMINI_API_KEY</code>), so nothing can answer for you. Ask
          whoever runs it to set one.
        </p>
      </Show>
      <form class="form" onSubmit={(e) => void onSubmit(e)} aria-describedby="ai-hint">
        <label class="switch-row">
          <input
            type="checkbox"
            role="switch"
            checked={enabled()}
            disabled={locked()}
            onChange={(e) => {
              setSaved(false);
              setEnabled(e.currentTarget.checked);
            }}
          />
          <span>
            Reply for me with AI while I'm offline
            <span class="muted switch-hint" id="ai-hint">
              When none of your devices has been online for a while, Google Gemini answers direct messages for you. Each
              reply is labelled “AI reply”; it never pretends to be you or promises anything, and never answers in groups.
            </span>
          </span>
        </label>
        <div class="field">
          <label for="ai-persona">How it should answer</label>
          <textarea
            id="ai-persona"
            class="ai-persona"
            rows={3}
            maxLength={PERSONA_MAX}
            placeholder="I'm on holiday until Monday; be brief and friendly."
            value={persona()}
            disabled={locked()}
            onInput={(e) => {
              setSaved(false);
              setPersona(e.currentTarget.value);
            }}
          />
          <p class="field-hint">
            {persona().length} / {PERSONA_MAX}
          </p>
        </div>
        <fieldset class="choice" disabled={locked()}>
          <legend>Chats it answers</legend>
          <label>
            <input type="radio" name="ai-scope" value="all" checked={scope() === 'all'} onChange={() => (setSaved(false), setScope('all'))} />
            <span>All direct messages</span>
          </label>
          <label>
            <input type="radio" name="ai-scope" value="chosen" checked={scope() === 'chosen'} onChange={() => (setSaved(false), setScope('chosen'))} />
            <span>Only the chats I choose</span>
          </label>
          <Show when={scope() === 'chosen'}>
            <Show when={dms().length > 0} fallback={<p class="muted">You have no direct messages yet.</p>}>
              <ul class="member-list" aria-label="Chats the AI answers">
                <For each={dms()}>
                  {(r) => (
                    <li class="member">
                      <label>
                        <input type="checkbox" checked={chosen().has(r.id)} onChange={(e) => toggleRoom(r.id, e.currentTarget.checked)} />
                        <span>{r.name}</span>
                      </label>
                    </li>
                  )}
                </For>
              </ul>
            </Show>
          </Show>
        </fieldset>
        <FormAlert message={action.error()} />
        <div class="form-actions">
          <button type="submit" class="btn btn-primary" disabled={locked()}>
            Save
          </button>
          <Show when={saved()}>
            <span class="muted" role="status">
              Saved
            </span>
          </Show>
        </div>
      </form>
      <Show when={(recent.latest ?? []).length > 0}>
        <h4 id="ai-recent-title" class="ai-recent-title">What the AI said for you</h4>
        <ul class="ai-recent" aria-labelledby="ai-recent-title">
          <For each={recent.latest}>
            {(r) => (
              <li>
                <span class="ai-recent-top">
                  <span class="ai-recent-to">To {r.to?.displayName ?? 'a deleted account'}</span>
                  <time class="muted" datetime={r.createdAt}>
                    {shortTime(r.createdAt)}
                  </time>
                </span>
                <span class="ai-recent-text" classList={{ muted: r.deleted }}>
                  {r.deleted ? 'message deleted' : r.text}
                </span>
              </li>
            )}
          </For>
        </ul>
      </Show>
    </section>
  );
}
