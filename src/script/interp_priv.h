/* interp_priv.h: what the interpreter's files share; nothing else includes it. */
#ifndef UTAP_SCRIPT_INTERP_PRIV_H
#define UTAP_SCRIPT_INTERP_PRIV_H

#include "runtime/buf.h"
#include "runtime/map.h"
#include "runtime/stats.h"
#include "runtime/strings.h"
#include "runtime/value.h"
#include "script/builtins.h"
#include "script/interp.h"

/* How a statement ended. */
enum flow { FLOW_NORMAL, FLOW_BREAK, FLOW_CONTINUE, FLOW_NEXT, FLOW_RETURN, FLOW_ERROR };

/* One activation: a handler run or a function call. */
struct frame {
	struct rt_value *locals;
	struct rt_value ret; /* a function's return value */
	int depth;	     /* of function calls */
};

struct interp {
	struct script *s;
	struct script_limits lim;
	struct interp_session session;
	struct rt_value *scalars;  /* globals that are not arrays */
	struct rt_stats **stats;   /* globals that are aggregates (NULL otherwise) */
	struct rt_map **maps;	   /* global arrays (NULL otherwise) */
	struct rt_buf out;	   /* this handler's output */
	/* the event being handled */
	const struct probe_hit *hit;
	const char *pp;
	int probe;
	long actions; /* statements run by this handler */
	/* a runtime error: its message, until caught or reported */
	char error[512];
	struct script_pos error_pos;
	int errors;
	bool exiting;
	struct rt_tokenizer tok; /* tokenize()'s state */
	/* thread_indent(): depth per thread */
	struct {
		pid_t tid;
		int depth;
	} indent[64];
	int64_t indent_start[64];
	/* @entry: values taken at calls not yet returned, per thread and
	 * frame; ENTRY_VALUES are those of the return being handled */
	struct entry_record {
		pid_t tid;
		uint64_t frame;
		int probe;
		struct rt_value *values;
	} *records;
	size_t nrecords, records_cap;
	const struct rt_value *entry_values;
	bool entry_mode; /* evaluating the entry values, at the call */
	const char *mark_provider, *mark_name; /* $$provider, $$name */
	const char *func; /* probefunc(), or NULL: the hit's symbol */
	const struct probe_arg *casts; /* the script's casts, compiled once (s->casts) */
	/* printf formats compiled into the AST (expr->cache), to free */
	struct script_expr **formats;
	int nformats;
};

/* Raise a runtime error at POS: FLOW_ERROR from there on (until a try). */
enum flow interp_error(struct interp *in, const struct script_pos *pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Evaluate E into *V (a value the caller releases).  FLOW_NORMAL, or
 * FLOW_ERROR (and FLOW_NEXT/RETURN never: expressions do not jump). */
enum flow interp_eval(struct interp *in, struct frame *f, const struct script_expr *e,
		      struct rt_value *v);
/* Evaluate E as a long / a string (owned). */
enum flow interp_eval_long(struct interp *in, struct frame *f, const struct script_expr *e,
			   int64_t *n);
enum flow interp_eval_str(struct interp *in, struct frame *f, const struct script_expr *e,
			  struct rt_str **s);
enum flow interp_exec(struct interp *in, struct frame *f, const struct script_stmt *st);

/* A script function's call. */
enum flow interp_call_function(struct interp *in, struct frame *f, const struct script_expr *e,
			       struct rt_value *v);
/* A builtin's call (call.c). */
enum flow interp_call_builtin(struct interp *in, struct frame *f, const struct script_expr *e,
			      struct rt_value *v);

/* The keys of an element's SE_INDEX / SE_IN, evaluated into KEYS (at most
 * RT_MAP_MAX_KEYS; released by interp_keys_release). */
enum flow interp_keys(struct interp *in, struct frame *f, const struct script_expr *e,
		      struct rt_value *keys);
void interp_keys_release(struct rt_value *keys, int n);

/* A call whose expr->cache now holds a compiled format. */
void interp_remember_format(struct interp *in, struct script_expr *call);

/* The aggregate a histogram expression (@hist_log(x)) reads, or NULL. */
const struct rt_stats *interp_hist_stats(struct interp *in, struct frame *f,
					 const struct script_expr *e, enum flow *fl);

/* Bound a string to MAXSTRINGLEN. */
size_t interp_maxlen(const struct interp *in);

/* Read N bytes of the hit's process at ADDR: 0 or -EFAULT (no hit: -EFAULT). */
int interp_read(struct interp *in, uint64_t addr, void *buf, size_t n);

#endif
