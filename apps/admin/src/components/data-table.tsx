import { tableFeatures, type ReactTable, type RowData } from "@tanstack/react-table";
import { Fragment, type KeyboardEvent, type ReactNode } from "react";
import { Skeleton } from "@/components/ui/skeleton";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { cn } from "@/lib/utils";

/** Every table here is server-paginated and server-sorted: the core features are all it needs. */
export const tableCore = tableFeatures({});
export type CoreTable<T extends RowData> = ReactTable<typeof tableCore, T>;

/** The id of a row's expanded detail row, for the control that opens it (aria-controls). */
export const detailRowId = (rowId: string) => `${rowId}-detail`;

export interface DataTableProps<T extends RowData> {
  table: CoreTable<T>;
  /** Tailwind classes per column id, e.g. to hide a column on small screens. */
  columnClass?: Partial<Record<string, string>>;
  /** Opens a row (click, Enter or Space). Rows become focusable when set. */
  onOpen?: (row: T) => void;
  rowLabel?: (row: T) => string;
  rowClass?: (row: T) => string | undefined;
  /**
   * A row's expanded detail, shown in a full-width row beneath it (null while collapsed), with the
   * id detailRowId(row id). Opening a row is expected to toggle it; the control that says whether
   * it is expanded (aria-expanded) is the page's, in a cell: a table row may not carry it.
   */
  detail?: (row: T) => ReactNode | null;
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
  detail,
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
      // The next or previous data row, stepping over any expanded detail between them.
      const step = (el: Element | null) =>
        event.key === "ArrowDown" ? (el?.nextElementSibling ?? null) : (el?.previousElementSibling ?? null);
      let sibling = step(event.currentTarget);
      while (sibling && !sibling.hasAttribute("data-row-id")) sibling = step(sibling);
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
          : rows.map((row) => {
              const expanded = detail?.(row.original) ?? null;
              return (
                <Fragment key={row.id}>
                  <TableRow
                    data-row-id={row.id}
                    tabIndex={onOpen ? 0 : undefined}
                    aria-label={rowLabel?.(row.original)}
                    onClick={onOpen ? () => onOpen(row.original) : undefined}
                    onKeyDown={onOpen ? (e) => onKeyDown(e, row.original) : undefined}
                    className={cn(
                      onOpen &&
                        "cursor-pointer outline-none hover:bg-subtle focus-visible:bg-accent/60 focus-visible:shadow-[inset_2px_0_0_var(--color-ring)]",
                      expanded !== null && "border-b-0 bg-subtle",
                      rowClass?.(row.original),
                    )}
                  >
                    {row.getAllCells().map((cell) => (
                      <TableCell key={cell.id} className={columnClass[cell.column.id]}>
                        <table.FlexRender cell={cell} />
                      </TableCell>
                    ))}
                  </TableRow>
                  {expanded !== null && (
                    <TableRow id={detailRowId(row.id)} className="bg-subtle hover:bg-subtle">
                      <TableCell colSpan={columns.length} className="whitespace-normal">
                        {expanded}
                      </TableCell>
                    </TableRow>
                  )}
                </Fragment>
              );
            })}
        {!loading && rows.length === 0 && empty && (
          <tr>
            <td colSpan={columns.length}>{empty}</td>
          </tr>
        )}
      </TableBody>
    </Table>
  );
}
