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
#include <time.h>
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

int hh_test_valgrind(void)
{
    const char *v = getenv("HOOKHOST_TEST_VALGRIND");

    return v != NULL && v[0] != '\0' && strcmp(v, "0") != 0 && strcmp(v, "no") != 0;
}

/* Where valgrind writes about the child pid (the child knows its pid too). */
static void valgrind_log(char *out, size_t cap, pid_t pid)
{
    const char *dir = getenv("HOOKHOST_TEST_BUILDDIR");

    snprintf(out, cap, "%s/valgrind-%ld.log", dir != NULL ? dir : ".", (long)pid);
}

/* valgrind and its options before the program, under HOOKHOST_TEST_VALGRIND. */
static size_t valgrind_prefix(const char **argv, size_t cap, char *log_opt, size_t log_cap,
                              char *supp_opt, size_t supp_cap)
{
    const char *vg = getenv("HOOKHOST_VALGRIND");
    const char *src = getenv("HOOKHOST_TEST_SRCDIR");
    char log[4096];
    size_t n = 0;

    if (!hh_test_valgrind() || cap < 12)
        return 0;
    valgrind_log(log, sizeof(log), getpid());
    snprintf(log_opt, log_cap, "--log-file=%s", log);
    snprintf(supp_opt, supp_cap, "--suppressions=%s/valgrind.supp", src != NULL ? src : ".");
    argv[n++] = vg != NULL && vg[0] != '\0' ? vg : "valgrind";
    argv[n++] = "-q";
    argv[n++] = "--leak-check=full";
    argv[n++] = "--show-leak-kinds=definite,indirect,possible";
    argv[n++] = "--errors-for-leak-kinds=definite,indirect,possible";
    argv[n++] = "--error-exitcode=99";
    argv[n++] = "--num-callers=30";
    argv[n++] = supp_opt;
    argv[n++] = log_opt;
    return n;
}

