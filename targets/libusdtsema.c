/* libusdtsema.c: a library with an SDT marker guarded by its own semaphore, dlopen()ed
 * by targets/usdt_sema.c; sema_ping() fires it when enabled and says whether it was. */
#define _SDT_HAS_SEMAPHORES 1
#include <sys/sdt.h>

__extension__ unsigned short semalib_ping_semaphore
    __attribute__((unused, section(".probes"), visibility("hidden")));

__attribute__((visibility("default"))) int sema_ping(int i)
{
	int on = __builtin_expect(semalib_ping_semaphore, 0) != 0;

	if (on)
		STAP_PROBE1(semalib, ping, i);
	return on;
}
