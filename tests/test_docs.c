/* test_docs.c — the documents cannot drift from the code.
 *
 * 1. Defaults of the study file: the values the code uses are read from
 *    the library (a minimal study loaded and resolved exactly as the CLI
 *    does) and compared with the "default" column of doc/study-file.md,
 *    the "Default:" of every key in doc/surrogate-study.5 and the defaults
 *    table of README.md.  A self-test proves a wrong default is caught.
 * 2. Command options: every option and default printed by
 *    `surrogate help <command>` appears in doc/surrogate.1, and the man page
 *    names no option the binary does not have; every command is in README.
 * 3. Both man pages render with `man -l` and `groff -ww` without a warning.
 * Runs from the project root (make test); SURROGATE_BIN names the binary. */
#include <criterion/criterion.h>
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/study_analysis.h"
#include "core/path.h"
#include "io/study.h"
#include "model/study_model.h"
#include "model/sizing.h"
#include "optim/optimize_spec.h"
#include "optim/simulate.h"

#define MAX_KEYS 128
#define TXT 512

/* ---- small helpers -------------------------------------------------------- */

static char *read_all(const char *path)
{
    FILE *fp = fopen(path, "rb");
    cr_assert_not_null(fp, "cannot open %s", path);
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    cr_assert_not_null(buf);
    size_t k;
    while ((k = fread(buf + n, 1, cap - n - 1, fp)) > 0) {
        n += k;
        if (n + 1 == cap) {
            cap *= 2;
            buf = realloc(buf, cap);
            cr_assert_not_null(buf);
        }
    }
    buf[n] = '\0';
    fclose(fp);
    return buf;
}

/* Run a shell command; return its stdout (malloc'ed) and exit status. */
static char *capture(const char *cmd, int *status)
{
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(p, "cannot run %s", cmd);
    size_t cap = 1 << 16, n = 0, k;
    char *buf = malloc(cap);
    cr_assert_not_null(buf);
    while ((k = fread(buf + n, 1, cap - n - 1, p)) > 0) {
        n += k;
        if (n + 1 == cap) {
            cap *= 2;
            buf = realloc(buf, cap);
            cr_assert_not_null(buf);
        }
    }
    buf[n] = '\0';
    int st = pclose(p);
    if (status)
        *status = st;
    return buf;
}

/* Append printf-formatted text to buf (capacity cap), truncating. */
static void appendf(char *buf, size_t cap, const char *fmt, ...)
{
    size_t n = strlen(buf);
    if (n + 1 >= cap)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + n, cap - n, fmt, ap);
    va_end(ap);
}

/* Copy src into dst of capacity cap, truncating. */
static void copy(char *dst, size_t cap, const char *src)
{
    size_t n = strlen(src);
    if (n >= cap)
        n = cap - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

static void trim(char *s)
{
    size_t n = strlen(s);
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    size_t i = 0;
    while (isspace((unsigned char)s[i]))
        i++;
    memmove(s, s + i, strlen(s + i) + 1);
}

/* Remove roff font escapes (\fB \fI \fR \fP \f(CW) and turn \- \(em \e into text. */
static void unroff(char *s)
{
    char *w = s;
    for (const char *r = s; *r;) {
        if (r[0] == '\\' && r[1] == 'f') {
            r += 2;
            if (*r == '(')
                r += 3;
            else if (*r)
                r++;
        } else if (r[0] == '\\' && r[1] == '-') {
            *w++ = '-';
            r += 2;
        } else if (r[0] == '\\' && r[1] == 'e') {
            *w++ = '\\';
            r += 2;
        } else if (r[0] == '\\' && r[1] == '(' && r[2] && r[3]) {
            *w++ = ' ';
            r += 4;
        } else if (r[0] == '\\' && r[1] == '&') {
            r += 2;
        } else {
            *w++ = *r++;
        }
    }
    *w = '\0';
}

/* ---- what the code uses ------------------------------------------------- */

typedef enum { LIT, DESC } kind;

typedef struct expect {
    char section[32]; /* "[model]", "[[factor]]" */
    char key[40];
    kind k;
    char value[TXT];  /* LIT: the literal; DESC: '|'-separated words the text must contain */
} expect;

static expect ex[MAX_KEYS];
static size_t n_ex;

static void add(const char *section, const char *key, kind k, const char *fmt, ...)
{
    cr_assert_lt(n_ex, MAX_KEYS);
    expect *e = &ex[n_ex++];
    snprintf(e->section, sizeof e->section, "%s", section);
    snprintf(e->key, sizeof e->key, "%s", key);
    e->k = k;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->value, sizeof e->value, fmt, ap);
    va_end(ap);
}

static const char *b(bool v) { return v ? "true" : "false"; }

/* An objective for sg_optim_run: (x - 0.3)^2, with gradient. */
static double quad(void *user, const double *x, double *grad)
{
    (void)user;
    if (grad)
        grad[0] = 2 * (x[0] - 0.3);
    return (x[0] - 0.3) * (x[0] - 0.3);
}

static double con(void *user, const double *x, double *grad)
{
    (void)user;
    if (grad)
        grad[0] = 1;
    return x[0] - 0.9;
}

