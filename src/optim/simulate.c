/* simulate.c — driving the simulator (simulate.h). */
#include "optim/simulate.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/atomic.h"
#include "core/file.h"
#include "core/json.h"
#include "core/num.h"
#include "core/str.h"
#include "io/toml.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define DATA_MAX_BYTES ((size_t)1 << 30)
#define FIELD_MAX 256

static const char *const simulate_keys[] = {"command", "jobs", "timeout", "tolerance", "shell"};

void sg_simulate_spec_destroy(sg_simulate_spec *sp)
{
    if (!sp)
        return;
    free(sp->command);
    free(sp);
}

/* Factor index of the placeholder name[0..n), or -1. */
static int factor_of(const sg_study *s, const char *name, size_t n)
{
    for (size_t f = 0; f < s->n_factors; f++)
        if (strlen(s->factors[f].name) == n && strncmp(s->factors[f].name, name, n) == 0)
            return (int)f;
    return -1;
}

/* Every {placeholder} of the command names a factor. */
static sg_status check_placeholders(const sg_study *s, const sg_toml_value *at,
                                    const char *cmd, sg_error *err)
{
    for (const char *p = strchr(cmd, '{'); p; p = strchr(p + 1, '{')) {
        const char *e = strchr(p, '}');
        if (!e)
            return sg_toml_error_at(err, SG_ERR_INVALID, at, "command: '{' without '}'");
        if (factor_of(s, p + 1, (size_t)(e - p - 1)) < 0)
            return sg_toml_error_at(err, SG_ERR_INVALID, at,
                                    "command: {%.*s} is not a factor of the study",
                                    (int)(e - p - 1 < 64 ? e - p - 1 : 64), p + 1);
    }
    return SG_OK;
}

sg_status sg_simulate_spec_load(const sg_study *s, sg_simulate_spec **out, sg_error *err)
{
    *out = NULL;
    const sg_toml_value *t = s->simulate;
    if (!t)
        return sg_error_set(err, SG_ERR_INVALID,
                            "%s: no [simulate] section: 'loop' needs the simulator's command, "
                            "e.g. [simulate] command = \"./fem.sh {%s}\"",
                            s->path, s->n_factors ? s->factors[0].name : "factor");
    sg_status st = sg_study_check_keys(t, "[simulate]", simulate_keys, ARRAY_LEN(simulate_keys),
                                       err);
    if (st != SG_OK)
        return st;
    const char *cmd = NULL;
    bool found = false;
    int64_t jobs = 1;
    sg_simulate_spec *sp = calloc(1, sizeof *sp);
    if (!sp)
        return sg_error_set(err, SG_ERR_NOMEM, "out of memory");
    sp->jobs = 1;
    if ((st = sg_toml_get_string(t, "command", true, &cmd, &found, err)) != SG_OK)
        goto fail;
    const sg_toml_value *at = sg_toml_table_get(t, "command");
    if (!cmd[strspn(cmd, " \t")]) {
        st = sg_toml_error_at(err, SG_ERR_INVALID, at, "command is empty");
        goto fail;
    }
    if ((st = check_placeholders(s, at, cmd, err)) != SG_OK)
        goto fail;
    if ((st = sg_toml_get_integer(t, "jobs", false, &jobs, &found, err)) != SG_OK)
        goto fail;
    if (found && (jobs < 1 || jobs > SG_SIMULATE_MAX_JOBS)) {
        st = sg_toml_error_at(err, SG_ERR_INVALID, sg_toml_table_get(t, "jobs"),
                              "jobs must be between 1 and %d (got %lld)", SG_SIMULATE_MAX_JOBS,
                              (long long)jobs);
        goto fail;
    }
    sp->jobs = (size_t)jobs;
    if ((st = sg_toml_get_float(t, "timeout", false, &sp->timeout, &found, err)) != SG_OK ||
        (st = sg_toml_get_float(t, "tolerance", false, &sp->tolerance, &found, err)) != SG_OK ||
        (st = sg_toml_get_bool(t, "shell", false, &sp->shell, &found, err)) != SG_OK)
        goto fail;
    const char *nonneg[] = {"timeout", "tolerance"};
    double vals[] = {sp->timeout, sp->tolerance};
    for (size_t i = 0; i < 2; i++)
        if (!isfinite(vals[i]) || vals[i] < 0) {
            st = sg_toml_error_at(err, SG_ERR_INVALID, sg_toml_table_get(t, nonneg[i]),
                                  "%s must be a number >= 0 (got %g)", nonneg[i], vals[i]);
            goto fail;
        }
    if (!(sp->command = sg_str_dup(cmd))) {
        st = sg_error_set(err, SG_ERR_NOMEM, "out of memory");
        goto fail;
    }
    *out = sp;
    return SG_OK;
fail:
    sg_simulate_spec_destroy(sp);
    return st;
}

