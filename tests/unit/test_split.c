/* test_split.c: -c 'CMD ARGS' split into words like a POSIX shell, as a table. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli/split.h"
#include "tests/tap.h"

struct split_case {
	const char *line;
	/* words joined with '|' ("" for none), or NULL when rejected */
	const char *words;
	const char *error; /* a piece of the error message */
};

/* clang-format off */
static const struct split_case cases[] = {
	{ "", "", NULL },
	{ "   \t ", "", NULL },
	{ "ls", "ls", NULL },
	{ "  ./prog  a   b\tc\n", "./prog|a|b|c", NULL },
	{ "echo 'a b'  c", "echo|a b|c", NULL },
	{ "echo 'it''s'", "echo|its", NULL },
	{ "echo '\\n \" $x'", "echo|\\n \" $x", NULL },
	{ "echo \"a b\" \"c\\\"d\"", "echo|a b|c\"d", NULL },
	{ "echo \"\\\\ \\$HOME \\` \\n\"", "echo|\\ $HOME ` \\n", NULL },
	{ "echo \"$HOME\" $PATH *.c ~", "echo|$HOME|$PATH|*.c|~", NULL },
	{ "a\"b'c'\"d", "ab'c'd", NULL },
	{ "a'b'c", "abc", NULL },
	{ "\"a\"'b'c", "abc", NULL },
	{ "x '' \"\" y", "x|||y", NULL },
	{ "''", "", NULL },
	{ "a\\ b c\\'d \\\"e\\\\", "a b|c'd|\"e\\", NULL },
	{ "a\\\nb", "ab", NULL },
	{ "\"a\\\nb\"", "ab", NULL },
	{ "trailing\\", "trailing\\", NULL },
	{ "prog # a comment", "prog", NULL },
	{ "prog a#b", "prog|a#b", NULL },
	{ "prog '#x'", "prog|#x", NULL },
	{ "prog 'a|b' \"c;d\" e\\>f", "prog|a|b|c;d|e>f", NULL },
	{ "echo 'oops", NULL, "unterminated quote at column 6" },
	{ "echo \"oops", NULL, "unterminated quote at column 6" },
	{ "a 'b' \"c", NULL, "unterminated quote at column 7" },
	{ "\"a\\\"", NULL, "unterminated quote at column 1" },
	{ "prog > out", NULL, "unquoted '>' at column 6" },
	{ "a | b", NULL, "unquoted '|' at column 3" },
	{ "a;b", NULL, "unquoted ';' at column 2" },
	{ "sleep 1 &", NULL, "unquoted '&' at column 9" },
};
/* clang-format on */

static void check(const struct split_case *c)
{
	char err[256] = "untouched", joined[1024];
	char **argv = NULL;
	int argc = -1, ret, i;
	size_t n = 0;

	ret = cli_split(c->line, &argv, &argc, err, sizeof(err));
	if (!c->words) {
		is_int(ret, -EINVAL, "'%s' is rejected", c->line);
		ok(strstr(err, c->error) != NULL, "'%s': '%s'", c->line, err);
		ok(argv == NULL, "'%s': no vector", c->line);
		return;
	}
	is_int(ret, 0, "'%s' splits", c->line);
	if (ret) {
		printf("#   %s\n", err);
		return;
	}
	joined[0] = '\0';
	for (i = 0; i < argc; i++)
		n += snprintf(joined + n, sizeof(joined) - n, "%s%s", i ? "|" : "", argv[i]);
	is_str(joined, c->words, "'%s': words", c->line);
	ok(argv[argc] == NULL, "'%s': NULL-terminated", c->line);
	cli_split_free(argv);
}

int main(void)
{
	char **argv;
	size_t i;
	int argc;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check(&cases[i]);
	/* Many words grow the vector; argc and err may be omitted. */
	is_int(cli_split("a b c d e f g h i j k l m n o p q r s t", &argv, NULL, NULL, 0), 0,
	       "20 words");
	for (argc = 0; argv[argc]; argc++)
		;
	is_int(argc, 20, "all 20 there");
	is_str(argv[19], "t", "last word");
	cli_split_free(argv);
	is_int(cli_split("'x", &argv, NULL, NULL, 0), -EINVAL, "error without buffer");
	cli_split_free(NULL);
	return tap_done();
}
