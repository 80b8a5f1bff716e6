/*
 * Records its lifecycle in the file named by Properties.counterFile: a line
 * "create NAME", "invoke NAME" or "destroy NAME" per call (NAME is the
 * hook's name), so a test can prove create and destroy are paired exactly
 * once per active hook and that invoke runs in between.  No global state:
 * the file name lives in the instance.
 */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "test_plugin.h"

struct counter {
    const struct hh_host_api *host;
    char path[1024];
    char name[256];
};

static int record(const char *path, const char *event, const char *name)
{
    char line[512];
    int n = snprintf(line, sizeof(line), "%s %s\n", event, name);
    int fd, ok;

    if (n < 0 || (size_t)n >= sizeof(line))
        return -1;
    fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0)
        return -1;
    ok = write(fd, line, (size_t)n) == (ssize_t)n;
    return (close(fd) == 0 && ok) ? 0 : -1;
}

static int32_t HH_CALL counter_create(hh_context *ctx, const struct hh_instance_args *args,
                                      void **out)
{
    static const char bad[] = "counterFile unreadable or too long";
    struct counter *c;
    struct hh_value v;

    memset(&v, 0, sizeof(v));
    v.abi = (struct hh_abi)HH_ABI_INIT(struct hh_value);
    c = calloc(1, sizeof(*c));
    if (c == NULL)
        return HH_ERR_NO_MEMORY;
    c->host = args->host;
    if (args->host->get_value(ctx, HH_DOC_CONFIGURATION, "/counterFile", &v) != HH_OK ||
        v.type != HH_VALUE_STRING || v.length >= sizeof(c->path) ||
        strlen(args->hook_type_name) >= sizeof(c->name) ||
        record(v.string, "create", args->hook_type_name) != 0) {
        free(c);
        args->host->fail(ctx, HH_ERROR_INVALID_TYPE_CONFIGURATION, bad, sizeof(bad) - 1);
        return HH_ERR_FAILED;
    }
    memcpy(c->path, v.string, v.length + 1);
    memcpy(c->name, args->hook_type_name, strlen(args->hook_type_name) + 1);
    *out = c;
    return HH_OK;
}

static void HH_CALL counter_destroy(void *instance)
{
    struct counter *c = instance;

    (void)record(c->path, "destroy", c->name);
    free(c);
}

static void HH_CALL counter_invoke(void *instance, hh_context *ctx,
                                   const struct hh_request *req)
{
    static const char cannot[] = "cannot write the counter file";
    struct counter *c = instance;

    (void)req;
    if (record(c->path, "invoke", c->name) != 0)
        c->host->set_result(ctx, HH_STATUS_FAILED, HH_ERROR_INTERNAL_FAILURE, cannot,
                            sizeof(cannot) - 1);
    else
        c->host->set_result(ctx, HH_STATUS_SUCCESS, HH_ERROR_NONE, NULL, 0);
}

TP_HANDLERS;

static const struct hh_plugin descriptor = {
    HH_ABI_INIT(struct hh_plugin),
    TP_MEMBERS("Test::Contract::Counter",
               "{\"type\":\"object\",\"properties\":{\"counterFile\":"
               "{\"type\":\"string\",\"minLength\":1}},"
               "\"required\":[\"counterFile\"],\"additionalProperties\":false}",
               counter_create, counter_destroy, counter_invoke)
};

HH_PLUGIN_DEFINE(descriptor)
