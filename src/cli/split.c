/* split.c: split -c 'CMD ARGS' into words as a POSIX shell would, running none. */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/split.h"

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

static int __attribute__((format(printf, 3, 4)))
split_fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

static int push_word(char ***argv, size_t *argc, size_t *cap, const char *word, size_t n)
{
	char **v = *argv;

	/* Keep room for the NULL that ends the vector. */
	if (*argc + 2 > *cap) {
		size_t new_cap = *cap ? *cap * 2 : 8;

		v = realloc(*argv, new_cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		*argv = v;
		*cap = new_cap;
	}
	v[*argc] = strndup(word, n);
	if (!v[*argc])
		return -ENOMEM;
	v[++*argc] = NULL;
	return 0;
}

/* Unquoted shell operators: a shell would redirect or pipe, and we run no
 * shell, so passing them on as words would silently do something else. */
static bool is_operator(char c)
{
	return c && strchr("|&;<>()", c);
}

int cli_split(const char *line, char ***argv_out, int *argc_out, char *err, size_t errlen)
{
	size_t len = line ? strlen(line) : 0, argc = 0, cap = 0, n = 0;
	char **argv = NULL, *word;
	const char *p = line, *quote;
	bool in_word = false;
	int ret = 0;

	if (err && errlen)
		err[0] = '\0';
	*argv_out = NULL;
	if (argc_out)
		*argc_out = 0;
	/* A word is never longer than the line it came from. */
	word = malloc(len + 1);
	if (!word)
		return -ENOMEM;
	cap = 8;
	argv = calloc(cap, sizeof(*argv));
	if (!argv) {
		ret = -ENOMEM;
		goto out;
	}
	for (; p && *p; p++) {
		if (is_blank(*p)) {
			if (in_word) {
				ret = push_word(&argv, &argc, &cap, word, n);
				if (ret)
					goto out;
				in_word = false;
				n = 0;
			}
			continue;
		}
		if (*p == '#' && !in_word)
			break; /* a comment, as in the shell */
		if (is_operator(*p)) {
			ret = split_fail(err, errlen,
					 "unquoted '%c' at column %zu: no shell runs the command; "
					 "quote it, or use sh -c",
					 *p, (size_t)(p - line + 1));
			goto out;
		}
		in_word = true;
		if (*p == '\\') {
			if (p[1] == '\n') /* line continuation */
				p++;
			else if (p[1])
				word[n++] = *++p;
			else
				word[n++] = '\\'; /* a trailing backslash stays */
		} else if (*p == '\'') {
			quote = p;
			while (*++p && *p != '\'')
				word[n++] = *p;
			if (!*p)
				goto unterminated;
		} else if (*p == '"') {
			quote = p;
			while (*++p && *p != '"') {
				/* Inside "", a backslash escapes only these. */
				if (*p == '\\' && p[1] && strchr("\"\\$`\n", p[1])) {
					if (*++p == '\n')
						continue;
				}
				word[n++] = *p;
			}
			if (!*p)
				goto unterminated;
		} else {
			word[n++] = *p;
		}
	}
	if (in_word)
		ret = push_word(&argv, &argc, &cap, word, n);
	goto out;
unterminated:
	ret =
	    split_fail(err, errlen, "unterminated quote at column %zu", (size_t)(quote - line + 1));
out:
	free(word);
	if (ret) {
		if (ret == -ENOMEM && err && errlen)
			snprintf(err, errlen, "out of memory");
		cli_split_free(argv);
		return ret;
	}
	*argv_out = argv;
	if (argc_out)
		*argc_out = (int)argc;
	return 0;
}

void cli_split_free(char **argv)
{
	char **v;

	if (!argv)
		return;
	for (v = argv; *v; v++)
		free(*v);
	free(argv);
}
