import { describeClientSuite } from "./client-suite.js";

describeClientSuite("sqlite-file");
