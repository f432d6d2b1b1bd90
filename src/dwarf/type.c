/* type.c: spell a DWARF type as C does ("const char *", "int[4]", "void (*)(int)"). */
#include <dwarf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "dwarf/internal.h"

#define SPELL_MAX 512
#define SPELL_DEPTH 32 /* deeper than any real declarator; stops a cyclic DIE chain */

/* The DIE that DIE's DW_AT_type names, or NULL (void). */
static Dwarf_Die *type_of(Dwarf_Die *die, Dwarf_Die *mem)
{
	Dwarf_Attribute attr;

	if (!dwarf_attr_integrate(die, DW_AT_type, &attr))
		return NULL;
	return dwarf_formref_die(&attr, mem);
}

/* snprintf that says when it truncated: 0 or -ENAMETOOLONG. */
static __attribute__((format(printf, 3, 4))) int format(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* BASE followed by declarator DECL: "int" "*" -> "int *", "int" "[4]" -> "int[4]". */
static int join(const char *base, const char *decl, char *buf, size_t len)
{
	return format(buf, len, "%s%s%s", base, decl[0] && decl[0] != '[' ? " " : "", decl);
}

/* "[4][2]" for the subranges of array type ARRAY. */
static void array_dims(Dwarf_Die *array, char *buf, size_t len)
{
	Dwarf_Attribute attr;
	Dwarf_Word value;
	size_t used = 0;
	Dwarf_Die child;
	int n;

	buf[0] = '\0';
	if (dwarf_child(array, &child) != 0)
		return;
	do {
		if (dwarf_tag(&child) != DW_TAG_subrange_type)
			continue;
		if (dwarf_attr(&child, DW_AT_count, &attr) && dwarf_formudata(&attr, &value) == 0)
			n = snprintf(buf + used, len - used, "[%llu]", (unsigned long long)value);
		else if (dwarf_attr(&child, DW_AT_upper_bound, &attr) &&
			 dwarf_formudata(&attr, &value) == 0)
			n = snprintf(buf + used, len - used, "[%llu]",
				     (unsigned long long)value + 1);
		else
			n = snprintf(buf + used, len - used, "[]");
		if (n < 0 || (size_t)n >= len - used)
			return;
		used += (size_t)n;
	} while (dwarf_siblingof(&child, &child) == 0);
}

/* gcc names base types in its own word order; say them as people write them. */
static const char *const base_names[][2] = {
    {"long int", "long"},	    {"long unsigned int", "unsigned long"},
    {"short int", "short"},	    {"short unsigned int", "unsigned short"},
    {"long long int", "long long"}, {"long long unsigned int", "unsigned long long"},
};

static const char *base_name(const char *name)
{
	size_t i;

	for (i = 0; name && i < sizeof(base_names) / sizeof(base_names[0]); i++)
		if (strcmp(name, base_names[i][0]) == 0)
			return base_names[i][1];
	return name ? name : "?";
}

static int spell(Dwarf_Die *type, const char *decl, char *buf, size_t len, int depth);

/* "(int, char *)" for subroutine type FN. */
static void params_of(Dwarf_Die *fn, char *buf, size_t len, int depth)
{
	Dwarf_Die child, mem, *t;
	char one[SPELL_MAX];
	size_t used = 1;
	int n, count = 0;
	bool prototyped = dwarf_hasattr(fn, DW_AT_prototyped);

	snprintf(buf, len, "(");
	if (dwarf_child(fn, &child) == 0) {
		do {
			if (dwarf_tag(&child) == DW_TAG_formal_parameter) {
				t = type_of(&child, &mem);
				spell(t, "", one, sizeof(one), depth + 1);
			} else if (dwarf_tag(&child) == DW_TAG_unspecified_parameters) {
				snprintf(one, sizeof(one), "...");
			} else {
				continue;
			}
			n = snprintf(buf + used, len - used, "%s%s", count++ ? ", " : "", one);
			if (n < 0 || (size_t)n >= len - used)
				return;
			used += (size_t)n;
		} while (dwarf_siblingof(&child, &child) == 0);
	}
	snprintf(buf + used, len - used, "%s)", !count && prototyped ? "void" : "");
}

static int spell(Dwarf_Die *type, const char *decl, char *buf, size_t len, int depth)
{
	char inner[SPELL_MAX], tail[SPELL_MAX], base[SPELL_MAX];
	const char *name, *qual = NULL, *kind = NULL;
	Dwarf_Die mem, *sub;
	bool wrap;
	int tag;

	if (depth > SPELL_DEPTH)
		return join("...", decl, buf, len);
	if (!type)
		return join("void", decl, buf, len);
	tag = dwarf_tag(type);
	sub = type_of(type, &mem);
	name = dwarf_diename(type);
	wrap = decl[0] == '*' || decl[0] == '&';
	switch (tag) {
	case DW_TAG_base_type:
		return join(base_name(name), decl, buf, len);
	case DW_TAG_typedef:
	case DW_TAG_unspecified_type:
		return join(name ? name : "?", decl, buf, len);
	case DW_TAG_structure_type:
		kind = "struct";
		break;
	case DW_TAG_union_type:
		kind = "union";
		break;
	case DW_TAG_enumeration_type:
		kind = "enum";
		break;
	case DW_TAG_class_type:
		kind = "class";
		break;
	case DW_TAG_pointer_type:
		format(inner, sizeof(inner), "*%s", decl);
		return spell(sub, inner, buf, len, depth + 1);
	case DW_TAG_reference_type:
		format(inner, sizeof(inner), "&%s", decl);
		return spell(sub, inner, buf, len, depth + 1);
	case DW_TAG_rvalue_reference_type:
		format(inner, sizeof(inner), "&&%s", decl);
		return spell(sub, inner, buf, len, depth + 1);
	case DW_TAG_const_type:
		qual = "const";
		break;
	case DW_TAG_volatile_type:
		qual = "volatile";
		break;
	case DW_TAG_restrict_type:
		qual = "restrict";
		break;
	case DW_TAG_atomic_type:
		qual = "_Atomic";
		break;
	case DW_TAG_array_type:
		array_dims(type, tail, sizeof(tail));
		format(inner, sizeof(inner), "%s%s%s%s", wrap ? "(" : "", decl, wrap ? ")" : "",
		       tail);
		return spell(sub, inner, buf, len, depth + 1);
	case DW_TAG_subroutine_type:
		params_of(type, tail, sizeof(tail), depth);
		format(inner, sizeof(inner), "%s%s%s%s", wrap ? "(" : "", decl, wrap ? ")" : "",
		       tail);
		return spell(sub, inner, buf, len, depth + 1);
	default:
		return join("?", decl, buf, len);
	}
	if (kind) {
		format(base, sizeof(base), "%s %s", kind, name ? name : "{...}");
		return join(base, decl, buf, len);
	}
	/* A qualifier: after the '*' it qualifies ("char *const"), else in front. */
	if (sub && dwarf_tag(sub) == DW_TAG_pointer_type) {
		format(inner, sizeof(inner), "%s%s%s", qual, decl[0] ? " " : "", decl);
		return spell(sub, inner, buf, len, depth + 1);
	}
	spell(sub, decl, inner, sizeof(inner), depth + 1);
	return format(buf, len, "%s %s", qual, inner);
}

int dwarf_type_name(Dwarf_Die *type, char *buf, size_t len)
{
	return spell(type, "", buf, len, 0);
}
