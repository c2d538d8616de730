/*
 * analysis/heap_holders.c - what holds leaked memory in one V8 heap
 * snapshot, besides detached DOM trees: listener closures piling up on
 * one event target, collections holding many instances of one class, and
 * large strings and buffers held by program objects. Linear passes over
 * the flat arrays; every finding carries the retainer path of what it
 * reports (mt_heap_retainer_path) as "path" (text) and "steps".
 *
 * "listeners" - closures registered on one event target:
 *  - Node's EventEmitter: an object whose "_events" object maps an event
 *    name to a closure or an Array of closures; reported when one event
 *    has at least min_listeners closures (default 11: Node warns past 10).
 *    Path: to the listener Array (or the closure);
 *  - Blink: a DOM node or Window whose blink::EventTargetData leads
 *    (through blink:: containers, RegisteredEventListener, EventListener,
 *    V8EventListener) to listener closures; grouped by closure name;
 *    reported when a group has min_listeners closures, or its closures
 *    keep detached DOM trees (the paths of the detached-dom findings run
 *    through them), or they retain min_large bytes (big arrays, strings). The event name is not in the snapshot ("event":null).
 *    Path: to the first closure.
 *  JSON {"kind":"listeners","root" (closure name),"count" (closures),
 *  "bytes" (retained size of the listener Array, or the closures' summed
 *  retained sizes),"target" (class of the event target; a DOM node or
 *  Window as labelled in paths),"event","listeners"
 *  ({closure name: count}),"captured" ({name: count} of the objects and
 *  native (DOM) nodes the closures' scopes hold directly),"detached_nodes","path","steps",
 *  "source"}. Score = count + bytes / 64 KiB (the detached-dom findings
 *  already rank the trees themselves).
 *
 * "collection" - an object (Map, Set, Array, plain object...) whose own
 *  edges, or whose backing store's ("table", "elements", "properties"),
 *  lead to at least min_instances (default 100) objects of one class, or
 *  closures of one name, defined by the program: the class's constructor
 *  (the closure's function) comes from a script that is not the runtime's
 *  own (not "node:...", "native ...", "extensions::..." or unnamed); or
 *  to at least 10 of them when the collection retains min_large bytes or
 *  more (an array of callbacks each capturing a buffer). Plain "Object"
 *  instances and anonymous closures are not counted (nothing to blame),
 *  nor the listener Arrays already reported as "listeners". Root: the variable or property that holds
 *  the collection (a context edge preferred, then a property edge from a
 *  non-system object), else the last named edge on its path with the
 *  element indices after it ("maps[3]"), else its class.
 *  JSON {"kind":"collection","root","count" (instances),"bytes" (retained
 *  size of the collection),"container" (its class),"class","script"
 *  (where the class is defined),"path","steps","source"}. Score = count +
 *  bytes / 64 KiB.
 *
 * "large-object" - a string (flat, concatenated, sliced) or an
 *  ArrayBuffer / typed array / Buffer retaining at least min_large bytes
 *  (default 256 KiB), held by a program object: its immediate dominator is
 *  not code, a hidden/system node or a GC root (a script's source is held
 *  by its Script, which is code), and, of nested candidates (a
 *  concatenated string and its parts, a typed array and its buffer), only
 *  the outermost. "reactive" is true when the path goes through a JS
 *  Proxy or a ref's _value/_rawValue (Vue's reactivity).
 *  JSON {"kind":"large-object","root" (the variable or property nearest
 *  the object on its path),"count":1,"bytes" (retained),"type",
 *  "class","holder" (the closure or
 *  variable keeping the path, as detached-dom's root),"reactive","path",
 *  "steps","source"}. Score = bytes / 64 KiB.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heap_leaks_int.h"
#include "mt_internal.h"

static int name_eq(const mt_heap *h, uint32_t v, const char *s)
{
	size_t len;
	const char *n = hl_name(h, v, &len);
	return len == strlen(s) && !memcmp(n, s, len);
}

static int name_starts(const mt_heap *h, uint32_t v, const char *p)
{
	size_t len, pl = strlen(p);
	const char *n = hl_name(h, v, &len);
	return len >= pl && !memcmp(n, p, pl);
}

/* c->seen bits: what was read once already */
enum { SEEN_EVENTS = 1, SEEN_LIST = 2, SEEN_LIST_STORE = 4, SEEN_STORE = 8 };

/* Strings the detectors look for, found once in the snapshot's table (HL_NONE when absent). */
enum {
	S_EVENTS, S_ARRAY, S_ETD, S_V8EL, S_PROTO, S_CONSTRUCTOR, S_SHARED, S_SCRIPT_OR, S_SCRIPT, S_WEAKMAP,
	S_WEAKSET, S_TABLE, S_ELEMENTS, S_PROPERTIES, S_MAP, S_OBJECT, S_CONTEXT, S_PROXY, S_VALUE, S_RAWVALUE,
	S__COUNT
};