/* The optimiser's automatic algorithms, as run: global and local name. */
static void auto_algorithms(int n_cons, const char *global, char *g_out, char *l_out, size_t cap)
{
    sg_optim_var v;
    memset(&v, 0, sizeof v);
    v.name = "x";
    v.lb = 0;
    v.ub = 1;
    sg_optim_constraint c = {"x <= 0.9", con};
    sg_optim_problem p;
    memset(&p, 0, sizeof p);
    p.d = 1;
    p.vars = &v;
    p.f = quad;
    p.sense = SG_OPTIM_MINIMIZE;
    p.cons = n_cons ? &c : NULL;
    p.n_cons = (size_t)n_cons;
    p.has_gradient = 1;
    sg_optim_config cfg;
    sg_optim_config_default(&cfg);
    cfg.global.algorithm = global;
    cfg.starts = 1;
    cfg.threads = 1;
    cfg.global.max_eval = 50;
    cfg.local.max_eval = 50;
    sg_optim_result *r = NULL;
    sg_error err;
    sg_error_clear(&err);
    cr_assert_eq(sg_optim_run(&p, &cfg, &r, &err), SG_OK, "%s", err.msg);
    snprintf(g_out, cap, "%s", r->global_alg);
    snprintf(l_out, cap, "%s", r->local_alg);
    sg_optim_result_destroy(r);
}

/* Fill ex[] from the library: a minimal study (no optional key anywhere)
 * resolved by the same loaders the CLI uses. */
