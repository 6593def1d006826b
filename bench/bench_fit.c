/* bench_fit.c — item 12d: `surrogate fit studies/brazing.toml` end to end
 * with the study's default settings (cross-validation included): wall time
 * (target < 3 s) and peak memory of the child (target < 50 MB), plus the
 * same without cross-validation, and the LOO RMSE of stress_max.
 * Binary from $SURROGATE_BIN (default build/surrogate); run from the
 * project root.  Repeats each case BENCH_FIT_REPEATS times (env, default
 * 1) and reports the fastest. */
#define _DEFAULT_SOURCE /* wait4 */
#include <cJSON.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define STUDY "studies/brazing.toml"
#define TARGET_SECONDS 3.0
#define TARGET_MB 50.0

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Run bin fit ... with stdout to out_path; wall seconds and peak RSS (MB). */
static int run_fit(const char *bin, const char *model, bool cv, const char *out_path,
                   double *secs, double *cpu, double *mb)
{
    const char *argv[] = {bin, "fit", "-q", "--json", "--model", model, cv ? STUDY : "--no-cv",
                          cv ? NULL : STUDY, NULL};
    double t0 = now_s();
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        int fd = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (fd < 0)
            _exit(127);
        dup2(fd, 1);
        execv(bin, (char *const *)argv);
        _exit(127);
    }
    int status = 0;
    struct rusage ru;
    if (wait4(pid, &status, 0, &ru) != pid)
        return -1;
    *secs = now_s() - t0;
    *cpu = (double)ru.ru_utime.tv_sec + 1e-6 * (double)ru.ru_utime.tv_usec +
           (double)ru.ru_stime.tv_sec + 1e-6 * (double)ru.ru_stime.tv_usec;
    *mb = (double)ru.ru_maxrss / 1024.0; /* ru_maxrss is in KiB on Linux */
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* LOO RMSE of the first response from the fit JSON in path; -1 if absent. */
static double loo_rmse(const char *path, char *name, size_t cap)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return -1;
    static char buf[4 << 20];
    size_t n = fread(buf, 1, sizeof buf - 1, fp);
    fclose(fp);
    buf[n] = '\0';
    cJSON *j = cJSON_Parse(buf);
    double v = -1;
    cJSON *r0 = cJSON_GetArrayItem(
        cJSON_GetObjectItem(cJSON_GetObjectItem(j, "fit"), "responses"), 0);
    cJSON *rm = cJSON_GetObjectItem(
        cJSON_GetObjectItem(cJSON_GetObjectItem(r0, "cv"), "network"), "rmse");
    if (cJSON_IsNumber(rm)) {
        v = rm->valuedouble;
        snprintf(name, cap, "%s", cJSON_GetObjectItem(r0, "name")->valuestring);
    }
    cJSON_Delete(j);
    return v;
}

int main(void)
{
    const char *bin = getenv("SURROGATE_BIN");
    if (!bin)
        bin = "build/surrogate";
    const char *rep = getenv("BENCH_FIT_REPEATS");
    int repeats = rep ? atoi(rep) : 1;
    if (repeats < 1)
        repeats = 1;
    char dir[] = "/tmp/sg_bench_fit_XXXXXX";
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    char model[128], out[128];
    snprintf(model, sizeof model, "%s/brazing.model.json", dir);
    snprintf(out, sizeof out, "%s/fit.json", dir);
    int bad = 0;
    for (int cv = 1; cv >= 0; cv--) {
        double best = 1e300, best_cpu = 0, mb = 0;
        for (int k = 0; k < repeats; k++) {
            double s = 0, c = 0, m = 0;
            int code = run_fit(bin, model, cv, out, &s, &c, &m);
            if (code != 0) {
                fprintf(stderr, "bench_fit: '%s fit' exited with %d\n", bin, code);
                bad = 1;
                break;
            }
            if (s < best) {
                best = s;
                best_cpu = c;
            }
            if (m > mb)
                mb = m;
        }
        if (bad)
            break;
        printf("fit %s%s: wall %.2f s (target < %.0f s: %s; CPU %.2f s), peak RSS %.1f MB (target < %.0f MB: "
               "%s)\n",
               STUDY, cv ? " (defaults, with cross-validation)" : " --no-cv", best,
               TARGET_SECONDS, best < TARGET_SECONDS ? "met" : "MISSED", best_cpu, mb, TARGET_MB,
               mb < TARGET_MB ? "met" : "MISSED");
        if (cv) {
            char name[64] = "?";
            double r = loo_rmse(out, name, sizeof name);
            if (r >= 0)
                printf("  cross-validated RMSE of %s: %.4f\n", name, r);
        }
    }
    unlink(model);
    unlink(out);
    rmdir(dir);
    return bad;
}
