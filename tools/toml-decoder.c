/* toml-decoder — toml-test conformance decoder for the surrogate TOML reader.
 *
 * Reads one TOML document on stdin.  Valid: prints its tagged JSON on stdout,
 * exits 0.  Invalid: prints "line:col: message" on stderr, exits 1.
 */
#include <stdio.h>
#include <stdlib.h>

#include "io/toml.h"
#include "io/toml_json.h"

int main(void)
{
    sg_error err;
    sg_toml_doc *doc = NULL;
    /* source "-" is stripped below so messages read "line:col: message" */
    if (sg_toml_parse_stream(stdin, "-", &doc, &err) != SG_OK) {
        const char *m = err.msg;
        if (m[0] == '-' && m[1] == ':')
            m += 2;
        fprintf(stderr, "%s\n", m);
        return 1;
    }
    char *json = NULL;
    if (sg_toml_json_tagged(sg_toml_root(doc), &json, &err) != SG_OK) {
        fprintf(stderr, "%s\n", err.msg);
        sg_toml_destroy(doc);
        return 2;
    }
    puts(json);
    free(json);
    sg_toml_destroy(doc);
    return 0;
}
