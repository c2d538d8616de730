/*
 * parsers/jfr_build.h - resolving stack traces, methods and threads of a
 * recording into an mt_profile, chunk by chunk; shared by the profile
 * builder (jfr.c) and the leak detectors (jfr_leaks.c). Not public.
 */
#ifndef MT_PARSERS_JFR_BUILD_H
#define MT_PARSERS_JFR_BUILD_H

#include "jfr_internal.h"
#include "memtracer/profile.h"

enum ev_kind {
	EV_NONE = 0, EV_CPU, EV_NATIVE, EV_ALLOC_SAMPLE, EV_TLAB_NEW, EV_TLAB_OUT, EV_LOCK, EV_PARK,
	EV_WALL, EV_SETTING, EV__COUNT,
	EV_ANY = EV__COUNT           /* mt_jfr_opts.event */
};


/* slots of an event layout */
enum { ES_START, ES_DURATION, ES_THREAD, ES_STACK, ES_VALUE, ES_VALUE2, ES__COUNT };

/* slots of cstate.lc */
enum { JFR_B_L_METHOD, JFR_B_L_STACK, JFR_B_L_FRAME, JFR_B_L_THREAD, JFR_B_L_OLD_OBJECT, JFR_B_L_REFERENCE,
	JFR_B_L_OLD_FIELD, JFR_B_L_OLD_ARRAY, JFR_B_L_GC_ROOT, JFR_B_NLAYOUTS };

typedef struct stack_ref {
	uint32_t off, n;
} stack_ref;

/*
 * What one chunk resolves: its event layouts and the caches keyed by its
 * constant ids. The builder keeps the current chunk's and the previous
 * one's: like the JDK's consumer (ConstantLookup), a constant missing from
 * the current chunk's pools is looked up in the previous chunk, since
 * events written around a chunk rotation can refer to constants that went
 * into the previous chunk.
 */
typedef struct cstate {
	jfr_chunk c;
	int open;
	uint8_t *kind;               /* per class: enum ev_kind */
	uint32_t *lay_of;            /* per class: index into lay */
	jfr_layout *lay;
	size_t nlay, cap_lay;
	Pvoid_t stacks;              /* JudyL: stack trace id -> index + 1 into sref */
	Pvoid_t methods;             /* JudyL: method id -> (name id << 8 | lang) + 1 */
	Pvoid_t threads;             /* JudyL: thread id -> profile string id + 1 */
	Pvoid_t ftypes;              /* JudyL: frame type id -> lang + 1 */
	Pvoid_t floc;                /* JudyL: method id -> JudyL (line << 32 | frame type id + 1) -> location + 1 */
	jfr_layout lc[JFR_B_NLAYOUTS];  /* cached layouts, see JFR_B_L_* */
	stack_ref *sref;
	size_t nsref, cap_sref;
	uint32_t *slocs;
	size_t nslocs, cap_slocs;
} cstate;

typedef struct builder {
	jfr_file *f;
	mt_profile *p;
	int signatures;
	int use_alloc_sample;        /* the recording has jdk.ObjectAllocationSample events */
	const char *event;           /* mt_jfr_opts.event */
	mt_str_id event_name;
	mt_str_id ev_name[EV__COUNT], ev_name_1_0[EV__COUNT];
	mt_str_id k_thread, k_time, u_ns;
	uint32_t truncated_loc;
	uint64_t missing_stacks;
	int open_level;              /* JFR_OPEN_ALL, or JFR_OPEN_METADATA: the caller indexes the pools */
	cstate st[2];
	cstate *cur, *prev;
	jfr_buf b1, b2, b3, name;
} builder;


int jfr_b_oom(builder *b);
void jfr_b_cstate_free(cstate *s);

/* Rotates the states (current -> previous) and opens the chunk at @off as current. */
int jfr_b_next_chunk(builder *b, uint64_t off);

/* Frees both chunk states and the scratch buffers (not b->p, not b->f). */
void jfr_b_free(builder *b);

/* The layout of @n fields @names of class @cls, cached in @s (slot @which: JFR_B_L_*). */
const jfr_layout *jfr_b_layout(cstate *s, int which, uint32_t cls, const mt_str_id *names, uint32_t n);

/* the field at layout slot @slot, or NULL */
const jfr_field *jfr_b_slot_field(const jfr_chunk *c, const jfr_layout *l, int slot);

/*
 * The value field @fd (of state @s's chunk) holds: a reader on it and its
 * class, in @s's chunk or, for a constant missing there, in the previous
 * chunk's pool of the class with the same name. Returns the state whose
 * chunk holds it, or NULL when there is nothing to read.
 */
cstate *jfr_b_locate(builder *b, cstate *s, const jfr_field *fd, const jfr_val *v, mt_reader *r,
	uint32_t *cls);

/* "(Ljava/lang/String;I[J)V" -> "(java.lang.String, int, long[])" appended to @out */
int jfr_b_pretty_descriptor(jfr_buf *out, const char *d, size_t n);

/* The profile string of a method's name ("pkg.Class.method", + signature when b->signatures). */
int jfr_b_method_name(builder *b, cstate *s, const jfr_field *mfd, const jfr_val *mv, mt_str_id *out,
	uint8_t *lang);

/*
 * Resolves stack trace @sv of field @sfd (in state @s's chunk) to a run of
 * locations of b->p, leaf first: (*@outs)->slocs[out->off .. +out->n).
 */
int jfr_b_resolve_stack(builder *b, cstate *s, const jfr_field *sfd, const jfr_val *sv, cstate **outs,
	stack_ref *out);

/* The thread's name as a string of b->p, 0 when unknown. */
int jfr_b_thread_name(builder *b, cstate *s, const jfr_field *tfd, const jfr_val *tv, mt_str_id *out);

#endif
