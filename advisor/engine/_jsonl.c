/* The columnar engine's reader of JSON Lines profiles, in C (issue 15 §4).
 *
 * Why it exists: decoding a 3 kB profile line with msgspec into typed objects and taking them
 * apart into columns in Python cost some 27 µs a profile, more than everything else the
 * columnar engine does together; a million-profile study needs the line read straight into
 * columns. This reader walks each line once and writes every value into its column (a flat
 * buffer per field, numbers as they are, booleans and scale values as small codes, -1 for
 * unknown); Python makes the frame from the buffers (advisor/engine/columnar.py).
 *
 * Why it may refuse: it takes only what the profile model takes as it is -- known keys, each
 * once; values of the field's JSON type (no 1 for true, no "5" or 5.0 for an integer); scale
 * values by name; null for unknown. Anything else (an unknown key, a duplicate, a number it
 * would have to coerce, a string escape in a key, bytes that are no UTF-8, ...) makes decode()
 * return None, and the chunk is read by the slower paths, which report a bad line exactly as
 * the other engines do. It never decides that a line is wrong: so it can be strict without
 * knowing the model's error messages. Bounds (ge, le, max_length) are checked afterwards, on
 * the columns, in polars.
 *
 * The layout (which column each field writes) is given by Python, in compile(): the reader
 * knows no field names of its own, so a field added to the model is read without a change here.
 * Profiles are untrusted input: every read is bounded by the line's end.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

enum { K_STRUCT = 0, K_LIST = 1, K_BOOL = 2, K_INT = 3, K_FLOAT = 4, K_ENUM = 5, K_STR = 6 };
/* column kinds: the width of a value, or a list of Python objects */
enum { C_I8 = 0, C_I32 = 1, C_I64 = 2, C_F64 = 3, C_OBJ = 4 };
enum { MAX_FIELDS = 64, MAX_ENUM = 127, MAX_DEPTH = 8 };

typedef struct Node {
    int kind;
    int col;  /* struct: presence (-1 for the profile itself); list: length; leaf: value */
    int col2; /* int: presence; list: the row of each item */
    int space; /* of its columns */
    int nfields;
    const char **names; /* struct: field names; enum: values */
    Py_ssize_t *lens;
    struct Node **fields; /* struct: fields; list: [the item] */
} Node;

typedef struct {
    int kind;
    int space; /* 0: a row per profile; 1: a row per item of the list */
    char *data;
    size_t len, cap; /* in bytes */
    PyObject *objects;
} Column;

typedef struct {
    Node *root;
    int ncols;
    int *kinds;
    int *spaces;
    int *items; /* the columns of space 1 */
    int nitems;
    Node *lists[MAX_FIELDS]; /* the lists (in the profile's own objects: a list is not in a list) */
    int nlists;
    PyObject *keep; /* the spec: the names point into its bytes */
} Reader;

static const size_t WIDTH[] = {1, 4, 8, 8, 0};

static void free_node(Node *node) {
    if (node == NULL) return;
    if (node->fields != NULL) {
        int n = node->kind == K_LIST ? 1 : node->nfields;
        for (int i = 0; i < n; i++) free_node(node->fields[i]);
        PyMem_Free(node->fields);
    }
    PyMem_Free(node->names);
    PyMem_Free(node->lens);
    PyMem_Free(node);
}

static void free_reader(PyObject *capsule) {
    Reader *reader = (Reader *)PyCapsule_GetPointer(capsule, "advisor.jsonl.reader");
    if (reader == NULL) return;
    free_node(reader->root);
    PyMem_Free(reader->kinds);
    PyMem_Free(reader->spaces);
    PyMem_Free(reader->items);
    Py_XDECREF(reader->keep);
    PyMem_Free(reader);
}

static int bytes_of(PyObject *item, const char **out, Py_ssize_t *len) {
    if (!PyBytes_Check(item)) {
        PyErr_SetString(PyExc_TypeError, "names and values must be bytes");
        return -1;
    }
    *out = PyBytes_AS_STRING(item);
    *len = PyBytes_GET_SIZE(item);
    return 0;
}

static int check_col(Reader *reader, int col, int kind, int space) {
    if (col < 0 || col >= reader->ncols || reader->kinds[col] != kind || reader->spaces[col] != space) {
        PyErr_Format(PyExc_ValueError, "column %d is not of kind %d in space %d", col, kind, space);
        return -1;
    }
    return 0;
}

/* a struct's field names or an enum's values: a tuple of at most `most` items, their bytes kept
 * (the spec that holds them is kept by the reader) */
static int names_of(Node *node, PyObject *extra, int most, const char *what) {
    if (!PyTuple_Check(extra) || PyTuple_GET_SIZE(extra) > most) {
        PyErr_Format(PyExc_ValueError, "%s takes a tuple of at most %d", what, most);
        return -1;
    }
    node->nfields = (int)PyTuple_GET_SIZE(extra);
    node->names = PyMem_Calloc(node->nfields + 1, sizeof(char *));
    node->lens = PyMem_Calloc(node->nfields + 1, sizeof(Py_ssize_t));
    if (!node->names || !node->lens) {
        PyErr_NoMemory();
        return -1;
    }
    return 0;
}

/* spec: (kind, col, col2, extra) -- extra: ((name, spec), ...) for a struct, the item's spec
 * for a list, (value, ...) for an enum, None otherwise */
