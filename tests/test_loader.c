/*
 * The plugin loader: the shipped plugins load with what they declare; bad
 * plugins (tests/plugins/) are refused with one line naming the file and
 * the reason; the trust checks refuse files others could have written or
 * that lie outside the plugin directory; a plugin of a future ABI minor
 * loads; loading many plugins in sequence returns the right descriptor
 * every time.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "error.h"
#include "loader.h"
#include "services.h"

#define N_ITEMS(a) (sizeof(a) / sizeof((a)[0]))

/* --------------------------------------------------------------- helpers */

static const char *env_dir(const char *name)
{
    const char *v = getenv(name);

    if (v == NULL || v[0] == '\0')
        fail_msg("%s is not set: run the test through make check", name);
    return v;
}

static void join(char *buf, size_t size, const char *dir, const char *name)
{
    int n = snprintf(buf, size, "%s/%s", dir, name);

    assert_true(n > 0 && (size_t)n < size);
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void remove_tree(const char *path)
{
    assert_int_equal(nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS), 0);
}

static void copy_file(const char *from, const char *to, mode_t mode)
{
    char buf[65536];
    ssize_t n;
    int in, out;

    in = open(from, O_RDONLY | O_CLOEXEC);
    assert_true(in >= 0);
    out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    assert_true(out >= 0);
    while ((n = read(in, buf, sizeof(buf))) > 0)
        assert_int_equal(write(out, buf, (size_t)n), n);
    assert_int_equal(n, 0);
    assert_int_equal(close(in), 0);
    assert_int_equal(close(out), 0);
    /* chmod, not the open mode: the umask must not decide the test. */
    assert_int_equal(chmod(to, mode), 0);
}

static void write_text(const char *path, const char *text, size_t len)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, len), (ssize_t)len);
    assert_int_equal(close(fd), 0);
    assert_int_equal(chmod(path, 0644), 0);
}

static struct hhi_loader *loader_for(const char *dir, bool allow_insecure)
{
    struct hhi_loader_options opts = { dir, allow_insecure };
    struct hhi_error err = { HHI_OK, "" };
    struct hhi_loader *loader = NULL;

    if (hhi_loader_new(&loader, &opts, &err) != HHI_OK)
        fail_msg("hhi_loader_new(%s): %s", dir, err.message);
    assert_non_null(loader);
    return loader;
}

/*
 * A loader for a build output directory (plugins/.libs, tests/.libs).  Its
 * modes come from the umask of whoever built it: under umask 002 they are
 * group-writable and the trust checks would refuse every file, so such a
 * build is loaded without them (the trust tests use their own sandbox).
 */
static struct hhi_loader *loader_for_build(const char *dir)
{
    struct stat st;

    assert_int_equal(stat(dir, &st), 0);
    if (st.st_mode & (S_IWGRP | S_IWOTH)) {
        print_message("note: %s is group- or world-writable (umask?): loading it insecurely\n",
                      dir);
        return loader_for(dir, true);
    }
    return loader_for(dir, false);
}

static struct hhi_plugin *load_ok(struct hhi_loader *loader, const char *file)
{
    struct hhi_error err = { HHI_OK, "" };
    struct hhi_plugin *p = NULL;

    if (hhi_loader_load(loader, file, NULL, &p, &err) != HHI_OK)
        fail_msg("loading %s: %s", file, err.message);
    assert_non_null(p);
    assert_int_equal(err.code, HHI_OK);
    return p;
}

/*
 * Loading file must fail with HHI_EPLUGIN and a one-line message that holds
 * the name (when not NULL) and every phrase.
 */
static void expect_refused(struct hhi_loader *loader, const char *file, const char *name,
                           const char *const *phrases, size_t count)
{
    struct hhi_error err = { HHI_OK, "" };
    struct hhi_plugin *p = (struct hhi_plugin *)&err; /* must be reset to NULL */
    size_t i;
    int rc;

    rc = hhi_loader_load(loader, file, NULL, &p, &err);
    if (rc != HHI_EPLUGIN)
        fail_msg("loading %s: rc %d, expected HHI_EPLUGIN (%s)", file, rc, err.message);
    assert_null(p);
    assert_int_equal(err.code, HHI_EPLUGIN);
    assert_null(strchr(err.message, '\n'));
    assert_null(strchr(err.message, '\r'));
    if (name != NULL && strstr(err.message, name) == NULL)
        fail_msg("message does not name %s: %s", name, err.message);
    for (i = 0; i < count; i++) {
        if (strstr(err.message, phrases[i]) == NULL)
            fail_msg("message lacks \"%s\": %s", phrases[i], err.message);
    }
}

