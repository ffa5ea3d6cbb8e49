#!/usr/bin/env node
// The regent command: runs the compiled CLI from dist/ (built by `npm run build`). `serve` takes
// a lean entry that loads only what a sidecar needs (no compiler, no binaryen).
const entry = process.argv[2] === "serve" ? "../dist/cli/serve-main.js" : "../dist/cli/main.js";
import(entry).then((m) => m.main(process.argv)).catch((err) => {
  console.error(err && err.stack ? err.stack : String(err));
  process.exit(1);
});
