import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Link, Outlet, useNavigate, useRouterState } from "@tanstack/react-router";
import {
  ChevronsUpDownIcon,
  EyeIcon,
  KeyRoundIcon,
  LayoutDashboardIcon,
  LogOutIcon,
  MenuIcon,
  MonitorSmartphoneIcon,
  ScrollTextIcon,
  ShieldCheckIcon,
  UsersIcon,
  WebhookIcon,
  type LucideIcon,
} from "lucide-react";
import { Dialog as DialogPrimitive } from "radix-ui";
import { useState } from "react";
import { toast, Toaster } from "sonner";
import { Avatar, RoleBadge } from "@/components/bits";
import { Button } from "@/components/ui/button";
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuLabel,
  DropdownMenuSeparator,
  DropdownMenuTrigger,
} from "@/components/ui/dropdown-menu";
import { Tooltip, TooltipProvider } from "@/components/ui/tooltip";
import { errorMessage } from "@/lib/errors";
import { LiveProvider, useLive, type LiveState } from "@/lib/live";
import { ReauthProvider } from "@/lib/reauth";
import { useTRPC } from "@/lib/trpc";
import { cn } from "@/lib/utils";
import { useViewer } from "@/lib/viewer";

interface NavItem {
  to: "/" | "/sessions" | "/users" | "/audit" | "/webhooks" | "/keys";
  label: string;
  icon: LucideIcon;
  adminOnly?: boolean;
}

const NAV: NavItem[] = [
  { to: "/", label: "Overview", icon: LayoutDashboardIcon },
  { to: "/sessions", label: "Sessions", icon: MonitorSmartphoneIcon },
  { to: "/users", label: "Users", icon: UsersIcon },
  { to: "/audit", label: "Audit log", icon: ScrollTextIcon },
  // Viewers read endpoints and delivery logs too; only the changes are admins'.
  { to: "/webhooks", label: "Webhooks", icon: WebhookIcon },
  { to: "/keys", label: "API keys", icon: KeyRoundIcon, adminOnly: true },
];

function Logo() {
  return (
    // Named apart from the navigation's "Sessions" item (two destinations, two names); the name
    // starts with the visible word, as label-in-name asks.
    <Link
      to="/"
      aria-label="Sessions home"
      className="flex items-center gap-2.5 rounded-md px-1 outline-none focus-visible:ring-2 focus-visible:ring-ring"
    >
      <span className="flex size-7 items-center justify-center rounded-lg bg-foreground text-background shadow-sm">
        <svg viewBox="0 0 32 32" className="size-4" aria-hidden="true">
          <path
            d="M9 12.5a7 7 0 0 1 14 0M6 17h20M9 21.5a7 7 0 0 0 14 0"
            stroke="currentColor"
            strokeWidth="3"
            fill="none"
            strokeLinecap="round"
          />
        </svg>
      </span>
      <span className="text-[15px] font-semibold tracking-tight">Sessions</span>
    </Link>
  );
}

function NavLinks({ onNavigate }: { onNavigate?: () => void }) {
  const viewer = useViewer();
  return (
    <nav aria-label="Main" className="flex flex-col gap-0.5">
      {NAV.filter((item) => !item.adminOnly || viewer.canManage).map((item) => (
        <Link
          key={item.to}
          to={item.to}
          onClick={onNavigate}
          activeOptions={{ exact: item.to === "/", includeSearch: false }}
          className="group flex h-8 items-center gap-2.5 rounded-md px-2.5 text-sm text-muted-foreground transition-colors outline-none hover:bg-accent hover:text-foreground focus-visible:ring-2 focus-visible:ring-ring data-[status=active]:bg-accent data-[status=active]:font-medium data-[status=active]:text-foreground"
        >
          <item.icon
            className="size-4 shrink-0 opacity-80 group-data-[status=active]:opacity-100"
            aria-hidden="true"
          />
          {item.label}
        </Link>
      ))}
    </nav>
  );
}

const LIVE_COPY: Record<LiveState, { label: string; hint: string; dot: string }> = {
  live: { label: "Live", hint: "Receiving changes as they happen.", dot: "text-success" },
  connecting: { label: "Connecting", hint: "Connecting to live updates…", dot: "text-warning" },
  polling: {
    label: "Polling",
    hint: "Live updates are unavailable; refreshing every few seconds instead.",
    dot: "text-muted-foreground",
  },
};

export function LiveIndicator({ className }: { className?: string }) {
  const { state } = useLive();
  const copy = LIVE_COPY[state];
  return (
    <Tooltip content={copy.hint} side="bottom">
      <span
        role="status"
        aria-live="polite"
        data-live-state={state}
        tabIndex={0}
        className={cn(
          "inline-flex h-7 items-center gap-2 rounded-full border bg-background px-2.5 text-xs font-medium text-muted-foreground outline-none focus-visible:ring-2 focus-visible:ring-ring",
          className,
        )}
      >
        <span
          className={cn(
            "relative inline-flex size-2 rounded-full bg-current",
            copy.dot,
            state === "live" && "live-dot",
          )}
        />
        {copy.label}
      </span>
    </Tooltip>
  );
}

