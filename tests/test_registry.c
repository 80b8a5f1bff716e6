#include "config.h"

/*
 * The hook registry end to end, through the real binary: every
 * `hookhost registry` verb, every field of the type configuration and its
 * effect on `hookhost eval`, the quotas at their limit and one past it
 * (CloudFormation's defaults and hookhost.conf's overrides), tampered
 * plugins, permissions, account isolation, corrupt indexes, concurrent
 * writers and writers killed at any point.
 *
 * Each test works in a fresh directory under $HOOKHOST_TEST_BUILDDIR (mode
 * 0755, so that the trust checks pass), whose "reg" is the registry root;
 * it is removed afterwards.  A refused command must change nothing: the
 * listing, the index bytes and the tree of the registry (names, modes,
 * sizes, inodes) are compared before and after.  JSON written by the tests
 * uses single quotes, turned into double quotes when the file is written.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "runner.h"

#define N_ITEMS(a) (sizeof(a) / sizeof((a)[0]))
#define MAX_ARGS 48
#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })
#define NO_ARGS ((const char *const[]){ NULL })

#define NOOP "Hookhost::Bench::NoOp"
#define S3 "Hookhost::ControlTower::S3BucketPublicAccess"
#define ITYPE "Hookhost::EC2::InstanceTypeAllowList"
#define ACCOUNT_DIR "reg/accounts/default"
#define INDEX ACCOUNT_DIR "/registry.json"
#define NOOP_DIR ACCOUNT_DIR "/plugins/Hookhost-Bench-NoOp"
#define QUOTA_BYTES 307200

/* A type configuration document holding these HookConfiguration members. */
#define CFG(hc) "{'CloudFormationConfiguration':{'HookConfiguration':{" hc "}}}"
#define ON "'HookInvocationStatus':'ENABLED','TargetStacks':'ALL'"

#define BUCKET_OK \
    "{'Type':'AWS::S3::Bucket','Properties':{'PublicAccessBlockConfiguration':{" \
    "'BlockPublicAcls':true,'BlockPublicPolicy':true,'IgnorePublicAcls':true," \
    "'RestrictPublicBuckets':true}}}"
#define BUCKET_OPEN "{'Type':'AWS::S3::Bucket'}"
#define TOPIC "{'Type':'AWS::SNS::Topic'}"
#define TEMPLATE \
    "{'Resources':{'LogsBucket':" BUCKET_OK ",'AssetsBucket':" BUCKET_OPEN ",'Topic':" TOPIC "}}"
#define TOPIC_TEMPLATE "{'Resources':{'Topic':" TOPIC "}}"

/* One expected result of eval: "logicalId:hook:status:failureMode". */
#define RES(id, hook, status, mode) id ":" hook ":" status ":" mode

/* ------------------------------------------------------------ directories */

struct box {
    char dir[PATH_MAX];
    char reg[PATH_MAX];     /* the registry root */
    char conf[PATH_MAX];    /* --config FILE, or "" to give none */
};

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void box_path(const struct box *b, const char *name, char *out, size_t cap)
{
    int n = snprintf(out, cap, "%s/%s", b->dir, name);

    assert_true(n > 0 && (size_t)n < cap);
}

static void write_file(const char *path, const char *data, size_t len)
{
    FILE *f = fopen(path, "wb");

    if (f == NULL)
        fail_msg("cannot create %s: %s", path, strerror(errno));
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

/* The file's bytes (NUL-terminated), or NULL when it does not exist. */
static char *read_file(const char *path, size_t *len_out)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long size;

    if (f == NULL && errno == ENOENT)
        return NULL;
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
    if (len_out != NULL)
        *len_out = (size_t)size;
    return buf;
}

/* The box's file name (static buffer, one at a time). */
static const char *path_in(const struct box *b, const char *name)
{
    static char path[PATH_MAX];

    box_path(b, name, path, sizeof(path));
    return path;
}

static char *box_read(const struct box *b, const char *name, size_t *len)
{
    char path[PATH_MAX];

    box_path(b, name, path, sizeof(path));
    return read_file(path, len);
}

static void box_write(const struct box *b, const char *name, const char *data, size_t len)
{
    char path[PATH_MAX];

    box_path(b, name, path, sizeof(path));
    write_file(path, data, len);
}

/* Write text into the box's file name, single quotes becoming double quotes. */
static void put(const struct box *b, const char *name, const char *text)
{
    char *copy = strdup(text), *p;

    assert_non_null(copy);
    for (p = copy; *p != '\0'; p++) {
        if (*p == '\'')
            *p = '"';
    }
    box_write(b, name, copy, strlen(copy));
    free(copy);
}

/* A copy of a shipped plugin; a tag appends bytes, making a distinct file. */
static void plugin_copy(const struct box *b, const char *plugin, const char *name, unsigned tag)
{
    size_t len = 0;
    char *data = read_file(hh_test_path("HOOKHOST_TEST_PLUGIN_DIR", plugin), &len);
    char extra[64];
    int n = tag != 0 ? snprintf(extra, sizeof(extra), "\nhookhost test copy %u\n", tag) : 0;
    char *grown;

    assert_non_null(data);
    grown = realloc(data, len + (size_t)n + 1);
    assert_non_null(grown);
    memcpy(grown + len, extra, (size_t)n);
    box_write(b, name, grown, len + (size_t)n);
    free(grown);
}

static int setup(void **state)
{
    struct box *b = calloc(1, sizeof(*b));

    if (b == NULL)
        return -1;
    snprintf(b->dir, sizeof(b->dir), "%s/registry-XXXXXX", hh_test_env("HOOKHOST_TEST_BUILDDIR"));
    if (mkdtemp(b->dir) == NULL || chmod(b->dir, 0755) != 0) {
        free(b);
        return -1;
    }
    if (snprintf(b->reg, sizeof(b->reg), "%s/reg", b->dir) >= (int)sizeof(b->reg) ||
        snprintf(b->conf, sizeof(b->conf), "%s/hookhost.conf", b->dir) >= (int)sizeof(b->conf)) {
        free(b);
        return -1;
    }
    write_file(b->conf, "# CloudFormation's quotas\n", 26);
    put(b, "t.json", TEMPLATE);
    put(b, "topic.json", TOPIC_TEMPLATE);
    put(b, "on.json", CFG(ON));
    *state = b;
    return 0;
}

static int teardown(void **state)
{
    struct box *b = *state;

    /* Set by some tests; not to leak into the next when one fails. */
    unsetenv("HOOKHOST_CONFIG");
    unsetenv("HOOKHOST_REGISTRY");
    int rc = nftw(b->dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);

    free(b);
    return rc == 0 ? 0 : -1;
}

/* ------------------------------------------------------------------ running */

/*
 * "@R" is the registry root, "@C" the host configuration, "@P" the plugin
 * directory, "@name" a file of the box, "%name" a shipped plugin and
 * "^path" a file of the source tree.
 */
static const char *expand(const struct box *b, const char *arg, char *buf, size_t cap)
{
    int n;

    if (strcmp(arg, "@R") == 0)
        return b->reg;
    if (strcmp(arg, "@C") == 0)
        return b->conf;
    if (strcmp(arg, "@P") == 0)
        return hh_test_env("HOOKHOST_TEST_PLUGIN_DIR");
    if (arg[0] == '@')
        n = snprintf(buf, cap, "%s/%s", b->dir, arg + 1);
    else if (arg[0] == '%')
        n = snprintf(buf, cap, "%s/%s", hh_test_env("HOOKHOST_TEST_PLUGIN_DIR"), arg + 1);
    else if (arg[0] == '^')
        n = snprintf(buf, cap, "%s/%s", hh_test_env("HOOKHOST_TEST_TOP_SRCDIR"), arg + 1);
    else
        return arg;
    assert_true(n > 0 && (size_t)n < cap);
    return buf;
}

static void run(struct hh_run *r, const struct box *b, const char *const args[],
                const char *stdin_arg)
{
    static char bufs[MAX_ARGS + 1][PATH_MAX];
    const char *argv[MAX_ARGS + 1];
    const char *in = NULL;
    size_t i;

    for (i = 0; args[i] != NULL; i++) {
        assert_true(i < MAX_ARGS);
        argv[i] = expand(b, args[i], bufs[i], PATH_MAX);
    }
    argv[i] = NULL;
    if (stdin_arg != NULL)
        in = expand(b, stdin_arg, bufs[MAX_ARGS], PATH_MAX);
    assert_int_equal(hh_run_hookhost(r, argv, in), 0);
}

/* "registry --registry R [--config C] [--account A]" or "eval -f json ..." then args. */
static void prefixed(struct hh_run *r, const struct box *b, const char *cmd, const char *account,
                     const char *const args[], const char *stdin_arg)
{
    const char *argv[MAX_ARGS + 1];
    size_t n = 0, i;

    argv[n++] = cmd;
    if (strcmp(cmd, "eval") == 0) {
        argv[n++] = "-f";
        argv[n++] = "json";
    }
    argv[n++] = "--registry";
    argv[n++] = "@R";
    if (b->conf[0] != '\0') {
        argv[n++] = "--config";
        argv[n++] = "@C";
    }
    if (account != NULL) {
        argv[n++] = "--account";
        argv[n++] = account;
    }
    for (i = 0; args[i] != NULL; i++) {
        assert_true(n < MAX_ARGS);
        argv[n++] = args[i];
    }
    argv[n] = NULL;
    run(r, b, argv, stdin_arg);
}

static void reg_cmd(struct hh_run *r, const struct box *b, const char *account,
                    const char *const args[], const char *stdin_arg)
{
    prefixed(r, b, "registry", account, args, stdin_arg);
}

/* A registry command that must succeed quietly on stderr; its output. */
static char *reg_out(const struct box *b, const char *account, const char *const args[],
                     const char *stdin_arg)
{
    struct hh_run r;
    char *out;

    reg_cmd(&r, b, account, args, stdin_arg);
    if (r.exit_code != 0 || r.err_len != 0)
        fail_msg("registry %s %s: exit %d: %s", args[0], args[1] != NULL ? args[1] : "",
                 r.exit_code, r.err);
    out = r.out;
    r.out = NULL;
    hh_run_free(&r);
    return out;
}

static void reg_ok(const struct box *b, const char *account, const char *const args[])
{
    free(reg_out(b, account, args, NULL));
}

/*
 * An error: exit 2, nothing on stdout, exactly one line "hookhost: ..."
 * on stderr holding each of expect.
 */
static void assert_error_of(const struct hh_run *r, const char *what, const char *const expect[])
{
    const char *newline = strchr(r->err, '\n');
    size_t i;

    if (r->exit_code != 2)
        fail_msg("%s: exit %d, expected 2; stderr: %s", what, r->exit_code, r->err);
    if (r->out_len != 0)
        fail_msg("%s: stdout not empty: %.300s", what, r->out);
    if (strncmp(r->err, "hookhost: ", 10) != 0)
        fail_msg("%s: stderr does not start with \"hookhost: \": %s", what, r->err);
    if (newline == NULL || newline != r->err + r->err_len - 1)
        fail_msg("%s: stderr is not exactly one line: %s", what, r->err);
    for (i = 0; expect[i] != NULL; i++) {
        if (strstr(r->err, expect[i]) == NULL)
            fail_msg("%s: stderr lacks \"%s\": %s", what, expect[i], r->err);
    }
}

static void assert_error(const struct hh_run *r, const char *const expect[])
{
    assert_error_of(r, "hookhost", expect);
}

/* "a b c" of the first arguments, for messages. */
static const char *joined(const char *const args[])
{
    static char buf[512];
    size_t i, len = 0;

    buf[0] = '\0';
    for (i = 0; args[i] != NULL && len + 1 < sizeof(buf); i++)
        len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%.100s", i ? " " : "", args[i]);
    return buf;
}

/* -------------------------------------------------------------- snapshots */

struct lines {
    char **v;
    size_t n, cap;
    size_t skip;
};

static struct lines walked; /* nftw has no user pointer */

static int walk_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    char line[PATH_MAX + 128];

    (void)flag;
    (void)ftw;
    if (walked.n == walked.cap) {
        char **grown = realloc(walked.v, (walked.cap * 2 + 16) * sizeof(*grown));

        if (grown == NULL)
            return -1;
        walked.v = grown;
        walked.cap = walked.cap * 2 + 16;
    }
    snprintf(line, sizeof(line), "%s %o %lld %llu", path + walked.skip,
             (unsigned)(st->st_mode & 07777),
             S_ISDIR(st->st_mode) ? 0LL : (long long)st->st_size,
             (unsigned long long)st->st_ino);
    walked.v[walked.n] = strdup(line);
    return walked.v[walked.n++] != NULL ? 0 : -1;
}

