/*
 * Containment, end to end through the real hookhost binary: hostile
 * plugins (tests/plugins/hostile-*.c) in process isolation with a short
 * timeout.  Whatever a plugin does (dies of a signal, aborts, exits in the
 * middle of a call, loops, eats memory, writes garbage where the answer
 * goes, sleeps, crashes in create), the host goes on: that hook's results
 * are FAILED/HandlerInternalFailure saying what happened, its failure mode
 * decides the exit code, and the shipped noop hook's results are all
 * there.  Also: workers replaced after a crash, the evaluation budget, the
 * seccomp filter and "allow", descriptors a worker inherits, what a plugin
 * declares it needs, the hook file's and the registry's containment
 * members, and an in-process hook judged late.
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
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "runner.h"

#define N_ITEMS(a) (sizeof(a) / sizeof((a)[0]))
#define NOOP "Hookhost::Bench::NoOp"
#define MAX_RESULTS 64

/* --------------------------------------------------------------- fixture */

struct fixture {
    char root[PATH_MAX];     /* mkdtemp under the build directory */
    char plugins[PATH_MAX];  /* root/plugins: copies of the plugins used */
    char hooks[PATH_MAX];    /* root/hooks: the hook files */
    char registry[PATH_MAX]; /* root/registry */
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
    join(fx->root, sizeof(fx->root), hh_test_env("HOOKHOST_TEST_BUILDDIR"), "isolation-XXXXXX");
    assert_non_null(mkdtemp(fx->root));
    assert_int_equal(chmod(fx->root, 0755), 0);
    join(fx->plugins, sizeof(fx->plugins), fx->root, "plugins");
    join(fx->hooks, sizeof(fx->hooks), fx->root, "hooks");
    join(fx->registry, sizeof(fx->registry), fx->root, "registry");
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
    if (access(to, F_OK) == 0)
        return;
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

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");

    assert_non_null(f);
    assert_int_equal(fputs(text, f) >= 0, 1);
    assert_int_equal(fclose(f), 0);
}

/* A CloudFormation template of n queues, written as root/NAME. */
static const char *write_template(const struct fixture *fx, const char *name, int n,
                                  char *path, size_t cap)
{
    char *text = malloc((size_t)n * 80 + 128);
    size_t len;
    int i;

    assert_non_null(text);
    len = (size_t)sprintf(text, "{\"Resources\": {");
    for (i = 0; i < n; i++)
        len += (size_t)sprintf(text + len, "%s\"Queue%d\": {\"Type\": \"AWS::SQS::Queue\"}",
                               i > 0 ? ", " : "", i);
    sprintf(text + len, "}}\n");
    join(path, cap, fx->root, name);
    write_text(path, text);
    free(text);
    return path;
}

/* ---------------------------------------------------------------- hooks */

struct hook {
    const char *file;         /* in the hooks directory */
    const char *plugin;       /* plugin file name */
    const char *mode;         /* FailureMode, or NULL */
    const char *isolation;    /* NULL: left out (the default, process) */
    int timeout;              /* timeoutSeconds, 0: left out */
    int memory;               /* memoryMiB, 0: left out */
    const char *allow;        /* the "allow" array as JSON text, or NULL */
    const char *properties;   /* Properties as JSON text, or NULL for {} */
};

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

static void add(json_object *obj, const char *key, json_object *value)
{
    assert_non_null(value);
    assert_int_equal(json_object_object_add(obj, key, value), 0);
}

