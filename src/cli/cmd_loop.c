/* cmd_loop.c — `surrogate loop study.toml --budget N`: fit, propose, run
 * the simulator ([simulate], optim/simulate.h), append every completed run
 * to the data table, and repeat until the budget is spent or the expected
 * improvement falls below [simulate] tolerance. */
#include <math.h>
#include <stdarg.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "core/num.h"
#include "core/path.h"
#include "core/proc.h"
#include "optim/next.h"
#include "optim/simulate.h"

static const sg_cli_option loop_options[] = {
    {"--budget", 'b', "N", NULL, "simulator calls to spend (1 to 100000; required)"},
};

/* State shared by the simulation threads of one iteration. */
typedef struct loop_state {
    const sg_study *study;
    const sg_simulate_spec *sim;
    const sg_next_result *props;
    size_t next_job;           /* next proposal to run */
    pthread_mutex_t lock;      /* next_job, appends, the log, the counters */
    FILE *log;
    size_t iteration, done, ok, failed;
    double *failed_x;          /* (failed, n_factors) settings that failed */
    size_t failed_cap;
    double best;               /* best objective obtained so far (NAN) */
    bool maximize;
    size_t objective;          /* response index (single objective), else SIZE_MAX */
    size_t focus;              /* a class response's objective name, else SIZE_MAX */
    sg_status fatal;           /* an append failed: stop */
    sg_error fatal_err;
} loop_state;

