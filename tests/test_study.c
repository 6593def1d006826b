/* Tests of the study loader (study.h): one case per validation error class,
 * asserting the exact message with its line:col. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/hash.h"
#include "io/study.h"
#include "table_test.h"

/* Lines 1-10 of every case; extra text starts at line 11. */
#define HEAD                                                                                     \
    "[study]\n"                                                                                  \
    "name = \"s\"\n"                                                                             \
    "[data]\n"                                                                                   \
    "file = \"d.csv\"\n"                                                                         \
    "[[factor]]\n"                                                                               \
    "name = \"a\"\n"                                                                             \
    "min = 0\n"                                                                                  \
    "max = 1\n"                                                                                  \
    "[[response]]\n"                                                                             \
    "name = \"y\"\n"

static sg_status load(const char *text, sg_study **s, sg_error *err)
{
    return sg_study_load_buffer(text, strlen(text), "t/s.toml", s, err);
}

Test(study, minimal_study_gets_defaults)
{
    sg_study *s = NULL;
    sg_error err;
    cr_assert_eq(load(HEAD, &s, &err), SG_OK, "%s", err.msg);
    cr_expect_str_eq(s->name, "s");
    cr_expect_str_eq(s->title, "s");
    cr_expect_eq(s->seed, SG_STUDY_DEFAULT_SEED);
    cr_expect_str_eq(s->data_file, "d.csv");
    cr_expect_str_eq(s->data_path, "t/d.csv");
    cr_expect_str_eq(s->report_file, "../reports/s.xlsx");
    cr_expect_str_eq(s->report_path, "reports/s.xlsx");
    cr_assert_eq(s->n_factors, 1);
    cr_expect_str_eq(s->factors[0].column, "a");
    cr_expect_str_eq(s->factors[0].unit, "");
    cr_expect_eq(s->factors[0].n_levels, 0);
    cr_expect_eq(s->factors[0].step, 0.0);
    cr_assert_eq(s->n_responses, 1);
    cr_expect_eq(s->responses[0].goal, SG_GOAL_NONE);
    cr_expect_null(s->model);
    cr_expect_null(s->train);
    cr_expect_null(s->optimize);
    cr_expect_null(s->analysis);
    cr_expect_eq(s->study_hash, sg_hash_fnv1a64(HEAD, strlen(HEAD), SG_HASH_FNV1A64_INIT));
    sg_study_destroy(s);
}

Test(study, without_data_section_loads_but_has_no_data)
{
    const char *text = "[study]\nname = \"s\"\n[[factor]]\nname = \"a\"\nmin = 0\nmax = 1\n"
                       "[[response]]\nname = \"y\"\n";
    sg_study *s = NULL;
    sg_error err;
    cr_assert_eq(load(text, &s, &err), SG_OK, "%s", err.msg);
    cr_expect_null(s->data_file);
    cr_expect_null(s->data_path);
    sg_table *t = NULL;
    cr_expect_eq(sg_study_load_data(s, &t, &err), SG_ERR_INVALID);
    cr_expect_str_eq(err.msg, "t/s.toml:1:1: missing section [data] (with file = \"table.csv\"): "
                              "only doe works before the data exist");
    cr_expect_null(t);
    sg_study_destroy(s);
}

Test(study, full_study_is_read)
{
    const char *text = "[study]\nname = \"brazing\"\ntitle = \"T\"\nseed = 7\n"
                       "[data]\nfile = \"/abs/d.csv\"\n"
                       "[[factor]]\nname = \"thickness\"\ncolumn = \"thickness_um\"\nunit = \"um\"\n"
                       "min = 50\nmax = 150.5\nlevels = [50, 100.25, 150]\nstep = 0.25\n"
                       "[[response]]\nname = \"stress\"\ncolumn = \"s_MPa\"\nunit = \"MPa\"\n"
                       "goal = \"minimize\"\n"
                       "[[response]]\nname = \"q\"\ngoal = \"maximize\"\n"
                       "[model]\nhidden = [8, 8]\n[train]\nepochs = 10\n[optimize]\n[analysis]\n"
                       "[report]\nfile = \"out/r.xlsx\"\n";
    sg_study *s = NULL;
    sg_error err;
    cr_assert_eq(load(text, &s, &err), SG_OK, "%s", err.msg);
    cr_expect_str_eq(s->title, "T");
    cr_expect_eq(s->seed, 7);
    cr_expect_str_eq(s->data_path, "/abs/d.csv");
    cr_expect_str_eq(s->report_path, "t/out/r.xlsx");
    const sg_factor *f = &s->factors[0];
    cr_expect_str_eq(f->column, "thickness_um");
    cr_expect_str_eq(f->unit, "um");
    cr_expect_eq(f->min, 50.0);
    cr_expect_eq(f->max, 150.5);
    cr_assert_eq(f->n_levels, 3);
    cr_expect_eq(f->levels[1], 100.25);
    cr_expect_eq(f->step, 0.25);
    cr_expect_eq(s->responses[0].goal, SG_GOAL_MINIMIZE);
    cr_expect_eq(s->responses[1].goal, SG_GOAL_MAXIMIZE);
    cr_expect_str_eq(s->responses[1].column, "q");
    cr_assert_not_null(s->model);
    cr_expect_eq(sg_toml_table_size(s->model), 1);
    cr_assert_not_null(s->train);
    cr_expect_not_null(s->optimize);
    cr_expect_not_null(s->analysis);
    cr_expect_str_eq(sg_study_goal_name(SG_GOAL_MAXIMIZE), "maximize");
    sg_study_destroy(s);
}

