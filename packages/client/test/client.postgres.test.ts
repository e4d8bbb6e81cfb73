// The server at TEST_POSTGRES_URL (a fresh database for this file), required in CI; PGlite otherwise.
import { describeClientSuite } from "./client-suite.js";

describeClientSuite("postgres");
