/* oa_identify.c — recognise a table of level codes as a catalogue array. */
#include "design/oa.h"
#include "design/oa_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Search state for matching table T (n x k) against array A (n x cols).
 * Rows are grouped into classes by their (relabelled) codes in the columns
 * assigned so far; T's class ids and A's class ids are in the same space.
 * Depth d = number of factors assigned = the table factor placed next. */
typedef struct match_ws {
    const int *t;        /* table, n x k */
    const int *a;        /* array, n x cols */
    int n, k, cols;
    const int *tlev;     /* levels of table column f */
    const int *alev;     /* levels of array column c */
    int fix_first_two;   /* Rao–Hamming: the first two factors may sit on columns 0, 1 */
    int *cls_t, *cls_a;  /* (k+1) x n class ids per depth */
    int *ncls;           /* classes per depth */
    int *ct, *ca;        /* (k+1) x n x SG_OA_MAX_LEVELS counts per depth */
    int *map;            /* n x SG_OA_MAX_LEVELS scratch */
    int used[SG_OA_MAX_COLS];   /* array column taken */
    int *factor_col;
    long steps;
    int exhausted;
} match_ws;

static int *ct_at(const match_ws *w, int d) { return w->ct + (size_t)d * (size_t)w->n * SG_OA_MAX_LEVELS; }
static int *ca_at(const match_ws *w, int d) { return w->ca + (size_t)d * (size_t)w->n * SG_OA_MAX_LEVELS; }

/* Count, per class of depth d, how often table column f shows level x (ct)
 * and array column c shows level y (ca); both ncls x L. */
static void count_levels(match_ws *w, int d, int f, int c)
{
    int n = w->n, L = w->tlev[f], nc = w->ncls[d];
    const int *clt = w->cls_t + (size_t)d * (size_t)n, *cla = w->cls_a + (size_t)d * (size_t)n;
    int *ct = ct_at(w, d), *ca = ca_at(w, d);
    memset(ct, 0, sizeof *ct * (size_t)nc * (size_t)L);
    memset(ca, 0, sizeof *ca * (size_t)nc * (size_t)L);
    for (int r = 0; r < n; r++) {
        ct[clt[r] * L + w->t[r * w->k + f]]++;
        ca[cla[r] * L + w->a[r * w->cols + c]]++;
    }
}

/* Do table level x and array level y have the same count in every class? */
static int same_profile(const match_ws *w, int d, int L, int x, int y)
{
    const int *ct = ct_at(w, d), *ca = ca_at(w, d);
    for (int s = 0; s < w->ncls[d]; s++)
        if (ct[s * L + x] != ca[s * L + y])
            return 0;
    return 1;
}

/* Is there any relabelling with equal profiles?  Profiles are compared as
 * an equivalence, so a greedy matching decides it exactly. */
static int feasible(const match_ws *w, int d, int L)
{
    int taken[SG_OA_MAX_LEVELS] = {0};
    for (int x = 0; x < L; x++) {
        int y = 0;
        while (y < L && (taken[y] || !same_profile(w, d, L, x, y)))
            y++;
        if (y == L)
            return 0;
        taken[y] = 1;
    }
    return 1;
}

/* Classes of depth d+1 from table column f relabelled by pi and array column c. */
static int refine(match_ws *w, int d, int f, int c, const int *pi)
{
    int n = w->n, L = w->tlev[f], nc = w->ncls[d], next = 0;
    const int *clt = w->cls_t + (size_t)d * (size_t)n, *cla = w->cls_a + (size_t)d * (size_t)n;
    int *nt = w->cls_t + (size_t)(d + 1) * (size_t)n, *na = w->cls_a + (size_t)(d + 1) * (size_t)n;
    for (int i = 0; i < nc * L; i++)
        w->map[i] = -1;
    for (int r = 0; r < n; r++) {
        int key = cla[r] * L + w->a[r * w->cols + c];
        if (w->map[key] < 0)
            w->map[key] = next++;
        na[r] = w->map[key];
    }
    for (int r = 0; r < n; r++) {
        int id = w->map[clt[r] * L + pi[w->t[r * w->k + f]]];
        if (id < 0)
            return 0; /* cannot happen when the counts agree */
        nt[r] = id;
    }
    w->ncls[d + 1] = next;
    return 1;
}

