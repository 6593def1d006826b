/* test_attacks.c — hostile inputs replayed against the built binary (issue
 * 19, "Hardening").  Each entry is a study, a data file and a command line
 * that once crashed, hung, or gave a silently wrong or unreadable answer;
 * each must now end with the expected exit code and an error message that
 * says what is wrong, and never with a signal.
 *
 * The study is studies/brazing.toml made light (see light_study.h) with the
 * entry's text patches applied; the data is data/brazing_l27.csv with its
 * patch applied, or the entry's raw bytes.  Both live in a fresh temporary
 * directory, with the report, model and results files beside them. */
#include <criterion/parameterized.h>

#include "cli_harness.h"
#include "light_study.h"

#define ATTACK_MAX_ARGS 8
#define ATTACK_MAX_PATCHES 3

typedef struct patch {
    const char *from, *to; /* replace the first `from` by `to`; NULL = none */
} patch;

typedef struct attack {
    const char *name;
    patch study[ATTACK_MAX_PATCHES];  /* applied to studies/brazing.toml */
    patch data;                       /* applied to data/brazing_l27.csv */
    const char *data_raw;             /* instead: the data file's bytes */
    const char *prep[ATTACK_MAX_ARGS]; /* a command run first, which must succeed ("fit") */
    patch model;                      /* then applied to the model file it wrote */
    patch study_after;                /* and to the study */
    const char *extra_name;           /* another file in the directory (model, --in table) */
    const char *extra_text;
    /* The command line; "@study" is the study's path, "@extra" the extra
     * file's path, "@model" the model file's path. */
    const char *args[ATTACK_MAX_ARGS];
    int code;                         /* expected exit code */
    const char *needle;               /* expected in stderr */
    const char *out_needle;           /* expected in stdout (NULL = no check) */
    int stdout_empty;                 /* nothing may be printed on stdout */
    const char *absent;               /* file of the directory that must not exist after */
    const char *present;              /* file of the directory that must exist after */
} attack;