static const char *const sid_names[S__COUNT] = {
	"_events", "Array", "blink::EventTargetData", "V8EventListener", "__proto__", "constructor", "shared",
	"script_or_debug_info", "script", "WeakMap", "WeakSet", "table", "elements", "properties", "map",
	"Object", "context", "system / JSProxy", "_value", "_rawValue",
};

_Static_assert(S__COUNT <= sizeof ((hl *)0)->sid / sizeof ((hl *)0)->sid[0], "hl.sid is too small");

static void find_sids(hl *c)
{
	for (int i = 0; i < S__COUNT; i++)
		if (!c->h->strings || !mt_strtab_find(c->h->strings, sid_names[i], strlen(sid_names[i]), &c->sid[i]))
			c->sid[i] = HL_NONE;
}

/* Node @v is named sid_names[@k]. */
static int nid(const hl *c, uint32_t v, int k)
{
	return c->h->node_name && c->h->node_name[v] == c->sid[k];
}

/* Edge @e is a named edge called sid_names[@k]. */
static int eid(const hl *c, uint32_t e, int k)
{
	uint8_t t = c->h->edge_type[e];
	return t != MT_HE_ELEMENT && t != MT_HE_HIDDEN && c->h->edge_name[e] == c->sid[k];
}

/* The target of @v's first non-weak edge called sid_names[@k], or HL_NONE. */
static uint32_t child(const hl *c, uint32_t v, int k)
{
	const mt_heap *h = c->h;
	if (c->sid[k] == HL_NONE)
		return HL_NONE;
	for (uint32_t e = h->first_edge[v]; e < h->first_edge[v + 1]; e++)
		if (h->edge_type[e] != MT_HE_WEAK && eid(c, e, k))
			return h->edge_to[e];
	return HL_NONE;
}

/* ---- small counted sets of names ---- */

typedef struct cnt {
	mt_str_id name;
	uint32_t n;
} cnt;

typedef struct cntv {
	cnt *v;
	size_t n, cap;
	const mt_strtab *t;
} cntv;

static int cnt_add(cntv *c, mt_str_id name, uint32_t k)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->v[i].name == name) {
			c->v[i].n += k;
			return 0;
		}
	if (mt_grow(&c->v, &c->cap, c->n + 1, sizeof *c->v))
		return MT_ENOMEM;
	c->v[c->n].name = name;
	c->v[c->n++].n = k;
	return 0;
}

static const mt_strtab *cnt_tab;

static int cnt_cmp(const void *a, const void *b)
{
	const cnt *x = a, *y = b;
	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return strcmp(mt_strtab_get(cnt_tab, x->name), mt_strtab_get(cnt_tab, y->name));
}

/* {"name":n,...}, most first, then by name; into @mb. */
static void cnt_json(cntv *c, mt_membuf *mb)
{
	cnt_tab = c->t;
	if (c->n > 1)
		qsort(c->v, c->n, sizeof *c->v, cnt_cmp);
	mt_sink s = mt_sink_membuf(mb);
	mt_sink_puts(&s, "{");
	for (size_t i = 0; i < c->n; i++) {
		if (i)
			mt_sink_puts(&s, ",");
		const char *nm = mt_strtab_get(c->t, c->v[i].name);
		size_t len = mt_strtab_len(c->t, c->v[i].name);
		mt_json_str(&s, len ? nm : "(anonymous)", len ? len : 11);
		mt_sink_printf(&s, ":%u", c->v[i].n);
	}
	mt_sink_puts(&s, "}");
}

/* ---- listeners ---- */

/* Names of the objects and native (DOM) nodes a closure's scope holds directly, added to @cap. */
static int captured(const hl *c, uint32_t closure, cntv *cap)
{
	const mt_heap *h = c->h;
	uint32_t ctx = child(c, closure, S_CONTEXT);
	if (ctx == HL_NONE)
		return 0;
	for (uint32_t e = h->first_edge[ctx]; e < h->first_edge[ctx + 1]; e++) {
		uint32_t w = h->edge_to[e];
		if (h->edge_type[e] == MT_HE_CONTEXT && (h->node_type[w] == MT_HN_OBJECT || h->node_type[w] == MT_HN_NATIVE) &&
		    cnt_add(cap, h->node_name[w], 1))
			return MT_ENOMEM;
	}
	return 0;
}

