#!/usr/bin/env node
// The `sessions` ops CLI as a workspace bin (`pnpm exec sessions …` inside the workspace; `pnpm
// sessions …` at the root runs the same file). tsx loads the TypeScript source.
import { register } from "tsx/esm/api";

register();
await import("../src/cli/main.ts");