static int compare_lines(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Every entry under root (sorted lines: path, mode, size, inode); "" when absent. */
static char *tree_of(const char *root)
{
    size_t total = 1, i;
    char *out;

    memset(&walked, 0, sizeof(walked));
    walked.skip = strlen(root);
    if (access(root, F_OK) == 0 && nftw(root, walk_entry, 16, FTW_PHYS) != 0)
        fail_msg("cannot walk %s", root);
    if (walked.n > 1) /* qsort(NULL, 0, ...) is undefined behaviour */
        qsort(walked.v, walked.n, sizeof(*walked.v), compare_lines);
    for (i = 0; i < walked.n; i++)
        total += strlen(walked.v[i]) + 1;
    out = malloc(total);
    assert_non_null(out);
    out[0] = '\0';
    for (i = 0; i < walked.n; i++) {
        strcat(out, walked.v[i]);
        strcat(out, "\n");
        free(walked.v[i]);
    }
    free(walked.v);
    memset(&walked, 0, sizeof(walked));
    return out;
}

struct snapshot {
    char *list;     /* registry list --format json: exit, stdout, stderr */
    char *index;    /* the account's index bytes, or NULL */
    char *tree;     /* the registry root */
};

static void snap(struct snapshot *s, const struct box *b, const char *account)
{
    char path[PATH_MAX];
    struct hh_run r;
    size_t len;
    int n;

    reg_cmd(&r, b, account, ARGS("list", "--format", "json"), NULL);
    len = r.out_len + r.err_len + 32;
    s->list = malloc(len);
    assert_non_null(s->list);
    snprintf(s->list, len, "exit %d\n%s%s", r.exit_code, r.out, r.err);
    hh_run_free(&r);
    n = snprintf(path, sizeof(path), "%s/accounts/%s/registry.json", b->reg,
                 account != NULL ? account : "default");
    assert_true(n > 0 && (size_t)n < sizeof(path));
    s->index = read_file(path, NULL);
    s->tree = tree_of(b->reg);
}

static void snap_free(struct snapshot *s)
{
    free(s->list);
    free(s->index);
    free(s->tree);
    memset(s, 0, sizeof(*s));
}

/* The first line where two listings differ, both versions (static buffer). */
static const char *first_difference(const char *x, const char *y)
{
    static char buf[1024];
    const char *line_x = x, *line_y = y;

    while (*x != '\0' && *x == *y) {
        if (*x == '\n') {
            line_x = x + 1;
            line_y = y + 1;
        }
        x++;
        y++;
    }
    snprintf(buf, sizeof(buf), "\n  was: %.*s\n  now: %.*s", (int)strcspn(line_x, "\n"),
             line_x, (int)strcspn(line_y, "\n"), line_y);
    return buf;
}

static void assert_unchanged_by(const struct snapshot *before, const struct box *b,
                                const char *account, const char *what)
{
    struct snapshot after;

    snap(&after, b, account);
    if (strcmp(before->list, after.list) != 0)
        fail_msg("%s: the listing changed:\n%s\n--- became ---\n%s", what, before->list,
                 after.list);
    if ((before->index == NULL) != (after.index == NULL) ||
        (before->index != NULL && strcmp(before->index, after.index) != 0))
        fail_msg("%s: the index changed", what);
    if (strcmp(before->tree, after.tree) != 0)
        fail_msg("%s: the registry's files changed: %s", what,
                 first_difference(before->tree, after.tree));
    snap_free(&after);
}

static void assert_unchanged(const struct snapshot *before, const struct box *b,
                             const char *account)
{
    assert_unchanged_by(before, b, account, "unchanged");
}

/* The command is refused (exit 2, one line holding each of expect) and changes nothing. */
static void refused_with(const struct box *b, const char *account, const char *const args[],
                         const char *stdin_arg, const char *const expect[])
{
    struct snapshot before;
    struct hh_run r;

    snap(&before, b, account);
    reg_cmd(&r, b, account, args, stdin_arg);
    assert_error_of(&r, joined(args), expect);
    hh_run_free(&r);
    assert_unchanged_by(&before, b, account, joined(args));
    snap_free(&before);
}

#define REFUSED(b, account, args, ...) refused_with(b, account, args, NULL, ARGS(__VA_ARGS__))

/* ------------------------------------------------------------------ JSON */

static json_object *parse_json(const char *text)
{
    json_object *doc = json_tokener_parse(text);

    if (doc == NULL)
        fail_msg("not JSON: %.300s", text);
    return doc;
}

static json_object *get(json_object *obj, const char *key)
{
    json_object *v = NULL;

    if (!json_object_object_get_ex(obj, key, &v))
        fail_msg("no member %s in %.300s", key, json_object_to_json_string(obj));
    return v;
}

static const char *get_str(json_object *obj, const char *key)
{
    json_object *v = get(obj, key);

    if (!json_object_is_type(v, json_type_string))
        fail_msg("member %s is not a string in %.300s", key, json_object_to_json_string(obj));
    return json_object_get_string(v);
}

/* The account's index, read directly. */
static json_object *index_json(const struct box *b, const char *account)
{
    char path[PATH_MAX];
    json_object *doc;
    int n = snprintf(path, sizeof(path), "%s/accounts/%s/registry.json", b->reg,
                     account != NULL ? account : "default");

    assert_true(n > 0 && (size_t)n < sizeof(path));
    doc = json_object_from_file(path);
    if (doc == NULL)
        fail_msg("cannot read the index %s", path);
    return doc;
}

static json_object *reg_json(const struct box *b, const char *account, const char *const args[])
{
    char *out = reg_out(b, account, args, NULL);
    json_object *doc = parse_json(out);

    free(out);
    return doc;
}

/* The configuration file of the box, parsed. */
static json_object *box_json(const struct box *b, const char *name)
{
    char *text = box_read(b, name, NULL);
    json_object *doc;

    assert_non_null(text);
    doc = parse_json(text);
    free(text);
    return doc;
}

static void assert_json_equal(json_object *got, json_object *want)
{
    if (!json_object_equal(got, want))
        fail_msg("JSON differs:\n  got  %s\n  want %s", json_object_to_json_string(got),
                 json_object_to_json_string(want));
}

/* get-configuration NAME equals the box's file. */
static void assert_configuration(const struct box *b, const char *account, const char *name,
                                 const char *file)
{
    json_object *got = reg_json(b, account, ARGS("get-configuration", name));
    json_object *want = box_json(b, file);

    assert_json_equal(got, want);
    json_object_put(got);
    json_object_put(want);
}

/* ------------------------------------------------------------------ eval */

struct text {
    char *s;
    size_t len, cap;
};

static void text_add(struct text *t, const char *s)
{
    size_t n = strlen(s);

    if (t->len + n + 1 > t->cap) {
        size_t cap = (t->cap + n + 1) * 2;
        char *grown = realloc(t->s, cap);

        assert_non_null(grown);
        t->s = grown;
        t->cap = cap;
    }
    memcpy(t->s + t->len, s, n + 1);
    t->len += n;
}

/* The results as "logicalId:hook:status:failureMode;..." (malloc'd). */
static char *results_of(json_object *report)
{
    json_object *results = get(report, "results");
    struct text t = { NULL, 0, 0 };
    size_t i;

    text_add(&t, "");
    for (i = 0; i < json_object_array_length(results); i++) {
        json_object *r = json_object_array_get_idx(results, i);

        if (i > 0)
            text_add(&t, ";");
        text_add(&t, get_str(r, "logicalId"));
        text_add(&t, ":");
        text_add(&t, get_str(r, "hook"));
        text_add(&t, ":");
        text_add(&t, get_str(r, "status"));
        text_add(&t, ":");
        text_add(&t, get_str(r, "failureMode"));
    }
    return t.s;
}

static json_object *eval_report(const struct box *b, const char *account,
                                const char *const args[], int exit_code)
{
    struct hh_run r;
    json_object *doc;

    prefixed(&r, b, "eval", account, args, NULL);
    if (r.exit_code != exit_code || r.err_len != 0)
        fail_msg("eval: exit %d (expected %d), stderr: %s", r.exit_code, exit_code, r.err);
    doc = parse_json(r.out);
    hh_run_free(&r);
    return doc;
}

/* eval of the registry exits exit_code with these results (NULL: not checked). */
static void assert_eval(const struct box *b, const char *account, const char *const args[],
                        int exit_code, const char *results)
{
    json_object *report = eval_report(b, account, args, exit_code);
    char *got = results_of(report);

    if (results != NULL && strcmp(got, results) != 0)
        fail_msg("eval results:\n  got      %s\n  expected %s", got, results);
    free(got);
    json_object_put(report);
}

static void assert_eval_error(const struct box *b, const char *account, const char *const args[],
                              const char *const expect[])
{
    struct hh_run r;

    prefixed(&r, b, "eval", account, args, NULL);
    assert_error_of(&r, "eval", expect);
    hh_run_free(&r);
}

/* ------------------------------------------------------- small scenarios */

/* noop registered and activated as name, configured from the box's file (NULL: not). */
static void noop_hook(const struct box *b, const char *name, const char *priority,
                      const char *config)
{
    if (priority != NULL)
        reg_ok(b, NULL, ARGS("activate", NOOP, "--alias", name, "--priority", priority));
    else
        reg_ok(b, NULL, ARGS("activate", NOOP, "--alias", name));
    if (config != NULL)
        reg_ok(b, NULL, ARGS("set-configuration", name, config));
}

static size_t array_length(json_object *obj, const char *key)
{
    json_object *v = get(obj, key);

    if (!json_object_is_type(v, json_type_array))
        fail_msg("member %s is not an array", key);
    return json_object_array_length(v);
}

/* ========================================================= the verbs */

static void test_register_versions(void **state)
{
    struct box *b = *state;
    struct snapshot before;
    json_object *doc, *v;
    char *out, *real_noop, *real_copy, path[PATH_MAX];

    plugin_copy(b, "noop.so", "noop-2.so", 2);
    put(b, "notes.txt", "not a plugin");
    out = reg_out(b, NULL, ARGS("register", "%noop.so"), NULL);
    assert_string_equal(out, "registered " NOOP " version 00000001\n");
    free(out);

    /* The same file again: the same version, and nothing rewritten. */
    snap(&before, b, NULL);
    out = reg_out(b, NULL, ARGS("register", "%noop.so"), NULL);
    assert_string_equal(out, "registered " NOOP " version 00000001\n");
    free(out);
    assert_unchanged(&before, b, NULL);
    snap_free(&before);

    /* A modified copy: a new version; the first stays the default. */
    doc = reg_json(b, NULL, ARGS("register", "--format", "json", "@noop-2.so"));
    assert_string_equal(get_str(doc, "typeName"), NOOP);
    assert_string_equal(get_str(doc, "versionId"), "00000002");
    json_object_put(doc);

    doc = reg_json(b, NULL, ARGS("versions", NOOP, "--format", "json"));
    assert_int_equal(json_object_array_length(doc), 2);
    v = json_object_array_get_idx(doc, 0);
    real_noop = realpath(hh_test_path("HOOKHOST_TEST_PLUGIN_DIR", "noop.so"), NULL);
    box_path(b, "noop-2.so", path, sizeof(path));
    real_copy = realpath(path, NULL);
    assert_non_null(real_noop);
    assert_non_null(real_copy);
    assert_string_equal(get_str(v, "versionId"), "00000001");
    assert_true(json_object_get_boolean(get(v, "isDefaultVersion")));
    assert_string_equal(get_str(v, "source"), real_noop);
    assert_string_equal(get_str(v, "pluginVersion"), "1.0.0");
    assert_int_equal(strlen(get_str(v, "sha256")), 64);
    v = json_object_array_get_idx(doc, 1);
    assert_string_equal(get_str(v, "versionId"), "00000002");
    assert_false(json_object_get_boolean(get(v, "isDefaultVersion")));
    assert_string_equal(get_str(v, "source"), real_copy);
    assert_string_not_equal(get_str(v, "sha256"),
                            get_str(json_object_array_get_idx(doc, 0), "sha256"));
    free(real_noop);
    free(real_copy);
    json_object_put(doc);

    /* The registered copy is the file's bytes, owner-writable only. */
    {
        size_t a_len = 0, b_len = 0;
        char *a = box_read(b, NOOP_DIR "/00000002.so", &a_len);
        char *c = box_read(b, "noop-2.so", &b_len);
        struct stat st;

        assert_non_null(a);
        assert_non_null(c);
        assert_int_equal(a_len, b_len);
        assert_memory_equal(a, c, a_len);
        free(a);
        free(c);
        box_path(b, NOOP_DIR "/00000002.so", path, sizeof(path));
        assert_int_equal(stat(path, &st), 0);
        assert_int_equal(st.st_mode & 022, 0);
    }

    out = reg_out(b, NULL, ARGS("versions", NOOP), NULL);
    assert_non_null(strstr(out, "Versions of " NOOP ":\n"));
    assert_non_null(strstr(out, "  00000001 (default)  plugin 1.0.0  sha256 "));
    assert_non_null(strstr(out, "  00000002  plugin 1.0.0  sha256 "));
    free(out);

    /* set-default-version: an existing version only. */
    reg_ok(b, NULL, ARGS("set-default-version", NOOP, "00000002"));
    doc = reg_json(b, NULL, ARGS("versions", NOOP, "--format", "json"));
    assert_false(json_object_get_boolean(get(json_object_array_get_idx(doc, 0), "isDefaultVersion")));
    assert_true(json_object_get_boolean(get(json_object_array_get_idx(doc, 1), "isDefaultVersion")));
    json_object_put(doc);
    REFUSED(b, NULL, ARGS("set-default-version", NOOP, "00000003"),
            "registry set-default-version: ", "type " NOOP " has no version 00000003");
    REFUSED(b, NULL, ARGS("set-default-version", NOOP, "2"), "has no version 2");
    REFUSED(b, NULL, ARGS("set-default-version", "Nope::Not::Here", "00000001"),
            "type Nope::Not::Here is not registered in account default");

    /* Files that are not plugins. */
    REFUSED(b, NULL, ARGS("register", "@notes.txt"), "registry register: ", "no ELF header");
    REFUSED(b, NULL, ARGS("register", "@missing.so"), "missing.so", "No such file");
    REFUSED(b, NULL, ARGS("register", "@"), "not a regular file");
    REFUSED(b, NULL, ARGS("versions", "Nope::Not::Here"), "type Nope::Not::Here is not registered");

    /* list and describe, text and JSON. */
    out = reg_out(b, NULL, ARGS("list"), NULL);
    assert_string_equal(out, "Types in account default:\n  " NOOP "  default 00000002  2 version(s)\n"
                             "Activations:\n");
    free(out);
    doc = reg_json(b, NULL, ARGS("list", "--format", "json"));
    assert_string_equal(get_str(doc, "account"), "default");
    assert_int_equal(array_length(doc, "types"), 1);
    assert_int_equal(array_length(doc, "activations"), 0);
    v = json_object_array_get_idx(get(doc, "types"), 0);
    assert_string_equal(get_str(v, "typeName"), NOOP);
    assert_string_equal(get_str(v, "defaultVersionId"), "00000002");
    assert_int_equal(json_object_get_int(get(v, "versionCount")), 2);
    json_object_put(doc);
    doc = reg_json(b, NULL, ARGS("describe", NOOP, "--format", "json"));
    assert_string_equal(get_str(doc, "typeName"), NOOP);
    assert_string_equal(get_str(doc, "defaultVersionId"), "00000002");
    assert_int_equal(array_length(doc, "versions"), 2);
    assert_int_equal(array_length(doc, "activations"), 0);
    assert_non_null(strstr(get_str(doc, "description"), "Answers SUCCESS"));
    json_object_put(doc);
    out = reg_out(b, NULL, ARGS("describe", NOOP), NULL);
    assert_true(strncmp(out, NOOP "\n  Answers SUCCESS", strlen(NOOP) + 18) == 0);
    assert_non_null(strstr(out, "  default version 00000002\n"));
    free(out);
    REFUSED(b, NULL, ARGS("describe", "Nope::Not::Here"),
            "Nope::Not::Here is neither a registered type nor an activation");
}

static void test_activate_deactivate(void **state)
{
    struct box *b = *state;
    json_object *doc, *a;
    char *out;

    reg_ok(b, NULL, ARGS("register", "%noop.so"));
    REFUSED(b, NULL, ARGS("activate", "Nope::Not::Here"),
            "registry activate: type Nope::Not::Here is not registered in account default");
    reg_ok(b, NULL, ARGS("activate", NOOP));
    doc = reg_json(b, NULL, ARGS("list", "--format", "json"));
    a = json_object_array_get_idx(get(doc, "activations"), 0);
    assert_string_equal(get_str(a, "name"), NOOP);
    assert_string_equal(get_str(a, "typeName"), NOOP);
    assert_true(json_object_get_boolean(get(a, "active")));
    assert_int_equal(json_object_get_int(get(a, "priority")), 0);
    assert_string_equal(get_str(a, "hookInvocationStatus"), "DISABLED (no configuration)");
    assert_false(json_object_get_boolean(get(a, "configured")));
    json_object_put(doc);

    /* Activated but not configured: CloudFormation leaves it off. */
    doc = eval_report(b, NULL, ARGS("@t.json"), 0);
    assert_int_equal(array_length(doc, "hooks"), 1);
    assert_string_equal(get_str(json_object_array_get_idx(get(doc, "hooks"), 0), "status"),
                        "DISABLED");
    assert_int_equal(array_length(doc, "results"), 0);
    json_object_put(doc);

    reg_ok(b, NULL, ARGS("set-configuration", NOOP, "@on.json"));
    assert_eval(b, NULL, ARGS("@t.json"), 0,
                RES("LogsBucket", NOOP, "SUCCESS", "FAIL") ";"
                RES("AssetsBucket", NOOP, "SUCCESS", "FAIL") ";"
                RES("Topic", NOOP, "SUCCESS", "FAIL"));

    /* Re-activating sets the priority and keeps the configuration. */
    reg_ok(b, NULL, ARGS("activate", NOOP, "--priority", "-7"));
    assert_configuration(b, NULL, NOOP, "on.json");
    out = reg_out(b, NULL, ARGS("list"), NULL);
    assert_non_null(strstr(out, "Activations:\n  " NOOP "  type " NOOP "  priority -7  ENABLED\n"));
    free(out);

    reg_ok(b, NULL, ARGS("deactivate", NOOP));
    out = reg_out(b, NULL, ARGS("list"), NULL);
    assert_non_null(strstr(out, "priority -7  INACTIVE\n"));
    free(out);
    doc = eval_report(b, NULL, ARGS("@t.json"), 0);
    assert_int_equal(array_length(doc, "hooks"), 0);
    assert_int_equal(array_length(doc, "results"), 0);
    json_object_put(doc);
    reg_ok(b, NULL, ARGS("activate", NOOP));
    assert_configuration(b, NULL, NOOP, "on.json");
    assert_eval(b, NULL, ARGS("@topic.json"), 0, RES("Topic", NOOP, "SUCCESS", "FAIL"));

    REFUSED(b, NULL, ARGS("deactivate", "Nope::Not::Here"),
            "registry deactivate: Nope::Not::Here is not activated in account default");
    REFUSED(b, NULL, ARGS("activate", NOOP, "--priority", "1001"),
            "--priority takes a whole number from -1000 to 1000");
    REFUSED(b, NULL, ARGS("activate", NOOP, "--priority", "x"), "--priority");
    REFUSED(b, NULL, ARGS("activate", NOOP, "--alias", "bad-alias"),
            "alias bad-alias does not match Org::Service::Name");
    reg_ok(b, NULL, ARGS("register", "%ct-s3-pr-1.so"));
    REFUSED(b, NULL, ARGS("activate", NOOP, "--alias", S3),
            "alias " S3 " is the name of a registered type");
    reg_ok(b, NULL, ARGS("activate", NOOP, "--alias", "My::Hook::One"));
    REFUSED(b, NULL, ARGS("activate", S3, "--alias", "My::Hook::One"),
            "My::Hook::One is already the name of an activation of " NOOP);
    /* --type-name-alias is CloudFormation's spelling. */
    reg_ok(b, NULL, ARGS("activate", S3, "--type-name-alias", "My::Hook::Two"));
    doc = reg_json(b, NULL, ARGS("describe", "My::Hook::Two", "--format", "json"));
    assert_string_equal(get_str(doc, "typeName"), S3);
    assert_int_equal(array_length(doc, "activations"), 1);
    json_object_put(doc);
}

static void test_alias_twice(void **state)
{
    struct box *b = *state;
    json_object *doc;

    put(b, "strict.json", CFG(ON ",'FailureMode':'FAIL'"));
    put(b, "lenient.json", CFG(ON ",'FailureMode':'WARN'"));
    reg_ok(b, NULL, ARGS("register", "%ct-s3-pr-1.so"));
    reg_ok(b, NULL, ARGS("activate", S3, "--alias", "Example::S3::Strict", "--priority", "1"));
    reg_ok(b, NULL, ARGS("activate", S3, "--alias", "Example::S3::Lenient", "--priority", "2"));
    reg_ok(b, NULL, ARGS("set-configuration", "Example::S3::Strict", "@strict.json"));
    reg_ok(b, NULL, ARGS("set-configuration", "Example::S3::Lenient", "@lenient.json"));
    assert_configuration(b, NULL, "Example::S3::Strict", "strict.json");
    assert_configuration(b, NULL, "Example::S3::Lenient", "lenient.json");
    assert_eval(b, NULL, ARGS("@t.json"), 1,
                RES("LogsBucket", "Example::S3::Strict", "SUCCESS", "FAIL") ";"
                RES("LogsBucket", "Example::S3::Lenient", "SUCCESS", "WARN") ";"
                RES("AssetsBucket", "Example::S3::Strict", "FAILED", "FAIL") ";"
                RES("AssetsBucket", "Example::S3::Lenient", "FAILED", "WARN"));
    doc = reg_json(b, NULL, ARGS("describe", S3, "--format", "json"));
    assert_int_equal(array_length(doc, "activations"), 2);
    json_object_put(doc);
    /* Only the lenient one left: a warning, exit 0. */
    reg_ok(b, NULL, ARGS("deactivate", "Example::S3::Strict"));
    assert_eval(b, NULL, ARGS("@t.json"), 0,
                RES("LogsBucket", "Example::S3::Lenient", "SUCCESS", "WARN") ";"
                RES("AssetsBucket", "Example::S3::Lenient", "FAILED", "WARN"));
}

static void test_priority_order(void **state)
{
    static const struct {
        const char *name, *priority;
    } hooks[] = {
        { "Order::Hook::Late", "10" },  { "Order::Hook::Early", "-5" },
        { "Order::Hook::Bravo", "0" },  { "Order::Hook::Alpha", "0" },
        { "Aaa::Hook::Last", "1000" },  { "Zzz::Hook::First", "-1000" },
    };
    static const char *const expected =
        RES("Topic", "Zzz::Hook::First", "SUCCESS", "FAIL") ";"
        RES("Topic", "Order::Hook::Early", "SUCCESS", "FAIL") ";"
        RES("Topic", "Order::Hook::Alpha", "SUCCESS", "FAIL") ";"
        RES("Topic", "Order::Hook::Bravo", "SUCCESS", "FAIL") ";"
        RES("Topic", "Order::Hook::Late", "SUCCESS", "FAIL") ";"
        RES("Topic", "Aaa::Hook::Last", "SUCCESS", "FAIL");
    struct box *b = *state;
    json_object *doc, *list;
    size_t i;
    int round;

    reg_ok(b, NULL, ARGS("register", "%noop.so"));
    for (i = 0; i < N_ITEMS(hooks); i++)
        noop_hook(b, hooks[i].name, hooks[i].priority, "@on.json");
    for (round = 0; round < 3; round++)
        assert_eval(b, NULL, ARGS("@topic.json"), 0, expected);
    /* The report's list of hooks is in the same order. */
    doc = eval_report(b, NULL, ARGS("@topic.json"), 0);
    list = get(doc, "hooks");
    assert_int_equal(json_object_array_length(list), N_ITEMS(hooks));
    assert_string_equal(get_str(json_object_array_get_idx(list, 0), "hook"), "Zzz::Hook::First");
    assert_string_equal(get_str(json_object_array_get_idx(list, 2), "hook"), "Order::Hook::Alpha");
    assert_string_equal(get_str(json_object_array_get_idx(list, 5), "hook"), "Aaa::Hook::Last");
    json_object_put(doc);
    /* Changing a priority reorders. */
    reg_ok(b, NULL, ARGS("activate", NOOP, "--alias", "Aaa::Hook::Last", "--priority", "-1000"));
    assert_eval(b, NULL, ARGS("@topic.json"), 0,
                RES("Topic", "Aaa::Hook::Last", "SUCCESS", "FAIL") ";"
                RES("Topic", "Zzz::Hook::First", "SUCCESS", "FAIL") ";"
                RES("Topic", "Order::Hook::Early", "SUCCESS", "FAIL") ";"
                RES("Topic", "Order::Hook::Alpha", "SUCCESS", "FAIL") ";"
                RES("Topic", "Order::Hook::Bravo", "SUCCESS", "FAIL") ";"
                RES("Topic", "Order::Hook::Late", "SUCCESS", "FAIL"));
}

/* ========================================================= configuration */

#define FULL_CONFIG \
    CFG(ON ",'FailureMode':'WARN','Properties':{},'TargetOperations':['RESOURCE']," \
           "'TargetFilters':{'Actions':['CREATE'],'InvocationPoints':['PRE_PROVISION']," \
           "'TargetNames':['AWS::S3::*']},'StackFilters':{'FilteringCriteria':'ANY'," \
           "'StackNames':{'Include':['prod-*'],'Exclude':['prod-old']}," \
           "'StackRoles':{'Include':['arn:aws:iam::*:role/deploy']}}")

static void test_configuration_roundtrip(void **state)
{
    struct box *b = *state;
    char *out;

    put(b, "full.json", FULL_CONFIG);
    put(b, "targets.json",
        CFG(ON ",'TargetFilters':{'Targets':[{'TargetName':'AWS::S3::Bucket','Action':'CREATE',"
               "'InvocationPoint':'PRE_PROVISION'}]}"));
    put(b, "array.json", "[]");
    put(b, "broken.json", "{'CloudFormationConfiguration':");
    reg_ok(b, NULL, ARGS("register", "%noop.so"));
    reg_ok(b, NULL, ARGS("activate", NOOP));
    out = reg_out(b, NULL, ARGS("get-configuration", NOOP), NULL);
    assert_string_equal(out, "null\n");
    free(out);

    reg_ok(b, NULL, ARGS("set-configuration", NOOP, "@full.json"));
    assert_configuration(b, NULL, NOOP, "full.json");
    free(reg_out(b, NULL, ARGS("set-configuration", NOOP, "-"), "@targets.json"));
    assert_configuration(b, NULL, NOOP, "targets.json");

    refused_with(b, NULL, ARGS("set-configuration", NOOP, "-"), "/dev/null",
                 ARGS("registry set-configuration: standard input: empty"));
    REFUSED(b, NULL, ARGS("set-configuration", "Nope::Not::Here", "@full.json"),
            "Nope::Not::Here is not activated in account default");
    REFUSED(b, NULL, ARGS("set-configuration", NOOP, "@array.json"), "array.json",
            "must be a JSON object");
    REFUSED(b, NULL, ARGS("set-configuration", NOOP, "@broken.json"), "broken.json");
    REFUSED(b, NULL, ARGS("set-configuration", NOOP, "@missing.json"), "missing.json",
            "No such file");
    REFUSED(b, NULL, ARGS("get-configuration", "Nope::Not::Here"),
            "Nope::Not::Here is not activated");
    REFUSED(b, NULL, ARGS("set-configuration", NOOP), "expected 2 argument(s)");
}

/* 51 items where CloudFormation allows 50. */
static void fifty_one_names(char *out, size_t cap)
{
    size_t len, i;

    len = (size_t)snprintf(out, cap, "%s", "{'CloudFormationConfiguration':{'HookConfiguration':{"
                                           ON ",'TargetFilters':{'TargetNames':[");
    for (i = 0; i < 51; i++)
        len += (size_t)snprintf(out + len, cap - len, "%s'AWS::S3::Type%zu'", i ? "," : "", i);
    snprintf(out + len, cap - len, "]}}}}");
    assert_true(strlen(out) < cap - 1);
}

#define HC "CloudFormationConfiguration.HookConfiguration"

static void test_configuration_invalid(void **state)
{
    struct box *b = *state;
    char many[4096];
    const struct {
        const char *hook;
        const char *config;
        const char *path;
        const char *why;
    } cases[] = {
        { NOOP, CFG(ON ",'FailureMode':'MAYBE'"), HC ".FailureMode: ", "must be FAIL or WARN" },
        { NOOP, CFG(ON ",'TargetFilters':{'Actions':['CREATE'],'Targets':[{'TargetName':"
                       "'AWS::S3::Bucket','Action':'CREATE','InvocationPoint':'PRE_PROVISION'}]}"),
          HC ".TargetFilters: ", "Targets cannot be combined with Actions" },
        { NOOP, many, HC ".TargetFilters.TargetNames: ", "must hold 1 to 50 items" },
        { "Example::Dev::Small", CFG(ON ",'Properties':{'AllowedInstanceTypes':'t3.micro'}"),
          "Properties.AllowedInstanceTypes: ", "must be of type array" },
        { "Example::Dev::Small", CFG(ON ",'Properties':{}"), "Properties: ",
          "missing required property \"AllowedInstanceTypes\"" },
        { "Example::Dev::Small", CFG(ON ",'Properties':{'AllowedInstanceTypes':['T3 micro']}"),
          "Properties.AllowedInstanceTypes[0]: ", "does not match pattern" },
        { "Example::Dev::Small", CFG(ON), "Properties: ", "missing required property" },
        { NOOP, CFG(ON ",'Properties':{'Extra':1}"), "Properties.Extra: ",
          "is not an allowed property" },
        { NOOP, CFG(ON ",'Properties':{'CloudFormationX':1}"), HC ".Properties.CloudFormationX: ",
          "may not start with CloudFormation" },
        { NOOP, CFG("'HookInvocationStatus':'ON'"), HC ".HookInvocationStatus: ",
          "must be ENABLED or DISABLED" },
        { NOOP, CFG("'TargetStacks':'SOME'"), HC ".TargetStacks: ", "must be ALL or NONE" },
        { NOOP, CFG(ON ",'Mode':'FAIL'"), HC ".Mode: ", "unknown member" },
        { NOOP, "{'CloudFormationConfiguration':{}}", HC ": ", "required member missing" },
        { NOOP, CFG(ON ",'TargetOperations':['RESOURCES']"), HC ".TargetOperations[0]: ",
          "must be RESOURCE, STACK, CHANGE_SET or CLOUD_CONTROL" },
        { NOOP, CFG(ON ",'TargetFilters':{}"), HC ".TargetFilters: ", "must hold" },
        { NOOP, CFG(ON ",'TargetFilters':{'Actions':['CREATE','MOVE']}"),
          HC ".TargetFilters.Actions[1]: ", "must be CREATE, UPDATE or DELETE" },
        { NOOP, CFG(ON ",'TargetFilters':{'InvocationPoints':[]}"),
          HC ".TargetFilters.InvocationPoints: ", "must hold 1 to 50 items" },
        { NOOP, CFG(ON ",'TargetFilters':{'TargetNames':['AWS::S3::Bucket','has space']}"),
          HC ".TargetFilters.TargetNames[1]: ", "must be a target type name" },
        { NOOP, CFG(ON ",'TargetFilters':{'Targets':[{'TargetName':'AWS::S3::Bucket',"
                       "'InvocationPoint':'PRE_PROVISION'}]}"),
          HC ".TargetFilters.Targets[0].Action: ", "required member missing" },
        { NOOP, CFG(ON ",'TargetFilters':{'Targets':[{'TargetName':'AWS::S3::Bucket',"
                       "'Action':'CREATE','InvocationPoint':'LATER'}]}"),
          HC ".TargetFilters.Targets[0].InvocationPoint: ", "must be PRE_PROVISION or POST_PROVISION" },
        { NOOP, CFG(ON ",'StackFilters':{'StackNames':{'Include':['prod']}}"),
          HC ".StackFilters.FilteringCriteria: ", "required member missing" },
        { NOOP, CFG(ON ",'StackFilters':{'FilteringCriteria':'SOME','StackNames':{'Include':['a']}}"),
          HC ".StackFilters.FilteringCriteria: ", "must be ALL or ANY" },
        { NOOP, CFG(ON ",'StackFilters':{'FilteringCriteria':'ALL'}"), HC ".StackFilters: ",
          "must hold StackNames or StackRoles" },
        { NOOP, CFG(ON ",'StackFilters':{'FilteringCriteria':'ALL','StackNames':{}}"),
          HC ".StackFilters.StackNames: ", "must hold Include or Exclude" },
        { NOOP, CFG(ON ",'StackFilters':{'FilteringCriteria':'ALL','StackNames':{'Include':['1st']}}"),
          HC ".StackFilters.StackNames.Include[0]: ", "must be a stack name" },
        { NOOP, CFG(ON ",'StackFilters':{'FilteringCriteria':'ALL','StackRoles':{'Exclude':['deploy']}}"),
          HC ".StackFilters.StackRoles.Exclude[0]: ", "must be an IAM role ARN" },
    };
    size_t i;

    fifty_one_names(many, sizeof(many));
    reg_ok(b, NULL, ARGS("register", "%noop.so"));
    reg_ok(b, NULL, ARGS("register", "%ec2-instance-type.so"));
    put(b, "small.json", CFG(ON ",'Properties':{'AllowedInstanceTypes':['t3.micro']}"));
    noop_hook(b, NOOP, NULL, "@on.json");
    reg_ok(b, NULL, ARGS("activate", ITYPE, "--alias", "Example::Dev::Small"));
    reg_ok(b, NULL, ARGS("set-configuration", "Example::Dev::Small", "@small.json"));
    for (i = 0; i < N_ITEMS(cases); i++) {
        char hook[256];

        snprintf(hook, sizeof(hook), "bad.json: hook %s: ", cases[i].hook);
        put(b, "bad.json", cases[i].config);
        print_message("case %zu: %s%s\n", i, cases[i].path, cases[i].why);
        REFUSED(b, NULL, ARGS("set-configuration", cases[i].hook, "@bad.json"), hook,
                cases[i].path, cases[i].why);
    }
    put(b, "bad.json", "{'HookConfiguration':{}}");
    REFUSED(b, NULL, ARGS("set-configuration", NOOP, "@bad.json"),
            "bad.json: HookConfiguration: unknown member");
    /* Nothing of the refused configurations reached the hooks. */
    assert_configuration(b, NULL, NOOP, "on.json");
    assert_configuration(b, NULL, "Example::Dev::Small", "small.json");
}

struct effect {
    const char *hc;              /* HookConfiguration members */
    const char *args[5];         /* eval options */
    int exit_code;
    const char *results;
};

#define BOTH(mode) \
    RES("LogsBucket", S3, "SUCCESS", mode) ";" RES("AssetsBucket", S3, "FAILED", mode)
#define DEPLOY "arn:aws:iam::123456789012:role/deploy"
#define DEV_ROLE "arn:aws:iam::123456789012:role/dev"
#define NAMES(kind, list) \
    ON ",'StackFilters':{'FilteringCriteria':'ALL','StackNames':{'" kind "':[" list "]}}"
#define ROLES(kind, list) \
    ON ",'StackFilters':{'FilteringCriteria':'ALL','StackRoles':{'" kind "':[" list "]}}"
#define BOTH_FILTERS(criteria) \
    ON ",'StackFilters':{'FilteringCriteria':'" criteria "'," \
       "'StackNames':{'Include':['prod-*']},'StackRoles':{'Include':['arn:aws:iam::*:role/deploy']}}"
#define TARGET(action, point) \
    ON ",'TargetFilters':{'Targets':[{'TargetName':'AWS::S3::Bucket','Action':'" action "'," \
       "'InvocationPoint':'" point "'}]}"

static const struct effect effects[] = {
    { ON, { NULL }, 1, BOTH("FAIL") },
    { "'HookInvocationStatus':'DISABLED','TargetStacks':'ALL'", { NULL }, 0, "" },
    { "'HookInvocationStatus':'ENABLED','TargetStacks':'NONE'", { NULL }, 0, "" },
    { "'TargetStacks':'ALL'", { NULL }, 1, BOTH("FAIL") },
    { "'HookInvocationStatus':'ENABLED'", { NULL }, 1, BOTH("FAIL") },
    { "", { NULL }, 0, "" },
    { ON ",'FailureMode':'FAIL'", { NULL }, 1, BOTH("FAIL") },
    { ON ",'FailureMode':'WARN'", { NULL }, 0, BOTH("WARN") },
    { ON ",'FailureMode':'WARN'", { "--fail-on-warn" }, 1, BOTH("WARN") },
    { ON ",'TargetFilters':{'TargetNames':['AWS::SNS::*']}", { NULL }, 0, "" },
    { ON ",'TargetFilters':{'TargetNames':['AWS::SNS::*','AWS::S3::*']}", { NULL }, 1, BOTH("FAIL") },
    { ON ",'TargetFilters':{'Actions':['UPDATE','DELETE']}", { NULL }, 0, "" },
    { ON ",'TargetFilters':{'Actions':['CREATE']}", { NULL }, 1, BOTH("FAIL") },
    { ON ",'TargetFilters':{'InvocationPoints':['POST_PROVISION']}", { NULL }, 0, "" },
    { ON ",'TargetFilters':{'InvocationPoints':['PRE_PROVISION'],'Actions':['CREATE']}", { NULL },
      1, BOTH("FAIL") },
    { TARGET("CREATE", "PRE_PROVISION"), { NULL }, 1, BOTH("FAIL") },
    { TARGET("UPDATE", "PRE_PROVISION"), { NULL }, 0, "" },
    { TARGET("CREATE", "POST_PROVISION"), { NULL }, 0, "" },
    { ON ",'TargetOperations':['STACK','CHANGE_SET']", { NULL }, 0, "" },
    { ON ",'TargetOperations':['RESOURCE','STACK']", { NULL }, 1, BOTH("FAIL") },
    { NAMES("Include", "'prod-*'"), { "--stack-name", "prod-web" }, 1, BOTH("FAIL") },
    { NAMES("Include", "'prod-*'"), { "--stack-name", "dev-web" }, 0, "" },
    { NAMES("Include", "'prod-*'"), { NULL }, 0, "" },
    { NAMES("Include", "'prod-?'"), { "--stack-name", "prod-1" }, 1, BOTH("FAIL") },
    { NAMES("Include", "'prod-?'"), { "--stack-name", "prod-12" }, 0, "" },
    { NAMES("Exclude", "'dev-*'"), { "--stack-name", "dev-web" }, 0, "" },
    { NAMES("Exclude", "'dev-*'"), { "--stack-name", "prod-web" }, 1, BOTH("FAIL") },
    { NAMES("Exclude", "'dev-*'"), { NULL }, 1, BOTH("FAIL") },
    { ROLES("Include", "'arn:aws:iam::*:role/deploy'"), { "--stack-role", DEPLOY }, 1, BOTH("FAIL") },
    { ROLES("Include", "'arn:aws:iam::*:role/deploy'"), { "--stack-role", DEV_ROLE }, 0, "" },
    { ROLES("Exclude", "'arn:aws:iam::*:role/dev*'"), { "--stack-role", DEV_ROLE }, 0, "" },
    { ROLES("Exclude", "'arn:aws:iam::*:role/dev*'"), { "--stack-role", DEPLOY }, 1, BOTH("FAIL") },
    { BOTH_FILTERS("ALL"), { "--stack-name", "prod-web", "--stack-role", DEPLOY }, 1, BOTH("FAIL") },
    { BOTH_FILTERS("ALL"), { "--stack-name", "prod-web", "--stack-role", DEV_ROLE }, 0, "" },
    { BOTH_FILTERS("ANY"), { "--stack-name", "prod-web", "--stack-role", DEV_ROLE }, 1, BOTH("FAIL") },
    { BOTH_FILTERS("ANY"), { "--stack-name", "dev-web", "--stack-role", DEPLOY }, 1, BOTH("FAIL") },
    { BOTH_FILTERS("ANY"), { "--stack-name", "dev-web", "--stack-role", DEV_ROLE }, 0, "" },
};

static void test_configuration_effects(void **state)
{
    struct box *b = *state;
    size_t i;

    reg_ok(b, NULL, ARGS("register", "%ct-s3-pr-1.so"));
    reg_ok(b, NULL, ARGS("activate", S3));
    for (i = 0; i < N_ITEMS(effects); i++) {
        const struct effect *e = &effects[i];
        const char *args[8];
        char config[2048];
        size_t n = 0, j;

        snprintf(config, sizeof(config), CFG("%s"), e->hc);
        put(b, "case.json", config);
        print_message("case %zu: %s %s %s\n", i, e->hc, e->args[0] ? e->args[0] : "",
                      e->args[1] ? e->args[1] : "");
        reg_ok(b, NULL, ARGS("set-configuration", S3, "@case.json"));
        for (j = 0; j < N_ITEMS(e->args) && e->args[j] != NULL; j++)
            args[n++] = e->args[j];
        args[n++] = "@t.json";
        args[n] = NULL;
        assert_eval(b, NULL, args, e->exit_code, e->results);
    }
}

/* ============================================================ deregister */

static void test_deregister(void **state)
{
    struct box *b = *state;
    json_object *doc;
    char *out, *gone;

    plugin_copy(b, "noop.so", "noop-2.so", 2);
    plugin_copy(b, "noop.so", "noop-3.so", 3);
    reg_ok(b, NULL, ARGS("register", "%noop.so"));
    reg_ok(b, NULL, ARGS("register", "@noop-2.so"));
    reg_ok(b, NULL, ARGS("register", "@noop-3.so"));

    reg_ok(b, NULL, ARGS("deregister", NOOP, "00000002"));
    gone = box_read(b, NOOP_DIR "/00000002.so", NULL);
    assert_null(gone); /* its file collected */
    doc = reg_json(b, NULL, ARGS("versions", NOOP, "--format", "json"));
    assert_int_equal(json_object_array_length(doc), 2);
    assert_string_equal(get_str(json_object_array_get_idx(doc, 0), "versionId"), "00000001");
    assert_string_equal(get_str(json_object_array_get_idx(doc, 1), "versionId"), "00000003");
    json_object_put(doc);
    REFUSED(b, NULL, ARGS("deregister", NOOP, "00000002"), "type " NOOP " has no version 00000002");
    REFUSED(b, NULL, ARGS("deregister", NOOP, "00000001"),
            "version 00000001 is the default version of " NOOP ": set another default first");
    REFUSED(b, NULL, ARGS("deregister", "Nope::Not::Here"), "Nope::Not::Here is not registered");
    REFUSED(b, NULL, ARGS("deregister", NOOP, "00000001", "extra"), "registry deregister: expected");

    /* A version number is never given twice. */
    reg_ok(b, NULL, ARGS("set-default-version", NOOP, "00000003"));
    reg_ok(b, NULL, ARGS("deregister", NOOP, "00000001"));
    out = reg_out(b, NULL, ARGS("register", "@noop-2.so"), NULL);
    assert_string_equal(out, "registered " NOOP " version 00000004\n");
    free(out);
    reg_ok(b, NULL, ARGS("deregister", NOOP, "00000004"));

    /* The last version of an active type: refused; inactive: the type goes. */
    reg_ok(b, NULL, ARGS("activate", NOOP));
    REFUSED(b, NULL, ARGS("deregister", NOOP, "00000003"), "type " NOOP " is active: deactivate it first");
    REFUSED(b, NULL, ARGS("deregister", NOOP), "type " NOOP " is active: deactivate it first");
    reg_ok(b, NULL, ARGS("deactivate", NOOP));
    reg_ok(b, NULL, ARGS("deregister", NOOP, "00000003"));
    doc = reg_json(b, NULL, ARGS("list", "--format", "json"));
    assert_int_equal(array_length(doc, "types"), 0);
    assert_int_equal(array_length(doc, "activations"), 0); /* its activations went too */
    json_object_put(doc);
    gone = box_read(b, NOOP_DIR "/00000003.so", NULL);
    assert_null(gone);

    /* A whole type, several versions, after deactivating it. */
    reg_ok(b, NULL, ARGS("register", "%noop.so"));
    reg_ok(b, NULL, ARGS("register", "@noop-3.so"));
    noop_hook(b, "My::Noop::Alias", NULL, "@on.json");
    REFUSED(b, NULL, ARGS("deregister", NOOP), "is active: deactivate it first");
    reg_ok(b, NULL, ARGS("deactivate", "My::Noop::Alias"));
    reg_ok(b, NULL, ARGS("deregister", NOOP));
    out = reg_out(b, NULL, ARGS("list"), NULL);
    assert_string_equal(out, "Types in account default:\nActivations:\n");
    free(out);
    REFUSED(b, NULL, ARGS("get-configuration", "My::Noop::Alias"), "is not activated");
}

/* ================================================================ quotas */

/* activate NOOP as alias PREFIX::Hook::N<i> */
static void activate_numbered(const struct box *b, const char *prefix, int i)
{
    char name[64];

    snprintf(name, sizeof(name), "%s::Hook::N%03d", prefix, i);
    reg_ok(b, NULL, ARGS("activate", NOOP, "--alias", name));
}

static void configure_numbered(const struct box *b, const char *prefix, int i, const char *file)
{
    char name[64];

    snprintf(name, sizeof(name), "%s::Hook::N%03d", prefix, i);
    reg_ok(b, NULL, ARGS("set-configuration", name, file));
}

static void test_quota_active_hooks(void **state)
{
    struct box *b = *state;
    int i;

    reg_ok(b, NULL, ARGS("register", "%noop.so"));
    for (i = 1; i <= 100; i++)
        activate_numbered(b, "Quota", i);
    REFUSED(b, NULL, ARGS("activate", NOOP, "--alias", "Quota::Hook::N101"),
            "registry activate: account default would have more than 100 active hooks, the quota");
    /* At the limit, re-activating one of them is no new hook. */
    reg_ok(b, NULL, ARGS("activate", NOOP, "--alias", "Quota::Hook::N001", "--priority", "3"));
    reg_ok(b, NULL, ARGS("deactivate", "Quota::Hook::N050"));
    activate_numbered(b, "Quota", 101);
    REFUSED(b, NULL, ARGS("activate", NOOP, "--alias", "Quota::Hook::N050"),
            "more than 100 active hooks");
}

/* The per-resource quota at CloudFormation's 100, active hooks allowed up to 200. */
static void test_quota_hooks_per_resource(void **state)
{
    struct box *b = *state;
    json_object *index, *acts, *copy = NULL;
    char *results, path[PATH_MAX];
    json_object *report;
    int i;

    put(b, "hookhost.conf", "max-active-hooks = 200\n");
    put(b, "s3.json", CFG(ON ",'TargetFilters':{'TargetNames':['AWS::S3::Bucket']}"));
    put(b, "sns.json", CFG(ON ",'TargetFilters':{'TargetNames':['AWS::SNS::Topic']}"));
    put(b, "s3-star.json", CFG(ON ",'TargetFilters':{'TargetNames':['AWS::S3::*']}"));
    reg_ok(b, NULL, ARGS("register", "%noop.so"));
    for (i = 1; i <= 102; i++)
        activate_numbered(b, "Res", i); /* not configured: off, not counted */
    for (i = 1; i <= 100; i++)
        configure_numbered(b, "Res", i, "@on.json");
    REFUSED(b, NULL, ARGS("set-configuration", "Res::Hook::N101", "@on.json"),
            "101 active hooks could run on a resource of type",
            "more than the quota of 100 hooks per resource");
    REFUSED(b, NULL, ARGS("set-configuration", "Res::Hook::N101", "@s3.json"),
            "more than the quota of 100 hooks per resource");

    /* Narrowed by TargetFilters so that no resource has more than 100. */
    configure_numbered(b, "Res", 100, "@s3.json");
    configure_numbered(b, "Res", 101, "@sns.json");
    REFUSED(b, NULL, ARGS("set-configuration", "Res::Hook::N102", "@s3-star.json"),
            "101 active hooks could run on a resource of type",
            "more than the quota of 100 hooks per resource");
    report = eval_report(b, NULL, ARGS("@t.json"), 0);
    assert_int_equal(array_length(report, "results"), 300);
    results = results_of(report);
    assert_null(strstr(results, "Topic:Res::Hook::N100:"));
    assert_non_null(strstr(results, "Topic:Res::Hook::N101:"));
    assert_null(strstr(results, "LogsBucket:Res::Hook::N101:"));
    free(results);
    json_object_put(report);

    /* The guard at invocation: an index edited to exceed it is refused by eval. */
    index = index_json(b, NULL);
    acts = get(index, "activations");
    assert_int_equal(json_object_deep_copy(get(acts, "Res::Hook::N001"), &copy, NULL), 0);
    json_object_object_add(acts, "Res::Hook::N999", copy);
    box_path(b, INDEX, path, sizeof(path));
    assert_int_equal(json_object_to_file_ext(path, index, JSON_C_TO_STRING_PRETTY), 0);
    json_object_put(index);
    assert_eval_error(b, NULL, ARGS("@t.json"),
                      ARGS("LogsBucket (AWS::S3::Bucket): 101 hooks match, more than the quota of 100 per resource"));
    reg_ok(b, NULL, ARGS("list"));
}

static void test_quota_versions(void **state)
{
    struct box *b = *state;
    json_object *doc;
    char name[64], *out;
    int i;

    for (i = 1; i <= 101; i++) {
        snprintf(name, sizeof(name), "copy-%03d.so", i);
        plugin_copy(b, "noop.so", name, (unsigned)i);
    }
    for (i = 1; i <= 100; i++) {
        char file[80], expect[128];

        snprintf(file, sizeof(file), "@copy-%03d.so", i);
        snprintf(expect, sizeof(expect), "registered " NOOP " version %08d\n", i);
        out = reg_out(b, NULL, ARGS("register", file), NULL);
        assert_string_equal(out, expect);
        free(out);
    }
    REFUSED(b, NULL, ARGS("register", "@copy-101.so"),
            "registry register: type " NOOP " already has 100 versions, the quota: deregister one first");
    /* A version already registered is no new version. */
    out = reg_out(b, NULL, ARGS("register", "@copy-007.so"), NULL);
    assert_string_equal(out, "registered " NOOP " version 00000007\n");
    free(out);
    reg_ok(b, NULL, ARGS("deregister", NOOP, "00000050"));
    out = reg_out(b, NULL, ARGS("register", "@copy-101.so"), NULL);
    assert_string_equal(out, "registered " NOOP " version 00000101\n");
    free(out);
    doc = reg_json(b, NULL, ARGS("versions", NOOP, "--format", "json"));
    assert_int_equal(json_object_array_length(doc), 100);
    json_object_put(doc);
}

/* A configuration of exactly size bytes: JSON whitespace after the first brace. */
static void padded_configuration(const struct box *b, const char *name, size_t size)
{
    const char *base = "{\"CloudFormationConfiguration\":{\"HookConfiguration\":{"
                       "\"HookInvocationStatus\":\"ENABLED\",\"TargetStacks\":\"ALL\"}}}";
    size_t base_len = strlen(base);
    char *text = malloc(size);

    assert_non_null(text);
    assert_true(size > base_len);
    text[0] = '{';
    memset(text + 1, ' ', size - base_len);
    memcpy(text + 1 + (size - base_len), base + 1, base_len - 1);
    box_write(b, name, text, size);
    free(text);
}

static void test_quota_configuration_bytes(void **state)
{
    struct box *b = *state;

    padded_configuration(b, "at-limit.json", QUOTA_BYTES);
    padded_configuration(b, "over-limit.json", QUOTA_BYTES + 1);
    reg_ok(b, NULL, ARGS("register", "%noop.so"));
    reg_ok(b, NULL, ARGS("activate", NOOP));
    reg_ok(b, NULL, ARGS("set-configuration", NOOP, "@at-limit.json"));
    assert_configuration(b, NULL, NOOP, "on.json");
    reg_ok(b, NULL, ARGS("deactivate", NOOP));
    free(reg_out(b, NULL, ARGS("set-configuration", NOOP, "-"), "@at-limit.json"));
    reg_ok(b, NULL, ARGS("activate", NOOP));
    assert_configuration(b, NULL, NOOP, "on.json");
    REFUSED(b, NULL, ARGS("set-configuration", NOOP, "@over-limit.json"),
            "registry set-configuration: ",
            "over-limit.json: configuration of 307201 bytes, larger than the quota of 307200 bytes");
    refused_with(b, NULL, ARGS("set-configuration", NOOP, "-"), "@over-limit.json",
                 ARGS("standard input: configuration of 307201 bytes, larger than the quota of 307200 bytes"));
    assert_eval(b, NULL, ARGS("@topic.json"), 0, RES("Topic", NOOP, "SUCCESS", "FAIL"));
}

/* Every quota lowered in hookhost.conf, given by --config and by $HOOKHOST_CONFIG. */
static void test_quota_overrides(void **state)
{
    struct box *b = *state;
    char path[PATH_MAX];

    put(b, "hookhost.conf", "# small limits\nmax-active-hooks = 3\nmax-hooks-per-resource = 2\n"
                            "  max-versions-per-hook=2  # two\nmax-configuration-bytes = 200\n");
    put(b, "two.conf", "max-active-hooks = 2\n");
    put(b, "s3.json", CFG(ON ",'TargetFilters':{'TargetNames':['AWS::S3::Bucket']}"));
    put(b, "sns.json", CFG(ON ",'TargetFilters':{'TargetNames':['AWS::SNS::Topic']}"));
    put(b, "bad.conf", "max-active-hooks = 0\n");
    plugin_copy(b, "noop.so", "noop-2.so", 2);
    plugin_copy(b, "noop.so", "noop-3.so", 3);
    padded_configuration(b, "200.json", 200);
    padded_configuration(b, "201.json", 201);

    reg_ok(b, NULL, ARGS("register", "%noop.so"));
    reg_ok(b, NULL, ARGS("register", "@noop-2.so"));
    REFUSED(b, NULL, ARGS("register", "@noop-3.so"), "already has 2 versions, the quota");

    noop_hook(b, "Small::Hook::Aa", NULL, "@s3.json");
    noop_hook(b, "Small::Hook::Bb", NULL, "@s3.json");
    noop_hook(b, "Small::Hook::Cc", NULL, NULL);
    REFUSED(b, NULL, ARGS("activate", NOOP, "--alias", "Small::Hook::Dd"),
            "would have more than 3 active hooks, the quota");
    REFUSED(b, NULL, ARGS("set-configuration", "Small::Hook::Cc", "@s3.json"),
            "3 active hooks could run on a resource of type AWS::S3::Bucket, more than the quota of 2 hooks per resource");
    REFUSED(b, NULL, ARGS("set-configuration", "Small::Hook::Cc", "@on.json"),
            "more than the quota of 2 hooks per resource");
    reg_ok(b, NULL, ARGS("set-configuration", "Small::Hook::Cc", "@sns.json"));
    REFUSED(b, NULL, ARGS("set-configuration", "Small::Hook::Cc", "@201.json"),
            "configuration of 201 bytes, larger than the quota of 200 bytes");
    /* Aa on every type now: 2 hooks on the buckets (Aa, Bb) and on the topic (Aa, Cc). */
    reg_ok(b, NULL, ARGS("set-configuration", "Small::Hook::Aa", "@200.json"));
    REFUSED(b, NULL, ARGS("set-configuration", "Small::Hook::Bb", "@200.json"),
            "more than the quota of 2 hooks per resource");
    assert_eval(b, NULL, ARGS("@t.json"), 0,
                RES("LogsBucket", "Small::Hook::Aa", "SUCCESS", "FAIL") ";"
                RES("LogsBucket", "Small::Hook::Bb", "SUCCESS", "FAIL") ";"
                RES("AssetsBucket", "Small::Hook::Aa", "SUCCESS", "FAIL") ";"
                RES("AssetsBucket", "Small::Hook::Bb", "SUCCESS", "FAIL") ";"
                RES("Topic", "Small::Hook::Aa", "SUCCESS", "FAIL") ";"
                RES("Topic", "Small::Hook::Cc", "SUCCESS", "FAIL"));

    /* $HOOKHOST_CONFIG when no --config is given; --config wins over it. */
    box_path(b, "two.conf", path, sizeof(path));
    assert_int_equal(setenv("HOOKHOST_CONFIG", path, 1), 0);
    REFUSED(b, NULL, ARGS("activate", NOOP, "--alias", "Small::Hook::Dd"),
            "would have more than 3 active hooks"); /* --config's 3, not the 2 */
    reg_ok(b, NULL, ARGS("deactivate", "Small::Hook::Cc"));
    reg_ok(b, NULL, ARGS("activate", NOOP, "--alias", "Small::Hook::Dd"));
    b->conf[0] = '\0';
    REFUSED(b, NULL, ARGS("activate", NOOP, "--alias", "Small::Hook::Cc"),
            "would have more than 2 active hooks");
    assert_int_equal(unsetenv("HOOKHOST_CONFIG"), 0);
    reg_ok(b, NULL, ARGS("activate", NOOP, "--alias", "Small::Hook::Cc")); /* defaults: 100 */
    box_path(b, "hookhost.conf", b->conf, sizeof(b->conf));

    /* A bad configuration file stops every command. */
    box_path(b, "bad.conf", b->conf, sizeof(b->conf));
    REFUSED(b, NULL, ARGS("list"), "bad.conf:1: max-active-hooks: must be a whole number from 1 to");
    assert_eval_error(b, NULL, ARGS("@t.json"), ARGS("bad.conf:1: max-active-hooks"));
    box_path(b, "missing.conf", b->conf, sizeof(b->conf));
    REFUSED(b, NULL, ARGS("list"), "missing.conf");
    box_path(b, "hookhost.conf", b->conf, sizeof(b->conf));
}

/* The configuration's registry key names the root when --registry is not given. */
static void test_config_registry_key(void **state)
{
    struct box *b = *state;
    char conf[PATH_MAX + 32];
    struct hh_run r;

    snprintf(conf, sizeof(conf), "registry = %s/other\n", b->dir);
    put(b, "other.conf", conf);
    run(&r, b, ARGS("registry", "--config", "@other.conf", "register", "%noop.so"), NULL);
    assert_int_equal(r.exit_code, 0);
    hh_run_free(&r);
    {
        char *index = box_read(b, "other/accounts/default/registry.json", NULL);

        assert_non_null(index);
        assert_non_null(strstr(index, NOOP));
        free(index);
    }
    assert_null(box_read(b, INDEX, NULL));
    /* $HOOKHOST_REGISTRY wins over the configuration. */
    assert_int_equal(setenv("HOOKHOST_REGISTRY", b->reg, 1), 0);
    run(&r, b, ARGS("registry", "--config", "@other.conf", "register", "%ct-s3-pr-1.so"), NULL);
    assert_int_equal(unsetenv("HOOKHOST_REGISTRY"), 0);
    assert_int_equal(r.exit_code, 0);
    hh_run_free(&r);
    {
        char *index = box_read(b, INDEX, NULL);

        assert_non_null(index);
        assert_non_null(strstr(index, S3));
        free(index);
    }
}

/* ========================================================= tampering */

static void test_tampered_plugin(void **state)
{
    struct box *b = *state;
    size_t len = 0;
    char *original;

    reg_ok(b, NULL, ARGS("register", "%noop.so"));
    noop_hook(b, NOOP, NULL, "@on.json");
    assert_eval(b, NULL, ARGS("@topic.json"), 0, RES("Topic", NOOP, "SUCCESS", "FAIL"));
    original = box_read(b, NOOP_DIR "/00000001.so", &len);
    assert_non_null(original);

    /* Changed in place, after registration: same size, one byte different. */
    original[len - 1] ^= 1;
    box_write(b, NOOP_DIR "/00000001.so", original, len);
    assert_eval_error(b, NULL, ARGS("@topic.json"),
                      ARGS("00000001.so: changed since it was registered", "refusing to load"));
    REFUSED(b, NULL, ARGS("activate", NOOP, "--alias", "Other::Noop::Hook"),
            "changed since it was registered");
    reg_ok(b, NULL, ARGS("list")); /* the index itself is fine */

    /* Another plugin put in its place. */
    {
        size_t other_len = 0;
        char *other = read_file(hh_test_path("HOOKHOST_TEST_PLUGIN_DIR", "ct-s3-pr-1.so"),
                                &other_len);

        assert_non_null(other);
        box_write(b, NOOP_DIR "/00000001.so", other, other_len);
        free(other);
    }
    assert_eval_error(b, NULL, ARGS("@topic.json"), ARGS("changed since it was registered"));

    original[len - 1] ^= 1;
    box_write(b, NOOP_DIR "/00000001.so", original, len);
    free(original);
    assert_eval(b, NULL, ARGS("@topic.json"), 0, RES("Topic", NOOP, "SUCCESS", "FAIL"));
}

/* ========================================================= permissions */

struct perm_case {
    const char *path;       /* under the box */
    mode_t mode;
    bool registry_refuses;  /* refused on opening (else only when the plugin loads) */
    const char *phrase;
};

#define OTHERS "others could change it; refusing it"
#define LOADER "writable by group or others"

static const struct perm_case perm_cases[] = {
    { "reg", 0777, true, OTHERS },
    { "reg/accounts", 0777, true, OTHERS },
    { ACCOUNT_DIR, 0777, true, OTHERS },
    { ACCOUNT_DIR, 0775, true, OTHERS },
    { ACCOUNT_DIR "/plugins", 0777, true, OTHERS },
    { INDEX, 0666, true, OTHERS },
    { INDEX, 0664, true, OTHERS },
    { NOOP_DIR, 0777, false, LOADER },
    { NOOP_DIR "/00000001.so", 0666, false, LOADER },
};

static void assert_owner_writable_only(const struct box *b)
{
    char *tree = tree_of(b->reg), *line, *save = NULL;

    for (line = strtok_r(tree, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
        unsigned mode = 0;
        char name[PATH_MAX];

        assert_int_equal(sscanf(line, "%4095s %o", name, &mode), 2);
        if (mode & 022)
            fail_msg("%s has mode %o: others can write it", name, mode);
    }
    free(tree);
}

static void check_perm_case(const struct box *b, const struct perm_case *c)
{
    char path[PATH_MAX];
    struct stat st;

    box_path(b, c->path, path, sizeof(path));
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(chmod(path, c->mode), 0);
    if (c->registry_refuses) {
        REFUSED(b, NULL, ARGS("list"), c->phrase);
    } else {
        reg_ok(b, NULL, ARGS("list"));
    }
    REFUSED(b, NULL, ARGS("activate", NOOP), c->phrase);
    assert_eval_error(b, NULL, ARGS("@topic.json"), ARGS(c->phrase));
    /* Explicitly allowed. */
    reg_ok(b, NULL, ARGS("list", "--allow-insecure-registry"));
    reg_ok(b, NULL, ARGS("activate", NOOP, "--allow-insecure-registry"));
    assert_eval(b, NULL, ARGS("--allow-insecure-plugins", "@topic.json"), 0,
                RES("Topic", NOOP, "SUCCESS", "FAIL"));
    assert_int_equal(chmod(path, st.st_mode & 07777), 0);
    assert_eval(b, NULL, ARGS("@topic.json"), 0, RES("Topic", NOOP, "SUCCESS", "FAIL"));
}

static void test_permissions(void **state)
{
    struct box *b = *state;
    mode_t old = umask(0);
    size_t i;

    /* Created owner-writable only, whatever the umask. */
    reg_ok(b, NULL, ARGS("register", "%noop.so"));
    noop_hook(b, NOOP, NULL, "@on.json");
    umask(old);
    assert_owner_writable_only(b);
    {
        char path[PATH_MAX];
        struct stat st;

        box_path(b, ACCOUNT_DIR "/.lock", path, sizeof(path));
        assert_int_equal(stat(path, &st), 0);
        assert_int_equal(st.st_mode & 077, 0);
    }
    for (i = 0; i < N_ITEMS(perm_cases); i++) {
        print_message("case %s %o\n", perm_cases[i].path, (unsigned)perm_cases[i].mode);
        check_perm_case(b, &perm_cases[i]);
    }
    /* Owned by someone else (when the tests can arrange that). */
    if (geteuid() == 0) {
        char path[PATH_MAX];

        box_path(b, INDEX, path, sizeof(path));
        assert_int_equal(chown(path, 4242, (gid_t)-1), 0);
        REFUSED(b, NULL, ARGS("list"), "owned by uid 4242");
        assert_eval_error(b, NULL, ARGS("@topic.json"), ARGS("owned by uid 4242"));
        assert_int_equal(chown(path, 0, (gid_t)-1), 0);
        box_path(b, NOOP_DIR "/00000001.so", path, sizeof(path));
        assert_int_equal(chown(path, 4242, (gid_t)-1), 0);
        assert_eval_error(b, NULL, ARGS("@topic.json"), ARGS("owned by uid 4242"));
        assert_int_equal(chown(path, 0, (gid_t)-1), 0);
    }
    assert_eval(b, NULL, ARGS("@topic.json"), 0, RES("Topic", NOOP, "SUCCESS", "FAIL"));
}

/* ========================================================= accounts */

static void test_account_isolation(void **state)
{
    struct box *b = *state;
    struct snapshot a_before;
    char a_dir[PATH_MAX], *a_tree, *a_tree_after;
    json_object *doc;
    char *out;

    reg_ok(b, "a", ARGS("register", "%noop.so"));
    reg_ok(b, "a", ARGS("activate", NOOP));
    reg_ok(b, "a", ARGS("set-configuration", NOOP, "@on.json"));
    reg_ok(b, "b", ARGS("register", "%ct-s3-pr-1.so"));
    reg_ok(b, "b", ARGS("activate", S3));
    reg_ok(b, "b", ARGS("set-configuration", S3, "@on.json"));
    snap(&a_before, b, "a");
    box_path(b, "reg/accounts/a", a_dir, sizeof(a_dir));
    a_tree = tree_of(a_dir);

    out = reg_out(b, "b", ARGS("list", "--format", "json"), NULL);
    assert_null(strstr(out, NOOP));
    assert_non_null(strstr(out, S3));
    free(out);
    REFUSED(b, "b", ARGS("describe", NOOP), "is neither a registered type nor an activation");
    REFUSED(b, "b", ARGS("versions", NOOP), "type " NOOP " is not registered");
    REFUSED(b, "b", ARGS("activate", NOOP), "type " NOOP " is not registered in account b");
    REFUSED(b, "b", ARGS("set-configuration", NOOP, "@on.json"), NOOP " is not activated in account b");
    REFUSED(b, "b", ARGS("get-configuration", NOOP), NOOP " is not activated");
    REFUSED(b, "b", ARGS("deactivate", NOOP), NOOP " is not activated in account b");
    REFUSED(b, "b", ARGS("deregister", NOOP), "type " NOOP " is not registered in account b");
    REFUSED(b, "b", ARGS("set-default-version", NOOP, "00000001"), "not registered in account b");
    assert_eval(b, "b", ARGS("@t.json"), 1,
                RES("LogsBucket", S3, "SUCCESS", "FAIL") ";" RES("AssetsBucket", S3, "FAILED", "FAIL"));
    assert_eval(b, "a", ARGS("@topic.json"), 0, RES("Topic", NOOP, "SUCCESS", "FAIL"));
    /* The same plugin registered in b: b's own copy, a untouched. */
    reg_ok(b, "b", ARGS("register", "%noop.so"));
    reg_ok(b, "b", ARGS("deregister", NOOP));
    a_tree_after = tree_of(a_dir);
    if (strcmp(a_tree, a_tree_after) != 0)
        fail_msg("account a's files changed: %s", first_difference(a_tree, a_tree_after));
    free(a_tree);
    free(a_tree_after);
    {
        char *index = box_read(b, "reg/accounts/a/registry.json", NULL);
        char *list = reg_out(b, "a", ARGS("list", "--format", "json"), NULL);

        assert_non_null(index);
        assert_string_equal(index, a_before.index);
        assert_string_equal(list, a_before.list + strlen("exit 0\n"));
        free(index);
        free(list);
    }
    snap_free(&a_before);
    doc = reg_json(b, "a", ARGS("list", "--format", "json"));
    assert_int_equal(array_length(doc, "types"), 1);
    json_object_put(doc);
}

static void test_account_names(void **state)
{
    static const char *const bad[] = {
        "../a", "..", ".", "a/b", "/tmp", ".hidden", "-dash", "_under", "", "a b", "a\\b",
        "../../../../../../tmp/x",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", /* 65 */
    };
    struct box *b = *state;
    char *before, *after;
    size_t i;

    reg_ok(b, NULL, ARGS("register", "%noop.so"));
    noop_hook(b, NOOP, NULL, "@on.json");
    before = tree_of(b->dir);
    for (i = 0; i < N_ITEMS(bad); i++) {
        struct hh_run r;

        /* An empty value is refused as any empty option value is. */
        const char *phrase = bad[i][0] != '\0' ? "account '" : "--account: empty value";

        print_message("account '%s'\n", bad[i]);
        reg_cmd(&r, b, bad[i], ARGS("register", "%noop.so"), NULL);
        assert_error(&r, bad[i][0] != '\0'
                             ? ARGS("registry register: account '", "use letters, digits")
                             : ARGS(phrase));
        hh_run_free(&r);
        reg_cmd(&r, b, bad[i], ARGS("list"), NULL);
        assert_error(&r, ARGS(phrase));
        hh_run_free(&r);
        assert_eval_error(b, bad[i], ARGS("@topic.json"), ARGS(phrase));
    }
    after = tree_of(b->dir);
    assert_string_equal(before, after);
    free(before);
    free(after);
    /* 64 characters, dots inside: fine. */
    reg_ok(b, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", ARGS("list"));
    reg_ok(b, "team.a-1_x", ARGS("register", "%noop.so"));
}

/* ========================================================= import */

/* Results equal member by member, hookVersion aside. */
static void assert_same_results(json_object *x, json_object *y)
{
    json_object *rx = get(x, "results"), *ry = get(y, "results");
    size_t i, n = json_object_array_length(rx);

    assert_int_equal(n, json_object_array_length(ry));
    assert_true(n > 0);
    for (i = 0; i < n; i++) {
        json_object *a = json_object_array_get_idx(rx, i), *c = json_object_array_get_idx(ry, i);

        assert_int_equal(json_object_object_length(a), json_object_object_length(c));
        json_object_object_foreach(a, key, val) {
            if (strcmp(key, "hookVersion") == 0)
                continue;
            if (!json_object_equal(val, get(c, key)))
                fail_msg("result %zu: %s differs: %s vs %s", i, key, json_object_to_json_string(val),
                         json_object_to_json_string(get(c, key)));
        }
    }
    assert_json_equal(get(x, "summary"), get(y, "summary"));
    assert_string_equal(get_str(x, "verdict"), get_str(y, "verdict"));
}

static void test_import(void **state)
{
    struct box *b = *state;
    struct snapshot before;
    json_object *from_registry, *from_dir;
    struct hh_run r;
    char *out;

    out = reg_out(b, NULL, ARGS("import", "^examples/hooks.d", "--plugin-dir", "@P"), NULL);
    assert_non_null(strstr(out, "10-ct-s3-pr-1.json: " S3 " version 00000001\n"));
    assert_non_null(strstr(out, "20-ct-rds-pr-8.json: Hookhost::ControlTower::RdsBackupRetention version 00000001\n"));
    assert_non_null(strstr(out, "30-ct-ec2-pr-4.json: Hookhost::ControlTower::Ec2RestrictedPorts version 00000001\n"));
    assert_non_null(strstr(out, "40-dev-instance-types.json: Example::Dev::SmallInstances version 00000001\n"));
    free(out);

    from_registry = eval_report(b, NULL, ARGS("^examples/templates/web-app.json"), 1);
    run(&r, b, ARGS("eval", "-f", "json", "--config", "@C", "--hooks-dir", "^examples/hooks.d",
                    "--plugin-dir", "@P", "^examples/templates/web-app.json"), NULL);
    assert_int_equal(r.exit_code, 1);
    from_dir = parse_json(r.out);
    hh_run_free(&r);
    assert_same_results(from_registry, from_dir);
    json_object_put(from_registry);
    json_object_put(from_dir);

    /* Importing again changes nothing that shows. */
    snap(&before, b, NULL);
    out = reg_out(b, NULL, ARGS("import", "^examples/hooks.d", "--plugin-dir", "@P"), NULL);
    assert_non_null(strstr(out, "Example::Dev::SmallInstances version 00000001\n"));
    free(out);
    out = reg_out(b, NULL, ARGS("list", "--format", "json"), NULL);
    assert_string_equal(out, before.list + strlen("exit 0\n"));
    free(out);
    snap_free(&before);
    /* All or nothing: a plugin missing half-way leaves the registry as it
     * was, and nothing is reported imported. */
    REFUSED(b, NULL, ARGS("import", "^examples/hooks.d", "--plugin-dir", "@"), "No such file");
    reg_ok(b, NULL, ARGS("deactivate", S3));
    assert_int_equal(mkdir(path_in(b, "half"), 0755), 0);
    plugin_copy(b, "ct-s3-pr-1.so", "half/ct-s3-pr-1.so", 1);
    plugin_copy(b, "ct-rds-pr-8.so", "half/ct-rds-pr-8.so", 1);
    REFUSED(b, NULL, ARGS("import", "^examples/hooks.d", "--plugin-dir", "@half"),
            "ct-ec2-pr-4.so", "No such file");
}

/* ========================================================= corrupt index */

static void test_corrupt_index(void **state)
{
    static const struct {
        const char *text;   /* NULL: the good index cut in half */
        const char *phrase;
    } cases[] = {
        { NULL, "invalid JSON: unexpected end of input" },
        { "", "empty file" },
        { "\177ELF\1\1\1", "invalid JSON" },
        { "{'formatVersion':2,'account':'default','types':{},'activations':{}}",
          "corrupt index: formatVersion: written by another release of hookhost" },
        { "[]", "corrupt index: (root)" },
        { "{'formatVersion':1,'types':{}}", "formatVersion, types and activations are required" },
        { "{'formatVersion':1,'types':{},'activations':{'Aa::Bb::Cc':{'type':'Xx::Yy::Zz',"
          "'active':true,'priority':0}}}", "corrupt index: activations.Aa::Bb::Cc" },
        { "{'formatVersion':1,'types':{'Xx::Yy::Zz':{'nextVersion':2,'defaultVersion':'00000001',"
          "'versions':{'00000001':{'file':'../../../../x.so','sha256':"
          "'0000000000000000000000000000000000000000000000000000000000000000'}}}},'activations':{}}",
          "outside the plugin directory" },
        { "{'formatVersion':1,'types':{'Xx::Yy::Zz':{'nextVersion':2,'defaultVersion':'00000001',"
          "'versions':{'00000001':{'file':'Xx-Yy-Zz/00000001.so','sha256':'zz'}}}},'activations':{}}",
          "sha256 missing or malformed" },
        { "{'formatVersion':1,'types':{'Xx::Yy::Zz':{'nextVersion':2,'defaultVersion':'00000009',"
          "'versions':{'00000001':{'file':'Xx-Yy-Zz/00000001.so','sha256':"
          "'0000000000000000000000000000000000000000000000000000000000000000'}}}},'activations':{}}",
          "defaultVersion names no version" },
    };
    struct box *b = *state;
    char index_path[PATH_MAX];
    size_t good_len = 0, i;
    char *good;

    reg_ok(b, NULL, ARGS("register", "%noop.so"));
    noop_hook(b, NOOP, NULL, "@on.json");
    good = box_read(b, INDEX, &good_len);
    assert_non_null(good);
    box_path(b, INDEX, index_path, sizeof(index_path));
    for (i = 0; i < N_ITEMS(cases); i++) {
        print_message("case %zu\n", i);
        if (cases[i].text == NULL)
            box_write(b, INDEX, good, good_len / 2);
        else
            put(b, INDEX, cases[i].text);
        REFUSED(b, NULL, ARGS("list"), "corrupt", index_path, cases[i].phrase);
        REFUSED(b, NULL, ARGS("activate", NOOP), "corrupt", index_path, cases[i].phrase);
        REFUSED(b, NULL, ARGS("register", "%ct-s3-pr-1.so"), "corrupt", index_path);
        assert_eval_error(b, NULL, ARGS("@topic.json"),
                          ARGS("corrupt", index_path, cases[i].phrase));
        box_write(b, INDEX, good, good_len);
    }
    free(good);
    assert_eval(b, NULL, ARGS("@topic.json"), 0, RES("Topic", NOOP, "SUCCESS", "FAIL"));
}

static void assert_no_strays(const struct box *b);

/* ========================================================= garbage */

/* What killed writers leave behind stays until the next change, which collects it. */
static void test_garbage_collection(void **state)
{
    static const char *const strays[] = {
        ACCOUNT_DIR "/plugins/.incoming-99999-0.so",
        ACCOUNT_DIR "/plugins/.incoming-99999.so",
        ACCOUNT_DIR "/plugins/Hookhost-Bench-NoOp/00000077.so",
        ACCOUNT_DIR "/plugins/Orphan-Type-Dir/00000001.so",
        ACCOUNT_DIR "/registry.json.tmp-99999",
    };
    struct box *b = *state;
    struct snapshot before;
    char path[PATH_MAX];
    size_t i;

    reg_ok(b, NULL, ARGS("register", "%noop.so"));
    noop_hook(b, NOOP, NULL, "@on.json");
    box_path(b, ACCOUNT_DIR "/plugins/Orphan-Type-Dir", path, sizeof(path));
    assert_int_equal(mkdir(path, 0755), 0);
    for (i = 0; i < N_ITEMS(strays); i++)
        plugin_copy(b, "noop.so", strays[i], 0);
    /* Readers and writers that change nothing leave them alone, and work. */
    snap(&before, b, NULL);
    assert_eval(b, NULL, ARGS("@topic.json"), 0, RES("Topic", NOOP, "SUCCESS", "FAIL"));
    reg_ok(b, NULL, ARGS("register", "%noop.so"));
    REFUSED(b, NULL, ARGS("activate", "Nope::Not::Here"), "is not registered");
    assert_unchanged(&before, b, NULL);
    snap_free(&before);
    /* A registration after the strays: a new version, all strays gone. */
    plugin_copy(b, "noop.so", "noop-2.so", 2);
    reg_ok(b, NULL, ARGS("register", "@noop-2.so"));
    assert_no_strays(b);
    box_path(b, ACCOUNT_DIR "/plugins/Orphan-Type-Dir", path, sizeof(path));
    assert_int_equal(access(path, F_OK), -1);
    assert_eval(b, NULL, ARGS("@topic.json"), 0, RES("Topic", NOOP, "SUCCESS", "FAIL"));
}

/* ========================================================= usage */

static void test_usage(void **state)
{
    struct box *b = *state;
    struct hh_run r;

    REFUSED(b, NULL, NO_ARGS, "registry: no verb");
    REFUSED(b, NULL, ARGS("frobnicate"), "registry: unknown verb 'frobnicate'");
    REFUSED(b, NULL, ARGS("register"), "registry register: expected 1 argument(s)");
    REFUSED(b, NULL, ARGS("list", "extra"), "registry list: expected 0 argument(s)");
    REFUSED(b, NULL, ARGS("--format", "xml", "list"), "unknown format 'xml'");
    REFUSED(b, NULL, ARGS("--bogus", "list"), "unknown option --bogus");
    run(&r, b, ARGS("registry", "--registry", "relative/dir", "list"), NULL);
    assert_error(&r, ARGS("registry relative/dir: must be an absolute path"));
    hh_run_free(&r);
    run(&r, b, ARGS("registry", "--help"), NULL);
    assert_int_equal(r.exit_code, 0);
    assert_non_null(strstr(r.out, "set-default-version TYPE VERSION"));
    hh_run_free(&r);
    /* Reading an account nothing was registered in: empty, nothing created. */
    reg_ok(b, NULL, ARGS("list"));
    assert_int_equal(access(b->reg, F_OK), -1);
}

/* ========================================================= concurrency */

struct cmd {
    const char *argv[24];
    char *owned[24];
    size_t n;
};

static void cmd_add(struct cmd *c, const char *arg)
{
    assert_true(c->n + 1 < N_ITEMS(c->argv));
    c->owned[c->n] = strdup(arg);
    assert_non_null(c->owned[c->n]);
    c->argv[c->n] = c->owned[c->n];
    c->n++;
    c->argv[c->n] = NULL;
}

/* hookhost registry --registry R --config C, then args (expanded). */
static void cmd_registry(struct cmd *c, const struct box *b, const char *const args[])
{
    char buf[PATH_MAX];
    size_t i;

    memset(c, 0, sizeof(*c));
    cmd_add(c, hh_test_env("HOOKHOST_BIN"));
    cmd_add(c, "registry");
    cmd_add(c, "--registry");
    cmd_add(c, b->reg);
    cmd_add(c, "--config");
    cmd_add(c, b->conf);
    for (i = 0; args[i] != NULL; i++)
        cmd_add(c, expand(b, args[i], buf, sizeof(buf)));
}

static void cmd_free(struct cmd *c)
{
    size_t i;

    for (i = 0; i < c->n; i++)
        free(c->owned[i]);
    memset(c, 0, sizeof(*c));
}

/* Start the command, stdout to /dev/null, stderr to err_path (NULL: /dev/null). */
static pid_t spawn(const struct cmd *c, const char *err_path)
{
    pid_t pid = fork();

    assert_true(pid >= 0);
    if (pid == 0) {
        int in = open("/dev/null", O_RDONLY), out = open("/dev/null", O_WRONLY);
        int err = err_path != NULL ? open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644)
                                   : open("/dev/null", O_WRONLY);

        if (in < 0 || out < 0 || err < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 ||
            dup2(err, 2) < 0)
            _exit(127);
        execv(c->argv[0], (char *const *)c->argv);
        _exit(127);
    }
    return pid;
}

static int wait_exit(pid_t pid)
{
    int status;

    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR)
            fail_msg("waitpid: %s", strerror(errno));
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

enum { COPIES = 10, ACTIVATIONS = 20, CONFIGURATIONS = 20,
       JOBS = COPIES + ACTIVATIONS + CONFIGURATIONS };

/* The config file of the i-th configuring job: distinct by its target names. */
static void concurrent_config(const struct box *b, int i)
{
    char name[64], text[512];

    snprintf(name, sizeof(name), "conf-%02d.json", i);
    snprintf(text, sizeof(text),
             CFG(ON ",'FailureMode':'%s','TargetFilters':{'TargetNames':['AWS::S3::Bucket',"
                    "'Conc::Type%02d::*']}"), i % 2 ? "WARN" : "FAIL", i);
    put(b, name, text);
}

static void concurrent_job(struct cmd *c, const struct box *b, int k)
{
    char a[64], f[64], p[16];

    if (k < COPIES) {
        snprintf(f, sizeof(f), "@copy-%02d.so", k);
        cmd_registry(c, b, ARGS("register", f));
    } else if (k < COPIES + ACTIVATIONS) {
        snprintf(a, sizeof(a), "Conc::Act::N%02d", k - COPIES);
        snprintf(p, sizeof(p), "%d", k - COPIES);
        cmd_registry(c, b, ARGS("activate", NOOP, "--alias", a, "--priority", p));
    } else {
        snprintf(a, sizeof(a), "Conc::Conf::N%02d", k - COPIES - ACTIVATIONS);
        snprintf(f, sizeof(f), "@conf-%02d.json", k - COPIES - ACTIVATIONS);
        cmd_registry(c, b, ARGS("set-configuration", a, f));
    }
}

/* What the k-th job did is in the index. */
static void assert_reflected(const struct box *b, json_object *index, int k)
{
    char name[64], path[PATH_MAX];

    if (k < COPIES) {
        json_object *versions = get(get(get(index, "types"), NOOP), "versions");
        char *real;
        bool found = false;

        snprintf(name, sizeof(name), "copy-%02d.so", k);
        box_path(b, name, path, sizeof(path));
        real = realpath(path, NULL);
        assert_non_null(real);
        json_object_object_foreach(versions, id, v) {
            (void)id;
            found = found || strcmp(get_str(v, "source"), real) == 0;
        }
        if (!found)
            fail_msg("registration of %s lost", real);
        free(real);
    } else if (k < COPIES + ACTIVATIONS) {
        json_object *a;

        snprintf(name, sizeof(name), "Conc::Act::N%02d", k - COPIES);
        a = get(get(index, "activations"), name);
        assert_true(json_object_get_boolean(get(a, "active")));
        assert_int_equal(json_object_get_int(get(a, "priority")), k - COPIES);
    } else {
        json_object *want;

        snprintf(name, sizeof(name), "Conc::Conf::N%02d", k - COPIES - ACTIVATIONS);
        snprintf(path, sizeof(path), "conf-%02d.json", k - COPIES - ACTIVATIONS);
        want = box_json(b, path);
        assert_json_equal(get(get(get(index, "activations"), name), "configuration"), want);
        json_object_put(want);
    }
}

static void test_concurrent_writers(void **state)
{
    struct box *b = *state;
    struct cmd *cmds = calloc(JOBS, sizeof(*cmds));
    pid_t pids[JOBS];
    json_object *index, *doc;
    char name[64], err_path[PATH_MAX];
    int k, codes[JOBS];

    assert_non_null(cmds);
    reg_ok(b, NULL, ARGS("register", "%noop.so"));
    for (k = 0; k < COPIES; k++) {
        snprintf(name, sizeof(name), "copy-%02d.so", k);
        plugin_copy(b, "noop.so", name, 100u + (unsigned)k);
    }
    for (k = 0; k < CONFIGURATIONS; k++) {
        snprintf(name, sizeof(name), "Conc::Conf::N%02d", k);
        reg_ok(b, NULL, ARGS("activate", NOOP, "--alias", name));
        concurrent_config(b, k);
    }
    /* Started all at once, kinds interleaved. */
    for (k = 0; k < JOBS; k++) {
        int job = (k * 7) % JOBS; /* 7 and 50 are coprime: a permutation */

        concurrent_job(&cmds[job], b, job);
        snprintf(name, sizeof(name), "job-%02d.err", job);
        box_path(b, name, err_path, sizeof(err_path));
        pids[job] = spawn(&cmds[job], err_path);
    }
    for (k = 0; k < JOBS; k++)
        codes[k] = wait_exit(pids[k]);
    index = index_json(b, NULL);
    for (k = 0; k < JOBS; k++) {
        if (codes[k] != 0) {
            char *err;

            snprintf(name, sizeof(name), "job-%02d.err", k);
            err = box_read(b, name, NULL);
            fail_msg("job %d (%s) exited %d: %s", k, cmds[k].argv[6], codes[k], err);
        }
        assert_reflected(b, index, k);
        cmd_free(&cmds[k]);
    }
    free(cmds);
    assert_int_equal(json_object_object_length(get(get(get(index, "types"), NOOP), "versions")),
                     COPIES + 1);
    assert_int_equal(json_object_object_length(get(index, "activations")),
                     ACTIVATIONS + CONFIGURATIONS);
    json_object_put(index);
    doc = reg_json(b, NULL, ARGS("list", "--format", "json"));
    assert_int_equal(array_length(doc, "activations"), ACTIVATIONS + CONFIGURATIONS);
    json_object_put(doc);
    doc = eval_report(b, NULL, ARGS("@t.json"), 0);
    assert_int_equal(array_length(doc, "results"), 2 * CONFIGURATIONS);
    json_object_put(doc);
}

/*
 * A writer killed while copying a plugin in leaves .incoming-PID-N.so; a
 * later writer given the same pid (pids are reused) must not fail on it.
 */
static void test_stale_incoming(void **state)
{
    struct box *b = *state;
    char out_path[PATH_MAX], err_path[PATH_MAX];
    struct cmd c;
    pid_t pid;
    char *out;

    reg_ok(b, NULL, ARGS("register", "%noop.so"));
    plugin_copy(b, "noop.so", "noop-2.so", 2);
    cmd_registry(&c, b, ARGS("register", "@noop-2.so"));
    box_path(b, "out.txt", out_path, sizeof(out_path));
    box_path(b, "err.txt", err_path, sizeof(err_path));
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        char stale[PATH_MAX + 64];
        int fd, o, e;

        snprintf(stale, sizeof(stale), "%s/accounts/default/plugins/.incoming-%ld-0.so", b->reg,
                 (long)getpid());
        fd = open(stale, O_WRONLY | O_CREAT | O_EXCL, 0644);
        o = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        e = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd < 0 || write(fd, "half", 4) != 4 || o < 0 || e < 0 || dup2(o, 1) < 0 ||
            dup2(e, 2) < 0)
            _exit(127);
        close(fd);
        execv(c.argv[0], (char *const *)c.argv);
        _exit(127);
    }
    if (wait_exit(pid) != 0) {
        char *err = box_read(b, "err.txt", NULL);

        fail_msg("register over a stale incoming file: %s", err);
    }
    cmd_free(&c);
    out = box_read(b, "out.txt", NULL);
    assert_non_null(out);
    assert_string_equal(out, "registered " NOOP " version 00000002\n");
    free(out);
    assert_no_strays(b);
}

