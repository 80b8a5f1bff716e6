/*
 * Which aws_s3_bucket_public_access_block of a Terraform plan (terraform
 * show -json) targets a bucket.
 *
 * At plan time a block's `bucket` is usually unknown (it is the id of a
 * bucket yet to be created), so the plan's configuration section decides:
 * the block's expressions.bucket lists the references of its expression,
 * e.g. ["aws_s3_bucket.b.id", "aws_s3_bucket.b"].  They are followed
 * through input variables (var.x: the module call's argument in the parent
 * module), child module outputs (module.m.out: the output's expression in
 * the child) and for_each (each.value: the block's for_each expression),
 * up to TF_HOPS steps and TF_BUDGET expressions.  A known bucket name (a
 * constant, or the planned value of `bucket`) counts when it equals the
 * bucket's planned name.
 *
 * Instances: a reference with an instance key (aws_s3_bucket.b[0]) names
 * that instance; one without (count.index, each.value) names the bucket
 * instance whose key is the block's own.  References are compared as
 * strings, as Terraform's documentation asks.
 *
 * Cost: one pass over resource_changes (known names), one walk over the
 * configuration in which each block resource is first checked loosely
 * (instance keys ignored), and one more pass over resource_changes per
 * block resource that may target the bucket, for the exact check of its
 * instances: linear in the plan for each bucket.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <hookhost/plugin.h>

#include "s3-block.h"

#define TF_BUCKET_TYPE "aws_s3_bucket"
#define TF_NAME_MAX 256   /* a name, an instance key or a bucket name */
#define TF_ADDR_MAX 512   /* a module instance address */
#define TF_MODULES 16     /* nested module calls of a block followed */
#define TF_HOPS 8         /* var., module. and each. references followed */
#define TF_BUDGET 256     /* expressions visited per block: lists branch */

/* One resource instance, as resource_changes[] gives it. */
struct tf_instance {
    char module[TF_ADDR_MAX]; /* "module.a[0].module.b", "" at the root */
    char type[TF_NAME_MAX];
    char name[TF_NAME_MAX];
    char key[TF_NAME_MAX];    /* "[0]", "[\"x\"]", "" without count or for_each */
};

/* The bucket being judged. */
struct tf_bucket {
    struct tf_instance at;
    char module_plain[TF_ADDR_MAX]; /* at.module without instance keys */
    char bucket[TF_NAME_MAX]; /* the planned bucket name, "" when unknown */
    char id[TF_NAME_MAX];     /* the planned id (the name), "" when unknown */
};

/* A module of the configuration, where references are resolved. */
struct tf_frame {
    char cfg[PU_POINTER_MAX];   /* its module object in /configuration */
    char call[PU_POINTER_MAX];  /* the module call that made it, "" at the root */
    char instance[TF_ADDR_MAX]; /* its instance address, "" at the root */
    const struct tf_frame *parent;
};

/* Following the references of one block. */
struct tf_walk {
    const struct pu_doc *doc;
    const struct tf_bucket *bucket;
    const struct tf_instance *block;
    char resource_cfg[PU_POINTER_MAX]; /* the block's resource in the configuration */
    unsigned budget;                   /* expressions still to visit */
    bool loose;                        /* instance keys ignored (block is NULL) */
};

/* ------------------------------------------------------------ addresses */

/* Length of the name at s: up to '.', '[' or the end. */
static size_t name_length(const char *s)
{
    return strcspn(s, ".[");
}

/* Length of the instance key at s ("[0]", "[\"a.b\"]"), 0 when there is none. */
static size_t key_length(const char *s)
{
    bool quoted = false;
    size_t i;

    if (s[0] != '[')
        return 0;
    for (i = 1; s[i] != '\0'; i++) {
        if (quoted && s[i] == '\\' && s[i + 1] != '\0')
            i++;
        else if (s[i] == '"')
            quoted = !quoted;
        else if (!quoted && s[i] == ']')
            return i + 1;
    }
    return 0;
}

/* Copy n bytes of s into buf (size bytes); false when they do not fit. */
static bool copy_n(char *buf, size_t size, const char *s, size_t n)
{
    if (n >= size)
        return false;
    memcpy(buf, s, n);
    buf[n] = '\0';
    return true;
}

/* Copy address into out without instance keys: module.a[0].module.b -> module.a.module.b */
static bool strip_keys(const char *address, char *out, size_t size)
{
    size_t n = 0;

    while (*address != '\0') {
        size_t kl = key_length(address);

        if (kl > 0) {
            address += kl;
            continue;
        }
        if (n + 1 >= size)
            return false;
        out[n++] = *address++;
    }
    out[n] = '\0';
    return true;
}