typedef struct error_case {
    const char *what;
    const char *text;
    sg_status status;
    const char *msg;
} error_case;

static const error_case cases[] = {
    {"unknown section, suggestion", HEAD "[modle]\n", SG_ERR_INVALID,
     "t/s.toml:11:2: unknown section 'modle'; did you mean 'model'?"},
    {"unknown section, list", HEAD "[plots]\n", SG_ERR_INVALID,
     "t/s.toml:11:2: unknown section 'plots' (sections: study, data, factor, response, report, "
     "model, train, optimize, analysis, simulate)"},
    {"unknown key, suggestion", HEAD "[[factor]]\nname = \"b\"\nmin = 1\nmxa = 2\n", SG_ERR_INVALID,
     "t/s.toml:14:1: unknown key 'mxa' in [[factor]]; did you mean 'max'?"},
    {"unknown key, list", "[study]\nname = \"s\"\ncolour = \"red\"\n", SG_ERR_INVALID,
     "t/s.toml:3:1: unknown key 'colour' in [study] (allowed: name, title, seed)"},
    {"unknown key in response", HEAD "unti = \"MPa\"\n", SG_ERR_INVALID,
     "t/s.toml:11:1: unknown key 'unti' in [[response]]; did you mean 'unit'?"},
    {"wrong type", HEAD "[[factor]]\nname = \"b\"\nmin = \"low\"\nmax = 2\n", SG_ERR_INVALID,
     "t/s.toml:13:7: 'min' must be a float, not a string"},
    {"wrong type of name", HEAD "[[factor]]\nname = 5\n", SG_ERR_INVALID,
     "t/s.toml:12:8: 'name' must be a string, not an integer"},
    {"missing required key", HEAD "[[factor]]\nname = \"b\"\nmin = 1\n", SG_ERR_INVALID,
     "t/s.toml:11:1: missing required key 'max' in [factor]"},
    {"missing name", "[study]\ntitle = \"x\"\n", SG_ERR_INVALID,
     "t/s.toml:1:1: missing required key 'name' in [study]"},
    {"min >= max", HEAD "[[factor]]\nname = \"b\"\nmin = 150\nmax = 50\n", SG_ERR_INVALID,
     "t/s.toml:13:7: min (150) must be below max (50) for factor 'b'"},
    {"min == max", HEAD "[[factor]]\nname = \"b\"\nmin = 2.5\nmax = 2.5\n", SG_ERR_INVALID,
     "t/s.toml:13:7: min (2.5) must be below max (2.5) for factor 'b'"},
    {"non-finite bound", HEAD "[[factor]]\nname = \"b\"\nmin = -inf\nmax = 5\n", SG_ERR_INVALID,
     "t/s.toml:13:7: 'min' must be a finite number"},
    {"level outside bounds",
     HEAD "[[factor]]\nname = \"b\"\nmin = 50\nmax = 150\nlevels = [50, 100, 175]\n",
     SG_ERR_INVALID, "t/s.toml:15:20: level 175 of factor 'b' is outside its bounds [50, 150]"},
    {"level repeated", HEAD "[[factor]]\nname = \"b\"\nmin = 0\nmax = 9\nlevels = [1, 2.5, 2.5]\n",
     SG_ERR_INVALID, "t/s.toml:15:19: level 2.5 of factor 'b' is listed twice"},
    {"too few levels", HEAD "[[factor]]\nname = \"b\"\nmin = 0\nmax = 9\nlevels = [1]\n",
     SG_ERR_INVALID, "t/s.toml:15:10: 'levels' needs at least 2 values, got 1"},
    {"one level counted", HEAD "[[factor]]\nname = \"b\"\nmin = 0\nmax = 9\nlevels = 1\n",
     SG_ERR_INVALID, "t/s.toml:15:10: levels = 1: a count of levels must be 2 to 64 (or list the "
                     "settings, levels = [0, ..., 9])"},
    {"too many levels counted", HEAD "[[factor]]\nname = \"b\"\nmin = 0\nmax = 9\nlevels = 65\n",
     SG_ERR_INVALID, "t/s.toml:15:10: levels = 65: a count of levels must be 2 to 64 (or list the "
                     "settings, levels = [0, ..., 9])"},
    {"level not a number", HEAD "[[factor]]\nname = \"b\"\nmin = 0\nmax = 9\nlevels = [1, \"x\"]\n",
     SG_ERR_INVALID, "t/s.toml:13:7: 'min' does not apply to the category factor 'b': its "
                     "settings are the names in 'levels'"},
    {"bad step", HEAD "[[factor]]\nname = \"b\"\nmin = 0\nmax = 9\nstep = 0\n", SG_ERR_INVALID,
     "t/s.toml:15:8: step (0) must be above 0 and at most max - min (9)"},
    {"duplicate factor name", HEAD "[[factor]]\nname = \"a\"\nmin = 0\nmax = 9\n", SG_ERR_INVALID,
     "t/s.toml:12:8: duplicate name 'a' (already used by the factor at line 5)"},
    {"factor and response share a name", HEAD "[[response]]\nname = \"a\"\ncolumn = \"c\"\n",
     SG_ERR_INVALID, "t/s.toml:12:8: duplicate name 'a' (already used by the factor at line 5)"},
    {"column used twice", HEAD "[[response]]\nname = \"z\"\ncolumn = \"a\"\n", SG_ERR_INVALID,
     "t/s.toml:13:10: column 'a' is used twice (already used by factor 'a' at line 5)"},
    {"bad goal with hint", HEAD "goal = \"minimise\"\n", SG_ERR_INVALID,
     "t/s.toml:11:8: goal must be \"minimize\", \"maximize\" or \"none\", not \"minimise\"; did "
     "you mean \"minimize\"?"},
    {"bad factor name", HEAD "[[factor]]\nname = \"2nd factor\"\nmin = 0\nmax = 1\n",
     SG_ERR_INVALID,
     "t/s.toml:12:8: factor name '2nd factor' must start with a letter and contain only "
     "letters, digits and '_' (at most 64 characters)"},
    {"bad study name", "[study]\nname = \"a/b\"\n", SG_ERR_INVALID,
     "t/s.toml:2:8: study name 'a/b' may contain only letters, digits, '_', '-' and '.' (at most "
     "64 characters; it names output files); free text goes in title = \"...\""},
    {"negative seed", "[study]\nname = \"s\"\nseed = -3\n", SG_ERR_INVALID,
     "t/s.toml:3:8: seed must be 0 or more, not -3"},
    {"missing [study]", "[data]\nfile = \"d.csv\"\n", SG_ERR_INVALID,
     "t/s.toml:1:1: missing section [study] (with name = ...)"},
    {"missing [data] is no error before the data exist", "[study]\nname = \"s\"\n",
     SG_ERR_INVALID,
     "t/s.toml:1:1: missing section [[factor]]: the study needs at least one factor"},
    {"no factors", "[study]\nname = \"s\"\n[data]\nfile = \"d.csv\"\n", SG_ERR_INVALID,
     "t/s.toml:1:1: missing section [[factor]]: the study needs at least one factor"},
    {"no responses",
     "[study]\nname = \"s\"\n[data]\nfile = \"d.csv\"\n[[factor]]\nname = \"a\"\nmin = 0\nmax = 1\n",
     SG_ERR_INVALID,
     "t/s.toml:1:1: missing section [[response]]: the study needs at least one response"},
    {"[factor] instead of [[factor]]",
     "[study]\nname = \"s\"\n[data]\nfile = \"d.csv\"\n[factor]\nname = \"a\"\n", SG_ERR_INVALID,
     "t/s.toml:5:1: 'factor' must be an array of tables (write [[factor]], not [factor])"},
    {"report file empty", HEAD "[report]\nfile = \"\"\n", SG_ERR_INVALID,
     "t/s.toml:12:8: report file name is empty"},
    {"negative header_row", "[study]\nname = \"s\"\n[data]\nfile = \"d.xlsx\"\nheader_row = -2\n",
     SG_ERR_INVALID,
     "t/s.toml:5:14: header_row must be 1 to 1048576 (0 or absent: found by the column names), "
     "not -2"},
    {"empty sheet name", "[study]\nname = \"s\"\n[data]\nfile = \"d.xlsx\"\nsheet = \"\"\n",
     SG_ERR_INVALID, "t/s.toml:5:9: sheet name is empty (leave 'sheet' out for the first sheet)"},
    {"TOML syntax error", "[study\nname = \"s\"\n", SG_ERR_PARSE, NULL},
};