static int search(match_ws *w, int d);

static int count_step(match_ws *w)
{
    if (++w->steps > SG_OA_IDENTIFY_MAX_STEPS)
        w->exhausted = 1;
    return !w->exhausted;
}

/* Enumerate relabellings pi of table column f onto array column c that keep
 * every class count equal (only levels with equal profiles may swap), and
 * continue the search with each.  `pin01` requires pi(0) = 0, pi(1) = 1. */
static int enum_pi(match_ws *w, int d, int f, int c, int x, int *pi, int *taken, int pin01)
{
    int L = w->tlev[f];
    if (x == L) {
        if (!count_step(w) || !refine(w, d, f, c, pi))
            return 0;
        w->used[c] = 1;
        w->factor_col[f] = c;
        int ok = search(w, d + 1);
        w->used[c] = 0;
        return ok;
    }
    for (int y = 0; y < L; y++) {
        if (taken[y] || (pin01 && x < 2 && y != x) || !same_profile(w, d, L, x, y))
            continue;
        pi[x] = y, taken[y] = 1;
        int ok = enum_pi(w, d, f, c, x + 1, pi, taken, pin01);
        taken[y] = 0;
        if (ok || w->exhausted)
            return ok;
    }
    return 0;
}

/* Candidate array columns for table factor f at depth d, into cand[];
 * returns how many. */
static int candidates(match_ws *w, int d, int f, int *cand)
{
    int n = 0;
    for (int c = 0; c < w->cols; c++) {
        if (w->used[c] || w->alev[c] != w->tlev[f])
            continue;
        if (w->fix_first_two && d < 2 && c != d)
            continue;
        count_levels(w, d, f, c);
        if (feasible(w, d, w->tlev[f]))
            cand[n++] = c;
    }
    return n;
}

static int search(match_ws *w, int d)
{
    if (d == w->k)
        return 1;
    /* Rao-Hamming arrays: PGL(m,q) acts 2-transitively on the columns, so
     * the first two factors may sit on columns 0 and 1; scaling and
     * translating rows then realise any affine relabelling of those two
     * columns, and the affine group of GF(q) is sharply 2-transitive, so
     * their relabellings may fix levels 0 and 1: (q-2)! choices each (one
     * for q <= 3, 720 for q = 8). */
    int pin = w->fix_first_two && d < 2;
    /* factors are placed in table order (a fewest-candidates-first order
     * was tried and searched more nodes on L36) */
    int best_f = d, best[SG_OA_MAX_COLS];
    int best_n = candidates(w, d, best_f, best);
    for (int i = 0; i < best_n; i++) {
        int c = best[i], pi[SG_OA_MAX_LEVELS], taken[SG_OA_MAX_LEVELS] = {0};
        count_levels(w, d, best_f, c);
        if (enum_pi(w, d, best_f, c, 0, pi, taken, pin))
            return 1;
        if (w->exhausted)
            return 0;
    }
    return 0;
}

