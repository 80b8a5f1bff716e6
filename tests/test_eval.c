#include "config.h"

/*
 * `hookhost eval` end to end, through the real binary: the golden report
 * of the example, exit codes, one-line errors for every kind of bad input
 * or configuration, and how hooks are chosen, ordered and reported.
 *
 * Each test works in a fresh directory under $HOOKHOST_TEST_BUILDDIR,
 * removed afterwards.  JSON written by the tests uses single quotes,
 * turned into double quotes when the file is written.
 */

#include <errno.h>
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
#include <json-c/json.h>

#include "runner.h"

#define N_ITEMS(a) (sizeof(a) / sizeof((a)[0]))
#define MAX_ARGS 32
#define QUOTA 307200

/* Hook files: plugin, extra top-level members, HookConfiguration members. */
#define HOOK(plugin, extra, hc) \
    "{'plugin':'" plugin "'" extra ",'CloudFormationConfiguration':{'HookConfiguration':{" hc "}}}"
#define ON "'HookInvocationStatus':'ENABLED','TargetStacks':'ALL'"
#define ALIAS(name) ",'typeNameAlias':'" name "'"

#define BUCKET_OK \
    "{'Type':'AWS::S3::Bucket','Properties':{'PublicAccessBlockConfiguration':{" \
    "'BlockPublicAcls':true,'BlockPublicPolicy':true,'IgnorePublicAcls':true," \
    "'RestrictPublicBuckets':true}}}"
#define BUCKET_OPEN "{'Type':'AWS::S3::Bucket'}"
#define TOPIC "{'Type':'AWS::SNS::Topic'}"

#define S3_HOOK(mode) HOOK("ct-s3-pr-1.so", "", ON ",'FailureMode':'" mode "'")

/* ------------------------------------------------------------ directories */

/* A directory of the test: files, and hooks.d for the hooks. */
struct box {
    char dir[PATH_MAX];
    char hooks[PATH_MAX];
};

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void box_paths(struct box *b)
{
    int n = snprintf(b->hooks, sizeof(b->hooks), "%s/hooks.d", b->dir);

    assert_true(n > 0 && (size_t)n < sizeof(b->hooks));
}

static int setup(void **state)
{
    struct box *b = calloc(1, sizeof(*b));

    if (b == NULL)
        return -1;
    snprintf(b->dir, sizeof(b->dir), "%s/eval-XXXXXX", hh_test_env("HOOKHOST_TEST_BUILDDIR"));
    if (mkdtemp(b->dir) == NULL) {
        free(b);
        return -1;
    }
    box_paths(b);
    if (mkdir(b->hooks, 0700) != 0) {
        rmdir(b->dir);
        free(b);
        return -1;
    }
    *state = b;
    return 0;
}

static int teardown(void **state)
{
    struct box *b = *state;
    int rc = nftw(b->dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);

    free(b);
    return rc == 0 ? 0 : -1;
}

/* A box inside parent, named name. */
static void sub_box(struct box *b, const struct box *parent, const char *name)
{
    int n = snprintf(b->dir, sizeof(b->dir), "%s/%s", parent->dir, name);

    assert_true(n > 0 && (size_t)n < sizeof(b->dir));
    box_paths(b);
    assert_int_equal(mkdir(b->dir, 0700), 0);
    assert_int_equal(mkdir(b->hooks, 0700), 0);
}

static void box_path(const struct box *b, const char *name, char *out, size_t cap)
{
    int n = snprintf(out, cap, "%s/%s", b->dir, name);

    assert_true(n > 0 && (size_t)n < cap);
}

static void write_raw(const char *path, const char *data, size_t len)
{
    FILE *f = fopen(path, "wb");

    if (f == NULL)
        fail_msg("cannot create %s: %s", path, strerror(errno));
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

/* Write text into the box's file name, single quotes becoming double quotes. */
static void put(const struct box *b, const char *name, const char *text)
{
    char path[PATH_MAX];
    char *copy = strdup(text);
    char *p;

    assert_non_null(copy);
    for (p = copy; *p != '\0'; p++) {
        if (*p == '\'')
            *p = '"';
    }
    box_path(b, name, path, sizeof(path));
    write_raw(path, copy, strlen(copy));
    free(copy);
}

static char *read_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    long size;

    if (f == NULL)
        fail_msg("cannot read %s: %s", path, strerror(errno));
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    size = ftell(f);
    assert_true(size >= 0);
    rewind(f);
    buf = malloc((size_t)size + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)size, f), (size_t)size);
    buf[size] = '\0';
    fclose(f);
    return buf;
}

/* ------------------------------------------------------------------ running */

/*
 * Run hookhost with args (after the program name).  "@H" is the box's
 * hooks directory, "@P" the plugin directory, "@" the box itself and
 * "@name" the box's file name.
 */
static void run_args(struct hh_run *run, const struct box *b, const char *const args[])
{
    const char *argv[MAX_ARGS + 1];
    char *owned[MAX_ARGS];
    size_t i, n = 0;

    for (i = 0; args[i] != NULL; i++) {
        assert_true(i < MAX_ARGS);
        owned[i] = NULL;
        if (strcmp(args[i], "@H") == 0) {
            argv[i] = b->hooks;
        } else if (strcmp(args[i], "@P") == 0) {
            argv[i] = hh_test_env("HOOKHOST_TEST_PLUGIN_DIR");
        } else if (args[i][0] == '@') {
            owned[i] = malloc(PATH_MAX);
            assert_non_null(owned[i]);
            box_path(b, args[i] + 1, owned[i], PATH_MAX);
            argv[i] = owned[i];
        } else {
            argv[i] = args[i];
        }
        n = i + 1;
    }
    argv[n] = NULL;
    assert_int_equal(hh_run_hookhost(run, argv, NULL), 0);
    for (i = 0; i < n; i++)
        free(owned[i]);
}

/* hookhost eval -d <box hooks> -p <plugins> args... */
static void eval(struct hh_run *run, const struct box *b, const char *const args[])
{
    const char *full[MAX_ARGS + 1] = { "eval", "-d", "@H", "-p", "@P" };
    size_t i;

    for (i = 0; args[i] != NULL; i++) {
        assert_true(i + 5 < MAX_ARGS);
        full[i + 5] = args[i];
    }
    full[i + 5] = NULL;
    run_args(run, b, full);
}

/* The run reported, without an error. */
static void assert_ran(const struct hh_run *run, int exit_code)
{
    if (run->exit_code != exit_code || run->err_len != 0)
        fail_msg("exit %d (expected %d), stderr: %s", run->exit_code, exit_code, run->err);
}

/*
 * Is the run an error: exit 2, nothing on stdout, exactly one line
 * "hookhost: ..." holding each of expect ("~text": in any case)?  Returns
 * NULL, or what is wrong in why.
 */
static const char *error_problem(const struct hh_run *run, const char *const expect[],
                                 size_t n, char *why, size_t cap)
{
    const char *newline = strchr(run->err, '\n');
    size_t i;

    if (run->exit_code != 2)
        snprintf(why, cap, "exit %d, expected 2", run->exit_code);
    else if (run->out_len != 0)
        snprintf(why, cap, "stdout not empty: %.200s", run->out);
    else if (strncmp(run->err, "hookhost: ", 10) != 0)
        snprintf(why, cap, "stderr does not start with \"hookhost: \"");
    else if (newline == NULL || newline != run->err + run->err_len - 1)
        snprintf(why, cap, "stderr is not exactly one line");
    else
        why[0] = '\0';
    for (i = 0; why[0] == '\0' && i < n && expect[i] != NULL; i++) {
        bool any_case = expect[i][0] == '~';
        const char *text = expect[i] + any_case;

        if ((any_case ? strcasestr(run->err, text) : strstr(run->err, text)) == NULL)
            snprintf(why, cap, "stderr lacks \"%s\"", text);
    }
    return why[0] != '\0' ? why : NULL;
}

