/* test_stack_format.c: the stack under a hit (text and JSON) and --folded's counting. */
#include <stdlib.h>
#include <string.h>

#include "probe/probe.h"
#include "tests/tap.h"

/* A three-frame stack: a frame with a line, one without DWARF, one unknown. */
static const struct probe_frame frames[] = {
	{.addr = 0x55d0c1a0, .sym = "leaf", .off = 0, .module = "/t/prog", .file = "t/a.c", .line = 12},
	{.addr = 0x7f0000104a, .sym = "ns::Walker::step(int)", .off = 0x4a, .module = "/lib/libw.so"},
	{.addr = 0x7f00002000, .module = "/lib/libz.so.1", .module_off = 0x1234},
	{.addr = 0x1000},
};

static char *print(const struct probe_hit *hit, bool json)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	probe_print_hit(out, hit, json);
	fclose(out);
	return buf;
}

static void test_text_and_json(void)
{
	struct probe probe = {.name = "p0", .kind = PROBE_ENTRY};
	struct probe_hit hit = {.probe = &probe, .pid = 7, .tid = 7, .comm = "prog", .time_ns = 1,
				.cpu = -1, .sym = "leaf", .sym_size = 0x10};
	struct probe_frame cached = frames[0];
	char *s;

	hit.stack = frames;
	hit.nstack = 4;
	s = print(&hit, false);
	is_str(s,
	       "prog-7 0.000000: p0: (leaf+0x0/0x10)\n"
	       "    #0 0x55d0c1a0 leaf+0x0 (t/a.c:12)\n"
	       "    #1 0x7f0000104a ns::Walker::step(int)+0x4a (libw.so)\n"
	       "    #2 0x7f00002000 ?? (libz.so.1+0x1234)\n"
	       "    #3 0x1000 ??\n",
	       "one line per frame: line info, module, unknown symbol, nothing");
	free(s);

	/* A cached text is printed as is, after the frame's number. */
	cached.text = "0x1 cached";
	hit.stack = &cached;
	hit.nstack = 1;
	s = print(&hit, false);
	ok(s && strstr(s, "\n    #0 0x1 cached\n"), "a frame's cached text is used");
	free(s);

	hit.stack = frames;
	hit.nstack = 4;
	s = print(&hit, true);
	ok(s && strstr(s, ",\"stack\":[{\"addr\":\"0x55d0c1a0\",\"sym\":\"leaf\",\"off\":0,"
			  "\"module\":\"/t/prog\",\"file\":\"t/a.c\",\"line\":12},"),
	   "JSON: a frame with its line");
	ok(s && strstr(s, "{\"addr\":\"0x7f00002000\",\"sym\":null,\"off\":0,"
			  "\"module\":\"/lib/libz.so.1\",\"file\":null,\"line\":null}"),
	   "JSON: unknown parts are null");
	ok(s && strstr(s, "\"args\":{},\"stack\":[") && strstr(s, "]}\n"),
	   "JSON: the stack closes the object");
	free(s);

	/* Without a stack, no stack lines and no "stack" key. */
	hit.stack = NULL;
	hit.nstack = 0;
	s = print(&hit, true);
	ok(s && !strstr(s, "stack"), "no stack asked, none printed");
	free(s);
}

static char *folded_text(const struct probe_folded *f, size_t nprobes)
{
	static const struct probe probes[] = {{.name = "p0"}, {.name = "r1"}};
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	probe_folded_print(f, out, probes, nprobes);
	fclose(out);
	return buf;
}

static void test_folded(void)
{
	struct probe_frame other[] = {frames[0], frames[2]};
	struct probe_folded *f;
	char *s;

	ok(probe_folded_new(&f) == 0, "a folded set");
	for (int i = 0; i < 3; i++)
		probe_folded_add(f, 0, frames, 4);
	probe_folded_add(f, 0, other, 2);
	s = folded_text(f, 1);
	is_str(s,
	       "[unknown];[libz.so.1];ns::Walker::step(int);leaf 3\n"
	       "[libz.so.1];leaf 1\n",
	       "outermost first, most hits first, modules for unknown functions");
	free(s);

	probe_folded_add(f, 1, other, 1);
	s = folded_text(f, 2);
	is_str(s,
	       "p0;[unknown];[libz.so.1];ns::Walker::step(int);leaf 3\n"
	       "p0;[libz.so.1];leaf 1\n"
	       "r1;leaf 1\n",
	       "with several probes, each probe is the root of its stacks");
	free(s);
	probe_folded_free(f);

	ok(probe_folded_new(&f) == 0, "an empty set");
	s = folded_text(f, 1);
	ok(!s || !*s, "prints nothing");
	free(s);
	probe_folded_free(f);
}

int main(void)
{
	test_text_and_json();
	test_folded();
	return tap_done();
}