/* Detached DOM nodes whose trees' paths run through @closure (c->holds is sorted and merged). */
static uint32_t held_detached(const hl *c, uint32_t closure)
{
	size_t lo = MT_LOWER_BOUND(c->holds, c->nholds, .closure, closure);
	return lo < c->nholds && c->holds[lo].closure == closure ? c->holds[lo].nodes : 0;
}

static int hold_cmp(const void *a, const void *b)
{
	const hl_hold *x = a, *y = b;
	return (x->closure > y->closure) - (x->closure < y->closure);
}

static void sort_holds(hl *c)
{
	if (c->nholds > 1)
		qsort(c->holds, c->nholds, sizeof *c->holds, hold_cmp);
	size_t k = 0;
	for (size_t i = 0; i < c->nholds; i++) {
		if (k && c->holds[k - 1].closure == c->holds[i].closure) {
			uint64_t t = (uint64_t)c->holds[k - 1].nodes + c->holds[i].nodes;
			c->holds[k - 1].nodes = t > UINT32_MAX ? UINT32_MAX : (uint32_t)t;
		} else
			c->holds[k++] = c->holds[i];
	}
	c->nholds = k;
}

/* One "listeners" finding for @cls[0..n) on @target; @at is the node the path leads to. */
static int emit_listeners(hl *c, uint32_t target, const char *event, size_t evlen, const uint32_t *cls, uint32_t n,
	uint32_t at, uint64_t bytes)
{
	const mt_heap *h = c->h;
	cntv names = { NULL, 0, 0, h->strings }, caps = { NULL, 0, 0, h->strings };
	uint32_t detached = 0;
	int rc = 0;
	for (uint32_t i = 0; i < n && !rc; i++) {
		rc = cnt_add(&names, h->node_name[cls[i]], 1);
		if (!rc)
			rc = captured(c, cls[i], &caps);
		detached += held_detached(c, cls[i]);
	}
	if (rc) {
		free(names.v);
		free(caps.v);
		return mt_error_set(c->err, MT_ENOMEM, MT_NO_OFFSET, "out of memory");
	}
	mt_membuf ln = { 0 }, cp = { 0 };
	cnt_json(&names, &ln);
	cnt_json(&caps, &cp);
	char root[256];
	size_t rl = mt_strtab_len(h->strings, names.v[0].name);
	snprintf(root, sizeof root, "%.*s", (int)(rl < 200 ? rl : 200),
		rl ? mt_strtab_get(h->strings, names.v[0].name) : "(anonymous)");
	char target_cls[256];
	const char *tc = h->node_type[target] == MT_HN_NATIVE ? hl_label(c, target) : hl_class(c, target);
	snprintf(target_cls, sizeof target_cls, "%s", tc ? tc : "");
	int len = hl_path(c, at);
	if (len < 0) {
		rc = len;
		goto out;
	}
	mt_jobj o;
	mt_jobj_begin(&o);
	mt_jobj_cstr(&o, "kind", "listeners");
	mt_jobj_cstr(&o, "root", root);
	mt_jobj_i64(&o, "count", n);
	mt_jobj_i64(&o, "bytes", (int64_t)bytes);
	mt_jobj_cstr(&o, "target", target_cls);
	if (event)
		mt_jobj_str(&o, "event", event, evlen);
	else
		mt_jobj_raw(&o, "event", "null");
	mt_jobj_raw(&o, "listeners", ln.data);
	mt_jobj_raw(&o, "captured", cp.data);
	mt_jobj_i64(&o, "detached_nodes", detached);
	hl_json_path(c, &o, c->path, (uint32_t)len);
	mt_jobj_cstr(&o, "source", c->source);
	char detail[1024];
	if (event)
		snprintf(detail, sizeof detail, "%u %.200s listeners on %.200s '%.*s'%s", n, root, target_cls,
			(int)(evlen < 100 ? evlen : 100), event, names.n > 1 ? " (and others)" : "");
	else
		snprintf(detail, sizeof detail, "%u %.200s listener%s on %.200s, keeping %u detached DOM nodes", n, root,
			n == 1 ? "" : "s", target_cls, detached);
	rc = hl_add(c, "listeners", root, n, (int64_t)bytes, (double)n + (double)bytes / 65536.0, detail, &o);
	mt_jobj_free(&o);
out:
	mt_membuf_free(&ln);
	mt_membuf_free(&cp);
	free(names.v);
	free(caps.v);
	return rc;
}

