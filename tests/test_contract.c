/*
 * The plugin contract, end to end: plugins that break it (tests/plugins/
 * contract-*.c) run through the real hookhost binary next to the shipped
 * noop plugin.  A breach is a FAILED/HandlerInternalFailure result with
 * hookStatus HOOK_FAILED and a message saying what broke; it denies under
 * FailureMode FAIL and warns under WARN; the other hooks' results are all
 * there.  Also: re-invocation with a callback context, message truncation,
 * annotations, create refusing its configuration, and create/destroy
 * pairing.
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
#include <json-c/json.h>

#include "runner.h"

#define N_ITEMS(a) (sizeof(a) / sizeof((a)[0]))
#define RESOURCES 2 /* in data/contract/template.json */
#define NOOP "Hookhost::Bench::NoOp"

/* --------------------------------------------------------------- fixture */

struct fixture {
    char root[PATH_MAX];     /* mkdtemp under the build directory */
    char plugins[PATH_MAX];  /* root/plugins: copies of the plugins used */
    char hooks[PATH_MAX];    /* root/hooks: the hook files */
    char template[PATH_MAX]; /* data/contract/template.json */
};

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

static int fixture_setup(void **state)
{
    struct fixture *fx = calloc(1, sizeof(*fx));

    assert_non_null(fx);
    join(fx->root, sizeof(fx->root), hh_test_env("HOOKHOST_TEST_BUILDDIR"), "contract-XXXXXX");
    assert_non_null(mkdtemp(fx->root));
    join(fx->plugins, sizeof(fx->plugins), fx->root, "plugins");
    join(fx->hooks, sizeof(fx->hooks), fx->root, "hooks");
    join(fx->template, sizeof(fx->template), hh_test_env("HOOKHOST_TEST_SRCDIR"),
         "data/contract/template.json");
    /* Modes set explicitly: the umask must not decide the loader's trust checks. */
    assert_int_equal(mkdir(fx->plugins, 0755), 0);
    assert_int_equal(chmod(fx->plugins, 0755), 0);
    assert_int_equal(mkdir(fx->hooks, 0755), 0);
    *state = fx;
    return 0;
}

static int fixture_teardown(void **state)
{
    struct fixture *fx = *state;

    assert_int_equal(nftw(fx->root, remove_entry, 16, FTW_DEPTH | FTW_PHYS), 0);
    free(fx);
    return 0;
}

/* Empty the hooks directory, for another run in the same test. */
static void clear_hooks(const struct fixture *fx)
{
    assert_int_equal(nftw(fx->hooks, remove_entry, 16, FTW_DEPTH | FTW_PHYS), 0);
    assert_int_equal(mkdir(fx->hooks, 0755), 0);
}

/* Copy plugin file from the directory in env_dir into the fixture's plugins. */
static void stage_plugin(const struct fixture *fx, const char *env_dir, const char *file)
{
    char from[PATH_MAX], to[PATH_MAX], buf[65536];
    ssize_t n;
    int in, out;

    join(from, sizeof(from), hh_test_env(env_dir), file);
    join(to, sizeof(to), fx->plugins, file);
    in = open(from, O_RDONLY | O_CLOEXEC);
    if (in < 0)
        fail_msg("%s: %s (was it built?)", from, strerror(errno));
    out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    assert_true(out >= 0);
    while ((n = read(in, buf, sizeof(buf))) > 0)
        assert_int_equal(write(out, buf, (size_t)n), n);
    assert_int_equal(n, 0);
    assert_int_equal(close(in), 0);
    assert_int_equal(close(out), 0);
    assert_int_equal(chmod(to, 0755), 0);
}

/* ---------------------------------------------------------------- hooks */

struct hook_spec {
    const char *file;         /* in the hooks directory, e.g. "10-x.json" */
    const char *plugin;       /* plugin file name */
    const char *alias;        /* typeNameAlias, or NULL */
    const char *mode;         /* FailureMode: "FAIL", "WARN" or NULL (plugin default) */
    const char *status;       /* HookInvocationStatus, NULL for ENABLED */
    const char *stacks;       /* TargetStacks, NULL for ALL */
    json_object *properties;  /* taken over; NULL for {} */
};

