/* Tests of the [optimize] loader (optim/optimize_spec.h): defaults, a full
 * section, and one case per validation error class with its line:col. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "optim/optimize_spec.h"
#include "table_test.h"

/* Lines 1-29 of every case; the [optimize] section starts at line 30, so
 * its first key is on line 31. */
#define HEAD                                                                                     \
    "[study]\n"                            /* 1 */                                               \
    "name = \"s\"\n"                       /* 2 */                                               \
    "seed = 913\n"                         /* 3 */                                               \
    "[data]\n"                             /* 4 */                                               \
    "file = \"d.csv\"\n"                   /* 5 */                                               \
    "[[factor]]\n"                         /* 6 */                                               \
    "name = \"thick\"\n"                   /* 7 */                                               \
    "min = 50\n"                           /* 8 */                                               \
    "max = 150\n"                          /* 9 */                                               \
    "levels = [50, 100, 150]\n"            /* 10 */                                              \
    "[[factor]]\n"                         /* 11 */                                              \
    "name = \"temp\"\n"                    /* 12 */                                              \
    "min = 1090\n"                         /* 13 */                                              \
    "max = 1150\n"                         /* 14 */                                              \
    "step = 15\n"                          /* 15 */                                              \
    "[[factor]]\n"                         /* 16 */                                              \
    "name = \"hold\"\n"                    /* 17 */                                              \
    "min = 20\n"                           /* 18 */                                              \
    "max = 40\n"                           /* 19 */                                              \
    "[[response]]\n"                       /* 20 */                                              \
    "name = \"smax\"\n"                    /* 21 */                                              \
    "goal = \"minimize\"\n"                /* 22 */                                              \
    "[[response]]\n"                       /* 23 */                                              \
    "name = \"sp1\"\n"                     /* 24 */                                              \
    "[[response]]\n"                       /* 25 */                                              \
    "name = \"sp2\"\n"                     /* 26 */                                              \
    "[report]\n"                           /* 27 */                                              \
    "file = \"r.xlsx\"\n"                  /* 28 */                                              \
    "# optimize below\n"                   /* 29 */

static sg_status load_opt(const char *section, sg_study **s, sg_optimize_spec **sp, sg_error *err)
{
    char text[4096];
    snprintf(text, sizeof text, "%s%s", HEAD, section);
    *sp = NULL;
    sg_status st = sg_study_load_buffer(text, strlen(text), "t/s.toml", s, err);
    cr_assert_eq(st, SG_OK, "study: %s", err->msg);
    return sg_optimize_spec_load(*s, sp, err);
}

Test(study_optimize, absent_section_uses_the_goal_response)
{
    sg_study *s;
    sg_optimize_spec *sp;
    sg_error err;
    cr_assert_eq(load_opt("", &s, &sp, &err), SG_OK, "%s", err.msg);
    cr_expect_eq(sp->weighted, 0);
    cr_expect_eq(sp->response, 0);
    cr_expect_eq(sp->sense, SG_OPTIM_MINIMIZE);
    cr_expect_eq(sp->risk, 0.0);
    cr_expect_eq(sp->con_confidence, 0.95);
    cr_expect_eq(sp->n_cons, 0);
    cr_expect_eq(sp->lb[1], 1090.0);
    cr_expect_eq(sp->ub[1], 1150.0);
    cr_expect_eq(sp->step[1], 15.0); /* from [[factor]] step */
    cr_expect_eq(sp->step[0], 0.0);
    cr_expect_eq(sp->starts, SG_OPTIM_DEFAULT_STARTS);
    cr_expect_eq(sp->seed, 913);
    cr_expect_null(sp->algorithm);
    sg_optim_config cfg;
    sg_optimize_spec_config(sp, &cfg);
    cr_expect_eq(cfg.seed, 913);
    cr_expect_eq(cfg.local.max_eval, SG_OPTIM_DEFAULT_LOCAL_MAXEVAL);
    sg_optimize_spec_destroy(sp);
    sg_study_destroy(s);
}

