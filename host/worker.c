#include "config.h"

#include "worker.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "input.h"
#include "worker_proto.h"
#include "worker_spawn.h"

/* How long a worker that closed its channel gets to finish dying. */
#define HHI_DEATH_GRACE_MS 2000
/* "need" requests one call may make (one input document). */
#define HHI_NEEDS_MAX 4

/* ------------------------------------------------------------- reaping */

static void nap_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

    nanosleep(&ts, NULL);
}

/* Wait for the worker until deadline_ms; true when reaped, with its status. */
static bool wait_until(struct hhi_worker *w, int64_t deadline_ms, int *status,
                       struct rusage *ru)
{
    long nap = 1;

    for (;;) {
        pid_t r = wait4(w->pid, status, WNOHANG, ru);

        if (r == w->pid || (r < 0 && errno != EINTR)) {
            w->pid = 0;
            return r > 0;
        }
        if (hhi_clock_ms() >= deadline_ms)
            return false;
        nap_ms(nap);
        nap = nap < 32 ? nap * 2 : nap;
    }
}

static void kill_and_reap(struct hhi_worker *w, int *status, struct rusage *ru)
{
    if (w->pid <= 0)
        return;
    /* The group: whatever the worker started goes with it. */
    kill(-w->pid, SIGKILL);
    kill(w->pid, SIGKILL);
    while (wait4(w->pid, status, 0, ru) < 0 && errno == EINTR)
        ;
    w->pid = 0;
}

static void close_channel(struct hhi_worker *w)
{
    if (w->fd >= 0)
        close(w->fd);
    w->fd = -1;
}

void hhi_worker_kill(struct hhi_worker *w)
{
    int status;
    struct rusage ru;

    close_channel(w);
    kill_and_reap(w, &status, &ru);
}

void hhi_worker_close(struct hhi_worker *w)
{
    close_channel(w);
}

void hhi_worker_reap(struct hhi_worker *w, int64_t deadline_ms)
{
    int status;
    struct rusage ru;

    close_channel(w);
    if (w->pid > 0 && !wait_until(w, deadline_ms, &status, &ru))
        kill_and_reap(w, &status, &ru);
}

void hhi_worker_release(struct hhi_worker *w)
{
    hhi_worker_kill(w);
    json_object_put(w->frame);
    w->frame = NULL;
    hhi_buf_release(&w->buf);
}

/* ------------------------------------------------------------- reasons */

/* ", after using N MiB of its M MiB memory limit" when memory may be why. */
static void memory_note(const struct hhi_worker *w, const struct rusage *ru, char *out,
                        size_t cap)
{
    long used_mib = ru->ru_maxrss / 1024; /* ru_maxrss is in KiB */

    out[0] = '\0';
    if (w->memory_mib > 0 && used_mib * 2 >= (long)w->memory_mib)
        snprintf(out, cap, ", after using %ld MiB of its %u MiB memory limit", used_mib,
                 w->memory_mib);
}

static void describe_status(const struct hhi_worker *w, int status, const struct rusage *ru,
                            const char *phase, char *why, size_t cap)
{
    char note[96];

    memory_note(w, ru, note, sizeof(note));
    if (WIFSIGNALED(status)) {
        const char *abbrev = sigabbrev_np(WTERMSIG(status));
        const char *desc = strsignal(WTERMSIG(status));

        snprintf(why, cap, "worker killed by signal SIG%s (%s) %s%s",
                 abbrev != NULL ? abbrev : "?", desc != NULL ? desc : "unknown signal", phase,
                 note);
    } else {
        snprintf(why, cap, "worker exited with status %d %s%s", WEXITSTATUS(status), phase,
                 note);
    }
}

/* The channel broke: wait for the worker to finish dying and say how it died. */
static void describe_death(struct hhi_worker *w, const char *phase, char *why, size_t cap)
{
    int status = 0;
    struct rusage ru;
    pid_t pid = w->pid;

    memset(&ru, 0, sizeof(ru));
    close_channel(w);
    if (pid > 0 && wait_until(w, hhi_clock_ms() + HHI_DEATH_GRACE_MS, &status, &ru)) {
        describe_status(w, status, &ru, phase, why, cap);
        return;
    }
    kill_and_reap(w, &status, &ru);
    snprintf(why, cap, "worker closed its channel %s", phase);
}