static Node *compile_node(Reader *reader, PyObject *spec, int space, int depth, int root) {
    int kind, col, col2;
    PyObject *extra;
    if (depth > MAX_DEPTH) {
        PyErr_SetString(PyExc_ValueError, "the profile is nested too deep");
        return NULL;
    }
    if (!PyArg_ParseTuple(spec, "iiiO", &kind, &col, &col2, &extra)) return NULL;
    Node *node = PyMem_Calloc(1, sizeof(Node));
    if (node == NULL) return (Node *)PyErr_NoMemory();
    node->kind = kind;
    node->space = space;
    node->col = col;
    node->col2 = col2;
    switch (kind) {
    case K_STRUCT: {
        if (!root && check_col(reader, col, C_I8, space) < 0) goto fail;
        if (names_of(node, extra, MAX_FIELDS, "a struct") < 0) goto fail;
        int n = node->nfields;
        node->fields = PyMem_Calloc(n + 1, sizeof(Node *));
        if (!node->fields) {
            PyErr_NoMemory();
            goto fail;
        }
        for (int i = 0; i < n; i++) {
            PyObject *pair = PyTuple_GET_ITEM(extra, i), *name, *sub;
            if (!PyArg_ParseTuple(pair, "OO", &name, &sub)) goto fail;
            if (bytes_of(name, &node->names[i], &node->lens[i]) < 0) goto fail;
            node->fields[i] = compile_node(reader, sub, space, depth + 1, 0);
            if (node->fields[i] == NULL) goto fail;
        }
        break;
    }
    case K_LIST: {
        if (space != 0 || reader->nlists == MAX_FIELDS) {
            PyErr_SetString(PyExc_ValueError, "a list inside a list is not read (nor more than 64 lists)");
            goto fail;
        }
        reader->lists[reader->nlists++] = node;
        if (check_col(reader, col, C_I32, 0) < 0 || check_col(reader, col2, C_I32, 1) < 0) goto fail;
        node->fields = PyMem_Calloc(1, sizeof(Node *));
        if (node->fields == NULL) {
            PyErr_NoMemory();
            goto fail;
        }
        node->fields[0] = compile_node(reader, extra, 1, depth + 1, 0);
        if (node->fields[0] == NULL) goto fail;
        if (node->fields[0]->kind != K_STRUCT) {
            PyErr_SetString(PyExc_ValueError, "a list holds objects");
            goto fail;
        }
        break;
    }
    case K_BOOL:
        if (check_col(reader, col, C_I8, space) < 0) goto fail;
        break;
    case K_INT:
        if (check_col(reader, col, C_I64, space) < 0 || check_col(reader, col2, C_I8, space) < 0) goto fail;
        break;
    case K_FLOAT:
        if (check_col(reader, col, C_F64, space) < 0) goto fail;
        break;
    case K_STR:
        if (check_col(reader, col, C_OBJ, space) < 0) goto fail;
        break;
    case K_ENUM: {
        if (check_col(reader, col, C_I8, space) < 0) goto fail;
        if (names_of(node, extra, MAX_ENUM, "an enum") < 0) goto fail;
        int n = node->nfields;
        for (int i = 0; i < n; i++)
            if (bytes_of(PyTuple_GET_ITEM(extra, i), &node->names[i], &node->lens[i]) < 0) goto fail;
        break;
    }
    default:
        PyErr_Format(PyExc_ValueError, "unknown kind %d", kind);
        goto fail;
    }
    return node;
fail:
    free_node(node);
    return NULL;
}

/* compile(spec, columns) -> reader; columns: ((kind, space), ...) */
static PyObject *jsonl_compile(PyObject *self, PyObject *args) {
    PyObject *spec, *columns;
    if (!PyArg_ParseTuple(args, "O!O!", &PyTuple_Type, &spec, &PyTuple_Type, &columns)) return NULL;
    Reader *reader = PyMem_Calloc(1, sizeof(Reader));
    if (reader == NULL) return PyErr_NoMemory();
    reader->ncols = (int)PyTuple_GET_SIZE(columns);
    reader->kinds = PyMem_Calloc(reader->ncols + 1, sizeof(int));
    reader->spaces = PyMem_Calloc(reader->ncols + 1, sizeof(int));
    if (!reader->kinds || !reader->spaces) {
        PyErr_NoMemory();
        goto fail;
    }
    for (int i = 0; i < reader->ncols; i++) {
        if (!PyArg_ParseTuple(PyTuple_GET_ITEM(columns, i), "ii", &reader->kinds[i], &reader->spaces[i])) goto fail;
        if (reader->kinds[i] < C_I8 || reader->kinds[i] > C_OBJ || reader->spaces[i] < 0 || reader->spaces[i] > 1) {
            PyErr_SetString(PyExc_ValueError, "a column is (kind 0-4, space 0-1)");
            goto fail;
        }
    }
    reader->items = PyMem_Calloc(reader->ncols + 1, sizeof(int));
    if (reader->items == NULL) {
        PyErr_NoMemory();
        goto fail;
    }
    for (int i = 0; i < reader->ncols; i++)
        if (reader->spaces[i] == 1) reader->items[reader->nitems++] = i;
    reader->root = compile_node(reader, spec, 0, 0, 1);
    if (reader->root == NULL) goto fail;
    if (reader->root->kind != K_STRUCT) {
        PyErr_SetString(PyExc_ValueError, "a profile is an object");
        goto fail;
    }
    Py_INCREF(spec);
    reader->keep = spec;
    PyObject *capsule = PyCapsule_New(reader, "advisor.jsonl.reader", free_reader);
    if (capsule == NULL) goto fail;
    return capsule;
fail:
    free_node(reader->root);
    PyMem_Free(reader->kinds);
    PyMem_Free(reader->spaces);
    PyMem_Free(reader->items);
    PyMem_Free(reader);
    return NULL;
}