static void write_hook(const struct fixture *fx, const struct hook *h)
{
    json_object *doc = json_object_new_object(), *cfn = json_object_new_object();
    json_object *hc = json_object_new_object();
    char path[PATH_MAX];

    add(doc, "plugin", json_object_new_string(h->plugin));
    if (h->isolation != NULL)
        add(doc, "isolation", json_object_new_string(h->isolation));
    if (h->timeout != 0)
        add(doc, "timeoutSeconds", json_object_new_int(h->timeout));
    if (h->memory != 0)
        add(doc, "memoryMiB", json_object_new_int(h->memory));
    if (h->allow != NULL)
        add(doc, "allow", parse_json(h->allow));
    add(hc, "HookInvocationStatus", json_object_new_string("ENABLED"));
    add(hc, "TargetStacks", json_object_new_string("ALL"));
    if (h->mode != NULL)
        add(hc, "FailureMode", json_object_new_string(h->mode));
    add(hc, "Properties", parse_json(h->properties != NULL ? h->properties : "{}"));
    add(cfn, "HookConfiguration", hc);
    add(doc, "CloudFormationConfiguration", cfn);
    join(path, sizeof(path), fx->hooks, h->file);
    assert_int_equal(json_object_to_file_ext(path, doc, JSON_C_TO_STRING_PRETTY), 0);
    json_object_put(doc);
}

/* The shipped noop hook, whose results must survive a hostile neighbour. */
static void write_noop_hook(const struct fixture *fx)
{
    struct hook noop = { "90-noop.json", "noop.so", NULL, NULL, 1, 0, NULL, NULL };

    stage_plugin(fx, "HOOKHOST_TEST_PLUGIN_DIR", "noop.so");
    write_hook(fx, &noop);
}

/* --------------------------------------------------------------- runs */

struct eval {
    struct hh_run run;
    json_object *report;  /* NULL when stdout was empty */
    double seconds;       /* wall time of the run */
};