static void load_expected(void)
{
    n_ex = 0;
    static const char *text = "[study]\nname = \"zzname\"\n"
                              "[data]\nfile = \"t.csv\"\n"
                              "[[factor]]\nname = \"a\"\nmin = 0\nmax = 1\n"
                              "[[response]]\nname = \"y\"\n"
                              "[[response]]\nname = \"z\"\ngoal = \"minimize\"\n";
    sg_study *s = NULL;
    sg_error err;
    sg_error_clear(&err);
    cr_assert_eq(sg_study_load_buffer(text, strlen(text), "dir/s.toml", &s, &err), SG_OK, "%s",
                 err.msg);
    const sg_factor *f = &s->factors[0];
    const sg_response *y = &s->responses[0];

    add("[study]", "name", DESC, "required");
    add("[study]", "title", DESC, "name");
    cr_assert_str_eq(s->title, s->name); /* "the name" */
    add("[study]", "seed", LIT, "%llu", (unsigned long long)s->seed);
    add("[data]", "file", DESC, "required");
    add("[data]", "sheet", DESC, "first");
    cr_assert_null(s->data_sheet);
    add("[data]", "header_row", LIT, "%d", s->data_header_row);
    add("[[factor]]", "name", DESC, "required");
    add("[[factor]]", "column", DESC, "name");
    cr_assert_str_eq(f->column, f->name);
    add("[[factor]]", "unit", LIT, "\"%s\"", f->unit);
    add("[[factor]]", "min", DESC, "required");
    add("[[factor]]", "max", DESC, "required");
    add("[[factor]]", "levels", DESC, "none");
    cr_assert_eq(f->n_levels, 0);
    add("[[factor]]", "step", DESC, "none");
    cr_assert_eq(f->step, 0);
    add("[[factor]]", "prefer", DESC, "none");
    cr_assert_eq(f->prefer, SG_PREFER_NONE);
    add("[[factor]]", "type", LIT, "\"%s\"", f->categorical ? "category" : "number");
    add("[[factor]]", "scale", LIT, "\"%s\"", sg_factor_scale_name(f->scale));
    add("[[response]]", "name", DESC, "required");
    add("[[response]]", "column", DESC, "name");
    cr_assert_str_eq(y->column, y->name);
    add("[[response]]", "unit", LIT, "\"%s\"", y->unit);
    add("[[response]]", "goal", LIT, "\"%s\"", sg_study_goal_name(y->goal));
    add("[[response]]", "lower_limit", DESC, "none");
    cr_assert(isinf(y->lower_limit) && y->lower_limit < 0);
    add("[[response]]", "upper_limit", DESC, "none");
    cr_assert(isinf(y->upper_limit) && y->upper_limit > 0);
    add("[[response]]", "type", LIT, "\"%s\"", sg_response_kind_name(y->kind));
    add("[[response]]", "levels", DESC, "none");
    add("[[response]]", "scale", LIT, "\"%s\"", y->log_scale ? "log" : "linear");
    cr_assert_eq(y->n_labels, 0);

    /* [report] file: the default with the study name written as <name>. */
    char rep[TXT];
    snprintf(rep, sizeof rep, "%s", s->report_file);
    char *at = strstr(rep, s->name);
    cr_assert_not_null(at, "report file %s", rep);
    char tail[TXT];
    snprintf(tail, sizeof tail, "%s", at + strlen(s->name));
    snprintf(at, sizeof rep - (size_t)(at - rep), "<name>%s", tail);
    add("[report]", "file", LIT, "\"%s\"", rep);

    /* [analysis] */
    sg_analysis_config ac;
    cr_assert_eq(sg_study_analysis_config_load(s, &ac, &err), SG_OK, "%s", err.msg);
    add("[analysis]", "interactions", LIT, "%s", b(ac.taguchi.interactions));
    add("[analysis]", "min_error_df", LIT, "%d", ac.taguchi.min_error_df);
    add("[analysis]", "pool", LIT, "%s", b(ac.taguchi.pool));
    add("[analysis]", "targets", DESC, "none");
    for (size_t j = 0; j < s->n_responses; j++)
        cr_assert(!ac.has_target[j]);

    /* [model] and [train] */
    sg_study_model m;
    cr_assert_eq(sg_study_model_load(s, &m, &err), SG_OK, "%s", err.msg);
    const sg_model_spec *sp = &m.spec;
    const sg_train_config *t = &sp->train;
    char *rdir = sg_path_dirname(s->report_file);
    char mf[TXT];
    snprintf(mf, sizeof mf, "%s/%s%s", rdir, s->name, SG_STUDY_MODEL_SUFFIX);
    cr_assert_str_eq(m.model_file, mf, "the model file default is <report dir>/<name>%s",
                     SG_STUDY_MODEL_SUFFIX);
    free(rdir);
    add("[model]", "file", LIT, "\"<report dir>/<name>%s\"", SG_STUDY_MODEL_SUFFIX);
    char hidden[TXT] = "[";
    for (size_t i = 0; i < sp->n_hidden; i++)
        snprintf(hidden + strlen(hidden), sizeof hidden - strlen(hidden), "%s%zu", i ? ", " : "",
                 sp->hidden[i]);
    strcat(hidden, "]");
    add("[model]", "hidden", LIT, "%s", hidden);
    add("[model]", "activation", LIT, "\"%s\"", sg_activation_name(sp->hidden_act));
    add("[model]", "output_activation", LIT, "\"%s\"", sg_activation_name(sp->output_act));
    add("[model]", "type", LIT, "\"%s\"", sg_model_type_name(sp->type));
    add("[model]", "init", LIT, "\"%s\"", sp->init == SG_INIT_GLOROT ? "glorot" : "he");
    add("[model]", "ensemble", LIT, "%zu", sp->ensemble);
    add("[model]", "shared", LIT, "%s", b(sp->shared));
    add("[model]", "relevance", LIT, "%s", b(sp->relevance));
    add("[model]", "trend", LIT, "%s", b(sp->trend));
    add("[model]", "factor_scaling", LIT, "\"%s\"", sg_scale_kind_name(sp->x_scale));
    add("[model]", "response_scaling", LIT, "\"%s\"", sg_scale_kind_name(sp->y_scale));

    cr_assert(sp->optimizer_auto);
    /* below the size-aware threshold lbfgs, from it adam (model/sizing.h) */
    cr_assert(sp->size_auto & SG_SIZE_AUTO_OPTIMIZER);
    add("[train]", "optimizer", DESC, "%s|%s|%u", sg_optimizer_name(SG_MODEL_DEFAULT_OPTIMIZER),
        sg_optimizer_name(SG_OPT_ADAM), SG_SIZING_LARGE_ROWS);
    add("[train]", "epochs", LIT, "%zu", t->epochs);
    add("[train]", "learning_rate", LIT, "%.17g", t->learning_rate);
    add("[train]", "batch_size", LIT, "%zu", t->batch_size);
    add("[train]", "momentum", LIT, "%.17g", t->momentum);
    add("[train]", "nesterov", LIT, "%s", b(t->nesterov));
    add("[train]", "beta1", LIT, "%.17g", t->beta1);
    add("[train]", "beta2", LIT, "%.17g", t->beta2);
    add("[train]", "epsilon", LIT, "%.17g", t->epsilon);
    add("[train]", "rho", LIT, "%.17g", t->rho);
    add("[train]", "l1", LIT, "%.17g", t->l1);
    cr_assert(sp->l2_auto);
    add("[train]", "l2", LIT, "\"auto\"");
    add("[train]", "early_stopping", LIT, "%s", b(t->early_stopping.enabled));
    add("[train]", "min_delta", LIT, "%.17g", t->early_stopping.min_delta);
    add("[train]", "patience", LIT, "%zu", t->early_stopping.patience);
    add("[train]", "restore_best", LIT, "%s", b(t->early_stopping.restore_best));
    add("[train]", "validation_share", LIT, "%.17g", sp->val_share);
    add("[train]", "lr_patience", LIT, "%zu", t->lr_patience);
    /* validation: "auto", resolved by the number of rows. */
    cr_assert_str_eq(m.validation, "auto");
    size_t loo_max = 0;
    for (size_t n = 3; n < 100000 && !loo_max; n++) {
        sg_cv_spec r = sg_cv_spec_resolve(m.cv.plan, n + 1);
        char txt[64];
        sg_cv_spec_format(&r, txt, sizeof txt);
        if (strcmp(txt, "loo") != 0)
            loo_max = n;
    }
    char small[64], large[64];
    sg_cv_spec r1 = sg_cv_spec_resolve(m.cv.plan, loo_max),
               r2 = sg_cv_spec_resolve(m.cv.plan, loo_max + 1);
    sg_cv_spec_format(&r1, small, sizeof small);
    sg_cv_spec_format(&r2, large, sizeof large);
    add("[train]", "validation", DESC, "%s|%s|%zu", small, large, loo_max);
    add("[train]", "interval_level", LIT, "%.17g", m.cv.level);
    add("[train]", "outlier_threshold", LIT, "%.17g", m.cv.outlier_z);
    add("[train]", "outlier_range_fraction", LIT, "%.17g", m.cv.outlier_range_frac);
    add("[train]", "threads", LIT, "%zu", m.cv.n_threads);
    sg_study_model_destroy(&m);

    /* [optimize] */
    sg_optimize_spec *os = NULL;
    cr_assert_eq(sg_optimize_spec_load(s, &os, &err), SG_OK, "%s", err.msg);
    cr_assert(!os->weighted);
    cr_assert_eq(os->response, 1, "default response: the only one with a goal");
    sg_optim_config cfg;
    sg_optimize_spec_config(os, &cfg);
    add("[optimize]", "response", DESC, "only response|goal");
    add("[optimize]", "weights", DESC, "none");
    add("[optimize]", "sense", DESC, "goal");
    add("[optimize]", "risk", LIT, "%.17g", os->risk);
    add("[optimize]", "constraint_confidence", LIT, "%.17g", os->con_confidence);
    add("[optimize]", "constraints", DESC, "none");
    cr_assert_eq(os->n_cons, 0);
    add("[optimize]", "bounds", DESC, "min|max");
    cr_assert(os->lb[0] == f->min && os->ub[0] == f->max);
    add("[optimize]", "fixed", DESC, "none");
    add("[optimize]", "step", DESC, "[[factor]] step");
    add("[optimize]", "levels_only", DESC, "none");
    char g0[128], l0[128], g1[128], l1[128], gm[128], lm[128];
    auto_algorithms(0, NULL, g0, l0, sizeof g0);
    auto_algorithms(1, NULL, g1, l1, sizeof g1);
    cr_assert_null(os->algorithm);
    cr_assert_null(os->local);
    add("[optimize]", "algorithm", DESC, "%s|%s", g0, strstr(g1, "GN_") ? strstr(g1, "GN_") : g1);
    add("[optimize]", "local", DESC, "%s", l0);
    /* sub_algorithm: what GN_MLSL runs inside when none is named. */
    auto_algorithms(0, "GN_MLSL", gm, lm, sizeof gm);
    const char *plus = strchr(gm, '+'); /* "GN_MLSL+LD_LBFGS" */
    char sub[128] = "?";
    if (plus)
        snprintf(sub, sizeof sub, "%.*s", (int)strcspn(plus + 1, ")"), plus + 1);
    add("[optimize]", "sub_algorithm", DESC, "%s", sub);
    add("[optimize]", "global_mode", LIT, "\"%s\"",
        os->global_mode == SG_OPTIM_GLOBAL_ONCE ? "once" : "per_start");
    add("[optimize]", "starts", LIT, "%zu", cfg.starts);
    add("[optimize]", "max_evals", DESC, "%d|%d", cfg.global.max_eval, cfg.local.max_eval);
    add("[optimize]", "max_time", DESC, "%g s|%g s", cfg.global.max_time, cfg.local.max_time);
    add("[optimize]", "ftol_rel", LIT, "%.17g", cfg.local.ftol_rel);
    add("[optimize]", "xtol_rel", LIT, "%.17g", cfg.local.xtol_rel);
    add("[optimize]", "threads", LIT, "%u", cfg.threads);
    sg_optimize_spec_destroy(os);
    sg_study_destroy(s);

    const char *sim_text = "[study]\nname = \"d\"\n[data]\nfile = \"t.csv\"\n"
                           "[[factor]]\nname = \"a\"\nmin = 0\nmax = 1\n"
                           "[[response]]\nname = \"y\"\n[simulate]\ncommand = \"./sim {a}\"\n";
    cr_assert_eq(sg_study_load_buffer(sim_text, strlen(sim_text), "dir/s.toml", &s, &err), SG_OK,
                 "%s", err.msg);
    sg_simulate_spec *sim = NULL;
    cr_assert_eq(sg_simulate_spec_load(s, &sim, &err), SG_OK, "%s", err.msg);
    add("[simulate]", "command", DESC, "required");
    add("[simulate]", "jobs", LIT, "%zu", sim->jobs);
    add("[simulate]", "timeout", LIT, "%g", sim->timeout);
    add("[simulate]", "tolerance", LIT, "%g", sim->tolerance);
    add("[simulate]", "shell", LIT, "%s", b(sim->shell));
    sg_simulate_spec_destroy(sim);
    sg_study_destroy(s);
}