/* Match codes against catalogue array idx; 1 = match, 0 = none, -1 = error. */
static int match_array(size_t idx, const int *codes, int n, int k, const int *tlev,
                       int *factor_col, int *exhausted, sg_error *err)
{
    sg_oa_info info;
    if (sg_oa_info_get(idx, &info, err) != SG_OK)
        return -1;
    if (info.runs != n || k > info.cols)
        return 0;
    for (int l = 0; l <= SG_OA_MAX_LEVELS; l++) { /* enough columns of each level count */
        int need = 0, have = 0;
        for (int f = 0; f < k; f++)
            need += tlev[f] == l;
        for (int c = 0; c < info.cols; c++)
            have += info.levels[c] == l;
        if (need > have)
            return 0;
    }
    match_ws w;
    memset(&w, 0, sizeof w);
    int *a = NULL, result = -1;
    int *buf = malloc(sizeof *buf * ((size_t)2 * (size_t)(k + 1) * (size_t)n * (1 + SG_OA_MAX_LEVELS) + (size_t)n * SG_OA_MAX_LEVELS +
                                     (size_t)k + 1 + (size_t)n * (size_t)k));
    if (!buf || sg_oa_build(idx, &a, err) != SG_OK) {
        if (!buf)
            sg_error_set(err, SG_ERR_NOMEM, "out of memory identifying the array");
        goto done;
    }
    /* Search the factors with more levels first: in the mixed arrays the
     * 3-level columns of L18/L36 carry no information about the 2-level
     * ones until two 3-level columns are placed. */
    int order[SG_OA_MAX_COLS], olev[SG_OA_MAX_COLS], ocol[SG_OA_MAX_COLS], no = 0;
    for (int l = SG_OA_MAX_LEVELS; l >= 1; l--)
        for (int f = 0; f < k; f++)
            if (tlev[f] == l)
                order[no++] = f;
    if (no != k)
        goto done; /* a level count outside 1..SG_OA_MAX_LEVELS: no match */
    int *t = buf + (size_t)2 * (size_t)(k + 1) * (size_t)n * (1 + SG_OA_MAX_LEVELS) + (size_t)n * SG_OA_MAX_LEVELS + (size_t)k + 1;
    for (int j = 0; j < k; j++) {
        olev[j] = tlev[order[j]];
        for (int r = 0; r < n; r++)
            t[r * k + j] = codes[r * k + order[j]];
    }
    w.t = t, w.a = a, w.n = n, w.k = k, w.cols = info.cols;
    w.tlev = olev, w.alev = info.levels, w.factor_col = ocol;
    w.fix_first_two = info.q != 0;
    w.cls_t = buf;
    w.cls_a = w.cls_t + (size_t)(k + 1) * (size_t)n;
    w.ct = w.cls_a + (size_t)(k + 1) * (size_t)n;
    w.ca = w.ct + (size_t)(k + 1) * (size_t)n * SG_OA_MAX_LEVELS;
    w.map = w.ca + (size_t)(k + 1) * (size_t)n * SG_OA_MAX_LEVELS;
    w.ncls = w.map + (size_t)n * SG_OA_MAX_LEVELS;
    memset(w.cls_t, 0, sizeof *w.cls_t * (size_t)n);
    memset(w.cls_a, 0, sizeof *w.cls_a * (size_t)n);
    w.ncls[0] = 1;
    result = search(&w, 0);
    *exhausted = w.exhausted;
    if (result == 1)
        for (int j = 0; j < k; j++)
            factor_col[order[j]] = ocol[j];
done:
    free(a);
    free(buf);
    return result;
}

