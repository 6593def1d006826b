/* oa.c — orthogonal-array catalogue: construction and column choice.
 * Identification of existing tables lives in oa_identify.c. */
#include "design/oa.h"
#include "design/oa_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- catalogue ------------------------------------------------------------ */

const sg_oa_spec sg_oa_catalogue[] = {
    {"L4(2^3)", 4, SG_OA_KIND_RH, 2, 2},
    {"L8(2^7)", 8, SG_OA_KIND_RH, 2, 3},
    {"L9(3^4)", 9, SG_OA_KIND_RH, 3, 2},
    {"L12(2^11)", 12, SG_OA_KIND_L12, 0, 0},
    {"L16(2^15)", 16, SG_OA_KIND_RH, 2, 4},
    {"L16(4^5)", 16, SG_OA_KIND_RH, 4, 2},
    {"L18(2^1 3^7)", 18, SG_OA_KIND_L18, 0, 0},
    {"L25(5^6)", 25, SG_OA_KIND_RH, 5, 2},
    {"L27(3^13)", 27, SG_OA_KIND_RH, 3, 3},
    {"L32(2^31)", 32, SG_OA_KIND_RH, 2, 5},
    {"L36(2^11 3^12)", 36, SG_OA_KIND_L36, 0, 0},
    {"L49(7^8)", 49, SG_OA_KIND_RH, 7, 2},
    {"L64(2^63)", 64, SG_OA_KIND_RH, 2, 6},
    {"L64(4^21)", 64, SG_OA_KIND_RH, 4, 3},
    {"L64(8^9)", 64, SG_OA_KIND_RH, 8, 2},
    {"L81(3^40)", 81, SG_OA_KIND_RH, 3, 4},
};
#define CATALOGUE_COUNT (sizeof sg_oa_catalogue / sizeof sg_oa_catalogue[0])

size_t sg_oa_count(void) { return CATALOGUE_COUNT; }

static int ipow(int b, int e)
{
    int r = 1;
    while (e-- > 0)
        r *= b;
    return r;
}

sg_status sg_oa_info_get(size_t index, sg_oa_info *info, sg_error *err)
{
    if (index >= CATALOGUE_COUNT || !info)
        return sg_error_set(err, SG_ERR_INVALID, "orthogonal array index %zu out of range (catalogue has %zu)",
                            index, (size_t)CATALOGUE_COUNT);
    const sg_oa_spec *s = &sg_oa_catalogue[index];
    memset(info, 0, sizeof *info);
    snprintf(info->name, sizeof info->name, "%s", s->name);
    info->runs = s->runs;
    info->q = s->kind == SG_OA_KIND_RH ? s->q : 0;
    info->m = s->kind == SG_OA_KIND_RH ? s->m : 0;
    switch (s->kind) {
    case SG_OA_KIND_RH:
        info->cols = (ipow(s->q, s->m) - 1) / (s->q - 1);
        for (int j = 0; j < info->cols; j++)
            info->levels[j] = s->q;
        break;
    case SG_OA_KIND_L12:
        info->cols = 11;
        for (int j = 0; j < 11; j++)
            info->levels[j] = 2;
        break;
    case SG_OA_KIND_L18:
        info->cols = 8;
        info->levels[0] = 2;
        for (int j = 1; j < 8; j++)
            info->levels[j] = 3;
        break;
    case SG_OA_KIND_L36:
        info->cols = 23;
        for (int j = 0; j < 23; j++)
            info->levels[j] = j < 11 ? 2 : 3;
        break;
    }
    return SG_OK;
}

/* Append the catalogue names, comma separated, to buf. */
void sg_oa_list_names(char *buf, size_t size)
{
    size_t used = strlen(buf);
    for (size_t i = 0; i < CATALOGUE_COUNT && used + 1 < size; i++) {
        int n = snprintf(buf + used, size - used, "%s%s", i ? ", " : "", sg_oa_catalogue[i].name);
        if (n < 0)
            return;
        used += (size_t)n;
    }
}