TableTest(cases, c, study, every_validation_error_has_message_and_position)
{
    {
        sg_study *s = (sg_study *)1;
        sg_error err;
        sg_error_clear(&err);
        sg_status st = load(cases[c].text, &s, &err);
        cr_expect_eq(st, cases[c].status, "%s: status %d: %s", cases[c].what, st, err.msg);
        cr_expect_null(s, "%s", cases[c].what);
        if (cases[c].msg)
            cr_expect_str_eq(err.msg, cases[c].msg, "%s: got \"%s\"", cases[c].what, err.msg);
        else
            cr_expect(strncmp(err.msg, "t/s.toml:", 9) == 0, "%s: got \"%s\"", cases[c].what,
                      err.msg);
    }
}

Test(study, module_section_of_wrong_type_is_reported_at_the_value)
{
    sg_study *s = NULL;
    sg_error err;
    cr_expect_eq(load("model = 3\n" HEAD, &s, &err), SG_ERR_INVALID);
    cr_expect_str_eq(err.msg, "t/s.toml:1:9: 'model' must be a table, not an integer");
    cr_expect_null(s);
}

Test(study, check_keys_helper_for_later_modules)
{
    sg_study *s = NULL;
    sg_error err;
    cr_assert_eq(load(HEAD "[train]\nepochs = 5\nlearnig_rate = 0.1\n", &s, &err), SG_OK, "%s",
                 err.msg);
    static const char *const keys[] = {"epochs", "learning_rate"};
    cr_expect_eq(sg_study_check_keys(s->train, "[train]", keys, 2, &err), SG_ERR_INVALID);
    cr_expect_str_eq(err.msg,
                     "t/s.toml:13:1: unknown key 'learnig_rate' in [train]; did you mean "
                     "'learning_rate'?");
    cr_expect_eq(sg_study_check_keys(s->train, "[train]", keys, 1, &err), SG_ERR_INVALID);
    static const char *const all[] = {"epochs", "learnig_rate"};
    cr_expect_eq(sg_study_check_keys(s->train, "[train]", all, 2, &err), SG_OK);
    sg_study_destroy(s);
}