void sg_simulate_argv_free(char **argv)
{
    for (size_t i = 0; argv && argv[i]; i++)
        free(argv[i]);
    free(argv);
}

/* word with every {factor} replaced by its setting; malloc'ed. */
static char *substitute(const sg_study *s, const double *x, const char *word, size_t n)
{
    size_t cap = n + 1, len = 0;
    char *out = malloc(cap);
    for (size_t i = 0; out && i < n;) {
        char piece[64];
        const char *add = word + i;
        size_t k = 1;
        const char *e = word[i] == '{' ? memchr(word + i, '}', n - i) : NULL;
        int f = e ? factor_of(s, word + i + 1, (size_t)(e - (word + i)) - 1) : -1;
        if (f >= 0) {
            if (s->factors[f].categorical)
                sg_factor_format(&s->factors[f], x[f], 12, piece, sizeof piece);
            else
                sg_num_snprintf(piece, sizeof piece, "%.12g", x[f]);
            add = piece;
            k = strlen(piece);
            i = (size_t)(e - word) + 1;
        } else {
            i++;
        }
        if (len + k + 1 > cap) {
            cap = 2 * (len + k + 1);
            char *p = realloc(out, cap);
            if (!p) {
                free(out);
                return NULL;
            }
            out = p;
        }
        memcpy(out + len, add, k);
        len += k;
    }
    if (out)
        out[len] = '\0';
    return out;
}

sg_status sg_simulate_argv(const sg_simulate_spec *sp, const sg_study *s, const double *x,
                           char ***argv, sg_error *err)
{
    *argv = calloc(SG_SIMULATE_MAX_WORDS + 1, sizeof **argv);
    if (!*argv)
        return sg_error_set(err, SG_ERR_NOMEM, "out of memory");
    size_t n = 0;
    if (sp->shell) {
        (*argv)[n++] = sg_str_dup("/bin/sh");
        (*argv)[n++] = sg_str_dup("-c");
        (*argv)[n++] = substitute(s, x, sp->command, strlen(sp->command));
    } else {
        const char *p = sp->command;
        while (*p && n < SG_SIMULATE_MAX_WORDS) {
            while (*p == ' ' || *p == '\t')
                p++;
            if (!*p)
                break;
            const char *w = p;
            size_t len;
            if (*p == '"') { /* a quoted word keeps its spaces */
                w = ++p;
                while (*p && *p != '"')
                    p++;
                len = (size_t)(p - w);
                if (*p)
                    p++;
            } else {
                while (*p && *p != ' ' && *p != '\t')
                    p++;
                len = (size_t)(p - w);
            }
            if (!((*argv)[n++] = substitute(s, x, w, len)))
                break;
        }
    }
    for (size_t i = 0; i < n; i++)
        if (!(*argv)[i]) {
            sg_simulate_argv_free(*argv);
            *argv = NULL;
            return sg_error_set(err, SG_ERR_NOMEM, "out of memory");
        }
    return SG_OK;
}

/* Response index of name[0..n) (response or column name), or -1. */
static int response_of(const sg_study *s, const char *name, size_t n)
{
    for (size_t j = 0; j < s->n_responses; j++) {
        const sg_response *r = &s->responses[j];
        if ((strlen(r->name) == n && strncmp(r->name, name, n) == 0) ||
            (strlen(r->column) == n && strncmp(r->column, name, n) == 0))
            return (int)j;
    }
    return -1;
}

static const char *trim(const char *p, const char *end, size_t *n)
{
    while (p < end && isspace((unsigned char)*p))
        p++;
    while (end > p && isspace((unsigned char)end[-1]))
        end--;
    *n = (size_t)(end - p);
    return p;
}