/* Names compare case-insensitively with spaces ignored ("l18(2^13^7)"). */
static int name_eq(const char *a, const char *b)
{
    for (;;) {
        while (*a == ' ')
            a++;
        while (*b == ' ')
            b++;
        if (!*a || !*b)
            return !*a && !*b;
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
            return 0;
        a++, b++;
    }
}

sg_status sg_oa_find(const char *name, size_t *index, sg_error *err)
{
    char list[512] = "";
    sg_oa_list_names(list, sizeof list);
    if (!name || !index)
        return sg_error_set(err, SG_ERR_INVALID, "no array name given; the catalogue has %s", list);
    size_t hits = 0, hit = 0;
    for (size_t i = 0; i < CATALOGUE_COUNT; i++) {
        const char *full = sg_oa_catalogue[i].name;
        size_t plen = (size_t)(strchr(full, '(') - full);
        if (name_eq(name, full)) {
            *index = i;
            return SG_OK;
        }
        if (strlen(name) == plen && (name[0] == 'L' || name[0] == 'l') && strncmp(name + 1, full + 1, plen - 1) == 0)
            hits++, hit = i;
    }
    if (hits == 1) {
        *index = hit;
        return SG_OK;
    }
    if (hits > 1)
        return sg_error_set(err, SG_ERR_INVALID,
                            "array name '%s' is ambiguous; give the full name, one of: %s", name, list);
    return sg_error_set(err, SG_ERR_INVALID, "unknown orthogonal array '%s'; the catalogue has %s", name, list);
}

/* ---- Galois fields -------------------------------------------------------- */

/* Add/multiply tables of GF(q), q in {2,3,4,5,7,8}.  Elements are integers
 * 0..q-1 read as polynomials over GF(p) (base-p digits); GF(4) and GF(8)
 * use the primitive polynomials x^2+x+1 and x^3+x+1. */
sg_status sg_gf_init(sg_gf *f, int q)
{
    int poly = 0; /* primitive polynomial as a bit pattern, char-2 extensions */
    switch (q) {
    case 2: case 3: case 5: case 7:
        break;
    case 4:
        poly = 0x7;
        break;
    case 8:
        poly = 0xB;
        break;
    default:
        return SG_ERR_INVALID;
    }
    f->q = q;
    for (int a = 0; a < q; a++) {
        for (int b = 0; b < q; b++) {
            if (!poly) {
                f->add[a][b] = (a + b) % q;
                f->mul[a][b] = (a * b) % q;
                continue;
            }
            f->add[a][b] = a ^ b;
            int prod = 0; /* carry-less product, then reduce */
            for (int bit = 0; bit < 4; bit++)
                if (b & (1 << bit))
                    prod ^= a << bit;
            int deg = q == 4 ? 2 : 3;
            for (int bit = 2 * deg - 2; bit >= deg; bit--)
                if (prod & (1 << bit))
                    prod ^= poly << (bit - deg);
            f->mul[a][b] = prod;
        }
    }
    for (int a = 1; a < q; a++)
        for (int b = 1; b < q; b++)
            if (f->mul[a][b] == 1)
                f->inv[a] = b;
    f->inv[0] = 0;
    return SG_OK;
}

/* ---- Rao–Hamming columns --------------------------------------------------- */

/* Coefficient vector u (length m) of column `col` in Taguchi order: the
 * columns with highest nonzero coordinate j are e_j + x for every x in the
 * span of e_0..e_{j-1}, x enumerated with e_0's coefficient changing fastest. */
void sg_rh_column_vector(int q, int m, int col, int *u)
{
    int j = 0, start = 0;
    while (start + ipow(q, j) <= col)
        start += ipow(q, j), j++;
    int x = col - start;
    for (int i = 0; i < m; i++)
        u[i] = 0;
    for (int i = 0; i < j; i++)
        u[i] = x % q, x /= q;
    u[j] = 1;
}

/* Column index of coefficient vector u after scaling its highest nonzero
 * coordinate to 1; -1 for the zero vector. */
