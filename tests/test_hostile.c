#include "config.h"

/*
 * Hostile input, through the real binary: every way hookhost reads
 * something from outside (templates in JSON and YAML, Terraform plans,
 * Pulumi previews, change sets, hook test inputs, the --previous template,
 * hook files, hookhost.conf, registry configurations, plugin files and the
 * command line) is fed what an attacker or an accident would give it.
 * Each must end with exit status 2 and exactly one line on standard error,
 * "hookhost: ...", that names the file (or argument) and says what is
 * wrong; nothing may crash (a signal), hang (every child runs under a
 * timeout) or print a report.  Leaks are for the sanitizer and valgrind
 * passes (README.md, "Checking for memory errors").
 *
 * tests/hostile/MANIFEST lists the small committed inputs, one per line:
 * FILE<TAB>what the error line must say; the directory of FILE says how it
 * is fed (see kinds[] below).  What is big or cannot be committed is made
 * here at run time, in a directory under $HOOKHOST_TEST_BUILDDIR removed
 * afterwards: nesting 100,000 levels deep, a 100 MB string (8 MB under
 * valgrind), a directory or a FIFO where a file is expected, empty files,
 * files over their quota, plugins that are not libraries or are built for
 * another ABI, writable by others, or symbolic links out of the plugin
 * directory, and absurd arguments.
 */

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

#include "runner.h"

#define N_ITEMS(a) (sizeof(a) / sizeof((a)[0]))
#define MAX_ARGS 24
#define CHILD_TIMEOUT 120          /* seconds, 10 times that under valgrind */
#define BIG_BYTES ((size_t)100 << 20)
#define BIG_BYTES_VALGRIND ((size_t)8 << 20)
#define DEEP 100000
#define LONG_ARG 10000
#define S3_TYPE "Hookhost::ControlTower::S3BucketPublicAccess"
#define HOOK_ON \
    "\"CloudFormationConfiguration\":{\"HookConfiguration\":{" \
    "\"HookInvocationStatus\":\"ENABLED\",\"TargetStacks\":\"ALL\"}}"

/* ------------------------------------------------------------------ world */

/* What every case works in, made once. */
struct world {
    char dir[PATH_MAX];       /* everything below is in here */
    char hooks[PATH_MAX];     /* one shipped hook (ct-s3-pr-1) */
    char ok[PATH_MAX];        /* a template that hook passes */
    char registry[PATH_MAX];  /* ct-s3-pr-1 registered and activated */
    char gen[PATH_MAX];       /* generated inputs */
    char case_hooks[PATH_MAX];/* a hooks directory rewritten for each case */
    char plugins[PATH_MAX];   /* a plugin directory for plugin cases */
    char plugin_hooks[PATH_MAX]; /* the hook file naming the plugin of a case */
    char long_arg[LONG_ARG + 1];
    char long_option[LONG_ARG + 3]; /* "--" and long_arg */
    size_t big;               /* bytes of "the 100 MB string" */
    unsigned failures;        /* of the current test */
    unsigned runs;
};

static struct world W;

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    chmod(path, 0700); /* a directory a case made unreadable */
    return remove(path);
}

static void join(char *out, const char *dir, const char *name)
{
    int n = snprintf(out, PATH_MAX, "%s/%s", dir, name);

    assert_true(n > 0 && n < PATH_MAX);
}

static void write_file(const char *path, const void *data, size_t len, mode_t mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

    if (fd < 0)
        fail_msg("cannot create %s: %s", path, strerror(errno));
    assert_int_equal(write(fd, data, len), (ssize_t)len);
    assert_int_equal(fchmod(fd, mode), 0);
    assert_int_equal(close(fd), 0);
}

static void write_text(const char *path, const char *text)
{
    write_file(path, text, strlen(text), 0644);
}

static void copy_file(const char *from, const char *to, mode_t mode)
{
    char buf[65536];
    int in = open(from, O_RDONLY | O_CLOEXEC), out;
    ssize_t n;

    if (in < 0)
        fail_msg("cannot read %s: %s", from, strerror(errno));
    unlink(to);
    out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (out < 0)
        fail_msg("cannot create %s: %s", to, strerror(errno));
    while ((n = read(in, buf, sizeof(buf))) > 0)
        assert_int_equal(write(out, buf, (size_t)n), n);
    assert_int_equal(n, 0);
    assert_int_equal(fchmod(out, mode), 0);
    close(in);
    assert_int_equal(close(out), 0);
}

/* prefix, then count bytes of fill, then suffix, written in large pieces. */
static void write_repeated(const char *path, const char *prefix, char fill, size_t count,
                           const char *suffix)
{
    static char chunk[1 << 20];
    FILE *f = fopen(path, "wb");
    size_t left = count;

    if (f == NULL)
        fail_msg("cannot create %s: %s", path, strerror(errno));
    memset(chunk, fill, sizeof(chunk));
    assert_int_equal(fputs(prefix, f) >= 0, 1);
    while (left > 0) {
        size_t n = left < sizeof(chunk) ? left : sizeof(chunk);

        assert_int_equal(fwrite(chunk, 1, n, f), n);
        left -= n;
    }
    assert_int_equal(fputs(suffix, f) >= 0, 1);
    assert_int_equal(fclose(f), 0);
}