/* ---- comparing a documented default with the code's --------------------- */

/* The first literal of a default text: `...` (markdown) or \fB...\fR (roff,
 * already unroffed into text between markers \001 and \002).  NULL if the
 * text does not start with one. */
static bool first_literal(const char *text, char *out, size_t cap)
{
    while (isspace((unsigned char)*text))
        text++;
    char close;
    if (*text == '`')
        close = '`';
    else if (*text == '\001')
        close = '\002';
    else
        return false;
    const char *end = strchr(text + 1, close);
    if (!end)
        return false;
    snprintf(out, cap, "%.*s", (int)(end - text - 1), text + 1);
    trim(out);
    return true;
}

static bool number(const char *s, double *v)
{
    char *end = NULL;
    *v = strtod(s, &end);
    return end != s && *end == '\0';
}

/* Two literals are equal as numbers, lists of numbers or strings (quotes
 * ignored). */
static bool same_value(const char *doc, const char *code)
{
    char a[TXT], c[TXT];
    snprintf(a, sizeof a, "%s", doc);
    snprintf(c, sizeof c, "%s", code);
    double x, y;
    if (number(a, &x) && number(c, &y))
        return x == y || fabs(x - y) <= 1e-12 * fabs(y);
    if (a[0] == '[' && c[0] == '[') {
        char *pa = a + 1, *pc = c + 1;
        for (;;) {
            char *ea, *ec;
            double u = strtod(pa, &ea), w = strtod(pc, &ec);
            if (ea == pa || ec == pc)
                return *pa == ']' && *pc == ']';
            if (u != w)
                return false;
            pa = ea + strspn(ea, ", ");
            pc = ec + strspn(ec, ", ");
        }
    }
    size_t la = strlen(a), lc = strlen(c);
    char *sa = a, *sc = c;
    if (la >= 2 && a[0] == '"' && a[la - 1] == '"') {
        a[la - 1] = '\0';
        sa = a + 1;
    }
    if (lc >= 2 && c[0] == '"' && c[lc - 1] == '"') {
        c[lc - 1] = '\0';
        sc = c + 1;
    }
    return strcmp(sa, sc) == 0;
}

