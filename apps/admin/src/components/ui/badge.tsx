import { cva, type VariantProps } from "class-variance-authority";
import type { ComponentProps } from "react";
import { cn } from "@/lib/utils";

const badgeVariants = cva(
  "inline-flex w-fit shrink-0 items-center gap-1 whitespace-nowrap rounded-full border px-2 py-0.5 text-xs font-medium [&>svg]:size-3",
  {
    variants: {
      variant: {
        default: "border-transparent bg-primary text-primary-foreground",
        secondary: "border-transparent bg-secondary text-secondary-foreground",
        outline: "border-border text-foreground",
        success:
          "border-success/25 bg-success/10 text-[color-mix(in_oklch,var(--success)_70%,var(--foreground))]",
        warning:
          "border-warning/30 bg-warning/10 text-[color-mix(in_oklch,var(--warning)_70%,var(--foreground))]",
        destructive:
          "border-destructive/25 bg-destructive/10 text-[color-mix(in_oklch,var(--destructive)_80%,var(--foreground))]",
        brand: "border-brand/25 bg-brand/10 text-[color-mix(in_oklch,var(--brand)_80%,var(--foreground))]",
        muted: "border-transparent bg-muted text-muted-foreground",
      },
    },
    defaultVariants: { variant: "default" },
  },
);

export type BadgeVariant = NonNullable<VariantProps<typeof badgeVariants>["variant"]>;

export function Badge({
  className,
  variant,
  ...props
}: ComponentProps<"span"> & VariantProps<typeof badgeVariants>) {
  return <span data-slot="badge" className={cn(badgeVariants({ variant }), className)} {...props} />;
}