/* prefix, DEEP '[', DEEP ']', suffix: JSON (and YAML flow) nested DEEP levels. */
static void write_deep(const char *path, const char *prefix, const char *suffix)
{
    FILE *f = fopen(path, "wb");
    size_t i;

    if (f == NULL)
        fail_msg("cannot create %s: %s", path, strerror(errno));
    fputs(prefix, f);
    for (i = 0; i < DEEP; i++)
        fputc('[', f);
    for (i = 0; i < DEEP; i++)
        fputc(']', f);
    fputs(suffix, f);
    assert_int_equal(fclose(f), 0);
}

/* Empty the case hooks directory (files, FIFOs and directories a case left). */
static void clear_dir(const char *dir)
{
    assert_int_equal(nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS), 0);
    assert_int_equal(mkdir(dir, 0755), 0);
    assert_int_equal(chmod(dir, 0755), 0);
}

/* ---------------------------------------------------------------- checking */

static const char *const *build_args(const char **argv, const char *const args[])
{
    size_t i;

    for (i = 0; args[i] != NULL; i++) {
        assert_true(i < MAX_ARGS);
        if (strcmp(args[i], "@LONG") == 0)
            argv[i] = W.long_arg;
        else if (strcmp(args[i], "--@LONG") == 0)
            argv[i] = W.long_option;
        else if (strcmp(args[i], "@OK") == 0)
            argv[i] = W.ok;
        else if (strcmp(args[i], "@HOOKS") == 0)
            argv[i] = W.hooks;
        else if (strcmp(args[i], "@PLUGINS") == 0)
            argv[i] = hh_test_env("HOOKHOST_TEST_PLUGIN_DIR");
        else if (strcmp(args[i], "@REG") == 0)
            argv[i] = W.registry;
        else
            argv[i] = args[i];
    }
    argv[i] = NULL;
    return argv;
}

static void show_args(const char *const args[])
{
    size_t i;

    for (i = 0; args[i] != NULL; i++)
        print_error(" %.120s%s", args[i], strlen(args[i]) > 120 ? "..." : "");
    print_error("\n");
}

/*
 * Run hookhost with args (stdin from stdin_path, or /dev/null) and check
 * that it exits want (2, or -1 for "0 or 1": a valid input that must only
 * be judged), and for 2 that standard error is one line naming name and
 * saying why.  A mismatch is counted and described, not fatal, so that one
 * run shows every case that fails.
 */
static void expect_run(const char *label, const char *const args[], const char *stdin_path,
                       int want, const char *name, const char *why)
{
    const char *argv[MAX_ARGS + 1];
    struct hh_run run;
    const char *problem = NULL;
    const char *nl;

    build_args(argv, args);
    W.runs++;
    assert_int_equal(hh_run_hookhost_timeout(&run, argv, stdin_path, CHILD_TIMEOUT), 0);
    nl = strchr(run.err, '\n');
    if (run.timed_out)
        problem = "hung (killed after the timeout)";
    else if (run.exit_code > 128)
        problem = "killed by a signal";
    else if (want < 0 && run.exit_code != 0 && run.exit_code != 1)
        problem = "a valid input must be judged (exit 0 or 1)";
    else if (want >= 0 && run.exit_code != want)
        problem = "wrong exit status";
    else if (want == 2 && (nl == NULL || nl[1] != '\0'))
        problem = "standard error is not exactly one line";
    else if (want == 2 && strncmp(run.err, "hookhost: ", 10) != 0)
        problem = "the error line does not start with 'hookhost: '";
    else if (want == 2 && name != NULL && strstr(run.err, name) == NULL)
        problem = "the error line does not name the file or argument";
    else if (want == 2 && why != NULL && strstr(run.err, why) == NULL)
        problem = "the error line does not say what is wrong as expected";
    else if (want == 2 && run.out_len != 0)
        problem = "something was written to standard output";
    if (problem != NULL) {
        W.failures++;
        print_error("FAIL %s: %s\n  exit %d; expected %d naming [%.200s] saying [%s]\n"
                    "  args:", label, problem, run.exit_code, want,
                    name != NULL ? name : "", why != NULL ? why : "");
        show_args(argv);
        print_error("  stderr: %.2000s\n  stdout: %.300s\n", run.err, run.out);
    }
    hh_run_free(&run);
}

static void finish(const char *what)
{
    unsigned failures = W.failures, runs = W.runs;

    W.failures = 0;
    W.runs = 0;
    print_message("%s: %u runs, %u failed\n", what, runs, failures);
    assert_int_equal(failures, 0);
}

/* ------------------------------------------------------------------ kinds */

/*
 * How each kind of input is fed.  place() says where a hostile object of
 * that kind must be put (inputs named on the command line anywhere; hook
 * files inside the hooks directory; plugins inside the plugin directory);
 * feed() runs hookhost on it (several ways for some kinds).
 */
struct kind {
    const char *dir;                 /* under tests/hostile, and the case's label */
    const char *input_format;        /* eval --input-format, or NULL */
    void (*place)(const struct kind *k, const char *name, char *out);
    void (*feed)(const struct kind *k, const char *path, const char *why, int want);
};