static const attack attack_table[] = {
    /* 1: every optimiser start fails -> best_x NULL -> memcpy from NULL. */
    /* Until the optimiser searched scaled ranges and objectives (doc/optim.md),
     * every start failed here; now the search succeeds and the value is
     * named: check warns, fit flags the run, the answer says it follows it. */
    {.name = "huge response value: optimize",
     .data = {"529.6", "1e12"},
     .args = {"optimize", "--fit", "@study"},
     .code = 0,
     .needle = "",
     .out_needle = "run 1, stress_max: observed 1e+12 MPa"},
    {.name = "huge response value: run names it",
     .data = {"529.6", "1e12"},
     .args = {"run", "@study"},
     .code = 0,
     .needle = "",
     .out_needle = "run 1: stress_max observed 1e+12 MPa, where the other runs predict",
     .present = "report.xlsx"},
    {.name = "huge response value: check names it",
     .data = {"529.6", "1e12"},
     .args = {"check", "@study"},
     .code = 0,
     .needle = "",
     .out_needle = "response 'stress_max': 1 value far beyond all the others (line 2; e.g. "
                   "1e+12"},
    /* risk x spread must overflow: 1.7e308 (1e300 times a spread of 0.07 MPa
     * is finite, and the answer then merely spread-averse) */
    /* a run 1000 times the others spreads the members by more than 1 MPa
     * everywhere: the risk term overflows at every setting */
    {.name = "huge risk factor: non-finite objective everywhere",
     .data = {"529.6", "5e5"},
     .study = {{"response = \"stress_max\"\n", "response = \"stress_max\"\nrisk = 1.7e308\n"}},
     .args = {"run", "@study"},
     .code = 3,
     .needle = "lower [optimize] risk (now 1.7e+308)",
     .present = "brazing.model.results.json"},
    {.name = "huge risk factor: report recomputes the saved optimisation",
     .data = {"529.6", "5e5"},
     .prep = {"run", "-q", "@study"},
     .study_after = {"response = \"stress_max\"\n", "response = \"stress_max\"\nrisk = 1.7e308\n"},
     .args = {"report", "@study"},
     .code = 3,
     .needle = "no optimum: all 8 optimiser starts failed",
     .stdout_empty = 1},
    /* 4: (upper - lower) / step overflowed the cast to size_t: the grid
     * collapsed to one value and the "realisable optimum" was wrong. */
    {.name = "[optimize] step too small to enumerate",
     .study = {{"temperature = 5, hold = 1", "temperature = 1e-20, hold = 1"}},
     .args = {"optimize", "--fit", "@study"},
     .code = 1,
     .needle = "study.toml:75:24: step of 'temperature' (1e-20) is too small",
     .absent = "brazing.model.json"},
    {.name = "[[factor]] step too small to enumerate",
     .study = {{"levels = [1090, 1120, 1150]\n", "levels = [1090, 1120, 1150]\nstep = 1e-20\n"}},
     .args = {"check", "@study"},
     .code = 1,
     .needle = "study.toml:28:8: step (1e-20) is too small: max - min (60) would hold 6e+21"},
    /* 5: a Windows-1252 byte went raw into sharedStrings.xml and --json. */
    {.name = "Windows-1252 run name is converted to UTF-8",
     .data = {"1,50,1090,20,3,529.6,410.39,474.391", "Lauf-\xe4,50,1090,20,3,,,"},
     .args = {"check", "@study"},
     .code = 0,
     .needle = "data.csv is not UTF-8 text: it was read as Windows-1252",
     .out_needle = "Lauf-\xc3\xa4"},
    {.name = "Windows-1252 run name in --json is UTF-8",
     .data = {"1,50,1090,20,3,529.6,410.39,474.391", "Lauf-\xe4,50,1090,20,3,,,"},
     .args = {"check", "--json", "@study"},
     .code = 0,
     .needle = "",
     .out_needle = "\"run\":\t\"Lauf-\xc3\xa4\""},
    {.name = "mixed UTF-8 and Windows-1252 is refused at the byte",
     .data = {"1,50,1090,20,3,529.6,410.39,474.391\n2,",
              "Lauf-\xc3\xa4,50,1090,20,3,529.6,410.39,474.391\nLauf-\xe4,"},
     .args = {"check", "@study"},
     .code = 1,
     .needle = "data.csv:3:6: byte 0xE4 is not UTF-8 text and the rest of the file is UTF-8",
     .stdout_empty = 1},
    /* 14: a value near the largest double overflowed sums of squares: fit
     * said "row 2: value is not finite" (no file, no column), analyze
     * printed inf level means. */
    {.name = "largest double in the data: fit",
     .data = {"529.6", "1.7976931348623157e308"},
     .args = {"fit", "@study"},
     .code = 1,
     .needle = "data.csv:2:stress_max_MPa: '1.7976931348623157e308' is too large: values must "
               "lie within +-1e+150",
     .absent = "brazing.model.json"},
    {.name = "largest double in the data: analyze",
     .data = {"529.6", "-1.7976931348623157e308"},
     .args = {"analyze", "@study"},
     .code = 1,
     .needle = "data.csv:2:stress_max_MPa: '-1.7976931348623157e308' is too large",
     .stdout_empty = 1},
    {.name = "study bound near the largest double",
     .study = {{"max = 150\n", "max = 1e300\n"}},
     .args = {"check", "@study"},
     .code = 1,
     .needle = "study.toml:18:7: 'max' (1e+300) is too large: values must lie within +-1e+150"},
    /* 16: a column name starting with = + - @ went raw into the header of
     * the CSV run sheet: a formula when opened in a spreadsheet. */
    {.name = "formula as a factor column name",
     .study = {{"column = \"thickness_um\"", "column = \"=HYPERLINK(\\\"http://x\\\")\""}},
     .args = {"doe", "@study", "--design", "auto", "--out", "@extra"},
     .extra_name = "sheet.csv",
     .extra_text = "",
     .code = 1,
     .needle = "study.toml:15:10: column '=HYPERLINK(\"http://x\")' starts with '=': a "
               "spreadsheet would read it as a formula",
     .stdout_empty = 1},
    {.name = "formula as a response column name",
     .study = {{"column = \"stress_max_MPa\"", "column = \"@SUM(1+1)*cmd\""}},
     .args = {"check", "@study"},
     .code = 1,
     .needle = "column '@SUM(1+1)*cmd' starts with '@'"},
    /* 15: predict --in silently picked one of two matching columns. */
    {.name = "predict --in with thickness and thickness_um",
     .prep = {"fit", "--no-cv", "-q", "@study"},
     .extra_name = "points.csv",
     .extra_text = "thickness,thickness_um,temperature,hold,cooling\n60,140,1100,30,5\n",
     .args = {"predict", "@model", "--in", "@extra"},
     .code = 1,
     .needle = "points.csv: columns 'thickness' and 'thickness_um' both match factor "
               "'thickness': keep one",
     .stdout_empty = 1},
    {.name = "predict --in with hold_min and hold_s",
     .prep = {"fit", "--no-cv", "-q", "@study"},
     .extra_name = "points.csv",
     .extra_text = "thickness,temperature,hold_min,cooling,hold_s\n60,1100,30,5,1800\n",
     .args = {"predict", "@model", "--in", "@extra"},
     .code = 1,
     .needle = "columns 'hold_min' and 'hold_s' both match factor 'hold'",
     .stdout_empty = 1},
    /* 17: a usage error printed a JSON document on stdout with --json. */
    {.name = "predict --json with a bad --at value",
     .prep = {"fit", "--no-cv", "-q", "@study"},
     .args = {"predict", "--json", "@model", "--at",
              "thickness=abc,temperature=1100,hold=30,cooling=5"},
     .code = 2,
     .needle = "--at: thickness: 'abc' is not a number",
     .stdout_empty = 1},
    {.name = "predict --json with an unknown --at factor",
     .prep = {"fit", "--no-cv", "-q", "@study"},
     .args = {"predict", "--json", "@model", "--at", "thicknes=100"},
     .code = 2,
     .needle = "unknown factor 'thicknes'",
     .stdout_empty = 1},
    {.name = "predict --json with --at and --in",
     .args = {"predict", "--json", "@model", "--at", "thickness=100", "--in", "x.csv"},
     .code = 2,
     .needle = "give exactly one of --at",
     .stdout_empty = 1},
    {.name = "doe --json with a bad --seed",
     .args = {"doe", "--json", "@study", "--seed", "-5"},
     .code = 2,
     .needle = "--seed must be an integer",
     .stdout_empty = 1},
    {.name = "doe --json with a bad --design",
     .args = {"doe", "--json", "@study", "--design", "L5000"},
     .code = 2,
     .needle = "--design:",
     .stdout_empty = 1},
    {.name = "check --json with an unknown option",
     .args = {"check", "--json", "@study", "--fast"},
     .code = 2,
     .needle = "unknown option '--fast'",
     .stdout_empty = 1},
    {.name = "analyze --json without a study",
     .args = {"analyze", "--json"},
     .code = 2,
     .needle = "needs a study file",
     .stdout_empty = 1},
    {.name = "fit --json with a flag given a value",
     .args = {"fit", "--json", "--no-cv=1", "@study"},
     .code = 2,
     .needle = "takes no value",
     .stdout_empty = 1},
    {.name = "optimize --json with two studies",
     .args = {"optimize", "--json", "@study", "@study"},
     .code = 2,
     .needle = "takes one study file",
     .stdout_empty = 1},
    {.name = "report --json with a missing option value",
     .args = {"report", "--json", "@study", "--model"},
     .code = 2,
     .needle = "needs a value",
     .stdout_empty = 1},
    {.name = "run --json with a misspelt option",
     .args = {"run", "--jsn", "@study"},
     .code = 2,
     .needle = "did you mean '--json'",
     .stdout_empty = 1},
    /* 3: outputs overwrote inputs, each other, or an unrelated file (the
     * study is changed after a harmless `check`, since the staging step
     * writes the report and data lines itself). */
    {.name = "the report named as the data file",
     .prep = {"check", "-q", "@study"},
     .study_after = {"report.xlsx\"", "data.csv\""},
     .args = {"run", "@study"},
     .code = 1,
     .needle = "is the data file",
     .present = "data.csv",
     .absent = "brazing.model.json"},
    {.name = "the model file named as the study",
     .prep = {"check", "-q", "@study"},
     .study_after = {"[model]\n", "[model]\nfile = \"study.toml\"\n"},
     .args = {"fit", "@study"},
     .code = 1,
     .needle = "is the study file"},
    {.name = "the model file named as the report",
     .prep = {"check", "-q", "@study"},
     .study_after = {"[model]\n", "[model]\nfile = \"report.xlsx\"\n"},
     .args = {"run", "@study"},
     .code = 1,
     .needle = "are the same file",
     .absent = "report.xlsx"},
    {.name = "an unrelated file named as the report",
     .prep = {"check", "-q", "@study"},
     .extra_name = "notes.txt",
     .extra_text = "meeting notes\n",
     .study_after = {"report.xlsx\"", "notes.txt\""},
     .args = {"run", "@study"},
     .code = 3,
     .needle = "exists and was not written by surrogate",
     .absent = "brazing.model.json"},
    /* 6: a study could send its outputs anywhere. */
    {.name = "a report path that climbs out of the study's folder",
     .prep = {"check", "-q", "@study"},
     .study_after = {"report.xlsx\"", "../../../../../../../tmp/sg_attack_escaped.xlsx\""},
     .args = {"run", "@study"},
     .code = 1,
     .needle = "outside the current directory and the study's folder"},
    /* 12: the "no such column" error echoed the first line of any file. */
    {.name = "a secret file named as the data",
     .prep = {"check", "-q", "@study"},
     .extra_name = "secret.txt",
     .extra_text = "root:$y$j9T$abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ:19000:0:99999:7:::\n",
     .study_after = {"data.csv\"", "secret.txt\""},
     .args = {"check", "@study"},
     .code = 1,
     .needle = "the first line is not a header of column names",
     .stdout_empty = 1},
    /* 13: a crafted output scaling predicted inf with exit code 0. */
    {.name = "model file whose output scaling overflows",
     .prep = {"fit", "--no-cv", "-q", "@study"},
     .model = {"\"outputs\":\t{",
               "\"outputs\":\t{\"width\": [1.7e308, 1, 1], \"shift\": [1.7e308, 0, 0], "},
     .args = {"predict", "@model", "--at", "thickness=100,temperature=1100,hold=30,cooling=5"},
     .code = 1,
     .needle = "brazing.model.json: response 'stress_max': the output scaling (shift 1.7e+308, "
               "width 1.7e+308) gives predictions that are not finite",
     .stdout_empty = 1},
};
#define N_ATTACKS (sizeof attack_table / sizeof attack_table[0])