/* ========================================================= killed writers */

#define KILL_ITERATIONS 200
#define KILL_SECONDS 20.0

static double now_seconds(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* In the child: run each command after the other; exit 0 when all succeeded. */
_Noreturn static void run_chain(const struct cmd *cmds, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        pid_t pid = fork();
        int status;

        if (pid < 0)
            _exit(126);
        if (pid == 0) {
            int null = open("/dev/null", O_RDWR);

            if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 || dup2(null, 2) < 0)
                _exit(127);
            execv(cmds[i].argv[0], (char *const *)cmds[i].argv);
            _exit(127);
        }
        if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
            _exit(1);
    }
    _exit(0);
}

/* Every file the index names exists. */
static void assert_index_files_exist(const struct box *b)
{
    json_object *index = index_json(b, NULL);

    json_object_object_foreach(get(index, "types"), type, t) {
        json_object_object_foreach(get(t, "versions"), id, v) {
            char path[PATH_MAX];

            int n = snprintf(path, sizeof(path), "%s/accounts/default/plugins/%s", b->reg,
                             get_str(v, "file"));

            assert_true(n > 0 && (size_t)n < sizeof(path));
            if (access(path, F_OK) != 0)
                fail_msg("%s version %s: %s is missing", type, id, path);
        }
    }
    json_object_put(index);
}