static void frame_root(struct tf_frame *f)
{
    snprintf(f->cfg, sizeof(f->cfg), "/configuration/root_module");
    f->call[0] = '\0';
    f->instance[0] = '\0';
    f->parent = NULL;
}

/* The frame of the call name (with instance key, may be "") made in parent. */
static bool frame_child(const struct tf_frame *parent, const char *name, const char *key,
                        struct tf_frame *out)
{
    struct pu_pointer p;
    int n;

    pu_pointer_join(&p, parent->cfg, "module_calls", name, (const char *)NULL);
    if (p.overflow)
        return false;
    snprintf(out->call, sizeof(out->call), "%s", p.text);
    pu_pointer_key(&p, "module");
    if (p.overflow)
        return false;
    snprintf(out->cfg, sizeof(out->cfg), "%s", p.text);
    n = snprintf(out->instance, sizeof(out->instance), "%s%smodule.%s%s", parent->instance,
                 parent->instance[0] != '\0' ? "." : "", name, key);
    out->parent = parent;
    return n > 0 && (size_t)n < sizeof(out->instance);
}

/*
 * The frames from the root down to the module instance address module
 * ("module.a[0].module.b"): frames[0] is the root, frames[*depth] the
 * module itself.
 */
static bool module_frames(const char *module, struct tf_frame *frames, size_t max,
                          size_t *depth)
{
    const char *s = module;
    size_t n = 0;

    frame_root(&frames[0]);
    while (*s != '\0') {
        char name[TF_NAME_MAX], key[TF_NAME_MAX];
        size_t nl, kl;

        if (strncmp(s, "module.", 7) != 0 || n + 1 >= max)
            return false;
        s += 7;
        nl = name_length(s);
        kl = key_length(s + nl);
        if (nl == 0 || !copy_n(name, sizeof(name), s, nl) ||
            !copy_n(key, sizeof(key), s + nl, kl) ||
            !frame_child(&frames[n], name, key, &frames[n + 1]))
            return false;
        n++;
        s += nl + kl;
        if (*s == '.')
            s++;
        else if (*s != '\0')
            return false;
    }
    *depth = n;
    return true;
}

/* ------------------------------------------------------------ instances */

/* Read the instance of resource_changes[] entry rc; false when malformed. */
static bool read_instance(const struct pu_doc *doc, const char *rc, struct tf_instance *out)
{
    char address[TF_ADDR_MAX + 2 * TF_NAME_MAX], prefix[sizeof(address)];
    struct pu_pointer p;
    size_t len;

    pu_pointer_join(&p, rc, "module_address", (const char *)NULL);
    pu_get_string(doc, p.text, false, out->module, sizeof(out->module));
    pu_pointer_join(&p, rc, "type", (const char *)NULL);
    if (!pu_get_string(doc, p.text, false, out->type, sizeof(out->type)))
        return false;
    pu_pointer_join(&p, rc, "name", (const char *)NULL);
    if (!pu_get_string(doc, p.text, false, out->name, sizeof(out->name)))
        return false;
    pu_pointer_join(&p, rc, "address", (const char *)NULL);
    if (!pu_get_string(doc, p.text, false, address, sizeof(address)))
        return false;
    /*
     * address = [module_address "."] type "." name [key] (some older plans
     * leave the module path out); data sources do not fit.
     */
    snprintf(prefix, sizeof(prefix), "%s%s%s.%s", out->module, out->module[0] ? "." : "",
             out->type, out->name);
    len = strlen(prefix);
    if (strncmp(address, prefix, len) != 0 && out->module[0] != '\0') {
        snprintf(prefix, sizeof(prefix), "%s.%s", out->type, out->name);
        len = strlen(prefix);
    }
    if (strncmp(address, prefix, len) != 0 ||
        key_length(address + len) != strlen(address + len))
        return false;
    return copy_n(out->key, sizeof(out->key), address + len, strlen(address + len));
}

static bool read_bucket(const struct pu_doc *doc, const char *rc, struct tf_bucket *b)
{
    struct pu_pointer p;

    if (!read_instance(doc, rc, &b->at) || strcmp(b->at.type, TF_BUCKET_TYPE) != 0 ||
        !strip_keys(b->at.module, b->module_plain, sizeof(b->module_plain)))
        return false;
    pu_pointer_join(&p, rc, "change", "after", "bucket", (const char *)NULL);
    pu_get_string(doc, p.text, true, b->bucket, sizeof(b->bucket));
    pu_pointer_join(&p, rc, "change", "after", "id", (const char *)NULL);
    pu_get_string(doc, p.text, true, b->id, sizeof(b->id));
    return true;
}

