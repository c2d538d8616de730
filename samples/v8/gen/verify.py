#!/usr/bin/env python3
"""Independent ground truth for the V8 samples in samples/v8/ (no memtracer code).

  verify.py summary FILE [NAME[:TYPE] | edge:NAME ...]   counts, detached DOM, retainer paths, retained sizes
  verify.py growth BASELINE TARGET FINAL
  verify.py cpuprofile FILE | heapprofile FILE   samples and self time/bytes per function

Reads .heapsnapshot files (plain or gzip) with the json module, using only the
layout that snapshot.meta declares. Rules, stated so they can be checked:
  - an edge retains unless its type is "weak" or "shortcut";
  - paths: breadth-first from node 0 over retaining edges, the first path found
    (edge order as in the file);
  - detached DOM: DevTools' propagation - from the nodes whose detachedness is
    1 (attached) then 2 (detached), walk retaining edges into "native" nodes
    whose state is still 0 and give them that state; of the detached natives,
    the DOM nodes are those named like an element ("<div ...>") or Text,
    Comment, CDATASection, ShadowRoot, DocumentFragment, DocumentType,
    ProcessingInstruction, Attr (Blink internals such as
    blink::UniqueElementData are counted apart); a node also counts when its
    name starts with "Detached " (older snapshots);
  - detached trees: connected components of the detached DOM nodes over
    retaining edges in either direction; the tree's root is its node nearest
    to node 0 (ties: lowest node index);
  - dominators: Cooper-Harvey-Kennedy on the retaining edges from node 0;
    nodes node 0 cannot reach are dominated by node 0;
  - growth (memlab's method): nodes whose id is absent from BASELINE, present
    in TARGET and present in FINAL, counted in FINAL.
"""
import collections
import gzip
import json
import sys


def load(path):
    with open(path, 'rb') as f:
        raw = f.read()
    if raw[:2] == b'\x1f\x8b':
        raw = gzip.decompress(raw)
    return Snapshot(json.loads(raw))


