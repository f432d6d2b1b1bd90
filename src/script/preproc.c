/* preproc.c: %( COND %? THEN %: ELSE %) conditionals, evaluated as for user space. */
#define _GNU_SOURCE /* strverscmp */
#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "script/lexer.h"
#include "util/compare.h"

#if defined(__x86_64__)
#define UTAP_ARCH "x86_64"
#elif defined(__aarch64__)
#define UTAP_ARCH "arm64" /* SystemTap's name for it */
#elif defined(__i386__)
#define UTAP_ARCH "i386"
#else
#define UTAP_ARCH "unknown"
#endif

/* The SystemTap version whose language utap speaks (systemtap_v). */
#define UTAP_SYSTEMTAP_V "5.0"

static const char cond_hint[] =
    "a condition compares arch, kernel_v, kernel_vr, systemtap_v, runtime, "
    "systemtap_privilege, guru_mode, CONFIG_..., $#, @#, numbers or strings, joined by && "
    "and ||: %( arch == \"x86_64\" && $# > 1 %? ... %: ... %)";

enum branch { KEEP_THEN, SKIP_THEN, KEEP_ELSE, SKIP_ELSE };

struct frame {
	struct script_pos pos; /* of its %( */
	enum branch state;
};


static bool is_op(const struct script_token *t, const char *op)
{
	return t->kind == TK_OP && strcmp(t->text, op) == 0;
}

static bool is_pp(const struct script_token *t)
{
	return t->kind == TK_OP && t->text[0] == '%' && t->text[1] && strchr("(?:)", t->text[1]);
}

static int fail_token(struct script_error *err, const struct script_token *t)
{
	return script_fail(err, t->pos, t->hint, "%s", t->text);
}

static int sign(long long a, long long b)
{
	return (a > b) - (a < b);
}

/* A name compared with a string: ==/!= match it as a glob (SystemTap's
 * fnmatch), order operators compare versions. */
static int match_string(const struct script_token *l, enum cmp_op op, const struct script_token *r,
			const char *const *values, bool ordered, bool *out,
			struct script_error *err)
{
	char what[64];
	int i;

	if (r->kind != TK_STRING)
		return script_fail(err, r->pos, cond_hint, "expected a string after '%s', found %s",
				   l->text, script_token_describe(r, what, sizeof(what)));
	if (op != CMP_EQ && op != CMP_NE) {
		if (!ordered)
			return script_fail(err, l->pos, cond_hint,
					   "'%s' can only be compared with == or !=", l->text);
		if (strpbrk(r->text, "*?["))
			return script_fail(err, r->pos, "use == or != with a wildcard",
					   "a wildcard cannot be ordered");
		*out = cmp_holds(strverscmp(values[0], r->text), op);
		return 0;
	}
	*out = false;
	for (i = 0; values[i]; i++)
		if (fnmatch(r->text, values[i], FNM_NOESCAPE) == 0)
			*out = true;
	if (op == CMP_NE)
		*out = !*out;
	return 0;
}

