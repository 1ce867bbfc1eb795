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
 * the columns: by the evaluator below (a program's violation instructions) or in polars.
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
    unsigned char *first; /* enum: by the first byte of a value, 1 + the only value that begins
                           * with it, 0 if none does, FIRST_MANY if more than one */
} Node;

enum { FIRST_MANY = 255 };

typedef struct {
    int kind;
    int space; /* 0: a row per profile; 1: a row per item of the list */
    char *data;
    size_t len, cap; /* in bytes */
    PyObject *objects;
    PyObject *bytes; /* space 0: the bytes object that `data` is the buffer of (handed over as it is) */
} Column;

typedef struct {
    Node *root;
    int ncols;
    int *kinds;
    int *spaces;
    int *items; /* the columns of space 1 */
    int nitems;
    int *item_objects; /* those of them that hold Python objects */
    int nitem_objects;
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
    PyMem_Free(node->first);
    PyMem_Free(node);
}

/* a reader and all it holds (what compile() made of it so far, where it failed) */
static void release_reader(Reader *reader) {
    free_node(reader->root);
    PyMem_Free(reader->kinds);
    PyMem_Free(reader->spaces);
    PyMem_Free(reader->items);
    PyMem_Free(reader->item_objects);
    Py_XDECREF(reader->keep);
    PyMem_Free(reader);
}

static void free_reader(PyObject *capsule) {
    Reader *reader = (Reader *)PyCapsule_GetPointer(capsule, "advisor.jsonl.reader");
    if (reader != NULL) release_reader(reader);
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
        node->first = PyMem_Calloc(256, 1);
        if (node->first == NULL) {
            PyErr_NoMemory();
            goto fail;
        }
        for (int i = 0; i < n; i++) {
            if (bytes_of(PyTuple_GET_ITEM(extra, i), &node->names[i], &node->lens[i]) < 0) goto fail;
            /* the byte after the opening quote: an empty value's closing quote */
            unsigned char *slot = &node->first[node->lens[i] ? (unsigned char)node->names[i][0] : '"'];
            *slot = *slot ? FIRST_MANY : (unsigned char)(i + 1);
        }
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
    reader->item_objects = PyMem_Calloc(reader->ncols + 1, sizeof(int));
    if (reader->items == NULL || reader->item_objects == NULL) {
        PyErr_NoMemory();
        goto fail;
    }
    for (int i = 0; i < reader->ncols; i++)
        if (reader->spaces[i] == 1) {
            if (reader->kinds[i] == C_OBJ) reader->item_objects[reader->nitem_objects++] = i;
            else reader->items[reader->nitems++] = i;
        }
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
    release_reader(reader);
    return NULL;
}

/* ---------------------------------------------------------------------------------------- */
/* decoding */

typedef struct {
    Reader *reader;
    Column *cols;
    char **data;      /* each column's values: the row being read in space s at data[col] + at[s] * width */
    int32_t row;      /* the profile being read */
    Py_ssize_t at[2]; /* the row being read in each space: the profile, the item */
    Py_ssize_t ready; /* item rows that hold their unknown values already */
    char *scratch;    /* a string value with escapes, unescaped */
    size_t scratch_cap;
    int error;        /* 1: a Python error is set (memory): decode() raises */
} State;

/* where the value of column `col` (of space `space`) lies in the row being read: a byte, four or
 * eight (the caller knows the column's kind: the reader checked it when it was compiled) */
static inline char *at1(State *st, int col, int space) { return st->data[col] + st->at[space]; }
static inline char *at4(State *st, int col, int space) { return st->data[col] + st->at[space] * 4; }
static inline char *at8(State *st, int col, int space) { return st->data[col] + st->at[space] * 8; }

/* `n` bytes of unknown values of a column (of kind `kind`) at `data` */
static void unknowns(int kind, char *data, size_t n) {
    if (kind == C_I8 || kind == C_I32) memset(data, 0xFF, n); /* -1: no value */
    else if (kind == C_I64) memset(data, 0, n);
    else
        for (size_t k = 0; k < n; k += 8) {
            double v = NAN;
            memcpy(data + k, &v, 8);
        }
}

/* item rows up to `need` (and some beyond: a block at a time) hold the unknown value of every
 * column, so that a new item is only a row further */
static int ready_items(State *st, Py_ssize_t need) {
    Py_ssize_t to = st->ready ? st->ready : 256;
    while (to <= need) to *= 2;
    for (int k = 0; k < st->reader->nitems; k++) {
        int col = st->reader->items[k];
        Column *c = &st->cols[col];
        size_t width = WIDTH[c->kind];
        if ((size_t)to * width > c->cap) {
            char *data = PyMem_Realloc(c->data, (size_t)to * width);
            if (data == NULL) {
                PyErr_NoMemory();
                st->error = 1;
                return -1;
            }
            c->data = st->data[col] = data;
            c->cap = (size_t)to * width;
        }
        unknowns(c->kind, c->data + (size_t)st->ready * width, (size_t)(to - st->ready) * width);
    }
    st->ready = to;
    return 0;
}

/* a new item row: every column of space 1 holds its unknown value there */
static int new_item(State *st) {
    Py_ssize_t next = st->at[1] + 1;
    if (next >= st->ready && ready_items(st, next) < 0) return -1;
    for (int k = 0; k < st->reader->nitem_objects; k++)
        if (PyList_Append(st->cols[st->reader->item_objects[k]].objects, Py_None) < 0) {
            st->error = 1;
            return -1;
        }
    st->at[1] = next;
    return 0;
}

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

/* whether the four bytes at p (of those before end) are `word` */
static inline int four(const char *p, const char *end, const char *word) {
    uint32_t x, y;
    if (end - p < 4) return 0;
    memcpy(&x, p, 4);
    memcpy(&y, word, 4);
    return x == y;
}

static const char *object(State *st, Node *node, const char *p, const char *end, int depth);

/* one of an enum's values as it is written (an escape in one: refused): the value that begins
 * as it does, where only one does */
static inline const char *enum_value(State *st, Node *node, const char *p, const char *end) {
    if (end - p >= 2) {
        int only = node->first[(unsigned char)p[1]];
        if (only != FIRST_MANY) {
            const char *stop = only ? word_at(p, end, node->names[only - 1], node->lens[only - 1]) : NULL;
            if (stop != NULL) *at1(st, node->col, node->space) = (char)(only - 1);
            return stop;
        }
    }
    for (int i = 0; i < node->nfields; i++) {
        const char *stop = word_at(p, end, node->names[i], node->lens[i]);
        if (stop != NULL) {
            *at1(st, node->col, node->space) = (char)i;
            return stop;
        }
    }
    return NULL;
}

