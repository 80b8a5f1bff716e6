#include "config.h"

/*
 * A Pulumi preview in JSON (`pulumi preview --json`): each steps[] item, by
 * its op:
 *
 *   create, create-replacement, import, import-replacement   CREATE
 *   update                                                   UPDATE
 *   delete, delete-replaced                                  DELETE
 *   replace               CREATE of newState then DELETE of oldState, in
 *                         Pulumi's default order (create before delete),
 *                         unless the preview also has the replacement's own
 *                         steps (--show-replacement-steps: create-replacement
 *                         and delete-replaced of the same URN), which then
 *                         stand for it: a replacement is never invoked twice
 *   same, read, refresh, read-replacement, discard, discard-replaced,
 *   remove-pending-replace                                   not invoked
 *
 * logical_id is the URN, target_type the type (aws:s3/bucket:Bucket, from
 * the state, else from the URN), properties newState.inputs, previous
 * oldState.inputs, outputs newState.outputs, previous_outputs
 * oldState.outputs (creates have no previous, deletes no new), physical_id
 * the state's id, stack_name the stack the URN names.
 *
 * Secrets: values under Pulumi's secret signature
 * {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
 * "value"|"plaintext": ...} reach hooks unchanged, and each scalar among
 * them goes into the operation's sensitive list, which reports never
 * print.  "[secret]" is a value Pulumi already masked: nothing to hide.
 */

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <hookhost/plugin.h>

#include "input.h"
#include "inputs.h"

#define FORMAT "pulumi-preview"
#define SECRET_SIG "4dabf18193072939515e22adb298388d"
#define SECRET_VALUE "1b47061264138c4ac30d75fd1eb44270"
#define URN_PREFIX "urn:pulumi:"

/* Replacement steps seen for a URN. */
#define HAS_CREATE_REPLACEMENT 1
#define HAS_DELETE_REPLACED 2

struct pl_step {
    size_t index;
    json_object *step;
    const char *op_name;
    json_object *old_state, *new_state;
    json_object *old_inputs, *new_inputs, *old_outputs, *new_outputs;
    struct hhi_operation op; /* what the operations share */
};

#if defined(__GNUC__)
__attribute__((format(printf, 5, 6)))
#endif
static int bad(const struct hhi_input_doc *in, size_t i, const char *member,
               struct hhi_error *err, const char *fmt, ...)
{
    char why[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    return hhi_error_set(err, HHI_EINPUT, "%s: steps[%zu]%s: %s", in->source, i, member, why);
}

static bool is(const char *s, const char *what)
{
    return s != NULL && strcmp(s, what) == 0;
}

/* ---------------------------------------------------------------- the URN */

/* The stack of a URN (urn:pulumi:STACK::PROJECT::TYPE::NAME) in *out (kept
 * by cs; *last is the previous one, shared), NULL when it names none. */
static int urn_stack(struct hhi_change_set *cs, const char *urn, const char **last,
                     const char **out, struct hhi_error *err)
{
    const char *start = urn + strlen(URN_PREFIX), *end;

    *out = NULL;
    if (strncmp(urn, URN_PREFIX, strlen(URN_PREFIX)) != 0 ||
        (end = strstr(start, "::")) == NULL || end == start)
        return HHI_OK;
    if (*last == NULL || strlen(*last) != (size_t)(end - start) ||
        strncmp(*last, start, (size_t)(end - start)) != 0)
        *last = hhi_change_set_strndup(cs, start, (size_t)(end - start), err);
    *out = *last;
    return *out != NULL ? HHI_OK : HHI_ENOMEM;
}

/* The type of a URN in *out: its qualified type's last part (parent$type). */
static int urn_type(struct hhi_change_set *cs, const char *urn, const char **out,
                    struct hhi_error *err)
{
    const char *p = strncmp(urn, URN_PREFIX, strlen(URN_PREFIX)) == 0 ? urn : NULL;
    const char *start, *end, *dollar;
    int i;

