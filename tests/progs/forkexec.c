/* forkexec: fork; the child execs argv[1] with the arguments after it (default:
 * /bin/true); the parent waits for it and prints how the child ended.
 * Exit status 0 if the child exited with status 0, 1 otherwise.
 *
 * Copyright (C) 2026 the vg-pyref developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
    char *default_argv[] = {"/bin/true", NULL};
    char **child_argv = argc > 1 ? argv + 1 : default_argv;
    pid_t pid;
    int status;

    /* Nothing buffered may be duplicated into the child. */
    fflush(stdout);
    pid = fork();
    if (pid < 0) {
        fprintf(stderr, "forkexec: fork: %s\n", strerror(errno));
        return 1;
    }
    if (pid == 0) {
        execv(child_argv[0], child_argv);
        fprintf(stderr, "forkexec: exec %s: %s\n", child_argv[0], strerror(errno));
        _exit(127);
    }
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            fprintf(stderr, "forkexec: waitpid: %s\n", strerror(errno));
            return 1;
        }
    }
    if (WIFEXITED(status)) {
        printf("forkexec: child %s exited with status %d\n",
               child_argv[0], WEXITSTATUS(status));
        return WEXITSTATUS(status) == 0 ? 0 : 1;
    }
    if (WIFSIGNALED(status)) {
        printf("forkexec: child %s killed by signal %d\n",
               child_argv[0], WTERMSIG(status));
    }
    return 1;
}