static void add_string(json_object *obj, const char *key, const char *value)
{
    assert_int_equal(json_object_object_add(obj, key, json_object_new_string(value)), 0);
}

static void write_hook(const struct fixture *fx, const struct hook_spec *h)
{
    json_object *doc = json_object_new_object();
    json_object *cfn = json_object_new_object();
    json_object *hc = json_object_new_object();
    char path[PATH_MAX];

    assert_non_null(doc);
    assert_non_null(cfn);
    assert_non_null(hc);
    add_string(doc, "plugin", h->plugin);
    if (h->alias != NULL)
        add_string(doc, "typeNameAlias", h->alias);
    add_string(hc, "HookInvocationStatus", h->status != NULL ? h->status : "ENABLED");
    add_string(hc, "TargetStacks", h->stacks != NULL ? h->stacks : "ALL");
    if (h->mode != NULL)
        add_string(hc, "FailureMode", h->mode);
    json_object_object_add(hc, "Properties",
                           h->properties != NULL ? h->properties : json_object_new_object());
    json_object_object_add(cfn, "HookConfiguration", hc);
    json_object_object_add(doc, "CloudFormationConfiguration", cfn);
    join(path, sizeof(path), fx->hooks, h->file);
    assert_int_equal(json_object_to_file_ext(path, doc, JSON_C_TO_STRING_PRETTY), 0);
    json_object_put(doc);
}

/* The shipped noop hook, for results that must survive a broken neighbour. */
static void write_noop_hook(const struct fixture *fx, const char *mode)
{
    struct hook_spec noop = { "90-noop.json", "noop.so", NULL, mode, NULL, NULL, NULL };

    write_hook(fx, &noop);
}

static json_object *parse_json(const char *text)
{
    struct json_tokener *tok = json_tokener_new();
    json_object *doc;

    assert_non_null(tok);
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
    doc = json_tokener_parse_ex(tok, text, (int)strlen(text));
    if (json_tokener_get_error(tok) != json_tokener_success)
        fail_msg("not valid JSON (%s): %.400s",
                 json_tokener_error_desc(json_tokener_get_error(tok)), text);
    json_tokener_free(tok);
    return doc;
}

/* --------------------------------------------------------------- runs */

struct eval {
    struct hh_run run;
    json_object *report; /* NULL when stdout was empty */
};

/* hookhost eval --format json [--fail-on-warn] on the contract template. */
static void run_eval(const struct fixture *fx, bool fail_on_warn, struct eval *ev)
{
    const char *args[12];
    size_t n = 0;

    args[n++] = "eval";
    args[n++] = "--hooks-dir";
    args[n++] = fx->hooks;
    args[n++] = "--plugin-dir";
    args[n++] = fx->plugins;
    args[n++] = "--format";
    args[n++] = "json";
    if (fail_on_warn)
        args[n++] = "--fail-on-warn";
    args[n++] = fx->template;
    args[n] = NULL;
    assert_int_equal(hh_run_hookhost(&ev->run, args, NULL), 0);
    ev->report = ev->run.out_len > 0 ? parse_json(ev->run.out) : NULL;
}

static void eval_free(struct eval *ev)
{
    json_object_put(ev->report);
    hh_run_free(&ev->run);
}

static json_object *member(json_object *obj, const char *key)
{
    json_object *v = NULL;

    if (!json_object_object_get_ex(obj, key, &v))
        fail_msg("no member %s in %s", key, json_object_to_json_string(obj));
    return v;
}

static const char *string_member(json_object *obj, const char *key)
{
    json_object *v = member(obj, key);

    if (!json_object_is_type(v, json_type_string))
        fail_msg("member %s is not a string in %s", key, json_object_to_json_string(obj));
    return json_object_get_string(v);
}

static int64_t int_member(json_object *obj, const char *key)
{
    json_object *v = member(obj, key);

    assert_true(json_object_is_type(v, json_type_int));
    return json_object_get_int64(v);
}

