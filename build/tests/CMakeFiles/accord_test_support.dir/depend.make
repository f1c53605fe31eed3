# Empty dependencies file for accord_test_support.
# This may be replaced when dependencies are built.