static void log_line(loop_state *st, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void log_line(loop_state *st, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (st->log) {
        fprintf(st->log, "%s\n", buf);
        fflush(st->log);
    }
    fprintf(stderr, "loop: %s\n", buf);
}

static void settings_text(const sg_study *s, const double *x, char *buf, size_t cap)
{
    size_t u = 0;
    buf[0] = '\0';
    for (size_t f = 0; f < s->n_factors && u < cap; f++)
        u += (size_t)sg_num_snprintf(buf + u, cap - u, "%s%s=%g", f ? " " : "",
                                     s->factors[f].name, x[f]);
}

static void record_failure(loop_state *st, const double *x, const char *why)
{
    size_t nf = st->study->n_factors;
    if (st->failed >= st->failed_cap) {
        size_t cap = st->failed_cap ? 2 * st->failed_cap : 8;
        double *p = realloc(st->failed_x, cap * nf * sizeof *p);
        if (p) {
            st->failed_x = p;
            st->failed_cap = cap;
        }
    }
    if (st->failed < st->failed_cap)
        memcpy(st->failed_x + st->failed * nf, x, nf * sizeof *x);
    st->failed++;
    char set[512];
    settings_text(st->study, x, set, sizeof set);
    log_line(st, "iteration %zu: FAILED %s: %s (recorded as failed; excluded from now on)",
             st->iteration, set, why);
}

/* One proposal: run the simulator, parse, append (under the lock). */
static void run_one(loop_state *st, size_t k)
{
    const sg_study *s = st->study;
    const double *x = st->props->x + k * s->n_factors;
    char **argv = NULL;
    sg_error err;
    sg_proc_result pr;
    memset(&pr, 0, sizeof pr);
    double y[SG_STUDY_MAX_RESPONSES];
    char why[SG_ERROR_MSG_MAX + 600] = "";
    bool ok = false, ran = false;
    if (sg_simulate_argv(st->sim, s, x, &argv, &err) != SG_OK) {
        snprintf(why, sizeof why, "%s", err.msg);
    } else if (sg_proc_run(argv, s->dir, st->sim->timeout, SG_SIMULATE_MAX_OUTPUT, &pr, &err) !=
               SG_OK) {
        snprintf(why, sizeof why, "%s", err.msg);
    } else if ((ran = !pr.exited || pr.exit_code != 0)) {
        char how[96];
        sg_proc_describe(&pr, st->sim->timeout, how, sizeof how);
        snprintf(why, sizeof why, "%s %s%s%.300s", argv[0], how, pr.err_tail[0] ? ": " : "",
                 pr.err_tail);
    } else if ((ran = sg_simulate_parse_output(s, pr.out, y, &err) != SG_OK)) {
        snprintf(why, sizeof why, "%s", err.msg);
    } else {
        ok = true;
    }
    sg_simulate_argv_free(argv);
    pthread_mutex_lock(&st->lock);
    st->done++;
    if (ok && st->fatal == SG_OK) {
        /* the run is in the table before anything else happens */
        sg_status a = sg_simulate_append_run(s, x, y, &st->fatal_err);
        if (a != SG_OK) {
            st->fatal = a;
        } else {
            st->ok++;
            char set[512], res[512];
            settings_text(s, x, set, sizeof set);
            size_t u = 0;
            res[0] = '\0';
            for (size_t j = 0; j < s->n_responses && u < sizeof res; j++) {
                const sg_response *rj = &s->responses[j];
                if (rj->kind != SG_RESPONSE_NUMBER && y[j] >= 0 && y[j] < (double)rj->n_labels)
                    u += (size_t)snprintf(res + u, sizeof res - u, "%s%s=%s", j ? " " : "",
                                          rj->name, rj->labels[(size_t)y[j]]);
                else
                    u += (size_t)sg_num_snprintf(res + u, sizeof res - u, "%s%s=%.10g",
                                                 j ? " " : "", rj->name, y[j]);
            }
            if (st->objective < s->n_responses) {
                /* a class response's objective: whether the run gave its name */
                double v = st->focus == SIZE_MAX ? y[st->objective]
                                                 : (double)(y[st->objective] == (double)st->focus);
                if (isnan(st->best) || (st->maximize ? v > st->best : v < st->best))
                    st->best = v;
            }
            log_line(st, "iteration %zu: obtained %s -> %s (%.1f s); best so far %.10g",
                     st->iteration, set, res, pr.seconds, st->best);
        }
    } else if (!ok) {
        record_failure(st, x, why);
        /* in the table as a failed run, so that a later loop, `next` and the
         * decision know of it (ran: the simulator started and gave no result;
         * a command that could not start is no run) */
        if (ran && st->fatal == SG_OK)
            st->fatal = sg_simulate_append_run(s, x, NULL, &st->fatal_err);
    }
    pthread_mutex_unlock(&st->lock);
    sg_proc_result_free(&pr);
}

static void *worker(void *arg)
{
    loop_state *st = arg;
    for (;;) {
        pthread_mutex_lock(&st->lock);
        size_t k = st->next_job++;
        bool stop = st->fatal != SG_OK;
        pthread_mutex_unlock(&st->lock);
        if (stop || k >= st->props->n_runs)
            return NULL;
        run_one(st, k);
    }
}

/* Run the proposals, sim->jobs at a time. */
static void run_batch(loop_state *st)
{
    size_t nt = st->sim->jobs < st->props->n_runs ? st->sim->jobs : st->props->n_runs;
    pthread_t tid[SG_SIMULATE_MAX_JOBS];
    size_t started = 0;
    st->next_job = 0;
    for (; started < nt; started++)
        if (pthread_create(&tid[started], NULL, worker, st) != 0)
            break;
    if (started == 0)
        worker(st); /* no thread: run them here */
    for (size_t i = 0; i < started; i++)
        pthread_join(tid[i], NULL);
}

/* Fit, optimise and propose on the current data (a fresh context: the data
 * file has grown).  Returns an exit code; *props is caller-owned. */
static int propose(const sg_cli_args *inner, loop_state *st, size_t k, bool defer,
                   sg_next_result **props)
{
    sg_cli_ctx ctx;
    int code = sg_cli_ctx_init(&ctx, inner);
    if (code != SG_EXIT_OK)
        return code;
    code = sg_cli_decide_quietly(&ctx);
    if (code == SG_EXIT_OK) {
        double half[SG_STUDY_MAX_RESPONSES], sf[SG_STUDY_MAX_RESPONSES],
            q2[SG_STUDY_MAX_RESPONSES], level, held[SG_STUDY_MAX_FACTORS];
        sg_cli_calibration(&ctx, half, sf, q2, &level);
        sg_cli_held_factors(&ctx, held);
        sg_next_inputs in = {.study = ctx.study, .table = ctx.table, .spec = ctx.optimize_spec,
                             .model = ctx.model, .decide = ctx.optimize, .half_width = half,
                             .spread_factor = sf, .level = level, .q2 = q2, .runs = k,
                             .seed = ctx.study->seed + st->iteration,
                             .exclude = st->failed_x, .n_exclude = st->failed,
                             .held = held, .defer_confirmation = defer};
        sg_error err;
        if (sg_next_propose(&in, props, &err) != SG_OK)
            code = sg_cli_fail(&ctx, &err);
        else if (!ctx.optimize_spec->weighted) {
            st->objective = ctx.optimize_spec->response;
            st->focus = ctx.optimize_spec->focus[st->objective];
            st->maximize = ctx.optimize_spec->sense == SG_OPTIM_MAXIMIZE;
            if (isnan(st->best))
                st->best = (*props)->best_value;
        }
    }
    return sg_cli_finish(&ctx, code);
}

static int loop_main(const sg_cli_args *a)
{
    sg_cli_ctx ctx;
    int code = sg_cli_ctx_init(&ctx, a);
    if (code != SG_EXIT_OK)
        return code;
    long budget = 0;
    if (!sg_cli_opt(a, "--budget"))
        return sg_cli_finish(&ctx, sg_cli_usage_error(a->cmd, "--budget N is required"));
    if ((code = sg_cli_opt_long(a, "--budget", 0, 1, 100000, &budget)) != SG_EXIT_OK)
        return sg_cli_finish(&ctx, code);
    sg_error err;
    sg_simulate_spec *sim = NULL;
    loop_state st;
    memset(&st, 0, sizeof st);
    st.best = NAN;
    st.objective = (size_t)-1;
    st.focus = (size_t)-1;
    pthread_mutex_init(&st.lock, NULL);
    char *lp = NULL;
    if (sg_study_load(a->study_path, &ctx.study, &err) != SG_OK ||
        sg_simulate_spec_load(ctx.study, &sim, &err) != SG_OK ||
        sg_simulate_check_data(ctx.study, &err) != SG_OK) {
        code = sg_cli_fail(&ctx, &err);
        goto done;
    }
    st.study = ctx.study;
    st.sim = sim;
    if (!(lp = sg_cli_beside_report(ctx.study, "-loop.log")) || !(st.log = fopen(lp, "a"))) {
        sg_error_set(&err, SG_ERR_IO, "%s: cannot open the loop's log", lp ? lp : "?");
        code = sg_cli_fail(&ctx, &err);
        goto done;
    }
    sg_cli_args inner = *a;
    inner.json = false; /* the iterations print nothing on stdout */
    char why_buf[160];
    const char *budget_spent = "the budget is spent", *why_stop = budget_spent;
    /* The confirmation run of an untested optimum waits for the budget's
     * last simulations or for the tolerance stop: in the middle of a loop it
     * is pure exploitation of the model's mean, which crawled along one
     * basin (bench_loop, Hartmann-6: the 1 % band in 33-43 calls instead of
     * 35-48 on the seeds that reach it; doc/speed.md). */
    bool confirm_now = false;
    while (st.done < (size_t)budget && code == SG_EXIT_OK) {
        st.iteration++;
        size_t k = (size_t)budget - st.done < sim->jobs ? (size_t)budget - st.done : sim->jobs;
        bool defer = !confirm_now && st.done + k < (size_t)budget;
        sg_next_result *props = NULL;
        if ((code = propose(&inner, &st, k, defer, &props)) != SG_EXIT_OK)
            break;
        double best_ei = 0.0;
        bool confirm = false;
        if (props->warped) /* its proposals' own may be far below what is left */
            best_ei = props->max_ei;
        for (size_t n = 0; n < props->n_runs; n++) {
            best_ei = props->ei[n] > best_ei ? props->ei[n] : best_ei;
            confirm |= props->kind[n] == SG_NEXT_CONFIRM;
        }
        bool converged = sim->tolerance > 0 && !props->weak_model && !confirm &&
                         best_ei < sim->tolerance;
        if (props->n_runs == 0) {
            why_stop = "every realisable setting has been tried";
        } else if (converged && defer) {
            confirm_now = true; /* before stopping: the deferred confirmation */
            sg_next_result_destroy(props);
            st.iteration--;
            continue;
        } else if (converged) {
            sg_num_snprintf(why_buf, sizeof why_buf,
                            "the expected improvement %.3g is below the tolerance %g", best_ei,
                            sim->tolerance);
            why_stop = why_buf;
        } else {
            for (size_t n = 0; n < props->n_runs; n++) {
                char set[512];
                settings_text(ctx.study, props->x + n * ctx.study->n_factors, set, sizeof set);
                log_line(&st, "iteration %zu: proposed %s (%s)", st.iteration, set,
                         props->reason[n]);
            }
            st.props = props;
            run_batch(&st);
            st.props = NULL;
            confirm_now = false;
        }
        size_t proposed = props->n_runs;
        sg_next_result_destroy(props);
        if (st.fatal != SG_OK) {
            code = sg_cli_fail(&ctx, &st.fatal_err);
            break;
        }
        if (proposed == 0 || why_stop != budget_spent)
            break;
    }
    if (code == SG_EXIT_OK) {
        log_line(&st, "stopped: %s; %zu simulations, %zu completed, %zu failed; best %.10g",
                 why_stop, st.done, st.ok, st.failed, st.best);
        sg_simulate_summary sum = {why_stop, st.iteration, st.done, st.ok, st.failed, st.best,
                                   ctx.study->data_path, lp};
        cJSON *o = NULL;
        if (sg_simulate_summary_to_json(&sum, &o, &err) != SG_OK)
            code = sg_cli_fail(&ctx, &err);
        else
            code = sg_cli_json_put(&ctx, NULL, "loop", o);
        if (code != SG_EXIT_OK) {
            /* out of memory: reported by sg_cli_json_put */
        } else if (st.done > 0 && st.ok == 0) {
            sg_error_set(&err, SG_ERR_INVALID,
                         "every simulation failed (%zu); see %s for the messages", st.failed, lp);
            code = sg_cli_fail(&ctx, &err);
        } else if (!a->json) {
            printf("Loop stopped: %s.\n  %zu simulations run, %zu appended to %s, %zu failed;\n"
                   "  best %s so far: %.10g.  Log: %s\n",
                   why_stop, st.done, st.ok, ctx.study->data_path, st.failed,
                   st.objective < ctx.study->n_responses
                       ? ctx.study->responses[st.objective].name
                       : "objective",
                   st.best, lp);
        }
    }
done:
    if (st.log)
        fclose(st.log);
    free(lp);
    free(st.failed_x);
    pthread_mutex_destroy(&st.lock);
    sg_simulate_spec_destroy(sim);
    return sg_cli_finish(&ctx, code);
}

const sg_cli_command sg_cmd_loop = {
    .name = "loop",
    .summary = "drive the simulator: propose, simulate, append, refit, until the budget is spent",
    .description =
        "Runs the simulator of [simulate] on the settings 'next' proposes, [simulate]\n"
        "jobs at a time, and appends every completed run to the study's CSV data file at\n"
        "once (atomically: a killed loop loses no finished simulation; run it again to\n"
        "resume).  Then refits and proposes again, until --budget simulator calls are\n"
        "spent or the expected improvement falls below [simulate] tolerance.  A failed or\n"
        "timed-out run is logged with its message and not proposed again.  The command\n"
        "runs without a shell unless [simulate] shell = true; the simulator prints\n"
        "'name = value' lines or a CSV header and one line of values.\n"
        "Log: <report dir>/<study>-loop.log.",
    .options = loop_options,
    .n_options = sizeof loop_options / sizeof loop_options[0],
    .handler = loop_main,
    .needs_study = true,
};
