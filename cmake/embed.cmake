# Turns a text file into a C translation unit defining acc_default_rules_text[] and
# acc_default_rules_len, so the default rule set ships inside the binary.
file(READ ${INPUT} hex HEX)
string(LENGTH "${hex}" hexlen)
math(EXPR nbytes "${hexlen} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," body "${hex}")
string(REGEX REPLACE "((0x..,){16})" "\\1\n" body "${body}")
file(WRITE ${OUTPUT} "/* Generated from ${INPUT} by cmake/embed.cmake: do not edit. */\n#include <stddef.h>\nconst char acc_default_rules_text[] = {\n${body}0x00};\nconst size_t acc_default_rules_len = ${nbytes};\n")
