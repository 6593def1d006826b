/* Tests of the decision module (decide.h) on a small surrogate fitted in
 * the test to a known quadratic: the optimum equals a dense grid search of
 * the fitted model, constraints hold, fixed factors are exact, steps snap
 * exactly, serial and parallel runs are identical, gradients match finite
 * differences, stale models are detected. */
#include <criterion/criterion.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "optim/decide.h"
#include "table_test.h"

/* Study: factors a in [1.3, 4.7], b in [-2.1, 3.9]; y has its minimum near
 * (2.9, 0.7); z = a + b.  [optimize] text is appended per test. */
#define STUDY                                                                                    \
    "[study]\nname = \"q\"\nseed = 77\n[data]\nfile = \"q.csv\"\n"                               \
    "[[factor]]\nname = \"a\"\nunit = \"mm\"\nmin = 1.3\nmax = 4.7\n"                            \
    "[[factor]]\nname = \"b\"\nunit = \"K\"\nmin = -2.1\nmax = 3.9\n"                            \
    "[[response]]\nname = \"y\"\nunit = \"MPa\"\ngoal = \"minimize\"\n"                          \
    "[[response]]\nname = \"z\"\n"

#define GRID 7
#define NR (GRID * GRID)

static double truth_y(double a, double b)
{
    return (a - 2.9) * (a - 2.9) + 0.6 * (b - 0.7) * (b - 0.7) + 10.385;
}

typedef struct fixture {
    sg_study *s;
    sg_table *t;
    sg_optimize_spec *sp;
} fixture;

static sg_model *g_model; /* fitted once per test process */

/* The 7 x 7 grid of truth_y, then `extra` rows (CSV text, may be ""). */
static void make_table_with(sg_table **t, const char *extra);

static void make_table(sg_table **t)
{
    make_table_with(t, "");
}

static void make_table_with(sg_table **t, const char *extra)
{
    static char csv[8192];
    size_t used = (size_t)snprintf(csv, sizeof csv, "a,b,y,z\n");
    for (int i = 0; i < GRID; i++)
        for (int j = 0; j < GRID; j++) {
            double a = 1.3 + 3.4 * i / (GRID - 1), b = -2.1 + 6.0 * j / (GRID - 1);
            used += (size_t)snprintf(csv + used, sizeof csv - used, "%.17g,%.17g,%.17g,%.17g\n",
                                     a, b, truth_y(a, b), a + b);
        }
    used += (size_t)snprintf(csv + used, sizeof csv - used, "%s", extra);
    const char *cols[] = {"a", "b", "y", "z"};
    sg_error err;
    cr_assert_eq(sg_table_load_buffer(csv, used, "q.csv", cols, 4, 2, t, NULL, &err), SG_OK, "%s",
                 err.msg);
}

static sg_model *fit_model(const sg_table *t, uint64_t seed)
{
    sg_model_spec spec = sg_model_spec_defaults();
    spec.hidden[0] = 10;
    spec.ensemble = 3;
    spec.train.epochs = 500;
    spec.seed = seed;
    double X[NR * 2], Y[NR * 2];
    for (size_t r = 0; r < t->n_rows; r++)
        for (size_t c = 0; c < 2; c++) {
            X[r * 2 + c] = sg_table_at(t, r, c);
            Y[r * 2 + c] = sg_table_at(t, r, 2 + c);
        }
    const char *names[] = {"y", "z"};
    sg_model *m = NULL;
    sg_error err;
    cr_assert_eq(sg_model_fit(&spec, 2, 2, X, Y, t->n_rows, names, NULL, NULL, &m, &err), SG_OK,
                 "%s", err.msg);
    cr_assert_eq(sg_model_set_factor(m, 0, "a", "mm", 1.3, 4.7, &err), SG_OK);
    cr_assert_eq(sg_model_set_factor(m, 1, "b", "K", -2.1, 3.9, &err), SG_OK);
    cr_assert_eq(sg_model_set_hashes(m, "00000000000000aa", "00000000000000bb", &err), SG_OK);
    return m;
}

static void setup(fixture *f, const char *optimize)
{
    gsl_set_error_handler_off();
    char text[4096];
    snprintf(text, sizeof text, "%s%s", STUDY, optimize);
    sg_error err;
    cr_assert_eq(sg_study_load_buffer(text, strlen(text), "q.toml", &f->s, &err), SG_OK, "%s",
                 err.msg);
    cr_assert_eq(sg_optimize_spec_load(f->s, &f->sp, &err), SG_OK, "%s", err.msg);
    make_table(&f->t);
    if (!g_model)
        g_model = fit_model(f->t, 77);
}

