import { describeHttpSuite } from "./http-suite.js";

describeHttpSuite("sqlite-file");
