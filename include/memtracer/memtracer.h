/* memtracer/memtracer.h - umbrella header for the memtracer library. */
#ifndef MEMTRACER_H
#define MEMTRACER_H
#include "version.h"
#include "error.h"
#include "arena.h"
#include "strtab.h"
#include "profile.h"
#include "io.h"
#include "json.h"
#include "parse.h"
#include "tree.h"
#include "analysis.h"
#include "findings.h"
#include "diff.h"
#include "goroutine.h"
#include "heap.h"
#include "heap_alloc.h"
#include "heap_compare.h"
#include "heap_leaks.h"
#include "jfr.h"
#include "v8prof.h"
#include "render.h"
#endif
