#!/usr/bin/env node
// The regent command: runs the compiled CLI from dist/ (built by `npm run build`).
import("../dist/cli/main.js").then((m) => m.main(process.argv)).catch((err) => {
  console.error(err && err.stack ? err.stack : String(err));
  process.exit(1);
});