/* Check one documented default against the expectation; on a mismatch
 * append a line to problems and return false. */
static bool check_one(const char *doc, const expect *e, const char *text, char *problems,
                      size_t cap)
{
    char lit[TXT];
    bool ok;
    if (e->k == LIT) {
        ok = first_literal(text, lit, sizeof lit) && same_value(lit, e->value);
    } else {
        ok = true;
        char words[TXT];
        snprintf(words, sizeof words, "%s", e->value);
        for (char *w = strtok(words, "|"); w; w = strtok(NULL, "|"))
            if (!strstr(text, w))
                ok = false;
    }
    if (!ok) {
        char clean[TXT];
        snprintf(clean, sizeof clean, "%s", text);
        for (char *p = clean; *p; p++)
            if (*p == '\001' || *p == '\002')
                *p = '`';
        appendf(problems, cap,
                 "%s: %s %s: documented default \"%s\", the code uses %s%s\n", doc, e->section,
                 e->key, clean, e->k == LIT ? "" : "words ", e->value);
    }
    return ok;
}

/* A documented key: section, key, default text. */
typedef struct doc_key {
    char section[32], key[40], text[TXT];
} doc_key;

static doc_key dk[MAX_KEYS * 2];
static size_t n_dk;

/* Split a markdown table row into cells (at most max); returns the count. */
static int cells(const char *line, char out[][TXT], int max)
{
    int n = 0;
    const char *p = strchr(line, '|');
    if (!p)
        return 0;
    for (p++; *p && n < max;) {
        const char *q = p;
        int tick = 0;
        while (*q && (*q != '|' || tick)) {
            if (*q == '`')
                tick = !tick;
            q++;
        }
        if (!*q)
            break;
        snprintf(out[n], TXT, "%.*s", (int)(q - p), p);
        trim(out[n]);
        n++;
        p = q + 1;
    }
    return n;
}

/* Markdown: tables with a "key" and a "default" column.  The section comes
 * from the last "## [section]" heading, or from a key cell "`[section] key`". */
static void parse_markdown(const char *md)
{
    n_dk = 0;
    char section[32] = "";
    int key_col = -1, def_col = -1;
    const char *line = md;
    while (*line) {
        const char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        char buf[2048];
        snprintf(buf, sizeof buf, "%.*s", (int)(len < sizeof buf ? len : sizeof buf - 1), line);
        if (strncmp(buf, "## ", 3) == 0) {
            section[0] = '\0';
            if (buf[3] == '[')
                sscanf(buf + 3, "%31s", section);
            key_col = def_col = -1;
        } else if (buf[0] == '|') {
            char c[8][TXT];
            int n = cells(buf, c, 8);
            if (n >= 2 && strcmp(c[0], "key") == 0) {
                key_col = 0;
                def_col = -1;
                for (int i = 0; i < n; i++)
                    if (strcmp(c[i], "default") == 0)
                        def_col = i;
            } else if (key_col >= 0 && def_col >= 0 && def_col < n && c[0][0] == '`') {
                doc_key *d = &dk[n_dk];
                char k[TXT];
                snprintf(k, sizeof k, "%.*s", (int)strcspn(c[0] + 1, "`"), c[0] + 1);
                if (k[0] == '[') {
                    /* "[section] key" */
                    char *sp = strchr(k, ' ');
                    if (!sp)
                        goto next;
                    snprintf(d->section, sizeof d->section, "%.*s", (int)(sp - k), k);
                    copy(d->key, sizeof d->key, sp + 1);
                } else {
                    if (!section[0])
                        goto next;
                    snprintf(d->section, sizeof d->section, "%s", section);
                    copy(d->key, sizeof d->key, k);
                }
                copy(d->text, sizeof d->text, c[def_col]);
                if (n_dk + 1 < MAX_KEYS * 2)
                    n_dk++;
            }
        } else {
            key_col = def_col = -1;
        }
    next:
        line += len + (nl ? 1 : 0);
    }
}

