/*
 * main.c - the accord command line (being written).
 */
#include "accord.h"

#include <stdio.h>

int main(int argc, char **argv)
{
    (void)argc; (void)argv;
    printf("accord %s\n", acc_version());
    return 0;
}
