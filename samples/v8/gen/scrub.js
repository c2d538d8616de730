'use strict';
// Removes the generating machine's absolute paths from finished dumps:
// the repository root becomes "<repo>", each directory above it "<up1>",
// "<up2>", ..., and the temporary output directory "<out>". Only whole path
// components are replaced (so "/work" never touches "/worker"). Runs after
// the dumps are written, so a few string nodes of a heap snapshot no longer
// have the length their self_size was computed from; nodes, edges and ids
// are untouched. Usage: node scrub.js OUTDIR FILE...
const fs = require('node:fs');
const path = require('node:path');

const [outDir, ...files] = process.argv.slice(2);
const repo = path.resolve(__dirname, '..', '..', '..');
const pairs = [[path.resolve(outDir), '<out>'], [repo, '<repo>']];
for (let d = path.dirname(repo), k = 1; d !== path.dirname(d); d = path.dirname(d), k++) {
  pairs.push([d, `<up${k}>`]);
}
const os = require('node:os');
pairs.push([os.homedir(), '<home>'], [os.tmpdir(), '<tmp>']);
// longest first, so a prefix never shadows a deeper path
pairs.sort((a, b) => b[0].length - a[0].length);

function escapeRe(s) { return s.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&'); }
for (const f of files) {
  let text = fs.readFileSync(f, 'latin1');  // byte-preserving for UTF-8 content
  for (const [from, to] of pairs) {
    if (from === '/' || from === '') continue;
    text = text.replace(new RegExp(escapeRe(from) + '(?![A-Za-z0-9_.-])', 'g'), to);
  }
  fs.writeFileSync(f, text, 'latin1');
}
