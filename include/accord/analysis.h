/*
 * accord/analysis.h - (being written).
 */
#ifndef ACCORD_ANALYSIS_H
#define ACCORD_ANALYSIS_H

#include "accord/eval.h"

#endif
