#include "config.h"

/*
 * Starting a worker process: posix_spawn of this program with a clean set
 * of descriptors (the channel as 3, the plugin as 4, /dev/null as 0-2,
 * everything else closed), default signal dispositions, an empty signal
 * mask and a process group of its own.
 */

#include "worker_spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h> /* environ (_GNU_SOURCE) */


/* Above the numbers the child is given, so no dup2 overwrites a source. */
#define HHI_SPAWN_HIGH_FD 10

static int high_dup(int fd)
{
    return fcntl(fd, F_DUPFD_CLOEXEC, HHI_SPAWN_HIGH_FD);
}

static int file_actions(posix_spawn_file_actions_t *fa, int channel, int plugin)
{
    int rc = posix_spawn_file_actions_init(fa);

    if (rc != 0)
        return rc;
    rc = posix_spawn_file_actions_addopen(fa, 0, "/dev/null", O_RDONLY, 0);
    if (rc == 0)
        rc = posix_spawn_file_actions_addopen(fa, 1, "/dev/null", O_WRONLY, 0);
    if (rc == 0)
        rc = posix_spawn_file_actions_addopen(fa, 2, "/dev/null", O_WRONLY, 0);
    if (rc == 0)
        rc = posix_spawn_file_actions_adddup2(fa, channel, HHI_WORKER_CHANNEL_FD);
    if (rc == 0)
        rc = posix_spawn_file_actions_adddup2(fa, plugin, HHI_WORKER_PLUGIN_FD);
#ifdef HAVE_POSIX_SPAWN_FILE_ACTIONS_ADDCLOSEFROM_NP
    /* Whatever a library of the host opened without O_CLOEXEC stays here too. */
    if (rc == 0)
        rc = posix_spawn_file_actions_addclosefrom_np(fa, HHI_WORKER_PLUGIN_FD + 1);
#endif
    if (rc != 0)
        posix_spawn_file_actions_destroy(fa);
    return rc;
}

static int attributes(posix_spawnattr_t *attr)
{
    sigset_t none, all;
    int rc = posix_spawnattr_init(attr);

    if (rc != 0)
        return rc;
    sigemptyset(&none);
    sigfillset(&all);
    rc = posix_spawnattr_setsigmask(attr, &none);
    if (rc == 0)
        rc = posix_spawnattr_setsigdefault(attr, &all);
    if (rc == 0)
        rc = posix_spawnattr_setpgroup(attr, 0);
    if (rc == 0)
        rc = posix_spawnattr_setflags(attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF |
                                                POSIX_SPAWN_SETPGROUP);
    if (rc != 0)
        posix_spawnattr_destroy(attr);
    return rc;
}

/*
 * "/proc/self/exe" is the running program for the kernel, but under
 * valgrind the running program is valgrind's tool: valgrind shows a client
 * its own program when it opens (or readlinks) /proc/self/exe, not when
 * the kernel resolves the name for execve.  Then, and only then, spawn the
 * program by its path (make check HOOKHOST_TEST_VALGRIND=1 runs hookhost
 * under valgrind; its workers then run natively).
 */
