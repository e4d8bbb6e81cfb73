import { SlidersHorizontalIcon } from "lucide-react";
import { useState, type ReactNode } from "react";
import { Button } from "@/components/ui/button";
import { Dialog, DialogDescription, DialogTitle, DialogTrigger, SheetContent } from "@/components/ui/dialog";
import { PHONE, useMediaQuery } from "@/lib/use-media-query";

/**
 * A page's secondary filters: inline on a wide screen; on a phone behind one "Filters" button
 * (with how many are set) that opens them in a sheet from the bottom, so the first screen shows
 * results rather than a column of selects.
 */
export function FiltersSheet({
  active,
  onClear,
  children,
}: {
  /** How many of these filters are set. */
  active: number;
  onClear: () => void;
  children: ReactNode;
}) {
  const phone = useMediaQuery(PHONE);
  const [open, setOpen] = useState(false);
  if (!phone) return <>{children}</>;
  return (
    <Dialog open={open} onOpenChange={setOpen}>
      <DialogTrigger asChild>
        <Button variant="outline" className="h-9" data-testid="filters-sheet-button">
          <SlidersHorizontalIcon />
          Filters
          {active > 0 && (
            <span className="ml-0.5 rounded-full bg-primary px-1.5 text-xs leading-5 font-medium text-primary-foreground tabular">
              {active}
            </span>
          )}
        </Button>
      </DialogTrigger>
      <SheetContent side="bottom" data-testid="filters-sheet">
        <div className="flex flex-col gap-1 border-b px-4 pt-4 pb-3 pr-12">
          <DialogTitle className="text-base font-semibold">Filters</DialogTitle>
          <DialogDescription className="text-[13px]">
            {active === 0 ? "No filter set." : `${active} set; the list behind updates as you change them.`}
          </DialogDescription>
        </div>
        <div className="flex flex-col gap-3 overflow-y-auto p-4 [&>*]:w-full">{children}</div>
        <div className="flex gap-2 border-t p-4">
          <Button variant="outline" className="flex-1" disabled={active === 0} onClick={onClear}>
            Clear filters
          </Button>
          <Button className="flex-1" onClick={() => setOpen(false)}>
            Show results
          </Button>
        </div>
      </SheetContent>
    </Dialog>
  );
}