static void place_anywhere(const struct kind *k, const char *name, char *out)
{
    char file[PATH_MAX];

    snprintf(file, sizeof(file), "%s-%s", k->dir, name);
    join(out, W.gen, file);
}

static void place_hook_file(const struct kind *k, const char *name, char *out)
{
    char file[PATH_MAX];
    size_t n = strlen(name);

    (void)k;
    clear_dir(W.case_hooks);
    snprintf(file, sizeof(file), "%s%s", name,
             n > 5 && strcmp(name + n - 5, ".json") == 0 ? "" : ".json");
    join(out, W.case_hooks, file);
}

static void place_plugin(const struct kind *k, const char *name, char *out)
{
    (void)k;
    join(out, W.plugins, name);
    unlink(out);
}

static void feed_eval(const struct kind *k, const char *path, const char *why, int want)
{
    const char *fmt[] = { "eval", "--hooks-dir", "@HOOKS", "--plugin-dir", "@PLUGINS",
                          "--input-format", k->input_format, path, NULL };
    const char *plain[] = { "eval", "--hooks-dir", "@HOOKS", "--plugin-dir", "@PLUGINS", path,
                            NULL };

    expect_run(k->dir, k->input_format != NULL ? fmt : plain, NULL, want, path, why);
}

static void feed_previous(const struct kind *k, const char *path, const char *why, int want)
{
    const char *args[] = { "eval", "--hooks-dir", "@HOOKS", "--plugin-dir", "@PLUGINS",
                           "--previous", path, "@OK", NULL };

    expect_run(k->dir, args, NULL, want, path, why);
}

static void feed_hook_file(const struct kind *k, const char *path, const char *why, int want)
{
    const char *args[] = { "eval", "--hooks-dir", W.case_hooks, "--plugin-dir", "@PLUGINS",
                           "@OK", NULL };

    expect_run(k->dir, args, NULL, want, path, why);
}

/* hookhost.conf: read by eval and by every registry verb. */
static void feed_config(const struct kind *k, const char *path, const char *why, int want)
{
    const char *eval[] = { "eval", "--config", path, "--hooks-dir", "@HOOKS", "--plugin-dir",
                           "@PLUGINS", "@OK", NULL };
    const char *reg[] = { "registry", "--config", path, "--registry", "@REG", "list", NULL };

    expect_run(k->dir, eval, NULL, want, path, why);
    expect_run(k->dir, reg, NULL, want, path, why);
}

/* A registry configuration: from the file, and (regular files) from standard input. */
static void feed_registry_config(const struct kind *k, const char *path, const char *why,
                                 int want)
{
    const char *file[] = { "registry", "--registry", "@REG", "set-configuration", S3_TYPE,
                           path, NULL };
    const char *in[] = { "registry", "--registry", "@REG", "set-configuration", S3_TYPE, "-",
                         NULL };
    struct stat st;

    expect_run(k->dir, file, NULL, want, path, why);
    if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
        (size_t)st.st_size <= ((size_t)16 << 20))
        expect_run("registry-config (standard input)", in, path, want, "standard input", why);
}

/* A plugin file: named by a hook file, and registered. */
static void feed_plugin(const struct kind *k, const char *path, const char *why, int want)
{
    const char *eval[] = { "eval", "--hooks-dir", W.plugin_hooks, "--plugin-dir", W.plugins,
                           "@OK", NULL };
    const char *reg[] = { "registry", "--registry", "@REG", "register", path, NULL };
    const char *name = path + strlen(W.plugins) + 1;
    char hook[PATH_MAX + 256], file[PATH_MAX];

    snprintf(hook, sizeof(hook), "{\"plugin\":\"%s\"," HOOK_ON "}", name);
    join(file, W.plugin_hooks, "hook.json");
    write_text(file, hook);
    expect_run("plugin (hook file)", eval, NULL, want, name, why);
    expect_run("plugin (registry register)", reg, NULL, want, name, why);
}

static const struct kind kinds[] = {
    { "template", NULL, place_anywhere, feed_eval },
    { "template-yaml", NULL, place_anywhere, feed_eval },
    { "terraform", "terraform-plan", place_anywhere, feed_eval },
    { "pulumi", "pulumi-preview", place_anywhere, feed_eval },
    { "change-set", "cloudformation-change-set", place_anywhere, feed_eval },
    { "hook-input", "cloudformation-hook-input", place_anywhere, feed_eval },
    { "previous", NULL, place_anywhere, feed_previous },
    { "hooks", NULL, place_hook_file, feed_hook_file },
    { "config", NULL, place_anywhere, feed_config },
    { "registry-config", NULL, place_anywhere, feed_registry_config },
    { "plugin", NULL, place_plugin, feed_plugin },
};

static const struct kind *kind_named(const char *dir)
{
    size_t i;

    for (i = 0; i < N_ITEMS(kinds); i++) {
        if (strcmp(kinds[i].dir, dir) == 0)
            return &kinds[i];
    }
    return NULL;
}

/* ------------------------------------------------------------------ setup */

static void run_ok(const char *const args[])
{
    const char *argv[MAX_ARGS + 1];
    struct hh_run run;

    build_args(argv, args);
    assert_int_equal(hh_run_hookhost_timeout(&run, argv, NULL, CHILD_TIMEOUT), 0);
    if (run.exit_code != 0)
        fail_msg("setup: exit %d: %s", run.exit_code, run.err);
    hh_run_free(&run);
}