/* The results of hook, at most max of them, into out; returns the count. */
static size_t results_of(const struct eval *ev, const char *hook, json_object **out,
                         size_t max)
{
    json_object *results = member(ev->report, "results");
    size_t i, n = 0;

    assert_true(json_object_is_type(results, json_type_array));
    for (i = 0; i < json_object_array_length(results); i++) {
        json_object *r = json_object_array_get_idx(results, i);

        if (strcmp(string_member(r, "hook"), hook) == 0) {
            assert_true(n < max);
            out[n++] = r;
        }
    }
    return n;
}

static void expect_exit(const struct eval *ev, int code)
{
    if (ev->run.exit_code != code)
        fail_msg("hookhost exited %d, expected %d\nstdout: %s\nstderr: %s", ev->run.exit_code,
                 code, ev->run.out, ev->run.err);
}

/* Every noop result is there and succeeded. */
static void expect_noop_results(const struct eval *ev)
{
    json_object *r[RESOURCES + 1];
    size_t i, n = results_of(ev, NOOP, r, N_ITEMS(r));

    assert_int_equal(n, RESOURCES);
    for (i = 0; i < n; i++) {
        assert_string_equal(string_member(r[i], "status"), "SUCCESS");
        assert_string_equal(string_member(r[i], "hookStatus"), "HOOK_COMPLETE_SUCCEEDED");
        assert_true(json_object_is_type(member(r[i], "errorCode"), json_type_null));
    }
}

static void expect_contains(const char *what, const char *text, const char *phrase)
{
    if (strstr(text, phrase) == NULL)
        fail_msg("%s lacks \"%s\": %s", what, phrase, text);
}

/* ------------------------------------------------------------- breaches */

struct breach {
    const char *plugin;
    const char *alias;          /* NULL: the hook is the plugin's type name */
    const char *type_name;
    const char *phrases[2];     /* in the message */
    const char *absent;         /* must not be in the message or the log, or NULL */
    int64_t invocations;
};

static const struct breach breaches[] = {
    { "contract-no-answer.so", "Test::Contract::NoAnswer", "Test::Contract::NoAnswer",
      { "hook broke the contract: returned without an answer", NULL }, NULL, 1 },
    { "contract-bad-status.so", NULL, "Test::Contract::BadStatus",
      { "hook broke the contract: answered with an invalid status", "status nine" }, NULL, 1 },
    { "contract-failed-no-message.so", NULL, "Test::Contract::FailedNoMessage",
      { "hook broke the contract: answered FAILED without a message", NULL }, NULL, 1 },
    { "contract-failed-no-code.so", "Test::Contract::NoErrorCode",
      "Test::Contract::FailedNoCode",
      { "hook broke the contract: answered FAILED without an error code",
        "failed without a code" }, NULL, 1 },
    { "contract-answer-twice.so", NULL, "Test::Contract::AnswerTwice",
      { "hook broke the contract: answered more than once", "first answer" }, "second answer",
      1 },
    { "contract-success-with-code.so", NULL, "Test::Contract::SuccessWithCode",
      { "hook broke the contract: answered an error code with a status other than FAILED",
        "all good, really" }, NULL, 1 },
    { "contract-in-progress-forever.so", NULL, "Test::Contract::InProgressForever",
      { "hook still IN_PROGRESS after 3 re-invocations", "still working" }, NULL, 4 },
};

