/* `surrogate check` validates the [model], [train], [analysis] and
 * [optimize] sections (without training): a typo in each is reported with
 * the study's file:line:col and exit 1. */
#include "cli_harness.h"
#include "table_test.h"

TestSuite(cli_check_sections, .init = harness_setup, .fini = harness_teardown);

/* studies/brazing.toml (data by absolute path) with `from` replaced by `to`
 * (from = NULL: `to` appended), written as name; *line and *col receive the
 * 1-based position of `mark` in the result. */
static const char *study_with(const char *name, const char *from, const char *to,
                              const char *mark, int *line, int *col)
{
    static char text[20000], out[24000];
    char cwd[512], data[700];
    slurp("studies/brazing.toml", text, sizeof text);
    cr_assert_not_null(getcwd(cwd, sizeof cwd));
    snprintf(data, sizeof data, "file = \"%s/data/brazing_l27.csv\"", cwd);
    const char *d = strstr(text, "file = \"../data/brazing_l27.csv\"");
    cr_assert_not_null(d);
    snprintf(out, sizeof out, "%.*s%s%s", (int)(d - text), text, data,
             d + strlen("file = \"../data/brazing_l27.csv\""));
    strcpy(text, out);
    if (from) {
        char *p = strstr(text, from);
        cr_assert_not_null(p, "%s not in the study", from);
        snprintf(out, sizeof out, "%.*s%s%s", (int)(p - text), text, to, p + strlen(from));
    } else {
        snprintf(out, sizeof out, "%s\n%s", text, to);
    }
    const char *m = strstr(out, mark);
    cr_assert_not_null(m, "mark %s", mark);
    *line = 1;
    const char *bol = out;
    for (const char *c = out; c < m; c++)
        if (*c == '\n') {
            (*line)++;
            bol = c + 1;
        }
    *col = (int)(m - bol) + 1;
    return put(name, out);
}

typedef struct typo_case {
    const char *from, *to; /* edit of the study (from = NULL: append to) */
    const char *mark;      /* where the problem is */
    const char *needle;    /* in the message */
} typo_case;

static const typo_case typo_cases[] = {
    /* unknown keys */
    {NULL, "[model]\nhiden = [4]\n", "hiden", "hiden"},
    {NULL, "[train]\nlearning_rat = 0.01\n", "learning_rat", "learning_rat"},
    {NULL, "[analysis]\nmin_error_dof = 2\n", "min_error_dof", "min_error_dof"},
    {"[optimize]\n", "[optimize]\nstrats = 4\n", "strats", "strats"},
    /* bad values */
    {NULL, "[model]\nactivation = \"tanhh\"\n", "\"tanhh\"", "tanhh"},
    {NULL, "[train]\noutlier_range_fraction = 1.5\n", "1.5", "outlier_range_fraction"},
    {"response = \"stress_max\"", "response = \"stress_maxx\"", "\"stress_maxx\"", "stress_maxx"},
};

TableTest(typo_cases, k, cli_check_sections, a_typo_in_each_section_is_reported_with_its_position)
{
    {
        const typo_case *c = &typo_cases[k];
        int line = 0, col = 0;
        const char *path = study_with("typo.toml", c->from, c->to, c->mark, &line, &col);
        char want[400];
        snprintf(want, sizeof want, "%s:%d:%d:", path, line, col);
        result *r = run("check", path, NULL);
        cr_expect_eq(r->code, 1, "case %zu: exit %d\n%s", k, r->code, r->out);
        cr_expect(strstr(r->err, want) != NULL, "case %zu: %s lacks %s", k, r->err, want);
        cr_expect(strstr(r->err, c->needle) != NULL, "case %zu: %s lacks %s", k, r->err,
                  c->needle);
        cr_expect(!strstr(r->out, "OK: the study"), "case %zu", k);
        /* --json: the error in the document */
        r = run("check", "--json", path, NULL);
        cr_expect_eq(r->code, 1);
        cJSON *j = parse_out(r);
        cr_expect(cJSON_IsFalse(cJSON_GetObjectItem(j, "ok")), "case %zu", k);
        const cJSON *e = cJSON_GetObjectItem(j, "error");
        cr_expect(cJSON_IsString(e) && strstr(e->valuestring, c->needle), "case %zu", k);
        cJSON_Delete(j);
    }
}

