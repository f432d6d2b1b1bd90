/* test_probe_fuzz.c: deterministic mutation fuzzing of probe_parse and cli_split. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli/split.h"
#include "probe/probe.h"
#include "tests/tap.h"

#define ITERATIONS 200000
#define MAX_LEN 400

/* clang-format off */
/* Valid and invalid probes, as in test_probe_parse.c's table. */
static const char *const probe_seeds[] = {
	"p prog:f v=%0 s=+0(%si):string f:v>3&&(s==\"a\"||comm!='x')&&!(pid<=-1)",
	"p prog:f v=%0 f:(((v==1)))||v>=0x10",
	"p /bin/ls:main",
	"r /bin/ls:main",
	"P ./a.out:work",
	"R libc.so.6:malloc",
	"p /opt/a:b/prog:main",
	"p prog:ns::klass::method",
	"p prog:work+0x1f",
	"p /usr/lib/libz.so.1:0x1139",
	"p prog:0x1139%return",
	"r:grp/ev prog:f",
	"p prog:f a=%0 b=%1 c=%2 d=%3 e=%4 f=%5 g=%6 h=%7",
	"p prog:f v=X%0:u32 w=S+4(%di):u16 u=U%1",
	"p prog:f v=%di w=%si x=%dx y=%cx z=%r8 q=%r9 a=%ax b=%bx c=%sp d=%bp e=%ip",
	"r prog:f ret=X$retval:s32 n=+8($retval):s32",
	"p prog:f v=+0x10(+8(+0(%0))):s8 w=-0x10(%bp):x8 u=+u8(%di):u32",
	"p prog:f s=%0:string t=+8(%si):string u=%1:ustring",
	"p prog:f s=$stack a=$stack0 b=$stack2 c=$arg1 d=$arg7",
	"",
	"x prog:f",
	"p",
	"p main",
	"p :main",
	"p prog:",
	"p prog:f+0xzz",
	"p prog:f v",
	"p prog:f 1v=%0",
	"p prog:f v=%0 w=%1 v=%2",
	"p prog:f v=%dq",
	"p prog:f v=$retval",
	"p prog:f v=%0:u7",
	"p prog:f v=+8(%di",
	"p prog:f v=+8(%di))",
	"p prog:f v=%0->next",
	"p prog:f v=X!(u64)%ax",
	"p prog:f f:comm==1",
	"p prog:f v=X%0:string",
	"p:1bad prog:f",
	"p prog:f a=$ud->a b=%1->arr[2].x c=%0->se.run_node.rb_left d=%1->name[3]",
	"p prog:f p=!(struct file *)%ax->f_pos q=!(u64)%ax r=X!(char *)+8(%di)",
	"r prog:f p=$retval->f_pos s=!(char *)$retval",
	"p prog:f c=@counter n=!(struct cfg *)@g_cfg->name a=@0x4010:s32",
	"p prog:f ip_src=+12(%di) B16_port=$v b64_n=$w->x f:port>3&&n!=0",
	"p prog:f v=!(( int ))$v[",
};

/* clang-format on */

/* clang-format off */
static const char *const split_seeds[] = {
	"./prog a b",  "echo 'a b' c", "echo \"a \\\"b\\\" \\$x\"",
	"a'b'c \"\"",  "a\\ b\\\n c",  "prog # comment",
	"echo 'oops",  "echo \"oops",  "a | b",
	"x '' \"\" y", "trailing\\",
};
/* clang-format on */

/* Bytes the grammar cares about, so mutations reach deep paths often. */
static const char syntax[] = "%$+-():=:xXSU0123456789 \t'\"\\/#|prdisax>;&!@[].*_";

#define FUZZ_SEED 0x9e3779b97f4a7c15ull
#define FUZZ_SYNTAX syntax
#include "tests/unit/fuzz_rng.h"

/* Apply one to four random edits to BUF (a C string of capacity MAX_LEN+1). */
static void mutate(char *buf, const char *const *seeds, size_t nseeds)
{
	int edits = 1 + below(4);
	size_t len = strlen(buf);

	while (edits--) {
		size_t pos = below(len + 1), n, from;
		const char *other;

		switch (below(5)) {
		case 0: /* insert */
			if (len >= MAX_LEN)
				break;
			memmove(buf + pos + 1, buf + pos, len - pos + 1);
			buf[pos] = random_byte();
			len++;
			break;
		case 1: /* delete */
			if (pos >= len)
				break;
			memmove(buf + pos, buf + pos + 1, len - pos);
			len--;
			break;
		case 2: /* flip */
			if (pos < len)
				buf[pos] = random_byte();
			break;
		case 3: /* duplicate a range */
			n = below(len - pos + 1);
			if (len + n > MAX_LEN)
				break;
			memmove(buf + pos + n, buf + pos, len - pos + 1);
			len += n;
			break;
		case 4: /* splice in part of another seed */
			other = seeds[below(nseeds)];
			from = below(strlen(other) + 1);
			n = below(strlen(other) - from + 1);
			if (len + n > MAX_LEN)
				break;
			memmove(buf + pos + n, buf + pos, len - pos + 1);
			memcpy(buf + pos, other + from, n);
			len += n;
			break;
		}
	}
}

