/* filter.c: surftrace's "f:EXPR" filters: a small boolean language over a
 * probe's named fields, comm, pid and tid, compiled when the probe is
 * parsed (names resolved, types checked) and evaluated at each hit.
 *
 *   or      := and ('||' and)*
 *   and     := unary ('&&' unary)*
 *   unary   := '!' unary | '(' or ')' | compare
 *   compare := operand ('=='|'!='|'<'|'<='|'>'|'>=') operand
 *   operand := NUMBER | "STRING" | 'STRING' | NAME
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe/format_priv.h"
#include "probe/parse_priv.h"
#include "util/compare.h"

enum node_kind { NODE_OR, NODE_AND, NODE_NOT, NODE_CMP };
enum operand_kind { OPND_NUMBER, OPND_STRING, OPND_FIELD, OPND_COMM, OPND_PID, OPND_TID };

struct operand {
	enum operand_kind kind;
	int64_t number;
	bool negative;  /* a literal written with '-' */
	char *string;   /* OPND_STRING */
	size_t field;   /* OPND_FIELD: index into the probe's args */
	const char *at; /* where it was written, for messages */
};

struct probe_filter {
	enum node_kind kind;
	struct probe_filter *a, *b; /* OR, AND: both; NOT: a */
	enum cmp_op op;
	struct operand left, right;
};

struct filter_parser {
	struct probe_parser *ps;
	const struct probe *probe;
	const char *p, *end;
	int depth;
};

#define FILTER_MAX_DEPTH 32

void probe_filter_free(struct probe_filter *f)
{
	if (!f)
		return;
	probe_filter_free(f->a);
	probe_filter_free(f->b);
	free(f->left.string);
	free(f->right.string);
	free(f);
}

static void skip_space(struct filter_parser *fp)
{
	while (fp->p < fp->end && isspace((unsigned char)*fp->p))
		fp->p++;
}

static bool take(struct filter_parser *fp, const char *tok)
{
	size_t n = strlen(tok);

	skip_space(fp);
	if ((size_t)(fp->end - fp->p) >= n && memcmp(fp->p, tok, n) == 0) {
		fp->p += n;
		return true;
	}
	return false;
}

static const char field_hint[] = "a filter compares the probe's NAME=... fields, comm, pid "
				 "or tid with numbers or \"strings\"";

static int parse_operand(struct filter_parser *fp, struct operand *o)
{
	const char *s;

	skip_space(fp);
	s = fp->p;
	o->at = s;
	if (s < fp->end && (*s == '"' || *s == '\'')) {
		const char *close = memchr(s + 1, *s, fp->end - s - 1);

		if (!close)
			return probe_fail(fp->ps, s, "close the string with the same quote",
					  "unterminated string in the filter");
		o->kind = OPND_STRING;
		o->string = strndup(s + 1, close - s - 1);
		fp->p = close + 1;
		return o->string ? 0 : -ENOMEM;
	}
	if (s < fp->end && (isdigit((unsigned char)*s) || *s == '-')) {
		const char *q = s + (*s == '-');
		uint64_t v;

		while (q < fp->end && isalnum((unsigned char)*q))
			q++;
		if (!probe_parse_u64(s + (*s == '-'), q - s - (*s == '-'), &v))
			return probe_fail(fp->ps, s, "numbers are decimal or 0x-hex",
					  "invalid number '%.*s'", (int)(q - s > 24 ? 24 : q - s), s);
		o->kind = OPND_NUMBER;
		o->negative = *s == '-';
		o->number = o->negative ? -(int64_t)v : (int64_t)v;
		fp->p = q;
		return 0;
	}
	while (fp->p < fp->end && (isalnum((unsigned char)*fp->p) || *fp->p == '_'))
		fp->p++;
	if (fp->p == s && s == fp->end)
		return probe_fail(fp->ps, s, field_hint, "the filter ends too early");
	if (fp->p == s)
		return probe_fail(fp->ps, s, field_hint, "unexpected '%c' in the filter", *s);
	for (size_t i = 0; i < fp->probe->nargs; i++) {
		if (strlen(fp->probe->args[i].name) == (size_t)(fp->p - s) &&
		    memcmp(fp->probe->args[i].name, s, fp->p - s) == 0) {
			o->kind = OPND_FIELD;
			o->field = i;
			return 0;
		}
	}
	if (fp->p - s == 4 && memcmp(s, "comm", 4) == 0)
		o->kind = OPND_COMM;
	else if (fp->p - s == 3 && memcmp(s, "pid", 3) == 0)
		o->kind = OPND_PID;
	else if (fp->p - s == 3 && memcmp(s, "tid", 3) == 0)
		o->kind = OPND_TID;
	else if ((fp->p - s == 4 && memcmp(s, "true", 4) == 0) ||
		 (fp->p - s == 5 && memcmp(s, "false", 5) == 0)) {
		/* bool fields print true/false and compare as 1/0 */
		o->kind = OPND_NUMBER;
		o->negative = false;
		o->number = *s == 't';
	} else
		return probe_fail(fp->ps, s, field_hint, "unknown field '%.*s' in the filter",
				  (int)(fp->p - s > 32 ? 32 : fp->p - s), s);
	return 0;
}

