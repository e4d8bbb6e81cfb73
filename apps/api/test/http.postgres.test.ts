// Postgres: the server at TEST_POSTGRES_URL (a fresh database for this file), required in CI;
// without it locally, PGlite stands in.
import { describeHttpSuite } from "./http-suite.js";

describeHttpSuite("postgres");