Test(study_optimize, full_section_is_read)
{
    sg_study *s;
    sg_optimize_spec *sp;
    sg_error err;
    const char *sec = "[optimize]\n"
                      "response = \"sp1\"\n"
                      "sense = \"maximize\"\n"
                      "risk = 1.5\n"
                      "constraints = [\"sp2 <= 450.5\", \"  smax>=-3e1 \"]\n"
                      "bounds = { thick = [60, 140], hold = [25, 40] }\n"
                      "fixed = { hold = 30.25 }\n"
                      "step = { temp = 5 }\n"
                      "levels_only = [\"thick\"]\n"
                      "algorithm = \"GN_CRS2_LM\"\n"
                      "local = \"LN_COBYLA\"\n"
                      "starts = 7\n"
                      "max_evals = 1234\n"
                      "max_time = 2.5\n"
                      "ftol_rel = 1e-9\n"
                      "xtol_rel = 0\n"
                      "threads = 1\n"
                      "global_mode = \"per_start\"\n"
                      "sub_algorithm = \"LD_LBFGS\"\n";
    cr_assert_eq(load_opt(sec, &s, &sp, &err), SG_OK, "%s", err.msg);
    cr_expect_eq(sp->response, 1);
    cr_expect_eq(sp->sense, SG_OPTIM_MAXIMIZE);
    cr_expect_eq(sp->risk, 1.5);
    cr_assert_eq(sp->n_cons, 2);
    cr_expect_eq(sp->cons[0].response, 2);
    cr_expect_eq(sp->cons[0].ge, 0);
    cr_expect_eq(sp->cons[0].bound, 450.5);
    cr_expect_str_eq(sp->cons[0].text, "sp2 <= 450.5");
    cr_expect_eq(sp->cons[1].response, 0);
    cr_expect_eq(sp->cons[1].ge, 1);
    cr_expect_eq(sp->cons[1].bound, -30.0);
    cr_expect_eq(sp->lb[0], 60.0);
    cr_expect_eq(sp->ub[0], 140.0);
    cr_expect_eq(sp->has_fixed[2], 1);
    cr_expect_eq(sp->fixed[2], 30.25);
    cr_expect_eq(sp->step[1], 5.0);
    cr_expect_eq(sp->levels_only[0], 1);
    cr_assert_eq(sp->n_levels[0], 1); /* only 100 lies in [60, 140] */
    cr_expect_eq(sp->levels[0][0], 100.0);
    cr_expect_str_eq(sp->algorithm, "GN_CRS2_LM");
    cr_expect_str_eq(sp->local, "LN_COBYLA");
    sg_optim_config cfg;
    sg_optimize_spec_config(sp, &cfg);
    cr_expect_eq(cfg.starts, 7);
    cr_expect_eq(cfg.threads, 1);
    cr_expect_eq(cfg.global.max_eval, 1234);
    cr_expect_eq(cfg.local.max_eval, 1234);
    cr_expect_eq(cfg.local.max_time, 2.5);
    cr_expect_eq(cfg.local.ftol_rel, 1e-9);
    cr_expect_eq(cfg.local.xtol_rel, 0.0);
    cr_expect_eq(cfg.global_mode, SG_OPTIM_GLOBAL_PER_START);
    cr_expect_str_eq(cfg.global.sub_algorithm, "LD_LBFGS");
    sg_optim_var v[3];
    sg_optimize_spec_vars(sp, s, v);
    cr_expect_eq(v[0].n_levels, 1);
    cr_expect_eq(v[1].step, 5.0);
    cr_expect_eq(v[2].has_fixed, 1);
    sg_optimize_spec_destroy(sp);
    sg_study_destroy(s);
}

Test(study_optimize, weighted_sum_takes_the_common_goal)
{
    sg_study *s;
    sg_optimize_spec *sp;
    sg_error err;
    cr_assert_eq(load_opt("[optimize]\nweights = { smax = 1.0 }\n", &s, &sp, &err), SG_OK, "%s",
                 err.msg);
    cr_expect_eq(sp->weighted, 1);
    cr_expect_eq(sp->weights[0], 1.0);
    cr_expect_eq(sp->weights[1], 0.0);
    cr_expect_eq(sp->sense, SG_OPTIM_MINIMIZE);
    sg_optimize_spec_destroy(sp);
    sg_study_destroy(s);
}

typedef struct bad_case {
    const char *section;  /* after HEAD; "[optimize]" is line 30 */
    const char *expect;   /* substring of the message, with line:col */
} bad_case;