function UserMenu() {
  const trpc = useTRPC();
  const viewer = useViewer();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const logout = useMutation(
    trpc.auth.logout.mutationOptions({
      onSettled: async (_data, error) => {
        if (error) toast.error(errorMessage(error));
        queryClient.clear();
        await navigate({ to: "/login", search: {} });
      },
    }),
  );
  return (
    <DropdownMenu>
      <DropdownMenuTrigger asChild>
        <Button variant="ghost" className="h-9 gap-2 px-1.5 sm:pr-2.5">
          {/* Named by its content, not aria-label: a label that leaves out text shown on the button
              (the avatar's initials) fails WCAG 2.5.3 (axe: label-content-name-mismatch). */}
          <span className="sr-only">Account: </span>
          <Avatar email={viewer.user.email} name={viewer.user.name} />
          <span className="hidden max-w-48 truncate text-sm font-medium sm:inline">{viewer.user.email}</span>
          <span className="sr-only sm:hidden">{viewer.user.email}</span>
          <ChevronsUpDownIcon className="hidden size-3.5 text-muted-foreground sm:inline" />
        </Button>
      </DropdownMenuTrigger>
      <DropdownMenuContent align="end" className="w-64">
        <DropdownMenuLabel className="flex items-center gap-3 py-2">
          <Avatar email={viewer.user.email} name={viewer.user.name} className="size-8" />
          <span className="min-w-0">
            <span className="block truncate font-medium">{viewer.user.name ?? viewer.user.email}</span>
            <span className="block truncate text-xs font-normal text-muted-foreground">
              {viewer.user.email}
            </span>
          </span>
        </DropdownMenuLabel>
        <div className="px-2 pb-2">
          <RoleBadge role={viewer.role} />
        </div>
        <DropdownMenuSeparator />
        <DropdownMenuItem onSelect={() => logout.mutate()} disabled={logout.isPending}>
          <LogOutIcon /> Sign out
        </DropdownMenuItem>
      </DropdownMenuContent>
    </DropdownMenu>
  );
}

function MobileNav() {
  const [open, setOpen] = useState(false);
  return (
    <DialogPrimitive.Root open={open} onOpenChange={setOpen}>
      <DialogPrimitive.Trigger asChild>
        <Button variant="ghost" size="icon-sm" className="md:hidden" aria-label="Open navigation">
          <MenuIcon />
        </Button>
      </DialogPrimitive.Trigger>
      <DialogPrimitive.Portal>
        <DialogPrimitive.Overlay className="fixed inset-0 z-50 bg-black/30 md:hidden" />
        <DialogPrimitive.Content className="fixed inset-y-0 left-0 z-50 flex w-72 flex-col gap-6 border-r bg-sidebar p-4 shadow-xl outline-none md:hidden">
          <DialogPrimitive.Title className="sr-only">Navigation</DialogPrimitive.Title>
          <DialogPrimitive.Description className="sr-only">
            Go to a section of the console
          </DialogPrimitive.Description>
          <Logo />
          <NavLinks onNavigate={() => setOpen(false)} />
        </DialogPrimitive.Content>
      </DialogPrimitive.Portal>
    </DialogPrimitive.Root>
  );
}

/** What the signed-in role may do, so a viewer knows why there are no revoke buttons. */
function AccessNote() {
  const viewer = useViewer();
  return (
    <div className="mt-auto rounded-lg border bg-background p-3 text-xs text-muted-foreground">
      <p className="flex items-center gap-1.5 font-medium text-foreground">
        {viewer.canManage ? (
          <ShieldCheckIcon className="size-3.5 text-success" />
        ) : (
          <EyeIcon className="size-3.5" />
        )}
        {viewer.canManage ? "Full access" : "Read-only access"}
      </p>
      <p className="mt-1 leading-relaxed">
        {viewer.canManage
          ? "Revokes take effect on the session's next request."
          : "You can see everything, but revoking and disabling need an admin."}
      </p>
    </div>
  );
}

function RouteProgress() {
  const loading = useRouterState({ select: (s) => s.status === "pending" });
  return (
    <div
      aria-hidden="true"
      className={cn(
        "pointer-events-none fixed inset-x-0 top-0 z-[60] h-0.5 origin-left bg-brand transition-all duration-500",
        loading ? "scale-x-75 opacity-100" : "scale-x-100 opacity-0",
      )}
    />
  );
}

/** The signed-in layout: sidebar, header with the live indicator and account menu, and the page. */
export function AppShell() {
  return (
    <LiveProvider>
      <TooltipProvider delayDuration={300}>
        <ReauthProvider>
          <ShellLayout />
        </ReauthProvider>
      </TooltipProvider>
      <Toaster position="bottom-right" theme="system" closeButton toastOptions={{ className: "font-sans" }} />
    </LiveProvider>
  );
}

function ShellLayout() {
  return (
    <>
      <RouteProgress />
      <a
        href="#main"
        className="sr-only z-[70] rounded-md bg-background px-3 py-2 text-sm font-medium shadow focus:not-sr-only focus:fixed focus:top-3 focus:left-3"
      >
        Skip to content
      </a>
      <div className="flex min-h-dvh">
        <aside className="sticky top-0 hidden h-dvh w-56 shrink-0 flex-col gap-6 border-r bg-sidebar px-3 py-4 md:flex">
          <div className="px-1">
            <Logo />
          </div>
          <NavLinks />
          <AccessNote />
        </aside>
        <div className="flex min-w-0 flex-1 flex-col">
          <header className="sticky top-0 z-40 flex h-14 items-center gap-2 border-b bg-background/85 px-3 backdrop-blur-md supports-[backdrop-filter]:bg-background/70 sm:px-6">
            <MobileNav />
            <div className="md:hidden">
              <Logo />
            </div>
            <div className="ml-auto flex items-center gap-2">
              <LiveIndicator />
              <UserMenu />
            </div>
          </header>
          <main
            id="main"
            tabIndex={-1}
            className="mx-auto w-full max-w-[1400px] flex-1 px-4 py-6 outline-none sm:px-6 lg:py-8 2xl:px-10"
          >
            <Outlet />
          </main>
        </div>
      </div>
    </>
  );
}
