import { useQuery } from "@tanstack/react-query";
import { SearchIcon, XIcon } from "lucide-react";
import { useEffect, useRef, useState, type KeyboardEvent, type ReactNode } from "react";
import { Kbd } from "@/components/bits";
import { DateRangePicker } from "@/components/date-range-picker";
import { FiltersSheet } from "@/components/filters-sheet";
import { Button } from "@/components/ui/button";
import { Input, NativeSelect } from "@/components/ui/input";
import { useTRPC } from "@/lib/trpc";
import { cn } from "@/lib/utils";
import {
  SESSION_END_REASONS,
  SESSION_KINDS,
  SESSION_STATUS_FILTERS,
  type SessionStatusFilter,
} from "@sessions/core/vocab";
import { END_REASON_LABELS } from "@/lib/end-reasons";
import { clearFilters, FILTER_KEYS, hasActiveFilters, KIND_LABELS, type SessionsSearch } from "./search";

const STATUS_LABELS: Record<SessionStatusFilter, string> = {
  active: "Active",
  expired: "Expired",
  revoked: "Revoked",
  all: "All",
};

export type FiltersPatch = Partial<Record<keyof SessionsSearch, string | undefined>>;

// The filters a phone keeps in the sheet: every filter but the email search and status, which stay
// on the page (derived, so a filter added to FILTER_KEYS lands in the sheet's count and Clear too).
const SHEET_KEYS = FILTER_KEYS.filter((key) => key !== "q" && key !== "status");
const SHEET_CLEARED: FiltersPatch = Object.fromEntries(SHEET_KEYS.map((key) => [key, undefined]));

/** Email search, typed into a box and applied after a pause; "/" focuses it from anywhere. */
function EmailSearch({
  value,
  onChange,
}: {
  value: string | undefined;
  onChange: (q: string | undefined) => void;
}) {
  const [text, setText] = useState(value ?? "");
  const [applied, setApplied] = useState(value ?? "");
  const inputRef = useRef<HTMLInputElement>(null);

  // The URL changed from elsewhere (back button, a link, "Clear"): show what it says.
  if ((value ?? "") !== applied) {
    setApplied(value ?? "");
    setText(value ?? "");
  }

  useEffect(() => {
    if (text.trim() === applied.trim()) return;
    const timer = setTimeout(() => {
      setApplied(text.trim());
      onChange(text.trim() || undefined);
    }, 300);
    return () => clearTimeout(timer);
  }, [text, applied, onChange]);

  useEffect(() => {
    function onKey(event: globalThis.KeyboardEvent) {
      const target = event.target as HTMLElement | null;
      const typing = target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
      if (event.key === "/" && !typing && !event.metaKey && !event.ctrlKey) {
        event.preventDefault();
        inputRef.current?.focus();
      }
    }
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === "Enter") {
      setApplied(text.trim());
      onChange(text.trim() || undefined);
    } else if (event.key === "Escape" && text) {
      event.preventDefault();
      setText("");
    }
  }

  return (
    <div className="relative w-full sm:w-72">
      <SearchIcon
        className="pointer-events-none absolute top-1/2 left-3 size-4 -translate-y-1/2 text-muted-foreground"
        aria-hidden="true"
      />
      <Input
        ref={inputRef}
        type="search"
        aria-label="Search by email"
        placeholder="Search by email"
        value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={onKeyDown}
        className="pr-9 pl-9 [&::-webkit-search-cancel-button]:hidden"
      />
      <span className="absolute top-1/2 right-2.5 -translate-y-1/2">
        {text ? (
          <button
            type="button"
            aria-label="Clear search"
            onClick={() => setText("")}
            className="rounded p-0.5 text-muted-foreground hover:text-foreground"
          >
            <XIcon className="size-3.5" />
          </button>
        ) : (
          <Kbd>/</Kbd>
        )}
      </span>
    </div>
  );
}

function StatusTabs({
  value,
  onChange,
}: {
  value: SessionStatusFilter;
  onChange: (value: SessionStatusFilter) => void;
}) {
  function onKeyDown(event: KeyboardEvent<HTMLButtonElement>, index: number) {
    const delta = event.key === "ArrowRight" ? 1 : event.key === "ArrowLeft" ? -1 : 0;
    if (!delta) return;
    event.preventDefault();
    const next =
      SESSION_STATUS_FILTERS[
        (index + delta + SESSION_STATUS_FILTERS.length) % SESSION_STATUS_FILTERS.length
      ]!;
    onChange(next);
    const group = event.currentTarget.parentElement;
    requestAnimationFrame(() => group?.querySelector<HTMLButtonElement>(`[data-value="${next}"]`)?.focus());
  }
  return (
    <div
      role="radiogroup"
      aria-label="Status"
      className="inline-flex h-9 items-center rounded-md border bg-subtle p-0.5"
    >
      {SESSION_STATUS_FILTERS.map((status, index) => {
        const checked = value === status;
        return (
          <button
            key={status}
            type="button"
            role="radio"
            aria-checked={checked}
            data-value={status}
            tabIndex={checked ? 0 : -1}
            onClick={() => onChange(status)}
            onKeyDown={(e) => onKeyDown(e, index)}
            className={cn(
              "h-full rounded-[5px] px-3 text-[13px] font-medium text-muted-foreground transition-colors outline-none hover:text-foreground focus-visible:ring-2 focus-visible:ring-ring",
              checked && "bg-background text-foreground shadow-xs ring-1 ring-border",
            )}
          >
            {STATUS_LABELS[status]}
          </button>
        );
      })}
    </div>
  );
}

