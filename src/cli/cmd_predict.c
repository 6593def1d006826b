/* cmd_predict.c — `surrogate predict model.json --at ... | --in points.csv`. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/atomic.h"
#include "core/outputs.h"
#include "cli/cli.h"
#include "core/str.h"
#include "core/num.h"
#include "model/predict.h"

#define AT_MAX_LEN 4096 /* longest --at text */

static const sg_cli_option predict_options[] = {
    {"--at", 'a', "NAME=VALUE,...", NULL, "predict at one point (every factor, engineering units)"},
    {"--in", 'i', "FILE", NULL, "predict at every row of a CSV file (columns named by factor)"},
    {"--out", 'o', "FILE", "standard output", "write the --in predictions to this CSV file"},
};

/* Number of responses with a calibrated interval. */
static size_t n_calibrated(const sg_model *m)
{
    size_t k = 0;
    for (size_t j = 0; j < sg_model_n_out(m); j++)
        k += sg_model_calibration_of(m, j) != NULL;
    return k;
}

/* Valid factor names as "a, b, c" into buf. */
static void list_factors(const sg_model *m, char *buf, size_t cap)
{
    size_t k = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < sg_model_n_in(m) && k < cap; i++)
        k += (size_t)snprintf(buf + k, cap - k, "%s%s", i ? ", " : "", sg_model_factor_name(m, i));
}

static int factor_index(const sg_model *m, const char *name)
{
    for (size_t i = 0; i < sg_model_n_in(m); i++)
        if (strcmp(sg_model_factor_name(m, i), name) == 0)
            return (int)i;
    return -1;
}

/* Parse "a=1,b=2" into x (n_in).  Returns an exit code (usage errors printed). */
static int parse_at(const sg_cli_args *a, const sg_model *m, const char *text, double *x)
{
    size_t n_in = sg_model_n_in(m);
    char names[1024], buf[AT_MAX_LEN];
    list_factors(m, names, sizeof names);
    if (strlen(text) >= sizeof buf)
        return sg_cli_usage_error(a->cmd, "--at is too long");
    strcpy(buf, text);
    bool *seen = calloc(n_in ? n_in : 1, sizeof *seen);
    if (!seen)
        return SG_EXIT_FAILURE;
    int code = SG_EXIT_OK;
    char *save = NULL;
    for (char *tok = strtok_r(buf, ",", &save); tok && code == SG_EXIT_OK;
         tok = strtok_r(NULL, ",", &save)) {
        while (*tok == ' ')
            tok++;
        char *eq = strchr(tok, '=');
        if (!eq) {
            code = sg_cli_usage_error(a->cmd, "--at: '%s' is not NAME=VALUE (factors: %s)", tok,
                                      names);
            break;
        }
        *eq = '\0';
        char *end = eq;
        while (end > tok && end[-1] == ' ')
            *--end = '\0';
        int i = factor_index(m, tok);
        if (i < 0) {
            const char *cand[SG_STUDY_MAX_FACTORS];
            size_t nc = 0;
            for (size_t k = 0; k < n_in && nc < SG_STUDY_MAX_FACTORS; k++)
                cand[nc++] = sg_model_factor_name(m, k);
            const char *hint = sg_str_suggest(tok, cand, nc);
            if (hint)
                code = sg_cli_usage_error(a->cmd,
                                          "--at: unknown factor '%s'; did you mean '%s'? "
                                          "(factors: %s)",
                                          tok, hint, names);
            else
                code = sg_cli_usage_error(a->cmd, "--at: unknown factor '%s' (factors: %s)", tok,
                                          names);
            break;
        }
        if (seen[i]) {
            code = sg_cli_usage_error(a->cmd, "--at: factor '%s' is given twice", tok);
            break;
        }
        sg_error e;
        size_t nl;
        char *const *labels = sg_model_factor_labels(m, (size_t)i, &nl);
        if (labels) {
            char *v = eq + 1;
            while (*v == ' ')
                v++;
            size_t k = sg_labels_find(labels, nl, v);
            if (k == SIZE_MAX) {
                char list[512] = "";
                for (size_t q = 0; q < nl && strlen(list) + 70 < sizeof list; q++)
                    snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s",
                             q ? ", " : "", labels[q]);
                code = sg_cli_usage_error(a->cmd, "--at: %s: '%s' is not one of its names (%s)",
                                          tok, v, list);
                break;
            }
            x[i] = (double)k;
        } else if (sg_table_parse_number(eq + 1, &x[i], &e) != SG_OK) {
            code = sg_cli_usage_error(a->cmd, "--at: %s: %s", tok, e.msg);
            break;
        }
        seen[i] = true;
    }
    if (code == SG_EXIT_OK) {
        char missing[1024];
        size_t k = 0;
        missing[0] = '\0';
        for (size_t i = 0; i < n_in && k < sizeof missing; i++)
            if (!seen[i])
                k += (size_t)snprintf(missing + k, sizeof missing - k, "%s%s", k ? ", " : "",
                                      sg_model_factor_name(m, i));
        if (k)
            code = sg_cli_usage_error(a->cmd, "--at: missing factor%s %s (every factor is "
                                              "needed: %s)",
                                      strchr(missing, ',') ? "s" : "", missing, names);
    }
    free(seen);
    return code;
}