static void child(const char *const args[], const char *stdin_path, int out_fd, int err_fd)
{
    const char *bin = hh_test_env("HOOKHOST_BIN");
    const char *argv[256];
    char log_opt[4200], supp_opt[4200];
    size_t i, n;
    int in;

    /* Its own process group, so that a timeout kills whatever it started. */
    (void)setpgid(0, 0);
    n = valgrind_prefix(argv, sizeof(argv) / sizeof(argv[0]), log_opt, sizeof(log_opt),
                        supp_opt, sizeof(supp_opt));
    argv[n++] = bin;
    for (i = 0; args[i] != NULL && n < sizeof(argv) / sizeof(argv[0]) - 1; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    in = open(stdin_path != NULL ? stdin_path : "/dev/null", O_RDONLY);
    if (in < 0 || dup2(in, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(err_fd, 2) < 0)
        _exit(127);
    execvp(argv[0], (char *const *)argv);
    _exit(127);
}

static long long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static unsigned effective_timeout(unsigned timeout_s)
{
    const char *env = getenv("HOOKHOST_TEST_TIMEOUT");

    if (timeout_s == 0)
        timeout_s = env != NULL && atoi(env) > 0 ? (unsigned)atoi(env) : 300;
    return hh_test_valgrind() ? timeout_s * 10 : timeout_s;
}

static void describe_args(FILE *to, const char *const args[])
{
    size_t i;

    for (i = 0; args[i] != NULL && i < 8; i++)
        fprintf(to, " %.80s", args[i]);
    if (args[i] != NULL)
        fputs(" ...", to);
}

/* Read both pipes until they close, or until the deadline (then kill the group). */
static void collect(struct hh_run *run, pid_t pid, int out_fd, int err_fd, unsigned timeout_s,
                    const char *const args[])
{
    size_t out_cap = 0, err_cap = 0;
    long long deadline = now_ms() + (long long)timeout_s * 1000;
    struct pollfd fds[2];
    int i;

    fds[0].fd = out_fd;
    fds[1].fd = err_fd;
    fds[0].events = fds[1].events = POLLIN;
    while (fds[0].fd >= 0 || fds[1].fd >= 0) {
        char buf[65536];
        long long left = deadline - now_ms();
        int ready;

        if (left <= 0) {
            if (run->timed_out)
                break; /* killed and still not closed: give up on the pipes */
            run->timed_out = 1;
            fprintf(stderr, "runner: hookhost");
            describe_args(stderr, args);
            fprintf(stderr, ": still running after %u s: killed\n", timeout_s);
            kill(-pid, SIGKILL);
            kill(pid, SIGKILL);
            deadline = now_ms() + 5000;
            continue;
        }
        ready = poll(fds, 2, left > 1000000 ? 1000000 : (int)left);
        if (ready < 0 && errno == EINTR)
            continue;
        if (ready < 0)
            break;
        for (i = 0; i < 2; i++) {
            ssize_t n;

            if (fds[i].fd < 0 || fds[i].revents == 0)
                continue;
            n = read(fds[i].fd, buf, sizeof(buf));
            if (n < 0 && errno == EINTR)
                continue;
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
    for (i = 0; i < 2; i++) {
        if (fds[i].fd >= 0)
            close(fds[i].fd);
    }
    if (run->out == NULL)
        append(&run->out, &run->out_len, &out_cap, "", 0);
    if (run->err == NULL)
        append(&run->err, &run->err_len, &err_cap, "", 0);
}

/* Copy a file to our standard error (a valgrind log). */
static void copy_to_stderr(const char *path)
{
    char buf[4096];
    size_t n;
    FILE *f = fopen(path, "r");

    if (f == NULL)
        return;
    while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
        fwrite(buf, 1, n, stderr);
    fclose(f);
}

/* What valgrind or a sanitizer said about the child, for the test's log. */
static void report_checkers(const struct hh_run *run, pid_t pid, const char *const args[])
{
    char log[4096];

    if (strstr(run->err, "Sanitizer") != NULL || strstr(run->err, "runtime error:") != NULL) {
        fprintf(stderr, "runner: a sanitizer stopped hookhost");
        describe_args(stderr, args);
        fprintf(stderr, " (exit %d):\n%s\n", run->exit_code, run->err);
    }
    if (!hh_test_valgrind())
        return;
    valgrind_log(log, sizeof(log), pid);
    if (run->exit_code == 99) {
        fprintf(stderr, "runner: valgrind found errors in hookhost");
        describe_args(stderr, args);
        fputs(":\n", stderr);
        copy_to_stderr(log);
    }
    unlink(log);
}

int hh_run_hookhost_timeout(struct hh_run *run, const char *const args[],
                            const char *stdin_path, unsigned timeout_s)
{
    int out_pipe[2], err_pipe[2], status;
    pid_t pid;

    memset(run, 0, sizeof(*run));
    timeout_s = effective_timeout(timeout_s);
    if (pipe(out_pipe) != 0)
        return -1;
    if (pipe(err_pipe) != 0) {
        close(out_pipe[0]);
        close(out_pipe[1]);
        return -1;
    }
    fflush(NULL); /* nothing buffered twice by the child */
    pid = fork();
    if (pid < 0) {
        close(out_pipe[0]);
        close(out_pipe[1]);
        close(err_pipe[0]);
        close(err_pipe[1]);
        return -1;
    }
    if (pid == 0) {
        close(out_pipe[0]);
        close(err_pipe[0]);
        child(args, stdin_path, out_pipe[1], err_pipe[1]);
    }
    (void)setpgid(pid, pid); /* as the child does: no race with a kill */
    close(out_pipe[1]);
    close(err_pipe[1]);
    collect(run, pid, out_pipe[0], err_pipe[0], timeout_s, args);
    if (run->timed_out)
        kill(-pid, SIGKILL); /* whatever of the group is left */
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR)
            return -1;
    }
    run->exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    report_checkers(run, pid, args);
    return 0;
}

int hh_run_hookhost(struct hh_run *run, const char *const args[], const char *stdin_path)
{
    return hh_run_hookhost_timeout(run, args, stdin_path, 0);
}

void hh_run_free(struct hh_run *run)
{
    free(run->out);
    free(run->err);
    memset(run, 0, sizeof(*run));
}