class Snapshot:
    def __init__(self, js):
        meta = js['snapshot']['meta']
        nf, ef = meta['node_fields'], meta['edge_fields']
        ntypes, etypes = meta['node_types'][0], meta['edge_types'][0]
        self.strings = js['strings']
        nodes, edges = js['nodes'], js['edges']
        w, ew = len(nf), len(ef)
        assert len(nodes) % w == 0 and len(edges) % ew == 0
        self.n = len(nodes) // w
        col = lambda name: nodes[nf.index(name)::w] if name in nf else [0] * self.n
        self.type = [ntypes[t] for t in col('type')]
        self.name = [self.strings[i] for i in col('name')]
        self.id = col('id')
        self.self_size = col('self_size')
        self.det = col('detachedness')
        counts = col('edge_count')
        et, en, eto = edges[ef.index('type')::ew], edges[ef.index('name_or_index')::ew], edges[ef.index('to_node')::ew]
        self.etype = [etypes[t] for t in et]
        self.ename = [self.strings[x] if self.etype[i] not in ('element', 'hidden') else str(x)
                      for i, x in enumerate(en)]
        self.eto = [x // w for x in eto]
        self.first = [0] * (self.n + 1)
        for i in range(self.n):
            self.first[i + 1] = self.first[i] + counts[i]
        assert self.first[self.n] == len(self.eto)
        self.nedges = len(self.eto)

    def retains(self, e):
        return self.etype[e] not in ('weak', 'shortcut')

    def out(self, v):
        for e in range(self.first[v], self.first[v + 1]):
            if self.retains(e):
                yield e, self.eto[e]

    def bfs(self):
        parent = [-1] * self.n      # edge index into the node
        dist = [-1] * self.n
        dist[0] = 0
        q = collections.deque([0])
        while q:
            v = q.popleft()
            for e, t in self.out(v):
                if dist[t] < 0:
                    dist[t] = dist[v] + 1
                    parent[t] = e
                    q.append(t)
        self.parent_edge, self.dist = parent, dist
        src = [0] * self.nedges
        for v in range(self.n):
            for e in range(self.first[v], self.first[v + 1]):
                src[e] = v
        self.src = src

    def label(self, v):
        nm = self.name[v].replace('\n', ' ')
        if len(nm) > 60:
            nm = nm[:57] + '...'
        return f'{nm} ({self.type[v]})'

    def path(self, v):
        steps = []
        while v != 0 and self.parent_edge[v] >= 0:
            e = self.parent_edge[v]
            steps.append(f'--{self.ename[e]}--> {self.label(v)}')
            v = self.src[e]
        return ' '.join([self.label(0)] + steps[::-1]) if v == 0 else '(unreachable)'

    def dominators(self):
        order, seen = [], [False] * self.n     # reverse postorder, iterative DFS
        stack = [(0, self.first[0])]
        seen[0] = True
        while stack:
            v, e = stack[-1]
            while e < self.first[v + 1] and (not self.retains(e) or seen[self.eto[e]]):
                e += 1
            if e < self.first[v + 1]:
                stack[-1] = (v, e + 1)
                t = self.eto[e]
                seen[t] = True
                stack.append((t, self.first[t]))
            else:
                stack.pop()
                order.append(v)
        order.reverse()
        rpo = [-1] * self.n
        for i, v in enumerate(order):
            rpo[v] = i
        preds = [[] for _ in range(self.n)]
        for v in order:
            for _, t in self.out(v):
                preds[t].append(v)
        idom = [-1] * self.n
        idom[0] = 0
        changed = True
        while changed:
            changed = False
            for v in order[1:]:
                new = -1
                for p in preds[v]:
                    if idom[p] < 0:
                        continue
                    if new < 0:
                        new = p
                        continue
                    a, b = p, new
                    while a != b:
                        while rpo[a] > rpo[b]:
                            a = idom[a]
                        while rpo[b] > rpo[a]:
                            b = idom[b]
                    new = a
                if idom[v] != new:
                    idom[v] = new
                    changed = True
        retained = list(self.self_size)
        for v in range(self.n):
            if idom[v] < 0:
                idom[v] = 0                   # unreachable: attached to the root
                retained[0] += retained[v]
        for v in reversed(order[1:]):
            retained[idom[v]] += retained[v]
        self.idom, self.retained = idom, retained

    def detached_dom(self):
        state = list(self.det)
        for seed_state in (1, 2):
            q = collections.deque(v for v in range(self.n) if self.det[v] == seed_state)
            while q:
                v = q.popleft()
                for _, t in self.out(v):
                    if self.type[t] == 'native' and state[t] == 0:
                        state[t] = seed_state
                        q.append(t)
        self.detached_native = [v for v in range(self.n) if self.type[v] == 'native' and state[v] == 2]
        return [v for v in range(self.n)
                if (self.type[v] == 'native' and state[v] == 2 and is_dom_name(self.name[v]))
                or self.name[v].startswith('Detached ')]


DOM_NAMES = {'Text', 'Comment', 'CDATASection', 'ShadowRoot', 'DocumentFragment', 'DocumentType',
             'ProcessingInstruction', 'Attr'}


def is_dom_name(name):
    return name.startswith('<') or name in DOM_NAMES


def tree_summary(s, dom):
    inside = set(dom)
    comp = {}
    adj = collections.defaultdict(list)
    for v in dom:
        for _, t in s.out(v):
            if t in inside:
                adj[v].append(t)
                adj[t].append(v)
    trees = []
    for v in dom:
        if v in comp:
            continue
        members, q = [], [v]
        comp[v] = len(trees)
        while q:
            x = q.pop()
            members.append(x)
            for y in adj[x]:
                if y not in comp:
                    comp[y] = len(trees)
                    q.append(y)
        reach = [m for m in members if s.dist[m] >= 0]
        root = min(reach, key=lambda m: (s.dist[m], m)) if reach else min(members)
        trees.append((root, members))
    return trees


def summary(path, names):
    s = load(path)
    s.bfs()
    s.dominators()
    print(f'file: {path.split("/")[-1].removesuffix(".gz")}')
    print(f'nodes {s.n}  edges {s.nedges}  strings {len(s.strings)}  self_size {sum(s.self_size)}')
    print(f'detachedness==2 (raw): {sum(1 for d in s.det if d == 2)}  names "Detached ...": '
          f'{sum(1 for n in s.name if n.startswith("Detached "))}')
    dom = s.detached_dom()
    by_name = collections.Counter(s.name[v] for v in dom)
    print(f'detached natives (propagated, any name): {len(s.detached_native)}')
    print(f'detached DOM nodes (propagated): {len(dom)}')
    for nm, c in sorted(by_name.items(), key=lambda kv: (-kv[1], kv[0])):
        print(f'  {c:4d}  {nm}')
    trees = tree_summary(s, dom)
    print(f'detached trees: {len(trees)}')
    groups = collections.defaultdict(list)
    for root, members in trees:
        shape = tuple(sorted(collections.Counter(s.name[m] for m in members).items()))
        groups[(s.name[root], shape)].append((root, members))
    for (rname, shape), ts in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0][0])):
        root, members = ts[0]
        print(f'  x{len(ts)} trees of {len(members)} nodes, root {rname}: ' +
              ', '.join(f'{n} {c}' for n, c in shape))
        print(f'      path (first, node id @{s.id[root]}): {s.path(root)}')
    for arg in names:
        if arg.startswith('edge:'):
            for e in range(s.nedges):
                if s.ename[e] == arg[5:] and s.etype[e] not in ('element', 'hidden'):
                    t = s.eto[e]
                    print(f'edge {arg[5:]!r} ({s.etype[e]}) from @{s.id[s.src[e]]} {s.label(s.src[e])} '
                          f'to @{s.id[t]} {s.label(t)}: retained {s.retained[t]}')
            continue
        want, _, ty = arg.partition(':')
        hits = [v for v in range(s.n) if s.name[v] == want and s.type[v] != 'string' and ty in ('', s.type[v])]
        kinds = collections.Counter(s.type[v] for v in hits)
        print(f'name {arg!r}: ' + (', '.join(f'{k} {c}' for k, c in sorted(kinds.items())) or 'none'))
        if hits:
            v = min(hits, key=lambda x: (s.dist[x] if s.dist[x] >= 0 else 1 << 30, x))
            print(f'    retained: sum {sum(s.retained[h] for h in hits)}, largest {max(s.retained[h] for h in hits)}'
                  f'; nearest @{s.id[v]} distance {s.dist[v]}')
            print(f'    path: {s.path(v)}')
    top = sorted(range(1, s.n), key=lambda v: (-s.retained[v], v))[:12]
    print('largest retained (excluding node 0):')
    for v in top:
        print(f'  {s.retained[v]:10d}  @{s.id[v]}  {s.label(v)}')