sg_status sg_oa_identify(const int *codes, int n, int k, sg_oa_identity *res, sg_error *err)
{
    if (!codes || !res || n < 2 || k < 1)
        return sg_error_set(err, SG_ERR_INVALID, "identify needs at least 2 runs and 1 column (got %d x %d)", n, k);
    memset(res, 0, sizeof *res);
    res->unbalanced_col = res->pair_a = res->pair_b = -1;
    int *lev = malloc(sizeof *lev * (size_t)k);
    int *cnt = NULL;
    sg_status st = SG_OK;
    if (!lev) {
        st = sg_error_set(err, SG_ERR_NOMEM, "out of memory checking orthogonality");
        goto done;
    }
    for (int f = 0; f < k; f++) {
        lev[f] = 0;
        for (int r = 0; r < n; r++) {
            int v = codes[r * k + f];
            if (v < 0 || v >= n) {
                st = sg_error_set(err, SG_ERR_INVALID, "run %d, column %d: level code %d outside 0..%d",
                                  r + 1, f + 1, v, n - 1);
                goto done;
            }
            if (v + 1 > lev[f])
                lev[f] = v + 1;
        }
        if (f < SG_OA_MAX_COLS)
            res->n_levels[f] = lev[f];
    }
    size_t max_lev = 1;
    for (int f = 0; f < k; f++)
        if ((size_t)lev[f] > max_lev)
            max_lev = (size_t)lev[f];
    cnt = malloc(sizeof *cnt * (max_lev * max_lev > (size_t)n ? max_lev * max_lev : (size_t)n));
    if (!cnt) {
        st = sg_error_set(err, SG_ERR_NOMEM, "out of memory checking orthogonality");
        goto done;
    }
    /* balance: each level n / L times */
    res->balanced = 1;
    for (int f = 0; f < k && res->balanced; f++) {
        memset(cnt, 0, sizeof *cnt * (size_t)lev[f]);
        for (int r = 0; r < n; r++)
            cnt[codes[r * k + f]]++;
        for (int v = 0; v < lev[f]; v++)
            if (cnt[v] * lev[f] != n)
                res->balanced = 0, res->unbalanced_col = f;
    }
    /* strength 2: each level pair n / (La Lb) times */
    res->orthogonal = res->balanced;
    for (int a = 0; a < k && res->orthogonal; a++)
        for (int b = a + 1; b < k && res->orthogonal; b++) {
            int La = lev[a], Lb = lev[b];
            memset(cnt, 0, sizeof *cnt * (size_t)La * (size_t)Lb);
            for (int r = 0; r < n; r++)
                cnt[codes[r * k + a] * Lb + codes[r * k + b]]++;
            for (int i = 0; i < La * Lb; i++)
                if (cnt[i] * La * Lb != n)
                    res->orthogonal = 0, res->pair_a = a, res->pair_b = b;
        }
    /* full factorial: every combination n / prod(L) times */
    long prod = 1;
    for (int f = 0; f < k && prod <= n; f++)
        prod *= lev[f];
    if (prod <= n && n % prod == 0) {
        memset(cnt, 0, sizeof *cnt * (size_t)prod);
        for (int r = 0; r < n; r++) {
            long idx = 0;
            for (int f = 0; f < k; f++)
                idx = idx * lev[f] + codes[r * k + f];
            cnt[idx]++;
        }
        res->full_factorial = 1;
        for (long i = 0; i < prod; i++)
            if (cnt[i] != n / prod)
                res->full_factorial = 0;
        res->replicates = res->full_factorial ? (int)(n / prod) : 0;
    }
    if (!res->orthogonal || k > SG_OA_MAX_COLS)
        goto done;
    for (size_t i = 0; i < sg_oa_count(); i++) {
        int exhausted = 0;
        int m = match_array(i, codes, n, k, lev, res->factor_col, &exhausted, err);
        if (m < 0) {
            st = err ? err->status : SG_ERR_NOMEM;
            goto done;
        }
        if (exhausted)
            res->undetermined = 1;
        if (m == 1) {
            res->matched = 1;
            res->undetermined = 0;
            res->array = i;
            snprintf(res->name, sizeof res->name, "%s", sg_oa_catalogue[i].name);
            break;
        }
    }
done:
    free(lev);
    free(cnt);
    return st;
}

sg_status sg_oa_code_levels(const double *x, int n, int k, int *codes, sg_error *err)
{
    if (!x || !codes || n < 1 || k < 1)
        return sg_error_set(err, SG_ERR_INVALID, "level coding needs at least 1 run and 1 column (got %d x %d)", n, k);
    for (int r = 0; r < n; r++)
        for (int f = 0; f < k; f++) {
            double v = x[(size_t)r * (size_t)k + (size_t)f];
            if (!isfinite(v))
                return sg_error_set(err, SG_ERR_INVALID, "run %d, column %d: value is not finite", r + 1, f + 1);
        }
    /* O(n^2) per column: tables here have at most a few hundred runs */
    for (int f = 0; f < k; f++)
        for (int r = 0; r < n; r++) {
            double v = x[(size_t)r * (size_t)k + (size_t)f];
            int below = 0;
            for (int s = 0; s < n; s++) {
                double u = x[(size_t)s * (size_t)k + (size_t)f];
                if (!(u < v))
                    continue;
                int first = 1; /* count each distinct smaller value once */
                for (int t = 0; t < s && first; t++)
                    first = x[(size_t)t * (size_t)k + (size_t)f] != u;
                below += first;
            }
            codes[(size_t)r * (size_t)k + (size_t)f] = below;
        }
    return SG_OK;
}