static void check_breach_results(const struct eval *ev, const struct breach *b,
                                 const char *mode)
{
    const char *hook = b->alias != NULL ? b->alias : b->type_name;
    json_object *r[RESOURCES + 1];
    size_t i, j, n = results_of(ev, hook, r, N_ITEMS(r));
    json_object *summary = member(ev->report, "summary");

    if (n != RESOURCES)
        fail_msg("%s: %zu results for %s, expected %d: %s", b->plugin, n, hook, RESOURCES,
                 ev->run.out);
    for (i = 0; i < n; i++) {
        const char *msg = string_member(r[i], "message");

        assert_string_equal(string_member(r[i], "status"), "FAILED");
        assert_string_equal(string_member(r[i], "errorCode"), "HandlerInternalFailure");
        assert_string_equal(string_member(r[i], "hookStatus"), "HOOK_FAILED");
        assert_string_equal(string_member(r[i], "failureMode"), mode);
        assert_int_equal(int_member(r[i], "invocations"), b->invocations);
        for (j = 0; j < N_ITEMS(b->phrases) && b->phrases[j] != NULL; j++)
            expect_contains("message", msg, b->phrases[j]);
        if (b->absent != NULL && strstr(msg, b->absent) != NULL)
            fail_msg("message holds \"%s\": %s", b->absent, msg);
    }
    expect_noop_results(ev);
    assert_int_equal(int_member(summary, "invocations"), 2 * RESOURCES);
    assert_int_equal(int_member(summary, "hookFailures"), RESOURCES);
    assert_int_equal(int_member(summary, "succeeded"), RESOURCES);
    assert_int_equal(int_member(summary, strcmp(mode, "FAIL") == 0 ? "failed" : "warned"),
                     RESOURCES);
    assert_string_equal(string_member(ev->report, "verdict"), mode);
}

static void run_breach(const struct fixture *fx, const struct breach *b)
{
    struct hook_spec hook = { "10-breach.json", b->plugin, b->alias, "FAIL", NULL, NULL, NULL };
    struct eval ev;

    /* FailureMode FAIL: the breach denies the change. */
    clear_hooks(fx);
    write_hook(fx, &hook);
    write_noop_hook(fx, NULL);
    run_eval(fx, false, &ev);
    expect_exit(&ev, 1);
    check_breach_results(&ev, b, "FAIL");
    if (b->absent != NULL && strstr(ev.run.err, "not refused") != NULL)
        fail_msg("%s: %s", b->plugin, ev.run.err);
    eval_free(&ev);

    /* FailureMode WARN: the same results, but the change may go on... */
    hook.mode = "WARN";
    write_hook(fx, &hook);
    run_eval(fx, false, &ev);
    expect_exit(&ev, 0);
    check_breach_results(&ev, b, "WARN");
    eval_free(&ev);

    /* ...unless warnings are to fail. */
    run_eval(fx, true, &ev);
    expect_exit(&ev, 1);
    check_breach_results(&ev, b, "WARN");
    eval_free(&ev);
}

static void test_breaches(void **state)
{
    struct fixture *fx = *state;
    size_t i;

    stage_plugin(fx, "HOOKHOST_TEST_PLUGIN_DIR", "noop.so");
    for (i = 0; i < N_ITEMS(breaches); i++)
        stage_plugin(fx, "HOOKHOST_TEST_BAD_PLUGIN_DIR", breaches[i].plugin);
    for (i = 0; i < N_ITEMS(breaches); i++)
        run_breach(fx, &breaches[i]);
}

/* All breaching hooks at once: each is judged on its own, none hides another. */
static void test_breaches_together(void **state)
{
    struct fixture *fx = *state;
    struct eval ev;
    json_object *r[RESOURCES + 1];
    size_t i;

    stage_plugin(fx, "HOOKHOST_TEST_PLUGIN_DIR", "noop.so");
    for (i = 0; i < N_ITEMS(breaches); i++) {
        char file[64];
        struct hook_spec hook = { file, breaches[i].plugin, breaches[i].alias, "WARN",
                                  NULL, NULL, NULL };

        snprintf(file, sizeof(file), "%02zu-breach.json", i);
        stage_plugin(fx, "HOOKHOST_TEST_BAD_PLUGIN_DIR", breaches[i].plugin);
        write_hook(fx, &hook);
    }
    write_noop_hook(fx, "FAIL");
    run_eval(fx, false, &ev);
    expect_exit(&ev, 0);
    expect_noop_results(&ev);
    for (i = 0; i < N_ITEMS(breaches); i++) {
        const struct breach *b = &breaches[i];
        size_t n = results_of(&ev, b->alias != NULL ? b->alias : b->type_name, r, N_ITEMS(r));

        assert_int_equal(n, RESOURCES);
        assert_string_equal(string_member(r[0], "hookStatus"), "HOOK_FAILED");
        expect_contains("message", string_member(r[0], "message"), b->phrases[0]);
    }
    assert_int_equal(int_member(member(ev.report, "summary"), "hookFailures"),
                     (int64_t)N_ITEMS(breaches) * RESOURCES);
    eval_free(&ev);
}

