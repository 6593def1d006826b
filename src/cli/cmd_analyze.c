/* cmd_analyze.c — `surrogate analyze`: descriptive statistics, correlation
 * matrix and the orthogonal-array analysis (main effects, S/N, ANOVA) of
 * every response.  The computations are in study_analysis.h / taguchi.h. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "analysis/study_analysis.h"
#include "core/num.h"

/* |r| below this prints as 0.000 (half the last printed digit). */
#define CORR_ZERO_SHOWN 5e-4
/* Columns an equation line may take before it wraps. */
#define EQUATION_WIDTH 96

static const char *col_name(const sg_study *s, size_t j)
{
    return j < s->n_factors ? s->factors[j].name : s->responses[j - s->n_factors].name;
}

static const char *col_unit(const sg_study *s, size_t j)
{
    return j < s->n_factors ? s->factors[j].unit : s->responses[j - s->n_factors].unit;
}

static void print_rule(const char *title)
{
    printf("\n%s\n", title);
    for (size_t i = 0; title[i]; i++)
        putchar('-');
    putchar('\n');
}

/* A p-value as engineers read it: "<0.0001" below, else 3 significant
 * digits; "-" when there is none. */
static const char *p_text(double p, char *buf, size_t cap)
{
    if (!isfinite(p))
        snprintf(buf, cap, "-");
    else if (p < 1e-4)
        snprintf(buf, cap, "<0.0001");
    else
        sg_num_snprintf(buf, cap, "%.3g", p);
    return buf;
}

/* "p = 0.517", or "p < 0.0001". */
static const char *p_clause(double p, char *buf, size_t cap)
{
    char v[24];
    if (isfinite(p) && p < 1e-4)
        snprintf(buf, cap, "p < 0.0001");
    else
        snprintf(buf, cap, "p = %s", p_text(p, v, sizeof v));
    return buf;
}

/* The lack-of-fit line: the test, or why there is none. */
static void print_lack_of_fit(const sg_regress *g)
{
    char p[32];
    const char *verdict = sg_regress_lack_of_fit_verdict(g);
    if (!g->df_pure || g->pure_exact || !g->df_lof)
        printf("  lack of fit: %s\n", verdict);
    else
        sg_num_fprintf(stdout, "  lack of fit: F = %.4g (%zu and %zu df), %s: %s%s\n",
                       g->f_lof, g->df_lof, g->df_pure, p_clause(g->p_lof, p, sizeof p),
                       verdict,
                       g->p_lof < 0.05 ? " (fit compares it with the network and kriging)" : "");
}

/* The equation on the factors in their units, term by term. */
static void print_equation(const sg_study *s, const sg_regress *g, const char *lhs)
{
    int col = printf("  %s =", lhs);
    for (size_t j = 0; j < g->n_terms; j++) {
        const sg_regress_term *t = &g->terms[j];
        char term[SG_REGRESS_NAME_MAX + 48];
        if (j == 0)
            sg_num_snprintf(term, sizeof term, " %.7g", t->uncoded);
        else
            sg_num_snprintf(term, sizeof term, " %s %.7g*%s", t->uncoded < 0 ? "-" : "+",
                            fabs(t->uncoded), t->name);
        if (col + (int)strlen(term) > EQUATION_WIDTH) /* wrap before the sign */
            col = printf("\n     ") - 1;
        col += printf("%s", term);
    }
    printf("\n");
    for (size_t i = 0; i < s->n_factors; i++)
        if (!s->factors[i].categorical && s->factors[i].scale == SG_FACTOR_SCALE_LOG)
            printf("  (%s stands for log10 of its setting: scale = \"log\")\n",
                   s->factors[i].name);
}

/* +1 maximise, -1 minimise, 0 none (sg_regress_stationary_text). */
static int goal_sign(sg_goal g)
{
    return g == SG_GOAL_MAXIMIZE ? 1 : g == SG_GOAL_MINIMIZE ? -1 : 0;
}

/* The canonical analysis: where every slope is 0 and what kind of point it
 * is, read against the response's goal. */