/* Nothing in the account but the index, the lock and the files the index names. */
static void assert_no_strays(const struct box *b)
{
    json_object *index = index_json(b, NULL);
    json_object *keep = json_object_new_object();
    char dir[PATH_MAX], path[PATH_MAX];
    struct dirent *e;
    DIR *d;

    json_object_object_foreach(get(index, "types"), type, t) {
        (void)type;
        json_object_object_foreach(get(t, "versions"), id, v) {
            char *slash;

            (void)id;
            snprintf(path, sizeof(path), "plugins/%s", get_str(v, "file"));
            json_object_object_add(keep, path, NULL);
            slash = strrchr(path, '/');
            *slash = '\0';
            json_object_object_add(keep, path, NULL);
        }
    }
    json_object_object_add(keep, "registry.json", NULL);
    json_object_object_add(keep, ".lock", NULL);
    json_object_object_add(keep, "plugins", NULL);
    box_path(b, ACCOUNT_DIR, dir, sizeof(dir));
    {
        char *tree = tree_of(dir), *line, *save = NULL;

        for (line = strtok_r(tree, "\n", &save); line != NULL;
             line = strtok_r(NULL, "\n", &save)) {
            char name[PATH_MAX];

            assert_int_equal(sscanf(line, "%4095s", name), 1);
            if (strcmp(name, "") != 0 && name[0] == '/' &&
                !json_object_object_get_ex(keep, name + 1, NULL))
                fail_msg("stray file left in the registry: %s", name + 1);
        }
        free(tree);
    }
    d = opendir(dir);
    assert_non_null(d);
    while ((e = readdir(d)) != NULL)
        assert_null(strstr(e->d_name, ".tmp-"));
    closedir(d);
    json_object_put(keep);
    json_object_put(index);
}

