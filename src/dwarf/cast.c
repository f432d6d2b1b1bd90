/* cast.c: the type a cast names ("struct file *", "u32"), from DWARF or built in. */
#include <dwarf.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dwarf/internal.h"

#define CAST_WORDS 8 /* "const volatile unsigned long long int" fits */

/* The uprobe names and C's base types, canonically spelled; plain char has
 * the signedness of the machine utap runs on (the target's: same CPU). */
static const struct dwarf_builtin builtins[] = {
    {"u8", BUILTIN_UNSIGNED, 1},
    {"u16", BUILTIN_UNSIGNED, 2},
    {"u32", BUILTIN_UNSIGNED, 4},
    {"u64", BUILTIN_UNSIGNED, 8},
    {"s8", BUILTIN_SIGNED, 1},
    {"s16", BUILTIN_SIGNED, 2},
    {"s32", BUILTIN_SIGNED, 4},
    {"s64", BUILTIN_SIGNED, 8},
    {"char", BUILTIN_CHAR, 1},
    {"signed char", BUILTIN_SCHAR, 1},
    {"unsigned char", BUILTIN_UCHAR, 1},
    {"short", BUILTIN_SIGNED, sizeof(short)},
    {"unsigned short", BUILTIN_UNSIGNED, sizeof(short)},
    {"int", BUILTIN_SIGNED, sizeof(int)},
    {"unsigned int", BUILTIN_UNSIGNED, sizeof(int)},
    {"long", BUILTIN_SIGNED, sizeof(long)},
    {"unsigned long", BUILTIN_UNSIGNED, sizeof(long)},
    {"long long", BUILTIN_SIGNED, sizeof(long long)},
    {"unsigned long long", BUILTIN_UNSIGNED, sizeof(long long)},
    {"_Bool", BUILTIN_BOOL, 1},
    {"float", BUILTIN_FLOAT, 4},
    {"double", BUILTIN_FLOAT, 8},
};

/* Typedefs every program has, for when its DWARF does not. */
static const struct dwarf_builtin common_typedefs[] = {
    {"int8_t", BUILTIN_SIGNED, 1},
    {"int16_t", BUILTIN_SIGNED, 2},
    {"int32_t", BUILTIN_SIGNED, 4},
    {"int64_t", BUILTIN_SIGNED, 8},
    {"uint8_t", BUILTIN_UNSIGNED, 1},
    {"uint16_t", BUILTIN_UNSIGNED, 2},
    {"uint32_t", BUILTIN_UNSIGNED, 4},
    {"uint64_t", BUILTIN_UNSIGNED, 8},
    {"size_t", BUILTIN_UNSIGNED, sizeof(size_t)},
    {"ssize_t", BUILTIN_SIGNED, sizeof(size_t)},
    {"uintptr_t", BUILTIN_UNSIGNED, sizeof(void *)},
    {"intptr_t", BUILTIN_SIGNED, sizeof(void *)},
};

#define NBUILTINS (sizeof(builtins) / sizeof(builtins[0]))
#define NTYPEDEFS (sizeof(common_typedefs) / sizeof(common_typedefs[0]))

static const struct dwarf_builtin *builtin_in(const struct dwarf_builtin *table, size_t n,
					      const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(table[i].name, name) == 0)
			return &table[i];
	return NULL;
}

static const struct dwarf_builtin *builtin(const char *name)
{
	return builtin_in(builtins, NBUILTINS, name);
}

/* u8, s16, ...: the names uprobe_events gives its types. */
static bool is_uprobe_name(const char *name)
{
	return (name[0] == 'u' || name[0] == 's') &&
	       (!strcmp(name + 1, "8") || !strcmp(name + 1, "16") || !strcmp(name + 1, "32") ||
		!strcmp(name + 1, "64"));
}

/* ---- the words of a cast --------------------------------------------------- */

/* A named type (TAG, NAME) among the top-level DIEs of unit CU: a complete
 * definition into *OUT (1), or only a declaration (2), or none (0). */
static int find_in_cu(Dwarf_Die *cu, int tag, const char *name, Dwarf_Die *out)
{
	Dwarf_Die child;
	int found = 0;

	if (dwarf_child(cu, &child) != 0)
		return 0;
	do {
		const char *n;

		if (dwarf_tag(&child) != tag || !(n = dwarf_diename(&child)) || strcmp(n, name))
			continue;
		if (!dwarf_hasattr(&child, DW_AT_declaration)) {
			*out = child;
			return 1;
		}
		if (!found)
			*out = child;
		found = 2;
	} while (dwarf_siblingof(&child, &child) == 0);
	return found;
}