/* What an operand is, as far as the parse can tell. A C-level field
 * (expr) gets its type per site, and an ipv4 field compares with "10.0.0.1"
 * as well as with a number: those are decided at each hit. */
enum operand_class { CLASS_NUMBER, CLASS_TEXT, CLASS_EITHER };

static enum operand_class operand_class(const struct filter_parser *fp, const struct operand *o)
{
	const struct probe_arg *arg;

	if (o->kind == OPND_STRING || o->kind == OPND_COMM)
		return CLASS_TEXT;
	if (o->kind != OPND_FIELD)
		return CLASS_NUMBER;
	arg = &fp->probe->args[o->field];
	if (arg->expr || arg->show != SHOW_PLAIN)
		return CLASS_EITHER;
	return arg->type == PROBE_STRING ? CLASS_TEXT : CLASS_NUMBER;
}

static bool classes_clash(enum operand_class a, enum operand_class b)
{
	return (a == CLASS_NUMBER && b == CLASS_TEXT) || (a == CLASS_TEXT && b == CLASS_NUMBER);
}

static int parse_compare(struct filter_parser *fp, struct probe_filter *f)
{
	static const struct {
		const char *tok;
		enum cmp_op op;
	} ops[] = {{"==", CMP_EQ}, {"!=", CMP_NE}, {"<=", CMP_LE},
		   {">=", CMP_GE}, {"<", CMP_LT},  {">", CMP_GT}};
	const char *at;
	size_t i;
	int ret;

	f->kind = NODE_CMP;
	ret = parse_operand(fp, &f->left);
	if (ret)
		return ret;
	skip_space(fp);
	at = fp->p;
	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (take(fp, ops[i].tok))
			break;
	if (i == sizeof(ops) / sizeof(ops[0]))
		return probe_fail(fp->ps, at, "e.g. f:v>3&&comm==\"app\"",
				  "expected a comparison (== != < <= > >=) in the filter");
	f->op = ops[i].op;
	ret = parse_operand(fp, &f->right);
	if (ret)
		return ret;
	if (classes_clash(operand_class(fp, &f->left), operand_class(fp, &f->right)))
		return probe_fail(fp->ps, f->left.at, "compare strings with \"quoted\" strings "
						      "and numbers with numbers",
				  "the filter compares a string with a number");
	return 0;
}

static int parse_or(struct filter_parser *fp, struct probe_filter **out);

static int parse_unary(struct filter_parser *fp, struct probe_filter **out)
{
	struct probe_filter *f;
	int ret;

	if (++fp->depth > FILTER_MAX_DEPTH)
		return probe_fail(fp->ps, fp->p, "simplify the filter", "filter nested too deeply");
	f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	*out = f;
	skip_space(fp);
	if (fp->p < fp->end && *fp->p == '!' && (fp->p + 1 == fp->end || fp->p[1] != '=')) {
		fp->p++;
		f->kind = NODE_NOT;
		ret = parse_unary(fp, &f->a);
	} else if (take(fp, "(")) {
		const char *open = fp->p - 1;

		probe_filter_free(f);
		*out = NULL;
		ret = parse_or(fp, out);
		if (!ret && !take(fp, ")"))
			ret = probe_fail(fp->ps, open, "close every '(' with ')'",
					 "unbalanced parenthesis in the filter");
	} else {
		ret = parse_compare(fp, f);
	}
	fp->depth--;
	return ret;
}

