/**
 * The suites `npm run bench` runs, in order: cheap in-process suites first, processes and load last.
 */
import type { Suite } from "../lib/suite.js";
import { budgetSuite } from "./budget.js";
import { bundleSuite } from "./bundle.js";
import { compileSuite } from "./compile.js";
import { e2eSuite } from "./e2e.js";
import { hotpathSuite } from "./hotpath.js";
import { inputSuite } from "./input.js";
import { jwtSuite } from "./jwt.js";
import { memorySuite } from "./memory.js";

export const SUITES: readonly Suite[] = [hotpathSuite, jwtSuite, inputSuite, compileSuite, bundleSuite, memorySuite, budgetSuite, e2eSuite];