def growth(bpath, tpath, fpath):
    b, t, f = load(bpath), load(tpath), load(fpath)
    base, tgt = set(b.id), set(t.id)
    new = [v for v in range(f.n) if f.id[v] not in base and f.id[v] in tgt]
    print(f'baseline nodes {b.n}, target nodes {t.n}, final nodes {f.n}')
    print(f'new since baseline, alive in target and final: {len(new)} nodes, self_size {sum(f.self_size[v] for v in new)}')
    dom = set(f.detached_dom())
    newdom = collections.Counter(f.name[v] for v in new if v in dom)
    print(f'  of which detached DOM: {sum(newdom.values())}')
    for nm, c in sorted(newdom.items(), key=lambda kv: (-kv[1], kv[0])):
        print(f'  {c:4d}  {nm}')
    cons = collections.Counter((f.type[v], f.name[v]) for v in new if f.type[v] in ('object', 'closure', 'native'))
    print('  objects/closures/natives by name (top 15):')
    for (ty, nm), c in sorted(cons.items(), key=lambda kv: (-kv[1], kv[0]))[:15]:
        print(f'  {c:4d}  {ty:8s} {nm[:70]}')


def cpuprofile(path):
    with open(path) as f:
        p = json.load(f)
    nodes = {n['id']: n for n in p['nodes']}
    self_us = collections.Counter()
    hits = collections.Counter()
    # timeDeltas[i] is the time before sample i; sample i lasts until sample i+1
    deltas = p['timeDeltas'][1:] + [0]
    for sid, d in zip(p['samples'], deltas):
        fn = nodes[sid]['callFrame']['functionName'] or '(anonymous)'
        hits[fn] += 1
        self_us[fn] += d
    print(f'cpuprofile: {len(p["nodes"])} nodes, {len(p["samples"])} samples, '
          f'{(p["endTime"] - p["startTime"]) / 1000:.1f} ms from startTime to endTime')
    for fn, c in hits.most_common(5):
        print(f'  {c:5d} samples  {self_us[fn] / 1000:8.2f} ms self  {fn}')


def heapprofile(path):
    with open(path) as f:
        p = json.load(f)
    own = collections.Counter()
    total = 0
    stack = [p['head']]
    while stack:
        n = stack.pop()
        size = n.get('selfSize', 0)
        own[n['callFrame']['functionName'] or '(anonymous)'] += size
        total += size
        stack.extend(n.get('children', []))
    print(f'heapprofile: {len(p.get("samples", []))} samples, {total} bytes of self size in the tree')
    for fn, b in own.most_common(5):
        print(f'  {b:8d} B self  {fn}')


if __name__ == '__main__':
    if len(sys.argv) == 3 and sys.argv[1] == 'cpuprofile':
        cpuprofile(sys.argv[2])
        sys.exit(0)
    if len(sys.argv) == 3 and sys.argv[1] == 'heapprofile':
        heapprofile(sys.argv[2])
        sys.exit(0)
    if len(sys.argv) >= 3 and sys.argv[1] == 'summary':
        summary(sys.argv[2], sys.argv[3:])
    elif len(sys.argv) == 5 and sys.argv[1] == 'growth':
        growth(*sys.argv[2:])
    else:
        sys.exit(__doc__)