/* -------------------------------------------------------------- the report */

static json_object *report_of(const struct hh_run *run)
{
    json_object *doc = json_tokener_parse(run->out);

    if (doc == NULL || !json_object_is_type(doc, json_type_object))
        fail_msg("the report is not a JSON object: %.300s", run->out);
    return doc;
}

static json_object *member(json_object *obj, const char *key)
{
    json_object *v = NULL;

    if (!json_object_object_get_ex(obj, key, &v))
        fail_msg("no member %s in %.300s", key, json_object_to_json_string(obj));
    return v;
}

static const char *string_member(json_object *obj, const char *key)
{
    json_object *v = member(obj, key);

    if (!json_object_is_type(v, json_type_string))
        fail_msg("member %s is not a string: %s", key, json_object_to_json_string(obj));
    return json_object_get_string(v);
}

static int64_t int_member(json_object *obj, const char *key)
{
    json_object *v = member(obj, key);

    if (!json_object_is_type(v, json_type_int))
        fail_msg("member %s is not an integer", key);
    return json_object_get_int64(v);
}

static json_object *array_member(json_object *obj, const char *key)
{
    json_object *v = member(obj, key);

    if (!json_object_is_type(v, json_type_array))
        fail_msg("member %s is not an array", key);
    return v;
}

static void assert_string_member(json_object *obj, const char *key, const char *expected)
{
    const char *got = string_member(obj, key);

    if (strcmp(got, expected) != 0)
        fail_msg("%s is \"%s\", expected \"%s\" in %.400s", key, got, expected,
                 json_object_to_json_string(obj));
}

struct counts {
    int64_t operations, judged, invocations, succeeded, failed, warned;
};

/* The summary holds these counts, and they add up. */
static void assert_summary(json_object *report, const char *verdict, const struct counts *want)
{
    json_object *s = member(report, "summary");
    const struct {
        const char *key;
        int64_t value;
    } rows[] = {
        { "operations", want->operations }, { "operationsJudged", want->judged },
        { "invocations", want->invocations }, { "succeeded", want->succeeded },
        { "failed", want->failed }, { "warned", want->warned },
    };
    size_t i;

    assert_string_member(report, "verdict", verdict);
    for (i = 0; i < N_ITEMS(rows); i++) {
        if (int_member(s, rows[i].key) != rows[i].value)
            fail_msg("summary.%s is %lld, expected %lld", rows[i].key,
                     (long long)int_member(s, rows[i].key), (long long)rows[i].value);
    }
    assert_int_equal(int_member(s, "succeeded") + int_member(s, "failed") +
                     int_member(s, "warned"), int_member(s, "invocations"));
    assert_int_equal(int_member(s, "nonCompliant") + int_member(s, "hookFailures"),
                     int_member(s, "failed") + int_member(s, "warned"));
    assert_int_equal(json_object_array_length(array_member(report, "results")),
                     (size_t)want->invocations);
}

/* One expected result; NULL members are not checked. */
struct result_want {
    const char *logical_id;
    const char *hook;
    const char *status;        /* SUCCESS or FAILED */
    const char *failure_mode;
};

static void assert_results(json_object *report, const struct result_want *want, size_t n)
{
    json_object *results = array_member(report, "results");
    size_t i;

    if (json_object_array_length(results) != n)
        fail_msg("%zu results, expected %zu: %.2000s", json_object_array_length(results), n,
                 json_object_to_json_string(results));
    for (i = 0; i < n; i++) {
        json_object *r = json_object_array_get_idx(results, i);

        assert_string_member(r, "logicalId", want[i].logical_id);
        assert_string_member(r, "hook", want[i].hook);
        if (want[i].status != NULL)
            assert_string_member(r, "status", want[i].status);
        if (want[i].failure_mode != NULL)
            assert_string_member(r, "failureMode", want[i].failure_mode);
        assert_string_member(r, "action", "CREATE");
        assert_string_member(r, "invocationPoint", "PRE_PROVISION");
    }
}

/* ------------------------------------------------------ (a) golden outputs */

/* Each golden line matches exactly, or by prefix when it ends in "...". */
static void assert_golden(const char *actual, const char *golden_path)
{
    char *golden = read_text(golden_path);
    const char *g = golden, *a = actual;
    size_t line = 1;

    while (*g != '\0' || *a != '\0') {
        const char *g_end = strchr(g, '\n'), *a_end = strchr(a, '\n');
        size_t g_len, a_len;

        if (g_end == NULL || a_end == NULL)
            fail_msg("line %zu: one side ends early (or lacks a final newline):\n"
                     "  golden %s\n  actual %s", line, g, a);
        g_len = (size_t)(g_end - g);
        a_len = (size_t)(a_end - a);
        if (g_len >= 3 && strncmp(g_end - 3, "...", 3) == 0) {
            if (a_len < g_len - 3 || strncmp(a, g, g_len - 3) != 0)
                fail_msg("line %zu:\n  golden %.*s\n  actual %.*s", line, (int)g_len, g,
                         (int)a_len, a);
        } else if (g_len != a_len || strncmp(a, g, g_len) != 0) {
            fail_msg("line %zu:\n  golden %.*s\n  actual %.*s", line, (int)g_len, g,
                     (int)a_len, a);
        }
        g = g_end + 1;
        a = a_end + 1;
        line++;
    }
    free(golden);
}

static const struct golden_result {
    const char *logical_id, *target_type, *hook, *status, *hook_status, *failure_mode;
    const char *error_code;  /* NULL: JSON null */
    const char *message;     /* prefix */
} golden_results[] = {
    { "LogsBucket", "AWS::S3::Bucket", "Hookhost::ControlTower::S3BucketPublicAccess", "SUCCESS",
      "HOOK_COMPLETE_SUCCEEDED", "FAIL", NULL, "[CT.S3.PR.1]" },
    { "AssetsBucket", "AWS::S3::Bucket", "Hookhost::ControlTower::S3BucketPublicAccess", "FAILED",
      "HOOK_COMPLETE_FAILED", "FAIL", "NonCompliant", "[CT.S3.PR.1]" },
    { "Database", "AWS::RDS::DBInstance", "Hookhost::ControlTower::RdsBackupRetention", "FAILED",
      "HOOK_COMPLETE_FAILED", "FAIL", "NonCompliant", "[CT.RDS.PR.8]" },
    { "WebSecurityGroup", "AWS::EC2::SecurityGroup", "Hookhost::ControlTower::Ec2RestrictedPorts",
      "FAILED", "HOOK_COMPLETE_FAILED", "FAIL", "NonCompliant", "[CT.EC2.PR.4]" },
    { "WebServer", "AWS::EC2::Instance", "Example::Dev::SmallInstances", "FAILED",
      "HOOK_COMPLETE_FAILED", "WARN", "NonCompliant", "InstanceType \"m5.4xlarge\"" },
};

/* The hooks as the report lists them: in run order (priority 0, then name). */
static const struct golden_hook {
    const char *hook, *type_name, *failure_mode, *source;
} golden_hooks[] = {
    { "Example::Dev::SmallInstances", "Hookhost::EC2::InstanceTypeAllowList", "WARN",
      "hooks.d/40-dev-instance-types.json" },
    { "Hookhost::ControlTower::Ec2RestrictedPorts", "Hookhost::ControlTower::Ec2RestrictedPorts",
      "FAIL", "hooks.d/30-ct-ec2-pr-4.json" },
    { "Hookhost::ControlTower::RdsBackupRetention", "Hookhost::ControlTower::RdsBackupRetention",
      "FAIL", "hooks.d/20-ct-rds-pr-8.json" },
    { "Hookhost::ControlTower::S3BucketPublicAccess",
      "Hookhost::ControlTower::S3BucketPublicAccess", "FAIL", "hooks.d/10-ct-s3-pr-1.json" },
};