static void teardown(fixture *f)
{
    sg_optimize_spec_destroy(f->sp);
    sg_table_destroy(f->t);
    sg_study_destroy(f->s);
}

static sg_decide_result *run(fixture *f)
{
    sg_decide_result *r = NULL;
    sg_error err;
    cr_assert_eq(sg_decide_run(f->s, f->t, f->sp, g_model, NULL, &r, &err), SG_OK, "%s", err.msg);
    return r;
}

/* Smallest model objective (risk 0, response y) on a dense grid, with a <=
 * fixed_a when given. */
static double grid_min(double *xa, double *xb)
{
    double best = INFINITY, mean[2];
    sg_model_work *w = NULL;
    cr_assert_eq(sg_model_work_create(g_model, &w, NULL), SG_OK);
    for (int i = 0; i <= 400; i++)
        for (int j = 0; j <= 400; j++) {
            double x[2] = {1.3 + 3.4 * i / 400.0, -2.1 + 6.0 * j / 400.0};
            sg_model_predict(g_model, w, x, mean, NULL);
            if (mean[0] < best) {
                best = mean[0];
                *xa = x[0];
                *xb = x[1];
            }
        }
    sg_model_work_destroy(w);
    return best;
}

Test(decide, finds_the_minimum_of_the_fitted_model)
{
    fixture f;
    setup(&f, "[optimize]\nstarts = 8\n");
    sg_decide_result *r = run(&f);
    double ga, gb, gmin = grid_min(&ga, &gb);
    const sg_optim_result *o = r->opt;
    cr_expect(o->feasible);
    cr_expect(o->best_f <= gmin + 1e-9, "best %.12g grid %.12g", o->best_f, gmin);
    cr_expect(fabs(o->best_x[0] - ga) < 0.02 && fabs(o->best_x[1] - gb) < 0.03,
              "x (%g, %g) grid (%g, %g)", o->best_x[0], o->best_x[1], ga, gb);
    /* and the fitted model's optimum is near the true one */
    cr_expect(fabs(o->best_x[0] - 2.9) < 0.15 && fabs(o->best_x[1] - 0.7) < 0.3);
    cr_expect(fabs(r->mean[0] - o->best_f) < 1e-12);
    cr_expect(r->sd[0] >= 0.0);
    cr_expect_str_eq(r->objective, "minimize y");
    /* comparison: the best tested run is the grid point nearest the optimum */
    cr_assert(r->has_best_row);
    cr_expect(r->best_row_value <= truth_y(2.9, 0.7) + 0.5);
    cr_expect(o->best_f <= r->best_row_pred + 1e-9);
    cr_expect(r->has_taguchi, "%s", r->taguchi_na);
    cr_expect(r->nearest_dist < r->design_spacing);
    cr_expect_eq(r->extrapolation, 0);
    cr_expect(o->stats.frac_reach_best > 0.5);
    sg_decide_model_ref ref = {"file", "q.model.json", g_model, true};
    cJSON *j = NULL;
    sg_error err;
    cr_assert_eq(sg_decide_to_json(r, f.s, f.t, f.sp, &ref, &j, &err), SG_OK, "%s", err.msg);
    cr_assert_not_null(j);
    const char *keys[] = {"problem", "optimum", "coverage", "comparison", "realisable",
                          "statistics", "optima", "starts", "model"};
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
        cr_expect_not_null(cJSON_GetObjectItem(j, keys[k]), "%s", keys[k]);
    /* key values are the result's */
    cJSON *opt = cJSON_GetObjectItem(j, "optimum");
    cJSON *set = cJSON_GetObjectItem(opt, "settings");
    cr_expect_eq(cJSON_GetObjectItem(set, "a")->valuedouble, o->best_x[0]);
    cr_expect_eq(cJSON_GetObjectItem(set, "b")->valuedouble, o->best_x[1]);
    cr_expect_eq(cJSON_GetObjectItem(opt, "objective")->valuedouble, o->best_f);
    cJSON *py = cJSON_GetObjectItem(cJSON_GetObjectItem(opt, "predicted"), "y");
    cr_expect_eq(cJSON_GetObjectItem(py, "mean")->valuedouble, r->mean[0]);
    cr_expect_str_eq(cJSON_GetObjectItem(py, "unit")->valuestring, "MPa");
    cr_expect(cJSON_IsNull(cJSON_GetObjectItem(opt, "interval"))); /* no calibration given */
    cJSON *pb = cJSON_GetObjectItem(j, "problem");
    cr_expect_str_eq(cJSON_GetObjectItem(pb, "objective")->valuestring, "minimize y");
    cr_expect_str_eq(cJSON_GetObjectItem(pb, "response")->valuestring, "y");
    cJSON *fb = cJSON_GetArrayItem(cJSON_GetObjectItem(pb, "factors"), 1);
    cr_expect_eq(cJSON_GetObjectItem(fb, "lower")->valuedouble, -2.1);
    cr_expect_eq(cJSON_GetObjectItem(fb, "upper")->valuedouble, 3.9);
    cr_expect(cJSON_IsNull(cJSON_GetObjectItem(fb, "step")));
    cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItem(j, "starts")), (int)o->n_starts);
    cr_expect_eq(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "statistics"), "n")->valuedouble,
                 (double)o->stats.n);
    cJSON *br = cJSON_GetObjectItem(cJSON_GetObjectItem(j, "comparison"), "best_tested_run");
    cr_expect_eq(cJSON_GetObjectItem(br, "measured")->valuedouble, r->best_row_value);
    cr_expect_eq(cJSON_GetObjectItem(br, "row")->valuedouble, (double)f.t->row[r->best_row]);
    cJSON *mo = cJSON_GetObjectItem(j, "model");
    cr_expect_str_eq(cJSON_GetObjectItem(mo, "source")->valuestring, "file");
    cr_expect_str_eq(cJSON_GetObjectItem(mo, "path")->valuestring, "q.model.json");
    cr_expect_str_eq(cJSON_GetObjectItem(mo, "data_hash")->valuestring, "00000000000000aa");
    cr_expect_str_eq(cJSON_GetObjectItem(mo, "settings_hash")->valuestring, "00000000000000bb");
    cr_expect(cJSON_IsTrue(cJSON_GetObjectItem(mo, "current")));
    cJSON_Delete(j);
    /* without a model reference there is no "model" member */
    cr_assert_eq(sg_decide_to_json(r, f.s, f.t, f.sp, NULL, &j, &err), SG_OK, "%s", err.msg);
    cr_expect_null(cJSON_GetObjectItem(j, "model"));
    cJSON_Delete(j);
    sg_decide_result_destroy(r);
    teardown(&f);
}

