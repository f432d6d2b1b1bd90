/* status.c: read fields of /proc/PID/status (and the CPU in /proc/PID/stat). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proc/status.h"

int proc_status_field(pid_t pid, const char *field, char *out, size_t n)
{
	char path[64], line[256];
	size_t flen = strlen(field);
	int rc = -ENOENT;
	FILE *f;

	out[0] = '\0';
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return -ENOENT;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, field, flen) == 0 && line[flen] == ':') {
			char *v = line + flen + 1;

			v += strspn(v, " \t");
			v[strcspn(v, "\n")] = '\0';
			snprintf(out, n, "%s", v);
			rc = 0;
			break;
		}
	}
	fclose(f);
	return rc;
}

int proc_status_sigmask(pid_t pid, const char *field, uint64_t *mask)
{
	char text[32];
	int rc = proc_status_field(pid, field, text, sizeof(text));

	if (rc == 0)
		*mask = strtoull(text, NULL, 16);
	return rc;
}

int proc_thread_cpu(pid_t tid)
{
	char path[64], buf[1024], *p;
	FILE *f;
	int cpu = -1, field = 0;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)tid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')'); /* comm may hold spaces */
	if (!p)
		return -1;
	/* field 39 is "processor"; after ')' comes field 3 */
	for (field = 2; p && field < 39; field++)
		p = strchr(p + 1, ' ');
	if (p)
		cpu = atoi(p + 1);
	return cpu;
}
