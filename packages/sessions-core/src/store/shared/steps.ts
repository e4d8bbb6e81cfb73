// A store operation written once for both dialects is a generator: it yields the statements it
// needs (steps) and receives their results. SQLite drives it synchronously inside its synchronous
// transaction (better-sqlite3 commits when the callback returns, so no step may await); Postgres
// drives it with await inside an async transaction. The operation itself never knows which.
//
//   const revoked = yield* all(x.on.update(x.t.sessions).set(...).where(...).returning(cols));
//
// A query a step carries is a drizzle builder of the dialect running it: SQLite's runner calls its
// synchronous all()/get()/run(); Postgres's awaits it (its builders are thenables).

/** What a dialect hook returns: a value on SQLite, a promise on Postgres. */
export type Awaitable<T> = T | Promise<T>;

/** A query returning rows. */
export interface RowsQuery<T> extends PromiseLike<T[]> {
  all(): T[];
}

/** A query whose first row is wanted (SQLite fetches only that one). */
export interface RowQuery<T> extends PromiseLike<T[]> {
  get(): T | undefined;
}

/** A statement whose result is not needed. */
export interface RunQuery extends PromiseLike<unknown> {
  run(): unknown;
}

export type Step =
  | { kind: "all"; query: RowsQuery<unknown> }
  | { kind: "get"; query: RowQuery<unknown> }
  | { kind: "run"; query: RunQuery }
  | { kind: "call"; hook: () => Awaitable<unknown> }
  | { kind: "parallel"; operations: readonly Operation<unknown>[] };

export type Operation<T> = Generator<Step, T, unknown>;

type Results<T extends readonly Operation<unknown>[]> = {
  -readonly [K in keyof T]: T[K] extends Operation<infer R> ? R : never;
};

// Each helper is a one-step generator so `yield*` gives the operation the step's typed result.
// The runners answer with exactly what the kind promises, which is what the casts restate.

export function* all<T>(query: RowsQuery<T>): Operation<T[]> {
  return (yield { kind: "all", query }) as T[];
}

export function* get<T>(query: RowQuery<T>): Operation<T | undefined> {
  return (yield { kind: "get", query }) as T | undefined;
}

export function* run(query: RunQuery): Operation<void> {
  yield { kind: "run", query };
}

/** A dialect hook: what differs between the engines (counters, search index, locking). */
export function* call<T>(hook: () => Awaitable<T>): Operation<T> {
  return (yield { kind: "call", hook }) as T;
}

/**
 * Independent reads: one after another on SQLite (one connection, nothing to overlap), together
 * on Postgres (Promise.all inside the caller's snapshot transaction, so they still agree).
 */
export function* parallel<const T extends readonly Operation<unknown>[]>(
  operations: T,
): Operation<Results<T>> {
  return (yield { kind: "parallel", operations }) as Results<T>;
}

/** Runs an operation to its end without ever yielding to the event loop (SQLite). */
export function runSync<T>(operation: Operation<T>): T {
  let next = operation.next();
  while (!next.done) next = operation.next(stepSync(next.value));
  return next.value;
}

function stepSync(step: Step): unknown {
  switch (step.kind) {
    case "all":
      return step.query.all();
    case "get":
      return step.query.get();
    case "run":
      step.query.run();
      return undefined;
    case "call": {
      const result = step.hook();
      // A promise here would let the transaction commit before the hook's work: refuse loudly.
      if (result instanceof Promise) throw new Error("a synchronous store's hook returned a promise");
      return result;
    }
    case "parallel":
      return step.operations.map((operation) => runSync(operation));
  }
}

/** Runs an operation awaiting each step (Postgres). */
export async function runAsync<T>(operation: Operation<T>): Promise<T> {
  let next = operation.next();
  while (!next.done) next = operation.next(await stepAsync(next.value));
  return next.value;
}

async function stepAsync(step: Step): Promise<unknown> {
  switch (step.kind) {
    case "all":
      return await step.query;
    case "get":
      return (await step.query)[0];
    case "run":
      await step.query;
      return undefined;
    case "call":
      return await step.hook();
    case "parallel":
      return await Promise.all(step.operations.map((operation) => runAsync(operation)));
  }
}