/* Extrapolation of x as text ("temperature 1200 C is 50 C above the fitted
 * range [1090, 1150]; ...") into buf.  Returns true when x is outside the
 * bounds. */
static bool describe_extrapolation(const sg_model *m, const double *x, char *buf, size_t cap)
{
    size_t k = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < sg_model_n_in(m); i++) {
        double lo = sg_model_factor_lo(m, i), hi = sg_model_factor_hi(m, i);
        if (x[i] >= lo && x[i] <= hi)
            continue;
        bool below = x[i] < lo;
        double d = below ? lo - x[i] : x[i] - hi;
        const char *u = sg_model_factor_unit(m, i), *sp = u[0] ? " " : "";
        if (k < cap)
            k += (size_t)sg_num_snprintf(buf + k, cap - k, "%s%s = %g%s%s is %g%s%s %s the fitted range "
                                                    "[%g, %g]",
                                  k ? "; " : "", sg_model_factor_name(m, i), x[i], sp, u, d, sp,
                                  u, below ? "below" : "above", lo, hi);
    }
    return k > 0;
}

/* The factors the model ignores (no run varied them) as one sentence into
 * buf: "cooling: no run varied it, so the model ignores it: the
 * predictions are the same at any cooling, which no run supports".
 * Returns false when it ignores none. */
static bool describe_ignored(const sg_model *m, char *buf, size_t cap)
{
    size_t k = 0, count = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < sg_model_n_in(m) && k < cap; i++)
        if (sg_model_factor_ignored(m, i)) {
            k += (size_t)snprintf(buf + k, cap - k, "%s%s", count ? ", " : "",
                                  sg_model_factor_name(m, i));
            count++;
        }
    if (count && k < cap)
        snprintf(buf + k, cap - k,
                 ": no run varied %s, so the model ignores %s: the predictions are the same "
                 "at any setting of %s, which no run supports",
                 count > 1 ? "them" : "it", count > 1 ? "them" : "it",
                 count > 1 ? "them" : "it");
    return count > 0;
}

/* Put the "predict" object (library encoder) into the document: the model
 * file and its intervals, with the points p when not NULL. */
static int put_json(sg_cli_ctx *ctx, const sg_model *m, const sg_predict_points *p)
{
    sg_error err;
    sg_error_clear(&err);
    cJSON *o = NULL;
    if (sg_predict_to_json(m, ctx->args->study_path, p, &o, &err) != SG_OK)
        return sg_cli_fail(ctx, &err);
    return sg_cli_json_put(ctx, NULL, "predict", o);
}