/* Closures listed by an Array object (its elements and its "elements" store) into @out. */
static int array_closures(const hl *c, uint32_t arr, uint32_t **out, size_t *n, size_t *cap)
{
	const mt_heap *h = c->h;
	uint32_t srcs[2] = { arr, child(c, arr, S_ELEMENTS) };
	for (int k = 0; k < 2; k++) {
		uint32_t v = srcs[k];
		if (v == HL_NONE || (k && (c->seen[v] & SEEN_LIST_STORE)))
			continue;
		if (k)
			c->seen[v] |= SEEN_LIST_STORE;
		for (uint32_t e = h->first_edge[v]; e < h->first_edge[v + 1]; e++) {
			uint32_t w = h->edge_to[e];
			if (h->edge_type[e] != MT_HE_ELEMENT || h->node_type[w] != MT_HN_CLOSURE)
				continue;
			if (mt_grow(out, cap, *n + 1, sizeof **out))
				return MT_ENOMEM;
			(*out)[(*n)++] = w;
		}
	}
	return 0;
}

static int node_emitters(hl *c, uint32_t **buf, size_t *cap)
{
	const mt_heap *h = c->h;
	for (uint32_t x = 0; x < h->nnodes; x++) {
		if (h->node_type[x] != MT_HN_OBJECT)
			continue;
		for (uint32_t e = h->first_edge[x]; e < h->first_edge[x + 1]; e++) {
			if (h->edge_type[e] != MT_HE_PROPERTY || !eid(c, e, S_EVENTS))
				continue;
			uint32_t ev = h->edge_to[e];
			if (c->seen[ev] & SEEN_EVENTS)
				continue; /* each _events object and listener Array is read once (shared ones too) */
			c->seen[ev] |= SEEN_EVENTS;
			for (uint32_t f = h->first_edge[ev]; f < h->first_edge[ev + 1]; f++) {
				uint32_t t = h->edge_to[f];
				if (h->edge_type[f] != MT_HE_PROPERTY || h->node_type[t] != MT_HN_OBJECT ||
				    !nid(c, t, S_ARRAY) || (c->seen[t] & SEEN_LIST))
					continue;
				c->seen[t] |= SEEN_LIST;
				size_t n = 0;
				if (array_closures(c, t, buf, &n, cap))
					return mt_error_set(c->err, MT_ENOMEM, MT_NO_OFFSET, "out of memory");
				if (n < c->min_listeners)
					continue;
				size_t evlen = mt_strtab_len(h->strings, h->edge_name[f]);
				if (mt_grow(&c->lists, &c->caplists, c->nlists + 1, sizeof *c->lists))
					return mt_error_set(c->err, MT_ENOMEM, MT_NO_OFFSET, "out of memory");
				c->lists[c->nlists++] = t;
				int rc = emit_listeners(c, x, mt_strtab_get(h->strings, h->edge_name[f]), evlen, *buf,
					(uint32_t)n, t, c->d->retained[t]);
				if (rc)
					return rc;
			}
		}
	}
	return 0;
}

/* Natives between a Blink EventTargetData and the listener closures. */
static int listener_plumbing(const hl *c, uint32_t v)
{
	const mt_heap *h = c->h;
	return h->node_type[v] == MT_HN_NATIVE &&
		(name_starts(h, v, "blink::") || name_eq(h, v, "EventListener") || nid(c, v, S_V8EL) ||
			name_eq(h, v, "JSEventHandler") || name_eq(h, v, "JSBasedEventListener"));
}

static const mt_heap *sort_h;

/* Closures by name (string order), then node index. */
static int by_name_then_node(const void *a, const void *b)
{
	const mt_heap *h = sort_h;
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	if (h->node_name[x] != h->node_name[y])
		return strcmp(mt_strtab_get(h->strings, h->node_name[x]), mt_strtab_get(h->strings, h->node_name[y]));
	return (x > y) - (x < y);
}

