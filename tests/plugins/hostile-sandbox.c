/*
 * Tries what the workers' seccomp filter refuses unless the hook allows
 * it, and reports what happened in its message (always SUCCESS):
 *   "socket: ok|<error>; execve: <error>; fork: ok|<error>"
 * socket(AF_INET) needs "network"; execve of a missing file fails with
 * ENOENT when allowed and EPERM when not; fork (then running /bin/true)
 * needs "exec".
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test_plugin.h"

static const char *outcome(int rc, int e)
{
    return rc >= 0 ? "ok" : e == EPERM ? "EPERM" : e == ENOENT ? "ENOENT" : strerror(e);
}

static const char *try_socket(void)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int e = errno;

    if (fd >= 0)
        close(fd);
    return outcome(fd, e);
}

static const char *try_execve(void)
{
    char *const argv[] = { (char *)"missing", NULL };
    char *const envp[] = { NULL };
    int rc = execve("/nonexistent/hookhost-test-program", argv, envp);

    return outcome(rc, errno);
}

static const char *try_fork(void)
{
    pid_t pid = fork();
    int status = 0, e = errno;

    if (pid == 0) {
        char *const argv[] = { (char *)"true", NULL };

        execv("/bin/true", argv);
        _exit(127);
    }
    if (pid < 0)
        return outcome(-1, e);
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return "ran, but /bin/true failed";
    return "ok";
}

static void HH_CALL sandbox_invoke(void *instance, hh_context *ctx,
                                   const struct hh_request *req)
{
    char message[256];

    (void)req;
    snprintf(message, sizeof(message), "socket: %s; execve: %s; fork: %s", try_socket(),
             try_execve(), try_fork());
    tp_answer(instance, ctx, HH_STATUS_SUCCESS, HH_ERROR_NONE, message);
}

TP_SIMPLE_PLUGIN("Test::Hostile::Sandbox", sandbox_invoke)
