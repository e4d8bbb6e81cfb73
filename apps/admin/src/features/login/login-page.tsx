import { useMutation, useQueryClient } from "@tanstack/react-query";
import { getRouteApi, useRouter } from "@tanstack/react-router";
import { Loader2Icon } from "lucide-react";
import { useId, useRef, useState, type FormEvent } from "react";
import { FormAlert } from "@/components/form-alert";
import { Button } from "@/components/ui/button";
import { Input, Label } from "@/components/ui/input";
import { signInErrorMessage } from "@/lib/errors";
import { useTRPC } from "@/lib/trpc";
import { meQueryOptions } from "@/lib/viewer";

const route = getRouteApi("/login");

export function LoginPage() {
  const trpc = useTRPC();
  const search = route.useSearch();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [formError, setFormError] = useState<string | null>(null);
  const errorId = useId();
  const passwordRef = useRef<HTMLInputElement>(null);

  const login = useMutation(trpc.auth.login.mutationOptions());

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!email.trim() || !password) {
      setFormError("Enter your email and password.");
      return;
    }
    setFormError(null);
    login.mutate(
      { email: email.trim(), password },
      {
        onSuccess: () => {
          queryClient.clear();
          void queryClient
            .fetchQuery(meQueryOptions(trpc))
            .then(() => router.navigate({ href: search.redirect ?? "/", replace: true }));
        },
        onError: (error) => {
          setFormError(signInErrorMessage(error));
          setPassword("");
          passwordRef.current?.focus();
        },
      },
    );
  }

  return (
    <main className="relative flex min-h-dvh flex-col items-center justify-center overflow-hidden bg-subtle px-4 py-12">
      <div
        aria-hidden="true"
        className="pointer-events-none absolute inset-0 [background-image:radial-gradient(var(--color-border)_1px,transparent_1px)] [background-size:22px_22px] [mask-image:radial-gradient(ellipse_at_center,black_20%,transparent_70%)]"
      />
      <div className="relative w-full max-w-[380px]">
        <div className="mb-8 flex flex-col items-center text-center">
          <span className="mb-5 flex size-11 items-center justify-center rounded-xl bg-foreground text-background shadow-lg shadow-black/10">
            <svg viewBox="0 0 32 32" className="size-6" aria-hidden="true">
              <path
                d="M9 12.5a7 7 0 0 1 14 0M6 17h20M9 21.5a7 7 0 0 0 14 0"
                stroke="currentColor"
                strokeWidth="2.6"
                fill="none"
                strokeLinecap="round"
              />
            </svg>
          </span>
          <h1 className="text-xl font-semibold tracking-tight">Sign in to Sessions</h1>
          <p className="mt-1.5 text-sm text-muted-foreground">
            Watch and control every sign-in across your apps.
          </p>
        </div>
        <form
          onSubmit={submit}
          noValidate
          aria-describedby={formError ? errorId : undefined}
          className="space-y-4 rounded-xl border bg-card p-6 shadow-[0_1px_3px_0_rgb(0_0_0/0.04),0_8px_24px_-8px_rgb(0_0_0/0.08)]"
        >
          {formError && <FormAlert id={errorId}>{formError}</FormAlert>}
          <div className="space-y-2">
            <Label htmlFor="email">Email</Label>
            <Input
              id="email"
              name="email"
              type="email"
              autoComplete="username"
              autoFocus
              required
              placeholder="you@company.com"
              value={email}
              onChange={(e) => setEmail(e.target.value)}
              aria-invalid={formError ? true : undefined}
            />
          </div>
          <div className="space-y-2">
            <Label htmlFor="password">Password</Label>
            <Input
              ref={passwordRef}
              id="password"
              name="password"
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              aria-invalid={formError ? true : undefined}
            />
          </div>
          <Button type="submit" className="w-full" disabled={login.isPending}>
            {login.isPending && <Loader2Icon className="animate-spin" aria-hidden="true" />}
            {login.isPending ? "Signing in…" : "Sign in"}
          </Button>
        </form>
        <p className="mt-6 text-center text-xs text-muted-foreground">
          Only administrators and viewers can sign in to the console.
        </p>
      </div>
    </main>
  );
}
