/* main.c — the `surrogate` program: process setup, then the dispatcher
 * (dispatch.c). */
#include <cblas.h>
#include <gsl/gsl_errno.h>
#include <locale.h>

#include "cli/cli.h"

int main(int argc, char **argv)
{
    /* GSL's default error handler aborts; the library checks every GSL
     * status instead (see core/error.h). */
    gsl_set_error_handler_off();
    /* surrogate runs its own threads (folds, members, starts); BLAS calls
     * inside them are small products that OpenBLAS's own threads only slow
     * down (spinning and yielding measured at 70 % of a 100,000-row fit). */
    openblas_set_num_threads(1);
    /* The user's locale (messages, character classes); every number the
     * library and this program read or write goes through core/num.h, so a
     * decimal-comma locale changes no file and no output. */
    setlocale(LC_ALL, "");
    return sg_cli_main(argc, argv, NULL);
}