    *out = NULL;
    for (i = 0; p != NULL && i < 2; i++) {
        p = strstr(p + (i == 0 ? strlen(URN_PREFIX) : 0), "::");
        p = p != NULL ? p + 2 : NULL;
    }
    if (p == NULL || (end = strstr(p, "::")) == NULL)
        return HHI_OK;
    start = p;
    while ((dollar = memchr(start, '$', (size_t)(end - start))) != NULL)
        start = dollar + 1;
    if (end == start)
        return HHI_OK;
    *out = hhi_change_set_strndup(cs, start, (size_t)(end - start), err);
    return *out != NULL ? HHI_OK : HHI_ENOMEM;
}

/* ---------------------------------------------------------------- secrets */

static bool is_secret(json_object *obj)
{
    const char *sig = hhi_input_str(obj, SECRET_SIG);

    return sig != NULL && strcmp(sig, SECRET_VALUE) == 0;
}

/* A secret's plaintext: JSON text of the value (or, failing that, the value). */
static int secret_plaintext(struct hhi_secrets *s, json_object *text, struct hhi_error *err)
{
    struct hhi_error ignored = { HHI_OK, "" };
    json_object *value = NULL;
    int rc;

    if (!json_object_is_type(text, json_type_string))
        return hhi_secrets_add_value(s, text, err);
    if (hhi_json_parse("plaintext", json_object_get_string(text),
                       (size_t)json_object_get_string_len(text), &value, &ignored) != HHI_OK)
        return hhi_secrets_add_value(s, text, err);
    rc = hhi_secrets_add_value(s, value, err);
    json_object_put(value);
    return rc;
}

static int collect_secrets(struct hhi_secrets *s, json_object *v, struct hhi_error *err)
{
    json_object *inner = NULL;
    int rc = HHI_OK;
    size_t i;

    if (json_object_is_type(v, json_type_array)) {
        for (i = 0; rc == HHI_OK && i < json_object_array_length(v); i++)
            rc = collect_secrets(s, json_object_array_get_idx(v, i), err);
        return rc;
    }
    if (!json_object_is_type(v, json_type_object))
        return HHI_OK;
    if (is_secret(v)) {
        if (json_object_object_get_ex(v, "value", &inner))
            rc = hhi_secrets_add_value(s, inner, err);
        if (rc == HHI_OK && json_object_object_get_ex(v, "plaintext", &inner))
            rc = secret_plaintext(s, inner, err);
        return rc;
    }
    json_object_object_foreach(v, k, child) {
        (void)k;
        rc = collect_secrets(s, child, err);
        if (rc != HHI_OK)
            return rc;
    }
    return HHI_OK;
}

static int step_secrets(struct hhi_change_set *cs, struct pl_step *st, struct hhi_error *err)
{
    json_object *parts[4] = { st->new_inputs, st->new_outputs, st->old_inputs, st->old_outputs };
    struct hhi_secrets s;
    int rc = HHI_OK;
    size_t i;

    hhi_secrets_init(&s);
    for (i = 0; rc == HHI_OK && i < 4; i++)
        rc = collect_secrets(&s, parts[i], err);
    if (rc != HHI_OK) {
        hhi_secrets_release(&s);
        return rc;
    }
    return hhi_secrets_finish(&s, cs, &st->op.sensitive, err);
}

/* ------------------------------------------------------------ operations */

static int add_op(struct hhi_change_set *cs, const struct pl_step *st, int32_t action,
                  struct hhi_error *err)
{
    struct hhi_operation op = st->op;
    bool creates = action == HH_ACTION_CREATE, deletes = action == HH_ACTION_DELETE;
    const char *new_id = hhi_input_str(st->new_state, "id");
    const char *old_id = hhi_input_str(st->old_state, "id");

    op.action = action;
    op.properties = deletes ? NULL : st->new_inputs;
    op.outputs = deletes ? NULL : st->new_outputs;
    op.previous = creates ? NULL : st->old_inputs;
    op.previous_outputs = creates ? NULL : st->old_outputs;
    op.physical_id = creates ? new_id : deletes ? old_id : new_id != NULL ? new_id : old_id;
    return hhi_change_set_add(cs, &op, err);
}

static bool not_invoked(const char *op)
{
    static const char *const ops[] = { "same", "read", "refresh", "read-replacement", "discard",
                                       "discard-replaced", "remove-pending-replace", NULL };
    size_t i;

    for (i = 0; ops[i] != NULL; i++) {
        if (strcmp(op, ops[i]) == 0)
            return true;
    }
    return false;
}

static int replace_ops(struct hhi_change_set *cs, const struct pl_step *st, json_object *seen,
                       struct hhi_error *err)
{
    json_object *bits = NULL;
    int32_t have = 0;
    int rc = HHI_OK;