static bool number(const char *p, size_t n, double *v)
{
    char buf[FIELD_MAX], *end;
    if (n == 0 || n >= sizeof buf)
        return false;
    memcpy(buf, p, n);
    buf[n] = '\0';
    *v = sg_num_parse(buf, &end);
    return *end == '\0' && isfinite(*v);
}

/* Response j's value: a number, or for a pass/fail response one of its
 * outcome names (its code). */
static bool response_value(const sg_response *r, const char *p, size_t n, double *v)
{
    char buf[FIELD_MAX];
    if (r->n_labels && n > 0 && n < sizeof buf) {
        memcpy(buf, p, n);
        buf[n] = '\0';
        size_t k = sg_labels_find(r->labels, r->n_labels, buf);
        if (k != SIZE_MAX) {
            *v = (double)k;
            return true;
        }
    }
    return number(p, n, v) && (!r->n_labels || *v == 0.0 || *v == 1.0);
}

/* `name = value` lines. */
static int parse_pairs(const sg_study *s, const char *out, double *y, bool *seen)
{
    int got = 0;
    for (const char *line = out; *line;) {
        const char *eol = strchr(line, '\n');
        if (!eol)
            eol = line + strlen(line);
        const char *eq = memchr(line, '=', (size_t)(eol - line));
        if (eq) {
            size_t kn, vn;
            const char *k = trim(line, eq, &kn), *v = trim(eq + 1, eol, &vn);
            int j = response_of(s, k, kn);
            double val;
            if (j >= 0 && response_value(&s->responses[j], v, vn, &val)) {
                y[j] = val;
                got += !seen[j];
                seen[j] = true;
            }
        }
        line = *eol ? eol + 1 : eol;
    }
    return got;
}

/* One CSV header line and one line of values. */
static int parse_csv(const sg_study *s, const char *out, double *y, bool *seen)
{
    const char *h = out, *he = strchr(h, '\n');
    if (!he)
        return 0;
    const char *v = he + 1, *ve = strchr(v, '\n');
    if (!ve)
        ve = v + strlen(v);
    int got = 0;
    while (h < he && v <= ve) {
        const char *hc = memchr(h, ',', (size_t)(he - h)), *vc = memchr(v, ',', (size_t)(ve - v));
        if (!hc)
            hc = he;
        if (!vc)
            vc = ve;
        size_t kn, vn;
        const char *k = trim(h, hc, &kn), *val = trim(v, vc, &vn);
        int j = response_of(s, k, kn);
        double d;
        if (j >= 0 && response_value(&s->responses[j], val, vn, &d)) {
            y[j] = d;
            got += !seen[j];
            seen[j] = true;
        }
        h = hc + 1;
        v = vc + 1;
    }
    return got;
}

sg_status sg_simulate_parse_output(const sg_study *s, const char *out, double *y, sg_error *err)
{
    bool seen[SG_STUDY_MAX_RESPONSES] = {false};
    bool seen2[SG_STUDY_MAX_RESPONSES] = {false};
    double y2[SG_STUDY_MAX_RESPONSES];
    int a = parse_pairs(s, out, y, seen);
    if (a < (int)s->n_responses) {
        int b = parse_csv(s, out, y2, seen2);
        if (b > a) {
            memcpy(y, y2, s->n_responses * sizeof *y);
            memcpy(seen, seen2, sizeof seen);
            a = b;
        }
    }
    for (size_t j = 0; j < s->n_responses; j++)
        if (!seen[j])
            return sg_error_set(err, SG_ERR_INVALID,
                                "the simulator printed no number for %s (expected lines "
                                "'%s = value', or a CSV header line and one line of values)",
                                s->responses[j].name, s->responses[j].name);
    return SG_OK;
}

/* ---- appending a run to the CSV data file ------------------------------- */

/* The delimiter of the header line: the most frequent of , ; tab. */
static char delimiter(const char *line, size_t n)
{
    size_t c[3] = {0, 0, 0};
    const char d[3] = {',', ';', '\t'};
    for (size_t i = 0; i < n; i++)
        for (int k = 0; k < 3; k++)
            c[k] += line[i] == d[k];
    int best = 0;
    for (int k = 1; k < 3; k++)
        if (c[k] > c[best])
            best = k;
    return d[best];
}