static const char *spawn_path(const char *exe, char *buf, size_t cap)
{
    struct stat kernel, shown;
    bool same;
    ssize_t n;
    int fd;

    if (strcmp(exe, "/proc/self/exe") != 0 || stat(exe, &kernel) != 0)
        return exe;
    fd = open(exe, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return exe;
    same = fstat(fd, &shown) != 0 ||
           (shown.st_dev == kernel.st_dev && shown.st_ino == kernel.st_ino);
    close(fd);
    if (same)
        return exe;
    n = readlink(exe, buf, cap - 1);
    if (n <= 0 || (size_t)n >= cap - 1)
        return exe;
    buf[n] = '\0';
    return buf;
}

#if defined(__SANITIZE_ADDRESS__)
/*
 * A sanitizer build's workers: RLIMIT_AS cannot hold AddressSanitizer's
 * shadow memory, so its RSS limits stand in for it; signals kill the
 * worker as they would without it (the host reports the signal); no leak
 * check at exit (it needs ptrace and clone, which the filter refuses).
 */
static char **worker_environ(const struct hhi_worker_spec *s)
{
    const char *old = getenv("ASAN_OPTIONS");
    size_t n = 0, i, j = 0;
    char **env, *asan;

    while (environ[n] != NULL)
        n++;
    env = calloc(n + 2, sizeof(*env));
    asan = malloc(512 + (old != NULL ? strlen(old) : 0));
    if (env == NULL || asan == NULL) {
        free(env);
        free(asan);
        return NULL;
    }
    sprintf(asan, "ASAN_OPTIONS=%s%sdetect_leaks=0:handle_segv=0:handle_sigbus=0:"
            "handle_sigfpe=0:allocator_may_return_null=1:soft_rss_limit_mb=%u:"
            "hard_rss_limit_mb=%u", old != NULL ? old : "", old != NULL ? ":" : "",
            s->c.memory_mib, 2 * s->c.memory_mib);
    for (i = 0; i < n; i++) {
        if (strncmp(environ[i], "ASAN_OPTIONS=", 13) != 0)
            env[j++] = environ[i];
    }
    env[j] = asan;
    return env;
}

static void free_environ(char **env)
{
    size_t i = 0;

    while (env != NULL && env[i] != NULL && strncmp(env[i], "ASAN_OPTIONS=", 13) != 0)
        i++;
    if (env != NULL)
        free(env[i]);
    free(env);
}
#else
static char **worker_environ(const struct hhi_worker_spec *s)
{
    (void)s;
    return environ;
}

static void free_environ(char **env)
{
    (void)env;
}
#endif

static int run(const struct hhi_worker_spec *s, int channel, int plugin, pid_t *pid)
{
    char timeout[16], memory[16], allow[16], exe[PATH_MAX];
    const char *argv[] = { "hookhost", HHI_WORKER_COMMAND, s->path,
                           s->hook != NULL ? s->hook : "-", timeout, memory, allow, NULL };
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    int rc;

    snprintf(timeout, sizeof(timeout), "%u", s->c.timeout_seconds);
    snprintf(memory, sizeof(memory), "%u", s->c.memory_mib);
    snprintf(allow, sizeof(allow), "%u", s->c.allow);
    rc = file_actions(&fa, channel, plugin);
    if (rc != 0)
        return rc;
    rc = attributes(&attr);
    if (rc == 0) {
        char **env = worker_environ(s);

        /* posix_spawn wants char *const[]: it does not write to them. */
        rc = env == NULL ? ENOMEM
                         : posix_spawn(pid, spawn_path(s->exe, exe, sizeof(exe)), &fa, &attr,
                                       (char *const *)(void *)argv, env);
        free_environ(env);
        posix_spawnattr_destroy(&attr);
    }
    posix_spawn_file_actions_destroy(&fa);
    return rc;
}

int hhi_worker_spawn(const struct hhi_worker_spec *s, pid_t *pid, int *fd, char *why,
                     size_t cap)
{
    int sv[2], channel = -1, plugin = -1, rc;

    *pid = 0;
    *fd = -1;
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
        snprintf(why, cap, "cannot start a worker: socketpair: %s", strerror(errno));
        return -1;
    }
    channel = high_dup(sv[1]);
    plugin = s->plugin_fd >= HHI_SPAWN_HIGH_FD ? s->plugin_fd : high_dup(s->plugin_fd);
    rc = channel < 0 || plugin < 0 ? errno : run(s, channel, plugin, pid);
    if (channel >= 0)
        close(channel);
    if (plugin >= 0 && plugin != s->plugin_fd)
        close(plugin);
    close(sv[1]);
    if (rc != 0) {
        close(sv[0]);
        *pid = 0;
        snprintf(why, cap, "cannot start a worker (%s): %s", s->exe, strerror(rc));
        return -1;
    }
    *fd = sv[0];
    return 0;
}
