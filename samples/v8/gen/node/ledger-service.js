'use strict';
// ledger-service: a small Node.js service simulation with three deliberate
// leaks, used to produce the samples in samples/v8/ (see ../../MANIFEST.md).
//
//   node --expose-gc --cpu-prof --cpu-prof-interval=250 --cpu-prof-dir=OUT --cpu-prof-name=node-ledger.cpuprofile \
//        ledger-service.js OUT
//
// writes OUT/node-ledger.heapsnapshot (v8.writeHeapSnapshot after global.gc)
// and OUT/node-ledger.heapprofile (HeapProfiler sampling over the requests);
// node itself writes the .cpuprofile when the process exits.
//
// The leaks (counts are exact and independent of timing):
//   1. AuditBus (an EventEmitter): every request adds an 'audit-flush' listener
//      `onAuditFlush` whose closure keeps its LedgerRequest; never removed.
//   2. quoteCache (a module-level Map): one QuoteEntry per distinct symbol
//      requested, never evicted.
//   3. retryQueue (a module-level array): failed uploads push a `retryUpload`
//      closure that captures a 64 KiB Buffer; the queue is never drained.
// Negative control: every request also registers an 'audit-close' listener
// `onAuditClose` and removes it when the request completes.

const EventEmitter = require('node:events');
const v8 = require('node:v8');
const fs = require('node:fs');
const path = require('node:path');
const inspector = require('node:inspector');

const REQUESTS = 120;        // -> 120 onAuditFlush closures, 120 LedgerRequest objects
const SYMBOLS = 200;         // -> 200 QuoteEntry objects in quoteCache
const FAIL_EVERY = 3;        // every 3rd request's upload fails -> 40 retryUpload closures
const RETRY_BYTES = 65536;   // per retry closure

class AuditBus extends EventEmitter {}
class LedgerRequest {
  constructor(id, account, amount) {
    this.id = id;
    this.account = account;
    this.amount = amount;
    this.lines = [];
  }
}
class QuoteEntry {
  constructor(symbol, price) {
    this.symbol = symbol;
    this.price = price;
    this.fetchedAt = 1700000000000 + price;
  }
}

const auditBus = new AuditBus();
const quoteCache = new Map();
const retryQueue = [];

// Deterministic pseudo-random numbers (no Math.random: same run, same counts).
let seed = 12345;
function rnd() { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed; }

function checksumLines(lines) {        // plain JS CPU work for the .cpuprofile
  let h = 2166136261;
  for (let r = 0; r < 1500; r++) {
    for (const l of lines) {
      for (let i = 0; i < l.length; i++) h = Math.imul(h ^ l.charCodeAt(i), 16777619);
    }
  }
  return h >>> 0;
}

function lookupQuote(symbol) {
  let q = quoteCache.get(symbol);
  if (!q) {
    q = new QuoteEntry(symbol, rnd() % 100000);
    quoteCache.set(symbol, q);      // leak 2: never evicted
  }
  return q;
}

function uploadStatement(req) {
  const payload = Buffer.alloc(RETRY_BYTES, req.id & 0xff);
  if (req.id % FAIL_EVERY === 0) {
    // leak 3: the closure keeps `payload` (64 KiB) alive forever (and only
    // that: `attempt` is a number, the request itself is not captured)
    const attempt = req.id;
    retryQueue.push(function retryUpload() { return payload.length + attempt; });
    return false;
  }
  return true;
}

function handleRequest(id) {
  const req = new LedgerRequest(id, 'acct-' + (1000 + (id % 17)), rnd() % 50000);
  for (let i = 0; i < 8; i++) req.lines.push(`line ${id}.${i} ${rnd().toString(36)}`);
  // leak 1: one listener per request, never removed
  auditBus.on('audit-flush', function onAuditFlush() { return req.lines.length; });
  // negative control: added and removed
  const onAuditClose = () => req.id;
  auditBus.on('audit-close', onAuditClose);
  // every request asks for two quotes; over 120 requests that covers 200 symbols
  lookupQuote('SYM' + String((id * 2) % SYMBOLS).padStart(3, '0'));
  lookupQuote('SYM' + String((id * 2 + 1) % SYMBOLS).padStart(3, '0'));
  req.checksum = checksumLines(req.lines);
  uploadStatement(req);
  auditBus.removeListener('audit-close', onAuditClose);
}

function post(session, method, params) {
  return new Promise((resolve, reject) => {
    session.post(method, params || {}, (err, res) => (err ? reject(err) : resolve(res)));
  });
}

async function main() {
  const out = process.argv[2];
  if (!out) throw new Error('usage: ledger-service.js OUTDIR');
  auditBus.setMaxListeners(0);     // the leak stays silent, as leaks do
  const session = new inspector.Session();
  session.connect();
  await post(session, 'HeapProfiler.enable');
  await post(session, 'HeapProfiler.startSampling', { samplingInterval: 1024 });
  for (let id = 1; id <= REQUESTS; id++) {
    handleRequest(id);
    if (id % 10 === 0) await new Promise((r) => setImmediate(r));
  }
  const { profile } = await post(session, 'HeapProfiler.stopSampling');
  await post(session, 'HeapProfiler.disable');
  session.disconnect();
  fs.writeFileSync(path.join(out, 'node-ledger.heapprofile'), JSON.stringify(profile));
  global.gc();
  global.gc();
  v8.writeHeapSnapshot(path.join(out, 'node-ledger.heapsnapshot'));
  process.stdout.write(`listeners=${auditBus.listenerCount('audit-flush')} ` +
    `close-listeners=${auditBus.listenerCount('audit-close')} quotes=${quoteCache.size} ` +
    `retries=${retryQueue.length}\n`);
}

main().catch((e) => { console.error(e); process.exit(1); });