#define EXPECT_REFUSED(loader, file, name, ...)                                  \
    do {                                                                         \
        const char *const phrases_[] = { __VA_ARGS__ };                          \
        expect_refused((loader), (file), (name), phrases_, N_ITEMS(phrases_));   \
    } while (0)

/* A private directory under the build directory, with a plugins/ inside. */
struct sandbox {
    char root[PATH_MAX];    /* real path, mode 0700 */
    char plugins[PATH_MAX]; /* root/plugins, mode 0755 */
};

static int sandbox_setup(void **state)
{
    struct sandbox *sb = calloc(1, sizeof(*sb));
    char tmpl[PATH_MAX];
    char *real;

    assert_non_null(sb);
    join(tmpl, sizeof(tmpl), env_dir("HOOKHOST_TEST_BUILDDIR"), "loader-XXXXXX");
    assert_non_null(mkdtemp(tmpl));
    real = realpath(tmpl, NULL);
    assert_non_null(real);
    snprintf(sb->root, sizeof(sb->root), "%s", real);
    free(real);
    join(sb->plugins, sizeof(sb->plugins), sb->root, "plugins");
    assert_int_equal(mkdir(sb->plugins, 0755), 0);
    assert_int_equal(chmod(sb->plugins, 0755), 0);
    *state = sb;
    return 0;
}

static int sandbox_teardown(void **state)
{
    struct sandbox *sb = *state;

    (void)chmod(sb->plugins, 0755);
    remove_tree(sb->root);
    free(sb);
    return 0;
}

/* Copy a shipped plugin into the sandbox's plugin directory as name. */
static void stage(const struct sandbox *sb, const char *shipped, const char *name,
                  mode_t mode, char *path, size_t size)
{
    char from[PATH_MAX];

    join(from, sizeof(from), env_dir("HOOKHOST_TEST_PLUGIN_DIR"), shipped);
    join(path, size, sb->plugins, name);
    copy_file(from, path, mode);
}

/* The real path of dir/name, as the loader names files in its messages. */
static void real_path_of(const char *dir, const char *name, char *out, size_t size)
{
    char joined[PATH_MAX];
    char *real;

    join(joined, sizeof(joined), dir, name);
    real = realpath(joined, NULL);
    if (real == NULL)
        fail_msg("%s: %s (was it built?)", joined, strerror(errno));
    snprintf(out, size, "%s", real);
    free(real);
}

/* ------------------------------------------------------ shipped plugins */

struct target_case {
    const char *type;
    int32_t point;
    int32_t action;
    bool expected;
};

struct shipped_case {
    const char *file;
    const char *type_name;
    size_t handler_count;
    bool has_schema_property; /* its schema names configuration properties */
    struct target_case targets[8];
};

#define PRE HH_POINT_PRE_PROVISION
#define POST HH_POINT_POST_PROVISION

