/**
 * Blocking or unblocking someone after a confirmation, the same way from a DM's header
 * and from their contact info (issue 7).
 */
import type { UserId } from '#shared/ids';
import type { BlocksStore } from '../stores/blocks.ts';
import type { Confirm } from '../components/ConfirmDialog.tsx';
import type { Action } from './action.ts';

/** Asks, then blocks or unblocks `user` (errors land in `action`). */
export async function toggleBlock(confirm: Confirm, blocks: BlocksStore, action: Action, user: { id: string; displayName: string }): Promise<void> {
  const name = user.displayName;
  const id = user.id as UserId;
  if (blocks.isBlocked(id)) {
    const ok = await confirm.ask({ title: `Unblock ${name}?`, body: 'They will be able to message you again.', confirmLabel: 'Unblock' });
    if (ok) await action.run(() => blocks.unblock(id));
    return;
  }
  const ok = await confirm.ask({
    title: `Block ${name}?`,
    body: 'They won’t be able to message you or see when you are online, and their messages in groups are hidden from you.',
    confirmLabel: 'Block',
    danger: true,
  });
  if (ok) await action.run(() => blocks.block(id));
}
