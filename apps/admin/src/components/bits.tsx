// Small presentational pieces shared by every screen.
import {
  BotIcon,
  CheckIcon,
  CopyIcon,
  GamepadIcon,
  MonitorIcon,
  SmartphoneIcon,
  TabletIcon,
  TvIcon,
  WatchIcon,
  type LucideIcon,
} from "lucide-react";
import { useState, type ReactNode } from "react";
import { toast } from "sonner";
import type { UserRole } from "@sessions/core/vocab";
import { Badge, type BadgeVariant } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Tooltip } from "@/components/ui/tooltip";
import { duration, formatDateTimeFull, relativeTime } from "@/lib/format";
import { useNow } from "@/lib/use-now";
import { cn } from "@/lib/utils";

export { EmptyState, ErrorState } from "./states";

export function PageHeader({
  title,
  description,
  actions,
  children,
}: {
  title: ReactNode;
  description?: ReactNode;
  actions?: ReactNode;
  children?: ReactNode;
}) {
  return (
    <div className="flex flex-col gap-4 pb-6 sm:flex-row sm:items-end sm:justify-between">
      <div className="min-w-0 space-y-1">
        <h1 className="text-xl font-semibold tracking-tight sm:text-2xl">{title}</h1>
        {description && <p className="text-sm text-muted-foreground">{description}</p>}
        {children}
      </div>
      {actions && <div className="flex shrink-0 flex-wrap items-center gap-2">{actions}</div>}
    </div>
  );
}

const DEVICE_ICONS: Record<string, LucideIcon> = {
  desktop: MonitorIcon,
  mobile: SmartphoneIcon,
  tablet: TabletIcon,
  smarttv: TvIcon,
  console: GamepadIcon,
  wearable: WatchIcon,
  bot: BotIcon,
};

export function DeviceIcon({ type, className }: { type: string | null; className?: string }) {
  const Icon = DEVICE_ICONS[type ?? "desktop"] ?? MonitorIcon;
  return (
    <Icon className={cn("size-4 text-muted-foreground", className)} aria-label={type ?? "unknown device"} />
  );
}

export function deviceLabel(browser: string | null, os: string | null): string {
  if (!browser && !os) return "Unknown device";
  return [browser ?? "Unknown browser", os ?? "Unknown OS"].join(" · ");
}

const STATUS_VARIANT: Record<string, BadgeVariant> = {
  active: "success",
  expired: "muted",
  revoked: "destructive",
  disabled: "destructive",
};

export function StatusBadge({ status }: { status: string }) {
  return (
    <Badge variant={STATUS_VARIANT[status] ?? "outline"} className="capitalize">
      <span aria-hidden="true" className="size-1.5 rounded-full bg-current" />
      {status}
    </Badge>
  );
}

/**
 * Marks a console sign-in among service-issued sessions. App sessions carry no mark: they are what
 * most lists are made of, and a badge on every row would say nothing.
 */
export function ConsoleBadge() {
  return (
    <Tooltip content="A console sign-in (made by auth.login), not a session a service created">
      <Badge variant="secondary" className="font-sans" data-kind="console">
        Console
      </Badge>
    </Tooltip>
  );
}

export function RoleBadge({ role }: { role: UserRole }) {
  const variant: BadgeVariant = role === "admin" ? "brand" : role === "viewer" ? "secondary" : "outline";
  return (
    <Badge variant={variant} className="capitalize">
      {role}
    </Badge>
  );
}

/** A time shown relative ("3 minutes ago") with the exact time on hover, kept current as time passes. */
export function RelativeTime({
  date,
  short = false,
  className,
}: {
  date: Date | null;
  short?: boolean;
  className?: string;
}) {
  if (!date) return <span className="text-muted-foreground">—</span>;
  return <LiveRelativeTime date={date} short={short} className={className} />;
}

function LiveRelativeTime({ date, short, className }: { date: Date; short: boolean; className?: string }) {
  const now = useNow();
  return (
    <time dateTime={date.toISOString()} title={formatDateTimeFull(date)} className={cn("tabular", className)}>
      {relativeTime(date, now, short)}
    </time>
  );
}

/** How long ago `since` was, as "4d 3h", kept current as time passes (so no seconds: "<1m"). */
export function Age({ since, className }: { since: Date; className?: string }) {
  const seconds = (useNow().getTime() - since.getTime()) / 1000;
  return <span className={className}>{seconds < 60 ? "<1m" : duration(seconds)}</span>;
}

export function Avatar({
  email,
  name,
  className,
}: {
  email: string;
  name?: string | null;
  className?: string;
}) {
  const source = (name?.trim() || email).replace(/[^\p{L}\p{N} ]/gu, " ").trim();
  const parts = source.split(/\s+/).filter(Boolean);
  const initials = (
    (parts[0]?.[0] ?? "?") + (parts.length > 1 ? (parts[parts.length - 1]?.[0] ?? "") : "")
  ).toUpperCase();
  let hash = 0;
  for (const ch of email) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  const hue = hash % 360;
  return (
    <span
      aria-hidden="true"
      className={cn(
        "inline-flex size-7 shrink-0 items-center justify-center rounded-full text-[11px] font-semibold text-white ring-1 ring-black/5",
        className,
      )}
      style={{
        background: `linear-gradient(135deg, oklch(0.68 0.14 ${hue}), oklch(0.56 0.16 ${(hue + 40) % 360}))`,
      }}
    >
      {initials}
    </span>
  );
}

export function CopyButton({
  value,
  label = "Copy",
  className,
}: {
  value: string;
  label?: string;
  className?: string;
}) {
  const [copied, setCopied] = useState(false);
  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
      setCopied(true);
      setTimeout(() => setCopied(false), 1500);
    } catch {
      toast.error("Couldn't copy. Select the text and copy it by hand.");
    }
  }
  return (
    <Tooltip content={copied ? "Copied" : label}>
      <Button
        variant="ghost"
        size="icon-sm"
        className={className}
        onClick={() => void copy()}
        aria-label={label}
      >
        {copied ? <CheckIcon className="text-success" /> : <CopyIcon />}
      </Button>
    </Tooltip>
  );
}

/** A labelled value in a detail list. */
export function Field({
  label,
  children,
  mono = false,
}: {
  label: string;
  children: ReactNode;
  mono?: boolean;
}) {
  return (
    <div className="grid grid-cols-[8.5rem_1fr] items-baseline gap-3 py-2 text-sm">
      <dt className="text-muted-foreground">{label}</dt>
      <dd className={cn("min-w-0 break-words", mono && "font-mono text-[13px]")}>{children}</dd>
    </div>
  );
}

export function Kbd({ children }: { children: ReactNode }) {
  return (
    <kbd className="pointer-events-none inline-flex h-5 min-w-5 items-center justify-center rounded border bg-subtle px-1 font-mono text-[10px] font-medium text-muted-foreground">
      {children}
    </kbd>
  );
}