/* ------------------------------------------------------- keeping it */

/* Two IN_PROGRESS answers with a callback context, then SUCCESS. */
static void test_in_progress_then_success(void **state)
{
    struct fixture *fx = *state;
    struct hook_spec hook = { "10-twice.json", "contract-in-progress-twice.so", NULL, "FAIL",
                              NULL, NULL, NULL };
    json_object *r[RESOURCES + 1];
    struct eval ev;
    size_t i, n;

    stage_plugin(fx, "HOOKHOST_TEST_PLUGIN_DIR", "noop.so");
    stage_plugin(fx, "HOOKHOST_TEST_BAD_PLUGIN_DIR", hook.plugin);
    write_hook(fx, &hook);
    write_noop_hook(fx, NULL);
    run_eval(fx, false, &ev);
    expect_exit(&ev, 0);
    n = results_of(&ev, "Test::Contract::InProgressTwice", r, N_ITEMS(r));
    assert_int_equal(n, RESOURCES);
    for (i = 0; i < n; i++) {
        assert_string_equal(string_member(r[i], "message"), "done at step 2");
        assert_string_equal(string_member(r[i], "status"), "SUCCESS");
        assert_string_equal(string_member(r[i], "hookStatus"), "HOOK_COMPLETE_SUCCEEDED");
        assert_int_equal(int_member(r[i], "invocations"), 3);
    }
    expect_noop_results(&ev);
    assert_string_equal(string_member(ev.report, "verdict"), "PASS");
    eval_free(&ev);
}

/* Is s (len bytes) valid UTF-8, without overlong forms or surrogates? */
static bool utf8_valid(const unsigned char *s, size_t len)
{
    size_t i = 0;

    while (i < len) {
        unsigned char c = s[i];
        size_t k, n;
        uint32_t cp;

        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xc2 && c <= 0xdf)
            n = 1, cp = c & 0x1f;
        else if (c >= 0xe0 && c <= 0xef)
            n = 2, cp = c & 0x0f;
        else if (c >= 0xf0 && c <= 0xf4)
            n = 3, cp = c & 0x07;
        else
            return false;
        for (k = 1; k <= n; k++) {
            if (i + k >= len || (s[i + k] & 0xc0) != 0x80)
                return false;
            cp = (cp << 6) | (s[i + k] & 0x3f);
        }
        if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
            (cp >= 0xd800 && cp <= 0xdfff))
            return false;
        i += n + 1;
    }
    return true;
}

static void test_long_invalid_message(void **state)
{
    struct fixture *fx = *state;
    struct hook_spec hook = { "10-long.json", "contract-long-message.so", NULL, "FAIL", NULL,
                              NULL, NULL };
    json_object *r[RESOURCES + 1];
    struct eval ev;
    size_t i, n;

    assert_true(utf8_valid((const unsigned char *)"a\xc3\xa9", 3));
    assert_false(utf8_valid((const unsigned char *)"a\xc3", 2));
    assert_false(utf8_valid((const unsigned char *)"\xff", 1));
    stage_plugin(fx, "HOOKHOST_TEST_PLUGIN_DIR", "noop.so");
    stage_plugin(fx, "HOOKHOST_TEST_BAD_PLUGIN_DIR", hook.plugin);
    write_hook(fx, &hook);
    write_noop_hook(fx, NULL);
    run_eval(fx, false, &ev);
    expect_exit(&ev, 1);
    n = results_of(&ev, "Test::Contract::LongMessage", r, N_ITEMS(r));
    assert_int_equal(n, RESOURCES);
    for (i = 0; i < n; i++) {
        const char *msg = string_member(r[i], "message");
        size_t len = strlen(msg);

        /* A policy verdict, not a breach: the message is the plugin's, cut down. */
        assert_string_equal(string_member(r[i], "status"), "FAILED");
        assert_string_equal(string_member(r[i], "errorCode"), "NonCompliant");
        assert_string_equal(string_member(r[i], "hookStatus"), "HOOK_COMPLETE_FAILED");
        if (len > 4096 || len < 4000)
            fail_msg("message of %zu bytes, expected 4000 to 4096", len);
        assert_true(utf8_valid((const unsigned char *)msg, len));
        assert_null(strchr(msg, '\xff'));
        assert_int_equal(strncmp(msg, "?bad ", 5), 0);
        /* Cut after a whole character: the last two bytes are one U+00E9. */
        assert_int_equal(strcmp(msg + len - 2, "\xc3\xa9"), 0);
    }
    expect_noop_results(&ev);
    eval_free(&ev);
}