Test(decide, constraint_is_respected_and_active)
{
    fixture f;
    setup(&f, "[optimize]\nstarts = 6\nconstraints = [\"z >= 4.85\"]\n");
    sg_decide_result *r = run(&f);
    cr_expect(r->opt->feasible);
    cr_expect(r->mean[1] >= 4.85 - 1e-6, "z = %.10g", r->mean[1]);
    cr_expect(r->opt->active_con[0]);
    /* the best tested run is the best among those that meet the constraint */
    cr_assert(r->has_best_row);
    cr_expect_geq(sg_table_at(f.t, r->best_row, 3), 4.85);
    for (size_t i = 0; i < f.t->n_rows; i++)
        if (sg_table_at(f.t, i, 3) >= 4.85)
            cr_expect_leq(r->best_row_value, sg_table_at(f.t, i, 2));
    cr_expect_eq(r->infeasible[0], '\0');
    sg_decide_result_destroy(r);
    teardown(&f);
}

/* With a calibrated interval (half-width 0.3 at 90 %) the constraint holds
 * with the default 95 % confidence: z is kept 0.3 / 1.6449 * 1.6449 = 0.3
 * above the bound; at constraint_confidence = 0.5 there is no margin. */
Test(decide, constraint_is_kept_with_a_safety_margin)
{
    fixture f;
    setup(&f, "[optimize]\nstarts = 6\nconstraints = [\"z >= 4.0\"]\n");
    double hw[2] = {NAN, 0.3};
    sg_decide_options o = {.half_width = hw, .level = 0.90};
    sg_decide_result *r = NULL;
    sg_error err;
    cr_assert_eq(sg_decide_run(f.s, f.t, f.sp, g_model, &o, &r, &err), SG_OK, "%s", err.msg);
    cr_expect_float_eq(r->con_margin[0], 0.3, 1e-12);
    cr_expect_float_eq(r->con_confidence, 0.95, 0);
    cr_expect(r->opt->active_con[0]);
    cr_expect(r->mean[1] >= 4.3 - 1e-6, "z = %.10g", r->mean[1]);
    cr_expect(r->mean[1] < 4.3 + 0.05, "margin not active: z = %.10g", r->mean[1]);
    sg_decide_result_destroy(r);
    f.sp->con_confidence = 0.5;
    cr_assert_eq(sg_decide_run(f.s, f.t, f.sp, g_model, &o, &r, &err), SG_OK, "%s", err.msg);
    cr_expect_eq(r->con_margin[0], 0.0);
    cr_expect(r->mean[1] >= 4.0 - 1e-6 && r->mean[1] < 4.05, "z = %.10g", r->mean[1]);
    sg_decide_result_destroy(r);
    teardown(&f);
}