/* ---- with files ---------------------------------------------------------- */

static char tmpdir[64];
static void setup(void)
{
    strcpy(tmpdir, "/tmp/sg_test_study_XXXXXX");
    cr_assert_not_null(mkdtemp(tmpdir));
}
static void teardown(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    cr_expect_eq(system(cmd), 0);
}

static void put(const char *name, const char *text)
{
    char path[200];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *fp = fopen(path, "wb");
    cr_assert_not_null(fp);
    fputs(text, fp);
    fclose(fp);
}

Test(study_files, data_columns_resolved_and_missing_column_positioned, .init = setup,
     .fini = teardown)
{
    char path[200];
    snprintf(path, sizeof path, "%s/sub", tmpdir);
    cr_assert_eq(mkdir(path, 0700), 0);
    put("d.csv", "run,a,yy\n1,0.5,2\n2,0.75,\n");
    put("sub/s.toml", "[study]\nname = \"s\"\n[data]\nfile = \"../d.csv\"\n"
                      "[[factor]]\nname = \"a\"\nmin = 0\nmax = 1\n"
                      "[[response]]\nname = \"y\"\ncolumn = \"yy\"\n");
    snprintf(path, sizeof path, "%s/sub/s.toml", tmpdir);
    sg_study *s = NULL;
    sg_table *t = NULL;
    sg_error err;
    cr_assert_eq(sg_study_load(path, &s, &err), SG_OK, "%s", err.msg);
    char want[200];
    snprintf(want, sizeof want, "%s/d.csv", tmpdir);
    cr_expect_str_eq(s->data_path, want);
    cr_assert_eq(sg_study_load_data(s, &t, &err), SG_OK, "%s", err.msg);
    cr_expect_eq(t->n_rows, 1);
    cr_expect_eq(t->n_excluded, 1);
    cr_expect_str_eq(t->col_names[1], "yy");
    sg_table_destroy(t);
    sg_study_destroy(s);

    put("sub/s.toml", "[study]\nname = \"s\"\n[data]\nfile = \"../d.csv\"\n"
                      "[[factor]]\nname = \"a\"\nmin = 0\nmax = 1\n"
                      "[[response]]\nname = \"y\"\n");
    cr_assert_eq(sg_study_load(path, &s, &err), SG_OK, "%s", err.msg);
    cr_expect_eq(sg_study_load_data(s, &t, &err), SG_ERR_INVALID);
    cr_expect_null(t);
    char msg[400];
    snprintf(msg, sizeof msg,
             "%s:10:8: %s/d.csv: no column 'y' (did you mean 'yy'?); columns are: run, a, yy",
             path, tmpdir);
    cr_expect_str_eq(err.msg, msg);
    sg_study_destroy(s);

    /* [data] header_row, and a unit in the header that differs from the
     * study's: reported at the column's key */
    put("d.csv", "Results\nrun,a [m],yy\n1,0.5,2\n");
    put("sub/s.toml", "[study]\nname = \"s\"\n[data]\nfile = \"../d.csv\"\nheader_row = 2\n"
                      "[[factor]]\nname = \"a\"\nunit = \"mm\"\nmin = 0\nmax = 1\n"
                      "[[response]]\nname = \"y\"\ncolumn = \"yy\"\n");
    cr_assert_eq(sg_study_load(path, &s, &err), SG_OK, "%s", err.msg);
    cr_expect_eq(s->data_header_row, 2);
    cr_expect_eq(sg_study_load_data(s, &t, &err), SG_ERR_INVALID);
    snprintf(msg, sizeof msg,
             "%s:7:8: %s/d.csv:2: column 'a' is in [m] but the study gives its unit as 'mm'",
             path, tmpdir);
    cr_expect_str_eq(err.msg, msg);
    sg_study_destroy(s);
}