/* Field i of the line (unquoted copy into buf); false past the end. */
static bool field(const char *line, size_t n, char delim, size_t i, char *buf, size_t cap)
{
    size_t k = 0, start = 0;
    for (size_t p = 0; p <= n; p++) {
        if (p == n || line[p] == delim) {
            if (k == i) {
                size_t len;
                const char *f = trim(line + start, line + p, &len);
                if (len >= 2 && f[0] == '"' && f[len - 1] == '"') {
                    f++;
                    len -= 2;
                }
                if (len >= cap)
                    len = cap - 1;
                memcpy(buf, f, len);
                buf[len] = '\0';
                return true;
            }
            k++;
            start = p + 1;
        }
    }
    return false;
}

/* Is the header line the one naming every study column? */
static bool is_header(const sg_study *s, const char *line, size_t n, char delim)
{
    char buf[FIELD_MAX];
    size_t hits = 0;
    for (size_t i = 0; field(line, n, delim, i, buf, sizeof buf); i++) {
        char *br = strstr(buf, " ["); /* "name [unit]" */
        if (br)
            *br = '\0';
        for (size_t f = 0; f < s->n_factors; f++)
            hits += strcmp(buf, s->factors[f].column) == 0;
        for (size_t j = 0; j < s->n_responses; j++)
            hits += strcmp(buf, s->responses[j].column) == 0;
    }
    return hits == s->n_factors + s->n_responses;
}

/* v with the fewest significant digits that read back as v exactly. */
static void shortest(double v, char *buf, size_t cap)
{
    for (int d = 6; d <= 17; d++) {
        sg_num_snprintf(buf, cap, "%.*g", d, v);
        char *end;
        if (sg_num_parse(buf, &end) == v)
            return;
    }
}

/* The value of column name for the new row into buf ("" when empty). */
static void cell(const sg_study *s, const char *name, const double *x, const double *y,
                 double run, char *buf, size_t cap)
{
    buf[0] = '\0';
    char col[FIELD_MAX];
    snprintf(col, sizeof col, "%s", name);
    char *br = strstr(col, " [");
    if (br)
        *br = '\0';
    for (size_t f = 0; f < s->n_factors; f++)
        if (strcmp(col, s->factors[f].column) == 0) {
            if (s->factors[f].categorical)
                sg_factor_format(&s->factors[f], x[f], 12, buf, cap);
            else
                sg_num_snprintf(buf, cap, "%.12g", x[f]);
        }
    for (size_t j = 0; j < s->n_responses; j++)
        if (strcmp(col, s->responses[j].column) == 0) {
            if (!y)
                snprintf(buf, cap, "%s", SG_SIMULATE_FAILED_MARK);
            else if (s->responses[j].n_labels && isfinite(y[j]))
                snprintf(buf, cap, "%s", s->responses[j].labels[y[j] > 0.5]);
            else
                shortest(y[j], buf, cap);
        }
    if (strcmp(col, "run") == 0 && run > 0)
        sg_num_snprintf(buf, cap, "%.0f", run);
}

/* Replace path by data atomically, keeping the file's permissions. */
static sg_status write_keeping_mode(const char *path, const char *data, size_t n, sg_error *err)
{
    char *tmp = NULL;
    sg_status st = sg_atomic_begin(path, 0, &tmp, err);
    if (st != SG_OK)
        return st;
    FILE *fp = fopen(tmp, "wb");
    bool ok = fp && fwrite(data, 1, n, fp) == n;
    if (fp && fclose(fp) != 0)
        ok = false;
    if (!ok) {
        sg_atomic_abort(tmp);
        return sg_error_set(err, SG_ERR_IO, "%s: cannot write the new run", path);
    }
    return sg_atomic_commit(tmp, path, SG_ATOMIC_KEEP_MODE, err);
}

static bool is_workbook(const char *buf, size_t len)
{
    return len >= 2 && ((buf[0] == 'P' && buf[1] == 'K') || (unsigned char)buf[0] == 0xD0);
}

static sg_status workbook_refused(const sg_study *s, sg_error *err)
{
    return sg_error_set(err, SG_ERR_INVALID,
                        "%s: 'loop' appends its runs to a CSV data file; this is a workbook: "
                        "save the table as CSV and point [data] file at it",
                        s->data_path);
}