static const struct shipped_case shipped[] = {
    { "ct-s3-pr-1.so", "Hookhost::ControlTower::S3BucketPublicAccess", 2, false,
      { { "AWS::S3::Bucket", PRE, HH_ACTION_CREATE, true },
        { "AWS::S3::Bucket", PRE, HH_ACTION_UPDATE, true },
        { "AWS::S3::Bucket", PRE, HH_ACTION_DELETE, false },
        { "AWS::S3::Bucket", POST, HH_ACTION_CREATE, false },
        { "AWS::S3::BucketPolicy", PRE, HH_ACTION_CREATE, false },
        { "aws::s3::bucket", PRE, HH_ACTION_CREATE, false },
        { NULL, 0, 0, false } } },
    { "ct-rds-pr-8.so", "Hookhost::ControlTower::RdsBackupRetention", 2, false,
      { { "AWS::RDS::DBInstance", PRE, HH_ACTION_CREATE, true },
        { "AWS::RDS::DBInstance", PRE, HH_ACTION_UPDATE, true },
        { "AWS::RDS::DBInstance", PRE, HH_ACTION_DELETE, false },
        { "AWS::RDS::DBCluster", PRE, HH_ACTION_CREATE, false },
        { NULL, 0, 0, false } } },
    { "ct-ec2-pr-4.so", "Hookhost::ControlTower::Ec2RestrictedPorts", 2, false,
      { { "AWS::EC2::SecurityGroup", PRE, HH_ACTION_CREATE, true },
        { "AWS::EC2::SecurityGroupIngress", PRE, HH_ACTION_UPDATE, true },
        { "AWS::EC2::SecurityGroup", PRE, HH_ACTION_DELETE, false },
        { "AWS::EC2::SecurityGroupEgress", PRE, HH_ACTION_CREATE, false },
        { NULL, 0, 0, false } } },
    { "ec2-instance-type.so", "Hookhost::EC2::InstanceTypeAllowList", 2, true,
      { { "AWS::EC2::Instance", PRE, HH_ACTION_CREATE, true },
        { "AWS::EC2::LaunchTemplate", PRE, HH_ACTION_UPDATE, true },
        { "AWS::AutoScaling::LaunchConfiguration", PRE, HH_ACTION_CREATE, true },
        { "AWS::EC2::Instance", PRE, HH_ACTION_DELETE, false },
        { "AWS::EC2::Volume", PRE, HH_ACTION_CREATE, false },
        { NULL, 0, 0, false } } },
    { "noop.so", "Hookhost::Bench::NoOp", 6, false,
      { { "AWS::S3::Bucket", PRE, HH_ACTION_CREATE, true },
        { "AWS::S3::Bucket", PRE, HH_ACTION_DELETE, true },
        { "Anything::At::All", POST, HH_ACTION_UPDATE, true },
        { "x", POST, HH_ACTION_DELETE, true },
        { NULL, 0, 0, false } } },
};

static void check_shipped(struct hhi_loader *loader, const char *dir,
                          const struct shipped_case *c)
{
    struct hhi_plugin *p = load_ok(loader, c->file);
    char real[PATH_MAX];
    size_t i;

    real_path_of(dir, c->file, real, sizeof(real));
    assert_string_equal(p->path, real);
    assert_string_equal(p->desc.type_name, c->type_name);
    assert_string_equal(p->raw->type_name, c->type_name);
    assert_string_equal(p->desc.version, "1.0.0");
    assert_int_equal(p->desc.abi.major, HH_ABI_MAJOR);
    assert_int_equal(p->abi_minor, 0);
    assert_int_equal(p->desc.handler_count, c->handler_count);
    assert_int_equal(p->desc.default_failure_mode, HH_FAILURE_MODE_FAIL);
    assert_true(p->desc.flags & HH_PLUGIN_FLAG_CONCURRENT);
    assert_non_null(p->schema);
    assert_non_null(p->desc.configuration_schema);
    assert_int_equal(strstr(p->desc.configuration_schema, "AllowedInstanceTypes") != NULL,
                     c->has_schema_property);
    for (i = 0; c->targets[i].type != NULL; i++) {
        const struct target_case *t = &c->targets[i];

        if (hhi_plugin_targets(p, t->type, t->point, t->action) != t->expected)
            fail_msg("%s: targets(%s, point %d, action %d) should be %s", c->file, t->type,
                     (int)t->point, (int)t->action, t->expected ? "true" : "false");
    }
    hhi_plugin_free(p);
}

static void test_shipped_plugins(void **state)
{
    const char *dir = env_dir("HOOKHOST_TEST_PLUGIN_DIR");
    struct hhi_loader *loader = loader_for_build(dir);
    size_t i;

    (void)state;
    for (i = 0; i < N_ITEMS(shipped); i++)
        check_shipped(loader, dir, &shipped[i]);
    hhi_loader_free(loader);
}