/* ---------------------------------------------------------------------------------------- */
/* decoding */

typedef struct {
    Reader *reader;
    Column *cols;
    int32_t row;      /* the profile being read */
    Py_ssize_t at[2]; /* the row being read in each space: the profile, the item */
    char *scratch;    /* a string value with escapes, unescaped */
    size_t scratch_cap;
    int error;        /* 1: a Python error is set (memory): decode() raises */
} State;

static int grow(State *st, Column *c, size_t more) {
    if (c->len + more <= c->cap) return 0;
    size_t cap = c->cap ? c->cap * 2 : 4096;
    while (cap < c->len + more) cap *= 2;
    char *data = PyMem_Realloc(c->data, cap);
    if (data == NULL) {
        PyErr_NoMemory();
        st->error = 1;
        return -1;
    }
    c->data = data;
    c->cap = cap;
    return 0;
}

/* the unknown value of a column, at byte `offset` */
static void unknown(Column *c, size_t offset) {
    switch (c->kind) {
    case C_I8: c->data[offset] = -1; break;
    case C_I32: { int32_t v = -1; memcpy(c->data + offset, &v, 4); break; }
    case C_I64: { int64_t v = 0; memcpy(c->data + offset, &v, 8); break; }
    case C_F64: { double v = NAN; memcpy(c->data + offset, &v, 8); break; }
    }
}

/* a new item row: every column of space 1 gets its unknown value */
static int new_item(State *st) {
    for (int k = 0; k < st->reader->nitems; k++) {
        Column *c = &st->cols[st->reader->items[k]];
        if (c->kind == C_OBJ) {
            if (PyList_Append(c->objects, Py_None) < 0) {
                st->error = 1;
                return -1;
            }
            continue;
        }
        if (grow(st, c, WIDTH[c->kind]) < 0) return -1;
        unknown(c, c->len);
        c->len += WIDTH[c->kind];
    }
    st->at[1]++;
    return 0;
}

/* the value of column `col` in the row being read in its space */
#define AT(st, col) ((st)->cols[col].data + (size_t)(st)->at[(st)->cols[col].space] * WIDTH[(st)->cols[col].kind])

static inline const char *ws(const char *p, const char *end) {
    /* most often there is none: one comparison tells (every JSON space is at most ' ') */
    while (p < end && (unsigned char)*p <= ' ' && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')) p++;
    return p;
}

/* a string `word` of n bytes (no quote, backslash or control character in it) at p, as it is:
 * the end of the string, or NULL */
/* whether n bytes at a and b are the same: eight at a time (keys are short; a call to memcmp
 * costs more than comparing them) */
static inline int same(const char *a, const char *b, Py_ssize_t n) {
    for (; n >= 8; a += 8, b += 8, n -= 8) {
        uint64_t x, y;
        memcpy(&x, a, 8);
        memcpy(&y, b, 8);
        if (x != y) return 0;
    }
    for (; n > 0; a++, b++, n--)
        if (*a != *b) return 0;
    return 1;
}

static inline const char *word_at(const char *p, const char *end, const char *word, Py_ssize_t n) {
    /* the closing quote first: it tells most other words apart (by their length) */
    if (end - p < n + 2 || p[n + 1] != '"' || p[0] != '"' || !same(p + 1, word, n)) return NULL;
    return p + n + 2;
}

static int hex4(const char *p, unsigned *out) {
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char ch = p[i];
        v <<= 4;
        if (ch >= '0' && ch <= '9') v |= (unsigned)(ch - '0');
        else if (ch >= 'a' && ch <= 'f') v |= (unsigned)(ch - 'a' + 10);
        else if (ch >= 'A' && ch <= 'F') v |= (unsigned)(ch - 'A' + 10);
        else return -1;
    }
    *out = v;
    return 0;
}

/* a string value as a Python str (escapes decoded); NULL to refuse */
static const char *string_value(State *st, const char *p, const char *end, PyObject **out) {
    if (p >= end || *p != '"') return NULL;
    const char *s = ++p;
    int escaped = 0;
    while (p < end && *p != '"') {
        if ((unsigned char)*p < 0x20) return NULL;
        if (*p == '\\') {
            escaped = 1;
            p++;
            if (p >= end) return NULL;
        }
        p++;
    }
    if (p >= end) return NULL;
    const char *stop = p;
    if (!escaped) {
        *out = PyUnicode_DecodeUTF8(s, stop - s, "strict");
    } else {
        size_t need = (size_t)(stop - s);
        if (need > st->scratch_cap) {
            char *grown = PyMem_Realloc(st->scratch, need);
            if (grown == NULL) {
                PyErr_NoMemory();
                st->error = 1;
                return NULL;
            }
            st->scratch = grown;
            st->scratch_cap = need;
        }
        char *o = st->scratch;
        for (const char *q = s; q < stop;) {
            if (*q != '\\') {
                *o++ = *q++;
                continue;
            }
            q++;
            switch (*q) {
            case '"': *o++ = '"'; q++; break;
            case '\\': *o++ = '\\'; q++; break;
            case '/': *o++ = '/'; q++; break;
            case 'b': *o++ = '\b'; q++; break;
            case 'f': *o++ = '\f'; q++; break;
            case 'n': *o++ = '\n'; q++; break;
            case 'r': *o++ = '\r'; q++; break;
            case 't': *o++ = '\t'; q++; break;
            case 'u': {
                unsigned cp, low;
                if (stop - q < 5 || hex4(q + 1, &cp) < 0) return NULL;
                q += 5;
                if (cp >= 0xD800 && cp <= 0xDBFF) { /* a surrogate pair, or refuse */
                    if (stop - q < 6 || q[0] != '\\' || q[1] != 'u' || hex4(q + 2, &low) < 0) return NULL;
                    if (low < 0xDC00 || low > 0xDFFF) return NULL;
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                    q += 6;
                } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                    return NULL;
                }
                /* UTF-8 of cp: never longer than the escape it came from */
                if (cp < 0x80) *o++ = (char)cp;
                else if (cp < 0x800) {
                    *o++ = (char)(0xC0 | (cp >> 6));
                    *o++ = (char)(0x80 | (cp & 0x3F));
                } else if (cp < 0x10000) {
                    *o++ = (char)(0xE0 | (cp >> 12));
                    *o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
                    *o++ = (char)(0x80 | (cp & 0x3F));
                } else {
                    *o++ = (char)(0xF0 | (cp >> 18));
                    *o++ = (char)(0x80 | ((cp >> 12) & 0x3F));
                    *o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
                    *o++ = (char)(0x80 | (cp & 0x3F));
                }
                break;
            }
            default:
                return NULL;
            }
        }
        *out = PyUnicode_DecodeUTF8(st->scratch, o - st->scratch, "strict");
    }
    if (*out == NULL) { /* no UTF-8: the slower paths say so */
        if (PyErr_ExceptionMatches(PyExc_UnicodeDecodeError)) PyErr_Clear();
        else st->error = 1;
        return NULL;
    }
    return stop + 1;
}

