/**
 * A signed-in user changes their own password (security issue #13, finding 10). Proving the current password goes
 * through the sign-in throttle, so a stolen, unattended session cannot be used to guess it faster than a sign-in
 * could; the change ends the user's other sessions (wherever else the old password was used), not this one.
 */
import { forgetSessions, hashToken } from '../../platform/auth.js';
import { appendAudit } from '../../platform/audit.js';
import type { AppContext } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { l } from '../../platform/messages.js';
import { hashPassword, passwordProblem, verifyPassword } from '../../platform/passwords.js';
import type { Actor } from '../../platform/policies.js';
import * as throttle from './login-throttle.service.js';
import * as repo from './users.repo.js';

export async function changeOwnPassword(
  ctx: AppContext,
  actor: Actor,
  sessionToken: string,
  input: { currentPassword: string; newPassword: string },
  ip: string,
): Promise<void> {
  const user = await repo.findUserById(ctx.db, actor.id);
  if (!user) throw new AppError('UNAUTHENTICATED');
  const attempt = await throttle.beginAttempt(ctx, user.username, ip);
  if (!(await verifyPassword(user.password_hash, input.currentPassword))) {
    await throttle.attemptFailed(ctx, attempt, { action: 'auth.password_change_failed', actor, targetType: 'user', targetId: user.id });
    throw AppError.invalidField('body.currentPassword', l('当前密码不正确', 'The current password is not correct'));
  }
  await throttle.attemptSucceeded(ctx, attempt);
  const problem = passwordProblem(input.newPassword);
  if (problem) throw AppError.invalidField('body.newPassword', problem);
  if (input.newPassword === input.currentPassword) {
    throw AppError.invalidField('body.newPassword', l('新密码不能与当前密码相同', 'The new password must differ from the current one'));
  }
  const passwordHash = await hashPassword(input.newPassword);
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    await repo.updatePassword(trx, user.id, passwordHash, now);
    await repo.revokeOtherSessions(trx, user.id, hashToken(sessionToken), now);
    await appendAudit(trx, ctx.clock, { action: 'auth.password_changed', actor, targetType: 'user', targetId: user.id, ip });
  });
  forgetSessions(ctx.db);
}
