/**
 * `npm run soak`: a real `regent serve` under a fixed open-loop rate of Checks, with a bundle
 * swap every --swap-seconds and a JWKS rotation every --jwks-seconds, sampling RSS (/proc), the
 * sidecar's event-loop delay, throughput, latency and errors every --sample-seconds. Writes a
 * JSON report and a Markdown summary.
 *   npm run soak -- --rate 1000 --minutes 60 --out bench/results/soak-issue18
 */
import { renameSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { TestIdp, checkRequest, startRegent, tempDir } from "../authz/harness.js";
import { pathBundle, rssOf } from "./lib.js";

const args = process.argv.slice(2);
const opt = (name: string, dflt: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const outIdx = args.indexOf("--out");
const out = outIdx >= 0 ? args[outIdx + 1]! : "bench/results/soak";
const rate = opt("rate", 1000);
const minutes = opt("minutes", 60);
const swapSeconds = opt("swap-seconds", 60);
const jwksSeconds = opt("jwks-seconds", 300);
const sampleSeconds = opt("sample-seconds", 10);
const maxInFlight = opt("max-in-flight", 256);

interface Sample {
  t_s: number;
  rss_mb: number;
  sent: number;
  answered: number;
  errors: number;
  late: number;
  rate_per_s: number;
  p50_ms: number;
  p99_ms: number;
  max_ms: number;
  event_loop_p99_ms: number | null;
  revision: string | null;
}

async function main(): Promise<void> {
  const dir = tempDir("regent-soak-");
  const bundlePath = join(dir, "bundle.tar.gz");
  const jwksPath = join(dir, "jwks.json");
  let revision = 0;
  const swap = async (): Promise<void> => {
    revision++;
    writeFileSync(`${bundlePath}.tmp`, await pathBundle(`s${revision}`));
    renameSync(`${bundlePath}.tmp`, bundlePath);
  };
  await swap();
  const idp = await TestIdp.create(["k1"]);
  let kidN = 1;
  idp.writeJwks(jwksPath);
  let token = await idp.token({ sub: "soak" }, { kid: "k1", expiresIn: 24 * 3600 });
  const rotate = async (): Promise<void> => {
    // Publish the next key, sign with it, and withdraw the one before the previous.
    kidN++;
    const kid = `k${kidN}`;
    await idp.addKey(kid);
    const keep = [`k${kidN - 1}`, kid];
    idp.writeJwks(jwksPath, keep);
    token = await idp.token({ sub: "soak" }, { kid, expiresIn: 24 * 3600 });
  };
  const config = join(dir, "regent.yaml");
  writeFileSync(config, "decision_log: {enabled: false}\nidentity: {jwks_cache_seconds: 30, jwks_min_refresh_seconds: 5}\n");
  const regent = await startRegent(["--config", config, "--bundle", bundlePath, "--jwks-file", jwksPath, "--workers", "1", "--poll-min", "5", "--poll-max", "10"]);
  await regent.waitReady();
  const pid = regent.proc.pid!;

  let sent = 0;
  let answered = 0;
  let errors = 0;
  let late = 0;
  let inFlight = 0;
  let lat: number[] = [];
  const errorSamples: string[] = [];
  const fire = (i: number): void => {
    const ok = i % 4 !== 3;
    inFlight++;
    sent++;
    const t = performance.now();
    regent.client.check(checkRequest({ path: ok ? "/ok/chat" : "/no", headers: { authorization: `Bearer ${token}` } })).then(
      (r) => {
        inFlight--;
        answered++;
        lat.push(performance.now() - t);
        if (r.status.code !== (ok ? 0 : 7)) {
          errors++;
          if (errorSamples.length < 10) errorSamples.push(`wrong answer ${JSON.stringify(r.status)} for ${ok ? "/ok" : "/no"}`);
        }
      },
      (err: Error) => {
        inFlight--;
        errors++;
        if (errorSamples.length < 10) errorSamples.push(err.message);
      },
    );
  };

  const samples: Sample[] = [];
  const t0 = Date.now();
  const endAt = t0 + minutes * 60_000;
  let lastSample = Date.now();
  let lastAnswered = 0;
  let nextSwap = t0 + swapSeconds * 1000;
  let nextRotate = t0 + jwksSeconds * 1000;
  let i = 0;
  const metric = async (name: string): Promise<number | null> => {
    const body = (await regent.admin("/metrics").catch(() => ({ body: "" }))).body;
    const m = new RegExp(`^${name} ([0-9.e+-]+)$`, "m").exec(body);
    return m ? Number(m[1]) : null;
  };
  // Open loop: every ~10 ms, send what the rate says is due; a full in-flight window counts as late.
  while (Date.now() < endAt) {
    const now = Date.now();
    // Due by the clock, not by ticks: a slow tick sends more, so the rate holds on average.
    const due = Math.floor((rate * (now - t0)) / 1000);
    while (sent + late < due) {
      if (inFlight >= maxInFlight) late++;
      else fire(i++);
    }
    if (now >= nextSwap) {
      nextSwap += swapSeconds * 1000;
      await swap();
    }
    if (now >= nextRotate) {
      nextRotate += jwksSeconds * 1000;
      await rotate();
    }
    if (now - lastSample >= sampleSeconds * 1000) {
      // Taken before any await: answers landing meanwhile belong to the next interval.
      const window = lat.sort((a, b) => a - b);
      lat = [];
      const status = (await regent.admin("/health?bundles").catch(() => ({ json: () => ({}) }))).json() as { active_revision?: string; bundles?: { active_revision?: string } };
      const s: Sample = {
        t_s: Math.round((now - t0) / 1000),
        rss_mb: +(rssOf(pid) / 2 ** 20).toFixed(1),
        sent,
        answered,
        errors,
        late,
        rate_per_s: Math.round(((answered - lastAnswered) * 1000) / (now - lastSample)),
        p50_ms: +(window[Math.floor(window.length / 2)] ?? 0).toFixed(2),
        p99_ms: +(window[Math.floor(window.length * 0.99)] ?? 0).toFixed(2),
        max_ms: +(window.at(-1) ?? 0).toFixed(2),
        event_loop_p99_ms: await metric("regent_event_loop_delay_p99_seconds").then((v) => (v === null ? null : +(v * 1000).toFixed(2))),
        revision: status.active_revision ?? status.bundles?.active_revision ?? null,
      };
      samples.push(s);
      process.stderr.write(JSON.stringify(s) + "\n");
      lastAnswered = answered;
      lastSample = now;
      writeReport(false);
    }
    const wait = 10 - (Date.now() - now);
    await new Promise((r) => setTimeout(r, Math.max(0, wait)));
  }
  while (inFlight > 0) await new Promise((r) => setTimeout(r, 20));
  writeReport(true);
  await regent.stop();
  process.exit(errors ? 1 : 0);

  function writeReport(done: boolean): void {
    const after5 = samples.filter((s) => s.t_s >= 300);
    const ref = after5[0]?.rss_mb;
    const rssBand = ref ? { at_5_min_mb: ref, min_mb: Math.min(...after5.map((s) => s.rss_mb)), max_mb: Math.max(...after5.map((s) => s.rss_mb)) } : null;
    const report = {
      done,
      started: new Date(t0).toISOString(),
      minutes_planned: minutes,
      minutes_run: +((Date.now() - t0) / 60_000).toFixed(1),
      target_rate_per_s: rate,
      achieved_rate_per_s: Math.round((answered * 1000) / Math.max(1, Date.now() - t0)),
      swaps: revision - 1,
      jwks_rotations: kidN - 1,
      sent,
      answered,
      errors,
      late,
      error_samples: errorSamples,
      rss_after_5_min: rssBand,
      rss_within_10_percent: rssBand ? rssBand.max_mb <= ref! * 1.1 && rssBand.min_mb >= ref! * 0.9 : null,
      samples,
    };
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(`${out}.json`, JSON.stringify(report, null, 2) + "\n");
  }
}

void main();