static void make_dir(char *out, const char *name, mode_t mode)
{
    join(out, W.dir, name);
    assert_int_equal(mkdir(out, mode), 0);
    assert_int_equal(chmod(out, mode), 0);
}

static int group_setup(void **state)
{
    const char *reg_s3[] = { "registry", "--registry", "@REG", "register",
                             hh_test_path("HOOKHOST_TEST_PLUGIN_DIR", "ct-s3-pr-1.so"), NULL };
    const char *activate[] = { "registry", "--registry", "@REG", "activate", S3_TYPE, NULL };
    char path[PATH_MAX];

    (void)state;
    /* Only what the cases say: no configuration or registry from the caller. */
    unsetenv("HOOKHOST_CONFIG");
    unsetenv("HOOKHOST_REGISTRY");
    unsetenv("HOOKHOST_ACCOUNT");
    unsetenv("HOOKHOST_HOOKS_DIR");
    unsetenv("HOOKHOST_PLUGIN_DIR");
    snprintf(W.dir, sizeof(W.dir), "%s/hostile-XXXXXX", hh_test_env("HOOKHOST_TEST_BUILDDIR"));
    if (mkdtemp(W.dir) == NULL)
        return -1;
    chmod(W.dir, 0755);
    make_dir(W.hooks, "hooks", 0755);
    make_dir(W.gen, "gen", 0755);
    make_dir(W.case_hooks, "case-hooks", 0755);
    make_dir(W.plugins, "plugins", 0755);
    make_dir(W.plugin_hooks, "plugin-hooks", 0755);
    make_dir(W.registry, "registry", 0700);
    join(path, W.hooks, "s3.json");
    write_text(path, "{\"plugin\":\"ct-s3-pr-1.so\"," HOOK_ON "}");
    join(W.ok, W.dir, "ok.json");
    write_text(W.ok, "{\"Resources\":{\"Topic\":{\"Type\":\"AWS::SNS::Topic\"}}}");
    memset(W.long_arg, 'a', LONG_ARG);
    W.long_arg[LONG_ARG] = '\0';
    snprintf(W.long_option, sizeof(W.long_option), "--%s", W.long_arg);
    W.big = hh_test_valgrind() ? BIG_BYTES_VALGRIND : BIG_BYTES;
    run_ok(reg_s3);
    run_ok(activate);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    return nftw(W.dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS) == 0 ? 0 : -1;
}

/* ------------------------------------------------------- the committed corpus */

static char *next_field(char **line)
{
    char *start = *line, *tab = strchr(start, '\t');

    if (tab != NULL) {
        *tab = '\0';
        *line = tab + 1;
    } else {
        *line = start + strlen(start);
    }
    return start;
}

/* One MANIFEST line: "DIR/NAME<TAB>why". */
static void corpus_case(char *line, unsigned *count)
{
    char *file = next_field(&line), *why = next_field(&line), *slash;
    char src[PATH_MAX], dir[PATH_MAX], placed[PATH_MAX];
    const struct kind *k;

    line[strcspn(line, "\n")] = '\0';
    why[strcspn(why, "\n")] = '\0';
    if (file[0] == '#' || file[0] == '\0')
        return;
    slash = strchr(file, '/');
    assert_non_null(slash);
    snprintf(dir, sizeof(dir), "%.*s", (int)(slash - file), file);
    k = kind_named(dir);
    if (k == NULL)
        fail_msg("MANIFEST: %s: no such kind of input", file);
    snprintf(src, sizeof(src), "%s/hostile/%s", hh_test_env("HOOKHOST_TEST_SRCDIR"), file);
    if (k->place == place_anywhere) {
        k->feed(k, src, why, 2);
    } else {
        k->place(k, slash + 1, placed);
        copy_file(src, placed, 0644);
        k->feed(k, placed, why, 2);
    }
    (*count)++;
}

static void test_corpus(void **state)
{
    char path[PATH_MAX], line[4096];
    unsigned count = 0;
    FILE *f;

    (void)state;
    snprintf(path, sizeof(path), "%s/hostile/MANIFEST", hh_test_env("HOOKHOST_TEST_SRCDIR"));
    f = fopen(path, "r");
    if (f == NULL)
        fail_msg("%s: %s", path, strerror(errno));
    while (fgets(line, sizeof(line), f) != NULL)
        corpus_case(line, &count);
    fclose(f);
    assert_true(count >= 100);
    finish("committed corpus");
}

/* ----------------------------------------- not a file where a file is expected */

static void test_not_a_file(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < N_ITEMS(kinds); i++) {
        const struct kind *k = &kinds[i];
        bool plugin = k->place == place_plugin;
        char path[PATH_MAX];

        k->place(k, "a-directory.json", path);
        assert_int_equal(mkdir(path, 0755), 0);
        k->feed(k, path, plugin ? "not a regular file" : "is a directory", 2);
        k->place(k, "a-fifo.json", path);
        assert_int_equal(mkfifo(path, 0644), 0);
        k->feed(k, path, "not a regular file", 2);
        /* (A hook file that is not there is no hook.) */
        k->place(k, "missing.json", path);
        if (k->place != place_hook_file)
            k->feed(k, path, "No such file or directory", 2);
        k->place(k, "empty.json", path);
        write_file(path, "", 0, 0644);
        /* An empty hookhost.conf is a configuration that sets nothing. */
        if (strcmp(k->dir, "config") == 0)
            k->feed(k, path, NULL, 0);
        else
            k->feed(k, path, plugin ? "no ELF header" : "empty file", 2);
    }
    finish("directories, FIFOs, missing and empty files");
}

