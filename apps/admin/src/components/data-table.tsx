import { tableFeatures, type ReactTable, type RowData } from "@tanstack/react-table";
import type { KeyboardEvent, ReactNode } from "react";
import { Skeleton } from "@/components/ui/skeleton";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { cn } from "@/lib/utils";

/** Every table here is server-paginated and server-sorted: the core features are all it needs. */
export const tableCore = tableFeatures({});
export type CoreTable<T extends RowData> = ReactTable<typeof tableCore, T>;

export interface DataTableProps<T extends RowData> {
  table: CoreTable<T>;
  /** Tailwind classes per column id, e.g. to hide a column on small screens. */
  columnClass?: Partial<Record<string, string>>;
  /** Opens a row (click, Enter or Space). Rows become focusable when set. */
  onOpen?: (row: T) => void;
  rowLabel?: (row: T) => string;
  rowClass?: (row: T) => string | undefined;
  loading?: boolean;
  skeletonRows?: number;
  empty?: ReactNode;
  caption: string;
}

export function DataTable<T extends RowData>({
  table,
  columnClass = {},
  onOpen,
  rowLabel,
  rowClass,
  loading = false,
  skeletonRows = 8,
  empty,
  caption,
}: DataTableProps<T>) {
  const rows = table.getRowModel().rows;
  const columns = table.getAllLeafColumns();

  function onKeyDown(event: KeyboardEvent<HTMLTableRowElement>, row: T) {
    if (event.target !== event.currentTarget) return;
    if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      onOpen?.(row);
    } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const sibling =
        event.key === "ArrowDown"
          ? event.currentTarget.nextElementSibling
          : event.currentTarget.previousElementSibling;
      if (sibling instanceof HTMLElement) sibling.focus();
    }
  }

  return (
    <Table aria-busy={loading}>
      <caption className="sr-only">{caption}</caption>
      <TableHeader>
        {table.getHeaderGroups().map((group) => (
          <TableRow key={group.id}>
            {group.headers.map((header) => (
              <TableHead key={header.id} className={columnClass[header.column.id]} scope="col">
                {header.isPlaceholder ? null : <table.FlexRender header={header} />}
              </TableHead>
            ))}
          </TableRow>
        ))}
      </TableHeader>
      <TableBody>
        {loading && rows.length === 0
          ? Array.from({ length: skeletonRows }, (_, i) => (
              <TableRow key={`skeleton-${i}`}>
                {columns.map((column, j) => (
                  <TableCell key={column.id} className={columnClass[column.id]}>
                    <Skeleton className={cn("h-4", j === 0 ? "w-44" : "w-16")} />
                  </TableCell>
                ))}
              </TableRow>
            ))
          : rows.map((row) => (
              <TableRow
                key={row.id}
                data-row-id={row.id}
                tabIndex={onOpen ? 0 : undefined}
                aria-label={rowLabel?.(row.original)}
                onClick={onOpen ? () => onOpen(row.original) : undefined}
                onKeyDown={onOpen ? (e) => onKeyDown(e, row.original) : undefined}
                className={cn(
                  onOpen &&
                    "cursor-pointer outline-none hover:bg-subtle focus-visible:bg-accent/60 focus-visible:shadow-[inset_2px_0_0_var(--color-ring)]",
                  rowClass?.(row.original),
                )}
              >
                {row.getAllCells().map((cell) => (
                  <TableCell key={cell.id} className={columnClass[cell.column.id]}>
                    <table.FlexRender cell={cell} />
                  </TableCell>
                ))}
              </TableRow>
            ))}
        {!loading && rows.length === 0 && empty && (
          <tr>
            <td colSpan={columns.length}>{empty}</td>
          </tr>
        )}
      </TableBody>
    </Table>
  );
}