static int predict_at(sg_cli_ctx *ctx, const sg_model *m, sg_model_work *w, const char *at)
{
    size_t n_in = sg_model_n_in(m), n_out = sg_model_n_out(m);
    double x[SG_STUDY_MAX_FACTORS], mean[SG_STUDY_MAX_RESPONSES], sd[SG_STUDY_MAX_RESPONSES];
    if (n_in > SG_STUDY_MAX_FACTORS || n_out > SG_STUDY_MAX_RESPONSES) {
        sg_error e;
        sg_error_set(&e, SG_ERR_LIMIT, "model has too many factors or responses");
        return sg_cli_fail(ctx, &e);
    }
    int code = parse_at(ctx->args, m, at, x);
    if (code != SG_EXIT_OK)
        return code;
    sg_error e;
    if (sg_model_predict_batch(m, w, x, 1, mean, sd, &e) != SG_OK)
        return sg_cli_fail(ctx, &e);
    sg_predict_points pts = {1, x, mean, sd, false, NULL};
    if ((code = put_json(ctx, m, &pts)) != SG_EXIT_OK || ctx->args->json)
        return code;
    printf("Prediction at");
    for (size_t i = 0; i < n_in; i++) {
        const char *u = sg_model_factor_unit(m, i);
        const char *name = sg_model_factor_label_of(m, i, x[i]);
        if (name)
            printf("%s %s = %s", i ? "," : "", sg_model_factor_name(m, i), name);
        else
            sg_num_fprintf(stdout, "%s %s = %g%s%s", i ? "," : "", sg_model_factor_name(m, i),
                           x[i], u[0] ? " " : "", u);
    }
    printf(":\n");
    for (size_t j = 0; j < n_out; j++) {
        const char *u = sg_model_response_unit(m, j), *sp = u[0] ? " " : "";
        const sg_model_calibration *c = sg_model_calibration_of(m, j);
        size_t nl;
        char *const *outcomes = sg_model_response_labels(m, j, &nl);
        if (outcomes && sg_model_is_class(m, j)) {
            double P[SG_MODEL_MAX_CLASSES], S[SG_MODEL_MAX_CLASSES];
            size_t k = sg_model_predict_proba(m, w, x, j, P, S);
            printf("  %-20s most probable: %s;", sg_model_response_name(m, j),
                   outcomes[(size_t)mean[j]]);
            for (size_t q = 0; q < k; q++)
                sg_num_fprintf(stdout, "%s P(%s) = %.4g ± %.2g", q ? "," : "", outcomes[q], P[q],
                               S[q]);
            printf(" (members' spread)\n");
            continue;
        }
        if (outcomes) {
            sg_num_fprintf(stdout, "  %-20s P(%s) = %.4g ± %.2g (members' spread)\n",
                           sg_model_response_name(m, j), outcomes[1], mean[j], sd[j]);
            continue;
        }
        sg_num_fprintf(stdout, "  %-20s %14.6g ± %.3g%s%s (spread)", sg_model_response_name(m, j), mean[j], sd[j],
               sp, u);
        if (c) {
            double lo, hi;
            sg_model_interval(m, j, mean[j], c->half_width, &lo, &hi);
            bool clipped = sg_model_clip_interval(m, j, &lo, &hi);
            char width[64];
            sg_model_interval_text(sg_model_response_is_log(m, j), c->half_width, -3, "", width,
                                   sizeof width);
            sg_num_fprintf(stdout, ";  %g%% interval %.6g to %.6g%s%s (%s%s, %s-calibrated%s)",
                           100.0 * c->level, lo, hi, sp, u, width,
                           c->window ? " anywhere in the window" : "", c->cv,
                           clipped ? ", clipped to the physical limit" : "");
        }
        printf("\n");
    }
    printf("(%s)\n", sg_predict_interval_note(m));
    char text[1024];
    if (describe_extrapolation(m, x, text, sizeof text))
        printf("WARNING: extrapolation: %s; the prediction is not supported by the data\n", text);
    if (describe_ignored(m, text, sizeof text))
        printf("NOTE: %s\n", text);
    return SG_EXIT_OK;
}

/* Column col is named after factor name: it is the name or starts with
 * "name_" (as in thickness_um). */
static bool names_factor(const char *col, const char *name)
{
    size_t len = strlen(name);
    return strncmp(col, name, len) == 0 && (col[len] == '\0' || col[len] == '_');
}

/* Column of the CSV for factor i: the one named after it, unless it is
 * named after a factor with a longer name too (temp_max_C belongs to
 * temp_max, not to temp).  NULL when there is none, or when two columns
 * match (thickness and thickness_um): then *first and *other are set to
 * them, so the error can name both instead of silently picking one. */
