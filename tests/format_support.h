/*
 * format_support.h - what the SARIF and JUnit suites share: rendering into a string and
 * the allocation-failure sweep of a renderer. Included by test_sarif.c and test_junit.c.
 */
#ifndef ACCORD_TEST_FORMAT_SUPPORT_H
#define ACCORD_TEST_FORMAT_SUPPORT_H

#include "test_support.h"

#include "alloc.h"

typedef int (*render_fn)(FILE *, const void *, const acc_report_options *);

/* RENDERER(acc_sarif_write_check, acc_check_result) defines acc_sarif_write_check_any, the
 * renderer with the render_fn type (calling through a cast pointer would be undefined). */
#define RENDERER(fn, type)                                                              \
    static int fn##_any(FILE *out, const void *r, const acc_report_options *o)          \
    {                                                                                   \
        return fn(out, (const type *)r, o);                                             \
    }

/*
 * Makes the 1st, 2nd, ... allocation of renderer `fn` on `result` fail until a run needs
 * no more: every run must return ACC_OK or ACC_ENOMEM (ASan reports a leak at exit).
 * Returns how many runs gave ACC_ENOMEM.
 */
static int sweep_allocation_failures(render_fn fn, const void *result)
{
    int enomem = 0;
    for (unsigned long nth = 1; nth < 500; nth++) {
        FILE *sink = fopen("/dev/null", "w");
        CU_ASSERT_PTR_NOT_NULL_FATAL(sink);
        acc_alloc_fail_at(nth);
        int status = fn(sink, result, NULL);
        acc_alloc_fail_at(0);
        fclose(sink);
        CU_ASSERT_TRUE(status == ACC_OK || status == ACC_ENOMEM);
        if (status != ACC_ENOMEM)
            break;
        enomem++;
    }
    return enomem;
}

/* The status of renderer `fn` writing `result` to /dev/full (every write fails). */
static int render_to_full_device(render_fn fn, const void *result)
{
    FILE *full = fopen("/dev/full", "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(full);
    int status = fn(full, result, NULL);
    fclose(full);
    return status;
}

#endif