/* Is the known bucket name the bucket's?  (S3 names are global.) */
static bool names_bucket(const struct tf_bucket *b, const char *name)
{
    return name[0] != '\0' &&
           ((b->bucket[0] != '\0' && strcmp(name, b->bucket) == 0) ||
            (b->id[0] != '\0' && strcmp(name, b->id) == 0));
}

/* ----------------------------------------------------------- references */

static bool expression_targets(struct tf_walk *w, const struct tf_frame *f,
                               const char *expr, int hops, bool own);

/* Does the reference list at refs name an instance of bucket resource name? */
static bool has_keyed_ref(const struct pu_doc *doc, const char *refs, const char *name)
{
    char prefix[TF_NAME_MAX + 32];
    struct hh_value item;
    size_t i, len;

    len = (size_t)snprintf(prefix, sizeof(prefix), TF_BUCKET_TYPE ".%s[", name);
    for (i = 0; pu_member(doc, refs, i, NULL, &item) == HH_OK; i++) {
        if (item.type == HH_VALUE_STRING && strncmp(item.string, prefix, len) == 0)
            return true;
    }
    return false;
}

/* Is aws_s3_bucket.<name><key>, seen from module f, the bucket? */
static bool bucket_matches(struct tf_walk *w, const struct tf_frame *f,
                           const char *name, const char *key, bool own)
{
    const struct tf_instance *b = &w->bucket->at;

    if (w->loose)
        return strcmp(f->instance, w->bucket->module_plain) == 0 && strcmp(name, b->name) == 0;
    if (strcmp(f->instance, b->module) != 0 || strcmp(name, b->name) != 0)
        return false;
    if (key[0] != '\0')
        return strcmp(key, b->key) == 0;
    if (b->key[0] == '\0')
        return true;
    /* aws_s3_bucket.b[count.index], each.value: the instance with the block's key. */
    return own && strcmp(w->block->key, b->key) == 0;
}

/* A reference to aws_s3_bucket (rest: what follows "aws_s3_bucket."). */
static bool bucket_ref_targets(struct tf_walk *w, const struct tf_frame *f,
                               const char *refs, const char *rest, bool own)
{
    char name[TF_NAME_MAX], key[TF_NAME_MAX];
    size_t nl = name_length(rest), kl = key_length(rest + nl);

    if (nl == 0 || !copy_n(name, sizeof(name), rest, nl) ||
        !copy_n(key, sizeof(key), rest + nl, kl))
        return false;
    /* Terraform lists aws_s3_bucket.b[0] and aws_s3_bucket.b: the key decides. */
    if (kl == 0 && has_keyed_ref(w->doc, refs, name))
        return false;
    return bucket_matches(w, f, name, key, own);
}

/* var.<rest>: the argument of the module call, in the parent module. */
static bool var_ref_targets(struct tf_walk *w, const struct tf_frame *f,
                            const char *rest, int hops)
{
    char name[TF_NAME_MAX];
    struct pu_pointer p;
    size_t nl = name_length(rest);

    if (f->parent == NULL || nl == 0 || !copy_n(name, sizeof(name), rest, nl))
        return false;
    pu_pointer_join(&p, f->call, "expressions", name, (const char *)NULL);
    return !p.overflow && expression_targets(w, f->parent, p.text, hops + 1, false);
}

/* module.<rest>, i.e. module.NAME[KEY].OUTPUT: the output, in the child module. */
static bool module_ref_targets(struct tf_walk *w, const struct tf_frame *f,
                               const char *rest, int hops)
{
    char name[TF_NAME_MAX], key[TF_NAME_MAX], output[TF_NAME_MAX];
    size_t nl = name_length(rest), kl = key_length(rest + nl), ol;
    struct tf_frame child;
    struct pu_pointer p;

    if (nl == 0 || rest[nl + kl] != '.' || !copy_n(name, sizeof(name), rest, nl) ||
        !copy_n(key, sizeof(key), rest + nl, kl))
        return false;
    rest += nl + kl + 1;
    ol = name_length(rest);
    if (ol == 0 || !copy_n(output, sizeof(output), rest, ol) ||
        !frame_child(f, name, w->loose ? "" : key, &child))
        return false;
    pu_pointer_join(&p, child.cfg, "outputs", output, "expression", (const char *)NULL);
    return !p.overflow && expression_targets(w, &child, p.text, hops + 1, false);
}