int sg_rh_column_index(const sg_gf *f, int m, const int *u)
{
    int j = m - 1;
    while (j >= 0 && u[j] == 0)
        j--;
    if (j < 0)
        return -1;
    int s = f->inv[u[j]], idx = (ipow(f->q, j) - 1) / (f->q - 1), w = 1;
    for (int i = 0; i < j; i++, w *= f->q)
        idx += f->mul[s][u[i]] * w;
    return idx;
}

static void build_rh(const sg_gf *f, int m, int cols, int *codes)
{
    int q = f->q, runs = ipow(q, m);
    int u[8], x[8];
    for (int c = 0; c < cols; c++) {
        sg_rh_column_vector(q, m, c, u);
        for (int r = 0; r < runs; r++) {
            int rr = r; /* x_0 changes slowest down the rows */
            for (int i = m - 1; i >= 0; i--)
                x[i] = rr % q, rr /= q;
            int v = 0;
            for (int i = 0; i < m; i++)
                v = f->add[v][f->mul[u[i]][x[i]]];
            codes[r * cols + c] = v;
        }
    }
}

/* ---- special arrays ------------------------------------------------------- */

/* L12(2^11): row 0 all level 0; row i (1..11) is the generator cyclically
 * shifted by i-1, generator g(k) = 1 for k = 0 and the quadratic residues
 * mod 11, else 0 (the Plackett–Burman / Paley construction). */
static void build_l12(int *codes)
{
    int qr[11] = {0};
    for (int i = 1; i < 11; i++)
        qr[i * i % 11] = 1;
    qr[0] = 1;
    for (int j = 0; j < 11; j++)
        codes[j] = 0;
    for (int i = 1; i < 12; i++)
        for (int j = 0; j < 11; j++)
            codes[i * 11 + j] = qr[(j - (i - 1) + 11) % 11];
}

/* Difference scheme D(6,6,3): for any two columns the row-wise differences
 * mod 3 contain 0, 1 and 2 twice each (found by exhaustive search). */
static const int d6[6][6] = {
    {0, 0, 0, 0, 0, 0}, {0, 1, 0, 2, 1, 2}, {0, 2, 1, 1, 0, 2},
    {0, 0, 1, 2, 2, 1}, {0, 1, 2, 1, 2, 0}, {0, 2, 2, 0, 1, 1},
};

/* Difference scheme D(12,12,3): differences of any two columns contain each
 * residue mod 3 four times (a generalised Hadamard matrix over GF(3)). */
