import { describeStoreContract } from "../src/testing/contract/index.js";

describeStoreContract("sqlite-file");