static int blink_targets(hl *c, uint32_t **buf, size_t *cap)
{
	const mt_heap *h = c->h;
	uint32_t *seen = NULL, *stack = NULL;
	size_t nseen = 0, seencap = 0, stackcap = 0;
	uint8_t *mark = calloc(h->nnodes ? h->nnodes : 1, 1);
	int rc = 0;
	if (!mark)
		return mt_error_set(c->err, MT_ENOMEM, MT_NO_OFFSET, "out of memory");
	for (uint32_t u = 0; u < h->nnodes && !rc; u++) {
		if (h->node_type[u] != MT_HN_NATIVE || listener_plumbing(c, u))
			continue;
		for (uint32_t e = h->first_edge[u]; e < h->first_edge[u + 1] && !rc; e++) {
			uint32_t t = h->edge_to[e];
			if (h->edge_type[e] == MT_HE_WEAK || !nid(c, t, S_ETD) || mark[t])
				continue;
			/* the closures below this target's listener data (depth-first, marks cleared after) */
			size_t n = 0, top = 0;
			if (mt_grow(&stack, &stackcap, 1, sizeof *stack) || mt_grow(&seen, &seencap, nseen + 1, sizeof *seen)) {
				rc = MT_ENOMEM;
				break;
			}
			stack[top++] = t;
			mark[t] = 1;
			seen[nseen++] = t;
			while (top && !rc) {
				uint32_t v = stack[--top];
				for (uint32_t f = h->first_edge[v]; f < h->first_edge[v + 1]; f++) {
					uint32_t w = h->edge_to[f];
					if (h->edge_type[f] == MT_HE_WEAK || mark[w])
						continue;
					if (h->node_type[w] == MT_HN_CLOSURE && nid(c, v, S_V8EL)) {
						if (mt_grow(buf, cap, n + 1, sizeof **buf)) {
							rc = MT_ENOMEM;
							break;
						}
						(*buf)[n++] = w;
					} else if (!listener_plumbing(c, w)) {
						continue;
					} else if (mt_grow(&stack, &stackcap, top + 1, sizeof *stack) ||
						   mt_grow(&seen, &seencap, nseen + 1, sizeof *seen)) {
						rc = MT_ENOMEM;
						break;
					} else {
						stack[top++] = w;
						seen[nseen++] = w;
					}
					mark[w] = 1;
				}
			}
			if (rc)
				break;
			for (size_t i = 0; i < n; i++)
				mark[(*buf)[i]] = 0;
			/* groups of one closure name */
			sort_h = h;
			if (n > 1)
				qsort(*buf, n, sizeof **buf, by_name_then_node);
			for (size_t i = 0; i < n && !rc;) {
				size_t j = i + 1;
				while (j < n && h->node_name[(*buf)[j]] == h->node_name[(*buf)[i]])
					j++;
				uint32_t det = 0;
				uint64_t bytes = 0;
				for (size_t k = i; k < j; k++) {
					det += held_detached(c, (*buf)[k]);
					bytes += c->d->retained[(*buf)[k]];
				}
				if (j - i >= c->min_listeners || det || bytes >= c->min_large)
					rc = emit_listeners(c, u, NULL, 0, *buf + i, (uint32_t)(j - i), (*buf)[i], bytes);
				i = j;
			}
		}
	}
	for (size_t i = 0; i < nseen; i++)
		mark[seen[i]] = 0;
	free(mark);
	free(seen);
	free(stack);
	if (rc == MT_ENOMEM)
		return mt_error_set(c->err, MT_ENOMEM, MT_NO_OFFSET, "out of memory");
	return rc;
}

/* ---- collections ---- */

/* The script a class instance's constructor comes from (a name node), or HL_NONE. */
static uint32_t class_script(const hl *c, uint32_t obj)
{
	const mt_heap *h = c->h;
	uint32_t k = obj;
	if (h->node_type[obj] != MT_HN_CLOSURE) {
		uint32_t p = child(c, obj, S_PROTO);
		k = p == HL_NONE ? HL_NONE : child(c, p, S_CONSTRUCTOR);
	}
	if (k == HL_NONE || h->node_type[k] != MT_HN_CLOSURE)
		return HL_NONE;
	uint32_t s = child(c, k, S_SHARED);
	if (s == HL_NONE)
		return HL_NONE;
	uint32_t sc = child(c, s, S_SCRIPT_OR);
	if (sc == HL_NONE)
		sc = child(c, s, S_SCRIPT);
	return sc;
}

static int program_script(const mt_heap *h, uint32_t sc)
{
	if (sc == HL_NONE)
		return 0;
	size_t len;
	const char *s = hl_name(h, sc, &len);
	if (len >= 15 && !memcmp(s, "system / Script", 15)) { /* "system / Script / URL" */
		s += 15;
		len -= 15;
		if (len >= 3 && !memcmp(s, " / ", 3)) {
			s += 3;
			len -= 3;
		} else {
			len = 0;
		}
	}
	return len && !(len >= 5 && !memcmp(s, "node:", 5)) && !(len >= 7 && !memcmp(s, "native ", 7)) &&
		!(len >= 12 && !memcmp(s, "extensions::", 12)) && s[0] != '(';
}

/* Was @x reported as a listener Array? */
static int listener_array(const hl *c, uint32_t x)
{
	for (size_t i = 0; i < c->nlists; i++)
		if (c->lists[i] == x)
			return 1;
	return 0;
}

typedef struct coll {
	uint32_t node, inst, count;   /* container, one instance, instances */
	mt_str_id cls;
	uint32_t name_edge;           /* the edge naming it (HL_NONE = none yet) */
	int name_rank;
} coll;

static mt_str_id *sort_names;