static bad_case bad_cases[] = {
    {"[optimize]\nrespons = \"smax\"\n", "t/s.toml:31:1: unknown key 'respons' in [optimize]; did you mean 'response'?"},
    {"[optimize]\nresponse = 3\n", "t/s.toml:31:12: 'response' must be a string"},
    {"[optimize]\nresponse = \"smx\"\n", "t/s.toml:31:12: unknown response 'smx'; did you mean 'smax'?"},
    {"[optimize]\nresponse = \"sp1\"\n", "t/s.toml:31:12: response 'sp1' has goal \"none\": give sense"},
    {"[optimize]\nsense = \"lowest\"\n", "t/s.toml:31:9: sense must be \"minimize\" or \"maximize\""},
    {"[optimize]\nsense = \"max\"\n", "t/s.toml:31:9: sense must be \"minimize\" or \"maximize\", not \"max\"; did you mean \"maximize\"?"},
    {"[optimize]\nsense = \"Minimum\"\n", "not \"Minimum\"; did you mean \"minimize\"?"},
    {"[optimize]\nweights = { sp1 = 1, sp2 = 1 }\n", "t/s.toml:31:11: the weighted responses do not share one goal"},
    {"[optimize]\nweights = { smax = -1 }\n", "t/s.toml:31:20: weight of 'smax' must be >= 0"},
    {"[optimize]\nweights = { smax = 0 }\n", "t/s.toml:31:11: weights must include a weight > 0"},
    {"[optimize]\nweights = { qq = 1 }\n", "t/s.toml:31:13: unknown response 'qq' in weights (responses: smax, sp1, sp2)"},
    {"[optimize]\nresponse = \"smax\"\nweights = { smax = 1 }\n", "t/s.toml:32:11: give either 'response' or 'weights'"},
    {"[optimize]\nrisk = -0.5\n", "t/s.toml:31:8: risk must be a finite number of at least 0"},
    {"[optimize]\nconstraint_confidence = 1.0\n", "t/s.toml:31:25: constraint_confidence must be at least 0.5"},
    {"[optimize]\nconstraint_confidence = 0.4\n", "t/s.toml:31:25: constraint_confidence must be at least 0.5"},
    {"[optimize]\nconstraints = [\"sp3 <= 450\"]\n", "t/s.toml:31:17: constraint: unknown response 'sp3'; did you mean 'sp1'?"},
    {"[optimize]\nconstraints = [\"zzzzzz <= 450\"]\n", "t/s.toml:31:17: constraint: unknown response 'zzzzzz' (responses: smax, sp1, sp2)"},
    {"[optimize]\nconstraints = [\"sp2 < 450\"]\n", "t/s.toml:31:21: constraint: expected '<=' or '>=' after 'sp2'"},
    {"[optimize]\nconstraints = [\"sp2 <= abc\"]\n", "t/s.toml:31:24: constraint: expected a finite number after '<='"},
    {"[optimize]\nconstraints = [\"sp2 <= 4 MPa\"]\n", "t/s.toml:31:26: constraint: unexpected 'MPa' after the number"},
    {"[optimize]\nconstraints = [\"<= 4\"]\n", "t/s.toml:31:17: constraint: expected a response name"},
    {"[optimize]\nconstraints = [450]\n", "t/s.toml:31:16: constraints must be strings"},
    {"[optimize]\nbounds = { thick = [140, 60] }\n", "t/s.toml:31:20: bounds of 'thick' are inverted or empty: lower (140) must be below upper (60)"},
    {"[optimize]\nbounds = { thick = [40, 60] }\n", "t/s.toml:31:20: bounds of 'thick' [40, 60] must lie inside the factor's range [50, 150]"},
    {"[optimize]\nbounds = { thick = [60] }\n", "t/s.toml:31:20: bounds of 'thick' must be [lower, upper]"},
    {"[optimize]\nbounds = { thik = [60, 70] }\n", "t/s.toml:31:12: unknown factor 'thik' in bounds; did you mean 'thick'?"},
    {"[optimize]\nfixed = { hold = 45 }\n", "t/s.toml:31:18: fixed value of 'hold' (45) lies outside its bounds [20, 40]"},
    {"[optimize]\nbounds = { hold = [20, 30] }\nfixed = { hold = 35 }\n", "t/s.toml:32:18: fixed value of 'hold' (35) lies outside its bounds [20, 30]"},
    {"[optimize]\nfixed = { hold = \"x\" }\n", "t/s.toml:31:18: a fixed value must be a number, not a string"},
    {"[optimize]\nstep = { thick = 0 }\n", "t/s.toml:31:18: step of 'thick' (0) must be above 0"},
    {"[optimize]\nfixed = { hold = 30 }\nstep = { hold = 5 }\n", "t/s.toml:32:17: 'hold' is fixed: it cannot also have a step"},
    {"[optimize]\nlevels_only = [\"hold\"]\n", "t/s.toml:31:16: factor 'hold' declares no levels"},
    {"[optimize]\nlevels_only = [\"tick\"]\n", "t/s.toml:31:16: unknown factor 'tick' in levels_only; did you mean 'thick'?"},
    {"[optimize]\nbounds = { thick = [110, 140] }\nlevels_only = [\"thick\"]\n", "t/s.toml:32:16: no level of 'thick' lies inside its bounds [110, 140]"},
    {"[optimize]\nalgorithm = \"GN_DIRECTL\"\n", "t/s.toml:31:13: algorithm: "},
    {"[optimize]\nlocal = \"LN_FOO\"\n", "t/s.toml:31:9: local: "},
    {"[optimize]\nglobal_mode = \"twice\"\n", "t/s.toml:31:15: global_mode must be \"once\" or \"per_start\""},
    {"[optimize]\nlocal = \"\"\n", "t/s.toml:31:9: local must name an NLopt local algorithm"},
    {"[optimize]\nstarts = 0\n", "t/s.toml:31:10: starts must be between 1 and 1000000 (got 0)"},
    {"[optimize]\nstarts = 2.5\n", "t/s.toml:31:10: 'starts' must be a"},
    {"[optimize]\nmax_evals = -1\n", "t/s.toml:31:13: max_evals must be between 1"},
    {"[optimize]\nmax_time = 0\n", "t/s.toml:31:12: max_time must be a finite number above 0"},
    {"[optimize]\nthreads = 1000\n", "t/s.toml:31:11: threads must be between 0 and 256"},
    {"[optimize]\nalgorithm = \"LN_BOBYQA\"\n", "t/s.toml: [optimize]: "},
};