static int parse_chain(struct filter_parser *fp, struct probe_filter **out, bool is_or)
{
	int ret = is_or ? parse_chain(fp, out, false) : parse_unary(fp, out);

	while (!ret && take(fp, is_or ? "||" : "&&")) {
		struct probe_filter *node = calloc(1, sizeof(*node));

		if (!node)
			return -ENOMEM;
		node->kind = is_or ? NODE_OR : NODE_AND;
		node->a = *out;
		*out = node;
		ret = is_or ? parse_chain(fp, &node->b, false) : parse_unary(fp, &node->b);
	}
	return ret;
}

static int parse_or(struct filter_parser *fp, struct probe_filter **out)
{
	return parse_chain(fp, out, true);
}

int probe_parse_filter(struct probe_parser *ps, const char *s, const char *end,
		       struct probe *probe)
{
	struct filter_parser fp = {.ps = ps, .probe = probe, .p = s, .end = end};
	int ret;

	skip_space(&fp);
	if (fp.p == end)
		return probe_fail(ps, s, "e.g. f:v>3", "empty filter");
	ret = parse_or(&fp, &probe->filter);
	skip_space(&fp);
	if (!ret && fp.p != end)
		ret = probe_fail(ps, fp.p, "join comparisons with && or ||",
				 "unexpected '%c' in the filter", *fp.p);
	return ret;
}

/* ---- evaluation at a hit ---- */

/* An operand's value at a hit: text, a float, or an integer; a field with
 * a text form (enum, ipv4, bool, char) keeps ARG so it can turn into text
 * when compared with a "string". */
struct value {
	bool text, is_float, is_signed;
	uint64_t number;
	double d;
	const struct probe_arg *arg;
	char string[PRINT_STRING_MAX + 1];
};

static void set_text(struct value *v, const char *s)
{
	v->text = true;
	snprintf(v->string, sizeof(v->string), "%s", s);
}

/* A field's value through probe_arg_value, as the hit's line shows it. */
static bool field_value(const struct probe_arg *arg, const struct probe_value *pre,
			const struct probe_hit *hit, struct value *v)
{
	size_t len;
	bool cut;

	if (probe_hit_value(hit, arg, pre, &v->number))
		return false;
	if (arg->type == PROBE_STRING) {
		if (probe_hit_string(hit, arg, pre, v->number, v->string, &len, &cut))
			return false;
		v->string[len] = '\0';
		v->text = true;
		return true;
	}
	v->arg = arg;
	v->is_signed = arg->type >= PROBE_S8 && arg->type <= PROBE_S64;
	if (arg->show == SHOW_BOOL)
		v->number = v->number != 0; /* true is 1, whatever the bits */
	else
		v->is_float = probe_arg_float(arg, v->number, &v->d);
	return true;
}

static bool operand_value(const struct operand *o, const struct probe_hit *hit, struct value *v)
{
	memset(v, 0, offsetof(struct value, string));
	v->string[0] = '\0';
	switch (o->kind) {
	case OPND_NUMBER:
		v->number = (uint64_t)o->number;
		v->is_signed = o->negative;
		return true;
	case OPND_STRING:
		set_text(v, o->string);
		return true;
	case OPND_COMM:
		set_text(v, hit->comm ? hit->comm : "");
		return true;
	case OPND_PID:
		v->number = (uint64_t)hit->pid;
		return true;
	case OPND_TID:
		v->number = (uint64_t)hit->tid;
		return true;
	case OPND_FIELD:
		return field_value(&probe_hit_args(hit)[o->field], probe_hit_pre(hit, o->field), hit,
				   v);
	}
	return false;
}

/* Make V text for a comparison with a string: false when it has none (a
 * plain number: such a comparison fails, as an unreadable field does). */
static bool as_text(struct value *v)
{
	if (v->text)
		return true;
	if (!v->arg || !probe_arg_text(v->arg, v->number, v->string, sizeof(v->string)))
		return false;
	v->text = true;
	return true;
}

static double as_double(const struct value *v)
{
	if (v->is_float)
		return v->d;
	return v->is_signed ? (double)(int64_t)v->number : (double)v->number;
}

/* Two floats one of which is NaN: only != holds, as in C. */
#define UNORDERED 2

/* -1, 0 or 1 as L is below, equal to or above R, or UNORDERED; false when
 * the two do not compare (a string with a number). */