/* roff (doc/surrogate-study.5): ".SS [section]" (quoted or not), then per key
 * ".TP" followed by ".B key" or ".BR key ...", and in its paragraph
 * "Default: ..." where a literal value is set in bold (\fB...\fR). */
static void parse_roff(const char *roff)
{
    n_dk = 0;
    char section[32] = "";
    doc_key *cur = NULL;
    bool after_tp = false;
    const char *line = roff;
    while (*line) {
        const char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        char buf[2048];
        snprintf(buf, sizeof buf, "%.*s", (int)(len < sizeof buf ? len : sizeof buf - 1), line);
        if (strncmp(buf, ".SH", 3) == 0 || strncmp(buf, ".SS", 3) == 0) {
            cur = NULL;
            section[0] = '\0';
            char *p = buf + 3;
            p += strspn(p, " \"");
            if (*p == '[')
                snprintf(section, sizeof section, "%.*s", (int)strcspn(p, "\" "), p);
        } else if (strncmp(buf, ".TP", 3) == 0) {
            cur = NULL;
            after_tp = true;
            goto next;
        } else if (after_tp && section[0] &&
                   (strncmp(buf, ".B ", 3) == 0 || strncmp(buf, ".BR ", 4) == 0)) {
            char *p = buf + (buf[2] == ' ' ? 3 : 4);
            p += strspn(p, " \"");
            cur = &dk[n_dk];
            snprintf(cur->section, sizeof cur->section, "%s", section);
            snprintf(cur->key, sizeof cur->key, "%.*s", (int)strcspn(p, " \""), p);
            unroff(cur->key);
            cur->text[0] = '\0';
            if (n_dk + 1 < MAX_KEYS * 2)
                n_dk++;
        } else if (cur) {
            char *d = strstr(buf, "Default:");
            if (d && !cur->text[0]) {
                /* Mark bold spans with \001 ... \002, then drop other escapes. */
                char tmp[TXT], *w = tmp;
                for (const char *r = d + 8; *r && w < tmp + sizeof tmp - 2;) {
                    if (r[0] == '\\' && r[1] == 'f' && r[2] == 'B') {
                        *w++ = '\001';
                        r += 3;
                    } else if (r[0] == '\\' && r[1] == 'f' && (r[2] == 'R' || r[2] == 'P')) {
                        *w++ = '\002';
                        r += 3;
                    } else {
                        *w++ = *r++;
                    }
                }
                *w = '\0';
                unroff(tmp);
                trim(tmp);
                snprintf(cur->text, sizeof cur->text, "%s", tmp);
            }
        }
        after_tp = false;
    next:
        line += len + (nl ? 1 : 0);
    }
}

/* Compare the parsed keys with ex[]; complete = every expected key must be
 * documented and every documented key must exist.  Returns the number of
 * problems, described in problems. */
static int compare(const char *doc, bool complete, char *problems, size_t cap)
{
    int bad = 0;
    problems[0] = '\0';
    for (size_t i = 0; i < n_ex; i++) {
        const doc_key *found = NULL;
        for (size_t j = 0; j < n_dk; j++)
            if (strcmp(dk[j].section, ex[i].section) == 0 && strcmp(dk[j].key, ex[i].key) == 0)
                found = &dk[j];
        if (!found) {
            if (complete) {
                appendf(problems, cap,
                         "%s: %s %s is not documented (or has no default)\n", doc,
                         ex[i].section, ex[i].key);
                bad++;
            }
            continue;
        }
        if (!check_one(doc, &ex[i], found->text, problems, cap))
            bad++;
    }
    for (size_t j = 0; j < n_dk; j++) {
        bool known = false;
        for (size_t i = 0; i < n_ex; i++)
            known |= strcmp(dk[j].section, ex[i].section) == 0 && strcmp(dk[j].key, ex[i].key) == 0;
        if (!known) {
            appendf(problems, cap,
                     "%s: %s %s is documented but is not a key of the study file\n", doc,
                     dk[j].section, dk[j].key);
            bad++;
        }
    }
    return bad;
}

static char problems[1 << 16];

Test(docs, study_file_md_defaults_match_the_code)
{
    load_expected();
    char *md = read_all("doc/study-file.md");
    parse_markdown(md);
    cr_assert_geq(n_dk, n_ex, "doc/study-file.md: only %zu keys found", n_dk);
    int bad = compare("doc/study-file.md", true, problems, sizeof problems);
    cr_assert_eq(bad, 0, "%s", problems);
    free(md);
}