Test(study_files, io_errors, .init = setup, .fini = teardown)
{
    sg_study *s = (sg_study *)1;
    sg_error err;
    char path[200];
    snprintf(path, sizeof path, "%s/none.toml", tmpdir);
    cr_expect_eq(sg_study_load(path, &s, &err), SG_ERR_IO);
    cr_expect_null(s);
    cr_expect(strstr(err.msg, "none.toml: cannot open: ") != NULL, "%s", err.msg);
    put("s.toml", HEAD);
    snprintf(path, sizeof path, "%s/s.toml", tmpdir);
    cr_assert_eq(sg_study_load(path, &s, &err), SG_OK, "%s", err.msg);
    sg_table *t = (sg_table *)1;
    cr_expect_eq(sg_study_load_data(s, &t, &err), SG_ERR_IO);
    cr_expect_null(t);
    cr_expect(strstr(err.msg, "d.csv: cannot open") != NULL, "%s", err.msg);
    sg_study_destroy(s);
    sg_study_destroy(NULL);
}

/* U+0000 (written \u0000) in a study's strings or keys is refused with its
 * position, instead of a name cut short at the NUL. */
Test(study, nul_in_names_and_keys_is_refused)
{
    sg_study *s = NULL;
    sg_error err;
    const char *in_value = HEAD "unit = \"MP\\u0000a\"\n";
    cr_expect_eq(load(in_value, &s, &err), SG_ERR_INVALID);
    cr_expect_null(s);
    cr_expect_str_eq(err.msg, "t/s.toml:11:8: string 'MP\\u0000...' contains U+0000, which a "
                              "study does not allow");
    const char *in_key = HEAD "\"unit\\u0000x\" = \"MPa\"\n";
    cr_expect_eq(load(in_key, &s, &err), SG_ERR_INVALID);
    cr_expect_null(s);
    cr_expect_str_eq(err.msg, "t/s.toml:11:1: key 'unit\\u0000...' contains U+0000, which a "
                              "study does not allow");
}

/* Levels 1090, 1120, 1150 (gap 30, so a value within 3 of one is read as
 * it): achieved settings code on the levels they are near, only the levels
 * that occur are kept, ascending, and the largest distance is reported; a
 * value 4 off is near none. */