static const char *match_column(const sg_model *m, size_t i, const sg_table *hdr,
                                const char **first, const char **other)
{
    const char *name = sg_model_factor_name(m, i), *hit = NULL;
    *first = *other = NULL;
    for (size_t c = 0; c < hdr->n_file_columns; c++) {
        const char *col = hdr->file_columns[c];
        if (!names_factor(col, name))
            continue;
        bool better = false;
        for (size_t g = 0; g < sg_model_n_in(m) && !better; g++)
            better = strlen(sg_model_factor_name(m, g)) > strlen(name) &&
                     names_factor(col, sg_model_factor_name(m, g));
        if (!better) {
            if (hit) {
                *first = hit;
                *other = col;
                return NULL;
            }
            hit = col;
        }
    }
    return hit;
}

/* A CSV field, quoted when it holds a comma, a quote or a line end. */
static void write_quoted(FILE *fp, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, fp);
        return;
    }
    fputc('"', fp);
    for (const char *c = s; *c; c++) {
        if (*c == '"')
            fputc('"', fp);
        fputc(*c, fp);
    }
    fputc('"', fp);
}

/* v and a comma: every digit that matters and no more, so a setting read
 * as 0.3046 is echoed as typed. */
static void put_exact(FILE *fp, double v)
{
    char b[SG_NUM_EXACT_CAP];
    fputs(sg_num_exact(b, sizeof b, v), fp);
    fputc(',', fp);
}

/* Write the predictions CSV to fp. */
static int write_csv(FILE *fp, const sg_model *m, sg_model_work *w, const sg_table *t,
                     const double *X, const double *Mean, const double *Sd)
{
    size_t n_in = sg_model_n_in(m), n_out = sg_model_n_out(m);
    for (size_t i = 0; i < n_in; i++)
        fprintf(fp, "%s,", sg_model_factor_name(m, i));
    for (size_t j = 0; j < n_out; j++) {
        const char *nm = sg_model_response_name(m, j);
        size_t nl;
        char *const *outcomes = sg_model_response_labels(m, j, &nl);
        if (outcomes && sg_model_is_class(m, j)) { /* the name, each probability */
            fprintf(fp, "%s,", nm);
            for (size_t c = 0; c < nl; c++) {
                fprintf(fp, "%s_p_", nm);
                write_quoted(fp, outcomes[c]);
                fprintf(fp, ",%s_spread_", nm);
                write_quoted(fp, outcomes[c]);
                fputc(',', fp);
            }
            continue;
        }
        if (outcomes) { /* the probability of the second outcome */
            fprintf(fp, "%s_p_", nm);
            write_quoted(fp, outcomes[1]);
            fprintf(fp, ",%s_spread,", nm);
            continue;
        }
        fprintf(fp, "%s,%s_spread,", nm, nm);
        if (sg_model_calibration_of(m, j))
            fprintf(fp, "%s_lower,%s_upper,", nm, nm);
    }
    fprintf(fp, "extrapolation\n");
    char text[1024];
    for (size_t r = 0; r < t->n_rows; r++) {
        for (size_t i = 0; i < n_in; i++) {
            const char *name = sg_model_factor_label_of(m, i, X[r * n_in + i]);
            if (name) /* names may hold commas or quotes: quote them */
                write_quoted(fp, name), fputc(',', fp);
            else
                put_exact(fp, X[r * n_in + i]);
        }
        for (size_t j = 0; j < n_out; j++) {
            double mu = Mean[r * n_out + j];
            size_t nl;
            char *const *names = sg_model_response_labels(m, j, &nl);
            if (names && sg_model_is_class(m, j)) {
                double P[SG_MODEL_MAX_CLASSES], S[SG_MODEL_MAX_CLASSES];
                size_t k = sg_model_predict_proba(m, w, X + r * n_in, j, P, S);
                write_quoted(fp, names[(size_t)mu]);
                fputc(',', fp);
                for (size_t c = 0; c < k; c++)
                    put_exact(fp, P[c]), put_exact(fp, S[c]);
                continue;
            }
            put_exact(fp, mu), put_exact(fp, Sd[r * n_out + j]);
            const sg_model_calibration *c = sg_model_calibration_of(m, j);
            if (c) {
                double lo, hi;
                sg_model_interval(m, j, mu, c->half_width, &lo, &hi);
                sg_model_clip_interval(m, j, &lo, &hi); /* to the physical limits */
                put_exact(fp, lo), put_exact(fp, hi);
            }
        }
        if (describe_extrapolation(m, X + r * n_in, text, sizeof text)) {
            fputc('"', fp);
            for (const char *c = text; *c; c++) {
                if (*c == '"')
                    fputc('"', fp);
                fputc(*c, fp);
            }
            fputc('"', fp);
        }
        fputc('\n', fp);
    }
    return ferror(fp) ? -1 : 0;
}

