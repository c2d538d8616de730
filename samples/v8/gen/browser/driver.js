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
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const out = path.resolve(process.argv[2] || '.');
const pause = (ms) => new Promise((r) => setTimeout(r, ms));

function serveApp() {
  const files = { '/': 'index.html', '/index.html': 'index.html', '/app.js': 'app.js' };
  const types = { '.html': 'text/html', '.js': 'text/javascript' };
  const server = http.createServer((req, res) => {
    const f = files[req.url];
    if (!f) { res.writeHead(404); res.end(); return; }
    res.writeHead(200, { 'content-type': types[path.extname(f)] + '; charset=utf-8' });
    res.end(fs.readFileSync(path.join(__dirname, f)));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function fetchJSON(url) {
  const r = await fetch(url);
  return r.json();
}

// One DevTools connection: request/response by id, events by method name.
class Devtools {
  constructor(url) {
    this.seq = 0;
    this.waiting = new Map();
    this.handlers = new Map();
    this.ws = new WebSocket(url);
    this.ws.onmessage = (ev) => {
      const m = JSON.parse(ev.data);
      if (m.id !== undefined) {
        const w = this.waiting.get(m.id);
        this.waiting.delete(m.id);
        if (w) m.error ? w.reject(new Error(w.method + ': ' + m.error.message)) : w.resolve(m.result);
      } else {
        for (const h of this.handlers.get(m.method) || []) h(m.params);
      }
    };
    this.opened = new Promise((resolve, reject) => { this.ws.onopen = resolve; this.ws.onerror = reject; });
  }
  call(method, params = {}) {
    const id = ++this.seq;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject, method });
      this.ws.send(JSON.stringify({ id, method, params }));
    });
  }
  listen(method, fn) {
    const list = this.handlers.get(method) || [];
    list.push(fn);
    this.handlers.set(method, list);
    return () => list.splice(list.indexOf(fn), 1);
  }
  async run(expression) {
    const r = await this.call('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true });
    if (r.exceptionDetails) throw new Error('page: ' + JSON.stringify(r.exceptionDetails));
    return r.result.value;
  }
  async snapshot(file) {
    for (let i = 0; i < 3; i++) { await this.call('HeapProfiler.collectGarbage'); await pause(100); }
    const fd = fs.openSync(file, 'w');
    const off = this.listen('HeapProfiler.addHeapSnapshotChunk', (p) => fs.writeSync(fd, p.chunk));
    await this.call('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
    off();
    fs.closeSync(fd);
  }
}

async function main() {
  const server = await serveApp();
  const appUrl = `http://127.0.0.1:${server.address().port}/`;
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'mt-v8-samples-'));
  const browser = spawn(CHROMIUM, ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--remote-debugging-address=127.0.0.1', '--remote-debugging-port=0', '--window-size=1280,800',
    `--user-data-dir=${profile}`, 'about:blank'], { stdio: ['ignore', 'ignore', 'ignore'] });
  try {
    const portFile = path.join(profile, 'DevToolsActivePort');
    for (let i = 0; i < 300 && !fs.existsSync(portFile); i++) await pause(100);
    const port = parseInt(fs.readFileSync(portFile, 'utf8'), 10);
    let page;
    for (let i = 0; i < 50 && !page; i++) {
      page = (await fetchJSON(`http://127.0.0.1:${port}/json/list`)).find((t) => t.type === 'page');
      if (!page) await pause(100);
    }
    const dt = new Devtools(page.webSocketDebuggerUrl);
    await dt.opened;
    await dt.call('Page.enable');
    await dt.call('HeapProfiler.enable');
    const loaded = new Promise((r) => { const off = dt.listen('Page.loadEventFired', () => { off(); r(); }); });
    await dt.call('Page.navigate', { url: appUrl });
    await loaded;
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
    browser.kill('SIGTERM');
    await new Promise((r) => (browser.exitCode !== null ? r() : browser.once('exit', r)));
    server.close();
    fs.rmSync(profile, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
