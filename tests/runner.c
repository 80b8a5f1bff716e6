#include "config.h"

#include "runner.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

const char *hh_test_env(const char *name)
{
    const char *v = getenv(name);

    if (v == NULL || *v == '\0') {
        fprintf(stderr, "test environment: %s is not set (run through make check)\n", name);
        abort();
    }
    return v;
}

const char *hh_test_path(const char *env_dir, const char *relative)
{
    static char slots[8][4096];
    static unsigned next;
    char *slot = slots[next++ % 8];

    snprintf(slot, sizeof(slots[0]), "%s/%s", hh_test_env(env_dir), relative);
    return slot;
}

static int append(char **buf, size_t *len, size_t *cap, const char *data, size_t n)
{
    if (*len + n + 1 > *cap) {
        size_t ncap = (*cap == 0) ? 4096 : *cap;
        char *nb;

        while (*len + n + 1 > ncap)
            ncap *= 2;
        nb = realloc(*buf, ncap);
        if (nb == NULL)
            return -1;
        *buf = nb;
        *cap = ncap;
    }
    memcpy(*buf + *len, data, n);
    *len += n;
    (*buf)[*len] = '\0';
    return 0;
}

static void child(const char *const args[], const char *stdin_path, int out_fd, int err_fd)
{
    const char *bin = hh_test_env("HOOKHOST_BIN");
    const char *argv[128];
    size_t i;
    int in;

    argv[0] = bin;
    for (i = 0; args[i] != NULL && i < 126; i++)
        argv[i + 1] = args[i];
    argv[i + 1] = NULL;
    in = open(stdin_path != NULL ? stdin_path : "/dev/null", O_RDONLY);
    if (in < 0 || dup2(in, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(err_fd, 2) < 0)
        _exit(127);
    execv(bin, (char *const *)argv);
    _exit(127);
}

int hh_run_hookhost(struct hh_run *run, const char *const args[], const char *stdin_path)
{
    int out_pipe[2], err_pipe[2], status;
    size_t out_cap = 0, err_cap = 0;
    struct pollfd fds[2];
    pid_t pid;

    memset(run, 0, sizeof(*run));
    if (pipe(out_pipe) != 0)
        return -1;
    if (pipe(err_pipe) != 0) {
        close(out_pipe[0]);
        close(out_pipe[1]);
        return -1;
    }
    pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        close(out_pipe[0]);
        close(err_pipe[0]);
        child(args, stdin_path, out_pipe[1], err_pipe[1]);
    }
    close(out_pipe[1]);
    close(err_pipe[1]);
    fds[0].fd = out_pipe[0];
    fds[1].fd = err_pipe[0];
    fds[0].events = fds[1].events = POLLIN;
    while (fds[0].fd >= 0 || fds[1].fd >= 0) {
        char buf[65536];
        int i;

        if (poll(fds, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        for (i = 0; i < 2; i++) {
            ssize_t n;

            if (fds[i].fd < 0 || fds[i].revents == 0)
                continue;
            n = read(fds[i].fd, buf, sizeof(buf));
            if (n <= 0) {
                close(fds[i].fd);
                fds[i].fd = -1;
            } else if (i == 0) {
                append(&run->out, &run->out_len, &out_cap, buf, (size_t)n);
            } else {
                append(&run->err, &run->err_len, &err_cap, buf, (size_t)n);
            }
        }
    }
    if (run->out == NULL)
        append(&run->out, &run->out_len, &out_cap, "", 0);
    if (run->err == NULL)
        append(&run->err, &run->err_len, &err_cap, "", 0);
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR)
            return -1;
    }
    run->exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return 0;
}

void hh_run_free(struct hh_run *run)
{
    free(run->out);
    free(run->err);
    memset(run, 0, sizeof(*run));
}