static void print_stationary(const sg_study *s, size_t r, const sg_regress *g, bool lg)
{
    const sg_response *rs = &s->responses[r];
    if (g->stationary_kind == SG_STATIONARY_NONE || !g->curvatures)
        return;
    printf("  Canonical analysis: curvatures along the principal axes (coded)");
    for (size_t i = 0; i < g->k; i++)
        sg_num_fprintf(stdout, "%s %.4g", i ? "," : "", g->curvatures[i]);
    printf("\n");
    if (g->stationary_kind == SG_STATIONARY_RIDGE) {
        printf("    %s\n", sg_regress_stationary_text(g, goal_sign(rs->goal)));
        return;
    }
    printf("    stationary point (every slope 0):");
    for (size_t i = 0; i < g->k; i++) {
        char v[80];
        printf("%s %s = %s%s%s", i ? "," : "", s->factors[i].name,
               sg_factor_format(&s->factors[i], g->stationary[i], 4, v, sizeof v),
               s->factors[i].unit[0] ? " " : "", s->factors[i].unit);
    }
    double y = lg ? pow(10.0, g->stationary_y) : g->stationary_y;
    sg_num_fprintf(stdout, "; %s there %.6g%s%s\n", rs->name, y, rs->unit[0] ? " " : "",
                   rs->unit);
    printf("    %s\n", sg_regress_stationary_text(g, goal_sign(rs->goal)));
}

static void print_regression(const sg_study *s, size_t r, const sg_regress *g, bool lg)
{
    const sg_response *rs = &s->responses[r];
    char lhs[200], p[32];
    if (lg)
        snprintf(lhs, sizeof lhs, "log10(%s)", rs->name);
    else
        snprintf(lhs, sizeof lhs, "%s%s%s%s", rs->name, rs->unit[0] ? " [" : "", rs->unit,
                 rs->unit[0] ? "]" : "");
    printf("\nResponse %s: %s, %zu runs, %zu residual degrees of freedom\n", lhs, g->form, g->n,
           g->df_error);
    if (g->dropped[0])
        printf("  %s\n", g->dropped);
    sg_num_fprintf(stdout, "  S = %.4g%s%s   R² = %.2f%%   adjusted R² = %.2f%%   predicted R² = ",
                   g->s, !lg && rs->unit[0] ? " " : "", lg ? " decades" : rs->unit,
                   100 * g->r2, 100 * g->r2_adj);
    if (isfinite(g->r2_pred))
        sg_num_fprintf(stdout, "%.2f%%\n", 100 * g->r2_pred);
    else
        printf("- (the runs left out one at a time cannot be fitted)\n");
    if (isfinite(g->f_model))
        sg_num_fprintf(stdout, "  regression: F = %.4g, %s\n", g->f_model,
                       p_clause(g->p_model, p, sizeof p));
    print_lack_of_fit(g);
    int w = 14;
    for (size_t j = 0; j < g->n_terms; j++)
        if ((int)strlen(g->terms[j].name) > w)
            w = (int)strlen(g->terms[j].name);
    printf("  %-*s %12s %12s %9s %9s\n", w, "term", "coef", "SE coef", "t", "p");
    for (size_t j = 0; j < g->n_terms; j++) {
        const sg_regress_term *t = &g->terms[j];
        sg_num_fprintf(stdout, "  %-*s %12.5g %12.4g %9.3g %9s\n", w, j ? t->name : "constant",
                       t->coef, t->se, t->t, p_text(t->p, p, sizeof p));
    }
    printf("  (coded: each factor from -1 at its smallest to +1 at its largest tested "
           "setting, so the coefficients compare)\n");
    if (g->aliases[0])
        printf("  %s\n", g->aliases);
    printf("  Equation in the factors' units:\n");
    print_equation(s, g, lhs);
    print_stationary(s, r, g, lg);
}

/* The quadratic regression of every response: what a central composite or
 * Box-Behnken design is analysed by, and beside an orthogonal array's main
 * effects the surface the fit's baseline uses. */
static void print_regressions(const sg_study *s, const sg_study_analysis *a)
{
    print_rule("Quadratic regression (response-surface analysis)");
    for (size_t r = 0; r < a->n_responses; r++) {
        if (a->regress[r])
            print_regression(s, r, a->regress[r], a->regress_log[r]);
        else
            printf("\nResponse %s: not analysed: %s\n", s->responses[r].name, a->regress_na[r]);
    }
}

/* The centre runs against the factorial runs: the curvature test. */
static void print_curvature(const sg_curvature *c, const sg_response *resp)
{
    const char *u = resp->unit, *sp = u[0] ? " " : "";
    sg_num_fprintf(stdout,
                   "\nCurvature: the %zu centre run%s average %.6g%s%s, the %zu factorial runs "
                   "%.6g%s%s: difference %+.4g%s%s (SS %.4g on 1 df)\n",
                   c->n_centre, c->n_centre == 1 ? "" : "s", c->mean_centre, sp, u,
                   c->n_factorial, c->mean_factorial, sp, u, c->difference, sp, u, c->ss);
    if (isfinite(c->p)) {
        sg_num_fprintf(stdout,
                       "  F = %.4g against the centre runs' pure error (%zu df), p = %.3g: %s\n",
                       c->f, c->df_pure, c->p,
                       c->p < 0.05 ? "the surface curves: a factor's optimum may lie inside "
                                     "its range, which a two-level design cannot place (add "
                                     "the axial runs of a central composite design: "
                                     "'surrogate doe --design axial')"
                                   : "no curvature shows beyond the centre runs' scatter: the "
                                     "two-level effects describe the window");
        return;
    }
    const char *why = c->df_pure == 0 ? "one centre run" : "the centre runs agree exactly";
    if (c->largest_effect > 0)
        sg_num_fprintf(stdout,
                       "  no F test (%s: no pure error); the difference is %.3g times the "
                       "largest effect (%s, %.4g%s%s)%s\n",
                       why, fabs(c->difference) / c->largest_effect, c->largest_factor,
                       c->largest_effect, sp, u,
                       fabs(c->difference) > 0.1 * c->largest_effect
                           ? ": the surface curves; the axial runs of a central composite "
                             "design would place the optimum ('surrogate doe --design axial')"
                           : "");
    else
        printf("  no F test (%s: no pure error)\n", why);
}