static int str_id_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	if (sort_names[x] != sort_names[y])
		return sort_names[x] < sort_names[y] ? -1 : 1;
	return (x > y) - (x < y);
}

/*
 * A collection no variable or property points at directly (one of many
 * in an array): the last named edge on its path and the element indices
 * after it, "maps[3]"; else @fallback (its class).
 */
static void collection_name(hl *c, uint32_t n, char *buf, size_t cap, const char *fallback)
{
	const mt_heap *h = c->h;
	snprintf(buf, cap, "%s", fallback);
	for (uint32_t i = n; i-- > 0;) {
		uint32_t e = c->path[i];
		uint8_t t = h->edge_type[e];
		if (t == MT_HE_ELEMENT)
			continue;
		if ((t != MT_HE_CONTEXT && t != MT_HE_PROPERTY) || !mt_strtab_len(h->strings, h->edge_name[e]))
			return;
		size_t l = mt_strtab_len(h->strings, h->edge_name[e]);
		int u = snprintf(buf, cap, "%.*s", (int)(l < 200 ? l : 200), mt_strtab_get(h->strings, h->edge_name[e]));
		for (uint32_t j = i + 1; j < n && u > 0 && (size_t)u < cap; j++) {
			/* the element edges from the named Array (or its backing store) */
			if (h->edge_type[c->path[j]] == MT_HE_ELEMENT)
				u += snprintf(buf + u, cap - (size_t)u, "[%u]", h->edge_name[c->path[j]]);
		}
		return;
	}
}

/* child(x, S_TABLE), child(x, S_ELEMENTS), child(x, S_PROPERTIES) in one pass over x's edges */
static void stores_of(const hl *c, uint32_t x, uint32_t out[3])
{
	const mt_heap *h = c->h;
	static const int which[3] = { S_TABLE, S_ELEMENTS, S_PROPERTIES };
	for (uint32_t e = h->first_edge[x]; e < h->first_edge[x + 1]; e++) {
		if (h->edge_type[e] == MT_HE_WEAK)
			continue;
		for (int k = 0; k < 3; k++)
			if (out[k] == HL_NONE && c->sid[which[k]] != HL_NONE && eid(c, e, which[k]))
				out[k] = h->edge_to[e];
	}
}

