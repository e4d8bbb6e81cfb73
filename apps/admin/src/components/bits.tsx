// Small presentational pieces shared by every screen.
import {
  AlertTriangleIcon,
  BotIcon,
  CheckIcon,
  CopyIcon,
  GamepadIcon,
  MonitorIcon,
  RefreshCwIcon,
  SmartphoneIcon,
  TabletIcon,
  TvIcon,
  WatchIcon,
  type LucideIcon,
} from "lucide-react";
import { useState, type ReactNode } from "react";
import { toast } from "sonner";
import { Badge, type BadgeVariant } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Tooltip } from "@/components/ui/tooltip";
import { formatDateTimeFull, relativeTime } from "@/lib/format";
import { cn } from "@/lib/utils";

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

export function EmptyState({
  icon: Icon,
  title,
  description,
  action,
  className,
}: {
  icon: LucideIcon;
  title: string;
  description?: ReactNode;
  action?: ReactNode;
  className?: string;
}) {
  return (
    <div className={cn("flex flex-col items-center justify-center px-6 py-14 text-center", className)}>
      <div className="mb-4 flex size-11 items-center justify-center rounded-xl border bg-subtle shadow-xs">
        <Icon className="size-5 text-muted-foreground" aria-hidden="true" />
      </div>
      <p className="text-sm font-medium">{title}</p>
      {description && <p className="mt-1 max-w-sm text-sm text-muted-foreground">{description}</p>}
      {action && <div className="mt-5">{action}</div>}
    </div>
  );
}

export function ErrorState({
  title = "Couldn't load this",
  message,
  onRetry,
  className,
}: {
  title?: string;
  message: string;
  onRetry?: () => void;
  className?: string;
}) {
  return (
    <div
      role="alert"
      className={cn("flex flex-col items-center justify-center px-6 py-14 text-center", className)}
    >
      <div className="mb-4 flex size-11 items-center justify-center rounded-xl border border-destructive/20 bg-destructive/5">
        <AlertTriangleIcon className="size-5 text-destructive" aria-hidden="true" />
      </div>
      <p className="text-sm font-medium">{title}</p>
      <p className="mt-1 max-w-sm text-sm text-muted-foreground">{message}</p>
      {onRetry && (
        <Button variant="outline" size="sm" className="mt-5" onClick={onRetry}>
          <RefreshCwIcon /> Try again
        </Button>
      )}
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

export function RoleBadge({ role }: { role: string }) {
  const variant: BadgeVariant = role === "admin" ? "brand" : role === "viewer" ? "secondary" : "outline";
  return (
    <Badge variant={variant} className="capitalize">
      {role}
    </Badge>
  );
}

/** A time shown relative ("3 minutes ago") with the exact time on hover. */
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
  return (
    <time dateTime={date.toISOString()} title={formatDateTimeFull(date)} className={cn("tabular", className)}>
      {relativeTime(date, new Date(), short)}
    </time>
  );
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
