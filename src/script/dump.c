/* dump.c: a parsed script back as source, canonical, every operand that is an operator in ( ). */
#include <inttypes.h>
#include <stdio.h>

#include "script/ast.h"

static void dump_expr(FILE *out, const struct script_expr *e);
static void dump_stmt(FILE *out, const struct script_stmt *s, int ind);

static void indent(FILE *out, int n)
{
	while (n-- > 0)
		fputc('\t', out);
}

/* A literal that lexes back to the same bytes. */
static void dump_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		switch (c) {
		case '"':
			fputs("\\\"", out);
			break;
		case '\\':
			fputs("\\\\", out);
			break;
		case '\n':
			fputs("\\n", out);
			break;
		case '\t':
			fputs("\\t", out);
			break;
		case '\r':
			fputs("\\r", out);
			break;
		default:
			/* Three octal digits, so a digit after it stays a digit. */
			if (c < ' ' || c == 0x7f)
				fprintf(out, "\\%03o", c);
			else
				fputc(c, out);
		}
	}
	fputc('"', out);
}

static const char *op_text(enum script_op op)
{
	switch (op) {
	case SO_NEG:
	case SO_SUB:
		return "-";
	case SO_PLUS:
	case SO_ADD:
		return "+";
	case SO_NOT:
		return "!";
	case SO_BNOT:
		return "~";
	case SO_MUL:
		return "*";
	case SO_DIV:
		return "/";
	case SO_MOD:
		return "%";
	case SO_SHL:
		return "<<";
	case SO_SHR:
		return ">>";
	case SO_BAND:
		return "&";
	case SO_BXOR:
		return "^";
	case SO_BOR:
		return "|";
	case SO_LAND:
		return "&&";
	case SO_LOR:
		return "||";
	case SO_LT:
		return "<";
	case SO_LE:
		return "<=";
	case SO_GT:
		return ">";
	case SO_GE:
		return ">=";
	case SO_EQ:
		return "==";
	case SO_NE:
		return "!=";
	case SO_CONCAT:
		return ".";
	case SO_ASSIGN:
		return "=";
	case SO_AGG:
		return "<<<";
	case SO_INC:
		return "++";
	case SO_DEC:
		return "--";
	case SO_NONE:
		break;
	}
	return "?";
}

static const char *stat_name(enum script_stat stat)
{
	static const char *const names[] = {
	    [STAT_COUNT] = "@count",	   [STAT_SUM] = "@sum",
	    [STAT_MIN] = "@min",	   [STAT_MAX] = "@max",
	    [STAT_AVG] = "@avg",	   [STAT_VARIANCE] = "@variance",
	    [STAT_HIST_LOG] = "@hist_log", [STAT_HIST_LINEAR] = "@hist_linear",
	};

	return stat > STAT_NONE && stat <= STAT_HIST_LINEAR ? names[stat] : "@?";
}

static bool is_compound(const struct script_expr *e)
{
	return e->kind == SE_BINARY || e->kind == SE_TERNARY || e->kind == SE_ASSIGN ||
	       e->kind == SE_IN;
}

/* An operator's operand: parenthesized when it is an operator itself. */
static void dump_operand(FILE *out, const struct script_expr *e)
{
	if (is_compound(e)) {
		fputc('(', out);
		dump_expr(out, e);
		fputc(')', out);
	} else {
		dump_expr(out, e);
	}
}

static void dump_list(FILE *out, struct script_expr *const *args, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		if (i)
			fputs(", ", out);
		dump_expr(out, args[i]);
	}
}

static void dump_accessors(FILE *out, const struct script_expr *e)
{
	int i;

	for (i = 0; i < e->naccess; i++) {
		if (e->access[i].kind == SA_MEMBER) {
			fprintf(out, "->%s", e->access[i].member);
		} else {
			fputc('[', out);
			dump_expr(out, e->access[i].index);
			fputc(']', out);
		}
	}
	for (i = 0; i < e->pretty; i++)
		fputc('$', out);
}

static void dump_unary(FILE *out, const struct script_expr *e)
{
	const struct script_expr *o = e->args[0];
	/* "- -x" must not become "--x", nor "-(5)" the literal -5. */
	bool paren = o->kind == SE_UNARY || (o->kind == SE_INCDEC && !o->postfix) ||
		     (o->kind == SE_NUMBER && (o->num < 0 || e->op == SO_NEG));

	fputs(op_text(e->op), out);
	if (paren) {
		fputc('(', out);
		dump_expr(out, o);
		fputc(')', out);
	} else {
		dump_operand(out, o);
	}
}