static int collections(hl *c, uint32_t **buf, size_t *cap)
{
	const mt_heap *h = c->h;
	coll *cs = NULL;
	size_t ncs = 0, ccap = 0;
	int rc = 0;
	for (uint32_t x = 0; x < h->nnodes && !rc; x++) {
		if (h->node_type[x] != MT_HN_OBJECT || nid(c, x, S_WEAKMAP) || nid(c, x, S_WEAKSET))
			continue;
		/* instances reached by the object's edges and its backing stores' */
		size_t n = 0;
		uint32_t srcs[4] = { x, HL_NONE, HL_NONE, HL_NONE };
		stores_of(c, x, srcs + 1);
		/* which are read, and at most how many instances they give */
		uint64_t bound = 0;
		for (int k = 0; k < 4; k++) {
			uint32_t v = srcs[k];
			if (v == HL_NONE || (k && (h->node_type[v] != MT_HN_ARRAY || (c->seen[v] & SEEN_STORE)))) {
				srcs[k] = HL_NONE;
				continue;
			}
			if (k) /* a backing store is read for its first owner only (never shared in V8's heaps) */
				c->seen[v] |= SEEN_STORE;
			bound += h->first_edge[v + 1] - h->first_edge[v];
		}
		uint64_t big = c->d->retained[x] >= c->min_large;
		if (bound < (big ? 10 : c->min_instances))
			continue;   /* too few edges to give enough instances */
		for (int k = 0; k < 4 && !rc; k++) {
			uint32_t v = srcs[k];
			if (v == HL_NONE)
				continue;
			for (uint32_t e = h->first_edge[v]; e < h->first_edge[v + 1]; e++) {
				uint32_t w = h->edge_to[e];
				uint8_t t = h->edge_type[e];
				if ((h->node_type[w] != MT_HN_OBJECT && h->node_type[w] != MT_HN_CLOSURE) || t == MT_HE_WEAK ||
				    t == MT_HE_SHORTCUT || eid(c, e, S_CONSTRUCTOR) ||
				    eid(c, e, S_PROTO) || eid(c, e, S_MAP))
					continue;
				if (mt_grow(buf, cap, n + 1, sizeof **buf)) {
					rc = MT_ENOMEM;
					break;
				}
				(*buf)[n++] = w;
			}
		}
		if (rc || n < (big ? 10 : c->min_instances) || listener_array(c, x))
			continue;
		sort_names = h->node_name;
		qsort(*buf, n, sizeof **buf, str_id_cmp);
		uint32_t best = 0, bestn = 0;
		for (size_t i = 0; i < n;) {
			size_t j = i + 1;
			while (j < n && h->node_name[(*buf)[j]] == h->node_name[(*buf)[i]])
				j++;
			/* distinct instances only (an object may be reached twice: key and value) */
			uint32_t d = 1;
			for (size_t k = i + 1; k < j; k++)
				d += (*buf)[k] != (*buf)[k - 1];
			size_t nl;
			hl_name(h, (*buf)[i], &nl);
			if (d > bestn && nl && !nid(c, (*buf)[i], S_OBJECT) && !nid(c, (*buf)[i], S_ARRAY) &&
			    program_script(h, class_script(c, (*buf)[i]))) {
				best = (uint32_t)i;
				bestn = d;
			}
			i = j;
		}
		if (bestn < (big ? 10 : c->min_instances))
			continue;
		if (mt_grow(&cs, &ccap, ncs + 1, sizeof *cs)) {
			rc = MT_ENOMEM;
			break;
		}
		coll k = { x, (*buf)[best], bestn, h->node_name[(*buf)[best]], HL_NONE, 0 };
		cs[ncs++] = k;
	}
	if (rc) {
		free(cs);
		return mt_error_set(c->err, MT_ENOMEM, MT_NO_OFFSET, "out of memory");
	}
	if (!ncs)
		return 0;
	/* the variable or property naming each collection: one pass over the edges */
	for (uint32_t u = 0; u < h->nnodes; u++) {
		for (uint32_t e = h->first_edge[u]; e < h->first_edge[u + 1]; e++) {
			uint8_t t = h->edge_type[e];
			if (t != MT_HE_CONTEXT && t != MT_HE_PROPERTY)
				continue;
			uint32_t w = h->edge_to[e];
			size_t lo = MT_LOWER_BOUND(cs, ncs, .node, w); /* cs is in node order */
			if (lo == ncs || cs[lo].node != w)
				continue;
			int rank = t == MT_HE_CONTEXT ? 2 : (h->node_type[u] == MT_HN_OBJECT && !name_starts(h, u, "system /")) ? 1 : 0;
			if (rank > cs[lo].name_rank) {
				cs[lo].name_rank = rank;
				cs[lo].name_edge = e;
			}
		}
	}
	for (size_t i = 0; i < ncs && !rc; i++) {
		const coll *k = &cs[i];
		char root[256], cont[256], cls[256];
		const char *s = hl_class(c, k->node);
		snprintf(cont, sizeof cont, "%s", s ? s : "");
		s = hl_class(c, k->inst);
		snprintf(cls, sizeof cls, "%s", s ? s : "");
		int len = hl_path(c, k->node);
		if (len < 0) {
			rc = len;
			break;
		}
		if (k->name_edge != HL_NONE) {
			size_t l = mt_strtab_len(h->strings, h->edge_name[k->name_edge]);
			snprintf(root, sizeof root, "%.*s", (int)(l < 200 ? l : 200),
				mt_strtab_get(h->strings, h->edge_name[k->name_edge]));
		} else {
			collection_name(c, (uint32_t)len, root, sizeof root, cont);
		}
		uint32_t sc = class_script(c, k->inst);
		size_t sl;
		const char *sn = hl_name(h, sc, &sl);
		uint64_t bytes = c->d->retained[k->node];
		mt_jobj o;
		mt_jobj_begin(&o);
		mt_jobj_cstr(&o, "kind", "collection");
		mt_jobj_cstr(&o, "root", root);
		mt_jobj_i64(&o, "count", k->count);
		mt_jobj_i64(&o, "bytes", (int64_t)bytes);
		mt_jobj_cstr(&o, "container", cont);
		mt_jobj_cstr(&o, "class", cls);
		mt_jobj_str(&o, "script", sn, sl);
		hl_json_path(c, &o, c->path, (uint32_t)len);
		mt_jobj_cstr(&o, "source", c->source);
		char detail[640];
		snprintf(detail, sizeof detail, "%s holds %u %s", cont, k->count, cls);
		rc = hl_add(c, "collection", root, k->count, (int64_t)bytes, (double)k->count + (double)bytes / 65536.0,
			detail, &o);
		mt_jobj_free(&o);
	}
	free(cs);
	return rc;
}

/* ---- large strings and buffers ---- */

