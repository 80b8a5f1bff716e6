#include "config.h"

/*
 * `hookhost __worker PATH HOOK TIMEOUT MEMORY_MIB ALLOW`: a worker process.
 * The host starts it (worker_spawn.c) with the channel as fd 3 and the
 * checked plugin file as fd 4.  Before any of the plugin's code runs
 * (its constructors run when it is loaded), the worker closes every other
 * descriptor, sets its limits and installs its seccomp filter; then it
 * loads the plugin through /proc/self/fd/4, says hello with the plugin's
 * description, and serves the host until the channel closes.
 */

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "isolation.h"
#include "seccomp_filter.h"
#include "worker_facts.h"
#include "worker_serve.h"
#include "worker_spawn.h"

#define HHI_WORKER_EXIT_USAGE 2
#define HHI_WORKER_NOFILE 64
/* The worker's CPU lifetime, in calls that use their whole timeout. */
#define HHI_WORKER_CPU_CALLS 64

struct worker_args {
    const char *path;
    const char *hook;
    struct hhi_containment c;
};

static int number(const char *s, unsigned long max, uint32_t *out)
{
    char *end;
    unsigned long n;

    errno = 0;
    n = strtoul(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || n > max)
        return -1;
    *out = (uint32_t)n;
    return 0;
}

static int parse(int argc, char **argv, struct worker_args *a)
{
    memset(a, 0, sizeof(*a));
    if (argc != 6)
        return -1;
    a->path = argv[1];
    a->hook = argv[2];
    if (number(argv[3], HHI_TIMEOUT_MAX, &a->c.timeout_seconds) != 0 ||
        number(argv[4], HHI_MEMORY_MAX_MIB, &a->c.memory_mib) != 0 ||
        number(argv[5], HHI_ALLOW_ALL, &a->c.allow) != 0)
        return -1;
    hhi_containment_resolve(&a->c);
    return 0;
}

/* Started by the host: fd 3 a socket, fd 4 a regular file. */
static bool started_by_host(void)
{
    struct stat ch, pl;

    return fstat(HHI_WORKER_CHANNEL_FD, &ch) == 0 && S_ISSOCK(ch.st_mode) &&
           fstat(HHI_WORKER_PLUGIN_FD, &pl) == 0 && S_ISREG(pl.st_mode);
}

/* Nothing but 0-4 stays open, whatever the spawn could not close. */
static void close_others(void)
{
    int fd;

    if (close_range(HHI_WORKER_PLUGIN_FD + 1, ~0U, 0) == 0)
        return;
    for (fd = HHI_WORKER_PLUGIN_FD + 1; fd < 1024; fd++)
        close(fd);
}

static void set_limit(int resource, rlim_t soft, rlim_t hard)
{
    struct rlimit rl;

    if (getrlimit(resource, &rl) == 0 && rl.rlim_max != RLIM_INFINITY && rl.rlim_max < hard)
        hard = rl.rlim_max;
    rl.rlim_cur = soft < hard ? soft : hard;
    rl.rlim_max = hard;
    setrlimit(resource, &rl);
}

static rlim_t limits(const struct hhi_containment *c)
{
    rlim_t cpu_hard = ((rlim_t)c->timeout_seconds + 1) * HHI_WORKER_CPU_CALLS;

    set_limit(RLIMIT_CPU, c->timeout_seconds + 1, cpu_hard);
    set_limit(RLIMIT_NOFILE, HHI_WORKER_NOFILE, HHI_WORKER_NOFILE);
    set_limit(RLIMIT_CORE, 0, 0);
#if !defined(__SANITIZE_ADDRESS__)
    /* (AddressSanitizer reserves terabytes of address space: no limit there.) */
    set_limit(RLIMIT_AS, (rlim_t)c->memory_mib << 20, (rlim_t)c->memory_mib << 20);
#endif
    return cpu_hard;
}

static int say(struct hhi_worker_process *wp)
{
    return hhi_channel_send(wp->fd, &wp->buf, HHI_NO_DEADLINE) == HHI_CHANNEL_OK ? 0 : -1;
}

static int refuse(struct hhi_worker_process *wp, const char *message)
{
    hhi_frame_begin(&wp->buf);
    hhi_buf_adds(&wp->buf, "{\"op\":\"refused\",\"error\":");
    hhi_buf_add_json_string(&wp->buf, message, strlen(message));
    hhi_buf_adds(&wp->buf, "}");
    return say(wp);
}

static int hello(struct hhi_worker_process *wp, const char *sandbox)
{
    hhi_frame_begin(&wp->buf);
    hhi_buf_adds(&wp->buf, "{\"op\":\"hello\",\"facts\":");
    hhi_facts_write(&wp->buf, wp->plugin);
    hhi_buf_adds(&wp->buf, ",\"sandbox\":");
    hhi_buf_add_json_string(&wp->buf, sandbox, strlen(sandbox));
    hhi_buf_adds(&wp->buf, "}");
    return say(wp);
}

static int run(struct hhi_worker_process *wp, const struct worker_args *a)
{
    struct hhi_error err = { HHI_OK, "" };
    char sandbox[256] = "seccomp";
    char why[200];

    close_others();
    wp->cpu_hard = limits(&a->c);
    wp->cpu_soft = a->c.timeout_seconds + 1;
    wp->timeout_seconds = a->c.timeout_seconds;
    if (hhi_seccomp_apply(a->c.allow, why, sizeof(why)) != 0)
        snprintf(sandbox, sizeof(sandbox), "none (%s)", why);
    hhi_worker_api_init(wp);
    if (hhi_plugin_load_fd(a->path, HHI_WORKER_PLUGIN_FD, &wp->api, &wp->plugin, &err) !=
        HHI_OK)
        return refuse(wp, err.message) == 0 ? 0 : 1;
    if (hello(wp, sandbox) != 0)
        return 1;
    return hhi_worker_serve(wp);
}

int hhi_worker_main(int argc, char **argv)
{
    struct hhi_worker_process wp;
    struct worker_args a;
    int rc;

    if (parse(argc, argv, &a) != 0 || !started_by_host()) {
        fputs("hookhost: __worker is internal: the host starts it\n", stderr);
        return HHI_WORKER_EXIT_USAGE;
    }
    memset(&wp, 0, sizeof(wp));
    wp.fd = HHI_WORKER_CHANNEL_FD;
    hhi_buf_init(&wp.buf);
    rc = run(&wp, &a);
    /*
     * exit() here, not a return through main: the plugin holds wp.api (it
     * must stay valid until the process exits) and may have registered
     * atexit handlers.  The plugin stays loaded: nothing is freed.
     */
    exit(rc);
}