static void test_shipped_patterns(void **state)
{
    const char *dir = env_dir("HOOKHOST_TEST_PLUGIN_DIR");
    struct hhi_loader *loader = loader_for_build(dir);
    struct hhi_plugin *s3 = load_ok(loader, "ct-s3-pr-1.so");
    char abs[PATH_MAX];
    struct hhi_plugin *again;

    (void)state;
    assert_true(hhi_plugin_targets_pattern(s3, "AWS::S3::*"));
    assert_true(hhi_plugin_targets_pattern(s3, "*"));
    assert_false(hhi_plugin_targets_pattern(s3, "AWS::EC2::*"));
    /* An absolute path inside the directory loads the same plugin. */
    real_path_of(dir, "ct-s3-pr-1.so", abs, sizeof(abs));
    again = load_ok(loader, abs);
    assert_string_equal(again->path, s3->path);
    assert_ptr_equal(again->raw, s3->raw);
    hhi_plugin_free(again);
    hhi_plugin_free(s3);
    hhi_loader_free(loader);
}

/* ---------------------------------------------------------- bad plugins */

struct bad_case {
    const char *file;
    const char *phrases[3];
};

static const struct bad_case bad_plugins[] = {
    { "abi-major2.so", { "built for plugin ABI major 2", "this host supports major 1", NULL } },
    { "no-entry.so", { "no entry function hookhost_plugin_entry", "not a hookhost plugin",
                       NULL } },
    { "entry-refuses.so", { "does not support the host's plugin ABI 1.0", NULL, NULL } },
    { "null-descriptor.so", { "entry function returned no descriptor", NULL, NULL } },
    { "short-descriptor.so", { "descriptor of 88 bytes", "smaller than ABI 1.0's 104",
                               NULL } },
    { "bad-type-name.so", { "type name \"NotAValidName\"", "does not match Org::Service::Name",
                            NULL } },
    { "reserved-namespace.so", { "AWS::S3::Thing", "uses the reserved namespace AWS", NULL } },
    { "no-handlers.so", { "Test::Abi::NoHandlers", "1 to 64 handlers required", NULL } },
    { "bad-schema.so", { "Test::Abi::BadSchema", "configuration schema", "invalid JSON" } },
    { "bad-schema-keyword.so", { "Test::Abi::BadSchemaKeyword", "configuration schema",
                                 "unknown keyword" } },
};

static void test_bad_plugins(void **state)
{
    const char *dir = env_dir("HOOKHOST_TEST_BAD_PLUGIN_DIR");
    struct hhi_loader *loader = loader_for_build(dir);
    size_t i, n;

    (void)state;
    /* The sizes in the phrases are ABI 1.0's on LP64. */
    assert_int_equal(sizeof(struct hh_plugin), 104);
    for (i = 0; i < N_ITEMS(bad_plugins); i++) {
        const struct bad_case *c = &bad_plugins[i];
        char real[PATH_MAX];

        real_path_of(dir, c->file, real, sizeof(real));
        for (n = 0; n < N_ITEMS(c->phrases) && c->phrases[n] != NULL; n++)
            ;
        expect_refused(loader, c->file, real, c->phrases, n);
        /* Refusing is repeatable: nothing half-loaded is left behind. */
        expect_refused(loader, real, real, c->phrases, n);
    }
    hhi_loader_free(loader);
}

/* The schema of an unknown keyword is named by its JSON path. */
static void test_bad_schema_names_keyword(void **state)
{
    const char *dir = env_dir("HOOKHOST_TEST_BAD_PLUGIN_DIR");
    struct hhi_loader *loader = loader_for_build(dir);

    (void)state;
    EXPECT_REFUSED(loader, "bad-schema-keyword.so", NULL, "properties.Contact.format: unknown keyword");
    hhi_loader_free(loader);
}

