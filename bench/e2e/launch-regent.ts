/**
 * Starts the regent CLI from source (src/cli/main.ts under tsx), so the end-to-end benchmark always
 * runs the code in the tree rather than a stale dist/. Usage: launch-regent.ts serve --config <file> ...
 */
import { main } from "../../src/cli/main.js";

main(process.argv).catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