Test(docs, study_man_page_defaults_match_the_code)
{
    load_expected();
    char *roff = read_all("doc/surrogate-study.5");
    parse_roff(roff);
    int bad = compare("doc/surrogate-study.5", true, problems, sizeof problems);
    cr_assert_eq(bad, 0, "%s", problems);
    free(roff);
}

Test(docs, readme_defaults_match_the_code)
{
    load_expected();
    char *md = read_all("README.md");
    parse_markdown(md);
    cr_assert_geq(n_dk, 5, "README.md: the defaults table is missing (%zu keys)", n_dk);
    int bad = compare("README.md", false, problems, sizeof problems);
    cr_assert_eq(bad, 0, "%s", problems);
    free(md);
}

/* The checker itself: a wrong default in each document is reported. */
static int mutated(const char *path, const char *from, const char *to, bool roff)
{
    char *text = read_all(path);
    char *at = strstr(text, from);
    cr_assert_not_null(at, "%s: '%s' not found", path, from);
    size_t n = strlen(text) + strlen(to) + 1;
    char *m = malloc(n);
    cr_assert_not_null(m);
    snprintf(m, n, "%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
    if (roff)
        parse_roff(m);
    else
        parse_markdown(m);
    int bad = compare(path, !strstr(path, "README"), problems, sizeof problems);
    free(m);
    free(text);
    return bad;
}

Test(docs, a_wrong_default_is_caught)
{
    load_expected();
    cr_assert_eq(mutated("doc/study-file.md", "| `[6, 6]`;", "| `[4, 4]`;", false), 1, "%s",
                 problems);
    cr_assert(strstr(problems, "[model] hidden"), "%s", problems);
    cr_assert_eq(mutated("doc/study-file.md", "| `0.999` |", "| `0.99` |", false), 1, "%s",
                 problems);
    cr_assert_eq(mutated("doc/surrogate-study.5", "Default: \\fB10000\\fR", "Default: \\fB3000\\fR",
                         true),
                 1, "%s", problems);
    cr_assert(strstr(problems, "[train] epochs"), "%s", problems);
    cr_assert_eq(mutated("README.md", "| `\"auto\"` | weight", "| `1e-6` | weight", false), 1,
                 "%s", problems);
    cr_assert(strstr(problems, "[train] l2"), "%s", problems);
}

/* ---- command options ------------------------------------------------------ */

static const char *bin(void)
{
    const char *b = getenv("SURROGATE_BIN");
    cr_assert_not_null(b, "SURROGATE_BIN is not set (run via make test)");
    return b;
}

/* The commands listed by `surrogate --help`, space-separated. */
static void commands(char *out, size_t cap)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "'%s' --help", bin());
    int st;
    char *help = capture(cmd, &st);
    cr_assert_eq(st, 0);
    out[0] = '\0';
    char *p = strstr(help, "commands:\n");
    cr_assert_not_null(p);
    for (p = strchr(p, '\n') + 1; strncmp(p, "  ", 2) == 0; p = strchr(p, '\n') + 1) {
        char name[64];
        if (sscanf(p, "%63s", name) == 1)
            appendf(out, cap, "%s ", name);
    }
    free(help);
    cr_assert(strlen(out) > 0);
}

/* The man page text of command `name`: from ".SS name" to the next .SS/.SH. */
static char *man_section(const char *man, const char *name)
{
    char head[80];
    snprintf(head, sizeof head, "\n.SS %s\n", name);
    const char *a = strstr(man, head);
    if (!a) {
        snprintf(head, sizeof head, "\n.SS \"%s\"\n", name);
        a = strstr(man, head);
    }
    cr_assert_not_null(a, "doc/surrogate.1 has no '.SS %s' for the command", name);
    a += strlen(head);
    const char *e1 = strstr(a, "\n.SS "), *e2 = strstr(a, "\n.SH ");
    const char *e = e1 && (!e2 || e1 < e2) ? e1 : e2;
    size_t n = e ? (size_t)(e - a) : strlen(a);
    char *s = malloc(n + 1);
    cr_assert_not_null(s);
    memcpy(s, a, n);
    s[n] = '\0';
    return s;
}

