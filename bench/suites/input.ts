/**
 * A hidden cost of every Check: mapping Envoy's CheckRequest to the policy input. Timed as the
 * sidecar does it (proto decode with the server's own loader, then src/authz/input.ts), beside the decode alone.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { benchRequest } from "../e2e/request.js";
import { measureSync } from "../lib/measure.js";
import { piece } from "../lib/pieces.js";
import { skipped, withRatio, type ScenarioResult } from "../lib/result.js";
import type { Suite } from "../lib/suite.js";

interface ProtoModule {
  loadProtos(): { authorization: Record<string, { requestDeserialize(b: Buffer): unknown }> };
}
interface InputModule {
  buildInput(req: unknown, maxBodyBytes: number): { input: Record<string, unknown> };
}

export const inputSuite: Suite = {
  name: "input",
  scenarios: ["input/decode", "input/map"],
  async run(ctx) {
    const proto = await piece<ProtoModule>("src/authz/proto.ts", ["loadProtos"]);
    if (!proto.ok) return this.scenarios.map((n) => skipped(n, proto.why));
    const tmp = mkdtempSync(path.join(os.tmpdir(), "regent-bench-input-"));
    let bytes: Buffer;
    try {
      bytes = (await benchRequest(tmp)).bytes;
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
    const check = proto.mod.loadProtos().authorization["Check"];
    if (!check) throw new Error("src/authz/proto.ts has no Authorization/Check method");
    const decode = (): unknown => check.requestDeserialize(bytes);
    const extra = { request_bytes: bytes.length };
    ctx.log("input/decode");
    const dec = { ...measureSync("input/decode", decode, { quick: ctx.quick }), extra };
    const rows: ScenarioResult[] = [dec];
    const input = await piece<InputModule>("src/authz/input.ts", ["buildInput"]);
    if (!input.ok) return [...rows, skipped("input/map", input.why)];
    const mapped = input.mod.buildInput(decode(), 65_536).input;
    if (!Array.isArray(mapped.parsed_path) || typeof mapped.parsed_body !== "object") {
      throw new Error("buildInput did not produce parsed_path and parsed_body for the benchmark request");
    }
    ctx.log("input/map");
    // buildInput reuses the decoded object in place, so each call decodes afresh, as the server does.
    const map = measureSync("input/map", () => input.mod.buildInput(decode(), 65_536), { quick: ctx.quick });
    map.extra = { ...map.extra, ...extra, input_bytes: Buffer.byteLength(JSON.stringify(mapped)), includes: "decode + buildInput" };
    rows.push(withRatio(map, dec));
    return rows;
  },
};