/* ---- setting up one attack --------------------------------------------------- */

static void apply(char *buf, size_t cap, const patch *p)
{
    if (p->from)
        light_replace(buf, cap, p->from, p->to);
}

/* Write the study, data and extra file of a into the temporary directory;
 * returns the study path (static). */
static const char *stage_attack(const attack *a)
{
    static char study[16384], data[16384];
    static char study_path[256];
    slurp("data/brazing_l27.csv", data, sizeof data - 512);
    apply(data, sizeof data, &a->data);
    write_file(tpath(0, "data.csv"), a->data_raw ? a->data_raw : data);

    slurp("studies/brazing.toml", study, sizeof study - 1024);
    for (size_t i = 0; i < ATTACK_MAX_PATCHES; i++)
        apply(study, sizeof study, &a->study[i]);
    char line[512];
    snprintf(line, sizeof line, "file = \"%s\"", tpath(0, "data.csv"));
    light_replace(study, sizeof study, "file = \"../data/brazing_l27.csv\"", line);
    snprintf(line, sizeof line, "file = \"%s\"", tpath(0, "report.xlsx"));
    light_replace(study, sizeof study, "file = \"../reports/brazing.xlsx\"", line);
    light_replace(study, sizeof study, "[optimize]\n", "[optimize]\nstarts = 8\n");
    strcat(study, "\n[model]\nhidden = [3]\nensemble = 2\n"
                  "[train]\nepochs = 150\nvalidation = \"kfold:3\"\n");
    snprintf(study_path, sizeof study_path, "%s", tpath(1, "study.toml"));
    write_file(study_path, study);
    if (a->extra_name)
        write_file(tpath(2, a->extra_name), a->extra_text);
    return study_path;
}