    if (json_object_object_get_ex(seen, st->op.logical_id, &bits))
        have = json_object_get_int(bits);
    if (!(have & HAS_CREATE_REPLACEMENT))
        rc = add_op(cs, st, HH_ACTION_CREATE, err);
    if (rc == HHI_OK && !(have & HAS_DELETE_REPLACED))
        rc = add_op(cs, st, HH_ACTION_DELETE, err);
    return rc;
}

static int step_ops(struct hhi_change_set *cs, const struct hhi_input_doc *in,
                    const struct pl_step *st, json_object *seen, struct hhi_error *err)
{
    const char *op = st->op_name;

    if (is(op, "create") || is(op, "create-replacement") || is(op, "import") ||
        is(op, "import-replacement"))
        return add_op(cs, st, HH_ACTION_CREATE, err);
    if (is(op, "update"))
        return add_op(cs, st, HH_ACTION_UPDATE, err);
    if (is(op, "delete") || is(op, "delete-replaced"))
        return add_op(cs, st, HH_ACTION_DELETE, err);
    if (is(op, "replace"))
        return replace_ops(cs, st, seen, err);
    return bad(in, st->index, ".op", err, "unknown op '%.64s'", op);
}

/* ------------------------------------------------------------ reading */

static int object_member(const struct hhi_input_doc *in, size_t i, json_object *obj,
                         const char *state, const char *name, json_object **out,
                         struct hhi_error *err)
{
    char member[64];

    *out = NULL;
    if (obj == NULL || !json_object_object_get_ex(obj, name, out) || *out == NULL ||
        json_object_is_type(*out, json_type_object))
        return HHI_OK;
    snprintf(member, sizeof(member), "%s%s%s", state, name[0] ? "." : "", name);
    return bad(in, i, member, err, "must be an object");
}

static int read_states(const struct hhi_input_doc *in, struct pl_step *st,
                       struct hhi_error *err)
{
    int rc = object_member(in, st->index, st->step, "", "oldState", &st->old_state, err);

    if (rc == HHI_OK)
        rc = object_member(in, st->index, st->step, "", "newState", &st->new_state, err);
    if (rc == HHI_OK)
        rc = object_member(in, st->index, st->old_state, ".oldState", "inputs",
                           &st->old_inputs, err);
    if (rc == HHI_OK)
        rc = object_member(in, st->index, st->old_state, ".oldState", "outputs",
                           &st->old_outputs, err);
    if (rc == HHI_OK)
        rc = object_member(in, st->index, st->new_state, ".newState", "inputs",
                           &st->new_inputs, err);
    if (rc == HHI_OK)
        rc = object_member(in, st->index, st->new_state, ".newState", "outputs",
                           &st->new_outputs, err);
    return rc;
}

static int read_step(struct hhi_change_set *cs, const struct hhi_input_doc *in,
                     struct pl_step *st, const char **last_stack, struct hhi_error *err)
{
    const char *tokens[2];
    char index[32];
    int rc = read_states(in, st, err);