static void dump_at(FILE *out, const struct script_expr *e)
{
	int i;

	switch (e->kind) {
	case SE_STAT:
		fprintf(out, "%s(", stat_name(e->stat));
		dump_list(out, e->args, e->nargs);
		fputc(')', out);
		break;
	case SE_ENTRY:
	case SE_DEFINED:
		fputs(e->kind == SE_ENTRY ? "@entry(" : "@defined(", out);
		dump_list(out, e->args, e->nargs);
		fputc(')', out);
		break;
	case SE_CAST:
	case SE_VAR:
		fputs(e->kind == SE_CAST ? "@cast(" : "@var(", out);
		for (i = 0; i < e->nargs; i++) {
			dump_expr(out, e->args[i]);
			fputs(", ", out);
		}
		dump_string(out, e->str);
		if (e->module) {
			fputs(", ", out);
			dump_string(out, e->module);
		}
		fputc(')', out);
		dump_accessors(out, e);
		break;
	default:
		break;
	}
}

static void dump_expr(FILE *out, const struct script_expr *e)
{
	int i;

	switch (e->kind) {
	case SE_NUMBER:
		fprintf(out, "%" PRId64, e->num);
		break;
	case SE_STRING:
		dump_string(out, e->str);
		break;
	case SE_IDENT:
		fputs(e->name, out);
		break;
	case SE_INDEX:
	case SE_CALL:
		fprintf(out, "%s%c", e->name, e->kind == SE_CALL ? '(' : '[');
		dump_list(out, e->args, e->nargs);
		fputc(e->kind == SE_CALL ? ')' : ']', out);
		break;
	case SE_TARGET:
		fputs(e->name, out);
		dump_accessors(out, e);
		break;
	case SE_UNARY:
		dump_unary(out, e);
		break;
	case SE_INCDEC:
		if (!e->postfix)
			fputs(op_text(e->op), out);
		dump_operand(out, e->args[0]);
		if (e->postfix)
			fputs(op_text(e->op), out);
		break;
	case SE_BINARY:
	case SE_ASSIGN:
		dump_operand(out, e->args[0]);
		fprintf(out, " %s%s ", op_text(e->op),
			e->kind == SE_ASSIGN && e->op != SO_ASSIGN && e->op != SO_AGG ? "=" : "");
		dump_operand(out, e->args[1]);
		break;
	case SE_TERNARY:
		dump_operand(out, e->args[0]);
		fputs(" ? ", out);
		dump_operand(out, e->args[1]);
		fputs(" : ", out);
		dump_operand(out, e->args[2]);
		break;
	case SE_IN:
		if (e->nargs != 1)
			fputc('[', out);
		for (i = 0; i < e->nargs; i++) {
			if (i)
				fputs(", ", out);
			dump_operand(out, e->args[i]);
		}
		fprintf(out, "%s in %s", e->nargs != 1 ? "]" : "", e->name);
		break;
	default:
		dump_at(out, e);
		break;
	}
}

/* A statement's sub-statement: a block stays on the line, others go below. */
static void dump_body(FILE *out, const struct script_stmt *s, int ind)
{
	if (s->kind == SS_BLOCK) {
		fputc(' ', out);
		dump_stmt(out, s, ind);
	} else {
		fputc('\n', out);
		indent(out, ind + 1);
		dump_stmt(out, s, ind + 1);
	}
}

static void dump_foreach(FILE *out, const struct script_stmt *s, int ind)
{
	bool bracket = s->value_var || s->nkeys != 1;
	int i;

	fputs("foreach (", out);
	if (s->value_var)
		fprintf(out, "%s = ", s->value_var);
	if (bracket)
		fputc('[', out);
	for (i = 0; i < s->nkeys; i++)
		fprintf(out, "%s%s%s", i ? ", " : "", s->keys[i],
			s->sort_by == i + 1 ? (s->sort_dir < 0 ? "-" : "+") : "");
	if (bracket)
		fputc(']', out);
	fprintf(out, " in %s", s->array);
	if (s->sort_stat != STAT_NONE)
		fprintf(out, " %s", stat_name(s->sort_stat));
	if (s->sort_by < 0)
		fputs(s->sort_dir < 0 ? "-" : "+", out);
	if (s->limit) {
		fputs(" limit ", out);
		dump_expr(out, s->limit);
	}
	fputc(')', out);
	dump_body(out, s->then, ind);
}