/* Run the command line args (a's or its prep) with @study, @extra and @model replaced. */
static result *run_args(const attack *a, const char *const *args, const char *study_path)
{
    static char argbuf[ATTACK_MAX_ARGS][300];
    const char *argv[ATTACK_MAX_ARGS + 1] = {0};
    for (size_t i = 0; i < ATTACK_MAX_ARGS && args[i]; i++) {
        const char *s = args[i];
        if (strcmp(s, "@study") == 0)
            s = study_path;
        else if (strcmp(s, "@extra") == 0)
            s = tpath(2, a->extra_name);
        else if (strcmp(s, "@model") == 0)
            s = tpath(3, "brazing.model.json");
        snprintf(argbuf[i], sizeof argbuf[i], "%s", s);
        argv[i] = argbuf[i];
    }
    return run(argv[0], argv[1], argv[2], argv[3], argv[4], argv[5], argv[6], argv[7], NULL);
}

/* The parameter is an index into attack_table: Criterion may run each test
 * in a re-executed process, where pointers inside a copied parameter would
 * not be valid. */
ParameterizedTestParameters(attacks, replay)
{
    static size_t index[N_ATTACKS];
    for (size_t i = 0; i < N_ATTACKS; i++)
        index[i] = i;
    return cr_make_param_array(size_t, index, N_ATTACKS);
}

