/*
 * The host's side of one worker process: a fresh exec of this program as
 * `hookhost __worker` that loads one plugin from the descriptor the host
 * checked and answers requests over a socketpair (see worker_main.c).
 *
 * A worker inherits exactly two descriptors: the channel as fd 3 and the
 * plugin file as fd 4 (0, 1 and 2 are /dev/null).  It runs in its own
 * process group, so killing it kills whatever it started.  Whatever goes
 * wrong with it (death, a hang past the deadline, a garbage answer), the
 * worker is killed and reaped and the reason is a one-line text:
 *   "worker killed by signal SIGSEGV (Segmentation fault)"
 *   "worker exited with status 0 in the middle of a call"
 *   "timed out after 30 s"
 *   "garbage answer: not JSON (...)"
 */
#ifndef HOOKHOST_HOST_WORKER_H
#define HOOKHOST_HOST_WORKER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <json-c/json.h>

#include "channel.h"
#include "error.h"
#include "isolation.h"

/* How to start the workers of one hook. */
struct hhi_worker_spec {
    const char *exe;             /* HHI_WORKER_EXE */
    const char *path;            /* the plugin's real path, for messages */
    int plugin_fd;               /* the descriptor the trust checks ran on */
    const char *hook;            /* the hook's name, shown by ps; may be NULL */
    struct hhi_containment c;    /* resolved */
};

struct hhi_worker {
    pid_t pid;                   /* 0: none */
    int fd;                      /* the host's end of the channel */
    uint32_t memory_mib;         /* its limit, to explain a death */
    struct hhi_buf buf;          /* the frame going out, then the one that came in */
    json_object *frame;          /* the last frame received, parsed */
};

/* The input document a worker may ask for during a call (see worker_proto.h). */
struct hhi_worker_input {
    const char *id;              /* NULL: the call has none */
    /* Its JSON text (NULL when it cannot be had); stays valid for the call. */
    const char *(*text)(void *arg, size_t *len);
    void *arg;
};

enum hhi_worker_rc {
    HHI_WORKER_OK = 0,
    HHI_WORKER_LOST = -1,        /* the worker is gone (killed and reaped): why says why */
    HHI_WORKER_REFUSED = -2      /* the plugin was refused while loading: why is the
                                    loader's one-line message */
};

/*
 * Spawn a worker and wait (until deadline_ms) for its hello: *facts is the
 * plugin's description (the caller's), sandbox (may be NULL) the sandbox it
 * runs in.
 */
int hhi_worker_start(struct hhi_worker *w, const struct hhi_worker_spec *spec,
                     int64_t deadline_ms, json_object **facts, char *sandbox,
                     size_t sandbox_cap, char *why, size_t cap);

/*
 * Send the frame built in w->buf and wait until deadline_ms for the answer,
 * left parsed in w->frame; "need" requests for the input document are
 * served on the way.  timeout_text is the reason given when the deadline
 * passes, phase what was under way ("in the middle of a call").
 */
int hhi_worker_exchange(struct hhi_worker *w, int64_t deadline_ms, const char *timeout_text,
                        const char *phase, const struct hhi_worker_input *input, char *why,
                        size_t cap);

/* SIGKILL the worker's process group and reap it. */
void hhi_worker_kill(struct hhi_worker *w);

/* Close the channel: the worker destroys its instance and exits. */
void hhi_worker_close(struct hhi_worker *w);

/* After hhi_worker_close: wait for the exit until deadline_ms, then kill. */
void hhi_worker_reap(struct hhi_worker *w, int64_t deadline_ms);

/* Release the memory (after reaping). */
void hhi_worker_release(struct hhi_worker *w);

/*
 * Describe the plugin at path (open at fd) in a throw-away worker: its
 * code never runs in this process.  Errors are HHI_EPLUGIN, one line.
 */
int hhi_worker_probe(const char *exe, const char *path, int fd, json_object **facts,
                     struct hhi_error *err);

#endif