/* A plugin of ABI 1.7 with a larger descriptor loads and works. */
static void test_future_minor_loads(void **state)
{
    const char *dir = env_dir("HOOKHOST_TEST_BAD_PLUGIN_DIR");
    struct hhi_loader *loader = loader_for_build(dir);
    struct hhi_plugin *p = load_ok(loader, "future-minor.so");
    struct hhi_log_sink log = { NULL, HH_LOG_ERROR };
    struct hh_instance_args args;
    struct hh_request req;
    struct hh_context ctx;
    void *instance = NULL;

    (void)state;
    assert_string_equal(p->desc.type_name, "Test::Abi::FutureMinor");
    assert_int_equal(p->abi_minor, 7);
    assert_string_equal(p->desc.version, "1.7.0");
    assert_int_equal(p->desc.default_failure_mode, HH_FAILURE_MODE_WARN);
    assert_true(p->raw->abi.struct_size > sizeof(struct hh_plugin));
    assert_null(p->desc.get_extension);
    /* Its handlers are larger than ours: they are read with its handler_size. */
    assert_int_equal(p->desc.handler_count, 2);
    assert_true(p->desc.handler_size > sizeof(struct hh_handler));
    assert_true(hhi_plugin_targets(p, "AWS::EC2::Instance", HH_POINT_PRE_PROVISION,
                                   HH_ACTION_CREATE));
    assert_true(hhi_plugin_targets(p, "AWS::S3::Bucket", HH_POINT_PRE_PROVISION,
                                   HH_ACTION_DELETE));
    assert_false(hhi_plugin_targets(p, "AWS::EC2::Instance", HH_POINT_PRE_PROVISION,
                                    HH_ACTION_DELETE));
    assert_false(hhi_plugin_targets(p, "AWS::S3::Bucket", HH_POINT_PRE_PROVISION,
                                    HH_ACTION_UPDATE));
    assert_false(hhi_plugin_targets(p, "AWS::S3::Bucket", HH_POINT_POST_PROVISION,
                                    HH_ACTION_CREATE));
    assert_true(hhi_plugin_targets_pattern(p, "AWS::Lambda::*"));

    memset(&args, 0, sizeof(args));
    args.abi = (struct hh_abi)HH_ABI_INIT(struct hh_instance_args);
    args.host = hhi_host_api();
    args.hook_type_name = p->desc.type_name;
    args.configuration = "{}";
    args.configuration_length = 2;
    hhi_context_init(&ctx, p->desc.type_name, &log);
    assert_int_equal(p->desc.create(&ctx, &args, &instance), HH_OK);
    assert_non_null(instance);

    memset(&req, 0, sizeof(req));
    req.abi = (struct hh_abi)HH_ABI_INIT(struct hh_request);
    req.hook_type_name = p->desc.type_name;
    req.target_type = "AWS::S3::Bucket";
    req.logical_id = "Bucket";
    req.stack_name = "";
    req.invocation_count = 1;
    hhi_context_reset(&ctx);
    p->desc.invoke(instance, &ctx, &req);
    assert_true(ctx.answered);
    assert_false(ctx.broken);
    assert_int_equal(ctx.status, HH_STATUS_SUCCESS);
    assert_string_equal(ctx.message, "from the future");
    p->desc.destroy(instance);
    hhi_context_release(&ctx);
    hhi_plugin_free(p);
    hhi_loader_free(loader);
}

/* Files that are no library at all. */
static void test_not_a_library(void **state)
{
    static const char text[] = "this is not a shared object\n";
    static const char fake_elf[] = "\177ELF but nothing of an ELF file after the magic";
    struct sandbox *sb = *state;
    struct hhi_loader *loader = loader_for(sb->plugins, false);
    char path[PATH_MAX];

    join(path, sizeof(path), sb->plugins, "text.so");
    write_text(path, text, sizeof(text) - 1);
    EXPECT_REFUSED(loader, "text.so", path, "not a loadable library (no ELF header)");

    join(path, sizeof(path), sb->plugins, "empty.so");
    write_text(path, "", 0);
    EXPECT_REFUSED(loader, "empty.so", path, "not a loadable library (no ELF header)");

    join(path, sizeof(path), sb->plugins, "fake.so");
    write_text(path, fake_elf, sizeof(fake_elf) - 1);
    EXPECT_REFUSED(loader, "fake.so", path, "not a loadable library:");

    join(path, sizeof(path), sb->plugins, "missing.so");
    EXPECT_REFUSED(loader, "missing.so", path, "No such file or directory");
    EXPECT_REFUSED(loader, "", NULL, "empty file name");
    hhi_loader_free(loader);
}

/* ----------------------------------------------------------------- trust */