Test(decide, infeasible_constraint_is_named)
{
    fixture f;
    setup(&f, "[optimize]\nstarts = 4\nconstraints = [\"z >= 40\"]\n");
    sg_decide_result *r = run(&f);
    cr_expect_eq(r->opt->feasible, 0);
    cr_expect(strstr(r->infeasible, "'z >= 40' cannot be met") != NULL, "%s", r->infeasible);
    /* the closest value is the largest z the model reaches (about 4.7 + 3.9) */
    cr_expect(r->closest_value[0] > 7.0 && r->closest_value[0] < 10.0, "%g", r->closest_value[0]);
    sg_decide_result_destroy(r);
    teardown(&f);
}

Test(decide, fixed_factor_is_exact_and_steps_snap)
{
    fixture f;
    setup(&f, "[optimize]\nstarts = 4\nfixed = { a = 3.385 }\nstep = { b = 0.25 }\n");
    sg_decide_result *r = run(&f);
    const sg_optim_result *o = r->opt;
    cr_expect_eq(o->best_x[0], 3.385);
    cr_assert(o->realisable.needed && o->realisable.found);
    cr_expect_eq(o->realisable.x[0], 3.385);
    double k = (o->realisable.x[1] - (-2.1)) / 0.25;
    cr_expect_eq(o->realisable.x[1], -2.1 + round(k) * 0.25, "b = %.17g", o->realisable.x[1]);
    cr_expect(o->realisable.loss >= -1e-12);
    cr_expect(fabs(r->r_mean[0] - o->realisable.f) < 1e-12);
    /* no tested run has a = 3.385: none is the answer's "best tested run" */
    cr_expect(!r->has_best_row, "row %zu", r->best_row);
    cr_expect_eq(r->rows_outside_box, NR);
    cr_expect_eq(r->rows_inside_box, 0);
    sg_decide_result_destroy(r);
    teardown(&f);
}

/* Runs repeated at the same settings count by their mean: the grid's best
 * cell (a = 3, b = 0.9, y = 10.419) measured again as 9.919 and 11.119 has
 * mean 10.486, still the best setting, named by its three rows; the lucky
 * 9.919 alone is not the best tested value (before, it was). */
Test(decide, replicates_count_by_their_mean)
{
    fixture f;
    setup(&f, "[optimize]\nstarts = 4\n");
    sg_table_destroy(f.t);
    double a = 1.3 + 3.4 * 3 / 6.0, b = -2.1 + 6.0 * 3 / 6.0, y = truth_y(a, b);
    char extra[256];
    snprintf(extra, sizeof extra, "%.17g,%.17g,%.17g,1\n%.17g,%.17g,%.17g,1\n", a, b, y - 0.5, a,
             b, y + 0.7);
    make_table_with(&f.t, extra);
    sg_decide_result *r = run(&f);
    cr_assert(r->has_best_row);
    cr_expect_eq(r->best_row_reps, 3);
    cr_expect(fabs(r->best_row_value - (y + 0.2 / 3)) < 1e-12, "%.17g", r->best_row_value);
    cr_expect_eq(r->best_row, 3 * 7 + 3); /* the grid's row first */
    cr_expect_eq(r->best_rows[1], 49);
    cr_expect_eq(r->best_rows[2], 50);
    char label[128];
    sg_decide_best_label(r, f.t, label, sizeof label);
    cr_expect_str_eq(label, "data rows 25, 50 and 51");
    sg_decide_result_destroy(r);
    teardown(&f);
}

/* Narrowed [optimize] bounds: the best tested run is the best inside them
 * (before, run a = 3.0, b = 0.9 was named with a limited to 3.5 .. 4.7, and
 * `run` answered "use the best tested run" with settings the user excluded). */