static bool ref_targets(struct tf_walk *w, const struct tf_frame *f, const char *refs,
                        const char *ref, int hops, bool own)
{
    static const char bucket_prefix[] = TF_BUCKET_TYPE ".";

    if (strncmp(ref, bucket_prefix, sizeof(bucket_prefix) - 1) == 0)
        return bucket_ref_targets(w, f, refs, ref + sizeof(bucket_prefix) - 1, own);
    if (strncmp(ref, "var.", 4) == 0)
        return var_ref_targets(w, f, ref + 4, hops);
    if (strncmp(ref, "module.", 7) == 0)
        return module_ref_targets(w, f, ref + 7, hops);
    if (own && strncmp(ref, "each.", 5) == 0) {
        struct pu_pointer p;

        pu_pointer_join(&p, w->resource_cfg, "for_each_expression", (const char *)NULL);
        return !p.overflow && expression_targets(w, f, p.text, hops + 1, true);
    }
    return false;
}

/*
 * Does the expression object at expr ({"constant_value": ...} or
 * {"references": [...]}), seen from module f, designate the bucket?
 */
static bool expression_targets(struct tf_walk *w, const struct tf_frame *f,
                               const char *expr, int hops, bool own)
{
    char constant[TF_NAME_MAX];
    struct pu_pointer p;
    struct hh_value item;
    size_t i;

    if (hops > TF_HOPS || w->budget == 0)
        return false;
    w->budget--;
    pu_pointer_join(&p, expr, "references", (const char *)NULL);
    for (i = 0; pu_member(w->doc, p.text, i, NULL, &item) == HH_OK; i++) {
        char ref[TF_ADDR_MAX];

        if (item.type != HH_VALUE_STRING || !copy_n(ref, sizeof(ref), item.string, item.length))
            continue;
        if (ref_targets(w, f, p.text, ref, hops, own))
            return true;
    }
    /* An expression has references or a constant value, not both. */
    if (i > 0)
        return false;
    pu_pointer_join(&p, expr, "constant_value", (const char *)NULL);
    return pu_get_string(w->doc, p.text, true, constant, sizeof(constant)) &&
           names_bucket(w->bucket, constant);
}

/* ----------------------------------------------------------- the search */

/* The full address of an instance, for messages (cut with "..." if long). */
static void instance_label(const struct tf_instance *r, char *out, size_t size)
{
    struct pu_buf b;

    pu_buf_init(&b, out, size);
    if (r->module[0] != '\0') {
        pu_buf_add(&b, r->module);
        pu_buf_add(&b, ".");
    }
    pu_buf_addf(&b, "%s.%s%s", r->type, r->name, r->key);
}

/* Is resource_changes entry rc a block that will exist after the change? */
static bool is_live_block(const struct pu_doc *doc, const char *rc)
{
    struct pu_pointer p;
    struct hh_value v;

    pu_pointer_join(&p, rc, "type", (const char *)NULL);
    if (!pu_string_at(doc, p.text, s3_terraform.block_type))
        return false;
    /* A block being deleted has no "after": it protects nothing. */
    pu_pointer_join(&p, rc, "change", "after", (const char *)NULL);
    return pu_get(doc, p.text, &v) == HH_OK && v.type == HH_VALUE_OBJECT;
}

/* Does the planned (known) bucket of block entry rc name the bucket? */
static bool planned_name_targets(const struct pu_doc *doc, const struct tf_bucket *b,
                                 const char *rc)
{
    char planned[TF_NAME_MAX];
    struct pu_pointer p;

    pu_pointer_join(&p, rc, "change", "after", "bucket", (const char *)NULL);
    return pu_get_string(doc, p.text, true, planned, sizeof(planned)) && names_bucket(b, planned);
}

static void add_block(struct s3_search *s, const struct tf_instance *block, const char *rc)
{
    struct pu_pointer after, unknown;
    char label[S3_LABEL_MAX];

    pu_pointer_join(&after, rc, "change", "after", (const char *)NULL);
    pu_pointer_join(&unknown, rc, "change", "after_unknown", (const char *)NULL);
    instance_label(block, label, sizeof(label));
    s3_search_add(s, label, after.text, unknown.text);
}

/*
 * Does the configuration of block resource cfg, seen from module f, name
 * the bucket?  With block NULL, loosely: instance keys are ignored and f is
 * a module of the configuration walk (its instance without keys).
 */
