#include "config.h"

#include "host_config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "input.h"

#define HHI_HOST_CONFIG_MAX_BYTES (64 * 1024)
#define HHI_LIMIT_MAX ((size_t)1 << 26)

void hhi_host_config_defaults(struct hhi_host_config *config)
{
    memset(config, 0, sizeof(*config));
    config->limits.max_active_hooks = 100;
    config->limits.max_hooks_per_resource = 100;
    config->limits.max_versions_per_hook = 100;
    config->limits.max_configuration_bytes = 307200;
}

static const char *trim(char *s)
{
    char *end;

    while (*s == ' ' || *s == '\t')
        s++;
    end = s + strlen(s);
    while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
        *--end = '\0';
    return s;
}

static int parse_limit(const char *what, size_t line, const char *key, const char *value,
                       size_t *out, struct hhi_error *err)
{
    unsigned long long n;
    char *end;

    errno = 0;
    n = strtoull(value, &end, 10);
    if (errno != 0 || end == value || *end != '\0' || value[0] == '-' || n < 1 ||
        n > HHI_LIMIT_MAX)
        return hhi_error_set(err, HHI_ECONFIG, "%s:%zu: %s: must be a whole number from 1 to %zu",
                             what, line, key, HHI_LIMIT_MAX);
    *out = (size_t)n;
    return HHI_OK;
}

static int apply(struct hhi_host_config *c, const char *what, size_t line, const char *key,
                 const char *value, struct hhi_error *err)
{
    static const struct {
        const char *key;
        size_t offset;
    } limits[] = {
        { "max-active-hooks", offsetof(struct hhi_limits, max_active_hooks) },
        { "max-hooks-per-resource", offsetof(struct hhi_limits, max_hooks_per_resource) },
        { "max-versions-per-hook", offsetof(struct hhi_limits, max_versions_per_hook) },
        { "max-configuration-bytes", offsetof(struct hhi_limits, max_configuration_bytes) },
    };
    size_t i;

    for (i = 0; i < sizeof(limits) / sizeof(limits[0]); i++) {
        if (strcmp(key, limits[i].key) == 0)
            return parse_limit(what, line, key, value,
                               (size_t *)(void *)((char *)&c->limits + limits[i].offset), err);
    }
    if (strcmp(key, "registry") == 0) {
        if (value[0] != '/' || strlen(value) >= sizeof(c->registry))
            return hhi_error_set(err, HHI_ECONFIG, "%s:%zu: registry: must be an absolute path",
                                 what, line);
        strcpy(c->registry, value);
        return HHI_OK;
    }
    return hhi_error_set(err, HHI_ECONFIG, "%s:%zu: unknown setting '%s'", what, line, key);
}

static int parse_line(struct hhi_host_config *c, const char *what, size_t line, char *text,
                      struct hhi_error *err)
{
    char *hash = strchr(text, '#'), *eq;
    const char *key, *value;

    if (hash != NULL)
        *hash = '\0';
    if (trim(text)[0] == '\0')
        return HHI_OK;
    eq = strchr(text, '=');
    if (eq == NULL)
        return hhi_error_set(err, HHI_ECONFIG, "%s:%zu: expected 'key = value'", what, line);
    *eq = '\0';
    key = trim(text);
    value = trim(eq + 1);
    if (key[0] == '\0' || value[0] == '\0')
        return hhi_error_set(err, HHI_ECONFIG, "%s:%zu: expected 'key = value'", what, line);
    return apply(c, what, line, key, value, err);
}

int hhi_host_config_parse(struct hhi_host_config *config, const char *what, const char *text,
                          size_t len, struct hhi_error *err)
{
    struct hhi_host_config next = *config;
    char buf[1024];
    size_t pos = 0, line = 0;
    int rc;

    if (memchr(text, '\0', len) != NULL)
        return hhi_error_set(err, HHI_ECONFIG, "%s: NUL byte in the text", what);
    while (pos < len) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t n = (nl != NULL ? (size_t)(nl - text) : len) - pos;

        line++;
        if (n >= sizeof(buf))
            return hhi_error_set(err, HHI_ECONFIG, "%s:%zu: line too long", what, line);
        memcpy(buf, text + pos, n);
        buf[n] = '\0';
        rc = parse_line(&next, what, line, buf, err);
        if (rc != HHI_OK)
            return rc;
        pos += n + 1;
    }
    *config = next; /* all or nothing */
    return HHI_OK;
}

int hhi_host_config_read(struct hhi_host_config *config, const char *path, int required,
                         struct hhi_error *err)
{
    char *data = NULL;
    size_t len = 0;
    int rc;

    if (!required && access(path, F_OK) != 0 && errno == ENOENT)
        return HHI_OK;
    rc = hhi_file_read(path, HHI_HOST_CONFIG_MAX_BYTES, &data, &len, err);
    if (rc == HHI_EINPUT && strstr(err->message, "empty file") != NULL) {
        hhi_error_clear(err); /* an empty configuration keeps the defaults */
        return HHI_OK;
    }
    if (rc == HHI_OK)
        rc = hhi_host_config_parse(config, path, data, len, err);
    free(data);
    if (rc == HHI_EINPUT)
        err->code = rc = HHI_ECONFIG;
    return rc;
}