sg_status sg_simulate_check_data(const sg_study *s, sg_error *err)
{
    if (!s->data_path)
        return sg_error_set(err, SG_ERR_INVALID, "%s: no [data] file to append the runs to",
                            s->path);
    FILE *fp = fopen(s->data_path, "rb");
    if (!fp)
        return sg_error_set(err, SG_ERR_IO, "%s: cannot open the data file", s->data_path);
    char head[8];
    size_t n = fread(head, 1, sizeof head, fp);
    fclose(fp);
    return is_workbook(head, n) ? workbook_refused(s, err) : SG_OK;
}

sg_status sg_simulate_append_run(const sg_study *s, const double *x, const double *y,
                                 sg_error *err)
{
    char *buf = NULL;
    size_t len = 0;
    sg_status st = sg_file_read(s->data_path, DATA_MAX_BYTES, &buf, &len, err);
    if (st != SG_OK)
        return st;
    if (is_workbook(buf, len)) {
        free(buf);
        return workbook_refused(s, err);
    }
    /* the header line, its delimiter and the largest run number */
    const char *hdr = NULL;
    size_t hn = 0, run_col = (size_t)-1;
    char delim = ',';
    double max_run = 0.0;
    char f[FIELD_MAX];
    for (const char *line = buf; line < buf + len;) {
        const char *eol = memchr(line, '\n', (size_t)(buf + len - line));
        size_t n = (size_t)((eol ? eol : buf + len) - line);
        if (n && line[n - 1] == '\r')
            n--;
        if (!hdr) {
            char d = delimiter(line, n);
            if (is_header(s, line, n, d)) {
                hdr = line;
                hn = n;
                delim = d;
                for (size_t i = 0; field(hdr, hn, delim, i, f, sizeof f); i++)
                    if (strcmp(f, "run") == 0)
                        run_col = i;
            }
        } else if (run_col != (size_t)-1 && field(line, n, delim, run_col, f, sizeof f)) {
            char *end;
            double v = sg_num_parse(f, &end);
            if (*end == '\0' && isfinite(v) && v > max_run)
                max_run = floor(v);
        }
        line = eol ? eol + 1 : buf + len;
    }
    if (!hdr) {
        free(buf);
        return sg_error_set(err, SG_ERR_INVALID, "%s: no header line naming the study's columns",
                            s->data_path);
    }
    /* the file with the new line */
    size_t cap = len + 2 + 200 * (s->n_factors + s->n_responses + 8) + hn;
    char *text = malloc(cap);
    if (!text) {
        free(buf);
        return sg_error_set(err, SG_ERR_NOMEM, "out of memory");
    }
    memcpy(text, buf, len);
    size_t used = len;
    if (used && text[used - 1] != '\n')
        text[used++] = '\n';
    char v[96];
    for (size_t i = 0; field(hdr, hn, delim, i, f, sizeof f); i++) {
        cell(s, f, x, y, run_col != (size_t)-1 ? max_run + 1 : 0, v, sizeof v);
        if (i)
            text[used++] = delim;
        bool quote = strchr(v, delim) || strchr(v, '"'); /* a name may hold either */
        if (quote)
            text[used++] = '"';
        for (const char *c = v; *c && used + 3 < cap; c++) {
            if (*c == '"')
                text[used++] = '"';
            text[used++] = *c;
        }
        if (quote)
            text[used++] = '"';
    }
    text[used++] = '\n';
    free(buf);
    st = write_keeping_mode(s->data_path, text, used, err);
    free(text);
    return st;
}

sg_status sg_simulate_summary_to_json(const sg_simulate_summary *s, cJSON **out, sg_error *err)
{
    sg_json_builder jb, *b = &jb;
    cJSON *root = sg_json_build_begin(b);
    sg_json_string(b, root, "stopped", s->stopped);
    sg_json_count(b, root, "iterations", s->iterations);
    sg_json_count(b, root, "simulations", s->simulations);
    sg_json_count(b, root, "appended", s->appended);
    sg_json_count(b, root, "failed", s->failed);
    sg_json_number(b, root, "best", s->best);
    sg_json_string(b, root, "data_file", s->data_file);
    sg_json_string(b, root, "log", s->log);
    return sg_json_build_end(b, root, "loop", out, err);
}