static const int d12[12][12] = {
    {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, {0, 0, 1, 2, 2, 0, 1, 2, 1, 2, 1, 0},
    {0, 2, 2, 0, 0, 2, 1, 0, 1, 1, 1, 2}, {0, 1, 0, 2, 1, 2, 2, 0, 0, 2, 1, 1},
    {0, 1, 1, 2, 0, 2, 0, 1, 2, 1, 2, 0}, {0, 1, 2, 1, 1, 0, 0, 2, 2, 0, 1, 2},
    {0, 0, 2, 1, 2, 2, 1, 1, 0, 0, 2, 1}, {0, 1, 0, 0, 2, 1, 1, 1, 2, 2, 0, 2},
    {0, 2, 1, 1, 2, 0, 2, 0, 2, 1, 0, 1}, {0, 0, 1, 0, 1, 1, 2, 2, 0, 1, 2, 2},
    {0, 2, 2, 2, 1, 1, 2, 1, 1, 0, 0, 0}, {0, 2, 0, 1, 0, 1, 0, 2, 1, 2, 2, 1},
};

/* L18(2^1 3^7): rows 9h + 3a + t (h in 0..1, a, t in 0..2); i = 3h + a is
 * the row of D(6,6,3); column 0 = h, column 1 = a, column 2+j = d6[i][j] + t. */
static void build_l18(int *codes)
{
    for (int i = 0; i < 6; i++)
        for (int t = 0; t < 3; t++) {
            int *row = codes + (3 * i + t) * 8;
            row[0] = i / 3;
            row[1] = i % 3;
            for (int j = 0; j < 6; j++)
                row[2 + j] = (d6[i][j] + t) % 3;
        }
}

/* L36(2^11 3^12): rows 3r + t (r in 0..11, t in 0..2); columns 0..10 are
 * row r of L12(2^11), columns 11+j = d12[r][j] + t. */
static void build_l36(int *codes)
{
    int l12[12 * 11];
    build_l12(l12);
    for (int r = 0; r < 12; r++)
        for (int t = 0; t < 3; t++) {
            int *row = codes + (3 * r + t) * 23;
            for (int j = 0; j < 11; j++)
                row[j] = l12[r * 11 + j];
            for (int j = 0; j < 12; j++)
                row[11 + j] = (d12[r][j] + t) % 3;
        }
}

sg_status sg_oa_build(size_t index, int **codes, sg_error *err)
{
    sg_oa_info info;
    sg_status st = sg_oa_info_get(index, &info, err);
    if (st != SG_OK)
        return st;
    if (!codes)
        return sg_error_set(err, SG_ERR_INVALID, "sg_oa_build: codes is NULL");
    int *c = malloc(sizeof *c * (size_t)info.runs * (size_t)info.cols);
    if (!c)
        return sg_error_set(err, SG_ERR_NOMEM, "out of memory building %s", info.name);
    const sg_oa_spec *s = &sg_oa_catalogue[index];
    sg_gf f;
    switch (s->kind) {
    case SG_OA_KIND_RH:
        if (sg_gf_init(&f, s->q) != SG_OK) {
            free(c);
            return sg_error_set(err, SG_ERR_INTERNAL, "no Galois field of order %d", s->q);
        }
        build_rh(&f, s->m, info.cols, c);
        break;
    case SG_OA_KIND_L12: build_l12(c); break;
    case SG_OA_KIND_L18: build_l18(c); break;
    case SG_OA_KIND_L36: build_l36(c); break;
    }
    *codes = c;
    return SG_OK;
}

sg_status sg_oa_interaction(size_t index, int a, int b, int *cols, int *n_cols, sg_error *err)
{
    sg_oa_info info;
    sg_status st = sg_oa_info_get(index, &info, err);
    if (st != SG_OK)
        return st;
    if (info.q == 0)
        return sg_error_set(err, SG_ERR_INVALID,
                            "%s has no interaction columns: its interactions are spread over many columns",
                            info.name);
    if (a < 0 || b < 0 || a >= info.cols || b >= info.cols || a == b || !cols || !n_cols)
        return sg_error_set(err, SG_ERR_INVALID, "%s: columns %d and %d must be distinct, in 0..%d",
                            info.name, a, b, info.cols - 1);
    sg_gf f;
    sg_gf_init(&f, info.q);
    int ua[8], ub[8], w[8], n = 0;
    sg_rh_column_vector(info.q, info.m, a, ua);
    sg_rh_column_vector(info.q, info.m, b, ub);
    for (int t = 1; t < info.q; t++) {
        for (int i = 0; i < info.m; i++)
            w[i] = f.add[ua[i]][f.mul[t][ub[i]]];
        int idx = sg_rh_column_index(&f, info.m, w);
        int seen = 0;
        for (int i = 0; i < n; i++)
            seen |= cols[i] == idx;
        if (!seen)
            cols[n++] = idx;
    }
    for (int i = 1; i < n; i++) /* insertion sort, n <= 7 */
        for (int j = i; j > 0 && cols[j - 1] > cols[j]; j--) {
            int tmp = cols[j];
            cols[j] = cols[j - 1];
            cols[j - 1] = tmp;
        }
    *n_cols = n;
    return SG_OK;
}

static void describe_levels(int n_factors, const int *levels, char *buf, size_t size);

/* ---- choosing an array ----------------------------------------------------- */

/* Number of nonzero coordinates of a Rao–Hamming column. */
static int rh_weight(int q, int m, int col)
{
    int u[8], w = 0;
    sg_rh_column_vector(q, m, col, u);
    for (int i = 0; i < m; i++)
        w += u[i] != 0;
    return w;
}

/* Column preference order for factors: for Rao–Hamming arrays columns 0 and
 * 1 (factors 1 and 2), the remaining basic columns e_2.., then the others by
 * decreasing weight (keeps low-order interactions of the first factors
 * clean), then by index; for the other arrays plain column order. */
static int preference_order(const sg_oa_info *info, int *order)
{
    int n = 0;
    if (info->q == 0) {
        for (int c = 0; c < info->cols; c++)
            order[n++] = c;
        return n;
    }
    int used[SG_OA_MAX_COLS] = {0};
    for (int j = 0, start = 0; j < info->m; start += ipow(info->q, j), j++)
        order[n++] = start, used[start] = 1;
    for (int w = info->m; w >= 2; w--)
        for (int c = 0; c < info->cols; c++)
            if (!used[c] && rh_weight(info->q, info->m, c) == w)
                order[n++] = c, used[c] = 1;
    return n;
}

/* Try to place the factors on `index`; reserve = keep the 1x2 interaction
 * columns free.  Returns 1 and fills *ch on success. */
static int try_assign(size_t index, int k, const int *levels, int reserve, sg_oa_choice *ch)
{
    sg_oa_info info;
    if (sg_oa_info_get(index, &info, NULL) != SG_OK || k > info.cols)
        return 0;
    int order[SG_OA_MAX_COLS], taken[SG_OA_MAX_COLS] = {0};
    int n_order = preference_order(&info, order);
    memset(ch, 0, sizeof *ch);
    if (info.q && k >= 2) {
        if (levels[0] != info.q || levels[1] != info.q)
            return 0;
        sg_oa_interaction(index, 0, 1, ch->interaction_col, &ch->n_interaction, NULL);
        if (reserve)
            for (int i = 0; i < ch->n_interaction; i++)
                taken[ch->interaction_col[i]] = 1;
    }
    for (int f = 0; f < k; f++) {
        int placed = 0;
        for (int i = 0; i < n_order && !placed; i++) {
            int c = order[i];
            if (!taken[c] && info.levels[c] == levels[f]) {
                taken[c] = 1;
                ch->factor_col[f] = c;
                placed = 1;
            }
        }
        if (!placed)
            return 0;
    }
    ch->array = index;
    snprintf(ch->name, sizeof ch->name, "%s", info.name);
    ch->runs = info.runs;
    ch->cols = info.cols;
    ch->n_factors = k;
    if (k >= 2 && info.q) {
        ch->interaction_kept = 1;
        for (int f = 2; f < k; f++)
            for (int i = 0; i < ch->n_interaction; i++)
                if (ch->factor_col[f] == ch->interaction_col[i])
                    ch->interaction_kept = 0;
    } else if (k >= 2 && sg_oa_catalogue[index].kind == SG_OA_KIND_L18) {
        int a = ch->factor_col[0], b = ch->factor_col[1];
        ch->interaction_orthogonal = ch->interaction_kept = (a == 0 && b == 1) || (a == 1 && b == 0);
    }
    return 1;
}

sg_status sg_oa_choose(int n_factors, const int *levels, sg_oa_interaction_rule rule,
                       sg_oa_choice *choice, sg_error *err)
{
    if (n_factors < 1 || !levels || !choice)
        return sg_error_set(err, SG_ERR_INVALID, "an orthogonal array needs at least one factor");
    for (int f = 0; f < n_factors; f++) {
        if (levels[f] < 2 || levels[f] > SG_OA_MAX_LEVELS)
            return sg_error_set(err, SG_ERR_INVALID,
                                "factor %d has %d levels; catalogue arrays have columns with 2 to %d levels",
                                f + 1, levels[f], SG_OA_MAX_LEVELS);
    }
    int fits_somewhere = 0;
    for (size_t i = 0; i < CATALOGUE_COUNT; i++) {
        sg_oa_choice kept, any;
        int ok_kept = try_assign(i, n_factors, levels, 1, &kept) && (n_factors < 2 || kept.interaction_kept);
        int ok_any = try_assign(i, n_factors, levels, 0, &any);
        fits_somewhere |= ok_any;
        if (ok_kept) {
            *choice = kept;
            return SG_OK;
        }
        if (ok_any && rule == SG_OA_KEEP_IF_FITS) {
            *choice = any;
            return SG_OK;
        }
    }
    char what[256], list[512] = "";
    describe_levels(n_factors, levels, what, sizeof what);
    sg_oa_list_names(list, sizeof list);
    if (fits_somewhere)
        return sg_error_set(err, SG_ERR_INVALID,
                            "no catalogue array keeps the interaction of factors 1 and 2 free for %d factors (%s); "
                            "interaction columns exist only in the arrays with prime-power levels "
                            "(L4 L8 L9 L16 L25 L27 L32 L49 L64 L81), and L18 for a 2-level factor 1 with a "
                            "3-level factor 2; catalogue: %s",
                            n_factors, what, list);
    return sg_error_set(err, SG_ERR_INVALID,
                        "no orthogonal array in the catalogue fits %d factors (%s); each array holds at most "
                        "the columns in its name (e.g. L27(3^13) = 13 factors at 3 levels), levels cannot be "
                        "mixed except 2 with 3 (L18, L36); catalogue: %s; for more factors use lhs:N or sobol:N",
                        n_factors, what, list);
}

/* "3 at 2 levels, 4 at 3 levels" for the factors' level counts. */
static void describe_levels(int n_factors, const int *levels, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int l = 1; l <= SG_OA_MAX_RUNS; l++) {
        int c = 0;
        for (int f = 0; f < n_factors; f++)
            c += levels[f] == l;
        if (c && used < size) {
            int n = snprintf(buf + used, size - used, "%s%d at %d levels", used ? ", " : "", c, l);
            if (n > 0)
                used += (size_t)n;
        }
    }
}

