'use strict';
// Drives headless Chromium over the DevTools protocol (node's built-in
// WebSocket: run with `node --experimental-websocket driver.js OUTDIR`) through
// the Invoice board (index.html + app.js, served from 127.0.0.1 by this script)
// and writes three heap snapshots for the three-snapshot method:
//   browser-baseline.heapsnapshot  page loaded
//   browser-target.heapsnapshot    invoices loaded, 7 rows archived, 4 reports open, window resized, toast shown and closed
//   browser-final.heapsnapshot     reports closed, board cleared (back to the baseline state)
// Each snapshot follows three HeapProfiler.collectGarbage calls. One page, one
// HeapProfiler session: node ids are comparable across the three files.
const fs = require('node:fs');
const path = require('node:path');
const { launch, serveFiles, fetchJSON, pause } = require('./cdp.js');

const out = path.resolve(process.argv[2] || '.');

async function main() {
  const server = await serveFiles(__dirname, ['index.html', 'app.js']);
  const appUrl = `http://127.0.0.1:${server.address().port}/`;
  const { dt, port, close } = await launch();
  try {
    await dt.call('Page.enable');
    await dt.call('HeapProfiler.enable');
    await dt.navigate(appUrl);
    await pause(300);
    await dt.snapshot(path.join(out, 'browser-baseline.heapsnapshot'));

    // the interaction
    await dt.run(`document.getElementById('load').click()`);
    for (let i = 0; i < 7; i++) await dt.run(`invoiceBoard.archiveRow(2)`);
    await dt.run(`document.getElementById('open-reports').click()`);
    await dt.call('Emulation.setDeviceMetricsOverride', { width: 1100, height: 700, deviceScaleFactor: 1, mobile: false });
    await pause(200);
    await dt.run(`document.getElementById('toast').click()`);
    await pause(200);
    const seen = await dt.run(`[document.querySelectorAll('tr.invoice-row').length,
      document.querySelectorAll('.report-panel').length, document.querySelectorAll('.toast').length]`);
    if (String(seen) !== '13,4,0') throw new Error('unexpected page state after the interaction: ' + seen);
    await dt.snapshot(path.join(out, 'browser-target.heapsnapshot'));

    // back to the baseline state
    await dt.run(`document.getElementById('close-reports').click()`);
    await dt.run(`document.getElementById('clear').click()`);
    await dt.call('Emulation.clearDeviceMetricsOverride');
    await pause(200);
    await dt.snapshot(path.join(out, 'browser-final.heapsnapshot'));
    const version = await fetchJSON(`http://127.0.0.1:${port}/json/version`);
    fs.writeFileSync(path.join(out, 'browser-version.txt'), `${version.Browser} (V8 ${version['V8-Version']})\n`);
    dt.ws.close();
  } finally {
    await close();
    server.close();
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
