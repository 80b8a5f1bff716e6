/*
 * Lists its open descriptors (but the one reading /proc/self/fd) in its
 * message: "N: 0=/dev/null 1=/dev/null ... 4=/path/of/plugin.so".
 */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "test_plugin.h"

static void HH_CALL fds_invoke(void *instance, hh_context *ctx, const struct hh_request *req)
{
    char message[2048], entry[800];
    DIR *d = opendir("/proc/self/fd");
    struct dirent *e;
    size_t used = 0;
    int count = 0;

    (void)req;
    message[0] = '\0';
    while (d != NULL && (e = readdir(d)) != NULL) {
        char link[300], target[400];
        ssize_t n;

        if (e->d_name[0] == '.' || atoi(e->d_name) == dirfd(d))
            continue;
        snprintf(link, sizeof(link), "/proc/self/fd/%s", e->d_name);
        n = readlink(link, target, sizeof(target) - 1);
        target[n > 0 ? n : 0] = '\0';
        snprintf(entry, sizeof(entry), " %s=%s", e->d_name, target);
        if (used + strlen(entry) < sizeof(message) - 16) {
            memcpy(message + used, entry, strlen(entry) + 1);
            used += strlen(entry);
        }
        count++;
    }
    if (d != NULL)
        closedir(d);
    snprintf(entry, sizeof(entry), "%d:", count);
    memmove(message + strlen(entry), message, used + 1);
    memcpy(message, entry, strlen(entry));
    tp_answer(instance, ctx, HH_STATUS_SUCCESS, HH_ERROR_NONE, message);
}

TP_SIMPLE_PLUGIN("Test::Hostile::Fds", fds_invoke)
