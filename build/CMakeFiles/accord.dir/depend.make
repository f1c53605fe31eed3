# Empty dependencies file for accord.
# This may be replaced when dependencies are built.
