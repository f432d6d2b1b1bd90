/* error.c: a script error, recorded at a place and printed with its source line and a caret. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "script/lexer.h"

int script_fail(struct script_error *err, struct script_pos pos, const char *hint, const char *fmt,
		...)
{
	va_list ap;

	if (!err)
		return -EINVAL;
	err->line = pos.line;
	err->col = pos.col;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	snprintf(err->hint, sizeof(err->hint), "%s", hint ? hint : "");
	return -EINVAL;
}

/* The start of line LINE (1-based) of SOURCE, or NULL. */
static const char *find_line(const char *source, int line)
{
	while (--line > 0) {
		source = strchr(source, '\n');
		if (!source)
			return NULL;
		source++;
	}
	return source;
}

void script_error_print(FILE *out, const struct script_error *err, const char *source)
{
	const char *file = err->file[0] ? err->file : "<script>";
	const char *text = source && err->line > 0 ? find_line(source, err->line) : NULL;

	if (err->line > 0)
		fprintf(out, "utap: %s:%d:%d: error: %s\n", file, err->line, err->col, err->msg);
	else
		fprintf(out, "utap: %s: error: %s\n", file, err->msg);
	if (text) {
		size_t len = strcspn(text, "\n"), i;
		int col;

		if (len && text[len - 1] == '\r')
			len--;
		fputs("      ", out);
		for (i = 0; i < len; i++) {
			unsigned char c = (unsigned char)text[i];

			fputc(c == '\t' || c >= ' ' ? c : '?', out);
		}
		/* The caret's padding copies the line's tabs so it lines up. */
		fputs("\n      ", out);
		for (col = 1; col < err->col; col++)
			fputc((size_t)col <= len && text[col - 1] == '\t' ? '\t' : ' ', out);
		fputs("^\n", out);
	}
	if (err->hint[0])
		fprintf(out, "      hint: %s\n", err->hint);
}