static void assert_golden_result(json_object *r, const struct golden_result *w)
{
    const char *message = string_member(r, "message");

    assert_string_member(r, "file", "templates/web-app.json");
    assert_string_member(r, "logicalId", w->logical_id);
    assert_string_member(r, "targetType", w->target_type);
    assert_string_member(r, "action", "CREATE");
    assert_string_member(r, "invocationPoint", "PRE_PROVISION");
    assert_string_member(r, "hook", w->hook);
    assert_string_member(r, "hookVersion", "1.0.0");
    assert_string_member(r, "status", w->status);
    assert_string_member(r, "hookStatus", w->hook_status);
    assert_string_member(r, "failureMode", w->failure_mode);
    if (w->error_code == NULL)
        assert_true(json_object_is_type(member(r, "errorCode"), json_type_null));
    else
        assert_string_member(r, "errorCode", w->error_code);
    if (strncmp(message, w->message, strlen(w->message)) != 0)
        fail_msg("%s: message \"%s\" does not start with \"%s\"", w->logical_id, message,
                 w->message);
    assert_int_equal(int_member(r, "invocations"), 1);
}

static void assert_golden_json(const struct hh_run *run)
{
    static const struct counts want = { 5, 5, 5, 1, 3, 1 };
    json_object *report = report_of(run);
    json_object *results = array_member(report, "results");
    json_object *hooks = array_member(report, "hooks");
    size_t i;

    assert_string_member(report, "schemaVersion", "1.0");
    assert_summary(report, "FAIL", &want);
    assert_int_equal(int_member(member(report, "summary"), "nonCompliant"), 4);
    assert_int_equal(int_member(member(report, "summary"), "hookFailures"), 0);
    for (i = 0; i < N_ITEMS(golden_results); i++)
        assert_golden_result(json_object_array_get_idx(results, i), &golden_results[i]);
    assert_int_equal(json_object_array_length(hooks), N_ITEMS(golden_hooks));
    for (i = 0; i < N_ITEMS(golden_hooks); i++) {
        json_object *h = json_object_array_get_idx(hooks, i);

        assert_string_member(h, "hook", golden_hooks[i].hook);
        assert_string_member(h, "typeName", golden_hooks[i].type_name);
        assert_string_member(h, "failureMode", golden_hooks[i].failure_mode);
        assert_string_member(h, "source", golden_hooks[i].source);
        assert_string_member(h, "status", "ENABLED");
        assert_int_equal(int_member(h, "priority"), 0);
    }
    json_object_put(report);
}

/* The example, run from examples/ with relative paths so the report is stable. */
static void test_golden_web_app(void **state)
{
    const char *plugins = hh_test_env("HOOKHOST_TEST_PLUGIN_DIR");
    const char *const text_args[] = { "eval", "-d", "hooks.d", "-p", plugins,
                                      "templates/web-app.json", NULL };
    const char *const json_args[] = { "eval", "--format", "json", "-d", "hooks.d", "-p",
                                      plugins, "templates/web-app.json", NULL };
    char cwd[PATH_MAX], examples[PATH_MAX], golden[PATH_MAX];
    struct hh_run text, json;
    int rc_text, rc_json;

    (void)state;
    snprintf(examples, sizeof(examples), "%s/examples", hh_test_env("HOOKHOST_TEST_TOP_SRCDIR"));
    snprintf(golden, sizeof(golden), "%s/data/eval/golden/web-app.txt",
             hh_test_env("HOOKHOST_TEST_SRCDIR"));
    assert_non_null(getcwd(cwd, sizeof(cwd)));
    assert_int_equal(chdir(examples), 0);
    rc_text = hh_run_hookhost(&text, text_args, NULL);
    rc_json = hh_run_hookhost(&json, json_args, NULL);
    assert_int_equal(chdir(cwd), 0);
    assert_int_equal(rc_text, 0);
    assert_int_equal(rc_json, 0);
    assert_ran(&text, 1);
    assert_ran(&json, 1);
    assert_golden(text.out, golden);
    assert_golden_json(&json);
    hh_run_free(&text);
    hh_run_free(&json);
}

/* ---------------------------------------------------------- (b) exit codes */

static const struct exit_case {
    const char *name;
    const char *hooks[2];
    const char *resources;
    bool fail_on_warn;
    int exit_code;
    const char *verdict;
} exit_cases[] = {
    { "all pass", { S3_HOOK("FAIL") }, "'B':" BUCKET_OK, false, 0, "PASS" },
    { "all pass, --fail-on-warn", { S3_HOOK("FAIL") }, "'B':" BUCKET_OK, true, 0, "PASS" },
    { "FAIL-mode hook fails", { S3_HOOK("FAIL") }, "'A':" BUCKET_OK ",'B':" BUCKET_OPEN, false,
      1, "FAIL" },
    { "only WARN-mode fails", { S3_HOOK("WARN") }, "'B':" BUCKET_OPEN, false, 0, "WARN" },
    { "only WARN-mode fails, --fail-on-warn", { S3_HOOK("WARN") }, "'B':" BUCKET_OPEN, true, 1,
      "WARN" },
    { "WARN fails, FAIL passes",
      { S3_HOOK("WARN"), HOOK("ec2-instance-type.so", "", ON ",'FailureMode':'FAIL',"
                              "'Properties':{'AllowedInstanceTypes':['t3.*']}") },
      "'B':" BUCKET_OPEN ",'I':{'Type':'AWS::EC2::Instance','Properties':{'InstanceType':"
      "'t3.nano'}}", false, 0, "WARN" },
    { "nothing matches", { S3_HOOK("FAIL") }, "'T':" TOPIC, false, 0, "PASS" },
    { "no hooks", { NULL }, "'B':" BUCKET_OPEN, true, 0, "PASS" },
    { "failing hook disabled", { HOOK("ct-s3-pr-1.so", "", "'HookInvocationStatus':'DISABLED'") },
      "'B':" BUCKET_OPEN, true, 0, "PASS" },
};

static void test_exit_codes(void **state)
{
    const struct box *top = *state;
    size_t i, k;

    for (i = 0; i < N_ITEMS(exit_cases); i++) {
        const struct exit_case *c = &exit_cases[i];
        const char *const args[] = { "@t.json", c->fail_on_warn ? "--fail-on-warn" : NULL, NULL };
        char name[32], text[4096], verdict[64];
        struct hh_run run;
        struct box b;

        snprintf(name, sizeof(name), "exit%02zu", i);
        sub_box(&b, top, name);
        for (k = 0; k < N_ITEMS(c->hooks) && c->hooks[k] != NULL; k++) {
            snprintf(name, sizeof(name), "hooks.d/%zu.json", k);
            put(&b, name, c->hooks[k]);
        }
        snprintf(text, sizeof(text), "{'Resources':{%s}}", c->resources);
        put(&b, "t.json", text);
        eval(&run, &b, args);
        if (run.exit_code != c->exit_code || run.err_len != 0)
            fail_msg("%s: exit %d, expected %d; stderr: %s", c->name, run.exit_code,
                     c->exit_code, run.err);
        snprintf(verdict, sizeof(verdict), "\nVerdict: %s: ", c->verdict);
        if (strstr(run.out, verdict) == NULL && strncmp(run.out, verdict + 1,
                                                        strlen(verdict + 1)) != 0)
            fail_msg("%s: no \"%s\" line in:\n%s", c->name, verdict + 1, run.out);
        hh_run_free(&run);
    }
}

/* ------------------------------------------------------------- (b) errors */

struct error_case {
    const char *name;
    const char *args[10];           /* after "hookhost"; see run_args */
    const char *file;               /* written into the case's box, or NULL */
    const char *text;               /* its content, quotes turned */
    size_t raw_len;                 /* nonzero: text is written as these raw bytes */
    void (*prepare)(const struct box *b);
    const char *expect[3];          /* in the error line ("~": in any case) */
};