static bool order(struct value *l, struct value *r, int *c)
{
	double a, b;

	if (l->text || r->text) {
		if (!as_text(l) || !as_text(r))
			return false;
		*c = strcmp(l->string, r->string);
	} else if (l->is_float || r->is_float) {
		a = as_double(l);
		b = as_double(r);
		*c = isnan(a) || isnan(b) ? UNORDERED : a < b ? -1 : a > b;
	} else if (l->is_signed || r->is_signed) {
		int64_t a64 = (int64_t)l->number, b64 = (int64_t)r->number;

		*c = a64 < b64 ? -1 : a64 > b64;
	} else {
		*c = l->number < r->number ? -1 : l->number > r->number;
	}
	return true;
}

static bool compare(const struct probe_filter *f, const struct probe_hit *hit)
{
	struct value l, r;
	int c;

	/* A field that cannot be read, or a pair that does not compare,
	 * matches nothing (not even !=). */
	if (!operand_value(&f->left, hit, &l) || !operand_value(&f->right, hit, &r) ||
	    !order(&l, &r, &c))
		return false;
	if (c == UNORDERED)
		return f->op == CMP_NE;
	return cmp_holds(c, f->op);
}

bool probe_filter_match(const struct probe_filter *f, const struct probe_hit *hit)
{
	if (!f)
		return true;
	switch (f->kind) {
	case NODE_OR:
		return probe_filter_match(f->a, hit) || probe_filter_match(f->b, hit);
	case NODE_AND:
		return probe_filter_match(f->a, hit) && probe_filter_match(f->b, hit);
	case NODE_NOT:
		return !probe_filter_match(f->a, hit);
	case NODE_CMP:
		return compare(f, hit);
	}
	return false;
}

/* ---- the part the kernel's event filter can decide ---- */

/* How a translated part relates to the filter: the same (EXACT), passing
 * at least what the filter passes (WIDER: a field read through memory
 * that faults passes or fails at the kernel's whim, where utap fails it),
 * or nothing said (NONE). */
enum kernel_class { KERNEL_NONE, KERNEL_WIDER, KERNEL_EXACT };

struct kernel_text {
	const struct probe_arg *args;
	const char *const *names;
};

static bool reads_memory(const struct fetch *f)
{
	for (; f; f = f->inner)
		if (f->op == FETCH_DEREF || f->op == FETCH_STACK)
			return true;
	return false;
}

/* A field compared with a literal: as the kernel compares it, or NONE. */
static enum kernel_class kernel_field(const struct kernel_text *kt, const struct operand *field,
				      const struct operand *lit, const char *op, char *buf,
				      size_t n)
{
	const struct probe_arg *a = &kt->args[field->field];
	bool is_signed = a->type >= PROBE_S8 && a->type <= PROBE_S64;
	size_t max = a->strmax && a->strmax <= PRINT_STRING_MAX ? a->strmax : PRINT_STRING_MAX;

	if (!kt->names[field->field] || !a->fetch || a->fetch->op == FETCH_NONE || a->swap ||
	    a->bit_size || a->list != LIST_NONE)
		return KERNEL_NONE;
	if (a->type == PROBE_STRING) {
		/* Equal in full iff equal as utap cuts it, when the literal
		 * is shorter than the cut. */
		if (lit->kind != OPND_STRING || strlen(lit->string) >= max ||
		    strchr(lit->string, '"') || strchr(lit->string, '\\') ||
		    (strcmp(op, "==") != 0 && strcmp(op, "!=") != 0))
			return KERNEL_NONE;
		snprintf(buf, n, "%s %s \"%s\"", kt->names[field->field], op, lit->string);
		return KERNEL_WIDER; /* a string is always read from memory */
	}
	if (lit->kind != OPND_NUMBER || a->show == SHOW_BOOL || a->show == SHOW_FLOAT ||
	    (lit->negative && !is_signed))
		return KERNEL_NONE;
	if (is_signed)
		snprintf(buf, n, "%s %s %lld", kt->names[field->field], op, (long long)lit->number);
	else
		snprintf(buf, n, "%s %s %llu", kt->names[field->field], op,
			 (unsigned long long)lit->number);
	return reads_memory(a->fetch) ? KERNEL_WIDER : KERNEL_EXACT;
}

