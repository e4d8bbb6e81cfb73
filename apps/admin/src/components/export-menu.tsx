// "Export" on a list: a menu of the two formats, each a plain download link (see lib/export-url.ts).
import { DownloadIcon } from "lucide-react";
import { Button } from "@/components/ui/button";
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuTrigger,
} from "@/components/ui/dropdown-menu";
import type { ExportFormat } from "@/lib/export-url";

export function ExportMenu({
  href,
  label = "Export",
}: {
  href: (format: ExportFormat) => string;
  label?: string;
}) {
  return (
    <DropdownMenu>
      <DropdownMenuTrigger asChild>
        <Button variant="outline">
          <DownloadIcon /> {label}
        </Button>
      </DropdownMenuTrigger>
      <DropdownMenuContent align="end">
        <DropdownMenuItem asChild>
          <a href={href("csv")} download>
            CSV (spreadsheets)
          </a>
        </DropdownMenuItem>
        <DropdownMenuItem asChild>
          <a href={href("jsonl")} download>
            JSON lines
          </a>
        </DropdownMenuItem>
      </DropdownMenuContent>
    </DropdownMenu>
  );
}
