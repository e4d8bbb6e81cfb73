// Recent sign-in, the console's half. The API refuses a dangerous change (creating a key, creating
// or promoting an operator, disabling one) with data.reauthRequired when the password was last
// checked longer ago than CONSOLE_REAUTH_WINDOW. Rather than show that refusal, the console asks for
// the password (auth.reauthenticate) and sends the same change again, once: the person sees one
// prompt in the middle of what they were doing, not an error and a second try by hand.
import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from "react";
import { ReauthDialog } from "@/components/reauth-dialog";
import { isReauthRequired } from "./errors";

/** Resolves true once the password is confirmed, false when the prompt is dismissed. */
type Confirm = () => Promise<boolean>;

const ReauthContext = createContext<Confirm | null>(null);

/** Holds the one password prompt of a signed-in console (components/app-shell.tsx). */
export function ReauthProvider({ children }: { children: ReactNode }) {
  const [open, setOpen] = useState(false);
  // Two changes refused at once share one prompt: both wait on the same confirmation.
  const pending = useRef<{ promise: Promise<boolean>; resolve: (confirmed: boolean) => void } | null>(null);

  const confirm = useCallback<Confirm>(() => {
    if (!pending.current) {
      let resolve!: (confirmed: boolean) => void;
      const promise = new Promise<boolean>((res) => (resolve = res));
      pending.current = { promise, resolve };
      setOpen(true);
    }
    return pending.current.promise;
  }, []);

  const settle = useCallback((confirmed: boolean) => {
    const current = pending.current;
    pending.current = null;
    setOpen(false);
    current?.resolve(confirmed);
  }, []);

  return (
    <ReauthContext.Provider value={confirm}>
      {children}
      <ReauthDialog open={open} onConfirmed={() => settle(true)} onDismiss={() => settle(false)} />
    </ReauthContext.Provider>
  );
}

type AsyncFn = (...args: never[]) => Promise<unknown>;

/**
 * Wraps a mutation's options so a reauthRequired refusal opens the password prompt and, once it is
 * confirmed, sends the same input again. Dismissing the prompt fails the mutation with the API's
 * refusal, so its onError says nothing was changed.
 */
export function useWithReauth() {
  const confirm = useContext(ReauthContext);
  if (!confirm) throw new Error("useWithReauth needs a ReauthProvider above it (components/app-shell.tsx).");
  return useMemo(
    () =>
      <O extends { mutationFn?: AsyncFn }>(options: O): O => {
        const run = options.mutationFn;
        if (!run) return options;
        const mutationFn = async (...args: Parameters<typeof run>) => {
          try {
            return await run(...args);
          } catch (error) {
            // Dismissed: the API's refusal stands, and onError says nothing was changed.
            if (!isReauthRequired(error) || !(await confirm())) throw error;
            // Once: a second refusal (the window is shorter than the round trip) is shown as is.
            return run(...args);
          }
        };
        return { ...options, mutationFn };
      },
    [confirm],
  );
}