static int eval_name(const struct script_token *l, enum cmp_op op, const struct script_token *r,
		     bool *out, struct script_error *err)
{
	static const char *const arch[] = {UTAP_ARCH, NULL};
	/* utap is a user-space runtime, as SystemTap's dyninst one is: scripts
	 * that choose code for dyninst choose what utap can run. */
	static const char *const runtime[] = {"utap", "dyninst", NULL};
	static const char *const privilege[] = {"stapusr", NULL};
	static const char *const stap_v[] = {UTAP_SYSTEMTAP_V, NULL};
	static const char *const empty[] = {"", NULL};
	const char *name = l->text;
	struct utsname u;
	char base[sizeof(u.release)];
	const char *kernel[2] = {base, NULL};

	if (strcmp(name, "kernel_v") == 0 || strcmp(name, "kernel_vr") == 0) {
		if (uname(&u) < 0)
			memset(&u, 0, sizeof(u));
		memcpy(base, u.release, sizeof(base));
		base[sizeof(base) - 1] = '\0';
		if (strcmp(name, "kernel_v") == 0)
			base[strcspn(base, "-")] = '\0';
		return match_string(l, op, r, kernel, true, out, err);
	}
	if (strcmp(name, "systemtap_v") == 0)
		return match_string(l, op, r, stap_v, true, out, err);
	if (strcmp(name, "arch") == 0)
		return match_string(l, op, r, arch, false, out, err);
	if (strcmp(name, "runtime") == 0)
		return match_string(l, op, r, runtime, false, out, err);
	if (strcmp(name, "systemtap_privilege") == 0)
		return match_string(l, op, r, privilege, false, out, err);
	if (strcmp(name, "guru_mode") == 0) {
		/* No embedded C, so never guru mode. */
		if (r->kind != TK_NUMBER || (r->num != 0 && r->num != 1) ||
		    (op != CMP_EQ && op != CMP_NE))
			return script_fail(err, r->pos, "guru_mode == 0 or guru_mode == 1",
					   "guru_mode is compared with 0 or 1, by == or !=");
		*out = cmp_holds(sign(0, r->num), op);
		return 0;
	}
	if (strncmp(name, "CONFIG_", 7) == 0) {
		/* Kernel configuration: none in user space, every option is unset. */
		if (r->kind == TK_STRING)
			return match_string(l, op, r, empty, false, out, err);
		if (r->kind == TK_NUMBER) {
			*out = cmp_holds(sign(0, r->num), op);
			return 0;
		}
		if (r->kind == TK_IDENT && strncmp(r->text, "CONFIG_", 7) == 0) {
			*out = cmp_holds(0, op);
			return 0;
		}
		return script_fail(err, r->pos, cond_hint,
				   "expected a string, a number or CONFIG_... after '%s'", name);
	}
	return script_fail(err, l->pos, cond_hint, "unknown preprocessor condition '%s'", name);
}

/* One "L OP R" comparison. */
static int eval_one(const struct script_token *l, const struct script_token *o,
		    const struct script_token *r, bool *out, struct script_error *err)
{
	static const char *const ops[] = {"==", "!=", "<", "<=", ">", ">=", NULL};
	char what[64];
	int op;

	for (op = 0; ops[op]; op++)
		if (is_op(o, ops[op]))
			break;
	if (!ops[op])
		return script_fail(err, o->pos, cond_hint,
				   "expected a comparison (== != < <= > >=), found %s",
				   script_token_describe(o, what, sizeof(what)));
	if (l->kind == TK_IDENT)
		return eval_name(l, (enum cmp_op)op, r, out, err);
	if (l->kind == TK_NUMBER && r->kind == TK_NUMBER) {
		*out = cmp_holds(sign(l->num, r->num), (enum cmp_op)op);
		return 0;
	}
	if (l->kind == TK_STRING && r->kind == TK_STRING) {
		*out = cmp_holds(strcmp(l->text, r->text), (enum cmp_op)op);
		return 0;
	}
	if (l->kind == TK_NUMBER || l->kind == TK_STRING)
		return script_fail(err, r->pos, cond_hint,
				   "expected a %s to compare with, found %s",
				   l->kind == TK_NUMBER ? "number" : "string",
				   script_token_describe(r, what, sizeof(what)));
	return script_fail(err, l->pos, cond_hint, "expected a condition, found %s",
			   script_token_describe(l, what, sizeof(what)));
}

/* TOK[*I] follows a %( at POS: read "L OP R [&&|| L OP R ...] %?", leave
 * *I past the %?. && binds tighter than ||, as in SystemTap. */
static int eval_condition(const struct script_token *tok, int *i, struct script_pos pos,
			  bool *result, struct script_error *err)
{
	bool any = false, all = true;
	char what[64];

	for (;;) {
		const struct script_token *t[3];
		bool v;
		int k, ret;

		for (k = 0; k < 3; k++) {
			t[k] = &tok[*i];
			if (t[k]->kind == TK_ERROR)
				return fail_token(err, t[k]);
			if (t[k]->kind == TK_EOF || is_pp(t[k]))
				return script_fail(err, k ? t[k]->pos : pos, cond_hint,
						   "incomplete condition after '%%(', found %s",
						   script_token_describe(t[k], what, sizeof(what)));
			(*i)++;
		}
		ret = eval_one(t[0], t[1], t[2], &v, err);
		if (ret < 0)
			return ret;
		all = all && v;
		if (is_op(&tok[*i], "&&")) {
			(*i)++;
			continue;
		}
		any = any || all;
		all = true;
		if (is_op(&tok[*i], "||")) {
			(*i)++;
			continue;
		}
		if (tok[*i].kind == TK_ERROR)
			return fail_token(err, &tok[*i]);
		if (!is_op(&tok[*i], "%?"))
			return script_fail(err, tok[*i].pos, cond_hint,
					   "expected '%%?' after the condition, found %s",
					   script_token_describe(&tok[*i], what, sizeof(what)));
		(*i)++;
		*result = any;
		return 0;
	}
}

