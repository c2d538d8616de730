/*
 * analysis/heap_leaks_int.h - pieces shared by the heap-snapshot leak
 * detectors (heap_leaks.c: entry point and helpers; heap_detached.c;
 * heap_holders.c). Not installed.
 */
#ifndef MT_HEAP_LEAKS_INT_H
#define MT_HEAP_LEAKS_INT_H

#include <stdint.h>

#include "memtracer/heap_leaks.h"
#include "memtracer/json.h"

#define HL_NONE UINT32_MAX

/* A closure found on a detached tree's retainer path, with the trees' node count. */
typedef struct hl_hold {
	uint32_t closure;
	uint32_t nodes;
} hl_hold;

/* An edge of node 0 and its target. */
typedef struct hl_kid {
	uint32_t node, edge;
} hl_kid;

typedef struct hl {
	const mt_heap *h;
	const mt_heap_doms *d;
	const char *source;
	mt_findings *fs;
	mt_error *err;
	uint32_t min_listeners, min_instances;
	uint64_t min_large;
	uint8_t *state;         /* mt_heap_detached() */
	uint32_t *path;         /* retainer path scratch (edge indices) */
	uint32_t pathcap;
	char *text;             /* text scratch */
	size_t textcap;
	hl_hold *holds;         /* closures keeping detached trees (filled by the detached pass) */
	size_t nholds, capholds;
	uint32_t *lists;        /* listener Arrays reported (not reported again as collections) */
	size_t nlists, caplists;
	mt_str_id sid[24];      /* strings looked up once (heap_holders.c) */
	uint8_t *seen;          /* per node, heap_holders.c's read-once marks */
	uint64_t steps, budget; /* retainer path steps walked, and the most allowed */
	hl_kid *kids;           /* node 0's non-weak edges, by target */
	size_t nkids;
} hl;

/* The retainer path of @node into c->path; its length (0 = none) or a negative mt_code. */
int hl_path(hl *c, uint32_t node);
/* Its length only. */
int hl_path_len(hl *c, uint32_t node);

/* Texts in c->text (grown as needed, overwritten by the next call); NULL when out of memory. */
const char *hl_path_text(hl *c, const uint32_t *edges, uint32_t n);
const char *hl_label(hl *c, uint32_t node);
const char *hl_class(hl *c, uint32_t node);

/* Adds "path" (text) and "steps" ([{"edge","edge_type","node","type","id"}]) for @edges. */
void hl_json_path(hl *c, mt_jobj *o, const uint32_t *edges, uint32_t n);

/*
 * The closure, listener or variable that keeps the end of a path (see
 * heap_leaks.c); *@at receives the index of the path edge it was read
 * from (for the short "tail" of the path shown in the table). Written
 * into @buf.
 */
void hl_root_name(hl *c, const uint32_t *edges, uint32_t n, char *buf, size_t cap, uint32_t *at);

/* A node's name (raw) and its length. */
const char *hl_name(const mt_heap *h, uint32_t v, size_t *len);

/* Adds a finding; json is o->buf.data. */
int hl_add(hl *c, const char *kind, const char *root, int64_t count, int64_t bytes, double score,
	const char *detail, mt_jobj *o);

int hl_detached_dom(hl *c);
int hl_holders(hl *c);

#endif