static double now_seconds(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* hookhost eval --format json [extra...] TEMPLATE, with the fixture's hooks. */
static void run_eval(const struct fixture *fx, const char *template, const char *const *extra,
                     struct eval *ev)
{
    const char *args[24];
    size_t n = 0;
    double start = now_seconds();

    args[n++] = "eval";
    args[n++] = "--hooks-dir";
    args[n++] = fx->hooks;
    args[n++] = "--plugin-dir";
    args[n++] = fx->plugins;
    args[n++] = "--format";
    args[n++] = "json";
    while (extra != NULL && *extra != NULL && n < N_ITEMS(args) - 2)
        args[n++] = *extra++;
    args[n++] = template;
    args[n] = NULL;
    assert_int_equal(hh_run_hookhost(&ev->run, args, NULL), 0);
    ev->seconds = now_seconds() - start;
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

static void expect_exit(const struct eval *ev, int code)
{
    if (ev->run.exit_code != code)
        fail_msg("hookhost exited %d, expected %d\nstdout: %.2000s\nstderr: %.2000s",
                 ev->run.exit_code, code, ev->run.out, ev->run.err);
}

static void expect_contains(const char *what, const char *text, const char *phrase)
{
    if (strstr(text, phrase) == NULL)
        fail_msg("%s lacks \"%s\": %s", what, phrase, text);
}

/* The results of hook, in operation order. */
static size_t results_of(const struct eval *ev, const char *hook, json_object **out, size_t max)
{
    json_object *results;
    size_t i, n = 0;

    if (ev->report == NULL)
        fail_msg("no report; exit %d, stderr: %s", ev->run.exit_code, ev->run.err);
    results = member(ev->report, "results");
    for (i = 0; i < json_object_array_length(results); i++) {
        json_object *r = json_object_array_get_idx(results, i);

        if (strcmp(string_member(r, "hook"), hook) == 0) {
            assert_true(n < max);
            out[n++] = r;
        }
    }
    return n;
}

/* Every noop result is there and succeeded. */
static void expect_noop_results(const struct eval *ev, size_t resources)
{
    json_object *r[MAX_RESULTS];
    size_t i, n = results_of(ev, NOOP, r, N_ITEMS(r));

    assert_int_equal(n, resources);
    for (i = 0; i < n; i++)
        assert_string_equal(string_member(r[i], "status"), "SUCCESS");
}

/* Result r failed because its hook could not judge, saying phrase. */
static void expect_hook_failed(json_object *r, const char *phrase, const char *mode)
{
    const char *msg = string_member(r, "message");

    assert_string_equal(string_member(r, "status"), "FAILED");
    assert_string_equal(string_member(r, "errorCode"), "HandlerInternalFailure");
    assert_string_equal(string_member(r, "hookStatus"), "HOOK_FAILED");
    if (mode != NULL)
        assert_string_equal(string_member(r, "failureMode"), mode);
    expect_contains("message", msg, phrase);
}

/* ------------------------------------------------------------- hostile */

struct hostile {
    const char *plugin;
    const char *type_name;
    const char *env_dir;        /* where it was built */
    int memory;                 /* memoryMiB, 0: the default */
    const char *properties;
    const char *phrases[3];     /* in every one of its results' messages */
};

static const struct hostile hostiles[] = {
    { "hostile-segfault.so", "Test::Hostile::Segfault", "HOOKHOST_TEST_BAD_PLUGIN_DIR", 0, NULL,
      { "worker killed by signal SIGSEGV (Segmentation fault)", NULL, NULL } },
    { "hostile-abort.so", "Test::Hostile::Abort", "HOOKHOST_TEST_BAD_PLUGIN_DIR", 0, NULL,
      { "worker killed by signal SIGABRT (Aborted)", NULL, NULL } },
    { "hostile-exit.so", "Test::Hostile::Exit", "HOOKHOST_TEST_BAD_PLUGIN_DIR", 0, NULL,
      { "worker exited with status 0 in the middle of a call", NULL, NULL } },
    { "hostile-loop.so", "Test::Hostile::Loop", "HOOKHOST_TEST_BAD_PLUGIN_DIR", 0, NULL,
      { "timed out after 1 s", NULL, NULL } },
    { "hostile-alloc.so", "Test::Hostile::Alloc", "HOOKHOST_TEST_BAD_PLUGIN_DIR", 256, NULL,
      { "worker killed by signal SIGSEGV", "of its 256 MiB memory limit", NULL } },
    { "hostile-garbage.so", "Test::Hostile::Garbage", "HOOKHOST_TEST_BAD_PLUGIN_DIR", 0, NULL,
      { "garbage answer: not JSON", NULL, NULL } },
    { "contract-bad-status.so", "Test::Contract::BadStatus", "HOOKHOST_TEST_BAD_PLUGIN_DIR", 0,
      NULL, { "hook broke the contract: answered with an invalid status", NULL, NULL } },
    { "contract-failed-no-message.so", "Test::Contract::FailedNoMessage",
      "HOOKHOST_TEST_BAD_PLUGIN_DIR", 0, NULL,
      { "hook broke the contract: answered FAILED without a message", NULL, NULL } },
    { "hostile-sleep.so", "Test::Hostile::Sleep", "HOOKHOST_TEST_BAD_PLUGIN_DIR", 0,
      "{\"milliseconds\": 5000}", { "timed out after 1 s", NULL, NULL } },
    { "hostile-in-progress.so", "Test::Hostile::InProgress", "HOOKHOST_TEST_BAD_PLUGIN_DIR", 0,
      NULL, { "hook still IN_PROGRESS after 3 re-invocations", NULL, NULL } },
    { "hostile-create-crash.so", "Test::Hostile::CreateCrash", "HOOKHOST_TEST_BAD_PLUGIN_DIR", 0,
      NULL, { "could not start a worker", "SIGSEGV", "in create" } },
};

#define HOSTILE_RESOURCES 2

static void check_hostile(const struct eval *ev, const struct hostile *h, const char *mode)
{
    json_object *r[MAX_RESULTS];
    size_t i, j, n = results_of(ev, h->type_name, r, N_ITEMS(r));

    if (n != HOSTILE_RESOURCES)
        fail_msg("%s: %zu results, expected %d: %s", h->plugin, n, HOSTILE_RESOURCES,
                 ev->run.out);
    for (i = 0; i < n; i++) {
        for (j = 0; j < N_ITEMS(h->phrases) && h->phrases[j] != NULL; j++)
            expect_hook_failed(r[i], h->phrases[j], mode);
    }
    expect_noop_results(ev, HOSTILE_RESOURCES);
    assert_string_equal(string_member(ev->report, "verdict"), mode);
}

static void run_hostile(const struct fixture *fx, const struct hostile *h, const char *template)
{
    struct hook hook = { "10-hostile.json", h->plugin, "FAIL", NULL, 1, h->memory, NULL,
                         h->properties };
    struct eval ev;

    clear_hooks(fx);
    stage_plugin(fx, h->env_dir, h->plugin);
    write_hook(fx, &hook);
    write_noop_hook(fx);
    /* FailureMode FAIL: the host survives and denies. */
    run_eval(fx, template, NULL, &ev);
    expect_exit(&ev, 1);
    check_hostile(&ev, h, "FAIL");
    eval_free(&ev);
    /* WARN: the same results, and the change may go on. */
    hook.mode = "WARN";
    write_hook(fx, &hook);
    run_eval(fx, template, NULL, &ev);
    expect_exit(&ev, 0);
    check_hostile(&ev, h, "WARN");
    eval_free(&ev);
}

static void test_hostile_plugins(void **state)
{
    struct fixture *fx = *state;
    char template[PATH_MAX];
    size_t i;

    write_template(fx, "two.json", HOSTILE_RESOURCES, template, sizeof(template));
    for (i = 0; i < N_ITEMS(hostiles); i++) {
#if defined(__SANITIZE_ADDRESS__)
        /* AddressSanitizer's workers have its RSS limits instead of RLIMIT_AS. */
        if (hostiles[i].memory != 0)
            continue;
#endif
        run_hostile(fx, &hostiles[i], template);
    }
}

/* Every third call crashes its worker: the worker is replaced each time. */
static void test_replaced_after_crash(void **state)
{
    struct fixture *fx = *state;
    struct hook hook = { "10-third.json", "hostile-third.so", "WARN", NULL, 5, 0, NULL, NULL };
    char template[PATH_MAX];
    json_object *r[MAX_RESULTS];
    size_t i, n, failed = 0, passed = 0;
    struct eval ev;

    stage_plugin(fx, "HOOKHOST_TEST_BAD_PLUGIN_DIR", hook.plugin);
    write_hook(fx, &hook);
    write_noop_hook(fx);
    write_template(fx, "nine.json", 9, template, sizeof(template));
    run_eval(fx, template, (const char *const[]){ "--jobs", "1", NULL }, &ev);
    expect_exit(&ev, 0);
    n = results_of(&ev, "Test::Hostile::EveryThird", r, N_ITEMS(r));
    assert_int_equal(n, 9);
    for (i = 0; i < n; i++) {
        if (strcmp(string_member(r[i], "status"), "SUCCESS") == 0) {
            passed++;
            continue;
        }
        expect_hook_failed(r[i], "worker killed by signal SIGSEGV", "WARN");
        /* The third, sixth and ninth calls. */
        assert_int_equal(i % 3, 2);
        failed++;
    }
    assert_int_equal(failed, 3);
    assert_int_equal(passed, 6);
    expect_noop_results(&ev, 9);
    eval_free(&ev);
}

/* ------------------------------------------------------------------ time */

/* Seconds more that a run may take when hookhost runs under valgrind. */
static double slack(void)
{
    return hh_test_valgrind() ? 60.0 : 0.0;
}

/* Slow hooks that would take 4 s stop at a budget of 2 s; the rest is not run. */
static void test_budget(void **state)
{
    struct fixture *fx = *state;
    struct hook slow = { "10-slow.json", "hostile-sleep.so", "FAIL", NULL, 5, 0, NULL,
                         "{\"milliseconds\": 700}" };
    char template[PATH_MAX];
    json_object *results;
    size_t i, n, not_run = 0, passed = 0;
    struct eval ev;

    stage_plugin(fx, "HOOKHOST_TEST_BAD_PLUGIN_DIR", slow.plugin);
    write_hook(fx, &slow);
    write_noop_hook(fx);
    write_template(fx, "six.json", 6, template, sizeof(template));
    run_eval(fx, template, (const char *const[]){ "--jobs", "1", "--budget", "2", NULL }, &ev);
    expect_exit(&ev, 1);
    if (ev.seconds < 1.8 || ev.seconds > 4.0 + slack())
        fail_msg("the evaluation took %.2f s, expected about 2 s", ev.seconds);
    results = member(ev.report, "results");
    n = json_object_array_length(results);
    assert_int_equal(n, 12); /* every result is there */
    for (i = 0; i < n; i++) {
        json_object *r = json_object_array_get_idx(results, i);
        const char *msg = string_member(r, "message");

        if (strcmp(string_member(r, "status"), "SUCCESS") == 0) {
            passed++;
        } else if (strstr(msg, "not run: the evaluation budget of 2 s ran out") != NULL) {
            expect_hook_failed(r, "not run", "FAIL");
            not_run++;
        } else {
            /* The one running when the budget ran out: its timeout was capped. */
            expect_hook_failed(r, "timed out after", "FAIL");
            expect_contains("message", msg, "the evaluation budget of 2 s ran out");
        }
    }
    assert_true(passed >= 1 && passed <= 6);
    assert_true(not_run >= 4);
    eval_free(&ev);

    /* IN_PROGRESS asking for a wait longer than the budget fails at once. */
    clear_hooks(fx);
    slow = (struct hook){ "10-wait.json", "hostile-in-progress.so", "WARN", NULL, 5, 0, NULL,
                          "{\"delaySeconds\": 100}" };
    stage_plugin(fx, "HOOKHOST_TEST_BAD_PLUGIN_DIR", slow.plugin);
    write_hook(fx, &slow);
    write_noop_hook(fx);
    run_eval(fx, template, (const char *const[]){ "--budget", "2", NULL }, &ev);
    expect_exit(&ev, 0);
    assert_true(ev.seconds < 2.0 + slack());
    {
        json_object *r[MAX_RESULTS];

        n = results_of(&ev, "Test::Hostile::InProgress", r, N_ITEMS(r));
        assert_int_equal(n, 6);
        for (i = 0; i < n; i++)
            expect_hook_failed(r[i], "waiting 100 s to re-invoke it would pass the evaluation "
                                     "budget of 2 s", "WARN");
    }
    expect_noop_results(&ev, 6);
    eval_free(&ev);
}

/* In-process, a timeout is only found out once the call returns. */
static void test_in_process_late(void **state)
{
    struct fixture *fx = *state;
    struct hook slow = { "10-slow.json", "hostile-sleep.so", "WARN", "in-process", 1, 0, NULL,
                         "{\"milliseconds\": 1300}" };
    char template[PATH_MAX];
    json_object *r[MAX_RESULTS];
    struct eval ev;

    stage_plugin(fx, "HOOKHOST_TEST_BAD_PLUGIN_DIR", slow.plugin);
    write_hook(fx, &slow);
    write_noop_hook(fx);
    write_template(fx, "one.json", 1, template, sizeof(template));
    run_eval(fx, template, NULL, &ev);
    expect_exit(&ev, 0);
    assert_true(ev.seconds >= 1.3);
    assert_int_equal(results_of(&ev, "Test::Hostile::Sleep", r, N_ITEMS(r)), 1);
    expect_hook_failed(r[0], "timed out after 1 s (an in-process hook cannot be stopped: it "
                             "returned after 1.3 s)", "WARN");
    expect_noop_results(&ev, 1);
    eval_free(&ev);
}

/* ---------------------------------------------------------------- sandbox */

/* The sandbox plugin's message with the hook's allow (NULL: none given). */
static void expect_sandbox(const struct fixture *fx, const char *isolation, const char *allow,
                           const char *expected)
{
    struct hook hook = { "10-sandbox.json", "hostile-sandbox.so", "FAIL", isolation, 5, 0,
                         allow, NULL };
    char template[PATH_MAX];
    json_object *r[MAX_RESULTS];
    struct eval ev;

    clear_hooks(fx);
    write_hook(fx, &hook);
    write_template(fx, "one.json", 1, template, sizeof(template));
    run_eval(fx, template, NULL, &ev);
    expect_exit(&ev, 0);
    if (strstr(ev.run.err, "without a seccomp filter") != NULL) {
        /* A kernel (or container) that allows no filter: the host said so. */
        fprintf(stderr, "skipped: %s", ev.run.err);
        eval_free(&ev);
        return;
    }
    assert_int_equal(results_of(&ev, "Test::Hostile::Sandbox", r, N_ITEMS(r)), 1);
    assert_string_equal(string_member(r[0], "status"), "SUCCESS");
    if (strcmp(string_member(r[0], "message"), expected) != 0)
        fail_msg("allow %s: \"%s\", expected \"%s\"", allow != NULL ? allow : "(none)",
                 string_member(r[0], "message"), expected);
    eval_free(&ev);
}

static void test_seccomp(void **state)
{
    struct fixture *fx = *state;

    stage_plugin(fx, "HOOKHOST_TEST_BAD_PLUGIN_DIR", "hostile-sandbox.so");
    expect_sandbox(fx, NULL, NULL, "socket: EPERM; execve: EPERM; fork: EPERM");
    expect_sandbox(fx, NULL, "[]", "socket: EPERM; execve: EPERM; fork: EPERM");
    expect_sandbox(fx, NULL, "[\"network\"]", "socket: ok; execve: EPERM; fork: EPERM");
    expect_sandbox(fx, NULL, "[\"exec\"]", "socket: EPERM; execve: ENOENT; fork: ok");
    expect_sandbox(fx, "process", "[\"network\", \"exec\"]",
                   "socket: ok; execve: ENOENT; fork: ok");
    /* In-process there is no sandbox: the host's own rights. */
    expect_sandbox(fx, "in-process", NULL, "socket: ok; execve: ENOENT; fork: ok");
}

/* A worker holds the channel, the plugin and /dev/null, nothing else. */
static void test_no_inherited_fds(void **state)
{
    struct fixture *fx = *state;
    struct hook hook = { "10-fds.json", "hostile-fds.so", "FAIL", NULL, 5, 0, NULL, NULL };
    char template[PATH_MAX], plugin[PATH_MAX + 8], real[PATH_MAX];
    json_object *r[MAX_RESULTS];
    const char *msg;
    struct eval ev;
    int extra = open("/dev/null", O_RDONLY); /* not close-on-exec: hookhost inherits it */

    assert_true(extra >= 0);
    stage_plugin(fx, "HOOKHOST_TEST_BAD_PLUGIN_DIR", hook.plugin);
    write_hook(fx, &hook);
    write_template(fx, "one.json", 1, template, sizeof(template));
    run_eval(fx, template, NULL, &ev);
    assert_int_equal(close(extra), 0);
    expect_exit(&ev, 0);
    assert_int_equal(results_of(&ev, "Test::Hostile::Fds", r, N_ITEMS(r)), 1);
    msg = string_member(r[0], "message");
    join(plugin, sizeof(plugin), fx->plugins, hook.plugin);
    assert_non_null(realpath(plugin, real));
    snprintf(plugin, sizeof(plugin), " 4=%s", real);
    if (strncmp(msg, "5: ", 3) != 0)
        fail_msg("a worker holds other descriptors: %s", msg);
    expect_contains("descriptors", msg, " 0=/dev/null");
    expect_contains("descriptors", msg, " 1=/dev/null");
    expect_contains("descriptors", msg, " 2=/dev/null");
    expect_contains("descriptors", msg, " 3=socket:[");
    expect_contains("descriptors", msg, plugin);
    eval_free(&ev);
}

/* ------------------------------------------------------------ declarations */

static void expect_one_line_error(const struct eval *ev, const char *const *phrases)
{
    const char *nl = strchr(ev->run.err, '\n');

    expect_exit(ev, 2);
    assert_int_equal(ev->run.out_len, 0);
    if (nl == NULL || nl[1] != '\0')
        fail_msg("expected one line on stderr: %s", ev->run.err);
    for (; *phrases != NULL; phrases++)
        expect_contains("stderr", ev->run.err, *phrases);
}

/* A plugin that needs the network and exec loads only where both are allowed. */
static void test_needs_refused(void **state)
{
    struct fixture *fx = *state;
    struct hook hook = { "10-needs.json", "hostile-needs.so", "FAIL", NULL, 5, 0,
                         "[\"network\"]", NULL };
    char template[PATH_MAX];
    struct eval ev;

    stage_plugin(fx, "HOOKHOST_TEST_BAD_PLUGIN_DIR", hook.plugin);
    write_template(fx, "one.json", 1, template, sizeof(template));
    write_hook(fx, &hook);
    run_eval(fx, template, NULL, &ev);
    expect_one_line_error(&ev, (const char *const[]){ "10-needs.json", "Test::Hostile::Needs",
                                                      "needs \"exec\"", "allow", NULL });
    eval_free(&ev);
    hook.allow = NULL;
    write_hook(fx, &hook);
    run_eval(fx, template, NULL, &ev);
    expect_one_line_error(&ev, (const char *const[]){ "needs \"network\" and \"exec\"", NULL });
    eval_free(&ev);
    hook.allow = "[\"exec\", \"network\"]";
    write_hook(fx, &hook);
    run_eval(fx, template, NULL, &ev);
    expect_exit(&ev, 0);
    eval_free(&ev);
}

/* Containment members of a hook file are checked, with one line naming the file. */
static void test_hook_file_members(void **state)
{
    static const struct {
        const char *member;   /* JSON text of the member */
        const char *phrase;
    } bad[] = {
        { "\"timeoutSeconds\": 0", "timeoutSeconds: must be an integer from 1 to 3600" },
        { "\"timeoutSeconds\": 3601", "timeoutSeconds: must be an integer from 1 to 3600" },
        { "\"timeoutSeconds\": \"30\"", "timeoutSeconds: must be an integer from 1 to 3600" },
        { "\"isolation\": \"container\"", "isolation: must be \"process\" or \"in-process\"" },
        { "\"allow\": [\"disk\"]", "allow: item 0: must be \"network\" or \"exec\"" },
        { "\"allow\": \"network\"", "allow: must be an array" },
        { "\"memoryMiB\": 16", "memoryMiB: must be an integer from 256 to 65536" },
    };
    struct fixture *fx = *state;
    char template[PATH_MAX], path[PATH_MAX], text[512];
    struct eval ev;
    size_t i;

    stage_plugin(fx, "HOOKHOST_TEST_PLUGIN_DIR", "noop.so");
    write_template(fx, "one.json", 1, template, sizeof(template));
    join(path, sizeof(path), fx->hooks, "10-bad.json");
    for (i = 0; i < N_ITEMS(bad); i++) {
        snprintf(text, sizeof(text), "{\"plugin\": \"noop.so\", %s}\n", bad[i].member);
        write_text(path, text);
        run_eval(fx, template, NULL, &ev);
        expect_one_line_error(&ev, (const char *const[]){ "10-bad.json", bad[i].phrase, NULL });
        eval_free(&ev);
    }
}

/* ---------------------------------------------------------------- registry */

static void registry(const struct fixture *fx, const char *const *args, int code,
                     const char *phrase, char **out)
{
    const char *argv[24];
    struct hh_run run;
    size_t n = 0;

    argv[n++] = "registry";
    argv[n++] = "--registry";
    argv[n++] = fx->registry;
    while (*args != NULL && n < N_ITEMS(argv) - 1)
        argv[n++] = *args++;
    argv[n] = NULL;
    assert_int_equal(hh_run_hookhost(&run, argv, NULL), 0);
    if (run.exit_code != code)
        fail_msg("registry %s: exit %d, expected %d: %s", argv[3], run.exit_code, code, run.err);
    if (phrase != NULL)
        expect_contains("stderr", run.err, phrase);
    if (out != NULL)
        *out = strdup(run.out);
    hh_run_free(&run);
}

/* `registry activate --isolation --timeout --allow` are kept and used. */
static void test_registry_members(void **state)
{
    struct fixture *fx = *state;
    char plugin[PATH_MAX], config[PATH_MAX], template[PATH_MAX], *out = NULL;
    const char *sandbox = "Test::Hostile::Sandbox";
    json_object *doc, *acts, *a, *r[MAX_RESULTS];
    struct eval ev;

    stage_plugin(fx, "HOOKHOST_TEST_BAD_PLUGIN_DIR", "hostile-sandbox.so");
    join(plugin, sizeof(plugin), fx->plugins, "hostile-sandbox.so");
    join(config, sizeof(config), fx->root, "on.json");
    write_text(config, "{\"CloudFormationConfiguration\": {\"HookConfiguration\": "
                       "{\"TargetStacks\": \"ALL\", \"FailureMode\": \"FAIL\"}}}\n");
    write_template(fx, "one.json", 1, template, sizeof(template));
    registry(fx, (const char *const[]){ "register", plugin, NULL }, 0, NULL, NULL);
    registry(fx, (const char *const[]){ "activate", sandbox, "--timeout", "0", NULL }, 2,
             "--timeout takes a whole number of seconds from 1 to 3600", NULL);
    registry(fx, (const char *const[]){ "activate", sandbox, "--isolation", "vm", NULL }, 2,
             "--isolation takes process or in-process", NULL);
    registry(fx, (const char *const[]){ "activate", sandbox, "--allow", "network,disk", NULL },
             2, "--allow: unknown 'disk'", NULL);
    registry(fx, (const char *const[]){ "activate", sandbox, "--timeout", "7", "--allow",
                                        "network", NULL }, 0, NULL, NULL);
    registry(fx, (const char *const[]){ "set-configuration", sandbox, config, NULL }, 0, NULL,
             NULL);
    registry(fx, (const char *const[]){ "describe", sandbox, "--format", "json", NULL }, 0,
             NULL, &out);
    doc = parse_json(out);
    acts = member(doc, "activations");
    a = json_object_array_get_idx(acts, 0);
    assert_non_null(a);
    assert_string_equal(string_member(a, "isolation"), "process");
    assert_int_equal(int_member(a, "timeoutSeconds"), 7);
    assert_string_equal(json_object_to_json_string(member(a, "allow")), "[ \"network\" ]");
    json_object_put(doc);
    free(out);

    {
        const char *args[] = { "eval", "--registry", fx->registry, "--format", "json",
                               template, NULL };
        struct hh_run run;
        json_object *report;

        assert_int_equal(hh_run_hookhost(&run, args, NULL), 0);
        if (run.exit_code != 0)
            fail_msg("eval from the registry: exit %d: %s", run.exit_code, run.err);
        report = parse_json(run.out);
        ev.report = report;
        ev.run = run;
        assert_int_equal(results_of(&ev, sandbox, r, N_ITEMS(r)), 1);
        assert_string_equal(string_member(r[0], "message"),
                            "socket: ok; execve: EPERM; fork: EPERM");
        eval_free(&ev);
    }
    /* Re-activating keeps what is not given; in-process the sandbox is gone. */
    registry(fx, (const char *const[]){ "activate", sandbox, "--isolation", "in-process", NULL },
             0, NULL, NULL);
    registry(fx, (const char *const[]){ "describe", sandbox, "--format", "json", NULL }, 0,
             NULL, &out);
    doc = parse_json(out);
    a = json_object_array_get_idx(member(doc, "activations"), 0);
    assert_string_equal(string_member(a, "isolation"), "in-process");
    assert_int_equal(int_member(a, "timeoutSeconds"), 7);
    json_object_put(doc);
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_hostile_plugins, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_replaced_after_crash, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_budget, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_in_process_late, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_seccomp, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_no_inherited_fds, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_needs_refused, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_hook_file_members, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_registry_members, fixture_setup, fixture_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
