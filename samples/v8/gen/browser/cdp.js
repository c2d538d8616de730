'use strict';
// A small DevTools-protocol client for headless Chromium, on node's built-in
// WebSocket (node 20: run with --experimental-websocket). Used by driver.js
// (the samples) and by bench/gen/v8heap/bigpage.js (the benchmark snapshot).
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');

const pause = (ms) => new Promise((r) => setTimeout(r, ms));

async function fetchJSON(url) {
  const r = await fetch(url);
  return r.json();
}

// Serves the named files of @dir on 127.0.0.1 (a free port); '/' is index.html.
function serveFiles(dir, names) {
  const types = { '.html': 'text/html', '.js': 'text/javascript' };
  const server = http.createServer((req, res) => {
    const f = req.url === '/' ? 'index.html' : req.url.slice(1);
    if (!names.includes(f)) { res.writeHead(404); res.end(); return; }
    res.writeHead(200, { 'content-type': types[path.extname(f)] + '; charset=utf-8' });
    res.end(fs.readFileSync(path.join(dir, f)));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
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
  async navigate(url) {
    const loaded = new Promise((r) => { const off = this.listen('Page.loadEventFired', () => { off(); r(); }); });
    await this.call('Page.navigate', { url });
    await loaded;
  }
  // three collectGarbage calls, then the snapshot streamed to @file
  async snapshot(file) {
    for (let i = 0; i < 3; i++) { await this.call('HeapProfiler.collectGarbage'); await pause(100); }
    const fd = fs.openSync(file, 'w');
    const off = this.listen('HeapProfiler.addHeapSnapshotChunk', (p) => fs.writeSync(fd, p.chunk));
    await this.call('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
    off();
    fs.closeSync(fd);
  }
}

// Starts headless Chromium with a fresh profile and connects to its page.
// Returns { dt, port, close }; close() stops the browser we started and
// removes the profile.
async function launch(extraArgs = []) {
  const chromium = process.env.CHROMIUM || '/usr/bin/chromium';
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'mt-v8-chromium-'));
  const browser = spawn(chromium, ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--remote-debugging-address=127.0.0.1', '--remote-debugging-port=0', '--window-size=1280,800',
    ...extraArgs, `--user-data-dir=${profile}`, 'about:blank'], { stdio: ['ignore', 'ignore', 'ignore'] });
  const close = async () => {
    browser.kill('SIGTERM');
    await new Promise((r) => (browser.exitCode !== null ? r() : browser.once('exit', r)));
    fs.rmSync(profile, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  };
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
    return { dt, port, close };
  } catch (e) {
    await close();
    throw e;
  }
}

module.exports = { Devtools, launch, serveFiles, fetchJSON, pause };
