// validateSession(token, { touch: false }): the check an open event stream makes every few seconds.
// It answers exactly as a validation does, but is not activity: it never moves lastSeenAt, so a
// connected-but-idle caller still reaches the idle timeout.
import { describe, expect, it } from "vitest";
import { MINUTE } from "../fake-clock.js";
import type { ContractContext } from "./context.js";
import { makeUser } from "./fixtures.js";

export function validateUntouchedContract(t: ContractContext): void {
  describe("validate without touching", () => {
    it("answers like validateSession but leaves lastSeenAt, so the idle timeout still applies", async () => {
      const service = t.withConfig({ idleTimeoutMs: 30 * MINUTE, touchIntervalMs: MINUTE });
      const user = await makeUser(service);
      const { token, session } = await service.createSession({ userId: user.id });
      const createdAt = session.lastSeenAt.getTime();
      for (let i = 0; i < 5; i++) {
        t.clock.advance(5 * MINUTE);
        const checked = await service.validateSession(token, { touch: false });
        expect(checked?.session.id).toBe(session.id);
        expect(checked?.session.lastSeenAt.getTime()).toBe(createdAt);
        expect((await service.getSessionInfo(session.id))?.lastSeenAt.getTime()).toBe(createdAt);
      }
      t.clock.advance(6 * MINUTE); // 31 minutes without activity
      expect(await service.validateSession(token, { touch: false })).toBeNull();
      expect(await service.validateSession(token)).toBeNull();
    });

    it("an ordinary validation still touches (the default is unchanged)", async () => {
      const service = t.withConfig({ idleTimeoutMs: 30 * MINUTE, touchIntervalMs: MINUTE });
      const user = await makeUser(service);
      const { token } = await service.createSession({ userId: user.id });
      t.clock.advance(20 * MINUTE);
      expect((await service.validateSession(token))?.session.lastSeenAt).toEqual(t.clock.now());
      t.clock.advance(20 * MINUTE);
      expect(await service.validateSession(token)).not.toBeNull();
    });
  });
}