static void test_annotations(void **state)
{
    struct fixture *fx = *state;
    struct hook_spec hook = { "10-annotations.json", "contract-annotations.so", NULL, "WARN",
                              NULL, NULL, NULL };
    json_object *r[RESOURCES + 1];
    struct eval ev;
    size_t i, n;

    stage_plugin(fx, "HOOKHOST_TEST_PLUGIN_DIR", "noop.so");
    stage_plugin(fx, "HOOKHOST_TEST_BAD_PLUGIN_DIR", hook.plugin);
    write_hook(fx, &hook);
    write_noop_hook(fx, NULL);
    run_eval(fx, false, &ev);
    expect_exit(&ev, 0);
    n = results_of(&ev, "Test::Contract::Annotations", r, N_ITEMS(r));
    assert_int_equal(n, RESOURCES);
    for (i = 0; i < n; i++) {
        json_object *list = member(r[i], "annotations");
        json_object *a, *b, *v;

        assert_string_equal(string_member(r[i], "status"), "FAILED");
        assert_string_equal(string_member(r[i], "errorCode"), "NonCompliant");
        assert_string_equal(string_member(r[i], "hookStatus"), "HOOK_COMPLETE_FAILED");
        /* The invalid third annotation was refused with HH_ERR_INVALID. */
        assert_string_equal(string_member(r[i], "message"),
                            "1 of 2 checks failed (add_annotation: 0 0 -2)");
        assert_true(json_object_is_type(list, json_type_array));
        assert_int_equal(json_object_array_length(list), 2);
        a = json_object_array_get_idx(list, 0);
        assert_string_equal(string_member(a, "annotationName"), "EncryptionAtRest");
        assert_string_equal(string_member(a, "status"), "FAILED");
        assert_string_equal(string_member(a, "severityLevel"), "HIGH");
        assert_string_equal(string_member(a, "statusMessage"), "the bucket is not encrypted");
        assert_string_equal(string_member(a, "remediationMessage"), "Set BucketEncryption");
        assert_string_equal(string_member(a, "remediationLink"),
                            "https://example.com/encryption");
        b = json_object_array_get_idx(list, 1);
        assert_string_equal(string_member(b, "annotationName"), "Versioning");
        assert_string_equal(string_member(b, "status"), "PASSED");
        /* Absent members are left out, not written as empty strings. */
        assert_false(json_object_object_get_ex(b, "severityLevel", &v));
        assert_false(json_object_object_get_ex(b, "remediationMessage", &v));
        assert_false(json_object_object_get_ex(b, "statusMessage", &v));
    }
    expect_noop_results(&ev);
    eval_free(&ev);
}

/* ------------------------------------------------------------- create */

static json_object *properties(const char *text)
{
    json_object *p = parse_json(text);

    assert_true(json_object_is_type(p, json_type_object));
    return p;
}

static void expect_one_line_error(const struct eval *ev)
{
    const char *nl = strchr(ev->run.err, '\n');

    expect_exit(ev, 2);
    assert_int_equal(ev->run.out_len, 0);
    assert_null(ev->report);
    if (nl == NULL || nl[1] != '\0')
        fail_msg("expected one line on stderr: %s", ev->run.err);
}