/* a JSON number: its end, and whether it is an integer (no fraction, no exponent); NULL if
 * it is no JSON number */
static const char *number(const char *p, const char *end, int *integer) {
    const char *s = p;
    if (p < end && *p == '-') p++;
    if (p >= end) return NULL;
    if (*p == '0') p++;
    else if (*p >= '1' && *p <= '9')
        while (p < end && *p >= '0' && *p <= '9') p++;
    else return NULL;
    *integer = 1;
    if (p < end && *p == '.') {
        *integer = 0;
        p++;
        if (p >= end || *p < '0' || *p > '9') return NULL;
        while (p < end && *p >= '0' && *p <= '9') p++;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        *integer = 0;
        p++;
        if (p < end && (*p == '+' || *p == '-')) p++;
        if (p >= end || *p < '0' || *p > '9') return NULL;
        while (p < end && *p >= '0' && *p <= '9') p++;
    }
    return p - s > 64 ? NULL : p;
}

static int literal(const char *p, const char *end, const char *word, size_t n) {
    return (size_t)(end - p) >= n && memcmp(p, word, n) == 0;
}

static const char *object(State *st, Node *node, const char *p, const char *end, int depth);

static const char *value(State *st, Node *node, const char *p, const char *end, int depth) {
    if (p < end && *p == 'n' && literal(p, end, "null", 4)) return p + 4; /* unknown: the row holds it already */
    switch (node->kind) {
    case K_STRUCT:
        if (node->col >= 0) *AT(st, node->col) = 1;
        return object(st, node, p, end, depth + 1);
    case K_LIST: {
        if (p >= end || *p != '[') return NULL;
        p = ws(p + 1, end);
        int32_t count = 0;
        if (p < end && *p == ']') p++;
        else {
            for (;;) {
                if (p >= end || *p != '{') return NULL; /* an item that is no object (null too) */
                if (new_item(st) < 0) return NULL;
                memcpy(AT(st, node->col2), &st->row, 4);
                Node *item = node->fields[0];
                *AT(st, item->col) = 1;
                p = object(st, item, p, end, depth + 1);
                if (p == NULL) return NULL;
                count++;
                p = ws(p, end);
                if (p < end && *p == ',') {
                    p = ws(p + 1, end);
                    continue;
                }
                if (p < end && *p == ']') {
                    p++;
                    break;
                }
                return NULL;
            }
        }
        memcpy(AT(st, node->col), &count, 4);
        return p;
    }
    case K_BOOL:
        if (literal(p, end, "true", 4)) {
            *AT(st, node->col) = 1;
            return p + 4;
        }
        if (literal(p, end, "false", 5)) {
            *AT(st, node->col) = 0;
            return p + 5;
        }
        return NULL;
    case K_INT: {
        int integer;
        const char *stop = number(p, end, &integer);
        if (stop == NULL || !integer) return NULL; /* 5.0 or 5e0: the model may coerce it */
        const char *q = p;
        int negative = *q == '-';
        if (negative) q++;
        if (stop - q > 18) return NULL; /* beyond what int64 surely holds */
        int64_t v = 0;
        for (; q < stop; q++) v = v * 10 + (*q - '0');
        if (negative) v = -v;
        memcpy(AT(st, node->col), &v, 8);
        *AT(st, node->col2) = 1;
        return stop;
    }
    case K_FLOAT: {
        int integer;
        const char *stop = number(p, end, &integer);
        if (stop == NULL) return NULL;
        char buf[72];
        memcpy(buf, p, (size_t)(stop - p));
        buf[stop - p] = '\0';
        char *after;
        double v = PyOS_string_to_double(buf, &after, NULL);
        if (v == -1.0 && PyErr_Occurred()) {
            PyErr_Clear();
            return NULL;
        }
        if (after != buf + (stop - p) || !isfinite(v)) return NULL;
        memcpy(AT(st, node->col), &v, 8);
        return stop;
    }
    case K_ENUM: /* one of the values as it is written (an escape in one: refused) */
        for (int i = 0; i < node->nfields; i++) {
            const char *stop = word_at(p, end, node->names[i], node->lens[i]);
            if (stop != NULL) {
                *AT(st, node->col) = (char)i;
                return stop;
            }
        }
        return NULL;
    case K_STR: {
        PyObject *text;
        const char *stop = string_value(st, p, end, &text);
        if (stop == NULL) return NULL;
        /* the row being read in this column's space */
        if (PyList_SetItem(st->cols[node->col].objects, st->at[node->space], text) < 0) {
            st->error = 1;
            return NULL;
        }
        return stop;
    }
    }
    return NULL;
}