/* Write to path atomically: temporary file beside it, fsync, rename. */
static sg_status write_atomic(const char *path, const sg_model *m, sg_model_work *w,
                              const sg_table *t, const double *X, const double *Mean,
                              const double *Sd, sg_error *err)
{
    char *tmp = NULL;
    sg_status st = sg_atomic_begin(path, 0, &tmp, err);
    if (st != SG_OK) {
        if (st == SG_ERR_IO)
            sg_error_set(err, SG_ERR_IO, "%s: cannot write: %s", path, strerror(errno));
        return st;
    }
    FILE *fp = fopen(tmp, "w");
    int bad = !fp || write_csv(fp, m, w, t, X, Mean, Sd) != 0;
    if (fp && fflush(fp) != 0)
        bad = 1;
    if (fp && fclose(fp) != 0)
        bad = 1;
    if (bad) {
        int e = errno;
        sg_atomic_abort(tmp);
        return sg_error_set(err, SG_ERR_IO, "%s: cannot write: %s", path, strerror(e));
    }
    st = sg_atomic_commit(tmp, path, 0, err);
    if (st == SG_ERR_IO)
        sg_error_set(err, SG_ERR_IO, "%s: cannot write: %s", path, strerror(errno));
    return st;
}

static int predict_in(sg_cli_ctx *ctx, const sg_model *m, sg_model_work *w, const char *in,
                      const char *outp)
{
    size_t n_in = sg_model_n_in(m), n_out = sg_model_n_out(m);
    sg_error err;
    sg_error_clear(&err);
    sg_table *hdr = NULL, *t = NULL;
    double *X = NULL, *Mean = NULL, *Sd = NULL;
    const char **cols = NULL;
    int code = SG_EXIT_OK;
    if (sg_table_load(in, NULL, 0, 0, &hdr, NULL, &err) != SG_OK) {
        code = sg_cli_fail(ctx, &err);
        goto done;
    }
    cols = calloc(n_in ? n_in : 1, sizeof *cols);
    if (!cols) {
        code = SG_EXIT_FAILURE;
        goto done;
    }
    for (size_t i = 0; i < n_in; i++) {
        const char *first, *other;
        if (!(cols[i] = match_column(m, i, hdr, &first, &other)) && other) {
            sg_error_set(&err, SG_ERR_INVALID,
                         "%s: columns '%s' and '%s' both match factor '%s': keep one, or rename "
                         "the other so that it neither is '%s' nor starts with '%s_'",
                         in, first, other, sg_model_factor_name(m, i), sg_model_factor_name(m, i),
                         sg_model_factor_name(m, i));
            code = sg_cli_fail(ctx, &err);
            goto done;
        }
        if (!cols[i]) {
            char names[1024], have[2048];
            size_t k = 0;
            list_factors(m, names, sizeof names);
            have[0] = '\0';
            for (size_t c = 0; c < hdr->n_file_columns && k < sizeof have; c++)
                k += (size_t)snprintf(have + k, sizeof have - k, "%s%s", c ? ", " : "",
                                      hdr->file_columns[c]);
            sg_error_set(&err, SG_ERR_INVALID,
                         "%s: no column for factor '%s' (needed: %s; the file has: %s)", in,
                         sg_model_factor_name(m, i), names, have);
            code = sg_cli_fail(ctx, &err);
            goto done;
        }
    }
    char *const *labels[SG_MLP_MAX_WIDTH];
    size_t n_labels[SG_MLP_MAX_WIDTH];
    for (size_t i = 0; i < n_in; i++)
        labels[i] = sg_model_factor_labels(m, i, &n_labels[i]);
    sg_table_request req = {.columns = cols, .n_cols = n_in, .n_factors = n_in,
                            .labels = labels, .n_labels = n_labels, .labels_of_model = true};
    if (sg_table_read(in, &req, &t, NULL, &err) != SG_OK) {
        code = sg_cli_fail(ctx, &err);
        goto done;
    }
    if (t->from_cp1252)
        sg_cli_note(ctx, "note: %s is not UTF-8 text: it was read as Windows-1252 (Latin-1) and "
                         "converted; save it as CSV UTF-8 to be sure of every character",
                    in);
    size_t n = t->n_rows;
    X = malloc((n ? n : 1) * n_in * sizeof *X);
    Mean = malloc((n ? n : 1) * n_out * sizeof *Mean);
    Sd = malloc((n ? n : 1) * n_out * sizeof *Sd);
    if (!X || !Mean || !Sd) {
        sg_error_set(&err, SG_ERR_NOMEM, "out of memory");
        code = sg_cli_fail(ctx, &err);
        goto done;
    }
    memcpy(X, t->x, n * n_in * sizeof *X);
    for (size_t r = 0; r < n; r++)
        if (sg_model_check_point(m, X + r * n_in, &err) != SG_OK) {
            char at[1100];
            snprintf(at, sizeof at, "%s:%d", in, t->line[r]);
            sg_error_prefix(&err, at);
            code = sg_cli_fail(ctx, &err);
            goto done;
        }
    if (sg_model_predict_batch(m, w, X, n, Mean, Sd, &err) != SG_OK) {
        code = sg_cli_fail(ctx, &err);
        goto done;
    }
    size_t n_extra = 0;
    for (size_t r = 0; r < n; r++)
        n_extra += sg_model_extrapolates(m, X + r * n_in) ? 1 : 0;
    sg_predict_points pts = {n, X, Mean, Sd, true, NULL};
    if (outp) {
        if (write_atomic(outp, m, w, t, X, Mean, Sd, &err) != SG_OK) {
            put_json(ctx, m, &pts); /* the predictions, without "out" */
            code = sg_cli_fail(ctx, &err);
            goto done;
        }
        pts.out_path = outp;
    }
    if ((code = put_json(ctx, m, &pts)) != SG_EXIT_OK)
        goto done;
    if (outp) {
        if (!ctx->args->json)
            printf("Predicted %zu rows of %s into %s (%zu outside the fitted bounds; see the "
                   "extrapolation column)\n(%s)\n",
                   n, in, outp, n_extra,
                   n_calibrated(m) ? "columns <response>_lower and _upper: the calibrated "
                                     "interval"
                                   : sg_predict_interval_note(m));
    } else if (!ctx->args->json) {
        write_csv(stdout, m, w, t, X, Mean, Sd);
    }
    if (n_extra && !ctx->args->json)
        fprintf(stderr, "surrogate: WARNING: %zu of %zu rows lie outside the fitted bounds "
                        "(extrapolation)\n",
                n_extra, n);
    char text[1024];
    if (!ctx->args->json && describe_ignored(m, text, sizeof text))
        fprintf(stderr, "surrogate: NOTE: %s\n", text);
done:
    free(cols);
    free(X);
    free(Mean);
    free(Sd);
    sg_table_destroy(hdr);
    sg_table_destroy(t);
    return code;
}