/** One filter as a native select: "all" (no filter) first, then the choices. */
function FilterSelect({
  label,
  all,
  value,
  options,
  onChange,
  className,
}: {
  label: string;
  all: string;
  value: string | undefined;
  options: { value: string; label: string }[];
  onChange: (value: string | undefined) => void;
  className: string;
}) {
  return (
    <NativeSelect
      aria-label={label}
      value={value ?? ""}
      onChange={(e) => onChange(e.target.value || undefined)}
      className={className}
    >
      <option value="">{all}</option>
      {options.map((o) => (
        <option key={o.value} value={o.value}>
          {o.label}
        </option>
      ))}
    </NativeSelect>
  );
}

function optionsWith(names: string[], current: string | undefined): string[] {
  return current && !names.includes(current) ? [current, ...names] : names;
}

export function FiltersBar({
  search,
  onChange,
  summary,
}: {
  search: SessionsSearch;
  onChange: (patch: FiltersPatch) => void;
  /** Shown at the end of the filters, e.g. how many sessions they match. */
  summary?: ReactNode;
}) {
  const trpc = useTRPC();
  // The browser and OS choices are the names the stats already count.
  const stats = useQuery(trpc.sessions.stats.queryOptions(undefined, { staleTime: 60_000 }));
  const browsers = optionsWith(
    (stats.data?.byBrowser ?? []).map((b) => b.name),
    search.browser,
  );
  const systems = optionsWith(
    (stats.data?.byOs ?? []).map((o) => o.name),
    search.os,
  );
  const active = hasActiveFilters(search);
  // The two ends of the created range count as one filter.
  const secondary = new Set(
    SHEET_KEYS.filter((key) => search[key] !== undefined).map((key) => (key === "to" ? "from" : key)),
  ).size;

  return (
    <div className="flex flex-col gap-3 border-b p-3 sm:p-4">
      <div className="flex flex-col gap-3 lg:flex-row lg:items-center lg:justify-between">
        <EmailSearch value={search.q} onChange={(q) => onChange({ q })} />
        <div className="overflow-x-auto">
          <StatusTabs value={search.status} onChange={(status) => onChange({ status })} />
        </div>
      </div>
      <div className="flex flex-wrap items-center gap-2">
        <FiltersSheet active={secondary} onClear={() => onChange(SHEET_CLEARED)}>
          <FilterSelect
            label="Kind"
            all="All kinds"
            value={search.kind}
            options={SESSION_KINDS.map((kind) => ({ value: kind, label: KIND_LABELS[kind] }))}
            onChange={(kind) => onChange({ kind })}
            className="w-full sm:w-44"
          />
          <FilterSelect
            label="Browser"
            all="All browsers"
            value={search.browser}
            options={browsers.map((name) => ({ value: name, label: name }))}
            onChange={(browser) => onChange({ browser })}
            className="w-full sm:w-40"
          />
          <FilterSelect
            label="Operating system"
            all="All systems"
            value={search.os}
            options={systems.map((name) => ({ value: name, label: name }))}
            onChange={(os) => onChange({ os })}
            className="w-full sm:w-40"
          />
          {(search.status === "revoked" || search.status === "all" || search.ended) && (
            // Only ended sessions have a way they ended: offered where such sessions are listed.
            <FilterSelect
              label="How it ended"
              all="Any ending"
              value={search.ended}
              options={SESSION_END_REASONS.map((reason) => ({
                value: reason,
                label: END_REASON_LABELS[reason],
              }))}
              onChange={(ended) => onChange({ ended })}
              className="w-full sm:w-56"
            />
          )}
          <DateRangePicker
            label="Created"
            value={{ from: search.from, to: search.to }}
            onChange={({ from, to }) => onChange({ from, to })}
            className="w-full sm:w-auto"
          />
          {search.ip && (
            <span className="inline-flex h-9 items-center gap-1.5 rounded-md border bg-subtle pr-1.5 pl-3 text-[13px]">
              IP <span className="font-mono">{search.ip}</span>
              <button
                type="button"
                aria-label="Remove IP filter"
                onClick={() => onChange({ ip: undefined })}
                className="rounded p-0.5 text-muted-foreground hover:text-foreground"
              >
                <XIcon className="size-3.5" />
              </button>
            </span>
          )}
        </FiltersSheet>
        {active && (
          <Button
            variant="ghost"
            size="sm"
            className="h-9 text-muted-foreground"
            onClick={() => onChange(clearFilters(search))}
          >
            <XIcon /> Clear filters
          </Button>
        )}
        {summary && <div className="ml-auto">{summary}</div>}
      </div>
    </div>
  );
}