/* -------------------------------------------------- nesting 100,000 levels deep */

struct deep_case {
    const char *kind;
    const char *prefix, *suffix;
    const char *why;
};

static const struct deep_case deep_cases[] = {
    { "template", "{\"Resources\":{\"A\":{\"Type\":\"AWS::S3::Bucket\",\"Properties\":{\"P\":",
      "}}}}", "nesting too deep" },
    { "template", "", "", "nesting too deep" },
    { "template-yaml", "Resources:\n  A:\n    Type: AWS::S3::Bucket\n    Properties:\n      P: ",
      "\n", "nested deeper than" },
    { "terraform", "{\"format_version\":\"1.2\",\"resource_changes\":[{\"address\":\"a.b\","
      "\"type\":\"aws_s3_bucket\",\"change\":{\"actions\":[\"create\"],\"after\":{\"p\":",
      "}}}]}", "nesting too deep" },
    { "pulumi", "{\"steps\":[{\"op\":\"create\",\"urn\":\"urn:pulumi:d::p::aws:s3/bucket:Bucket::b\","
      "\"newState\":{\"type\":\"aws:s3/bucket:Bucket\",\"inputs\":{\"p\":", "}}}]}",
      "nesting too deep" },
    { "change-set", "{\"Changes\":[{\"Type\":\"Resource\",\"ResourceChange\":{\"Action\":\"Add\","
      "\"LogicalResourceId\":\"A\",\"ResourceType\":\"AWS::S3::Bucket\",\"Details\":",
      "}}]}", "nesting too deep" },
    { "hook-input", "{\"AWS::S3::Bucket\":{\"resourceProperties\":{\"p\":", "}}}",
      "nesting too deep" },
    { "previous", "{\"Resources\":{\"A\":{\"Type\":\"AWS::S3::Bucket\",\"Properties\":{\"P\":",
      "}}}}", "nesting too deep" },
    { "hooks", "{\"plugin\":\"ct-s3-pr-1.so\",\"CloudFormationConfiguration\":{"
      "\"HookConfiguration\":{\"TargetStacks\":\"ALL\",\"Properties\":{\"p\":", "}}}}",
      "nesting too deep" },
    { "config", "max-active-hooks = ", "\n", "too large" },
    { "registry-config", "{\"CloudFormationConfiguration\":{\"HookConfiguration\":{"
      "\"TargetStacks\":\"ALL\",\"Properties\":{\"p\":", "}}}}", "nesting too deep" },
};

static void test_deep_nesting(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < N_ITEMS(deep_cases); i++) {
        const struct deep_case *c = &deep_cases[i];
        const struct kind *k = kind_named(c->kind);
        char path[PATH_MAX], name[64];

        assert_non_null(k);
        snprintf(name, sizeof(name), "deep-%zu%s", i,
                 strcmp(c->kind, "template-yaml") == 0 ? ".yaml" : ".json");
        k->place(k, name, path);
        write_deep(path, c->prefix, c->suffix);
        k->feed(k, path, c->why, 2);
        unlink(path);
    }
    finish("nesting 100,000 levels deep");
}

/* ------------------------------------------------------ a 100 MB string */

struct big_case {
    const char *kind;
    const char *prefix, *suffix;
    const char *why;        /* NULL: a valid input, which must be judged */
};

static const struct big_case big_cases[] = {
    { "template", "{\"Resources\":{\"A\":{\"Type\":\"", "\"}}}", "a resource type of" },
    { "template", "{\"Resources\":{\"", "\":{\"Type\":\"AWS::S3::Bucket\"}}}", "a logical id of" },
    { "template-yaml", "Resources:\n  A:\n    Type: ", "\n", "a resource type of" },
    { "terraform", "{\"format_version\":\"1.2\",\"resource_changes\":[{\"address\":\"a.b\","
      "\"type\":\"", "\",\"change\":{\"actions\":[\"create\"],\"after\":{}}}]}",
      "a resource type of" },
    { "pulumi", "{\"steps\":[{\"op\":\"create\",\"urn\":\"urn:pulumi:d::p::aws:s3/bucket:Bucket::b\","
      "\"newState\":{\"type\":\"", "\",\"inputs\":{}}}]}", "a resource type of" },
    { "change-set", "{\"Changes\":[{\"Type\":\"Resource\",\"ResourceChange\":{\"Action\":\"Add\","
      "\"LogicalResourceId\":\"A\",\"ResourceType\":\"", "\"}}]}", "a resource type of" },
    { "hook-input", "{\"AWS::S3::", "\":{\"resourceProperties\":{}}}", "a resource type of" },
    { "previous", "{\"Resources\":{\"Gone\":{\"Type\":\"", "\"}}}", "a resource type of" },
    { "hooks", "{\"plugin\":\"ct-s3-pr-1.so\",\"typeNameAlias\":\"", "\"}",
      "larger than the quota" },
    { "config", "# ", "\n", "too large" },
    { "registry-config", "{\"CloudFormationConfiguration\":{\"HookConfiguration\":{"
      "\"TargetStacks\":\"ALL\",\"Properties\":{\"p\":\"", "\"}}}}", "large" },
    { "plugin", "", "", "no ELF header" },
    /* Valid: a huge property value is data for the hooks to judge, not an error. */
    { "template", "{\"Resources\":{\"A\":{\"Type\":\"AWS::S3::Bucket\",\"Properties\":{"
      "\"BucketName\":\"", "\"}}}}", NULL },
};