static void test_trust_file_mode(void **state)
{
    struct sandbox *sb = *state;
    struct hhi_loader *strict = loader_for(sb->plugins, false);
    struct hhi_loader *insecure = loader_for(sb->plugins, true);
    struct hhi_plugin *p;
    char path[PATH_MAX];

    stage(sb, "noop.so", "world.so", 0666, path, sizeof(path));
    EXPECT_REFUSED(strict, "world.so", path, "writable by group or others", "(mode 0666)",
                   "refusing to load");
    stage(sb, "noop.so", "group.so", 0664, path, sizeof(path));
    EXPECT_REFUSED(strict, "group.so", path, "writable by group or others", "(mode 0664)");

    /* allow_insecure skips the ownership and permission checks. */
    p = load_ok(insecure, "world.so");
    assert_string_equal(p->desc.type_name, "Hookhost::Bench::NoOp");
    hhi_plugin_free(p);

    /* The same file, made safe, loads in strict mode. */
    assert_int_equal(chmod(path, 0755), 0);
    p = load_ok(strict, "group.so");
    assert_string_equal(p->desc.type_name, "Hookhost::Bench::NoOp");
    assert_string_equal(p->path, path);
    hhi_plugin_free(p);
    hhi_loader_free(insecure);
    hhi_loader_free(strict);
}

static void test_trust_dir_mode(void **state)
{
    struct sandbox *sb = *state;
    struct hhi_loader *strict = loader_for(sb->plugins, false);
    struct hhi_loader *insecure = loader_for(sb->plugins, true);
    struct hhi_plugin *p;
    char path[PATH_MAX];

    stage(sb, "noop.so", "noop.so", 0755, path, sizeof(path));
    assert_int_equal(chmod(sb->plugins, 0777), 0);
    EXPECT_REFUSED(strict, "noop.so", path, sb->plugins, "writable by group or others",
                   "(mode 0777)");
    assert_int_equal(chmod(sb->plugins, 0775), 0);
    EXPECT_REFUSED(strict, "noop.so", path, "writable by group or others", "(mode 0775)");
    p = load_ok(insecure, "noop.so");
    hhi_plugin_free(p);
    assert_int_equal(chmod(sb->plugins, 0755), 0);
    p = load_ok(strict, "noop.so");
    hhi_plugin_free(p);
    hhi_loader_free(insecure);
    hhi_loader_free(strict);
}

static void test_trust_owner(void **state)
{
    struct sandbox *sb = *state;
    struct hhi_loader *loader;
    char path[PATH_MAX];

    if (geteuid() != 0)
        skip(); /* only root can give a file away */
    loader = loader_for(sb->plugins, false);
    stage(sb, "noop.so", "theirs.so", 0755, path, sizeof(path));
    assert_int_equal(chown(path, 4242, 4242), 0);
    EXPECT_REFUSED(loader, "theirs.so", path, "owned by uid 4242", "not by root or by us");
    hhi_loader_free(loader);
}

static void test_trust_outside(void **state)
{
    struct sandbox *sb = *state;
    struct hhi_loader *loader = loader_for(sb->plugins, false);
    char outside[PATH_MAX], link[PATH_MAX], inside[PATH_MAX], shipped_abs[PATH_MAX];
    struct hhi_plugin *p;

    /* A real plugin next to the plugin directory, not in it. */
    join(outside, sizeof(outside), sb->root, "x.so");
    real_path_of(env_dir("HOOKHOST_TEST_PLUGIN_DIR"), "noop.so", shipped_abs,
                 sizeof(shipped_abs));
    copy_file(shipped_abs, outside, 0755);

    EXPECT_REFUSED(loader, "../x.so", outside, "outside the plugin directory", sb->plugins);
    EXPECT_REFUSED(loader, outside, outside, "outside the plugin directory");
    EXPECT_REFUSED(loader, shipped_abs, shipped_abs, "outside the plugin directory");

    /* A symbolic link inside that points outside. */
    join(link, sizeof(link), sb->plugins, "escape.so");
    assert_int_equal(symlink(outside, link), 0);
    EXPECT_REFUSED(loader, "escape.so", outside, "outside the plugin directory");
    join(link, sizeof(link), sb->plugins, "escape-relative.so");
    assert_int_equal(symlink("../x.so", link), 0);
    EXPECT_REFUSED(loader, "escape-relative.so", outside, "outside the plugin directory");

    /* A directory whose name merely starts like the plugin directory. */
    join(link, sizeof(link), sb->root, "plugins2");
    assert_int_equal(mkdir(link, 0755), 0);
    join(inside, sizeof(inside), link, "x.so");
    copy_file(shipped_abs, inside, 0755);
    EXPECT_REFUSED(loader, "../plugins2/x.so", inside, "outside the plugin directory");

    /* A symbolic link that stays inside is followed to its target. */
    stage(sb, "noop.so", "real.so", 0755, inside, sizeof(inside));
    join(link, sizeof(link), sb->plugins, "alias.so");
    assert_int_equal(symlink("real.so", link), 0);
    p = load_ok(loader, "alias.so");
    assert_string_equal(p->path, inside);
    hhi_plugin_free(p);
    hhi_loader_free(loader);
}