static const char *value(State *st, Node *node, const char *p, const char *end, int depth) {
    if (p < end && *p == 'n' && four(p, end, "null")) return p + 4; /* unknown: the row holds it already */
    switch (node->kind) {
    case K_STRUCT:
        if (node->col >= 0) *at1(st, node->col, node->space) = 1;
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
                memcpy(at4(st, node->col2, 1), &st->row, 4);
                Node *item = node->fields[0];
                *at1(st, item->col, 1) = 1;
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
        memcpy(at4(st, node->col, 0), &count, 4);
        return p;
    }
    case K_BOOL:
        if (four(p, end, "true")) {
            *at1(st, node->col, node->space) = 1;
            return p + 4;
        }
        if (end - p >= 5 && four(p, end, "fals") && p[4] == 'e') {
            *at1(st, node->col, node->space) = 0;
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
        memcpy(at8(st, node->col, node->space), &v, 8);
        *at1(st, node->col2, node->space) = 1;
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
        memcpy(at8(st, node->col, node->space), &v, 8);
        return stop;
    }
    case K_ENUM:
        return enum_value(st, node, p, end);
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
        /* the most common values, true or false and an enum's, read here: not a call away */
        Node *sub = node->fields[field];
        p = ws(p + 1, end);
        if (sub->kind == K_BOOL && end - p >= 5 && four(p, end, "true")) {
            *at1(st, sub->col, sub->space) = 1;
            p += 4;
        } else if (sub->kind == K_BOOL && end - p >= 5 && four(p + 1, end, "alse") && *p == 'f') {
            *at1(st, sub->col, sub->space) = 0;
            p += 5;
        } else if (sub->kind == K_ENUM && p < end && *p == '"') {
            p = enum_value(st, sub, p, end);
        } else {
            p = value(st, sub, p, end, depth);
        }
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
        memcpy(&count, at4(st, list->col, 0), 4);
        if (count > 0) continue;
        if (new_item(st) < 0) return -1;
        memcpy(at4(st, list->col2, 1), &st->row, 4);
        *at1(st, list->fields[0]->col, 1) = 0;
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
 * counted, so that the slower paths can read the same ones). Short of `final`, the whole lines
 * there are taken, up to max_lines: a chunk may be shorter, where the buffer ends (scanning the
 * lines again once more is read, and moving them to the buffer's start, cost more than a chunk);
 * where there is not one whole line, none is taken (lines = 0): more is to be read first. */
static PyObject *jsonl_decode(PyObject *self, PyObject *args) {
    PyObject *capsule, *buffer;
    Py_ssize_t start, stop, max_lines;
    int final;
    if (!PyArg_ParseTuple(args, "OOnnnp", &capsule, &buffer, &start, &stop, &max_lines, &final)) return NULL;
    Reader *reader = PyCapsule_GetPointer(capsule, "advisor.jsonl.reader");
    if (reader == NULL) return NULL;
    Py_buffer view;
    if (PyObject_GetBuffer(buffer, &view, PyBUF_SIMPLE) < 0) return NULL;
    State st = {reader, NULL, NULL, 0, {0, -1}, 0, NULL, 0, 0};
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
    Py_ssize_t next = p - base;
    numbers = PyBytes_FromStringAndSize((const char *)index, nprofiles * (Py_ssize_t)sizeof(int32_t));
    PyMem_Free(index);
    if (numbers == NULL) goto done;
    st.cols = PyMem_Calloc(reader->ncols + 1, sizeof(Column));
    st.data = PyMem_Calloc(reader->ncols + 1, sizeof(char *));
    if (st.cols == NULL || st.data == NULL) {
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
        } else if (c->space == 0) { /* a row per profile, all unknown to begin with: the column's bytes */
            c->len = (size_t)nprofiles * WIDTH[c->kind];
            c->bytes = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)c->len);
            if (c->bytes == NULL) goto done;
            st.data[i] = PyBytes_AS_STRING(c->bytes);
            unknowns(c->kind, st.data[i], c->len);
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
        items = st.at[1] + 1;
        columns = PyList_New(reader->ncols);
        if (columns == NULL) goto done;
        for (int i = 0; i < reader->ncols; i++) {
            Column *c = &st.cols[i];
            PyObject *column;
            if (c->kind == C_OBJ) {
                column = c->objects;
                Py_INCREF(column);
            } else if (c->space == 0) {
                column = c->bytes;
                Py_INCREF(column);
            } else {
                column = PyBytes_FromStringAndSize(c->data ? c->data : "", items * (Py_ssize_t)WIDTH[c->kind]);
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
            Py_XDECREF(st.cols[i].bytes);
        }
    PyMem_Free(st.cols);
    PyMem_Free(st.data);
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
    uint8_t *raised;     /* the same plus one: 0 where it does not count */
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
    PyMem_Free(pk->raised);
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
    /* a pack of no rules has nothing to read there: any buffer will do (an empty one) */
    if (pk->nranks > 0 &&
        (pk->fired.ndim != 2 || pk->fired.itemsize != 1 || pk->fired.shape[0] != n || pk->fired.shape[1] != pk->nranks)) {
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
    pk->raised = PyMem_Calloc((size_t)pk->nranks + 1, 1);
    if (pk->raised == NULL) {
        PyErr_NoMemory();
        goto fail;
    }
    for (Py_ssize_t r = 0; r < pk->nranks; r++) {
        if (pk->ranks[r] >= npriorities || pk->ranks[r] < -1 || npriorities > 254) {
            PyErr_SetString(PyExc_ValueError, "a rank without its priority");
            goto fail;
        }
        pk->raised[r] = (uint8_t)(pk->ranks[r] + 1);
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
            const char *row = pk->nranks ? (const char *)pk->fired.buf + i * pk->fired.strides[0] : NULL;
            Py_ssize_t stride = pk->nranks ? pk->fired.strides[1] : 0;
            memcpy(o, head, (size_t)size); /* a head may lack the padding: copied as it is */
            o += size;
            o = copy(o, pk->text + pk->middle, pk->nmiddle);
            /* without a branch on whether a rule fired: that is a coin toss the processor
             * would guess wrong every other time (half the time spent, measured); the rank + 1
             * of each rule that fired (0 where it did not, or does not count), their maximum
             * taken as the compiler vectorises it where the row is contiguous */
            int highest;
            {
                const uint8_t *raised = pk->raised;
                const Py_ssize_t nranks = pk->nranks;
                uint8_t top = 0;
                if (stride == 1) {
                    const uint8_t *fired = (const uint8_t *)row;
                    for (Py_ssize_t r = 0; r < nranks; r++) {
                        uint8_t v = (uint8_t)(raised[r] & (uint8_t)-(fired[r] != 0));
                        top = v > top ? v : top;
                    }
                } else {
                    for (Py_ssize_t r = 0; r < nranks; r++) {
                        uint8_t v = (uint8_t)(raised[r] & (uint8_t)-(row[r * stride] != 0));
                        top = v > top ? v : top;
                    }
                }
                highest = (int)top - 1;
            }
            if (highest < 0) o = copy(o, "null\0\0\0\0\0\0\0\0\0\0\0\0", 4);
            else o = copy(o, pk->text + pk->priority[highest], pk->npriority[highest]);
            for (Py_ssize_t l = 0; l < pk->nlists; l++) {
                o = copy(o, pk->text + pk->prefix[l], pk->nprefix[l]);
                const int32_t *cols = pk->cols[l];
                const size_t *item = pk->item[l], *nitem = pk->nitem[l];
                size_t first = 1; /* the first text goes without its comma */
                const Py_ssize_t count = pk->count[l];
                /* 64 columns at a time: which of them fired, as the bits of a word (without a
                 * branch), then the text of each that did (a third of them, typically) */
                for (Py_ssize_t c0 = 0; c0 < count; c0 += 64) {
                    const Py_ssize_t width = count - c0 < 64 ? count - c0 : 64;
                    uint64_t mask = 0;
                    const int32_t *at = cols + c0;
                    if (stride == 1)
                        for (Py_ssize_t j = 0; j < width; j++) mask |= (uint64_t)(row[at[j]] != 0) << j;
                    else
                        for (Py_ssize_t j = 0; j < width; j++) mask |= (uint64_t)(row[at[j] * stride] != 0) << j;
                    while (mask) {
                        Py_ssize_t c = c0 + __builtin_ctzll(mask);
                        mask &= mask - 1;
                        o = copy(o, pk->text + item[c] + first, nitem[c] - first);
                        first = 0;
                    }
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

/* ---------------------------------------------------------------------------------------- */
/* evaluating a pack over the columns
 *
 * Why: evaluating a pack's conditions as some 1,500 polars expressions over a frame built from
 * these columns, and taking the fired columns back out, cost more than reading the profiles;
 * importing polars and numpy alone took 0.3 s of CPU before the first profile. The conditions
 * are small programs over the columns, three-valued, and a loop in C runs them a column at a
 * time, straight over the buffers the reader wrote (advisor/engine/native.py compiles them).
 *
 * A value of a condition is a byte per row: 0 false, 1 unknown, 2 true. Then Kleene's and is
 * the minimum, or the maximum, not is 2 - x: loops the compiler makes vector instructions of.
 * The program is a stack machine: a comparison pushes a vector, and, or and not pop and push,
 * a rule's store pops its condition (and guard) into its fired column. Columns are the
 * reader's and those the program adds (an arena's derived level, the ladder aggregates).
 */

enum {
    OP_CMP_INT = 0, OP_CMP_DBL = 1, OP_IN_INT = 2, OP_IN_DBL = 3, OP_AND = 4, OP_OR = 5, OP_NOT = 6,
    OP_FIRED = 7, OP_ANY = 8, OP_STORE = 9, OP_DERIVE = 10, OP_AGG = 11, OP_STRLEN = 12, OP_VIOLATES = 13,
    OP_STR = 14, OP_COUNT = 15
};
enum { CMP_EQ = 0, CMP_NE, CMP_LT, CMP_LE, CMP_GT, CMP_GE };
enum { AGG_COLUMNS = 15 };

typedef struct {
    int op, space, a, b, c;
    int64_t i;
    double f;
    Py_ssize_t n;          /* values in the payload */
    const int64_t *ints;   /* into the program's kept payload */
    const double *dbls;
    const int32_t *cols;
    const char *text;      /* OP_STR: the texts compared with, each its length and its bytes */
} Ins;

typedef struct {
    Ins *ins;
    Py_ssize_t nins;
    int depth, nrules, ncols; /* ncols: the reader's columns and the program's own */
    int *kinds, *spaces;      /* per column */
    PyObject *keep;
} Program;

/* a program and all it holds (what program() made of it so far, where it failed) */
static void release_program(Program *pg) {
    PyMem_Free(pg->ins);
    PyMem_Free(pg->kinds);
    PyMem_Free(pg->spaces);
    Py_XDECREF(pg->keep);
    PyMem_Free(pg);
}

static void free_program(PyObject *capsule) {
    Program *pg = (Program *)PyCapsule_GetPointer(capsule, "advisor.jsonl.program");
    if (pg != NULL) release_program(pg);
}

static int bad_program(const char *what) {
    PyErr_Format(PyExc_ValueError, "program: %s", what);
    return -1;
}

/* the checks of one instruction that evaluate() relies on: columns of the right kind and space,
 * rule indices in range, the stack never under- or overflowing */
static int check_ins(Program *pg, Ins *in, int *sp) {
    int need = 0, push = 1;
#define COL(x, k) ((x) >= 0 && (x) < pg->ncols && (k))
#define SCALAR(x) COL(x, pg->kinds[x] != C_OBJ)
    if (in->space != 0 && in->space != 1) return bad_program("a space is 0 or 1");
    switch (in->op) {
    case OP_CMP_INT: case OP_CMP_DBL: case OP_IN_INT: case OP_IN_DBL:
        if (!SCALAR(in->a) || pg->spaces[in->a] != in->space) return bad_program("a comparison's column");
        if (in->b < -1 || in->b >= pg->ncols) return bad_program("a comparison's presence");
        if (pg->kinds[in->a] == C_I64 && !(COL(in->b, pg->kinds[in->b] == C_I8) && pg->spaces[in->b] == in->space))
            return bad_program("an integer column's presence");
        if ((in->op == OP_CMP_INT || in->op == OP_CMP_DBL) && (in->c < CMP_EQ || in->c > CMP_GE))
            return bad_program("a comparison operator");
        break;
    case OP_STR:
        if (!COL(in->a, pg->kinds[in->a] == C_OBJ) || pg->spaces[in->a] != in->space) return bad_program("a text's column");
        break;
    case OP_AND: case OP_OR:
        if (in->a < 1) return bad_program("and, or take one item or more");
        need = in->a;
        break;
    case OP_NOT: need = 1; break;
    case OP_FIRED:
        if (in->a < 0 || in->a >= pg->nrules || in->space != 0) return bad_program("a finding");
        break;
    case OP_ANY:
        if (in->space != 0 || !COL(in->a, pg->kinds[in->a] == C_I32) || pg->spaces[in->a] != 0 ||
            !COL(in->b, pg->kinds[in->b] == C_I8) || pg->spaces[in->b] != 1 ||
            !COL(in->c, pg->kinds[in->c] == C_I32) || pg->spaces[in->c] != 1)
            return bad_program("any_arena's columns");
        need = 1;
        break;
    case OP_STORE:
        if (in->a < 0 || in->a >= pg->nrules || in->space != 0) return bad_program("a store");
        need = in->b ? 2 : 1;
        push = 0;
        break;
    case OP_DERIVE: {
        int kind = COL(in->a, 1) ? pg->kinds[in->a] : -1;
        if ((kind != C_I8 && kind != C_I64) || pg->spaces[in->a] != in->space || !COL(in->c, pg->kinds[in->c] == kind) ||
            pg->spaces[in->c] != in->space || in->n < 1)
            return bad_program("a derivation's columns");
        if (kind == C_I64 && !(COL(in->b, pg->kinds[in->b] == C_I8) && COL((int)in->i, pg->kinds[in->i] == C_I8) &&
                               pg->spaces[in->b] == in->space && pg->spaces[in->i] == in->space))
            return bad_program("a derivation's presence");
        need = (int)in->n;
        push = 0;
        break;
    }
    case OP_AGG: {
        static const int kinds[AGG_COLUMNS] = {C_I64, C_I8, C_I8, C_I32, C_I32, C_I64, C_I8, C_I64, C_I8,
                                               C_I64, C_I8, C_I64, C_I8, C_I64, C_I8};
        static const int spaces[AGG_COLUMNS] = {1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        if (in->n != AGG_COLUMNS) return bad_program("the aggregates' columns");
        for (int k = 0; k < AGG_COLUMNS; k++)
            if (!COL(in->cols[k], pg->kinds[in->cols[k]] == kinds[k]) || pg->spaces[in->cols[k]] != spaces[k])
                return bad_program("the aggregates' columns");
        push = 0;
        break;
    }
    case OP_STRLEN:
        if (!COL(in->a, pg->kinds[in->a] == C_OBJ) || !COL(in->c, pg->kinds[in->c] == C_I64) ||
            !COL((int)in->i, pg->kinds[in->i] == C_I8) || pg->spaces[in->a] != in->space ||
            pg->spaces[in->c] != in->space || pg->spaces[in->i] != in->space)
            return bad_program("a string length's columns");
        push = 0;
        break;
    case OP_VIOLATES: need = 1; push = 0; break;
    default: return bad_program("an unknown instruction");
    }
#undef SCALAR
#undef COL
    if (*sp < need) return bad_program("the stack underflows");
    *sp += push - need;
    if (*sp > pg->depth) return bad_program("the stack is deeper than declared");
    return 0;
}

/* program(nrules, depth, columns, instructions) -> program
 *
 * columns: (kind, space) of every column, the reader's first, then the program's own;
 * instructions: (op, space, a, b, c, i, f, payload) each, payload bytes of int64, float64 or
 * int32 values as the instruction takes them. */
static PyObject *jsonl_program(PyObject *self, PyObject *args) {
    int nrules, depth;
    PyObject *columns, *instructions;
    if (!PyArg_ParseTuple(args, "iiO!O!", &nrules, &depth, &PyTuple_Type, &columns, &PyTuple_Type, &instructions))
        return NULL;
    if (nrules < 0 || depth < 0 || depth > 4096) {
        PyErr_SetString(PyExc_ValueError, "program: rules and depth out of range");
        return NULL;
    }
    Program *pg = PyMem_Calloc(1, sizeof(Program));
    if (pg == NULL) return PyErr_NoMemory();
    pg->nrules = nrules;
    pg->depth = depth;
    pg->ncols = (int)PyTuple_GET_SIZE(columns);
    pg->nins = PyTuple_GET_SIZE(instructions);
    pg->kinds = PyMem_Calloc((size_t)pg->ncols + 1, sizeof(int));
    pg->spaces = PyMem_Calloc((size_t)pg->ncols + 1, sizeof(int));
    pg->ins = PyMem_Calloc((size_t)pg->nins + 1, sizeof(Ins));
    if (!pg->kinds || !pg->spaces || !pg->ins) {
        PyErr_NoMemory();
        goto fail;
    }
    for (int k = 0; k < pg->ncols; k++) {
        if (!PyArg_ParseTuple(PyTuple_GET_ITEM(columns, k), "ii", &pg->kinds[k], &pg->spaces[k])) goto fail;
        if (pg->kinds[k] < C_I8 || pg->kinds[k] > C_OBJ || pg->spaces[k] < 0 || pg->spaces[k] > 1) {
            bad_program("a column's kind or space");
            goto fail;
        }
    }
    int sp = 0;
    for (Py_ssize_t k = 0; k < pg->nins; k++) {
        Ins *in = &pg->ins[k];
        long long i;
        PyObject *payload;
        if (!PyArg_ParseTuple(PyTuple_GET_ITEM(instructions, k), "iiiiiLdO!", &in->op, &in->space, &in->a, &in->b,
                              &in->c, &i, &in->f, &PyBytes_Type, &payload))
            goto fail;
        in->i = (int64_t)i;
        const char *data = PyBytes_AS_STRING(payload);
        Py_ssize_t size = PyBytes_GET_SIZE(payload);
        if (in->op == OP_AGG) {
            if (size % 4) { bad_program("a payload's size"); goto fail; }
            in->n = size / 4;
            in->cols = (const int32_t *)data;
        } else if (in->op == OP_STR) { /* texts, each its int32 length and its UTF-8 bytes */
            in->text = data;
            in->n = size;
            for (Py_ssize_t at = 0; at < size;) {
                int32_t len;
                if (size - at < 4) { bad_program("a text's length"); goto fail; }
                memcpy(&len, data + at, 4);
                if (len < 0 || len > size - at - 4) { bad_program("a text's length"); goto fail; }
                at += 4 + len;
            }
        } else {
            if (size % 8) { bad_program("a payload's size"); goto fail; }
            in->n = size / 8;
            in->ints = (const int64_t *)data;
            in->dbls = (const double *)data;
        }
        if (check_ins(pg, in, &sp) < 0) goto fail;
    }
    if (sp != 0) {
        bad_program("values are left on the stack");
        goto fail;
    }
    Py_INCREF(instructions);
    pg->keep = instructions; /* the payloads point into its bytes */
    PyObject *capsule = PyCapsule_New(pg, "advisor.jsonl.program", free_program);
    if (capsule != NULL) return capsule;
fail:
    release_program(pg);
    return NULL;
}

typedef struct {
    int kind, space;
    char *data;      /* a scalar column's values */
    PyObject *objects;
} EvalColumn;

static inline int compare_int(int64_t v, int op, int64_t x) {
    switch (op) {
    case CMP_EQ: return v == x;
    case CMP_NE: return v != x;
    case CMP_LT: return v < x;
    case CMP_LE: return v <= x;
    case CMP_GT: return v > x;
    default: return v >= x;
    }
}

static inline int compare_dbl(double v, int op, double x) {
    switch (op) {
    case CMP_EQ: return v == x;
    case CMP_NE: return v != x;
    case CMP_LT: return v < x;
    case CMP_LE: return v <= x;
    case CMP_GT: return v > x;
    default: return v >= x;
    }
}

/* the value of row k of a scalar column as an integer or a float, and whether it is known */
static inline int value_at(const EvalColumn *c, const EvalColumn *presence, Py_ssize_t k, int64_t *iv, double *dv) {
    switch (c->kind) {
    case C_I8: { int8_t v = ((const int8_t *)c->data)[k]; *iv = v; *dv = v; return v >= 0; }
    case C_I32: { int32_t v; memcpy(&v, c->data + 4 * k, 4); *iv = v; *dv = v; return v >= 0; }
    case C_I64: { int64_t v; memcpy(&v, c->data + 8 * k, 8); *iv = v; *dv = (double)v;
                  return ((const int8_t *)presence->data)[k] == 1; }
    default: { double v; memcpy(&v, c->data + 8 * k, 8); *iv = 0; *dv = v; return !isnan(v); }
    }
}

/* a comparison for every row: out[k] = 1 where the value is unknown, else 2 or 0; a loop per
 * operator and column kind, branch-free, which the compiler makes vector instructions of */
#define COMPARE_LOOP(KNOWN, TEST)                                                                      \
    for (Py_ssize_t k = 0; k < n; k++) {                                                               \
        uint8_t known = (uint8_t)(KNOWN);                                                              \
        out[k] = (uint8_t)((known ^ 1) | (((TEST) & known) << 1));                                     \
    }
#define COMPARE_OPS(KNOWN, X, T)                                                                       \
    switch (in->c) {                                                                                   \
    case CMP_EQ: COMPARE_LOOP(KNOWN, (X) == (T)); break;                                               \
    case CMP_NE: COMPARE_LOOP(KNOWN, (X) != (T)); break;                                               \
    case CMP_LT: COMPARE_LOOP(KNOWN, (X) < (T)); break;                                                \
    case CMP_LE: COMPARE_LOOP(KNOWN, (X) <= (T)); break;                                               \
    case CMP_GT: COMPARE_LOOP(KNOWN, (X) > (T)); break;                                                \
    default: COMPARE_LOOP(KNOWN, (X) >= (T));                                                          \
    }

static void compare_column(const Ins *in, const EvalColumn *cols, uint8_t *restrict out, Py_ssize_t n) {
    const EvalColumn *c = &cols[in->a];
    const int8_t *presence = in->b >= 0 ? (const int8_t *)cols[in->b].data : NULL;
    if (in->op == OP_CMP_INT && c->kind == C_I8 && in->i >= 0 && in->i <= 127) {
        /* booleans and scale values, the commonest (-1 is unknown) */
        const int8_t *v = (const int8_t *)c->data, t = (int8_t)in->i;
        COMPARE_OPS(v[k] >= 0, v[k], t);
        return;
    }
    if (in->op == OP_CMP_INT && c->kind == C_I64) {
        const int64_t *v = (const int64_t *)c->data, t = in->i;
        COMPARE_OPS(presence[k] == 1, v[k], t);
        return;
    }
    if (in->op == OP_CMP_DBL && c->kind == C_F64) { /* NaN is unknown */
        const double *v = (const double *)c->data, t = in->f;
        COMPARE_OPS(v[k] == v[k], v[k], t);
        return;
    }
    if (c->kind == C_I8 && in->op == OP_IN_INT) { /* a scale value among some: an equality a value */
        const int8_t *v = (const int8_t *)c->data;
        memset(out, 0, (size_t)n);
        for (Py_ssize_t j = 0; j < in->n; j++) {
            if (in->ints[j] < 0 || in->ints[j] > 127) continue; /* no code: never equal */
            const int8_t t = (int8_t)in->ints[j];
            for (Py_ssize_t k = 0; k < n; k++) out[k] |= (uint8_t)(v[k] == t);
        }
        const uint8_t negate = in->c != 0;
        for (Py_ssize_t k = 0; k < n; k++) { /* 1 where unknown, else 2 where (not) among them */
            uint8_t unknown = (uint8_t)((uint8_t)v[k] >> 7);
            out[k] = (uint8_t)(unknown | (((out[k] ^ negate) & (unknown ^ 1)) << 1));
        }
        return;
    }
    const EvalColumn *known_column = in->b >= 0 ? &cols[in->b] : NULL;
    for (Py_ssize_t k = 0; k < n; k++) { /* the rest, rare: a value at a time */
        int64_t iv;
        double dv;
        if (!value_at(c, known_column, k, &iv, &dv)) {
            out[k] = 1;
            continue;
        }
        int hit = 0;
        switch (in->op) {
        case OP_CMP_INT: hit = compare_int(iv, in->c, in->i); break;
        case OP_CMP_DBL: hit = compare_dbl(dv, in->c, in->f); break;
        case OP_IN_INT:
            for (Py_ssize_t j = 0; j < in->n && !hit; j++) hit = iv == in->ints[j];
            hit ^= in->c != 0;
            break;
        default:
            for (Py_ssize_t j = 0; j < in->n && !hit; j++) hit = dv == in->dbls[j];
            hit ^= in->c != 0;
        }
        out[k] = (uint8_t)(2 * hit);
    }
}
#undef COMPARE_OPS
#undef COMPARE_LOOP

static inline void set_int(EvalColumn *value, EvalColumn *presence, Py_ssize_t k, int known, int64_t v) {
    if (!known) v = 0;
    memcpy(value->data + 8 * k, &v, 8);
    ((int8_t *)presence->data)[k] = known ? 1 : 0;
}

static int int64_less(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* the ladder aggregates of advisor.engine.facts.ladder_aggregates over the arenas' levels
 * (given or derived), as advisor/engine/columnar.py's _derived computes them, into columns in the
 * order of advisor.profile.schema.DERIVED_ARENA_FACTS: count, highest, lowest, spread, typical */
static int aggregates(const Ins *in, EvalColumn *cols, Py_ssize_t n0, Py_ssize_t n1) {
    EvalColumn *c[AGG_COLUMNS];
    for (int k = 0; k < AGG_COLUMNS; k++) c[k] = &cols[in->cols[k]];
    int64_t bottom = in->i, top = (int64_t)in->f;
    int64_t *levels = PyMem_Malloc(sizeof(int64_t) * ((size_t)n1 + 1));
    if (levels == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    const int8_t *known = (const int8_t *)c[1]->data, *present = (const int8_t *)c[2]->data;
    const int32_t *row = (const int32_t *)c[3]->data, *length = (const int32_t *)c[4]->data;
    Py_ssize_t k = 0;
    for (Py_ssize_t r = 0; r < n0; r++) {
        int64_t n = 0, nk = 0;
        for (; k < n1 && row[k] == r; k++) {
            if (present[k] != 1) continue;
            n++;
            if (known[k] == 1) memcpy(&levels[nk++], c[0]->data + 8 * k, 8);
        }
        if (k < n1 && row[k] < r) { /* the reader writes the items in the order of their profiles */
            PyMem_Free(levels);
            PyErr_SetString(PyExc_ValueError, "evaluate: items out of the order of their profiles");
            return -1;
        }
        if (length[r] < 0) { /* the arenas unknown: every aggregate is */
            for (int j = 5; j < AGG_COLUMNS; j += 2) set_int(c[j], c[j + 1], r, 0, 0);
            continue;
        }
        qsort(levels, (size_t)nk, sizeof(int64_t), int64_less);
        int64_t unknown = n - nk;
        int has_max = nk > 0 && (unknown == 0 || levels[nk - 1] == top);
        int has_min = nk > 0 && (unknown == 0 || levels[0] == bottom);
        int64_t max = has_max ? levels[nk - 1] : 0, min = has_min ? levels[0] : 0;
        int64_t middle = n >= 1 ? (n - 1) / 2 : -1; /* floor division, as polars' */
        int has_low = 1, has_high = 1;
        int64_t low = bottom, high = top;
        if (!(middle < unknown)) {
            int64_t at = middle - unknown;
            has_low = at >= 0 && at < nk;
            if (has_low) low = levels[at];
        }
        if (middle < nk) {
            has_high = middle >= 0;
            if (has_high) high = levels[middle];
        }
        int typical = nk > 0 && has_low && has_high && low == high;
        set_int(c[5], c[6], r, 1, n);
        set_int(c[7], c[8], r, has_max, max);
        set_int(c[9], c[10], r, has_min, min);
        set_int(c[11], c[12], r, n >= 2 && has_max && has_min, max - min);
        set_int(c[13], c[14], r, typical, low);
    }
    PyMem_Free(levels);
    return 0;
}

/* an arena's value derived from its facts where it does not give one (advisor.rules.arenas): the
 * first entry whose condition is true, every earlier entry with another value false */
static void derive(const Ins *in, EvalColumn *cols, uint8_t *const *entries, Py_ssize_t n) {
    EvalColumn *raw = &cols[in->a], *out = &cols[in->c];
    int wide = raw->kind == C_I64;
    for (Py_ssize_t k = 0; k < n; k++) {
        int known = wide ? ((const int8_t *)cols[in->b].data)[k] == 1 : ((const int8_t *)raw->data)[k] >= 0;
        if (known) {
            if (wide) {
                memcpy(out->data + 8 * k, raw->data + 8 * k, 8);
                cols[in->i].data[k] = 1;
            } else {
                out->data[k] = raw->data[k];
            }
            continue;
        }
        int found = -1;
        for (Py_ssize_t e = 0; e < in->n && found < 0; e++) {
            if (entries[e][k] != 2) continue;
            int holds = 1;
            for (Py_ssize_t j = 0; j < e && holds; j++)
                if (in->ints[j] != in->ints[e] && entries[j][k] != 0) holds = 0;
            if (holds) found = (int)e;
        }
        if (wide) {
            int64_t v = found >= 0 ? in->ints[found] : 0;
            memcpy(out->data + 8 * k, &v, 8);
            cols[in->i].data[k] = found >= 0 ? 1 : 0;
        } else {
            out->data[k] = (char)(found >= 0 ? in->ints[found] : -1);
        }
    }
}

/* the fired columns (a rule's 0 or 2 for each profile, rule after rule) as rows (a profile's 0
 * or 1 for each rule): eight rules of eight profiles at a time, as eight words whose bytes are
 * transposed in place (where the machine is little-endian), the rest a byte at a time */
static void transpose(const uint8_t *fired, uint8_t *m, size_t nrules, size_t profiles) {
    size_t r0 = 0, k0 = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    for (k0 = 0; k0 + 8 <= profiles; k0 += 8) {
        for (r0 = 0; r0 + 8 <= nrules; r0 += 8) {
            uint64_t a[8];
            for (int i = 0; i < 8; i++) memcpy(&a[i], fired + (r0 + (size_t)i) * profiles + k0, 8);
            for (int i = 0; i < 8; i += 2) { /* bytes, then pairs, then fours, swapped across */
                uint64_t t = ((a[i] >> 8) ^ a[i + 1]) & 0x00FF00FF00FF00FFULL;
                a[i + 1] ^= t;
                a[i] ^= t << 8;
            }
            for (int i = 0; i < 8; i += (i & 1) ? 3 : 1) {
                uint64_t t = ((a[i] >> 16) ^ a[i + 2]) & 0x0000FFFF0000FFFFULL;
                a[i + 2] ^= t;
                a[i] ^= t << 16;
            }
            for (int i = 0; i < 4; i++) {
                uint64_t t = ((a[i] >> 32) ^ a[i + 4]) & 0x00000000FFFFFFFFULL;
                a[i + 4] ^= t;
                a[i] ^= t << 32;
            }
            for (int j = 0; j < 8; j++) {
                uint64_t v = (a[j] >> 1) & 0x0101010101010101ULL;
                memcpy(m + (k0 + (size_t)j) * nrules + r0, &v, 8);
            }
        }
        for (size_t r = r0; r < nrules; r++) /* the rules past the last eight */
            for (size_t k = k0; k < k0 + 8; k++) m[k * nrules + r] = (uint8_t)(fired[r * profiles + k] >> 1);
    }
#endif
    for (size_t k = k0; k < profiles; k++) /* the profiles past the last eight */
        for (size_t r = 0; r < nrules; r++) m[k * nrules + r] = (uint8_t)(fired[r * profiles + k] >> 1);
    (void)r0;
}

/* evaluate(program, columns, profiles, items) -> (fired, counts) or None
 *
 * Runs the program over the reader's columns (as decode() gives them) of `profiles` profiles
 * and `items` arenas: `fired` is a byte per profile and rule (1 where it fired), a row per
 * profile; `counts` how often each rule fired (int64 bytes). None where a value breaks a bound
 * of the model (a violation instruction): the chunk is read by the slower paths. */
static PyObject *jsonl_evaluate(PyObject *self, PyObject *args) {
    PyObject *capsule, *columns;
    Py_ssize_t n0, n1;
    if (!PyArg_ParseTuple(args, "OO!nn", &capsule, &PyList_Type, &columns, &n0, &n1)) return NULL;
    Program *pg = PyCapsule_GetPointer(capsule, "advisor.jsonl.program");
    if (pg == NULL) return NULL;
    if (n0 < 0 || n1 < 0) {
        PyErr_SetString(PyExc_ValueError, "evaluate: negative sizes");
        return NULL;
    }
    Py_ssize_t nraw = PyList_GET_SIZE(columns), size[2] = {n0, n1};
    if (nraw > pg->ncols) {
        PyErr_SetString(PyExc_ValueError, "evaluate: more columns than the program knows");
        return NULL;
    }
    Py_ssize_t width = n0 > n1 ? n0 : n1;
    EvalColumn *cols = PyMem_Calloc((size_t)pg->ncols + 1, sizeof(EvalColumn));
    uint8_t *stack = PyMem_Malloc((size_t)(pg->depth + 1) * (size_t)(width + 1));
    uint8_t *fired = PyMem_Calloc((size_t)pg->nrules * (size_t)n0 + 1, 1);
    uint8_t **entries = PyMem_Calloc((size_t)pg->depth + 1, sizeof(uint8_t *));
    PyObject *result = NULL, *matrix = NULL, *counts = NULL;
    uint8_t *mask = NULL; /* OP_ANY's: 3 where an item is an arena, 0 where it is not there */
    int mask_present = -1, mask_row = -1;
    if (!cols || !stack || !fired || !entries) {
        PyErr_NoMemory();
        goto done;
    }
    for (int k = 0; k < pg->ncols; k++) {
        EvalColumn *c = &cols[k];
        c->kind = pg->kinds[k];
        c->space = pg->spaces[k];
        Py_ssize_t rows = size[c->space];
        if (k < nraw) { /* the reader's: of the size the program expects */
            PyObject *column = PyList_GET_ITEM(columns, k);
            if (c->kind == C_OBJ) {
                if (!PyList_Check(column) || PyList_GET_SIZE(column) != rows) goto mismatch;
                c->objects = column;
            } else {
                if (!PyBytes_Check(column) || PyBytes_GET_SIZE(column) != rows * (Py_ssize_t)WIDTH[c->kind]) goto mismatch;
                c->data = PyBytes_AS_STRING(column);
            }
            continue;
        }
        if (c->kind == C_OBJ) goto mismatch; /* the program's own columns are scalar */
        c->data = PyMem_Calloc((size_t)rows * WIDTH[c->kind] + 1, 1);
        if (c->data == NULL) {
            PyErr_NoMemory();
            goto done;
        }
    }
    int sp = 0;
    int violated = 0;
#define TOP(d) (stack + (size_t)(sp - (d)) * (size_t)(width + 1))
    for (Py_ssize_t p = 0; p < pg->nins && !violated; p++) {
        const Ins *in = &pg->ins[p];
        Py_ssize_t n = size[in->space];
        switch (in->op) {
        case OP_CMP_INT: case OP_CMP_DBL: case OP_IN_INT: case OP_IN_DBL:
            sp++;
            compare_column(in, cols, TOP(1), n);
            break;
        case OP_STR: { /* a text equal to one of some (c: not equal to any) */
            sp++;
            uint8_t *x = TOP(1);
            PyObject *texts = cols[in->a].objects;
            for (Py_ssize_t k = 0; k < n; k++) {
                PyObject *item = PyList_GET_ITEM(texts, k);
                Py_ssize_t len;
                const char *value = PyUnicode_Check(item) ? PyUnicode_AsUTF8AndSize(item, &len) : NULL;
                if (value == NULL) {
                    PyErr_Clear(); /* not a text (unknown), or one of no UTF-8 (a lone surrogate: equal to none) */
                    x[k] = PyUnicode_Check(item) ? (uint8_t)(in->c ? 2 : 0) : 1;
                    continue;
                }
                int hit = 0;
                for (Py_ssize_t at = 0; at < in->n && !hit;) {
                    int32_t size;
                    memcpy(&size, in->text + at, 4);
                    hit = size == len && memcmp(in->text + at + 4, value, (size_t)len) == 0;
                    at += 4 + size;
                }
                x[k] = (uint8_t)(2 * (hit ^ (in->c != 0)));
            }
            break;
        }
        case OP_AND: case OP_OR:
            for (int j = 1; j < in->a; j++) {
                uint8_t *x = TOP(2), *y = TOP(1);
                if (in->op == OP_AND) for (Py_ssize_t k = 0; k < n; k++) x[k] = x[k] < y[k] ? x[k] : y[k];
                else for (Py_ssize_t k = 0; k < n; k++) x[k] = x[k] > y[k] ? x[k] : y[k];
                sp--;
            }
            break;
        case OP_NOT: {
            uint8_t *x = TOP(1);
            for (Py_ssize_t k = 0; k < n; k++) x[k] = (uint8_t)(2 - x[k]);
            break;
        }
        case OP_FIRED: {
            sp++;
            uint8_t *x = TOP(1);
            const uint8_t *f = fired + (size_t)in->a * (size_t)n0;
            if (in->b) for (Py_ssize_t k = 0; k < n; k++) x[k] = (uint8_t)(2 - f[k]);
            else memcpy(x, f, (size_t)n);
            break;
        }
        case OP_ANY: { /* the items' values (space 1) to their profiles' (space 0) */
            uint8_t *x = TOP(1), *scratch = stack + (size_t)pg->depth * (size_t)(width + 1);
            const int32_t *length = (const int32_t *)cols[in->a].data, *row = (const int32_t *)cols[in->c].data;
            if (mask == NULL || mask_present != in->b || mask_row != in->c) { /* once per evaluate() */
                PyMem_Free(mask);
                mask = PyMem_Malloc((size_t)n1 + 1);
                if (mask == NULL) {
                    PyErr_NoMemory();
                    goto done;
                }
                const int8_t *present = (const int8_t *)cols[in->b].data;
                for (Py_ssize_t k = 0; k < n1; k++) {
                    if (row[k] < 0 || row[k] >= n0 || (k > 0 && row[k] < row[k - 1])) {
                        PyErr_SetString(PyExc_ValueError, "evaluate: items out of the order of their profiles");
                        goto done;
                    }
                    mask[k] = present[k] == 1 ? 3 : 0; /* an arena that is not there counts for nothing */
                }
                mask_present = in->b;
                mask_row = in->c;
            }
            /* without a branch: the bits of the values or-ed per profile (2: some arena true, 1:
             * some unknown), then true where one is, else unknown where one is, else false */
            memset(scratch, 0, (size_t)n0);
            const Py_ssize_t items = n1, profiles = n0;
            for (Py_ssize_t k = 0; k < items; k++) scratch[row[k]] |= x[k] & mask[k];
            for (Py_ssize_t r = 0; r < profiles; r++) {
                uint8_t o = scratch[r];
                x[r] = length[r] < 0 ? 1 : (uint8_t)((o & 2) | (o & 1 & ~(o >> 1)));
            }
            break;
        }
        case OP_STORE: {
            uint8_t *f = fired + (size_t)in->a * (size_t)n0;
            if (in->b) { /* the condition true, the guard not */
                const uint8_t *c = TOP(2), *g = TOP(1);
                for (Py_ssize_t k = 0; k < n; k++) f[k] = (uint8_t)((c[k] >> 1) & ((g[k] >> 1) ^ 1)) << 1;
                sp -= 2;
            } else {
                const uint8_t *c = TOP(1);
                for (Py_ssize_t k = 0; k < n; k++) f[k] = (uint8_t)(c[k] & 2);
                sp -= 1;
            }
            break;
        }
        case OP_DERIVE:
            for (Py_ssize_t e = 0; e < in->n; e++) entries[e] = TOP(in->n - e);
            derive(in, cols, entries, n);
            sp -= (int)in->n;
            break;
        case OP_AGG:
            if (aggregates(in, cols, n0, n1) < 0) goto done;
            break;
        case OP_STRLEN: {
            EvalColumn *text = &cols[in->a];
            for (Py_ssize_t k = 0; k < n; k++) {
                PyObject *item = PyList_GET_ITEM(text->objects, k);
                int known = PyUnicode_Check(item);
                set_int(&cols[in->c], &cols[in->i], k, known, known ? (int64_t)PyUnicode_GET_LENGTH(item) : 0);
            }
            break;
        }
        case OP_VIOLATES: {
            const uint8_t *x = TOP(1);
            for (Py_ssize_t k = 0; k < n; k++) violated |= x[k] == 2;
            sp--;
            break;
        }
        }
    }
#undef TOP
    if (violated) {
        result = Py_None;
        Py_INCREF(result);
        goto done;
    }
    /* the fired columns as rows, and their counts */
    matrix = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)pg->nrules * n0);
    counts = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)pg->nrules * 8);
    if (matrix == NULL || counts == NULL) goto done;
    uint8_t *m = (uint8_t *)PyBytes_AS_STRING(matrix);
    int64_t *totals = PyMem_Calloc((size_t)pg->nrules + 1, sizeof(int64_t));
    if (totals == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    /* a row at a time: the rules' columns are read a byte each, from as many cache lines as
     * there are rules, which stay in the cache from one row to the next */
    const size_t nrules = (size_t)pg->nrules, profiles = (size_t)n0;
    for (size_t r = 0; r < nrules; r++) { /* a rule's column is contiguous: summed as it lies */
        const uint8_t *column = fired + r * profiles;
        int64_t total = 0;
        for (size_t k = 0; k < profiles; k++) total += column[k];
        totals[r] = total / 2;
    }
    transpose(fired, m, nrules, profiles);
    memcpy(PyBytes_AS_STRING(counts), totals, (size_t)pg->nrules * 8);
    PyMem_Free(totals);
    result = PyTuple_Pack(2, matrix, counts);
    goto done;
mismatch:
    PyErr_SetString(PyExc_ValueError, "evaluate: the columns are not those the program was made for");
done:
    if (cols != NULL)
        for (int k = (int)nraw; k < pg->ncols; k++) PyMem_Free(cols[k].data);
    PyMem_Free(cols);
    PyMem_Free(stack);
    PyMem_Free(fired);
    PyMem_Free(entries);
    PyMem_Free(mask);
    Py_XDECREF(matrix);
    Py_XDECREF(counts);
    return result;
}

/* heads(prefix, numbers, first, names) -> [str] or None
 *
 * The heads of the rows of a chunk (what rows() takes): per profile, `prefix` (the row's JSON up
 * to the line number of its label: '{"profile":"<file>:'), the number first + numbers[i] (int32
 * bytes), then '","municipality":' and the name JSON-encoded as polars encodes it (json.dumps
 * with ensure_ascii=False), or null. None where a name is no valid UTF-8 (a lone surrogate). */
static PyObject *jsonl_heads(PyObject *self, PyObject *args) {
    PyObject *prefix, *numbers, *names;
    Py_ssize_t first;
    if (!PyArg_ParseTuple(args, "O!O!nO!", &PyBytes_Type, &prefix, &PyBytes_Type, &numbers, &first, &PyList_Type, &names))
        return NULL;
    Py_ssize_t n = PyBytes_GET_SIZE(numbers) / 4;
    if (PyBytes_GET_SIZE(numbers) % 4 || PyList_GET_SIZE(names) != n) {
        PyErr_SetString(PyExc_ValueError, "heads: a name per number");
        return NULL;
    }
    const char *pre = PyBytes_AS_STRING(prefix);
    size_t npre = (size_t)PyBytes_GET_SIZE(prefix), cap = npre + 256;
    char *buf = PyMem_Malloc(cap);
    PyObject *out = PyList_New(n);
    if (buf == NULL || out == NULL) {
        PyMem_Free(buf);
        Py_XDECREF(out);
        return PyErr_NoMemory();
    }
    static const char hex[] = "0123456789abcdef";
    for (Py_ssize_t i = 0; i < n; i++) {
        int32_t number;
        memcpy(&number, PyBytes_AS_STRING(numbers) + 4 * i, 4);
        PyObject *name = PyList_GET_ITEM(names, i);
        Py_ssize_t nname = 0;
        const char *text = NULL;
        if (name != Py_None) {
            text = PyUnicode_AsUTF8AndSize(name, &nname);
            if (text == NULL) {
                PyErr_Clear();
                Py_DECREF(out);
                PyMem_Free(buf);
                Py_RETURN_NONE;
            }
        }
        size_t need = npre + 64 + 6 * (size_t)nname;
        if (need > cap) {
            char *grown = PyMem_Realloc(buf, need);
            if (grown == NULL) {
                Py_DECREF(out);
                PyMem_Free(buf);
                return PyErr_NoMemory();
            }
            buf = grown;
            cap = need;
        }
        char *o = buf;
        memcpy(o, pre, npre);
        o += npre;
        o += sprintf(o, "%lld", (long long)first + number);
        static const char middle[] = "\",\"municipality\":";
        memcpy(o, middle, sizeof middle - 1);
        o += sizeof middle - 1;
        if (text == NULL) {
            memcpy(o, "null", 4);
            o += 4;
        } else {
            *o++ = '"';
            for (Py_ssize_t k = 0; k < nname; k++) {
                unsigned char ch = (unsigned char)text[k];
                if (ch == '"' || ch == '\\') {
                    *o++ = '\\';
                    *o++ = (char)ch;
                } else if (ch < 0x20) {
                    *o++ = '\\';
                    switch (ch) {
                    case '\b': *o++ = 'b'; break;
                    case '\t': *o++ = 't'; break;
                    case '\n': *o++ = 'n'; break;
                    case '\f': *o++ = 'f'; break;
                    case '\r': *o++ = 'r'; break;
                    default: *o++ = 'u'; *o++ = '0'; *o++ = '0'; *o++ = hex[ch >> 4]; *o++ = hex[ch & 15];
                    }
                } else {
                    *o++ = (char)ch;
                }
            }
            *o++ = '"';
        }
        PyObject *head = PyUnicode_DecodeUTF8(buf, (Py_ssize_t)(o - buf), "strict");
        if (head == NULL) {
            Py_DECREF(out);
            PyMem_Free(buf);
            return NULL;
        }
        PyList_SET_ITEM(out, i, head);
    }
    PyMem_Free(buf);
    return out;
}

static PyMethodDef methods[] = {
    {"compile", jsonl_compile, METH_VARARGS, "compile(spec, columns) -> reader"},
    {"decode", jsonl_decode, METH_VARARGS, "decode(reader, buffer, start, end, max_lines, final) -> (next, lines, numbers, items, columns)"},
    {"rows", jsonl_rows, METH_VARARGS, "rows(heads, packs, out) -> size"},
    {"program", jsonl_program, METH_VARARGS, "program(nrules, depth, columns, instructions) -> program"},
    {"evaluate", jsonl_evaluate, METH_VARARGS, "evaluate(program, columns, profiles, items) -> (fired, counts) or None"},
    {"heads", jsonl_heads, METH_VARARGS, "heads(prefix, numbers, first, names) -> [str] or None"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_jsonl", NULL, -1, methods};

PyMODINIT_FUNC PyInit__jsonl(void) { return PyModule_Create(&module); }