/* The CU of the site first: its definition is the one the code was built
 * with; then every unit, a declaration only if nothing defines it. */
static bool find_type(struct dwarf_module *dm, Dwarf_Die *cu, int tag, const char *name,
		      Dwarf_Die *out)
{
	Dwarf_Off off = 0;
	Dwarf_Die unit, decl;
	bool have_decl = false;
	int r;

	if (!dm)
		return false;
	if (cu && (r = find_in_cu(cu, tag, name, out)) != 0) {
		if (r == 1)
			return true;
		decl = *out;
		have_decl = true;
	}
	while (dwarf_units_next(dm, &off, &unit) > 0) {
		r = find_in_cu(&unit, tag, name, out);
		if (r == 1)
			return true;
		if (r == 2 && !have_decl) {
			decl = *out;
			have_decl = true;
		}
	}
	if (have_decl)
		*out = decl;
	return have_decl;
}

struct cast_words {
	const char *w[CAST_WORDS];
	char store[CAST_WORDS][64];
	int n;
	unsigned ptrs;
};

static bool is_qualifier(const char *w)
{
	return !strcmp(w, "const") || !strcmp(w, "volatile") || !strcmp(w, "restrict") ||
	       !strcmp(w, "__restrict") || !strcmp(w, "_Atomic");
}

/* Split TEXT into words and stars; qualifiers dropped (they do not change
 * how a value reads). Returns NULL, or what is wrong. */
static const char *split_cast(const char *text, struct cast_words *cw)
{
	const char *p = text;

	memset(cw, 0, sizeof(*cw));
	while (*p) {
		size_t n = 0;

		if (*p == ' ') {
			p++;
			continue;
		}
		if (*p == '*') {
			cw->ptrs++;
			p++;
			continue;
		}
		while (p[n] == '_' || (p[n] >= 'a' && p[n] <= 'z') ||
		       (p[n] >= 'A' && p[n] <= 'Z') || (n && p[n] >= '0' && p[n] <= '9'))
			n++;
		if (!n)
			return *p == '[' ? "arrays in casts are not supported yet"
					 : "unexpected character";
		if (n >= sizeof(cw->store[0]) || cw->n == CAST_WORDS)
			return "too long";
		memcpy(cw->store[cw->n], p, n);
		cw->store[cw->n][n] = '\0';
		p += n;
		if (is_qualifier(cw->store[cw->n]))
			continue;
		if (cw->ptrs)
			return "a name after '*'";
		cw->w[cw->n] = cw->store[cw->n];
		cw->n++;
	}
	return cw->n ? NULL : "no type name";
}

/* C's base type words in any order ("long unsigned int") to one builtin. */
static const struct dwarf_builtin *base_words(const struct cast_words *cw)
{
	int sign = 0, longs = 0, shorts = 0, ints = 0, chars = 0, other = 0;
	const char *single = NULL;
	char name[32];

	for (int i = 0; i < cw->n; i++) {
		const char *w = cw->w[i];

		if (!strcmp(w, "signed"))
			sign = sign ? 3 : 1;
		else if (!strcmp(w, "unsigned"))
			sign = sign ? 3 : 2;
		else if (!strcmp(w, "long"))
			longs++;
		else if (!strcmp(w, "short"))
			shorts++;
		else if (!strcmp(w, "int"))
			ints++;
		else if (!strcmp(w, "char"))
			chars++;
		else if (!strcmp(w, "void") || !strcmp(w, "_Bool") || !strcmp(w, "bool") ||
			 !strcmp(w, "float") || !strcmp(w, "double")) {
			single = !strcmp(w, "bool") ? "_Bool" : w;
			other++;
		} else {
			return NULL;
		}
	}
	if (other) {
		if (other != 1 || cw->n != 1)
			return NULL; /* "long double", "unsigned float" */
		return !strcmp(single, "void") ? &dwarf_builtin_void : builtin(single);
	}
	if (sign == 3 || ints > 1 || chars > 1 || longs > 2 || (shorts && (longs || shorts > 1)) ||
	    (chars && (ints || longs || shorts)))
		return NULL;
	if (chars)
		snprintf(name, sizeof(name), "%s",
			 sign == 1   ? "signed char"
			 : sign == 2 ? "unsigned char"
				     : "char");
	else
		snprintf(name, sizeof(name), "%s%s", sign == 2 ? "unsigned " : "",
			 shorts	      ? "short"
			 : longs == 2 ? "long long"
			 : longs      ? "long"
				      : "int");
	return builtin(name);
}

