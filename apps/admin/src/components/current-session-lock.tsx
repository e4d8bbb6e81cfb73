import { LockIcon } from "lucide-react";
import { Tooltip } from "@/components/ui/tooltip";

/** Stands where a revoke button would be on the caller's own session, saying why it cannot be revoked. */
export function CurrentSessionLock({ message }: { message: string }) {
  return (
    <Tooltip content={message}>
      {/* role="img": a plain span may not carry aria-label (axe: aria-prohibited-attr), and the
          lock is an image that says why, reachable by keyboard so its tooltip can be read. */}
      <span
        role="img"
        tabIndex={0}
        aria-label={message}
        className="inline-flex size-8 items-center justify-center rounded-md text-muted-foreground outline-none focus-visible:ring-2 focus-visible:ring-ring"
      >
        <LockIcon className="size-3.5" />
      </span>
    </Tooltip>
  );
}