static void kill_chain(struct cmd chain[3], const struct box *b, int i)
{
    char file[64], alias[64];

    snprintf(file, sizeof(file), "@kill-%03d.so", i);
    snprintf(alias, sizeof(alias), "Kill::Hook::N%03d", i);
    cmd_registry(&chain[0], b, ARGS("register", file));
    cmd_registry(&chain[1], b, ARGS("activate", NOOP, "--alias", alias));
    cmd_registry(&chain[2], b, ARGS("set-configuration", alias, "@on.json"));
}

/* Kill one writer chain after delay_us; returns whether it completed on its own. */
static bool kill_one(const struct box *b, int i, unsigned delay_us)
{
    struct cmd chain[3];
    pid_t pid;
    int status;
    size_t j;

    kill_chain(chain, b, i);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        setpgid(0, 0);
        run_chain(chain, 3);
    }
    setpgid(pid, pid);
    usleep(delay_us);
    kill(-pid, SIGKILL);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    /* The killed writer, reparented to us, is gone too before we look. */
    while (waitpid(-pid, NULL, 0) > 0)
        ;
    for (j = 0; j < 3; j++)
        cmd_free(&chain[j]);
    if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
        fail_msg("iteration %d: a writer that was not killed failed", i);
    return WIFEXITED(status);
}