static void test_big_string(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < N_ITEMS(big_cases); i++) {
        const struct big_case *c = &big_cases[i];
        const struct kind *k = kind_named(c->kind);
        char path[PATH_MAX], name[64];

        assert_non_null(k);
        snprintf(name, sizeof(name), "big-%zu%s", i,
                 strcmp(c->kind, "template-yaml") == 0 ? ".yaml"
                 : strcmp(c->kind, "plugin") == 0     ? ".so"
                                                      : ".json");
        k->place(k, name, path);
        write_repeated(path, c->prefix, 'x', W.big, c->suffix);
        k->feed(k, path, c->why, c->why != NULL ? 2 : -1);
        unlink(path);
    }
    finish("a 100 MB string");
}

/* ---------------------------------------------------------------- quotas */

static void test_quotas(void **state)
{
    const struct kind *hooks = kind_named("hooks"), *config = kind_named("config");
    const struct kind *regcfg = kind_named("registry-config");
    const char *prefix = "{\"plugin\":\"ct-s3-pr-1.so\"," HOOK_ON ",\"typeNameAlias\":\"";
    char path[PATH_MAX], conf[PATH_MAX];

    (void)state;
    /* One byte over CloudFormation's 307,200 bytes per hook configuration. */
    hooks->place(hooks, "over-quota.json", path);
    write_repeated(path, "{\"plugin\":\"ct-s3-pr-1.so\",\"priority\":1", ' ',
                   307201 - strlen("{\"plugin\":\"ct-s3-pr-1.so\",\"priority\":1}"), "}");
    hooks->feed(hooks, path, "larger than the quota of 307200 bytes", 2);
    /* ... and over an organisation's own, lower quota. */
    join(conf, W.dir, "low-quota.conf");
    write_text(conf, "max-configuration-bytes = 64\n");
    hooks->place(hooks, "over-own-quota.json", path);
    write_repeated(path, prefix, 'A', 8, "\"}");
    {
        const char *args[] = { "eval", "--config", conf, "--hooks-dir", W.case_hooks,
                               "--plugin-dir", "@PLUGINS", "@OK", NULL };

        expect_run("hooks (own quota)", args, NULL, 2, path, "larger than the quota of 64 bytes");
    }
    regcfg->place(regcfg, "over-quota.json", path);
    write_repeated(path, "{\"CloudFormationConfiguration\":{\"HookConfiguration\":{"
                   "\"TargetStacks\":\"ALL\"}},\"pad\":\"", 'p', 307200, "\"}");
    regcfg->feed(regcfg, path, "larger than the quota of 307200 bytes", 2);
    /* hookhost.conf itself is at most 64 KiB. */
    config->place(config, "over-quota.conf", path);
    write_repeated(path, "#", '#', 65536, "\n");
    config->feed(config, path, "too large", 2);
    finish("configurations over their quota");
}

/* ---------------------------------------------------------------- plugins */

struct bad_plugin {
    const char *file;   /* in $HOOKHOST_TEST_BAD_PLUGIN_DIR */
    const char *why;
};

static const struct bad_plugin bad_plugins[] = {
    { "abi-major2.so", "built for plugin ABI major 2" },
    { "no-entry.so", "no entry function hookhost_plugin_entry" },
    { "entry-refuses.so", "does not support the host's plugin ABI" },
    { "null-descriptor.so", "entry function returned no descriptor" },
    { "short-descriptor.so", "smaller than ABI 1.0's" },
    { "bad-type-name.so", "does not match Org::Service::Name" },
    { "reserved-namespace.so", "uses the reserved namespace AWS" },
    { "no-handlers.so", "handlers required" },
    { "bad-schema.so", "configuration schema" },
    { "bad-schema-keyword.so", "unknown keyword" },
};

static void test_bad_plugins(void **state)
{
    const struct kind *k = kind_named("plugin");
    size_t i;

    (void)state;
    for (i = 0; i < N_ITEMS(bad_plugins); i++) {
        char path[PATH_MAX];

        k->place(k, bad_plugins[i].file, path);
        copy_file(hh_test_path("HOOKHOST_TEST_BAD_PLUGIN_DIR", bad_plugins[i].file), path, 0755);
        k->feed(k, path, bad_plugins[i].why, 2);
    }
    finish("plugins that are not hookhost plugins of this ABI");
}