static void test_trust_not_regular(void **state)
{
    struct sandbox *sb = *state;
    struct hhi_loader *loader = loader_for(sb->plugins, false);
    char path[PATH_MAX];

    join(path, sizeof(path), sb->plugins, "fifo.so");
    assert_int_equal(mkfifo(path, 0644), 0);
    EXPECT_REFUSED(loader, "fifo.so", path, "not a regular file");
    join(path, sizeof(path), sb->plugins, "dir.so");
    assert_int_equal(mkdir(path, 0755), 0);
    EXPECT_REFUSED(loader, "dir.so", path, "not a regular file");
    EXPECT_REFUSED(loader, "/dev/null", NULL, "outside the plugin directory");
    hhi_loader_free(loader);
}

/* ------------------------------------------------------------- sequences */

static void expect_type(struct hhi_loader *loader, const char *file, const char *type,
                        const struct hh_plugin **raw)
{
    struct hhi_plugin *p = load_ok(loader, file);

    if (strcmp(p->desc.type_name, type) != 0)
        fail_msg("loading %s returned %s, expected %s", file, p->desc.type_name, type);
    assert_string_equal(p->raw->type_name, type);
    if (raw != NULL)
        *raw = p->raw;
    hhi_plugin_free(p);
}

/*
 * Regression: the loader opens plugins as /proc/self/fd/N.  When N was
 * closed after loading, the next plugin got the same N and the dynamic
 * loader, knowing a module of that name, returned the first plugin again.
 */
static void test_load_sequence(void **state)
{
    const char *dir = env_dir("HOOKHOST_TEST_PLUGIN_DIR");
    const struct hh_plugin *first = NULL, *second = NULL, *third = NULL;
    struct sandbox *sb = *state;
    struct hhi_loader *loader = loader_for_build(dir);
    struct hhi_loader *staged;
    char path[PATH_MAX];

    expect_type(loader, "noop.so", "Hookhost::Bench::NoOp", &first);
    expect_type(loader, "ct-s3-pr-1.so", "Hookhost::ControlTower::S3BucketPublicAccess",
                &second);
    assert_ptr_not_equal(first, second);
    /* The same file again is the same resident module. */
    expect_type(loader, "noop.so", "Hookhost::Bench::NoOp", &third);
    assert_ptr_equal(first, third);
    expect_type(loader, "ct-rds-pr-8.so", "Hookhost::ControlTower::RdsBackupRetention", NULL);
    expect_type(loader, "ct-s3-pr-1.so", "Hookhost::ControlTower::S3BucketPublicAccess",
                &third);
    assert_ptr_equal(second, third);
    hhi_loader_free(loader);

    /* A failed load in between, and a fresh loader after the first is gone. */
    loader = loader_for_build(dir);
    expect_type(loader, "ct-ec2-pr-4.so", "Hookhost::ControlTower::Ec2RestrictedPorts", NULL);
    EXPECT_REFUSED(loader, "missing.so", NULL, "No such file or directory");
    expect_type(loader, "ec2-instance-type.so", "Hookhost::EC2::InstanceTypeAllowList", NULL);
    hhi_loader_free(loader);

    /* Copies of the same plugin under two names are two modules. */
    staged = loader_for(sb->plugins, false);
    stage(sb, "noop.so", "a.so", 0755, path, sizeof(path));
    stage(sb, "ct-rds-pr-8.so", "b.so", 0755, path, sizeof(path));
    stage(sb, "noop.so", "c.so", 0755, path, sizeof(path));
    expect_type(staged, "a.so", "Hookhost::Bench::NoOp", &first);
    expect_type(staged, "b.so", "Hookhost::ControlTower::RdsBackupRetention", NULL);
    expect_type(staged, "c.so", "Hookhost::Bench::NoOp", &second);
    assert_ptr_not_equal(first, second);
    hhi_loader_free(staged);
}