/* A predictions file this command wrote: its header ends with the
 * extrapolation column (write_csv). */
static bool predictions_file_is_own(void *user, const char *path)
{
    (void)user;
    FILE *fp = fopen(path, "r");
    char line[8192];
    bool own = fp && fgets(line, sizeof line, fp) && strchr(line, '\n');
    if (fp)
        fclose(fp);
    if (!own)
        return false;
    line[strcspn(line, "\r\n")] = '\0';
    size_t n = strlen(line), k = strlen(",extrapolation");
    return n > k && strcmp(line + n - k, ",extrapolation") == 0;
}

/* The output rule (core/outputs.h) for --out, before any work. */
static int check_out(sg_cli_ctx *ctx, const char *model, const char *in, const char *outp)
{
    sg_error err;
    sg_error_clear(&err);
    sg_input inputs[] = {{"model file", model}, {"--in file", in}};
    sg_output out = {"--out file", outp, false, predictions_file_is_own, NULL};
    sg_outputs_clean_stale(outp);
    sg_outputs_plan plan = {inputs, 2, &out, 1, NULL, 0};
    return sg_outputs_check(&plan, &err) == SG_OK ? SG_EXIT_OK : sg_cli_fail(ctx, &err);
}

/* Whether path starts like a TOML study (a '[' or 'key =' line) rather
 * than a JSON model ('{'): whatever its name, say what was expected. */