static int fake_read(void *ctx, uint64_t addr, void *buf, size_t n)
{
	static const char bytes[64] = "fuzz string\0\x01\x02\x03\x04\x05";

	(void)ctx;
	if (addr < 0x1000 || addr - 0x1000 >= sizeof(bytes) || n > sizeof(bytes) - (addr - 0x1000))
		return -EFAULT;
	memcpy(buf, bytes + (addr - 0x1000), n);
	return 0;
}

static int fuzz_probes(FILE *sink)
{
	struct arch_mem mem = {.read = fake_read};
	struct arch_regs regs;
	struct probe_error err;
	struct probe probe;
	char buf[MAX_LEN + 1];
	int bad = 0, accepted = 0, i;

	memset(&regs, 0, sizeof(regs));
	regs.user.rdi = 0x1000;
	regs.user.rsi = 0x1004;
	regs.user.rsp = 0x1008;
	for (i = 0; i < ITERATIONS; i++) {
		const char *seed = probe_seeds[below(sizeof(probe_seeds) / sizeof(probe_seeds[0]))];
		size_t len;
		int ret;

		snprintf(buf, sizeof(buf), "%s", seed);
		mutate(buf, probe_seeds, sizeof(probe_seeds) / sizeof(probe_seeds[0]));
		len = strlen(buf);
		ret = probe_parse(buf, i, &probe, &err);
		if (ret == 0) {
			struct probe_hit hit = {
			    .probe = &probe,
			    .comm = buf,
			    .cpu = i % 3 - 1,
			    .sym = probe.sym,
			    .regs = &regs,
			    .mem = &mem,
			};

			accepted++;
			if (!probe.text || strcmp(probe.text, buf) != 0 || !probe.bin)
				bad++;
			/* Printing any accepted probe must be safe too. */
			if (i % 8 == 0)
				probe_print_hit(sink, &hit, i % 16 == 0);
		} else if (ret != -EINVAL || err.column < 1 || (size_t)err.column > len + 1 ||
			   !err.msg[0]) {
			if (bad++ < 5)
				printf("#   '%s': ret %d column %d msg '%s'\n", buf, ret,
				       err.column, err.msg);
		}
		probe_free(&probe);
	}
	printf("# %d of %d mutated probes accepted\n", accepted, ITERATIONS);
	return bad;
}

static int fuzz_split(void)
{
	char buf[MAX_LEN + 1], err[128];
	int bad = 0, i;
	size_t nseeds = sizeof(split_seeds) / sizeof(split_seeds[0]);

	for (i = 0; i < ITERATIONS; i++) {
		char **argv = NULL, *col;
		int argc = -1, ret;
		long column;

		snprintf(buf, sizeof(buf), "%s", split_seeds[below(nseeds)]);
		mutate(buf, split_seeds, nseeds);
		ret = cli_split(buf, &argv, &argc, err, sizeof(err));
		if (ret == 0) {
			if (!argv || argc < 0 || argv[argc] != NULL)
				bad++;
			cli_split_free(argv);
			continue;
		}
		col = strstr(err, "column ");
		column = col ? strtol(col + 7, NULL, 10) : 0;
		if (ret != -EINVAL || argv || column < 1 || (size_t)column > strlen(buf) + 1) {
			if (bad++ < 5)
				printf("#   '%s': ret %d err '%s'\n", buf, ret, err);
		}
	}
	return bad;
}

int main(void)
{
	FILE *sink = fopen("/dev/null", "w");

	ok(sink != NULL, "open /dev/null");
	if (!sink)
		return tap_done();
	is_int(fuzz_probes(sink), 0, "%d mutated probes: no crash, sane errors", ITERATIONS);
	is_int(fuzz_split(), 0, "%d mutated command lines: no crash, sane errors", ITERATIONS);
	fclose(sink);
	return tap_done();
}
