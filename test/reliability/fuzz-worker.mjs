// Worker-thread entry for fuzz-main.ts: worker threads do not inherit the tsx loader, so each
// one registers it and then loads the TypeScript runner (which sees it is not the main thread).
import { register } from "tsx/esm/api";
register();
await import("./fuzz-main.ts");
