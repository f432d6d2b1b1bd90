/* forkexec.c: stage() is called by the parent, a fork()ed child, the child's exec of this program, and a vfork()+exec child; every call prints who made it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "probed.h"

/*
 * WHO: 1 parent before fork, 2 fork child, 3 exec'd child, 4 vfork+exec'd
 * child, 5 parent at the end, 6 the vfork child before its exec (it shares
 * the parent's memory, int3s included; the parent prints for it).
 */
PROBED long stage(int who)
{
	return who * 11;
}

static void report(const char *role, int who)
{
	long ret = stage(who);

	printf("stage who=%d role=%s pid=%d ret=%ld\n", who, role, (int)getpid(), ret);
	fflush(stdout);
}

static int wait_child(pid_t pid, const char *what)
{
	int status;

	if (waitpid(pid, &status, 0) != pid) {
		perror("waitpid");
		return -1;
	}
	if (WIFEXITED(status))
		printf("%s exited=%d\n", what, WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		printf("%s killed=%d\n", what, WTERMSIG(status));
	fflush(stdout);
	return status;
}

static volatile long vfork_ret;

int main(int argc, char **argv)
{
	char *self = argv[0];
	pid_t pid;

	if (argc > 1) {
		/* Exec'd by a child: WHO is in argv[1]. */
		report(argv[1][0] == 'v' ? "vfork-exec" : "fork-exec",
		       argv[1][0] == 'v' ? 4 : 3);
		return 7;
	}
	report("parent", 1);

	pid = fork();
	if (pid < 0)
		return 1;
	if (pid == 0) {
		report("fork-child", 2);
		execl(self, self, "exec", (char *)NULL);
		_exit(127);
	}
	wait_child(pid, "fork-child");

	pid = vfork();
	if (pid < 0)
		return 1;
	if (pid == 0) {
		/* Only a call and a store: what a vfork child may do. */
		vfork_ret = stage(6);
		execl(self, self, "vexec", (char *)NULL);
		_exit(127);
	}
	/* After the wait, so the exec'd child's line always comes first. */
	wait_child(pid, "vfork-child");
	printf("stage who=6 role=vfork-child pid=%d ret=%ld\n", (int)pid, vfork_ret);

	report("parent", 5);
	return 0;
}