static void test_killed_writers(void **state)
{
    struct box *b = *state;
    unsigned seed = (unsigned)time(NULL) ^ (unsigned)getpid();
    double start = now_seconds();
    int i, completed = 0;
    bool done[KILL_ITERATIONS] = { false };
    json_object *index;

    put(b, "hookhost.conf",
        "max-active-hooks = 1000\nmax-hooks-per-resource = 1000\nmax-versions-per-hook = 1000\n");
    reg_ok(b, NULL, ARGS("register", "%noop.so"));
    assert_int_equal(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
    print_message("seed %u\n", seed);
    for (i = 0; i < KILL_ITERATIONS && now_seconds() - start < KILL_SECONDS; i++) {
        char name[64];
        struct hh_run r;

        snprintf(name, sizeof(name), "kill-%03d.so", i);
        plugin_copy(b, "noop.so", name, 1000u + (unsigned)i);
        /* 0 to 20 ms; one in ten up to 200 ms, so that some chains complete. */
        done[i] = kill_one(b, i, (unsigned)rand_r(&seed) % (i % 10 == 9 ? 200001u : 20001u));
        completed += done[i];
        reg_cmd(&r, b, NULL, ARGS("list", "--format", "json"), NULL);
        if (r.exit_code != 0)
            fail_msg("iteration %d (seed %u): list after a kill: exit %d: %s", i, seed,
                     r.exit_code, r.err);
        hh_run_free(&r);
        prefixed(&r, b, "eval", NULL, ARGS("@topic.json"), NULL);
        if (r.exit_code != 0)
            fail_msg("iteration %d (seed %u): eval after a kill: exit %d: %s", i, seed,
                     r.exit_code, r.err);
        hh_run_free(&r);
        assert_index_files_exist(b);
    }
    assert_int_equal(prctl(PR_SET_CHILD_SUBREAPER, 0), 0);
    print_message("%d writers, %d completed before the kill, %.1f s\n", i, completed,
                  now_seconds() - start);
    assert_true(i >= (hh_test_valgrind() ? 3 : 20)); /* valgrind: each run is slow */
    /* Those that completed are all there. */
    index = index_json(b, NULL);
    {
        int j;

        for (j = 0; j < i; j++) {
            char alias[64];

            snprintf(alias, sizeof(alias), "Kill::Hook::N%03d", j);
            if (done[j])
                assert_non_null(get(get(get(index, "activations"), alias), "configuration"));
        }
    }
    json_object_put(index);
    /* One more write collects what the killed writers left. */
    reg_ok(b, NULL, ARGS("activate", NOOP, "--alias", "Kill::Final::Hook"));
    assert_no_strays(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_register_versions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_activate_deactivate, setup, teardown),
        cmocka_unit_test_setup_teardown(test_alias_twice, setup, teardown),
        cmocka_unit_test_setup_teardown(test_priority_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_configuration_roundtrip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_configuration_invalid, setup, teardown),
        cmocka_unit_test_setup_teardown(test_configuration_effects, setup, teardown),
        cmocka_unit_test_setup_teardown(test_deregister, setup, teardown),
        cmocka_unit_test_setup_teardown(test_quota_active_hooks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_quota_hooks_per_resource, setup, teardown),
        cmocka_unit_test_setup_teardown(test_quota_versions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_quota_configuration_bytes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_quota_overrides, setup, teardown),
        cmocka_unit_test_setup_teardown(test_config_registry_key, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tampered_plugin, setup, teardown),
        cmocka_unit_test_setup_teardown(test_permissions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_account_isolation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_account_names, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import, setup, teardown),
        cmocka_unit_test_setup_teardown(test_corrupt_index, setup, teardown),
        cmocka_unit_test_setup_teardown(test_garbage_collection, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stale_incoming, setup, teardown),
        cmocka_unit_test_setup_teardown(test_usage, setup, teardown),
        cmocka_unit_test_setup_teardown(test_concurrent_writers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_killed_writers, setup, teardown),
    };

    /* The tests give every setting explicitly. */
    unsetenv("HOOKHOST_CONFIG");
    unsetenv("HOOKHOST_REGISTRY");
    unsetenv("HOOKHOST_ACCOUNT");
    unsetenv("HOOKHOST_HOOKS_DIR");
    unsetenv("HOOKHOST_PLUGIN_DIR");
    /* HOOKHOST_TEST_ONLY=test_name runs one test (for debugging). */
    if (getenv("HOOKHOST_TEST_ONLY") != NULL)
        cmocka_set_test_filter(getenv("HOOKHOST_TEST_ONLY"));
    return cmocka_run_group_tests(tests, NULL, NULL);
}
