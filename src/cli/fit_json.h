/* fit_json.h — the JSON object of the fit stage (keys documented in doc/json.md). */
#ifndef SG_FIT_JSON_H
#define SG_FIT_JSON_H

#include <cJSON.h>

#include "io/table.h"
#include "model/fit.h"
#include "io/study.h"
#include "model/study_model.h"

/* Build the "fit" object; NULL when out of memory.  Caller owns it. */
cJSON *sg_fit_json(const sg_study *s, const sg_table *t, const sg_study_model *settings,
                   const sg_fit_result *r, const char *model_path);

#endif