#define EVAL "eval", "-d", "@H", "-p", "@P"

static void make_fifo(const struct box *b)
{
    char path[PATH_MAX];

    box_path(b, "fifo.json", path, sizeof(path));
    assert_int_equal(mkfifo(path, 0600), 0);
}

/* A template whose properties nest 100,000 levels deep. */
static void make_deep(const struct box *b)
{
    static const char head[] = "{\"Resources\":{\"A\":{\"Type\":\"AWS::S3::Bucket\","
                               "\"Properties\":{\"Deep\":";
    static const char tail[] = "}}}}";
    enum { DEPTH = 100000 };
    size_t len = sizeof(head) - 1 + 2 * DEPTH + sizeof(tail) - 1;
    char *text = malloc(len);
    char path[PATH_MAX];
    size_t i, off = 0;

    assert_non_null(text);
    memcpy(text, head, sizeof(head) - 1);
    off = sizeof(head) - 1;
    for (i = 0; i < DEPTH; i++)
        text[off++] = '[';
    for (i = 0; i < DEPTH; i++)
        text[off++] = ']';
    memcpy(text + off, tail, sizeof(tail) - 1);
    box_path(b, "deep.json", path, sizeof(path));
    write_raw(path, text, len);
    free(text);
}

/* A valid hook file padded with spaces to size bytes. */
static void write_padded_hook(const struct box *b, const char *name, size_t size)
{
    static const char hook[] = "{\"plugin\":\"noop.so\",\"typeNameAlias\":\"Org::Big::Hook\","
                               "\"CloudFormationConfiguration\":{\"HookConfiguration\":{"
                               "\"HookInvocationStatus\":\"ENABLED\"}}}";
    char *text = malloc(size);
    char path[PATH_MAX];

    assert_non_null(text);
    assert_true(size > sizeof(hook));
    memcpy(text, hook, sizeof(hook) - 1);
    memset(text + sizeof(hook) - 1, ' ', size - (sizeof(hook) - 1));
    text[size - 1] = '\n';
    box_path(b, name, path, sizeof(path));
    write_raw(path, text, size);
    free(text);
}

static void make_over_quota(const struct box *b)
{
    write_padded_hook(b, "hooks.d/big.json", QUOTA + 1);
}

/* The same hook at priorities 1 and 2 with another one between them. */
static void make_split_duplicates(const struct box *b)
{
    put(b, "hooks.d/a.json", HOOK("ct-s3-pr-1.so", ",'priority':1", ON));
    put(b, "hooks.d/b.json", HOOK("noop.so", ALIAS("Zzz::Between::Them") ",'priority':1", ON));
    put(b, "hooks.d/c.json", HOOK("ct-s3-pr-1.so", ",'priority':2", ON));
}

static void make_hooks_file(const struct box *b)
{
    put(b, "not-a-dir", "{}");
}

static const char bad_utf8[] =
    "{\"Resources\":{\"A\":{\"Type\":\"AWS::S3::Bucket\",\"Properties\":{\"N\":\"\xff\xfe\"}}}}";
static const char overlong_utf8[] =
    "{\"Resources\":{\"A\":{\"Type\":\"AWS::S3::Bucket\",\"Properties\":{\"N\":\"\xc0\xaf\"}}}}";
static const char surrogate_utf8[] =
    "{\"Resources\":{\"A\":{\"Type\":\"AWS::S3::Bucket\",\"Properties\":{\"N\":\"\xed\xa0\x80\"}}}}";
static const char nul_byte[] = "{\"Resources\":{\"A\":{\"Type\":\"AWS::S3::Bucket\0\"}}}";

