// Where the console's Export buttons point: the REST export endpoints with the view's filter as flat
// query parameters, so the file holds exactly what the table is filtered to (every page of it).
// Same-origin GETs: the sign-in cookie authenticates them, and the download needs no script.
export type ExportFormat = "csv" | "jsonl";

type Param = string | Date | null | undefined;

export function exportUrl(path: string, format: ExportFormat, params: Record<string, Param>): string {
  const query = new URLSearchParams({ format });
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === "") continue;
    query.set(name, value instanceof Date ? value.toISOString() : value);
  }
  return `${path}?${query.toString()}`;
}