/* Something went wrong with w: it is gone afterwards; why says what. */
static int lost(struct hhi_worker *w, enum hhi_channel_status st, uint32_t announced,
                const char *timeout_text, const char *phase, char *why, size_t cap)
{
    switch (st) {
    case HHI_CHANNEL_TIMEOUT:
        snprintf(why, cap, "%s", timeout_text);
        break;
    case HHI_CHANNEL_TOO_LARGE:
        snprintf(why, cap, "garbage answer: a frame of %lu bytes, more than the %zu MiB limit",
                 (unsigned long)announced, HHI_FRAME_MAX >> 20);
        break;
    case HHI_CHANNEL_EXCESS:
        snprintf(why, cap, "garbage answer: bytes after the answer's frame");
        break;
    case HHI_CHANNEL_NO_MEMORY:
        snprintf(why, cap, "the host ran out of memory talking to the worker");
        break;
    default:
        describe_death(w, phase, why, cap);
        return HHI_WORKER_LOST;
    }
    hhi_worker_kill(w);
    return HHI_WORKER_LOST;
}

static int garbage(struct hhi_worker *w, const char *what, char *why, size_t cap)
{
    snprintf(why, cap, "garbage answer: %s", what);
    hhi_worker_kill(w);
    return HHI_WORKER_LOST;
}

/* ------------------------------------------------------------- frames */

static int receive(struct hhi_worker *w, int64_t deadline_ms, const char *timeout_text,
                   const char *phase, char *why, size_t cap)
{
    struct hhi_error err = { HHI_OK, "" };
    uint32_t announced = 0;
    enum hhi_channel_status st = hhi_channel_recv(w->fd, &w->buf, deadline_ms, &announced);

    json_object_put(w->frame);
    w->frame = NULL;
    if (st != HHI_CHANNEL_OK && st != HHI_CHANNEL_EXCESS)
        return lost(w, st, announced, timeout_text, phase, why, cap);
    if (hhi_json_parse("frame", w->buf.data, w->buf.len, &w->frame, &err) != HHI_OK) {
        char what[200];

        snprintf(what, sizeof(what), "not JSON (%.160s)", err.message);
        return garbage(w, what, why, cap);
    }
    if (hhi_proto_op(w->frame) == NULL)
        return garbage(w, "a frame without \"op\"", why, cap);
    if (st == HHI_CHANNEL_EXCESS)
        return lost(w, st, announced, timeout_text, phase, why, cap);
    return HHI_WORKER_OK;
}

static int send_input(struct hhi_worker *w, const struct hhi_worker_input *in,
                      int64_t deadline_ms, const char *timeout_text, const char *phase,
                      char *why, size_t cap)
{
    json_object *id = json_object_object_get(w->frame, "id");
    const char *text = NULL;
    size_t len = 0;
    enum hhi_channel_status st;

    if (in == NULL || in->id == NULL || !json_object_is_type(id, json_type_string) ||
        strcmp(json_object_get_string(id), in->id) != 0)
        return garbage(w, "asked for an input document the call has not got", why, cap);
    text = in->text(in->arg, &len);
    hhi_frame_begin(&w->buf);
    hhi_proto_input(&w->buf, in->id, text, len);
    if (w->buf.len - HHI_FRAME_HEADER > HHI_FRAME_MAX) {
        /* Too large for a frame: the plugin sees no input document. */
        hhi_frame_begin(&w->buf);
        hhi_proto_input(&w->buf, in->id, NULL, 0);
    }
    st = hhi_channel_send(w->fd, &w->buf, deadline_ms);
    if (st != HHI_CHANNEL_OK)
        return lost(w, st, 0, timeout_text, phase, why, cap);
    return HHI_WORKER_OK;
}