static const struct error_case error_cases[] = {
    /* the command line */
    { "no arguments", { "eval" }, NULL, NULL, 0, NULL, { "eval: no input file" } },
    { "options but no file", { EVAL }, NULL, NULL, 0, NULL, { "eval: no input file" } },
    { "unknown option", { EVAL, "--bogus", "@good.json" }, NULL, NULL, 0, NULL,
      { "unknown option --bogus" } },
    { "unknown --format", { EVAL, "--format", "xml", "@good.json" }, NULL, NULL, 0, NULL,
      { "unknown format 'xml'" } },
    { "--format without value", { EVAL, "@good.json", "--format" }, NULL, NULL, 0, NULL,
      { "--format needs a value" } },
    { "--jobs 0", { EVAL, "--jobs", "0", "@good.json" }, NULL, NULL, 0, NULL,
      { "--jobs takes a number from 1 to 256" } },
    { "--jobs 2x", { EVAL, "-j", "2x", "@good.json" }, NULL, NULL, 0, NULL,
      { "--jobs takes a number from 1 to 256" } },
    /* input files */
    { "missing file", { EVAL, "@missing.json" }, NULL, NULL, 0, NULL,
      { "missing.json: No such file or directory" } },
    { "directory", { EVAL, "@" }, NULL, NULL, 0, NULL, { "is a directory" } },
    { "FIFO", { EVAL, "@fifo.json" }, NULL, NULL, 0, make_fifo,
      { "fifo.json: not a regular file" } },
    { "empty file", { EVAL, "@t.json" }, "t.json", "", 0, NULL, { "t.json: empty file" } },
    { "malformed JSON", { EVAL, "@t.json" }, "t.json",
      "{\n  'Resources': {\n    'A': {'Type': 'AWS::S3::Bucket',}\n  }\n}", 0, NULL,
      { "t.json:3:37: invalid JSON" } },
    { "unterminated JSON", { EVAL, "@t.json" }, "t.json", "{'Resources': {\n", 0, NULL,
      { "t.json:2:1: invalid JSON" } },
    { "trailing garbage", { EVAL, "@t.json" }, "t.json", "{'Resources':{}} x", 0, NULL,
      { "t.json:1:18: invalid JSON" } },
    { "two documents", { EVAL, "@t.json" }, "t.json", "{'Resources':{}}{'Resources':{}}", 0,
      NULL, { "t.json:1:17: invalid JSON" } },
    { "nested 100,000 deep", { EVAL, "@deep.json" }, NULL, NULL, 0, make_deep,
      { "deep.json:1:", "invalid JSON", "deep" } },
    { "invalid UTF-8", { EVAL, "@t.json" }, "t.json", bad_utf8, sizeof(bad_utf8) - 1, NULL,
      { "t.json:1:64: invalid JSON", "~utf-8" } },
    { "overlong UTF-8", { EVAL, "@t.json" }, "t.json", overlong_utf8, sizeof(overlong_utf8) - 1,
      NULL, { "t.json:1:64: invalid JSON", "UTF-8" } },
    { "UTF-8 surrogate", { EVAL, "@t.json" }, "t.json", surrogate_utf8,
      sizeof(surrogate_utf8) - 1, NULL, { "t.json:1:64: invalid JSON", "UTF-8" } },
    { "NUL byte", { EVAL, "@t.json" }, "t.json", nul_byte, sizeof(nul_byte) - 1, NULL,
      { "t.json:1:", "NUL byte" } },
    { "JSON array", { EVAL, "@t.json" }, "t.json", "[{'Resources':{}}]", 0, NULL,
      { "t.json: not a recognised input" } },
    { "JSON string", { EVAL, "@t.json" }, "t.json", "'Resources'", 0, NULL,
      { "t.json: not a recognised input" } },
    { "no Resources", { EVAL, "@t.json" }, "t.json", "{'AWSTemplateFormatVersion':'2010-09-09'}",
      0, NULL, { "t.json: not a CloudFormation template: no Resources member" } },
    { "Resources an array", { EVAL, "@t.json" }, "t.json", "{'Resources':[]}", 0, NULL,
      { "t.json: Resources must be an object" } },
    { "resource without Type", { EVAL, "@t.json" }, "t.json",
      "{'Resources':{'Good':" BUCKET_OK ",'Bad':{'Properties':{}}}}", 0, NULL,
      { "t.json: Resources.Bad: Type is missing" } },
    { "Type empty", { EVAL, "@t.json" }, "t.json", "{'Resources':{'A':{'Type':''}}}", 0, NULL,
      { "t.json: Resources.A: Type is missing or not a non-empty string" } },
    { "Type a number", { EVAL, "@t.json" }, "t.json", "{'Resources':{'A':{'Type':5}}}", 0, NULL,
      { "t.json: Resources.A: Type is missing or not a non-empty string" } },
    { "resource a string", { EVAL, "@t.json" }, "t.json", "{'Resources':{'A':'AWS::S3::Bucket'}}",
      0, NULL, { "t.json: Resources.A: must be an object" } },
    { "Properties not an object", { EVAL, "@t.json" }, "t.json",
      "{'Resources':{'A':{'Type':'AWS::S3::Bucket','Properties':['x']}}}", 0, NULL,
      { "t.json: Resources.A: Properties must be an object" } },
    { "bad second file", { EVAL, "@good.json", "@t.json" }, "t.json", "[]", 0, NULL,
      { "t.json: not a recognised input" } },
    /* the hooks directory and hook files */
    { "hooks dir missing", { "eval", "-d", "@nohooks", "-p", "@P", "@good.json" }, NULL, NULL, 0,
      NULL, { "hooks directory", "nohooks", "No such file or directory" } },
    { "hooks dir a file", { "eval", "-d", "@not-a-dir", "-p", "@P", "@good.json" }, NULL, NULL, 0,
      make_hooks_file, { "hooks directory", "not-a-dir" } },
    { "hook invalid JSON", { EVAL, "@good.json" }, "hooks.d/bad.json", "{'plugin': 'noop.so',\n",
      0, NULL, { "hooks.d/bad.json:2:1: invalid JSON" } },
    { "hook not an object", { EVAL, "@good.json" }, "hooks.d/bad.json", "['noop.so']", 0, NULL,
      { "hooks.d/bad.json: must be a JSON object" } },
    { "hook unknown member", { EVAL, "@good.json" }, "hooks.d/bad.json",
      HOOK("noop.so", ALIAS("Org::Test::Hook") ",'Priority':1", ON), 0, NULL,
      { "hooks.d/bad.json: Priority: unknown member" } },
    { "hook without plugin", { EVAL, "@good.json" }, "hooks.d/bad.json",
      "{'CloudFormationConfiguration':{'HookConfiguration':{" ON "}}}", 0, NULL,
      { "hooks.d/bad.json: plugin: required member missing" } },
    { "hook plugin empty", { EVAL, "@good.json" }, "hooks.d/bad.json", HOOK("", "", ON), 0, NULL,
      { "hooks.d/bad.json: plugin: must be a non-empty string" } },
    { "plugin file missing", { EVAL, "@good.json" }, "hooks.d/bad.json",
      HOOK("no-such-plugin.so", "", ON), 0, NULL,
      { "hooks.d/bad.json: ", "no-such-plugin.so", "No such file or directory" } },
    { "no CloudFormationConfiguration", { EVAL, "@good.json" }, "hooks.d/bad.json",
      "{'plugin':'noop.so','typeNameAlias':'Org::Test::Hook'}", 0, NULL,
      { "hooks.d/bad.json: hook Org::Test::Hook: CloudFormationConfiguration: required member "
        "missing" } },
    { "schema: required property missing", { EVAL, "@good.json" }, "hooks.d/bad.json",
      HOOK("ec2-instance-type.so", "", ON ",'Properties':{}"), 0, NULL,
      { "hooks.d/bad.json: hook Hookhost::EC2::InstanceTypeAllowList: Properties",
        "AllowedInstanceTypes" } },
    { "schema: a number in the list", { EVAL, "@good.json" }, "hooks.d/bad.json",
      HOOK("ec2-instance-type.so", "", ON ",'Properties':{'AllowedInstanceTypes':['t3.micro',5]}"),
      0, NULL,
      { "hooks.d/bad.json: hook Hookhost::EC2::InstanceTypeAllowList: "
        "Properties.AllowedInstanceTypes[1]" } },
    { "schema: unknown property, alias named", { EVAL, "@good.json" }, "hooks.d/bad.json",
      HOOK("ec2-instance-type.so", ALIAS("Org::Dev::Types"),
           ON ",'Properties':{'AllowedInstanceTypes':['t3.*'],'Extra':1}"), 0, NULL,
      { "hooks.d/bad.json: hook Org::Dev::Types: Properties.Extra" } },
    { "schema checked when disabled", { EVAL, "@good.json" }, "hooks.d/bad.json",
      HOOK("ec2-instance-type.so", "", "'HookInvocationStatus':'DISABLED','Properties':{}"), 0,
      NULL, { "hooks.d/bad.json: hook Hookhost::EC2::InstanceTypeAllowList: Properties" } },
    { "HookConfiguration field", { EVAL, "@good.json" }, "hooks.d/bad.json",
      HOOK("noop.so", ALIAS("Org::Test::Hook"),
           ON ",'TargetFilters':{'Actions':['CREATE','create']}"), 0, NULL,
      { "hooks.d/bad.json: hook Org::Test::Hook: CloudFormationConfiguration.HookConfiguration."
        "TargetFilters.Actions[1]: must be CREATE, UPDATE or DELETE" } },
    { "Targets with TargetNames", { EVAL, "@good.json" }, "hooks.d/bad.json",
      HOOK("noop.so", ALIAS("Org::Test::Hook"),
           ON ",'TargetFilters':{'TargetNames':['AWS::S3::*'],'Targets':[{'TargetName':"
           "'AWS::S3::Bucket','Action':'CREATE','InvocationPoint':'PRE_PROVISION'}]}"), 0, NULL,
      { "CloudFormationConfiguration.HookConfiguration.TargetFilters: Targets cannot be "
        "combined" } },
    { "typeNameAlias invalid", { EVAL, "@good.json" }, "hooks.d/bad.json",
      HOOK("noop.so", ALIAS("NotAType"), ON), 0, NULL,
      { "hooks.d/bad.json: typeNameAlias: \"NotAType\" does not match" } },
    { "priority out of range", { EVAL, "@good.json" }, "hooks.d/bad.json",
      HOOK("noop.so", ALIAS("Org::Test::Hook") ",'priority':1001", ON), 0, NULL,
      { "hooks.d/bad.json: priority: must be an integer from -1000 to 1000" } },
    { "priority a string", { EVAL, "@good.json" }, "hooks.d/bad.json",
      HOOK("noop.so", ALIAS("Org::Test::Hook") ",'priority':'1'", ON), 0, NULL,
      { "hooks.d/bad.json: priority: must be an integer" } },
    { "hook file over the quota", { EVAL, "@good.json" }, NULL, NULL, 0, make_over_quota,
      { "hooks.d/big.json: hook configuration larger than the quota of 307200 bytes" } },
    { "type activated twice", { EVAL, "@good.json" }, "hooks.d/01-again.json",
      HOOK("noop.so", "", ON ",'FailureMode':'WARN'"), 0, NULL,
      { "hooks.d/01-again.json: hook Hookhost::Bench::NoOp is already activated by",
        "hooks.d/00-noop.json" } },
    { "twice, other priorities", { EVAL, "@good.json" }, NULL, NULL, 0, make_split_duplicates,
      { "hooks.d/c.json: hook Hookhost::ControlTower::S3BucketPublicAccess is already activated "
        "by", "hooks.d/a.json" } },
};