static void test_create_fails(void **state)
{
    struct fixture *fx = *state;
    struct hook_spec hook = { "10-threshold.json", "contract-create-fails.so", NULL, "FAIL",
                              NULL, NULL, NULL };
    json_object *r[RESOURCES + 1];
    struct eval ev;

    stage_plugin(fx, "HOOKHOST_TEST_PLUGIN_DIR", "noop.so");
    stage_plugin(fx, "HOOKHOST_TEST_BAD_PLUGIN_DIR", hook.plugin);

    /* Accepted configuration: runs. */
    hook.properties = properties("{\"Threshold\": 3}");
    write_hook(fx, &hook);
    write_noop_hook(fx, NULL);
    run_eval(fx, false, &ev);
    expect_exit(&ev, 0);
    assert_int_equal(results_of(&ev, "Test::Contract::CreateFails", r, N_ITEMS(r)), RESOURCES);
    assert_string_equal(string_member(r[0], "message"), "below the threshold");
    eval_free(&ev);

    /* Refused by create: exit 2 before anything runs, one line naming the hook. */
    hook.properties = properties("{\"Threshold\": 12}");
    write_hook(fx, &hook);
    run_eval(fx, false, &ev);
    expect_one_line_error(&ev);
    expect_contains("stderr", ev.run.err, "hook Test::Contract::CreateFails");
    expect_contains("stderr", ev.run.err, "10-threshold.json");
    expect_contains("stderr", ev.run.err, "InvalidTypeConfiguration");
    expect_contains("stderr", ev.run.err, "Threshold must be below 10");
    eval_free(&ev);

    /* Under an alias the message names the alias. */
    hook.alias = "Test::Contract::StrictThreshold";
    hook.properties = properties("{\"Threshold\": 10}");
    write_hook(fx, &hook);
    run_eval(fx, false, &ev);
    expect_one_line_error(&ev);
    expect_contains("stderr", ev.run.err, "hook Test::Contract::StrictThreshold");
    expect_contains("stderr", ev.run.err, "InvalidTypeConfiguration");
    eval_free(&ev);
}

/* -------------------------------------------------------------- lifecycle */

struct lifecycle {
    int creates, invokes, destroys;
    int order_errors; /* lines out of create < invoke < destroy order */
};

/* Count the counter plugin's lines for hook in file. */
static struct lifecycle read_lifecycle(const char *file, const char *hook)
{
    struct lifecycle lc = { 0, 0, 0, 0 };
    char line[512], event[32], name[256];
    FILE *f = fopen(file, "r");

    if (f == NULL)
        return lc;
    while (fgets(line, sizeof(line), f) != NULL) {
        assert_int_equal(sscanf(line, "%31s %255s", event, name), 2);
        if (strcmp(name, hook) != 0)
            continue;
        if (strcmp(event, "create") == 0) {
            lc.order_errors += lc.invokes + lc.destroys;
            lc.creates++;
        } else if (strcmp(event, "invoke") == 0) {
            lc.order_errors += lc.creates == 0 || lc.destroys != 0;
            lc.invokes++;
        } else {
            assert_string_equal(event, "destroy");
            lc.order_errors += lc.creates == 0;
            lc.destroys++;
        }
    }
    assert_int_equal(fclose(f), 0);
    return lc;
}

static void expect_lifecycle(const char *file, const char *hook, int creates, int invokes,
                             int destroys)
{
    struct lifecycle lc = read_lifecycle(file, hook);

    if (lc.creates != creates || lc.invokes != invokes || lc.destroys != destroys ||
        lc.order_errors != 0)
        fail_msg("%s: %d creates, %d invokes, %d destroys (%d out of order); expected %d, %d, "
                 "%d",
                 hook, lc.creates, lc.invokes, lc.destroys, lc.order_errors, creates, invokes,
                 destroys);
}

static json_object *counter_properties(const char *file)
{
    json_object *p = json_object_new_object();

    assert_non_null(p);
    add_string(p, "counterFile", file);
    return p;
}

static void write_counter_hook(const struct fixture *fx, const char *hook_file,
                               const char *alias, const char *status, const char *stacks,
                               const char *counter_file)
{
    struct hook_spec hook = { hook_file, "contract-counter.so", alias, NULL, status, stacks,
                              counter_properties(counter_file) };

    write_hook(fx, &hook);
}