static void test_bad_then_good(void **state)
{
    const char *dir = env_dir("HOOKHOST_TEST_BAD_PLUGIN_DIR");
    struct hhi_loader *loader = loader_for_build(dir);

    (void)state;
    /* Modules refused after loading stay open: the next file is not taken for them. */
    EXPECT_REFUSED(loader, "abi-major2.so", NULL, "major 2");
    expect_type(loader, "future-minor.so", "Test::Abi::FutureMinor", NULL);
    EXPECT_REFUSED(loader, "bad-type-name.so", NULL, "NotAValidName");
    expect_type(loader, "contract-counter.so", "Test::Contract::Counter", NULL);
    EXPECT_REFUSED(loader, "no-entry.so", NULL, "no entry function");
    expect_type(loader, "contract-no-answer.so", "Test::Contract::NoAnswer", NULL);
    hhi_loader_free(loader);
}

/* ----------------------------------------------------------- type names */

static void test_type_names(void **state)
{
    static const char *const valid[] = {
        "Hookhost::Bench::NoOp", "My::Org::Hook1", "ab::cd::ef",
    };
    static const char *const invalid[] = {
        "", "NotAValidName", "A::B::C", "My::Org", "My::Org::Hook::Extra", "My:Org::Hook",
        "My::Org::Ho-ok", "My::::Hook", "My::Org::", "::Org::Hook", "My::Org::Hook ",
    };
    size_t i;

    (void)state;
    for (i = 0; i < N_ITEMS(valid); i++) {
        if (!hhi_type_name_valid(valid[i]))
            fail_msg("\"%s\" should be valid", valid[i]);
    }
    for (i = 0; i < N_ITEMS(invalid); i++) {
        if (hhi_type_name_valid(invalid[i]))
            fail_msg("\"%s\" should be invalid", invalid[i]);
    }
    assert_false(hhi_type_name_valid(NULL));
}

static void test_loader_new_errors(void **state)
{
    struct hhi_loader_options opts = { "/nonexistent/hookhost/plugins", false };
    struct hhi_error err = { HHI_OK, "" };
    struct hhi_loader *loader = (struct hhi_loader *)&err;

    (void)state;
    assert_int_equal(hhi_loader_new(&loader, &opts, &err), HHI_ECONFIG);
    assert_null(loader);
    assert_non_null(strstr(err.message, "/nonexistent/hookhost/plugins"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shipped_plugins),
        cmocka_unit_test(test_shipped_patterns),
        cmocka_unit_test(test_bad_plugins),
        cmocka_unit_test(test_bad_schema_names_keyword),
        cmocka_unit_test(test_future_minor_loads),
        cmocka_unit_test_setup_teardown(test_not_a_library, sandbox_setup, sandbox_teardown),
        cmocka_unit_test_setup_teardown(test_trust_file_mode, sandbox_setup, sandbox_teardown),
        cmocka_unit_test_setup_teardown(test_trust_dir_mode, sandbox_setup, sandbox_teardown),
        cmocka_unit_test_setup_teardown(test_trust_owner, sandbox_setup, sandbox_teardown),
        cmocka_unit_test_setup_teardown(test_trust_outside, sandbox_setup, sandbox_teardown),
        cmocka_unit_test_setup_teardown(test_trust_not_regular, sandbox_setup,
                                        sandbox_teardown),
        cmocka_unit_test_setup_teardown(test_load_sequence, sandbox_setup, sandbox_teardown),
        cmocka_unit_test(test_bad_then_good),
        cmocka_unit_test(test_type_names),
        cmocka_unit_test(test_loader_new_errors),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