static const char *object(State *st, Node *node, const char *p, const char *end, int depth) {
    if (depth > MAX_DEPTH || p >= end || *p != '{') return NULL;
    uint64_t seen = 0;
    int next = 0; /* keys are mostly written in the model's order: look there first */
    p = ws(p + 1, end);
    if (p < end && *p == '}') return p + 1;
    for (;;) {
        /* the key: a field's name as it is written (keys come mostly in the model's order,
         * some left out: looked for from the one after the last); a key that is none of them,
         * or written with an escape, is refused */
        int field = -1;
        for (int k = 0, i = next; k < node->nfields; k++, i = i + 1 == node->nfields ? 0 : i + 1) {
            const char *after = word_at(p, end, node->names[i], node->lens[i]);
            if (after != NULL) {
                field = i;
                p = after;
                break;
            }
        }
        next = field + 1 == node->nfields ? 0 : field + 1;
        if (field < 0 || (seen >> field) & 1) return NULL; /* unknown, or written twice */
        seen |= (uint64_t)1 << field;
        p = ws(p, end);
        if (p >= end || *p != ':') return NULL;
        p = value(st, node->fields[field], ws(p + 1, end), end, depth);
        if (p == NULL) return NULL;
        p = ws(p, end);
        if (p < end && *p == ',') {
            p = ws(p + 1, end);
            continue;
        }
        if (p < end && *p == '}') return p + 1;
        return NULL;
    }
}

/* rows with no items (none, or an unknown list) get one item that is null, so that grouping
 * the items by row gives every row its list */
static int placeholders(State *st) {
    for (int i = 0; i < st->reader->nlists; i++) {
        Node *list = st->reader->lists[i];
        int32_t count;
        memcpy(&count, AT(st, list->col), 4);
        if (count > 0) continue;
        if (new_item(st) < 0) return -1;
        memcpy(AT(st, list->col2), &st->row, 4);
        *AT(st, list->fields[0]->col) = 0;
    }
    return 0;
}