/* From the current column, without a newline at the end. */
static void dump_stmt(FILE *out, const struct script_stmt *s, int ind)
{
	int i;

	switch (s->kind) {
	case SS_BLOCK:
		fputs("{\n", out);
		for (i = 0; i < s->nbody; i++) {
			indent(out, ind + 1);
			dump_stmt(out, s->body[i], ind + 1);
			fputc('\n', out);
		}
		indent(out, ind);
		fputc('}', out);
		break;
	case SS_EXPR:
		dump_expr(out, s->expr);
		fputc(';', out);
		break;
	case SS_IF:
		fputs("if (", out);
		dump_expr(out, s->expr);
		fputc(')', out);
		dump_body(out, s->then, ind);
		if (!s->otherwise)
			break;
		if (s->then->kind == SS_BLOCK) {
			fputs(" else", out);
		} else {
			fputc('\n', out);
			indent(out, ind);
			fputs("else", out);
		}
		if (s->otherwise->kind == SS_IF) {
			fputc(' ', out);
			dump_stmt(out, s->otherwise, ind);
		} else {
			dump_body(out, s->otherwise, ind);
		}
		break;
	case SS_WHILE:
		fputs("while (", out);
		dump_expr(out, s->expr);
		fputc(')', out);
		dump_body(out, s->then, ind);
		break;
	case SS_FOR:
		fputs("for (", out);
		if (s->init)
			dump_expr(out, s->init);
		fputc(';', out);
		if (s->expr) {
			fputc(' ', out);
			dump_expr(out, s->expr);
		}
		fputc(';', out);
		if (s->step) {
			fputc(' ', out);
			dump_expr(out, s->step);
		}
		fputc(')', out);
		dump_body(out, s->then, ind);
		break;
	case SS_FOREACH:
		dump_foreach(out, s, ind);
		break;
	case SS_BREAK:
		fputs("break;", out);
		break;
	case SS_CONTINUE:
		fputs("continue;", out);
		break;
	case SS_NEXT:
		fputs("next;", out);
		break;
	case SS_RETURN:
		fputs("return", out);
		if (s->expr) {
			fputc(' ', out);
			dump_expr(out, s->expr);
		}
		fputc(';', out);
		break;
	case SS_DELETE:
		fputs("delete ", out);
		dump_expr(out, s->expr);
		fputc(';', out);
		break;
	case SS_TRY:
		fputs("try ", out);
		dump_stmt(out, s->then, ind);
		fputs(" catch ", out);
		if (s->catch_var)
			fprintf(out, "(%s) ", s->catch_var);
		dump_stmt(out, s->otherwise, ind);
		break;
	case SS_NULL:
		fputc(';', out);
		break;
	}
}

static const char *type_name(enum script_type type)
{
	return type == ST_LONG ? "long" : type == ST_STRING ? "string" : NULL;
}

static void dump_point(FILE *out, const struct script_point *pt)
{
	int i;

	for (i = 0; i < pt->ncomps; i++) {
		fprintf(out, "%s%s", i ? "." : "", pt->comps[i].name);
		if (pt->comps[i].arg) {
			fputc('(', out);
			dump_expr(out, pt->comps[i].arg);
			fputc(')', out);
		}
	}
	if (pt->sufficient)
		fputc('!', out);
	else if (pt->optional)
		fputc('?', out);
}

void script_dump(const struct script *s, FILE *out)
{
	bool first = true;
	int i, j;

	for (i = 0; i < s->nglobals; i++) {
		const struct script_global *g = &s->globals[i];

		fprintf(out, "global %s%s", g->name, g->wrap ? "%" : "");
		if (g->size > 0)
			fprintf(out, "[%ld]", g->size);
		if (g->init) {
			fputs(" = ", out);
			dump_expr(out, g->init);
		}
		fputc('\n', out);
		first = false;
	}
	for (i = 0; i < s->nfunctions; i++) {
		const struct script_function *f = &s->functions[i];

		fprintf(out, "%sfunction %s", first ? "" : "\n", f->name);
		if (type_name(f->type))
			fprintf(out, ":%s", type_name(f->type));
		fputs(" (", out);
		for (j = 0; j < f->nparams; j++) {
			fprintf(out, "%s%s", j ? ", " : "", f->params[j].name);
			if (type_name(f->params[j].type))
				fprintf(out, ":%s", type_name(f->params[j].type));
		}
		fputs(") ", out);
		dump_stmt(out, f->body, 0);
		fputc('\n', out);
		first = false;
	}
	for (i = 0; i < s->nprobes; i++) {
		const struct script_probe *p = &s->probes[i];

		fprintf(out, "%sprobe ", first ? "" : "\n");
		for (j = 0; j < p->npoints; j++) {
			if (j)
				fputs(", ", out);
			dump_point(out, &p->points[j]);
		}
		fputc(' ', out);
		dump_stmt(out, p->body, 0);
		fputc('\n', out);
		first = false;
	}
}
