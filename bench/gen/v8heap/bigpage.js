'use strict';
// bench/gen/v8heap/bigpage.js - takes a large heap snapshot of a real page in
// headless Chromium (bigpage.html, see there) over the DevTools protocol.
//   node --experimental-websocket bigpage.js OUT.heapsnapshot [CUSTOMERS] [CARDS]
// Defaults: 145000 customers, 40000 closed cards (each a detached tree of
// 12 DOM nodes: div, h3, p, ul, li x3 and 5 Text).
const path = require('node:path');
const { launch, serveFiles } = require('../../../samples/v8/gen/browser/cdp.js');

async function main() {
  const out = path.resolve(process.argv[2] || 'bigpage.heapsnapshot');
  const customers = Number(process.argv[3] || 145000);
  const cards = Number(process.argv[4] || 40000);
  const server = await serveFiles(__dirname, ['bigpage.html']);
  const { dt, close } = await launch(['--js-flags=--max-old-space-size=8192']);
  try {
    await dt.call('Page.enable');
    await dt.call('HeapProfiler.enable');
    await dt.navigate(`http://127.0.0.1:${server.address().port}/bigpage.html`);
    const got = await dt.run(`build(${customers}, ${cards})`);
    await dt.snapshot(out);
    process.stdout.write(`customers=${got[0]} orders=${got[1]} attached-cards=${got[2]} kept-in-array=${got[3]} cards=${cards}\n`);
  } finally {
    await close();
    server.close();
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
