// The store contract: one suite of service behaviours that every store must pass unchanged.
// Each test file runs it for one store kind (see test/contract.*.test.ts); each module below holds
// one area of behaviour and registers its tests against the shared context.
import { describe } from "vitest";
import type { StoreKind } from "../stores.js";
import { apiKeysContract } from "./api-keys.js";
import { auditContract } from "./audit.js";
import { batchesContract } from "./batches.js";
import { bestEffortContract } from "./best-effort.js";
import { changeFeedContract } from "./change-feed.js";
import { cleanupContract } from "./cleanup.js";
import { badInputContract } from "./bad-input.js";
import { concurrencyContract } from "./concurrency.js";
import { countsContract } from "./counts.js";
import { dryRunsContract } from "./dry-runs.js";
import { useContractContext } from "./context.js";
import { idsContract } from "./ids.js";
import { kindsContract } from "./kinds.js";
import { listsContract } from "./lists.js";
import { metricsContract } from "./metrics.js";
import { operatorsContract } from "./operators.js";
import { paginationContract } from "./pagination.js";
import { policiesContract } from "./policies.js";
import { pruneContract } from "./prune.js";
import { reauthContract } from "./reauth.js";
import { revokeContract } from "./revoke.js";
import { secretsContract } from "./secrets.js";
import { signInLimitsContract } from "./sign-in-limits.js";
import { statsContract } from "./stats.js";
import { usersContract } from "./users.js";
import { validateContract } from "./validate.js";
import { validateUntouchedContract } from "./validate-untouched.js";
import { webhooksContract } from "./webhooks.js";

export { CONTRACT_START, useContractContext } from "./context.js";
export type { ContractContext } from "./context.js";

export const CONTRACT_MODULES = [
  revokeContract,
  validateContract,
  listsContract,
  countsContract,
  dryRunsContract,
  paginationContract,
  statsContract,
  usersContract,
  concurrencyContract,
  auditContract,
  apiKeysContract,
  pruneContract,
  cleanupContract,
  secretsContract,
  badInputContract,
  changeFeedContract,
  signInLimitsContract,
  idsContract,
  validateUntouchedContract,
  operatorsContract,
  kindsContract,
  reauthContract,
  bestEffortContract,
  batchesContract,
  metricsContract,
  webhooksContract,
  policiesContract,
];

export function describeStoreContract(kind: StoreKind): void {
  describe(`store contract: ${kind}`, () => {
    const t = useContractContext(kind);
    for (const register of CONTRACT_MODULES) register(t);
  });
}