ParameterizedTest(size_t *ip, attacks, replay, .init = harness_setup, .fini = harness_teardown,
                  .timeout = 240)
{
    const attack *a = &attack_table[*ip];
    const char *study_path = stage_attack(a);
    if (a->prep[0]) {
        result *p = run_args(a, a->prep, study_path);
        cr_assert_eq(p->code, 0, "%s: preparation failed:\n%s", a->name, p->err);
        if (a->model.from) {
            static char text[1 << 20];
            slurp(tpath(3, "brazing.model.json"), text, sizeof text - 4096);
            apply(text, sizeof text, &a->model);
            write_file(tpath(3, "brazing.model.json"), text);
        }
        if (a->study_after.from) {
            static char text[16384];
            slurp(study_path, text, sizeof text - 1024);
            apply(text, sizeof text, &a->study_after);
            write_file(study_path, text);
        }
    }
    result *r = run_args(a, a->args, study_path);
    cr_expect_eq(r->code, a->code, "%s: exit code %d, expected %d; stderr:\n%s", a->name, r->code,
                 a->code, r->err);
    cr_expect_not_null(strstr(r->err, a->needle), "%s: '%s' not in stderr:\n%s", a->name,
                       a->needle, r->err);
    if (a->out_needle)
        cr_expect_not_null(strstr(r->out, a->out_needle), "%s: '%s' not in stdout:\n%.3000s",
                           a->name, a->out_needle, r->out);
    if (a->stdout_empty)
        cr_expect_eq(r->out[0], '\0', "%s: stdout is not empty:\n%.2000s", a->name, r->out);
    if (a->absent)
        cr_expect(access(tpath(4, a->absent), F_OK) != 0, "%s: %s exists", a->name, a->absent);
    if (a->present)
        cr_expect(access(tpath(4, a->present), F_OK) == 0, "%s: %s is missing", a->name,
                  a->present);
}
