/* dlopen.c: dlopen()s libplug.so (next to this program) after start, calls plug_add() N times, prints each result. */
#include <dlfcn.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 5;
	char exe[PATH_MAX], lib[PATH_MAX + 16];
	int (*plug_add)(int, int);
	ssize_t len;
	void *handle;
	int i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (len < 0) {
		perror("readlink");
		return 1;
	}
	exe[len] = '\0';
	snprintf(lib, sizeof(lib), "%s/libplug.so", dirname(exe));
	printf("dlopen libplug.so\n");
	handle = dlopen(lib, RTLD_NOW);
	if (!handle) {
		fprintf(stderr, "dlopen: %s\n", dlerror());
		return 1;
	}
	plug_add = (int (*)(int, int))dlsym(handle, "plug_add");
	if (!plug_add) {
		fprintf(stderr, "dlsym: %s\n", dlerror());
		return 1;
	}
	for (i = 0; i < n; i++) {
		int a = 200 + i, b = 5 * i;

		printf("plug_add a=%d b=%d ret=%d\n", a, b, plug_add(a, b));
	}
	dlclose(handle);
	return 0;
}
