#include "config.h"

/*
 * hookhost.conf: hhi_host_config_parse on every key and every kind of bad
 * line (all or nothing, errors naming file and line), and
 * hhi_host_config_read on missing, empty and oversized files.
 */

#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "host_config.h"

#define N_ITEMS(a) (sizeof(a) / sizeof((a)[0]))
#define LIMIT_MAX 67108864u /* 1 << 26 */

/* Limits expected after parsing; 0 keeps the default. */
struct want {
    size_t active, per_resource, versions, bytes;
    const char *registry;
};

struct parse_case {
    const char *text;
    size_t len;            /* 0: strlen(text) */
    int rc;
    struct want want;      /* when rc is HHI_OK */
    const char *message;   /* when it is not: the whole message */
};

#define OK(text, ...) { text, 0, HHI_OK, { __VA_ARGS__ }, NULL }
#define BAD(text, message) { text, 0, HHI_ECONFIG, { 0, 0, 0, 0, NULL }, message }
#define RANGE "must be a whole number from 1 to 67108864"

static const struct parse_case cases[] = {
    OK("", 0, 0, 0, 0, NULL),
    OK("\n\n\n", 0, 0, 0, 0, NULL),
    OK("# only a comment\n   # and an indented one\n", 0, 0, 0, 0, NULL),
    OK("max-active-hooks = 3\n", 3, 0, 0, 0, NULL),
    OK("max-active-hooks=3", 3, 0, 0, 0, NULL),
    OK("\tmax-hooks-per-resource\t=\t7   # seven\r\n", 0, 7, 0, 0, NULL),
    OK("max-versions-per-hook = 1\nmax-configuration-bytes = 67108864\n", 0, 0, 1, LIMIT_MAX,
       NULL),
    OK("max-active-hooks = 1\nmax-hooks-per-resource = 2\nmax-versions-per-hook = 3\n"
       "max-configuration-bytes = 4\nregistry = /srv/hookhost\n", 1, 2, 3, 4, "/srv/hookhost"),
    OK("max-active-hooks = 3\nmax-active-hooks = 4\n", 4, 0, 0, 0, NULL),
    OK("max-active-hooks = 007\n", 7, 0, 0, 0, NULL),
    OK("registry = /var/lib/hook host\n", 0, 0, 0, 0, "/var/lib/hook host"),
    OK("registry = /a=b\n", 0, 0, 0, 0, "/a=b"),
    OK("registry = /a#b\n", 0, 0, 0, 0, "/a"),
    OK("registry=/x\r\n", 0, 0, 0, 0, "/x"),
    BAD("max-active-hooks = 0\n", "t.conf:1: max-active-hooks: " RANGE),
    BAD("max-active-hooks = -1\n", "t.conf:1: max-active-hooks: " RANGE),
    BAD("max-hooks-per-resource = 67108865\n", "t.conf:1: max-hooks-per-resource: " RANGE),
    BAD("max-versions-per-hook = 18446744073709551616\n", "t.conf:1: max-versions-per-hook: " RANGE),
    BAD("max-configuration-bytes = 3x\n", "t.conf:1: max-configuration-bytes: " RANGE),
    BAD("max-configuration-bytes = 0x10\n", "t.conf:1: max-configuration-bytes: " RANGE),
    BAD("max-configuration-bytes = 1 000\n", "t.conf:1: max-configuration-bytes: " RANGE),
    BAD("max-active-hooks = #none\n", "t.conf:1: expected 'key = value'"),
    BAD("max-active-hooks =\n", "t.conf:1: expected 'key = value'"),
    BAD("= 3\n", "t.conf:1: expected 'key = value'"),
    BAD("max-active-hooks 3\n", "t.conf:1: expected 'key = value'"),
    BAD("max-active-hooks: 3\n", "t.conf:1: expected 'key = value'"),
    BAD("MAX-ACTIVE-HOOKS = 3\n", "t.conf:1: unknown setting 'MAX-ACTIVE-HOOKS'"),
    BAD("# fine\n\nmax-active-hook = 3\n", "t.conf:3: unknown setting 'max-active-hook'"),
    BAD("registry = relative/dir\n", "t.conf:1: registry: must be an absolute path"),
    BAD("registry = ~/reg\n", "t.conf:1: registry: must be an absolute path"),
    /* All or nothing: a good line before a bad one is not applied. */
    BAD("max-active-hooks = 5\nregistry = /r\nbogus\n", "t.conf:3: expected 'key = value'"),
};