static int large_kind(const mt_heap *h, uint32_t v)
{
	uint8_t t = h->node_type[v];
	if (t == MT_HN_STRING || t == MT_HN_CONCAT_STRING || t == MT_HN_SLICED_STRING)
		return 1;
	if (t != MT_HN_OBJECT)
		return 0;
	static const char *const bufs[] = {
		"ArrayBuffer", "SharedArrayBuffer", "Buffer", "DataView", "Uint8Array", "Int8Array",
		"Uint8ClampedArray", "Uint16Array", "Int16Array", "Uint32Array", "Int32Array", "Float32Array",
		"Float64Array", "BigInt64Array", "BigUint64Array", "Float16Array", NULL,
	};
	for (int i = 0; bufs[i]; i++)
		if (name_eq(h, v, bufs[i]))
			return 2;
	return 0;
}

static int system_holder(const mt_heap *h, uint32_t v)
{
	uint8_t t = h->node_type[v];
	return v == 0 || t == MT_HN_CODE || t == MT_HN_HIDDEN || t == MT_HN_SYNTHETIC || t == MT_HN_OBJECT_SHAPE;
}

static int large_objects(hl *c)
{
	const mt_heap *h = c->h;
	const mt_heap_doms *d = c->d;
	int rc = 0;
	for (uint32_t v = 1; v < h->nnodes && !rc; v++) {
		if (d->retained[v] < c->min_large || !large_kind(h, v) || d->distance[v] == UINT32_MAX)
			continue;
		uint32_t up = d->idom[v];
		if (system_holder(h, up) || large_kind(h, up))
			continue;
		int len = hl_path(c, v);
		if (len <= 0) {
			rc = len;
			continue;
		}
		int reactive = 0;
		uint32_t var = HL_NONE;
		for (int i = 0; i < len; i++) {
			uint32_t e = c->path[i], w = h->edge_to[e];
			if (nid(c, w, S_PROXY) || eid(c, e, S_VALUE) || eid(c, e, S_RAWVALUE))
				reactive = 1;
		}
		for (int i = len; i-- > 0;) {
			uint32_t e = c->path[i];
			uint8_t t = h->edge_type[e];
			if ((t == MT_HE_CONTEXT || t == MT_HE_PROPERTY) && !eid(c, e, S_VALUE) &&
			    !eid(c, e, S_RAWVALUE) && mt_strtab_len(h->strings, h->edge_name[e])) {
				var = e;
				break;
			}
		}
		char holder[256], root[256], cls[256];
		uint32_t at;
		hl_root_name(c, c->path, (uint32_t)len, holder, sizeof holder, &at);
		if (var != HL_NONE) {
			size_t l = mt_strtab_len(h->strings, h->edge_name[var]);
			snprintf(root, sizeof root, "%.*s", (int)(l < 200 ? l : 200), mt_strtab_get(h->strings, h->edge_name[var]));
		} else {
			snprintf(root, sizeof root, "%s", holder);
		}
		const char *s = hl_class(c, v);
		snprintf(cls, sizeof cls, "%s", s ? s : "");
		mt_jobj o;
		mt_jobj_begin(&o);
		mt_jobj_cstr(&o, "kind", "large-object");
		mt_jobj_cstr(&o, "root", root);
		mt_jobj_i64(&o, "count", 1);
		mt_jobj_i64(&o, "bytes", (int64_t)d->retained[v]);
		mt_jobj_cstr(&o, "type", mt_heap_node_type_name(h->node_type[v]));
		mt_jobj_cstr(&o, "class", cls);
		mt_jobj_cstr(&o, "holder", holder);
		mt_jobj_raw(&o, "reactive", reactive ? "true" : "false");
		hl_json_path(c, &o, c->path, (uint32_t)len);
		mt_jobj_cstr(&o, "source", c->source);
		char detail[640], b[32];
		snprintf(b, sizeof b, "%.1f KiB", (double)d->retained[v] / 1024.0);
		snprintf(detail, sizeof detail, "%s of %s held by %s%s", cls, b, holder,
			reactive ? " through a reactive proxy/ref" : "");
		rc = hl_add(c, "large-object", root, 1, (int64_t)d->retained[v], (double)d->retained[v] / 65536.0, detail, &o);
		mt_jobj_free(&o);
	}
	return rc;
}

int hl_holders(hl *c)
{
	uint32_t *buf = NULL;
	size_t cap = 0;
	find_sids(c);
	sort_holds(c);
	c->seen = calloc(c->h->nnodes ? c->h->nnodes : 1, 1);
	if (!c->seen)
		return mt_error_set(c->err, MT_ENOMEM, MT_NO_OFFSET, "out of memory");
	int rc = node_emitters(c, &buf, &cap);
	if (!rc)
		rc = blink_targets(c, &buf, &cap);
	if (!rc)
		rc = collections(c, &buf, &cap);
	if (!rc)
		rc = large_objects(c);
	free(buf);
	free(c->seen);
	c->seen = NULL;
	return rc;
}
