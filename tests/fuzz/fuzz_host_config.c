/*
 * hookhost.conf, as hhi_host_config_read hands it to the parser: any text
 * over a configuration already set.  Either every limit is a whole number
 * from 1 to 2^26 and the registry absolute (or unset), or the text is
 * refused with a one-line error naming the file and nothing is applied.
 * Parsing the same text again over the result changes nothing.
 */
#include "config.h"

#include "fuzz.h"
#include "host_config.h"

#define WHAT "fuzz/hookhost.conf"
#define LIMIT_MAX ((size_t)1 << 26)

static void check_limits(const struct hhi_limits *l)
{
    FUZZ_CHECK(l->max_active_hooks >= 1 && l->max_active_hooks <= LIMIT_MAX);
    FUZZ_CHECK(l->max_hooks_per_resource >= 1 && l->max_hooks_per_resource <= LIMIT_MAX);
    FUZZ_CHECK(l->max_versions_per_hook >= 1 && l->max_versions_per_hook <= LIMIT_MAX);
    FUZZ_CHECK(l->max_configuration_bytes >= 1 && l->max_configuration_bytes <= LIMIT_MAX);
}

/* "" or an absolute path, trimmed, one line, without a comment. */
static void check_registry(const char *r)
{
    size_t len = strnlen(r, HHI_CONFIG_PATH_MAX);

    FUZZ_CHECK(len < HHI_CONFIG_PATH_MAX);
    if (len == 0)
        return;
    FUZZ_CHECK(r[0] == '/');
    FUZZ_CHECK(strpbrk(r, "#\n") == NULL);
    FUZZ_CHECK(r[len - 1] != ' ' && r[len - 1] != '\t' && r[len - 1] != '\r');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct hhi_error err = { 0, "" };
    struct hhi_host_config config, before, again;
    int rc;

    hhi_host_config_defaults(&config);
    config.limits.max_active_hooks = 7; /* set before: kept unless the text sets it */
    before = config;
    rc = hhi_host_config_parse(&config, WHAT, (const char *)data, size, &err);
    fuzz_check_error(rc, &err, WHAT ":");
    if (rc != HHI_OK) {
        FUZZ_CHECK(rc == HHI_ECONFIG);
        FUZZ_CHECK(memcmp(&config, &before, sizeof(config)) == 0); /* all or nothing */
        return 0;
    }
    check_limits(&config.limits);
    check_registry(config.registry);
    if (memchr(data, '=', size) == NULL)
        FUZZ_CHECK(memcmp(&config, &before, sizeof(config)) == 0);
    again = config;
    rc = hhi_host_config_parse(&again, WHAT, (const char *)data, size, &err);
    FUZZ_CHECK(rc == HHI_OK);
    FUZZ_CHECK(memcmp(&again, &config, sizeof(config)) == 0);
    return 0;
}
