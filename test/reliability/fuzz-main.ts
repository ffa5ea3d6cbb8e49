/**
 * `npm run fuzz`: the long fuzz runs. Each target runs in batches of 1,000 cases in a worker
 * thread; batch i draws from seed + i, so any failure replays alone. A batch that reports
 * nothing for --hang-seconds is a hang: the worker is killed, counted and replaced.
 *   npm run fuzz -- --parser 1000000 --checks 1000000 --bundles 100000 --seed 18 --out bench/results/fuzz.json
 */
import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";
import { writeFileSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";

const BATCH = 1000;
type Target = "parser" | "checks" | "bundles";

interface Job {
  target: Target;
  seed: number;
  firstBatch: number;
  batches: number;
}

async function workerMain(job: Job): Promise<void> {
  const t = await import("./fuzz-targets.js");
  const { prng } = await import("./lib.js");
  const corpus = job.target === "parser" ? t.regoSources() : [];
  const checkTarget = job.target === "checks" ? await t.checkTarget() : undefined;
  const bundles = job.target === "bundles" ? await t.bundleCorpus() : undefined;
  for (let b = job.firstBatch; b < job.firstBatch + job.batches; b++) {
    const tally = t.newTally();
    const r = prng(job.seed + b);
    if (job.target === "parser") t.fuzzParser(tally, r, corpus, BATCH);
    else if (job.target === "checks") await t.fuzzChecks(tally, r, checkTarget!, BATCH);
    else await t.fuzzBundles(tally, r, bundles!, BATCH);
    parentPort!.postMessage({ batch: b, tally });
  }
}

interface Summary {
  target: Target;
  cases: number;
  crashes: number;
  hangs: number;
  undecided_allows: number;
  seconds: number;
  samples: string[];
  hung_batches: number[];
}

/** Every summary so far, written to `<out>.partial` as batches land, so a cut-short run still reports. */
const live: Summary[] = [];
let partialOut: string | undefined;
function writePartial(): void {
  if (partialOut) writeFileSync(partialOut, JSON.stringify({ partial: true, at: new Date().toISOString(), results: live }, null, 2) + "\n");
}

function run(target: Target, total: number, seed: number, hangMs: number): Promise<Summary> {
  const batches = Math.ceil(total / BATCH);
  const s: Summary = { target, cases: 0, crashes: 0, hangs: 0, undecided_allows: 0, seconds: 0, samples: [], hung_batches: [] };
  live.push(s);
  const t0 = Date.now();
  return new Promise((resolve) => {
    let next = 0;
    const start = (): void => {
      if (next >= batches) {
        s.seconds = Math.round((Date.now() - t0) / 1000);
        return resolve(s);
      }
      const job: Job = { target, seed, firstBatch: next, batches: batches - next };
      const w = new Worker(fileURLToPath(new URL("./fuzz-worker.mjs", import.meta.url)), { workerData: job });
      let timer = setTimeout(() => hang(), hangMs * 4); // the first batch includes loading
      const hang = (): void => {
        s.hangs++;
        s.hung_batches.push(next);
        next++;
        void w.terminate();
      };
      w.on("message", (m: { batch: number; tally: { cases: number; crashes: number; undecidedAllows: number; samples: string[] } }) => {
        clearTimeout(timer);
        timer = setTimeout(() => hang(), hangMs);
        next = m.batch + 1;
        s.cases += m.tally.cases;
        s.crashes += m.tally.crashes;
        s.undecided_allows += m.tally.undecidedAllows;
        for (const x of m.tally.samples) if (s.samples.length < 20) s.samples.push(`batch ${m.batch}: ${x}`);
        s.seconds = Math.round((Date.now() - t0) / 1000);
        if (m.batch % 50 === 0) writePartial();
        if (m.batch % 50 === 0) process.stderr.write(`${target}: ${s.cases} cases, ${s.crashes} crashes, ${s.hangs} hangs, ${s.undecided_allows} undecided allows\n`);
      });
      w.on("error", (err) => {
        s.crashes++;
        if (s.samples.length < 20) s.samples.push(`batch ${next}: worker error ${err.stack ?? err.message}`);
        next++;
      });
      w.on("exit", () => {
        clearTimeout(timer);
        start();
      });
    };
    start();
  });
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const opt = (name: string, dflt: number): number => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? Number(args[i + 1]) : dflt;
  };
  const outIdx = args.indexOf("--out");
  const out = outIdx >= 0 ? args[outIdx + 1]! : undefined;
  const seed = opt("seed", 18);
  const hangMs = opt("hang-seconds", 120) * 1000;
  const plan: [Target, number][] = [["parser", opt("parser", 10_000)], ["checks", opt("checks", 10_000)], ["bundles", opt("bundles", 2_000)]];
  const started = new Date().toISOString();
  if (out) {
    mkdirSync(dirname(out), { recursive: true });
    partialOut = `${out}.partial`;
  }
  // The targets run side by side, one worker thread each.
  const results = await Promise.all(plan.filter(([, n]) => n > 0).map(([t, n]) => run(t, n, seed, hangMs)));
  const report = { started, finished: new Date().toISOString(), seed, batch: BATCH, node: process.version, results };
  const text = JSON.stringify(report, null, 2);
  process.stdout.write(text + "\n");
  if (out) {
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, text + "\n");
  }
  const bad = results.some((r) => r.crashes || r.hangs || r.undecided_allows);
  process.exit(bad ? 1 : 0);
}

if (isMainThread) void main();
else void workerMain(workerData as Job);