static bool looks_like_study(const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return false;
    char line[256];
    bool study = false;
    while (fgets(line, sizeof line, fp)) {
        const char *c = line + strspn(line, " \t\r\n");
        if (!*c || *c == '#')
            continue;
        study = *c == '[' || strchr(c, '=') != NULL;
        break;
    }
    fclose(fp);
    return study;
}

static int predict_main(const sg_cli_args *a)
{
    const char *at = sg_cli_opt(a, "--at"), *in = sg_cli_opt(a, "--in"),
               *outp = sg_cli_opt(a, "--out");
    if (!at == !in)
        return sg_cli_usage_error(a->cmd, "give exactly one of --at NAME=VALUE,... or --in FILE");
    if (outp && !in)
        return sg_cli_usage_error(a->cmd, "--out goes with --in");
    /* A study file here is a common slip; say what is expected, not "bad JSON". */
    size_t len = strlen(a->study_path);
    if (len >= 5 && strcmp(a->study_path + len - 5, ".toml") == 0)
        return sg_cli_usage_error(a->cmd, "expects a model file written by 'fit' (model.json), "
                                          "not a study file; run 'surrogate fit' first");
    sg_cli_ctx ctx;
    int code = sg_cli_ctx_init(&ctx, a);
    if (code != SG_EXIT_OK)
        return code;
    sg_error err;
    sg_error_clear(&err);
    sg_model *m = NULL;
    sg_model_work *w = NULL;
    if (outp && (code = check_out(&ctx, a->study_path, in, outp)) != SG_EXIT_OK)
        return sg_cli_finish(&ctx, code);
    if (sg_model_load(a->study_path, &m, &err) != SG_OK ||
        sg_model_work_create(m, &w, &err) != SG_OK) {
        sg_model_destroy(m);
        if (!m && looks_like_study(a->study_path))
            return sg_cli_finish(&ctx, sg_cli_usage_error(a->cmd,
                "expects a model file written by 'fit' (model.json); this looks like a study "
                "file: run 'surrogate fit' on it first"));
        return sg_cli_finish(&ctx, sg_cli_fail(&ctx, &err));
    }
    if ((code = put_json(&ctx, m, NULL)) == SG_EXIT_OK) {
        char weak[1024];
        if (!a->json && sg_predict_weak_warning(m, weak, sizeof weak))
            fprintf(stderr, "surrogate: WARNING: %s\n", weak);
        code = at ? predict_at(&ctx, m, w, at) : predict_in(&ctx, m, w, in, outp);
    }
    sg_model_work_destroy(w);
    sg_model_destroy(m);
    return sg_cli_finish(&ctx, code);
}

const sg_cli_command sg_cmd_predict = {
    .name = "predict",
    .summary = "predict responses with a fitted model file, at a point or for a CSV of points",
    .description =
        "Evaluates a model written by 'fit': the ensemble mean of every response with its\n"
        "spread (standard deviation of the members), in engineering units.  A point\n"
        "outside the fitted factor bounds is still predicted but flagged as extrapolation\n"
        "(which factor, how far); a factor no run varied, which the model ignores, is\n"
        "named in a note.  --in reads a CSV whose columns are named by factor\n"
        "(or start with the factor name and '_', as thickness_um); --out writes the\n"
        "predictions atomically.",
    .options = predict_options,
    .n_options = sizeof predict_options / sizeof predict_options[0],
    .handler = predict_main,
    .needs_study = false,
    .file_arg = "<model.json>",
};