/* Each case in its own box: a valid template and a valid hook, then the fault. */
static bool run_error_case(const struct box *top, size_t i)
{
    const struct error_case *c = &error_cases[i];
    const char *problem;
    struct hh_run run;
    char name[32], why[512];
    struct box b;

    snprintf(name, sizeof(name), "err%02zu", i);
    sub_box(&b, top, name);
    put(&b, "good.json", "{'Resources':{'B':" BUCKET_OK "}}");
    put(&b, "hooks.d/00-noop.json", HOOK("noop.so", "", ON));
    if (c->file != NULL && c->raw_len == 0) {
        put(&b, c->file, c->text);
    } else if (c->file != NULL) {
        char path[PATH_MAX];

        box_path(&b, c->file, path, sizeof(path));
        write_raw(path, c->text, c->raw_len);
    }
    if (c->prepare != NULL)
        c->prepare(&b);
    run_args(&run, &b, c->args);
    problem = error_problem(&run, c->expect, N_ITEMS(c->expect), why, sizeof(why));
    if (problem != NULL)
        print_error("error case \"%s\": %s; stderr: %s\n", c->name, problem, run.err);
    hh_run_free(&run);
    return problem == NULL;
}

static void test_errors(void **state)
{
    size_t i, failed = 0;

    /* A run that blocks (on the FIFO, say) must fail the test, not hang it. */
    alarm(120);
    for (i = 0; i < N_ITEMS(error_cases); i++)
        failed += !run_error_case(*state, i);
    alarm(0);
    if (failed > 0)
        fail_msg("%zu of %zu error cases failed", failed, N_ITEMS(error_cases));
}

/* Exactly the quota is accepted (one byte more is refused above). */
static void test_hook_file_at_quota(void **state)
{
    const struct box *b = *state;
    const char *const args[] = { "@t.json", NULL };
    struct hh_run run;

    write_padded_hook(b, "hooks.d/big.json", QUOTA);
    put(b, "t.json", "{'Resources':{'T':" TOPIC "}}");
    eval(&run, b, args);
    assert_ran(&run, 0);
    assert_non_null(strstr(run.out, "  PASS  Org::Big::Hook 1.0.0\n"));
    hh_run_free(&run);
}

/* ------------------------------------------------------------ (c) behaviour */

static json_object *eval_json(const struct box *b, const char *const extra[], int exit_code)
{
    const char *args[MAX_ARGS] = { "--format", "json" };
    struct hh_run run;
    json_object *report;
    size_t i;

    for (i = 0; extra[i] != NULL; i++) {
        assert_true(i + 3 < MAX_ARGS);
        args[i + 2] = extra[i];
    }
    args[i + 2] = NULL;
    eval(&run, b, args);
    assert_ran(&run, exit_code);
    report = report_of(&run);
    hh_run_free(&run);
    return report;
}

/* One plugin activated twice (typeNameAlias) with two configurations. */
static void test_plugin_twice(void **state)
{
    static const struct result_want want[] = {
        { "Big", "Org::Dev::SmallTypes", "FAILED", "FAIL" },
        { "Big", "Org::Prod::LargeTypes", "SUCCESS", "WARN" },
        { "Small", "Org::Dev::SmallTypes", "SUCCESS", "FAIL" },
        { "Small", "Org::Prod::LargeTypes", "FAILED", "WARN" },
    };
    static const struct counts counts = { 2, 2, 4, 2, 1, 1 };
    const struct box *b = *state;
    const char *const args[] = { "@t.json", NULL };
    json_object *report, *hooks;
    size_t i;

    put(b, "hooks.d/a.json", HOOK("ec2-instance-type.so", ALIAS("Org::Prod::LargeTypes"),
                                  ON ",'FailureMode':'WARN','Properties':{"
                                  "'AllowedInstanceTypes':['m5.*','r6i.large']}"));
    put(b, "hooks.d/b.json", HOOK("ec2-instance-type.so", ALIAS("Org::Dev::SmallTypes"),
                                  ON ",'FailureMode':'FAIL','Properties':{"
                                  "'AllowedInstanceTypes':['t3.*']}"));
    put(b, "t.json", "{'Resources':{"
                     "'Big':{'Type':'AWS::EC2::Instance','Properties':{'InstanceType':'m5.large'}},"
                     "'Small':{'Type':'AWS::EC2::Instance','Properties':{'InstanceType':'t3.micro'}}"
                     "}}");
    report = eval_json(b, args, 1);
    assert_summary(report, "FAIL", &counts);
    assert_results(report, want, N_ITEMS(want));
    hooks = array_member(report, "hooks");
    assert_int_equal(json_object_array_length(hooks), 2);
    for (i = 0; i < 2; i++)
        assert_string_member(json_object_array_get_idx(hooks, i), "typeName",
                             "Hookhost::EC2::InstanceTypeAllowList");
    json_object_put(report);
}

/* Run order: ascending priority, then name; not file order. */
static void test_priority_order(void **state)
{
    static const struct {
        const char *hook;
        int priority;
    } order[] = {
        { "Omega::Order::Hook", -1000 }, { "Mid::Order::Hook", -5 }, { "Zeta::Order::Hook", -5 },
        { "Hookhost::Bench::NoOp", 0 }, { "Alpha::Order::Hook", 1000 },
    };
    const struct box *b = *state;
    const char *const args[] = { "@t.json", NULL };
    struct result_want want[2 * N_ITEMS(order)];
    json_object *report, *hooks;
    size_t i;

    put(b, "hooks.d/10.json", HOOK("noop.so", ALIAS("Zeta::Order::Hook") ",'priority':-5", ON));
    put(b, "hooks.d/20.json", HOOK("noop.so", ALIAS("Alpha::Order::Hook") ",'priority':1000", ON));
    put(b, "hooks.d/30.json", HOOK("noop.so", ALIAS("Mid::Order::Hook") ",'priority':-5", ON));
    put(b, "hooks.d/40.json", HOOK("noop.so", "", ON));
    put(b, "hooks.d/50.json", HOOK("noop.so", ALIAS("Omega::Order::Hook") ",'priority':-1000",
                                   ON));
    put(b, "t.json", "{'Resources':{'First':" TOPIC ",'Second':" BUCKET_OPEN "}}");
    for (i = 0; i < 2 * N_ITEMS(order); i++) {
        want[i].logical_id = i < N_ITEMS(order) ? "First" : "Second";
        want[i].hook = order[i % N_ITEMS(order)].hook;
        want[i].status = "SUCCESS";
        want[i].failure_mode = "FAIL";
    }
    report = eval_json(b, args, 0);
    assert_results(report, want, N_ITEMS(want));
    hooks = array_member(report, "hooks");
    assert_int_equal(json_object_array_length(hooks), N_ITEMS(order));
    for (i = 0; i < N_ITEMS(order); i++) {
        json_object *h = json_object_array_get_idx(hooks, i);

        assert_string_member(h, "hook", order[i].hook);
        assert_int_equal(int_member(h, "priority"), order[i].priority);
    }
    json_object_put(report);
}

