/*
 * Writes a frame of garbage where the host expects its answer: into the
 * worker's channel, the one socket among its descriptors (found through
 * /proc/self/fd), then answers normally.  In-process there is no channel:
 * it just answers.
 */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "test_plugin.h"

static int channel_fd(void)
{
    DIR *d = opendir("/proc/self/fd");
    struct dirent *e;
    int found = -1;

    if (d == NULL)
        return -1;
    while ((e = readdir(d)) != NULL && found < 0) {
        char link[300], target[128];
        ssize_t n;

        if (e->d_name[0] == '.')
            continue;
        snprintf(link, sizeof(link), "/proc/self/fd/%s", e->d_name);
        n = readlink(link, target, sizeof(target) - 1);
        if (n > 7 && memcmp(target, "socket:", 7) == 0)
            found = atoi(e->d_name);
    }
    closedir(d);
    return found;
}

static void HH_CALL garbage_invoke(void *instance, hh_context *ctx,
                                   const struct hh_request *req)
{
    static const char garbage[] = "\x10\x00\x00\x00not json at all!";
    int fd = channel_fd();

    (void)req;
    if (fd >= 0 && write(fd, garbage, sizeof(garbage) - 1) < 0)
        fd = -1;
    tp_answer(instance, ctx, HH_STATUS_SUCCESS, HH_ERROR_NONE, "all is well, honestly");
}

TP_SIMPLE_PLUGIN("Test::Hostile::Garbage", garbage_invoke)