Test(docs, man_page_options_match_the_binary)
{
    char *man = read_all("doc/surrogate.1");
    char list[1024];
    commands(list, sizeof list);
    char *readme = read_all("README.md");
    for (char *name = strtok(list, " "); name; name = strtok(NULL, " ")) {
        char probe[80];
        snprintf(probe, sizeof probe, "| `%s` |", name);
        cr_expect(strstr(readme, probe), "README.md: the commands table has no row %s", probe);
        char cmd[1024];
        snprintf(cmd, sizeof cmd, "'%s' help %s", bin(), name);
        int st;
        char *help = capture(cmd, &st);
        cr_assert_eq(st, 0);
        char *sec = man_section(man, name);
        char plain[1 << 15];
        snprintf(plain, sizeof plain, "%s", sec);
        unroff(plain);
        /* Every option of the help (common ones are in COMMON OPTIONS). */
        char *p = strstr(help, "\noptions:\n");
        for (p = p ? strchr(p + 1, '\n') + 1 : NULL; p && strncmp(p, "  ", 2) == 0;
             p = strchr(p, '\n') + 1) {
            char line[1024];
            snprintf(line, sizeof line, "%.*s", (int)strcspn(p, "\n"), p);
            char *l = strstr(line, "--");
            cr_assert_not_null(l, "help %s: %s", name, line);
            char opt[64];
            sscanf(l, "%63s", opt);
            if (!strcmp(opt, "--quiet") || !strcmp(opt, "--json") || !strcmp(opt, "--help"))
                continue;
            char *in_man = strstr(plain, opt);
            cr_expect(in_man, "doc/surrogate.1, %s: option %s is not documented", name, opt);
            char *d = strstr(line, "(default: ");
            if (in_man && d) {
                char def[512];
                snprintf(def, sizeof def, "%.*s", (int)(strrchr(d, ')') - d - 10), d + 10);
                char want[600];
                snprintf(want, sizeof want, "Default: %s", def);
                /* The default is stated in the option's own paragraph. */
                char *end = strstr(in_man, "\n.TP");
                char para[4096];
                snprintf(para, sizeof para, "%.*s",
                         (int)(end ? (size_t)(end - in_man) : strlen(in_man)), in_man);
                for (char *q = para; *q; q++)
                    if (*q == '\n')
                        *q = ' ';
                cr_expect(strstr(para, want),
                          "doc/surrogate.1, %s %s: the binary says '(default: %s)'; the man "
                          "page must say '%s'",
                          name, opt, def, want);
            }
        }
        /* No option in the man page that the binary does not have. */
        for (char *q = strstr(plain, "--"); q; q = strstr(q + 2, "--")) {
            char opt[64];
            if (sscanf(q, "%63[-a-z]", opt) != 1 || strlen(opt) < 3)
                continue;
            cr_expect(strstr(help, opt), "doc/surrogate.1, %s: %s is not an option of '%s'",
                      name, opt, name);
        }
        free(sec);
        free(help);
    }
    free(readme);
    free(man);
}

Test(docs, man_pages_carry_the_version)
{
    const char *pages[] = {"doc/surrogate.1", "doc/surrogate-study.5"};
    for (size_t i = 0; i < 2; i++) {
        char *t = read_all(pages[i]);
        char want[64];
        snprintf(want, sizeof want, "\"surrogate %s\"", SG_VERSION);
        cr_expect(strstr(t, want), "%s: .TH must name %s", pages[i], want);
        free(t);
    }
}

/* ---- rendering ----------------------------------------------------------- */

Test(docs, man_pages_render_without_warnings)
{
    const char *pages[] = {"doc/surrogate.1", "doc/surrogate-study.5"};
    for (size_t i = 0; i < 2; i++) {
        char cmd[512];
        int st;
        /* man-db, as a user reads it; every warning goes to stderr (kept). */
        snprintf(cmd, sizeof cmd,
                 "LC_ALL=C.UTF-8 MANWIDTH=80 MAN_KEEP_FORMATTING=0 man --warnings=all -l '%s' "
                 "2>&1 >/dev/null",
                 pages[i]);
        char *warn = capture(cmd, &st);
        cr_expect_eq(st, 0, "%s: man failed", pages[i]);
        cr_expect_str_empty(warn, "%s: man --warnings:\n%s", pages[i], warn);
        free(warn);
        /* groff directly, every warning enabled. */
        snprintf(cmd, sizeof cmd, "groff -man -Tutf8 -ww -z '%s' 2>&1", pages[i]);
        warn = capture(cmd, &st);
        cr_expect_eq(st, 0, "%s: groff failed", pages[i]);
        cr_expect_str_empty(warn, "%s: groff -ww:\n%s", pages[i], warn);
        free(warn);
        /* And it has a body. */
        snprintf(cmd, sizeof cmd, "MANWIDTH=80 man -l '%s' 2>/dev/null | wc -l", pages[i]);
        char *lines = capture(cmd, &st);
        cr_expect_gt(atoi(lines), 40, "%s renders to %s lines", pages[i], lines);
        free(lines);
    }
}

/* README.md shows "the first lines of the real output of `make run`": they
 * are, line for line (the sample had drifted: another headline, another
 * effect, a line fewer). */
Test(docs, readme_shows_the_real_output_of_make_run, .timeout = 120)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "'%s' run studies/brazing.toml 2>/dev/null", bin());
    int status;
    char *out = capture(cmd, &status);
    cr_assert_eq(status, 0, "%s", out);
    char *readme = read_all("README.md");
    char *line = out;
    for (int k = 0; k < 9 && line && *line; k++) {
        char *end = strchr(line, '\n');
        char want[512];
        snprintf(want, sizeof want, "\n    %.*s\n", (int)(end ? end - line : (long)strlen(line)),
                 line);
        cr_expect(strstr(readme, want), "README.md lacks the output line%s", want);
        line = end ? end + 1 : NULL;
    }
    free(readme);
    free(out);
}