/* TargetFilters, TargetStacks and HookInvocationStatus decide which hooks run. */
static void test_target_filters(void **state)
{
    static const struct result_want want[] = {
        { "Bucket", "Filter::All::Any", "SUCCESS", NULL },
        { "Bucket", "Filter::Names::S3", "SUCCESS", NULL },
        { "Bucket", "Filter::Names::Wild", "SUCCESS", NULL },
        { "Policy", "Filter::All::Any", "SUCCESS", NULL },
        { "Policy", "Filter::Names::S3", "SUCCESS", NULL },
        { "Policy", "Filter::Names::Wild", "SUCCESS", NULL },
        { "Server", "Filter::All::Any", "SUCCESS", NULL },
        { "Server", "Filter::Targets::Ec2", "SUCCESS", NULL },
        { "Topic", "Filter::All::Any", "SUCCESS", NULL },
        { "Queue", "Filter::All::Any", "SUCCESS", NULL },
    };
    static const struct {
        const char *file, *text, *hook, *status;
    } hooks[] = {
        { "hooks.d/1.json", HOOK("noop.so", ALIAS("Filter::All::Any"), ON),
          "Filter::All::Any", "ENABLED" },
        { "hooks.d/2.json", HOOK("noop.so", ALIAS("Filter::Action::Update"),
                                 ON ",'TargetFilters':{'Actions':['UPDATE','DELETE']}"),
          "Filter::Action::Update", "ENABLED" },
        { "hooks.d/3.json", HOOK("noop.so", ALIAS("Filter::Point::Post"),
                                 ON ",'TargetFilters':{'InvocationPoints':['POST_PROVISION']}"),
          "Filter::Point::Post", "ENABLED" },
        { "hooks.d/4.json", HOOK("noop.so", ALIAS("Filter::Names::S3"),
                                 ON ",'TargetFilters':{'TargetNames':['AWS::S3::*']}"),
          "Filter::Names::S3", "ENABLED" },
        { "hooks.d/5.json", HOOK("noop.so", ALIAS("Filter::Names::Wild"),
                                 ON ",'TargetFilters':{'Actions':['CREATE'],"
                                 "'TargetNames':['AWS::*::Bucket*','AWS::SQS::?ueue']}"),
          "Filter::Names::Wild", "ENABLED" },
        { "hooks.d/6.json", HOOK("noop.so", ALIAS("Filter::Targets::Ec2"),
                                 ON ",'TargetFilters':{'Targets':[{'TargetName':'AWS::EC2::*',"
                                 "'Action':'CREATE','InvocationPoint':'PRE_PROVISION'},"
                                 "{'TargetName':'AWS::S3::*','Action':'DELETE',"
                                 "'InvocationPoint':'PRE_PROVISION'}]}"),
          "Filter::Targets::Ec2", "ENABLED" },
        { "hooks.d/7.json", HOOK("noop.so", ALIAS("Filter::Off::NoStacks"),
                                 "'HookInvocationStatus':'ENABLED','TargetStacks':'NONE'"),
          "Filter::Off::NoStacks", "DISABLED" },
        { "hooks.d/8.json", HOOK("noop.so", ALIAS("Filter::Off::Disabled"),
                                 "'HookInvocationStatus':'DISABLED','TargetStacks':'ALL'"),
          "Filter::Off::Disabled", "DISABLED" },
        { "hooks.d/9.json", HOOK("noop.so", ALIAS("Filter::Off::Default"), "'FailureMode':'WARN'"),
          "Filter::Off::Default", "DISABLED" },
    };
    static const struct counts counts = { 5, 5, 10, 10, 0, 0 };
    const struct box *b = *state;
    const char *const args[] = { "@t.json", NULL };
    json_object *report, *listed;
    size_t i, k, found = 0;

    for (i = 0; i < N_ITEMS(hooks); i++)
        put(b, hooks[i].file, hooks[i].text);
    put(b, "t.json", "{'Resources':{'Bucket':" BUCKET_OPEN ","
                     "'Policy':{'Type':'AWS::S3::BucketPolicy'},"
                     "'Server':{'Type':'AWS::EC2::Instance'},'Topic':" TOPIC ","
                     "'Queue':{'Type':'AWS::SQS::Queues'}}}");
    report = eval_json(b, args, 0);
    assert_summary(report, "PASS", &counts);
    assert_results(report, want, N_ITEMS(want));
    /* Every hook is listed, switched-off ones as DISABLED. */
    listed = array_member(report, "hooks");
    assert_int_equal(json_object_array_length(listed), N_ITEMS(hooks));
    for (i = 0; i < N_ITEMS(hooks); i++) {
        for (k = 0; k < N_ITEMS(hooks); k++) {
            json_object *h = json_object_array_get_idx(listed, k);

            if (strcmp(string_member(h, "hook"), hooks[i].hook) == 0) {
                assert_string_member(h, "status", hooks[i].status);
                found++;
            }
        }
    }
    assert_int_equal(found, N_ITEMS(hooks));
    json_object_put(report);
}

/* StackFilters against --stack-name and --stack-role. */
static const struct stack_case {
    const char *name, *role;
    const char *hooks[4];
} stack_cases[] = {
    { "prod-web", NULL, { "Stack::Exclude::Test", "Stack::Include::Prod", "Stack::None::Filter" } },
    { "prod-1", NULL, { "Stack::Any::RoleOrName", "Stack::Exclude::Test", "Stack::Include::Prod",
                        "Stack::None::Filter" } },
    { "app-test", NULL, { "Stack::None::Filter" } },
    { "prod-test", NULL, { "Stack::None::Filter" } },
    { "dev-web", "arn:aws:iam::123456789012:role/deployer",
      { "Stack::Any::RoleOrName", "Stack::Exclude::Test", "Stack::None::Filter" } },
    { "dev-web", "arn:aws:iam::123456789012:role/other",
      { "Stack::Exclude::Test", "Stack::None::Filter" } },
    { NULL, NULL, { "Stack::Exclude::Test", "Stack::None::Filter" } },
};

static void run_stack_case(const struct box *b, const struct stack_case *c)
{
    const char *args[8] = { "@t.json" };
    struct result_want want[4];
    json_object *report;
    size_t n = 0, k = 1;

    if (c->name != NULL) {
        args[k++] = "--stack-name";
        args[k++] = c->name;
    }
    if (c->role != NULL) {
        args[k++] = "--stack-role";
        args[k++] = c->role;
    }
    args[k] = NULL;
    while (n < N_ITEMS(c->hooks) && c->hooks[n] != NULL) {
        want[n].logical_id = "Topic";
        want[n].hook = c->hooks[n];
        want[n].status = "SUCCESS";
        want[n].failure_mode = NULL;
        n++;
    }
    report = eval_json(b, args, 0);
    assert_results(report, want, n);
    json_object_put(report);
}

static void test_stack_filters(void **state)
{
    const struct box *b = *state;
    size_t i;

    put(b, "hooks.d/1.json", HOOK("noop.so", ALIAS("Stack::Include::Prod"),
                                  ON ",'StackFilters':{'FilteringCriteria':'ALL',"
                                  "'StackNames':{'Include':['prod-*'],'Exclude':['*-test']}}"));
    put(b, "hooks.d/2.json", HOOK("noop.so", ALIAS("Stack::Exclude::Test"),
                                  ON ",'StackFilters':{'FilteringCriteria':'ALL',"
                                  "'StackNames':{'Exclude':['*-test']}}"));
    put(b, "hooks.d/3.json", HOOK("noop.so", ALIAS("Stack::Any::RoleOrName"),
                                  ON ",'StackFilters':{'FilteringCriteria':'ANY',"
                                  "'StackNames':{'Include':['prod-?']},"
                                  "'StackRoles':{'Include':['arn:aws:iam::*:role/deployer']}}"));
    put(b, "hooks.d/4.json", HOOK("noop.so", ALIAS("Stack::None::Filter"), ON));
    put(b, "t.json", "{'Resources':{'Topic':" TOPIC "}}");
    for (i = 0; i < N_ITEMS(stack_cases); i++)
        run_stack_case(b, &stack_cases[i]);
}

static void summary_counts(json_object *report, struct counts *c)
{
    json_object *s = member(report, "summary");

    c->operations = int_member(s, "operations");
    c->judged = int_member(s, "operationsJudged");
    c->invocations = int_member(s, "invocations");
    c->succeeded = int_member(s, "succeeded");
    c->failed = int_member(s, "failed");
    c->warned = int_member(s, "warned");
}