    if (rc != HHI_OK)
        return rc;
    st->op.target_type = hhi_input_str(st->new_state, "type");
    if (st->op.target_type == NULL)
        st->op.target_type = hhi_input_str(st->old_state, "type");
    if (st->op.target_type == NULL)
        st->op.target_type = hhi_input_str(st->step, "type");
    if (st->op.target_type == NULL) {
        rc = urn_type(cs, st->op.logical_id, &st->op.target_type, err);
        if (rc == HHI_OK && st->op.target_type == NULL)
            rc = bad(in, st->index, ".urn", err, "no type in the step's states or its URN");
    }
    if (rc == HHI_OK)
        rc = urn_stack(cs, st->op.logical_id, last_stack, &st->op.stack_name, err);
    if (rc == HHI_OK)
        rc = step_secrets(cs, st, err);
    if (rc != HHI_OK)
        return rc;
    snprintf(index, sizeof(index), "%zu", st->index);
    tokens[0] = "steps";
    tokens[1] = index;
    st->op.input_pointer = hhi_input_pointer(cs, tokens, 2, err);
    return st->op.input_pointer != NULL ? HHI_OK : err->code;
}

/* The step's op and URN, checked; *skip when it is not invoked. */
static int step_head(const struct hhi_input_doc *in, struct pl_step *st, bool *skip,
                     struct hhi_error *err)
{
    *skip = false;
    if (!json_object_is_type(st->step, json_type_object))
        return bad(in, st->index, "", err, "must be an object");
    st->op_name = hhi_input_str(st->step, "op");
    if (st->op_name == NULL)
        return bad(in, st->index, ".op", err, "missing or not a non-empty string");
    st->op.logical_id = hhi_input_str(st->step, "urn");
    if (st->op.logical_id == NULL)
        return bad(in, st->index, ".urn", err, "missing or not a non-empty string");
    *skip = not_invoked(st->op_name);
    return HHI_OK;
}

/* URN -> which replacement steps of it the preview shows. */
static int replacement_steps(json_object *steps, json_object **seen)
{
    size_t i, n = json_object_array_length(steps);

    *seen = json_object_new_object();
    if (*seen == NULL)
        return -1;
    for (i = 0; i < n; i++) {
        json_object *step = json_object_array_get_idx(steps, i), *bits = NULL, *v;
        const char *op = hhi_input_str(step, "op"), *urn = hhi_input_str(step, "urn");
        int32_t add = is(op, "create-replacement") || is(op, "import-replacement")
                          ? HAS_CREATE_REPLACEMENT
                          : is(op, "delete-replaced") ? HAS_DELETE_REPLACED : 0;

        if (add == 0 || urn == NULL)
            continue;
        if (json_object_object_get_ex(*seen, urn, &bits))
            add |= json_object_get_int(bits);
        v = json_object_new_int(add);
        if (v == NULL || json_object_object_add(*seen, urn, v) != 0) {
            json_object_put(v);
            return -1;
        }
    }
    return 0;
}

static int all_steps(struct hhi_change_set *cs, const struct hhi_input_doc *in,
                     json_object *steps, json_object *seen, struct hhi_error *err)
{
    const char *last_stack = NULL;
    size_t i, n = json_object_array_length(steps);
    struct pl_step st;
    bool skip;
    int rc;

    for (i = 0; i < n; i++) {
        memset(&st, 0, sizeof(st));
        st.index = i;
        st.step = json_object_array_get_idx(steps, i);
        st.op.source = in->source;
        st.op.point = HH_POINT_PRE_PROVISION;
        st.op.input = in->doc;
        st.op.input_format = FORMAT;
        st.op.line = hhi_line_map_index(in->lines, "steps", i);
        rc = step_head(in, &st, &skip, err);
        if (rc == HHI_OK && !skip)
            rc = read_step(cs, in, &st, &last_stack, err);
        if (rc == HHI_OK && !skip)
            rc = step_ops(cs, in, &st, seen, err);
        if (rc != HHI_OK)
            return rc;
    }
    return HHI_OK;
}

int hhi_pulumi_add(struct hhi_change_set *cs, const struct hhi_input_doc *in,
                   struct hhi_error *err)
{
    json_object *steps = NULL, *seen = NULL;
    int rc;

    if (!json_object_is_type(in->doc, json_type_object))
        return hhi_error_set(err, HHI_EINPUT,
                             "%s: not a Pulumi preview: the document is not a JSON object",
                             in->source);
    if (!json_object_object_get_ex(in->doc, "steps", &steps) || steps == NULL)
        return HHI_OK; /* a preview without steps: nothing changes */
    if (!json_object_is_type(steps, json_type_array))
        return hhi_error_set(err, HHI_EINPUT, "%s: steps must be an array", in->source);
    if (replacement_steps(steps, &seen) != 0) {
        json_object_put(seen);
        return hhi_error_set(err, HHI_ENOMEM, "out of memory");
    }
    rc = all_steps(cs, in, steps, seen, err);
    json_object_put(seen);
    return rc;
}