/* Files others can write, directories others can write, links out, programs. */
static void test_untrusted_plugins(void **state)
{
    const struct kind *k = kind_named("plugin");
    const char *noop = hh_test_path("HOOKHOST_TEST_PLUGIN_DIR", "noop.so");
    char path[PATH_MAX], dir[PATH_MAX], hook[PATH_MAX];

    (void)state;
    k->place(k, "world-writable.so", path);
    copy_file(noop, path, 0666);
    k->feed(k, path, "writable by group or others", 2);
    k->place(k, "group-writable.so", path);
    copy_file(noop, path, 0664);
    k->feed(k, path, "writable by group or others", 2);
    /* A directory others can write, inside the plugin directory. */
    join(dir, W.plugins, "open");
    mkdir(dir, 0777);
    assert_int_equal(chmod(dir, 0777), 0);
    join(path, dir, "noop.so");
    copy_file(noop, path, 0755);
    k->feed(k, path, "writable by group or others", 2);
    /* A program is an ELF file but no library. */
    k->place(k, "program.so", path);
    copy_file(hh_test_env("HOOKHOST_BIN"), path, 0755);
    k->feed(k, path, "not a loadable library", 2);
    /* A symbolic link out of the plugin directory (registering follows it: a copy is made). */
    k->place(k, "link-out.so", path);
    assert_int_equal(symlink(noop, path), 0);
    join(hook, W.plugin_hooks, "hook.json");
    write_text(hook, "{\"plugin\":\"link-out.so\"," HOOK_ON "}");
    {
        const char *args[] = { "eval", "--hooks-dir", W.plugin_hooks, "--plugin-dir", W.plugins,
                               "@OK", NULL };

        expect_run("plugin (link out)", args, NULL, 2, "link-out.so",
                   "outside the plugin directory");
    }
    /* A plugin directory others can write. */
    assert_int_equal(chmod(W.plugins, 0777), 0);
    k->place(k, "in-open-dir.so", path);
    copy_file(noop, path, 0755);
    k->feed(k, path, "writable by group or others", 2);
    assert_int_equal(chmod(W.plugins, 0755), 0);
    finish("untrusted plugin files");
}

/* ------------------------------------------------------- the command line */

struct arg_case {
    const char *args[MAX_ARGS];
    const char *name;   /* what the line must name */
    const char *why;
};

