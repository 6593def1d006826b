/* bench_doe.c — timings of array construction, identification and designs (figures only). */
#include <gsl/gsl_errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "design/design.h"
#include "design/oa.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int main(void)
{
    gsl_set_error_handler_off();
    double t0 = now();
    for (int rep = 0; rep < 100; rep++)
        for (size_t i = 0; i < sg_oa_count(); i++) {
            int *a = NULL;
            if (sg_oa_build(i, &a, NULL) != SG_OK)
                return 1;
            free(a);
        }
    printf("build whole catalogue: %.3f ms\n", (now() - t0) * 1e3 / 100);
    for (size_t i = 0; i < sg_oa_count(); i++) {
        sg_oa_info info;
        int *a = NULL;
        sg_oa_info_get(i, &info, NULL);
        sg_oa_build(i, &a, NULL);
        sg_oa_identity id;
        t0 = now();
        if (sg_oa_identify(a, info.runs, info.cols, &id, NULL) != SG_OK)
            return 1;
        printf("identify %-16s all %2d columns: %8.3f ms  matched=%d\n", info.name, info.cols, (now() - t0) * 1e3,
               id.matched);
        free(a);
    }
    sg_design_factor f[10];
    for (int j = 0; j < 10; j++)
        f[j] = (sg_design_factor){"x", 0, 1 + j, NULL, 0, 0, false, false};
    const char *names[] = {"lhs:100", "lhs:1000", "sobol:1024", "sobol:65536"};
    for (int t = 0; t < 4; t++) {
        sg_design_spec spec;
        sg_design *d = NULL;
        sg_design_parse(names[t], &spec, NULL);
        t0 = now();
        if (sg_design_generate(&spec, f, 10, NULL, &d, NULL) != SG_OK)
            return 1;
        printf("%-12s x 10 factors: %8.1f ms\n", names[t], (now() - t0) * 1e3);
        sg_design_destroy(d);
    }
    return 0;
}
