/* parse_free.c: freeing a parsed script, whole or in parts (partly built ones too). */
#include <stdlib.h>

#include "script/parse_priv.h"

void script_expr_free(struct script_expr *e)
{
	int i;

	if (!e)
		return;
	for (i = 0; i < e->nargs; i++)
		script_expr_free(e->args[i]);
	free(e->args);
	for (i = 0; i < e->naccess; i++) {
		free(e->access[i].member);
		script_expr_free(e->access[i].index);
	}
	free(e->access);
	free(e->str);
	free(e->module);
	free(e->name);
	free(e);
}

void script_stmt_free(struct script_stmt *s)
{
	int i;

	if (!s)
		return;
	script_expr_free(s->expr);
	script_expr_free(s->init);
	script_expr_free(s->step);
	script_expr_free(s->limit);
	script_stmt_free(s->then);
	script_stmt_free(s->otherwise);
	for (i = 0; i < s->nbody; i++)
		script_stmt_free(s->body[i]);
	free(s->body);
	free(s->catch_var);
	free(s->value_var);
	for (i = 0; i < s->nkeys; i++)
		free(s->keys[i]);
	free(s->keys);
	free(s->array);
	free(s->key_slots);
	free(s);
}

static void free_points(struct script_point *points, int n)
{
	int i, j;

	for (i = 0; i < n; i++) {
		for (j = 0; j < points[i].ncomps; j++) {
			free(points[i].comps[j].name);
			script_expr_free(points[i].comps[j].arg);
		}
		free(points[i].comps);
	}
	free(points);
}

void script_free(struct script *s)
{
	int i, j;

	if (!s)
		return;
	for (i = 0; i < s->nglobals; i++) {
		free(s->globals[i].name);
		script_expr_free(s->globals[i].init);
	}
	free(s->globals);
	for (i = 0; i < s->nprobes; i++) {
		free_points(s->probes[i].points, s->probes[i].npoints);
		script_stmt_free(s->probes[i].body);
	}
	free(s->probes);
	for (i = 0; i < s->nfunctions; i++) {
		free(s->functions[i].name);
		for (j = 0; j < s->functions[i].nparams; j++)
			free(s->functions[i].params[j].name);
		free(s->functions[i].params);
		script_stmt_free(s->functions[i].body);
	}
	free(s->functions);
	free(s->file);
	free(s->source);
	free(s);
}