TableTest(bad_cases, i, study_optimize, errors)
{
    {
        const bad_case *c = &bad_cases[i];
        sg_study *s;
        sg_optimize_spec *sp;
        sg_error err;
        sg_error_clear(&err);
        sg_status st = load_opt(c->section, &s, &sp, &err);
        cr_expect_neq(st, SG_OK, "accepted: %s", c->section);
        cr_expect_null(sp);
        cr_expect(strstr(err.msg, c->expect) != NULL, "case %s\n  got:  %s\n  want: %s",
                  c->section, err.msg, c->expect);
        sg_study_destroy(s);
    }
}

Test(study_optimize, unknown_algorithm_lists_valid_names)
{
    sg_study *s;
    sg_optimize_spec *sp;
    sg_error err;
    cr_assert_neq(load_opt("[optimize]\nalgorithm = \"GN_DIRECTL\"\n", &s, &sp, &err), SG_OK);
    cr_expect(strstr(err.msg, "GN_DIRECT_L") != NULL, "%s", err.msg);
    cr_expect(strstr(err.msg, "LD_SLSQP") != NULL, "%s", err.msg);
    sg_study_destroy(s);
}

Test(study_optimize, no_goal_and_no_section_is_an_error)
{
    const char *text = "[study]\nname = \"s\"\n[data]\nfile = \"d.csv\"\n[[factor]]\nname = "
                       "\"a\"\nmin = 0\nmax = 1\n[[response]]\nname = \"y\"\n";
    sg_study *s;
    sg_optimize_spec *sp;
    sg_error err;
    cr_assert_eq(sg_study_load_buffer(text, strlen(text), "t/s.toml", &s, &err), SG_OK);
    cr_expect_eq(sg_optimize_spec_load(s, &sp, &err), SG_ERR_INVALID);
    cr_expect(strstr(err.msg, "t/s.toml: add an [optimize] section with 'response' (no response "
                             "has a goal)") != NULL,
              "%s", err.msg);
    sg_study_destroy(s);
}

Test(study_optimize, constraint_parser_positions)
{
    sg_study *s;
    sg_optimize_spec *sp;
    sg_error err;
    cr_assert_eq(load_opt("", &s, &sp, &err), SG_OK);
    sg_optimize_spec_con c;
    size_t off = 99;
    cr_expect_eq(sg_optimize_spec_parse_constraint("sp1>=2.385", s, &c, &off, &err), SG_OK);
    cr_expect_eq(c.bound, 2.385);
    cr_expect_eq(c.ge, 1);
    cr_expect_eq(sg_optimize_spec_parse_constraint("  sp1 =< 2", s, &c, &off, &err), SG_ERR_INVALID);
    cr_expect_eq(off, 6);
    sg_optimize_spec_destroy(sp);
    sg_study_destroy(s);
}