/* Several input files make one report whose counts are the sum of theirs. */
static void test_several_files(void **state)
{
    static const struct result_want want[] = {
        { "Bucket", "Hookhost::ControlTower::S3BucketPublicAccess", "SUCCESS", "FAIL" },
        { "Bucket", "Hookhost::ControlTower::S3BucketPublicAccess", "FAILED", "FAIL" },
        { "Other", "Hookhost::ControlTower::S3BucketPublicAccess", "SUCCESS", "FAIL" },
    };
    static const struct counts both = { 6, 3, 3, 2, 1, 0 };
    const struct box *b = *state;
    const char *const one[] = { "@t1.json", NULL }, *const two[] = { "@t2.json", NULL };
    const char *const all[] = { "@t1.json", "@t2.json", NULL };
    struct counts c1, c2;
    json_object *r1, *r2, *report, *results;
    const char *file;

    put(b, "hooks.d/s3.json", S3_HOOK("FAIL"));
    put(b, "t1.json", "{'Resources':{'Bucket':" BUCKET_OK ",'Topic':" TOPIC "}}");
    put(b, "t2.json", "{'Resources':{'Bucket':" BUCKET_OPEN ",'Topic':" TOPIC ","
                      "'Queue':{'Type':'AWS::SQS::Queue'},'Other':" BUCKET_OK "}}");
    r1 = eval_json(b, one, 0);
    r2 = eval_json(b, two, 1);
    report = eval_json(b, all, 1);
    summary_counts(r1, &c1);
    summary_counts(r2, &c2);
    assert_summary(report, "FAIL", &both);
    assert_int_equal(c1.operations + c2.operations, both.operations);
    assert_int_equal(c1.judged + c2.judged, both.judged);
    assert_int_equal(c1.invocations + c2.invocations, both.invocations);
    assert_int_equal(c1.succeeded + c2.succeeded, both.succeeded);
    assert_int_equal(c1.failed + c2.failed, both.failed);
    assert_results(report, want, N_ITEMS(want));
    results = array_member(report, "results");
    file = string_member(json_object_array_get_idx(results, 0), "file");
    assert_true(strlen(file) > 8 && strcmp(file + strlen(file) - 8, "/t1.json") == 0);
    file = string_member(json_object_array_get_idx(results, 1), "file");
    assert_true(strlen(file) > 8 && strcmp(file + strlen(file) - 8, "/t2.json") == 0);
    json_object_put(r1);
    json_object_put(r2);
    json_object_put(report);
}

/* Resources no hook matches are not results, but they are operations. */
static void test_unjudged_counted(void **state)
{
    static const struct result_want want[] = {
        { "Open", "Hookhost::ControlTower::S3BucketPublicAccess", "FAILED", "WARN" },
    };
    static const struct counts counts = { 4, 1, 1, 0, 0, 1 };
    const struct box *b = *state;
    const char *const args[] = { "@t.json", NULL };
    json_object *report;
    struct hh_run run;

    put(b, "hooks.d/s3.json", S3_HOOK("WARN"));
    put(b, "t.json", "{'Resources':{'Topic':" TOPIC ",'Open':" BUCKET_OPEN ","
                     "'Queue':{'Type':'AWS::SQS::Queue'},'Role':{'Type':'AWS::IAM::Role'}}}");
    report = eval_json(b, args, 0);
    assert_summary(report, "WARN", &counts);
    assert_results(report, want, N_ITEMS(want));
    json_object_put(report);
    eval(&run, b, args);
    assert_ran(&run, 0);
    assert_null(strstr(run.out, "Topic"));
    assert_null(strstr(run.out, "Queue"));
    assert_non_null(strstr(run.out, "Verdict: WARN: 4 operations, 1 judged, 1 hook invocations: "
                                    "0 passed, 0 failed, 1 warned"));
    hh_run_free(&run);
}

/* ------------------------------------------------------ (c) --jobs, 1,000 */

enum { GENERATED = 1000 };

/*
 * Resource i of the generated template, cycling through five kinds: a
 * compliant and an open bucket, an instance (allowed type or not), a
 * security group (port 443 or 22 open to the world), a topic no example
 * hook judges.
 */
static int big_resource(char *out, size_t cap, size_t i)
{
    int port = i % 2 ? 22 : 443;

    switch (i % 5) {
    case 0: return snprintf(out, cap, "%s", BUCKET_OK);
    case 1: return snprintf(out, cap, "%s", BUCKET_OPEN);
    case 2:
        return snprintf(out, cap, "{'Type':'AWS::EC2::Instance','Properties':{"
                        "'InstanceType':'%s'}}", i % 2 ? "m5.large" : "t3.micro");
    case 3:
        return snprintf(out, cap, "{'Type':'AWS::EC2::SecurityGroup','Properties':{"
                        "'GroupDescription':'g','SecurityGroupIngress':[{'IpProtocol':'tcp',"
                        "'FromPort':%d,'ToPort':%d,'CidrIp':'0.0.0.0/0'}]}}", port, port);
    default: return snprintf(out, cap, "%s", TOPIC);
    }
}

static void make_big_template(const struct box *b)
{
    size_t cap = GENERATED * 320 + 64, len = 0, i;
    char *text = malloc(cap);

    assert_non_null(text);
    len += (size_t)snprintf(text, cap, "{'Resources':{");
    for (i = 0; i < GENERATED; i++) {
        len += (size_t)snprintf(text + len, cap - len, "%s'R%04zu':", i ? "," : "", i);
        assert_true(len < cap);
        len += (size_t)big_resource(text + len, cap - len, i);
        assert_true(len < cap);
    }
    len += (size_t)snprintf(text + len, cap - len, "}}");
    assert_true(len < cap);
    put(b, "big.json", text);
    free(text);
}

static void run_jobs(const struct box *b, const char *jobs, const char *format,
                     struct hh_run *run)
{
    char hooks[PATH_MAX];
    const char *const args[] = { "eval", "-d", hooks, "-p", "@P", "--jobs", jobs, "--format",
                                 format, "@big.json", NULL };

    snprintf(hooks, sizeof(hooks), "%s/examples/hooks.d", hh_test_env("HOOKHOST_TEST_TOP_SRCDIR"));
    run_args(run, b, args);
    assert_ran(run, 1);
}

/* Results keep input order: R0000, R0002, ... ascending. */
static void assert_input_order(json_object *report)
{
    json_object *results = array_member(report, "results");
    size_t i, n = json_object_array_length(results);
    const char *previous = "";

    for (i = 0; i < n; i++) {
        const char *id = string_member(json_object_array_get_idx(results, i), "logicalId");

        if (strcmp(previous, id) >= 0)
            fail_msg("result %zu: %s after %s", i, id, previous);
        previous = id;
    }
}

static void test_jobs_identical(void **state)
{
    /* 200 of each kind; 200 open buckets and 100 groups fail, 100 instances warn. */
    static const struct counts counts = { 1000, 800, 800, 400, 300, 100 };
    static const char *const jobs[] = { "2", "3", "16" };
    const struct box *b = *state;
    struct hh_run one, other;
    json_object *report;
    size_t i;

    make_big_template(b);
    run_jobs(b, "1", "json", &one);
    for (i = 0; i < N_ITEMS(jobs); i++) {
        run_jobs(b, jobs[i], "json", &other);
        if (one.out_len != other.out_len || memcmp(one.out, other.out, one.out_len) != 0)
            fail_msg("--jobs %s gives another JSON report than --jobs 1", jobs[i]);
        hh_run_free(&other);
    }
    report = report_of(&one);
    assert_summary(report, "FAIL", &counts);
    assert_input_order(report);
    json_object_put(report);
    hh_run_free(&one);
    run_jobs(b, "1", "text", &one);
    run_jobs(b, "2", "text", &other);
    assert_int_equal(one.out_len, other.out_len);
    assert_memory_equal(one.out, other.out, one.out_len);
    hh_run_free(&one);
    hh_run_free(&other);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_golden_web_app),
        cmocka_unit_test_setup_teardown(test_exit_codes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hook_file_at_quota, setup, teardown),
        cmocka_unit_test_setup_teardown(test_plugin_twice, setup, teardown),
        cmocka_unit_test_setup_teardown(test_priority_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_target_filters, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stack_filters, setup, teardown),
        cmocka_unit_test_setup_teardown(test_several_files, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unjudged_counted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_jobs_identical, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
