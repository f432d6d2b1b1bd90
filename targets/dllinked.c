/* dllinked.c: linked against libplug.so; calls plug_add() N times and prints each result. */
#include <stdio.h>
#include <stdlib.h>

int plug_add(int a, int b);

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 5;
	int i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 0; i < n; i++) {
		int a = 100 + i, b = 3 * i;

		printf("plug_add a=%d b=%d ret=%d\n", a, b, plug_add(a, b));
	}
	return 0;
}