/* after_check: the check stage of the same command already printed the
 * statistics and the responses' correlation with the factors, so only the
 * correlation between responses is left to show (no table twice). */
static int analyze_text(const sg_study *s, const sg_table *t, const sg_study_analysis *a,
                        bool after_check)
{
    if (!after_check) {
        printf("Study      %s (%s)\n", s->name, s->title);
        printf("Data       %s: %zu rows used, %zu excluded\n", t->path, a->n_rows,
               t->n_excluded);
    }
    size_t c0 = after_check ? s->n_factors : 0; /* first column of the matrix shown */
    if (after_check) {
        printf("(descriptive statistics and correlation with the factors: see check above)\n");
    } else {
    print_rule("Descriptive statistics");
    printf("  %-14s %-6s %10s %10s %10s %10s %10s %10s %10s\n", "column", "unit", "mean", "sd",
           "min", "Q1", "median", "Q3", "max");
    for (size_t j = 0; j < a->n_cols; j++) {
        const sg_col_stats *st = &a->stats[j];
        if (sg_cli_print_name_counts(s, t, j, 14))
            continue;
        sg_num_fprintf(stdout, "  %-14s %-6s %10.6g %10.4g %10.6g %10.6g %10.6g %10.6g %10.6g%s\n",
               col_name(s, j), col_unit(s, j), st->mean, st->sd, st->min, st->q1, st->median,
               st->q3, st->max, st->constant ? "  constant" : "");
    }
    }
    print_rule(after_check ? "Correlation between responses (Pearson r; '-' = constant column, or names without an order)"
                           : "Correlation matrix (Pearson r; '-' = constant column, or names without an order)");
    printf("  %-14s", "");
    int cw[SG_STUDY_MAX_FACTORS + SG_STUDY_MAX_RESPONSES];
    for (size_t j = c0; j < a->n_cols; j++) {
        cw[j] = sg_cli_col_width(col_name(s, j));
        printf(" %*.*s", cw[j], cw[j], col_name(s, j));
    }
    printf("\n");
    for (size_t i = c0; i < a->n_cols; i++) {
        printf("  %-14s", col_name(s, i));
        for (size_t j = c0; j < a->n_cols; j++) {
            double v = a->corr[i * a->n_cols + j];
            if (a->corr_defined[i * a->n_cols + j]) /* no "-0.000" */
                sg_num_fprintf(stdout, " %*.3f", cw[j], fabs(v) < CORR_ZERO_SHOWN ? 0.0 : v);
            else
                printf(" %*s", cw[j], "-");
        }
        printf("\n");
    }
    print_rule("Orthogonal-array analysis");
    if (a->design.kind == SG_RSMDESIGN_FACTORIAL) {
        char design[256];
        sg_rsmdesign_text(&a->design, a->n_factors, design, sizeof design);
        printf("This is a %s.\nThe array below is its %zu factorial runs (rows", design,
               a->design.cube);
        const size_t *fr = a->factorial_rows;
        for (size_t i = 0, first = 1; i < a->design.cube; i++) { /* ranges: rows 1-16 */
            bool ends = i + 1 == a->design.cube || fr[i + 1] != fr[i] + 1;
            bool starts = i == 0 || fr[i - 1] + 1 != fr[i];
            if (starts)
                printf("%s%zu", first ? " " : ", ", fr[i]);
            if (ends && !starts)
                printf("-%zu", fr[i]);
            first = 0;
        }
        printf(");\nthe centre %s not a middle level of any one factor: %s for "
               "curvature after each response.\n",
               a->design.centre == 1 ? "run is" : "runs are",
               a->design.centre == 1 ? "it tests" : "they test");
    } else if (a->design.kind != SG_RSMDESIGN_NONE) {
        char design[256];
        sg_rsmdesign_text(&a->design, a->n_factors, design, sizeof design);
        printf("This is a %s.\nIts analysis is the quadratic regression at the end; the level "
               "means below treat each setting as a level%s.\n",
               design,
               a->design.kind == SG_RSMDESIGN_CCD && a->design.alpha > 1.0
                   ? ", those at +-alpha resting on the axial runs alone"
                   : "");
    }
    if (!a->discrete) {
        printf("Not applicable: %s.\n", a->not_applicable);
        print_regressions(s, a);
        return SG_EXIT_OK;
    }
    printf("Factor levels:");
    for (size_t j = 0; j < a->n_factors; j++) {
        printf("%s %s = {", j ? ";" : "", s->factors[j].name);
        for (int k = 0; k < a->factors[j].n_levels; k++) {
            char v[80];
            printf("%s%s", k ? ", " : "",
                   sg_factor_format(&s->factors[j], a->factors[j].values[k], 6, v, sizeof v));
        }
        printf("}%s%s", s->factors[j].unit[0] ? " " : "", s->factors[j].unit);
    }
    printf("\n");
    for (size_t j = 0; j < a->n_factors; j++) /* achieved settings read as nominal levels */
        if (a->factors[j].declared && a->factors[j].off > 0)
            sg_num_fprintf(stdout,
                           "  %s: each value read as the declared level it lies near (up to "
                           "%.3g%s%s off); the model uses the values as they are\n",
                           s->factors[j].name, a->factors[j].off,
                           s->factors[j].unit[0] ? " " : "", s->factors[j].unit);
    for (size_t r = 0; r < a->n_responses; r++) {
        char title[200];
        snprintf(title, sizeof title, "Response %s (%s, goal %s)", s->responses[r].name,
                 s->responses[r].unit[0] ? s->responses[r].unit : "no unit",
                 sg_study_goal_name(s->responses[r].goal));
        print_rule(title);
        printf("\n");
        if (!a->taguchi[r]) {
            printf("Not analysed: %s\n", a->response_na[r]);
            continue;
        }
        sg_error err;
        if (sg_taguchi_write_text(a->taguchi[r], stdout, &err) != SG_OK) {
            fprintf(stderr, "surrogate: error: %s\n", err.msg);
            return SG_EXIT_FAILURE;
        }
        if (a->curvature && a->curvature[r].ok)
            print_curvature(&a->curvature[r], &s->responses[r]);
    }
    print_regressions(s, a);
    return SG_EXIT_OK;
}