static const struct arg_case arg_cases[] = {
    { { "eval", "--jobs", "0", "@OK" }, "--jobs", "a number from 1 to 256" },
    { { "eval", "--jobs", "99999999999", "@OK" }, "--jobs", "a number from 1 to 256" },
    { { "eval", "--jobs", "-1", "@OK" }, "--jobs", "a number from 1 to 256" },
    { { "eval", "--jobs", "4x", "@OK" }, "--jobs", "a number from 1 to 256" },
    { { "eval", "--jobs=", "@OK" }, "--jobs", "empty value" },
    { { "eval", "-j", "", "@OK" }, "--jobs", "empty value" },
    { { "eval", "--jobs", "@LONG", "@OK" }, "--jobs", "longer than the limit" },
    { { "eval", "--format", "", "@OK" }, "--format", "empty value" },
    { { "eval", "--format", "xml", "@OK" }, "xml", "unknown format" },
    { { "eval", "--input-format", "", "@OK" }, "--input-format", "empty value" },
    { { "eval", "--input-format", "cloudformation", "@OK" }, "cloudformation",
      "unknown input format" },
    { { "eval", "--action", "EXPLODE", "@OK" }, "EXPLODE", "unknown action" },
    { { "eval", "--hooks-dir", "", "@OK" }, "--hooks-dir", "empty value" },
    { { "eval", "--plugin-dir", "", "@OK" }, "--plugin-dir", "empty value" },
    { { "eval", "--config", "", "@OK" }, "--config", "empty value" },
    { { "eval", "--registry", "", "@OK" }, "--registry", "empty value" },
    { { "eval", "--account", "", "@OK" }, "--account", "empty value" },
    { { "eval", "--output", "", "@OK" }, "--output", "empty value" },
    { { "eval", "--previous", "", "@OK" }, "--previous", "empty value" },
    { { "eval", "--stack-name", "", "@OK" }, "--stack-name", "empty value" },
    { { "eval", "--stack-role", "", "@OK" }, "--stack-role", "empty value" },
    { { "eval", "" }, "argument 1", "empty string" },
    { { "eval", "--hooks-dir", "@HOOKS", "--plugin-dir", "@PLUGINS", "@OK", "" }, "argument 2",
      "empty string" },
    { { "eval", "--hooks-dir", "@LONG", "@OK" }, "--hooks-dir", "longer than the limit" },
    { { "eval", "--plugin-dir", "@LONG", "@OK" }, "--plugin-dir", "longer than the limit" },
    { { "eval", "--config", "@LONG", "@OK" }, "--config", "longer than the limit" },
    { { "eval", "--registry", "@LONG", "@OK" }, "--registry", "longer than the limit" },
    { { "eval", "--account", "@LONG", "@OK" }, "--account", "longer than the limit" },
    { { "eval", "--output", "@LONG", "@OK" }, "--output", "longer than the limit" },
    { { "eval", "--previous", "@LONG", "@OK" }, "--previous", "longer than the limit" },
    { { "eval", "--stack-name", "@LONG", "@OK" }, "--stack-name", "longer than the limit" },
    { { "eval", "--stack-role", "@LONG", "@OK" }, "--stack-role", "longer than the limit" },
    { { "eval", "--format", "@LONG", "@OK" }, "--format", "longer than the limit" },
    { { "eval", "--input-format", "@LONG", "@OK" }, "--input-format", "longer than the limit" },
    { { "eval", "--action", "@LONG", "@OK" }, "--action", "longer than the limit" },
    { { "eval", "--hooks-dir", "@HOOKS", "--plugin-dir", "@PLUGINS", "@LONG" }, "aaaaaaaaaa",
      "File name too long" },
    { { "eval", "--bogus", "@OK" }, "--bogus", "unknown option" },
    { { "eval", "-Z", "@OK" }, "-Z", "unknown option" },
    { { "eval", "--@LONG", "@OK" }, "aaaaaaaaaa", "unknown option" },
    { { "eval", "@OK", "--hooks-dir" }, "--hooks-dir", "needs a value" },
    { { "eval", "--hooks-dir", "@HOOKS" }, "eval", "no input file" },
    { { "eval", "--previous", "@OK", "@OK", "@OK" }, "--previous", "not 2 files" },
    { { "eval", "--hooks-dir", "@OK", "@OK" }, "hooks directory", "Not a directory" },
    { { "@LONG" }, "aaaaaaaaaa", "unknown command" },
    { { "" }, "''", "unknown command" },
    { { "--bogus" }, "--bogus", "unknown command" },
    { { "registry", "--registry", "@REG", "--priority", "99999999999", "activate", S3_TYPE },
      "--priority", "a whole number from -1000 to 1000" },
    { { "registry", "--registry", "@REG", "--priority", "1e3", "activate", S3_TYPE },
      "--priority", "a whole number" },
    { { "registry", "--registry", "@REG", "--priority", "", "activate", S3_TYPE },
      "--priority", "empty value" },
    { { "registry", "--registry", "", "list" }, "--registry", "empty value" },
    { { "registry", "--registry", "relative/dir", "list" }, "relative/dir",
      "must be an absolute path" },
    { { "registry", "--registry", "@LONG", "list" }, "--registry", "longer than the limit" },
    { { "registry", "--registry", "@OK", "list" }, "ok.json", "not a directory" },
    { { "registry", "--registry", "@REG", "--account", "", "list" }, "--account", "empty value" },
    { { "registry", "--registry", "@REG", "--account", "../../etc", "list" }, "../../etc",
      "account" },
    { { "registry", "--registry", "@REG", "--account", "@LONG", "list" }, "--account",
      "longer than the limit" },
    { { "registry", "--registry", "@REG", "--alias", "@LONG", "activate", S3_TYPE }, "--alias",
      "longer than the limit" },
    { { "registry", "--registry", "@REG", "--alias", "not a name", "activate", S3_TYPE },
      "not a name", "Org::Service::Name" },
    { { "registry", "--registry", "@REG", "--format", "yaml", "list" }, "yaml",
      "unknown format" },
    { { "registry", "--registry", "@REG", "explode" }, "explode", "unknown verb" },
    { { "registry", "--registry", "@REG", "@LONG" }, "aaaaaaaaaa", "unknown verb" },
    { { "registry", "--registry", "@REG" }, "registry", "no verb" },
    { { "registry", "--registry", "@REG", "" }, "argument 1", "empty string" },
    { { "registry", "--registry", "@REG", "register", "" }, "argument 2", "empty string" },
    { { "registry", "--registry", "@REG", "register" }, "register", "expected 1" },
    { { "registry", "--registry", "@REG", "list", "extra" }, "list", "expected 0" },
    { { "registry", "--registry", "@REG", "register", "@LONG" }, "aaaaaaaaaa",
      "File name too long" },
    { { "registry", "--registry", "@REG", "describe", "@LONG" }, "aaaaaaaaaa",
      "neither a registered type nor an activation" },
    { { "registry", "--registry", "@REG", "set-configuration", "@LONG", "@OK" }, "aaaaaaaaaa",
      "is not activated" },
    { { "registry", "--registry", "@REG", "set-default-version", S3_TYPE, "@LONG" },
      "aaaaaaaaaa", "has no version" },
    { { "registry", "--registry", "@REG", "deregister", S3_TYPE, "99999999999" },
      "99999999999", "has no version" },
    { { "registry", "--registry", "@REG", "--bogus", "list" }, "--bogus", "unknown option" },
    { { "registry", "--registry", "@REG", "import", "@OK" }, "ok.json", "Not a directory" },
};

static void test_arguments(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < N_ITEMS(arg_cases); i++) {
        const struct arg_case *c = &arg_cases[i];
        char label[64];

        snprintf(label, sizeof(label), "arguments %zu", i);
        expect_run(label, c->args, NULL, 2, c->name, c->why);
    }
    finish("absurd arguments");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_corpus),
        cmocka_unit_test(test_not_a_file),
        cmocka_unit_test(test_deep_nesting),
        cmocka_unit_test(test_big_string),
        cmocka_unit_test(test_quotas),
        cmocka_unit_test(test_bad_plugins),
        cmocka_unit_test(test_untrusted_plugins),
        cmocka_unit_test(test_arguments),
    };

    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
