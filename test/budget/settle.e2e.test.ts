/**
 * Settlement end to end: a grpc-js client plays Envoy's ext_proc message sequence (request
 * headers, response headers, response body, streamed chunks) against `regent serve` on a real
 * Redis. The reservation drops to the real usage; an upstream 500 refunds it; an unsettled one
 * expires as configured; the admin port's HTTP endpoint settles too.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as grpc from "@grpc/grpc-js";
import { freePort, fromStruct, headerMap, requireBuild, startRegent, type Regent } from "../authz/harness.js";
import { loadExtProcProto } from "../../src/authz/extproc.js";
import { startRedis, stopRedis, waitUntil, type RedisNode } from "./redis-harness.js";
import { setup, spend, writeConfig, type Setup } from "./fleet-harness.js";

let s: Setup;
let redis: RedisNode;
let regent: Regent;
let extProcAddr: string;
let expiring: Regent;

beforeAll(async () => {
  requireBuild();
  s = await setup();
  redis = await startRedis();
  extProcAddr = `127.0.0.1:${await freePort()}`;
  const store = ["store: redis", `redis: {url: "${redis.url}", timeout_ms: 5000}`, "http_settle: true"];
  regent = await startRegent(["--config", writeConfig(s, "settle", store, [`ext_proc_addr: "${extProcAddr}"`]), "--bundle", s.bundlePath]);
  expiring = await startRegent(["--config", writeConfig(s, "expire", [...store, "reservation_ttl_seconds: 1", "on_expiry: release"]), "--bundle", s.bundlePath]);
  await Promise.all([regent.waitReady(), expiring.waitReady()]);
}, 120_000);

afterAll(async () => {
  await regent?.stop();
  await expiring?.stop();
  await stopRedis(redis);
});

const headers = (h: Record<string, string>) => ({ headers: Object.entries(h).map(([key, v]) => ({ key, rawValue: Buffer.from(v) })) });

/** Plays one HTTP stream through ext_proc as Envoy would, returning Envoy's view of the answers. */
async function playStream(messages: Record<string, unknown>[]): Promise<any[]> {
  const Ctor = (loadExtProcProto().root as any).envoy.service.ext_proc.v3.ExternalProcessor as grpc.ServiceClientConstructor;
  const client = new Ctor(extProcAddr, grpc.credentials.createInsecure()) as any;
  const call = client.Process();
  const answers: any[] = [];
  // Envoy waits for each answer before it sends the next message.
  for (const m of messages) {
    const answer = new Promise((resolve, reject) => {
      call.once("data", resolve);
      call.once("error", reject);
    });
    call.write(m);
    answers.push(await answer);
  }
  call.end();
  client.close();
  return answers;
}

async function reserve(tenant: string, maxTokens: number, on = regent): Promise<string> {
  const res = await on.client.check(await spend(s, { sub: "app", tenant }, { model: "m", max_tokens: maxTokens }));
  expect(res.status.code).toBe(0);
  return headerMap(res.okResponse.headers)["x-regent-reservation"]!;
}

async function tenantState(tenant: string, on = regent): Promise<{ spent: number; reserved: number }> {
  const res = await on.client.check(await spend(s, { sub: "app", tenant }, undefined, "/v1/peek"));
  return fromStruct(res.dynamicMetadata).budget.scopes.tenant;
}