static void expect_limits(const struct hhi_host_config *c, const struct want *w)
{
    assert_int_equal(c->limits.max_active_hooks, w->active ? w->active : 100);
    assert_int_equal(c->limits.max_hooks_per_resource, w->per_resource ? w->per_resource : 100);
    assert_int_equal(c->limits.max_versions_per_hook, w->versions ? w->versions : 100);
    assert_int_equal(c->limits.max_configuration_bytes, w->bytes ? w->bytes : 307200);
    assert_string_equal(c->registry, w->registry ? w->registry : "");
}

static void test_defaults(void **state)
{
    struct hhi_host_config c;

    (void)state;
    memset(&c, 0xA5, sizeof(c));
    hhi_host_config_defaults(&c);
    assert_int_equal(c.limits.max_active_hooks, 100);
    assert_int_equal(c.limits.max_hooks_per_resource, 100);
    assert_int_equal(c.limits.max_versions_per_hook, 100);
    assert_int_equal(c.limits.max_configuration_bytes, 307200);
    assert_string_equal(c.registry, "");
}

static void test_parse_table(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < N_ITEMS(cases); i++) {
        const struct parse_case *pc = &cases[i];
        struct hhi_error err = { HHI_OK, "" };
        struct hhi_host_config c, before;
        size_t len = pc->len ? pc->len : strlen(pc->text);
        int rc;

        print_message("case %zu: %s\n", i, pc->text);
        hhi_host_config_defaults(&c);
        before = c;
        rc = hhi_host_config_parse(&c, "t.conf", pc->text, len, &err);
        assert_int_equal(rc, pc->rc);
        assert_int_equal(err.code, pc->rc);
        if (rc == HHI_OK) {
            expect_limits(&c, &pc->want);
            continue;
        }
        assert_string_equal(err.message, pc->message);
        assert_memory_equal(&c, &before, sizeof(c)); /* nothing applied */
    }
}

/* Parsing over a configuration keeps what the text does not mention. */
static void test_parse_over_previous(void **state)
{
    struct hhi_error err = { HHI_OK, "" };
    struct hhi_host_config c;
    const char *text = "max-hooks-per-resource = 9\n";

    (void)state;
    hhi_host_config_defaults(&c);
    c.limits.max_active_hooks = 5;
    strcpy(c.registry, "/before");
    assert_int_equal(hhi_host_config_parse(&c, "t.conf", text, strlen(text), &err), HHI_OK);
    assert_int_equal(c.limits.max_active_hooks, 5);
    assert_int_equal(c.limits.max_hooks_per_resource, 9);
    assert_string_equal(c.registry, "/before");
    text = "max-active-hooks = 0\n";
    assert_int_equal(hhi_host_config_parse(&c, "t.conf", text, strlen(text), &err), HHI_ECONFIG);
    assert_int_equal(c.limits.max_active_hooks, 5);
}