/* One plugin active as two hooks, one disabled, one switched off by TargetStacks. */
static void test_create_destroy_paired(void **state)
{
    struct fixture *fx = *state;
    char counter[PATH_MAX];
    struct eval ev;

    join(counter, sizeof(counter), fx->root, "counter.log");
    stage_plugin(fx, "HOOKHOST_TEST_PLUGIN_DIR", "noop.so");
    stage_plugin(fx, "HOOKHOST_TEST_BAD_PLUGIN_DIR", "contract-counter.so");
    write_counter_hook(fx, "10-a.json", "Test::Counter::Alpha", NULL, NULL, counter);
    write_counter_hook(fx, "20-b.json", "Test::Counter::Bravo", NULL, NULL, counter);
    write_counter_hook(fx, "30-c.json", "Test::Counter::Charlie", "DISABLED", NULL, counter);
    write_counter_hook(fx, "40-d.json", "Test::Counter::Delta", NULL, "NONE", counter);
    write_counter_hook(fx, "50-e.json", NULL, NULL, NULL, counter);
    write_noop_hook(fx, NULL);
    run_eval(fx, false, &ev);
    expect_exit(&ev, 0);
    expect_noop_results(&ev);
    assert_int_equal(int_member(member(ev.report, "summary"), "invocations"), 4 * RESOURCES);
    eval_free(&ev);
    expect_lifecycle(counter, "Test::Counter::Alpha", 1, RESOURCES, 1);
    expect_lifecycle(counter, "Test::Counter::Bravo", 1, RESOURCES, 1);
    expect_lifecycle(counter, "Test::Contract::Counter", 1, RESOURCES, 1);
    expect_lifecycle(counter, "Test::Counter::Charlie", 0, 0, 0);
    expect_lifecycle(counter, "Test::Counter::Delta", 0, 0, 0);
}

/* When a later hook cannot be set up, the instances already made are destroyed once. */
static void test_create_destroy_on_error(void **state)
{
    struct fixture *fx = *state;
    struct hook_spec refuses = { "20-threshold.json", "contract-create-fails.so", NULL, NULL,
                                 NULL, NULL, NULL };
    char counter[PATH_MAX];
    struct eval ev;

    join(counter, sizeof(counter), fx->root, "counter.log");
    stage_plugin(fx, "HOOKHOST_TEST_BAD_PLUGIN_DIR", "contract-counter.so");
    stage_plugin(fx, "HOOKHOST_TEST_BAD_PLUGIN_DIR", "contract-create-fails.so");

    /* create refuses its configuration. */
    write_counter_hook(fx, "10-a.json", "Test::Counter::Alpha", NULL, NULL, counter);
    refuses.properties = properties("{\"Threshold\": 99}");
    write_hook(fx, &refuses);
    run_eval(fx, false, &ev);
    expect_one_line_error(&ev);
    expect_contains("stderr", ev.run.err, "Test::Contract::CreateFails");
    eval_free(&ev);
    expect_lifecycle(counter, "Test::Counter::Alpha", 1, 0, 1);

    /* The configuration fails the plugin's schema: create is never called. */
    clear_hooks(fx);
    assert_int_equal(unlink(counter), 0);
    write_counter_hook(fx, "10-a.json", "Test::Counter::Alpha", NULL, NULL, counter);
    write_counter_hook(fx, "20-b.json", "Test::Counter::Bravo", NULL, NULL, "");
    run_eval(fx, false, &ev);
    expect_one_line_error(&ev);
    expect_contains("stderr", ev.run.err, "counterFile");
    eval_free(&ev);
    expect_lifecycle(counter, "Test::Counter::Alpha", 1, 0, 1);
    expect_lifecycle(counter, "Test::Counter::Bravo", 0, 0, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_breaches, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_breaches_together, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_in_progress_then_success, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_long_invalid_message, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_annotations, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_create_fails, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_create_destroy_paired, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_create_destroy_on_error, fixture_setup,
                                        fixture_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