static bool is_base_word(const char *w)
{
	static const char *const words[] = {"signed", "unsigned", "long", "short", "int",   "char",
					    "void",   "_Bool",	  "bool", "float", "double"};

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (!strcmp(w, words[i]))
			return true;
	return false;
}

/* "struct X", "union X", "enum X": in DWARF only. */
static int tagged(struct dwarf_module *dm, Dwarf_Die *cu, const struct cast_words *cw,
		  struct dwarf_ctype *out, const char *text, char *err, size_t errlen)
{
	const char *kw = cw->w[0];
	int tag = !strcmp(kw, "struct")	 ? DW_TAG_structure_type
		  : !strcmp(kw, "union") ? DW_TAG_union_type
					 : DW_TAG_enumeration_type;

	if (cw->n != 2)
		return dwarf_fail(err, errlen, -EINVAL, "e.g. !(struct file *)%%di",
				  "'%s' in a cast: expected %s NAME", text, kw);
	if (!dm)
		return dwarf_fail(err, errlen, -ENOENT,
				  "without DWARF only C's base types and u8..s64 are known",
				  "no DWARF debug info: %s %s cannot be found", kw, cw->w[1]);
	if (!find_type(dm, cu, tag, cw->w[1], &out->die))
		return dwarf_fail(err, errlen, -ENOENT,
				  "no unit of the program's DWARF defines it: check the spelling",
				  "unknown type '%s %s'", kw, cw->w[1]);
	out->has_die = true;
	return 0;
}

/* One name: a uprobe type name, a typedef of the program, or a common
 * typedef built in. */
static int named(struct dwarf_module *dm, Dwarf_Die *cu, const struct cast_words *cw,
		 struct dwarf_ctype *out, const char *text, char *err, size_t errlen)
{
	const char *name = cw->w[0];

	if (cw->n != 1)
		return dwarf_fail(
		    err, errlen, -ENOENT,
		    "a cast names one type: !(struct foo *), !(u32), !(my_typedef_t *)",
		    "unknown type '%s'", text);
	if (is_uprobe_name(name)) {
		out->builtin = builtin(name);
		return 0;
	}
	if (find_type(dm, cu, DW_TAG_typedef, name, &out->die)) {
		out->has_die = true;
		return 0;
	}
	out->builtin = builtin_in(common_typedefs, NTYPEDEFS, name);
	if (out->builtin)
		return 0;
	return dwarf_fail(
	    err, errlen, -ENOENT,
	    dm ? "not a typedef of the program; write struct/union/enum for tagged types"
	       : "without DWARF only C's base types and u8..s64 are known",
	    "unknown type '%s'", name);
}

int dwarf_ctype_parse(struct dwarf_module *dm, Dwarf_Die *cu, const char *text,
		      struct dwarf_ctype *out, char *err, size_t errlen)
{
	struct cast_words cw;
	const char *bad = split_cast(text, &cw);
	int ret;

	dwarf_ctype_void(out);
	if (bad)
		return dwarf_fail(err, errlen, -EINVAL, "e.g. !(struct file *)%%di, !(u32)%%ax",
				  "cannot read the type '%s': %s", text, bad);
	if (!strcmp(cw.w[0], "struct") || !strcmp(cw.w[0], "union") || !strcmp(cw.w[0], "enum"))
		ret = tagged(dm, cu, &cw, out, text, err, errlen);
	else if (is_base_word(cw.w[0])) {
		out->builtin = base_words(&cw);
		if (out->builtin)
			ret = 0;
		else if (strstr(text, "long") && strstr(text, "double"))
			ret = dwarf_fail(err, errlen, -EINVAL, "",
					 "long double is not supported yet");
		else
			ret = dwarf_fail(err, errlen, -EINVAL, "e.g. unsigned long, char *",
					 "'%s' is not a C type", text);
	} else {
		ret = named(dm, cu, &cw, out, text, err, errlen);
	}
	if (ret)
		return ret;
	out->ptrs = cw.ptrs;
	return 0;
}