Test(cli_check_sections, valid_sections_are_listed)
{
    int line = 0, col = 0;
    const char *path;
    path = study_with("ok.toml", NULL,
                      "[model]\nhidden = [4, 4]\n[train]\nvalidation = \"loo\"\n"
                      "outlier_range_fraction = 0.02\n",
                      "[model]", &line, &col);
    result *r = run("check", path, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cr_expect(strstr(r->out, "Settings: [model], [train], [analysis], [optimize] are valid"), "%s",
              r->out);
    r = run("check", "--json", path, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    cJSON *j = parse_out(r);
    const cJSON *s = cJSON_GetObjectItem(cJSON_GetObjectItem(j, "check"), "settings");
    cr_assert_not_null(s);
    cr_expect_str_eq(cJSON_GetObjectItem(s, "model")->valuestring, "valid");
    cr_expect_str_eq(cJSON_GetObjectItem(s, "analysis")->valuestring, "absent (defaults)");
    cr_expect_str_eq(cJSON_GetObjectItem(s, "optimize")->valuestring, "valid");
    cJSON_Delete(j);
}

/* A factor whose name is longer than a table column (filler_thickness, 16
 * characters): the correlation tables of check and analyze head its column
 * with the whole name (was "filler_thickn") and keep the values under it. */
Test(cli_check_sections, long_factor_names_head_whole_columns)
{
    int line = 0, col = 0;
    const char *path = study_with("long.toml", "name = \"thickness\"",
                                  "name = \"filler_thickness\"", "filler_thickness", &line, &col);
    const char *cmds[] = {"check", "analyze"};
    for (size_t c = 0; c < 2; c++) {
        result *r = run(cmds[c], path, NULL);
        cr_assert_eq(r->code, 0, "%s: %s", cmds[c], r->err);
        const char *head = strstr(r->out, " filler_thickness  temperature");
        cr_assert_not_null(head, "%s: %s", cmds[c], r->out);
        /* the header line and a value line under it: each value ends where
         * its column's name ends */
        const char *bol = head;
        while (bol > r->out && bol[-1] != '\n')
            bol--;
        size_t end = (size_t)(head - bol) + strlen(" filler_thickness");
        const char *row = strstr(head, "\n  stress_max");
        cr_assert_not_null(row, "%s", r->out);
        row++;
        cr_expect(row[end - 1] != ' ' && row[end] == ' ', "%s: column end %zu in\n%.*s\n%.*s",
                  cmds[c], end, (int)(strchr(bol, '\n') - bol), bol,
                  (int)(strchr(row, '\n') - row), row);
    }
}

/* Display column (code points) where the k-th (0-based) blank-separated
 * token of the line at p ends. */
static int token_end(const char *p, int k)
{
    int colm = 0, tok = -1;
    bool in = false;
    for (; *p && *p != '\n'; p++) {
        bool blank = *p == ' ';
        if (!blank && !in && ++tok > k)
            break;
        in = !blank;
        if (((unsigned char)*p & 0xC0) != 0x80)
            colm++;
        if (in && tok == k && (p[1] == ' ' || p[1] == '\n' || !p[1]))
            return colm;
    }
    return -1;
}

/* Units longer than the column (kgf/mm2, 7 characters) or not ASCII (µm, 2
 * characters in 3 bytes): check's Responses and Statistics tables keep each
 * figure under its heading (the goal and min columns were pushed right). */
Test(cli_check_sections, long_and_utf8_units_keep_the_columns)
{
    int line = 0, col = 0;
    const char *path = study_with("units2.toml", "unit = \"MPa\"", "unit = \"kgf/mm2\"",
                                  "kgf/mm2", &line, &col);
    static char text[24000]; /* and thickness in µm */
    slurp(path, text, sizeof text);
    char *um = strstr(text, "unit = \"um\"");
    cr_assert_not_null(um);
    static char both[24000];
    snprintf(both, sizeof both, "%.*sunit = \"µm\"%s", (int)(um - text), text,
             um + strlen("unit = \"um\""));
    path = put("units3.toml", both);
    result *r = run("check", path, NULL);
    cr_assert_eq(r->code, 0, "%s", r->err);
    const char *resp = strstr(r->out, "Responses (");
    cr_assert_not_null(resp, "%s", r->out);
    const char *head = strchr(resp, '\n') + 1;
    const char *max = strstr(head, "\n  stress_max ") + 1, *p1 = strstr(head, "\n  stress_path1 ") + 1;
    int goal = token_end(head, 2);
    cr_expect_eq(token_end(max, 2), goal + (int)strlen("minimize") - (int)strlen("goal"),
                 "%s", resp);
    const char *stats = strstr(r->out, "Statistics (");
    cr_assert_not_null(stats);
    head = strchr(stats, '\n') + 1;
    const char *thick = strstr(head, "\n  thickness ") + 1, *smax = strstr(head, "\n  stress_max ") + 1;
    int min_end = token_end(head, 2);
    cr_expect_eq(token_end(thick, 2), min_end, "%s", stats);
    cr_expect_eq(token_end(smax, 2), min_end, "%s", stats);
    cr_expect_eq(token_end(p1, 1) - (int)strlen("MPa"), token_end(max, 1) - (int)strlen("kgf/mm2"),
                 "units start in one column: %s", resp);
}