/* whether a line is blank as Python's bytes.isspace() has it (or empty): it is skipped */
static int blank(const char *p, const char *end) {
    for (; p < end; p++)
        if (!(*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\x0b' || *p == '\x0c')) return 0;
    return 1;
}

/* decode(reader, buffer, start, end, max_lines, final) -> (next, lines, numbers, items, columns)
 *
 * Reads the lines of buffer[start:end] (at most max_lines of them, blank ones included; a line
 * without its newline only where `final`, at the end of the file): `next` is the offset after the
 * last line taken, `lines` how many were taken, `numbers` the index of each profile's line
 * among them (int32 bytes; blank lines are no profile), `items` how many arenas were read and
 * `columns` a bytes (int8, int32, int64 or float64 values, as the reader's columns say) or a
 * list of str and None per column -- or None where a line is refused (the lines are still
 * counted, so that the slower paths can read the same ones). Where fewer than max_lines whole
 * lines are there and not `final`, none is taken (lines = 0): more is to be read first. */
static PyObject *jsonl_decode(PyObject *self, PyObject *args) {
    PyObject *capsule, *buffer;
    Py_ssize_t start, stop, max_lines;
    int final;
    if (!PyArg_ParseTuple(args, "OOnnnp", &capsule, &buffer, &start, &stop, &max_lines, &final)) return NULL;
    Reader *reader = PyCapsule_GetPointer(capsule, "advisor.jsonl.reader");
    if (reader == NULL) return NULL;
    Py_buffer view;
    if (PyObject_GetBuffer(buffer, &view, PyBUF_SIMPLE) < 0) return NULL;
    State st = {reader, NULL, 0, {0, -1}, NULL, 0, 0};
    PyObject *result = NULL, *numbers = NULL;
    const char **begins = NULL, **ends = NULL;
    int refused = 0;
    if (start < 0 || stop > view.len || start > stop || max_lines < 0) {
        PyErr_SetString(PyExc_ValueError, "start and end must lie in the buffer");
        goto done;
    }
    /* the lines taken, and the profiles among them */
    const char *base = (const char *)view.buf, *p = base + start, *end = base + stop;
    Py_ssize_t nlines = 0, nprofiles = 0, cap = 0;
    int32_t *index = NULL;
    while (nlines < max_lines && p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (nl == NULL && !final) break;
        const char *line_end = nl ? nl : end;
        if (!blank(p, line_end)) {
            if (nprofiles == cap) {
                cap = cap ? cap * 2 : 1024;
                const char **b = PyMem_Realloc(begins, cap * sizeof(char *));
                if (b) begins = b;
                const char **e = PyMem_Realloc(ends, cap * sizeof(char *));
                if (e) ends = e;
                int32_t *x = PyMem_Realloc(index, cap * sizeof(int32_t));
                if (x) index = x;
                if (!b || !e || !x) {
                    PyMem_Free(index);
                    PyErr_NoMemory();
                    goto done;
                }
            }
            begins[nprofiles] = p;
            ends[nprofiles] = line_end;
            index[nprofiles++] = (int32_t)nlines;
        }
        nlines++;
        p = nl ? nl + 1 : end;
    }
    if (nlines < max_lines && !final) { /* not a whole chunk: nothing is taken, more is to be read */
        PyMem_Free(index);
        nlines = nprofiles = 0;
        index = NULL;
        p = base + start;
    }
    Py_ssize_t next = p - base;
    numbers = PyBytes_FromStringAndSize((const char *)index, nprofiles * (Py_ssize_t)sizeof(int32_t));
    PyMem_Free(index);
    if (numbers == NULL) goto done;
    st.cols = PyMem_Calloc(reader->ncols + 1, sizeof(Column));
    if (st.cols == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    for (int i = 0; i < reader->ncols; i++) {
        st.cols[i].kind = reader->kinds[i];
        st.cols[i].space = reader->spaces[i];
        Column *c = &st.cols[i];
        if (c->kind == C_OBJ) { /* a row per profile: all None to begin with */
            c->objects = PyList_New(c->space == 0 ? nprofiles : 0);
            if (c->objects == NULL) goto done;
            if (c->space == 0)
                for (Py_ssize_t k = 0; k < nprofiles; k++) {
                    Py_INCREF(Py_None);
                    PyList_SET_ITEM(c->objects, k, Py_None);
                }
        } else if (c->space == 0) { /* a row per profile: all unknown to begin with */
            if (grow(&st, c, (size_t)nprofiles * WIDTH[c->kind] + 1) < 0) goto done;
            c->len = (size_t)nprofiles * WIDTH[c->kind];
            if (c->kind == C_I8 || c->kind == C_I32) memset(c->data, 0xFF, c->len);
            else if (c->kind == C_I64) memset(c->data, 0, c->len);
            else for (size_t k = 0; k < c->len; k += 8) unknown(c, k);
        }
    }
    for (Py_ssize_t i = 0; i < nprofiles; i++) {
        const char *q = begins[i], *line_end = ends[i];
        st.row = (int32_t)i;
        st.at[0] = i;
        q = object(&st, reader->root, ws(q, line_end), line_end, 0);
        if (q == NULL || ws(q, line_end) != line_end) {
            if (st.error) goto done;
            refused = 1;
            break;
        }
        if (placeholders(&st) < 0) goto done;
    }
    PyObject *columns;
    Py_ssize_t items = 0;
    if (refused) {
        columns = Py_None;
        Py_INCREF(columns);
    } else {
        columns = PyList_New(reader->ncols);
        if (columns == NULL) goto done;
        for (int i = 0; i < reader->ncols; i++) {
            Column *c = &st.cols[i];
            PyObject *column;
            if (c->kind == C_OBJ) {
                column = c->objects;
                Py_INCREF(column);
            } else {
                column = PyBytes_FromStringAndSize(c->data ? c->data : "", (Py_ssize_t)c->len);
                if (c->space == 1) items = (Py_ssize_t)(c->len / WIDTH[c->kind]);
            }
            if (column == NULL) {
                Py_DECREF(columns);
                goto done;
            }
            PyList_SET_ITEM(columns, i, column);
        }
    }
    result = Py_BuildValue("(nnOnN)", next, nlines, numbers, items, columns);
done:
    if (st.cols != NULL)
        for (int i = 0; i < reader->ncols; i++) {
            PyMem_Free(st.cols[i].data);
            Py_XDECREF(st.cols[i].objects);
        }
    PyMem_Free(st.cols);
    PyMem_Free(st.scratch);
    PyMem_Free(begins);
    PyMem_Free(ends);
    Py_XDECREF(numbers);
    PyBuffer_Release(&view);
    return result;
}

/* ---------------------------------------------------------------------------------------- */
/* writing rows */

/* n bytes from src to dst, where both have 16 bytes to spare after them: most texts here are
 * shorter than that, and a copy of a fixed size is two moves, not a call */
static inline char *copy(char *dst, const char *src, size_t n) {
    if (n <= 16) memcpy(dst, src, 16);
    else memcpy(dst, src, n);
    return dst + n;
}

typedef struct {
    Py_buffer fired; /* n x rules, one byte a value (0 or 1), any strides */
    int held;
    const int8_t *ranks; /* per fired column: its priority rank, -1 where it does not count */
    Py_ssize_t nranks;
    char *text;          /* every text of the pack, each padded with 16 bytes */
    size_t middle, nmiddle, suffix, nsuffix;
    size_t *priority, *npriority; /* per rank */
    Py_ssize_t nlists;
    size_t *prefix, *nprefix;     /* per list */
    Py_ssize_t *count;            /* per list: its columns */
    const int32_t **cols;         /* per list */
    size_t **item, **nitem;       /* per list, per column: its text, a comma before it */
    size_t bound;                 /* the longest a row of this pack can be, the head aside */
} Pack;

static void free_pack(Pack *pk) {
    if (pk->held) PyBuffer_Release(&pk->fired);
    PyMem_Free(pk->text);
    PyMem_Free(pk->priority);
    PyMem_Free(pk->npriority);
    if (pk->item != NULL)
        for (Py_ssize_t l = 0; l < pk->nlists; l++) {
            PyMem_Free(pk->item[l]);
            PyMem_Free(pk->nitem[l]);
        }
    PyMem_Free(pk->prefix);
    PyMem_Free(pk->nprefix);
    PyMem_Free(pk->count);
    PyMem_Free(pk->cols);
    PyMem_Free(pk->item);
    PyMem_Free(pk->nitem);
}

typedef struct {
    char *data;
    size_t len, cap;
} Text;

/* a text into the pack's buffer (padded): its offset */
static int keep(Text *t, PyObject *bytes, size_t *offset, size_t *n) {
    if (!PyBytes_Check(bytes)) {
        PyErr_SetString(PyExc_TypeError, "texts must be bytes");
        return -1;
    }
    size_t size = (size_t)PyBytes_GET_SIZE(bytes);
    if (t->len + size + 16 > t->cap) {
        size_t cap = t->cap ? t->cap : 4096;
        while (cap < t->len + size + 16) cap *= 2;
        char *data = PyMem_Realloc(t->data, cap);
        if (data == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        t->data = data;
        t->cap = cap;
    }
    memcpy(t->data + t->len, PyBytes_AS_STRING(bytes), size);
    memset(t->data + t->len + size, 0, 16);
    *offset = t->len;
    *n = size;
    t->len += size + 16;
    return 0;
}

static int load_pack(Pack *pk, PyObject *spec, Py_ssize_t n) {
    PyObject *fired, *middle, *ranks, *priorities, *lists, *suffix;
    Text t = {NULL, 0, 0};
    if (!PyArg_ParseTuple(spec, "OO!O!O!O!O!", &fired, &PyBytes_Type, &middle, &PyBytes_Type, &ranks, &PyTuple_Type,
                          &priorities, &PyTuple_Type, &lists, &PyBytes_Type, &suffix))
        return -1;
    if (PyObject_GetBuffer(fired, &pk->fired, PyBUF_STRIDES) < 0) return -1;
    pk->held = 1;
    pk->ranks = (const int8_t *)PyBytes_AS_STRING(ranks);
    pk->nranks = PyBytes_GET_SIZE(ranks);
    if (pk->fired.ndim != 2 || pk->fired.itemsize != 1 || pk->fired.shape[0] != n || pk->fired.shape[1] != pk->nranks) {
        PyErr_SetString(PyExc_ValueError, "fired must be a matrix of a byte a value, a row per head, a column per rank");
        return -1;
    }
    Py_ssize_t npriorities = PyTuple_GET_SIZE(priorities);
    pk->nlists = PyTuple_GET_SIZE(lists);
    pk->priority = PyMem_Calloc((size_t)npriorities + 1, sizeof(size_t));
    pk->npriority = PyMem_Calloc((size_t)npriorities + 1, sizeof(size_t));
    pk->prefix = PyMem_Calloc((size_t)pk->nlists + 1, sizeof(size_t));
    pk->nprefix = PyMem_Calloc((size_t)pk->nlists + 1, sizeof(size_t));
    pk->count = PyMem_Calloc((size_t)pk->nlists + 1, sizeof(Py_ssize_t));
    pk->cols = PyMem_Calloc((size_t)pk->nlists + 1, sizeof(int32_t *));
    pk->item = PyMem_Calloc((size_t)pk->nlists + 1, sizeof(size_t *));
    pk->nitem = PyMem_Calloc((size_t)pk->nlists + 1, sizeof(size_t *));
    if (!pk->priority || !pk->npriority || !pk->prefix || !pk->nprefix || !pk->count || !pk->cols || !pk->item ||
        !pk->nitem) {
        PyErr_NoMemory();
        goto fail;
    }
    size_t bound = 1 + 4; /* the newline; null */
    if (keep(&t, middle, &pk->middle, &pk->nmiddle) < 0 || keep(&t, suffix, &pk->suffix, &pk->nsuffix) < 0) goto fail;
    bound += pk->nmiddle + pk->nsuffix;
    size_t longest = 4;
    for (Py_ssize_t i = 0; i < npriorities; i++) {
        if (keep(&t, PyTuple_GET_ITEM(priorities, i), &pk->priority[i], &pk->npriority[i]) < 0) goto fail;
        if (pk->npriority[i] > longest) longest = pk->npriority[i];
    }
    bound += longest;
    for (Py_ssize_t r = 0; r < pk->nranks; r++)
        if (pk->ranks[r] >= npriorities) {
            PyErr_SetString(PyExc_ValueError, "a rank without its priority");
            goto fail;
        }
    for (Py_ssize_t l = 0; l < pk->nlists; l++) {
        PyObject *prefix, *columns, *texts;
        if (!PyArg_ParseTuple(PyTuple_GET_ITEM(lists, l), "O!O!O!", &PyBytes_Type, &prefix, &PyBytes_Type, &columns,
                              &PyTuple_Type, &texts))
            goto fail;
        Py_ssize_t m = PyBytes_GET_SIZE(columns) / 4;
        if (PyBytes_GET_SIZE(columns) % 4 || PyTuple_GET_SIZE(texts) != m) {
            PyErr_SetString(PyExc_ValueError, "a list takes a text per column");
            goto fail;
        }
        pk->count[l] = m;
        pk->cols[l] = (const int32_t *)PyBytes_AS_STRING(columns);
        pk->item[l] = PyMem_Calloc((size_t)m + 1, sizeof(size_t));
        pk->nitem[l] = PyMem_Calloc((size_t)m + 1, sizeof(size_t));
        if (!pk->item[l] || !pk->nitem[l]) {
            PyErr_NoMemory();
            goto fail;
        }
        if (keep(&t, prefix, &pk->prefix[l], &pk->nprefix[l]) < 0) goto fail;
        bound += pk->nprefix[l];
        for (Py_ssize_t c = 0; c < m; c++) {
            if (pk->cols[l][c] < 0 || pk->cols[l][c] >= pk->nranks) {
                PyErr_SetString(PyExc_ValueError, "a list's columns lie in fired");
                goto fail;
            }
            if (keep(&t, PyTuple_GET_ITEM(texts, c), &pk->item[l][c], &pk->nitem[l][c]) < 0) goto fail;
            if (pk->nitem[l][c] == 0 || t.data[pk->item[l][c]] != ',') {
                PyErr_SetString(PyExc_ValueError, "a list's texts begin with a comma");
                goto fail;
            }
            bound += pk->nitem[l][c];
        }
    }
    pk->text = t.data;
    pk->bound = bound;
    return 0;
fail:
    PyMem_Free(t.data);
    return -1;
}

/* rows(heads, packs, out) -> size
 *
 * Writes into the bytearray `out` (grown where it is too small: kept from chunk to chunk, its
 * memory is not new each time) the rows of JSON Lines of a chunk of profiles, and returns
 * their size in bytes: a line per profile and pack (the packs of a
 * profile one after the other): heads[i] (the row's JSON object up to its last field, without
 * the closing brace), then per pack (fired, middle, ranks, priorities, lists, suffix): `middle`,
 * the highest priority (priorities[rank] of the highest rank among the columns that fired,
 * ranks[column] >= 0; else null), then each list (prefix, columns, texts): its prefix and the
 * texts of the columns that fired (int32 columns, in the list's order; each text begins with
 * the comma that separates it from the one before, which the first leaves out), then `suffix`
 * and a newline. */
static PyObject *jsonl_rows(PyObject *self, PyObject *args) {
    PyObject *heads, *packs, *out;
    if (!PyArg_ParseTuple(args, "O!O!O!", &PyList_Type, &heads, &PyTuple_Type, &packs, &PyByteArray_Type, &out))
        return NULL;
    Py_ssize_t n = PyList_GET_SIZE(heads), npacks = PyTuple_GET_SIZE(packs);
    Pack *ps = PyMem_Calloc((size_t)npacks + 1, sizeof(Pack));
    PyObject *result = NULL;
    if (ps == NULL) return PyErr_NoMemory();
    for (Py_ssize_t k = 0; k < npacks; k++)
        if (load_pack(&ps[k], PyTuple_GET_ITEM(packs, k), n) < 0) goto done;
    /* the longest the text can be: written into a bytes object of that size, then cut */
    size_t total = 16;
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_ssize_t size;
        if (PyUnicode_AsUTF8AndSize(PyList_GET_ITEM(heads, i), &size) == NULL) goto done;
        for (Py_ssize_t k = 0; k < npacks; k++) total += (size_t)size + ps[k].bound;
    }
    if (total > (size_t)PY_SSIZE_T_MAX) {
        PyErr_NoMemory();
        goto done;
    }
    if ((size_t)PyByteArray_GET_SIZE(out) < total && PyByteArray_Resize(out, (Py_ssize_t)total) < 0) goto done;
    char *o = PyByteArray_AS_STRING(out), *start = o;
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_ssize_t size;
        const char *head = PyUnicode_AsUTF8AndSize(PyList_GET_ITEM(heads, i), &size);
        for (Py_ssize_t k = 0; k < npacks; k++) {
            Pack *pk = &ps[k];
            const char *row = (const char *)pk->fired.buf + i * pk->fired.strides[0];
            Py_ssize_t stride = pk->fired.strides[1];
            memcpy(o, head, (size_t)size); /* a head may lack the padding: copied as it is */
            o += size;
            o = copy(o, pk->text + pk->middle, pk->nmiddle);
            /* without a branch on whether a rule fired: that is a coin toss the processor
             * would guess wrong every other time (half the time spent, measured) */
            int highest = -1;
            for (Py_ssize_t r = 0; r < pk->nranks; r++) {
                int candidate = row[r * stride] ? pk->ranks[r] : -1;
                highest = candidate > highest ? candidate : highest;
            }
            if (highest < 0) o = copy(o, "null\0\0\0\0\0\0\0\0\0\0\0\0", 4);
            else o = copy(o, pk->text + pk->priority[highest], pk->npriority[highest]);
            for (Py_ssize_t l = 0; l < pk->nlists; l++) {
                o = copy(o, pk->text + pk->prefix[l], pk->nprefix[l]);
                const int32_t *cols = pk->cols[l];
                const size_t *item = pk->item[l], *nitem = pk->nitem[l];
                size_t first = 1; /* the first text goes without its comma */
                for (Py_ssize_t c = 0; c < pk->count[l]; c++) {
                    size_t fired = row[cols[c] * stride] != 0, n = nitem[c] - first;
                    copy(o, pk->text + item[c] + first, n); /* written always, kept where it fired */
                    o += n * fired;
                    first &= fired ^ 1;
                }
            }
            o = copy(o, pk->text + pk->suffix, pk->nsuffix);
            *o++ = '\n';
        }
    }
    result = PyLong_FromSsize_t(o - start);
done:
    for (Py_ssize_t k = 0; k < npacks; k++) free_pack(&ps[k]);
    PyMem_Free(ps);
    return result;
}

static PyMethodDef methods[] = {
    {"compile", jsonl_compile, METH_VARARGS, "compile(spec, columns) -> reader"},
    {"decode", jsonl_decode, METH_VARARGS, "decode(reader, buffer, start, end, max_lines, final) -> (next, lines, numbers, items, columns)"},
    {"rows", jsonl_rows, METH_VARARGS, "rows(heads, packs, out) -> size"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_jsonl", NULL, -1, methods};

PyMODINIT_FUNC PyInit__jsonl(void) { return PyModule_Create(&module); }