describe("settlement through ext_proc", () => {
  it("settles a JSON response to its usage, and strips the reservation header upstream", async () => {
    const id = await reserve("json", 500);
    expect(await tenantState("json")).toMatchObject({ reserved: 500, spent: 0 });
    const body = JSON.stringify({ id: "chatcmpl-1", choices: [], usage: { prompt_tokens: 12, completion_tokens: 30, total_tokens: 42 } });
    const answers = await playStream([
      { requestHeaders: { headers: headers({ ":path": "/v1/chat/completions", "x-regent-reservation": id }), endOfStream: false } },
      { responseHeaders: { headers: headers({ ":status": "200", "content-type": "application/json" }) } },
      { responseBody: { body: Buffer.from(body.slice(0, 40)), endOfStream: false } },
      { responseBody: { body: Buffer.from(body.slice(40)), endOfStream: true } },
    ]);
    expect(answers[0].requestHeaders.response.headerMutation.removeHeaders).toEqual(["x-regent-reservation"]);
    expect(answers.map((a) => Object.keys(a).find((k) => a[k] !== null && k !== "dynamicMetadata" && k !== "modeOverride"))).toEqual([
      "requestHeaders",
      "responseHeaders",
      "responseBody",
      "responseBody",
    ]);
    await waitUntil("the settlement", async () => (await tenantState("json")).reserved === 0);
    expect(await tenantState("json")).toMatchObject({ reserved: 0, spent: 42 });
  });

  it("settles a streamed (SSE) Anthropic response from message_start and message_delta", async () => {
    const id = await reserve("sse", 800);
    const events = [
      `event: message_start\ndata: ${JSON.stringify({ type: "message_start", message: { usage: { input_tokens: 25, output_tokens: 1 } } })}\n\n`,
      `event: content_block_delta\ndata: ${JSON.stringify({ type: "content_block_delta", delta: { type: "text_delta", text: "Hello" } })}\n\n`,
      `event: message_delta\ndata: ${JSON.stringify({ type: "message_delta", usage: { output_tokens: 15 } })}\n\n`,
      `event: message_stop\ndata: {"type":"message_stop"}\n\n`,
    ].join("");
    // Chunks cut in the middle of lines, as a network would.
    const chunks = [events.slice(0, 50), events.slice(50, 200), events.slice(200)];
    await playStream([
      { requestHeaders: { headers: headers({ "x-regent-reservation": id }) } },
      { responseHeaders: { headers: headers({ ":status": "200", "content-type": "text/event-stream" }) } },
      ...chunks.map((c, i) => ({ responseBody: { body: Buffer.from(c), endOfStream: i === chunks.length - 1 } })),
    ]);
    await waitUntil("the settlement", async () => (await tenantState("sse")).reserved === 0);
    expect(await tenantState("sse")).toMatchObject({ spent: 40 });
  });

  it("refunds when the upstream answers 500", async () => {
    const id = await reserve("fail", 300);
    const answers = await playStream([
      { requestHeaders: { headers: headers({ "x-regent-reservation": id }) } },
      { responseHeaders: { headers: headers({ ":status": "500", "content-type": "application/json" }) } },
    ]);
    expect(answers[1].modeOverride).toMatchObject({ responseBodyMode: "NONE" });
    await waitUntil("the refund", async () => (await tenantState("fail")).reserved === 0);
    expect(await tenantState("fail")).toMatchObject({ spent: 0, reserved: 0 });
  });

  it("settles through the admin port's HTTP endpoint, and refuses bad input with a clear error", async () => {
    const id = await reserve("http", 200);
    const post = (body: string) => fetch(`http://${regent.adminAddr}/v1/budget/settle`, { method: "POST", body });
    const ok = await post(JSON.stringify({ reservation: id, status: 200, usage: { input_tokens: 3, output_tokens: 4 } }));
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ found: true, reserved: 200, charged: 7, result: "settled" });
    expect(await tenantState("http")).toMatchObject({ spent: 7, reserved: 0 });
    const bad = await post("{not json");
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: "budget_settle_error" });
    const forged = await post(JSON.stringify({ reservation: "x.y.z" }));
    expect(forged.status).toBe(400);
    expect((await regent.admin("/metrics")).body).toMatch(/regent_budget_settlements_total\{result="settled"\} [1-9]/);
  });

  it("lets an unsettled reservation expire as configured (release)", async () => {
    await reserve("expire", 70, expiring);
    expect((await tenantState("expire", expiring)).reserved).toBe(70);
    await waitUntil("the reservation to expire", async () => (await tenantState("expire", expiring)).reserved === 0);
    expect(await tenantState("expire", expiring)).toMatchObject({ spent: 0, reserved: 0 });
  });
});