int hhi_worker_exchange(struct hhi_worker *w, int64_t deadline_ms, const char *timeout_text,
                        const char *phase, const struct hhi_worker_input *input, char *why,
                        size_t cap)
{
    enum hhi_channel_status st = hhi_channel_send(w->fd, &w->buf, deadline_ms);
    int needs, rc;

    if (st == HHI_CHANNEL_TOO_LARGE) {
        snprintf(why, cap, "the request (%zu MiB) is larger than a frame may be (%zu MiB)",
                 w->buf.len >> 20, HHI_FRAME_MAX >> 20);
        hhi_worker_kill(w);
        return HHI_WORKER_LOST;
    }
    if (st != HHI_CHANNEL_OK)
        return lost(w, st, 0, timeout_text, phase, why, cap);
    for (needs = 0;; needs++) {
        rc = receive(w, deadline_ms, timeout_text, phase, why, cap);
        if (rc != HHI_WORKER_OK || strcmp(hhi_proto_op(w->frame), "need") != 0)
            return rc;
        if (needs >= HHI_NEEDS_MAX)
            return garbage(w, "asked for the input document again and again", why, cap);
        rc = send_input(w, input, deadline_ms, timeout_text, phase, why, cap);
        if (rc != HHI_WORKER_OK)
            return rc;
    }
}

/* ------------------------------------------------------------- starting */

static int hello(struct hhi_worker *w, json_object **facts, char *sandbox, size_t sandbox_cap,
                 char *why, size_t cap)
{
    const char *op = hhi_proto_op(w->frame);
    json_object *v;

    if (strcmp(op, "refused") == 0) {
        v = json_object_object_get(w->frame, "error");
        snprintf(why, cap, "%s", json_object_is_type(v, json_type_string)
                                     ? json_object_get_string(v) : "refused");
        hhi_worker_kill(w);
        return HHI_WORKER_REFUSED;
    }
    if (strcmp(op, "hello") != 0 || !json_object_object_get_ex(w->frame, "facts", &v) ||
        !json_object_is_type(v, json_type_object))
        return garbage(w, "no hello", why, cap);
    *facts = json_object_get(v);
    v = json_object_object_get(w->frame, "sandbox");
    if (sandbox != NULL)
        snprintf(sandbox, sandbox_cap, "%s", json_object_is_type(v, json_type_string)
                                                 ? json_object_get_string(v) : "unknown");
    return HHI_WORKER_OK;
}

int hhi_worker_start(struct hhi_worker *w, const struct hhi_worker_spec *spec,
                     int64_t deadline_ms, json_object **facts, char *sandbox,
                     size_t sandbox_cap, char *why, size_t cap)
{
    char timeout_text[64];
    int rc;

    memset(w, 0, sizeof(*w));
    w->fd = -1;
    w->memory_mib = spec->c.memory_mib;
    *facts = NULL;
    if (hhi_worker_spawn(spec, &w->pid, &w->fd, why, cap) != 0)
        return HHI_WORKER_LOST;
    snprintf(timeout_text, sizeof(timeout_text), "timed out after %u s loading the plugin",
             spec->c.timeout_seconds);
    rc = receive(w, deadline_ms, timeout_text, "while loading the plugin", why, cap);
    if (rc == HHI_WORKER_OK)
        rc = hello(w, facts, sandbox, sandbox_cap, why, cap);
    return rc;
}

/* ------------------------------------------------------------- probing */

int hhi_worker_probe(const char *exe, const char *path, int fd, json_object **facts,
                     struct hhi_error *err)
{
    struct hhi_worker_spec spec;
    struct hhi_worker w;
    char why[HHI_ERROR_MESSAGE_MAX];
    int rc;

    memset(&spec, 0, sizeof(spec));
    spec.exe = exe;
    spec.path = path;
    spec.plugin_fd = fd;
    hhi_containment_resolve(&spec.c);
    rc = hhi_worker_start(&w, &spec, hhi_clock_ms() + spec.c.timeout_seconds * 1000LL, facts,
                          NULL, 0, why, sizeof(why));
    if (rc == HHI_WORKER_OK)
        hhi_worker_reap(&w, hhi_clock_ms() + HHI_DEATH_GRACE_MS);
    hhi_worker_release(&w);
    if (rc == HHI_WORKER_REFUSED)
        return hhi_error_set(err, HHI_EPLUGIN, "%s", why);
    if (rc != HHI_WORKER_OK)
        return hhi_error_set(err, HHI_EPLUGIN, "plugin %s: %s", path, why);
    return HHI_OK;
}