static enum kernel_class kernel_compare(const struct kernel_text *kt, const struct probe_filter *f,
					char *buf, size_t n)
{
	static const char *const ops[] = {"==", "!=", "<", "<=", ">", ">="};
	static const char *const flipped[] = {"==", "!=", ">", ">=", "<", "<="};
	const struct operand *l = &f->left, *r = &f->right;
	const char *op = ops[f->op];

	/* The kernel wants the field first: 3 < v is v > 3. */
	if (l->kind == OPND_NUMBER || l->kind == OPND_STRING) {
		l = &f->right;
		r = &f->left;
		op = flipped[f->op];
	}
	if (l->kind == OPND_FIELD)
		return kernel_field(kt, l, r, op, buf, n);
	if (l->kind == OPND_COMM && r->kind == OPND_STRING && (f->op == CMP_EQ || f->op == CMP_NE) &&
	    !strchr(r->string, '"') && !strchr(r->string, '\\')) {
		snprintf(buf, n, "comm %s \"%s\"", op, r->string);
		return KERNEL_EXACT;
	}
	if (l->kind == OPND_TID && r->kind == OPND_NUMBER && !r->negative) {
		snprintf(buf, n, "common_pid %s %lld", op, (long long)r->number);
		return KERNEL_EXACT;
	}
	return KERNEL_NONE; /* pid (the kernel filters threads), two fields, ... */
}

/* BUF = "(A) OP (B)"; false when it does not fit. */
static bool kernel_join(char *buf, size_t n, const char *a, const char *op, const char *b)
{
	size_t la = strlen(a), lo = strlen(op), lb = strlen(b);

	if (la + lo + lb + 7 > n)
		return false;
	buf[0] = '(';
	memcpy(buf + 1, a, la);
	memcpy(buf + 1 + la, ") ", 2);
	memcpy(buf + 3 + la, op, lo);
	memcpy(buf + 3 + la + lo, " (", 2);
	memcpy(buf + 5 + la + lo, b, lb);
	memcpy(buf + 5 + la + lo + lb, ")", 2);
	return true;
}

static enum kernel_class kernel_node(const struct kernel_text *kt, const struct probe_filter *f,
				     char *buf, size_t n)
{
	char a[512], b[512];
	enum kernel_class ca, cb;

	buf[0] = '\0';
	switch (f->kind) {
	case NODE_CMP:
		return kernel_compare(kt, f, buf, n);
	case NODE_NOT:
		/* Only an exact part can be negated: a wider one would turn
		 * into a narrower one. */
		if (kernel_node(kt, f->a, a, sizeof(a)) != KERNEL_EXACT)
			return KERNEL_NONE;
		if (strlen(a) + 4 > n)
			return KERNEL_NONE;
		snprintf(buf, n, "!(%.*s)", (int)(n - 4), a);
		return KERNEL_EXACT;
	case NODE_AND:
		ca = kernel_node(kt, f->a, a, sizeof(a));
		cb = kernel_node(kt, f->b, b, sizeof(b));
		if (ca == KERNEL_NONE && cb == KERNEL_NONE)
			return KERNEL_NONE;
		if (ca == KERNEL_NONE || cb == KERNEL_NONE) {
			/* one side alone still passes all the filter passes */
			const char *one = ca == KERNEL_NONE ? b : a;

			if (strlen(one) >= n)
				return KERNEL_NONE;
			memcpy(buf, one, strlen(one) + 1);
			return KERNEL_WIDER;
		}
		if (!kernel_join(buf, n, a, "&&", b))
			return KERNEL_NONE;
		return ca == KERNEL_EXACT && cb == KERNEL_EXACT ? KERNEL_EXACT : KERNEL_WIDER;
	case NODE_OR:
		ca = kernel_node(kt, f->a, a, sizeof(a));
		cb = kernel_node(kt, f->b, b, sizeof(b));
		if (ca == KERNEL_NONE || cb == KERNEL_NONE)
			return KERNEL_NONE;
		if (!kernel_join(buf, n, a, "||", b))
			return KERNEL_NONE;
		return ca == KERNEL_EXACT && cb == KERNEL_EXACT ? KERNEL_EXACT : KERNEL_WIDER;
	}
	return KERNEL_NONE;
}

int probe_filter_kernel(const struct probe_filter *f, const struct probe_arg *args,
			const char *const *names, char *buf, size_t n)
{
	struct kernel_text kt = {args, names};
	char text[1024];
	enum kernel_class c;

	if (n)
		buf[0] = '\0';
	if (!f)
		return 1;
	c = kernel_node(&kt, f, text, sizeof(text));
	if (c == KERNEL_NONE || strlen(text) >= n)
		return -1;
	memcpy(buf, text, strlen(text) + 1);
	return c == KERNEL_EXACT ? 1 : 0;
}