Test(decide, best_tested_run_lies_inside_the_search_box)
{
    fixture f;
    setup(&f, "[optimize]\nstarts = 4\nbounds = { a = [3.5, 4.7], b = [-2.1, 0.5] }\n");
    sg_decide_result *r = run(&f);
    cr_assert(r->has_best_row);
    double a = sg_table_at(f.t, r->best_row, 0), b = sg_table_at(f.t, r->best_row, 1);
    cr_expect(fabs(a - (1.3 + 3.4 * 4 / 6.0)) < 1e-12, "a = %g", a);
    cr_expect(fabs(b - (-0.1)) < 1e-12, "b = %g", b);
    cr_expect(fabs(r->best_row_value - truth_y(a, b)) < 1e-12);
    /* a in 3.567 .. 4.7 (3 of 7 values), b in -2.1 .. -0.1 (3 of 7) */
    cr_expect_eq(r->rows_inside_box, 9);
    cr_expect_eq(r->rows_outside_box, NR - 9);
    sg_decide_result_destroy(r);
    teardown(&f);
}

Test(decide, serial_and_parallel_runs_are_identical)
{
    fixture f;
    setup(&f, "[optimize]\nstarts = 9\nrisk = 0.7\nthreads = 1\n");
    sg_decide_result *r1 = run(&f);
    f.sp->threads = 2;
    sg_decide_result *r2 = run(&f);
    const sg_optim_result *a = r1->opt, *b = r2->opt;
    cr_expect_eq(b->threads, 2);
    cr_expect_eq(memcmp(&a->best_f, &b->best_f, sizeof a->best_f), 0);
    cr_expect_eq(memcmp(a->mem_, b->mem_, a->n_starts * (2 * a->d + a->n_cons) * sizeof(double)),
                 0);
    cr_expect_eq(memcmp(r1->mean, r2->mean, 2 * sizeof(double)), 0);
    sg_decide_result_destroy(r1);
    sg_decide_result_destroy(r2);
    teardown(&f);
}

static const char *gradient_sections[] = {
    "[optimize]\nrisk = 1.3\nconstraints = [\"z <= 3.1\", \"y >= 11\"]\n",
    "[optimize]\nweights = { y = 1.0, z = 0.5 }\nsense = \"maximize\"\nrisk = 0.4\n"
    "constraints = [\"z >= 1\"]\n",
};

TableTest(gradient_sections, c, decide, gradients_match_finite_differences)
{
    {
        fixture f;
        setup(&f, gradient_sections[c]);
        sg_decide_problem *p;
        sg_error err;
        cr_assert_eq(sg_decide_problem_create(f.s, f.t, f.sp, g_model, &p, &err), SG_OK);
        void *ctx = sg_decide_ctx_create(p);
        cr_assert_not_null(ctx);
        const double x[2] = {2.385, 1.173}, h[2] = {1e-5, 1e-5};
        for (size_t k = 0; k <= f.sp->n_cons; k++) {
            double g[2], xp[2], v = 0;
            v = k == 0 ? sg_decide_objective(ctx, x, g) : sg_decide_constraint(ctx, k - 1, x, g);
            cr_expect(isfinite(v));
            for (int i = 0; i < 2; i++) {
                memcpy(xp, x, sizeof xp);
                xp[i] += h[i];
                double fp = k == 0 ? sg_decide_objective(ctx, xp, NULL)
                                   : sg_decide_constraint(ctx, k - 1, xp, NULL);
                xp[i] -= 2 * h[i];
                double fm = k == 0 ? sg_decide_objective(ctx, xp, NULL)
                                   : sg_decide_constraint(ctx, k - 1, xp, NULL);
                double fd = (fp - fm) / (2 * h[i]);
                cr_expect(fabs(fd - g[i]) <= 1e-5 * (1 + fabs(fd)), "case %zu fn %zu x%d: %g vs %g",
                          c, k, i, g[i], fd);
            }
        }
        sg_decide_ctx_destroy(ctx);
        sg_decide_problem_destroy(p);
        teardown(&f);
    }
}