static void drop(struct script_token *t)
{
	free(t->text);
	t->text = NULL;
}

int script_preprocess(struct script_tokens *toks, struct script_error *err)
{
	static const char form_hint[] = "a conditional is %( CONDITION %? TOKENS %: TOKENS %)";
	struct script_token *tok = toks->tok;
	struct frame *stack = NULL;
	int depth = 0, i = 0, w = 0, ret = 0;

	/* Every text has one owner at all times: a dropped token's is freed,
	 * a kept one's moves down to tok[w]. */
	for (;;) {
		struct script_token *t = &tok[i];
		enum branch state = depth ? stack[depth - 1].state : KEEP_THEN;

		if (state == SKIP_THEN || state == SKIP_ELSE) {
			int nest = 0;

			for (;; i++) {
				t = &tok[i];
				if (t->kind == TK_EOF)
					break;
				if (t->kind == TK_ERROR && t->fatal) {
					ret = fail_token(err, t);
					goto out;
				}
				if (is_op(t, "%("))
					nest++;
				else if (is_op(t, "%)") && nest)
					nest--;
				else if (!nest && is_pp(t) && !is_op(t, "%("))
					break;
				drop(t);
			}
		}
		if (t->kind == TK_EOF) {
			if (depth) {
				ret = script_fail(err, stack[depth - 1].pos, form_hint,
						  "this '%%(' has no '%%)'");
				goto out;
			}
			tok[w++] = *t;
			break;
		}
		if (t->kind == TK_AT && strcmp(t->text, "@define") == 0) {
			/* Its body is %( ... %): say what it is before it reads as a conditional.
			 */
			ret = script_fail(err, t->pos, "write the text out, or use a function",
					  "@define macros are not supported yet");
			goto out;
		}
		if (is_op(t, "%?")) {
			ret = script_fail(err, t->pos, form_hint, "'%%?' outside a %%( condition");
			goto out;
		}
		if (is_op(t, "%:") || is_op(t, "%)")) {
			if (!depth) {
				ret = script_fail(err, t->pos, form_hint, "'%s' without a '%%('",
						  t->text);
				goto out;
			}
			if (is_op(t, "%)")) {
				depth--;
			} else if (state == KEEP_ELSE || state == SKIP_ELSE) {
				ret = script_fail(err, t->pos, form_hint,
						  "a second '%%:' in one conditional");
				goto out;
			} else {
				stack[depth - 1].state = state == KEEP_THEN ? SKIP_ELSE : KEEP_ELSE;
			}
			drop(t);
			i++;
			continue;
		}
		if (is_op(t, "%(")) {
			struct script_pos pos = t->pos;
			bool result = false;
			int j = i + 1;

			ret = eval_condition(tok, &j, pos, &result, err);
			if (ret < 0)
				goto out;
			if (depth == 0 || (depth >= 4 && (depth & (depth - 1)) == 0)) {
				struct frame *more =
				    realloc(stack, (depth ? 2 * (size_t)depth : 4) * sizeof(*more));

				if (!more) {
					ret = -ENOMEM;
					goto out;
				}
				stack = more;
			}
			stack[depth].pos = pos;
			stack[depth++].state = result ? KEEP_THEN : SKIP_THEN;
			for (; i < j; i++)
				drop(&tok[i]);
			continue;
		}
		if (w != i) {
			tok[w] = *t;
			t->text = NULL;
		}
		w++;
		i++;
	}
	toks->n = w;
out:
	free(stack);
	return ret;
}