/* levels = 3, as an engineer says "three levels": evenly spaced from min to
 * max, by ratios on a log scale, the ends exactly the bounds. */
Test(study, a_count_of_levels_spaces_them_over_the_bounds)
{
    const char *text = HEAD "[[factor]]\nname = \"T\"\nmin = 200\nmax = 260\nlevels = 3\n"
                            "[[factor]]\nname = \"c\"\nmin = 1\nmax = 1000\nlevels = 4\n"
                            "scale = \"log\"\n"
                            "[[factor]]\nname = \"f\"\nmin = 0.1\nmax = 0.3\nlevels = 5\n";
    sg_study *s = NULL;
    sg_error err;
    cr_assert_eq(load(text, &s, &err), SG_OK, "%s", err.msg);
    const sg_factor *t = &s->factors[1], *c = &s->factors[2], *f = &s->factors[3];
    cr_assert_eq(t->n_levels, 3);
    cr_expect(t->levels[0] == 200 && t->levels[1] == 230 && t->levels[2] == 260);
    cr_assert_eq(c->n_levels, 4);
    const double decades[4] = {1, 10, 100, 1000};
    for (size_t i = 0; i < 4; i++)
        cr_expect_float_eq(c->levels[i], decades[i], 1e-12 * decades[i], "level %zu: %.17g", i,
                           c->levels[i]);
    cr_expect(c->levels[0] == 1 && c->levels[3] == 1000);
    cr_assert_eq(f->n_levels, 5);
    for (size_t i = 0; i < 5; i++)
        cr_expect_float_eq(f->levels[i], 0.1 + 0.05 * (double)i, 1e-15);
    cr_expect(f->levels[0] == 0.1 && f->levels[4] == 0.3);
    sg_study_destroy(s);
}

Test(study, values_near_declared_levels_code_on_them)
{
    double lv[3] = {1150, 1090, 1120}; /* unsorted on purpose */
    sg_factor f = {.name = "T", .unit = "C", .min = 1090, .max = 1150, .n_levels = 3,
                   .levels = lv};
    cr_expect_eq(sg_factor_level_gap(&f), 30.0);
    double x[] = {1089.7, 0, 1150.4, 0, 1090.2, 0, 1149.1, 0};
    int codes[8] = {0};
    double values[3], off;
    size_t n;
    cr_assert(sg_factor_code_levels(&f, x, 4, 2, codes, 2, values, &n, &off));
    cr_expect_eq(n, 2); /* 1120 occurs in no row */
    cr_expect_eq(values[0], 1090.0);
    cr_expect_eq(values[1], 1150.0);
    cr_expect_eq(codes[0], 0);
    cr_expect_eq(codes[2], 1);
    cr_expect_eq(codes[4], 0);
    cr_expect_eq(codes[6], 1);
    cr_expect(fabs(off - 0.9) < 1e-9, "off %g", off);
    x[2] = 1124.0; /* 4 from 1120 */
    cr_expect_not(sg_factor_code_levels(&f, x, 4, 2, codes, 2, values, &n, &off));
    f.n_levels = 0;
    cr_expect_not(sg_factor_code_levels(&f, x, 1, 2, codes, 2, values, &n, &off));
}

/* On a log scale the gap is in decades: levels 1, 10, 100 are a decade
 * apart, so 1.2 (0.08 decade off) is read as 1 but 1.5 (0.18) is not,
 * though on a linear scale 1.5 would be (0.5 of a gap of 9). */
Test(study, near_levels_on_a_log_scale_are_in_decades)
{
    double lv[3] = {1, 10, 100};
    sg_factor f = {.name = "c", .unit = "", .min = 1, .max = 100, .n_levels = 3, .levels = lv,
                   .scale = SG_FACTOR_SCALE_LOG};
    cr_expect_eq(sg_factor_level_gap(&f), 1.0);
    double x[3] = {1.2, 10, 100}, values[3], off;
    int codes[3];
    size_t n;
    cr_expect(sg_factor_code_levels(&f, x, 3, 1, codes, 1, values, &n, &off));
    cr_expect_eq(codes[0], 0);
    x[0] = 1.5;
    cr_expect_not(sg_factor_code_levels(&f, x, 3, 1, codes, 1, values, &n, &off));
    f.scale = SG_FACTOR_SCALE_LINEAR;
    cr_expect(sg_factor_code_levels(&f, x, 3, 1, codes, 1, values, &n, &off));
}
