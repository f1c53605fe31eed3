/*
 * accord/audit.h - (being written).
 */
#ifndef ACCORD_AUDIT_H
#define ACCORD_AUDIT_H

#include "accord/eval.h"

#endif
