/* A tiny test harness for the firmware's host tests: cases, checks, and the final "N passed, N failed" line. */
#ifndef MESHPROV_TEST_H
#define MESHPROV_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int t_passed, t_failed, t_case_failed;
static const char *t_case;

#define CHECK(cond)                                                                       \
    do {                                                                                  \
        if (!(cond)) {                                                                    \
            if (!t_case_failed) printf("not ok - %s\n", t_case);                          \
            printf("    %s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);          \
            t_case_failed = 1;                                                            \
        }                                                                                 \
    } while (0)

#define CHECK_EQ(a, b)                                                                    \
    do {                                                                                  \
        long long t_a = (long long)(a), t_b = (long long)(b);                             \
        if (t_a != t_b) {                                                                 \
            if (!t_case_failed) printf("not ok - %s\n", t_case);                          \
            printf("    %s:%d: %s == %s: %lld != %lld\n", __FILE__, __LINE__, #a, #b, t_a, t_b); \
            t_case_failed = 1;                                                            \
        }                                                                                 \
    } while (0)

/* Stop the current case early (after a failed check that makes the rest meaningless). */
#define REQUIRE(cond)                                                                     \
    do {                                                                                  \
        if (!(cond)) {                                                                    \
            if (!t_case_failed) printf("not ok - %s\n", t_case);                          \
            printf("    %s:%d: required: %s\n", __FILE__, __LINE__, #cond);              \
            t_case_failed = 1;                                                            \
            return;                                                                       \
        }                                                                                 \
    } while (0)

static void run_case(const char *name, void (*fn)(void)) {
    t_case = name;
    t_case_failed = 0;
    fn();
    if (t_case_failed) {
        t_failed++;
    } else {
        t_passed++;
        printf("ok - %s\n", name);
    }
    fflush(stdout);
}

#define RUN(fn) run_case(#fn, fn)

static int test_summary(void) {
    printf("%d passed, %d failed\n", t_passed, t_failed);
    return t_failed ? 1 : 0;
}

#endif