static bool config_targets(const struct pu_doc *doc, const struct tf_bucket *b,
                           const struct tf_instance *block, const struct tf_frame *f,
                           const char *cfg)
{
    struct tf_walk w;
    struct pu_pointer expr;

    w.doc = doc;
    w.bucket = b;
    w.block = block;
    w.budget = TF_BUDGET;
    w.loose = block == NULL;
    snprintf(w.resource_cfg, sizeof(w.resource_cfg), "%s", cfg);
    pu_pointer_join(&expr, cfg, "expressions", "bucket", (const char *)NULL);
    return !expr.overflow && expression_targets(&w, f, expr.text, 0, true);
}

/* The exact check of one block instance whose configuration is cfg. */
static bool instance_targets(const struct pu_doc *doc, const struct tf_bucket *b,
                             const struct tf_instance *block, const char *cfg)
{
    struct tf_frame frames[TF_MODULES];
    size_t depth;

    return module_frames(block->module, frames, TF_MODULES, &depth) &&
           config_targets(doc, b, block, &frames[depth], cfg);
}

/*
 * Add the live instances of the block resource cfg (named name, in the
 * module whose address without keys is module) that target the bucket.
 * Those whose planned name targets it were added already.
 */
static void add_instances(struct s3_search *s, const struct tf_bucket *b, const char *module,
                          const char *name, const char *cfg)
{
    struct hh_value item;
    size_t i;

    for (i = 0; pu_member(s->input, "/resource_changes", i, NULL, &item) == HH_OK; i++) {
        char plain[TF_ADDR_MAX];
        struct tf_instance block;
        struct pu_pointer rc;

        pu_pointer_init(&rc, "/resource_changes");
        pu_pointer_index(&rc, i);
        if (!is_live_block(s->input, rc.text) || !read_instance(s->input, rc.text, &block) ||
            strcmp(block.name, name) != 0 || !strip_keys(block.module, plain, sizeof(plain)) ||
            strcmp(plain, module) != 0 || planned_name_targets(s->input, b, rc.text) ||
            !instance_targets(s->input, b, &block, cfg))
            continue;
        add_block(s, &block, rc.text);
    }
}

/* Check the block resources of module f of the configuration, then its calls. */
static void walk_module(struct s3_search *s, const struct tf_bucket *b, const struct tf_frame *f,
                        size_t depth)
{
    struct pu_pointer list, p;
    struct hh_value key, item;
    size_t i;

    pu_pointer_join(&list, f->cfg, "resources", (const char *)NULL);
    for (i = 0; pu_member(s->input, list.text, i, NULL, &item) == HH_OK; i++) {
        char name[TF_NAME_MAX];

        pu_pointer_init(&p, list.text);
        pu_pointer_index(&p, i);
        pu_pointer_key(&p, "type");
        if (p.overflow || !pu_string_at(s->input, p.text, s3_terraform.block_type))
            continue;
        pu_pointer_init(&p, list.text);
        pu_pointer_index(&p, i);
        if (!config_targets(s->input, b, NULL, f, p.text))
            continue;
        pu_pointer_key(&p, "name");
        if (!pu_get_string(s->input, p.text, false, name, sizeof(name)))
            continue;
        pu_pointer_init(&p, list.text);
        pu_pointer_index(&p, i);
        add_instances(s, b, f->instance, name, p.text);
    }
    if (depth + 1 >= TF_MODULES)
        return;
    pu_pointer_join(&list, f->cfg, "module_calls", (const char *)NULL);
    for (i = 0; pu_member(s->input, list.text, i, &key, &item) == HH_OK; i++) {
        struct tf_frame child;

        if (key.type == HH_VALUE_STRING && item.type == HH_VALUE_OBJECT &&
            frame_child(f, key.string, "", &child))
            walk_module(s, b, &child, depth + 1);
    }
}

bool s3_search_terraform(struct s3_search *s, const char *bucket_pointer)
{
    struct tf_bucket bucket;
    struct tf_frame root;
    struct hh_value item;
    size_t i;

    if (!read_bucket(s->input, bucket_pointer, &bucket))
        return false;
    /* Blocks whose bucket is known and is this bucket's name. */
    for (i = 0; pu_member(s->input, "/resource_changes", i, NULL, &item) == HH_OK; i++) {
        struct tf_instance block;
        struct pu_pointer rc;

        pu_pointer_init(&rc, "/resource_changes");
        pu_pointer_index(&rc, i);
        /* The name first: one read rules out nearly every entry. */
        if (planned_name_targets(s->input, &bucket, rc.text) && is_live_block(s->input, rc.text) &&
            read_instance(s->input, rc.text, &block))
            add_block(s, &block, rc.text);
    }
    /* Blocks whose configuration references it. */
    frame_root(&root);
    walk_module(s, &bucket, &root, 0);
    return true;
}
