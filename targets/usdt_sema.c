/* usdt_sema.c: SDT markers guarded by semaphores (<sys/sdt.h> with
 * _SDT_HAS_SEMAPHORES, as dtrace -G builds them): a marker fires only while
 * its semaphore is raised, as NAME_ENABLED() says. At round 1 it dlopen()s
 * libusdtsema.so (next to it), which has a guarded marker of its own. Each
 * round prints whether the program and the library saw their marker enabled
 * and the markers' arguments. Arguments: ROUNDS (0: until killed), MS to
 * sleep each round. */
#define _SDT_HAS_SEMAPHORES 1
#include <dlfcn.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/sdt.h>
#include <unistd.h>

/* What dtrace -G and dtrace -h would generate for provider sema, marker tick. */
__extension__ unsigned short sema_tick_semaphore
    __attribute__((unused, section(".probes"), visibility("hidden")));
#define SEMA_TICK_ENABLED() __builtin_expect(sema_tick_semaphore, 0)

static int (*load_ping(void))(int)
{
	char exe[PATH_MAX], lib[PATH_MAX + 32];
	ssize_t len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	void *handle;

	if (len < 0)
		return NULL;
	exe[len] = '\0';
	snprintf(lib, sizeof(lib), "%s/libusdtsema.so", dirname(exe));
	handle = dlopen(lib, RTLD_NOW);
	if (!handle) {
		fprintf(stderr, "dlopen: %s\n", dlerror());
		exit(1);
	}
	return (int (*)(int))dlsym(handle, "sema_ping");
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 3, ms = argc > 2 ? atoi(argv[2]) : 0;
	int (*ping)(int) = NULL;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (int i = 0; rounds == 0 || i < rounds; i++) {
		long arg = 7L * i + 1;
		int on = SEMA_TICK_ENABLED() != 0, lib_on = -1;

		if (on) /* only then are the marker's arguments worth computing */
			STAP_PROBE2(sema, tick, i, arg);
		if (i == 1)
			ping = load_ping();
		if (ping)
			lib_on = ping(i);
		printf("tick i=%d arg=%ld main=%s lib=%s\n", i, arg, on ? "enabled" : "disabled",
		       lib_on < 0 ? "none" : lib_on ? "enabled" : "disabled");
		if (ms)
			usleep((useconds_t)ms * 1000);
	}
	return 0;
}