sg_status sg_oa_assign(size_t index, int n_factors, const int *levels, sg_oa_interaction_rule rule,
                       sg_oa_choice *choice, sg_error *err)
{
    sg_oa_info info;
    sg_status st = sg_oa_info_get(index, &info, err);
    if (st != SG_OK)
        return st;
    if (n_factors < 1 || !levels || !choice)
        return sg_error_set(err, SG_ERR_INVALID, "an orthogonal array needs at least one factor");
    for (int f = 0; f < n_factors; f++)
        if (levels[f] < 2 || levels[f] > SG_OA_MAX_LEVELS)
            return sg_error_set(err, SG_ERR_INVALID,
                                "factor %d has %d levels; catalogue arrays have columns with 2 to %d levels",
                                f + 1, levels[f], SG_OA_MAX_LEVELS);
    sg_oa_choice ch;
    int ok_kept = try_assign(index, n_factors, levels, 1, &ch) && (n_factors < 2 || ch.interaction_kept);
    if (!ok_kept && rule == SG_OA_KEEP_IF_FITS && try_assign(index, n_factors, levels, 0, &ch))
        ok_kept = 1;
    if (ok_kept) {
        *choice = ch;
        return SG_OK;
    }
    char what[256];
    describe_levels(n_factors, levels, what, sizeof what);
    if (rule == SG_OA_KEEP_REQUIRED && try_assign(index, n_factors, levels, 0, &ch))
        return sg_error_set(err, SG_ERR_INVALID,
                            "%s cannot keep the interaction of factors 1 and 2 free for %d factors (%s)",
                            info.name, n_factors, what);
    return sg_error_set(err, SG_ERR_INVALID,
                        "the factors (%s) do not fit %s: its columns are given by its name "
                        "(levels^columns); use design \"auto\" to choose a fitting array",
                        what, info.name);
}