int sg_stage_analyze(sg_cli_ctx *ctx)
{
    sg_error err;
    sg_error_clear(&err);
    sg_analysis_config cfg;
    if (sg_study_analysis_config_load(ctx->study, &cfg, &err) != SG_OK)
        return sg_cli_fail(ctx, &err);
    if (sg_study_analysis_run(ctx->study, ctx->table, &cfg, &ctx->analysis, &err) != SG_OK)
        return sg_cli_fail(ctx, &err);
    cJSON *o = NULL;
    if (sg_study_analysis_to_json(ctx->analysis, ctx->study, ctx->table, &cfg, &o, &err) != SG_OK)
        return sg_cli_fail(ctx, &err);
    int code = sg_cli_json_put(ctx, NULL, "analyze", o);
    if (code != SG_EXIT_OK)
        return code;
    if (!ctx->args->json && !ctx->summary)
        return analyze_text(ctx->study, ctx->table, ctx->analysis, ctx->check != NULL);
    return SG_EXIT_OK;
}

static int analyze_main(const sg_cli_args *a)
{
    static const sg_stage_fn stages[] = {sg_stage_analyze};
    return sg_cli_run_stages(a, false, stages, 1);
}

const sg_cli_command sg_cmd_analyze = {
    .name = "analyze",
    .summary = "orthogonal-array analysis (main effects, S/N, ANOVA), quadratic regression, "
               "statistics",
    .description =
        "Reads the study and its data and prints, in the study's units: descriptive\n"
        "statistics (mean, sd, min, quartiles, max) and the correlation matrix of every\n"
        "factor and response column; when every factor takes a few discrete levels,\n"
        "for every response the level means with delta and rank, the signal-to-noise\n"
        "table, the ANOVA with estimable two-factor interactions (Lenth's method on a\n"
        "saturated two-level array), and the best level combination with its predicted\n"
        "response; and for every design the quadratic regression of every numeric\n"
        "response (coefficients with SE, t and p, R², predicted R², lack of fit, the\n"
        "equation in the factors' units), naming a central composite or Box-Behnken\n"
        "design.  Settings come from the study's [analysis] section (interactions,\n"
        "min_error_df, pool, targets).  Writes no files.",
    .options = NULL,
    .n_options = 0,
    .handler = analyze_main,
    .needs_study = true,
};