static void test_parse_odd_text(void **state)
{
    struct hhi_error err = { HHI_OK, "" };
    struct hhi_host_config c;
    char line[1100];
    static const char with_nul[] = "max-active-hooks = 3\n\0max-active-hooks = 4\n";

    (void)state;
    hhi_host_config_defaults(&c);
    assert_int_equal(hhi_host_config_parse(&c, "t.conf", with_nul, sizeof(with_nul) - 1, &err),
                     HHI_ECONFIG);
    assert_string_equal(err.message, "t.conf: NUL byte in the text");
    assert_int_equal(c.limits.max_active_hooks, 100);

    /* A line of 1023 characters is read, one of 1024 is not. */
    memset(line, ' ', sizeof(line));
    memcpy(line, "max-active-hooks = 8", 20);
    err.code = HHI_OK;
    assert_int_equal(hhi_host_config_parse(&c, "t.conf", line, 1023, &err), HHI_OK);
    assert_int_equal(c.limits.max_active_hooks, 8);
    assert_int_equal(hhi_host_config_parse(&c, "t.conf", line, 1024, &err), HHI_ECONFIG);
    assert_string_equal(err.message, "t.conf:1: line too long");

    /* Only the given length is read: no terminating NUL needed. */
    memcpy(line, "max-active-hooks = 12345", 24);
    err.code = HHI_OK;
    err.message[0] = '\0';
    assert_int_equal(hhi_host_config_parse(&c, "t.conf", line, 21, &err), HHI_OK);
    assert_int_equal(c.limits.max_active_hooks, 12);
}

static void write_text(const char *path, const char *text, size_t len)
{
    FILE *f = fopen(path, "wb");

    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static int make_dir(void **state)
{
    const char *builddir = getenv("HOOKHOST_TEST_BUILDDIR");
    char *dir = malloc(PATH_MAX);

    if (dir == NULL)
        return -1;
    snprintf(dir, PATH_MAX, "%s/host-config-XXXXXX", builddir != NULL ? builddir : "/tmp");
    if (mkdtemp(dir) == NULL) {
        free(dir);
        return -1;
    }
    *state = dir;
    return 0;
}

static int remove_dir(void **state)
{
    char *dir = *state;
    int rc = nftw(dir, remove_entry, 8, FTW_DEPTH | FTW_PHYS);

    free(dir);
    return rc == 0 ? 0 : -1;
}

static void test_read_files(void **state)
{
    struct hhi_error err = { HHI_OK, "" };
    struct hhi_host_config c;
    const char *dir = *state;
    char path[PATH_MAX + 32];
    char *big;

    /* Missing: fine when optional, an error naming it when required. */
    snprintf(path, sizeof(path), "%s/none.conf", dir);
    hhi_host_config_defaults(&c);
    assert_int_equal(hhi_host_config_read(&c, path, 0, &err), HHI_OK);
    assert_int_equal(c.limits.max_active_hooks, 100);
    assert_int_not_equal(hhi_host_config_read(&c, path, 1, &err), HHI_OK);
    assert_non_null(strstr(err.message, path));

    /* Empty: the defaults. */
    snprintf(path, sizeof(path), "%s/empty.conf", dir);
    write_text(path, "", 0);
    err.code = HHI_OK;
    assert_int_equal(hhi_host_config_read(&c, path, 1, &err), HHI_OK);
    assert_int_equal(err.code, HHI_OK);
    assert_int_equal(c.limits.max_active_hooks, 100);

    /* A setting, and an error naming the file and the line. */
    snprintf(path, sizeof(path), "%s/small.conf", dir);
    write_text(path, "max-active-hooks = 2\n", 21);
    assert_int_equal(hhi_host_config_read(&c, path, 1, &err), HHI_OK);
    assert_int_equal(c.limits.max_active_hooks, 2);
    write_text(path, "\nnope\n", 6);
    assert_int_equal(hhi_host_config_read(&c, path, 1, &err), HHI_ECONFIG);
    assert_non_null(strstr(err.message, "small.conf:2: expected 'key = value'"));
    assert_int_equal(c.limits.max_active_hooks, 2);

    /* Larger than any configuration needs: refused unread. */
    big = malloc(65 * 1024 + 1);
    assert_non_null(big);
    memset(big, '\n', 65 * 1024);
    snprintf(path, sizeof(path), "%s/big.conf", dir);
    write_text(path, big, 65 * 1024);
    free(big);
    err.code = HHI_OK;
    assert_int_equal(hhi_host_config_read(&c, path, 1, &err), HHI_ECONFIG);
    assert_non_null(strstr(err.message, "big.conf"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_parse_table),
        cmocka_unit_test(test_parse_over_previous),
        cmocka_unit_test(test_parse_odd_text),
        cmocka_unit_test_setup_teardown(test_read_files, make_dir, remove_dir),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