Test(decide, weighted_objective_is_range_normalised)
{
    fixture f;
    setup(&f, "[optimize]\nweights = { y = 2.0 }\nstarts = 3\n");
    sg_decide_result *r = run(&f);
    double ylo = INFINITY, yhi = -INFINITY;
    for (size_t i = 0; i < f.t->n_rows; i++) {
        double v = sg_table_at(f.t, i, 2);
        ylo = fmin(ylo, v);
        yhi = fmax(yhi, v);
    }
    cr_expect(fabs(r->opt->best_f - 2.0 * (r->mean[0] - ylo) / (yhi - ylo)) < 1e-12);
    cr_expect(strstr(r->objective, "scaled by its data range") != NULL, "%s", r->objective);
    cr_expect_eq(r->has_taguchi, 0);
    sg_decide_result_destroy(r);
    teardown(&f);
}

Test(decide, stale_and_mismatched_models_are_refused)
{
    fixture f;
    setup(&f, "");
    char why[512];
    cr_expect_eq(sg_decide_model_is_stale(g_model, "00000000000000aa", "00000000000000bb", why,
                                          sizeof why),
                 0);
    cr_expect_eq(sg_decide_model_is_stale(g_model, "00000000000000ab", "00000000000000bb", why,
                                          sizeof why),
                 1);
    cr_expect(strstr(why, "data file changed") != NULL, "%s", why);
    cr_expect_eq(sg_decide_model_is_stale(g_model, "00000000000000aa", "00000000000000bc", why,
                                          sizeof why),
                 1);
    cr_expect(strstr(why, "fit settings") != NULL, "%s", why);
    /* a study with another response name */
    const char *other = "[study]\nname = \"q\"\n[data]\nfile = \"q.csv\"\n"
                        "[[factor]]\nname = \"a\"\nmin = 1.3\nmax = 4.7\n"
                        "[[factor]]\nname = \"b\"\nmin = -2.1\nmax = 3.9\n"
                        "[[response]]\nname = \"w\"\ngoal = \"minimize\"\n"
                        "[[response]]\nname = \"z\"\n";
    sg_study *s2;
    sg_optimize_spec *sp2;
    sg_error err;
    cr_assert_eq(sg_study_load_buffer(other, strlen(other), "o.toml", &s2, &err), SG_OK);
    cr_assert_eq(sg_optimize_spec_load(s2, &sp2, &err), SG_OK);
    sg_decide_result *r = NULL;
    cr_expect_eq(sg_decide_run(s2, f.t, sp2, g_model, NULL, &r, &err), SG_ERR_INVALID);
    cr_expect_null(r);
    cr_expect(strstr(err.msg, "model response 1 is 'y' but the study's is 'w'") != NULL, "%s",
              err.msg);
    sg_optimize_spec_destroy(sp2);
    sg_study_destroy(s2);
    teardown(&f);
}

Test(decide, extrapolation_is_flagged_outside_the_tested_region)
{
    fixture f;
    setup(&f, "[optimize]\nstarts = 3\n");
    /* Only the runs with a < 2.5 count as tested: the optimum (a near 2.9)
     * lies outside the data's box. */
    char csv[4096];
    size_t used = (size_t)snprintf(csv, sizeof csv, "a,b,y,z\n");
    for (size_t i = 0; i < f.t->n_rows; i++)
        if (sg_table_at(f.t, i, 0) < 2.5)
            used += (size_t)snprintf(csv + used, sizeof csv - used, "%.17g,%.17g,%.17g,%.17g\n",
                                     sg_table_at(f.t, i, 0), sg_table_at(f.t, i, 1),
                                     sg_table_at(f.t, i, 2), sg_table_at(f.t, i, 3));
    const char *cols[] = {"a", "b", "y", "z"};
    sg_table *part;
    sg_error err;
    cr_assert_eq(sg_table_load_buffer(csv, used, "part.csv", cols, 4, 2, &part, NULL, &err), SG_OK,
                 "%s", err.msg);
    sg_decide_result *r = NULL;
    cr_assert_eq(sg_decide_run(f.s, part, f.sp, g_model, NULL, &r, &err), SG_OK, "%s", err.msg);
    cr_expect(r->opt->best_x[0] > 2.5);
    cr_expect_eq(r->outside_data_box, 1);
    cr_expect_eq(r->extrapolation, 1);
    cr_expect(strstr(r->warning, "outside the range of the tested settings") != NULL, "%s",
              r->warning);
    /* the nearest tested run has a = 2.4333 (the largest tested level) */
    cr_expect(fabs(sg_table_at(part, r->nearest_row, 0) - (1.3 + 3.4 * 2 / 6.0)) < 1e-12);
    sg_decide_result_destroy(r);
    sg_table_destroy(part);
    teardown(&f);
}
